/*
 * util.c - small pure helpers: base64url (RFC 4648 section 5), URL coding
 * (RFC 3986 section 2), query and Cookie header parsing, the same-origin
 * return-path check and HTML escaping. APR only; never logs.
 */
#include <string.h>

#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <apr_tables.h>

#include "util.h"

/* One "name=value" of a Cookie header, as pointers into the header. */
typedef struct {
    const char *name, *name_end;
    const char *value, *value_end;
} cookie_pair_t;

/* ---------------------------------------------------------------------- */
/* Prototypes of the statics                                               */
/* ---------------------------------------------------------------------- */

static int b64url_value(unsigned char c);
static int hex_value(unsigned char c);
static int percent_byte(const char *s, const char *end);
static int is_unreserved(unsigned char c);
static int pair_name_is(apr_pool_t *p, const char *s, apr_size_t len,
                        const char *name, zsso_status_t *st);
static const char *skip_wsp(const char *s, const char *end);
static const char *trim_wsp_end(const char *start, const char *end);
static char *dup_range(apr_pool_t *p, const char *s, const char *end);
static int cookie_pair(const char *s, const char *end, cookie_pair_t *pair);
static int is_forbidden_byte(unsigned char c);
static const char *html_entity(char c);

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---------------------------------------------------------------------- */
/* base64url                                                               */
/* ---------------------------------------------------------------------- */

char *zsso_b64url_encode(apr_pool_t *p, const unsigned char *data,
                         apr_size_t len)
{
    char *out = apr_palloc(p, (len + 2) / 3 * 4 + 1);
    char *o = out;
    apr_size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        *o++ = b64url_alphabet[data[i] >> 2];
        *o++ = b64url_alphabet[((data[i] & 0x03) << 4) | (data[i + 1] >> 4)];
        *o++ = b64url_alphabet[((data[i + 1] & 0x0f) << 2)
                               | (data[i + 2] >> 6)];
        *o++ = b64url_alphabet[data[i + 2] & 0x3f];
    }
    /* RFC 7515 section 2: the padding is left out. */
    if (len - i == 1) {
        *o++ = b64url_alphabet[data[i] >> 2];
        *o++ = b64url_alphabet[(data[i] & 0x03) << 4];
    }
    else if (len - i == 2) {
        *o++ = b64url_alphabet[data[i] >> 2];
        *o++ = b64url_alphabet[((data[i] & 0x03) << 4) | (data[i + 1] >> 4)];
        *o++ = b64url_alphabet[(data[i + 1] & 0x0f) << 2];
    }
    *o = '\0';
    return out;
}

zsso_status_t zsso_b64url_decode(apr_pool_t *p, const char *in,
                                 apr_size_t inlen, unsigned char **out,
                                 apr_size_t *outlen)
{
    const unsigned char *s = (const unsigned char *)in;
    unsigned char *buf;
    apr_size_t i, n = 0;
    apr_uint32_t acc = 0;
    int v;

    *out = NULL;
    *outlen = 0;
    /* A single character left over carries 6 bits: not even one byte
     * (RFC 4648 section 4), so such input was never an encoding. */
    if ((in == NULL && inlen > 0) || inlen % 4 == 1) {
        return ZSSO_EINVAL;
    }
    buf = apr_palloc(p, inlen / 4 * 3 + 3);
    for (i = 0; i < inlen; i++) {
        v = b64url_value(s[i]);
        if (v < 0) {
            return ZSSO_EINVAL;
        }
        acc = (acc << 6) | (apr_uint32_t)v;
        if (i % 4 == 3) {
            buf[n++] = (unsigned char)(acc >> 16);
            buf[n++] = (unsigned char)(acc >> 8);
            buf[n++] = (unsigned char)acc;
            acc = 0;
        }
    }
    /* RFC 4648 section 3.5: the unused bits of the last character must be
     * zero, so that each byte string has exactly one encoding. */
    if (inlen % 4 == 2) {
        if (acc & 0x0f) {
            return ZSSO_EINVAL;
        }
        buf[n++] = (unsigned char)(acc >> 4);
    }
    else if (inlen % 4 == 3) {
        if (acc & 0x03) {
            return ZSSO_EINVAL;
        }
        buf[n++] = (unsigned char)(acc >> 10);
        buf[n++] = (unsigned char)(acc >> 2);
    }
    buf[n] = '\0';
    *out = buf;
    *outlen = n;
    return ZSSO_OK;
}

