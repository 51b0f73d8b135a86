/*
 * provider.c - discovery and key sets, cached per process and per issuer.
 *
 * Nothing here runs on an authenticated request: only the login start and
 * the callback ask for metadata or keys. A process without a fresh copy
 * first takes the one another process of this server put in the store
 * (src/docstore.c), and fetches only when there is none: one fetch per
 * server, not per process. The network is never used while the
 * registry's lock is held; a key set in use by one thread stays alive
 * (reference count) while another thread installs a newer one.
 *
 *   registry ── hash issuer ──▶ provider_t ── meta (own pool)
 *                                         └── keyset_t (own pool, refs)
 */
#include <apr_atomic.h>
#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <ap_mpm.h>

#include "docstore.h"
#include "http.h"
#include "json.h"
#include "provider.h"
#include "status.h"
#include "util.h"

#define DISCOVERY_PATH "/.well-known/openid-configuration"
#define DOC_MAX (256 * 1024)

typedef struct {
    apr_pool_t *pool;
    zsso_jwks_t *jwks;
    int refs;
    int retired;
} keyset_t;

typedef struct {
    apr_pool_t *meta_pool;
    zsso_metadata_t *meta;
    apr_time_t meta_at;
    apr_time_t meta_failed_at;      /* last failed discovery, no copy held */
    char meta_error[200];           /* and why */
    keyset_t *keys;
    apr_time_t keys_at;
    apr_time_t keys_tried;
} provider_t;

struct zsso_registry {
    apr_pool_t *pool;
    apr_thread_mutex_t *mu;
    apr_hash_t *by_issuer;
    volatile apr_uint32_t calls;    /* outbound calls waiting right now */
    apr_uint32_t calls_max;
};

/* Half the worker threads of a process by default: the other half keeps
 * serving signed-in users and pages that need no provider while Okta
 * hangs. With one thread per process (prefork) the cap cannot help. */
static apr_uint32_t default_calls_max(void)
{
    int threads = 1;

    if (ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads) != APR_SUCCESS
        || threads < 2) {
        return 1;
    }
    return (apr_uint32_t)(threads / 2);
}

zsso_registry_t *zsso_provider_registry(apr_pool_t *p, int calls_max)
{
    /* Worker threads create and destroy sub-pools here. */
    apr_pool_t *pool = zsso_pool_shared(p);
    zsso_registry_t *reg = apr_pcalloc(pool, sizeof(*reg));

    reg->pool = pool;
    apr_thread_mutex_create(&reg->mu, APR_THREAD_MUTEX_DEFAULT, pool);
    reg->by_issuer = apr_hash_make(pool);
    reg->calls_max = calls_max > 0 ? (apr_uint32_t)calls_max
                                   : default_calls_max();
    return reg;
}

static zsso_registry_t *registry_of(const request_rec *r)
{
    return zsso_config_srv(r->server)->global->providers;
}

/* XXX(ZI-8): per process; with one thread per process (prefork) the cap
 * is 1 and keeps no worker free. */
zsso_status_t zsso_provider_call(request_rec *r, const zsso_http_req_t *req,
                                 zsso_http_resp_t *resp, zsso_err_t *err)
{
    zsso_registry_t *reg = registry_of(r);
    zsso_http_req_t shared = *req;
    zsso_status_t st;

    /* This process's open connections, TLS sessions and DNS answers. */
    shared.share = zsso_config_srv(r->server)->global->http;
    /* apr_atomic_inc32 returns the count before this call. */
    if (apr_atomic_inc32(&reg->calls) >= reg->calls_max) {
        apr_atomic_dec32(&reg->calls);
        return zsso_err_set(err, ZSSO_EBUSY, "%u calls to providers are "
                            "already waiting in this process (the most "
                            "allowed, ZSSOProviderCallsMax)",
                            reg->calls_max);
    }
    st = zsso_http_do(r->pool, &shared, resp, err);
    apr_atomic_dec32(&reg->calls);
    return st;
}

/* Called with the lock held. Keyed by issuer and trust anchors: what was
 * fetched under one location's ZSSOCAFile is not reused by a location that
 * trusts less. */
