/*
 * validation_cluster.c - the kinds that describe the cluster itself, as
 * kube-apiserver v1.32 validates them: Node (pkg/apis/core/validation
 * ValidateNode{,Update}: taints, pod CIDRs, what an update may not change),
 * PriorityClass (pkg/apis/scheduling/validation) and Lease
 * (pkg/apis/coordination/validation).
 *
 * Upstream validates a Node's taints under metadata.taints (it passes the
 * metadata path), and so does this. A v1 Node's spec.podCIDR stands for
 * spec.podCIDRs when that is empty, as the conversion to the internal
 * type does. Left out: the taint and avoid-pods annotations, the status
 * (capacity, addresses) and the deprecated configSource.
 *
 * Only one PriorityClass may be the global default, and a pod's priority
 * is computed from its class: both are the Priority admission plugin's,
 * not validation. A Lease's strategy and preferredHolder belong to the
 * CoordinatedLeaderElection gate, off in v1.32, which drops them.
 */
#include <string.h>

#include "shared/buf.h"
#include "shared/validation_internal.h"

/* ---- Node ---- */

/* %#v of the internal core.Taint. */
static const char *taint_go(struct vctx *c, json_t *t)
{
	return arena_printf(c->arena, "core.Taint{Key:%s, Value:%s, Effect:%s, TimeAdded:%s}",
			    vr_quote(c, jstr(t, "key")), vr_quote(c, jstr(t, "value")),
			    vr_quote(c, jstr(t, "effect")),
			    vr_pointer(c, "v1.Time", jhas(t, "timeAdded")));
}

/* validateNodeTaints: key, value, effect, unique by key and effect. */
static void v_node_taints(struct vctx *c, json_t *taints, const char *path)
{
	json_t *seen = json_object(), *t;
	size_t i;

	json_array_foreach(taints, i, t)
	{
		const char *p = vp_index(c, path, i), *value = jstr(t, "value");
		const char *unique =
		    arena_printf(c->arena, "%s\n%s", jstr(t, "effect"), jstr(t, "key"));
		struct vmsgs m = {0};
		struct buf joined = {0};

		v_qualified_name(c, jstr(t, "key"), vp_child(c, p, "key"));
		is_label_value(value, &m);
		for (size_t k = 0; k < m.n; k++)
			buf_printf(&joined, "%s%s", k ? ";" : "", m.m[k]);
		if (m.n)
			v_invalid(c, vp_child(c, p, "value"), vr_quote(c, value),
				  arena_strdup(c->arena, joined.data));
		buf_free(&joined);
		v_taint_effect(c, jstr(t, "effect"), false, vp_child(c, p, "effect"));
		if (json_object_get(seen, unique)) {
			v_duplicate_detail(c, p, taint_go(c, t),
					   "taints must be unique by key and effect pair");
			continue;
		}
		json_object_set_new(seen, unique, json_true());
	}
	json_decref(seen);
}

/* The internal spec.podCIDRs: spec.podCIDR when podCIDRs is empty. A new reference. */
static json_t *pod_cidrs(json_t *spec)
{
	json_t *list = jget(spec, "podCIDRs");

	if (jlen(list) > 0)
		return json_incref(list);
	list = json_array();
	if (*jstr(spec, "podCIDR"))
		json_array_append_new(list, json_string(jstr(spec, "podCIDR")));
	return list;
}

static const char *str_at(json_t *arr, size_t i)
{
	json_t *v = json_array_get(arr, i);

	return json_is_string(v) ? json_string_value(v) : "";
}

static void v_pod_cidrs(struct vctx *c, json_t *cidrs)
{
	const char *path = "spec.podCIDRs";
	size_t n = json_array_size(cidrs), i;
	bool v4 = false, v6 = false, bad = false;
	json_t *seen;

	for (i = 0; i < n; i++)
		v_cidr(c, str_at(cidrs, i), vp_index(c, path, i));
	if (n < 2)
		return;
	/* netutils.IsDualStackCIDRStrings, and its error for a bad CIDR */
	for (i = 0; i < n && !bad; i++) {
		unsigned char net[16];
		int prefix, len = cidr_parse_sloppy(str_at(cidrs, i), net, &prefix);

		if (!len) {
			bad = true;
			v_internal(
			    c, path,
			    arena_printf(c->arena,
					 "invalid PodCIDRs. failed to check with dual stack with "
					 "error:failed to parse cidr value:%s with error:invalid "
					 "CIDR address: %s",
					 vr_quote(c, str_at(cidrs, i)), str_at(cidrs, i)));
		}
		v4 = v4 || len == 4;
		v6 = v6 || len == 16;
	}
	if (bad || !(v4 && v6) || n > 2)
		v_invalid(c, path, vr_string_list(c, cidrs),
			  "may specify no more than one CIDR for each IP family");
	seen = json_object();
	for (i = 0; i < n; i++) {
		if (json_object_get(seen, str_at(cidrs, i)))
			v_duplicate(c, vp_index(c, path, i), vr_quote(c, str_at(cidrs, i)));
		json_object_set_new(seen, str_at(cidrs, i), json_true());
	}
	json_decref(seen);
}

