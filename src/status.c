/*
 * status.c - SetHandler zsso-status: per organisation the issuer, the
 * client ID (never the secret), the URLs to paste into Okta, when
 * discovery and keys were last fetched, how many keys are held, and
 * counters. HTML, or JSON with ?json.
 *
 * Counters and fetch times live in anonymous shared memory made at
 * post_config, so every process adds to and shows the same figures;
 * 32-bit atomics, no lock. They start from zero at each (re)start.
 */
#include <apr_atomic.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>

#include "json.h"
#include "page.h"
#include "status.h"
#include "util.h"

typedef struct {
    volatile apr_uint32_t count[ZSSO_CNT_N];
    volatile apr_uint32_t meta_at;     /* seconds since the epoch; 0: never */
    volatile apr_uint32_t meta_failed_at;
    volatile apr_uint32_t keys_at;
    volatile apr_uint32_t nkeys;
} slot_t;

struct zsso_orgs {
    apr_array_header_t *orgs;  /* of zsso_org_t */
    slot_t *slots;             /* one per org, in shared memory */
    apr_time_t started;
};

static const char *const counter_names[ZSSO_CNT_N] = {
    "login_started", "login", "not_assigned", "provider_error",
    "bad_callback", "token_refused", "provider_unreachable", "store_failed",
    "no_session_401", "forbidden_403", "logout"
};

zsso_orgs_t *zsso_status_make(apr_pool_t *pconf, server_rec *s,
                              apr_array_header_t *orgs)
{
    zsso_orgs_t *o = apr_pcalloc(pconf, sizeof(*o));
    apr_size_t size = sizeof(slot_t) * (orgs->nelts ? orgs->nelts : 1);
    apr_shm_t *shm;

    o->orgs = orgs;
    o->started = apr_time_now();
    if (apr_shm_create(&shm, size, NULL, pconf) != APR_SUCCESS) {
        return o;               /* no counting; the page still lists */
    }
    o->slots = apr_shm_baseaddr_get(shm);
    memset(o->slots, 0, size);
    return o;
}

static zsso_orgs_t *orgs_of(const request_rec *r)
{
    const zsso_global_t *g = zsso_config_srv(r->server)->global;

    return g ? g->status : NULL;
}

static slot_t *slot_for(const request_rec *r, const zsso_dir_conf_t *dc)
{
    zsso_orgs_t *o = orgs_of(r);

    if (o == NULL || o->slots == NULL || dc->base == NULL) {
        return NULL;
    }
    for (int i = 0; i < o->orgs->nelts; i++) {
        const zsso_org_t *org = &APR_ARRAY_IDX(o->orgs, i, zsso_org_t);

        if (org->s == r->server && org->dc->base
            && strcmp(org->dc->base, dc->base) == 0) {
            return &o->slots[i];
        }
    }
    return NULL;
}

void zsso_status_count(const request_rec *r, const zsso_dir_conf_t *dc,
                       zsso_counter_t what)
{
    slot_t *sl = slot_for(r, dc);

    if (sl) {
        apr_atomic_inc32(&sl->count[what]);
    }
}

void zsso_status_fetched(const request_rec *r, const zsso_dir_conf_t *dc,
                         int nkeys, int failed, apr_time_t at)
{
    zsso_orgs_t *o = orgs_of(r);
    apr_uint32_t when = (apr_uint32_t)apr_time_sec(at);

    /* Every location of the same issuer shares the documents. */
    for (int i = 0; o && o->slots && i < o->orgs->nelts; i++) {
        const zsso_org_t *org = &APR_ARRAY_IDX(o->orgs, i, zsso_org_t);
        slot_t *sl = &o->slots[i];

        if (org->dc->issuer == NULL
            || strcmp(org->dc->issuer, dc->issuer) != 0) {
            continue;
        }
        if (failed) {
            apr_atomic_set32(&sl->meta_failed_at, when);
        }
        else if (nkeys < 0) {
            apr_atomic_set32(&sl->meta_at, when);
        }
        else {
            apr_atomic_set32(&sl->keys_at, when);
            apr_atomic_set32(&sl->nkeys, (apr_uint32_t)nkeys);
        }
    }
}

/* ------------------------------------------------------------------ */
/* the page                                                           */
/* ------------------------------------------------------------------ */

static const char *when(apr_pool_t *p, apr_uint32_t t)
{
    char buf[APR_RFC822_DATE_LEN];

    if (t == 0) {
        return NULL;
    }
    apr_rfc822_date(buf, apr_time_from_sec((apr_time_t)t));
    return apr_pstrdup(p, buf);
}

