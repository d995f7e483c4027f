/*
 * test_gojson.c - unit tests for shared/gojson.c.
 *
 * Tables of inputs with what Go 1.23's encoding/json and strconv produce
 * for them: syntax error messages (scanner.go's wording and quoteChar),
 * string decoding with Go's U+FFFD repairs, Marshal's string and float
 * encodings, strconv.Quote and strconv.Atoi.
 */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "shared/gojson.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* A string literal with its length, for inputs that contain NUL bytes. */
#define S(s) s, sizeof(s) - 1

/* ---- Syntax errors ---- */

static const struct {
	const char *text;
	size_t len;
	const char *error; /* NULL: valid */
} check_cases[] = {
    {S("{}"), NULL},
    {S(" [1, -0.5e+3, \"a\\u00e9\\n\", true, false, null, {\"a\": {}}] "), NULL},
    {S("-0"), NULL},
    {S("1E5"), NULL},
    {S("\"\x7f\xff\xc3\""), NULL},
    {S(""), "unexpected end of JSON input"},
    {S(" \n\t\r"), "unexpected end of JSON input"},
    {S("{"), "unexpected end of JSON input"},
    {S("[1,2"), "unexpected end of JSON input"},
    {S("{\"a\""), "unexpected end of JSON input"},
    {S("\"abc"), "unexpected end of JSON input"},
    {S("[1,]"), "invalid character ']' looking for beginning of value"},
    {S("{\"a\":}"), "invalid character '}' looking for beginning of value"},
    {S("{,}"), "invalid character ',' looking for beginning of object key string"},
    {S("{\"a\":1,}"), "invalid character '}' looking for beginning of object key string"},
    {S("{\"a\" 1}"), "invalid character '1' after object key"},
    {S("{\"a\":1 \"b\":2}"), "invalid character '\"' after object key:value pair"},
    {S("[1 2]"), "invalid character '2' after array element"},
    {S("1 2"), "invalid character '2' after top-level value"},
    {S("{}x"), "invalid character 'x' after top-level value"},
    {S("[1]\0"), "invalid character '\\x00' after top-level value"},
    {S("01"), "invalid character '1' after top-level value"},
    {S("nul"), "invalid character ' ' in literal null (expecting 'l')"},
    {S("tru"), "invalid character ' ' in literal true (expecting 'e')"},
    {S("fals"), "invalid character ' ' in literal false (expecting 'e')"},
    {S("trUe"), "invalid character 'U' in literal true (expecting 'u')"},
    {S("nil"), "invalid character 'i' in literal null (expecting 'u')"},
    {S("-"), "invalid character ' ' in numeric literal"},
    {S("-a"), "invalid character 'a' in numeric literal"},
    {S("+1"), "invalid character '+' looking for beginning of value"},
    {S(".5"), "invalid character '.' looking for beginning of value"},
    {S("1."), "invalid character ' ' after decimal point in numeric literal"},
    {S("1.e5"), "invalid character 'e' after decimal point in numeric literal"},
    {S("1e"), "invalid character ' ' in exponent of numeric literal"},
    {S("1e+"), "invalid character ' ' in exponent of numeric literal"},
    {S("1e+x"), "invalid character 'x' in exponent of numeric literal"},
    {S("\"\\x\""), "invalid character 'x' in string escape code"},
    {S("\"\\'\""), "invalid character '\\'' in string escape code"},
    {S("\"\\u12g4\""), "invalid character 'g' in \\u hexadecimal character escape"},
    {S("\"\\u12"), "invalid character ' ' in \\u hexadecimal character escape"},
    {S("\"a\tb\""), "invalid character '\\t' in string literal"},
    {S("\"\x01\""), "invalid character '\\x01' in string literal"},
    {S("\"\0\""), "invalid character '\\x00' in string literal"},
    /* Go's quoteChar reads the byte as a rune: a UTF-8 BOM starts with 'ï'. */
    {S("\xef\xbb\xbf{}"), "invalid character 'ï' looking for beginning of value"},
    {S("'a'"), "invalid character '\\'' looking for beginning of value"},
    {S("\\"), "invalid character '\\\\' looking for beginning of value"},
    {S("\x7f"), "invalid character '\\x7f' looking for beginning of value"},
    {S("\x85"), "invalid character '\\u0085' looking for beginning of value"},
    {S("\xa0"), "invalid character '\\u00a0' looking for beginning of value"},
    {S("\xad"), "invalid character '\\u00ad' looking for beginning of value"},
    {S("\xff"), "invalid character 'ÿ' looking for beginning of value"},
    {S("\x0b"), "invalid character '\\v' looking for beginning of value"},
};

