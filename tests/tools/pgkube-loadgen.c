/*
 * pgkube-loadgen - an HTTP/1.1 load generator over TLS or plain TCP.
 *
 * Used by the benchmarks and by the end-to-end test that kills a worker
 * under load, so it must keep going through broken connections and report
 * exactly what it saw.
 *
 * Design: the -c connections are spread over -t threads (default: one per
 * CPU), each running an epoll loop, as wrk does. A connection is a state
 * machine (connecting, TLS handshake, sending, receiving) over a
 * non-blocking socket; it sends one request at a time on a keep-alive
 * connection and parses the response incrementally. One thread per
 * connection was simpler but cost a context switch per request, which on a
 * small machine shared with the server measurably slowed the server down.
 * Each thread keeps its own counters and latency histogram, merged by main
 * after the run, so the request path takes no locks; the only shared write
 * is the atomic counter that numbers requests (for -n and {{n}}).
 *
 * Accounting:
 *   ok          responses with the expected status (--expect, else any 2xx)
 *   status      responses with another status, counted per status
 *   io          requests whose connection broke or whose response was not
 *               valid HTTP; the connection is closed and reopened at once
 *   timeout     requests with no full response after --timeout seconds
 *   connect     failed connection attempts (TCP or TLS handshake); the
 *               connection retries 10 ms later
 *   requests    ok + status + io + timeout; requests still in flight when
 *               the run ends are not counted at all
 *   rps         ok / duration_s (failures are not throughput)
 *   latency_us  from writing the request to reading the last byte of the
 *               response, over every response received (ok or not), in a
 *               log-linear histogram with < 0.4% error from 1 us to 60 s
 *   connections connections established (first ones and reconnects)
 */
#include "shared/hex.h"
#include "tests/tools/latency_histogram.h"
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "shared/buf.h"

#define EXIT_USAGE	   2
#define READ_BUFFER_SIZE   (16 * 1024)
#define RECONNECT_DELAY_NS (10 * 1000 * 1000ull)
#define NS_PER_SECOND	   1000000000ull
#define NO_DEADLINE	   UINT64_MAX
#define TEMPLATE_OPEN	   "{{n"
#define TEMPLATE_OPEN_LEN  (sizeof(TEMPLATE_OPEN) - 1)
#define TEMPLATE_WIDTH_MAX 20 /* digits of UINT64_MAX */
#define STATUS_LIMIT	   600
#define EVENTS_PER_WAIT	   64

struct options {
	int concurrency;
	int threads;		 /* 0: one per CPU */
	double duration_s;	 /* 0: no time limit (only with -n) */
	uint64_t total_requests; /* 0: run for duration_s */
	const char *method;
	struct buf headers; /* "Name: value\r\n" lines from -H */
	bool has_host_header;
	bool has_body;
	struct buf body;
	const char *cacert;
	const char *cert;
	const char *key;
	bool insecure;
	bool json;
	bool body_template;
	int expect_status; /* 0: any 2xx */
	double timeout_s;
	const char *url;
	bool tls;
	char *host; /* without IPv6 brackets */
	char *port;
	char *authority; /* for the Host header */
	char *path;
};

struct stats {
	uint64_t ok;
	uint64_t io_errors;
	uint64_t timeouts;
	uint64_t connect_errors;
	uint64_t connections;
	uint64_t tls_resumed;
	uint64_t status_errors[STATUS_LIMIT];
	struct histogram latency;
};

/* What the tool needs from a response head. */
struct response_head {
	int status;
	int64_t content_length; /* -1 when absent */
	bool chunked;
	bool close; /* the server closes the connection after this response */
};

enum chunk_state {
	CHUNK_SIZE,
	CHUNK_EXTENSION,
	CHUNK_SIZE_LF,
	CHUNK_DATA,
	CHUNK_DATA_CR,
	CHUNK_DATA_LF,
	CHUNK_TRAILER_START,
	CHUNK_TRAILER_LINE,
	CHUNK_TRAILER_LINE_LF,
	CHUNK_FINAL_LF,
	CHUNK_DONE,
};

struct chunk_decoder {
	enum chunk_state state;
	uint64_t remaining;
	int digits;
};

enum conn_state {
	CONN_CLOSED,	 /* waiting for the deadline to (re)connect */
	CONN_CONNECTING, /* TCP connect in progress */
	CONN_HANDSHAKE,	 /* TLS handshake in progress */
	CONN_SENDING,	 /* writing the request */
	CONN_RECEIVING,	 /* reading the response */
	CONN_FINISHED,	 /* all -n requests are taken */
};

/* Where the response parser is. */
enum response_phase {
	PHASE_HEAD,
	PHASE_LENGTH,	/* Content-Length body */
	PHASE_CHUNKED,	/* chunked body */
	PHASE_UNTIL_EOF /* unframed body: ends when the server closes */
};

struct worker;

/* One connection to the server, reopened as often as needed. */
struct conn {
	struct worker *worker;
	enum conn_state state;
	int fd; /* -1 while closed */
	SSL *ssl;
	SSL_SESSION *session; /* for TLS resumption on reconnect */
	uint32_t events;      /* what epoll watches fd for */
	size_t next_address;  /* server address to try first */
	size_t addresses_tried;
	/* CLOSED: when to connect; otherwise when the current step times out. */
	uint64_t deadline;
	uint64_t request_start;
	const struct buf *request;
	size_t request_sent;
	struct buf path, body, request_scratch; /* for --body-template */
	enum response_phase phase;
	struct response_head head;
	uint64_t body_remaining;
	struct chunk_decoder chunks;
	char rbuf[READ_BUFFER_SIZE];
	size_t rpos, rlen; /* unparsed response bytes are rbuf[rpos, rlen) */
};

