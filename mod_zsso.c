/*
 * mod_zsso.c - httpd glue: hooks, and the module record. Everything the
 * module does lives in src/; see docs/design.md for the request's way.
 */
#define ZSSO_MODULE_FILE

#include <apr_strings.h>
#include <http_core.h>
#include <http_request.h>
#include <http_protocol.h>
#include <mod_auth.h>

#include "src/authn.h"
#include "src/authz.h"
#include "src/cache.h"
#include "src/config.h"
#include "src/crypto.h"
#include "src/http.h"
#include "src/identity.h"
#include "src/provider.h"
#include "src/rolefile.h"
#include "src/startup.h"
#include "src/status.h"

static int zsso_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp)
{
    return zsso_cache_pre_config(pconf);
}

static int zsso_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s)
{
    return zsso_startup_check(pconf, ptemp, s);
}

/* Without ZSSOCryptoPassphrase: random key material made once in the
 * parent's process pool, so it survives graceful restarts (as the session
 * store does) and ends when httpd stops. */
static const unsigned char *random_secret(server_rec *s)
{
    apr_pool_t *pp = s->process->pool;
    unsigned char *rnd = NULL;

    apr_pool_userdata_get((void **)&rnd, "zsso-random-secret", pp);
    if (rnd == NULL) {
        rnd = apr_palloc(pp, ZSSO_KEY_LEN);
        if (zsso_crypto_random(rnd, ZSSO_KEY_LEN) != ZSSO_OK) {
            return NULL;
        }
        apr_pool_userdata_set(rnd, "zsso-random-secret", NULL, pp);
    }
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_CONFIG) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, ZSSO_LOGNO(00004)
                     "no ZSSOCryptoPassphrase: cookies and sessions are "
                     "sealed with a random key kept until httpd stops");
    }
    return rnd;
}

/* Cookie and session keys, derived apart (HKDF labels). */
static int make_keys(server_rec *s, zsso_global_t *g, const char *pass)
{
    const void *secret = pass;
    apr_size_t len = pass ? strlen(pass) : ZSSO_KEY_LEN;

    if (pass == NULL && (secret = random_secret(s)) == NULL) {
        return !OK;
    }
    if (zsso_crypto_derive(secret, len, "zsso state v1", &g->state_key)
        != ZSSO_OK
        || zsso_crypto_derive(secret, len, "zsso session v1",
                              &g->session_key) != ZSSO_OK) {
        return !OK;
    }
    return OK;
}

static int zsso_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp, server_rec *s)
{
    zsso_srv_conf_t *sc = zsso_config_srv(s);
    zsso_global_t *g = apr_pcalloc(pconf, sizeof(*g));
    apr_array_header_t *orgs;

    if (make_keys(s, g, sc->passphrase) != OK) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, ZSSO_LOGNO(00005)
                     "cannot derive the cookie keys");
        return !OK;
    }
    if (zsso_cache_post_config(pconf, ptemp, s, g, sc->cache_spec) != OK) {
        return !OK;
    }
    for (server_rec *v = s; v; v = v->next) {
        zsso_config_srv(v)->global = g;
    }
    orgs = zsso_startup_orgs(pconf, s);
    g->status = zsso_status_make(pconf, s, orgs);
    zsso_http_global_init();
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_CONFIG) {
        zsso_startup_announce(s, orgs);
    }
    return OK;
}

static void zsso_child_init(apr_pool_t *pchild, server_rec *s)
{
    zsso_global_t *g = zsso_config_srv(s)->global;

    if (g == NULL) {
        return;
    }
    if (zsso_crypto_random_init(pchild) != ZSSO_OK) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, ZSSO_LOGNO(00009)
                     "cannot make this process's random generator; "
                     "OpenSSL's per-thread ones serve instead");
    }
    zsso_cache_child_init(pchild, s, g);
    g->providers = zsso_provider_registry(pchild,
                                          zsso_config_srv(s)->provider_calls);
    g->rolefiles = zsso_rolefiles_make(pchild);
    g->http = zsso_http_share_make(pchild);
}

/* Before any other module reads the request, so that no phase and no
 * application ever sees a forged identity header. */
static int zsso_post_read_request(request_rec *r)
{
    zsso_identity_scrub(r);
    return DECLINED;
}

static void zsso_register_hooks(apr_pool_t *p)
{
    zsso_crypto_global_init();
    ap_hook_pre_config(zsso_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(zsso_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(zsso_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(zsso_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_read_request(zsso_post_read_request, NULL, NULL,
                              APR_HOOK_REALLY_FIRST);
    ap_hook_translate_name(zsso_authn_translate, NULL, NULL,
                           APR_HOOK_FIRST);
    ap_hook_map_to_storage(zsso_authn_map_to_storage, NULL, NULL,
                           APR_HOOK_FIRST);
    ap_hook_check_authn(zsso_authn_check, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_note_auth_failure(zsso_authn_note_failure, NULL, NULL,
                              APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(zsso_authn_forbid, NULL, NULL,
                                APR_HOOK_MIDDLE);
    ap_hook_insert_filter(zsso_authn_forbid, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(zsso_status_handler, NULL, NULL, APR_HOOK_MIDDLE);
    zsso_authz_register(p);
}

AP_DECLARE_MODULE(zsso) = {
    STANDARD20_MODULE_STUFF,
    zsso_config_create_dir,     /* per-directory config creator */
    zsso_config_merge_dir,      /* per-directory config merger */
    zsso_config_create_srv,     /* per-server config creator */
    zsso_config_merge_srv,      /* per-server config merger */
    zsso_config_cmds,           /* directive table (src/config.c) */
    zsso_register_hooks         /* hook registration */
};
