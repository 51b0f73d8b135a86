/*
 * session.c - session records.
 *
 * store key   base64url(SHA-256(id)) + ":s": the store never holds a value
 *             that works as a cookie, and the hash leads so that shmcb
 *             spreads keys over its sub-caches (it picks by the first byte)
 * store value seal(session key, aad = store key, JSON record)
 * cookie      zsso_session=<id>; Path=<base>; HttpOnly; SameSite=Lax
 */
#include <apr_lib.h>
#include <apr_strings.h>

#include "cache.h"
#include "crypto.h"
#include "json.h"
#include "request.h"
#include "session.h"
#include "util.h"

#define ID_BYTES   32
#define ID_CHARS   43          /* base64url of 32 bytes */
#define KEY_SUFFIX ":s"          /* store key: hash of the id + this */
#define MAX_TRIED  4             /* session cookies looked up per request */

static const zsso_key_t *session_key(const request_rec *r)
{
    return &zsso_config_srv(r->server)->global->session_key;
}

static const char *store_key(apr_pool_t *p, const char *id)
{
    unsigned char h[32];

    zsso_crypto_sha256(id, strlen(id), h);
    return apr_pstrcat(p, zsso_b64url_encode(p, h, sizeof(h)), KEY_SUFFIX,
                       NULL);
}

static int id_syntax_ok(const char *id)
{
    if (strlen(id) != ID_CHARS) {
        return 0;
    }
    for (; *id; id++) {
        if (!apr_isalnum(*id) && *id != '-' && *id != '_') {
            return 0;
        }
    }
    return 1;
}

static const char *cookie_path(const zsso_dir_conf_t *dc)
{
    return dc->base && dc->base[0] ? dc->base : "/";
}

/* ------------------------------------------------------------------ */
/* record <-> JSON                                                    */
/* ------------------------------------------------------------------ */

static char *encode(apr_pool_t *p, const zsso_session_t *s)
{
    zsso_json_t *o = zsso_json_object_new(p);

    zsso_json_set_string(o, "iss", s->issuer);
    zsso_json_set_string(o, "cid", s->client_id);
    zsso_json_set_string(o, "base", s->base);
    zsso_json_set_string(o, "sub", s->sub);
    zsso_json_set_string(o, "user", s->user);
    zsso_json_set_string(o, "email", s->email);
    zsso_json_set_string(o, "name", s->name);
    zsso_json_set_strings(o, "groups", s->groups);
    zsso_json_set_string(o, "idt", s->id_token);
    zsso_json_set_int(o, "ct", s->created);
    zsso_json_set_int(o, "exp", s->expires);
    return zsso_json_dump(p, o);
}

static zsso_session_t *decode(apr_pool_t *p, const char *buf, apr_size_t n,
                              zsso_err_t *err)
{
    zsso_session_t *s = apr_pcalloc(p, sizeof(*s));
    zsso_json_t *o = zsso_json_parse(p, buf, n, ZSSO_CACHE_MAX_VALUE, err);

    if (o == NULL
        || zsso_json_get_string(o, "iss", &s->issuer) != ZSSO_OK
        || zsso_json_get_string(o, "cid", &s->client_id) != ZSSO_OK
        || zsso_json_get_string(o, "base", &s->base) != ZSSO_OK
        || zsso_json_get_string(o, "sub", &s->sub) != ZSSO_OK
        || zsso_json_get_string(o, "user", &s->user) != ZSSO_OK
        || zsso_json_get_string(o, "email", &s->email) != ZSSO_OK
        || zsso_json_get_string(o, "name", &s->name) != ZSSO_OK
        || zsso_json_get_strings(p, o, "groups", &s->groups) != ZSSO_OK
        || zsso_json_get_string(o, "idt", &s->id_token) != ZSSO_OK
        || zsso_json_get_int(o, "ct", &s->created) != ZSSO_OK
        || zsso_json_get_int(o, "exp", &s->expires) != ZSSO_OK) {
        zsso_err_set(err, ZSSO_EINVAL, "session record is incomplete");
        return NULL;
    }
    return s;
}

/* ------------------------------------------------------------------ */
/* load, create, end                                                  */
/* ------------------------------------------------------------------ */

