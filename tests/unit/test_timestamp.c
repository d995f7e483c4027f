/*
 * test_timestamp.c - unit tests for shared/timestamp.c.
 *
 * RFC 3339 text that Go's time.Parse(time.RFC3339) accepts and rejects,
 * the instants it names (checked against known Unix times), formatting in
 * UTC, Go's zero time, the saturating subtraction of Time.Sub, and
 * duration.HumanDuration on both sides of every branch boundary.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/timestamp.h"

#define N(a)   (sizeof(a) / sizeof((a)[0]))
#define SECOND 1000000000LL
#define MINUTE (60 * SECOND)
#define HOUR   (60 * MINUTE)
#define DAY    (24 * HOUR)

static const struct {
	const char *text;
	int64_t seconds;
	int32_t nanos;
} parse_cases[] = {
    {"1970-01-01T00:00:00Z", 0, 0},
    {"2024-12-11T10:00:00Z", 1733911200, 0},
    {"2024-12-11T10:00:00.5Z", 1733911200, 500000000},
    {"2024-12-11T10:00:00.123456Z", 1733911200, 123456000},
    {"2024-12-11T10:00:00,25Z", 1733911200, 250000000},
    /* Digits beyond the nanosecond are dropped, not rounded. */
    {"2024-12-11T10:00:00.1234567899Z", 1733911200, 123456789},
    {"2024-12-11T11:00:00+01:00", 1733911200, 0},
    {"2024-12-11T04:30:00-05:30", 1733911200, 0},
    {"2024-02-29T00:00:00Z", 1709164800, 0},
    {"2000-02-29T23:59:59Z", 951868799, 0},
    {"1969-12-31T23:59:59Z", -1, 0},
    {"0001-01-01T00:00:00Z", -62135596800LL, 0},
    {"0000-03-01T00:00:00Z", -62162035200LL, 0},
    {"9999-12-31T23:59:59Z", 253402300799LL, 0},
};

START_TEST(test_parse)
{
	struct timestamp t;

	ck_assert_msg(timestamp_parse(parse_cases[_i].text, &t), "rejected %s",
		      parse_cases[_i].text);
	ck_assert_int_eq(t.seconds, parse_cases[_i].seconds);
	ck_assert_int_eq(t.nanos, parse_cases[_i].nanos);
}
END_TEST

static const char *const bad_times[] = {
    "",
    "2024-12-11",
    "2024-12-11T10:00:00",	   /* no zone */
    "2024-12-11t10:00:00Z",	   /* lower-case T */
    "2024-12-11T10:00:00z",	   /* lower-case Z */
    "2024-12-11 10:00:00Z",	   /* space */
    "2024-12-11T10:00Z",	   /* no seconds */
    "24-12-11T10:00:00Z",	   /* two-digit year */
    "2024-1-11T10:00:00Z",	   /* one-digit month */
    "2024-00-11T10:00:00Z",	   /* month 0 */
    "2024-13-11T10:00:00Z",	   /* month 13 */
    "2024-12-00T10:00:00Z",	   /* day 0 */
    "2024-04-31T10:00:00Z",	   /* April 31 */
    "2023-02-29T10:00:00Z",	   /* not a leap year */
    "1900-02-29T10:00:00Z",	   /* a century, not a leap year */
    "2024-12-11T24:00:00Z",	   /* hour 24 */
    "2024-12-11T10:60:00Z",	   /* minute 60 */
    "2024-12-11T10:00:60Z",	   /* no leap seconds */
    "2024-12-11T10:00:00.Z",	   /* a point without digits */
    "2024-12-11T10:00:00+0100",	   /* offset without colon */
    "2024-12-11T10:00:00+01",	   /* offset without minutes */
    "2024-12-11T10:00:00+24:00",   /* offset hour 24 */
    "2024-12-11T10:00:00+01:60",   /* offset minute 60 */
    "2024-12-11T10:00:00Zjunk",	   /* trailing text */
    "2024-12-11T10:00:00Z ",	   /* trailing space */
    " 2024-12-11T10:00:00Z",	   /* leading space */
    "+2024-12-11T10:00:00Z",	   /* signed year */
    "2024-12-11T10:00:00.5+01:00x" /* trailing text after an offset */
};

