/*
 * session.c - session records.
 *
 * store key   base64url(SHA-256(id)) + ":s": the store never holds a value
 *             that works as a cookie (src/cache.c puts one spreading byte
 *             before every key it stores)
 * store value seal_raw(session key, aad = store key, record), where the
 *             record is compact (below), read on every request: no JSON
 * ID token    its own entry, base64url(SHA-256(id)) + ":t", sealed the same
 *             way (aad = that key), read only at sign-out for Okta's
 *             id_token_hint: the 1-2 KB token stays off the request path
 * tokens      base64url(SHA-256(id)) + ":a", sealed: the access token and
 *             the refresh token ("access \n refresh"), when the provider
 *             gave a refresh token or ZSSOPassAccessToken is On
 * cookie      zsso_session=<id>; Path=<base>; HttpOnly; SameSite=Lax
 *
 * The record:
 *   version (1 byte, RECORD_V3) | created | expires | last activity |
 *   access token issued | access token expires (8 bytes each, big endian,
 *   seconds; the last two 0 without tokens) | issuer, client, base, sub, user, email, name,
 *   logout token (each
 *   NUL-terminated) | the groups, each NUL-terminated, to the end
 * Claims come from JSON that cannot carry a NUL (src/json.c), so a NUL
 * always ends a field. The record is authenticated by the seal; decode
 * still checks every bound.
 *
 * A record this process opened is kept in its memo (src/cache.c), under
 * the session id, for a moment; expiry, idleness and the binding to
 * issuer, client and location are checked on every request, whichever way
 * the record came. Activity moves the idle deadline by rewriting the
 * record at most once per touch_gap (a minute, less for short idle
 * timeouts), not on every request.
 */
#include <apr_lib.h>
#include <apr_strings.h>

#include "cache.h"
#include "logout.h"
#include "crypto.h"
#include "request.h"
#include "session.h"
#include "util.h"

#define ID_BYTES   32
#define ID_CHARS   43          /* base64url of 32 bytes */
#define KEY_SUFFIX ":s"          /* store key: hash of the id + this */
#define TOKEN_SUFFIX ":t"        /* the ID token's entry */
#define TOKENS_SUFFIX ":a"       /* access and refresh tokens */
#define MAX_TRIED  4             /* session cookies looked up per request */
#define RECORD_V3  3             /* V1 had no last-activity time, V2 no
                                  * logout token */
#define HEAD_LEN   41            /* version, created, expires, last,
                                  * access issued, access expires */
#define TOUCH_GAP  60            /* seconds between idle-deadline writes */
#define N_FIELDS   8

static const zsso_key_t *session_key(const request_rec *r)
{
    return &zsso_config_srv(r->server)->global->session_key;
}

