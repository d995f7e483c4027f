/*
 * validation_core.c - the core/v1 kinds other than Pod, as
 * pkg/apis/core/validation validates them in v1.32: Service (create and
 * update, with the clusterIPs rules), ConfigMap and Secret (keys, total
 * size, immutability, the typed Secrets), Namespace and
 * ReplicationController.
 *
 * A Service's spec.clusterIP and spec.clusterIPs are kept in step by the
 * Service registry before validation (normalizeClusterIPs); the check
 * reasons about the pair as that step leaves it, without changing the
 * object. Node ports, health check node ports, traffic policies and
 * allocateLoadBalancerNodePorts are allocated or defaulted upstream before
 * validation, so their absence is not reported.
 */
#include <string.h>

#include "shared/buf.h"
#include "shared/gojson.h"
#include "shared/validation_internal.h"

#define MAX_SECRET_SIZE (1024 * 1024)

/* ---- Service ---- */

struct cluster_ips {
	const char *ip; /* spec.clusterIP */
	json_t *ips;	/* spec.clusterIPs: a new reference to an array */
};

static json_t *string_array(const char *s)
{
	json_t *a = json_array();

	json_array_append_new(a, json_string(s));
	return a;
}

/* The clusterIP and clusterIPs normalizeClusterIPs leaves on the new object. */
static struct cluster_ips effective_cluster_ips(json_t *spec, json_t *old_spec, bool update)
{
	struct cluster_ips r = {jstr(spec, "clusterIP"), NULL};
	json_t *ips = jget(spec, "clusterIPs"), *old_ips = jget(old_spec, "clusterIPs");
	const char *old_ip = jstr(old_spec, "clusterIP");

	r.ips = json_is_array(ips) ? json_copy(ips) : json_array();
	if (!update) {
		if (*r.ip && json_array_size(r.ips) == 0) {
			json_decref(r.ips);
			r.ips = string_array(r.ip);
		} else if (!*r.ip && json_array_size(r.ips) > 0) {
			json_t *first = json_array_get(r.ips, 0);

			r.ip = json_is_string(first) ? json_string_value(first) : "";
		}
		return r;
	}
	if (jlen(old_ips) > 0 && json_array_size(r.ips) == 0 && strcmp(old_ip, r.ip) == 0) {
		json_decref(r.ips);
		r.ips = json_copy(old_ips);
	}
	if (strcmp(old_ip, r.ip) != 0 && json_equal_or_absent(ips, old_ips)) {
		json_decref(r.ips);
		r.ips = *old_ip && !*r.ip ? json_array() : string_array(r.ip);
	}
	return r;
}

static const char *ip_at(json_t *ips, size_t i)
{
	json_t *v = json_array_get(ips, i);

	return json_is_string(v) ? json_string_value(v) : "";
}

static bool headless(json_t *ips)
{
	return json_array_size(ips) == 1 && strcmp(ip_at(ips, 0), "None") == 0;
}

