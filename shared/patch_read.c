/*
 * patch_read.c - reading a patch's text as kube-apiserver v1.32 does; see
 * patch_read.h.
 *
 * gojson_check() first, so that what follows reads valid text and needs no
 * error handling of its own: a recursive-descent reader that builds jansson
 * values, stops at the first value upstream's decoder could not store (Go
 * reports the first, in text order), and keeps sigs.k8s.io/json's field
 * path to word the strict errors. Recursion is bounded: the check refuses
 * text nested deeper than PATCH_MAX_DEPTH.
 */
#include "patch_read.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/gojson.h"

/* sigs.k8s.io/json keeps at most this many strict errors. */
#define MAX_STRICT_ERRORS 100

enum strict_kind { STRICT_DUPLICATE, STRICT_UNKNOWN };

/* The fields of sigs.k8s.io/json's strictError, which it dedupes on. */
struct patch_strict_error {
	enum strict_kind kind;
	const char *path, *field;
	size_t path_len, field_len;
	const char *text;
};

void patch_reader_init(struct patch_reader *rd, struct arena *a, const char *text, size_t len,
		       enum patch_field_validation validation)
{
	memset(rd, 0, sizeof(*rd));
	rd->arena = a;
	rd->text = text;
	rd->len = len;
	rd->strict = validation != PATCH_FIELD_VALIDATION_IGNORE;
	rd->strict_prefix = "";
	buf_append_str(&rd->field_path, "");
}

void patch_reader_free(struct patch_reader *rd)
{
	size_t i;

	for (i = 0; i < rd->raws_cap; i++)
		json_decref(rd->raws[i].value);
	free(rd->raws);
	buf_free(&rd->field_path);
	buf_free(&rd->text_buf);
}

void patch_answer(struct patch_reader *rd, struct patch_result *r, int code, const char *reason,
		  const char *message, const char *detail)
{
	r->code = code;
	r->reason = reason;
	r->message = arena_strdup(rd->arena, message);
	r->detail = detail == message ? r->message : arena_strdup(rd->arena, detail);
	r->strict_errors = NULL;
	r->num_strict_errors = 0;
}

void patch_answer_success(struct patch_reader *rd, struct patch_result *r)
{
	const char **texts = arena_alloc(rd->arena, (rd->num_strict_errors + 1) * sizeof(*texts));
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < rd->num_strict_errors; i++)
		texts[i] = rd->strict_errors[i].text;
	r->strict_errors = texts;
	r->num_strict_errors = rd->num_strict_errors;
}

json_t *patch_copy_json(const json_t *v)
{
	const char *key;
	size_t key_len, i;
	json_t *child, *out;

	if (json_is_object(v)) {
		out = json_object();
		json_object_keylen_foreach((json_t *)v, key, key_len, child)
		    json_object_setn_new_nocheck(out, key, key_len, patch_copy_json(child));
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, child) json_array_append_new(out, patch_copy_json(child));
		return out;
	}
	return json_deep_copy(v);
}

/* ---- Remembered texts: an open-addressing table keyed by the value's address ---- */

static size_t raw_slot(const struct patch_reader *rd, const json_t *v)
{
	uint64_t h = (uint64_t)(uintptr_t)v * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 20) & (rd->raws_cap - 1);
}

void patch_raw_remember(struct patch_reader *rd, json_t *v, const char *text, size_t len)
{
	size_t i;

	if (!rd->keep_raw)
		return;
	if (2 * (rd->raws_used + 1) > rd->raws_cap) {
		struct patch_raw *old = rd->raws;
		size_t old_cap = rd->raws_cap;

		rd->raws_cap = old_cap ? 2 * old_cap : 64;
		rd->raws = calloc(rd->raws_cap, sizeof(*rd->raws));
		if (!rd->raws)
			abort();
		for (i = 0; i < old_cap; i++) {
			size_t j;

			if (!old[i].value)
				continue;
			for (j = raw_slot(rd, old[i].value); rd->raws[j].value;
			     j = (j + 1) & (rd->raws_cap - 1))
				;
			rd->raws[j] = old[i];
		}
		free(old);
	}
	for (i = raw_slot(rd, v); rd->raws[i].value; i = (i + 1) & (rd->raws_cap - 1))
		;
	rd->raws[i] = (struct patch_raw){json_incref(v), text, len};
	rd->raws_used++;
}

