/*
 * test_crypto.c - sealing, HKDF, SHA-256, random bytes and constant-time
 * comparison, with known-answer vectors where the output is deterministic.
 */
#include <string.h>

#include <apr_strings.h>

#include "tests.h"
#include "../../src/crypto.h"
#include "../../src/util.h"

static zsso_key_t test_key(const char *label)
{
    zsso_key_t key;

    ck_assert_int_eq(zsso_crypto_derive("test secret", 11, label, &key),
                     ZSSO_OK);
    return key;
}

/* The raw bytes of a sealed value, to tamper with. */
static unsigned char *raw_of(const char *sealed, apr_size_t *len)
{
    unsigned char *raw;

    ck_assert_int_eq(zsso_b64url_decode(t_pool, sealed, strlen(sealed), &raw,
                                        len), ZSSO_OK);
    return raw;
}

static zsso_status_t unseal(const zsso_key_t *key, const char *aad,
                            const char *sealed, zsso_err_t *err)
{
    unsigned char *pt;
    apr_size_t len;
    zsso_status_t st;

    zsso_err_clear(err);
    st = zsso_crypto_unseal(t_pool, key, aad, sealed, &pt, &len, err);
    if (st != ZSSO_OK) {
        ck_assert_ptr_null(pt);
        ck_assert_int_eq(err->status, st);
    }
    return st;
}

/* ---------------------------------------------------------------------- */
/* SHA-256 and HKDF                                                        */
/* ---------------------------------------------------------------------- */

