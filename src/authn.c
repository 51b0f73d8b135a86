/*
 * authn.c - who is this? For AuthType zsso, in this order:
 *
 *   module endpoint (callback, login, logout, logged-out) ─▶ its handler
 *   sub-request or internal redirect of a signed-in request ─▶ same user
 *   valid session cookie ─▶ r->user, role, environment; OK
 *   a browser navigating ─▶ new login state, 302 to the provider
 *   anything else (API, XHR, POST ...) ─▶ 401, never a redirect
 */
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>

#include "authn.h"
#include "backchannel.h"
#include "cache.h"
#include "callback.h"
#include "config.h"
#include "identity.h"
#include "logout.h"
#include "page.h"
#include "provider.h"
#include "refresh.h"
#include "request.h"
#include "session.h"
#include "state.h"
#include "status.h"
#include "util.h"

#define LOGIN_HINT_MAX 256      /* a longer login_hint is not passed on */
#define NOTE_FORBIDDEN "zsso-forbidden"   /* r->notes: refused by Require */

/* ------------------------------------------------------------------ */
/* who is asking                                                      */
/* ------------------------------------------------------------------ */

/* A page load, as opposed to an API or script call. Fetch Metadata
 * (Sec-Fetch-Mode) is the browser's own word; without it, a plain client
 * that accepts HTML or anything is treated as a browser. */
static int is_navigation(const request_rec *r)
{
    const char *xrw, *mode, *accept;

    if (r->method_number != M_GET) {
        return 0;               /* HEAD is M_GET too */
    }
    xrw = apr_table_get(r->headers_in, "X-Requested-With");
    if (xrw && strcasecmp(xrw, "XMLHttpRequest") == 0) {
        return 0;
    }
    mode = apr_table_get(r->headers_in, "Sec-Fetch-Mode");
    if (mode && strcasecmp(mode, "navigate") != 0) {
        return 0;
    }
    accept = apr_table_get(r->headers_in, "Accept");
    if (accept && *accept && !ap_strcasestr(accept, "text/html")
        && !strstr(accept, "*/*")) {
        return 0;
    }
    return 1;
}

static const char *home(request_rec *r, const zsso_dir_conf_t *dc)
{
    return apr_pstrcat(r->pool, dc->base ? dc->base : "", "/", NULL);
}

/* ------------------------------------------------------------------ */
/* starting a login                                                   */
/* ------------------------------------------------------------------ */

static const char *authorize_url(request_rec *r, const zsso_dir_conf_t *dc,
                                 const zsso_metadata_t *m,
                                 const zsso_state_t *st, const char *hint)
{
    apr_pool_t *p = r->pool;
    const char *h = hint ? apr_pstrcat(p, "&login_hint=",
                                       zsso_url_encode(p, hint), NULL) : "";

    /* OpenID Connect Core 3.1.2.1 and RFC 7636 section 4.3. */
    return apr_pstrcat(p, m->authorization_endpoint,
        strchr(m->authorization_endpoint, '?') ? "&" : "?",
        "response_type=code",
        "&client_id=", zsso_url_encode(p, dc->client_id),
        "&redirect_uri=", zsso_url_encode(p, zsso_callback_uri(r, dc)),
        "&scope=", zsso_url_encode(p, zsso_config_scope(dc)),
        "&state=", st->state,
        "&nonce=", st->nonce,
        "&code_challenge=", zsso_state_challenge(p, st),
        "&code_challenge_method=S256", h, NULL);
}

static int start_login(request_rec *r, const zsso_dir_conf_t *dc,
                       const char *return_to, const char *hint)
{
    zsso_metadata_t m;
    zsso_state_t *st;
    zsso_err_t err;
    const char *ref;

    zsso_err_clear(&err);
    if (zsso_provider_metadata(r, dc, &m, &err) != ZSSO_OK) {
        ref = zsso_page_ref(r);
        zsso_status_count(r, dc, ZSSO_CNT_UNREACHABLE);
        if (err.status == ZSSO_EBUSY) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00502)
                          "cannot start a sign-in now: %s: 503 (ref %s)",
                          err.text, ref);
            return zsso_page_busy(r, ref);
        }
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZSSO_LOGNO(00101)
                      "cannot start a sign-in: discovery of %s failed: %s "
                      "(ref %s)", dc->issuer, err.text, ref);
        return zsso_page_error(r, HTTP_BAD_GATEWAY, ref, "Okta cannot be "
                               "reached", "The sign-in page of your "
                               "organisation could not be reached. Try "
                               "again in a moment.", NULL, NULL);
    }
    /* A return path must fit the state cookie (browsers drop cookies
     * over 4 KB): a longer deep link returns to the location's root. */
    if (strlen(return_to) > ZSSO_RETURN_MAX) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00109)
                      "the requested URL is over %d bytes: after sign-in "
                      "the user returns to %s instead", ZSSO_RETURN_MAX,
                      home(r, dc));
    }
    st = zsso_state_new(r, zsso_return_path_ok(return_to)
                           && strlen(return_to) <= ZSSO_RETURN_MAX
                           ? return_to : home(r, dc));
    if (st == NULL || zsso_state_save(r, dc, st) != ZSSO_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_CRIT, 0, r, ZSSO_LOGNO(00102)
                      "cannot make a login state (random or sealing "
                      "failed)");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    zsso_status_count(r, dc, ZSSO_CNT_LOGIN_START);
    apr_table_setn(r->headers_out, "Location",
                   authorize_url(r, dc, &m, st, hint));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZSSO_LOGNO(00103)
                  "no session: sending the browser to %s",
                  m.authorization_endpoint);
    return HTTP_MOVED_TEMPORARILY;
}

