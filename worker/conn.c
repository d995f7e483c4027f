/*
 * conn.c - one client connection: TLS handshake, reading and framing
 * requests, writing responses, keep-alive and pipelining, timeouts.
 *
 * States: HANDSHAKE -> READ_HEAD -> (READ_BODY) -> PROCESSING -> READ_HEAD
 * ... A handler may answer synchronously or later; either way response.c
 * ends the request with conn_request_done(), which moves the connection on
 * to the next (possibly already buffered, pipelined) request.
 *
 * Event handling is level-triggered and idempotent: on any readiness the
 * connection tries to finish its handshake, flush its output and read more
 * input, then registers for exactly the events it still waits for.
 */
#include "conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "shared/log.h"
#include "worker/authn.h"
#include "worker/dispatch.h"
#include "worker/metrics.h"

enum conn_state {
	CONN_HANDSHAKE,
	CONN_READ_HEAD,
	CONN_READ_BODY,
	CONN_PROCESSING,
};

struct conn {
	struct worker *worker;
	int fd;
	SSL *ssl;
	enum conn_state state;
	struct buf in;
	struct buf out;
	size_t out_offset; /* bytes of out already written */
	struct request *req;
	int64_t body_remaining; /* Content-Length bodies */
	bool chunked;
	struct http_chunked_decoder chunked_decoder;
	int64_t deadline;      /* monotonic ms; 0 = none */
	int64_t last_progress; /* last time output moved */
	size_t head_scanned;   /* bytes of in known not to end a request head */
	bool close_after_write;
	bool in_process_input;
	bool ssl_wants_write;
	uint32_t registered;
	struct user_info identity;
	char remote[64];
	struct conn *prev, *next;
};

struct http_timeouts http_timeouts = {
    .handshake = 32000, /* kube-apiserver: ReadHeaderTimeout 32s covers the handshake */
    .header = 32000,
    .idle = 90000,
    .body = 60000,
    .write = 60000,
};

static void conn_close(struct conn *c);
static void conn_process_input(struct conn *c);
static void conn_update_events(struct conn *c);

static void conn_event(struct event_loop *loop, int fd, uint32_t events, void *ctx);

static void describe_peer(struct conn *c, const struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		port = ntohs(sin->sin_port);
		snprintf(c->remote, sizeof(c->remote), "%s:%d", host, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		port = ntohs(sin6->sin6_port);
		snprintf(c->remote, sizeof(c->remote), "[%s]:%d", host, port);
	} else {
		snprintf(c->remote, sizeof(c->remote), "unix");
	}
}

void conn_accept_handler(struct event_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct worker *w = ctx;

	/* Bounded so one worker does not take a whole burst from its siblings. */
	for (int i = 0; i < 64 && !w->shutting_down; i++) {
		struct sockaddr_storage ss;
		socklen_t ss_len = sizeof(ss);
		int one = 1;
		struct conn *c;
		int cfd =
		    accept4(fd, (struct sockaddr *)&ss, &ss_len, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				log_error("accept: %s", strerror(errno));
			return;
		}
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (!c)
			abort();
		c->worker = w;
		c->fd = cfd;
		c->ssl = SSL_new(w->ssl_ctx);
		if (!c->ssl) {
			free(c);
			close(cfd);
			continue;
		}
		SSL_set_fd(c->ssl, cfd);
		describe_peer(c, &ss);
		c->state = CONN_HANDSHAKE;
		c->deadline = event_loop_now(loop) + http_timeouts.handshake;
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
		w->num_conns++;
		c->registered = EPOLLIN;
		if (event_loop_add(loop, cfd, EPOLLIN, conn_event, c) < 0) {
			conn_close(c);
			continue;
		}
	}
}

