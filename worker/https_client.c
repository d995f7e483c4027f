/*
 * https_client.c - webhook calls over HTTPS from the event loop; see
 * https_client.h.
 *
 * A call takes an idle connection of its client or opens one: a
 * non-blocking connect, then SSL_connect, then the request is written and
 * the answer read until its Content-Length, its last chunk, or the
 * server's close. A connection is kept idle afterwards unless either side
 * said "Connection: close"; an idle connection that becomes readable was
 * closed by the server and is dropped. A call on a reused connection that
 * fails before any byte of answer is tried once more on a fresh one (the
 * server may have closed it meanwhile), as Go's transport does.
 *
 * The target's address is resolved once, when the client is made (at
 * worker start), so that no call ever waits for DNS.
 */
#include "https_client.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/config.h"
#include "shared/log.h"
#include "shared/xalloc.h"

#define MAX_ANSWER_BYTES (16 << 20)
#define MAX_IDLE	 4
#define RETRY_STEPS	 5
#define RETRY_FIRST_MS	 500

enum https_state { ST_CONNECTING, ST_HANDSHAKE, ST_WRITING, ST_READING, ST_IDLE };

struct https_conn {
	struct https_client *cl;
	int fd;
	SSL *ssl;
	enum https_state state;
	struct https_call *call;
	struct https_conn *next; /* in the client's idle list */
};

struct https_call {
	struct https_client *cl;
	struct https_conn *conn;
	struct buf request;
	size_t written;
	struct buf answer;
	bool reused;   /* on a connection an earlier call used */
	char *get_url; /* a GET's URL for its errors; NULL: a POST to the client's URL */
	uint64_t timer;
	int64_t deadline;
	https_done_fn fn;
	void *ctx;
	struct https_call *next; /* in the client's list of calls in flight */
};

struct https_client {
	struct event_loop *loop;
	SSL_CTX *ssl_ctx;
	struct sockaddr_storage addr;
	socklen_t addr_len;
	char *host_port; /* as Go prints the dial target */
	char *url;
	char *request_head; /* everything of the request but Content-Length and the body */
	char *host;	    /* the Host header's value */
	const char *verify_name;
	bool verify_ip;
	bool send_sni;
	struct https_conn *idle;
	size_t num_idle;
	struct https_call *calls;
};

static void conn_event(struct event_loop *loop, int fd, uint32_t events, void *ctx);
static void call_start(struct https_call *call, bool fresh);

/* ---- the client ---- */

/* "dial tcp H:P: connect: connection refused": Go's errno texts are lowercase. */
static void dial_error(struct buf *out, const char *host_port, int err)
{
	size_t at;

	buf_printf(out, "dial tcp %s: connect: ", host_port);
	at = out->len;
	buf_append_str(out, strerror(err));
	if (out->data[at] >= 'A' && out->data[at] <= 'Z')
		out->data[at] = (char)(out->data[at] - 'A' + 'a');
}

static int load_pem_roots(SSL_CTX *ctx, const char *pem, char *err, size_t err_len)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	X509 *cert;
	int n = 0;

	while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		X509_STORE_add_cert(store, cert);
		X509_free(cert);
		n++;
	}
	BIO_free(bio);
	ERR_clear_error();
	if (!n) {
		snprintf(err, err_len,
			 "unable to load root certificates: unable to parse bytes as PEM block");
		return -1;
	}
	return 0;
}

