/*
 * crypto.c - symmetric sealing with AES-256-GCM, HKDF-SHA256, SHA-256,
 * random bytes and constant-time comparison, through OpenSSL 3 EVP.
 * Never logs; failures come back as a status.
 *
 * A sealed value, before base64url (RFC 4648 section 5):
 *
 *   +----------+--------------------------+----------+
 *   | IV (12)  | ciphertext (same length  | tag (16) |
 *   | random   | as the plaintext)        |          |
 *   +----------+--------------------------+----------+
 *
 * The IV is random for each seal (NIST SP 800-38D section 8.2.2), which
 * section 8.3 allows for up to 2^32 seals under one key: far more than a
 * cookie key sees between two restarts.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <apr_strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"
#include "util.h"

#define IV_LEN  12
#define TAG_LEN 16
/* EVP takes int lengths; sealed values are cookies, far below this. */
#define MAX_PLAINTEXT (1024 * 1024)

/* ---------------------------------------------------------------------- */
/* Prototypes of the statics                                               */
/* ---------------------------------------------------------------------- */

static int gcm_encrypt(const zsso_key_t *key, const char *aad,
                       const unsigned char *pt, int len, unsigned char *out);
static int gcm_decrypt(const zsso_key_t *key, const char *aad,
                       const unsigned char *in, int len, unsigned char *pt);
static int gcm_aad(EVP_CIPHER_CTX *ctx, const char *aad);

/* ---------------------------------------------------------------------- */
/* Random, HKDF, SHA-256                                                   */
/* ---------------------------------------------------------------------- */

void zsso_crypto_global_init(void)
{
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
}

/* With OpenSSL 3, EVP_aes_256_gcm() and EVP_sha256() make every
 * initialisation look the implementation up again in the provider's
 * method store (OpenSSL's migration guide, "Fetching algorithms"): most of
 * the time of a small seal, open or hash. Fetched once per process and
 * kept; the legacy objects serve if a fetch fails. */
static pthread_once_t fetched_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER *fetched_gcm;
static EVP_MD *fetched_sha256;
/* SHA-256 starts from a copy of one context set up once: with OpenSSL 3.0
 * every EVP_DigestInit looks for an ENGINE for the digest under
 * OpenSSL's global engine lock, taken for writing, and every signed-in
 * request hashes twice (its store key, its logout token). Under wrk the
 * threads queued on that lock: twice as many futex calls as for an
 * unprotected file. A copy does not look (EVP_MD_CTX_copy_ex). Each
 * thread keeps its working context (pthread key, freed at thread exit). */
static EVP_MD_CTX *sha256_start;
static pthread_key_t sha256_ctx_key;
static int have_ctx_key;

