/*
 * store.c - store_* calls as statements on the pool, and PostgreSQL
 * results (SQLSTATEs of sql/002_functions.sql) as store statuses.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"

enum {
	STMT_GET,
	STMT_CREATE,
	STMT_UPDATE,
	STMT_DELETE,
	STMT_WRITE_BATCH,
};

const struct pg_statement store_statements[] = {
    [STMT_GET] = {"pgkube_get",
		  "SELECT rv, object::text FROM pgkube.objects"
		  " WHERE api_group = $1 AND resource = $2 AND namespace = $3 AND name = $4"},
    [STMT_CREATE] = {"pgkube_create",
		     "SELECT rv, object::text FROM pgkube.create_object($1, $2, $3, $4, $5::uuid,"
		     " $6::jsonb, NULL)"},
    [STMT_UPDATE] = {"pgkube_update",
		     "SELECT rv, object::text FROM pgkube.update_object($1, $2, $3, $4,"
		     " $5::bigint, $6::jsonb, NULL)"},
    [STMT_DELETE] = {"pgkube_delete",
		     "SELECT rv, object::text FROM pgkube.delete_object($1, $2, $3, $4,"
		     " $5::bigint, $6::uuid)"},
    [STMT_WRITE_BATCH] = {"pgkube_write_batch", "SELECT idx, rv, object::text, sqlstate, detail"
						" FROM pgkube.write_batch($1::jsonb)"},
};
const int store_num_statements = sizeof(store_statements) / sizeof(store_statements[0]);

struct store_call {
	store_fn fn;
	void *ctx;
	bool list;
	int limit;
};

static const struct {
	const char *sqlstate;
	enum store_status status;
} sqlstate_map[] = {
    {"23505", STORE_EXISTS},	   {"PGK04", STORE_NOT_FOUND}, {"PGK09", STORE_CONFLICT},
    {"PGK10", STORE_UID_MISMATCH}, {"PGK41", STORE_EXPIRED},   {"PGK42", STORE_RV_TOO_LARGE},
    {"PGK23", STORE_ALLOCATED},
};

static enum store_status status_from_sqlstate(const char *state)
{
	for (size_t i = 0; state && i < sizeof(sqlstate_map) / sizeof(sqlstate_map[0]); i++)
		if (strcmp(state, sqlstate_map[i].sqlstate) == 0)
			return sqlstate_map[i].status;
	return STORE_ERROR;
}

static enum store_status status_of_error(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	enum store_status status = status_from_sqlstate(state);

	if (status != STORE_ERROR)
		return status;
	/* Class 08 (connection), 57P (shutdown, e.g. a restart), 53 (resources). */
	if (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0 ||
		      strncmp(state, "53", 2) == 0))
		return STORE_UNAVAILABLE;
	return STORE_ERROR;
}

static void deliver_object(struct store_call *call, PGresult *res)
{
	struct store_result r = {.status = STORE_OK, .remaining = -1};

	if (PQntuples(res) == 0) {
		r.status = STORE_NOT_FOUND;
		r.message = "not found";
	} else {
		r.rv = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		r.object = PQgetvalue(res, 0, 1);
	}
	call->fn(call->ctx, &r);
}

/* Columns: snapshot rv, namespace, name, rv, object, remaining count. */
static void deliver_list(struct store_call *call, PGresult *res)
{
	struct store_result r = {.status = STORE_OK, .remaining = -1};
	int rows = PQntuples(res);

	if (call->limit > 0 && rows > call->limit) {
		r.more = true;
		rows = call->limit;
	}
	if (rows == 1 && PQgetisnull(res, 0, 1))
		rows = 0; /* the snapshot row alone: nothing matched */
	r.items = calloc((size_t)rows + 1, sizeof(*r.items));
	if (!r.items)
		abort();
	r.num_items = rows;
	for (int i = 0; i < rows; i++) {
		r.items[i].namespace = PQgetvalue(res, i, 1);
		r.items[i].name = PQgetvalue(res, i, 2);
		r.items[i].rv = strtoll(PQgetvalue(res, i, 3), NULL, 10);
		r.items[i].object = PQgetvalue(res, i, 4);
	}
	if (PQntuples(res) > 0) {
		r.rv = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		if (!PQgetisnull(res, 0, 5))
			r.remaining = strtoll(PQgetvalue(res, 0, 5), NULL, 10) - rows;
	}
	call->fn(call->ctx, &r);
	free(r.items);
}

