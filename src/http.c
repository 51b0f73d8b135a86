/*
 * http.c - outbound HTTPS with libcurl.
 *
 * All of a process's exchanges share one curl share object: connections
 * stay open to the provider between sign-ins, and TLS sessions and DNS
 * answers are reused. (A new handle with a new connection costs about 3 ms
 * of CPU, mostly the TLS handshake and the CA store it loads.)
 *
 * Easy handles are kept too, idle ones on a per-process stack, and reset
 * (curl_easy_reset) between exchanges: a new handle costs a new internal
 * multi handle (a socketpair, closed again at cleanup), and with it any CA
 * store curl cached there for the next new connection (curl caches it
 * only when no CA directory is set). Part of the callback time that
 * docs/performance.md accounts for went there.
 * A reset handle keeps nothing of the last exchange but its connections,
 * which the share owns anyway.
 */
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <curl/curl.h>

#include "http.h"

typedef struct {
    apr_pool_t *p;
    char *buf;
    apr_size_t len;
    apr_size_t cap;
    int too_big;
} sink_t;

void zsso_http_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Idle handles kept per process: more than the calls that usually run
 * at once, and few enough that an idle handle's memory (tens of kB, its
 * CA store) stays small. */
#define IDLE_MAX 8

struct zsso_http_share {
    CURLSH *sh;
    apr_thread_mutex_t *mu[CURL_LOCK_DATA_LAST];
    apr_thread_mutex_t *idle_mu;
    CURL *idle[IDLE_MAX];
    int n_idle;
};

/* libcurl asks for exclusive access per kind of shared data. */
static void share_lock(CURL *c, curl_lock_data data, curl_lock_access a,
                       void *ctx)
{
    zsso_http_share_t *s = ctx;

    (void)c;
    (void)a;
    if (data < CURL_LOCK_DATA_LAST && s->mu[data]) {
        apr_thread_mutex_lock(s->mu[data]);
    }
}

static void share_unlock(CURL *c, curl_lock_data data, void *ctx)
{
    zsso_http_share_t *s = ctx;

    (void)c;
    if (data < CURL_LOCK_DATA_LAST && s->mu[data]) {
        apr_thread_mutex_unlock(s->mu[data]);
    }
}

/* The handles first: a share still in use by one cannot be cleaned. */
static apr_status_t share_end(void *ctx)
{
    zsso_http_share_t *s = ctx;

    while (s->n_idle > 0) {
        curl_easy_cleanup(s->idle[--s->n_idle]);
    }
    curl_share_cleanup(s->sh);
    return APR_SUCCESS;
}

/* An idle handle of this process, or a new one. */
static CURL *handle_get(zsso_http_share_t *s)
{
    CURL *c = NULL;

    if (s == NULL) {
        return curl_easy_init();
    }
    apr_thread_mutex_lock(s->idle_mu);
    if (s->n_idle > 0) {
        c = s->idle[--s->n_idle];
    }
    apr_thread_mutex_unlock(s->idle_mu);
    return c ? c : curl_easy_init();
}

/* Back on the stack with every option at its default (the URL, the
 * credentials and the pointers into this request's memory are gone), or
 * cleaned up when the stack is full. */
static void handle_put(zsso_http_share_t *s, CURL *c)
{
    if (s == NULL) {
        curl_easy_cleanup(c);
        return;
    }
    curl_easy_reset(c);
    apr_thread_mutex_lock(s->idle_mu);
    if (s->n_idle < IDLE_MAX) {
        s->idle[s->n_idle++] = c;
        c = NULL;
    }
    apr_thread_mutex_unlock(s->idle_mu);
    if (c) {
        curl_easy_cleanup(c);
    }
}

