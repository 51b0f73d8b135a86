/*
 * identity.c - user, role and environment for the application.
 */
#include <stdio.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "identity.h"
#include "logout.h"
#include "request.h"
#include "rolefile.h"
#include "util.h"

#define FORGED_PREFIX "x-zsso-"

const char *zsso_identity_role(request_rec *r, const zsso_dir_conf_t *dc,
                               const char *user,
                               const apr_array_header_t *groups)
{
    const zsso_role_rule_t *rules;
    const char *own;

    if (dc->role_file) {
        own = zsso_rolefile_role(r, zsso_config_srv(r->server)->global
                                        ->rolefiles, dc->role_file, user);
        if (own) {
            return own;
        }
    }

    if (dc->role_map && groups) {
        rules = (const zsso_role_rule_t *)dc->role_map->elts;
        for (int i = 0; i < dc->role_map->nelts; i++) {
            for (int j = 0; j < groups->nelts; j++) {
                if (strcmp(rules[i].group,
                           APR_ARRAY_IDX(groups, j, const char *)) == 0) {
                    return rules[i].role;
                }
            }
        }
    }
    return zsso_config_default_role(dc);
}

zsso_identity_t *zsso_identity_make(request_rec *r,
                                    const zsso_dir_conf_t *dc,
                                    const zsso_session_t *s)
{
    zsso_identity_t *id = apr_palloc(r->pool, sizeof(*id));

    id->user = s->user;
    id->email = s->email;
    id->name = s->name;
    id->sub = s->sub;
    id->issuer = s->issuer;
    id->client_id = s->client_id;
    id->base = s->base;
    id->groups = s->groups;
    id->session_id = s->id;
    id->access_token = NULL;
    if (dc->pass_access_token == 1) {
        const char *refresh;

        zsso_session_tokens(r, s, &id->access_token, &refresh);
    }
    id->logout_url = apr_pstrcat(r->pool,
                                 zsso_config_endpoint(r->pool, dc, "logout"),
                                 "?token=", s->logout_token,
                                 NULL);
    id->role = zsso_identity_role(r, dc, s->user, s->groups);
    return id;
}

/* Groups joined with commas; a comma or '%' inside a name is written %2C
 * or %25, so that splitting on commas never invents a group. */
static const char *join(apr_pool_t *p, const apr_array_header_t *a)
{
    apr_array_header_t *parts;

    if (a == NULL || a->nelts == 0) {
        return "";
    }
    parts = apr_array_make(p, a->nelts, sizeof(const char *));
    for (int i = 0; i < a->nelts; i++) {
        const char *g = APR_ARRAY_IDX(a, i, const char *);
        const char *out = g;

        if (strpbrk(g, ",%")) {
            char *q = apr_palloc(p, 3 * strlen(g) + 1), *o = q;

            for (; *g; g++) {
                if (*g == ',' || *g == '%') {
                    o += sprintf(o, "%%%02X", (unsigned char)*g);
                }
                else {
                    *o++ = *g;
                }
            }
            *o = '\0';
            out = q;
        }
        APR_ARRAY_PUSH(parts, const char *) = out;
    }
    return apr_array_pstrcat(p, parts, ',');
}

/* The application never sees the module's cookies: a session id is a
 * bearer credential, and a console that logs or forwards request headers
 * must not be able to replay it (under a nested location, say). */
/* XXX(ZI-9): httpd merges several Cookie header lines into one with ", "
 * and only ';' separates pairs here, so from a client that sends two
 * Cookie lines a zsso_ cookie after the comma stays in the header. */
static void strip_cookies(request_rec *r)
{
    const apr_array_header_t *h = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)h->elts;
    const char *all = NULL;
    char *rest;

    for (int i = 0; i < h->nelts; i++) {
        if (e[i].key && strcasecmp(e[i].key, "Cookie") == 0) {
            all = all ? apr_pstrcat(r->pool, all, "; ", e[i].val, NULL)
                      : e[i].val;
        }
    }
    if (all == NULL || strstr(all, ZSSO_COOKIE_PREFIX) == NULL) {
        return;
    }
    rest = zsso_cookie_strip(r->pool, all, ZSSO_COOKIE_PREFIX);
    apr_table_unset(r->headers_in, "Cookie");
    if (rest) {
        apr_table_setn(r->headers_in, "Cookie", rest);
    }
}

/* A value for a request header: bytes outside printable ASCII, '%' and
 * the bytes in also become %XX (RFC 3986 section 2.1 style), so that no
 * claim can end a header line or smuggle another one; UTF-8 survives as
 * its escapes. */
static const char *header_value(apr_pool_t *p, const char *v,
                                const char *also)
{
    char *out, *o;

    if (v == NULL) {
        return "";
    }
    out = o = apr_palloc(p, 3 * strlen(v) + 1);
    for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
        if (*c < 0x20 || *c >= 0x7f || *c == '%' || strchr(also, *c)) {
            o += sprintf(o, "%%%02X", *c);
        }
        else {
            *o++ = (char)*c;
        }
    }
    *o = '\0';
    return out;
}