START_TEST(sha256_fips180_vectors)
{
    unsigned char d[32];

    /* FIPS 180-2 appendix B.1, and the empty string. */
    zsso_crypto_sha256("abc", 3, d);
    ck_assert_str_eq(t_hex(d, 32), "ba7816bf8f01cfea414140de5dae2223"
                                   "b00361a396177a9cb410ff61f20015ad");
    zsso_crypto_sha256("", 0, d);
    ck_assert_str_eq(t_hex(d, 32), "e3b0c44298fc1c149afbf4c8996fb924"
                                   "27ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(hkdf_rfc5869_case3)
{
    /* RFC 5869 appendix A.3: no salt, no info; the first 32 bytes of OKM. */
    unsigned char ikm[22];
    zsso_key_t key;

    memset(ikm, 0x0b, sizeof(ikm));
    ck_assert_int_eq(zsso_crypto_derive(ikm, sizeof(ikm), "", &key), ZSSO_OK);
    ck_assert_str_eq(t_hex(key.bytes, 32), "8da4e775a563c18f715f802a063c5a31"
                                           "b8a11f5c5ee1879ec3454e5f3c738d2d");
}
END_TEST

START_TEST(hkdf_labels_and_determinism)
{
    zsso_key_t a = test_key("cookie"), b = test_key("cookie");
    zsso_key_t c = test_key("session"), d;

    ck_assert_mem_eq(a.bytes, b.bytes, ZSSO_KEY_LEN);
    ck_assert_int_ne(memcmp(a.bytes, c.bytes, ZSSO_KEY_LEN), 0);
    ck_assert_int_eq(zsso_crypto_derive("other secret", 12, "cookie", &d),
                     ZSSO_OK);
    ck_assert_int_ne(memcmp(a.bytes, d.bytes, ZSSO_KEY_LEN), 0);
}
END_TEST

START_TEST(hkdf_refuses_empty_input)
{
    zsso_key_t key;

    ck_assert_int_eq(zsso_crypto_derive("", 0, "cookie", &key), ZSSO_EINVAL);
    ck_assert_int_eq(zsso_crypto_derive(NULL, 5, "cookie", &key),
                     ZSSO_EINVAL);
    ck_assert_int_eq(zsso_crypto_derive("x", 1, NULL, &key), ZSSO_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Sealing                                                                 */
/* ---------------------------------------------------------------------- */

START_TEST(seal_round_trip)
{
    zsso_key_t key = test_key("cookie");
    const char *msg = "state=abc;nonce=def", *sealed;
    unsigned char *pt;
    apr_size_t len;
    zsso_err_t err;

    zsso_err_clear(&err);
    sealed = zsso_crypto_seal(t_pool, &key, "zsso_state", msg, strlen(msg));
    ck_assert_ptr_nonnull(sealed);
    /* 12 + 19 + 16 bytes of base64url, and nothing but its alphabet. */
    ck_assert_uint_eq(strlen(sealed), (12 + 19 + 16) * 4 / 3 + 1);
    ck_assert_uint_eq(strspn(sealed, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                                     "klmnopqrstuvwxyz0123456789-_"),
                      strlen(sealed));
    ck_assert_int_eq(zsso_crypto_unseal(t_pool, &key, "zsso_state", sealed,
                                        &pt, &len, &err), ZSSO_OK);
    ck_assert_uint_eq(len, strlen(msg));
    ck_assert_str_eq((char *)pt, msg);
}
END_TEST

START_TEST(seal_empty_and_null_aad)
{
    zsso_key_t key = test_key("cookie");
    const char *sealed = zsso_crypto_seal(t_pool, &key, NULL, "", 0);
    unsigned char *pt;
    apr_size_t len;
    zsso_err_t err;

    zsso_err_clear(&err);
    ck_assert_ptr_nonnull(sealed);
    ck_assert_int_eq(zsso_crypto_unseal(t_pool, &key, NULL, sealed, &pt,
                                        &len, &err), ZSSO_OK);
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq((char *)pt, "");
    /* No AAD and an empty AAD are the same to GCM. */
    ck_assert_int_eq(unseal(&key, "", sealed, &err), ZSSO_OK);
    ck_assert_int_eq(unseal(&key, "x", sealed, &err), ZSSO_ECRYPTO);
}
END_TEST

START_TEST(seal_random_iv)
{
    zsso_key_t key = test_key("cookie");
    const char *a = zsso_crypto_seal(t_pool, &key, "c", "same", 4);
    const char *b = zsso_crypto_seal(t_pool, &key, "c", "same", 4);

    ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(unseal_refuses_tampering)
{
    zsso_key_t key = test_key("cookie");
    const char *sealed = zsso_crypto_seal(t_pool, &key, "c", "hello", 5);
    unsigned char *raw;
    apr_size_t len, i;
    zsso_err_t err;

    raw = raw_of(sealed, &len);
    /* Every byte matters: IV, ciphertext and tag. */
    for (i = 0; i < len; i++) {
        raw[i] ^= 0x01;
        ck_assert_int_eq(unseal(&key, "c", zsso_b64url_encode(t_pool, raw,
                                                              len), &err),
                         ZSSO_ECRYPTO);
        ck_assert_str_eq(err.text, "sealed data does not verify");
        raw[i] ^= 0x01;
    }
    ck_assert_int_eq(unseal(&key, "c", zsso_b64url_encode(t_pool, raw, len),
                            &err), ZSSO_OK);
}
END_TEST

START_TEST(unseal_refuses_wrong_key_and_aad)
{
    zsso_key_t key = test_key("cookie"), other = test_key("session");
    const char *sealed = zsso_crypto_seal(t_pool, &key, "zsso_state", "x", 1);
    zsso_err_t err;

    ck_assert_int_eq(unseal(&other, "zsso_state", sealed, &err),
                     ZSSO_ECRYPTO);
    ck_assert_int_eq(unseal(&key, "zsso_session", sealed, &err),
                     ZSSO_ECRYPTO);
    ck_assert_int_eq(unseal(&key, NULL, sealed, &err), ZSSO_ECRYPTO);
    ck_assert_int_eq(unseal(&key, "zsso_state", sealed, &err), ZSSO_OK);
}
END_TEST

START_TEST(unseal_refuses_truncation)
{
    zsso_key_t key = test_key("cookie");
    const char *sealed = zsso_crypto_seal(t_pool, &key, NULL, "hello", 5);
    unsigned char *raw;
    apr_size_t len;
    zsso_err_t err;

    raw = raw_of(sealed, &len);
    /* A tag cut short, with the plaintext still there: the cut bytes are
     * read as part of the tag and it does not verify. */
    ck_assert_int_eq(unseal(&key, NULL, zsso_b64url_encode(t_pool, raw,
                                                           len - 1), &err),
                     ZSSO_ECRYPTO);
    /* Shorter than IV + tag: not even tried. */
    ck_assert_int_eq(unseal(&key, NULL, zsso_b64url_encode(t_pool, raw,
                                                           12 + 15), &err),
                     ZSSO_EINVAL);
    ck_assert_int_eq(unseal(&key, NULL, "", &err), ZSSO_EINVAL);
    ck_assert_int_eq(unseal(&key, NULL, "Zm9v+", &err), ZSSO_EINVAL);
    ck_assert_str_eq(err.text, "bad base64url in sealed data");
    ck_assert_int_eq(unseal(&key, NULL, NULL, &err), ZSSO_EINVAL);
}
END_TEST

/* The GCM known answers of McGrew and Viega, "The Galois/Counter Mode of
 * Operation", test cases 13 and 14: a zero 256-bit key and a zero IV. */
START_TEST(unseal_gcm_known_answer)
{
    static const unsigned char tc14[12 + 16 + 16] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0xce, 0xa7, 0x40, 0x3d, 0x4d, 0x60, 0x6b, 0x6e,
        0x07, 0x4e, 0xc5, 0xd3, 0xba, 0xf3, 0x9d, 0x18,
        0xd0, 0xd1, 0xc8, 0xa7, 0x99, 0x99, 0x6b, 0xf0,
        0x26, 0x5b, 0x98, 0xb5, 0xd4, 0x8a, 0xb9, 0x19
    };
    static const unsigned char tc13[12 + 16] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0x53, 0x0f, 0x8a, 0xfb, 0xc7, 0x45, 0x36, 0xb9,
        0xa9, 0x63, 0xb4, 0xf1, 0xc4, 0xcb, 0x73, 0x8b
    };
    static const unsigned char zeros[16] = { 0 };
    zsso_key_t key;
    unsigned char *pt;
    apr_size_t len;
    zsso_err_t err;

    memset(key.bytes, 0, sizeof(key.bytes));
    zsso_err_clear(&err);
    ck_assert_int_eq(zsso_crypto_unseal(t_pool, &key, NULL,
                                        zsso_b64url_encode(t_pool, tc14,
                                                           sizeof(tc14)),
                                        &pt, &len, &err), ZSSO_OK);
    ck_assert_uint_eq(len, 16);
    ck_assert_mem_eq(pt, zeros, 16);
    ck_assert_int_eq(zsso_crypto_unseal(t_pool, &key, NULL,
                                        zsso_b64url_encode(t_pool, tc13,
                                                           sizeof(tc13)),
                                        &pt, &len, &err), ZSSO_OK);
    ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(unseal_error_first_wins)
{
    zsso_key_t key = test_key("cookie");
    zsso_err_t err;
    unsigned char *pt;
    apr_size_t len;

    zsso_err_clear(&err);
    zsso_err_set(&err, ZSSO_ELIMIT, "earlier %s", "failure");
    ck_assert_int_eq(zsso_crypto_unseal(t_pool, &key, NULL, "!", &pt, &len,
                                        &err), ZSSO_EINVAL);
    ck_assert_int_eq(err.status, ZSSO_ELIMIT);
    ck_assert_str_eq(err.text, "earlier failure");
    /* A NULL record is allowed. */
    ck_assert_int_eq(zsso_crypto_unseal(t_pool, &key, NULL, "!", &pt, &len,
                                        NULL), ZSSO_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Random and comparison                                                   */
/* ---------------------------------------------------------------------- */

/* The raw form is the base64url form's bytes: one opens the other, and
 * the raw opener refuses what the text opener refuses. */
START_TEST(seal_raw_matches_text)
{
    zsso_key_t key = test_key("raw");
    const char *msg = "record\0with a NUL inside";
    apr_size_t n, len, msg_len = 25;
    unsigned char *raw, *pt;
    char *text;
    zsso_err_t err;

    raw = zsso_crypto_seal_raw(t_pool, &key, "k:s", msg, msg_len, &n);
    ck_assert_ptr_nonnull(raw);
    ck_assert_uint_eq(n, 12 + msg_len + 16);
    zsso_err_clear(&err);
    ck_assert_int_eq(zsso_crypto_unseal_raw(t_pool, &key, "k:s", raw, n, &pt,
                                            &len, &err), ZSSO_OK);
    ck_assert_uint_eq(len, msg_len);
    ck_assert_mem_eq(pt, msg, msg_len);
    ck_assert_int_eq(pt[len], '\0');
    /* The text form of the same bytes opens with the text opener. */
    text = zsso_b64url_encode(t_pool, raw, n);
    ck_assert_int_eq(zsso_crypto_unseal(t_pool, &key, "k:s", text, &pt, &len,
                                        &err), ZSSO_OK);
    ck_assert_mem_eq(pt, msg, msg_len);
    /* Another AAD (another store key), a flipped bit, a short input. */
    ck_assert_int_eq(zsso_crypto_unseal_raw(t_pool, &key, "k:t", raw, n, &pt,
                                            &len, &err), ZSSO_ECRYPTO);
    ck_assert_ptr_null(pt);
    raw[n - 1] ^= 1;
    ck_assert_int_eq(zsso_crypto_unseal_raw(t_pool, &key, "k:s", raw, n, &pt,
                                            &len, &err), ZSSO_ECRYPTO);
    ck_assert_int_eq(zsso_crypto_unseal_raw(t_pool, &key, "k:s", raw, 27,
                                            &pt, &len, &err), ZSSO_EINVAL);
}
END_TEST

START_TEST(random_differs)
{
    unsigned char a[32], b[32];

    ck_assert_int_eq(zsso_crypto_random(a, sizeof(a)), ZSSO_OK);
    ck_assert_int_eq(zsso_crypto_random(b, sizeof(b)), ZSSO_OK);
    ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
    ck_assert_int_eq(zsso_crypto_random(a, 0), ZSSO_OK);
}
END_TEST

START_TEST(equal_bytes)
{
    ck_assert(zsso_crypto_equal("abcd", "abcd", 4));
    ck_assert(!zsso_crypto_equal("abcd", "abce", 4));
    ck_assert(zsso_crypto_equal("abcd", "abce", 3));
    ck_assert(!zsso_crypto_equal(NULL, "abce", 4));
}
END_TEST

START_TEST(str_equal_rules)
{
    ck_assert(zsso_crypto_str_equal("nonce", "nonce"));
    ck_assert(zsso_crypto_str_equal("", ""));
    ck_assert(!zsso_crypto_str_equal("nonce", "nonc"));
    ck_assert(!zsso_crypto_str_equal("nonce", "nonce1"));
    ck_assert(!zsso_crypto_str_equal("nonce", "Nonce"));
    ck_assert(!zsso_crypto_str_equal(NULL, "nonce"));
    ck_assert(!zsso_crypto_str_equal("nonce", NULL));
    ck_assert(!zsso_crypto_str_equal(NULL, NULL));
    ck_assert(!zsso_crypto_str_equal("", NULL));
}
END_TEST

Suite *zsso_crypto_suite(void)
{
    Suite *s = suite_create("crypto");
    TCase *kdf = t_tcase("hash_kdf");
    TCase *seal = t_tcase("seal");
    TCase *misc = t_tcase("random_compare");

    tcase_add_test(kdf, sha256_fips180_vectors);
    tcase_add_test(kdf, hkdf_rfc5869_case3);
    tcase_add_test(kdf, hkdf_labels_and_determinism);
    tcase_add_test(kdf, hkdf_refuses_empty_input);
    tcase_add_test(seal, seal_round_trip);
    tcase_add_test(seal, seal_empty_and_null_aad);
    tcase_add_test(seal, seal_random_iv);
    tcase_add_test(seal, unseal_refuses_tampering);
    tcase_add_test(seal, unseal_refuses_wrong_key_and_aad);
    tcase_add_test(seal, unseal_refuses_truncation);
    tcase_add_test(seal, unseal_gcm_known_answer);
    tcase_add_test(seal, unseal_error_first_wins);
    tcase_add_test(seal, seal_raw_matches_text);
    tcase_add_test(misc, random_differs);
    tcase_add_test(misc, equal_bytes);
    tcase_add_test(misc, str_equal_rules);
    suite_add_tcase(s, kdf);
    suite_add_tcase(s, seal);
    suite_add_tcase(s, misc);
    return s;
}
