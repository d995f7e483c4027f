/*
 * test_fieldset.c - unit tests for shared/fieldset.c.
 *
 * FieldsV1 read and written back in structured-merge-diff's order and
 * form ("." last, keys sorted and re-encoded as Go writes JSON), the set
 * operations, and the typed walks over real catalog types: the field set
 * of a Deployment (map-lists by name, ports keyed by containerPort and
 * the defaulted protocol, the atomic LabelSelector), a ConfigMap compared
 * with its next version, map-list merges in upstream's item order, item
 * removal, conflict paths as upstream prints them, and named fields made
 * members.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/catalog.h"
#include "shared/buf.h"
#include "shared/fieldset.h"
#include "tests/unit/arena_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void load_catalog(void)
{
	char err[256];

	setup();
	ck_assert_msg(catalog_load(err, sizeof(err)) == 0, "catalog: %s", err);
}

static const struct catalog_type *type(const char *group, const char *version, const char *kind)
{
	const struct catalog_type *t = catalog_kind(group, version, kind);

	ck_assert_ptr_nonnull(t);
	return t;
}

static struct fieldset *parse(const char *text)
{
	char err[256] = "";
	json_t *j = json(text);
	struct fieldset *s = fieldset_from_json(j, err, sizeof(err));

	ck_assert_msg(s != NULL, "%s: %s", text, err);
	json_decref(j);
	return s;
}

/* The set as FieldsV1 text; frees the set. */
static char *text_of(struct fieldset *s)
{
	json_t *j = fieldset_to_json(s);
	char *t = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *out = arena_strdup(&arena, t);

	free(t);
	json_decref(j);
	fieldset_free(s);
	return out;
}

static char *dump(json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *out = arena_strdup(&arena, t);

	free(t);
	json_decref(j);
	return out;
}

static const struct {
	const char *in, *out;
} round_trips[] = {
    /* already in upstream's order: unchanged */
    {"{\"f:metadata\":{\"f:labels\":{\"f:app\":{},\".\":{}}},\"f:spec\":{\"f:containers\":{"
     "\"k:{\\\"name\\\":\\\"c\\\"}\":{\"f:image\":{},\"f:name\":{},\".\":{}}}}}",
     NULL},
    /* fields, then keys, then values (numbers, strings, booleans), then indexes */
    {"{\"i:1\":{},\"v:\\\"b\\\"\":{},\"v:true\":{},\"v:2\":{},\"k:{\\\"a\\\":1}\":{},\"f:z\":{},"
     "\"f:a\":{}}",
     "{\"f:a\":{},\"f:z\":{},\"k:{\\\"a\\\":1}\":{},\"v:2\":{},\"v:\\\"b\\\"\":{},\"v:true\":{},"
     "\"i:1\":{}}"},
    /* key fields sorted by name; Go's escaping of < > & */
    {"{\"k:{\\\"protocol\\\":\\\"TCP\\\",\\\"containerPort\\\":80}\":{}}",
     "{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{}}"},
    {"{\"k:{\\\"name\\\":\\\"a<b&c\\\"}\":{}}",
     "{\"k:{\\\"name\\\":\\\"a\\\\u003cb\\\\u0026c\\\"}\":{}}"},
    /* "." first in the input, last in the output */
    {"{\"f:a\":{\".\":{},\"f:b\":{}}}", "{\"f:a\":{\"f:b\":{},\".\":{}}}"},
    /* an element type a later version may know is dropped */
    {"{\"x:future\":{},\"f:a\":{}}", "{\"f:a\":{}}"},
    {"{}", NULL},
};

START_TEST(test_round_trip)
{
	const char *want = round_trips[_i].out ? round_trips[_i].out : round_trips[_i].in;

	ck_assert_str_eq(text_of(parse(round_trips[_i].in)), want);
}
END_TEST

START_TEST(test_bad_fields)
{
	static const char *const bad[] = {"{\"k:nope\":{}}", "{\"f:a\":1}", "{\"i:x\":{}}",
					  "{\"f\":{}}", "[]"};
	char err[256];

	for (size_t i = 0; i < N(bad); i++) {
		json_t *j = json(bad[i]);

		err[0] = '\0';
		ck_assert_msg(fieldset_from_json(j, err, sizeof(err)) == NULL, "%s", bad[i]);
		ck_assert_msg(err[0], "%s: no message", bad[i]);
		json_decref(j);
	}
}
END_TEST

