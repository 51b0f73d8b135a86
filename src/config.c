/*
 * config.c - configuration records, their merging, the directive setters
 * and the start-up checks.
 *
 * Connection directives are per directory so that one server can front
 * several Okta organisations; the session cache and the passphrase are
 * server-wide because every location shares one cache and one key.
 */
#include <apr_strings.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <http_core.h>
#include <util_cfgtree.h>

#include "config.h"

/* ------------------------------------------------------------------ */
/* create and merge                                                   */
/* ------------------------------------------------------------------ */

const char *zsso_config_base_of(apr_pool_t *p, const char *path)
{
    apr_size_t n;

    if (path == NULL || path[0] != '/') {
        return NULL;
    }
    n = strlen(path);
    while (n > 0 && path[n - 1] == '/') {
        n--;
    }
    return apr_pstrmemdup(p, path, n);
}

void *zsso_config_create_dir(apr_pool_t *p, char *dir)
{
    zsso_dir_conf_t *dc = apr_pcalloc(p, sizeof(*dc));

    dc->path = dir ? apr_pstrdup(p, dir) : NULL;
    dc->clock_skew = ZSSO_UNSET;
    dc->timeout = ZSSO_UNSET;
    dc->session_age = ZSSO_UNSET;
    dc->idle = ZSSO_UNSET;
    dc->pass_headers = ZSSO_UNSET;
    dc->pass_access_token = ZSSO_UNSET;
    return dc;
}

static const char *issuer_of(apr_pool_t *p, const zsso_dir_conf_t *dc)
{
    if (dc->domain == NULL) {
        return NULL;
    }
    return dc->auth_server
        ? apr_pstrcat(p, "https://", dc->domain, "/oauth2/", dc->auth_server,
                      NULL)
        : apr_pstrcat(p, "https://", dc->domain, NULL);
}

#define MERGE_PTR(f) (add->f ? add->f : base->f)
#define MERGE_INT(f) (add->f != ZSSO_UNSET ? add->f : base->f)

void *zsso_config_merge_dir(apr_pool_t *p, void *basev, void *addv)
{
    const zsso_dir_conf_t *base = basev;
    const zsso_dir_conf_t *add = addv;
    zsso_dir_conf_t *dc = apr_palloc(p, sizeof(*dc));

    dc->path = add->path;
    /* The endpoints stay under the outermost protected location unless
     * this section brings its own connection or redirect URI. */
    if (add->base && (add->base_here || base->base == NULL)) {
        dc->base = add->base;
    }
    else {
        dc->base = base->base;
    }
    dc->base_here = add->base_here;
    dc->domain = MERGE_PTR(domain);
    dc->auth_server = MERGE_PTR(auth_server);
    dc->issuer = MERGE_PTR(issuer);
    dc->client_id = MERGE_PTR(client_id);
    dc->client_secret = MERGE_PTR(client_secret);
    dc->scope = MERGE_PTR(scope);
    dc->ca_file = MERGE_PTR(ca_file);
    dc->redirect_uri = MERGE_PTR(redirect_uri);
    dc->post_logout = MERGE_PTR(post_logout);
    dc->user_claim = MERGE_PTR(user_claim);
    dc->default_role = MERGE_PTR(default_role);
    dc->role_map = MERGE_PTR(role_map);
    dc->role_claim = MERGE_PTR(role_claim);
    dc->role_file = MERGE_PTR(role_file);
    dc->pass_headers = MERGE_INT(pass_headers);
    dc->pass_access_token = MERGE_INT(pass_access_token);
    dc->clock_skew = MERGE_INT(clock_skew);
    dc->timeout = MERGE_INT(timeout);
    dc->session_age = MERGE_INT(session_age);
    dc->idle = MERGE_INT(idle);

    /* A domain or server set here makes a new issuer. */
    if (add->domain || add->auth_server) {
        dc->issuer = issuer_of(p, dc);
    }
    return dc;
}

void *zsso_config_create_srv(apr_pool_t *p, server_rec *s)
{
    return apr_pcalloc(p, sizeof(zsso_srv_conf_t));
}

void *zsso_config_merge_srv(apr_pool_t *p, void *basev, void *addv)
{
    zsso_srv_conf_t *sc = apr_palloc(p, sizeof(*sc));

    /* Server-wide by nature: the setters refuse them in a vhost. */
    *sc = *(zsso_srv_conf_t *)basev;
    (void)addv;
    return sc;
}

/* ------------------------------------------------------------------ */
/* accessors                                                          */
/* ------------------------------------------------------------------ */

