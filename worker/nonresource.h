/*
 * nonresource.h - the paths outside /api and /apis: health checks,
 * /version and /metrics.
 */
#ifndef PGKUBE_NONRESOURCE_H
#define PGKUBE_NONRESOURCE_H

#include <stdbool.h>

#include "worker/request.h"

/* Serves req if its path is one of ours; false otherwise (not answered). */
bool nonresource_serve(struct request *req);

#endif
