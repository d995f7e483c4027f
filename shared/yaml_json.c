/*
 * yaml_json.c - yaml_to_json and yaml_to_json_strict; see yaml_json.h.
 * (json_to_yaml is in yaml_emit.c.)
 *
 * Upstream's YAMLToJSON decodes the first document with goyaml.v2 into Go
 * maps and slices, turns map keys into strings and marshals the result
 * with encoding/json; kube-apiserver then decodes that JSON. The first two
 * steps are yaml_node.c and yaml_decode.c; this file does the rest, giving
 * the jansson value kube-apiserver's decoder would hold: keys as strings,
 * numbers as the JSON text reads back, errors where encoding/json fails.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/yaml_decode.h"
#include "shared/yaml_json.h"
#include "shared/yaml_scalar.h"

/*
 * Go's json.Marshal writes each invalid UTF-8 byte as U+FFFD; only
 * !!binary data can hold such bytes. Returns s itself when it is valid.
 */
static const char *valid_utf8(struct yaml_context *c, const char *s, size_t *len)
{
	size_t i, n = 0;
	char *fixed;

	for (i = 0; i < *len;) {
		uint32_t r;
		size_t width = utf8_decode(s + i, *len - i, &r);

		if (r == 0xFFFD && width == 1)
			break;
		i += width;
	}
	if (i == *len)
		return s;
	fixed = arena_alloc(c->arena, *len * 3 + 1);
	for (i = 0; i < *len;) {
		uint32_t r;
		size_t width = utf8_decode(s + i, *len - i, &r);

		if (r == 0xFFFD && width == 1) {
			memcpy(fixed + n, "\xEF\xBF\xBD", 3);
			n += 3;
		} else {
			memcpy(fixed + n, s + i, width);
			n += width;
		}
		i += width;
	}
	*len = n;
	return fixed;
}

static json_t *json_string_go(struct yaml_context *c, const char *s, size_t len)
{
	s = valid_utf8(c, s, &len);
	return json_stringn_nocheck(s, len);
}

/*
 * A number as kube-apiserver holds it after encoding/json wrote it and its
 * decoder read it back: integers when the text is one that fits an int64
 * (so 1.0 and 1e3 are integers), reals otherwise.
 */
static json_t *json_number_go(double f)
{
	char text[GO_FLOAT_BUF], *end;
	long long i;

	go_format_float_json(f, text);
	if (!strpbrk(text, ".eE")) {
		errno = 0;
		i = strtoll(text, &end, 10);
		if (errno == 0 && *end == '\0')
			return json_integer(i);
	}
	return json_real(f);
}

struct keyed {
	const char *key;
	size_t len;
	size_t order; /* position in the mapping, so that the last of equal keys wins */
	struct yaml_value *value;
};

static int compare_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int cmp = memcmp(a->key, b->key, n);

	if (cmp)
		return cmp;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* sigs.k8s.io/yaml's convertToJSONableObject for one key. */
static bool json_key(struct yaml_context *c, const struct yaml_value *key,
		     const struct yaml_value *val, struct keyed *out)
{
	char num[GO_FLOAT_BUF];

	switch (key->kind) {
	case YAML_VALUE_STRING:
		out->len = key->str.len;
		out->key = valid_utf8(c, key->str.text, &out->len);
		return true;
	case YAML_VALUE_INT:
		snprintf(num, sizeof(num), "%lld", (long long)key->i);
		break;
	case YAML_VALUE_FLOAT:
		/* Upstream formats float keys at float32 precision. */
		go_format_float_g(key->f, 32, num);
		break;
	case YAML_VALUE_BOOL:
		snprintf(num, sizeof(num), "%s", key->b ? "true" : "false");
		break;
	case YAML_VALUE_NULL:
		return yaml_fail(c,
				 "Unsupported map key of type: %%!s(<nil>), key: <nil>, value: %s",
				 yaml_value_go_text(c, val));
	default:
		return yaml_fail(c, "Unsupported map key of type: uint64, key: %s, value: %s",
				 yaml_value_go_text(c, key), yaml_value_go_text(c, val));
	}
	out->key = arena_strdup(c->arena, num);
	out->len = strlen(num);
	return true;
}

struct json_frame {
	const struct yaml_value *value;
	json_t *json;
	struct keyed *entries; /* mappings: sorted, one per distinct key */
	size_t len, next;
};

/*
 * A scalar's JSON value. encoding/json refuses NaN and infinities: the
 * first one met is kept in *bad_float, and null stands in for it.
 */
static json_t *json_scalar(struct yaml_context *c, const struct yaml_value *v,
			   const char **bad_float)
{
	switch (v->kind) {
	case YAML_VALUE_NULL:
		return json_null();
	case YAML_VALUE_BOOL:
		return json_boolean(v->b);
	case YAML_VALUE_INT:
		return json_integer(v->i);
	case YAML_VALUE_UINT:
		return json_real((double)v->u);
	case YAML_VALUE_FLOAT:
		if (isnan(v->f) || isinf(v->f)) {
			if (!*bad_float)
				*bad_float = isnan(v->f) ? "NaN" : v->f > 0 ? "+Inf" : "-Inf";
			return json_null();
		}
		return json_number_go(v->f);
	case YAML_VALUE_STRING:
		return json_string_go(c, v->str.text, v->str.len);
	default:
		return NULL;
	}
}

