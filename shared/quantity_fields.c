/*
 * quantity_fields.c - every resource.Quantity of an object in canonical
 * form, as kube-apiserver writes back what it decoded ("0.5" -> "500m",
 * "1024Mi" -> "1Gi"); see quantity.h for the rules.
 *
 * The object is walked by its catalog type; a Quantity may be a field, a
 * list element or a map value (a ResourceList). Like Quantity.UnmarshalJSON
 * it accepts a JSON string or number, trims white space, and keeps null.
 */
#include "shared/quantity_fields.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "shared/quantity.h"

static bool canonical(struct arena *a, json_t *v, json_t **out)
{
	char *text, *start, *end;
	const char *c;

	*out = NULL;
	if (json_is_null(v))
		return true;
	if (json_is_string(v)) {
		text = arena_strdup(a, json_string_value(v));
	} else if (json_is_number(v)) {
		char *dump = json_dumps(v, JSON_ENCODE_ANY);

		text = arena_strdup(a, dump ? dump : "");
		free(dump);
	} else {
		return false;
	}
	for (start = text; *start && isspace((unsigned char)*start); start++)
		;
	for (end = start + strlen(start); end > start && isspace((unsigned char)end[-1]); end--)
		;
	*end = '\0';
	c = quantity_canonical(a, start);
	if (!c)
		return false;
	*out = json_string(c);
	return true;
}

static bool walk(struct arena *a, const struct catalog_type *t, json_t *obj, int depth);

/* v holds values of field f; replaces each Quantity by its canonical form. */
static bool field_values(struct arena *a, const struct catalog_field *f, json_t *v, int depth)
{
	bool quantity = f->scalar == CATALOG_MESSAGE && f->type->special == CATALOG_QUANTITY;
	json_t *item, *c;
	const char *key;
	size_t i;

	if (f->scalar != CATALOG_MESSAGE)
		return true;
	if (f->map && json_is_object(v)) {
		json_object_foreach(v, key, item)
		{
			if (quantity) {
				if (!canonical(a, item, &c))
					return false;
				if (c)
					json_object_set_new(v, key, c);
			} else if (!walk(a, f->type, item, depth + 1)) {
				return false;
			}
		}
	} else if (f->repeated && json_is_array(v)) {
		json_array_foreach(v, i, item)
		{
			if (quantity) {
				if (!canonical(a, item, &c))
					return false;
				if (c)
					json_array_set_new(v, i, c);
			} else if (!walk(a, f->type, item, depth + 1)) {
				return false;
			}
		}
	} else if (!f->map && !f->repeated && !quantity) {
		return walk(a, f->type, v, depth + 1);
	}
	return true;
}

static bool walk(struct arena *a, const struct catalog_type *t, json_t *obj, int depth)
{
	const char *key;
	json_t *v, *c;

	if (!json_is_object(obj) || t->special != CATALOG_PLAIN || depth > 100)
		return true;
	json_object_foreach(obj, key, v)
	{
		const struct catalog_field *f = catalog_field_in(t, key);

		if (!f)
			continue;
		if (f->scalar == CATALOG_MESSAGE && f->type->special == CATALOG_QUANTITY &&
		    !f->map && !f->repeated) {
			if (!canonical(a, v, &c))
				return false;
			if (c)
				json_object_set_new(obj, key, c);
		} else if (!field_values(a, f, v, depth)) {
			return false;
		}
	}
	return true;
}

bool quantity_fields_canonical(struct arena *a, const struct catalog_type *t, json_t *obj)
{
	return !t || walk(a, t, obj, 0);
}
