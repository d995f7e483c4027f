/*
 * test_proto_json.c - unit tests for the type catalog (shared/catalog.c),
 * the protobuf wire format and envelope (shared/protobuf.c), the
 * transcoder (shared/proto_json*.c) and Go durations (shared/go_duration.c).
 *
 * Decoding is checked against bytes written out by hand the way Go's
 * generated marshallers write them (every non-pointer field, a zero
 * metav1.Time as an empty message), and the JSON expected is what
 * encoding/json makes of the Go struct those bytes decode to.
 */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/catalog.h"
#include "shared/go_duration.h"
#include "shared/proto_json.h"
#include "shared/protobuf.h"
#include "shared/registry.h"
#include "tests/unit/repo_root.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define B(s) (const uint8_t *)(s), sizeof(s) - 1

static void load_catalog(void)
{
	char err[256];

	ck_assert_msg(catalog_load(err, sizeof(err)) == 0, "catalog: %s", err);
}

static char *dump(json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Decodes data as type name and compares the compact JSON with want. */
static void expect_decode(const char *name, const uint8_t *data, size_t len, const char *want)
{
	char err[256] = "";
	const struct catalog_type *t = catalog_type(name);
	json_t *v;
	char *got;

	ck_assert_msg(t != NULL, "no type %s", name);
	v = proto_json_decode(t, data, len, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s: %s", name, err);
	got = dump(v);
	ck_assert_str_eq(got, want);
	free(got);
	json_decref(v);
}

static void expect_error(const char *name, const uint8_t *data, size_t len, const char *want)
{
	char err[256] = "";
	json_t *v = proto_json_decode(catalog_type(name), data, len, err, sizeof(err));

	ck_assert_msg(v == NULL, "%s decoded", name);
	ck_assert_msg(strstr(err, want) != NULL, "error \"%s\" lacks \"%s\"", err, want);
}

/* JSON -> protobuf -> JSON gives the same text. */
static void expect_round_trip(const char *name, const char *text)
{
	char err[256] = "";
	const struct catalog_type *t = catalog_type(name);
	json_t *in = json_loads(text, JSON_ALLOW_NUL, NULL), *out;
	struct buf b = {0};
	char *got;

	ck_assert_msg(t && in, "%s / %s", name, text);
	proto_json_encode(t, in, &b);
	out =
	    proto_json_decode(t, (const uint8_t *)(b.data ? b.data : ""), b.len, err, sizeof(err));
	ck_assert_msg(out != NULL, "%s: %s", name, err);
	got = dump(out);
	ck_assert_str_eq(got, text);
	free(got);
	json_decref(in);
	json_decref(out);
	buf_free(&b);
}

START_TEST(test_catalog_lookup)
{
	const struct catalog_type *pod = catalog_kind("", "v1", "Pod");
	const struct catalog_type *spec;
	const struct catalog_field *f;
	char name[128];

	ck_assert_ptr_nonnull(pod);
	ck_assert_str_eq(pod->name, "k8s.io.api.core.v1.Pod");
	catalog_openapi_name(pod, name, sizeof(name));
	ck_assert_str_eq(name, "io.k8s.api.core.v1.Pod");
	f = catalog_field_by_name(pod, "spec");
	ck_assert_int_eq(f->number, 2);
	spec = f->type;
	f = catalog_field_by_name(spec, "containers");
	ck_assert_int_eq(f->number, 2);
	ck_assert(f->repeated);
	ck_assert_str_eq(f->type->name, "k8s.io.api.core.v1.Container");
	f = catalog_field_by_name(spec, "terminationGracePeriodSeconds");
	ck_assert_int_eq(f->number, 4);
	ck_assert(f->pointer);
	ck_assert_int_eq(f->scalar, CATALOG_INT64);
	ck_assert_ptr_nonnull(catalog_kind("apps", "v1", "Deployment"));
	ck_assert_ptr_nonnull(catalog_kind("rbac.authorization.k8s.io", "v1", "ClusterRole"));
	ck_assert_ptr_nonnull(catalog_kind("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema"));
	ck_assert_ptr_nonnull(
	    catalog_kind("apiextensions.k8s.io", "v1", "CustomResourceDefinition"));
	ck_assert_ptr_nonnull(catalog_kind("apiregistration.k8s.io", "v1", "APIService"));
	ck_assert_ptr_null(catalog_kind("apps", "v1", "Nonsense"));
	/* The group matches whole (fuzz_proto_json: only its first label was looked at). */
	ck_assert_ptr_null(catalog_kind("apps.example.com", "v1", "Deployment"));
	ck_assert_ptr_null(catalog_kind("events.k8s.io.example.com", "v1", "Event"));
	ck_assert_ptr_null(catalog_kind("core", "v1", "Pod"));
	ck_assert_ptr_null(catalog_kind("rbac", "v1", "Role"));
	ck_assert_ptr_nonnull(catalog_kind("events.k8s.io", "v1", "Event"));
	ck_assert_ptr_nonnull(catalog_kind("meta.k8s.io", "v1", "Status"));
	/* Nor can a dotted version or kind reach into another package. */
	ck_assert_ptr_null(catalog_kind("", "v1.Pod", "x"));
	ck_assert_ptr_null(catalog_kind("", "v1", "Pod.spec"));
	ck_assert_int_eq(catalog_type("k8s.io.apimachinery.pkg.apis.meta.v1.Time")->special,
			 CATALOG_TIME);
	ck_assert_int_eq(catalog_type("k8s.io.apimachinery.pkg.apis.meta.v1.Verbs")->special,
			 CATALOG_LIST);
	f = catalog_field_by_number(catalog_type("k8s.io.apiextensions_apiserver.pkg.apis."
						 "apiextensions.v1.JSONSchemaProps"),
				    3);
	ck_assert_str_eq(f->name, "$ref");
}
END_TEST

START_TEST(test_catalog_errors)
{
	char err[256];

	ck_assert_int_eq(catalog_load_text("package p\ntype A\n  b 1 Missing\n", err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "field b: unknown type p.Missing");
	ck_assert_int_eq(catalog_load_text("package p\ntype A\ntype A\n", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "type p.A is defined twice");
	ck_assert_int_eq(catalog_load_text("package p\ntype A\n  b x string\n", err, sizeof(err)),
			 -1);
	ck_assert_str_eq(err, "type p.A: field b: bad number x");
	load_catalog();
}
END_TEST

/*
 * A ConfigMap as Go writes it: ObjectMeta with every non-pointer field
 * (empty strings, generation 0, creationTimestamp as an empty message),
 * labels and data as map entries, immutable (a *bool) absent.
 */
static const char configmap[] = "\x0a\x1c" /* 1 metadata, 28 bytes */
				"\x0a\x02"
				"cm"	   /* name */
				"\x12\x00" /* generateName "" */
				"\x1a\x02"
				"ns"			   /* namespace */
				"\x22\x00\x2a\x00\x32\x00" /* selfLink, uid, resourceVersion */
				"\x38\x00"		   /* generation 0 */
				"\x42\x00"		   /* creationTimestamp: zero */
				"\x5a\x06\x0a\x01"
				"a\x12\x01"
				"b" /* labels a=b */
				"\x12\x06\x0a\x01"
				"k\x12\x01"
				"v" /* 2 data k=v */
				"\x1a\x07\x0a\x01"
				"b\x12\x02\x00\x01"; /* 3 binaryData b=\0\1 */

START_TEST(test_decode_configmap)
{
	expect_decode(
	    "k8s.io.api.core.v1.ConfigMap", B(configmap),
	    "{\"metadata\":{\"name\":\"cm\",\"namespace\":\"ns\",\"creationTimestamp\":null,"
	    "\"labels\":{\"a\":\"b\"}},\"data\":{\"k\":\"v\"},\"binaryData\":{\"b\":\"AAE=\"}}");
}
END_TEST

START_TEST(test_envelope)
{
	struct buf b = {0};
	struct arena a = {0};
	struct proto_unknown u;
	const char *err = NULL;
	char msg[256];
	json_t *v;
	char *got;

	proto_wrap(&b, "v1", "ConfigMap", B(configmap));
	ck_assert_int_eq(memcmp(b.data, "k8s\0", 4), 0);
	ck_assert_int_eq(proto_unwrap(&a, (const uint8_t *)b.data, b.len, &u, &err), 1 - 1);
	ck_assert_str_eq(u.api_version, "v1");
	ck_assert_str_eq(u.kind, "ConfigMap");
	ck_assert_uint_eq(u.raw_len, sizeof(configmap) - 1);
	v = proto_json_decode_object(u.api_version, u.kind, u.raw, u.raw_len, msg, sizeof(msg), 0);
	ck_assert_ptr_nonnull(v);
	got = dump(v);
	ck_assert_str_eq(got,
			 "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":"
			 "\"cm\",\"namespace\":\"ns\",\"creationTimestamp\":null,\"labels\":{"
			 "\"a\":\"b\"}},\"data\":{\"k\":\"v\"},\"binaryData\":{\"b\":\"AAE=\"}}");
	free(got);
	json_decref(v);
	ck_assert_int_eq(proto_unwrap(&a, B("k8x\0\x0a\x00"), &u, &err), -1);
	ck_assert_str_eq(err, "provided data does not appear to be a protobuf message, expected "
			      "prefix [107 56 115 0]");
	/* Shorter than the magic: checked before anything is read past it. */
	err = NULL;
	ck_assert_int_eq(proto_unwrap(&a, B("k8"), &u, &err), -1);
	ck_assert_ptr_nonnull(err);
	ck_assert_int_eq(proto_unwrap(&a, B(""), &u, &err), -1);
	ck_assert_ptr_null(
	    proto_json_decode_object("v1", "Nothing", B(configmap), msg, sizeof(msg), 0));
	ck_assert_str_eq(msg, "no kind \"Nothing\" is registered for version \"v1\"");
	/* Quoted as Go's %q quotes them: bytes that are not UTF-8 escaped. */
	ck_assert_ptr_null(proto_json_decode_object("apps.x/v1", "Dep\xffloyment\"", B(configmap),
						    msg, sizeof(msg), 0));
	ck_assert_str_eq(msg,
			 "no kind \"Dep\\xffloyment\\\"\" is registered for version \"apps.x/v1\"");
	arena_free(&a);
	buf_free(&b);
}
END_TEST

/* Zero values: a pointer keeps them, a plain omitempty field drops them. */
START_TEST(test_decode_zero_values)
{
	/* DeploymentSpec: replicas (*int32) 0, minReadySeconds (int32) 0, paused (bool) false. */
	expect_decode("k8s.io.api.apps.v1.DeploymentSpec", B("\x08\x00\x28\x00\x38\x00"),
		      "{\"replicas\":0}");
	/* A negative int32 is a ten-byte varint. */
	expect_decode("k8s.io.api.apps.v1.DeploymentSpec",
		      B("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), "{\"replicas\":-1}");
	/* OwnerReference: apiVersion, kind, name, uid have no omitempty. */
	expect_decode("k8s.io.apimachinery.pkg.apis.meta.v1.OwnerReference", B(""),
		      "{\"apiVersion\":\"\",\"kind\":\"\",\"name\":\"\",\"uid\":\"\"}");
	/* A nil slice without omitempty is null (PolicyRule.verbs). */
	expect_decode("k8s.io.api.rbac.v1.PolicyRule", B(""), "{\"verbs\":null}");
}
END_TEST

START_TEST(test_decode_special_types)
{
	/* Condition.lastTransitionTime: 2024-01-02T03:04:05Z = 1704164645 s. */
	expect_decode("k8s.io.apimachinery.pkg.apis.meta.v1.Time",
		      B("\x08\xa5\xfa\xcd\xac\x06\x10\x00"), "\"2024-01-02T03:04:05Z\"");
	expect_decode("k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
		      B("\x08\xa5\xfa\xcd\xac\x06\x10\xc0\x84\x3d"),
		      "\"2024-01-02T03:04:05.001000Z\"");
	expect_decode("k8s.io.apimachinery.pkg.apis.meta.v1.Time", B(""), "null");
	expect_decode("k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
		      B("\x08\x80\x80\xc5\x8b\xc6\xd1\x01"), "\"2h0m0s\"");
	expect_decode("k8s.io.apimachinery.pkg.util.intstr.IntOrString",
		      B("\x08\x00\x10\x50\x1a\x00"), "80");
	expect_decode("k8s.io.apimachinery.pkg.util.intstr.IntOrString",
		      B("\x08\x01\x10\x00\x1a\x04http"), "\"http\"");
	expect_decode("k8s.io.apimachinery.pkg.api.resource.Quantity",
		      B("\x0a\x04"
			"500m"),
		      "\"500m\"");
	expect_decode("k8s.io.apimachinery.pkg.runtime.RawExtension", B("\x0a\x07{\"a\":1}"),
		      "{\"a\":1}");
	expect_decode("k8s.io.apimachinery.pkg.apis.meta.v1.APIResource",
		      B("\x0a\x04pods\x22\x0a\x0a\x03get\x0a\x03"
			"del"),
		      "{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":false,\"kind\":\"\","
		      "\"verbs\":[\"get\",\"del\"]}");
	expect_decode("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1."
		      "JSONSchemaPropsOrBool",
		      B("\x08\x00"), "false");
}
END_TEST

static const struct {
	const char *type;
	const char *json;
} round_trips[] = {
    {"k8s.io.api.core.v1.ConfigMap",
     "{\"metadata\":{\"name\":\"x\",\"uid\":\"u-1\",\"resourceVersion\":\"12\","
     "\"creationTimestamp\":"
     "\"2026-11-28T10:00:00Z\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"data\":{\"k\":\"v\"}}"},
    {"k8s.io.api.apps.v1.DeploymentSpec",
     "{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{"
     "\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":"
     "\"web\",\"image\":\"nginx\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}],"
     "\"resources\":{\"limits\":{\"cpu\":\"1\"}}}]}},\"strategy\":{\"type\":\"RollingUpdate\","
     "\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":1}},\"progressDeadlineSeconds\":"
     "600}"},
    {"k8s.io.api.core.v1.Secret",
     "{\"metadata\":{\"name\":\"s\",\"creationTimestamp\":null},\"data\":{\"k\":\"AAEC\"},\"type\":"
     "\"Opaque\"}"},
    {"k8s.io.api.coordination.v1.LeaseSpec",
     "{\"holderIdentity\":\"a\",\"leaseDurationSeconds\":15,\"renewTime\":\"2026-11-28T10:00:00."
     "123456Z\"}"},
    {"k8s.io.api.apps.v1.ControllerRevision",
     "{\"metadata\":{\"name\":\"r\",\"creationTimestamp\":null},\"data\":{\"spec\":{\"x\":[1,2]}},"
     "\"revision\":2}"},
    {"k8s.io.apimachinery.pkg.apis.meta.v1.Status",
     "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"m\",\"reason\":\"NotFound\","
     "\"details\":{"
     "\"name\":\"x\",\"kind\":\"pods\"},\"code\":404}"},
};

/*
 * Strings with a NUL in them keep it both ways (fuzz_proto_json: the
 * special types' strings were written up to the NUL only).
 */
START_TEST(test_round_trip_nul_in_strings)
{
	expect_round_trip("k8s.io.api.core.v1.ServicePort",
			  "{\"port\":80,\"targetPort\":\"a\\u0000b\"}");
	expect_round_trip("k8s.io.api.core.v1.ResourceRequirements",
			  "{\"limits\":{\"cpu\":\"1\\u0000\"}}");
}
END_TEST

START_TEST(test_round_trip)
{
	expect_round_trip(round_trips[_i].type, round_trips[_i].json);
}
END_TEST

/* obj through the envelope and back (a new reference). */
static json_t *object_round_trip(const char *where, json_t *obj)
{
	struct buf b = {0};
	struct arena a = {0};
	struct proto_unknown u;
	const char *perr = NULL;
	char err[256] = "";
	json_t *back;

	ck_assert_msg(proto_json_encode_object(obj, &b), "%s: no catalog type", where);
	ck_assert_msg(proto_unwrap(&a, (const uint8_t *)b.data, b.len, &u, &perr) == 0, "%s: %s",
		      where, perr);
	back =
	    proto_json_decode_object(u.api_version, u.kind, u.raw, u.raw_len, err, sizeof(err), 0);
	ck_assert_msg(back != NULL, "%s: %s", where, err);
	arena_free(&a);
	buf_free(&b);
	return back;
}

/*
 * Everything in want is in got (got may add what Go writes: "rules": null,
 * ""); an empty list or map may be absent, as omitempty leaves it out.
 */
static bool json_contains(json_t *got, json_t *want)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!got && ((json_is_array(want) && json_array_size(want) == 0) ||
		     (json_is_object(want) && json_object_size(want) == 0)))
		return true;

	if (json_is_object(want)) {
		if (!json_is_object(got))
			return false;
		json_object_foreach(
		    want, key, v) if (!json_contains(json_object_get(got, key), v)) return false;
		return true;
	}
	if (json_is_array(want)) {
		if (!json_is_array(got) || json_array_size(got) != json_array_size(want))
			return false;
		json_array_foreach(want, i,
				   v) if (!json_contains(json_array_get(got, i), v)) return false;
		return true;
	}
	return got && json_equal(got, want);
}

/*
 * Through protobuf and back, nothing of obj is lost, and the result (Go's
 * form of it) comes back from a second trip unchanged.
 */
static void expect_object_round_trip(const char *where, json_t *obj)
{
	json_t *once = object_round_trip(where, obj), *twice = object_round_trip(where, once);

	if (!json_contains(once, obj) || !json_equal(once, twice)) {
		char *want = dump(obj), *got = dump(once), *again = dump(twice);

		ck_abort_msg("%s: round trip changed the object:\n sent  %s\n back  %s\n again %s",
			     where, want, got, again);
	}
	json_decref(once);
	json_decref(twice);
}

/*
 * Every object of the defaulting golden files (74 objects of 39 kinds, as
 * kube-apiserver holds them) survives protobuf and back unchanged.
 */
START_TEST(test_round_trip_golden_objects)
{
	DIR *dir;
	struct dirent *e;
	int objects = 0;

	chdir_to_repo_root("tests/unit/defaults");
	dir = opendir("tests/unit/defaults");
	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir))) {
		char path[512];
		json_t *doc, *item;
		size_t i;

		if (!strstr(e->d_name, ".out.json"))
			continue;
		snprintf(path, sizeof(path), "tests/unit/defaults/%s", e->d_name);
		doc = json_load_file(path, JSON_DECODE_ANY, NULL);
		ck_assert_msg(doc != NULL, "%s", path);
		if (json_is_array(doc)) {
			json_array_foreach(doc, i, item)
			{
				expect_object_round_trip(path, item);
				objects++;
			}
		} else {
			expect_object_round_trip(path, doc);
			objects++;
		}
		json_decref(doc);
	}
	closedir(dir);
	ck_assert_int_ge(objects, 70);
}
END_TEST

