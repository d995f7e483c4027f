/*
 * test_rbac.c - unit tests for shared/rbac.c, shared/rbac_rules.c and the
 * pure parts of master/rbac_bootstrap.c and master/rbac_aggregate.c.
 *
 * Rule matching and Covers follow the cases of upstream's rbac_test.go and
 * policy_comparator_test.go; the escalation lines, the "allowed by" reasons
 * and the resolution errors are upstream's strings, word for word.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master/rbac_bootstrap.h"
#include "shared/rbac.h"
#include "tests/unit/arena_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct rbac_rule *rules(const char *text, size_t *n)
{
	struct rbac_rule *out;
	json_t *j = json(text);

	*n = rbac_rules_from_json(&arena, j, &out);
	json_decref(j);
	return out;
}

static struct authz_attributes resource_request(const char *verb, const char *group,
						const char *resource, const char *sub,
						const char *name, const char *ns)
{
	return (struct authz_attributes){.user = "jane",
					 .resource_request = true,
					 .verb = verb,
					 .api_group = group,
					 .api_version = "v1",
					 .namespace = ns,
					 .resource = resource,
					 .subresource = sub,
					 .name = name,
					 .path = ""};
}

static struct authz_attributes path_request(const char *verb, const char *path)
{
	return (struct authz_attributes){.user = "jane",
					 .verb = verb,
					 .api_group = "",
					 .api_version = "",
					 .namespace = "",
					 .resource = "",
					 .subresource = "",
					 .name = "",
					 .path = path};
}

/* ---- RuleAllows ---- */

static const struct {
	const char *rule;
	const char *verb, *group, *resource, *sub, *name, *path; /* path: non-resource */
	bool allowed;
} allow_cases[] = {
    /* star verb, exact match other */
    {"{\"verbs\":[\"*\"],\"apiGroups\":[\"group1\"],\"resources\":[\"resource1\"]}", "get",
     "group1", "resource1", "", "", NULL, true},
    {"{\"verbs\":[\"*\"],\"apiGroups\":[\"group1\"],\"resources\":[\"resource1\"]}", "get",
     "group2", "resource1", "", "", NULL, false},
    {"{\"verbs\":[\"*\"],\"apiGroups\":[\"group1\"],\"resources\":[\"resource1\"]}", "get",
     "group1", "resource2", "", "", NULL, false},
    /* star group, star resource */
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"*\"],\"resources\":[\"resource1\"]}", "get", "group2",
     "resource1", "", "", NULL, true},
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"group1\"],\"resources\":[\"*\"]}", "get", "group1",
     "pods", "status", "", NULL, true},
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"group1\"],\"resources\":[\"*\"]}", "list", "group1",
     "pods", "", "", NULL, false},
    /* a subresource is its own resource */
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}", "get", "", "pods",
     "status", "p", NULL, false},
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods/status\"]}", "get", "",
     "pods", "status", "p", NULL, true},
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods/status\"]}", "get", "",
     "pods", "", "p", NULL, false},
    /* subresource expansion: * /scale */
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"*\"],\"resources\":[\"*/scale\"]}", "get", "apps",
     "deployments", "scale", "d", NULL, true},
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"*\"],\"resources\":[\"*/scale\"]}", "get", "apps",
     "deployments", "", "d", NULL, false},
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"*\"],\"resources\":[\"*/scale\"]}", "get", "apps",
     "deployments", "status", "d", NULL, false},
    /* resource names */
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
     "\"resourceNames\":[\"a\",\"b\"]}",
     "get", "", "configmaps", "", "b", NULL, true},
    {"{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
     "\"resourceNames\":[\"a\",\"b\"]}",
     "get", "", "configmaps", "", "c", NULL, false},
    {"{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
     "\"resourceNames\":[\"a\"]}",
     "list", "", "configmaps", "", "", NULL, false},
    /* non-resource URLs */
    {"{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"*\"]}", NULL, NULL, NULL, NULL, NULL, "/foo/bar",
     true},
    {"{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/foo/*\"]}", NULL, NULL, NULL, NULL, NULL,
     "/foo/bar/baz", true},
    {"{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/foo/*\"]}", NULL, NULL, NULL, NULL, NULL,
     "/foo/", true},
    {"{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/foo/*\"]}", NULL, NULL, NULL, NULL, NULL, "/foo",
     false},
    {"{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/foo**\"]}", NULL, NULL, NULL, NULL, NULL,
     "/foobar", true},
    {"{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/healthz\"]}", NULL, NULL, NULL, NULL, NULL,
     "/healthz/etcd", false},
    {"{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/healthz\"]}", NULL, NULL, NULL, NULL, NULL,
     "/healthz", true},
    {"{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/healthz\"]}", "post", NULL, NULL, NULL, NULL,
     "/healthz", false},
    /* a resource rule never allows a path, nor a URL rule a resource */
    {"{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}", NULL, NULL, NULL, NULL,
     NULL, "/api", false},
    {"{\"verbs\":[\"*\"],\"nonResourceURLs\":[\"*\"]}", "get", "", "pods", "", "", NULL, false},
};

