/*
 * service_alloc.c - cluster IPs and node ports of Services (see
 * service_alloc.h), after kube-apiserver v1.32's
 * pkg/registry/core/service/storage/{storage,alloc}.go and the Service
 * strategy, with the classic bitmap allocators (MultiCIDRServiceAllocator
 * off).
 *
 * Each create or update is one "pass" over the object, in upstream's
 * order: put clusterIP and clusterIPs in step, default ipFamilyPolicy and
 * ipFamilies (initIPFamilyFields, with its 422s), allocate the cluster IPs,
 * then the node ports and the health check node port; the steps that only
 * move fields around are shared/service_fields.c's. Every value the pass
 * takes is a claim: one the client asked for (checked against the range
 * here, and against other Services by the write), or a random pick from the
 * range's dynamic block (upstream's randomScanStrategyWithOffset, over
 * what is known to be held). Upstream's allocators hold the whole bitmap in
 * memory; here the table pgkube.service_allocations is the bitmap, read
 * only when needed: after a write lost a random pick to another writer (so
 * that the next pick avoids everything held), and for a dry run's "is it
 * free" check of a node port the client asked for.
 *
 * The write claims the values atomically with the object (the triggers of
 * sql/007_service_allocations.sql); its conflict names the values it could
 * not claim. The first one the client asked for, in upstream's order, is
 * reported as upstream reports it; otherwise the pass runs again with the
 * lost values marked held, at most MAX_RETRIES times.
 *
 * Dry runs follow upstream's dry-run allocators: a requested IP is checked
 * against the range only and a random one is the network address; a
 * requested node port is checked against what is held but not against the
 * range, and random ones count up from 32769.
 */
#include "service_alloc.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "shared/log.h"
#include "shared/service_fields.h"
#include "shared/service_range.h"
#include "shared/validation.h"
#include "worker/pg_pool.h"
#include "worker/worker.h"

/* Writes lost to concurrent writers' picks before giving up. */
#define MAX_RETRIES 16
/* PortAllocationOperation's dry-run AllocateNext counts up from here. */
#define DRY_RUN_LAST_PORT 32768

enum claim_kind { CLAIM_IP, CLAIM_PORT };

/* A value a pass takes, and how to report it when it turns out held. */
struct claim {
	enum claim_kind kind;
	int range; /* CLAIM_IP: which cluster IP range */
	unsigned char addr[16];
	long long port;
	bool requested;
	bool health_check;
	const char *field;    /* the cause's field */
	const char *rendered; /* the cause's value, as upstream prints it */
	const char *text;     /* CLAIM_IP: the address as the client wrote it */
};

struct service_alloc {
	void (*again)(struct rest_call *call);
	char *original; /* a create's body as first given (JSON text) */
	int retries;
	struct claim *claims;
	int num_claims, cap_claims;
	/* held by Services, as last read from the table (NULL: not read) */
	unsigned char *ip_held[2];
	unsigned char *port_held;
	bool looked_up;
	/* the pass's view: held, plus what the pass took */
	unsigned char *ip_pass[2];
	unsigned char *port_pass;
	/* the node ports the pass allocated, in order (a PortAllocationOperation) */
	long long *ports;
	int num_ports, cap_ports;
};

/* The flags, parsed once per process (the master has checked them). */
static struct {
	bool loaded, ok;
	struct service_ip_range ip[2];
	int num_ip;
	struct service_families families;
	struct service_port_range ports;
} ranges;

static bool ranges_ready(const struct config *cfg)
{
	char err[256];

	if (!ranges.loaded) {
		ranges.loaded = true;
		ranges.ok = service_ip_ranges_parse(cfg->service_cluster_ip_range, ranges.ip,
						    &ranges.num_ip, err, sizeof(err)) == 0;
		if (!ranges.ok)
			log_error("--service-cluster-ip-range: %s", err);
		for (int i = 0; ranges.ok && i < ranges.num_ip; i++)
			ranges.families.family[i] = ranges.ip[i].family_name;
		ranges.families.count = ranges.num_ip;
		service_port_range_init(&ranges.ports, cfg->service_node_port_min,
					cfg->service_node_port_max);
	}
	return ranges.ok;
}

static size_t bitmap_bytes(uint32_t size)
{
	return size / 8 + 1;
}

