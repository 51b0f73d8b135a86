/*
 * fuzz.h - what the libFuzzer targets of t/fuzz share: a fresh APR pool
 * for each input, the input as a C string, and FUZZ_CHECK, which turns a
 * broken promise of the code under test into a crash libFuzzer reports.
 */
#ifndef ZSSO_FUZZ_H
#define ZSSO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <apr_pools.h>

/* An oracle: when cond is false the code under test broke a promise its
 * header makes, which counts as a bug exactly like a memory error. */
#define FUZZ_CHECK(cond, what)                                           \
    do {                                                                 \
        if (!(cond)) {                                                   \
            fprintf(stderr, "fuzz oracle failed at %s:%d: %s (%s)\n",    \
                    __FILE__, __LINE__, (what), #cond);                  \
            abort();                                                     \
        }                                                                \
    } while (0)

/* A pool for one input; apr_initialize runs on the first call. Every
 * apr_palloc from it is a malloc of its own (fuzz_pool.c), so ASan sees
 * an overrun of any pool allocation. */
apr_pool_t *fuzz_pool_begin(void);
void fuzz_pool_end(apr_pool_t *p);

/* Bytes asked of apr_palloc so far in this thread: the difference over a
 * call bounds the memory a parser spends on an input. */
size_t fuzz_allocated(void);

/* The input as a NUL-terminated string in p; the string ends at the
 * first NUL byte of the input, as an HTTP header or a C caller would. */
char *fuzz_cstr(apr_pool_t *p, const uint8_t *data, size_t size);

#endif