/* A thread and the connections its epoll loop drives. */
struct worker {
	pthread_t thread;
	int epoll_fd;
	struct conn *conns;
	int conn_count;
	struct stats stats;
};

enum io_status {
	IO_OK,
	IO_WAIT, /* would block: wait for conn->events */
	IO_EOF,
	IO_ERROR,
};

static struct options opt = {
    .concurrency = 1,
    .duration_s = 5,
    .method = "GET",
    .timeout_s = 30,
};
static SSL_CTX *tls_ctx;
static struct addrinfo *server_addresses;
static size_t server_address_count;
static struct buf fixed_request; /* the request when it does not vary */
static uint64_t run_deadline_ns = NO_DEADLINE;
static uint64_t timeout_ns;
static atomic_uint_fast64_t next_request_number;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SECOND + (uint64_t)ts.tv_nsec;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* ---- HTTP response parsing: pure functions over bytes ---- */

static bool header_name_is(const char *name, size_t len, const char *want)
{
	return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

/* Whether a comma-separated header value lists token (case-insensitive). */
static bool header_value_has_token(const char *value, size_t len, const char *token)
{
	size_t token_len = strlen(token);
	const char *end = value + len;

	while (value < end) {
		const char *comma = memchr(value, ',', (size_t)(end - value));
		const char *item_end = comma ? comma : end;

		while (value < item_end && (*value == ' ' || *value == '\t'))
			value++;
		while (item_end > value && (item_end[-1] == ' ' || item_end[-1] == '\t'))
			item_end--;
		if ((size_t)(item_end - value) == token_len &&
		    strncasecmp(value, token, token_len) == 0)
			return true;
		value = comma ? comma + 1 : end;
	}
	return false;
}

static bool parse_content_length(const char *value, size_t len, int64_t *out)
{
	int64_t n = 0;

	if (len == 0 || len > 18)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (value[i] < '0' || value[i] > '9')
			return false;
		n = n * 10 + (value[i] - '0');
	}
	*out = n;
	return true;
}

/*
 * Parses a response head: p[0, len) is the status line and the headers,
 * ending with the empty line. Returns false if it is not HTTP/1.x.
 */
static bool response_head_parse(const char *p, size_t len, struct response_head *h)
{
	const char *end = p + len;
	const char *line;

	if (len < 16 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') ||
	    p[8] != ' ' || p[9] < '1' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' ||
	    p[11] > '9')
		return false;
	h->status = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
	h->content_length = -1;
	h->chunked = false;
	h->close = p[7] == '0';
	line = (const char *)memmem(p, len, "\r\n", 2) + 2;
	while (line < end) {
		const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		const char *colon, *value, *value_end;

		if (eol == line)
			break;
		colon = memchr(line, ':', (size_t)(eol - line));
		if (!colon)
			return false;
		value = colon + 1;
		value_end = eol;
		while (value < value_end && (*value == ' ' || *value == '\t'))
			value++;
		while (value_end > value && (value_end[-1] == ' ' || value_end[-1] == '\t'))
			value_end--;
		size_t name_len = (size_t)(colon - line), value_len = (size_t)(value_end - value);
		if (header_name_is(line, name_len, "content-length")) {
			if (!parse_content_length(value, value_len, &h->content_length))
				return false;
		} else if (header_name_is(line, name_len, "transfer-encoding")) {
			h->chunked = header_value_has_token(value, value_len, "chunked");
		} else if (header_name_is(line, name_len, "connection")) {
			if (header_value_has_token(value, value_len, "close"))
				h->close = true;
			else if (header_value_has_token(value, value_len, "keep-alive"))
				h->close = false;
		}
		line = eol + 2;
	}
	return true;
}

/*
 * Feeds p[0, len) of a chunked body to the decoder, discarding the data.
 * Sets *used to the bytes consumed; returns 1 at the end of the body, 0 if
 * it needs more bytes, -1 if the body is malformed.
 */