/* The store keys of id: its record's (":s") and its ID token's (":t"). */
static const char *store_key(apr_pool_t *p, const char *id,
                             const char *suffix)
{
    return zsso_crypto_hash_key(p, id, suffix);
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
/* the record                                                         */
/* ------------------------------------------------------------------ */

static const char *or_empty(const char *v)
{
    return v ? v : "";
}

/* The record's fields in order, as the session holds them. */
static void fields_of(const zsso_session_t *s, const char *f[N_FIELDS])
{
    f[0] = or_empty(s->issuer);
    f[1] = or_empty(s->client_id);
    f[2] = or_empty(s->base);
    f[3] = or_empty(s->sub);
    f[4] = or_empty(s->user);
    f[5] = or_empty(s->email);
    f[6] = or_empty(s->name);
    f[7] = or_empty(s->logout_token);
}

static unsigned char *encode(apr_pool_t *p, const zsso_session_t *s,
                             apr_size_t *len)
{
    const char *f[N_FIELDS];
    apr_size_t n = HEAD_LEN;
    unsigned char *buf, *o;
    int ng = s->groups ? s->groups->nelts : 0;

    fields_of(s, f);
    for (int i = 0; i < N_FIELDS; i++) {
        n += strlen(f[i]) + 1;
    }
    for (int i = 0; i < ng; i++) {
        n += strlen(APR_ARRAY_IDX(s->groups, i, const char *)) + 1;
    }
    o = buf = apr_palloc(p, n);
    *o++ = RECORD_V3;
    zsso_put_be64(o, s->created);
    zsso_put_be64(o + 8, s->expires);
    zsso_put_be64(o + 16, s->last);
    zsso_put_be64(o + 24, s->access_at);
    zsso_put_be64(o + 32, s->access_exp);
    o += 40;
    for (int i = 0; i < N_FIELDS; i++) {
        apr_size_t l = strlen(f[i]) + 1;

        memcpy(o, f[i], l);
        o += l;
    }
    for (int i = 0; i < ng; i++) {
        const char *g = APR_ARRAY_IDX(s->groups, i, const char *);
        apr_size_t l = strlen(g) + 1;

        memcpy(o, g, l);
        o += l;
    }
    *len = n;
    return buf;
}

/* The next NUL-terminated field of [*at, end), or NULL when none ends
 * before end. */
static const char *next_field(const unsigned char **at,
                              const unsigned char *end)
{
    const unsigned char *nul = memchr(*at, '\0', (apr_size_t)(end - *at));
    const char *f = (const char *)*at;

    if (nul == NULL) {
        return NULL;
    }
    *at = nul + 1;
    return f;
}

/* Decode buf[0 .. n) in place: the strings of the result point into buf,
 * which must live as long as the session (r->pool). */
static zsso_session_t *decode(apr_pool_t *p, const unsigned char *buf,
                              apr_size_t n, zsso_err_t *err)
{
    zsso_session_t *s = apr_pcalloc(p, sizeof(*s));
    const unsigned char *at = buf + HEAD_LEN, *end = buf + n;
    const char *f[N_FIELDS];
    const char *g;

    if (n < HEAD_LEN || buf[0] != RECORD_V3) {
        zsso_err_set(err, ZSSO_EINVAL, "session record of another version");
        return NULL;
    }
    for (int i = 0; i < N_FIELDS; i++) {
        if ((f[i] = next_field(&at, end)) == NULL) {
            zsso_err_set(err, ZSSO_EINVAL, "session record is incomplete");
            return NULL;
        }
    }
    s->created = zsso_get_be64(buf + 1);
    s->expires = zsso_get_be64(buf + 9);
    s->last = zsso_get_be64(buf + 17);
    s->access_at = zsso_get_be64(buf + 25);
    s->access_exp = zsso_get_be64(buf + 33);
    s->issuer = f[0];
    s->client_id = f[1];
    s->base = f[2];
    s->sub = f[3];
    s->user = f[4];
    s->email = f[5];
    s->name = f[6];
    s->logout_token = f[7];
    s->groups = apr_array_make(p, 4, sizeof(const char *));
    while (at < end) {
        if ((g = next_field(&at, end)) == NULL) {
            zsso_err_set(err, ZSSO_EINVAL, "session record is incomplete");
            return NULL;
        }
        APR_ARRAY_PUSH(s->groups, const char *) = g;
    }
    return s;
}

/* ------------------------------------------------------------------ */
/* load, create, end                                                  */
/* ------------------------------------------------------------------ */

/* Read and open key's sealed value from the store (plaintext in r->pool,
 * NUL-terminated past *n). */
static zsso_status_t open_stored(request_rec *r, const char *key,
                                 unsigned char **pt, apr_size_t *n,
                                 zsso_err_t *err)
{
    unsigned char *buf = apr_palloc(r->pool, ZSSO_CACHE_MAX_VALUE);
    unsigned int len = ZSSO_CACHE_MAX_VALUE;
    apr_status_t rv = zsso_cache_get(r, key, buf, &len);

    if (rv == APR_NOTFOUND) {
        return zsso_err_set(err, ZSSO_ENOENT, "no session record");
    }
    if (rv != APR_SUCCESS) {
        return zsso_err_set(err, ZSSO_ELIMIT, "session store error %d", rv);
    }
    if (zsso_crypto_unseal_raw(r->pool, session_key(r), key, buf, len, pt,
                               n, err) != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "session record does not "
                            "open");
    }
    return ZSSO_OK;
}

/* The opened record of session id: from this process's memo, which knows
 * it by the id itself (a signed-in request hashes nothing), else from the
 * store under its key (and then kept in the memo). */
static zsso_status_t record_of(request_rec *r, const char *id,
                               zsso_session_t **out, zsso_err_t *err)
{
    zsso_memo_ticket_t ticket;
    unsigned char *pt;
    unsigned int mlen;
    apr_size_t n;
    zsso_status_t st;
    const char *key;
    int memo = zsso_cache_memo_get(r, id, &pt, &mlen) == APR_SUCCESS;

    if (memo) {
        n = mlen;
    }
    else {
        key = store_key(r->pool, id, KEY_SUFFIX);
        zsso_cache_memo_ticket(r, key, &ticket);
        if ((st = open_stored(r, key, &pt, &n, err)) != ZSSO_OK) {
            return st;
        }
    }
    if ((*out = decode(r->pool, pt, n, err)) == NULL) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "session record does not "
                            "decode");
    }
    if (!memo) {
        zsso_cache_memo_put(r, id, &ticket, pt, (unsigned int)n);
    }
    return ZSSO_OK;
}

