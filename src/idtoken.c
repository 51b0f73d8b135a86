/*
 * idtoken.c - the claim checks of an ID token whose signature jose.c has
 * verified: OpenID Connect Core 1.0 section 3.1.3.7 steps 2 (iss),
 * 3 to 5 (aud, azp), 9 (exp), 10 (iat), 11 (nonce), the nbf rule of
 * RFC 7519 section 4.1.5 and the sub of section 2. Every check fails
 * closed: a missing or mistyped claim never matches. Never logs.
 */
#include <string.h>

#include <apr_tables.h>

#include "crypto.h"
#include "idtoken.h"
#include "util.h"

/* A claim value shown in an error text is cut to this length. */
#define PRINTABLE_MAX 64
/* OpenID Connect Core section 2: sub is at most 255 ASCII characters. */
#define SUB_MAX_LEN   255
/* A day of leeway is already far more than clocks should disagree by. */
#define MAX_SKEW      86400

/* ---------------------------------------------------------------------- */
/* Prototypes of the statics                                               */
/* ---------------------------------------------------------------------- */

static zsso_status_t check_iss(const zsso_json_t *claims,
                               const zsso_idtoken_expect_t *want,
                               zsso_err_t *err);
static zsso_status_t check_aud(const zsso_json_t *claims,
                               const zsso_idtoken_expect_t *want,
                               zsso_err_t *err);
static zsso_status_t check_azp(const zsso_json_t *claims,
                               const zsso_idtoken_expect_t *want,
                               int aud_count, zsso_err_t *err);
static zsso_status_t get_time(const zsso_json_t *claims, const char *name,
                              apr_int64_t *out, zsso_err_t *err);
static zsso_status_t check_times(const zsso_json_t *claims,
                                 const zsso_idtoken_expect_t *want,
                                 zsso_err_t *err);
static zsso_status_t check_nonce(const zsso_json_t *claims,
                                 const zsso_idtoken_expect_t *want,
                                 zsso_err_t *err);
static zsso_status_t check_sub(const zsso_json_t *claims, zsso_err_t *err);

/* ---------------------------------------------------------------------- */
/* The checks, in the order of section 3.1.3.7                             */
/* ---------------------------------------------------------------------- */

zsso_status_t zsso_idtoken_check(const zsso_json_t *claims,
                                 const zsso_idtoken_expect_t *want,
                                 zsso_err_t *err)
{
    zsso_status_t st;

    if (claims == NULL || want == NULL) {
        return zsso_err_set(err, ZSSO_EINVAL, "no ID token claims to check");
    }
    st = check_iss(claims, want, err);
    if (st == ZSSO_OK) {
        st = check_aud(claims, want, err);
    }
    if (st == ZSSO_OK) {
        st = check_times(claims, want, err);
    }
    if (st == ZSSO_OK) {
        st = check_nonce(claims, want, err);
    }
    if (st == ZSSO_OK) {
        st = check_sub(claims, err);
    }
    return st;
}

/* Step 2: the issuer must exactly match the one discovery gave. */
static zsso_status_t check_iss(const zsso_json_t *claims,
                               const zsso_idtoken_expect_t *want,
                               zsso_err_t *err)
{
    char shown[PRINTABLE_MAX + 1];
    const char *iss;
    zsso_status_t st = zsso_json_get_string(claims, "iss", &iss);

    if (st == ZSSO_ENOENT) {
        return zsso_err_set(err, ZSSO_ECLAIM, "iss missing");
    }
    if (st != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_ECLAIM, "iss is not a string");
    }
    if (want->issuer == NULL || strcmp(iss, want->issuer) != 0) {
        return zsso_err_set(err, ZSSO_ECLAIM, "iss mismatch (got \"%s\")",
                            zsso_printable(shown, sizeof(shown), iss));
    }
    return ZSSO_OK;
}

/* Step 3: aud, a string or an array of strings (RFC 7519 section 4.1.3),
 * must contain our client ID; an empty array contains nothing. */
