/*
 * fieldset.h - sets of field paths, as structured-merge-diff (the library
 * behind kube-apiserver's server-side apply) computes and writes them.
 *
 * A path is a list of elements, each one step down an object: a field of
 * a struct or a key of a map ("f:name"), an item of a map-list named by
 * its key fields ("k:{\"name\":\"c\"}"), an item of a set named by its
 * value ("v:\"x\""), or an item of an atomic list by index ("i:0"). A set
 * is a tree of elements; a node is a member (the path itself is in the
 * set), has children, or both. FieldsV1, the managedFields wire form, is
 * that tree as JSON, with "." marking a member that also has children.
 *
 * The typed operations read the object's structure from the type catalog
 * (shared/catalog.h): which lists are atomic, sets or map-lists (and by
 * which keys), which maps and structs are atomic. Older kinds without
 * listType markers follow structured-merge-diff's conversion of their
 * patch strategy: "merge" with a merge key is a map-list by that key,
 * "merge" without one is a set, anything else atomic. A NULL type is an
 * object the catalog does not know (a custom resource): its metadata is
 * ObjectMeta, its other objects are structs of whatever fields they hold,
 * and its lists are atomic.
 */
#ifndef PGKUBE_FIELDSET_H
#define PGKUBE_FIELDSET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/catalog.h"

struct fieldset;

struct fieldset *fieldset_new(void);
void fieldset_free(struct fieldset *s);
struct fieldset *fieldset_copy(const struct fieldset *s);
bool fieldset_empty(const struct fieldset *s);
bool fieldset_equal(const struct fieldset *a, const struct fieldset *b);

/*
 * Inserts, or asks for, the path of n elements in their serialized form
 * ("f:spec", "k:{\"name\":\"c\"}"); -1 (or false) when an element does
 * not parse.
 */
int fieldset_insert(struct fieldset *s, const char *const *path, size_t n);
bool fieldset_has(const struct fieldset *s, const char *const *path, size_t n);

/* New sets: members and children of a or b, of both, of a but not b. */
struct fieldset *fieldset_union(const struct fieldset *a, const struct fieldset *b);
struct fieldset *fieldset_intersection(const struct fieldset *a, const struct fieldset *b);
struct fieldset *fieldset_difference(const struct fieldset *a, const struct fieldset *b);
/* a without b's members and everything below them. */
struct fieldset *fieldset_recursive_difference(const struct fieldset *a, const struct fieldset *b);

/*
 * FieldsV1: from JSON (an object; NULL with a message in err when it is
 * not one, or an element does not parse; elements of unknown types are
 * dropped, as upstream does) and to JSON (a new reference), elements in
 * upstream's order.
 */
struct fieldset *fieldset_from_json(json_t *fields, char *err, size_t err_len);
json_t *fieldset_to_json(const struct fieldset *s);

/*
 * Calls fn with every member's path as upstream prints it
 * (".spec.containers[name=\"c\"].image"), in upstream's order: a node's
 * members, then its children's, depth first.
 */
void fieldset_foreach_path(const struct fieldset *s, void (*fn)(const char *path, void *ctx),
			   void *ctx);

/* ---- typed: t is the catalog type of the objects, NULL for unknown ---- */

/* The fields obj sets (ToFieldSet); NULL with err when a list item lacks a key. */
struct fieldset *fieldset_of_object(const struct catalog_type *t, json_t *obj, char *err,
				    size_t err_len);

/*
 * What changed from old to new: paths added, modified (leaves whose value
 * differs) and removed, as upstream's Compare, each a new set; -1 with err
 * when a list item lacks a key.
 */
int fieldset_compare(const struct catalog_type *t, json_t *old, json_t *new_obj,
		     struct fieldset **added, struct fieldset **modified, struct fieldset **removed,
		     char *err, size_t err_len);

/*
 * config merged into live (a new object): leaves and atomic values from
 * config win, structs and maps merge field by field, map-lists and sets
 * item by item in upstream's order. NULL with err when an item lacks a key.
 */
json_t *fieldset_merge(const struct catalog_type *t, json_t *live, json_t *config, char *err,
		       size_t err_len);

/* obj without the members of s (each with all below it): a new object. */
json_t *fieldset_remove(const struct catalog_type *t, json_t *obj, const struct fieldset *s);

/*
 * s with every struct field that has children made a member too
 * (upstream's EnsureNamedFieldsAreMembers); map keys and list items stay
 * as they are.
 */
struct fieldset *fieldset_named_members(const struct catalog_type *t, const struct fieldset *s);

#endif