const zsso_dir_conf_t *zsso_config_dir(const request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &zsso_module);
}

zsso_srv_conf_t *zsso_config_srv(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &zsso_module);
}

#define OR_DEFAULT(v, d) ((v) != ZSSO_UNSET ? (v) : (d))

int zsso_config_skew(const zsso_dir_conf_t *dc)
{
    return OR_DEFAULT(dc->clock_skew, ZSSO_DEFAULT_SKEW);
}

int zsso_config_timeout(const zsso_dir_conf_t *dc)
{
    return OR_DEFAULT(dc->timeout, ZSSO_DEFAULT_TIMEOUT);
}

int zsso_config_session_age(const zsso_dir_conf_t *dc)
{
    return OR_DEFAULT(dc->session_age, ZSSO_DEFAULT_SESSION_AGE);
}

int zsso_config_idle(const zsso_dir_conf_t *dc)
{
    return OR_DEFAULT(dc->idle, ZSSO_DEFAULT_IDLE);
}

const char *zsso_config_scope(const zsso_dir_conf_t *dc)
{
    return dc->scope ? dc->scope : ZSSO_DEFAULT_SCOPE;
}

const char *zsso_config_user_claim(const zsso_dir_conf_t *dc)
{
    return dc->user_claim ? dc->user_claim : ZSSO_DEFAULT_USER_CLAIM;
}

const char *zsso_config_default_role(const zsso_dir_conf_t *dc)
{
    return dc->default_role ? dc->default_role : ZSSO_DEFAULT_ROLE;
}

int zsso_config_store_shared(const zsso_srv_conf_t *sc)
{
    const char *spec = sc->cache_spec;

    return spec && strncmp(spec, "shmcb", 5) != 0
           && strncmp(spec, "dbm", 3) != 0;
}

const char *zsso_config_role_claim(const zsso_dir_conf_t *dc)
{
    return dc->role_claim ? dc->role_claim : ZSSO_DEFAULT_ROLE_CLAIM;
}

const char *zsso_config_endpoint(apr_pool_t *p, const zsso_dir_conf_t *dc,
                                 const char *name)
{
    return apr_pstrcat(p, dc->base ? dc->base : "", ZSSO_ENDPOINTS, name,
                       NULL);
}

const char *zsso_config_callback_path(apr_pool_t *p,
                                      const zsso_dir_conf_t *dc)
{
    const char *u = dc->redirect_uri;

    if (u == NULL) {
        return zsso_config_endpoint(p, dc, "callback");
    }
    if (u[0] == '/') {
        return u;
    }
    /* An absolute URL: the setter made sure a path follows the host. */
    u = strstr(u, "://");
    u = u ? strchr(u + 3, '/') : NULL;
    return u ? u : "/";
}

/* ------------------------------------------------------------------ */
/* directive setters                                                  */
/* ------------------------------------------------------------------ */

/* Read a whole file of at most max bytes into p, NUL-terminated. */
static apr_status_t read_small_file(apr_pool_t *p, const char *path,
                                    apr_size_t max, char **out,
                                    apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;

    if (path == NULL) {
        return APR_EINVAL;
    }
    rv = apr_file_open(&f, path, APR_READ, 0, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE | APR_FINFO_TYPE, f);
    if (rv == APR_SUCCESS && (fi.filetype != APR_REG
                              || (apr_size_t)fi.size > max)) {
        rv = APR_EINVAL;
    }
    if (rv == APR_SUCCESS) {
        *len = (apr_size_t)fi.size;
        *out = apr_pcalloc(p, *len + 1);
        if (*len > 0) {
            rv = apr_file_read_full(f, *out, *len, len);
        }
    }
    apr_file_close(f);
    return rv;
}

/* "value", "file:PATH" or "env:NAME"; secrets never reach the log. */
static const char *resolve_secret(cmd_parms *cmd, const char *arg,
                                  const char **out)
{
    const char *dn = cmd->directive->directive;

    if (strncmp(arg, "env:", 4) == 0) {
        *out = getenv(arg + 4);
        if (*out == NULL || **out == '\0') {
            return apr_psprintf(cmd->pool, "%s: environment variable %s is "
                                "not set or empty", dn, arg + 4);
        }
    }
    else if (strncmp(arg, "file:", 5) == 0) {
        char *buf;
        apr_size_t n;

        if (read_small_file(cmd->pool, ap_server_root_relative(
                                cmd->temp_pool, arg + 5), 4096, &buf, &n)) {
            return apr_psprintf(cmd->pool, "%s: cannot read %s (missing, "
                                "unreadable or over 4 KiB)", dn, arg + 5);
        }
        while (n > 0 && apr_isspace(buf[n - 1])) {
            buf[--n] = '\0';
        }
        if (n == 0) {
            return apr_psprintf(cmd->pool, "%s: %s is empty", dn, arg + 5);
        }
        *out = buf;
    }
    else {
        *out = apr_pstrdup(cmd->pool, arg);
    }
    return NULL;
}

