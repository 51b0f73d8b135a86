/*
 * test_jose.c - JWS parsing and verification against keys made at test
 * time: RSA 2048 (RS256, PS256), P-256 (ES256), and RSA 1024 and 512 that
 * a key set must skip. Tokens are signed here with OpenSSL EVP, the way a
 * provider would, and checked with jose.c.
 */
#define OPENSSL_API_COMPAT 30000
#define OPENSSL_NO_DEPRECATED

#include <string.h>
#include <time.h>

#include <apr_strings.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "tests.h"
#include "../../src/jose.h"
#include "../../src/util.h"

static EVP_PKEY *rsa_key, *rsa_key2, *ec_key, *rsa1024_key, *rsa512_key;

static const char *claims = "{\"iss\":\"https://example.okta.com\","
                            "\"sub\":\"00u1\",\"aud\":\"client\"}";

/* ---------------------------------------------------------------------- */
/* Keys and key sets                                                       */
/* ---------------------------------------------------------------------- */

static void keys_setup(void)
{
    rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    rsa_key2 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    ec_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    rsa1024_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    rsa512_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)512);
    ck_assert_ptr_nonnull(rsa_key);
    ck_assert_ptr_nonnull(rsa_key2);
    ck_assert_ptr_nonnull(ec_key);
    ck_assert_ptr_nonnull(rsa1024_key);
    ck_assert_ptr_nonnull(rsa512_key);
}

static void keys_teardown(void)
{
    EVP_PKEY_free(rsa_key);
    EVP_PKEY_free(rsa_key2);
    EVP_PKEY_free(ec_key);
    EVP_PKEY_free(rsa1024_key);
    EVP_PKEY_free(rsa512_key);
}

/* A BIGNUM parameter of pkey as base64url of pad bytes (0: its length). */
static const char *b64_param(EVP_PKEY *pkey, const char *name, int pad)
{
    BIGNUM *bn = NULL;
    unsigned char buf[1024];
    int len;

    ck_assert_int_eq(EVP_PKEY_get_bn_param(pkey, name, &bn), 1);
    len = pad ? pad : BN_num_bytes(bn);
    ck_assert_int_eq(BN_bn2binpad(bn, buf, len), len);
    BN_free(bn);
    return zsso_b64url_encode(t_pool, buf, (apr_size_t)len);
}

/* A JWK for pkey; extra is more members, "" or ",\"alg\":\"RS256\"".
 * "use" is "sig" unless extra has a "use" of its own. */
static const char *jwk(EVP_PKEY *pkey, const char *kid, const char *extra)
{
    const char *head = apr_pstrcat(t_pool, "{",
                                   kid ? "\"kid\":\"" : "", kid ? kid : "",
                                   kid ? "\"," : "",
                                   strstr(extra, "\"use\"") ? ""
                                   : "\"use\":\"sig\",", NULL);

    if (EVP_PKEY_is_a(pkey, "EC")) {
        return apr_psprintf(t_pool, "%s\"kty\":\"EC\",\"crv\":\"P-256\","
                            "\"x\":\"%s\",\"y\":\"%s\"%s}", head,
                            b64_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32),
                            b64_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32),
                            extra);
    }
    return apr_psprintf(t_pool, "%s\"kty\":\"RSA\",\"n\":\"%s\","
                        "\"e\":\"%s\"%s}", head,
                        b64_param(pkey, OSSL_PKEY_PARAM_RSA_N, 0),
                        b64_param(pkey, OSSL_PKEY_PARAM_RSA_E, 0), extra);
}

static zsso_jwks_t *jwks_of(const char *keys_json, zsso_err_t *err)
{
    const char *doc = apr_psprintf(t_pool, "{\"keys\":[%s]}", keys_json);

    zsso_err_clear(err);
    return zsso_jwks_parse(t_pool, doc, strlen(doc), err);
}

static zsso_jwks_t *jwks_ok(const char *keys_json)
{
    zsso_err_t err;
    zsso_jwks_t *keys = jwks_of(keys_json, &err);

    ck_assert_msg(keys != NULL, "JWKS refused: %s", err.text);
    return keys;
}

/* ---------------------------------------------------------------------- */
/* Signing, as a provider does                                             */
/* ---------------------------------------------------------------------- */

