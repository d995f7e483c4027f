/*
 * registry.c - loads shared/resources.json (embedded as registry_json by
 * shared/embed.sh) into struct resource_type entries whose strings point
 * into the parsed document, which lives as long as the process.
 */
#include "registry.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char registry_json[];

/*
 * kube-apiserver's APIService priorities of the group-versions pgkube
 * serves (apiVersionPriorities of cmd/kube-apiserver/app/aggregator.go and
 * DefaultGenericAPIServicePriorities of pkg/controlplane/apiserver, v1.32):
 * groupPriorityMinimum orders the groups in discovery, highest first;
 * versionPriority orders the versions within a group. A group-version
 * added to resources.json needs its upstream entry here (test_registry.c
 * checks). apiregistration.k8s.io has none: the aggregator serves it
 * itself and registers no APIService for it.
 */
static const struct api_service_priority {
	const char *group, *version;
	int group_priority_minimum, version_priority;
} api_service_priorities[] = {
    {"", "v1", 18000, 1},
    {"apps", "v1", 17800, 15},
    {"events.k8s.io", "v1", 17750, 15},
    {"authentication.k8s.io", "v1", 17700, 15},
    {"authorization.k8s.io", "v1", 17600, 15},
    {"autoscaling", "v2", 17500, 30},
    {"autoscaling", "v1", 17500, 15},
    {"batch", "v1", 17400, 15},
    {"certificates.k8s.io", "v1", 17300, 15},
    {"networking.k8s.io", "v1", 17200, 15},
    {"policy", "v1", 17100, 15},
    {"rbac.authorization.k8s.io", "v1", 17000, 15},
    {"storage.k8s.io", "v1", 16800, 15},
    {"apiextensions.k8s.io", "v1", 16700, 15},
    {"admissionregistration.k8s.io", "v1", 16700, 15},
    {"scheduling.k8s.io", "v1", 16600, 15},
    {"coordination.k8s.io", "v1", 16500, 15},
    {"node.k8s.io", "v1", 16300, 15},
    {"discovery.k8s.io", "v1", 16200, 15},
    {"flowcontrol.apiserver.k8s.io", "v1", 16100, 21},
};

/* What aggregated discovery ranks a group-version without a priority at
 * (the resource manager's default; CRDs' APIServices ask for the same). */
#define DEFAULT_GROUP_PRIORITY 1000

/* The aggregator lists its own group first in /apis ("It's good to be king"). */
#define AGGREGATOR_GROUP "apiregistration.k8s.io"

static json_t *document;
static struct resource_type *types;
static size_t num_types;
static const char **groups;	       /* legacy discovery order */
static const char **aggregated_groups; /* aggregated discovery order */
static size_t num_groups;

static const char *str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static struct string_list strings(json_t *obj, const char *key)
{
	json_t *arr = json_object_get(obj, key);
	struct string_list list = {0};
	size_t n = json_array_size(arr);

	if (!n)
		return list;
	list.items = calloc(n, sizeof(char *));
	if (!list.items)
		abort();
	for (size_t i = 0; i < n; i++)
		if (json_is_string(json_array_get(arr, i)))
			list.items[list.len++] = json_string_value(json_array_get(arr, i));
	return list;
}

bool string_list_has(const struct string_list *list, const char *s)
{
	for (size_t i = 0; i < list->len; i++)
		if (strcmp(list->items[i], s) == 0)
			return true;
	return false;
}

