/*
 * yaml_scalar.c - goyaml.v2's scalar rules, rebuilt from its documented
 * behaviour (resolve.go, sorter.go, encode.go of sigs.k8s.io/yaml v1.4.0's
 * goyaml.v2 fork) and from Go's strconv and time.Parse, which it leans on.
 *
 * Resolution is decided by the first byte, as upstream does: a sign or a
 * digit may start a number or a timestamp, '.' a float, a handful of
 * letters a boolean or null; anything else is a string without further
 * look. Numbers follow Go's ParseInt/ParseUint with base 0 (prefixes 0x,
 * 0o, 0b, a bare leading 0 for octal) after underscores are dropped, then
 * a YAML-style float pattern, then goyaml's own 0b handling. Nothing here
 * allocates except for scalars too long for a stack buffer.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/unicode_class.h"
#include "shared/yaml_scalar.h"

enum word_value { WORD_TRUE, WORD_FALSE, WORD_NULL, WORD_NAN, WORD_INF, WORD_NEG_INF };

/* resolve.go's table of words that need no parsing. */
static const struct {
	const char *text;
	enum word_value value;
} resolve_words[] = {
    {"y", WORD_TRUE},	     {"Y", WORD_TRUE},	      {"yes", WORD_TRUE},      {"Yes", WORD_TRUE},
    {"YES", WORD_TRUE},	     {"true", WORD_TRUE},     {"True", WORD_TRUE},     {"TRUE", WORD_TRUE},
    {"on", WORD_TRUE},	     {"On", WORD_TRUE},	      {"ON", WORD_TRUE},       {"n", WORD_FALSE},
    {"N", WORD_FALSE},	     {"no", WORD_FALSE},      {"No", WORD_FALSE},      {"NO", WORD_FALSE},
    {"false", WORD_FALSE},   {"False", WORD_FALSE},   {"FALSE", WORD_FALSE},   {"off", WORD_FALSE},
    {"Off", WORD_FALSE},     {"OFF", WORD_FALSE},     {"", WORD_NULL},	       {"~", WORD_NULL},
    {"null", WORD_NULL},     {"Null", WORD_NULL},     {"NULL", WORD_NULL},     {".nan", WORD_NAN},
    {".NaN", WORD_NAN},	     {".NAN", WORD_NAN},      {".inf", WORD_INF},      {".Inf", WORD_INF},
    {".INF", WORD_INF},	     {"+.inf", WORD_INF},     {"+.Inf", WORD_INF},     {"+.INF", WORD_INF},
    {"-.inf", WORD_NEG_INF}, {"-.Inf", WORD_NEG_INF}, {"-.INF", WORD_NEG_INF},
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool lookup_word(const char *s, size_t len, struct yaml_scalar *out)
{
	size_t i;

	for (i = 0; i < sizeof(resolve_words) / sizeof(resolve_words[0]); i++) {
		if (strlen(resolve_words[i].text) != len || memcmp(resolve_words[i].text, s, len))
			continue;
		switch (resolve_words[i].value) {
		case WORD_TRUE:
		case WORD_FALSE:
			out->kind = YAML_SCALAR_BOOL;
			out->b = resolve_words[i].value == WORD_TRUE;
			break;
		case WORD_NULL:
			out->kind = YAML_SCALAR_NULL;
			break;
		case WORD_NAN:
			out->kind = YAML_SCALAR_FLOAT;
			out->f = NAN;
			break;
		case WORD_INF:
		case WORD_NEG_INF:
			out->kind = YAML_SCALAR_FLOAT;
			out->f = resolve_words[i].value == WORD_INF ? INFINITY : -INFINITY;
			break;
		}
		return true;
	}
	return false;
}

/* ---- Go's strconv.ParseUint / ParseInt (no underscores left to check) ---- */

enum parse_status { PARSE_OK, PARSE_SYNTAX, PARSE_RANGE };

static enum parse_status go_parse_uint(const char *s, size_t len, int base, uint64_t *out)
{
	uint64_t n = 0, cutoff;
	size_t i = 0;

	if (len == 0)
		return PARSE_SYNTAX;
	if (base == 0) {
		base = 10;
		if (s[0] == '0') {
			char p = len >= 3 ? (char)(s[1] | 0x20) : 0;

			base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 8;
			i = base == 8 && p != 'o' ? 1 : 2;
		}
	}
	cutoff = UINT64_MAX / (uint64_t)base + 1;
	for (; i < len; i++) {
		char c = s[i], lc = (char)(c | 0x20);
		int d;

		if (is_digit(c))
			d = c - '0';
		else if (lc >= 'a' && lc <= 'z')
			d = lc - 'a' + 10;
		else
			return PARSE_SYNTAX;
		if (d >= base)
			return PARSE_SYNTAX;
		if (n >= cutoff)
			return PARSE_RANGE;
		n *= (uint64_t)base;
		if (n + (uint64_t)d < n)
			return PARSE_RANGE;
		n += (uint64_t)d;
	}
	*out = n;
	return PARSE_OK;
}

static enum parse_status go_parse_int(const char *s, size_t len, int base, int64_t *out)
{
	bool neg = false;
	enum parse_status st;
	uint64_t un;

	if (len == 0)
		return PARSE_SYNTAX;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++;
		len--;
	}
	st = go_parse_uint(s, len, base, &un);
	if (st != PARSE_OK)
		return st;
	if ((!neg && un > (uint64_t)INT64_MAX) || (neg && un > (uint64_t)INT64_MAX + 1))
		return PARSE_RANGE;
	*out = neg ? (int64_t)(0 - un) : (int64_t)un;
	return PARSE_OK;
}

