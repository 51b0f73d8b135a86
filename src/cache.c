/*
 * cache.c - the shared store behind sessions and used login states.
 *
 * The socache instance is made in post_config (in the parent, so a shmcb
 * segment is inherited by every child) and its mutex re-attached in
 * child_init. This follows the pattern of mod_authn_socache.
 *
 * A memo per process keeps the last values read from a local store
 * (shmcb), so that a signed-in user's requests neither take the store's
 * global mutex nor open the record again. What keeps it correct:
 *
 *   - every put or remove of a key bumps its change counter, one of
 *     ZSSO_GENS counters in shared memory (apr_shm, inherited by every
 *     child like the shmcb segment); a memo entry records the counter it
 *     read *before* reading the store and is used only while the counter
 *     is unchanged, so a sign-out in any process is seen by every process
 *     on its very next request;
 *   - an entry is used for at most MEMO_TTL, so a record the store drops
 *     (full, or expired) is not served from memory for longer;
 *   - only what the caller read and checked is kept, and the caller still
 *     checks expiry and binding on every request (src/session.c).
 *
 * memcache and redis stores are shared by several servers, whose removals
 * no counter here sees: with them no process keeps anything.
 */
#include <dlfcn.h>
#include <stdatomic.h>

#include <apr_shm.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <util_mutex.h>
#include <http_core.h>

#include "cache.h"
#include "crypto.h"

#define DEFAULT_SHMCB "zsso_sessions(8388608)"

#define ZSSO_GENS     1024       /* change counters, a few KiB shared */
#define MEMO_SLOTS    512        /* entries per process */
#define MEMO_KEY_MAX  64         /* session ids are 43 bytes */
#define MEMO_VAL_MAX  1024       /* a session record with many groups is
                                  * not kept: it is read from the store */
#define MEMO_TTL      apr_time_from_sec(1)

struct zsso_cache_gens {
    atomic_uint n[ZSSO_GENS];
};

typedef struct {
    apr_time_t until;           /* 0: empty */
    unsigned int gen_idx;       /* the change counter of its store key */
    unsigned int gen;
    unsigned int key_len;
    unsigned int len;
    char key[MEMO_KEY_MAX];
    unsigned char val[MEMO_VAL_MAX];
} memo_slot_t;

struct zsso_memo {
    apr_thread_mutex_t *lock;   /* the threads of one process */
    memo_slot_t *slots;
};

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
 * no cleanup of this module is registered on the process pool. The
 * provider's instance does register cleanups of its own (shmcb does) that
 * point into its module, so that module is pinned in memory (pin_module):
 * reloaded at another address after a restart (httpd reads its
 * configuration twice at start-up, so every start is one), the old
 * cleanups pointed nowhere and httpd's parent crashed when it stopped (gdb:
 * apr_pool_destroy calling into the unloaded mod_socache_shmcb.so, whose
 * instance held the store's size). The store's sub-pool is destroyed before
 * pconf when httpd exits (APR destroys the newest child first). */
typedef struct {
    apr_pool_t *pool;           /* the store's own sub-pool */
    const char *spec;
    ap_socache_instance_t *inst;
    apr_global_mutex_t *mutex;
    struct zsso_cache_gens *gens;  /* NULL: not a local store */
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

/* The change counters, in anonymous shared memory made in the parent: a
 * child inherits the mapping, and a graceful restart keeps it with the
 * store. NULL (no memo: every request reads the store) when the store is
 * not local or the memory cannot be had. */
static struct zsso_cache_gens *gens_make(apr_pool_t *pp, server_rec *s,
                                         const char *name)
{
    struct zsso_cache_gens *g;
    apr_shm_t *shm;
    apr_status_t rv;

    if (strcmp(name, "shmcb") != 0) {
        return NULL;
    }
    rv = apr_shm_create(&shm, sizeof(*g), NULL, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, ZSSO_LOGNO(00025)
                     "no shared memory for the session store's change "
                     "counters: every request reads the store");
        return NULL;
    }
    g = apr_shm_baseaddr_get(shm);
    for (int i = 0; i < ZSSO_GENS; i++) {
        atomic_init(&g->n[i], 0);
    }
    return g;
}

/* Keep the module that provides prov mapped until the process ends
 * (RTLD_NODELETE on a module already loaded): httpd's unload and reload of
 * it then find the same copy at the same address. */
static void pin_module(const ap_socache_provider_t *prov)
{
    union {
        apr_status_t (*fn)(ap_socache_instance_t *, const char *,
                           const struct ap_socache_hints *, server_rec *,
                           apr_pool_t *);
        void *addr;
    } where;
    Dl_info info;

    where.fn = prov->init;
    if (dladdr(where.addr, &info) && info.dli_fname) {
        /* The handle is never closed: that is the point. */
        (void)dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    }
}

