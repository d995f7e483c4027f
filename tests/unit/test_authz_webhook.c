/*
 * test_authz_webhook.c - unit tests for the bodies the webhooks are sent
 * and the answers read back (worker/authz_webhook.c, the TokenReview of
 * worker/authn_webhook.c): the exact bytes encoding/json writes for
 * upstream's objects, v1 and v1beta1.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "worker/authn_webhook.h"
#include "worker/authz_webhook.h"

static const char *const groups[] = {"dev<ops>", "system:authenticated"};

static struct authz_attributes resource_attrs(void)
{
	return (struct authz_attributes){
	    .user = "jane",
	    .groups = groups,
	    .num_groups = 2,
	    .resource_request = true,
	    .verb = "get",
	    .api_group = "apps",
	    .api_version = "v1",
	    .namespace = "ns",
	    .resource = "deployments",
	    .subresource = "scale",
	    .name = "web",
	    .path = "/apis/apps/v1/namespaces/ns/deployments/web/scale",
	};
}

static const char *review(const struct authz_attributes *attrs, const struct user_info *user,
			  const char *version, struct buf *spec)
{
	static struct buf out;

	buf_reset(&out);
	buf_reset(spec);
	authz_webhook_review(attrs, user, version, &out, spec);
	buf_append(&out, "", 1);
	buf_append(spec, "", 1);
	return out.data;
}

START_TEST(test_resource_review_v1)
{
	struct authz_attributes attrs = resource_attrs();
	const char *zz[] = {"1", "2"}, *aa[] = {"x"};
	struct user_extra extra[] = {{"zz", zz, 2}, {"aa", aa, 1}, {"empty", NULL, 0}};
	struct user_info user = {.name = "jane", .uid = "u-1", .extra = extra, .num_extra = 3};
	struct buf spec = {0};

	ck_assert_str_eq(
	    review(&attrs, &user, "v1", &spec),
	    "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\","
	    "\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"resourceAttributes\":"
	    "{\"namespace\":\"ns\",\"verb\":\"get\",\"group\":\"apps\",\"version\":\"v1\","
	    "\"resource\":\"deployments\",\"subresource\":\"scale\",\"name\":\"web\"},"
	    "\"user\":\"jane\",\"groups\":[\"dev\\u003cops\\u003e\",\"system:authenticated\"],"
	    "\"extra\":{\"aa\":[\"x\"],\"empty\":null,\"zz\":[\"1\",\"2\"]},\"uid\":\"u-1\"},"
	    "\"status\":{\"allowed\":false}}\n");
	/* The cache key is the spec alone. */
	ck_assert_str_eq(
	    spec.data,
	    "{\"resourceAttributes\":{\"namespace\":\"ns\",\"verb\":\"get\",\"group\":"
	    "\"apps\",\"version\":\"v1\",\"resource\":\"deployments\",\"subresource\":"
	    "\"scale\",\"name\":\"web\"},\"user\":\"jane\",\"groups\":[\"dev\\u003cops"
	    "\\u003e\",\"system:authenticated\"],\"extra\":{\"aa\":[\"x\"],\"empty\":null,"
	    "\"zz\":[\"1\",\"2\"]},\"uid\":\"u-1\"}");
	buf_free(&spec);
}
END_TEST

