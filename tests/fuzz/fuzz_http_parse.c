/*
 * fuzz_http_parse.c - libFuzzer target for worker/http_parse.c.
 *
 * The input is one byte choosing how bodies are cut into reads, then the
 * bytes of a connection: pipelined requests with Content-Length or chunked
 * bodies. Every head is checked for the invariants the connection code
 * relies on (slices inside the buffer, a verdict that does not change when
 * the same bytes are parsed again, a known error status); every chunked
 * body is decoded three ways (in one read, a byte at a time, in reads of
 * sizes drawn from the first byte) and the three must agree exactly.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "worker/http_parse.h"

#define FUZZ_MAX_HEAD	  2048
#define FUZZ_MAX_BODY	  4096
#define FUZZ_MAX_REQUESTS 16

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static bool slice_inside(const char *p, size_t n, const char *data, size_t len)
{
	return p >= data && (size_t)(p - data) <= len && n <= len - (size_t)(p - data);
}

static bool is_space_or_tab(char c)
{
	return c == ' ' || c == '\t';
}

static bool same_name(const char *a, size_t a_len, const char *b, size_t b_len)
{
	size_t i;

	if (a_len != b_len)
		return false;
	for (i = 0; i < a_len; i++) {
		char ca = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + 32) : a[i];
		char cb = b[i] >= 'A' && b[i] <= 'Z' ? (char)(b[i] + 32) : b[i];

		if (ca != cb)
			return false;
	}
	return true;
}

static void check_ok_head(const char *data, size_t len, const struct http_request_head *h)
{
	static char name[FUZZ_MAX_HEAD + 1];
	size_t i;

	fuzz_assert(h->head_len > 0 && h->head_len <= len && h->head_len <= FUZZ_MAX_HEAD);
	fuzz_assert(h->method_len > 0 && slice_inside(h->method, h->method_len, data, h->head_len));
	fuzz_assert(h->target_len > 0 && slice_inside(h->target, h->target_len, data, h->head_len));
	fuzz_assert(h->minor_version == 0 || h->minor_version == 1);
	fuzz_assert(h->num_headers <= HTTP_MAX_HEADERS);
	fuzz_assert(h->content_length >= -1 && h->content_length <= FUZZ_MAX_BODY);
	fuzz_assert(!(h->chunked && h->content_length >= 0));
	fuzz_assert(!(h->chunked && h->minor_version == 0));
	fuzz_assert(!(h->expect_continue && h->minor_version == 0));
	fuzz_assert(h->error_status == 0);
	fuzz_assert(data[h->head_len - 1] == '\n' && data[h->head_len - 2] == '\r');
	for (i = 0; i < h->num_headers; i++) {
		const struct http_header *hd = &h->headers[i], *found;

		fuzz_assert(hd->name_len > 0 &&
			    slice_inside(hd->name, hd->name_len, data, h->head_len));
		fuzz_assert(slice_inside(hd->value, hd->value_len, data, h->head_len));
		fuzz_assert(hd->name[hd->name_len] == ':');
		fuzz_assert(memchr(hd->name, ' ', hd->name_len) == NULL);
		fuzz_assert(memchr(hd->value, '\r', hd->value_len) == NULL);
		fuzz_assert(memchr(hd->value, '\n', hd->value_len) == NULL);
		fuzz_assert(hd->value_len == 0 || (!is_space_or_tab(hd->value[0]) &&
						   !is_space_or_tab(hd->value[hd->value_len - 1])));
		memcpy(name, hd->name, hd->name_len);
		name[hd->name_len] = '\0';
		found = http_find_header(h, name);
		fuzz_assert(found && found <= hd &&
			    same_name(found->name, found->name_len, hd->name, hd->name_len));
	}
}

/*
 * Parses the head at data[0..len), checks it, and checks that parsing the
 * same bytes again, or only the head, or one byte less, agrees.
 */
static enum http_parse_result parse_and_check_head(const char *data, size_t len,
						   struct http_request_head *h)
{
	static struct http_request_head again;
	enum http_parse_result res = http_parse_head(data, len, FUZZ_MAX_HEAD, FUZZ_MAX_BODY, h);

