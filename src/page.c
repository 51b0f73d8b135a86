/*
 * page.c - plain, escaped pages.
 */
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <mod_core.h>

#include "crypto.h"
#include "page.h"
#include "util.h"

#define STYLE "body{font-family:sans-serif;max-width:40em;margin:3em auto;" \
              "padding:0 1em;color:#222}h1{font-size:1.4em}" \
              "small{color:#666}"

const char *zsso_page_ref(request_rec *r)
{
    unsigned char b[6];

    if (zsso_crypto_random(b, sizeof(b)) != ZSSO_OK) {
        return "-";
    }
    return zsso_b64url_encode(r->pool, b, sizeof(b));
}

/* XXX(ZI-5): non-ASCII is shown as '?' because httpd labels error pages
 * iso-8859-1. */
/* Plain text to HTML: escaped, and bytes outside ASCII shown as '?' since
 * httpd labels error pages iso-8859-1. */
static const char *text(apr_pool_t *p, const char *s)
{
    apr_size_t n = s ? strlen(s) + 1 : 1;

    return zsso_html_escape(p, zsso_printable(apr_palloc(p, n), n, s));
}

static const char *document(apr_pool_t *p, const char *title,
                           const char *body)
{
    return apr_pstrcat(p, "<!DOCTYPE html>\n<html><head><meta charset=\""
                       "utf-8\"><title>", title, "</title><style>", STYLE,
                       "</style></head>\n<body><h1>", title, "</h1>\n",
                       body, "\n</body></html>\n", NULL);
}

int zsso_page_error(request_rec *r, int status, const char *ref,
                    const char *title, const char *msg,
                    const char *link, const char *link_text)
{
    const char *t = text(r->pool, title);
    const char *body = apr_pstrcat(r->pool, "<p>", text(r->pool, msg),
                                   "</p>\n", NULL);

    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (link && zsso_return_path_ok(link)) {
        body = apr_pstrcat(r->pool, body, "<p><a href=\"",
                           zsso_html_escape(r->pool, link), "\">",
                           text(r->pool, link_text), "</a></p>\n", NULL);
    }
    body = apr_pstrcat(r->pool, body, "<p><small>Reference: ",
                       text(r->pool, ref), "</small></p>", NULL);
    /* An ErrorDocument the administrator set for this status wins. */
    if (ap_response_code_string(r, ap_index_of_response(status)) == NULL) {
        ap_custom_response(r, status, document(r->pool, t, body));
    }
    return status;
}

void zsso_page_forbidden(request_rec *r, const char *ref, const char *title,
                         const char *msg)
{
    const char *doc = ap_response_code_string(r, ap_index_of_response(
                                                     HTTP_FORBIDDEN));
    const char *t;

    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (doc) {
        /* A text ErrorDocument is kept with a leading '"' as its mark. */
        ap_custom_response(r, HTTP_UNAUTHORIZED, doc[0] == '"' ? doc + 1
                                                               : doc);
        return;
    }
    t = text(r->pool, title);
    ap_custom_response(r, HTTP_UNAUTHORIZED, document(r->pool, t,
        apr_pstrcat(r->pool, "<p>", text(r->pool, msg), "</p>\n<p><small>"
                    "Reference: ", text(r->pool, ref), "</small></p>",
                    NULL)));
}

int zsso_page_busy(request_rec *r, const char *ref)
{
    /* RFC 9110 section 10.2.3: when to try again. */
    apr_table_setn(r->err_headers_out, "Retry-After", "5");
    return zsso_page_error(r, HTTP_SERVICE_UNAVAILABLE, ref, "Sign-in is "
                           "busy", "Too many sign-ins are waiting for Okta "
                           "right now. Try again in a moment.", NULL, NULL);
}

int zsso_page_send(request_rec *r, const char *title, const char *body_html)
{
    const char *t = text(r->pool, title);

    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_type(r, "text/html; charset=utf-8");
    if (!r->header_only) {
        ap_rputs(document(r->pool, t, body_html), r);
    }
    return DONE;
}