static void ctx_free(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void fetch_algorithms(void)
{
    fetched_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    fetched_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    sha256_start = EVP_MD_CTX_new();
    if (sha256_start
        && EVP_DigestInit_ex2(sha256_start, fetched_sha256
                                            ? fetched_sha256 : EVP_sha256(),
                              NULL) != 1) {
        EVP_MD_CTX_free(sha256_start);
        sha256_start = NULL;
    }
    have_ctx_key = pthread_key_create(&sha256_ctx_key, ctx_free) == 0;
    ERR_clear_error();
}

static const EVP_CIPHER *aes_256_gcm(void)
{
    pthread_once(&fetched_once, fetch_algorithms);
    return fetched_gcm ? fetched_gcm : EVP_aes_256_gcm();
}

static const EVP_MD *sha256(void)
{
    pthread_once(&fetched_once, fetch_algorithms);
    return fetched_sha256 ? fetched_sha256 : EVP_sha256();
}

/* The process's own DRBG, when zsso_crypto_random_init made one. */
static EVP_RAND_CTX *process_drbg;

static apr_status_t drbg_end(void *ctx)
{
    (void)ctx;
    EVP_RAND_CTX_free(process_drbg);
    process_drbg = NULL;
    return APR_SUCCESS;
}

/* RAND_bytes keeps one DRBG per thread, made and seeded at the thread's
 * first call: about 0.1 ms, which each of httpd's worker threads paid once
 * in a sign-in. One DRBG per process, locked, costs a lock per call
 * instead. It is what OpenSSL's per-thread ones are (NIST SP 800-90A
 * CTR_DRBG with AES-256, seeded from and reseeded by OpenSSL's primary
 * DRBG), made in each child after the fork. */
zsso_status_t zsso_crypto_random_init(apr_pool_t *p)
{
    OSSL_PARAM params[2];
    EVP_RAND *rand = EVP_RAND_fetch(NULL, "CTR-DRBG", NULL);
    EVP_RAND_CTX *ctx = NULL;

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_CIPHER,
                                                 "AES-256-CTR", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (rand) {
        ctx = EVP_RAND_CTX_new(rand, RAND_get0_primary(NULL));
        EVP_RAND_free(rand);
    }
    if (ctx == NULL || EVP_RAND_enable_locking(ctx) != 1
        || EVP_RAND_instantiate(ctx, 256, 0, NULL, 0, params) != 1) {
        EVP_RAND_CTX_free(ctx);
        ERR_clear_error();
        return ZSSO_ECRYPTO;
    }
    drbg_end(NULL);
    process_drbg = ctx;
    apr_pool_cleanup_register(p, NULL, drbg_end, apr_pool_cleanup_null);
    return ZSSO_OK;
}

zsso_status_t zsso_crypto_random(unsigned char *buf, apr_size_t len)
{
    /* A CTR_DRBG request is at most 2^16 bytes (SP 800-90A table 3). */
    const apr_size_t max = 4096;
    apr_size_t chunk;
    int ok;

    while (len > 0) {
        chunk = len > max ? max : len;
        ok = process_drbg
             ? EVP_RAND_generate(process_drbg, buf, chunk, 256, 0, NULL, 0)
             : RAND_bytes(buf, (int)chunk);
        if (ok != 1) {
            ERR_clear_error();
            return ZSSO_ECRYPTO;
        }
        buf += chunk;
        len -= chunk;
    }
    return ZSSO_OK;
}

zsso_status_t zsso_crypto_derive(const void *secret, apr_size_t len,
                                 const char *label, zsso_key_t *out)
{
    EVP_KDF *kdf;
    EVP_KDF_CTX *ctx = NULL;
    OSSL_PARAM params[4], *p = params;
    int ok = 0;

    if (secret == NULL || len == 0 || label == NULL) {
        return ZSSO_EINVAL;
    }
    /* RFC 5869 section 2.2: without a salt, HKDF-Extract uses HashLen
     * zero bytes, so no salt parameter is passed. The label is the info:
     * each label gives an independent key from the one secret. */
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                            (char *)"SHA256", 0);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
                                             (void *)secret, len);
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                             (void *)label, strlen(label));
    *p = OSSL_PARAM_construct_end();
    kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    if (kdf != NULL) {
        ctx = EVP_KDF_CTX_new(kdf);
    }
    if (ctx != NULL) {
        ok = EVP_KDF_derive(ctx, out->bytes, sizeof(out->bytes), params) == 1;
    }
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    if (!ok) {
        OPENSSL_cleanse(out->bytes, sizeof(out->bytes));
        ERR_clear_error();
        return ZSSO_ECRYPTO;
    }
    return ZSSO_OK;
}

/* The calling thread's kept context, or a new one kept for next time;
 * NULL when none can be had. *own: the caller must free it. */