/* ---- Floats ---- */

/* strtod of len bytes already checked to be a decimal float; false on overflow (Go's ErrRange). */
static bool parse_checked_float(const char *s, size_t len, double *out)
{
	char small[64], *text = len < sizeof(small) ? small : malloc(len + 1);
	size_t i, n = 0;
	double f;

	if (!text)
		abort();
	for (i = 0; i < len; i++)
		if (s[i] != '_')
			text[n++] = s[i];
	text[n] = '\0';
	f = strtod(text, NULL);
	if (text != small)
		free(text);
	if (isinf(f))
		return false;
	*out = f;
	return true;
}

/* `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, resolve.go's yamlStyleFloat. */
static bool matches_yaml_style_float(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < len && s[i] == '.') {
		for (i++; i < len && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return false;
	} else {
		for (; i < len && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return false;
		if (i < len && s[i] == '.')
			for (i++; i < len && is_digit(s[i]); i++)
				;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		digits = 0;
		for (; i < len && is_digit(s[i]); i++)
			digits++;
		if (!digits)
			return false;
	}
	return i == len;
}

/*
 * Go's ParseFloat of a string that starts with '.': digits, optionally an
 * exponent, underscores allowed only between digits (strconv's
 * underscoreOK).
 */
static bool parse_go_dot_float(const char *s, size_t len, double *out)
{
	size_t i = 1;
	bool digits = false, underscores = false;
	char saw = '!';

	for (; i < len && (is_digit(s[i]) || s[i] == '_'); i++) {
		underscores |= s[i] == '_';
		digits |= s[i] != '_';
	}
	if (!digits)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !is_digit(s[i]))
			return false;
		for (; i < len && (is_digit(s[i]) || s[i] == '_'); i++)
			underscores |= s[i] == '_';
	}
	if (i != len)
		return false;
	if (underscores) {
		for (i = 0; i < len; i++) {
			if (is_digit(s[i])) {
				saw = '0';
			} else if (s[i] == '_') {
				if (saw != '0')
					return false;
				saw = '_';
			} else {
				if (saw == '_')
					return false;
				saw = '!';
			}
		}
		if (saw == '_')
			return false;
	}
	return parse_checked_float(s, len, out);
}

/* ---- Timestamps: time.Parse with goyaml.v2's four layouts ---- */