/* DER ECDSA-Sig-Value to the JWS form R || S (RFC 7518 section 3.4). */
static void der_to_raw(const unsigned char *der, size_t len,
                       unsigned char raw[64])
{
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &der, (long)len);
    const BIGNUM *r, *s;

    ck_assert_ptr_nonnull(sig);
    ECDSA_SIG_get0(sig, &r, &s);
    ck_assert_int_eq(BN_bn2binpad(r, raw, 32), 32);
    ck_assert_int_eq(BN_bn2binpad(s, raw + 32, 32), 32);
    ECDSA_SIG_free(sig);
}

/* The signature of input under alg ("RS256", "PS256", "ES256"; "PS256/0"
 * is PSS with the wrong salt length, "ES256/der" leaves the DER as is). */
static const char *sign(const char *alg, EVP_PKEY *pkey, const char *input)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char sig[1024], raw[64];
    size_t len = sizeof(sig);

    ck_assert_int_eq(EVP_DigestSignInit_ex(md, &pctx, "SHA256", NULL, NULL,
                                           pkey, NULL), 1);
    if (strncmp(alg, "PS", 2) == 0) {
        ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_padding(pctx,
                                                      RSA_PKCS1_PSS_PADDING),
                         0);
        ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
                             strcmp(alg, "PS256") == 0 ? 32 : 0), 0);
    }
    ck_assert_int_eq(EVP_DigestSign(md, sig, &len,
                                    (const unsigned char *)input,
                                    strlen(input)), 1);
    EVP_MD_CTX_free(md);
    if (strcmp(alg, "ES256") == 0) {
        der_to_raw(sig, len, raw);
        return zsso_b64url_encode(t_pool, raw, sizeof(raw));
    }
    return zsso_b64url_encode(t_pool, sig, len);
}

static const char *b64(const char *s)
{
    return zsso_b64url_encode(t_pool, (const unsigned char *)s, strlen(s));
}

/* A compact JWS of payload with the given header, signed as sig_alg. */
static const char *token(const char *header, const char *payload,
                         const char *sig_alg, EVP_PKEY *pkey)
{
    const char *input = apr_pstrcat(t_pool, b64(header), ".", b64(payload),
                                    NULL);

    return apr_pstrcat(t_pool, input, ".", sign(sig_alg, pkey, input), NULL);
}

static zsso_jws_t *parse(const char *compact, zsso_err_t *err)
{
    zsso_err_clear(err);
    return zsso_jws_parse(t_pool, compact, err);
}

/* Parse and verify; the status of whichever failed first. */
static zsso_status_t check(const char *compact, const zsso_jwks_t *keys,
                           zsso_err_t *err)
{
    zsso_jws_t *jws = parse(compact, err);

    if (jws == NULL) {
        ck_assert_int_ne(err->status, ZSSO_OK);
        return err->status;
    }
    return zsso_jws_verify(jws, keys, err);
}

#define ck_assert_refused(compact, keys, st, words) do {                    \
        zsso_err_t e_;                                                      \
        ck_assert_int_eq(check((compact), (keys), &e_), (st));              \
        ck_assert_int_eq(e_.status, (st));                                  \
        ck_assert_msg(strstr(e_.text, (words)) != NULL,                     \
                      "\"%s\" not in \"%s\"", (words), e_.text);            \
    } while (0)

/* ---------------------------------------------------------------------- */
/* Good tokens                                                             */
/* ---------------------------------------------------------------------- */

START_TEST(verify_rs256)
{
    zsso_jwks_t *keys = jwks_ok(apr_pstrcat(t_pool, jwk(ec_key, "e1", ""),
                                            ",", jwk(rsa_key, "r1", ""),
                                            NULL));
    const char *t = token("{\"alg\":\"RS256\",\"kid\":\"r1\",\"typ\":\"JWT\"}",
                          claims, "RS256", rsa_key);
    zsso_jws_t *jws;
    zsso_err_t err;
    const char *sub;

    ck_assert_int_eq(zsso_jwks_count(keys), 2);
    jws = parse(t, &err);
    ck_assert_ptr_nonnull(jws);
    ck_assert_str_eq(jws->alg, "RS256");
    ck_assert_str_eq(jws->kid, "r1");
    ck_assert_uint_eq(jws->signing_len, (apr_size_t)(strrchr(t, '.') - t));
    ck_assert_mem_eq(jws->signing_input, t, jws->signing_len);
    ck_assert_uint_eq(jws->sig_len, 256);
    ck_assert_int_eq(zsso_json_get_string(jws->claims, "sub", &sub),
                     ZSSO_OK);
    ck_assert_str_eq(sub, "00u1");
    ck_assert_int_eq(zsso_jws_verify(jws, keys, &err), ZSSO_OK);
    ck_assert_int_eq(err.status, ZSSO_OK);
}
END_TEST