/* Every served kind the catalog has, as a bare object, round-trips too. */
START_TEST(test_round_trip_every_kind)
{
	char err[256];
	int kinds = 0;

	ck_assert_int_eq(registry_load(err, sizeof(err)), 0);
	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);
		char api_version[128];
		json_t *obj;

		if (!catalog_kind(rt->group, rt->version, rt->kind))
			continue;
		snprintf(api_version, sizeof(api_version), "%s%s%s", rt->group,
			 *rt->group ? "/" : "", rt->version);
		obj = json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}}", "kind", rt->kind, "apiVersion",
				api_version, "metadata", "name", "x", "uid", "u-1", "labels", "a",
				"b");
		expect_object_round_trip(rt->kind, obj);
		json_decref(obj);
		kinds++;
	}
	ck_assert_int_ge(kinds, 50);
}
END_TEST

START_TEST(test_bad_input)
{
	struct buf bomb = {0};

	expect_error("k8s.io.api.core.v1.ConfigMap", B("\x0a"), "truncated length");
	expect_error("k8s.io.api.core.v1.ConfigMap", B("\x0a\x05\x0a\x02"),
		     "length runs past the end");
	expect_error("k8s.io.api.core.v1.ConfigMap", B("\x08\x01"), "wrong wireType = 0");
	/* A map (data) as a fixed32: refused before its data is read (fuzz_proto_json). */
	expect_error("k8s.io.api.core.v1.ConfigMap", B("\x15\xd1\xd1\xd1\xd1"),
		     "wrong wireType = 5 for field data");
	expect_error("k8s.io.api.core.v1.ConfigMap", B("\x0a\x04\x0a\x02\xff\xfe"),
		     "not valid UTF-8");
	expect_error("k8s.io.api.apps.v1.DeploymentSpec", B("\x08\xff\xff"), "truncated");
	expect_error("k8s.io.api.core.v1.ConfigMap", B("\x0b\x00"), "illegal wire type");
	expect_error("k8s.io.api.core.v1.ConfigMap", B("\x00\x00"), "field number out of range");
	expect_error("k8s.io.apimachinery.pkg.runtime.RawExtension", B("\x0a\x02{x"),
		     "embedded JSON");
	/* JSONSchemaProps.not (28) nested 200 deep: a recursion bomb. */
	for (int i = 0; i < 200; i++) {
		struct buf next = {0};

		proto_put_bytes(&next, 28, bomb.data ? bomb.data : "", bomb.len);
		buf_free(&bomb);
		bomb = next;
	}
	expect_error("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
		     (const uint8_t *)bomb.data, bomb.len, "nesting deeper than 100");
	buf_free(&bomb);
	/* Unknown field numbers are skipped. */
	expect_decode("k8s.io.api.core.v1.ConfigMap", B("\xf8\x07\x01\x12\x06\x0a\x01k\x12\x01v"),
		      "{\"data\":{\"k\":\"v\"}}");
}
END_TEST

