/*
 * dispatch.c - request -> route -> authentication -> handler.
 *
 * Non-resource paths (/healthz, /version, /metrics, ...) are a table in
 * nonresource.c; API paths (/api, /apis/...) will be served by the
 * resource engine. Everything else is a 404 Status, as kube-apiserver's
 * NotFoundHandler answers.
 */
#include "dispatch.h"

#include <string.h>

#include "worker/authn.h"
#include "worker/discovery.h"
#include "worker/rest.h"
#include "worker/worker.h"
#include "worker/nonresource.h"
#include "worker/openapi.h"

/* Until the authorizers arrive: authenticated users may do anything, and
 * anonymous users may read what kube-apiserver's system:public-info-viewer
 * role grants them. */
static bool authorized(struct request *req)
{
	static const char *const public_paths[] = {"/healthz", "/livez", "/readyz", "/version"};

	if (req->user.authenticated)
		return true;
	for (size_t i = 0; i < sizeof(public_paths) / sizeof(public_paths[0]); i++) {
		size_t n = strlen(public_paths[i]);

		if (strncmp(req->route.path, public_paths[i], n) == 0 &&
		    (req->route.path[n] == '\0' || req->route.path[n] == '/'))
			return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	}
	return false;
}

static void forbidden(struct request *req)
{
	const char *message =
	    arena_printf(&req->arena, "forbidden: User \"%s\" cannot %s path \"%s\"",
			 req->user.name, req->route.verb, req->route.path);

	response_send_status_details(req, 403, "Forbidden", message, json_object());
}

void dispatch(struct request *req)
{
	if (router_parse(&req->arena, req->method, strlen(req->method), req->target,
			 strlen(req->target), &req->route) < 0) {
		response_send_status(req, 400, "BadRequest", "malformed request path");
		return;
	}
	if (!authn_request(req)) {
		response_send_status(req, 401, "Unauthorized", "Unauthorized");
		return;
	}
	dispatch_authenticated(req);
}

void dispatch_authenticated(struct request *req)
{
	if (!authorized(req)) {
		forbidden(req);
		return;
	}
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
