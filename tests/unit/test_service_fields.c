/*
 * test_service_fields.c - unit tests for shared/service_fields.c: each
 * step of kube-apiserver's Service storage and strategy on a spec (and the
 * stored spec, on an update), the spec it leaves and the 422 causes it
 * gives, as upstream's tests of pkg/registry/core/service describe them.
 *
 * Specs are written with ' for " to keep them readable.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "shared/service_fields.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static json_t *quoted(const char *text)
{
	char *copy = strdup(text);
	json_error_t err;
	json_t *j;

	ck_assert(copy != NULL);
	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(copy, 0, &err);
	ck_assert_msg(j != NULL, "bad test JSON %s: %s", copy, err.text);
	free(copy);
	return j;
}

/* A Service with this spec. */
static json_t *svc(const char *spec)
{
	json_t *s = json_pack("{s:{s:s}}", "metadata", "name", "s");

	json_object_set_new(s, "spec", quoted(spec));
	return s;
}

static void assert_spec(json_t *s, const char *want)
{
	json_t *w = quoted(want);
	char *got = json_dumps(json_object_get(s, "spec"), JSON_COMPACT | JSON_SORT_KEYS);
	char *expected = json_dumps(w, JSON_COMPACT | JSON_SORT_KEYS);

	ck_assert_str_eq(got, expected);
	free(got);
	free(expected);
	json_decref(w);
}

static const struct service_families v4 = {{"IPv4"}, 1};
static const struct service_families v6 = {{"IPv6"}, 1};
static const struct service_families dual = {{"IPv4", "IPv6"}, 2};

/* ---- normalizeClusterIPs ---- */

static const struct {
	const char *spec, *old, *want;
} normalize_cases[] = {
    /* create: an old client's singular field */
    {"{'clusterIP':'10.0.0.5'}", NULL, "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5']}"},
    {"{'clusterIP':'None'}", NULL, "{'clusterIP':'None','clusterIPs':['None']}"},
    {"{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.6']}", NULL,
     "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.6']}"}, /* validation's to refuse */
    {"{'clusterIPs':['10.0.0.6']}", NULL, "{'clusterIPs':['10.0.0.6']}"},
    {"{}", NULL, "{}"},
    /* update: an old client patching something else keeps clusterIPs */
    {"{'clusterIP':'10.0.0.5'}", "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5','fd00::5']}",
     "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5','fd00::5']}"},
    /* clearing clusterIP with clusterIPs as they were clears both */
    {"{'clusterIP':'','clusterIPs':['10.0.0.5']}",
     "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5']}", "{'clusterIP':''}"},
    /* a changed clusterIP, clusterIPs as they were: they follow it */
    {"{'clusterIP':'10.0.0.9','clusterIPs':['10.0.0.5']}",
     "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5']}",
     "{'clusterIP':'10.0.0.9','clusterIPs':['10.0.0.9']}"},
    /* both changed: left for validation */
    {"{'clusterIP':'10.0.0.9','clusterIPs':['10.0.0.8']}",
     "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5']}",
     "{'clusterIP':'10.0.0.9','clusterIPs':['10.0.0.8']}"},
};

START_TEST(test_normalize)
{
	json_t *s = svc(normalize_cases[_i].spec);
	json_t *old = normalize_cases[_i].old ? quoted(normalize_cases[_i].old) : NULL;

	service_normalize_cluster_ips(json_object_get(s, "spec"), old);
	assert_spec(s, normalize_cases[_i].want);
	json_decref(s);
	json_decref(old);
}
END_TEST

/* ---- patchAllocatedValues ---- */