START_TEST(test_check)
{
	struct buf msg = {0};
	int rc = gojson_check(check_cases[_i].text, check_cases[_i].len, 100, &msg);

	if (!check_cases[_i].error) {
		ck_assert_msg(rc == 0, "%s: %s", check_cases[_i].text, msg.data);
	} else {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(msg.data, check_cases[_i].error);
	}
	buf_free(&msg);
}
END_TEST

static char *nested(char open, int depth)
{
	char *s = malloc(6 * (size_t)depth + 8);
	size_t n = 0;
	int i;

	for (i = 0; i < depth; i++) {
		s[n++] = open;
		if (open == '{') {
			memcpy(s + n, "\"a\":", 4);
			n += 4;
		}
	}
	s[n++] = '1';
	for (i = 0; i < depth; i++)
		s[n++] = open == '{' ? '}' : ']';
	s[n] = '\0';
	return s;
}

START_TEST(test_check_depth)
{
	struct buf msg = {0};
	char *arrays = nested('[', 2048), *objects = nested('{', 2048);

	ck_assert_int_eq(gojson_check(arrays + 1, strlen(arrays) - 2, 2047, &msg), 0);
	ck_assert_int_eq(gojson_check(arrays, strlen(arrays), 2047, &msg), -1);
	ck_assert_str_eq(msg.data, "invalid character '[' exceeded max depth");
	ck_assert_int_eq(gojson_check(objects, strlen(objects), 2047, &msg), -1);
	ck_assert_str_eq(msg.data, "invalid character '{' exceeded max depth");
	ck_assert_int_eq(gojson_check(objects, strlen(objects), 2048, &msg), 0);
	free(arrays);
	free(objects);
	buf_free(&msg);
}
END_TEST

/* ---- Decoding strings ---- */

static const struct {
	const char *literal;
	const char *decoded;
	size_t decoded_len;
} unquote_cases[] = {
    {"\"abc\"", S("abc")},
    {"\"\"", S("")},
    {"\"\\u0041\\n\\t\\\"\\\\\\/\\b\\f\\r\"", S("A\n\t\"\\/\b\f\r")},
    {"\"\\u00e9\\u20AC\"", S("\xc3\xa9\xe2\x82\xac")},
    {"\"\\ud83d\\ude00\"", S("\xf0\x9f\x98\x80")},
    {"\"\\ud83d\"", S("\xef\xbf\xbd")},
    {"\"\\ud83dx\"", S("\xef\xbf\xbdx")},
    {"\"\\ud83d\\u0041\"", S("\xef\xbf\xbd"
			     "A")},
    {"\"\\ude00\\ud83d\"", S("\xef\xbf\xbd\xef\xbf\xbd")},
    {"\"\\ud83d\\ud83d\\ude00\"", S("\xef\xbf\xbd\xf0\x9f\x98\x80")},
    {"\"\\u0000\"", S("\0")},
    {"\"\xc3\xa9\"", S("\xc3\xa9")},
    {"\"\xff"
     "a\"",
     S("\xef\xbf\xbd"
       "a")},
    {"\"\xc3\"", S("\xef\xbf\xbd")},
    /* A UTF-8-encoded surrogate and an overlong form are three bad bytes each. */
    {"\"\xed\xa0\x80\"", S("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd")},
    {"\"\xe0\x80\xaf\"", S("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd")},
    {"\"\xf4\x90\x80\x80\"", S("\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd")},
};

