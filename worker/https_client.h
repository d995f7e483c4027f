/*
 * https_client.h - POSTing JSON to a webhook over HTTPS from the worker's
 * event loop, never blocking it.
 *
 * One client per target (a webhook's kubeconfig: server URL, CA, client
 * certificate, bearer token). Calls run on non-blocking sockets and
 * OpenSSL, HTTP/1.1 with keep-alive: a connection that answered is kept
 * for the next call to the same target. Each call has an absolute
 * deadline covering connect, handshake, request and the whole answer, as
 * Go's http.Client.Timeout does (upstream webhooks: 30 s).
 *
 * https_client_post_webhook() adds what upstream's generic webhook
 * (k8s.io/apiserver/pkg/util/webhook) does around one call: retries with
 * exponential backoff (500 ms, factor 1.5, jitter 0.2, 5 attempts) when
 * the failure is a reset connection, or a 500, 504 or 429 answer, or any
 * answer with Retry-After.
 */
#ifndef PGKUBE_HTTPS_CLIENT_H
#define PGKUBE_HTTPS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/webhook_config.h"
#include "worker/event_loop.h"

#define HTTPS_WEBHOOK_TIMEOUT_MS 30000

struct https_client;

struct https_response {
	int status;	   /* the HTTP status; 0 when there was no answer */
	const char *error; /* no answer: why, as Go's client words it; else NULL */
	const char *body;  /* NUL-terminated */
	size_t body_len;
	bool retry_after; /* the answer carried Retry-After */
	bool reset;	  /* no answer: the connection was reset */
};

/* Called exactly once per call, always from the event loop (never from
 * within the call that started it). */
typedef void (*https_done_fn)(void *ctx, const struct https_response *res);

/* NULL with a message in err when the TLS material does not load. */
struct https_client *https_client_new(struct event_loop *loop, const struct webhook_config *target,
				      char *err, size_t err_len);
/* Whether the target's TLS material loads (the master checks at start); -1 with err. */
int https_client_check(const struct webhook_config *target, char *err, size_t err_len);
/* Fails calls in flight (their callbacks run now) and closes connections. */
void https_client_free(struct https_client *cl);

/* POSTs body (application/json) to the target's path. */
void https_client_post(struct https_client *cl, const char *body, size_t len, int64_t timeout_ms,
		       https_done_fn fn, void *ctx);

/* The same with upstream's webhook retries (see above); body is copied. */
void https_client_post_webhook(struct https_client *cl, const char *body, size_t len,
			       https_done_fn fn, void *ctx);

/* GETs path (with its query) from the target's host, without a client timeout in the URL. */
void https_client_get(struct https_client *cl, const char *path, int64_t timeout_ms,
		      https_done_fn fn, void *ctx);

/* The URL calls go to, as Go prints it in errors ("https://h:p/path?timeout=30s"). */
const char *https_client_url(const struct https_client *cl);

#endif
