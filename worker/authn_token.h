/*
 * authn_token.h - bearer tokens: who a token says its holder is.
 *
 * kube-apiserver's token authenticators, in its union's order
 * (pkg/kubeapiserver/authenticator/config.go): the static token file,
 * legacy (secret-based) service-account JWTs, bound service-account JWTs
 * (TokenRequest's), bootstrap tokens, OpenID Connect
 * (worker/authn_oidc.h), then the token webhook (worker/authn_webhook.h).
 * The first that recognises the token answers; errors of the others are
 * gathered as Go's aggregate would print them. Service-account and
 * bootstrap tokens are checked against the store (the service account,
 * secret, pod or node still there with the same uid), so an answer may
 * come later, from the worker's event loop.
 *
 * Successes are cached per worker for 10 s, keyed by an HMAC of the token
 * and the audiences asked for (upstream: --token-success-cache-ttl 10s,
 * failures not cached). Tokens are never logged nor kept in clear.
 */
#ifndef PGKUBE_AUTHN_TOKEN_H
#define PGKUBE_AUTHN_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "worker/request.h"

struct worker;

struct authn_token_result {
	bool ok;
	struct user_info user;	/* when ok: strings in the caller's arena */
	const char **audiences; /* the audiences the token is good for here */
	size_t num_audiences;
	const char *error; /* why the token was refused, NULL when no authenticator knew it */
	const char *const *errors; /* the same, one message per refusal */
	size_t num_errors;
	const char *warning; /* a Warning header the response should carry, or NULL */
};

typedef void (*authn_token_fn)(void *ctx, const struct authn_token_result *res);

/* Whether any token authenticator is configured (else bearer tokens are ignored). */
bool authn_token_configured(void);

/*
 * Authenticates token for the given audiences (targeted false: none were
 * asked, as upstream's context without audiences). Calls fn exactly once,
 * now or later; the arena must outlive the call (a request's arena does,
 * even once the client has gone).
 */
void authn_token_authenticate(struct worker *w, struct arena *a, const char *token,
			      const char *const *target, size_t num_target, bool targeted,
			      authn_token_fn fn, void *ctx);

/*
 * Go's utilerrors aggregate of messages: none is NULL, one is itself, more
 * are "[a, b]" with repeats dropped.
 */
const char *authn_aggregate(struct arena *a, const char *const *errors, size_t n);

/* Go's %q of a string list, as error messages print audiences: ["a" "b"]. */
const char *authn_quote_list(struct arena *a, const char *const *items, size_t n);

#define AUTHN_TOKEN_KEY_BYTES 32
/*
 * The key a token's cached outcome is kept under: an HMAC, with a secret
 * made once per process, of the token and the audiences (target, n) asked
 * for, so that no cache holds a token itself.
 */
void authn_token_cache_key(const char *token, const char *const *target, size_t n, bool targeted,
			   unsigned char out[AUTHN_TOKEN_KEY_BYTES]);

/* Drops the cached successes (tests, benchmarks). */
void authn_token_cache_clear(void);

#endif