const struct patch_raw *patch_raw_lookup(const struct patch_reader *rd, const json_t *v)
{
	size_t i;

	if (!rd->raws_cap)
		return NULL;
	for (i = raw_slot(rd, v); rd->raws[i].value; i = (i + 1) & (rd->raws_cap - 1))
		if (rd->raws[i].value == v)
			return &rd->raws[i];
	return NULL;
}

void patch_scalar_text(const struct patch_reader *rd, const json_t *v, struct buf *tmp,
		       const char **text, size_t *len)
{
	const struct patch_raw *raw = patch_raw_lookup(rd, v);

	if (raw) {
		*text = raw->text;
		*len = raw->len;
		return;
	}
	buf_reset(tmp);
	if (json_is_string(v))
		gojson_encode_string(tmp, json_string_value(v), json_string_length(v));
	else if (json_is_number(v))
		gojson_encode_number(tmp, v);
	else
		buf_append_str(tmp, json_is_true(v) ? "true" : json_is_false(v) ? "false" : "null");
	*text = tmp->data;
	*len = tmp->len;
}

/* ---- Reading the patch text (already checked by gojson_check) ---- */

static void type_error(struct patch_reader *rd, const char *value, const char *go_type,
		       const char *struct_field)
{
	if (rd->type_error)
		return;
	if (struct_field)
		rd->type_error = arena_printf(
		    rd->arena, "json: cannot unmarshal %s into Go struct field %s of type %s",
		    value, struct_field, go_type);
	else
		rd->type_error =
		    arena_printf(rd->arena, "json: cannot unmarshal %s into Go value of type %s",
				 value, go_type);
}

/* What Go's UnmarshalTypeError calls the value that starts with c. */
static const char *kind_of(char c)
{
	switch (c) {
	case '{':
		return "object";
	case '[':
		return "array";
	case '"':
		return "string";
	case 't':
	case 'f':
		return "bool";
	default:
		return "number";
	}
}

static void strict_error(struct patch_reader *rd, enum strict_kind kind, const char *field,
			 size_t field_len)
{
	const struct buf *path = &rd->field_path;
	struct patch_strict_error *e;
	struct buf field_path = {0}, text = {0};
	size_t i;

	if (!rd->strict || rd->num_strict_errors >= MAX_STRICT_ERRORS)
		return;
	for (i = 0; i < rd->num_strict_errors; i++) {
		e = &rd->strict_errors[i];
		if (e->kind == kind && e->path_len == path->len && e->field_len == field_len &&
		    memcmp(e->path, path->data, path->len) == 0 &&
		    memcmp(e->field, field, field_len) == 0)
			return;
	}
	if (!rd->strict_errors)
		rd->strict_errors =
		    arena_alloc(rd->arena, MAX_STRICT_ERRORS * sizeof(*rd->strict_errors));
	e = &rd->strict_errors[rd->num_strict_errors++];
	e->kind = kind;
	e->path = arena_strndup(rd->arena, path->data, path->len);
	e->path_len = path->len;
	e->field = arena_strndup(rd->arena, field, field_len);
	e->field_len = field_len;

	/* strictError.Error(): the kind, then the path and the field joined by '.', %q-quoted. */
	buf_append(&field_path, path->data, path->len);
	if (path->len)
		buf_append(&field_path, ".", 1);
	buf_append(&field_path, field, field_len);
	buf_printf(&text, "%s%s ", rd->strict_prefix,
		   kind == STRICT_DUPLICATE ? "duplicate field" : "unknown field");
	gojson_quote(&text, field_path.data, field_path.len);
	e->text = arena_strndup(rd->arena, text.data, text.len);
	buf_free(&field_path);
	buf_free(&text);
}

static void push_key(struct patch_reader *rd, const char *key, size_t len)
{
	if (!rd->strict)
		return;
	if (rd->field_path.len)
		buf_append(&rd->field_path, ".", 1);
	buf_append(&rd->field_path, key, len);
}

static void push_index(struct patch_reader *rd, size_t i)
{
	if (rd->strict)
		buf_printf(&rd->field_path, "[%zu]", i);
}

