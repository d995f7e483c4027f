/*
 * response.c - writing answers: status line and headers, whole bodies
 * with Content-Length, chunked streams, and Kubernetes Status errors.
 *
 * Every response carries the headers kube-apiserver sends (Audit-Id,
 * Cache-Control, Date); a JSON body is pretty-printed when the client asks
 * (?pretty=true) or is curl/Wget, as kube-apiserver does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "shared/proto_json.h"
#include "shared/protobuf.h"
#include "shared/uuid.h"
#include "shared/yaml_json.h"
#include "worker/conn.h"
#include "worker/request.h"

const char *http_status_text(int status)
{
	switch (status) {
	case 100:
		return "Continue";
	case 101:
		return "Switching Protocols";
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 406:
		return "Not Acceptable";
	case 408:
		return "Request Timeout";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 411:
		return "Length Required";
	case 413:
		return "Request Entity Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}

const char *request_header(const struct request *req, const char *name)
{
	for (size_t i = 0; i < req->num_headers; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

void response_add_header(struct request *req, const char *name, const char *value)
{
	buf_printf(&req->extra_headers, "%s: %s\r\n", name, value);
}

static void format_date(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void write_head(struct request *req, int status, const char *content_type,
		       const char *framing)
{
	struct buf head = {0};
	char date[64], audit_id[UUID_STRING_LEN];

	format_date(date, sizeof(date));
	uuid_v4(audit_id);
	req->status = status;
	buf_printf(&head,
		   "HTTP/1.1 %d %s\r\nAudit-Id: %s\r\nCache-Control: no-cache, private\r\n"
		   "Content-Type: %s\r\nDate: %s\r\n%s",
		   status, http_status_text(status), audit_id, content_type, date, framing);
	if (req->extra_headers.len)
		buf_append(&head, req->extra_headers.data, req->extra_headers.len);
	if (conn_should_close(req->conn))
		buf_append_str(&head, "Connection: close\r\n");
	buf_append_str(&head, "\r\n");
	conn_send(req->conn, head.data, head.len);
	buf_free(&head);
}

static void finish(struct request *req)
{
	req->done = true;
	conn_request_done(req);
}

void response_add_warning(struct request *req, const char *text)
{
	struct buf v = {0};

	buf_append_str(&v, "299 - \"");
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_append(&v, "\\", 1);
		if ((unsigned char)*p >= 0x20)
			buf_append(&v, p, 1);
	}
	buf_append_str(&v, "\"");
	response_add_header(req, "Warning", arena_strdup(&req->arena, v.data));
	buf_free(&v);
}

void response_send(struct request *req, int status, const char *content_type, const char *body,
		   size_t len)
{
	char framing[64];

	if (req->done)
		return;
	req->status = status;
	if (!req->gone) {
		snprintf(framing, sizeof(framing), "Content-Length: %zu\r\n", len);
		write_head(req, status, content_type, framing);
		if (!req->head_only && len)
			conn_send(req->conn, body, len);
		req->bytes_sent = len;
	}
	finish(req);
}

static bool wants_pretty(const struct request *req)
{
	const char *pretty = route_param(&req->route, "pretty");
	const char *agent = request_header(req, "User-Agent");

	if (pretty)
		return strcmp(pretty, "true") == 0 || strcmp(pretty, "1") == 0;
	return agent && (strncmp(agent, "curl/", 5) == 0 || strncmp(agent, "Wget/", 5) == 0);
}

/* The YAML kube-apiserver writes for the same object. */
static void send_yaml(struct request *req, int status, json_t *obj)
{
	size_t len = 0;
	char *text = json_to_yaml(obj, &len);

	json_decref(obj);
	if (!text) {
		req->yaml_out = false;
		response_send_status(
		    req, 500, "InternalError",
		    "Internal error occurred: the object cannot be written as YAML");
		return;
	}
	response_send(req, status, "application/yaml", arena_strndup(&req->arena, text, len), len);
	free(text);
}

