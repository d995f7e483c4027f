/*
 * defaults.c - the defaulting engine (see defaults.h): walks an object by
 * its catalog type with the plans shared/defaults_table.c loaded.
 *
 * The walk does what upstream's generated SetObjectDefaults_* functions
 * do: at each struct it meets, the type's rules in table order (upstream's
 * SetDefaults_T), then field by field the field's default= marker and the
 * walk into the field's value (each element of a list, each value of a
 * map). A struct field that is not a pointer exists in Go even when the
 * JSON leaves it out, so the walk enters an empty object there and keeps
 * it only if a default went into it (a Deployment without spec.strategy
 * gets one). Types with no rule anywhere below them are not entered.
 *
 * A rule's paths run from its type's object through JSON names; through
 * embedded (inline) structs the path stays in the same object, as Go's
 * JSON does. A rule that sets a value makes the objects on its way.
 */
#include "shared/defaults.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "shared/defaults_table.h"

#define WALK_DEPTH_MAX 64

bool defaults_field_unset(const struct catalog_field *f, json_t *v)
{
	if (!v || json_is_null(v))
		return true;
	if (f->pointer)
		return false;
	if (f->repeated)
		return json_is_array(v) && json_array_size(v) == 0;
	if (f->map)
		return json_is_object(v) && json_object_size(v) == 0;
	switch (f->scalar) {
	case CATALOG_STRING:
	case CATALOG_BYTES:
		return json_is_string(v) && json_string_length(v) == 0;
	case CATALOG_BOOL:
		return json_is_false(v);
	case CATALOG_INT32:
	case CATALOG_INT64:
	case CATALOG_DOUBLE:
	case CATALOG_FLOAT:
		return json_is_number(v) && json_number_value(v) == 0;
	case CATALOG_MESSAGE:
		/* intstr.FromInt32(0) and intstr.FromString("") */
		if (f->type->special == CATALOG_INTORSTRING)
			return (json_is_number(v) && json_number_value(v) == 0) ||
			       (json_is_string(v) && json_string_length(v) == 0);
		return false;
	}
	return false;
}

/* ---- paths ---- */

static json_t *path_get(json_t *obj, const struct defaults_path *p)
{
	json_t *v = obj;

	for (size_t i = 0; i < p->depth; i++) {
		if (!json_is_object(v))
			return NULL;
		v = json_object_get(v, p->fields[i]->name);
	}
	return v;
}

/* The object holding the path's last field; made on the way when make is set. */
static json_t *path_parent(json_t *obj, const struct defaults_path *p, bool make)
{
	json_t *v = obj;

	for (size_t i = 0; i + 1 < p->depth; i++) {
		json_t *next = json_object_get(v, p->fields[i]->name);

		if (!json_is_object(next)) {
			if (!make || (next && !json_is_null(next)))
				return NULL;
			next = json_object();
			json_object_set_new(v, p->fields[i]->name, next);
		}
		v = next;
	}
	return v;
}

/* ---- rules ---- */

/* A value as the text a condition compares it with. */
static bool value_is(json_t *v, const char *text)
{
	char num[32];

	if (json_is_string(v))
		return strcmp(json_string_value(v), text) == 0;
	if (json_is_boolean(v))
		return strcmp(json_is_true(v) ? "true" : "false", text) == 0;
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return strcmp(num, text) == 0;
	}
	return false;
}

static bool cond_holds(const struct defaults_cond *c, json_t *obj)
{
	json_t *v = path_get(obj, &c->path);
	const struct catalog_field *f = defaults_path_last(&c->path);

	switch (c->kind) {
	case DEFAULTS_COND_SET:
		return !defaults_field_unset(f, v);
	case DEFAULTS_COND_UNSET:
		return defaults_field_unset(f, v);
	case DEFAULTS_COND_NIL:
		return !v || json_is_null(v);
	case DEFAULTS_COND_EQUALS:
		for (size_t i = 0; i < c->num_values; i++) {
			if (c->values[i][0] ? value_is(v, c->values[i])
					    : defaults_field_unset(f, v))
				return true;
		}
		return false;
	}
	return false;
}

