/*
 * test_managed_apply.c - unit tests for managed_fields_apply (server-side
 * apply in shared/managed_fields.c).
 *
 * An apply to nothing creates its object with one Apply entry; a second
 * manager asking for another value of a field someone else owns is a
 * conflict, in upstream's words for one and for several; the same value
 * is shared; force takes the field; fields the applier no longer applies
 * go unless another manager owns them; map-list items merge by key and
 * go when no longer applied; status is never owned where it is ignored.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/catalog.h"
#include "shared/managed_fields.h"
#include "tests/unit/arena_fixture.h"

#define T1 "2024-05-01T10:00:00Z"
#define T2 "2024-05-01T10:00:05Z"

static void load_catalog(void)
{
	char err[256];

	setup();
	ck_assert_msg(catalog_load(err, sizeof(err)) == 0, "catalog: %s", err);
}

static char *text(json_t *v)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	char *out = arena_strdup(&arena, t ? t : "(none)");

	free(t);
	return out;
}

static char *managed_text(json_t *obj)
{
	return text(json_object_get(json_object_get(obj, "metadata"), "managedFields"));
}

static struct managed_update cm_apply(const char *manager, const char *now)
{
	return (struct managed_update){
	    catalog_kind("", "v1", "ConfigMap"), manager, "v1", "", now, NULL};
}

/* Applies config (JSON text) to live; the new object, or the test fails. */
static json_t *apply_ok(const struct managed_update *u, json_t *live, const char *config,
			bool force)
{
	char err[256];
	struct managed_conflicts c;
	json_t *cfg = json(config), *out = NULL;
	int rc = managed_fields_apply(u, live, cfg, force, &out, &c, err, sizeof(err));

	ck_assert_msg(rc == 0, "apply: rc %d: %s", rc, rc == 1 ? c.message : err);
	json_decref(cfg);
	return out;
}

START_TEST(test_create_and_change)
{
	struct managed_update u = cm_apply("m1", T1);
	json_t *obj =
	    apply_ok(&u, NULL,
		     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
		     "\"x\",\"labels\":{\"a\":\"1\"}},\"data\":{\"k\":\"v\",\"j\":\"1\"}}",
		     false);
	json_t *next;

	ck_assert_str_eq(
	    text(obj), "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\","
		       "\"labels\":{\"a\":\"1\"},\"managedFields\":[{\"manager\":\"m1\","
		       "\"operation\":\"Apply\",\"apiVersion\":\"v1\",\"time\":\"" T1 "\","
		       "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:j\":{},\"f:k\":{}"
		       "},\"f:metadata\":{\"f:labels\":{\"f:a\":{}}}}}]},\"data\":{\"k\":\"v\","
		       "\"j\":\"1\"}}");
	/* Applied again without j and the label: they go; no change of time when
	 * the result is the same. */
	u.now = T2;
	next =
	    apply_ok(&u, obj,
		     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},"
		     "\"data\":{\"k\":\"v\"}}",
		     false);
	ck_assert_str_eq(text(json_object_get(next, "data")), "{\"k\":\"v\"}");
	ck_assert_ptr_null(json_object_get(json_object_get(next, "metadata"), "labels"));
	ck_assert_str_eq(managed_text(next),
			 "[{\"manager\":\"m1\",\"operation\":\"Apply\",\"apiVersion\":\"v1\","
			 "\"time\":\"" T2
			 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{"
			 "\"f:k\":{}}}}]");
	json_decref(obj);
	obj = next;
	u.now = "2030-01-01T00:00:00Z";
	next =
	    apply_ok(&u, obj,
		     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},"
		     "\"data\":{\"k\":\"v\"}}",
		     false);
	ck_assert_str_eq(text(next), text(obj));
	json_decref(obj);
	json_decref(next);
}
END_TEST

