/*
 * node_authorizer.h - kube-apiserver v1.32's Node authorizer
 * (plugin/pkg/auth/authorizer/node/node_authorizer.go) and its idea of who
 * is a node (pkg/auth/nodeidentifier), as pure functions over a
 * node_graph.
 *
 * A kubelet, user system:node:<name> in group system:nodes, may
 *   - read (get; list and watch naming one object) a secret or configmap,
 *     get a PVC, PV, resource claim or volume attachment, update or patch
 *     a PVC's status, create a token for a service account, only when the
 *     graph relates the object to its node;
 *   - get, list and watch its own Node object, create and update (patch)
 *     any Node and its status (NodeRestriction keeps it to its own);
 *   - get pods related to it, list and watch pods with the field selector
 *     spec.nodeName=<name>, create and delete (mirror) pods, update pod
 *     status and create evictions;
 *   - get, create, update, patch and delete its own lease in
 *     kube-node-lease and its own CSINode (any on create);
 *   - do what bootstrappolicy.NodeRules() grants for everything else.
 * This is v1.32 with its default feature gates: AuthorizeNodeWithSelectors
 * (beta) on. Every denial is "no opinion" with upstream's reason, for
 * the next authorizer of the chain to decide.
 */
#ifndef PGKUBE_NODE_AUTHORIZER_H
#define PGKUBE_NODE_AUTHORIZER_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/node_graph.h"
#include "shared/rbac.h"

/* NodeIdentity: the node's name (possibly "") for a user named
 * system:node:<name> in group system:nodes; NULL for anyone else. */
const char *node_identity(const char *user, const char *const *groups, size_t num_groups);

/*
 * Authorize: true to allow; false for no opinion, with *reason ""
 * or upstream's reason (in a), e.g. "no relationship found between node
 * 'n1' and this object". rules are the static node rules.
 */
bool node_authorize(const struct node_graph *g, const struct rbac_rule *rules, size_t num_rules,
		    const struct authz_attributes *attrs, struct arena *a, const char **reason);

#endif
