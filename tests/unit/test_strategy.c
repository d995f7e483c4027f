/*
 * test_strategy.c - unit tests for worker/rest_strategy.c.
 *
 * The golden tests read pairs of files under tests/unit/strategy/. For a
 * create, NAME.in.json holds objects as a client sends them (with the uid
 * the server has assigned by then), NAME.out.json the same objects as
 * kube-apiserver v1.32 stores them after defaulting and its strategies'
 * PrepareForCreate (and a Job's generated selector), written out by hand
 * from upstream's strategy.go files. For updates, the input holds
 * {"old", "body"} pairs and the output the objects stored. The requests
 * run at a fixed time, by a fixed user. Then the table's coverage of the
 * resources with a status subresource, and the Pod QoS classes one by one.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/catalog.h"
#include "shared/defaults.h"
#include "shared/registry.h"
#include "tests/unit/repo_root.h"
#include "worker/rest_strategy.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define GOLDEN_DIR "tests/unit/strategy"
#define NOW	   "2026-03-04T05:06:07Z"

static const char *groups[] = {"team-a", "system:authenticated"};
static const char *scopes[] = {"read", "write"};
static struct user_extra extra[] = {{"example.com/scopes", scopes, 2}};
static const struct user_info alice = {
    .name = "alice",
    .uid = "4f1a2b3c",
    .groups = groups,
    .num_groups = 2,
    .extra = extra,
    .num_extra = 1,
    .authenticated = true,
};
static const struct strategy_request request = {NOW, &alice};

static void setup(void)
{
	char err[512];

	ck_assert_msg(catalog_load(err, sizeof(err)) == 0, "catalog: %s", err);
	ck_assert_msg(defaults_load(err, sizeof(err)) == 0, "defaults: %s", err);
	ck_assert_msg(registry_load(err, sizeof(err)) == 0, "registry: %s", err);
}

static json_t *load_file(const char *name, const char *suffix)
{
	char path[256];
	json_error_t err;
	json_t *v;

	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.%s.json", name, suffix);
	v = json_load_file(path, 0, &err);
	ck_assert_msg(json_is_array(v), "%s: line %d: %s", path, err.line, err.text);
	return v;
}

/* The served resource of obj's apiVersion and kind. */
static const struct resource_type *resource_of(json_t *obj)
{
	const char *av = json_string_value(json_object_get(obj, "apiVersion"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	const char *slash = strchr(av ? av : "", '/');

	ck_assert_msg(av && kind, "an object without apiVersion or kind");
	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);
		size_t glen = slash ? (size_t)(slash - av) : 0;

		if (strcmp(rt->kind, kind) == 0 && strlen(rt->group) == glen &&
		    strncmp(rt->group, av, glen) == 0 &&
		    strcmp(rt->version, slash ? slash + 1 : av) == 0)
			return rt;
	}
	ck_abort_msg("no resource serves %s %s", av, kind);
	return NULL;
}

/* Compares got with want; the texts go to stderr, too long for a message. */
static void expect_json(const char *what, size_t i, json_t *got, json_t *want)
{
	char *got_text, *want_text;

	if (json_equal(got, want))
		return;
	got_text = json_dumps(got, JSON_INDENT(1) | JSON_SORT_KEYS);
	want_text = json_dumps(want, JSON_INDENT(1) | JSON_SORT_KEYS);
	fprintf(stderr, "%s[%zu]:\ngot:\n%s\nwant:\n%s\n", what, i, got_text, want_text);
	free(got_text);
	free(want_text);
	ck_abort_msg("%s[%zu]: the objects differ (see above)", what, i);
}

static const char *const create_golden[] = {"pod", "job", "kinds"};

START_TEST(test_create_golden)
{
	const char *name = create_golden[_i];
	json_t *in = load_file(name, "in"), *want = load_file(name, "out"), *obj;
	size_t i;

	ck_assert_int_eq(json_array_size(in), json_array_size(want));
	json_array_foreach(in, i, obj)
	{
		const struct resource_type *rt = resource_of(obj);

		/* As rest_create: defaults first, then the strategy. */
		ck_assert_int_eq(defaults_apply_object(obj), 0);
		strategy_prepare_create(rt->group, rt->resource, obj, &request);
		expect_json(name, i, obj, json_array_get(want, i));
	}
	json_decref(in);
	json_decref(want);
}
END_TEST

/* Update goldens: the strategy step each runs on its {"old", "body"} pairs. */
static const struct {
	const char *name;
	bool status;
} update_golden[] = {{"update", false}, {"status", true}};

