/*
 * gojson.h - the JSON text conventions of Go's encoding/json and strconv
 * that kube-apiserver shows its clients when it handles a patch.
 *
 * kube-apiserver reads a patch with encoding/json (and its fork,
 * sigs.k8s.io/json), so a malformed patch gets Go's syntax messages
 * ("invalid character 'x' looking for beginning of value", "unexpected end
 * of JSON input"), strings get Go's repairs (invalid UTF-8 and unpaired
 * surrogates become U+FFFD), and evanphx/json-patch's "test" compares
 * scalars by the text Go writes for them. This file is those conventions and
 * nothing more; shared/json_patch.c uses them.
 *
 * All appends go to a struct buf (shared/buf.h), which stays NUL-terminated.
 */
#ifndef PGKUBE_GOJSON_H
#define PGKUBE_GOJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

/*
 * Checks text the way encoding/json's scanner does before it decodes
 * anything, allowing at most max_depth nested arrays and objects (Go allows
 * 10000). Returns 0, or -1 with Go's SyntaxError text written to msg (which
 * is reset first): "invalid character '}' after object key", "unexpected
 * end of JSON input", "invalid character '[' exceeded max depth".
 */
int gojson_check(const char *text, size_t len, int max_depth, struct buf *msg);

/*
 * Appends the string a JSON string literal decodes to, literal being the
 * whole token, quotes included, already accepted by gojson_check. Escapes
 * are resolved; bytes that are not UTF-8 and \u escapes that are unpaired
 * surrogates each become U+FFFD, as Go's decoder makes them.
 */
void gojson_unquote(struct buf *out, const char *literal, size_t len);

/*
 * Appends s (UTF-8, any bytes) as encoding/json writes a string with its
 * default HTML escaping: '<', '>' and '&' as \u003c, \u003e, \u0026, U+2028
 * and U+2029 escaped, invalid UTF-8 as \ufffd.
 */
void gojson_encode_string(struct buf *out, const char *s, size_t len);

/*
 * Appends the text encoding/json writes for a JSON integer (decimal) or real
 * (the shortest text that reads back to the same float64, in exponent form
 * below 1e-6 and from 1e21 on: "1e+21", "1e-7").
 */
void gojson_encode_number(struct buf *out, const json_t *number);

/*
 * Appends the escaping that encoding/json's Marshal applies to a
 * json.RawMessage it re-emits: the raw text with '<', '>', '&', U+2028 and
 * U+2029 escaped and every other byte as it was.
 */
void gojson_escape_raw(struct buf *out, const char *raw, size_t len);

/*
 * The value of a JSON number literal as sigs.k8s.io/json reads it into an
 * interface{} with PreserveInts: an integer when the literal has no '.' and
 * fits int64, else a real. NULL when the real overflows float64 (Go's
 * strconv.ParseFloat range error).
 */
json_t *gojson_number(const char *literal, size_t len);

/* strconv.Quote: s in double quotes, with Go's escapes for what is not printable. */
void gojson_quote(struct buf *out, const char *s, size_t len);

/*
 * utf8.DecodeRune: the rune at s and its width; an invalid or truncated
 * sequence, a surrogate or an overlong form is U+FFFD of width 1.
 */
size_t gojson_utf8_decode(const char *s, size_t len, uint32_t *rune);
/* Writes r as UTF-8 to out; returns its width (1 to 4). */
size_t gojson_utf8_encode(uint32_t r, char out[4]);
/* utf8.ValidString. */
bool gojson_utf8_valid(const char *s, size_t len);

enum gojson_atoi_result {
	GOJSON_ATOI_OK,
	GOJSON_ATOI_SYNTAX, /* strconv.ErrSyntax: "invalid syntax" */
	GOJSON_ATOI_RANGE,  /* strconv.ErrRange: "value out of range" */
};

/*
 * strconv.Atoi on a 64-bit platform: an optional sign, then decimal digits
 * (leading zeros allowed), within int64.
 */
enum gojson_atoi_result gojson_atoi(const char *s, size_t len, int64_t *out);

/* Appends Atoi's error text: strconv.Atoi: parsing "x": invalid syntax */
void gojson_atoi_error(struct buf *out, enum gojson_atoi_result result, const char *s, size_t len);

#endif