static store_t *store_make(apr_pool_t *process, apr_pool_t *ptemp,
                           server_rec *s, ap_socache_provider_t *prov,
                           const char *name, const char *full,
                           const char *arg)
{
    /* Session records (about 300 bytes), ID tokens (about 1.2 KB) and
     * used-state marks (a few bytes): shmcb sizes its index by these. */
    static struct ap_socache_hints hints = { 48, 640, 60 * APR_USEC_PER_SEC };
    apr_pool_t *pp;
    store_t *st;
    const char *err;
    apr_status_t rv;

    pin_module(prov);
    apr_pool_create(&pp, process);
    st = apr_pcalloc(pp, sizeof(*st));
    st->pool = pp;
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
    st->gens = gens_make(pp, s, name);
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
        st = store_make(pp, ptemp, s, g->cache, name, full, arg);
        if (st == NULL) {
            return !OK;
        }
        apr_pool_userdata_set(st, STORE_KEY, NULL, pp);
    }
    g->cache_inst = st->inst;
    g->cache_mutex = st->mutex;
    g->cache_gens = st->gens;
    return OK;
}

/* This process's memo, from its own pool; NULL (no memo) on failure. */
static struct zsso_memo *memo_make(apr_pool_t *p)
{
    struct zsso_memo *m = apr_palloc(p, sizeof(*m));

    if (apr_thread_mutex_create(&m->lock, APR_THREAD_MUTEX_DEFAULT, p)
        != APR_SUCCESS) {
        return NULL;
    }
    m->slots = apr_pcalloc(p, MEMO_SLOTS * sizeof(*m->slots));
    return m;
}

