/*
 * test_json_patch.c - unit tests for shared/json_patch.c.
 *
 * The examples of RFC 7386 (merge patch) and of RFC 6902 appendix A (JSON
 * patch), each with what kube-apiserver v1.32 (evanphx/json-patch v4.12.0)
 * makes of it, which is not always what the RFC says; then the library's
 * error texts, the 400 answers of the decoders, the strict-decoding findings
 * upstream turns into warnings, the limits (10000 operations, 3 MiB of
 * copies, nesting), and that a patch applies whole or not at all.
 */
#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/json_patch.h"
#include "tests/unit/arena_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define WARN   PATCH_FIELD_VALIDATION_WARN
#define STRICT PATCH_FIELD_VALIDATION_STRICT
#define IGNORE PATCH_FIELD_VALIDATION_IGNORE

#define INVALID "the server rejected our request due to an error in our request"

/*
 * One patch and what it must give: the result, or the code, message and
 * detail of the failure; and the strict-decoding findings.
 */
struct patch_case {
	const char *doc;
	const char *patch;
	enum patch_field_validation validation;
	const char *result; /* NULL: the patch fails */
	int code;
	const char *message;
	const char *detail; /* NULL: same as message */
	const char *strict[4];
};

/* A patch that applies, with no strict-decoding findings or with these. */
#define APPLIES(doc, patch, validation, result)                                                    \
	{                                                                                          \
		doc, patch, validation, result, 0, NULL, NULL,                                     \
		{                                                                                  \
			NULL                                                                       \
		}                                                                                  \
	}
