/*
 * pgkube-storebench - latency and throughput of the object store, called
 * directly (worker/store.c over worker/pg_pool.c, no HTTP).
 *
 * tests/bench/store.sh runs it next to pgbench doing the equivalent raw
 * PostgreSQL work, so that the ratio says what the store's design costs
 * above a one-row insert+notify.
 *
 * Design: --processes P processes (default 1) each run one event loop and
 * one pg_pool with their share of the --concurrency N connections, as a
 * worker of the server does. A process waits until every one of its
 * connections is up (N concurrent pg_backend_pid() queries answered by N
 * distinct backends), creates the objects that update and get need (one
 * per client), and reports ready; when all are, the parent says go (it
 * closes a pipe every process watches). Then each client keeps exactly one
 * operation in flight: a completion records its latency and issues the
 * next, until the duration has passed. Each process sends its counters and
 * latency histogram back through a pipe; the parent merges them. One
 * process is what a server worker is; more show whether this one process,
 * not PostgreSQL, was the limit (see "cpu" in the output).
 *
 * Objects are ConfigMaps "bench-<pid>-<n>" in namespace "bench", of about
 * --object-size bytes of JSON (--print-object shows one). They are left
 * behind: run it against a scratch database (store.sh drops its own).
 *
 * Output:
 *   ops          operations that succeeded; errors counts the others, by
 *                store status (the first message of each status goes to
 *                stderr)
 *   ops_per_s    ops / duration_s; duration_s runs from go to the last
 *                completion
 *   latency_us   from the store_* call to its callback, over every
 *                completion, in a log-linear histogram (< 0.4% error)
 *   cpu          CPU seconds used during the run by the bench processes
 *                (client_s) and by their PostgreSQL backends (backends_s,
 *                read from /proc; null when PostgreSQL runs elsewhere), and
 *                the busy fraction of this machine's CPUs
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/latency_histogram.h"
#include "shared/buf.h"
#include "worker/event_loop.h"
#include "worker/pg_pool.h"
#include "worker/store.h"

#define EXIT_USAGE	    2
#define NS_PER_SECOND	    1000000000ull
#define CONNECT_TIMEOUT_NS  (10 * NS_PER_SECOND)
#define READY_TIMEOUT_S	    120
#define WARMUP_MAX_ROUNDS   100
#define RETRY_DELAY_MS	    10
#define MAX_CONCURRENCY	    1000
#define MAX_PROCESSES	    64
#define DEFAULT_OBJECT_SIZE 1024
#define NUM_STATUSES	    (STORE_ERROR + 1)

/* Same histogram as pgkube-loadgen's: exact below 256 ns, then each power
 * of two split into 128 linear buckets; 36 bits of nanoseconds is 60 s. */

enum bench_op { OP_CREATE, OP_UPDATE, OP_GET };

static const char *const op_names[] = {
    [OP_CREATE] = "create", [OP_UPDATE] = "update", [OP_GET] = "get"};

static const char *const status_names[NUM_STATUSES] = {
    [STORE_OK] = "ok",
    [STORE_NOT_FOUND] = "not_found",
    [STORE_EXISTS] = "exists",
    [STORE_CONFLICT] = "conflict",
    [STORE_UID_MISMATCH] = "uid_mismatch",
    [STORE_EXPIRED] = "expired",
    [STORE_RV_TOO_LARGE] = "rv_too_large",
    [STORE_UNAVAILABLE] = "unavailable",
    [STORE_ERROR] = "error",
};

struct options {
	const char *dsn;
	enum bench_op op;
	int concurrency;
	int processes;
	double duration_s;
	size_t object_size;
	bool json;
	bool print_object;
};

/* What a process sends back; plain data, written to a pipe as it is. */
struct result {
	uint64_t by_status[NUM_STATUSES];
	uint64_t elapsed_ns;
	uint64_t client_cpu_ns;
	int64_t backend_cpu_ticks; /* -1: not readable here */
	struct histogram latency;
};

