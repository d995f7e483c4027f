/*
 * kubernetes_service.c - the Service default/kubernetes and its endpoints,
 * kept by every instance's master the way kube-apiserver v1.32 keeps them:
 *
 *   - the Service: type ClusterIP (NodePort with
 *     --kubernetes-service-node-port), cluster IP the first address of
 *     --service-cluster-ip-range, port "https" 443 to the secure port,
 *     labels component=apiserver and provider=kubernetes. Created when
 *     missing, at start and every 10 s after; never changed once there
 *     (upstream stopped reconciling it in 1.17). Its cluster IP and node
 *     port are claimed like any Service's (sql/007_service_allocations.sql),
 *     so a Service already holding that address keeps it and the error is
 *     logged, as upstream logs it.
 *   - the Endpoints "kubernetes": one subset listing the advertised address
 *     of every live API server, port "https" = the secure port, label
 *     endpointslice.kubernetes.io/skip-mirror=true; and the EndpointSlice
 *     "kubernetes" made from it (EndpointsAdapter). Liveness is a lease:
 *     each master renews a row of pgkube.apiserver_leases every 10 s for
 *     15 s, and lists the unexpired ones; a server that stops cleanly drops
 *     its row at once, one that dies drops out when its lease expires.
 *     Ports are corrected only at start and stop (reconcilePorts), as
 *     upstream does.
 *
 * Every write goes through the pgkube.*_object functions with the
 * resourceVersion it read as precondition, so several instances may run
 * this at once: a lost race is retried at the next round. The master is a
 * single-threaded loop, so the calls are blocking libpq on a connection
 * opened for the round (5 s connect timeout) and closed after it.
 */
#include "kubernetes_service.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "shared/log.h"
#include "shared/service_range.h"
#include "shared/timestamp.h"
#include "shared/uuid.h"
#include "worker/event_loop.h"

#define SERVICE_NAME "kubernetes"
#define SERVICE_PORT 443
#define PORT_NAME    "https"
#define INTERVAL_MS  10000	  /* DefaultEndpointReconcilerInterval */
#define LEASE_TTL    "15 seconds" /* DefaultEndpointReconcilerTTL */

#define SKIP_MIRROR_LABEL  "endpointslice.kubernetes.io/skip-mirror"
#define SERVICE_NAME_LABEL "kubernetes.io/service-name"

/* The SQLSTATEs of losing a race to another instance. */
static const char *const lost_race[] = {"23505", "PGK04", "PGK09", NULL};

/* ---- the advertised address (ResolveBindAddress / ChooseHostInterface) ---- */

