/*
 * authz.h - authorization: may this user do this?
 *
 * kube-apiserver's chain, in the order --authorization-mode lists it,
 * behind the privileged-group authorizer that always comes first (members
 * of system:masters may do anything). Each authorizer allows, or has no
 * opinion with a reason; the first that allows wins, and a request nobody
 * allows is answered 403 with upstream's Forbidden Status, the reasons of
 * the authorizers appended. Modes: AlwaysAllow (the default without the
 * flag), AlwaysDeny, RBAC (shared/rbac.h over a per-worker cache, loaded
 * before the worker serves and kept current from the watch hub's change
 * stream), Node (node_authz.h: kubelets, over a graph of what their pods
 * use, kept the same way), Webhook (authz_webhook.h: a SubjectAccessReview
 * to a remote service, the one authorizer that may answer later, or deny),
 * and ABAC (accepted with its file, not implemented: no opinion, logged
 * once).
 *
 * Around it: impersonation (impersonate.c), the access reviews
 * (authz_review.c) and RBAC's escalation checks on writes of roles and
 * bindings (rbac_guard.c).
 */
#ifndef PGKUBE_AUTHZ_H
#define PGKUBE_AUTHZ_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/rbac.h"
#include "worker/request.h"

struct worker;
struct authz;
struct rest_call;

/* DENY (upstream's DecisionDeny, only a webhook says it) ends the chain. */
enum authz_decision { AUTHZ_NO_OPINION, AUTHZ_ALLOW, AUTHZ_DENY };

/* The worker's authorizers; loads the RBAC cache (blocking, before the
 * worker serves). */
struct authz *authz_new(struct worker *w);
void authz_free(struct authz *z);

/* The authorizer chain on attrs, without waiting: the Webhook authorizer
 * answers from its cache or has no opinion. *reason (in a) is the
 * deciding authorizer's, or the reasons of all, one per line. */
enum authz_decision authz_decide(struct authz *z, const struct authz_attributes *attrs,
				 struct arena *a, const char **reason);
/* error: an authorizer's failure (a webhook that could not be asked), else NULL. */
typedef void (*authz_decided_fn)(void *ctx, enum authz_decision decision, const char *reason,
				 const char *error);
/*
 * The whole chain on attrs (copied) for user (uid and extra for the
 * webhook; may be NULL): calls done once, now or later. Memory in a, which
 * must outlive the call (a request's arena does).
 */
void authz_decide_async(struct authz *z, const struct authz_attributes *attrs,
			const struct user_info *user, struct arena *a, authz_decided_fn done,
			void *ctx);
/* The attributes of an HTTP request, as RequestInfo and the user give them. */
void authz_request_attributes(const struct request *req, struct authz_attributes *attrs);
typedef void (*authz_next_fn)(struct request *req);
/*
 * Authorizes req and calls next(req), now or later (when the Webhook
 * authorizer must be asked); on a denial it answers 403 itself, on an
 * authorizer's error 500 (upstream's InternalError), and a request whose
 * client has gone meanwhile is ended without next.
 */
void authz_request(struct request *req, authz_next_fn next);
/* upstream's responsewriters.Forbidden for attrs and reason. */
void authz_send_forbidden(struct request *req, const struct authz_attributes *attrs,
			  const char *reason);
/* The worker's RBAC cache, or NULL when RBAC is not a mode. */
const struct rbac_policy *authz_rbac(const struct authz *z);
/* The worker's Node authorizer cache, or NULL when neither Node is a mode
 * nor NodeRestriction enabled. */
struct node_authz *authz_node(const struct authz *z);
/* Whether mode (e.g. "RBAC") is in the chain. */
bool authz_has_mode(const struct authz *z, const char *mode);
/* The i-th mode of the chain ("RBAC", ...), or NULL past the end. */
const char *authz_mode(const struct authz *z, size_t i);

/* Impersonate-* headers: checks and applies them to req->user. Returns
 * false when it answered (403, 500). */
bool authz_impersonate(struct request *req);

/* Creates of SubjectAccessReview, LocalSubjectAccessReview,
 * SelfSubjectAccessReview and SelfSubjectRulesReview: evaluated, answered,
 * never stored. Returns true when call was one of them (answered, obj
 * taken); false leaves obj to the caller. */
bool authz_review_create(struct rest_call *call, json_t *obj);

/*
 * RBAC's escalation check for a create (old NULL) or update of a Role,
 * ClusterRole, RoleBinding or ClusterRoleBinding by the request's user:
 * true when the write may go on, false with the call's error set (403, or
 * 404 for a binding's missing role). Other resources always pass.
 */
bool authz_rbac_write_allowed(struct rest_call *call, json_t *obj, json_t *old);

#endif
