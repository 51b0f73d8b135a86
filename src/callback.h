/*
 * callback.h - the redirect URI: the provider's answer to a login.
 */
#ifndef ZSSO_CALLBACK_H
#define ZSSO_CALLBACK_H

#include "config.h"
#include "http.h"
#include "provider.h"

/* The redirect_uri sent to the provider for this location. */
const char *zsso_callback_uri(request_rec *r, const zsso_dir_conf_t *dc);

/* Handle a request to the callback path: returns an HTTP status for the
 * check_user_id hook (a redirect, or an error page). */
int zsso_callback_handle(request_rec *r, const zsso_dir_conf_t *dc);

/* POST form to m's token endpoint with the client's credentials
 * (client_secret_basic when offered, else client_secret_post). */
zsso_status_t zsso_token_post(request_rec *r, const zsso_dir_conf_t *dc,
                              const zsso_metadata_t *m, const char *form,
                              zsso_http_resp_t *resp, zsso_err_t *err);

#endif
