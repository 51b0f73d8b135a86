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
    apr_array_header_t *groups;  /* of const char * */
    const char *id_token;      /* kept for logout's id_token_hint */
    apr_int64_t created;
    apr_int64_t expires;
} zsso_session_t;

/* The session named by the request's cookie. ZSSO_ENOENT: no cookie or no
 * record; ZSSO_EEXPIRED; ZSSO_ECLAIM: made for another issuer, client or
 * location; ZSSO_ECRYPTO: the record does not open; ZSSO_ELIMIT: the store
 * failed (the caller answers 503). */
zsso_status_t zsso_session_load(request_rec *r, const zsso_dir_conf_t *dc,
                                zsso_session_t **out, zsso_err_t *err);

/* Give s a new id, store it and set the cookie. ZSSO_ELIMIT when the store
 * fails. */
zsso_status_t zsso_session_create(request_rec *r, const zsso_dir_conf_t *dc,
                                  zsso_session_t *s, zsso_err_t *err);

/* Remove the record and the cookie. */
void zsso_session_end(request_rec *r, const zsso_dir_conf_t *dc,
                      const zsso_session_t *s);

/* A session's reference: what names it in the store (the hash part of its
 * keys), never usable as a cookie. For indexes such as back-channel
 * logout's. */
const char *zsso_session_ref(apr_pool_t *p, const char *id);

/* End the session a reference names (its record, wherever it is read
 * from next). */
void zsso_session_end_ref(request_rec *r, const char *ref);

#endif
