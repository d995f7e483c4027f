/*
 * router.h - from a request-target to what it names.
 *
 * router_parse() splits the path and query the way kube-apiserver's
 * RequestInfoFactory does (k8s.io/apiserver/pkg/endpoints/request):
 * /api/v1/namespaces/NS/RESOURCE/NAME/SUBRESOURCE,
 * /apis/GROUP/VERSION/..., the old /watch/ prefix, the "namespaces"
 * special case, and the Kubernetes verb (get, list, watch, create, update,
 * patch, delete, deletecollection) from the method, the name and the
 * watch parameter. Everything it returns lives in the given arena.
 */
#ifndef PGKUBE_ROUTER_H
#define PGKUBE_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"

enum route_kind {
	ROUTE_NON_RESOURCE,  /* /healthz, /version, /openapi/v2, ... */
	ROUTE_API_ROOT,	     /* /api */
	ROUTE_APIS_ROOT,     /* /apis */
	ROUTE_GROUP,	     /* /apis/GROUP */
	ROUTE_GROUP_VERSION, /* /api/v1, /apis/GROUP/VERSION */
	ROUTE_RESOURCE,	     /* /api/v1/pods, /apis/apps/v1/namespaces/x/deployments/y/scale */
};

struct query_param {
	const char *name;  /* percent-decoded, '+' as space */
	const char *value; /* "" when the parameter has no '=' */
};

struct route {
	enum route_kind kind;
	const char *path; /* percent-decoded path, without the query */

	/* ROUTE_GROUP .. ROUTE_RESOURCE; "" when absent, never NULL. */
	const char *group; /* "" for the core group (/api) */
	const char *version;
	const char *namespace;
	const char *resource;
	const char *name;
	const char *subresource;
	const char *verb; /* Kubernetes verb; for non-resource: lower-case method */

	struct query_param *params;
	size_t num_params;
};

/*
 * Returns 0 and fills *out, or -1 when the target is not a valid
 * origin-form path (no leading '/', bad percent-encoding, a NUL byte, a
 * "." or ".." segment in a resource path); the caller answers 400. Even
 * then *out is a valid (empty, non-resource) route.
 */
int router_parse(struct arena *a, const char *method, size_t method_len, const char *target,
		 size_t target_len, struct route *out);

/* The first value of a query parameter, or NULL. */
const char *route_param(const struct route *r, const char *name);

#endif
