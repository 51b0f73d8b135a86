/*
 * test_util.c - base64url, URL coding, query and cookie parsing, the
 * return-path check and HTML escaping.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "tests.h"
#include "../../src/util.h"

/* ---------------------------------------------------------------------- */
/* base64url                                                               */
/* ---------------------------------------------------------------------- */

/* RFC 4648 section 10, without the padding (RFC 7515 section 2). */
static const struct {
    const char *plain;
    const char *b64url;
} rfc4648[] = {
    { "", "" },
    { "f", "Zg" },
    { "fo", "Zm8" },
    { "foo", "Zm9v" },
    { "foob", "Zm9vYg" },
    { "fooba", "Zm9vYmE" },
    { "foobar", "Zm9vYmFy" }
};

START_TEST(b64url_rfc4648_vectors)
{
    const char *plain = rfc4648[_i].plain, *enc = rfc4648[_i].b64url;
    unsigned char *out;
    apr_size_t len;

    ck_assert_str_eq(zsso_b64url_encode(t_pool, (const unsigned char *)plain,
                                        strlen(plain)), enc);
    ck_assert_int_eq(zsso_b64url_decode(t_pool, enc, strlen(enc), &out, &len),
                     ZSSO_OK);
    ck_assert_uint_eq(len, strlen(plain));
    ck_assert_mem_eq(out, plain, len);
    ck_assert_int_eq(out[len], '\0');
}
END_TEST

START_TEST(b64url_uses_url_alphabet)
{
    static const unsigned char bytes[] = { 0xfb, 0xff, 0xbf, 0xfb, 0xff };
    unsigned char *out;
    apr_size_t len;

    /* base64 would give "+/+/+/8=": '+' and '/' become '-' and '_'. */
    ck_assert_str_eq(zsso_b64url_encode(t_pool, bytes, sizeof(bytes)),
                     "-_-_-_8");
    ck_assert_int_eq(zsso_b64url_decode(t_pool, "-_-_-_8", 7, &out, &len),
                     ZSSO_OK);
    ck_assert_uint_eq(len, sizeof(bytes));
    ck_assert_mem_eq(out, bytes, len);
}
END_TEST

START_TEST(b64url_all_bytes_round_trip)
{
    unsigned char bytes[256], *out;
    apr_size_t len, n;
    const char *enc;
    int i;

    for (i = 0; i < 256; i++) {
        bytes[i] = (unsigned char)i;
    }
    for (n = 0; n <= sizeof(bytes); n += 37) {
        enc = zsso_b64url_encode(t_pool, bytes, n);
        ck_assert_int_eq(zsso_b64url_decode(t_pool, enc, strlen(enc), &out,
                                            &len), ZSSO_OK);
        ck_assert_uint_eq(len, n);
        ck_assert_mem_eq(out, bytes, n);
    }
}
END_TEST

static const char *b64url_refused[] = {
    "Zg==",        /* padding */
    "Zm9vYg=",     /* padding */
    "Zm+v",        /* base64, not base64url */
    "Zm/v",
    "Zm 9v",       /* white space */
    " Zm9v",
    "Zm9v\n",
    "Zm9vY",       /* length % 4 == 1 */
    "Z",
    "Zh",          /* "f" is "Zg": 'h' leaves a non-zero unused bit */
    "Zm9",         /* "fo" is "Zm8" */
    "Zm\xc3\xa9",  /* not ASCII */
    "Zm.v"
};