static int host_char_ok(char c)
{
    return apr_isalnum(c) || c == '-' || c == '.';
}

/* host[:port]; "https://host/" as pasted from a browser is accepted and
 * trimmed, plain http is refused because the token exchange carries the
 * client secret. */
static const char *set_domain(cmd_parms *cmd, void *mconf, const char *arg)
{
    zsso_dir_conf_t *dc = mconf;
    const char *h = arg, *colon;
    apr_size_t n;
    char *end;
    long port;

    if (strncasecmp(h, "http://", 7) == 0) {
        return "ZSSOOktaDomain: Okta is reached over https only; give the "
               "domain without http:// (e.g. yourdomain.okta.com)";
    }
    if (strncasecmp(h, "https://", 8) == 0) {
        h += 8;
    }
    n = strlen(h);
    while (n > 0 && h[n - 1] == '/') {
        n--;
    }
    h = apr_pstrmemdup(cmd->pool, h, n);
    ap_str_tolower((char *)h);      /* issuers compare exactly: Okta's are
                                     * lower case */
    colon = strchr(h, ':');
    n = colon ? (apr_size_t)(colon - h) : strlen(h);
    if (n == 0 || h[0] == '-' || h[0] == '.') {
        return apr_psprintf(cmd->pool, "ZSSOOktaDomain: '%s' is not a host "
                            "name (expected yourdomain.okta.com[:port])",
                            arg);
    }
    for (apr_size_t i = 0; i < n; i++) {
        if (!host_char_ok(h[i])) {
            return apr_psprintf(cmd->pool, "ZSSOOktaDomain: '%s' is not a "
                                "host name (expected "
                                "yourdomain.okta.com[:port])", arg);
        }
    }
    if (n > 1 && h[n - 1] == '.') {         /* a fully qualified name */
        h = apr_pstrcat(cmd->pool, apr_pstrmemdup(cmd->pool, h, n - 1),
                        colon ? colon : "", NULL);
        colon = strchr(h, ':');
        n--;
    }
    if (strstr(apr_pstrmemdup(cmd->temp_pool, h, n), "-admin.")) {
        return "ZSSOOktaDomain: that is the Okta admin console's address; "
               "give the org domain without -admin (yourdomain.okta.com)";
    }
    if (colon) {
        port = strtol(colon + 1, &end, 10);
        if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535) {
            return apr_psprintf(cmd->pool, "ZSSOOktaDomain: '%s' has a bad "
                                "port", arg);
        }
    }
    dc->domain = h;
    dc->issuer = issuer_of(cmd->pool, dc);
    dc->base_here = cmd->path != NULL;
    return NULL;
}

static int token_ok(const char *s, const char *extra)
{
    if (*s == '\0') {
        return 0;
    }
    for (; *s; s++) {
        if (!apr_isalnum(*s) && strchr(extra, *s) == NULL) {
            return 0;
        }
    }
    return 1;
}

static const char *set_auth_server(cmd_parms *cmd, void *mconf,
                                   const char *arg)
{
    zsso_dir_conf_t *dc = mconf;

    if (!token_ok(arg, "_-")) {
        return apr_psprintf(cmd->pool, "ZSSOAuthServer: '%s' is not an "
                            "authorization server id (letters, digits, _ "
                            "and -, e.g. default or aus1a2b3c)", arg);
    }
    dc->auth_server = arg;
    dc->issuer = issuer_of(cmd->pool, dc);
    dc->base_here = cmd->path != NULL;
    return NULL;
}

static const char *set_client_id(cmd_parms *cmd, void *mconf,
                                 const char *arg)
{
    zsso_dir_conf_t *dc = mconf;

    if (!token_ok(arg, "_-.~")) {
        return "ZSSOClientID: expected the Client ID from the Okta app "
               "(letters, digits, _ - . ~)";
    }
    dc->client_id = arg;
    dc->base_here = cmd->path != NULL;
    return NULL;
}