static provider_t *provider_get(zsso_registry_t *reg,
                                const zsso_dir_conf_t *dc)
{
    char key[1024];
    provider_t *pv;

    apr_snprintf(key, sizeof(key), "%s\n%s", dc->issuer,
                 dc->ca_file ? dc->ca_file : "");
    pv = apr_hash_get(reg->by_issuer, key, APR_HASH_KEY_STRING);
    if (pv == NULL) {
        pv = apr_pcalloc(reg->pool, sizeof(*pv));
        apr_hash_set(reg->by_issuer, apr_pstrdup(reg->pool, key),
                     APR_HASH_KEY_STRING, pv);
    }
    return pv;
}

/* ------------------------------------------------------------------ */
/* fetching                                                           */
/* ------------------------------------------------------------------ */

static zsso_status_t fetch_json(request_rec *r, const zsso_dir_conf_t *dc,
                                const char *url, zsso_http_resp_t *resp,
                                zsso_err_t *err)
{
    zsso_http_req_t req = { 0 };
    zsso_status_t st;

    req.url = url;
    req.ca_file = dc->ca_file;
    req.timeout = zsso_config_timeout(dc);
    st = zsso_provider_call(r, &req, resp, err);
    if (st != ZSSO_OK) {
        return st;
    }
    if (resp->status != 200) {
        return zsso_err_set(err, ZSSO_EINVAL, "%s answered HTTP %ld", url,
                            resp->status);
    }
    return ZSSO_OK;
}

static int https_url(const char *u)
{
    return u && strncmp(u, "https://", 8) == 0 && u[8] != '\0';
}

static const char *dup_or_null(apr_pool_t *p, const char *s)
{
    return s ? apr_pstrdup(p, s) : NULL;
}

static void copy_meta(apr_pool_t *p, const zsso_metadata_t *in,
                      zsso_metadata_t *out)
{
    out->issuer = apr_pstrdup(p, in->issuer);
    out->authorization_endpoint = apr_pstrdup(p, in->authorization_endpoint);
    out->token_endpoint = apr_pstrdup(p, in->token_endpoint);
    out->jwks_uri = apr_pstrdup(p, in->jwks_uri);
    out->userinfo_endpoint = dup_or_null(p, in->userinfo_endpoint);
    out->end_session_endpoint = dup_or_null(p, in->end_session_endpoint);
    out->auth_basic = in->auth_basic;
    out->auth_post = in->auth_post;
    out->iss_param = in->iss_param;
}

/* Discovery 1.0 section 3: token_endpoint_auth_methods_supported defaults
 * to client_secret_basic when absent. */
static void read_auth_methods(apr_pool_t *p, const zsso_json_t *doc,
                              zsso_metadata_t *m)
{
    apr_array_header_t *a;

    if (zsso_json_get_strings(p, doc, "token_endpoint_auth_methods_supported",
                              &a) != ZSSO_OK) {
        m->auth_basic = 1;
        return;
    }
    for (int i = 0; i < a->nelts; i++) {
        const char *s = APR_ARRAY_IDX(a, i, const char *);

        m->auth_basic |= strcmp(s, "client_secret_basic") == 0;
        m->auth_post |= strcmp(s, "client_secret_post") == 0;
    }
}