#define APPLIES_NOTING(doc, patch, validation, result, ...)                                        \
	{                                                                                          \
		doc, patch, validation, result, 0, NULL, NULL,                                     \
		{                                                                                  \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}
/* A patch that fails: with code and message, or with upstream's 422 and this detail. */
#define FAILS(doc, patch, validation, code, message)                                               \
	{                                                                                          \
		doc, patch, validation, NULL, code, message, NULL,                                 \
		{                                                                                  \
			NULL                                                                       \
		}                                                                                  \
	}
#define FAILS_422(doc, patch, validation, detail)                                                  \
	{                                                                                          \
		doc, patch, validation, NULL, 422, INVALID, detail,                                \
		{                                                                                  \
			NULL                                                                       \
		}                                                                                  \
	}

static void check_case(const struct patch_case *c, bool merge)
{
	struct patch_result r;
	json_t *doc = json(c->doc), *before = json_deep_copy(doc), *out;
	size_t n = 0;

	out = merge ? json_merge_patch_apply(&arena, doc, c->patch, strlen(c->patch), c->validation,
					     &r)
		    : json_patch_apply(&arena, doc, c->patch, strlen(c->patch), c->validation, &r);
	ck_assert_msg(json_equal(doc, before), "the document changed: %s", c->patch);
	if (c->result) {
		json_t *want = json(c->result);
		char *got = out ? json_dumps(out, JSON_ENCODE_ANY | JSON_SORT_KEYS) : NULL;

		ck_assert_msg(out != NULL, "%s failed: %d %s (%s)", c->patch, r.code, r.message,
			      r.detail);
		ck_assert_msg(json_equal(out, want), "%s gave %s", c->patch, got);
		while (n < N(c->strict) && c->strict[n])
			n++;
		ck_assert_uint_eq(r.num_strict_errors, n);
		for (n = 0; n < r.num_strict_errors; n++)
			ck_assert_str_eq(r.strict_errors[n], c->strict[n]);
		free(got);
		json_decref(want);
	} else {
		ck_assert_msg(out == NULL, "%s did not fail", c->patch);
		ck_assert_int_eq(r.code, c->code);
		ck_assert_str_eq(r.reason, c->code == 400   ? "BadRequest"
					   : c->code == 413 ? "RequestEntityTooLarge"
					   : c->code == 422 ? "Invalid"
							    : "");
		ck_assert_str_eq(r.message, c->message);
		ck_assert_str_eq(r.detail, c->detail ? c->detail : c->message);
	}
	json_decref(out);
	json_decref(doc);
	json_decref(before);
}

/* ---- Merge patch: RFC 7386 appendix A, as evanphx/json-patch applies it ---- */

static const struct patch_case merge_rfc_cases[] = {
    APPLIES("{\"a\":\"b\"}", "{\"a\":\"c\"}", WARN, "{\"a\":\"c\"}"),
    APPLIES("{\"a\":\"b\"}", "{\"b\":\"c\"}", WARN, "{\"a\":\"b\",\"b\":\"c\"}"),
    APPLIES("{\"a\":\"b\"}", "{\"a\":null}", WARN, "{}"),
    APPLIES("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", WARN, "{\"b\":\"c\"}"),
    APPLIES("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", WARN, "{\"a\":\"c\"}"),
    APPLIES("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", WARN, "{\"a\":[\"b\"]}"),
    APPLIES("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", WARN,
	    "{\"a\":{\"b\":\"d\"}}"),
    APPLIES("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", WARN, "{\"a\":[1]}"),
    APPLIES("{\"e\":null}", "{\"a\":1}", WARN, "{\"e\":null,\"a\":1}"),
    APPLIES("[1,2]", "{\"a\":\"b\",\"c\":null}", WARN, "{\"a\":\"b\"}"),
    APPLIES("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", WARN, "{\"a\":{\"bb\":{}}}"),
    /* A patch that is not an object: the strict decoder refuses it... */
    FAILS("[\"a\",\"b\"]", "[\"c\",\"d\"]", WARN, 400,
	  "error decoding patch: json: cannot unmarshal array into Go value of type "
	  "map[string]interface {}"),
    FAILS("{\"a\":\"b\"}", "[\"c\"]", STRICT, 400,
	  "error decoding patch: json: cannot unmarshal array into Go value of type "
	  "map[string]interface {}"),
    FAILS("{\"a\":\"foo\"}", "\"bar\"", WARN, 400,
	  "error decoding patch: json: cannot unmarshal string into Go value of type "
	  "map[string]interface {}"),
    /* ...and without it an array replaces the document, anything else is refused. */
    APPLIES("[\"a\",\"b\"]", "[\"c\",\"d\"]", IGNORE, "[\"c\",\"d\"]"),
    APPLIES("{\"a\":\"b\"}", "[\"c\"]", IGNORE, "[\"c\"]"),
    FAILS("{\"a\":\"foo\"}", "\"bar\"", IGNORE, 400, "Invalid JSON Patch"),
    FAILS("{\"a\":\"foo\"}", "null", WARN, 400, "Invalid JSON Patch"),
    FAILS("{\"a\":\"foo\"}", "null", IGNORE, 400, "Invalid JSON Patch"),
};

START_TEST(test_merge_rfc)
{
	check_case(&merge_rfc_cases[_i], true);
}
END_TEST

static const struct patch_case merge_cases[] = {
    /* Nulls are pruned from a new value's objects, at any depth, not from its arrays. */
    APPLIES("{}", "{\"a\":[null,{\"b\":null,\"c\":[null]}]}", WARN,
	    "{\"a\":[null,{\"c\":[null]}]}"),
    APPLIES("{\"e\":null}", "{\"e\":{\"x\":null,\"y\":1}}", WARN, "{\"e\":{\"y\":1}}"),
    APPLIES("{\"a\":[1]}", "{\"a\":[{\"b\":null}]}", WARN, "{\"a\":[{}]}"),
    /* ...but not when an array replaces an object: upstream leaves those nulls. */
    APPLIES("{\"a\":{\"x\":1}}", "{\"a\":[{\"b\":null}]}", WARN, "{\"a\":[{\"b\":null}]}"),
    APPLIES("{\"a\":{\"x\":1}}", "{\"a\":{\"y\":{\"z\":null}}}", WARN,
	    "{\"a\":{\"x\":1,\"y\":{}}}"),
    APPLIES("{\"a\":1}", "{\"b\":null}", WARN, "{\"a\":1}"),
    APPLIES("{\"a\":1}", "{}", WARN, "{\"a\":1}"),
    APPLIES("{\"a\":1}", " {\"a\" : 2 } \n", WARN, "{\"a\":2}"),
    /* The last of duplicate keys wins; Warn and Strict report them, with Go's paths. */
    APPLIES_NOTING("{}", "{\"a\":1,\"a\":null,\"b\":{\"c\":1,\"c\":2}}", WARN, "{\"b\":{\"c\":2}}",
		   "duplicate field \"a\"", "duplicate field \"b.c\""),
    APPLIES_NOTING("{}", "{\"a\":[{\"x\":1,\"x\":2}],\"a\":[]}", STRICT, "{\"a\":[]}",
		   "duplicate field \"a[0].x\"", "duplicate field \"a\""),
    APPLIES_NOTING("{}", "{\"a\":1,\"a\":2,\"a\":3}", WARN, "{\"a\":3}", "duplicate field \"a\""),
    APPLIES_NOTING("{}", "{\"a\\\"\\n\":1,\"a\\\"\\n\":2}", WARN, "{\"a\\\"\\n\":2}",
		   "duplicate field \"a\\\"\\n\""),
    APPLIES("{}", "{\"a\":1,\"a\":2}", IGNORE, "{\"a\":2}"),
    /* Values as Go decodes them: integers stay integers, invalid UTF-8 is repaired. */
    APPLIES("{}", "{\"i\":9223372036854775807,\"f\":1.5,\"e\":1e2,\"s\":\"\xff\\ud800\"}", WARN,
	    "{\"i\":9223372036854775807,\"f\":1.5,\"e\":100.0,\"s\":\"\\ufffd\\ufffd\"}"),
    /* Decoding errors. */
    FAILS("{}", "", WARN, 400, "error decoding patch: unexpected end of JSON input"),
    FAILS("{}", "", IGNORE, 400, "Invalid JSON Patch"),
    FAILS("{}", "{\"a\":}", STRICT, 400,
	  "error decoding patch: invalid character '}' looking for beginning of value"),
    FAILS("{}", "{\"a\":1}}", IGNORE, 400, "Invalid JSON Patch"),
    FAILS("{}", "1", WARN, 400,
	  "error decoding patch: json: cannot unmarshal number into Go value of type "
	  "map[string]interface {}"),
    FAILS("{}", "true", WARN, 400,
	  "error decoding patch: json: cannot unmarshal bool into Go value of type "
	  "map[string]interface {}"),
    FAILS(
	"{}", "{\"a\":[1e400]}", WARN, 400,
	"error decoding patch: json: cannot unmarshal number 1e400 into Go value of type float64"),
    FAILS(
	"{}", "{\"a\":[1e400]}", IGNORE, 400,
	"error decoding patch: json: cannot unmarshal number 1e400 into Go value of type float64"),
    /* The document is an object upstream; null is its 500. */
    FAILS("null", "{}", WARN, 500, "Invalid JSON Document"),
    APPLIES("\"s\"", "{\"a\":null,\"b\":1}", WARN, "{\"b\":1}"),
};

START_TEST(test_merge)
{
	check_case(&merge_cases[_i], true);
}
END_TEST

/* ---- JSON patch: RFC 6902 appendix A ---- */

static const struct patch_case json_patch_rfc_cases[] = {
    /* A.1 */
    APPLIES("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]", WARN,
	    "{\"baz\":\"qux\",\"foo\":\"bar\"}"),
    /* A.2 */
    APPLIES("{\"foo\":[\"bar\",\"baz\"]}",
	    "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]", WARN,
	    "{\"foo\":[\"bar\",\"qux\",\"baz\"]}"),
    /* A.3 */
    APPLIES("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]", WARN,
	    "{\"foo\":\"bar\"}"),
    /* A.4 */
    APPLIES("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]",
	    WARN, "{\"foo\":[\"bar\",\"baz\"]}"),
    /* A.5 */
    APPLIES("{\"baz\":\"qux\",\"foo\":\"bar\"}",
	    "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]", WARN,
	    "{\"baz\":\"boo\",\"foo\":\"bar\"}"),
    /* A.6 */
    APPLIES("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
	    "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]", WARN,
	    "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}"),
    /* A.7 */
    APPLIES("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
	    "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]", WARN,
	    "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}"),
    /* A.8 */
    APPLIES("{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
	    "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},"
	    "{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
	    WARN, "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}"),
    /* A.9 */
    FAILS_422("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", WARN,
	      "testing value /baz failed: test failed"),
    /* A.10 */
    APPLIES("{\"foo\":\"bar\"}",
	    "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]", WARN,
	    "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}"),
    /* A.11: ignored by json-patch, reported by the strict decoder. */
    APPLIES_NOTING("{\"foo\":\"bar\"}",
		   "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]", WARN,
		   "{\"foo\":\"bar\",\"baz\":\"qux\"}", "json patch unknown field \"[0].xyz\""),
    /* A.12 */
    FAILS_422("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]",
	      WARN,
	      "add operation does not apply: doc is missing path: \"/baz/bat\": "
	      "missing value"),
    /* A.13: not refused as the RFC wants: the last "op" wins. */
    FAILS_422(
	"{\"foo\":\"bar\"}",
	"[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]", WARN,
	"error in remove for path: '/baz': Unable to remove nonexistent key: baz: missing value"),
    APPLIES_NOTING("{\"baz\":1}",
		   "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"op\":\"remove\"}]", WARN,
		   "{}", "json patch duplicate field \"[0].op\""),
    /* A.14 */
    APPLIES("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]", WARN,
	    "{\"/\":9,\"~1\":10}"),
    /* A.15 */
    FAILS_422("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]", WARN,
	      "testing value /~01 failed: test failed"),
    /* A.16 */
    APPLIES("{\"foo\":[\"bar\"]}",
	    "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]", WARN,
	    "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}"),
};

START_TEST(test_json_patch_rfc)
{
	check_case(&json_patch_rfc_cases[_i], false);
}
END_TEST

/* ---- JSON patch: what evanphx/json-patch v4.12.0 does and says ---- */

#define OPS(...) "[" __VA_ARGS__ "]"

static const struct patch_case json_patch_cases[] = {
    /* Operations and their fields. */
    FAILS_422("{}", OPS("{\"op\":\"frob\",\"path\":\"/a\"}"), WARN, "Unexpected kind: frob"),
    FAILS_422("{}", OPS("{\"op\":\"ADD\",\"path\":\"/a\"}"), WARN, "Unexpected kind: ADD"),
    FAILS_422("{}", OPS("{\"path\":\"/a\"}"), WARN, "Unexpected kind: unknown"),
    FAILS_422("{}", OPS("null"), WARN, "Unexpected kind: unknown"),
    FAILS_422("{}", OPS("{\"op\":null,\"path\":\"/a\"}"), WARN, "Unexpected kind: unknown"),
    FAILS_422("{}", OPS("{\"op\":[\"add\"],\"path\":\"/a\"}"), IGNORE, "Unexpected kind: unknown"),
    APPLIES("{}", OPS("{\"op\":\"a\\u0064d\",\"path\":\"/a\",\"value\":1}"), WARN, "{\"a\":1}"),
    FAILS_422("{}", OPS("{\"op\":\"add\",\"value\":1}"), WARN,
	      "add operation failed to decode path: missing value"),
    FAILS_422("{}", OPS("{\"op\":\"add\",\"path\":null,\"value\":1}"), WARN,
	      "add operation failed to decode path: missing value"),
    FAILS_422("{}", OPS("{\"op\":\"remove\"}"), WARN,
	      "remove operation failed to decode path: missing value"),
    FAILS_422(
	"{}", OPS("{\"op\":\"replace\",\"value\":1}"), WARN,
	"replace operation failed to decode path: operation missing path field: missing value"),
    FAILS_422(
	"{}", OPS("{\"op\":\"replace\",\"path\":1,\"value\":1}"), IGNORE,
	"replace operation failed to decode path: json: cannot unmarshal number into Go value of "
	"type string"),
    FAILS_422(
	"{}", OPS("{\"op\":\"test\",\"path\":{}}"), IGNORE,
	"test operation failed to decode path: json: cannot unmarshal object into Go value of "
	"type string"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"move\",\"path\":\"/b\"}"), WARN,
	      "move operation failed to decode from: operation, missing from field: missing value"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"move\",\"from\":\"/a\"}"), WARN,
	      "move operation failed to decode path: operation missing path field: missing value"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"copy\",\"path\":\"/b\"}"), WARN,
	      "copy operation failed to decode from: operation, missing from field: missing value"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"copy\",\"from\":\"/a\"}"), WARN,
	      "copy operation failed to decode path: missing value"),
    FAILS_422("{}", OPS("{\"op\":\"test\"}"), WARN,
	      "test operation failed to decode path: operation missing path field: missing value"),
    /* Paths. */
    APPLIES("{\"a\":1,\"b\":2}", OPS("{\"op\":\"remove\",\"path\":\"ignored/b\"}"), WARN,
	    "{\"a\":1}"),
    FAILS_422("{\"b\":2}", OPS("{\"op\":\"remove\",\"path\":\"b\"}"), WARN,
	      "remove operation does not apply: doc is missing path: \"b\": missing value"),
    FAILS_422("{}", OPS("{\"op\":\"add\",\"path\":\"\",\"value\":{}}"), WARN,
	      "add operation does not apply: doc is missing path: \"\": missing value"),
    APPLIES("{}", OPS("{\"op\":\"add\",\"path\":\"/\",\"value\":1}"), WARN, "{\"\":1}"),
    APPLIES("{\"a\":{}}", OPS("{\"op\":\"add\",\"path\":\"/a/\",\"value\":1}"), WARN,
	    "{\"a\":{\"\":1}}"),
    APPLIES("{}", OPS("{\"op\":\"add\",\"path\":\"/~2~\",\"value\":1}"), WARN, "{\"~2~\":1}"),
    FAILS_422("{\"a\":null}", OPS("{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}"), WARN,
	      "add operation does not apply: doc is missing path: \"/a/b\": missing value"),
    FAILS_422("{\"a\":\"s\"}", OPS("{\"op\":\"add\",\"path\":\"/a/b\",\"value\":1}"), WARN,
	      "add operation does not apply: doc is missing path: \"/a/b\": missing value"),
    APPLIES("{\"a\":[{\"b\":1}]}", OPS("{\"op\":\"add\",\"path\":\"/a/0/c\",\"value\":2}"), WARN,
	    "{\"a\":[{\"b\":1,\"c\":2}]}"),
    FAILS_422("{\"a\":[{\"b\":1}]}", OPS("{\"op\":\"add\",\"path\":\"/a/x/c\",\"value\":2}"), WARN,
	      "add operation does not apply: doc is missing path: \"/a/x/c\": missing value"),
    /* Array indices: strconv.Atoi, negative from the end, and "-" to append. */
    APPLIES("{\"a\":[1]}", OPS("{\"op\":\"add\",\"path\":\"/a/1\",\"value\":2}"), WARN,
	    "{\"a\":[1,2]}"),
    FAILS_422("{\"a\":[1]}", OPS("{\"op\":\"add\",\"path\":\"/a/3\",\"value\":2}"), WARN,
	      "error in add for path: '/a/3': Unable to access invalid index: 3: invalid index "
	      "referenced"),
    FAILS_422(
	"{\"a\":[1]}", OPS("{\"op\":\"add\",\"path\":\"/a/x\",\"value\":2}"), WARN,
	"error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: "
	"parsing \"x\": invalid syntax"),
    APPLIES("{\"a\":[1,2]}", OPS("{\"op\":\"add\",\"path\":\"/a/-1\",\"value\":\"x\"}"), WARN,
	    "{\"a\":[1,2,\"x\"]}"),
    APPLIES("{\"a\":[1,2]}", OPS("{\"op\":\"add\",\"path\":\"/a/-3\",\"value\":\"x\"}"), WARN,
	    "{\"a\":[\"x\",1,2]}"),
    FAILS_422("{\"a\":[1,2]}", OPS("{\"op\":\"add\",\"path\":\"/a/-4\",\"value\":\"x\"}"), WARN,
	      "error in add for path: '/a/-4': Unable to access invalid index: -4: invalid index "
	      "referenced"),
    APPLIES("{\"a\":[1,2]}", OPS("{\"op\":\"add\",\"path\":\"/a/+01\",\"value\":\"x\"}"), WARN,
	    "{\"a\":[1,\"x\",2]}"),
    APPLIES("{\"a\":[1,2,3]}", OPS("{\"op\":\"remove\",\"path\":\"/a/-1\"}"), WARN,
	    "{\"a\":[1,2]}"),
    APPLIES("{\"a\":[1,2]}", OPS("{\"op\":\"remove\",\"path\":\"/a/-2\"}"), WARN, "{\"a\":[2]}"),
    FAILS_422(
	"{\"a\":[1,2]}", OPS("{\"op\":\"remove\",\"path\":\"/a/-3\"}"), WARN,
	"error in remove for path: '/a/-3': Unable to access invalid index: -3: invalid index "
	"referenced"),
    FAILS_422("{\"a\":[]}", OPS("{\"op\":\"test\",\"path\":\"/a/-1\",\"value\":1}"), WARN,
	      "error in test for path: '/a/-1': Unable to access invalid index: -1: invalid index "
	      "referenced"),
    APPLIES("{\"a\":[1,2,3]}", OPS("{\"op\":\"remove\",\"path\":\"/a/01\"}"), WARN,
	    "{\"a\":[1,3]}"),
    FAILS_422("{\"a\":[1,2]}", OPS("{\"op\":\"remove\",\"path\":\"/a/2\"}"), WARN,
	      "error in remove for path: '/a/2': Unable to access invalid index: 2: invalid index "
	      "referenced"),
    FAILS_422("{\"a\":[1,2]}", OPS("{\"op\":\"remove\",\"path\":\"/a/-\"}"), WARN,
	      "error in remove for path: '/a/-': strconv.Atoi: parsing \"-\": invalid syntax"),
    FAILS_422("{\"a\":[]}", OPS("{\"op\":\"remove\",\"path\":\"/a/99999999999999999999\"}"), WARN,
	      "error in remove for path: '/a/99999999999999999999': strconv.Atoi: parsing "
	      "\"99999999999999999999\": value out of range"),
    /* remove */
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"remove\",\"path\":\"/b\"}"), WARN,
	      "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value"),
    APPLIES("{\"a\":null}", OPS("{\"op\":\"remove\",\"path\":\"/a\"}"), WARN, "{}"),
    FAILS_422("{}", OPS("{\"op\":\"remove\",\"path\":\"/x/y\"}"), WARN,
	      "remove operation does not apply: doc is missing path: \"/x/y\": missing value"),
    /* add and replace: a missing value is null; replace adds a missing member. */
    APPLIES("{\"a\":1}", OPS("{\"op\":\"add\",\"path\":\"/b\"}"), WARN, "{\"a\":1,\"b\":null}"),
    APPLIES("{\"a\":1}", OPS("{\"op\":\"replace\",\"path\":\"/a\"}"), WARN, "{\"a\":null}"),
    APPLIES("{\"a\":1}", OPS("{\"op\":\"replace\",\"path\":\"/b\",\"value\":2}"), WARN,
	    "{\"a\":1,\"b\":2}"),
    FAILS_422("{}", OPS("{\"op\":\"replace\",\"path\":\"/x/y\",\"value\":2}"), WARN,
	      "replace operation does not apply: doc is missing path: /x/y: missing value"),
    FAILS_422("{\"a\":[1]}", OPS("{\"op\":\"replace\",\"path\":\"/a/5\",\"value\":2}"), WARN,
	      "replace operation does not apply: doc is missing key: /a/5: missing value"),
    APPLIES("{\"a\":[1,2]}", OPS("{\"op\":\"replace\",\"path\":\"/a/-1\",\"value\":3}"), WARN,
	    "{\"a\":[1,3]}"),
    APPLIES("{\"a\":1}", OPS("{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}"), WARN, "[1]"),
    APPLIES("{\"a\":1}", OPS("{\"op\":\"replace\",\"path\":\"\",\"value\":1}"), WARN, "{\"a\":1}"),
    APPLIES("{\"a\":1}", OPS("{\"op\":\"replace\",\"path\":\"\"}"), WARN, "{\"a\":1}"),
    /* move */
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"move\",\"from\":\"/b\",\"path\":\"/c\"}"), WARN,
	      "error in move for path: 'b': Unable to remove nonexistent key: b: missing value"),
    APPLIES("{\"a\":null}", OPS("{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/c\"}"), WARN,
	    "{\"c\":null}"),
    FAILS_422("{}", OPS("{\"op\":\"move\",\"from\":\"/x/y\",\"path\":\"/c\"}"), WARN,
	      "move operation does not apply: doc is missing from path: /x/y: missing value"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/x/y\"}"), WARN,
	      "move operation does not apply: doc is missing destination path: /x/y: missing "
	      "value"),
    FAILS_422(
	"{\"a\":{\"b\":1}}", OPS("{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b\"}"), WARN,
	"move operation does not apply: doc is missing destination path: /a/b: missing value"),
    FAILS_422("{\"a\":[1]}", OPS("{\"op\":\"move\",\"from\":\"/a/3\",\"path\":\"/b\"}"), WARN,
	      "error in move for path: '3': Unable to access invalid index: 3: invalid index "
	      "referenced"),
    FAILS_422("{\"a\":[1,2]}", OPS("{\"op\":\"move\",\"from\":\"/a/0\",\"path\":\"/a/5\"}"), WARN,
	      "error in move for path: '/a/5': Unable to access invalid index: 5: invalid index "
	      "referenced"),
    APPLIES("{\"a\":1}", OPS("{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a\"}"), WARN,
	    "{\"a\":1}"),
    /* copy: a missing member copies as null. */
    APPLIES("{\"a\":1}", OPS("{\"op\":\"copy\",\"from\":\"/b\",\"path\":\"/c\"}"), WARN,
	    "{\"a\":1,\"c\":null}"),
    APPLIES("{\"a\":{\"b\":[1]}}", OPS("{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"}"), WARN,
	    "{\"a\":{\"b\":[1]},\"c\":{\"b\":[1]}}"),
    FAILS_422("{}", OPS("{\"op\":\"copy\",\"from\":\"/x/y\",\"path\":\"/c\"}"), WARN,
	      "copy operation does not apply: doc is missing from path: /x/y: missing value"),
    FAILS_422("{\"a\":[1]}", OPS("{\"op\":\"copy\",\"from\":\"/a/2\",\"path\":\"/b\"}"), WARN,
	      "error in copy for from: '/a/2': Unable to access invalid index: 2: invalid index "
	      "referenced"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/x/y\"}"), WARN,
	      "copy operation does not apply: doc is missing destination path: /x/y: missing "
	      "value"),
    FAILS_422(
	"{\"a\":[1]}", OPS("{\"op\":\"copy\",\"from\":\"/a/0\",\"path\":\"/a/5\"}"), WARN,
	"error while adding value during copy: Unable to access invalid index: 5: invalid index "
	"referenced"),
    /* test: a missing member is null; scalars compare as text. */
    APPLIES("{\"a\":1}", OPS("{\"op\":\"test\",\"path\":\"/b\",\"value\":null}"), WARN,
	    "{\"a\":1}"),
    APPLIES("{\"a\":1}", OPS("{\"op\":\"test\",\"path\":\"/b\"}"), WARN, "{\"a\":1}"),
    APPLIES("{\"a\":null}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":null}"), WARN,
	    "{\"a\":null}"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"test\",\"path\":\"/b\",\"value\":1}"), WARN,
	      "testing value /b failed: test failed"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":null}"), WARN,
	      "testing value /a failed: test failed"),
    FAILS_422("{\"a\":1}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":1.0}"), WARN,
	      "testing value /a failed: test failed"),
    /* The document's 1.0 reaches json-patch as Go encodes it: 1. */
    APPLIES("{\"a\":1.0}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":1}"), WARN,
	    "{\"a\":1.0}"),
    FAILS_422("{\"a\":0.5}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":5e-1}"), WARN,
	      "testing value /a failed: test failed"),
    FAILS_422("{\"a\":\"A\"}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":\"\\u0041\"}"), WARN,
	      "testing value /a failed: test failed"),
    FAILS_422("{\"a\":\"a<b\"}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":\"a<b\"}"), WARN,
	      "testing value /a failed: test failed"),
    APPLIES("{\"a\":\"a<b\"}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":\"a\\u003cb\"}"),
	    WARN, "{\"a\":\"a<b\"}"),
    APPLIES("{\"a\":\"\xc3\xa9\"}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":\"\xc3\xa9\"}"),
	    WARN, "{\"a\":\"\xc3\xa9\"}"),
    FAILS_422("{\"a\":true}", OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":\"true\"}"), WARN,
	      "testing value /a failed: test failed"),
    /* Upstream panics on the null in this array (500); here it compares. */
    APPLIES("{\"a\":{\"x\":[1,\"y\",null]}}",
	    OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":{\"x\":[1,\"y\",null]}}"), WARN,
	    "{\"a\":{\"x\":[1,\"y\",null]}}"),
    FAILS_422("{\"a\":{\"x\":1}}",
	      OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":{\"x\":1,\"z\":null}}"), WARN,
	      "testing value /a failed: test failed"),
    FAILS_422("{\"a\":{\"x\":1,\"z\":null}}",
	      OPS("{\"op\":\"test\",\"path\":\"/a\",\"value\":{\"x\":1,\"y\":null}}"), WARN,
	      "testing value /a failed: test failed"),
    APPLIES("{\"a\":[1]}", OPS("{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":[1]}}"), WARN,
	    "{\"a\":[1]}"),
    FAILS_422("{\"a\":[1]}", OPS("{\"op\":\"test\",\"path\":\"\",\"value\":{\"a\":[2]}}"), WARN,
	      "testing value  failed: test failed"),
    FAILS_422("{}", OPS("{\"op\":\"test\",\"path\":\"/x/y\",\"value\":1}"), WARN,
	      "test operation does not apply: is missing path: /x/y: missing value"),
    FAILS_422("{\"a\":[]}", OPS("{\"op\":\"test\",\"path\":\"/a/9\",\"value\":1}"), WARN,
	      "error in test for path: '/a/9': Unable to access invalid index: 9: invalid index "
	      "referenced"),
    /* A value from the patch keeps its text; a copy gains Marshal's escapes. */
    APPLIES("{}",
	    OPS("{\"op\":\"add\",\"path\":\"/b\",\"value\":1.0},"
		"{\"op\":\"test\",\"path\":\"/b\",\"value\":1.0}"),
	    WARN, "{\"b\":1.0}"),
    APPLIES("{}",
	    OPS("{\"op\":\"add\",\"path\":\"/b\",\"value\":[\"a<b\"]},"
		"{\"op\":\"test\",\"path\":\"/b/0\",\"value\":\"a<b\"}"),
	    WARN, "{\"b\":[\"a<b\"]}"),
    FAILS_422("{}",
	      OPS("{\"op\":\"add\",\"path\":\"/b\",\"value\":[\"a<b\"]},"
		  "{\"op\":\"copy\",\"from\":\"/b\",\"path\":\"/c\"},"
		  "{\"op\":\"test\",\"path\":\"/c/0\",\"value\":\"a<b\"}"),
	      WARN, "testing value /c/0 failed: test failed"),
    APPLIES("{}",
	    OPS("{\"op\":\"add\",\"path\":\"/b\",\"value\":[\"a<b\"]},"
		"{\"op\":\"copy\",\"from\":\"/b\",\"path\":\"/c\"},"
		"{\"op\":\"test\",\"path\":\"/c/0\",\"value\":\"a\\u003cb\"},"
		"{\"op\":\"move\",\"from\":\"/b\",\"path\":\"/d\"},"
		"{\"op\":\"test\",\"path\":\"/d/0\",\"value\":\"a<b\"}"),
	    WARN, "{\"c\":[\"a<b\"],\"d\":[\"a<b\"]}"),
    /* Operations apply in order, each to the result of the last. */
    APPLIES("{\"a\":1}",
	    OPS("{\"op\":\"add\",\"path\":\"/b\",\"value\":{}},"
		"{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/b/a\"},"
		"{\"op\":\"copy\",\"from\":\"/b\",\"path\":\"/c\"},"
		"{\"op\":\"replace\",\"path\":\"/c/a\",\"value\":2},"
		"{\"op\":\"test\",\"path\":\"/b/a\",\"value\":1}"),
	    WARN, "{\"b\":{\"a\":1},\"c\":{\"a\":2}}"),
    /* An array document. */
    APPLIES("[1,2]", OPS("{\"op\":\"add\",\"path\":\"/0\",\"value\":0}"), WARN, "[0,1,2]"),
    APPLIES("[{\"a\":1}]", OPS("{\"op\":\"remove\",\"path\":\"/0/a\"}"), WARN, "[{}]"),
    /* No operations. */
    APPLIES("{\"a\":1}", "null", WARN, "{\"a\":1}"),
    APPLIES("{\"a\":1}", " [ ] ", STRICT, "{\"a\":1}"),
};