static void v_node_update(struct vctx *c, json_t *node, json_t *old)
{
	json_t *spec = jget(node, "spec"), *old_spec = jget(old, "spec");
	json_t *cidrs = pod_cidrs(spec), *old_cidrs = pod_cidrs(old_spec);
	const char *never = "node updates may not change podCIDR except from \"\" to valid";
	const char *provider = jstr(old_spec, "providerID");

	v_object_meta_update(c, jget(node, "metadata"), jget(old, "metadata"));
	if (json_array_size(old_cidrs) > 0) {
		if (json_array_size(old_cidrs) != json_array_size(cidrs))
			v_forbidden(c, "spec.podCIDRs", never);
		else
			for (size_t i = 0; i < json_array_size(old_cidrs); i++)
				if (strcmp(str_at(old_cidrs, i), str_at(cidrs, i)) != 0)
					v_forbidden(c, "spec.podCIDRs", never);
	}
	if (*provider && strcmp(provider, jstr(spec, "providerID")) != 0)
		v_forbidden(c, "spec.providerID",
			    "node updates may not change providerID except from \"\" to valid");
	v_node_taints(c, jget(spec, "taints"), "metadata.taints");
	if (strcmp(jstr(spec, "externalID"), jstr(old_spec, "externalID")) != 0)
		v_forbidden(c, "spec.externalID", "may not be updated");
	json_decref(cidrs);
	json_decref(old_cidrs);
}

/*
 * The node strategy validates an update as a create (ValidateNode) and
 * then ValidateNodeUpdate, which checks the taints once more: a bad taint
 * is two causes, one text in the message.
 */
void v_node(struct vctx *c, json_t *node, json_t *old)
{
	json_t *cidrs;

	v_object_meta(c, jget(node, "metadata"), 0, NAME_SUBDOMAIN);
	v_node_taints(c, jget(jget(node, "spec"), "taints"), "metadata.taints");
	cidrs = pod_cidrs(jget(node, "spec"));
	v_pod_cidrs(c, cidrs);
	json_decref(cidrs);
	if (old)
		v_node_update(c, node, old);
}

/* ---- PriorityClass ---- */

#define HIGHEST_USER_PRIORITY 1000000000

/* scheduling.IsKnownSystemPriorityClass: NULL when known, else its error. */
static const char *system_priority_class_error(struct vctx *c, json_t *pc)
{
	static const struct {
		const char *name;
		int64_t value;
	} known[] = {
	    {"system-node-critical", 2000001000},
	    {"system-cluster-critical", 2000000000},
	};
	const char *name = jstr(jget(pc, "metadata"), "name");

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(known[i].name, name) != 0)
			continue;
		if (jint(pc, "value") != known[i].value)
			return arena_printf(c->arena, "value of %s PriorityClass must be %lld",
					    name, (long long)known[i].value);
		if (jbool(pc, "globalDefault"))
			return arena_printf(
			    c->arena, "globalDefault of %s PriorityClass must be false", name);
		return NULL;
	}
	return arena_printf(c->arena, "%s is not a known system priority class", name);
}

void v_priority_class(struct vctx *c, json_t *pc, json_t *old)
{
	static const char *const preemption[] = {"PreemptLowerPriority", "Never", NULL};
	const char *name = jstr(jget(pc, "metadata"), "name"), *err;
	const char *policy = jstr(pc, "preemptionPolicy");

	v_object_meta(c, jget(pc, "metadata"), 0, NAME_SUBDOMAIN);
	if (strncmp(name, "system-", 7) == 0) {
		err = system_priority_class_error(c, pc);
		if (err)
			v_forbidden(c, "metadata.name",
				    arena_printf(c->arena,
						 "priority class names with 'system-' prefix are "
						 "reserved for system use only. error: %s",
						 err));
	} else if (jint(pc, "value") > HIGHEST_USER_PRIORITY) {
		v_forbidden(c, "value",
			    "maximum allowed value of a user defined priority is 1000000000");
	}
	/* ValidatePreemptionPolicy */
	if (jhas(pc, "preemptionPolicy")) {
		if (!*policy)
			v_required(c, "preemptionPolicy", "");
		else if (!str_in(policy, preemption))
			v_not_supported(c, "preemptionPolicy", vr_quote(c, policy), preemption);
	}
	if (!old)
		return;
	v_object_meta_update(c, jget(pc, "metadata"), jget(old, "metadata"));
	if (jint(pc, "value") != jint(old, "value"))
		v_forbidden(c, "value", "may not be changed in an update.");
	v_immutable(c, jget(pc, "preemptionPolicy"), jget(old, "preemptionPolicy"),
		    "preemptionPolicy",
		    jhas(pc, "preemptionPolicy") ? vr_quote(c, policy) : "null");
}

/* ---- Lease ---- */

void v_lease(struct vctx *c, json_t *lease, json_t *old)
{
	json_t *spec = jget(lease, "spec");

	if (old)
		v_object_meta_update(c, jget(lease, "metadata"), jget(old, "metadata"));
	else
		v_object_meta(c, jget(lease, "metadata"), 1, NAME_SUBDOMAIN);
	if (jhas(spec, "leaseDurationSeconds") && jint(spec, "leaseDurationSeconds") <= 0)
		v_invalid(c, "spec.leaseDurationSeconds",
			  vr_int(c, jint(spec, "leaseDurationSeconds")), "must be greater than 0");
	if (jhas(spec, "leaseTransitions") && jint(spec, "leaseTransitions") < 0)
		v_invalid(c, "spec.leaseTransitions", vr_int(c, jint(spec, "leaseTransitions")),
			  "must be greater than or equal to 0");
}
