/*
 * test_quantity.c - unit tests for shared/quantity.c.
 *
 * Quantity text and what resource.Quantity's String() makes of it in
 * k8s.io/apimachinery v1.32, in every format: canonicalisation to the
 * largest exact suffix, text kept as written when upstream's int64 path
 * finds it canonical, rounding to the nanounit, the binary cap and the
 * binary-to-decimal fallbacks; and the text ParseQuantity rejects. Then
 * parsed quantities: Cmp, Add, MilliValue's whole numbers, and the int64
 * form ParseQuantity keeps, which validation messages print.
 */
#include <check.h>
#include <stdlib.h>

#include "shared/quantity.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *in, *out;
} cases[] = {
    /* decimal SI */
    {"0", "0"},
    {"1", "1"},
    {"1000m", "1"},
    {"1500m", "1500m"},
    {"0.5", "500m"},
    {"1.5", "1500m"},
    {"-1.5", "-1500m"},
    {"0.1", "100m"},
    {"0.10", "100m"},
    {"1.000", "1"},
    {"1000", "1k"},
    {"1000000", "1M"},
    {"1500k", "1500k"},
    {"1.5M", "1500k"},
    {"100M", "100M"},
    {"100m", "100m"},
    {"250000000n", "250m"},
    {"0.000001", "1u"},
    {"0.0001m", "100n"},
    {"1.000n", "1n"},
    {"12E", "12E"},
    {"1000E", "1"}, /* 10^21 has no suffix: upstream prints none */
    {"1000P", "1E"},
    {"9223372036854775807", "9223372036854775807"},
    {"9223372036854775808", "9223372036854775808"}, /* decimal values are not capped */
    {"18446744073709551616000", "18446744073709551616k"},
    /* rounded away from zero to the nanounit */
    {"0.1n", "1n"},
    {"0.0000000001", "1n"},
    {"-0.0000000001", "-1n"},
    {"1.0000000001", "1000000001n"},
    {"0.00000000000000000000000000000000001", "1n"},
    /* binary SI */
    {"1Ki", "1Ki"},
    {"1024Mi", "1Gi"},
    {"1.5Gi", "1536Mi"},
    {"2048Ki", "2Mi"},
    {"1536Mi", "1536Mi"},
    {"8Ti", "8Ti"},
    {"1Ei", "1Ei"},
    {"1024Ei", "9223372036854775807"}, /* capped at 2^63-1 */
    {"123456789012345678901234567890Ki", "9223372036854775807"},
    {"1023Ki", "1023Ki"},
    {"1.5Ki", "1536"}, /* an integer, but not of a whole Ki */
    {"0.5Ki", "512"},  /* below 1024: decimal */
    {".5Ki", "512"},
    {"0.5Mi", "512Ki"},
    {"1.0000001Ki", "1024000102400n"}, /* a fraction: decimal */
    {"0.0000000001Ki", "103n"},
    {"-1Gi", "-1Gi"},
    {"-1024Mi", "-1Gi"},
    /* decimal exponent */
    {"1e3", "1e3"},
    {"1E3", "1E3"},
    {"12e6", "12e6"},
    {"100e3", "100e3"},
    {"1000e3", "1e6"},
    {"1.5e3", "1500"},
    {"1e-3", "1e-3"},
    {"15e-1", "1500e-3"},
    {"5e-10", "1e-9"},
    {"1e21", "1e21"},
    {"10e21", "10e21"},
    {"10e4294967296", "10e4294967296"},
    /* kept as written: upstream's int64 path finds these canonical */
    {"+1Gi", "+1Gi"},
    {"01Gi", "01Gi"},
    {"1.Gi", "1.Gi"},
    {"+100M", "+100M"},
    {"0100M", "0100M"},
    /* ...and these not, so they are rewritten */
    {"+1024Mi", "1Gi"},
    {"+1000", "1k"},
    {"01000m", "1"},
    {"01000M", "1G"},
    /* no digits at all read as zero */
    {"00", "0"},
    {"-", "0"},
    {"+", "0"},
    {".", "0"},
    {"Ki", "0"},
    {"-0.0", "0"},
    {"0Mi", "0"},
};

