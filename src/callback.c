/*
 * callback.c - the authorization response (OpenID Connect Core 3.1.2.5),
 * the token request (3.1.3.1, RFC 7636 section 4.5) and the ID token
 * (3.1.3.7), ending in a new session and a redirect to where the user was.
 *
 *   query ─▶ state cookie (once) ─▶ error=? ─▶ token endpoint ─▶ ID token:
 *   signature (jose + provider keys), claims (idtoken) ─▶ session ─▶ 302
 */
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>

#include "backchannel.h"
#include "callback.h"
#include "idtoken.h"
#include "http.h"
#include "json.h"
#include "page.h"
#include "provider.h"
#include "request.h"
#include "session.h"
#include "state.h"
#include "status.h"
#include "userinfo.h"
#include "util.h"

#define TOKEN_MAX (256 * 1024)

const char *zsso_callback_uri(request_rec *r, const zsso_dir_conf_t *dc)
{
    if (dc->redirect_uri && dc->redirect_uri[0] != '/') {
        return dc->redirect_uri;
    }
    return zsso_req_url(r, zsso_config_callback_path(r->pool, dc));
}

static int try_again(request_rec *r, const zsso_dir_conf_t *dc, int status,
                     const char *ref, const char *title, const char *text)
{
    return zsso_page_error(r, status, ref, title, text,
                           zsso_config_endpoint(r->pool, dc, "login"),
                           "Sign in again");
}

/* ------------------------------------------------------------------ */
/* the provider said no                                               */
/* ------------------------------------------------------------------ */

/* Provider text goes to the log: printable ASCII only, cut short. */
static const char *loggable(apr_pool_t *p, const char *s)
{
    return zsso_printable(apr_palloc(p, 201), 201, s);
}

static int provider_error(request_rec *r, const zsso_dir_conf_t *dc,
                          const char *error)
{
    const char *desc = NULL, *ref = zsso_page_ref(r);

    zsso_query_get(r->pool, r->args, "error_description", &desc);
    zsso_status_count(r, dc, strcmp(error, "access_denied") == 0
                             ? ZSSO_CNT_NOT_ASSIGNED
                             : ZSSO_CNT_PROVIDER_ERROR);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00201)
                  "provider refused the sign-in: error=%.64s "
                  "description=\"%s\" (ref %s)",
                  loggable(r->pool, error), loggable(r->pool, desc), ref);
    /* Okta sends access_denied to a user the app is not assigned to. */
    if (strcmp(error, "access_denied") == 0) {
        return zsso_page_error(r, HTTP_FORBIDDEN, ref,
                               "Your account is not allowed into this "
                               "application",
                               apr_pstrcat(r->pool, "Okta signed you in, "
                                           "but your account is not allowed "
                                           "to use this application. Ask "
                                           "your administrator to assign it "
                                           "to you. Okta said: ",
                                           desc ? desc : error, NULL),
                               NULL, NULL);
    }
    return try_again(r, dc, HTTP_UNAUTHORIZED, ref, "Sign-in failed",
                     apr_pstrcat(r->pool, "Okta did not sign you in. Okta "
                                 "said: ", desc ? desc : error, NULL));
}

/* ------------------------------------------------------------------ */
/* token request                                                      */
/* ------------------------------------------------------------------ */

static const char *form_param(apr_pool_t *p, const char *name,
                              const char *value)
{
    return apr_pstrcat(p, "&", name, "=", zsso_url_encode(p, value), NULL);
}

/* client_secret_basic when offered, else client_secret_post (OpenID
 * Connect Core section 9). RFC 6749 section 2.3.1: both halves of the
 * Basic credentials are form-encoded first. */
zsso_status_t zsso_token_post(request_rec *r, const zsso_dir_conf_t *dc,
                              const zsso_metadata_t *m, const char *form,
                              zsso_http_resp_t *resp, zsso_err_t *err)
{
    zsso_http_req_t req = { 0 };

    if (m->auth_basic) {
        req.basic_user = zsso_url_encode(r->pool, dc->client_id);
        req.basic_pass = zsso_url_encode(r->pool, dc->client_secret);
    }
    else if (m->auth_post) {
        form = apr_pstrcat(r->pool, form,
                           form_param(r->pool, "client_id", dc->client_id),
                           form_param(r->pool, "client_secret",
                                      dc->client_secret), NULL);
    }
    else {
        return zsso_err_set(err, ZSSO_EINVAL, "the provider offers neither "
                            "client_secret_basic nor client_secret_post");
    }
    req.url = m->token_endpoint;
    req.form = form;
    req.ca_file = dc->ca_file;
    req.timeout = zsso_config_timeout(dc);
    return zsso_provider_call(r, &req, resp, err);
}

