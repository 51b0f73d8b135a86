/*
 * util.h - small pure helpers: base64url, URL coding, query and cookie
 * parsing, the same-origin return-path check, HTML escaping.
 * APR only; no httpd headers; never logs.
 */
#ifndef ZSSO_UTIL_H
#define ZSSO_UTIL_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "err.h"

/* base64url without padding (RFC 4648 section 5; RFC 7515 section 2). */
char *zsso_b64url_encode(apr_pool_t *p, const unsigned char *data,
                         apr_size_t len);

/* Strict decode: only [A-Za-z0-9_-], no padding, no white space, unused
 * trailing bits must be zero, length % 4 != 1. The result is NUL-terminated
 * one byte past *outlen for convenience. */
zsso_status_t zsso_b64url_decode(apr_pool_t *p, const char *in,
                                 apr_size_t inlen, unsigned char **out,
                                 apr_size_t *outlen);

/* Percent-encode everything but RFC 3986 unreserved characters. */
char *zsso_url_encode(apr_pool_t *p, const char *s);

/* application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
 * Bad escapes and an encoded NUL are refused. */
zsso_status_t zsso_url_decode(apr_pool_t *p, const char *in, apr_size_t len,
                              char **out);

/* Find one parameter in a query string (or a form body). Returns ZSSO_OK
 * with the decoded value, ZSSO_ENOENT when absent, ZSSO_EDUP when the name
 * appears more than once, ZSSO_EINVAL on a bad escape. query may be NULL. */
zsso_status_t zsso_query_get(apr_pool_t *p, const char *query,
                             const char *name, const char **value);

/* Parse a Cookie request header (RFC 6265 section 5.4 shape:
 * "a=b; c=d"). Adds each name/value to out (values undecoded, surrounding
 * double quotes removed). Pairs without '=' are skipped. At most max_pairs
 * are read; returns ZSSO_ELIMIT when more were present (those read are
 * kept). */
zsso_status_t zsso_cookie_parse(apr_pool_t *p, const char *header,
                                apr_table_t *out, int max_pairs);

/* header without the cookies whose names start with prefix (the rest keep
 * their order, joined with "; "); NULL when none remains. */
char *zsso_cookie_strip(apr_pool_t *p, const char *header,
                        const char *prefix);

/* True when path is safe to redirect to on this origin: starts with a
 * single '/', the second character is neither '/' nor '\\', no backslash
 * anywhere, no control character (< 0x20, 0x7f) and no space, and no
 * percent-encoded '/', '\\' or control character right after the first
 * slash. Everything else (absolute URLs, "//host", "/\\host", "http:x")
 * is refused. */
int zsso_return_path_ok(const char *path);

/* Copy s into buf (size bytes, at least 1) for an error text or a log
 * line: cut to size - 1 bytes and every byte outside printable ASCII shown
 * as '?', so an untrusted value cannot forge a line. Returns buf. */
const char *zsso_printable(char *buf, apr_size_t size, const char *s);

/* Escape &, <, >, " and ' for HTML text and attribute values. */
char *zsso_html_escape(apr_pool_t *p, const char *s);

/* Eight bytes, big endian, for the stored records (sessions, documents). */
void zsso_put_be64(unsigned char *o, apr_int64_t v);
apr_int64_t zsso_get_be64(const unsigned char *in);

/* A sub-pool of parent with an allocator of its own guarded by a mutex,
 * for per-process caches in which worker threads create and destroy
 * sub-pools of their own. */
apr_pool_t *zsso_pool_shared(apr_pool_t *parent);

#endif
