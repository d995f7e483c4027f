/*
 * worker.h - one worker process: its event loop and what hangs off it.
 *
 * The master forks workers with the listening socket and the TLS context
 * already open; worker_main() never returns. Each worker serves
 * connections on its own and talks to PostgreSQL through its own pool.
 */
#ifndef PGKUBE_WORKER_H
#define PGKUBE_WORKER_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/config.h"
#include "worker/event_loop.h"

struct conn;
struct pg_pool;
struct watch_hub;
struct authz;

struct worker {
	const struct config *cfg;
	struct event_loop *loop;
	SSL_CTX *ssl_ctx;
	int listen_fd;
	int signal_fd;
	struct pg_pool *pg;
	struct watch_hub *watch;
	struct authz *authz; /* the authorizer chain and its RBAC cache */
	struct conn *conns;  /* every open connection, for sweeps and shutdown */
	int num_conns;
	int peak_conns; /* since the last malloc_trim() */
	bool shutting_down;
	int64_t drain_deadline;
	int64_t started_ms;
};

/* Timeouts of the HTTP layer, in milliseconds (see conn.c). */
struct http_timeouts {
	int64_t handshake;
	int64_t header;
	int64_t idle;
	int64_t body;
	int64_t write;
};
extern struct http_timeouts http_timeouts;

void worker_main(const struct config *cfg, int listen_fd, SSL_CTX *ssl_ctx, int index)
    __attribute__((noreturn));

#endif