static bool global_unicast(int family, const unsigned char *a)
{
	static const unsigned char zero[16];

	if (family == AF_INET)
		return (a[0] | a[1] | a[2] | a[3]) != 0 && a[0] != 127 &&
		       (a[0] < 224 || a[0] > 239) && (a[0] & a[1] & a[2] & a[3]) != 255 &&
		       !(a[0] == 169 && a[1] == 254);
	return memcmp(a, zero, 16) != 0 && !(memcmp(a, zero, 15) == 0 && a[15] == 1) &&
	       a[0] != 0xff && !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

/* The first global unicast address of the family on an up interface
 * (named, or any that loopback says or excludes). */
static bool interface_address(const char *name, int family, int loopback, char *out, size_t out_len)
{
	struct ifaddrs *list, *i;
	bool found = false;

	if (getifaddrs(&list) < 0)
		return false;
	for (i = list; i && !found; i = i->ifa_next) {
		const unsigned char *a;

		if (!i->ifa_addr || i->ifa_addr->sa_family != family || !(i->ifa_flags & IFF_UP))
			continue;
		if (name && strcmp(i->ifa_name, name) != 0)
			continue;
		if (loopback >= 0 && !!(i->ifa_flags & IFF_LOOPBACK) != loopback)
			continue;
		if (!name && loopback == 0 && (i->ifa_flags & IFF_POINTOPOINT))
			continue;
		a = family == AF_INET
			? (const unsigned char *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr
			: (const unsigned char *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (!global_unicast(family, a))
			continue;
		service_ip_format(family, a, out, out_len);
		found = true;
	}
	freeifaddrs(list);
	return found;
}

/* The interfaces of the default routes of a family, from /proc/net. */
static int default_route_interfaces(int family, char names[][IF_NAMESIZE], int max)
{
	FILE *f = fopen(family == AF_INET ? "/proc/net/route" : "/proc/net/ipv6_route", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f)) {
		char iface[IF_NAMESIZE], dest[64], len[8];

		if (family == AF_INET) {
			if (sscanf(line, "%15s %63s", iface, dest) == 2 &&
			    strcmp(dest, "00000000") == 0)
				memcpy(names[n++], iface, IF_NAMESIZE);
		} else if (sscanf(line, "%63s %7s %*s %*s %*s %*s %*s %*s %*s %15s", dest, len,
				  iface) == 3 &&
			   strcmp(dest, "00000000000000000000000000000000") == 0 &&
			   strcmp(len, "00") == 0 && strcmp(iface, "lo") != 0) {
			memcpy(names[n++], iface, IF_NAMESIZE);
		}
	}
	fclose(f);
	return n;
}

/* chooseHostInterface: IPv4 first unless the bind address is IPv6. */
static bool choose_host_address(bool prefer_v6, char *out, size_t out_len, char *why,
				size_t why_len)
{
	int families[2] = {prefer_v6 ? AF_INET6 : AF_INET, prefer_v6 ? AF_INET : AF_INET6};
	char names[2][8][IF_NAMESIZE];
	int counts[2], total = 0;

	for (int f = 0; f < 2; f++) {
		counts[f] = default_route_interfaces(families[f], names[f], 8);
		if (counts[f] < 0 && families[f] == AF_INET) {
			/* no routing information: any interface will do */
			for (int g = 0; g < 2; g++)
				if (interface_address(NULL, families[g], 0, out, out_len))
					return true;
			snprintf(
			    why, why_len,
			    "no acceptable interface with global unicast address found on host");
			return false;
		}
		total += counts[f] > 0 ? counts[f] : 0;
	}
	if (!total) {
		snprintf(why, why_len,
			 "no default routes found in \"/proc/net/route\" or "
			 "\"/proc/net/ipv6_route\"");
		return false;
	}
	for (int f = 0; f < 2; f++)
		for (int r = 0; r < counts[f]; r++)
			if (interface_address(names[f][r], families[f], -1, out, out_len) ||
			    interface_address(NULL, families[f], 1, out, out_len))
				return true;
	snprintf(why, why_len, "unable to select an IP from default routes.");
	return false;
}

/* net.IP's IsUnspecified (an absent address counts as one) and IsLoopback. */
static bool unspecified(const char *ip)
{
	static const unsigned char zero[16];
	unsigned char a[16];
	int family;

	if (!ip || !*ip || !service_ip_parse(ip, &family, a))
		return true;
	return memcmp(a, zero, family == AF_INET ? 4 : 16) == 0;
}

static bool loopback(const char *ip)
{
	static const unsigned char one[16] = {[15] = 1};
	unsigned char a[16];
	int family;

	if (!ip || !service_ip_parse(ip, &family, a))
		return false;
	return family == AF_INET ? a[0] == 127 : memcmp(a, one, 16) == 0;
}

static bool is_v6(const char *ip)
{
	unsigned char a[16];
	int family;

	return ip && service_ip_parse(ip, &family, a) && family == AF_INET6;
}

int kubernetes_service_init(struct kubernetes_service *ks, const struct config *cfg, char *err,
			    size_t err_len)
{
	struct service_ip_range ranges[2];
	struct service_port_range ports;
	int count;
	char why[256];

	memset(ks, 0, sizeof(*ks));
	ks->dsn = cfg->storage_dsn;
	ks->secure_port = cfg->secure_port;
	ks->node_port = cfg->kubernetes_service_node_port;
	ks->reconcile_endpoints =
	    !cfg->endpoint_reconciler_type || strcmp(cfg->endpoint_reconciler_type, "none") != 0;
	if (!cfg->service_cluster_ip_range || !*cfg->service_cluster_ip_range)
		log_warn("No CIDR for service cluster IPs specified. Default value which was %s is "
			 "deprecated and will be removed in future releases. Please specify it "
			 "using --service-cluster-ip-range on kube-apiserver.",
			 SERVICE_IP_RANGE_DEFAULT);
	if (service_ip_ranges_parse(cfg->service_cluster_ip_range, ranges, &count, err, err_len) <
	    0)
		return -1;
	service_ip_range_address(&ranges[0], 0, ks->service_ip, sizeof(ks->service_ip));
	ks->family = ranges[0].family_name;
	service_port_range_init(&ports, cfg->service_node_port_min, cfg->service_node_port_max);
	if (ks->node_port < 0 || ks->node_port > 65535) {
		snprintf(
		    err, err_len,
		    "--kubernetes-service-node-port %d must be between 0 and 65535, inclusive. "
		    "If 0, the Kubernetes master service will be of type ClusterIP",
		    ks->node_port);
		return -1;
	}
	if (ks->node_port > 0) {
		uint32_t index;

		if (!service_port_range_index(&ports, ks->node_port, &index)) {
			snprintf(err, err_len,
				 "kubernetes service node port range %s doesn't contain %d",
				 ports.text, ks->node_port);
			return -1;
		}
	}
	/* DefaultAdvertiseAddress, then ResolveBindAddress */
	if (!unspecified(cfg->advertise_address)) {
		snprintf(ks->address, sizeof(ks->address), "%s", cfg->advertise_address);
	} else if (!unspecified(cfg->bind_address) && !loopback(cfg->bind_address)) {
		snprintf(ks->address, sizeof(ks->address), "%s", cfg->bind_address);
	} else if (!choose_host_address(is_v6(cfg->bind_address), ks->address, sizeof(ks->address),
					why, sizeof(why))) {
		ks->address[0] = '\0';
		log_warn("Unable to find suitable network address.error='%s'. Try to set the "
			 "AdvertiseAddress directly or provide a valid BindAddress to fix this. "
			 "The kubernetes Endpoints will not list this server.",
			 why);
	}
	if (ks->reconcile_endpoints && *ks->address &&
	    is_v6(ks->address) != (strcmp(ks->family, "IPv6") == 0)) {
		snprintf(err, err_len,
			 "service IP family \"%s\" must match public address family \"%s\"",
			 ranges[0].cidr, ks->address);
		return -1;
	}
	ks->next_run = monotonic_ms();
	return 0;
}

/* ---- PostgreSQL ---- */

static PGconn *connect_db(const struct kubernetes_service *ks)
{
	const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *values[] = {ks->dsn, "5", "pgkube-kubernetes-service", NULL};
	PGconn *pg = PQconnectdbParams(keys, values, 1);

	if (PQstatus(pg) != CONNECTION_OK) {
		PQfinish(pg);
		return NULL; /* PostgreSQL away: the workers say so */
	}
	return pg;
}

static PGresult *exec(PGconn *pg, const char *sql, int n, const char *const *params)
{
	return PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
}

static bool lost(PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	for (int i = 0; state && lost_race[i]; i++)
		if (strcmp(state, lost_race[i]) == 0)
			return true;
	return false;
}

/* An object of default by group and resource: NULL when missing (or on an
 * error, logged); its resourceVersion to *rv. */
static json_t *get_object(PGconn *pg, const char *group, const char *resource, char *rv,
			  size_t rv_len, bool *failed)
{
	const char *params[] = {group, resource, SERVICE_NAME};
	PGresult *res = exec(pg,
			     "SELECT rv, object::text FROM pgkube.objects WHERE api_group = $1"
			     " AND resource = $2 AND namespace = 'default' AND name = $3",
			     3, params);
	json_t *obj = NULL;

	*failed = PQresultStatus(res) != PGRES_TUPLES_OK;
	if (*failed)
		log_warn("reading %s default/%s: %s", resource, SERVICE_NAME,
			 PQresultErrorMessage(res));
	else if (PQntuples(res) && !PQgetisnull(res, 0, 1)) {
		snprintf(rv, rv_len, "%s", PQgetvalue(res, 0, 0));
		obj = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
	}
	PQclear(res);
	return obj;
}

/* Creates (rv NULL) or updates an object of default: true when written;
 * a lost race is quiet, other errors are logged with what. */
static bool write_object(PGconn *pg, const char *group, const char *resource, const char *rv,
			 json_t *obj, const char *what)
{
	char *text = json_dumps(obj, JSON_COMPACT);
	const char *uid =
	    json_string_value(json_object_get(json_object_get(obj, "metadata"), "uid"));
	const char *params[] = {group, resource, SERVICE_NAME, rv ? rv : uid, text};
	PGresult *res = exec(pg,
			     rv ? "SELECT rv FROM pgkube.update_object($1, $2, 'default', $3,"
				  " $4::bigint, $5::jsonb, NULL)"
				: "SELECT rv FROM pgkube.create_object($1, $2, 'default', $3,"
				  " $4::uuid, $5::jsonb, NULL)",
			     5, params);
	bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok && !lost(res))
		log_error("%s: %s", what, PQresultErrorMessage(res));
	PQclear(res);
	free(text);
	return ok;
}

/* The metadata of a new object named kubernetes in default; takes labels. */
static void new_metadata(json_t *obj, json_t *labels)
{
	struct timestamp now = timestamp_from_time(time(NULL));
	char uid[UUID_STRING_LEN], stamp[TIMESTAMP_RFC3339_SIZE];
	json_t *meta = json_object();

	uuid_v4(uid);
	timestamp_format(&now, stamp);
	json_object_set_new(meta, "name", json_string(SERVICE_NAME));
	json_object_set_new(meta, "namespace", json_string("default"));
	json_object_set_new(meta, "uid", json_string(uid));
	json_object_set_new(meta, "creationTimestamp", json_string(stamp));
	if (labels)
		json_object_set_new(meta, "labels", labels);
	json_object_set_new(obj, "metadata", meta);
}

/* ---- the Service ---- */

/* The Service as kube-apiserver's create leaves it: defaulted, its IP
 * family filled in, its status empty. */
static json_t *service_object(const struct kubernetes_service *ks)
{
	json_t *port = json_pack("{s:s, s:s, s:i, s:i}", "name", PORT_NAME, "protocol", "TCP",
				 "port", SERVICE_PORT, "targetPort", ks->secure_port);
	json_t *spec = json_pack("{s:[o], s:s, s:[s], s:s, s:s, s:[s], s:s, s:s}", "ports", port,
				 "clusterIP", ks->service_ip, "clusterIPs", ks->service_ip, "type",
				 ks->node_port ? "NodePort" : "ClusterIP", "sessionAffinity",
				 "None", "ipFamilies", ks->family, "ipFamilyPolicy", "SingleStack",
				 "internalTrafficPolicy", "Cluster");
	json_t *svc = json_pack("{s:s, s:s}", "apiVersion", "v1", "kind", "Service");

	if (ks->node_port) {
		json_object_set_new(port, "nodePort", json_integer(ks->node_port));
		json_object_set_new(spec, "externalTrafficPolicy", json_string("Cluster"));
	}
	new_metadata(svc,
		     json_pack("{s:s, s:s}", "component", "apiserver", "provider", "kubernetes"));
	json_object_set_new(svc, "spec", spec);
	json_object_set_new(svc, "status", json_pack("{s:{}}", "loadBalancer"));
	return svc;
}

/* CreateOrUpdateMasterServiceIfNeeded, without the update (never run since 1.17). */
static void ensure_service(const struct kubernetes_service *ks, PGconn *pg)
{
	char rv[24];
	bool failed;
	json_t *svc = get_object(pg, "", "services", rv, sizeof(rv), &failed);

	if (svc || failed) {
		json_decref(svc);
		return;
	}
	svc = service_object(ks);
	if (write_object(pg, "", "services", NULL, svc, "unable to sync kubernetes service"))
		log_info("created the Service default/%s with cluster IP %s", SERVICE_NAME,
			 ks->service_ip);
	json_decref(svc);
}

/* ---- the endpoints ---- */

static json_t *endpoint_ports(const struct kubernetes_service *ks)
{
	return json_pack("[{s:s, s:i, s:s}]", "name", PORT_NAME, "port", ks->secure_port,
			 "protocol", "TCP");
}

/* The unexpired leases, in address order; NULL on an error (logged). */
static json_t *list_leases(PGconn *pg)
{
	PGresult *res = exec(pg,
			     "SELECT address FROM pgkube.apiserver_leases WHERE expires_at > now()"
			     " ORDER BY address",
			     0, NULL);
	json_t *list = NULL;

	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		list = json_array();
		for (int i = 0; i < PQntuples(res); i++)
			json_array_append_new(list, json_string(PQgetvalue(res, i, 0)));
	} else {
		log_warn("reading the API server leases: %s", PQresultErrorMessage(res));
	}
	PQclear(res);
	return list;
}

