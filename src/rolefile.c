/*
 * rolefile.c - ZSSORoleFile, read into a per-process table and read again
 * when the file changes, so that a role changed in the console applies to
 * the user's next request, also within an existing session.
 *
 *   set ── hash path ──▶ table_t (own sub-pool: users → roles, file id)
 *
 * A reload builds the new table in a new sub-pool and swaps it in under
 * the lock; lookups copy the role into the request pool under the same
 * lock, so the old table can be destroyed at once.
 */
#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "rolefile.h"
#include "util.h"

#define FILE_MAX (1024 * 1024)   /* a role file larger than this is refused */

typedef struct {
    apr_pool_t *pool;           /* NULL while the file is missing */
    apr_hash_t *roles;          /* lower-cased user → role */
    apr_time_t mtime;
    apr_off_t size;
    apr_ino_t inode;
    int missing;                /* the last stat or read failed */
} table_t;

struct zsso_rolefiles {
    apr_pool_t *pool;
    apr_thread_mutex_t *mu;
    apr_hash_t *by_path;        /* path → table_t */
};

zsso_rolefiles_t *zsso_rolefiles_make(apr_pool_t *p)
{
    /* Worker threads make and destroy sub-pools here. */
    apr_pool_t *pool = zsso_pool_shared(p);
    zsso_rolefiles_t *set = apr_pcalloc(pool, sizeof(*set));

    set->pool = pool;
    apr_thread_mutex_create(&set->mu, APR_THREAD_MUTEX_DEFAULT, pool);
    set->by_path = apr_hash_make(pool);
    return set;
}

static char *lower(char *s)
{
    for (char *c = s; *c; c++) {
        *c = (char)apr_tolower(*c);
    }
    return s;
}

static char *trim(char *s)
{
    char *end;

    while (apr_isspace(*s)) {
        s++;
    }
    end = s + strlen(s);
    while (end > s && apr_isspace(end[-1])) {
        *--end = '\0';
    }
    return s;
}

/* One line: "user: role". Blank lines and lines starting with '#' are
 * skipped. Returns 0 for a malformed line. */
static int parse_line(apr_pool_t *p, apr_hash_t *roles, char *line)
{
    char *colon, *user, *role;

    line = trim(line);
    if (*line == '\0' || *line == '#') {
        return 1;
    }
    colon = strchr(line, ':');
    if (colon == NULL) {
        return 0;
    }
    *colon = '\0';
    user = trim(line);
    role = trim(colon + 1);
    if (*user == '\0' || *role == '\0') {
        return 0;
    }
    for (const char *c = role; *c; c++) {
        if (apr_iscntrl(*c)) {
            return 0;
        }
    }
    apr_hash_set(roles, lower(apr_pstrdup(p, user)), APR_HASH_KEY_STRING,
                 apr_pstrdup(p, role));
    return 1;
}

static void parse(request_rec *r, const char *path, table_t *t, char *text)
{
    char *line, *last = NULL;
    int n = 0;

    /* apr_strtok would skip empty lines and so miscount them. */
    for (line = text; line; line = last) {
        last = strchr(line, '\n');
        if (last) {
            *last++ = '\0';
        }
        n++;
        if (!parse_line(t->pool, t->roles, line)) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, ZSSO_LOGNO(00041)
                          "ZSSORoleFile %s line %d is not \"user: role\": "
                          "skipped, the other lines apply", path, n);
        }
    }
}

/* A new table from the file, or NULL when it cannot be read. */
static table_t *load(request_rec *r, apr_pool_t *parent, const char *path,
                     const apr_finfo_t *fi)
{
    apr_pool_t *p;
    apr_file_t *f;
    apr_size_t len;
    table_t *t;
    char *text;

    if (fi->size > FILE_MAX
        || apr_file_open(&f, path, APR_FOPEN_READ, 0, r->pool)
           != APR_SUCCESS) {
        return NULL;
    }
    len = (apr_size_t)fi->size;
    text = apr_palloc(r->pool, len + 1);
    if (apr_file_read_full(f, text, len, &len) != APR_SUCCESS) {
        apr_file_close(f);
        return NULL;
    }
    apr_file_close(f);
    text[len] = '\0';
    apr_pool_create(&p, parent);
    t = apr_pcalloc(p, sizeof(*t));
    t->pool = p;
    t->roles = apr_hash_make(p);
    t->mtime = fi->mtime;
    t->size = fi->size;
    t->inode = fi->inode;
    parse(r, path, t, text);
    return t;
}

static int same_file(const table_t *t, const apr_finfo_t *fi)
{
    return t->mtime == fi->mtime && t->size == fi->size
           && t->inode == fi->inode;
}

/* With the lock held: the table for path, read again when it changed. */
static table_t *current(request_rec *r, zsso_rolefiles_t *set,
                        const char *path)
{
    table_t *t = apr_hash_get(set->by_path, path, APR_HASH_KEY_STRING);
    table_t *fresh = NULL;
    apr_finfo_t fi;
    apr_status_t rv = apr_stat(&fi, path, APR_FINFO_MTIME | APR_FINFO_SIZE
                               | APR_FINFO_INODE, r->pool);

    if (rv == APR_SUCCESS && t && !t->missing && same_file(t, &fi)) {
        return t;
    }
    if (rv == APR_SUCCESS) {
        fresh = load(r, set->pool, path, &fi);
    }
    if (fresh == NULL) {
        if (t && t->missing) {
            return t;
        }
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, rv, r, ZSSO_LOGNO(00042)
                      "ZSSORoleFile %s cannot be read (or is over 1 MiB): "
                      "no per-user roles until it can", path);
        fresh = apr_pcalloc(set->pool, sizeof(*fresh));
        fresh->missing = 1;     /* made once per change of state */
    }
    if (t == NULL) {
        path = apr_pstrdup(set->pool, path);
    }
    else if (t->pool) {
        apr_pool_destroy(t->pool);
    }
    apr_hash_set(set->by_path, path, APR_HASH_KEY_STRING, fresh);
    return fresh;
}

const char *zsso_rolefile_role(request_rec *r, zsso_rolefiles_t *set,
                               const char *path, const char *user)
{
    char *key = lower(apr_pstrdup(r->pool, user));
    const char *role = NULL;
    table_t *t;

    if (set == NULL || path == NULL) {
        return NULL;
    }
    apr_thread_mutex_lock(set->mu);
    t = current(r, set, path);
    if (t->roles) {
        role = apr_hash_get(t->roles, key, APR_HASH_KEY_STRING);
        role = role ? apr_pstrdup(r->pool, role) : NULL;
    }
    apr_thread_mutex_unlock(set->mu);
    return role;
}