static const struct {
	const char *spec, *old, *want;
} patch_cases[] = {
    {"{'type':'ClusterIP'}",
     "{'type':'ClusterIP','clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5']}",
     "{'type':'ClusterIP','clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5']}"},
    /* not into or out of ExternalName */
    {"{'type':'ExternalName'}", "{'type':'ClusterIP','clusterIP':'10.0.0.5'}",
     "{'type':'ExternalName'}"},
    /* node ports by port name; not one another port now has */
    {"{'type':'NodePort','ports':[{'name':'a','port':80},{'name':'b','port':81},"
     "{'name':'c','port':82,'nodePort':30002}]}",
     "{'type':'NodePort','ports':[{'name':'a','port':80,'nodePort':30001},"
     "{'name':'b','port':81,'nodePort':30002}]}",
     "{'type':'NodePort','ports':[{'name':'a','port':80,'nodePort':30001},{'name':'b','port':81},"
     "{'name':'c','port':82,'nodePort':30002}]}"},
    /* NodePort to ClusterIP: nothing to keep */
    {"{'type':'ClusterIP','ports':[{'name':'a','port':80}]}",
     "{'type':'NodePort','ports':[{'name':'a','port':80,'nodePort':30001}]}",
     "{'type':'ClusterIP','ports':[{'name':'a','port':80}]}"},
    {"{'type':'LoadBalancer','externalTrafficPolicy':'Local'}",
     "{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':31000}",
     "{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':31000}"},
    {"{'type':'LoadBalancer','externalTrafficPolicy':'Cluster'}",
     "{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':31000}",
     "{'type':'LoadBalancer','externalTrafficPolicy':'Cluster'}"},
};

START_TEST(test_patch_allocated_values)
{
	json_t *s = svc(patch_cases[_i].spec), *old = quoted(patch_cases[_i].old);

	service_patch_allocated_values(json_object_get(s, "spec"), old);
	assert_spec(s, patch_cases[_i].want);
	json_decref(s);
	json_decref(old);
}
END_TEST

/* ---- defaultOnRead ---- */

static const struct {
	const char *spec, *want;
	const struct service_families *families;
} read_cases[] = {
    {"{'clusterIP':'10.0.0.5'}",
     "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5'],'ipFamilies':['IPv4'],'ipFamilyPolicy':"
     "'SingleStack'}",
     &v4},
    {"{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5','fd00::5']}",
     "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5','fd00::5'],'ipFamilies':['IPv4','IPv6'],"
     "'ipFamilyPolicy':'RequireDualStack'}",
     &dual},
    {"{'clusterIP':'None','selector':{'a':'b'}}",
     "{'clusterIP':'None','clusterIPs':['None'],'selector':{'a':'b'},'ipFamilies':['IPv6'],"
     "'ipFamilyPolicy':'SingleStack'}",
     &v6},
    {"{'clusterIP':'None'}",
     "{'clusterIP':'None','clusterIPs':['None'],'ipFamilies':['IPv4','IPv6'],'ipFamilyPolicy':"
     "'RequireDualStack'}",
     &v4},
    {"{'type':'ExternalName','externalName':'x.com'}",
     "{'type':'ExternalName','externalName':'x.com'}", &v4},
    /* already there */
    {"{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5'],'ipFamilies':['IPv4']}",
     "{'clusterIP':'10.0.0.5','clusterIPs':['10.0.0.5'],'ipFamilies':['IPv4']}", &v4},
};

START_TEST(test_default_on_read)
{
	json_t *s = svc(read_cases[_i].spec);

	service_default_on_read(s, read_cases[_i].families);
	assert_spec(s, read_cases[_i].want);
	json_decref(s);
}
END_TEST

/* ---- initIPFamilyFields ---- */

#define NOT_CONFIGURED_DUAL                                                                        \
	"spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not "           \
	"configured "                                                                              \
	"for dual-stack services"

