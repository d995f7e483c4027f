/*
 * test_bootstrap.c - master/bootstrap.c against a real PostgreSQL.
 *
 * On a fresh database: the exact objects kube-apiserver v1.32 starts a
 * cluster with (namespaces, system PriorityClasses, one local APIService per
 * served group-version), each written once. A second start writes nothing;
 * several instances starting at once write each object once between them.
 * Then the autoregister controller's "onstart" rules: a changed spec is put
 * back (status kept), a deleted object comes back, an onstart APIService of
 * a group-version no longer served goes, and APIServices the controller
 * does not manage, or PriorityClasses someone edited, are left alone.
 *
 * Expected objects are written with ' for " to keep them readable.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "master/bootstrap.h"
#include "pg_fixture.h"
#include "shared/timestamp.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* 4 namespaces, 2 PriorityClasses, 20 APIServices, and the RBAC policy:
 * 64 ClusterRoles, 45 ClusterRoleBindings, 7 Roles, 7 RoleBindings. */
#define BOOTSTRAP_OBJECTS (26 + 64 + 45 + 7 + 7)

static const char *const api_service_names[] = {
    "v1.",
    "v1.admissionregistration.k8s.io",
    "v1.apiextensions.k8s.io",
    "v1.apps",
    "v1.authentication.k8s.io",
    "v1.authorization.k8s.io",
    "v1.autoscaling",
    "v1.batch",
    "v1.certificates.k8s.io",
    "v1.coordination.k8s.io",
    "v1.discovery.k8s.io",
    "v1.events.k8s.io",
    "v1.flowcontrol.apiserver.k8s.io",
    "v1.networking.k8s.io",
    "v1.node.k8s.io",
    "v1.policy",
    "v1.rbac.authorization.k8s.io",
    "v1.scheduling.k8s.io",
    "v1.storage.k8s.io",
    "v2.autoscaling",
};

static const struct {
	const char *group, *resource, *name;
	const char *object; /* without uid, creationTimestamp, resourceVersion */
} expected_objects[] = {
    {"", "namespaces", "kube-node-lease",
     "{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'kube-node-lease','labels':"
     "{'kubernetes.io/metadata.name':'kube-node-lease'}},'spec':{'finalizers':['kubernetes']},"
     "'status':{'phase':'Active'}}"},
    {"scheduling.k8s.io", "priorityclasses", "system-node-critical",
     "{'apiVersion':'scheduling.k8s.io/v1','kind':'PriorityClass','metadata':{'name':"
     "'system-node-critical','generation':1},'value':2000001000,'description':'Used for system "
     "critical pods that must not be moved from their current node.','preemptionPolicy':"
     "'PreemptLowerPriority'}"},
    {"scheduling.k8s.io", "priorityclasses", "system-cluster-critical",
     "{'apiVersion':'scheduling.k8s.io/v1','kind':'PriorityClass','metadata':{'name':"
     "'system-cluster-critical','generation':1},'value':2000000000,'description':'Used for "
     "system critical pods that must run in the cluster, but can be moved to another node if "
     "necessary.','preemptionPolicy':'PreemptLowerPriority'}"},
    {"apiregistration.k8s.io", "apiservices", "v1.",
     "{'apiVersion':'apiregistration.k8s.io/v1','kind':'APIService','metadata':{'name':'v1.',"
     "'labels':{'kube-aggregator.kubernetes.io/automanaged':'onstart'}},'spec':{'version':'v1',"
     "'groupPriorityMinimum':18000,'versionPriority':1},'status':{'conditions':[{'type':"
     "'Available','status':'True','reason':'Local','message':'Local APIServices are always "
     "available'}]}}"},
    {"apiregistration.k8s.io", "apiservices", "v2.autoscaling",
     "{'apiVersion':'apiregistration.k8s.io/v1','kind':'APIService','metadata':{'name':"
     "'v2.autoscaling','labels':{'kube-aggregator.kubernetes.io/automanaged':'onstart'}},"
     "'spec':{'group':'autoscaling','version':'v2','groupPriorityMinimum':17500,"
     "'versionPriority':30},'status':{'conditions':[{'type':'Available','status':'True',"
     "'reason':'Local','message':'Local APIServices are always available'}]}}"},
    {"apiregistration.k8s.io", "apiservices", "v1.flowcontrol.apiserver.k8s.io",
     "{'apiVersion':'apiregistration.k8s.io/v1','kind':'APIService','metadata':{'name':"
     "'v1.flowcontrol.apiserver.k8s.io','labels':{'kube-aggregator.kubernetes.io/automanaged':"
     "'onstart'}},'spec':{'group':'flowcontrol.apiserver.k8s.io','version':'v1',"
     "'groupPriorityMinimum':16100,'versionPriority':21},'status':{'conditions':[{'type':"
     "'Available','status':'True','reason':'Local','message':'Local APIServices are always "
     "available'}]}}"},
};

