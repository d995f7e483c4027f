/*
 * test_selector.c - unit tests for shared/selector.c.
 *
 * Tables of label and field selectors with what kube-apiserver parses them
 * to or the error it answers, the matching semantics, field_value, and the
 * SQL text and parameters of every operator. Then, on a real PostgreSQL
 * (libpq conninfo in PGKUBE_TEST_DSN), that the SQL of each selector in a
 * table selects exactly the rows the in-memory matchers accept.
 */
#include <check.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/selector.h"
#include "tests/unit/arena_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Upstream's validation messages, spelt out as k8s.io/apimachinery v1.32 has them. */
#define NAME_REGEX                                                                                 \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "   \
	"an "                                                                                      \
	"alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "     \
	"validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define SUBDOMAIN_REGEX                                                                            \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
	"regex "                                                                                   \
	"used for validation is "                                                                  \
	"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define VALUE_REGEX                                                                                \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "   \
	"or "                                                                                      \
	"'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "         \
	"'my_value',  or '12345', regex used for validation is "                                   \
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
#define PARSE	    "unable to parse requirement: "
#define NOT_INTEGER ": for 'Gt', 'Lt' operators, the value must be an integer"

#define A63  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A64  A63 "a"
#define A253 A63 A63 A63 A63 "a"

/* The selector as upstream's Selector.String() writes it (with "=" for "=="). */
static const char *label_string(const struct label_selector *s)
{
	static const char *const ops[] = {
	    [LABEL_EQUALS] = "=",	[LABEL_NOT_EQUALS] = "!=", [LABEL_IN] = " in ",
	    [LABEL_NOT_IN] = " notin ", [LABEL_EXISTS] = "",	   [LABEL_DOES_NOT_EXIST] = "",
	    [LABEL_GT] = ">",		[LABEL_LT] = "<",
	};
	struct buf b = {0};
	const char *out;
	size_t i, j;

	buf_append_str(&b, "");
	for (i = 0; i < s->num_reqs; i++) {
		const struct label_requirement *r = &s->reqs[i];
		bool set = r->op == LABEL_IN || r->op == LABEL_NOT_IN;

		buf_printf(&b, "%s%s%s%s%s", i ? "," : "", r->op == LABEL_DOES_NOT_EXIST ? "!" : "",
			   r->key, ops[r->op], set ? "(" : "");
		for (j = 0; j < r->num_values; j++)
			buf_printf(&b, "%s%s", j ? "," : "", r->values[j]);
		buf_append_str(&b, set ? ")" : "");
	}
	out = arena_strdup(&arena, b.data);
	buf_free(&b);
	return out;
}

/* Field requirements as "field=value" or "field!=value", '|'-separated. */
static const char *field_string(const struct field_selector *s)
{
	struct buf b = {0};
	const char *out;
	size_t i;

	buf_append_str(&b, "");
	for (i = 0; i < s->num_reqs; i++)
		buf_printf(&b, "%s%s%s%s", i ? "|" : "", s->reqs[i].field,
			   s->reqs[i].op == FIELD_EQUALS ? "=" : "!=", s->reqs[i].value);
	out = arena_strdup(&arena, b.data);
	buf_free(&b);
	return out;
}

/* ---- Label selector parsing ---- */

static const struct {
	const char *text;
	const char *parsed;
} label_parse_cases[] = {
    {"", ""},
    {" \t\r\n", ""},
    {"x", "x"},
    {"!x", "!x"},
    {" ! x ", "!x"},
    {"x=a", "x=a"},
    {"x==a", "x=a"},
    {"x!=a", "x!=a"},
    {"x = a", "x=a"},
    {"\tx\n==\ra ", "x=a"},
    {"x=", "x="},
    {"x==", "x="},
    {"x!=", "x!="},
    {"x=,y", "x=,y"},
    {"x>1", "x>1"},
    {"x < 10", "x<10"},
    {"x>007", "x>007"},
    {"x>9223372036854775807", "x>9223372036854775807"},
    {"x in (a,b)", "x in (a,b)"},
    {"x in(a)", "x in (a)"},
    {"x in ( a , b )", "x in (a,b)"},
    {"x in (b,a,b)", "x in (a,b)"},
    {"x notin (a)", "x notin (a)"},
    {"x in ()", "x in ()"},
    {"x in (,)", "x in ()"},
    {"x in (a,)", "x in (,a)"},
    {"x in (,a)", "x in (,a)"},
    {"x in (a,,b)", "x in (,a,b)"},
    {"x in (a,,,b)", "x in (,a,b)"},
    {"x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"},
    {"b=1,a=2,c", "a=2,b=1,c"},
    {"x=a,x!=b", "x=a,x!=b"},
    {"x!=b,x=a", "x!=b,x=a"},
    {"x,!y", "x,!y"},
    {"in", "in"},
    {"notin", "notin"},
    {"in in (in,notin)", "in in (in,notin)"},
    {"notin notin (in)", "notin notin (in)"},
    {"x=in", "x=in"},
    {"x=notin", "x=notin"},
    {"example.com/app=web", "example.com/app=web"},
    {"a.b-c_d=V.1-2_3", "a.b-c_d=V.1-2_3"},
    {"k8s.io/x-y.z in (A_1)", "k8s.io/x-y.z in (A_1)"},
    {A63 "=" A63, A63 "=" A63},
    {A253 "/" A63, A253 "/" A63},
};

START_TEST(test_label_parse)
{
	struct label_selector s;
	const char *error = NULL;

	ck_assert_msg(label_selector_parse(&arena, label_parse_cases[_i].text, &s, &error) == 0,
		      "%s: %s", label_parse_cases[_i].text, error);
	ck_assert_str_eq(label_string(&s), label_parse_cases[_i].parsed);
}
END_TEST

