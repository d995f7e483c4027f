/*
 * watch.h - watches over LISTEN/NOTIFY.
 *
 * Each worker has one watch hub: one PostgreSQL connection that LISTENs on
 * pgkube_changes, reads the change log after the last resourceVersion it
 * has seen (on each notification, and every second in case one was lost),
 * keeps a bounded window of recent events, and hands each event to the
 * worker's watchers. A watcher that starts before that window catches up
 * from the change log through the worker's pool, then joins.
 */
#ifndef PGKUBE_WATCH_H
#define PGKUBE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct worker;
struct watch_hub;
struct rest_call;

struct watch_hub *watch_hub_new(struct worker *w);
void watch_hub_free(struct watch_hub *hub);
/* Ends every watch (worker shutdown): clients re-watch elsewhere. */
void watch_hub_end_all(struct watch_hub *hub);
size_t watch_hub_count(const struct watch_hub *hub);

/* One change of the log, as the hub reads it. */
struct watch_change {
	int64_t rv;
	const char *type; /* "ADDED", "MODIFIED", "DELETED" */
	const char *group, *resource, *namespace, *name;
	const char
	    *object; /* JSON text: the object after the change (the last state when DELETED) */
};

typedef void watch_change_fn(void *ctx, const struct watch_change *c);

/*
 * Listeners (the authorizer's caches: RBAC, the Node authorizer's graph)
 * get every change the hub reads, in resourceVersion order, before the
 * watchers do; resync is called when the hub had to skip changes that
 * compaction removed. At most WATCH_MAX_LISTENERS.
 */
#define WATCH_MAX_LISTENERS 4
void watch_hub_add_listener(struct watch_hub *hub, watch_change_fn *change,
			    void (*resync)(void *ctx), void *ctx);
/* Before the hub knows where the log is: read it from after rv. */
void watch_hub_start_at(struct watch_hub *hub, int64_t rv);
/* Every change up to this resourceVersion has been read (-1: not yet known). */
int64_t watch_hub_position(const struct watch_hub *hub);
/* Hands the listener whose ctx it is the changes after rv that the hub's
 * window holds; false when the window no longer reaches back to rv + 1. */
bool watch_hub_replay(struct watch_hub *hub, int64_t rv, void *ctx);

/* Serves a watch request (verb "watch") on a registry resource. */
void rest_watch(struct rest_call *call);

#endif
