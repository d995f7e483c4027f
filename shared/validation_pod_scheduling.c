/*
 * validation_pod_scheduling.c - where a pod may run and how it resolves
 * names, as pkg/apis/core/validation checks it in v1.32: affinity (node
 * selector terms and their requirements, pod (anti-)affinity terms with
 * their selectors, namespaces, topology keys, matchLabelKeys and weights),
 * topologySpreadConstraints, tolerations and taint effects, dnsConfig and
 * hostAliases.
 *
 * ValidateNodeSelector is also a PersistentVolume's node affinity
 * (validation_storage.c), and the taint effects a Node's taints
 * (validation_cluster.c).
 */
#include <string.h>

#include "shared/buf.h"
#include "shared/validation_internal.h"

#define NOT_POSITIVE "must be greater than zero"

/* ---- node selectors ---- */

/* ValidateNodeSelectorRequirement */
static void v_node_selector_requirement(struct vctx *c, json_t *rq, const char *path)
{
	const char *op = jstr(rq, "operator");
	size_t n = jlen(jget(rq, "values"));

	if (strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) {
		if (n == 0)
			v_required(c, vp_child(c, path, "values"),
				   "must be specified when `operator` is 'In' or 'NotIn'");
	} else if (strcmp(op, "Exists") == 0 || strcmp(op, "DoesNotExist") == 0) {
		if (n > 0)
			v_forbidden(c, vp_child(c, path, "values"),
				    "may not be specified when `operator` is 'Exists' or "
				    "'DoesNotExist'");
	} else if (strcmp(op, "Gt") == 0 || strcmp(op, "Lt") == 0) {
		if (n != 1)
			v_required(
			    c, vp_child(c, path, "values"),
			    "must be specified single value when `operator` is 'Lt' or 'Gt'");
	} else {
		v_invalid(c, vp_child(c, path, "operator"), vr_quote(c, op),
			  "not a valid selector operator");
	}
	v_qualified_name(c, jstr(rq, "key"), vp_child(c, path, "key"));
}

/* ValidateNodeFieldSelectorRequirement: metadata.name is the one field. */
static void v_node_field_selector_requirement(struct vctx *c, json_t *rq, const char *path)
{
	const char *op = jstr(rq, "operator");
	json_t *values = jget(rq, "values"), *v;
	size_t i;

	if (strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) {
		if (jlen(values) != 1)
			v_required(
			    c, vp_child(c, path, "values"),
			    "must be only one value when `operator` is 'In' or 'NotIn' for node "
			    "field selector");
	} else {
		v_invalid(c, vp_child(c, path, "operator"), vr_quote(c, op),
			  "not a valid selector operator");
	}
	if (strcmp(jstr(rq, "key"), "metadata.name") != 0) {
		v_invalid(c, vp_child(c, path, "key"), vr_quote(c, jstr(rq, "key")),
			  "not a valid field selector key");
		return;
	}
	json_array_foreach(values, i, v)
	    v_dns1123_subdomain(c, json_is_string(v) ? json_string_value(v) : "",
				vp_index(c, vp_child(c, path, "values"), i));
}

static void v_node_selector_term(struct vctx *c, json_t *term, const char *path)
{
	json_t *rq;
	size_t i;

	json_array_foreach(jget(term, "matchExpressions"), i, rq) v_node_selector_requirement(
	    c, rq, vp_index(c, vp_child(c, path, "matchExpressions"), i));
	json_array_foreach(jget(term, "matchFields"), i, rq) v_node_field_selector_requirement(
	    c, rq, vp_index(c, vp_child(c, path, "matchFields"), i));
}

void v_node_selector(struct vctx *c, json_t *selector, const char *path)
{
	const char *terms_path = vp_child(c, path, "nodeSelectorTerms");
	json_t *terms = jget(selector, "nodeSelectorTerms"), *term;
	size_t i;

	if (jlen(terms) == 0) {
		v_required(c, terms_path, "must have at least one node selector term");
		return;
	}
	json_array_foreach(terms, i, term)
	    v_node_selector_term(c, term, vp_index(c, terms_path, i));
}

