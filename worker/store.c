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
};

static enum store_status status_of_error(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	for (size_t i = 0; state && i < sizeof(sqlstate_map) / sizeof(sqlstate_map[0]); i++)
		if (strcmp(state, sqlstate_map[i].sqlstate) == 0)
			return sqlstate_map[i].status;
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

void store_create(struct pg_pool *pool, const struct store_key *key, const char *uid,
		  const char *object_json, store_fn fn, void *ctx)
{
	const char *params[] = {key->group, key->resource, key->namespace,
				key->name,  uid,	   object_json};

	pg_pool_query(pool, &store_statements[STMT_CREATE], NULL, 6, params, store_done,
		      call_new(fn, ctx));
}

void store_update(struct pg_pool *pool, const struct store_key *key, int64_t expected_rv,
		  const char *object_json, store_fn fn, void *ctx)
{
	char rv[24];
	const char *params[] = {key->group, key->resource, key->namespace, key->name,
				rv,	    object_json};

	snprintf(rv, sizeof(rv), "%lld", (long long)expected_rv);
	pg_pool_query(pool, &store_statements[STMT_UPDATE], NULL, 6, params, store_done,
		      call_new(fn, ctx));
}

void store_delete(struct pg_pool *pool, const struct store_key *key, int64_t expected_rv,
		  const char *expected_uid, store_fn fn, void *ctx)
{
	char rv[24];
	const char *params[] = {key->group, key->resource, key->namespace, key->name,
				rv,	    expected_uid};

	snprintf(rv, sizeof(rv), "%lld", (long long)expected_rv);
	pg_pool_query(pool, &store_statements[STMT_DELETE], NULL, 6, params, store_done,
		      call_new(fn, ctx));
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