START_TEST(test_canonical)
{
	struct arena a = {0};
	const char *out = quantity_canonical(&a, cases[_i].in);

	ck_assert_msg(out != NULL, "rejected %s", cases[_i].in);
	ck_assert_str_eq(out, cases[_i].out);
	arena_free(&a);
}
END_TEST

static const char *const invalid[] = {
    "",	    "1K",  "1k3", "1e",	 "1e+",	  "1ee5", "1Gi ", " 1Gi",   "1.5.5",
    "1Gib", "abc", "1mi", "1_0", "1e3.5", "--1",  "1 Gi", "+.e-10", "1e99999999999999999999",
};

START_TEST(test_invalid)
{
	struct arena a = {0};

	ck_assert_msg(quantity_canonical(&a, invalid[_i]) == NULL, "accepted %s", invalid[_i]);
	ck_assert(quantity_canonical(&a, NULL) == NULL);
	arena_free(&a);
}
END_TEST

/* Parses text, which must parse. */
static struct quantity parsed(struct arena *a, const char *text)
{
	struct quantity q;

	ck_assert_msg(quantity_parse(a, text, &q) == 0, "rejected %s", text);
	return q;
}

static const struct {
	const char *x, *y;
	int cmp;
} comparisons[] = {
    {"1", "1000m", 0},
    {"1Gi", "1073741824", 0},
    {"1Gi", "1G", 1},
    {"0.5", "500m", 0},
    {"1e3", "1k", 0},
    {"999m", "1", -1},
    {"10", "9", 1},
    {"1.5", "2", -1},
    {"12E", "13E", -1},
    {"-1", "0", -1},
    {"-2", "-1", -1},
    {"0", "-0", 0},
    {"0.1n", "1n", 0},			 /* rounded away from zero to the nanounit */
    {"100Ei", "9223372036854775807", 0}, /* the binary cap */
    {"1000000000000000000000000", "1000000E", 0},
};

START_TEST(test_compare)
{
	struct arena a = {0};
	struct quantity x = parsed(&a, comparisons[_i].x), y = parsed(&a, comparisons[_i].y);

	ck_assert_int_eq(quantity_compare(&x, &y), comparisons[_i].cmp);
	ck_assert_int_eq(quantity_compare(&y, &x), -comparisons[_i].cmp);
	arena_free(&a);
}
END_TEST

static const struct {
	const char *x, *y, *sum;
} sums[] = {
    {"100m", "900m", "1"},   {"1Gi", "1Gi", "2Gi"},    {"1", "-1", "0"},   {"-5", "3", "-2"},
    {"3", "-5", "-2"},	     {"0.5", "0.25", "750m"},  {"999", "1", "1k"}, {"1n", "-2n", "-1n"},
    {"0", "7Mi", "7340032"}, {"1k", "1m", "1000001m"},
};

START_TEST(test_add)
{
	struct arena a = {0};
	struct quantity x = parsed(&a, sums[_i].x), y = parsed(&a, sums[_i].y),
			want = parsed(&a, sums[_i].sum), got;

	ck_assert_int_eq(quantity_add(&a, &x, &y, &got), 0);
	ck_assert_msg(quantity_compare(&got, &want) == 0, "%s + %s: got %s%.*se%lld", sums[_i].x,
		      sums[_i].y, got.negative ? "-" : "", (int)got.len, got.digits,
		      (long long)got.exponent);
	ck_assert_int_eq(got.format, x.format);
	arena_free(&a);
}
END_TEST

