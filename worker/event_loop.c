/*
 * event_loop.c - epoll file events and one-shot timers; see event_loop.h.
 *
 * File handlers are kept in an array indexed by fd (fds are small and
 * dense). Timers are few (pools, watch hubs, housekeeping; connection
 * timeouts are swept by the connection module on one periodic timer), so
 * they sit in a list kept sorted by deadline.
 */
#include "event_loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct file_event {
	event_handler_fn fn;
	void *ctx;
};

struct timer {
	uint64_t id;
	int64_t deadline;
	timer_fn fn;
	void *ctx;
	struct timer *next;
};

struct event_loop {
	int epoll_fd;
	struct file_event *files;
	int files_cap;
	struct timer *timers;
	uint64_t next_timer_id;
	int64_t now;
	bool stopped;
};

int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct event_loop *event_loop_new(void)
{
	struct event_loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		abort();
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0) {
		free(loop);
		return NULL;
	}
	loop->now = monotonic_ms();
	return loop;
}

void event_loop_free(struct event_loop *loop)
{
	while (loop->timers) {
		struct timer *next = loop->timers->next;

		free(loop->timers);
		loop->timers = next;
	}
	close(loop->epoll_fd);
	free(loop->files);
	free(loop);
}

static void grow_files(struct event_loop *loop, int fd)
{
	int cap = loop->files_cap ? loop->files_cap : 64;

	if (fd < loop->files_cap)
		return;
	while (cap <= fd)
		cap *= 2;
	loop->files = realloc(loop->files, (size_t)cap * sizeof(*loop->files));
	if (!loop->files)
		abort();
	memset(loop->files + loop->files_cap, 0,
	       (size_t)(cap - loop->files_cap) * sizeof(*loop->files));
	loop->files_cap = cap;
}

int event_loop_add(struct event_loop *loop, int fd, uint32_t events, event_handler_fn fn, void *ctx)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	grow_files(loop, fd);
	if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	loop->files[fd].fn = fn;
	loop->files[fd].ctx = ctx;
	return 0;
}

int event_loop_modify(struct event_loop *loop, int fd, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	return epoll_ctl(loop->epoll_fd, EPOLL_CTL_MOD, fd, &ev);
}

void event_loop_remove(struct event_loop *loop, int fd)
{
	if (fd < 0 || fd >= loop->files_cap)
		return;
	epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
	loop->files[fd].fn = NULL;
	loop->files[fd].ctx = NULL;
}

uint64_t event_loop_timer(struct event_loop *loop, int64_t delay_ms, timer_fn fn, void *ctx)
{
	struct timer *t = calloc(1, sizeof(*t));
	struct timer **at = &loop->timers;

	if (!t)
		abort();
	t->id = ++loop->next_timer_id;
	t->deadline = monotonic_ms() + delay_ms;
	t->fn = fn;
	t->ctx = ctx;
	while (*at && (*at)->deadline <= t->deadline)
		at = &(*at)->next;
	t->next = *at;
	*at = t;
	return t->id;
}

void event_loop_cancel(struct event_loop *loop, uint64_t timer_id)
{
	for (struct timer **at = &loop->timers; *at; at = &(*at)->next) {
		if ((*at)->id == timer_id) {
			struct timer *t = *at;

			*at = t->next;
			free(t);
			return;
		}
	}
}

int64_t event_loop_now(struct event_loop *loop)
{
	return loop->now;
}

static void run_due_timers(struct event_loop *loop)
{
	while (loop->timers && loop->timers->deadline <= loop->now) {
		struct timer *t = loop->timers;

		loop->timers = t->next;
		t->fn(loop, t->ctx);
		free(t);
	}
}

void event_loop_run(struct event_loop *loop)
{
	struct epoll_event events[256];

	loop->stopped = false;
	while (!loop->stopped) {
		int timeout = -1;
		int n;

		loop->now = monotonic_ms();
		if (loop->timers) {
			int64_t wait = loop->timers->deadline - loop->now;

			timeout = wait < 0 ? 0 : (wait > 60000 ? 60000 : (int)wait);
		}
		n = epoll_wait(loop->epoll_fd, events, 256, timeout);
		if (n < 0 && errno != EINTR)
			break;
		loop->now = monotonic_ms();
		for (int i = 0; i < n; i++) {
			int fd = events[i].data.fd;

			/* A handler earlier in this batch may have closed fd. */
			if (fd < loop->files_cap && loop->files[fd].fn)
				loop->files[fd].fn(loop, fd, events[i].events, loop->files[fd].ctx);
		}
		run_due_timers(loop);
	}
}

void event_loop_stop(struct event_loop *loop)
{
	loop->stopped = true;
}
