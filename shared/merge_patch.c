/*
 * merge_patch.c - JSON merge patch (RFC 7386) as kube-apiserver v1.32
 * applies it: with evanphx/json-patch v4.12.0's MergePatch (merge.go), after
 * patch_read.c has read the patch as upstream's decoders do. See
 * json_patch.h for where that departs from the RFC.
 *
 * The patch's values move into a deep copy of the document, which becomes
 * the result; the document itself is never touched. Recursion follows the
 * patch, whose depth patch_read.c bounds.
 */
#include "json_patch.h"

#include "shared/patch_read.h"

/* pruneNulls: drops null members from objects, at any depth; arrays keep their nulls. */
static void prune_nulls(json_t *v)
{
	const char *key;
	size_t key_len;
	json_t *child;
	void *tmp;
	size_t i;

	if (json_is_object(v)) {
		json_object_keylen_foreach_safe(v, tmp, key, key_len, child)
		{
			if (json_is_null(child))
				json_object_deln(v, key, key_len);
			else
				prune_nulls(child);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child) prune_nulls(child);
	}
}

static void merge_objects(json_t *doc, json_t *patch);

/* merge(): the value that replaces cur. A non-object patch is not pruned when cur is an object. */
static json_t *merge_value(json_t *cur, json_t *patch)
{
	if (!json_is_object(cur)) {
		prune_nulls(patch);
		return patch;
	}
	if (!json_is_object(patch))
		return patch;
	merge_objects(cur, patch);
	return cur;
}

/* mergeDocs: null members delete, others merge in or are added, pruned. */
static void merge_objects(json_t *doc, json_t *patch)
{
	const char *key;
	size_t key_len;
	json_t *v;

	json_object_keylen_foreach(patch, key, key_len, v)
	{
		json_t *cur = json_object_getn(doc, key, key_len);

		if (json_is_null(v)) {
			json_object_deln(doc, key, key_len);
		} else if (!cur || json_is_null(cur)) {
			prune_nulls(v);
			json_object_setn_nocheck(doc, key, key_len, v);
		} else {
			json_t *merged = merge_value(cur, v);

			if (merged != cur)
				json_object_setn_nocheck(doc, key, key_len, merged);
		}
	}
}

json_t *json_merge_patch_apply(struct arena *a, const json_t *doc, const char *patch,
			       size_t patch_len, enum patch_field_validation validation,
			       struct patch_result *result)
{
	static const char bad_patch[] = "Invalid JSON Patch";
	struct patch_reader rd;
	json_t *value = NULL, *out = NULL;

	patch_reader_init(&rd, a, patch, patch_len, validation);
	if (patch_read_merge(&rd, result, &value) != 0)
		goto done;
	/* The order of MergePatch's checks: the document, then the patch. */
	if (json_is_null(doc)) {
		patch_answer(&rd, result, 500, "", "Invalid JSON Document",
			     "Invalid JSON Document");
		goto done;
	}
	if (!value) {
		patch_answer(&rd, result, 400, "BadRequest", bad_patch, bad_patch);
		goto done;
	}
	if (json_is_object(doc) && json_is_object(value)) {
		out = patch_copy_json(doc);
		merge_objects(out, value);
	} else {
		/* Not two objects: the patch, pruned, is the new document. */
		prune_nulls(value);
		out = json_incref(value);
	}
	patch_answer_success(&rd, result);
done:
	json_decref(value);
	patch_reader_free(&rd);
	return out;
}
