/*
 * quantity.c - parses a resource.Quantity, prints its canonical form,
 * compares and adds quantities.
 *
 * Upstream keeps small values in an int64 with a power-of-ten scale and
 * falls back to arbitrary precision decimals; the printed result is the
 * same either way, except that the int64 path remembers the original text
 * when it is already canonical. So this file runs upstream's scanner and
 * its int64 "fast path" test only to decide whether to hand the text back,
 * and otherwise works on one representation: a decimal digit string times
 * a power of ten, exact for any input length. Comparison and addition work
 * on that representation digit by digit.
 */
#include "quantity.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct span {
	const char *s;
	size_t len;
};

/* What upstream's parseQuantityString finds in the text. */
struct scanned {
	bool positive;
	struct span value; /* sign and number, as inf.Dec reads them */
	struct span num;   /* integer digits without leading zeros; "0" if none */
	struct span denom; /* fraction digits */
	struct span suffix;
};

/* Sign times digits times 10^exponent; digits has no leading zeros, "" is zero. */
struct decimal {
	bool negative;
	char *digits;
	size_t len, cap;
	int64_t exponent;
};

static const struct {
	const char *suffix;
	int exponent;
} decimal_suffixes[] = {
    {"n", -9}, {"u", -6}, {"m", -3}, {"", 0},	{"k", 3},
    {"M", 6},  {"G", 9},  {"T", 12}, {"P", 15}, {"E", 18},
};

static const char *const binary_suffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool span_is(struct span s, const char *text)
{
	return s.len == strlen(text) && (s.len == 0 || memcmp(s.s, text, s.len) == 0);
}

static int scan_quantity(const char *str, size_t end, struct scanned *out)
{
	static const char suffix_letters[] = "eEinumkKMGTP";
	size_t pos = 0, i;

	*out = (struct scanned){.positive = true};
	if (pos < end && (str[0] == '-' || str[0] == '+')) {
		out->positive = str[0] != '-';
		pos++;
	}
	for (i = pos; i < end && str[i] == '0'; i++)
		pos++;
	if (i >= end) {
		out->num = out->value = (struct span){"0", 1};
		return 0;
	}
	for (i = pos; i < end && is_digit(str[i]); i++)
		;
	out->num = (struct span){str + pos, i - pos};
	if (i >= end) {
		out->value = (struct span){str, end};
		return 0;
	}
	pos = i;
	if (out->num.len == 0)
		out->num = (struct span){"0", 1};
	if (str[pos] == '.') {
		pos++;
		for (i = pos; i < end && is_digit(str[i]); i++)
			;
		out->denom = (struct span){str + pos, i - pos};
		if (i >= end) {
			out->value = (struct span){str, end};
			return 0;
		}
		pos = i;
	}
	out->value = (struct span){str, pos};
	out->suffix.s = str + pos;
	for (i = pos; i < end && memchr(suffix_letters, str[i], sizeof(suffix_letters) - 1); i++)
		;
	if (i >= end) {
		out->suffix.len = end - pos;
		return 0;
	}
	if (str[i] == '-' || str[i] == '+')
		i++;
	for (; i < end && is_digit(str[i]); i++)
		;
	if (i < end)
		return -1;
	out->suffix.len = end - pos;
	return 0;
}

/* strconv.ParseInt(s, 10, 64) */
static bool parse_int64(struct span s, int64_t *out)
{
	size_t i = 0;
	bool negative = false;
	uint64_t value = 0, limit;

	if (s.len && (s.s[0] == '+' || s.s[0] == '-'))
		negative = s.s[i++] == '-';
	if (i == s.len)
		return false;
	limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < s.len; i++) {
		if (!is_digit(s.s[i]) || value > (limit - (uint64_t)(s.s[i] - '0')) / 10)
			return false;
		value = value * 10 + (uint64_t)(s.s[i] - '0');
	}
	*out = negative ? (int64_t)(0 - value) : (int64_t)value;
	return true;
}

/* quantitySuffixer.interpret: base 10 or 2, the exponent, and the format. */
static bool interpret_suffix(struct span s, int *base, int64_t *exponent,
			     enum quantity_format *format)
{
	int64_t parsed;
	size_t i;

