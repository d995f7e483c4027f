/*
 * test_router.c - unit tests for worker/router.c.
 *
 * A table of request-targets with the route kube-apiserver's
 * RequestInfoFactory would give them, then the query decoding, the
 * rejected targets, and that the route lives in the arena.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "worker/router.h"

static struct arena arena;

static void setup(void)
{
	arena = (struct arena){0};
}

static void teardown(void)
{
	arena_free(&arena);
}

static int route(const char *method, const char *target, struct route *r)
{
	return router_parse(&arena, method, strlen(method), target, strlen(target), r);
}

static const struct {
	const char *method;
	const char *target;
	enum route_kind kind;
	const char *group;
	const char *version;
	const char *namespace;
	const char *resource;
	const char *name;
	const char *subresource;
	const char *verb;
} route_cases[] = {
    /* Discovery and non-resource paths. */
    {"GET", "/api", ROUTE_API_ROOT, "", "", "", "", "", "", "get"},
    {"GET", "/api/", ROUTE_API_ROOT, "", "", "", "", "", "", "get"},
    {"GET", "/apis", ROUTE_APIS_ROOT, "", "", "", "", "", "", "get"},
    {"GET", "/apis/apps", ROUTE_GROUP, "apps", "", "", "", "", "", "get"},
    {"GET", "/apis/apps/v1", ROUTE_GROUP_VERSION, "apps", "v1", "", "", "", "", "get"},
    {"GET", "/api/v1", ROUTE_GROUP_VERSION, "", "v1", "", "", "", "", "get"},
    {"GET", "/api/v1/", ROUTE_GROUP_VERSION, "", "v1", "", "", "", "", "get"},
    {"GET", "/", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},
    {"GET", "/healthz", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},
    {"GET", "/readyz?verbose", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},
    {"POST", "/healthz/ping", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "post"},
    {"GET", "/openapi/v2", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},
    {"GET", "/openapi/v3/apis/apps/v1", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},
    {"GET", "/version/", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},
    {"DELETE", "/apiss/a/b/c", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "delete"},
    {"OPTIONS", "/healthz/..", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "options"},
    /* An empty segment in the middle makes it a path nothing serves. */
    {"GET", "/api//v1/pods", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},
    {"GET", "/api/v1/namespaces//pods", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},
    {"GET", "/apis/apps/v1//deployments", ROUTE_NON_RESOURCE, "", "", "", "", "", "", "get"},

    /* Core group. */
    {"GET", "/api/v1/pods", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "list"},
    {"GET", "/api/v1/namespaces/default/pods", ROUTE_RESOURCE, "", "v1", "default", "pods", "", "",
     "list"},
    {"GET", "/api/v1/namespaces/default/pods/web-0", ROUTE_RESOURCE, "", "v1", "default", "pods",
     "web-0", "", "get"},
    {"HEAD", "/api/v1/namespaces/default/pods/web-0", ROUTE_RESOURCE, "", "v1", "default", "pods",
     "web-0", "", "get"},
    {"POST", "/api/v1/namespaces/default/pods", ROUTE_RESOURCE, "", "v1", "default", "pods", "", "",
     "create"},
    {"PUT", "/api/v1/namespaces/default/pods/web-0", ROUTE_RESOURCE, "", "v1", "default", "pods",
     "web-0", "", "update"},
    {"PATCH", "/api/v1/namespaces/default/pods/web-0", ROUTE_RESOURCE, "", "v1", "default", "pods",
     "web-0", "", "patch"},
    {"DELETE", "/api/v1/namespaces/default/pods/web-0", ROUTE_RESOURCE, "", "v1", "default", "pods",
     "web-0", "", "delete"},
    {"DELETE", "/api/v1/namespaces/default/pods", ROUTE_RESOURCE, "", "v1", "default", "pods", "",
     "", "deletecollection"},
    {"DELETE", "/api/v1/nodes", ROUTE_RESOURCE, "", "v1", "", "nodes", "", "", "deletecollection"},
    {"GET", "/api/v1/nodes/node-1", ROUTE_RESOURCE, "", "v1", "", "nodes", "node-1", "", "get"},
    {"GET", "/api/v1/namespaces/default/pods/web-0/log", ROUTE_RESOURCE, "", "v1", "default",
     "pods", "web-0", "log", "get"},
    {"PUT", "/api/v1/namespaces/default/pods/web-0/status", ROUTE_RESOURCE, "", "v1", "default",
     "pods", "web-0", "status", "update"},
    {"POST", "/api/v1/namespaces/default/pods/web-0/eviction", ROUTE_RESOURCE, "", "v1", "default",
     "pods", "web-0", "eviction", "create"},
    {"GET", "/api/v1/namespaces/default/pods/web-0/proxy/a/b", ROUTE_RESOURCE, "", "v1", "default",
     "pods", "web-0", "proxy", "get"},
    {"GET", "/api/v1/pods/x/y/z", ROUTE_RESOURCE, "", "v1", "", "pods", "x", "y", "get"},
    /* RequestInfo gives a method without a Kubernetes verb the verb "". */
    {"OPTIONS", "/api/v1/pods", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", ""},
    /* A method is case-sensitive: "get" is not GET and lists nothing. */
    {"get", "/api/v1/pods", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", ""},
    {"Delete", "/api/v1/pods", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", ""},
    /* The old /proxy/ prefix: verb "proxy", and no subresource. */
    {"GET", "/api/v1/proxy/namespaces/ns/pods/p/a/b", ROUTE_RESOURCE, "", "v1", "ns", "pods", "p",
     "", "proxy"},
    {"PUT", "/api/v1/proxy/nodes/n1", ROUTE_RESOURCE, "", "v1", "", "nodes", "n1", "", "proxy"},

    /* Named groups. */
    {"GET", "/apis/apps/v1/deployments", ROUTE_RESOURCE, "apps", "v1", "", "deployments", "", "",
     "list"},
    {"PATCH", "/apis/apps/v1/namespaces/ns/deployments/web", ROUTE_RESOURCE, "apps", "v1", "ns",
     "deployments", "web", "", "patch"},
    {"PUT", "/apis/apps/v1/namespaces/ns/deployments/web/scale", ROUTE_RESOURCE, "apps", "v1", "ns",
     "deployments", "web", "scale", "update"},
    {"GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", ROUTE_RESOURCE,
     "rbac.authorization.k8s.io", "v1", "", "clusterroles", "admin", "", "get"},
    {"POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ROUTE_RESOURCE,
     "apiextensions.k8s.io", "v1", "", "customresourcedefinitions", "", "", "create"},
    {"GET", "/apis/example.com/v1alpha1/namespaces/ns/widgets/w1/status", ROUTE_RESOURCE,
     "example.com", "v1alpha1", "ns", "widgets", "w1", "status", "get"},

    /* The old /watch/ prefix. */
    {"GET", "/api/v1/watch/pods", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "watch"},
    {"GET", "/api/v1/watch/namespaces/ns/pods", ROUTE_RESOURCE, "", "v1", "ns", "pods", "", "",
     "watch"},
    {"GET", "/api/v1/watch/namespaces/ns/pods/p", ROUTE_RESOURCE, "", "v1", "ns", "pods", "p", "",
     "watch"},
    {"GET", "/apis/apps/v1/watch/namespaces/ns/deployments?watch=false", ROUTE_RESOURCE, "apps",
     "v1", "ns", "deployments", "", "", "watch"},
    {"GET", "/api/v1/watch/namespaces", ROUTE_RESOURCE, "", "v1", "", "namespaces", "", "",
     "watch"},
    {"GET", "/api/v1/watch/namespaces/ns", ROUTE_RESOURCE, "", "v1", "ns", "namespaces", "ns", "",
     "watch"},

    /* The watch parameter. */
    {"GET", "/api/v1/pods?watch=true", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "watch"},
    {"GET", "/api/v1/pods?watch=1", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "watch"},
    {"GET", "/api/v1/pods?watch", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "watch"},
    {"GET", "/api/v1/pods?watch=", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "watch"},
    {"GET", "/api/v1/pods?watch=yes", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "watch"},
    {"GET", "/api/v1/pods?watch=false", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "list"},
    {"GET", "/api/v1/pods?watch=FaLsE", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "list"},
    {"GET", "/api/v1/pods?watch=0", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "list"},
    {"GET", "/api/v1/pods?watch=0&watch=1", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "list"},
    {"GET", "/api/v1/pods?watches=1&xwatch=1", ROUTE_RESOURCE, "", "v1", "", "pods", "", "",
     "list"},
    {"GET", "/api/v1/pods/p?watch=1", ROUTE_RESOURCE, "", "v1", "", "pods", "p", "", "get"},
    {"POST", "/api/v1/pods?watch=1", ROUTE_RESOURCE, "", "v1", "", "pods", "", "", "create"},
    {"GET",
     "/api/v1/namespaces/ns/pods?resourceVersion=10&watch=true&"
     "allowWatchBookmarks=true",
     ROUTE_RESOURCE, "", "v1", "ns", "pods", "", "", "watch"},

    /* The namespaces special cases. */
    {"GET", "/api/v1/namespaces", ROUTE_RESOURCE, "", "v1", "", "namespaces", "", "", "list"},
    {"GET", "/api/v1/namespaces/foo", ROUTE_RESOURCE, "", "v1", "foo", "namespaces", "foo", "",
     "get"},
    {"DELETE", "/api/v1/namespaces/foo", ROUTE_RESOURCE, "", "v1", "foo", "namespaces", "foo", "",
     "delete"},
    {"PUT", "/api/v1/namespaces/foo/status", ROUTE_RESOURCE, "", "v1", "foo", "namespaces", "foo",
     "status", "update"},
    {"PUT", "/api/v1/namespaces/foo/finalize", ROUTE_RESOURCE, "", "v1", "foo", "namespaces", "foo",
     "finalize", "update"},
    {"GET", "/api/v1/namespaces/foo/configmaps", ROUTE_RESOURCE, "", "v1", "foo", "configmaps", "",
     "", "list"},
    {"GET", "/api/v1/namespaces/foo/configmaps/status", ROUTE_RESOURCE, "", "v1", "foo",
     "configmaps", "status", "", "get"},
    {"GET", "/api/v1/namespaces/status/pods", ROUTE_RESOURCE, "", "v1", "status", "pods", "", "",
     "list"},

    /* fieldSelector=metadata.name=X names the object. */
    {"GET", "/api/v1/namespaces/ns/pods?fieldSelector=metadata.name%3Dweb-0", ROUTE_RESOURCE, "",
     "v1", "ns", "pods", "web-0", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name%3D%3Dweb-0", ROUTE_RESOURCE, "", "v1", "",
     "pods", "web-0", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name=web-0&watch=1", ROUTE_RESOURCE, "", "v1", "",
     "pods", "web-0", "", "watch"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name%3Da%2Cmetadata.namespace%3Db", ROUTE_RESOURCE,
     "", "v1", "", "pods", "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name!%3Dweb-0", ROUTE_RESOURCE, "", "v1", "",
     "pods", "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name%3D%3D%3Dx", ROUTE_RESOURCE, "", "v1", "",
     "pods", "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1", ROUTE_RESOURCE, "", "v1", "", "pods",
     "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.namespace%3Dns", ROUTE_RESOURCE, "", "v1", "",
     "pods", "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name%3D..", ROUTE_RESOURCE, "", "v1", "", "pods",
     "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name%3D.", ROUTE_RESOURCE, "", "v1", "", "pods",
     "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name%3Da%2Fb", ROUTE_RESOURCE, "", "v1", "",
     "pods", "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name%3Da%25b", ROUTE_RESOURCE, "", "v1", "",
     "pods", "", "", "list"},
    {"GET", "/api/v1/pods?fieldSelector=metadata.name%3D", ROUTE_RESOURCE, "", "v1", "", "pods", "",
     "", "list"},
    {"GET", "/api/v1/pods/p?fieldSelector=metadata.name%3Dq", ROUTE_RESOURCE, "", "v1", "", "pods",
     "p", "", "get"},
    {"DELETE", "/api/v1/pods?fieldSelector=metadata.name%3Dq", ROUTE_RESOURCE, "", "v1", "", "pods",
     "", "", "deletecollection"},
    {"GET", "/api/v1/watch/pods?fieldSelector=metadata.name%3Dq", ROUTE_RESOURCE, "", "v1", "",
     "pods", "", "", "watch"},

    /* Percent-decoding applies before the path is split, as in Go. */
    {"GET", "/api/v1/namespaces/a%20b/pods", ROUTE_RESOURCE, "", "v1", "a b", "pods", "", "",
     "list"},
    {"GET", "/api/v1/namespaces/a+b/pods", ROUTE_RESOURCE, "", "v1", "a+b", "pods", "", "", "list"},
    {"GET", "/%61pi/v1/pods/web%2D0", ROUTE_RESOURCE, "", "v1", "", "pods", "web-0", "", "get"},
    {"GET", "/api/v1/namespaces/ns/pods/a%2Fb", ROUTE_RESOURCE, "", "v1", "ns", "pods", "a", "b",
     "get"},
    {"GET", "/api/v1/pods/%C3%A9", ROUTE_RESOURCE, "", "v1", "", "pods", "\xc3\xa9", "", "get"},
};

static void assert_no_null_strings(const struct route *r)
{
	ck_assert_ptr_nonnull(r->path);
	ck_assert_ptr_nonnull(r->group);
	ck_assert_ptr_nonnull(r->version);
	ck_assert_ptr_nonnull(r->namespace);
	ck_assert_ptr_nonnull(r->resource);
	ck_assert_ptr_nonnull(r->name);
	ck_assert_ptr_nonnull(r->subresource);
	ck_assert_ptr_nonnull(r->verb);
}

START_TEST(test_route_table)
{
	struct route r;

	ck_assert_msg(route(route_cases[_i].method, route_cases[_i].target, &r) == 0, "%s %s",
		      route_cases[_i].method, route_cases[_i].target);
	assert_no_null_strings(&r);
	ck_assert_msg(r.kind == route_cases[_i].kind, "%s: kind %d", route_cases[_i].target,
		      r.kind);
	ck_assert_str_eq(r.group, route_cases[_i].group);
	ck_assert_str_eq(r.version, route_cases[_i].version);
	ck_assert_str_eq(r.namespace, route_cases[_i].namespace);
	ck_assert_str_eq(r.resource, route_cases[_i].resource);
	ck_assert_str_eq(r.name, route_cases[_i].name);
	ck_assert_str_eq(r.subresource, route_cases[_i].subresource);
	ck_assert_str_eq(r.verb, route_cases[_i].verb);
}
END_TEST

static const char *const rejected_targets[] = {
    "",
    "pods",
    "*",
    "http://example.com/api/v1/pods",
    "?watch=1",
    "/api/v1/pods/%zz",
    "/api/v1/pods/%2",
    "/api/v1/pods/%",
    "/api/v1/pods/%g0",
    "/api/v1/pods/a%00b",
    "/healthz%00",
    "/api/v1/pods?x=%zz",
    "/api/v1/pods?x=%",
    "/api/v1/pods?%zz=1",
    "/api/v1/pods?x=%00",
    "/api/v1/pods?x%00=1",
    "/api/v1/pods/..",
    "/api/v1/pods/.",
    "/api/v1/pods/%2e%2E",
    "/api/v1/namespaces/../pods",
    "/api/v1/namespaces/./pods/x",
    "/api/v1/namespaces/..",
    "/api/v1/../pods",
    "/api/v1/./pods",
    "/api/../v1/pods",
    "/apis/../v1",
    "/apis/apps/..",
    "/apis/apps/v1/namespaces/ns/deployments/web/..",
    "/api/v1/watch",
    "/api/v1/watch/",
    "/apis/apps/v1/watch",
};

START_TEST(test_rejected_target)
{
	struct route r;

	ck_assert_msg(route("GET", rejected_targets[_i], &r) == -1, "accepted \"%s\"",
		      rejected_targets[_i]);
}
END_TEST

START_TEST(test_nul_byte_in_target)
{
	static const char target[] = "/api/v1/pods/a\0b";
	struct route r;

	ck_assert_int_eq(router_parse(&arena, "GET", 3, target, sizeof(target) - 1, &r), -1);
	ck_assert_int_eq(router_parse(&arena, "GET", 3, target, 14, &r), 0);
	ck_assert_str_eq(r.name, "a");
}
END_TEST

START_TEST(test_query_decoding)
{
	struct route r;

	ck_assert_int_eq(route("GET",
			       "/api/v1/namespaces/ns/pods?limit=500&continue=abc%3D%3D&"
			       "labelSelector=app+in+%28a%2Cb%29&includeUninitialized&a%2Bb=c+d%2B",
			       &r),
			 0);
	ck_assert_str_eq(r.path, "/api/v1/namespaces/ns/pods");
	ck_assert_uint_eq(r.num_params, 5);
	ck_assert_str_eq(r.params[0].name, "limit");
	ck_assert_str_eq(r.params[0].value, "500");
	ck_assert_str_eq(r.params[1].name, "continue");
	ck_assert_str_eq(r.params[1].value, "abc==");
	ck_assert_str_eq(r.params[2].name, "labelSelector");
	ck_assert_str_eq(r.params[2].value, "app in (a,b)");
	ck_assert_str_eq(r.params[3].name, "includeUninitialized");
	ck_assert_str_eq(r.params[3].value, "");
	ck_assert_str_eq(r.params[4].name, "a+b");
	ck_assert_str_eq(r.params[4].value, "c d+");
	ck_assert_str_eq(route_param(&r, "labelSelector"), "app in (a,b)");
	ck_assert_str_eq(route_param(&r, "includeUninitialized"), "");
	ck_assert_ptr_null(route_param(&r, "fieldSelector"));
	ck_assert_ptr_null(route_param(&r, "Limit"));
}
END_TEST

START_TEST(test_query_duplicates_and_empty_pairs)
{
	struct route r;

	ck_assert_int_eq(route("GET", "/healthz?&a=1&&a=2&b=x=y&=v&", &r), 0);
	ck_assert_uint_eq(r.num_params, 4);
	ck_assert_str_eq(route_param(&r, "a"), "1");
	ck_assert_str_eq(r.params[1].name, "a");
	ck_assert_str_eq(r.params[1].value, "2");
	ck_assert_str_eq(route_param(&r, "b"), "x=y");
	ck_assert_str_eq(route_param(&r, ""), "v");
}
END_TEST

START_TEST(test_query_absent_or_empty)
{
	struct route r;

	ck_assert_int_eq(route("GET", "/api/v1/pods", &r), 0);
	ck_assert_uint_eq(r.num_params, 0);
	ck_assert_ptr_null(route_param(&r, "watch"));
	ck_assert_int_eq(route("GET", "/api/v1/pods?", &r), 0);
	ck_assert_uint_eq(r.num_params, 0);
	ck_assert_str_eq(r.path, "/api/v1/pods");
	ck_assert_str_eq(r.verb, "list");
}
END_TEST

START_TEST(test_path_is_decoded)
{
	struct route r;

	ck_assert_int_eq(route("GET", "/api/v1/namespaces/a%2Fb/pods/?x=%2F", &r), 0);
	ck_assert_str_eq(r.path, "/api/v1/namespaces/a/b/pods/");
	ck_assert_int_eq(route("GET", "/version%3Fx", &r), 0);
	ck_assert_str_eq(r.path, "/version?x");
	ck_assert_uint_eq(r.num_params, 0);
	ck_assert_int_eq(r.kind, ROUTE_NON_RESOURCE);
}
END_TEST

START_TEST(test_route_lives_in_arena)
{
	const char *target = "/apis/apps/v1/namespaces/ns/deployments/web/scale?dryRun=All";
	size_t len = strlen(target);
	char *copy = malloc(len + 1);
	char method[] = "PUT";
	struct route r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, target, len + 1);
	ck_assert_int_eq(router_parse(&arena, method, 3, copy, len, &r), 0);
	memset(copy, 'x', len);
	free(copy);
	memset(method, 'x', 3);
	ck_assert_str_eq(r.path, "/apis/apps/v1/namespaces/ns/deployments/web/scale");
	ck_assert_str_eq(r.group, "apps");
	ck_assert_str_eq(r.version, "v1");
	ck_assert_str_eq(r.namespace, "ns");
	ck_assert_str_eq(r.resource, "deployments");
	ck_assert_str_eq(r.name, "web");
	ck_assert_str_eq(r.subresource, "scale");
	ck_assert_str_eq(r.verb, "update");
	ck_assert_str_eq(route_param(&r, "dryRun"), "All");
}
END_TEST

START_TEST(test_non_resource_verb_is_lower_case_method)
{
	struct route r;

	ck_assert_int_eq(route("PROPFIND", "/apis", &r), 0);
	ck_assert_int_eq(r.kind, ROUTE_APIS_ROOT);
	ck_assert_str_eq(r.verb, "propfind");
	ck_assert_int_eq(route("PUT", "/metrics", &r), 0);
	ck_assert_str_eq(r.verb, "put");
}
END_TEST

#define N(array) ((int)(sizeof(array) / sizeof((array)[0])))

static Suite *router_suite(void)
{
	Suite *s = suite_create("router");
	TCase *paths = tcase_create("paths");
	TCase *query = tcase_create("query");

	tcase_add_checked_fixture(paths, setup, teardown);
	tcase_add_loop_test(paths, test_route_table, 0, N(route_cases));
	tcase_add_loop_test(paths, test_rejected_target, 0, N(rejected_targets));
	tcase_add_test(paths, test_nul_byte_in_target);
	tcase_add_test(paths, test_path_is_decoded);
	tcase_add_test(paths, test_route_lives_in_arena);
	tcase_add_test(paths, test_non_resource_verb_is_lower_case_method);
	suite_add_tcase(s, paths);

	tcase_add_checked_fixture(query, setup, teardown);
	tcase_add_test(query, test_query_decoding);
	tcase_add_test(query, test_query_duplicates_and_empty_pairs);
	tcase_add_test(query, test_query_absent_or_empty);
	suite_add_tcase(s, query);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(router_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
