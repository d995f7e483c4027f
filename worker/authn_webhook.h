/*
 * authn_webhook.h - the webhook token authenticator
 * (--authentication-token-webhook-config-file), the last of the token
 * authenticators, as in kube-apiserver v1.32's union.
 *
 * A token is sent as a TokenReview (--authentication-token-webhook-version,
 * v1beta1 by default) with the audiences the request asks for; the
 * webhook's status.authenticated and status.user make the user. When
 * audiences are asked, the answer's status.audiences (or, without them,
 * the API's own audiences) must share one with them. Answers, positive or
 * not, are cached per worker for --authentication-token-webhook-cache-ttl
 * (2m), keyed by an HMAC of the token and the audiences; failed calls are
 * not cached and are an authentication error.
 */
#ifndef PGKUBE_AUTHN_WEBHOOK_H
#define PGKUBE_AUTHN_WEBHOOK_H

#include <stdbool.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "worker/event_loop.h"
#include "worker/request.h"

struct worker;

/* ok: user (in a) and the audiences it is good for; else error (NULL: not recognised). */
typedef void (*authn_webhook_fn)(void *ctx, bool ok, const struct user_info *user,
				 const char **audiences, size_t num_audiences, const char *error);

bool authn_webhook_configured(void);
/* The worker's client for the webhook (its address resolved now, before serving). */
void authn_webhook_start(struct event_loop *loop);

/* Calls fn once, now or later. */
void authn_webhook_authenticate(struct worker *w, struct arena *a, const char *token,
				const char *const *target, size_t num_target, bool targeted,
				authn_webhook_fn fn, void *ctx);

/* The TokenReview as encoding/json writes upstream's object, in version. */
void authn_webhook_review(const char *token, const char *const *audiences, size_t n,
			  const char *version, struct buf *out);

#endif