static int chunk_decode(struct chunk_decoder *d, const char *p, size_t len, size_t *used)
{
	size_t i = 0;

	while (i < len && d->state != CHUNK_DONE) {
		char c = p[i];

		switch (d->state) {
		case CHUNK_SIZE:
			if (hex_digit_value((unsigned char)c) >= 0 && d->digits < 15) {
				d->remaining =
				    d->remaining * 16 + (uint64_t)hex_digit_value((unsigned char)c);
				d->digits++;
			} else if (d->digits > 0 && (c == ';' || c == ' ' || c == '\t')) {
				d->state = CHUNK_EXTENSION;
			} else if (d->digits > 0 && c == '\r') {
				d->state = CHUNK_SIZE_LF;
			} else {
				return -1;
			}
			i++;
			break;
		case CHUNK_EXTENSION:
			if (c == '\r')
				d->state = CHUNK_SIZE_LF;
			i++;
			break;
		case CHUNK_SIZE_LF:
			if (c != '\n')
				return -1;
			d->state = d->remaining ? CHUNK_DATA : CHUNK_TRAILER_START;
			i++;
			break;
		case CHUNK_DATA: {
			uint64_t take = min_u64(d->remaining, len - i);

			i += (size_t)take;
			d->remaining -= take;
			if (d->remaining == 0)
				d->state = CHUNK_DATA_CR;
			break;
		}
		case CHUNK_DATA_CR:
			if (c != '\r')
				return -1;
			d->state = CHUNK_DATA_LF;
			i++;
			break;
		case CHUNK_DATA_LF:
			if (c != '\n')
				return -1;
			d->state = CHUNK_SIZE;
			d->digits = 0;
			i++;
			break;
		case CHUNK_TRAILER_START:
			d->state = c == '\r' ? CHUNK_FINAL_LF : CHUNK_TRAILER_LINE;
			i++;
			break;
		case CHUNK_TRAILER_LINE:
			if (c == '\r')
				d->state = CHUNK_TRAILER_LINE_LF;
			i++;
			break;
		case CHUNK_TRAILER_LINE_LF:
			if (c != '\n')
				return -1;
			d->state = CHUNK_TRAILER_START;
			i++;
			break;
		case CHUNK_FINAL_LF:
			if (c != '\n')
				return -1;
			d->state = CHUNK_DONE;
			i++;
			break;
		case CHUNK_DONE:
			break;
		}
	}
	*used = i;
	return d->state == CHUNK_DONE;
}

/* ---- connection I/O: non-blocking, the caller waits for conn->events ---- */

