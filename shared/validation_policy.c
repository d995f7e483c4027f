/*
 * validation_policy.c - policy/v1 PodDisruptionBudget
 * (pkg/apis/policy/validation) and autoscaling v1 and v2
 * HorizontalPodAutoscaler (pkg/apis/autoscaling/validation) as
 * kube-apiserver v1.32 validates them.
 *
 * A PodDisruptionBudget's strategy validates only the spec; the
 * registry's common check of the ObjectMeta (names as path segments) runs
 * after it on create, and only when the spec is valid, and before it on
 * update (validateCommonFields), as here.
 *
 * An HPA is validated as the internal (v2-shaped) object: a v1 object's
 * targetCPUUtilizationPercentage is the CPU utilization metric, after the
 * metrics its autoscaling.alpha.kubernetes.io/metrics annotation carries
 * (counted for the index, not validated here). HPAScaleToZero is off by
 * default, so minReplicas starts at 1 unless the old object already had 0.
 * The errors of several metric sources in one metric, a Go map's
 * iteration, come in sorted order.
 */
#include <string.h>

#include "shared/validation_internal.h"

/* ---- PodDisruptionBudget ---- */

static const char *pdb_spec_go(struct vctx *c, json_t *spec)
{
	return arena_printf(c->arena,
			    "policy.PodDisruptionBudgetSpec{MinAvailable:%s, Selector:%s, "
			    "MaxUnavailable:%s, UnhealthyPodEvictionPolicy:%s}",
			    vr_pointer(c, "intstr.IntOrString", jhas(spec, "minAvailable")),
			    vr_pointer(c, "v1.LabelSelector", jhas(spec, "selector")),
			    vr_pointer(c, "intstr.IntOrString", jhas(spec, "maxUnavailable")),
			    vr_pointer(c, "policy.UnhealthyPodEvictionPolicyType",
				       jhas(spec, "unhealthyPodEvictionPolicy")));
}

void v_pod_disruption_budget(struct vctx *c, json_t *pdb, json_t *old)
{
	static const char *const policies[] = {"AlwaysAllow", "IfHealthyBudget", NULL};
	json_t *spec = jget(pdb, "spec"), *meta = jget(pdb, "metadata");
	size_t before = c->out->num;

	if (old) {
		v_object_meta(c, meta, 1, NAME_PATH_SEGMENT);
		v_object_meta_update(c, meta, jget(old, "metadata"));
	}
	if (jhas(spec, "minAvailable") && jhas(spec, "maxUnavailable"))
		v_invalid(c, "spec", pdb_spec_go(c, spec),
			  "minAvailable and maxUnavailable cannot be both set");
	if (jhas(spec, "minAvailable")) {
		v_positive_int_or_percent(c, jget(spec, "minAvailable"), "spec.minAvailable");
		v_not_more_than_100_percent(c, jget(spec, "minAvailable"), "spec.minAvailable");
	}
	if (jhas(spec, "maxUnavailable")) {
		v_positive_int_or_percent(c, jget(spec, "maxUnavailable"), "spec.maxUnavailable");
		v_not_more_than_100_percent(c, jget(spec, "maxUnavailable"), "spec.maxUnavailable");
	}
	v_label_selector(c, jget(spec, "selector"), "spec.selector");
	if (jhas(spec, "unhealthyPodEvictionPolicy") &&
	    !str_in(jstr(spec, "unhealthyPodEvictionPolicy"), policies))
		v_not_supported(c, "spec.unhealthyPodEvictionPolicy",
				vr_quote(c, jstr(spec, "unhealthyPodEvictionPolicy")), policies);
	if (!old && c->out->num == before)
		v_object_meta(c, meta, 1, NAME_PATH_SEGMENT);
}

/* ---- HorizontalPodAutoscaler ---- */