static const char *set_client_secret(cmd_parms *cmd, void *mconf,
                                     const char *arg)
{
    zsso_dir_conf_t *dc = mconf;

    return resolve_secret(cmd, arg, &dc->client_secret);
}

static const char *set_scope(cmd_parms *cmd, void *mconf, const char *arg)
{
    zsso_dir_conf_t *dc = mconf;
    const char *w, *s = arg;
    int openid = 0;

    while (*(w = ap_getword_white(cmd->temp_pool, &s)) != '\0') {
        if (!token_ok(w, "_-.:/")) {
            return apr_psprintf(cmd->pool, "ZSSOScope: '%s' is not a scope",
                                w);
        }
        openid |= strcmp(w, "openid") == 0;
    }
    if (!openid) {
        return "ZSSOScope: the scopes must include openid";
    }
    dc->scope = arg;
    return NULL;
}

static const char *set_ca_file(cmd_parms *cmd, void *mconf, const char *arg)
{
    zsso_dir_conf_t *dc = mconf;
    const char *path = ap_server_root_relative(cmd->pool, arg);
    char *pem;
    apr_size_t len;

    if (read_small_file(cmd->temp_pool, path, 4 * 1024 * 1024, &pem, &len)) {
        return apr_psprintf(cmd->pool, "ZSSOCAFile: %s is not a readable "
                            "file (of at most 4 MiB)", arg);
    }
    if (strstr(pem, "-----BEGIN CERTIFICATE-----") == NULL) {
        return apr_psprintf(cmd->pool, "ZSSOCAFile: %s holds no PEM "
                            "certificate", arg);
    }
    dc->ca_file = path;
    return NULL;
}

static const char *set_redirect_uri(cmd_parms *cmd, void *mconf,
                                    const char *arg)
{
    zsso_dir_conf_t *dc = mconf;
    const char *rest = NULL;

    if (strncmp(arg, "https://", 8) == 0) {
        rest = arg + 8;
    }
    else if (strncmp(arg, "http://", 7) == 0) {
        rest = arg + 7;
    }
    if (arg[0] == '/' ? arg[1] == '/'
                      : (rest == NULL || strchr(rest, '/') == rest
                         || strchr(rest, '/') == NULL)) {
        return "ZSSORedirectURI: expected a path (/console/zsso/callback) "
               "or an absolute http(s) URL with a path";
    }
    dc->redirect_uri = arg;
    dc->base_here = cmd->path != NULL;
    return NULL;
}

/* Where Okta sends the browser after sign-out: must be one of the app's
 * "Sign-out redirect URIs" in Okta. */
static const char *set_post_logout(cmd_parms *cmd, void *mconf,
                                   const char *arg)
{
    zsso_dir_conf_t *dc = mconf;

    if (!(arg[0] == '/' && arg[1] != '/')
        && strncmp(arg, "https://", 8) != 0
        && strncmp(arg, "http://", 7) != 0) {
        return "ZSSOPostLogoutURI: expected a path (/console/bye.html) or "
               "an absolute http(s) URL";
    }
    dc->post_logout = arg;
    return NULL;
}

static const char *set_passphrase(cmd_parms *cmd, void *mconf,
                                  const char *arg)
{
    zsso_srv_conf_t *sc = zsso_config_srv(cmd->server);
    const char *err;

    if (cmd->server->is_virtual) {
        return "ZSSOCryptoPassphrase applies to the whole server: set it "
               "outside <VirtualHost>";
    }
    err = resolve_secret(cmd, arg, &sc->passphrase);
    if (err == NULL && strlen(sc->passphrase) < 16) {
        return "ZSSOCryptoPassphrase: use at least 16 characters";
    }
    return err;
}

static const char *set_user_claim(cmd_parms *cmd, void *mconf,
                                  const char *arg)
{
    zsso_dir_conf_t *dc = mconf;

    if (!token_ok(arg, "_-.:")) {
        return "ZSSOUserClaim: expected a claim name (e.g. "
               "preferred_username, email or sub)";
    }
    dc->user_claim = arg;
    return NULL;
}

static const char *set_default_role(cmd_parms *cmd, void *mconf,
                                    const char *arg)
{
    zsso_dir_conf_t *dc = mconf;

    if (*arg == '\0') {
        return "ZSSODefaultRole: the role must not be empty";
    }
    dc->default_role = arg;
    return NULL;
}