/* A level to fill: for a mapping, its keys as strings, sorted, the last of equal ones kept. */
static bool json_frame_init(struct yaml_context *c, struct json_frame *f,
			    const struct yaml_value *v)
{
	size_t i, out = 0;

	*f = (struct json_frame){.value = v};
	if (v->kind == YAML_VALUE_SEQUENCE) {
		f->json = json_array();
		f->len = v->seq.len;
		return true;
	}
	f->json = json_object();
	f->entries = arena_alloc(c->arena, (v->map->len + 1) * sizeof(*f->entries));
	for (i = 0; i < v->map->len; i++) {
		f->entries[i].order = i;
		f->entries[i].value = v->map->values[i];
		if (!json_key(c, v->map->keys[i], v->map->values[i], &f->entries[i]))
			return false;
	}
	qsort(f->entries, v->map->len, sizeof(*f->entries), compare_keyed);
	/* Two keys can meet as one string (1 and "1"); the later one is kept. */
	for (i = 0; i < v->map->len; i++) {
		if (i + 1 < v->map->len && f->entries[i].len == f->entries[i + 1].len &&
		    !memcmp(f->entries[i].key, f->entries[i + 1].key, f->entries[i].len))
			continue;
		f->entries[out++] = f->entries[i];
	}
	f->len = out;
	return true;
}

static bool is_collection(const struct yaml_value *v)
{
	return v->kind == YAML_VALUE_SEQUENCE || v->kind == YAML_VALUE_MAPPING;
}

/*
 * Builds the JSON value top down: a collection is attached to its parent
 * empty and pushed to be filled in turn. Keys are visited in the order
 * encoding/json writes them (sorted), so the first NaN or infinity met is
 * the one upstream names; a key that cannot be a string fails before that.
 */
static json_t *values_to_json(struct yaml_context *c, const struct yaml_value *root)
{
	struct json_frame *stack = NULL;
	size_t depth = 0, cap = 0;
	const char *bad_float = NULL;
	json_t *result;
	bool ok = true;

	if (!is_collection(root)) {
		result = json_scalar(c, root, &bad_float);
	} else {
		stack = yaml_grow(stack, &cap, 1, sizeof(*stack));
		ok = json_frame_init(c, &stack[0], root);
		result = stack[0].json;
		depth = 1;
	}
	while (ok && depth) {
		struct json_frame *f = &stack[depth - 1];
		const struct yaml_value *child;
		json_t *j;

		if (f->next == f->len) {
			depth--;
			continue;
		}
		if (f->value->kind == YAML_VALUE_SEQUENCE)
			child = f->value->seq.items[f->next];
		else
			child = f->entries[f->next].value;
		if (is_collection(child)) {
			stack = yaml_grow(stack, &cap, depth + 1, sizeof(*stack));
			f = &stack[depth - 1];
			ok = json_frame_init(c, &stack[depth], child);
			j = stack[depth++].json;
		} else {
			j = json_scalar(c, child, &bad_float);
		}
		if (f->value->kind == YAML_VALUE_SEQUENCE)
			json_array_append_new(f->json, j);
		else
			json_object_setn_new_nocheck(f->json, f->entries[f->next].key,
						     f->entries[f->next].len, j);
		f->next++;
	}
	free(stack);
	if (ok && bad_float)
		ok = yaml_fail(c, "json: unsupported value: %s", bad_float);
	if (!ok) {
		json_decref(result);
		return NULL;
	}
	return result;
}

static void copy_message(char *dst, size_t dst_len, const char *msg)
{
	if (dst && dst_len)
		snprintf(dst, dst_len, "%s", msg);
}

json_t *yaml_to_json_strict(const char *text, size_t len, char *err, size_t err_len,
			    char *strict_err, size_t strict_err_len)
{
	struct arena arena = {0};
	struct buf error = {0}, strict = {0};
	struct yaml_context c = {&arena, &error, &strict};
	struct yaml_node *root;
	struct yaml_value *values;
	json_t *result = NULL;

	copy_message(err, err_len, "");
	copy_message(strict_err, strict_err_len, "");
	if (!yaml_parse_first_document(&c, text, len, &root))
		goto out;
	if (!root) {
		result = json_null();
		goto out;
	}
	values = yaml_decode(&c, root);
	if (values)
		result = values_to_json(&c, values);
out:
	if (!result) {
		copy_message(err, err_len, error.len ? error.data : "yaml: conversion failed");
	} else if (strict.len) {
		struct buf msg = {0};

		buf_printf(&msg, "yaml: unmarshal errors:%s", strict.data);
		copy_message(strict_err, strict_err_len, msg.data);
		buf_free(&msg);
	}
	buf_free(&error);
	buf_free(&strict);
	arena_free(&arena);
	return result;
}

json_t *yaml_to_json(const char *text, size_t len, char *err, size_t err_len)
{
	return yaml_to_json_strict(text, len, err, err_len, NULL, 0);
}
