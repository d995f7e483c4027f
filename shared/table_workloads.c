/*
 * table_workloads.c - the cells of pods, workload controllers, jobs and
 * horizontal pod autoscalers: the ones whose upstream printers hold real
 * logic (printPod, printJob, formatHPAMetrics in
 * pkg/printers/internalversion/printers.go of v1.32).
 */
#include "shared/table_cells.h"

#include <string.h>

/* --- pods ------------------------------------------------------------------ */

/* What printPod works out once for the Ready, Status and Restarts cells. */
struct pod_summary {
	long long ready, total, restarts;
	const char *reason;
	struct timestamp last_restart;
};

static bool condition_is_true(const json_t *condition)
{
	return strcmp(cell_str(json_object_get(condition, "status")), "True") == 0;
}

/* Whether the named init container is a sidecar (restartPolicy Always). */
static bool is_sidecar(const json_t *init_containers, const char *name)
{
	json_t *found = NULL;

	/* Upstream indexes the containers by name in a map: the last one wins. */
	for (size_t i = 0; i < json_array_size(init_containers); i++) {
		json_t *ic = json_array_get(init_containers, i);

		if (strcmp(cell_str(json_object_get(ic, "name")), name) == 0)
			found = ic;
	}
	return strcmp(cell_str(json_object_get(found, "restartPolicy")), "Always") == 0;
}

/* The later of *last and the status's lastState.terminated.finishedAt. */
static void note_restart(const json_t *status, struct timestamp *last)
{
	json_t *terminated = cell_get(status, ".lastState.terminated");
	struct timestamp finished;

	if (!terminated)
		return;
	finished = cell_time(json_object_get(terminated, "finishedAt"));
	if (timestamp_compare(last, &finished) < 0)
		*last = finished;
}

/* A terminated state's reason, or "<prefix>Signal:<n>" / "<prefix>ExitCode:<n>". */
static const char *terminated_reason(struct arena *a, const json_t *terminated, const char *prefix)
{
	const char *reason = cell_str(json_object_get(terminated, "reason"));
	long long signal = cell_int(json_object_get(terminated, "signal"));

	if (*reason)
		return arena_printf(a, "%s%s", prefix, reason);
	if (signal != 0)
		return arena_printf(a, "%sSignal:%lld", prefix, signal);
	return arena_printf(a, "%sExitCode:%lld", prefix,
			    cell_int(json_object_get(terminated, "exitCode")));
}

