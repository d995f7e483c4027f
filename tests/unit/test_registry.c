/*
 * test_registry.c - unit tests for the discovery orders and APIService
 * priorities of shared/registry.c.
 *
 * The group orders are kube-apiserver v1.32's: legacy /apis lists the
 * aggregator's own group first and then follows the APIService priorities;
 * aggregated discovery follows the priorities alone, so
 * apiregistration.k8s.io (no APIService, default priority 1000) comes
 * last. Then properties over the whole registry: every served
 * group-version but the aggregator's has a priority, the versions of a
 * group share one group priority, and the preferred version is the one
 * with the highest version priority.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/registry.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The groups of the registry in the order upstream's /apis lists them. */
static const char *const legacy_order[] = {
    "",
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io", /* 16700 as apiextensions: v1.admission... sorts first */
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
};

static const char *const aggregated_order[] = {
    "",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "apiregistration.k8s.io",
};

START_TEST(test_legacy_group_order)
{
	ck_assert_uint_eq(registry_group_count(), N(legacy_order));
	for (size_t i = 0; i < N(legacy_order); i++)
		ck_assert_str_eq(registry_group_at(i), legacy_order[i]);
	ck_assert_ptr_null(registry_group_at(N(legacy_order)));
}
END_TEST

START_TEST(test_aggregated_group_order)
{
	ck_assert_uint_eq(registry_group_count(), N(aggregated_order));
	for (size_t i = 0; i < N(aggregated_order); i++)
		ck_assert_str_eq(registry_aggregated_group_at(i), aggregated_order[i]);
	ck_assert_ptr_null(registry_aggregated_group_at(N(aggregated_order)));
}
END_TEST

static const struct {
	const char *group, *version;
	bool found;
	int group_priority, version_priority;
} priorities[] = {
    {"", "v1", true, 18000, 1},
    {"apps", "v1", true, 17800, 15},
    {"events.k8s.io", "v1", true, 17750, 15},
    {"autoscaling", "v2", true, 17500, 30},
    {"autoscaling", "v1", true, 17500, 15},
    {"apiextensions.k8s.io", "v1", true, 16700, 15},
    {"admissionregistration.k8s.io", "v1", true, 16700, 15},
    {"flowcontrol.apiserver.k8s.io", "v1", true, 16100, 21},
    {"apiregistration.k8s.io", "v1", false, 0, 0},
    {"apps", "v1beta2", false, 0, 0},
    {"example.com", "v1", false, 0, 0},
};

START_TEST(test_api_service_priorities)
{
	int group_priority = 0, version_priority = 0;
	bool found = registry_api_service_priority(priorities[_i].group, priorities[_i].version,
						   &group_priority, &version_priority);

	ck_assert_msg(found == priorities[_i].found, "%s/%s", priorities[_i].group,
		      priorities[_i].version);
	ck_assert_int_eq(group_priority, priorities[_i].group_priority);
	ck_assert_int_eq(version_priority, priorities[_i].version_priority);
}
END_TEST

/* Every served group-version is registered as an APIService, with one group
 * priority per group, and the preferred version ranks first. */
START_TEST(test_every_group_version_has_a_priority)
{
	size_t checked = 0;

	for (size_t g = 0; g < registry_group_count(); g++) {
		const char *group = registry_group_at(g), *versions[16];
		size_t n = registry_group_versions(group, versions, N(versions));
		int first_group = -1, first_version = -1;

		ck_assert_uint_gt(n, 0);
		for (size_t v = 0; v < n; v++) {
			int gp, vp;
			bool found = registry_api_service_priority(group, versions[v], &gp, &vp);

			if (strcmp(group, "apiregistration.k8s.io") == 0) {
				ck_assert(!found);
				continue;
			}
			ck_assert_msg(found, "%s/%s has no APIService priority", group,
				      versions[v]);
			if (v == 0) {
				first_group = gp;
				first_version = vp;
			}
			ck_assert_int_eq(gp, first_group);
			ck_assert_msg(vp <= first_version, "%s: %s ranks above the preferred %s",
				      group, versions[v], versions[0]);
			checked++;
		}
	}
	ck_assert_uint_eq(checked, 20);
}
END_TEST

static Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("registry");

	tcase_add_test(tc, test_legacy_group_order);
	tcase_add_test(tc, test_aggregated_group_order);
	tcase_add_loop_test(tc, test_api_service_priorities, 0, N(priorities));
	tcase_add_test(tc, test_every_group_version_has_a_priority);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	char err[512];
	SRunner *runner;
	int failed;

	if (registry_load(err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	runner = srunner_create(registry_suite());
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? 1 : 0;
}