/* ValidateServiceClusterIPsRelatedFields */
static void v_cluster_ips(struct vctx *c, json_t *spec, const struct cluster_ips *e)
{
	static const char *const families[] = {"IPv4", "IPv6", NULL};
	static const char *const policies[] = {"PreferDualStack", "RequireDualStack", "SingleStack",
					       NULL};
	json_t *fams = jget(spec, "ipFamilies"), *seen = json_object(), *f;
	size_t n = json_array_size(e->ips), i;
	bool bad_ips = false;

	if (*e->ip) {
		if (n == 0)
			v_required(c, "spec.clusterIPs", "");
		else if (strcmp(ip_at(e->ips, 0), e->ip) != 0)
			v_invalid(c, "spec.clusterIPs", vr_string_list(c, e->ips),
				  "first value must match `clusterIP`");
	} else if (n != 0) {
		v_invalid(c, "spec.clusterIPs", vr_string_list(c, e->ips),
			  "must be empty when `clusterIP` is not specified");
	}
	json_array_foreach(fams, i, f)
	{
		const char *fam = json_is_string(f) ? json_string_value(f) : "";
		const char *p = vp_index(c, "spec.ipFamilies", i);

		if (!str_in(fam, families))
			v_not_supported(c, p, vr_quote(c, fam), families);
		if (json_object_get(seen, fam))
			v_duplicate(c, p, vr_quote(c, fam));
		json_object_set_new(seen, fam, json_true());
	}
	json_decref(seen);
	if (jhas(spec, "ipFamilyPolicy") && !str_in(jstr(spec, "ipFamilyPolicy"), policies))
		v_not_supported(c, "spec.ipFamilyPolicy", vr_quote(c, jstr(spec, "ipFamilyPolicy")),
				policies);
	for (i = 0; i < n; i++) {
		struct vmsgs m = {0};

		if (i == 0 && strcmp(ip_at(e->ips, 0), "None") == 0) {
			if (n > 1) {
				bad_ips = true;
				v_invalid(c, "spec.clusterIPs", vr_string_list(c, e->ips),
					  "'None' must be the first and only value");
			}
			continue;
		}
		is_valid_ip(ip_at(e->ips, i), &m);
		for (size_t k = 0; k < m.n; k++)
			v_invalid(c, vp_index(c, "spec.clusterIPs", i),
				  vr_quote(c, ip_at(e->ips, i)), m.m[k]);
		bad_ips = bad_ips || m.n;
	}
	if (n > 2)
		v_invalid(c, "spec.clusterIPs", vr_string_list(c, e->ips),
			  "may only hold up to 2 values");
	if (bad_ips)
		return;
	if (n > 1 && ip_is_v6(ip_at(e->ips, 0)) == ip_is_v6(ip_at(e->ips, 1)))
		v_invalid(c, "spec.clusterIPs", vr_string_list(c, e->ips),
			  "may specify no more than one IP for each IP family");
	if (headless(e->ips))
		return;
	for (i = 0; i < n && i < jlen(fams); i++) {
		const char *fam = ip_at(fams, i);
		bool v6 = ip_is_v6(ip_at(e->ips, i));

		if (strcmp(fam, "IPv4") == 0 && v6)
			v_invalid(
			    c, vp_index(c, "spec.clusterIPs", i), vr_quote(c, ip_at(e->ips, i)),
			    arena_printf(c->arena,
					 "expected an IPv4 value as indicated by `ipFamilies[%zu]`",
					 i));
		if (strcmp(fam, "IPv6") == 0 && !v6)
			v_invalid(
			    c, vp_index(c, "spec.clusterIPs", i), vr_quote(c, ip_at(e->ips, i)),
			    arena_printf(c->arena,
					 "expected an IPv6 value as indicated by `ipFamilies[%zu]`",
					 i));
	}
}

static const char *port_protocol(json_t *port)
{
	return *jstr(port, "protocol") ? jstr(port, "protocol") : "TCP";
}

static void v_service_port(struct vctx *c, json_t *port, bool require_name, json_t *names,
			   const char *path)
{
	static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};
	const char *name = jstr(port, "name");
	struct vmsgs m = {0};

	if (require_name && !*name) {
		v_required(c, vp_child(c, path, "name"), "");
	} else if (*name) {
		v_dns1123_label(c, name, vp_child(c, path, "name"));
		if (json_object_get(names, name))
			v_duplicate(c, vp_child(c, path, "name"), vr_quote(c, name));
		else
			json_object_set_new(names, name, json_true());
	}
	is_port_num(jint(port, "port"), &m);
	for (size_t i = 0; i < m.n; i++)
		v_invalid(c, vp_child(c, path, "port"), vr_int(c, jint(port, "port")), m.m[i]);
	if (*jstr(port, "protocol") && !str_in(jstr(port, "protocol"), protocols))
		v_not_supported(c, vp_child(c, path, "protocol"),
				vr_quote(c, jstr(port, "protocol")), protocols);
	/* an absent targetPort is defaulted to the port */
	if (jhas(port, "targetPort")) {
		json_t *tp = jget(port, "targetPort");

		m.n = 0;
		if (json_is_string(tp))
			is_port_name(json_string_value(tp), &m);
		else
			is_port_num(jint(port, "targetPort"), &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, vp_child(c, path, "targetPort"),
				  json_is_string(tp) ? vr_quote(c, json_string_value(tp))
						     : vr_int(c, jint(port, "targetPort")),
				  m.m[i]);
	}
	if (jhas(port, "appProtocol"))
		v_qualified_name(c, jstr(port, "appProtocol"), vp_child(c, path, "appProtocol"));
}

