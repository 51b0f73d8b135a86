/*
 * test_idtoken.c - the ID token claim checks of OpenID Connect Core 1.0
 * section 3.1.3.7, one refusal at a time from a token that passes.
 */
#include <string.h>

#include <apr_strings.h>

#include "tests.h"
#include "../../src/idtoken.h"

#define NOW  1700000000
#define SKEW 60

static const zsso_idtoken_expect_t want = {
    "https://example.okta.com", "client1", "n-0S6_WzA2Mj", NOW, SKEW
};

/* The claims of a good token with member name replaced by the JSON value
 * (or left out when value is NULL; name NULL changes nothing). */
static const char *claims_with(const char *name, const char *value)
{
    static const char *names[] = {
        "iss", "aud", "exp", "iat", "nonce", "sub"
    };
    const char *values[] = {
        "\"https://example.okta.com\"", "\"client1\"",
        apr_psprintf(t_pool, "%d", NOW + 300),
        apr_psprintf(t_pool, "%d", NOW - 10), "\"n-0S6_WzA2Mj\"", "\"00u1\""
    };
    const char *out = "{", *sep = "";
    int i, replaced = 0;

    for (i = 0; i < 6; i++) {
        if (name != NULL && strcmp(name, names[i]) == 0) {
            replaced = 1;
            if (value == NULL) {
                continue;
            }
            values[i] = value;
        }
        out = apr_psprintf(t_pool, "%s%s\"%s\":%s", out, sep, names[i],
                           values[i]);
        sep = ",";
    }
    if (name != NULL && !replaced && value != NULL) {
        out = apr_psprintf(t_pool, "%s,\"%s\":%s", out, name, value);
    }
    return apr_pstrcat(t_pool, out, "}", NULL);
}

static zsso_status_t check_as(const char *json,
                              const zsso_idtoken_expect_t *w,
                              zsso_err_t *err)
{
    zsso_json_t *claims;

    zsso_err_clear(err);
    claims = zsso_json_parse(t_pool, json, strlen(json), 65536, err);
    ck_assert_msg(claims != NULL, "bad test JSON %s: %s", json, err->text);
    return zsso_idtoken_check(claims, w, err);
}

static void accepted(const char *json)
{
    zsso_err_t err;

    ck_assert_msg(check_as(json, &want, &err) == ZSSO_OK, "%s refused: %s",
                  json, err.text);
}

static void refused(const char *json, zsso_status_t st, const char *text)
{
    zsso_err_t err;

    ck_assert_int_eq(check_as(json, &want, &err), st);
    ck_assert_int_eq(err.status, st);
    ck_assert_msg(strstr(err.text, text) != NULL, "\"%s\" not in \"%s\"",
                  text, err.text);
    /* The nonce is a secret of this login: never in a message. */
    ck_assert_ptr_null(strstr(err.text, want.nonce));
}

static const char *num(apr_int64_t v)
{
    return apr_psprintf(t_pool, "%" APR_INT64_T_FMT, v);
}

START_TEST(good_token)
{
    accepted(claims_with(NULL, NULL));
    accepted(claims_with("azp", "\"client1\""));
    accepted(claims_with("nbf", num(NOW)));
    accepted(claims_with("exp", "1700000300.75"));
}
END_TEST

START_TEST(iss_checks)
{
    refused(claims_with("iss", NULL), ZSSO_ECLAIM, "iss missing");
    refused(claims_with("iss", "null"), ZSSO_ECLAIM, "iss missing");
    refused(claims_with("iss", "\"https://evil.example\""), ZSSO_ECLAIM,
            "iss mismatch (got \"https://evil.example\")");
    refused(claims_with("iss", "\"https://example.okta.com/\""), ZSSO_ECLAIM,
            "iss mismatch");
    refused(claims_with("iss", "\"https://EXAMPLE.okta.com\""), ZSSO_ECLAIM,
            "iss mismatch");
    refused(claims_with("iss", "\"a\\r\\nb\\u00e9\""), ZSSO_ECLAIM,
            "iss mismatch (got \"a??b??\")");
    refused(claims_with("iss", "[\"https://example.okta.com\"]"),
            ZSSO_ECLAIM, "iss is not a string");
}
END_TEST

