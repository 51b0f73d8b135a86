/*
 * fuzz_query.c - the callback's query string (and form bodies) through
 * zsso_query_get for the names the module reads, and zsso_url_decode on
 * the raw bytes.
 *
 * Oracles, for each name: a value found once is found again, the same,
 * in "name=" + url_encode(value), and the query written twice is
 * ZSSO_EDUP; a name that is absent is found in the query followed by
 * "&name=x". zsso_url_decode gives a string as long as the input less two
 * bytes per escape (so no NUL came through), and url_encode of it decodes
 * back to it.
 */
#include <string.h>

#include <apr_strings.h>

#include "fuzz.h"
#include "../../src/util.h"

static const char *const names[] = {
    "state", "code", "error", "error_description", "iss"
};

static void check_name(apr_pool_t *p, const char *q, const char *name)
{
    const char *v, *v2;
    zsso_status_t st = zsso_query_get(p, q, name, &v);

    FUZZ_CHECK((st == ZSSO_OK) == (v != NULL), "a value only on success");
    if (st == ZSSO_OK) {
        FUZZ_CHECK(zsso_query_get(p, apr_pstrcat(p, name, "=",
                                                 zsso_url_encode(p, v),
                                                 NULL), name, &v2)
                   == ZSSO_OK && strcmp(v, v2) == 0, "round trip");
        FUZZ_CHECK(zsso_query_get(p, apr_pstrcat(p, q, "&", q, NULL), name,
                                  &v2) == ZSSO_EDUP, "twice is a duplicate");
    }
    else if (st == ZSSO_ENOENT) {
        FUZZ_CHECK(zsso_query_get(p, apr_pstrcat(p, q, "&", name, "=x",
                                                 NULL), name, &v2)
                   == ZSSO_OK && strcmp(v2, "x") == 0, "appended is found");
    }
}

static void check_decode(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *out, *again;
    size_t i, escapes = 0;

    if (zsso_url_decode(p, (const char *)data, size, &out) != ZSSO_OK) {
        return;
    }
    for (i = 0; i < size; i++) {
        escapes += data[i] == '%';
    }
    FUZZ_CHECK(strlen(out) == size - 2 * escapes, "decoded length");
    FUZZ_CHECK(zsso_url_decode(p, zsso_url_encode(p, out),
                               strlen(zsso_url_encode(p, out)), &again)
               == ZSSO_OK && strcmp(out, again) == 0, "encode round trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_begin();
    const char *q = fuzz_cstr(p, data, size);
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        check_name(p, q, names[i]);
    }
    check_decode(p, data, size);
    fuzz_pool_end(p);
    return 0;
}
