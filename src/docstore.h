/*
 * docstore.h - the provider's documents (discovery, key set) shared by
 * the processes of this server through the session store, so that one
 * fetch serves them all.
 */
#ifndef ZSSO_DOCSTORE_H
#define ZSSO_DOCSTORE_H

#include <httpd.h>

#include "http.h"

/* The document at url (fetched trusting ca_file, may be NULL) as a process
 * of this server last fetched it, if that was at not_before or later:
 * ZSSO_OK with resp (status 200, body in r->pool) and *fetched_at, else
 * ZSSO_ENOENT. */
zsso_status_t zsso_docstore_get(request_rec *r, const char *url,
                                const char *ca_file, apr_time_t not_before,
                                zsso_http_resp_t *resp,
                                apr_time_t *fetched_at);

/* Offer a document just fetched (status 200) to the other processes, for
 * ttl. A store that does not take it (full, down, too large a document)
 * only means they fetch it themselves. */
void zsso_docstore_put(request_rec *r, const char *url, const char *ca_file,
                       const zsso_http_resp_t *resp, apr_time_t fetched_at,
                       apr_time_t ttl);

#endif
