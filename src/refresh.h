/*
 * refresh.h - keeping a session's access token fresh with its refresh
 * token (RFC 6749 section 6), and ending the session when the provider
 * refuses (the user was deactivated, the grant revoked).
 */
#ifndef ZSSO_REFRESH_H
#define ZSSO_REFRESH_H

#include "config.h"
#include "session.h"

/* For a session that keeps tokens: when the access token is near its end,
 * refresh it, once (one request does it; the others go on with what they
 * have). ZSSO_OK: the session stands; ZSSO_EEXPIRED: the provider refused
 * the refresh token and the session has ended. */
zsso_status_t zsso_refresh_if_due(request_rec *r, const zsso_dir_conf_t *dc,
                                  zsso_session_t *s);

#endif