START_TEST(test_json_patch)
{
	check_case(&json_patch_cases[_i], false);
}
END_TEST

/* ---- JSON patch: decoding (400) and strict findings ---- */

static const struct patch_case json_patch_decode_cases[] = {
    FAILS("{}", "", WARN, 400, "error decoding patch: unexpected end of JSON input"),
    FAILS("{}", "", IGNORE, 400, "unexpected end of JSON input"),
    FAILS("{}", "[{\"op\":\"add\"} {}]", WARN, 400,
	  "error decoding patch: invalid character '{' after array element"),
    FAILS("{}", "[{\"op\":\"add\"} {}]", IGNORE, 400, "invalid character '{' after array element"),
    FAILS("{}", "{}", WARN, 400,
	  "error decoding patch: json: cannot unmarshal object into Go value of type "
	  "[]handlers.jsonPatchOp"),
    FAILS("{}", "{}", IGNORE, 400,
	  "json: cannot unmarshal object into Go value of type jsonpatch.Patch"),
    FAILS("{}", "\"add\"", STRICT, 400,
	  "error decoding patch: json: cannot unmarshal string into Go value of type "
	  "[]handlers.jsonPatchOp"),
    FAILS("{}", "[1]", WARN, 400,
	  "error decoding patch: json: cannot unmarshal number into Go value of type "
	  "handlers.jsonPatchOp"),
    FAILS("{}", "[[]]", IGNORE, 400,
	  "json: cannot unmarshal array into Go value of type jsonpatch.Operation"),
    FAILS("{}", "[{\"op\":1}]", WARN, 400,
	  "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op "
	  "of type string"),
    FAILS("{}", "[{\"op\":\"add\",\"path\":{}}]", WARN, 400,
	  "error decoding patch: json: cannot unmarshal object into Go struct field "
	  "jsonPatchOp.path of type string"),
    FAILS("{}", "[{\"from\":true}]", STRICT, 400,
	  "error decoding patch: json: cannot unmarshal bool into Go struct field jsonPatchOp.from "
	  "of type string"),
    /* The first such value in the text is the one reported. */
    FAILS("{}", "[{\"op\":\"add\",\"value\":[0,-1e999],\"path\":[]}]", WARN, 400,
	  "error decoding patch: json: cannot unmarshal number -1e999 into Go struct field "
	  "jsonPatchOp.value of type float64"),
    FAILS("{}", "[{\"op\":\"add\",\"value\":[0,-1e999],\"path\":[]}]", IGNORE, 400,
	  "error decoding patch: json: cannot unmarshal number -1e999 into Go struct field "
	  "jsonPatchOp.value of type float64"),
    /* What the strict decoder finds; Ignore finds nothing. */
    APPLIES_NOTING(
	"{}",
	"[{\"op\":\"add\",\"path\":\"/a\",\"value\":{\"k\":1,\"k\":2},\"op\":\"add\",\"extra\":1,"
	"\"extra\":[1e999]}]",
	WARN, "{\"a\":{\"k\":2}}", "json patch duplicate field \"[0].value.k\"",
	"json patch duplicate field \"[0].op\"", "json patch unknown field \"[0].extra\""),
    APPLIES("{}", "[{\"op\":\"add\",\"path\":\"/a\",\"value\":1,\"Value\":2,\"path\":\"/b\"}]",
	    IGNORE, "{\"b\":1}"),
    APPLIES_NOTING(
	"{}", "[{\"op\":\"add\",\"path\":\"/a\",\"value\":[{\"x\":[{\"y\":1,\"y\":2}]}]}]", STRICT,
	"{\"a\":[{\"x\":[{\"y\":2}]}]}", "json patch duplicate field \"[0].value[0].x[0].y\""),
};