START_TEST(test_rule_allows)
{
	size_t n;
	struct rbac_rule *r = rules(arena_printf(&arena, "[%s]", allow_cases[_i].rule), &n);
	struct authz_attributes a =
	    allow_cases[_i].path ? path_request(allow_cases[_i].verb ? allow_cases[_i].verb : "get",
						allow_cases[_i].path)
				 : resource_request(allow_cases[_i].verb, allow_cases[_i].group,
						    allow_cases[_i].resource, allow_cases[_i].sub,
						    allow_cases[_i].name, "default");

	ck_assert_uint_eq(n, 1);
	ck_assert_msg(rbac_rule_allows(r, &a) == allow_cases[_i].allowed, "case %d: %s", _i,
		      allow_cases[_i].rule);
}
END_TEST

/* ---- Covers and the escalation lines ---- */

static const struct {
	const char *owner, *wanted;
	const char *lines; /* the missing rules as the message lists them, '\n'-joined */
} cover_cases[] = {
    /* exact match */
    {"[{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]",
     "[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]", ""},
    /* partial: missing verbs of one resource compact into one line */
    {"[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]",
     "[{\"verbs\":[\"get\",\"list\",\"watch\"],\"apiGroups\":[\"\"],"
     "\"resources\":[\"pods\",\"secrets\"]}]",
     "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"list\" \"watch\"]}\n"
     "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"list\" \"watch\"]}"},
    /* star verbs, groups, resources cover everything of resources */
    {"[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]",
     "[{\"verbs\":[\"delete\"],\"apiGroups\":[\"apps\"],\"resources\":[\"deployments/scale\"],"
     "\"resourceNames\":[\"x\"]}]",
     ""},
    /* but not URLs */
    {"[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]",
     "[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/metrics\"]}]",
     "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}"},
    /* * /status covers any status subresource, not the resource */
    {"[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"*/status\"]}]",
     "[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods/status\",\"pods\"]}]",
     "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\"]}"},
    /* an owner without names covers named rules; with names, not the unnamed */
    {"[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"]}]",
     "[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
     "\"resourceNames\":[\"a\"]}]",
     ""},
    {"[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
     "\"resourceNames\":[\"a\"]}]",
     "[{\"verbs\":[\"get\",\"update\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
     "\"resourceNames\":[\"a\",\"b\"]}]",
     "{APIGroups:[\"\"], Resources:[\"configmaps\"], ResourceNames:[\"a\"], Verbs:[\"update\"]}\n"
     "{APIGroups:[\"\"], Resources:[\"configmaps\"], ResourceNames:[\"b\"], Verbs:[\"get\" "
     "\"update\"]}"},
    /* URL prefixes */
    {"[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/api/*\"]}]",
     "[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/api/v1\",\"/apis\"]}]",
     "{NonResourceURLs:[\"/apis\"], Verbs:[\"get\"]}"},
    {"[{\"verbs\":[\"*\"],\"nonResourceURLs\":[\"*\"]}]",
     "[{\"verbs\":[\"get\",\"post\"],\"nonResourceURLs\":[\"/anything\"]}]", ""},
    /* nothing held */
    {"[]", "[{\"verbs\":[\"create\"],\"apiGroups\":[\"apps\",\"\"],\"resources\":[\"pods\"]}]",
     "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"create\"]}\n"
     "{APIGroups:[\"apps\"], Resources:[\"pods\"], Verbs:[\"create\"]}"},
};

