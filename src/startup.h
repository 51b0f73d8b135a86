/*
 * startup.h - what happens once the configuration is read: every
 * AuthType zsso section is found in the configuration tree, checked for
 * the directives it needs, and announced with the URLs the administrator
 * pastes into Okta.
 */
#ifndef ZSSO_STARTUP_H
#define ZSSO_STARTUP_H

#include "zsso.h"

/* check_config hook body: also runs under "apachectl configtest". */
int zsso_startup_check(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

/* post_config: one notice per protected location, at real start-up. */
void zsso_startup_announce(apr_pool_t *ptemp, server_rec *s);

#endif
