/*
 * event_loop.h - a small epoll event loop (after Redis's ae.c).
 *
 * File events: a handler per file descriptor, called with the epoll event
 * bits that fired. Timers: one-shot callbacks at a deadline in
 * milliseconds; a handler re-arms its timer if it wants a period. The loop
 * sleeps in epoll_wait until the nearest timer.
 */
#ifndef PGKUBE_EVENT_LOOP_H
#define PGKUBE_EVENT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct event_loop;

typedef void (*event_handler_fn)(struct event_loop *loop, int fd, uint32_t events, void *ctx);
typedef void (*timer_fn)(struct event_loop *loop, void *ctx);

struct event_loop *event_loop_new(void);
void event_loop_free(struct event_loop *loop);

/* events: EPOLLIN / EPOLLOUT / EPOLLEXCLUSIVE. Returns 0 or -1 (errno set). */
int event_loop_add(struct event_loop *loop, int fd, uint32_t events, event_handler_fn fn,
		   void *ctx);
int event_loop_modify(struct event_loop *loop, int fd, uint32_t events);
void event_loop_remove(struct event_loop *loop, int fd);

/* A timer id is > 0; cancelling an id that already fired is harmless. */
uint64_t event_loop_timer(struct event_loop *loop, int64_t delay_ms, timer_fn fn, void *ctx);
void event_loop_cancel(struct event_loop *loop, uint64_t timer_id);

/* Monotonic milliseconds, cached once per loop iteration. */
int64_t event_loop_now(struct event_loop *loop);
int64_t monotonic_ms(void);
int64_t monotonic_us(void);

/* Runs until event_loop_stop(). */
void event_loop_run(struct event_loop *loop);
void event_loop_stop(struct event_loop *loop);

#endif
