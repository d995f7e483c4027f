/*
 * validation_rbac.c - Roles, ClusterRoles and their bindings as
 * pkg/apis/rbac/validation checks them in v1.32: names are path segments;
 * a rule needs verbs, and either non-resource URLs (cluster roles only,
 * alone) or API groups and resources; an aggregation rule needs valid
 * selectors; a binding's roleRef names a Role or ClusterRole of
 * rbac.authorization.k8s.io and may never change; a subject is a
 * ServiceAccount (namespace required in cluster bindings, no API group),
 * a User or a Group (API group rbac.authorization.k8s.io).
 *
 * Upstream's update checks run the create checks first, then
 * ValidateObjectMetaUpdate, then the roleRef comparison. v1 defaulting
 * fills roleRef.apiGroup and the API group of User and Group subjects.
 */
#include <string.h>

#include "shared/validation_internal.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"

/* ValidatePolicyRule */
static void v_policy_rule(struct vctx *c, json_t *rule, bool namespaced, const char *path)
{
	json_t *urls = jget(rule, "nonResourceURLs");

	if (jlen(jget(rule, "verbs")) == 0)
		v_required(c, vp_child(c, path, "verbs"), "verbs must contain at least one value");
	if (jlen(urls) > 0) {
		if (namespaced)
			v_invalid(c, vp_child(c, path, "nonResourceURLs"), vr_string_list(c, urls),
				  "namespaced rules cannot apply to non-resource URLs");
		if (jlen(jget(rule, "apiGroups")) || jlen(jget(rule, "resources")) ||
		    jlen(jget(rule, "resourceNames")))
			v_invalid(
			    c, vp_child(c, path, "nonResourceURLs"), vr_string_list(c, urls),
			    "rules cannot apply to both regular resources and non-resource URLs");
		return;
	}
	if (jlen(jget(rule, "apiGroups")) == 0)
		v_required(c, vp_child(c, path, "apiGroups"),
			   "resource rules must supply at least one api group");
	if (jlen(jget(rule, "resources")) == 0)
		v_required(c, vp_child(c, path, "resources"),
			   "resource rules must supply at least one resource");
}

void v_role(struct vctx *c, json_t *role, json_t *old, bool cluster)
{
	json_t *rule, *agg = jget(role, "aggregationRule"), *sel;
	size_t i;

	v_object_meta(c, jget(role, "metadata"), !cluster, NAME_PATH_SEGMENT);
	json_array_foreach(jget(role, "rules"), i, rule)
	    v_policy_rule(c, rule, !cluster, vp_index(c, "rules", i));
	if (cluster && agg) {
		const char *path = "aggregationRule.clusterRoleSelectors";

		if (jlen(jget(agg, "clusterRoleSelectors")) == 0)
			v_required(
			    c, path,
			    "at least one clusterRoleSelector required if aggregationRule is "
			    "non-nil");
		json_array_foreach(jget(agg, "clusterRoleSelectors"), i, sel)
		{
			/* LabelSelectorAsSelector's failure leaves a nil selector */
			if (!v_label_selector(c, sel, vp_index(c, path, i)))
				v_invalid(c, vp_index(c, path, i), vr_quote(c, "null"),
					  "invalid label selector.");
		}
	}
	if (old)
		v_object_meta_update(c, jget(role, "metadata"), jget(old, "metadata"));
}

/* ValidateRoleBindingSubject */
static void v_subject(struct vctx *c, json_t *subject, bool namespaced, const char *path)
{
	static const char *const kinds[] = {"ServiceAccount", "User", "Group", NULL};
	static const char *const rbac_group[] = {RBAC_GROUP, NULL};
	static const char *const core_group[] = {"", NULL};
	const char *name = jstr(subject, "name"), *kind = jstr(subject, "kind");
	const char *group = jstr(subject, "apiGroup");

	if (!*name)
		v_required(c, vp_child(c, path, "name"), "");
	if (strcmp(kind, "ServiceAccount") == 0) {
		if (*name)
			v_dns1123_subdomain(c, name, vp_child(c, path, "name"));
		if (*group)
			v_not_supported(c, vp_child(c, path, "apiGroup"), vr_quote(c, group),
					core_group);
		if (!namespaced && !*jstr(subject, "namespace"))
			v_required(c, vp_child(c, path, "namespace"), "");
	} else if (strcmp(kind, "User") == 0 || strcmp(kind, "Group") == 0) {
		if (strcmp(group, RBAC_GROUP) != 0)
			v_not_supported(c, vp_child(c, path, "apiGroup"), vr_quote(c, group),
					rbac_group);
	} else {
		v_not_supported(c, vp_child(c, path, "kind"), vr_quote(c, kind), kinds);
	}
}

/* %#v of the internal rbac.RoleRef the "cannot change roleRef" error carries. */
static const char *role_ref_go(struct vctx *c, json_t *ref)
{
	return arena_printf(c->arena, "rbac.RoleRef{APIGroup:%s, Kind:%s, Name:%s}",
			    vr_quote(c, jstr(ref, "apiGroup")), vr_quote(c, jstr(ref, "kind")),
			    vr_quote(c, jstr(ref, "name")));
}

void v_role_binding(struct vctx *c, json_t *binding, json_t *old, bool cluster)
{
	static const char *const rbac_group[] = {RBAC_GROUP, NULL};
	static const char *const role_kinds[] = {"Role", "ClusterRole", NULL};
	static const char *const cluster_kinds[] = {"ClusterRole", NULL};
	json_t *ref = jget(binding, "roleRef"), *old_ref = jget(old, "roleRef"), *subject;
	const char *const *kinds = cluster ? cluster_kinds : role_kinds;
	const char *group = jstr(ref, "apiGroup"), *kind = jstr(ref, "kind");
	size_t i;

	v_object_meta(c, jget(binding, "metadata"), !cluster, NAME_PATH_SEGMENT);
	if (strcmp(group, RBAC_GROUP) != 0)
		v_not_supported(c, "roleRef.apiGroup", vr_quote(c, group), rbac_group);
	if (!str_in(kind, kinds))
		v_not_supported(c, "roleRef.kind", vr_quote(c, kind), kinds);
	if (!*jstr(ref, "name")) {
		v_required(c, "roleRef.name", "");
	} else {
		struct vmsgs m = {0};

		is_path_segment_name(jstr(ref, "name"), false, &m);
		for (size_t k = 0; k < m.n; k++)
			v_invalid(c, "roleRef.name", vr_quote(c, jstr(ref, "name")), m.m[k]);
	}
	json_array_foreach(jget(binding, "subjects"), i, subject)
	    v_subject(c, subject, !cluster, vp_index(c, "subjects", i));
	if (!old)
		return;
	v_object_meta_update(c, jget(binding, "metadata"), jget(old, "metadata"));
	if (strcmp(group, jstr(old_ref, "apiGroup")) != 0 ||
	    strcmp(kind, jstr(old_ref, "kind")) != 0 ||
	    strcmp(jstr(ref, "name"), jstr(old_ref, "name")) != 0)
		v_invalid(c, "roleRef", role_ref_go(c, ref), "cannot change roleRef");
}