static void rule_apply(const struct defaults_rule *r, const struct catalog_type *t, json_t *obj)
{
	json_t *parent, *value;

	for (size_t i = 0; i < r->num_conds; i++) {
		if (!cond_holds(&r->conds[i], obj))
			return;
	}
	switch (r->kind) {
	case DEFAULTS_RULE_HOOK:
		r->hook(t, obj);
		return;
	case DEFAULTS_RULE_DELETE:
		if ((parent = path_parent(obj, &r->target, false)))
			json_object_del(parent, defaults_path_last(&r->target)->name);
		return;
	case DEFAULTS_RULE_SET:
	case DEFAULTS_RULE_COPY:
		break;
	}
	if (!defaults_field_unset(defaults_path_last(&r->target), path_get(obj, &r->target)))
		return;
	if (r->kind == DEFAULTS_RULE_COPY) {
		/* Nothing to copy, or an empty list or map, which Go does not write. */
		value = path_get(obj, &r->source);
		if (!value || json_is_null(value) ||
		    (json_is_object(value) && json_object_size(value) == 0) ||
		    (json_is_array(value) && json_array_size(value) == 0))
			return;
	} else {
		value = r->value;
	}
	if ((parent = path_parent(obj, &r->target, true)))
		json_object_set_new(parent, defaults_path_last(&r->target)->name,
				    json_deep_copy(value));
}

/* ---- the walk ---- */

static void walk(const struct catalog_type *t, json_t *obj, int depth);

bool defaults_walkable(const struct catalog_field *f)
{
	const struct defaults_plan *p;

	if (f->scalar != CATALOG_MESSAGE || f->type->special != CATALOG_PLAIN)
		return false;
	p = defaults_plan_of(f->type);
	return p && p->relevant;
}

static void walk_field(const struct catalog_field *f, bool go_struct, json_t *obj, int depth)
{
	json_t *v = json_object_get(obj, f->name), *e;
	const char *key;
	size_t i;

	if (f->map) {
		json_object_foreach(v, key, e)
		{
			if (json_is_object(e))
				walk(f->type, e, depth);
		}
	} else if (f->repeated) {
		json_array_foreach(v, i, e)
		{
			if (json_is_object(e))
				walk(f->type, e, depth);
		}
	} else if (json_is_object(v)) {
		walk(f->type, v, depth);
	} else if ((!v || json_is_null(v)) && go_struct) {
		/* A Go struct value: defaulted even when the JSON leaves it out. */
		json_t *made = json_object();

		walk(f->type, made, depth);
		if (json_object_size(made) > 0)
			json_object_set(obj, f->name, made);
		json_decref(made);
	}
}

static void walk(const struct catalog_type *t, json_t *obj, int depth)
{
	const struct defaults_plan *p = defaults_plan_of(t);

	if (!p || !p->relevant || depth > WALK_DEPTH_MAX)
		return;
	for (size_t i = 0; i < p->num_rules; i++)
		rule_apply(&p->rules[i], t, obj);
	for (size_t i = 0; i < t->num_fields; i++) {
		const struct catalog_field *f = &t->fields[i];

		if (f->embedded) {
			if (defaults_walkable(f))
				walk(f->type, obj, depth + 1);
			continue;
		}
		if (p->markers[i] && defaults_field_unset(f, json_object_get(obj, f->name)))
			json_object_set_new(obj, f->name, json_deep_copy(p->markers[i]));
		if (defaults_walkable(f))
			walk_field(f, p->go_struct[i], obj, depth + 1);
	}
}

int defaults_apply(const struct catalog_type *t, json_t *obj)
{
	if (!t || !json_is_object(obj) || !defaults_plan_of(t))
		return -1;
	walk(t, obj, 0);
	return 0;
}

int defaults_apply_object(json_t *obj)
{
	const char *api_version = json_string_value(json_object_get(obj, "apiVersion"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	const struct catalog_type *t = catalog_kind_of(api_version, kind);

	if (!json_is_object(obj) || !t)
		return -1;
	return defaults_apply(t, obj);
}
