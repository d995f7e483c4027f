/*
 * test_store.c - the object store against a real PostgreSQL: migrations
 * under concurrency, CRUD and its errors through the asynchronous pool,
 * conflicts and uniqueness between processes, commit order = resourceVersion
 * order = notification order, snapshot lists and pagination under writes,
 * lists at an older resourceVersion across compaction, big objects, and a
 * PostgreSQL restart in the middle of writes.
 */
#include <check.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pg_fixture.h"
#include "worker/event_loop.h"
#include "worker/pg_pool.h"
#include "shared/selector.h"
#include "worker/store.h"

/* A synchronous view of one asynchronous store call, for tests. */
struct outcome {
	bool done;
	enum store_status status;
	int64_t rv;
	char *object;
	int num_items;
	char **names; /* "namespace/name" */
	bool more;
	int64_t remaining;
};

static struct event_loop *loop;
static struct pg_pool *pool;
static const char *dsn;

static void on_result(void *ctx, const struct store_result *r)
{
	struct outcome *o = ctx;

	o->done = true;
	o->status = r->status;
	o->rv = r->rv;
	o->object = r->object ? strdup(r->object) : NULL;
	o->num_items = r->num_items;
	o->more = r->more;
	o->remaining = r->remaining;
	o->names = calloc((size_t)r->num_items + 1, sizeof(char *));
	for (int i = 0; i < r->num_items; i++) {
		o->names[i] = malloc(strlen(r->items[i].namespace) + strlen(r->items[i].name) + 2);
		sprintf(o->names[i], "%s/%s", r->items[i].namespace, r->items[i].name);
	}
	event_loop_stop(loop);
}

static void outcome_free(struct outcome *o)
{
	for (int i = 0; i < o->num_items; i++)
		free(o->names[i]);
	free(o->names);
	free(o->object);
	memset(o, 0, sizeof(*o));
}

static void wait_for(struct outcome *o)
{
	while (!o->done)
		event_loop_run(loop);
}

static void stop_loop(struct event_loop *l, void *ctx)
{
	event_loop_stop(l);
}

/* Lets the pool's timers and sockets run for ms milliseconds. */
static void run_loop_for(int ms)
{
	event_loop_timer(loop, ms, stop_loop, NULL);
	event_loop_run(loop);
}

static void wait_ready(void)
{
	for (int i = 0; i < 200 && !pg_pool_ready(pool); i++)
		run_loop_for(50);
	ck_assert(pg_pool_ready(pool));
}

static void setup_pool(const char *database)
{
	dsn = pg_fixture_database(database, 1);
	loop = event_loop_new();
	pool = pg_pool_new(loop, dsn, 2, store_statements, store_num_statements);
	wait_ready();
}

static void teardown_pool(void)
{
	pg_pool_free(pool);
	event_loop_free(loop);
}

static struct store_key key(const char *ns, const char *name)
{
	return (struct store_key){"", "configmaps", ns, name};
}

static char *configmap_json(const char *ns, const char *name, const char *value)
{
	char *out;

	if (asprintf(&out,
		     "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\","
		     "\"namespace\":\"%s\",\"labels\":{\"app\":\"test\"}},\"data\":{\"k\":\"%s\"}}",
		     name, ns, value) < 0)
		abort();
	return out;
}

static struct outcome do_create(const char *ns, const char *name, const char *value)
{
	struct outcome o = {0};
	struct store_key k = key(ns, name);
	char *json = configmap_json(ns, name, value);
	char uid[64];
	static int counter;

	snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-%012d", ++counter);
	store_create(pool, &k, uid, json, on_result, &o);
	wait_for(&o);
	free(json);
	return o;
}

static struct outcome do_update(const char *ns, const char *name, int64_t rv, const char *value)
{
	struct outcome o = {0};
	struct store_key k = key(ns, name);
	char *json = configmap_json(ns, name, value);

