/*
 * catalog_descriptions.h - the documentation of the type catalog's types
 * and fields, which the OpenAPI documents carry as "description".
 *
 * The text is shared/catalog/descriptions.txt, embedded in the binary;
 * shared/catalog/import_descriptions.py makes it (see there for where the
 * descriptions come from and for the format: one sorted line per type or
 * field). Only OpenAPI generation reads it, once per worker, so nothing is
 * built until the first look-up and catalog_descriptions_release() drops
 * what was: a worker that is not generating holds none of it beyond the
 * binary's read-only data.
 */
#ifndef PGKUBE_CATALOG_DESCRIPTIONS_H
#define PGKUBE_CATALOG_DESCRIPTIONS_H

#include <stddef.h>

#include "shared/catalog.h"

/*
 * The description of type t (field NULL) or of its field with that JSON
 * name, or NULL when there is none. The string lives until the next call
 * or catalog_descriptions_release().
 */
const char *catalog_description(const struct catalog_type *t, const char *field);

/* Frees what look-ups built; the next look-up indexes the text again. */
void catalog_descriptions_release(void);

/*
 * Indexes text (the embedded file's format, kept by the caller) in place
 * of the embedded one, for tests; returns the number of entries, or -1
 * with a message in err when a line is malformed or out of order.
 * catalog_descriptions_release() goes back to the embedded text.
 */
long catalog_descriptions_load_text(const char *text, char *err, size_t err_len);

#endif
