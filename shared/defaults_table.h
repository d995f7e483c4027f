/*
 * defaults_table.h - the defaulting rules as loaded, shared by the two
 * halves of defaulting: shared/defaults_table.c reads the table (shared/
 * catalog/defaults.txt) and the catalog's default= markers into one plan
 * per catalog type; shared/defaults.c walks objects with those plans.
 * Nothing else uses this.
 */
#ifndef PGKUBE_DEFAULTS_TABLE_H
#define PGKUBE_DEFAULTS_TABLE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/catalog.h"
#include "shared/defaults_hooks.h"

#define DEFAULTS_PATH_DEPTH_MAX 8

/* Fields from a rule's type to the field it names; the last is the one addressed. */
struct defaults_path {
	const struct catalog_field *fields[DEFAULTS_PATH_DEPTH_MAX];
	size_t depth;
};

enum defaults_cond_kind {
	DEFAULTS_COND_SET,    /* set(P): P holds a value Go does not read as zero */
	DEFAULTS_COND_UNSET,  /* unset(P) */
	DEFAULTS_COND_NIL,    /* nil(P): P is absent or null (a nil pointer, list or map) */
	DEFAULTS_COND_EQUALS, /* P=a|b: P is one of the values; an empty one means unset */
};

struct defaults_cond {
	enum defaults_cond_kind kind;
	struct defaults_path path;
	char **values;
	size_t num_values;
};

enum defaults_rule_kind {
	DEFAULTS_RULE_SET,    /* fill the field with a value */
	DEFAULTS_RULE_COPY,   /* fill the field with a copy of another (=P) */
	DEFAULTS_RULE_DELETE, /* drop the field */
	DEFAULTS_RULE_HOOK,   /* call a C hook on the object (@name) */
};

struct defaults_rule {
	const struct catalog_type *type;
	size_t line;
	enum defaults_rule_kind kind;
	struct defaults_path target;
	struct defaults_path source;
	json_t *value;
	defaults_hook_fn *hook;
	struct defaults_cond *conds;
	size_t num_conds;
};

/* What the walk does at one catalog type. */
struct defaults_plan {
	struct defaults_rule *rules; /* into the sorted rule array */
	size_t num_rules;
	json_t **markers; /* per field: its default= value, or NULL */
	bool *go_struct;  /* per field: a Go struct value (not a pointer), as the Go facts say */
	size_t num_fields;
	bool relevant; /* rules or markers here or below */
};

/* The field a path names. */
static inline const struct catalog_field *defaults_path_last(const struct defaults_path *p)
{
	return p->fields[p->depth - 1];
}

/* The plan of type t; NULL when the table is not loaded for the catalog as it is now. */
const struct defaults_plan *defaults_plan_of(const struct catalog_type *t);

/* Whether v (NULL when absent) is Go's zero value for f: what a rule may fill. */
bool defaults_field_unset(const struct catalog_field *f, json_t *v);

/* Whether the walk goes into f: a struct field whose type has defaults at or below it. */
bool defaults_walkable(const struct catalog_field *f);

#endif
