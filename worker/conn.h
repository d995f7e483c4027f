/*
 * conn.h - one client connection: TLS, HTTP/1.1 framing, timeouts.
 *
 * conn.c reads bytes through OpenSSL, parses requests (http_parse.c),
 * builds a struct request and calls dispatch(); response.c writes the
 * answer back through conn_send() and ends the request with
 * conn_request_done(). Connections never block: a slow or hostile client
 * only ever costs its own buffers, bounded by the limits below.
 */
#ifndef PGKUBE_CONN_H
#define PGKUBE_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "worker/request.h"
#include "worker/worker.h"

#define HTTP_MAX_HEAD_BYTES (1u << 20) /* 1 MiB, Go's DefaultMaxHeaderBytes */
#define HTTP_MAX_BODY_BYTES (3u << 20) /* 3 MiB, kube-apiserver's request body limit */

void conn_accept_handler(struct event_loop *loop, int fd, uint32_t events, void *ctx);
/* Closes idle connections and marks the rest to close after their request. */
void conn_begin_shutdown(struct worker *w);
void conn_close_all(struct worker *w);
/* Enforces timeouts; called once a second. */
void conn_sweep(struct worker *w);

void conn_send(struct conn *c, const void *data, size_t len);
size_t conn_pending_bytes(const struct conn *c);
bool conn_should_close(const struct conn *c);
/* The response of c's current request is complete (or the client is gone). */
void conn_request_done(struct request *req);

#endif
