/*
 * test_defaults.c - unit tests for shared/defaults.c, its hooks
 * (shared/defaults_hooks.c) and shared/image_ref.c.
 *
 * The golden tests read pairs of files under tests/unit/defaults/: NAME.in
 * .json holds manifests (one object or an array of them) as a user sends
 * them, NAME.out.json the same objects as kube-apiserver v1.32 holds them
 * after defaulting, written out by hand from upstream's defaults.go files.
 * Each output must come out exactly, and defaulting it again must change
 * nothing. Then the edge cases of Go's zero values, the table's syntax and
 * its errors, and image references. The suite runs from the repository
 * root (tests/unit/run.sh does that), or finds it from the binary's path.
 */
#include <check.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/catalog.h"
#include "shared/defaults.h"
#include "tests/unit/repo_root.h"
#include "shared/image_ref.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define GOLDEN_DIR "tests/unit/defaults"

static void setup(void)
{
	char err[512];

	ck_assert_msg(catalog_load(err, sizeof(err)) == 0, "catalog: %s", err);
	ck_assert_msg(defaults_load(err, sizeof(err)) == 0, "defaults: %s", err);
}

static char *dump(json_t *v)
{
	return json_dumps(v, JSON_INDENT(1) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static json_t *load_file(const char *name, const char *suffix)
{
	char path[256];
	json_error_t err;
	json_t *v;

	snprintf(path, sizeof(path), GOLDEN_DIR "/%s.%s.json", name, suffix);
	v = json_load_file(path, JSON_DECODE_ANY, &err);
	ck_assert_msg(v != NULL, "%s: line %d: %s", path, err.line, err.text);
	return v;
}

/* Defaults obj (an object, or an array of objects) and compares it with want. */
static void expect_defaults(const char *name, json_t *obj, json_t *want)
{
	json_t *items = json_is_array(obj) ? obj : NULL, *item;
	size_t i;

	if (items) {
		ck_assert_msg(json_is_array(want) &&
				  json_array_size(want) == json_array_size(items),
			      "%s: the outputs do not pair with the inputs", name);
		json_array_foreach(items, i, item) ck_assert_int_eq(defaults_apply_object(item), 0);
	} else {
		ck_assert_int_eq(defaults_apply_object(obj), 0);
	}
	if (!json_equal(obj, want)) {
		char *got_text = dump(obj), *want_text = dump(want);

		/* Too long for a Check message: the texts go to stderr. */
		fprintf(stderr, "%s:\ngot:\n%s\nwant:\n%s\n", name, got_text, want_text);
		free(got_text);
		free(want_text);
		ck_assert_msg(0, "%s: the defaults differ (see above)", name);
	}
}

static const char *const golden[] = {
    "pod",     "deployment", "statefulset", "daemonset",     "replicaset", "job",
    "service", "endpoints",  "ingress",	    "networkpolicy", "storage",	   "core",
    "rbac",    "hpa",	     "policy",	    "crd",	     "admission",  "flowcontrol",
};

START_TEST(test_golden)
{
	const char *name = golden[_i];
	json_t *in = load_file(name, "in"), *want = load_file(name, "out");

	expect_defaults(name, in, want);
	/* Defaulting is idempotent: the expected output is a fixed point. */
	expect_defaults(name, in, want);
	json_decref(in);
	json_decref(want);
}
END_TEST

/* Defaults one object given as text and compares the compact result. */
static void expect_object(const char *in, const char *want)
{
	json_t *obj = json_loads(in, 0, NULL), *expected = json_loads(want, 0, NULL);

	ck_assert_msg(obj && expected, "bad test JSON");
	ck_assert_int_eq(defaults_apply_object(obj), 0);
	if (!json_equal(obj, expected)) {
		char *got = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);

		ck_assert_msg(0, "defaults of %s:\ngot  %s\nwant %s", in, got, want);
	}
	json_decref(obj);
	json_decref(expected);
}

START_TEST(test_zero_values)
{
	/* A pointer field keeps an explicit zero value; null is unset. */
	expect_object("{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\","
		      "\"preemptionPolicy\":\"\"}",
		      "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\","
		      "\"preemptionPolicy\":\"\"}");
	expect_object("{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\","
		      "\"preemptionPolicy\":null}",
		      "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\","
		      "\"preemptionPolicy\":\"PreemptLowerPriority\"}");
	expect_object("{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"CSIDriver\",\"spec\":{"
		      "\"attachRequired\":false,\"podInfoOnMount\":true,\"storageCapacity\":false,"
		      "\"fsGroupPolicy\":\"\",\"volumeLifecycleModes\":[],\"requiresRepublish\":"
		      "false,\"seLinuxMount\":false}}",
		      "{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"CSIDriver\",\"spec\":{"
		      "\"attachRequired\":false,\"podInfoOnMount\":true,\"storageCapacity\":false,"
		      "\"fsGroupPolicy\":\"\",\"volumeLifecycleModes\":[\"Persistent\"],"
		      "\"requiresRepublish\":false,\"seLinuxMount\":false}}");
	/* A missing non-pointer struct is made when a default goes into it. */
	expect_object(
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\"}",
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"spec\":{\"replicas\":1,"
	    "\"template\":{\"spec\":{\"dnsPolicy\":\"ClusterFirst\",\"restartPolicy\":"
	    "\"Always\",\"schedulerName\":\"default-scheduler\",\"securityContext\":{},"
	    "\"terminationGracePeriodSeconds\":30}}}}");
	/* ... and is left out when none does. */
	expect_object(
	    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
	/* A non-pointer string: "" and null are unset, other values stay. */
	expect_object("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"\"}",
		      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"Opaque\"}");
	expect_object("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":null}",
		      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":\"Opaque\"}");
	/* A non-pointer number: 0 is unset. */
	expect_object("{\"apiVersion\":\"flowcontrol.apiserver.k8s.io/v1\",\"kind\":\"FlowSchema\","
		      "\"spec\":{\"matchingPrecedence\":0}}",
		      "{\"apiVersion\":\"flowcontrol.apiserver.k8s.io/v1\",\"kind\":\"FlowSchema\","
		      "\"spec\":{\"matchingPrecedence\":1000}}");
	/* A non-pointer bool: false is unset; RBAC subjects default by kind only. */
	expect_object("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\","
		      "\"roleRef\":{\"apiGroup\":\"x\"},\"subjects\":[{\"kind\":\"Robot\"}]}",
		      "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\","
		      "\"roleRef\":{\"apiGroup\":\"x\"},\"subjects\":[{\"kind\":\"Robot\"}]}");
	/* A value of the wrong JSON type is not Go's zero: it stays for validation. */
	expect_object("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":5}",
		      "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"type\":5}");
	/* Elements that are not objects are passed over. */
	expect_object(
	    "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"subsets\":[7,{\"ports\":[null,"
	    "{}]}]}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"subsets\":[7,{\"ports\":[null,"
	    "{\"protocol\":\"TCP\"}]}]}");
	/* Limits given as {}: requests stay absent (an empty Go map is not written). */
	expect_object(
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"enableServiceLinks\":false,"
	    "\"dnsPolicy\":\"Default\",\"restartPolicy\":\"Never\",\"schedulerName\":\"s\","
	    "\"securityContext\":{},\"terminationGracePeriodSeconds\":1,\"containers\":[{"
	    "\"name\":\"a\",\"image\":\"a:1\",\"imagePullPolicy\":\"Never\","
	    "\"terminationMessagePath\":\"/t\",\"terminationMessagePolicy\":\"File\","
	    "\"resources\":{\"limits\":{}}}]}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"enableServiceLinks\":false,"
	    "\"dnsPolicy\":\"Default\",\"restartPolicy\":\"Never\",\"schedulerName\":\"s\","
	    "\"securityContext\":{},\"terminationGracePeriodSeconds\":1,\"containers\":[{"
	    "\"name\":\"a\",\"image\":\"a:1\",\"imagePullPolicy\":\"Never\","
	    "\"terminationMessagePath\":\"/t\",\"terminationMessagePolicy\":\"File\","
	    "\"resources\":{\"limits\":{}}}]}}");
	/* A node whose capacity is empty gets no allocatable. */
	expect_object("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"status\":{\"capacity\":{}}}",
		      "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"status\":{\"capacity\":{}}}");
}
END_TEST

