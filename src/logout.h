/*
 * logout.h - signing out here and at Okta.
 */
#ifndef ZSSO_LOGOUT_H
#define ZSSO_LOGOUT_H

#include "config.h"

/* <base>/zsso/logout: GET shows a sign-out button; POST, or GET with the
 * session's token, ends the local session and sends the browser to the
 * provider's end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0,
 * section 2); a same-origin "return" path is where the user lands. */
int zsso_logout_handle(request_rec *r, const zsso_dir_conf_t *dc);

/* The token that lets a GET sign the session out: derived one-way from
 * the session id, shown to the application as ZSSO_LOGOUT_URL. */
const char *zsso_logout_token(apr_pool_t *p, const char *session_id);

/* <base>/zsso/logged-out: the page the provider returns to (or a redirect
 * to the return path the sign-out named, carried as state). */
int zsso_logout_done(request_rec *r, const zsso_dir_conf_t *dc);

#endif
