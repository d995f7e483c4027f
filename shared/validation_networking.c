/*
 * validation_networking.c - networking.k8s.io/v1 Ingress, IngressClass and
 * NetworkPolicy as pkg/apis/networking/validation checks them in v1.32.
 *
 * Ingress: a default backend or rules; rule hosts are DNS subdomains or
 * wildcards ("*.example.com"), never IPs; each HTTP path has a pathType
 * (Exact and Prefix paths are absolute and free of "//", "/./", "/../",
 * "%2f" and a trailing "/." or "/.."); a backend is a service (DNS-1035
 * name, a port name or number) or a resource, not both; TLS hosts and
 * secret names; the ingressClassName. On update, values the old object
 * already held are tolerated as upstream does (wildcard-host rule values,
 * TLS secret names). IngressClass: a domain-prefixed controller, fixed
 * once set, and its parameters reference. NetworkPolicy: ports, peers
 * (exactly an ipBlock, or selectors), ipBlock CIDRs with strict-subset
 * excepts, policy types.
 */
#include <string.h>

#include "shared/validation_internal.h"

#define ANNOTATION_INGRESS_CLASS "kubernetes.io/ingress.class"
#define HTTP_PATH_FMT		 "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"

/* ---- Ingress ---- */

static void v_path_segment(struct vctx *c, const char *value, const char *path)
{
	struct vmsgs m = {0};

	is_path_segment_name(value, false, &m);
	for (size_t i = 0; i < m.n; i++)
		v_invalid(c, path, vr_quote(c, value), m.m[i]);
}

/* validateIngressTypedLocalObjectReference, and the reference of an IngressClass. */
static void v_typed_reference(struct vctx *c, json_t *ref, const char *path)
{
	if (jhas(ref, "apiGroup"))
		v_dns1123_subdomain(c, jstr(ref, "apiGroup"), vp_child(c, path, "apiGroup"));
	if (!*jstr(ref, "kind"))
		v_required(c, vp_child(c, path, "kind"), "");
	else
		v_path_segment(c, jstr(ref, "kind"), vp_child(c, path, "kind"));
	if (!*jstr(ref, "name"))
		v_required(c, vp_child(c, path, "name"), "");
	else
		v_path_segment(c, jstr(ref, "name"), vp_child(c, path, "name"));
}

