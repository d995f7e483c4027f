/*
 * serviceaccount_token.h - the TokenRequest API:
 * POST /api/v1/namespaces/NS/serviceaccounts/NAME/token, which
 * `kubectl create token` calls. It issues a signed, audience- and
 * time-bound JWT for the service account (optionally bound to a pod,
 * secret or node), as pkg/registry/core/serviceaccount/storage/token.go
 * does in v1.32. Without --service-account-signing-key-file (and an
 * issuer) the subresource is not served (404), as upstream installs it
 * only then.
 */
#ifndef PGKUBE_SERVICEACCOUNT_TOKEN_H
#define PGKUBE_SERVICEACCOUNT_TOKEN_H

struct rest_call;

/* Serves a create of the token subresource; answers now or later. */
void serviceaccount_token_create(struct rest_call *call);

#endif