START_TEST(test_json_patch_decode)
{
	check_case(&json_patch_decode_cases[_i], false);
}
END_TEST

/* kube-apiserver's own field validation test (test/integration/apiserver/apply). */
START_TEST(test_json_patch_upstream_warnings)
{
	static const struct patch_case c = {
	    .doc = "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\"}]}}}}",
	    .patch =
		"[{\"op\": \"add\", \"path\": \"/spec/unknown1\", \"value\": \"val1\", "
		"\"foo\":\"bar\"},"
		"{\"op\": \"add\", \"path\": \"/spec/unknown2\", \"path\": \"/spec/unknown3\", "
		"\"value\": \"val1\"},"
		"{\"op\": \"add\", \"path\": \"/spec/unknownDupe\", \"value\": \"valDupe\"},"
		"{\"op\": \"add\", \"path\": \"/spec/unknownDupe\", \"value\": \"valDupe2\"},"
		"{\"op\": \"add\", \"path\": \"/spec/paused\", \"value\": true},"
		"{\"op\": \"add\", \"path\": \"/spec/paused\", \"value\": false},"
		"{\"op\": \"add\", \"path\": \"/spec/template/spec/containers/0/unknownNested\", "
		"\"value\": \"val1\"},"
		"{\"op\": \"add\", \"path\": \"/spec/template/spec/containers/0/imagePullPolicy\", "
		"\"value\": \"Always\"},"
		"{\"op\": \"add\", \"path\": \"/spec/template/spec/containers/0/imagePullPolicy\", "
		"\"value\": \"Never\"}]",
	    .validation = WARN,
	    .result =
		"{\"spec\":{\"unknown1\":\"val1\",\"unknown3\":\"val1\",\"unknownDupe\":"
		"\"valDupe2\","
		"\"paused\":false,\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
		"\"unknownNested\":\"val1\",\"imagePullPolicy\":\"Never\"}]}}}}",
	    .strict = {"json patch unknown field \"[0].foo\"",
		       "json patch duplicate field \"[1].path\""},
	};

	check_case(&c, false);
}
END_TEST

