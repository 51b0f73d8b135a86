/*
 * json.c - JSON through jansson; the only file that includes jansson.h.
 * Parsing has a size and a depth limit and refuses duplicate keys; the
 * getters are typed and tell an absent member from one of the wrong type.
 * Never logs.
 *
 * Ownership: a root zsso_json_t (from zsso_json_parse or
 * zsso_json_object_new) holds one jansson reference, dropped by a cleanup
 * on the pool it was made in. Objects from zsso_json_get_object(s) wrap a
 * member without a reference of their own: they, and every string a getter
 * returns, live exactly as long as the root. Nothing here changes a
 * reference count after parsing, so threads may read one tree at once.
 */
#include <math.h>
#include <string.h>

#include <apr_strings.h>

#include <jansson.h>

#include "json.h"

/* RFC 7159 section 6: integers in [-(2^53), 2^53] are exact in every
 * implementation, so a NumericDate beyond that is not trusted. */
#define MAX_EXACT_INT 9007199254740992LL

struct zsso_json {
    json_t *j;
    int owned;      /* 1: this record holds the reference (a root) */
};

/* ---------------------------------------------------------------------- */
/* Prototypes of the statics                                               */
/* ---------------------------------------------------------------------- */

static apr_status_t decref_cleanup(void *data);
static zsso_json_t *wrap_owned(apr_pool_t *p, json_t *j);
static zsso_json_t *wrap_borrowed(apr_pool_t *p, json_t *j);
static int too_deep(json_t *j, int depth);
static zsso_status_t parse_failed(zsso_err_t *err, const json_error_t *jerr);
static zsso_status_t member(const zsso_json_t *o, const char *name,
                            json_t **out);

/* ---------------------------------------------------------------------- */
/* Lifetime                                                                */
/* ---------------------------------------------------------------------- */

static apr_status_t decref_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

/* Take over the reference j holds: the pool p drops it. */
static zsso_json_t *wrap_owned(apr_pool_t *p, json_t *j)
{
    zsso_json_t *o = apr_palloc(p, sizeof(*o));

    o->j = j;
    o->owned = 1;
    apr_pool_cleanup_register(p, j, decref_cleanup, apr_pool_cleanup_null);
    return o;
}

static zsso_json_t *wrap_borrowed(apr_pool_t *p, json_t *j)
{
    zsso_json_t *o = apr_palloc(p, sizeof(*o));

    o->j = j;
    o->owned = 0;
    return o;
}

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */
/* ---------------------------------------------------------------------- */

zsso_json_t *zsso_json_parse(apr_pool_t *p, const char *buf, apr_size_t len,
                             apr_size_t max_len, zsso_err_t *err)
{
    json_error_t jerr;
    json_t *j;

    if (buf == NULL) {
        zsso_err_set(err, ZSSO_EINVAL, "no JSON to parse");
        return NULL;
    }
    if (len > max_len) {
        zsso_err_set(err, ZSSO_ELIMIT, "JSON is too long (%lu > %lu bytes)",
                     (unsigned long)len, (unsigned long)max_len);
        return NULL;
    }
    /* RFC 7515 section 4 and RFC 7519 section 4: a JSON object with a
     * duplicate member name must be refused, or two readers could see
     * two different values. Trailing data and \u0000 are refused by
     * jansson's defaults. */
    j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL) {
        parse_failed(err, &jerr);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        zsso_err_set(err, ZSSO_EINVAL, "JSON root is not an object");
        return NULL;
    }
    if (too_deep(j, 1)) {
        json_decref(j);
        zsso_err_set(err, ZSSO_ELIMIT, "JSON nests deeper than %d",
                     ZSSO_JSON_MAX_DEPTH);
        return NULL;
    }
    return wrap_owned(p, j);
}

/* Whether j, a value at the given depth (the root object is depth 1),
 * holds an object or array deeper than ZSSO_JSON_MAX_DEPTH. The walk
 * stops at the limit, so its own recursion is bounded by it. */
static int too_deep(json_t *j, int depth)
{
    const char *key;
    json_t *v;
    size_t i;

    if (!json_is_object(j) && !json_is_array(j)) {
        return 0;
    }
    if (depth > ZSSO_JSON_MAX_DEPTH) {
        return 1;
    }
    if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            if (too_deep(v, depth + 1)) {
                return 1;
            }
        }
        return 0;
    }
    json_object_foreach(j, key, v) {
        if (too_deep(v, depth + 1)) {
            return 1;
        }
    }
    return 0;
}

/* jansson's text ends in "near '<token>'", and that token may be a secret
 * (a token endpoint's answer holds several): the position is kept, the
 * token is cut off. */
