/*
 * jose.c - JWS compact serialisation (RFC 7515), JWK sets (RFC 7517) and
 * signature verification through OpenSSL 3 EVP. The algorithm comes from
 * an allow-list (RS256, PS256, ES256; RFC 7518 section 3) and the key's
 * type must fit it, whatever the token's header says. Never logs.
 *
 *   compact JWS:  BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(sig)
 *                 \________ signing input ________/
 *
 * Header members that would bring a key with the token ("jwk", "jku",
 * "x5u", "x5c") are ignored: keys come only from the provider's JWK Set.
 */

/* Hide every OpenSSL declaration deprecated by 3.0 (RSA_*, EC_KEY_*), so
 * that using one is a compile error rather than a review finding. */
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED

#include <string.h>

#include <apr_strings.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "jose.h"
#include "util.h"

/* A JWK Set is a few kilobytes; this only stops a runaway document. */
#define JWKS_MAX_LEN     (1024 * 1024)
/* Verifying with a huge modulus or exponent costs time an attacker who
 * controls a key set could spend; OpenSSL's own RSA limits are alike. */
#define RSA_MAX_BITS     8192
#define RSA_MAX_EXP_BITS 64
#define P256_COORD_LEN   32
/* An untrusted value shown in an error text is cut to this length. */
#define PRINTABLE_MAX    64

typedef enum {
    FAMILY_RSA,
    FAMILY_EC
} key_family_t;

typedef struct {
    const char *name;
    key_family_t family;
    int pss;
} alg_t;

/* RFC 7518 section 3.1: the algorithms an ID token may use here. */
static const alg_t allowed_algs[] = {
    { "RS256", FAMILY_RSA, 0 },    /* RSASSA-PKCS1-v1_5, section 3.3 */
    { "PS256", FAMILY_RSA, 1 },    /* RSASSA-PSS, section 3.5 */
    { "ES256", FAMILY_EC, 0 }      /* ECDSA P-256, section 3.4 */
};

#define ALG_COUNT (sizeof(allowed_algs) / sizeof(allowed_algs[0]))

typedef struct {
    const char *kid;       /* NULL when the JWK has none */
    const char *alg;       /* the JWK's "alg", NULL when it has none */
    key_family_t family;
    EVP_PKEY *pkey;
    /* Per allowed algorithm of the key's family: a verification context
     * set up once with this key (digest, padding), copied for each token.
     * Setting one up costs more than the RSA verification itself with
     * OpenSSL 3 (algorithm fetches by name); NULL: set up per token. */
    EVP_MD_CTX *ready[ALG_COUNT];
} jwk_t;

struct zsso_jwks {
    jwk_t keys[ZSSO_JWKS_MAX_KEYS];
    int count;
};

/* ---------------------------------------------------------------------- */
/* Prototypes of the statics                                               */
/* ---------------------------------------------------------------------- */

static const alg_t *find_alg(const char *name);
static apr_status_t jwks_cleanup(void *data);
static int jwk_parse(apr_pool_t *p, apr_pool_t *tmp, const zsso_json_t *jwk,
                     jwk_t *out);
static int jwk_is_for_sig(apr_pool_t *tmp, const zsso_json_t *jwk);
static int jwk_optional_string(apr_pool_t *p, const zsso_json_t *jwk,
                               const char *name, const char **out);
static EVP_PKEY *rsa_from_jwk(apr_pool_t *tmp, const zsso_json_t *jwk);
static EVP_PKEY *ec_from_jwk(apr_pool_t *tmp, const zsso_json_t *jwk);
static BIGNUM *jwk_bignum(apr_pool_t *tmp, const zsso_json_t *jwk,
                          const char *name);
static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM_BLD *bld);
static zsso_json_t *jws_part_json(apr_pool_t *p, const char *what,
                                  const char *s, const char *end,
                                  zsso_err_t *err);
static zsso_status_t jws_check_header(zsso_jws_t *jws, zsso_err_t *err);
static zsso_status_t find_key(const zsso_jws_t *jws, const zsso_jwks_t *keys,
                              const jwk_t **out, zsso_err_t *err);
static zsso_status_t key_fits(const alg_t *alg, const jwk_t *key,
                              zsso_err_t *err);