START_TEST(verify_ps256)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ",\"alg\":\"PS256\""));
    zsso_err_t err;

    ck_assert_int_eq(check(token("{\"alg\":\"PS256\",\"kid\":\"r1\"}", claims,
                                 "PS256", rsa_key), keys, &err), ZSSO_OK);
}
END_TEST

START_TEST(verify_es256)
{
    zsso_jwks_t *keys = jwks_ok(apr_pstrcat(t_pool, jwk(rsa_key, "r1", ""),
                                            ",", jwk(ec_key, "e1", ""),
                                            NULL));
    zsso_jws_t *jws;
    zsso_err_t err;
    int i;

    /* ECDSA is randomised: several signatures, each must verify (a raw
     * R or S with a leading zero byte exercises the padding). */
    for (i = 0; i < 8; i++) {
        jws = parse(token("{\"alg\":\"ES256\",\"kid\":\"e1\"}", claims,
                          "ES256", ec_key), &err);
        ck_assert_ptr_nonnull(jws);
        ck_assert_uint_eq(jws->sig_len, 64);
        ck_assert_int_eq(zsso_jws_verify(jws, keys, &err), ZSSO_OK);
    }
}
END_TEST

START_TEST(verify_no_kid_single_key)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, NULL, ""));
    zsso_err_t err;

    ck_assert_int_eq(check(token("{\"alg\":\"RS256\"}", claims, "RS256",
                                 rsa_key), keys, &err), ZSSO_OK);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Algorithms                                                              */
/* ---------------------------------------------------------------------- */

START_TEST(refuse_alg_none)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    const char *t = apr_pstrcat(t_pool, b64("{\"alg\":\"none\"}"), ".",
                                b64(claims), ".", NULL);

    ck_assert_refused(t, keys, ZSSO_EALG, "alg \"none\" is not allowed");
    t = apr_pstrcat(t_pool, b64("{\"alg\":\"None\",\"kid\":\"r1\"}"), ".",
                    b64(claims), ".", NULL);
    ck_assert_refused(t, keys, ZSSO_EALG, "alg \"None\" is not allowed");
}
END_TEST

START_TEST(refuse_alg_hs256)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem;
    long pem_len;
    unsigned char mac[32];
    size_t mac_len;
    const char *input, *t;

    /* The classic confusion: HMAC keyed with the public key's PEM, which
     * a verifier that trusts the header would accept. */
    ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, rsa_key), 1);
    pem_len = BIO_get_mem_data(bio, &pem);
    input = apr_pstrcat(t_pool, b64("{\"alg\":\"HS256\",\"kid\":\"r1\"}"), ".",
                        b64(claims), NULL);
    ck_assert_ptr_nonnull(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, pem,
                                    (size_t)pem_len,
                                    (const unsigned char *)input,
                                    strlen(input), mac, sizeof(mac),
                                    &mac_len));
    BIO_free(bio);
    t = apr_pstrcat(t_pool, input, ".",
                    zsso_b64url_encode(t_pool, mac, mac_len), NULL);
    ck_assert_refused(t, keys, ZSSO_EALG, "alg \"HS256\" is not allowed");
}
END_TEST

START_TEST(refuse_alg_others)
{
    static const char *algs[] = { "RS384", "RS512", "ES384", "EdDSA",
                                  "rs256", "RS256 ", "" };
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    const char *t;
    size_t i;

    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        t = token(apr_psprintf(t_pool, "{\"alg\":\"%s\",\"kid\":\"r1\"}",
                               algs[i]), claims, "RS256", rsa_key);
        ck_assert_refused(t, keys, ZSSO_EALG,
                          apr_psprintf(t_pool, "alg \"%s\" is not allowed",
                                       algs[i]));
    }
    ck_assert_refused(token("{\"kid\":\"r1\"}", claims, "RS256", rsa_key),
                      keys, ZSSO_EALG, "no alg");
    ck_assert_refused(token("{\"alg\":256}", claims, "RS256", rsa_key),
                      keys, ZSSO_EALG, "no alg");
}
END_TEST

START_TEST(refuse_alg_shown_sanitised)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    const char *t = token("{\"alg\":\"x\\ny\\u00e9\"}", claims, "RS256",
                          rsa_key);

    ck_assert_refused(t, keys, ZSSO_EALG, "alg \"x?y??\" is not allowed");
}
END_TEST