START_TEST(test_missing_rules)
{
	size_t no, nw, n;
	struct rbac_rule *owner = rules(cover_cases[_i].owner, &no);
	struct rbac_rule *wanted = rules(cover_cases[_i].wanted, &nw);
	const char **lines;
	struct buf got = {0};

	n = rbac_missing_rules(&arena, owner, no, wanted, nw, &lines);
	for (size_t i = 0; i < n; i++)
		buf_printf(&got, "%s%s", i ? "\n" : "", lines[i]);
	ck_assert_str_eq(got.data ? got.data : "", cover_cases[_i].lines);
	buf_free(&got);
}
END_TEST

START_TEST(test_compact_string_of_every_field)
{
	size_t n;
	struct rbac_rule *r = rules("[{\"verbs\":[\"get\"],\"apiGroups\":[\"a\\\"b\"],"
				    "\"resources\":[\"r\"],\"resourceNames\":[\"n1\",\"n2\"],"
				    "\"nonResourceURLs\":[\"/u\"]}]",
				    &n);
	struct buf b = {0};

	rbac_rule_compact_string(&b, r);
	ck_assert_str_eq(b.data,
			 "{APIGroups:[\"a\\\"b\"], Resources:[\"r\"], NonResourceURLs:[\"/u\"], "
			 "ResourceNames:[\"n1\" \"n2\"], Verbs:[\"get\"]}");
	buf_free(&b);
}
END_TEST

/* ---- the policy ---- */

static struct rbac_policy *policy;

static void policy_setup(void)
{
	setup();
	policy = rbac_policy_new();
}

static void policy_teardown(void)
{
	rbac_policy_free(policy);
	teardown();
}

static void put(const char *resource, const char *ns, const char *name, const char *text)
{
	json_t *obj = text ? json(text) : NULL;

	ck_assert(rbac_policy_apply(policy, resource, ns, name, obj));
	json_decref(obj);
}

static const char *decide(const char *user, const char *group, const char *verb,
			  const char *resource, const char *ns, bool *allowed)
{
	const char *groups[] = {group};
	struct authz_attributes a = resource_request(verb, "", resource, "", "", ns);
	const char *reason;

	a.user = user;
	a.groups = groups;
	a.num_groups = group ? 1 : 0;
	*allowed = rbac_authorize(policy, &a, &arena, &reason);
	return reason;
}

#define READ_PODS                                                                                  \
	"{\"rules\":[{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}" \
	"]}"

