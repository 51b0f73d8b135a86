/*
 * json.h - JSON through jansson, the only file that includes it. Parsing has
 * a size and a depth limit; getters are typed and say absent from wrong
 * type. A zsso_json_t is owned by the pool it was made in (a pool cleanup
 * drops the jansson reference); borrowed strings live as long as it.
 * APR only otherwise; never logs.
 */
#ifndef ZSSO_JSON_H
#define ZSSO_JSON_H

#include <apr_pools.h>
#include <apr_tables.h>
#include "err.h"

#define ZSSO_JSON_MAX_DEPTH 16

typedef struct zsso_json zsso_json_t;

/* Parse a JSON object (the root must be an object) of at most max_len
 * bytes. Refuses NUL inside strings (jansson's default), duplicate keys,
 * nesting deeper than ZSSO_JSON_MAX_DEPTH, trailing data. */
zsso_json_t *zsso_json_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                             apr_size_t max_len, zsso_err_t *err);

/* Getters: ZSSO_OK, ZSSO_ENOENT (absent or JSON null), ZSSO_EINVAL (wrong
 * type), ZSSO_ELIMIT (number out of range). */
zsso_status_t zsso_json_get_string(const zsso_json_t *o, const char *name,
                                   const char **out);
zsso_status_t zsso_json_get_bool(const zsso_json_t *o, const char *name,
                                 int *out);
/* A JSON integer, or a real with a finite value (truncated toward zero),
 * within [-2^53, 2^53] (RFC 7519 NumericDate allows non-integers). */
zsso_status_t zsso_json_get_int(const zsso_json_t *o, const char *name,
                                apr_int64_t *out);
/* A member that is a string or an array of strings: how many strings it
 * holds and whether want is one of them, without taking memory.
 * ZSSO_ENOENT when absent, ZSSO_EINVAL when of another type. */
zsso_status_t zsso_json_strings_find(const zsso_json_t *o, const char *name,
                                     const char *want, int *count,
                                     int *found);

/* A string or an array of strings (aud, groups); the array is of
 * const char *. An empty array is returned as an empty array. Any non-string
 * element is ZSSO_EINVAL. */
zsso_status_t zsso_json_get_strings(apr_pool_t *p, const zsso_json_t *o,
                                    const char *name,
                                    apr_array_header_t **out);
/* A member that is an object; the result borrows from o (same lifetime). */
zsso_status_t zsso_json_get_object(apr_pool_t *p, const zsso_json_t *o,
                                   const char *name, zsso_json_t **out);
/* A member that is an array of objects: its elements, borrowed, as an
 * array of zsso_json_t *. Non-object elements are ZSSO_EINVAL. */
zsso_status_t zsso_json_get_objects(apr_pool_t *p, const zsso_json_t *o,
                                    const char *name,
                                    apr_array_header_t **out);

/* Building, for records the module writes itself (sessions). */
zsso_json_t *zsso_json_object_new(apr_pool_t *p);
void zsso_json_set_string(zsso_json_t *o, const char *name, const char *v);
void zsso_json_set_int(zsso_json_t *o, const char *name, apr_int64_t v);
void zsso_json_set_strings(zsso_json_t *o, const char *name,
                           const apr_array_header_t *v);
/* An object member, and an array of objects (of zsso_json_t *). */
void zsso_json_set_object(zsso_json_t *o, const char *name,
                          const zsso_json_t *child);
void zsso_json_set_objects(zsso_json_t *o, const char *name,
                           const apr_array_header_t *v);
/* Compact serialisation into p. */
char *zsso_json_dump(apr_pool_t *p, const zsso_json_t *o);

#endif