static void v_path_segment_member(struct vctx *c, json_t *obj, const char *key,
				  const char *required_detail, const char *path)
{
	const char *value = jstr(obj, key), *p = vp_child(c, path, key);
	struct vmsgs m = {0};

	if (!*value) {
		v_required(c, p, required_detail);
		return;
	}
	is_path_segment_name(value, false, &m);
	for (size_t i = 0; i < m.n; i++)
		v_invalid(c, p, vr_quote(c, value), m.m[i]);
}

/* ValidateCrossVersionObjectReference */
static void v_cross_version_reference(struct vctx *c, json_t *ref, const char *path)
{
	v_path_segment_member(c, ref, "kind", "", path);
	v_path_segment_member(c, ref, "name", "", path);
}

/* A quantity that is not positive (Sign() != 1). */
static bool not_positive(struct vctx *c, json_t *obj, const char *key)
{
	long double v = 0;

	return !vq_value(c, jstr(obj, key), &v) || v <= 0;
}

/* validateMetricTarget */
static void v_metric_target(struct vctx *c, json_t *target, const char *path)
{
	const char *type = jstr(target, "type");

	if (!*type)
		v_required(c, vp_child(c, path, "type"), "must specify a metric target type");
	if (strcmp(type, "Utilization") != 0 && strcmp(type, "Value") != 0 &&
	    strcmp(type, "AverageValue") != 0)
		v_invalid(c, vp_child(c, path, "type"), vr_quote(c, type),
			  "must be either Utilization, Value, or AverageValue");
	if (jhas(target, "value") && not_positive(c, target, "value"))
		v_invalid(c, vp_child(c, path, "value"), vq_go_struct(c, jstr(target, "value")),
			  "must be positive");
	if (jhas(target, "averageValue") && not_positive(c, target, "averageValue"))
		v_invalid(c, vp_child(c, path, "averageValue"),
			  vq_go_struct(c, jstr(target, "averageValue")), "must be positive");
	if (jhas(target, "averageUtilization") && jint(target, "averageUtilization") < 1)
		v_invalid(c, vp_child(c, path, "averageUtilization"),
			  vr_int(c, jint(target, "averageUtilization")), "must be greater than 0");
}

/* The source-specific rules, for the one source validateMetricSpec checks. */
static void v_metric_source(struct vctx *c, const char *kind, json_t *src, const char *path)
{
	json_t *target = jget(src, "target");
	const char *tp = vp_child(c, path, "target");

	if (strcmp(kind, "object") == 0)
		v_cross_version_reference(c, jget(src, "describedObject"),
					  vp_child(c, path, "describedObject"));
	if (strcmp(kind, "object") == 0 || strcmp(kind, "external") == 0 ||
	    strcmp(kind, "pods") == 0)
		v_path_segment_member(c, jget(src, "metric"), "name", "must specify a metric name",
				      vp_child(c, path, "metric"));
	if (strcmp(kind, "resource") == 0 && !*jstr(src, "name"))
		v_required(c, vp_child(c, path, "name"), "must specify a resource name");
	if (strcmp(kind, "containerResource") == 0) {
		if (!*jstr(src, "name"))
			v_required(c, vp_child(c, path, "name"), "must specify a resource name");
		else
			v_container_resource_name(c, jstr(src, "name"), vp_child(c, path, "name"));
		if (!*jstr(src, "container"))
			v_required(c, vp_child(c, path, "container"), "must specify a container");
		else
			v_dns1123_label(c, jstr(src, "container"), vp_child(c, path, "container"));
	}
	v_metric_target(c, target, tp);
	if (strcmp(kind, "object") == 0 && !jhas(target, "value") && !jhas(target, "averageValue"))
		v_required(c, vp_child(c, tp, "averageValue"),
			   "must set either a target value or averageValue");
	if (strcmp(kind, "external") == 0) {
		if (!jhas(target, "value") && !jhas(target, "averageValue"))
			v_required(c, vp_child(c, tp, "averageValue"),
				   "must set either a target value for metric or a per-pod target");
		if (jhas(target, "value") && jhas(target, "averageValue"))
			v_forbidden(c, vp_child(c, tp, "value"),
				    "may not set both a target value for metric and a per-pod "
				    "target");
	}
	if (strcmp(kind, "pods") == 0 && !jhas(target, "averageValue"))
		v_required(c, vp_child(c, tp, "averageValue"),
			   "must specify a positive target averageValue");
	if (strcmp(kind, "resource") == 0 || strcmp(kind, "containerResource") == 0) {
		if (!jhas(target, "averageUtilization") && !jhas(target, "averageValue"))
			v_required(c, vp_child(c, tp, "averageUtilization"),
				   "must set either a target raw value or a target utilization");
		if (jhas(target, "averageUtilization") && jhas(target, "averageValue"))
			v_forbidden(c, vp_child(c, tp, "averageValue"),
				    "may not set both a target raw value and a target utilization");
	}
}