enum layout_step {
	STEP_END,
	STEP_YEAR,  /* "2006": exactly four characters */
	STEP_MONTH, /* "1": one or two digits, 1..12 */
	STEP_DAY,   /* "2": one or two digits, checked against the month at the end */
	STEP_HOUR,  /* "15": one or two digits, 0..23 */
	STEP_MINUTE,
	STEP_SECOND,
	STEP_FRACTION, /* ".999999999": optional */
	STEP_ZONE,     /* "Z07:00" */
	STEP_DASH,
	STEP_COLON,
	STEP_UPPER_T,
	STEP_LOWER_T,
	STEP_SPACE, /* one or more spaces */
};

#define DATE_STEPS STEP_YEAR, STEP_DASH, STEP_MONTH, STEP_DASH, STEP_DAY
#define TIME_STEPS STEP_HOUR, STEP_COLON, STEP_MINUTE, STEP_COLON, STEP_SECOND, STEP_FRACTION

static const enum layout_step timestamp_layouts[][16] = {
    {DATE_STEPS, STEP_UPPER_T, TIME_STEPS, STEP_ZONE, STEP_END},
    {DATE_STEPS, STEP_LOWER_T, TIME_STEPS, STEP_ZONE, STEP_END},
    {DATE_STEPS, STEP_SPACE, TIME_STEPS, STEP_END},
    {DATE_STEPS, STEP_END},
};

/* time.Parse's getnum(s, false): one digit, or two. */
static bool take_number(const char *s, size_t len, size_t *i, int *out)
{
	if (*i >= len || !is_digit(s[*i]))
		return false;
	*out = s[(*i)++] - '0';
	if (*i < len && is_digit(s[*i]))
		*out = *out * 10 + s[(*i)++] - '0';
	return true;
}

static int days_in_month(int month, int year)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		return 29;
	return days[month - 1];
}

static bool matches_layout(const char *s, size_t len, const enum layout_step *step)
{
	int year = 0, month = 0, day = 0, n;
	size_t i = 0, k;

	for (; *step != STEP_END; step++) {
		switch (*step) {
		case STEP_YEAR:
			if (len - i < 4)
				return false;
			for (k = 0; k < 4; k++)
				if (!is_digit(s[i + k]))
					return false;
			for (k = 0; k < 4; k++)
				year = year * 10 + s[i++] - '0';
			break;
		case STEP_MONTH:
			if (!take_number(s, len, &i, &month) || month < 1 || month > 12)
				return false;
			break;
		case STEP_DAY:
			if (!take_number(s, len, &i, &day))
				return false;
			break;
		case STEP_HOUR:
			if (!take_number(s, len, &i, &n) || n > 23)
				return false;
			break;
		case STEP_MINUTE:
		case STEP_SECOND:
			if (!take_number(s, len, &i, &n) || n > 59)
				return false;
			break;
		case STEP_FRACTION:
			/* Go 1.17+ takes a comma as well as a period here. */
			if (len - i >= 2 && (s[i] == '.' || s[i] == ',') && is_digit(s[i + 1]))
				for (i += 2; i < len && is_digit(s[i]); i++)
					;
			break;
		case STEP_ZONE:
			if (i < len && s[i] == 'Z') {
				i++;
				break;
			}
			if (len - i < 6 || s[i + 3] != ':' || (s[i] != '+' && s[i] != '-'))
				return false;
			for (k = 1; k < 6; k++)
				if (k != 3 && !is_digit(s[i + k]))
					return false;
			/* Upstream allows offsets up to 24 hours and 60 minutes. */
			if ((s[i + 1] - '0') * 10 + (s[i + 2] - '0') > 24 ||
			    (s[i + 4] - '0') * 10 + (s[i + 5] - '0') > 60)
				return false;
			i += 6;
			break;
		case STEP_DASH:
		case STEP_COLON:
		case STEP_UPPER_T:
		case STEP_LOWER_T: {
			static const char literal[] = {[STEP_DASH] = '-',
						       [STEP_COLON] = ':',
						       [STEP_UPPER_T] = 'T',
						       [STEP_LOWER_T] = 't'};

			if (i >= len || s[i] != literal[*step])
				return false;
			i++;
			break;
		}
		case STEP_SPACE:
			if (i < len && s[i] != ' ')
				return false;
			while (i < len && s[i] == ' ')
				i++;
			break;
		case STEP_END:
			break;
		}
	}
	return i == len && day >= 1 && day <= days_in_month(month, year);
}