START_TEST(iss_shown_truncated)
{
    char iss[300];
    zsso_err_t err;

    memset(iss, 'i', sizeof(iss) - 1);
    iss[sizeof(iss) - 1] = '\0';
    ck_assert_int_eq(check_as(claims_with("iss", apr_psprintf(t_pool,
                                                              "\"%s\"", iss)),
                              &want, &err), ZSSO_ECLAIM);
    ck_assert_str_eq(err.text, apr_psprintf(t_pool,
                                            "iss mismatch (got \"%.64s\")",
                                            iss));
}
END_TEST

START_TEST(aud_checks)
{
    accepted(claims_with("aud", "[\"client1\"]"));
    refused(claims_with("aud", NULL), ZSSO_ECLAIM, "aud missing");
    refused(claims_with("aud", "\"client2\""), ZSSO_ECLAIM,
            "aud does not contain the client ID");
    refused(claims_with("aud", "\"client1 \""), ZSSO_ECLAIM,
            "aud does not contain the client ID");
    refused(claims_with("aud", "[]"), ZSSO_ECLAIM,
            "aud does not contain the client ID");
    refused(claims_with("aud", "{\"client1\":true}"), ZSSO_ECLAIM,
            "aud is not a string");
    refused(claims_with("aud", "[\"client1\",7]"), ZSSO_ECLAIM,
            "aud is not a string");
    refused(claims_with("aud", "7"), ZSSO_ECLAIM, "aud is not a string");
}
END_TEST

START_TEST(azp_checks)
{
    const char *two = "[\"other\",\"client1\"]";
    const char *json;

    refused(claims_with("aud", two), ZSSO_ECLAIM,
            "aud has several values and no azp");
    json = claims_with("aud", two);
    json = apr_pstrcat(t_pool, apr_pstrndup(t_pool, json, strlen(json) - 1),
                       ",\"azp\":\"client1\"}", NULL);
    accepted(json);
    refused(claims_with("azp", "\"other\""), ZSSO_ECLAIM, "azp mismatch");
    refused(claims_with("azp", "[\"client1\"]"), ZSSO_ECLAIM,
            "azp mismatch");
}
END_TEST

START_TEST(exp_checks)
{
    refused(claims_with("exp", NULL), ZSSO_ECLAIM, "exp missing");
    refused(claims_with("exp", "\"1700000300\""), ZSSO_ECLAIM,
            "exp is not a number");
    refused(claims_with("exp", "true"), ZSSO_ECLAIM, "exp is not a number");
    refused(claims_with("exp", "1e300"), ZSSO_ECLAIM, "exp");
    /* Valid while now - skew < exp (section 3.1.3.7 step 9). */
    refused(claims_with("exp", num(NOW - SKEW)), ZSSO_EEXPIRED,
            "token expired (exp)");
    accepted(claims_with("exp", num(NOW - SKEW + 1)));
    refused(claims_with("exp", num(0)), ZSSO_EEXPIRED, "token expired (exp)");
    refused(claims_with("exp", num(-1)), ZSSO_EEXPIRED,
            "token expired (exp)");
}
END_TEST

START_TEST(iat_checks)
{
    refused(claims_with("iat", NULL), ZSSO_ECLAIM, "iat missing");
    refused(claims_with("iat", "\"x\""), ZSSO_ECLAIM, "iat is not a number");
    accepted(claims_with("iat", num(NOW + SKEW)));
    refused(claims_with("iat", num(NOW + SKEW + 1)), ZSSO_ECLAIM,
            "iat in the future");
}
END_TEST

START_TEST(nbf_checks)
{
    accepted(claims_with("nbf", num(NOW + SKEW)));
    refused(claims_with("nbf", num(NOW + SKEW + 1)), ZSSO_ECLAIM,
            "nbf in the future");
    refused(claims_with("nbf", "\"0\""), ZSSO_ECLAIM, "nbf is not a number");
    accepted(claims_with("nbf", "null"));
}
END_TEST