static int signature_ok(const zsso_jws_t *jws, const alg_t *alg,
                        const jwk_t *key);
static void jwk_prepare(jwk_t *key);
static int ecdsa_raw_to_der(const unsigned char *raw, apr_size_t len,
                            unsigned char **der, int *der_len);
static int set_rsa_padding(EVP_PKEY_CTX *pctx, const alg_t *alg);

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */
/* ---------------------------------------------------------------------- */

static const alg_t *find_alg(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(allowed_algs) / sizeof(allowed_algs[0]); i++) {
        /* RFC 7515 section 4.1.1: alg values are case-sensitive. */
        if (strcmp(allowed_algs[i].name, name) == 0) {
            return &allowed_algs[i];
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* JWK Sets (RFC 7517 section 5)                                           */
/* ---------------------------------------------------------------------- */

static apr_status_t jwks_cleanup(void *data)
{
    zsso_jwks_t *keys = data;
    int i;

    for (i = 0; i < keys->count; i++) {
        for (size_t a = 0; a < ALG_COUNT; a++) {
            EVP_MD_CTX_free(keys->keys[i].ready[a]);
        }
        EVP_PKEY_free(keys->keys[i].pkey);
    }
    keys->count = 0;
    return APR_SUCCESS;
}

zsso_jwks_t *zsso_jwks_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                             zsso_err_t *err)
{
    apr_pool_t *tmp;
    zsso_json_t *doc;
    apr_array_header_t *list = NULL;
    zsso_jwks_t *keys;
    zsso_err_t jerr;
    int i;

    /* The document is read in a scratch pool: only the keys stay. */
    if (apr_pool_create(&tmp, p) != APR_SUCCESS) {
        zsso_err_set(err, ZSSO_ECRYPTO, "no memory for the JWK Set");
        return NULL;
    }
    zsso_err_clear(&jerr);
    doc = zsso_json_parse(tmp, buf, len, JWKS_MAX_LEN, &jerr);
    if (doc == NULL
        || zsso_json_get_objects(tmp, doc, "keys", &list) != ZSSO_OK) {
        zsso_err_set(err, doc ? ZSSO_EINVAL : jerr.status,
                     "not a JWK Set: %s",
                     doc ? "no \"keys\" array of objects" : jerr.text);
        apr_pool_destroy(tmp);
        return NULL;
    }
    keys = apr_pcalloc(p, sizeof(*keys));
    /* Owned by p: the EVP_PKEYs go when the pool that holds the set goes. */
    apr_pool_cleanup_register(p, keys, jwks_cleanup, apr_pool_cleanup_null);
    for (i = 0; i < list->nelts && keys->count < ZSSO_JWKS_MAX_KEYS; i++) {
        keys->count += jwk_parse(p, tmp, APR_ARRAY_IDX(list, i, zsso_json_t *),
                                 &keys->keys[keys->count]);
    }
    apr_pool_destroy(tmp);
    if (keys->count == 0) {
        zsso_err_set(err, ZSSO_ENOENT, "JWK Set has no usable key");
        return NULL;
    }
    return keys;
}

int zsso_jwks_count(const zsso_jwks_t *keys)
{
    return keys ? keys->count : 0;
}

/* Fill out from one JWK; 1 when it is a key this module can verify with,
 * 0 when it is to be skipped. kid and alg are copied into p. */
static int jwk_parse(apr_pool_t *p, apr_pool_t *tmp, const zsso_json_t *jwk,
                     jwk_t *out)
{
    const char *kty;

    if (!jwk_is_for_sig(tmp, jwk)
        || zsso_json_get_string(jwk, "kty", &kty) != ZSSO_OK
        || !jwk_optional_string(p, jwk, "kid", &out->kid)
        || !jwk_optional_string(p, jwk, "alg", &out->alg)) {
        return 0;
    }
    /* A key marked for another algorithm can never verify our tokens. */
    if (out->alg != NULL && find_alg(out->alg) == NULL) {
        return 0;
    }
    if (strcmp(kty, "RSA") == 0) {
        out->family = FAMILY_RSA;
        out->pkey = rsa_from_jwk(tmp, jwk);
    }
    else if (strcmp(kty, "EC") == 0) {
        out->family = FAMILY_EC;
        out->pkey = ec_from_jwk(tmp, jwk);
    }
    else {
        out->pkey = NULL;
    }
    if (out->pkey != NULL) {
        jwk_prepare(out);
    }
    return out->pkey != NULL;
}

/* The verification contexts of a key, one per allowed algorithm of its
 * family; one that cannot be set up stays NULL (set up per token). */
static void jwk_prepare(jwk_t *key)
{
    for (size_t a = 0; a < ALG_COUNT; a++) {
        EVP_PKEY_CTX *pctx = NULL;
        EVP_MD_CTX *md;

        key->ready[a] = NULL;
        if (allowed_algs[a].family != key->family
            || (md = EVP_MD_CTX_new()) == NULL) {
            continue;
        }
        if (EVP_DigestVerifyInit_ex(md, &pctx, "SHA256", NULL, NULL,
                                    key->pkey, NULL) == 1
            && set_rsa_padding(pctx, &allowed_algs[a])) {
            key->ready[a] = md;
        }
        else {
            EVP_MD_CTX_free(md);
        }
    }
    ERR_clear_error();
}

/* RFC 7517 sections 4.2 and 4.3: a key for encryption, or whose key_ops
 * leave out "verify", is not for checking signatures. */
static int jwk_is_for_sig(apr_pool_t *tmp, const zsso_json_t *jwk)
{
    const char *use;
    apr_array_header_t *ops;
    zsso_status_t st;
    int i;

    st = zsso_json_get_string(jwk, "use", &use);
    if (st == ZSSO_EINVAL || (st == ZSSO_OK && strcmp(use, "sig") != 0)) {
        return 0;
    }
    st = zsso_json_get_strings(tmp, jwk, "key_ops", &ops);
    if (st == ZSSO_ENOENT) {
        return 1;
    }
    for (i = 0; st == ZSSO_OK && i < ops->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(ops, i, const char *), "verify") == 0) {
            return 1;
        }
    }
    return 0;
}