static int load_client_cert(SSL_CTX *ctx, const struct webhook_config *t, char *err, size_t err_len)
{
	BIO *bio = BIO_new_mem_buf(t->client_cert_pem, -1);
	X509 *cert = PEM_read_bio_X509(bio, NULL, NULL, NULL), *extra;
	EVP_PKEY *key;
	int ok = cert && SSL_CTX_use_certificate(ctx, cert) == 1;

	while (ok && (extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		SSL_CTX_add_extra_chain_cert(ctx, extra);
	X509_free(cert);
	BIO_free(bio);
	bio = BIO_new_mem_buf(t->client_key_pem, -1);
	key = ok ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	ok = key && SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
	EVP_PKEY_free(key);
	BIO_free(bio);
	ERR_clear_error();
	if (!ok)
		snprintf(err, err_len,
			 "tls: failed to find any PEM data in certificate input, or the "
			 "private key does not match the certificate");
	return ok ? 0 : -1;
}

static bool is_ip_literal(const char *host)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}

/* The TLS client context for a target; NULL with err set when its material does not load. */
static SSL_CTX *client_tls_context(const struct webhook_config *t, char *err, size_t err_len)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (!t->insecure_skip_tls_verify) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		if (t->ca_pem ? load_pem_roots(ctx, t->ca_pem, err, err_len) < 0
			      : SSL_CTX_set_default_verify_paths(ctx) != 1) {
			SSL_CTX_free(ctx);
			return NULL;
		}
	}
	if (t->client_cert_pem && load_client_cert(ctx, t, err, err_len) < 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int https_client_check(const struct webhook_config *t, char *err, size_t err_len)
{
	SSL_CTX *ctx = client_tls_context(t, err, err_len);

	SSL_CTX_free(ctx);
	return ctx ? 0 : -1;
}

struct https_client *https_client_new(struct event_loop *loop, const struct webhook_config *t,
				      char *err, size_t err_len)
{
	struct https_client *cl = xcalloc(1, sizeof(*cl));
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	struct buf b = {0};
	bool ipv6 = strchr(t->host, ':') != NULL;
	bool explicit_port = strcmp(t->port, "443") != 0;
	int rc;

	cl->loop = loop;
	cl->ssl_ctx = client_tls_context(t, err, err_len);
	if (!cl->ssl_ctx)
		goto fail;
	rc = getaddrinfo(t->host, t->port, &hints, &res);
	if (rc != 0 || !res) {
		snprintf(err, err_len, "dial tcp: lookup %s: %s", t->host, gai_strerror(rc));
		goto fail;
	}
	memcpy(&cl->addr, res->ai_addr, res->ai_addrlen);
	cl->addr_len = res->ai_addrlen;
	freeaddrinfo(res);
	cl->verify_name = t->tls_server_name ? t->tls_server_name : t->host;
	cl->verify_ip = is_ip_literal(cl->verify_name);
	cl->send_sni = !cl->verify_ip;
	buf_printf(&b, ipv6 ? "[%s]:%s" : "%s:%s", t->host, t->port);
	cl->host_port = xstrdup(b.data);
	buf_reset(&b);
	/* client-go adds the client's timeout to the query (?timeout=30s). */
	buf_printf(&b, "%s%stimeout=30s", t->server, strchr(t->server, '?') ? "&" : "?");
	cl->url = xstrdup(b.data);
	buf_reset(&b);
	buf_printf(&b,
		   "POST %s%stimeout=30s HTTP/1.1\r\n"
		   "Host: %s%s%s%s\r\n"
		   "User-Agent: kube-apiserver/" PGKUBE_GIT_VERSION " (linux/amd64) kubernetes\r\n"
		   "Accept: application/json, */*\r\n"
		   "Content-Type: application/json\r\n",
		   t->path, strchr(t->path, '?') ? "&" : "?", ipv6 ? "[" : "", t->host,
		   ipv6 ? "]" : "", explicit_port ? strrchr(cl->host_port, ':') : "");
	if (t->token)
		buf_printf(&b, "Authorization: Bearer %s\r\n", t->token);
	cl->request_head = xstrdup(b.data);
	buf_reset(&b);
	buf_printf(&b, "%s%s%s%s", ipv6 ? "[" : "", t->host, ipv6 ? "]" : "",
		   explicit_port ? strrchr(cl->host_port, ':') : "");
	cl->host = xstrdup(b.data);
	buf_free(&b);
	return cl;
fail:
	buf_free(&b);
	SSL_CTX_free(cl->ssl_ctx);
	free(cl);
	return NULL;
}

const char *https_client_url(const struct https_client *cl)
{
	return cl->url;
}

static void conn_close(struct https_conn *c)
{
	event_loop_remove(c->cl->loop, c->fd);
	SSL_free(c->ssl);
	close(c->fd);
	free(c);
}

void https_client_free(struct https_client *cl)
{
	struct https_response res = {.error = "the client is shutting down"};

	if (!cl)
		return;
	while (cl->calls) {
		struct https_call *call = cl->calls;

		cl->calls = call->next;
		if (call->conn)
			conn_close(call->conn);
		event_loop_cancel(cl->loop, call->timer);
		call->fn(call->ctx, &res);
		buf_free(&call->request);
		free(call->get_url);
		buf_free(&call->answer);
		free(call);
	}
	while (cl->idle) {
		struct https_conn *c = cl->idle;

		cl->idle = c->next;
		conn_close(c);
	}
	SSL_CTX_free(cl->ssl_ctx);
	free(cl->host_port);
	free(cl->url);
	free(cl->request_head);
	free(cl->host);
	free(cl);
}

/* ---- one call ---- */

static void call_unlink(struct https_call *call)
{
	for (struct https_call **p = &call->cl->calls; *p; p = &(*p)->next)
		if (*p == call) {
			*p = call->next;
			return;
		}
}

/* The call's end: its callback, then its memory. */
static void call_finish(struct https_call *call, const struct https_response *res)
{
	call_unlink(call);
	event_loop_cancel(call->cl->loop, call->timer);
	call->fn(call->ctx, res);
	buf_free(&call->request);
	free(call->get_url);
	buf_free(&call->answer);
	free(call);
}

static void call_fail(struct https_call *call, bool reset, const char *fmt, const char *detail)
{
	struct https_response res = {.reset = reset};
	struct buf msg = {0};

	if (call->conn) {
		conn_close(call->conn);
		call->conn = NULL;
	}
	if (call->get_url)
		buf_printf(&msg, "Get \"%s\": ", call->get_url);
	else
		buf_printf(&msg, "Post \"%s\": ", call->cl->url);
	buf_printf(&msg, fmt, detail);
	res.error = msg.data;
	call_finish(call, &res);
	buf_free(&msg);
}

/* The connection failed before any answer: a reused one gets one more try. */
static void call_io_failed(struct https_call *call, bool reset, const char *fmt, const char *detail)
{
	if (call->reused && !call->answer.len) {
		conn_close(call->conn);
		call->conn = NULL;
		call->written = 0;
		call->reused = false;
		call_start(call, true);
		return;
	}
	call_fail(call, reset, fmt, detail);
}

static void call_timeout(struct event_loop *loop, void *ctx)
{
	struct https_call *call = ctx;

	(void)loop;
	call->timer = 0;
	call_fail(call, false, "%s",
		  "context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
}

/* Where an idle connection waits: readable means the server closed it. */
static void conn_make_idle(struct https_conn *c)
{
	struct https_client *cl = c->cl;

	c->call = NULL;
	if (cl->num_idle >= MAX_IDLE) {
		conn_close(c);
		return;
	}
	c->state = ST_IDLE;
	c->next = cl->idle;
	cl->idle = c;
	cl->num_idle++;
	event_loop_modify(cl->loop, c->fd, EPOLLIN);
}

static void idle_unlink(struct https_conn *c)
{
	for (struct https_conn **p = &c->cl->idle; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			c->cl->num_idle--;
			return;
		}
}

/* ---- the answer ---- */

static const char *header_end(const struct buf *b)
{
	for (size_t i = 3; i < b->len; i++)
		if (memcmp(b->data + i - 3, "\r\n\r\n", 4) == 0)
			return b->data + i + 1;
	return NULL;
}

/* The value of header name in head (up to end), or NULL. */
static const char *find_header(const char *head, const char *end, const char *name, size_t *len)
{
	size_t n = strlen(name);

	for (const char *line = strstr(head, "\r\n"); line && line + 2 < end;
	     line = strstr(line + 2, "\r\n")) {
		const char *p = line + 2, *eol = strstr(p, "\r\n");

		if (!eol || eol == p)
			return NULL;
		if ((size_t)(eol - p) > n && p[n] == ':' && strncasecmp(p, name, n) == 0) {
			p += n + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			*len = (size_t)(eol - p);
			while (*len && (p[*len - 1] == ' ' || p[*len - 1] == '\t'))
				(*len)--;
			return p;
		}
	}
	return NULL;
}

/* A chunked body: 1 complete (decoded into out), 0 more needed, -1 malformed. */
static int dechunk(const char *p, size_t n, struct buf *out)
{
	size_t i = 0;

	buf_reset(out);
	for (;;) {
		size_t size = 0, start = i;
		const char *eol;

		while (i < n && ((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f') ||
				 (p[i] >= 'A' && p[i] <= 'F'))) {
			int d = p[i] <= '9' ? p[i] - '0' : (p[i] | 0x20) - 'a' + 10;

			if (size > MAX_ANSWER_BYTES)
				return -1;
			size = size * 16 + (size_t)d;
			i++;
		}
		eol = memmem(p + i, n - i, "\r\n", 2);
		if (!eol)
			return 0;
		if (i == start)
			return -1;
		i = (size_t)(eol - p) + 2;
		if (size == 0) {
			/* trailers, then an empty line */
			for (;;) {
				eol = memmem(p + i, n - i, "\r\n", 2);
				if (!eol)
					return 0;
				if (eol == p + i)
					return 1;
				i = (size_t)(eol - p) + 2;
			}
		}
		if (n - i < size + 2)
			return 0;
		buf_append(out, p + i, size);
		i += size + 2;
	}
}

/* Whether the answer is complete; *res filled when it is (body in decoded). */
static int answer_complete(struct https_call *call, bool eof, struct https_response *res,
			   struct buf *decoded, bool *keep)
{
	const struct buf *a = &call->answer;
	const char *end = header_end(a), *v;
	size_t head_len, body_len, vlen;
	int rc;

	if (!end)
		return eof ? -1 : 0;
	head_len = (size_t)(end - a->data);
	body_len = a->len - head_len;
	if (a->len < 12 || strncmp(a->data, "HTTP/1.", 7) != 0 || a->data[8] != ' ')
		return -1;
	res->status = atoi(a->data + 9);
	if (res->status < 100 || res->status > 999)
		return -1;
	*keep = !eof;
	if ((v = find_header(a->data, end, "Connection", &vlen)) && vlen == 5 &&
	    strncasecmp(v, "close", 5) == 0)
		*keep = false;
	if (strncmp(a->data, "HTTP/1.0", 8) == 0)
		*keep = false;
	res->retry_after = find_header(a->data, end, "Retry-After", &vlen) != NULL;
	if ((v = find_header(a->data, end, "Transfer-Encoding", &vlen)) && vlen == 7 &&
	    strncasecmp(v, "chunked", 7) == 0) {
		rc = dechunk(end, body_len, decoded);
		if (rc == 0 && eof)
			return -1;
		return rc;
	}
	if ((v = find_header(a->data, end, "Content-Length", &vlen))) {
		size_t want = strtoull(v, NULL, 10);

		if (body_len < want)
			return eof ? -1 : 0;
		buf_reset(decoded);
		buf_append(decoded, end, want);
		return 1;
	}
	if (res->status == 204 || res->status == 304) {
		buf_reset(decoded);
		return 1;
	}
	/* Neither: the body ends with the connection. */
	*keep = false;
	if (!eof)
		return 0;
	buf_reset(decoded);
	buf_append(decoded, end, body_len);
	return 1;
}

static void call_try_finish(struct https_call *call, bool eof)
{
	struct https_response res = {0};
	struct buf decoded = {0};
	bool keep = false;
	int rc = answer_complete(call, eof, &res, &decoded, &keep);
	struct https_conn *c = call->conn;

	if (rc == 0)
		return;
	if (rc < 0) {
		buf_free(&decoded);
		if (eof && !call->answer.len) {
			call_io_failed(call, false, "%s", "EOF");
			return;
		}
		call_fail(call, false, "%s", "malformed HTTP response");
		return;
	}
	buf_append(&decoded, "", 1);
	res.body = decoded.data;
	res.body_len = decoded.len - 1;
	call->conn = NULL;
	if (keep)
		conn_make_idle(c);
	else
		conn_close(c);
	call_finish(call, &res);
	buf_free(&decoded);
}

/* ---- the connection's I/O ---- */

static const char *ssl_error_text(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *s = e ? ERR_reason_error_string(e) : NULL;

	return s ? s : "connection failed";
}

/* Go's x509 wording for the common failures, OpenSSL's for the rest. */
static const char *verify_error_text(long rc)
{
	switch (rc) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		return "x509: certificate signed by unknown authority";
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return "x509: certificate has expired or is not yet valid";
	default:
		return X509_verify_cert_error_string(rc);
	}
}

static void conn_want(struct https_conn *c, int ssl_err)
{
	event_loop_modify(c->cl->loop, c->fd, ssl_err == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
}

static void conn_progress(struct https_conn *c)
{
	struct https_call *call = c->call;
	char chunk[16384];
	int rc, e;

	if (c->state == ST_CONNECTING) {
		int so_error = 0;
		socklen_t len = sizeof(so_error);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
		if (so_error) {
			struct buf d = {0};

			dial_error(&d, c->cl->host_port, so_error);
			call_fail(call, so_error == ECONNRESET, "%s", d.data);
			buf_free(&d);
			return;
		}
		c->state = ST_HANDSHAKE;
	}
	if (c->state == ST_HANDSHAKE) {
		ERR_clear_error();
		rc = SSL_connect(c->ssl);
		if (rc != 1) {
			e = SSL_get_error(c->ssl, rc);
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
				conn_want(c, e);
				return;
			}
			if (SSL_get_verify_result(c->ssl) != X509_V_OK) {
				call_fail(call, false, "tls: failed to verify certificate: %s",
					  verify_error_text(SSL_get_verify_result(c->ssl)));
				return;
			}
			call_fail(call, e == SSL_ERROR_SYSCALL && errno == ECONNRESET,
				  "remote error: tls: %s", ssl_error_text());
			return;
		}
		c->state = ST_WRITING;
	}
	if (c->state == ST_WRITING) {
		while (call->written < call->request.len) {
			ERR_clear_error();
			rc = SSL_write(c->ssl, call->request.data + call->written,
				       (int)(call->request.len - call->written));
			if (rc <= 0) {
				e = SSL_get_error(c->ssl, rc);
				if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
					conn_want(c, e);
					return;
				}
				call_io_failed(call, true, "%s", "write: connection reset by peer");
				return;
			}
			call->written += (size_t)rc;
		}
		c->state = ST_READING;
	}
	for (;;) {
		ERR_clear_error();
		rc = SSL_read(c->ssl, chunk, sizeof(chunk));
		if (rc > 0) {
			buf_append(&call->answer, chunk, (size_t)rc);
			if (call->answer.len > MAX_ANSWER_BYTES) {
				call_fail(call, false, "%s", "the response is too large");
				return;
			}
			continue;
		}
		e = SSL_get_error(c->ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			conn_want(c, e);
			call_try_finish(call, false);
			return;
		}
		if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0)) {
			call_try_finish(call, true);
			return;
		}
		if (!call->answer.len) {
			call_io_failed(call, true, "%s", "read: connection reset by peer");
			return;
		}
		call_try_finish(call, true);
		return;
	}
}