	switch (res) {
	case HTTP_PARSE_OK:
		check_ok_head(data, len, h);
		fuzz_assert(http_parse_head(data, h->head_len, FUZZ_MAX_HEAD, FUZZ_MAX_BODY,
					    &again) == HTTP_PARSE_OK);
		fuzz_assert(again.head_len == h->head_len && again.num_headers == h->num_headers &&
			    again.content_length == h->content_length &&
			    again.chunked == h->chunked && again.keep_alive == h->keep_alive &&
			    again.expect_continue == h->expect_continue);
		fuzz_assert(http_parse_head(data, h->head_len - 1, FUZZ_MAX_HEAD, FUZZ_MAX_BODY,
					    &again) == HTTP_PARSE_INCOMPLETE);
		break;
	case HTTP_PARSE_INCOMPLETE:
		fuzz_assert(len <= FUZZ_MAX_HEAD);
		break;
	case HTTP_PARSE_ERROR:
		fuzz_assert(h->error_status == 400 || h->error_status == 413 ||
			    h->error_status == 431 || h->error_status == 501 ||
			    h->error_status == 505);
		fuzz_assert(h->error_message && h->error_message[0]);
		/* The verdict is a function of the bytes alone. */
		fuzz_assert(http_parse_head(data, len, FUZZ_MAX_HEAD, FUZZ_MAX_BODY, &again) ==
			    HTTP_PARSE_ERROR);
		fuzz_assert(again.error_status == h->error_status);
		break;
	default:
		abort();
	}
	return res;
}

struct decoded {
	ssize_t consumed; /* -1 on error */
	int error_status;
	bool done;
	struct buf out;
};

/* The read sizes for one decoding: all at once, byte by byte, or drawn. */
enum split_mode { SPLIT_WHOLE, SPLIT_BYTES, SPLIT_DRAWN };

static size_t next_piece(enum split_mode mode, uint32_t *rng, uint8_t seed, bool *last_empty)
{
	if (mode == SPLIT_WHOLE)
		return SIZE_MAX;
	if (mode == SPLIT_BYTES)
		return 1;
	*rng = *rng * 1103515245u + 12345u;
	/* Now and then an empty read, which must change nothing. */
	if (!*last_empty && (*rng >> 28) == 0) {
		*last_empty = true;
		return 0;
	}
	*last_empty = false;
	return 1 + (*rng >> 16) % (1 + (size_t)(seed & 0x3f) * (seed >> 6 ? 8 : 1));
}

static struct decoded decode_body(const char *body, size_t len, enum split_mode mode, uint8_t seed)
{
	struct http_chunked_decoder d = {0};
	struct decoded r = {0};
	uint32_t rng = seed;
	bool last_empty = false;
	size_t off = 0;

	do {
		size_t piece = next_piece(mode, &rng, seed, &last_empty);
		size_t n = piece < len - off ? piece : len - off;
		ssize_t c =
		    http_chunked_decode(&d, body + off, n, &r.out, FUZZ_MAX_BODY, &r.error_status);

		if (c < 0) {
			fuzz_assert(r.error_status == 400 || r.error_status == 413);
			fuzz_assert(!d.done);
			r.consumed = -1;
			return r;
		}
		fuzz_assert((size_t)c <= n);
		fuzz_assert(d.done || (size_t)c == n);
		off += (size_t)c;
	} while (!d.done && off < len);
	fuzz_assert(r.out.len <= FUZZ_MAX_BODY);
	r.consumed = (ssize_t)off;
	r.done = d.done;
	return r;
}

static void same_decoding(const struct decoded *a, const struct decoded *b)
{
	fuzz_assert(a->consumed == b->consumed);
	fuzz_assert(a->error_status == b->error_status);
	fuzz_assert(a->done == b->done);
	fuzz_assert(a->out.len == b->out.len);
	fuzz_assert(a->out.len == 0 || memcmp(a->out.data, b->out.data, a->out.len) == 0);
}

/* Decodes body[0..len) three ways; returns the bytes consumed, or -1. */
static ssize_t decode_and_compare(const char *body, size_t len, uint8_t seed)
{
	struct decoded whole = decode_body(body, len, SPLIT_WHOLE, seed);
	struct decoded bytes = decode_body(body, len, SPLIT_BYTES, seed);
	struct decoded drawn = decode_body(body, len, SPLIT_DRAWN, seed);
	ssize_t consumed = whole.done ? whole.consumed : -1;

	same_decoding(&whole, &bytes);
	same_decoding(&whole, &drawn);
	buf_free(&whole.out);
	buf_free(&bytes.out);
	buf_free(&drawn.out);
	return consumed;
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
	static struct http_request_head head;
	const char *data;
	size_t len, off = 0;
	uint8_t seed;
	int n;

	if (size == 0)
		return 0;
	seed = input[0];
	data = (const char *)input + 1;
	len = size - 1;
	for (n = 0; n < FUZZ_MAX_REQUESTS && off < len; n++) {
		ssize_t consumed;

		if (parse_and_check_head(data + off, len - off, &head) != HTTP_PARSE_OK)
			break;
		off += head.head_len;
		if (head.chunked) {
			consumed = decode_and_compare(data + off, len - off, seed);
			if (consumed < 0)
				break;
			off += (size_t)consumed;
		} else if (head.content_length > 0) {
			if ((uint64_t)head.content_length > len - off)
				break;
			off += (size_t)head.content_length;
		}
		fuzz_assert(off <= len);
	}
	return 0;
}
