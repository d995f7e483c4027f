/*
 * node_authorizer.c - the Node authorizer; see node_authorizer.h.
 *
 * One function per kind of object, as upstream's Authorize switches on
 * the request's group and resource; the reasons are upstream's strings.
 */
#include "shared/node_authorizer.h"

#include <string.h>

#include "shared/gojson.h"
#include "shared/selector.h"

#define NODE_USER_PREFIX "system:node:"
#define NODES_GROUP	 "system:nodes"
#define NODE_LEASE_NS	 "kube-node-lease"

/* One decision: allowed, or no opinion with a reason. */
struct decision {
	bool allow;
	const char *reason;
};

static const struct decision allowed = {true, ""};

static struct decision deny(const char *reason)
{
	return (struct decision){false, reason};
}

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static bool verb_in(const char *verb, const char *const *verbs)
{
	for (; *verbs; verbs++)
		if (is(verb, *verbs))
			return true;
	return false;
}

const char *node_identity(const char *user, const char *const *groups, size_t num_groups)
{
	if (!user || strncmp(user, NODE_USER_PREFIX, strlen(NODE_USER_PREFIX)) != 0)
		return NULL;
	for (size_t i = 0; i < num_groups; i++)
		if (is(groups[i], NODES_GROUP))
			return user + strlen(NODE_USER_PREFIX);
	return NULL;
}

/* The reason every failed graph lookup gives, whatever the lookup found. */
static struct decision no_relationship(struct arena *a, const char *node)
{
	return deny(
	    arena_printf(a, "no relationship found between node '%s' and this object", node));
}

/* authorize: the named object must be related to the node. */
static struct decision related(const struct node_graph *g, const char *node,
			       enum node_graph_type type, const struct authz_attributes *attrs,
			       struct arena *a)
{
	if (!*attrs->name)
		return deny("No Object name found");
	if (!node_graph_has_path(g, type, attrs->namespace, attrs->name, node))
		return no_relationship(a, node);
	return allowed;
}

/* authorizeReadNamespacedObject: secrets and configmaps. */
static struct decision read_namespaced(const struct node_graph *g, const char *node,
				       enum node_graph_type type,
				       const struct authz_attributes *attrs, struct arena *a)
{
	static const char *const verbs[] = {"get", "list", "watch", NULL};

	if (!verb_in(attrs->verb, verbs))
		return deny("can only read resources of this type");
	if (*attrs->subresource)
		return deny("cannot read subresource");
	if (!*attrs->namespace)
		return deny("can only read namespaced object of this type");
	return related(g, node, type, attrs, a);
}

/* authorizeGet. */
static struct decision get_related(const struct node_graph *g, const char *node,
				   enum node_graph_type type, const struct authz_attributes *attrs,
				   struct arena *a)
{
	if (!is(attrs->verb, "get"))
		return deny("can only get individual resources of this type");
	if (*attrs->subresource)
		return deny("cannot get subresource");
	return related(g, node, type, attrs, a);
}

/* authorizeStatusUpdate: a PVC's status. */
static struct decision status_update(const struct node_graph *g, const char *node,
				     enum node_graph_type type,
				     const struct authz_attributes *attrs, struct arena *a)
{
	if (!is(attrs->verb, "update") && !is(attrs->verb, "patch"))
		return deny("can only get/update/patch this type");
	if (!is(attrs->subresource, "status"))
		return deny("can only update status subresource");
	return related(g, node, type, attrs, a);
}

/* authorizeCreateToken. */
static struct decision create_token(const struct node_graph *g, const char *node,
				    const struct authz_attributes *attrs, struct arena *a)
{
	if (!is(attrs->verb, "create") || !*attrs->name)
		return deny("can only create tokens for individual service accounts");
	if (!is(attrs->subresource, "token"))
		return deny("can only create token subresource of serviceaccount");
	if (!node_graph_has_path(g, NODE_GRAPH_SERVICEACCOUNT, attrs->namespace, attrs->name, node))
		return no_relationship(a, node);
	return allowed;
}

