/*
 * node_authz.h - the worker's Node authorizer and NodeRestriction
 * admission (shared/node_authorizer.h, shared/node_restriction.h) over a
 * per-worker cache: the Node authorizer's graph (with
 * --authorization-mode=Node) and the uids of Nodes (for NodeRestriction's
 * mirror pods). The cache is loaded before the worker serves, in one
 * snapshot with the resourceVersion, and kept current from the watch
 * hub's change stream, as the RBAC cache is (authz.c).
 */
#ifndef PGKUBE_NODE_AUTHZ_H
#define PGKUBE_NODE_AUTHZ_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/arena.h"
#include "shared/rbac.h"

struct worker;
struct node_authz;
struct rest_call;

/* Loads the cache (blocking); authorizer: the graph too; restriction:
 * NodeRestriction is enabled. */
struct node_authz *node_authz_new(struct worker *w, bool authorizer, bool restriction);
void node_authz_free(struct node_authz *n);

/* The Node authorizer: true to allow, else no opinion with *reason (in a). */
bool node_authz_allows(const struct node_authz *n, const struct authz_attributes *attrs,
		       struct arena *a, const char **reason);

/*
 * NodeRestriction on a write by the request's user: a create (old NULL),
 * an update (obj as the request gives it, old as stored) or a delete (obj
 * NULL). true when it may go on; false with the call's error set. Passes
 * everything when the plugin is not enabled.
 */
bool node_authz_admit(struct rest_call *call, json_t *obj, json_t *old);

#endif