/*
 * A map entry without its value is the value's zero (gogo's generated
 * Unmarshal starts from a zero value): an empty message for a struct.
 * Found by fuzz_proto_json: the zero struct was decoded from a NULL
 * pointer, and NULL + 0 is undefined.
 */
START_TEST(test_decode_map_entry_without_value)
{
	expect_decode("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
		      B("\xea\x01\x03\x0a\x01"
			"a"),
		      "{\"properties\":{\"a\":{}}}");
	expect_decode("k8s.io.api.core.v1.ConfigMap", B("\x12\x03\x0a\x01k"),
		      "{\"data\":{\"k\":\"\"}}");
	/* A missing key is the empty one. */
	expect_decode("k8s.io.api.core.v1.ConfigMap", B("\x12\x03\x12\x01v"),
		      "{\"data\":{\"\":\"v\"}}");
}
END_TEST

static const struct {
	int64_t nanos;
	const char *text;
} durations[] = {
    {0, "0s"},
    {1, "1ns"},
    {1500, "1.5\xc2\xb5s"},
    {1500000, "1.5ms"},
    {1000000000, "1s"},
    {90000000000LL, "1m30s"},
    {3600000000000LL, "1h0m0s"},
    {-1500000000LL, "-1.5s"},
    {3723004000000LL, "1h2m3.004s"},
    {INT64_MIN, "-2562047h47m16.854775808s"},
};