/* Go's crypto/tls answers a plaintext HTTP request on a TLS port this way. */
static void answer_plain_http(struct conn *c)
{
	static const char msg[] = "HTTP/1.0 400 Bad Request\r\n\r\n"
				  "Client sent an HTTP request to an HTTPS server.\n";

	if (send(c->fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return;
}

/* Returns false when the connection was closed. */
static bool conn_handshake(struct conn *c)
{
	int rc;

	/* SSL_get_error() reads this thread's error queue: it must hold only
	 * what the call below leaves, never another connection's leftovers. */
	ERR_clear_error();
	rc = SSL_accept(c->ssl);

	if (rc == 1) {
		c->state = CONN_READ_HEAD;
		c->deadline =
		    event_loop_now(c->worker->loop) +
		    (c->worker->shutting_down ? http_timeouts.header : http_timeouts.idle);
		authn_identity_from_tls(c->ssl, &c->identity);
		return true;
	}
	switch (SSL_get_error(c->ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		c->ssl_wants_write = false;
		return true;
	case SSL_ERROR_WANT_WRITE:
		c->ssl_wants_write = true;
		return true;
	default:
		if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_HTTP_REQUEST)
			answer_plain_http(c);
		if (LOG_V(4))
			log_info("TLS handshake error from %s", c->remote);
		ERR_clear_error();
		conn_close(c);
		return false;
	}
}

static void conn_log_io_error(struct conn *c, const char *op, int rc)
{
	int err = SSL_get_error(c->ssl, rc);

	if (LOG_V(4))
		log_info("connection from %s closed on %s: SSL error %d, errno %d, %s", c->remote,
			 op, err, errno, ERR_reason_error_string(ERR_peek_error()));
	ERR_clear_error();
}

/* Writes what is queued. Returns false when the connection was closed. */
static bool conn_flush(struct conn *c)
{
	while (c->out_offset < c->out.len) {
		size_t chunk = c->out.len - c->out_offset;
		int rc;

		ERR_clear_error();
		rc = SSL_write(c->ssl, c->out.data + c->out_offset,
			       chunk > 1 << 20 ? 1 << 20 : (int)chunk);

		if (rc > 0) {
			c->out_offset += (size_t)rc;
			c->last_progress = event_loop_now(c->worker->loop);
			continue;
		}
		switch (SSL_get_error(c->ssl, rc)) {
		case SSL_ERROR_WANT_WRITE:
			c->ssl_wants_write = true;
			return true;
		case SSL_ERROR_WANT_READ:
			return true;
		default:
			conn_log_io_error(c, "write", rc);
			conn_close(c);
			return false;
		}
	}
	c->ssl_wants_write = false;
	if (c->out.cap > 64 * 1024)
		buf_free(&c->out);
	else
		buf_reset(&c->out);
	c->out_offset = 0;
	if (c->close_after_write && !c->req) {
		conn_close(c);
		return false;
	}
	return true;
}

void conn_send(struct conn *c, const void *data, size_t len)
{
	if (c->out_offset == c->out.len)
		c->last_progress = event_loop_now(c->worker->loop);
	buf_append(&c->out, data, len);
	/* Written from the event loop, so that a write error never closes the
	 * connection under a handler that is still using it. */
	if (!c->in_process_input && !(c->registered & EPOLLOUT)) {
		c->registered |= EPOLLOUT;
		event_loop_modify(c->worker->loop, c->fd, c->registered);
	}
}

size_t conn_pending_bytes(const struct conn *c)
{
	return c->out.len - c->out_offset;
}

bool conn_should_close(const struct conn *c)
{
	return c->close_after_write || c->worker->shutting_down;
}

/* Reads what the socket has. Returns false when the connection was closed. */
static bool conn_read(struct conn *c)
{
	for (;;) {
		int rc;

		/* While a request is processed, buffer at most a little of the next. */
		if (c->state == CONN_PROCESSING && c->in.len >= 64 * 1024)
			return true;
		buf_reserve(&c->in, 16 * 1024);
		ERR_clear_error();
		rc = SSL_read(c->ssl, c->in.data + c->in.len, (int)(c->in.cap - c->in.len - 1));
		if (rc > 0) {
			c->in.len += (size_t)rc;
			c->in.data[c->in.len] = '\0';
			continue;
		}
		switch (SSL_get_error(c->ssl, rc)) {
		case SSL_ERROR_WANT_READ:
			/* An idle connection keeps no read buffer. */
			if (c->in.len == 0)
				buf_free(&c->in);
			return true;
		case SSL_ERROR_WANT_WRITE:
			c->ssl_wants_write = true;
			return true;
		default:
			/* EOF or error. A response still queued cannot be delivered. */
			conn_log_io_error(c, "read", rc);
			conn_close(c);
			return false;
		}
	}
}

static void conn_update_events(struct conn *c)
{
	uint32_t want = 0;

	if (!(c->state == CONN_PROCESSING && c->in.len >= 64 * 1024))
		want |= EPOLLIN;
	if (c->ssl_wants_write || c->out_offset < c->out.len)
		want |= EPOLLOUT;
	if (want != c->registered) {
		event_loop_modify(c->worker->loop, c->fd, want);
		c->registered = want;
	}
}

static void conn_event(struct event_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct conn *c = ctx;

	if (c->state == CONN_HANDSHAKE) {
		if (!conn_handshake(c))
			return;
		if (c->state == CONN_HANDSHAKE) {
			conn_update_events(c);
			return;
		}
	}
	if (!conn_flush(c))
		return;
	if (!conn_read(c))
		return;
	conn_process_input(c);
}

/* Answers a request that could not even be framed, as Go's net/http does,
 * and closes the connection. */
static void conn_reject(struct conn *c, int status, const char *message)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
			 "Connection: close\r\n\r\n%d %s",
			 status, http_status_text(status), status, message);

	if (LOG_V(2))
		log_info("rejecting request from %s: %d %s", c->remote, status, message);
	metrics_count_rejected(status);
	conn_send(c, head, (size_t)n);
	c->close_after_write = true;
	buf_reset(&c->in);
}

