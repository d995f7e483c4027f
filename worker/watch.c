/*
 * watch.c - the worker's watch hub and its watchers; see watch.h.
 *
 * The hub's view of the log: every change with rv <= hub->last_rv has been
 * read, and those with rv >= hub->ring_start are in the ring (oldest first,
 * bounded by count and bytes). Because commit order is resourceVersion
 * order, "rows after last_rv, in rv order" never skips a row that commits
 * later.
 *
 * A watcher has delivered (or skipped, as not matching) every change up to
 * w->rv. It is
 *   LISTING   reading the initial state (resourceVersion unset or "0", or
 *             sendInitialEvents), which it sends as ADDED events;
 *   CATCHUP   reading the log from w->rv through the worker's pool, because
 *             the ring does not reach back that far;
 *   WAITING   for the hub to learn where the log is (just started, or
 *             PostgreSQL away);
 *   LIVE      getting each new event from the hub.
 * An event reaches a watcher when it is for the watcher's resource (and
 * namespace, and name) and passes its selectors, evaluated on the object
 * before and after the change: an object that starts matching arrives as
 * ADDED, one that stops matching as DELETED, as kube-apiserver's watch
 * cache does.
 */
#include "watch.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "shared/proto_json.h"
#include "shared/protobuf.h"
#include "shared/selector.h"
#include "shared/xalloc.h"
#include "worker/pg_pool.h"
#include "worker/rest_internal.h"
#include "worker/worker.h"

#define RING_MAX_EVENTS	  8192
#define RING_MAX_BYTES	  (64u << 20)
#define POLL_LIMIT	  1000
#define CATCHUP_LIMIT	  500
#define TICK_MS		  1000	      /* safety poll, bookmarks, timeouts */
#define BOOKMARK_MS	  60000	      /* kube-apiserver's watch cache: about a minute */
#define MAX_PENDING_BYTES (16u << 20) /* a watcher further behind is closed */
#define MIN_REQUEST_S	  1800	      /* --min-request-timeout's default */

struct watch_event {
	int64_t rv;
	const char *type; /* "ADDED", "MODIFIED", "DELETED" */
	char *group, *resource, *namespace, *name;
	char *object, *prev;	      /* JSON text; prev: the state before a MODIFIED */
	json_t *parsed, *prev_parsed; /* parsed on first need */
	size_t bytes;
};

enum watcher_state { W_LISTING, W_CATCHUP, W_WAITING, W_LIVE };

struct watcher {
	struct watch_hub *hub;
	struct rest_call *call;
	struct request *req;
	enum watcher_state state;
	int64_t rv;
	struct label_selector labels;
	struct field_selector fields;
	bool selective; /* labels or fields non-empty */
	bool bookmarks;
	bool initial_events; /* sendInitialEvents: end the initial list with a bookmark */
	bool sent_columns;   /* a Table watch sends its columns with the first event */
	bool busy;	     /* a pool query holds a pointer to this watcher */
	bool dead;	     /* the client went while busy */
	int64_t deadline_ms;
	int64_t next_bookmark_ms;
	int64_t catchup_upper;
	struct watcher *prev, *next;
};

struct watch_hub {
	struct worker *w;
	struct pg_pool *pg;
	int64_t last_rv; /* -1 until known */
	int64_t compacted_rv;
	int64_t bookmark_ms;
	struct watch_event *ring; /* ring_cap slots */
	size_t ring_cap;
	size_t ring_head, ring_len, ring_bytes;
	int64_t ring_start;
	bool polling, poll_again;
	uint64_t tick_timer;
	struct watcher *watchers;
	size_t num_watchers;
	struct arena scratch; /* field selector evaluation, reset per event batch */
	struct watch_listener {
		watch_change_fn *change;
		void (*resync)(void *ctx);
		void *ctx;
	} listeners[WATCH_MAX_LISTENERS];
	size_t num_listeners;
};

