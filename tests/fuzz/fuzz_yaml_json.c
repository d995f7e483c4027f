/*
 * fuzz_yaml_json.c - libFuzzer target for shared/yaml_json.c and the YAML
 * passes behind it.
 *
 * The input is read as a YAML body. When it converts, json_to_yaml of the
 * value must read back (yaml_to_json) as the same value, unless it holds
 * what upstream itself cannot carry through JSONToYAML: a "<<" key (written
 * plain, it reads back as a merge), U+0085 (encoding/json leaves it raw,
 * and YAML reads it as a line break), characters YAML does not allow raw,
 * or a key too long to read back; json_to_yaml must refuse only the last
 * two. When it fails, the message must be one of upstream's shapes. When
 * the input is also JSON, its value must survive json_to_yaml and
 * yaml_to_json, integral reals coming back as integers as kube-apiserver
 * reads them.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/yaml_json.h"
#include "shared/yaml_scalar.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

enum trip { TRIP_SAME, TRIP_CHANGES, TRIP_REFUSED };

/* What upstream's JSONToYAML does with one string. */
static enum trip string_trip(const char *s, size_t len, bool key)
{
	size_t i = 0, chars = 0;
	enum trip trip = TRIP_SAME;

	while (i < len) {
		uint32_t c;

		i += utf8_decode(s + i, len - i, &c);
		if (c == 0x7F || (c >= 0x80 && c <= 0x9F && c != 0x85) || c == 0xFFFE ||
		    c == 0xFFFF)
			return TRIP_REFUSED;
		if (c == 0x85) {
			if (key)
				return TRIP_REFUSED;
			trip = TRIP_CHANGES;
		}
		/* encoding/json's length for the key's text (Go 1.22 and later). */
		if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' ||
		    c == '\f')
			chars += 2;
		else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029)
			chars += 6;
		else
			chars++;
	}
	if (key && chars > 1022)
		return TRIP_REFUSED;
	if (key && len == 2 && !memcmp(s, "<<", 2))
		return TRIP_CHANGES;
	return trip;
}

static enum trip worst(enum trip a, enum trip b)
{
	return a > b ? a : b;
}

static enum trip value_trip(const json_t *v, size_t depth)
{
	enum trip trip = TRIP_SAME;
	const char *key;
	size_t key_len, i;
	json_t *child;

	fuzz_assert(depth <= YAML_JSON_MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_STRING:
		return string_trip(json_string_value(v), json_string_length(v), false);
	case JSON_ARRAY:
		json_array_foreach(v, i, child) trip = worst(trip, value_trip(child, depth + 1));
		return trip;
	case JSON_OBJECT:
		json_object_keylen_foreach((json_t *)v, key, key_len, child)
		{
			trip = worst(trip, string_trip(key, key_len, true));
			trip = worst(trip, value_trip(child, depth + 1));
		}
		return trip;
	default:
		return TRIP_SAME;
	}
}

/* The value as kube-apiserver holds it: reals whose JSON text is an int64 become integers. */
static json_t *as_read_back(const json_t *v)
{
	const char *key;
	size_t key_len, i;
	json_t *child, *out;
	char text[GO_FLOAT_BUF], *end;
	long long n;

	switch (json_typeof(v)) {
	case JSON_REAL:
		go_format_float_json(json_real_value(v), text);
		errno = 0;
		n = strtoll(text, &end, 10);
		if (!strpbrk(text, ".eE") && errno == 0 && *end == '\0')
			return json_integer(n);
		return json_real(json_real_value(v));
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(v, i, child) json_array_append_new(out, as_read_back(child));
		return out;
	case JSON_OBJECT:
		out = json_object();
		json_object_keylen_foreach((json_t *)v, key, key_len, child)
		    json_object_setn_new_nocheck(out, key, key_len, as_read_back(child));
		return out;
	default:
		return json_deep_copy(v);
	}
}

/* json_equal, for keys that hold NUL too (jansson compares keys as C strings). */
static bool same_value(const json_t *a, const json_t *b)
{
	const char *key;
	size_t key_len, i;
	json_t *child;

	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		json_array_foreach(
		    a, i, child) if (!same_value(child, json_array_get(b, i))) return false;
		return true;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_keylen_foreach((json_t *)a, key, key_len, child)
		{
			const json_t *other = json_object_getn(b, key, key_len);

			if (!other || !same_value(child, other))
				return false;
		}
		return true;
	default:
		return json_equal(a, b);
	}
}

/* json_to_yaml and back must give want, or be refused for the reasons upstream has. */
static void check_trip(const json_t *value, const json_t *want)
{
	enum trip trip = value_trip(value, 0);
	size_t len;
	char *text = json_to_yaml(value, &len), err[256];
	json_t *back;

	/* A U+0085 before "---" also stops upstream, which reads it as a document end. */
	if (!text) {
		fuzz_assert(trip != TRIP_SAME);
		return;
	}
	fuzz_assert(trip != TRIP_REFUSED);
	fuzz_assert(len == strlen(text) && len > 0 && text[len - 1] == '\n');
	back = yaml_to_json(text, len, err, sizeof(err));
	if (trip == TRIP_SAME)
		fuzz_assert(back && same_value(back, want));
	json_decref(back);
	free(text);
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], strict[512];
	json_t *value, *parsed;

	value =
	    yaml_to_json_strict((const char *)data, size, err, sizeof(err), strict, sizeof(strict));
	if (!value) {
		fuzz_assert(starts_with(err, "yaml: ") ||
			    starts_with(err, "json: unsupported value: ") ||
			    starts_with(err, "Unsupported map key of type: ") ||
			    starts_with(err, "couldn't get version/kind; json parse error: "));
		fuzz_assert(strict[0] == '\0');
	} else {
		fuzz_assert(err[0] == '\0');
		fuzz_assert(!strict[0] || starts_with(strict, "yaml: unmarshal errors:\n  line "));
		check_trip(value, value);
		json_decref(value);
	}

	parsed = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (parsed) {
		json_t *want = as_read_back(parsed);

		check_trip(parsed, want);
		json_decref(want);
		json_decref(parsed);
	}
	return 0;
}
