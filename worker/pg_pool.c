/*
 * pg_pool.c - asynchronous libpq connections, a query queue, reconnects.
 *
 * Each connection is a small state machine:
 *   CONNECTING  PQconnectPoll until OK or failed;
 *   PREPARING   the PREPAREs of every registered statement, sent as one
 *               simple query (one round trip);
 *   IDLE        ready; takes the next queued query; pinged every
 *               PING_INTERVAL_MS when nothing else happens;
 *   BUSY        one query (or ping) in flight;
 *   DOWN        waiting for its back-off timer to reconnect.
 * A query or ping that does not come back within QUERY_TIMEOUT_MS marks
 * the connection down: a server that vanished without closing the socket
 * is noticed too.
 */
#include "pg_pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "shared/buf.h"
#include "shared/log.h"

#define PING_INTERVAL_MS 2000
#define QUERY_TIMEOUT_MS 30000
#define BACKOFF_MIN_MS	 100
#define BACKOFF_MAX_MS	 5000

enum pg_conn_state { PG_DOWN, PG_CONNECTING, PG_PREPARING, PG_IDLE, PG_BUSY };

struct pg_query {
	const struct pg_statement *stmt;
	char *sql;
	int num_params;
	char **params;
	pg_result_fn fn; /* NULL for pings and PREPAREs */
	void *ctx;
	struct pg_query *next;
};

struct pg_conn {
	struct pg_pool *pool;
	PGconn *pg;
	int fd;		 /* registered with the loop, or -1 */
	uint32_t events; /* what fd is registered for */
	enum pg_conn_state state;
	int64_t backoff_ms;
	uint64_t timer;
	struct pg_query *current; /* in flight, NULL for pings/PREPAREs */
	PGresult *result;	  /* the first result of the current query */
};

struct pg_pool {
	struct event_loop *loop;
	char *dsn;
	int size;
	struct pg_conn *conns;
	const struct pg_statement *statements;
	int num_statements;
	struct pg_query *queue_head, *queue_tail;
	char last_error[256];
	void *user;
	void (*user_free)(void *user);
	/* LISTEN */
	char *channel;
	void (*notify_fn)(void *ctx, const char *payload);
	void *notify_ctx;
	uint64_t notify_timer;
	bool notify_subscribed; /* a (re)subscription is to be reported */
	char notify_payload[64];
	bool notify_pending;
};

static void pg_conn_start(struct pg_conn *c);
static void pg_conn_take_notifies(struct pg_conn *c);
static void pg_conn_event(struct event_loop *loop, int fd, uint32_t events, void *ctx);
static void pg_pool_dispatch(struct pg_pool *pool);

static void query_free(struct pg_query *q)
{
	for (int i = 0; i < q->num_params; i++)
		free(q->params[i]);
	free(q->params);
	free(q->sql);
	free(q);
}

static void query_finish(struct pg_query *q, PGresult *res, const char *error)
{
	if (q->fn)
		q->fn(q->ctx, res, error);
	query_free(q);
}

static void pg_conn_watch(struct pg_conn *c, uint32_t events)
{
	int fd = PQsocket(c->pg);

	if (c->fd != fd) {
		if (c->fd >= 0)
			event_loop_remove(c->pool->loop, c->fd);
		c->fd = fd;
		if (fd >= 0)
			event_loop_add(c->pool->loop, fd, events, pg_conn_event, c);
	} else if (fd >= 0 && events != c->events) {
		event_loop_modify(c->pool->loop, fd, events); /* a system call: only on change */
	}
	c->events = events;
}

static void pg_conn_set_timer(struct pg_conn *c, int64_t delay, timer_fn fn)
{
	if (c->timer)
		event_loop_cancel(c->pool->loop, c->timer);
	c->timer = fn ? event_loop_timer(c->pool->loop, delay, fn, c) : 0;
}

static void pg_conn_retry(struct event_loop *loop, void *ctx)
{
	struct pg_conn *c = ctx;

	c->timer = 0;
	pg_conn_start(c);
}

static bool pool_has_live_conn(const struct pg_pool *pool)
{
	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i].state >= PG_PREPARING)
			return true;
	return false;
}

/* Nothing can serve the queue: fail it now instead of letting clients hang. */
static void pg_pool_fail_queue(struct pg_pool *pool)
{
	while (pool->queue_head) {
		struct pg_query *q = pool->queue_head;

		pool->queue_head = q->next;
		if (!pool->queue_head)
			pool->queue_tail = NULL;
		query_finish(q, NULL, pool->last_error);
	}
}