static void conn_event(struct event_loop *loop, int fd, uint32_t events, void *ctx)
{
	struct https_conn *c = ctx;

	(void)loop;
	(void)fd;
	(void)events;
	if (c->state == ST_IDLE) {
		/* The server closed (or wrote to) a connection nobody uses. */
		idle_unlink(c);
		conn_close(c);
		return;
	}
	conn_progress(c);
}

static struct https_conn *conn_open(struct https_client *cl, struct https_call *call)
{
	struct https_conn *c;
	int fd = socket(cl->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return NULL;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&cl->addr, cl->addr_len) < 0 && errno != EINPROGRESS) {
		int saved = errno;

		close(fd);
		errno = saved;
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->cl = cl;
	c->fd = fd;
	c->call = call;
	c->state = ST_CONNECTING;
	c->ssl = SSL_new(cl->ssl_ctx);
	SSL_set_fd(c->ssl, fd);
	if (cl->send_sni)
		SSL_set_tlsext_host_name(c->ssl, cl->verify_name);
	if (cl->verify_ip)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), cl->verify_name);
	else
		SSL_set1_host(c->ssl, cl->verify_name);
	if (event_loop_add(cl->loop, fd, EPOLLOUT, conn_event, c) < 0) {
		SSL_free(c->ssl);
		close(fd);
		free(c);
		return NULL;
	}
	return c;
}