static zsso_status_t store_sealed(request_rec *r, const char *key,
                                  const void *pt, apr_size_t len,
                                  apr_int64_t expires, zsso_err_t *err);

/* Activity: move the idle deadline, at most once per gap. A failed write
 * only means the deadline moves at the next request. */
static void touch(request_rec *r, const zsso_dir_conf_t *dc,
                  zsso_session_t *s, const char *id, apr_int64_t now)
{
    apr_int64_t gap = zsso_config_idle(dc) / 4;
    const unsigned char *rec;
    apr_size_t len;
    zsso_err_t err;

    gap = gap < TOUCH_GAP ? gap : TOUCH_GAP;
    if (now - s->last < gap) {
        return;
    }
    s->last = now;
    rec = encode(r->pool, s, &len);
    zsso_err_clear(&err);
    if (store_sealed(r, store_key(r->pool, id, KEY_SUFFIX), rec, len,
                     s->expires, &err) != ZSSO_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, ZSSO_LOGNO(00208)
                      "the idle deadline was not moved: %s", err.text);
    }
}

static zsso_status_t load_one(request_rec *r, const zsso_dir_conf_t *dc,
                              const char *id, zsso_session_t **out,
                              zsso_err_t *err)
{
    zsso_session_t *s;
    apr_int64_t now = apr_time_sec(r->request_time);
    zsso_status_t st = record_of(r, id, &s, err);

    if (st != ZSSO_OK) {
        return st;
    }
    /* Checked on every request, memo or not. */
    if (s->expires <= now) {
        return zsso_err_set(err, ZSSO_EEXPIRED, "session expired");
    }
    if (now - s->last >= zsso_config_idle(dc)) {
        return zsso_err_set(err, ZSSO_EEXPIRED, "session idle for too "
                            "long");
    }
    /* Bound to where it was made: another organisation's location or
     * another client never accepts it. */
    if (strcmp(s->issuer, dc->issuer) || strcmp(s->client_id, dc->client_id)
        || !zsso_req_where_is(r, dc, s->base)) {
        return zsso_err_set(err, ZSSO_ECLAIM, "session was made for "
                            "another location or organisation");
    }
    touch(r, dc, s, id, now);
    s->id = id;
    *out = s;
    return ZSSO_OK;
}

typedef struct {
    request_rec *r;
    const zsso_dir_conf_t *dc;
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
    zsso_err_clear(f->err);
    f->st = load_one(f->r, f->dc, val, &f->found, f->err);
    /* Stop at a session, at a store failure the caller must report, or
     * after a few tries: a request stuffed with session-shaped cookies
     * costs no more than a normal one. */
    return f->st != ZSSO_OK && f->st != ZSSO_ELIMIT
           && ++f->tried < MAX_TRIED;
}

zsso_status_t zsso_session_load(request_rec *r, const zsso_dir_conf_t *dc,
                                zsso_session_t **out, zsso_err_t *err)
{
    finder_t f = { r, dc, 0, NULL, err, ZSSO_ENOENT };

    /* Several may arrive when locations nest; any one may be ours. */
    apr_table_do(try_cookie, &f, zsso_req_cookies(r), NULL);
    if (f.st == ZSSO_ENOENT && err->status == ZSSO_OK) {
        zsso_err_set(err, ZSSO_ENOENT, "no valid session cookie");
    }
    *out = f.found;
    return f.st;
}

/* Seal pt under key (aad = key) and store it until expires. */
static zsso_status_t store_sealed(request_rec *r, const char *key,
                                  const void *pt, apr_size_t len,
                                  apr_int64_t expires, zsso_err_t *err)
{
    apr_size_t n;
    unsigned char *sealed = zsso_crypto_seal_raw(r->pool, session_key(r),
                                                 key, pt, len, &n);
    apr_status_t rv;

    if (sealed == NULL) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "cannot seal the session");
    }
    if (n >= ZSSO_CACHE_MAX_VALUE) {
        return zsso_err_set(err, ZSSO_ELIMIT, "session record too large "
                            "(%" APR_SIZE_T_FMT " bytes)", n);
    }
    rv = zsso_cache_put(r, key, apr_time_from_sec(expires), sealed,
                        (unsigned int)n);
    if (rv != APR_SUCCESS) {
        return zsso_err_set(err, ZSSO_ELIMIT, "session store error %d", rv);
    }
    return ZSSO_OK;
}

