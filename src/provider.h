/*
 * provider.h - the provider behind an issuer: its discovery document and
 * its signing keys, fetched on first use and cached per process.
 */
#ifndef ZSSO_PROVIDER_H
#define ZSSO_PROVIDER_H

#include "config.h"
#include "http.h"
#include "jose.h"

#define ZSSO_METADATA_TTL   (24 * 3600)   /* discovery refetched after */
#define ZSSO_KEYS_TTL       (24 * 3600)   /* keys refetched after */
#define ZSSO_KEYS_MIN_GAP   60            /* unknown-kid refetch at most */
#define ZSSO_RETRY_GAP      5             /* failed discovery retried after */

typedef struct zsso_registry zsso_registry_t;

/* A copy of the discovery document's useful parts, in the request pool. */
typedef struct {
    const char *issuer;
    const char *authorization_endpoint;
    const char *token_endpoint;
    const char *jwks_uri;
    const char *userinfo_endpoint;      /* may be NULL */
    const char *end_session_endpoint;   /* may be NULL */
    int auth_basic;                     /* client_secret_basic offered */
    int auth_post;                      /* client_secret_post offered */
    int iss_param;                      /* RFC 9207 iss in responses */
} zsso_metadata_t;

/* Once per child process; the registry lives in its own pool whose
 * allocator is thread-safe, a child of p. calls_max caps the calls to
 * providers that wait at once in this process (0: half the process's
 * worker threads, at least 1). */
zsso_registry_t *zsso_provider_registry(apr_pool_t *p, int calls_max);

/* An outbound call to a provider (zsso_http_do), or ZSSO_EBUSY at once
 * when calls_max of them are waiting in this process already: a provider
 * that hangs then ties up part of the workers, not all of them. */
zsso_status_t zsso_provider_call(request_rec *r, const zsso_http_req_t *req,
                                 zsso_http_resp_t *resp, zsso_err_t *err);

/* Discovery for dc's issuer (OpenID Connect Discovery 1.0, section 4):
 * cached, refreshed after ZSSO_METADATA_TTL, the last good copy kept when
 * the provider cannot be reached. */
zsso_status_t zsso_provider_metadata(request_rec *r,
                                     const zsso_dir_conf_t *dc,
                                     zsso_metadata_t *out, zsso_err_t *err);

/* Verify a JWS with the issuer's keys; on an unknown kid the key set is
 * fetched again, at most once per ZSSO_KEYS_MIN_GAP seconds. */
zsso_status_t zsso_provider_verify(request_rec *r, const zsso_dir_conf_t *dc,
                                   const zsso_jws_t *jws, zsso_err_t *err);

#endif
