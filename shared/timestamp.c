/*
 * timestamp.c - RFC 3339 instants and HumanDuration, with no help from the
 * C library's time zone machinery.
 *
 * Dates convert to and from a day count with the proleptic Gregorian
 * calendar arithmetic (400-year eras of 146097 days, years starting in
 * March so that the leap day is the last day of a year), which works for
 * every year Go's parser accepts (0000..9999) and needs no tables.
 */
#include "timestamp.h"

#include <stdio.h>
#include <string.h>

#define NANOS_PER_SECOND 1000000000LL
#define DAYS_PER_ERA	 146097
/* Days from 0000-03-01 to 1970-01-01. */
#define EPOCH_DAY_OFFSET 719468
/* Seconds from 0001-01-01T00:00:00Z (Go's zero time) to 1970-01-01T00:00:00Z. */
#define GO_ZERO_SECONDS (-62135596800LL)

static int64_t days_from_civil(int64_t year, int month, int day)
{
	/* Count years from March: January and February belong to the year before. */
	int64_t y = month <= 2 ? year - 1 : year;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t year_of_era = y - era * 400;
	int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

	return era * DAYS_PER_ERA + day_of_era - EPOCH_DAY_OFFSET;
}

static void civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t z = days + EPOCH_DAY_OFFSET;
	int64_t era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
	int64_t day_of_era = z - era * DAYS_PER_ERA;
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
			       day_of_era / (DAYS_PER_ERA - 1)) /
			      365;
	int64_t day_of_year =
	    day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t month_from_march = (5 * day_of_year + 2) / 153;

	*day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	*month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
	*year = year_of_era + era * 400 + (*month <= 2);
}