static void v_load_balancer_class(struct vctx *c, json_t *spec, json_t *old_spec)
{
	bool lb = strcmp(jstr(spec, "type"), "LoadBalancer") == 0;

	if (old_spec && lb && strcmp(jstr(old_spec, "type"), "LoadBalancer") == 0 &&
	    !json_equal_or_absent(jget(spec, "loadBalancerClass"),
				  jget(old_spec, "loadBalancerClass")))
		v_invalid(c, "spec.loadBalancerClass",
			  jhas(spec, "loadBalancerClass")
			      ? vr_quote(c, jstr(spec, "loadBalancerClass"))
			      : "null",
			  "may not change once set");
	if (lb && jhas(spec, "loadBalancerClass"))
		v_qualified_name(c, jstr(spec, "loadBalancerClass"), "spec.loadBalancerClass");
	else if (!lb && jhas(spec, "loadBalancerClass"))
		v_forbidden(c, "spec.loadBalancerClass",
			    "may only be used when `type` is 'LoadBalancer'");
}

static bool needs_health_check(json_t *spec)
{
	return strcmp(jstr(spec, "type"), "LoadBalancer") == 0 &&
	       strcmp(jstr(spec, "externalTrafficPolicy"), "Local") == 0;
}

/* validateUpgradeDowngradeClusterIPs and validateUpgradeDowngradeIPFamilies */
static void v_cluster_ips_update(struct vctx *c, json_t *spec, json_t *old_spec,
				 const struct cluster_ips *e)
{
	json_t *old_ips = jget(old_spec, "clusterIPs"), *fams = jget(spec, "ipFamilies");
	json_t *old_fams = jget(old_spec, "ipFamilies");
	size_t n = json_array_size(e->ips), on = jlen(old_ips), fn = jlen(fams),
	       ofn = jlen(old_fams);
	bool single = strcmp(jstr(spec, "ipFamilyPolicy"), "SingleStack") == 0;
	const char *policy =
	    jhas(spec, "ipFamilyPolicy") ? vr_quote(c, jstr(spec, "ipFamilyPolicy")) : "null";

	if (strcmp(jstr(spec, "type"), "ExternalName") == 0 ||
	    strcmp(jstr(old_spec, "type"), "ExternalName") == 0)
		return;
	if (!(headless(e->ips) && headless(old_ips))) {
		if (on == n) {
			for (size_t i = 0; i < on; i++)
				if (strcmp(ip_at(old_ips, i), ip_at(e->ips, i)) != 0)
					v_invalid(c, vp_index(c, "spec.clusterIPs", i),
						  vr_string_list(c, e->ips),
						  "may not change once set");
		} else if (on > n) {
			if (n == 0)
				v_invalid(c, "spec.clusterIPs[0]", vr_string_list(c, e->ips),
					  "primary clusterIP can not be unset");
			if (n > 0 && strcmp(ip_at(e->ips, 0), ip_at(old_ips, 0)) != 0)
				v_invalid(c, "spec.clusterIPs[0]", vr_string_list(c, e->ips),
					  "may not change once set");
			if (n == 1 && !single)
				v_invalid(c, "spec.ipFamilyPolicy", policy,
					  "must be set to 'SingleStack' when releasing the "
					  "secondary clusterIP");
		} else if (on > 0 && strcmp(ip_at(e->ips, 0), ip_at(old_ips, 0)) != 0) {
			v_invalid(c, "spec.clusterIPs[0]", vr_string_list(c, e->ips),
				  "may not change once set");
		}
	}
	if (headless(e->ips) || headless(old_ips))
		return;
	if (ofn == fn) {
		for (size_t i = 0; i < ofn; i++)
			if (strcmp(ip_at(old_fams, i), ip_at(fams, i)) != 0)
				v_invalid(c, "spec.ipFamilies[0]", vr_string_list(c, fams),
					  "may not change once set");
	} else if (ofn > fn) {
		if (n == 0)
			v_invalid(c, "spec.ipFamilies[0]", vr_string_list(c, fams),
				  "primary ipFamily can not be unset");
		if (fn > 0 && strcmp(ip_at(fams, 0), ip_at(old_fams, 0)) != 0)
			v_invalid(c, "spec.ipFamilies[0]", vr_string_list(c, e->ips),
				  "may not change once set");
		if (fn == 1 && !single)
			v_invalid(c, "spec.ipFamilyPolicy", policy,
				  "must be set to 'SingleStack' when releasing the secondary "
				  "ipFamily");
	} else if (ofn > 0 && fn > 0 && strcmp(ip_at(fams, 0), ip_at(old_fams, 0)) != 0) {
		v_invalid(c, "spec.ipFamilies[0]", vr_string_list(c, e->ips),
			  "may not change once set");
	}
}