static const char *const own_object_verbs[] = {"get", "create", "update", "patch", "delete", NULL};

/* authorizeLease. */
static struct decision lease(const char *node, const struct authz_attributes *attrs,
			     struct arena *a)
{
	if (!verb_in(attrs->verb, own_object_verbs))
		return deny("can only get, create, update, patch, or delete a node lease");
	if (!is(attrs->namespace, NODE_LEASE_NS))
		return deny("can only access leases in the \"" NODE_LEASE_NS "\" system namespace");
	/* The name of a create is not known here; NodeRestriction checks it. */
	if (!is(attrs->verb, "create") && !is(attrs->name, node))
		return deny("can only access node lease with the same name as the requesting node");
	return allowed;
}

/* authorizeCSINode. */
static struct decision csinode(const char *node, const struct authz_attributes *attrs)
{
	if (!verb_in(attrs->verb, own_object_verbs))
		return deny("can only get, create, update, patch, or delete a CSINode");
	if (*attrs->subresource)
		return deny("cannot authorize CSINode subresources");
	if (!is(attrs->verb, "create") && !is(attrs->name, node))
		return deny("can only access CSINode with the same name as the requesting node");
	return allowed;
}

/* Whether the request's field selector has field=value (or ==). An
 * unparsable selector has no requirements. */
static bool selects(const struct authz_attributes *attrs, const char *field, const char *value,
		    struct arena *a)
{
	struct field_selector fs;
	const char *error;

	if (!attrs->field_selector ||
	    field_selector_parse(a, attrs->field_selector, &fs, &error) < 0)
		return false;
	for (size_t i = 0; i < fs.num_reqs; i++)
		if (fs.reqs[i].op == FIELD_EQUALS && is(fs.reqs[i].field, field) &&
		    is(fs.reqs[i].value, value))
			return true;
	return false;
}

/* authorizeResourceSlice. */
static struct decision resource_slice(const struct node_graph *g, const char *node,
				      const struct authz_attributes *attrs, struct arena *a)
{
	static const char *const by_graph[] = {"get", "update", "patch", "delete", NULL};
	static const char *const collection[] = {"watch", "list", "deletecollection", NULL};

	if (*attrs->subresource)
		return deny("cannot authorize ResourceSlice subresources");
	/* NodeRestriction checks the node of a new slice. */
	if (is(attrs->verb, "create"))
		return allowed;
	if (verb_in(attrs->verb, by_graph))
		return related(g, node, NODE_GRAPH_RESOURCESLICE, attrs, a);
	if (verb_in(attrs->verb, collection)) {
		if (selects(attrs, "spec.nodeName", node, a))
			return allowed;
		return deny("can only list/watch/deletecollection resourceslices with nodeName "
			    "field selector");
	}
	return deny("only the following verbs are allowed for a ResourceSlice: get, watch, list, "
		    "create, update, patch, delete, deletecollection");
}

/* authorizeNode: its own Node is read by name, before it exists;
 * NodeRestriction keeps writes to its own. */
static struct decision node_object(const char *node, const struct authz_attributes *attrs,
				   struct arena *a)
{
	static const char *const writes[] = {"create", "update", "patch", NULL};
	static const char *const reads[] = {"get", "list", "watch", NULL};

	if (!*attrs->subresource) {
		if (verb_in(attrs->verb, writes))
			return allowed;
		if (verb_in(attrs->verb, reads)) {
			if (is(attrs->name, node))
				return allowed;
			if (!*attrs->name)
				return deny(arena_printf(
				    a, "node '%s' cannot read all nodes, only its own Node object",
				    node));
			return deny(
			    arena_printf(a, "node '%s' cannot read '%s', only its own Node object",
					 node, attrs->name));
		}
	} else if (is(attrs->subresource, "status") &&
		   (is(attrs->verb, "update") || is(attrs->verb, "patch"))) {
		return allowed;
	}
	return deny("");
}