static const struct pg_statement hub_statements[] = {
    {"pgkube_watch_log",
     "SELECT k.compacted_rv, r.rv, x.rv, x.type, x.api_group, x.resource, x.namespace, x.name,"
     " x.object::text, x.prev::text"
     " FROM pgkube.compaction k CROSS JOIN pgkube.revision r LEFT JOIN LATERAL ("
     "  SELECT c.rv, c.type, c.api_group, c.resource, c.namespace, c.name, c.object,"
     "   CASE WHEN c.type = 'MODIFIED' THEN"
     "    (SELECT p.object FROM pgkube.changes p WHERE p.rv = c.prev_rv) END AS prev"
     "  FROM pgkube.changes c WHERE c.rv > $1::bigint AND c.object IS NOT NULL"
     "  ORDER BY c.rv LIMIT $2::int) x ON true"
     " ORDER BY x.rv"},
};

static const char catchup_sql[] =
    "SELECT k.compacted_rv, x.rv, x.type, x.namespace, x.name, x.object::text, x.prev::text"
    " FROM pgkube.compaction k LEFT JOIN LATERAL ("
    "  SELECT c.rv, c.type, c.namespace, c.name, c.object,"
    "   CASE WHEN c.type = 'MODIFIED' THEN"
    "    (SELECT p.object FROM pgkube.changes p WHERE p.rv = c.prev_rv) END AS prev"
    "  FROM pgkube.changes c"
    "  WHERE c.rv > $1::bigint AND c.rv <= $2::bigint AND c.api_group = $3 AND c.resource = $4"
    "   AND ($5::text IS NULL OR c.namespace = $5) AND c.object IS NOT NULL"
    "  ORDER BY c.rv LIMIT $6::int) x ON true"
    " ORDER BY x.rv";

static void hub_poll(struct watch_hub *hub);
static void watcher_attach(struct watcher *w);

/* ---- events ---- */

static const char *event_type(const char *t)
{
	if (strcmp(t, "ADDED") == 0)
		return "ADDED";
	if (strcmp(t, "DELETED") == 0)
		return "DELETED";
	return "MODIFIED";
}

static void event_clear(struct watch_event *e)
{
	free(e->group);
	free(e->resource);
	free(e->namespace);
	free(e->name);
	free(e->object);
	free(e->prev);
	json_decref(e->parsed);
	json_decref(e->prev_parsed);
	memset(e, 0, sizeof(*e));
}

static json_t *event_parsed(struct watch_event *e, bool prev)
{
	json_t **slot = prev ? &e->prev_parsed : &e->parsed;
	const char *text = prev ? e->prev : e->object;

	if (!*slot && text)
		*slot = json_loads(text, 0, NULL);
	return *slot;
}

/* ---- writing to a watcher ---- */

static void watcher_finish(struct watcher *w);

/* Sends one event line; false when the watcher had to be closed. Objects
 * (not ERROR Statuses) go out as the request's Accept asked: a Table of one
 * row, or PartialObjectMetadata. */
/*
 * A protobuf watch frame: a four-byte big-endian length, then a
 * metav1.WatchEvent without envelope (type 1, object 2 as a RawExtension
 * whose bytes are the object in its own envelope).
 */
static void watch_frame(struct buf *frame, const char *type, const char *object)
{
	json_t *obj = json_loads(object, 0, NULL);
	struct buf inner = {0}, raw = {0}, event = {0};
	uint8_t len[4];

	if (obj)
		proto_json_encode_object(obj, &inner);
	json_decref(obj);
	proto_put_bytes(&raw, 1, inner.data ? inner.data : "", inner.len);
	proto_put_string(&event, 1, type);
	proto_put_bytes(&event, 2, raw.data, raw.len);
	len[0] = (uint8_t)(event.len >> 24);
	len[1] = (uint8_t)(event.len >> 16);
	len[2] = (uint8_t)(event.len >> 8);
	len[3] = (uint8_t)event.len;
	buf_append(frame, len, 4);
	buf_append(frame, event.data, event.len);
	buf_free(&inner);
	buf_free(&raw);
	buf_free(&event);
}