START_TEST(test_add_too_long)
{
	struct arena a = {0};
	struct quantity big = parsed(&a, "1e4096"), one = parsed(&a, "1"),
			edge = parsed(&a, "1e4094"), out = parsed(&a, "7"), want = parsed(&a, "7");

	/* Adding would write 4097 digits: refused, out untouched. */
	ck_assert_int_eq(quantity_add(&a, &big, &one, &out), -1);
	ck_assert_int_eq(quantity_add(&a, &one, &big, &out), -1);
	ck_assert_int_eq(quantity_compare(&out, &want), 0);
	/* 4095 digits are fine; far apart values of zero cost nothing. */
	ck_assert_int_eq(quantity_add(&a, &edge, &one, &out), 0);
	ck_assert_int_eq((int)out.len, 4095);
	ck_assert_int_eq(quantity_add(&a, &big, &(struct quantity){.digits = ""}, &out), 0);
	ck_assert_int_eq(quantity_compare(&out, &big), 0);
	arena_free(&a);
}
END_TEST

START_TEST(test_milli_value_whole)
{
	static const struct {
		const char *text;
		bool whole;
	} cases_whole[] = {
	    {"1", true},       {"2k", true},	 {"-1", true},	   {"0", true}, {"1.5", false},
	    {"0.0001", false}, {"1.001", false}, {"1.9995", true}, /* 1999.5 rounds up to 2000 */
	};
	struct arena a = {0};

	for (size_t i = 0; i < N(cases_whole); i++) {
		struct quantity q = parsed(&a, cases_whole[i].text);

		ck_assert_msg(quantity_milli_value_is_whole(&a, &q) == cases_whole[i].whole, "%s",
			      cases_whole[i].text);
	}
	arena_free(&a);
}
END_TEST

START_TEST(test_int64_form)
{
	static const struct {
		const char *text;
		bool int64_form;
		long long value;
		int scale;
		bool canonical;
		const char *format;
	} forms[] = {
	    {"500m", true, 500, -3, true, "DecimalSI"},
	    {"1000m", true, 1000, -3, false, "DecimalSI"},
	    {"0.1", true, 1, -1, false, "DecimalSI"},
	    {"1Ki", true, 1024, 0, true, "BinarySI"},
	    {"8Ki", true, 8192, 0, false, "BinarySI"},
	    {"1.5Gi", false, 0, 0, false, "BinarySI"},
	    {"-2e3", true, -2, 3, true, "DecimalExponent"},
	    {"1234567890123456789", false, 0, 0, false, "DecimalSI"},
	    /* ParseQuantity's own case for "0": its text is kept; "0m" and "00" are not. */
	    {"0", true, 0, 0, true, "DecimalSI"},
	    {"0m", true, 0, -3, false, "DecimalSI"},
	    {"00", true, 0, 0, false, "DecimalSI"},
	};
	struct arena a = {0};

	for (size_t i = 0; i < N(forms); i++) {
		struct quantity q = parsed(&a, forms[i].text);

		ck_assert_msg(q.int64_form == forms[i].int64_form, "%s", forms[i].text);
		if (q.int64_form) {
			ck_assert_int_eq(q.int64_value, forms[i].value);
			ck_assert_int_eq(q.int64_scale, forms[i].scale);
		}
		ck_assert_msg(q.text_is_canonical == forms[i].canonical, "%s", forms[i].text);
		ck_assert_str_eq(quantity_format_name(q.format), forms[i].format);
	}
	ck_assert_int_eq(quantity_parse(&a, "1Gib", &(struct quantity){0}), -1);
	ck_assert_int_eq(quantity_parse(&a, NULL, &(struct quantity){0}), -1);
	arena_free(&a);
}
END_TEST

static Suite *quantity_suite(void)
{
	Suite *s = suite_create("quantity");
	TCase *tc = tcase_create("canonical");

	tcase_add_loop_test(tc, test_canonical, 0, N(cases));
	tcase_add_loop_test(tc, test_invalid, 0, N(invalid));
	suite_add_tcase(s, tc);
	tc = tcase_create("parsed");
	tcase_add_loop_test(tc, test_compare, 0, N(comparisons));
	tcase_add_loop_test(tc, test_add, 0, N(sums));
	tcase_add_test(tc, test_add_too_long);
	tcase_add_test(tc, test_milli_value_whole);
	tcase_add_test(tc, test_int64_form);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(quantity_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
