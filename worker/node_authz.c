/*
 * node_authz.c - the Node authorizer's cache and the NodeRestriction hook;
 * see node_authz.h.
 *
 * The cache works as the RBAC cache does (authz.c): one statement reads
 * the objects together with the resourceVersion counter, so they are the
 * state at one resourceVersion S; the watch hub hands every change after S
 * to cache_change; when the hub had to skip changes, the cache is loaded
 * again. Pods are read trimmed to what the graph uses (a bound pod's spec,
 * uid, mirror annotation and claim statuses) and Nodes to their uid. While
 * a reload is under way the graph is empty, so graph decisions fail
 * closed; the static rules still apply.
 */
#include "worker/node_authz.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "master/rbac_bootstrap.h"
#include "shared/log.h"
#include "shared/node_authorizer.h"
#include "shared/node_graph.h"
#include "shared/node_restriction.h"
#include "shared/strmap.h"
#include "shared/xalloc.h"
#include "worker/authz.h"
#include "worker/pg_pool.h"
#include "worker/rest_internal.h"
#include "worker/watch.h"
#include "worker/worker.h"

#define RELOAD_RETRY_MS 1000

struct node_authz {
	struct worker *w;
	bool authorizer, restriction;
	struct node_graph *graph; /* never NULL; empty until loaded */
	struct strmap node_uids;  /* Node name -> uid (owned) */
	bool loaded;
	int64_t rv; /* the cache reflects every change up to here */
	bool loading;
	uint64_t retry_timer;
	struct arena rules_arena;
	struct rbac_rule *rules; /* bootstrappolicy.NodeRules() */
	size_t num_rules;
};

/* The pod fields the graph reads (mirror annotation kept alone: others,
 * like last-applied-configuration, can be large). */
#define POD_TRIMMED                                                                                \
	"jsonb_build_object('metadata', jsonb_build_object('namespace', o.namespace,"              \
	"  'name', o.name, 'uid', o.object->'metadata'->'uid', 'annotations',"                     \
	"  CASE WHEN o.object->'metadata'->'annotations' ? 'kubernetes.io/config.mirror'"          \
	"  THEN jsonb_build_object('kubernetes.io/config.mirror', '') END),"                       \
	" 'spec', o.object->'spec', 'status', jsonb_build_object('resourceClaimStatuses',"         \
	"  o.object->'status'->'resourceClaimStatuses'))"

#define LOAD_SQL(graph)                                                                            \
	"SELECT r.rv, o.api_group, o.resource, o.namespace, o.name,"                               \
	" (CASE o.resource WHEN 'pods' THEN " POD_TRIMMED                                          \
	"  WHEN 'nodes' THEN jsonb_build_object('metadata',"                                       \
	"   jsonb_build_object('uid', o.object->'metadata'->'uid'))"                               \
	"  ELSE o.object END)::text"                                                               \
	" FROM pgkube.revision r LEFT JOIN pgkube.objects o ON o.object IS NOT NULL AND ("         \
	"  (o.api_group = '' AND o.resource = 'nodes') OR (" graph " AND ("                        \
	"   (o.api_group = '' AND o.resource = 'persistentvolumes')"                               \
	"   OR (o.api_group = '' AND o.resource = 'pods'"                                          \
	"    AND o.object->'spec'->>'nodeName' <> '')"                                             \
	"   OR (o.api_group = 'storage.k8s.io' AND o.resource = 'volumeattachments')"              \
	"   OR (o.api_group = 'resource.k8s.io' AND o.resource = 'resourceslices'))))"

static const char load_graph_sql[] = LOAD_SQL("TRUE");
static const char load_nodes_sql[] = LOAD_SQL("FALSE");

static const char *load_sql(const struct node_authz *n)
{
	return n->authorizer ? load_graph_sql : load_nodes_sql;
}

/* ---- the cache ---- */

static bool is_node(const char *group, const char *resource)
{
	return !*group && strcmp(resource, "nodes") == 0;
}

