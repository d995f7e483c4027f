/*
 * gojson.c - Go's JSON text conventions; see gojson.h.
 *
 * The syntax check is a byte-at-a-time state machine with the states of
 * encoding/json's scanner (scanner.go, Go 1.23), because the state decides
 * the wording of the error: the same stray ',' is "looking for beginning of
 * value" after '[' and "after object key" after a key. Like Go's, it never
 * backtracks and keeps the nesting on an explicit stack, so depth costs no C
 * stack.
 */
#include "gojson.h"
#include "shared/unicode_class.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char hex_digits[] = "0123456789abcdef";

/* ---- UTF-8 as Go's unicode/utf8 reads it ---- */

#define RUNE_ERROR 0xFFFDu

/*
 * Decodes one rune at s. Returns its length; an invalid or truncated
 * sequence, a surrogate or an overlong form is RUNE_ERROR of length 1, as
 * utf8.DecodeRune has it.
 */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *rune)
{
	unsigned char b0 = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t r;

	if (b0 < 0x80) {
		*rune = b0;
		return 1;
	}
	if (b0 >= 0xC2 && b0 <= 0xDF) {
		need = 2;
		r = b0 & 0x1F;
	} else if (b0 >= 0xE0 && b0 <= 0xEF) {
		need = 3;
		r = b0 & 0x0F;
		if (b0 == 0xE0)
			lo = 0xA0;
		else if (b0 == 0xED)
			hi = 0x9F;
	} else if (b0 >= 0xF0 && b0 <= 0xF4) {
		need = 4;
		r = b0 & 0x07;
		if (b0 == 0xF0)
			lo = 0x90;
		else if (b0 == 0xF4)
			hi = 0x8F;
	} else {
		*rune = RUNE_ERROR;
		return 1;
	}
	if (len < need || s[1] < lo || s[1] > hi) {
		*rune = RUNE_ERROR;
		return 1;
	}
	r = (r << 6) | (s[1] & 0x3F);
	for (i = 2; i < need; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF) {
			*rune = RUNE_ERROR;
			return 1;
		}
		r = (r << 6) | (s[i] & 0x3F);
	}
	*rune = r;
	return need;
}

size_t gojson_utf8_decode(const char *s, size_t len, uint32_t *rune)
{
	return utf8_decode((const unsigned char *)s, len, rune);
}

