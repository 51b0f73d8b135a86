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

/* post_config: every protected location with its merged record and the
 * URLs the administrator pastes into Okta (an array of zsso_org_t, see
 * src/status.h), in p. */
apr_array_header_t *zsso_startup_orgs(apr_pool_t *p, server_rec *s);

/* One notice per protected location, at real start-up. */
void zsso_startup_announce(server_rec *s, const apr_array_header_t *orgs);

#endif
