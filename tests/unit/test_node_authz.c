/*
 * test_node_authz.c - unit tests for shared/node_graph.c and
 * shared/node_authorizer.c.
 *
 * The decision table follows upstream's node_authorizer_test.go
 * (TestNodeAuthorizer, with v1.32's default AuthorizeNodeWithSelectors
 * on) over the same sample data: two nodes, two pods per node, each pod
 * with a unique secret, a shared secret, a unique configmap, a PVC bound
 * to a PV with a flexVolume secret, a service account, a resource claim
 * by name and by template; an attachment and slices per node. Every
 * denial is checked with upstream's reason, word for word. Then the
 * graph's own cases: shared objects, updates, deletes, every reference a
 * pod or PV can make, and that vertices go with their last edge.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master/rbac_bootstrap.h"
#include "shared/node_authorizer.h"
#include "shared/node_graph.h"
#include "shared/rbac.h"
#include "tests/unit/arena_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const nodes_group[] = {"system:nodes"};

static struct node_graph *graph;
static struct rbac_rule *node_rules;
static size_t num_node_rules;

/* bootstrappolicy.NodeRules(), from the embedded bootstrap policy. */
static void load_node_rules(void)
{
	json_t *policy = rbac_bootstrap_policy(), *role;
	size_t i;

	json_array_foreach(json_object_get(policy, "clusterRoles"), i, role)
	{
		if (strcmp(json_string_value(json_object_get(role, "name")), "system:node") == 0)
			num_node_rules = rbac_rules_from_json(
			    &arena, json_object_get(role, "rules"), &node_rules);
	}
	json_decref(policy);
	ck_assert_uint_gt(num_node_rules, 0);
}

static json_t *pack(const char *name, const char *ns, const char *node)
{
	return json_pack("{s:{s:s, s:s, s:s}, s:{s:s}}", "metadata", "name", name, "namespace", ns,
			 "uid", "uid-1", "spec", "nodeName", node);
}

static json_t *spec_of(json_t *obj)
{
	return json_object_get(obj, "spec");
}

static void add_volume(json_t *pod, json_t *volume)
{
	json_t *spec = spec_of(pod);

	if (!json_object_get(spec, "volumes"))
		json_object_set_new(spec, "volumes", json_array());
	json_array_append_new(json_object_get(spec, "volumes"), volume);
}

/* generatePod of upstream's test, for its TestNodeAuthorizer options. */
static json_t *sample_pod(int p, int n, json_t *pvs)
{
	char name[64], ns[16], buf[128], buf2[128];
	json_t *pod, *claims;

	snprintf(name, sizeof(name), "pod%d-node%d", p, n);
	snprintf(ns, sizeof(ns), "ns%d", p % 2);
	snprintf(buf, sizeof(buf), "node%d", n);
	pod = pack(name, ns, buf);
	snprintf(buf, sizeof(buf), "svcacct%d-node%d", p, n);
	json_object_set_new(spec_of(pod), "serviceAccountName", json_string(buf));
	snprintf(buf, sizeof(buf), "secret0-%s", name);
	add_volume(pod, json_pack("{s:s, s:{s:s}}", "name", "s", "secret", "secretName", buf));
	add_volume(pod, json_pack("{s:s, s:{s:s}}", "name", "ss", "secret", "secretName",
				  "secret0-shared"));
	snprintf(buf, sizeof(buf), "configmap0-%s", name);
	add_volume(pod, json_pack("{s:s, s:{s:s}}", "name", "c", "configMap", "name", buf));
	snprintf(buf, sizeof(buf), "pv0-%s-%s", name, ns);
	snprintf(buf2, sizeof(buf2), "pvc0-%s", name);
	json_array_append_new(pvs,
			      json_pack("{s:{s:s}, s:{s:{s:{s:s+}}, s:{s:s, s:s}}}", "metadata",
					"name", buf, "spec", "flexVolume", "secretRef", "name",
					"secret-", buf, "claimRef", "name", buf2, "namespace", ns));
	add_volume(pod, json_pack("{s:s, s:{s:s}}", "name", "p", "persistentVolumeClaim",
				  "claimName", buf2));
	claims = json_array();
	snprintf(buf, sizeof(buf), "claim0-%s-%s", name, ns);
	json_array_append_new(claims,
			      json_pack("{s:s, s:s}", "name", "claim0", "resourceClaimName", buf));
	snprintf(buf, sizeof(buf), "claimtemplate0-%s-%s", name, ns);
	json_array_append_new(claims, json_pack("{s:s, s:s}", "name", "claimtemplate0",
						"resourceClaimTemplateName", buf));
	json_array_append_new(claims, json_pack("{s:s, s:s}", "name", "claimtemplate-with-claim0",
						"resourceClaimTemplateName", buf));
	json_object_set_new(spec_of(pod), "resourceClaims", claims);
	snprintf(buf, sizeof(buf), "generated-claim-%s-%s-0", name, ns);
	json_object_set_new(pod, "status",
			    json_pack("{s:[{s:s, s:s}]}", "resourceClaimStatuses", "name",
				      "claimtemplate-with-claim0", "resourceClaimName", buf));
	return pod;
}

/* generate + populate of upstream's test: through the populator. */
static void populate_sample(void)
{
	json_t *pvs = json_array(), *pv;
	char name[64], node[16];
	size_t i;

	for (int n = 0; n < 2; n++) {
		snprintf(node, sizeof(node), "node%d", n);
		for (int p = 0; p < 2; p++) {
			json_t *pod = sample_pod(p, n, pvs);

			ck_assert(node_graph_apply(
			    graph, "", "pods",
			    json_string_value(
				json_object_get(json_object_get(pod, "metadata"), "namespace")),
			    json_string_value(
				json_object_get(json_object_get(pod, "metadata"), "name")),
			    pod, false));
			json_decref(pod);
		}
		snprintf(name, sizeof(name), "attachment0-%s", node);
		node_graph_add_volume_attachment(graph, name, node);
		for (int s = 0; s <= 2; s++) {
			snprintf(name, sizeof(name), "slice%d-%s", s, node);
			node_graph_add_resource_slice(graph, name, node);
		}
	}
	json_array_foreach(pvs, i, pv)
	{
		ck_assert(node_graph_apply(
		    graph, "", "persistentvolumes", "",
		    json_string_value(json_object_get(json_object_get(pv, "metadata"), "name")), pv,
		    false));
	}
	json_decref(pvs);
}

static void setup_graph(void)
{
	setup();
	graph = node_graph_new();
	load_node_rules();
}

