/*
 * bootstrap.c - the objects every cluster starts with, written at start
 * before the workers serve:
 *   - the namespaces default, kube-system, kube-public and kube-node-lease;
 *   - the system PriorityClasses (kube-apiserver's post-start hook
 *     scheduling/bootstrap-system-priority-classes);
 *   - the bootstrap RBAC policy, created and reconciled as the
 *     rbac/bootstrap-roles post-start hook does (rbac_bootstrap.c);
 *   - one APIService per served group-version, as the aggregator's
 *     autoregister controller keeps the local ones "onstart": created when
 *     missing, their spec put back when it was changed, and removed once
 *     their group-version is no longer served.
 * (The Service "kubernetes" and its endpoints depend on flags and are kept
 * for as long as the server runs: master/kubernetes_service.c.)
 *
 * Safe when several instances start at once on one database: every write
 * goes through the pgkube.*_object functions, a create of a name another
 * instance created meanwhile fails on the primary key and is simply done,
 * and updates and deletes carry the resourceVersion they read, so the
 * losers of a race see a conflict or a missing row and leave the winner's
 * write alone. Each object is written once, and a restart writes nothing.
 */
#include "bootstrap.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "master/rbac_bootstrap.h"
#include "shared/log.h"
#include "shared/registry.h"
#include "shared/timestamp.h"
#include "shared/uuid.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const default_namespaces[] = {"default", "kube-system", "kube-public",
						 "kube-node-lease"};

/*
 * SystemPriorityClasses of pkg/apis/scheduling/v1, as they are stored after
 * the API's defaulting (preemptionPolicy) and strategy (generation);
 * globalDefault is false, which PriorityClass leaves out (omitempty).
 */
static const struct {
	const char *name;
	long long value;
	const char *description;
} system_priority_classes[] = {
    {"system-node-critical", 2000001000,
     "Used for system critical pods that must not be moved from their current node."},
    {"system-cluster-critical", 2000000000,
     "Used for system critical pods that must run in the cluster, but can be moved to another "
     "node if necessary."},
};

#define AUTOMANAGED_LABEL "kube-aggregator.kubernetes.io/automanaged"

/* PostgreSQL's codes for what losing a race to another instance looks like. */
#define SQLSTATE_DUPLICATE "23505"
#define SQLSTATE_NOT_FOUND "PGK04"
#define SQLSTATE_CONFLICT  "PGK09"

static const char create_sql[] =
    "SELECT 1 FROM pgkube.create_object($1, $2, '', $3, $4::uuid, $5::jsonb, NULL)"
    " WHERE NOT EXISTS (SELECT 1 FROM pgkube.objects"
    "  WHERE api_group = $1 AND resource = $2 AND namespace = '' AND name = $3)";

static const char list_onstart_sql[] =
    "SELECT name, rv, object FROM pgkube.objects"
    " WHERE api_group = 'apiregistration.k8s.io' AND resource = 'apiservices'"
    "  AND namespace = '' AND object IS NOT NULL"
    "  AND object -> 'metadata' -> 'labels' ->> '" AUTOMANAGED_LABEL "' = 'onstart'";

static const char update_api_service_sql[] =
    "SELECT 1 FROM pgkube.update_object('apiregistration.k8s.io', 'apiservices', '', $1,"
    " $2::bigint, $3::jsonb, NULL)";

static const char delete_api_service_sql[] =
    "SELECT 1 FROM pgkube.delete_object('apiregistration.k8s.io', 'apiservices', '', $1,"
    " $2::bigint, NULL)";

struct bootstrap {
	PGconn *pg;
	char now[TIMESTAMP_RFC3339_SIZE]; /* creationTimestamp of what is created */
	char *err;
	size_t err_len;
};

/*
 * Runs a write statement. Returns 1 when it wrote, 0 when it did not
 * (no row, or another instance won: a SQLSTATE in `lost`), -1 with a
 * message in b->err otherwise.
 */
static int run_write(struct bootstrap *b, const char *sql, int nparams, const char *const *params,
		     const char *const *lost, const char *what)
{
	PGresult *res = PQexecParams(b->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	int rc = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		rc = PQntuples(res) > 0;
	} else {
		for (const char *const *s = lost; *s && rc < 0; s++)
			if (state && strcmp(state, *s) == 0)
				rc = 0;
		if (rc < 0)
			snprintf(b->err, b->err_len, "bootstrap: %s: %s", what,
				 PQresultErrorMessage(res));
	}
	PQclear(res);
	return rc;
}

