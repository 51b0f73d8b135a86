/*
 * backchannel.h - OpenID Connect Back-Channel Logout 1.0: the provider
 * tells the module, server to server, that a user signed out, and every
 * session of that user (or of that provider session) ends, on every node
 * that shares the store.
 */
#ifndef ZSSO_BACKCHANNEL_H
#define ZSSO_BACKCHANNEL_H

#include "config.h"
#include "session.h"

/* At sign-in: index the new session under its sub and, when the ID token
 * has one, its sid, so that a logout token finds it. */
void zsso_backchannel_remember(request_rec *r, const zsso_dir_conf_t *dc,
                               const zsso_session_t *s, const char *sid);

/* <base>/zsso/backchannel: a POST with a logout_token (section 2.5).
 * 200 when the token is valid (whatever sessions it ended), 400 with a
 * JSON error otherwise (section 2.8). */
int zsso_backchannel_handle(request_rec *r, const zsso_dir_conf_t *dc);

#endif