static json_t *json_quoted(const char *text)
{
	char *copy = strdup(text);
	json_error_t err;
	json_t *j;

	ck_assert(copy != NULL);
	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(copy, 0, &err);
	ck_assert_msg(j != NULL, "bad test JSON %s: %s", copy, err.text);
	free(copy);
	return j;
}

static void run_bootstrap(const char *dsn)
{
	char err[512] = "";

	ck_assert_msg(bootstrap_run(dsn, err, sizeof(err)) == 0, "bootstrap: %s", err);
}

/* The stored object of a cluster-scoped key, NULL when there is none; its
 * uid and rv columns go to *uid and *rv. */
static json_t *stored(PGconn *pg, const char *group, const char *resource, const char *name,
		      char **uid, long long *rv)
{
	const char *params[3] = {group, resource, name};
	PGresult *res =
	    PQexecParams(pg,
			 "SELECT object, uid, rv FROM pgkube.objects WHERE api_group = $1"
			 " AND resource = $2 AND namespace = '' AND name = $3",
			 3, NULL, params, NULL, NULL, 0);
	json_t *obj = NULL;

	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	if (PQntuples(res)) {
		obj = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		if (uid)
			*uid = strdup(PQgetvalue(res, 0, 1));
		if (rv)
			*rv = atoll(PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return obj;
}

static long long count(PGconn *pg, const char *sql)
{
	return pg_fixture_int(pg, sql);
}

/* Every object as stored, its uid and creationTimestamp checked and taken out. */
static void check_expected_objects(PGconn *pg)
{
	for (size_t i = 0; i < N(expected_objects); i++) {
		char *uid = NULL, *got_text, *want_text;
		long long rv = 0;
		json_t *obj = stored(pg, expected_objects[i].group, expected_objects[i].resource,
				     expected_objects[i].name, &uid, &rv);
		json_t *want = json_quoted(expected_objects[i].object), *meta, *conditions;
		const char *created;
		struct timestamp t;
		char rv_text[32];

		ck_assert_msg(obj != NULL, "%s is missing", expected_objects[i].name);
		meta = json_object_get(obj, "metadata");
		ck_assert_str_eq(json_string_value(json_object_get(meta, "uid")), uid);
		snprintf(rv_text, sizeof(rv_text), "%lld", rv);
		ck_assert_str_eq(json_string_value(json_object_get(meta, "resourceVersion")),
				 rv_text);
		created = json_string_value(json_object_get(meta, "creationTimestamp"));
		ck_assert(created && timestamp_parse(created, &t) && strlen(created) == 20);
		/* A new local APIService became available when it was created. */
		conditions = json_object_get(json_object_get(obj, "status"), "conditions");
		if (strcmp(expected_objects[i].resource, "apiservices") == 0) {
			json_t *c = json_array_get(conditions, 0);

			ck_assert_str_eq(
			    json_string_value(json_object_get(c, "lastTransitionTime")), created);
			json_object_del(c, "lastTransitionTime");
		}
		json_object_del(meta, "uid");
		json_object_del(meta, "resourceVersion");
		json_object_del(meta, "creationTimestamp");
		got_text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
		want_text = json_dumps(want, JSON_COMPACT | JSON_SORT_KEYS);
		ck_assert_msg(json_equal(obj, want), "%s:\n got %s\nwant %s",
			      expected_objects[i].name, got_text, want_text);
		free(got_text);
		free(want_text);
		free(uid);
		json_decref(obj);
		json_decref(want);
	}
}

/* The names of the stored APIServices, bytewise sorted, and that they are
 * exactly api_service_names. */
static void check_api_service_names(PGconn *pg)
{
	PGresult *res =
	    PQexec(pg, "SELECT name FROM pgkube.objects WHERE api_group = 'apiregistration.k8s.io'"
		       " AND resource = 'apiservices' ORDER BY name COLLATE \"C\"");

	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	ck_assert_int_eq(PQntuples(res), (int)N(api_service_names));
	for (int i = 0; i < PQntuples(res); i++)
		ck_assert_str_eq(PQgetvalue(res, i, 0), api_service_names[i]);
	PQclear(res);
}

/* A fingerprint of every bootstrapped row: names, uids and rvs. */
static char *fingerprint(PGconn *pg)
{
	return pg_fixture_value(
	    pg, "SELECT string_agg(resource || '/' || name || '=' || uid || '@' || rv, ','"
		" ORDER BY resource, name) FROM pgkube.objects");
}

START_TEST(test_fresh_cluster)
{
	const char *dsn = pg_fixture_database("bootstrap_fresh", 1);
	PGconn *pg;

	run_bootstrap(dsn);
	pg = pg_fixture_connect(dsn);
	check_expected_objects(pg);
	check_api_service_names(pg);
	ck_assert_int_eq(count(pg, "SELECT count(*) FROM pgkube.objects WHERE resource ="
				   " 'namespaces' AND name IN ('default', 'kube-system',"
				   " 'kube-public', 'kube-node-lease')"),
			 4);
	ck_assert_int_eq(count(pg, "SELECT count(*) FROM pgkube.objects"), BOOTSTRAP_OBJECTS);
	/* One ADDED change each, and one resourceVersion each. */
	ck_assert_int_eq(count(pg, "SELECT count(*) FROM pgkube.changes WHERE type = 'ADDED'"),
			 BOOTSTRAP_OBJECTS);
	ck_assert_int_eq(count(pg, "SELECT count(*) FROM pgkube.changes"), BOOTSTRAP_OBJECTS);
	ck_assert_int_eq(count(pg, "SELECT rv FROM pgkube.revision"), 1 + BOOTSTRAP_OBJECTS);
	PQfinish(pg);
}
END_TEST

START_TEST(test_restart_writes_nothing)
{
	const char *dsn = pg_fixture_database("bootstrap_restart", 1);
	PGconn *pg;
	char *before, *after;
	long long rv;

	run_bootstrap(dsn);
	pg = pg_fixture_connect(dsn);
	before = fingerprint(pg);
	rv = count(pg, "SELECT rv FROM pgkube.revision");
	run_bootstrap(dsn);
	run_bootstrap(dsn);
	after = fingerprint(pg);
	ck_assert_str_eq(after, before);
	ck_assert_int_eq(count(pg, "SELECT rv FROM pgkube.revision"), rv);
	free(before);
	free(after);
	PQfinish(pg);
}
END_TEST

START_TEST(test_instances_starting_at_once)
{
	const char *dsn = pg_fixture_database("bootstrap_race", 1);
	pid_t pids[6];
	PGconn *pg;

	for (size_t i = 0; i < N(pids); i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			char err[512];

			_exit(bootstrap_run(dsn, err, sizeof(err)) == 0 ? 0 : 1);
		}
	}
	for (size_t i = 0; i < N(pids); i++) {
		int status;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	pg = pg_fixture_connect(dsn);
	check_expected_objects(pg);
	check_api_service_names(pg);
	ck_assert_int_eq(count(pg, "SELECT count(*) FROM pgkube.objects"), BOOTSTRAP_OBJECTS);
	ck_assert_int_eq(count(pg, "SELECT count(*) FROM pgkube.changes"), BOOTSTRAP_OBJECTS);
	ck_assert_int_eq(count(pg, "SELECT rv FROM pgkube.revision"), 1 + BOOTSTRAP_OBJECTS);
	PQfinish(pg);
}
END_TEST

/* A write as a client would make it, straight through the SQL functions. */
static void sql_write(PGconn *pg, const char *sql)
{
	pg_fixture_exec(pg, sql);
}

START_TEST(test_onstart_rules)
{
	const char *dsn = pg_fixture_database("bootstrap_onstart", 1);
	PGconn *pg;
	json_t *obj, *want;
	char *uid_before = NULL, *uid_after = NULL;
	long long rv_before, rv_after, metrics_rv, example_rv, policy_rv, pc_rv;

	run_bootstrap(dsn);
	pg = pg_fixture_connect(dsn);
	/* v1.apps: spec and status changed. */
	sql_write(pg, "SELECT pgkube.update_object('apiregistration.k8s.io', 'apiservices', '',"
		      " 'v1.apps', 0, jsonb_set(jsonb_set(object, '{spec,groupPriorityMinimum}',"
		      " '5'), '{status,conditions,0,message}', '\"checked\"'), NULL)"
		      " FROM pgkube.objects WHERE resource = 'apiservices' AND name = 'v1.apps'");
	/* An onstart APIService of a version no longer served. */
	sql_write(pg,
		  "SELECT pgkube.create_object('apiregistration.k8s.io', 'apiservices', '',"
		  " 'v1beta1.apps', gen_random_uuid(), '{\"metadata\":{\"name\":\"v1beta1.apps\","
		  "\"labels\":{\"kube-aggregator.kubernetes.io/automanaged\":\"onstart\"}},"
		  "\"spec\":{\"group\":\"apps\",\"version\":\"v1beta1\"}}', NULL)");
	/* Not managed onstart: an aggregated API, one managed continuously, and
	 * v1.policy replaced by someone's own. */
	sql_write(pg, "SELECT pgkube.create_object('apiregistration.k8s.io', 'apiservices', '',"
		      " 'v1beta1.metrics.k8s.io', gen_random_uuid(), '{\"metadata\":{\"name\":"
		      "\"v1beta1.metrics.k8s.io\"},\"spec\":{\"service\":{\"namespace\":"
		      "\"kube-system\",\"name\":\"metrics-server\"}}}', NULL)");
	sql_write(pg,
		  "SELECT pgkube.create_object('apiregistration.k8s.io', 'apiservices', '',"
		  " 'v1.example.com', gen_random_uuid(), '{\"metadata\":{\"name\":"
		  "\"v1.example.com\",\"labels\":{\"kube-aggregator.kubernetes.io/automanaged\":"
		  "\"true\"}},\"spec\":{\"group\":\"example.com\",\"version\":\"v1\"}}', NULL)");
	sql_write(pg, "SELECT pgkube.delete_object('apiregistration.k8s.io', 'apiservices', '',"
		      " 'v1.policy', 0, NULL)");
	sql_write(pg,
		  "SELECT pgkube.create_object('apiregistration.k8s.io', 'apiservices', '',"
		  " 'v1.policy', gen_random_uuid(), '{\"metadata\":{\"name\":\"v1.policy\"},"
		  "\"spec\":{\"group\":\"policy\",\"version\":\"v1\",\"groupPriorityMinimum\":1,"
		  "\"versionPriority\":1}}', NULL)");
	/* Deleted: v1.batch and a namespace. */
	sql_write(pg, "SELECT pgkube.delete_object('apiregistration.k8s.io', 'apiservices', '',"
		      " 'v1.batch', 0, NULL)");
	sql_write(pg, "SELECT pgkube.delete_object('', 'namespaces', '', 'kube-node-lease', 0,"
		      " NULL)");
	/* An edited system PriorityClass. */
	sql_write(pg, "SELECT pgkube.update_object('scheduling.k8s.io', 'priorityclasses', '',"
		      " 'system-node-critical', 0, jsonb_set(object, '{description}', '\"mine\"'),"
		      " NULL) FROM pgkube.objects WHERE resource = 'priorityclasses'"
		      " AND name = 'system-node-critical'");
	json_decref(stored(pg, "apiregistration.k8s.io", "apiservices", "v1.apps", &uid_before,
			   &rv_before));
	json_decref(stored(pg, "apiregistration.k8s.io", "apiservices", "v1beta1.metrics.k8s.io",
			   NULL, &metrics_rv));
	json_decref(stored(pg, "apiregistration.k8s.io", "apiservices", "v1.example.com", NULL,
			   &example_rv));
	json_decref(
	    stored(pg, "apiregistration.k8s.io", "apiservices", "v1.policy", NULL, &policy_rv));
	json_decref(stored(pg, "scheduling.k8s.io", "priorityclasses", "system-node-critical", NULL,
			   &pc_rv));

	run_bootstrap(dsn);

	/* The spec is back, the status stays, the uid too. */
	obj = stored(pg, "apiregistration.k8s.io", "apiservices", "v1.apps", &uid_after, &rv_after);
	want = json_quoted("{'group':'apps','version':'v1','groupPriorityMinimum':17800,"
			   "'versionPriority':15}");
	ck_assert(json_equal(json_object_get(obj, "spec"), want));
	ck_assert_str_eq(
	    json_string_value(json_object_get(
		json_array_get(json_object_get(json_object_get(obj, "status"), "conditions"), 0),
		"message")),
	    "checked");
	ck_assert_str_eq(uid_after, uid_before);
	ck_assert_int_gt(rv_after, rv_before);
	json_decref(want);
	json_decref(obj);
	/* Gone: the version no longer served. */
	ck_assert_ptr_null(
	    stored(pg, "apiregistration.k8s.io", "apiservices", "v1beta1.apps", NULL, NULL));
	/* Untouched: whatever is not managed onstart. */
	json_decref(stored(pg, "apiregistration.k8s.io", "apiservices", "v1beta1.metrics.k8s.io",
			   NULL, &rv_after));
	ck_assert_int_eq(rv_after, metrics_rv);
	json_decref(
	    stored(pg, "apiregistration.k8s.io", "apiservices", "v1.example.com", NULL, &rv_after));
	ck_assert_int_eq(rv_after, example_rv);
	json_decref(
	    stored(pg, "apiregistration.k8s.io", "apiservices", "v1.policy", NULL, &rv_after));
	ck_assert_int_eq(rv_after, policy_rv);
	obj = stored(pg, "scheduling.k8s.io", "priorityclasses", "system-node-critical", NULL,
		     &rv_after);
	ck_assert_int_eq(rv_after, pc_rv);
	ck_assert_str_eq(json_string_value(json_object_get(obj, "description")), "mine");
	json_decref(obj);
	/* Back: what was deleted. */
	obj = stored(pg, "apiregistration.k8s.io", "apiservices", "v1.batch", NULL, NULL);
	ck_assert_ptr_nonnull(obj);
	json_decref(obj);
	obj = stored(pg, "", "namespaces", "kube-node-lease", NULL, NULL);
	ck_assert_ptr_nonnull(obj);
	json_decref(obj);
	/* Four writes: the spec, the stale one, v1.batch, the namespace. */
	ck_assert_int_eq(count(pg, "SELECT count(*) FROM pgkube.changes WHERE rv > (SELECT max(rv)"
				   " FROM pgkube.changes WHERE resource = 'priorityclasses')"),
			 4);
	free(uid_before);
	free(uid_after);
	PQfinish(pg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bootstrap");
	TCase *tc = tcase_create("bootstrap");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_fresh_cluster);
	tcase_add_test(tc, test_restart_writes_nothing);
	tcase_add_test(tc, test_instances_starting_at_once);
	tcase_add_test(tc, test_onstart_rules);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* A test forks its own instances; Check's own fork would only get in the way. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
