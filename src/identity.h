/*
 * identity.h - from a session to what the application sees: r->user, the
 * role, the ZSSO_* environment; and the removal of request headers a
 * client forges under the module's names.
 */
#ifndef ZSSO_IDENTITY_H
#define ZSSO_IDENTITY_H

#include "config.h"
#include "session.h"

typedef struct zsso_identity {
    const char *user;
    const char *role;
    const char *email;
    const char *name;
    const char *sub;
    const char *issuer;
    const char *client_id;     /* with issuer and base: where it was made */
    const char *base;
    const apr_array_header_t *groups;
    const char *session_id;    /* its ID token serves Require zsso-claim */
    const char *logout_url;    /* a GET to it signs out: ZSSO_LOGOUT_URL */
    const char *access_token;  /* ZSSOPassAccessToken On: ZSSO_ACCESS_TOKEN */
} zsso_identity_t;

/* The role, in this order: the user's line in ZSSORoleFile, the first
 * ZSSORoleMap rule (in configuration order) whose group the user has,
 * ZSSODefaultRole. */
const char *zsso_identity_role(request_rec *r, const zsso_dir_conf_t *dc,
                               const char *user,
                               const apr_array_header_t *groups);

zsso_identity_t *zsso_identity_make(request_rec *r,
                                    const zsso_dir_conf_t *dc,
                                    const zsso_session_t *s);

/* Set r->user, the environment (and with ZSSOPassHeaders On the
 * X-ZSSO-* request headers), and remember the identity for authz. */
void zsso_identity_apply(request_rec *r, const zsso_identity_t *id);

/* The identity of this request (or of the request it derives from, for
 * sub-requests and internal redirects); NULL when not signed in. */
const zsso_identity_t *zsso_identity_of(const request_rec *r);

/* The identity of the request r derives from (a sub-request's main, an
 * internal redirect's previous request), for use at dc: only when it was
 * made for the same issuer, client and location base, and with the role
 * dc's rules give. NULL otherwise: the request must bring its own
 * session. */
zsso_identity_t *zsso_identity_inherit(request_rec *r,
                                       const zsso_dir_conf_t *dc);

/* Remove every request header whose name, compared without case and with
 * '-' and '_' alike, starts with "x-zsso-": only the module sets those. */
void zsso_identity_scrub(request_rec *r);

#endif
