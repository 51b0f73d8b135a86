/*
 * fuzz_keys.h - written by make-seeds.mjs: the public keys of the test-only
 * keys in t/fuzz/keys/ as a JWK Set, tokens they signed, and the values
 * the seeds were made with. Do not edit; run make-seeds.mjs.
 */
#ifndef ZSSO_FUZZ_KEYS_H
#define ZSSO_FUZZ_KEYS_H

#define FUZZ_ISSUER     "https://example.okta.com"
#define FUZZ_CLIENT     "0oa1example"
#define FUZZ_NONCE      "n-0S6_WzA2Mj"
#define FUZZ_NOW        1700000000
#define FUZZ_PASSPHRASE "fuzz passphrase"

static const char fuzz_jwks[] =
    "{\"keys\":[{\"kid\":\"rsa1\",\"use\":\"sig\",\"kty\":\"RSA\",\"n\":\"s"
    "KM6ukgwMiIO23SWgbwxqr6XbGO9zaqbGa1W_phDMPEhHxljdAsf_opyJukNZozOE1X7lLT"
    "wq8cSkU83uGo180Q-0RmrmAC21Y4nUpQKmUDzp1LmWrRDi5z88oe4gpC85y7eZJSjhymYZ"
    "zpB9VUQuNirj51hX3H28calgehz-J83OLsuYTOR3t0ROnyxuFbsjPxCzBW-kyCGEwMzznv"
    "eEvTUSb3wPRF6tBX9kue3CeXZ-pb_Ar6vFxR_yQ8A8AIgNc1HTjXYDpAaxA_z0FTOCMu_k"
    "BmDQbqF8F5pAWam8SV9h4zA_g3mL8Otsf0GlijzK8GjXaYUiqkj2CNEbN8DzQ\",\"e\":"
    "\"AQAB\"},{\"kid\":\"ec1\",\"use\":\"sig\",\"kty\":\"EC\",\"x\":\"ik65"
    "EYWX8Tabu-H113AJnjpAFeDOjkcR4PR0_DbXalY\",\"y\":\"hbRx-9OQrIJ7cH_bCwGK"
    "ZLPm1i-3tnm_iQGaE26T7L4\",\"crv\":\"P-256\"}]}";

