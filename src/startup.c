/*
 * startup.c - find, check and announce the protected locations.
 *
 * AuthType belongs to mod_authn_core, so the module cannot see it being
 * set; instead the parsed configuration tree (ap_conftree, the same tree
 * mod_info shows) is walked for "AuthType zsso", and the record httpd will
 * use for that <Location> is rebuilt by merging the server defaults with
 * every <Location> section that covers its path, in configuration order.
 */
#include <apr_strings.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <http_core.h>
#include <util_cfgtree.h>

#include "config.h"
#include "startup.h"
#include "status.h"

typedef struct {
    server_rec *s;
    const ap_directive_t *at;   /* the AuthType directive */
    const char *path;           /* the <Location> path, NULL if none */
    int protects;               /* has AuthType zsso itself */
} section_t;

static server_rec *server_of(const ap_directive_t *vh, server_rec *main_s)
{
    for (server_rec *s = main_s->next; s; s = s->next) {
        if (s->defn_name && s->defn_line_number == (unsigned)vh->line_num
            && strcmp(s->defn_name, vh->filename) == 0) {
            return s;
        }
    }
    return main_s;
}

/* The nearest enclosing section that decides where the directive applies;
 * conditional wrappers (<IfModule>, <If>, <RequireAll> ...) are skipped. */
static const ap_directive_t *enclosing(const ap_directive_t *d)
{
    static const char *const scopes[] = {
        "<Location", "<LocationMatch", "<Directory", "<DirectoryMatch",
        "<Files", "<FilesMatch", "<VirtualHost", NULL
    };

    for (d = d->parent; d; d = d->parent) {
        for (int i = 0; scopes[i]; i++) {
            if (strcasecmp(d->directive, scopes[i]) == 0) {
                return d;
            }
        }
    }
    return NULL;
}

static const char *location_path(apr_pool_t *p, const ap_directive_t *loc)
{
    const char *args = loc->args;
    char *w = ap_getword_conf(p, &args);
    apr_size_t n = strlen(w);

    /* The section's arguments keep their closing '>'. */
    if (n > 0 && w[n - 1] == '>') {
        w[n - 1] = '\0';
    }
    return w;
}