START_TEST(refuse_key_type_mismatch)
{
    zsso_jwks_t *ec_only = jwks_ok(jwk(ec_key, "k1", ""));
    zsso_jwks_t *rsa_only = jwks_ok(jwk(rsa_key, "k1", ""));

    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"k1\"}", claims,
                            "RS256", rsa_key), ec_only, ZSSO_EALG,
                      "key type does not fit alg RS256");
    ck_assert_refused(token("{\"alg\":\"PS256\",\"kid\":\"k1\"}", claims,
                            "PS256", rsa_key), ec_only, ZSSO_EALG,
                      "key type does not fit alg PS256");
    ck_assert_refused(token("{\"alg\":\"ES256\",\"kid\":\"k1\"}", claims,
                            "ES256", ec_key), rsa_only, ZSSO_EALG,
                      "key type does not fit alg ES256");
}
END_TEST

START_TEST(refuse_jwk_alg_mismatch)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ",\"alg\":\"RS256\""));
    zsso_err_t err;

    ck_assert_refused(token("{\"alg\":\"PS256\",\"kid\":\"r1\"}", claims,
                            "PS256", rsa_key), keys, ZSSO_EALG,
                      "key type does not fit alg PS256");
    ck_assert_int_eq(check(token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims,
                                 "RS256", rsa_key), keys, &err), ZSSO_OK);
}
END_TEST

START_TEST(refuse_padding_confusion)
{
    zsso_jwks_t *rsa = jwks_ok(jwk(rsa_key, "r1", ""));
    zsso_jwks_t *ec = jwks_ok(jwk(ec_key, "e1", ""));
    const char *t;

    /* Signed with PSS, labelled RS256, and the other way round. */
    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims,
                            "PS256", rsa_key), rsa, ZSSO_ESIG,
                      "signature does not verify");
    ck_assert_refused(token("{\"alg\":\"PS256\",\"kid\":\"r1\"}", claims,
                            "RS256", rsa_key), rsa, ZSSO_ESIG,
                      "signature does not verify");
    /* RFC 7518 section 3.5: the salt is as long as the hash, nothing
     * else. */
    ck_assert_refused(token("{\"alg\":\"PS256\",\"kid\":\"r1\"}", claims,
                            "PS256/0", rsa_key), rsa, ZSSO_ESIG,
                      "signature does not verify");
    /* ES256 in DER, as OpenSSL makes it, is not the JWS form. */
    t = token("{\"alg\":\"ES256\",\"kid\":\"e1\"}", claims, "ES256/der",
              ec_key);
    ck_assert_refused(t, ec, ZSSO_ESIG, "signature does not verify");
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Signatures and keys                                                     */
/* ---------------------------------------------------------------------- */

/* The token t with bit 0 of byte i of its decoded part (0, 1, 2) flipped. */
static const char *flip(const char *t, int part, apr_size_t i)
{
    char **parts = apr_palloc(t_pool, 3 * sizeof(char *));
    char *copy = apr_pstrdup(t_pool, t), *last;
    unsigned char *raw;
    apr_size_t len;

    parts[0] = apr_strtok(copy, ".", &last);
    parts[1] = apr_strtok(NULL, ".", &last);
    parts[2] = apr_strtok(NULL, ".", &last);
    ck_assert_int_eq(zsso_b64url_decode(t_pool, parts[part],
                                        strlen(parts[part]), &raw, &len),
                     ZSSO_OK);
    raw[i] ^= 0x01;
    parts[part] = zsso_b64url_encode(t_pool, raw, len);
    return apr_pstrcat(t_pool, parts[0], ".", parts[1], ".", parts[2],
                       NULL);
}

START_TEST(refuse_bad_signature)
{
    zsso_jwks_t *keys = jwks_ok(apr_pstrcat(t_pool, jwk(rsa_key, "r1", ""),
                                            ",", jwk(ec_key, "e1", ""),
                                            NULL));
    const char *rs = token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims,
                           "RS256", rsa_key);
    const char *es = token("{\"alg\":\"ES256\",\"kid\":\"e1\"}", claims,
                           "ES256", ec_key);

    ck_assert_refused(flip(rs, 2, 0), keys, ZSSO_ESIG,
                      "signature does not verify");
    ck_assert_refused(flip(rs, 2, 255), keys, ZSSO_ESIG,
                      "signature does not verify");
    /* "sub":"00u1" becomes "sub":"00u0": the payload is covered. */
    ck_assert_refused(flip(rs, 1, strstr(claims, "00u1") - claims + 3), keys,
                      ZSSO_ESIG, "signature does not verify");
    ck_assert_refused(flip(es, 2, 10), keys, ZSSO_ESIG,
                      "signature does not verify");
    ck_assert_refused(flip(es, 2, 40), keys, ZSSO_ESIG,
                      "signature does not verify");
    /* Signed by another key under the same kid. */
    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims,
                            "RS256", rsa_key2), keys, ZSSO_ESIG,
                      "signature does not verify");
}
END_TEST

