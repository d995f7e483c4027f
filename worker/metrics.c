/*
 * metrics.c - apiserver_request_total and apiserver_request_duration_seconds
 * with kube-apiserver's label names and buckets, in shared memory.
 */
#include "metrics.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "worker/event_loop.h"

#define MAX_COUNTERS   2048
#define MAX_HISTOGRAMS 1024
#define LABELS_LEN     240

/* kube-apiserver v1.32's buckets for apiserver_request_duration_seconds. */
static const double duration_buckets[] = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8,
					  1.0,	 1.25,	1.5,  2,   3,	4,   5,	  6,
					  8,	 10,	15,   20,  30,	45,  60};
#define NUM_BUCKETS (sizeof(duration_buckets) / sizeof(duration_buckets[0]))

struct counter {
	char labels[LABELS_LEN];
	unsigned long long value;
};

struct histogram {
	char labels[LABELS_LEN];
	unsigned long long buckets[NUM_BUCKETS];
	unsigned long long count;
	double sum;
};

struct metrics_shared {
	pthread_mutex_t lock;
	int num_counters, num_histograms, num_rejected;
	struct counter counters[MAX_COUNTERS];
	struct histogram histograms[MAX_HISTOGRAMS];
	struct counter rejected[32];
};

static struct metrics_shared *shared;

int metrics_init_shared(void)
{
	pthread_mutexattr_t attr;

	shared =
	    mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		shared = NULL;
		return -1;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&shared->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return 0;
}

static bool lock(void)
{
	int rc;

	if (!shared)
		return false;
	rc = pthread_mutex_lock(&shared->lock);
	if (rc == EOWNERDEAD)
		pthread_mutex_consistent(&shared->lock);
	else if (rc != 0)
		return false;
	return true;
}

static void unlock(void)
{
	pthread_mutex_unlock(&shared->lock);
}

/* Appends name="value" with Prometheus escaping. */
static void add_label(char *out, size_t size, const char *name, const char *value)
{
	size_t n = strlen(out);

	n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s=\"", n ? "," : "", name);
	for (const char *p = value; *p && n + 3 < size; p++) {
		if (*p == '"' || *p == '\\' || *p == '\n') {
			out[n++] = '\\';
			out[n++] = *p == '\n' ? 'n' : *p;
		} else {
			out[n++] = *p;
		}
	}
	if (n + 2 < size) {
		out[n++] = '"';
		out[n] = '\0';
	}
}

static struct counter *find_counter(struct counter *list, int *num, int max, const char *labels)
{
	for (int i = 0; i < *num; i++)
		if (strcmp(list[i].labels, labels) == 0)
			return &list[i];
	if (*num == max)
		return NULL;
	snprintf(list[*num].labels, LABELS_LEN, "%s", labels);
	return &list[(*num)++];
}

static struct histogram *find_histogram(const char *labels)
{
	for (int i = 0; i < shared->num_histograms; i++)
		if (strcmp(shared->histograms[i].labels, labels) == 0)
			return &shared->histograms[i];
	if (shared->num_histograms == MAX_HISTOGRAMS)
		return NULL;
	snprintf(shared->histograms[shared->num_histograms].labels, LABELS_LEN, "%s", labels);
	return &shared->histograms[shared->num_histograms++];
}

/* kube-apiserver's verb label: LIST, WATCH, APPLY, or the method. */
static const char *metric_verb(const struct request *req)
{
	const char *verb = req->route.verb;

	if (req->route.kind != ROUTE_RESOURCE)
		return req->method;
	if (strcmp(verb, "list") == 0)
		return "LIST";
	if (strcmp(verb, "watch") == 0)
		return "WATCH";
	if (strcmp(req->method, "PATCH") == 0) {
		const char *type = request_header(req, "Content-Type");

		if (type && strncasecmp(type, "application/apply-patch", 23) == 0)
			return "APPLY";
	}
	return req->method;
}

static const char *metric_scope(const struct route *r)
{
	if (r->kind != ROUTE_RESOURCE)
		return "";
	if (*r->name)
		return "resource";
	if (*r->namespace)
		return "namespace";
	return "cluster";
}

/* Non-resource paths are reported by their path only for the well-known
 * ones, so that scanners cannot create unbounded series. */
static const char *metric_subresource(const struct request *req)
{
	static const char *const known[] = {"/healthz", "/livez",      "/readyz",
					    "/version", "/metrics",    "/api",
					    "/apis",	"/openapi/v2", "/openapi/v3"};

	if (req->route.kind == ROUTE_RESOURCE)
		return req->route.subresource;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (req->route.path && strcmp(req->route.path, known[i]) == 0)
			return known[i];
	return req->route.kind == ROUTE_NON_RESOURCE ? "other" : "";
}