static void store_done(void *ctx, PGresult *res, const char *error)
{
	struct store_call *call = ctx;
	struct store_result r = {.remaining = -1};

	if (!res) {
		r.status = STORE_UNAVAILABLE;
		r.message = error;
		call->fn(call->ctx, &r);
	} else if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		r.status = status_of_error(res);
		r.message = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
		if (!r.message)
			r.message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		if (r.status == STORE_CONFLICT && r.message &&
		    strncmp(r.message, "current rv ", 11) == 0)
			r.rv = strtoll(r.message + 11, NULL, 10);
		call->fn(call->ctx, &r);
	} else if (call->list) {
		deliver_list(call, res);
	} else {
		deliver_object(call, res);
	}
	free(call);
}

static struct store_call *call_new(store_fn fn, void *ctx)
{
	struct store_call *call = calloc(1, sizeof(*call));

	if (!call)
		abort();
	call->fn = fn;
	call->ctx = ctx;
	return call;
}

void store_get(struct pg_pool *pool, const struct store_key *key, store_fn fn, void *ctx)
{
	const char *params[] = {key->group, key->resource, key->namespace, key->name};

	pg_pool_query(pool, &store_statements[STMT_GET], NULL, 4, params, store_done,
		      call_new(fn, ctx));
}

/*
 * Group commit. Writes commit one after another (the counter's row lock is
 * held through each commit's flush to disk), so the store keeps at most
 * MAX_WRITES_IN_FLIGHT write statements on the pool at once and queues the
 * rest; when one comes back, everything queued (up to BATCH_MAX writes)
 * goes out as one pgkube.write_batch transaction. A lone write goes out at
 * once, as a single-write statement: no waiting for company, and no cost
 * when the load is light. A write to a key that a batch on the way already
 * writes waits for that batch to come back: writes to one key go out one
 * after another, in the order they came.
 *
 * A create or update of a core Service claims its cluster IPs and node
 * ports in the same transaction (sql/007_service_allocations.sql), and a
 * claim that fails aborts the transaction: such a write always goes out on
 * its own, never in a batch whose other writes it would take down with it.
 */
#define MAX_WRITES_IN_FLIGHT 2
#define BATCH_MAX	     64

enum write_kind { WRITE_CREATE, WRITE_UPDATE, WRITE_DELETE };

struct write_op {
	struct store_call *call;
	enum write_kind kind;
	char *group, *resource, *namespace, *name;
	char *uid;    /* create: the new uid; delete: the precondition, or NULL */
	int64_t rv;   /* the resourceVersion precondition, 0 = none */
	char *object; /* create, update: the JSON text */
	bool alone;   /* never batched: a Service create or update */
	struct write_op *next;
};

struct batch {
	struct batcher *batcher;
	struct write_op **ops;
	int num_ops;
};

struct batcher {
	struct pg_pool *pool;
	struct batch *in_flight[MAX_WRITES_IN_FLIGHT];
	int num_in_flight;
	struct write_op *head, *tail;
	bool flushing; /* batcher_flush is running: a nested call only loops it */
	bool flush_again;
};

static void write_op_free(struct write_op *op)
{
	free(op->group);
	free(op->resource);
	free(op->namespace);
	free(op->name);
	free(op->uid);
	free(op->object);
	free(op);
}

static char *dup_or_null(const char *s)
{
	char *copy = s ? strdup(s) : NULL;

	if (s && !copy)
		abort();
	return copy;
}

static void batcher_free(void *user)
{
	struct batcher *b = user;

	while (b->head) {
		struct write_op *op = b->head;
		struct store_result r = {
		    .status = STORE_UNAVAILABLE, .message = "shutting down", .remaining = -1};

		b->head = op->next;
		op->call->fn(op->call->ctx, &r);
		free(op->call);
		write_op_free(op);
	}
	free(b);
}

static struct batcher *batcher_of(struct pg_pool *pool)
{
	struct batcher *b = pg_pool_user(pool);