/* Directives that give a <Location> endpoints of its own. */
static int moves_base(const ap_directive_t *d)
{
    static const char *const names[] = {
        "ZSSOOktaDomain", "ZSSOAuthServer", "ZSSOClientID",
        "ZSSORedirectURI", NULL
    };

    for (int i = 0; names[i]; i++) {
        if (strcasecmp(d->directive, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static void collect(apr_pool_t *p, const ap_directive_t *d, server_rec *s,
                    server_rec *main_s, apr_array_header_t *out)
{
    for (; d; d = d->next) {
        int at = strcasecmp(d->directive, "AuthType") == 0 && d->args
                 && strcasecmp(d->args, ZSSO_AUTH_TYPE) == 0;

        if (strcasecmp(d->directive, "<VirtualHost") == 0) {
            collect(p, d->first_child, server_of(d, main_s), main_s, out);
        }
        else if (at || moves_base(d)) {
            const ap_directive_t *sec = enclosing(d);
            section_t *e;

            if (!at && (sec == NULL
                        || strcasecmp(sec->directive, "<Location") != 0)) {
                continue;       /* server-wide connection: no base of its own */
            }
            e = apr_array_push(out);
            e->s = s;
            e->at = d;
            e->protects = at;
            e->path = sec && strcasecmp(sec->directive, "<Location") == 0
                ? location_path(p, sec) : NULL;
        }
        else if (d->first_child) {
            collect(p, d->first_child, s, main_s, out);
        }
    }
}

/* Does <Location loc> cover path? httpd matches on whole path segments. */
static int covers(const char *loc, const char *path)
{
    apr_size_t n = strlen(loc);

    while (n > 1 && loc[n - 1] == '/') {
        n--;
    }
    return strncmp(loc, path, n) == 0
           && (path[n] == '\0' || path[n] == '/' || loc[n - 1] == '/');
}

static zsso_dir_conf_t *merged_for(apr_pool_t *p, server_rec *s,
                                   const char *path)
{
    core_server_config *core = ap_get_core_module_config(s->module_config);
    ap_conf_vector_t **secs = (ap_conf_vector_t **)core->sec_url->elts;
    zsso_dir_conf_t *dc = ap_get_module_config(s->lookup_defaults,
                                               &zsso_module);

    for (int i = 0; i < core->sec_url->nelts; i++) {
        core_dir_config *cd = ap_get_core_module_config(secs[i]);
        zsso_dir_conf_t *add = ap_get_module_config(secs[i], &zsso_module);

        if (add && cd->d && cd->r == NULL && covers(cd->d, path)) {
            dc = zsso_config_merge_dir(p, dc, add);
        }
    }
    return dc;
}

/* Is path inside a location of server s that has AuthType zsso? */
static int protected_path(const apr_array_header_t *secs, const server_rec *s,
                          const char *path)
{
    for (int i = 0; i < secs->nelts; i++) {
        const section_t *e = &APR_ARRAY_IDX(secs, i, section_t);

        if (e->protects && e->s == s && e->path && covers(e->path, path)) {
            return 1;
        }
    }
    return 0;
}

/* Every <Location> with AuthType zsso, and every <Location> inside one that
 * brings its own connection or redirect URI; one entry per server and
 * path. */
static apr_array_header_t *protected_sections(apr_pool_t *p, server_rec *s)
{
    apr_array_header_t *all = apr_array_make(p, 4, sizeof(section_t));
    apr_array_header_t *out = apr_array_make(p, 4, sizeof(section_t));

    collect(p, ap_conftree, s, s, all);
    for (int i = 0; i < all->nelts; i++) {
        const section_t *e = &APR_ARRAY_IDX(all, i, section_t);
        int dup = 0;

        if (!e->protects && !protected_path(all, e->s, e->path)) {
            continue;
        }
        for (int j = 0; j < out->nelts && !dup; j++) {
            section_t *o = &APR_ARRAY_IDX(out, j, section_t);

            dup = o->s == e->s && o->path && e->path
                  && strcmp(o->path, e->path) == 0;
            o->protects |= dup && e->protects;
        }
        if (!dup) {
            *(section_t *)apr_array_push(out) = *e;
        }
    }
    return out;
}

/* The base of a protected location is its own path; a <Location> with a
 * connection or redirect URI of its own also gets one. Every other record
 * (<Directory>, an unrelated <Location />) has none, so a protected
 * location never inherits a foreign path as its base. */
static void mark_bases(apr_pool_t *p, server_rec *main_s,
                       const apr_array_header_t *secs)
{
    for (server_rec *s = main_s; s; s = s->next) {
        core_server_config *core = ap_get_core_module_config(
                                       s->module_config);
        ap_conf_vector_t **v = (ap_conf_vector_t **)core->sec_url->elts;

        for (int i = 0; i < core->sec_url->nelts; i++) {
            core_dir_config *cd = ap_get_core_module_config(v[i]);
            zsso_dir_conf_t *dc = ap_get_module_config(v[i], &zsso_module);
            int mine = dc && dc->base_here;

            for (int j = 0; !mine && j < secs->nelts; j++) {
                const section_t *e = &APR_ARRAY_IDX(secs, j, section_t);

                mine = e->path && cd->d && strcmp(e->path, cd->d) == 0;
            }
            if (!mine || cd->d == NULL || cd->r != NULL) {
                continue;
            }
            /* httpd makes a module's record for a section only when one of
             * its directives appears there; "AuthType zsso" is not ours. */
            if (dc == NULL) {
                dc = zsso_config_create_dir(p, cd->d);
                ap_set_module_config(v[i], &zsso_module, dc);
            }
            if (dc->base == NULL) {
                dc->base = zsso_config_base_of(p, cd->d);
            }
        }
    }
}

static const char *missing(const zsso_dir_conf_t *dc)
{
    if (dc->domain == NULL) {
        return "ZSSOOktaDomain";
    }
    if (dc->client_id == NULL) {
        return "ZSSOClientID";
    }
    if (dc->client_secret == NULL) {
        return "ZSSOClientSecret";
    }
    return NULL;
}

/* The default session store needs mod_socache_shmcb, which Debian does
 * not load by default: say so now rather than at the first start. */
static int store_loadable(server_rec *s, const apr_array_header_t *secs)
{
    if (secs->nelts == 0 || zsso_config_srv(s)->cache_spec != NULL
        || ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, "shmcb",
                              AP_SOCACHE_PROVIDER_VERSION) != NULL) {
        return 1;
    }
    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                 ZSSO_LOGNO(00006) "sessions are kept in shmcb by default "
                 "and mod_socache_shmcb is not loaded: load it (on Debian: "
                 "a2enmod socache_shmcb) or set ZSSOSessionCache");
    return 0;
}

/* A store other nodes may share (memcache, redis: anything but the
 * machine-local shmcb and dbm) holds records every node must open, so
 * the key cannot be a random one of this node's. */
static int shared_store_keyed(server_rec *s, const apr_array_header_t *secs)
{
    const zsso_srv_conf_t *sc = zsso_config_srv(s);
    const char *spec = sc->cache_spec;

    if (secs->nelts == 0 || !zsso_config_store_shared(sc)
        || sc->passphrase != NULL) {
        return 1;
    }
    ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                 ZSSO_LOGNO(00008) "ZSSOSessionCache %s can be shared by "
                 "several httpd nodes, and they must all open the same "
                 "sealed sessions: set the same ZSSOCryptoPassphrase on "
                 "every node", spec);
    return 0;
}

/* One protected location: its directives, and a callback it serves. */
static int check_section(apr_pool_t *ptemp, server_rec *s,
                         const apr_array_header_t *secs, const section_t *e)
{
    const zsso_dir_conf_t *dc;
    const char *need, *cb;

    /* XXX(ZI-2): only <Location> has the URL path the endpoints need;
     * <Directory>, <Files> and .htaccess protection is refused. */
    if (e->path == NULL) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     ZSSO_LOGNO(00001) "AuthType zsso at %s:%d: use it "
                     "inside <Location> (the module needs the URL path "
                     "under which its endpoints live)", e->at->filename,
                     e->at->line_num);
        return 0;
    }
    dc = merged_for(ptemp, e->s, e->path);
    need = missing(dc);
    if (need) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     ZSSO_LOGNO(00002) "%s is required: <Location %s> "
                     "(%s:%d) uses AuthType zsso and no %s applies to "
                     "it", need, e->path, e->at->filename,
                     e->at->line_num, need);
        return 0;
    }
    cb = zsso_config_callback_path(ptemp, dc);
    if (!protected_path(secs, e->s, cb)) {
        ap_log_error(APLOG_MARK, APLOG_STARTUP | APLOG_EMERG, 0, s,
                     ZSSO_LOGNO(00007) "ZSSORedirectURI of <Location %s> "
                     "(%s:%d): %s is not inside a location with AuthType "
                     "zsso, so nothing would answer Okta there", e->path,
                     e->at->filename, e->at->line_num, cb);
        return 0;
    }
    return 1;
}