START_TEST(test_update_golden)
{
	const char *name = update_golden[_i].name;
	json_t *in = load_file(name, "in"), *want = load_file(name, "out"), *c;
	size_t i;

	ck_assert_int_eq(json_array_size(in), json_array_size(want));
	json_array_foreach(in, i, c)
	{
		json_t *old = json_object_get(c, "old"),
		       *obj = json_deep_copy(json_object_get(c, "body"));
		json_t *old_copy = json_deep_copy(old);
		const struct resource_type *rt = resource_of(old);

		if (update_golden[_i].status)
			strategy_prepare_status_update(rt->group, rt->resource, obj, old, &request);
		else
			strategy_prepare_update(rt->group, rt->resource, obj, old);
		expect_json(name, i, obj, json_array_get(want, i));
		/* The stored object is only read. */
		ck_assert(json_equal(old, old_copy));
		json_decref(old_copy);
		json_decref(obj);
	}
	json_decref(in);
	json_decref(want);
}
END_TEST

START_TEST(test_every_status_subresource_has_a_rule)
{
	size_t with_status = 0;

	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);

		if (!registry_find_subresource(rt, "status"))
			continue;
		with_status++;
		ck_assert_msg(strategy_known(rt->group, rt->resource), "no strategy rule for %s.%s",
			      rt->resource, rt->group);
	}
	/* The v1.32 set: 24 resources, horizontalpodautoscalers in two versions. */
	ck_assert_int_eq(with_status, 25);
	ck_assert(!strategy_known("", "configmaps"));
	ck_assert(!strategy_known("apps", "pods"));
}
END_TEST

/* Pods, and the class GetPodQOS gives each. */
static const struct {
	const char *pod, *qos;
} qos_cases[] = {
    {"{}", "BestEffort"},
    {"{\"spec\":{\"containers\":[{}]}}", "BestEffort"},
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"0\",\"memory\":\"0\"},"
     "\"limits\":{\"cpu\":\"0\"}}}]}}",
     "BestEffort"},
    {"{\"spec\":{\"containers\":[{\"resources\":{\"limits\":{\"ephemeral-storage\":\"1Gi\"},"
     "\"requests\":{\"ephemeral-storage\":\"1Gi\"}}}]}}",
     "BestEffort"},
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"memory\":\"1\"}}}]}}",
     "Burstable"},
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},"
     "\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}}",
     "Guaranteed"},
    /* limits alone: without requests (defaulting copies them), not equal */
    {"{\"spec\":{\"containers\":[{\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}"
     "}",
     "Burstable"},
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}"
     ","
     "\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}}",
     "Burstable"},
    /* equal after exact parsing: 0.5 == 500m, 1Gi == 1073741824 */
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"0.5\",\"memory\":"
     "\"1073741824\"},\"limits\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"}}}]}}",
     "Guaranteed"},
    /* sums are compared: 100m+900m of requests against 500m+500m of limits */
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"1\"},"
     "\"limits\":{\"cpu\":\"500m\",\"memory\":\"1\"}}},{\"resources\":{\"requests\":{\"cpu\":"
     "\"900m\",\"memory\":\"1\"},\"limits\":{\"cpu\":\"500m\",\"memory\":\"1\"}}}]}}",
     "Guaranteed"},
    /* a memory limit alone in one container breaks Guaranteed */
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\",\"memory\":\"1\"},"
     "\"limits\":{\"cpu\":\"1\",\"memory\":\"1\"}}},{\"resources\":{\"requests\":{\"memory\":"
     "\"1\"},\"limits\":{\"memory\":\"1\"}}}]}}",
     "Burstable"},
    {"{\"spec\":{\"initContainers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\"}}}],"
     "\"containers\":[{}]}}",
     "Burstable"},
    {"{\"spec\":{\"initContainers\":[{\"resources\":{\"requests\":{\"cpu\":\"1\",\"memory\":"
     "\"2\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"2\"}}}],\"containers\":[{\"resources\":{"
     "\"requests\":{\"cpu\":\"1\",\"memory\":\"2\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"2\"}}}"
     "]}}",
     "Guaranteed"},
    /* ephemeral containers do not count */
    {"{\"spec\":{\"containers\":[{}],\"ephemeralContainers\":[{\"resources\":{\"requests\":{"
     "\"cpu\":\"1\"}}}]}}",
     "BestEffort"},
    /* a class the pod has is kept */
    {"{\"spec\":{\"containers\":[{}]},\"status\":{\"qosClass\":\"Burstable\"}}", "Burstable"},
    {"{\"spec\":{\"containers\":[{}]},\"status\":{\"qosClass\":\"\"}}", "BestEffort"},
    /* sums too long to write (far apart values) equal nothing; upstream, Guaranteed */
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"1e5000\",\"memory\":"
     "\"1\"},\"limits\":{\"cpu\":\"1e5000\",\"memory\":\"1\"}}},{\"resources\":{\"requests\":"
     "{\"cpu\":\"1\",\"memory\":\"1\"},\"limits\":{\"cpu\":\"1\",\"memory\":\"1\"}}}]}}",
     "Burstable"},
    /* what does not parse is passed over */
    {"{\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"lots\",\"memory\":7}}}]}}",
     "BestEffort"},
};

