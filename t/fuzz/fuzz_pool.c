/*
 * fuzz_pool.c - pools for the fuzz targets, where each allocation is a
 * malloc of its own.
 *
 * An APR pool hands out pieces of 8 KB blocks, so a write past the end of
 * one piece lands in the next and AddressSanitizer stays silent. Here the
 * executable defines apr_palloc (libapr calls it through the PLT, and the
 * targets link with -rdynamic, so APR's own apr_pstrdup and friends come
 * here too): each request is a malloc whose free is a cleanup on the pool,
 * so ASan puts a red zone after every allocation. The cleanup record
 * itself comes from APR's real apr_palloc (the guard below).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <string.h>

#include <apr_general.h>

#include "fuzz.h"

typedef void *(*palloc_fn)(apr_pool_t *, apr_size_t);

static palloc_fn real_palloc;
static _Thread_local int in_palloc;
static _Thread_local size_t allocated;

static apr_status_t free_cleanup(void *data)
{
    free(data);
    return APR_SUCCESS;
}

void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    void *mem;

    if (real_palloc == NULL) {
        real_palloc = (palloc_fn)dlsym(RTLD_NEXT, "apr_palloc");
        if (real_palloc == NULL) {
            abort();
        }
    }
    if (in_palloc) {
        return real_palloc(p, size);
    }
    allocated += size;
    /* malloc(0) may return NULL; APR callers expect memory. */
    mem = malloc(size ? size : 1);
    if (mem == NULL) {
        abort();
    }
    apr_pool_cleanup_register(p, mem, free_cleanup, apr_pool_cleanup_null);
    return mem;
}

/* Cleanup records stay in APR's blocks, whoever registers them: one
 * made by malloc would be known only to the pool's list, where
 * LeakSanitizer does not look, and be reported as leaked when a pool
 * lives for the whole run (a target's key set). */
void apr_pool_cleanup_register(apr_pool_t *p, const void *data,
                               apr_status_t (*plain)(void *),
                               apr_status_t (*child)(void *))
{
    typedef void (*register_fn)(apr_pool_t *, const void *,
                                apr_status_t (*)(void *),
                                apr_status_t (*)(void *));
    static register_fn real_register;
    int outer = in_palloc;

    if (real_register == NULL) {
        real_register = (register_fn)dlsym(RTLD_NEXT,
                                           "apr_pool_cleanup_register");
        if (real_register == NULL) {
            abort();
        }
    }
    in_palloc = 1;
    real_register(p, data, plain, child);
    in_palloc = outer;
}

apr_pool_t *fuzz_pool_begin(void)
{
    static int initialized;
    apr_pool_t *p;

    /* What APR allocates for itself at start-up stays in its global pool
     * for the whole run: it comes from APR's own allocator, where
     * LeakSanitizer would not see the pointers to it. */
    if (!initialized) {
        in_palloc = 1;
        if (apr_initialize() != APR_SUCCESS) {
            abort();
        }
        in_palloc = 0;
        initialized = 1;
    }
    if (apr_pool_create(&p, NULL) != APR_SUCCESS) {
        abort();
    }
    return p;
}

void fuzz_pool_end(apr_pool_t *p)
{
    apr_pool_destroy(p);
}

size_t fuzz_allocated(void)
{
    return allocated;
}

char *fuzz_cstr(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *s = apr_palloc(p, size + 1);

    if (size > 0) {
        memcpy(s, data, size);
    }
    s[size] = '\0';
    return s;
}
