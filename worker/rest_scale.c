/*
 * rest_scale.c - the scale subresource (autoscaling/v1 Scale) of
 * deployments, replicasets, statefulsets and replicationcontrollers, which
 * kubectl scale and the horizontal pod autoscaler read and write.
 *
 * A Scale is a view of its parent: the parent's name, namespace, uid,
 * resourceVersion and creationTimestamp, spec.replicas, status.replicas and
 * the selector as text. Reading converts the stored parent; writing (PUT,
 * or a patch applied to the view) sets the parent's spec.replicas and goes
 * through the parent's read-modify-write like any update, so the
 * resourceVersion precondition and generation work as for the parent.
 */
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "worker/rest_internal.h"
#include "worker/worker.h"

bool rest_is_scale(const struct rest_call *call)
{
	return call->subresource && strcmp(call->subresource, "scale") == 0;
}

static int string_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* One requirement as labels.Requirement.String() writes it. */
static char *requirement_text(const char *key, const char *op, json_t *values)
{
	struct buf b = {0};
	size_t n = json_array_size(values), i;
	const char **sorted = calloc(n ? n : 1, sizeof(*sorted));
	json_t *v;

	if (!sorted)
		abort();
	if (strcmp(op, "Exists") == 0) {
		buf_append_str(&b, key);
	} else if (strcmp(op, "DoesNotExist") == 0) {
		buf_printf(&b, "!%s", key);
	} else {
		json_array_foreach(values, i, v) sorted[i] =
		    json_string_value(v) ? json_string_value(v) : "";
		qsort(sorted, n, sizeof(*sorted), string_cmp);
		buf_printf(&b, "%s %s (", key, strcmp(op, "NotIn") == 0 ? "notin" : "in");
		for (i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i ? "," : "", sorted[i]);
		buf_append_str(&b, ")");
	}
	free(sorted);
	return b.data ? b.data : calloc(1, 1);
}

struct requirement {
	const char *key;
	char *text;
};

static int requirement_cmp(const void *a, const void *b)
{
	return strcmp(((const struct requirement *)a)->key, ((const struct requirement *)b)->key);
}

/*
 * metav1.FormatLabelSelector: the requirements sorted by key, matchLabels
 * as key=value, then "<none>" for an empty selector; a replication
 * controller's map selector the same way as matchLabels.
 */
static const char *selector_text(struct arena *a, json_t *selector, bool map_only)
{
	json_t *labels = map_only ? selector : json_object_get(selector, "matchLabels");
	json_t *exprs = map_only ? NULL : json_object_get(selector, "matchExpressions");
	size_t n = json_object_size(labels) + json_array_size(exprs), k = 0, i;
	struct requirement *reqs = calloc(n ? n : 1, sizeof(*reqs));
	struct buf b = {0};
	const char *key, *out;
	json_t *v;

	if (!reqs)
		abort();
	json_object_foreach(labels, key, v)
	{
		struct buf t = {0};

		buf_printf(&t, "%s=%s", key, json_string_value(v) ? json_string_value(v) : "");
		reqs[k++] = (struct requirement){key, t.data};
	}
	json_array_foreach(exprs, i, v)
	{
		const char *ek = json_string_value(json_object_get(v, "key"));
		const char *op = json_string_value(json_object_get(v, "operator"));

		reqs[k].key = ek ? ek : "";
		reqs[k].text =
		    requirement_text(reqs[k].key, op ? op : "", json_object_get(v, "values"));
		k++;
	}
	qsort(reqs, k, sizeof(*reqs), requirement_cmp);
	for (i = 0; i < k; i++) {
		buf_printf(&b, "%s%s", i ? "," : "", reqs[i].text);
		free(reqs[i].text);
	}
	free(reqs);
	out = arena_strdup(a, b.len ? b.data : "<none>");
	buf_free(&b);
	return out;
}

json_t *rest_scale_of(struct rest_call *call, json_t *obj)
{
	json_t *meta = json_object_get(obj, "metadata");
	json_t *spec = json_object_get(obj, "spec");
	json_t *scale_meta = json_object(), *scale, *scale_spec = json_object();
	json_int_t replicas = json_integer_value(json_object_get(spec, "replicas"));
	static const char *const copied[] = {
	    "name", "namespace", "uid", "resourceVersion", "creationTimestamp", NULL};
	bool rc = strcmp(call->rt->resource, "replicationcontrollers") == 0;

	for (const char *const *f = copied; *f; f++) {
		if (json_object_get(meta, *f))
			json_object_set(scale_meta, *f, json_object_get(meta, *f));
	}
	/* Scale's spec.replicas is an int32 with omitempty. */
	if (replicas)
		json_object_set_new(scale_spec, "replicas", json_integer(replicas));
	scale = json_pack(
	    "{s:s, s:s, s:o, s:o, s:{s:I, s:s}}", "kind", "Scale", "apiVersion", "autoscaling/v1",
	    "metadata", scale_meta, "spec", scale_spec, "status", "replicas",
	    json_integer_value(json_object_get(json_object_get(obj, "status"), "replicas")),
	    "selector", selector_text(&call->req->arena, json_object_get(spec, "selector"), rc));
	return scale;
}

json_t *rest_scale_apply(struct rest_call *call, json_t *current, json_t *scale)
{
	struct request *req = call->req;
	json_t *replicas = json_object_get(json_object_get(scale, "spec"), "replicas");
	json_int_t n = replicas ? json_integer_value(replicas) : 0;
	const char *name =
	    json_string_value(json_object_get(json_object_get(scale, "metadata"), "name"));
	json_t *obj, *spec;

	if (replicas && !json_is_integer(replicas)) {
		json_decref(call->err.details);
		call->err = (struct rest_error){
		    400, "BadRequest",
		    "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal "
		    "into Go struct field ScaleSpec.spec.replicas of type int32",
		    NULL};
		return NULL;
	}
	if (n < 0) {
		const char *message = arena_printf(
		    &req->arena, "Invalid value: %lld: must be greater than or equal to 0",
		    (long long)n);

		json_decref(call->err.details);
		call->err = (struct rest_error){
		    422, "Invalid",
		    arena_printf(&req->arena,
				 "Scale.autoscaling \"%s\" is invalid: spec.replicas: %s",
				 name ? name : "", message),
		    json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "name", name ? name : "",
			      "group", "autoscaling", "kind", "Scale", "causes", "reason",
			      "FieldValueInvalid", "message", message, "field", "spec.replicas")};
		return NULL;
	}
	obj = json_deep_copy(current);
	spec = json_object_get(obj, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	json_object_set_new(spec, "replicas", json_integer(n));
	return obj;
}
