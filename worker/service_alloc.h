/*
 * service_alloc.h - cluster IPs and node ports of core Services, as
 * kube-apiserver's Service storage allocates them around a create or an
 * update (beginCreate, beginUpdate and the strategy's
 * dropTypeDependentFields in pkg/registry/core/service, v1.32).
 *
 * The calls fill the Service's spec before its validation: ipFamilies and
 * ipFamilyPolicy, clusterIP(s), nodePorts and healthCheckNodePort, picked
 * at random or as the client asked. Nothing is reserved here: the write
 * itself claims the values in PostgreSQL (sql/007_service_allocations.sql)
 * and fails with STORE_ALLOCATED when another Service holds one;
 * service_alloc_written() then answers as upstream does (422 for a value
 * the client asked for) or picks again.
 *
 * The state lives in the request's arena (call->service_alloc).
 */
#ifndef PGKUBE_SERVICE_ALLOC_H
#define PGKUBE_SERVICE_ALLOC_H

#include <jansson.h>

#include "worker/rest_internal.h"

enum service_alloc_result {
	SERVICE_ALLOC_OK,
	SERVICE_ALLOC_ERROR,   /* call->err says why: 422 Invalid or 500 */
	SERVICE_ALLOC_PENDING, /* waiting for PostgreSQL; `again` will be called */
};

/*
 * beginCreate on svc (the body, defaulted and named). A dry run "allocates"
 * as upstream's dry run does. On PENDING, and later when a write conflicts,
 * the call is started over with again(call), call->body being svc as it
 * was given to the first call.
 */
enum service_alloc_result service_alloc_create(struct rest_call *call, json_t *svc,
					       void (*again)(struct rest_call *call));

/*
 * beginUpdate and dropTypeDependentFields on svc, the object an update
 * would store, against old, the stored one (not changed). On PENDING, and
 * later when the write conflicts, the update is started over with
 * again(call).
 */
enum service_alloc_result service_alloc_update(struct rest_call *call, json_t *svc, json_t *old,
					       void (*again)(struct rest_call *call));

enum service_alloc_outcome {
	SERVICE_ALLOC_NOT_MINE, /* not an allocation conflict of this call */
	SERVICE_ALLOC_RETRYING, /* a random pick was taken meanwhile: it starts over */
	SERVICE_ALLOC_FAILED,	/* call->err says why */
};

/* What to do with the answer to a write of a Service this call allocated for. */
enum service_alloc_outcome service_alloc_written(struct rest_call *call,
						 const struct store_result *res);

#endif
