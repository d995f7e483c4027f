/*
 * proto_json.c - protobuf <-> JSON for the catalog's types (see
 * proto_json.h).
 *
 * Decoding collects each field's values while walking the message (a field
 * may appear several times: repeated elements, map entries, or a scalar
 * whose last occurrence wins), then writes the object in declaration order
 * under Go's encoding/json rules. Encoding walks the catalog's fields and
 * looks each up in the JSON object. The special types are converted in
 * their own functions on both sides.
 */
#include "proto_json.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/go_duration.h"
#include "shared/gojson.h"
#include "shared/protobuf.h"
#include "shared/timestamp.h"

struct decoder {
	char *err;
	size_t err_len;
	bool failed;
};

static json_t *decode_message(struct decoder *d, const struct catalog_type *t, const uint8_t *data,
			      size_t len, int depth);

static json_t *fail(struct decoder *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *fail(struct decoder *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->failed) {
		va_start(ap, fmt);
		vsnprintf(d->err, d->err_len, fmt, ap);
		va_end(ap);
		d->failed = true;
	}
	return NULL;
}

static const char *wire_name(enum catalog_scalar s)
{
	switch (s) {
	case CATALOG_BOOL:
	case CATALOG_INT32:
	case CATALOG_INT64:
		return "varint";
	case CATALOG_DOUBLE:
		return "fixed64";
	case CATALOG_FLOAT:
		return "fixed32";
	default:
		return "bytes";
	}
}

static enum proto_wire wire_of(enum catalog_scalar s)
{
	switch (s) {
	case CATALOG_BOOL:
	case CATALOG_INT32:
	case CATALOG_INT64:
		return PROTO_VARINT;
	case CATALOG_DOUBLE:
		return PROTO_FIXED64;
	case CATALOG_FLOAT:
		return PROTO_FIXED32;
	default:
		return PROTO_BYTES;
	}
}

static json_t *base64_string(const uint8_t *data, size_t len)
{
	char *text = malloc(4 * ((len + 2) / 3) + 1);
	json_t *s;

	if (!text)
		abort();
	EVP_EncodeBlock((unsigned char *)text, data, (int)len);
	s = json_string(text);
	free(text);
	return s;
}

/* One scalar of a field from its wire value. */
static json_t *decode_scalar(struct decoder *d, const struct catalog_field *f,
			     const struct proto_field *pf)
{
	double dv;
	float fv;
	uint32_t u32;
	json_t *s;

	switch (f->scalar) {
	case CATALOG_STRING:
		s = json_stringn((const char *)pf->data, pf->len);
		return s ? s : fail(d, "field %s: string is not valid UTF-8", f->name);
	case CATALOG_BYTES:
		return base64_string(pf->data, pf->len);
	case CATALOG_BOOL:
		return json_boolean(pf->varint != 0);
	case CATALOG_INT32:
		return json_integer((int32_t)(uint32_t)pf->varint);
	case CATALOG_INT64:
		return json_integer((json_int_t)pf->varint);
	case CATALOG_DOUBLE:
		memcpy(&dv, &pf->varint, sizeof(dv));
		return json_real(dv);
	case CATALOG_FLOAT:
		u32 = (uint32_t)pf->varint;
		memcpy(&fv, &u32, sizeof(fv));
		return json_real(fv);
	default:
		return fail(d, "field %s: not a scalar", f->name);
	}
}

/* The value of a field of scalar kind s or of message type t. */
static json_t *decode_value(struct decoder *d, const struct catalog_field *f,
			    const struct proto_field *pf, int depth)
{
	if (f->scalar == CATALOG_MESSAGE) {
		if (pf->wire != PROTO_BYTES)
			return fail(d, "proto: wrong wireType = %d for field %s", pf->wire,
				    f->name);
		return decode_message(d, f->type, pf->data, pf->len, depth + 1);
	}
	if (pf->wire != wire_of(f->scalar))
		return fail(d, "proto: wrong wireType = %d for field %s (want %s)", pf->wire,
			    f->name, wire_name(f->scalar));
	return decode_scalar(d, f, pf);
}

/* The zero value of a map entry whose value is missing. */
static json_t *zero_value(struct decoder *d, const struct catalog_field *f, int depth)
{
	switch (f->scalar) {
	case CATALOG_MESSAGE:
		return decode_message(d, f->type, NULL, 0, depth + 1);
	case CATALOG_STRING:
		return json_string("");
	case CATALOG_BYTES:
		return json_null();
	case CATALOG_BOOL:
		return json_false();
	case CATALOG_DOUBLE:
	case CATALOG_FLOAT:
		return json_real(0);
	default:
		return json_integer(0);
	}
}