bool yaml_scalar_is_timestamp(const char *s, size_t len)
{
	size_t i;

	/* resolve.go's quick check: four digits, then '-'. */
	for (i = 0; i < len && is_digit(s[i]); i++)
		;
	if (i != 4 || i == len || s[i] != '-')
		return false;
	for (i = 0; i < sizeof(timestamp_layouts) / sizeof(timestamp_layouts[0]); i++)
		if (matches_layout(s, len, timestamp_layouts[i]))
			return true;
	return false;
}

/* `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`, encode.go's base60float. */
bool yaml_scalar_is_base60_float(const char *s, size_t len)
{
	size_t i = 0, groups = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= len || !is_digit(s[i]))
		return false;
	while (i < len && (is_digit(s[i]) || s[i] == '_'))
		i++;
	while (i < len && s[i] == ':') {
		size_t start = ++i;

		if (i < len && s[i] >= '0' && s[i] <= '5' && i + 1 < len && is_digit(s[i + 1]))
			i += 2;
		else if (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			return false;
		groups++;
	}
	if (!groups)
		return false;
	if (i < len && s[i] == '.')
		for (i++; i < len && (is_digit(s[i]) || s[i] == '_'); i++)
			;
	return i == len;
}

/* ---- resolve() ---- */

static enum yaml_scalar_kind resolve_number(const char *in, size_t in_len, bool try_timestamp,
					    char *plain, struct yaml_scalar *out)
{
	size_t i, len = 0;
	int64_t iv;
	uint64_t uv;
	double f;

	if (try_timestamp && yaml_scalar_is_timestamp(in, in_len))
		return out->kind = YAML_SCALAR_TIMESTAMP;
	for (i = 0; i < in_len; i++)
		if (in[i] != '_')
			plain[len++] = in[i];
	if (go_parse_int(plain, len, 0, &iv) == PARSE_OK) {
		out->i = iv;
		return out->kind = YAML_SCALAR_INT;
	}
	if (go_parse_uint(plain, len, 0, &uv) == PARSE_OK) {
		out->u = uv;
		return out->kind = YAML_SCALAR_UINT;
	}
	if (matches_yaml_style_float(plain, len) && parse_checked_float(plain, len, &f)) {
		out->f = f;
		return out->kind = YAML_SCALAR_FLOAT;
	}
	/*
	 * goyaml's own binary handling, reached only when ParseInt's 0b
	 * failed: it parses the digits with base 2, which takes a sign ("0b-1"
	 * is -1), and "-0b..." the same way with the sign in front.
	 */
	if (len >= 2 && plain[0] == '0' && plain[1] == 'b') {
		if (go_parse_int(plain + 2, len - 2, 2, &iv) == PARSE_OK) {
			out->i = iv;
			return out->kind = YAML_SCALAR_INT;
		}
		if (go_parse_uint(plain + 2, len - 2, 2, &uv) == PARSE_OK) {
			out->u = uv;
			return out->kind = YAML_SCALAR_UINT;
		}
	} else if (len >= 3 && plain[0] == '-' && plain[1] == '0' && plain[2] == 'b') {
		plain[2] = '-';
		if (go_parse_int(plain + 2, len - 2, 2, &iv) == PARSE_OK) {
			out->i = iv;
			return out->kind = YAML_SCALAR_INT;
		}
	}
	return out->kind = YAML_SCALAR_STR;
}

enum yaml_scalar_kind yaml_scalar_resolve(const char *s, size_t len, bool try_timestamp,
					  struct yaml_scalar *out)
{
	char hint = 'N', small[64], *plain;
	enum yaml_scalar_kind kind;

