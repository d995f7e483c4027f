/*
 * proto_json_encode.c - JSON objects as protobuf messages of the catalog's
 * types (see proto_json.h).
 *
 * Fields are written in declaration order, each element of a repeated
 * field under its own tag (proto2's unpacked form, as Go writes it), map
 * entries sorted by key. A nested message is encoded into a buffer of its
 * own first, since its length comes before it.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/go_duration.h"
#include "shared/protobuf.h"
#include "shared/proto_json.h"
#include "shared/timestamp.h"

static void encode_message(const struct catalog_type *t, json_t *v, struct buf *out);

/* Go's base64.StdEncoding; false for text that is not. */
static bool base64_decode(const char *s, size_t len, struct buf *out)
{
	size_t pad = 0;
	int n;

	if (len % 4)
		return false;
	if (len && s[len - 1] == '=')
		pad++;
	if (len > 1 && s[len - 2] == '=')
		pad++;
	buf_reserve(out, len / 4 * 3 + 1);
	n = EVP_DecodeBlock((unsigned char *)out->data + out->len, (const unsigned char *)s,
			    (int)len);
	if (n < 0)
		return false;
	out->len += (size_t)n - pad;
	return true;
}

/* A scalar of kind s, or false when v's JSON type does not fit it. */
static bool encode_scalar(enum catalog_scalar s, int number, json_t *v, struct buf *out)
{
	struct buf bytes = {0};
	double d;
	float f;
	uint64_t bits;
	uint32_t bits32;

	switch (s) {
	case CATALOG_STRING:
		if (!json_is_string(v))
			return false;
		proto_put_bytes(out, number, json_string_value(v), json_string_length(v));
		return true;
	case CATALOG_BYTES:
		if (!json_is_string(v) ||
		    !base64_decode(json_string_value(v), json_string_length(v), &bytes)) {
			buf_free(&bytes);
			return false;
		}
		proto_put_bytes(out, number, bytes.data ? bytes.data : "", bytes.len);
		buf_free(&bytes);
		return true;
	case CATALOG_BOOL:
		if (!json_is_boolean(v))
			return false;
		proto_put_uint(out, number, json_is_true(v));
		return true;
	case CATALOG_INT32:
	case CATALOG_INT64:
		if (!json_is_integer(v))
			return false;
		proto_put_uint(out, number,
			       s == CATALOG_INT32
				   ? (uint64_t)(int64_t)(int32_t)json_integer_value(v)
				   : (uint64_t)json_integer_value(v));
		return true;
	case CATALOG_DOUBLE:
		if (!json_is_number(v))
			return false;
		d = json_number_value(v);
		memcpy(&bits, &d, sizeof(bits));
		proto_put_tag(out, number, PROTO_FIXED64);
		for (int i = 0; i < 8; i++)
			buf_append(out, &(uint8_t){(uint8_t)(bits >> (8 * i))}, 1);
		return true;
	case CATALOG_FLOAT:
		if (!json_is_number(v))
			return false;
		f = (float)json_number_value(v);
		memcpy(&bits32, &f, sizeof(bits32));
		proto_put_tag(out, number, PROTO_FIXED32);
		for (int i = 0; i < 4; i++)
			buf_append(out, &(uint8_t){(uint8_t)(bits32 >> (8 * i))}, 1);
		return true;
	default:
		return false;
	}
}

/* One value of field f under its number: a scalar or a nested message. */
static void encode_value(const struct catalog_field *f, int number, json_t *v, struct buf *out)
{
	struct buf child = {0};

	if (f->scalar != CATALOG_MESSAGE) {
		encode_scalar(f->scalar, number, v, out);
		return;
	}
	encode_message(f->type, v, &child);
	proto_put_bytes(out, number, child.data ? child.data : "", child.len);
	buf_free(&child);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void encode_map(const struct catalog_field *f, json_t *obj, struct buf *out)
{
	size_t n = json_object_size(obj), i = 0;
	const char **keys;
	const char *key;
	json_t *v;

	if (!json_is_object(obj) || n == 0)
		return;
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		abort();
	json_object_foreach(obj, key, v) keys[i++] = key;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 0; i < n; i++) {
		struct buf entry = {0};

		proto_put_string(&entry, 1, keys[i]);
		encode_value(f, 2, json_object_get(obj, keys[i]), &entry);
		proto_put_bytes(out, f->number, entry.data, entry.len);
		buf_free(&entry);
	}
	free(keys);
}

static void encode_field(const struct catalog_field *f, json_t *v, struct buf *out)
{
	size_t i;
	json_t *item;

	if (f->map) {
		encode_map(f, v, out);
	} else if (f->repeated) {
		if (!json_is_array(v))
			return;
		json_array_foreach(v, i, item) encode_value(f, f->number, item, out);
	} else if (json_is_null(v)) {
		/* A null struct (a zero metav1.Time) is an empty message; a null pointer is absent.
		 */
		if (f->scalar == CATALOG_MESSAGE && !f->pointer &&
		    (f->type->special == CATALOG_TIME || f->type->special == CATALOG_MICROTIME))
			proto_put_bytes(out, f->number, "", 0);
	} else {
		encode_value(f, f->number, v, out);
	}
}