static void conn_watch(struct conn *c, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};

	if (c->events != events && epoll_ctl(c->worker->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = events;
}

/* Maps a failed TLS call to IO_WAIT (setting what to wait for) or its final status. */
static enum io_status tls_status(struct conn *c, int result)
{
	switch (SSL_get_error(c->ssl, result)) {
	case SSL_ERROR_WANT_READ:
		conn_watch(c, EPOLLIN);
		return IO_WAIT;
	case SSL_ERROR_WANT_WRITE:
		conn_watch(c, EPOLLOUT);
		return IO_WAIT;
	case SSL_ERROR_ZERO_RETURN:
		return IO_EOF;
	default:
		ERR_clear_error();
		return IO_ERROR;
	}
}

static enum io_status socket_status(struct conn *c, ssize_t result, uint32_t events)
{
	if (result == 0)
		return IO_EOF;
	if (errno == EAGAIN || errno == EINTR) {
		conn_watch(c, events);
		return IO_WAIT;
	}
	return IO_ERROR;
}

/* Reads more response bytes into rbuf after those not yet parsed. */
static enum io_status conn_fill(struct conn *c)
{
	char *dst;
	size_t cap;

	if (c->rpos == c->rlen) {
		c->rpos = c->rlen = 0;
	} else if (c->rlen == sizeof(c->rbuf)) {
		if (c->rpos == 0)
			return IO_ERROR; /* a response head larger than the buffer */
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	dst = c->rbuf + c->rlen;
	cap = sizeof(c->rbuf) - c->rlen;
	if (c->ssl) {
		int r = SSL_read(c->ssl, dst, (int)cap);

		if (r <= 0)
			return tls_status(c, r);
		c->rlen += (size_t)r;
	} else {
		ssize_t r = recv(c->fd, dst, cap, 0);

		if (r <= 0)
			return socket_status(c, r, EPOLLIN);
		c->rlen += (size_t)r;
	}
	return IO_OK;
}

static enum io_status conn_write(struct conn *c)
{
	while (c->request_sent < c->request->len) {
		const char *data = c->request->data + c->request_sent;
		size_t len = c->request->len - c->request_sent;

		if (c->ssl) {
			int r = SSL_write(c->ssl, data, (int)min_u64(len, INT_MAX));

			if (r <= 0) {
				enum io_status s = tls_status(c, r);

				return s == IO_EOF ? IO_ERROR : s;
			}
			c->request_sent += (size_t)r;
		} else {
			ssize_t r = send(c->fd, data, len, MSG_NOSIGNAL);

			if (r < 0)
				return socket_status(c, r, EPOLLOUT);
			c->request_sent += (size_t)r;
		}
	}
	return IO_OK;
}

static void conn_consume(struct conn *c, size_t n)
{
	c->rpos += n;
	if (c->rpos == c->rlen)
		c->rpos = c->rlen = 0;
}

/* Keeps the newest TLS session of a connection for its next reconnect. */
static int tls_session_new(SSL *ssl, SSL_SESSION *session)
{
	struct conn *c = SSL_get_app_data(ssl);

	if (c->session)
		SSL_SESSION_free(c->session);
	c->session = session;
	return 1;
}

/* Closes the connection and schedules the next connect at retry_at. */
static void conn_close(struct conn *c, uint64_t retry_at)
{
	if (c->ssl) {
		/* Marks the session as cleanly ended so that it stays resumable. */
		SSL_set_shutdown(c->ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->rpos = c->rlen = 0;
	c->state = CONN_CLOSED;
	c->deadline = retry_at;
}

/* ---- response parsing over the connection's buffer ---- */

static bool status_has_body(int status)
{
	return status >= 200 && status != 204 && status != 304;
}

/*
 * Parses the buffered response bytes, discarding the body. Returns 1 when
 * the response is complete, 0 when it needs more bytes, -1 when it is not
 * valid HTTP.
 */
static int conn_parse_response(struct conn *c, bool is_head_request)
{
	for (;;) {
		const char *start = c->rbuf + c->rpos, *end;
		size_t buffered = c->rlen - c->rpos, used = 0;
		uint64_t take;
		int r;

		switch (c->phase) {
		case PHASE_HEAD:
			end = memmem(start, buffered, "\r\n\r\n", 4);
			if (!end)
				return 0;
			if (!response_head_parse(start, (size_t)(end - start) + 4, &c->head))
				return -1;
			conn_consume(c, (size_t)(end - start) + 4);
			if (c->head.status < 200 && c->head.status != 101)
				continue; /* an interim 1xx response: the real one follows */
			if (is_head_request || !status_has_body(c->head.status))
				return 1;
			if (c->head.chunked) {
				c->phase = PHASE_CHUNKED;
				c->chunks = (struct chunk_decoder){0};
			} else if (c->head.content_length >= 0) {
				c->phase = PHASE_LENGTH;
				c->body_remaining = (uint64_t)c->head.content_length;
			} else {
				c->phase = PHASE_UNTIL_EOF;
				c->head.close = true;
			}
			continue;
		case PHASE_LENGTH:
			take = min_u64(c->body_remaining, buffered);
			conn_consume(c, (size_t)take);
			c->body_remaining -= take;
			return c->body_remaining == 0;
		case PHASE_CHUNKED:
			r = chunk_decode(&c->chunks, start, buffered, &used);
			conn_consume(c, used);
			return r;
		case PHASE_UNTIL_EOF:
			conn_consume(c, buffered);
			return 0;
		}
	}
}

/*
 * Parses the template mark that text[0, len) starts with ("{{n" is already
 * matched): "{{n}}", or "{{n:WIDTH}}" for the number zero-padded to WIDTH
 * digits (1..20). Returns the mark's length and sets *width (0: unpadded),
 * or returns 0 when this is not a mark, which then stays as it is.
 */
static size_t template_mark_parse(const char *text, size_t len, int *width)
{
	size_t i = TEMPLATE_OPEN_LEN;
	int w = 0;

	if (i < len && text[i] == ':') {
		for (i++; i < len && text[i] >= '0' && text[i] <= '9'; i++) {
			w = w * 10 + (text[i] - '0');
			if (w > TEMPLATE_WIDTH_MAX)
				return 0;
		}
		if (w == 0)
			return 0;
	}
	if (len - i < 2 || text[i] != '}' || text[i + 1] != '}')
		return 0;
	*width = w;
	return i + 2;
}

/*
 * Appends text[0, len) to out with every mark replaced by n. The padded
 * form exists for bodies whose fields must keep their length, such as
 * etcd's base64 keys: decimal digits are base64 characters, so a prefix of
 * whole 4-character groups followed by a multiple of 4 digits is valid
 * base64 for every n (a number wider than WIDTH is printed in full).
 */
static void template_expand(struct buf *out, const char *text, size_t len, uint64_t n)
{
	const char *end = text + len, *mark;

	while ((mark = memmem(text, (size_t)(end - text), TEMPLATE_OPEN, TEMPLATE_OPEN_LEN))) {
		int width;
		size_t mark_len = template_mark_parse(mark, (size_t)(end - mark), &width);

		if (mark_len == 0) {
			buf_append(out, text, (size_t)(mark - text) + TEMPLATE_OPEN_LEN);
			text = mark + TEMPLATE_OPEN_LEN;
			continue;
		}
		buf_append(out, text, (size_t)(mark - text));
		buf_printf(out, "%0*" PRIu64, width, n);
		text = mark + mark_len;
	}
	buf_append(out, text, (size_t)(end - text));
}

static bool method_sends_body(void)
{
	return strcmp(opt.method, "POST") == 0 || strcmp(opt.method, "PUT") == 0 ||
	       strcmp(opt.method, "PATCH") == 0;
}

static void request_build(struct buf *out, const char *path, size_t path_len, const char *body,
			  size_t body_len)
{
	buf_reset(out);
	buf_printf(out, "%s ", opt.method);
	buf_append(out, path, path_len);
	buf_append_str(out, " HTTP/1.1\r\n");
	if (!opt.has_host_header)
		buf_printf(out, "Host: %s\r\n", opt.authority);
	buf_append(out, opt.headers.data, opt.headers.len);
	if (opt.has_body || method_sends_body())
		buf_printf(out, "Content-Length: %zu\r\n", body_len);
	buf_append_str(out, "\r\n");
	buf_append(out, body, body_len);
}

/* The request numbered n: the fixed one, or the template with {{n}} filled in. */
static const struct buf *request_for(struct conn *c, uint64_t n)
{
	if (!opt.body_template)
		return &fixed_request;
	buf_reset(&c->path);
	buf_reset(&c->body);
	template_expand(&c->path, opt.path, strlen(opt.path), n);
	template_expand(&c->body, opt.body.data, opt.body.len, n);
	request_build(&c->request_scratch, c->path.data, c->path.len, c->body.data, c->body.len);
	return &c->request_scratch;
}

/* ---- the connection state machine ---- */

static void conn_try_address(struct conn *c, uint64_t now);

static void conn_connect_failed(struct conn *c, uint64_t now)
{
	c->worker->stats.connect_errors++;
	conn_close(c, now + RECONNECT_DELAY_NS);
}

static void conn_request_failed(struct conn *c, bool timed_out)
{
	if (timed_out)
		c->worker->stats.timeouts++;
	else
		c->worker->stats.io_errors++;
	conn_close(c, 0);
}

static void conn_receive(struct conn *c);

static void conn_send(struct conn *c)
{
	enum io_status s = conn_write(c);

	if (s == IO_WAIT)
		return;
	if (s != IO_OK) {
		conn_request_failed(c, false);
		return;
	}
	c->state = CONN_RECEIVING;
	conn_watch(c, EPOLLIN);
	if (c->rpos < c->rlen || (c->ssl && SSL_has_pending(c->ssl)))
		conn_receive(c);
}

/* Sends the next request, or finishes when -n requests have all been taken. */
static void conn_send_next(struct conn *c)
{
	uint64_t n = atomic_fetch_add(&next_request_number, 1);

	if (opt.total_requests && n >= opt.total_requests) {
		conn_close(c, NO_DEADLINE);
		c->state = CONN_FINISHED;
		return;
	}
	c->request = request_for(c, n);
	c->request_sent = 0;
	c->phase = PHASE_HEAD;
	c->request_start = now_ns();
	c->deadline = c->request_start + timeout_ns;
	c->state = CONN_SENDING;
	conn_send(c);
}

static void conn_response_done(struct conn *c)
{
	struct stats *stats = &c->worker->stats;
	int status = c->head.status;
	bool ok = opt.expect_status ? status == opt.expect_status : status / 100 == 2;

	histogram_record(&stats->latency, now_ns() - c->request_start);
	if (ok)
		stats->ok++;
	else
		stats->status_errors[status]++;
	if (c->head.close)
		conn_close(c, 0);
	else
		conn_send_next(c);
}

static void conn_receive(struct conn *c)
{
	bool is_head_request = strcmp(opt.method, "HEAD") == 0;

	for (;;) {
		int parsed = conn_parse_response(c, is_head_request);
		enum io_status s;

		if (parsed != 0) {
			if (parsed > 0)
				conn_response_done(c);
			else
				conn_request_failed(c, false);
			return;
		}
		s = conn_fill(c);
		if (s == IO_WAIT)
			return;
		if (s == IO_EOF && c->phase == PHASE_UNTIL_EOF) {
			conn_response_done(c);
			return;
		}
		if (s != IO_OK) {
			conn_request_failed(c, false);
			return;
		}
	}
}

static void conn_handshake(struct conn *c)
{
	int r = SSL_connect(c->ssl);

	if (r != 1) {
		if (tls_status(c, r) != IO_WAIT)
			conn_connect_failed(c, now_ns());
		return;
	}
	c->worker->stats.connections++;
	if (SSL_session_reused(c->ssl))
		c->worker->stats.tls_resumed++;
	conn_send_next(c);
}

static void conn_start_tls(struct conn *c)
{
	unsigned char ip[sizeof(struct in6_addr)];
	bool host_is_ip =
	    inet_pton(AF_INET, opt.host, ip) == 1 || inet_pton(AF_INET6, opt.host, ip) == 1;

	c->ssl = SSL_new(tls_ctx);
	if (!c->ssl) {
		conn_connect_failed(c, now_ns());
		return;
	}
	SSL_set_fd(c->ssl, c->fd);
	SSL_set_app_data(c->ssl, c);
	if (host_is_ip) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), opt.host);
	} else {
		SSL_set_tlsext_host_name(c->ssl, opt.host);
		SSL_set1_host(c->ssl, opt.host);
	}
	if (c->session && SSL_SESSION_is_resumable(c->session))
		SSL_set_session(c->ssl, c->session);
	c->state = CONN_HANDSHAKE;
	conn_handshake(c);
}

/* The socket became writable while connecting: connected, or failed. */
static void conn_connected(struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
		conn_close(c, 0);
		c->next_address = (c->next_address + 1) % server_address_count;
		c->addresses_tried++;
		conn_try_address(c, now_ns());
		return;
	}
	if (opt.tls) {
		conn_start_tls(c);
		return;
	}
	c->worker->stats.connections++;
	conn_send_next(c);
}

