/*
 * pg_pool.c - asynchronous libpq connections with reconnect and ping.
 *
 * Each connection is a small state machine: CONNECTING (PQconnectPoll
 * until OK or failed), IDLE (socket watched for EOF/notices; pinged every
 * PING_INTERVAL_MS), PINGING (a "SELECT 1" in flight), DOWN (waiting for
 * its back-off timer). A ping that does not come back within
 * PING_TIMEOUT_MS marks the connection down: a server that vanished
 * without closing the socket is noticed too.
 */
#include "pg_pool.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "shared/log.h"

#define PING_INTERVAL_MS 2000
#define PING_TIMEOUT_MS 5000
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000

enum pg_conn_state { PG_DOWN, PG_CONNECTING, PG_IDLE, PG_PINGING };

struct pg_conn {
	struct pg_pool *pool;
	PGconn *pg;
	int fd; /* registered with the loop, or -1 */
	enum pg_conn_state state;
	int64_t backoff_ms;
	int64_t ping_sent;
	uint64_t timer;
};

struct pg_pool {
	struct event_loop *loop;
	char *dsn;
	int size;
	struct pg_conn *conns;
	char last_error[256];
};

static void pg_conn_start(struct pg_conn *c);
static void pg_conn_event(struct event_loop *loop, int fd, uint32_t events, void *ctx);

static void pg_conn_watch(struct pg_conn *c, uint32_t events)
{
	int fd = PQsocket(c->pg);

	if (c->fd != fd) {
		if (c->fd >= 0)
			event_loop_remove(c->pool->loop, c->fd);
		c->fd = fd;
		if (fd >= 0)
			event_loop_add(c->pool->loop, fd, events, pg_conn_event, c);
	} else if (fd >= 0) {
		event_loop_modify(c->pool->loop, fd, events);
	}
}

static void pg_conn_retry(struct event_loop *loop, void *ctx)
{
	struct pg_conn *c = ctx;

	c->timer = 0;
	pg_conn_start(c);
}

static void pg_conn_down(struct pg_conn *c, const char *why)
{
	struct pg_pool *pool = c->pool;
	char message[sizeof(pool->last_error)];

	snprintf(message, sizeof(message), "%s", why && *why ? why : "connection lost");
	message[strcspn(message, "\n")] = '\0';
	if (strcmp(message, pool->last_error) != 0)
		log_warn("PostgreSQL: %s; reconnecting in %lldms", message,
			 (long long)c->backoff_ms);
	snprintf(pool->last_error, sizeof(pool->last_error), "%s", message);
	if (c->fd >= 0)
		event_loop_remove(pool->loop, c->fd);
	c->fd = -1;
	if (c->pg)
		PQfinish(c->pg);
	c->pg = NULL;
	c->state = PG_DOWN;
	if (c->timer)
		event_loop_cancel(pool->loop, c->timer);
	c->timer = event_loop_timer(pool->loop, c->backoff_ms, pg_conn_retry, c);
	c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
}

static void pg_conn_ping_timer(struct event_loop *loop, void *ctx);

static void pg_conn_schedule_ping(struct pg_conn *c, int64_t delay)
{
	if (c->timer)
		event_loop_cancel(c->pool->loop, c->timer);
	c->timer = event_loop_timer(c->pool->loop, delay, pg_conn_ping_timer, c);
}

static void pg_conn_ping_timer(struct event_loop *loop, void *ctx)
{
	struct pg_conn *c = ctx;

	c->timer = 0;
	if (c->state == PG_PINGING) {
		pg_conn_down(c, "ping timed out");
		return;
	}
	if (c->state != PG_IDLE)
		return;
	if (!PQsendQuery(c->pg, "SELECT 1")) {
		pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	c->state = PG_PINGING;
	c->ping_sent = event_loop_now(loop);
	if (PQflush(c->pg) == 1)
		pg_conn_watch(c, EPOLLIN | EPOLLOUT);
	pg_conn_schedule_ping(c, PING_TIMEOUT_MS);
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
		c->state = PG_IDLE;
		c->backoff_ms = BACKOFF_MIN_MS;
		c->pool->last_error[0] = '\0';
		pg_conn_watch(c, EPOLLIN);
		pg_conn_schedule_ping(c, PING_INTERVAL_MS);
		if (LOG_V(1))
			log_info("PostgreSQL: connected");
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

static void pg_conn_event(struct event_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct pg_conn *c = ctx;
	PGresult *res;

	if (c->state == PG_CONNECTING) {
		pg_conn_poll_connect(c);
		return;
	}
	if ((events & EPOLLOUT) && PQflush(c->pg) == 0)
		pg_conn_watch(c, EPOLLIN);
	if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
		return;
	if (!PQconsumeInput(c->pg)) {
		pg_conn_down(c, PQerrorMessage(c->pg));
		return;
	}
	while (!PQisBusy(c->pg) && (res = PQgetResult(c->pg)) != NULL) {
		if (PQresultStatus(res) != PGRES_TUPLES_OK && c->state == PG_PINGING) {
			pg_conn_down(c, PQresultErrorMessage(res));
			PQclear(res);
			return;
		}
		PQclear(res);
	}
	if (c->state == PG_PINGING && !PQisBusy(c->pg)) {
		c->state = PG_IDLE;
		pg_conn_schedule_ping(c, PING_INTERVAL_MS);
	}
	if (PQstatus(c->pg) == CONNECTION_BAD)
		pg_conn_down(c, PQerrorMessage(c->pg));
}

struct pg_pool *pg_pool_new(struct event_loop *loop, const char *dsn, int size)
{
	struct pg_pool *pool = calloc(1, sizeof(*pool));

	if (!pool)
		abort();
	pool->loop = loop;
	pool->dsn = strdup(dsn ? dsn : "");
	pool->size = size;
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

void pg_pool_free(struct pg_pool *pool)
{
	for (int i = 0; i < pool->size; i++) {
		struct pg_conn *c = &pool->conns[i];

		if (c->timer)
			event_loop_cancel(pool->loop, c->timer);
		if (c->fd >= 0)
			event_loop_remove(pool->loop, c->fd);
		if (c->pg)
			PQfinish(c->pg);
	}
	free(pool->conns);
	free(pool->dsn);
	free(pool);
}

bool pg_pool_ready(const struct pg_pool *pool)
{
	for (int i = 0; i < pool->size; i++)
		if (pool->conns[i].state == PG_IDLE || pool->conns[i].state == PG_PINGING)
			return true;
	return false;
}

const char *pg_pool_last_error(const struct pg_pool *pool)
{
	return pool->last_error;
}