START_TEST(skew_is_leeway_only)
{
    zsso_idtoken_expect_t w = want;
    zsso_err_t err;

    /* A negative skew counts as none; it never makes the window narrower
     * than the claims say. */
    w.skew = -100;
    ck_assert_int_eq(check_as(claims_with("exp", num(NOW + 1)), &w, &err),
                     ZSSO_OK);
    ck_assert_int_eq(check_as(claims_with("exp", num(NOW)), &w, &err),
                     ZSSO_EEXPIRED);
    ck_assert_int_eq(check_as(claims_with("iat", num(NOW + 1)), &w, &err),
                     ZSSO_ECLAIM);
    w.skew = 0;
    ck_assert_int_eq(check_as(claims_with("iat", num(NOW)), &w, &err),
                     ZSSO_OK);
}
END_TEST

START_TEST(nonce_checks)
{
    zsso_idtoken_expect_t w = want;
    zsso_err_t err;

    refused(claims_with("nonce", NULL), ZSSO_ECLAIM, "nonce missing");
    refused(claims_with("nonce", "\"n-0S6_WzA2Mk\""), ZSSO_ECLAIM,
            "nonce mismatch");
    refused(claims_with("nonce", "\"n-0S6_WzA2Mj \""), ZSSO_ECLAIM,
            "nonce mismatch");
    refused(claims_with("nonce", "\"\""), ZSSO_ECLAIM, "nonce mismatch");
    refused(claims_with("nonce", "7"), ZSSO_ECLAIM, "nonce mismatch");
    /* No expected nonce never matches. */
    w.nonce = NULL;
    ck_assert_int_eq(check_as(claims_with(NULL, NULL), &w, &err),
                     ZSSO_ECLAIM);
    ck_assert_str_eq(err.text, "nonce mismatch");
}
END_TEST

START_TEST(sub_checks)
{
    char sub[258];

    refused(claims_with("sub", NULL), ZSSO_ECLAIM, "sub missing");
    refused(claims_with("sub", "\"\""), ZSSO_ECLAIM, "sub missing");
    refused(claims_with("sub", "12"), ZSSO_ECLAIM, "sub is not a string");
    memset(sub, 's', sizeof(sub));
    sub[0] = '"';
    sub[256] = '"';
    sub[257] = '\0';
    accepted(claims_with("sub", sub));
    sub[256] = 's';
    refused(claims_with("sub", apr_pstrcat(t_pool, sub, "\"", NULL)),
            ZSSO_ECLAIM, "sub too long");
}
END_TEST

START_TEST(expectations_required)
{
    zsso_idtoken_expect_t w = want;
    zsso_err_t err;

    w.issuer = NULL;
    ck_assert_int_eq(check_as(claims_with(NULL, NULL), &w, &err),
                     ZSSO_ECLAIM);
    w = want;
    w.client_id = NULL;
    ck_assert_int_eq(check_as(claims_with(NULL, NULL), &w, &err),
                     ZSSO_ECLAIM);
    ck_assert_int_eq(check_as(claims_with("azp", "\"client1\""), &w, &err),
                     ZSSO_ECLAIM);
    zsso_err_clear(&err);
    ck_assert_int_eq(zsso_idtoken_check(NULL, &want, &err), ZSSO_EINVAL);
}
END_TEST

START_TEST(first_error_kept)
{
    zsso_json_t *claims;
    zsso_err_t err;
    const char *json = claims_with("iss", NULL);

    zsso_err_clear(&err);
    claims = zsso_json_parse(t_pool, json, strlen(json), 65536, &err);
    zsso_err_set(&err, ZSSO_ENOKEY, "earlier");
    ck_assert_int_eq(zsso_idtoken_check(claims, &want, &err), ZSSO_ECLAIM);
    ck_assert_int_eq(err.status, ZSSO_ENOKEY);
    ck_assert_str_eq(err.text, "earlier");
    ck_assert_int_eq(zsso_idtoken_check(claims, &want, NULL), ZSSO_ECLAIM);
}
END_TEST