static void v_service_type_rules(struct vctx *c, json_t *spec, const struct cluster_ips *e)
{
	const char *type = jstr(spec, "type");

	if (strcmp(type, "LoadBalancer") == 0 && headless(e->ips))
		v_invalid(c, "spec.clusterIPs[0]", vr_quote(c, "None"),
			  "may not be set to 'None' for LoadBalancer services");
	if (strcmp(type, "NodePort") == 0 && headless(e->ips))
		v_invalid(c, "spec.clusterIPs[0]", vr_quote(c, "None"),
			  "may not be set to 'None' for NodePort services");
	if (strcmp(type, "ExternalName") == 0) {
		char cname[256];
		size_t len;

		if (json_array_size(e->ips) > 0)
			v_forbidden(c, "spec.clusterIPs",
				    "may not be set for ExternalName services");
		if (jlen(jget(spec, "ipFamilies")) > 0)
			v_forbidden(c, "spec.ipFamilies",
				    "may not be set for ExternalName services");
		if (jhas(spec, "ipFamilyPolicy"))
			v_forbidden(c, "spec.ipFamilyPolicy",
				    "may not be set for ExternalName services");
		snprintf(cname, sizeof(cname), "%s", jstr(spec, "externalName"));
		len = strlen(cname);
		if (len && cname[len - 1] == '.')
			cname[--len] = '\0';
		if (len)
			v_dns1123_subdomain(c, cname, "spec.externalName");
		else
			v_required(c, "spec.externalName", "");
	}
}

static void v_session_affinity(struct vctx *c, json_t *spec)
{
	static const char *const affinities[] = {"ClientIP", "None", NULL};
	const char *aff = jstr(spec, "sessionAffinity");
	json_t *cfg = jget(spec, "sessionAffinityConfig");

	/* defaulted to None, and ClientIP's timeout to 10800 */
	if (*aff && !str_in(aff, affinities))
		v_not_supported(c, "spec.sessionAffinity", vr_quote(c, aff), affinities);
	if (strcmp(aff, "ClientIP") == 0) {
		json_t *ip = jget(cfg, "clientIP");
		int64_t t = jint(ip, "timeoutSeconds");

		if (jhas(ip, "timeoutSeconds") && (t <= 0 || t > 86400))
			v_invalid(c, "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
				  vr_int(c, t), "must be greater than 0 and less than 86400");
	} else if (strcmp(aff, "None") == 0 && cfg) {
		v_forbidden(c, "spec.sessionAffinityConfig",
			    "must not be set when session affinity is None");
	}
}

static void v_service_duplicates(struct vctx *c, json_t *ports)
{
	json_t *node_ports = json_object(), *seen = json_object(), *port;
	size_t i;

	json_array_foreach(ports, i, port)
	{
		const char *key;

		if (jint(port, "nodePort") == 0)
			continue;
		key = arena_printf(c->arena, "%s/%lld", port_protocol(port),
				   (long long)jint(port, "nodePort"));
		if (json_object_get(node_ports, key))
			v_duplicate(c, vp_child(c, vp_index(c, "spec.ports", i), "nodePort"),
				    vr_int(c, jint(port, "nodePort")));
		json_object_set_new(node_ports, key, json_true());
	}
	json_array_foreach(ports, i, port)
	{
		const char *key = arena_printf(c->arena, "%s/%lld", port_protocol(port),
					       (long long)jint(port, "port"));

		if (json_object_get(seen, key))
			v_duplicate(c, vp_index(c, "spec.ports", i),
				    arena_printf(c->arena,
						 "core.ServicePort{Name:\"\", Protocol:%s, "
						 "AppProtocol:(*string)(nil), Port:%lld, "
						 "TargetPort:intstr.IntOrString{Type:0, IntVal:0, "
						 "StrVal:\"\"}, NodePort:0}",
						 vr_quote(c, port_protocol(port)),
						 (long long)jint(port, "port")));
		json_object_set_new(seen, key, json_true());
	}
	json_decref(node_ports);
	json_decref(seen);
}

