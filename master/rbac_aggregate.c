/*
 * rbac_aggregate.c - keeps the rules of every ClusterRole with an
 * aggregationRule equal to the union of the ClusterRoles its selectors
 * match, as kube-controller-manager's clusterrole-aggregation controller
 * does, so that admin, edit, view and users' aggregated roles work on a
 * control plane that runs no controller manager.
 *
 * Every AGGREGATE_INTERVAL_MS the master reads a fingerprint of the
 * ClusterRoles (their count and newest resourceVersion); only when it
 * moved does it read them all and rewrite the aggregated roles whose rules
 * differ, each update carrying the resourceVersion it read. A session
 * advisory lock lets one instance of an HA set do it at a time, and a
 * round repeats (a few times at most) while it changed something, since an
 * aggregated role may aggregate another (admin takes edit's rules).
 */
#include "rbac_bootstrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/rbac.h"
#include "worker/event_loop.h"

#define AGGREGATE_LOCK_KEY    0x70676b75626504LL
#define AGGREGATE_INTERVAL_MS 1000
#define MAX_ROUNDS	      5

static const char fingerprint_sql[] =
    "SELECT count(*) || ':' || coalesce(max(rv), 0) FROM pgkube.objects"
    " WHERE api_group = 'rbac.authorization.k8s.io' AND resource = 'clusterroles'";
static const char list_sql[] = "SELECT rv, object::text FROM pgkube.objects"
			       " WHERE api_group = 'rbac.authorization.k8s.io'"
			       "  AND resource = 'clusterroles' AND object IS NOT NULL"
			       " ORDER BY name";
static const char update_sql[] =
    "SELECT 1 FROM pgkube.update_object('rbac.authorization.k8s.io', 'clusterroles', '', $1,"
    " $2::bigint, $3::jsonb, NULL)";

static json_t *labels_of(json_t *obj)
{
	return json_object_get(json_object_get(obj, "metadata"), "labels");
}

static const char *name_of(json_t *obj)
{
	const char *name =
	    json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));

	return name ? name : "";
}

json_t *rbac_aggregated_rules(json_t *role, json_t *roles)
{
	json_t *selectors =
	    json_object_get(json_object_get(role, "aggregationRule"), "clusterRoleSelectors");
	json_t *rules = json_array(), *other, *sel, *rule;
	size_t i, j, k;

	json_array_foreach(roles, i, other)
	{
		bool match = false;

		if (strcmp(name_of(other), name_of(role)) == 0)
			continue;
		json_array_foreach(selectors, j, sel) match =
		    match || rbac_label_selector_matches(sel, labels_of(other));
		if (!match)
			continue;
		json_array_foreach(json_object_get(other, "rules"), k, rule)
		{
			bool seen = false;
			json_t *have;
			size_t m;

			json_array_foreach(rules, m, have) seen = seen || json_equal(have, rule);
			if (!seen)
				json_array_append(rules, rule);
		}
	}
	return rules;
}

void rbac_aggregator_init(struct rbac_aggregator *g, const char *dsn)
{
	memset(g, 0, sizeof(*g));
	g->dsn = dsn;
	g->next_run = monotonic_ms() + AGGREGATE_INTERVAL_MS;
}

int64_t rbac_aggregator_due_in(const struct rbac_aggregator *g)
{
	int64_t wait = g->next_run - monotonic_ms();

	return wait < 0 ? 0 : wait;
}

void rbac_aggregator_close(struct rbac_aggregator *g)
{
	if (g->pg)
		PQfinish(g->pg);
	g->pg = NULL;
}

static bool connect_db(struct rbac_aggregator *g)
{
	const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *values[] = {g->dsn, "5", "pgkube-rbac-aggregator", NULL};

	if (g->pg && PQstatus(g->pg) == CONNECTION_OK)
		return true;
	rbac_aggregator_close(g);
	g->pg = PQconnectdbParams(keys, values, 1);
	if (PQstatus(g->pg) != CONNECTION_OK) {
		rbac_aggregator_close(g);
		return false;
	}
	return true;
}