/* An optional string member, copied into p: 0 when it has another type. */
static int jwk_optional_string(apr_pool_t *p, const zsso_json_t *jwk,
                               const char *name, const char **out)
{
    const char *v;
    zsso_status_t st = zsso_json_get_string(jwk, name, &v);

    *out = (st == ZSSO_OK) ? apr_pstrdup(p, v) : NULL;
    return st != ZSSO_EINVAL;
}

/* A base64url member as a BIGNUM (RFC 7518 section 6.3.1); the caller
 * frees it. */
static BIGNUM *jwk_bignum(apr_pool_t *tmp, const zsso_json_t *jwk,
                          const char *name)
{
    const char *b64;
    unsigned char *bytes;
    apr_size_t len;

    if (zsso_json_get_string(jwk, name, &b64) != ZSSO_OK
        || zsso_b64url_decode(tmp, b64, strlen(b64), &bytes, &len) != ZSSO_OK
        || len == 0 || len > RSA_MAX_BITS / 8 + 1) {
        return NULL;
    }
    return BN_bin2bn(bytes, (int)len, NULL);
}

/* RFC 7518 section 6.3.1: "n" and "e". Moduli under ZSSO_RSA_MIN_BITS are
 * refused (NIST SP 800-131A), as are even or oversized exponents. */