/* validateMetricSpec */
static void v_metric_spec(struct vctx *c, json_t *spec, const char *path)
{
	static const char *const types[] = {"ContainerResource", "External", "Object", "Pods",
					    "Resource",		 NULL};
	/* the order upstream checks the members in, and the type that names each */
	static const char *const members[][2] = {{"object", "Object"},
						 {"external", "External"},
						 {"pods", "Pods"},
						 {"resource", "Resource"},
						 {"containerResource", "ContainerResource"}};
	static const char *const sorted[] = {"containerResource", "external", "object", "pods",
					     "resource"};
	const char *type = jstr(spec, "type"), *expected = "";
	size_t present = 0;

	if (!*type)
		v_required(c, vp_child(c, path, "type"), "must specify a metric source type");
	if (!str_in(type, types))
		v_not_supported(c, vp_child(c, path, "type"), vr_quote(c, type), types);
	for (size_t i = 0; i < 5; i++) {
		if (!jget(spec, members[i][0]))
			continue;
		if (++present == 1)
			v_metric_source(c, members[i][0], jget(spec, members[i][0]),
					vp_child(c, path, members[i][0]));
	}
	for (size_t i = 0; i < 5; i++)
		if (strcmp(type, members[i][1]) == 0)
			expected = members[i][0];
	if (!*expected)
		v_not_supported(c, vp_child(c, path, "type"), vr_quote(c, type), types);
	else if (!jget(spec, expected))
		v_required(c, vp_child(c, path, expected),
			   "must populate information for the given metric source");
	if (present != 1)
		for (size_t i = 0; i < 5; i++)
			if (jget(spec, sorted[i]) && strcmp(sorted[i], expected) != 0)
				v_forbidden(c, vp_child(c, path, sorted[i]),
					    "must populate the given metric source only");
}

/* validateScalingRules */
static void v_scaling_rules(struct vctx *c, json_t *rules, const char *path)
{
	static const char *const selects[] = {"Disabled", "Max", "Min", NULL};
	static const char *const kinds[] = {"Percent", "Pods", NULL};
	const char *policies = vp_child(c, path, "policies");
	int64_t window = jint(rules, "stabilizationWindowSeconds");
	json_t *policy;
	size_t i;

	if (!rules)
		return;
	if (jhas(rules, "stabilizationWindowSeconds") && window < 0)
		v_invalid(c, vp_child(c, path, "stabilizationWindowSeconds"), vr_int(c, window),
			  "must be greater than or equal to zero");
	if (jhas(rules, "stabilizationWindowSeconds") && window > 3600)
		v_invalid(c, vp_child(c, path, "stabilizationWindowSeconds"), vr_int(c, window),
			  "must be less than or equal to 3600");
	if (jhas(rules, "selectPolicy") && !str_in(jstr(rules, "selectPolicy"), selects))
		v_not_supported(c, vp_child(c, path, "selectPolicy"),
				vr_quote(c, jstr(rules, "selectPolicy")), selects);
	if (jlen(jget(rules, "policies")) == 0)
		v_required(c, policies, "must specify at least one Policy");
	json_array_foreach(jget(rules, "policies"), i, policy)
	{
		const char *p = vp_index(c, policies, i);
		int64_t value = jint(policy, "value"), period = jint(policy, "periodSeconds");

		if (!str_in(jstr(policy, "type"), kinds))
			v_not_supported(c, vp_child(c, p, "type"),
					vr_quote(c, jstr(policy, "type")), kinds);
		if (value <= 0)
			v_invalid(c, vp_child(c, p, "value"), vr_int(c, value),
				  "must be greater than zero");
		if (period <= 0)
			v_invalid(c, vp_child(c, p, "periodSeconds"), vr_int(c, period),
				  "must be greater than zero");
		if (period > 1800)
			v_invalid(c, vp_child(c, p, "periodSeconds"), vr_int(c, period),
				  "must be less than or equal to 1800");
	}
}