static zsso_status_t parse_meta(request_rec *r, const char *issuer,
                                const zsso_http_resp_t *resp,
                                zsso_metadata_t *m, zsso_err_t *err)
{
    zsso_err_t perr;
    zsso_json_t *doc;
    const char *got = NULL;

    /* The parser's text alone ("bad JSON at line 1") would not say which
     * document was bad. */
    zsso_err_clear(&perr);
    doc = zsso_json_parse(r->pool, resp->body, resp->len, DOC_MAX, &perr);
    if (doc == NULL) {
        return zsso_err_set(err, perr.status, "discovery document of %s: "
                            "%s", issuer, perr.text);
    }
    /* Discovery 1.0 section 4.3: the issuer must be identical to the one
     * the document was fetched for, or nothing in it is trusted. */
    zsso_json_get_string(doc, "issuer", &got);
    if (got == NULL || strcmp(got, issuer) != 0) {
        return zsso_err_set(err, ZSSO_ECLAIM, "discovery issuer \"%.100s\" "
                            "is not the configured issuer %s",
                            got ? got : "(none)", issuer);
    }
    m->issuer = issuer;
    zsso_json_get_string(doc, "authorization_endpoint",
                         &m->authorization_endpoint);
    zsso_json_get_string(doc, "token_endpoint", &m->token_endpoint);
    zsso_json_get_string(doc, "jwks_uri", &m->jwks_uri);
    zsso_json_get_string(doc, "userinfo_endpoint", &m->userinfo_endpoint);
    zsso_json_get_string(doc, "end_session_endpoint",
                         &m->end_session_endpoint);
    if (!https_url(m->authorization_endpoint)
        || !https_url(m->token_endpoint) || !https_url(m->jwks_uri)) {
        return zsso_err_set(err, ZSSO_EINVAL, "discovery document of %s "
                            "lacks https authorization, token or jwks "
                            "endpoints", issuer);
    }
    if (m->end_session_endpoint && !https_url(m->end_session_endpoint)) {
        m->end_session_endpoint = NULL;
    }
    read_auth_methods(r->pool, doc, m);
    zsso_json_get_bool(doc, "authorization_response_iss_parameter_supported",
                       &m->iss_param);
    return ZSSO_OK;
}

static void install_meta(zsso_registry_t *reg, provider_t *pv,
                         const zsso_metadata_t *m, apr_time_t at)
{
    apr_pool_t *old = pv->meta_pool;

    apr_pool_create(&pv->meta_pool, reg->pool);
    pv->meta = apr_palloc(pv->meta_pool, sizeof(*pv->meta));
    copy_meta(pv->meta_pool, m, pv->meta);
    pv->meta_at = at;
    if (old) {
        apr_pool_destroy(old);
    }
}

/* The discovery document: the store's copy while it is fresh, else
 * Okta's, offered to the other processes once it proved good (a bad one
 * kept for a day would stop every sign-in for that long). *at: when it was
 * fetched. */
static zsso_status_t discover(request_rec *r, const zsso_dir_conf_t *dc,
                              zsso_metadata_t *m, apr_time_t *at,
                              zsso_err_t *err)
{
    const char *url = apr_pstrcat(r->pool, dc->issuer, DISCOVERY_PATH, NULL);
    apr_time_t ttl = apr_time_from_sec(ZSSO_METADATA_TTL);
    zsso_http_resp_t resp;
    zsso_status_t st;

    *at = apr_time_now();
    if (zsso_docstore_get(r, url, dc->ca_file, *at - ttl, &resp, at)
        == ZSSO_OK && parse_meta(r, dc->issuer, &resp, m, err) == ZSSO_OK) {
        return ZSSO_OK;
    }
    zsso_err_clear(err);
    memset(m, 0, sizeof(*m));
    *at = apr_time_now();
    st = fetch_json(r, dc, url, &resp, err);
    if (st == ZSSO_OK) {
        st = parse_meta(r, dc->issuer, &resp, m, err);
    }
    if (st == ZSSO_OK) {
        zsso_docstore_put(r, url, dc->ca_file, &resp, *at, ttl);
    }
    return st;
}