	for (i = 0; i < sizeof(decimal_suffixes) / sizeof(decimal_suffixes[0]); i++) {
		if (span_is(s, decimal_suffixes[i].suffix)) {
			*base = 10;
			*exponent = decimal_suffixes[i].exponent;
			*format = QUANTITY_DECIMAL_SI;
			return true;
		}
	}
	for (i = 1; i < sizeof(binary_suffixes) / sizeof(binary_suffixes[0]); i++) {
		if (span_is(s, binary_suffixes[i])) {
			*base = 2;
			*exponent = (int64_t)i * 10;
			*format = QUANTITY_BINARY_SI;
			return true;
		}
	}
	if (s.len > 1 && (s.s[0] == 'e' || s.s[0] == 'E') &&
	    parse_int64((struct span){s.s + 1, s.len - 1}, &parsed)) {
		/* Upstream keeps the exponent in an int32. */
		int64_t low = parsed & 0xffffffff;

		*base = 10;
		*exponent = low >= 0x80000000 ? low - 0x100000000 : low;
		*format = QUANTITY_DECIMAL_EXPONENT;
		return true;
	}
	return false;
}

/*
 * Whether ParseQuantity takes its int64 path, whose value is the digits of
 * num and denom: the tests are upstream's. Otherwise it reads the value
 * text as an arbitrary precision decimal.
 */
static bool takes_int64_path(const struct scanned *q, int64_t exponent, enum quantity_format format)
{
	if (format == QUANTITY_BINARY_SI) {
		uint64_t value = 0;

		if (q->denom.len || 15 - (int64_t)q->num.len - exponent * 3 / 10 - 1 < 0)
			return false;
		for (size_t i = 0; i < q->num.len; i++)
			value = value * 10 + (uint64_t)(q->num.s[i] - '0');
		/* value * 2^exponent must fit an int64. */
		return value <= ((uint64_t)INT64_MAX >> exponent);
	}
	return 18 - (int64_t)(q->num.len + q->denom.len) >= 0 &&
	       exponent - (int64_t)q->denom.len >= -9;
}

static bool ends_in_three_zeros(const struct scanned *q)
{
	size_t zeros = 0, i;

	for (i = q->denom.len; i-- > 0 && zeros < 3 && q->denom.s[i] == '0';)
		zeros++;
	if (zeros < q->denom.len && zeros < 3)
		return false;
	for (i = q->num.len; i-- > 0 && zeros < 3 && q->num.s[i] == '0';)
		zeros++;
	return zeros >= 3;
}

/*
 * Whether the int64 path keeps the text as the quantity's String(), as it
 * does when the text looks canonical. The tests are upstream's.
 */
static bool text_is_kept(const struct scanned *q, int64_t exponent, enum quantity_format format)
{
	if (!takes_int64_path(q, exponent, format))
		return false;
	if (format == QUANTITY_BINARY_SI) {
		/* num has at most 14 digits here. */
		unsigned last_digits = 0;

		for (size_t i = 0; i < q->num.len; i++)
			last_digits = (last_digits * 10 + (unsigned)(q->num.s[i] - '0')) % 8;
		return last_digits != 0;
	}
	/* The shifted digits, num then denom, must not start with '0' nor end in "000". */
	return (exponent - (int64_t)q->denom.len) % 3 == 0 && q->num.s[0] != '0' &&
	       !ends_in_three_zeros(q);
}

static void decimal_reserve(struct arena *a, struct decimal *d, size_t extra)
{
	char *bigger;

	if (d->len + extra + 1 <= d->cap)
		return;
	d->cap = (d->len + extra + 1) * 2;
	bigger = arena_alloc(a, d->cap);
	if (d->len)
		memcpy(bigger, d->digits, d->len);
	d->digits = bigger;
}

static void decimal_append_digit(struct arena *a, struct decimal *d, char digit)
{
	if (d->len == 0 && digit == '0')
		return; /* no leading zeros */
	decimal_reserve(a, d, 1);
	d->digits[d->len++] = digit;
}

static void decimal_multiply(struct arena *a, struct decimal *d, unsigned factor)
{
	unsigned carry = 0;

	for (size_t i = d->len; i-- > 0;) {
		unsigned v = (unsigned)(d->digits[i] - '0') * factor + carry;

		d->digits[i] = (char)('0' + v % 10);
		carry = v / 10;
	}
	while (carry) {
		decimal_reserve(a, d, 1);
		memmove(d->digits + 1, d->digits, d->len);
		d->digits[0] = (char)('0' + carry % 10);
		d->len++;
		carry /= 10;
	}
}