static void v_weight(struct vctx *c, json_t *term, const char *path)
{
	int64_t w = jint(term, "weight");

	if (w <= 0 || w > 100)
		v_invalid(c, vp_child(c, path, "weight"), vr_int(c, w),
			  "must be in the range 1-100");
}

static void v_node_affinity(struct vctx *c, json_t *na, const char *path)
{
	json_t *term;
	size_t i;

	if (jget(na, "requiredDuringSchedulingIgnoredDuringExecution"))
		v_node_selector(
		    c, jget(na, "requiredDuringSchedulingIgnoredDuringExecution"),
		    vp_child(c, path, "requiredDuringSchedulingIgnoredDuringExecution"));
	json_array_foreach(jget(na, "preferredDuringSchedulingIgnoredDuringExecution"), i, term)
	{
		const char *p = vp_index(
		    c, vp_child(c, path, "preferredDuringSchedulingIgnoredDuringExecution"), i);

		v_weight(c, term, p);
		v_node_selector_term(c, jget(term, "preference"), vp_child(c, p, "preference"));
	}
}

/* ---- pod (anti-)affinity ---- */

static bool str_array_has(json_t *arr, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) if (json_is_string(v) &&
					  strcmp(json_string_value(v), s) == 0) return true;
	return false;
}

/* validateLabelKeys: matchLabelKeys or mismatchLabelKeys need a labelSelector. */
static void v_label_keys(struct vctx *c, json_t *keys, json_t *selector, const char *path)
{
	json_t *k;
	size_t i;

	if (jlen(keys) == 0)
		return;
	if (!selector) {
		v_forbidden(c, path, "must not be specified when labelSelector is not set");
		return;
	}
	json_array_foreach(keys, i, k) v_qualified_name(
	    c, json_is_string(k) ? json_string_value(k) : "", vp_index(c, path, i));
}

/* validateMatchLabelKeysAndMismatchLabelKeys */
static void v_match_label_keys(struct vctx *c, json_t *term, const char *path)
{
	json_t *match = jget(term, "matchLabelKeys"), *mismatch = jget(term, "mismatchLabelKeys");
	json_t *selector = jget(term, "labelSelector"), *e, *k;
	size_t i;

	v_label_keys(c, match, selector, vp_child(c, path, "matchLabelKeys"));
	v_label_keys(c, mismatch, selector, vp_child(c, path, "mismatchLabelKeys"));
	if (selector) {
		json_t *seen = json_object();
		const char *key;
		json_t *v;

		json_object_foreach(jget(selector, "matchLabels"), key, v)
		    json_object_set_new(seen, key, json_true());
		json_array_foreach(jget(selector, "matchExpressions"), i, e)
		{
			const char *ek = jstr(e, "key");
			size_t at, last = 0;
			bool listed = false;

			/* the last index of the key, as upstream's map keeps it; the
			 * error names the term's path with that index */
			json_array_foreach(match, at, k)
			{
				if (json_is_string(k) && strcmp(json_string_value(k), ek) == 0) {
					listed = true;
					last = at;
				}
			}
			if (listed && json_object_get(seen, ek))
				v_invalid(c, vp_index(c, path, last), vr_quote(c, ek),
					  "exists in both matchLabelKeys and labelSelector");
			json_object_set_new(seen, ek, json_true());
		}
		json_decref(seen);
	}
	json_array_foreach(match, i, k)
	{
		const char *s = json_is_string(k) ? json_string_value(k) : "";

		if (str_array_has(mismatch, s))
			v_invalid(c, vp_index(c, vp_child(c, path, "matchLabelKeys"), i),
				  vr_quote(c, s),
				  "exists in both matchLabelKeys and mismatchLabelKeys");
	}
}