static void bit_set(unsigned char *bits, uint32_t i)
{
	bits[i / 8] |= (unsigned char)(1u << (i % 8));
}

static bool bit_get(const unsigned char *bits, uint32_t i)
{
	return bits && (bits[i / 8] >> (i % 8)) & 1;
}

static uint32_t random32(void)
{
	uint32_t r = 0;

	RAND_bytes((unsigned char *)&r, sizeof(r));
	return r;
}

static int range_of_family(const char *family)
{
	for (int i = 0; i < ranges.num_ip; i++)
		if (strcmp(ranges.ip[i].family_name, family) == 0)
			return i;
	return -1;
}

/* ---- errors ---- */

static void set_error(struct rest_call *call, int code, const char *reason, const char *message,
		      json_t *details)
{
	json_decref(call->err.details);
	call->err = (struct rest_error){code, reason, message, details};
}

/* errors.NewInvalid(api.Kind("Service"), name, causes). */
static void invalid(struct rest_call *call, struct validation_errors *errs)
{
	const char *name = call->key.name ? call->key.name : "";
	char *msg = validation_status_message(errs, "", "Service", name);

	set_error(call, 422, "Invalid", arena_strdup(&call->req->arena, msg),
		  validation_status_details(errs, "", "Service", name));
	free(msg);
	validation_errors_free(errs);
}

static void invalid_one(struct rest_call *call, const char *field, const char *value,
			const char *detail)
{
	struct validation_errors errs = {0};

	validation_add_invalid(&errs, field, value, detail);
	invalid(call, &errs);
}

/* errors.NewInternalError(err). */
static void internal(struct rest_call *call, const char *cause)
{
	set_error(call, 500, "InternalError",
		  arena_printf(&call->req->arena, "Internal error occurred: %s", cause),
		  json_pack("{s:[{s:s}]}", "causes", "message", cause));
}

/* %#v of a []string, in the arena. */
static const char *render_strings(struct arena *a, json_t *arr)
{
	char *text = service_go_strings(arr);
	const char *out = arena_strdup(a, text);

	free(text);
	return out;
}

/* ---- the pass's state ---- */

static struct service_alloc *state_of(struct rest_call *call, void (*again)(struct rest_call *))
{
	struct service_alloc *st = call->service_alloc;

	if (!st) {
		st = arena_alloc(&call->req->arena, sizeof(*st));
		memset(st, 0, sizeof(*st));
		call->service_alloc = st;
	}
	st->again = again;
	return st;
}

/* A fresh pass: no claims, the view is what is known held. */
static void pass_begin(struct rest_call *call, struct service_alloc *st)
{
	struct arena *a = &call->req->arena;

	st->num_claims = 0;
	st->num_ports = 0;
	for (int i = 0; i < ranges.num_ip; i++) {
		size_t n = bitmap_bytes(ranges.ip[i].size);

		if (!st->ip_pass[i])
			st->ip_pass[i] = arena_alloc(a, n);
		if (st->ip_held[i])
			memcpy(st->ip_pass[i], st->ip_held[i], n);
		else
			memset(st->ip_pass[i], 0, n);
	}
	if (!st->port_pass)
		st->port_pass = arena_alloc(a, bitmap_bytes(ranges.ports.size));
	if (st->port_held)
		memcpy(st->port_pass, st->port_held, bitmap_bytes(ranges.ports.size));
	else
		memset(st->port_pass, 0, bitmap_bytes(ranges.ports.size));
}

static struct claim *add_claim(struct rest_call *call, struct service_alloc *st)
{
	struct claim *c;

