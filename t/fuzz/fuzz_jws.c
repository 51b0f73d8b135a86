/*
 * fuzz_jws.c - a compact JWS from outside (the token endpoint's id_token)
 * through zsso_jws_parse and, when it parses, zsso_jws_verify against a
 * fixed key set (RSA "rsa1", EC "ec1"; see fuzz_keys.h). An input with
 * two newlines is also read as header JSON, payload JSON and signature
 * bytes, encoded into a token, so mutations reach inside the JSON.
 *
 * Oracles: a parsed JWS has an allow-listed alg, claims, and a signing
 * input that is the token up to its second dot; a signature that
 * verifies has the size of its key (256 bytes for rsa1, 64 for ES256).
 * At start, the fixed tokens must verify: the seeds and this verifier
 * agree on RS256, PS256 and ES256.
 */
#include <string.h>

#include <apr_strings.h>

#include "fuzz.h"
#include "fuzz_keys.h"
#include "../../src/jose.h"
#include "../../src/util.h"

static zsso_jwks_t *keys;

/* The key set lives for the whole run, in a pool of its own. */
static void keys_once(void)
{
    apr_pool_t *p, *tmp;
    zsso_jws_t *jws;
    zsso_err_t err;
    size_t i;

    if (keys != NULL) {
        return;
    }
    p = fuzz_pool_begin();
    zsso_err_clear(&err);
    keys = zsso_jwks_parse(p, fuzz_jwks, strlen(fuzz_jwks), &err);
    FUZZ_CHECK(keys != NULL && zsso_jwks_count(keys) == 2,
               "the fixed key set parses");
    for (i = 0; i < sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]); i++) {
        tmp = fuzz_pool_begin();
        zsso_err_clear(&err);
        jws = zsso_jws_parse(tmp, fuzz_tokens[i], &err);
        FUZZ_CHECK(jws != NULL && zsso_jws_verify(jws, keys, &err)
                   == ZSSO_OK, "a fixed token verifies");
        fuzz_pool_end(tmp);
    }
}

static int alg_allowed(const char *alg)
{
    return strcmp(alg, "RS256") == 0 || strcmp(alg, "PS256") == 0
           || strcmp(alg, "ES256") == 0;
}

/* Parse token and, when it parses, verify it; check what the parser
 * promises. */
static void check_token(apr_pool_t *p, const char *token)
{
    zsso_jws_t *jws;
    zsso_err_t err;

    zsso_err_clear(&err);
    jws = zsso_jws_parse(p, token, &err);
    if (jws == NULL) {
        FUZZ_CHECK(err.status != ZSSO_OK, "a refusal says why");
        return;
    }
    FUZZ_CHECK(strlen(token) <= ZSSO_JWS_MAX_LEN, "length limit");
    FUZZ_CHECK(jws->alg != NULL && alg_allowed(jws->alg), "alg allow-list");
    FUZZ_CHECK(jws->claims != NULL && jws->header != NULL, "parts parsed");
    FUZZ_CHECK(jws->signing_len < strlen(token)
               && memcmp(jws->signing_input, token, jws->signing_len) == 0
               && token[jws->signing_len] == '.',
               "signing input is the token up to the second dot");
    if (zsso_jws_verify(jws, keys, &err) == ZSSO_OK) {
        FUZZ_CHECK(strcmp(jws->alg, "ES256") == 0
                   ? jws->sig_len == 64 : jws->sig_len == 256,
                   "a verified signature has the key's size");
    }
}

/* Input "header\npayload\nsignature" (raw JSON, raw JSON, raw bytes) as
 * a compact JWS, so that mutations of the JSON itself reach the header
 * checks; NULL when the input has no two newlines. */
static const char *token_from_parts(apr_pool_t *p, const uint8_t *data,
                                    size_t size)
{
    const uint8_t *nl1 = memchr(data, '\n', size), *nl2;

    if (nl1 == NULL) {
        return NULL;
    }
    nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - data));
    if (nl2 == NULL) {
        return NULL;
    }
    return apr_pstrcat(p,
        zsso_b64url_encode(p, data, (apr_size_t)(nl1 - data)), ".",
        zsso_b64url_encode(p, nl1 + 1, (apr_size_t)(nl2 - nl1 - 1)), ".",
        zsso_b64url_encode(p, nl2 + 1, size - (size_t)(nl2 + 1 - data)),
        NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *token;

    keys_once();
    p = fuzz_pool_begin();
    check_token(p, fuzz_cstr(p, data, size));
    token = token_from_parts(p, data, size);
    if (token != NULL) {
        check_token(p, token);
    }
    fuzz_pool_end(p);
    return 0;
}
