/*
 * http.c - outbound HTTPS with libcurl.
 *
 * One easy handle per exchange: exchanges happen at sign-in and on key
 * refresh, never on an authenticated request, so a handle pool would buy
 * little for its complexity.
 */
#include <apr_strings.h>
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
    CURL *c = curl_easy_init();

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
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
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
