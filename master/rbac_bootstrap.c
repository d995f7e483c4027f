/*
 * rbac_bootstrap.c - the bootstrap RBAC policy and its reconciliation; see
 * rbac_bootstrap.h.
 *
 * The policy is data (shared/rbac_bootstrap.json, transcribed from
 * upstream's bootstrappolicy testdata: cluster roles, controller roles,
 * their bindings, and the namespaced roles and bindings). Every object
 * gets the label kubernetes.io/bootstrapping=rbac-defaults and the
 * annotation rbac.authorization.kubernetes.io/autoupdate=true, as
 * upstream's addDefaultMetadata gives them.
 *
 * At start, as pkg/registry/rbac/reconciliation does for the
 * rbac/bootstrap-roles hook (never removing anything): a missing object is
 * created; an existing one not marked autoupdate "false" gets the labels,
 * annotations, rules (broken down, as Covers reports them), aggregation
 * selectors and subjects it lacks; a binding whose roleRef changed is
 * deleted and created again (a roleRef cannot be updated). Every write
 * carries the resourceVersion it read or fails on the primary key, so
 * instances starting together leave each other's writes alone, and a
 * second start writes nothing.
 */
#include "rbac_bootstrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/rbac.h"
#include "shared/uuid.h"

#define RBAC_GROUP	"rbac.authorization.k8s.io"
#define AUTOUPDATE	"rbac.authorization.kubernetes.io/autoupdate"
#define BOOTSTRAP_LABEL "kubernetes.io/bootstrapping"

#define SQLSTATE_DUPLICATE "23505"
#define SQLSTATE_NOT_FOUND "PGK04"
#define SQLSTATE_CONFLICT  "PGK09"

extern const char rbac_bootstrap_json[];

static const struct {
	const char *section; /* in the JSON */
	const char *kind;
	const char *resource;
} sections[] = {
    {"clusterRoles", "ClusterRole", "clusterroles"},
    {"clusterRoleBindings", "ClusterRoleBinding", "clusterrolebindings"},
    {"roles", "Role", "roles"},
    {"roleBindings", "RoleBinding", "rolebindings"},
};

static const char get_sql[] = "SELECT rv, object::text FROM pgkube.objects"
			      " WHERE api_group = '" RBAC_GROUP "' AND resource = $1"
			      "  AND namespace = $2 AND name = $3";
static const char create_sql[] =
    "SELECT 1 FROM pgkube.create_object('" RBAC_GROUP "', $1, $2, $3, $4::uuid, $5::jsonb, NULL)";
static const char update_sql[] =
    "SELECT 1 FROM pgkube.update_object('" RBAC_GROUP "', $1, $2, $3, $4::bigint, $5::jsonb, NULL)";
static const char delete_sql[] =
    "SELECT 1 FROM pgkube.delete_object('" RBAC_GROUP "', $1, $2, $3, $4::bigint, NULL)";

json_t *rbac_bootstrap_policy(void)
{
	json_error_t jerr;
	json_t *doc = json_loads(rbac_bootstrap_json, 0, &jerr);

	if (!doc) {
		log_error("shared/rbac_bootstrap.json: %s at line %d", jerr.text, jerr.line);
		abort(); /* embedded at build time: a broken file is a build bug */
	}
	return doc;
}

static json_t *bootstrap_metadata(json_t *entry)
{
	json_t *labels = json_pack("{s:s}", BOOTSTRAP_LABEL, "rbac-defaults");
	json_t *meta = json_pack("{s:s, s:o, s:{s:s}}", "name",
				 json_string_value(json_object_get(entry, "name")), "labels",
				 labels, "annotations", AUTOUPDATE, "true");

	json_object_update(labels, json_object_get(entry, "labels"));
	if (json_object_get(entry, "namespace"))
		json_object_set(meta, "namespace", json_object_get(entry, "namespace"));
	return meta;
}

/* One entry of a section as the object the API would hold. */
static json_t *desired_object(const char *kind, json_t *entry)
{
	json_t *obj = json_pack("{s:s, s:s, s:o}", "apiVersion", RBAC_GROUP "/v1", "kind", kind,
				"metadata", bootstrap_metadata(entry));
	json_t *ref = json_object_get(entry, "roleRef");

	if (ref) {
		json_object_set_new(obj, "roleRef",
				    json_pack("{s:s, s:O, s:O}", "apiGroup", RBAC_GROUP, "kind",
					      json_object_get(ref, "kind"), "name",
					      json_object_get(ref, "name")));
		if (json_array_size(json_object_get(entry, "subjects")))
			json_object_set(obj, "subjects", json_object_get(entry, "subjects"));
		return obj;
	}
	if (json_object_get(entry, "aggregationRule"))
		json_object_set(obj, "aggregationRule", json_object_get(entry, "aggregationRule"));
	json_object_set(obj, "rules", json_object_get(entry, "rules"));
	return obj;
}

