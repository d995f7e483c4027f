/*
 * table_kinds.c - the cells of the remaining kinds with a printer of their
 * own: services and networking, nodes, events, storage, quotas, RBAC,
 * certificates, admission and flow control (printers.go of v1.32), and the
 * aggregator's APIServices (kube-aggregator's own ConvertToTable).
 */
#include "shared/table_cells.h"

#include <stdlib.h>
#include <string.h>

/* Joins the strings of a JSON array with sep. */
static json_t *joined_strings(const json_t *array, const char *sep)
{
	struct buf b = {0};

	for (size_t i = 0; i < json_array_size(array); i++) {
		if (i)
			buf_append_str(&b, sep);
		buf_append_str(&b, cell_str(json_array_get(array, i)));
	}
	return cell_from_buf(&b);
}

/* listWithMoreString: at most three items, then " + <n> more...". */
struct short_list {
	struct buf text;
	size_t taken, count;
};

static void short_list_add(struct short_list *l, const char *item)
{
	if (l->taken < 3)
		cell_join(&l->text, &l->taken, ",", item);
	l->count++;
}

static json_t *short_list_cell(struct short_list *l, const char *if_empty)
{
	if (l->count > 3)
		buf_printf(&l->text, " + %zu more...", l->count - 3);
	if (l->text.len == 0) {
		buf_free(&l->text);
		return cell_string(if_empty);
	}
	return cell_from_buf(&l->text);
}

/* --- services and networking ------------------------------------------------------------ */

static json_t *cell_service_cluster_ip(const struct cell_context *c)
{
	json_t *ips = cell_get(c->obj, ".spec.clusterIPs");

	if (json_array_size(ips) == 0)
		return json_string("<none>");
	return cell_string(cell_str(json_array_get(ips, 0)));
}

/* getServiceExternalIP, wide */
static json_t *cell_service_external_ip(const struct cell_context *c)
{
	const char *type = cell_str(cell_get(c->obj, ".spec.type"));
	json_t *external_ips = cell_get(c->obj, ".spec.externalIPs");

	if (strcmp(type, "ClusterIP") == 0 || strcmp(type, "NodePort") == 0) {
		if (json_array_size(external_ips) == 0)
			return json_string("<none>");
		return joined_strings(external_ips, ",");
	}
	if (strcmp(type, "LoadBalancer") == 0) {
		const char *ingress = cell_load_balancer_ingress(
		    c->arena, cell_get(c->obj, ".status.loadBalancer.ingress"));
		struct buf b = {0};
		size_t count = 0;

		if (json_array_size(external_ips) == 0)
			return cell_string(*ingress ? ingress : "<pending>");
		/* The ingress values (already joined), then the external IPs. */
		if (*ingress)
			cell_join(&b, &count, ",", ingress);
		for (size_t i = 0; i < json_array_size(external_ips); i++)
			cell_join(&b, &count, ",", cell_str(json_array_get(external_ips, i)));
		return cell_from_buf(&b);
	}
	if (strcmp(type, "ExternalName") == 0)
		return cell_string(cell_str(cell_get(c->obj, ".spec.externalName")));
	return json_string("<unknown>");
}

/* makePortString */
static json_t *cell_service_ports(const struct cell_context *c)
{
	json_t *ports = cell_get(c->obj, ".spec.ports");
	struct buf b = {0};

	if (json_array_size(ports) == 0)
		return json_string("<none>");
	for (size_t i = 0; i < json_array_size(ports); i++) {
		json_t *p = json_array_get(ports, i);
		long long node_port = cell_int(json_object_get(p, "nodePort"));

		if (i)
			buf_append_str(&b, ",");
		buf_printf(&b, "%lld", cell_int(json_object_get(p, "port")));
		if (node_port > 0)
			buf_printf(&b, ":%lld", node_port);
		buf_printf(&b, "/%s", cell_str(json_object_get(p, "protocol")));
	}
	return cell_from_buf(&b);
}

/* formatHosts: up to three hosts, then how many rules were left out. */
static json_t *cell_ingress_hosts(const struct cell_context *c)
{
	json_t *rules = cell_get(c->obj, ".spec.rules");
	struct buf b = {0};
	size_t taken = 0;
	bool more = false;

	for (size_t i = 0; i < json_array_size(rules); i++) {
		const char *host = cell_str(json_object_get(json_array_get(rules, i), "host"));

		if (taken == 3)
			more = true;
		if (!more && *host)
			cell_join(&b, &taken, ",", host);
	}
	if (taken == 0) {
		buf_free(&b);
		return json_string("*");
	}
	if (more)
		buf_printf(&b, " + %zu more...", json_array_size(rules) - 3);
	return cell_from_buf(&b);
}