static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

/* ---------------------------------------------------------------------- */
/* URL coding                                                              */
/* ---------------------------------------------------------------------- */

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* The byte of the escape "%XX" at s, or -1 when s does not start one. */
static int percent_byte(const char *s, const char *end)
{
    int hi, lo;

    if (end - s < 3 || s[0] != '%') {
        return -1;
    }
    hi = hex_value((unsigned char)s[1]);
    lo = hex_value((unsigned char)s[2]);
    if (hi < 0 || lo < 0) {
        return -1;
    }
    return hi * 16 + lo;
}

/* RFC 3986 section 2.3. */
static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
           || c == '~';
}

char *zsso_url_encode(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *in = (const unsigned char *)(s ? s : "");
    apr_size_t i, n = 0;
    char *out;

    for (i = 0; in[i] != '\0'; i++) {
        n += is_unreserved(in[i]) ? 1 : 3;
    }
    out = apr_palloc(p, n + 1);
    for (i = 0, n = 0; in[i] != '\0'; i++) {
        if (is_unreserved(in[i])) {
            out[n++] = (char)in[i];
        }
        else {
            out[n++] = '%';
            out[n++] = hex[in[i] >> 4];
            out[n++] = hex[in[i] & 0x0f];
        }
    }
    out[n] = '\0';
    return out;
}

zsso_status_t zsso_url_decode(apr_pool_t *p, const char *in, apr_size_t len,
                              char **out)
{
    const char *s = in, *end = in + len;
    char *buf, *o;
    int c;

    *out = NULL;
    if (in == NULL && len > 0) {
        return ZSSO_EINVAL;
    }
    buf = o = apr_palloc(p, len + 1);
    while (s < end) {
        if (*s == '%') {
            c = percent_byte(s, end);
            /* A NUL would cut the C string short of what was checked. */
            if (c <= 0) {
                return ZSSO_EINVAL;
            }
            s += 3;
        }
        else if (*s == '\0') {
            return ZSSO_EINVAL;
        }
        else {
            /* '+' is a space in application/x-www-form-urlencoded. */
            c = (*s == '+') ? ' ' : (unsigned char)*s;
            s++;
        }
        *o++ = (char)c;
    }
    *o = '\0';
    *out = buf;
    return ZSSO_OK;
}

/* ---------------------------------------------------------------------- */
/* Query strings and form bodies                                           */
/* ---------------------------------------------------------------------- */

/* Whether the (encoded) name at s equals name once decoded. Names are
 * compared decoded, so "st%61te" cannot slip a second state past the
 * duplicate check. */
static int pair_name_is(apr_pool_t *p, const char *s, apr_size_t len,
                        const char *name, zsso_status_t *st)
{
    char *decoded;

    if (memchr(s, '%', len) == NULL && memchr(s, '+', len) == NULL) {
        return strlen(name) == len && memcmp(s, name, len) == 0;
    }
    *st = zsso_url_decode(p, s, len, &decoded);
    return *st == ZSSO_OK && strcmp(decoded, name) == 0;
}