static void pg_conn_down(struct pg_conn *c, const char *why)
{
	struct pg_pool *pool = c->pool;
	char message[sizeof(pool->last_error)];
	struct pg_query *q = c->current;

	snprintf(message, sizeof(message), "%s", why && *why ? why : "connection lost");
	message[strcspn(message, "\n")] = '\0';
	if (strcmp(message, pool->last_error) != 0)
		log_warn("PostgreSQL: %s; reconnecting in %lldms", message,
			 (long long)c->backoff_ms);
	snprintf(pool->last_error, sizeof(pool->last_error), "%s", message);
	if (c->fd >= 0)
		event_loop_remove(pool->loop, c->fd);
	c->fd = -1;
	if (c->result)
		PQclear(c->result);
	c->result = NULL;
	if (c->pg)
		PQfinish(c->pg);
	c->pg = NULL;
	c->state = PG_DOWN;
	c->current = NULL;
	pg_conn_set_timer(c, c->backoff_ms, pg_conn_retry);
	c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
	if (q)
		query_finish(q, NULL, message);
	if (!pool_has_live_conn(pool))
		pg_pool_fail_queue(pool);
}

static void pg_conn_timeout(struct event_loop *loop, void *ctx)
{
	struct pg_conn *c = ctx;

	c->timer = 0;
	pg_conn_down(c, "query timed out");
}

static void pg_conn_ping(struct event_loop *loop, void *ctx);

static void pg_conn_idle(struct pg_conn *c)
{
	c->state = PG_IDLE;
	pg_conn_set_timer(c, PING_INTERVAL_MS, pg_conn_ping);
}