START_TEST(test_empty_fields_omitted_v1beta1)
{
	struct authz_attributes attrs = resource_attrs();
	struct buf spec = {0};

	attrs.api_group = "";
	attrs.namespace = "";
	attrs.subresource = "";
	attrs.name = "";
	attrs.verb = "list";
	attrs.resource = "nodes";
	/* v1beta1 names the groups "group"; no user: no uid, no extra. */
	ck_assert_str_eq(
	    review(&attrs, NULL, "v1beta1", &spec),
	    "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/"
	    "v1beta1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":{"
	    "\"resourceAttributes\":{\"verb\":\"list\",\"version\":\"v1\",\"resource\":"
	    "\"nodes\"},\"user\":\"jane\",\"group\":[\"dev\\u003cops\\u003e\","
	    "\"system:authenticated\"]},\"status\":{\"allowed\":false}}\n");
	attrs.user = "";
	attrs.num_groups = 0;
	ck_assert_str_eq(
	    review(&attrs, NULL, "v1", &spec),
	    "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/"
	    "v1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":{"
	    "\"resourceAttributes\":{\"verb\":\"list\",\"version\":\"v1\",\"resource\":"
	    "\"nodes\"}},\"status\":{\"allowed\":false}}\n");
	buf_free(&spec);
}
END_TEST

START_TEST(test_non_resource_review)
{
	struct authz_attributes attrs = {.user = "bob",
					 .verb = "get",
					 .resource_request = false,
					 .api_group = "",
					 .api_version = "",
					 .namespace = "",
					 .resource = "",
					 .subresource = "",
					 .name = "",
					 .path = "/metrics&more"};
	struct buf spec = {0};

	ck_assert_str_eq(review(&attrs, NULL, "v1", &spec),
			 "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/"
			 "v1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":{"
			 "\"nonResourceAttributes\":{\"path\":\"/metrics\\u0026more\",\"verb\":"
			 "\"get\"},\"user\":\"bob\"},\"status\":{\"allowed\":false}}\n");
	buf_free(&spec);
}
END_TEST

static const struct {
	const char *body;
	int rc;
	bool allowed, denied;
	const char *reason, *error;
} answers[] = {
    {"{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\","
     "\"status\":{\"allowed\":true,\"reason\":\"ok by me\"}}",
     0, true, false, "ok by me", NULL},
    {"{\"apiVersion\":\"authorization.k8s.io/v1beta1\",\"kind\":\"SubjectAccessReview\","
     "\"status\":{\"allowed\":false,\"denied\":true}}",
     0, false, true, "", NULL},
    {"{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SubjectAccessReview\"}", 0, false,
     false, "", NULL},
    {"garbage", -1, false, false, "", "invalid character 'g' looking for beginning of value"},
    {"{\"status\":{}}", -1, false, false, "", "Object 'Kind' is missing in '{\"status\":{}}'"},
    {"{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}", -1, false, false, "",
     "converting (v1, Kind=Pod) to SubjectAccessReview: unknown conversion"},
};

START_TEST(test_read_answer)
{
	struct arena a = {0};
	bool allowed = true, denied = true;
	const char *reason = NULL, *error = NULL;
	int rc = authz_webhook_read_answer(answers[_i].body, strlen(answers[_i].body), &a, &allowed,
					   &denied, &reason, &error);

	ck_assert_int_eq(rc, answers[_i].rc);
	ck_assert_int_eq(allowed, answers[_i].allowed);
	ck_assert_int_eq(denied, answers[_i].denied);
	ck_assert_str_eq(reason, answers[_i].reason);
	if (answers[_i].error)
		ck_assert_str_eq(error, answers[_i].error);
	else
		ck_assert_ptr_null(error);
	arena_free(&a);
}
END_TEST

START_TEST(test_token_review)
{
	struct buf out = {0};
	const char *auds[] = {"api", "a&b"};

	authn_webhook_review("tok\"en", auds, 2, "v1", &out);
	buf_append(&out, "", 1);
	ck_assert_str_eq(out.data,
			 "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/"
			 "v1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"token\":"
			 "\"tok\\\"en\",\"audiences\":[\"api\",\"a\\u0026b\"]},\"status\":{"
			 "\"user\":{}}}\n");
	buf_reset(&out);
	authn_webhook_review("t", NULL, 0, "v1beta1", &out);
	buf_append(&out, "", 1);
	ck_assert_str_eq(out.data,
			 "{\"kind\":\"TokenReview\",\"apiVersion\":\"authentication.k8s.io/"
			 "v1beta1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":{"
			 "\"token\":\"t\"},\"status\":{\"user\":{}}}\n");
	buf_free(&out);
}
END_TEST

static Suite *authz_webhook_suite(void)
{
	Suite *s = suite_create("authz_webhook");
	TCase *tc = tcase_create("bodies");

	tcase_add_test(tc, test_resource_review_v1);
	tcase_add_test(tc, test_empty_fields_omitted_v1beta1);
	tcase_add_test(tc, test_non_resource_review);
	tcase_add_loop_test(tc, test_read_answer, 0, sizeof(answers) / sizeof(answers[0]));
	tcase_add_test(tc, test_token_review);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(authz_webhook_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