START_TEST(test_policy_reasons)
{
	bool allowed;

	put("clusterroles", "", "pod-reader", READ_PODS);
	put("roles", "team", "pod-reader", READ_PODS);
	put("clusterrolebindings", "", "readers",
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"pod-reader\"},\"subjects\":["
	    "{\"kind\":\"Group\",\"name\":\"readers\"}]}");
	put("rolebindings", "team", "jane",
	    "{\"roleRef\":{\"kind\":\"Role\",\"name\":\"pod-reader\"},\"subjects\":["
	    "{\"kind\":\"User\",\"name\":\"bob\"},{\"kind\":\"User\",\"name\":\"jane\"}]}");
	put("rolebindings", "team", "robots",
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"pod-reader\"},\"subjects\":["
	    "{\"kind\":\"ServiceAccount\",\"name\":\"robot\"}]}");

	ck_assert_str_eq(decide("jane", NULL, "list", "pods", "team", &allowed),
			 "RBAC: allowed by RoleBinding \"jane/team\" of Role \"pod-reader\" to "
			 "User \"jane\"");
	ck_assert(allowed);
	ck_assert_str_eq(decide("jane", NULL, "list", "pods", "other", &allowed), "");
	ck_assert(!allowed);
	ck_assert_str_eq(decide("jane", NULL, "delete", "pods", "team", &allowed), "");
	ck_assert(!allowed);
	ck_assert_str_eq(decide("x", "readers", "get", "pods", "", &allowed),
			 "RBAC: allowed by ClusterRoleBinding \"readers\" of ClusterRole "
			 "\"pod-reader\" to Group \"readers\"");
	ck_assert(allowed);
	/* A ServiceAccount subject of a RoleBinding defaults to its namespace. */
	ck_assert_str_eq(
	    decide("system:serviceaccount:team:robot", NULL, "get", "pods", "team", &allowed),
	    "RBAC: allowed by RoleBinding \"robots/team\" of ClusterRole "
	    "\"pod-reader\" to ServiceAccount \"robot/team\"");
	decide("system:serviceaccount:other:robot", NULL, "get", "pods", "team", &allowed);
	ck_assert(!allowed);
	/* A RoleBinding's ClusterRole reaches only its namespace. */
	decide("system:serviceaccount:team:robot", NULL, "get", "pods", "other", &allowed);
	ck_assert(!allowed);

	/* Updates and deletes take effect. */
	put("rolebindings", "team", "jane",
	    "{\"roleRef\":{\"kind\":\"Role\",\"name\":\"pod-reader\"},\"subjects\":["
	    "{\"kind\":\"User\",\"name\":\"bob\"}]}");
	decide("jane", NULL, "list", "pods", "team", &allowed);
	ck_assert(!allowed);
	put("roles", "team", "pod-reader", NULL);
	ck_assert_str_eq(decide("bob", NULL, "list", "pods", "team", &allowed),
			 "RBAC: role.rbac.authorization.k8s.io \"pod-reader\" not found");
	ck_assert(!allowed);
	put("clusterrolebindings", "", "readers", NULL);
	decide("x", "readers", "get", "pods", "", &allowed);
	ck_assert(!allowed);
	ck_assert_uint_eq(rbac_policy_count(policy, "rolebindings"), 2);
	ck_assert_uint_eq(rbac_policy_count(policy, "clusterrolebindings"), 0);
}
END_TEST

START_TEST(test_policy_resolution_errors)
{
	bool allowed;

	put("clusterrolebindings", "", "a",
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"gone\"},\"subjects\":["
	    "{\"kind\":\"User\",\"name\":\"jane\"}]}");
	put("clusterrolebindings", "", "b",
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"gone\"},\"subjects\":["
	    "{\"kind\":\"Group\",\"name\":\"g\"}]}");
	put("clusterrolebindings", "", "c",
	    "{\"roleRef\":{\"kind\":\"Thing\",\"name\":\"x\"},\"subjects\":["
	    "{\"kind\":\"User\",\"name\":\"jane\"}]}");
	/* The same message twice counts once; several are bracketed. */
	ck_assert_str_eq(decide("jane", "g", "get", "pods", "", &allowed),
			 "RBAC: [clusterrole.rbac.authorization.k8s.io \"gone\" not found, "
			 "unsupported role reference kind: \"Thing\"]");
	ck_assert(!allowed);
}
END_TEST

