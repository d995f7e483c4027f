/*
 * authz_webhook.h - the Webhook authorizer (--authorization-mode=Webhook).
 *
 * As upstream's plugin/pkg/authorizer/webhook: each decision not in the
 * cache is a SubjectAccessReview POSTed to the webhook of
 * --authorization-webhook-config-file, in --authorization-webhook-version
 * (v1beta1 by default; its spec names the groups "group"). status.allowed
 * allows, status.denied denies (stopping the chain), neither is no
 * opinion; status.reason goes with the decision. Answers are cached per
 * worker, keyed by the spec's JSON: allowed ones for
 * --authorization-webhook-cache-authorized-ttl (5m), the others for
 * --authorization-webhook-cache-unauthorized-ttl (30s); requests whose
 * attributes are 10000 bytes or more are not cached. A call that fails
 * (after the generic webhook's retries) is an error: the authorizer has
 * no opinion and the request is answered 500 by the chain, as
 * kube-apiserver's authorization filter does.
 */
#ifndef PGKUBE_AUTHZ_WEBHOOK_H
#define PGKUBE_AUTHZ_WEBHOOK_H

#include "shared/buf.h"
#include "shared/webhook_config.h"
#include "worker/authz.h"
#include "worker/event_loop.h"

struct authz_webhook;

/* NULL (with a logged error) when the client cannot be made. */
struct authz_webhook *authz_webhook_new(struct event_loop *loop, const struct webhook_config *cfg);
void authz_webhook_free(struct authz_webhook *wh);

/*
 * The SubjectAccessReview for attrs and user (uid and extra come from the
 * user when it is given), as encoding/json writes upstream's object, in
 * version ("v1" or "v1beta1"); spec receives the spec alone (the cache
 * key).
 */
void authz_webhook_review(const struct authz_attributes *attrs, const struct user_info *user,
			  const char *version, struct buf *review, struct buf *spec);

/*
 * Reads the webhook's answer: 0 with the status filled, or -1 with *error
 * (in a) when it is not a SubjectAccessReview of authorization.k8s.io.
 */
int authz_webhook_read_answer(const char *body, size_t len, struct arena *a, bool *allowed,
			      bool *denied, const char **reason, const char **error);

/* The cached decision for attrs; false when there is none. */
bool authz_webhook_cached(struct authz_webhook *wh, const struct authz_attributes *attrs,
			  const struct user_info *user, struct arena *a,
			  enum authz_decision *decision, const char **reason);

/* error: NULL, or why the webhook could not be asked (then NO_OPINION). */
typedef void (*authz_webhook_fn)(void *ctx, enum authz_decision decision, const char *reason,
				 const char *error);

/* Asks the webhook (or the cache); calls fn once, now or later; strings in a. */
void authz_webhook_authorize(struct authz_webhook *wh, const struct authz_attributes *attrs,
			     const struct user_info *user, struct arena *a, authz_webhook_fn fn,
			     void *ctx);

#endif