struct client {
	struct bench *bench;
	char name[64]; /* update and get: the client's own object */
	char uid[37];
	uint64_t sent_ns;
	uint64_t generation; /* update: bumped in the object each time */
};

enum bench_phase { PHASE_CONNECTING, PHASE_WARMING, PHASE_SETUP, PHASE_READY, PHASE_RUNNING };

/* One process: its loop, pool and clients. */
struct bench {
	struct event_loop *loop;
	struct pg_pool *pool;
	enum bench_phase phase;
	int num_clients;
	struct client *clients;
	int pending; /* warm-up and setup replies still to come */
	int warmup_rounds;
	int *backend_pids;
	int num_backends;
	uint64_t connect_deadline_ns;
	uint64_t start_ns, deadline_ns;
	uint64_t start_cpu_ns;
	int64_t start_backend_ticks;
	int finished; /* clients past the deadline */
	uint64_t next_name;
	bool reported[NUM_STATUSES];
	int ready_fd, go_fd;
	struct buf object;
	struct result result;
};

static struct options opt = {
    .concurrency = 1,
    .processes = 1,
    .duration_s = 5,
    .object_size = DEFAULT_OBJECT_SIZE,
};

static const char *const warmup_sql = "SELECT pg_backend_pid(), pg_sleep(0.02)";

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SECOND + (uint64_t)ts.tv_nsec;
}

static uint64_t process_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NS_PER_SECOND +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

/* ---- CPU accounting from /proc ---- */

/* utime + stime of a PostgreSQL process in clock ticks, or -1 when pid is
 * not a local postgres process (PostgreSQL runs on another machine). */
static int64_t backend_cpu_ticks(int pid)
{
	char path[64], text[1024], *comm_end;
	unsigned long long utime, stime;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	comm_end = strrchr(text, ')');
	if (!strstr(text, "(postgres)") || !comm_end)
		return -1;
	/* After "(comm)": state, then fields 4..13, then utime and stime. */
	if (sscanf(comm_end + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu", &utime,
		   &stime) != 2)
		return -1;
	return (int64_t)(utime + stime);
}

static int64_t backends_cpu_ticks(const struct bench *b)
{
	int64_t total = 0;

	for (int i = 0; i < b->num_backends; i++) {
		int64_t t = backend_cpu_ticks(b->backend_pids[i]);

		if (t < 0)
			return -1;
		total += t;
	}
	return total;
}

struct machine_cpu {
	uint64_t busy, total; /* clock ticks over every CPU */
};

static struct machine_cpu machine_cpu_read(void)
{
	struct machine_cpu m = {0};
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return m;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &v[6], &v[7]) == 8) {
		for (int i = 0; i < 8; i++)
			m.total += v[i];
		m.busy = m.total - v[3] - v[4]; /* idle, iowait */
	}
	fclose(f);
	return m;
}

static double machine_busy_fraction(struct machine_cpu before, struct machine_cpu after)
{
	if (after.total <= before.total)
		return 0;
	return (double)(after.busy - before.busy) / (double)(after.total - before.total);
}

/* ---- the object ---- */

/* A uid in the form the API server gives (random, version 4). */
static void uuid_random(char out[37])
{
	static uint64_t state;
	uint8_t bytes[16];

	if (!state)
		state = now_ns() ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 16; i += 8) {
		uint64_t x;

		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		x = state;
		memcpy(bytes + i, &x, 8);
	}
	bytes[6] = (uint8_t)((bytes[6] & 0x0f) | 0x40);
	bytes[8] = (uint8_t)((bytes[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
		 bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14],
		 bytes[15]);
}

/*
 * A ConfigMap as kubectl would send it once defaulted, padded with data to
 * about opt.object_size bytes. generation lands in an annotation, so each
 * update really changes the object.
 */