	if (st->num_claims == st->cap_claims) {
		struct claim *grown;

		st->cap_claims = st->cap_claims ? 2 * st->cap_claims : 8;
		grown = arena_alloc(&call->req->arena, st->cap_claims * sizeof(*grown));
		if (st->num_claims)
			memcpy(grown, st->claims, st->num_claims * sizeof(*grown));
		st->claims = grown;
	}
	c = &st->claims[st->num_claims++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* ---- cluster IPs ---- */

/*
 * allocIPs for the entries of clusterIPs from `from` on (markers "" are
 * random picks); the values are set on success. `rendered` is clusterIPs as
 * upstream's error shows it (markers included).
 */
static bool alloc_ips(struct rest_call *call, struct service_alloc *st, json_t *svc, size_t from)
{
	struct arena *a = &call->req->arena;
	json_t *spec = service_spec(svc), *ips = json_object_get(spec, "clusterIPs");
	json_t *fams = json_object_get(spec, "ipFamilies");
	const char *rendered = render_strings(a, ips);
	char picked[2][48];

	for (size_t i = from; i < service_len(fams) && i < 2; i++) {
		int r = range_of_family(service_str_at(fams, i));
		const char *ip = service_str_at(ips, i);
		const struct service_ip_range *range;
		unsigned char addr[16];
		uint32_t index;
		int family;

		picked[i][0] = '\0';
		if (r < 0)
			continue; /* initIPFamilyFields has refused it */
		range = &ranges.ip[r];
		if (!*ip) {
			struct claim *c;

			if (call->dry_run) {
				snprintf(picked[i], sizeof(picked[i]), "%s", range->network);
				continue;
			}
			if (!service_range_pick(st->ip_pass[r], range->size, range->offset,
						random32(), random32(), &index)) {
				internal(call, "failed to allocate a serviceIP: range is full");
				return false;
			}
			bit_set(st->ip_pass[r], index);
			service_ip_range_address(range, index, picked[i], sizeof(picked[i]));
			c = add_claim(call, st);
			c->kind = CLAIM_IP;
			c->range = r;
			service_ip_parse(picked[i], &family, c->addr);
			continue;
		}
		if (!service_ip_parse(ip, &family, addr) ||
		    !service_ip_range_index(range, family, addr, &index)) {
			char canonical[48] = "";

			if (service_ip_parse(ip, &family, addr))
				service_ip_format(family, addr, canonical, sizeof(canonical));
			invalid_one(
			    call, "spec.clusterIPs", rendered,
			    arena_printf(a,
					 "failed to allocate IP %s: the provided IP (%s) is not "
					 "in the valid range. The range of valid IPs is %s",
					 ip, canonical, range->cidr));
			return false;
		}
		if (!call->dry_run) {
			struct claim *c = add_claim(call, st);

			c->kind = CLAIM_IP;
			c->range = r;
			memcpy(c->addr, addr, sizeof(addr));
			c->requested = true;
			c->field = "spec.clusterIPs";
			c->rendered = rendered;
			c->text = arena_strdup(a, ip);
			bit_set(st->ip_pass[r], index);
		}
	}
	for (size_t i = from; i < service_len(fams) && i < 2; i++) {
		if (!*service_str_at(ips, i) && *picked[i]) {
			json_array_set_new(ips, i, json_string(picked[i]));
			if (i == 0)
				json_object_set_new(spec, "clusterIP", json_string(picked[i]));
		}
	}
	return true;
}

/* allocClusterIPs: one per ipFamilies entry, unless ExternalName or headless. */
static bool alloc_cluster_ips(struct rest_call *call, struct service_alloc *st, json_t *svc)
{
	json_t *spec = service_spec(svc), *ips, *fams = json_object_get(spec, "ipFamilies");

	if (!service_needs_cluster_ip(spec))
		return true;
	ips = json_object_get(spec, "clusterIPs");
	if (service_len(ips) > 0 && strcmp(service_str_at(ips, 0), "None") == 0)
		return true;
	ips = service_array(spec, "clusterIPs");
	while (json_array_size(ips) < service_len(fams))
		json_array_append_new(ips, json_string(""));
	return alloc_ips(call, st, svc, 0);
}

/* ---- IP families ---- */

static bool init_ip_families(struct rest_call *call, json_t *svc, json_t *old)
{
	struct validation_errors errs = {0};

	if (service_init_ip_families(svc, old, &ranges.families, &errs) == 0)
		return true;
	invalid(call, &errs);
	return false;
}

/* ---- node ports (a PortAllocationOperation) ---- */

static bool op_has(const struct service_alloc *st, long long port)
{
	for (int i = 0; i < st->num_ports; i++)
		if (st->ports[i] == port)
			return true;
	return false;
}

static void op_add(struct rest_call *call, struct service_alloc *st, long long port)
{
	uint32_t index;

	if (st->num_ports == st->cap_ports) {
		long long *grown;

		st->cap_ports = st->cap_ports ? 2 * st->cap_ports : 8;
		grown = arena_alloc(&call->req->arena, st->cap_ports * sizeof(*grown));
		if (st->num_ports)
			memcpy(grown, st->ports, st->num_ports * sizeof(*grown));
		st->ports = grown;
	}
	st->ports[st->num_ports++] = port;
	if (service_port_range_index(&ranges.ports, port, &index))
		bit_set(st->port_pass, index);
}

/*
 * Allocate(port): NULL, or upstream's error text. A claim for the write is
 * recorded, with what to report should another Service hold the port.
 */
static const char *op_allocate(struct rest_call *call, struct service_alloc *st, long long port,
			       const char *field, bool health_check)
{
	uint32_t index;
	bool in_range = service_port_range_index(&ranges.ports, port, &index);
	struct claim *c;

	if (call->dry_run) {
		if ((in_range && bit_get(st->port_held, index)) || op_has(st, port))
			return "provided port is already allocated";
		op_add(call, st, port);
		return NULL;
	}
	if (!in_range)
		return arena_printf(&call->req->arena,
				    "provided port is not in the valid range. The range of valid "
				    "ports is %s",
				    ranges.ports.text);
	if (op_has(st, port) || bit_get(st->port_held, index))
		return "provided port is already allocated";
	op_add(call, st, port);
	c = add_claim(call, st);
	c->kind = CLAIM_PORT;
	c->port = port;
	c->requested = true;
	c->health_check = health_check;
	c->field = field;
	c->rendered = arena_printf(&call->req->arena, "%lld", port);
	return NULL;
}

/* AllocateNext: false when the range is full. */
static bool op_allocate_next(struct rest_call *call, struct service_alloc *st, long long *port)
{
	struct claim *c;
	uint32_t index;

	if (call->dry_run) {
		long long last = st->num_ports ? st->ports[0] : DRY_RUN_LAST_PORT;

		for (int i = 1; i < st->num_ports; i++)
			if (st->ports[i] > last)
				last = st->ports[i];
		*port = last + 1;
		op_add(call, st, *port);
		return true;
	}
	if (!service_range_pick(st->port_pass, ranges.ports.size, ranges.ports.offset, random32(),
				random32(), &index))
		return false;
	*port = ranges.ports.base + (long long)index;
	op_add(call, st, *port);
	c = add_claim(call, st);
	c->kind = CLAIM_PORT;
	c->port = *port;
	return true;
}

static void set_node_port(json_t *port, long long value)
{
	if (value)
		json_object_set_new(port, "nodePort", json_integer(value));
	else
		json_object_del(port, "nodePort");
}

/* initNodePorts: ports of one number share a node port (TCP and UDP of 53). */
static bool init_node_ports(struct rest_call *call, struct service_alloc *st, json_t *svc)
{
	struct arena *a = &call->req->arena;
	json_t *spec = service_spec(svc), *ports = json_object_get(spec, "ports"), *p;
	bool allocate = service_allocates_node_ports(spec);
	size_t i;

	json_array_foreach(ports, i, p)
	{
		long long np = service_num(p, "nodePort"), given = 0, shared = 0;
		const char *field = arena_printf(a, "spec.ports[%zu].nodePort", i), *err;
		json_t *q;
		size_t j;

		if (np == 0 && !allocate)
			continue;
		/* the node port an earlier port of this number got */
		for (j = 0; j < i && !shared; j++) {
			q = json_array_get(ports, j);
			if (service_num(q, "port") == service_num(p, "port") &&
			    (allocate || service_num(q, "nodePort")))
				shared = service_num(q, "nodePort");
		}
		if (!shared) {
			/* findRequestedNodePort: this port's number, asked for anywhere */
			json_array_foreach(ports, j, q)
			{
				if (!given && service_num(q, "port") == service_num(p, "port"))
					given = service_num(q, "nodePort");
			}
			if (given) {
				err = op_allocate(call, st, given, field, false);
				if (err) {
					invalid_one(call, field, arena_printf(a, "%lld", given),
						    err);
					return false;
				}
				set_node_port(p, given);
			} else {
				if (!op_allocate_next(call, st, &given)) {
					internal(call,
						 "failed to allocate a nodePort: range is full");
					return false;
				}
				set_node_port(p, given);
			}
		} else if (np != shared) {
			if (np == 0) {
				set_node_port(p, shared);
			} else if ((err = op_allocate(call, st, np, field, false))) {
				invalid_one(call, field, arena_printf(a, "%lld", np), err);
				return false;
			}
		}
	}
	return true;
}

/* allocHealthCheckNodePort: its errors are internal ones upstream. */
static bool alloc_health_check(struct rest_call *call, struct service_alloc *st, json_t *svc)
{
	json_t *spec = service_spec(svc);
	long long hc = service_num(spec, "healthCheckNodePort");
	const char *err;

	if (hc) {
		err = op_allocate(call, st, hc, "spec.healthCheckNodePort", true);
		if (err) {
			internal(call,
				 arena_printf(
				     &call->req->arena,
				     "failed to allocate requested HealthCheck NodePort %lld: %s",
				     hc, err));
			return false;
		}
		return true;
	}
	if (!op_allocate_next(call, st, &hc)) {
		internal(call, "failed to allocate a HealthCheck NodePort 0: range is full");
		return false;
	}
	json_object_set_new(spec, "healthCheckNodePort", json_integer(hc));
	return true;
}

/* updateNodePorts */
static bool update_node_ports(struct rest_call *call, struct service_alloc *st, json_t *svc,
			      json_t *old)
{
	struct arena *a = &call->req->arena;
	json_t *spec = service_spec(svc), *ports = json_object_get(spec, "ports"), *p;
	json_t *old_ports = json_object_get(service_spec(old), "ports"), *q;
	bool allocate = service_allocates_node_ports(spec);
	size_t i, j;

	json_array_foreach(ports, i, p)
	{
		long long np = service_num(p, "nodePort");
		const char *field = arena_printf(a, "spec.ports[%zu].nodePort", i);

		if (np == 0 && !allocate)
			continue;
		if (np) {
			bool held = false;

			json_array_foreach(old_ports, j, q)
			{
				held = held || service_num(q, "nodePort") == np;
			}
			if (!held && !op_has(st, np)) {
				const char *err = op_allocate(call, st, np, field, false);

				if (err) {
					invalid_one(call, field, arena_printf(a, "%lld", np), err);
					return false;
				}
			}
		} else {
			if (!op_allocate_next(call, st, &np)) {
				internal(call, "failed to allocate a nodePort: range is full");
				return false;
			}
			set_node_port(p, np);
		}
		/* the same protocol and node port twice */
		for (j = 0; j < i; j++) {
			const char *proto =
			    *service_str(p, "protocol") ? service_str(p, "protocol") : "TCP";

			q = json_array_get(ports, j);
			if (service_num(q, "nodePort") == np &&
			    strcmp(*service_str(q, "protocol") ? service_str(q, "protocol") : "TCP",
				   proto) == 0) {
				internal(call, arena_printf(a, "duplicate nodePort: {%s %lld}",
							    proto, np));
				return false;
			}
		}
	}
	return true;
}

/* ---- reading what is held ---- */

/* After a lookup: the write started over (a create from its first body),
 * from the event loop rather than from inside the callers' stack. */
static void start_over(struct event_loop *loop, void *ctx)
{
	struct rest_call *call = ctx;
	struct service_alloc *st = call->service_alloc;

	if (st->original) {
		json_decref(call->body);
		call->body = json_loads(st->original, 0, NULL);
	}
	st->again(call);
}

static void mark_held(struct service_alloc *st, struct arena *a, const char *kind,
		      const char *value)
{
	if (strcmp(kind, "ip") == 0) {
		unsigned char addr[16];
		uint32_t index;
		int family;

		if (!service_ip_parse(value, &family, addr))
			return;
		for (int r = 0; r < ranges.num_ip; r++) {
			if (!service_ip_range_index(&ranges.ip[r], family, addr, &index))
				continue;
			if (!st->ip_held[r]) {
				st->ip_held[r] = arena_alloc(a, bitmap_bytes(ranges.ip[r].size));
				memset(st->ip_held[r], 0, bitmap_bytes(ranges.ip[r].size));
			}
			bit_set(st->ip_held[r], index);
		}
	} else if (strcmp(kind, "nodeport") == 0) {
		uint32_t index;

		if (!service_port_range_index(&ranges.ports, atoll(value), &index))
			return;
		if (!st->port_held) {
			st->port_held = arena_alloc(a, bitmap_bytes(ranges.ports.size));
			memset(st->port_held, 0, bitmap_bytes(ranges.ports.size));
		}
		bit_set(st->port_held, index);
	}
}

static void held_read(void *ctx, PGresult *res, const char *error)
{
	struct rest_call *call = ctx;
	struct service_alloc *st = call->service_alloc;

	st->looked_up = true;
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
		for (int i = 0; i < PQntuples(res); i++)
			mark_held(st, &call->req->arena, PQgetvalue(res, i, 0),
				  PQgetvalue(res, i, 1));
	} else {
		/* The next write will tell. */
		log_warn("reading pgkube.service_allocations: %s",
			 res ? PQresultErrorMessage(res) : error);
	}
	event_loop_timer(call->req->worker->loop, 0, start_over, call);
}

/* Reads every value held, then starts the call over. */
static void look_up(struct rest_call *call)
{
	pg_pool_query(call->req->worker->pg, NULL,
		      "SELECT kind, value FROM pgkube.service_allocations", 0, NULL, held_read,
		      call);
}

/* A dry run checks the node ports the client asks for against what is held. */
static bool dry_run_needs_lookup(struct rest_call *call, struct service_alloc *st, json_t *spec)
{
	json_t *p;
	size_t i;

	if (!call->dry_run || st->looked_up)
		return false;
	if (service_needs_health_check(spec) && service_num(spec, "healthCheckNodePort"))
		return true;
	json_array_foreach(json_object_get(spec, "ports"), i, p)
	{
		if (service_num(p, "nodePort"))
			return true;
	}
	return false;
}

/* ---- create ---- */

enum service_alloc_result service_alloc_create(struct rest_call *call, json_t *svc,
					       void (*again)(struct rest_call *call))
{
	struct service_alloc *st;
	json_t *spec = service_spec(svc);
	char *text;

	if (!ranges_ready(call->req->worker->cfg)) {
		internal(call, "the service cluster IP range is not usable");
		return SERVICE_ALLOC_ERROR;
	}
	st = state_of(call, again);
	if (!st->original) {
		text = json_dumps(svc, JSON_COMPACT);
		st->original = arena_strdup(&call->req->arena, text);
		free(text);
	}
	service_normalize_cluster_ips(spec, NULL);
	if (dry_run_needs_lookup(call, st, spec)) {
		look_up(call);
		return SERVICE_ALLOC_PENDING;
	}
	pass_begin(call, st);
	if (!init_ip_families(call, svc, NULL) || !alloc_cluster_ips(call, st, svc))
		return SERVICE_ALLOC_ERROR;
	if (service_needs_node_port(spec) && !init_node_ports(call, st, svc))
		return SERVICE_ALLOC_ERROR;
	if (service_needs_health_check(spec) && !alloc_health_check(call, st, svc))
		return SERVICE_ALLOC_ERROR;
	service_hide_internal_traffic_policy(spec);
	return SERVICE_ALLOC_OK;
}

/* ---- update ---- */

/* updateClusterIPs: ExternalName to another type allocates all, a second
 * family allocates the secondary; releases are the write's. */
static bool update_cluster_ips(struct rest_call *call, struct service_alloc *st, json_t *svc,
			       json_t *old)
{
	json_t *spec = service_spec(svc), *old_spec = service_spec(old), *ips;

	if (service_matching_prefer_dual_stack(spec, old_spec))
		return true;
	if (!service_needs_cluster_ip(old_spec) && service_needs_cluster_ip(spec))
		return alloc_cluster_ips(call, st, svc);
	if (strcmp(service_str_at(json_object_get(old_spec, "clusterIPs"), 0), "None") == 0 ||
	    !service_needs_cluster_ip(spec))
		return true;
	if (service_len(json_object_get(old_spec, "ipFamilies")) == 1 &&
	    service_len(json_object_get(spec, "ipFamilies")) == 2) {
		ips = service_array(spec, "clusterIPs");
		if (json_array_size(ips) < 2)
			json_array_append_new(ips, json_string(""));
		return alloc_ips(call, st, svc, 1);
	}
	return true;
}

enum service_alloc_result service_alloc_update(struct rest_call *call, json_t *svc, json_t *old,
					       void (*again)(struct rest_call *call))
{
	struct service_alloc *st;
	json_t *spec = service_spec(svc), *old_copy, *old_spec;
	enum service_alloc_result result = SERVICE_ALLOC_ERROR;

	if (!ranges_ready(call->req->worker->cfg)) {
		internal(call, "the service cluster IP range is not usable");
		return SERVICE_ALLOC_ERROR;
	}
	st = state_of(call, again);
	old_copy = json_deep_copy(old);
	service_default_on_read(old_copy, &ranges.families);
	old_spec = service_spec(old_copy);
	service_patch_allocated_values(spec, old_spec);
	service_normalize_cluster_ips(spec, old_spec);
	if (dry_run_needs_lookup(call, st, spec)) {
		look_up(call);
		json_decref(old_copy);
		return SERVICE_ALLOC_PENDING;
	}
	pass_begin(call, st);
	if (!init_ip_families(call, svc, old_copy) || !update_cluster_ips(call, st, svc, old_copy))
		goto out;
	if (service_needs_node_port(spec) && !update_node_ports(call, st, svc, old_copy))
		goto out;
	if (!service_needs_health_check(old_spec) && service_needs_health_check(spec) &&
	    !alloc_health_check(call, st, svc))
		goto out;
	service_drop_type_dependent_fields(svc, old_copy);
	service_hide_internal_traffic_policy(spec);
	result = SERVICE_ALLOC_OK;
out:
	json_decref(old_copy);
	return result;
}

/* ---- after the write ---- */

static bool claim_is(const struct claim *c, const char *kind, const char *value)
{
	unsigned char addr[16];
	int family;

	if (strcmp(kind, "ip") == 0)
		return c->kind == CLAIM_IP && service_ip_parse(value, &family, addr) &&
		       family == ranges.ip[c->range].family &&
		       memcmp(addr, c->addr, family == AF_INET ? 4 : 16) == 0;
	return c->kind == CLAIM_PORT && atoll(value) == c->port;
}

/* Upstream's error for a value the client asked for that another Service holds. */
static void report_held(struct rest_call *call, const struct claim *c)
{
	struct arena *a = &call->req->arena;

	if (c->kind == CLAIM_IP)
		invalid_one(
		    call, c->field, c->rendered,
		    arena_printf(a, "failed to allocate IP %s: provided IP is already allocated",
				 c->text));
	else if (c->health_check)
		internal(call,
			 arena_printf(a,
				      "failed to allocate requested HealthCheck NodePort %lld: "
				      "provided port is already allocated",
				      c->port));
	else
		invalid_one(call, c->field, c->rendered, "provided port is already allocated");
}

enum service_alloc_outcome service_alloc_written(struct rest_call *call,
						 const struct store_result *res)
{
	struct service_alloc *st = call->service_alloc;
	const struct claim *first = NULL;
	const char *p = res->message ? res->message : "";

	if (!st || res->status != STORE_ALLOCATED)
		return SERVICE_ALLOC_NOT_MINE;
	/* "ip 10.0.0.5,nodeport 30080" */
	while (*p) {
		size_t len = strcspn(p, ","), sp = strcspn(p, " ");
		char kind[16], value[64];

		if (sp < len && sp < sizeof(kind) && len - sp - 1 < sizeof(value)) {
			snprintf(kind, sizeof(kind), "%.*s", (int)sp, p);
			snprintf(value, sizeof(value), "%.*s", (int)(len - sp - 1), p + sp + 1);
			for (int i = 0; i < st->num_claims; i++) {
				const struct claim *c = &st->claims[i];

				if (!claim_is(c, kind, value))
					continue;
				if (c->requested && (!first || c < first))
					first = c;
			}
			mark_held(st, &call->req->arena, kind, value);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (first) {
		report_held(call, first);
		return SERVICE_ALLOC_FAILED;
	}
	if (++st->retries > MAX_RETRIES) {
		internal(call, "failed to allocate a serviceIP or nodePort: every value picked was "
			       "taken by a concurrent write");
		return SERVICE_ALLOC_FAILED;
	}
	if (LOG_V(2))
		log_info("service %s/%s: %s held by another Service; picking again",
			 call->key.namespace, call->key.name, res->message ? res->message : "");
	look_up(call);
	return SERVICE_ALLOC_RETRYING;
}