START_TEST(test_set_operations)
{
	struct fieldset *a = parse("{\"f:a\":{},\"f:b\":{\"f:c\":{},\".\":{}}}");
	struct fieldset *b = parse("{\"f:b\":{\"f:d\":{}},\"f:e\":{}}");
	struct fieldset *top = parse("{\"f:b\":{}}");
	const char *const has[] = {"f:b", "f:c"}, *const hasnt[] = {"f:b", "f:d"};

	ck_assert_str_eq(text_of(fieldset_union(a, b)),
			 "{\"f:a\":{},\"f:b\":{\"f:c\":{},\"f:d\":{},\".\":{}},\"f:e\":{}}");
	ck_assert_str_eq(text_of(fieldset_intersection(a, b)), "{}");
	ck_assert_str_eq(text_of(fieldset_difference(a, b)),
			 "{\"f:a\":{},\"f:b\":{\"f:c\":{},\".\":{}}}");
	ck_assert_str_eq(text_of(fieldset_difference(a, top)), "{\"f:a\":{},\"f:b\":{\"f:c\":{}}}");
	ck_assert_str_eq(text_of(fieldset_recursive_difference(a, top)), "{\"f:a\":{}}");
	ck_assert(fieldset_has(a, has, 2));
	ck_assert(fieldset_has(a, has, 1));
	ck_assert(!fieldset_has(a, hasnt, 2));
	ck_assert(!fieldset_empty(a));
	ck_assert_int_eq(fieldset_insert(b, hasnt, 2), 0);
	ck_assert(fieldset_equal(b, b));
	ck_assert(!fieldset_equal(a, b));
	fieldset_free(a);
	fieldset_free(b);
	fieldset_free(top);
}
END_TEST

static const char deployment[] =
    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"x\","
    "\"labels\":{\"app\":\"x\"}},\"spec\":{\"replicas\":2,\"selector\":{\"matchLabels\":{"
    "\"app\":\"x\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{"
    "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"ports\":[{\"containerPort\":80}],"
    "\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]}}}}";

START_TEST(test_object_fields)
{
	char err[256];
	json_t *obj = json(deployment);
	struct fieldset *s =
	    fieldset_of_object(type("apps", "v1", "Deployment"), obj, err, sizeof(err));

	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_str_eq(
	    text_of(s),
	    "{\"f:apiVersion\":{},\"f:kind\":{},\"f:metadata\":{\"f:labels\":{\"f:app\":{}},"
	    "\"f:name\":{}},\"f:spec\":{\"f:replicas\":{},\"f:selector\":{},\"f:template\":{"
	    "\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"f:spec\":{\"f:containers\":{"
	    "\"k:{\\\"name\\\":\\\"c\\\"}\":{\"f:env\":{\"k:{\\\"name\\\":\\\"A\\\"}\":{"
	    "\"f:name\":{},\"f:value\":{},\".\":{}}},\"f:image\":{},\"f:name\":{},\"f:ports\":{"
	    "\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\"f:containerPort\":{},"
	    "\".\":{}}},\".\":{}}}}}}}");
	json_decref(obj);
}
END_TEST

START_TEST(test_object_fields_unknown_kind)
{
	char err[256];
	json_t *obj =
	    json("{\"apiVersion\":\"x.io/v1\",\"kind\":\"X\",\"metadata\":{\"name\":\"n\","
		 "\"labels\":{\"a\":\"b\"}},\"spec\":{\"a\":{\"b\":1},\"list\":[1,2]}}");

	ck_assert_str_eq(text_of(fieldset_of_object(NULL, obj, err, sizeof(err))),
			 "{\"f:apiVersion\":{},\"f:kind\":{},\"f:metadata\":{\"f:labels\":{"
			 "\"f:a\":{}},\"f:name\":{}},\"f:spec\":{\"f:a\":{\"f:b\":{}},"
			 "\"f:list\":{}}}");
	json_decref(obj);
}
END_TEST

START_TEST(test_object_missing_key)
{
	char err[256] = "";
	json_t *obj = json("{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}");

	ck_assert_ptr_null(fieldset_of_object(type("", "v1", "Pod"), obj, err, sizeof(err)));
	ck_assert_str_eq(err, "element 0: associative list with keys has an element that omits "
			      "key field \"name\" (and doesn't have default value)");
	json_decref(obj);
}
END_TEST

