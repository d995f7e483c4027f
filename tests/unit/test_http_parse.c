/*
 * test_http_parse.c - unit tests for worker/http_parse.c.
 *
 * One case per rule of the parser: the request line, header syntax, the
 * limits, the framing headers (Content-Length, Transfer-Encoding) and the
 * connection facts, then the chunked decoder, including that every way of
 * cutting the input gives the same result.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker/http_parse.h"

#define MAX_HEAD 8192
#define MAX_BODY (1024 * 1024)

/* The head struct is large; one per test process is enough. */
static struct http_request_head head;

static enum http_parse_result parse(const char *request)
{
	return http_parse_head(request, strlen(request), MAX_HEAD, MAX_BODY, &head);
}

static enum http_parse_result parse_limits(const char *request, size_t max_head, size_t max_body)
{
	return http_parse_head(request, strlen(request), max_head, max_body, &head);
}

static bool slice_is(const char *s, size_t len, const char *expected)
{
	return len == strlen(expected) && memcmp(s, expected, len) == 0;
}

#define ck_assert_slice(s, len, expected)                                                          \
	ck_assert_msg(slice_is((s), (len), (expected)), "expected \"%s\", got \"%.*s\"",           \
		      (expected), (int)(len), (s))

#define ck_assert_parse_error(request, status, message)                                            \
	do {                                                                                       \
		ck_assert_int_eq(parse(request), HTTP_PARSE_ERROR);                                \
		ck_assert_int_eq(head.error_status, (status));                                     \
		ck_assert_str_eq(head.error_message, (message));                                   \
	} while (0)

#define KUBECTL_GET                                                                                \
	"GET /api/v1/namespaces/default/pods?limit=500 HTTP/1.1\r\n"                               \
	"Host: 127.0.0.1:6443\r\n"                                                                 \
	"User-Agent: kubectl/v1.30.0 (linux/amd64) kubernetes/7c48c2b\r\n"                         \
	"Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json\r\n"                \
	"Accept-Encoding: gzip\r\n"                                                                \
	"\r\n"

/* Request line and headers. */

