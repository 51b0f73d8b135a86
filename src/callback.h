/*
 * callback.h - the redirect URI: the provider's answer to a login.
 */
#ifndef ZSSO_CALLBACK_H
#define ZSSO_CALLBACK_H

#include "config.h"

/* The redirect_uri sent to the provider for this location. */
const char *zsso_callback_uri(request_rec *r, const zsso_dir_conf_t *dc);

/* Handle a request to the callback path: returns an HTTP status for the
 * check_user_id hook (a redirect, or an error page). */
int zsso_callback_handle(request_rec *r, const zsso_dir_conf_t *dc);

#endif