START_TEST(test_unquote)
{
	struct buf out = {0};

	gojson_unquote(&out, unquote_cases[_i].literal, strlen(unquote_cases[_i].literal));
	ck_assert_uint_eq(out.len, unquote_cases[_i].decoded_len);
	ck_assert_msg(memcmp(out.data, unquote_cases[_i].decoded, out.len) == 0, "%s",
		      unquote_cases[_i].literal);
	buf_free(&out);
}
END_TEST

/* ---- Encoding ---- */

static const struct {
	const char *s;
	size_t len;
	const char *encoded;
} encode_string_cases[] = {
    {S("plain"), "\"plain\""},
    {S("a<b>&c"), "\"a\\u003cb\\u003e\\u0026c\""},
    {S("\"\\/"), "\"\\\"\\\\/\""},
    {S("\b\f\n\r\t\x01\x1f"), "\"\\b\\f\\n\\r\\t\\u0001\\u001f\""},
    {S("\0"), "\"\\u0000\""},
    {S("\x7f"), "\"\x7f\""},
    {S("\xc3\xa9\xe2\x82\xac"), "\"\xc3\xa9\xe2\x82\xac\""},
    {S("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\""},
    {S("\xff"), "\"\\ufffd\""},
};

START_TEST(test_encode_string)
{
	struct buf out = {0};

	gojson_encode_string(&out, encode_string_cases[_i].s, encode_string_cases[_i].len);
	ck_assert_str_eq(out.data, encode_string_cases[_i].encoded);
	buf_free(&out);
}
END_TEST

static const struct {
	double real;
	const char *encoded;
} encode_real_cases[] = {
    {1.0, "1"},
    {100.0, "100"},
    {0.1, "0.1"},
    {-2.5, "-2.5"},
    {-0.0, "-0"},
    {0.0, "0"},
    {123.456, "123.456"},
    {12345678.9, "12345678.9"},
    {0.30000000000000004, "0.30000000000000004"},
    {1e20, "100000000000000000000"},
    {1e21, "1e+21"},
    {1.5e300, "1.5e+300"},
    {1e-6, "0.000001"},
    {2.5e-5, "0.000025"},
    {1e-7, "1e-7"},
    {1.5e-10, "1.5e-10"},
    {5e-324, "5e-324"},
    {1.7976931348623157e308, "1.7976931348623157e+308"},
};

START_TEST(test_encode_real)
{
	struct buf out = {0};
	json_t *v = json_real(encode_real_cases[_i].real);

	gojson_encode_number(&out, v);
	ck_assert_str_eq(out.data, encode_real_cases[_i].encoded);
	json_decref(v);
	buf_free(&out);
}
END_TEST

START_TEST(test_encode_integer)
{
	struct buf out = {0};
	json_t *v = json_integer(-9223372036854775807LL - 1);

	gojson_encode_number(&out, v);
	ck_assert_str_eq(out.data, "-9223372036854775808");
	json_decref(v);
	buf_free(&out);
}
END_TEST

START_TEST(test_escape_raw)
{
	struct buf out = {0};
	const char raw[] = "\"a<b \\u003c \xe2\x80\xa8 \xff & >\"";

	gojson_escape_raw(&out, raw, sizeof(raw) - 1);
	ck_assert_str_eq(out.data, "\"a\\u003cb \\u003c \\u2028 \xff \\u0026 \\u003e\"");
	buf_free(&out);
}
END_TEST

/* ---- Numbers as sigs.k8s.io/json reads them ---- */

static const struct {
	const char *literal;
	const char *value; /* as jansson writes it; NULL: overflows */
} number_cases[] = {
    {"0", "0"},
    {"-0", "0"},
    {"42", "42"},
    {"-9223372036854775808", "-9223372036854775808"},
    {"9223372036854775807", "9223372036854775807"},
    {"9223372036854775808", "9.2233720368547758e18"},
    {"1.0", "1.0"},
    {"1e3", "1000.0"},
    {"-0.0", "-0.0"},
    {"1e-400", "0.0"},
    {"1e400", NULL},
    {"-1e400", NULL},
};

START_TEST(test_number)
{
	json_t *v = gojson_number(number_cases[_i].literal, strlen(number_cases[_i].literal));

	if (!number_cases[_i].value) {
		ck_assert_ptr_null(v);
	} else {
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));

		ck_assert_str_eq(text, number_cases[_i].value);
		free(text);
	}
	json_decref(v);
}
END_TEST