zsso_status_t zsso_provider_metadata(request_rec *r,
                                     const zsso_dir_conf_t *dc,
                                     zsso_metadata_t *out, zsso_err_t *err)
{
    zsso_registry_t *reg = registry_of(r);
    zsso_metadata_t fresh = { 0 };
    apr_time_t at;
    provider_t *pv;
    zsso_status_t st;
    int have;

    apr_thread_mutex_lock(reg->mu);
    pv = provider_get(reg, dc);
    have = pv->meta != NULL;
    if (have && apr_time_now() - pv->meta_at
                < apr_time_from_sec(ZSSO_METADATA_TTL)) {
        copy_meta(r->pool, pv->meta, out);
        apr_thread_mutex_unlock(reg->mu);
        return ZSSO_OK;
    }
    /* Okta unreachable and nothing cached: answer at once for a few
     * seconds instead of making every sign-in wait for the timeout. */
    if (!have && apr_time_now() - pv->meta_failed_at
                 < apr_time_from_sec(ZSSO_RETRY_GAP)) {
        st = zsso_err_set(err, ZSSO_EINVAL, "%s (within the last %d s; not "
                          "tried again yet)", pv->meta_error,
                          ZSSO_RETRY_GAP);
        apr_thread_mutex_unlock(reg->mu);
        return st;
    }
    apr_thread_mutex_unlock(reg->mu);

    st = discover(r, dc, &fresh, &at, err);
    /* Not tried (too many calls waiting) is no news about the provider. */
    if (st == ZSSO_EBUSY) {
        return st;
    }
    zsso_status_fetched(r, dc, -1, st != ZSSO_OK, at);
    apr_thread_mutex_lock(reg->mu);
    if (st == ZSSO_OK) {
        install_meta(reg, pv, &fresh, at);
    }
    else if (!have) {
        pv->meta_failed_at = apr_time_now();
        apr_cpystrn(pv->meta_error, err->text, sizeof(pv->meta_error));
    }
    else {
        /* Keep serving with the last good document; try again later. */
        pv->meta_at = apr_time_now();
    }
    if (pv->meta) {
        copy_meta(r->pool, pv->meta, out);
        st = ZSSO_OK;
    }
    apr_thread_mutex_unlock(reg->mu);
    return st;
}

/* ------------------------------------------------------------------ */
/* key sets                                                           */
/* ------------------------------------------------------------------ */

/* Called with the lock held. */
static keyset_t *keys_acquire(provider_t *pv)
{
    if (pv->keys) {
        pv->keys->refs++;
    }
    return pv->keys;
}

static void keys_release(zsso_registry_t *reg, keyset_t *ks)
{
    if (ks == NULL) {
        return;
    }
    apr_thread_mutex_lock(reg->mu);
    if (--ks->refs == 0 && ks->retired) {
        apr_pool_destroy(ks->pool);
    }
    apr_thread_mutex_unlock(reg->mu);
}

/* Whatever stopped a key fetch (transport, status, a document that is
 * not a usable JWK Set) is the provider's failure: the callback answers
 * 502 for it, not 401 as for a token that does not verify. */
static keyset_t *keys_failed(zsso_err_t *err)
{
    if (err->status != ZSSO_EBUSY) {
        err->status = ZSSO_EPROVIDER;
    }
    return NULL;
}

/* Parse a key set fetched at `at` and install it; returns it, acquired,
 * or NULL. */
static keyset_t *keys_install(zsso_registry_t *reg, provider_t *pv,
                              const zsso_http_resp_t *resp, apr_time_t at,
                              zsso_err_t *err)
{
    keyset_t *ks = NULL, *old;
    apr_pool_t *kp;
    zsso_jwks_t *jwks;

    apr_thread_mutex_lock(reg->mu);
    apr_pool_create(&kp, reg->pool);
    jwks = zsso_jwks_parse(kp, resp->body, resp->len, err);
    if (jwks == NULL) {
        apr_pool_destroy(kp);
    }
    else {
        ks = apr_pcalloc(kp, sizeof(*ks));
        ks->pool = kp;
        ks->jwks = jwks;
        ks->refs = 2;           /* the provider's and the caller's */
        old = pv->keys;
        pv->keys = ks;
        pv->keys_at = at;
        if (old) {
            old->retired = 1;
            if (--old->refs == 0) {
                apr_pool_destroy(old->pool);
            }
        }
    }
    apr_thread_mutex_unlock(reg->mu);
    return ks;
}

/* Get the key set and install it; returns the new set, acquired. From the
 * store while its copy is fresh, when shared; from the provider otherwise,
 * and then offered to the other processes. After an unknown kid the
 * provider itself is asked: the store's copy may predate the rotation. */