/* ------------------------------------------------------------------ */
/* logout tokens (Back-Channel Logout 1.0, section 2.6)               */
/* ------------------------------------------------------------------ */

#define EVENTS "\"events\":{\"" ZSSO_BCL_EVENT "\":{}}"

static const char *logout_claims(const char *extra)
{
    return apr_psprintf(t_pool, "{\"iss\":\"https://example.okta.com\","
                        "\"aud\":\"client1\",\"iat\":%d,\"exp\":%d%s}",
                        NOW - 10, NOW + 120, extra);
}

static zsso_status_t logout_check(const char *json, const char **sub,
                                  const char **sid, zsso_err_t *err)
{
    const char *jti = NULL;
    zsso_json_t *claims;

    zsso_err_clear(err);
    claims = zsso_json_parse(t_pool, json, strlen(json), 65536, err);
    ck_assert_msg(claims != NULL, "bad test JSON %s: %s", json, err->text);
    *sub = *sid = NULL;
    return zsso_logout_token_check(t_pool, claims, &want, sub, sid, &jti,
                                   err);
}

START_TEST(logout_token_checks)
{
    const char *sub, *sid;
    zsso_err_t err;

    ck_assert_int_eq(logout_check(logout_claims(",\"sub\":\"00u1\","
                     "\"jti\":\"j1\"," EVENTS), &sub, &sid, &err), ZSSO_OK);
    ck_assert_str_eq(sub, "00u1");
    ck_assert_ptr_null(sid);
    ck_assert_int_eq(logout_check(logout_claims(",\"sid\":\"s1\","
                     "\"jti\":\"j1\"," EVENTS), &sub, &sid, &err), ZSSO_OK);
    ck_assert_str_eq(sid, "s1");
    /* Each spoiled in one way. */
    ck_assert_int_eq(logout_check(logout_claims(",\"sub\":\"00u1\","
                     "\"jti\":\"j1\",\"nonce\":\"n\"," EVENTS), &sub,
                     &sid, &err), ZSSO_ECLAIM);
    ck_assert_str_eq(err.text, "a logout token must not carry a nonce");
    ck_assert_int_eq(logout_check(logout_claims(",\"sub\":\"00u1\","
                     "\"jti\":\"j1\""), &sub, &sid, &err), ZSSO_ECLAIM);
    ck_assert_int_eq(logout_check(logout_claims(",\"sub\":\"00u1\","
                     "\"jti\":\"j1\",\"events\":{\"other\":{}}"), &sub,
                     &sid, &err), ZSSO_ECLAIM);
    ck_assert_int_eq(logout_check(logout_claims(",\"jti\":\"j1\","
                     EVENTS), &sub, &sid, &err), ZSSO_ECLAIM);
    ck_assert_str_eq(err.text, "neither sub nor sid");
    ck_assert_int_eq(logout_check(logout_claims(",\"sub\":\"00u1\","
                     EVENTS), &sub, &sid, &err), ZSSO_ECLAIM);
    ck_assert_str_eq(err.text, "jti missing");
    ck_assert_int_eq(logout_check(logout_claims(",\"sub\":7,\"jti\":"
                     "\"j1\"," EVENTS), &sub, &sid, &err), ZSSO_ECLAIM);
}
END_TEST

Suite *zsso_idtoken_suite(void)
{
    Suite *s = suite_create("idtoken");
    TCase *tc = t_tcase("claims");

    tcase_add_test(tc, good_token);
    tcase_add_test(tc, iss_checks);
    tcase_add_test(tc, iss_shown_truncated);
    tcase_add_test(tc, aud_checks);
    tcase_add_test(tc, azp_checks);
    tcase_add_test(tc, exp_checks);
    tcase_add_test(tc, iat_checks);
    tcase_add_test(tc, nbf_checks);
    tcase_add_test(tc, skew_is_leeway_only);
    tcase_add_test(tc, nonce_checks);
    tcase_add_test(tc, sub_checks);
    tcase_add_test(tc, expectations_required);
    tcase_add_test(tc, first_error_kept);
    tcase_add_test(tc, logout_token_checks);
    suite_add_tcase(s, tc);
    return s;
}
