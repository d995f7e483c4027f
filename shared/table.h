/*
 * table.h - meta.k8s.io/v1 Table output: what `kubectl get` prints.
 *
 * kubectl asks for "application/json;as=Table;v=v1;g=meta.k8s.io" and
 * prints the server's Table as it is. Its columns are the printer columns
 * of the resource registry (shared/resources.json), which name for every
 * column a cell kind; this module computes the cells from the object as
 * kube-apiserver v1.32's printers do (pkg/printers/internalversion, and
 * the default table convertor for "Name, Created At" resources).
 *
 * A Table is built in three calls: the handler makes one table_row() per
 * object (in list order), then table_wrap() puts them into the Table
 * object with its list metadata and column definitions. Every cell is
 * computed as kube-apiserver does with GenerateOptions{Wide: true}, so
 * rows carry the priority-1 columns too; kubectl hides those unless -o wide.
 *
 * Objects are read, never modified; what is returned is new (one reference
 * for the caller).
 */
#ifndef PGKUBE_TABLE_H
#define PGKUBE_TABLE_H

#include <jansson.h>
#include <time.h>

#include "shared/registry.h"

/* TableOptions.includeObject: what each row's "object" holds. */
enum table_include {
	TABLE_INCLUDE_NONE,	/* "None": "object": null */
	TABLE_INCLUDE_METADATA, /* "Metadata", the default: a PartialObjectMetadata */
	TABLE_INCLUDE_OBJECT,	/* "Object": the object as served */
};

/*
 * The includeObject query parameter: "None", "Metadata", "Object", or ""
 * (Metadata). Returns -1 for anything else, which upstream answers with
 * 400 BadRequest "unrecognized includeObject value: \"<text>\"".
 */
int table_include_parse(const char *text, enum table_include *out);

/*
 * The Table's "columnDefinitions": one {"name", "type", "format",
 * "description", "priority"} per printer column, every field present even
 * when empty or zero (metav1.TableColumnDefinition has no omitempty).
 */
json_t *table_column_definitions(const struct resource_type *rt);

/*
 * One row, {"cells": [...], "object": ...}: a cell per printer column as a
 * JSON string, integer or boolean (as upstream's printer emits it, which is
 * not always the column's declared type), computed at `now` (AGE columns).
 * Pods that succeeded or failed also carry upstream's "conditions"
 * ([{"type": "Completed", ...}]), between "cells" and "object".
 */
json_t *table_row(const struct resource_type *rt, const json_t *obj, time_t now,
		  enum table_include include);

/*
 * The Table object: kind, apiVersion, metadata (ListMeta: resourceVersion,
 * continue and remainingItemCount, each left out when NULL, "" or < 0),
 * columnDefinitions and rows (stolen; NULL for none). For a list, pass the
 * list's resourceVersion and continuation; for a single-object GET, one
 * row and the object's own resourceVersion, as upstream does.
 *
 * rt NULL writes "columnDefinitions": null, as upstream does for every
 * watch event after the first (TableOptions.noHeaders).
 */
json_t *table_wrap(const struct resource_type *rt, json_t *rows, const char *resource_version,
		   const char *continue_token, long long remaining_item_count);

#endif