static zsso_status_t token_request(request_rec *r, const zsso_dir_conf_t *dc,
                                   const zsso_metadata_t *m,
                                   const zsso_state_t *st, const char *code,
                                   zsso_http_resp_t *resp, zsso_err_t *err)
{
    const char *form = apr_pstrcat(r->pool, "grant_type=authorization_code",
        form_param(r->pool, "code", code),
        form_param(r->pool, "redirect_uri", zsso_callback_uri(r, dc)),
        form_param(r->pool, "code_verifier", st->verifier), NULL);

    return zsso_token_post(r, dc, m, form, resp, err);
}

/* The token response as JSON; an error response is summarised without
 * its body beyond the OAuth error code (RFC 6749 section 5.2). */
static zsso_json_t *token_response(request_rec *r,
                                   const zsso_http_resp_t *resp,
                                   zsso_err_t *err)
{
    zsso_err_t perr;
    zsso_json_t *o;
    const char *e = NULL;

    zsso_err_clear(&perr);
    o = zsso_json_parse(r->pool, resp->body, resp->len, TOKEN_MAX, &perr);
    if (o == NULL) {
        zsso_err_set(err, ZSSO_EINVAL, "token endpoint answered HTTP %ld "
                     "with a body that is not a JSON object (%s)",
                     resp->status, perr.text);
        return NULL;
    }
    if (resp->status != 200) {
        zsso_json_get_string(o, "error", &e);
        zsso_err_set(err, ZSSO_ECLAIM, "token endpoint answered HTTP %ld "
                     "error=%.64s", resp->status, e ? e : "(none)");
        return NULL;
    }
    return o;
}

/* ------------------------------------------------------------------ */
/* ID token                                                           */
/* ------------------------------------------------------------------ */

static zsso_status_t check_id_token(request_rec *r,
                                    const zsso_dir_conf_t *dc,
                                    const zsso_state_t *st,
                                    const char *compact, zsso_jws_t **out,
                                    zsso_err_t *err)
{
    zsso_idtoken_expect_t want;
    zsso_jws_t *jws = zsso_jws_parse(r->pool, compact, err);

    if (jws == NULL) {
        return err->status;
    }
    if (zsso_provider_verify(r, dc, jws, err) != ZSSO_OK) {
        return err->status;
    }
    want.issuer = dc->issuer;
    want.client_id = dc->client_id;
    want.nonce = st->nonce;
    want.now = apr_time_sec(apr_time_now());
    want.skew = zsso_config_skew(dc);
    if (zsso_idtoken_check(jws->claims, &want, err) != ZSSO_OK) {
        return err->status;
    }
    *out = jws;
    return ZSSO_OK;
}

static const char *claim_or_empty(const zsso_json_t *c, const char *name)
{
    const char *v = NULL;

    zsso_json_get_string(c, name, &v);
    return v ? v : "";
}

/* The groups claim of the ID token; *found is 0 when it is absent (not
 * when it is empty: an empty list is Okta's answer for no groups). */
static apr_array_header_t *id_token_groups(request_rec *r,
                                           const zsso_dir_conf_t *dc,
                                           const zsso_jws_t *jws, int *found)
{
    apr_array_header_t *g = NULL;
    zsso_status_t st = zsso_json_get_strings(r->pool, jws->claims,
                                             zsso_config_role_claim(dc), &g);

    *found = st != ZSSO_ENOENT;
    return st == ZSSO_OK ? g : apr_array_make(r->pool, 1,
                                              sizeof(const char *));
}

static zsso_status_t session_from(request_rec *r, const zsso_dir_conf_t *dc,
                                  const zsso_jws_t *jws, const char *compact,
                                  zsso_session_t *s, zsso_err_t *err)
{
    const char *uc = zsso_config_user_claim(dc);

    if (zsso_json_get_string(jws->claims, uc, &s->user) != ZSSO_OK
        || s->user[0] == '\0') {
        return zsso_err_set(err, ZSSO_ECLAIM, "the user claim %s is "
                            "missing or not a string", uc);
    }
    zsso_json_get_string(jws->claims, "sub", &s->sub);
    s->email = claim_or_empty(jws->claims, "email");
    s->name = claim_or_empty(jws->claims, "name");
    s->issuer = dc->issuer;
    s->client_id = dc->client_id;
    s->base = zsso_req_where(r, dc);
    s->id_token = compact;
    s->created = apr_time_sec(apr_time_now());
    s->expires = s->created + zsso_config_session_age(dc);
    return ZSSO_OK;
}

