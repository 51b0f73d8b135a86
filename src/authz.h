/*
 * authz.h - "Require zsso-role ..." and "Require zsso-group ..."
 * providers for mod_authz_core.
 */
#ifndef ZSSO_AUTHZ_H
#define ZSSO_AUTHZ_H

#include "zsso.h"

void zsso_authz_register(apr_pool_t *p);

#endif