/* RFC 9110 section 11.6.1: a 401 carries a challenge. The scheme is the
 * module's own; the login URL tells a script's author where people sign
 * in. */
static void challenge(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *login = zsso_req_url(r, zsso_config_endpoint(r->pool, dc,
                                                             "login"));

    apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                   apr_pstrcat(r->pool, "ZSSO realm=\"",
                               dc->issuer, "\", login_url=\"",
                               login, "\"", NULL));
}

static int unauthorized(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *ref = zsso_page_ref(r);

    zsso_status_count(r, dc, ZSSO_CNT_NO_SESSION);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00107)
                  "no session and not a browser page load (%s %s): 401 "
                  "(ref %s)", r->method, r->uri, ref);
    challenge(r, dc);
    return zsso_page_error(r, HTTP_UNAUTHORIZED, ref,
                           "Sign-in required", "This address needs a "
                           "signed-in session. Open it in a browser to sign "
                           "in with Okta.", NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* the SSO login URL, also Okta's "Initiate login URI"                */
/* ------------------------------------------------------------------ */

/* target as a path on this server's canonical origin: a same-origin
 * absolute URL loses its origin; anything else is NULL. */
static const char *on_this_origin(request_rec *r, const char *target)
{
    const char *origin = zsso_req_url(r, "");
    apr_size_t n = strlen(origin);

    if (strncasecmp(target, origin, n) == 0 && target[n] == '/') {
        target += n;
    }
    if (!zsso_return_path_ok(target) || strlen(target) > ZSSO_RETURN_MAX) {
        return NULL;
    }
    return target;
}

/* OpenID Connect Core section 4: a login a third party (Okta's dashboard)
 * starts names the issuer, and may name where to land. A foreign issuer
 * or a target off this site falls back to the location's root. */
static const char *login_target(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *iss = NULL, *target = NULL, *path;
    zsso_status_t qi = zsso_query_get(r->pool, r->args, "iss", &iss);
    zsso_status_t qt = zsso_query_get(r->pool, r->args, "target_link_uri",
                                      &target);
    char buf[129];

    if (qi != ZSSO_OK && qi != ZSSO_ENOENT) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00110)
                      "login: iss repeated or badly encoded: going to %s",
                      home(r, dc));
        return home(r, dc);
    }
    if (qi == ZSSO_OK && strcmp(iss, dc->issuer) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00111)
                      "login: iss %s is not the configured issuer %s: "
                      "going to %s", zsso_printable(buf, sizeof(buf), iss),
                      dc->issuer, home(r, dc));
        return home(r, dc);
    }
    if (qt == ZSSO_ENOENT) {
        return home(r, dc);
    }
    path = qt == ZSSO_OK ? on_this_origin(r, target) : NULL;
    if (path == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00112)
                      "login: target_link_uri is not a path on this site "
                      "(or repeated, or too long): going to %s",
                      home(r, dc));
        return home(r, dc);
    }
    return path;
}

static const char *login_hint(request_rec *r)
{
    const char *hint = NULL;

    if (zsso_query_get(r->pool, r->args, "login_hint", &hint) != ZSSO_OK
        || strlen(hint) > LOGIN_HINT_MAX) {
        return NULL;
    }
    for (const char *c = hint; *c; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            return NULL;
        }
    }
    return hint;
}

/* ------------------------------------------------------------------ */
/* the hook                                                           */
/* ------------------------------------------------------------------ */

