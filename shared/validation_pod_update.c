/*
 * validation_pod_update.c - what an update may change in a pod's spec
 * (upstream's ValidatePodUpdate, v1.32).
 *
 * A pod's spec is fixed once created, except for the container and init
 * container images, activeDeadlineSeconds (set, or lowered), added
 * tolerations (and new tolerationSeconds), removed scheduling gates and a
 * terminationGracePeriodSeconds of 1 where it was negative. Upstream
 * copies the new spec, puts the old values back into those fields
 * ("munging") and compares what is left with the old spec semantically,
 * where an empty list or map equals an absent one. So do we, on the JSON.
 *
 * Upstream's message ends with a cmp.Diff of its internal Go structs; we
 * give the same message up to that diff and leave the diff out (its text
 * is go-cmp's rendering of Go values, which the JSON does not have).
 */
#include <string.h>

#include "shared/validation_internal.h"

#define UPDATABLE_FIELDS                                                                           \
	"`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"  \
	"`spec.tolerations` (only additions to existing tolerations),"                             \
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "      \
	"negative)"

/* What Go's zero value and nil share with absence: null, "", 0, false, [] and {}. */
static bool zero_like(json_t *v)
{
	return !v || json_is_null(v) || json_is_false(v) ||
	       (json_is_string(v) && json_string_length(v) == 0) ||
	       (json_is_integer(v) && json_integer_value(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0) ||
	       (json_is_object(v) && json_object_size(v) == 0);
}

/*
 * apiequality.Semantic.DeepEqual, as far as JSON can tell it: empty and
 * absent lists and maps are equal. A pointer to a zero value and a nil
 * pointer also compare equal here (JSON cannot tell them apart once
 * defaulted), which errs on the side of allowing the update.
 */
bool json_semantic_equal(json_t *a, json_t *b)
{
	const char *key;
	json_t *v;

	if (zero_like(a) || zero_like(b))
		return zero_like(a) && zero_like(b);
	if (json_is_object(a) && json_is_object(b)) {
		json_object_foreach(a, key, v)
		{
			if (!json_semantic_equal(v, json_object_get(b, key)))
				return false;
		}
		json_object_foreach(b, key, v)
		{
			if (!json_object_get(a, key) && !zero_like(v))
				return false;
		}
		return true;
	}
	if (json_is_array(a) && json_is_array(b)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		for (size_t i = 0; i < json_array_size(a); i++)
			if (!json_semantic_equal(json_array_get(a, i), json_array_get(b, i)))
				return false;
		return true;
	}
	return json_equal(a, b);
}

/* ValidateContainerUpdates: false when the lists differ in length (stop). */
static bool container_updates(struct vctx *c, json_t *new_list, json_t *old_list, const char *path)
{
	json_t *ctr;
	size_t i;

	if (jlen(new_list) != jlen(old_list)) {
		v_forbidden(c, path, "pod updates may not add or remove containers");
		return false;
	}
	json_array_foreach(new_list, i, ctr)
	{
		const char *image = jstr(ctr, "image");
		size_t n = strlen(image);

		if (n == 0)
			v_required(c, vp_child(c, vp_index(c, path, i), "image"), "");
		else if (strchr(" \t\n\v\f\r", image[0]) || strchr(" \t\n\v\f\r", image[n - 1]))
			v_invalid(c, vp_child(c, vp_index(c, path, i), "image"), vr_quote(c, image),
				  "must not have leading or trailing whitespace");
	}
	return true;
}

/* Both updates upstream allows: nil to a value, and a value to a lower one. */
static bool active_deadline_update(struct vctx *c, json_t *spec, json_t *old_spec)
{
	const char *path = "spec.activeDeadlineSeconds";
	json_t *now = jget(spec, "activeDeadlineSeconds");
	json_t *was = jget(old_spec, "activeDeadlineSeconds");

	if (json_is_integer(now)) {
		json_int_t n = json_integer_value(now);

		if (n < 0 || n > 2147483647) {
			v_invalid(c, path, vr_int(c, n),
				  "must be between 0 and 2147483647, inclusive");
			return false;
		}
		if (json_is_integer(was) && json_integer_value(was) < n) {
			v_invalid(c, path, vr_int(c, n),
				  "must be less than or equal to previous value");
			return false;
		}
	} else if (json_is_integer(was)) {
		v_invalid(c, path, vr_quote(c, "null"),
			  "must not update from a positive integer to nil value");
	}
	return true;
}

/* validateOnlyAddedTolerations: each old toleration is still there, its
 * tolerationSeconds aside. */
static void only_added_tolerations(struct vctx *c, json_t *now, json_t *was)
{
	json_t *old_t, *new_t;
	size_t i, j;

	json_array_foreach(was, i, old_t)
	{
		bool found = false;

		json_array_foreach(now, j, new_t)
		{
			json_t *a = json_deep_copy(old_t), *b = json_deep_copy(new_t);

			json_object_del(a, "tolerationSeconds");
			json_object_del(b, "tolerationSeconds");
			found = json_semantic_equal(a, b);
			json_decref(a);
			json_decref(b);
			if (found)
				break;
		}
		if (!found) {
			v_forbidden(c, "spec.tolerations",
				    "existing toleration can not be modified except its "
				    "tolerationSeconds");
			return;
		}
	}
}

/* validateOnlyDeletedSchedulingGates: no gate may be added. */
static void only_deleted_gates(struct vctx *c, json_t *now, json_t *was)
{
	json_t *gate, *old_gate;
	size_t i, j;

	json_array_foreach(now, i, gate)
	{
		bool found = false;

		json_array_foreach(was, j, old_gate)
		{
			if (strcmp(jstr(gate, "name"), jstr(old_gate, "name")) == 0)
				found = true;
		}
		if (!found)
			v_forbidden(
			    c, "spec.schedulingGates",
			    arena_printf(c->arena,
					 "only deletion is allowed, but found new scheduling "
					 "gate '%s'",
					 jstr(gate, "name")));
	}
}

/* The old pod's images put back into a copy of the new list. */
static void restore_images(json_t *munged_list, json_t *old_list)
{
	json_t *ctr;
	size_t i;

	json_array_foreach(munged_list, i, ctr)
	{
		json_t *image = jget(json_array_get(old_list, i), "image");

		if (image)
			json_object_set(ctr, "image", image);
		else
			json_object_del(ctr, "image");
	}
}

static void restore(json_t *munged, json_t *old_spec, const char *key)
{
	json_t *v = jget(old_spec, key);

	if (v)
		json_object_set(munged, key, v);
	else
		json_object_del(munged, key);
}

void v_pod_update(struct vctx *c, json_t *pod, json_t *old)
{
	json_t *spec = jget(pod, "spec"), *old_spec = jget(old, "spec"), *munged;
	json_t *grace, *old_grace;

	if (!container_updates(c, jget(spec, "containers"), jget(old_spec, "containers"),
			       "spec.containers") ||
	    !container_updates(c, jget(spec, "initContainers"), jget(old_spec, "initContainers"),
			       "spec.initContainers") ||
	    !active_deadline_update(c, spec, old_spec))
		return;
	munged = json_is_object(spec) ? json_deep_copy(spec) : json_object();
	restore_images(jget(munged, "containers"), jget(old_spec, "containers"));
	restore_images(jget(munged, "initContainers"), jget(old_spec, "initContainers"));
	/* Ephemeral containers change through their own subresource only. */
	restore(munged, old_spec, "ephemeralContainers");
	restore(munged, old_spec, "activeDeadlineSeconds");
	grace = jget(spec, "terminationGracePeriodSeconds");
	old_grace = jget(old_spec, "terminationGracePeriodSeconds");
	if (json_is_integer(old_grace) && json_integer_value(old_grace) < 0 &&
	    json_is_integer(grace) && json_integer_value(grace) == 1)
		restore(munged, old_spec, "terminationGracePeriodSeconds");
	only_added_tolerations(c, jget(spec, "tolerations"), jget(old_spec, "tolerations"));
	restore(munged, old_spec, "tolerations");
	only_deleted_gates(c, jget(spec, "schedulingGates"), jget(old_spec, "schedulingGates"));
	restore(munged, old_spec, "schedulingGates");
	if (!json_semantic_equal(munged, old_spec))
		v_forbidden(c, "spec",
			    "pod updates may not change fields other than " UPDATABLE_FIELDS);
	json_decref(munged);
}
