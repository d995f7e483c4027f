/*
 * openapi_paths.h - the OpenAPI paths and operations of the registry's
 * resources, in the v2 (Swagger 2.0) or v3 (OpenAPI 3.0) form.
 */
#ifndef PGKUBE_OPENAPI_PATHS_H
#define PGKUBE_OPENAPI_PATHS_H

#include <jansson.h>

#include "shared/registry.h"
#include "worker/openapi_schema.h"

/*
 * Adds the path items of rt (collection, item, watch and subresource
 * paths, as kube-apiserver installs them) to paths, and the definitions
 * their operations refer to, with their kinds, to defs.
 */
void openapi_paths_add_resource(json_t *paths, json_t *defs, const struct resource_type *rt,
				enum openapi_version v);

/* GET /apis/<group>/<version>/ (or /api/v1/): the group-version's APIResourceList. */
void openapi_paths_add_group_version(json_t *paths, json_t *defs, const char *group,
				     const char *version, enum openapi_version v);

/* GET /apis/<group>/: the group's APIGroup. */
void openapi_paths_add_group(json_t *paths, json_t *defs, const char *group,
			     enum openapi_version v);

/* GET /api/ (APIVersions) and GET /apis/ (APIGroupList). */
void openapi_paths_add_roots(json_t *paths, json_t *defs, bool core, bool apis,
			     enum openapi_version v);

/*
 * Marks the meta/v1 kinds every group-version registers (DeleteOptions,
 * WatchEvent) with one entry per served group-version, and Status as a
 * core/v1 kind, where defs holds them.
 */
void openapi_paths_add_shared_kinds(json_t *defs, enum openapi_version v);

#endif
