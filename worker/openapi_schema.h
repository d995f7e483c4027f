/*
 * openapi_schema.h - OpenAPI schemas of the type catalog's types, in the
 * forms of /openapi/v2 (Swagger 2.0 "definitions") and /openapi/v3
 * (OpenAPI 3.0 "components.schemas").
 */
#ifndef PGKUBE_OPENAPI_SCHEMA_H
#define PGKUBE_OPENAPI_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "shared/catalog.h"

enum openapi_version {
	OPENAPI_V2,
	OPENAPI_V3,
};

/* The definition name of a type: "io.k8s.api.core.v1.Pod". */
void openapi_schema_name(const struct catalog_type *t, char *out, size_t out_len);

/* {"$ref": "#/definitions/<name>"} (v2) or "#/components/schemas/<name>" (v3). */
json_t *openapi_schema_ref(const char *name, enum openapi_version v);

/*
 * Adds the definition of t, and of every type its fields reach, to defs
 * (an object of definition name -> schema). Definitions already in defs
 * are left as they are. Returns t's definition (borrowed from defs), or
 * NULL for the types that have none of their own (named lists such as
 * Verbs, which are written where they are used).
 */
json_t *openapi_schema_add(json_t *defs, const struct catalog_type *t, enum openapi_version v);

/*
 * Adds t as above and marks it as the kind group/version/kind: an entry in
 * its x-kubernetes-group-version-kind (kept sorted, without duplicates)
 * and, as every kind embeds TypeMeta, the apiVersion and kind properties.
 */
void openapi_schema_add_kind(json_t *defs, const struct catalog_type *t, const char *group,
			     const char *version, const char *kind, enum openapi_version v);

#endif