static void teardown_graph(void)
{
	node_graph_free(graph);
	graph = NULL;
	teardown();
}

/* ---- the decision table ---- */

#define ALLOW	     "" /* with .allow set */
#define NO_REL(node) "no relationship found between node '" node "' and this object"

struct decision_case {
	const char *user;
	const char *verb, *group, *resource, *subresource, *ns, *name;
	const char *field_selector;
	bool allow;
	const char *reason;
};

#define NODE0 "system:node:node0"

static const struct decision_case decision_cases[] = {
    /* secrets and configmaps */
    {NODE0, "get", "", "configmaps", "", "ns0", "configmap0-pod0-node0", NULL, true, ALLOW},
    {NODE0, "get", "", "secrets", "", "ns0", "secret0-pod0-node0", NULL, true, ALLOW},
    {NODE0, "list", "", "secrets", "", "ns0", "secret0-pod0-node0", NULL, true, ALLOW},
    {NODE0, "watch", "", "secrets", "", "ns0", "secret0-pod0-node0", NULL, true, ALLOW},
    {NODE0, "list", "", "secrets", "", "ns0", "", NULL, false, "No Object name found"},
    {NODE0, "watch", "", "secrets", "", "ns0", "", NULL, false, "No Object name found"},
    {NODE0, "list", "", "secrets", "", "", "secret0-pod0-node0", NULL, false,
     "can only read namespaced object of this type"},
    {NODE0, "get", "", "secrets", "", "ns0", "secret0-shared", NULL, true, ALLOW},
    {NODE0, "get", "", "secrets", "", "ns0", "secret-pv0-pod0-node0-ns0", NULL, true, ALLOW},
    {NODE0, "get", "", "persistentvolumeclaims", "", "ns0", "pvc0-pod0-node0", NULL, true, ALLOW},
    {NODE0, "get", "resource.k8s.io", "resourceclaims", "", "ns0", "claim0-pod0-node0-ns0", NULL,
     true, ALLOW},
    {NODE0, "get", "resource.k8s.io", "resourceclaims", "", "ns0",
     "generated-claim-pod0-node0-ns0-0", NULL, true, ALLOW},
    {NODE0, "get", "", "persistentvolumes", "", "", "pv0-pod0-node0-ns0", NULL, true, ALLOW},
    {NODE0, "get", "", "configmaps", "", "ns0", "configmap0-pod0-node1", NULL, false,
     NO_REL("node0")},
    {NODE0, "get", "", "secrets", "", "ns0", "secret0-pod0-node1", NULL, false, NO_REL("node0")},
    {NODE0, "get", "", "secrets", "", "ns0", "secret-pv0-pod0-node1-ns0", NULL, false,
     NO_REL("node0")},
    {NODE0, "get", "", "persistentvolumeclaims", "", "ns0", "pvc0-pod0-node1", NULL, false,
     NO_REL("node0")},
    {NODE0, "get", "resource.k8s.io", "resourceclaims", "", "ns0", "claim0-pod0-node1-ns0", NULL,
     false, NO_REL("node0")},
    {NODE0, "get", "resource.k8s.io", "resourceclaims", "", "ns0", "pod0-node1-claimtemplate0",
     NULL, false, NO_REL("node0")},
    {NODE0, "get", "", "persistentvolumes", "", "", "pv0-pod0-node1-ns0", NULL, false,
     NO_REL("node0")},
    {NODE0, "create", "", "secrets", "", "ns0", "secret0-pod0-node0", NULL, false,
     "can only read resources of this type"},
    {NODE0, "get", "", "secrets", "status", "ns0", "secret0-pod0-node0", NULL, false,
     "cannot read subresource"},
    {NODE0, "list", "", "persistentvolumes", "", "", "pv0-pod0-node0-ns0", NULL, false,
     "can only get individual resources of this type"},
    {NODE0, "get", "", "persistentvolumes", "status", "", "pv0-pod0-node0-ns0", NULL, false,
     "cannot get subresource"},
    /* PVC status */
    {NODE0, "update", "", "persistentvolumeclaims", "status", "ns0", "pvc0-pod0-node0", NULL, true,
     ALLOW},
    {NODE0, "patch", "", "persistentvolumeclaims", "status", "ns0", "pvc0-pod0-node1", NULL, false,
     NO_REL("node0")},
    {NODE0, "get", "", "persistentvolumeclaims", "status", "ns0", "pvc0-pod0-node0", NULL, false,
     "can only get/update/patch this type"},
    /* volume attachments */
    {NODE0, "get", "storage.k8s.io", "volumeattachments", "", "", "attachment0-node0", NULL, true,
     ALLOW},
    {NODE0, "get", "storage.k8s.io", "volumeattachments", "", "", "attachment0-node1", NULL, false,
     NO_REL("node0")},
    /* service account tokens */
    {NODE0, "create", "", "serviceaccounts", "token", "ns0", "svcacct0-node0", NULL, true, ALLOW},
    {NODE0, "create", "", "serviceaccounts", "token", "ns0", "svcacct0-node1", NULL, false,
     NO_REL("node0")},
    {NODE0, "create", "", "serviceaccounts", "", "ns0", "svcacct0-node0", NULL, false,
     "can only create token subresource of serviceaccount"},
    {NODE0, "update", "", "serviceaccounts", "token", "ns0", "svcacct0-node0", NULL, false,
     "can only create tokens for individual service accounts"},
    /* leases */
    {NODE0, "get", "coordination.k8s.io", "leases", "", "foo", "node0", NULL, false,
     "can only access leases in the \"kube-node-lease\" system namespace"},
    {NODE0, "create", "coordination.k8s.io", "leases", "", "foo", "node0", NULL, false,
     "can only access leases in the \"kube-node-lease\" system namespace"},
    {NODE0, "update", "coordination.k8s.io", "leases", "", "foo", "node0", NULL, false,
     "can only access leases in the \"kube-node-lease\" system namespace"},
    {NODE0, "patch", "coordination.k8s.io", "leases", "", "foo", "node0", NULL, false,
     "can only access leases in the \"kube-node-lease\" system namespace"},
    {NODE0, "delete", "coordination.k8s.io", "leases", "", "foo", "node0", NULL, false,
     "can only access leases in the \"kube-node-lease\" system namespace"},
    {NODE0, "get", "coordination.k8s.io", "leases", "", "kube-node-lease", "node1", NULL, false,
     "can only access node lease with the same name as the requesting node"},
    {NODE0, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "node1", NULL, false,
     "can only access node lease with the same name as the requesting node"},
    {NODE0, "patch", "coordination.k8s.io", "leases", "", "kube-node-lease", "node1", NULL, false,
     "can only access node lease with the same name as the requesting node"},
    {NODE0, "delete", "coordination.k8s.io", "leases", "", "kube-node-lease", "node1", NULL, false,
     "can only access node lease with the same name as the requesting node"},
    {NODE0, "list", "coordination.k8s.io", "leases", "", "kube-node-lease", "", NULL, false,
     "can only get, create, update, patch, or delete a node lease"},
    {NODE0, "watch", "coordination.k8s.io", "leases", "", "kube-node-lease", "", NULL, false,
     "can only get, create, update, patch, or delete a node lease"},
    {NODE0, "get", "coordination.k8s.io", "leases", "", "kube-node-lease", "node0", NULL, true,
     ALLOW},
    {NODE0, "create", "coordination.k8s.io", "leases", "", "kube-node-lease", "", NULL, true,
     ALLOW},
    {NODE0, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "node0", NULL, true,
     ALLOW},
    {NODE0, "patch", "coordination.k8s.io", "leases", "", "kube-node-lease", "node0", NULL, true,
     ALLOW},
    {NODE0, "delete", "coordination.k8s.io", "leases", "", "kube-node-lease", "node0", NULL, true,
     ALLOW},
    /* CSINodes */
    {NODE0, "get", "storage.k8s.io", "csinodes", "csiDrivers", "", "node0", NULL, false,
     "cannot authorize CSINode subresources"},
    {NODE0, "get", "storage.k8s.io", "csinodes", "", "", "node1", NULL, false,
     "can only access CSINode with the same name as the requesting node"},
    {NODE0, "update", "storage.k8s.io", "csinodes", "", "", "node1", NULL, false,
     "can only access CSINode with the same name as the requesting node"},
    {NODE0, "patch", "storage.k8s.io", "csinodes", "", "", "node1", NULL, false,
     "can only access CSINode with the same name as the requesting node"},
    {NODE0, "delete", "storage.k8s.io", "csinodes", "", "", "node1", NULL, false,
     "can only access CSINode with the same name as the requesting node"},
    {NODE0, "list", "storage.k8s.io", "csinodes", "", "", "", NULL, false,
     "can only get, create, update, patch, or delete a CSINode"},
    {NODE0, "watch", "storage.k8s.io", "csinodes", "", "", "", NULL, false,
     "can only get, create, update, patch, or delete a CSINode"},
    {NODE0, "get", "storage.k8s.io", "csinodes", "", "", "node0", NULL, true, ALLOW},
    {NODE0, "create", "storage.k8s.io", "csinodes", "", "", "", NULL, true, ALLOW},
    {NODE0, "update", "storage.k8s.io", "csinodes", "", "", "node0", NULL, true, ALLOW},
    {NODE0, "patch", "storage.k8s.io", "csinodes", "", "", "node0", NULL, true, ALLOW},
    {NODE0, "delete", "storage.k8s.io", "csinodes", "", "", "node0", NULL, true, ALLOW},
    /* resource slices */
    {NODE0, "get", "resource.k8s.io", "resourceslices", "status", "", "slice0-node0", NULL, false,
     "cannot authorize ResourceSlice subresources"},
    {NODE0, "get", "resource.k8s.io", "resourceslices", "", "", "slice0-node1", NULL, false,
     NO_REL("node0")},
    {NODE0, "update", "resource.k8s.io", "resourceslices", "", "", "slice0-node1", NULL, false,
     NO_REL("node0")},
    {NODE0, "patch", "resource.k8s.io", "resourceslices", "", "", "slice0-node1", NULL, false,
     NO_REL("node0")},
    {NODE0, "delete", "resource.k8s.io", "resourceslices", "", "", "slice0-node1", NULL, false,
     NO_REL("node0")},
    {NODE0, "list", "resource.k8s.io", "resourceslices", "", "", "", "spec.nodeName==node0", true,
     ALLOW},
    {NODE0, "list", "resource.k8s.io", "resourceslices", "", "", "", NULL, false,
     "can only list/watch/deletecollection resourceslices with nodeName field selector"},
    {NODE0, "watch", "resource.k8s.io", "resourceslices", "", "", "", "spec.nodeName==node0", true,
     ALLOW},
    {NODE0, "watch", "resource.k8s.io", "resourceslices", "", "", "", NULL, false,
     "can only list/watch/deletecollection resourceslices with nodeName field selector"},
    {NODE0, "deletecollection", "resource.k8s.io", "resourceslices", "", "", "",
     "spec.nodeName=node1", false,
     "can only list/watch/deletecollection resourceslices with nodeName field selector"},
    {NODE0, "get", "resource.k8s.io", "resourceslices", "", "", "slice0-node0", NULL, true, ALLOW},
    {NODE0, "create", "resource.k8s.io", "resourceslices", "", "", "slice0-node0", NULL, true,
     ALLOW},
    {NODE0, "update", "resource.k8s.io", "resourceslices", "", "", "slice0-node0", NULL, true,
     ALLOW},
    {NODE0, "patch", "resource.k8s.io", "resourceslices", "", "", "slice0-node0", NULL, true,
     ALLOW},
    {NODE0, "delete", "resource.k8s.io", "resourceslices", "", "", "slice0-node0", NULL, true,
     ALLOW},
    {NODE0, "proxy", "resource.k8s.io", "resourceslices", "", "", "slice0-node0", NULL, false,
     "only the following verbs are allowed for a ResourceSlice: get, watch, list, create, "
     "update, patch, delete, deletecollection"},
    /* pods */
    {NODE0, "get", "", "pods", "", "ns0", "pod0-node0", NULL, true, ALLOW},
    {NODE0, "get", "", "pods", "", "ns0", "pod0-node1", NULL, false, NO_REL("node0")},
    {NODE0, "list", "", "pods", "", "", "", "spec.nodeName=node0", true, ALLOW},
    {NODE0, "list", "", "pods", "", "", "", "spec.nodeName==node0", true, ALLOW},
    {NODE0, "list", "", "pods", "", "", "", "metadata.namespace=ns0,spec.nodeName=node0", true,
     ALLOW},
    {NODE0, "list", "", "pods", "", "", "", "spec.nodeName!=node0", false,
     "can only list/watch pods with spec.nodeName field selector"},
    {NODE0, "list", "", "pods", "", "", "", "spec.nodeName=node1", false,
     "can only list/watch pods with spec.nodeName field selector"},
    {NODE0, "list", "", "pods", "", "", "", "spec.nodeName", false,
     "can only list/watch pods with spec.nodeName field selector"},
    {NODE0, "list", "", "pods", "", "ns0", "pod0-node0", NULL, true, ALLOW},
    {NODE0, "list", "", "pods", "", "ns0", "pod0-node1", NULL, false, NO_REL("node0")},
    {NODE0, "list", "", "pods", "", "", "", NULL, false,
     "can only list/watch pods with spec.nodeName field selector"},
    {NODE0, "watch", "", "pods", "", "", "", "spec.nodeName=node0", true, ALLOW},
    {NODE0, "watch", "", "pods", "", "ns0", "pod0-node0", NULL, true, ALLOW},
    {NODE0, "watch", "", "pods", "", "", "", NULL, false,
     "can only list/watch pods with spec.nodeName field selector"},
    {NODE0, "create", "", "pods", "", "ns0", "", NULL, true, ALLOW},
    {NODE0, "create", "", "pods", "proxy", "ns0", "", NULL, false, ""},
    {NODE0, "delete", "", "pods", "", "ns0", "pod0-node0", NULL, true, ALLOW},
    {NODE0, "delete", "", "pods", "", "ns0", "pod0-node1", NULL, true, ALLOW},
    {NODE0, "delete", "", "pods", "proxy", "ns0", "pod0-node0", NULL, false, ""},
    {NODE0, "update", "", "pods", "", "ns0", "pod0-node0", NULL, false, ""},
    {NODE0, "update", "", "pods", "status", "ns0", "pod0-node0", NULL, true, ALLOW},
    {NODE0, "update", "", "pods", "status", "ns0", "pod0-node1", NULL, true, ALLOW},
    {NODE0, "patch", "", "pods", "status", "ns0", "pod0-node0", NULL, true, ALLOW},
    {NODE0, "patch", "", "pods", "status", "ns0", "pod0-node1", NULL, true, ALLOW},
    {NODE0, "get", "", "pods", "status", "ns0", "pod0-node0", NULL, false, ""},
    {NODE0, "create", "", "pods", "eviction", "ns0", "pod0-node0", NULL, true, ALLOW},
    {NODE0, "create", "", "pods", "eviction", "ns0", "pod0-node1", NULL, true, ALLOW},
    /* nodes */
    {"system:node:nodeunregistered", "get", "", "nodes", "", "", "nodeunregistered", NULL, true,
     ALLOW},
    {NODE0, "get", "", "nodes", "", "", "node0", NULL, true, ALLOW},
    {NODE0, "get", "", "nodes", "", "", "node1", NULL, false,
     "node 'node0' cannot read 'node1', only its own Node object"},
    {NODE0, "list", "", "nodes", "", "", "node0", NULL, true, ALLOW},
    {NODE0, "list", "", "nodes", "", "", "node1", NULL, false,
     "node 'node0' cannot read 'node1', only its own Node object"},
    {NODE0, "list", "", "nodes", "", "", "", NULL, false,
     "node 'node0' cannot read all nodes, only its own Node object"},
    {NODE0, "watch", "", "nodes", "", "", "node0", NULL, true, ALLOW},
    {NODE0, "watch", "", "nodes", "", "", "node1", NULL, false,
     "node 'node0' cannot read 'node1', only its own Node object"},
    {NODE0, "watch", "", "nodes", "", "", "", NULL, false,
     "node 'node0' cannot read all nodes, only its own Node object"},
    {NODE0, "create", "", "nodes", "", "", "", NULL, true, ALLOW},
    {NODE0, "update", "", "nodes", "", "", "node0", NULL, true, ALLOW},
    {NODE0, "update", "", "nodes", "", "", "node1", NULL, true, ALLOW},
    {NODE0, "patch", "", "nodes", "", "", "node0", NULL, true, ALLOW},
    {NODE0, "patch", "", "nodes", "", "", "node1", NULL, true, ALLOW},
    {NODE0, "update", "", "nodes", "status", "", "node0", NULL, true, ALLOW},
    {NODE0, "update", "", "nodes", "status", "", "node1", NULL, true, ALLOW},
    {NODE0, "patch", "", "nodes", "status", "", "node0", NULL, true, ALLOW},
    {NODE0, "patch", "", "nodes", "status", "", "node1", NULL, true, ALLOW},
    {NODE0, "delete", "", "nodes", "", "", "node0", NULL, false, ""},
    {NODE0, "get", "", "nodes", "proxy", "", "node0", NULL, false, ""},
    /* everything else: NodeRules() */
    {NODE0, "get", "", "services", "", "ns0", "web", NULL, true, ALLOW},
    {NODE0, "create", "", "events", "", "ns0", "", NULL, true, ALLOW},
    {NODE0, "create", "certificates.k8s.io", "certificatesigningrequests", "", "", "", NULL, true,
     ALLOW},
    {NODE0, "get", "storage.k8s.io", "csidrivers", "", "", "x", NULL, true, ALLOW},
    {NODE0, "delete", "", "services", "", "ns0", "web", NULL, false, ""},
    {NODE0, "get", "apps", "deployments", "", "ns0", "web", NULL, false, ""},
    /* who is a node */
    {"jane", "get", "", "secrets", "", "ns0", "secret0-pod0-node0", NULL, false, ""},
    {"system:node:", "get", "", "nodes", "", "", "", NULL, false,
     "unknown node for user \"system:node:\""},
};