static zsso_status_t load_one(request_rec *r, const zsso_dir_conf_t *dc,
                              const char *id, unsigned char *buf,
                              zsso_session_t **out, zsso_err_t *err)
{
    const char *key = store_key(r->pool, id);
    unsigned int len = ZSSO_CACHE_MAX_VALUE - 1;
    unsigned char *pt;
    apr_size_t n;
    zsso_session_t *s;
    apr_status_t rv = zsso_cache_get(r, key, buf, &len);

    if (rv == APR_NOTFOUND) {
        return zsso_err_set(err, ZSSO_ENOENT, "no session record");
    }
    if (rv != APR_SUCCESS) {
        return zsso_err_set(err, ZSSO_ELIMIT, "session store error %d", rv);
    }
    buf[len] = '\0';
    if (zsso_crypto_unseal(r->pool, session_key(r), key, (char *)buf, &pt,
                           &n, err) != ZSSO_OK
        || (s = decode(r->pool, (char *)pt, n, err)) == NULL) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "session record does not "
                            "open");
    }
    if (s->expires <= apr_time_sec(apr_time_now())) {
        return zsso_err_set(err, ZSSO_EEXPIRED, "session expired");
    }
    /* Bound to where it was made: another organisation's location or
     * another client never accepts it. */
    if (strcmp(s->issuer, dc->issuer) || strcmp(s->client_id, dc->client_id)
        || strcmp(s->base, zsso_req_where(r, dc))) {
        return zsso_err_set(err, ZSSO_ECLAIM, "session was made for "
                            "another location or organisation");
    }
    s->id = id;
    *out = s;
    return ZSSO_OK;
}

typedef struct {
    request_rec *r;
    const zsso_dir_conf_t *dc;
    unsigned char *buf;         /* one read buffer for every try */
    int tried;
    zsso_session_t *found;
    zsso_err_t *err;
    zsso_status_t st;
} finder_t;

static int try_cookie(void *ctx, const char *key, const char *val)
{
    finder_t *f = ctx;

    if (strcmp(key, ZSSO_SESSION_COOKIE) != 0 || !id_syntax_ok(val)) {
        return 1;
    }
    if (f->buf == NULL) {
        f->buf = apr_palloc(f->r->pool, ZSSO_CACHE_MAX_VALUE);
    }
    zsso_err_clear(f->err);
    f->st = load_one(f->r, f->dc, val, f->buf, &f->found, f->err);
    /* Stop at a session, at a store failure the caller must report, or
     * after a few tries: a request stuffed with session-shaped cookies
     * costs no more than a normal one. */
    return f->st != ZSSO_OK && f->st != ZSSO_ELIMIT
           && ++f->tried < MAX_TRIED;
}

zsso_status_t zsso_session_load(request_rec *r, const zsso_dir_conf_t *dc,
                                zsso_session_t **out, zsso_err_t *err)
{
    finder_t f = { r, dc, NULL, 0, NULL, err, ZSSO_ENOENT };

    /* Several may arrive when locations nest; any one may be ours. */
    apr_table_do(try_cookie, &f, zsso_req_cookies(r), NULL);
    if (f.st == ZSSO_ENOENT && err->status == ZSSO_OK) {
        zsso_err_set(err, ZSSO_ENOENT, "no valid session cookie");
    }
    *out = f.found;
    return f.st;
}

zsso_status_t zsso_session_create(request_rec *r, const zsso_dir_conf_t *dc,
                                  zsso_session_t *s, zsso_err_t *err)
{
    unsigned char raw[ID_BYTES];
    const char *key, *sealed;
    char *json;
    apr_status_t rv;

    if (zsso_crypto_random(raw, sizeof(raw)) != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "no random bytes");
    }
    s->id = zsso_b64url_encode(r->pool, raw, sizeof(raw));
    key = store_key(r->pool, s->id);
    json = encode(r->pool, s);
    sealed = zsso_crypto_seal(r->pool, session_key(r), key, json,
                              strlen(json));
    if (sealed == NULL) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "cannot seal the session");
    }
    if (strlen(sealed) >= ZSSO_CACHE_MAX_VALUE) {
        return zsso_err_set(err, ZSSO_ELIMIT, "session record too large "
                            "(%" APR_SIZE_T_FMT " bytes)", strlen(sealed));
    }
    rv = zsso_cache_put(r, key, apr_time_from_sec(s->expires),
                        (const unsigned char *)sealed, strlen(sealed));
    if (rv != APR_SUCCESS) {
        return zsso_err_set(err, ZSSO_ELIMIT, "session store error %d", rv);
    }
    zsso_req_set_cookie(r, ZSSO_SESSION_COOKIE, s->id, cookie_path(dc), -1);
    return ZSSO_OK;
}

void zsso_session_end(request_rec *r, const zsso_dir_conf_t *dc,
                      const zsso_session_t *s)
{
    if (s && s->id) {
        zsso_cache_remove(r, store_key(r->pool, s->id));
    }
    zsso_req_set_cookie(r, ZSSO_SESSION_COOKIE, "", cookie_path(dc), 0);
}

const char *zsso_session_ref(apr_pool_t *p, const char *id)
{
    const char *key = store_key(p, id);

    return apr_pstrndup(p, key, strlen(key) - strlen(KEY_SUFFIX));
}

void zsso_session_end_ref(request_rec *r, const char *ref)
{
    zsso_cache_remove(r, apr_pstrcat(r->pool, ref, KEY_SUFFIX, NULL));
}