static void v_traffic_policies(struct vctx *c, json_t *spec)
{
	static const char *const policies[] = {"Cluster", "Local", NULL};
	static const char *const distributions[] = {"PreferClose", NULL};
	const char *type = jstr(spec, "type"), *etp = jstr(spec, "externalTrafficPolicy");
	bool accessible = strcmp(type, "LoadBalancer") == 0 || strcmp(type, "NodePort") == 0 ||
			  (strcmp(type, "ClusterIP") == 0 && jlen(jget(spec, "externalIPs")) > 0);
	int64_t hc = jint(spec, "healthCheckNodePort");

	if (!accessible && *etp)
		v_invalid(c, "spec.externalTrafficPolicy", vr_quote(c, etp),
			  "may only be set for externally-accessible services");
	else if (accessible && *etp && !str_in(etp, policies))
		v_not_supported(c, "spec.externalTrafficPolicy", vr_quote(c, etp), policies);
	if (!needs_health_check(spec) && hc != 0) {
		v_invalid(c, "spec.healthCheckNodePort", vr_int(c, hc),
			  "may only be set when `type` is 'LoadBalancer' and "
			  "`externalTrafficPolicy` is 'Local'");
	} else if (needs_health_check(spec) && hc != 0) {
		struct vmsgs m = {0};

		is_port_num(hc, &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, "spec.healthCheckNodePort", vr_int(c, hc), m.m[i]);
	}
	if (jhas(spec, "internalTrafficPolicy") &&
	    !str_in(jstr(spec, "internalTrafficPolicy"), policies))
		v_not_supported(c, "spec.internalTrafficPolicy",
				vr_quote(c, jstr(spec, "internalTrafficPolicy")), policies);
	if (jhas(spec, "trafficDistribution") &&
	    !str_in(jstr(spec, "trafficDistribution"), distributions))
		v_not_supported(c, "spec.trafficDistribution",
				vr_quote(c, jstr(spec, "trafficDistribution")), distributions);
}

/* ValidateService on the spec as normalized in e. */
static void v_service_spec(struct vctx *c, json_t *svc, const struct cluster_ips *e)
{
	static const char *const types[] = {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort",
					    NULL};
	json_t *spec = jget(svc, "spec"), *ann = jget(jget(svc, "metadata"), "annotations");
	json_t *ports = jget(spec, "ports"), *port, *names = json_object(), *ip;
	const char *type = jstr(spec, "type");
	const char *hints = "service.kubernetes.io/topology-aware-hints";
	const char *mode = "service.kubernetes.io/topology-mode";
	size_t i;

	if (jhas(ann, hints) && jhas(ann, mode) && strcmp(jstr(ann, hints), jstr(ann, mode)) != 0)
		v_invalid(c, vp_key(c, "metadata.annotations", mode), vr_quote(c, jstr(ann, mode)),
			  arena_printf(c->arena,
				       "must match annotations[%s] when both are specified",
				       hints));
	if (jlen(ports) == 0 && !headless(e->ips) && strcmp(type, "ExternalName") != 0)
		v_required(c, "spec.ports", "");
	v_service_type_rules(c, spec, e);
	json_array_foreach(ports, i, port)
	    v_service_port(c, port, jlen(ports) > 1, names, vp_index(c, "spec.ports", i));
	json_decref(names);
	if (jget(spec, "selector"))
		v_labels(c, jget(spec, "selector"), "spec.selector");
	v_session_affinity(c, spec);
	if (strcmp(type, "ExternalName") != 0)
		v_cluster_ips(c, spec, e);
	json_array_foreach(jget(spec, "externalIPs"), i, ip)
	{
		struct vmsgs m = {0};
		const char *s = json_is_string(ip) ? json_string_value(ip) : "";

		is_valid_ip(s, &m);
		for (size_t k = 0; k < m.n; k++)
			v_invalid(c, vp_index(c, "spec.externalIPs", i), vr_quote(c, s), m.m[k]);
	}
	/* the type is defaulted to ClusterIP */
	if (*type && !str_in(type, types))
		v_not_supported(c, "spec.type", vr_quote(c, type), types);
	if (strcmp(type, "ClusterIP") == 0)
		json_array_foreach(ports, i, port) if (jint(port, "nodePort") != 0)
		    v_forbidden(c, vp_child(c, vp_index(c, "spec.ports", i), "nodePort"),
				"may not be used when `type` is 'ClusterIP'");
	v_service_duplicates(c, ports);
	if (jlen(jget(spec, "loadBalancerSourceRanges")) > 0 && strcmp(type, "LoadBalancer") != 0)
		v_forbidden(c, "spec.LoadBalancerSourceRanges",
			    "may only be used when `type` is 'LoadBalancer'");
	if (jhas(spec, "allocateLoadBalancerNodePorts") && strcmp(type, "LoadBalancer") != 0)
		v_forbidden(c, "spec.allocateLoadBalancerNodePorts",
			    "may only be used when `type` is 'LoadBalancer'");
	v_load_balancer_class(c, spec, NULL);
	v_traffic_policies(c, spec);
}

