/*
 * page.h - the plain pages the module answers with: refusals (through
 * httpd's error response, so ErrorDocument can replace them) and the few
 * pages it serves itself (signed out, sign out).
 */
#ifndef ZSSO_PAGE_H
#define ZSSO_PAGE_H

#include "zsso.h"

/* A short reference that ties a page to its error-log line. */
const char *zsso_page_ref(request_rec *r);

/* Answer status with a page: title and text are plain text (escaped
 * here); link, when not NULL, is a same-origin path offered as the next
 * step with link_text. Returns status, for "return zsso_page_error(...)". */
int zsso_page_error(request_rec *r, int status, const char *ref,
                    const char *title, const char *text,
                    const char *link, const char *link_text);

/* The page of a signed-in user refused by authorization, set up for the
 * 401 mod_authz_core returns (sent as 403, see zsso_authn_forbid): the
 * administrator's ErrorDocument 403 when there is one, else ours. */
void zsso_page_forbidden(request_rec *r, const char *ref, const char *title,
                         const char *text);

/* Write a 200 page now (the caller returns DONE). body_html is trusted
 * markup built by the module; title is escaped here. */
int zsso_page_send(request_rec *r, const char *title, const char *body_html);

/* 503 with Retry-After: too many sign-ins wait on the provider in this
 * process (ZSSOProviderCallsMax). The caller logs. */
int zsso_page_busy(request_rec *r, const char *ref);

#endif