static json_t *cell_ingress_ports(const struct cell_context *c)
{
	return json_string(json_array_size(cell_get(c->obj, ".spec.tls")) ? "80, 443" : "80");
}

static json_t *cell_ingress_class_parameters(const struct cell_context *c)
{
	json_t *parameters = cell_get(c->obj, ".spec.parameters");
	json_t *api_group = cell_get(parameters, "apiGroup");
	struct buf b = {0};

	if (!parameters)
		return json_string("<none>");
	buf_append_str(&b, cell_str(json_object_get(parameters, "kind")));
	if (api_group)
		buf_printf(&b, ".%s", cell_str(api_group));
	buf_printf(&b, "/%s", cell_str(json_object_get(parameters, "name")));
	return cell_from_buf(&b);
}

/* net.JoinHostPort */
static const char *join_host_port(struct arena *a, const char *host, long long port)
{
	return arena_printf(a, strchr(host, ':') ? "[%s]:%lld" : "%s:%lld", host, port);
}

/* formatEndpoints with every port */
static json_t *cell_endpoints_list(const struct cell_context *c)
{
	json_t *subsets = cell_get(c->obj, ".subsets");
	struct buf b = {0};
	size_t taken = 0, count = 0;
	bool more = false;

	if (json_array_size(subsets) == 0)
		return json_string("<none>");
	for (size_t i = 0; i < json_array_size(subsets); i++) {
		json_t *subset = json_array_get(subsets, i);
		json_t *ports = json_object_get(subset, "ports");
		json_t *addresses = json_object_get(subset, "addresses");
		size_t num_ports = json_array_size(ports);

		/* A subset without ports lists bare addresses (headless services). */
		for (size_t p = 0; p < (num_ports ? num_ports : 1); p++) {
			count += json_array_size(addresses);
			for (size_t j = 0; j < json_array_size(addresses); j++) {
				const char *ip =
				    cell_str(json_object_get(json_array_get(addresses, j), "ip"));

				if (taken == 3) {
					more = true;
					break;
				}
				if (num_ports)
					ip = join_host_port(c->arena, ip,
							    cell_int(json_object_get(
								json_array_get(ports, p), "port")));
				cell_join(&b, &taken, ",", ip);
			}
		}
	}
	if (more)
		buf_printf(&b, " + %zu more...", count - 3);
	return cell_from_buf(&b);
}

/* formatDiscoveryPorts */
static json_t *cell_endpoint_slice_ports(const struct cell_context *c)
{
	json_t *ports = cell_get(c->obj, ".ports");
	struct short_list l = {0};

	for (size_t i = 0; i < json_array_size(ports); i++) {
		json_t *p = json_array_get(ports, i);
		json_t *port = cell_get(p, "port"), *name = cell_get(p, "name");

		if (port)
			short_list_add(&l, arena_printf(c->arena, "%lld", cell_int(port)));
		else if (name)
			short_list_add(&l, cell_str(name));
		else
			short_list_add(&l, "*");
	}
	return short_list_cell(&l, "<unset>");
}

/* formatDiscoveryEndpoints */
static json_t *cell_endpoint_slice_endpoints(const struct cell_context *c)
{
	json_t *endpoints = cell_get(c->obj, ".endpoints");
	struct short_list l = {0};

	for (size_t i = 0; i < json_array_size(endpoints); i++) {
		json_t *addresses = json_object_get(json_array_get(endpoints, i), "addresses");

		for (size_t j = 0; j < json_array_size(addresses); j++)
			short_list_add(&l, cell_str(json_array_get(addresses, j)));
	}
	return short_list_cell(&l, "<unset>");
}

/* --- nodes --------------------------------------------------------------------- */

