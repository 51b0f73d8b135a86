/*
 * fuzz_idtoken.c - the claims of an ID token (a JSON object from outside;
 * the signature is fuzz_jws's business) through zsso_idtoken_check with
 * the expectations the seeds were made for (fuzz_keys.h).
 *
 * Oracle: whenever the check passes, the claims satisfy OpenID Connect
 * Core 3.1.3.7 as re-checked here with the plain getters: iss equal, aud
 * holding the client, azp (if any, or with several audiences) the client,
 * exp after now - skew, iat and nbf not after now + skew, the nonce equal,
 * a sub of 1 to 255 bytes.
 */
#include <string.h>

#include "fuzz.h"
#include "fuzz_keys.h"
#include "../../src/idtoken.h"

#define SKEW 60

static int has_client(apr_pool_t *p, const zsso_json_t *c, int *count)
{
    apr_array_header_t *aud;
    int i, found = 0;

    *count = 0;
    if (zsso_json_get_strings(p, c, "aud", &aud) != ZSSO_OK) {
        return 0;
    }
    for (i = 0; i < aud->nelts; i++) {
        found |= strcmp(APR_ARRAY_IDX(aud, i, const char *), FUZZ_CLIENT)
                 == 0;
    }
    *count = aud->nelts;
    return found;
}

static int time_ok(const zsso_json_t *c, const char *name, int required,
                   int before)
{
    apr_int64_t t;
    zsso_status_t st = zsso_json_get_int(c, name, &t);

    if (st == ZSSO_ENOENT) {
        return !required;
    }
    if (st != ZSSO_OK) {
        return 0;
    }
    return before ? t > FUZZ_NOW - SKEW : t <= FUZZ_NOW + SKEW;
}

static void check_accepted(apr_pool_t *p, const zsso_json_t *c)
{
    const char *s;
    int count;

    FUZZ_CHECK(zsso_json_get_string(c, "iss", &s) == ZSSO_OK
               && strcmp(s, FUZZ_ISSUER) == 0, "iss");
    FUZZ_CHECK(has_client(p, c, &count), "aud holds the client");
    if (zsso_json_get_string(c, "azp", &s) != ZSSO_ENOENT || count > 1) {
        FUZZ_CHECK(zsso_json_get_string(c, "azp", &s) == ZSSO_OK
                   && strcmp(s, FUZZ_CLIENT) == 0, "azp");
    }
    FUZZ_CHECK(time_ok(c, "exp", 1, 1), "exp");
    FUZZ_CHECK(time_ok(c, "iat", 1, 0), "iat");
    FUZZ_CHECK(time_ok(c, "nbf", 0, 0), "nbf");
    FUZZ_CHECK(zsso_json_get_string(c, "nonce", &s) == ZSSO_OK
               && strcmp(s, FUZZ_NONCE) == 0, "nonce");
    FUZZ_CHECK(zsso_json_get_string(c, "sub", &s) == ZSSO_OK
               && s[0] != '\0' && strlen(s) <= 255, "sub");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_begin();
    zsso_idtoken_expect_t want = {
        FUZZ_ISSUER, FUZZ_CLIENT, FUZZ_NONCE, FUZZ_NOW, SKEW
    };
    zsso_json_t *claims;
    zsso_err_t err;

    zsso_err_clear(&err);
    claims = zsso_json_parse(p, (const char *)data, size, 16384, &err);
    if (claims != NULL) {
        if (zsso_idtoken_check(claims, &want, &err) == ZSSO_OK) {
            check_accepted(p, claims);
        }
        else {
            FUZZ_CHECK(err.status != ZSSO_OK && err.text[0] != '\0',
                       "a refusal says why");
        }
    }
    fuzz_pool_end(p);
    return 0;
}