	if (len) {
		char c = s[0];

		hint = 0;
		if (c == '+' || c == '-')
			hint = 'S';
		else if (is_digit(c))
			hint = 'D';
		else if (c == '.')
			hint = '.';
		else if (strchr("yYnNtTfFoO~", c))
			hint = 'M';
	}
	if (!hint)
		return out->kind = YAML_SCALAR_STR;
	if (lookup_word(s, len, out))
		return out->kind;
	if (hint == '.') {
		if (parse_go_dot_float(s, len, &out->f))
			return out->kind = YAML_SCALAR_FLOAT;
		return out->kind = YAML_SCALAR_STR;
	}
	if (hint != 'S' && hint != 'D')
		return out->kind = YAML_SCALAR_STR;
	plain = len < sizeof(small) ? small : malloc(len);
	if (!plain)
		abort();
	kind = resolve_number(s, len, try_timestamp, plain, out);
	if (plain != small)
		free(plain);
	return kind;
}

/* ---- Go's shortest float formatting ---- */

static bool reads_back(const char *text, double v, int bits)
{
	if (bits == 32)
		return strtof(text, NULL) == (float)v;
	return strtod(text, NULL) == v;
}

/*
 * The shortest decimal digits that read back as v (positive, finite), as
 * Go's strconv finds them: digits[] without a point, and the exponent of
 * the first digit. Tries each precision with correctly rounded printf
 * output, and its neighbours in the last digit, since just above a power
 * of two the nearest decimal can fall outside the rounding interval while
 * the next one is inside.
 */
static int shortest_digits(double v, int bits, char *digits, int *exp10)
{
	int max_precision = bits == 32 ? 9 : 17, p;
	char text[GO_FLOAT_BUF];

	for (p = 1; p <= max_precision; p++) {
		unsigned long long mantissa = 0;
		char *e;
		int exp, k, delta;

		snprintf(text, sizeof(text), "%.*e", p - 1, v);
		e = strchr(text, 'e');
		exp = atoi(e + 1);
		for (k = 0; text + k < e; k++)
			if (is_digit(text[k]))
				mantissa = mantissa * 10 + (unsigned)(text[k] - '0');
		for (delta = 0; delta <= 2; delta++) {
			unsigned long long m = delta == 0   ? mantissa
					       : delta == 1 ? mantissa - 1
							    : mantissa + 1;
			char candidate[GO_FLOAT_BUF], mdigits[24];
			int n = snprintf(mdigits, sizeof(mdigits), "%llu", m);

			if (n != p)
				continue;
			snprintf(candidate, sizeof(candidate), "%se%d", mdigits, exp - (p - 1));
			if (!reads_back(candidate, v, bits))
				continue;
			while (n > 1 && mdigits[n - 1] == '0')
				n--;
			memcpy(digits, mdigits, (size_t)n);
			*exp10 = exp;
			return n;
		}
	}
	snprintf(text, sizeof(text), "%.*e", max_precision - 1, v);
	digits[0] = text[0];
	memcpy(digits + 1, text + 2, (size_t)max_precision - 1);
	*exp10 = atoi(strchr(text, 'e') + 1);
	return max_precision;
}

/* strconv's %e layout: d.ddde±XX, at least min_exp_digits exponent digits. */
static size_t write_e(char *buf, size_t n, const char *digits, int nd, int exp10,
		      int min_exp_digits)
{
	int k;

	buf[n++] = digits[0];
	if (nd > 1) {
		buf[n++] = '.';
		for (k = 1; k < nd; k++)
			buf[n++] = digits[k];
	}
	n += (size_t)snprintf(buf + n, GO_FLOAT_BUF - n, "e%c%0*d", exp10 < 0 ? '-' : '+',
			      min_exp_digits, exp10 < 0 ? -exp10 : exp10);
	return n;
}