static zsso_status_t parse_failed(zsso_err_t *err, const json_error_t *jerr)
{
    char text[JSON_ERROR_TEXT_LENGTH];
    char *near;

    apr_cpystrn(text, jerr->text, sizeof(text));
    near = strstr(text, " near ");
    if (near != NULL) {
        *near = '\0';
    }
    return zsso_err_set(err, ZSSO_EINVAL,
                        "bad JSON at line %d column %d: %s",
                        jerr->line, jerr->column, text);
}

/* ---------------------------------------------------------------------- */
/* Getters                                                                 */
/* ---------------------------------------------------------------------- */

/* The member name of o; a JSON null counts as absent. */
static zsso_status_t member(const zsso_json_t *o, const char *name,
                            json_t **out)
{
    *out = NULL;
    if (o == NULL || name == NULL) {
        return ZSSO_ENOENT;
    }
    *out = json_object_get(o->j, name);
    if (*out == NULL || json_is_null(*out)) {
        *out = NULL;
        return ZSSO_ENOENT;
    }
    return ZSSO_OK;
}

zsso_status_t zsso_json_get_string(const zsso_json_t *o, const char *name,
                                   const char **out)
{
    json_t *v;
    zsso_status_t st = member(o, name, &v);

    *out = NULL;
    if (st != ZSSO_OK) {
        return st;
    }
    if (!json_is_string(v)) {
        return ZSSO_EINVAL;
    }
    *out = json_string_value(v);
    return ZSSO_OK;
}

zsso_status_t zsso_json_get_bool(const zsso_json_t *o, const char *name,
                                 int *out)
{
    json_t *v;
    zsso_status_t st = member(o, name, &v);

    *out = 0;
    if (st != ZSSO_OK) {
        return st;
    }
    if (!json_is_boolean(v)) {
        return ZSSO_EINVAL;
    }
    *out = json_is_true(v);
    return ZSSO_OK;
}

zsso_status_t zsso_json_get_int(const zsso_json_t *o, const char *name,
                                apr_int64_t *out)
{
    json_t *v;
    json_int_t i;
    double d;
    zsso_status_t st = member(o, name, &v);

    *out = 0;
    if (st != ZSSO_OK) {
        return st;
    }
    if (json_is_integer(v)) {
        i = json_integer_value(v);
        if (i < -MAX_EXACT_INT || i > MAX_EXACT_INT) {
            return ZSSO_ELIMIT;
        }
        *out = (apr_int64_t)i;
        return ZSSO_OK;
    }
    if (!json_is_real(v)) {
        return ZSSO_EINVAL;
    }
    /* RFC 7519 section 2: a NumericDate may have a fraction; the seconds
     * are what the checks use. The range test comes before the cast,
     * which would be undefined for a value out of range. */
    d = json_real_value(v);
    if (!isfinite(d) || d < (double)-MAX_EXACT_INT
        || d > (double)MAX_EXACT_INT) {
        return ZSSO_ELIMIT;
    }
    *out = (apr_int64_t)d;     /* C truncates toward zero */
    return ZSSO_OK;
}

/* The member name when it is a string or an array of strings (aud,
 * groups): ZSSO_ENOENT when absent, ZSSO_EINVAL for another type or an
 * element that is not a string. */
static zsso_status_t string_list(const zsso_json_t *o, const char *name,
                                 json_t **out)
{
    json_t *v, *e;
    size_t i;
    zsso_status_t st = member(o, name, &v);

    if (st != ZSSO_OK) {
        return st;
    }
    if (!json_is_string(v)) {
        if (!json_is_array(v)) {
            return ZSSO_EINVAL;
        }
        json_array_foreach(v, i, e) {
            if (!json_is_string(e)) {
                return ZSSO_EINVAL;
            }
        }
    }
    *out = v;
    return ZSSO_OK;
}

zsso_status_t zsso_json_strings_find(const zsso_json_t *o, const char *name,
                                     const char *want, int *count,
                                     int *found)
{
    json_t *v, *e;
    size_t i;
    zsso_status_t st = string_list(o, name, &v);

    *count = 0;
    *found = 0;
    if (st != ZSSO_OK) {
        return st;
    }
    if (json_is_string(v)) {
        *count = 1;
        *found = want != NULL && strcmp(json_string_value(v), want) == 0;
        return ZSSO_OK;
    }
    json_array_foreach(v, i, e) {
        *found |= want != NULL && strcmp(json_string_value(e), want) == 0;
    }
    *count = (int)json_array_size(v);
    return ZSSO_OK;
}