START_TEST(refuse_bad_signature_length)
{
    zsso_jwks_t *keys = jwks_ok(apr_pstrcat(t_pool, jwk(rsa_key, "r1", ""),
                                            ",", jwk(ec_key, "e1", ""),
                                            NULL));
    const char *es = token("{\"alg\":\"ES256\",\"kid\":\"e1\"}", claims,
                           "ES256", ec_key);
    const char *rs = token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims,
                           "RS256", rsa_key);
    const char *input;

    /* 63 bytes of R || S; an empty signature; an RSA one cut short. */
    input = apr_pstrndup(t_pool, es, (apr_size_t)(strrchr(es, '.') - es + 1));
    ck_assert_refused(apr_pstrcat(t_pool, input,
                                  apr_pstrndup(t_pool, strrchr(es, '.') + 1,
                                               84), NULL),
                      keys, ZSSO_ESIG, "signature does not verify");
    ck_assert_refused(input, keys, ZSSO_ESIG, "signature does not verify");
    input = apr_pstrndup(t_pool, rs, (apr_size_t)(strrchr(rs, '.') - rs + 1));
    ck_assert_refused(apr_pstrcat(t_pool, input,
                                  apr_pstrndup(t_pool, strrchr(rs, '.') + 1,
                                               340), NULL),
                      keys, ZSSO_ESIG, "signature does not verify");
}
END_TEST

START_TEST(refuse_unknown_kid)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    char long_kid[200];

    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"r2\"}", claims,
                            "RS256", rsa_key), keys, ZSSO_ENOKEY,
                      "no key for kid \"r2\"");
    /* The kid comes from the token: shown, but tamed. */
    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"a\\r\\nb\\u00ff\"}",
                            claims, "RS256", rsa_key), keys, ZSSO_ENOKEY,
                      "no key for kid \"a??b??\"");
    memset(long_kid, 'k', sizeof(long_kid) - 1);
    long_kid[sizeof(long_kid) - 1] = '\0';
    ck_assert_refused(token(apr_psprintf(t_pool, "{\"alg\":\"RS256\","
                                         "\"kid\":\"%s\"}", long_kid),
                            claims, "RS256", rsa_key), keys, ZSSO_ENOKEY,
                      apr_psprintf(t_pool, "no key for kid \"%.64s\"",
                                   long_kid));
}
END_TEST

START_TEST(refuse_no_kid_several_keys)
{
    zsso_jwks_t *keys = jwks_ok(apr_pstrcat(t_pool, jwk(rsa_key, "r1", ""),
                                            ",", jwk(rsa_key2, "r2", ""),
                                            NULL));

    ck_assert_refused(token("{\"alg\":\"RS256\"}", claims, "RS256", rsa_key),
                      keys, ZSSO_ENOKEY, "no kid and more than one key");
}
END_TEST

START_TEST(refuse_no_key_set)
{
    zsso_jws_t *jws;
    zsso_err_t err;

    jws = parse(token("{\"alg\":\"RS256\"}", claims, "RS256", rsa_key), &err);
    ck_assert_ptr_nonnull(jws);
    ck_assert_int_eq(zsso_jws_verify(jws, NULL, &err), ZSSO_ENOKEY);
    zsso_err_clear(&err);
    ck_assert_int_eq(zsso_jws_verify(NULL, NULL, &err), ZSSO_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Compact form                                                            */
/* ---------------------------------------------------------------------- */

START_TEST(refuse_wrong_part_count)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    const char *t = token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims,
                          "RS256", rsa_key);
    const char *two = apr_pstrndup(t_pool, t, (apr_size_t)(strrchr(t, '.')
                                                           - t));

    ck_assert_refused(two, keys, ZSSO_EINVAL, "JWS must have three parts");
    ck_assert_refused(apr_pstrcat(t_pool, t, ".", NULL), keys, ZSSO_EINVAL,
                      "JWS must have three parts");
    ck_assert_refused(apr_pstrcat(t_pool, t, ".e30", NULL), keys, ZSSO_EINVAL,
                      "JWS must have three parts");
    ck_assert_refused("", keys, ZSSO_EINVAL, "JWS must have three parts");
    ck_assert_refused("abc", keys, ZSSO_EINVAL, "JWS must have three parts");
    ck_assert_refused(NULL, keys, ZSSO_EINVAL, "JWS must have three parts");
}
END_TEST

