/*
 * service_fields.c - the Service spec steps of service_fields.h, each after
 * the function of pkg/registry/core/service (v1.32) its comment names.
 */
#include "service_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "shared/buf.h"
#include "shared/service_range.h"

/* ---- reading fields ---- */

const char *service_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

long long service_num(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long long)json_integer_value(v)
	       : json_is_real(v)  ? (long long)json_real_value(v)
				  : 0;
}

size_t service_len(json_t *arr)
{
	return json_is_array(arr) ? json_array_size(arr) : 0;
}

const char *service_str_at(json_t *arr, size_t i)
{
	const char *s = json_string_value(json_array_get(arr, i));

	return s ? s : "";
}

json_t *service_spec(json_t *svc)
{
	json_t *spec = json_object_get(svc, "spec");

	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(svc, "spec", spec);
	}
	return spec;
}

json_t *service_array(json_t *obj, const char *key)
{
	json_t *a = json_object_get(obj, key);

	if (!json_is_array(a)) {
		a = json_array();
		json_object_set_new(obj, key, a);
	}
	return a;
}

const char *service_type(json_t *spec)
{
	return *service_str(spec, "type") ? service_str(spec, "type") : "ClusterIP";
}

const char *service_family_of(const char *ip)
{
	unsigned char addr[16];
	int family;

	if (!service_ip_parse(ip, &family, addr))
		return "unknown";
	return family == AF_INET ? "IPv4" : "IPv6";
}