static void check_decision(const struct decision_case *c, const char *const *groups,
			   size_t num_groups)
{
	struct authz_attributes attrs = {
	    .user = c->user,
	    .groups = groups,
	    .num_groups = num_groups,
	    .resource_request = true,
	    .verb = c->verb,
	    .api_group = c->group,
	    .api_version = "v1",
	    .namespace = c->ns,
	    .resource = c->resource,
	    .subresource = c->subresource,
	    .name = c->name,
	    .field_selector = c->field_selector,
	    .path = "",
	};
	const char *reason = "unset";
	bool allow = node_authorize(graph, node_rules, num_node_rules, &attrs, &arena, &reason);

	ck_assert_msg(allow == c->allow, "%s %s %s/%s %s/%s: allow %d, want %d (%s)", c->user,
		      c->verb, c->resource, c->subresource, c->ns, c->name, allow, c->allow,
		      reason);
	ck_assert_str_eq(reason, c->reason);
}

START_TEST(test_decision)
{
	populate_sample();
	check_decision(&decision_cases[_i], nodes_group, 1);
}
END_TEST

/* A user named like a node but outside system:nodes is not one. */
START_TEST(test_not_in_nodes_group)
{
	static const char *const groups[] = {"system:authenticated"};
	const struct decision_case c = {
	    NODE0, "get", "", "secrets", "", "ns0", "secret0-pod0-node0", NULL, false, ""};

	populate_sample();
	check_decision(&c, groups, 1);
	ck_assert_ptr_null(node_identity(NODE0, groups, 1));
	ck_assert_str_eq(node_identity(NODE0, nodes_group, 1), "node0");
	ck_assert_ptr_null(node_identity("system:nodex", nodes_group, 1));
	ck_assert_ptr_null(node_identity(NULL, nodes_group, 1));
}
END_TEST