/* One value of a one-row query, copied into out; false on failure. */
static bool query_value(PGconn *pg, const char *sql, char *out, size_t len)
{
	PGresult *res = PQexec(pg, sql);
	bool ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;

	if (ok)
		snprintf(out, len, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return ok;
}

/* The role's "$rv" as a string of the caller's (free it). */
static char *stored_rv(json_t *role)
{
	const char *rv = json_string_value(json_object_get(role, "$rv"));

	return strdup(rv ? rv : "0");
}

/* Same rules, null and [] alike (Semantic.DeepEqual). */
static bool same_rules(json_t *a, json_t *b)
{
	if (!json_array_size(a) && !json_array_size(b))
		return true;
	return a && b && json_equal(a, b);
}

static bool is_aggregated(json_t *role)
{
	return json_array_size(json_object_get(json_object_get(role, "aggregationRule"),
					       "clusterRoleSelectors")) > 0;
}

/*
 * Reads every ClusterRole, settles the aggregated ones in memory (repeated
 * until nothing moves, since one may aggregate another), and writes each
 * that changed once. Returns how many it rewrote, -1 on error.
 */
int rbac_aggregate_once(PGconn *pg)
{
	PGresult *res = PQexec(pg, list_sql);
	json_t *roles = json_array(), *role;
	int written = 0;
	size_t i;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_warn("RBAC aggregation: %s", PQresultErrorMessage(res));
		PQclear(res);
		json_decref(roles);
		return -1;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		json_t *obj = json_loads(PQgetvalue(res, r, 1), 0, NULL);

		if (!obj)
			continue;
		json_object_set_new(obj, "$rv", json_string(PQgetvalue(res, r, 0)));
		json_object_set(obj, "$stored", json_object_get(obj, "rules") ?: json_null());
		json_array_append_new(roles, obj);
	}
	PQclear(res);
	for (int round = 0, moved = 1; moved && round < 10; round++) {
		moved = 0;
		json_array_foreach(roles, i, role)
		{
			json_t *rules;

			if (!is_aggregated(role))
				continue;
			rules = rbac_aggregated_rules(role, roles);
			if (same_rules(rules, json_object_get(role, "rules"))) {
				json_decref(rules);
				continue;
			}
			json_object_set_new(role, "rules", rules);
			moved = 1;
		}
	}
	json_array_foreach(roles, i, role)
	{
		const char *params[3];
		char *text;

		if (!is_aggregated(role) ||
		    same_rules(json_object_get(role, "rules"), json_object_get(role, "$stored")))
			continue;
		params[0] = name_of(role);
		params[1] = stored_rv(role);
		json_object_del(role, "$rv");
		json_object_del(role, "$stored");
		text = json_dumps(role, JSON_COMPACT);
		params[2] = text;
		res = PQexecParams(pg, update_sql, 3, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK) {
			written++;
			if (LOG_V(2))
				log_info("RBAC aggregation: updated the rules of ClusterRole %s",
					 params[0]);
		} else if (LOG_V(1)) {
			/* A conflict: someone wrote it meanwhile; the next run sees it. */
			log_warn("RBAC aggregation: ClusterRole %s: %s", params[0],
				 PQresultErrorMessage(res));
		}
		PQclear(res);
		free(text);
		free((char *)params[1]);
	}
	json_decref(roles);
	return written;
}

void rbac_aggregator_run(struct rbac_aggregator *g)
{
	char locked[8], fingerprint[64];
	char lock_sql[96], unlock_sql[96];

	if (monotonic_ms() < g->next_run)
		return;
	g->next_run = monotonic_ms() + AGGREGATE_INTERVAL_MS;
	if (!connect_db(g))
		return;
	snprintf(lock_sql, sizeof(lock_sql), "SELECT pg_try_advisory_lock(%lld)",
		 (long long)AGGREGATE_LOCK_KEY);
	snprintf(unlock_sql, sizeof(unlock_sql), "SELECT pg_advisory_unlock(%lld)",
		 (long long)AGGREGATE_LOCK_KEY);
	if (!query_value(g->pg, lock_sql, locked, sizeof(locked)) || strcmp(locked, "t") != 0)
		return;
	for (int round = 0; round < MAX_ROUNDS; round++) {
		if (!query_value(g->pg, fingerprint_sql, fingerprint, sizeof(fingerprint)) ||
		    strcmp(fingerprint, g->fingerprint) == 0)
			break;
		if (rbac_aggregate_once(g->pg) != 0)
			continue; /* it wrote (or failed): look again */
		snprintf(g->fingerprint, sizeof(g->fingerprint), "%s", fingerprint);
		break;
	}
	query_value(g->pg, unlock_sql, locked, sizeof(locked));
}