/* strconv's %f layout with exactly the digits needed. */
static size_t write_f(char *buf, size_t n, const char *digits, int nd, int exp10)
{
	int point = exp10 + 1, k;

	if (point <= 0) {
		buf[n++] = '0';
		buf[n++] = '.';
		for (k = point; k < 0; k++)
			buf[n++] = '0';
		for (k = 0; k < nd; k++)
			buf[n++] = digits[k];
		return n;
	}
	for (k = 0; k < point; k++)
		buf[n++] = k < nd ? digits[k] : '0';
	if (nd > point) {
		buf[n++] = '.';
		for (k = point; k < nd; k++)
			buf[n++] = digits[k];
	}
	return n;
}

static size_t format_float(double v, int bits, bool json, char *buf)
{
	char digits[24];
	size_t n = 0;
	int nd, exp10;
	double mag;

	if (bits == 32)
		v = (float)v;
	if (isnan(v))
		return (size_t)snprintf(buf, GO_FLOAT_BUF, ".nan");
	if (isinf(v))
		return (size_t)snprintf(buf, GO_FLOAT_BUF, v > 0 ? ".inf" : "-.inf");
	if (signbit(v))
		buf[n++] = '-';
	mag = fabs(v);
	if (mag == 0) {
		buf[n++] = '0';
		buf[n] = '\0';
		return n;
	}
	nd = shortest_digits(mag, bits, digits, &exp10);
	if (json ? (mag < 1e-6 || mag >= 1e21) : (exp10 < -4 || exp10 >= 6))
		n = write_e(buf, n, digits, nd, exp10, json ? 1 : 2);
	else
		n = write_f(buf, n, digits, nd, exp10);
	buf[n] = '\0';
	return n;
}

size_t go_format_float_g(double v, int bits, char *buf)
{
	return format_float(v, bits, false, buf);
}

size_t go_format_float_json(double v, char *buf)
{
	return format_float(v, 64, true, buf);
}

/* ---- Key order (sorter.go) ---- */

bool yaml_key_less(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen)
{
	size_t i, ai, bi;

	for (i = 0; i < alen && i < blen; i++) {
		bool al, bl;
		uint64_t an = 0, bn = 0; /* Go's int64, wrapping on overflow */

		if (a[i] == b[i])
			continue;
		al = unicode_is_letter(a[i]);
		bl = unicode_is_letter(b[i]);
		if (al && bl)
			return a[i] < b[i];
		if (al || bl)
			return bl;
		/*
		 * At a '0' that continues a number with a non-zero digit
		 * before it, upstream seeds both runs with 1, so that "10"
		 * against "1a" compares the rest of the runs, not zero
		 * against nothing.
		 */
		if (a[i] == '0' || b[i] == '0') {
			for (ai = i; ai-- > 0 && unicode_is_digit(a[ai]);) {
				if (a[ai] != '0') {
					an = bn = 1;
					break;
				}
			}
		}
		for (ai = i; ai < alen && unicode_is_digit(a[ai]); ai++)
			an = an * 10 + (uint64_t)(int64_t)((int32_t)a[ai] - '0');
		for (bi = i; bi < blen && unicode_is_digit(b[bi]); bi++)
			bn = bn * 10 + (uint64_t)(int64_t)((int32_t)b[bi] - '0');
		if (an != bn)
			return (int64_t)an < (int64_t)bn;
		if (ai != bi)
			return ai < bi;
		return a[i] < b[i];
	}
	return alen < blen;
}

size_t utf8_decode(const char *s, size_t len, uint32_t *rune)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[0], need, k;
	uint32_t r, min;

	if (c < 0x80) {
		*rune = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		need = 1, r = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2, r = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3, r = c & 0x07, min = 0x10000;
	else
		need = 0, r = 0, min = 0;
	for (k = 1; need && k <= need; k++) {
		if (k >= len || (p[k] & 0xC0) != 0x80) {
			need = 0;
			break;
		}
		r = (r << 6) | (p[k] & 0x3F);
	}
	if (!need || r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) {
		*rune = 0xFFFD;
		return 1;
	}
	*rune = r;
	return need + 1;
}

size_t utf8_to_runes(const char *s, size_t len, uint32_t *out)
{
	size_t i = 0, n = 0;

	while (i < len)
		i += utf8_decode(s + i, len - i, &out[n++]);
	return n;
}