static void pod_summarize(const struct cell_context *c, struct pod_summary *s)
{
	json_t *spec = json_object_get(c->obj, "spec"), *status = json_object_get(c->obj, "status");
	json_t *init_containers = json_object_get(spec, "initContainers");
	json_t *init_statuses = json_object_get(status, "initContainerStatuses");
	json_t *statuses = json_object_get(status, "containerStatuses");
	json_t *conditions = json_object_get(status, "conditions");
	const char *phase = cell_str(json_object_get(status, "phase"));
	const char *status_reason = cell_str(json_object_get(status, "reason"));
	long long sidecar_restarts = 0;
	struct timestamp sidecar_last_restart = timestamp_zero();
	bool initializing = false;
	json_t *initialized;

	*s = (struct pod_summary){
	    .total = (long long)json_array_size(json_object_get(spec, "containers")),
	    .reason = *status_reason ? status_reason : phase,
	    .last_restart = timestamp_zero()};
	for (size_t i = 0; i < json_array_size(conditions); i++) {
		json_t *cond = json_array_get(conditions, i);

		if (strcmp(cell_str(json_object_get(cond, "type")), "PodScheduled") == 0 &&
		    strcmp(cell_str(json_object_get(cond, "reason")), "SchedulingGated") == 0)
			s->reason = "SchedulingGated";
	}
	for (size_t i = 0; i < json_array_size(init_containers); i++)
		if (strcmp(cell_str(cell_get(json_array_get(init_containers, i), "restartPolicy")),
			   "Always") == 0)
			s->total++;

	/* Init containers in order, up to the first one still initializing the pod. */
	for (size_t i = 0; i < json_array_size(init_statuses); i++) {
		json_t *cs = json_array_get(init_statuses, i);
		json_t *terminated = cell_get(cs, ".state.terminated");
		json_t *waiting = cell_get(cs, ".state.waiting");
		const char *waiting_reason = cell_str(json_object_get(waiting, "reason"));
		bool sidecar = is_sidecar(init_containers, cell_str(json_object_get(cs, "name")));

		s->restarts += cell_int(json_object_get(cs, "restartCount"));
		note_restart(cs, &s->last_restart);
		if (sidecar) {
			sidecar_restarts += cell_int(json_object_get(cs, "restartCount"));
			note_restart(cs, &sidecar_last_restart);
		}
		if (terminated && cell_int(json_object_get(terminated, "exitCode")) == 0)
			continue;
		if (sidecar && json_is_true(json_object_get(cs, "started"))) {
			if (json_is_true(json_object_get(cs, "ready")))
				s->ready++;
			continue;
		}
		if (terminated)
			s->reason = terminated_reason(c->arena, terminated, "Init:");
		else if (*waiting_reason && strcmp(waiting_reason, "PodInitializing") != 0)
			s->reason = arena_printf(c->arena, "Init:%s", waiting_reason);
		else
			s->reason = arena_printf(c->arena, "Init:%zu/%zu", i,
						 json_array_size(init_containers));
		initializing = true;
		break;
	}

	initialized = cell_first_condition(conditions, "Initialized");
	if (!initializing || condition_is_true(initialized)) {
		bool has_running = false;

		s->restarts = sidecar_restarts;
		s->last_restart = sidecar_last_restart;
		/* From the last container to the first: the first one's state wins. */
		for (size_t i = json_array_size(statuses); i-- > 0;) {
			json_t *cs = json_array_get(statuses, i);
			json_t *terminated = cell_get(cs, ".state.terminated");
			const char *waiting_reason =
			    cell_str(cell_get(cs, ".state.waiting.reason"));

			s->restarts += cell_int(json_object_get(cs, "restartCount"));
			note_restart(cs, &s->last_restart);
			if (cell_get(cs, ".state.waiting") && *waiting_reason) {
				s->reason = waiting_reason;
			} else if (terminated) {
				s->reason = terminated_reason(c->arena, terminated, "");
			} else if (json_is_true(json_object_get(cs, "ready")) &&
				   cell_get(cs, ".state.running")) {
				has_running = true;
				s->ready++;
			}
		}
		/* A pod whose restarted containers still run is not "Completed". */
		if (strcmp(s->reason, "Completed") == 0 && has_running) {
			bool ready = false;

			for (size_t i = 0; i < json_array_size(conditions); i++) {
				json_t *cond = json_array_get(conditions, i);

				if (strcmp(cell_str(json_object_get(cond, "type")), "Ready") == 0 &&
				    condition_is_true(cond))
					ready = true;
			}
			s->reason = ready ? "Running" : "NotReady";
		}
	}

	if (cell_get(c->obj, ".metadata.deletionTimestamp")) {
		if (strcmp(status_reason, "NodeLost") == 0)
			s->reason = "Unknown";
		else if (strcmp(phase, "Succeeded") != 0 && strcmp(phase, "Failed") != 0)
			s->reason = "Terminating";
	}
}

static json_t *cell_pod_ready(const struct cell_context *c)
{
	struct pod_summary s;

	pod_summarize(c, &s);
	return cell_printf("%lld/%lld", s.ready, s.total);
}

static json_t *cell_pod_status(const struct cell_context *c)
{
	struct pod_summary s;

	pod_summarize(c, &s);
	return cell_string(s.reason);
}

static json_t *cell_pod_restarts(const struct cell_context *c)
{
	struct pod_summary s;

	pod_summarize(c, &s);
	if (s.restarts != 0 && !timestamp_is_zero(&s.last_restart))
		return cell_printf("%lld (%s ago)", s.restarts, cell_since(c, s.last_restart));
	return cell_printf("%lld", s.restarts);
}

