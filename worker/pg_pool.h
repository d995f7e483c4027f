/*
 * pg_pool.h - a worker's connections to PostgreSQL, driven by the event
 * loop through libpq's asynchronous API.
 *
 * Connections are opened with PQconnectStart/PQconnectPoll, watched for
 * the server going away (PostgreSQL restarted: each backend is terminated
 * and its socket becomes readable), pinged when idle, and reopened with
 * exponential back-off. pg_pool_ready() is what /readyz reports.
 */
#ifndef PGKUBE_PG_POOL_H
#define PGKUBE_PG_POOL_H

#include <stdbool.h>

#include "worker/event_loop.h"

struct pg_pool;

struct pg_pool *pg_pool_new(struct event_loop *loop, const char *dsn, int size);
void pg_pool_free(struct pg_pool *pool);

/* At least one connection is open and answered its last ping. */
bool pg_pool_ready(const struct pg_pool *pool);
/* The last connection error, for /readyz?verbose and logs ("" if none). */
const char *pg_pool_last_error(const struct pg_pool *pool);

#endif