static EVP_MD_CTX *thread_ctx(int *own)
{
    EVP_MD_CTX *ctx;

    *own = 0;
    pthread_once(&fetched_once, fetch_algorithms);
    if (have_ctx_key
        && (ctx = pthread_getspecific(sha256_ctx_key)) != NULL) {
        return ctx;
    }
    if ((ctx = EVP_MD_CTX_new()) == NULL) {
        return NULL;
    }
    if (!have_ctx_key || pthread_setspecific(sha256_ctx_key, ctx) != 0) {
        *own = 1;
    }
    return ctx;
}

const char *zsso_crypto_hash_key(apr_pool_t *p, const char *text,
                                 const char *suffix)
{
    unsigned char h[32];

    zsso_crypto_sha256(text, strlen(text), h);
    return apr_pstrcat(p, zsso_b64url_encode(p, h, sizeof(h)), suffix,
                       NULL);
}

void zsso_crypto_sha256(const void *data, apr_size_t len,
                        unsigned char out[32])
{
    int own;
    EVP_MD_CTX *ctx = thread_ctx(&own);
    int ok = ctx != NULL
             && (sha256_start
                 ? EVP_MD_CTX_copy_ex(ctx, sha256_start)
                 : EVP_DigestInit_ex2(ctx, sha256(), NULL)) == 1
             && EVP_DigestUpdate(ctx, data, len) == 1
             && EVP_DigestFinal_ex(ctx, out, NULL) == 1;

    if (own) {
        EVP_MD_CTX_free(ctx);
    }
    if (!ok) {
        /* Only when the library is broken; a zero digest matches nothing
         * a peer computed and the caller's check fails. */
        memset(out, 0, 32);
        ERR_clear_error();
    }
}

/* ---------------------------------------------------------------------- */
/* Sealing                                                                 */
/* ---------------------------------------------------------------------- */

unsigned char *zsso_crypto_seal_raw(apr_pool_t *p, const zsso_key_t *key,
                                    const char *aad, const void *pt,
                                    apr_size_t len, apr_size_t *out_len)
{
    unsigned char *buf;

    if (key == NULL || (pt == NULL && len > 0) || len > MAX_PLAINTEXT) {
        return NULL;
    }
    buf = apr_palloc(p, IV_LEN + len + TAG_LEN);
    if (zsso_crypto_random(buf, IV_LEN) != ZSSO_OK
        || !gcm_encrypt(key, aad, pt, (int)len, buf)) {
        return NULL;
    }
    *out_len = IV_LEN + len + TAG_LEN;
    return buf;
}

char *zsso_crypto_seal(apr_pool_t *p, const zsso_key_t *key,
                       const char *aad, const void *pt, apr_size_t len)
{
    apr_size_t n;
    unsigned char *raw = zsso_crypto_seal_raw(p, key, aad, pt, len, &n);

    return raw ? zsso_b64url_encode(p, raw, n) : NULL;
}

zsso_status_t zsso_crypto_unseal_raw(apr_pool_t *p, const zsso_key_t *key,
                                     const char *aad,
                                     const unsigned char *raw,
                                     apr_size_t raw_len, unsigned char **pt,
                                     apr_size_t *len, zsso_err_t *err)
{
    unsigned char *out;
    apr_size_t n;

    *pt = NULL;
    *len = 0;
    if (key == NULL || raw == NULL) {
        return zsso_err_set(err, ZSSO_EINVAL, "nothing to unseal");
    }
    if (raw_len < IV_LEN + TAG_LEN || raw_len > MAX_PLAINTEXT) {
        return zsso_err_set(err, ZSSO_EINVAL,
                            "sealed data has a bad length (%lu bytes)",
                            (unsigned long)raw_len);
    }
    n = raw_len - IV_LEN - TAG_LEN;
    out = apr_palloc(p, n + 1);
    if (!gcm_decrypt(key, aad, raw, (int)raw_len, out)) {
        /* Unauthenticated plaintext must not be left for anyone to read
         * (NIST SP 800-38D section 7.2, step 8). */
        OPENSSL_cleanse(out, n + 1);
        return zsso_err_set(err, ZSSO_ECRYPTO,
                            "sealed data does not verify");
    }
    out[n] = '\0';
    *pt = out;
    *len = n;
    return ZSSO_OK;
}

