/*
 * validation_storage.c - PersistentVolumeClaims and StorageClasses as
 * kube-apiserver v1.32 validates them (pkg/apis/core/validation
 * ValidatePersistentVolumeClaim{,Update}, pkg/apis/storage/validation
 * ValidateStorageClass{,Update}), and the approximate quantity arithmetic
 * the storage and autoscaling rules need. PersistentVolumes are in
 * validation_pv.c.
 *
 * A claim's spec is fixed once created, except that the controller may
 * set volumeName once, a storage class may move from the beta annotation
 * (or from nothing) to spec.storageClassName, and a bound claim's storage
 * request may change. Upstream compares the rest with
 * apiequality.Semantic.DeepEqual and appends a cmp.Diff of its Go structs
 * to the message; as for pods, the message here stops before that diff.
 * RecoverVolumeExpansionFailure is beta and on in v1.32, so a request may
 * shrink down to what status.capacity records, not below.
 *
 * VolumeAttributesClass is off by default in v1.32: a change of
 * volumeAttributesClassName is refused on update, and its value is not
 * validated (upstream drops it on create).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "shared/quantity.h"
#include "shared/validation_internal.h"

#define BETA_STORAGE_CLASS "volume.beta.kubernetes.io/storage-class"
#define DATA_SOURCE_PATH_GO                                                                        \
	"field.Path{name:\"dataSource\", index:\"\", parent:(*field.Path)(" GO_POINTER ")}"

/* A quantity member's value, 0 when absent (Go's zero Quantity). */
static long double quantity_of(struct vctx *c, json_t *map, const char *key)
{
	long double v = 0;

	if (!json_is_string(jget(map, key)) || !vq_value(c, jstr(map, key), &v))
		return 0;
	return v;
}

/* ---- PersistentVolumeClaim ---- */

static const char *const access_modes[] = {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce",
					   "ReadWriteOncePod", NULL};

/* The access mode rules PV and PVC share. */
void v_access_modes(struct vctx *c, json_t *modes, const char *path)
{
	bool once_pod = false, other = false;
	json_t *m;
	size_t i;

	json_array_foreach(modes, i, m)
	{
		const char *s = json_is_string(m) ? json_string_value(m) : "";

		if (!str_in(s, access_modes))
			v_not_supported(c, path, vr_quote(c, s), access_modes);
		if (strcmp(s, "ReadWriteOncePod") == 0)
			once_pod = true;
		else if (str_in(s, access_modes))
			other = true;
	}
	if (once_pod && other)
		v_forbidden(c, path, "may not use ReadWriteOncePod with other access modes");
}

/* validateDataSource and validateDataSourceRef (ref: the latter). */
static void v_data_source(struct vctx *c, json_t *ds, bool ref, const char *path)
{
	const char *group = jstr(ds, "apiGroup"), *kind = jstr(ds, "kind");

	if (!*jstr(ds, "name"))
		v_required(c, vp_child(c, path, "name"), "");
	if (!*kind)
		v_required(c, vp_child(c, path, "kind"), "");
	if (!*group && strcmp(kind, "PersistentVolumeClaim") != 0)
		v_invalid(c, path, vr_quote(c, kind),
			  "must be 'PersistentVolumeClaim' when referencing the default apiGroup");
	if (*group)
		v_dns1123_subdomain(c, group, vp_child(c, path, "apiGroup"));
	if (ref && *jstr(ds, "namespace"))
		v_dns1123_label(c, jstr(ds, "namespace"), vp_child(c, path, "namespace"));
}

/* ValidatePersistentVolumeClaimSpec */
static void v_claim_spec(struct vctx *c, json_t *spec, const char *path)
{
	static const char *const volume_modes[] = {"Block", "Filesystem", NULL};
	json_t *requests = jget(jget(spec, "resources"), "requests");
	json_t *ds = jget(spec, "dataSource"), *ref = jget(spec, "dataSourceRef");
	const char *storage_path = vp_key(c, vp_child(c, path, "resources"), "storage");
	long double storage;

	if (jlen(jget(spec, "accessModes")) == 0)
		v_required(c, vp_child(c, path, "accessModes"),
			   "at least 1 access mode is required");
	if (jget(spec, "selector"))
		v_label_selector(c, jget(spec, "selector"), vp_child(c, path, "selector"));
	v_access_modes(c, jget(spec, "accessModes"), vp_child(c, path, "accessModes"));
	if (!jhas(requests, "storage"))
		v_required(c, storage_path, "");
	else if (!vq_value(c, jstr(requests, "storage"), &storage) || storage <= 0)
		v_invalid(c, storage_path, vr_quote(c, vq_string(c, jstr(requests, "storage"))),
			  "must be greater than zero");
	if (*jstr(spec, "storageClassName"))
		v_dns1123_subdomain(c, jstr(spec, "storageClassName"),
				    vp_child(c, path, "storageClassName"));
	if (jhas(spec, "volumeMode") && !str_in(jstr(spec, "volumeMode"), volume_modes))
		v_not_supported(c, vp_child(c, path, "volumeMode"),
				vr_quote(c, jstr(spec, "volumeMode")), volume_modes);
	if (ds)
		v_data_source(c, ds, false, vp_child(c, path, "dataSource"));
	if (ref)
		v_data_source(c, ref, true, vp_child(c, path, "dataSourceRef"));
	/* the bad value is a *field.Path: String() has a pointer receiver, so
	 * ErrorBody prints the struct it points to */
	if (ref && *jstr(ref, "namespace")) {
		if (ds)
			v_invalid(c, path, DATA_SOURCE_PATH_GO,
				  "may not be specified when dataSourceRef.namespace is specified");
	} else if (ds && ref &&
		   (!json_equal_or_absent(jget(ds, "apiGroup"), jget(ref, "apiGroup")) ||
		    strcmp(jstr(ds, "kind"), jstr(ref, "kind")) != 0 ||
		    strcmp(jstr(ds, "name"), jstr(ref, "name")) != 0)) {
		v_invalid(c, path, DATA_SOURCE_PATH_GO, "must match dataSourceRef");
	}
}

