/*
 * strategic_patch.h - strategic merge patch
 * (application/strategic-merge-patch+json) for the built-in kinds, as
 * kube-apiserver v1.32 applies it: k8s.io/apiserver's strategicPatchObject
 * reads the patch into a map (sigs.k8s.io/json, strictly unless
 * fieldValidation=Ignore), then k8s.io/apimachinery's
 * strategicpatch.StrategicMergeMapPatch merges it into the object.
 *
 * What a strategic merge patch does beyond a JSON merge patch depends on
 * the Go type of each field: lists tagged patchStrategy "merge" merge by
 * their patchMergeKey (lists of scalars as sets) instead of being replaced.
 * Those tags are data here: shared/patch_strategies.json, embedded as
 * patch_strategies_json. A field the data does not describe behaves as an
 * untagged field does upstream: objects merge key by key, lists are
 * replaced.
 *
 * Directives: "$patch": "replace" | "delete" in an object or in an element
 * of a merging list ("merge" in a list is refused, as upstream), and the
 * keys "$retainKeys", "$setElementOrder/<list>" and
 * "$deleteFromPrimitiveList/<list>".
 *
 * Upstream decodes the merged map into the typed object, which drops every
 * key that is no field, so the directive keys never reach storage; the
 * result here has them removed too.
 *
 * Failures answer as upstream's interpretStrategicMergePatchError does: the
 * patch's format errors 400 BadRequest ("invalid patch format of retainKeys"),
 * "lists of lists are not supported" 422 (upstream's generic 422, message
 * "the server rejected our request due to an error in our request", the
 * text in detail), and every other error of the library a 500 with an empty
 * reason and the library's own words, as kube-apiserver answers an error
 * that is no Status ("map: map[image:nginx] does not contain declared merge
 * key: name").
 */
#ifndef PGKUBE_STRATEGIC_PATCH_H
#define PGKUBE_STRATEGIC_PATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/json_patch.h"

/*
 * The root type ("core.v1.Pod") of a built-in kind, from its apiVersion
 * ("v1", "apps/v1") and kind; NULL when the kind has no patch metadata
 * (upstream answers 415 for a strategic merge patch of a custom resource).
 */
const char *strategic_patch_root_type(const char *api_version, const char *kind);

/*
 * Apply a strategic merge patch (patch_len bytes of text) to doc, an object
 * of the Go type root_type. Returns a new document (result->code 0) or NULL
 * with result filled in as json_patch.h describes; doc is never modified.
 */
json_t *strategic_merge_patch_apply(struct arena *a, const json_t *doc, const char *root_type,
				    const char *patch, size_t patch_len,
				    enum patch_field_validation validation,
				    struct patch_result *result);

#endif