void v_service(struct vctx *c, json_t *svc, json_t *old)
{
	json_t *spec = jget(svc, "spec"), *old_spec = jget(old, "spec");
	struct cluster_ips e = effective_cluster_ips(spec, old_spec, old != NULL);

	if (old) {
		v_object_meta_update(c, jget(svc, "metadata"), jget(old, "metadata"));
		v_cluster_ips_update(c, spec, old_spec, &e);
		v_load_balancer_class(c, spec, old_spec);
		if (needs_health_check(spec) && needs_health_check(old_spec) &&
		    jint(spec, "healthCheckNodePort") != jint(old_spec, "healthCheckNodePort"))
			v_forbidden(c, "spec.healthCheckNodePort", "field is immutable");
	}
	v_object_meta(c, jget(svc, "metadata"), 1, NAME_DNS1035);
	v_service_spec(c, svc, &e);
	json_decref(e.ips);
}

int validation_service_cluster_ips(json_t *svc, struct validation_errors *out)
{
	struct arena arena = {0};
	struct vctx c = {.arena = &arena, .out = out};
	json_t *spec = jget(svc, "spec"), *ips = jget(spec, "clusterIPs");
	struct cluster_ips e = {jstr(spec, "clusterIP"),
				json_is_array(ips) ? json_copy(ips) : json_array()};
	size_t before = out->num;

	if (strcmp(jstr(spec, "type"), "ExternalName") != 0)
		v_cluster_ips(&c, spec, &e);
	json_decref(e.ips);
	arena_free(&arena);
	return (int)(out->num - before);
}

/* ---- ConfigMap and Secret ---- */

/* The length of what a base64 text decodes to. */
static size_t base64_decoded_len(const char *s)
{
	size_t len = strlen(s), pad = 0;

	while (len > pad && s[len - 1 - pad] == '=')
		pad++;
	return len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0) - (len % 4 ? 0 : pad);
}

static void v_immutable_data(struct vctx *c, json_t *obj, json_t *old, const char *const *fields)
{
	if (!jbool(old, "immutable"))
		return;
	if (!jbool(obj, "immutable"))
		v_forbidden(c, "immutable", "field is immutable when `immutable` is set");
	for (size_t i = 0; fields[i]; i++)
		if (!json_equal_or_absent(jget(obj, fields[i]), jget(old, fields[i])))
			v_forbidden(c, fields[i], "field is immutable when `immutable` is set");
}

static void v_data_keys(struct vctx *c, json_t *data, const char *path, json_t *other,
			const char *dup_message)
{
	const char **keys = jkeys(c, data);

	for (size_t i = 0; keys[i]; i++) {
		struct vmsgs m = {0};
		const char *p = vp_key(c, path, keys[i]);

		is_config_map_key(keys[i], &m);
		for (size_t k = 0; k < m.n; k++)
			v_invalid(c, p, vr_quote(c, keys[i]), m.m[k]);
		if (dup_message && jhas(other, keys[i]))
			v_invalid(c, p, vr_quote(c, keys[i]), dup_message);
	}
}

void v_config_map(struct vctx *c, json_t *cm, json_t *old)
{
	static const char *const fields[] = {"data", "binaryData", NULL};
	json_t *data = jget(cm, "data"), *binary = jget(cm, "binaryData");
	const char **keys;
	size_t total = 0;

	if (old) {
		v_object_meta_update(c, jget(cm, "metadata"), jget(old, "metadata"));
		v_immutable_data(c, cm, old, fields);
	}
	v_object_meta(c, jget(cm, "metadata"), 1, NAME_SUBDOMAIN);
	v_data_keys(c, data, "data", binary, "duplicate of key present in binaryData");
	v_data_keys(c, binary, "binaryData", NULL, NULL);
	keys = jkeys(c, data);
	for (size_t i = 0; keys[i]; i++)
		total += strlen(jstr(data, keys[i]));
	keys = jkeys(c, binary);
	for (size_t i = 0; keys[i]; i++)
		total += base64_decoded_len(jstr(binary, keys[i]));
	if (total > MAX_SECRET_SIZE)
		v_too_long(c, "", MAX_SECRET_SIZE);
}

