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

#endif