static const struct {
	const char *name, *spec, *old;
	const struct service_families *families;
	const char *want; /* the spec, or the causes as "field: message|..." */
} family_cases[] = {
    {"create: the cluster's family, single-stack", "{'type':'ClusterIP'}", NULL, &v4,
     "{'type':'ClusterIP','ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4']}"},
    {"create on an IPv6 cluster", "{}", NULL, &v6,
     "{'ipFamilyPolicy':'SingleStack','ipFamilies':['IPv6']}"},
    {"create: the family of a given IP", "{'clusterIP':'fd00::1','clusterIPs':['fd00::1']}", NULL,
     &dual,
     "{'clusterIP':'fd00::1','clusterIPs':['fd00::1'],'ipFamilyPolicy':'SingleStack',"
     "'ipFamilies':['IPv6']}"},
    {"create: PreferDualStack on a dual-stack cluster", "{'ipFamilyPolicy':'PreferDualStack'}",
     NULL, &dual, "{'ipFamilyPolicy':'PreferDualStack','ipFamilies':['IPv4','IPv6']}"},
    {"create: PreferDualStack on a single-stack cluster", "{'ipFamilyPolicy':'PreferDualStack'}",
     NULL, &v4, "{'ipFamilyPolicy':'PreferDualStack','ipFamilies':['IPv4']}"},
    {"create: RequireDualStack, IPv6 first",
     "{'ipFamilyPolicy':'RequireDualStack','ipFamilies':['IPv6']}", NULL, &dual,
     "{'ipFamilyPolicy':'RequireDualStack','ipFamilies':['IPv6','IPv4']}"},
    {"headless with a selector", "{'clusterIP':'None','clusterIPs':['None'],'selector':{'a':'b'}}",
     NULL, &v4,
     "{'clusterIP':'None','clusterIPs':['None'],'selector':{'a':'b'},'ipFamilyPolicy':"
     "'SingleStack','ipFamilies':['IPv4']}"},
    {"headless and selectorless: dual-stack on any cluster",
     "{'clusterIP':'None','clusterIPs':['None']}", NULL, &v4,
     "{'clusterIP':'None','clusterIPs':['None'],'ipFamilyPolicy':'RequireDualStack',"
     "'ipFamilies':['IPv4','IPv6']}"},
    {"ExternalName: nothing", "{'type':'ExternalName'}", NULL, &v4, "{'type':'ExternalName'}"},
    {"RequireDualStack on a single-stack cluster", "{'ipFamilyPolicy':'RequireDualStack'}", NULL,
     &v4, NOT_CONFIGURED_DUAL},
    {"a family the cluster does not serve", "{'ipFamilies':['IPv6']}", NULL, &v4,
     "spec.ipFamilies[0]: Invalid value: \"IPv6\": not configured on this cluster"},
    {"an IP of a family the cluster does not serve",
     "{'clusterIP':'fd00::1','clusterIPs':['fd00::1']}", NULL, &v4,
     "spec.clusterIPs[0]: Invalid value: []string{\"fd00::1\"}: IPv6 is not configured on this "
     "cluster"},
    {"SingleStack with two IPs and two families",
     "{'ipFamilyPolicy':'SingleStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1','fd00::1'],"
     "'ipFamilies':['IPv4','IPv6']}",
     NULL, &dual,
     "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or "
     "'PreferDualStack' when multiple cluster IPs are specified|spec.ipFamilyPolicy: Invalid "
     "value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP "
     "families are specified"},
    {"the cluster IP fields' validation comes first",
     "{'clusterIP':'10.0.0.1','clusterIPs':['10.0.0.2'],'ipFamilyPolicy':'RequireDualStack'}", NULL,
     &v4,
     "spec.clusterIPs: Invalid value: []string{\"10.0.0.2\"}: first value must match `clusterIP`"},
    {"update: the old policy when none is given",
     "{'clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1']}",
     "{'clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],'ipFamilyPolicy':'PreferDualStack',"
     "'ipFamilies':['IPv4']}",
     &v4,
     "{'clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],'ipFamilyPolicy':'PreferDualStack',"
     "'ipFamilies':['IPv4']}"},
    {"update: SingleStack drops the secondary IP and family",
     "{'ipFamilyPolicy':'SingleStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1','fd00::1'],"
     "'ipFamilies':['IPv4','IPv6']}",
     "{'ipFamilyPolicy':'RequireDualStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1',"
     "'fd00::1'],'ipFamilies':['IPv4','IPv6']}",
     &dual,
     "{'ipFamilyPolicy':'SingleStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],"
     "'ipFamilies':['IPv4']}"},
    {"update: dropping the secondary takes SingleStack",
     "{'ipFamilyPolicy':'RequireDualStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],"
     "'ipFamilies':['IPv4']}",
     "{'ipFamilyPolicy':'RequireDualStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1',"
     "'fd00::1'],'ipFamilies':['IPv4','IPv6']}",
     &dual,
     "spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be 'SingleStack' to release "
     "the secondary cluster IP|spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": must be "
     "'SingleStack' to release the secondary IP family"},
    {"update: PreferDualStack, nothing changed: left alone",
     "{'ipFamilyPolicy':'PreferDualStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],"
     "'ipFamilies':['IPv4']}",
     "{'ipFamilyPolicy':'PreferDualStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],"
     "'ipFamilies':['IPv4']}",
     &dual,
     "{'ipFamilyPolicy':'PreferDualStack','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],"
     "'ipFamilies':['IPv4']}"},
};

