/*
 * authz.c - authorization on the signed-in user's role and groups.
 * Arguments are words as httpd reads them, so a role with a space is
 * quoted: Require zsso-role "Console Admin" Auditor
 *
 * Require zsso-claim <name> <value>... matches a claim of the ID token the
 * session was made from: a string equal to a value, an array holding one,
 * or a number or boolean whose JSON text is one (exact, case-sensitive).
 */
#include <apr_strings.h>
#include <http_request.h>
#include <mod_auth.h>

#include "authz.h"
#include "identity.h"
#include "jose.h"
#include "json.h"
#include "session.h"

typedef int (*matcher_t)(const zsso_identity_t *id, const char *word);

static int role_matches(const zsso_identity_t *id, const char *word)
{
    return strcmp(id->role, word) == 0;
}

static int group_matches(const zsso_identity_t *id, const char *word)
{
    for (int i = 0; id->groups && i < id->groups->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(id->groups, i, const char *), word) == 0) {
            return 1;
        }
    }
    return 0;
}

static authz_status check(request_rec *r, const char *line, matcher_t match,
                          const char *what)
{
    const zsso_identity_t *id = zsso_identity_of(r);
    const char *w;

    if (id == NULL || r->user == NULL) {
        return AUTHZ_DENIED_NO_USER;
    }
    while (*(w = ap_getword_conf(r->pool, &line)) != '\0') {
        if (match(id, w)) {
            return AUTHZ_GRANTED;
        }
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZSSO_LOGNO(00401)
                  "user %s (role %s) has no %s listed in the Require line",
                  id->user, id->role, what);
    return AUTHZ_DENIED;
}

static authz_status check_role(request_rec *r, const char *line,
                               const void *parsed)
{
    return check(r, line, role_matches, "role");
}

static authz_status check_group(request_rec *r, const char *line,
                                const void *parsed)
{
    return check(r, line, group_matches, "group");
}

static const char *parse_words(cmd_parms *cmd, const char *line,
                               const void **parsed)
{
    const char *s = line;

    if (*ap_getword_conf(cmd->temp_pool, &s) == '\0') {
        return "Require zsso-role and zsso-group need at least one name";
    }
    return NULL;
}

/* The claim's values as text: a string, each string of an array, or the
 * JSON text of a number or boolean. NULL when absent or of another type. */
static apr_array_header_t *claim_values(request_rec *r,
                                        const zsso_identity_t *id,
                                        const char *name)
{
    apr_array_header_t *vals = NULL;
    const char *token;
    zsso_jws_t *jws;
    zsso_err_t err;
    apr_int64_t n;
    int b;

    zsso_err_clear(&err);
    /* Verified at sign-in; its sealed store entry kept it intact. Read
     * only where a zsso-claim line asks, not on every request. */
    token = id->session_id ? zsso_session_id_token(r, id->session_id) : "";
    jws = token[0] ? zsso_jws_parse(r->pool, token, &err) : NULL;
    if (jws == NULL) {
        return NULL;
    }
    if (zsso_json_get_strings(r->pool, jws->claims, name, &vals)
        == ZSSO_OK) {
        return vals;
    }
    vals = apr_array_make(r->pool, 1, sizeof(const char *));
    if (zsso_json_get_bool(jws->claims, name, &b) == ZSSO_OK) {
        APR_ARRAY_PUSH(vals, const char *) = b ? "true" : "false";
    }
    else if (zsso_json_get_int(jws->claims, name, &n) == ZSSO_OK) {
        APR_ARRAY_PUSH(vals, const char *) =
            apr_psprintf(r->pool, "%" APR_INT64_T_FMT, n);
    }
    return vals->nelts ? vals : NULL;
}

static authz_status check_claim(request_rec *r, const char *line,
                                const void *parsed)
{
    const zsso_identity_t *id = zsso_identity_of(r);
    const char *name, *w;
    apr_array_header_t *vals;

    if (id == NULL || r->user == NULL) {
        return AUTHZ_DENIED_NO_USER;
    }
    name = ap_getword_conf(r->pool, &line);
    vals = claim_values(r, id, name);
    while (vals && *(w = ap_getword_conf(r->pool, &line)) != '\0') {
        for (int i = 0; i < vals->nelts; i++) {
            if (strcmp(APR_ARRAY_IDX(vals, i, const char *), w) == 0) {
                return AUTHZ_GRANTED;
            }
        }
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZSSO_LOGNO(00402)
                  "user %s: claim %s %s none of the values in the Require "
                  "line", id->user, name, vals ? "has" : "is absent, so has");
    return AUTHZ_DENIED;
}

static const char *parse_claim(cmd_parms *cmd, const char *line,
                               const void **parsed)
{
    const char *s = line;

    if (*ap_getword_conf(cmd->temp_pool, &s) == '\0'
        || *ap_getword_conf(cmd->temp_pool, &s) == '\0') {
        return "Require zsso-claim needs a claim name and at least one "
               "value, e.g. Require zsso-claim department Finance";
    }
    return NULL;
}

static const authz_provider claim_provider = { check_claim, parse_claim };
static const authz_provider role_provider = { check_role, parse_words };
static const authz_provider group_provider = { check_group, parse_words };

void zsso_authz_register(apr_pool_t *p)
{
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "zsso-role",
                              AUTHZ_PROVIDER_VERSION, &role_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "zsso-group",
                              AUTHZ_PROVIDER_VERSION, &group_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "zsso-claim",
                              AUTHZ_PROVIDER_VERSION, &claim_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
}