/* Starts connecting to the next untried server address. */
static void conn_try_address(struct conn *c, uint64_t now)
{
	int one = 1;

	for (; c->addresses_tried < server_address_count; c->addresses_tried++) {
		const struct addrinfo *ai = server_addresses;
		struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};

		for (size_t i = 0; i < c->next_address; i++)
			ai = ai->ai_next;
		c->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			       ai->ai_protocol);
		if (c->fd >= 0) {
			setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			if ((connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
			     errno == EINPROGRESS) &&
			    epoll_ctl(c->worker->epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) == 0) {
				c->events = EPOLLOUT;
				c->state = CONN_CONNECTING;
				c->deadline = now + timeout_ns;
				return;
			}
		}
		conn_close(c, 0);
		c->next_address = (c->next_address + 1) % server_address_count;
	}
	conn_connect_failed(c, now);
}

/* The connection's deadline passed: connect now, or fail the step that took too long. */
static void conn_timer(struct conn *c, uint64_t now)
{
	switch (c->state) {
	case CONN_CLOSED:
		c->addresses_tried = 0;
		conn_try_address(c, now);
		break;
	case CONN_CONNECTING:
	case CONN_HANDSHAKE:
		conn_connect_failed(c, now);
		break;
	case CONN_SENDING:
	case CONN_RECEIVING:
		conn_request_failed(c, true);
		break;
	case CONN_FINISHED:
		break;
	}
}

