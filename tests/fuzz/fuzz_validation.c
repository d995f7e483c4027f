/*
 * fuzz_validation.c - libFuzzer target for shared/validation*.c.
 *
 * The first input byte picks a kind, the second whether to validate a
 * create, an update against the object itself, or an update against a
 * valid object of that kind; the rest is the object, as JSON. Validation
 * of any JSON must not crash, must count what it appends, must give each
 * cause a field, a known reason and a message that starts with the text of
 * that reason, and must give the same causes when run again. The Status
 * message and details of the causes must build.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/validation.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static const struct {
	const char *group, *version, *kind, *valid;
} kinds[] = {
    {"", "v1", "Pod",
     "{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"},\"spec\":{\"containers\":[{\"name\":"
     "\"c\",\"image\":\"i\"}],\"terminationGracePeriodSeconds\":30,\"securityContext\":{}}}"},
    {"", "v1", "PersistentVolumeClaim",
     "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
     "\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}},\"status\":{\"phase\":\"Bound\","
     "\"capacity\":{\"storage\":\"1Gi\"}}}"},
    {"", "v1", "PersistentVolume",
     "{\"metadata\":{\"name\":\"v\"},\"spec\":{\"capacity\":{\"storage\":\"1Gi\"},"
     "\"accessModes\":[\"ReadWriteOnce\"],\"csi\":{\"driver\":\"d\",\"volumeHandle\":\"h\"},"
     "\"nodeAffinity\":{\"required\":{\"nodeSelectorTerms\":[{}]}}}}"},
    {"", "v1", "Node",
     "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podCIDRs\":[\"10.0.0.0/8\",\"fd00::/64\"],"
     "\"providerID\":\"x\",\"taints\":[{\"key\":\"k\",\"effect\":\"NoSchedule\"}]}}"},
    {"storage.k8s.io", "v1", "StorageClass",
     "{\"metadata\":{\"name\":\"s\"},\"provisioner\":\"p\",\"reclaimPolicy\":\"Delete\","
     "\"volumeBindingMode\":\"Immediate\",\"parameters\":{\"a\":\"b\"}}"},
    {"rbac.authorization.k8s.io", "v1", "Role",
     "{\"metadata\":{\"name\":\"r\"},\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"p\"],"
     "\"verbs\":[\"get\"]}]}"},
    {"rbac.authorization.k8s.io", "v1", "ClusterRole",
     "{\"metadata\":{\"name\":\"r\"},\"aggregationRule\":{\"clusterRoleSelectors\":[{}]}}"},
    {"rbac.authorization.k8s.io", "v1", "RoleBinding",
     "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
     "\"kind\":\"Role\",\"name\":\"r\"}}"},
    {"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding",
     "{\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
     "\"kind\":\"ClusterRole\",\"name\":\"r\"}}"},
    {"networking.k8s.io", "v1", "Ingress",
     "{\"metadata\":{\"name\":\"i\"},\"spec\":{\"rules\":[{\"host\":\"*.a.b\",\"http\":{"
     "\"paths\":[]}}],\"tls\":[{\"secretName\":\"X\"}]}}"},
    {"networking.k8s.io", "v1", "IngressClass",
     "{\"metadata\":{\"name\":\"c\"},\"spec\":{\"controller\":\"a.b/c\"}}"},
    {"networking.k8s.io", "v1", "NetworkPolicy",
     "{\"metadata\":{\"name\":\"n\"},\"spec\":{\"podSelector\":{},\"ingress\":[{\"from\":[{"
     "\"ipBlock\":{\"cidr\":\"10.0.0.0/8\",\"except\":[\"10.1.0.0/16\"]}}]}]}}"},
    {"policy", "v1", "PodDisruptionBudget",
     "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"minAvailable\":\"50%\"}}"},
    {"autoscaling", "v1", "HorizontalPodAutoscaler",
     "{\"metadata\":{\"name\":\"h\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"D\",\"name\":"
     "\"d\"},\"minReplicas\":0,\"maxReplicas\":2,\"targetCPUUtilizationPercentage\":5}}"},
    {"autoscaling", "v2", "HorizontalPodAutoscaler",
     "{\"metadata\":{\"name\":\"h\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"D\",\"name\":"
     "\"d\"},\"maxReplicas\":2}}"},
    {"scheduling.k8s.io", "v1", "PriorityClass",
     "{\"metadata\":{\"name\":\"p\"},\"value\":1,\"preemptionPolicy\":\"Never\"}"},
    {"coordination.k8s.io", "v1", "Lease", "{\"metadata\":{\"name\":\"l\"},\"spec\":{}}"},
};

static const char *const reasons[][2] = {
    {"FieldValueRequired", "Required value"},
    {"FieldValueInvalid", "Invalid value"},
    {"FieldValueNotSupported", "Unsupported value"},
    {"FieldValueDuplicate", "Duplicate value"},
    {"FieldValueForbidden", "Forbidden"},
    {"FieldValueNotFound", "Not found"},
    {"FieldValueTooLong", "Too long"},
    {"InternalError", "Internal error"},
};

static void check_causes(const struct validation_errors *errs)
{
	for (size_t i = 0; i < errs->num; i++) {
		const struct validation_cause *c = &errs->causes[i];
		bool known = false;

		fuzz_assert(c->field && c->reason && c->message);
		for (size_t r = 0; r < sizeof(reasons) / sizeof(reasons[0]); r++)
			if (strcmp(c->reason, reasons[r][0]) == 0) {
				known = true;
				fuzz_assert(
				    strncmp(c->message, reasons[r][1], strlen(reasons[r][1])) == 0);
			}
		fuzz_assert(known);
	}
}

static void validate(size_t k, json_t *obj, json_t *old)
{
	struct validation_errors errs = {0}, again = {0};
	int n = validation_check(kinds[k].group, kinds[k].version, kinds[k].kind, obj, old, &errs);
	char *msg;
	json_t *details;

	fuzz_assert(n >= 0 && (size_t)n == errs.num);
	check_causes(&errs);
	fuzz_assert(validation_check(kinds[k].group, kinds[k].version, kinds[k].kind, obj, old,
				     &again) == n);
	for (size_t i = 0; i < errs.num; i++) {
		fuzz_assert(strcmp(errs.causes[i].field, again.causes[i].field) == 0);
		fuzz_assert(strcmp(errs.causes[i].message, again.causes[i].message) == 0);
	}
	msg = validation_status_message(&errs, kinds[k].group, kinds[k].kind, "x");
	details = validation_status_details(&errs, kinds[k].group, kinds[k].kind, "x");
	fuzz_assert(msg && details);
	free(msg);
	json_decref(details);
	validation_errors_free(&errs);
	validation_errors_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t k;
	json_t *obj, *valid;

	if (size < 2)
		return 0;
	k = data[0] % (sizeof(kinds) / sizeof(kinds[0]));
	obj = json_loadb((const char *)data + 2, size - 2, JSON_DECODE_ANY, NULL);
	if (!obj)
		return 0;
	valid = json_loads(kinds[k].valid, 0, NULL);
	fuzz_assert(valid);
	switch (data[1] % 3) {
	case 0:
		validate(k, obj, NULL);
		break;
	case 1:
		validate(k, obj, obj);
		break;
	default:
		validate(k, obj, valid);
		validate(k, valid, obj);
	}
	json_decref(valid);
	json_decref(obj);
	return 0;
}
