/*
 * discovery.h - /api, /apis, /apis/GROUP, /api/v1 and /apis/GROUP/VERSION:
 * the legacy documents (APIVersions, APIGroupList, APIGroup,
 * APIResourceList) and aggregated discovery (APIGroupDiscoveryList,
 * apidiscovery.k8s.io v2 and v2beta1), chosen by the Accept header as
 * kube-apiserver does, all generated from the resource registry.
 */
#ifndef PGKUBE_DISCOVERY_H
#define PGKUBE_DISCOVERY_H

#include "worker/request.h"

/* Serves a ROUTE_API_ROOT, ROUTE_APIS_ROOT, ROUTE_GROUP or
 * ROUTE_GROUP_VERSION request. */
void discovery_serve(struct request *req);

#endif