/* Whether the graph follows changes of this resource (node_graph_apply). */
static bool graph_follows(const char *group, const char *resource)
{
	if (!*group)
		return strcmp(resource, "pods") == 0 || strcmp(resource, "persistentvolumes") == 0;
	return (strcmp(group, "storage.k8s.io") == 0 &&
		strcmp(resource, "volumeattachments") == 0) ||
	       (strcmp(group, "resource.k8s.io") == 0 && strcmp(resource, "resourceslices") == 0);
}

static void free_uid(const char *key, void *value, void *ctx)
{
	free(value);
}

static void clear_node_uids(struct node_authz *n)
{
	strmap_each(&n->node_uids, free_uid, NULL);
	strmap_free(&n->node_uids);
	n->node_uids = (struct strmap){0};
}

static void put_node_uid(struct node_authz *n, const char *name, json_t *node, bool deleted)
{
	const char *uid =
	    json_string_value(json_object_get(json_object_get(node, "metadata"), "uid"));

	if (deleted || !uid)
		free(strmap_remove(&n->node_uids, name));
	else
		free(strmap_put(&n->node_uids, name, xstrdup(uid)));
}

/* One object of the load, or one change. */
static void cache_apply(struct node_authz *n, const char *group, const char *resource,
			const char *ns, const char *name, const char *text, bool deleted)
{
	json_t *obj;

	if (!is_node(group, resource) && !(n->authorizer && graph_follows(group, resource)))
		return;
	if (!(obj = json_loads(text, 0, NULL)))
		return;
	if (is_node(group, resource))
		put_node_uid(n, name, obj, deleted);
	else
		node_graph_apply(n->graph, group, resource, ns, name, obj, deleted);
	json_decref(obj);
}

static void cache_change(void *ctx, const struct watch_change *c)
{
	struct node_authz *n = ctx;

	if (!n->loaded || c->rv <= n->rv)
		return;
	n->rv = c->rv;
	cache_apply(n, c->group, c->resource, c->namespace, c->name, c->object,
		    strcmp(c->type, "DELETED") == 0);
}

/* Empties the cache (before a load). */
static void cache_reset(struct node_authz *n)
{
	node_graph_free(n->graph);
	n->graph = node_graph_new();
	clear_node_uids(n);
	n->loaded = false;
}

/* Fills the cache from a load's rows; false when the result is not one. */
static bool cache_fill(struct node_authz *n, PGresult *res)
{
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1)
		return false;
	cache_reset(n);
	n->rv = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	for (int i = 0; i < PQntuples(res); i++)
		if (!PQgetisnull(res, i, 1))
			cache_apply(n, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
				    PQgetvalue(res, i, 3), PQgetvalue(res, i, 4),
				    PQgetvalue(res, i, 5), false);
	n->loaded = true;
	return true;
}

static void cache_reload(struct node_authz *n);

/* A fresh cache at n->rv: brought up to where the hub is. */
static void cache_install(struct node_authz *n)
{
	struct node_graph_stats st;

	watch_hub_start_at(n->w->watch, n->rv);
	if (!watch_hub_replay(n->w->watch, n->rv, n)) {
		/* The hub's window has moved past the snapshot: again. */
		cache_reset(n);
		cache_reload(n);
		return;
	}
	node_graph_stats(n->graph, &st);
	if (LOG_V(2))
		log_info("Node authorizer cache at resourceVersion %lld: %zu nodes, %zu pods, "
			 "%zu persistentvolumes, %zu volumeattachments, %zu edges",
			 (long long)n->rv, n->node_uids.count, st.vertices[NODE_GRAPH_POD],
			 st.vertices[NODE_GRAPH_PV], st.vertices[NODE_GRAPH_VOLUMEATTACHMENT],
			 st.edges);
}

static void cache_loaded(void *ctx, PGresult *res, const char *error)
{
	struct node_authz *n = ctx;

	n->loading = false;
	if (!cache_fill(n, res)) {
		log_warn("Node authorizer cache: cannot load: %s", res ? PQresultErrorMessage(res)
								   : error ? error
									   : "no result");
		cache_reload(n);
		return;
	}
	cache_install(n);
}

static void retry_load(struct event_loop *loop, void *ctx)
{
	struct node_authz *n = ctx;

	n->retry_timer = 0;
	n->loading = true;
	pg_pool_query(n->w->pg, NULL, load_sql(n), 0, NULL, cache_loaded, n);
}