typedef enum {
    EP_NONE, EP_CALLBACK, EP_LOGIN, EP_LOGOUT, EP_LOGGED_OUT, EP_BACKCHANNEL
} endpoint_t;

/* Compared in place, no string built: every request at a protected
 * location asks (twice: translate_name and authn). */
static endpoint_t endpoint_of(request_rec *r, const zsso_dir_conf_t *dc)
{
    static const struct {
        const char *name;
        endpoint_t ep;
    } names[] = {
        { "login", EP_LOGIN }, { "logout", EP_LOGOUT },
        { "logged-out", EP_LOGGED_OUT }, { "backchannel", EP_BACKCHANNEL }
    };
    const char *base = dc->base ? dc->base : "", *rest;
    apr_size_t nb = strlen(base), ne = strlen(ZSSO_ENDPOINTS);

    /* ZSSORedirectURI names the callback's path; else it is <base>/zsso/
     * callback (zsso_config_callback_path). */
    if (dc->redirect_uri
        && strcmp(r->uri, zsso_config_callback_path(r->pool, dc)) == 0) {
        return EP_CALLBACK;
    }
    if (strncmp(r->uri, base, nb) != 0
        || strncmp(r->uri + nb, ZSSO_ENDPOINTS, ne) != 0) {
        return EP_NONE;
    }
    rest = r->uri + nb + ne;
    if (dc->redirect_uri == NULL && strcmp(rest, "callback") == 0) {
        return EP_CALLBACK;
    }
    for (apr_size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(rest, names[i].name) == 0) {
            return names[i].ep;
        }
    }
    return EP_NONE;
}

/* The location has all it needs to sign users in. */
static int complete(const zsso_dir_conf_t *dc)
{
    return dc->issuer && dc->client_id && dc->client_secret && dc->base;
}

static int configured(request_rec *r, const zsso_dir_conf_t *dc)
{
    if (complete(dc)) {
        return 1;
    }
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZSSO_LOGNO(00104)
                  "AuthType zsso for %s but ZSSOOktaDomain, ZSSOClientID "
                  "or ZSSOClientSecret does not apply here, or this is not "
                  "a <Location>", r->uri);
    return 0;
}

/* A session cookie whose record is not in a shared store: gone, or the
 * store is not answering? apr_memcache, for one, reports a server it has
 * marked dead as "not found". A write of a fixed key tells them apart,
 * paid only on such misses (and never growing the store). */
#define PROBE_KEY "zsso-store-probe"

static int store_answers(request_rec *r)
{
    static const unsigned char one[] = "1";
    const zsso_srv_conf_t *sc = zsso_config_srv(r->server);

    if (!zsso_config_store_shared(sc)
        || apr_table_get(zsso_req_cookies(r), ZSSO_SESSION_COOKIE) == NULL) {
        return 1;
    }
    return zsso_cache_put(r, PROBE_KEY, apr_time_now()
                          + apr_time_from_sec(60), one, 1) == APR_SUCCESS;
}

/* Session → identity. Returns OK, or DECLINED when there is none. */
static int from_session(request_rec *r, const zsso_dir_conf_t *dc)
{
    zsso_session_t *s = NULL;
    zsso_err_t err;
    zsso_status_t st;

    zsso_err_clear(&err);
    st = zsso_session_load(r, dc, &s, &err);
    if (st == ZSSO_OK && zsso_refresh_if_due(r, dc, s) != ZSSO_OK) {
        st = zsso_err_set(&err, ZSSO_EEXPIRED, "the provider refused to "
                          "refresh the session");
    }
    if (st == ZSSO_OK) {
        zsso_identity_apply(r, zsso_identity_make(r, dc, s));
        return OK;
    }
    if (st == ZSSO_ENOENT && !store_answers(r)) {
        st = zsso_err_set(&err, ZSSO_ELIMIT, "the store does not take a "
                          "write either");
    }
    if (st == ZSSO_ELIMIT) {
        const char *ref = zsso_page_ref(r);

        zsso_status_count(r, dc, ZSSO_CNT_STORE);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZSSO_LOGNO(00105)
                      "session store unavailable: %s (ref %s)", err.text,
                      ref);
        return zsso_page_error(r, HTTP_SERVICE_UNAVAILABLE, ref,
                               "Temporarily unavailable", "Sessions cannot "
                               "be checked right now. Try again in a "
                               "moment.", NULL, NULL);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZSSO_LOGNO(00106)
                  "no session: %s", err.text);
    return DECLINED;
}

/* Noted at translate_name, while the <Location> configuration applies;
 * map_to_storage then skips httpd's directory and file walk for it. */
