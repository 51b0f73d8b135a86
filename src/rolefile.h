/*
 * rolefile.h - per-user role overrides from ZSSORoleFile: a text file of
 * "user: role" lines that the console may rewrite while httpd runs.
 */
#ifndef ZSSO_ROLEFILE_H
#define ZSSO_ROLEFILE_H

#include "zsso.h"

typedef struct zsso_rolefiles zsso_rolefiles_t;

/* Once per child process; the set lives in its own pool, a child of p,
 * whose allocator is thread-safe. */
zsso_rolefiles_t *zsso_rolefiles_make(apr_pool_t *p);

/* The role the file at path gives user (compared without ASCII case), in
 * r's pool, or NULL. One stat per call: the file is read again only when
 * its modification time, size or inode changed, and then a malformed line
 * is logged with its number and skipped. A missing or unreadable file
 * gives no overrides (and one log line when that starts). */
const char *zsso_rolefile_role(request_rec *r, zsso_rolefiles_t *set,
                               const char *path, const char *user);

#endif