START_TEST(test_policy_first_applying_subject)
{
	bool allowed;

	put("clusterroles", "", "r", READ_PODS);
	put("clusterrolebindings", "", "b",
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"r\"},\"subjects\":["
	    "{\"kind\":\"Group\",\"name\":\"g\"},{\"kind\":\"User\",\"name\":\"jane\"},"
	    "{\"kind\":\"Alien\",\"name\":\"jane\"}]}");
	ck_assert_str_eq(decide("jane", "g", "get", "pods", "", &allowed),
			 "RBAC: allowed by ClusterRoleBinding \"b\" of ClusterRole \"r\" to Group "
			 "\"g\"");
	/* An unknown subject kind never applies. */
	put("clusterrolebindings", "", "b",
	    "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"r\"},\"subjects\":["
	    "{\"kind\":\"Alien\",\"name\":\"jane\"}]}");
	decide("jane", NULL, "get", "pods", "", &allowed);
	ck_assert(!allowed);
}
END_TEST

START_TEST(test_policy_many_bindings)
{
	bool allowed;

	put("clusterroles", "", "r", READ_PODS);
	for (int i = 0; i < 10000; i++) {
		char ns[32], user[32], text[256];

		snprintf(ns, sizeof(ns), "ns-%d", i % 100);
		snprintf(user, sizeof(user), "user-%d", i);
		snprintf(text, sizeof(text),
			 "{\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"r\"},\"subjects\":["
			 "{\"kind\":\"User\",\"name\":\"%s\"}]}",
			 user);
		put("rolebindings", ns, user, text);
	}
	decide("user-4242", NULL, "get", "pods", "ns-42", &allowed);
	ck_assert(allowed);
	decide("user-4242", NULL, "get", "pods", "ns-43", &allowed);
	ck_assert(!allowed);
	ck_assert_uint_eq(rbac_policy_count(policy, "rolebindings"), 10000);
}
END_TEST

START_TEST(test_aggregate_errors)
{
	const char *one[] = {"a"}, *dup[] = {"a", "a"}, *two[] = {"a", "b", "a"};

	ck_assert_str_eq(rbac_aggregate_errors(&arena, one, 0), "");
	ck_assert_str_eq(rbac_aggregate_errors(&arena, one, 1), "a");
	ck_assert_str_eq(rbac_aggregate_errors(&arena, dup, 2), "a");
	ck_assert_str_eq(rbac_aggregate_errors(&arena, two, 3), "[a, b]");
}
END_TEST

/* ---- aggregation and reconciliation ---- */