static bool base64_decode(const char *s, struct buf *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned int acc = 0, bits = 0;

	for (; *s && *s != '='; s++) {
		const char *p = strchr(alphabet, *s);
		char byte;

		if (!p)
			return false;
		acc = acc << 6 | (unsigned int)(p - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			byte = (char)(acc >> bits & 0xFF);
			buf_append(out, &byte, 1);
		}
	}
	return true;
}

/* json.Unmarshal(data, &map[string]interface{}{}): its error, or NULL. */
static const char *json_object_error(struct vctx *c, const char *b64)
{
	struct buf raw = {0}, msg = {0};
	const char *err = NULL, *p;

	base64_decode(b64, &raw);
	buf_append(&raw, "", 0);
	if (gojson_check(raw.data ? raw.data : "", raw.len, 10000, &msg) < 0) {
		err = arena_strdup(c->arena, msg.data);
	} else {
		for (p = raw.data; p && strchr(" \t\r\n", *p) && *p; p++)
			;
		if (p && *p == '[')
			err = "json: cannot unmarshal array into Go value of type "
			      "map[string]interface {}";
		else if (p && *p == '"')
			err = "json: cannot unmarshal string into Go value of type "
			      "map[string]interface {}";
		else if (p && (*p == 't' || *p == 'f'))
			err = "json: cannot unmarshal bool into Go value of type "
			      "map[string]interface {}";
		else if (p && *p != '{' && *p != 'n')
			err = "json: cannot unmarshal number into Go value of type "
			      "map[string]interface {}";
	}
	buf_free(&raw);
	buf_free(&msg);
	return err;
}

static void v_secret_type(struct vctx *c, json_t *secret, json_t *data)
{
	const char *type = jstr(secret, "type");
	json_t *ann = jget(jget(secret, "metadata"), "annotations");

	if (strcmp(type, "kubernetes.io/service-account-token") == 0) {
		if (!*jstr(ann, "kubernetes.io/service-account.name"))
			v_required(c, "metadata.annotations[kubernetes.io/service-account.name]",
				   "");
	} else if (strcmp(type, "kubernetes.io/dockercfg") == 0 ||
		   strcmp(type, "kubernetes.io/dockerconfigjson") == 0) {
		const char *key = strcmp(type, "kubernetes.io/dockercfg") == 0
				      ? ".dockercfg"
				      : ".dockerconfigjson";
		const char *p = vp_key(c, "data", key), *err;

		if (!jhas(data, key)) {
			v_required(c, p, "");
			return;
		}
		err = json_object_error(c, jstr(data, key));
		if (err)
			v_invalid(c, p, vr_quote(c, "<secret contents redacted>"), err);
	} else if (strcmp(type, "kubernetes.io/basic-auth") == 0) {
		if (!jhas(data, "username") && !jhas(data, "password")) {
			v_required(c, "data[username]", "");
			v_required(c, "data[password]", "");
		}
	} else if (strcmp(type, "kubernetes.io/ssh-auth") == 0) {
		if (!*jstr(data, "ssh-privatekey"))
			v_required(c, "data[ssh-privatekey]", "");
	} else if (strcmp(type, "kubernetes.io/tls") == 0) {
		if (!jhas(data, "tls.crt"))
			v_required(c, "data[tls.crt]", "");
		if (!jhas(data, "tls.key"))
			v_required(c, "data[tls.key]", "");
	}
}

