/*
 * backchannel.c - Back-Channel Logout 1.0 (OpenID Connect), receiving
 * side.
 *
 *   POST logout_token ─▶ JWS (provider's keys, alg allow-list) ─▶ claims
 *   (section 2.6: iss, aud, iat, exp, jti, events, sub/sid, no nonce) ─▶
 *   jti not seen before ─▶ every session indexed under that sub or sid ends
 *
 * The store keeps, per issuer, client and sub (or sid), the references of
 * the sessions made for it (never their ids), newest last, at most
 * INDEX_MAX per entry, so a logout finds them without a scan:
 *   sid    b64url(SHA-256(iss \n client \n "sid" \n value)) ":x"
 *   sub    b64url(SHA-256(iss \n client \n "sub" \n value \n shard)) ":x"
 *   jti    b64url(SHA-256(iss \n jti)) ":j", kept until the token's exp
 * A user's sessions are spread over SUB_SHARDS entries by their reference:
 * each sign-in rewrites one small entry. With one entry per user, 2,000
 * sign-ins of one user rewrote a 700-byte entry 2,000 times in one part of
 * a shmcb store, whose cyclic buffer then dropped the other sessions kept
 * there (18 of 2,000 in bench/run.sh's live-session step). With 8 entries,
 * 100,000 sign-ins of one user rewrote each 12,500 times: the 8 parts of
 * the store they sit in turned over and dropped 2,526 of the 100,000
 * sessions. With 256 the rewrites spread over the whole store; a
 * back-channel logout for a sub reads the 256 entries, and finds up to
 * 1,024 of the user's sessions.
 */
#include <apr_strings.h>
#include <http_protocol.h>

#include "backchannel.h"
#include "cache.h"
#include "crypto.h"
#include "idtoken.h"
#include "jose.h"
#include "provider.h"
#include "util.h"

#define INDEX_MAX    4                 /* sessions kept per entry */
#define SUB_SHARDS   256               /* entries per sub */
#define INDEX_AGE    (30 * 86400)      /* an index outlives its sessions */
#define BODY_MAX     (64 * 1024)
#define REF_CHARS    43                /* base64url of SHA-256 */

static const char *hashed_key(apr_pool_t *p, const char *text,
                              const char *suffix)
{
    return zsso_crypto_hash_key(p, text, suffix);
}

static const char *index_key(apr_pool_t *p, const zsso_dir_conf_t *dc,
                             const char *kind, const char *value)
{
    return hashed_key(p, apr_pstrcat(p, dc->issuer, "\n", dc->client_id,
                                     "\n", kind, "\n", value, NULL), ":x");
}

/* The shard is in the hashed text, not after it: the store places a key
 * by its first bytes. */
static const char *sub_key(apr_pool_t *p, const zsso_dir_conf_t *dc,
                           const char *sub, int shard)
{
    return hashed_key(p, apr_psprintf(p, "%s\n%s\nsub\n%s\n%d",
                                      dc->issuer, dc->client_id, sub, shard),
                      ":x");
}

/* From the first four characters of the reference (24 bits of a hash). */
static int shard_of(const char *ref)
{
    unsigned int h = 0;

    for (int i = 0; i < 4 && ref[i]; i++) {
        h = h * 131 + (unsigned char)ref[i];
    }
    return (int)(h % SUB_SHARDS);
}

/* The references in an index entry ("ref ref ..."), or an empty list. */
static apr_array_header_t *index_read(request_rec *r, const char *key)
{
    apr_array_header_t *refs = apr_array_make(r->pool, INDEX_MAX + 1,
                                              sizeof(const char *));
    unsigned char *buf = apr_palloc(r->pool, ZSSO_CACHE_MAX_VALUE);
    unsigned int len = ZSSO_CACHE_MAX_VALUE - 1;
    char *last, *tok;

    if (zsso_cache_get(r, key, buf, &len) != APR_SUCCESS) {
        return refs;
    }
    buf[len] = '\0';
    for (tok = apr_strtok((char *)buf, " ", &last); tok;
         tok = apr_strtok(NULL, " ", &last)) {
        if (strlen(tok) == REF_CHARS) {
            APR_ARRAY_PUSH(refs, const char *) = tok;
        }
    }
    return refs;
}

/* XXX(ZI-6): read, add, write: two sign-ins of one user at the same moment
 * can lose one entry, and a back-channel logout then misses that session
 * (it still ends at its idle or absolute limit). socache has no atomic
 * append. */
static void index_add(request_rec *r, const char *key, const char *ref)
{
    apr_array_header_t *refs = index_read(r, key);
    int from = refs->nelts >= INDEX_MAX ? refs->nelts - INDEX_MAX + 1 : 0;
    const char *val = "";

    for (int i = from; i < refs->nelts; i++) {
        val = apr_pstrcat(r->pool, val, APR_ARRAY_IDX(refs, i, const char *),
                          " ", NULL);
    }
    val = apr_pstrcat(r->pool, val, ref, NULL);
    zsso_cache_put(r, key, apr_time_now() + apr_time_from_sec(INDEX_AGE),
                   (const unsigned char *)val, strlen(val));
}