static bool run_command(PGconn *pg, const char *sql, const char *address, int *rows)
{
	const char *params[] = {address};
	PGresult *res = exec(pg, sql, address ? 1 : 0, params);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	if (!ok)
		log_warn("API server leases: %s", PQresultErrorMessage(res));
	else if (rows)
		*rows = atoi(PQcmdTuples(res));
	PQclear(res);
	return ok;
}

static bool update_lease(const struct kubernetes_service *ks, PGconn *pg)
{
	return run_command(pg,
			   "INSERT INTO pgkube.apiserver_leases (address, expires_at)"
			   " VALUES ($1, now() + interval '" LEASE_TTL "')"
			   " ON CONFLICT (address) DO UPDATE SET expires_at = excluded.expires_at",
			   ks->address, NULL) &&
	       run_command(pg, "DELETE FROM pgkube.apiserver_leases WHERE expires_at <= now()",
			   NULL, NULL);
}

/* The addresses of a subset, as strings. */
static json_t *subset_ips(json_t *subset)
{
	json_t *ips = json_array(), *a;
	size_t i;

	json_array_foreach(json_object_get(subset, "addresses"), i, a)
	{
		json_array_append(ips, json_object_get(a, "ip"));
	}
	return ips;
}

/* checkEndpointSubsetFormatWithLease's "ipsCorrect": the same set, no repeats. */
static bool same_address_set(json_t *have, json_t *want)
{
	size_t i, j;

	if (json_array_size(have) != json_array_size(want))
		return false;
	for (i = 0; i < json_array_size(have); i++) {
		bool found = false;

		for (j = 0; j < json_array_size(want) && !found; j++)
			found = json_equal(json_array_get(have, i), json_array_get(want, j));
		for (j = 0; j < i && found; j++)
			found = !json_equal(json_array_get(have, i), json_array_get(have, j));
		if (!found)
			return false;
	}
	return true;
}