static void pop_path(struct patch_reader *rd, size_t len)
{
	rd->field_path.len = len;
	rd->field_path.data[len] = '\0';
}

static void skip_space(struct patch_reader *rd)
{
	while (rd->pos < rd->len) {
		char c = rd->text[rd->pos];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return;
		rd->pos++;
	}
}

/* The length of the string literal at pos, quotes included. */
static size_t string_length(const struct patch_reader *rd)
{
	size_t i = rd->pos + 1;

	while (rd->text[i] != '"')
		i += rd->text[i] == '\\' ? 2 : 1;
	return i + 1 - rd->pos;
}

static size_t number_length(const struct patch_reader *rd)
{
	size_t i = rd->pos;

	while (i < rd->len && ((rd->text[i] >= '0' && rd->text[i] <= '9') || rd->text[i] == '+' ||
			       rd->text[i] == '-' || rd->text[i] == '.' || rd->text[i] == 'e' ||
			       rd->text[i] == 'E'))
		i++;
	return i - rd->pos;
}

static void skip_value(struct patch_reader *rd)
{
	char c = rd->text[rd->pos];

	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';

		rd->pos++;
		skip_space(rd);
		while (rd->text[rd->pos] != close) {
			if (c == '{') {
				rd->pos += string_length(rd);
				skip_space(rd);
				rd->pos++; /* ':' */
				skip_space(rd);
			}
			skip_value(rd);
			skip_space(rd);
			if (rd->text[rd->pos] == ',') {
				rd->pos++;
				skip_space(rd);
			}
		}
		rd->pos++;
	} else if (c == '"') {
		rd->pos += string_length(rd);
	} else if (c == 't' || c == 'n') {
		rd->pos += 4;
	} else if (c == 'f') {
		rd->pos += 5;
	} else {
		rd->pos += number_length(rd);
	}
}

/* Decodes the string literal at pos into text_buf; returns the arena copy. */
static char *read_string(struct patch_reader *rd, size_t *len)
{
	size_t n = string_length(rd);

	buf_reset(&rd->text_buf);
	gojson_unquote(&rd->text_buf, rd->text + rd->pos, n);
	rd->pos += n;
	*len = rd->text_buf.len;
	return arena_strndup(rd->arena, rd->text_buf.data, rd->text_buf.len);
}

/* Reads "key": and leaves pos at the value. */
static char *read_key(struct patch_reader *rd, size_t *len)
{
	char *key = read_string(rd, len);

	skip_space(rd);
	rd->pos++;
	skip_space(rd);
	return key;
}

/* After a member or an element: true if another follows. */
static bool read_separator(struct patch_reader *rd)
{
	skip_space(rd);
	if (rd->text[rd->pos++] == ',') {
		skip_space(rd);
		return true;
	}
	return false;
}

static json_t *read_value(struct patch_reader *rd);

static json_t *read_object(struct patch_reader *rd)
{
	json_t *obj = json_object();
	size_t path_len = rd->field_path.len;

	rd->pos++;
	skip_space(rd);
	if (rd->text[rd->pos] == '}') {
		rd->pos++;
		return obj;
	}
	do {
		size_t key_len;
		char *key = read_key(rd, &key_len);
		json_t *v;

		if (json_object_getn(obj, key, key_len))
			strict_error(rd, STRICT_DUPLICATE, key, key_len);
		push_key(rd, key, key_len);
		v = read_value(rd);
		pop_path(rd, path_len);
		if (!v) {
			json_decref(obj);
			return NULL;
		}
		json_object_setn_new_nocheck(obj, key, key_len, v);
	} while (read_separator(rd));
	return obj;
}

static json_t *read_array(struct patch_reader *rd)
{
	json_t *arr = json_array();
	size_t path_len = rd->field_path.len;

	rd->pos++;
	skip_space(rd);
	if (rd->text[rd->pos] == ']') {
		rd->pos++;
		return arr;
	}
	do {
		json_t *v;

		push_index(rd, json_array_size(arr));
		v = read_value(rd);
		pop_path(rd, path_len);
		if (!v) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, v);
	} while (read_separator(rd));
	return arr;
}

