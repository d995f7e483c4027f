/*
 * authn_oidc.h - the OpenID Connect token authenticator (--oidc-*), after
 * service-account and bootstrap tokens and before the token webhook, as
 * kube-apiserver v1.32's union has it.
 *
 * Each worker fetches the issuer's discovery document
 * (<issuer>/.well-known/openid-configuration) and then its jwks_uri when
 * it starts, retrying with backoff until both answer. Until then tokens
 * of the issuer are refused with upstream's "oidc: authenticator not
 * initialized". A token whose kid no key has makes the worker fetch the
 * JWKS again (at most every 10 s); that token is refused. Verification
 * itself is shared/oidc.h.
 */
#ifndef PGKUBE_AUTHN_OIDC_H
#define PGKUBE_AUTHN_OIDC_H

#include <stdbool.h>

#include "shared/arena.h"
#include "worker/event_loop.h"
#include "worker/request.h"

bool authn_oidc_configured(void);

/* Starts fetching the keys from the worker's loop. */
void authn_oidc_start(struct event_loop *loop);

/*
 * 0: not a token of the issuer (not tried); 1: user set (strings in a,
 * without system:authenticated); -1: refused, *error says why.
 */
int authn_oidc_authenticate(struct arena *a, const char *token, struct user_info *user,
			    const char **error);

#endif