static json_t *cell_pod_ip(const struct cell_context *c)
{
	const char *ip =
	    cell_str(json_object_get(json_array_get(cell_get(c->obj, ".status.podIPs"), 0), "ip"));

	return cell_string(*ip ? ip : "<none>");
}

static json_t *cell_pod_readiness_gates(const struct cell_context *c)
{
	json_t *gates = cell_get(c->obj, ".spec.readinessGates");
	json_t *conditions = cell_get(c->obj, ".status.conditions");
	size_t true_conditions = 0;

	if (json_array_size(gates) == 0)
		return json_string("<none>");
	for (size_t i = 0; i < json_array_size(gates); i++) {
		const char *type =
		    cell_str(json_object_get(json_array_get(gates, i), "conditionType"));

		if (condition_is_true(cell_first_condition(conditions, type)))
			true_conditions++;
	}
	return cell_printf("%zu/%zu", true_conditions, json_array_size(gates));
}

/* --- workload controllers and jobs ------------------------------------------------ */

static json_t *cell_ready_of_desired(const struct cell_context *c)
{
	return cell_printf("%lld/%lld", cell_int(cell_get(c->obj, ".status.readyReplicas")),
			   cell_int(cell_get(c->obj, ".spec.replicas")));
}

/* hasJobCondition: the first condition of the type decides. */
static bool job_condition(const struct cell_context *c, const char *type)
{
	return condition_is_true(
	    cell_first_condition(cell_get(c->obj, ".status.conditions"), type));
}

static json_t *cell_job_status(const struct cell_context *c)
{
	if (job_condition(c, "Complete"))
		return json_string("Complete");
	if (job_condition(c, "Failed"))
		return json_string("Failed");
	if (cell_get(c->obj, ".metadata.deletionTimestamp"))
		return json_string("Terminating");
	if (job_condition(c, "Suspended"))
		return json_string("Suspended");
	if (job_condition(c, "FailureTarget"))
		return json_string("FailureTarget");
	return json_string("Running");
}

static json_t *cell_job_completions(const struct cell_context *c)
{
	long long succeeded = cell_int(cell_get(c->obj, ".status.succeeded"));
	long long parallelism = cell_int(cell_get(c->obj, ".spec.parallelism"));
	json_t *completions = cell_get(c->obj, ".spec.completions");

	if (completions)
		return cell_printf("%lld/%lld", succeeded, cell_int(completions));
	if (parallelism > 1)
		return cell_printf("%lld/1 of %lld", succeeded, parallelism);
	return cell_printf("%lld/1", succeeded);
}

static json_t *cell_job_duration(const struct cell_context *c)
{
	json_t *start = cell_get(c->obj, ".status.startTime");
	json_t *completion = cell_get(c->obj, ".status.completionTime");
	struct timestamp started = cell_time(start), until = c->now;
	char text[HUMAN_DURATION_SIZE];

	if (!start)
		return json_string("");
	if (completion)
		until = cell_time(completion);
	return cell_string(human_duration(timestamp_sub(&until, &started), text));
}

/* metav1.GetControllerOf, shown as lower(Kind[.group])/name. */
static json_t *cell_controller_ref(const struct cell_context *c)
{
	json_t *owners = cell_get(c->obj, ".metadata.ownerReferences");

	for (size_t i = 0; i < json_array_size(owners); i++) {
		json_t *ref = json_array_get(owners, i);
		const char *api_version = cell_str(json_object_get(ref, "apiVersion"));
		const char *kind = cell_str(json_object_get(ref, "kind"));
		const char *name = cell_str(json_object_get(ref, "name"));
		const char *slash = strchr(api_version, '/');
		const char *group = "";

		if (!json_is_true(json_object_get(ref, "controller")))
			continue;
		/*
		 * schema.ParseGroupVersion: "v1" has no group, "apps/v1" has one.
		 * ("/" is the empty version; upstream rejects a second '/', which
		 * validation keeps out of stored objects.)
		 */
		if (slash && strcmp(api_version, "/") != 0)
			group = arena_strndup(c->arena, api_version, (size_t)(slash - api_version));
		if (!*kind && !*group)
			return cell_string(name);
		if (*group)
			return cell_printf("%s.%s/%s", cell_lower(c->arena, kind),
					   cell_lower(c->arena, group), name);
		return cell_printf("%s/%s", cell_lower(c->arena, kind), name);
	}
	return json_string("<none>");
}