static json_t *cell_node_status(const struct cell_context *c)
{
	/* Upstream maps conditions by type, so the last Ready condition counts. */
	json_t *ready = cell_last_condition(cell_get(c->obj, ".status.conditions"), "Ready");
	const char *status = "Unknown";

	if (ready)
		status = strcmp(cell_str(json_object_get(ready, "status")), "True") == 0
			     ? "Ready"
			     : "NotReady";
	if (json_is_true(cell_get(c->obj, ".spec.unschedulable")))
		return cell_printf("%s,SchedulingDisabled", status);
	return json_string(status);
}

static int compare_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* findNodeRoles */
static json_t *cell_node_roles(const struct cell_context *c)
{
	static const char prefix[] = "node-role.kubernetes.io/";
	json_t *labels = cell_get(c->obj, ".metadata.labels");
	size_t n = 0, count = 0, num_keys;
	const char **keys = cell_sorted_keys(c->arena, labels, &num_keys);
	const char **roles = arena_alloc(c->arena, (num_keys + 1) * sizeof(*roles));
	struct buf b = {0};

	for (size_t i = 0; i < num_keys; i++) {
		const char *key = keys[i], *value = cell_str(json_object_get(labels, key));

		if (strncmp(key, prefix, sizeof(prefix) - 1) == 0 && key[sizeof(prefix) - 1])
			roles[n++] = key + sizeof(prefix) - 1;
		else if (strcmp(key, "kubernetes.io/role") == 0 && *value)
			roles[n++] = value;
	}
	if (n == 0)
		return json_string("<none>");
	qsort(roles, n, sizeof(*roles), compare_strings);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(roles[i - 1], roles[i]) != 0)
			cell_join(&b, &count, ",", roles[i]);
	return cell_from_buf(&b);
}

/* --- events ----------------------------------------------------------------------- */

/* Where an event keeps what the printer reads: core/v1 or events.k8s.io/v1 names. */
struct event_fields {
	const char *first, *last, *count, *object, *source, *reporting_component, *message;
};

static const struct event_fields *event_fields(const struct cell_context *c)
{
	static const struct event_fields core = {
	    .first = ".firstTimestamp",
	    .last = ".lastTimestamp",
	    .count = ".count",
	    .object = ".involvedObject",
	    .source = ".source",
	    .reporting_component = ".reportingComponent",
	    .message = ".message",
	};
	/* events.k8s.io/v1 converts to the same internal Event under these names. */
	static const struct event_fields events = {
	    .first = ".deprecatedFirstTimestamp",
	    .last = ".deprecatedLastTimestamp",
	    .count = ".deprecatedCount",
	    .object = ".regarding",
	    .source = ".deprecatedSource",
	    .reporting_component = ".reportingController",
	    .message = ".note",
	};

	return strcmp(c->rt->group, "events.k8s.io") == 0 ? &events : &core;
}

static const char *event_first_seen(const struct cell_context *c)
{
	struct timestamp first = cell_time(cell_get(c->obj, event_fields(c)->first));

	if (timestamp_is_zero(&first))
		return cell_since(c, cell_time(cell_get(c->obj, ".eventTime")));
	return cell_since(c, first);
}

static json_t *cell_event_first_seen(const struct cell_context *c)
{
	return cell_string(event_first_seen(c));
}

static json_t *cell_event_last_seen(const struct cell_context *c)
{
	json_t *series = cell_get(c->obj, ".series");
	struct timestamp last = cell_time(cell_get(c->obj, event_fields(c)->last));

	if (series)
		return cell_string(cell_since(c, cell_time(cell_get(series, "lastObservedTime"))));
	if (timestamp_is_zero(&last))
		return cell_string(event_first_seen(c));
	return cell_string(cell_since(c, last));
}

static json_t *cell_event_count(const struct cell_context *c)
{
	json_t *series = cell_get(c->obj, ".series");
	long long count = cell_int(cell_get(c->obj, event_fields(c)->count));

	if (series)
		return json_integer(cell_int(cell_get(series, "count")));
	/* Singleton events of the new API have no count. */
	return json_integer(count == 0 ? 1 : count);
}

static json_t *cell_event_object(const struct cell_context *c)
{
	json_t *object = cell_get(c->obj, event_fields(c)->object);
	const char *kind = cell_lower(c->arena, cell_str(json_object_get(object, "kind")));
	const char *name = cell_str(json_object_get(object, "name"));

	if (*name)
		return cell_printf("%s/%s", kind, name);
	return cell_string(kind);
}