START_TEST(test_kubectl_get)
{
	ck_assert_int_eq(parse(KUBECTL_GET), HTTP_PARSE_OK);
	ck_assert_slice(head.method, head.method_len, "GET");
	ck_assert_slice(head.target, head.target_len, "/api/v1/namespaces/default/pods?limit=500");
	ck_assert_int_eq(head.minor_version, 1);
	ck_assert_uint_eq(head.num_headers, 4);
	ck_assert_slice(head.headers[0].name, head.headers[0].name_len, "Host");
	ck_assert_slice(head.headers[0].value, head.headers[0].value_len, "127.0.0.1:6443");
	ck_assert_slice(head.headers[2].value, head.headers[2].value_len,
			"application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
	ck_assert_uint_eq(head.head_len, strlen(KUBECTL_GET));
	ck_assert_int_eq(head.content_length, -1);
	ck_assert(!head.chunked);
	ck_assert(!head.expect_continue);
	ck_assert(head.keep_alive);
	ck_assert_int_eq(head.error_status, 0);
}
END_TEST

START_TEST(test_post_with_body)
{
	const char *request =
	    "POST /api/v1/namespaces/default/configmaps?fieldManager=kubectl-create"
	    " HTTP/1.1\r\n"
	    "Host: localhost\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 13\r\n"
	    "\r\n"
	    "{\"kind\":\"x\"}\n";

	ck_assert_int_eq(parse(request), HTTP_PARSE_OK);
	ck_assert_slice(head.method, head.method_len, "POST");
	ck_assert_int_eq(head.content_length, 13);
	ck_assert_uint_eq(head.head_len, strlen(request) - 13);
	ck_assert_slice(request + head.head_len, 13, "{\"kind\":\"x\"}\n");
}
END_TEST

START_TEST(test_methods_are_tokens)
{
	ck_assert_int_eq(parse("PATCH /x HTTP/1.1\r\nHost: h\r\n\r\n"), HTTP_PARSE_OK);
	ck_assert_slice(head.method, head.method_len, "PATCH");
	ck_assert_int_eq(parse("M-SEARCH! /x HTTP/1.1\r\nHost: h\r\n\r\n"), HTTP_PARSE_OK);
	ck_assert_slice(head.method, head.method_len, "M-SEARCH!");
	ck_assert_int_eq(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"), HTTP_PARSE_OK);
	ck_assert_slice(head.target, head.target_len, "*");
}
END_TEST

START_TEST(test_header_value_trimmed)
{
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: \t a  b \t \r\nX-Empty:\r\n"
			       "X-Spaces:   \r\nX-Tight:v\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert_uint_eq(head.num_headers, 5);
	ck_assert_slice(head.headers[1].value, head.headers[1].value_len, "a  b");
	ck_assert_slice(head.headers[2].value, head.headers[2].value_len, "");
	ck_assert_slice(head.headers[3].value, head.headers[3].value_len, "");
	ck_assert_slice(head.headers[4].value, head.headers[4].value_len, "v");
}
END_TEST

START_TEST(test_header_value_allows_tab_and_obs_text)
{
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\tb \xc3\xa9\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert_slice(head.headers[1].value, head.headers[1].value_len, "a\tb \xc3\xa9");
}
END_TEST

START_TEST(test_find_header)
{
	const struct http_header *h;

	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nx-dup: 1\r\nX-DUP: 2\r\n\r\n"),
			 HTTP_PARSE_OK);
	h = http_find_header(&head, "X-Dup");
	ck_assert_ptr_nonnull(h);
	ck_assert_slice(h->value, h->value_len, "1");
	ck_assert_ptr_nonnull(http_find_header(&head, "HOST"));
	ck_assert_ptr_null(http_find_header(&head, "X-Du"));
	ck_assert_ptr_null(http_find_header(&head, "X-Dupe"));
	ck_assert_ptr_null(http_find_header(&head, "Accept"));
}
END_TEST

START_TEST(test_pipelined_requests)
{
	const char *buffer = "PUT /a HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
			     "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"
			     "DELETE /c HTTP/1.1\r\nHost: h\r\n\r\n";
	size_t len = strlen(buffer), off;

	ck_assert_int_eq(http_parse_head(buffer, len, MAX_HEAD, MAX_BODY, &head), HTTP_PARSE_OK);
	ck_assert_slice(head.target, head.target_len, "/a");
	ck_assert_int_eq(head.content_length, 3);
	off = head.head_len + 3;
	ck_assert_int_eq(http_parse_head(buffer + off, len - off, MAX_HEAD, MAX_BODY, &head),
			 HTTP_PARSE_OK);
	ck_assert_slice(head.method, head.method_len, "GET");
	ck_assert_slice(head.target, head.target_len, "/b");
	off += head.head_len;
	ck_assert_int_eq(http_parse_head(buffer + off, len - off, MAX_HEAD, MAX_BODY, &head),
			 HTTP_PARSE_OK);
	ck_assert_slice(head.method, head.method_len, "DELETE");
	ck_assert_uint_eq(off + head.head_len, len);
}
END_TEST

START_TEST(test_head_split_at_every_offset)
{
	const char *requests[] = {
	    KUBECTL_GET,
	    "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
	    "GET / HTTP/1.0\r\n\r\n",
	};
	size_t r, k;

	for (r = 0; r < sizeof(requests) / sizeof(requests[0]); r++) {
		size_t len = strlen(requests[r]);

		for (k = 0; k < len; k++) {
			enum http_parse_result res =
			    http_parse_head(requests[r], k, MAX_HEAD, MAX_BODY, &head);

			ck_assert_msg(res == HTTP_PARSE_INCOMPLETE, "request %zu prefix %zu: %d", r,
				      k, res);
		}
		ck_assert_int_eq(http_parse_head(requests[r], len, MAX_HEAD, MAX_BODY, &head),
				 HTTP_PARSE_OK);
		ck_assert_uint_eq(head.head_len, len);
	}
}
END_TEST

START_TEST(test_bytes_after_head_do_not_matter)
{
	char buffer[256];
	const char *request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	size_t len = strlen(request), k;

	memcpy(buffer, request, len);
	memset(buffer + len, '\n', sizeof(buffer) - len);
	for (k = len; k <= sizeof(buffer); k++) {
		ck_assert_int_eq(http_parse_head(buffer, k, MAX_HEAD, MAX_BODY, &head),
				 HTTP_PARSE_OK);
		ck_assert_uint_eq(head.head_len, len);
	}
}
END_TEST

START_TEST(test_error_found_before_head_is_complete)
{
	ck_assert_int_eq(parse("GET  /"), HTTP_PARSE_ERROR);
	ck_assert_int_eq(head.error_status, 400);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nBad Name"), HTTP_PARSE_ERROR);
	ck_assert_int_eq(head.error_status, 400);
}
END_TEST

static const char *const malformed_request_lines[] = {
    "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",	    /* two spaces */
    "GET /  HTTP/1.1\r\nHost: h\r\n\r\n",	    /* two spaces */
    " GET / HTTP/1.1\r\nHost: h\r\n\r\n",	    /* leading space */
    "\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",	    /* leading empty line */
    "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",	    /* tab separator */
    "GE(T / HTTP/1.1\r\nHost: h\r\n\r\n",	    /* non-token method */
    "GET HTTP/1.1\r\nHost: h\r\n\r\n",		    /* no target */
    "GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n",	    /* control byte in target */
    "GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n",    /* non-ASCII target */
    "GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n",	    /* DEL in target */
    "GET / http/1.1\r\nHost: h\r\n\r\n",	    /* lower-case protocol */
    "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",	    /* trailing space */
    "GET / HTTP/a.1\r\nHost: h\r\n\r\n",	    /* non-digit major */
    "GET / HTTP/1.x\r\nHost: h\r\n\r\n",	    /* non-digit minor */
    "GET / HTTP/1\r\nHost: h\r\n\r\n",		    /* no minor version */
    "GET / HTTP/1.10\r\nHost: h\r\n\r\n",	    /* two-digit minor */
    "GET / HTTP/11.1\r\nHost: h\r\n\r\n",	    /* two-digit major */
    "GET / HTTPS/1.1\r\nHost: h\r\n\r\n",	    /* not HTTP */
    "GET /\r\nHost: h\r\n\r\n",			    /* HTTP/0.9 style */
    "GET / HTTP/1.1\nHost: h\r\n\r\n",		    /* bare LF */
    "GET / HTTP/1.1\rHost: h\r\n\r\n",		    /* bare CR */
    "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n",	    /* CR CR LF */
    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", /* a TLS ClientHello */
};

START_TEST(test_malformed_request_line)
{
	ck_assert_parse_error(malformed_request_lines[_i], 400, "malformed request line");
}
END_TEST

static const char *const unsupported_versions[] = {
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    "GET / HTTP/0.9\r\nHost: h\r\n\r\n",
    "GET / HTTP/1.2\r\nHost: h\r\n\r\n",
    "GET / HTTP/3.0\r\nHost: h\r\n\r\n",
};

START_TEST(test_unsupported_version)
{
	ck_assert_parse_error(unsupported_versions[_i], 505, "HTTP Version Not Supported");
}
END_TEST

static const char *const malformed_headers[] = {
    "GET / HTTP/1.1\r\nHost : h\r\n\r\n",		  /* space before ':' */
    "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n",		  /* tab before ':' */
    "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",	  /* obs-fold */
    "GET / HTTP/1.1\r\nHost: h\r\n\tfolded\r\n\r\n",	  /* obs-fold */
    "GET / HTTP/1.1\r\n Host: h\r\n\r\n",		  /* space before first header */
    "GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n",		  /* bare LF */
    "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",		  /* bare CR */
    "GET / HTTP/1.1\r\nHost: h\r\nX: a\nb\r\n\r\n",	  /* bare LF inside a value */
    "GET / HTTP/1.1\r\nHost: h\r\nX:\n\r\n",		  /* bare LF after an empty value */
    "GET / HTTP/1.1\r\nHost: h\r\n\n",			  /* bare LF ends head */
    "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n",		  /* CR CR LF ends head */
    "GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",	  /* no ':' */
    "GET / HTTP/1.1\r\nHost: h\r\n: empty-name\r\n\r\n",  /* empty name */
    "GET / HTTP/1.1\r\nHost: h\r\nX(Y): z\r\n\r\n",	  /* non-token name */
    "GET / HTTP/1.1\r\nHost: h\r\nX-\xc3\xa9: z\r\n\r\n", /* non-ASCII name */
};

START_TEST(test_malformed_header)
{
	ck_assert_parse_error(malformed_headers[_i], 400, "malformed header line");
}
END_TEST

static const char *const control_bytes_in_values[] = {
    "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: h\r\nX: \x1b[1m\r\n\r\n",
    "GET / HTTP/1.1\r\nHost: h\r\nX: a\x0b\r\n\r\n",
};

START_TEST(test_control_byte_in_value)
{
	ck_assert_parse_error(control_bytes_in_values[_i], 400, "invalid byte in header value");
}
END_TEST

START_TEST(test_nul_byte_in_value)
{
	static const char request[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";

	ck_assert_int_eq(http_parse_head(request, sizeof(request) - 1, MAX_HEAD, MAX_BODY, &head),
			 HTTP_PARSE_ERROR);
	ck_assert_int_eq(head.error_status, 400);
	ck_assert_str_eq(head.error_message, "invalid byte in header value");
}
END_TEST

/* A request with n headers (Host and n - 1 others) in a malloc'd string. */
static char *request_with_headers(size_t n)
{
	size_t cap = 64 + n * 32, i;
	char *s = malloc(cap);
	size_t len;

	ck_assert_ptr_nonnull(s);
	len = (size_t)snprintf(s, cap, "GET / HTTP/1.1\r\nHost: h\r\n");
	for (i = 1; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "X-H%zu: %zu\r\n", i, i);
	snprintf(s + len, cap - len, "\r\n");
	return s;
}

START_TEST(test_header_count_limit)
{
	char *ok = request_with_headers(HTTP_MAX_HEADERS);
	char *too_many = request_with_headers(HTTP_MAX_HEADERS + 1);

	ck_assert_int_eq(parse(ok), HTTP_PARSE_OK);
	ck_assert_uint_eq(head.num_headers, HTTP_MAX_HEADERS);
	ck_assert_parse_error(too_many, 431, "Request Header Fields Too Large");
	free(ok);
	free(too_many);
}
END_TEST

START_TEST(test_head_size_limit)
{
	const char *request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
	size_t len = strlen(request);

	ck_assert_int_eq(parse_limits(request, len, MAX_BODY), HTTP_PARSE_OK);
	ck_assert_int_eq(parse_limits(request, len - 1, MAX_BODY), HTTP_PARSE_ERROR);
	ck_assert_int_eq(head.error_status, 431);
	ck_assert_str_eq(head.error_message, "Request Header Fields Too Large");
}
END_TEST

START_TEST(test_incomplete_head_past_limit)
{
	const char *partial = "GET / HTTP/1.1\r\nHost: h\r\nX-Long: aaaaaaaaaaaaaaaaaaaaaaaa";
	size_t len = strlen(partial);

	ck_assert_int_eq(http_parse_head(partial, len, len, MAX_BODY, &head),
			 HTTP_PARSE_INCOMPLETE);
	ck_assert_int_eq(http_parse_head(partial, len, len - 1, MAX_BODY, &head), HTTP_PARSE_ERROR);
	ck_assert_int_eq(head.error_status, 431);
	ck_assert_str_eq(head.error_message, "Request Header Fields Too Large");
}
END_TEST

/* Framing: Content-Length and Transfer-Encoding. */

START_TEST(test_content_length_values)
{
	ck_assert_int_eq(parse("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert_int_eq(head.content_length, 0);
	ck_assert_int_eq(parse("PUT / HTTP/1.1\r\nHost: h\r\ncontent-length:007\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert_int_eq(head.content_length, 7);
	ck_assert_int_eq(parse_limits("PUT / HTTP/1.1\r\nHost: h\r\n"
				      "Content-Length: 9223372036854775807\r\n\r\n",
				      MAX_HEAD, SIZE_MAX),
			 HTTP_PARSE_OK);
	ck_assert_int_eq(head.content_length, INT64_MAX);
}
END_TEST

static const char *const invalid_content_lengths[] = {
    "-1",
    "+1",
    "1 2",
    "abc",
    "",
    "1.0",
    "0x10",
    "12a",
    "9223372036854775808",
    "99999999999999999999999",
    "5,,5",
    "5,",
    ",5",
    "\xef\xbc\x95", /* fullwidth 5 */
};

START_TEST(test_invalid_content_length)
{
	char request[256];

	snprintf(request, sizeof(request),
		 "PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: %s\r\n\r\n",
		 invalid_content_lengths[_i]);
	ck_assert_int_eq(parse_limits(request, MAX_HEAD, SIZE_MAX), HTTP_PARSE_ERROR);
	ck_assert_int_eq(head.error_status, 400);
	ck_assert_str_eq(head.error_message, "invalid Content-Length");
}
END_TEST

START_TEST(test_repeated_content_length)
{
	ck_assert_int_eq(parse("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
			       "Content-Length: 5\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert_int_eq(head.content_length, 5);
	ck_assert_int_eq(parse("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5 ,5,\t5\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert_int_eq(head.content_length, 5);
	ck_assert_parse_error("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
			      "Content-Length: 6\r\n\r\n",
			      400, "conflicting Content-Length");
	ck_assert_parse_error("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 50\r\n\r\n", 400,
			      "conflicting Content-Length");
	ck_assert_parse_error("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
			      "Content-Length: 00\r\nContent-Length: 1\r\n\r\n",
			      400, "conflicting Content-Length");
}
END_TEST

START_TEST(test_content_length_over_max_body)
{
	ck_assert_int_eq(
	    parse_limits("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n", MAX_HEAD, 100),
	    HTTP_PARSE_OK);
	ck_assert_int_eq(
	    parse_limits("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n", MAX_HEAD, 100),
	    HTTP_PARSE_ERROR);
	ck_assert_int_eq(head.error_status, 413);
	ck_assert_str_eq(head.error_message, "Request Entity Too Large");
}
END_TEST

START_TEST(test_transfer_encoding_chunked)
{
	ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert(head.chunked);
	ck_assert_int_eq(head.content_length, -1);
	ck_assert_int_eq(
	    parse("POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding:\tChUnKeD \r\n\r\n"),
	    HTTP_PARSE_OK);
	ck_assert(head.chunked);
}
END_TEST

static const char *const unsupported_transfer_encodings[] = {
    "Transfer-Encoding: gzip\r\n",
    "Transfer-Encoding: gzip, chunked\r\n",
    "Transfer-Encoding: chunked, chunked\r\n",
    "Transfer-Encoding: identity\r\n",
    "Transfer-Encoding: chunked;q=1\r\n",
    "Transfer-Encoding: xchunked\r\n",
    "Transfer-Encoding: \r\n",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
};

START_TEST(test_unsupported_transfer_encoding)
{
	char request[256];

	snprintf(request, sizeof(request), "POST / HTTP/1.1\r\nHost: h\r\n%s\r\n",
		 unsupported_transfer_encodings[_i]);
	ck_assert_parse_error(request, 501, "Not Implemented");
}
END_TEST

START_TEST(test_transfer_encoding_with_content_length)
{
	ck_assert_parse_error("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
			      "Content-Length: 5\r\n\r\n",
			      400, "both Transfer-Encoding and Content-Length");
	ck_assert_parse_error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
			      "Transfer-Encoding: chunked\r\n\r\n",
			      400, "both Transfer-Encoding and Content-Length");
	/* Still a smuggling attempt when the coding itself is unsupported. */
	ck_assert_parse_error("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
			      "Transfer-Encoding: gzip\r\n\r\n",
			      400, "both Transfer-Encoding and Content-Length");
}
END_TEST

START_TEST(test_transfer_encoding_on_http_1_0)
{
	ck_assert_parse_error("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
			      "Transfer-Encoding on HTTP/1.0");
}
END_TEST

/* Host, Expect, Connection. */

START_TEST(test_host_required_on_http_1_1)
{
	ck_assert_parse_error("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400,
			      "missing required Host header");
	ck_assert_int_eq(parse("GET / HTTP/1.0\r\n\r\n"), HTTP_PARSE_OK);
	ck_assert_int_eq(head.minor_version, 0);
	ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n"), HTTP_PARSE_OK);
}
END_TEST

START_TEST(test_host_only_once)
{
	ck_assert_parse_error("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400,
			      "too many Host headers");
	ck_assert_parse_error("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", 400,
			      "too many Host headers");
}
END_TEST

START_TEST(test_expect_continue)
{
	ck_assert_int_eq(parse("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
			       "Expect: 100-continue\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert(head.expect_continue);
	ck_assert_int_eq(parse("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert(head.expect_continue);
	ck_assert_int_eq(parse("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continued\r\n\r\n"),
			 HTTP_PARSE_OK);
	ck_assert(!head.expect_continue);
	ck_assert_int_eq(parse("PUT / HTTP/1.1\r\nHost: h\r\n\r\n"), HTTP_PARSE_OK);
	ck_assert(!head.expect_continue);
	/* RFC 9110 10.1.1: a 100-continue in an HTTP/1.0 request is ignored. */
	ck_assert_int_eq(parse("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n"), HTTP_PARSE_OK);
	ck_assert(!head.expect_continue);
}
END_TEST

static const struct {
	const char *request;
	bool keep_alive;
} keep_alive_cases[] = {
    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true},
    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false},
    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: CLOSE\r\n\r\n", false},
    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, close\r\n\r\n", false},
    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: te\r\nConnection:  close \r\n\r\n", false},
    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n", true},
    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n", true},
    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, close\r\n\r\n", false},
    {"GET / HTTP/1.0\r\n\r\n", false},
    {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
    {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
    {"GET / HTTP/1.0\r\nConnection: foo,keep-alive\r\n\r\n", true},
    {"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", false},
    {"GET / HTTP/1.0\r\nConnection: keep-alived\r\n\r\n", false},
    {"GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n", false},
};

START_TEST(test_keep_alive)
{
	ck_assert_int_eq(parse(keep_alive_cases[_i].request), HTTP_PARSE_OK);
	ck_assert_msg(head.keep_alive == keep_alive_cases[_i].keep_alive, "%s",
		      keep_alive_cases[_i].request);
}
END_TEST

/* Chunked bodies. */

struct decode_result {
	ssize_t consumed; /* -1 on error */
	int error_status;
	bool done;
	struct buf out;
};

/* Feeds body[0..len) in pieces of at most piece bytes (0: all at once). */
static struct decode_result decode_in_pieces(const char *body, size_t len, size_t piece,
					     size_t max_body)
{
	struct http_chunked_decoder d = {0};
	struct decode_result r = {0};
	size_t off = 0;

	do {
		size_t n = piece && len - off > piece ? piece : len - off;
		ssize_t c =
		    http_chunked_decode(&d, body + off, n, &r.out, max_body, &r.error_status);

		if (c < 0) {
			r.consumed = -1;
			return r;
		}
		ck_assert_uint_le((size_t)c, n);
		if (!d.done)
			ck_assert_uint_eq((size_t)c, n);
		off += (size_t)c;
	} while (!d.done && off < len);
	r.consumed = (ssize_t)off;
	r.done = d.done;
	return r;
}

static struct decode_result decode(const char *body, size_t max_body)
{
	return decode_in_pieces(body, strlen(body), 0, max_body);
}

#define ck_assert_decoded(r, expected)                                                             \
	do {                                                                                       \
		ck_assert_int_ge((r).consumed, 0);                                                 \
		ck_assert((r).done);                                                               \
		ck_assert_slice((r).out.data ? (r).out.data : "", (r).out.len, (expected));        \
	} while (0)

START_TEST(test_chunked_simple)
{
	const char *body = "5\r\nhello\r\n0\r\n\r\n";
	struct decode_result r = decode(body, MAX_BODY);

	ck_assert_decoded(r, "hello");
	ck_assert_int_eq(r.consumed, (ssize_t)strlen(body));
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_several_chunks_and_hex)
{
	struct decode_result r = decode("3\r\nabc\r\nA\r\n0123456789\r\n1a\r\n"
					"abcdefghijklmnopqrstuvwxyz\r\n000\r\n\r\n",
					MAX_BODY);

	ck_assert_decoded(r, "abc0123456789abcdefghijklmnopqrstuvwxyz");
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_empty_body)
{
	struct decode_result r = decode("0\r\n\r\n", MAX_BODY);

	ck_assert_decoded(r, "");
	ck_assert_int_eq(r.consumed, 5);
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_extensions)
{
	struct decode_result r = decode("5;name=value;flag\r\nhello\r\n2 ; q=\"a b\"\r\n, "
					"\r\n6\t;x\r\nworld!\r\n0;last\r\n\r\n",
					MAX_BODY);

	ck_assert_decoded(r, "hello, world!");
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_trailers)
{
	struct decode_result r =
	    decode("2\r\nok\r\n0\r\nX-Checksum: abc\r\nX-Empty:\r\n\r\n", MAX_BODY);

	ck_assert_decoded(r, "ok");
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_stops_at_end)
{
	const char *input = "3\r\nabc\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
	struct decode_result r = decode(input, MAX_BODY);

	ck_assert_decoded(r, "abc");
	ck_assert_int_eq(r.consumed, (ssize_t)strlen("3\r\nabc\r\n0\r\n\r\n"));
	ck_assert_int_eq(parse(input + r.consumed), HTTP_PARSE_OK);
	ck_assert_slice(head.method, head.method_len, "GET");
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_done_consumes_nothing_more)
{
	struct http_chunked_decoder d = {0};
	struct buf out = {0};
	int status = 0;

	ck_assert_int_eq(http_chunked_decode(&d, "0\r\n\r\n", 5, &out, MAX_BODY, &status), 5);
	ck_assert(d.done);
	ck_assert_int_eq(http_chunked_decode(&d, "1\r\nx\r\n", 6, &out, MAX_BODY, &status), 0);
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
}
END_TEST

START_TEST(test_chunked_empty_input)
{
	struct http_chunked_decoder d = {0};
	struct buf out = {0};
	int status = 0;

	ck_assert_int_eq(http_chunked_decode(&d, "", 0, &out, MAX_BODY, &status), 0);
	ck_assert(!d.done);
	ck_assert_int_eq(http_chunked_decode(&d, "0\r\n\r\n", 5, &out, MAX_BODY, &status), 5);
	ck_assert(d.done);
	buf_free(&out);
}
END_TEST

/*
 * Every cut of the input into two reads, and every piece size, must give
 * the same bytes, the same count consumed and the same verdict.
 */
static void check_every_split(const char *input, size_t max_body)
{
	size_t len = strlen(input), k;
	struct decode_result whole = decode_in_pieces(input, len, 0, max_body);

	for (k = 0; k <= len; k++) {
		struct http_chunked_decoder d = {0};
		struct decode_result r = {0};
		ssize_t c1, c2 = 0;

		c1 = http_chunked_decode(&d, input, k, &r.out, max_body, &r.error_status);
		if (c1 >= 0 && !d.done) {
			ck_assert_int_eq(c1, (ssize_t)k);
			c2 = http_chunked_decode(&d, input + k, len - k, &r.out, max_body,
						 &r.error_status);
		}
		if (c1 < 0 || c2 < 0) {
			ck_assert_int_eq(whole.consumed, -1);
			ck_assert_int_eq(r.error_status, whole.error_status);
		} else {
			ck_assert_int_eq(c1 + c2, whole.consumed);
			ck_assert(d.done == whole.done);
		}
		ck_assert_uint_eq(r.out.len, whole.out.len);
		if (r.out.len)
			ck_assert_mem_eq(r.out.data, whole.out.data, r.out.len);
		buf_free(&r.out);
	}
	for (k = 1; k <= len; k++) {
		struct decode_result r = decode_in_pieces(input, len, k, max_body);

		ck_assert_int_eq(r.consumed, whole.consumed);
		ck_assert_int_eq(r.error_status, whole.error_status);
		ck_assert(r.done == whole.done);
		ck_assert_uint_eq(r.out.len, whole.out.len);
		if (r.out.len)
			ck_assert_mem_eq(r.out.data, whole.out.data, r.out.len);
		buf_free(&r.out);
	}
	buf_free(&whole.out);
}

static const char *const split_inputs[] = {
    "5\r\nhello\r\n0\r\n\r\n",
    "1;a=b\r\nx\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\nU: w\r\n\r\nGET / HTTP/1.1\r\n",
    "3\r\nabc\r\n0\r\n\r\n3\r\nxyz\r\n",
    "3\r\nabc\r\nzz\r\n",	  /* error after data */
    "5\r\nhelloX\r\n0\r\n\r\n",	  /* data longer than announced */
    "8\r\n12345678\r\n0\r\n\r\n", /* over max_body 7 */
    "2\r\n12\r\n0\r\nbad trailer\r\n\r\n",
};

START_TEST(test_chunked_every_split)
{
	check_every_split(split_inputs[_i], 7);
}
END_TEST

START_TEST(test_chunked_every_split_verdicts)
{
	/* The inputs above mean what the split test assumes they mean. */
	struct decode_result r;

	r = decode(split_inputs[1], MAX_BODY);
	ck_assert_decoded(r, "x0123456789abcdef");
	ck_assert_int_eq(r.consumed,
			 (ssize_t)(strlen(split_inputs[1]) - strlen("GET / HTTP/1.1\r\n")));
	buf_free(&r.out);
	r = decode(split_inputs[3], MAX_BODY);
	ck_assert_int_eq(r.consumed, -1);
	ck_assert_int_eq(r.error_status, 400);
	buf_free(&r.out);
	r = decode(split_inputs[5], 7);
	ck_assert_int_eq(r.consumed, -1);
	ck_assert_int_eq(r.error_status, 413);
	buf_free(&r.out);
}
END_TEST

static const char *const malformed_chunked[] = {
    "\r\n",			      /* no size */
    ";ext\r\n",			      /* no size */
    " 5\r\nhello\r\n0\r\n\r\n",	      /* space before size */
    "g\r\n",			      /* not hex */
    "-1\r\n",			      /* sign */
    "+5\r\nhello\r\n0\r\n\r\n",	      /* sign */
    "0x5\r\nhello\r\n0\r\n\r\n",      /* C prefix */
    "5 5\r\nhello\r\n",		      /* space inside the size */
    "5\nhello\r\n0\r\n\r\n",	      /* bare LF after size */
    "5\rhello\r\n0\r\n\r\n",	      /* bare CR after size */
    "5\r\nhelloX\r\n0\r\n\r\n",	      /* data longer than the size */
    "5\r\nhello\n0\r\n\r\n",	      /* bare LF after data */
    "5\r\nhello\r0\r\n\r\n",	      /* bare CR after data */
    "5;a\x01\r\nhello\r\n0\r\n\r\n",  /* control byte in extension */
    "5;a\nhello\r\n0\r\n\r\n",	      /* bare LF in extension */
    "0\r\n\n",			      /* bare LF ends trailers */
    "0\r\n\r\r\n",		      /* CR CR LF ends trailers */
    "0\r\n folded\r\n\r\n",	      /* obs-fold in trailers */
    "0\r\nNoColon\r\n\r\n",	      /* trailer without ':' */
    "0\r\nX : y\r\n\r\n",	      /* space before ':' */
    "0\r\nX: a\x7f\r\n\r\n",	      /* DEL in trailer */
    "0\r\nX: a\rY: b\r\n\r\n",	      /* bare CR in trailer */
    "0\r\nX: a\nY: b\r\n\r\n",	      /* bare LF in trailer */
    "4000000000000000\r\n",	      /* 2^62 */
    "10000000000000000\r\n",	      /* 2^64 */
    "00000000000000000000000000001g", /* leading zeros are fine, the g is not */
};

START_TEST(test_chunked_malformed)
{
	struct decode_result r = decode(malformed_chunked[_i], (size_t)-1);

	ck_assert_int_eq(r.consumed, -1);
	ck_assert_int_eq(r.error_status, 400);
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_size_limit_boundary)
{
	/* 2^62 - 1 is a size, not an overflow; then it is merely too large. */
	struct decode_result r = decode("3fffffffffffffff\r\n", MAX_BODY);

	ck_assert_int_eq(r.consumed, -1);
	ck_assert_int_eq(r.error_status, 413);
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_max_body)
{
	struct decode_result r;

	r = decode("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 5);
	ck_assert_decoded(r, "abcde");
	buf_free(&r.out);
	r = decode("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n", 5);
	ck_assert_int_eq(r.consumed, -1);
	ck_assert_int_eq(r.error_status, 413);
	ck_assert_uint_le(r.out.len, 5);
	buf_free(&r.out);
}
END_TEST

START_TEST(test_chunked_size_line_limit)
{
	size_t ext = 4096 - strlen("5;\r\n");
	char *line = malloc(ext + 64);
	struct decode_result r;

	ck_assert_ptr_nonnull(line);
	/* A size line of exactly 4096 bytes with its CRLF is accepted. */
	memcpy(line, "5;", 2);
	memset(line + 2, 'e', ext);
	strcpy(line + 2 + ext, "\r\nhello\r\n0\r\n\r\n");
	r = decode(line, MAX_BODY);
	ck_assert_decoded(r, "hello");
	buf_free(&r.out);
	/* One byte more is not. */
	memset(line + 2, 'e', ext + 1);
	strcpy(line + 2 + ext + 1, "\r\nhello\r\n0\r\n\r\n");
	r = decode(line, MAX_BODY);
	ck_assert_int_eq(r.consumed, -1);
	ck_assert_int_eq(r.error_status, 400);
	buf_free(&r.out);
	free(line);
}
END_TEST

START_TEST(test_chunked_trailer_limit)
{
	/* Many short trailer lines: the bound is on the whole section. */
	size_t lines = 64 * 1024 / 8 + 1, i;
	char *input = malloc(8 + lines * 8 + 8);
	size_t len = 0;
	struct decode_result r;

	ck_assert_ptr_nonnull(input);
	len += (size_t)sprintf(input, "0\r\n");
	for (i = 0; i < lines; i++)
		len += (size_t)sprintf(input + len, "X: abc\r\n");
	sprintf(input + len, "\r\n");
	r = decode(input, MAX_BODY);
	ck_assert_int_eq(r.consumed, -1);
	ck_assert_int_eq(r.error_status, 400);
	buf_free(&r.out);
	/* Half as many lines are fine. */
	sprintf(input + 3 + lines / 2 * 8, "\r\n");
	r = decode(input, MAX_BODY);
	ck_assert_decoded(r, "");
	buf_free(&r.out);
	free(input);
}
END_TEST

START_TEST(test_chunked_fails_for_good)
{
	struct http_chunked_decoder d = {0};
	struct buf out = {0};
	int status = 0;

	ck_assert_int_eq(http_chunked_decode(&d, "5\r\nhello\r\nz", 11, &out, 4, &status), -1);
	ck_assert_int_eq(status, 413);
	status = 0;
	ck_assert_int_eq(http_chunked_decode(&d, "0\r\n\r\n", 5, &out, 4, &status), -1);
	ck_assert_int_eq(status, 413);
	ck_assert(!d.done);
	buf_free(&out);
}
END_TEST

START_TEST(test_chunked_request_end_to_end)
{
	const char *buffer = "PATCH /apis/apps/v1/namespaces/ns/deployments/web HTTP/1.1\r\n"
			     "Host: h\r\nContent-Type: application/merge-patch+json\r\n"
			     "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
			     "7\r\n{\"a\":1}\r\n0\r\n\r\n"
			     "GET /healthz HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
	size_t len = strlen(buffer), off;
	struct decode_result r;

	ck_assert_int_eq(http_parse_head(buffer, len, MAX_HEAD, MAX_BODY, &head), HTTP_PARSE_OK);
	ck_assert(head.chunked);
	ck_assert(head.expect_continue);
	off = head.head_len;
	r = decode_in_pieces(buffer + off, len - off, 3, MAX_BODY);
	ck_assert_decoded(r, "{\"a\":1}");
	off += (size_t)r.consumed;
	ck_assert_int_eq(http_parse_head(buffer + off, len - off, MAX_HEAD, MAX_BODY, &head),
			 HTTP_PARSE_OK);
	ck_assert_slice(head.target, head.target_len, "/healthz");
	ck_assert(!head.keep_alive);
	ck_assert_uint_eq(off + head.head_len, len);
	buf_free(&r.out);
}
END_TEST

#define N(array) ((int)(sizeof(array) / sizeof((array)[0])))

static Suite *http_parse_suite(void)
{
	Suite *s = suite_create("http_parse");
	TCase *line = tcase_create("request line and headers");
	TCase *framing = tcase_create("framing");
	TCase *connection = tcase_create("connection");
	TCase *chunked = tcase_create("chunked");

	tcase_add_test(line, test_kubectl_get);
	tcase_add_test(line, test_post_with_body);
	tcase_add_test(line, test_methods_are_tokens);
	tcase_add_test(line, test_header_value_trimmed);
	tcase_add_test(line, test_header_value_allows_tab_and_obs_text);
	tcase_add_test(line, test_find_header);
	tcase_add_test(line, test_pipelined_requests);
	tcase_add_test(line, test_head_split_at_every_offset);
	tcase_add_test(line, test_bytes_after_head_do_not_matter);
	tcase_add_test(line, test_error_found_before_head_is_complete);
	tcase_add_loop_test(line, test_malformed_request_line, 0, N(malformed_request_lines));
	tcase_add_loop_test(line, test_unsupported_version, 0, N(unsupported_versions));
	tcase_add_loop_test(line, test_malformed_header, 0, N(malformed_headers));
	tcase_add_loop_test(line, test_control_byte_in_value, 0, N(control_bytes_in_values));
	tcase_add_test(line, test_nul_byte_in_value);
	tcase_add_test(line, test_header_count_limit);
	tcase_add_test(line, test_head_size_limit);
	tcase_add_test(line, test_incomplete_head_past_limit);
	suite_add_tcase(s, line);

	tcase_add_test(framing, test_content_length_values);
	tcase_add_loop_test(framing, test_invalid_content_length, 0, N(invalid_content_lengths));
	tcase_add_test(framing, test_repeated_content_length);
	tcase_add_test(framing, test_content_length_over_max_body);
	tcase_add_test(framing, test_transfer_encoding_chunked);
	tcase_add_loop_test(framing, test_unsupported_transfer_encoding, 0,
			    N(unsupported_transfer_encodings));
	tcase_add_test(framing, test_transfer_encoding_with_content_length);
	tcase_add_test(framing, test_transfer_encoding_on_http_1_0);
	suite_add_tcase(s, framing);

	tcase_add_test(connection, test_host_required_on_http_1_1);
	tcase_add_test(connection, test_host_only_once);
	tcase_add_test(connection, test_expect_continue);
	tcase_add_loop_test(connection, test_keep_alive, 0, N(keep_alive_cases));
	suite_add_tcase(s, connection);

	tcase_add_test(chunked, test_chunked_simple);
	tcase_add_test(chunked, test_chunked_several_chunks_and_hex);
	tcase_add_test(chunked, test_chunked_empty_body);
	tcase_add_test(chunked, test_chunked_extensions);
	tcase_add_test(chunked, test_chunked_trailers);
	tcase_add_test(chunked, test_chunked_stops_at_end);
	tcase_add_test(chunked, test_chunked_done_consumes_nothing_more);
	tcase_add_test(chunked, test_chunked_empty_input);
	tcase_add_loop_test(chunked, test_chunked_every_split, 0, N(split_inputs));
	tcase_add_test(chunked, test_chunked_every_split_verdicts);
	tcase_add_loop_test(chunked, test_chunked_malformed, 0, N(malformed_chunked));
	tcase_add_test(chunked, test_chunked_size_limit_boundary);
	tcase_add_test(chunked, test_chunked_max_body);
	tcase_add_test(chunked, test_chunked_size_line_limit);
	tcase_add_test(chunked, test_chunked_trailer_limit);
	tcase_add_test(chunked, test_chunked_fails_for_good);
	tcase_add_test(chunked, test_chunked_request_end_to_end);
	suite_add_tcase(s, chunked);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(http_parse_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