static void encode_time(json_t *v, struct buf *out)
{
	struct timestamp ts;

	if (!json_is_string(v) || !timestamp_parse(json_string_value(v), &ts) ||
	    timestamp_is_zero(&ts))
		return;
	proto_put_uint(out, 1, (uint64_t)ts.seconds);
	proto_put_uint(out, 2, (uint64_t)(int64_t)ts.nanos);
}

/* The members of the union types: schema (object), an array, or a bool. */
static void encode_union(const struct catalog_type *t, json_t *v, struct buf *out)
{
	const struct catalog_field *schema, *list;

	switch (t->special) {
	case CATALOG_SCHEMA_OR_BOOL:
		schema = catalog_field_by_number(t, 2);
		if (json_is_object(v) && schema) {
			proto_put_uint(out, 1, 1);
			encode_value(schema, 2, v, out);
		} else if (json_is_boolean(v)) {
			proto_put_uint(out, 1, json_is_true(v));
		}
		return;
	default:
		schema = catalog_field_by_number(t, 1);
		list = catalog_field_by_number(t, 2);
		if (json_is_object(v) && schema)
			encode_value(schema, 1, v, out);
		else if (json_is_array(v) && list)
			encode_field(list, v, out);
		return;
	}
}

static void encode_message(const struct catalog_type *t, json_t *v, struct buf *out)
{
	char *dump;
	int64_t nanos;

	switch (t->special) {
	case CATALOG_TIME:
	case CATALOG_MICROTIME:
		encode_time(v, out);
		return;
	case CATALOG_DURATION:
		if (json_is_string(v) && go_duration_parse(json_string_value(v), &nanos))
			proto_put_uint(out, 1, (uint64_t)nanos);
		return;
	case CATALOG_QUANTITY:
		/* By length: a string may hold a NUL, which strlen would cut at. */
		if (json_is_string(v)) {
			proto_put_bytes(out, 1, json_string_value(v), json_string_length(v));
		} else if (json_is_number(v)) {
			dump = json_dumps(v, JSON_ENCODE_ANY);
			proto_put_string(out, 1, dump ? dump : "0");
			free(dump);
		}
		return;
	case CATALOG_INTORSTRING:
		if (json_is_string(v)) {
			proto_put_uint(out, 1, 1);
			proto_put_uint(out, 2, 0);
			proto_put_bytes(out, 3, json_string_value(v), json_string_length(v));
		} else if (json_is_integer(v)) {
			proto_put_uint(out, 1, 0);
			proto_put_uint(out, 2, (uint64_t)(int64_t)(int32_t)json_integer_value(v));
			proto_put_string(out, 3, "");
		}
		return;
	case CATALOG_RAW:
		if (json_is_null(v))
			return;
		dump = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		if (dump)
			proto_put_bytes(out, 1, dump, strlen(dump));
		free(dump);
		return;
	case CATALOG_LIST:
		encode_field(&t->fields[0], v, out);
		return;
	case CATALOG_SCHEMA_OR_ARRAY:
	case CATALOG_SCHEMA_OR_BOOL:
	case CATALOG_SCHEMA_OR_STRINGS:
		encode_union(t, v, out);
		return;
	case CATALOG_PLAIN:
		break;
	}
	if (!json_is_object(v))
		return;
	for (size_t i = 0; i < t->num_fields; i++) {
		const struct catalog_field *f = &t->fields[i];
		json_t *member = f->embedded ? v : json_object_get(v, f->name);

		if (member)
			encode_field(f, member, out);
	}
}

void proto_json_encode(const struct catalog_type *t, json_t *obj, struct buf *out)
{
	encode_message(t, obj, out);
}

const struct catalog_type *proto_json_type_of(json_t *obj)
{
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	const char *api_version = json_string_value(json_object_get(obj, "apiVersion"));
	const struct catalog_type *t = catalog_kind_of(api_version, kind);

	if (!kind || !api_version)
		return NULL;
	return t ? t : catalog_kind("meta.k8s.io", "v1", kind);
}

bool proto_json_encode_object(json_t *obj, struct buf *out)
{
	const struct catalog_type *t = proto_json_type_of(obj);
	struct buf raw = {0};

	if (!t)
		return false;
	proto_json_encode(t, obj, &raw);
	proto_wrap(out, json_string_value(json_object_get(obj, "apiVersion")),
		   json_string_value(json_object_get(obj, "kind")),
		   (const uint8_t *)(raw.data ? raw.data : ""), raw.len);
	buf_free(&raw);
	return true;
}