static bool watcher_write(struct watcher *w, const char *type, const char *object)
{
	struct buf line = {0};
	char *converted = NULL;

	if (w->req->protobuf_out) {
		watch_frame(&line, type, object);
		goto send;
	}

	if (w->call->output != OUT_JSON && strcmp(type, "ERROR") != 0 &&
	    (strcmp(type, "BOOKMARK") != 0 || w->call->output == OUT_PARTIAL)) {
		json_t *obj = json_loads(object, 0, NULL);

		if (obj) {
			json_t *out = rest_output_object(w->call, obj, !w->sent_columns);

			converted = json_dumps(out, JSON_COMPACT);
			json_decref(out);
			json_decref(obj);
			w->sent_columns = w->sent_columns || strcmp(type, "BOOKMARK") != 0;
		}
	}
	buf_printf(&line, "{\"type\":\"%s\",\"object\":", type);
	buf_append_str(&line, converted ? converted : object);
	free(converted);
	buf_append_str(&line, "}\n");
send:
	response_stream_write(w->req, line.data, line.len);
	buf_free(&line);
	if (response_pending_bytes(w->req) > MAX_PENDING_BYTES) {
		log_warn("watch of %s: client %s too slow, closing it", w->call->rt->resource,
			 w->req->remote_addr);
		watcher_finish(w);
		return false;
	}
	return true;
}

static bool watcher_bookmark(struct watcher *w, int64_t rv, bool initial_end)
{
	const char *obj = arena_printf(
	    &w->req->arena,
	    "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%lld\"%s}}",
	    w->call->rt->kind, rest_api_version(w->call), (long long)rv,
	    initial_end ? ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}" : "");

	w->next_bookmark_ms = event_loop_now(w->hub->w->loop) + w->hub->bookmark_ms;
	return watcher_write(w, "BOOKMARK", obj);
}

/* Ends the watch with a 410 Expired ERROR event. */
static void watcher_expire(struct watcher *w, int64_t compacted)
{
	const char *status = arena_printf(
	    &w->req->arena,
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
	    "\"message\":\"too old resource version: %lld (%lld)\",\"reason\":\"Expired\","
	    "\"code\":410}",
	    (long long)w->rv, (long long)compacted);

	if (watcher_write(w, "ERROR", status))
		watcher_finish(w);
}

static bool selector_matches(struct watch_hub *hub, struct watcher *w, json_t *obj)
{
	if (!obj)
		return false;
	if (w->labels.num_reqs &&
	    !label_selector_matches(&w->labels,
				    json_object_get(json_object_get(obj, "metadata"), "labels")))
		return false;
	return !w->fields.num_reqs || field_selector_matches(&hub->scratch, &w->fields, obj);
}

/* Hands e to w if it is for w; false when w was closed. */
static bool watcher_offer(struct watcher *w, struct watch_event *e)
{
	struct rest_call *call = w->call;
	const char *type = e->type;

	if (e->rv <= w->rv)
		return true;
	w->rv = e->rv;
	if (strcmp(e->resource, call->rt->resource) != 0 || strcmp(e->group, call->rt->group) != 0)
		return true;
	if (*call->key.namespace && strcmp(e->namespace, call->key.namespace) != 0)
		return true;
	if (*call->key.name && strcmp(e->name, call->key.name) != 0)
		return true;
	if (w->selective) {
		bool now = selector_matches(w->hub, w, event_parsed(e, false));
		bool before = e->prev ? selector_matches(w->hub, w, event_parsed(e, true)) : now;

		if (!now && !before)
			return true;
		if (strcmp(type, "MODIFIED") == 0 && now != before)
			type = now ? "ADDED" : "DELETED";
		else if (!now)
			return true;
	}
	return watcher_write(w, type, e->object);
}

/* ---- watcher lifecycle ---- */

static void watcher_unlink(struct watcher *w)
{
	struct watch_hub *hub = w->hub;

	if (w->prev)
		w->prev->next = w->next;
	else if (hub->watchers == w)
		hub->watchers = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
	hub->num_watchers--;
}

