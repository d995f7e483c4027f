/*
 * table.c - builds meta.k8s.io/v1 Table objects from the registry's
 * printer columns.
 *
 * Each column's cell kind is looked up in the kind tables of
 * table_generic.c, table_workloads.c and table_kinds.c and computed from
 * the object; the JSON around the cells follows metav1.Table, TableRow and
 * the handler that fills in the row objects (k8s.io/apiserver
 * pkg/endpoints/handlers/response.go, asTable).
 */
#include "table.h"

#include <string.h>

#include "shared/arena.h"
#include "shared/table_cells.h"

static const struct {
	const struct cell_kind *kinds;
	const size_t *count;
} kind_tables[] = {
    {table_generic_cells, &table_num_generic_cells},
    {table_workload_cells, &table_num_workload_cells},
    {table_kind_cells, &table_num_kind_cells},
};

/* The function of a column's cell kind; *param is set for families. */
static cell_fn *find_cell_kind(const char *cell, const char **param)
{
	const char *colon = strchr(cell, ':');
	size_t family_len = colon ? (size_t)(colon - cell) + 1 : strlen(cell);

	for (size_t t = 0; t < sizeof(kind_tables) / sizeof(kind_tables[0]); t++) {
		for (size_t i = 0; i < *kind_tables[t].count; i++) {
			const char *name = kind_tables[t].kinds[i].name;

			if (strlen(name) == family_len && strncmp(name, cell, family_len) == 0) {
				*param = colon ? colon + 1 : "";
				return kind_tables[t].kinds[i].fn;
			}
		}
	}
	return NULL;
}

int table_include_parse(const char *text, enum table_include *out)
{
	if (!text || !*text || strcmp(text, "Metadata") == 0)
		*out = TABLE_INCLUDE_METADATA;
	else if (strcmp(text, "None") == 0)
		*out = TABLE_INCLUDE_NONE;
	else if (strcmp(text, "Object") == 0)
		*out = TABLE_INCLUDE_OBJECT;
	else
		return -1;
	return 0;
}

json_t *table_column_definitions(const struct resource_type *rt)
{
	json_t *columns = json_array();

	for (size_t i = 0; i < rt->num_columns; i++) {
		const struct printer_column *col = &rt->columns[i];

		json_array_append_new(
		    columns,
		    json_pack("{s:s, s:s, s:s, s:s, s:i}", "name", col->name, "type", col->type,
			      "format", col->format ? col->format : "", "description",
			      col->description ? col->description : "", "priority", col->priority));
	}
	return columns;
}

/*
 * printPod's row conditions: a pod that ran to completion says so, which
 * clients use to grey such rows out.
 */
static json_t *pod_row_conditions(const json_t *obj)
{
	const char *phase = json_string_value(cell_get(obj, ".status.phase"));

	if (!phase)
		return NULL;
	if (strcmp(phase, "Succeeded") == 0)
		return json_pack("[{s:s, s:s, s:s, s:s}]", "type", "Completed", "status", "True",
				 "reason", "Succeeded", "message",
				 "The pod has completed successfully.");
	if (strcmp(phase, "Failed") == 0)
		return json_pack("[{s:s, s:s, s:s, s:s}]", "type", "Completed", "status", "True",
				 "reason", "Failed", "message", "The pod failed.");
	return NULL;
}

/* meta.AsPartialObjectMetadata: the object's metadata as it is, managedFields included. */
static json_t *partial_object_metadata(const json_t *obj)
{
	json_t *metadata = json_object_get(obj, "metadata");

	return json_pack("{s:s, s:s, s:o}", "kind", "PartialObjectMetadata", "apiVersion",
			 "meta.k8s.io/v1", "metadata",
			 json_is_object(metadata) ? json_deep_copy(metadata) : json_object());
}

json_t *table_row(const struct resource_type *rt, const json_t *obj, time_t now,
		  enum table_include include)
{
	struct arena arena = {0};
	json_t *row = json_object(), *cells = json_array(), *conditions = NULL;
	struct cell_context c = {
	    .arena = &arena,
	    .rt = rt,
	    .obj = (json_t *)obj,
	    .now = timestamp_from_time(now),
	};

	for (size_t i = 0; i < rt->num_columns; i++) {
		const char *param = "";
		cell_fn *fn =
		    rt->columns[i].cell ? find_cell_kind(rt->columns[i].cell, &param) : NULL;

		c.column = &rt->columns[i];
		c.param = param;
		/* check_resources.py keeps unknown kinds out of the registry. */
		json_array_append_new(cells, fn ? fn(&c) : json_string(""));
	}
	arena_free(&arena);
	json_object_set_new(row, "cells", cells);
	if (rt->group[0] == '\0' && strcmp(rt->kind, "Pod") == 0)
		conditions = pod_row_conditions(obj);
	if (conditions)
		json_object_set_new(row, "conditions", conditions);
	switch (include) {
	case TABLE_INCLUDE_NONE:
		json_object_set_new(row, "object", json_null());
		break;
	case TABLE_INCLUDE_METADATA:
		json_object_set_new(row, "object", partial_object_metadata(obj));
		break;
	case TABLE_INCLUDE_OBJECT:
		json_object_set_new(row, "object", json_deep_copy(obj));
		break;
	}
	return row;
}

json_t *table_wrap(const struct resource_type *rt, json_t *rows, const char *resource_version,
		   const char *continue_token, long long remaining_item_count)
{
	json_t *table = json_object(), *metadata = json_object();

	if (resource_version && *resource_version)
		json_object_set_new(metadata, "resourceVersion", json_string(resource_version));
	if (continue_token && *continue_token)
		json_object_set_new(metadata, "continue", json_string(continue_token));
	if (remaining_item_count >= 0)
		json_object_set_new(metadata, "remainingItemCount",
				    json_integer((json_int_t)remaining_item_count));
	json_object_set_new(table, "kind", json_string("Table"));
	json_object_set_new(table, "apiVersion", json_string("meta.k8s.io/v1"));
	json_object_set_new(table, "metadata", metadata);
	json_object_set_new(table, "columnDefinitions",
			    rt ? table_column_definitions(rt) : json_null());
	json_object_set_new(table, "rows", rows ? rows : json_array());
	return table;
}