static void call_start(struct https_call *call, bool fresh)
{
	struct https_client *cl = call->cl;

	call_unlink(call);
	call->next = cl->calls;
	cl->calls = call;
	if (!fresh && cl->idle) {
		call->conn = cl->idle;
		idle_unlink(call->conn);
		call->conn->call = call;
		call->conn->state = ST_WRITING;
		call->reused = true;
		conn_progress(call->conn);
		return;
	}
	call->conn = conn_open(cl, call);
	if (!call->conn) {
		struct buf d = {0};

		dial_error(&d, cl->host_port, errno);
		call_fail(call, false, "%s", d.data);
		buf_free(&d);
	}
}

static void call_begin(struct event_loop *loop, void *ctx)
{
	struct https_call *call = ctx;

	(void)loop;
	call->timer =
	    event_loop_timer(call->cl->loop, call->deadline - monotonic_ms(), call_timeout, call);
	call_start(call, false);
}

static void call_queue(struct https_call *call)
{
	struct https_client *cl = call->cl;

	call->next = cl->calls;
	cl->calls = call;
	/* Started from the loop, so that the callback never runs inside this call. */
	call->timer = event_loop_timer(cl->loop, 0, call_begin, call);
}

static struct https_call *call_new(struct https_client *cl, int64_t timeout_ms, https_done_fn fn,
				   void *ctx)
{
	struct https_call *call = xcalloc(1, sizeof(*call));

	call->cl = cl;
	call->fn = fn;
	call->ctx = ctx;
	call->deadline = monotonic_ms() + timeout_ms;
	return call;
}