/* Ends the stream; the request (and w with it) is freed. */
static void watcher_finish(struct watcher *w)
{
	struct request *req = w->req;

	watcher_unlink(w);
	req->on_gone = NULL;
	req->handler_ctx = NULL;
	response_stream_end(req);
}

static void watcher_gone(struct request *req)
{
	struct watcher *w = req->handler_ctx;

	if (!w)
		return;
	if (w->busy) {
		w->dead = true; /* finished when its query comes back */
		return;
	}
	watcher_finish(w);
}

/* A pool query for w came back: false when w is no more. */
static bool watcher_back(struct watcher *w)
{
	w->busy = false;
	if (w->dead) {
		watcher_finish(w);
		return false;
	}
	return true;
}

static struct watch_event *ring_at(struct watch_hub *hub, size_t i)
{
	return &hub->ring[(hub->ring_head + i) % hub->ring_cap];
}

static void catchup_done(void *ctx, PGresult *res, const char *error);

static void watcher_catch_up(struct watcher *w)
{
	struct watch_hub *hub = w->hub;
	struct rest_call *call = w->call;
	char from[24], upper[24], limit[16];
	const char *params[6];

	w->state = W_CATCHUP;
	w->busy = true;
	w->catchup_upper = hub->last_rv;
	snprintf(from, sizeof(from), "%lld", (long long)w->rv);
	snprintf(upper, sizeof(upper), "%lld", (long long)w->catchup_upper);
	snprintf(limit, sizeof(limit), "%d", CATCHUP_LIMIT);
	params[0] = from;
	params[1] = upper;
	params[2] = call->rt->group;
	params[3] = call->rt->resource;
	params[4] = *call->key.namespace ? call->key.namespace : NULL;
	params[5] = limit;
	pg_pool_query(hub->w->pg, NULL, catchup_sql, 6, params, catchup_done, w);
}

/* Columns: compacted_rv, rv, type, namespace, name, object, prev. */
static void catchup_done(void *ctx, PGresult *res, const char *error)
{
	struct watcher *w = ctx;
	struct watch_hub *hub = w->hub;
	int rows;

	if (!watcher_back(w))
		return;
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		w->state = W_WAITING; /* the hub tick tries again */
		return;
	}
	rows = PQntuples(res);
	if (rows > 0 && w->rv < strtoll(PQgetvalue(res, 0, 0), NULL, 10)) {
		watcher_expire(w, strtoll(PQgetvalue(res, 0, 0), NULL, 10));
		return;
	}
	for (int i = 0; i < rows && !PQgetisnull(res, i, 1); i++) {
		struct watch_event e = {
		    .rv = strtoll(PQgetvalue(res, i, 1), NULL, 10),
		    .type = event_type(PQgetvalue(res, i, 2)),
		    .group = (char *)w->call->rt->group,
		    .resource = (char *)w->call->rt->resource,
		    .namespace = PQgetvalue(res, i, 3),
		    .name = PQgetvalue(res, i, 4),
		    .object = PQgetvalue(res, i, 5),
		    .prev = PQgetisnull(res, i, 6) ? NULL : PQgetvalue(res, i, 6),
		};
		bool alive = watcher_offer(w, &e);

		json_decref(e.parsed);
		json_decref(e.prev_parsed);
		if (!alive)
			return;
	}
	arena_free(&hub->scratch);
	if (rows < CATCHUP_LIMIT && w->rv < w->catchup_upper)
		w->rv = w->catchup_upper; /* nothing else for it up to there */
	watcher_attach(w);
}

/* Joins the hub's stream at w->rv: from the ring when it reaches back that
 * far, else through the log. */
static void watcher_attach(struct watcher *w)
{
	struct watch_hub *hub = w->hub;

	if (hub->last_rv < 0) {
		w->state = W_WAITING;
		return;
	}
	if (w->rv < hub->compacted_rv) {
		watcher_expire(w, hub->compacted_rv);
		return;
	}
	if (w->rv + 1 < hub->ring_start) {
		watcher_catch_up(w);
		return;
	}
	w->state = W_LIVE;
	for (size_t i = 0; i < hub->ring_len; i++) {
		struct watch_event *e = ring_at(hub, i);

		if (e->rv > w->rv && !watcher_offer(w, e))
			return;
	}
	arena_free(&hub->scratch);
	if (w->rv < hub->last_rv)
		w->rv = hub->last_rv;
}

