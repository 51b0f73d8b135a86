/*
 * crypto.h - symmetric sealing (AES-256-GCM, random 96-bit IV), HKDF,
 * SHA-256, random bytes and constant-time comparison. OpenSSL 3 is reached
 * only here and in jose.c. APR only otherwise; never logs.
 */
#ifndef ZSSO_CRYPTO_H
#define ZSSO_CRYPTO_H

#include <apr_pools.h>
#include "err.h"

#define ZSSO_KEY_LEN 32

typedef struct {
    unsigned char bytes[ZSSO_KEY_LEN];
} zsso_key_t;

/* Once, when the module is loaded, before any other OpenSSL call: tells
 * OpenSSL not to register an atexit() handler. httpd loads and unloads
 * the module (and with it libcrypto) while it reads its configuration; a
 * handler left behind by an unloaded libcrypto made httpd's parent crash
 * when it exited. */
void zsso_crypto_global_init(void);

/* Once per child process, before its threads ask for random bytes: one
 * DRBG for the process (see crypto.c), freed with p. Until then, and if
 * it fails, RAND_bytes serves. */
zsso_status_t zsso_crypto_random_init(apr_pool_t *p);

/* Cryptographically strong random bytes: the process's DRBG, else
 * RAND_bytes. */
zsso_status_t zsso_crypto_random(unsigned char *buf, apr_size_t len);

/* HKDF-SHA256 (RFC 5869) of secret with the label as info and no salt:
 * one passphrase yields independent keys for cookies, sessions, ... */
zsso_status_t zsso_crypto_derive(const void *secret, apr_size_t len,
                                 const char *label, zsso_key_t *out);

/* Seal plaintext: base64url(iv[12] || ciphertext || tag[16]). aad binds
 * the result to its use (for example the cookie name); it may be NULL. */
char *zsso_crypto_seal(apr_pool_t *p, const zsso_key_t *key,
                       const char *aad, const void *pt, apr_size_t len);

/* Reverse of seal. Refuses bad base64url, input shorter than IV + tag,
 * a tag that does not verify. The plaintext is NUL-terminated one byte past
 * *len. */
zsso_status_t zsso_crypto_unseal(apr_pool_t *p, const zsso_key_t *key,
                                 const char *aad, const char *sealed,
                                 unsigned char **pt, apr_size_t *len,
                                 zsso_err_t *err);

/* The same without base64url, for stores that keep bytes: iv[12] ||
 * ciphertext || tag[16], *out_len bytes. */
unsigned char *zsso_crypto_seal_raw(apr_pool_t *p, const zsso_key_t *key,
                                    const char *aad, const void *pt,
                                    apr_size_t len, apr_size_t *out_len);
zsso_status_t zsso_crypto_unseal_raw(apr_pool_t *p, const zsso_key_t *key,
                                     const char *aad,
                                     const unsigned char *raw,
                                     apr_size_t raw_len, unsigned char **pt,
                                     apr_size_t *len, zsso_err_t *err);

void zsso_crypto_sha256(const void *data, apr_size_t len,
                        unsigned char out[32]);

/* base64url(SHA-256(text)) followed by suffix: a store key that names a
 * value without holding what it is derived from (a session id, a state). */
const char *zsso_crypto_hash_key(apr_pool_t *p, const char *text,
                                 const char *suffix);

/* Constant time over len bytes. */
int zsso_crypto_equal(const void *a, const void *b, apr_size_t len);

/* NULL never equals anything; different lengths are unequal; equal lengths
 * compared in constant time. */
int zsso_crypto_str_equal(const char *a, const char *b);

#endif
