/*
 * fuzz_jws.c - a compact JWS from outside (the token endpoint's id_token)
 * through zsso_jws_parse and, when it parses, zsso_jws_verify against a
 * fixed key set (RSA "rsa1", EC "ec1"; see fuzz_keys.h).
 *
 * Oracles: a parsed JWS has an allow-listed alg, claims, and a signing
 * input that is the token up to its second dot; a signature that
 * verifies has the size of its key (256 bytes for rsa1, 64 for ES256).
 * At start, the fixed tokens must verify: the seeds and this verifier
 * agree on RS256, PS256 and ES256.
 */
#include <string.h>

#include "fuzz.h"
#include "fuzz_keys.h"
#include "../../src/jose.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    zsso_jws_t *jws;
    zsso_err_t err;
    const char *token;
    zsso_status_t st;

    keys_once();
    p = fuzz_pool_begin();
    token = fuzz_cstr(p, data, size);
    zsso_err_clear(&err);
    jws = zsso_jws_parse(p, token, &err);
    if (jws == NULL) {
        FUZZ_CHECK(err.status != ZSSO_OK, "a refusal says why");
        fuzz_pool_end(p);
        return 0;
    }
    FUZZ_CHECK(strlen(token) <= ZSSO_JWS_MAX_LEN, "length limit");
    FUZZ_CHECK(jws->alg != NULL && alg_allowed(jws->alg), "alg allow-list");
    FUZZ_CHECK(jws->claims != NULL && jws->header != NULL, "parts parsed");
    FUZZ_CHECK(jws->signing_len < strlen(token)
               && memcmp(jws->signing_input, token, jws->signing_len) == 0
               && token[jws->signing_len] == '.',
               "signing input is the token up to the second dot");
    st = zsso_jws_verify(jws, keys, &err);
    if (st == ZSSO_OK) {
        FUZZ_CHECK(strcmp(jws->alg, "ES256") == 0
                   ? jws->sig_len == 64 : jws->sig_len == 256,
                   "a verified signature has the key's size");
    }
    fuzz_pool_end(p);
    return 0;
}
