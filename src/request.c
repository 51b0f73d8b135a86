/*
 * request.c - per-request scratch and cookie handling.
 */
#include <apr_strings.h>
#include <apr_uri.h>
#include <http_core.h>
#include <http_protocol.h>

#include "config.h"
#include "request.h"
#include "util.h"

#define MAX_COOKIES 200   /* pairs read from one request */

zsso_req_t *zsso_req(request_rec *r)
{
    zsso_req_t *rq = ap_get_module_config(r->request_config, &zsso_module);

    if (rq == NULL) {
        rq = apr_pcalloc(r->pool, sizeof(*rq));
        ap_set_module_config(r->request_config, &zsso_module, rq);
    }
    return rq;
}

apr_table_t *zsso_req_cookies(request_rec *r)
{
    zsso_req_t *rq = zsso_req(r);
    const apr_array_header_t *h;
    const apr_table_entry_t *e;

    if (rq->cookies) {
        return rq->cookies;
    }
    rq->cookies = apr_table_make(r->pool, 8);
    h = apr_table_elts(r->headers_in);
    e = (const apr_table_entry_t *)h->elts;
    for (int i = 0; i < h->nelts; i++) {
        /* Read what fits: a browser with thousands of cookies still gets
         * an answer (the module's own cookies are never that many). */
        if (e[i].key && strcasecmp(e[i].key, "Cookie") == 0) {
            zsso_cookie_parse(r->pool, e[i].val, rq->cookies, MAX_COOKIES);
        }
    }
    return rq->cookies;
}

/* The canonical origin's scheme and port: ServerName's, else the
 * request's. */
static const char *origin_of(request_rec *r, apr_port_t *port)
{
    const server_rec *s = r->server;

    *port = s->port ? s->port : ap_get_server_port(r);
    return s->server_scheme ? s->server_scheme : ap_http_scheme(r);
}

const char *zsso_req_url(request_rec *r, const char *path)
{
    const server_rec *s = r->server;
    apr_port_t port;
    const char *scheme = origin_of(r, &port);

    if (port == apr_uri_port_of_scheme(scheme)) {
        return apr_pstrcat(r->pool, scheme, "://", s->server_hostname, path,
                           NULL);
    }
    return apr_psprintf(r->pool, "%s://%s:%u%s", scheme, s->server_hostname,
                        (unsigned)port, path);
}

const char *zsso_req_where(request_rec *r, const void *dcv)
{
    const zsso_dir_conf_t *dc = dcv;

    return zsso_req_url(r, dc->base ? dc->base : "");
}

/* zsso_req_where(r, dc) == where, without building the string: every
 * signed-in request asks. */
int zsso_req_where_is(request_rec *r, const void *dcv, const char *where)
{
    const zsso_dir_conf_t *dc = dcv;
    apr_port_t port;
    const char *scheme = origin_of(r, &port);
    const char *parts[3] = { scheme, "://", r->server->server_hostname };
    char digits[8];

    for (int i = 0; i < 3; i++) {
        apr_size_t n = strlen(parts[i]);

        if (strncmp(where, parts[i], n) != 0) {
            return 0;
        }
        where += n;
    }
    if (port != apr_uri_port_of_scheme(scheme)) {
        apr_size_t n = (apr_size_t)apr_snprintf(digits, sizeof(digits),
                                                ":%u", (unsigned)port);

        if (strncmp(where, digits, n) != 0) {
            return 0;
        }
        where += n;
    }
    return strcmp(where, dc->base ? dc->base : "") == 0;
}

void zsso_req_set_cookie(request_rec *r, const char *name, const char *value,
                         const char *path, long max_age)
{
    const char *age = max_age < 0 ? ""
                      : apr_psprintf(r->pool, "; Max-Age=%ld%s", max_age,
                                     max_age == 0
                                     ? "; Expires=Thu, 01 Jan 1970 00:00:00 "
                                       "GMT" : "");
    const char *secure = strcmp(ap_http_scheme(r), "https") == 0
                         ? "; Secure" : "";

    apr_table_add(r->err_headers_out, "Set-Cookie",
                  apr_pstrcat(r->pool, name, "=", value, "; Path=",
                              path[0] ? path : "/", age, secure,
                              "; HttpOnly; SameSite=Lax", NULL));
}