/*
 * The object in its protobuf message inside the "k8s\0" envelope. A kind
 * the catalog does not describe goes out as JSON, which the client also
 * reads (it names the type it received in Content-Type).
 */
static bool send_protobuf(struct request *req, int status, json_t *obj)
{
	struct buf out = {0};

	if (!proto_json_encode_object(obj, &out))
		return false;
	json_decref(obj);
	response_send(req, status, PROTOBUF_MEDIA_TYPE,
		      arena_strndup(&req->arena, out.data, out.len), out.len);
	buf_free(&out);
	return true;
}

void response_send_json(struct request *req, int status, json_t *obj)
{
	size_t flags = JSON_COMPACT | JSON_REAL_PRECISION(17);
	char *text;

	if (req->yaml_out) {
		send_yaml(req, status, obj);
		return;
	}
	if (req->protobuf_out && send_protobuf(req, status, obj))
		return;
	if (wants_pretty(req))
		flags = JSON_INDENT(2) | JSON_REAL_PRECISION(17);
	text = json_dumps(obj, flags);
	json_decref(obj);
	if (!text) {
		response_send(req, 500, "text/plain; charset=utf-8", "", 0);
		return;
	}
	if (flags & JSON_COMPACT) {
		response_send(req, status, "application/json", text, strlen(text));
	} else {
		size_t len = strlen(text);
		char *with_newline = arena_alloc(&req->arena, len + 2);

		memcpy(with_newline, text, len);
		with_newline[len] = '\n';
		response_send(req, status, "application/json", with_newline, len + 1);
	}
	free(text);
}

void response_send_json_text(struct request *req, int status, const char *json, size_t len)
{
	json_t *obj;

	if (!wants_pretty(req) && !req->yaml_out && !req->protobuf_out) {
		response_send(req, status, "application/json", json, len);
		return;
	}
	obj = json_loadb(json, len, 0, NULL);
	if (!obj) {
		response_send_status(req, 500, "InternalError",
				     "Internal error occurred: the stored object is not JSON");
		return;
	}
	response_send_json(req, status, obj);
}

void response_send_status(struct request *req, int code, const char *reason, const char *message)
{
	response_send_status_details(req, code, reason, message, NULL);
}

void response_send_status_details(struct request *req, int code, const char *reason,
				  const char *message, json_t *details)
{
	json_t *status =
	    json_pack("{s:s, s:s, s:{}, s:s, s:s, s:s}", "kind", "Status", "apiVersion", "v1",
		      "metadata", "status", "Failure", "message", message, "reason", reason);

	if (details)
		json_object_set_new(status, "details", details);
	json_object_set_new(status, "code", json_integer(code));
	response_send_json(req, code, status);
}

void response_send_not_found(struct request *req)
{
	response_send_status_details(req, 404, "NotFound",
				     "the server could not find the requested resource",
				     json_object());
}

void response_send_method_not_allowed(struct request *req)
{
	response_send_status_details(
	    req, 405, "MethodNotAllowed",
	    "the server does not allow this method on the requested resource", json_object());
}

void response_stream_start(struct request *req, int status, const char *content_type)
{
	req->streaming = true;
	req->status = status;
	if (!req->gone)
		write_head(req, status, content_type, "Transfer-Encoding: chunked\r\n");
}

void response_stream_write(struct request *req, const char *data, size_t len)
{
	char size_line[32];
	int n;

	if (req->gone || req->done || !len)
		return;
	n = snprintf(size_line, sizeof(size_line), "%zx\r\n", len);
	conn_send(req->conn, size_line, (size_t)n);
	conn_send(req->conn, data, len);
	conn_send(req->conn, "\r\n", 2);
	req->bytes_sent += len;
}

void response_stream_end(struct request *req)
{
	if (req->done)
		return;
	if (!req->gone)
		conn_send(req->conn, "0\r\n\r\n", 5);
	finish(req);
}

size_t response_pending_bytes(const struct request *req)
{
	return req->gone ? 0 : conn_pending_bytes(req->conn);
}