void zsso_backchannel_remember(request_rec *r, const zsso_dir_conf_t *dc,
                               const zsso_session_t *s, const char *sid)
{
    const char *ref = zsso_session_ref(r->pool, s->id);

    if (s->sub && s->sub[0]) {
        index_add(r, sub_key(r->pool, dc, s->sub, shard_of(ref)), ref);
    }
    if (sid && sid[0]) {
        index_add(r, index_key(r->pool, dc, "sid", sid), ref);
    }
}

/* End every session an index names; the index goes too. */
static int end_indexed(request_rec *r, const char *key)
{
    apr_array_header_t *refs = index_read(r, key);

    for (int i = 0; i < refs->nelts; i++) {
        zsso_session_end_ref(r, APR_ARRAY_IDX(refs, i, const char *));
    }
    zsso_cache_remove(r, key);
    return refs->nelts;
}

/* ------------------------------------------------------------------ */
/* the request                                                        */
/* ------------------------------------------------------------------ */

/* Section 2.8: 400, with an OAuth-style JSON error; one log line. */
static int refuse(request_rec *r, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00310)
                  "back-channel logout refused: %s", why);
    /* Written here rather than through ap_die: an error response would be
     * labelled text/html. */
    ap_discard_request_body(r);
    r->status = HTTP_BAD_REQUEST;
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_type(r, "application/json");
    ap_rputs("{\"error\":\"invalid_request\"}\n", r);
    return DONE;
}

/* The form body's logout_token (application/x-www-form-urlencoded). */
static const char *read_token(request_rec *r)
{
    const char *type = apr_table_get(r->headers_in, "Content-Type");
    const char *token = NULL;
    char *body;
    apr_size_t got = 0;
    long n;

    if (type == NULL || strncasecmp(type, "application/x-www-form-"
                                    "urlencoded", 33) != 0
        || ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK) != OK
        || !ap_should_client_block(r)) {
        return NULL;
    }
    body = apr_palloc(r->pool, BODY_MAX + 1);
    while ((n = ap_get_client_block(r, body + got, BODY_MAX - got)) > 0) {
        got += (apr_size_t)n;
        if (got == BODY_MAX) {
            return NULL;        /* larger than any logout token */
        }
    }
    if (n < 0) {
        return NULL;
    }
    body[got] = '\0';
    if (zsso_query_get(r->pool, body, "logout_token", &token) != ZSSO_OK) {
        return NULL;
    }
    return token;
}

static zsso_status_t check_token(request_rec *r, const zsso_dir_conf_t *dc,
                                 const char *compact, const char **sub,
                                 const char **sid, const char **jti,
                                 apr_int64_t *exp, zsso_err_t *err)
{
    zsso_idtoken_expect_t want = { 0 };
    zsso_jws_t *jws = zsso_jws_parse(r->pool, compact, err);

    if (jws == NULL || zsso_provider_verify(r, dc, jws, err) != ZSSO_OK) {
        return err->status;
    }
    want.issuer = dc->issuer;
    want.client_id = dc->client_id;
    want.now = apr_time_sec(apr_time_now());
    want.skew = zsso_config_skew(dc);
    if (zsso_logout_token_check(r->pool, jws->claims, &want, sub, sid, jti,
                                err) != ZSSO_OK) {
        return err->status;
    }
    zsso_json_get_int(jws->claims, "exp", exp);
    return ZSSO_OK;
}

int zsso_backchannel_handle(request_rec *r, const zsso_dir_conf_t *dc)
{
    const char *token, *sub = NULL, *sid = NULL, *jti = NULL, *jkey;
    unsigned char seen[8];
    unsigned int len = sizeof(seen);
    apr_int64_t exp = 0;
    zsso_err_t err;
    int ended = 0;

    if (r->method_number != M_POST) {
        return refuse(r, "not a POST");
    }
    if ((token = read_token(r)) == NULL) {
        return refuse(r, "no logout_token in a form body of at most 64 KB");
    }
    zsso_err_clear(&err);
    if (check_token(r, dc, token, &sub, &sid, &jti, &exp, &err) != ZSSO_OK) {
        return refuse(r, err.text);
    }
    /* Section 2.6 step 6 (optional, done): a replayed token is refused. */
    jkey = hashed_key(r->pool, apr_pstrcat(r->pool, dc->issuer, "\n", jti,
                                           NULL), ":j");
    if (zsso_cache_get(r, jkey, seen, &len) == APR_SUCCESS) {
        return refuse(r, "jti seen before (a replayed logout token)");
    }
    zsso_cache_put(r, jkey, apr_time_from_sec(exp + zsso_config_skew(dc)),
                   (const unsigned char *)"1", 1);
    for (int i = 0; sub && i < SUB_SHARDS; i++) {
        ended += end_indexed(r, sub_key(r->pool, dc, sub, i));
    }
    if (sid) {
        ended += end_indexed(r, index_key(r->pool, dc, "sid", sid));
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, ZSSO_LOGNO(00311)
                  "back-channel logout for %s%s%s: %d session(s) ended",
                  sub ? "sub " : "", sub ? sub : "",
                  sid ? " and a provider session" : "", ended);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, 0);
    return DONE;
}
