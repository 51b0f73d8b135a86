/*
 * jose.h - JWS compact serialisation (RFC 7515), JWK sets (RFC 7517) and
 * signature verification with OpenSSL 3 EVP. Algorithms come from an
 * allow-list (RS256, PS256, ES256; RFC 7518 section 3); "none" and every
 * HS* are refused whatever the header says, and the key type must match the
 * algorithm. APR, OpenSSL and json.h only; never logs.
 */
#ifndef ZSSO_JOSE_H
#define ZSSO_JOSE_H

#include <apr_pools.h>
#include "err.h"
#include "json.h"

#define ZSSO_JWKS_MAX_KEYS 64      /* keys past this are ignored */
#define ZSSO_JWS_MAX_LEN   16384   /* a compact JWS longer is refused */
#define ZSSO_RSA_MIN_BITS  2048

/* A set of verification keys. The EVP_PKEYs are freed by a cleanup on the
 * pool passed to zsso_jwks_parse. Read-only after parsing, so threads may
 * verify with one set at the same time. */
typedef struct zsso_jwks zsso_jwks_t;

/* Parse a JWK Set document. Keys that cannot be used are skipped, not
 * fatal: "use" other than "sig", kty other than RSA/EC, EC curves other than
 * P-256, RSA moduli under ZSSO_RSA_MIN_BITS, malformed members. Fails with
 * ZSSO_EINVAL when the document is not a JWK Set and ZSSO_ENOENT when no
 * usable key remains. */
zsso_jwks_t *zsso_jwks_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                             zsso_err_t *err);
int zsso_jwks_count(const zsso_jwks_t *keys);

/* A parsed (not yet verified) JWS. */
typedef struct {
    const char *alg;            /* one of the allow-list, never NULL */
    const char *kid;            /* NULL when the header has none */
    zsso_json_t *header;
    zsso_json_t *claims;        /* the payload, a JSON object */
    const char *signing_input;  /* "header.payload", not NUL-terminated */
    apr_size_t signing_len;
    unsigned char *sig;
    apr_size_t sig_len;
} zsso_jws_t;

/* Split and decode; checks: exactly three parts, base64url everywhere,
 * header is a JSON object with "alg" in the allow-list, no "crit", payload
 * a JSON object, length at most ZSSO_JWS_MAX_LEN. */
zsso_jws_t *zsso_jws_parse(apr_pool_t *p, const char *compact,
                           zsso_err_t *err);

/* Verify the signature with the key named by kid (or the only key when the
 * token has no kid and the set holds exactly one). ZSSO_ENOKEY when no key
 * matches (the caller may refresh the set once), ZSSO_EALG when the key's
 * type does not fit the algorithm, ZSSO_ESIG when it does not verify. */
zsso_status_t zsso_jws_verify(const zsso_jws_t *jws, const zsso_jwks_t *keys,
                              zsso_err_t *err);

#endif
