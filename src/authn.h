/*
 * authn.h - the check_user_id decision for AuthType zsso.
 */
#ifndef ZSSO_AUTHN_H
#define ZSSO_AUTHN_H

#include "zsso.h"

/* check_user_id hook: a valid session gives r->user and OK; otherwise a
 * browser is sent to sign in (302), anything else gets 401; the module's
 * own endpoints are served from here. */
int zsso_authn_check(request_rec *r);

/* translate_name and map_to_storage: the module's own endpoints (callback,
 * login, logout, logged-out, backchannel) skip the directory walk. */
int zsso_authn_translate(request_rec *r);
int zsso_authn_map_to_storage(request_rec *r);

/* note_auth_failure hook: the 401 of an API caller, and the page of a
 * signed-in user whom authorization refused. */
int zsso_authn_note_failure(request_rec *r, const char *auth_type);

/* insert_error_filter and insert_filter hooks: the 401 mod_authz_core
 * sends a signed-in user it refused goes out as 403. */
void zsso_authn_forbid(request_rec *r);

#endif