static bool all_v6(json_t *ips)
{
	json_t *ip;
	size_t i;

	json_array_foreach(ips, i, ip)
	{
		if (!is_v6(json_string_value(ip)))
			return false;
	}
	return json_array_size(ips) > 0;
}

/* endpointSliceFromEndpoints */
static json_t *slice_from(json_t *endpoints)
{
	json_t *subset = json_array_get(json_object_get(endpoints, "subsets"), 0);
	json_t *ips = subset_ips(subset), *eps = json_array(), *ports = json_array(), *p, *ip;
	bool v6 = all_v6(ips);
	size_t i;

	json_array_foreach(json_object_get(subset, "ports"), i, p)
	{
		json_array_append_new(ports, json_pack("{s:O?, s:O?, s:O?}", "name",
						       json_object_get(p, "name"), "port",
						       json_object_get(p, "port"), "protocol",
						       json_object_get(p, "protocol")));
	}
	/* the addresses of the slice's family, all ready */
	json_array_foreach(ips, i, ip)
	{
		if (is_v6(json_string_value(ip)) == v6)
			json_array_append_new(eps, json_pack("{s:[O], s:{s:b}}", "addresses", ip,
							     "conditions", "ready", 1));
	}
	json_decref(ips);
	return json_pack("{s:s, s:s, s:o, s:o, s:o}", "apiVersion", "discovery.k8s.io/v1", "kind",
			 "EndpointSlice", "addressType", json_string(v6 ? "IPv6" : "IPv4"),
			 "endpoints", eps, "ports", ports);
}