static void initial_listed(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;
	struct watcher *w = call->req->handler_ctx;

	if (!w) /* finished meanwhile */
		return;
	if (!watcher_back(w))
		return;
	if (res->status != STORE_OK) {
		const char *status = arena_printf(
		    &w->req->arena,
		    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":"
		    "\"Failure\",\"message\":\"the storage is unavailable\",\"reason\":"
		    "\"ServiceUnavailable\",\"code\":503}");

		if (watcher_write(w, "ERROR", status))
			watcher_finish(w);
		return;
	}
	for (int i = 0; i < res->num_items; i++)
		if (!watcher_write(w, "ADDED", res->items[i].object))
			return;
	w->rv = res->rv;
	if (w->initial_events && !watcher_bookmark(w, res->rv, true))
		return;
	watcher_attach(w);
}

/* ---- the hub ---- */

static void ring_push(struct watch_hub *hub, struct watch_event *e)
{
	while (hub->ring_len &&
	       (hub->ring_len == hub->ring_cap || hub->ring_bytes + e->bytes > RING_MAX_BYTES)) {
		struct watch_event *old = ring_at(hub, 0);

		hub->ring_start = old->rv + 1;
		hub->ring_bytes -= old->bytes;
		event_clear(old);
		hub->ring_head = (hub->ring_head + 1) % hub->ring_cap;
		hub->ring_len--;
	}
	*ring_at(hub, hub->ring_len) = *e;
	hub->ring_len++;
	hub->ring_bytes += e->bytes;
}

static void ring_clear(struct watch_hub *hub)
{
	while (hub->ring_len) {
		event_clear(ring_at(hub, 0));
		hub->ring_head = (hub->ring_head + 1) % hub->ring_cap;
		hub->ring_len--;
	}
	hub->ring_bytes = 0;
}

static void tell_listener(const struct watch_listener *l, const struct watch_event *e)
{
	struct watch_change c = {e->rv,	       e->type, e->group, e->resource,
				 e->namespace, e->name, e->object};

	l->change(l->ctx, &c);
}

static void tell_listeners(struct watch_hub *hub, const struct watch_event *e)
{
	for (size_t i = 0; i < hub->num_listeners; i++)
		tell_listener(&hub->listeners[i], e);
}

/* The hub lost events to compaction (it was cut off for long): every
 * watch ends with 410 and clients relist. */
static void hub_expire_all(struct watch_hub *hub)
{
	struct watcher *w = hub->watchers;

	for (size_t i = 0; i < hub->num_listeners; i++)
		hub->listeners[i].resync(hub->listeners[i].ctx);

	while (w) {
		struct watcher *next = w->next;

		if (!w->busy)
			watcher_expire(w, hub->compacted_rv);
		w = next;
	}
	ring_clear(hub);
}

/* Columns: compacted_rv, counter, rv, type, group, resource, namespace,
 * name, object, prev. */