	store_update(pool, &k, rv, json, on_result, &o);
	wait_for(&o);
	free(json);
	return o;
}

static struct outcome do_get(const char *ns, const char *name)
{
	struct outcome o = {0};
	struct store_key k = key(ns, name);

	store_get(pool, &k, on_result, &o);
	wait_for(&o);
	return o;
}

static struct outcome do_list(const char *ns, int limit, int64_t at_rv, const char *after_ns,
			      const char *after_name)
{
	struct outcome o = {0};
	struct store_list_options opts = {
	    .group = "",
	    .resource = "configmaps",
	    .namespace = ns,
	    .limit = limit,
	    .at_rv = at_rv,
	    .after_namespace = after_ns,
	    .after_name = after_name,
	    .count_remaining = true,
	};

	store_list(pool, &opts, on_result, &o);
	wait_for(&o);
	return o;
}

static const char *data_value(const char *object_json)
{
	static char value[64];
	json_t *obj = json_loads(object_json, 0, NULL);

	snprintf(value, sizeof(value), "%s",
		 json_string_value(json_object_get(json_object_get(obj, "data"), "k")));
	json_decref(obj);
	return value;
}

static const char *object_rv(const char *object_json)
{
	static char value[32];
	json_t *obj = json_loads(object_json, 0, NULL);

	snprintf(value, sizeof(value), "%s",
		 json_string_value(
		     json_object_get(json_object_get(obj, "metadata"), "resourceVersion")));
	json_decref(obj);
	return value;
}

START_TEST(test_migrations_applied_once_by_concurrent_instances)
{
	const char *db = pg_fixture_database("store_migrate", 0);
	pid_t pids[4];
	PGconn *pg;

	for (int i = 0; i < 4; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char err[512];

			_exit(migrate_run(db, 10, err, sizeof(err)) == 0 ? 0 : 1);
		}
	}
	for (int i = 0; i < 4; i++) {
		int status;

		waitpid(pids[i], &status, 0);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	pg = pg_fixture_connect(db);
	ck_assert_int_eq(pg_fixture_int(pg, "SELECT count(*) FROM pgkube.migrations"),
			 num_migrations);
	ck_assert_int_eq(pg_fixture_int(pg, "SELECT rv FROM pgkube.revision"), 1);
	PQfinish(pg);
}
END_TEST

START_TEST(test_crud_and_errors)
{
	struct outcome created, o;
	struct store_key k = key("ns1", "a");

	setup_pool("store_crud");
	created = do_create("ns1", "a", "one");
	ck_assert_int_eq(created.status, STORE_OK);
	ck_assert_int_gt(created.rv, 1);
	ck_assert_str_eq(object_rv(created.object), "2");

	o = do_create("ns1", "a", "again");
	ck_assert_int_eq(o.status, STORE_EXISTS);
	outcome_free(&o);

	o = do_get("ns1", "a");
	ck_assert_int_eq(o.status, STORE_OK);
	ck_assert_int_eq(o.rv, created.rv);
	ck_assert_str_eq(data_value(o.object), "one");
	outcome_free(&o);

	o = do_update("ns1", "a", created.rv + 100, "stale");
	ck_assert_int_eq(o.status, STORE_CONFLICT);
	ck_assert_int_eq(o.rv, created.rv); /* the current rv, from the DETAIL */
	outcome_free(&o);

	o = do_update("ns1", "a", created.rv, "two");
	ck_assert_int_eq(o.status, STORE_OK);
	ck_assert_int_eq(o.rv, created.rv + 1);
	ck_assert_str_eq(data_value(o.object), "two");
	outcome_free(&o);

	o = do_update("ns1", "missing", 0, "x");
	ck_assert_int_eq(o.status, STORE_NOT_FOUND);
	outcome_free(&o);

	o = (struct outcome){0};
	store_delete(pool, &k, 0, "11111111-1111-4111-8111-111111111111", on_result, &o);
	wait_for(&o);
	ck_assert_int_eq(o.status, STORE_UID_MISMATCH);
	outcome_free(&o);

	o = (struct outcome){0};
	store_delete(pool, &k, created.rv, NULL, on_result, &o);
	wait_for(&o);
	ck_assert_int_eq(o.status, STORE_CONFLICT);
	outcome_free(&o);

	o = (struct outcome){0};
	store_delete(pool, &k, 0, NULL, on_result, &o);
	wait_for(&o);
	ck_assert_int_eq(o.status, STORE_OK);
	ck_assert_int_eq(o.rv, created.rv + 2);
	ck_assert_str_eq(data_value(o.object), "two");
	outcome_free(&o);

	o = do_get("ns1", "a");
	ck_assert_int_eq(o.status, STORE_NOT_FOUND);
	outcome_free(&o);
	outcome_free(&created);
	teardown_pool();
}
END_TEST

