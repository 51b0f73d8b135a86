/*
 * userinfo.c - the UserInfo request. Okta's org authorization server may
 * leave the groups claim out of an ID token issued together with an
 * access token; the same claim is then available from userinfo.
 */
#include <apr_strings.h>

#include "http.h"
#include "json.h"
#include "userinfo.h"

#define USERINFO_MAX (256 * 1024)

static zsso_status_t fetch(request_rec *r, const zsso_dir_conf_t *dc,
                           const char *url, const char *access_token,
                           zsso_json_t **out, zsso_err_t *err)
{
    zsso_http_req_t req = { 0 };
    zsso_http_resp_t resp;
    zsso_err_t perr;

    req.url = url;
    req.bearer = access_token;
    req.ca_file = dc->ca_file;
    req.timeout = zsso_config_timeout(dc);
    if (zsso_provider_call(r, &req, &resp, err) != ZSSO_OK) {
        return err->status;
    }
    if (resp.status != 200) {
        return zsso_err_set(err, ZSSO_EINVAL, "userinfo answered HTTP %ld",
                            resp.status);
    }
    /* A signed or encrypted answer (application/jwt) is not asked for:
     * the client registration decides, and Okta's default is JSON. */
    zsso_err_clear(&perr);
    *out = zsso_json_parse(r->pool, resp.body, resp.len, USERINFO_MAX,
                           &perr);
    if (*out == NULL) {
        return zsso_err_set(err, ZSSO_EINVAL, "userinfo answer is not a "
                            "JSON object (%s)", perr.text);
    }
    return ZSSO_OK;
}

zsso_status_t zsso_userinfo_groups(request_rec *r, const zsso_dir_conf_t *dc,
                                   const zsso_metadata_t *m,
                                   const char *access_token, const char *sub,
                                   apr_array_header_t **groups,
                                   zsso_err_t *err)
{
    const char *claim = zsso_config_role_claim(dc), *got = NULL;
    zsso_json_t *o = NULL;
    zsso_status_t st;

    if (m->userinfo_endpoint == NULL || access_token == NULL) {
        return zsso_err_set(err, ZSSO_ENOENT, "%s",
                            m->userinfo_endpoint == NULL
                            ? "the provider has no userinfo endpoint"
                            : "the token response has no access token");
    }
    if (fetch(r, dc, m->userinfo_endpoint, access_token, &o, err)
        != ZSSO_OK) {
        return err->status;
    }
    /* Core 5.3.2: a userinfo answer about someone else is not used. */
    if (zsso_json_get_string(o, "sub", &got) != ZSSO_OK || sub == NULL
        || strcmp(got, sub) != 0) {
        return zsso_err_set(err, ZSSO_ECLAIM, "userinfo sub is missing or "
                            "differs from the ID token's");
    }
    st = zsso_json_get_strings(r->pool, o, claim, groups);
    if (st == ZSSO_ENOENT) {
        return zsso_err_set(err, ZSSO_ENOENT, "userinfo has no %s claim",
                            claim);
    }
    if (st != ZSSO_OK) {
        return zsso_err_set(err, ZSSO_EINVAL, "userinfo %s claim is not a "
                            "string or an array of strings", claim);
    }
    return ZSSO_OK;
}