/* Groups for the role: the ID token's, else userinfo's. Only a userinfo
 * answer about another subject stops the sign-in; without groups from
 * either, the user has the default role and the debug log says why. */
static zsso_status_t groups_for(request_rec *r, const zsso_dir_conf_t *dc,
                                const zsso_jws_t *jws,
                                const char *access_token, zsso_session_t *s,
                                zsso_err_t *err)
{
    zsso_metadata_t m;
    zsso_err_t uerr;
    int found;

    s->groups = id_token_groups(r, dc, jws, &found);
    if (found) {
        return ZSSO_OK;
    }
    zsso_err_clear(&uerr);
    if (zsso_provider_metadata(r, dc, &m, &uerr) == ZSSO_OK
        && zsso_userinfo_groups(r, dc, &m, access_token, s->sub, &s->groups,
                                &uerr) == ZSSO_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZSSO_LOGNO(00220)
                      "the ID token has no %s claim: %d group(s) taken "
                      "from userinfo", zsso_config_role_claim(dc),
                      s->groups->nelts);
        return ZSSO_OK;
    }
    if (uerr.status == ZSSO_ECLAIM || uerr.status == ZSSO_EBUSY) {
        return zsso_err_set(err, uerr.status, "%s", uerr.text);
    }
    s->groups = apr_array_make(r->pool, 1, sizeof(const char *));
    ap_log_rerror(APLOG_MARK, uerr.status == ZSSO_ENOENT ? APLOG_DEBUG
                  : APLOG_WARNING, 0, r, ZSSO_LOGNO(00221)
                  "no groups for %s (neither the ID token's %s claim nor "
                  "userinfo: %s): the default role applies", s->user,
                  zsso_config_role_claim(dc), uerr.text);
    return ZSSO_OK;
}

/* ------------------------------------------------------------------ */
/* the steps                                                          */
/* ------------------------------------------------------------------ */

/* Too many calls to providers wait in this process: 503 at once rather
 * than one more worker tied up (ZSSOProviderCallsMax). */
static int busy(request_rec *r, const zsso_dir_conf_t *dc, const char *ref,
                const zsso_err_t *err)
{
    zsso_status_count(r, dc, ZSSO_CNT_UNREACHABLE);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00503)
                  "cannot complete a sign-in now: %s: 503 (ref %s)",
                  err->text, ref);
    return zsso_page_busy(r, ref);
}

/* Code → token response → the ID token in compact form. Returns OK, or
 * the HTTP status of the page already prepared. */
static int obtain_id_token(request_rec *r, const zsso_dir_conf_t *dc,
                           const zsso_state_t *st, const char *code,
                           const char *ref, const char **compact,
                           zsso_json_t **answer)
{
    zsso_metadata_t m;
    zsso_http_resp_t resp;
    zsso_json_t *tok;
    zsso_err_t err;
    int bad_gw;

    zsso_err_clear(&err);
    if (zsso_provider_metadata(r, dc, &m, &err) != ZSSO_OK
        || token_request(r, dc, &m, st, code, &resp, &err) != ZSSO_OK) {
        if (err.status == ZSSO_EBUSY) {
            return busy(r, dc, ref, &err);
        }
        zsso_status_count(r, dc, ZSSO_CNT_UNREACHABLE);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZSSO_LOGNO(00202)
                      "token request failed: %s (ref %s)", err.text, ref);
        return try_again(r, dc, HTTP_BAD_GATEWAY, ref, "Okta cannot be "
                         "reached", "The sign-in could not be completed "
                         "because Okta did not answer properly. Try again "
                         "in a moment.");
    }
    tok = token_response(r, &resp, &err);
    if (tok && zsso_json_get_string(tok, "id_token", compact) == ZSSO_OK) {
        *answer = tok;
        return OK;
    }
    /* Not JSON, or no id_token: the provider is broken (502); an OAuth
     * error such as invalid_grant belongs to this sign-in (401). */
    bad_gw = tok != NULL || err.status == ZSSO_EINVAL;
    zsso_status_count(r, dc, bad_gw ? ZSSO_CNT_UNREACHABLE
                                    : ZSSO_CNT_TOKEN_REFUSED);
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZSSO_LOGNO(00203)
                  "token response refused: %s (ref %s)",
                  tok ? "no id_token in the token response" : err.text, ref);
    return try_again(r, dc, bad_gw ? HTTP_BAD_GATEWAY : HTTP_UNAUTHORIZED,
                     ref, "Sign-in failed", "Okta's answer to the sign-in "
                     "could not be used. Try again; if it keeps happening, "
                     "tell your administrator.");
}