static const struct {
	const char *text;
	const char *error;
} label_error_cases[] = {
    {"x=a b", "found 'b', expected: ',' or 'end of string'"},
    {"x y", PARSE "found 'y', expected: in, notin, =, ==, !=, gt, lt"},
    {"x!", PARSE "found '!', expected: in, notin, =, ==, !=, gt, lt"},
    {"x (a)", PARSE "found '(', expected: in, notin, =, ==, !=, gt, lt"},
    {"!", PARSE "found '', expected: identifier"},
    {"!!x", PARSE "found '!', expected: identifier"},
    {"!x=a", "found '=', expected: ',' or 'end of string'"},
    {"!x in (a)", "found 'in', expected: ',' or 'end of string'"},
    {"x,", "found '', expected: identifier after ','"},
    {"x,,y", "found ',', expected: identifier after ','"},
    {"x,=", "found '=', expected: identifier after ','"},
    {",x", "found ',', expected: !, identifier, or 'end of string'"},
    {"=x", "found '=', expected: !, identifier, or 'end of string'"},
    {")", "found ')', expected: !, identifier, or 'end of string'"},
    {"x in", PARSE "found '' expected: '('"},
    {"x in a", PARSE "found 'a' expected: '('"},
    {"x in (", PARSE "found '', expected: ',', ')' or identifier"},
    {"x in (=)", PARSE "found '=', expected: ',', ')' or identifier"},
    {"x in (a", PARSE "found '', expected: ',' or ')'"},
    {"x in (a b)", PARSE "found 'b', expected: ',' or ')'"},
    {"x in (a,=)", PARSE "found '=', expected: ',', or identifier"},
    {"x in (a,", PARSE "found '', expected: ',', or identifier"},
    {"x in (a),", "found '', expected: identifier after ','"},
    {"x=(a)", PARSE "found '(', expected: identifier"},
    {"x===a", PARSE "found '=', expected: identifier"},
    {"x>", PARSE "values[0]: Invalid value: \"\"" NOT_INTEGER},
    {"x>a", PARSE "values[0]: Invalid value: \"a\"" NOT_INTEGER},
    {"x<1.5", PARSE "values[0]: Invalid value: \"1.5\"" NOT_INTEGER},
    {"x>99999999999999999999",
     PARSE "values[0]: Invalid value: \"99999999999999999999\"" NOT_INTEGER},
    {"x>-1", PARSE "values[0][x]: Invalid value: \"-1\": " VALUE_REGEX},
    {"x<-1.5", PARSE "[values[0]: Invalid value: \"-1.5\"" NOT_INTEGER
		     ", values[0][x]: Invalid value: \"-1.5\": " VALUE_REGEX "]"},
    {"a$", PARSE "<nil>: Invalid value: \"a$\": name part " NAME_REGEX},
    {"-a=b", PARSE "<nil>: Invalid value: \"-a\": name part " NAME_REGEX},
    {"a/",
     PARSE "<nil>: Invalid value: \"a/\": name part must be non-empty; name part " NAME_REGEX},
    {"/a", PARSE "<nil>: Invalid value: \"/a\": prefix part must be non-empty"},
    {"A.com/a", PARSE "<nil>: Invalid value: \"A.com/a\": prefix part " SUBDOMAIN_REGEX},
    {"a..b/a", PARSE "<nil>: Invalid value: \"a..b/a\": prefix part " SUBDOMAIN_REGEX},
    {"a/b/c", PARSE "<nil>: Invalid value: \"a/b/c\": a qualified name " NAME_REGEX
		    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
    {A64, PARSE "<nil>: Invalid value: \"" A64 "\": name part must be no more than 63 characters"},
    {A253 "a/a", PARSE "<nil>: Invalid value: \"" A253 "a/a\": prefix part must be no more "
		       "than 253 characters"},
    {"-/-",
     PARSE "<nil>: Invalid value: \"-/-\": prefix part " SUBDOMAIN_REGEX "; name part " NAME_REGEX},
    {"x=a$", PARSE "values[0][x]: Invalid value: \"a$\": " VALUE_REGEX},
    {"x=" A64,
     PARSE "values[0][x]: Invalid value: \"" A64 "\": must be no more than 63 characters"},
    {"x=-" A63, PARSE "values[0][x]: Invalid value: \"-" A63 "\": must be no more than 63 "
		      "characters; " VALUE_REGEX},
    {"x in (b$,a$,ok)", PARSE "[values[0][x]: Invalid value: \"a$\": " VALUE_REGEX
			      ", values[1][x]: Invalid value: \"b$\": " VALUE_REGEX "]"},
    {"x notin (ok,-)", PARSE "values[0][x]: Invalid value: \"-\": " VALUE_REGEX},
    /* Values are quoted as Go's %q quotes them. */
    {"x=a\"b\\c", PARSE "values[0][x]: Invalid value: \"a\\\"b\\\\c\": " VALUE_REGEX},
    {"x=\x01\x7f", PARSE "values[0][x]: Invalid value: \"\\x01\\x7f\": " VALUE_REGEX},
    {"x=\a\b\f\v", PARSE "values[0][x]: Invalid value: \"\\a\\b\\f\\v\": " VALUE_REGEX},
    {"x=\xc3\xa9", PARSE "values[0][x]: Invalid value: \"\xc3\xa9\": " VALUE_REGEX},
    {"x=\xff\xc3", PARSE "values[0][x]: Invalid value: \"\\xff\\xc3\": " VALUE_REGEX},
    {"x=\xc2\xa0", PARSE "values[0][x]: Invalid value: \"\\u00a0\": " VALUE_REGEX},
    {"x=\xf0\x9f\x98\x80", PARSE "values[0][x]: Invalid value: \"\xf0\x9f\x98\x80\": " VALUE_REGEX},
    {"x='$1--", PARSE "values[0][x]: Invalid value: \"'$1--\": " VALUE_REGEX},
    /* The first error in the text is the one reported, though keys are sorted. */
    {"b=$,a=$", PARSE "values[0][b]: Invalid value: \"$\": " VALUE_REGEX},
};

START_TEST(test_label_parse_error)
{
	struct label_selector s;
	const char *error = NULL;

	ck_assert_msg(label_selector_parse(&arena, label_error_cases[_i].text, &s, &error) == -1,
		      "parsed: %s", label_error_cases[_i].text);
	ck_assert_str_eq(error, label_error_cases[_i].error);
}
END_TEST

/* ---- Label matching ---- */

static const struct {
	const char *selector;
	const char *labels; /* NULL: the object has no labels */
	bool matches;
} label_match_cases[] = {
    {"", NULL, true},
    {"", "{\"a\":\"b\"}", true},
    {"x=a", "{\"x\":\"a\"}", true},
    {"x==a", "{\"x\":\"a\",\"y\":\"b\"}", true},
    {"x=a", "{\"x\":\"b\"}", false},
    {"x=a", "{}", false},
    {"x=a", NULL, false},
    {"x=", "{\"x\":\"\"}", true},
    {"x=", "{}", false},
    {"x!=a", "{\"x\":\"a\"}", false},
    {"x!=a", "{\"x\":\"b\"}", true},
    {"x!=a", "{}", true},
    {"x!=a", NULL, true},
    {"x!=", "{\"x\":\"\"}", false},
    {"x in (a,b)", "{\"x\":\"b\"}", true},
    {"x in (a,b)", "{\"x\":\"c\"}", false},
    {"x in (a,b)", "{}", false},
    {"x in ()", "{\"x\":\"\"}", true},
    {"x in (a,)", "{\"x\":\"\"}", true},
    {"x notin (a,b)", "{\"x\":\"a\"}", false},
    {"x notin (a,b)", "{\"x\":\"c\"}", true},
    {"x notin (a,b)", "{}", true},
    {"x notin (a,b)", NULL, true},
    {"x", "{\"x\":\"\"}", true},
    {"x", "{\"y\":\"x\"}", false},
    {"x", NULL, false},
    {"!x", "{\"x\":\"a\"}", false},
    {"!x", "{\"y\":\"x\"}", true},
    {"!x", NULL, true},
    {"x>5", "{\"x\":\"6\"}", true},
    {"x>5", "{\"x\":\"5\"}", false},
    {"x>5", "{\"x\":\"007\"}", true},
    {"x>5", "{\"x\":\"+7\"}", true},
    {"x>5", "{\"x\":\"abc\"}", false},
    {"x>5", "{\"x\":\"\"}", false},
    {"x>5", "{\"x\":\"6.5\"}", false},
    {"x>5", "{\"x\":\"99999999999999999999\"}", false},
    {"x<5", "{\"x\":\"99999999999999999999\"}", false},
    {"x>5", "{}", false},
    {"x<5", "{}", false},
    {"x<5", "{\"x\":\"-7\"}", true},
    {"x<5", "{\"x\":\"5\"}", false},
    {"x<0", "{\"x\":\"-9223372036854775808\"}", true},
    {"x>9223372036854775806", "{\"x\":\"9223372036854775807\"}", true},
    {"a=1,b!=2", "{\"a\":\"1\"}", true},
    {"a=1,b!=2", "{\"a\":\"1\",\"b\":\"2\"}", false},
    {"a=1,!b,c in (x)", "{\"a\":\"1\",\"c\":\"x\"}", true},
    {"example.com/team=x", "{\"example.com/team\":\"x\"}", true},
    /* Labels are strings; anything else is present but equal to no value. */
    {"x=5", "{\"x\":5}", false},
    {"x!=5", "{\"x\":5}", true},
    {"x", "{\"x\":null}", true},
    {"x>1", "{\"x\":5}", false},
};

START_TEST(test_label_match)
{
	struct label_selector s;
	const char *error = NULL;
	json_t *labels = label_match_cases[_i].labels ? json(label_match_cases[_i].labels) : NULL;

	ck_assert_msg(label_selector_parse(&arena, label_match_cases[_i].selector, &s, &error) == 0,
		      "%s", error);
	ck_assert_msg(label_selector_matches(&s, labels) == label_match_cases[_i].matches,
		      "%s on %s", label_match_cases[_i].selector,
		      label_match_cases[_i].labels ? label_match_cases[_i].labels : "no labels");
	json_decref(labels);
}
END_TEST

START_TEST(test_label_match_non_object_labels)
{
	struct label_selector s;
	const char *error;
	json_t *labels = json("[\"x\"]");

	ck_assert_int_eq(label_selector_parse(&arena, "!x,y!=a", &s, &error), 0);
	ck_assert(label_selector_matches(&s, labels));
	ck_assert_int_eq(label_selector_parse(&arena, "x", &s, &error), 0);
	ck_assert(!label_selector_matches(&s, labels));
	json_decref(labels);
}
END_TEST

/* ---- Field selector parsing ---- */

static const struct {
	const char *text;
	const char *parsed;
} field_parse_cases[] = {
    {"", ""},
    {"metadata.name=foo", "metadata.name=foo"},
    {"metadata.name==foo", "metadata.name=foo"},
    {"metadata.name!=foo", "metadata.name!=foo"},
    {"metadata.name=", "metadata.name="},
    {"b=1,a=2", "a=2|b=1"},
    {"a!=1,a=1", "a!=1|a=1"},
    {",,a=b,,", "a=b"},
    {"a=x\\,y", "a=x,y"},
    {"a=x\\=y", "a=x=y"},
    {"a=x\\\\y", "a=x\\y"},
    {"a=\\\\", "a=\\"},
    {"a=\\\\\\,\\=", "a=\\,="},
    {"a=b\\,c,d=e", "a=b,c|d=e"},
    {"a=!b", "a=!b"},
    {"a\\=b", "a\\=b"},
    {"a=b!", "a=b!"},
    {" a = b ", " a = b "},
    {"a.b.c=it's $1 --", "a.b.c=it's $1 --"},
    {"=", ""},
    {"==", ""},
    {"!=", ""},
    {"=,a=b", "a=b"},
    {"=x", "=x"},
    {"!=x", "!=x"},
    {"a=\xff", "a=\xff"},
    /* With an escape, the value is read as runes: invalid UTF-8 becomes U+FFFD. */
    {"a=\xff\\,", "a=\xef\xbf\xbd,"},
    {"a=\xc3\xa9\\=", "a=\xc3\xa9="},
};

START_TEST(test_field_parse)
{
	struct field_selector s;
	const char *error = NULL;

	ck_assert_msg(field_selector_parse(&arena, field_parse_cases[_i].text, &s, &error) == 0,
		      "%s: %s", field_parse_cases[_i].text, error);
	ck_assert_str_eq(field_string(&s), field_parse_cases[_i].parsed);
}
END_TEST

static const struct {
	const char *text;
	const char *error;
} field_error_cases[] = {
    {"foo", "invalid selector: 'foo'; can't understand 'foo'"},
    {"a=b,foo", "invalid selector: 'a=b,foo'; can't understand 'foo'"},
    {"a!b", "invalid selector: 'a!b'; can't understand 'a!b'"},
    {" ", "invalid selector: ' '; can't understand ' '"},
    {"a!==b", "invalid field selector: unescaped character in value: 61"},
    {"a=\\x", "invalid field selector: invalid escape sequence: \\x"},
    {"a=b\\", "invalid field selector: invalid escape sequence: \\"},
    {"a=\\\xc3\xa9", "invalid field selector: invalid escape sequence: \\\xc3\xa9"},
    {"a=\\\xff", "invalid field selector: invalid escape sequence: \\\xef\xbf\xbd"},
    {"a=b=c", "invalid field selector: unescaped character in value: 61"},
    {"a!=b=c", "invalid field selector: unescaped character in value: 61"},
    {"a=b\\,c=d", "invalid field selector: unescaped character in value: 61"},
    /* Terms are sorted before they are parsed: "a=\x" comes before "z". */
    {"z,a=\\x", "invalid field selector: invalid escape sequence: \\x"},
};

START_TEST(test_field_parse_error)
{
	struct field_selector s;
	const char *error = NULL;

	ck_assert_msg(field_selector_parse(&arena, field_error_cases[_i].text, &s, &error) == -1,
		      "parsed: %s", field_error_cases[_i].text);
	ck_assert_str_eq(error, field_error_cases[_i].error);
}
END_TEST

/* ---- field_value and field matching ---- */

static const char field_object[] =
    "{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\"}},"
    "\"spec\":{\"nodeName\":\"n1\",\"replicas\":3,\"offset\":-42,\"hostNetwork\":true,"
    "\"paused\":false,\"ratio\":1.5,\"million\":1e6,\"small\":0.0001,\"smaller\":0.00001,"
    "\"hundred\":100.0,\"big\":123456.0,\"nothing\":null,\"containers\":[{\"name\":\"c\"}],"
    "\"template\":{\"a\":\"b\"},\"\":{\"x\":\"empty key\"}},"
    "\"involvedObject\":{\"kind\":\"Pod\"},\"type\":\"Normal\"}";

static const struct {
	const char *field;
	const char *value;
} field_value_cases[] = {
    {"metadata.name", "web"},
    {"metadata.namespace", "default"},
    {"metadata.labels.app", "web"},
    {"involvedObject.kind", "Pod"},
    {"type", "Normal"},
    {"spec.nodeName", "n1"},
    {"spec.replicas", "3"},
    {"spec.offset", "-42"},
    {"spec.hostNetwork", "true"},
    {"spec.paused", "false"},
    {"spec.ratio", "1.5"},
    {"spec.million", "1e+06"},
    {"spec.small", "0.0001"},
    {"spec.smaller", "1e-05"},
    {"spec.hundred", "100"},
    {"spec.big", "123456"},
    {"spec.nothing", ""},
    {"spec.containers", ""},
    {"spec.containers.0.name", ""},
    {"spec.template", ""},
    {"spec.missing", ""},
    {"metadata.name.more", ""},
    {"missing.name", ""},
    {"", ""},
    {"spec..x", "empty key"},
    {"spec.", ""},
};

START_TEST(test_field_value)
{
	json_t *obj = json(field_object);

	ck_assert_str_eq(field_value(&arena, obj, field_value_cases[_i].field),
			 field_value_cases[_i].value);
	json_decref(obj);
}
END_TEST

START_TEST(test_field_value_of_non_object)
{
	json_t *obj = json("\"text\"");

	ck_assert_str_eq(field_value(&arena, obj, "metadata.name"), "");
	ck_assert_str_eq(field_value(&arena, NULL, "metadata.name"), "");
	json_decref(obj);
}
END_TEST

static const struct {
	const char *selector;
	bool matches;
} field_match_cases[] = {
    {"", true},
    {"metadata.name=web", true},
    {"metadata.name==web", true},
    {"metadata.name!=web", false},
    {"metadata.name=db", false},
    {"metadata.name!=db", true},
    {"metadata.name=web,metadata.namespace=default", true},
    {"metadata.name=web,metadata.namespace!=default", false},
    {"spec.missing=", true},
    {"spec.missing!=", false},
    {"spec.nothing=", true},
    {"spec.replicas=3", true},
    {"spec.hostNetwork=true", true},
    {"spec.paused!=true", true},
    {"spec.ratio=1.5", true},
    {"=x", false},
    {"!=x", true},
};

START_TEST(test_field_match)
{
	struct field_selector s;
	const char *error = NULL;
	json_t *obj = json(field_object);

	ck_assert_msg(field_selector_parse(&arena, field_match_cases[_i].selector, &s, &error) == 0,
		      "%s", error);
	ck_assert_msg(field_selector_matches(&arena, &s, obj) == field_match_cases[_i].matches,
		      "%s", field_match_cases[_i].selector);
	json_decref(obj);
}
END_TEST

/* ---- SQL text ---- */

#define LABELS "(object->'metadata'->'labels')"

/* The caller's own parameter comes first, as a namespace would. */
static const char *caller_param = "default";

static const struct {
	const char *selector;
	const char *sql;
	const char *params; /* '|'-separated, after the caller's */
} label_sql_cases[] = {
    {"", "TRUE", ""},
    {"x=a", "(" LABELS " @> jsonb_build_object($2::text, $3::text))", "x|a"},
    {"x==", "(" LABELS " @> jsonb_build_object($2::text, $3::text))", "x|"},
    {"x!=a", "(NOT COALESCE(" LABELS " @> jsonb_build_object($2::text, $3::text), false))", "x|a"},
    {"x in (b,a)",
     "(" LABELS " @> jsonb_build_object($2::text, $3::text) OR " LABELS
     " @> jsonb_build_object($2::text, $4::text))",
     "x|a|b"},
    {"x notin (a,b)",
     "(NOT COALESCE(" LABELS " @> jsonb_build_object($2::text, $3::text) OR " LABELS
     " @> jsonb_build_object($2::text, $4::text), false))",
     "x|a|b"},
    {"x", "(" LABELS " ? $2)", "x"},
    {"!x", "(NOT COALESCE(" LABELS " ? $2, false))", "x"},
    {"x>5",
     "(CASE WHEN (" LABELS "->>$2) ~ '^[-+]?[0-9]+$' THEN (" LABELS
     "->>$2)::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 AND (" LABELS
     "->>$2)::numeric > $3::numeric ELSE false END)",
     "x|5"},
    {"x<5",
     "(CASE WHEN (" LABELS "->>$2) ~ '^[-+]?[0-9]+$' THEN (" LABELS
     "->>$2)::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 AND (" LABELS
     "->>$2)::numeric < $3::numeric ELSE false END)",
     "x|5"},
    {"b=1,!a",
     "((NOT COALESCE(" LABELS " ? $2, false)) AND (" LABELS
     " @> jsonb_build_object($3::text, $4::text)))",
     "a|b|1"},
};

static const char *params_string(const struct sql_params *p, size_t from)
{
	struct buf b = {0};
	const char *out;
	size_t i;

	buf_append_str(&b, "");
	for (i = from; i < p->num; i++)
		buf_printf(&b, "%s%s", i > from ? "|" : "", p->values[i]);
	out = arena_strdup(&arena, b.data);
	buf_free(&b);
	return out;
}

START_TEST(test_label_sql)
{
	struct label_selector s;
	struct sql_params params = {0};
	struct buf sql = {0};
	const char *error = NULL;

	ck_assert_int_eq(label_selector_parse(&arena, label_sql_cases[_i].selector, &s, &error), 0);
	params.values = &caller_param;
	params.num = params.cap = 1;
	ck_assert_int_eq(label_selector_to_sql(&arena, &s, "object", &sql, &params), 0);
	ck_assert_str_eq(sql.data, label_sql_cases[_i].sql);
	ck_assert_str_eq(params.values[0], caller_param);
	ck_assert_str_eq(params_string(&params, 1), label_sql_cases[_i].params);
	buf_free(&sql);
}
END_TEST

/* The condition on one field: PATH is the text[] literal, OP "=" or "<>", N the parameter. */
#define FIELD(path, op, n)                                                                         \
	"(COALESCE(CASE WHEN jsonb_typeof(object #> '" path "') IN ('object', 'array') THEN '' "   \
	"ELSE object #>> '" path "' END, '') " op " $" n ")"

static const struct {
	const char *selector;
	const char *sql; /* NULL: not expressible, filtered in memory */
	const char *params;
} field_sql_cases[] = {
    {"", "TRUE", ""},
    {"metadata.name=web", FIELD("{\"metadata\",\"name\"}", "=", "2"), "web"},
    {"spec.nodeName!=", FIELD("{\"spec\",\"nodeName\"}", "<>", "2"), ""},
    {"b=1,a!=2", "(" FIELD("{\"a\"}", "<>", "2") " AND " FIELD("{\"b\"}", "=", "3") ")", "2|1"},
    {"spec.NULL=x", FIELD("{\"spec\",\"NULL\"}", "=", "2"), "x"},
    {"a_b-c.D9=x", FIELD("{\"a_b-c\",\"D9\"}", "=", "2"), "x"},
    {"a.1a=x", FIELD("{\"a\",\"1a\"}", "=", "2"), "x"},
    /* User text reaches PostgreSQL only as parameters. */
    {"a='; DROP TABLE x; --", FIELD("{\"a\"}", "=", "2"), "'; DROP TABLE x; --"},
    {"a=$1\\\\\"", FIELD("{\"a\"}", "=", "2"), "$1\\\""},
    {"a=}'{", FIELD("{\"a\"}", "=", "2"), "}'{"},
    {"metadata.na me=x", NULL, NULL},
    {"metadata.name'--=x", NULL, NULL},
    {"a\"b=x", NULL, NULL},
    {"a.b}=x", NULL, NULL},
    {"a..b=x", NULL, NULL},
    {"a.=x", NULL, NULL},
    {"=x", NULL, NULL},
    {"spec.containers.0.name=c", NULL, NULL},
    {"spec.containers.-1.name=c", NULL, NULL},
    {"a=\xff", NULL, NULL},
    {"a=ok,b$=x", NULL, NULL},
};

START_TEST(test_field_sql)
{
	struct field_selector s;
	struct sql_params params = {0};
	struct buf sql = {0};
	const char *error = NULL;
	int rc;

	ck_assert_int_eq(field_selector_parse(&arena, field_sql_cases[_i].selector, &s, &error), 0);
	params.values = &caller_param;
	params.num = params.cap = 1;
	buf_append_str(&sql, "x = $1 AND ");
	rc = field_selector_to_sql(&arena, &s, "object", &sql, &params);
	if (!field_sql_cases[_i].sql) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(sql.data, "x = $1 AND ");
		ck_assert_uint_eq(params.num, 1);
	} else {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(sql.data + strlen("x = $1 AND "), field_sql_cases[_i].sql);
		ck_assert_str_eq(params_string(&params, 1), field_sql_cases[_i].params);
	}
	buf_free(&sql);
}
END_TEST