START_TEST(test_aggregated_rules)
{
	json_t *roles = json(
	    "[{\"metadata\":{\"name\":\"a\",\"labels\":{\"agg\":\"true\"}},\"rules\":[{\"verbs\":["
	    "\"get\"]}]},"
	    " {\"metadata\":{\"name\":\"b\",\"labels\":{\"tier\":\"x\"}},\"rules\":[{\"verbs\":["
	    "\"list\"]},"
	    "  {\"verbs\":[\"get\"]}]},"
	    " {\"metadata\":{\"name\":\"c\",\"labels\":{\"agg\":\"false\"}},\"rules\":[{\"verbs\":["
	    "\"no\"]}]},"
	    " {\"metadata\":{\"name\":\"view\"},\"aggregationRule\":{\"clusterRoleSelectors\":["
	    "  {\"matchLabels\":{\"agg\":\"true\"}},"
	    "  "
	    "{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\",\"values\":[\"x\",\"y\"]}"
	    "]}]},"
	    "  \"rules\":[{\"verbs\":[\"self\"]}]}]");
	json_t *got = rbac_aggregated_rules(json_array_get(roles, 3), roles);
	json_t *want = json("[{\"verbs\":[\"get\"]},{\"verbs\":[\"list\"]}]");

	ck_assert(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	json_decref(roles);
}
END_TEST

static const struct {
	const char *selector, *labels;
	bool match;
} selector_cases[] = {
    {"{}", "{}", true},
    {"{\"matchLabels\":{\"a\":\"1\"}}", "{\"a\":\"1\",\"b\":\"2\"}", true},
    {"{\"matchLabels\":{\"a\":\"1\"}}", "{\"a\":\"2\"}", false},
    {"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"NotIn\",\"values\":[\"1\"]}]}", "{}",
     true},
    {"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\"}]}", "{}", false},
    {"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"DoesNotExist\"}]}", "{\"b\":\"1\"}",
     true},
    {"{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Bogus\"}]}", "{\"a\":\"1\"}", false},
};

START_TEST(test_label_selector)
{
	json_t *sel = json(selector_cases[_i].selector), *labels = json(selector_cases[_i].labels);

	ck_assert_msg(rbac_label_selector_matches(sel, labels) == selector_cases[_i].match,
		      "case %d", _i);
	json_decref(sel);
	json_decref(labels);
}
END_TEST

START_TEST(test_reconcile_role_adds_missing)
{
	json_t *existing = json(
	    "{\"metadata\":{\"name\":\"r\",\"labels\":{\"kubernetes.io/bootstrapping\":\"mine\"}},"
	    "\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]},"
	    "{\"verbs\":[\"extra\"],\"apiGroups\":[\"\"],\"resources\":[\"x\"]}]}");
	json_t *expected =
	    json("{\"metadata\":{\"name\":\"r\",\"labels\":{\"kubernetes.io/"
		 "bootstrapping\":\"rbac-defaults\"},"
		 "\"annotations\":{\"rbac.authorization.kubernetes.io/autoupdate\":\"true\"}},"
		 "\"rules\":[{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":["
		 "\"pods\"]}]}");
	json_t *want = json(
	    "{\"metadata\":{\"name\":\"r\",\"labels\":{\"kubernetes.io/bootstrapping\":\"mine\"},"
	    "\"annotations\":{\"rbac.authorization.kubernetes.io/autoupdate\":\"true\"}},"
	    "\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]},"
	    "{\"verbs\":[\"extra\"],\"apiGroups\":[\"\"],\"resources\":[\"x\"]},"
	    "{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
	json_t *got = rbac_reconcile_role(existing, expected), *again;

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(json_equal(got, want), "%s", json_dumps(got, JSON_COMPACT));
	/* Reconciled once, nothing more to do. */
	again = rbac_reconcile_role(got, expected);
	ck_assert_ptr_null(again);
	/* autoupdate "false" protects it. */
	json_object_set_new(json_object_get(existing, "metadata"), "annotations",
			    json("{\"rbac.authorization.kubernetes.io/autoupdate\":\"false\"}"));
	ck_assert_ptr_null(rbac_reconcile_role(existing, expected));
	json_decref(got);
	json_decref(want);
	json_decref(existing);
	json_decref(expected);
}
END_TEST

START_TEST(test_reconcile_binding)
{
	json_t *existing =
	    json("{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"ClusterRole\","
		 "\"name\":\"r\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"u\"}]}");
	json_t *expected =
	    json("{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"ClusterRole\","
		 "\"name\":\"r\"},\"subjects\":[{\"kind\":\"Group\",\"name\":\"g\"}]}");
	json_t *moved = json("{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"ClusterRole\","
			     "\"name\":\"r2\"}}");
	json_t *got;
	int recreate;

	got = rbac_reconcile_binding(existing, expected, &recreate);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(recreate, 0);
	ck_assert_uint_eq(json_array_size(json_object_get(got, "subjects")), 2);
	json_decref(got);
	got = rbac_reconcile_binding(existing, moved, &recreate);
	ck_assert_int_eq(recreate, 1);
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(got, "roleRef"), "name")), "r2");
	json_decref(got);
	ck_assert_ptr_null(rbac_reconcile_binding(existing, existing, &recreate));
	json_decref(existing);
	json_decref(expected);
	json_decref(moved);
}
END_TEST

/* ---- the bootstrap policy ---- */

static bool same(json_t *got, const char *text)
{
	json_t *want = json(text);
	bool eq = json_equal(got, want);

	json_decref(want);
	return eq;
}

static json_t *find(json_t *objects, const char *name)
{
	size_t i;
	json_t *o;

	json_array_foreach(objects, i, o)
	{
		const char *n =
		    json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));

		if (n && strcmp(n, name) == 0)
			return o;
	}
	return NULL;
}

