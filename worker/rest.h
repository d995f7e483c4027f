/*
 * rest.h - the generic REST engine for registry resources (get, list,
 * create, update, delete), on top of the object store.
 */
#ifndef PGKUBE_REST_H
#define PGKUBE_REST_H

#include <stdbool.h>

#include "worker/request.h"

struct resource_type;

/* Serves a ROUTE_RESOURCE request. */
void rest_serve(struct request *req);

/* Whether a DELETE of rt answers with the object rather than a Status. */
bool rest_delete_returns_object(const struct resource_type *rt);

#endif
