/*
 * metrics.h - Prometheus metrics shared by all workers.
 *
 * The master maps one shared memory region before forking, so /metrics
 * served by any worker reports the whole server, like the single
 * kube-apiserver process does. Series are keyed by their label string;
 * a process-shared robust mutex guards updates (a worker killed while
 * holding it does not wedge the others).
 */
#ifndef PGKUBE_METRICS_H
#define PGKUBE_METRICS_H

#include "shared/buf.h"
#include "worker/request.h"

/* Called once by the master before forking; returns 0 or -1. */
int metrics_init_shared(void);

void metrics_observe_request(const struct request *req);
/* Requests refused before they could be framed (bad syntax, 431, ...). */
void metrics_count_rejected(int status);
void metrics_render(struct buf *out);

#endif
