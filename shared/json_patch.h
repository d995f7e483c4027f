/*
 * json_patch.h - the two patch formats kube-apiserver applies besides
 * strategic merge: JSON merge patch (application/merge-patch+json, RFC 7386)
 * and JSON patch (application/json-patch+json, RFC 6902), with the results,
 * limits and answers of kube-apiserver v1.32.
 *
 * Upstream (k8s.io/apiserver/pkg/endpoints/handlers/patch.go, applyJSPatch)
 * first decodes the patch with sigs.k8s.io/json's strict decoder, unless
 * the request said fieldValidation=Ignore, then applies it with
 * gopkg.in/evanphx/json-patch.v4 v4.12.0. These functions follow that
 * library, including where it departs from the RFCs:
 *
 *   merge patch  - a patch that is not an object is refused (400) unless
 *                  fieldValidation=Ignore, where an array replaces the whole
 *                  document and anything else is "Invalid JSON Patch";
 *                  null members delete, objects merge, everything else
 *                  replaces; nulls inside a new value are pruned from its
 *                  objects (not from arrays), except when an array or scalar
 *                  replaces an object.
 *   JSON patch   - array indices go through Go's strconv.Atoi (leading
 *                  zeros, '+' and negative indices counting from the end are
 *                  accepted); the part of a path before its first '/' is
 *                  ignored; "add" and "replace" without a value set null;
 *                  "replace" of a missing object member adds it; "replace"
 *                  of the whole document ("") with a scalar does nothing;
 *                  "copy" from a missing member copies null; "test" compares
 *                  scalars by their JSON text, the document's as Go encodes
 *                  it ("a<b" is "a\u003cb", 1.0 is 1): a test with the value
 *                  written differently fails, as upstream; a value a "copy"
 *                  made has Go's HTML escapes in its text too.
 *
 * Where v4.12.0 panics (upstream answers 500) these carry on as with any
 * null: a "test" of arrays holding null compares them, a path through a null
 * that an earlier operation set is missing, "test" and "replace" without a
 * value use null.
 *
 * Numbers too large for a float64 are refused when the patch is read (400),
 * also under Ignore, where upstream refuses them only when it decodes the
 * patched object.
 *
 * Duplicate keys in the patch: the last one wins. The whole patch applies
 * or nothing does: doc is never modified and the result is a new document.
 *
 * Limits: at most JSON_PATCH_MAX_OPERATIONS operations (413), at most
 * JSON_PATCH_MAX_COPY_BYTES added by "copy" operations (422), and the patch
 * text and the result nested at most JSON_PARSER_MAX_DEPTH deep, jansson's
 * own limit, so that every result can be read back. (Go's limit is 10000;
 * past ours a patch gets Go's depth message, "invalid character '['
 * exceeded max depth", and a result that would be too deep a 422.) The
 * request body limit (3 MiB, 413) is the HTTP layer's.
 *
 * Everything a result points to lives in the arena passed in.
 */
#ifndef PGKUBE_JSON_PATCH_H
#define PGKUBE_JSON_PATCH_H

#include <jansson.h>
#include <stddef.h>

#include "shared/arena.h"

/* patch.go: maxJSONPatchOperations. */
#define JSON_PATCH_MAX_OPERATIONS 10000
/* genericapiserver's JSONPatchMaxCopyBytes, set as json-patch's AccumulatedCopySizeLimit. */
#define JSON_PATCH_MAX_COPY_BYTES (3 * 1024 * 1024)

/*
 * The request's fieldValidation. Warn (the default when the request names
 * none) and Strict decode the patch alike here; they differ in what the
 * caller does with result->strict_errors.
 */
enum patch_field_validation {
	PATCH_FIELD_VALIDATION_WARN,
	PATCH_FIELD_VALIDATION_STRICT,
	PATCH_FIELD_VALIDATION_IGNORE,
};

struct patch_result {
	/*
	 * When a patch fails: the Status to answer. code and reason are 400
	 * "BadRequest" (the patch cannot be decoded), 413
	 * "RequestEntityTooLarge" (too many operations) or 422 "Invalid" (the
	 * patch does not apply); a 422 also carries an empty "details" object.
	 * For a 422 upstream answers a fixed message and only logs what went
	 * wrong, which is in detail ("testing value /a failed: test failed");
	 * otherwise detail is the message.
	 */
	int code;
	const char *reason;
	const char *message;
	const char *detail;

	/*
	 * When a patch applies with Warn or Strict validation: what the strict
	 * decoder found in the patch text, in upstream's order and wording
	 * (`duplicate field "spec.paused"`, `json patch unknown field
	 * "[0].foo"`), at most 100. Upstream adds to them what decoding the
	 * patched object into its type finds, then answers them as warnings
	 * (Warn) or as a 422 "strict decoding error: ..." (Strict).
	 */
	const char **strict_errors;
	size_t num_strict_errors;
};

/*
 * Apply a patch (patch_len bytes of text, not necessarily NUL-terminated) to
 * doc, normally the object as stored. Return a new reference to the patched
 * document (result->code 0), or NULL with result->code set. result is
 * always filled in.
 *
 * A merge patch may, with fieldValidation=Ignore, turn the document into an
 * array; decoding that into an object is the caller's to refuse, as it is
 * upstream. A null doc fails a merge patch with upstream's 500 ("Invalid JSON
 * Document", empty reason).
 */
json_t *json_merge_patch_apply(struct arena *a, const json_t *doc, const char *patch,
			       size_t patch_len, enum patch_field_validation validation,
			       struct patch_result *result);
json_t *json_patch_apply(struct arena *a, const json_t *doc, const char *patch, size_t patch_len,
			 enum patch_field_validation validation, struct patch_result *result);

#endif