START_TEST(refuse_bad_base64url)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    const char *t = token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", claims,
                          "RS256", rsa_key);
    const char *dot1 = strchr(t, '.'), *dot2 = strrchr(t, '.');
    const char *head = apr_pstrndup(t_pool, t, (apr_size_t)(dot1 - t));
    const char *body = apr_pstrndup(t_pool, dot1 + 1,
                                    (apr_size_t)(dot2 - dot1 - 1));

    ck_assert_refused(apr_pstrcat(t_pool, head, "=.", body, dot2, NULL), keys,
                      ZSSO_EINVAL, "bad base64url in JWS");
    ck_assert_refused(apr_pstrcat(t_pool, head, ".", body, "+", dot2, NULL),
                      keys, ZSSO_EINVAL, "bad base64url in JWS");
    ck_assert_refused(apr_pstrcat(t_pool, t, "=", NULL), keys, ZSSO_EINVAL,
                      "bad base64url in JWS");
    ck_assert_refused(apr_pstrcat(t_pool, head, ".", body, ".a/b", NULL),
                      keys, ZSSO_EINVAL, "bad base64url in JWS");
    ck_assert_refused(apr_pstrcat(t_pool, " ", t, NULL), keys, ZSSO_EINVAL,
                      "bad base64url in JWS");
}
END_TEST

START_TEST(refuse_header_not_object)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));

    ck_assert_refused(token("not json", claims, "RS256", rsa_key), keys,
                      ZSSO_EINVAL, "JWS header is not a JSON object");
    ck_assert_refused(token("[\"RS256\"]", claims, "RS256", rsa_key), keys,
                      ZSSO_EINVAL, "JWS header is not a JSON object");
    ck_assert_refused(token("{\"alg\":\"RS256\",\"alg\":\"none\"}", claims,
                            "RS256", rsa_key), keys, ZSSO_EINVAL,
                      "JWS header is not a JSON object");
    ck_assert_refused(token("", claims, "RS256", rsa_key), keys, ZSSO_EINVAL,
                      "JWS header is not a JSON object");
    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":7}", claims, "RS256",
                            rsa_key), keys, ZSSO_EINVAL,
                      "kid is not a string");
}
END_TEST

START_TEST(refuse_payload_not_object)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    const char *h = "{\"alg\":\"RS256\",\"kid\":\"r1\"}";

    ck_assert_refused(token(h, "plain text", "RS256", rsa_key), keys,
                      ZSSO_EINVAL, "JWS payload is not a JSON object");
    ck_assert_refused(token(h, "[1,2]", "RS256", rsa_key), keys, ZSSO_EINVAL,
                      "JWS payload is not a JSON object");
    ck_assert_refused(token(h, "{\"sub\":\"a\",\"sub\":\"b\"}", "RS256",
                            rsa_key), keys, ZSSO_EINVAL,
                      "JWS payload is not a JSON object");
}
END_TEST

START_TEST(refuse_crit)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));

    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"r1\","
                            "\"crit\":[\"exp\"],\"exp\":1}", claims, "RS256",
                            rsa_key), keys, ZSSO_EINVAL,
                      "JWS has a crit header");
    /* RFC 7797 unencoded payloads only come with crit. */
    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"r1\",\"b64\":false,"
                            "\"crit\":[\"b64\"]}", claims, "RS256", rsa_key),
                      keys, ZSSO_EINVAL, "JWS has a crit header");
}
END_TEST

START_TEST(refuse_too_long)
{
    zsso_jwks_t *keys = jwks_ok(jwk(rsa_key, "r1", ""));
    char *pad = apr_palloc(t_pool, ZSSO_JWS_MAX_LEN);
    const char *payload;

    memset(pad, 'x', ZSSO_JWS_MAX_LEN - 1);
    pad[ZSSO_JWS_MAX_LEN - 1] = '\0';
    payload = apr_psprintf(t_pool, "{\"pad\":\"%s\"}", pad);
    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"r1\"}", payload,
                            "RS256", rsa_key), keys, ZSSO_ELIMIT,
                      "JWS too long");
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Key sets                                                                */
/* ---------------------------------------------------------------------- */