zsso_http_share_t *zsso_http_share_make(apr_pool_t *p)
{
    static const curl_lock_data kinds[] = {
        CURL_LOCK_DATA_CONNECT, CURL_LOCK_DATA_SSL_SESSION,
        CURL_LOCK_DATA_DNS
    };
    zsso_http_share_t *s = apr_pcalloc(p, sizeof(*s));

    if ((s->sh = curl_share_init()) == NULL) {
        return NULL;
    }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) {
        apr_thread_mutex_create(&s->mu[i], APR_THREAD_MUTEX_DEFAULT, p);
    }
    apr_thread_mutex_create(&s->idle_mu, APR_THREAD_MUTEX_DEFAULT, p);
    curl_share_setopt(s->sh, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(s->sh, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(s->sh, CURLSHOPT_USERDATA, s);
    for (apr_size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (curl_share_setopt(s->sh, CURLSHOPT_SHARE, kinds[i])
            != CURLSHE_OK) {
            curl_share_cleanup(s->sh);
            return NULL;
        }
    }
    apr_pool_cleanup_register(p, s, share_end, apr_pool_cleanup_null);
    return s;
}

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
    sink_t *s = ctx;
    apr_size_t add = size * n;

    if (s->len + add > ZSSO_HTTP_MAX_BODY) {
        s->too_big = 1;
        return 0;               /* makes curl stop with a write error */
    }
    if (s->len + add + 1 > s->cap) {
        apr_size_t cap = (s->cap ? s->cap * 2 : 8192);
        char *nb;

        while (cap < s->len + add + 1) {
            cap *= 2;
        }
        nb = apr_palloc(s->p, cap);
        if (s->len) {
            memcpy(nb, s->buf, s->len);
        }
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, add);
    s->len += add;
    s->buf[s->len] = '\0';
    return add;
}

static const char *without_query(apr_pool_t *p, const char *url)
{
    const char *q = strchr(url, '?');

    return q ? apr_pstrmemdup(p, url, q - url) : url;
}

/* Trust: the system store always; ZSSOCAFile adds to it. With OpenSSL
 * curl reads both CURLOPT_CAINFO and CURLOPT_CAPATH, so the extra file goes
 * in CAINFO and the system directory stays in CAPATH. */
static void set_trust(CURL *c, const char *ca_file)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (ca_file) {
        curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
        curl_easy_setopt(c, CURLOPT_CAPATH,
                         v->capath ? v->capath : "/etc/ssl/certs");
    }
}

static struct curl_slist *set_request(CURL *c, const zsso_http_req_t *req,
                                      apr_pool_t *p)
{
    struct curl_slist *h = NULL;

    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)req->timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)req->timeout);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "mod_zsso/" PACKAGE_VERSION);
    h = curl_slist_append(h, "Accept: application/json");
    if (req->form) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->form);
        h = curl_slist_append(h, "Content-Type: "
                                 "application/x-www-form-urlencoded");
    }
    if (req->basic_user) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, req->basic_user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, req->basic_pass);
    }
    if (req->bearer) {
        h = curl_slist_append(h, apr_pstrcat(p, "Authorization: Bearer ",
                                             req->bearer, NULL));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    set_trust(c, req->ca_file);
    /* A shared connection is reused only for the same TLS settings (curl
     * compares them), so one location's trust never serves another's. */
    if (req->share) {
        curl_easy_setopt(c, CURLOPT_SHARE, req->share->sh);
    }
    return h;
}

zsso_status_t zsso_http_do(apr_pool_t *p, const zsso_http_req_t *req,
                           zsso_http_resp_t *resp, zsso_err_t *err)
{
    sink_t sink = { p, NULL, 0, 0, 0 };
    struct curl_slist *h;
    char ebuf[CURL_ERROR_SIZE] = "";
    const char *ct = NULL;
    CURLcode rc;
    CURL *c = handle_get(req->share);

    if (c == NULL) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "cannot create a curl "
                            "handle");
    }
    h = set_request(c, req, p);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
        curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
        resp->content_type = ct ? apr_pstrdup(p, ct) : NULL;
        resp->body = sink.buf ? sink.buf : apr_pstrdup(p, "");
        resp->len = sink.len;
    }
    handle_put(req->share, c);
    curl_slist_free_all(h);
    if (sink.too_big) {
        return zsso_err_set(err, ZSSO_ELIMIT, "%s: answer over %d bytes",
                            without_query(p, req->url), ZSSO_HTTP_MAX_BODY);
    }
    if (rc != CURLE_OK) {
        return zsso_err_set(err, ZSSO_EINVAL, "%s: %s",
                            without_query(p, req->url),
                            ebuf[0] ? ebuf : curl_easy_strerror(rc));
    }
    return ZSSO_OK;
}
