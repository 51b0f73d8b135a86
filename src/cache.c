/*
 * cache.c - the shared store behind sessions and used login states.
 *
 * The socache instance is made in post_config (in the parent, so a shmcb
 * segment is inherited by every child) and its mutex re-attached in
 * child_init; both are torn down with pconf. This follows the pattern of
 * mod_authn_socache.
 */
#include <apr_strings.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <util_mutex.h>
#include <http_core.h>

#include "cache.h"

#define DEFAULT_SHMCB "zsso_sessions(8388608)"

int zsso_cache_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, ZSSO_CACHE_MUTEX, NULL, APR_LOCK_DEFAULT,
                             0) == APR_SUCCESS ? OK : !OK;
}

static apr_status_t cache_cleanup(void *data)
{
    zsso_global_t *g = data;

    if (g->cache_inst) {
        g->cache->destroy(g->cache_inst, NULL);
        g->cache_inst = NULL;
    }
    return APR_SUCCESS;
}

int zsso_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                           server_rec *s, zsso_global_t *g,
                           const char *spec)
{
    static struct ap_socache_hints hints = { 48, 2048, 60 * APR_USEC_PER_SEC };
    const char *name = "shmcb", *arg, *err;
    apr_status_t rv;

    /* A big enough default: 8 MiB of shmcb holds some thousands of
     * sessions, the 512 KiB that shmcb picks alone only a few hundred. */
    arg = ap_runtime_dir_relative(pconf, DEFAULT_SHMCB);
    if (spec) {
        const char *colon = strchr(spec, ':');

        name = colon ? apr_pstrmemdup(ptemp, spec, colon - spec) : spec;
        arg = colon ? colon + 1 : NULL;
    }
    g->cache = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                  AP_SOCACHE_PROVIDER_VERSION);
    if (g->cache == NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, ZSSO_LOGNO(00020)
                     "session cache provider '%s' is not loaded", name);
        return !OK;
    }
    err = g->cache->create(&g->cache_inst, arg, ptemp, pconf);
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, ZSSO_LOGNO(00021)
                     "ZSSOSessionCache %s: %s", name, err);
        return !OK;
    }
    if (g->cache->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&g->cache_mutex, NULL, ZSSO_CACHE_MUTEX,
                                    NULL, s, pconf, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, ZSSO_LOGNO(00022)
                         "cannot create the session cache mutex");
            return !OK;
        }
    }
    rv = g->cache->init(g->cache_inst, "zsso", &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, ZSSO_LOGNO(00023)
                     "cannot initialise the session cache (%s)", name);
        return !OK;
    }
    apr_pool_cleanup_register(pconf, g, cache_cleanup,
                              apr_pool_cleanup_null);
    return OK;
}

void zsso_cache_child_init(apr_pool_t *p, server_rec *s, zsso_global_t *g)
{
    apr_status_t rv;

    if (g->cache_mutex == NULL) {
        return;
    }
    rv = apr_global_mutex_child_init(&g->cache_mutex,
             apr_global_mutex_lockfile(g->cache_mutex), p);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s, ZSSO_LOGNO(00024)
                     "cannot attach to the session cache mutex");
    }
}

static zsso_global_t *global_of(const request_rec *r)
{
    return zsso_config_srv(r->server)->global;
}

static apr_status_t lock(zsso_global_t *g)
{
    return g->cache_mutex ? apr_global_mutex_lock(g->cache_mutex)
                          : APR_SUCCESS;
}

static void unlock(zsso_global_t *g)
{
    if (g->cache_mutex) {
        apr_global_mutex_unlock(g->cache_mutex);
    }
}

apr_status_t zsso_cache_put(request_rec *r, const char *key,
                            apr_time_t expiry, const unsigned char *val,
                            unsigned int len)
{
    zsso_global_t *g = global_of(r);
    apr_status_t rv = lock(g);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = g->cache->store(g->cache_inst, r->server,
                         (const unsigned char *)key, strlen(key), expiry,
                         (unsigned char *)val, len, r->pool);
    unlock(g);
    return rv;
}

apr_status_t zsso_cache_get(request_rec *r, const char *key,
                            unsigned char *buf, unsigned int *len)
{
    zsso_global_t *g = global_of(r);
    apr_status_t rv = lock(g);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = g->cache->retrieve(g->cache_inst, r->server,
                            (const unsigned char *)key, strlen(key), buf,
                            len, r->pool);
    unlock(g);
    return rv;
}

apr_status_t zsso_cache_remove(request_rec *r, const char *key)
{
    zsso_global_t *g = global_of(r);
    apr_status_t rv = lock(g);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = g->cache->remove(g->cache_inst, r->server,
                          (const unsigned char *)key, strlen(key), r->pool);
    unlock(g);
    return rv;
}