/* Loads the cache again, through the pool, a little later. */
static void cache_reload(struct node_authz *n)
{
	if (n->loading || n->retry_timer)
		return;
	n->retry_timer = event_loop_timer(n->w->loop, RELOAD_RETRY_MS, retry_load, n);
}

static void cache_resync(void *ctx)
{
	struct node_authz *n = ctx;

	log_warn("Node authorizer cache: the change log was compacted past this worker; "
		 "reloading");
	cache_reset(n);
	cache_reload(n);
}

/* The first load, before the worker serves. */
static void cache_load_now(struct node_authz *n)
{
	const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *values[] = {n->w->cfg->storage_dsn, "10", "pgkube-node-authorizer", NULL};
	PGconn *pg = PQconnectdbParams(keys, values, 1);
	PGresult *res = NULL;

	if (PQstatus(pg) == CONNECTION_OK)
		res = PQexec(pg, load_sql(n));
	if (cache_fill(n, res))
		cache_install(n);
	else
		cache_loaded(n, res, PQerrorMessage(pg)); /* logs, retries */
	PQclear(res);
	PQfinish(pg);
}

/* bootstrappolicy.NodeRules(): the rules of the system:node ClusterRole. */
static void load_node_rules(struct node_authz *n)
{
	json_t *policy = rbac_bootstrap_policy(), *role;
	size_t i;

	json_array_foreach(json_object_get(policy, "clusterRoles"), i, role)
	{
		const char *name = json_string_value(json_object_get(role, "name"));

		if (name && strcmp(name, "system:node") == 0)
			n->num_rules = rbac_rules_from_json(
			    &n->rules_arena, json_object_get(role, "rules"), &n->rules);
	}
	json_decref(policy);
}

struct node_authz *node_authz_new(struct worker *w, bool authorizer, bool restriction)
{
	struct node_authz *n = xcalloc(1, sizeof(*n));

	n->w = w;
	n->authorizer = authorizer;
	n->restriction = restriction;
	n->graph = node_graph_new();
	load_node_rules(n);
	watch_hub_add_listener(w->watch, cache_change, cache_resync, n);
	cache_load_now(n);
	return n;
}

void node_authz_free(struct node_authz *n)
{
	if (!n)
		return;
	if (n->retry_timer)
		event_loop_cancel(n->w->loop, n->retry_timer);
	node_graph_free(n->graph);
	clear_node_uids(n);
	arena_free(&n->rules_arena);
	free(n);
}

bool node_authz_allows(const struct node_authz *n, const struct authz_attributes *attrs,
		       struct arena *a, const char **reason)
{
	return node_authorize(n->graph, n->rules, n->num_rules, attrs, a, reason);
}

/* ---- NodeRestriction ---- */

static const char *node_uid(void *ctx, const char *node)
{
	const struct node_authz *n = ctx;

	return strmap_get(&n->node_uids, node);
}

bool node_authz_admit(struct rest_call *call, json_t *obj, json_t *old)
{
	struct request *req = call->req;
	struct node_authz *n = authz_node(req->worker->authz);
	struct node_admission r = {
	    .user = req->user.name,
	    .groups = req->user.groups,
	    .num_groups = req->user.num_groups,
	    .operation = !old  ? NODE_ADMISSION_CREATE
			 : obj ? NODE_ADMISSION_UPDATE
			       : NODE_ADMISSION_DELETE,
	    .group = call->rt->group,
	    .resource = call->rt->resource,
	    .subresource = call->subresource,
	    .namespace = call->key.namespace,
	    .name = call->key.name,
	    .object = obj,
	    .old = old,
	    .node_uid = node_uid,
	    .ctx = n,
	};
	struct node_admission_error err;
	json_t *details;

	if (!n || !n->restriction || node_restriction_admit(&r, &req->arena, &err))
		return true;
	details = json_object();
	json_object_set_new(details, "name", json_string(err.name));
	if (*err.group)
		json_object_set_new(details, "group", json_string(err.group));
	json_object_set_new(details, "kind", json_string(err.kind));
	json_decref(call->err.details);
	call->err = (struct rest_error){err.code, err.reason, err.message, details};
	return false;
}