static json_t *annotation(json_t *obj, const char *key)
{
	return jget(jget(jget(obj, "metadata"), "annotations"), key);
}

/* What ValidatePersistentVolumeClaimUpdate compares: the new spec with the
 * changes it allows put back, and the old. Both new references. */
static void claim_specs_to_compare(struct vctx *c, json_t *pvc, json_t *old, json_t **new_out,
				   json_t **old_out)
{
	json_t *spec = jget(pvc, "spec"), *old_spec = jget(old, "spec");
	json_t *n = json_is_object(spec) ? json_deep_copy(spec) : json_object();
	json_t *o = json_is_object(old_spec) ? json_deep_copy(old_spec) : json_object();
	json_t *old_ann = annotation(old, BETA_STORAGE_CLASS), *new_ann;
	json_t *sc = jget(spec, "storageClassName"), *old_sc = jget(old_spec, "storageClassName");
	json_t *requests = jget(jget(n, "resources"), "requests");

	new_ann = annotation(pvc, BETA_STORAGE_CLASS);
	if (!*jstr(old_spec, "volumeName")) {
		if (jget(spec, "volumeName"))
			json_object_set(o, "volumeName", jget(spec, "volumeName"));
		else
			json_object_del(o, "volumeName");
	}
	if (old_ann && !old_sc && json_is_string(sc) && json_equal(sc, old_ann) &&
	    (!new_ann || json_equal(new_ann, old_ann))) {
		json_object_del(n, "storageClassName");
	} else {
		v_immutable(c, new_ann, old_ann, "metadata.annotations." BETA_STORAGE_CLASS,
			    vr_quote(c, json_is_string(new_ann) ? json_string_value(new_ann) : ""));
		if (sc && !old_sc && (!old_ann || json_equal(sc, old_ann)))
			json_object_del(n, "storageClassName");
	}
	if (strcmp(jstr(jget(pvc, "status"), "phase"), "Bound") == 0 && json_is_object(requests)) {
		json_t *was = jget(jget(jget(old_spec, "resources"), "requests"), "storage");

		json_object_set_new(requests, "storage", was ? json_incref(was) : json_string("0"));
	}
	if (jget(o, "volumeAttributesClassName"))
		json_object_set(n, "volumeAttributesClassName",
				jget(o, "volumeAttributesClassName"));
	else
		json_object_del(n, "volumeAttributesClassName");
	*new_out = n;
	*old_out = o;
}

static void v_claim_update(struct vctx *c, json_t *pvc, json_t *old)
{
	json_t *spec = jget(pvc, "spec"), *old_spec = jget(old, "spec"), *n, *o;
	long double size = quantity_of(c, jget(jget(spec, "resources"), "requests"), "storage");
	long double old_size =
	    quantity_of(c, jget(jget(old_spec, "resources"), "requests"), "storage");
	long double capacity = quantity_of(c, jget(jget(old, "status"), "capacity"), "storage");

	claim_specs_to_compare(c, pvc, old, &n, &o);
	if (!json_semantic_equal(n, o))
		v_forbidden(c, "spec",
			    "spec is immutable after creation except resources.requests and "
			    "volumeAttributesClassName for bound claims");
	json_decref(n);
	json_decref(o);
	if (size < old_size && size <= capacity)
		v_forbidden(c, "spec.resources.requests.storage",
			    "field can not be less than status.capacity");
	v_immutable(c, jget(spec, "volumeMode"), jget(old_spec, "volumeMode"), "volumeMode",
		    jhas(spec, "volumeMode") ? vr_quote(c, jstr(spec, "volumeMode")) : "null");
	if (!json_equal_or_absent(jget(spec, "volumeAttributesClassName"),
				  jget(old_spec, "volumeAttributesClassName")))
		v_forbidden(c, "spec.volumeAttributesClassName",
			    "update is forbidden when the VolumeAttributesClass feature gate is "
			    "disabled");
}

