/*
 * status.h - the administrator's view: the organisations this server
 * fronts, what the module fetched from each, and counters shared by every
 * process (SetHandler zsso-status).
 */
#ifndef ZSSO_STATUS_H
#define ZSSO_STATUS_H

#include "config.h"

/* What the counters count, per organisation (protected location). */
typedef enum {
    ZSSO_CNT_LOGIN_START,      /* browsers sent to Okta */
    ZSSO_CNT_LOGIN,            /* sessions made */
    ZSSO_CNT_NOT_ASSIGNED,     /* Okta: access_denied */
    ZSSO_CNT_PROVIDER_ERROR,   /* Okta: another error */
    ZSSO_CNT_BAD_CALLBACK,     /* state missing, used, expired, tampered */
    ZSSO_CNT_TOKEN_REFUSED,    /* token response or ID token refused */
    ZSSO_CNT_UNREACHABLE,      /* Okta could not be reached (502) */
    ZSSO_CNT_STORE,            /* the session store failed (503) */
    ZSSO_CNT_NO_SESSION,       /* API callers answered 401 */
    ZSSO_CNT_FORBIDDEN,        /* signed in, refused by Require (403) */
    ZSSO_CNT_LOGOUT,           /* sessions ended by the user */
    ZSSO_CNT_N
} zsso_counter_t;

/* One protected location and its connection, found at start-up. */
typedef struct {
    server_rec *s;
    const char *path;          /* the <Location> */
    const zsso_dir_conf_t *dc; /* merged as requests there see it */
    const char *redirect_uri;  /* to paste into Okta */
    const char *login_url;     /* the SSO login URL */
} zsso_org_t;

typedef struct zsso_orgs zsso_orgs_t;

/* post_config: the organisations and their shared counters, in pconf (so
 * counters start again at each restart). NULL when shared memory cannot be
 * had: counting is then skipped. */
zsso_orgs_t *zsso_status_make(apr_pool_t *pconf, server_rec *s,
                              apr_array_header_t *orgs);

/* Count one event for the organisation dc belongs to. */
void zsso_status_count(const request_rec *r, const zsso_dir_conf_t *dc,
                       zsso_counter_t what);

/* The provider code reports fetches: discovery (nkeys < 0) or a key set
 * of nkeys keys, fetched at `at` (by this process, or by another one that
 * put it in the store), for every organisation of dc's issuer; failed = 1
 * for a failed discovery. */
void zsso_status_fetched(const request_rec *r, const zsso_dir_conf_t *dc,
                         int nkeys, int failed, apr_time_t at);

/* The handler for SetHandler zsso-status. */
int zsso_status_handler(request_rec *r);

#endif
