/*
 * quantity_fields.h - the resource.Quantity values of an object, written
 * back in canonical form as kube-apiserver writes them.
 */
#ifndef PGKUBE_QUANTITY_FIELDS_H
#define PGKUBE_QUANTITY_FIELDS_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/arena.h"
#include "shared/catalog.h"

/* The message ParseQuantity's error gives (resource.ErrFormatWrong). */
#define QUANTITY_FORMAT_ERROR                                                                      \
	"quantities must match the regular expression "                                            \
	"'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

/*
 * Rewrites every Quantity in obj (of type t) canonically; false when one
 * is not a quantity (obj is then partly rewritten: callers drop it).
 */
bool quantity_fields_canonical(struct arena *a, const struct catalog_type *t, json_t *obj);

#endif