START_TEST(test_merge_patch_upstream_warnings)
{
	static const struct patch_case c = {
	    .doc = "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\"}]}}}}",
	    .patch = "{\"spec\": {\"unknown1\": \"val1\", \"unknownDupe\": \"valDupe\", "
		     "\"unknownDupe\": "
		     "\"valDupe2\", \"paused\": true, \"paused\": false, \"template\": {\"spec\": "
		     "{\"containers\": [{\"name\": \"nginx\", \"image\": \"nginx:latest\", "
		     "\"unknownNested\": \"val1\", \"imagePullPolicy\": \"Always\", "
		     "\"imagePullPolicy\": "
		     "\"Never\"}]}}}}",
	    .validation = STRICT,
	    .result =
		"{\"spec\":{\"unknown1\":\"val1\",\"unknownDupe\":\"valDupe2\",\"paused\":false,"
		"\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:"
		"latest\","
		"\"unknownNested\":\"val1\",\"imagePullPolicy\":\"Never\"}]}}}}",
	    .strict = {"duplicate field \"spec.unknownDupe\"", "duplicate field \"spec.paused\"",
		       "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\""},
	};

	check_case(&c, true);
}
END_TEST

/* sigs.k8s.io/json keeps the first 100. */
START_TEST(test_strict_errors_are_capped)
{
	struct buf patch = {0};
	struct patch_result r;
	json_t *doc = json_object(), *out;
	int i;

	buf_append_str(&patch, "{");
	for (i = 0; i < 150; i++)
		buf_printf(&patch, "\"k%d\":1,\"k%d\":2,", i, i);
	buf_append_str(&patch, "\"end\":true}");
	out = json_merge_patch_apply(&arena, doc, patch.data, patch.len, WARN, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(r.num_strict_errors, 100);
	ck_assert_str_eq(r.strict_errors[0], "duplicate field \"k0\"");
	ck_assert_str_eq(r.strict_errors[99], "duplicate field \"k99\"");
	ck_assert_int_eq(json_integer_value(json_object_get(out, "k149")), 2);
	json_decref(out);
	json_decref(doc);
	buf_free(&patch);
}
END_TEST

/* ---- Limits ---- */

static char *repeat_ops(const char *op, int n)
{
	struct buf b = {0};
	int i;

	buf_append_str(&b, "[");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "," : "", op);
	buf_append_str(&b, "]");
	return b.data;
}

