/*
 * pg_pool.h - a worker's connections to PostgreSQL, driven by the event
 * loop through libpq's asynchronous API.
 *
 * Connections are opened with PQconnectStart/PQconnectPoll, prepare the
 * store's statements once (one round trip), and then take queries from a
 * FIFO queue: one query in flight per connection. A connection that breaks
 * (PostgreSQL restarted) fails its query, is reopened with exponential
 * back-off, and idle connections are pinged so a vanished server is
 * noticed. While no connection is up, queries fail at once rather than
 * wait: the API answers 503 and /readyz turns red.
 */
#ifndef PGKUBE_PG_POOL_H
#define PGKUBE_PG_POOL_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "worker/event_loop.h"

struct pg_pool;

/* A named statement prepared on every connection. */
struct pg_statement {
	const char *name;
	const char *sql;
};

/*
 * Called once per query with its result (the callee must not PQclear it),
 * or with res == NULL when the query could not run or its connection broke
 * (error then says why). For a write, a broken connection means the
 * outcome is unknown.
 */
typedef void (*pg_result_fn)(void *ctx, PGresult *res, const char *error);

struct pg_pool *pg_pool_new(struct event_loop *loop, const char *dsn, int size,
			    const struct pg_statement *statements, int num_statements);
void pg_pool_free(struct pg_pool *pool);

/*
 * Queues a query: a prepared statement (stmt non-NULL) or SQL text with
 * $n parameters. Parameters are text (NULL = SQL NULL). The strings are
 * copied. The callback may run before this returns (when nothing is up).
 */
void pg_pool_query(struct pg_pool *pool, const struct pg_statement *stmt, const char *sql,
		   int num_params, const char *const *params, pg_result_fn fn, void *ctx);

/*
 * Makes every connection LISTEN on channel (call right after pg_pool_new).
 * fn runs from the event loop, never inside a pool callback: with the
 * payload of a notification (several may be folded into one call, with the
 * last payload), or with NULL when a connection has just (re)subscribed, so
 * that whatever was missed while it was down can be caught up on.
 */
void pg_pool_listen(struct pg_pool *pool, const char *channel,
		    void (*fn)(void *ctx, const char *payload), void *ctx);

/*
 * One pointer of the pool's user (the store keeps its write batcher here),
 * with a function pg_pool_free calls on it first.
 */
void pg_pool_set_user(struct pg_pool *pool, void *user, void (*free_fn)(void *user));
void *pg_pool_user(const struct pg_pool *pool);

/* At least one connection is open and answered its last ping. */
bool pg_pool_ready(const struct pg_pool *pool);
/* The last connection error, for logs ("" if none). */
const char *pg_pool_last_error(const struct pg_pool *pool);

#endif
