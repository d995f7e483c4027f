/*
 * http_parse.h - a strict, zero-copy HTTP/1.1 request parser.
 *
 * http_parse_head() is a pure function from bytes to a struct of slices
 * pointing into the caller's buffer: it never allocates and never
 * backtracks, so it is trivially unit-tested and fuzzed. The connection
 * copies what it keeps into the request's arena before the buffer moves.
 *
 * Bodies: Content-Length bodies are taken by the caller as raw bytes;
 * chunked bodies go through http_chunked_decode(), an incremental state
 * machine fed whatever bytes have arrived.
 *
 * Anything ambiguous is refused rather than guessed (request smuggling):
 * Content-Length together with Transfer-Encoding, conflicting
 * Content-Lengths, transfer codings other than "chunked", obs-folded
 * headers, bare CR or LF line ends, control bytes.
 */
#ifndef PGKUBE_HTTP_PARSE_H
#define PGKUBE_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "shared/buf.h"

#define HTTP_MAX_HEADERS 128

enum http_parse_result {
	HTTP_PARSE_OK = 0,	   /* a complete head was parsed */
	HTTP_PARSE_INCOMPLETE = 1, /* need more bytes */
	HTTP_PARSE_ERROR = -1,	   /* see error_status / error_message */
};

struct http_header {
	const char *name;
	size_t name_len;
	const char *value; /* leading and trailing spaces/tabs trimmed */
	size_t value_len;
};

struct http_request_head {
	const char *method;
	size_t method_len;
	const char *target; /* request-target as sent: path and query */
	size_t target_len;
	int minor_version; /* HTTP/1.<minor_version>: 0 or 1 */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t num_headers;
	size_t head_len; /* bytes of request line + headers + final CRLF */

	/* Derived from the headers. */
	int64_t content_length; /* -1 when absent */
	bool chunked;		/* Transfer-Encoding: chunked */
	bool expect_continue;	/* Expect: 100-continue */
	bool keep_alive;	/* from the version and Connection header */

	/* On HTTP_PARSE_ERROR: the status to answer (400, 413, 431, 501, 505)
	 * and a short human message (a static string). */
	int error_status;
	const char *error_message;
};

/*
 * Parses the request line and headers at the start of data[0..len).
 * max_head bounds request line + headers (431 beyond it, also when the
 * head is still incomplete past that size); max_body bounds a declared
 * Content-Length (413 beyond it).
 */
enum http_parse_result http_parse_head(const char *data, size_t len, size_t max_head,
				       size_t max_body, struct http_request_head *out);

/* Case-insensitive header lookup; the first match or NULL. */
const struct http_header *http_find_header(const struct http_request_head *head, const char *name);

struct http_chunked_decoder {
	int state; /* a zeroed decoder ({0}) is at the start of a body */
	uint64_t chunk_remaining;
	size_t line_len;    /* bytes of the current size or trailer line seen */
	bool done;	    /* the last chunk and trailers have been consumed */
	uint64_t body_len;  /* decoded bytes announced so far, for max_body */
	size_t trailer_len; /* bytes of trailer section seen, bounded */
	int error_status;   /* once failed, every later call fails the same */
};

/*
 * Feeds data[0..len) to the decoder and appends decoded body bytes to out.
 * Returns the number of input bytes consumed (all of them unless done was
 * reached earlier in the input; the rest belongs to the next request), or
 * -1 on malformed input or when out would pass max_body; then
 * *error_status is 400 or 413.
 */
ssize_t http_chunked_decode(struct http_chunked_decoder *d, const char *data, size_t len,
			    struct buf *out, size_t max_body, int *error_status);

#endif