/* A non-resource request gets only what the static rules give: nothing. */
START_TEST(test_non_resource)
{
	struct authz_attributes attrs = {.user = NODE0,
					 .groups = nodes_group,
					 .num_groups = 1,
					 .verb = "get",
					 .api_group = "",
					 .api_version = "",
					 .namespace = "",
					 .resource = "",
					 .subresource = "",
					 .name = "",
					 .path = "/healthz"};
	const char *reason = "unset";

	ck_assert(!node_authorize(graph, node_rules, num_node_rules, &attrs, &arena, &reason));
	ck_assert_str_eq(reason, "");
}
END_TEST

/* ---- the graph ---- */

static bool related(enum node_graph_type type, const char *ns, const char *name, const char *node)
{
	return node_graph_has_path(graph, type, ns, name, node);
}

static json_t *pod_with_secret_volumes(const char *name, const char *node,
				       const char *const *secrets)
{
	json_t *pod = pack(name, "ns1", node);

	for (; *secrets; secrets++)
		add_volume(pod, json_pack("{s:s, s:{s:s}}", "name", *secrets, "secret",
					  "secretName", *secrets));
	return pod;
}

static void add_pod(json_t *pod)
{
	node_graph_add_pod(graph, pod);
	json_decref(pod);
}

/* TestNodeAuthorizerSharedResources. */
START_TEST(test_shared_resources)
{
	static const char *const pod1[] = {"node1-only", "node1-node2-only", "shared-all", NULL};
	static const char *const pod2[] = {"node1-node2-only", "shared-all", NULL};
	static const char *const pod3[] = {"shared-all", NULL};
	static const char *const none[] = {NULL};
	static const struct {
		const char *node, *secret;
		bool related;
	} cases[] = {
	    {"node1", "node1-only", true},	 {"node1", "node1-node2-only", true},
	    {"node1", "shared-all", true},	 {"node2", "node1-only", false},
	    {"node2", "node1-node2-only", true}, {"node2", "shared-all", true},
	    {"node3", "node1-only", false},	 {"node3", "node1-node2-only", false},
	    {"node3", "shared-all", true},
	};

	add_pod(pod_with_secret_volumes("pod1-node1", "node1", pod1));
	add_pod(pod_with_secret_volumes("pod2-node2", "node2", pod2));
	add_pod(pod_with_secret_volumes("pod3-node3", "node3", pod3));
	for (size_t i = 0; i < N(cases); i++)
		ck_assert_msg(related(NODE_GRAPH_SECRET, "ns1", cases[i].secret, cases[i].node) ==
				  cases[i].related,
			      "%s %s", cases[i].node, cases[i].secret);
	/* AddPod again without the volume takes the access away. */
	add_pod(pod_with_secret_volumes("pod3-node3", "node3", none));
	ck_assert(!related(NODE_GRAPH_SECRET, "ns1", "shared-all", "node3"));
	ck_assert(related(NODE_GRAPH_SECRET, "ns1", "shared-all", "node2"));
	ck_assert(related(NODE_GRAPH_POD, "ns1", "pod3-node3", "node3"));
}
END_TEST