START_TEST(test_duration)
{
	char out[GO_DURATION_SIZE];
	int64_t back;

	ck_assert_str_eq(go_duration_format(durations[_i].nanos, out), durations[_i].text);
	ck_assert(go_duration_parse(durations[_i].text, &back));
	ck_assert_int_eq(back, durations[_i].nanos);
}
END_TEST

START_TEST(test_duration_parse)
{
	int64_t n;

	ck_assert(go_duration_parse("300ms", &n) && n == 300000000);
	ck_assert(go_duration_parse("-2m", &n) && n == -120000000000LL);
	ck_assert(go_duration_parse("0", &n) && n == 0);
	ck_assert(go_duration_parse("1.5h", &n) && n == 5400000000000LL);
	ck_assert(go_duration_parse("2us", &n) && n == 2000);
	ck_assert(!go_duration_parse("1", &n));
	ck_assert(!go_duration_parse("", &n));
	ck_assert(!go_duration_parse("1x", &n));
	ck_assert(!go_duration_parse(".s", &n));
	ck_assert(!go_duration_parse("9999999999h", &n));
}
END_TEST

static Suite *proto_json_suite(void)
{
	Suite *s = suite_create("proto_json");
	TCase *tc = tcase_create("catalog");

	tcase_add_unchecked_fixture(tc, load_catalog, NULL);
	tcase_add_test(tc, test_catalog_lookup);
	tcase_add_test(tc, test_catalog_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("codec");
	tcase_add_unchecked_fixture(tc, load_catalog, NULL);
	tcase_add_test(tc, test_decode_configmap);
	tcase_add_test(tc, test_envelope);
	tcase_add_test(tc, test_decode_zero_values);
	tcase_add_test(tc, test_decode_special_types);
	tcase_add_loop_test(tc, test_round_trip, 0, N(round_trips));
	tcase_add_test(tc, test_round_trip_nul_in_strings);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_round_trip_golden_objects);
	tcase_add_test(tc, test_round_trip_every_kind);
	tcase_add_test(tc, test_decode_map_entry_without_value);
	suite_add_tcase(s, tc);
	tc = tcase_create("duration");
	tcase_add_loop_test(tc, test_duration, 0, N(durations));
	tcase_add_test(tc, test_duration_parse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(proto_json_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