static int load_type(json_t *e, struct resource_type *t, char *err, size_t err_len)
{
	json_t *subs = json_object_get(e, "subresources"),
	       *cols = json_object_get(e, "printerColumns");

	t->group = str(e, "group");
	t->version = str(e, "version");
	t->resource = str(e, "resource");
	t->kind = str(e, "kind");
	t->singular = str(e, "singular");
	if (!t->group || !t->version || !t->resource || !t->kind || !t->singular) {
		snprintf(err, err_len,
			 "resources.json: entry %s lacks group/version/resource/kind/singular",
			 t->resource ? t->resource : "?");
		return -1;
	}
	t->namespaced = json_is_true(json_object_get(e, "namespaced"));
	t->preferred = json_is_true(json_object_get(e, "preferred"));
	t->verbs = strings(e, "verbs");
	t->short_names = strings(e, "shortNames");
	t->categories = strings(e, "categories");
	t->storage_version_hash = str(e, "storageVersionHash");
	t->field_selectors = strings(e, "fieldSelectors");
	t->num_subresources = json_array_size(subs);
	t->subresources = calloc(t->num_subresources + 1, sizeof(*t->subresources));
	t->num_columns = json_array_size(cols);
	t->columns = calloc(t->num_columns + 1, sizeof(*t->columns));
	if (!t->subresources || !t->columns)
		abort();
	for (size_t i = 0; i < t->num_subresources; i++) {
		json_t *s = json_array_get(subs, i);
		struct subresource_type *st = &t->subresources[i];

		st->name = str(s, "name");
		st->kind = str(s, "kind");
		st->group = str(s, "group");
		st->version = str(s, "version");
		st->verbs = strings(s, "verbs");
		if (!st->name || !st->kind) {
			snprintf(err, err_len,
				 "resources.json: a subresource of %s lacks name/kind",
				 t->resource);
			return -1;
		}
	}
	for (size_t i = 0; i < t->num_columns; i++) {
		json_t *c = json_array_get(cols, i);
		struct printer_column *pc = &t->columns[i];

		pc->name = str(c, "name");
		pc->type = str(c, "type");
		pc->format = str(c, "format");
		pc->description = str(c, "description");
		pc->cell = str(c, "cell");
		pc->priority = (int)json_integer_value(json_object_get(c, "priority"));
		if (!pc->name || !pc->type) {
			snprintf(err, err_len,
				 "resources.json: a printer column of %s lacks name/type",
				 t->resource);
			return -1;
		}
	}
	return 0;
}

bool registry_api_service_priority(const char *group, const char *version,
				   int *group_priority_minimum, int *version_priority)
{
	for (size_t i = 0; i < sizeof(api_service_priorities) / sizeof(api_service_priorities[0]);
	     i++) {
		const struct api_service_priority *p = &api_service_priorities[i];

		if (strcmp(p->group, group) == 0 && strcmp(p->version, version) == 0) {
			*group_priority_minimum = p->group_priority_minimum;
			*version_priority = p->version_priority;
			return true;
		}
	}
	return false;
}

/*
 * Where a group sorts: the aggregator sorts APIServices by
 * groupPriorityMinimum (highest first), then by name ("<version>.<group>"),
 * and a group sits where its first APIService does. *name gets that
 * APIService's name.
 */
static int group_sort_key(const char *group, char *name, size_t name_len)
{
	const char *versions[16];
	size_t n = registry_group_versions(group, versions, 16);
	int best = -1;

	name[0] = '\0';
	for (size_t v = 0; v < n; v++) {
		int priority = DEFAULT_GROUP_PRIORITY, unused;
		char candidate[320];

		registry_api_service_priority(group, versions[v], &priority, &unused);
		snprintf(candidate, sizeof(candidate), "%s.%s", versions[v], group);
		if (priority > best || (priority == best && strcmp(candidate, name) < 0)) {
			best = priority;
			snprintf(name, name_len, "%s", candidate);
		}
	}
	return best;
}

/* Legacy discovery (APIGroupList): core, the aggregator's group, then the
 * order of the APIServices. */
static int compare_legacy(const void *a, const void *b)
{
	const char *ga = *(const char *const *)a, *gb = *(const char *const *)b;
	char na[320], nb[320];
	int pa, pb;

	if (strcmp(ga, gb) == 0)
		return 0;
	if (!*ga || !*gb)
		return !*ga ? -1 : 1;
	if (strcmp(ga, AGGREGATOR_GROUP) == 0 || strcmp(gb, AGGREGATOR_GROUP) == 0)
		return strcmp(ga, AGGREGATOR_GROUP) == 0 ? -1 : 1;
	pa = group_sort_key(ga, na, sizeof(na));
	pb = group_sort_key(gb, nb, sizeof(nb));
	return pa != pb ? pb - pa : strcmp(na, nb);
}