static void hub_polled(void *ctx, PGresult *res, const char *error)
{
	struct watch_hub *hub = ctx;
	int rows;
	int64_t counter;

	hub->polling = false;
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1) {
		if (res && LOG_V(1))
			log_warn("watch hub: %s", PQresultErrorMessage(res));
		return; /* the tick polls again */
	}
	rows = PQntuples(res);
	hub->compacted_rv = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	counter = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	if (hub->last_rv < 0) {
		hub->last_rv = counter;
		hub->ring_start = counter + 1;
	} else if (hub->last_rv < hub->compacted_rv) {
		hub_expire_all(hub);
		hub->last_rv = hub->compacted_rv;
		hub->ring_start = hub->last_rv + 1;
		hub->poll_again = true;
		rows = 0;
	} else {
		for (int i = 0; i < rows && !PQgetisnull(res, i, 2); i++) {
			struct watch_event e = {
			    .rv = strtoll(PQgetvalue(res, i, 2), NULL, 10),
			    .type = event_type(PQgetvalue(res, i, 3)),
			    .group = xstrdup(PQgetvalue(res, i, 4)),
			    .resource = xstrdup(PQgetvalue(res, i, 5)),
			    .namespace = xstrdup(PQgetvalue(res, i, 6)),
			    .name = xstrdup(PQgetvalue(res, i, 7)),
			    .object = xstrdup(PQgetvalue(res, i, 8)),
			    .prev = PQgetisnull(res, i, 9) ? NULL : xstrdup(PQgetvalue(res, i, 9)),
			};
			struct watcher *w = hub->watchers;

			e.bytes = sizeof(e) + strlen(e.object) + (e.prev ? strlen(e.prev) : 0) + 64;
			tell_listeners(hub, &e);
			ring_push(hub, &e);
			hub->last_rv = e.rv;
			while (w) {
				struct watcher *next = w->next;

				if (w->state == W_LIVE)
					watcher_offer(w, ring_at(hub, hub->ring_len - 1));
				w = next;
			}
			arena_free(&hub->scratch);
		}
		if (rows < POLL_LIMIT && counter > hub->last_rv) {
			struct watcher *w;

			hub->last_rv = counter; /* every change up to the counter is read */
			for (w = hub->watchers; w; w = w->next)
				if (w->state == W_LIVE && w->rv < counter)
					w->rv = counter;
		}
		if (rows >= POLL_LIMIT)
			hub->poll_again = true;
	}
	for (struct watcher *w = hub->watchers, *next; w; w = next) {
		next = w->next;
		if (w->state == W_WAITING && !w->busy)
			watcher_attach(w);
	}
	if (hub->poll_again)
		hub_poll(hub);
}

static void hub_poll(struct watch_hub *hub)
{
	char last[24], limit[16];
	const char *params[2] = {last, limit};

	if (hub->polling) {
		hub->poll_again = true;
		return;
	}
	hub->poll_again = false;
	hub->polling = true;
	snprintf(last, sizeof(last), "%lld", (long long)(hub->last_rv < 0 ? 0 : hub->last_rv));
	snprintf(limit, sizeof(limit), "%d", hub->last_rv < 0 ? 0 : POLL_LIMIT);
	pg_pool_query(hub->pg, &hub_statements[0], NULL, 2, params, hub_polled, hub);
}

static void hub_notified(void *ctx, const char *payload)
{
	struct watch_hub *hub = ctx;

	if (payload && hub->last_rv >= 0 && strtoll(payload, NULL, 10) <= hub->last_rv)
		return; /* already read */
	hub_poll(hub);
}

static void hub_tick(struct event_loop *loop, void *ctx)
{
	struct watch_hub *hub = ctx;
	int64_t now = event_loop_now(loop);

	hub->tick_timer = event_loop_timer(loop, TICK_MS, hub_tick, hub);
	hub_poll(hub);
	for (struct watcher *w = hub->watchers, *next; w; w = next) {
		next = w->next;
		if (w->busy)
			continue;
		if (now >= w->deadline_ms)
			watcher_finish(w);
		else if (w->state == W_LIVE && w->bookmarks && now >= w->next_bookmark_ms)
			watcher_bookmark(w, w->rv, false);
	}
}

struct watch_hub *watch_hub_new(struct worker *w)
{
	struct watch_hub *hub = calloc(1, sizeof(*hub));
	/* Tests shrink the window to make watchers catch up from the log,
	 * and the bookmark interval to see bookmarks. */
	const char *test_ring = getenv("PGKUBE_TEST_WATCH_RING");
	const char *test_bookmark = getenv("PGKUBE_TEST_WATCH_BOOKMARK_MS");