static zsso_status_t check_aud(const zsso_json_t *claims,
                               const zsso_idtoken_expect_t *want,
                               zsso_err_t *err)
{
    int count, found;
    zsso_status_t st = zsso_json_strings_find(claims, "aud", want->client_id,
                                              &count, &found);

    if (st == ZSSO_ENOENT) {
        return zsso_err_set(err, ZSSO_ECLAIM, "aud missing");
    }
    if (st != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_ECLAIM,
                            "aud is not a string or an array of strings");
    }
    if (!found) {
        return zsso_err_set(err, ZSSO_ECLAIM,
                            "aud does not contain the client ID");
    }
    return check_azp(claims, want, count, err);
}

/* Steps 4 and 5: with several audiences an azp must say which party the
 * token was issued to, and an azp that is present must be us. */
static zsso_status_t check_azp(const zsso_json_t *claims,
                               const zsso_idtoken_expect_t *want,
                               int aud_count, zsso_err_t *err)
{
    const char *azp;
    zsso_status_t st = zsso_json_get_string(claims, "azp", &azp);

    if (st == ZSSO_ENOENT) {
        if (aud_count > 1) {
            return zsso_err_set(err, ZSSO_ECLAIM,
                                "aud has several values and no azp");
        }
        return ZSSO_OK;
    }
    if (st != ZSSO_OK || want->client_id == NULL
        || strcmp(azp, want->client_id) != 0) {
        return zsso_err_set(err, ZSSO_ECLAIM, "azp mismatch");
    }
    return ZSSO_OK;
}

/* A NumericDate claim (RFC 7519 section 2); ZSSO_ENOENT when absent, and
 * the error text set for any other failure. */
static zsso_status_t get_time(const zsso_json_t *claims, const char *name,
                              apr_int64_t *out, zsso_err_t *err)
{
    zsso_status_t st = zsso_json_get_int(claims, name, out);

    if (st == ZSSO_OK || st == ZSSO_ENOENT) {
        return st;
    }
    if (st == ZSSO_ELIMIT) {
        return zsso_err_set(err, ZSSO_ECLAIM, "%s is out of range", name);
    }
    return zsso_err_set(err, ZSSO_ECLAIM, "%s is not a number", name);
}

/* Steps 9 and 10, and RFC 7519 section 4.1.5. The skew is leeway for
 * clocks that disagree by a little: a negative one counts as none, and
 * it is capped so that now + skew cannot overflow. */
static zsso_status_t check_times(const zsso_json_t *claims,
                                 const zsso_idtoken_expect_t *want,
                                 zsso_err_t *err)
{
    apr_int64_t exp, iat, nbf, skew = want->skew;
    zsso_status_t st;

    skew = skew < 0 ? 0 : skew > MAX_SKEW ? MAX_SKEW : skew;
    st = get_time(claims, "exp", &exp, err);
    if (st != ZSSO_OK) {
        return st == ZSSO_ENOENT
               ? zsso_err_set(err, ZSSO_ECLAIM, "exp missing") : st;
    }
    /* "The current time MUST be before the time represented by exp." */
    if (exp <= want->now - skew) {
        return zsso_err_set(err, ZSSO_EEXPIRED, "token expired (exp)");
    }
    st = get_time(claims, "iat", &iat, err);
    if (st != ZSSO_OK) {
        return st == ZSSO_ENOENT
               ? zsso_err_set(err, ZSSO_ECLAIM, "iat missing") : st;
    }
    if (iat > want->now + skew) {
        return zsso_err_set(err, ZSSO_ECLAIM, "iat in the future");
    }
    st = get_time(claims, "nbf", &nbf, err);
    if (st == ZSSO_ENOENT) {
        return ZSSO_OK;
    }
    if (st != ZSSO_OK) {
        return st;
    }
    if (nbf > want->now + skew) {
        return zsso_err_set(err, ZSSO_ECLAIM, "nbf in the future");
    }
    return ZSSO_OK;
}

/* Step 11: the nonce must be the one this login sent, compared in
 * constant time; its value never goes into the error text. */
