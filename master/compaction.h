/*
 * compaction.h - trimming the change log, the way kube-apiserver has etcd
 * compact: every --etcd-compaction-interval, up to the resourceVersion seen
 * one interval earlier (so watchers and paginated lists get at least one
 * interval of history), keeping the newest row of every live key.
 */
#ifndef PGKUBE_COMPACTION_H
#define PGKUBE_COMPACTION_H

#include <stdint.h>

struct compaction {
	const char *dsn;
	int interval_ms;   /* 0 = never */
	int64_t next_run;  /* monotonic ms */
	int64_t seen_rv;   /* resourceVersion read at the previous run */
	int64_t target_rv; /* compaction under way up to here, 0 = none */
};

void compaction_init(struct compaction *c, const char *dsn, int interval_seconds);
/* Milliseconds until compaction_run() wants to run (-1 = never). */
int64_t compaction_due_in(const struct compaction *c);
/* Runs one bounded step (at most about a second of work) if due. */
void compaction_run(struct compaction *c);

#endif