zsso_status_t zsso_query_get(apr_pool_t *p, const char *query,
                             const char *name, const char **value)
{
    const char *s = query, *end, *eq, *found = NULL, *found_end = NULL;
    zsso_status_t st = ZSSO_OK;
    char *decoded;

    *value = NULL;
    if (query == NULL || name == NULL) {
        return ZSSO_ENOENT;
    }
    for (; *s != '\0'; s = (*end == '&') ? end + 1 : end) {
        end = s + strcspn(s, "&");
        if (end == s) {
            continue;
        }
        eq = memchr(s, '=', (apr_size_t)(end - s));
        if (!pair_name_is(p, s, (apr_size_t)((eq ? eq : end) - s), name,
                          &st)) {
            if (st != ZSSO_OK) {
                return st;
            }
            continue;
        }
        if (found != NULL) {
            return ZSSO_EDUP;
        }
        /* A bare name ("a&b") is a name with an empty value. */
        found = eq ? eq + 1 : end;
        found_end = end;
    }
    if (found == NULL) {
        return ZSSO_ENOENT;
    }
    st = zsso_url_decode(p, found, (apr_size_t)(found_end - found), &decoded);
    if (st == ZSSO_OK) {
        *value = decoded;
    }
    return st;
}

/* ---------------------------------------------------------------------- */
/* Cookie header                                                           */
/* ---------------------------------------------------------------------- */

static const char *skip_wsp(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t')) {
        s++;
    }
    return s;
}

static const char *trim_wsp_end(const char *start, const char *end)
{
    while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    return end;
}

static char *dup_range(apr_pool_t *p, const char *s, const char *end)
{
    return apr_pstrmemdup(p, s, (apr_size_t)(end - s));
}

/* Find the pair in [s, end): returns 0 when it is not a pair (no '=' or
 * an empty name), which RFC 6265 section 5.2 says to ignore. */
static int cookie_pair(const char *s, const char *end, cookie_pair_t *pair)
{
    const char *eq;

    s = skip_wsp(s, end);
    end = trim_wsp_end(s, end);
    eq = memchr(s, '=', (apr_size_t)(end - s));
    if (eq == NULL) {
        return 0;
    }
    pair->name = s;
    pair->name_end = trim_wsp_end(s, eq);
    if (pair->name_end == s) {
        return 0;
    }
    pair->value = skip_wsp(eq + 1, end);
    pair->value_end = end;
    /* RFC 6265 section 4.1.1: cookie-value may be in DQUOTEs, which are
     * not part of the value. */
    if (end - pair->value >= 2 && *pair->value == '"' && end[-1] == '"') {
        pair->value++;
        pair->value_end--;
    }
    return 1;
}

zsso_status_t zsso_cookie_parse(apr_pool_t *p, const char *header,
                                apr_table_t *out, int max_pairs)
{
    const char *s = header, *end;
    cookie_pair_t pair;
    int n = 0;

    if (header == NULL) {
        return ZSSO_OK;
    }
    for (; *s != '\0'; s = (*end == ';') ? end + 1 : end) {
        end = s + strcspn(s, ";");
        if (!cookie_pair(s, end, &pair)) {
            continue;
        }
        if (n >= max_pairs) {
            return ZSSO_ELIMIT;
        }
        apr_table_addn(out, dup_range(p, pair.name, pair.name_end),
                       dup_range(p, pair.value, pair.value_end));
        n++;
    }
    return ZSSO_OK;
}

/* ---------------------------------------------------------------------- */
/* Return paths                                                            */
/* ---------------------------------------------------------------------- */

static int is_forbidden_byte(unsigned char c)
{
    return c < 0x20 || c == 0x7f || c == ' ' || c == '\\';
}

int zsso_return_path_ok(const char *path)
{
    const char *s, *end;
    int c;

    /* A path-absolute reference only (RFC 3986 section 4.2): "//host" is a
     * network-path reference to another origin, and browsers read '\' as
     * '/' (WHATWG URL), so "/\host" is one too. */
    if (path == NULL || path[0] != '/' || path[1] == '/' || path[1] == '\\') {
        return 0;
    }
    end = path + strlen(path);
    for (s = path; s < end; s++) {
        if (is_forbidden_byte((unsigned char)*s)) {
            return 0;
        }
        if (*s != '%') {
            continue;
        }
        /* A malformed escape is refused anywhere; an escaped '/', '\' or
         * control byte right after the first slash is refused because a
         * decoding hop would turn "/%2Fhost" into "//host". */
        c = percent_byte(s, end);
        if (c < 0) {
            return 0;
        }
        if (s == path + 1
            && (c == '/' || is_forbidden_byte((unsigned char)c))) {
            return 0;
        }
    }
    return 1;
}