START_TEST(test_init_ip_families)
{
	json_t *s = svc(family_cases[_i].spec), *old = NULL;
	struct validation_errors errs = {0};
	const char *want = family_cases[_i].want;
	int n;

	if (family_cases[_i].old) {
		old = json_object();
		json_object_set_new(old, "spec", quoted(family_cases[_i].old));
	}
	n = service_init_ip_families(s, old, family_cases[_i].families, &errs);
	if (want[0] == '{') {
		ck_assert_msg(n == 0, "%s: %d causes, the first %s: %s", family_cases[_i].name, n,
			      n ? errs.causes[0].field : "", n ? errs.causes[0].message : "");
		assert_spec(s, want);
	} else {
		char got[2048] = "";

		for (size_t i = 0; i < errs.num; i++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s: %s",
				 i ? "|" : "", errs.causes[i].field, errs.causes[i].message);
		ck_assert_int_eq(n, (int)errs.num);
		ck_assert_str_eq(got, want);
	}
	validation_errors_free(&errs);
	json_decref(s);
	json_decref(old);
}
END_TEST

/* ---- dropTypeDependentFields ---- */

static const struct {
	const char *spec, *old, *want;
} drop_cases[] = {
    /* to ExternalName: the IP fields as they were go */
    {"{'type':'ExternalName','externalName':'x.com','clusterIP':'10.0.0.1','clusterIPs':["
     "'10.0.0.1'],'ipFamilies':['IPv4'],'ipFamilyPolicy':'SingleStack'}",
     "{'type':'ClusterIP','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],'ipFamilies':['IPv4'],"
     "'ipFamilyPolicy':'SingleStack'}",
     "{'type':'ExternalName','externalName':'x.com'}"},
    /* ... unless the client changed them too: left for validation */
    {"{'type':'ExternalName','externalName':'x.com','clusterIP':'10.0.0.2','clusterIPs':["
     "'10.0.0.2']}",
     "{'type':'ClusterIP','clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1']}",
     "{'type':'ExternalName','externalName':'x.com','clusterIP':'10.0.0.2','clusterIPs':["
     "'10.0.0.2']}"},
    /* NodePort to ClusterIP: node ports and the external traffic policy go */
    {"{'type':'ClusterIP','externalTrafficPolicy':'Cluster','ports':[{'port':80,'nodePort':"
     "30001}]}",
     "{'type':'NodePort','externalTrafficPolicy':'Cluster','ports':[{'port':80,'nodePort':30001}"
     "]}",
     "{'type':'ClusterIP','ports':[{'port':80}]}"},
    /* ... unless a node port is new */
    {"{'type':'ClusterIP','ports':[{'port':80,'nodePort':30009}]}",
     "{'type':'NodePort','ports':[{'port':80,'nodePort':30001}]}",
     "{'type':'ClusterIP','ports':[{'port':80,'nodePort':30009}]}"},
    /* with external IPs a ClusterIP Service keeps its external traffic policy */
    {"{'type':'ClusterIP','externalTrafficPolicy':'Local','externalIPs':['1.2.3.4']}",
     "{'type':'NodePort','externalTrafficPolicy':'Local'}",
     "{'type':'ClusterIP','externalTrafficPolicy':'Local','externalIPs':['1.2.3.4']}"},
    /* LoadBalancer to NodePort */
    {"{'type':'NodePort','externalTrafficPolicy':'Local','healthCheckNodePort':31000,"
     "'allocateLoadBalancerNodePorts':true,'loadBalancerClass':'x/y'}",
     "{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':31000,"
     "'allocateLoadBalancerNodePorts':true,'loadBalancerClass':'x/y'}",
     "{'type':'NodePort','externalTrafficPolicy':'Local'}"},
    {"{'type':'NodePort','allocateLoadBalancerNodePorts':false}",
     "{'type':'LoadBalancer','allocateLoadBalancerNodePorts':true}",
     "{'type':'NodePort','allocateLoadBalancerNodePorts':false}"},
    /* the same type: nothing */
    {"{'type':'NodePort','ports':[{'port':80,'nodePort':30001}]}",
     "{'type':'NodePort','ports':[{'port':80,'nodePort':30001}]}",
     "{'type':'NodePort','ports':[{'port':80,'nodePort':30001}]}"},
};