zsso_status_t zsso_session_create(request_rec *r, const zsso_dir_conf_t *dc,
                                  zsso_session_t *s, zsso_err_t *err)
{
    unsigned char raw[ID_BYTES];
    const unsigned char *rec;
    const char *tok = or_empty(s->id_token);
    apr_size_t len;

    if (zsso_crypto_random(raw, sizeof(raw)) != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_ECRYPTO, "no random bytes");
    }
    s->id = zsso_b64url_encode(r->pool, raw, sizeof(raw));
    s->logout_token = zsso_logout_token(r->pool, s->id);
    s->last = s->created;
    rec = encode(r->pool, s, &len);
    if (store_sealed(r, store_key(r->pool, s->id, TOKEN_SUFFIX), tok,
                     strlen(tok), s->expires, err) != ZSSO_OK
        || store_sealed(r, store_key(r->pool, s->id, KEY_SUFFIX), rec, len,
                        s->expires, err) != ZSSO_OK) {
        return err->status;
    }
    zsso_req_set_cookie(r, ZSSO_SESSION_COOKIE, s->id, cookie_path(dc), -1);
    return ZSSO_OK;
}

/* The ID token of s, read from its own entry: "" when the store no longer
 * has it (the sign-out then goes without a hint). */
static const char *id_token_of(request_rec *r, const zsso_session_t *s)
{
    unsigned char *pt;
    apr_size_t n;
    zsso_err_t err;

    zsso_err_clear(&err);
    if (open_stored(r, store_key(r->pool, s->id, TOKEN_SUFFIX), &pt, &n,
                    &err) != ZSSO_OK) {
        return "";
    }
    return (const char *)pt;
}

void zsso_session_end(request_rec *r, const zsso_dir_conf_t *dc,
                      zsso_session_t *s)
{
    if (s && s->id) {
        if (s->id_token == NULL) {
            s->id_token = id_token_of(r, s);
        }
        zsso_session_end_ref(r, zsso_session_ref(r->pool, s->id));
    }
    zsso_req_set_cookie(r, ZSSO_SESSION_COOKIE, "", cookie_path(dc), 0);
}

const char *zsso_session_ref(apr_pool_t *p, const char *id)
{
    const char *key = store_key(p, id, KEY_SUFFIX);

    return apr_pstrndup(p, key, strlen(key) - strlen(KEY_SUFFIX));
}

void zsso_session_end_ref(request_rec *r, const char *ref)
{
    zsso_cache_remove(r, apr_pstrcat(r->pool, ref, KEY_SUFFIX, NULL));
    zsso_cache_remove(r, apr_pstrcat(r->pool, ref, TOKEN_SUFFIX, NULL));
    zsso_cache_remove(r, apr_pstrcat(r->pool, ref, TOKENS_SUFFIX, NULL));
}

zsso_status_t zsso_session_set_tokens(request_rec *r, zsso_session_t *s,
                                      const char *access,
                                      const char *refresh,
                                      apr_int64_t issued,
                                      apr_int64_t expires, zsso_err_t *err)
{
    const char *both = apr_pstrcat(r->pool, access ? access : "", "\n",
                                   refresh ? refresh : "", NULL);
    const unsigned char *rec;
    apr_size_t len;

    if (store_sealed(r, store_key(r->pool, s->id, TOKENS_SUFFIX), both,
                     strlen(both), s->expires, err) != ZSSO_OK) {
        return err->status;
    }
    s->access_at = issued;
    s->access_exp = expires;
    rec = encode(r->pool, s, &len);
    return store_sealed(r, store_key(r->pool, s->id, KEY_SUFFIX), rec, len,
                        s->expires, err);
}

zsso_status_t zsso_session_tokens(request_rec *r, const zsso_session_t *s,
                                  const char **access, const char **refresh)
{
    unsigned char *pt;
    apr_size_t n;
    char *nl;
    zsso_err_t err;

    zsso_err_clear(&err);
    if (open_stored(r, store_key(r->pool, s->id, TOKENS_SUFFIX), &pt, &n,
                    &err) != ZSSO_OK
        || (nl = strchr((char *)pt, '\n')) == NULL) {
        return ZSSO_ENOENT;
    }
    *nl = '\0';
    *access = (const char *)pt;
    *refresh = nl + 1;
    return ZSSO_OK;
}

const char *zsso_session_id_token(request_rec *r, const char *id)
{
    zsso_session_t s = { 0 };

    s.id = id;
    return id_token_of(r, &s);
}