static EVP_PKEY *rsa_from_jwk(apr_pool_t *tmp, const zsso_json_t *jwk)
{
    BIGNUM *n = jwk_bignum(tmp, jwk, "n");
    BIGNUM *e = jwk_bignum(tmp, jwk, "e");
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;

    if (n != NULL && e != NULL
        && BN_num_bits(n) >= ZSSO_RSA_MIN_BITS
        && BN_num_bits(n) <= RSA_MAX_BITS
        && BN_is_odd(e) && !BN_is_one(e)
        && BN_num_bits(e) <= RSA_MAX_EXP_BITS) {
        bld = OSSL_PARAM_BLD_new();
    }
    if (bld != NULL
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1) {
        pkey = pkey_from_params("RSA", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return pkey;
}

/* RFC 7518 section 6.2.1: "crv" P-256 and the coordinates "x" and "y",
 * each the full 32 bytes. The point must lie on the curve. */
static EVP_PKEY *ec_from_jwk(apr_pool_t *tmp, const zsso_json_t *jwk)
{
    const char *crv, *x, *y;
    unsigned char *xb, *yb, point[1 + 2 * P256_COORD_LEN];
    apr_size_t xlen, ylen;
    OSSL_PARAM_BLD *bld;
    EVP_PKEY *pkey = NULL;

    if (zsso_json_get_string(jwk, "crv", &crv) != ZSSO_OK
        || strcmp(crv, "P-256") != 0
        || zsso_json_get_string(jwk, "x", &x) != ZSSO_OK
        || zsso_json_get_string(jwk, "y", &y) != ZSSO_OK
        || zsso_b64url_decode(tmp, x, strlen(x), &xb, &xlen) != ZSSO_OK
        || zsso_b64url_decode(tmp, y, strlen(y), &yb, &ylen) != ZSSO_OK
        || xlen != P256_COORD_LEN || ylen != P256_COORD_LEN) {
        return NULL;
    }
    /* SEC 1 section 2.3.3: an uncompressed point is 04 || x || y. */
    point[0] = 0x04;
    memcpy(point + 1, xb, P256_COORD_LEN);
    memcpy(point + 1 + P256_COORD_LEN, yb, P256_COORD_LEN);
    bld = OSSL_PARAM_BLD_new();
    if (bld != NULL
        && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                           "prime256v1", 0) == 1
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                            point, sizeof(point)) == 1) {
        pkey = pkey_from_params("EC", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    return pkey;
}

/* A public key of the given type from the built parameters. An EC key is
 * checked by the provider (the point is on the curve, SEC 1 section
 * 3.2.2.1); an RSA key is not, as OpenSSL's RSA check runs Miller-Rabin
 * on the modulus, which costs more than it protects a verifier. */
static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY_CTX *check = NULL;
    EVP_PKEY *pkey = NULL;

    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        pkey = NULL;
    }
    if (pkey != NULL && strcmp(type, "EC") == 0) {
        check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (check == NULL || EVP_PKEY_public_check(check) != 1) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
    }
    EVP_PKEY_CTX_free(check);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    ERR_clear_error();
    return pkey;
}

/* ---------------------------------------------------------------------- */
/* JWS parsing (RFC 7515 sections 5.2 and 7.1)                             */
/* ---------------------------------------------------------------------- */

zsso_jws_t *zsso_jws_parse(apr_pool_t *p, const char *compact,
                           zsso_err_t *err)
{
    const char *dot1 = NULL, *dot2 = NULL, *end;
    zsso_jws_t *jws;
    apr_size_t len;

    if (compact == NULL) {
        zsso_err_set(err, ZSSO_EINVAL, "JWS must have three parts");
        return NULL;
    }
    len = strnlen(compact, ZSSO_JWS_MAX_LEN + 1);
    if (len > ZSSO_JWS_MAX_LEN) {
        zsso_err_set(err, ZSSO_ELIMIT, "JWS too long");
        return NULL;
    }
    end = compact + len;
    dot1 = memchr(compact, '.', len);
    if (dot1 != NULL) {
        dot2 = memchr(dot1 + 1, '.', (apr_size_t)(end - dot1 - 1));
    }
    if (dot2 == NULL || memchr(dot2 + 1, '.', (apr_size_t)(end - dot2 - 1))) {
        zsso_err_set(err, ZSSO_EINVAL, "JWS must have three parts");
        return NULL;
    }
    jws = apr_pcalloc(p, sizeof(*jws));
    jws->header = jws_part_json(p, "header", compact, dot1, err);
    if (jws->header == NULL || jws_check_header(jws, err) != ZSSO_OK) {
        return NULL;
    }
    jws->claims = jws_part_json(p, "payload", dot1 + 1, dot2, err);
    if (jws->claims == NULL) {
        return NULL;
    }
    if (zsso_b64url_decode(p, dot2 + 1, (apr_size_t)(end - dot2 - 1),
                           &jws->sig, &jws->sig_len) != ZSSO_OK) {
        zsso_err_set(err, ZSSO_EINVAL, "bad base64url in JWS");
        return NULL;
    }
    /* RFC 7515 section 5.2 step 8: the signature covers the encoded
     * header and payload exactly as they were sent. */
    jws->signing_len = (apr_size_t)(dot2 - compact);
    jws->signing_input = apr_pstrmemdup(p, compact, jws->signing_len);
    return jws;
}