/* RFC 6749 section 5.1: with a refresh token (ZSSOScope with
 * offline_access), or when the application is to see the access token,
 * the tokens are kept with the session. Failing that is logged, not
 * fatal: the session works, it will just not be refreshed. */
static void keep_tokens(request_rec *r, const zsso_dir_conf_t *dc,
                        zsso_session_t *s, const zsso_json_t *answer)
{
    const char *access = NULL, *refresh = NULL;
    apr_int64_t in = 0, now = apr_time_sec(apr_time_now());
    zsso_err_t err;

    zsso_json_get_string(answer, "access_token", &access);
    zsso_json_get_string(answer, "refresh_token", &refresh);
    zsso_json_get_int(answer, "expires_in", &in);
    if (access == NULL || (refresh == NULL && dc->pass_access_token != 1)) {
        return;
    }
    in = in > 0 && in < 366 * 86400 ? in : 0;
    zsso_err_clear(&err);
    if (zsso_session_set_tokens(r, s, access, refresh, now,
                                refresh && in ? now + in : 0, &err)
        != ZSSO_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00222)
                      "the access and refresh tokens cannot be kept: %s",
                      err.text);
    }
}

/* A sign-in always makes a new session id (no fixation, OWASP ASVS
 * 3.2.1); a session this browser still had here ends with it. */
static void end_previous(request_rec *r, const zsso_dir_conf_t *dc)
{
    zsso_session_t *old = NULL;
    zsso_err_t err;

    zsso_err_clear(&err);
    if (zsso_session_load(r, dc, &old, &err) == ZSSO_OK && old) {
        zsso_session_end_ref(r, zsso_session_ref(r->pool, old->id));
    }
}

/* The keys to check the ID token with cannot be had (the key endpoint
 * fails, or serves no usable key): the provider's fault, 502. */
static int keys_unavailable(request_rec *r, const zsso_dir_conf_t *dc,
                            const char *ref, const zsso_err_t *err)
{
    zsso_status_count(r, dc, ZSSO_CNT_UNREACHABLE);
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZSSO_LOGNO(00501)
                  "cannot check the ID token: the provider's keys cannot "
                  "be fetched: %s (ref %s)", err->text, ref);
    return try_again(r, dc, HTTP_BAD_GATEWAY, ref, "Okta cannot be reached",
                     "The sign-in could not be completed because Okta's "
                     "signing keys could not be fetched. Try again in a "
                     "moment.");
}