	if (!b) {
		b = calloc(1, sizeof(*b));
		if (!b)
			abort();
		b->pool = pool;
		pg_pool_set_user(pool, b, batcher_free);
	}
	return b;
}

static void batcher_flush(struct batcher *b);

static void batch_finished(struct batcher *b, struct batch *batch)
{
	for (int i = 0; i < b->num_in_flight; i++)
		if (b->in_flight[i] == batch)
			b->in_flight[i] = b->in_flight[--b->num_in_flight];
	for (int i = 0; i < batch->num_ops; i++)
		write_op_free(batch->ops[i]);
	free(batch->ops);
	free(batch);
	batcher_flush(b);
}

static bool same_key(const struct write_op *a, const struct write_op *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->namespace, b->namespace) == 0 &&
	       strcmp(a->resource, b->resource) == 0 && strcmp(a->group, b->group) == 0;
}

/* A single write's answer: as any statement's, then the next batch. */
static void single_write_done(void *ctx, PGresult *res, const char *error)
{
	struct batch *batch = ctx;
	struct batcher *b = batch->batcher;

	store_done(batch->ops[0]->call, res, error);
	batch_finished(b, batch);
}

/* Columns of pgkube.write_batch: idx, rv, object, sqlstate, detail. */
static void batch_done(void *ctx, PGresult *res, const char *error)
{
	struct batch *batch = ctx;
	struct batcher *b = batch->batcher;
	bool ok = res && PQresultStatus(res) == PGRES_TUPLES_OK;
	int rows = ok ? PQntuples(res) : 0;

	for (int i = 0; i < batch->num_ops; i++) {
		struct store_call *call = batch->ops[i]->call;
		struct store_result r = {.remaining = -1};
		int row = -1;

		for (int j = 0; ok && j < rows && row < 0; j++)
			if (atoi(PQgetvalue(res, j, 0)) == i)
				row = j;
		if (!res) {
			r.status = STORE_UNAVAILABLE;
			r.message = error;
		} else if (!ok) {
			r.status = status_of_error(res);
			r.message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		} else if (row < 0) {
			r.status = STORE_ERROR;
			r.message = "write missing from the batch's answer";
		} else if (!PQgetisnull(res, row, 3)) {
			r.status = status_from_sqlstate(PQgetvalue(res, row, 3));
			r.message = PQgetvalue(res, row, 4);
			if (r.status == STORE_CONFLICT &&
			    strncmp(r.message, "current rv ", 11) == 0)
				r.rv = strtoll(r.message + 11, NULL, 10);
		} else {
			r.status = STORE_OK;
			r.rv = strtoll(PQgetvalue(res, row, 1), NULL, 10);
			r.object = PQgetvalue(res, row, 2);
		}
		call->fn(call->ctx, &r);
		free(call);
	}
	batch_finished(b, batch);
}

static void send_single(struct batcher *b, struct batch *batch)
{
	struct write_op *op = batch->ops[0];
	char rv[24];
	const char *params[6] = {op->group, op->resource, op->namespace, op->name};
	int stmt;

	snprintf(rv, sizeof(rv), "%lld", (long long)op->rv);
	switch (op->kind) {
	case WRITE_CREATE:
		stmt = STMT_CREATE;
		params[4] = op->uid;
		params[5] = op->object;
		break;
	case WRITE_UPDATE:
		stmt = STMT_UPDATE;
		params[4] = rv;
		params[5] = op->object;
		break;
	default:
		stmt = STMT_DELETE;
		params[4] = rv;
		params[5] = op->uid;
		break;
	}
	pg_pool_query(b->pool, &store_statements[stmt], NULL, 6, params, single_write_done, batch);
}

