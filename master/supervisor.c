/*
 * supervisor.c - the master's loop, after nginx's master process.
 *
 * The master holds the listening socket and the TLS context and does no
 * request work. It waits for signals with sigtimedwait() (all of them
 * blocked, so none is lost between checks):
 *   SIGCHLD  a worker died: log it and fork a replacement after a back-off
 *            that grows while workers keep dying young;
 *   SIGHUP   reload certificate and key from disk into a new TLS context,
 *            fork a new set of workers with it, then drain the old set
 *            (the listening socket never closes, so no connection is
 *            refused); a context that fails to load is logged and ignored;
 *   (timeout) housekeeping: compaction of the change log (compaction.c),
 *             namespaces being deleted emptied and removed (namespaces.c),
 *             aggregated ClusterRoles kept current (rbac_aggregate.c),
 *             the kubernetes Service's endpoints (kubernetes_service.c);
 *   SIGTERM/SIGINT  take this server out of the kubernetes Endpoints, then
 *            drain every worker (they stop accepting and finish
 *            in-flight requests), SIGKILL what is left after the grace
 *            period, exit 0.
 */
#include "supervisor.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "master/compaction.h"
#include "master/namespaces.h"
#include "master/rbac_bootstrap.h"
#include "shared/log.h"
#include "shared/tls_context.h"
#include "worker/event_loop.h"
#include "worker/worker.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 30000
#define YOUNG_DEATH_MS 10000 /* a worker that dies sooner counts as failing */
#define STOP_GRACE_MS  65000 /* workers drain for 60 s; then SIGKILL */

struct worker_slot {
	pid_t pid;	    /* 0 when not running */
	int generation;	    /* workers of an older generation are draining */
	int64_t started;    /* monotonic ms */
	int64_t respawn_at; /* monotonic ms; 0 = no respawn pending */
	int failures;	    /* consecutive young deaths */
};

struct supervisor {
	const struct config *cfg;
	int listen_fd;
	SSL_CTX *ssl_ctx;
	int generation;
	struct compaction compaction;
	struct ns_finalizer namespaces;
	struct rbac_aggregator aggregator;
	struct kubernetes_service *kubernetes;
	struct worker_slot *slots; /* cfg->workers current + as many draining */
	int num_slots;
};

static pid_t spawn_worker(struct supervisor *s, int index)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGCHLD, SIG_DFL);
		/* The master's PostgreSQL session is not the worker's: drop the
		 * socket without a goodbye, which would end it for the master. */
		if (s->namespaces.pg && PQsocket(s->namespaces.pg) >= 0)
			close(PQsocket(s->namespaces.pg));
		if (s->aggregator.pg && PQsocket(s->aggregator.pg) >= 0)
			close(PQsocket(s->aggregator.pg));
		worker_main(s->cfg, s->listen_fd, s->ssl_ctx, index);
	}
	if (pid < 0)
		log_error("fork: %s", strerror(errno));
	return pid;
}

static void start_slot(struct supervisor *s, int i)
{
	struct worker_slot *slot = &s->slots[i];

	slot->pid = spawn_worker(s, i);
	slot->generation = s->generation;
	slot->started = monotonic_ms();
	slot->respawn_at = slot->pid < 0 ? monotonic_ms() + BACKOFF_MAX_MS : 0;
	if (slot->pid < 0)
		slot->pid = 0;
	else if (LOG_V(1))
		log_info("started worker %d (pid %d)", i, (int)slot->pid);
}

static void describe_exit(int status, char *out, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(out, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(out, len, "exited with status %d", WEXITSTATUS(status));
}

static void reap_workers(struct supervisor *s, bool stopping)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < s->num_slots; i++) {
			struct worker_slot *slot = &s->slots[i];
			char how[96];
			int64_t now = monotonic_ms(), delay;

			if (slot->pid != pid)
				continue;
			slot->pid = 0;
			if (stopping || slot->generation != s->generation) {
				if (LOG_V(1))
					log_info("worker pid %d finished draining", (int)pid);
				break;
			}
			describe_exit(status, how, sizeof(how));
			slot->failures =
			    now - slot->started < YOUNG_DEATH_MS ? slot->failures + 1 : 0;
			delay =
			    slot->failures ? (int64_t)BACKOFF_MIN_MS << (slot->failures - 1) : 0;
			if (delay > BACKOFF_MAX_MS || slot->failures > 20)
				delay = BACKOFF_MAX_MS;
			slot->respawn_at = now + delay;
			log_error("worker %d (pid %d) %s; restarting it in %lldms", i, (int)pid,
				  how, (long long)delay);
			break;
		}
	}
}

static void respawn_due(struct supervisor *s)
{
	int64_t now = monotonic_ms();

	for (int i = 0; i < s->num_slots; i++) {
		struct worker_slot *slot = &s->slots[i];

		if (!slot->pid && slot->respawn_at && slot->respawn_at <= now &&
		    slot->generation == s->generation)
			start_slot(s, i);
	}
}

