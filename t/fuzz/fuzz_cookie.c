/*
 * fuzz_cookie.c - a Cookie request header through zsso_cookie_parse and
 * zsso_cookie_strip, which removes the module's cookies ("zsso_...")
 * before the application sees the header.
 *
 * Oracles: parsed names are non-empty, hold no ';', '=' and no white space
 * at either end; values hold no ';'; the pair limit is kept and reported;
 * and the header after stripping parses to exactly the pairs of the
 * original whose names do not start with "zsso_", in order: no module
 * cookie reaches the application, and no other cookie is lost. Stripping
 * costs memory linear in the header (it runs on every signed-in request,
 * on a header of up to 8 KB).
 */
#include <string.h>

#include <apr_tables.h>

#include "fuzz.h"
#include "../../src/util.h"

#define PREFIX    "zsso_"
#define MAX_PAIRS 8

static int is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

static void check_pair(const char *name, const char *value)
{
    size_t n = strlen(name);

    FUZZ_CHECK(n > 0, "name not empty");
    FUZZ_CHECK(strpbrk(name, ";=") == NULL, "name holds no ; or =");
    FUZZ_CHECK(!is_wsp(name[0]) && !is_wsp(name[n - 1]), "name trimmed");
    FUZZ_CHECK(strchr(value, ';') == NULL, "value holds no ;");
}

/* All pairs of header, without a limit worth the name. */
static const apr_array_header_t *all_pairs(apr_pool_t *p, const char *h)
{
    apr_table_t *t = apr_table_make(p, 8);
    const apr_array_header_t *arr;
    int i;

    FUZZ_CHECK(zsso_cookie_parse(p, h, t, (int)strlen(h) + 1) == ZSSO_OK,
               "no limit hit");
    arr = apr_table_elts(t);
    for (i = 0; i < arr->nelts; i++) {
        check_pair(APR_ARRAY_IDX(arr, i, apr_table_entry_t).key,
                   APR_ARRAY_IDX(arr, i, apr_table_entry_t).val);
    }
    return arr;
}

static void check_limit(apr_pool_t *p, const char *h, int total)
{
    apr_table_t *t = apr_table_make(p, MAX_PAIRS);
    zsso_status_t st = zsso_cookie_parse(p, h, t, MAX_PAIRS);

    FUZZ_CHECK((st == ZSSO_ELIMIT) == (total > MAX_PAIRS),
               "ELIMIT exactly when over the limit");
    FUZZ_CHECK(apr_table_elts(t)->nelts
               == (total > MAX_PAIRS ? MAX_PAIRS : total),
               "the pairs before the limit are kept");
}

static void check_strip(apr_pool_t *p, const apr_array_header_t *before,
                        const char *stripped)
{
    const apr_array_header_t *after = all_pairs(p, stripped ? stripped : "");
    const apr_table_entry_t *b = (const apr_table_entry_t *)before->elts;
    const apr_table_entry_t *a = (const apr_table_entry_t *)after->elts;
    int i, j = 0;

    for (i = 0; i < after->nelts; i++) {
        FUZZ_CHECK(strncmp(a[i].key, PREFIX, strlen(PREFIX)) != 0,
                   "no module cookie after stripping");
    }
    for (i = 0; i < before->nelts; i++) {
        if (strncmp(b[i].key, PREFIX, strlen(PREFIX)) == 0) {
            continue;
        }
        FUZZ_CHECK(j < after->nelts && strcmp(a[j].key, b[i].key) == 0
                   && strcmp(a[j].val, b[i].val) == 0,
                   "other cookies kept, in order");
        j++;
    }
    FUZZ_CHECK(j == after->nelts, "nothing added by stripping");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_begin();
    const char *h = fuzz_cstr(p, data, size);
    const apr_array_header_t *pairs = all_pairs(p, h);
    size_t before;
    const char *stripped;

    check_limit(p, h, pairs->nelts);
    before = fuzz_allocated();
    stripped = zsso_cookie_strip(p, h, PREFIX);
    /* A copy of the header and a result at most twice as long (";"
     * becomes "; "): anything more grows with the square of the pairs. */
    FUZZ_CHECK(fuzz_allocated() - before <= 4 * strlen(h) + 64,
               "stripping costs memory linear in the header");
    check_strip(p, pairs, stripped);
    fuzz_pool_end(p);
    return 0;
}
