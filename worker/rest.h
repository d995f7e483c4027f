/*
 * rest.h - the generic REST engine for registry resources (get, list,
 * create, update, delete), on top of the object store.
 */
#ifndef PGKUBE_REST_H
#define PGKUBE_REST_H

#include "worker/request.h"

/* Serves a ROUTE_RESOURCE request. */
void rest_serve(struct request *req);

#endif