zsso_status_t zsso_crypto_unseal(apr_pool_t *p, const zsso_key_t *key,
                                 const char *aad, const char *sealed,
                                 unsigned char **pt, apr_size_t *len,
                                 zsso_err_t *err)
{
    unsigned char *raw;
    apr_size_t raw_len;

    *pt = NULL;
    *len = 0;
    if (key == NULL || sealed == NULL) {
        return zsso_err_set(err, ZSSO_EINVAL, "nothing to unseal");
    }
    if (zsso_b64url_decode(p, sealed, strlen(sealed), &raw, &raw_len)
        != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_EINVAL, "bad base64url in sealed data");
    }
    return zsso_crypto_unseal_raw(p, key, aad, raw, raw_len, pt, len, err);
}

/* Encrypt len bytes of pt into out, which already holds the IV in its
 * first IV_LEN bytes; the ciphertext and the tag follow it. */
static int gcm_encrypt(const zsso_key_t *key, const char *aad,
                       const unsigned char *pt, int len, unsigned char *out)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    unsigned char *ct = out + IV_LEN;
    int n = 0, fin = 0, ok;

    ok = ctx != NULL
         && EVP_EncryptInit_ex2(ctx, aes_256_gcm(), key->bytes, out,
                                NULL) == 1
         && gcm_aad(ctx, aad)
         && (len == 0 || EVP_EncryptUpdate(ctx, ct, &n, pt, len) == 1)
         && EVP_EncryptFinal_ex(ctx, ct + n, &fin) == 1
         && n + fin == len
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
                                ct + len) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        ERR_clear_error();
    }
    return ok;
}

/* Decrypt and authenticate in[0 .. len): IV, ciphertext, tag. */
static int gcm_decrypt(const zsso_key_t *key, const char *aad,
                       const unsigned char *in, int len, unsigned char *pt)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ct_len = len - IV_LEN - TAG_LEN, n = 0, fin = 0, ok;
    /* The tag is read, never written, by GCM_SET_TAG. */
    void *tag = (void *)(in + len - TAG_LEN);

    ok = ctx != NULL
         && EVP_DecryptInit_ex2(ctx, aes_256_gcm(), key->bytes, in,
                                NULL) == 1
         && gcm_aad(ctx, aad)
         && (ct_len == 0
             || EVP_DecryptUpdate(ctx, pt, &n, in + IV_LEN, ct_len) == 1)
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1
         && EVP_DecryptFinal_ex(ctx, pt + n, &fin) == 1
         && n + fin == ct_len;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        ERR_clear_error();
    }
    return ok;
}

/* Feed the additional authenticated data, if any. */
static int gcm_aad(EVP_CIPHER_CTX *ctx, const char *aad)
{
    int n;
    size_t len = aad ? strlen(aad) : 0;

    if (len == 0) {
        return 1;
    }
    if (len > INT_MAX) {
        return 0;
    }
    return EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad,
                            (int)len) == 1;
}

/* ---------------------------------------------------------------------- */
/* Comparison                                                              */
/* ---------------------------------------------------------------------- */

int zsso_crypto_equal(const void *a, const void *b, apr_size_t len)
{
    if (a == NULL || b == NULL) {
        return 0;
    }
    return CRYPTO_memcmp(a, b, len) == 0;
}

int zsso_crypto_str_equal(const char *a, const char *b)
{
    size_t la, lb;

    if (a == NULL || b == NULL) {
        return 0;
    }
    /* The length is not secret (a cookie's length shows on the wire);
     * the bytes are compared in constant time. */
    la = strlen(a);
    lb = strlen(b);
    if (la != lb) {
        return 0;
    }
    return CRYPTO_memcmp(a, b, la) == 0;
}
