/*
 * logout.h - signing out here and at Okta.
 */
#ifndef ZSSO_LOGOUT_H
#define ZSSO_LOGOUT_H

#include "config.h"

/* <base>/zsso/logout: GET shows a sign-out button, POST ends the local
 * session and sends the browser to the provider's end_session_endpoint
 * (OpenID Connect RP-Initiated Logout 1.0, section 2). */
int zsso_logout_handle(request_rec *r, const zsso_dir_conf_t *dc);

/* <base>/zsso/logged-out: the page the provider returns to. */
int zsso_logout_done(request_rec *r, const zsso_dir_conf_t *dc);

#endif