static keyset_t *keys_fetch(request_rec *r, const zsso_dir_conf_t *dc,
                            provider_t *pv, int shared, zsso_err_t *err)
{
    zsso_registry_t *reg = registry_of(r);
    apr_time_t ttl = apr_time_from_sec(ZSSO_KEYS_TTL);
    apr_time_t at = apr_time_now();
    zsso_metadata_t m;
    zsso_http_resp_t resp;
    keyset_t *ks;

    if (zsso_provider_metadata(r, dc, &m, err) != ZSSO_OK) {
        return keys_failed(err);
    }
    if (shared
        && zsso_docstore_get(r, m.jwks_uri, dc->ca_file, at - ttl, &resp,
                             &at) == ZSSO_OK
        && (ks = keys_install(reg, pv, &resp, at, err)) != NULL) {
        zsso_status_fetched(r, dc, zsso_jwks_count(ks->jwks), 0, at);
        return ks;
    }
    zsso_err_clear(err);
    at = apr_time_now();
    if (fetch_json(r, dc, m.jwks_uri, &resp, err) != ZSSO_OK
        || (ks = keys_install(reg, pv, &resp, at, err)) == NULL) {
        return keys_failed(err);
    }
    zsso_docstore_put(r, m.jwks_uri, dc->ca_file, &resp, at, ttl);
    zsso_status_fetched(r, dc, zsso_jwks_count(ks->jwks), 0, at);
    return ks;
}

/* May this thread fetch the keys now? Marks the attempt. Lock held. */
static int may_refetch(provider_t *pv)
{
    apr_time_t now = apr_time_now();

    if (now - pv->keys_tried < apr_time_from_sec(ZSSO_KEYS_MIN_GAP)) {
        return 0;
    }
    pv->keys_tried = now;
    return 1;
}

/* An unknown kid: the provider may have rotated its keys (Okta does, and
 * publishes the new key first). Fetch again, rate-limited, so that a flood
 * of made-up kids costs at most one fetch per interval. */
static zsso_status_t verify_after_rotation(request_rec *r,
                                           const zsso_dir_conf_t *dc,
                                           provider_t *pv,
                                           const zsso_jws_t *jws,
                                           zsso_err_t *err)
{
    zsso_registry_t *reg = registry_of(r);
    keyset_t *ks;
    zsso_status_t st;
    int refetch;

    apr_thread_mutex_lock(reg->mu);
    refetch = may_refetch(pv);
    apr_thread_mutex_unlock(reg->mu);
    if (!refetch) {
        return err->status;
    }
    zsso_err_clear(err);
    ks = keys_fetch(r, dc, pv, 0, err);
    if (ks == NULL) {
        return err->status;
    }
    st = zsso_jws_verify(jws, ks->jwks, err);
    keys_release(reg, ks);
    return st;
}

zsso_status_t zsso_provider_verify(request_rec *r, const zsso_dir_conf_t *dc,
                                   const zsso_jws_t *jws, zsso_err_t *err)
{
    zsso_registry_t *reg = registry_of(r);
    provider_t *pv;
    keyset_t *ks;
    zsso_status_t st;
    int stale, refetch;

    apr_thread_mutex_lock(reg->mu);
    pv = provider_get(reg, dc);
    ks = keys_acquire(pv);
    if (ks == NULL) {
        refetch = 1;    /* the first fetch; only unknown-kid ones are capped */
    }
    else {
        stale = apr_time_now() - pv->keys_at
                > apr_time_from_sec(ZSSO_KEYS_TTL);
        refetch = stale && may_refetch(pv);
    }
    apr_thread_mutex_unlock(reg->mu);

    if (refetch) {
        zsso_err_t ferr;
        keyset_t *fresh;

        zsso_err_clear(&ferr);
        fresh = keys_fetch(r, dc, pv, 1, ks ? &ferr : err);
        if (fresh) {
            keys_release(reg, ks);
            ks = fresh;
        }
        else if (ks == NULL) {
            return err->status;
        }
    }

    st = zsso_jws_verify(jws, ks->jwks, err);
    keys_release(reg, ks);
    return st == ZSSO_ENOKEY ? verify_after_rotation(r, dc, pv, jws, err)
                             : st;
}
