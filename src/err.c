/*
 * err.c - the error record of the pure layers: a status and one line of
 * text saying what failed. The first error set wins, so a nested failure
 * is reported by its root cause and not by every caller on the way up.
 */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

void zsso_err_clear(zsso_err_t *err)
{
    if (err == NULL) {
        return;
    }
    err->status = ZSSO_OK;
    err->text[0] = '\0';
}

zsso_status_t zsso_err_set(zsso_err_t *err, zsso_status_t status,
                           const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || err->status != ZSSO_OK) {
        return status;
    }
    err->status = status;
    va_start(ap, fmt);
    /* vsnprintf truncates and always terminates: a long value cut short
     * is better than no message. */
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
    return status;
}