/* validatePodAffinityTerm */
static void v_pod_affinity_term(struct vctx *c, json_t *term, const char *path)
{
	json_t *ns;
	size_t i;

	v_label_selector(c, jget(term, "labelSelector"), vp_child(c, path, "labelSelector"));
	v_label_selector(c, jget(term, "namespaceSelector"),
			 vp_child(c, path, "namespaceSelector"));
	/* upstream names the list "namespace" */
	json_array_foreach(jget(term, "namespaces"), i, ns) v_dns1123_label(
	    c, json_is_string(ns) ? json_string_value(ns) : "", vp_child(c, path, "namespace"));
	v_match_label_keys(c, term, path);
	if (!*jstr(term, "topologyKey"))
		v_required(c, vp_child(c, path, "topologyKey"), "can not be empty");
	v_qualified_name(c, jstr(term, "topologyKey"), vp_child(c, path, "topologyKey"));
}

static void v_pod_affinity(struct vctx *c, json_t *pa, const char *path)
{
	const char *req = vp_child(c, path, "requiredDuringSchedulingIgnoredDuringExecution");
	const char *pref = vp_child(c, path, "preferredDuringSchedulingIgnoredDuringExecution");
	json_t *term;
	size_t i;

	json_array_foreach(jget(pa, "requiredDuringSchedulingIgnoredDuringExecution"), i, term)
	    v_pod_affinity_term(c, term, vp_index(c, req, i));
	json_array_foreach(jget(pa, "preferredDuringSchedulingIgnoredDuringExecution"), i, term)
	{
		v_weight(c, term, vp_index(c, pref, i));
		v_pod_affinity_term(c, jget(term, "podAffinityTerm"),
				    vp_child(c, vp_index(c, pref, i), "podAffinityTerm"));
	}
}

void v_affinity(struct vctx *c, json_t *affinity, const char *path)
{
	if (jget(affinity, "nodeAffinity"))
		v_node_affinity(c, jget(affinity, "nodeAffinity"),
				vp_child(c, path, "nodeAffinity"));
	if (jget(affinity, "podAffinity"))
		v_pod_affinity(c, jget(affinity, "podAffinity"), vp_child(c, path, "podAffinity"));
	if (jget(affinity, "podAntiAffinity"))
		v_pod_affinity(c, jget(affinity, "podAntiAffinity"),
			       vp_child(c, path, "podAntiAffinity"));
}

/* ---- topology spread ---- */

/* validateMatchLabelKeysInTopologySpread */
static void v_spread_match_label_keys(struct vctx *c, json_t *keys, json_t *selector,
				      const char *path)
{
	json_t *seen = json_object(), *e, *k;
	const char *key;
	size_t i;

	if (jlen(keys) == 0) {
		json_decref(seen);
		return;
	}
	if (selector) {
		json_object_foreach(jget(selector, "matchLabels"), key, e)
		    json_object_set_new(seen, key, json_true());
		json_array_foreach(jget(selector, "matchExpressions"), i, e)
		    json_object_set_new(seen, jstr(e, "key"), json_true());
	} else {
		v_forbidden(c, path, "must not be specified when labelSelector is not set");
	}
	json_array_foreach(keys, i, k)
	{
		const char *s = json_is_string(k) ? json_string_value(k) : "";

		v_qualified_name(c, s, vp_index(c, path, i));
		if (json_object_get(seen, s))
			v_invalid(c, vp_index(c, path, i), vr_quote(c, s),
				  "exists in both matchLabelKeys and labelSelector");
	}
	json_decref(seen);
}

static void v_node_inclusion_policy(struct vctx *c, json_t *tsc, const char *key, const char *path)
{
	static const char *const policies[] = {"Honor", "Ignore", NULL};

	if (jhas(tsc, key) && !str_in(jstr(tsc, key), policies))
		v_not_supported(c, vp_child(c, path, key), vr_quote(c, jstr(tsc, key)), policies);
}