/* Creates a cluster-scoped object unless one of its name exists: 1 created,
 * 0 there already, -1 on error. Fills in metadata.uid and
 * creationTimestamp; obj is the caller's. */
static int create_missing(struct bootstrap *b, const char *group, const char *resource, json_t *obj)
{
	static const char *const lost[] = {SQLSTATE_DUPLICATE, NULL};
	json_t *meta = json_object_get(obj, "metadata");
	char uid[UUID_STRING_LEN], what[512], *text;
	const char *params[5];
	int rc;

	uuid_v4(uid);
	json_object_set_new(meta, "uid", json_string(uid));
	json_object_set_new(meta, "creationTimestamp", json_string(b->now));
	text = json_dumps(obj, JSON_COMPACT);
	if (!text)
		abort();
	params[0] = group;
	params[1] = resource;
	params[2] = json_string_value(json_object_get(meta, "name"));
	params[3] = uid;
	params[4] = text;
	snprintf(what, sizeof(what), "%s %s", resource, params[2]);
	rc = run_write(b, create_sql, 5, params, lost, what);
	free(text);
	return rc;
}

/* kube-apiserver's system namespaces: labelled with their name, finalizer
 * "kubernetes", phase Active. */
static int bootstrap_namespaces(struct bootstrap *b)
{
	for (size_t i = 0; i < N(default_namespaces); i++) {
		const char *name = default_namespaces[i];
		json_t *ns = json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:{s:[s]}, s:{s:s}}",
				       "apiVersion", "v1", "kind", "Namespace", "metadata", "name",
				       name, "labels", "kubernetes.io/metadata.name", name, "spec",
				       "finalizers", "kubernetes", "status", "phase", "Active");
		int rc = create_missing(b, "", "namespaces", ns);

		json_decref(ns);
		if (rc < 0)
			return -1;
		if (rc)
			log_info("created namespace %s", name);
	}
	return 0;
}

static int bootstrap_priority_classes(struct bootstrap *b)
{
	for (size_t i = 0; i < N(system_priority_classes); i++) {
		json_t *pc = json_pack("{s:s, s:s, s:{s:s, s:i}, s:I, s:s, s:s}", "apiVersion",
				       "scheduling.k8s.io/v1", "kind", "PriorityClass", "metadata",
				       "name", system_priority_classes[i].name, "generation", 1,
				       "value", (json_int_t)system_priority_classes[i].value,
				       "description", system_priority_classes[i].description,
				       "preemptionPolicy", "PreemptLowerPriority");
		int rc = create_missing(b, "scheduling.k8s.io", "priorityclasses", pc);

		json_decref(pc);
		if (rc < 0)
			return -1;
		if (rc)
			log_info("created PriorityClass %s with value %lld",
				 system_priority_classes[i].name, system_priority_classes[i].value);
	}
	return 0;
}

/* ---- APIServices ---- */

struct api_service {
	char name[320]; /* "<version>.<group>", "v1." for the core group */
	json_t *spec;
	bool seen; /* it exists, managed onstart */
};

/* makeAPIService: group (left out when empty, as omitempty does), version
 * and the two priorities; no service, so the API is served here. */
static json_t *api_service_spec(const char *group, const char *version, int group_priority,
				int version_priority)
{
	json_t *spec = json_object();

	if (*group)
		json_object_set_new(spec, "group", json_string(group));
	json_object_set_new(spec, "version", json_string(version));
	json_object_set_new(spec, "groupPriorityMinimum", json_integer(group_priority));
	json_object_set_new(spec, "versionPriority", json_integer(version_priority));
	return spec;
}

/* The desired APIServices, one per served group-version that has a
 * priority; *n of them (free with free_api_services). */
static struct api_service *desired_api_services(size_t *n)
{
	struct api_service *list = calloc(registry_count() + 1, sizeof(*list));

	if (!list)
		abort();
	*n = 0;
	for (size_t g = 0; g < registry_group_count(); g++) {
		const char *group = registry_group_at(g), *versions[16];
		size_t nv = registry_group_versions(group, versions, N(versions));

		for (size_t v = 0; v < nv; v++) {
			int group_priority, version_priority;

			if (!registry_api_service_priority(group, versions[v], &group_priority,
							   &version_priority))
				continue;
			snprintf(list[*n].name, sizeof(list[*n].name), "%s.%s", versions[v], group);
			list[*n].spec =
			    api_service_spec(group, versions[v], group_priority, version_priority);
			(*n)++;
		}
	}
	return list;
}