static zsso_json_t *org_json(apr_pool_t *p, const zsso_org_t *org,
                             const slot_t *sl)
{
    zsso_json_t *j = zsso_json_object_new(p), *c = zsso_json_object_new(p);
    static const slot_t none;

    sl = sl ? sl : &none;
    zsso_json_set_string(j, "location", org->path);
    zsso_json_set_string(j, "server", org->s->server_hostname);
    zsso_json_set_string(j, "issuer", org->dc->issuer);
    zsso_json_set_string(j, "client_id", org->dc->client_id);
    zsso_json_set_string(j, "redirect_uri", org->redirect_uri);
    zsso_json_set_string(j, "login_url", org->login_url);
    zsso_json_set_string(j, "discovery_fetched", when(p, sl->meta_at));
    zsso_json_set_string(j, "discovery_failed", when(p, sl->meta_failed_at));
    zsso_json_set_string(j, "keys_fetched", when(p, sl->keys_at));
    zsso_json_set_int(j, "keys_held", sl->nkeys);
    for (int i = 0; i < ZSSO_CNT_N; i++) {
        zsso_json_set_int(c, counter_names[i], sl->count[i]);
    }
    zsso_json_set_object(j, "counters", c);
    return j;
}

static zsso_json_t *all_json(request_rec *r, const zsso_orgs_t *o)
{
    zsso_json_t *root = zsso_json_object_new(r->pool);
    apr_array_header_t *list = apr_array_make(r->pool, o->orgs->nelts,
                                              sizeof(zsso_json_t *));

    for (int i = 0; i < o->orgs->nelts; i++) {
        APR_ARRAY_PUSH(list, zsso_json_t *) =
            org_json(r->pool, &APR_ARRAY_IDX(o->orgs, i, zsso_org_t),
                     o->slots ? &o->slots[i] : NULL);
    }
    zsso_json_set_string(root, "since", when(r->pool, (apr_uint32_t)
                                             apr_time_sec(o->started)));
    zsso_json_set_objects(root, "organizations", list);
    return root;
}

static const char *row(apr_pool_t *p, const char *name, const char *value)
{
    return apr_pstrcat(p, "<tr><th>", name, "</th><td>",
                       zsso_html_escape(p, value ? value : "never"),
                       "</td></tr>\n", NULL);
}

static const char *org_html(apr_pool_t *p, const zsso_org_t *org,
                            const slot_t *sl)
{
    static const slot_t none;
    const char *h;

    sl = sl ? sl : &none;
    h = apr_pstrcat(p, "<h2>", zsso_html_escape(p, org->s->server_hostname),
                    zsso_html_escape(p, org->path), "</h2>\n<table>\n",
                    row(p, "Issuer", org->dc->issuer),
                    row(p, "Client ID", org->dc->client_id),
                    row(p, "Sign-in redirect URI", org->redirect_uri),
                    row(p, "SSO login URL", org->login_url),
                    row(p, "Discovery fetched", when(p, sl->meta_at)),
                    row(p, "Discovery last failed",
                        when(p, sl->meta_failed_at)),
                    row(p, "Keys fetched", when(p, sl->keys_at)),
                    row(p, "Keys held", apr_itoa(p, (int)sl->nkeys)), NULL);
    for (int i = 0; i < ZSSO_CNT_N; i++) {
        h = apr_pstrcat(p, h, row(p, counter_names[i],
                                  apr_itoa(p, (int)sl->count[i])), NULL);
    }
    return apr_pstrcat(p, h, "</table>\n", NULL);
}

static int wants_json(const request_rec *r)
{
    const char *a = r->args;

    /* "?json", also among other parameters ("?x=1&json"). */
    while (a && *a) {
        apr_size_t n = strcspn(a, "&=");

        if (n == 4 && strncmp(a, "json", 4) == 0) {
            return 1;
        }
        a = strchr(a, '&');
        a = a ? a + 1 : NULL;
    }
    return 0;
}

int zsso_status_handler(request_rec *r)
{
    zsso_orgs_t *o;
    const char *body;

    if (r->handler == NULL || strcmp(r->handler, "zsso-status") != 0) {
        return DECLINED;
    }
    r->allowed = AP_METHOD_BIT << M_GET;
    if (r->method_number != M_GET) {
        return HTTP_METHOD_NOT_ALLOWED;
    }
    o = orgs_of(r);
    if (o == NULL) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (wants_json(r)) {
        ap_set_content_type(r, "application/json");
        if (!r->header_only) {
            ap_rputs(zsso_json_dump(r->pool, all_json(r, o)), r);
            ap_rputs("\n", r);
        }
        return OK;
    }
    body = apr_pstrcat(r->pool, "<p>Counters since ",
                       when(r->pool, (apr_uint32_t)apr_time_sec(o->started)),
                       " (the last start of httpd).</p>\n", NULL);
    for (int i = 0; i < o->orgs->nelts; i++) {
        body = apr_pstrcat(r->pool, body,
                           org_html(r->pool, &APR_ARRAY_IDX(o->orgs, i,
                                                            zsso_org_t),
                                    o->slots ? &o->slots[i] : NULL), NULL);
    }
    zsso_page_send(r, "mod_zsso status", body);
    return OK;
}