void v_topology_spread_constraints(struct vctx *c, json_t *list, const char *path)
{
	static const char *const actions[] = {"DoNotSchedule", "ScheduleAnyway", NULL};
	json_t *tsc;
	size_t i;

	json_array_foreach(list, i, tsc)
	{
		const char *p = vp_index(c, path, i), *action = jstr(tsc, "whenUnsatisfiable");
		const char *topology_key = jstr(tsc, "topologyKey");
		int64_t skew = jint(tsc, "maxSkew");

		if (skew <= 0)
			v_invalid(c, vp_child(c, p, "maxSkew"), vr_int(c, skew), NOT_POSITIVE);
		if (!*topology_key)
			v_required(c, vp_child(c, p, "topologyKey"), "can not be empty");
		if (!str_in(action, actions))
			v_not_supported(c, vp_child(c, p, "whenUnsatisfiable"), vr_quote(c, action),
					actions);
		for (size_t j = i + 1; j < json_array_size(list); j++) {
			json_t *rest = json_array_get(list, j);

			if (strcmp(jstr(rest, "topologyKey"), topology_key) == 0 &&
			    strcmp(jstr(rest, "whenUnsatisfiable"), action) == 0) {
				v_duplicate(c, vp_child(c, p, "{topologyKey, whenUnsatisfiable}"),
					    vr_quote(c, arena_printf(c->arena, "{%s, %s}",
								     topology_key, action)));
				break;
			}
		}
		if (jhas(tsc, "minDomains")) {
			int64_t min = jint(tsc, "minDomains");

			if (min <= 0)
				v_invalid(c, vp_child(c, p, "minDomains"), vr_int(c, min),
					  NOT_POSITIVE);
			if (strcmp(action, "DoNotSchedule") != 0)
				v_invalid(c, vp_child(c, p, "minDomains"), vr_int(c, min),
					  arena_printf(c->arena,
						       "can only use minDomains if "
						       "whenUnsatisfiable=DoNotSchedule, not %s",
						       action));
		}
		v_node_inclusion_policy(c, tsc, "nodeAffinityPolicy", p);
		v_node_inclusion_policy(c, tsc, "nodeTaintsPolicy", p);
		v_spread_match_label_keys(c, jget(tsc, "matchLabelKeys"),
					  jget(tsc, "labelSelector"),
					  vp_child(c, p, "matchLabelKeys"));
		v_label_selector(c, jget(tsc, "labelSelector"), vp_child(c, p, "labelSelector"));
	}
}

/* ---- tolerations and taints ---- */

void v_taint_effect(struct vctx *c, const char *effect, bool allow_empty, const char *path)
{
	static const char *const effects[] = {"NoSchedule", "PreferNoSchedule", "NoExecute", NULL};

	if (!allow_empty && !*effect)
		v_required(c, path, "");
	else if (!str_in(effect, effects))
		v_not_supported(c, path, vr_quote(c, effect), effects);
}

/* %#v of the internal core.Toleration. */
static const char *toleration_go(struct vctx *c, json_t *t)
{
	return arena_printf(c->arena,
			    "core.Toleration{Key:%s, Operator:%s, Value:%s, Effect:%s, "
			    "TolerationSeconds:%s}",
			    vr_quote(c, jstr(t, "key")), vr_quote(c, jstr(t, "operator")),
			    vr_quote(c, jstr(t, "value")), vr_quote(c, jstr(t, "effect")),
			    vr_pointer(c, "int64", jhas(t, "tolerationSeconds")));
}

