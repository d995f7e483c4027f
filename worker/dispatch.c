/*
 * dispatch.c - request -> route -> authentication -> impersonation ->
 * authorization (authz.c) -> handler.
 *
 * Non-resource paths (/healthz, /version, /metrics, ...) are a table in
 * nonresource.c; API paths (/api, /apis/...) will be served by the
 * resource engine. Everything else is a 404 Status, as kube-apiserver's
 * NotFoundHandler answers.
 */
#include "dispatch.h"

#include <string.h>

#include "worker/authn.h"
#include "worker/authz.h"
#include "worker/discovery.h"
#include "worker/rest.h"
#include "worker/worker.h"
#include "worker/nonresource.h"
#include "worker/openapi.h"

void dispatch(struct request *req)
{
	if (router_parse(&req->arena, req->method, strlen(req->method), req->target,
			 strlen(req->target), &req->route) < 0) {
		response_send_status(req, 400, "BadRequest", "malformed request path");
		return;
	}
	/* Authentication may finish later (tokens are checked against the
	 * store); it answers 401 itself or goes on with the request. */
	authn_request(req, dispatch_authenticated);
}

static void dispatch_authorized(struct request *req);

void dispatch_authenticated(struct request *req)
{
	if (!authz_impersonate(req))
		return;
	/* Authorization may finish later (a webhook is asked); it answers
	 * 403 or 500 itself or goes on with the request. */
	authz_request(req, dispatch_authorized);
}

static void dispatch_authorized(struct request *req)
{
	switch (req->route.kind) {
	case ROUTE_NON_RESOURCE:
		if (!nonresource_serve(req) && !openapi_serve(req))
			response_send_not_found(req);
		return;
	case ROUTE_API_ROOT:
	case ROUTE_APIS_ROOT:
	case ROUTE_GROUP:
	case ROUTE_GROUP_VERSION:
		discovery_serve(req);
		return;
	case ROUTE_RESOURCE:
		rest_serve(req);
		return;
	}
}