/* N processes race, round after round, to update one key from the same
 * resourceVersion: each round exactly one wins. */
START_TEST(test_concurrent_updates_one_winner)
{
	enum { PROCS = 4, ROUNDS = 20 };
	int to_child[PROCS][2], from_child[PROCS][2];
	struct outcome created;
	PGconn *pg;

	setup_pool("store_conflict");
	created = do_create("ns", "hot", "0");
	ck_assert_int_eq(created.status, STORE_OK);
	outcome_free(&created);
	teardown_pool();
	for (int p = 0; p < PROCS; p++) {
		ck_assert_int_eq(pipe(to_child[p]), 0);
		ck_assert_int_eq(pipe(from_child[p]), 0);
	}
	for (int p = 0; p < PROCS; p++) {
		if (fork() == 0) {
			PGconn *c;
			long long rv;

			/* Only the parent may hold write ends, or reads never see EOF. */
			for (int q = 0; q < PROCS; q++) {
				close(to_child[q][1]);
				close(from_child[q][0]);
			}
			c = pg_fixture_connect(dsn);

			while (read(to_child[p][0], &rv, sizeof(rv)) == sizeof(rv)) {
				char rv_text[32], obj[128];
				const char *params[3] = {rv_text, obj, NULL};
				PGresult *res;
				char won;

				snprintf(rv_text, sizeof(rv_text), "%lld", rv);
				snprintf(obj, sizeof(obj),
					 "{\"metadata\":{\"name\":\"hot\"},\"p\":%d}", p);
				res = PQexecParams(
				    c,
				    "SELECT rv FROM pgkube.update_object('', 'configmaps',"
				    " 'ns', 'hot', $1::bigint, $2::jsonb, NULL)",
				    2, NULL, params, NULL, NULL, 0);
				won = PQresultStatus(res) == PGRES_TUPLES_OK ? 'W' : 'L';
				if (won == 'L' &&
				    strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "PGK09") != 0)
					won = '?';
				PQclear(res);
				if (write(from_child[p][1], &won, 1) != 1)
					break;
			}
			PQfinish(c);
			_exit(0);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		close(to_child[p][0]);
		close(from_child[p][1]);
	}
	pg = pg_fixture_connect(dsn);
	for (int round = 0; round < ROUNDS; round++) {
		long long rv = pg_fixture_int(
		    pg, "SELECT rv FROM pgkube.objects WHERE name = 'hot' AND namespace = 'ns'");
		int winners = 0;

		for (int p = 0; p < PROCS; p++)
			ck_assert_int_eq(write(to_child[p][1], &rv, sizeof(rv)), sizeof(rv));
		for (int p = 0; p < PROCS; p++) {
			char won;

			ck_assert_int_eq(read(from_child[p][0], &won, 1), 1);
			ck_assert_msg(won != '?', "a loser did not get PGK09");
			winners += won == 'W';
		}
		ck_assert_int_eq(winners, 1);
	}
	for (int p = 0; p < PROCS; p++)
		close(to_child[p][1]);
	while (wait(NULL) > 0)
		;
	/* create + ROUNDS updates, nothing else consumed a resourceVersion */
	ck_assert_int_eq(pg_fixture_int(pg, "SELECT count(*) FROM pgkube.changes"), 1 + ROUNDS);
	PQfinish(pg);
}
END_TEST