START_TEST(test_operation_limit)
{
	const char *op = "{\"op\":\"test\",\"path\":\"/a\",\"value\":1}";
	char *ok = repeat_ops(op, JSON_PATCH_MAX_OPERATIONS),
	     *too_many = repeat_ops(op, JSON_PATCH_MAX_OPERATIONS + 1);
	json_t *doc = json("{\"a\":1}"), *out;
	struct patch_result r;

	out = json_patch_apply(&arena, doc, ok, strlen(ok), WARN, &r);
	ck_assert_ptr_nonnull(out);
	json_decref(out);
	out = json_patch_apply(&arena, doc, too_many, strlen(too_many), IGNORE, &r);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(r.code, 413);
	ck_assert_str_eq(r.reason, "RequestEntityTooLarge");
	ck_assert_str_eq(r.message, "Request entity too large: The allowed maximum operations in "
				    "a JSON patch is 10000, got 10001");
	/* A decoding error comes first. */
	too_many[strlen(too_many) - 1] = ',';
	out = json_patch_apply(&arena, doc, too_many, strlen(too_many), WARN, &r);
	ck_assert_int_eq(r.code, 400);
	ck_assert_str_eq(r.message, "error decoding patch: unexpected end of JSON input");
	free(ok);
	free(too_many);
	json_decref(doc);
}
END_TEST

