/*
 * defaults_hooks.h - the defaulting rules that are code, not data: each
 * is a SetDefaults_* step of upstream that computes a value (a pull policy
 * from an image tag, a label from the name) or walks lists, named so that
 * shared/catalog/defaults.txt can call it ("Pod @pod_requests_from_limits").
 * Only shared/defaults.c uses this.
 */
#ifndef PGKUBE_DEFAULTS_HOOKS_H
#define PGKUBE_DEFAULTS_HOOKS_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/catalog.h"

/* Fills defaults into obj, a JSON object of type t. */
typedef void defaults_hook_fn(const struct catalog_type *t, json_t *obj);

/*
 * The hook called name for the type named type_name (a hook is written for
 * the types it names), or NULL; *known then tells whether the name exists
 * for other types.
 */
defaults_hook_fn *defaults_hook_find(const char *name, const char *type_name, bool *known);

#endif