/* --- horizontal pod autoscalers ----------------------------------------------------- */

static json_t *cell_hpa_reference(const struct cell_context *c)
{
	return cell_printf("%s/%s", cell_str(cell_get(c->obj, ".spec.scaleTargetRef.kind")),
			   cell_str(cell_get(c->obj, ".spec.scaleTargetRef.name")));
}

static void set_if_present(json_t *obj, const char *key, const json_t *value)
{
	if (value && !json_is_null(value))
		json_object_set_new(obj, key, json_deep_copy(value));
}

/* A v1 quantity that conversion takes by address: the zero Quantity when absent. */
static void set_or_zero(json_t *obj, const char *key, const json_t *value)
{
	if (value && !json_is_null(value))
		json_object_set_new(obj, key, json_deep_copy(value));
	else
		json_object_set_new(obj, key, json_string("0"));
}

/*
 * One autoscaling/v1 MetricSpec (the shape of the
 * autoscaling.alpha.kubernetes.io/metrics annotation) as the v2 shape the
 * printer reads, following Convert_v1_MetricSpec_To_autoscaling_MetricSpec.
 */
static json_t *v2_metric_spec(const json_t *v1)
{
	json_t *out = json_object(), *source = json_object(), *target = json_object();
	const char *type = cell_str(json_object_get(v1, "type"));
	json_t *in;

	json_object_set_new(out, "type", json_string(type));
	if (strcmp(type, "Resource") == 0 || strcmp(type, "ContainerResource") == 0) {
		in = json_object_get(v1, strcmp(type, "Resource") == 0 ? "resource"
								       : "containerResource");
		set_if_present(source, "name", json_object_get(in, "name"));
		set_if_present(target, "averageUtilization",
			       json_object_get(in, "targetAverageUtilization"));
		set_if_present(target, "averageValue", json_object_get(in, "targetAverageValue"));
		json_object_set_new(
		    out, strcmp(type, "Resource") == 0 ? "resource" : "containerResource", source);
	} else if (strcmp(type, "Pods") == 0) {
		set_or_zero(target, "averageValue", cell_get(v1, ".pods.targetAverageValue"));
		json_object_set_new(out, "pods", source);
	} else if (strcmp(type, "Object") == 0) {
		set_or_zero(target, "value", cell_get(v1, ".object.targetValue"));
		set_if_present(target, "averageValue", cell_get(v1, ".object.averageValue"));
		json_object_set_new(out, "object", source);
	} else if (strcmp(type, "External") == 0) {
		set_if_present(target, "value", cell_get(v1, ".external.targetValue"));
		set_if_present(target, "averageValue",
			       cell_get(v1, ".external.targetAverageValue"));
		json_object_set_new(out, "external", source);
	} else {
		json_decref(source);
		json_decref(target);
		return out;
	}
	json_object_set_new(source, "target", target);
	return out;
}