static bool decode_map_entry(struct decoder *d, const struct catalog_field *f,
			     const struct proto_field *pf, json_t *map, int depth)
{
	struct proto_reader r;
	struct proto_field e;
	const char *err = NULL;
	json_t *key = NULL, *value = NULL;
	int rc;

	/* Only a bytes field has data to point at. */
	if (pf->wire != PROTO_BYTES) {
		fail(d, "proto: wrong wireType = %d for field %s", pf->wire, f->name);
		return false;
	}
	r.p = pf->data;
	r.end = pf->data + pf->len;
	while ((rc = proto_next(&r, &e, &err)) > 0) {
		if (e.number == 1 && e.wire == PROTO_BYTES) {
			json_decref(key);
			key = json_stringn((const char *)e.data, e.len);
			if (!key) {
				fail(d, "field %s: map key is not valid UTF-8", f->name);
				break;
			}
		} else if (e.number == 2) {
			json_decref(value);
			value = decode_value(d, f, &e, depth);
			if (!value)
				break;
		}
	}
	if (rc < 0)
		fail(d, "field %s: %s", f->name, err);
	if (!d->failed && !value)
		value = zero_value(d, f, depth);
	if (d->failed) {
		json_decref(key);
		json_decref(value);
		return false;
	}
	json_object_set_new(map, key ? json_string_value(key) : "", value);
	json_decref(key);
	return true;
}

/* Elements of a packed repeated scalar (accepted, although Go writes them unpacked). */
static bool decode_packed(struct decoder *d, const struct catalog_field *f,
			  const struct proto_field *pf, json_t *array)
{
	const uint8_t *p = pf->data, *end = pf->data + pf->len;
	size_t width = f->scalar == CATALOG_DOUBLE ? 8 : f->scalar == CATALOG_FLOAT ? 4 : 0;

	while (p < end) {
		struct proto_field one = {.number = pf->number, .wire = wire_of(f->scalar)};

		if (width) {
			if ((size_t)(end - p) < width) {
				fail(d, "field %s: truncated packed value", f->name);
				return false;
			}
			one.varint = 0;
			for (size_t i = width; i-- > 0;)
				one.varint = (one.varint << 8) | p[i];
			p += width;
		} else if (!proto_read_varint(&p, end, &one.varint)) {
			fail(d, "field %s: truncated packed varint", f->name);
			return false;
		}
		json_array_append_new(array, decode_scalar(d, f, &one));
	}
	return true;
}

static bool is_zero(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_length(v) == 0;
	case JSON_INTEGER:
		return json_integer_value(v) == 0;
	case JSON_REAL:
		return json_real_value(v) == 0;
	case JSON_FALSE:
	case JSON_NULL:
		return true;
	default:
		return false;
	}
}

/*
 * A field's JSON after decoding, under encoding/json's rules; NULL when
 * the field is left out. Takes the reference to v.
 */