static int64_t next_respawn(const struct supervisor *s)
{
	int64_t next = 0;

	for (int i = 0; i < s->num_slots; i++) {
		const struct worker_slot *slot = &s->slots[i];

		if (!slot->pid && slot->respawn_at && slot->generation == s->generation &&
		    (!next || slot->respawn_at < next))
			next = slot->respawn_at;
	}
	return next;
}

static void signal_workers(struct supervisor *s, int generation, int sig)
{
	for (int i = 0; i < s->num_slots; i++)
		if (s->slots[i].pid && (generation < 0 || s->slots[i].generation == generation))
			kill(s->slots[i].pid, sig);
}

/* SIGHUP: new certificates, new workers; the old ones drain. */
static void reload(struct supervisor *s)
{
	char err[512];
	SSL_CTX *ctx = tls_context_new(s->cfg, err, sizeof(err));
	int old_generation = s->generation;
	int workers = s->cfg->workers;

	if (!ctx) {
		log_error("SIGHUP: keeping the current certificates: %s", err);
		return;
	}
	log_info("SIGHUP: reloaded certificates; rolling %d workers", workers);
	SSL_CTX_free(s->ssl_ctx);
	s->ssl_ctx = ctx;
	s->generation++;
	/* Draining workers move to the upper half of the slot array. */
	for (int i = 0; i < workers; i++) {
		struct worker_slot *old = &s->slots[workers + i];

		if (old->pid)
			kill(old->pid, SIGKILL); /* a third generation: the oldest goes */
		*old = s->slots[i];
		memset(&s->slots[i], 0, sizeof(s->slots[i]));
		start_slot(s, i);
	}
	signal_workers(s, old_generation, SIGTERM);
}

static int stop(struct supervisor *s, int sig)
{
	int64_t deadline = monotonic_ms() + STOP_GRACE_MS;
	sigset_t set;

	log_info("received %s: draining workers", strsignal(sig));
	kubernetes_service_stop(s->kubernetes);
	signal_workers(s, -1, SIGTERM);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		int running = 0;
		struct timespec wait = {0, 100 * 1000 * 1000};

		reap_workers(s, true);
		for (int i = 0; i < s->num_slots; i++)
			running += s->slots[i].pid != 0;
		if (!running)
			break;
		if (monotonic_ms() > deadline) {
			log_warn("%d workers still busy after the grace period; killing them",
				 running);
			signal_workers(s, -1, SIGKILL);
			deadline = monotonic_ms() + 5000;
		}
		sigtimedwait(&set, NULL, &wait);
	}
	log_info("all workers stopped; exiting");
	return 0;
}

int supervisor_run(const struct config *cfg, int listen_fd, SSL_CTX *ssl_ctx,
		   struct kubernetes_service *kubernetes)
{
	struct supervisor s = {
	    .cfg = cfg, .listen_fd = listen_fd, .ssl_ctx = ssl_ctx, .kubernetes = kubernetes};
	sigset_t set;
	int rc;

	s.num_slots = cfg->workers * 2;
	s.slots = calloc((size_t)s.num_slots, sizeof(*s.slots));
	if (!s.slots)
		abort();
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	compaction_init(&s.compaction, cfg->storage_dsn, cfg->etcd_compaction_interval_seconds);
	ns_finalizer_init(&s.namespaces, cfg->storage_dsn);
	rbac_aggregator_init(&s.aggregator, cfg->storage_dsn);
	for (int i = 0; i < cfg->workers; i++)
		start_slot(&s, i);
	log_info("serving on https://%s:%d with %d workers", cfg->bind_address, cfg->secure_port,
		 cfg->workers);
	for (;;) {
		int64_t due = next_respawn(&s);
		int64_t wait_ms = due ? due - monotonic_ms() : 1000;
		int64_t compaction_ms = compaction_due_in(&s.compaction);
		struct timespec wait;
		int sig;

		if (compaction_ms >= 0 && compaction_ms < wait_ms)
			wait_ms = compaction_ms;
		if (ns_finalizer_due_in(&s.namespaces) < wait_ms)
			wait_ms = ns_finalizer_due_in(&s.namespaces);
		if (rbac_aggregator_due_in(&s.aggregator) < wait_ms)
			wait_ms = rbac_aggregator_due_in(&s.aggregator);
		if (kubernetes_service_due_in(kubernetes) < wait_ms)
			wait_ms = kubernetes_service_due_in(kubernetes);
		if (wait_ms < 0)
			wait_ms = 0;
		wait.tv_sec = wait_ms / 1000;
		wait.tv_nsec = (wait_ms % 1000) * 1000000;
		sig = sigtimedwait(&set, NULL, &wait);
		if (sig == SIGTERM || sig == SIGINT) {
			rc = stop(&s, sig);
			break;
		}
		if (sig == SIGHUP)
			reload(&s);
		reap_workers(&s, false);
		respawn_due(&s);
		compaction_run(&s.compaction);
		ns_finalizer_run(&s.namespaces);
		rbac_aggregator_run(&s.aggregator);
		kubernetes_service_run(kubernetes);
	}
	ns_finalizer_close(&s.namespaces);
	rbac_aggregator_close(&s.aggregator);
	SSL_CTX_free(s.ssl_ctx);
	free(s.slots);
	return rc;
}