static void send_batch(struct batcher *b, struct batch *batch)
{
	static const char *const op_names[] = {"create", "update", "delete"};
	struct buf ops = {0};
	const char *params[1];

	buf_append_str(&ops, "[");
	for (int i = 0; i < batch->num_ops; i++) {
		struct write_op *op = batch->ops[i];

		buf_printf(&ops, "%s{\"op\":\"%s\",\"group\":", i ? "," : "", op_names[op->kind]);
		buf_append_json_string(&ops, op->group);
		buf_append_str(&ops, ",\"resource\":");
		buf_append_json_string(&ops, op->resource);
		buf_append_str(&ops, ",\"namespace\":");
		buf_append_json_string(&ops, op->namespace);
		buf_append_str(&ops, ",\"name\":");
		buf_append_json_string(&ops, op->name);
		buf_printf(&ops, ",\"rv\":%lld,\"uid\":", (long long)op->rv);
		if (op->uid)
			buf_append_json_string(&ops, op->uid);
		else
			buf_append_str(&ops, "null");
		if (op->object) {
			buf_append_str(&ops, ",\"object\":");
			buf_append_str(&ops, op->object);
		}
		buf_append_str(&ops, "}");
	}
	buf_append_str(&ops, "]");
	params[0] = ops.data;
	pg_pool_query(b->pool, &store_statements[STMT_WRITE_BATCH], NULL, 1, params, batch_done,
		      batch);
	buf_free(&ops);
}

static bool batch_has_key(const struct batch *batch, const struct write_op *op)
{
	for (int i = 0; i < batch->num_ops; i++)
		if (same_key(batch->ops[i], op))
			return true;
	return false;
}

static void batcher_send_some(struct batcher *b);

/* Sends what is queued, as far as MAX_WRITES_IN_FLIGHT allows. */
static void batcher_flush(struct batcher *b)
{
	/* A pool with no connection answers at once, from inside the loop below. */
	if (b->flushing) {
		b->flush_again = true;
		return;
	}
	b->flushing = true;
	do {
		b->flush_again = false;
		batcher_send_some(b);
	} while (b->flush_again);
	b->flushing = false;
}

static void batcher_send_some(struct batcher *b)
{
	while (b->head && b->num_in_flight < MAX_WRITES_IN_FLIGHT) {
		struct batch *batch = calloc(1, sizeof(*batch));
		struct write_op **link = &b->head;

		if (!batch || !(batch->ops = calloc(BATCH_MAX, sizeof(*batch->ops))))
			abort();
		batch->batcher = b;
		/* Take queued writes in order, skipping keys already taken. */
		while (*link && batch->num_ops < BATCH_MAX) {
			struct write_op *op = *link;
			bool dup = batch_has_key(batch, op);

			for (int i = 0; i < b->num_in_flight && !dup; i++)
				dup = batch_has_key(b->in_flight[i], op);
			if (dup) {
				link = &op->next;
				continue;
			}
			if (op->alone && batch->num_ops)
				break; /* it goes next, by itself */
			*link = op->next;
			op->next = NULL;
			batch->ops[batch->num_ops++] = op;
			if (op->alone)
				break;
		}
		b->tail = NULL;
		for (struct write_op *op = b->head; op; op = op->next)
			b->tail = op;
		if (!batch->num_ops) { /* every queued key is on its way already */
			free(batch->ops);
			free(batch);
			return;
		}
		b->in_flight[b->num_in_flight++] = batch;
		if (batch->num_ops == 1)
			send_single(b, batch);
		else
			send_batch(b, batch);
	}
}

static void write_enqueue(struct pg_pool *pool, enum write_kind kind, const struct store_key *key,
			  const char *uid, int64_t rv, const char *object_json, store_fn fn,
			  void *ctx)
{
	struct batcher *b = batcher_of(pool);
	struct write_op *op = calloc(1, sizeof(*op));

	if (!op)
		abort();
	op->call = call_new(fn, ctx);
	op->kind = kind;
	op->group = dup_or_null(key->group);
	op->resource = dup_or_null(key->resource);
	op->namespace = dup_or_null(key->namespace);
	op->name = dup_or_null(key->name);
	op->uid = dup_or_null(uid);
	op->rv = rv;
	op->object = dup_or_null(object_json);
	op->alone = kind != WRITE_DELETE && !*op->group && strcmp(op->resource, "services") == 0;
	if (b->tail)
		b->tail->next = op;
	else
		b->head = op;
	b->tail = op;
	batcher_flush(b);
}