/* Sends what is queued on c; the socket is then watched for the answer. */
static void pg_conn_flush_and_watch(struct pg_conn *c)
{
	int rc = PQflush(c->pg);

	if (rc < 0) {
		pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	pg_conn_watch(c, rc == 1 ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

static void pg_conn_send(struct pg_conn *c, struct pg_query *q)
{
	int ok;

	c->state = PG_BUSY;
	c->current = q;
	if (q->stmt)
		ok = PQsendQueryPrepared(c->pg, q->stmt->name, q->num_params,
					 (const char *const *)q->params, NULL, NULL, 0);
	else
		ok = PQsendQueryParams(c->pg, q->sql, q->num_params, NULL,
				       (const char *const *)q->params, NULL, NULL, 0);
	if (!ok) {
		pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	pg_conn_set_timer(c, QUERY_TIMEOUT_MS, pg_conn_timeout);
	pg_conn_flush_and_watch(c);
}

static void pg_conn_ping(struct event_loop *loop, void *ctx)
{
	struct pg_conn *c = ctx;

	c->timer = 0;
	if (c->state != PG_IDLE)
		return;
	c->state = PG_BUSY;
	c->current = NULL;
	if (!PQsendQuery(c->pg, "SELECT 1")) {
		pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	pg_conn_set_timer(c, QUERY_TIMEOUT_MS, pg_conn_timeout);
	pg_conn_flush_and_watch(c);
}

static void pg_conn_prepare(struct pg_conn *c)
{
	struct pg_pool *pool = c->pool;
	struct buf sql = {0};

	/*
	 * JIT off: the planner's estimates for the store's queries (tiny
	 * singleton tables, generic plans) can exceed jit_above_cost, and
	 * compiling then costs a quarter of a second on a query that runs in
	 * microseconds. Short OLTP statements never gain from it.
	 */
	buf_append_str(&sql, "SET jit = off;\n");
	for (int i = 0; i < pool->num_statements; i++)
		buf_printf(&sql, "PREPARE %s AS %s;\n", pool->statements[i].name,
			   pool->statements[i].sql);
	if (pool->channel)
		buf_printf(&sql, "LISTEN %s;\n", pool->channel);
	c->state = PG_PREPARING;
	c->current = NULL;
	if (!PQsendQuery(c->pg, sql.data)) {
		buf_free(&sql);
		pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	buf_free(&sql);
	pg_conn_set_timer(c, QUERY_TIMEOUT_MS, pg_conn_timeout);
	pg_conn_flush_and_watch(c);
}

static void pg_conn_poll_connect(struct pg_conn *c)
{
	switch (PQconnectPoll(c->pg)) {
	case PGRES_POLLING_READING:
		pg_conn_watch(c, EPOLLIN);
		return;
	case PGRES_POLLING_WRITING:
		pg_conn_watch(c, EPOLLOUT);
		return;
	case PGRES_POLLING_OK:
		if (PQsetnonblocking(c->pg, 1) != 0) {
			pg_conn_down(c, PQerrorMessage(c->pg));
			return;
		}
		c->backoff_ms = BACKOFF_MIN_MS;
		if (LOG_V(1))
			log_info("PostgreSQL: connected");
		pg_conn_prepare(c);
		return;
	default:
		pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
}

static void pg_conn_start(struct pg_conn *c)
{
	c->pg = PQconnectStart(c->pool->dsn);
	if (!c->pg || PQstatus(c->pg) == CONNECTION_BAD) {
		pg_conn_down(c, c->pg ? PQerrorMessage(c->pg) : "out of memory");
		return;
	}
	c->state = PG_CONNECTING;
	c->fd = -1;
	pg_conn_poll_connect(c);
}

/* The whole answer of the statement in flight has arrived. */
static void pg_conn_complete(struct pg_conn *c)
{
	struct pg_query *q = c->current;
	PGresult *res = c->result;
	enum pg_conn_state was = c->state;

	c->current = NULL;
	c->result = NULL;
	pg_conn_idle(c);
	if (was == PG_PREPARING) {
		ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

		if (st != PGRES_COMMAND_OK) {
			char why[256];

			snprintf(why, sizeof(why), "preparing statements: %s",
				 res ? PQresultErrorMessage(res) : "no result");
			PQclear(res);
			pg_conn_down(c, why);
			return;
		}
		c->pool->last_error[0] = '\0';
		if (c->pool->channel) {
			c->pool->notify_subscribed = true;
			pg_conn_take_notifies(c);
		}
	}
	if (q)
		query_finish(q, res, res ? NULL : "no result");
	PQclear(res);
	pg_pool_dispatch(c->pool);
}

static void pg_pool_notify_now(struct event_loop *loop, void *ctx)
{
	struct pg_pool *pool = ctx;
	bool subscribed = pool->notify_subscribed;

	pool->notify_timer = 0;
	pool->notify_subscribed = false;
	pool->notify_pending = false;
	if (subscribed)
		pool->notify_fn(pool->notify_ctx, NULL);
	else
		pool->notify_fn(pool->notify_ctx, pool->notify_payload);
}

/* Takes the notifications libpq has read; reports them from a timer, so
 * that the user's function never runs inside the pool's own processing. */
static void pg_conn_take_notifies(struct pg_conn *c)
{
	struct pg_pool *pool = c->pool;
	PGnotify *n;

	while (c->pg && (n = PQnotifies(c->pg)) != NULL) {
		snprintf(pool->notify_payload, sizeof(pool->notify_payload), "%s", n->extra);
		pool->notify_pending = true;
		PQfreemem(n);
	}
	if ((pool->notify_pending || pool->notify_subscribed) && pool->notify_fn &&
	    !pool->notify_timer)
		pool->notify_timer = event_loop_timer(pool->loop, 0, pg_pool_notify_now, pool);
}

static void pg_conn_event(struct event_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct pg_conn *c = ctx;
	PGresult *res;

	if (c->state == PG_CONNECTING) {
		pg_conn_poll_connect(c);
		return;
	}
	if (events & EPOLLOUT) {
		pg_conn_flush_and_watch(c);
		if (c->state == PG_DOWN)
			return;
	}
	if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		return;
	if (!PQconsumeInput(c->pg)) {
		pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	pg_conn_take_notifies(c);
	if (c->state == PG_IDLE) {
		/* Nothing asked: a notice, or the server saying goodbye. */
		if (PQstatus(c->pg) == CONNECTION_BAD)
			pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	while (!PQisBusy(c->pg)) {
		res = PQgetResult(c->pg);
		if (!res) {
			pg_conn_complete(c);
			return;
		}
		/* Keep the first result (an error ends a multi-statement string). */
		if (!c->result || (PQresultStatus(res) == PGRES_FATAL_ERROR &&
				   PQresultStatus(c->result) != PGRES_FATAL_ERROR)) {
			PQclear(c->result);
			c->result = res;
		} else {
			PQclear(res);
		}
	}
	if (PQstatus(c->pg) == CONNECTION_BAD)
		pg_conn_down(c, PQerrorMessage(c->pg));
}

static void pg_pool_dispatch(struct pg_pool *pool)
{
	for (int i = 0; i < pool->size && pool->queue_head; i++) {
		struct pg_conn *c = &pool->conns[i];
		struct pg_query *q;

		if (c->state != PG_IDLE)
			continue;
		q = pool->queue_head;
		pool->queue_head = q->next;
		if (!pool->queue_head)
			pool->queue_tail = NULL;
		q->next = NULL;
		pg_conn_send(c, q);
	}
}

void pg_pool_query(struct pg_pool *pool, const struct pg_statement *stmt, const char *sql,
		   int num_params, const char *const *params, pg_result_fn fn, void *ctx)
{
	struct pg_query *q = calloc(1, sizeof(*q));

	if (!q)
		abort();
	q->stmt = stmt;
	q->sql = sql ? strdup(sql) : NULL;
	q->num_params = num_params;
	q->params = calloc((size_t)num_params + 1, sizeof(char *));
	if (!q->params)
		abort();
	for (int i = 0; i < num_params; i++)
		q->params[i] = params[i] ? strdup(params[i]) : NULL;
	q->fn = fn;
	q->ctx = ctx;
	if (!pool_has_live_conn(pool)) {
		query_finish(q, NULL, pool->last_error[0] ? pool->last_error : "not connected");
		return;
	}
	if (pool->queue_tail)
		pool->queue_tail->next = q;
	else
		pool->queue_head = q;
	pool->queue_tail = q;
	pg_pool_dispatch(pool);
}

struct pg_pool *pg_pool_new(struct event_loop *loop, const char *dsn, int size,
			    const struct pg_statement *statements, int num_statements)
{
	struct pg_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		abort();
	pool->loop = loop;
	pool->dsn = strdup(dsn ? dsn : "");
	pool->size = size;
	pool->statements = statements;
	pool->num_statements = num_statements;
	pool->conns = calloc((size_t)size, sizeof(*pool->conns));
	if (!pool->conns || !pool->dsn)
		abort();
	snprintf(pool->last_error, sizeof(pool->last_error), "not connected yet");
	for (int i = 0; i < size; i++) {
		pool->conns[i].pool = pool;
		pool->conns[i].fd = -1;
		pool->conns[i].backoff_ms = BACKOFF_MIN_MS;
		pg_conn_start(&pool->conns[i]);
	}
	return pool;
}

void pg_pool_listen(struct pg_pool *pool, const char *channel,
		    void (*fn)(void *ctx, const char *payload), void *ctx)
{
	free(pool->channel);
	pool->channel = strdup(channel);
	if (!pool->channel)
		abort();
	pool->notify_fn = fn;
	pool->notify_ctx = ctx;
}

void pg_pool_set_user(struct pg_pool *pool, void *user, void (*free_fn)(void *user))
{
	pool->user = user;
	pool->user_free = free_fn;
}

void *pg_pool_user(const struct pg_pool *pool)
{
	return pool->user;
}

void pg_pool_free(struct pg_pool *pool)
{
	for (int i = 0; i < pool->size; i++) {
		struct pg_conn *c = &pool->conns[i];

		if (c->timer)
			event_loop_cancel(pool->loop, c->timer);
		if (c->fd >= 0)
			event_loop_remove(pool->loop, c->fd);
		if (c->result)
			PQclear(c->result);
		if (c->current)
			query_finish(c->current, NULL, "shutting down");
		if (c->pg)
			PQfinish(c->pg);
	}
	while (pool->queue_head) {
		struct pg_query *q = pool->queue_head;

		pool->queue_head = q->next;
		query_finish(q, NULL, "shutting down");
	}
	if (pool->notify_timer)
		event_loop_cancel(pool->loop, pool->notify_timer);
	free(pool->channel);
	/* Last: the callbacks above may still use it. */
	if (pool->user_free)
		pool->user_free(pool->user);
	free(pool->conns);
	free(pool->dsn);
	free(pool);
}

bool pg_pool_ready(const struct pg_pool *pool)
{
	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i].state == PG_IDLE || pool->conns[i].state == PG_BUSY)
			return true;
	return false;
}

const char *pg_pool_last_error(const struct pg_pool *pool)
{
	return pool->last_error;
}
