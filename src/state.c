/*
 * state.c - the sealed login-state cookie.
 *
 * Cookie "zsso_state_<first 12 characters of state>", path = the location
 * base (so that a new login sees, and can drop, older pending ones; the
 * callback lies under it), Max-Age ZSSO_STATE_TTL, value = seal(state key, aad = cookie name,
 * {"s":state,"n":nonce,"v":verifier,"r":return path,"t":created}).
 * A state that led to a sign-in is recorded in the shared store until it
 * would have expired anyway, so a replayed callback is refused even if the
 * browser kept the cookie. Only sign-ins that passed every check are
 * recorded: nobody can fill the store without signing in.
 */
#include <apr_lib.h>
#include <apr_strings.h>

#include "cache.h"
#include "crypto.h"
#include "json.h"
#include "request.h"
#include "state.h"
#include "util.h"

#define NAME_CHARS   12
#define RANDOM_BYTES 32     /* 256 bits for state, nonce and verifier */
#define USED_SUFFIX  ":u"     /* store key: hash of the state + this */

static const zsso_key_t *state_key(const request_rec *r)
{
    return &zsso_config_srv(r->server)->global->state_key;
}

static const char *random_b64(request_rec *r)
{
    unsigned char b[RANDOM_BYTES];

    if (zsso_crypto_random(b, sizeof(b)) != ZSSO_OK) {
        return NULL;
    }
    return zsso_b64url_encode(r->pool, b, sizeof(b));
}

zsso_state_t *zsso_state_new(request_rec *r, const char *return_to)
{
    zsso_state_t *st = apr_pcalloc(r->pool, sizeof(*st));

    st->state = random_b64(r);
    st->nonce = random_b64(r);
    st->verifier = random_b64(r);
    st->return_to = return_to;
    st->created = apr_time_sec(apr_time_now());
    if (!st->state || !st->nonce || !st->verifier) {
        return NULL;
    }
    return st;
}

const char *zsso_state_challenge(apr_pool_t *p, const zsso_state_t *st)
{
    unsigned char h[32];

    zsso_crypto_sha256(st->verifier, strlen(st->verifier), h);
    return zsso_b64url_encode(p, h, sizeof(h));
}

/* The location base when the callback lies under it, else "/". */
static const char *state_path(apr_pool_t *p, const zsso_dir_conf_t *dc)
{
    const char *cb = zsso_config_callback_path(p, dc);
    const char *base = dc->base && dc->base[0] ? dc->base : "/";
    apr_size_t n = strlen(base);

    if (strcmp(base, "/") == 0
        || (strncmp(cb, base, n) == 0 && cb[n] == '/')) {
        return base;
    }
    return "/";
}

static const char *cookie_name(apr_pool_t *p, const char *state)
{
    return apr_pstrcat(p, ZSSO_STATE_COOKIE,
                       apr_pstrmemdup(p, state, NAME_CHARS), NULL);
}

static zsso_state_t *open_cookie(request_rec *r, const char *name,
                                 const char *value, zsso_err_t *err)
{
    zsso_state_t *st = apr_pcalloc(r->pool, sizeof(*st));
    unsigned char *pt;
    apr_size_t len;
    zsso_json_t *o;

    if (zsso_crypto_unseal(r->pool, state_key(r), name, value, &pt, &len,
                           err) != ZSSO_OK
        || (o = zsso_json_parse(r->pool, (char *)pt, len, 4096, err))
           == NULL) {
        return NULL;
    }
    if (zsso_json_get_string(o, "s", &st->state) != ZSSO_OK
        || zsso_json_get_string(o, "n", &st->nonce) != ZSSO_OK
        || zsso_json_get_string(o, "v", &st->verifier) != ZSSO_OK
        || zsso_json_get_string(o, "r", &st->return_to) != ZSSO_OK
        || zsso_json_get_int(o, "t", &st->created) != ZSSO_OK) {
        zsso_err_set(err, ZSSO_EINVAL, "login state record is incomplete");
        return NULL;
    }
    return st;
}

typedef struct {
    const char *name;
    apr_int64_t created;    /* 0 when it cannot be opened */
} pending_t;

static int collect_pending(void *ctx, const char *key, const char *val)
{
    void **c = ctx;
    request_rec *r = c[0];
    apr_array_header_t *out = c[1];
    zsso_err_t err;
    zsso_state_t *st;
    pending_t *p;

    if (strncmp(key, ZSSO_STATE_COOKIE, sizeof(ZSSO_STATE_COOKIE) - 1)) {
        return 1;
    }
    zsso_err_clear(&err);
    st = open_cookie(r, key, val, &err);
    p = apr_array_push(out);
    p->name = key;
    p->created = st ? st->created : 0;
    return 1;
}

/* Keep at most ZSSO_STATE_MAX - 1 older pending logins: background tabs
 * that each start a login must not pile cookies up until the browser's
 * Cookie header grows too large for the server. */