/* EnsureEndpointSliceFromEndpoints */
static void ensure_slice(PGconn *pg, json_t *endpoints)
{
	json_t *want = slice_from(endpoints), *labels, *have, *meta;
	const char *group = "discovery.k8s.io";
	char rv[24];
	bool failed;

	labels = json_pack("{s:s}", SERVICE_NAME_LABEL, SERVICE_NAME);
	have = get_object(pg, group, "endpointslices", rv, sizeof(rv), &failed);
	if (failed)
		goto out;
	if (have && !json_equal(json_object_get(have, "addressType"),
				json_object_get(want, "addressType"))) {
		/* from the old type "IP": delete, then create anew */
		const char *params[] = {group, "endpointslices", SERVICE_NAME, rv};
		PGresult *res = exec(pg,
				     "SELECT rv FROM pgkube.delete_object($1, $2, 'default', $3,"
				     " $4::bigint, NULL)",
				     4, params);

		PQclear(res);
		json_decref(have);
		have = NULL;
	}
	if (!have) {
		new_metadata(want, json_incref(labels));
		json_object_set_new(json_object_get(want, "metadata"), "generation",
				    json_integer(1));
		write_object(pg, group, "endpointslices", NULL, want,
			     "creating the kubernetes EndpointSlice");
		goto out;
	}
	meta = json_object_get(have, "metadata");
	if (json_equal(json_object_get(have, "endpoints"), json_object_get(want, "endpoints")) &&
	    json_equal(json_object_get(have, "ports"), json_object_get(want, "ports")) &&
	    json_equal(json_object_get(meta, "labels"), labels))
		goto out;
	/* the generated object, on the stored one's identity; any change counts */
	json_object_set_new(want, "metadata",
			    json_pack("{s:s, s:s, s:O, s:O?, s:O?, s:I}", "name", SERVICE_NAME,
				      "namespace", "default", "labels", labels, "uid",
				      json_object_get(meta, "uid"), "creationTimestamp",
				      json_object_get(meta, "creationTimestamp"), "generation",
				      json_integer_value(json_object_get(meta, "generation")) + 1));
	write_object(pg, group, "endpointslices", rv, want,
		     "updating the kubernetes EndpointSlice");
out:
	json_decref(have);
	json_decref(want);
	json_decref(labels);
}