int zsso_startup_check(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    apr_array_header_t *secs = protected_sections(ptemp, s);
    int ok = store_loadable(s, secs) && shared_store_keyed(s, secs);

    mark_bases(pconf, s, secs);
    for (int i = 0; i < secs->nelts; i++) {
        ok &= check_section(ptemp, s, secs,
                            &APR_ARRAY_IDX(secs, i, section_t));
    }
    return ok ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

static const char *server_url(apr_pool_t *p, const server_rec *s)
{
    const char *scheme = s->server_scheme ? s->server_scheme
                         : (s->port == 443 ? "https" : "http");
    int dflt = strcmp(scheme, "https") == 0 ? 443 : 80;

    if (s->port == 0 || s->port == dflt) {
        return apr_pstrcat(p, scheme, "://", s->server_hostname, NULL);
    }
    return apr_psprintf(p, "%s://%s:%u", scheme, s->server_hostname,
                        (unsigned)s->port);
}

apr_array_header_t *zsso_startup_orgs(apr_pool_t *p, server_rec *s)
{
    apr_array_header_t *secs = protected_sections(p, s);
    apr_array_header_t *orgs = apr_array_make(p, secs->nelts,
                                              sizeof(zsso_org_t));

    for (int i = 0; i < secs->nelts; i++) {
        const section_t *e = &APR_ARRAY_IDX(secs, i, section_t);
        zsso_org_t *o;
        const char *origin;

        if (e->path == NULL) {
            continue;
        }
        o = apr_array_push(orgs);
        o->s = e->s;
        o->path = e->path;
        o->dc = merged_for(p, e->s, e->path);
        origin = server_url(p, e->s);
        o->redirect_uri = o->dc->redirect_uri
                          && o->dc->redirect_uri[0] != '/'
            ? o->dc->redirect_uri
            : apr_pstrcat(p, origin, zsso_config_callback_path(p, o->dc),
                          NULL);
        o->login_url = apr_pstrcat(p, origin,
                                   zsso_config_endpoint(p, o->dc, "login"),
                                   NULL);
    }
    return orgs;
}

void zsso_startup_announce(server_rec *s, const apr_array_header_t *orgs)
{
    for (int i = 0; i < orgs->nelts; i++) {
        const zsso_org_t *o = &APR_ARRAY_IDX(orgs, i, zsso_org_t);

        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, o->s,
                     ZSSO_LOGNO(00003) "<Location %s> (issuer %s, client %s): "
                     "sign-in redirect URI %s ; SSO login URL %s",
                     o->path, o->dc->issuer ? o->dc->issuer : "-",
                     o->dc->client_id ? o->dc->client_id : "-",
                     o->redirect_uri, o->login_url);
    }
}