void zsso_cache_child_init(apr_pool_t *p, server_rec *s, zsso_global_t *g)
{
    apr_status_t rv;

    g->memo = g->cache_gens ? memo_make(p) : NULL;
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

/* FNV-1a: a spread, not a secret (a store key is already a hash; a memo
 * name is compared in constant time once its slot is found). */
static unsigned int key_hash(const char *key)
{
    unsigned int h = 2166136261u;

    for (; *key; key++) {
        h = (h ^ (unsigned char)*key) * 16777619u;
    }
    return h;
}

/* The id a key is kept under in the store: one byte that spreads the keys
 * over the whole store, then the key. mod_socache_shmcb chooses the part
 * of its segment (the subcache) from an id's first byte alone, and the
 * keys here begin with a base64url character, 64 values: with 128 or 256
 * subcaches, half or three quarters of the segment were never used and the
 * parts in use filled, and dropped sessions, that much earlier. */
static const unsigned char *store_id(request_rec *r, const char *key,
                                     apr_size_t *len)
{
    apr_size_t n = strlen(key);
    unsigned char *id = apr_palloc(r->pool, n + 1);

    id[0] = (unsigned char)(key_hash(key) & 0xff);
    memcpy(id + 1, key, n);
    *len = n + 1;
    return id;
}

static unsigned int gen_idx_of(const char *key)
{
    return key_hash(key) % ZSSO_GENS;
}

static atomic_uint *gen_of(zsso_global_t *g, const char *key)
{
    return &g->cache_gens->n[gen_idx_of(key)];
}

/* After the store changed key: every memo entry of its counter is stale. */
static void bump(zsso_global_t *g, const char *key)
{
    if (g->cache_gens) {
        atomic_fetch_add(gen_of(g, key), 1);
    }
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
    apr_size_t idlen;
    const unsigned char *id = store_id(r, key, &idlen);
    zsso_global_t *g = global_of(r);
    apr_status_t rv = lock(g);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = g->cache->store(g->cache_inst, r->server,
                         id, idlen, expiry,
                         (unsigned char *)val, len, r->pool);
    unlock(g);
    bump(g, key);
    return rv;
}

apr_status_t zsso_cache_get(request_rec *r, const char *key,
                            unsigned char *buf, unsigned int *len)
{
    apr_size_t idlen;
    const unsigned char *id = store_id(r, key, &idlen);
    zsso_global_t *g = global_of(r);
    apr_status_t rv = lock(g);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = g->cache->retrieve(g->cache_inst, r->server,
                            id, idlen, buf,
                            len, r->pool);
    unlock(g);
    return rv;
}

/* A store with httpd's mutex (shmcb): look and write under it. */
static apr_status_t add_locked(request_rec *r, zsso_global_t *g,
                               const char *key, apr_time_t expiry,
                               const unsigned char *val, unsigned int len)
{
    apr_size_t idlen;
    const unsigned char *id = store_id(r, key, &idlen);
    /* Room for any value: shmcb reports a value larger than the buffer as
     * not found. */
    unsigned int plen = ZSSO_CACHE_MAX_VALUE;
    unsigned char *probe = apr_palloc(r->pool, plen);
    apr_status_t rv = lock(g);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = g->cache->retrieve(g->cache_inst, r->server,
                            id, idlen, probe,
                            &plen, r->pool);
    if (rv == APR_SUCCESS) {
        rv = APR_EEXIST;
    }
    else if (rv == APR_NOTFOUND) {
        rv = g->cache->store(g->cache_inst, r->server,
                             id, idlen,
                             expiry, (unsigned char *)val, len, r->pool);
    }
    unlock(g);
    return rv;
}

/* A store shared by nodes (memcache, redis): socache has no atomic add,
 * so each contender that finds the key absent writes a value of its own,
 * waits for every other such write to land, and reads the key back: only
 * the last writer finds its own value.
 * XXX(ZI-7): a write slower than ADD_SETTLE to land can still let two
 * contenders through. */
#define ADD_SETTLE apr_time_from_msec(100)

static apr_status_t add_settled(request_rec *r, zsso_global_t *g,
                                const char *key, apr_time_t expiry)
{
    apr_size_t idlen;
    const unsigned char *id = store_id(r, key, &idlen);
    unsigned char mine[16], got[sizeof(mine)];
    unsigned int glen = sizeof(got);
    apr_status_t rv;

    if (g->cache->retrieve(g->cache_inst, r->server,
                           id, idlen, got,
                           &glen, r->pool) != APR_NOTFOUND) {
        return APR_EEXIST;
    }
    if (zsso_crypto_random(mine, sizeof(mine)) != ZSSO_OK) {
        return APR_EGENERAL;
    }
    rv = g->cache->store(g->cache_inst, r->server,
                         id, idlen, expiry,
                         mine, sizeof(mine), r->pool);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    apr_sleep(ADD_SETTLE);
    glen = sizeof(got);
    rv = g->cache->retrieve(g->cache_inst, r->server,
                            id, idlen, got,
                            &glen, r->pool);
    return rv == APR_SUCCESS && glen == sizeof(mine)
           && memcmp(got, mine, sizeof(mine)) == 0 ? APR_SUCCESS
                                                    : APR_EEXIST;
}

apr_status_t zsso_cache_add(request_rec *r, const char *key,
                            apr_time_t expiry, const unsigned char *val,
                            unsigned int len)
{
    zsso_global_t *g = global_of(r);
    apr_status_t rv = g->cache_mutex
                      ? add_locked(r, g, key, expiry, val, len)
                      : add_settled(r, g, key, expiry);

    bump(g, key);
    return rv;
}

apr_status_t zsso_cache_remove(request_rec *r, const char *key)
{
    apr_size_t idlen;
    const unsigned char *id = store_id(r, key, &idlen);
    zsso_global_t *g = global_of(r);
    apr_status_t rv = lock(g);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = g->cache->remove(g->cache_inst, r->server,
                          id, idlen, r->pool);
    unlock(g);
    bump(g, key);
    return rv;
}

/* ------------------------------------------------------------------ */
/* the memo                                                           */
/* ------------------------------------------------------------------ */

/* A name is compared in constant time: it is a bearer credential (a
 * session id), and a slot's contents must not be learnt a byte at a time
 * from how long a refusal takes. */
apr_status_t zsso_cache_memo_get(request_rec *r, const char *name,
                                 unsigned char **val, unsigned int *len)
{
    zsso_global_t *g = global_of(r);
    apr_size_t name_len = strlen(name);
    memo_slot_t *e;
    apr_status_t rv = APR_NOTFOUND;

    if (g->memo == NULL || name_len > MEMO_KEY_MAX) {
        return APR_NOTFOUND;
    }
    e = &g->memo->slots[key_hash(name) % MEMO_SLOTS];
    if (apr_thread_mutex_lock(g->memo->lock) != APR_SUCCESS) {
        return APR_NOTFOUND;
    }
    if (e->until > r->request_time && e->key_len == name_len
        && zsso_crypto_equal(e->key, name, name_len)
        && e->gen == atomic_load(&g->cache_gens->n[e->gen_idx])) {
        *val = apr_pmemdup(r->pool, e->val, e->len + 1);
        *len = e->len;
        rv = APR_SUCCESS;
    }
    apr_thread_mutex_unlock(g->memo->lock);
    return rv;
}

/* Read before the caller reads the store (sequentially consistent): a
 * removal that lands after this read changes the counter, so what the
 * caller then keeps is never used. */
void zsso_cache_memo_ticket(request_rec *r, const char *key,
                            zsso_memo_ticket_t *t)
{
    zsso_global_t *g = global_of(r);

    t->usable = g->memo != NULL;
    if (t->usable) {
        t->gen_idx = gen_idx_of(key);
        t->gen = atomic_load(&g->cache_gens->n[t->gen_idx]);
    }
}

void zsso_cache_memo_put(request_rec *r, const char *name,
                         const zsso_memo_ticket_t *t,
                         const unsigned char *val, unsigned int len)
{
    zsso_global_t *g = global_of(r);
    apr_size_t name_len = strlen(name);
    memo_slot_t *e;

    if (g->memo == NULL || !t->usable || name_len > MEMO_KEY_MAX
        || len >= MEMO_VAL_MAX) {
        return;
    }
    e = &g->memo->slots[key_hash(name) % MEMO_SLOTS];
    if (apr_thread_mutex_lock(g->memo->lock) != APR_SUCCESS) {
        return;
    }
    e->until = r->request_time + MEMO_TTL;
    e->gen_idx = t->gen_idx;
    e->gen = t->gen;
    e->key_len = (unsigned int)name_len;
    memcpy(e->key, name, name_len);
    e->len = len;
    memcpy(e->val, val, len);
    e->val[len] = '\0';
    apr_thread_mutex_unlock(g->memo->lock);
}