void metrics_observe_request(const struct request *req)
{
	char labels[LABELS_LEN] = "", code[16];
	const struct route *r = &req->route;
	const char *verb = metric_verb(req);
	bool resource = r->kind == ROUTE_RESOURCE || r->kind == ROUTE_GROUP_VERSION;
	const char *dry_run = route_param(r, "dryRun");
	double seconds = (double)(monotonic_us() - req->start_us) / 1e6;
	struct histogram *h;
	struct counter *c;

	snprintf(code, sizeof(code), "%d", req->status);
	add_label(labels, sizeof(labels), "component", "apiserver");
	add_label(labels, sizeof(labels), "dry_run", dry_run ? dry_run : "");
	add_label(labels, sizeof(labels), "group", resource && r->group ? r->group : "");
	add_label(labels, sizeof(labels), "resource", resource && r->resource ? r->resource : "");
	add_label(labels, sizeof(labels), "scope", metric_scope(r));
	add_label(labels, sizeof(labels), "subresource", metric_subresource(req));
	add_label(labels, sizeof(labels), "verb", verb);
	add_label(labels, sizeof(labels), "version", resource && r->version ? r->version : "");
	if (!lock())
		return;
	h = strcmp(verb, "WATCH") != 0 ? find_histogram(labels) : NULL;
	if (h) {
		for (size_t i = 0; i < NUM_BUCKETS; i++)
			if (seconds <= duration_buckets[i])
				h->buckets[i]++;
		h->count++;
		h->sum += seconds;
	}
	{
		char with_code[LABELS_LEN] = "";

		add_label(with_code, sizeof(with_code), "code", code);
		size_t used = strlen(with_code), len = strlen(labels);

		if (used + 1 + len < sizeof(with_code)) {
			with_code[used] = ',';
			memcpy(with_code + used + 1, labels, len + 1);
		}
		c = find_counter(shared->counters, &shared->num_counters, MAX_COUNTERS, with_code);
		if (c)
			c->value++;
	}
	unlock();
}

void metrics_count_rejected(int status)
{
	char labels[64] = "", code[16];
	struct counter *c;

	snprintf(code, sizeof(code), "%d", status);
	add_label(labels, sizeof(labels), "code", code);
	if (!lock())
		return;
	c = find_counter(shared->rejected, &shared->num_rejected, 32, labels);
	if (c)
		c->value++;
	unlock();
}

void metrics_render(struct buf *out)
{
	if (!lock())
		return;
	buf_append_str(out, "# HELP apiserver_request_total [STABLE] Counter of apiserver requests "
			    "broken out for each verb, dry run value, group, version, resource, "
			    "scope, component, and HTTP response code.\n"
			    "# TYPE apiserver_request_total counter\n");
	for (int i = 0; i < shared->num_counters; i++)
		buf_printf(out, "apiserver_request_total{%s} %llu\n", shared->counters[i].labels,
			   shared->counters[i].value);
	buf_append_str(out, "# HELP apiserver_request_duration_seconds [STABLE] Response latency "
			    "distribution in seconds for each verb, dry run value, group, version, "
			    "resource, subresource, scope and component.\n"
			    "# TYPE apiserver_request_duration_seconds histogram\n");
	for (int i = 0; i < shared->num_histograms; i++) {
		const struct histogram *h = &shared->histograms[i];

		for (size_t b = 0; b < NUM_BUCKETS; b++)
			buf_printf(out,
				   "apiserver_request_duration_seconds_bucket{%s,le=\"%g\"} %llu\n",
				   h->labels, duration_buckets[b], h->buckets[b]);
		buf_printf(out, "apiserver_request_duration_seconds_bucket{%s,le=\"+Inf\"} %llu\n",
			   h->labels, h->count);
		buf_printf(out, "apiserver_request_duration_seconds_sum{%s} %.9g\n", h->labels,
			   h->sum);
		buf_printf(out, "apiserver_request_duration_seconds_count{%s} %llu\n", h->labels,
			   h->count);
	}
	buf_append_str(out, "# HELP pgkube_http_rejected_total Requests refused before they could "
			    "be parsed, by HTTP status.\n"
			    "# TYPE pgkube_http_rejected_total counter\n");
	for (int i = 0; i < shared->num_rejected; i++)
		buf_printf(out, "pgkube_http_rejected_total{%s} %llu\n", shared->rejected[i].labels,
			   shared->rejected[i].value);
	unlock();
}