/* Many pods on many nodes sharing one secret: the per-node counts. */
START_TEST(test_many_pods_share_a_secret)
{
	static const char *const shared[] = {"shared", NULL};
	char name[32], node[32];
	struct node_graph_stats st;

	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "pod%d", i);
		snprintf(node, sizeof(node), "node%d", i % 50);
		add_pod(pod_with_secret_volumes(name, node, shared));
	}
	for (int n = 0; n < 50; n++) {
		snprintf(node, sizeof(node), "node%d", n);
		ck_assert(related(NODE_GRAPH_SECRET, "ns1", "shared", node));
	}
	ck_assert(!related(NODE_GRAPH_SECRET, "ns1", "shared", "node50"));
	/* node7 keeps access until its last pod goes. */
	for (int i = 7; i < 500; i += 50) {
		ck_assert(related(NODE_GRAPH_SECRET, "ns1", "shared", "node7"));
		snprintf(name, sizeof(name), "pod%d", i);
		node_graph_delete_pod(graph, "ns1", name);
	}
	ck_assert(!related(NODE_GRAPH_SECRET, "ns1", "shared", "node7"));
	ck_assert(related(NODE_GRAPH_SECRET, "ns1", "shared", "node8"));
	node_graph_stats(graph, &st);
	ck_assert_uint_eq(st.vertices[NODE_GRAPH_POD], 490);
	ck_assert_uint_eq(st.vertices[NODE_GRAPH_NODE], 49);
	ck_assert_uint_eq(st.vertices[NODE_GRAPH_SECRET], 1);
	ck_assert_uint_eq(st.edges, 980);
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "pod%d", i);
		node_graph_delete_pod(graph, "ns1", name);
	}
	node_graph_stats(graph, &st);
	for (size_t t = 0; t < NODE_GRAPH_NUM_TYPES; t++)
		ck_assert_uint_eq(st.vertices[t], 0);
	ck_assert_uint_eq(st.edges, 0);
}
END_TEST

static void apply(const char *group, const char *resource, const char *ns, const char *name,
		  const char *text, bool deleted)
{
	json_t *obj = json(text);

	ck_assert(node_graph_apply(graph, group, resource, ns, name, obj, deleted));
	json_decref(obj);
}

/* Every reference a pod can make (VisitPodSecretNames,
 * VisitPodConfigmapNames, volumes, the service account, claims). */