static const char *set_role_map(cmd_parms *cmd, void *mconf,
                                const char *group, const char *role)
{
    zsso_dir_conf_t *dc = mconf;
    zsso_role_rule_t *rule;

    if (*group == '\0' || *role == '\0') {
        return "ZSSORoleMap: expected an Okta group and a role, e.g. "
               "ZSSORoleMap console-admins \"Console Admin\"";
    }
    if (dc->role_map == NULL) {
        dc->role_map = apr_array_make(cmd->pool, 4, sizeof(*rule));
    }
    rule = apr_array_push(dc->role_map);
    rule->group = group;
    rule->role = role;
    return NULL;
}

static const char *set_role_claim(cmd_parms *cmd, void *mconf,
                                  const char *arg)
{
    zsso_dir_conf_t *dc = mconf;

    if (!token_ok(arg, "_-.:")) {
        return "ZSSORoleClaim: expected a claim name (e.g. groups)";
    }
    dc->role_claim = arg;
    return NULL;
}

/* The file is read (and re-read when it changes) by src/rolefile.c; here
 * only the path is resolved, since the console may create it later. */
static const char *set_role_file(cmd_parms *cmd, void *mconf,
                                 const char *arg)
{
    zsso_dir_conf_t *dc = mconf;

    if (*arg == '\0') {
        return "ZSSORoleFile: expected the path of a file of "
               "\"user: role\" lines";
    }
    dc->role_file = ap_server_root_relative(cmd->pool, arg);
    if (dc->role_file == NULL) {
        return apr_psprintf(cmd->pool, "ZSSORoleFile: '%s' is not a valid "
                            "path", arg);
    }
    return NULL;
}

static const char *set_pass_headers(cmd_parms *cmd, void *mconf, int on)
{
    ((zsso_dir_conf_t *)mconf)->pass_headers = on;
    return NULL;
}

static const char *set_pass_access_token(cmd_parms *cmd, void *mconf,
                                         int on)
{
    ((zsso_dir_conf_t *)mconf)->pass_access_token = on;
    return NULL;
}

static const char *set_session_cache(cmd_parms *cmd, void *mconf,
                                     const char *arg)
{
    zsso_srv_conf_t *sc = zsso_config_srv(cmd->server);
    const char *colon = strchr(arg, ':');
    const char *name;

    if (cmd->server->is_virtual) {
        return "ZSSOSessionCache applies to the whole server: set it "
               "outside <VirtualHost>";
    }
    name = colon ? apr_pstrmemdup(cmd->temp_pool, arg, colon - arg) : arg;
    if (ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                           AP_SOCACHE_PROVIDER_VERSION) == NULL) {
        return apr_psprintf(cmd->pool, "ZSSOSessionCache: the socache "
                            "provider '%s' is not loaded (load "
                            "mod_socache_%s first)", name, name);
    }
    sc->cache_spec = arg;
    return NULL;
}

/* ZSSOProviderCallsMax: per process, so server-wide only. */
static const char *set_provider_calls(cmd_parms *cmd, void *mconf,
                                      const char *arg)
{
    zsso_srv_conf_t *sc = zsso_config_srv(cmd->server);
    char *end;
    long v = strtol(arg, &end, 10);

    if (cmd->server->is_virtual) {
        return "ZSSOProviderCallsMax applies to the whole server: set it "
               "outside <VirtualHost>";
    }
    if (*arg == '\0' || *end != '\0' || v < 1 || v > 10000) {
        return "ZSSOProviderCallsMax: expected a number from 1 to 10000";
    }
    sc->provider_calls = (int)v;
    return NULL;
}

static const char *set_int(cmd_parms *cmd, int *slot, const char *arg,
                           int min, int max)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (*arg == '\0' || *end != '\0' || v < min || v > max) {
        return apr_psprintf(cmd->pool, "%s: expected a number of seconds "
                            "from %d to %d", cmd->directive->directive,
                            min, max);
    }
    *slot = (int)v;
    return NULL;
}

static const char *set_skew(cmd_parms *cmd, void *mconf, const char *arg)
{
    return set_int(cmd, &((zsso_dir_conf_t *)mconf)->clock_skew, arg, 0,
                   600);
}

static const char *set_timeout(cmd_parms *cmd, void *mconf, const char *arg)
{
    return set_int(cmd, &((zsso_dir_conf_t *)mconf)->timeout, arg, 1, 120);
}

static const char *set_idle(cmd_parms *cmd, void *mconf, const char *arg)
{
    return set_int(cmd, &((zsso_dir_conf_t *)mconf)->idle, arg, 10,
                   30 * 86400);
}