void v_secret(struct vctx *c, json_t *secret, json_t *old)
{
	static const char *const fields[] = {"data", NULL};
	json_t *data =
	    json_is_object(jget(secret, "data")) ? json_copy(jget(secret, "data")) : json_object();
	json_t *string_data = jget(secret, "stringData");
	const char **keys;
	const char *k;
	json_t *v;
	size_t total = 0;

	/* stringData is merged into data (as base64) by decoding, before validation */
	json_object_foreach(string_data, k, v)
	{
		struct buf b = {0};
		static const char alphabet[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const unsigned char *s =
		    (const unsigned char *)(json_is_string(v) ? json_string_value(v) : "");
		size_t len = strlen((const char *)s);

		for (size_t i = 0; i < len; i += 3) {
			unsigned int n = s[i] << 16 | (i + 1 < len ? s[i + 1] << 8 : 0) |
					 (i + 2 < len ? s[i + 2] : 0);
			char out[4] = {alphabet[n >> 18 & 63], alphabet[n >> 12 & 63],
				       i + 1 < len ? alphabet[n >> 6 & 63] : '=',
				       i + 2 < len ? alphabet[n & 63] : '='};

			buf_append(&b, out, 4);
		}
		buf_append(&b, "", 0);
		json_object_set_new(data, k, json_string(b.data ? b.data : ""));
		buf_free(&b);
	}
	if (old) {
		v_object_meta_update(c, jget(secret, "metadata"), jget(old, "metadata"));
		v_immutable(c, jget(secret, "type"), jget(old, "type"), "type",
			    vr_quote(c, jstr(secret, "type")));
		v_immutable_data(c, secret, old, fields);
	}
	v_object_meta(c, jget(secret, "metadata"), 1, NAME_SUBDOMAIN);
	v_data_keys(c, data, "data", NULL, NULL);
	keys = jkeys(c, data);
	for (size_t i = 0; keys[i]; i++)
		total += base64_decoded_len(jstr(data, keys[i]));
	if (total > MAX_SECRET_SIZE)
		v_too_long(c, "data", MAX_SECRET_SIZE);
	v_secret_type(c, secret, data);
	json_decref(data);
}

/* ---- Namespace, ReplicationController ---- */

void v_namespace_spec(struct vctx *c, json_t *ns)
{
	size_t i;
	json_t *f;

	json_array_foreach(jget(jget(ns, "spec"), "finalizers"), i, f)
	{
		const char *s = json_is_string(f) ? json_string_value(f) : "";

		v_qualified_name(c, s, "spec.finalizers");
		if (!strchr(s, '/') && strcmp(s, "kubernetes") != 0 && strcmp(s, "orphan") != 0 &&
		    strcmp(s, "foregroundDeletion") != 0)
			v_invalid(c, "spec.finalizers", vr_quote(c, s),
				  "name is neither a standard finalizer name nor is it fully "
				  "qualified");
	}
}

static bool map_selector_matches(json_t *selector, json_t *labels)
{
	const char *k;
	json_t *v;

	json_object_foreach(selector, k,
			    v) if (!json_is_string(v) ||
				   strcmp(jstr(labels, k), json_string_value(v)) != 0 ||
				   !jhas(labels, k)) return false;
	return true;
}

void v_replication_controller(struct vctx *c, json_t *rc, json_t *old)
{
	static const char *const always[] = {"Always", NULL};
	json_t *spec = jget(rc, "spec"), *selector = jget(spec, "selector");
	json_t *template = jget(spec, "template");

	if (old)
		v_object_meta_update(c, jget(rc, "metadata"), jget(old, "metadata"));
	else
		v_object_meta(c, jget(rc, "metadata"), 1, NAME_SUBDOMAIN);
	v_nonnegative(c, spec, "minReadySeconds", "spec.minReadySeconds");
	if (jlen(selector) == 0)
		v_required(c, "spec.selector", "");
	v_nonnegative(c, spec, "replicas", "spec.replicas");
	if (!template) {
		v_required(c, "spec.template", "");
		return;
	}
	if (jlen(selector) > 0 &&
	    !map_selector_matches(selector, jget(jget(template, "metadata"), "labels")))
		v_invalid(c, "spec.template.metadata.labels",
			  vr_string_map(c, jget(jget(template, "metadata"), "labels")),
			  "`selector` does not match template `labels`");
	v_pod_template_spec(c, template, "spec.template");
	if (*jstr(jget(template, "spec"), "restartPolicy") &&
	    strcmp(jstr(jget(template, "spec"), "restartPolicy"), "Always") != 0)
		v_not_supported(c, "spec.template.spec.restartPolicy",
				vr_quote(c, jstr(jget(template, "spec"), "restartPolicy")), always);
	if (jhas(jget(template, "spec"), "activeDeadlineSeconds"))
		v_forbidden(c, "spec.template.spec.activeDeadlineSeconds",
			    "activeDeadlineSeconds in ReplicationController is not Supported");
}
