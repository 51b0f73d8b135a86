/*
 * test_main.c - runs every suite of the pure layers; exits non-zero when
 * a test fails. CK_FORK=no runs them in one process (for valgrind).
 */
#include <stdlib.h>

#include <apr_general.h>
#include <apr_strings.h>

#include "tests.h"

apr_pool_t *t_pool;

void t_pool_setup(void)
{
    ck_assert_int_eq(apr_pool_create(&t_pool, NULL), APR_SUCCESS);
}

void t_pool_teardown(void)
{
    apr_pool_destroy(t_pool);
    t_pool = NULL;
}

TCase *t_tcase(const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, t_pool_setup, t_pool_teardown);
    return tc;
}

const char *t_hex(const unsigned char *data, apr_size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *out = apr_palloc(t_pool, 2 * len + 1);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
    out[2 * len] = '\0';
    return out;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (apr_initialize() != APR_SUCCESS) {
        return EXIT_FAILURE;
    }
    sr = srunner_create(zsso_util_suite());
    srunner_add_suite(sr, zsso_crypto_suite());
    srunner_add_suite(sr, zsso_json_suite());
    srunner_add_suite(sr, zsso_jose_suite());
    srunner_add_suite(sr, zsso_idtoken_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
