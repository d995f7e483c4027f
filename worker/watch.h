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

#include <stddef.h>

struct worker;
struct watch_hub;
struct rest_call;

struct watch_hub *watch_hub_new(struct worker *w);
void watch_hub_free(struct watch_hub *hub);
/* Ends every watch (worker shutdown): clients re-watch elsewhere. */
void watch_hub_end_all(struct watch_hub *hub);
size_t watch_hub_count(const struct watch_hub *hub);

/* Serves a watch request (verb "watch") on a registry resource. */
void rest_watch(struct rest_call *call);

#endif