START_TEST(test_sql_column_must_be_identifier)
{
	static const char *const bad[] = {"",	"1x", "object;", "a.b.c",
					  "a.", ".a", "ob ject", "\"o\""};
	struct label_selector ls;
	struct field_selector fs;
	struct sql_params params = {0};
	struct buf sql = {0};
	const char *error;
	size_t i;

	ck_assert_int_eq(label_selector_parse(&arena, "x", &ls, &error), 0);
	ck_assert_int_eq(field_selector_parse(&arena, "a=b", &fs, &error), 0);
	for (i = 0; i < N(bad); i++) {
		ck_assert_int_eq(label_selector_to_sql(&arena, &ls, bad[i], &sql, &params), -1);
		ck_assert_int_eq(field_selector_to_sql(&arena, &fs, bad[i], &sql, &params), -1);
	}
	ck_assert_uint_eq(sql.len, 0);
	ck_assert_uint_eq(params.num, 0);
	ck_assert_int_eq(label_selector_to_sql(&arena, &ls, "t.object_1", &sql, &params), 0);
	ck_assert_str_eq(sql.data, "((t.object_1->'metadata'->'labels') ? $1)");
	buf_free(&sql);
}
END_TEST

/*
 * A hand-built selector with keys and values the parser would refuse gives
 * the same SQL text as one with harmless ones: the text travels only as
 * parameters.
 */
