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

/* kube-apiserver's discovery order of groups (the aggregator's group
 * priorities, highest first); groups not listed follow, by name. */
static const char *const group_order[] = {
    "",
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
};

static json_t *document;
static struct resource_type *types;
static size_t num_types;
static const char **groups;
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

static int group_rank(const char *group)
{
	for (size_t i = 0; i < sizeof(group_order) / sizeof(group_order[0]); i++)
		if (strcmp(group_order[i], group) == 0)
			return (int)i;
	return (int)(sizeof(group_order) / sizeof(group_order[0]));
}

static int compare_groups(const void *a, const void *b)
{
	const char *ga = *(const char *const *)a, *gb = *(const char *const *)b;
	int ra = group_rank(ga), rb = group_rank(gb);

	return ra != rb ? ra - rb : strcmp(ga, gb);
}

static void collect_groups(void)
{
	groups = calloc(num_types + 1, sizeof(char *));
	if (!groups)
		abort();
	for (size_t i = 0; i < num_types; i++) {
		bool seen = false;

		for (size_t g = 0; g < num_groups && !seen; g++)
			seen = strcmp(groups[g], types[i].group) == 0;
		if (!seen)
			groups[num_groups++] = types[i].group;
	}
	qsort(groups, num_groups, sizeof(char *), compare_groups);
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