/*
 * Copies may add 3 MiB of JSON as Go marshals it. Two copies of a string of
 * 1572846 bytes (1572848 with its quotes) and one of
 * {"a\u003c":[1,"x",null,true,{}]} (32 bytes, '<' escaped) reach the limit
 * exactly; copies of a missing member and of a null add nothing; a one-byte
 * number then exceeds the limit.
 */
START_TEST(test_copy_limit)
{
	size_t n = 1572846;
	char *big = malloc(n + 1);
	json_t *doc = json("{\"v\":{\"a<\":[1,\"x\",null,true,{}]},\"null\":null,\"seven\":7}"),
	       *out;
	struct patch_result r;
	const char *ops = OPS("{\"op\":\"copy\",\"from\":\"/s\",\"path\":\"/c1\"},"
			      "{\"op\":\"copy\",\"from\":\"/s\",\"path\":\"/c2\"},"
			      "{\"op\":\"copy\",\"from\":\"/v\",\"path\":\"/c3\"},"
			      "{\"op\":\"copy\",\"from\":\"/missing\",\"path\":\"/c4\"},"
			      "{\"op\":\"copy\",\"from\":\"/null\",\"path\":\"/c5\"}");
	char *more = malloc(strlen(ops) + 64);

	memset(big, 'x', n);
	big[n] = '\0';
	json_object_set_new(doc, "s", json_string(big));
	out = json_patch_apply(&arena, doc, ops, strlen(ops), WARN, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(json_string_value(json_object_get(out, "c2")), big);
	ck_assert(json_equal(json_object_get(out, "c3"), json_object_get(doc, "v")));
	ck_assert(json_is_null(json_object_get(out, "c4")));
	json_decref(out);

	strcpy(more, ops);
	strcpy(more + strlen(more) - 1, ",{\"op\":\"copy\",\"from\":\"/seven\",\"path\":\"/c6\"}]");
	out = json_patch_apply(&arena, doc, more, strlen(more), WARN, &r);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(r.code, 422);
	ck_assert_str_eq(r.message, INVALID);
	ck_assert_str_eq(r.detail, "Unable to complete the copy, the accumulated size increase of "
				   "copy is 3145729, exceeding the limit 3145728");
	free(more);
	free(big);
	json_decref(doc);
}
END_TEST

static char *nested_arrays(int depth, const char *inner)
{
	struct buf b = {0};
	int i;

	for (i = 0; i < depth; i++)
		buf_append(&b, "[", 1);
	buf_append_str(&b, inner);
	for (i = 0; i < depth; i++)
		buf_append(&b, "]", 1);
	return b.data;
}

/* Nesting stops where json_loads() would: no value deeper than 2048. */
START_TEST(test_depth_limit)
{
	json_t *doc = json("{}"), *out;
	struct patch_result r;
	struct buf patch = {0};
	char *deep = nested_arrays(2046, "1"), *deeper = nested_arrays(2047, "1");
	char *text;

	buf_printf(&patch, "{\"a\":%s}", deep);
	out = json_merge_patch_apply(&arena, doc, patch.data, patch.len, WARN, &r);
	ck_assert_ptr_nonnull(out);
	text = json_dumps(out, 0);
	json_decref(out);
	out = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(out);
	json_decref(out);
	free(text);

	buf_reset(&patch);
	buf_printf(&patch, "{\"a\":%s}", deeper);
	out = json_merge_patch_apply(&arena, doc, patch.data, patch.len, WARN, &r);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(r.code, 400);
	ck_assert_str_eq(r.message,
			 "error decoding patch: invalid character '[' exceeded max depth");
	out = json_patch_apply(&arena, doc, patch.data, patch.len, IGNORE, &r);
	ck_assert_int_eq(r.code, 400);
	ck_assert_str_eq(r.message, "invalid character '[' exceeded max depth");

	/*
	 * A value 2041 deep fits at /a (2042) and in /a/0/0/0/0/0/0 (2048),
	 * not one level further down.
	 */
	free(deep);
	deep = nested_arrays(2040, "1");
	buf_reset(&patch);
	buf_printf(&patch,
		   "[{\"op\":\"add\",\"path\":\"/a\",\"value\":%s},"
		   "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/a/0/0/0/0/0/0\"}]",
		   deep);
	out = json_patch_apply(&arena, doc, patch.data, patch.len, WARN, &r);
	ck_assert_ptr_nonnull(out);
	text = json_dumps(out, 0);
	json_decref(out);
	out = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(out);
	json_decref(out);
	free(text);
	buf_reset(&patch);
	buf_printf(&patch,
		   "[{\"op\":\"add\",\"path\":\"/a\",\"value\":%s},"
		   "{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/a/0/0/0/0/0/0/0\"}]",
		   deep);
	out = json_patch_apply(&arena, doc, patch.data, patch.len, WARN, &r);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(r.code, 422);
	ck_assert_str_eq(r.detail, "the patched document would be nested deeper than 2048 levels");
	free(deep);
	free(deeper);
	buf_free(&patch);
	json_decref(doc);
}
END_TEST

/* ---- Whole or nothing ---- */

START_TEST(test_failed_patch_leaves_document)
{
	json_t *doc = json("{\"a\":[1,2],\"b\":{\"c\":1}}"), *before = json_deep_copy(doc), *out;
	struct patch_result r;
	const char *ops = OPS("{\"op\":\"remove\",\"path\":\"/a/0\"},"
			      "{\"op\":\"add\",\"path\":\"/b/d\",\"value\":2},"
			      "{\"op\":\"replace\",\"path\":\"\",\"value\":[]},"
			      "{\"op\":\"test\",\"path\":\"\",\"value\":{}}");

	out = json_patch_apply(&arena, doc, ops, strlen(ops), WARN, &r);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(r.detail, "testing value  failed: test failed");
	ck_assert(json_equal(doc, before));
	json_decref(doc);
	json_decref(before);
}
END_TEST

START_TEST(test_result_is_independent)
{
	json_t *doc = json("{\"a\":{\"b\":1},\"c\":[{}]}"), *before = json_deep_copy(doc), *out;
	struct patch_result r;
	const char *ops = OPS("{\"op\":\"add\",\"path\":\"/d\",\"value\":1}");
	const char *merge = "{\"e\":{\"f\":1}}";

	out = json_patch_apply(&arena, doc, ops, strlen(ops), WARN, &r);
	json_object_set_new(json_object_get(out, "a"), "b", json_integer(2));
	json_array_clear(json_object_get(out, "c"));
	ck_assert(json_equal(doc, before));
	json_decref(out);

	out = json_merge_patch_apply(&arena, doc, merge, strlen(merge), WARN, &r);
	json_object_set_new(json_object_get(out, "a"), "b", json_integer(2));
	ck_assert(json_equal(doc, before));
	json_decref(out);
	json_decref(doc);
	json_decref(before);
}
END_TEST

/* Keys may hold U+0000, as Go allows; they survive, though jansson's own copy cuts them. */
START_TEST(test_keys_with_nul)
{
	json_t *doc = json_object(), *out;
	struct patch_result r;
	const char *merge = "{\"x\\u0000y\":1}";
	const char *ops = OPS("{\"op\":\"add\",\"path\":\"/b\",\"value\":1},"
			      "{\"op\":\"move\",\"from\":\"/a\\u0000b\",\"path\":\"/c\\u0000d\"}");

	json_object_setn_new(doc, "a\0b", 3, json_string("v"));
	out = json_merge_patch_apply(&arena, doc, merge, strlen(merge), WARN, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(json_string_value(json_object_getn(out, "a\0b", 3)), "v");
	ck_assert_int_eq(json_integer_value(json_object_getn(out, "x\0y", 3)), 1);
	ck_assert_uint_eq(json_object_size(out), 2);
	json_decref(out);

	out = json_patch_apply(&arena, doc, ops, strlen(ops), WARN, &r);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(json_object_getn(out, "a\0b", 3));
	ck_assert_str_eq(json_string_value(json_object_getn(out, "c\0d", 3)), "v");
	ck_assert_uint_eq(json_object_size(out), 2);
	json_decref(out);
	json_decref(doc);
}
END_TEST

static Suite *json_patch_suite(void)
{
	Suite *s = suite_create("json_patch");
	TCase *merge = tcase_create("merge");
	TCase *patch = tcase_create("patch");
	TCase *limits = tcase_create("limits");

	tcase_add_checked_fixture(merge, setup, teardown);
	tcase_add_loop_test(merge, test_merge_rfc, 0, N(merge_rfc_cases));
	tcase_add_loop_test(merge, test_merge, 0, N(merge_cases));
	tcase_add_test(merge, test_merge_patch_upstream_warnings);
	tcase_add_test(merge, test_strict_errors_are_capped);
	suite_add_tcase(s, merge);

	tcase_add_checked_fixture(patch, setup, teardown);
	tcase_add_loop_test(patch, test_json_patch_rfc, 0, N(json_patch_rfc_cases));
	tcase_add_loop_test(patch, test_json_patch, 0, N(json_patch_cases));
	tcase_add_loop_test(patch, test_json_patch_decode, 0, N(json_patch_decode_cases));
	tcase_add_test(patch, test_json_patch_upstream_warnings);
	tcase_add_test(patch, test_failed_patch_leaves_document);
	tcase_add_test(patch, test_result_is_independent);
	tcase_add_test(patch, test_keys_with_nul);
	suite_add_tcase(s, patch);

	tcase_add_checked_fixture(limits, setup, teardown);
	tcase_set_timeout(limits, 60);
	tcase_add_test(limits, test_operation_limit);
	tcase_add_test(limits, test_copy_limit);
	tcase_add_test(limits, test_depth_limit);
	suite_add_tcase(s, limits);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(json_patch_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