START_TEST(test_label_sql_keeps_text_out)
{
	static const char *nasty[] = {"a'b", "$1", "--", "\\", "\"", ") OR TRUE; --"};
	static const char *plain[] = {"k", "v", "v", "v", "v", "v"};
	struct label_requirement reqs[] = {
	    {nasty[0], LABEL_EQUALS, &nasty[1], 1}, {nasty[2], LABEL_IN, &nasty[3], 3},
	    {nasty[4], LABEL_EXISTS, NULL, 0},	    {nasty[5], LABEL_DOES_NOT_EXIST, NULL, 0},
	    {nasty[0], LABEL_NOT_IN, &nasty[2], 2}, {nasty[1], LABEL_NOT_EQUALS, &nasty[0], 1},
	};
	struct label_requirement harmless[N(reqs)];
	struct label_selector s = {reqs, N(reqs)}, t = {harmless, N(reqs)};
	struct sql_params params = {0}, harmless_params = {0};
	struct buf sql = {0}, harmless_sql = {0};
	size_t i;

	for (i = 0; i < N(reqs); i++)
		harmless[i] = (struct label_requirement){
		    plain[0], reqs[i].op, reqs[i].values ? &plain[1] : NULL, reqs[i].num_values};
	ck_assert_int_eq(label_selector_to_sql(&arena, &s, "object", &sql, &params), 0);
	ck_assert_int_eq(
	    label_selector_to_sql(&arena, &t, "object", &harmless_sql, &harmless_params), 0);
	ck_assert_str_eq(sql.data, harmless_sql.data);
	ck_assert_uint_eq(params.num, harmless_params.num);
	ck_assert_str_eq(params_string(&params, 0), "a'b|$1|--|\\|\"|) OR TRUE; --|\"|) OR TRUE; "
						    "--|a'b|--|\\|$1|a'b");
	buf_free(&sql);
	buf_free(&harmless_sql);
}
END_TEST

