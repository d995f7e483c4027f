/*
 * worker.c - a worker process's life: set up its event loop around the
 * inherited listening socket, serve, and on SIGTERM/SIGINT drain:
 * stop accepting, close idle connections, let in-flight requests finish
 * (bounded by --shutdown-delay-duration + a grace period), exit 0.
 */
#include "worker.h"

#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "shared/log.h"
#include "worker/authn_oidc.h"
#include "worker/authn_webhook.h"
#include "worker/authz.h"
#include "worker/watch.h"
#include "worker/conn.h"
#include "worker/pg_pool.h"
#include "worker/store.h"

#define DRAIN_GRACE_MS 60000 /* kube-apiserver's default request timeout */
/* Connections to PostgreSQL per worker: writes serialize on the counter
 * row anyway, so a few per worker keep every core busy. */
#define WORKER_PG_CONNECTIONS 4

static void apply_test_timeouts(void)
{
	/* Test-only knob: shortens every HTTP timeout to this many seconds. */
	const char *s = getenv("PGKUBE_TEST_HTTP_TIMEOUT_SECONDS");

	if (s && atoi(s) > 0) {
		int64_t ms = (int64_t)atoi(s) * 1000;

		http_timeouts = (struct http_timeouts){ms, ms, ms, ms, ms};
	}
}

static void worker_check_drained(struct worker *w)
{
	if (!w->shutting_down)
		return;
	if (w->num_conns == 0 || event_loop_now(w->loop) >= w->drain_deadline)
		event_loop_stop(w->loop);
}

/* After a crowd of connections leaves, hand the memory back to the system:
 * glibc keeps freed heap pages otherwise. */
static void worker_trim_memory(struct worker *w)
{
	if (w->num_conns > w->peak_conns)
		w->peak_conns = w->num_conns;
	if (w->peak_conns >= 256 && w->num_conns < w->peak_conns / 4) {
		malloc_trim(0);
		w->peak_conns = w->num_conns;
	}
}

static void worker_tick(struct event_loop *loop, void *ctx)
{
	struct worker *w = ctx;

	conn_sweep(w);
	worker_trim_memory(w);
	worker_check_drained(w);
	event_loop_timer(loop, w->shutting_down ? 100 : 1000, worker_tick, w);
}

static void worker_begin_shutdown(struct worker *w)
{
	if (w->shutting_down)
		return;
	w->shutting_down = true;
	w->drain_deadline = event_loop_now(w->loop) + DRAIN_GRACE_MS;
	event_loop_remove(w->loop, w->listen_fd);
	close(w->listen_fd);
	w->listen_fd = -1;
	watch_hub_end_all(w->watch); /* clients re-watch through another worker */
	conn_begin_shutdown(w);
	if (LOG_V(1))
		log_info("worker draining %d connections", w->num_conns);
	worker_check_drained(w);
}

static void worker_signal(struct event_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct worker *w = ctx;
	struct signalfd_siginfo info;

	while (read(fd, &info, sizeof(info)) == sizeof(info)) {
		if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT)
			worker_begin_shutdown(w);
	}
}

void worker_main(const struct config *cfg, int listen_fd, SSL_CTX *ssl_ctx, int index)
{
	struct worker w = {0};
	sigset_t mask;

	/* The master may die without telling us (kill -9): then stop too. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	apply_test_timeouts();
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	w.cfg = cfg;
	w.ssl_ctx = ssl_ctx;
	w.listen_fd = listen_fd;
	w.loop = event_loop_new();
	w.signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (!w.loop || w.signal_fd < 0) {
		log_error("worker %d: cannot set up its event loop", index);
		exit(1);
	}
	w.started_ms = event_loop_now(w.loop);
	event_loop_add(w.loop, w.signal_fd, EPOLLIN, worker_signal, &w);
	if (event_loop_add(w.loop, listen_fd, EPOLLIN | EPOLLEXCLUSIVE, conn_accept_handler, &w) <
	    0) {
		log_error("worker %d: cannot watch the listening socket", index);
		exit(1);
	}
	w.pg = pg_pool_new(w.loop, cfg->storage_dsn, WORKER_PG_CONNECTIONS, store_statements,
			   store_num_statements);
	w.watch = watch_hub_new(&w);
	w.authz = authz_new(&w); /* loads the RBAC cache: before the loop serves */
	authn_webhook_start(w.loop);
	authn_oidc_start(w.loop);
	event_loop_timer(w.loop, 1000, worker_tick, &w);
	if (LOG_V(1))
		log_info("worker %d started", index);

	event_loop_run(w.loop);

	conn_close_all(&w); /* what is left past the drain deadline */
	pg_pool_free(w.pg); /* fails the watchers' queries: they end */
	authz_free(w.authz);
	watch_hub_free(w.watch);
	close(w.signal_fd);
	event_loop_free(w.loop);
	SSL_CTX_free(ssl_ctx);
	if (LOG_V(1))
		log_info("worker %d exiting", index);
	exit(0);
}