static const char *set_session_age(cmd_parms *cmd, void *mconf,
                                   const char *arg)
{
    return set_int(cmd, &((zsso_dir_conf_t *)mconf)->session_age, arg, 60,
                   30 * 86400);
}

#define DIR_CONF (RSRC_CONF | ACCESS_CONF)

const command_rec zsso_config_cmds[] = {
    AP_INIT_TAKE1("ZSSOOktaDomain", set_domain, NULL, DIR_CONF,
                  "the Okta domain, e.g. yourdomain.okta.com[:port]"),
    AP_INIT_TAKE1("ZSSOAuthServer", set_auth_server, NULL, DIR_CONF,
                  "a custom authorization server id (default: the org "
                  "server)"),
    AP_INIT_TAKE1("ZSSOClientID", set_client_id, NULL, DIR_CONF,
                  "the Client ID of the Okta app"),
    AP_INIT_TAKE1("ZSSOClientSecret", set_client_secret, NULL, DIR_CONF,
                  "the client secret: value, file:PATH or env:NAME"),
    AP_INIT_TAKE1("ZSSOScope", set_scope, NULL, DIR_CONF,
                  "scopes to ask for (default: openid profile email "
                  "groups)"),
    AP_INIT_TAKE1("ZSSOCAFile", set_ca_file, NULL, DIR_CONF,
                  "extra trust anchors (PEM) for TLS to Okta"),
    AP_INIT_TAKE1("ZSSORedirectURI", set_redirect_uri, NULL, DIR_CONF,
                  "the callback path or URL (default: "
                  "<location>/zsso/callback)"),
    AP_INIT_TAKE1("ZSSOPostLogoutURI", set_post_logout, NULL, DIR_CONF,
                  "where Okta sends the browser after sign-out (default: "
                  "<location>/zsso/logged-out)"),
    AP_INIT_TAKE1("ZSSOCryptoPassphrase", set_passphrase, NULL, RSRC_CONF,
                  "key material for cookies and sessions: value, file:PATH "
                  "or env:NAME (default: random per start)"),
    AP_INIT_TAKE1("ZSSOUserClaim", set_user_claim, NULL, DIR_CONF,
                  "the ID token claim that becomes the user name (default: "
                  "preferred_username)"),
    AP_INIT_TAKE1("ZSSODefaultRole", set_default_role, NULL, DIR_CONF,
                  "the role of a user no rule matches (default: "
                  "Organization Member)"),
    AP_INIT_TAKE2("ZSSORoleMap", set_role_map, NULL, DIR_CONF,
                  "an Okta group and the role it grants"),
    AP_INIT_TAKE1("ZSSORoleClaim", set_role_claim, NULL, DIR_CONF,
                  "the claim that carries the user's groups (default: "
                  "groups)"),
    AP_INIT_TAKE1("ZSSORoleFile", set_role_file, NULL, DIR_CONF,
                  "a file of \"user: role\" lines that override the role, "
                  "re-read when it changes"),
    AP_INIT_FLAG("ZSSOPassHeaders", set_pass_headers, NULL, DIR_CONF,
                 "On: pass X-ZSSO-User, -Role, -Email and -Groups request "
                 "headers to the application (default: Off)"),
    AP_INIT_FLAG("ZSSOPassAccessToken", set_pass_access_token, NULL,
                 DIR_CONF, "On: give the application the access token as "
                 "ZSSO_ACCESS_TOKEN (default: Off)"),
    AP_INIT_TAKE1("ZSSOSessionCache", set_session_cache, NULL, RSRC_CONF,
                  "socache provider[:args] for sessions (default: shmcb)"),
    AP_INIT_TAKE1("ZSSOClockSkew", set_skew, NULL, DIR_CONF,
                  "seconds of leeway on token times (default: 60)"),
    AP_INIT_TAKE1("ZSSOProviderTimeout", set_timeout, NULL, DIR_CONF,
                  "seconds to wait for Okta (default: 10)"),
    AP_INIT_TAKE1("ZSSOSessionIdleTimeout", set_idle, NULL, DIR_CONF,
                  "seconds without a request after which a session ends "
                  "(default: 3600)"),
    AP_INIT_TAKE1("ZSSOSessionMaxAge", set_session_age, NULL, DIR_CONF,
                  "seconds a session lasts (default: 28800)"),
    AP_INIT_TAKE1("ZSSOProviderCallsMax", set_provider_calls, NULL,
                  RSRC_CONF, "calls to providers that may wait at once in "
                  "one httpd process (default: half its threads)"),
    { NULL }
};
