/*
 * fuzz_json.c - the JSON reader with its limits: zsso_json_parse (size
 * limit 4096, like a login-state record; depth ZSSO_JSON_MAX_DEPTH;
 * duplicates refused) and every typed getter on the member names the
 * module reads.
 *
 * Oracles: a document over the size limit is refused with ZSSO_ELIMIT;
 * getters keep their promises (a number in [-2^53, 2^53], string arrays
 * of strings, absent means a NULL result); what zsso_json_dump writes of
 * a parsed document parses again and dumps to the same text.
 */
#include <string.h>

#include "fuzz.h"
#include "../../src/json.h"

#define MAX_LEN   4096
#define MAX_EXACT 9007199254740992LL

static const char *const names[] = {
    "iss", "sub", "aud", "azp", "exp", "iat", "nbf", "nonce", "keys",
    "groups", "s", "n", "v", "r", "t", "a", "x", "kid", "alg", "crit"
};

static void check_getters(apr_pool_t *p, const zsso_json_t *o,
                          const char *name)
{
    const char *s;
    int b, i;
    apr_int64_t n;
    apr_array_header_t *arr;
    zsso_json_t *sub;
    zsso_status_t st;

    st = zsso_json_get_string(o, name, &s);
    FUZZ_CHECK((st == ZSSO_OK) == (s != NULL), "string result");
    st = zsso_json_get_bool(o, name, &b);
    FUZZ_CHECK(st == ZSSO_OK || b == 0, "bool result");
    st = zsso_json_get_int(o, name, &n);
    FUZZ_CHECK(st != ZSSO_OK || (n >= -MAX_EXACT && n <= MAX_EXACT),
               "int in range");
    st = zsso_json_get_strings(p, o, name, &arr);
    FUZZ_CHECK((st == ZSSO_OK) == (arr != NULL), "strings result");
    for (i = 0; arr != NULL && i < arr->nelts; i++) {
        FUZZ_CHECK(APR_ARRAY_IDX(arr, i, const char *) != NULL,
                   "strings element");
    }
    st = zsso_json_get_object(p, o, name, &sub);
    if (st == ZSSO_OK) {
        (void)zsso_json_get_string(sub, "kty", &s);
    }
    st = zsso_json_get_objects(p, o, name, &arr);
    for (i = 0; st == ZSSO_OK && i < arr->nelts; i++) {
        (void)zsso_json_get_string(APR_ARRAY_IDX(arr, i, zsso_json_t *),
                                   "kid", &s);
    }
}

/* dump(parse(dump(o))) == dump(o): what the module writes it can read. */
static void check_round_trip(apr_pool_t *p, const zsso_json_t *o)
{
    char *text = zsso_json_dump(p, o), *again;
    zsso_json_t *o2;
    zsso_err_t err;

    FUZZ_CHECK(text != NULL, "a parsed document dumps");
    zsso_err_clear(&err);
    o2 = zsso_json_parse(p, text, strlen(text), (apr_size_t)-1, &err);
    FUZZ_CHECK(o2 != NULL, "a dump parses again");
    again = zsso_json_dump(p, o2);
    FUZZ_CHECK(again != NULL && strcmp(text, again) == 0,
               "a dump is stable");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_begin();
    zsso_json_t *o;
    zsso_err_t err;
    size_t i;

    zsso_err_clear(&err);
    o = zsso_json_parse(p, (const char *)data, size, MAX_LEN, &err);
    if (size > MAX_LEN) {
        FUZZ_CHECK(o == NULL && err.status == ZSSO_ELIMIT, "size limit");
    }
    if (o == NULL) {
        FUZZ_CHECK(err.status != ZSSO_OK && err.text[0] != '\0',
                   "a refusal says why");
        fuzz_pool_end(p);
        return 0;
    }
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        check_getters(p, o, names[i]);
    }
    check_round_trip(p, o);
    fuzz_pool_end(p);
    return 0;
}