/* Decode the base64url part [s, end) and parse it as a JSON object; what
 * names the part in the error text. */
static zsso_json_t *jws_part_json(apr_pool_t *p, const char *what,
                                  const char *s, const char *end,
                                  zsso_err_t *err)
{
    unsigned char *raw;
    apr_size_t len;
    zsso_json_t *json;
    zsso_err_t jerr;

    if (zsso_b64url_decode(p, s, (apr_size_t)(end - s), &raw, &len)
        != ZSSO_OK) {
        zsso_err_set(err, ZSSO_EINVAL, "bad base64url in JWS");
        return NULL;
    }
    zsso_err_clear(&jerr);
    json = zsso_json_parse(p, (const char *)raw, len, ZSSO_JWS_MAX_LEN,
                           &jerr);
    if (json == NULL) {
        zsso_err_set(err, ZSSO_EINVAL, "JWS %s is not a JSON object (%s)",
                     what, jerr.text);
    }
    return json;
}

/* RFC 7515 section 4.1: alg from the allow-list, kid a string, and no
 * "crit": this module implements no extension, so section 4.1.11 says a
 * token that lists one must be refused. */
static zsso_status_t jws_check_header(zsso_jws_t *jws, zsso_err_t *err)
{
    char shown[PRINTABLE_MAX + 1];
    const char *crit;
    zsso_status_t st;

    st = zsso_json_get_string(jws->header, "alg", &jws->alg);
    if (st != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_EALG, "JWS header has no alg string");
    }
    if (find_alg(jws->alg) == NULL) {
        return zsso_err_set(err, ZSSO_EALG, "alg \"%s\" is not allowed",
                            zsso_printable(shown, sizeof(shown), jws->alg));
    }
    st = zsso_json_get_string(jws->header, "kid", &jws->kid);
    if (st == ZSSO_EINVAL) {
        return zsso_err_set(err, ZSSO_EINVAL, "JWS kid is not a string");
    }
    if (zsso_json_get_string(jws->header, "crit", &crit) != ZSSO_ENOENT) {
        return zsso_err_set(err, ZSSO_EINVAL, "JWS has a crit header");
    }
    return ZSSO_OK;
}

/* ---------------------------------------------------------------------- */
/* Verification (RFC 7515 section 5.2 step 8)                              */
/* ---------------------------------------------------------------------- */

zsso_status_t zsso_jws_verify(const zsso_jws_t *jws, const zsso_jwks_t *keys,
                              zsso_err_t *err)
{
    const alg_t *alg = NULL;
    const jwk_t *key = NULL;
    zsso_status_t st;

    if (jws != NULL && jws->alg != NULL) {
        alg = find_alg(jws->alg);
    }
    if (alg == NULL) {
        return zsso_err_set(err, ZSSO_EINVAL, "no parsed JWS to verify");
    }
    st = find_key(jws, keys, &key, err);
    if (st == ZSSO_OK) {
        st = key_fits(alg, key, err);
    }
    if (st != ZSSO_OK) {
        return st;
    }
    if (!signature_ok(jws, alg, key)) {
        return zsso_err_set(err, ZSSO_ESIG, "signature does not verify");
    }
    return ZSSO_OK;
}

/* The key named by the token's kid; without a kid, the only key of a set
 * of one (RFC 7515 section 4.1.4 leaves the choice to the application,
 * and guessing among several keys is not a choice). */
static zsso_status_t find_key(const zsso_jws_t *jws, const zsso_jwks_t *keys,
                              const jwk_t **out, zsso_err_t *err)
{
    char shown[PRINTABLE_MAX + 1];
    int i;

    *out = NULL;
    if (keys == NULL || keys->count == 0) {
        return zsso_err_set(err, ZSSO_ENOKEY, "no key set to verify with");
    }
    if (jws->kid == NULL) {
        if (keys->count > 1) {
            return zsso_err_set(err, ZSSO_ENOKEY,
                                "no kid and more than one key");
        }
        *out = &keys->keys[0];
        return ZSSO_OK;
    }
    for (i = 0; i < keys->count; i++) {
        if (keys->keys[i].kid != NULL
            && strcmp(keys->keys[i].kid, jws->kid) == 0) {
            *out = &keys->keys[i];
            return ZSSO_OK;
        }
    }
    return zsso_err_set(err, ZSSO_ENOKEY, "no key for kid \"%s\"",
                        zsso_printable(shown, sizeof(shown), jws->kid));
}

