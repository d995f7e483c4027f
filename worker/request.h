/*
 * request.h - one HTTP request as handlers see it, and how they answer.
 *
 * The connection (conn.c) parses a request, fills a struct request whose
 * memory all comes from req->arena, authenticates it from the TLS peer, and
 * hands it to dispatch() (dispatch.c). A handler answers exactly once, now
 * or later (after an asynchronous PostgreSQL query), with response_send*()
 * or a stream (response_stream_*), and the request is freed when the
 * answer is complete. If the client goes away first, req->gone is set and
 * req->on_gone (if any) is called: the handler must stop and still end the
 * request with response_stream_end() or a response_send*() (which then
 * writes nothing).
 */
#ifndef PGKUBE_REQUEST_H
#define PGKUBE_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "worker/http_parse.h"
#include "worker/router.h"

struct conn;
struct worker;

/* One user.Info "extra" entry, e.g. authentication.kubernetes.io/pod-name. */
struct user_extra {
	const char *key;
	const char **values;
	size_t num_values;
};

struct user_info {
	const char *name;    /* "system:anonymous" when unauthenticated */
	const char *uid;     /* NULL when the authenticator gives none */
	const char **groups; /* includes system:authenticated / system:unauthenticated */
	size_t num_groups;
	struct user_extra *extra;
	size_t num_extra;
	bool authenticated;
	/* The connection's client certificate as the TLS layer judged it
	 * (authn.c): rejected, it did not verify against --client-ca-file;
	 * front_proxy 1, it is a trusted front proxy's (its requests' headers
	 * name the user), -1, it failed --requestheader-client-ca-file or
	 * --requestheader-allowed-names. A failure is a 401 unless another
	 * credential of the request (a bearer token) authenticates it. */
	bool rejected;
	signed char front_proxy;
};

struct request {
	struct arena arena;
	struct conn *conn;
	struct worker *worker;
	const char *method;
	const char *target; /* as sent */
	struct http_header *headers;
	size_t num_headers;
	struct buf body;
	struct route route;
	struct user_info user;
	const char *remote_addr;
	int64_t start_us;
	bool head_only;	   /* HEAD: headers without the body */
	bool yaml_out;	   /* Accept chose application/yaml: JSON answers go out as YAML */
	bool protobuf_out; /* Accept chose protobuf: objects go out in their messages */
	bool keep_alive;

	/* Response bookkeeping (response.c). */
	struct buf extra_headers;
	int status;
	size_t bytes_sent;
	bool streaming;
	bool done;
	bool gone;
	void (*on_gone)(struct request *req);
	void *handler_ctx;
};

const char *request_header(const struct request *req, const char *name);

/* Headers added before the response starts, e.g. ("Cache-Control", "no-cache"). */
void response_add_header(struct request *req, const char *name, const char *value);
/* A "Warning: 299 - \"text\"" header, text quoted as RFC 9110 asks. */
void response_add_warning(struct request *req, const char *text);
void response_send(struct request *req, int status, const char *content_type, const char *body,
		   size_t len);
/* Serialises obj (and drops the caller's reference). */
void response_send_json(struct request *req, int status, json_t *obj);
/* JSON text as it is (from the store), or re-indented for ?pretty / curl. */
void response_send_json_text(struct request *req, int status, const char *json, size_t len);
/* A Kubernetes Status error; reason as upstream (NotFound, BadRequest, ...). */
void response_send_status(struct request *req, int code, const char *reason, const char *message);
/* The same with a "details" object (its reference is taken). */
void response_send_status_details(struct request *req, int code, const char *reason,
				  const char *message, json_t *details);

/* kube-apiserver's answers for a path it does not serve (404 NotFound) and
 * a verb a resource does not allow (405 MethodNotAllowed). */
void response_send_not_found(struct request *req);
void response_send_method_not_allowed(struct request *req);

/* Chunked streaming (watches). Each write is sent as one chunk. */
void response_stream_start(struct request *req, int status, const char *content_type);
void response_stream_write(struct request *req, const char *data, size_t len);
void response_stream_end(struct request *req);
/* Bytes queued towards this client but not yet written to its socket. */
size_t response_pending_bytes(const struct request *req);

/* The reason phrase of an HTTP status ("OK", "Not Found", ...). */
const char *http_status_text(int status);

#endif