/* formatEventSource */
static json_t *cell_event_source(const struct cell_context *c)
{
	const struct event_fields *f = event_fields(c);
	json_t *source = cell_get(c->obj, f->source);
	const char *component = cell_str(json_object_get(source, "component"));
	const char *host = cell_str(json_object_get(source, "host"));

	if (!*component)
		component = cell_str(cell_get(c->obj, f->reporting_component));
	if (!*host)
		host = cell_str(cell_get(c->obj, ".reportingInstance"));
	if (!*host)
		return cell_string(component);
	return cell_printf("%s, %s", component, host);
}

static json_t *cell_event_message(const struct cell_context *c)
{
	return cell_string(
	    cell_trim_space(c->arena, cell_str(cell_get(c->obj, event_fields(c)->message))));
}

/* --- storage ------------------------------------------------------------------------ */

static json_t *cell_pv_claim(const struct cell_context *c)
{
	json_t *claim = cell_get(c->obj, ".spec.claimRef");

	if (!claim)
		return json_string("");
	return cell_printf("%s/%s", cell_str(json_object_get(claim, "namespace")),
			   cell_str(json_object_get(claim, "name")));
}

/* helper.GetPersistentVolumeClass and GetPersistentVolumeClaimClass */
static json_t *cell_storage_class_of(const struct cell_context *c)
{
	json_t *beta = json_object_get(cell_get(c->obj, ".metadata.annotations"),
				       "volume.beta.kubernetes.io/storage-class");

	if (json_is_string(beta))
		return cell_string(json_string_value(beta));
	return cell_string(cell_str(cell_get(c->obj, ".spec.storageClassName")));
}

static json_t *cell_pvc_capacity(const struct cell_context *c)
{
	if (!*cell_str(cell_get(c->obj, ".spec.volumeName")))
		return json_string("");
	return cell_string(cell_quantity(c->arena, cell_get(c->obj, ".status.capacity.storage")));
}

static json_t *cell_pvc_access_modes(const struct cell_context *c)
{
	if (!*cell_str(cell_get(c->obj, ".spec.volumeName")))
		return json_string("");
	return cell_string(cell_access_modes(c->arena, cell_get(c->obj, ".status.accessModes")));
}

/* storageutil.IsDefaultAnnotation */
static json_t *cell_storage_class_name(const struct cell_context *c)
{
	json_t *annotations = cell_get(c->obj, ".metadata.annotations");
	const char *name = cell_str(cell_get(c->obj, ".metadata.name"));

	if (strcmp(cell_str(
		       json_object_get(annotations, "storageclass.kubernetes.io/is-default-class")),
		   "true") == 0 ||
	    strcmp(cell_str(json_object_get(annotations,
					    "storageclass.beta.kubernetes.io/is-default-class")),
		   "true") == 0)
		return cell_printf("%s (default)", name);
	return cell_string(name);
}

static json_t *cell_csi_token_requests(const struct cell_context *c)
{
	json_t *requests = cell_get(c->obj, ".spec.tokenRequests");
	struct buf b = {0};

	if (!requests)
		return json_string("<unset>");
	for (size_t i = 0; i < json_array_size(requests); i++) {
		if (i)
			buf_append_str(&b, ",");
		buf_append_str(&b,
			       cell_str(json_object_get(json_array_get(requests, i), "audience")));
	}
	return cell_from_buf(&b);
}

static json_t *cell_csi_modes(const struct cell_context *c)
{
	json_t *modes = cell_get(c->obj, ".spec.volumeLifecycleModes");
	json_t *joined = joined_strings(modes, ",");

	if (*json_string_value(joined))
		return joined;
	json_decref(joined);
	return json_string("<none>");
}

/* --- config maps, component statuses, quotas ---------------------------------------- */

static json_t *cell_config_map_data(const struct cell_context *c)
{
	return json_integer((json_int_t)(json_object_size(cell_get(c->obj, ".data")) +
					 json_object_size(cell_get(c->obj, ".binaryData"))));
}

static json_t *component_healthy(const struct cell_context *c)
{
	return cell_first_condition(cell_get(c->obj, ".conditions"), "Healthy");
}

static json_t *cell_component_status(const struct cell_context *c)
{
	json_t *healthy = component_healthy(c);

	if (!healthy)
		return json_string("Unknown");
	return json_string(strcmp(cell_str(json_object_get(healthy, "status")), "True") == 0
			       ? "Healthy"
			       : "Unhealthy");
}