/* A value decoded into an interface{}, as sigs.k8s.io/json does it. */
static json_t *read_value(struct patch_reader *rd)
{
	const char *start = rd->text + rd->pos;
	json_t *v;
	size_t n;

	switch (*start) {
	case '{':
		return read_object(rd);
	case '[':
		return read_array(rd);
	case 't':
		rd->pos += 4;
		return json_true();
	case 'f':
		rd->pos += 5;
		return json_false();
	case 'n':
		rd->pos += 4;
		return json_null();
	case '"':
		n = string_length(rd);
		buf_reset(&rd->text_buf);
		gojson_unquote(&rd->text_buf, start, n);
		v = json_stringn_nocheck(rd->text_buf.data, rd->text_buf.len);
		break;
	default:
		n = number_length(rd);
		v = gojson_number(start, n);
		if (!v) {
			char *what = arena_printf(rd->arena, "number %.*s", (int)n, start);

			if (!rd->type_error)
				rd->number_overflow = true;
			type_error(rd, what, "float64", rd->number_field);
			return NULL;
		}
	}
	rd->pos += n;
	patch_raw_remember(rd, v, start, n);
	return v;
}

/* "op", "path" or "from": kjson wants a string; json-patch takes a string or nothing. */
static int read_op_field(struct patch_reader *rd, struct patch_op_field *f, const char *go_field)
{
	char c = rd->text[rd->pos];

	if (c == '"') {
		f->s = read_string(rd, &f->len);
		f->state = FIELD_STRING;
	} else if (c == 'n') {
		rd->pos += 4;
		f->state = FIELD_ABSENT;
	} else if (rd->strict) {
		type_error(rd, kind_of(c), "string", go_field);
		return -1;
	} else {
		f->state = FIELD_WRONG_TYPE;
		f->kind = kind_of(c);
		skip_value(rd);
	}
	return 0;
}

static int read_op(struct patch_reader *rd, struct patch_op *op)
{
	static const char *const names[] = {"op", "path", "from", "value"};
	static const char *const go_fields[] = {"jsonPatchOp.op", "jsonPatchOp.path",
						"jsonPatchOp.from", NULL};
	struct patch_op_field *fields[] = {&op->op, &op->path, &op->from};
	size_t path_len = rd->field_path.len;
	bool seen[4] = {false};
	char c = rd->text[rd->pos];

	if (c == 'n') {
		rd->pos += 4;
		return 0;
	}
	if (c != '{') {
		type_error(rd, kind_of(c),
			   rd->strict ? "handlers.jsonPatchOp" : "jsonpatch.Operation", NULL);
		return -1;
	}
	rd->pos++;
	skip_space(rd);
	if (rd->text[rd->pos] == '}') {
		rd->pos++;
		return 0;
	}
	do {
		size_t key_len;
		char *key = read_key(rd, &key_len);
		int f;

		for (f = 0; f < 4; f++)
			if (key_len == strlen(names[f]) && memcmp(key, names[f], key_len) == 0)
				break;
		if (f == 4) {
			strict_error(rd, STRICT_UNKNOWN, key, key_len);
			skip_value(rd);
			continue;
		}
		if (seen[f])
			strict_error(rd, STRICT_DUPLICATE, key, key_len);
		seen[f] = true;
		push_key(rd, key, key_len);
		if (f == 3) {
			json_t *v;

			rd->number_field = "jsonPatchOp.value";
			v = read_value(rd);
			rd->number_field = NULL;
			if (!v)
				return -1;
			json_decref(op->value);
			op->value = v;
		} else if (read_op_field(rd, fields[f], go_fields[f]) != 0) {
			return -1;
		}
		pop_path(rd, path_len);
	} while (read_separator(rd));
	return 0;
}

void patch_free_ops(struct patch_op *ops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_decref(ops[i].value);
	free(ops);
}