void v_persistent_volume_claim(struct vctx *c, json_t *pvc, json_t *old)
{
	if (old)
		v_object_meta_update(c, jget(pvc, "metadata"), jget(old, "metadata"));
	v_object_meta(c, jget(pvc, "metadata"), 1, NAME_SUBDOMAIN);
	v_claim_spec(c, jget(pvc, "spec"), "spec");
	if (old)
		v_claim_update(c, pvc, old);
}

/* ---- StorageClass ---- */

static void v_parameters(struct vctx *c, json_t *params)
{
	const char **keys = jkeys(c, params);
	size_t total = 0;

	if (jlen(params) > 512) {
		v_too_long(c, "parameters", 512);
		return;
	}
	for (size_t i = 0; keys[i]; i++) {
		if (!*keys[i])
			v_invalid(c, "parameters", vr_quote(c, ""), "field can not be empty.");
		total += strlen(keys[i]) + strlen(jstr(params, keys[i]));
	}
	if (total > 256 * 1024)
		v_too_long(c, "parameters", 256 * 1024);
}

/*
 * ValidateTopologySelectorTerm over allowedTopologies, and duplicate terms.
 * Upstream's list of terms seen starts with one nil map per term (made with
 * a length, then appended to), and an empty term semantically equals each.
 */
static void v_allowed_topologies(struct vctx *c, json_t *terms)
{
	json_t *seen_terms = json_array(), *term;
	size_t i;

	for (i = 0; i < jlen(terms); i++)
		json_array_append_new(seen_terms, json_object());

	json_array_foreach(terms, i, term)
	{
		const char *p = vp_index(c, "allowedTopologies", i);
		json_t *keys = json_object(), *expr, *prev;
		size_t j, k;

		json_array_foreach(jget(term, "matchLabelExpressions"), j, expr)
		{
			const char *ep = vp_index(c, vp_child(c, p, "matchLabelExpressions"), j);
			json_t *values = jget(expr, "values"), *set = json_object(), *v;

			if (jlen(values) == 0)
				v_required(c, vp_child(c, ep, "values"), "");
			json_array_foreach(values, k, v)
			{
				const char *s = json_is_string(v) ? json_string_value(v) : "";

				if (json_object_get(set, s))
					v_duplicate(c, vp_index(c, vp_child(c, ep, "values"), k),
						    vr_quote(c, s));
				json_object_set_new(set, s, json_true());
			}
			v_qualified_name(c, jstr(expr, "key"), vp_child(c, ep, "key"));
			if (json_object_get(keys, jstr(expr, "key")))
				v_duplicate(c, vp_child(c, ep, "key"),
					    vr_quote(c, jstr(expr, "key")));
			json_object_set_new(keys, jstr(expr, "key"), set);
		}
		json_array_foreach(seen_terms, k, prev) if (json_equal(prev, keys))
		    v_duplicate(c, vp_child(c, p, "matchLabelExpressions"), vr_quote(c, ""));
		json_array_append_new(seen_terms, keys);
	}
	json_decref(seen_terms);
}

void v_storage_class(struct vctx *c, json_t *sc, json_t *old)
{
	static const char *const reclaim[] = {"Delete", "Retain", NULL};
	static const char *const binding[] = {"Immediate", "WaitForFirstConsumer", NULL};
	const char *provisioner = jstr(sc, "provisioner"), *policy = jstr(sc, "reclaimPolicy");

	v_object_meta(c, jget(sc, "metadata"), 0, NAME_SUBDOMAIN);
	if (!*provisioner) {
		v_required(c, "provisioner", "");
	} else {
		char *lower = arena_strdup(c->arena, provisioner);

		for (char *p = lower; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		v_qualified_name(c, lower, "provisioner");
	}
	v_parameters(c, jget(sc, "parameters"));
	if (*policy && !str_in(policy, reclaim))
		v_not_supported(c, "reclaimPolicy", vr_quote(c, policy), reclaim);
	if (!jhas(sc, "volumeBindingMode"))
		v_required(c, "volumeBindingMode", "");
	else if (!str_in(jstr(sc, "volumeBindingMode"), binding))
		v_not_supported(c, "volumeBindingMode", vr_quote(c, jstr(sc, "volumeBindingMode")),
				binding);
	v_allowed_topologies(c, jget(sc, "allowedTopologies"));
	if (!old)
		return;
	v_object_meta_update(c, jget(sc, "metadata"), jget(old, "metadata"));
	if (!json_equal_or_absent(jget(sc, "parameters"), jget(old, "parameters")))
		v_forbidden(c, "parameters", "updates to parameters are forbidden.");
	if (strcmp(provisioner, jstr(old, "provisioner")) != 0)
		v_forbidden(c, "provisioner", "updates to provisioner are forbidden.");
	if (strcmp(policy, jstr(old, "reclaimPolicy")) != 0)
		v_forbidden(c, "reclaimPolicy", "updates to reclaimPolicy are forbidden.");
	v_immutable(
	    c, jget(sc, "volumeBindingMode"), jget(old, "volumeBindingMode"), "volumeBindingMode",
	    jhas(sc, "volumeBindingMode") ? vr_quote(c, jstr(sc, "volumeBindingMode")) : "null");
}