	if (!hub)
		abort();
	hub->ring_cap =
	    test_ring && atoi(test_ring) > 0 ? (size_t)atoi(test_ring) : RING_MAX_EVENTS;
	hub->bookmark_ms =
	    test_bookmark && atoi(test_bookmark) > 0 ? atoi(test_bookmark) : BOOKMARK_MS;
	if (!(hub->ring = calloc(hub->ring_cap, sizeof(*hub->ring))))
		abort();
	hub->w = w;
	hub->last_rv = -1;
	hub->pg = pg_pool_new(w->loop, w->cfg->storage_dsn, 1, hub_statements,
			      (int)(sizeof(hub_statements) / sizeof(hub_statements[0])));
	pg_pool_listen(hub->pg, "pgkube_changes", hub_notified, hub);
	hub->tick_timer = event_loop_timer(w->loop, TICK_MS, hub_tick, hub);
	return hub;
}

void watch_hub_end_all(struct watch_hub *hub)
{
	for (struct watcher *w = hub->watchers, *next; w; w = next) {
		next = w->next;
		if (w->busy) {
			/* Its query's answer ends it. */
			w->dead = true;
			w->deadline_ms = 0;
		} else {
			watcher_finish(w);
		}
	}
}

void watch_hub_free(struct watch_hub *hub)
{
	if (!hub)
		return;
	watch_hub_end_all(hub);
	if (hub->tick_timer)
		event_loop_cancel(hub->w->loop, hub->tick_timer);
	pg_pool_free(hub->pg);
	ring_clear(hub);
	free(hub->ring);
	arena_free(&hub->scratch);
	free(hub);
}

void watch_hub_add_listener(struct watch_hub *hub, watch_change_fn *change,
			    void (*resync)(void *ctx), void *ctx)
{
	if (hub->num_listeners == WATCH_MAX_LISTENERS)
		abort(); /* a fixed set of caches: more is a programming error */
	hub->listeners[hub->num_listeners++] = (struct watch_listener){change, resync, ctx};
}

void watch_hub_start_at(struct watch_hub *hub, int64_t rv)
{
	if (hub->last_rv >= 0)
		return;
	hub->last_rv = rv;
	hub->ring_start = rv + 1;
}

int64_t watch_hub_position(const struct watch_hub *hub)
{
	return hub->last_rv;
}

bool watch_hub_replay(struct watch_hub *hub, int64_t rv, void *ctx)
{
	const struct watch_listener *l = NULL;

	if (hub->last_rv <= rv)
		return true; /* nothing after rv read yet */
	for (size_t i = 0; i < hub->num_listeners; i++)
		if (hub->listeners[i].ctx == ctx)
			l = &hub->listeners[i];
	if (!l)
		return true; /* not a listener: nothing to hand it */
	if (hub->ring_start > rv + 1)
		return false;
	for (size_t i = 0; i < hub->ring_len; i++)
		if (ring_at(hub, i)->rv > rv)
			tell_listener(l, ring_at(hub, i));
	return true;
}

size_t watch_hub_count(const struct watch_hub *hub)
{
	return hub ? hub->num_watchers : 0;
}

/* ---- the request ---- */

