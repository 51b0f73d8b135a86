/*
 * fuzz_return_path.c - the same-origin check of the path a sign-in returns
 * to (zsso_return_path_ok), which decides where the browser is sent.
 *
 * Oracle, checked here without util.c's code: a path that is accepted
 * starts with exactly one '/', its second byte is not '\'; it holds no
 * backslash, no control byte (below 0x20, 0x7f) and no space anywhere;
 * every '%' starts a valid escape; and decoding it once still gives a
 * path that starts with exactly one '/' and no '\' or control byte after
 * it. Any accepted path that breaks this is a crash.
 */
#include <string.h>

#include "fuzz.h"
#include "../../src/util.h"

static int hexval(char c)
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

static int bad_byte(unsigned char c)
{
    return c < 0x20 || c == 0x7f || c == ' ' || c == '\\';
}

/* The byte the path has at index i once decoded (escapes are valid). */
static int decoded_at(const char *s, size_t i)
{
    size_t k = 0;

    while (*s != '\0') {
        int c = (unsigned char)*s;

        if (c == '%') {
            c = hexval(s[1]) * 16 + hexval(s[2]);
            s += 3;
        }
        else {
            s++;
        }
        if (k++ == i) {
            return c;
        }
    }
    return -1;
}

static void check_accepted(const char *path)
{
    size_t i, n = strlen(path);

    FUZZ_CHECK(path[0] == '/', "starts with /");
    FUZZ_CHECK(path[1] != '/' && path[1] != '\\', "not //host or /\\host");
    for (i = 0; i < n; i++) {
        FUZZ_CHECK(!bad_byte((unsigned char)path[i]),
                   "no backslash, control byte or space");
        if (path[i] == '%') {
            FUZZ_CHECK(i + 2 < n && hexval(path[i + 1]) >= 0
                       && hexval(path[i + 2]) >= 0, "valid escape");
        }
    }
    FUZZ_CHECK(decoded_at(path, 1) != '/'
               && (decoded_at(path, 1) < 0
                   || !bad_byte((unsigned char)decoded_at(path, 1))),
               "decoded once, still one leading slash");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool_begin();
    const char *path = fuzz_cstr(p, data, size);

    if (zsso_return_path_ok(path)) {
        check_accepted(path);
    }
    fuzz_pool_end(p);
    return 0;
}