START_TEST(test_concurrent_creates_one_exists)
{
	enum { PROCS = 6 };
	PGconn *pg;
	int created = 0, exists = 0;

	dsn = pg_fixture_database("store_unique", 1);
	for (int p = 0; p < PROCS; p++) {
		if (fork() == 0) {
			PGconn *c = pg_fixture_connect(dsn);
			PGresult *res = PQexec(
			    c, "SELECT pg_sleep(0.2); SELECT rv FROM pgkube.create_object('', "
			       "'configmaps', 'ns', 'same', gen_random_uuid(), "
			       "'{\"metadata\":{\"name\":\"same\"}}', NULL)");
			int code = PQresultStatus(res) == PGRES_TUPLES_OK ? 0
				   : strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "23505") == 0
				       ? 1
				       : 2;

			PQclear(res);
			PQfinish(c);
			_exit(code);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int status;

		wait(&status);
		ck_assert(WIFEXITED(status));
		ck_assert_int_ne(WEXITSTATUS(status), 2);
		created += WEXITSTATUS(status) == 0;
		exists += WEXITSTATUS(status) == 1;
	}
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(exists, PROCS - 1);
	pg = pg_fixture_connect(dsn);
	ck_assert_int_eq(pg_fixture_int(pg, "SELECT rv FROM pgkube.revision"), 2);
	PQfinish(pg);
}
END_TEST

/* Many writes issued at once through one pool: they go out in group-commit
 * batches (several change rows share a transaction id), and each write still
 * gets its own answer: creates of a taken name AlreadyExists, stale updates
 * Conflict, deletes of missing objects NotFound, two writes to one key in
 * issue order. */
START_TEST(test_writes_issued_together_are_batched)
{
	enum { N = 60 };
	struct outcome o[N] = {{0}}, u1 = {0}, u2 = {0};
	struct store_key keys[N], hot = key("ns", "b-0");
	char *json[N], *j1, *j2, uid[64];
	PGconn *pg;
	struct outcome first;

	setup_pool("store_batch");
	first = do_create("ns", "taken", "0");
	ck_assert_int_eq(first.status, STORE_OK);
	for (int i = 0; i < N; i++) {
		char name[16];

		snprintf(name, sizeof(name), i % 10 == 9 ? "taken" : "b-%d", i);
		keys[i] = key("ns", strdup(name));
		json[i] = configmap_json("ns", name, "v");
		snprintf(uid, sizeof(uid), "00000000-0000-4000-8000-1%011d", i);
		if (i % 10 == 8)
			store_update(pool, &keys[i], first.rv + 1000, json[i], on_result, &o[i]);
		else if (i % 10 == 7)
			store_delete(pool, &keys[i], 0, NULL, on_result, &o[i]);
		else
			store_create(pool, &keys[i], uid, json[i], on_result, &o[i]);
	}
	/* Two updates of one key created above: they must apply in order. */
	j1 = configmap_json("ns", "b-0", "one");
	j2 = configmap_json("ns", "b-0", "two");
	store_update(pool, &hot, 0, j1, on_result, &u1);
	store_update(pool, &hot, 0, j2, on_result, &u2);
	for (int i = 0; i < N; i++)
		wait_for(&o[i]);
	wait_for(&u1);
	wait_for(&u2);
	for (int i = 0; i < N; i++) {
		enum store_status want = i % 10 == 9   ? STORE_EXISTS
					 : i % 10 == 8 ? STORE_NOT_FOUND
					 : i % 10 == 7 ? STORE_NOT_FOUND
						       : STORE_OK;

		ck_assert_msg(o[i].status == want, "write %d: status %d, want %d", i, o[i].status,
			      want);
		if (want == STORE_OK) {
			char rv[32];

			snprintf(rv, sizeof(rv), "%lld", (long long)o[i].rv);
			ck_assert_str_eq(object_rv(o[i].object), rv);
		}
	}
	ck_assert_int_eq(u1.status, STORE_OK);
	ck_assert_int_eq(u2.status, STORE_OK);
	ck_assert_int_gt(u2.rv, u1.rv);
	ck_assert_str_eq(data_value(u2.object), "two");
	outcome_free(&first);
	first = do_get("ns", "b-0");
	ck_assert_str_eq(data_value(first.object), "two");

	pg = pg_fixture_connect(dsn);
	/* 1 + 42 creates + 2 updates; every rv once, no gap */
	ck_assert_int_eq(pg_fixture_int(pg, "SELECT count(*) FROM pgkube.changes"), 45);
	ck_assert_int_eq(pg_fixture_int(pg, "SELECT max(rv) - min(rv) + 1 FROM pgkube.changes"),
			 45);
	ck_assert_int_eq(pg_fixture_int(pg, "SELECT count(DISTINCT rv) FROM pgkube.changes"), 45);
	/* batched: fewer transactions than writes */
	ck_assert_int_lt(
	    pg_fixture_int(pg, "SELECT count(DISTINCT xmin::text) FROM pgkube.changes"), 20);
	PQfinish(pg);
	for (int i = 0; i < N; i++) {
		free((char *)keys[i].name);
		free(json[i]);
		outcome_free(&o[i]);
	}
	free(j1);
	free(j2);
	outcome_free(&u1);
	outcome_free(&u2);
	outcome_free(&first);
	teardown_pool();
}
END_TEST