void store_create(struct pg_pool *pool, const struct store_key *key, const char *uid,
		  const char *object_json, store_fn fn, void *ctx)
{
	write_enqueue(pool, WRITE_CREATE, key, uid, 0, object_json, fn, ctx);
}

void store_update(struct pg_pool *pool, const struct store_key *key, int64_t expected_rv,
		  const char *object_json, store_fn fn, void *ctx)
{
	write_enqueue(pool, WRITE_UPDATE, key, NULL, expected_rv, object_json, fn, ctx);
}

void store_delete(struct pg_pool *pool, const struct store_key *key, int64_t expected_rv,
		  const char *expected_uid, store_fn fn, void *ctx)
{
	write_enqueue(pool, WRITE_DELETE, key, expected_uid, expected_rv, NULL, fn, ctx);
}

/*
 * The latest state comes from pgkube.objects, read in the same statement
 * as the counter so the two agree (one snapshot); an older state comes
 * from the change log through pgkube.list_at(), which raises PGK41/PGK42.
 * One row beyond the limit is fetched to learn whether there are more.
 * Parameters: $1 group, $2 resource, $3 namespace or NULL, $4 rv or NULL,
 * $5 after-namespace, $6 after-name, $7 limit+1 or NULL, then the
 * selector's.
 */
void store_list(struct pg_pool *pool, const struct store_list_options *o, store_fn fn, void *ctx)
{
	struct store_call *call = call_new(fn, ctx);
	const char *params[64];
	char rv[24], limit[16];
	struct buf sql = {0};
	int n = 0;

	if (o->num_where_params > 64 - 7) {
		struct store_result r = {.status = STORE_ERROR, .message = "selector too large"};

		fn(ctx, &r);
		free(call);
		return;
	}
	call->list = true;
	call->limit = o->limit;
	snprintf(rv, sizeof(rv), "%lld", (long long)o->at_rv);
	snprintf(limit, sizeof(limit), "%d", o->limit + 1);
	params[n++] = o->group;
	params[n++] = o->resource;
	params[n++] = o->namespace;
	params[n++] = o->at_rv ? rv : NULL;
	params[n++] = o->after_namespace ? o->after_namespace : "";
	params[n++] = o->after_name ? o->after_name : "";
	params[n++] = o->limit > 0 ? limit : NULL;
	for (int i = 0; i < o->num_where_params; i++)
		params[n++] = o->where_params[i];

	/* The outer single row carries the snapshot's rv even when nothing matches. */
	if (!o->at_rv) {
		buf_append_str(&sql, "SELECT r.rv, o.namespace, o.name, o.rv, o.object::text, ");
		if (o->count_remaining)
			buf_append_str(&sql, "(SELECT count(*) FROM pgkube.objects c"
					     " WHERE c.api_group = $1 AND c.resource = $2"
					     " AND ($3::text IS NULL OR c.namespace = $3)"
					     " AND (c.namespace, c.name) > ($5, $6))");
		else
			buf_append_str(&sql, "NULL::bigint");
		buf_append_str(&sql,
			       " FROM pgkube.revision r LEFT JOIN LATERAL ("
			       "SELECT o.namespace, o.name, o.rv, o.object FROM pgkube.objects o"
			       " WHERE o.api_group = $1 AND o.resource = $2"
			       " AND ($3::text IS NULL OR o.namespace = $3)"
			       " AND $4::bigint IS NULL"
			       " AND (o.namespace, o.name) > ($5, $6)");
	} else {
		buf_append_str(&sql,
			       "SELECT $4::bigint, o.namespace, o.name, o.rv, o.object::text,"
			       " NULL::bigint FROM (SELECT 1) r LEFT JOIN LATERAL ("
			       "SELECT o.namespace, o.name, o.rv, o.object"
			       " FROM pgkube.list_at($1, $2, $3, $4::bigint, $5, $6, $7::int) o"
			       " WHERE true");
	}
	if (o->where_sql)
		buf_printf(&sql, " AND (%s)", o->where_sql);
	buf_append_str(&sql, " ORDER BY o.namespace, o.name LIMIT $7::int) o ON true"
			     " ORDER BY o.namespace, o.name");
	pg_pool_query(pool, NULL, sql.data, n, params, store_done, call);
	buf_free(&sql);
}
