/*
 * namespaces.h - the master's namespace finalizer: empties and removes
 * namespaces being deleted, as kube-controller-manager's namespace
 * controller would (pgkube.finalize_namespaces in sql/).
 */
#ifndef PGKUBE_NAMESPACES_H
#define PGKUBE_NAMESPACES_H

#include <libpq-fe.h>
#include <stdint.h>

struct ns_finalizer {
	const char *dsn;
	PGconn *pg;	  /* kept open between runs; NULL when down */
	int64_t next_run; /* monotonic ms */
};

void ns_finalizer_init(struct ns_finalizer *f, const char *dsn);
/* Milliseconds until ns_finalizer_run() wants to run. */
int64_t ns_finalizer_due_in(const struct ns_finalizer *f);
/* Runs at most about a second of work if due. */
void ns_finalizer_run(struct ns_finalizer *f);
void ns_finalizer_close(struct ns_finalizer *f);

#endif