/* Adds one unit in the last place, as rounding away from zero does. */
static void decimal_increment(struct arena *a, struct decimal *d)
{
	size_t i = d->len;

	while (i > 0 && d->digits[i - 1] == '9')
		d->digits[--i] = '0';
	if (i > 0) {
		d->digits[i - 1]++;
		return;
	}
	decimal_reserve(a, d, 1);
	memmove(d->digits + 1, d->digits, d->len);
	d->digits[0] = '1';
	d->len++;
}

/* Rounds away from zero to at most `places` digits after the point (inf.RoundUp). */
static bool decimal_round_up(struct arena *a, struct decimal *d, int64_t places)
{
	bool inexact = false;
	size_t drop;

	if (d->len == 0 || d->exponent >= -places)
		return true;
	if ((uint64_t)(-places - d->exponent) >= d->len) {
		d->len = 0;
		decimal_append_digit(a, d, '1');
		d->exponent = -places;
		return false;
	}
	drop = (size_t)(-places - d->exponent);
	for (size_t i = d->len - drop; i < d->len; i++)
		inexact |= d->digits[i] != '0';
	d->len -= drop;
	d->exponent = -places;
	if (inexact)
		decimal_increment(a, d);
	return !inexact;
}

static void decimal_strip_trailing_zeros(struct decimal *d)
{
	while (d->len && d->digits[d->len - 1] == '0') {
		d->len--;
		d->exponent++;
	}
}

/* The magnitude as a uint64 when it is an integer that fits. */
static bool decimal_to_uint64(const struct decimal *d, uint64_t *out)
{
	uint64_t value = 0;

	if (d->exponent < 0 || (uint64_t)d->exponent + d->len > 20)
		return false;
	for (size_t i = 0; i < d->len + (size_t)d->exponent; i++) {
		unsigned digit = i < d->len ? (unsigned)(d->digits[i] - '0') : 0;

		if (__builtin_mul_overflow(value, 10, &value) ||
		    __builtin_add_overflow(value, digit, &value))
			return false;
	}
	*out = value;
	return true;
}

/* <0, 0, >0 as the magnitude of d is below, equal to or above limit. */
static int decimal_compare_magnitude(struct decimal d, uint64_t limit)
{
	uint64_t integer;
	bool fraction;
	size_t integer_digits;

	decimal_strip_trailing_zeros(&d);
	if (d.exponent >= 0) {
		if (!decimal_to_uint64(&d, &integer))
			return 1;
		return (integer > limit) - (integer < limit);
	}
	/* Digits after the point remain and are not all zero. */
	fraction = d.len > 0;
	if ((uint64_t)-d.exponent >= d.len)
		return limit == 0 ? 1 : -1;
	integer_digits = d.len - (size_t)-d.exponent;
	d.len = integer_digits;
	d.exponent = 0;
	if (!decimal_to_uint64(&d, &integer))
		return 1;
	if (integer != limit)
		return integer > limit ? 1 : -1;
	return fraction ? 1 : 0;
}

static const char *decimal_text(struct arena *a, const struct decimal *d, const char *suffix)
{
	return arena_printf(a, "%s%.*s%s", d->negative ? "-" : "", (int)d->len, d->digits, suffix);
}

/* Quantity.String() of an exact value: CanonicalizeBytes and its suffix. */
static const char *canonical_text(struct arena *a, struct decimal *d, enum quantity_format format)
{
	if (d->len == 0)
		return "0";
	decimal_strip_trailing_zeros(d);
	if (format == QUANTITY_BINARY_SI) {
		uint64_t value;
		size_t k = 0;

		/*
		 * Small values and fractions (a negative exponent once the trailing
		 * zeros are gone) print as decimal rather than be rounded.
		 */
		if (decimal_compare_magnitude(*d, 1024) < 0 || d->exponent < 0 ||
		    !decimal_to_uint64(d, &value)) {
			format = QUANTITY_DECIMAL_SI;
		} else {
			while (value >= 1024 && value % 1024 == 0) {
				value /= 1024;
				k++;
			}
			return arena_printf(a, "%s%llu%s", d->negative ? "-" : "",
					    (unsigned long long)value, binary_suffixes[k]);
		}
	}
	while (d->exponent % 3 != 0) {
		decimal_reserve(a, d, 1);
		d->digits[d->len++] = '0';
		d->exponent--;
	}
	if (format == QUANTITY_DECIMAL_EXPONENT) {
		if (d->exponent == 0)
			return decimal_text(a, d, "");
		return decimal_text(a, d, arena_printf(a, "e%lld", (long long)d->exponent));
	}
	for (size_t i = 0; i < sizeof(decimal_suffixes) / sizeof(decimal_suffixes[0]); i++)
		if (decimal_suffixes[i].exponent == d->exponent)
			return decimal_text(a, d, decimal_suffixes[i].suffix);
	/* Upstream finds no suffix for this exponent and prints none. */
	return decimal_text(a, d, "");
}

