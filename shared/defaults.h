/*
 * defaults.h - the defaults kube-apiserver v1.32 fills into an object after
 * decoding it and before validating it (create, update and patch alike).
 *
 * Upstream runs generated defaulters: for every struct type T met while
 * walking the object, its SetDefaults_T function (pkg/apis/<group>/<v>/
 * defaults.go) and then the +default= markers of T's fields. Here the same
 * walk is one engine over the type catalog, and the rules are data: the
 * catalog's default= markers plus the table shared/catalog/defaults.txt
 * (its header says how a rule reads). The few rules that are not "set this
 * field when it is unset" are small named C hooks (shared/defaults_hooks.c)
 * that the table calls by name.
 *
 * A rule fills a field only where Go would see its zero value: a pointer
 * field when it is absent or null, any other scalar also when it holds "",
 * 0 or false, a list or map when it is empty, as upstream tests them.
 */
#ifndef PGKUBE_DEFAULTS_H
#define PGKUBE_DEFAULTS_H

#include <jansson.h>
#include <stddef.h>

#include "shared/catalog.h"

/*
 * Reads the embedded table against the loaded catalog (catalog_load()
 * first; after a catalog reload, load the defaults again). Returns 0, or -1
 * with a message naming the table line in err.
 */
int defaults_load(char *err, size_t err_len);
/* The same for table text in the embedded file's format; for tests. */
int defaults_load_text(const char *text, char *err, size_t err_len);

/*
 * Fills the defaults of type t into obj, a JSON object of that type, in
 * place. Values the object already has are kept. Returns 0, or -1 when the
 * table is not loaded or obj is not an object.
 */
int defaults_apply(const struct catalog_type *t, json_t *obj);

/*
 * The same for an object that names its type: its apiVersion and kind pick
 * the catalog type. Returns 0 (also for kinds without defaults), or -1 when
 * obj is not an object or its apiVersion/kind name no known type.
 */
int defaults_apply_object(json_t *obj);

#endif