/* RFC 7518 sections 3.3 to 3.5: RS256 and PS256 need an RSA key, ES256 a
 * P-256 key; and a JWK that names its algorithm (RFC 7517 section 4.4)
 * is for that algorithm only. */
static zsso_status_t key_fits(const alg_t *alg, const jwk_t *key,
                              zsso_err_t *err)
{
    if (key->family != alg->family) {
        return zsso_err_set(err, ZSSO_EALG, "key type does not fit alg %s",
                            alg->name);
    }
    if (key->alg != NULL && strcmp(key->alg, alg->name) != 0) {
        return zsso_err_set(err, ZSSO_EALG,
                            "key type does not fit alg %s (the JWK is for %s)",
                            alg->name, key->alg);
    }
    return ZSSO_OK;
}

/* Check the signature of jws with pkey, which fits alg. */
static int signature_ok(const zsso_jws_t *jws, const alg_t *alg,
                        const jwk_t *key)
{
    const unsigned char *sig = jws->sig;
    size_t sig_len = jws->sig_len;
    unsigned char *der = NULL;
    int der_len = 0, ok = 1;
    EVP_MD_CTX *md = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    const EVP_MD_CTX *ready = key->ready[alg - allowed_algs];

    if (alg->family == FAMILY_EC) {
        ok = ecdsa_raw_to_der(jws->sig, jws->sig_len, &der, &der_len);
        sig = der;
        sig_len = (size_t)der_len;
    }
    md = ok ? EVP_MD_CTX_new() : NULL;
    /* A copy of the key's prepared context, never the context itself:
     * other threads copy it at the same time. */
    ok = md != NULL
         && (ready != NULL
             ? EVP_MD_CTX_copy_ex(md, ready) == 1
             : EVP_DigestVerifyInit_ex(md, &pctx, "SHA256", NULL, NULL,
                                       key->pkey, NULL) == 1
               && set_rsa_padding(pctx, alg))
         && EVP_DigestVerify(md, sig, sig_len,
                             (const unsigned char *)jws->signing_input,
                             jws->signing_len) == 1;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    /* A failed check leaves errors on the thread's queue, where mod_ssl
     * would later take them for its own. */
    ERR_clear_error();
    return ok;
}

/* RFC 7518 section 3.4: an ES256 signature is R || S, 32 bytes each;
 * OpenSSL verifies the DER ECDSA-Sig-Value of RFC 3279 section 2.2.3. */
static int ecdsa_raw_to_der(const unsigned char *raw, apr_size_t len,
                            unsigned char **der, int *der_len)
{
    ECDSA_SIG *sig;
    BIGNUM *r, *s;

    *der = NULL;
    *der_len = 0;
    if (len != 2 * P256_COORD_LEN) {
        return 0;
    }
    sig = ECDSA_SIG_new();
    r = BN_bin2bn(raw, P256_COORD_LEN, NULL);
    s = BN_bin2bn(raw + P256_COORD_LEN, P256_COORD_LEN, NULL);
    if (sig == NULL || r == NULL || s == NULL
        || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return 0;
    }
    /* sig owns r and s now. */
    *der_len = i2d_ECDSA_SIG(sig, der);
    ECDSA_SIG_free(sig);
    return *der_len > 0;
}

/* RFC 7518 section 3.5: PSS with SHA-256, MGF1 with SHA-256 and a salt as
 * long as the hash (32 bytes). */
static int set_rsa_padding(EVP_PKEY_CTX *pctx, const alg_t *alg)
{
    if (alg->family != FAMILY_RSA) {
        return 1;
    }
    if (!alg->pss) {
        return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
    }
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0
           && EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", NULL) > 0
           && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) > 0;
}