/* epoll reported the connection's socket ready (or failed). */
static void conn_ready(struct conn *c)
{
	switch (c->state) {
	case CONN_CONNECTING:
		conn_connected(c);
		break;
	case CONN_HANDSHAKE:
		conn_handshake(c);
		break;
	case CONN_SENDING:
		conn_send(c);
		break;
	case CONN_RECEIVING:
		conn_receive(c);
		break;
	case CONN_CLOSED:
	case CONN_FINISHED:
		break;
	}
}

/*
 * Runs the worker's connections until the run ends. Deadlines are checked
 * by a scan after each wakeup: a thread has few connections, and the scan
 * is cheaper than the TLS work the wakeup brought.
 */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct epoll_event events[EVENTS_PER_WAIT];

	for (;;) {
		uint64_t now = now_ns(), next = run_deadline_ns;
		int active = 0, ready;

		if (now >= run_deadline_ns)
			break;
		for (int i = 0; i < w->conn_count; i++) {
			struct conn *c = &w->conns[i];

			if (c->state != CONN_FINISHED && c->deadline <= now)
				conn_timer(c, now);
			if (c->state != CONN_FINISHED) {
				active++;
				next = min_u64(next, c->deadline);
			}
		}
		if (active == 0)
			break;
		next = next > now ? (next - now + 999999) / 1000000 : 0;
		ready =
		    epoll_wait(w->epoll_fd, events, EVENTS_PER_WAIT, (int)min_u64(next, INT_MAX));
		for (int i = 0; i < ready; i++)
			conn_ready(events[i].data.ptr);
	}
	for (int i = 0; i < w->conn_count; i++) {
		struct conn *c = &w->conns[i];

		conn_close(c, NO_DEADLINE);
		if (c->session)
			SSL_SESSION_free(c->session);
		buf_free(&c->path);
		buf_free(&c->body);
		buf_free(&c->request_scratch);
	}
	return NULL;
}

/* ---- setup ---- */

static void usage_exit(FILE *out, int status)
{
	fprintf(out,
		"usage: pgkube-loadgen [options] URL    (URL: http[s]://host[:port]/path)\n"
		"  -c N               connections (default 1)\n"
		"  -t N               threads the connections are spread over (default: CPUs)\n"
		"  -d SECONDS         run time, may be fractional (default 5)\n"
		"  -n N               total requests instead of a run time (with -d: both limits)\n"
		"  -m METHOD          request method (default GET)\n"
		"  -H 'Name: value'   request header (repeatable)\n"
		"  -b FILE | -B TEXT  request body\n"
		"  --body-template    replace {{n}} in the path and body by a per-request number,\n"
		"                     {{n:W}} by the same zero-padded to W digits (W 1..20)\n"
		"  --expect STATUS    the one successful status (default: any 2xx)\n"
		"  --timeout SECONDS  per-request and connect timeout (default 30)\n"
		"  --cacert FILE      CA certificates to verify the server\n"
		"  --cert FILE --key FILE   client certificate\n"
		"  --insecure         do not verify the server certificate\n"
		"  --json             print the result as one JSON object\n");
	exit(status);
}

static void usage(void)
{
	usage_exit(stderr, EXIT_USAGE);
}

static void die(const char *what)
{
	fprintf(stderr, "pgkube-loadgen: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static double parse_seconds(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v > 0) || v > 1e7)
		usage();
	return v;
}

static uint64_t parse_count(const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno || v < 1 || v > max)
		usage();
	return v;
}

static void add_header(const char *header)
{
	size_t len = strcspn(header, "\r\n");
	const char *colon = memchr(header, ':', len);

	if (!colon || colon == header)
		usage();
	if (header_name_is(header, (size_t)(colon - header), "host"))
		opt.has_host_header = true;
	buf_append(&opt.headers, header, len);
	buf_append_str(&opt.headers, "\r\n");
}

static void read_body_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (!f) {
		perror(path);
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&opt.body, chunk, n);
	if (ferror(f)) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* Splits http[s]://host[:port][/path] into opt.tls, host, port, authority and path. */
static bool url_parse(const char *url)
{
	const char *rest, *slash;
	size_t authority_len;
	char *port = NULL, *host;

	opt.tls = strncmp(url, "https://", 8) == 0;
	if (!opt.tls && strncmp(url, "http://", 7) != 0)
		return false;
	rest = url + (opt.tls ? 8 : 7);
	slash = strchr(rest, '/');
	authority_len = slash ? (size_t)(slash - rest) : strlen(rest);
	opt.authority = strndup(rest, authority_len);
	opt.path = strdup(slash ? slash : "/");
	host = strdup(opt.authority);
	if (host[0] == '[') {
		char *bracket = strchr(host, ']');

		if (!bracket || (bracket[1] != '\0' && bracket[1] != ':'))
			return false;
		*bracket = '\0';
		if (bracket[1] == ':')
			port = bracket + 2;
		opt.host = strdup(host + 1);
	} else {
		char *colon = strchr(host, ':');

		if (colon) {
			*colon = '\0';
			port = colon + 1;
		}
		opt.host = strdup(host);
	}
	if (port && (*port == '\0' || strspn(port, "0123456789") != strlen(port)))
		return false;
	opt.port = strdup(port ? port : opt.tls ? "443" : "80");
	free(host);
	return opt.host[0] != '\0';
}