/* Signed by rsa1 (RS256, PS256) and ec1 (ES256). */
static const char *const fuzz_tokens[] = {
    "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEifQ.eyJ2ZXIiOjEsImlzcyI6Imh0dHBzOi8"
    "vZXhhbXBsZS5va3RhLmNvbSIsInN1YiI6IjAwdTFhYmNkRUZHSGlqa2wweDciLCJhdWQiO"
    "iIwb2ExZXhhbXBsZSIsImlhdCI6MTY5OTk5OTk5MCwiZXhwIjoxNzAwMDAzNTkwLCJqdGk"
    "iOiJJRC5hYmMiLCJhbXIiOlsicHdkIl0sImlkcCI6IjAwbzFleGFtcGxlIiwibm9uY2UiO"
    "iJuLTBTNl9XekEyTWoiLCJuYW1lIjoiQWxpY2UgRXhhbXBsZSIsInByZWZlcnJlZF91c2V"
    "ybmFtZSI6ImFsaWNlQGV4YW1wbGUuY29tIiwiYXV0aF90aW1lIjoxNjk5OTk5OTgwLCJhd"
    "F9oYXNoIjoieDRVdTFrT3NkR1pPVUZWY1QxVTNaUSIsImdyb3VwcyI6WyJFdmVyeW9uZSI"
    "sImNvbnNvbGUtYWRtaW5zIl19.Csgiu4piut4F31VuQQns-icAmBW7JyFE5YpW7IKP4RrC"
    "96RvVA-LgCiYAPPpJ_u-tj-utgRIwoPRmZ-5Ti6AMQ4R4D3dv2U0G53uP0zwMceniFeg-I"
    "55ZCOcOcwfHvlrdSjMyX3BaaEIe8dihRggkkS63OlLCoNPIlFqozxxDoaIrHHpG7DtErOe"
    "TXcXQQ2XK_3eQ6qMC7Q8JVjC7bFiO5jqDSCgY3fkrXwZ1CNeMX13rWYguEbIyLiBHsMNab"
    "wmdyRWHbcVBob458pwoOvvNQ9nxm21FDkgEg9bBI94dSKbrWjBgRIZImG_QmyMuAtgHmEm"
    "T5X67JucaxDX9-0nCg",
    "eyJhbGciOiJQUzI1NiIsImtpZCI6InJzYTEiLCJ0eXAiOiJKV1QifQ.eyJ2ZXIiOjEsIml"
    "zcyI6Imh0dHBzOi8vZXhhbXBsZS5va3RhLmNvbSIsInN1YiI6IjAwdTFhYmNkRUZHSGlqa"
    "2wweDciLCJhdWQiOiIwb2ExZXhhbXBsZSIsImlhdCI6MTY5OTk5OTk5MCwiZXhwIjoxNzA"
    "wMDAzNTkwLCJqdGkiOiJJRC5hYmMiLCJhbXIiOlsicHdkIl0sImlkcCI6IjAwbzFleGFtc"
    "GxlIiwibm9uY2UiOiJuLTBTNl9XekEyTWoiLCJuYW1lIjoiQWxpY2UgRXhhbXBsZSIsInB"
    "yZWZlcnJlZF91c2VybmFtZSI6ImFsaWNlQGV4YW1wbGUuY29tIiwiYXV0aF90aW1lIjoxN"
    "jk5OTk5OTgwLCJhdF9oYXNoIjoieDRVdTFrT3NkR1pPVUZWY1QxVTNaUSIsImdyb3VwcyI"
    "6WyJFdmVyeW9uZSIsImNvbnNvbGUtYWRtaW5zIl19.pX70G6a2OsScDWiIsIc6P_Gvv4Yg"
    "qh94lOuJlt6tB-vrpvlPeTS1bdUQo_-_WqdcrcpeWWsCIdxrQh6gP2WIIrdJEyLn1cMELn"
    "KwUZNZ5n6LlVgF8yFyNv8vs_up2fb7h2xHEERZ4oHGYxxG-8fC3_vjh9gaz3eD2lk9dg2k"
    "INDIWElEx0vTcQCwq1vDYF6uUVs8CeIF8JJXhlyKbemzs2Qb_qRqgxe7GHETE6KFMDfcWB"
    "DE4vSR3CV7rcyUo_gVDbMPjp4DH90uk_mJN3AJ0MQ6_GBn4XbLNW3B95HRgw6H69a5gpws"
    "0qj1UrU74lju5aWGhDEnNxZQHTwOyAi2GA",
    "eyJhbGciOiJFUzI1NiIsImtpZCI6ImVjMSJ9.eyJ2ZXIiOjEsImlzcyI6Imh0dHBzOi8vZ"
    "XhhbXBsZS5va3RhLmNvbSIsInN1YiI6IjAwdTFhYmNkRUZHSGlqa2wweDciLCJhdWQiOiI"
    "wb2ExZXhhbXBsZSIsImlhdCI6MTY5OTk5OTk5MCwiZXhwIjoxNzAwMDAzNTkwLCJqdGkiO"
    "iJJRC5hYmMiLCJhbXIiOlsicHdkIl0sImlkcCI6IjAwbzFleGFtcGxlIiwibm9uY2UiOiJ"
    "uLTBTNl9XekEyTWoiLCJuYW1lIjoiQWxpY2UgRXhhbXBsZSIsInByZWZlcnJlZF91c2Vyb"
    "mFtZSI6ImFsaWNlQGV4YW1wbGUuY29tIiwiYXV0aF90aW1lIjoxNjk5OTk5OTgwLCJhdF9"
    "oYXNoIjoieDRVdTFrT3NkR1pPVUZWY1QxVTNaUSIsImdyb3VwcyI6WyJFdmVyeW9uZSIsI"
    "mNvbnNvbGUtYWRtaW5zIl19.voISj6je-2Y7h5JE_fkSSd75yTkF9V2Uj0yVvee7wCj2Um"
    "hpR8K1Q8FTfMpOOch_-AOjty-B2QWmbbGl0-rmEA"
};

#endif