/* Go's %v of a []string: "[a b]", in out. */
static const char *go_list(json_t *list, char *out, size_t out_len)
{
	size_t n = 0;
	json_t *v;
	size_t i;

	n += (size_t)snprintf(out, out_len, "[");
	json_array_foreach(list, i, v)
	{
		if (n < out_len)
			n += (size_t)snprintf(out + n, out_len - n, "%s%s", i ? " " : "",
					      json_string_value(v));
	}
	if (n < out_len)
		snprintf(out + n, out_len - n, "]");
	return out;
}

/* doReconcile: false when it could not (logged by the caller with why). */
static bool reconcile(const struct kubernetes_service *ks, PGconn *pg, bool reconcile_ports,
		      char *why, size_t why_len)
{
	char rv[24];
	bool failed, create = false, mirror_changed, format_ok, ips_ok, ports_ok = true;
	json_t *e = get_object(pg, "", "endpoints", rv, sizeof(rv), &failed);
	json_t *leases, *labels, *subsets, *subset, *ports = endpoint_ports(ks), *have;

	if (failed) {
		snprintf(why, why_len, "cannot read the endpoints");
		json_decref(ports);
		return false;
	}
	if (!e) {
		create = true;
		e = json_pack("{s:s, s:s}", "apiVersion", "v1", "kind", "Endpoints");
		new_metadata(e, NULL);
	}
	leases = list_leases(pg);
	if (!leases || json_array_size(leases) == 0) {
		snprintf(why, why_len,
			 "no master IPs were listed in storage, refusing to erase all "
			 "endpoints for the kubernetes service");
		json_decref(leases);
		json_decref(e);
		json_decref(ports);
		return false;
	}
	labels = json_object_get(json_object_get(e, "metadata"), "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(json_object_get(e, "metadata"), "labels", labels);
	}
	mirror_changed = strcmp(json_string_value(json_object_get(labels, SKIP_MIRROR_LABEL))
				    ? json_string_value(json_object_get(labels, SKIP_MIRROR_LABEL))
				    : "",
				"true") != 0;
	json_object_set_new(labels, SKIP_MIRROR_LABEL, json_string("true"));
	subsets = json_object_get(e, "subsets");
	format_ok = json_is_array(subsets) && json_array_size(subsets) == 1;
	subset = json_array_get(subsets, 0);
	have = subset_ips(subset);
	ips_ok = format_ok && same_address_set(have, leases);
	json_decref(have);
	if (format_ok && reconcile_ports)
		ports_ok = json_equal(json_object_get(subset, "ports"), ports);
	if (!mirror_changed && format_ok && ips_ok && ports_ok) {
		ensure_slice(pg, e);
		goto done;
	}
	if (!format_ok) {
		subset = json_pack("{s:[], s:O}", "addresses", "ports", ports);
		json_object_set_new(e, "subsets", json_pack("[o]", subset));
	}
	if (!format_ok || !ips_ok) {
		json_t *addresses = json_array(), *ip;
		size_t i;

		json_array_foreach(leases, i, ip)
		{
			json_array_append_new(addresses, json_pack("{s:O}", "ip", ip));
		}
		json_object_set_new(subset, "addresses", addresses);
	}
	if (!ports_ok)
		json_object_set(subset, "ports", ports);
	log_warn("Resetting endpoints for master service \"%s\" to %s", SERVICE_NAME,
		 go_list(leases, why, why_len));
	if (write_object(pg, "", "endpoints", create ? NULL : rv, e,
			 "updating the kubernetes Endpoints"))
		ensure_slice(pg, e);
done:
	json_decref(e);
	json_decref(leases);
	json_decref(ports);
	return true;
}

