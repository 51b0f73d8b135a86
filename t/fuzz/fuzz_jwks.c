/*
 * fuzz_jwks.c - a JWK Set document from outside (the provider's jwks_uri)
 * through zsso_jwks_parse and, when a set comes out, zsso_jws_verify of
 * the fixed tokens of fuzz_keys.h with it: a mutated key must simply fail
 * to verify, never crash or read out of bounds.
 *
 * Oracles: a set that parses holds 1 to ZSSO_JWKS_MAX_KEYS keys; a refusal
 * sets an error.
 */
#include <string.h>

#include "fuzz.h"
#include "fuzz_keys.h"
#include "../../src/jose.h"

#define N_TOKENS (sizeof(fuzz_tokens) / sizeof(fuzz_tokens[0]))

/* Verify each fixed token with keys. The tokens are parsed anew in each
 * run's pool (no crypto, cheap): a pool kept for the whole run would hold
 * scratch buffers LeakSanitizer reports. */
static void verify_tokens(apr_pool_t *p, const zsso_jwks_t *keys)
{
    zsso_jws_t *jws;
    zsso_err_t err;
    size_t i;

    for (i = 0; i < N_TOKENS; i++) {
        zsso_err_clear(&err);
        jws = zsso_jws_parse(p, fuzz_tokens[i], &err);
        FUZZ_CHECK(jws != NULL, "a fixed token parses");
        (void)zsso_jws_verify(jws, keys, &err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    zsso_jwks_t *keys;
    zsso_err_t err;

    p = fuzz_pool_begin();
    zsso_err_clear(&err);
    /* Not NUL-terminated on purpose: the parser takes a length. */
    keys = zsso_jwks_parse(p, (const char *)data, size, &err);
    if (keys == NULL) {
        FUZZ_CHECK(err.status != ZSSO_OK, "a refusal says why");
        fuzz_pool_end(p);
        return 0;
    }
    FUZZ_CHECK(zsso_jwks_count(keys) >= 1
               && zsso_jwks_count(keys) <= ZSSO_JWKS_MAX_KEYS,
               "key count within the limit");
    verify_tokens(p, keys);
    fuzz_pool_end(p);
    return 0;
}
