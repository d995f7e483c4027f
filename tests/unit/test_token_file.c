/*
 * test_token_file.c - unit tests for shared/token_file.c.
 *
 * The records Go's encoding/csv reads from a --token-auth-file (quoting,
 * "\r\n", blank lines, fields past the fourth) and its errors word for
 * word, with their line and column; then what tokenfile.NewCSV makes of
 * the records (too few columns, empty and repeated tokens, groups split at
 * ',') and the lookups; reading a file that is not there.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/token_file.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct warnings {
	char text[1024];
};

static void collect(void *ctx, const char *message)
{
	struct warnings *w = ctx;
	size_t len = strlen(w->text);

	snprintf(w->text + len, sizeof(w->text) - len, "%s%s", len ? "|" : "", message);
}

/* A user as "token/name/uid/[g1,g2]" ("-" for no groups). */
static void describe(const struct token_file_user *u, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "%s/%s/%s/", u->token, u->name, u->uid);

	if (!u->num_groups) {
		snprintf(out + n, len - n, "-");
		return;
	}
	n += (size_t)snprintf(out + n, len - n, "[");
	for (size_t i = 0; i < u->num_groups; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", i ? "," : "", u->groups[i]);
	snprintf(out + n, len - n, "]");
}

static const struct {
	const char *input;
	const char *token; /* looked up */
	const char *user;  /* as describe() writes it */
} parse_cases[] = {
    {"tok,alice,1001\n", "tok", "tok/alice/1001/-"},
    {"tok,alice,1001,\"dev,qa\"\n", "tok", "tok/alice/1001/[dev,qa]"},
    {"tok,alice,1001,dev\n", "tok", "tok/alice/1001/[dev]"},
    /* an empty fourth field is one empty group, as strings.Split("") */
    {"tok,alice,1001,\n", "tok", "tok/alice/1001/[]"},
    {"tok,alice,1001,\"a,,b\"\n", "tok", "tok/alice/1001/[a,,b]"},
    /* fields past the fourth are ignored */
    {"tok,alice,1001,g,extra,more\n", "tok", "tok/alice/1001/[g]"},
    /* quotes: doubled, around commas and newlines */
    {"\"t\"\"q\",alice,1\n", "t\"q", "t\"q/alice/1/-"},
    {"\"x\ny\",alice,1\n", "x\ny", "x\ny/alice/1/-"},
    {"\"x\r\ny\",alice,1\n", "x\ny", "x\ny/alice/1/-"},
    {"tok,\"al,ice\",1\n", "tok", "tok/al,ice/1/-"},
    {"tok,alice,\"\"\n", "tok", "tok/alice//-"},
    /* line ends: CRLF, a last line without one, a lone CR before the end */
    {"tok,alice,1\r\n", "tok", "tok/alice/1/-"},
    {"tok,alice,1", "tok", "tok/alice/1/-"},
    {"tok,alice,1\r", "tok", "tok/alice/1/-"},
    {"tok,a\rb,1\n", "tok", "tok/a\rb/1/-"},
    /* blank lines are skipped; spaces are data */
    {"\n\r\n\ntok,alice,1\n\n", "tok", "tok/alice/1/-"},
    {" tok , alice ,1\n", " tok ", " tok / alice /1/-"},
    /* the later of two records for a token wins */
    {"tok,alice,1\ntok,bob,2\n", "tok", "tok/bob/2/-"},
    {"a,alice,1\nb,bob,2\nc,carol,3\n", "b", "b/bob/2/-"},
};

START_TEST(test_parse)
{
	struct token_file tf;
	const struct token_file_user *u;
	char err[512] = "", got[512];
	const char *in = parse_cases[_i].input;

	ck_assert_msg(
	    token_file_parse(in, strlen(in), "f.csv", &tf, NULL, NULL, err, sizeof(err)) == 0, "%s",
	    err);
	u = token_file_lookup(&tf, parse_cases[_i].token);
	ck_assert_ptr_nonnull(u);
	describe(u, got, sizeof(got));
	ck_assert_str_eq(got, parse_cases[_i].user);
	token_file_free(&tf);
}
END_TEST

