/*
 * userinfo.h - groups from the UserInfo endpoint (OpenID Connect Core
 * section 5.3), for providers that leave them out of the ID token.
 */
#ifndef ZSSO_USERINFO_H
#define ZSSO_USERINFO_H

#include "config.h"
#include "provider.h"

/* Ask m's userinfo endpoint, with access_token as a Bearer credential
 * (RFC 6750 section 2.1), for the claim ZSSORoleClaim names. The answer is
 * used only when its sub equals sub (Core 5.3.2). ZSSO_OK with *groups
 * set (possibly empty); ZSSO_ENOENT when the answer has no such claim;
 * ZSSO_ECLAIM when the sub differs; other codes when the request or the
 * answer failed. err says which. */
zsso_status_t zsso_userinfo_groups(request_rec *r, const zsso_dir_conf_t *dc,
                                   const zsso_metadata_t *m,
                                   const char *access_token, const char *sub,
                                   apr_array_header_t **groups,
                                   zsso_err_t *err);

#endif