static json_t *cell_component_message(const struct cell_context *c)
{
	return cell_string(cell_str(json_object_get(component_healthy(c), "message")));
}

static json_t *cell_component_error(const struct cell_context *c)
{
	return cell_string(cell_str(json_object_get(component_healthy(c), "error")));
}

/* printResourceQuota: "<name>: <used>/<hard>" of the requests or of the limits. */
static json_t *quota_cell(const struct cell_context *c, bool limits)
{
	json_t *hard = cell_get(c->obj, ".status.hard"), *used = cell_get(c->obj, ".status.used");
	size_t n, count = 0;
	const char **names = cell_sorted_keys(c->arena, hard, &n);
	struct buf b = {0};

	for (size_t i = 0; i < n; i++) {
		/* Split on '.': a first piece "limits" with more pieces after it. */
		bool is_limit = strncmp(names[i], "limits.", 7) == 0;

		if (is_limit != limits)
			continue;
		cell_join(&b, &count, ", ",
			  arena_printf(c->arena, "%s: %s/%s", names[i],
				       cell_quantity(c->arena, json_object_get(used, names[i])),
				       cell_quantity(c->arena, json_object_get(hard, names[i]))));
	}
	return cell_from_buf(&b);
}

static json_t *cell_quota_request(const struct cell_context *c)
{
	return quota_cell(c, false);
}

static json_t *cell_quota_limit(const struct cell_context *c)
{
	return quota_cell(c, true);
}

/* --- RBAC, certificates, admission, flow control ---------------------------------------- */

static json_t *cell_role_ref(const struct cell_context *c)
{
	return cell_printf("%s/%s", cell_str(cell_get(c->obj, ".roleRef.kind")),
			   cell_str(cell_get(c->obj, ".roleRef.name")));
}

static json_t *cell_csr_requested_duration(const struct cell_context *c)
{
	json_t *seconds = cell_get(c->obj, ".spec.expirationSeconds");
	char text[HUMAN_DURATION_SIZE];

	if (!seconds)
		return json_string("<none>");
	/* An int32 number of seconds always fits a time.Duration. */
	return cell_string(human_duration((int64_t)(int32_t)cell_int(seconds) * 1000000000, text));
}

/* extractCSRStatus: condition types only, their status is not consulted. */
static json_t *cell_csr_condition(const struct cell_context *c)
{
	json_t *conditions = cell_get(c->obj, ".status.conditions");
	bool approved = cell_first_condition(conditions, "Approved"),
	     denied = cell_first_condition(conditions, "Denied"),
	     failed = cell_first_condition(conditions, "Failed");

	return cell_printf("%s%s%s",
			   denied     ? "Denied"
			   : approved ? "Approved"
				      : "Pending",
			   failed ? ",Failed" : "",
			   *cell_str(cell_get(c->obj, ".status.certificate")) ? ",Issued" : "");
}

static json_t *cell_vap_param_kind(const struct cell_context *c)
{
	json_t *kind = cell_get(c->obj, ".spec.paramKind");

	if (!kind)
		return json_string("<unset>");
	return cell_printf("%s/%s", cell_str(json_object_get(kind, "apiVersion")),
			   cell_str(json_object_get(kind, "kind")));
}

/* The Go String() of a *metav1.LabelSelector (gogo-protobuf generated). */
static const char *label_selector_go_string(struct arena *a, const json_t *selector)
{
	json_t *labels = json_object_get(selector, "matchLabels");
	json_t *expressions = json_object_get(selector, "matchExpressions");
	size_t n;
	const char **keys = cell_sorted_keys(a, labels, &n), *out;
	struct buf b = {0};

	buf_append_str(&b, "&LabelSelector{MatchLabels:map[string]string{");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s: %s,", keys[i], cell_str(json_object_get(labels, keys[i])));
	buf_append_str(&b, "},MatchExpressions:[]LabelSelectorRequirement{");
	for (size_t i = 0; i < json_array_size(expressions); i++) {
		json_t *expr = json_array_get(expressions, i),
		       *values = json_object_get(expr, "values");

		buf_printf(&b, "LabelSelectorRequirement{Key:%s,Operator:%s,Values:[",
			   cell_str(json_object_get(expr, "key")),
			   cell_str(json_object_get(expr, "operator")));
		for (size_t j = 0; j < json_array_size(values); j++)
			buf_printf(&b, "%s%s", j ? " " : "", cell_str(json_array_get(values, j)));
		buf_append_str(&b, "],},");
	}
	buf_append_str(&b, "},}");
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}