static const struct {
	const char *input;
	const char *error;
} error_cases[] = {
    {"tok,user\n", "token file 'f.csv' must have at least 3 columns (token, user name, user uid), "
		   "found 2"},
    {"a,b,c\nonly\n", "token file 'f.csv' must have at least 3 columns (token, user name, user "
		      "uid), found 1"},
    {"a,b\"c,d\n", "parse error on line 1, column 4: bare \" in non-quoted-field"},
    {"x,y,z\n\na,bc,d\"\n", "parse error on line 3, column 7: bare \" in non-quoted-field"},
    {"\"ab\"c,d,e\n", "parse error on line 1, column 4: extraneous or missing \" in quoted-field"},
    {"t,u,1\n\"abc", "parse error on line 2, column 5: extraneous or missing \" in quoted-field"},
    {"\"a\nb\"x,c,d\n", "record on line 1; parse error on line 2, column 2: extraneous or missing "
			"\" in quoted-field"},
    {"\"a\nbc", "record on line 1; parse error on line 2, column 3: extraneous or missing \" in "
		"quoted-field"},
    /* a lone '\r' at the very end is an empty line, which moves no position */
    {"x,\"ab\n\r", "parse error on line 1, column 7: extraneous or missing \" in quoted-field"},
    {"\"a\"\"\n", "parse error on line 1, column 6: extraneous or missing \" in quoted-field"},
};

START_TEST(test_parse_errors)
{
	struct token_file tf;
	char err[512] = "";
	const char *in = error_cases[_i].input;

	ck_assert_int_eq(
	    token_file_parse(in, strlen(in), "f.csv", &tf, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, error_cases[_i].error);
	ck_assert_uint_eq(tf.num_users, 0);
}
END_TEST

START_TEST(test_warnings)
{
	struct token_file tf;
	struct warnings w = {""};
	char err[512];
	static const char in[] = ",nobody,0\nx,alice,1\nx,bob,2\ny,carol,3\n";

	ck_assert_int_eq(
	    token_file_parse(in, strlen(in), "/etc/t.csv", &tf, collect, &w, err, sizeof(err)), 0);
	ck_assert_str_eq(w.text,
			 "empty token has been found in token file '/etc/t.csv', record number "
			 "'1'|duplicate token has been found in token file '/etc/t.csv', record "
			 "number '3'");
	ck_assert_uint_eq(tf.num_users, 2);
	ck_assert_str_eq(token_file_lookup(&tf, "x")->name, "bob");
	ck_assert_str_eq(token_file_lookup(&tf, "y")->name, "carol");
	ck_assert_ptr_null(token_file_lookup(&tf, ""));
	token_file_free(&tf);
}
END_TEST

START_TEST(test_lookup_misses)
{
	struct token_file tf;
	char err[512];
	static const char in[] = "secret-token,alice,1\n";

	ck_assert_int_eq(token_file_parse(in, strlen(in), "f", &tf, NULL, NULL, err, sizeof(err)),
			 0);
	ck_assert_ptr_nonnull(token_file_lookup(&tf, "secret-token"));
	ck_assert_ptr_null(token_file_lookup(&tf, "secret-toke"));
	ck_assert_ptr_null(token_file_lookup(&tf, "secret-token "));
	ck_assert_ptr_null(token_file_lookup(&tf, "SECRET-TOKEN"));
	ck_assert_ptr_null(token_file_lookup(&tf, ""));
	token_file_free(&tf);
}
END_TEST

/* A token with a NUL byte can never be presented, so it matches nothing. */
START_TEST(test_token_with_nul)
{
	struct token_file tf;
	char err[512];
	static const char in[] = "ab\0cd,alice,1\n";

	ck_assert_int_eq(
	    token_file_parse(in, sizeof(in) - 1, "f", &tf, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(tf.num_users, 1);
	ck_assert_ptr_null(token_file_lookup(&tf, "ab"));
	token_file_free(&tf);
}
END_TEST

START_TEST(test_empty_file)
{
	struct token_file tf;
	char err[512];

	ck_assert_int_eq(token_file_parse("", 0, "f", &tf, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(tf.num_users, 0);
	ck_assert_ptr_null(token_file_lookup(&tf, "x"));
	token_file_free(&tf);
}
END_TEST

START_TEST(test_load)
{
	char path[] = "/tmp/test_token_file_XXXXXX", err[512] = "", want[600];
	int fd = mkstemp(path);
	struct token_file tf;
	static const char in[] = "t1,alice,1,\"a,b\"\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, in, sizeof(in) - 1), (ssize_t)(sizeof(in) - 1));
	close(fd);
	ck_assert_int_eq(token_file_load(path, &tf, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(token_file_lookup(&tf, "t1")->num_groups, 2);
	token_file_free(&tf);
	unlink(path);
	ck_assert_int_eq(token_file_load(path, &tf, NULL, NULL, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "open %s: no such file or directory", path);
	ck_assert_str_eq(err, want);
}
END_TEST

static Suite *token_file_suite(void)
{
	Suite *s = suite_create("token_file");
	TCase *tc = tcase_create("token_file");

	tcase_add_loop_test(tc, test_parse, 0, N(parse_cases));
	tcase_add_loop_test(tc, test_parse_errors, 0, N(error_cases));
	tcase_add_test(tc, test_warnings);
	tcase_add_test(tc, test_lookup_misses);
	tcase_add_test(tc, test_token_with_nul);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_load);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(token_file_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
