/*
 * fuzz_json_patch.c - libFuzzer target for shared/json_patch.c.
 *
 * The input is a document and a patch, split at the first NUL; without one
 * the whole input is the patch and the document is {"a":[1,{"b":"c"}]}. The
 * document is read by jansson and wrapped as {"v": ...} unless it is an
 * object, as stored objects are. The patch is applied as a merge patch and
 * as a JSON patch, with field validation Warn, Strict and Ignore. Whatever
 * happens: the document is unchanged; a failure has a code of 400, 413 or
 * 422 with its reason, a message and a detail; a result is written by
 * jansson as JSON that Go's scanner accepts and jansson reads back the same
 * (so it is no deeper than jansson reads, and valid UTF-8), unless a key
 * holds U+0000, which Go accepts and jansson cannot read; Strict finds what
 * Warn finds, Ignore nothing, and a
 * patch that applies under Warn applies to the same result under Ignore. A
 * merge patch applied twice gives what it gave once, unless it holds a null
 * inside an array, where evanphx/json-patch prunes on the second pass what
 * it kept on the first.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/gojson.h"
#include "shared/json_patch.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

/* json_equal(), but for keys holding U+0000, which jansson 2.14 compares cut at the NUL. */
static bool same(const json_t *a, const json_t *b)
{
	const char *key;
	size_t key_len, i;
	json_t *child;

	if (json_is_object(a)) {
		if (!json_is_object(b) || json_object_size(a) != json_object_size(b))
			return false;
		json_object_keylen_foreach((json_t *)a, key, key_len, child)
		{
			const json_t *other = json_object_getn(b, key, key_len);

			if (!other || !same(child, other))
				return false;
		}
		return true;
	}
	if (json_is_array(a)) {
		if (!json_is_array(b) || json_array_size(a) != json_array_size(b))
			return false;
		json_array_foreach(a, i, child)
		{
			if (!same(child, json_array_get(b, i)))
				return false;
		}
		return true;
	}
	return json_equal(a, b);
}

typedef json_t *apply_fn(struct arena *a, const json_t *doc, const char *patch, size_t len,
			 enum patch_field_validation validation, struct patch_result *result);

static void check_outcome(const json_t *out, const struct patch_result *r,
			  enum patch_field_validation validation)
{
	size_t i;

	if (!out) {
		fuzz_assert(r->message && r->message[0] && r->detail && r->detail[0]);
		fuzz_assert(r->reason);
		if (r->code == 400)
			fuzz_assert(strcmp(r->reason, "BadRequest") == 0);
		else if (r->code == 413)
			fuzz_assert(strcmp(r->reason, "RequestEntityTooLarge") == 0);
		else
			fuzz_assert(r->code == 422 && strcmp(r->reason, "Invalid") == 0);
		return;
	}
	{
		char *text = json_dumps(out, JSON_ENCODE_ANY);
		struct buf msg = {0};
		json_error_t err;
		json_t *back;

		fuzz_assert(text);
		fuzz_assert(gojson_check(text, strlen(text), JSON_PARSER_MAX_DEPTH, &msg) == 0);
		back = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
		/* Go takes U+0000 in a key; jansson's reader never does. */
		fuzz_assert(back ? same(back, out)
				 : strstr(err.text, "NUL byte in object key") != NULL);
		json_decref(back);
		buf_free(&msg);
		free(text);
	}
	fuzz_assert(r->num_strict_errors <= 100);
	fuzz_assert(validation != PATCH_FIELD_VALIDATION_IGNORE || r->num_strict_errors == 0);
	for (i = 0; i < r->num_strict_errors; i++)
		fuzz_assert(r->strict_errors[i] && r->strict_errors[i][0]);
}

static bool null_in_array(const json_t *v, bool in_array)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_null(v))
		return in_array;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key,
				    child) if (null_in_array(child, in_array)) return true;
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child) if (null_in_array(child, true)) return true;
	}
	return false;
}

static void check_patch(struct arena *a, apply_fn *apply, const json_t *doc, const char *patch,
			size_t len, bool merge)
{
	static const enum patch_field_validation modes[] = {
	    PATCH_FIELD_VALIDATION_WARN,
	    PATCH_FIELD_VALIDATION_STRICT,
	    PATCH_FIELD_VALIDATION_IGNORE,
	};
	char *before = json_dumps(doc, JSON_ENCODE_ANY), *after;
	json_t *out[3];
	struct patch_result r[3];
	size_t m, i;

	for (m = 0; m < 3; m++) {
		out[m] = apply(a, doc, patch, len, modes[m], &r[m]);
		after = json_dumps(doc, JSON_ENCODE_ANY);
		fuzz_assert(strcmp(before, after) == 0);
		free(after);
		check_outcome(out[m], &r[m], modes[m]);
	}
	fuzz_assert(!out[0] == !out[1]);
	if (out[0]) {
		fuzz_assert(same(out[0], out[1]) && out[2] && same(out[0], out[2]));
		fuzz_assert(r[0].num_strict_errors == r[1].num_strict_errors);
		for (i = 0; i < r[0].num_strict_errors; i++)
			fuzz_assert(strcmp(r[0].strict_errors[i], r[1].strict_errors[i]) == 0);
	} else {
		fuzz_assert(r[0].code == r[1].code && strcmp(r[0].message, r[1].message) == 0);
	}

	if (merge && out[2]) {
		json_t *parsed = json_loadb(patch, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);

		if (parsed && !null_in_array(parsed, false)) {
			struct patch_result again;
			json_t *twice =
			    apply(a, out[2], patch, len, PATCH_FIELD_VALIDATION_IGNORE, &again);

			fuzz_assert(twice && same(twice, out[2]));
			json_decref(twice);
		}
		json_decref(parsed);
	}
	for (m = 0; m < 3; m++)
		json_decref(out[m]);
	free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	const char *patch = nul ? nul + 1 : text;
	size_t patch_len = nul ? size - (size_t)(patch - text) : size;
	struct arena a = {0};
	json_t *doc;

	doc = nul ? json_loadb(text, (size_t)(nul - text), JSON_DECODE_ANY, NULL)
		  : json_pack("{s:[i,{s:s}]}", "a", 1, "b", "c");
	if (!json_is_object(doc)) {
		json_t *wrapped = json_object();

		if (doc)
			json_object_set_new(wrapped, "v", doc);
		doc = wrapped;
	}
	check_patch(&a, json_merge_patch_apply, doc, patch, patch_len, true);
	check_patch(&a, json_patch_apply, doc, patch, patch_len, false);
	json_decref(doc);
	arena_free(&a);
	return 0;
}
