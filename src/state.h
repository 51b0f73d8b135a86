/*
 * state.h - pending logins: state, nonce, PKCE verifier and the return
 * path, sealed into a short-lived cookie named after the state, and
 * consumed once.
 */
#ifndef ZSSO_STATE_H
#define ZSSO_STATE_H

#include "config.h"
#include "err.h"

#define ZSSO_STATE_COOKIE  "zsso_state_"
#define ZSSO_STATE_TTL     600    /* seconds a sign-in may take */
#define ZSSO_STATE_MAX     4      /* pending logins kept per browser */
#define ZSSO_RETURN_MAX    2048   /* longest return path kept */

typedef struct {
    const char *state;      /* RFC 6749 section 10.12 */
    const char *nonce;      /* OpenID Connect Core section 3.1.2.1 */
    const char *verifier;   /* RFC 7636 section 4.1 */
    const char *return_to;  /* same-origin path */
    apr_int64_t created;    /* seconds */
} zsso_state_t;

/* A fresh login state; NULL only if the random source fails. */
zsso_state_t *zsso_state_new(request_rec *r, const char *return_to);

/* The S256 code challenge of st's verifier (RFC 7636 section 4.2). */
const char *zsso_state_challenge(apr_pool_t *p, const zsso_state_t *st);

/* Seal st into its cookie; drops the oldest pending ones over the cap.
 * ZSSO_ECRYPTO when sealing fails. */
zsso_status_t zsso_state_save(request_rec *r, const zsso_dir_conf_t *dc,
                              const zsso_state_t *st);

/* Find and open the login state named by the callback's state parameter.
 * ZSSO_ENOENT: no such pending login; ZSSO_EEXPIRED: too old; ZSSO_EDUP:
 * it already led to a sign-in; ZSSO_ECRYPTO: the cookie was tampered with.
 * The cookie is removed in every case where it was found. */
zsso_status_t zsso_state_take(request_rec *r, const zsso_dir_conf_t *dc,
                              const char *state, zsso_state_t **out,
                              zsso_err_t *err);

/* Record that st led to a sign-in, so the same callback is refused from
 * now on (ZSSO_ELIMIT when the store fails). */
zsso_status_t zsso_state_spend(request_rec *r, const zsso_state_t *st,
                               zsso_err_t *err);

#endif
