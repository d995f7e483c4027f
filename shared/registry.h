/*
 * registry.h - the resource registry: every resource pgkube serves, as
 * data (shared/resources.json, embedded in the binary at build time).
 *
 * One generic engine serves every entry: discovery lists them, the router's
 * (group, version, resource) finds them, Table output follows their
 * printer columns. Custom resources will be added to the same registry.
 */
#ifndef PGKUBE_REGISTRY_H
#define PGKUBE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

struct string_list {
	const char **items;
	size_t len;
};

struct printer_column {
	const char *name;
	const char *type;
	const char *format;
	const char *description;
	const char *cell; /* how the cell is computed: "name", "age", "jsonpath:..." */
	int priority;
};

struct subresource_type {
	const char *name;
	const char *kind;
	const char *group;   /* of the response kind; the parent's when NULL */
	const char *version; /* ditto */
	struct string_list verbs;
};

struct resource_type {
	const char *group; /* "" for core */
	const char *version;
	const char *resource; /* plural */
	const char *kind;
	const char *singular;
	bool namespaced;
	bool preferred; /* the preferred version of its group */
	struct string_list verbs;
	struct string_list short_names;
	struct string_list categories;
	const char *storage_version_hash; /* NULL when unknown */
	struct subresource_type *subresources;
	size_t num_subresources;
	struct string_list field_selectors;
	struct printer_column *columns;
	size_t num_columns;
};

/* Parses the embedded registry; returns 0, or -1 with a message in err. */
int registry_load(char *err, size_t err_len);
size_t registry_count(void);
const struct resource_type *registry_at(size_t i);
const struct resource_type *registry_find(const char *group, const char *version,
					  const char *resource);
const struct subresource_type *registry_find_subresource(const struct resource_type *rt,
							 const char *name);
bool string_list_has(const struct string_list *list, const char *s);

/*
 * Groups in the order of kube-apiserver's legacy discovery (/apis as an
 * APIGroupList): "" first, then apiregistration.k8s.io, which the
 * aggregator always lists first, then by APIService priority.
 */
size_t registry_group_count(void);
const char *registry_group_at(size_t i);
/*
 * The same groups in the order of aggregated discovery: by priority alone,
 * where apiregistration.k8s.io (no APIService, so the default priority
 * 1000) follows every other built-in group.
 */
const char *registry_aggregated_group_at(size_t i);
/*
 * The groupPriorityMinimum and versionPriority of a group-version's
 * APIService, as kube-apiserver v1.32 registers it; false for a
 * group-version it registers none for (apiregistration.k8s.io/v1).
 */
bool registry_api_service_priority(const char *group, const char *version,
				   int *group_priority_minimum, int *version_priority);
/* The versions of a group in discovery order (preferred first). */
size_t registry_group_versions(const char *group, const char **versions, size_t max);

#endif