/* ValidateTolerations */
void v_tolerations(struct vctx *c, json_t *tolerations, const char *path)
{
	static const char *const operators[] = {"Equal", "Exists", NULL};
	size_t i;
	json_t *t;

	json_array_foreach(tolerations, i, t)
	{
		const char *p = vp_index(c, path, i), *key = jstr(t, "key");
		const char *op = jstr(t, "operator"), *value = jstr(t, "value");
		const char *effect = jstr(t, "effect");

		if (*key)
			v_qualified_name(c, key, vp_child(c, p, "key"));
		if (!*key && strcmp(op, "Exists") != 0)
			v_invalid(c, vp_child(c, p, "operator"), vr_quote(c, op),
				  "operator must be Exists when `key` is empty, which means "
				  "\"match all values and all keys\"");
		if (jhas(t, "tolerationSeconds") && strcmp(effect, "NoExecute") != 0)
			v_invalid(c, vp_child(c, p, "effect"), vr_quote(c, effect),
				  "effect must be 'NoExecute' when `tolerationSeconds` is set");
		if (!*op || strcmp(op, "Equal") == 0) {
			struct vmsgs m = {0};
			struct buf joined = {0};

			is_label_value(value, &m);
			for (size_t k = 0; k < m.n; k++)
				buf_printf(&joined, "%s%s", k ? ";" : "", m.m[k]);
			if (m.n)
				v_invalid(c, vp_child(c, p, "operator"), vr_quote(c, value),
					  arena_strdup(c->arena, joined.data));
			buf_free(&joined);
		} else if (strcmp(op, "Exists") == 0) {
			if (*value)
				v_invalid(c, vp_child(c, p, "operator"), toleration_go(c, t),
					  "value must be empty when `operator` is 'Exists'");
		} else {
			v_not_supported(c, vp_child(c, p, "operator"), vr_quote(c, op), operators);
		}
		if (*effect)
			v_taint_effect(c, effect, true, vp_child(c, p, "effect"));
	}
}

/* ---- DNS and host names ---- */

void v_pod_dns_config(struct vctx *c, json_t *spec, const char *path)
{
	json_t *cfg = jget(spec, "dnsConfig"), *v;
	json_t *servers = jget(cfg, "nameservers"), *searches = jget(cfg, "searches");
	const char *p = vp_child(c, path, "dnsConfig");
	size_t i, joined = 0;

	if (strcmp(jstr(spec, "dnsPolicy"), "None") == 0) {
		if (!cfg) {
			v_required(c, p, "must provide `dnsConfig` when `dnsPolicy` is None");
			return;
		}
		if (jlen(servers) == 0) {
			v_required(c, vp_child(c, p, "nameservers"),
				   "must provide at least one DNS nameserver when `dnsPolicy` is "
				   "None");
			return;
		}
	}
	if (!cfg)
		return;
	if (jlen(servers) > 3)
		v_invalid(c, vp_child(c, p, "nameservers"), vr_string_list(c, servers),
			  "must not have more than 3 nameservers");
	json_array_foreach(servers, i, v) v_ip(c, json_is_string(v) ? json_string_value(v) : "",
					       vp_index(c, vp_child(c, p, "nameservers"), i));
	if (jlen(searches) > 32)
		v_invalid(c, vp_child(c, p, "searches"), vr_string_list(c, searches),
			  "must not have more than 32 search paths");
	json_array_foreach(searches, i, v) joined +=
	    (i ? 1 : 0) + strlen(json_is_string(v) ? json_string_value(v) : "");
	if (joined > 2048)
		v_invalid(
		    c, vp_child(c, p, "searches"), vr_string_list(c, searches),
		    "must not have more than 2048 characters (including spaces) in the search "
		    "list");
	json_array_foreach(searches, i, v)
	{
		/* a trailing dot is fine: it is dropped before the check */
		char *s = arena_strdup(c->arena, json_is_string(v) ? json_string_value(v) : "");
		size_t len = strlen(s);

		if (len && s[len - 1] == '.')
			s[len - 1] = '\0';
		v_dns1123_subdomain(c, s, vp_index(c, vp_child(c, p, "searches"), i));
	}
	json_array_foreach(jget(cfg, "options"), i, v) if (!*jstr(v, "name"))
	    v_required(c, vp_index(c, vp_child(c, p, "options"), i), "must not be empty");
}

void v_host_aliases(struct vctx *c, json_t *aliases, const char *path)
{
	json_t *alias, *h;
	size_t i, j;

	json_array_foreach(aliases, i, alias)
	{
		const char *p = vp_index(c, path, i);

		v_ip(c, jstr(alias, "ip"), vp_child(c, p, "ip"));
		json_array_foreach(jget(alias, "hostnames"), j, h)
		    v_dns1123_subdomain(c, json_is_string(h) ? json_string_value(h) : "",
					vp_index(c, vp_child(c, p, "hostnames"), j));
	}
}