START_TEST(jwks_many_keys)
{
    const char *one = jwk(rsa_key, NULL, "");
    apr_array_header_t *parts = apr_array_make(t_pool, 1000,
                                               sizeof(const char *));
    zsso_jwks_t *keys;
    struct timespec t0, t1;
    double secs;
    int i;

    for (i = 0; i < 1000; i++) {
        APR_ARRAY_PUSH(parts, const char *) =
            apr_psprintf(t_pool, "{\"kid\":\"k%d\",%s", i, one + 1);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    keys = jwks_ok(apr_array_pstrcat(t_pool, parts, ','));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    ck_assert_int_eq(zsso_jwks_count(keys), ZSSO_JWKS_MAX_KEYS);
    /* Generous enough for valgrind; a key built per entry, or a quadratic
     * walk, would still be far over it. */
    ck_assert_msg(secs < 2.0, "1000-key set took %.2f s", secs);
}
END_TEST

START_TEST(jwks_skips_small_rsa)
{
    zsso_err_t err;
    zsso_jwks_t *keys;

    ck_assert_ptr_null(jwks_of(apr_pstrcat(t_pool,
                                           jwk(rsa512_key, "s1", ""), ",",
                                           jwk(rsa1024_key, "s2", ""),
                                           NULL), &err));
    ck_assert_int_eq(err.status, ZSSO_ENOENT);
    keys = jwks_ok(apr_pstrcat(t_pool, jwk(rsa1024_key, "s2", ""), ",",
                               jwk(rsa_key, "r1", ""), NULL));
    ck_assert_int_eq(zsso_jwks_count(keys), 1);
    ck_assert_refused(token("{\"alg\":\"RS256\",\"kid\":\"s2\"}", claims,
                            "RS256", rsa1024_key), keys, ZSSO_ENOKEY,
                      "no key for kid \"s2\"");
}
END_TEST

/* A P-256 JWK whose coordinates are those of ec_key, with x cut to
 * x_len bytes and the low bit of y flipped when off_curve. */
static const char *ec_jwk_variant(const char *kid, int x_len, int off_curve)
{
    unsigned char x[32], y[32];
    BIGNUM *bx = NULL, *by = NULL;

    ck_assert_int_eq(EVP_PKEY_get_bn_param(ec_key, OSSL_PKEY_PARAM_EC_PUB_X,
                                           &bx), 1);
    ck_assert_int_eq(EVP_PKEY_get_bn_param(ec_key, OSSL_PKEY_PARAM_EC_PUB_Y,
                                           &by), 1);
    ck_assert_int_eq(BN_bn2binpad(bx, x, 32), 32);
    ck_assert_int_eq(BN_bn2binpad(by, y, 32), 32);
    BN_free(bx);
    BN_free(by);
    if (off_curve) {
        y[31] ^= 0x01;
    }
    return apr_psprintf(t_pool, "{\"kid\":\"%s\",\"kty\":\"EC\","
                        "\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}", kid,
                        zsso_b64url_encode(t_pool, x, (apr_size_t)x_len),
                        zsso_b64url_encode(t_pool, y, 32));
}

/* An RSA JWK with the modulus of rsa_key and the given kty and e. */
static const char *rsa_jwk_variant(const char *kid, const char *kty,
                                   const char *e)
{
    return apr_psprintf(t_pool, "{\"kid\":\"%s\",\"kty\":\"%s\",\"n\":\"%s\","
                        "\"e\":\"%s\"}", kid, kty,
                        b64_param(rsa_key, OSSL_PKEY_PARAM_RSA_N, 0), e);
}

START_TEST(jwks_skips_unusable)
{
    const char *skipped[] = {
        rsa_jwk_variant("v1", "rsa", "AQAB"),   /* kty is case-sensitive */
        rsa_jwk_variant("v2", "oct", "AQAB"),
        rsa_jwk_variant("v3", "RSA", "AQ"),     /* e = 1 */
        rsa_jwk_variant("v4", "RSA", "AAI"),    /* e = 2, even */
        rsa_jwk_variant("v5", "RSA", "AQAAAAAAAAAAAQ"),  /* e of 73 bits */
        rsa_jwk_variant("v6", "RSA", "AQA="),   /* padded base64url */
        jwk(rsa_key, "u1", ",\"use\":\"enc\""),
        jwk(rsa_key, "u2", ",\"use\":7"),
        jwk(rsa_key, "u3", ",\"key_ops\":[\"encrypt\"]"),
        jwk(rsa_key, "u4", ",\"alg\":\"RS512\""),
        jwk(rsa_key, "u5", ",\"alg\":5"),
        "{\"kid\":\"u6\",\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}",
        "{\"kid\":\"u7\",\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}",
        "{\"kid\":\"u8\",\"kty\":\"RSA\",\"e\":\"AQAB\"}",
        "{\"kid\":\"u9\",\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\","
        "\"y\":\"AA\"}",
        ec_jwk_variant("u10", 31, 0),     /* x of 31 bytes */
        ec_jwk_variant("u11", 32, 1),     /* a point off the curve */
        "{\"kid\":12,\"kty\":\"RSA\"}",
        "{}"
    };
    zsso_jwks_t *keys;
    const char *all = apr_pstrcat(t_pool,
                                  jwk(rsa_key, "ok",
                                      ",\"key_ops\":[\"verify\"]"), ",",
                                  ec_jwk_variant("ok2", 32, 0), ",",
                                  rsa_jwk_variant("ok3", "RSA", "AAEAAQ"),
                                  NULL);
    zsso_err_t err;
    size_t i;

    for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++) {
        ck_assert_msg(jwks_of(skipped[i], &err) == NULL, "kept: %s",
                      skipped[i]);
        ck_assert_int_eq(err.status, ZSSO_ENOENT);
        ck_assert_str_eq(err.text, "JWK Set has no usable key");
        all = apr_pstrcat(t_pool, all, ",", skipped[i], NULL);
    }
    keys = jwks_ok(all);
    ck_assert_int_eq(zsso_jwks_count(keys), 3);
}
END_TEST