char *service_go_strings(json_t *arr)
{
	struct buf b = {0};

	buf_append_str(&b, "[]string{");
	for (size_t i = 0; i < service_len(arr); i++) {
		buf_append_str(&b, i ? ", \"" : "\"");
		for (const char *p = service_str_at(arr, i); *p; p++)
			buf_printf(&b, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		buf_append_str(&b, "\"");
	}
	buf_append_str(&b, "}");
	return b.data;
}

/* Present and not null. */
static bool has(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return v && !json_is_null(v);
}

static bool same_strings(json_t *a, json_t *b)
{
	if (service_len(a) != service_len(b))
		return false;
	for (size_t i = 0; i < service_len(a); i++)
		if (strcmp(service_str_at(a, i), service_str_at(b, i)) != 0)
			return false;
	return true;
}

static const char *other_family(const char *family)
{
	return strcmp(family, "IPv4") == 0 ? "IPv6" : "IPv4";
}

static bool served(const struct service_families *f, const char *family)
{
	for (int i = 0; i < f->count; i++)
		if (strcmp(f->family[i], family) == 0)
			return true;
	return false;
}

static void set_node_port(json_t *port, long long value)
{
	if (value)
		json_object_set_new(port, "nodePort", json_integer(value));
	else
		json_object_del(port, "nodePort");
}

/* ---- what a type needs ---- */

bool service_needs_cluster_ip(json_t *spec)
{
	return strcmp(service_type(spec), "ExternalName") != 0;
}

bool service_needs_node_port(json_t *spec)
{
	return strcmp(service_type(spec), "NodePort") == 0 ||
	       strcmp(service_type(spec), "LoadBalancer") == 0;
}

bool service_needs_health_check(json_t *spec)
{
	return strcmp(service_type(spec), "LoadBalancer") == 0 &&
	       strcmp(service_str(spec, "externalTrafficPolicy"), "Local") == 0;
}

/* allocateLoadBalancerNodePorts is defaulted to true. */
bool service_allocates_node_ports(json_t *spec)
{
	if (strcmp(service_type(spec), "NodePort") == 0)
		return true;
	return strcmp(service_type(spec), "LoadBalancer") == 0 &&
	       !json_is_false(json_object_get(spec, "allocateLoadBalancerNodePorts"));
}

bool service_headless(json_t *spec)
{
	return strcmp(service_str(spec, "clusterIP"), "None") == 0;
}

static bool externally_accessible(json_t *spec)
{
	return service_needs_node_port(spec) || (strcmp(service_type(spec), "ClusterIP") == 0 &&
						 service_len(json_object_get(spec, "externalIPs")));
}

static bool selectorless(json_t *spec)
{
	json_t *sel = json_object_get(spec, "selector");

	return !json_is_object(sel) || json_object_size(sel) == 0;
}

/* ---- the steps ---- */

void service_normalize_cluster_ips(json_t *spec, json_t *old_spec)
{
	const char *ip = service_str(spec, "clusterIP"), *old_ip;
	json_t *old_ips;

	if (!old_spec) {
		/* a client that knows only clusterIP */
		if (*ip && !service_len(json_object_get(spec, "clusterIPs")))
			json_object_set_new(spec, "clusterIPs", json_pack("[s]", ip));
		return;
	}
	old_ip = service_str(old_spec, "clusterIP");
	old_ips = json_object_get(old_spec, "clusterIPs");
	/* an old client patching something else */
	if (service_len(old_ips) && !service_len(json_object_get(spec, "clusterIPs")) &&
	    strcmp(old_ip, ip) == 0)
		json_object_set_new(spec, "clusterIPs", json_deep_copy(old_ips));
	if (strcmp(old_ip, ip) == 0 || !same_strings(old_ips, json_object_get(spec, "clusterIPs")))
		return;
	/* clusterIP changed, clusterIPs not: clear or follow it */
	if (*old_ip && !*ip)
		json_object_del(spec, "clusterIPs");
	else
		json_object_set_new(spec, "clusterIPs", json_pack("[s]", ip));
}

void service_patch_allocated_values(json_t *spec, json_t *old_spec)
{
	json_t *ports = json_object_get(spec, "ports");
	json_t *old_ports = json_object_get(old_spec, "ports"), *p, *q;
	size_t i, j;

	if (service_needs_cluster_ip(old_spec) && service_needs_cluster_ip(spec)) {
		if (!*service_str(spec, "clusterIP") && *service_str(old_spec, "clusterIP"))
			json_object_set(spec, "clusterIP", json_object_get(old_spec, "clusterIP"));
		if (!service_len(json_object_get(spec, "clusterIPs")) &&
		    service_len(json_object_get(old_spec, "clusterIPs")))
			json_object_set_new(
			    spec, "clusterIPs",
			    json_deep_copy(json_object_get(old_spec, "clusterIPs")));
	}
	if (service_needs_node_port(old_spec) && service_needs_node_port(spec)) {
		json_array_foreach(ports, i, p)
		{
			long long old_value = 0;
			bool used = false;

			if (service_num(p, "nodePort"))
				continue;
			/* the old node port of the port of this name (the last such) */
			json_array_foreach(old_ports, j, q)
			{
				if (strcmp(service_str(q, "name"), service_str(p, "name")) == 0)
					old_value = service_num(q, "nodePort");
			}
			/* unless another port kept it */
			json_array_foreach(ports, j, q)
			{
				used = used || service_num(q, "nodePort") == old_value;
			}
			if (old_value && !used)
				set_node_port(p, old_value);
		}
	}
	if (service_needs_health_check(old_spec) && service_needs_health_check(spec) &&
	    !service_num(spec, "healthCheckNodePort") &&
	    service_num(old_spec, "healthCheckNodePort"))
		json_object_set(spec, "healthCheckNodePort",
				json_object_get(old_spec, "healthCheckNodePort"));
}

void service_default_on_read(json_t *svc, const struct service_families *families)
{
	json_t *spec = service_spec(svc), *ips, *fams;
	const char *primary = families->family[0];

	service_normalize_cluster_ips(spec, NULL);
	if (!service_needs_cluster_ip(spec) || service_len(json_object_get(spec, "ipFamilies")))
		return;
	if (service_headless(spec)) {
		bool dual = selectorless(spec);

		json_object_set_new(spec, "ipFamilyPolicy",
				    json_string(dual ? "RequireDualStack" : "SingleStack"));
		json_object_set_new(spec, "ipFamilies",
				    dual ? json_pack("[s,s]", primary, other_family(primary))
					 : json_pack("[s]", primary));
		return;
	}
	/* from the clusterIPs; anything that is not IPv6 counts as IPv4 */
	ips = json_object_get(spec, "clusterIPs");
	fams = json_array();
	for (size_t i = 0; i < service_len(ips); i++)
		json_array_append_new(
		    fams, json_string(strcmp(service_family_of(service_str_at(ips, i)), "IPv6") == 0
					  ? "IPv6"
					  : "IPv4"));
	json_object_set_new(spec, "ipFamilies", fams);
	if (json_array_size(fams) == 1)
		json_object_set_new(spec, "ipFamilyPolicy", json_string("SingleStack"));
	else if (json_array_size(fams) == 2)
		json_object_set_new(spec, "ipFamilyPolicy", json_string("RequireDualStack"));
}

bool service_matching_prefer_dual_stack(json_t *spec, json_t *old_spec)
{
	const char *type = service_type(spec);

	if (!old_spec || !has(spec, "ipFamilyPolicy") || strcmp(type, service_type(old_spec)) != 0)
		return false;
	if (strcmp(type, "ClusterIP") != 0 && strcmp(type, "NodePort") != 0 &&
	    strcmp(type, "LoadBalancer") != 0)
		return false;
	if (strcmp(service_str(spec, "ipFamilyPolicy"), "PreferDualStack") != 0)
		return false;
	if (has(old_spec, "ipFamilyPolicy") &&
	    strcmp(service_str(old_spec, "ipFamilyPolicy"), "PreferDualStack") != 0)
		return false;
	return same_strings(json_object_get(spec, "clusterIPs"),
			    json_object_get(old_spec, "clusterIPs")) &&
	       same_strings(json_object_get(spec, "ipFamilies"),
			    json_object_get(old_spec, "ipFamilies"));
}

static void truncate_to_one(json_t *arr)
{
	while (json_array_size(arr) > 1)
		json_array_remove(arr, json_array_size(arr) - 1);
}

/* The policy as a field.Invalid prints the *IPFamilyPolicy: quoted. */
static void invalid_policy(struct validation_errors *out, const char *policy, const char *detail)
{
	char quoted[64];

	snprintf(quoted, sizeof(quoted), "\"%s\"", policy);
	validation_add_invalid(out, "spec.ipFamilyPolicy", quoted, detail);
}

/* The update-only prep work: a SingleStack policy drops a second IP and
 * family nobody changed; any other policy may not drop them. */
static void release_secondary(json_t *spec, json_t *old_spec, struct validation_errors *out)
{
	const char *policy = service_str(spec, "ipFamilyPolicy");
	json_t *ips = json_object_get(spec, "clusterIPs"),
	       *fams = json_object_get(spec, "ipFamilies");
	json_t *old_ips = json_object_get(old_spec, "clusterIPs");
	json_t *old_fams = json_object_get(old_spec, "ipFamilies");

	if (strcmp(policy, "SingleStack") == 0) {
		if (same_strings(old_ips, ips) && service_len(ips) > 1)
			truncate_to_one(ips);
		if (same_strings(old_fams, fams) && service_len(fams) > 1)
			truncate_to_one(fams);
		return;
	}
	if (service_len(ips) && service_len(ips) < service_len(old_ips))
		invalid_policy(out, policy,
			       "must be 'SingleStack' to release the secondary cluster IP");
	if (service_len(fams) && service_len(fams) < service_len(old_fams))
		invalid_policy(out, policy,
			       "must be 'SingleStack' to release the secondary IP family");
}

int service_init_ip_families(json_t *svc, json_t *old, const struct service_families *families,
			     struct validation_errors *out)
{
	json_t *spec = service_spec(svc), *old_spec = old ? service_spec(old) : NULL, *ips, *fams;
	size_t before = out->num;
	const char *policy;
	bool single;

	if (!service_needs_cluster_ip(spec) || service_matching_prefer_dual_stack(spec, old_spec))
		return 0;
	if (!has(spec, "ipFamilyPolicy")) {
		if (old_spec && has(old_spec, "ipFamilyPolicy"))
			json_object_set(spec, "ipFamilyPolicy",
					json_object_get(old_spec, "ipFamilyPolicy"));
		else if (service_headless(spec) && selectorless(spec))
			json_object_set_new(spec, "ipFamilyPolicy",
					    json_string("RequireDualStack"));
		else
			json_object_set_new(spec, "ipFamilyPolicy", json_string("SingleStack"));
	}
	if (validation_service_cluster_ips(svc, out) > 0)
		return (int)(out->num - before);
	policy = service_str(spec, "ipFamilyPolicy");
	single = strcmp(policy, "SingleStack") == 0;
	if (old_spec)
		release_secondary(spec, old_spec, out);
	ips = json_object_get(spec, "clusterIPs");
	fams = json_object_get(spec, "ipFamilies");
	if (single && service_len(ips) == 2)
		invalid_policy(
		    out, policy,
		    "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster "
		    "IPs are specified");
	if (single && service_len(fams) == 2)
		invalid_policy(out, policy,
			       "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP "
			       "families are specified");
	/* ipFamilies inferred from clusterIPs */
	for (size_t i = 0; i < service_len(ips); i++) {
		const char *family = service_family_of(service_str_at(ips, i));

		if (strcmp(service_str_at(ips, i), "None") == 0)
			break;
		if (i < service_len(fams))
			continue;
		if (!served(families, family)) {
			char field[48], detail[64], *value = service_go_strings(ips);

			snprintf(field, sizeof(field), "spec.clusterIPs[%zu]", i);
			snprintf(detail, sizeof(detail), "%s is not configured on this cluster",
				 family);
			validation_add_invalid(out, field, value, detail);
			free(value);
		} else {
			fams = service_array(spec, "ipFamilies");
			json_array_append_new(fams, json_string(family));
		}
	}
	if (out->num > before)
		return (int)(out->num - before);
	/* headless and selectorless: any families, even two on a single-stack cluster */
	if (service_headless(spec) && selectorless(spec)) {
		fams = service_array(spec, "ipFamilies");
		if (json_array_size(fams) == 0)
			json_array_append_new(fams, json_string(families->family[0]));
		if (json_array_size(fams) < 2 && !single)
			json_array_append_new(fams,
					      json_string(other_family(service_str_at(fams, 0))));
		return 0;
	}
	if (strcmp(policy, "RequireDualStack") == 0 && families->count < 2)
		invalid_policy(out, policy,
			       "this cluster is not configured for dual-stack services");
	for (size_t i = 0; i < service_len(fams); i++) {
		if (!served(families, service_str_at(fams, i))) {
			char field[48], value[64];

			snprintf(field, sizeof(field), "spec.ipFamilies[%zu]", i);
			snprintf(value, sizeof(value), "\"%s\"", service_str_at(fams, i));
			validation_add_invalid(out, field, value, "not configured on this cluster");
		}
	}
	if (out->num > before)
		return (int)(out->num - before);
	fams = service_array(spec, "ipFamilies");
	if (json_array_size(fams) == 0)
		json_array_append_new(fams, json_string(families->family[0]));
	if (!single && json_array_size(fams) == 1 && families->count == 2)
		json_array_append_new(fams, json_string(other_family(service_str_at(fams, 0))));
	return 0;
}

/* sameNodePorts: no node port the old object did not have. */
static bool same_node_ports(json_t *spec, json_t *old_spec)
{
	json_t *p, *q;
	size_t i, j;

	json_array_foreach(json_object_get(spec, "ports"), i, p)
	{
		bool found = service_num(p, "nodePort") == 0;

		json_array_foreach(json_object_get(old_spec, "ports"), j, q)
		{
			found = found || service_num(q, "nodePort") == service_num(p, "nodePort");
		}
		if (!found)
			return false;
	}
	return true;
}

void service_drop_type_dependent_fields(json_t *svc, json_t *old)
{
	json_t *spec = service_spec(svc), *old_spec = service_spec(old), *p, *status, *lb;
	size_t i;

	if (service_needs_cluster_ip(old_spec) && !service_needs_cluster_ip(spec)) {
		/* (even "None" counts as a value) */
		if (strcmp(service_str(spec, "clusterIP"), service_str(old_spec, "clusterIP")) ==
			0 &&
		    same_strings(json_object_get(spec, "clusterIPs"),
				 json_object_get(old_spec, "clusterIPs"))) {
			json_object_del(spec, "clusterIP");
			json_object_del(spec, "clusterIPs");
		}
		if (same_strings(json_object_get(spec, "ipFamilies"),
				 json_object_get(old_spec, "ipFamilies")))
			json_object_del(spec, "ipFamilies");
		if (strcmp(service_str(spec, "ipFamilyPolicy"),
			   service_str(old_spec, "ipFamilyPolicy")) == 0)
			json_object_del(spec, "ipFamilyPolicy");
	}
	if (service_needs_node_port(old_spec) && !service_needs_node_port(spec) &&
	    same_node_ports(spec, old_spec)) {
		json_array_foreach(json_object_get(spec, "ports"), i, p)
		{
			json_object_del(p, "nodePort");
		}
	}
	if (service_needs_health_check(old_spec) && !service_needs_health_check(spec) &&
	    service_num(spec, "healthCheckNodePort") ==
		service_num(old_spec, "healthCheckNodePort"))
		json_object_del(spec, "healthCheckNodePort");
	if (strcmp(service_type(old_spec), "LoadBalancer") == 0 &&
	    strcmp(service_type(spec), "LoadBalancer") != 0) {
		json_t *v = json_object_get(spec, "allocateLoadBalancerNodePorts");

		if (json_is_boolean(v) &&
		    json_equal(v, json_object_get(old_spec, "allocateLoadBalancerNodePorts")))
			json_object_del(spec, "allocateLoadBalancerNodePorts");
		if (has(spec, "loadBalancerClass") == has(old_spec, "loadBalancerClass") &&
		    strcmp(service_str(spec, "loadBalancerClass"),
			   service_str(old_spec, "loadBalancerClass")) == 0)
			json_object_del(spec, "loadBalancerClass");
	}
	if (externally_accessible(old_spec) && !externally_accessible(spec) &&
	    strcmp(service_str(spec, "externalTrafficPolicy"),
		   service_str(old_spec, "externalTrafficPolicy")) == 0)
		json_object_del(spec, "externalTrafficPolicy");
	/* the load balancer's status goes with the type */
	status = json_object_get(svc, "status");
	lb = json_object_get(status, "loadBalancer");
	if (strcmp(service_type(spec), "LoadBalancer") != 0 && json_object_size(lb))
		json_object_set_new(status, "loadBalancer", json_object());
}

void service_hide_internal_traffic_policy(json_t *spec)
{
	if (!service_needs_cluster_ip(spec))
		json_object_del(spec, "internalTrafficPolicy");
}