static void copy_identity(struct request *req, const struct user_info *id)
{
	req->user = *id;
	req->user.name = arena_strdup(&req->arena, id->name);
	req->user.groups = arena_alloc(&req->arena, (id->num_groups + 1) * sizeof(char *));
	for (size_t i = 0; i < id->num_groups; i++)
		req->user.groups[i] = arena_strdup(&req->arena, id->groups[i]);
}

static struct request *request_new(struct conn *c, const struct http_request_head *head)
{
	struct request *req = calloc(1, sizeof(*req));
	struct arena *a;

	if (!req)
		abort();
	a = &req->arena;
	req->conn = c;
	req->worker = c->worker;
	req->start_us = monotonic_us();
	req->method = arena_strndup(a, head->method, head->method_len);
	req->target = arena_strndup(a, head->target, head->target_len);
	req->num_headers = head->num_headers;
	req->headers = arena_alloc(a, (head->num_headers + 1) * sizeof(*req->headers));
	for (size_t i = 0; i < head->num_headers; i++) {
		const struct http_header *h = &head->headers[i];

		req->headers[i].name = arena_strndup(a, h->name, h->name_len);
		req->headers[i].name_len = h->name_len;
		req->headers[i].value = arena_strndup(a, h->value, h->value_len);
		req->headers[i].value_len = h->value_len;
	}
	req->keep_alive = head->keep_alive;
	req->head_only = strcmp(req->method, "HEAD") == 0;
	req->remote_addr = arena_strdup(a, c->remote);
	copy_identity(req, &c->identity);
	return req;
}

static void request_free(struct request *req)
{
	buf_free(&req->body);
	buf_free(&req->extra_headers);
	arena_free(&req->arena);
	free(req);
}

/* Head parsed: set up the body reading. Returns false if rejected. */
static bool conn_start_request(struct conn *c)
{
	struct http_request_head *head = malloc(sizeof(*head));
	enum http_parse_result rc;

	if (!head)
		abort();
	/* A large head is parsed only once its blank line is there, so one that
	 * dribbles in over many reads costs one pass, not one per read; a small
	 * one is parsed at each read so that garbage is refused at once. */
	if (c->in.len > 16 * 1024 && c->in.len <= HTTP_MAX_HEAD_BYTES) {
		size_t from = c->head_scanned > 3 ? c->head_scanned - 3 : 0;

		if (!memmem(c->in.data + from, c->in.len - from, "\r\n\r\n", 4)) {
			c->head_scanned = c->in.len;
			free(head);
			return false;
		}
	}
	c->head_scanned = 0;
	rc = http_parse_head(c->in.data, c->in.len, HTTP_MAX_HEAD_BYTES, HTTP_MAX_BODY_BYTES, head);
	if (rc == HTTP_PARSE_INCOMPLETE) {
		free(head);
		return false;
	}
	if (rc == HTTP_PARSE_ERROR) {
		if (head->error_status == 413) {
			/* kube-apiserver's own limit: answered as a Status. */
			struct request *req = request_new(c, head);

			free(head);
			req->keep_alive = false;
			c->req = req;
			c->state = CONN_PROCESSING;
			buf_reset(&c->in);
			c->close_after_write = true;
			response_send_status(req, 413, "RequestEntityTooLarge",
					     "Request entity too large: limit is 3145728");
			return false;
		}
		conn_reject(c, head->error_status, head->error_message);
		free(head);
		return false;
	}
	c->req = request_new(c, head);
	c->chunked = head->chunked;
	c->body_remaining =
	    head->chunked ? 0 : (head->content_length > 0 ? head->content_length : 0);
	memset(&c->chunked_decoder, 0, sizeof(c->chunked_decoder));
	buf_consume(&c->in, head->head_len);
	if (head->expect_continue && (c->chunked || c->body_remaining > 0) && c->in.len == 0) {
		static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";

		conn_send(c, cont, sizeof(cont) - 1);
	}
	free(head);
	c->state = CONN_READ_BODY;
	c->deadline = event_loop_now(c->worker->loop) + http_timeouts.body;
	return true;
}