START_TEST(test_apply_errors)
{
	json_t *obj = json_loads("{\"apiVersion\":\"v1\",\"kind\":\"Nothing\"}", 0, NULL);
	json_t *arr = json_array();

	ck_assert_int_eq(defaults_apply_object(obj), -1);
	json_object_set_new(obj, "kind", json_string("Pod"));
	json_object_del(obj, "apiVersion");
	ck_assert_int_eq(defaults_apply_object(obj), -1);
	ck_assert_int_eq(defaults_apply_object(arr), -1);
	ck_assert_int_eq(defaults_apply(catalog_kind("", "v1", "Pod"), arr), -1);
	ck_assert_int_eq(defaults_apply(NULL, obj), -1);
	json_decref(obj);
	json_decref(arr);
}
END_TEST

/* Loads a table that must fail, with this exact message. */
static void expect_load_error(const char *table, const char *want)
{
	char err[512] = "";

	ck_assert_int_eq(defaults_load_text(table, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
}

START_TEST(test_table_errors)
{
	expect_load_error("package k8s.io.api.core.v1\nNoSuchType a 1\n",
			  "line 2: no type k8s.io.api.core.v1.NoSuchType");
	expect_load_error("k8s.io.api.core.v1.Secret typo \"x\"\n",
			  "line 1: typo: k8s.io.api.core.v1.Secret has no field typo");
	expect_load_error("k8s.io.api.core.v1.Secret type \"x\n", "line 1: value \"x is not JSON");
	expect_load_error("k8s.io.api.core.v1.Secret type 1\n",
			  "line 1: value 1 does not fit type");
	expect_load_error("k8s.io.api.core.v1.Secret type \"\"\n",
			  "line 1: value \"\" is unset for type: the rule does nothing");
	expect_load_error("k8s.io.api.core.v1.Pod spec.containers.name \"x\"\n",
			  "line 1: spec.containers.name: containers is not a struct");
	expect_load_error(
	    "k8s.io.api.apps.v1.DeploymentSpec strategy {\"type\":\"A\",\"bogus\":1}\n",
	    "line 1: value {\"type\":\"A\",\"bogus\":1} does not fit strategy");
	expect_load_error("k8s.io.api.core.v1.Secret @no_such_hook\n",
			  "line 1: no hook no_such_hook (for k8s.io.api.core.v1.Secret)");
	expect_load_error(
	    "k8s.io.api.core.v1.Secret @volume_empty_dir\n",
	    "line 1: hook volume_empty_dir is not written for k8s.io.api.core.v1.Secret");
	expect_load_error("k8s.io.api.core.v1.Secret type \"x\" when set(data)\n",
			  "line 1: expected \"if\" before when");
	expect_load_error("k8s.io.api.core.v1.Secret type \"x\" if\n",
			  "line 1: \"if\" without conditions");
	expect_load_error("k8s.io.api.core.v1.Secret type \"x\" if maybe(data)\n",
			  "line 1: bad condition maybe(data)");
	expect_load_error("k8s.io.api.core.v1.Secret type \"x\" if set(nope)\n",
			  "line 1: nope: k8s.io.api.core.v1.Secret has no field nope");
	expect_load_error("k8s.io.api.core.v1.Secret type =data\n",
			  "line 1: type cannot hold a copy of data");
	expect_load_error("k8s.io.api.core.v1.Secret type\n",
			  "line 1: a rule needs a type, a path and a value");
	expect_load_error("ref Broken {\n", "line 1: value { is not JSON");
	/* The markers are checked once the table is read. */
	expect_load_error(
	    "ref AzureDataDiskCachingReadWrite \"ReadWrite\"\n",
	    "k8s.io.api.core.v1.AzureDiskVolumeSource.kind: default=ref(AzureSharedBlobDisk) "
	    "names no ref line");
	expect_load_error(
	    "ref AzureDataDiskCachingReadWrite 1\nref AzureSharedBlobDisk \"Shared\"\n",
	    "k8s.io.api.core.v1.AzureDiskVolumeSource.cachingMode: "
	    "default=ref(AzureDataDiskCachingReadWrite) does not fit the field");
}
END_TEST

/* The refs every table needs for the catalog's markers. */
#define REFS "ref AzureDataDiskCachingReadWrite \"ReadWrite\"\nref AzureSharedBlobDisk \"Shared\"\n"

START_TEST(test_table_semantics)
{
	char err[512] = "";

	ck_assert_msg(defaults_load_text(
			  REFS "package k8s.io.api.core.v1\n"
			       "# comments and blank lines are skipped\n\n"
			       "ServiceSpec clusterIP delete if type=ExternalName\n"
			       "ServiceSpec loadBalancerIP \"none\" if type=|NodePort\n"
			       "ServiceSpec externalName =clusterIP if set(selector)\n"
			       "ServiceSpec healthCheckNodePort 1 if nil(externalIPs)\n"
			       "ServiceSpec loadBalancerClass \"c\" if unset(externalIPs) type!\n",
			  err, sizeof(err)) == -1,
		      "a bad condition loaded");
	ck_assert_str_eq(err, "line 10: bad condition type!");
	ck_assert_msg(
	    defaults_load_text(REFS "package k8s.io.api.core.v1\n"
				    "ServiceSpec clusterIP delete if type=ExternalName\n"
				    "ServiceSpec loadBalancerIP \"none\" if type=|NodePort\n"
				    "ServiceSpec externalName =clusterIP if set(selector)\n"
				    "ServiceSpec healthCheckNodePort 1 if nil(externalIPs)\n"
				    "ServiceSpec loadBalancerClass \"c\" if unset(externalIPs)\n"
				    "ServiceSpec ipFamilies =externalIPs\n",
			       err, sizeof(err)) == 0,
	    "%s", err);
	/* delete, an empty alternative for unset, a copy, nil() against [] */
	expect_object(
	    "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"type\":\"ExternalName\","
	    "\"clusterIP\":\"1.2.3.4\",\"selector\":{\"a\":\"b\"},\"externalIPs\":[]}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"type\":\"ExternalName\","
	    "\"selector\":{\"a\":\"b\"},\"externalIPs\":[],\"loadBalancerClass\":\"c\"}}");
	expect_object(
	    "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"clusterIP\":\"None\","
	    "\"selector\":{\"a\":\"b\"},\"externalIPs\":[\"1.1.1.1\"]}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"clusterIP\":\"None\","
	    "\"selector\":{\"a\":\"b\"},\"externalIPs\":[\"1.1.1.1\"],\"loadBalancerIP\":"
	    "\"none\",\"externalName\":\"None\",\"ipFamilies\":[\"1.1.1.1\"]}}");
	expect_object(
	    "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"type\":\"NodePort\"}}",
	    "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"type\":\"NodePort\","
	    "\"loadBalancerIP\":\"none\",\"healthCheckNodePort\":1,\"loadBalancerClass\":"
	    "\"c\"}}");
	/* The rules of this table only: no PodSpec defaults now. */
	expect_object("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{}}",
		      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{}}");
}
END_TEST

START_TEST(test_image_pull_policy)
{
	static const struct {
		const char *image;
		const char *policy;
	} cases[] = {
	    {"nginx", "Always"},
	    {"nginx:latest", "Always"},
	    {"nginx:1.27", "IfNotPresent"},
	    {"library/nginx", "Always"},
	    {"docker.io/library/nginx:Latest", "IfNotPresent"},
	    {"index.docker.io/nginx", "Always"},
	    {"localhost/app", "Always"},
	    {"localhost:5000/app:v1", "IfNotPresent"},
	    {"registry.example.com:5000/team/app", "Always"},
	    {"[::1]:5000/app:latest", "Always"},
	    {"Registry.Example.com/app", "Always"},
	    {"a_b.c/app", "Always"},
	    {"app@sha256:4b14a2b3c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f8",
	     "IfNotPresent"},
	    {"app:latest@sha256:4b14a2b3c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f8",
	     "Always"},
	    /* not parsed: the tag reads as "" */
	    {"", "IfNotPresent"},
	    {"Nginx", "IfNotPresent"},
	    {"nginx:", "IfNotPresent"},
	    {"nginx::1", "IfNotPresent"},
	    {"app:latest@sha256:4B14A2B3C5D6E7F80912A3B4C5D6E7F80912A3B4C5D6E7F80912A3B4C5D6E7F8",
	     "IfNotPresent"},
	    {"app:latest@md5:4b14a2b3c5d6e7f80912a3b4c5d6e7f8", "IfNotPresent"},
	    {"app:latest@sha256:4b14", "IfNotPresent"},
	    {"4b14a2b3c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f8", "IfNotPresent"},
	    {"my..app", "IfNotPresent"},
	    {"my_-app", "IfNotPresent"},
	    {"my__app:latest", "Always"},
	    {"my---app", "Always"},
	    {"-app", "IfNotPresent"},
	    {"app/", "IfNotPresent"},
	    {"foo:bar/baz", "IfNotPresent"},
	    {"host:port/app", "IfNotPresent"},
	    {"-bad.com/app", "IfNotPresent"},
	    {"app:-tag", "IfNotPresent"},
	    {"app:_tag", "IfNotPresent"},
	    {"app:latest ", "IfNotPresent"},
	};
	char long_name[300];

	for (size_t i = 0; i < N(cases); i++)
		ck_assert_msg(
		    strcmp(image_ref_default_pull_policy(cases[i].image), cases[i].policy) == 0,
		    "%s: got %s, want %s", cases[i].image,
		    image_ref_default_pull_policy(cases[i].image), cases[i].policy);
	/* docker.io/library/ plus the name: at most 255 bytes. */
	memset(long_name, 'a', sizeof(long_name));
	long_name[255 - strlen("docker.io/library/")] = '\0';
	ck_assert_str_eq(image_ref_default_pull_policy(long_name), "Always");
	long_name[255 - strlen("docker.io/library/")] = 'a';
	long_name[256 - strlen("docker.io/library/")] = '\0';
	ck_assert_str_eq(image_ref_default_pull_policy(long_name), "IfNotPresent");
}
END_TEST

START_TEST(test_image_ref_parts)
{
	struct image_ref ref;

	ck_assert(
	    image_ref_parse("registry:5000/app:v1.2@sha256:"
			    "4b14a2b3c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d6e7f8",
			    &ref));
	ck_assert_int_eq((int)ref.tag_len, 4);
	ck_assert(strncmp(ref.tag, "v1.2", 4) == 0);
	ck_assert_int_eq((int)ref.digest_len, 71);
	ck_assert(strncmp(ref.digest, "sha256:4b14", 11) == 0);
	ck_assert(image_ref_parse("registry:5000/app", &ref));
	ck_assert_ptr_null(ref.tag);
	ck_assert_ptr_null(ref.digest);
	ck_assert(!image_ref_parse("app:v1/x", &ref));
	ck_assert(image_ref_parse("app:_tag", &ref));
	ck_assert(!image_ref_parse("app:-tag", &ref));
}
END_TEST

static Suite *defaults_suite(void)
{
	Suite *s = suite_create("defaults");
	TCase *tc = tcase_create("golden");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_golden, 0, (int)N(golden));
	suite_add_tcase(s, tc);
	tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_zero_values);
	tcase_add_test(tc, test_apply_errors);
	tcase_add_test(tc, test_table_errors);
	tcase_add_test(tc, test_table_semantics);
	suite_add_tcase(s, tc);
	tc = tcase_create("image_ref");
	tcase_add_test(tc, test_image_pull_policy);
	tcase_add_test(tc, test_image_ref_parts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr;
	int failed;

	chdir_to_repo_root(GOLDEN_DIR);
	sr = srunner_create(defaults_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
