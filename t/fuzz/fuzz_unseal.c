/*
 * fuzz_unseal.c - a login-state cookie from outside, "name=value", opened
 * as src/state.c opens it: zsso_crypto_unseal with the state key (derived
 * from a fixed passphrase, the one make-seeds.mjs sealed the seeds with)
 * and the cookie name as additional data, then the record's JSON.
 *
 * Oracles: unsealing succeeds only for input of at least IV + tag (28
 * bytes) and gives exactly that many bytes fewer; and, on the input bytes
 * themselves, seal then unseal gives them back, while the same sealed
 * value with its tag cut short (1 to 16 bytes, picked by the input) or
 * with one bit flipped is refused.
 */
#include <string.h>

#include <apr_strings.h>

#include "fuzz.h"
#include "fuzz_keys.h"
#include "../../src/crypto.h"
#include "../../src/json.h"
#include "../../src/util.h"

#define OVERHEAD 28     /* IV (12) + tag (16) */

static zsso_key_t key;

static void key_once(void)
{
    static int done;

    if (!done) {
        FUZZ_CHECK(zsso_crypto_derive(FUZZ_PASSPHRASE,
                                      strlen(FUZZ_PASSPHRASE),
                                      "zsso state v1", &key) == ZSSO_OK,
                   "key derivation");
        done = 1;
    }
}

/* The cookie as state.c reads it: unseal, then a record of at most 4 KB. */
static void open_cookie(apr_pool_t *p, const char *name, const char *value)
{
    unsigned char *pt, *raw;
    apr_size_t len, raw_len;
    zsso_json_t *o;
    const char *s;
    apr_int64_t t;
    zsso_err_t err;

    zsso_err_clear(&err);
    if (zsso_crypto_unseal(p, &key, name, value, &pt, &len, &err)
        != ZSSO_OK) {
        FUZZ_CHECK(pt == NULL && err.status != ZSSO_OK, "refusal");
        return;
    }
    FUZZ_CHECK(zsso_b64url_decode(p, value, strlen(value), &raw, &raw_len)
               == ZSSO_OK && raw_len >= OVERHEAD
               && len == raw_len - OVERHEAD && pt[len] == '\0',
               "an opened value had a full IV and tag");
    o = zsso_json_parse(p, (const char *)pt, len, 4096, &err);
    if (o != NULL) {
        (void)zsso_json_get_string(o, "s", &s);
        (void)zsso_json_get_string(o, "r", &s);
        (void)zsso_json_get_int(o, "t", &t);
    }
}

/* Seal the input; cutting the tag or flipping a bit must be refused. */
static void check_seal(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const char *aad = "zsso_state_fuzzfuzzfuzz", *sealed, *bad;
    unsigned char *pt, *raw;
    apr_size_t len, raw_len, cut;
    zsso_err_t err;

    sealed = zsso_crypto_seal(p, &key, aad, data, size);
    FUZZ_CHECK(sealed != NULL, "seal");
    zsso_err_clear(&err);
    FUZZ_CHECK(zsso_crypto_unseal(p, &key, aad, sealed, &pt, &len, &err)
               == ZSSO_OK && len == size
               && (size == 0 || memcmp(pt, data, size) == 0),
               "unseal(seal(x)) == x");
    FUZZ_CHECK(zsso_b64url_decode(p, sealed, strlen(sealed), &raw, &raw_len)
               == ZSSO_OK, "a seal is base64url");
    cut = 1 + (size > 0 ? data[0] % 16 : 0);
    bad = zsso_b64url_encode(p, raw, raw_len - cut);
    FUZZ_CHECK(zsso_crypto_unseal(p, &key, aad, bad, &pt, &len, &err)
               != ZSSO_OK, "a tag cut short is refused");
    raw[(size > 1 ? data[1] : 0) % raw_len] ^= 0x01;
    bad = zsso_b64url_encode(p, raw, raw_len);
    FUZZ_CHECK(zsso_crypto_unseal(p, &key, aad, bad, &pt, &len, &err)
               != ZSSO_OK, "a flipped bit is refused");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_begin();
    char *cookie = fuzz_cstr(p, data, size), *eq;

    key_once();
    eq = strchr(cookie, '=');
    if (eq != NULL) {
        *eq = '\0';
        open_cookie(p, cookie, eq + 1);
    }
    else {
        open_cookie(p, "zsso_state_AAAAAAAAAAAA", cookie);
    }
    check_seal(p, data, size);
    fuzz_pool_end(p);
    return 0;
}
