/*
 * http_parse.c - the HTTP/1.1 request head parser and chunked body decoder;
 * see http_parse.h.
 *
 * Both are explicit state machines that look at each byte once. The head
 * parser keeps its state in locals: the connection calls it again from the
 * start of its buffer when more bytes arrive, which keeps it a pure
 * function and costs O(n) per call. The chunked decoder keeps its state in
 * struct http_chunked_decoder because a body may be far larger than any
 * one read; whatever way the body is cut into reads, the decoder passes
 * through the same states at the same bytes, so the result cannot depend
 * on the cut.
 *
 * The rules are the strict ones from RFC 9112: where a lenient parser would
 * guess (bare LF, obs-fold, whitespace before ':', two framings), a
 * front-end proxy might have guessed differently, which is how requests
 * get smuggled; so we refuse.
 */
#include "http_parse.h"

#include "shared/hex.h"

#include <string.h>

#define HTTP_CHUNK_LINE_MAX   4096
#define HTTP_TRAILER_MAX      (64 * 1024)
#define HTTP_CHUNK_SIZE_LIMIT (UINT64_C(1) << 62)

/* RFC 9110 tchar: the bytes of a method or a header name. */
static const unsigned char http_token_char[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1,  ['~'] = 1, ['0'] = 1,
    ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,  ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,  ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1,  ['N'] = 1, ['O'] = 1,
    ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,  ['V'] = 1, ['W'] = 1,
    ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,  ['d'] = 1, ['e'] = 1,
    ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1,  ['l'] = 1, ['m'] = 1,
    ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1,  ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static bool is_token_char(unsigned char c)
{
	return http_token_char[c];
}

static bool is_space_or_tab(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* field-vchar: visible ASCII or obs-text; SP and HTAB are handled apart. */
static bool is_field_visible_char(unsigned char c)
{
	return (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

static bool is_target_char(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e;
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static bool ascii_equal_nocase(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (lit[i] == '\0' ||
		    ascii_lower((unsigned char)s[i]) != ascii_lower((unsigned char)lit[i]))
			return false;
	}
	return lit[len] == '\0';
}

/* One element of a comma-separated header list, OWS trimmed. */
struct list_item {
	const char *s;
	size_t len;
};

/*
 * Steps *pos through value[0..len) one list element at a time; false at
 * the end. Empty elements are returned as such: the callers decide whether
 * "a,,b" is acceptable.
 */
static bool header_list_next(const char *value, size_t len, size_t *pos, bool *started,
			     struct list_item *item)
{
	size_t start, end;

	if (*started) {
		if (*pos >= len)
			return false;
		(*pos)++; /* the ',' that ended the previous element */
	}
	*started = true;
	start = *pos;
	while (*pos < len && value[*pos] != ',')
		(*pos)++;
	end = *pos;
	while (start < end && is_space_or_tab((unsigned char)value[start]))
		start++;
	while (end > start && is_space_or_tab((unsigned char)value[end - 1]))
		end--;
	item->s = value + start;
	item->len = end - start;
	return true;
}

static enum http_parse_result head_error(struct http_request_head *out, int status,
					 const char *message)
{
	out->error_status = status;
	out->error_message = message;
	return HTTP_PARSE_ERROR;
}

/* Content-Length: 1*DIGIT, compared with what earlier headers said. */
static enum http_parse_result derive_content_length(struct http_request_head *out,
						    const struct http_header *h)
{
	struct list_item item;
	size_t pos = 0;
	bool started = false;

	while (header_list_next(h->value, h->value_len, &pos, &started, &item)) {
		int64_t n = 0;
		size_t i;

		if (item.len == 0)
			return head_error(out, 400, "invalid Content-Length");
		for (i = 0; i < item.len; i++) {
			unsigned char c = (unsigned char)item.s[i];

			if (c < '0' || c > '9' || n > (INT64_MAX - (c - '0')) / 10)
				return head_error(out, 400, "invalid Content-Length");
			n = n * 10 + (c - '0');
		}
		if (out->content_length >= 0 && out->content_length != n)
			return head_error(out, 400, "conflicting Content-Length");
		out->content_length = n;
	}
	return HTTP_PARSE_OK;
}

static void derive_connection(const struct http_header *h, bool *close, bool *keep_alive)
{
	struct list_item item;
	size_t pos = 0;
	bool started = false;

	while (header_list_next(h->value, h->value_len, &pos, &started, &item)) {
		if (ascii_equal_nocase(item.s, item.len, "close"))
			*close = true;
		else if (ascii_equal_nocase(item.s, item.len, "keep-alive"))
			*keep_alive = true;
	}
}

/* The framing and connection facts the server acts on, from the headers. */
static enum http_parse_result derive_from_headers(struct http_request_head *out, size_t max_body)
{
	const struct http_header *transfer_encoding = NULL;
	size_t host_count = 0, transfer_encoding_count = 0, i;
	bool connection_close = false, connection_keep_alive = false;

	for (i = 0; i < out->num_headers; i++) {
		const struct http_header *h = &out->headers[i];

		if (ascii_equal_nocase(h->name, h->name_len, "content-length")) {
			if (derive_content_length(out, h) != HTTP_PARSE_OK)
				return HTTP_PARSE_ERROR;
		} else if (ascii_equal_nocase(h->name, h->name_len, "transfer-encoding")) {
			transfer_encoding = h;
			transfer_encoding_count++;
		} else if (ascii_equal_nocase(h->name, h->name_len, "host")) {
			host_count++;
		} else if (ascii_equal_nocase(h->name, h->name_len, "connection")) {
			derive_connection(h, &connection_close, &connection_keep_alive);
		} else if (ascii_equal_nocase(h->name, h->name_len, "expect")) {
			/* RFC 9110 10.1.1: ignored in an HTTP/1.0 request. */
			if (out->minor_version == 1 &&
			    ascii_equal_nocase(h->value, h->value_len, "100-continue"))
				out->expect_continue = true;
		}
	}

	if (transfer_encoding) {
		if (out->minor_version == 0)
			return head_error(out, 400, "Transfer-Encoding on HTTP/1.0");
		if (out->content_length >= 0)
			return head_error(out, 400, "both Transfer-Encoding and Content-Length");
		if (transfer_encoding_count != 1 ||
		    !ascii_equal_nocase(transfer_encoding->value, transfer_encoding->value_len,
					"chunked"))
			return head_error(out, 501, "Not Implemented");
		out->chunked = true;
	}
	if (host_count == 0 && out->minor_version == 1)
		return head_error(out, 400, "missing required Host header");
	if (host_count > 1)
		return head_error(out, 400, "too many Host headers");
	if (out->content_length >= 0 && (uint64_t)out->content_length > max_body)
		return head_error(out, 413, "Request Entity Too Large");

	if (out->minor_version == 1)
		out->keep_alive = !connection_close;
	else
		out->keep_alive = connection_keep_alive && !connection_close;
	return HTTP_PARSE_OK;
}

enum head_state {
	HEAD_METHOD_START,
	HEAD_METHOD,
	HEAD_TARGET_START,
	HEAD_TARGET,
	HEAD_VERSION_PREFIX, /* "HTTP/" */
	HEAD_VERSION_MAJOR,
	HEAD_VERSION_DOT,
	HEAD_VERSION_MINOR,
	HEAD_REQUEST_LINE_CR,
	HEAD_REQUEST_LINE_LF,
	HEAD_FIELD_START,
	HEAD_FIELD_NAME,
	HEAD_FIELD_VALUE_START,
	HEAD_FIELD_VALUE,
	HEAD_FIELD_LF,
	HEAD_END_LF,
};

static void head_reset(const char *data, struct http_request_head *out)
{
	out->method = data;
	out->method_len = 0;
	out->target = data;
	out->target_len = 0;
	out->minor_version = 0;
	out->num_headers = 0;
	out->head_len = 0;
	out->content_length = -1;
	out->chunked = false;
	out->expect_continue = false;
	out->keep_alive = false;
	out->error_status = 0;
	out->error_message = NULL;
}

enum http_parse_result http_parse_head(const char *data, size_t len, size_t max_head,
				       size_t max_body, struct http_request_head *out)
{
	static const char version_prefix[] = "HTTP/";
	enum head_state state = HEAD_METHOD_START;
	size_t scan_len = len < max_head ? len : max_head;
	size_t i, mark = 0, value_start = 0, value_end = 0, prefix_pos = 0;
	int major = 0;
	struct http_header *h = NULL;

	head_reset(data, out);
	for (i = 0; i < scan_len; i++) {
		unsigned char c = (unsigned char)data[i];

		switch (state) {
		case HEAD_METHOD_START:
			if (!is_token_char(c))
				return head_error(out, 400, "malformed request line");
			state = HEAD_METHOD;
			break;
		case HEAD_METHOD:
			if (c == ' ') {
				out->method_len = i;
				state = HEAD_TARGET_START;
			} else if (!is_token_char(c)) {
				return head_error(out, 400, "malformed request line");
			}
			break;
		case HEAD_TARGET_START:
			if (!is_target_char(c))
				return head_error(out, 400, "malformed request line");
			out->target = data + i;
			mark = i;
			state = HEAD_TARGET;
			break;
		case HEAD_TARGET:
			if (c == ' ') {
				out->target_len = i - mark;
				state = HEAD_VERSION_PREFIX;
			} else if (!is_target_char(c)) {
				return head_error(out, 400, "malformed request line");
			}
			break;
		case HEAD_VERSION_PREFIX:
			if (c != (unsigned char)version_prefix[prefix_pos])
				return head_error(out, 400, "malformed request line");
			if (++prefix_pos == sizeof(version_prefix) - 1)
				state = HEAD_VERSION_MAJOR;
			break;
		case HEAD_VERSION_MAJOR:
			if (c < '0' || c > '9')
				return head_error(out, 400, "malformed request line");
			major = c - '0';
			state = HEAD_VERSION_DOT;
			break;
		case HEAD_VERSION_DOT:
			if (c != '.')
				return head_error(out, 400, "malformed request line");
			state = HEAD_VERSION_MINOR;
			break;
		case HEAD_VERSION_MINOR:
			if (c < '0' || c > '9')
				return head_error(out, 400, "malformed request line");
			out->minor_version = c - '0';
			state = HEAD_REQUEST_LINE_CR;
			break;
		case HEAD_REQUEST_LINE_CR:
			if (c != '\r')
				return head_error(out, 400, "malformed request line");
			state = HEAD_REQUEST_LINE_LF;
			break;
		case HEAD_REQUEST_LINE_LF:
			if (c != '\n')
				return head_error(out, 400, "malformed request line");
			/* Only a well-formed line gets here: its version is the
			 * one thing wrong with it. */
			if (major != 1 || out->minor_version > 1)
				return head_error(out, 505, "HTTP Version Not Supported");
			state = HEAD_FIELD_START;
			break;
		case HEAD_FIELD_START:
			if (c == '\r') {
				state = HEAD_END_LF;
				break;
			}
			/* SP or HTAB here would be obs-fold. */
			if (!is_token_char(c))
				return head_error(out, 400, "malformed header line");
			if (out->num_headers == HTTP_MAX_HEADERS)
				return head_error(out, 431, "Request Header Fields Too Large");
			h = &out->headers[out->num_headers];
			h->name = data + i;
			mark = i;
			state = HEAD_FIELD_NAME;
			break;
		case HEAD_FIELD_NAME:
			if (c == ':') {
				h->name_len = i - mark;
				state = HEAD_FIELD_VALUE_START;
			} else if (!is_token_char(c)) {
				return head_error(out, 400, "malformed header line");
			}
			break;
		case HEAD_FIELD_VALUE_START:
			if (is_space_or_tab(c))
				break;
			value_start = value_end = i;
			if (c == '\r') {
				state = HEAD_FIELD_LF;
				break;
			}
			if (c == '\n')
				return head_error(out, 400, "malformed header line");
			if (!is_field_visible_char(c))
				return head_error(out, 400, "invalid byte in header value");
			value_end = i + 1;
			state = HEAD_FIELD_VALUE;
			break;
		case HEAD_FIELD_VALUE:
			if (c == '\r') {
				state = HEAD_FIELD_LF;
			} else if (is_field_visible_char(c)) {
				value_end = i + 1;
			} else if (c == '\n') {
				return head_error(out, 400, "malformed header line");
			} else if (!is_space_or_tab(c)) {
				return head_error(out, 400, "invalid byte in header value");
			}
			break;
		case HEAD_FIELD_LF:
			if (c != '\n')
				return head_error(out, 400, "malformed header line");
			h->value = data + value_start;
			h->value_len = value_end - value_start;
			out->num_headers++;
			state = HEAD_FIELD_START;
			break;
		case HEAD_END_LF:
			if (c != '\n')
				return head_error(out, 400, "malformed header line");
			out->head_len = i + 1;
			return derive_from_headers(out, max_body);
		}
	}
	if (len > max_head)
		return head_error(out, 431, "Request Header Fields Too Large");
	return HTTP_PARSE_INCOMPLETE;
}

const struct http_header *http_find_header(const struct http_request_head *head, const char *name)
{
	size_t i;

	for (i = 0; i < head->num_headers; i++) {
		const struct http_header *h = &head->headers[i];

		if (ascii_equal_nocase(h->name, h->name_len, name))
			return h;
	}
	return NULL;
}

/*
 * The decoder's states. CHUNK_SIZE_START is zero so that a zeroed struct
 * is a decoder at the start of a body.
 */
enum chunk_state {
	CHUNK_SIZE_START = 0,
	CHUNK_SIZE,
	CHUNK_SIZE_SPACE, /* BWS between the size and a ';' */
	CHUNK_EXTENSION,
	CHUNK_SIZE_LF,
	CHUNK_DATA,
	CHUNK_DATA_CR,
	CHUNK_DATA_LF,
	CHUNK_TRAILER_START,
	CHUNK_TRAILER_NAME,
	CHUNK_TRAILER_VALUE,
	CHUNK_TRAILER_LF,
	CHUNK_END_LF,
	CHUNK_DONE,
	CHUNK_FAILED,
};

static ssize_t chunked_fail(struct http_chunked_decoder *d, int status, int *error_status)
{
	d->state = CHUNK_FAILED;
	d->error_status = status;
	*error_status = status;
	return -1;
}

/* Checks the bound on the line being read; true when it is passed. */
static bool chunked_line_too_long(struct http_chunked_decoder *d)
{
	return ++d->line_len > HTTP_CHUNK_LINE_MAX;
}

static bool chunked_trailer_too_long(struct http_chunked_decoder *d)
{
	return ++d->trailer_len > HTTP_TRAILER_MAX;
}

ssize_t http_chunked_decode(struct http_chunked_decoder *d, const char *data, size_t len,
			    struct buf *out, size_t max_body, int *error_status)
{
	size_t i = 0;

	if (d->state == CHUNK_FAILED)
		return chunked_fail(d, d->error_status, error_status);
	while (i < len && d->state != CHUNK_DONE) {
		unsigned char c = (unsigned char)data[i];
		int digit;

		if (d->state == CHUNK_DATA) {
			size_t n = len - i;

			if (n > d->chunk_remaining)
				n = (size_t)d->chunk_remaining;
			buf_append(out, data + i, n);
			d->chunk_remaining -= n;
			i += n;
			if (d->chunk_remaining == 0)
				d->state = CHUNK_DATA_CR;
			continue;
		}
		if (d->state <= CHUNK_SIZE_LF && chunked_line_too_long(d))
			return chunked_fail(d, 400, error_status);
		if (d->state >= CHUNK_TRAILER_START && chunked_trailer_too_long(d))
			return chunked_fail(d, 400, error_status);

		switch ((enum chunk_state)d->state) {
		case CHUNK_SIZE_START:
		case CHUNK_SIZE:
			digit = hex_digit_value(c);
			if (digit >= 0) {
				if (d->chunk_remaining >= HTTP_CHUNK_SIZE_LIMIT >> 4)
					return chunked_fail(d, 400, error_status);
				d->chunk_remaining = d->chunk_remaining << 4 | (uint64_t)digit;
				d->state = CHUNK_SIZE;
			} else if (d->state == CHUNK_SIZE_START) {
				return chunked_fail(d, 400, error_status);
			} else if (c == ';') {
				d->state = CHUNK_EXTENSION;
			} else if (is_space_or_tab(c)) {
				d->state = CHUNK_SIZE_SPACE;
			} else if (c == '\r') {
				d->state = CHUNK_SIZE_LF;
			} else {
				return chunked_fail(d, 400, error_status);
			}
			break;
		case CHUNK_SIZE_SPACE:
			if (c == ';')
				d->state = CHUNK_EXTENSION;
			else if (!is_space_or_tab(c))
				return chunked_fail(d, 400, error_status);
			break;
		case CHUNK_EXTENSION:
			if (c == '\r')
				d->state = CHUNK_SIZE_LF;
			else if (!is_field_visible_char(c) && !is_space_or_tab(c))
				return chunked_fail(d, 400, error_status);
			break;
		case CHUNK_SIZE_LF:
			if (c != '\n')
				return chunked_fail(d, 400, error_status);
			d->line_len = 0;
			if (d->chunk_remaining == 0) {
				d->state = CHUNK_TRAILER_START;
				break;
			}
			if (d->chunk_remaining > max_body ||
			    d->body_len > max_body - d->chunk_remaining)
				return chunked_fail(d, 413, error_status);
			d->body_len += d->chunk_remaining;
			d->state = CHUNK_DATA;
			break;
		case CHUNK_DATA_CR:
			if (c != '\r')
				return chunked_fail(d, 400, error_status);
			d->state = CHUNK_DATA_LF;
			break;
		case CHUNK_DATA_LF:
			if (c != '\n')
				return chunked_fail(d, 400, error_status);
			d->state = CHUNK_SIZE_START;
			break;
		case CHUNK_TRAILER_START:
			if (c == '\r')
				d->state = CHUNK_END_LF;
			else if (is_token_char(c))
				d->state = CHUNK_TRAILER_NAME;
			else
				return chunked_fail(d, 400, error_status);
			break;
		case CHUNK_TRAILER_NAME:
			if (c == ':')
				d->state = CHUNK_TRAILER_VALUE;
			else if (!is_token_char(c))
				return chunked_fail(d, 400, error_status);
			break;
		case CHUNK_TRAILER_VALUE:
			if (c == '\r')
				d->state = CHUNK_TRAILER_LF;
			else if (!is_field_visible_char(c) && !is_space_or_tab(c))
				return chunked_fail(d, 400, error_status);
			break;
		case CHUNK_TRAILER_LF:
			if (c != '\n')
				return chunked_fail(d, 400, error_status);
			d->state = CHUNK_TRAILER_START;
			break;
		case CHUNK_END_LF:
			if (c != '\n')
				return chunked_fail(d, 400, error_status);
			d->state = CHUNK_DONE;
			d->done = true;
			break;
		case CHUNK_DATA:
		case CHUNK_DONE:
		case CHUNK_FAILED:
			break;
		}
		i++;
	}
	return (ssize_t)i;
}
