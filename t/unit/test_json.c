/*
 * test_json.c - parsing limits and the typed getters and setters.
 */
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "tests.h"
#include "../../src/json.h"

static zsso_json_t *parse(const char *text, zsso_err_t *err)
{
    zsso_err_clear(err);
    return zsso_json_parse(t_pool, text, strlen(text), 65536, err);
}

static zsso_json_t *parse_ok(const char *text)
{
    zsso_err_t err;
    zsso_json_t *o = parse(text, &err);

    ck_assert_msg(o != NULL, "parse failed: %s", err.text);
    return o;
}

/* depth nested containers, the root object included. */
static const char *nested(int depth, int arrays)
{
    char *s = apr_pstrdup(t_pool, "{\"a\":");
    int i;

    for (i = 2; i < depth; i++) {
        s = apr_pstrcat(t_pool, s, arrays ? "[" : "{\"a\":", NULL);
    }
    s = apr_pstrcat(t_pool, s, arrays ? "[1]" : "{}", NULL);
    for (i = 2; i < depth; i++) {
        s = apr_pstrcat(t_pool, s, arrays ? "]" : "}", NULL);
    }
    return apr_pstrcat(t_pool, s, "}", NULL);
}

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */
/* ---------------------------------------------------------------------- */

START_TEST(parse_size_limit)
{
    const char *text = "{\"a\":\"bcd\"}";
    zsso_err_t err;

    zsso_err_clear(&err);
    ck_assert_ptr_nonnull(zsso_json_parse(t_pool, text, strlen(text),
                                          strlen(text), &err));
    ck_assert_ptr_null(zsso_json_parse(t_pool, text, strlen(text),
                                       strlen(text) - 1, &err));
    ck_assert_int_eq(err.status, ZSSO_ELIMIT);
}
END_TEST

START_TEST(parse_depth_limit)
{
    zsso_err_t err;

    ck_assert_int_eq(ZSSO_JSON_MAX_DEPTH, 16);
    ck_assert_ptr_nonnull(parse(nested(16, 0), &err));
    ck_assert_ptr_nonnull(parse(nested(16, 1), &err));
    ck_assert_ptr_null(parse(nested(17, 0), &err));
    ck_assert_int_eq(err.status, ZSSO_ELIMIT);
    ck_assert_ptr_null(parse(nested(17, 1), &err));
    ck_assert_int_eq(err.status, ZSSO_ELIMIT);
    ck_assert_ptr_null(parse(nested(2000, 1), &err));
    ck_assert_int_eq(err.status, ZSSO_ELIMIT);
}
END_TEST

START_TEST(parse_refuses_duplicate_keys)
{
    zsso_err_t err;

    ck_assert_ptr_null(parse("{\"sub\":\"a\",\"sub\":\"b\"}", &err));
    ck_assert_int_eq(err.status, ZSSO_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.text, "duplicate"));
    ck_assert_ptr_null(parse("{\"o\":{\"k\":1,\"k\":1}}", &err));
}
END_TEST

static const char *not_objects[] = {
    "[]", "1", "\"s\"", "null", "true", "", " ", "{", "{} {}", "{}x",
    "{'a':1}", "{\"a\":1,}"
};

START_TEST(parse_refuses_non_objects)
{
    zsso_err_t err;

    ck_assert_ptr_null(parse(not_objects[_i], &err));
    ck_assert_int_eq(err.status, ZSSO_EINVAL);
}
END_TEST

START_TEST(parse_refuses_nul)
{
    static const char raw[] = "{\"a\":\"x\0y\"}";
    zsso_err_t err;

    ck_assert_ptr_null(parse("{\"a\":\"x\\u0000y\"}", &err));
    ck_assert_int_eq(err.status, ZSSO_EINVAL);
    zsso_err_clear(&err);
    ck_assert_ptr_null(zsso_json_parse(t_pool, raw, sizeof(raw) - 1, 100,
                                       &err));
    ck_assert_int_eq(err.status, ZSSO_EINVAL);
}
END_TEST

