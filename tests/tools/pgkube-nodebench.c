/*
 * pgkube-nodebench - the Node authorizer's graph (shared/node_graph.c) and
 * decisions (shared/node_authorizer.c), in memory: what a worker keeps per
 * pod and how fast a kubelet's request is decided.
 *
 *   pgkube-nodebench [--pods N] [--seconds S] [--json FILE]
 *
 * Builds the graph of N pods (default 10,000) over 100 nodes and 100
 * namespaces, each pod as a kubelet sees a typical one: its service
 * account, the kube-root-ca.crt configmap and a token of a projected
 * volume, a secret of its own, a secret shared in its namespace, and for
 * one pod in ten a PVC whose PV carries a CSI node secret. It reports the
 * heap the graph holds (mallinfo2) and how long building it took, then for
 * S seconds each (default 1) decisions of a node's get of
 *   own-secret     the secret of one of its pods (allowed)
 *   shared-cm      kube-root-ca.crt, used on every node (allowed)
 *   pv-secret      a PV's secret through PVC and pod (allowed)
 *   other-secret   another node's pod's secret (denied)
 * in decisions per second and nanoseconds per decision; --json also
 * writes the figures to FILE.
 */
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "master/rbac_bootstrap.h"
#include "shared/node_authorizer.h"
#include "shared/node_graph.h"

#define NODES	   100
#define NAMESPACES 100

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t heap_in_use(void)
{
	return mallinfo2().uordblks;
}

