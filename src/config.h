/*
 * config.h - the configuration records of mod_zsso, their create and
 * merge functions, the directive setters and the start-up checks.
 */
#ifndef ZSSO_CONFIG_H
#define ZSSO_CONFIG_H

#include "zsso.h"
#include "crypto.h"

#define ZSSO_UNSET (-1)

#define ZSSO_DEFAULT_SCOPE        "openid profile email groups"
#define ZSSO_DEFAULT_USER_CLAIM   "preferred_username"
#define ZSSO_DEFAULT_ROLE         "Organization Member"
#define ZSSO_DEFAULT_ROLE_CLAIM   "groups"
#define ZSSO_DEFAULT_SKEW         60
#define ZSSO_DEFAULT_TIMEOUT      10
#define ZSSO_DEFAULT_SESSION_AGE  (8 * 3600)
#define ZSSO_DEFAULT_IDLE         3600
#define ZSSO_ENDPOINTS            "/zsso/"

typedef struct {
    const char *group;
    const char *role;
} zsso_role_rule_t;

/* Per-directory (per-<Location>) record. Connection directives live here
 * so one server can front several Okta organisations. */
typedef struct {
    const char *path;          /* the section this record was made for */
    const char *base;          /* URL path under which our endpoints live:
                                * set at start-up on the <Location>
                                * records that protect or carry a
                                * connection (src/startup.c) */
    const char *domain;        /* ZSSOOktaDomain, host[:port] */
    const char *auth_server;   /* ZSSOAuthServer */
    const char *issuer;        /* derived: https://domain[/oauth2/id] */
    const char *client_id;
    const char *client_secret;
    const char *scope;
    const char *ca_file;
    const char *redirect_uri;  /* ZSSORedirectURI: path or absolute URL */
    const char *post_logout;   /* ZSSOPostLogoutURI: path or absolute URL */
    const char *user_claim;
    const char *default_role;
    apr_array_header_t *role_map;  /* of zsso_role_rule_t, config order */
    const char *role_claim;    /* ZSSORoleClaim: the claim with groups */
    const char *role_file;     /* ZSSORoleFile: per-user overrides */
    int pass_headers;          /* ZSSOPassHeaders On: X-ZSSO-* to the app */
    int pass_access_token;     /* ZSSOPassAccessToken On */
    int clock_skew;
    int timeout;
    int session_age;
    int idle;                  /* ZSSOSessionIdleTimeout */
    int base_here;             /* a directive here moves the base */
} zsso_dir_conf_t;

/* Process-wide state, one for the whole server, reached from every
 * server_rec's config (post_config points them all at the same one). */
typedef struct zsso_global zsso_global_t;

struct zsso_global {
    zsso_key_t state_key;       /* seals login-state cookies */
    zsso_key_t session_key;     /* seals session records in the store */
    struct ap_socache_provider_t *cache;
    struct ap_socache_instance_t *cache_inst;
    struct apr_global_mutex_t *cache_mutex;  /* NULL when MT-safe */
    /* Change counters of the store's keys, in shared memory (src/cache.c);
     * NULL when the store is not this machine's own (memcache, redis): no
     * process then keeps what it read. */
    struct zsso_cache_gens *cache_gens;
    struct zsso_memo *memo;           /* per process, made in child_init */
    struct zsso_registry *providers;  /* per process, made in child_init */
    struct zsso_rolefiles *rolefiles; /* per process, made in child_init */
    struct zsso_http_share *http;     /* per process, made in child_init */
    struct zsso_orgs *status;         /* the organisations and their
                                       * counters, shared by all processes
                                       * (src/status.c) */
};

typedef struct {
    const char *cache_spec;    /* ZSSOSessionCache provider[:args] */
    int provider_calls;        /* ZSSOProviderCallsMax; 0: the default */
    const char *passphrase;    /* ZSSOCryptoPassphrase, resolved */
    zsso_global_t *global;
} zsso_srv_conf_t;

void *zsso_config_create_dir(apr_pool_t *p, char *dir);
void *zsso_config_merge_dir(apr_pool_t *p, void *base, void *add);
void *zsso_config_create_srv(apr_pool_t *p, server_rec *s);
void *zsso_config_merge_srv(apr_pool_t *p, void *base, void *add);

extern const command_rec zsso_config_cmds[];

/* Helpers on a merged record. */
const zsso_dir_conf_t *zsso_config_dir(const request_rec *r);
zsso_srv_conf_t *zsso_config_srv(const server_rec *s);
int zsso_config_skew(const zsso_dir_conf_t *dc);
int zsso_config_timeout(const zsso_dir_conf_t *dc);
int zsso_config_session_age(const zsso_dir_conf_t *dc);
int zsso_config_idle(const zsso_dir_conf_t *dc);
const char *zsso_config_scope(const zsso_dir_conf_t *dc);
const char *zsso_config_user_claim(const zsso_dir_conf_t *dc);
const char *zsso_config_default_role(const zsso_dir_conf_t *dc);
const char *zsso_config_role_claim(const zsso_dir_conf_t *dc);

/* Does ZSSOSessionCache name a store other nodes may share (anything but
 * the machine-local shmcb and dbm)? */
int zsso_config_store_shared(const zsso_srv_conf_t *sc);

/* A <Location> path as a base: without its trailing slashes. */
const char *zsso_config_base_of(apr_pool_t *p, const char *path);

/* The path part of the redirect URI (what the callback matches on), and
 * the endpoint paths under the base. */
const char *zsso_config_callback_path(apr_pool_t *p,
                                      const zsso_dir_conf_t *dc);
const char *zsso_config_endpoint(apr_pool_t *p, const zsso_dir_conf_t *dc,
                                 const char *name);


#endif
