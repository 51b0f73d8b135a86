/*
 * docstore.c - discovery documents and key sets in the shared store.
 *
 * Every child process keeps its own parsed copy (src/provider.c). Without
 * this file each new child, and every child after a graceful restart,
 * fetched both documents on its first sign-in: a call to Okta on a request
 * path for what another process already had. Now the process that fetches
 * puts the document in the store, and the others read it from there while
 * it is younger than its time to live.
 *
 * store key  base64url(SHA-256(url "\n" CA file)) + ":d": a document
 *            fetched under one location's ZSSOCAFile is not taken by a
 *            location that trusts less (as in src/provider.c)
 * value      seal_raw(session key, aad = store key, fetched-at (8 bytes,
 *            big endian, microseconds) | body): a memcache or redis store
 *            may be reachable by others, and a key set is trusted only
 *            because this server sealed it
 */
#include <apr_strings.h>

#include "cache.h"
#include "crypto.h"
#include "docstore.h"
#include "util.h"

#define DOC_SUFFIX ":d"
#define HEAD_LEN   8

static const char *doc_key(apr_pool_t *p, const char *url,
                           const char *ca_file)
{
    return zsso_crypto_hash_key(p, apr_pstrcat(p, url, "\n",
                                               ca_file ? ca_file : "", NULL),
                                DOC_SUFFIX);
}

static const zsso_key_t *seal_key(const request_rec *r)
{
    return &zsso_config_srv(r->server)->global->session_key;
}

zsso_status_t zsso_docstore_get(request_rec *r, const char *url,
                                const char *ca_file, apr_time_t not_before,
                                zsso_http_resp_t *resp,
                                apr_time_t *fetched_at)
{
    const char *key = doc_key(r->pool, url, ca_file);
    unsigned char *buf = apr_palloc(r->pool, ZSSO_CACHE_MAX_VALUE);
    unsigned int len = ZSSO_CACHE_MAX_VALUE;
    unsigned char *pt;
    apr_size_t n;
    apr_time_t at;
    zsso_err_t err;

    zsso_err_clear(&err);
    if (zsso_cache_get(r, key, buf, &len) != APR_SUCCESS
        || zsso_crypto_unseal_raw(r->pool, seal_key(r), key, buf, len, &pt,
                                  &n, &err) != ZSSO_OK
        || n <= HEAD_LEN) {
        return ZSSO_ENOENT;
    }
    at = zsso_get_be64(pt);
    if (at < not_before || at > apr_time_now()) {
        return ZSSO_ENOENT;
    }
    resp->status = 200;
    resp->content_type = NULL;
    resp->body = (char *)pt + HEAD_LEN;     /* NUL-terminated past n */
    resp->len = n - HEAD_LEN;
    *fetched_at = at;
    return ZSSO_OK;
}

void zsso_docstore_put(request_rec *r, const char *url, const char *ca_file,
                       const zsso_http_resp_t *resp, apr_time_t fetched_at,
                       apr_time_t ttl)
{
    const char *key = doc_key(r->pool, url, ca_file);
    unsigned char *pt = apr_palloc(r->pool, HEAD_LEN + resp->len);
    unsigned char *sealed;
    apr_size_t n;

    zsso_put_be64(pt, fetched_at);
    memcpy(pt + HEAD_LEN, resp->body, resp->len);
    sealed = zsso_crypto_seal_raw(r->pool, seal_key(r), key, pt,
                                  HEAD_LEN + resp->len, &n);
    if (sealed == NULL || n >= ZSSO_CACHE_MAX_VALUE) {
        return;
    }
    zsso_cache_put(r, key, fetched_at + ttl, sealed, (unsigned int)n);
}