START_TEST(test_label_sql_unexpressible)
{
	static const char *two[] = {"1", "2"};
	static const char *word[] = {"abc"};
	struct label_requirement eq = {"x", LABEL_EQUALS, two, 2};
	struct label_requirement gt = {"x", LABEL_GT, word, 1};
	struct label_selector s = {&eq, 1};
	struct sql_params params = {0};
	struct buf sql = {0};

	ck_assert_int_eq(label_selector_to_sql(&arena, &s, "object", &sql, &params), -1);
	s.reqs = &gt;
	ck_assert_int_eq(label_selector_to_sql(&arena, &s, "object", &sql, &params), -1);
	ck_assert_uint_eq(sql.len, 0);
	ck_assert_uint_eq(params.num, 0);
}
END_TEST

START_TEST(test_sql_parameter_limit)
{
	struct field_selector s;
	struct sql_params params = {0};
	struct buf text = {0}, sql = {0};
	const char *error;
	size_t i;

	for (i = 0; i < 40000; i++)
		buf_printf(&text, "%sa=%zu", i ? "," : "", i);
	ck_assert_int_eq(field_selector_parse(&arena, text.data, &s, &error), 0);
	ck_assert_int_eq(field_selector_to_sql(&arena, &s, "object", &sql, &params), 0);
	ck_assert_uint_eq(params.num, 40000);
	ck_assert_int_eq(field_selector_to_sql(&arena, &s, "object", &sql, &params), -1);
	ck_assert_uint_eq(params.num, 40000);
	buf_free(&text);
	buf_free(&sql);
}
END_TEST