/* The digits of num then denom as strconv.ParseInt reads them: the int64 form's value. */
static int64_t int64_digits(const struct scanned *q)
{
	int64_t value = 0;

	for (size_t i = 0; i < q->num.len; i++)
		value = value * 10 + (q->num.s[i] - '0');
	for (size_t i = 0; i < q->denom.len; i++)
		value = value * 10 + (q->denom.s[i] - '0');
	return value;
}

int quantity_parse(struct arena *a, const char *text, struct quantity *out)
{
	struct scanned q;
	struct decimal d = {0};
	enum quantity_format format;
	int64_t exponent;
	int base;
	size_t len = text ? strlen(text) : 0;
	bool has_digit = false;

	if (len == 0 || scan_quantity(text, len, &q) != 0 ||
	    !interpret_suffix(q.suffix, &base, &exponent, &format))
		return -1;
	/* ParseQuantity's first case: "0" is the zero int64Amount, and keeps its text. */
	if (strcmp(text, "0") == 0) {
		*out = (struct quantity){.format = QUANTITY_DECIMAL_SI,
					 .digits = "",
					 .int64_form = true,
					 .text_is_canonical = true};
		return 0;
	}
	*out = (struct quantity){.format = format};
	if (takes_int64_path(&q, exponent, format)) {
		/* Both paths give the same value; the int64 one is remembered for %#v. */
		out->int64_form = true;
		out->int64_value = int64_digits(&q);
		if (format == QUANTITY_BINARY_SI)
			out->int64_value <<= exponent;
		else
			out->int64_scale = (int32_t)(exponent - (int64_t)q.denom.len);
		if (!q.positive)
			out->int64_value = -out->int64_value;
		out->text_is_canonical = text_is_kept(&q, exponent, format);
		for (size_t i = 0; i < q.num.len; i++)
			decimal_append_digit(a, &d, q.num.s[i]);
		for (size_t i = 0; i < q.denom.len; i++)
			decimal_append_digit(a, &d, q.denom.s[i]);
	} else {
		/* The decimal path reads the value text as inf.Dec does: it needs a digit. */
		for (size_t i = 0; i < q.value.len; i++) {
			if (is_digit(q.value.s[i])) {
				has_digit = true;
				decimal_append_digit(a, &d, q.value.s[i]);
			}
		}
		if (!has_digit)
			return -1;
	}
	d.negative = !q.positive;
	d.exponent = -(int64_t)q.denom.len;
	if (base == 10) {
		d.exponent += exponent;
	} else {
		for (int64_t shift = exponent; shift > 0; shift -= 10)
			decimal_multiply(a, &d, 1u << (unsigned)(shift < 10 ? shift : 10));
	}
	/* Rounded away from zero to the nanounit; binary capped at 2^63-1. */
	decimal_round_up(a, &d, 9);
	if (format == QUANTITY_BINARY_SI && decimal_compare_magnitude(d, INT64_MAX) > 0) {
		d.len = 0;
		d.exponent = 0;
		for (const char *p = "9223372036854775807"; *p; p++)
			decimal_append_digit(a, &d, *p);
	}
	decimal_strip_trailing_zeros(&d);
	out->negative = d.negative && d.len > 0;
	out->digits = d.len ? d.digits : "";
	out->len = d.len;
	out->exponent = d.len ? d.exponent : 0;
	return 0;
}

/* A quantity's value as a struct decimal in the arena, to compute with. */
static struct decimal decimal_of(struct arena *a, const struct quantity *q)
{
	struct decimal d = {.negative = q->negative, .exponent = q->exponent};

	for (size_t i = 0; i < q->len; i++)
		decimal_append_digit(a, &d, q->digits[i]);
	return d;
}