int zsso_authn_translate(request_rec *r)
{
    const char *type = ap_auth_type(r);
    const zsso_dir_conf_t *dc;

    if (type == NULL || strcasecmp(type, ZSSO_AUTH_TYPE) != 0) {
        return DECLINED;
    }
    dc = zsso_config_dir(r);
    if (complete(dc) && endpoint_of(r, dc) != EP_NONE) {
        zsso_req(r)->endpoint = 1;
    }
    return DECLINED;
}

/* The module's own URLs name no file: no stat of each path segment, no
 * <Directory> or .htaccess lookup (mod_proxy does the same for what it
 * proxies). <Location> sections still apply: httpd walks them again after
 * this hook. */
int zsso_authn_map_to_storage(request_rec *r)
{
    return zsso_req(r)->endpoint ? OK : DECLINED;
}

int zsso_authn_check(request_rec *r)
{
    const char *type = ap_auth_type(r);
    const zsso_dir_conf_t *dc;
    const zsso_identity_t *id;
    endpoint_t ep;
    int rv;

    if (type == NULL || strcasecmp(type, ZSSO_AUTH_TYPE) != 0) {
        return DECLINED;
    }
    dc = zsso_config_dir(r);
    if (!configured(r, dc)) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ep = endpoint_of(r, dc);
    switch (ep) {
    case EP_CALLBACK:
        return zsso_callback_handle(r, dc);
    case EP_LOGOUT:
        return zsso_logout_handle(r, dc);
    case EP_LOGGED_OUT:
        return zsso_logout_done(r, dc);
    case EP_BACKCHANNEL:
        return zsso_backchannel_handle(r, dc);
    default:
        break;
    }
    /* A sub-request or an internal redirect of a signed-in request, for
     * the same organisation and location. */
    id = (r->main || r->prev) ? zsso_identity_inherit(r, dc) : NULL;
    if (id) {
        zsso_identity_apply(r, id);
        return OK;
    }
    rv = from_session(r, dc);
    if (rv != DECLINED) {
        if (rv == OK && ep == EP_LOGIN) {
            apr_table_setn(r->headers_out, "Location",
                           zsso_req_url(r, login_target(r, dc)));
            return HTTP_MOVED_TEMPORARILY;
        }
        return rv;
    }
    if (ep == EP_LOGIN) {
        return start_login(r, dc, login_target(r, dc), login_hint(r));
    }
    if (r->main == NULL && is_navigation(r)) {
        return start_login(r, dc, r->unparsed_uri, NULL);
    }
    return unauthorized(r, dc);
}

int zsso_authn_note_failure(request_rec *r, const char *auth_type)
{
    const zsso_identity_t *id;
    const char *ref;

    if (strcasecmp(auth_type, ZSSO_AUTH_TYPE) != 0) {
        return DECLINED;
    }
    id = zsso_identity_of(r);
    if (id == NULL) {
        return OK;              /* the 401 page is already in place */
    }
    /* Signed in, refused by Require: no new login, a page that says so.
     * mod_authz_core answers 401 here (unless AuthzSendForbiddenOnFailure
     * On); zsso_authn_forbid turns it into 403 as the error goes out. */
    ref = zsso_page_ref(r);
    zsso_status_count(r, zsso_config_dir(r), ZSSO_CNT_FORBIDDEN);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00108)
                  "user %s (role %s) may not open %s: refused by Require "
                  "(ref %s)", id->user, id->role, r->uri, ref);
    apr_table_setn(r->notes, NOTE_FORBIDDEN, "1");
    zsso_page_forbidden(r, ref, "Not allowed",
                        apr_pstrcat(r->pool, "You are signed in as ",
                                    id->user, " with the role ", id->role,
                                    ", which may not open this page. Ask "
                                    "your administrator if you need it.",
                                    NULL));
    return OK;
}

/* RFC 9110 section 15.5.4: the server understood who is asking and
 * refuses; 401 would invite the client to sign in again. Runs as the
 * error response starts (insert_error_filter) and, for an ErrorDocument
 * that is a local URL, in the request that serves it (insert_filter). */
void zsso_authn_forbid(request_rec *r)
{
    const request_rec *from = r;

    if (r->status != HTTP_UNAUTHORIZED) {
        return;
    }
    while (from && !apr_table_get(from->notes, NOTE_FORBIDDEN)) {
        from = from->prev;
    }
    if (from == NULL) {
        return;
    }
    r->status = HTTP_FORBIDDEN;
    r->status_line = NULL;
    apr_table_unset(r->err_headers_out, "WWW-Authenticate");
    apr_table_unset(r->headers_out, "WWW-Authenticate");
}