/* Several processes write at once while a listener collects notifications:
 * the log has no gap, and notifications arrive in resourceVersion order. */
START_TEST(test_commit_order_is_rv_order)
{
	enum { PROCS = 4, WRITES = 150 };
	PGconn *listener, *pg;
	long long first, last, count, prev = 0;
	int notified = 0;

	dsn = pg_fixture_database("store_order", 1);
	listener = pg_fixture_connect(dsn);
	pg_fixture_exec(listener, "LISTEN pgkube_changes");
	for (int p = 0; p < PROCS; p++) {
		if (fork() == 0) {
			PGconn *c = pg_fixture_connect(dsn);

			for (int i = 0; i < WRITES; i++) {
				char sql[512];
				PGresult *res;

				/* A mix of creates and updates of shared keys. */
				snprintf(
				    sql, sizeof(sql),
				    "SELECT CASE WHEN EXISTS (SELECT 1 FROM pgkube.objects WHERE "
				    "name = 'k%d') THEN (SELECT rv FROM pgkube.update_object('', "
				    "'configmaps', 'ns', 'k%d', 0, '{\"metadata\":{}}', NULL)) "
				    "ELSE (SELECT rv FROM pgkube.create_object('', 'configmaps', "
				    "'ns', 'k%d', gen_random_uuid(), '{\"metadata\":{}}', NULL)) "
				    "END",
				    i % 10, i % 10, i % 10);
				res = PQexec(c, sql);
				PQclear(res);
			}
			PQfinish(c);
			_exit(0);
		}
	}
	while (wait(NULL) > 0)
		;
	pg = pg_fixture_connect(dsn);
	first = pg_fixture_int(pg, "SELECT min(rv) FROM pgkube.changes");
	last = pg_fixture_int(pg, "SELECT max(rv) FROM pgkube.changes");
	count = pg_fixture_int(pg, "SELECT count(*) FROM pgkube.changes");
	ck_assert_int_eq(last - first + 1, count);
	ck_assert_int_eq(last, pg_fixture_int(pg, "SELECT rv FROM pgkube.revision"));
	/* prev_rv chains: each change's prev_rv is the key's previous change. */
	ck_assert_int_eq(
	    pg_fixture_int(pg, "SELECT count(*) FROM (SELECT prev_rv, lag(rv, 1, 0::bigint) "
			       "OVER (PARTITION BY name ORDER BY rv) AS expect FROM "
			       "pgkube.changes) x WHERE prev_rv <> expect"),
	    0);
	/* A round trip reads everything the listener was sent meanwhile. */
	pg_fixture_exec(listener, "SELECT 1");
	for (PGnotify *n; (n = PQnotifies(listener)) != NULL; PQfreemem(n)) {
		long long rv = atoll(n->extra);

		ck_assert_int_gt(rv, prev);
		prev = rv;
		notified++;
	}
	/* One notification per write transaction, in resourceVersion order. */
	ck_assert_int_eq(prev, last);
	ck_assert_int_eq(notified, count);
	PQfinish(pg);
	PQfinish(listener);
}
END_TEST

