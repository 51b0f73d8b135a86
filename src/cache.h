/*
 * cache.h - the shared store of mod_zsso, through httpd's socache
 * providers (shmcb by default; memcache or redis for several nodes), with
 * the global mutex that providers which are not MP-safe need.
 */
#ifndef ZSSO_CACHE_H
#define ZSSO_CACHE_H

#include "config.h"

#define ZSSO_CACHE_MUTEX "zsso-cache"
#define ZSSO_CACHE_MAX_VALUE 16384

int zsso_cache_pre_config(apr_pool_t *pconf);
int zsso_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                           server_rec *s, zsso_global_t *g,
                           const char *spec);
void zsso_cache_child_init(apr_pool_t *p, server_rec *s, zsso_global_t *g);

apr_status_t zsso_cache_put(request_rec *r, const char *key,
                            apr_time_t expiry, const unsigned char *val,
                            unsigned int len);
/* *len is the size of buf on entry (at most ZSSO_CACHE_MAX_VALUE) and the
 * value's length on return; APR_NOTFOUND when the key is absent. */
apr_status_t zsso_cache_get(request_rec *r, const char *key,
                            unsigned char *buf, unsigned int *len);
apr_status_t zsso_cache_remove(request_rec *r, const char *key);

/* Store key only when it is absent: APR_SUCCESS, or APR_EEXIST when it is
 * there already (or another caller won). Atomic when the store needs
 * httpd's mutex (shmcb); for a shared store the caller that wins waits
 * 100 ms for rival writes to land (ZI-7), and the value stored is its own
 * random one, not val. */
apr_status_t zsso_cache_add(request_rec *r, const char *key,
                            apr_time_t expiry, const unsigned char *val,
                            unsigned int len);

/* This process's memo of values read from a local store (src/cache.c says
 * what keeps it correct), under a name of the caller's that only this
 * process sees (a session's id: no hashing on a hit), bound to the store
 * key the value came from. get: APR_SUCCESS with a copy of the value in
 * r->pool (NUL-terminated past *len), or APR_NOTFOUND. After a miss the
 * caller takes a ticket for the store key, then reads the store, checks
 * what it read, and gives it to put with that ticket. Nothing is kept when
 * the store is not local. */
typedef struct {
    unsigned int gen_idx;       /* which change counter guards the key */
    unsigned int gen;           /* its value before the read */
    int usable;
} zsso_memo_ticket_t;

apr_status_t zsso_cache_memo_get(request_rec *r, const char *name,
                                 unsigned char **val, unsigned int *len);
void zsso_cache_memo_ticket(request_rec *r, const char *key,
                            zsso_memo_ticket_t *t);
void zsso_cache_memo_put(request_rec *r, const char *name,
                         const zsso_memo_ticket_t *t,
                         const unsigned char *val, unsigned int len);

#endif