START_TEST(parse_error_hides_input)
{
    zsso_err_t err;

    /* jansson would print the offending token; it may be a secret. */
    ck_assert_ptr_null(parse("{\"access_token\": s3cr3tT0ken}", &err));
    ck_assert_ptr_null(strstr(err.text, "s3cr3t"));
    ck_assert_ptr_nonnull(strstr(err.text, "line 1"));
    ck_assert_ptr_null(parse("{\"a\":\"x\" \"s3cr3t\"}", &err));
    ck_assert_ptr_null(strstr(err.text, "s3cr3t"));
    ck_assert_ptr_null(parse("{\"code\":\"s3cr3t", &err));
    ck_assert_ptr_null(strstr(err.text, "s3cr3t"));
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Getters                                                                 */
/* ---------------------------------------------------------------------- */

START_TEST(get_string_and_bool)
{
    zsso_json_t *o = parse_ok("{\"s\":\"v\",\"n\":null,\"i\":1,\"t\":true,"
                              "\"f\":false,\"u\":\"\\u00e9\"}");
    const char *s;
    int b;

    ck_assert_int_eq(zsso_json_get_string(o, "s", &s), ZSSO_OK);
    ck_assert_str_eq(s, "v");
    ck_assert_int_eq(zsso_json_get_string(o, "u", &s), ZSSO_OK);
    ck_assert_str_eq(s, "\xc3\xa9");
    ck_assert_int_eq(zsso_json_get_string(o, "x", &s), ZSSO_ENOENT);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(zsso_json_get_string(o, "n", &s), ZSSO_ENOENT);
    ck_assert_int_eq(zsso_json_get_string(o, "i", &s), ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_string(o, "t", &s), ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_bool(o, "t", &b), ZSSO_OK);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(zsso_json_get_bool(o, "f", &b), ZSSO_OK);
    ck_assert_int_eq(b, 0);
    ck_assert_int_eq(zsso_json_get_bool(o, "s", &b), ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_bool(o, "x", &b), ZSSO_ENOENT);
    ck_assert_int_eq(zsso_json_get_string(NULL, "s", &s), ZSSO_ENOENT);
}
END_TEST

START_TEST(get_int_rules)
{
    zsso_json_t *o = parse_ok(
        "{\"i\":1700000000,\"r\":1.5,\"m\":-1.5,\"big\":1e300,\"s\":\"123\","
        "\"max\":9007199254740992,\"over\":9007199254740993,"
        "\"min\":-9007199254740992,\"under\":-9007199254740993,"
        "\"huge\":9223372036854775807,\"b\":true,\"n\":null,\"a\":[1]}");
    apr_int64_t v;

    ck_assert_int_eq(zsso_json_get_int(o, "i", &v), ZSSO_OK);
    ck_assert_int_eq(v, 1700000000);
    ck_assert_int_eq(zsso_json_get_int(o, "r", &v), ZSSO_OK);
    ck_assert_int_eq(v, 1);
    ck_assert_int_eq(zsso_json_get_int(o, "m", &v), ZSSO_OK);
    ck_assert_int_eq(v, -1);
    ck_assert_int_eq(zsso_json_get_int(o, "big", &v), ZSSO_ELIMIT);
    ck_assert_int_eq(zsso_json_get_int(o, "s", &v), ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_int(o, "max", &v), ZSSO_OK);
    ck_assert_int_eq(v, 9007199254740992LL);
    ck_assert_int_eq(zsso_json_get_int(o, "over", &v), ZSSO_ELIMIT);
    ck_assert_int_eq(zsso_json_get_int(o, "min", &v), ZSSO_OK);
    ck_assert_int_eq(zsso_json_get_int(o, "under", &v), ZSSO_ELIMIT);
    ck_assert_int_eq(zsso_json_get_int(o, "huge", &v), ZSSO_ELIMIT);
    ck_assert_int_eq(zsso_json_get_int(o, "b", &v), ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_int(o, "a", &v), ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_int(o, "n", &v), ZSSO_ENOENT);
    ck_assert_int_eq(zsso_json_get_int(o, "x", &v), ZSSO_ENOENT);
}
END_TEST

START_TEST(get_strings_shapes)
{
    zsso_json_t *o = parse_ok("{\"one\":\"a\",\"two\":[\"a\",\"b\"],"
                              "\"none\":[],\"mixed\":[\"a\",1],"
                              "\"num\":5,\"obj\":{\"a\":\"b\"}}");
    apr_array_header_t *a;

    ck_assert_int_eq(zsso_json_get_strings(t_pool, o, "one", &a), ZSSO_OK);
    ck_assert_int_eq(a->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(a, 0, const char *), "a");
    ck_assert_int_eq(zsso_json_get_strings(t_pool, o, "two", &a), ZSSO_OK);
    ck_assert_int_eq(a->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(a, 1, const char *), "b");
    ck_assert_int_eq(zsso_json_get_strings(t_pool, o, "none", &a), ZSSO_OK);
    ck_assert_int_eq(a->nelts, 0);
    ck_assert_int_eq(zsso_json_get_strings(t_pool, o, "mixed", &a),
                     ZSSO_EINVAL);
    ck_assert_ptr_null(a);
    ck_assert_int_eq(zsso_json_get_strings(t_pool, o, "num", &a),
                     ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_strings(t_pool, o, "obj", &a),
                     ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_strings(t_pool, o, "x", &a), ZSSO_ENOENT);
}
END_TEST

START_TEST(get_objects_borrowed)
{
    zsso_json_t *o = parse_ok("{\"o\":{\"k\":\"v\"},\"keys\":[{\"kid\":\"1\"},"
                              "{\"kid\":\"2\"}],\"bad\":[{},1],\"s\":\"x\"}");
    zsso_json_t *sub;
    apr_array_header_t *a;
    const char *s;

    ck_assert_int_eq(zsso_json_get_object(t_pool, o, "o", &sub), ZSSO_OK);
    ck_assert_int_eq(zsso_json_get_string(sub, "k", &s), ZSSO_OK);
    ck_assert_str_eq(s, "v");
    ck_assert_int_eq(zsso_json_get_object(t_pool, o, "s", &sub),
                     ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_object(t_pool, o, "x", &sub),
                     ZSSO_ENOENT);
    ck_assert_int_eq(zsso_json_get_objects(t_pool, o, "keys", &a), ZSSO_OK);
    ck_assert_int_eq(a->nelts, 2);
    ck_assert_int_eq(zsso_json_get_string(APR_ARRAY_IDX(a, 1, zsso_json_t *),
                                          "kid", &s), ZSSO_OK);
    ck_assert_str_eq(s, "2");
    ck_assert_int_eq(zsso_json_get_objects(t_pool, o, "bad", &a),
                     ZSSO_EINVAL);
    ck_assert_int_eq(zsso_json_get_objects(t_pool, o, "o", &a), ZSSO_EINVAL);
}
END_TEST

START_TEST(borrowed_lives_with_root)
{
    apr_pool_t *sub_pool;
    zsso_json_t *o, *sub;
    zsso_err_t err;
    const char *s;

    /* Borrowed objects made in a shorter-lived pool: destroying that pool
     * must not drop the root's tree (valgrind checks the rest). */
    o = parse_ok("{\"o\":{\"k\":\"v\"}}");
    ck_assert_int_eq(apr_pool_create(&sub_pool, t_pool), APR_SUCCESS);
    ck_assert_int_eq(zsso_json_get_object(sub_pool, o, "o", &sub), ZSSO_OK);
    apr_pool_destroy(sub_pool);
    ck_assert_int_eq(zsso_json_get_object(t_pool, o, "o", &sub), ZSSO_OK);
    ck_assert_int_eq(zsso_json_get_string(sub, "k", &s), ZSSO_OK);
    ck_assert_str_eq(s, "v");
    /* A root in its own pool is released with that pool. */
    ck_assert_int_eq(apr_pool_create(&sub_pool, t_pool), APR_SUCCESS);
    zsso_err_clear(&err);
    ck_assert_ptr_nonnull(zsso_json_parse(sub_pool, "{\"a\":[1,2]}", 11, 11,
                                          &err));
    apr_pool_destroy(sub_pool);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Building                                                                */
/* ---------------------------------------------------------------------- */

START_TEST(build_and_dump)
{
    zsso_json_t *o = zsso_json_object_new(t_pool), *back;
    apr_array_header_t *groups = apr_array_make(t_pool, 2,
                                                sizeof(const char *));
    apr_array_header_t *got;
    apr_int64_t v;
    const char *s;

    APR_ARRAY_PUSH(groups, const char *) = "Everyone";
    APR_ARRAY_PUSH(groups, const char *) = "DB \"Admins\"";
    zsso_json_set_string(o, "sub", "00u1");
    zsso_json_set_int(o, "exp", 1700000000);
    zsso_json_set_strings(o, "groups", groups);
    zsso_json_set_string(o, "skip", NULL);
    zsso_json_set_string(o, "bad", "\xff\xfe");
    ck_assert_str_eq(zsso_json_dump(t_pool, o),
                     "{\"sub\":\"00u1\",\"exp\":1700000000,"
                     "\"groups\":[\"Everyone\",\"DB \\\"Admins\\\"\"]}");
    zsso_json_set_int(o, "exp", -5);
    back = parse_ok(zsso_json_dump(t_pool, o));
    ck_assert_int_eq(zsso_json_get_int(back, "exp", &v), ZSSO_OK);
    ck_assert_int_eq(v, -5);
    ck_assert_int_eq(zsso_json_get_string(back, "sub", &s), ZSSO_OK);
    ck_assert_str_eq(s, "00u1");
    ck_assert_int_eq(zsso_json_get_strings(t_pool, back, "groups", &got),
                     ZSSO_OK);
    ck_assert_int_eq(got->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(got, 1, const char *), "DB \"Admins\"");
    ck_assert_str_eq(zsso_json_dump(t_pool, zsso_json_object_new(t_pool)),
                     "{}");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *zsso_json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *parse_tc = t_tcase("parse");
    TCase *get = t_tcase("get");
    TCase *build = t_tcase("build");

    tcase_add_test(parse_tc, parse_size_limit);
    tcase_add_test(parse_tc, parse_depth_limit);
    tcase_add_test(parse_tc, parse_refuses_duplicate_keys);
    tcase_add_loop_test(parse_tc, parse_refuses_non_objects, 0,
                        N(not_objects));
    tcase_add_test(parse_tc, parse_refuses_nul);
    tcase_add_test(parse_tc, parse_error_hides_input);
    tcase_add_test(get, get_string_and_bool);
    tcase_add_test(get, get_int_rules);
    tcase_add_test(get, get_strings_shapes);
    tcase_add_test(get, get_objects_borrowed);
    tcase_add_test(get, borrowed_lives_with_root);
    tcase_add_test(build, build_and_dump);
    suite_add_tcase(s, parse_tc);
    suite_add_tcase(s, get);
    suite_add_tcase(s, build);
    return s;
}