static bool param_true(struct request *req, const char *name)
{
	const char *v = route_param(&req->route, name);

	return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

void rest_watch(struct rest_call *call)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	struct watch_hub *hub = req->worker->watch;
	const char *rv = route_param(&req->route, "resourceVersion");
	const char *match = route_param(&req->route, "resourceVersionMatch");
	const char *labels = route_param(&req->route, "labelSelector");
	const char *fields = route_param(&req->route, "fieldSelector");
	const char *timeout = route_param(&req->route, "timeoutSeconds");
	const char *error = NULL;
	struct store_list_options opts = {0};
	struct watcher *w;
	bool initial;
	char *end;

	w = arena_alloc(a, sizeof(*w));
	memset(w, 0, sizeof(*w));
	w->hub = hub;
	w->call = call;
	w->req = req;
	w->bookmarks = param_true(req, "allowWatchBookmarks");
	w->initial_events = param_true(req, "sendInitialEvents");
	if (labels && *labels && label_selector_parse(a, labels, &w->labels, &error) < 0) {
		response_send_status(req, 400, "BadRequest", error);
		return;
	}
	if (fields && *fields && field_selector_parse(a, fields, &w->fields, &error) < 0) {
		response_send_status(req, 400, "BadRequest", error);
		return;
	}
	w->selective = w->labels.num_reqs || w->fields.num_reqs;
	if (w->initial_events && (!match || strcmp(match, "NotOlderThan") != 0)) {
		rest_invalid_options(
		    call, "ListOptions", "resourceVersionMatch", "FieldValueForbidden",
		    "Forbidden: sendInitialEvents requires setting resourceVersionMatch to "
		    "NotOlderThan");
		return;
	}
	if (w->initial_events && !w->bookmarks) {
		rest_invalid_options(call, "ListOptions", "allowWatchBookmarks",
				     "FieldValueRequired",
				     "Required value: allowWatchBookmarks required when "
				     "sendInitialEvents is true");
		return;
	}
	w->rv = 0;
	if (rv && *rv) {
		w->rv = strtoll(rv, &end, 10);
		if (*end || w->rv < 0) {
			response_send_status(req, 400, "BadRequest",
					     arena_printf(a, "invalid resource version: %s", rv));
			return;
		}
	}
	{
		int64_t now = event_loop_now(req->worker->loop);
		int64_t seconds = timeout && *timeout ? strtoll(timeout, NULL, 10) : 0;

		if (seconds <= 0)
			seconds = MIN_REQUEST_S + (int64_t)(random() % MIN_REQUEST_S);
		w->deadline_ms = now + seconds * 1000;
		w->next_bookmark_ms = now + hub->bookmark_ms;
	}
	initial = w->initial_events || w->rv == 0;
	if (initial) {
		/* The selectors go into the list's SQL too. */
		opts.group = call->rt->group;
		opts.resource = call->rt->resource;
		opts.namespace = *call->key.namespace ? call->key.namespace : NULL;
		if (!rest_add_selectors(call, &opts))
			return;
		if (*call->key.name) {
			/* /watch/.../NAME: only that object. */
			struct field_selector *fs = &w->fields;
			struct field_requirement *reqs =
			    arena_alloc(a, (fs->num_reqs + 1) * sizeof(*reqs));

			if (fs->num_reqs)
				memcpy(reqs, fs->reqs, fs->num_reqs * sizeof(*reqs));
			reqs[fs->num_reqs] = (struct field_requirement){
			    "metadata.name", FIELD_EQUALS, call->key.name};
			fs->reqs = reqs;
			fs->num_reqs++;
		}
	}
	req->handler_ctx = w;
	req->on_gone = watcher_gone;
	response_add_header(req, "Cache-Control", "no-cache, private");
	response_stream_start(
	    req, 200, req->protobuf_out ? PROTOBUF_MEDIA_TYPE ";stream=watch" : "application/json");
	w->next = hub->watchers;
	if (hub->watchers)
		hub->watchers->prev = w;
	hub->watchers = w;
	hub->num_watchers++;
	if (initial) {
		w->state = W_LISTING;
		w->busy = true;
		if (*call->key.name) {
			/* One object: filter the list in memory. */
			struct buf sql = {0};
			struct sql_params params = {0};

			params.cap = 64;
			params.values = arena_alloc(a, params.cap * sizeof(char *));
			params.num = 7 + (size_t)opts.num_where_params;
			for (int i = 0; i < opts.num_where_params; i++)
				params.values[7 + i] = opts.where_params[i];
			if (opts.where_sql)
				buf_printf(&sql, "(%s) AND ", opts.where_sql);
			if (field_selector_to_sql(a,
						  &(struct field_selector){
						      &w->fields.reqs[w->fields.num_reqs - 1], 1},
						  "o.object", &sql, &params) == 0) {
				opts.where_sql = arena_strdup(a, sql.data);
				opts.where_params = params.values + 7;
				opts.num_where_params = (int)params.num - 7;
			}
			buf_free(&sql);
		}
		store_list(req->worker->pg, &opts, initial_listed, call);
		return;
	}
	watcher_attach(w);
}