START_TEST(test_conflicts)
{
	struct managed_update u1 = cm_apply("m1", T1), u2 = cm_apply("m2", T2);
	struct managed_update upd = cm_apply("editor", T1);
	char err[256];
	struct managed_conflicts c;
	json_t *obj, *cfg, *out = (json_t *)1, *shared, *forced, *live;

	obj =
	    apply_ok(&u1, NULL,
		     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},"
		     "\"data\":{\"a\":\"1\",\"b\":\"1\"}}",
		     false);
	/* An Update manager owns c. */
	live = json_deep_copy(obj);
	json_object_set_new(json_object_get(live, "data"), "c", json_string("1"));
	ck_assert_int_eq(managed_fields_update(&upd, obj, live, err, sizeof(err)), 0);
	cfg = json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},"
		   "\"data\":{\"a\":\"2\"}}");
	ck_assert_int_eq(managed_fields_apply(&u2, live, cfg, false, &out, &c, err, sizeof(err)),
			 1);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(c.message, "Apply failed with 1 conflict: conflict with \"m1\": .data.a");
	ck_assert_str_eq(text(c.causes), "[{\"reason\":\"FieldManagerConflict\",\"message\":"
					 "\"conflict with \\\"m1\\\"\",\"field\":\".data.a\"}]");
	managed_conflicts_free(&c);
	json_decref(cfg);
	cfg = json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},"
		   "\"data\":{\"a\":\"2\",\"b\":\"2\",\"c\":\"2\"}}");
	ck_assert_int_eq(managed_fields_apply(&u2, live, cfg, false, &out, &c, err, sizeof(err)),
			 1);
	ck_assert_str_eq(c.message,
			 "Apply failed with 3 conflicts: conflicts with \"editor\" using "
			 "v1:\n- .data.c\nconflicts with \"m1\":\n- .data.a\n- .data.b");
	ck_assert_str_eq(text(json_array_get(c.causes, 0)),
			 "{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with "
			 "\\\"editor\\\" using v1\",\"field\":\".data.c\"}");
	managed_conflicts_free(&c);
	/* Forced: m2 takes all three, m1 and editor are left with nothing. */
	forced = apply_ok(&u2, live,
			  "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
			  "\"x\"},\"data\":{\"a\":\"2\",\"b\":\"2\",\"c\":\"2\"}}",
			  true);
	ck_assert_str_eq(text(json_object_get(forced, "data")),
			 "{\"a\":\"2\",\"b\":\"2\",\"c\":\"2\"}");
	ck_assert_str_eq(managed_text(forced),
			 "[{\"manager\":\"m2\",\"operation\":\"Apply\",\"apiVersion\":\"v1\","
			 "\"time\":\"" T2
			 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{"
			 "\"f:a\":{},\"f:b\":{},\"f:c\":{}}}}]");
	/* The same value is no conflict: both own it. */
	shared = apply_ok(&u2, live,
			  "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
			  "\"x\"},\"data\":{\"a\":\"1\"}}",
			  false);
	ck_assert_str_eq(
	    managed_text(shared),
	    /* nothing changed: m2's new entry has no time, and sorts first */
	    "[{\"manager\":\"m2\",\"operation\":\"Apply\",\"apiVersion\":\"v1\",\"fieldsType\":"
	    "\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:a\":{}}}},"
	    "{\"manager\":\"m1\",\"operation\":\"Apply\",\"apiVersion\":\"v1\",\"time\":\"" T1
	    "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:a\":{},\"f:b\":{}}}},"
	    "{\"manager\":\"editor\","
	    "\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"" T1 "\",\"fieldsType\":"
	    "\"FieldsV1\",\"fieldsV1\":{\"f:data\":{\"f:c\":{}}}}]");
	/* m1 drops a; m2 still owns it, so it stays. */
	json_decref(obj);
	obj =
	    apply_ok(&u1, shared,
		     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},"
		     "\"data\":{\"b\":\"1\"}}",
		     false);
	ck_assert_str_eq(text(json_object_get(obj, "data")),
			 "{\"a\":\"1\",\"b\":\"1\",\"c\":\"1\"}");
	json_decref(cfg);
	json_decref(obj);
	json_decref(live);
	json_decref(forced);
	json_decref(shared);
}
END_TEST

START_TEST(test_lists_and_status)
{
	static const char *const status[] = {"f:status"};
	struct fieldset *ignored = fieldset_new();
	struct managed_update u = {
	    catalog_kind("apps", "v1", "Deployment"), "kubectl", "apps/v1", "", T1, ignored};
	json_t *obj, *next;

	fieldset_insert(ignored, status, 1);
	obj = apply_ok(
	    &u, NULL,
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
	    "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},"
	    "{\"name\":\"b\",\"image\":\"y\"}]}}},\"status\":{\"replicas\":3}}",
	    false);
	ck_assert_str_eq(
	    managed_text(obj),
	    "[{\"manager\":\"kubectl\",\"operation\":\"Apply\",\"apiVersion\":\"apps/"
	    "v1\",\"time\":\"" T1 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
	    "\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\"
	    "\":\\\"a\\\"}\":{\"f:image\":{},\"f:name\":{},\".\":{}},\"k:{\\\"name\\\":"
	    "\\\"b\\\"}\":{\"f:image\":{},\"f:name\":{},\".\":{}}}}}}}}]");
	/* b left out, a changed, c added: items by their keys. */
	next = apply_ok(
	    &u, obj,
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},"
	    "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"z\"},"
	    "{\"name\":\"a\",\"image\":\"x2\"}]}}}}",
	    false);
	ck_assert_str_eq(
	    text(json_object_get(next, "spec")),
	    "{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"z\"},"
	    "{\"name\":\"a\",\"image\":\"x2\"}]}}}");
	json_decref(obj);
	json_decref(next);
	fieldset_free(ignored);
}
END_TEST

static Suite *managed_apply_suite(void)
{
	Suite *s = suite_create("managed_apply");
	TCase *tc = tcase_create("managed_apply");

	tcase_add_checked_fixture(tc, load_catalog, teardown);
	tcase_add_test(tc, test_create_and_change);
	tcase_add_test(tc, test_conflicts);
	tcase_add_test(tc, test_lists_and_status);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(managed_apply_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