START_TEST(test_pod_qos)
{
	json_t *pod = json_loads(qos_cases[_i].pod, 0, NULL);

	ck_assert_msg(pod != NULL, "bad test JSON: %s", qos_cases[_i].pod);
	ck_assert_str_eq(strategy_pod_qos(pod), qos_cases[_i].qos);
	json_decref(pod);
}
END_TEST

/* A create without a requester, of a kind without a rule, and twice over. */
START_TEST(test_create_edges)
{
	struct strategy_request nobody = {NOW, NULL};
	json_t *csr = json_loads(
	    "{\"apiVersion\":\"certificates.k8s.io/v1\",\"kind\":\"CertificateSigningRequest\","
	    "\"metadata\":{\"name\":\"x\"},\"spec\":{\"username\":\"mallory\",\"uid\":\"1\","
	    "\"groups\":[\"system:masters\"],\"extra\":{\"a\":[\"b\"]},\"signerName\":\"s\"}}",
	    0, NULL);
	json_t *want = json_loads(
	    "{\"apiVersion\":\"certificates.k8s.io/v1\",\"kind\":\"CertificateSigningRequest\","
	    "\"metadata\":{\"name\":\"x\"},\"spec\":{\"signerName\":\"s\"},\"status\":{}}",
	    0, NULL);
	json_t *cm = json_loads(
	    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"status\":{\"a\":1}}", 0, NULL);
	json_t *cm_copy = json_deep_copy(cm);
	json_t *pod = json_loads("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":"
				 "[{\"name\":\"c\",\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]}}",
				 0, NULL);

	strategy_prepare_create("certificates.k8s.io", "certificatesigningrequests", csr, &nobody);
	expect_json("csr without a requester", 0, csr, want);
	strategy_prepare_create("", "configmaps", cm, &request);
	expect_json("configmap", 0, cm, cm_copy);
	/* The second create keeps the class the first computed, as GetPodQOS does. */
	strategy_prepare_create("", "pods", pod, &request);
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(pod, "status"), "qosClass")),
	    "Burstable");
	json_object_set_new(json_object_get(pod, "status"), "qosClass", json_string("Guaranteed"));
	strategy_prepare_create("", "pods", pod, &request);
	ck_assert_str_eq(
	    json_string_value(json_object_get(json_object_get(pod, "status"), "qosClass")),
	    "Guaranteed");
	json_decref(csr);
	json_decref(want);
	json_decref(cm);
	json_decref(cm_copy);
	json_decref(pod);
}
END_TEST

/* A status write to a resource without a rule changes the status alone. */
START_TEST(test_status_without_rule)
{
	json_t *old = json_loads(
	    "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\","
	    "\"uid\":\"u\",\"labels\":{\"a\":\"1\"},\"managedFields\":[{\"manager\":\"old\"}]},"
	    "\"spec\":{\"size\":1},\"extra\":true,\"status\":{\"ready\":false}}",
	    0, NULL);
	json_t *body = json_loads(
	    "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\","
	    "\"labels\":{\"a\":\"2\"},\"managedFields\":[{\"manager\":\"new\"}]},\"spec\":{"
	    "\"size\":2},\"status\":{\"ready\":true}}",
	    0, NULL);
	json_t *want = json_loads(
	    "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\","
	    "\"uid\":\"u\",\"labels\":{\"a\":\"1\"},\"managedFields\":[{\"manager\":\"new\"}]},"
	    "\"spec\":{\"size\":1},\"extra\":true,\"status\":{\"ready\":true}}",
	    0, NULL);

	strategy_prepare_status_update("example.com", "widgets", body, old, &request);
	expect_json("custom resource status", 0, body, want);
	/* Without a status in the body, none is stored. */
	json_object_del(body, "status");
	strategy_prepare_status_update("example.com", "widgets", body, old, &request);
	ck_assert_ptr_null(json_object_get(body, "status"));
	ck_assert(json_equal(json_object_get(body, "spec"), json_object_get(old, "spec")));
	json_decref(old);
	json_decref(body);
	json_decref(want);
}
END_TEST

static Suite *strategy_suite(void)
{
	Suite *s = suite_create("strategy");
	TCase *tc = tcase_create("golden");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_create_golden, 0, (int)N(create_golden));
	tcase_add_loop_test(tc, test_update_golden, 0, (int)N(update_golden));
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_every_status_subresource_has_a_rule);
	tcase_add_loop_test(tc, test_pod_qos, 0, (int)N(qos_cases));
	tcase_add_test(tc, test_create_edges);
	tcase_add_test(tc, test_status_without_rule);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	chdir_to_repo_root(GOLDEN_DIR);
	sr = srunner_create(strategy_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
