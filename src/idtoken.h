/*
 * idtoken.h - the claim checks of an ID token (OpenID Connect Core 1.0,
 * section 3.1.3.7, steps 2, 3, 9, 10, 11 and the nbf rule of RFC 7519
 * section 4.1.5). The signature is jose.c's; this file is pure: APR and
 * json.h only, never logs.
 */
#ifndef ZSSO_IDTOKEN_H
#define ZSSO_IDTOKEN_H

#include <apr_pools.h>
#include "err.h"
#include "json.h"

typedef struct {
    const char *issuer;      /* exact match required */
    const char *client_id;   /* must be in aud; azp must equal it if present
                              * or if aud holds several values */
    const char *nonce;       /* exact match required (constant time) */
    apr_int64_t now;         /* seconds since the epoch */
    apr_int64_t skew;        /* leeway in seconds for exp, iat, nbf */
} zsso_idtoken_expect_t;

/* Check iss, aud, azp, exp (required, now - skew < exp), iat (required,
 * iat <= now + skew), nbf (optional, nbf <= now + skew), nonce (required),
 * sub (required non-empty string). The err text names the failed check,
 * e.g. "iss mismatch", "exp in the past". Never puts a token value or
 * nonce in the text; the issuer and audience values may appear. */
zsso_status_t zsso_idtoken_check(const zsso_json_t *claims,
                                 const zsso_idtoken_expect_t *want,
                                 zsso_err_t *err);

#define ZSSO_BCL_EVENT "http://schemas.openid.net/event/backchannel-logout"

/* The claim checks of a Logout Token (OpenID Connect Back-Channel Logout
 * 1.0, section 2.6, steps 3 to 5): iss, aud and azp as for an ID token;
 * exp and iat (nbf when present) with the skew; jti required; an events
 * object with a ZSSO_BCL_EVENT member; sub or sid (strings) present; no
 * nonce. want->nonce is not used. On success *sub, *sid and *jti point
 * into claims (*sub or *sid may be NULL). */
zsso_status_t zsso_logout_token_check(apr_pool_t *p,
                                      const zsso_json_t *claims,
                                      const zsso_idtoken_expect_t *want,
                                      const char **sub, const char **sid,
                                      const char **jti, zsso_err_t *err);

#endif