/* ---- Against PostgreSQL ---- */

/* Objects with varied labels and fields; the PostgreSQL tests store them as rows 0..N-1. */
static const char *const pg_objects[] = {
    "{}",
    "{\"metadata\":{\"name\":\"bare\"}}",
    "{\"metadata\":{\"name\":\"empty\",\"labels\":{}}}",
    "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\","
    "\"tier\":\"frontend\",\"version\":\"1\"}},\"spec\":{\"nodeName\":\"n1\",\"replicas\":3,"
    "\"hostNetwork\":true},\"status\":{\"phase\":\"Running\"}}",
    "{\"metadata\":{\"name\":\"web-2\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\","
    "\"tier\":\"frontend\",\"version\":\"10\"}},\"spec\":{\"nodeName\":\"n2\",\"replicas\":1,"
    "\"hostNetwork\":false},\"status\":{\"phase\":\"Pending\"}}",
    "{\"metadata\":{\"name\":\"db-1\",\"namespace\":\"prod\",\"labels\":{\"app\":\"db\","
    "\"tier\":\"backend\",\"version\":\"007\"}},\"spec\":{\"nodeName\":\"n1\"},"
    "\"status\":{\"phase\":\"Running\"}}",
    "{\"metadata\":{\"name\":\"cache\",\"namespace\":\"prod\",\"labels\":{\"app\":\"cache\","
    "\"version\":\"abc\"}},\"spec\":{\"nodeName\":null}}",
    "{\"metadata\":{\"name\":\"neg\",\"labels\":{\"version\":\"-3\",\"app\":\"\"}}}",
    "{\"metadata\":{\"name\":\"plus\",\"labels\":{\"version\":\"+5\",\"tier\":\"\"}}}",
    "{\"metadata\":{\"name\":\"huge\",\"labels\":{\"version\":\"99999999999999999999\"}}}",
    "{\"metadata\":{\"name\":\"max\",\"labels\":{\"version\":\"9223372036854775807\"}}}",
    "{\"metadata\":{\"name\":\"min\",\"labels\":{\"version\":\"-9223372036854775808\"}}}",
    "{\"metadata\":{\"name\":\"float\",\"labels\":{\"version\":\"1.5\"}}}",
    "{\"metadata\":{\"name\":\"team\",\"labels\":{\"example.com/team\":\"a\",\"app\":\"web\"}}}",
    "{\"metadata\":{\"name\":\"it's\",\"labels\":{\"a'b\":\"$1\",\"--\":\"\\\\\"}}}",
    "{\"metadata\":{\"name\":\"a,b\"},\"type\":\"Normal\"}",
    "{\"metadata\":{\"name\":\"a=b\"},\"type\":\"Warning\"}",
    "{\"metadata\":{\"name\":\"back\\\\slash\"},\"spec\":{\"NULL\":\"x\"}}",
    "{\"metadata\":{\"name\":\"$1\"},\"involvedObject\":{\"kind\":\"Pod\"}}",
    "{\"metadata\":{\"name\":\"NULL\",\"labels\":\"not an object\"}}",
    "{\"metadata\":{\"name\":\"\\u00e9t\\u00e9\",\"labels\":{\"app\":\"web\"}},"
    "\"spec\":{\"nodeName\":{\"nested\":true}}}",
    "{\"metadata\":{\"name\":\"arr\",\"labels\":{\"app\":\"db\"}},\"spec\":[\"x\"]}",
};