static void object_build(struct buf *out, const char *name, const char *uid, uint64_t generation)
{
	static const char filler[] = "log.level=info feature.x=enabled retries=3 timeout=30s ";
	size_t target = opt.object_size, fill;

	out->len = 0;
	buf_printf(out,
		   "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"%s\","
		   "\"namespace\":\"bench\",\"uid\":\"%s\","
		   "\"creationTimestamp\":\"2024-05-01T12:00:00Z\",\"labels\":{"
		   "\"app.kubernetes.io/name\":\"storebench\","
		   "\"app.kubernetes.io/part-of\":\"pgkube\"},\"annotations\":{"
		   "\"bench.pgkube.io/generation\":\"%" PRIu64 "\"}},\"data\":{"
		   "\"app.properties\":\"",
		   name, uid, generation);
	fill = out->len + 3 < target ? target - out->len - 3 : 0;
	for (size_t i = 0; i < fill; i++)
		buf_append(out, &filler[i % (sizeof(filler) - 1)], 1);
	buf_append_str(out, "\"}}");
}

/* ---- one process ---- */

static void bench_fail(struct bench *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tells the parent 'r' (ready) or 'x' (failed); false if it cannot. */
static bool bench_tell_parent(const struct bench *b, char answer)
{
	return write(b->ready_fd, &answer, 1) == 1;
}

static void bench_fail(struct bench *b, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	/* One call, one write: lines of several processes do not interleave. */
	fprintf(stderr, "pgkube-storebench: %s\n", message);
	if (b->phase < PHASE_READY)
		bench_tell_parent(b, 'x');
	_exit(1);
}

static void bench_key(struct store_key *key, const char *name)
{
	*key = (struct store_key){
	    .group = "", .resource = "configmaps", .namespace = "bench", .name = name};
}

static void client_send(struct client *c);

static void client_resend(struct event_loop *loop, void *ctx)
{
	client_send(ctx);
}

static void client_done(void *ctx, const struct store_result *res)
{
	struct client *c = ctx;
	struct bench *b = c->bench;
	uint64_t now = now_ns();

	histogram_record(&b->result.latency, now - c->sent_ns);
	b->result.by_status[res->status]++;
	if (res->status != STORE_OK && !b->reported[res->status]) {
		b->reported[res->status] = true;
		fprintf(stderr, "pgkube-storebench: %s: %s: %s\n", op_names[opt.op],
			status_names[res->status], res->message ? res->message : "");
	}
	if (now >= b->deadline_ns) {
		if (++b->finished == b->num_clients) {
			b->result.elapsed_ns = now - b->start_ns;
			event_loop_stop(b->loop);
		}
		return;
	}
	/* With no connection up the pool answers at once: do not recurse. */
	if (res->status == STORE_UNAVAILABLE)
		event_loop_timer(b->loop, RETRY_DELAY_MS, client_resend, c);
	else
		client_send(c);
}

static void client_send(struct client *c)
{
	struct bench *b = c->bench;
	struct store_key key;
	char name[64], uid[37];

	switch (opt.op) {
	case OP_CREATE:
		snprintf(name, sizeof(name), "bench-%d-%" PRIu64, (int)getpid(), b->next_name++);
		uuid_random(uid);
		object_build(&b->object, name, uid, 1);
		bench_key(&key, name);
		c->sent_ns = now_ns();
		store_create(b->pool, &key, uid, b->object.data, client_done, c);
		break;
	case OP_UPDATE:
		object_build(&b->object, c->name, c->uid, ++c->generation);
		bench_key(&key, c->name);
		c->sent_ns = now_ns();
		store_update(b->pool, &key, 0, b->object.data, client_done, c);
		break;
	case OP_GET:
		bench_key(&key, c->name);
		c->sent_ns = now_ns();
		store_get(b->pool, &key, client_done, c);
		break;
	}
}

static void bench_go(struct event_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct bench *b = ctx;

	event_loop_remove(loop, fd);
	b->phase = PHASE_RUNNING;
	b->start_backend_ticks = backends_cpu_ticks(b);
	b->start_cpu_ns = process_cpu_ns();
	b->start_ns = now_ns();
	b->deadline_ns = b->start_ns + (uint64_t)(opt.duration_s * 1e9);
	for (int i = 0; i < b->num_clients; i++)
		client_send(&b->clients[i]);
}

static void bench_ready(struct bench *b)
{
	b->phase = PHASE_READY;
	if (!bench_tell_parent(b, 'r'))
		bench_fail(b, "cannot report ready: %s", strerror(errno));
	if (event_loop_add(b->loop, b->go_fd, EPOLLIN, bench_go, b) < 0)
		bench_fail(b, "cannot watch the go pipe: %s", strerror(errno));
}

static void setup_done(void *ctx, const struct store_result *res)
{
	struct client *c = ctx;
	struct bench *b = c->bench;

	if (res->status != STORE_OK)
		bench_fail(b, "creating %s: %s: %s", c->name, status_names[res->status],
			   res->message ? res->message : "");
	if (--b->pending == 0)
		bench_ready(b);
}

/* update and get work on one object per client, made here. */
static void setup_start(struct bench *b)
{
	b->phase = PHASE_SETUP;
	if (opt.op == OP_CREATE) {
		bench_ready(b);
		return;
	}
	b->pending = b->num_clients;
	for (int i = 0; i < b->num_clients; i++) {
		struct client *c = &b->clients[i];
		struct store_key key;

		snprintf(c->name, sizeof(c->name), "bench-%d-client-%d", (int)getpid(), i);
		uuid_random(c->uid);
		object_build(&b->object, c->name, c->uid, ++c->generation);
		bench_key(&key, c->name);
		store_create(b->pool, &key, c->uid, b->object.data, setup_done, c);
	}
}

static void warmup_start(struct bench *b);

static void warmup_done(void *ctx, PGresult *res, const char *error)
{
	struct bench *b = ctx;
	int pid, i;

	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
		bench_fail(b, "warm-up query: %s", res ? PQresultErrorMessage(res) : error);
	pid = atoi(PQgetvalue(res, 0, 0));
	for (i = 0; i < b->num_backends && b->backend_pids[i] != pid; i++)
		;
	if (i == b->num_backends)
		b->backend_pids[b->num_backends++] = pid;
	if (--b->pending > 0)
		return;
	if (b->num_backends == b->num_clients) {
		setup_start(b);
		return;
	}
	if (++b->warmup_rounds == WARMUP_MAX_ROUNDS)
		bench_fail(b, "only %d of %d connections came up: %s", b->num_backends,
			   b->num_clients, pg_pool_last_error(b->pool));
	warmup_start(b);
}

/*
 * One query per connection, each slow enough that none can take two: the
 * round is over when every connection answered, which it can only do once
 * it is up. Their backends' pids are kept for the CPU figures.
 */
static void warmup_start(struct bench *b)
{
	b->phase = PHASE_WARMING;
	b->num_backends = 0;
	b->pending = b->num_clients;
	for (int i = 0; i < b->num_clients; i++)
		pg_pool_query(b->pool, NULL, warmup_sql, 0, NULL, warmup_done, b);
}

static void bench_wait_connected(struct event_loop *loop, void *ctx)
{
	struct bench *b = ctx;

	if (pg_pool_ready(b->pool)) {
		warmup_start(b);
		return;
	}
	if (now_ns() > b->connect_deadline_ns)
		bench_fail(b, "cannot connect to PostgreSQL: %s", pg_pool_last_error(b->pool));
	event_loop_timer(loop, RETRY_DELAY_MS, bench_wait_connected, b);
}

static bool write_full(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool read_full(int fd, void *data, size_t len)
{
	char *p = data;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* A process's whole life: connect, set up, wait for go, run, report. */
static int bench_process_run(int num_clients, int ready_fd, int go_fd, int result_fd)
{
	struct bench *b = calloc(1, sizeof(*b));
	int64_t backend_ticks;

	if (!b)
		abort();
	b->num_clients = num_clients;
	b->ready_fd = ready_fd;
	b->go_fd = go_fd;
	b->clients = calloc((size_t)num_clients, sizeof(*b->clients));
	b->backend_pids = calloc((size_t)num_clients, sizeof(*b->backend_pids));
	b->loop = event_loop_new();
	if (!b->clients || !b->backend_pids || !b->loop)
		abort();
	for (int i = 0; i < num_clients; i++)
		b->clients[i].bench = b;
	b->pool =
	    pg_pool_new(b->loop, opt.dsn, num_clients, store_statements, store_num_statements);
	b->connect_deadline_ns = now_ns() + CONNECT_TIMEOUT_NS;
	bench_wait_connected(b->loop, b);
	event_loop_run(b->loop);

	b->result.client_cpu_ns = process_cpu_ns() - b->start_cpu_ns;
	backend_ticks = backends_cpu_ticks(b);
	b->result.backend_cpu_ticks = backend_ticks < 0 || b->start_backend_ticks < 0
					  ? -1
					  : backend_ticks - b->start_backend_ticks;
	if (!write_full(result_fd, &b->result, sizeof(b->result)))
		return 1;
	pg_pool_free(b->pool);
	event_loop_free(b->loop);
	buf_free(&b->object);
	free(b->backend_pids);
	free(b->clients);
	free(b);
	return 0;
}

/* ---- the parent ---- */

struct children {
	int count;
	pid_t pids[MAX_PROCESSES];
	int result_fds[MAX_PROCESSES];
};

static void children_kill(const struct children *ch)
{
	for (int i = 0; i < ch->count; i++)
		if (ch->pids[i] > 0)
			kill(ch->pids[i], SIGTERM);
	for (int i = 0; i < ch->count; i++)
		if (ch->pids[i] > 0)
			waitpid(ch->pids[i], NULL, 0);
}

static void children_start(struct children *ch, int ready_pipe[2], int go_pipe[2])
{
	for (int i = 0; i < opt.processes; i++) {
		int result_pipe[2];
		int share = opt.concurrency / opt.processes + (i < opt.concurrency % opt.processes);
		pid_t pid;

		if (pipe(result_pipe) < 0) {
			perror("pgkube-storebench: pipe");
			children_kill(ch);
			exit(1);
		}
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			perror("pgkube-storebench: fork");
			children_kill(ch);
			exit(1);
		}
		if (pid == 0) {
			close(ready_pipe[0]);
			close(go_pipe[1]);
			close(result_pipe[0]);
			for (int j = 0; j < i; j++)
				close(ch->result_fds[j]);
			_exit(bench_process_run(share, ready_pipe[1], go_pipe[0], result_pipe[1]));
		}
		close(result_pipe[1]);
		ch->pids[i] = pid;
		ch->result_fds[i] = result_pipe[0];
		ch->count = i + 1;
	}
}

/* Every process answers 'r' (ready) or 'x' (failed, said why on stderr). */
static bool children_wait_ready(const struct children *ch, int ready_fd)
{
	time_t give_up = time(NULL) + READY_TIMEOUT_S;
	int ready = 0;

	while (ready < ch->count) {
		struct pollfd p = {.fd = ready_fd, .events = POLLIN};
		char answer;
		int rc = poll(&p, 1, 1000);

		if (rc < 0 && errno != EINTR)
			return false;
		if (rc > 0) {
			if (read(ready_fd, &answer, 1) != 1 || answer != 'r')
				return false;
			ready++;
			continue;
		}
		if (waitpid(-1, NULL, WNOHANG) > 0 || time(NULL) > give_up)
			return false;
	}
	return true;
}

static void report(const struct result *r, int processes, double busy_fraction)
{
	const struct histogram *h = &r->latency;
	uint64_t errors = 0;
	double duration_s = (double)r->elapsed_ns / 1e9;
	double ops_per_s = duration_s > 0 ? (double)r->by_status[STORE_OK] / duration_s : 0;
	double mean_us = h->count ? (double)h->sum_ns / (double)h->count / 1e3 : 0;
	double p50 = histogram_percentile_us(h, 0.5), p99 = histogram_percentile_us(h, 0.99);
	double p999 = histogram_percentile_us(h, 0.999), max_us = (double)h->max_ns / 1e3;
	double client_s = (double)r->client_cpu_ns / 1e9;
	double backends_s = (double)r->backend_cpu_ticks / (double)sysconf(_SC_CLK_TCK);
	char backends[32] = "null";
	const char *sep = "";

	for (int s = STORE_OK + 1; s < NUM_STATUSES; s++)
		errors += r->by_status[s];
	if (r->backend_cpu_ticks >= 0)
		snprintf(backends, sizeof(backends), "%.2f", backends_s);
	if (!opt.json) {
		printf("%s, %d clients, %d process%s, %.3f s\n", op_names[opt.op], opt.concurrency,
		       processes, processes == 1 ? "" : "es", duration_s);
		printf("  ops          %" PRIu64 " ok, %" PRIu64 " errors\n",
		       r->by_status[STORE_OK], errors);
		printf("  throughput   %.1f ops/s\n", ops_per_s);
		printf("  latency us   p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f\n", p50,
		       p99, p999, max_us, mean_us);
		printf("  cpu s        bench %.2f  backends %s  machine busy %.0f%% of %ld CPUs\n",
		       client_s, backends, busy_fraction * 100, sysconf(_SC_NPROCESSORS_ONLN));
		for (int s = STORE_OK + 1; s < NUM_STATUSES; s++)
			if (r->by_status[s])
				printf("  %-12s %" PRIu64 "\n", status_names[s], r->by_status[s]);
		return;
	}
	printf("{\"op\":\"%s\",\"concurrency\":%d,\"processes\":%d,\"object_size\":%zu,"
	       "\"duration_s\":%.3f,\"ops\":%" PRIu64 ",\"errors\":%" PRIu64
	       ",\"errors_by_status\":{",
	       op_names[opt.op], opt.concurrency, processes, opt.object_size, duration_s,
	       r->by_status[STORE_OK], errors);
	for (int s = STORE_OK + 1; s < NUM_STATUSES; s++) {
		if (r->by_status[s]) {
			printf("%s\"%s\":%" PRIu64, sep, status_names[s], r->by_status[s]);
			sep = ",";
		}
	}
	printf("},\"ops_per_s\":%.1f,\"latency_us\":{\"p50\":%.1f,\"p99\":%.1f,\"p999\":%.1f,"
	       "\"max\":%.1f,\"mean\":%.1f},\"cpu\":{\"client_s\":%.2f,\"backends_s\":%s,"
	       "\"machine_busy\":%.3f,\"cpus\":%ld}}\n",
	       ops_per_s, p50, p99, p999, max_us, mean_us, client_s, backends, busy_fraction,
	       sysconf(_SC_NPROCESSORS_ONLN));
}

static void result_merge(struct result *into, const struct result *from)
{
	for (int s = 0; s < NUM_STATUSES; s++)
		into->by_status[s] += from->by_status[s];
	/* The processes ran side by side: the run lasted as long as the longest. */
	if (from->elapsed_ns > into->elapsed_ns)
		into->elapsed_ns = from->elapsed_ns;
	into->client_cpu_ns += from->client_cpu_ns;
	if (into->backend_cpu_ticks < 0 || from->backend_cpu_ticks < 0)
		into->backend_cpu_ticks = -1;
	else
		into->backend_cpu_ticks += from->backend_cpu_ticks;
	histogram_merge(&into->latency, &from->latency);
}

/* Runs the processes and merges what they measured. */
static int bench_run(void)
{
	struct children ch = {0};
	struct result *total, *one;
	struct machine_cpu before, after;
	int ready_pipe[2], go_pipe[2];
	int failed = 0;

	if (pipe(ready_pipe) < 0 || pipe(go_pipe) < 0) {
		perror("pgkube-storebench: pipe");
		return 1;
	}
	children_start(&ch, ready_pipe, go_pipe);
	close(ready_pipe[1]);
	close(go_pipe[0]);
	if (!children_wait_ready(&ch, ready_pipe[0])) {
		children_kill(&ch);
		return 1;
	}
	total = calloc(1, sizeof(*total));
	one = calloc(1, sizeof(*one));
	if (!total || !one)
		abort();
	before = machine_cpu_read();
	close(go_pipe[1]);
	for (int i = 0; i < ch.count; i++) {
		int status;

		if (!read_full(ch.result_fds[i], one, sizeof(*one))) {
			fprintf(stderr, "pgkube-storebench: bench process %d died\n",
				(int)ch.pids[i]);
			failed = 1;
		} else {
			result_merge(total, one);
		}
		close(ch.result_fds[i]);
		if (waitpid(ch.pids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = 1;
	}
	after = machine_cpu_read();
	if (!failed)
		report(total, ch.count, machine_busy_fraction(before, after));
	free(one);
	free(total);
	return failed;
}

/* ---- options ---- */

static void usage_exit(FILE *out, int status)
{
	fprintf(out,
		"usage: pgkube-storebench --dsn DSN --op create|update|get [options]\n"
		"  --concurrency N      operations in flight, one connection each (default 1)\n"
		"  --duration SECONDS   run time, may be fractional (default 5)\n"
		"  --object-size BYTES  ConfigMap JSON size (default %d)\n"
		"  --processes P        spread the connections over P processes (default 1)\n"
		"  --json               print the result as one JSON object\n"
		"  --print-object       print the object JSON and exit\n",
		DEFAULT_OBJECT_SIZE);
	exit(status);
}

static long parse_long(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v < min || v > max)
		usage_exit(stderr, EXIT_USAGE);
	return v;
}

static void options_parse(int argc, char **argv)
{
	enum { OPT_DSN = 256, OPT_OP, OPT_SIZE, OPT_JSON, OPT_PRINT, OPT_HELP };
	static const struct option long_options[] = {
	    {"dsn", required_argument, NULL, OPT_DSN},
	    {"op", required_argument, NULL, OPT_OP},
	    {"concurrency", required_argument, NULL, 'c'},
	    {"duration", required_argument, NULL, 'd'},
	    {"processes", required_argument, NULL, 'p'},
	    {"object-size", required_argument, NULL, OPT_SIZE},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"print-object", no_argument, NULL, OPT_PRINT},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	bool op_given = false;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "c:d:p:", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_DSN:
			opt.dsn = optarg;
			break;
		case OPT_OP:
			op_given = true;
			if (strcmp(optarg, "create") == 0)
				opt.op = OP_CREATE;
			else if (strcmp(optarg, "update") == 0)
				opt.op = OP_UPDATE;
			else if (strcmp(optarg, "get") == 0)
				opt.op = OP_GET;
			else
				usage_exit(stderr, EXIT_USAGE);
			break;
		case 'c':
			opt.concurrency = (int)parse_long(optarg, 1, MAX_CONCURRENCY);
			break;
		case 'd':
			opt.duration_s = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || !(opt.duration_s > 0) ||
			    opt.duration_s > 1e6)
				usage_exit(stderr, EXIT_USAGE);
			break;
		case 'p':
			opt.processes = (int)parse_long(optarg, 1, MAX_PROCESSES);
			break;
		case OPT_SIZE:
			opt.object_size = (size_t)parse_long(optarg, 0, 64 * 1024 * 1024);
			break;
		case OPT_JSON:
			opt.json = true;
			break;
		case OPT_PRINT:
			opt.print_object = true;
			break;
		case OPT_HELP:
			usage_exit(stdout, 0);
			break;
		default:
			usage_exit(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc || (!opt.print_object && (!opt.dsn || !op_given)))
		usage_exit(stderr, EXIT_USAGE);
	if (opt.processes > opt.concurrency)
		opt.processes = opt.concurrency;
}

int main(int argc, char **argv)
{
	options_parse(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if (opt.print_object) {
		struct buf object = {0};
		char uid[37];

		uuid_random(uid);
		object_build(&object, "bench-object", uid, 1);
		printf("%s\n", object.data);
		buf_free(&object);
		return 0;
	}
	return bench_run();
}
