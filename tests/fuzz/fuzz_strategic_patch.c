/*
 * fuzz_strategic_patch.c - libFuzzer target for shared/strategic_patch.c.
 *
 * The input's first byte picks the root type (a few kinds with merging
 * lists, by index into a fixed table); the rest is a document and a patch,
 * split at the first NUL (without one the rest is the patch and the
 * document is a small Deployment). A document jansson cannot read, or that
 * is no object, becomes {}. The patch is applied with field validation Warn
 * and Ignore. Whatever happens: the document is unchanged; a failure has a
 * code of 400, 422 or 500 with its reason, a message and a detail; a result
 * is an object without directive keys that jansson writes and reads back
 * the same; Warn and Ignore agree on success and on the result.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/strategic_patch.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static const char *const root_types[] = {
    "apps.v1.Deployment", "core.v1.Pod",	"core.v1.PodSpec", "core.v1.Service",
    "core.v1.ConfigMap",  "meta.v1.ObjectMeta", "core.v1.Node",	   "no.such.Type",
};

static bool has_directive(const json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, child)
		{
			if (strcmp(key, "$patch") == 0 || strcmp(key, "$retainKeys") == 0 ||
			    strncmp(key, "$setElementOrder/", 17) == 0 ||
			    strncmp(key, "$deleteFromPrimitiveList/", 25) == 0 ||
			    has_directive(child))
				return true;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child) if (has_directive(child)) return true;
	}
	return false;
}

static void check_outcome(const json_t *out, const struct patch_result *r)
{
	if (!out) {
		fuzz_assert(r->message && r->message[0] && r->detail && r->detail[0] && r->reason);
		if (r->code == 400)
			fuzz_assert(strcmp(r->reason, "BadRequest") == 0);
		else if (r->code == 422)
			fuzz_assert(strcmp(r->reason, "Invalid") == 0);
		else
			fuzz_assert(r->code == 500 && r->reason[0] == '\0');
		return;
	}
	fuzz_assert(json_is_object(out));
	fuzz_assert(!has_directive(out));
	{
		char *text = json_dumps(out, 0);
		json_t *back = text ? json_loads(text, JSON_ALLOW_NUL, NULL) : NULL;

		/* Go takes U+0000 in a key; jansson's reader never does. */
		fuzz_assert(!text || !back || json_equal(back, out) || strstr(text, "\\u0000"));
		json_decref(back);
		free(text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *type, *text, *nul, *patch;
	size_t len, patch_len;
	struct arena a = {0};
	struct patch_result r[2];
	json_t *doc, *out[2];
	char *before, *after;

	if (size < 1)
		return 0;
	type = root_types[data[0] % (sizeof(root_types) / sizeof(root_types[0]))];
	text = (const char *)data + 1;
	len = size - 1;
	nul = memchr(text, '\0', len);
	patch = nul ? nul + 1 : text;
	patch_len = nul ? len - (size_t)(patch - text) : len;
	doc =
	    nul ? json_loadb(text, (size_t)(nul - text), 0, NULL)
		: json_loads("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\","
			     "\"ports\":[{\"containerPort\":80}]}]}}},\"metadata\":{\"finalizers\":"
			     "[\"a\"]}}",
			     0, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		doc = json_object();
	}
	before = json_dumps(doc, 0);
	out[0] = strategic_merge_patch_apply(&a, doc, type, patch, patch_len,
					     PATCH_FIELD_VALIDATION_WARN, &r[0]);
	out[1] = strategic_merge_patch_apply(&a, doc, type, patch, patch_len,
					     PATCH_FIELD_VALIDATION_IGNORE, &r[1]);
	after = json_dumps(doc, 0);
	fuzz_assert(strcmp(before, after) == 0);
	check_outcome(out[0], &r[0]);
	check_outcome(out[1], &r[1]);
	fuzz_assert(!out[0] == !out[1]);
	if (out[0])
		fuzz_assert(json_equal(out[0], out[1]));
	else
		fuzz_assert(r[0].code == r[1].code && strcmp(r[0].message, r[1].message) == 0);
	json_decref(out[0]);
	json_decref(out[1]);
	json_decref(doc);
	free(before);
	free(after);
	arena_free(&a);
	return 0;
}