/* One autoscaling/v1 MetricStatus (the current-metrics annotation) as v2. */
static json_t *v2_metric_status(const json_t *v1)
{
	json_t *out = json_object(), *source = json_object(), *current = json_object();
	const char *type = cell_str(json_object_get(v1, "type"));
	json_t *in;

	if (strcmp(type, "Resource") == 0 || strcmp(type, "ContainerResource") == 0) {
		const char *key = strcmp(type, "Resource") == 0 ? "resource" : "containerResource";

		in = json_object_get(v1, key);
		set_if_present(source, "name", json_object_get(in, "name"));
		set_or_zero(current, "averageValue", json_object_get(in, "currentAverageValue"));
		set_if_present(current, "averageUtilization",
			       json_object_get(in, "currentAverageUtilization"));
		json_object_set_new(out, key, source);
	} else if (strcmp(type, "Pods") == 0) {
		set_or_zero(current, "averageValue", cell_get(v1, ".pods.currentAverageValue"));
		json_object_set_new(out, "pods", source);
	} else if (strcmp(type, "Object") == 0) {
		set_or_zero(current, "value", cell_get(v1, ".object.currentValue"));
		set_if_present(current, "averageValue", cell_get(v1, ".object.averageValue"));
		json_object_set_new(out, "object", source);
	} else if (strcmp(type, "External") == 0) {
		set_or_zero(current, "value", cell_get(v1, ".external.currentValue"));
		set_if_present(current, "averageValue",
			       cell_get(v1, ".external.currentAverageValue"));
		json_object_set_new(out, "external", source);
	} else {
		json_decref(source);
		json_decref(current);
		return out;
	}
	json_object_set_new(source, "current", current);
	return out;
}

/* The cpu utilization metric of targetCPUUtilizationPercentage and its status. */
static json_t *cpu_utilization(const char *field, json_int_t percent)
{
	return json_pack("{s:s, s:{s:s, s:{s:I}}}", "type", "Resource", "resource", "name", "cpu",
			 field, "averageUtilization", percent);
}

/* A JSON array in an annotation, converted element by element; NULL if there is none. */
static json_t *annotation_metrics(const struct cell_context *c, const char *annotation,
				  json_t *(*convert)(const json_t *))
{
	json_t *annotations = cell_get(c->obj, ".metadata.annotations");
	json_t *text = json_object_get(annotations, annotation), *parsed, *out;

	if (!json_is_string(text))
		return NULL;
	parsed = json_loads(json_string_value(text), JSON_DECODE_ANY, NULL);
	if (json_is_null(parsed))
		return json_array(); /* "null" decodes to an empty list */
	if (!json_is_array(parsed)) {
		json_decref(parsed);
		return NULL;
	}
	out = json_array();
	for (size_t i = 0; i < json_array_size(parsed); i++)
		json_array_append_new(out, convert(json_array_get(parsed, i)));
	json_decref(parsed);
	return out;
}

/*
 * The metrics and current metrics of an autoscaling/v1 object, as
 * Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler
 * makes them: the annotation's metrics, then the cpu target; the default
 * cpu target of 80% when there is neither.
 */
static void v1_hpa_metrics(const struct cell_context *c, json_t **metrics, json_t **current)
{
	json_t *cpu_target = cell_get(c->obj, ".spec.targetCPUUtilizationPercentage");
	json_t *cpu_current = cell_get(c->obj, ".status.currentCPUUtilizationPercentage");

	*metrics = annotation_metrics(c, "autoscaling.alpha.kubernetes.io/metrics", v2_metric_spec);
	if (!*metrics)
		*metrics = json_array();
	if (cpu_target)
		json_array_append_new(*metrics, cpu_utilization("target", cell_int(cpu_target)));
	if (json_array_size(*metrics) == 0)
		json_array_append_new(*metrics, cpu_utilization("target", 80));

	*current = annotation_metrics(c, "autoscaling.alpha.kubernetes.io/current-metrics",
				      v2_metric_status);
	if (!*current) {
		*current = json_array();
		if (cpu_current)
			json_array_append_new(*current,
					      cpu_utilization("current", cell_int(cpu_current)));
	}
}

/* "<current>/<target>" of Object and External metrics, averaged or not. */
static const char *value_metric(struct arena *a, const json_t *spec, const json_t *status)
{
	json_t *target_average = cell_get(spec, ".target.averageValue");
	const char *current = "<unknown>";

	if (target_average) {
		json_t *current_average = cell_get(status, ".current.averageValue");

		if (current_average)
			current = cell_quantity(a, current_average);
		return arena_printf(a, "%s/%s (avg)", current, cell_quantity(a, target_average));
	}
	if (status)
		current = cell_quantity_pointer(a, cell_get(status, ".current.value"));
	return arena_printf(a, "%s/%s", current,
			    cell_quantity_pointer(a, cell_get(spec, ".target.value")));
}

