/*
 * err.h - status codes and the error record of the pure layers.
 *
 * util, crypto, json, jose and idtoken never log and never include httpd
 * headers: they return a zsso_status_t and describe a failure in a
 * zsso_err_t that the calling hook logs once, with its own tag.
 */
#ifndef ZSSO_ERR_H
#define ZSSO_ERR_H

#include <apr.h>

typedef enum {
    ZSSO_OK = 0,
    ZSSO_EINVAL,     /* malformed input: bad syntax, bad encoding, bad type */
    ZSSO_ENOENT,     /* a looked-up thing is absent (claim, key, cookie) */
    ZSSO_EDUP,       /* a parameter that must appear once appears twice */
    ZSSO_ELIMIT,     /* input over a size, depth or count limit */
    ZSSO_EALG,       /* algorithm not in the allow-list, or key type mismatch */
    ZSSO_ENOKEY,     /* no key in the key set matches the token's kid */
    ZSSO_ESIG,       /* signature does not verify */
    ZSSO_ECLAIM,     /* a claim check failed (iss, aud, exp, nonce ...) */
    ZSSO_ECRYPTO,    /* sealing, unsealing or a library failure */
    ZSSO_EEXPIRED,   /* sealed data or a token whose lifetime is over */
    ZSSO_EPROVIDER,  /* the provider cannot be asked, or its answer cannot
                      * be read: its fault, not the token's */
    ZSSO_EBUSY       /* not tried: too many calls to providers are waiting
                      * in this process already */
} zsso_status_t;

/* The first error set wins: later calls leave the record alone, so the
 * outermost caller logs the root cause (jansson's json_error_t habit). */
typedef struct {
    zsso_status_t status;
    char text[200];
} zsso_err_t;

void zsso_err_clear(zsso_err_t *err);
zsso_status_t zsso_err_set(zsso_err_t *err, zsso_status_t status,
                           const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