static const char *const pg_label_selectors[] = {
    "",
    "app=web",
    "app==web",
    "app!=web",
    "app=",
    "app!=",
    "app in (web,db)",
    "app in (web,)",
    "app notin (web,db)",
    "app notin ()",
    "app",
    "!app",
    "tier",
    "!tier",
    "app=web,tier=frontend",
    "app=web,!tier",
    "app in (web),tier notin (frontend)",
    "version>5",
    "version<5",
    "version>0",
    "version<0",
    "version>9223372036854775806",
    "version<9223372036854775807",
    "version>6,app=web",
    "example.com/team=a",
    "example.com/team",
    "!example.com/team",
    "nothing=x",
    "nothing!=x",
    "nothing notin (x)",
};

static const char *const pg_field_selectors[] = {
    "",
    "metadata.name=web-1",
    "metadata.name!=web-1",
    "metadata.namespace=default",
    "metadata.namespace=",
    "metadata.namespace!=",
    "metadata.namespace=prod,spec.nodeName=n1",
    "spec.nodeName!=n1",
    "spec.nodeName=",
    "spec.replicas=3",
    "spec.replicas!=1",
    "spec.hostNetwork=true",
    "spec.hostNetwork=false",
    "status.phase=Running",
    "status.phase!=Running,metadata.namespace=default",
    "metadata.name=a\\,b",
    "metadata.name=a\\=b",
    "metadata.name=back\\\\slash",
    "metadata.name=it's",
    "metadata.name=$1",
    "metadata.name=NULL",
    "metadata.name=\xc3\xa9t\xc3\xa9",
    "spec.NULL=x",
    "involvedObject.kind=Pod",
    "type==Normal",
    "type!=Normal",
    "spec.x=",
    "spec=",
    "spec!=",
    "metadata.labels!=",
    "spec.nodeName.nested=true",
    "metadata.name='; DELETE FROM selector_objects; --",
};

/* Hand-built label selectors with keys the parser refuses, for the quoting. */
static const char *pg_nasty_values[] = {"$1", "\\", ""};

static PGconn *pg_connect(void)
{
	const char *dsn = getenv("PGKUBE_TEST_DSN");
	PGconn *pg;
	PGresult *res;
	size_t i;

	ck_assert_ptr_nonnull(dsn);
	pg = PQconnectdb(dsn);
	ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "%s", PQerrorMessage(pg));
	res = PQexec(pg, "CREATE TEMP TABLE selector_objects (id int PRIMARY KEY, object jsonb)");
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(pg));
	PQclear(res);
	for (i = 0; i < N(pg_objects); i++) {
		char id[16];
		const char *values[] = {id, pg_objects[i]};

		snprintf(id, sizeof(id), "%zu", i);
		res = PQexecParams(pg, "INSERT INTO selector_objects VALUES ($1::int, $2::jsonb)",
				   2, NULL, values, NULL, NULL, 0);
		ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(pg));
		PQclear(res);
	}
	return pg;
}

/* The ids the condition selects, as a string of 0s and 1s by id. */
static const char *pg_select(PGconn *pg, const char *condition, const struct sql_params *params)
{
	char *rows = arena_alloc(&arena, N(pg_objects) + 1);
	struct buf query = {0};
	PGresult *res;
	int i;

	memset(rows, '0', N(pg_objects));
	rows[N(pg_objects)] = '\0';
	buf_printf(&query, "SELECT id FROM selector_objects WHERE %s ORDER BY id", condition);
	res = PQexecParams(pg, query.data, (int)params->num, NULL, params->values, NULL, NULL, 0);
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s: %s", query.data,
		      PQerrorMessage(pg));
	for (i = 0; i < PQntuples(res); i++)
		rows[atoi(PQgetvalue(res, i, 0))] = '1';
	PQclear(res);
	buf_free(&query);
	return rows;
}

static const char *memory_select_labels(const struct label_selector *s)
{
	char *rows = arena_alloc(&arena, N(pg_objects) + 1);
	size_t i;

	for (i = 0; i < N(pg_objects); i++) {
		json_t *obj = json(pg_objects[i]);
		json_t *labels = json_object_get(json_object_get(obj, "metadata"), "labels");

		rows[i] = label_selector_matches(s, labels) ? '1' : '0';
		json_decref(obj);
	}
	rows[N(pg_objects)] = '\0';
	return rows;
}

static const char *memory_select_fields(const struct field_selector *s)
{
	char *rows = arena_alloc(&arena, N(pg_objects) + 1);
	size_t i;

	for (i = 0; i < N(pg_objects); i++) {
		json_t *obj = json(pg_objects[i]);

		rows[i] = field_selector_matches(&arena, s, obj) ? '1' : '0';
		json_decref(obj);
	}
	rows[N(pg_objects)] = '\0';
	return rows;
}

static void pg_check_labels(PGconn *pg, const char *text, const struct label_selector *s)
{
	struct sql_params params = {0};
	struct buf sql = {0};
	const char *want = memory_select_labels(s), *got;

	ck_assert_int_eq(label_selector_to_sql(&arena, s, "object", &sql, &params), 0);
	got = pg_select(pg, sql.data, &params);
	ck_assert_msg(strcmp(got, want) == 0, "labels '%s': SQL selects %s, memory %s (%s)", text,
		      got, want, sql.data);
	buf_free(&sql);
}