void https_client_post(struct https_client *cl, const char *body, size_t len, int64_t timeout_ms,
		       https_done_fn fn, void *ctx)
{
	struct https_call *call = call_new(cl, timeout_ms, fn, ctx);

	buf_printf(&call->request, "%sContent-Length: %zu\r\n\r\n", cl->request_head, len);
	buf_append(&call->request, body, len);
	call_queue(call);
}

void https_client_get(struct https_client *cl, const char *path, int64_t timeout_ms,
		      https_done_fn fn, void *ctx)
{
	struct https_call *call = call_new(cl, timeout_ms, fn, ctx);
	struct buf url = {0};

	buf_printf(&call->request,
		   "GET %s HTTP/1.1\r\n"
		   "Host: %s\r\n"
		   "User-Agent: kube-apiserver/" PGKUBE_GIT_VERSION " (linux/amd64) kubernetes\r\n"
		   "Accept: application/json\r\n\r\n",
		   path, cl->host);
	buf_printf(&url, "https://%s%s", cl->host, path);
	call->get_url = xstrdup(url.data);
	buf_free(&url);
	call_queue(call);
}

/* ---- upstream's webhook retries ---- */

struct webhook_call {
	struct https_client *cl;
	char *body;
	size_t len;
	int attempt;
	int64_t delay_ms;
	https_done_fn fn;
	void *ctx;
};

