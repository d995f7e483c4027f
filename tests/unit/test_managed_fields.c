/*
 * test_managed_fields.c - unit tests for shared/managed_fields.c.
 *
 * A create records its manager's fields ("." where a map came into
 * being, names and other stripped metadata left out); a second manager's
 * update takes the fields it changes from the first; objects without
 * managed fields stay so, and an empty list in the request clears them;
 * entries sort Apply before Update, then by time; the manager name
 * derived from a User-Agent and upstream's checks of ?fieldManager.
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

static char *managed_text(json_t *obj)
{
	char *t = json_dumps(json_object_get(json_object_get(obj, "metadata"), "managedFields"),
			     JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	char *out = arena_strdup(&arena, t ? t : "(none)");

	free(t);
	return out;
}

static struct managed_update update(const char *manager, const char *now)
{
	return (struct managed_update){
	    catalog_kind("", "v1", "ConfigMap"), manager, "v1", "", now, NULL};
}

START_TEST(test_create_then_update)
{
	char err[256];
	struct managed_update u = update("kubectl-create", T1);
	json_t *obj = json("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":"
			   "\"x\",\"labels\":{\"a\":\"b\"}},\"data\":{\"k\":\"v\"}}");
	json_t *next;

	ck_assert_int_eq(managed_fields_update(&u, NULL, obj, err, sizeof(err)), 0);
	ck_assert_str_eq(managed_text(obj),
			 "[{\"manager\":\"kubectl-create\",\"operation\":\"Update\",\"apiVersion\":"
			 "\"v1\",\"time\":\"" T1 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
			 "\"f:data\":{\"f:k\":{},\".\":{}},\"f:metadata\":{\"f:labels\":{"
			 "\"f:a\":{},\".\":{}}}}}]");

	json_object_set_new(json_object_get(obj, "metadata"), "uid", json_string("u1"));
	next = json_deep_copy(obj);
	json_object_set_new(next, "data", json_pack("{s:s, s:s}", "k", "w", "j", "1"));
	u = update("kubectl-edit", T2);
	ck_assert_int_eq(managed_fields_update(&u, obj, next, err, sizeof(err)), 0);
	ck_assert_str_eq(managed_text(next),
			 "[{\"manager\":\"kubectl-create\",\"operation\":\"Update\",\"apiVersion\":"
			 "\"v1\",\"time\":\"" T1 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
			 "\"f:data\":{},\"f:metadata\":{\"f:labels\":{\"f:a\":{},\".\":{}}}}},"
			 "{\"manager\":\"kubectl-edit\",\"operation\":\"Update\",\"apiVersion\":"
			 "\"v1\",\"time\":\"" T2 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
			 "\"f:data\":{\"f:j\":{},\"f:k\":{}}}}]");

	/* An update that changes nothing keeps the entries (and their times). */
	json_decref(obj);
	obj = json_deep_copy(next);
	u = update("kubectl-edit", "2030-01-01T00:00:00Z");
	ck_assert_int_eq(managed_fields_update(&u, next, obj, err, sizeof(err)), 0);
	ck_assert_str_eq(managed_text(obj), managed_text(next));

	/* Removing the labels takes them from their owner, and owns nothing new. */
	json_object_del(json_object_get(obj, "metadata"), "labels");
	ck_assert_int_eq(managed_fields_update(&u, next, obj, err, sizeof(err)), 0);
	ck_assert_str_eq(managed_text(obj),
			 "[{\"manager\":\"kubectl-create\",\"operation\":\"Update\",\"apiVersion\":"
			 "\"v1\",\"time\":\"" T1 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
			 "\"f:data\":{}}},"
			 "{\"manager\":\"kubectl-edit\",\"operation\":\"Update\",\"apiVersion\":"
			 "\"v1\",\"time\":\"" T2 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{"
			 "\"f:data\":{\"f:j\":{},\"f:k\":{}}}}]");
	json_decref(obj);
	json_decref(next);
}
END_TEST