static json_t *cell_vapb_param_ref(const struct cell_context *c)
{
	json_t *ref = cell_get(c->obj, ".spec.paramRef");
	const char *name = cell_str(json_object_get(ref, "name"));
	const char *namespace = cell_str(json_object_get(ref, "namespace"));
	json_t *selector = cell_get(ref, "selector");

	if (ref && *name)
		return *namespace ? cell_printf("%s/%s", namespace, name)
				  : cell_printf("*/%s", name);
	if (ref && selector)
		return cell_string(label_selector_go_string(c->arena, selector));
	return json_string("<unset>");
}

static json_t *cell_flow_schema_missing_pl(const struct cell_context *c)
{
	json_t *dangling = cell_first_condition(cell_get(c->obj, ".status.conditions"), "Dangling");

	if (!dangling)
		return json_string("?");
	return cell_string(cell_str(json_object_get(dangling, "status")));
}

/* --- APIServices (kube-aggregator pkg/registry/apiservice/etcd) --------------------------- */

/* Served by this server ("Local") or proxied to a Service. */
static json_t *cell_api_service_service(const struct cell_context *c)
{
	json_t *service = cell_get(c->obj, ".spec.service");

	if (!json_is_object(service))
		return json_string("Local");
	return cell_printf("%s/%s", cell_str(json_object_get(service, "namespace")),
			   cell_str(json_object_get(service, "name")));
}

/* The Available condition; its reason only says why it is not True. */
static json_t *cell_api_service_available(const struct cell_context *c)
{
	json_t *available =
	    cell_first_condition(cell_get(c->obj, ".status.conditions"), "Available");
	const char *status, *reason;

	if (!available)
		return json_string("Unknown");
	status = cell_str(json_object_get(available, "status"));
	reason = cell_str(json_object_get(available, "reason"));
	if (strcmp(status, "True") == 0 || !*reason)
		return cell_string(status);
	return cell_printf("%s (%s)", status, reason);
}

const struct cell_kind table_kind_cells[] = {
    {"serviceClusterIP", cell_service_cluster_ip},
    {"serviceExternalIP", cell_service_external_ip},
    {"servicePorts", cell_service_ports},
    {"ingressHosts", cell_ingress_hosts},
    {"ingressPorts", cell_ingress_ports},
    {"ingressClassParameters", cell_ingress_class_parameters},
    {"endpointsList", cell_endpoints_list},
    {"endpointSlicePorts", cell_endpoint_slice_ports},
    {"endpointSliceEndpoints", cell_endpoint_slice_endpoints},
    {"nodeStatus", cell_node_status},
    {"nodeRoles", cell_node_roles},
    {"eventFirstSeen", cell_event_first_seen},
    {"eventLastSeen", cell_event_last_seen},
    {"eventCount", cell_event_count},
    {"eventObject", cell_event_object},
    {"eventSource", cell_event_source},
    {"eventMessage", cell_event_message},
    {"pvClaim", cell_pv_claim},
    {"storageClassOf", cell_storage_class_of},
    {"pvcCapacity", cell_pvc_capacity},
    {"pvcAccessModes", cell_pvc_access_modes},
    {"storageClassName", cell_storage_class_name},
    {"csiTokenRequests", cell_csi_token_requests},
    {"csiModes", cell_csi_modes},
    {"configMapData", cell_config_map_data},
    {"componentStatus", cell_component_status},
    {"componentMessage", cell_component_message},
    {"componentError", cell_component_error},
    {"quotaRequest", cell_quota_request},
    {"quotaLimit", cell_quota_limit},
    {"roleRef", cell_role_ref},
    {"csrRequestedDuration", cell_csr_requested_duration},
    {"csrCondition", cell_csr_condition},
    {"vapParamKind", cell_vap_param_kind},
    {"vapbParamRef", cell_vapb_param_ref},
    {"flowSchemaMissingPL", cell_flow_schema_missing_pl},
    {"apiServiceService", cell_api_service_service},
    {"apiServiceAvailable", cell_api_service_available},
};
const size_t table_num_kind_cells = sizeof(table_kind_cells) / sizeof(table_kind_cells[0]);