/* Groups joined with commas, each encoded, a comma inside a name too. */
static const char *header_groups(apr_pool_t *p, const apr_array_header_t *g)
{
    apr_array_header_t *parts;

    if (g == NULL || g->nelts == 0) {
        return "";
    }
    parts = apr_array_make(p, g->nelts, sizeof(const char *));
    for (int i = 0; i < g->nelts; i++) {
        APR_ARRAY_PUSH(parts, const char *) =
            header_value(p, APR_ARRAY_IDX(g, i, const char *), ",");
    }
    return apr_array_pstrcat(p, parts, ',');
}

/* ZSSOPassHeaders On: for a console behind mod_proxy, which sees no
 * environment. Forged copies were removed in post_read_request. */
static void pass_headers(request_rec *r, const zsso_identity_t *id)
{
    const zsso_dir_conf_t *dc = zsso_config_dir(r);
    apr_table_t *h = r->headers_in;

    if (dc->pass_headers != 1) {
        return;
    }
    apr_table_setn(h, "X-ZSSO-User", header_value(r->pool, id->user, ""));
    apr_table_setn(h, "X-ZSSO-Role", header_value(r->pool, id->role, ""));
    apr_table_setn(h, "X-ZSSO-Email", header_value(r->pool, id->email, ""));
    apr_table_setn(h, "X-ZSSO-Groups", header_groups(r->pool, id->groups));
}

void zsso_identity_apply(request_rec *r, const zsso_identity_t *id)
{
    apr_table_t *env = r->subprocess_env;

    r->user = (char *)id->user;
    r->ap_auth_type = (char *)ZSSO_AUTH_TYPE;     /* AUTH_TYPE for CGI */
    apr_table_setn(env, "ZSSO_USER", id->user);
    apr_table_setn(env, "ZSSO_ROLE", id->role);
    apr_table_setn(env, "ZSSO_EMAIL", id->email);
    apr_table_setn(env, "ZSSO_NAME", id->name);
    apr_table_setn(env, "ZSSO_SUB", id->sub);
    apr_table_setn(env, "ZSSO_GROUPS", join(r->pool, id->groups));
    apr_table_setn(env, "ZSSO_ISSUER", id->issuer);
    apr_table_setn(env, "ZSSO_LOGOUT_URL", id->logout_url);
    if (id->access_token && id->access_token[0]) {
        apr_table_setn(env, "ZSSO_ACCESS_TOKEN", id->access_token);
    }
    zsso_req((request_rec *)r)->identity = id;
    pass_headers(r, id);
    strip_cookies(r);
}

const zsso_identity_t *zsso_identity_of(const request_rec *r)
{
    for (; r; r = r->main ? r->main : r->prev) {
        const zsso_req_t *rq = ap_get_module_config(r->request_config,
                                                    &zsso_module);

        if (rq && rq->identity) {
            return rq->identity;
        }
    }
    return NULL;
}

zsso_identity_t *zsso_identity_inherit(request_rec *r,
                                       const zsso_dir_conf_t *dc)
{
    const request_rec *from = r->main ? r->main : r->prev;
    const zsso_identity_t *up = from ? zsso_identity_of(from) : NULL;
    zsso_identity_t *id;

    /* A session is bound to where it was made; an internal redirect into
     * another organisation's location must not carry it there. */
    if (up == NULL || strcmp(up->issuer, dc->issuer) != 0
        || strcmp(up->client_id, dc->client_id) != 0
        || !zsso_req_where_is(r, dc, up->base)) {
        return NULL;
    }
    id = apr_pmemdup(r->pool, up, sizeof(*id));
    id->role = zsso_identity_role(r, dc, id->user, id->groups);
    return id;
}

static int forged(const char *name)
{
    for (int i = 0; FORGED_PREFIX[i]; i++) {
        char c = apr_tolower(name[i]);

        if (c == '_') {
            c = '-';
        }
        if (c != FORGED_PREFIX[i]) {
            return 0;
        }
    }
    return 1;
}

void zsso_identity_scrub(request_rec *r)
{
    const apr_array_header_t *h = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)h->elts;
    apr_array_header_t *drop = NULL;

    for (int i = 0; i < h->nelts; i++) {
        if (e[i].key && (e[i].key[0] == 'x' || e[i].key[0] == 'X')
            && forged(e[i].key)) {
            if (drop == NULL) {
                drop = apr_array_make(r->pool, 2, sizeof(const char *));
            }
            APR_ARRAY_PUSH(drop, const char *) = e[i].key;
        }
    }
    for (int i = 0; drop && i < drop->nelts; i++) {
        const char *name = APR_ARRAY_IDX(drop, i, const char *);

        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00040)
                      "removed request header %.64s: only mod_zsso sets it",
                      name);
        apr_table_unset(r->headers_in, name);
    }
}