START_TEST(test_paginated_list_is_one_snapshot_while_writes_go_on)
{
	struct outcome page, more;
	char name[32];
	int64_t snapshot;

	setup_pool("store_pages");
	for (int i = 0; i < 25; i++) {
		snprintf(name, sizeof(name), "cm%02d", i);
		page = do_create(i % 2 ? "a" : "b", name, "v");
		ck_assert_int_eq(page.status, STORE_OK);
		outcome_free(&page);
	}
	page = do_list(NULL, 10, 0, NULL, NULL);
	ck_assert_int_eq(page.status, STORE_OK);
	ck_assert_int_eq(page.num_items, 10);
	ck_assert(page.more);
	ck_assert_int_eq(page.remaining, 15);
	snapshot = page.rv;
	ck_assert_str_eq(page.names[0], "a/cm01");

	/* Writes after the first page: a new object, a deletion, an update. */
	more = do_create("a", "cm99", "new");
	outcome_free(&more);
	more = do_update("b", "cm24", 0, "changed");
	outcome_free(&more);
	{
		struct store_key k = key("b", "cm22");

		more = (struct outcome){0};
		store_delete(pool, &k, 0, NULL, on_result, &more);
		wait_for(&more);
		ck_assert_int_eq(more.status, STORE_OK);
		outcome_free(&more);
	}
	/* The next pages, at the first page's resourceVersion, see none of it. */
	{
		int total = page.num_items;
		char after_ns[64], after_name[64];

		sscanf(page.names[page.num_items - 1], "%63[^/]/%63s", after_ns, after_name);
		for (;;) {
			struct outcome next = do_list(NULL, 10, snapshot, after_ns, after_name);

			ck_assert_int_eq(next.status, STORE_OK);
			ck_assert_int_eq(next.rv, snapshot);
			for (int i = 0; i < next.num_items; i++)
				ck_assert_str_ne(next.names[i], "a/cm99");
			total += next.num_items;
			if (!next.more) {
				ck_assert_str_eq(next.names[next.num_items - 1], "b/cm24");
				outcome_free(&next);
				break;
			}
			sscanf(next.names[next.num_items - 1], "%63[^/]/%63s", after_ns,
			       after_name);
			outcome_free(&next);
		}
		ck_assert_int_eq(total, 25);
	}
	/* The latest list does see the writes. */
	more = do_list("b", 0, 0, NULL, NULL);
	ck_assert_int_eq(more.num_items, 12);
	ck_assert_int_gt(more.rv, snapshot);
	outcome_free(&more);
	more = do_list("nowhere", 0, 0, NULL, NULL);
	ck_assert_int_eq(more.num_items, 0);
	ck_assert_int_gt(more.rv, snapshot); /* an empty list still has a resourceVersion */
	outcome_free(&more);
	outcome_free(&page);
	teardown_pool();
}
END_TEST

