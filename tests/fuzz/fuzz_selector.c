/*
 * fuzz_selector.c - libFuzzer target for shared/selector.c.
 *
 * The input, up to its first NUL, is parsed both as a label selector and
 * as a field selector. A parsed selector must hold the parser's invariants
 * (label keys sorted, value sets sorted and distinct, the value count each
 * operator needs) and must translate to SQL that user text cannot reach:
 * the same selector with every key and value replaced by a harmless one
 * must give the same SQL text, and the parameters must be exactly the
 * selector's keys and values. A failed translation leaves the SQL and the
 * parameters as they were. Matching against a fixed object must not
 * crash; a failed parse must say why.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/selector.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static const char fuzz_object_text[] =
    "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\",\"labels\":{\"app\":\"web\","
    "\"tier\":\"\",\"version\":\"10\",\"example.com/team\":\"a\",\"in\":\"notin\"}},"
    "\"spec\":{\"nodeName\":\"n1\",\"replicas\":3,\"hostNetwork\":true,\"ratio\":0.25,"
    "\"nothing\":null,\"containers\":[{\"name\":\"c\"}]},\"status\":{\"phase\":\"Running\"}}";

static json_t *fuzz_object(void)
{
	static json_t *obj;

	if (!obj)
		obj = json_loads(fuzz_object_text, 0, NULL);
	fuzz_assert(obj);
	return obj;
}

/* SQL is printable ASCII, with its string literals closed, and no statement separator. */
static void check_sql_shape(const struct buf *sql)
{
	size_t i, quotes = 0;

	for (i = 0; i < sql->len; i++) {
		unsigned char c = (unsigned char)sql->data[i];

		fuzz_assert(c >= 0x20 && c < 0x7F && c != ';' && c != '\\');
		quotes += c == '\'';
	}
	fuzz_assert(quotes % 2 == 0);
}

static void check_labels(struct arena *a, const char *text)
{
	static const char *const harmless_value = "1"; /* an integer, for > and < */
	struct label_selector s, harmless;
	struct sql_params params = {0}, harmless_params = {0};
	struct buf sql = {0}, harmless_sql = {0};
	const char *error = NULL;
	size_t i, j, p = 0;

	if (label_selector_parse(a, text, &s, &error) != 0) {
		fuzz_assert(error && error[0]);
		return;
	}
	harmless.num_reqs = s.num_reqs;
	harmless.reqs = arena_alloc(a, (s.num_reqs + 1) * sizeof(*harmless.reqs));
	for (i = 0; i < s.num_reqs; i++) {
		const struct label_requirement *r = &s.reqs[i];
		const char **values = arena_alloc(a, (r->num_values + 1) * sizeof(*values));

		fuzz_assert(r->key && r->key[0]);
		fuzz_assert(i == 0 || strcmp(s.reqs[i - 1].key, r->key) <= 0);
		for (j = 0; j < r->num_values; j++) {
			fuzz_assert(j == 0 || strcmp(r->values[j - 1], r->values[j]) < 0);
			values[j] = harmless_value;
		}
		switch (r->op) {
		case LABEL_EXISTS:
		case LABEL_DOES_NOT_EXIST:
			fuzz_assert(r->num_values == 0);
			break;
		case LABEL_IN:
		case LABEL_NOT_IN:
			fuzz_assert(r->num_values >= 1);
			break;
		default:
			fuzz_assert(r->num_values == 1);
		}
		harmless.reqs[i] = (struct label_requirement){"k", r->op, values, r->num_values};
	}
	(void)label_selector_matches(
	    &s, json_object_get(json_object_get(fuzz_object(), "metadata"), "labels"));
	(void)label_selector_matches(&s, NULL);

	fuzz_assert(label_selector_to_sql(a, &s, "object", &sql, &params) == 0);
	fuzz_assert(
	    label_selector_to_sql(a, &harmless, "object", &harmless_sql, &harmless_params) == 0);
	fuzz_assert(strcmp(sql.data, harmless_sql.data) == 0);
	check_sql_shape(&sql);
	for (i = 0; i < s.num_reqs; i++) {
		fuzz_assert(p < params.num && params.values[p++] == s.reqs[i].key);
		for (j = 0; j < s.reqs[i].num_values; j++)
			fuzz_assert(p < params.num && params.values[p++] == s.reqs[i].values[j]);
	}
	fuzz_assert(p == params.num && params.num == harmless_params.num);
	buf_free(&sql);
	buf_free(&harmless_sql);
}

static void check_fields(struct arena *a, const char *text)
{
	struct field_selector s, harmless;
	struct sql_params params = {0}, harmless_params = {0};
	struct buf sql = {0}, harmless_sql = {0};
	const char *error = NULL;
	size_t i;
	int rc;

	if (field_selector_parse(a, text, &s, &error) != 0) {
		fuzz_assert(error && error[0]);
		return;
	}
	harmless.num_reqs = s.num_reqs;
	harmless.reqs = arena_alloc(a, (s.num_reqs + 1) * sizeof(*harmless.reqs));
	for (i = 0; i < s.num_reqs; i++) {
		fuzz_assert(s.reqs[i].field && s.reqs[i].value);
		fuzz_assert(s.reqs[i].field[0] || s.reqs[i].value[0]);
		(void)field_value(a, fuzz_object(), s.reqs[i].field);
		harmless.reqs[i] = s.reqs[i];
		harmless.reqs[i].value = "v";
	}
	(void)field_selector_matches(a, &s, fuzz_object());

	buf_append_str(&sql, "x = $1 AND ");
	params.values = (const char *[]){"x"};
	params.num = params.cap = 1;
	rc = field_selector_to_sql(a, &s, "object", &sql, &params);
	if (rc != 0) {
		fuzz_assert(rc == -1 && params.num == 1 && strcmp(sql.data, "x = $1 AND ") == 0);
		buf_free(&sql);
		return;
	}
	buf_append_str(&harmless_sql, "x = $1 AND ");
	harmless_params.values = (const char *[]){"x"};
	harmless_params.num = harmless_params.cap = 1;
	fuzz_assert(
	    field_selector_to_sql(a, &harmless, "object", &harmless_sql, &harmless_params) == 0);
	fuzz_assert(strcmp(sql.data, harmless_sql.data) == 0);
	check_sql_shape(&sql);
	fuzz_assert(params.num == s.num_reqs + 1);
	for (i = 0; i < s.num_reqs; i++)
		fuzz_assert(params.values[i + 1] == s.reqs[i].value);
	buf_free(&sql);
	buf_free(&harmless_sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	char *text = malloc(size + 1);

	fuzz_assert(text);
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	check_labels(&a, text);
	check_fields(&a, text);
	arena_free(&a);
	free(text);
	return 0;
}
