/*
 * http.h - outbound HTTPS to the provider, the only file that uses
 * libcurl. TLS is always verified (system store plus ZSSOCAFile), only
 * https is spoken, redirects are not followed, the time and the size of an
 * answer are capped.
 */
#ifndef ZSSO_HTTP_H
#define ZSSO_HTTP_H

#include <apr_pools.h>
#include "err.h"

#define ZSSO_HTTP_MAX_BODY (512 * 1024)

/* What the exchanges of one process share: open connections to the
 * provider, TLS sessions and DNS answers, so that a sign-in does not pay
 * for a new TLS handshake (and the CA store it loads) each time. */
typedef struct zsso_http_share zsso_http_share_t;

typedef struct {
    const char *url;
    const char *form;          /* POST this x-www-form-urlencoded body;
                                * NULL for GET */
    const char *basic_user;    /* HTTP Basic credentials, or NULL */
    const char *basic_pass;
    const char *bearer;        /* Authorization: Bearer, or NULL */
    const char *ca_file;       /* extra trust anchors, or NULL */
    int timeout;               /* seconds, whole exchange */
    zsso_http_share_t *share;  /* this process's, or NULL */
} zsso_http_req_t;

typedef struct {
    long status;
    const char *content_type;  /* may be NULL */
    char *body;                /* NUL-terminated */
    apr_size_t len;
} zsso_http_resp_t;

/* Once per process, before threads start. */
void zsso_http_global_init(void);

/* Once per child process; ended with p. NULL if curl cannot share. */
zsso_http_share_t *zsso_http_share_make(apr_pool_t *p);

/* ZSSO_OK when an HTTP answer arrived (any status); otherwise the err
 * text says what failed (connect, TLS, timeout, size) and the request URL
 * without its query. */
zsso_status_t zsso_http_do(apr_pool_t *p, const zsso_http_req_t *req,
                           zsso_http_resp_t *resp, zsso_err_t *err);

#endif