static json_t *pod(int i, json_t **pv)
{
	char name[32], ns[16], node[16], own[48], shared[48], claim[48], pvname[48];
	json_t *p;

	snprintf(name, sizeof(name), "pod-%d", i);
	snprintf(ns, sizeof(ns), "ns-%d", (i / NODES) % NAMESPACES);
	snprintf(node, sizeof(node), "node-%d", i % NODES);
	snprintf(own, sizeof(own), "secret-%d", i);
	snprintf(shared, sizeof(shared), "shared-%d", (i / NODES) % NAMESPACES);
	p = json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:[{s:s, s:s}], s:[{s:s, s:{s:[{s:{s:s}},"
		      " {s:{s:s}}]}}, {s:s, s:{s:s}}, {s:s, s:{s:s}}]}}",
		      "metadata", "name", name, "namespace", ns, "uid", name, "spec", "nodeName",
		      node, "serviceAccountName", "default", "containers", "name", "app", "image",
		      "app", "volumes", "name", "kube-api-access", "projected", "sources",
		      "configMap", "name", "kube-root-ca.crt", "serviceAccountToken", "path",
		      "token", "name", "own", "secret", "secretName", own, "name", "shared",
		      "secret", "secretName", shared);
	*pv = NULL;
	if (i % 10 == 0) {
		snprintf(claim, sizeof(claim), "data-%d", i);
		snprintf(pvname, sizeof(pvname), "pv-%d", i);
		json_array_append_new(json_object_get(json_object_get(p, "spec"), "volumes"),
				      json_pack("{s:s, s:{s:s}}", "name", "data",
						"persistentVolumeClaim", "claimName", claim));
		snprintf(own, sizeof(own), "pv-secret-%d", i);
		*pv = json_pack("{s:{s:s}, s:{s:{s:s, s:s}, s:{s:s, s:s, s:{s:s, s:s}}}}",
				"metadata", "name", pvname, "spec", "claimRef", "name", claim,
				"namespace", ns, "csi", "driver", "d", "volumeHandle", pvname,
				"nodePublishSecretRef", "name", own, "namespace", ns);
	}
	return p;
}

struct question {
	const char *label;
	const char *user, *resource, *ns, *name;
	bool allowed;
};

int main(int argc, char **argv)
{
	int pods = 10000;
	double seconds = 1;
	const char *json_out = NULL;
	static const char *const groups[] = {"system:nodes", "system:authenticated"};
	struct node_graph *g = node_graph_new();
	struct node_graph_stats st;
	struct arena a = {0}, rules_arena = {0};
	struct rbac_rule *rules = NULL;
	size_t num_rules = 0, heap_before, heap_graph, i;
	json_t **objs, **pvs, *policy, *role, *report, *results;
	double t0, build_s;

	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--pods") == 0 && k + 1 < argc)
			pods = atoi(argv[++k]);
		else if (strcmp(argv[k], "--seconds") == 0 && k + 1 < argc)
			seconds = atof(argv[++k]);
		else if (strcmp(argv[k], "--json") == 0 && k + 1 < argc)
			json_out = argv[++k];
		else {
			fprintf(stderr, "usage: %s [--pods N] [--seconds S] [--json FILE]\n",
				argv[0]);
			return 2;
		}
	}
	if (pods < NODES * 2) {
		fprintf(stderr, "pgkube-nodebench: --pods must be at least %d\n", NODES * 2);
		return 2;
	}
	policy = rbac_bootstrap_policy();
	json_array_foreach(json_object_get(policy, "clusterRoles"), i, role)
	{
		if (strcmp(json_string_value(json_object_get(role, "name")), "system:node") == 0)
			num_rules = rbac_rules_from_json(&rules_arena,
							 json_object_get(role, "rules"), &rules);
	}
	json_decref(policy);

	objs = calloc((size_t)pods, sizeof(*objs));
	pvs = calloc((size_t)pods, sizeof(*pvs));
	for (int k = 0; k < pods; k++)
		objs[k] = pod(k, &pvs[k]);
	heap_before = heap_in_use();
	t0 = now_seconds();
	for (int k = 0; k < pods; k++) {
		node_graph_add_pod(g, objs[k]);
		if (pvs[k])
			node_graph_add_pv(g, pvs[k]);
	}
	build_s = now_seconds() - t0;
	heap_graph = heap_in_use() - heap_before;
	node_graph_stats(g, &st);
	printf(
	    "graph of %d pods: %zu vertices, %zu edges, %.1f MiB heap (%.0f bytes a pod), built in "
	    "%.1f ms (%.2f us a pod)\n",
	    pods,
	    st.vertices[NODE_GRAPH_NODE] + st.vertices[NODE_GRAPH_POD] +
		st.vertices[NODE_GRAPH_SECRET] + st.vertices[NODE_GRAPH_CONFIGMAP] +
		st.vertices[NODE_GRAPH_PVC] + st.vertices[NODE_GRAPH_PV] +
		st.vertices[NODE_GRAPH_SERVICEACCOUNT],
	    st.edges, (double)heap_graph / (1 << 20), (double)heap_graph / pods, build_s * 1e3,
	    build_s * 1e6 / pods);

	{
		/* pod 0 runs on node-0 in ns-0 with secret-0, pv-0 and shared-0. */
		const struct question questions[] = {
		    {"own-secret", "system:node:node-0", "secrets", "ns-0", "secret-0", true},
		    {"shared-cm", "system:node:node-7", "configmaps", "ns-0", "kube-root-ca.crt",
		     true},
		    {"pv-secret", "system:node:node-0", "secrets", "ns-0", "pv-secret-0", true},
		    {"other-secret", "system:node:node-1", "secrets", "ns-0", "secret-0", false},
		};

		report = json_object();
		results = json_object();
		json_object_set_new(report, "pods", json_integer(pods));
		json_object_set_new(report, "graph_heap_bytes",
				    json_integer((json_int_t)heap_graph));
		json_object_set_new(report, "build_ms", json_real(build_s * 1e3));
		for (size_t q = 0; q < sizeof(questions) / sizeof(questions[0]); q++) {
			struct authz_attributes attrs = {
			    .user = questions[q].user,
			    .groups = groups,
			    .num_groups = 2,
			    .resource_request = true,
			    .verb = "get",
			    .api_group = "",
			    .api_version = "v1",
			    .namespace = questions[q].ns,
			    .resource = questions[q].resource,
			    .subresource = "",
			    .name = questions[q].name,
			    .path = "",
			};
			long n = 0;
			double start = now_seconds(), elapsed;
			const char *reason;

			do {
				for (int k = 0; k < 1000; k++, n++)
					if (node_authorize(g, rules, num_rules, &attrs, &a,
							   &reason) != questions[q].allowed) {
						fprintf(stderr,
							"pgkube-nodebench: %s: wrong answer (%s)\n",
							questions[q].label, reason);
						return 1;
					}
				arena_free(&a);
				elapsed = now_seconds() - start;
			} while (elapsed < seconds);
			printf("%-14s %12.0f decisions/s %8.1f ns/decision\n", questions[q].label,
			       n / elapsed, elapsed * 1e9 / n);
			json_object_set_new(results, questions[q].label,
					    json_pack("{s:f, s:f}", "decisions_per_second",
						      n / elapsed, "ns_per_decision",
						      elapsed * 1e9 / n));
		}
		json_object_set_new(report, "decisions", results);
	}
	if (json_out && json_dump_file(report, json_out, JSON_INDENT(2)) != 0) {
		fprintf(stderr, "pgkube-nodebench: cannot write %s\n", json_out);
		return 1;
	}
	json_decref(report);
	for (int k = 0; k < pods; k++) {
		json_decref(objs[k]);
		json_decref(pvs[k]);
	}
	free(objs);
	free(pvs);
	node_graph_free(g);
	arena_free(&rules_arena);
	return 0;
}
