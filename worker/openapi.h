/*
 * openapi.h - /openapi/v3 and its per-group-version documents.
 */
#ifndef PGKUBE_OPENAPI_H
#define PGKUBE_OPENAPI_H

#include <stdbool.h>

#include "worker/request.h"

/* Answers req when its path is under /openapi/v3; false otherwise. */
bool openapi_serve(struct request *req);

#endif