START_TEST(test_list_at_rv_across_compaction)
{
	struct outcome o, before[40];
	int64_t rvs[40], target;
	PGconn *pg;
	int n = 0;

	setup_pool("store_compact");
	for (int i = 0; i < 30; i++) {
		char name[16];

		snprintf(name, sizeof(name), "k%d", i % 7);
		o = do_get("ns", name);
		if (o.status == STORE_NOT_FOUND) {
			outcome_free(&o);
			o = do_create("ns", name, "v");
		} else if (i % 5 == 0) {
			struct store_key k = key("ns", name);

			outcome_free(&o);
			o = (struct outcome){0};
			store_delete(pool, &k, 0, NULL, on_result, &o);
			wait_for(&o);
		} else {
			outcome_free(&o);
			o = do_update("ns", name, 0, "w");
		}
		ck_assert_int_eq(o.status, STORE_OK);
		rvs[n++] = o.rv;
		outcome_free(&o);
	}
	target = rvs[15];
	for (int i = 15; i < n; i++)
		before[i] = do_list("ns", 0, rvs[i], NULL, NULL);
	pg = pg_fixture_connect(dsn);
	{
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT pgkube.compact(%lld, 3)", (long long)target);
		while (pg_fixture_int(pg, sql) == 3)
			;
	}
	ck_assert_int_lt(pg_fixture_int(pg, "SELECT count(*) FROM pgkube.changes"), n);
	PQfinish(pg);
	for (int i = 15; i < n; i++) {
		struct outcome after = do_list("ns", 0, rvs[i], NULL, NULL);

		ck_assert_int_eq(after.status, STORE_OK);
		ck_assert_int_eq(after.num_items, before[i].num_items);
		for (int j = 0; j < after.num_items; j++)
			ck_assert_str_eq(after.names[j], before[i].names[j]);
		outcome_free(&after);
		outcome_free(&before[i]);
	}
	o = do_list("ns", 0, rvs[3], NULL, NULL);
	ck_assert_int_eq(o.status, STORE_EXPIRED);
	outcome_free(&o);
	o = do_list("ns", 0, rvs[n - 1] + 1000, NULL, NULL);
	ck_assert_int_eq(o.status, STORE_RV_TOO_LARGE);
	outcome_free(&o);
	teardown_pool();
}
END_TEST

START_TEST(test_big_object_round_trip)
{
	size_t size = 1536 * 1024;
	char *big = malloc(size + 1), *json;
	struct outcome o;
	struct store_key k = key("ns", "big");
	json_t *sent, *got;

	setup_pool("store_big");
	for (size_t i = 0; i < size; i++)
		big[i] = (char)('a' + i % 26);
	big[size] = '\0';
	if (asprintf(&json, "{\"metadata\":{\"name\":\"big\"},\"data\":{\"blob\":\"%s\"}}", big) <
	    0)
		abort();
	o = (struct outcome){0};
	store_create(pool, &k, "22222222-2222-4222-8222-222222222222", json, on_result, &o);
	wait_for(&o);
	ck_assert_int_eq(o.status, STORE_OK);
	outcome_free(&o);
	o = do_get("ns", "big");
	sent = json_loads(json, 0, NULL);
	got = json_loads(o.object, 0, NULL);
	json_object_del(json_object_get(got, "metadata"), "resourceVersion");
	ck_assert(json_equal(sent, got));
	json_decref(sent);
	json_decref(got);
	outcome_free(&o);
	free(json);
	free(big);
	teardown_pool();
}
END_TEST

/* PostgreSQL restarts while a writer runs: every write it was told
 * committed is there, exactly once; the pool comes back by itself. */
