/*
 * refresh.c - the refresh token grant (RFC 6749 section 6; OpenID Connect
 * Core section 12) on the request path.
 *
 *   due? (a quarter of the token's life, at most a minute, before it ends)
 *   ─▶ lock (a store entry added only when absent, 30 s) ─▶ token endpoint
 *   ─▶ 200: new tokens kept   4xx: the session ends   else: try in 30 s
 *
 * The lock makes one request of all those arriving at once do the work;
 * the others are served with the token they have, which is still valid.
 */
#include <apr_strings.h>

#include "cache.h"
#include "callback.h"
#include "json.h"
#include "refresh.h"
#include "util.h"

#define EARLY_MAX   60          /* refresh at most this long before exp */
#define LOCK_TTL    30          /* a refresh in progress, or a back-off */
#define ANSWER_MAX  (256 * 1024)

static int due(const zsso_session_t *s, apr_int64_t now)
{
    apr_int64_t early = (s->access_exp - s->access_at) / 4;

    early = early < EARLY_MAX ? early : EARLY_MAX;
    return s->access_exp > 0 && now >= s->access_exp - early;
}

/* RFC 6749 section 5.2: an error answer names the grant as refused. */
static int refused(const zsso_http_resp_t *resp, apr_pool_t *p)
{
    zsso_err_t err;
    zsso_json_t *o;
    const char *e = NULL;

    if (resp->status < 400 || resp->status >= 500) {
        return 0;
    }
    zsso_err_clear(&err);
    o = zsso_json_parse(p, resp->body, resp->len, ANSWER_MAX, &err);
    return o && zsso_json_get_string(o, "error", &e) == ZSSO_OK
           && (strcmp(e, "invalid_grant") == 0
               || strcmp(e, "unauthorized_client") == 0
               || strcmp(e, "invalid_client") == 0);
}

static zsso_status_t keep(request_rec *r, zsso_session_t *s,
                          const zsso_http_resp_t *resp, const char *old,
                          zsso_err_t *err)
{
    const char *access = NULL, *refresh = NULL;
    apr_int64_t in = 0, now = apr_time_sec(apr_time_now());
    zsso_json_t *o = zsso_json_parse(r->pool, resp->body, resp->len,
                                     ANSWER_MAX, err);

    if (o == NULL || zsso_json_get_string(o, "access_token", &access)
                     != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_EINVAL, "the refresh answer has no "
                            "access_token");
    }
    zsso_json_get_int(o, "expires_in", &in);
    in = in > 0 && in < 366 * 86400 ? in : 3600;
    /* Section 6: a new refresh token replaces the old one, if sent. */
    zsso_json_get_string(o, "refresh_token", &refresh);
    return zsso_session_set_tokens(r, s, access, refresh ? refresh : old,
                                   now, now + in, err);
}

zsso_status_t zsso_refresh_if_due(request_rec *r, const zsso_dir_conf_t *dc,
                                  zsso_session_t *s)
{
    apr_int64_t now = apr_time_sec(r->request_time);
    const char *lock, *access = NULL, *refresh = NULL;
    zsso_http_resp_t resp;
    zsso_metadata_t m;
    zsso_err_t err;

    if (!due(s, now)) {
        return ZSSO_OK;
    }
    lock = apr_pstrcat(r->pool, zsso_session_ref(r->pool, s->id), ":l",
                       NULL);
    if (zsso_cache_add(r, lock, apr_time_from_sec(now + LOCK_TTL),
                       (const unsigned char *)"1", 1) != APR_SUCCESS) {
        return ZSSO_OK;         /* another request is on it */
    }
    zsso_err_clear(&err);
    if (zsso_session_tokens(r, s, &access, &refresh) != ZSSO_OK
        || refresh[0] == '\0'
        || zsso_provider_metadata(r, dc, &m, &err) != ZSSO_OK
        || zsso_token_post(r, dc, &m, apr_pstrcat(r->pool,
               "grant_type=refresh_token&refresh_token=",
               zsso_url_encode(r->pool, refresh), NULL), &resp, &err)
           != ZSSO_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00320)
                      "refresh for %s not done, tried again in %d s: %s",
                      s->user, LOCK_TTL, err.text[0] ? err.text
                      : "no refresh token kept");
        return ZSSO_OK;         /* the lock stays: a back-off */
    }
    if (refused(&resp, r->pool)) {
        zsso_session_end_ref(r, zsso_session_ref(r->pool, s->id));
        zsso_cache_remove(r, lock);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00321)
                      "the provider refused to refresh the session of %s "
                      "(HTTP %ld): the session has ended", s->user,
                      resp.status);
        return ZSSO_EEXPIRED;
    }
    if (resp.status != 200 || keep(r, s, &resp, refresh, &err) != ZSSO_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00322)
                      "refresh for %s failed (HTTP %ld%s%s), tried again in "
                      "%d s", s->user, resp.status, err.text[0] ? ": " : "",
                      err.text, LOCK_TTL);
        return ZSSO_OK;
    }
    zsso_cache_remove(r, lock);
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZSSO_LOGNO(00323)
                  "the access token of %s was refreshed", s->user);
    return ZSSO_OK;
}