/* Moves body bytes from the input into the request. True when complete. */
static bool conn_read_body(struct conn *c)
{
	struct request *req = c->req;

	if (c->chunked) {
		int status = 400;
		ssize_t used = http_chunked_decode(&c->chunked_decoder, c->in.data, c->in.len,
						   &req->body, HTTP_MAX_BODY_BYTES, &status);

		if (used < 0) {
			c->req = NULL;
			request_free(req);
			if (status == 413) {
				conn_reject(c, 413, "Request Entity Too Large");
			} else {
				conn_reject(c, 400, "Bad Request: malformed chunked encoding");
			}
			return false;
		}
		buf_consume(&c->in, (size_t)used);
		return c->chunked_decoder.done;
	}
	if (c->body_remaining > 0) {
		size_t take =
		    c->in.len < (size_t)c->body_remaining ? c->in.len : (size_t)c->body_remaining;

		buf_append(&req->body, c->in.data, take);
		buf_consume(&c->in, take);
		c->body_remaining -= (int64_t)take;
	}
	return c->body_remaining == 0;
}

static void conn_process_input(struct conn *c)
{
	if (c->in_process_input)
		return;
	c->in_process_input = true;
	for (;;) {
		if (c->state == CONN_READ_HEAD) {
			if (c->in.len == 0 || c->close_after_write)
				break;
			if (!conn_start_request(c)) {
				if (c->state == CONN_READ_HEAD && !c->close_after_write &&
				    c->deadline >
					event_loop_now(c->worker->loop) + http_timeouts.header)
					c->deadline =
					    event_loop_now(c->worker->loop) + http_timeouts.header;
				break;
			}
		}
		if (c->state == CONN_READ_BODY) {
			if (!conn_read_body(c))
				break;
			c->state = CONN_PROCESSING;
			c->deadline = 0;
			if (!c->req->keep_alive || c->worker->shutting_down)
				c->close_after_write = true;
			dispatch(c->req);
			/* If it answered synchronously the state is READ_HEAD again. */
		}
		if (c->state == CONN_PROCESSING)
			break;
	}
	c->in_process_input = false;
	if (!c->in.len && c->in.cap > 64 * 1024)
		buf_free(&c->in);
	if (conn_flush(c))
		conn_update_events(c);
}

void conn_request_done(struct request *req)
{
	struct conn *c = req->conn;

	metrics_observe_request(req);
	if (LOG_V(2))
		log_info("\"HTTP\" verb=\"%s\" URI=\"%s\" latency=\"%.3fms\" userAgent=\"%s\" "
			 "user=\"%s\" srcIP=\"%s\" resp=%d",
			 req->method, req->target,
			 (double)(monotonic_us() - req->start_us) / 1000.0,
			 request_header(req, "User-Agent") ? request_header(req, "User-Agent") : "",
			 req->user.name, req->remote_addr, req->status);
	if (!c) {
		request_free(req);
		return;
	}
	c->req = NULL;
	request_free(req);
	c->state = CONN_READ_HEAD;
	c->deadline = event_loop_now(c->worker->loop) + http_timeouts.idle;
	if (c->in_process_input)
		return; /* the caller's loop goes on with the next request */
	conn_process_input(c);
}

static void conn_close(struct conn *c)
{
	struct worker *w = c->worker;

	if (c->req) {
		struct request *req = c->req;

		c->req = NULL;
		req->conn = NULL;
		if (c->state == CONN_PROCESSING && !req->done) {
			req->gone = true;
			if (req->on_gone)
				req->on_gone(req);
		} else {
			request_free(req);
		}
	}
	event_loop_remove(w->loop, c->fd);
	if (c->state != CONN_HANDSHAKE) {
		SSL_shutdown(c->ssl);
		ERR_clear_error();
	}
	SSL_free(c->ssl);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	w->num_conns--;
	buf_free(&c->in);
	buf_free(&c->out);
	authn_identity_free(&c->identity);
	free(c);
}

/* Idle: close, after taking in what the client may already have sent.
 * Mid-handshake or mid-request: the request is served (dispatch marks it
 * the last, with Connection: close). Processing: close once its answer is
 * out. */
static void conn_shutdown(struct conn *c)
{
	if (c->state == CONN_PROCESSING) {
		c->close_after_write = true;
		return;
	}
	if (c->state != CONN_READ_HEAD || c->in.len || c->out_offset != c->out.len)
		return;
	if (!conn_read(c))
		return;
	if (c->in.len == 0)
		conn_close(c);
	else
		conn_process_input(c);
}

void conn_begin_shutdown(struct worker *w)
{
	struct conn *c = w->conns;

	while (c) {
		struct conn *next = c->next;

		conn_shutdown(c);
		c = next;
	}
}

void conn_close_all(struct worker *w)
{
	while (w->conns)
		conn_close(w->conns);
}

void conn_sweep(struct worker *w)
{
	int64_t now = event_loop_now(w->loop);
	struct conn *c = w->conns;

	while (c) {
		struct conn *next = c->next;
		bool stalled_output =
		    c->out_offset < c->out.len && now - c->last_progress > http_timeouts.write;

		if ((c->deadline && now > c->deadline) || stalled_output) {
			if (LOG_V(4))
				log_info("closing connection from %s: timeout", c->remote);
			conn_close(c);
		}
		c = next;
	}
}
