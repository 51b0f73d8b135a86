/*
 * session.h - sessions: a random 256-bit id in a cookie, the record sealed
 * in the shared store and bound to the issuer, client and location it was
 * made for.
 */
#ifndef ZSSO_SESSION_H
#define ZSSO_SESSION_H

#include "config.h"
#include "err.h"

#define ZSSO_SESSION_COOKIE "zsso_session"

typedef struct {
    const char *id;            /* the cookie value */
    const char *issuer;
    const char *client_id;
    const char *base;
    const char *sub;
    const char *user;
    const char *email;         /* may be "" */
    const char *name;          /* may be "" */
    const char *logout_token;  /* zsso_logout_token(id), kept in the
                                * record so no request recomputes it */
    apr_array_header_t *groups;  /* of const char * */
    const char *id_token;      /* for logout's id_token_hint: set at
                                * sign-in and by zsso_session_end, NULL
                                * after zsso_session_load */
    apr_int64_t created;
    apr_int64_t expires;
    apr_int64_t last;          /* last activity recorded in the store */
    apr_int64_t access_at;     /* the access token: when issued and when */
    apr_int64_t access_exp;    /* it expires; 0 when none is kept */
} zsso_session_t;

/* The session named by the request's cookie. ZSSO_ENOENT: no cookie or no
 * record; ZSSO_EEXPIRED (past ZSSOSessionMaxAge, or idle for
 * ZSSOSessionIdleTimeout); ZSSO_ECLAIM: made for another issuer, client or
 * location; ZSSO_ECRYPTO: the record does not open; ZSSO_ELIMIT: the store
 * failed (the caller answers 503). */
zsso_status_t zsso_session_load(request_rec *r, const zsso_dir_conf_t *dc,
                                zsso_session_t **out, zsso_err_t *err);

/* Give s a new id, store it and set the cookie. ZSSO_ELIMIT when the store
 * fails. */
zsso_status_t zsso_session_create(request_rec *r, const zsso_dir_conf_t *dc,
                                  zsso_session_t *s, zsso_err_t *err);

/* Remove the record and the cookie. Before it removes the record it reads
 * the ID token, kept apart from the record, into s->id_token ("" when the
 * store no longer has it). s may be NULL: the cookie only. */
void zsso_session_end(request_rec *r, const zsso_dir_conf_t *dc,
                      zsso_session_t *s);

/* A session's reference: what names it in the store (the hash part of its
 * keys), never usable as a cookie. For indexes such as back-channel
 * logout's. */
const char *zsso_session_ref(apr_pool_t *p, const char *id);

/* The ID token a session was made from, read from its own entry ("" when
 * the store no longer has it): only for the rare uses that need its
 * claims (Require zsso-claim), never on every request. */
const char *zsso_session_id_token(request_rec *r, const char *id);

/* Keep the access and refresh tokens (sealed, their own entry) and the
 * access token's times in the record (for the refresh decision). */
zsso_status_t zsso_session_set_tokens(request_rec *r, zsso_session_t *s,
                                      const char *access,
                                      const char *refresh,
                                      apr_int64_t issued,
                                      apr_int64_t expires, zsso_err_t *err);

/* The kept tokens ("" when there is none); ZSSO_ENOENT without an entry. */
zsso_status_t zsso_session_tokens(request_rec *r, const zsso_session_t *s,
                                  const char **access, const char **refresh);

/* End the session a reference names (its record, wherever it is read
 * from next). */
void zsso_session_end_ref(request_rec *r, const char *ref);

#endif