static void trim_pending(request_rec *r, const char *path)
{
    apr_array_header_t *all = apr_array_make(r->pool, 4, sizeof(pending_t));
    void *ctx[2] = { r, all };
    pending_t *p;

    apr_table_do(collect_pending, ctx, zsso_req_cookies(r), NULL);
    p = (pending_t *)all->elts;
    while (all->nelts >= ZSSO_STATE_MAX) {
        int oldest = 0;

        for (int i = 1; i < all->nelts; i++) {
            if (p[i].created < p[oldest].created) {
                oldest = i;
            }
        }
        zsso_req_set_cookie(r, p[oldest].name, "", path, 0);
        p[oldest] = p[all->nelts - 1];
        all->nelts--;
    }
}

zsso_status_t zsso_state_save(request_rec *r, const zsso_dir_conf_t *dc,
                              const zsso_state_t *st)
{
    zsso_json_t *o = zsso_json_object_new(r->pool);
    const char *name = cookie_name(r->pool, st->state);
    const char *path = state_path(r->pool, dc);
    const char *json, *sealed;

    trim_pending(r, path);
    zsso_json_set_string(o, "s", st->state);
    zsso_json_set_string(o, "n", st->nonce);
    zsso_json_set_string(o, "v", st->verifier);
    zsso_json_set_string(o, "r", st->return_to);
    zsso_json_set_int(o, "t", st->created);
    json = zsso_json_dump(r->pool, o);
    sealed = json ? zsso_crypto_seal(r->pool, state_key(r), name, json,
                                     strlen(json)) : NULL;
    if (sealed == NULL) {
        return ZSSO_ECRYPTO;
    }
    zsso_req_set_cookie(r, name, sealed, path, ZSSO_STATE_TTL);
    return ZSSO_OK;
}

static int state_syntax_ok(const char *s)
{
    apr_size_t n = strlen(s);

    if (n < NAME_CHARS || n > 128) {
        return 0;
    }
    for (; *s; s++) {
        if (!apr_isalnum(*s) && *s != '-' && *s != '_') {
            return 0;
        }
    }
    return 1;
}

/* The store key of a used state: the hash leads, so that shmcb spreads
 * keys over its sub-caches (it picks one by the first byte). */
static const char *used_key(apr_pool_t *p, const char *state)
{
    return zsso_crypto_hash_key(p, state, USED_SUFFIX);
}

static int already_used(request_rec *r, const zsso_state_t *st)
{
    unsigned char buf[8];
    unsigned int len = sizeof(buf);

    return zsso_cache_get(r, used_key(r->pool, st->state), buf, &len)
           == APR_SUCCESS;
}

zsso_status_t zsso_state_spend(request_rec *r, const zsso_state_t *st,
                               zsso_err_t *err)
{
    apr_status_t rv;

    /* XXX(ZI-4): checked in zsso_state_take, recorded here: not atomic,
     * two callbacks with the same state at the same moment could both
     * reach the token endpoint (which redeems a code only once). */
    rv = zsso_cache_put(r, used_key(r->pool, st->state),
                        apr_time_from_sec(st->created + ZSSO_STATE_TTL),
                        (const unsigned char *)"1", 1);
    if (rv != APR_SUCCESS) {
        return zsso_err_set(err, ZSSO_ELIMIT, "cannot record the login "
                            "state as used (session store error %d)", rv);
    }
    return ZSSO_OK;
}

zsso_status_t zsso_state_take(request_rec *r, const zsso_dir_conf_t *dc,
                              const char *state, zsso_state_t **out,
                              zsso_err_t *err)
{
    const char *name, *value;
    zsso_state_t *st;

    if (!state_syntax_ok(state)) {
        return zsso_err_set(err, ZSSO_ENOENT, "state parameter malformed");
    }
    name = cookie_name(r->pool, state);
    value = apr_table_get(zsso_req_cookies(r), name);
    if (value == NULL) {
        return zsso_err_set(err, ZSSO_ENOENT, "no pending login for this "
                            "state (cookie missing: expired, used, or "
                            "another browser)");
    }
    zsso_req_set_cookie(r, name, "", state_path(r->pool, dc), 0);
    st = open_cookie(r, name, value, err);
    if (st == NULL) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "login state cookie does "
                            "not open");
    }
    if (!zsso_crypto_str_equal(st->state, state)) {
        return zsso_err_set(err, ZSSO_ENOENT, "state does not match the "
                            "pending login");
    }
    if (apr_time_sec(apr_time_now()) - st->created > ZSSO_STATE_TTL) {
        return zsso_err_set(err, ZSSO_EEXPIRED, "login state expired");
    }
    if (already_used(r, st)) {
        return zsso_err_set(err, ZSSO_EDUP, "login state already used");
    }
    *out = st;
    return ZSSO_OK;
}
