/*
 * pgkube-authzbench - decisions per second of the in-memory RBAC evaluator
 * (shared/rbac.c), the one every request goes through under
 * --authorization-mode=RBAC.
 *
 *   pgkube-authzbench [--seconds S] [--bindings N] [--json FILE]
 *
 * Builds a policy like a busy cluster's: the bootstrap ClusterRoles' kind
 * of roles, N RoleBindings (default 10,000) spread over 100 namespaces,
 * each binding one user to a namespaced Role or to the ClusterRole "edit",
 * plus ClusterRoleBindings for system:authenticated. Then, for S seconds
 * each (default 1), it asks a mix of questions:
 *   allowed   a bound user reading what her binding grants
 *   denied    the same user writing elsewhere (every binding of hers and
 *             of her groups is looked at before the answer is no)
 *   mixed     alternating the two
 * and prints decisions per second and nanoseconds per decision; --json
 * also writes the figures to FILE.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/rbac.h"

#define NAMESPACES 100

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put(struct rbac_policy *p, const char *resource, const char *ns, const char *name,
		const char *text)
{
	json_t *obj = json_loads(text, 0, NULL);

	if (!obj) {
		fprintf(stderr, "pgkube-authzbench: bad JSON: %s\n", text);
		exit(1);
	}
	rbac_policy_apply(p, resource, ns, name, obj);
	json_decref(obj);
}

static struct rbac_policy *build(int bindings)
{
	struct rbac_policy *p = rbac_policy_new();
	char ns[32], name[64], text[512];

	put(p, "clusterroles", "", "edit",
	    "{\"rules\":[{\"verbs\":[\"get\",\"list\",\"watch\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"pods\",\"configmaps\",\"services\"]},"
	    "{\"verbs\":[\"create\",\"update\",\"patch\",\"delete\"],\"apiGroups\":[\"apps\"],"
	    "\"resources\":[\"deployments\",\"replicasets\"]}]}");
	put(p, "clusterroles", "", "system:basic-user",
	    "{\"rules\":[{\"verbs\":[\"create\"],\"apiGroups\":[\"authorization.k8s.io\"],"
	    "\"resources\":[\"selfsubjectaccessreviews\",\"selfsubjectrulesreviews\"]}]}");
	put(p, "clusterroles", "", "system:discovery",
	    "{\"rules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/api\",\"/api/*\",\"/apis\","
	    "\"/apis/*\",\"/healthz\",\"/livez\",\"/readyz\",\"/version\",\"/version/\"]}]}");
	put(p, "clusterrolebindings", "", "system:basic-user",
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"system:basic-user\"},\"subjects\":"
	    "[{\"kind\":\"Group\",\"name\":\"system:authenticated\"}]}");
	put(p, "clusterrolebindings", "", "system:discovery",
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"system:discovery\"},\"subjects\":"
	    "[{\"kind\":\"Group\",\"name\":\"system:authenticated\"}]}");
	for (int n = 0; n < NAMESPACES; n++) {
		snprintf(ns, sizeof(ns), "team-%d", n);
		put(p, "roles", ns, "reader",
		    "{\"rules\":[{\"verbs\":[\"get\",\"list\",\"watch\"],\"apiGroups\":[\"\"],"
		    "\"resources\":[\"configmaps\",\"secrets\"]},{\"verbs\":[\"get\"],"
		    "\"apiGroups\":[\"\"],\"resources\":[\"pods/log\"]}]}");
	}
	for (int i = 0; i < bindings; i++) {
		snprintf(ns, sizeof(ns), "team-%d", i % NAMESPACES);
		snprintf(name, sizeof(name), "user-%d", i);
		snprintf(
		    text, sizeof(text),
		    "{\"roleRef\":{\"kind\":\"%s\",\"name\":\"%s\"},\"subjects\":[{\"kind\":"
		    "\"User\",\"name\":\"%s\"},{\"kind\":\"ServiceAccount\",\"name\":\"sa-%d\"}]}",
		    i % 2 ? "Role" : "ClusterRole", i % 2 ? "reader" : "edit", name, i);
		put(p, "rolebindings", ns, name, text);
	}
	return p;
}

struct result {
	const char *name;
	double per_second;
	double ns_per_decision;
	long allowed, total;
};

static struct result run(struct rbac_policy *p, const char *name, int mode, double seconds,
			 int bindings)
{
	static const char *groups[] = {"system:authenticated"};
	struct result r = {.name = name};
	double start = now_seconds(), end = start + seconds, t;
	unsigned seed = 12345;
	char user[32], ns[32];

	do {
		for (int k = 0; k < 1000; k++) {
			int i = (int)(rand_r(&seed) % (unsigned)bindings);
			bool deny = mode == 1 || (mode == 2 && (r.total & 1));
			struct authz_attributes a = {
			    .user = user,
			    .groups = groups,
			    .num_groups = 1,
			    .resource_request = true,
			    .verb = deny ? "delete" : "get",
			    .api_group = "",
			    .api_version = "v1",
			    .namespace = ns,
			    .resource = "configmaps",
			    .subresource = "",
			    .name = "settings",
			    .path = "",
			};
			struct arena arena = {0};
			const char *reason;

			snprintf(user, sizeof(user), "user-%d", i);
			/* Denials ask in a namespace where she has no binding. */
			snprintf(ns, sizeof(ns), "team-%d", (i + (deny ? 1 : 0)) % NAMESPACES);
			r.allowed += rbac_authorize(p, &a, &arena, &reason);
			r.total++;
			arena_free(&arena);
		}
		t = now_seconds();
	} while (t < end);
	r.per_second = (double)r.total / (t - start);
	r.ns_per_decision = 1e9 / r.per_second;
	return r;
}

int main(int argc, char **argv)
{
	double seconds = 1;
	int bindings = 10000;
	const char *json_path = NULL;
	struct result results[3];
	struct rbac_policy *p;
	double built;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--bindings") == 0 && i + 1 < argc)
			bindings = atoi(argv[++i]);
		else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc)
			json_path = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--seconds S] [--bindings N] [--json FILE]\n",
				argv[0]);
			return 2;
		}
	}
	if (bindings < 1)
		bindings = 1;
	built = now_seconds();
	p = build(bindings);
	built = now_seconds() - built;
	results[0] = run(p, "allowed", 0, seconds, bindings);
	results[1] = run(p, "denied", 1, seconds, bindings);
	results[2] = run(p, "mixed", 2, seconds, bindings);
	printf("RBAC decisions with %d RoleBindings (policy built in %.0f ms):\n", bindings,
	       built * 1e3);
	for (int i = 0; i < 3; i++)
		printf("  %-8s %12.0f decisions/s  %8.0f ns each  (%ld of %ld allowed)\n",
		       results[i].name, results[i].per_second, results[i].ns_per_decision,
		       results[i].allowed, results[i].total);
	if (json_path) {
		json_t *out =
		    json_pack("{s:i, s:f}", "bindings", bindings, "build_ms", built * 1e3);
		FILE *f;

		for (int i = 0; i < 3; i++)
			json_object_set_new(out, results[i].name,
					    json_pack("{s:f, s:f}", "decisions_per_second",
						      results[i].per_second, "ns_per_decision",
						      results[i].ns_per_decision));
		f = fopen(json_path, "w");
		if (!f || json_dumpf(out, f, JSON_INDENT(2)) != 0) {
			fprintf(stderr, "pgkube-authzbench: cannot write %s\n", json_path);
			return 1;
		}
		fclose(f);
		json_decref(out);
	}
	rbac_policy_free(p);
	return 0;
}