START_TEST(test_pod_references)
{
	static const struct {
		enum node_graph_type type;
		const char *name;
		bool related;
	} cases[] = {
	    {NODE_GRAPH_SECRET, "pull", true},	       {NODE_GRAPH_SECRET, "init-env", true},
	    {NODE_GRAPH_SECRET, "envfrom", true},      {NODE_GRAPH_SECRET, "eph-env", true},
	    {NODE_GRAPH_SECRET, "azure", true},	       {NODE_GRAPH_SECRET, "ceph", true},
	    {NODE_GRAPH_SECRET, "cinder", true},       {NODE_GRAPH_SECRET, "flex", true},
	    {NODE_GRAPH_SECRET, "projected", true},    {NODE_GRAPH_SECRET, "rbd", true},
	    {NODE_GRAPH_SECRET, "vol", true},	       {NODE_GRAPH_SECRET, "scaleio", true},
	    {NODE_GRAPH_SECRET, "iscsi", true},	       {NODE_GRAPH_SECRET, "storageos", true},
	    {NODE_GRAPH_SECRET, "csi", true},	       {NODE_GRAPH_CONFIGMAP, "cm-env", true},
	    {NODE_GRAPH_CONFIGMAP, "cm-from", true},   {NODE_GRAPH_CONFIGMAP, "cm-proj", true},
	    {NODE_GRAPH_CONFIGMAP, "cm-vol", true},    {NODE_GRAPH_PVC, "claim", true},
	    {NODE_GRAPH_PVC, "web-1-scratch", true},   {NODE_GRAPH_SERVICEACCOUNT, "robot", true},
	    {NODE_GRAPH_RESOURCECLAIM, "gpu", true},   {NODE_GRAPH_RESOURCECLAIM, "made", true},
	    {NODE_GRAPH_SECRET, "cm-vol", false},      {NODE_GRAPH_CONFIGMAP, "vol", false},
	    {NODE_GRAPH_PVC, "scratch", false},	       {NODE_GRAPH_RESOURCECLAIM, "tmpl", false},
	    {NODE_GRAPH_SECRET, "unset-claim", false},
	};

	apply(
	    "", "pods", "app", "web-1",
	    "{\"metadata\": {\"name\": \"web-1\", \"namespace\": \"app\", \"uid\": \"u1\"},"
	    " \"spec\": {\"nodeName\": \"n1\", \"serviceAccountName\": \"robot\","
	    "  \"imagePullSecrets\": [{\"name\": \"pull\"}, {}],"
	    "  \"initContainers\": [{\"name\": \"i\", \"env\": [{\"name\": \"A\", \"valueFrom\":"
	    "   {\"secretKeyRef\": {\"name\": \"init-env\", \"key\": \"k\"}}}]}],"
	    "  \"containers\": [{\"name\": \"c\", \"envFrom\": [{\"secretRef\": {\"name\": "
	    "   \"envfrom\"}}, {\"configMapRef\": {\"name\": \"cm-from\"}}], \"env\": [{\"name\":"
	    "   \"B\", \"valueFrom\": {\"configMapKeyRef\": {\"name\": \"cm-env\", \"key\": "
	    "\"k\"}}},"
	    "   {\"name\": \"C\", \"value\": \"x\"}]}],"
	    "  \"ephemeralContainers\": [{\"name\": \"e\", \"env\": [{\"name\": \"D\", "
	    "   \"valueFrom\": {\"secretKeyRef\": {\"name\": \"eph-env\"}}}]}],"
	    "  \"volumes\": ["
	    "   {\"name\": \"a\", \"azureFile\": {\"secretName\": \"azure\", \"shareName\": "
	    "\"s\"}},"
	    "   {\"name\": \"b\", \"cephfs\": {\"monitors\": [\"m\"], \"secretRef\": {\"name\": "
	    "    \"ceph\"}}},"
	    "   {\"name\": \"c\", \"cinder\": {\"volumeID\": \"v\", \"secretRef\": {\"name\": "
	    "    \"cinder\"}}},"
	    "   {\"name\": \"d\", \"flexVolume\": {\"driver\": \"d\", \"secretRef\": {\"name\": "
	    "    \"flex\"}}},"
	    "   {\"name\": \"e\", \"projected\": {\"sources\": [{\"secret\": {\"name\": "
	    "    \"projected\"}}, {\"configMap\": {\"name\": \"cm-proj\"}}, "
	    "    {\"serviceAccountToken\": {\"path\": \"t\"}}]}},"
	    "   {\"name\": \"f\", \"rbd\": {\"image\": \"i\", \"secretRef\": {\"name\": \"rbd\"}}},"
	    "   {\"name\": \"g\", \"secret\": {\"secretName\": \"vol\"}},"
	    "   {\"name\": \"h\", \"scaleIO\": {\"secretRef\": {\"name\": \"scaleio\"}}},"
	    "   {\"name\": \"i\", \"iscsi\": {\"secretRef\": {\"name\": \"iscsi\"}}},"
	    "   {\"name\": \"j\", \"storageos\": {\"secretRef\": {\"name\": \"storageos\"}}},"
	    "   {\"name\": \"k\", \"csi\": {\"driver\": \"d\", \"nodePublishSecretRef\": {\"name\":"
	    "    \"csi\"}}},"
	    "   {\"name\": \"l\", \"configMap\": {\"name\": \"cm-vol\"}},"
	    "   {\"name\": \"m\", \"persistentVolumeClaim\": {\"claimName\": \"claim\"}},"
	    "   {\"name\": \"scratch\", \"ephemeral\": {\"volumeClaimTemplate\": {}}}],"
	    "  \"resourceClaims\": [{\"name\": \"g\", \"resourceClaimName\": \"gpu\"},"
	    "   {\"name\": \"t\", \"resourceClaimTemplateName\": \"tmpl\"},"
	    "   {\"name\": \"u\", \"resourceClaimTemplateName\": \"tmpl\"},"
	    "   {\"name\": \"v\", \"resourceClaimTemplateName\": \"tmpl\"}]},"
	    " \"status\": {\"resourceClaimStatuses\": [{\"name\": \"t\", \"resourceClaimName\":"
	    "  \"made\"}, {\"name\": \"u\"}]}}",
	    false);
	for (size_t i = 0; i < N(cases); i++) {
		ck_assert_msg(related(cases[i].type, "app", cases[i].name, "n1") ==
				  cases[i].related,
			      "%s", cases[i].name);
		ck_assert(!related(cases[i].type, "app", cases[i].name, "n2"));
		ck_assert(!related(cases[i].type, "other", cases[i].name, "n1"));
	}
}
END_TEST

/* A mirror pod relates its node to the pod and nothing else. */
START_TEST(test_mirror_pod)
{
	apply("", "pods", "kube-system", "etcd-n1",
	      "{\"metadata\": {\"name\": \"etcd-n1\", \"namespace\": \"kube-system\", "
	      " \"annotations\": {\"kubernetes.io/config.mirror\": \"abc\"}},"
	      " \"spec\": {\"nodeName\": \"n1\", \"serviceAccountName\": \"sa\","
	      "  \"volumes\": [{\"name\": \"s\", \"secret\": {\"secretName\": \"s\"}}]}}",
	      false);
	ck_assert(related(NODE_GRAPH_POD, "kube-system", "etcd-n1", "n1"));
	ck_assert(!related(NODE_GRAPH_SECRET, "kube-system", "s", "n1"));
	ck_assert(!related(NODE_GRAPH_SERVICEACCOUNT, "kube-system", "sa", "n1"));
}
END_TEST