START_TEST(test_postgres_restart_during_writes)
{
	int acked = 0, failed = 0;
	int64_t acked_rvs[400];
	PGconn *pg;

	setup_pool("store_restart");
	for (int i = 0; i < 400; i++) {
		char name[16];
		struct outcome o;

		if (i == 100)
			pg_fixture_control("stop");
		if (i == 110)
			pg_fixture_control("start");
		snprintf(name, sizeof(name), "w%d", i);
		o = do_create("ns", name, "v");
		if (o.status == STORE_OK)
			acked_rvs[acked++] = o.rv;
		else
			ck_assert_int_eq(o.status, STORE_UNAVAILABLE);
		failed += o.status != STORE_OK;
		if (i >= 110 && o.status != STORE_OK)
			run_loop_for(50); /* give the pool's back-off a moment */
		outcome_free(&o);
	}
	ck_assert_int_gt(failed, 0);
	ck_assert_int_gt(acked, 200);
	pg = pg_fixture_connect(dsn);
	for (int i = 0; i < acked; i++) {
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM pgkube.changes WHERE rv = %lld",
			 (long long)acked_rvs[i]);
		ck_assert_int_eq(pg_fixture_int(pg, sql), 1);
	}
	ck_assert_int_eq(pg_fixture_int(pg, "SELECT count(*) FROM pgkube.objects"), acked);
	PQfinish(pg);
	teardown_pool();
}
END_TEST

START_TEST(test_list_with_label_selector)
{
	struct arena a = {0};
	struct label_selector sel;
	struct sql_params params = {0};
	struct buf where = {0};
	const char *error = NULL;
	struct outcome o = {0};
	struct store_list_options opts = {.group = "", .resource = "configmaps", .namespace = "ns"};

	setup_pool("store_selector");
	for (int i = 0; i < 6; i++) {
		char name[16];

		snprintf(name, sizeof(name), "s%d", i);
		o = do_create("ns", name, i % 2 ? "odd" : "even");
		outcome_free(&o);
	}
	/* configmap_json labels every object app=test; relabel two of them. */
	o = do_update("ns", "s1", 0, "odd");
	outcome_free(&o);
	{
		PGconn *pg = pg_fixture_connect(dsn);

		pg_fixture_exec(pg, "UPDATE pgkube.objects SET object = jsonb_set(object, "
				    "'{metadata,labels}', '{\"app\":\"web\",\"tier\":\"1\"}') "
				    "WHERE name IN ('s2', 's4')");
		PQfinish(pg);
	}
	ck_assert_int_eq(label_selector_parse(&a, "app in (web), tier!=2", &sel, &error), 0);
	/* The store's own parameters come first: the selector's start at $8. */
	params.values = arena_alloc(&a, 8 * sizeof(char *));
	params.cap = 8;
	params.num = 7;
	ck_assert_int_eq(label_selector_to_sql(&a, &sel, "o.object", &where, &params), 0);
	opts.where_sql = where.data;
	opts.where_params = params.values + 7;
	opts.num_where_params = (int)params.num - 7;
	o = (struct outcome){0};
	store_list(pool, &opts, on_result, &o);
	wait_for(&o);
	ck_assert_int_eq(o.status, STORE_OK);
	ck_assert_int_eq(o.num_items, 2);
	ck_assert_str_eq(o.names[0], "ns/s2");
	ck_assert_str_eq(o.names[1], "ns/s4");
	outcome_free(&o);
	buf_free(&where);
	arena_free(&a);
	teardown_pool();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_migrations_applied_once_by_concurrent_instances);
	tcase_add_test(tc, test_crud_and_errors);
	tcase_add_test(tc, test_concurrent_updates_one_winner);
	tcase_add_test(tc, test_concurrent_creates_one_exists);
	tcase_add_test(tc, test_writes_issued_together_are_batched);
	tcase_add_test(tc, test_commit_order_is_rv_order);
	tcase_add_test(tc, test_paginated_list_is_one_snapshot_while_writes_go_on);
	tcase_add_test(tc, test_list_at_rv_across_compaction);
	tcase_add_test(tc, test_list_with_label_selector);
	tcase_add_test(tc, test_big_object_round_trip);
	tcase_add_test(tc, test_postgres_restart_during_writes);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* Tests fork their own workers; Check's own fork would only get in the way. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