/* Aggregated discovery (APIGroupDiscoveryList): by the highest priority of
 * a group's versions, then by group name; the aggregator's own group has
 * no priority set and ranks at the default. */
static int compare_aggregated(const void *a, const void *b)
{
	const char *ga = *(const char *const *)a, *gb = *(const char *const *)b;
	char unused[320];
	int pa, pb;

	if (strcmp(ga, gb) == 0)
		return 0;
	if (!*ga || !*gb)
		return !*ga ? -1 : 1;
	pa = group_sort_key(ga, unused, sizeof(unused));
	pb = group_sort_key(gb, unused, sizeof(unused));
	return pa != pb ? pb - pa : strcmp(ga, gb);
}

static void collect_groups(void)
{
	groups = calloc(num_types + 1, sizeof(char *));
	aggregated_groups = calloc(num_types + 1, sizeof(char *));
	if (!groups || !aggregated_groups)
		abort();
	for (size_t i = 0; i < num_types; i++) {
		bool seen = false;

		for (size_t g = 0; g < num_groups && !seen; g++)
			seen = strcmp(groups[g], types[i].group) == 0;
		if (!seen)
			groups[num_groups++] = types[i].group;
	}
	memcpy(aggregated_groups, groups, num_groups * sizeof(char *));
	qsort(groups, num_groups, sizeof(char *), compare_legacy);
	qsort(aggregated_groups, num_groups, sizeof(char *), compare_aggregated);
}

int registry_load(char *err, size_t err_len)
{
	json_error_t jerr;

	if (document)
		return 0;
	document = json_loads(registry_json, 0, &jerr);
	if (!json_is_array(document)) {
		snprintf(err, err_len, "resources.json: line %d: %s", jerr.line, jerr.text);
		return -1;
	}
	num_types = json_array_size(document);
	types = calloc(num_types + 1, sizeof(*types));
	if (!types)
		abort();
	for (size_t i = 0; i < num_types; i++)
		if (load_type(json_array_get(document, i), &types[i], err, err_len) < 0)
			return -1;
	collect_groups();
	return 0;
}

size_t registry_count(void)
{
	return num_types;
}

const struct resource_type *registry_at(size_t i)
{
	return i < num_types ? &types[i] : NULL;
}

const struct resource_type *registry_find(const char *group, const char *version,
					  const char *resource)
{
	for (size_t i = 0; i < num_types; i++)
		if (strcmp(types[i].resource, resource) == 0 &&
		    strcmp(types[i].version, version) == 0 && strcmp(types[i].group, group) == 0)
			return &types[i];
	return NULL;
}

const struct subresource_type *registry_find_subresource(const struct resource_type *rt,
							 const char *name)
{
	for (size_t i = 0; i < rt->num_subresources; i++)
		if (strcmp(rt->subresources[i].name, name) == 0)
			return &rt->subresources[i];
	return NULL;
}

size_t registry_group_count(void)
{
	return num_groups;
}

const char *registry_group_at(size_t i)
{
	return i < num_groups ? groups[i] : NULL;
}

const char *registry_aggregated_group_at(size_t i)
{
	return i < num_groups ? aggregated_groups[i] : NULL;
}

size_t registry_group_versions(const char *group, const char **versions, size_t max)
{
	size_t n = 0;

	/* The preferred version first, then the others in file order. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < num_types; i++) {
			const struct resource_type *t = &types[i];
			bool seen = false;

			if (strcmp(t->group, group) != 0 || t->preferred != (pass == 0))
				continue;
			for (size_t v = 0; v < n && !seen; v++)
				seen = strcmp(versions[v], t->version) == 0;
			if (!seen && n < max)
				versions[n++] = t->version;
		}
	}
	return n;
}