#define POD_ON(node, uid, secret, statuses)                                                        \
	"{\"metadata\": {\"name\": \"p\", \"namespace\": \"ns\", \"uid\": \"" uid "\"},"           \
	" \"spec\": {\"nodeName\": \"" node "\", \"volumes\": [{\"name\": \"v\", \"secret\":"      \
	"  {\"secretName\": \"" secret "\"}}], \"resourceClaims\": [{\"name\": \"t\", "            \
	"  \"resourceClaimTemplateName\": \"tmpl\"}]},"                                            \
	" \"status\": {\"resourceClaimStatuses\": " statuses "}}"

/* The populator's updates: a bound pod's references are taken as
 * immutable; a new node, uid or claim status re-adds it. */
START_TEST(test_pod_updates)
{
	/* Not bound yet: nothing. */
	apply("", "pods", "ns", "p", POD_ON("", "u1", "s1", "[]"), false);
	ck_assert(!related(NODE_GRAPH_POD, "ns", "p", "n1"));
	apply("", "pods", "ns", "p", POD_ON("n1", "u1", "s1", "[]"), false);
	ck_assert(related(NODE_GRAPH_SECRET, "ns", "s1", "n1"));
	/* Same node and uid: a changed spec (an ephemeral container, say) is
	 * not looked at, as v1.32's populator does not. */
	apply("", "pods", "ns", "p", POD_ON("n1", "u1", "s2", "[]"), false);
	ck_assert(related(NODE_GRAPH_SECRET, "ns", "s1", "n1"));
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "s2", "n1"));
	/* A claim status appears: re-added, with the spec as it is now. */
	apply("", "pods", "ns", "p",
	      POD_ON("n1", "u1", "s2", "[{\"name\": \"t\", \"resourceClaimName\": \"made\"}]"),
	      false);
	ck_assert(related(NODE_GRAPH_RESOURCECLAIM, "ns", "made", "n1"));
	ck_assert(related(NODE_GRAPH_SECRET, "ns", "s2", "n1"));
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "s1", "n1"));
	/* A new uid: re-added. */
	apply("", "pods", "ns", "p", POD_ON("n1", "u2", "s3", "[]"), false);
	ck_assert(related(NODE_GRAPH_SECRET, "ns", "s3", "n1"));
	ck_assert(!related(NODE_GRAPH_RESOURCECLAIM, "ns", "made", "n1"));
	/* Another node. */
	apply("", "pods", "ns", "p", POD_ON("n2", "u2", "s3", "[]"), false);
	ck_assert(related(NODE_GRAPH_SECRET, "ns", "s3", "n2"));
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "s3", "n1"));
	ck_assert(!related(NODE_GRAPH_POD, "ns", "p", "n1"));
	/* Deleted. */
	apply("", "pods", "ns", "p", POD_ON("n2", "u2", "s3", "[]"), true);
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "s3", "n2"));
	ck_assert(!related(NODE_GRAPH_POD, "ns", "p", "n2"));
}
END_TEST

#define CLAIM_POD                                                                                  \
	"{\"metadata\": {\"name\": \"db\", \"namespace\": \"ns\", \"uid\": \"u\"}, \"spec\": "     \
	"{\"nodeName\": \"n1\", \"volumes\": [{\"name\": \"d\", \"persistentVolumeClaim\": "       \
	"{\"claimName\": \"data\"}}]}}"

/* PVs: pv -> pvc, the kubelet's secrets -> pv; re-added on every update. */
START_TEST(test_persistent_volumes)
{
	static const struct {
		const char *ns, *name;
		bool related;
	} secrets[] = {
	    {"ns", "publish", true},	 {"other", "stage", true},  {"", "expand", true},
	    {"ns", "controller", false}, {"", "controller", false},
	};
	struct node_graph_stats st;

	apply("", "pods", "ns", "db", CLAIM_POD, false);
	apply("", "persistentvolumes", "", "pv1",
	      "{\"metadata\": {\"name\": \"pv1\"}, \"spec\": {\"claimRef\": {\"namespace\": \"ns\","
	      " \"name\": \"data\"}, \"csi\": {\"driver\": \"d\", \"volumeHandle\": \"h\","
	      " \"nodePublishSecretRef\": {\"name\": \"publish\", \"namespace\": \"ns\"},"
	      " \"nodeStageSecretRef\": {\"name\": \"stage\", \"namespace\": \"other\"},"
	      " \"nodeExpandSecretRef\": {\"name\": \"expand\"},"
	      " \"controllerPublishSecretRef\": {\"name\": \"controller\", \"namespace\": \"ns\"},"
	      " \"controllerExpandSecretRef\": {\"name\": \"controller\"}}}}",
	      false);
	ck_assert(related(NODE_GRAPH_PV, "", "pv1", "n1"));
	ck_assert(related(NODE_GRAPH_PVC, "ns", "data", "n1"));
	ck_assert(!related(NODE_GRAPH_PV, "", "pv1", "n2"));
	for (size_t i = 0; i < N(secrets); i++)
		ck_assert_msg(related(NODE_GRAPH_SECRET, secrets[i].ns, secrets[i].name, "n1") ==
				  secrets[i].related,
			      "%s/%s", secrets[i].ns, secrets[i].name);
	/* Secret references without a namespace take the claim's. */
	apply("", "persistentvolumes", "", "pv1",
	      "{\"metadata\": {\"name\": \"pv1\"}, \"spec\": {\"claimRef\": {\"namespace\": \"ns\","
	      " \"name\": \"data\"}, \"rbd\": {\"image\": \"i\", \"secretRef\": {\"name\": "
	      "\"ceph\"}}}}",
	      false);
	ck_assert(related(NODE_GRAPH_SECRET, "ns", "ceph", "n1"));
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "publish", "n1"));
	apply("", "persistentvolumes", "", "pv1",
	      "{\"metadata\": {\"name\": \"pv1\"}, \"spec\": {\"claimRef\": {\"namespace\": \"ns\","
	      " \"name\": \"data\"}, \"azureFile\": {\"secretName\": \"az\", \"shareName\": "
	      "\"s\"}}}",
	      false);
	ck_assert(related(NODE_GRAPH_SECRET, "ns", "az", "n1"));
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "ceph", "n1"));
	/* Unbound: no edges at all. */
	apply("", "persistentvolumes", "", "pv1",
	      "{\"metadata\": {\"name\": \"pv1\"}, \"spec\": {\"azureFile\": {\"secretName\": "
	      "\"az\"}}}",
	      false);
	ck_assert(!related(NODE_GRAPH_PV, "", "pv1", "n1"));
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "az", "n1"));
	apply("", "persistentvolumes", "", "pv2",
	      "{\"metadata\": {\"name\": \"pv2\"}, \"spec\": {\"claimRef\": {\"namespace\": \"ns\","
	      " \"name\": \"data\"}, \"cinder\": {\"volumeID\": \"v\", \"secretRef\": {\"name\": "
	      "\"cin\"}}}}",
	      false);
	ck_assert(related(NODE_GRAPH_SECRET, "", "cin", "n1"));
	apply("", "persistentvolumes", "", "pv2", "{\"metadata\": {\"name\": \"pv2\"}}", true);
	ck_assert(!related(NODE_GRAPH_SECRET, "", "cin", "n1"));
	ck_assert(related(NODE_GRAPH_PVC, "ns", "data", "n1"));
	apply("", "pods", "ns", "db", CLAIM_POD, true);
	node_graph_stats(graph, &st);
	for (size_t t = 0; t < NODE_GRAPH_NUM_TYPES; t++)
		ck_assert_uint_eq(st.vertices[t], 0);
	ck_assert_uint_eq(st.edges, 0);
}
END_TEST