static int exchange(request_rec *r, const zsso_dir_conf_t *dc,
                    const zsso_state_t *st, const char *code)
{
    const char *ref = zsso_page_ref(r), *compact = NULL, *at = NULL;
    const char *sid = NULL;
    zsso_json_t *answer = NULL;
    zsso_jws_t *jws = NULL;
    zsso_session_t s = { 0 };
    zsso_err_t err;
    int rv = obtain_id_token(r, dc, st, code, ref, &compact, &answer);

    if (rv != OK) {
        return rv;
    }
    zsso_json_get_string(answer, "access_token", &at);
    zsso_err_clear(&err);
    if (check_id_token(r, dc, st, compact, &jws, &err) == ZSSO_OK
        && session_from(r, dc, jws, compact, &s, &err) == ZSSO_OK) {
        groups_for(r, dc, jws, at, &s, &err);
    }
    if (err.status == ZSSO_EPROVIDER) {
        return keys_unavailable(r, dc, ref, &err);
    }
    if (err.status == ZSSO_EBUSY) {
        return busy(r, dc, ref, &err);
    }
    if (err.status != ZSSO_OK) {
        zsso_status_count(r, dc, ZSSO_CNT_TOKEN_REFUSED);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZSSO_LOGNO(00204)
                      "ID token refused: %s (ref %s)", err.text, ref);
        return try_again(r, dc, HTTP_UNAUTHORIZED, ref, "Sign-in failed",
                         "The identity Okta sent could not be verified, so "
                         "you are not signed in. Try again; if it keeps "
                         "happening, tell your administrator.");
    }
    end_previous(r, dc);
    if (zsso_state_spend(r, st, &err) != ZSSO_OK
        || zsso_session_create(r, dc, &s, &err) != ZSSO_OK) {
        zsso_status_count(r, dc, ZSSO_CNT_STORE);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, ZSSO_LOGNO(00205)
                      "cannot store the session: %s (ref %s)", err.text,
                      ref);
        return zsso_page_error(r, HTTP_SERVICE_UNAVAILABLE, ref,
                               "Sign-in unavailable", "Your sign-in worked "
                               "but could not be saved on this server. Try "
                               "again in a moment.", NULL, NULL);
    }
    zsso_json_get_string(jws->claims, "sid", &sid);
    zsso_backchannel_remember(r, dc, &s, sid);
    keep_tokens(r, dc, &s, answer);
    zsso_status_count(r, dc, ZSSO_CNT_LOGIN);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00206)
                  "signed in: user %s sub %s issuer %s", s.user, s.sub,
                  s.issuer);
    apr_table_setn(r->headers_out, "Location", zsso_req_url(r,
                   zsso_return_path_ok(st->return_to) ? st->return_to : "/"));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_MOVED_TEMPORARILY;
}

/* 400 with a page offering a new sign-in; the log says why. */
static int bad_request(request_rec *r, const zsso_dir_conf_t *dc,
                       const char *why)
{
    const char *ref = zsso_page_ref(r);

    zsso_status_count(r, dc, ZSSO_CNT_BAD_CALLBACK);
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00207)
                  "callback refused: %s (ref %s)", why, ref);
    return try_again(r, dc, HTTP_BAD_REQUEST, ref, "Sign-in link not valid",
                     "This sign-in answer cannot be used: it has expired, "
                     "was already used, or was started in another browser. "
                     "Start the sign-in again.");
}

/* RFC 9207 section 2.4, a defence against mix-ups between providers: an
 * iss in the response must be our issuer, and must be there when the
 * provider says it always sends one. */
static int iss_ok(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *iss = NULL;
    zsso_status_t qs = zsso_query_get(r->pool, r->args, "iss", &iss);
    zsso_metadata_t m;
    zsso_err_t err;

    if (qs == ZSSO_OK) {
        return strcmp(iss, dc->issuer) == 0;
    }
    if (qs != ZSSO_ENOENT) {
        return 0;
    }
    zsso_err_clear(&err);
    return zsso_provider_metadata(r, dc, &m, &err) != ZSSO_OK
           || !m.iss_param;
}

int zsso_callback_handle(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *state = NULL, *code = NULL, *error = NULL;
    zsso_state_t *st;
    zsso_err_t err;
    zsso_status_t qs, qc, qe;

    if (r->method_number != M_GET) {
        return bad_request(r, dc, "method is not GET");
    }
    zsso_err_clear(&err);
    qs = zsso_query_get(r->pool, r->args, "state", &state);
    qc = zsso_query_get(r->pool, r->args, "code", &code);
    qe = zsso_query_get(r->pool, r->args, "error", &error);
    if (qs != ZSSO_OK || qc == ZSSO_EDUP || qe == ZSSO_EDUP
        || qc == ZSSO_EINVAL || qe == ZSSO_EINVAL) {
        return bad_request(r, dc, qs == ZSSO_ENOENT
                           ? "no state parameter"
                           : "state, code or error missing, repeated or "
                             "badly encoded");
    }
    if (error == NULL && (code == NULL || code[0] == '\0')) {
        return bad_request(r, dc, "neither code nor error");
    }
    if (zsso_state_take(r, dc, state, &st, &err) != ZSSO_OK) {
        return bad_request(r, dc, err.text);
    }
    if (!iss_ok(r, dc)) {
        return bad_request(r, dc, "iss in the authorization response is "
                           "missing or not the configured issuer");
    }
    if (error) {
        return provider_error(r, dc, error);
    }
    return exchange(r, dc, st, code);
}