static zsso_status_t check_nonce(const zsso_json_t *claims,
                                 const zsso_idtoken_expect_t *want,
                                 zsso_err_t *err)
{
    const char *nonce;
    zsso_status_t st = zsso_json_get_string(claims, "nonce", &nonce);

    if (st == ZSSO_ENOENT) {
        return zsso_err_set(err, ZSSO_ECLAIM, "nonce missing");
    }
    if (st != ZSSO_OK || !zsso_crypto_str_equal(nonce, want->nonce)) {
        return zsso_err_set(err, ZSSO_ECLAIM, "nonce mismatch");
    }
    return ZSSO_OK;
}

/* Section 2: sub is required, a non-empty string of at most 255 chars. */
static zsso_status_t check_sub(const zsso_json_t *claims, zsso_err_t *err)
{
    const char *sub;
    zsso_status_t st = zsso_json_get_string(claims, "sub", &sub);

    if (st == ZSSO_EINVAL) {
        return zsso_err_set(err, ZSSO_ECLAIM, "sub is not a string");
    }
    if (st != ZSSO_OK || sub[0] == '\0') {
        return zsso_err_set(err, ZSSO_ECLAIM, "sub missing");
    }
    if (strlen(sub) > SUB_MAX_LEN) {
        return zsso_err_set(err, ZSSO_ECLAIM, "sub too long");
    }
    return ZSSO_OK;
}

/* ---------------------------------------------------------------------- */
/* Logout Tokens (Back-Channel Logout 1.0, section 2.4 and 2.6)            */
/* ---------------------------------------------------------------------- */

/* An optional string claim: absent is fine, another type is not. */
static zsso_status_t opt_string(const zsso_json_t *claims, const char *name,
                                const char **out, zsso_err_t *err)
{
    zsso_status_t st = zsso_json_get_string(claims, name, out);

    if (st == ZSSO_ENOENT) {
        *out = NULL;
        return ZSSO_OK;
    }
    if (st != ZSSO_OK || (*out)[0] == '\0' || strlen(*out) > SUB_MAX_LEN) {
        return zsso_err_set(err, ZSSO_ECLAIM, "%s is not a short string",
                            name);
    }
    return ZSSO_OK;
}

/* Section 2.4: events holds the back-channel logout event (its value an
 * object); and a logout token is never an ID token, so no nonce. */
static zsso_status_t check_event(apr_pool_t *p, const zsso_json_t *claims,
                                 zsso_err_t *err)
{
    zsso_json_t *events, *ev;
    const char *nonce;

    if (zsso_json_get_object(p, claims, "events", &events) != ZSSO_OK
        || zsso_json_get_object(p, events, ZSSO_BCL_EVENT, &ev) != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_ECLAIM, "events has no back-channel "
                            "logout event");
    }
    if (zsso_json_get_string(claims, "nonce", &nonce) != ZSSO_ENOENT) {
        return zsso_err_set(err, ZSSO_ECLAIM, "a logout token must not "
                            "carry a nonce");
    }
    return ZSSO_OK;
}

zsso_status_t zsso_logout_token_check(apr_pool_t *p,
                                      const zsso_json_t *claims,
                                      const zsso_idtoken_expect_t *want,
                                      const char **sub, const char **sid,
                                      const char **jti, zsso_err_t *err)
{
    zsso_status_t st;

    if (claims == NULL || want == NULL) {
        return zsso_err_set(err, ZSSO_EINVAL, "no logout token claims");
    }
    st = check_iss(claims, want, err);
    if (st == ZSSO_OK) {
        st = check_aud(claims, want, err);
    }
    if (st == ZSSO_OK) {
        st = check_times(claims, want, err);
    }
    if (st == ZSSO_OK) {
        st = check_event(p, claims, err);
    }
    if (st == ZSSO_OK) {
        st = opt_string(claims, "sub", sub, err);
    }
    if (st == ZSSO_OK) {
        st = opt_string(claims, "sid", sid, err);
    }
    if (st == ZSSO_OK && *sub == NULL && *sid == NULL) {
        st = zsso_err_set(err, ZSSO_ECLAIM, "neither sub nor sid");
    }
    if (st == ZSSO_OK && (zsso_json_get_string(claims, "jti", jti) != ZSSO_OK
                          || (*jti)[0] == '\0'
                          || strlen(*jti) > SUB_MAX_LEN)) {
        st = zsso_err_set(err, ZSSO_ECLAIM, "jti missing");
    }
    return st;
}