START_TEST(b64url_strict_decode)
{
    const char *in = b64url_refused[_i];
    unsigned char *out = (unsigned char *)"x";
    apr_size_t len = 99;

    ck_assert_int_eq(zsso_b64url_decode(t_pool, in, strlen(in), &out, &len),
                     ZSSO_EINVAL);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(b64url_decode_honours_length)
{
    unsigned char *out;
    apr_size_t len;

    /* Only the first 4 characters count: "Zm9v" is "foo". */
    ck_assert_int_eq(zsso_b64url_decode(t_pool, "Zm9v!!!!", 4, &out, &len),
                     ZSSO_OK);
    ck_assert_str_eq((char *)out, "foo");
    /* A NUL inside the given length is not a base64url character. */
    ck_assert_int_eq(zsso_b64url_decode(t_pool, "Zm\0v", 4, &out, &len),
                     ZSSO_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* URL coding                                                              */
/* ---------------------------------------------------------------------- */

START_TEST(url_encode_reserved_and_utf8)
{
    ck_assert_str_eq(zsso_url_encode(t_pool, "a b&c=d/\xc3\xa9~-._+%"),
                     "a%20b%26c%3Dd%2F%C3%A9~-._%2B%25");
    ck_assert_str_eq(zsso_url_encode(t_pool, "AZaz09"), "AZaz09");
    ck_assert_str_eq(zsso_url_encode(t_pool, ""), "");
    ck_assert_str_eq(zsso_url_encode(t_pool, NULL), "");
}
END_TEST

START_TEST(url_round_trip)
{
    static const char *samples[] = {
        "https://example.okta.com/oauth2/v1/authorize?x=1&y=2",
        "a b+c%d", "\x01\x7f\xff", "~!*'();:@&=+$,/?#[]"
    };
    char *out;
    const char *enc;
    size_t i;

    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        enc = zsso_url_encode(t_pool, samples[i]);
        ck_assert_int_eq(zsso_url_decode(t_pool, enc, strlen(enc), &out),
                         ZSSO_OK);
        ck_assert_str_eq(out, samples[i]);
    }
}
END_TEST

START_TEST(url_decode_form_rules)
{
    char *out;

    ck_assert_int_eq(zsso_url_decode(t_pool, "a+b%20c%2f%2F", 13, &out),
                     ZSSO_OK);
    ck_assert_str_eq(out, "a b c//");
    ck_assert_int_eq(zsso_url_decode(t_pool, "%2B", 3, &out), ZSSO_OK);
    ck_assert_str_eq(out, "+");
    ck_assert_int_eq(zsso_url_decode(t_pool, "abcdef", 3, &out), ZSSO_OK);
    ck_assert_str_eq(out, "abc");
    ck_assert_int_eq(zsso_url_decode(t_pool, "", 0, &out), ZSSO_OK);
    ck_assert_str_eq(out, "");
}
END_TEST

static const char *url_refused[] = {
    "%zz", "%", "%4", "a%4", "%g0", "%00", "a%00b", "%%41"
};

START_TEST(url_decode_refuses_bad_escapes)
{
    const char *in = url_refused[_i];
    char *out = (char *)"x";

    ck_assert_int_eq(zsso_url_decode(t_pool, in, strlen(in), &out),
                     ZSSO_EINVAL);
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(url_decode_refuses_raw_nul)
{
    char *out;

    ck_assert_int_eq(zsso_url_decode(t_pool, "a\0b", 3, &out), ZSSO_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Query strings                                                           */
/* ---------------------------------------------------------------------- */

START_TEST(query_get_found)
{
    const char *v;

    ck_assert_int_eq(zsso_query_get(t_pool, "code=abc&state=x%2By+z",
                                    "state", &v), ZSSO_OK);
    ck_assert_str_eq(v, "x+y z");
    ck_assert_int_eq(zsso_query_get(t_pool, "code=abc&state=x", "code", &v),
                     ZSSO_OK);
    ck_assert_str_eq(v, "abc");
    /* A bare name and an empty value are both an empty value. */
    ck_assert_int_eq(zsso_query_get(t_pool, "a&b=", "a", &v), ZSSO_OK);
    ck_assert_str_eq(v, "");
    ck_assert_int_eq(zsso_query_get(t_pool, "a&b=", "b", &v), ZSSO_OK);
    ck_assert_str_eq(v, "");
    /* Only the first '=' splits. */
    ck_assert_int_eq(zsso_query_get(t_pool, "a=b=c", "a", &v), ZSSO_OK);
    ck_assert_str_eq(v, "b=c");
}
END_TEST

START_TEST(query_get_absent)
{
    const char *v = "x";

    ck_assert_int_eq(zsso_query_get(t_pool, "code=abc", "state", &v),
                     ZSSO_ENOENT);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(zsso_query_get(t_pool, NULL, "state", &v), ZSSO_ENOENT);
    ck_assert_int_eq(zsso_query_get(t_pool, "", "state", &v), ZSSO_ENOENT);
    ck_assert_int_eq(zsso_query_get(t_pool, "&&&", "state", &v),
                     ZSSO_ENOENT);
    ck_assert_int_eq(zsso_query_get(t_pool, "&&state=1&&", "state", &v),
                     ZSSO_OK);
    ck_assert_str_eq(v, "1");
}
END_TEST

START_TEST(query_get_duplicate)
{
    const char *v = "x";

    ck_assert_int_eq(zsso_query_get(t_pool, "state=1&code=2&state=1",
                                    "state", &v), ZSSO_EDUP);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(zsso_query_get(t_pool, "state=1&state", "state", &v),
                     ZSSO_EDUP);
    /* An encoded name is the same name. */
    ck_assert_int_eq(zsso_query_get(t_pool, "state=1&st%61te=2", "state",
                                    &v), ZSSO_EDUP);
}
END_TEST

START_TEST(query_get_name_prefix)
{
    const char *v;

    ck_assert_int_eq(zsso_query_get(t_pool, "xstate=1&state=2", "state", &v),
                     ZSSO_OK);
    ck_assert_str_eq(v, "2");
    ck_assert_int_eq(zsso_query_get(t_pool, "state2=1&states=3", "state",
                                    &v), ZSSO_ENOENT);
    ck_assert_int_eq(zsso_query_get(t_pool, "stat=1", "state", &v),
                     ZSSO_ENOENT);
}
END_TEST

START_TEST(query_get_bad_escape)
{
    const char *v;

    ck_assert_int_eq(zsso_query_get(t_pool, "state=%zz", "state", &v),
                     ZSSO_EINVAL);
    ck_assert_int_eq(zsso_query_get(t_pool, "state=a%00", "state", &v),
                     ZSSO_EINVAL);
    ck_assert_ptr_null(v);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Cookie header                                                           */
/* ---------------------------------------------------------------------- */

START_TEST(cookie_parse_pairs)
{
    apr_table_t *t = apr_table_make(t_pool, 4);

    ck_assert_int_eq(zsso_cookie_parse(t_pool,
                                       "a=1; b=2;c=3 ;  d = \"four\" ;e=",
                                       t, 10), ZSSO_OK);
    ck_assert_int_eq(apr_table_elts(t)->nelts, 5);
    ck_assert_str_eq(apr_table_get(t, "a"), "1");
    ck_assert_str_eq(apr_table_get(t, "b"), "2");
    ck_assert_str_eq(apr_table_get(t, "c"), "3");
    ck_assert_str_eq(apr_table_get(t, "d"), "four");
    ck_assert_str_eq(apr_table_get(t, "e"), "");
}
END_TEST

START_TEST(cookie_parse_values_kept_raw)
{
    apr_table_t *t = apr_table_make(t_pool, 4);

    ck_assert_int_eq(zsso_cookie_parse(t_pool,
                                       "s=a%20b=c; q=\"x; r=\"\"; o=\"y",
                                       t, 10), ZSSO_OK);
    ck_assert_str_eq(apr_table_get(t, "s"), "a%20b=c");
    /* The ';' ends the pair even inside a quote (RFC 6265 cookie-value
     * never holds one). */
    ck_assert_str_eq(apr_table_get(t, "q"), "\"x");
    ck_assert_str_eq(apr_table_get(t, "r"), "");
    ck_assert_str_eq(apr_table_get(t, "o"), "\"y");
}
END_TEST

START_TEST(cookie_parse_skips_non_pairs)
{
    apr_table_t *t = apr_table_make(t_pool, 4);

    ck_assert_int_eq(zsso_cookie_parse(t_pool, "flag; ;;=v; a=1; ", t, 10),
                     ZSSO_OK);
    ck_assert_int_eq(apr_table_elts(t)->nelts, 1);
    ck_assert_str_eq(apr_table_get(t, "a"), "1");
    ck_assert_int_eq(zsso_cookie_parse(t_pool, "", t, 10), ZSSO_OK);
    ck_assert_int_eq(zsso_cookie_parse(t_pool, NULL, t, 10), ZSSO_OK);
    ck_assert_int_eq(apr_table_elts(t)->nelts, 1);
}
END_TEST

START_TEST(cookie_parse_duplicates_kept)
{
    apr_table_t *t = apr_table_make(t_pool, 4);

    ck_assert_int_eq(zsso_cookie_parse(t_pool, "a=1; a=2", t, 10), ZSSO_OK);
    ck_assert_int_eq(apr_table_elts(t)->nelts, 2);
    ck_assert_str_eq(apr_table_get(t, "a"), "1");
}
END_TEST

START_TEST(cookie_parse_max_pairs)
{
    apr_table_t *t = apr_table_make(t_pool, 4);

    ck_assert_int_eq(zsso_cookie_parse(t_pool, "a=1; b=2; c=3", t, 2),
                     ZSSO_ELIMIT);
    ck_assert_int_eq(apr_table_elts(t)->nelts, 2);
    ck_assert_str_eq(apr_table_get(t, "a"), "1");
    ck_assert_str_eq(apr_table_get(t, "b"), "2");
    ck_assert_ptr_null(apr_table_get(t, "c"));
    /* Exactly at the limit, and non-pairs past it, are fine. */
    apr_table_clear(t);
    ck_assert_int_eq(zsso_cookie_parse(t_pool, "a=1; b=2; flag", t, 2),
                     ZSSO_OK);
    ck_assert_int_eq(apr_table_elts(t)->nelts, 2);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Return paths                                                            */
/* ---------------------------------------------------------------------- */

static const char *paths_ok[] = {
    "/", "/console/x?a=b", "/console/x?next=//evil", "/a/b#frag",
    "/%41", "/a/%2Fb", "/a//b", "/.well-known", "/?", "/~user"
};

START_TEST(return_path_accepted)
{
    ck_assert_msg(zsso_return_path_ok(paths_ok[_i]), "refused: %s",
                  paths_ok[_i]);
}
END_TEST

static const char *paths_refused[] = {
    "", "//evil", "//evil.example/x", "/\\evil", "\\\\evil", "\\/evil",
    "http://x", "https:/x", "http:x", "https://evil/", "/%2F/evil",
    "/%2f/evil", "/%5Cevil", "/%5cevil", "/%09/evil", "/%0d%0a", "/\tx",
    "/a\nb", "/a\rb", "/a b", "/a\\b", "/a\x7f", "javascript:alert(1)",
    "x/y", "/%zz", "/a%", "/a%4"
};

START_TEST(return_path_refused)
{
    ck_assert_msg(!zsso_return_path_ok(paths_refused[_i]), "accepted: %s",
                  paths_refused[_i]);
}
END_TEST

START_TEST(return_path_null)
{
    ck_assert_int_eq(zsso_return_path_ok(NULL), 0);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* HTML                                                                    */
/* ---------------------------------------------------------------------- */

START_TEST(printable_cuts_and_masks)
{
    char buf[8];

    ck_assert_str_eq(zsso_printable(buf, sizeof(buf), "a\r\nb\x7f\xc3\xa9z"),
                     "a??b???");
    ck_assert_str_eq(zsso_printable(buf, sizeof(buf), "abc"), "abc");
    ck_assert_str_eq(zsso_printable(buf, 1, "abc"), "");
    ck_assert_str_eq(zsso_printable(buf, sizeof(buf), NULL), "");
}
END_TEST

START_TEST(cookie_strip_prefix)
{
    ck_assert_str_eq(zsso_cookie_strip(t_pool, "a=1; zsso_session=x; "
                                       "b=2;zsso_state_abc=y", "zsso_"),
                     "a=1; b=2");
    ck_assert_ptr_null(zsso_cookie_strip(t_pool, "zsso_session=x",
                                         "zsso_"));
    ck_assert_ptr_null(zsso_cookie_strip(t_pool, "", "zsso_"));
    ck_assert_str_eq(zsso_cookie_strip(t_pool, "xzsso_a=1", "zsso_"),
                     "xzsso_a=1");
    /* Shorter than the prefix, the prefix alone, trailing blanks. */
    ck_assert_str_eq(zsso_cookie_strip(t_pool, "zss; a=1 ;zsso_", "zsso_"),
                     "zss; a=1 ");
    ck_assert_ptr_null(zsso_cookie_strip(t_pool, NULL, "zsso_"));
}
END_TEST

/* Resident memory of this process in bytes (Linux /proc). */
static long resident_bytes(void)
{
    long pages = -1, resident = -1;
    FILE *f = fopen("/proc/self/statm", "r");

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "%ld %ld", &pages, &resident), 2);
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

/* Found by t/fuzz/fuzz_cookie: joining the kept pairs one apr_pstrcat at
 * a time cost memory quadratic in their number, on every signed-in
 * request: this header made the process grow by 19 MB. Stripping it must
 * stay under 1 MB (the pool has an allocator of its own, so whatever it
 * takes is new memory) and give the same header as before. */
START_TEST(cookie_strip_many_pairs)
{
    apr_size_t cap = 8190 + 1;      /* httpd's LimitRequestFieldSize */
    char *in = apr_palloc(t_pool, cap), *want = apr_palloc(t_pool, 2 * cap);
    apr_size_t n = 0, w = 0;
    apr_pool_t *p;
    const char *out;
    long before;
    int i;

    /* "zsso_session=x;a;b=1;a;b=1;..." up to the limit: the shortest
     * pairs make the most of them, and each kept one gains a space. */
    n = (apr_size_t)apr_snprintf(in, cap, "zsso_session=x");
    for (i = 0; n + 4 < cap; i++) {
        n += (apr_size_t)apr_snprintf(in + n, cap - n, ";%s",
                                      i % 2 ? "b=1" : "a");
        w += (apr_size_t)apr_snprintf(want + w, 2 * cap - w, "%s%s",
                                      i ? "; " : "", i % 2 ? "b=1" : "a");
    }
    ck_assert_int_eq(apr_pool_create_unmanaged_ex(&p, NULL, NULL),
                     APR_SUCCESS);
    before = resident_bytes();
    out = zsso_cookie_strip(p, in, "zsso_");
    ck_assert_int_lt(resident_bytes() - before, 1024 * 1024);
    ck_assert_str_eq(out, want);
    apr_pool_destroy(p);
    ck_assert_str_eq(zsso_cookie_strip(t_pool, "a;b;;;\tc", "zsso_"),
                     "a; b; c");
    ck_assert_ptr_null(zsso_cookie_strip(t_pool, ";; ;\t;", "zsso_"));
}
END_TEST

START_TEST(html_escape_five)
{
    ck_assert_str_eq(zsso_html_escape(t_pool, "<a href=\"x\">'&'</a>"),
                     "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    ck_assert_str_eq(zsso_html_escape(t_pool, "&amp;"), "&amp;amp;");
    ck_assert_str_eq(zsso_html_escape(t_pool, "plain \xc3\xa9"),
                     "plain \xc3\xa9");
    ck_assert_str_eq(zsso_html_escape(t_pool, ""), "");
    ck_assert_str_eq(zsso_html_escape(t_pool, NULL), "");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *zsso_util_suite(void)
{
    Suite *s = suite_create("util");
    TCase *b64 = t_tcase("base64url");
    TCase *url = t_tcase("url");
    TCase *query = t_tcase("query");
    TCase *cookie = t_tcase("cookie");
    TCase *path = t_tcase("return_path");
    TCase *html = t_tcase("html");

    tcase_add_loop_test(b64, b64url_rfc4648_vectors, 0, N(rfc4648));
    tcase_add_test(b64, b64url_uses_url_alphabet);
    tcase_add_test(b64, b64url_all_bytes_round_trip);
    tcase_add_loop_test(b64, b64url_strict_decode, 0, N(b64url_refused));
    tcase_add_test(b64, b64url_decode_honours_length);
    tcase_add_test(url, url_encode_reserved_and_utf8);
    tcase_add_test(url, url_round_trip);
    tcase_add_test(url, url_decode_form_rules);
    tcase_add_loop_test(url, url_decode_refuses_bad_escapes, 0,
                        N(url_refused));
    tcase_add_test(url, url_decode_refuses_raw_nul);
    tcase_add_test(query, query_get_found);
    tcase_add_test(query, query_get_absent);
    tcase_add_test(query, query_get_duplicate);
    tcase_add_test(query, query_get_name_prefix);
    tcase_add_test(query, query_get_bad_escape);
    tcase_add_test(cookie, cookie_parse_pairs);
    tcase_add_test(cookie, cookie_parse_values_kept_raw);
    tcase_add_test(cookie, cookie_parse_skips_non_pairs);
    tcase_add_test(cookie, cookie_parse_duplicates_kept);
    tcase_add_test(cookie, cookie_parse_max_pairs);
    tcase_add_test(cookie, cookie_strip_prefix);
    tcase_add_test(cookie, cookie_strip_many_pairs);
    tcase_add_loop_test(path, return_path_accepted, 0, N(paths_ok));
    tcase_add_loop_test(path, return_path_refused, 0, N(paths_refused));
    tcase_add_test(path, return_path_null);
    tcase_add_test(html, html_escape_five);
    tcase_add_test(html, printable_cuts_and_masks);
    suite_add_tcase(s, b64);
    suite_add_tcase(s, url);
    suite_add_tcase(s, query);
    suite_add_tcase(s, cookie);
    suite_add_tcase(s, path);
    suite_add_tcase(s, html);
    return s;
}