json_t *rbac_bootstrap_objects(const char *section)
{
	json_t *doc = rbac_bootstrap_policy(), *out = json_array(), *entry;
	const char *kind = NULL;
	size_t i;

	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
		if (strcmp(sections[s].section, section) == 0)
			kind = sections[s].kind;
	json_array_foreach(json_object_get(doc, section), i, entry) if (kind)
	    json_array_append_new(out, desired_object(kind, entry));
	json_decref(doc);
	return out;
}

/* ---- reconciliation ---- */

static bool is_protected(json_t *existing)
{
	const char *v = json_string_value(json_object_get(
	    json_object_get(json_object_get(existing, "metadata"), "annotations"), AUTOUPDATE));

	return v && strcmp(v, "false") == 0;
}

/* The expected map's keys that existing lacks, added (existing values win). */
static bool merge_map(json_t *meta, json_t *expected_meta, const char *key)
{
	json_t *want = json_object_get(expected_meta, key), *have = json_object_get(meta, key), *v;
	const char *k;
	bool changed = false;

	json_object_foreach(want, k, v)
	{
		if (json_object_get(have, k))
			continue;
		if (!json_is_object(have)) {
			have = json_object();
			json_object_set_new(meta, key, have);
		}
		json_object_set(have, k, v);
		changed = true;
	}
	return changed;
}

static bool merge_metadata(json_t *result, json_t *expected)
{
	json_t *meta = json_object_get(result, "metadata");
	json_t *want = json_object_get(expected, "metadata");
	bool labels = merge_map(meta, want, "labels");

	return merge_map(meta, want, "annotations") || labels;
}

static bool array_has(json_t *arr, json_t *item)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) if (json_equal(v, item)) return true;
	return false;
}

json_t *rbac_reconcile_role(json_t *existing, json_t *expected)
{
	json_t *result, *want_agg = json_object_get(expected, "aggregationRule");
	json_t *have_agg = json_object_get(existing, "aggregationRule");
	struct arena a = {0};
	struct rbac_rule *have, *want, *missing;
	size_t num_have, num_want, num_missing;
	bool changed;

	if (is_protected(existing))
		return NULL;
	result = json_deep_copy(existing);
	changed = merge_metadata(result, expected);
	if (!want_agg && have_agg) {
		json_object_del(result, "aggregationRule");
		changed = true;
	} else if (want_agg && !have_agg) {
		json_object_set(result, "aggregationRule", want_agg);
		changed = true;
	} else if (want_agg) {
		json_t *have_sel = json_object_get(have_agg, "clusterRoleSelectors"), *sel;
		json_t *sels = json_deep_copy(json_is_array(have_sel) ? have_sel : NULL);
		size_t i;

		if (!sels)
			sels = json_array();
		json_array_foreach(json_object_get(want_agg, "clusterRoleSelectors"), i, sel)
		{
			if (array_has(have_sel, sel))
				continue;
			json_array_append(sels, sel);
			changed = true;
		}
		json_object_set_new(json_object_get(result, "aggregationRule"),
				    "clusterRoleSelectors", sels);
	}
	num_have = rbac_rules_from_json(&a, json_object_get(existing, "rules"), &have);
	num_want = rbac_rules_from_json(&a, json_object_get(expected, "rules"), &want);
	num_missing = rbac_uncovered_rules(&a, have, num_have, want, num_want, &missing);
	if (num_missing) {
		json_t *rules = json_object_get(result, "rules");

		if (!json_is_array(rules)) {
			rules = json_array();
			json_object_set_new(result, "rules", rules);
		}
		for (size_t i = 0; i < num_missing; i++)
			json_array_append_new(rules, rbac_rule_to_json(&missing[i]));
		changed = true;
	}
	arena_free(&a);
	if (!changed) {
		json_decref(result);
		return NULL;
	}
	return result;
}

json_t *rbac_reconcile_binding(json_t *existing, json_t *expected, int *recreate)
{
	json_t *result, *subjects, *s;
	bool changed;
	size_t i;

	*recreate = 0;
	if (is_protected(existing))
		return NULL;
	result = json_deep_copy(existing);
	changed = merge_metadata(result, expected);
	if (!json_equal(json_object_get(existing, "roleRef"),
			json_object_get(expected, "roleRef"))) {
		json_object_set(result, "roleRef", json_object_get(expected, "roleRef"));
		*recreate = 1;
		changed = true;
	}
	subjects = json_object_get(result, "subjects");
	json_array_foreach(json_object_get(expected, "subjects"), i, s)
	{
		if (array_has(subjects, s))
			continue;
		if (!json_is_array(subjects)) {
			subjects = json_array();
			json_object_set_new(result, "subjects", subjects);
		}
		json_array_append(subjects, s);
		changed = true;
	}
	if (!changed) {
		json_decref(result);
		return NULL;
	}
	return result;
}

/* ---- writing ---- */