/* The internal metrics of a v1 object: the CPU metric its
 * targetCPUUtilizationPercentage stands for, after those the annotation holds. */
static json_t *v1_metrics(json_t *hpa, size_t *first)
{
	json_t *spec = jget(hpa, "spec"), *list = json_array(), *parsed;
	const char *text = jstr(jget(jget(hpa, "metadata"), "annotations"),
				"autoscaling.alpha.kubernetes.io/metrics");

	parsed = *text ? json_loads(text, 0, NULL) : NULL;
	*first = json_is_array(parsed) ? json_array_size(parsed) : 0;
	json_decref(parsed);
	if (jhas(spec, "targetCPUUtilizationPercentage"))
		json_array_append_new(list,
				      json_pack("{s:s, s:{s:s, s:{s:s, s:O}}}", "type", "Resource",
						"resource", "name", "cpu", "target", "type",
						"Utilization", "averageUtilization",
						jget(spec, "targetCPUUtilizationPercentage")));
	return list;
}

void v_horizontal_pod_autoscaler(struct vctx *c, json_t *hpa, json_t *old, bool v1)
{
	json_t *spec = jget(hpa, "spec"), *metrics, *m;
	json_t *old_min = jget(jget(old, "spec"), "minReplicas");
	int64_t min = jint(spec, "minReplicas"), max = jint(spec, "maxReplicas");
	int64_t lower = json_is_integer(old_min) && json_integer_value(old_min) == 0 ? 0 : 1;
	bool object_or_external = false;
	size_t i, first = 0;

	if (old)
		v_object_meta_update(c, jget(hpa, "metadata"), jget(old, "metadata"));
	else
		v_object_meta(c, jget(hpa, "metadata"), 1, NAME_SUBDOMAIN);
	if (jhas(spec, "minReplicas") && min < lower)
		v_invalid(c, "spec.minReplicas", vr_int(c, min),
			  arena_printf(c->arena, "must be greater than or equal to %lld",
				       (long long)lower));
	if (max < 1)
		v_invalid(c, "spec.maxReplicas", vr_int(c, max), "must be greater than 0");
	if (jhas(spec, "minReplicas") && max < min)
		v_invalid(c, "spec.maxReplicas", vr_int(c, max),
			  "must be greater than or equal to `minReplicas`");
	v_cross_version_reference(c, jget(spec, "scaleTargetRef"), "spec.scaleTargetRef");
	metrics = v1 ? v1_metrics(hpa, &first) : json_incref(jget(spec, "metrics"));
	json_array_foreach(metrics, i, m)
	{
		v_metric_spec(c, m, vp_index(c, "spec.metrics", first + i));
		object_or_external = object_or_external || strcmp(jstr(m, "type"), "Object") == 0 ||
				     strcmp(jstr(m, "type"), "External") == 0;
	}
	json_decref(metrics);
	if (jhas(spec, "minReplicas") && min == 0 && !object_or_external)
		v_forbidden(c, "spec.metrics",
			    "must specify at least one Object or External metric to support "
			    "scaling to zero replicas");
	if (jget(spec, "behavior")) {
		v_scaling_rules(c, jget(jget(spec, "behavior"), "scaleUp"),
				"spec.behavior.scaleUp");
		v_scaling_rules(c, jget(jget(spec, "behavior"), "scaleDown"),
				"spec.behavior.scaleDown");
	}
}