/* ---- the rounds ---- */

static void round_run(struct kubernetes_service *ks, bool at_start)
{
	PGconn *pg = connect_db(ks);
	char why[256];

	if (!pg)
		return;
	if (at_start && ks->reconcile_endpoints && *ks->address) {
		/* RemoveEndpoints: a lease left by an unclean exit goes first */
		int removed = 0;

		if (run_command(pg, "DELETE FROM pgkube.apiserver_leases WHERE address = $1",
				ks->address, &removed) &&
		    removed) {
			if (reconcile(ks, pg, true, why, sizeof(why)))
				log_error(
				    "Found stale data, removed previous endpoints on kubernetes "
				    "service, apiserver didn't exit successfully previously");
			else
				log_error(
				    "Error removing old endpoints from kubernetes service: %s",
				    why);
		}
	}
	ensure_service(ks, pg);
	if (ks->reconcile_endpoints && *ks->address && update_lease(ks, pg) &&
	    !reconcile(ks, pg, false, why, sizeof(why)))
		log_warn("unable to sync kubernetes service: %s", why);
	PQfinish(pg);
}

void kubernetes_service_start(struct kubernetes_service *ks)
{
	round_run(ks, true);
	ks->next_run = monotonic_ms() + INTERVAL_MS;
}

int64_t kubernetes_service_due_in(const struct kubernetes_service *ks)
{
	int64_t wait = ks->next_run - monotonic_ms();

	return wait < 0 ? 0 : wait;
}

void kubernetes_service_run(struct kubernetes_service *ks)
{
	if (monotonic_ms() < ks->next_run)
		return;
	ks->next_run = monotonic_ms() + INTERVAL_MS;
	round_run(ks, false);
}

void kubernetes_service_stop(struct kubernetes_service *ks)
{
	PGconn *pg;
	char why[256];
	int removed = 0;

	if (!ks->reconcile_endpoints || !*ks->address || !(pg = connect_db(ks)))
		return;
	log_info("Shutting down kubernetes service endpoint reconciler");
	if (run_command(pg, "DELETE FROM pgkube.apiserver_leases WHERE address = $1", ks->address,
			&removed) &&
	    removed && !reconcile(ks, pg, true, why, sizeof(why)))
		log_error("Unable to remove endpoints from kubernetes service: %s", why);
	PQfinish(pg);
}