/* 1 wrote, 0 lost a race (a SQLSTATE of lost), -1 error (err set). */
static int exec_write(PGconn *pg, const char *sql, int n, const char *const *params,
		      const char *lost, char *err, size_t err_len)
{
	PGresult *res = PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	int rc = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		rc = 1;
	else if (state && strstr(lost, state))
		rc = 0;
	else
		snprintf(err, err_len, "bootstrap RBAC policy: %s", PQresultErrorMessage(res));
	PQclear(res);
	return rc;
}

static int create_object(PGconn *pg, const char *resource, json_t *obj, const char *now, char *err,
			 size_t err_len)
{
	json_t *meta = json_object_get(obj, "metadata");
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	char uid[UUID_STRING_LEN], *text;
	const char *params[5];
	int rc;

	uuid_v4(uid);
	json_object_set_new(meta, "uid", json_string(uid));
	json_object_set_new(meta, "creationTimestamp", json_string(now));
	text = json_dumps(obj, JSON_COMPACT);
	if (!text)
		abort();
	params[0] = resource;
	params[1] = ns ? ns : "";
	params[2] = json_string_value(json_object_get(meta, "name"));
	params[3] = uid;
	params[4] = text;
	rc = exec_write(pg, create_sql, 5, params, SQLSTATE_DUPLICATE, err, err_len);
	free(text);
	return rc;
}

/* Brings one object to the policy: creates it as initial when missing,
 * reconciles it with want when not. */
static int sync_object(PGconn *pg, const char *resource, json_t *want, json_t *initial,
		       const char *now, char *err, size_t err_len)
{
	json_t *meta = json_object_get(want, "metadata");
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *params[5] = {resource, ns ? ns : "", name, NULL, NULL};
	PGresult *res = PQexecParams(pg, get_sql, 3, NULL, params, NULL, NULL, 0);
	json_t *existing, *next;
	char rv[32];
	int recreate = 0, rc;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, err_len, "bootstrap RBAC policy: %s", PQresultErrorMessage(res));
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		rc = create_object(pg, resource, initial, now, err, err_len);
		if (rc > 0 && LOG_V(2))
			log_info("created %s.%s/%s", resource, RBAC_GROUP, name);
		return rc < 0 ? -1 : 0;
	}
	snprintf(rv, sizeof(rv), "%s", PQgetvalue(res, 0, 0));
	existing = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
	PQclear(res);
	if (!existing)
		return 0;
	next = json_object_get(want, "roleRef") ? rbac_reconcile_binding(existing, want, &recreate)
						: rbac_reconcile_role(existing, want);
	json_decref(existing);
	if (!next)
		return 0;
	params[3] = rv;
	if (recreate) {
		rc = exec_write(pg, delete_sql, 4, params, SQLSTATE_NOT_FOUND SQLSTATE_CONFLICT,
				err, err_len);
		if (rc > 0) {
			json_object_del(json_object_get(next, "metadata"), "resourceVersion");
			rc = create_object(pg, resource, next, now, err, err_len);
		}
	} else {
		char *text = json_dumps(next, JSON_COMPACT);

		params[4] = text;
		rc = exec_write(pg, update_sql, 5, params, SQLSTATE_NOT_FOUND SQLSTATE_CONFLICT,
				err, err_len);
		free(text);
	}
	json_decref(next);
	if (rc > 0)
		log_info("reconciled %s.%s/%s%s%s", resource, RBAC_GROUP, ns ? ns : "",
			 ns ? "/" : "", name);
	return rc < 0 ? -1 : 0;
}

/*
 * The objects as first created: aggregated ClusterRoles with the rules the
 * policy's own roles give them (settled in memory, as one may aggregate
 * another), so a new cluster gets one write per object. Reconciliation
 * leaves their rules to the aggregator.
 */
static json_t *initial_objects(json_t *objects)
{
	json_t *initial = json_deep_copy(objects), *role;
	size_t i;

	for (int round = 0, moved = 1; moved && round < 10; round++) {
		moved = 0;
		json_array_foreach(initial, i, role)
		{
			json_t *rules;

			if (!json_object_get(role, "aggregationRule"))
				continue;
			rules = rbac_aggregated_rules(role, initial);
			moved = moved || !json_equal(rules, json_object_get(role, "rules"));
			json_object_set_new(role, "rules", rules);
		}
	}
	return initial;
}

int rbac_bootstrap_run(PGconn *pg, const char *now, char *err, size_t err_len)
{
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		json_t *objects = rbac_bootstrap_objects(sections[s].section), *obj;
		json_t *initial = initial_objects(objects);
		size_t i;
		int rc = 0;

		json_array_foreach(objects, i, obj) if (rc == 0) rc = sync_object(
		    pg, sections[s].resource, obj, json_array_get(initial, i), now, err, err_len);
		json_decref(initial);
		json_decref(objects);
		if (rc < 0)
			return -1;
	}
	/* admin, edit and view get their rules before anyone asks. */
	rbac_aggregate_once(pg);
	return 0;
}
