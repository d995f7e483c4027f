/*
 * go_duration.c - Go's time.Duration text (see go_duration.h).
 *
 * Below one second the unit is the largest of ns, µs, ms that keeps the
 * integer part non-zero, with up to 0, 3 or 6 fractional digits; from one
 * second on, hours and minutes lead whenever they are non-zero ("1h0m0s").
 * Fractions never end in zeros.
 */
#include "go_duration.h"

#include <stdio.h>
#include <string.h>

/* u / 10^prec, then "." and the remainder's digits without trailing zeros. */
static void format_fraction(char *out, size_t size, uint64_t u, int prec, uint64_t *whole)
{
	uint64_t scale = 1;
	char digits[24];
	int n;

	for (int i = 0; i < prec; i++)
		scale *= 10;
	*whole = u / scale;
	out[0] = '\0';
	if (prec == 0 || u % scale == 0)
		return;
	n = snprintf(digits, sizeof(digits), "%0*llu", prec, (unsigned long long)(u % scale));
	while (n > 0 && digits[n - 1] == '0')
		digits[--n] = '\0';
	if ((size_t)n + 2 > size)
		return;
	out[0] = '.';
	memcpy(out + 1, digits, (size_t)n + 1);
}

const char *go_duration_format(int64_t nanos, char out[GO_DURATION_SIZE])
{
	uint64_t u = nanos < 0 ? -(uint64_t)nanos : (uint64_t)nanos;
	const char *sign = nanos < 0 ? "-" : "";
	char frac[24];
	uint64_t whole;

	if (u == 0) {
		snprintf(out, GO_DURATION_SIZE, "0s");
	} else if (u < 1000) {
		snprintf(out, GO_DURATION_SIZE, "%s%lluns", sign, (unsigned long long)u);
	} else if (u < 1000000) {
		format_fraction(frac, sizeof(frac), u, 3, &whole);
		snprintf(out, GO_DURATION_SIZE, "%s%llu%s\xc2\xb5s", sign,
			 (unsigned long long)whole, frac);
	} else if (u < 1000000000) {
		format_fraction(frac, sizeof(frac), u, 6, &whole);
		snprintf(out, GO_DURATION_SIZE, "%s%llu%sms", sign, (unsigned long long)whole,
			 frac);
	} else {
		unsigned long long h, m, s;

		format_fraction(frac, sizeof(frac), u, 9, &whole);
		h = whole / 3600;
		m = whole / 60 % 60;
		s = whole % 60;
		if (h)
			snprintf(out, GO_DURATION_SIZE, "%s%lluh%llum%llu%ss", sign, h, m, s, frac);
		else if (m)
			snprintf(out, GO_DURATION_SIZE, "%s%llum%llu%ss", sign, m, s, frac);
		else
			snprintf(out, GO_DURATION_SIZE, "%s%llu%ss", sign, s, frac);
	}
	return out;
}

static uint64_t unit_of(const char **p)
{
	static const struct {
		const char *name;
		uint64_t nanos;
	} units[] = {
	    {"ns", 1},		 {"us", 1000},	    {"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
	    {"\xce\xbcs", 1000},					 /* U+03BC Greek mu */
	    {"ms", 1000000},	 {"s", 1000000000}, {"m", 60000000000ULL}, {"h", 3600000000000ULL},
	};
	const char *end = *p;
	size_t len;

	while (*end && !(*end >= '0' && *end <= '9') && *end != '.')
		end++;
	len = (size_t)(end - *p);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) == len && strncmp(*p, units[i].name, len) == 0) {
			*p = end;
			return units[i].nanos;
		}
	}
	return 0;
}

bool go_duration_parse(const char *text, int64_t *nanos)
{
	const char *p = text;
	bool neg = false;
	uint64_t total = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*nanos = 0;
		return true;
	}
	if (!*p)
		return false;
	while (*p) {
		uint64_t whole = 0, frac = 0, scale = 1, unit, v;
		bool digits = false;

		if (!(*p >= '0' && *p <= '9') && *p != '.')
			return false;
		for (; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (whole > (UINT64_MAX - 9) / 10)
				return false;
			whole = whole * 10 + (uint64_t)(*p - '0');
		}
		if (*p == '.') {
			for (p++; *p >= '0' && *p <= '9'; p++, digits = true) {
				/* Digits past what can matter are dropped, as Go drops them. */
				if (scale < 1000000000000000000ULL) {
					frac = frac * 10 + (uint64_t)(*p - '0');
					scale *= 10;
				}
			}
		}
		if (!digits || !(unit = unit_of(&p)))
			return false;
		if (whole > (uint64_t)1 << 63 || (whole && unit > ((uint64_t)1 << 63) / whole))
			return false;
		v = whole * unit + (uint64_t)((long double)frac * (long double)unit / scale);
		total += v;
		if (total > ((uint64_t)1 << 63))
			return false;
	}
	if (total == ((uint64_t)1 << 63) && !neg)
		return false;
	*nanos = neg ? (int64_t)(0 - total) : (int64_t)total;
	return true;
}
