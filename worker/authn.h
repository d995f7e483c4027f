/*
 * authn.h - who is asking.
 *
 * kube-apiserver v1.32's authenticator chain (pkg/kubeapiserver/
 * authenticator/config.go), in its order: the front proxy (a client
 * certificate verified against --requestheader-client-ca-file, with an
 * allowed CN, whose request headers name the user), the x509 client
 * certificate (verified against --client-ca-file: CN = user, O = groups),
 * then bearer tokens (worker/authn_token.h). The first to authenticate
 * wins and system:authenticated is added to its groups; a credential that
 * was presented and failed makes the request a 401 even when anonymous
 * requests are allowed; a request with no credential at all is
 * system:anonymous (--anonymous-auth) or a 401.
 *
 * The TLS layer's verdicts are computed once per connection (at the end of
 * the handshake); the rest per request, possibly asynchronously (tokens
 * checked against the store).
 */
#ifndef PGKUBE_AUTHN_H
#define PGKUBE_AUTHN_H

#include <openssl/ssl.h>

#include "worker/request.h"

/* Fills id (heap strings, freed by authn_identity_free) from the TLS peer. */
void authn_identity_from_tls(SSL *ssl, struct user_info *id);
void authn_identity_free(struct user_info *id);

typedef void (*authn_next_fn)(struct request *req);

/*
 * Authenticates req: sets req->user to its final identity and calls
 * next(req), now or later; or answers 401 Unauthorized itself. If the
 * client has left by the time the answer is known, the request is ended
 * (nothing is written) and next is not called.
 */
void authn_request(struct request *req, authn_next_fn next);

/* What the chain says about a bearer token alone (TokenReview). */
struct authn_review {
	bool ok;
	struct user_info user; /* when ok (system:authenticated added) */
	const char **audiences;
	size_t num_audiences;
	const char *error; /* NULL when no authenticator refused the token */
};

typedef void (*authn_review_fn)(struct request *req, const struct authn_review *review);

/*
 * Runs the chain on a request that carries nothing but the header
 * "Authorization: Bearer <token>" (no TLS peer), for the given audiences
 * (none when num_audiences is 0), as the TokenReview storage does. Calls
 * fn once, now or later.
 */
void authn_review_token(struct request *req, const char *token, const char *const *audiences,
			size_t num_audiences, authn_review_fn fn);

#endif