START_TEST(jwks_not_a_set)
{
    static const char *docs[] = {
        "[]", "{}", "{\"keys\":{}}", "{\"keys\":\"x\"}", "{\"keys\":[1]}",
        "not json", ""
    };
    zsso_err_t err;
    size_t i;

    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        zsso_err_clear(&err);
        ck_assert_ptr_null(zsso_jwks_parse(t_pool, docs[i], strlen(docs[i]),
                                           &err));
        ck_assert_int_eq(err.status, ZSSO_EINVAL);
        ck_assert_ptr_nonnull(strstr(err.text, "not a JWK Set"));
    }
    zsso_err_clear(&err);
    ck_assert_ptr_null(zsso_jwks_parse(t_pool, "{\"keys\":[]}", 11, &err));
    ck_assert_int_eq(err.status, ZSSO_ENOENT);
    ck_assert_int_eq(zsso_jwks_count(NULL), 0);
}
END_TEST

Suite *zsso_jose_suite(void)
{
    Suite *s = suite_create("jose");
    TCase *tc = t_tcase("jose");

    /* The keys are made once for all the tests (in the parent process
     * when the tests fork). */
    tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
    /* Key generation and valgrind are slow; the default 4 s is not. */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, verify_rs256);
    tcase_add_test(tc, verify_ps256);
    tcase_add_test(tc, verify_es256);
    tcase_add_test(tc, verify_no_kid_single_key);
    tcase_add_test(tc, refuse_alg_none);
    tcase_add_test(tc, refuse_alg_hs256);
    tcase_add_test(tc, refuse_alg_others);
    tcase_add_test(tc, refuse_alg_shown_sanitised);
    tcase_add_test(tc, refuse_key_type_mismatch);
    tcase_add_test(tc, refuse_jwk_alg_mismatch);
    tcase_add_test(tc, refuse_padding_confusion);
    tcase_add_test(tc, refuse_bad_signature);
    tcase_add_test(tc, refuse_bad_signature_length);
    tcase_add_test(tc, refuse_unknown_kid);
    tcase_add_test(tc, refuse_no_kid_several_keys);
    tcase_add_test(tc, refuse_no_key_set);
    tcase_add_test(tc, refuse_wrong_part_count);
    tcase_add_test(tc, refuse_bad_base64url);
    tcase_add_test(tc, refuse_header_not_object);
    tcase_add_test(tc, refuse_payload_not_object);
    tcase_add_test(tc, refuse_crit);
    tcase_add_test(tc, refuse_too_long);
    tcase_add_test(tc, jwks_many_keys);
    tcase_add_test(tc, jwks_skips_small_rsa);
    tcase_add_test(tc, jwks_skips_unusable);
    tcase_add_test(tc, jwks_not_a_set);
    suite_add_tcase(s, tc);
    return s;
}