zsso_status_t zsso_json_get_strings(apr_pool_t *p, const zsso_json_t *o,
                                    const char *name,
                                    apr_array_header_t **out)
{
    json_t *v, *e;
    size_t i;
    zsso_status_t st = string_list(o, name, &v);

    *out = NULL;
    if (st != ZSSO_OK) {
        return st;
    }
    *out = apr_array_make(p, json_is_string(v) ? 1
                                               : (int)json_array_size(v) + 1,
                          sizeof(const char *));
    if (json_is_string(v)) {
        APR_ARRAY_PUSH(*out, const char *) = json_string_value(v);
        return ZSSO_OK;
    }
    json_array_foreach(v, i, e) {
        APR_ARRAY_PUSH(*out, const char *) = json_string_value(e);
    }
    return ZSSO_OK;
}

zsso_status_t zsso_json_get_object(apr_pool_t *p, const zsso_json_t *o,
                                   const char *name, zsso_json_t **out)
{
    json_t *v;
    zsso_status_t st = member(o, name, &v);

    *out = NULL;
    if (st != ZSSO_OK) {
        return st;
    }
    if (!json_is_object(v)) {
        return ZSSO_EINVAL;
    }
    *out = wrap_borrowed(p, v);
    return ZSSO_OK;
}

zsso_status_t zsso_json_get_objects(apr_pool_t *p, const zsso_json_t *o,
                                    const char *name,
                                    apr_array_header_t **out)
{
    json_t *v, *e;
    size_t i;
    zsso_status_t st = member(o, name, &v);

    *out = NULL;
    if (st != ZSSO_OK) {
        return st;
    }
    if (!json_is_array(v)) {
        return ZSSO_EINVAL;
    }
    *out = apr_array_make(p, (int)json_array_size(v) + 1,
                          sizeof(zsso_json_t *));
    json_array_foreach(v, i, e) {
        if (!json_is_object(e)) {
            *out = NULL;
            return ZSSO_EINVAL;
        }
        APR_ARRAY_PUSH(*out, zsso_json_t *) = wrap_borrowed(p, e);
    }
    return ZSSO_OK;
}

/* ---------------------------------------------------------------------- */
/* Building                                                                */
/* ---------------------------------------------------------------------- */

zsso_json_t *zsso_json_object_new(apr_pool_t *p)
{
    json_t *j = json_object();

    if (j == NULL) {
        return NULL;
    }
    return wrap_owned(p, j);
}

/* The setters steal the new value's reference (json_object_set_new); a
 * NULL value, or a string that is not UTF-8 (which jansson refuses), leaves
 * the member unset, so a reader sees it absent rather than wrong. */
void zsso_json_set_string(zsso_json_t *o, const char *name, const char *v)
{
    if (o == NULL || name == NULL || v == NULL) {
        return;
    }
    json_object_set_new(o->j, name, json_string(v));
}

void zsso_json_set_int(zsso_json_t *o, const char *name, apr_int64_t v)
{
    if (o == NULL || name == NULL) {
        return;
    }
    json_object_set_new(o->j, name, json_integer((json_int_t)v));
}

void zsso_json_set_strings(zsso_json_t *o, const char *name,
                           const apr_array_header_t *v)
{
    json_t *a;
    int i;

    if (o == NULL || name == NULL || v == NULL) {
        return;
    }
    a = json_array();
    for (i = 0; a != NULL && i < v->nelts; i++) {
        /* append_new ignores a NULL value (a NULL or non-UTF-8 entry). */
        json_array_append_new(a, json_string(APR_ARRAY_IDX(v, i,
                                                           const char *)));
    }
    json_object_set_new(o->j, name, a);
}

/* Children keep their own reference (their pool drops it), so these
 * take one more rather than stealing. */
void zsso_json_set_object(zsso_json_t *o, const char *name,
                          const zsso_json_t *child)
{
    if (o == NULL || name == NULL || child == NULL) {
        return;
    }
    json_object_set(o->j, name, child->j);
}

void zsso_json_set_objects(zsso_json_t *o, const char *name,
                           const apr_array_header_t *v)
{
    json_t *a;

    if (o == NULL || name == NULL || v == NULL || (a = json_array()) == NULL) {
        return;
    }
    for (int i = 0; i < v->nelts; i++) {
        const zsso_json_t *c = APR_ARRAY_IDX(v, i, const zsso_json_t *);

        if (c) {
            json_array_append(a, c->j);
        }
    }
    json_object_set_new(o->j, name, a);
}

char *zsso_json_dump(apr_pool_t *p, const zsso_json_t *o)
{
    size_t len;
    char *s;

    if (o == NULL) {
        return NULL;
    }
    /* Measure, then write into the pool: no malloc'd string to free. */
    len = json_dumpb(o->j, NULL, 0, JSON_COMPACT);
    if (len == 0) {
        return NULL;
    }
    s = apr_palloc(p, len + 1);
    if (json_dumpb(o->j, s, len, JSON_COMPACT) != len) {
        return NULL;
    }
    s[len] = '\0';
    return s;
}