static bool is_leap_year(int64_t year)
{
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static int days_in_month(int64_t year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

/* Exactly n decimal digits at *p, advancing it; -1 if they are not there. */
static int parse_digits(const char **p, int n)
{
	int value = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		value = value * 10 + (c - '0');
	}
	*p += n;
	return value;
}

static bool expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

bool timestamp_parse(const char *text, struct timestamp *out)
{
	const char *p = text;
	int year, month, day, hour, minute, second, nanos = 0, offset = 0;

	if (!text)
		return false;
	year = parse_digits(&p, 4);
	if (year < 0 || !expect(&p, '-') || (month = parse_digits(&p, 2)) < 1 || month > 12 ||
	    !expect(&p, '-') || (day = parse_digits(&p, 2)) < 1 ||
	    day > days_in_month(year, month) || !expect(&p, 'T') ||
	    (hour = parse_digits(&p, 2)) < 0 || hour > 23 || !expect(&p, ':') ||
	    (minute = parse_digits(&p, 2)) < 0 || minute > 59 || !expect(&p, ':') ||
	    (second = parse_digits(&p, 2)) < 0 || second > 59)
		return false;
	if ((*p == '.' || *p == ',') && p[1] >= '0' && p[1] <= '9') {
		int digits = 0;

		/* Go keeps nanoseconds and drops the digits beyond them. */
		for (p++; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 9)
				nanos = nanos * 10 + (*p - '0');
		for (; digits < 9; digits++)
			nanos *= 10;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, hours, minutes;

		if ((hours = parse_digits(&p, 2)) < 0 || hours > 23 || !expect(&p, ':') ||
		    (minutes = parse_digits(&p, 2)) < 0 || minutes > 59)
			return false;
		offset = sign * (hours * 3600 + minutes * 60);
	} else {
		return false;
	}
	if (*p != '\0')
		return false;
	out->seconds =
	    days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
	out->nanos = nanos;
	return true;
}

struct timestamp timestamp_from_time(time_t t)
{
	return (struct timestamp){.seconds = (int64_t)t, .nanos = 0};
}

struct timestamp timestamp_zero(void)
{
	return (struct timestamp){.seconds = GO_ZERO_SECONDS, .nanos = 0};
}

bool timestamp_is_zero(const struct timestamp *t)
{
	return t->seconds == GO_ZERO_SECONDS && t->nanos == 0;
}

int timestamp_compare(const struct timestamp *a, const struct timestamp *b)
{
	if (a->seconds != b->seconds)
		return a->seconds < b->seconds ? -1 : 1;
	return (a->nanos > b->nanos) - (a->nanos < b->nanos);
}

int64_t timestamp_sub(const struct timestamp *a, const struct timestamp *b)
{
	/* INT64_MAX is 9223372036 s and 854775807 ns. */
	const int64_t max_seconds = INT64_MAX / NANOS_PER_SECOND;
	const int64_t max_nanos = INT64_MAX % NANOS_PER_SECOND;
	int64_t seconds, nanos = (int64_t)a->nanos - b->nanos;

	if (__builtin_sub_overflow(a->seconds, b->seconds, &seconds))
		return timestamp_compare(a, b) < 0 ? INT64_MIN : INT64_MAX;
	/* Give seconds and nanoseconds one sign, so that the limits are easy to test. */
	if (seconds > 0 && nanos < 0) {
		seconds--;
		nanos += NANOS_PER_SECOND;
	} else if (seconds < 0 && nanos > 0) {
		seconds++;
		nanos -= NANOS_PER_SECOND;
	}
	if (seconds > max_seconds || (seconds == max_seconds && nanos > max_nanos))
		return INT64_MAX;
	if (seconds < -max_seconds || (seconds == -max_seconds && nanos < -max_nanos - 1))
		return INT64_MIN;
	return seconds * NANOS_PER_SECOND + nanos;
}

void timestamp_format(const struct timestamp *t, char out[TIMESTAMP_RFC3339_SIZE])
{
	int64_t days = t->seconds / 86400, rest = t->seconds % 86400, year;
	int month, day;

	if (rest < 0) {
		rest += 86400;
		days--;
	}
	civil_from_days(days, &year, &month, &day);
	snprintf(out, TIMESTAMP_RFC3339_SIZE, "%s%04lld-%02d-%02dT%02d:%02d:%02dZ",
		 year < 0 ? "-" : "", (long long)(year < 0 ? -year : year), month, day,
		 (int)(rest / 3600), (int)(rest / 60 % 60), (int)(rest % 60));
}

void timestamp_format_micro(const struct timestamp *t, char out[TIMESTAMP_RFC3339_SIZE])
{
	char whole[TIMESTAMP_RFC3339_SIZE];
	size_t n;

	timestamp_format(t, whole);
	n = strlen(whole) - 1; /* without the Z */
	snprintf(out, TIMESTAMP_RFC3339_SIZE, "%.*s.%06dZ", (int)n, whole, t->nanos / 1000);
}

const char *human_duration(int64_t nanos, char out[HUMAN_DURATION_SIZE])
{
	/*
	 * Branches as upstream's: up to two seconds in the past is "now", then
	 * seconds up to 2m, minutes with seconds below 10m, minutes up to 3h,
	 * hours with minutes below 8h, hours up to 48h, days with hours below
	 * 8d, days up to 2y, years with days below 8y, then years.
	 */
	int64_t seconds = nanos / NANOS_PER_SECOND, minutes, hours;

	if (seconds < -1) {
		snprintf(out, HUMAN_DURATION_SIZE, "<invalid>");
		return out;
	}
	if (seconds < 0) {
		snprintf(out, HUMAN_DURATION_SIZE, "0s");
		return out;
	}
	if (seconds < 60 * 2) {
		snprintf(out, HUMAN_DURATION_SIZE, "%llds", (long long)seconds);
		return out;
	}
	minutes = seconds / 60;
	if (minutes < 10) {
		if (seconds % 60 == 0)
			snprintf(out, HUMAN_DURATION_SIZE, "%lldm", (long long)minutes);
		else
			snprintf(out, HUMAN_DURATION_SIZE, "%lldm%llds", (long long)minutes,
				 (long long)(seconds % 60));
		return out;
	}
	if (minutes < 60 * 3) {
		snprintf(out, HUMAN_DURATION_SIZE, "%lldm", (long long)minutes);
		return out;
	}
	hours = minutes / 60;
	if (hours < 8) {
		if (minutes % 60 == 0)
			snprintf(out, HUMAN_DURATION_SIZE, "%lldh", (long long)hours);
		else
			snprintf(out, HUMAN_DURATION_SIZE, "%lldh%lldm", (long long)hours,
				 (long long)(minutes % 60));
	} else if (hours < 48) {
		snprintf(out, HUMAN_DURATION_SIZE, "%lldh", (long long)hours);
	} else if (hours < 24 * 8) {
		if (hours % 24 == 0)
			snprintf(out, HUMAN_DURATION_SIZE, "%lldd", (long long)(hours / 24));
		else
			snprintf(out, HUMAN_DURATION_SIZE, "%lldd%lldh", (long long)(hours / 24),
				 (long long)(hours % 24));
	} else if (hours < 24 * 365 * 2) {
		snprintf(out, HUMAN_DURATION_SIZE, "%lldd", (long long)(hours / 24));
	} else if (hours < 24 * 365 * 8) {
		int64_t days_in_year = hours / 24 % 365;

		if (days_in_year == 0)
			snprintf(out, HUMAN_DURATION_SIZE, "%lldy", (long long)(hours / 24 / 365));
		else
			snprintf(out, HUMAN_DURATION_SIZE, "%lldy%lldd",
				 (long long)(hours / 24 / 365), (long long)days_in_year);
	} else {
		snprintf(out, HUMAN_DURATION_SIZE, "%lldy", (long long)(hours / 24 / 365));
	}
	return out;
}
