/*
 * zsso.h - what every httpd-facing file of mod_zsso shares: the module
 * record, the log tag macro and the per-module log level.
 */
#ifndef ZSSO_H
#define ZSSO_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>

extern module AP_MODULE_DECLARE_DATA zsso_module;

/* So "LogLevel zsso:debug" works for every file, not only mod_zsso.c
 * (which gets the same from AP_DECLARE_MODULE). */
#ifndef ZSSO_MODULE_FILE
APLOG_USE_MODULE(zsso);
#endif

/* Stable log tags, registered in docs/log-tags.md: write the number with
 * five digits, ZSSO_LOGNO(00101) gives "ZSSO00101: ". */
#define ZSSO_LOGNO(n) "ZSSO" #n ": "

#define ZSSO_AUTH_TYPE "zsso"

/* Every cookie of the module starts so; the application never sees them. */
#define ZSSO_COOKIE_PREFIX "zsso_"

#endif