START_TEST(test_untracked_and_reset)
{
	char err[256];
	struct managed_update u = update("m", T1);
	json_t *live = json("{\"metadata\":{\"name\":\"x\",\"uid\":\"u\"},\"data\":{\"k\":\"v\"}}");
	json_t *next = json("{\"metadata\":{\"name\":\"x\",\"uid\":\"u\"},\"data\":{\"k\":\"w\"}}");
	json_t *tracked =
	    json("{\"metadata\":{\"name\":\"x\",\"uid\":\"u\",\"managedFields\":[{\"manager\":"
		 "\"m\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"fieldsType\":\"FieldsV1\","
		 "\"fieldsV1\":{\"f:data\":{\"f:k\":{}}}}]},\"data\":{\"k\":\"v\"}}");

	ck_assert_int_eq(managed_fields_update(&u, live, next, err, sizeof(err)), 0);
	ck_assert_str_eq(managed_text(next), "(none)");

	json_object_set_new(json_object_get(next, "metadata"), "managedFields", json_array());
	ck_assert_int_eq(managed_fields_update(&u, tracked, next, err, sizeof(err)), 0);
	ck_assert_str_eq(managed_text(next), "(none)");
	json_decref(live);
	json_decref(next);
	json_decref(tracked);
}
END_TEST

START_TEST(test_decode_encode)
{
	char err[256] = "";
	struct managed_fields m;
	json_t *list = json("[{\"manager\":\"b\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
			    "\"time\":\"" T2 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}},"
			    "{\"manager\":\"a\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
			    "\"time\":\"" T2 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}},"
			    "{\"manager\":\"z\",\"operation\":\"Apply\",\"apiVersion\":\"v1\","
			    "\"time\":\"" T2 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}},"
			    "{\"manager\":\"c\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
			    "\"time\":\"" T1 "\",\"fieldsType\":\"FieldsV1\",\"subresource\":"
			    "\"status\",\"fieldsV1\":{}}]");
	json_t *bad = json("[{\"manager\":\"a\",\"operation\":\"Bogus\",\"apiVersion\":\"v1\"}]");
	json_t *out;
	char *t;

	ck_assert_int_eq(managed_fields_decode(list, &m, err, sizeof(err)), 0);
	out = managed_fields_encode(&m);
	t = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ck_assert_str_eq(t, "[{\"manager\":\"z\",\"operation\":\"Apply\",\"apiVersion\":\"v1\","
			    "\"time\":\"" T2 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}},"
			    "{\"manager\":\"c\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
			    "\"time\":\"" T1 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{},"
			    "\"subresource\":\"status\"},"
			    "{\"manager\":\"a\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
			    "\"time\":\"" T2 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}},"
			    "{\"manager\":\"b\",\"operation\":\"Update\",\"apiVersion\":\"v1\","
			    "\"time\":\"" T2 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}}]");
	free(t);
	json_decref(out);
	managed_fields_free(&m);
	ck_assert_int_eq(managed_fields_decode(bad, &m, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "operation must be `Apply` or `Update`");
	json_decref(list);
	json_decref(bad);
}
END_TEST

START_TEST(test_manager_names)
{
	char out[256], why[256];
	char long_name[200];

	managed_fields_manager_from_user_agent("kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9",
					       out, sizeof(out));
	ck_assert_str_eq(out, "kubectl");
	managed_fields_manager_from_user_agent("my tool\x01x/1", out, sizeof(out));
	ck_assert_str_eq(out, "my toolx");
	managed_fields_manager_from_user_agent(NULL, out, sizeof(out));
	ck_assert_str_eq(out, "");

	ck_assert_ptr_null(
	    managed_fields_check_manager("kubectl-client-side-apply", why, sizeof(why)));
	memset(long_name, 'a', 129);
	long_name[129] = '\0';
	ck_assert_str_eq(managed_fields_check_manager(long_name, why, sizeof(why)),
			 "Too long: may not be more than 128 bytes");
	long_name[128] = '\0';
	ck_assert_ptr_null(managed_fields_check_manager(long_name, why, sizeof(why)));
	ck_assert_str_eq(managed_fields_check_manager("a\ab", why, sizeof(why)),
			 "Invalid value: \"a\\ab\": invalid character U+0007 (at position 1)");
}
END_TEST

static Suite *managed_fields_suite(void)
{
	Suite *s = suite_create("managed_fields");
	TCase *tc = tcase_create("managed_fields");

	tcase_add_checked_fixture(tc, load_catalog, teardown);
	tcase_add_test(tc, test_create_then_update);
	tcase_add_test(tc, test_untracked_and_reset);
	tcase_add_test(tc, test_decode_encode);
	tcase_add_test(tc, test_manager_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(managed_fields_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