/* ---------------------------------------------------------------------- */
/* HTML                                                                    */
/* ---------------------------------------------------------------------- */

/* The entity for a character that HTML escaping replaces, else NULL. */
static const char *html_entity(char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        /* &#39; rather than &apos;, which HTML 4 does not know. */
        return "&#39;";
    default:
        return NULL;
    }
}

char *zsso_html_escape(apr_pool_t *p, const char *s)
{
    apr_size_t n = 0;
    const char *i, *e;
    char *out, *o;

    if (s == NULL) {
        return apr_pstrdup(p, "");
    }
    for (i = s; *i != '\0'; i++) {
        e = html_entity(*i);
        n += e ? strlen(e) : 1;
    }
    out = o = apr_palloc(p, n + 1);
    for (i = s; *i != '\0'; i++) {
        e = html_entity(*i);
        if (e == NULL) {
            *o++ = *i;
            continue;
        }
        memcpy(o, e, strlen(e));
        o += strlen(e);
    }
    *o = '\0';
    return out;
}

const char *zsso_printable(char *buf, apr_size_t size, const char *s)
{
    apr_size_t i;
    unsigned char c;

    for (i = 0; s && s[i] != '\0' && i + 1 < size; i++) {
        c = (unsigned char)s[i];
        buf[i] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    buf[i] = '\0';
    return buf;
}

char *zsso_cookie_strip(apr_pool_t *p, const char *header,
                        const char *prefix)
{
    apr_size_t plen = strlen(prefix), len;
    const char *pair = header ? header : "", *end;
    /* Each kept pair is copied once into a buffer sized up front: ";"
     * may become "; ", so the result is at most twice the header. Joining
     * with apr_pstrcat copied the whole result again for every pair: an
     * 8 KB header of short pairs cost tens of megabytes of pool memory.
     * The header is read in place: every signed-in request passes here. */
    char *out = apr_palloc(p, 2 * strlen(pair) + 1), *o = out;

    for (; *pair; pair = *end ? end + 1 : end) {
        if ((end = strchr(pair, ';')) == NULL) {
            end = pair + strlen(pair);
        }
        while (pair < end && (*pair == ' ' || *pair == '\t')) {
            pair++;
        }
        len = (apr_size_t)(end - pair);
        if (len == 0 || (len >= plen && strncmp(pair, prefix, plen) == 0)) {
            continue;
        }
        if (o != out) {
            *o++ = ';';
            *o++ = ' ';
        }
        memcpy(o, pair, len);
        o += len;
    }
    if (o == out) {
        return NULL;
    }
    *o = '\0';
    return out;
}

void zsso_put_be64(unsigned char *o, apr_int64_t v)
{
    apr_uint64_t u = (apr_uint64_t)v;

    for (int i = 7; i >= 0; i--) {
        o[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
}

apr_int64_t zsso_get_be64(const unsigned char *in)
{
    apr_uint64_t u = 0;

    for (int i = 0; i < 8; i++) {
        u = (u << 8) | in[i];
    }
    return (apr_int64_t)u;
}

apr_pool_t *zsso_pool_shared(apr_pool_t *parent)
{
    apr_allocator_t *alloc;
    apr_thread_mutex_t *mu;
    apr_pool_t *pool;

    apr_allocator_create(&alloc);
    apr_pool_create_ex(&pool, parent, NULL, alloc);
    apr_allocator_owner_set(alloc, pool);
    apr_thread_mutex_create(&mu, APR_THREAD_MUTEX_DEFAULT, pool);
    apr_allocator_mutex_set(alloc, mu);
    return pool;
}