/* DefaultShouldRetry: a reset connection, 500, 504, 429, or Retry-After. */
static bool should_retry(const struct https_response *res)
{
	if (!res->status)
		return res->reset;
	return res->status == 500 || res->status == 504 || res->status == 429 ||
	       (res->retry_after && res->status >= 300);
}

static void webhook_attempt(struct event_loop *loop, void *ctx);

static void webhook_answered(void *ctx, const struct https_response *res)
{
	struct webhook_call *wc = ctx;

	if (should_retry(res) && ++wc->attempt < RETRY_STEPS) {
		/* wait.Backoff: the delay grows by 1.5, each with up to 20% jitter */
		int64_t delay =
		    wc->delay_ms + (int64_t)(wc->delay_ms * 0.2 * (rand() / (RAND_MAX + 1.0)));

		wc->delay_ms = wc->delay_ms * 3 / 2;
		event_loop_timer(wc->cl->loop, delay, webhook_attempt, wc);
		return;
	}
	wc->fn(wc->ctx, res);
	free(wc->body);
	free(wc);
}

static void webhook_attempt(struct event_loop *loop, void *ctx)
{
	struct webhook_call *wc = ctx;

	(void)loop;
	https_client_post(wc->cl, wc->body, wc->len, HTTPS_WEBHOOK_TIMEOUT_MS, webhook_answered,
			  wc);
}

void https_client_post_webhook(struct https_client *cl, const char *body, size_t len,
			       https_done_fn fn, void *ctx)
{
	struct webhook_call *wc = xcalloc(1, sizeof(*wc));

	wc->cl = cl;
	wc->body = xstrndup(body, len);
	wc->len = len;
	wc->delay_ms = RETRY_FIRST_MS;
	wc->fn = fn;
	wc->ctx = ctx;
	https_client_post(cl, wc->body, len, HTTPS_WEBHOOK_TIMEOUT_MS, webhook_answered, wc);
}