/* "<resource>: <current>/<target>" of Resource and ContainerResource metrics. */
static const char *resource_metric(struct arena *a, const json_t *spec, const json_t *status)
{
	const char *name = cell_str(json_object_get(spec, "name")), *current = "<unknown>";
	json_t *target_average = cell_get(spec, ".target.averageValue");
	json_t *target_utilization = cell_get(spec, ".target.averageUtilization");
	json_t *current_utilization = cell_get(status, ".current.averageUtilization");

	if (target_average) {
		if (status)
			current =
			    cell_quantity_pointer(a, cell_get(status, ".current.averageValue"));
		return arena_printf(a, "%s: %s/%s", name, current,
				    cell_quantity(a, target_average));
	}
	if (status && current_utilization)
		current = arena_printf(a, "%lld%%", cell_int(current_utilization));
	return arena_printf(a, "%s: %s/%s", name, current,
			    target_utilization
				? arena_printf(a, "%lld%%", cell_int(target_utilization))
				: "<auto>");
}

/* formatHPAMetrics */
static json_t *cell_hpa_targets(const struct cell_context *c)
{
	json_t *metrics, *current, *converted_metrics = NULL, *converted_current = NULL;
	struct buf b = {0};
	size_t count, shown = 0;

	if (strcmp(c->rt->version, "v1") == 0) {
		v1_hpa_metrics(c, &converted_metrics, &converted_current);
		metrics = converted_metrics;
		current = converted_current;
	} else {
		metrics = cell_get(c->obj, ".spec.metrics");
		current = cell_get(c->obj, ".status.currentMetrics");
	}
	count = json_array_size(metrics);
	for (size_t i = 0; i < count && i < 2; i++) {
		json_t *spec = json_array_get(metrics, i), *status = json_array_get(current, i);
		const char *type = cell_str(json_object_get(spec, "type")),
			   *text = "<unknown type>";

		/* A status counts when it carries the source the spec names. */
		if (strcmp(type, "External") == 0 || strcmp(type, "Object") == 0) {
			const char *key = strcmp(type, "External") == 0 ? "external" : "object";

			text = value_metric(c->arena, cell_get(spec, key), cell_get(status, key));
		} else if (strcmp(type, "Resource") == 0 ||
			   strcmp(type, "ContainerResource") == 0) {
			const char *key =
			    strcmp(type, "Resource") == 0 ? "resource" : "containerResource";

			text =
			    resource_metric(c->arena, cell_get(spec, key), cell_get(status, key));
		} else if (strcmp(type, "Pods") == 0) {
			json_t *pods_status = cell_get(status, "pods");

			text = arena_printf(
			    c->arena, "%s/%s",
			    pods_status
				? cell_quantity_pointer(
				      c->arena, cell_get(pods_status, ".current.averageValue"))
				: "<unknown>",
			    cell_quantity_pointer(c->arena,
						  cell_get(spec, ".pods.target.averageValue")));
		}
		cell_join(&b, &shown, ", ", text);
	}
	if (count > 2)
		buf_printf(&b, " + %zu more...", count - 2);
	json_decref(converted_metrics);
	json_decref(converted_current);
	if (count == 0) {
		buf_free(&b);
		return json_string("<none>");
	}
	return cell_from_buf(&b);
}

const struct cell_kind table_workload_cells[] = {
    {"podReady", cell_pod_ready},
    {"podStatus", cell_pod_status},
    {"podRestarts", cell_pod_restarts},
    {"podIP", cell_pod_ip},
    {"podReadinessGates", cell_pod_readiness_gates},
    {"readyOfDesired", cell_ready_of_desired},
    {"jobStatus", cell_job_status},
    {"jobCompletions", cell_job_completions},
    {"jobDuration", cell_job_duration},
    {"controllerRef", cell_controller_ref},
    {"hpaReference", cell_hpa_reference},
    {"hpaTargets", cell_hpa_targets},
};
const size_t table_num_workload_cells =
    sizeof(table_workload_cells) / sizeof(table_workload_cells[0]);
