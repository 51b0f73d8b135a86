/*
 * authz.c - authorization on the signed-in user's role and groups.
 * Arguments are words as httpd reads them, so a role with a space is
 * quoted: Require zsso-role "Console Admin" Auditor
 */
#include <apr_strings.h>
#include <http_request.h>
#include <mod_auth.h>

#include "authz.h"
#include "identity.h"

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
}