size_t gojson_utf8_encode(uint32_t r, char out[4])
{
	if (r < 0x80) {
		out[0] = (char)r;
		return 1;
	}
	if (r < 0x800) {
		out[0] = (char)(0xC0 | (r >> 6));
		out[1] = (char)(0x80 | (r & 0x3F));
		return 2;
	}
	if (r < 0x10000) {
		out[0] = (char)(0xE0 | (r >> 12));
		out[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		out[2] = (char)(0x80 | (r & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (r >> 18));
	out[1] = (char)(0x80 | ((r >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((r >> 6) & 0x3F));
	out[3] = (char)(0x80 | (r & 0x3F));
	return 4;
}

bool gojson_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t r;
		size_t w = utf8_decode((const unsigned char *)s + i, len - i, &r);

		if (r == RUNE_ERROR && w == 1)
			return false;
		i += w;
	}
	return true;
}

static void utf8_append(struct buf *out, uint32_t r)
{
	char b[4];

	buf_append(out, b, gojson_utf8_encode(r, b));
}

/* strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the
 * ASCII space, from Unicode's tables (shared/unicode_class.c). */
static bool go_is_print(uint32_t r)
{
	return r < 0x80 ? r >= 0x20 && r < 0x7F : unicode_is_print(r);
}

/* strconv's appendEscapedRune, for a double-quoted string. */
static void quote_rune(struct buf *out, uint32_t r)
{
	char b[12];

	if (r == '"' || r == '\\') {
		b[0] = '\\';
		b[1] = (char)r;
		buf_append(out, b, 2);
		return;
	}
	if (go_is_print(r)) {
		utf8_append(out, r);
		return;
	}
	switch (r) {
	case '\a':
		buf_append_str(out, "\\a");
		return;
	case '\b':
		buf_append_str(out, "\\b");
		return;
	case '\f':
		buf_append_str(out, "\\f");
		return;
	case '\n':
		buf_append_str(out, "\\n");
		return;
	case '\r':
		buf_append_str(out, "\\r");
		return;
	case '\t':
		buf_append_str(out, "\\t");
		return;
	case '\v':
		buf_append_str(out, "\\v");
		return;
	}
	if (r < ' ' || r == 0x7F)
		snprintf(b, sizeof(b), "\\x%02x", (unsigned)r);
	else if (r < 0x10000)
		snprintf(b, sizeof(b), "\\u%04x", (unsigned)r);
	else
		snprintf(b, sizeof(b), "\\U%08x", (unsigned)r);
	buf_append_str(out, b);
}

void gojson_quote(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	buf_append(out, "\"", 1);
	while (i < len) {
		uint32_t r;
		size_t n = utf8_decode(p + i, len - i, &r);

		if (r == RUNE_ERROR && n == 1 && p[i] >= 0x80) {
			char b[5];

			snprintf(b, sizeof(b), "\\x%02x", p[i]);
			buf_append_str(out, b);
		} else {
			quote_rune(out, r);
		}
		i += n;
	}
	buf_append(out, "\"", 1);
}

/*
 * Go's quoteChar for a byte in a syntax error: the byte read as a rune
 * (0xE9 is 'é'), in single quotes, with strconv.Quote's escapes inside.
 */
static void quote_char(struct buf *out, unsigned char c)
{
	if (c == '\'') {
		buf_append_str(out, "'\\''");
		return;
	}
	if (c == '"') {
		buf_append_str(out, "'\"'");
		return;
	}
	buf_append(out, "'", 1);
	quote_rune(out, c);
	buf_append(out, "'", 1);
}

/* ---- The syntax check ---- */

enum scan_state {
	SCAN_BEGIN_VALUE,
	SCAN_BEGIN_VALUE_OR_EMPTY, /* after '[' */
	SCAN_BEGIN_KEY_OR_EMPTY,   /* after '{' */
	SCAN_BEGIN_KEY,		   /* after ',' in an object */
	SCAN_END_VALUE,
	SCAN_END_TOP,
	SCAN_IN_STRING,
	SCAN_IN_STRING_ESC,
	SCAN_IN_STRING_ESC_U, /* hex_left digits to go */
	SCAN_NEG,
	SCAN_INT,  /* in the digits after a leading 1-9 */
	SCAN_ZERO, /* after a leading 0 */
	SCAN_DOT,
	SCAN_DOT_DIGITS,
	SCAN_EXP,
	SCAN_EXP_SIGN,
	SCAN_EXP_DIGITS,
	SCAN_LITERAL, /* in true, false or null */
};

enum parse_state {
	PARSE_OBJECT_KEY,
	PARSE_OBJECT_VALUE,
	PARSE_ARRAY_VALUE,
};

struct scanner {
	enum scan_state state;
	unsigned char *stack;
	size_t depth, max_depth;
	bool end_top;
	int hex_left;
	const char *literal;	  /* "true", "false" or "null" */
	const char *literal_next; /* the byte expected next */
	struct buf *msg;
};

static int scan_error(struct scanner *s, unsigned char c, const char *context)
{
	buf_reset(s->msg);
	buf_append_str(s->msg, "invalid character ");
	quote_char(s->msg, c);
	buf_append(s->msg, " ", 1);
	buf_append_str(s->msg, context);
	return -1;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int push_state(struct scanner *s, unsigned char c, enum parse_state p)
{
	if (s->depth >= s->max_depth)
		return scan_error(s, c, "exceeded max depth");
	s->stack[s->depth++] = (unsigned char)p;
	return 0;
}

static void pop_state(struct scanner *s)
{
	if (--s->depth == 0) {
		s->state = SCAN_END_TOP;
		s->end_top = true;
	} else {
		s->state = SCAN_END_VALUE;
	}
}

static int scan_end_value(struct scanner *s, unsigned char c)
{
	if (s->depth == 0) {
		s->state = SCAN_END_TOP;
		s->end_top = true;
		if (!is_space(c))
			return scan_error(s, c, "after top-level value");
		return 0;
	}
	if (is_space(c)) {
		s->state = SCAN_END_VALUE;
		return 0;
	}
	switch (s->stack[s->depth - 1]) {
	case PARSE_OBJECT_KEY:
		if (c == ':') {
			s->stack[s->depth - 1] = PARSE_OBJECT_VALUE;
			s->state = SCAN_BEGIN_VALUE;
			return 0;
		}
		return scan_error(s, c, "after object key");
	case PARSE_OBJECT_VALUE:
		if (c == ',') {
			s->stack[s->depth - 1] = PARSE_OBJECT_KEY;
			s->state = SCAN_BEGIN_KEY;
			return 0;
		}
		if (c == '}') {
			pop_state(s);
			return 0;
		}
		return scan_error(s, c, "after object key:value pair");
	default:
		if (c == ',') {
			s->state = SCAN_BEGIN_VALUE;
			return 0;
		}
		if (c == ']') {
			pop_state(s);
			return 0;
		}
		return scan_error(s, c, "after array element");
	}
}

static int scan_begin_value(struct scanner *s, unsigned char c)
{
	if (is_space(c))
		return 0;
	switch (c) {
	case '{':
		s->state = SCAN_BEGIN_KEY_OR_EMPTY;
		return push_state(s, c, PARSE_OBJECT_KEY);
	case '[':
		s->state = SCAN_BEGIN_VALUE_OR_EMPTY;
		return push_state(s, c, PARSE_ARRAY_VALUE);
	case '"':
		s->state = SCAN_IN_STRING;
		return 0;
	case '-':
		s->state = SCAN_NEG;
		return 0;
	case '0':
		s->state = SCAN_ZERO;
		return 0;
	case 't':
		s->literal = "true";
		break;
	case 'f':
		s->literal = "false";
		break;
	case 'n':
		s->literal = "null";
		break;
	default:
		if (c >= '1' && c <= '9') {
			s->state = SCAN_INT;
			return 0;
		}
		return scan_error(s, c, "looking for beginning of value");
	}
	s->literal_next = s->literal + 1;
	s->state = SCAN_LITERAL;
	return 0;
}

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int scan_after_zero(struct scanner *s, unsigned char c)
{
	if (c == '.') {
		s->state = SCAN_DOT;
		return 0;
	}
	if (c == 'e' || c == 'E') {
		s->state = SCAN_EXP;
		return 0;
	}
	return scan_end_value(s, c);
}

static int scan_step(struct scanner *s, unsigned char c)
{
	char context[40];

	switch (s->state) {
	case SCAN_BEGIN_VALUE:
		return scan_begin_value(s, c);
	case SCAN_BEGIN_VALUE_OR_EMPTY:
		if (is_space(c))
			return 0;
		if (c == ']')
			return scan_end_value(s, c);
		return scan_begin_value(s, c);
	case SCAN_BEGIN_KEY_OR_EMPTY:
		if (is_space(c))
			return 0;
		if (c == '}') {
			s->stack[s->depth - 1] = PARSE_OBJECT_VALUE;
			return scan_end_value(s, c);
		}
		/* fall through */
	case SCAN_BEGIN_KEY:
		if (is_space(c))
			return 0;
		if (c == '"') {
			s->state = SCAN_IN_STRING;
			return 0;
		}
		return scan_error(s, c, "looking for beginning of object key string");
	case SCAN_END_VALUE:
		return scan_end_value(s, c);
	case SCAN_END_TOP:
		if (!is_space(c))
			return scan_error(s, c, "after top-level value");
		return 0;
	case SCAN_IN_STRING:
		if (c == '"') {
			s->state = SCAN_END_VALUE;
			return 0;
		}
		if (c == '\\') {
			s->state = SCAN_IN_STRING_ESC;
			return 0;
		}
		if (c < 0x20)
			return scan_error(s, c, "in string literal");
		return 0;
	case SCAN_IN_STRING_ESC:
		if (c == 'u') {
			s->hex_left = 4;
			s->state = SCAN_IN_STRING_ESC_U;
			return 0;
		}
		if (c && strchr("bfnrt\\/\"", c)) {
			s->state = SCAN_IN_STRING;
			return 0;
		}
		return scan_error(s, c, "in string escape code");
	case SCAN_IN_STRING_ESC_U:
		if (!is_hex(c))
			return scan_error(s, c, "in \\u hexadecimal character escape");
		if (--s->hex_left == 0)
			s->state = SCAN_IN_STRING;
		return 0;
	case SCAN_NEG:
		if (c == '0') {
			s->state = SCAN_ZERO;
			return 0;
		}
		if (c >= '1' && c <= '9') {
			s->state = SCAN_INT;
			return 0;
		}
		return scan_error(s, c, "in numeric literal");
	case SCAN_INT:
		if (c >= '0' && c <= '9')
			return 0;
		return scan_after_zero(s, c);
	case SCAN_ZERO:
		return scan_after_zero(s, c);
	case SCAN_DOT:
		if (c >= '0' && c <= '9') {
			s->state = SCAN_DOT_DIGITS;
			return 0;
		}
		return scan_error(s, c, "after decimal point in numeric literal");
	case SCAN_DOT_DIGITS:
		if (c >= '0' && c <= '9')
			return 0;
		if (c == 'e' || c == 'E') {
			s->state = SCAN_EXP;
			return 0;
		}
		return scan_end_value(s, c);
	case SCAN_EXP:
		if (c == '+' || c == '-') {
			s->state = SCAN_EXP_SIGN;
			return 0;
		}
		/* fall through */
	case SCAN_EXP_SIGN:
		if (c >= '0' && c <= '9') {
			s->state = SCAN_EXP_DIGITS;
			return 0;
		}
		return scan_error(s, c, "in exponent of numeric literal");
	case SCAN_EXP_DIGITS:
		if (c >= '0' && c <= '9')
			return 0;
		return scan_end_value(s, c);
	case SCAN_LITERAL:
		if (c == (unsigned char)*s->literal_next) {
			if (*++s->literal_next == '\0')
				s->state = SCAN_END_VALUE;
			return 0;
		}
		snprintf(context, sizeof(context), "in literal %s (expecting '%c')", s->literal,
			 *s->literal_next);
		return scan_error(s, c, context);
	}
	return -1;
}

int gojson_check(const char *text, size_t len, int max_depth, struct buf *msg)
{
	struct scanner s = {.state = SCAN_BEGIN_VALUE, .msg = msg};
	const unsigned char *p = (const unsigned char *)text;
	int rc = 0;
	size_t i;

	buf_reset(msg);
	s.max_depth = max_depth > 0 ? (size_t)max_depth : 1;
	s.stack = malloc(s.max_depth);
	if (!s.stack)
		abort();
	for (i = 0; i < len && rc == 0; i++)
		rc = scan_step(&s, p[i]);
	/* At the end Go feeds one space, which completes a trailing number. */
	if (rc == 0 && !s.end_top) {
		rc = scan_step(&s, ' ');
		if (rc == 0 && !s.end_top) {
			buf_reset(msg);
			buf_append_str(msg, "unexpected end of JSON input");
			rc = -1;
		}
	}
	free(s.stack);
	return rc;
}

/* ---- Strings ---- */

static uint32_t hex4(const char *p)
{
	uint32_t r = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		r <<= 4;
		if (c >= '0' && c <= '9')
			r |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			r |= (uint32_t)(c - 'a' + 10);
		else
			r |= (uint32_t)(c - 'A' + 10);
	}
	return r;
}

void gojson_unquote(struct buf *out, const char *literal, size_t len)
{
	const unsigned char *p = (const unsigned char *)literal + 1;
	size_t n = len - 2, i = 0;

	buf_reserve(out, n);
	while (i < n) {
		unsigned char c = p[i];
		uint32_t r;

		if (c == '\\') {
			c = p[i + 1];
			i += 2;
			switch (c) {
			case 'b':
				buf_append(out, "\b", 1);
				break;
			case 'f':
				buf_append(out, "\f", 1);
				break;
			case 'n':
				buf_append(out, "\n", 1);
				break;
			case 'r':
				buf_append(out, "\r", 1);
				break;
			case 't':
				buf_append(out, "\t", 1);
				break;
			case 'u':
				r = hex4((const char *)p + i);
				i += 4;
				if (r >= 0xD800 && r < 0xE000) {
					/* A high surrogate pairs only with a following low one. */
					uint32_t r2 = 0;

					if (r < 0xDC00 && i + 6 <= n && p[i] == '\\' &&
					    p[i + 1] == 'u')
						r2 = hex4((const char *)p + i + 2);
					if (r2 >= 0xDC00 && r2 < 0xE000) {
						r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00);
						i += 6;
					} else {
						r = RUNE_ERROR;
					}
				}
				utf8_append(out, r);
				break;
			default: /* '"', '\\', '/' */
				buf_append(out, &c, 1);
			}
			continue;
		}
		if (c < 0x80) {
			buf_append(out, &c, 1);
			i++;
			continue;
		}
		{
			size_t w = utf8_decode(p + i, n - i, &r);

			if (r == RUNE_ERROR && w == 1)
				utf8_append(out, RUNE_ERROR);
			else
				buf_append(out, p + i, w);
			i += w;
		}
	}
}

static bool html_safe(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&';
}

void gojson_encode_string(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	buf_append(out, "\"", 1);
	while (i < len) {
		unsigned char c = p[i];
		uint32_t r;
		size_t w;

		if (c < 0x80) {
			char esc[7] = {
			    '\\', 'u', '0', '0', hex_digits[c >> 4], hex_digits[c & 0xF]};

			i++;
			if (html_safe(c)) {
				buf_append(out, &c, 1);
				continue;
			}
			switch (c) {
			case '"':
			case '\\':
				esc[1] = (char)c;
				buf_append(out, esc, 2);
				break;
			case '\b':
				buf_append_str(out, "\\b");
				break;
			case '\f':
				buf_append_str(out, "\\f");
				break;
			case '\n':
				buf_append_str(out, "\\n");
				break;
			case '\r':
				buf_append_str(out, "\\r");
				break;
			case '\t':
				buf_append_str(out, "\\t");
				break;
			default:
				buf_append(out, esc, 6);
			}
			continue;
		}
		w = utf8_decode(p + i, len - i, &r);
		if (r == RUNE_ERROR && w == 1)
			buf_append_str(out, "\\ufffd");
		else if (r == 0x2028 || r == 0x2029)
			buf_append_str(out, r == 0x2028 ? "\\u2028" : "\\u2029");
		else
			buf_append(out, p + i, w);
		i += w;
	}
	buf_append(out, "\"", 1);
}

void gojson_escape_raw(struct buf *out, const char *raw, size_t len)
{
	const unsigned char *p = (const unsigned char *)raw;
	size_t i, start = 0;

	for (i = 0; i < len; i++) {
		const char *esc = NULL;
		size_t skip = 1;

		if (p[i] == '<')
			esc = "\\u003c";
		else if (p[i] == '>')
			esc = "\\u003e";
		else if (p[i] == '&')
			esc = "\\u0026";
		else if (p[i] == 0xE2 && i + 2 < len && p[i + 1] == 0x80 &&
			 (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
			esc = p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			skip = 3;
		}
		if (!esc)
			continue;
		buf_append(out, raw + start, i - start);
		buf_append_str(out, esc);
		i += skip - 1;
		start = i + 1;
	}
	buf_append(out, raw + start, len - start);
}

/* ---- Numbers ---- */

/*
 * The shortest decimal digits that read back as f (f > 0), and the decimal
 * exponent of the first digit: f = 0.d1d2... * 10^(exp + 1). The correctly
 * rounded p-digit form is the one Go picks whenever any p-digit form reads
 * back, so trying p = 1, 2, ... finds Go's digits.
 */
static void shortest_digits(double f, char *digits, int *ndigits, int *exp10)
{
	char text[40];
	int p, n = 0;
	char *e;
	size_t i;

	for (p = 1; p <= 17; p++) {
		snprintf(text, sizeof(text), "%.*e", p - 1, f);
		if (strtod(text, NULL) == f)
			break;
	}
	e = strchr(text, 'e');
	*exp10 = atoi(e + 1);
	for (i = 0; text + i < e; i++)
		if (text[i] >= '0' && text[i] <= '9')
			digits[n++] = text[i];
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	*ndigits = n;
}

static void encode_real(struct buf *out, double f)
{
	char digits[24], exp_text[16];
	int n, exp10, i;
	double abs = fabs(f);

	if (signbit(f))
		buf_append(out, "-", 1);
	if (abs == 0) {
		buf_append(out, "0", 1);
		return;
	}
	shortest_digits(abs, digits, &n, &exp10);
	if (abs < 1e-6 || abs >= 1e21) {
		/* Go writes e-07 and then trims it to e-7; e+21 keeps two digits. */
		buf_append(out, digits, 1);
		if (n > 1) {
			buf_append(out, ".", 1);
			buf_append(out, digits + 1, (size_t)n - 1);
		}
		if (exp10 < 0)
			snprintf(exp_text, sizeof(exp_text), "e-%d", -exp10);
		else
			snprintf(exp_text, sizeof(exp_text), "e+%02d", exp10);
		buf_append_str(out, exp_text);
		return;
	}
	if (exp10 < 0) {
		buf_append(out, "0.", 2);
		for (i = exp10 + 1; i < 0; i++)
			buf_append(out, "0", 1);
		buf_append(out, digits, (size_t)n);
		return;
	}
	for (i = 0; i <= exp10; i++)
		buf_append(out, i < n ? &digits[i] : "0", 1);
	if (n > exp10 + 1) {
		buf_append(out, ".", 1);
		buf_append(out, digits + exp10 + 1, (size_t)(n - exp10 - 1));
	}
}

void gojson_encode_number(struct buf *out, const json_t *number)
{
	if (json_is_integer(number))
		buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(number));
	else
		encode_real(out, json_real_value(number));
}

json_t *gojson_number(const char *literal, size_t len)
{
	char text[64], *copy = text;
	double f;

	if (!memchr(literal, '.', len)) {
		int64_t i;

		if (gojson_atoi(literal, len, &i) == GOJSON_ATOI_OK)
			return json_integer(i);
	}
	if (len >= sizeof(text)) {
		copy = malloc(len + 1);
		if (!copy)
			abort();
	}
	memcpy(copy, literal, len);
	copy[len] = '\0';
	f = strtod(copy, NULL);
	if (copy != text)
		free(copy);
	/* Underflow reads as zero, as in Go; only overflow is an error. */
	if (isinf(f))
		return NULL;
	return json_real(f);
}

/* ---- strconv.Atoi ---- */

enum gojson_atoi_result gojson_atoi(const char *s, size_t len, int64_t *out)
{
	const uint64_t cutoff = UINT64_MAX / 10 + 1;
	bool neg = false;
	uint64_t n = 0;
	size_t i = 0;

	*out = 0;
	if (len > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == len)
		return GOJSON_ATOI_SYNTAX;
	/* Digit by digit as ParseUint: a bad byte before the overflow is a syntax error. */
	for (; i < len; i++) {
		uint64_t d, n1;

		if (s[i] < '0' || s[i] > '9')
			return GOJSON_ATOI_SYNTAX;
		d = (uint64_t)(s[i] - '0');
		if (n >= cutoff)
			return GOJSON_ATOI_RANGE;
		n *= 10;
		n1 = n + d;
		if (n1 < n)
			return GOJSON_ATOI_RANGE;
		n = n1;
	}
	if (!neg && n > (uint64_t)INT64_MAX)
		return GOJSON_ATOI_RANGE;
	if (neg && n > (uint64_t)INT64_MAX + 1)
		return GOJSON_ATOI_RANGE;
	*out = neg ? (int64_t)(0 - n) : (int64_t)n;
	return GOJSON_ATOI_OK;
}

void gojson_atoi_error(struct buf *out, enum gojson_atoi_result result, const char *s, size_t len)
{
	buf_append_str(out, "strconv.Atoi: parsing ");
	gojson_quote(out, s, len);
	buf_append_str(out,
		       result == GOJSON_ATOI_RANGE ? ": value out of range" : ": invalid syntax");
}