START_TEST(test_parse_rejects)
{
	struct timestamp t = {42, 42};

	ck_assert_msg(!timestamp_parse(bad_times[_i], &t), "accepted %s", bad_times[_i]);
	ck_assert_int_eq(t.seconds, 42);
	ck_assert(!timestamp_parse(NULL, &t));
}
END_TEST

static const struct {
	const char *in, *out;
} format_cases[] = {
    {"2024-12-11T10:00:00Z", "2024-12-11T10:00:00Z"},
    {"2024-12-11T10:00:00.999999Z", "2024-12-11T10:00:00Z"}, /* truncated, not rounded */
    {"2024-12-11T01:00:00+02:00", "2024-12-10T23:00:00Z"},
    {"2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z"},
    {"2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z"},
    {"1969-07-20T20:17:40Z", "1969-07-20T20:17:40Z"},
    {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
    {"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
    {"0000-01-01T00:00:00+01:00", "-0001-12-31T23:00:00Z"},
    {"9999-12-31T23:30:00-01:00", "10000-01-01T00:30:00Z"},
};

START_TEST(test_format)
{
	struct timestamp t;
	char text[TIMESTAMP_RFC3339_SIZE];

	ck_assert(timestamp_parse(format_cases[_i].in, &t));
	timestamp_format(&t, text);
	ck_assert_str_eq(text, format_cases[_i].out);
}
END_TEST

START_TEST(test_zero_and_compare)
{
	struct timestamp zero = timestamp_zero(), t, u, shifted;
	char text[TIMESTAMP_RFC3339_SIZE];

	ck_assert(timestamp_is_zero(&zero));
	timestamp_format(&zero, text);
	ck_assert_str_eq(text, "0001-01-01T00:00:00Z");
	ck_assert(timestamp_parse("0001-01-01T01:00:00+01:00", &shifted));
	ck_assert(timestamp_is_zero(&shifted)); /* the same instant */
	ck_assert(timestamp_parse("0001-01-01T00:00:00.000000001Z", &t));
	ck_assert(!timestamp_is_zero(&t));
	ck_assert_int_lt(timestamp_compare(&zero, &t), 0);
	ck_assert_int_gt(timestamp_compare(&t, &zero), 0);
	ck_assert_int_eq(timestamp_compare(&zero, &shifted), 0);
	u = timestamp_from_time(1733911200);
	ck_assert(timestamp_parse("2024-12-11T10:00:00Z", &t));
	ck_assert_int_eq(timestamp_compare(&t, &u), 0);
}
END_TEST

START_TEST(test_sub)
{
	struct timestamp a, b, zero = timestamp_zero(), far;

	ck_assert(timestamp_parse("2024-12-11T10:00:01.25Z", &a));
	ck_assert(timestamp_parse("2024-12-11T10:00:00.5Z", &b));
	ck_assert_int_eq(timestamp_sub(&a, &b), 750000000);
	ck_assert_int_eq(timestamp_sub(&b, &a), -750000000);
	/* 2024 - year 1 does not fit a time.Duration: Go saturates. */
	ck_assert_int_eq(timestamp_sub(&a, &zero), INT64_MAX);
	ck_assert_int_eq(timestamp_sub(&zero, &a), INT64_MIN);
	/* The last representable durations on either side. */
	far = (struct timestamp){9223372036, 854775807};
	ck_assert_int_eq(timestamp_sub(&far, &(struct timestamp){0, 0}), INT64_MAX);
	far.nanos = 854775806;
	ck_assert_int_eq(timestamp_sub(&far, &(struct timestamp){0, 0}), INT64_MAX - 1);
	far = (struct timestamp){9223372037, 0};
	ck_assert_int_eq(timestamp_sub(&far, &(struct timestamp){0, 999999999}),
			 9223372036000000001LL);
	ck_assert_int_eq(
	    timestamp_sub(&(struct timestamp){0, 0}, &(struct timestamp){9223372036, 854775808}),
	    INT64_MIN);
	ck_assert_int_eq(
	    timestamp_sub(&(struct timestamp){0, 1}, &(struct timestamp){9223372036, 854775808}),
	    INT64_MIN + 1);
	ck_assert_int_eq(
	    timestamp_sub(&(struct timestamp){INT64_MAX, 0}, &(struct timestamp){INT64_MIN, 0}),
	    INT64_MAX);
	ck_assert_int_eq(
	    timestamp_sub(&(struct timestamp){INT64_MIN, 0}, &(struct timestamp){INT64_MAX, 0}),
	    INT64_MIN);
}
END_TEST

/* Both sides of every branch of HumanDuration. */
static const struct {
	int64_t nanos;
	const char *text;
} duration_cases[] = {
    {INT64_MIN, "<invalid>"},
    {-2 * SECOND, "<invalid>"},
    {-2 * SECOND + 1, "0s"}, /* -1.999999999s truncates to -1 */
    {-SECOND, "0s"},
    {-1, "0s"},
    {0, "0s"},
    {SECOND - 1, "0s"},
    {SECOND, "1s"},
    {59 * SECOND, "59s"},
    {60 * SECOND, "60s"},
    {119 * SECOND, "119s"},
    {120 * SECOND - 1, "119s"},
    {120 * SECOND, "2m"},
    {121 * SECOND, "2m1s"},
    {3 * MINUTE + 59 * SECOND + SECOND / 2, "3m59s"},
    {9 * MINUTE + 59 * SECOND, "9m59s"},
    {10 * MINUTE - 1, "9m59s"},
    {10 * MINUTE, "10m"},
    {10 * MINUTE + 59 * SECOND, "10m"},
    {179 * MINUTE + 59 * SECOND, "179m"},
    {3 * HOUR, "3h"},
    {3 * HOUR + MINUTE, "3h1m"},
    {3 * HOUR + MINUTE + 59 * SECOND, "3h1m"},
    {7 * HOUR + 59 * MINUTE, "7h59m"},
    {8 * HOUR - 1, "7h59m"},
    {8 * HOUR, "8h"},
    {8 * HOUR + 30 * MINUTE, "8h"},
    {47 * HOUR + 59 * MINUTE, "47h"},
    {48 * HOUR, "2d"},
    {49 * HOUR, "2d1h"},
    {2 * DAY + 59 * MINUTE, "2d"},
    {7 * DAY + 23 * HOUR, "7d23h"},
    {8 * DAY - 1, "7d23h"},
    {8 * DAY, "8d"},
    {8 * DAY + 23 * HOUR, "8d"},
    {729 * DAY + 23 * HOUR, "729d"},
    {730 * DAY, "2y"},
    {731 * DAY, "2y1d"},
    {3 * 365 * DAY + 200 * DAY, "3y200d"},
    {2919 * DAY, "7y364d"},
    {2920 * DAY - 1, "7y364d"},
    {2920 * DAY, "8y"},
    {2920 * DAY + 364 * DAY, "8y"},
    {100 * 365 * DAY + 10 * DAY, "100y"},
    {INT64_MAX, "292y"},
};

START_TEST(test_human_duration)
{
	char text[HUMAN_DURATION_SIZE];

	ck_assert_str_eq(human_duration(duration_cases[_i].nanos, text), duration_cases[_i].text);
}
END_TEST

static Suite *timestamp_suite(void)
{
	Suite *s = suite_create("timestamp");
	TCase *times = tcase_create("times");
	TCase *durations = tcase_create("durations");

	tcase_add_loop_test(times, test_parse, 0, N(parse_cases));
	tcase_add_loop_test(times, test_parse_rejects, 0, N(bad_times));
	tcase_add_loop_test(times, test_format, 0, N(format_cases));
	tcase_add_test(times, test_zero_and_compare);
	tcase_add_test(times, test_sub);
	suite_add_tcase(s, times);

	tcase_add_loop_test(durations, test_human_duration, 0, N(duration_cases));
	suite_add_tcase(s, durations);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(timestamp_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
