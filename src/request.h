/*
 * request.h - the module's scratch space for one request: parsed cookies
 * and the identity authn established (authz and fixups read it).
 */
#ifndef ZSSO_REQUEST_H
#define ZSSO_REQUEST_H

#include "zsso.h"

struct zsso_identity;

typedef struct {
    apr_table_t *cookies;                  /* NULL until first asked */
    const struct zsso_identity *identity;  /* NULL until signed in */
    int endpoint;          /* one of the module's own URLs (translate) */
} zsso_req_t;

zsso_req_t *zsso_req(request_rec *r);

/* All Cookie request headers, parsed once per request. */
apr_table_t *zsso_req_cookies(request_rec *r);

/* An absolute URL for path on this server's canonical origin: the scheme
 * of "ServerName https://..." (else the request's), the ServerName host and
 * port (else the request's port). Never the Host header's name: the
 * redirect URI sent to Okta must be the one the administrator registered,
 * and the session cookie must land on the host the user comes back to. */
const char *zsso_req_url(request_rec *r, const char *path);

/* Where a session made here belongs: the canonical origin and the
 * location's base ("https://console.example.com/console"). A session is
 * bound to it, so another virtual host never accepts it. dc is a
 * const zsso_dir_conf_t *. */
const char *zsso_req_where(request_rec *r, const void *dc);
/* zsso_req_where(r, dc) is where, compared in place. */
int zsso_req_where_is(request_rec *r, const void *dc, const char *where);

/* Add a Set-Cookie (to err_headers_out, so that redirects and error pages
 * carry it). max_age < 0 makes a browser-session cookie; 0 removes it.
 * HttpOnly and SameSite=Lax always; Secure when the request came over
 * https. */
void zsso_req_set_cookie(request_rec *r, const char *name, const char *value,
                         const char *path, long max_age);

#endif