START_TEST(test_compare)
{
	char err[256];
	struct fieldset *added, *modified, *removed;
	json_t *old = json("{\"data\":{\"a\":\"1\",\"b\":\"2\"},\"metadata\":{\"name\":\"x\"}}");
	json_t *new_obj =
	    json("{\"data\":{\"a\":\"9\",\"c\":\"3\"},\"binaryData\":{\"x\":\"eA==\"},"
		 "\"metadata\":{\"name\":\"x\"}}");

	ck_assert_int_eq(fieldset_compare(type("", "v1", "ConfigMap"), old, new_obj, &added,
					  &modified, &removed, err, sizeof(err)),
			 0);
	ck_assert_str_eq(text_of(added),
			 "{\"f:binaryData\":{\"f:x\":{},\".\":{}},\"f:data\":{\"f:c\":{}}}");
	ck_assert_str_eq(text_of(modified), "{\"f:data\":{\"f:a\":{}}}");
	ck_assert_str_eq(text_of(removed), "{\"f:data\":{\"f:b\":{}}}");
	json_decref(old);
	json_decref(new_obj);
}
END_TEST

/* {} and null are told apart only when both sides are empty. */
START_TEST(test_compare_empty)
{
	char err[256];
	struct fieldset *added, *modified, *removed;
	json_t *old = json("{\"spec\":{\"template\":{\"spec\":{\"containers\":null}}}}");
	json_t *new_obj = json("{\"spec\":{\"template\":{\"spec\":{\"containers\":[]}},"
			       "\"strategy\":{}}}");

	ck_assert_int_eq(fieldset_compare(type("apps", "v1", "Deployment"), old, new_obj, &added,
					  &modified, &removed, err, sizeof(err)),
			 0);
	ck_assert_str_eq(text_of(added), "{\"f:spec\":{\"f:strategy\":{}}}");
	ck_assert_str_eq(text_of(modified),
			 "{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":{}}}}}");
	ck_assert_str_eq(text_of(removed), "{}");
	json_decref(old);
	json_decref(new_obj);
}
END_TEST

static const struct {
	const char *live, *config, *merged;
} merges[] = {
    /* live-only items keep their place, config items follow the shared ones */
    {"[{\"name\":\"a\",\"image\":\"1\"},{\"name\":\"b\",\"image\":\"2\"}]",
     "[{\"name\":\"b\",\"image\":\"3\"},{\"name\":\"c\",\"image\":\"4\"}]",
     "[{\"name\":\"a\",\"image\":\"1\"},{\"name\":\"b\",\"image\":\"3\"},{\"name\":\"c\","
     "\"image\":\"4\"}]"},
    /* shared items in the config's order */
    {"[{\"name\":\"a\"},{\"name\":\"b\"}]", "[{\"name\":\"b\"},{\"name\":\"a\"}]",
     "[{\"name\":\"b\"},{\"name\":\"a\"}]"},
    {"[{\"name\":\"x\"},{\"name\":\"c\"},{\"name\":\"y\"}]", "[{\"name\":\"y\"},{\"name\":\"x\"}]",
     "[{\"name\":\"c\"},{\"name\":\"y\"},{\"name\":\"x\"}]"},
    /* within an item, fields merge: the config's env item adds to the live one */
    {"[{\"name\":\"a\",\"image\":\"1\",\"env\":[{\"name\":\"E\",\"value\":\"1\"}]}]",
     "[{\"name\":\"a\",\"env\":[{\"name\":\"F\",\"value\":\"2\"}],\"args\":[\"z\"]}]",
     "[{\"name\":\"a\",\"image\":\"1\",\"env\":[{\"name\":\"E\",\"value\":\"1\"},{\"name\":"
     "\"F\",\"value\":\"2\"}],\"args\":[\"z\"]}]"},
    /* an atomic list is replaced */
    {"[{\"name\":\"a\",\"args\":[\"1\",\"2\"]}]", "[{\"name\":\"a\",\"args\":[\"3\"]}]",
     "[{\"name\":\"a\",\"args\":[\"3\"]}]"},
};

