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

/* The store outlives a graceful restart: it is made once in the parent's
 * process pool and found again (by its spec) when the configuration is read
 * anew, so signed-in users stay signed in through "apachectl graceful" and
 * the daily log-rotation reload. A changed ZSSOSessionCache makes a new one
 * (the old one stays until httpd stops).
 *
 * Only data is kept there, no function of ours: httpd unloads and reloads
 * modules on a restart, so the provider is looked up again every time and
 * no cleanup of this module is registered on the process pool. */
typedef struct {
    const char *spec;
    ap_socache_instance_t *inst;
    apr_global_mutex_t *mutex;
} store_t;

#define STORE_KEY "zsso-session-store"

static const char *resolve_spec(apr_pool_t *p, const char *spec,
                                const char **name, const char **arg)
{
    const char *colon;

    if (spec == NULL) {
        /* 8 MiB of shmcb holds some thousands of sessions; the 512 KiB
         * shmcb picks by itself holds only a few hundred. */
        *name = "shmcb";
        *arg = ap_runtime_dir_relative(p, DEFAULT_SHMCB);
        return apr_pstrcat(p, "shmcb:", *arg, NULL);
    }
    colon = strchr(spec, ':');
    *name = colon ? apr_pstrmemdup(p, spec, colon - spec) : spec;
    *arg = colon ? colon + 1 : NULL;
    return spec;
}

static store_t *store_make(apr_pool_t *pp, apr_pool_t *ptemp, server_rec *s,
                           ap_socache_provider_t *prov, const char *full,
                           const char *arg)
{
    static struct ap_socache_hints hints = { 48, 2048, 60 * APR_USEC_PER_SEC };
    store_t *st = apr_pcalloc(pp, sizeof(*st));
    const char *err;
    apr_status_t rv;

    st->spec = apr_pstrdup(pp, full);
    err = prov->create(&st->inst, arg ? apr_pstrdup(pp, arg) : NULL, ptemp,
                       pp);
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, ZSSO_LOGNO(00021)
                     "ZSSOSessionCache %s: %s", full, err);
        return NULL;
    }
    if (prov->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        rv = ap_global_mutex_create(&st->mutex, NULL, ZSSO_CACHE_MUTEX, NULL,
                                    s, pp, 0);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, ZSSO_LOGNO(00022)
                         "cannot create the session cache mutex");
            return NULL;
        }
    }
    rv = prov->init(st->inst, "zsso", &hints, s, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s, ZSSO_LOGNO(00023)
                     "cannot initialise the session cache (%s)", full);
        return NULL;
    }
    return st;
}

int zsso_cache_post_config(apr_pool_t *pconf, apr_pool_t *ptemp,
                           server_rec *s, zsso_global_t *g,
                           const char *spec)
{
    apr_pool_t *pp = s->process->pool;
    const char *name, *arg, *full = resolve_spec(ptemp, spec, &name, &arg);
    store_t *st = NULL;

    g->cache = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                  AP_SOCACHE_PROVIDER_VERSION);
    if (g->cache == NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, ZSSO_LOGNO(00020)
                     "session cache provider '%s' is not loaded (load "
                     "mod_socache_%s; on Debian: a2enmod socache_%s)", name,
                     name, name);
        return !OK;
    }
    apr_pool_userdata_get((void **)&st, STORE_KEY, pp);
    if (st == NULL || strcmp(st->spec, full) != 0) {
        st = store_make(pp, ptemp, s, g->cache, full, arg);
        if (st == NULL) {
            return !OK;
        }
        apr_pool_userdata_set(st, STORE_KEY, NULL, pp);
    }
    g->cache_inst = st->inst;
    g->cache_mutex = st->mutex;
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