static json_t *field_json(const struct catalog_field *f, json_t *v)
{
	bool list = f->repeated || f->map ||
		    (f->scalar == CATALOG_MESSAGE && f->type->special == CATALOG_LIST);

	if (list || f->scalar == CATALOG_MESSAGE) {
		if (v)
			return v;
		/* A nil slice or map without omitempty is null; an absent struct was a nil pointer.
		 */
		return list && f->no_omit ? json_null() : NULL;
	}
	if (!v)
		return f->no_omit ? (f->pointer ? json_null() : catalog_zero_value(f->scalar))
				  : NULL;
	if (!f->pointer && !f->no_omit && is_zero(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

static json_t *decode_plain(struct decoder *d, const struct catalog_type *t, const uint8_t *data,
			    size_t len, int depth)
{
	struct proto_reader r = {data, data + len};
	struct proto_field pf;
	const char *err = NULL;
	json_t **values = calloc(t->num_fields ? t->num_fields : 1, sizeof(*values));
	json_t *obj = NULL;
	int rc = 0;

	if (!values)
		abort();
	while (!d->failed && (rc = proto_next(&r, &pf, &err)) > 0) {
		const struct catalog_field *f = catalog_field_by_number(t, pf.number);
		size_t i;

		if (!f)
			continue; /* unknown fields are dropped, as Go drops them */
		i = (size_t)(f - t->fields);
		if (f->map) {
			if (!values[i])
				values[i] = json_object();
			decode_map_entry(d, f, &pf, values[i], depth);
		} else if (f->repeated) {
			if (!values[i])
				values[i] = json_array();
			if (f->scalar != CATALOG_MESSAGE && f->scalar != CATALOG_STRING &&
			    f->scalar != CATALOG_BYTES && pf.wire == PROTO_BYTES) {
				decode_packed(d, f, &pf, values[i]);
			} else {
				json_t *v = decode_value(d, f, &pf, depth);

				if (v)
					json_array_append_new(values[i], v);
			}
		} else {
			json_t *v = decode_value(d, f, &pf, depth);

			if (v) {
				json_decref(values[i]);
				values[i] = v;
			}
		}
	}
	if (!d->failed && rc < 0)
		fail(d, "%s: %s", t->name, err);
	if (!d->failed) {
		obj = json_object();
		for (size_t i = 0; i < t->num_fields && !d->failed; i++) {
			const struct catalog_field *f = &t->fields[i];
			json_t *v;

			if (f->embedded) {
				/* Go writes an embedded struct's fields, zero or not, as ours. */
				v = values[i] ? values[i]
					      : decode_message(d, f->type, NULL, 0, depth + 1);
				values[i] = NULL;
				if (json_is_object(v))
					json_object_update(obj, v);
				json_decref(v);
				continue;
			}
			v = field_json(f, values[i]);
			values[i] = NULL;
			if (v)
				json_object_set_new(obj, f->name, v);
		}
		if (d->failed) {
			json_decref(obj);
			obj = NULL;
		}
	}
	for (size_t i = 0; i < t->num_fields; i++)
		json_decref(values[i]);
	free(values);
	return obj;
}

/* Seconds and nanos of a Timestamp message. */
static bool read_timestamp(struct decoder *d, const uint8_t *data, size_t len, struct timestamp *ts)
{
	struct proto_reader r = {data, data + len};
	struct proto_field pf;
	const char *err = NULL;
	int rc;

	ts->seconds = 0;
	ts->nanos = 0;
	while ((rc = proto_next(&r, &pf, &err)) > 0) {
		if (pf.number == 1 && pf.wire == PROTO_VARINT)
			ts->seconds = (int64_t)pf.varint;
		else if (pf.number == 2 && pf.wire == PROTO_VARINT)
			ts->nanos = (int32_t)(uint32_t)pf.varint;
	}
	if (rc < 0) {
		fail(d, "timestamp: %s", err);
		return false;
	}
	if (ts->nanos < 0 || ts->nanos > 999999999) {
		fail(d, "timestamp: nanos %d out of range", ts->nanos);
		return false;
	}
	return true;
}

static json_t *decode_time(struct decoder *d, const struct catalog_type *t, const uint8_t *data,
			   size_t len)
{
	struct timestamp ts;
	char text[TIMESTAMP_RFC3339_SIZE + 8];

	/* Go writes a zero time as an empty message. */
	if (len == 0)
		return json_null();
	if (!read_timestamp(d, data, len, &ts))
		return NULL;
	if (timestamp_is_zero(&ts))
		return json_null();
	if (t->special == CATALOG_MICROTIME)
		timestamp_format_micro(&ts, text);
	else
		timestamp_format(&ts, text);
	if (text[0] == '-' || strlen(text) > 20 + (t->special == CATALOG_MICROTIME ? 7 : 0))
		return fail(d, "Time.MarshalJSON: year outside of range [0,9999]");
	return json_string(text);
}

/* The single field number n of a small wrapper message, as a decoded plain object's member. */
static json_t *member(json_t *obj, const struct catalog_type *t, int n)
{
	const struct catalog_field *f = catalog_field_by_number(t, n);

	return f ? json_object_get(obj, f->name) : NULL;
}

static json_t *decode_special(struct decoder *d, const struct catalog_type *t, const uint8_t *data,
			      size_t len, int depth)
{
	json_t *plain, *a, *b, *c, *out = NULL;
	char text[GO_DURATION_SIZE];

	if (t->special == CATALOG_TIME || t->special == CATALOG_MICROTIME)
		return decode_time(d, t, data, len);
	plain = decode_plain(d, t, data, len, depth);
	if (!plain)
		return NULL;
	a = member(plain, t, 1);
	b = member(plain, t, 2);
	switch (t->special) {
	case CATALOG_DURATION:
		out = json_string(go_duration_format(a ? json_integer_value(a) : 0, text));
		break;
	case CATALOG_QUANTITY:
		out = a && json_string_length(a) ? json_incref(a) : json_string("0");
		break;
	case CATALOG_INTORSTRING:
		if (a && json_integer_value(a) == 1)
			out = (c = member(plain, t, 3)) ? json_incref(c) : json_string("");
		else
			out = json_integer(b ? json_integer_value(b) : 0);
		break;
	case CATALOG_RAW:
		out = NULL;
		break;
	case CATALOG_LIST:
		out = a ? json_incref(a) : json_array();
		break;
	case CATALOG_SCHEMA_OR_ARRAY:
	case CATALOG_SCHEMA_OR_STRINGS:
		out = b && json_array_size(b) ? json_incref(b) : a ? json_incref(a) : json_null();
		break;
	case CATALOG_SCHEMA_OR_BOOL:
		out = b ? json_incref(b) : json_boolean(a && json_is_true(a));
		break;
	default:
		break;
	}
	json_decref(plain);
	return out;
}

/* RawExtension and friends: their one bytes field holds JSON, or a nested protobuf object. */
static json_t *decode_raw(struct decoder *d, const uint8_t *data, size_t len, int depth)
{
	struct proto_reader r = {data, data + len};
	struct proto_field pf;
	const uint8_t *raw = NULL;
	size_t raw_len = 0;
	const char *err = NULL;
	json_error_t jerr;
	json_t *v;
	int rc;

	while ((rc = proto_next(&r, &pf, &err)) > 0) {
		if (pf.number == 1 && pf.wire == PROTO_BYTES) {
			raw = pf.data;
			raw_len = pf.len;
		}
	}
	if (rc < 0)
		return fail(d, "raw: %s", err);
	if (!raw_len)
		return json_null();
	if (raw_len >= PROTO_MAGIC_LEN && memcmp(raw, PROTO_MAGIC, PROTO_MAGIC_LEN) == 0) {
		struct arena a = {0};
		struct proto_unknown u;

		v = NULL;
		if (proto_unwrap(&a, raw, raw_len, &u, &err) < 0) {
			fail(d, "raw: %s", err);
		} else {
			v = proto_json_decode_object(u.api_version, u.kind, u.raw, u.raw_len,
						     d->err, d->err_len, depth + 1);
			if (!v)
				d->failed = true;
		}
		arena_free(&a);
		return v;
	}
	v = json_loadb((const char *)raw, raw_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	return v ? v : fail(d, "raw: embedded JSON: %s", jerr.text);
}

static json_t *decode_message(struct decoder *d, const struct catalog_type *t, const uint8_t *data,
			      size_t len, int depth)
{
	if (depth > PROTO_JSON_MAX_DEPTH)
		return fail(d, "proto: nesting deeper than %d", PROTO_JSON_MAX_DEPTH);
	/* A zero value is decoded from no bytes at all, and NULL + 0 is undefined. */
	if (!data)
		data = (const uint8_t *)"";
	if (t->special == CATALOG_RAW)
		return decode_raw(d, data, len, depth);
	if (t->special != CATALOG_PLAIN)
		return decode_special(d, t, data, len, depth);
	return decode_plain(d, t, data, len, depth);
}

json_t *proto_json_decode(const struct catalog_type *t, const uint8_t *data, size_t len, char *err,
			  size_t err_len)
{
	struct decoder d = {err, err_len, false};
	json_t *v = decode_message(&d, t, data, len, 0);

	if (d.failed) {
		json_decref(v);
		return NULL;
	}
	return v;
}

json_t *proto_json_decode_object(const char *api_version, const char *kind, const uint8_t *data,
				 size_t len, char *err, size_t err_len, int depth)
{
	struct decoder d = {err, err_len, false};
	const struct catalog_type *t = catalog_kind_of(api_version, kind);
	json_t *body, *out;

	if (!t) {
		/* Worded as runtime's notRegisteredErr, whose %q escapes what is not UTF-8. */
		struct buf quoted_kind = {0}, quoted_version = {0};

		gojson_quote(&quoted_kind, kind, strlen(kind));
		gojson_quote(&quoted_version, api_version, strlen(api_version));
		snprintf(err, err_len, "no kind %s is registered for version %s", quoted_kind.data,
			 quoted_version.data);
		buf_free(&quoted_kind);
		buf_free(&quoted_version);
		return NULL;
	}
	body = decode_message(&d, t, data, len, depth);
	if (!body || d.failed) {
		/* The caller words a 400 with err: it must always say something. */
		fail(&d, "proto: %s could not be decoded", t->name);
		json_decref(body);
		return NULL;
	}
	out = json_pack("{s:s, s:s}", "kind", kind, "apiVersion", api_version);
	if (!out) {
		snprintf(err, err_len, "the kind or apiVersion is not valid UTF-8");
		json_decref(body);
		return NULL;
	}
	json_object_update(out, body);
	json_decref(body);
	return out;
}