START_TEST(test_drop_type_dependent_fields)
{
	json_t *s = svc(drop_cases[_i].spec), *old = json_object();

	json_object_set_new(old, "spec", quoted(drop_cases[_i].old));
	service_drop_type_dependent_fields(s, old);
	assert_spec(s, drop_cases[_i].want);
	json_decref(s);
	json_decref(old);
}
END_TEST

START_TEST(test_load_balancer_status_goes_with_the_type)
{
	json_t *s = svc("{'type':'ClusterIP'}"), *old = svc("{'type':'LoadBalancer'}");
	char *text;

	json_object_set_new(s, "status", quoted("{'loadBalancer':{'ingress':[{'ip':'1.2.3.4'}]}}"));
	service_drop_type_dependent_fields(s, old);
	text = json_dumps(json_object_get(s, "status"), JSON_COMPACT);
	ck_assert_str_eq(text, "{\"loadBalancer\":{}}");
	free(text);
	json_decref(s);
	json_decref(old);
}
END_TEST

START_TEST(test_small_things)
{
	json_t *s = svc("{'type':'ExternalName','internalTrafficPolicy':'Cluster'}");
	json_t *list = quoted("['10.0.0.1','','a\\\"b']");
	char *text;

	service_hide_internal_traffic_policy(json_object_get(s, "spec"));
	assert_spec(s, "{'type':'ExternalName'}");
	json_decref(s);
	s = svc("{'internalTrafficPolicy':'Cluster'}");
	service_hide_internal_traffic_policy(json_object_get(s, "spec"));
	assert_spec(s, "{'internalTrafficPolicy':'Cluster'}");
	json_decref(s);
	text = service_go_strings(list);
	ck_assert_str_eq(text, "[]string{\"10.0.0.1\", \"\", \"a\\\"b\"}");
	free(text);
	json_decref(list);
	ck_assert_str_eq(service_family_of("10.1.2.3"), "IPv4");
	ck_assert_str_eq(service_family_of("fd00::1"), "IPv6");
	ck_assert_str_eq(service_family_of("None"), "unknown");
	s = svc("{'type':'LoadBalancer','allocateLoadBalancerNodePorts':false}");
	ck_assert(!service_allocates_node_ports(json_object_get(s, "spec")));
	ck_assert(service_needs_node_port(json_object_get(s, "spec")));
	json_decref(s);
	s = svc("{'type':'LoadBalancer','externalTrafficPolicy':'Local'}");
	ck_assert(service_allocates_node_ports(json_object_get(s, "spec")));
	ck_assert(service_needs_health_check(json_object_get(s, "spec")));
	json_decref(s);
}
END_TEST

static Suite *service_fields_suite(void)
{
	Suite *s = suite_create("service_fields");
	TCase *steps = tcase_create("steps");

	tcase_add_loop_test(steps, test_normalize, 0, N(normalize_cases));
	tcase_add_loop_test(steps, test_patch_allocated_values, 0, N(patch_cases));
	tcase_add_loop_test(steps, test_default_on_read, 0, N(read_cases));
	tcase_add_loop_test(steps, test_init_ip_families, 0, N(family_cases));
	tcase_add_loop_test(steps, test_drop_type_dependent_fields, 0, N(drop_cases));
	tcase_add_test(steps, test_load_balancer_status_goes_with_the_type);
	tcase_add_test(steps, test_small_things);
	suite_add_tcase(s, steps);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(service_fields_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