START_TEST(test_merge)
{
	char err[256], live[1024], config[1024];
	json_t *l, *c, *m;

	snprintf(live, sizeof(live), "{\"spec\":{\"containers\":%s}}", merges[_i].live);
	snprintf(config, sizeof(config), "{\"spec\":{\"containers\":%s}}", merges[_i].config);
	l = json(live);
	c = json(config);
	m = fieldset_merge(type("", "v1", "Pod"), l, c, err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	ck_assert_str_eq(
	    dump(json_incref(json_object_get(json_object_get(m, "spec"), "containers"))),
	    merges[_i].merged);
	json_decref(m);
	json_decref(l);
	json_decref(c);
}
END_TEST

START_TEST(test_remove)
{
	const struct catalog_type *pod = type("", "v1", "Pod");
	json_t *obj = json("{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"containers\":[{"
			   "\"name\":\"c\",\"env\":[{\"name\":\"A\"},{\"name\":\"B\"}]}]}}");
	struct fieldset *one =
	    parse("{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"c\\\"}\":{"
		  "\"f:env\":{\"k:{\\\"name\\\":\\\"A\\\"}\":{}}}}}}");
	struct fieldset *all =
	    parse("{\"f:metadata\":{\"f:labels\":{\"f:a\":{}}},\"f:spec\":{\"f:containers\":{"
		  "\"k:{\\\"name\\\":\\\"c\\\"}\":{\"f:env\":{\"k:{\\\"name\\\":\\\"A\\\"}\":{},"
		  "\"k:{\\\"name\\\":\\\"B\\\"}\":{}}}}}}");

	ck_assert_str_eq(dump(fieldset_remove(pod, obj, one)),
			 "{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"spec\":{\"containers\":[{"
			 "\"name\":\"c\",\"env\":[{\"name\":\"B\"}]}]}}");
	/* what is left empty goes too */
	ck_assert_str_eq(dump(fieldset_remove(pod, obj, all)),
			 "{\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
	fieldset_free(one);
	fieldset_free(all);
	json_decref(obj);
}
END_TEST

static void collect(const char *path, void *ctx)
{
	struct buf *b = ctx;

	buf_printf(b, "%s\n", path);
}

START_TEST(test_paths)
{
	char err[256];
	json_t *obj = json(deployment);
	struct fieldset *s =
	    fieldset_of_object(type("apps", "v1", "Deployment"), obj, err, sizeof(err));
	struct buf b = {0};

	buf_append_str(&b, "");
	fieldset_foreach_path(s, collect, &b);
	ck_assert_str_eq(b.data,
			 ".apiVersion\n"
			 ".kind\n"
			 ".metadata.name\n"
			 ".metadata.labels.app\n"
			 ".spec.replicas\n"
			 ".spec.selector\n"
			 ".spec.template.metadata.labels.app\n"
			 ".spec.template.spec.containers[name=\"c\"]\n"
			 ".spec.template.spec.containers[name=\"c\"].image\n"
			 ".spec.template.spec.containers[name=\"c\"].name\n"
			 ".spec.template.spec.containers[name=\"c\"].env[name=\"A\"]\n"
			 ".spec.template.spec.containers[name=\"c\"].env[name=\"A\"].name\n"
			 ".spec.template.spec.containers[name=\"c\"].env[name=\"A\"].value\n"
			 ".spec.template.spec.containers[name=\"c\"].ports[containerPort=80,"
			 "protocol=\"TCP\"]\n"
			 ".spec.template.spec.containers[name=\"c\"].ports[containerPort=80,"
			 "protocol=\"TCP\"].containerPort\n");
	buf_free(&b);
	fieldset_free(s);
	json_decref(obj);
}
END_TEST

START_TEST(test_named_members)
{
	struct fieldset *s = parse(
	    "{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"f:spec\":{\"f:template\":{"
	    "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"c\\\"}\":{\"f:image\":{}}}}}}}");
	struct fieldset *n = fieldset_named_members(type("apps", "v1", "Deployment"), s);

	ck_assert_str_eq(text_of(n),
			 "{\"f:metadata\":{\"f:labels\":{\"f:app\":{},\".\":{}},\".\":{}},"
			 "\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":{"
			 "\"k:{\\\"name\\\":\\\"c\\\"}\":{\"f:image\":{}},\".\":{}},\".\":{}},"
			 "\".\":{}},\".\":{}}}");
	fieldset_free(s);
}
END_TEST

static Suite *fieldset_suite(void)
{
	Suite *s = suite_create("fieldset");
	TCase *wire = tcase_create("fieldsv1"), *typed = tcase_create("typed");

	tcase_add_checked_fixture(wire, setup, teardown);
	tcase_add_loop_test(wire, test_round_trip, 0, N(round_trips));
	tcase_add_test(wire, test_bad_fields);
	tcase_add_test(wire, test_set_operations);
	suite_add_tcase(s, wire);

	tcase_add_checked_fixture(typed, load_catalog, teardown);
	tcase_add_test(typed, test_object_fields);
	tcase_add_test(typed, test_object_fields_unknown_kind);
	tcase_add_test(typed, test_object_missing_key);
	tcase_add_test(typed, test_compare);
	tcase_add_test(typed, test_compare_empty);
	tcase_add_loop_test(typed, test_merge, 0, N(merges));
	tcase_add_test(typed, test_remove);
	tcase_add_test(typed, test_paths);
	tcase_add_test(typed, test_named_members);
	suite_add_tcase(s, typed);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(fieldset_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