/* <0, 0, >0 as |x| is below, equal to or above |y|; trailing zeros stripped. */
static int magnitude_compare(const struct quantity *x, const struct quantity *y)
{
	int64_t x_top, y_top;

	if (x->len == 0 || y->len == 0)
		return (x->len != 0) - (y->len != 0);
	/* The place of the leading digit decides first. */
	x_top = (int64_t)x->len + x->exponent;
	y_top = (int64_t)y->len + y->exponent;
	if (x_top != y_top)
		return x_top > y_top ? 1 : -1;
	for (size_t i = 0; i < x->len || i < y->len; i++) {
		char xd = i < x->len ? x->digits[i] : '0', yd = i < y->len ? y->digits[i] : '0';

		if (xd != yd)
			return xd > yd ? 1 : -1;
	}
	return 0;
}

int quantity_compare(const struct quantity *x, const struct quantity *y)
{
	int sign_x = x->len == 0 ? 0 : x->negative ? -1 : 1;
	int sign_y = y->len == 0 ? 0 : y->negative ? -1 : 1;

	if (sign_x != sign_y)
		return sign_x > sign_y ? 1 : -1;
	return sign_x * magnitude_compare(x, y);
}

/* The digit of d at the place 10^place (0 outside its digits). */
static int digit_at(const struct quantity *q, int64_t place)
{
	int64_t i = (int64_t)q->len - 1 - (place - q->exponent);

	return i < 0 || i >= (int64_t)q->len ? 0 : q->digits[i] - '0';
}

int quantity_add(struct arena *a, const struct quantity *x, const struct quantity *y,
		 struct quantity *out)
{
	/* |big| >= |small|: the sum has big's sign, and subtracting never borrows past it. */
	const struct quantity *big = magnitude_compare(x, y) >= 0 ? x : y;
	const struct quantity *small = big == x ? y : x;
	bool subtract = x->negative != y->negative && small->len > 0;
	int64_t low, high;
	size_t n;
	char *rev;
	int carry = 0;
	struct decimal d = {0};
	enum quantity_format format = x->format; /* out may be x or y */

	if (small->len == 0) {
		*out = *big;
		out->format = format;
		return 0;
	}
	low = big->exponent < small->exponent ? big->exponent : small->exponent;
	high = (int64_t)big->len + big->exponent;
	/* "1e2000000000" + "1" would take two billion digits. */
	if (high - low >= QUANTITY_SUM_MAX_DIGITS)
		return -1;
	n = (size_t)(high - low) + 1;
	rev = arena_alloc(a, n);
	for (size_t i = 0; i < n; i++) {
		int64_t place = low + (int64_t)i;
		int v = digit_at(big, place) +
			(subtract ? -digit_at(small, place) : digit_at(small, place)) + carry;

		carry = v < 0 ? -1 : v / 10;
		rev[i] = (char)('0' + (v + 10) % 10);
	}
	for (size_t i = n; i-- > 0;)
		decimal_append_digit(a, &d, rev[i]);
	d.exponent = low;
	decimal_strip_trailing_zeros(&d);
	*out = (struct quantity){
	    .negative = big->negative && d.len > 0,
	    .digits = d.len ? d.digits : "",
	    .len = d.len,
	    .exponent = d.len ? d.exponent : 0,
	    .format = format,
	};
	return 0;
}

bool quantity_milli_value_is_whole(struct arena *a, const struct quantity *q)
{
	struct decimal d = decimal_of(a, q);

	/* MilliValue() rounds the value in thousandths away from zero. */
	d.exponent += 3;
	decimal_round_up(a, &d, 0);
	decimal_strip_trailing_zeros(&d);
	return d.len == 0 || d.exponent >= 3;
}

const char *quantity_format_name(enum quantity_format format)
{
	switch (format) {
	case QUANTITY_BINARY_SI:
		return "BinarySI";
	case QUANTITY_DECIMAL_EXPONENT:
		return "DecimalExponent";
	default:
		return "DecimalSI";
	}
}

const char *quantity_canonical(struct arena *a, const char *text)
{
	struct quantity q;
	struct decimal d;
	enum quantity_format format;

	if (text && strcmp(text, "0") == 0)
		return "0";
	if (quantity_parse(a, text, &q) < 0)
		return NULL;
	if (q.text_is_canonical)
		return arena_strdup(a, text);
	d = decimal_of(a, &q);
	format = q.format;
	if (format == QUANTITY_BINARY_SI && d.len && decimal_compare_magnitude(d, 1) < 0)
		format = QUANTITY_DECIMAL_SI;
	return canonical_text(a, &d, format);
}
