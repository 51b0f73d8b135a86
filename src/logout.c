/*
 * logout.c - local and provider logout.
 *
 * Ending a session takes a POST: the session cookie is SameSite=Lax, so a
 * cross-site form cannot carry it, and an <img> pointing at the logout URL
 * only gets the page with the button.
 */
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>

#include "logout.h"
#include "page.h"
#include "provider.h"
#include "request.h"
#include "session.h"
#include "status.h"
#include "util.h"

static const char *done_url(request_rec *r, const zsso_dir_conf_t *dc)
{
    return zsso_req_url(r, zsso_config_endpoint(r->pool, dc, "logged-out"));
}

static int redirect(request_rec *r, const char *url)
{
    apr_table_setn(r->headers_out, "Location", url);
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_MOVED_TEMPORARILY;
}

static int confirm_page(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *action = zsso_html_escape(r->pool,
                             zsso_config_endpoint(r->pool, dc, "logout"));

    return zsso_page_send(r, "Sign out",
        apr_pstrcat(r->pool, "<form method=\"post\" action=\"", action,
                    "\"><p><button type=\"submit\">Sign out</button></p>"
                    "</form>", NULL));
}

static const char *end_session_url(request_rec *r, const zsso_dir_conf_t *dc,
                                   const zsso_session_t *s)
{
    zsso_metadata_t m;
    zsso_err_t err;

    zsso_err_clear(&err);
    if (zsso_provider_metadata(r, dc, &m, &err) != ZSSO_OK
        || m.end_session_endpoint == NULL) {
        return NULL;
    }
    return apr_pstrcat(r->pool, m.end_session_endpoint,
        strchr(m.end_session_endpoint, '?') ? "&" : "?",
        "id_token_hint=", zsso_url_encode(r->pool, s->id_token),
        "&post_logout_redirect_uri=",
        zsso_url_encode(r->pool, done_url(r, dc)), NULL);
}

/* A POST another site made (Fetch Metadata, or an Origin that is not
 * ours). SameSite=Lax already keeps the cookie off cross-site POSTs; this
 * refuses them by name as well. */
static int cross_site(request_rec *r)
{
    const char *site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    const char *origin = apr_table_get(r->headers_in, "Origin");

    if (site && strcasecmp(site, "cross-site") == 0) {
        return 1;
    }
    /* "null" (a sandboxed or privacy-stripped origin) is not ours. */
    return origin && strcasecmp(origin, zsso_req_url(r, "")) != 0;
}

int zsso_logout_handle(request_rec *r, const zsso_dir_conf_t *dc)
{
    zsso_session_t *s = NULL;
    zsso_err_t err;
    const char *url;

    zsso_err_clear(&err);
    zsso_session_load(r, dc, &s, &err);
    if (s == NULL) {
        zsso_session_end(r, dc, NULL);
        return redirect(r, done_url(r, dc));
    }
    if (r->method_number != M_POST) {
        return confirm_page(r, dc);
    }
    if (cross_site(r)) {
        const char *ref = zsso_page_ref(r);

        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00302)
                      "sign-out refused: the POST came from another site "
                      "(ref %s)", ref);
        return zsso_page_error(r, HTTP_FORBIDDEN, ref, "Sign-out refused",
                               "The sign-out request came from another "
                               "site. Use the sign-out button of this "
                               "application.", NULL, NULL);
    }
    ap_discard_request_body(r);
    zsso_session_end(r, dc, s);
    zsso_status_count(r, dc, ZSSO_CNT_LOGOUT);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00301)
                  "signed out: user %s", s->user);
    url = end_session_url(r, dc, s);
    return redirect(r, url ? url : done_url(r, dc));
}

int zsso_logout_done(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *login = zsso_html_escape(r->pool,
                            zsso_config_endpoint(r->pool, dc, "login"));

    return zsso_page_send(r, "You are signed out",
        apr_pstrcat(r->pool, "<p>You are signed out of this application."
                    "</p><p><a href=\"", login, "\">Sign in again</a></p>",
                    NULL));
}