/* A PV bound before any pod uses its claim: the path appears with the pod. */
START_TEST(test_pv_before_pod)
{
	apply("", "persistentvolumes", "", "pv1",
	      "{\"metadata\": {\"name\": \"pv1\"}, \"spec\": {\"claimRef\": {\"namespace\": \"ns\","
	      " \"name\": \"data\"}, \"flexVolume\": {\"driver\": \"d\", \"secretRef\": {\"name\": "
	      "\"flex\"}}}}",
	      false);
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "flex", "n1"));
	apply("", "pods", "ns", "db", CLAIM_POD, false);
	ck_assert(related(NODE_GRAPH_SECRET, "ns", "flex", "n1"));
	apply("", "pods", "ns", "db", CLAIM_POD, true);
	ck_assert(!related(NODE_GRAPH_SECRET, "ns", "flex", "n1"));
}
END_TEST

START_TEST(test_volume_attachments_and_slices)
{
	struct node_graph_stats st;

	apply("storage.k8s.io", "volumeattachments", "", "va",
	      "{\"spec\": {\"nodeName\": \"n1\", \"attacher\": \"a\"}}", false);
	ck_assert(related(NODE_GRAPH_VOLUMEATTACHMENT, "", "va", "n1"));
	apply("storage.k8s.io", "volumeattachments", "", "va", "{\"spec\": {\"nodeName\": \"n2\"}}",
	      false);
	ck_assert(!related(NODE_GRAPH_VOLUMEATTACHMENT, "", "va", "n1"));
	ck_assert(related(NODE_GRAPH_VOLUMEATTACHMENT, "", "va", "n2"));
	apply("resource.k8s.io", "resourceslices", "", "sl", "{\"spec\": {\"nodeName\": \"n2\"}}",
	      false);
	ck_assert(related(NODE_GRAPH_RESOURCESLICE, "", "sl", "n2"));
	apply("storage.k8s.io", "volumeattachments", "", "va", "{\"spec\": {\"nodeName\": \"n2\"}}",
	      true);
	ck_assert(!related(NODE_GRAPH_VOLUMEATTACHMENT, "", "va", "n2"));
	ck_assert(related(NODE_GRAPH_RESOURCESLICE, "", "sl", "n2"));
	apply("resource.k8s.io", "resourceslices", "", "sl", "{}", true);
	node_graph_stats(graph, &st);
	ck_assert_uint_eq(st.vertices[NODE_GRAPH_NODE], 0);
	ck_assert_uint_eq(st.edges, 0);
	/* Not the graph's business. */
	ck_assert(!node_graph_apply(graph, "", "secrets", "ns", "s", NULL, false));
	ck_assert(!node_graph_apply(graph, "apps", "pods", "ns", "p", NULL, false));
}
END_TEST

/* Thousands of vertices in and out of the table: probing survives deletion. */
START_TEST(test_table_churn)
{
	char name[32], node[16];

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 3000; i++) {
			snprintf(name, sizeof(name), "va%d", i);
			snprintf(node, sizeof(node), "n%d", i % 97);
			node_graph_add_volume_attachment(graph, name, node);
		}
		for (int i = 0; i < 3000; i += 2) {
			snprintf(name, sizeof(name), "va%d", i);
			node_graph_delete_volume_attachment(graph, name);
		}
		for (int i = 0; i < 3000; i++) {
			snprintf(name, sizeof(name), "va%d", i);
			snprintf(node, sizeof(node), "n%d", i % 97);
			ck_assert_msg(related(NODE_GRAPH_VOLUMEATTACHMENT, "", name, node) ==
					  (i % 2 == 1),
				      "%s", name);
		}
		for (int i = 1; i < 3000; i += 2) {
			snprintf(name, sizeof(name), "va%d", i);
			node_graph_delete_volume_attachment(graph, name);
		}
	}
}
END_TEST

static Suite *node_authz_suite(void)
{
	Suite *s = suite_create("node_authz");
	TCase *decisions = tcase_create("decisions");
	TCase *g = tcase_create("graph");

	tcase_add_checked_fixture(decisions, setup_graph, teardown_graph);
	tcase_add_loop_test(decisions, test_decision, 0, N(decision_cases));
	tcase_add_test(decisions, test_not_in_nodes_group);
	tcase_add_test(decisions, test_non_resource);
	suite_add_tcase(s, decisions);

	tcase_add_checked_fixture(g, setup_graph, teardown_graph);
	tcase_add_test(g, test_shared_resources);
	tcase_add_test(g, test_many_pods_share_a_secret);
	tcase_add_test(g, test_pod_references);
	tcase_add_test(g, test_mirror_pod);
	tcase_add_test(g, test_pod_updates);
	tcase_add_test(g, test_persistent_volumes);
	tcase_add_test(g, test_pv_before_pod);
	tcase_add_test(g, test_volume_attachments_and_slices);
	tcase_add_test(g, test_table_churn);
	suite_add_tcase(s, g);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(node_authz_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
