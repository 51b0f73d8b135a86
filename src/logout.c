/*
 * logout.c - local and provider logout.
 *
 * Ending a session takes a POST (the session cookie is SameSite=Lax, so a
 * cross-site form cannot carry it), or a GET with the session's logout
 * token, which only the session's own pages know (ZSSO_LOGOUT_URL); an
 * <img> pointing at the bare logout URL only gets the page with the button.
 *
 *   logout ─▶ end the session ─▶ Okta's end_session_endpoint
 *          (id_token_hint, post_logout_redirect_uri, state = return path)
 *          ─▶ ZSSOPostLogoutURI (default <base>/zsso/logged-out)
 *          ─▶ the return path when it is one on this site, else a page
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
#include "crypto.h"
#include "util.h"

#define TOKEN_CHARS 22          /* 128 bits of the hash, base64url */

const char *zsso_logout_token(apr_pool_t *p, const char *session_id)
{
    unsigned char h[32];
    const char *in = apr_pstrcat(p, "zsso logout v1\n", session_id, NULL);

    /* One-way: the page that shows the token cannot recover the id. */
    zsso_crypto_sha256(in, strlen(in), h);
    return apr_pstrndup(p, zsso_b64url_encode(p, h, sizeof(h)),
                        TOKEN_CHARS);
}

static const char *done_url(request_rec *r, const zsso_dir_conf_t *dc)
{
    if (dc->post_logout) {
        return dc->post_logout[0] == '/'
               ? zsso_req_url(r, dc->post_logout) : dc->post_logout;
    }
    return zsso_req_url(r, zsso_config_endpoint(r->pool, dc, "logged-out"));
}

/* The return path a sign-out may name: a path on this site, or NULL. */
static const char *return_path(request_rec *r, const char *name)
{
    const char *ret = NULL;

    if (zsso_query_get(r->pool, r->args, name, &ret) != ZSSO_OK
        || !zsso_return_path_ok(ret) || strlen(ret) > 2048) {
        return NULL;
    }
    return ret;
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
                                   const zsso_session_t *s, const char *ret)
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
        zsso_url_encode(r->pool, done_url(r, dc)),
        ret ? "&state=" : "", ret ? zsso_url_encode(r->pool, ret) : "",
        NULL);
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

/* A GET that carries the session's own logout token. */
static int token_ok(request_rec *r, const zsso_session_t *s)
{
    const char *t = NULL;

    return r->method_number == M_GET
           && zsso_query_get(r->pool, r->args, "token", &t) == ZSSO_OK
           && zsso_crypto_str_equal(t, s->logout_token);
}

int zsso_logout_handle(request_rec *r, const zsso_dir_conf_t *dc)
{
    zsso_session_t *s = NULL;
    zsso_err_t err;
    const char *url, *ret;

    zsso_err_clear(&err);
    zsso_session_load(r, dc, &s, &err);
    if (s == NULL) {
        zsso_session_end(r, dc, NULL);
        return redirect(r, done_url(r, dc));
    }
    if (r->method_number != M_POST && !token_ok(r, s)) {
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
    ret = return_path(r, "return");
    url = end_session_url(r, dc, s, ret);
    if (url == NULL) {
        url = ret ? zsso_req_url(r, ret) : done_url(r, dc);
    }
    return redirect(r, url);
}

int zsso_logout_done(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *login = zsso_html_escape(r->pool,
                            zsso_config_endpoint(r->pool, dc, "login"));
    /* The return path the sign-out named comes back as Okta's state
     * (RP-Initiated Logout 1.0, section 3); anyone can craft this URL,
     * so it is checked like every redirect target. */
    const char *ret = return_path(r, "state");

    if (ret) {
        return redirect(r, zsso_req_url(r, ret));
    }
    return zsso_page_send(r, "You are signed out",
        apr_pstrcat(r->pool, "<p>You are signed out of this application."
                    "</p><p><a href=\"", login, "\">Sign in again</a></p>",
                    NULL));
}