static void options_parse(int argc, char **argv)
{
	enum {
		OPT_CACERT = 256,
		OPT_CERT,
		OPT_KEY,
		OPT_INSECURE,
		OPT_JSON,
		OPT_EXPECT,
		OPT_TEMPLATE,
		OPT_TIMEOUT,
		OPT_HELP
	};
	static const struct option long_options[] = {
	    {"cacert", required_argument, NULL, OPT_CACERT},
	    {"cert", required_argument, NULL, OPT_CERT},
	    {"key", required_argument, NULL, OPT_KEY},
	    {"insecure", no_argument, NULL, OPT_INSECURE},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"expect", required_argument, NULL, OPT_EXPECT},
	    {"body-template", no_argument, NULL, OPT_TEMPLATE},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	bool duration_given = false;
	int c;

	while ((c = getopt_long(argc, argv, "c:t:d:n:m:H:b:B:", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			opt.concurrency = (int)parse_count(optarg, 100000);
			break;
		case 't':
			opt.threads = (int)parse_count(optarg, 1024);
			break;
		case 'd':
			opt.duration_s = parse_seconds(optarg);
			duration_given = true;
			break;
		case 'n':
			opt.total_requests = parse_count(optarg, UINT64_MAX / 2);
			break;
		case 'm':
			if (strspn(optarg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(optarg) ||
			    !*optarg)
				usage();
			opt.method = optarg;
			break;
		case 'H':
			add_header(optarg);
			break;
		case 'b':
			read_body_file(optarg);
			opt.has_body = true;
			break;
		case 'B':
			buf_append_str(&opt.body, optarg);
			opt.has_body = true;
			break;
		case OPT_CACERT:
			opt.cacert = optarg;
			break;
		case OPT_CERT:
			opt.cert = optarg;
			break;
		case OPT_KEY:
			opt.key = optarg;
			break;
		case OPT_INSECURE:
			opt.insecure = true;
			break;
		case OPT_JSON:
			opt.json = true;
			break;
		case OPT_EXPECT:
			opt.expect_status = (int)parse_count(optarg, 599);
			if (opt.expect_status < 100)
				usage();
			break;
		case OPT_TEMPLATE:
			opt.body_template = true;
			break;
		case OPT_TIMEOUT:
			opt.timeout_s = parse_seconds(optarg);
			break;
		case OPT_HELP:
			usage_exit(stdout, 0);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || !url_parse(argv[optind]) || !opt.cert != !opt.key)
		usage();
	opt.url = argv[optind];
	if (opt.total_requests && !duration_given)
		opt.duration_s = 0;
}

static void tls_setup(void)
{
	tls_ctx = SSL_CTX_new(TLS_client_method());
	if (!tls_ctx)
		die("cannot create a TLS context");
	SSL_CTX_set_min_proto_version(tls_ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(tls_ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_read_ahead(tls_ctx, 1);
	SSL_CTX_set_session_cache_mode(tls_ctx,
				       SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(tls_ctx, tls_session_new);
	if (opt.insecure) {
		SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_NONE, NULL);
	} else {
		SSL_CTX_set_verify(tls_ctx, SSL_VERIFY_PEER, NULL);
		if (opt.cacert ? !SSL_CTX_load_verify_locations(tls_ctx, opt.cacert, NULL)
			       : !SSL_CTX_set_default_verify_paths(tls_ctx))
			die("cannot load the CA certificates");
	}
	if (opt.cert) {
		if (!SSL_CTX_use_certificate_chain_file(tls_ctx, opt.cert))
			die("cannot load the client certificate");
		if (!SSL_CTX_use_PrivateKey_file(tls_ctx, opt.key, SSL_FILETYPE_PEM) ||
		    !SSL_CTX_check_private_key(tls_ctx))
			die("cannot load the client key");
	}
}

static void resolve_server(void)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
	int r = getaddrinfo(opt.host, opt.port, &hints, &server_addresses);

	if (r != 0) {
		fprintf(stderr, "pgkube-loadgen: %s: %s\n", opt.host, gai_strerror(r));
		exit(1);
	}
	for (const struct addrinfo *ai = server_addresses; ai; ai = ai->ai_next)
		server_address_count++;
}

/* ---- results ---- */

static void stats_merge(struct stats *into, const struct stats *from)
{
	into->ok += from->ok;
	into->io_errors += from->io_errors;
	into->timeouts += from->timeouts;
	into->connect_errors += from->connect_errors;
	into->connections += from->connections;
	into->tls_resumed += from->tls_resumed;
	for (int i = 0; i < STATUS_LIMIT; i++)
		into->status_errors[i] += from->status_errors[i];
	histogram_merge(&into->latency, &from->latency);
}

static void report(const struct stats *s, double duration_s)
{
	const struct histogram *h = &s->latency;
	uint64_t status_total = 0, requests;
	double mean_us = h->count ? (double)h->sum_ns / (double)h->count / 1e3 : 0;
	double p50 = histogram_percentile_us(h, 0.5), p90 = histogram_percentile_us(h, 0.9);
	double p99 = histogram_percentile_us(h, 0.99), p999 = histogram_percentile_us(h, 0.999);
	double max_us = (double)h->max_ns / 1e3;
	double rps = duration_s > 0 ? (double)s->ok / duration_s : 0;

	for (int i = 0; i < STATUS_LIMIT; i++)
		status_total += s->status_errors[i];
	requests = s->ok + status_total + s->io_errors + s->timeouts;
	if (opt.json) {
		const char *sep = "";

		printf("{\"concurrency\":%d,\"requests\":%" PRIu64 ",\"ok\":%" PRIu64
		       ",\"errors\":{\"connect\":%" PRIu64 ",\"io\":%" PRIu64
		       ",\"timeout\":%" PRIu64 ",\"status\":{",
		       opt.concurrency, requests, s->ok, s->connect_errors, s->io_errors,
		       s->timeouts);
		for (int i = 0; i < STATUS_LIMIT; i++) {
			if (s->status_errors[i]) {
				printf("%s\"%d\":%" PRIu64, sep, i, s->status_errors[i]);
				sep = ",";
			}
		}
		printf("}},\"rps\":%.1f,\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,"
		       "\"p999\":%.1f,\"max\":%.1f,\"mean\":%.1f},\"connections\":%" PRIu64
		       ",\"tls_resumed\":%" PRIu64 ",\"duration_s\":%.3f}\n",
		       rps, p50, p90, p99, p999, max_us, mean_us, s->connections, s->tls_resumed,
		       duration_s);
		return;
	}
	printf("%s: %d connection%s, %.3f s\n", opt.url, opt.concurrency,
	       opt.concurrency == 1 ? "" : "s", duration_s);
	printf("  requests     %" PRIu64 " (ok %" PRIu64 ", failed %" PRIu64 ")\n", requests, s->ok,
	       requests - s->ok);
	printf("  throughput   %.1f ok req/s\n", rps);
	printf("  latency us   p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f\n",
	       p50, p90, p99, p999, max_us, mean_us);
	printf("  errors       connect %" PRIu64 "  io %" PRIu64 "  timeout %" PRIu64
	       "  status %" PRIu64 "\n",
	       s->connect_errors, s->io_errors, s->timeouts, status_total);
	for (int i = 0; i < STATUS_LIMIT; i++)
		if (s->status_errors[i])
			printf("    status %d: %" PRIu64 "\n", i, s->status_errors[i]);
	printf("  connections  %" PRIu64, s->connections);
	if (opt.tls)
		printf(" (%" PRIu64 " TLS resumed)", s->tls_resumed);
	printf("\n");
}

/* Spreads the connections over the threads, round robin. */
static struct worker *workers_create(int thread_count)
{
	struct worker *workers = calloc((size_t)thread_count, sizeof(*workers));

	if (!workers)
		die("out of memory");
	for (int t = 0; t < thread_count; t++) {
		struct worker *w = &workers[t];

		w->conn_count =
		    opt.concurrency / thread_count + (t < opt.concurrency % thread_count);
		w->conns = calloc((size_t)w->conn_count, sizeof(*w->conns));
		w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
		if (!w->conns || w->epoll_fd < 0)
			die("cannot set up a worker thread");
		for (int i = 0; i < w->conn_count; i++) {
			w->conns[i].worker = w;
			w->conns[i].fd = -1;
		}
	}
	return workers;
}

static void workers_free(struct worker *workers, int thread_count)
{
	for (int t = 0; t < thread_count; t++) {
		close(workers[t].epoll_fd);
		free(workers[t].conns);
	}
	free(workers);
}

/* Lets -c go past the default soft limit of 1024 descriptors. */
static void raise_descriptor_limit(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

int main(int argc, char **argv)
{
	struct worker *workers;
	struct stats *total = calloc(1, sizeof(*total));
	int thread_count;
	uint64_t start;

	options_parse(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	raise_descriptor_limit();
	resolve_server();
	if (opt.tls)
		tls_setup();
	request_build(&fixed_request, opt.path, strlen(opt.path), opt.body.data, opt.body.len);
	timeout_ns = (uint64_t)(opt.timeout_s * 1e9);
	thread_count = opt.threads ? opt.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (thread_count < 1)
		thread_count = 1;
	if (thread_count > opt.concurrency)
		thread_count = opt.concurrency;
	workers = workers_create(thread_count);
	if (!total)
		die("out of memory");

	start = now_ns();
	if (opt.duration_s > 0)
		run_deadline_ns = start + (uint64_t)(opt.duration_s * 1e9);
	for (int t = 0; t < thread_count; t++)
		if (pthread_create(&workers[t].thread, NULL, worker_run, &workers[t]) != 0)
			die("cannot start a thread");
	for (int t = 0; t < thread_count; t++) {
		pthread_join(workers[t].thread, NULL);
		stats_merge(total, &workers[t].stats);
	}
	report(total, (double)(now_ns() - start) / 1e9);
	workers_free(workers, thread_count);
	free(total);
	return 0;
}