START_TEST(test_pg_label_selectors)
{
	PGconn *pg = pg_connect();
	size_t i;

	for (i = 0; i < N(pg_label_selectors); i++) {
		struct label_selector s;
		const char *error = NULL;

		ck_assert_msg(label_selector_parse(&arena, pg_label_selectors[i], &s, &error) == 0,
			      "%s: %s", pg_label_selectors[i], error);
		pg_check_labels(pg, pg_label_selectors[i], &s);
	}
	PQfinish(pg);
}
END_TEST

START_TEST(test_pg_label_selectors_with_unparseable_text)
{
	struct label_requirement reqs[] = {
	    {"a'b", LABEL_EQUALS, &pg_nasty_values[0], 1},
	    {"a'b", LABEL_IN, &pg_nasty_values[0], 3},
	    {"--", LABEL_NOT_EQUALS, &pg_nasty_values[1], 1},
	    {"--", LABEL_EXISTS, NULL, 0},
	    {"a'b", LABEL_DOES_NOT_EXIST, NULL, 0},
	    {"$1", LABEL_NOT_IN, &pg_nasty_values[0], 2},
	};
	PGconn *pg = pg_connect();
	size_t i;

	for (i = 0; i < N(reqs); i++) {
		struct label_selector s = {&reqs[i], 1};

		pg_check_labels(pg, reqs[i].key, &s);
	}
	PQfinish(pg);
}
END_TEST

START_TEST(test_pg_field_selectors)
{
	PGconn *pg = pg_connect();
	size_t i;

	for (i = 0; i < N(pg_field_selectors); i++) {
		struct field_selector s;
		struct sql_params params = {0};
		struct buf sql = {0};
		const char *error = NULL, *want, *got;

		ck_assert_msg(field_selector_parse(&arena, pg_field_selectors[i], &s, &error) == 0,
			      "%s: %s", pg_field_selectors[i], error);
		want = memory_select_fields(&s);
		ck_assert_int_eq(field_selector_to_sql(&arena, &s, "object", &sql, &params), 0);
		got = pg_select(pg, sql.data, &params);
		ck_assert_msg(strcmp(got, want) == 0, "fields '%s': SQL selects %s, memory %s (%s)",
			      pg_field_selectors[i], got, want, sql.data);
		buf_free(&sql);
	}
	PQfinish(pg);
}
END_TEST

/* Both selectors together after the caller's own condition, as a list would run them. */
START_TEST(test_pg_combined_with_caller_params)
{
	static const char *const namespace = "default";
	PGconn *pg = pg_connect();
	struct label_selector ls;
	struct field_selector fs;
	struct sql_params params = {0};
	struct buf sql = {0};
	const char *error;

	ck_assert_int_eq(
	    label_selector_parse(&arena, "app in (web,db),!example.com/team", &ls, &error), 0);
	ck_assert_int_eq(field_selector_parse(&arena, "spec.nodeName!=n1", &fs, &error), 0);
	params.values = (const char **)&namespace;
	params.num = params.cap = 1;
	buf_append_str(&sql, "object #>> '{metadata,namespace}' = $1 AND ");
	ck_assert_int_eq(label_selector_to_sql(&arena, &ls, "object", &sql, &params), 0);
	buf_append_str(&sql, " AND ");
	ck_assert_int_eq(field_selector_to_sql(&arena, &fs, "object", &sql, &params), 0);
	ck_assert_uint_eq(params.num, 6);
	/* Only web-2 is in "default", labelled web or db, without a team, off node n1. */
	ck_assert_str_eq(pg_select(pg, sql.data, &params), "0000100000000000000000");
	buf_free(&sql);
	PQfinish(pg);
}
END_TEST

static Suite *selector_suite(void)
{
	Suite *s = suite_create("selector");
	TCase *labels = tcase_create("labels");
	TCase *fields = tcase_create("fields");
	TCase *sql = tcase_create("sql");

	tcase_add_checked_fixture(labels, setup, teardown);
	tcase_add_loop_test(labels, test_label_parse, 0, N(label_parse_cases));
	tcase_add_loop_test(labels, test_label_parse_error, 0, N(label_error_cases));
	tcase_add_loop_test(labels, test_label_match, 0, N(label_match_cases));
	tcase_add_test(labels, test_label_match_non_object_labels);
	suite_add_tcase(s, labels);

	tcase_add_checked_fixture(fields, setup, teardown);
	tcase_add_loop_test(fields, test_field_parse, 0, N(field_parse_cases));
	tcase_add_loop_test(fields, test_field_parse_error, 0, N(field_error_cases));
	tcase_add_loop_test(fields, test_field_value, 0, N(field_value_cases));
	tcase_add_test(fields, test_field_value_of_non_object);
	tcase_add_loop_test(fields, test_field_match, 0, N(field_match_cases));
	suite_add_tcase(s, fields);

	tcase_add_checked_fixture(sql, setup, teardown);
	tcase_add_loop_test(sql, test_label_sql, 0, N(label_sql_cases));
	tcase_add_loop_test(sql, test_field_sql, 0, N(field_sql_cases));
	tcase_add_test(sql, test_sql_column_must_be_identifier);
	tcase_add_test(sql, test_label_sql_keeps_text_out);
	tcase_add_test(sql, test_label_sql_unexpressible);
	tcase_add_test(sql, test_sql_parameter_limit);
	suite_add_tcase(s, sql);

	if (getenv("PGKUBE_TEST_DSN")) {
		TCase *pg = tcase_create("postgresql");

		tcase_add_checked_fixture(pg, setup, teardown);
		tcase_set_timeout(pg, 60);
		tcase_add_test(pg, test_pg_label_selectors);
		tcase_add_test(pg, test_pg_label_selectors_with_unparseable_text);
		tcase_add_test(pg, test_pg_field_selectors);
		tcase_add_test(pg, test_pg_combined_with_caller_params);
		suite_add_tcase(s, pg);
	} else {
		fprintf(stderr, "test_selector: PGKUBE_TEST_DSN is not set: skipping the "
				"PostgreSQL tests\n");
	}
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(selector_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