START_TEST(test_bootstrap_policy)
{
	json_t *roles = rbac_bootstrap_objects("clusterRoles");
	json_t *bindings = rbac_bootstrap_objects("clusterRoleBindings");
	json_t *ns_roles = rbac_bootstrap_objects("roles");
	json_t *o;

	o = find(roles, "cluster-admin");
	ck_assert_ptr_nonnull(o);
	ck_assert(same(json_object_get(o, "rules"),
		       "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]},"
		       "{\"nonResourceURLs\":[\"*\"],\"verbs\":[\"*\"]}]"));
	ck_assert_str_eq(json_string_value(json_object_get(
			     json_object_get(json_object_get(o, "metadata"), "annotations"),
			     "rbac.authorization.kubernetes.io/autoupdate")),
			 "true");
	o = find(roles, "view");
	ck_assert(json_is_null(json_object_get(o, "rules")));
	ck_assert_str_eq(json_string_value(json_object_get(
			     json_object_get(json_object_get(o, "metadata"), "labels"),
			     "rbac.authorization.k8s.io/aggregate-to-edit")),
			 "true");
	ck_assert_ptr_nonnull(find(roles, "system:controller:namespace-controller"));
	o = find(bindings, "system:public-info-viewer");
	ck_assert(same(json_object_get(o, "subjects"),
		       "[{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"Group\",\"name\":"
		       "\"system:authenticated\"},{\"apiGroup\":\"rbac.authorization.k8s.io\","
		       "\"kind\":\"Group\",\"name\":\"system:unauthenticated\"}]"));
	/* system:node keeps its binding, without subjects. */
	o = find(bindings, "system:node");
	ck_assert_ptr_null(json_object_get(o, "subjects"));
	o = find(ns_roles, "extension-apiserver-authentication-reader");
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(o, "metadata"), "namespace")),
	    "kube-system");
	/* Every binding names a role of the policy. */
	{
		size_t i;
		json_t *b;

		json_array_foreach(bindings, i, b)
		{
			const char *ref = json_string_value(
			    json_object_get(json_object_get(b, "roleRef"), "name"));

			ck_assert_msg(find(roles, ref) != NULL, "binding to %s", ref);
		}
	}
	json_decref(roles);
	json_decref(bindings);
	json_decref(ns_roles);
}
END_TEST

static Suite *rbac_suite(void)
{
	Suite *s = suite_create("rbac");
	TCase *rules_tc = tcase_create("rules");
	TCase *policy_tc = tcase_create("policy");
	TCase *bootstrap = tcase_create("bootstrap");

	tcase_add_checked_fixture(rules_tc, setup, teardown);
	tcase_add_loop_test(rules_tc, test_rule_allows, 0, N(allow_cases));
	tcase_add_loop_test(rules_tc, test_missing_rules, 0, N(cover_cases));
	tcase_add_test(rules_tc, test_compact_string_of_every_field);
	tcase_add_test(rules_tc, test_aggregate_errors);
	tcase_add_loop_test(rules_tc, test_label_selector, 0, N(selector_cases));
	suite_add_tcase(s, rules_tc);

	tcase_add_checked_fixture(policy_tc, policy_setup, policy_teardown);
	tcase_set_timeout(policy_tc, 60);
	tcase_add_test(policy_tc, test_policy_reasons);
	tcase_add_test(policy_tc, test_policy_resolution_errors);
	tcase_add_test(policy_tc, test_policy_first_applying_subject);
	tcase_add_test(policy_tc, test_policy_many_bindings);
	suite_add_tcase(s, policy_tc);

	tcase_add_checked_fixture(bootstrap, setup, teardown);
	tcase_add_test(bootstrap, test_aggregated_rules);
	tcase_add_test(bootstrap, test_reconcile_role_adds_missing);
	tcase_add_test(bootstrap, test_reconcile_binding);
	tcase_add_test(bootstrap, test_bootstrap_policy);
	suite_add_tcase(s, bootstrap);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(rbac_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