/* validateIngressBackend */
static void v_backend(struct vctx *c, json_t *backend, const char *path)
{
	json_t *svc = jget(backend, "service"), *port = jget(svc, "port");
	const char *name = jstr(svc, "name"), *port_name = jstr(port, "name");
	int64_t number = jint(port, "number");
	struct vmsgs m = {0};

	if (jget(backend, "resource") && svc) {
		v_invalid(c, path, vr_quote(c, ""),
			  "cannot set both resource and service backends");
		return;
	}
	if (jget(backend, "resource")) {
		v_typed_reference(c, jget(backend, "resource"), vp_child(c, path, "resource"));
		return;
	}
	if (!svc) {
		v_invalid(c, path, vr_quote(c, ""), "resource or service backend is required");
		return;
	}
	if (!*name) {
		v_required(c, vp_child(c, path, "service.name"), "");
	} else {
		is_dns1035_label(name, &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, vp_child(c, path, "service.name"), vr_quote(c, name), m.m[i]);
	}
	m.n = 0;
	if (*port_name && number != 0) {
		v_invalid(c, path, vr_quote(c, ""), "cannot set both port name & port number");
	} else if (*port_name) {
		is_port_name(port_name, &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, vp_child(c, path, "service.port.name"), vr_quote(c, port_name),
				  m.m[i]);
	} else if (number != 0) {
		is_port_num(number, &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, vp_child(c, path, "service.port.number"), vr_int(c, number),
				  m.m[i]);
	} else {
		v_required(c, path, "port name or number is required");
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t len = strlen(s), n = strlen(suffix);

	return len >= n && strcmp(s + len - n, suffix) == 0;
}

/* validateHTTPIngressPath */
static void v_http_path(struct vctx *c, json_t *hp, const char *path)
{
	static const char *const types[] = {"Exact", "ImplementationSpecific", "Prefix", NULL};
	static const char *const sequences[] = {"//", "/./", "/../", "%2f", "%2F", NULL};
	static const char *const suffixes[] = {"/..", "/.", NULL};
	const char *type = jstr(hp, "pathType"), *p = jstr(hp, "path");
	const char *pp = vp_child(c, path, "path");

	if (!jhas(hp, "pathType")) {
		v_required(c, vp_child(c, path, "pathType"), "pathType must be specified");
		return;
	}
	if (strcmp(type, "Exact") == 0 || strcmp(type, "Prefix") == 0) {
		if (p[0] != '/')
			v_invalid(c, pp, vr_quote(c, p), "must be an absolute path");
		for (size_t i = 0; *p && sequences[i]; i++)
			if (strstr(p, sequences[i]))
				v_invalid(
				    c, pp, vr_quote(c, p),
				    arena_printf(c->arena, "must not contain '%s'", sequences[i]));
		for (size_t i = 0; *p && suffixes[i]; i++)
			if (ends_with(p, suffixes[i]))
				v_invalid(
				    c, pp, vr_quote(c, p),
				    arena_printf(c->arena, "cannot end with '%s'", suffixes[i]));
	} else if (strcmp(type, "ImplementationSpecific") == 0) {
		if (*p && p[0] != '/')
			v_invalid(c, pp, vr_quote(c, p), "must be an absolute path");
	} else {
		v_not_supported(c, vp_child(c, path, "pathType"), vr_quote(c, type), types);
	}
	v_backend(c, jget(hp, "backend"), vp_child(c, path, "backend"));
}

/* validateIngressRuleValue: false when it has errors (used on the old object). */
static bool v_rule_value(struct vctx *c, json_t *rule, const char *path)
{
	json_t *http = jget(rule, "http"), *hp;
	size_t before = c->out->num, i;
	const char *hpath = vp_child(c, path, "http");

	if (!http)
		return true;
	if (jlen(jget(http, "paths")) == 0)
		v_required(c, vp_child(c, hpath, "paths"), "");
	json_array_foreach(jget(http, "paths"), i, hp)
	    v_http_path(c, hp, vp_index(c, vp_child(c, hpath, "paths"), i));
	return c->out->num == before;
}

/* Whether the old object holds a wildcard-host rule whose value is invalid
 * (allowInvalidWildcardHostRule), or an invalid TLS secret name. */
static bool old_rule_values_invalid(struct vctx *c, json_t *old)
{
	struct validation_errors scratch = {0};
	struct vctx probe = {.arena = c->arena, .out = &scratch};
	json_t *rule;
	size_t i;
	bool invalid = false;

	json_array_foreach(jget(jget(old, "spec"), "rules"), i, rule)
	{
		if (strchr(jstr(rule, "host"), '*') && !v_rule_value(&probe, rule, ""))
			invalid = true;
	}
	validation_errors_free(&scratch);
	return invalid;
}

static bool old_secret_names_invalid(json_t *old)
{
	json_t *tls;
	size_t i;

	json_array_foreach(jget(jget(old, "spec"), "tls"), i, tls)
	{
		struct vmsgs m = {0};

		if (*jstr(tls, "secretName"))
			is_dns1123_subdomain(jstr(tls, "secretName"), &m);
		if (m.n)
			return true;
	}
	return false;
}

static void v_ingress_rules(struct vctx *c, json_t *rules, bool allow_wildcard_values)
{
	json_t *rule;
	size_t i;

	json_array_foreach(rules, i, rule)
	{
		const char *p = vp_index(c, "spec.rules", i), *host = jstr(rule, "host");
		unsigned char addr[16];
		struct vmsgs m = {0};
		bool wildcard = false;

		if (*host) {
			if (ip_parse_sloppy(host, addr))
				v_invalid(c, vp_child(c, p, "host"), vr_quote(c, host),
					  "must be a DNS name, not an IP address");
			wildcard = strchr(host, '*') != NULL;
			if (wildcard)
				is_wildcard_dns1123_subdomain(host, &m);
			else
				is_dns1123_subdomain(host, &m);
			for (size_t k = 0; k < m.n; k++)
				v_invalid(c, vp_child(c, p, "host"), vr_quote(c, host), m.m[k]);
		}
		if (!wildcard || !allow_wildcard_values)
			v_rule_value(c, rule, p);
	}
}

static void v_ingress_tls(struct vctx *c, json_t *list, bool allow_bad_secret)
{
	json_t *tls, *h;
	size_t i, j;

	json_array_foreach(list, i, tls)
	{
		const char *p = vp_index(c, "spec.tls", i);

		json_array_foreach(jget(tls, "hosts"), j, h)
		{
			const char *host = json_is_string(h) ? json_string_value(h) : "";
			struct vmsgs m = {0};

			if (strchr(host, '*'))
				is_wildcard_dns1123_subdomain(host, &m);
			else
				is_dns1123_subdomain(host, &m);
			for (size_t k = 0; k < m.n; k++)
				v_invalid(c, vp_index(c, vp_child(c, p, "hosts"), j),
					  vr_quote(c, host), m.m[k]);
		}
		if (!allow_bad_secret && *jstr(tls, "secretName"))
			v_dns1123_subdomain(c, jstr(tls, "secretName"),
					    vp_child(c, p, "secretName"));
	}
}

void v_ingress(struct vctx *c, json_t *ing, json_t *old)
{
	json_t *spec = jget(ing, "spec"), *rules = jget(spec, "rules");
	json_t *class_annotation =
	    jget(jget(jget(ing, "metadata"), "annotations"), ANNOTATION_INGRESS_CLASS);

	if (old)
		v_object_meta_update(c, jget(ing, "metadata"), jget(old, "metadata"));
	v_object_meta(c, jget(ing, "metadata"), 1, NAME_SUBDOMAIN);
	if (jlen(rules) == 0 && !jget(spec, "defaultBackend"))
		v_invalid(c, "spec",
			  json_is_array(rules) ? "[]networking.IngressRule{}"
					       : "[]networking.IngressRule(nil)",
			  "either `defaultBackend` or `rules` must be specified");
	if (jget(spec, "defaultBackend"))
		v_backend(c, jget(spec, "defaultBackend"), "spec.defaultBackend");
	v_ingress_rules(c, rules, old && old_rule_values_invalid(c, old));
	v_ingress_tls(c, jget(spec, "tls"), old && old_secret_names_invalid(old));
	if (jhas(spec, "ingressClassName"))
		v_dns1123_subdomain(c, jstr(spec, "ingressClassName"), "spec.ingressClassName");
	if (!old && json_is_string(class_annotation) && jhas(spec, "ingressClassName") &&
	    strcmp(json_string_value(class_annotation), jstr(spec, "ingressClassName")) != 0)
		v_invalid(c, "annotations." ANNOTATION_INGRESS_CLASS,
			  vr_quote(c, json_string_value(class_annotation)),
			  "must match `ingressClassName` when both are specified");
}

/* ---- IngressClass ---- */

/* validation.IsDomainPrefixedPath */
static void v_domain_prefixed_path(struct vctx *c, const char *s, const char *path)
{
	const char *slash = strchr(s, '/');
	char *host;
	struct vmsgs m = {0};

	if (!*s) {
		v_required(c, path, "");
		return;
	}
	if (!slash || slash == s || !slash[1]) {
		v_invalid(c, path, vr_quote(c, s),
			  "must be a domain-prefixed path (such as \"acme.io/foo\")");
		return;
	}
	host = arena_strndup(c->arena, s, (size_t)(slash - s));
	is_dns1123_subdomain(host, &m);
	for (size_t i = 0; i < m.n; i++)
		v_invalid(c, path, vr_quote(c, host), m.m[i]);
	if (strspn(slash + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			      "/-._~%!$&'()*+,;=:") != strlen(slash + 1))
		v_invalid(c, path, vr_quote(c, slash + 1),
			  "Invalid path (regex used for validation is '" HTTP_PATH_FMT "')");
}

/* validateIngressClassParametersReference */
static void v_class_parameters(struct vctx *c, json_t *params)
{
	static const char *const scopes[] = {"Cluster", "Namespace", NULL};
	const char *path = "spec.parameters", *scope = jstr(params, "scope");

	if (!params)
		return;
	v_typed_reference(c, params, path);
	if (!jhas(params, "scope")) {
		v_required(c, "spec.parameters.scope", "");
		return;
	}
	if (!str_in(scope, scopes)) {
		v_not_supported(c, "spec.parameters.scope", vr_quote(c, scope), scopes);
		return;
	}
	if (strcmp(scope, "Namespace") == 0) {
		if (!jhas(params, "namespace"))
			v_required(c, "spec.parameters.namespace",
				   "`parameters.scope` is set to 'Namespace'");
		else
			v_dns1123_label(c, jstr(params, "namespace"), "spec.parameters.namespace");
	} else if (jhas(params, "namespace")) {
		v_forbidden(c, "spec.parameters.namespace",
			    "`parameters.scope` is set to 'Cluster'");
	}
}

void v_ingress_class(struct vctx *c, json_t *ic, json_t *old)
{
	json_t *spec = jget(ic, "spec");
	const char *controller = jstr(spec, "controller");

	if (old) {
		v_object_meta_update(c, jget(ic, "metadata"), jget(old, "metadata"));
		v_immutable(c, jget(spec, "controller"), jget(jget(old, "spec"), "controller"),
			    "spec.controller", vr_quote(c, controller));
	}
	v_object_meta(c, jget(ic, "metadata"), 0, NAME_SUBDOMAIN);
	if (!*controller) {
		v_required(c, "spec.controller", "");
	} else {
		if (strlen(controller) > 250)
			v_too_long(c, "spec.controller", 250);
		v_domain_prefixed_path(c, controller, "spec.controller");
	}
	v_class_parameters(c, jget(spec, "parameters"));
}

/* ---- NetworkPolicy ---- */

static void v_policy_port(struct vctx *c, json_t *port, const char *path)
{
	static const char *const protocols[] = {"TCP", "UDP", "SCTP", NULL};
	json_t *p = jget(port, "port");
	const char *proto = jstr(port, "protocol");
	int64_t end = jint(port, "endPort");
	struct vmsgs m = {0};

	if (jhas(port, "protocol") && !str_in(proto, protocols))
		v_not_supported(c, vp_child(c, path, "protocol"), vr_quote(c, proto), protocols);
	if (json_is_integer(p)) {
		int64_t n = (int64_t)json_integer_value(p);

		is_port_num(n, &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, vp_child(c, path, "port"), vr_int(c, n), m.m[i]);
		if (jhas(port, "endPort")) {
			m.n = 0;
			if (end < n)
				v_invalid(c, vp_child(c, path, "endPort"), vr_int(c, end),
					  "must be greater than or equal to `port`");
			is_port_num(end, &m);
			for (size_t i = 0; i < m.n; i++)
				v_invalid(c, vp_child(c, path, "endPort"), vr_int(c, end), m.m[i]);
		}
	} else if (json_is_string(p)) {
		if (jhas(port, "endPort"))
			v_invalid(c, vp_child(c, path, "endPort"), vr_int(c, end),
				  "may not be specified when `port` is non-numeric");
		is_port_name(json_string_value(p), &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, vp_child(c, path, "port"), vr_quote(c, json_string_value(p)),
				  m.m[i]);
	} else if (jhas(port, "endPort")) {
		v_invalid(c, vp_child(c, path, "endPort"), vr_int(c, end),
			  "may not be specified when `port` is not specified");
	}
}

/* ValidateIPBlock */
static void v_ip_block(struct vctx *c, json_t *block, const char *path)
{
	const char *cidr = jstr(block, "cidr");
	unsigned char net[16], except_net[16];
	int prefix, len;
	json_t *e;
	size_t i;

	if (!*cidr) {
		v_required(c, vp_child(c, path, "cidr"), "");
		return;
	}
	v_cidr(c, cidr, vp_child(c, path, "cidr"));
	len = cidr_parse_sloppy(cidr, net, &prefix);
	if (!len)
		return;
	json_array_foreach(jget(block, "except"), i, e)
	{
		const char *s = json_is_string(e) ? json_string_value(e) : "";
		const char *p = vp_index(c, vp_child(c, path, "except"), i);
		int except_prefix, except_len;
		bool inside = true;

		v_cidr(c, s, p);
		except_len = cidr_parse_sloppy(s, except_net, &except_prefix);
		if (!except_len)
			continue;
		/* cidr.Contains(except.IP): same family, equal under cidr's mask */
		if (except_len != len)
			inside = false;
		for (int b = 0; inside && b < len; b++) {
			int keep = prefix - b * 8;
			unsigned char mask = keep >= 8	 ? 0xFF
					     : keep <= 0 ? 0
							 : (unsigned char)(0xFF << (8 - keep));

			inside = (except_net[b] & mask) == net[b];
		}
		if (!inside || prefix >= except_prefix)
			v_invalid(c, p, vr_quote(c, s), "must be a strict subset of `cidr`");
	}
}

static void v_policy_peer(struct vctx *c, json_t *peer, const char *path)
{
	int n = 0;

	if (jget(peer, "podSelector")) {
		n++;
		v_label_selector(c, jget(peer, "podSelector"), vp_child(c, path, "podSelector"));
	}
	if (jget(peer, "namespaceSelector")) {
		n++;
		v_label_selector(c, jget(peer, "namespaceSelector"),
				 vp_child(c, path, "namespaceSelector"));
	}
	if (jget(peer, "ipBlock")) {
		n++;
		v_ip_block(c, jget(peer, "ipBlock"), vp_child(c, path, "ipBlock"));
	}
	if (n == 0)
		v_required(c, path, "must specify a peer");
	else if (n > 1 && jget(peer, "ipBlock"))
		v_forbidden(c, path, "may not specify both ipBlock and another peer");
}

static void v_policy_rules(struct vctx *c, json_t *spec, const char *dir, const char *peers)
{
	json_t *rule, *x;
	size_t i, j;

	json_array_foreach(jget(spec, dir), i, rule)
	{
		const char *p = vp_index(c, vp_child(c, "spec", dir), i);

		json_array_foreach(jget(rule, "ports"), j, x)
		    v_policy_port(c, x, vp_index(c, vp_child(c, p, "ports"), j));
		json_array_foreach(jget(rule, peers), j, x)
		    v_policy_peer(c, x, vp_index(c, vp_child(c, p, peers), j));
	}
}

/* %#v of []networking.PolicyType */
static const char *policy_types_go(struct vctx *c, json_t *types)
{
	const char *list = vr_string_list(c, types);

	return arena_printf(c->arena, "[]networking.PolicyType%s", list + strlen("[]string"));
}

void v_network_policy(struct vctx *c, json_t *np, json_t *old)
{
	static const char *const types[] = {"Ingress", "Egress", NULL};
	json_t *spec = jget(np, "spec"), *t;
	size_t i;

	if (old)
		v_object_meta_update(c, jget(np, "metadata"), jget(old, "metadata"));
	else
		v_object_meta(c, jget(np, "metadata"), 1, NAME_SUBDOMAIN);
	v_label_selector(c, jget(spec, "podSelector"), "spec.podSelector");
	v_policy_rules(c, spec, "ingress", "from");
	v_policy_rules(c, spec, "egress", "to");
	if (jlen(jget(spec, "policyTypes")) > 2) {
		v_invalid(c, "spec.policyTypes", policy_types_go(c, jget(spec, "policyTypes")),
			  "may not specify more than two policyTypes");
		return;
	}
	json_array_foreach(jget(spec, "policyTypes"), i, t)
	{
		const char *s = json_is_string(t) ? json_string_value(t) : "";

		if (!str_in(s, types))
			v_not_supported(c, vp_index(c, "spec.policyTypes", i), vr_quote(c, s),
					types);
	}
}