/* authorizePod: NodeRestriction keeps writes to the node's own pods. */
static struct decision pod(const struct node_graph *g, const char *node,
			   const struct authz_attributes *attrs, struct arena *a)
{
	if (!*attrs->subresource) {
		if (is(attrs->verb, "get"))
			return get_related(g, node, NODE_GRAPH_POD, attrs, a);
		if (is(attrs->verb, "list") || is(attrs->verb, "watch")) {
			if (selects(attrs, "spec.nodeName", node, a))
				return allowed;
			if (*attrs->name)
				return related(g, node, NODE_GRAPH_POD, attrs, a);
			return deny("can only list/watch pods with spec.nodeName field selector");
		}
		if (is(attrs->verb, "create") || is(attrs->verb, "delete"))
			return allowed; /* mirror pods */
	} else if (is(attrs->subresource, "status")) {
		if (is(attrs->verb, "update") || is(attrs->verb, "patch"))
			return allowed;
	} else if (is(attrs->subresource, "eviction")) {
		if (is(attrs->verb, "create"))
			return allowed;
	}
	return deny("");
}

static struct decision decide(const struct node_graph *g, const struct rbac_rule *rules,
			      size_t num_rules, const char *node,
			      const struct authz_attributes *attrs, struct arena *a)
{
	const char *group = attrs->api_group, *res = attrs->resource;

	if (attrs->resource_request) {
		if (!*group && is(res, "secrets"))
			return read_namespaced(g, node, NODE_GRAPH_SECRET, attrs, a);
		if (!*group && is(res, "configmaps"))
			return read_namespaced(g, node, NODE_GRAPH_CONFIGMAP, attrs, a);
		if (!*group && is(res, "persistentvolumeclaims")) {
			if (is(attrs->subresource, "status"))
				return status_update(g, node, NODE_GRAPH_PVC, attrs, a);
			return get_related(g, node, NODE_GRAPH_PVC, attrs, a);
		}
		if (!*group && is(res, "persistentvolumes"))
			return get_related(g, node, NODE_GRAPH_PV, attrs, a);
		if (is(group, "resource.k8s.io") && is(res, "resourceclaims"))
			return get_related(g, node, NODE_GRAPH_RESOURCECLAIM, attrs, a);
		if (is(group, "storage.k8s.io") && is(res, "volumeattachments"))
			return get_related(g, node, NODE_GRAPH_VOLUMEATTACHMENT, attrs, a);
		if (!*group && is(res, "serviceaccounts"))
			return create_token(g, node, attrs, a);
		if (is(group, "coordination.k8s.io") && is(res, "leases"))
			return lease(node, attrs, a);
		if (is(group, "storage.k8s.io") && is(res, "csinodes"))
			return csinode(node, attrs);
		if (is(group, "resource.k8s.io") && is(res, "resourceslices"))
			return resource_slice(g, node, attrs, a);
		if (!*group && is(res, "nodes"))
			return node_object(node, attrs, a);
		if (!*group && is(res, "pods"))
			return pod(g, node, attrs, a);
	}
	/* Everything else: the static node rules. */
	for (size_t i = 0; i < num_rules; i++)
		if (rbac_rule_allows(&rules[i], attrs))
			return allowed;
	return deny("");
}

bool node_authorize(const struct node_graph *g, const struct rbac_rule *rules, size_t num_rules,
		    const struct authz_attributes *attrs, struct arena *a, const char **reason)
{
	const char *node = node_identity(attrs->user, attrs->groups, attrs->num_groups);
	struct decision d;

	if (!node) {
		*reason = "";
		return false;
	}
	if (!*node) {
		struct buf b = {0};

		buf_append_str(&b, "unknown node for user ");
		gojson_quote(&b, attrs->user, strlen(attrs->user));
		*reason = arena_strndup(a, b.data, b.len);
		buf_free(&b);
		return false;
	}
	d = decide(g, rules, num_rules, node, attrs, a);
	*reason = d.reason;
	return d.allow;
}
