/*
 * tests.h - the unit-test suites of the pure layers (libcheck), one per
 * source file, and the fixture that gives each test a fresh pool.
 */
#ifndef ZSSO_TESTS_H
#define ZSSO_TESTS_H

#include <check.h>
#include <apr_pools.h>

/* A pool made before each test and destroyed after it (t_pool_setup and
 * t_pool_teardown as a checked fixture), so valgrind sees every pool
 * cleanup run. */
extern apr_pool_t *t_pool;
void t_pool_setup(void);
void t_pool_teardown(void);

/* A test case that runs under the pool fixture. */
TCase *t_tcase(const char *name);

/* Hex for a byte string, from t_pool: compares against test vectors. */
const char *t_hex(const unsigned char *data, apr_size_t len);

Suite *zsso_util_suite(void);
Suite *zsso_crypto_suite(void);
Suite *zsso_json_suite(void);
Suite *zsso_jose_suite(void);
Suite *zsso_idtoken_suite(void);

#endif