static void free_api_services(struct api_service *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(list[i].spec);
	free(list);
}

/* What the aggregator's strategy makes of a new local APIService: status
 * Available, reason Local. */
static json_t *api_service_object(struct bootstrap *b, const struct api_service *as)
{
	return json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:O, s:{s:[{s:s, s:s, s:s, s:s, s:s}]}}",
			 "apiVersion", "apiregistration.k8s.io/v1", "kind", "APIService",
			 "metadata", "name", as->name, "labels", AUTOMANAGED_LABEL, "onstart",
			 "spec", as->spec, "status", "conditions", "type", "Available", "status",
			 "True", "lastTransitionTime", b->now, "reason", "Local", "message",
			 "Local APIServices are always available");
}

/* An existing onstart APIService: its spec put back if it was changed
 * (the rest, status included, stays), or the object removed when its
 * group-version is no longer served. */
static int sync_existing(struct bootstrap *b, struct api_service *desired, size_t n,
			 const char *name, const char *rv, const char *object_text)
{
	static const char *const lost[] = {SQLSTATE_NOT_FOUND, SQLSTATE_CONFLICT, NULL};
	const char *params[3] = {name, rv, NULL};
	struct api_service *as = NULL;
	json_t *obj;
	char *text;
	int rc;

	for (size_t i = 0; i < n && !as; i++)
		if (strcmp(desired[i].name, name) == 0)
			as = &desired[i];
	if (!as) {
		rc =
		    run_write(b, delete_api_service_sql, 2, params, lost, "deleting an APIService");
		if (rc > 0)
			log_info("removed APIService %s: its group-version is not served", name);
		return rc < 0 ? -1 : 0;
	}
	as->seen = true;
	obj = json_loads(object_text, 0, NULL);
	if (!obj || json_equal(json_object_get(obj, "spec"), as->spec)) {
		json_decref(obj);
		return 0;
	}
	json_object_set(obj, "spec", as->spec);
	text = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	if (!text)
		abort();
	params[2] = text;
	rc = run_write(b, update_api_service_sql, 3, params, lost, "updating an APIService");
	free(text);
	if (rc > 0)
		log_info("restored the spec of APIService %s", name);
	return rc < 0 ? -1 : 0;
}

static int bootstrap_api_services(struct bootstrap *b)
{
	size_t n;
	struct api_service *desired = desired_api_services(&n);
	PGresult *res = PQexec(b->pg, list_onstart_sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(b->err, b->err_len, "bootstrap: APIServices: %s",
			 PQresultErrorMessage(res));
		rc = -1;
	}
	for (int i = 0; rc == 0 && i < PQntuples(res); i++)
		rc = sync_existing(b, desired, n, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
				   PQgetvalue(res, i, 2));
	PQclear(res);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		json_t *obj;
		int created;

		if (desired[i].seen)
			continue;
		obj = api_service_object(b, &desired[i]);
		created = create_missing(b, "apiregistration.k8s.io", "apiservices", obj);
		json_decref(obj);
		if (created < 0)
			rc = -1;
		else if (created && LOG_V(2))
			log_info("created APIService %s", desired[i].name);
	}
	free_api_services(desired, n);
	return rc;
}

int bootstrap_run(const char *dsn, char *err, size_t err_len)
{
	struct bootstrap b = {.err = err, .err_len = err_len};
	struct timestamp now = timestamp_from_time(time(NULL));
	int rc;

	if (registry_load(err, err_len) < 0)
		return -1;
	timestamp_format(&now, b.now);
	b.pg = PQconnectdb(dsn);
	if (PQstatus(b.pg) != CONNECTION_OK) {
		snprintf(err, err_len, "bootstrap: %s", PQerrorMessage(b.pg));
		PQfinish(b.pg);
		return -1;
	}
	rc = bootstrap_namespaces(&b);
	if (rc == 0)
		rc = bootstrap_priority_classes(&b);
	if (rc == 0)
		rc = bootstrap_api_services(&b);
	if (rc == 0)
		rc = rbac_bootstrap_run(b.pg, b.now, err, err_len);
	PQfinish(b.pg);
	return rc;
}