/* ---- strconv ---- */

static const struct {
	const char *s;
	size_t len;
	const char *quoted;
} quote_cases[] = {
    {S("abc"), "\"abc\""},
    {S(""), "\"\""},
    {S("a\"b\\c"), "\"a\\\"b\\\\c\""},
    {S("\a\b\f\n\r\t\v"), "\"\\a\\b\\f\\n\\r\\t\\v\""},
    {S("\x01\x7f\0"), "\"\\x01\\x7f\\x00\""},
    {S("\xff"), "\"\\xff\""},
    {S("\xc3\xa9"), "\"\xc3\xa9\""},
    {S("\xc2\xa0\xc2\x85"), "\"\\u00a0\\u0085\""},
    {S("\xe2\x80\x8b\xef\xbb\xbf"), "\"\\u200b\\ufeff\""},
    {S("\xee\x80\x80"), "\"\\ue000\""},
    {S("\xf3\xb0\x80\x80"), "\"\\U000f0000\""},
    {S("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\""},
    /* Unassigned (U+0378) and a noncharacter (U+FFFE) are not printable
     * for Go; a CJK ideograph is. */
    {S("\xcd\xb8\xef\xbf\xbe"), "\"\\u0378\\ufffe\""},
    {S("\xe4\xb8\xad"), "\"\xe4\xb8\xad\""},
    /* A surrogate encoded in UTF-8 is invalid: each byte escaped. */
    {S("\xed\xa0\x80"), "\"\\xed\\xa0\\x80\""},
};

/* utf8.DecodeRune, its encoder and utf8.ValidString. */
START_TEST(test_utf8)
{
	uint32_t r;
	char out[4];

	ck_assert_uint_eq(gojson_utf8_decode("\xc3\xa9x", 3, &r), 2);
	ck_assert_uint_eq(r, 0xE9);
	ck_assert_uint_eq(gojson_utf8_decode("\xf0\x9f\x98\x80", 4, &r), 4);
	ck_assert_uint_eq(r, 0x1F600);
	ck_assert_uint_eq(gojson_utf8_decode("\xf0\x9f\x98", 3, &r), 1);
	ck_assert_uint_eq(r, 0xFFFD);
	ck_assert_uint_eq(gojson_utf8_decode("\xc0\x80", 2, &r), 1); /* overlong */
	ck_assert_uint_eq(r, 0xFFFD);
	ck_assert_uint_eq(gojson_utf8_encode(0x1F600, out), 4);
	ck_assert_mem_eq(out, "\xf0\x9f\x98\x80", 4);
	ck_assert_uint_eq(gojson_utf8_encode(0x7FF, out), 2);
	ck_assert_mem_eq(out, "\xdf\xbf", 2);
	ck_assert(gojson_utf8_valid("a\xc3\xa9\xef\xbf\xbd", 6));
	ck_assert(!gojson_utf8_valid("a\xc3", 2));
	ck_assert(!gojson_utf8_valid("\xed\xa0\x80", 3));
}
END_TEST

START_TEST(test_quote)
{
	struct buf out = {0};

	gojson_quote(&out, quote_cases[_i].s, quote_cases[_i].len);
	ck_assert_str_eq(out.data, quote_cases[_i].quoted);
	buf_free(&out);
}
END_TEST

static const struct {
	const char *s;
	enum gojson_atoi_result result;
	int64_t value;
	const char *error;
} atoi_cases[] = {
    {"0", GOJSON_ATOI_OK, 0, NULL},
    {"01", GOJSON_ATOI_OK, 1, NULL},
    {"+5", GOJSON_ATOI_OK, 5, NULL},
    {"-3", GOJSON_ATOI_OK, -3, NULL},
    {"-0", GOJSON_ATOI_OK, 0, NULL},
    {"9223372036854775807", GOJSON_ATOI_OK, INT64_MAX, NULL},
    {"-9223372036854775808", GOJSON_ATOI_OK, INT64_MIN, NULL},
    {"", GOJSON_ATOI_SYNTAX, 0, "strconv.Atoi: parsing \"\": invalid syntax"},
    {"-", GOJSON_ATOI_SYNTAX, 0, "strconv.Atoi: parsing \"-\": invalid syntax"},
    {"+", GOJSON_ATOI_SYNTAX, 0, "strconv.Atoi: parsing \"+\": invalid syntax"},
    {"1a", GOJSON_ATOI_SYNTAX, 0, "strconv.Atoi: parsing \"1a\": invalid syntax"},
    {" 1", GOJSON_ATOI_SYNTAX, 0, "strconv.Atoi: parsing \" 1\": invalid syntax"},
    {"1_000", GOJSON_ATOI_SYNTAX, 0, "strconv.Atoi: parsing \"1_000\": invalid syntax"},
    {"--1", GOJSON_ATOI_SYNTAX, 0, "strconv.Atoi: parsing \"--1\": invalid syntax"},
    {"9223372036854775808", GOJSON_ATOI_RANGE, 0,
     "strconv.Atoi: parsing \"9223372036854775808\": value out of range"},
    {"-9223372036854775809", GOJSON_ATOI_RANGE, 0,
     "strconv.Atoi: parsing \"-9223372036854775809\": value out of range"},
    /* ParseUint stops at the overflow, before it sees the bad byte. */
    {"99999999999999999999x", GOJSON_ATOI_RANGE, 0,
     "strconv.Atoi: parsing \"99999999999999999999x\": value out of range"},
    {"9999999999999999999x", GOJSON_ATOI_SYNTAX, 0,
     "strconv.Atoi: parsing \"9999999999999999999x\": invalid syntax"},
};

START_TEST(test_atoi)
{
	int64_t v = 42;
	enum gojson_atoi_result rc = gojson_atoi(atoi_cases[_i].s, strlen(atoi_cases[_i].s), &v);

	ck_assert_int_eq(rc, atoi_cases[_i].result);
	if (rc == GOJSON_ATOI_OK) {
		ck_assert_int_eq(v, atoi_cases[_i].value);
	} else {
		struct buf msg = {0};

		gojson_atoi_error(&msg, rc, atoi_cases[_i].s, strlen(atoi_cases[_i].s));
		ck_assert_str_eq(msg.data, atoi_cases[_i].error);
		buf_free(&msg);
	}
}
END_TEST

static Suite *gojson_suite(void)
{
	Suite *s = suite_create("gojson");
	TCase *syntax = tcase_create("syntax");
	TCase *text = tcase_create("text");

	tcase_add_loop_test(syntax, test_check, 0, N(check_cases));
	tcase_add_test(syntax, test_check_depth);
	suite_add_tcase(s, syntax);

	tcase_add_loop_test(text, test_unquote, 0, N(unquote_cases));
	tcase_add_loop_test(text, test_encode_string, 0, N(encode_string_cases));
	tcase_add_loop_test(text, test_encode_real, 0, N(encode_real_cases));
	tcase_add_test(text, test_encode_integer);
	tcase_add_test(text, test_escape_raw);
	tcase_add_loop_test(text, test_number, 0, N(number_cases));
	tcase_add_loop_test(text, test_quote, 0, N(quote_cases));
	tcase_add_loop_test(text, test_atoi, 0, N(atoi_cases));
	tcase_add_test(text, test_utf8);
	suite_add_tcase(s, text);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(gojson_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