/* Reads a JSON patch: an array of operations, or null for none. */
static int read_ops(struct patch_reader *rd, struct patch_op **out, size_t *count)
{
	struct patch_op *ops = NULL;
	size_t n = 0, cap = 0;
	char c;

	*out = NULL;
	*count = 0;
	skip_space(rd);
	c = rd->text[rd->pos];
	if (c == 'n')
		return 0;
	if (c != '[') {
		type_error(rd, kind_of(c),
			   rd->strict ? "[]handlers.jsonPatchOp" : "jsonpatch.Patch", NULL);
		return -1;
	}
	rd->pos++;
	skip_space(rd);
	if (rd->text[rd->pos] != ']') {
		do {
			int rc;

			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				ops = realloc(ops, cap * sizeof(*ops));
				if (!ops)
					abort();
			}
			memset(&ops[n], 0, sizeof(ops[n]));
			push_index(rd, n);
			rc = read_op(rd, &ops[n++]);
			pop_path(rd, 0);
			if (rc != 0) {
				patch_free_ops(ops, n);
				return -1;
			}
		} while (read_separator(rd));
	}
	*out = ops;
	*count = n;
	return 0;
}

/*
 * Go's syntax check: 0, or -1 with the 400 answered. After the strict
 * decoder patch.go prefixes Go's message; without it a merge patch only
 * gets json-patch's ignore_message and a JSON patch Go's message.
 */
static int check_patch(struct patch_reader *rd, struct patch_result *r, const char *ignore_message)
{
	struct buf msg = {0};
	int rc = gojson_check(rd->text, rd->len, PATCH_MAX_DEPTH - 1, &msg);

	if (rc != 0) {
		char *text = rd->strict
				 ? arena_printf(rd->arena, "error decoding patch: %s", msg.data)
			     : ignore_message ? arena_strdup(rd->arena, ignore_message)
					      : arena_strdup(rd->arena, msg.data);

		patch_answer(rd, r, 400, "BadRequest", text, text);
	}
	buf_free(&msg);
	return rc;
}

static void answer_type_error(struct patch_reader *rd, struct patch_result *r, bool prefixed)
{
	char *text = prefixed ? arena_printf(rd->arena, "error decoding patch: %s", rd->type_error)
			      : rd->type_error;

	patch_answer(rd, r, 400, "BadRequest", text, text);
}

int patch_read_merge(struct patch_reader *rd, struct patch_result *r, json_t **value)
{
	char c;

	*value = NULL;
	if (check_patch(rd, r, "Invalid JSON Patch") != 0)
		return -1;
	skip_space(rd);
	c = rd->text[rd->pos];
	if (c == '{' || (c == '[' && !rd->strict))
		*value = read_value(rd);
	else if (c != 'n' && rd->strict)
		type_error(rd, kind_of(c), "map[string]interface {}", NULL);
	if (rd->type_error) {
		/* Under Ignore, only a number too large for float64 gets here. */
		answer_type_error(rd, r, true);
		return -1;
	}
	return 0;
}

int patch_read_strategic(struct patch_reader *rd, struct patch_result *r, json_t **value)
{
	struct buf msg = {0};
	char c;

	*value = NULL;
	if (gojson_check(rd->text, rd->len, PATCH_MAX_DEPTH - 1, &msg) != 0) {
		patch_answer(rd, r, 400, "BadRequest", msg.data, msg.data);
		buf_free(&msg);
		return -1;
	}
	buf_free(&msg);
	skip_space(rd);
	c = rd->text[rd->pos];
	if (c == '{')
		*value = read_value(rd);
	else if (c != 'n')
		type_error(rd, kind_of(c), "map[string]interface {}", NULL);
	if (rd->type_error) {
		json_decref(*value);
		*value = NULL;
		answer_type_error(rd, r, false);
		return -1;
	}
	return 0;
}

int patch_read_ops(struct patch_reader *rd, struct patch_result *r, struct patch_op **ops,
		   size_t *count)
{
	*ops = NULL;
	*count = 0;
	rd->keep_raw = true;
	rd->strict_prefix = "json patch ";
	if (check_patch(rd, r, NULL) != 0)
		return -1;
	if (read_ops(rd, ops, count) != 0) {
		/*
		 * patch.go prefixes the strict decoder's errors, not DecodePatch's.
		 * DecodePatch keeps values as text, so a number too large for
		 * float64 only fails upstream when the patched object is decoded;
		 * here it fails now, as the strict decoder words it.
		 */
		answer_type_error(rd, r, rd->strict || rd->number_overflow);
		return -1;
	}
	return 0;
}
