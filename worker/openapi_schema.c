/*
 * openapi_schema.c - the OpenAPI schemas of the catalog's types.
 *
 * kube-apiserver's schemas come from kube-openapi's generator
 * (k8s.io/kube-openapi pkg/generators) run over the Go types. The catalog
 * holds the facts that generator reads, so the same rules apply here:
 *
 * - A struct is {"type": "object", "properties": ...}; an embedded struct
 *   (json:",inline") spreads its fields into its parent's, TypeMeta as the
 *   apiVersion and kind strings.
 * - A field is required when it is neither +optional nor omitempty.
 * - Markers become extensions: listType, listMapKey, patchStrategy,
 *   patchMergeKey, mapType and structType (x-kubernetes-map-type), +union
 *   (x-kubernetes-unions).
 * - Defaults, in v3 only: the +default marker's value; otherwise what a
 *   Go decoder leaves in a field that is not a pointer: {} for a struct,
 *   and the zero value ("", 0, false) of a scalar that is not omitempty.
 *   Types that decode themselves (Time, Quantity, IntOrString,
 *   RawExtension ...) get none. kube-apiserver prunes every default from
 *   its v2 document (kube-openapi's handler.PruneDefaults), so v2 has none.
 * - The types with their own JSON form have the schemas their
 *   OpenAPISchemaType/Format and OpenAPIV3OneOfTypes methods give.
 * - In v3 a $ref with sibling keywords is wrapped in allOf, as OpenAPI 3.0
 *   ignores the siblings of a $ref; v2 keeps them beside it.
 * - Every definition and property has the "description" of its Go doc
 *   comment where shared/catalog_descriptions.h has it (a reference
 *   property's sits beside its $ref, so in v3 it too goes through allOf).
 *   An inline struct's fields are documented in that struct; the
 *   apiVersion and kind of every kind by TypeMeta.
 *
 * The catalog has no +enum facts, which v1.32 does not publish either.
 */
#include "openapi_schema.h"
#include "shared/catalog_descriptions.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct schema_ctx {
	json_t *defs;
	enum openapi_version v;
};

/* The next value of marker key ("listMapKey=...") in *p, which advances. */
static bool marker_next(const char **p, const char *key, const char **value, size_t *len)
{
	size_t key_len = strlen(key);

	while (*p && **p) {
		const char *word = *p, *end = strchr(word, ' ');

		if (!end)
			end = word + strlen(word);
		*p = *end ? end + 1 : end;
		if ((size_t)(end - word) > key_len && strncmp(word, key, key_len) == 0 &&
		    word[key_len] == '=') {
			*value = word + key_len + 1;
			*len = (size_t)(end - *value);
			return true;
		}
	}
	return false;
}

static bool marker_has(const char *markers, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = markers; p && (p = strstr(p, word)); p += len) {
		if ((p == markers || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
			return true;
	}
	return false;
}

void openapi_schema_name(const struct catalog_type *t, char *out, size_t out_len)
{
	catalog_openapi_name(t, out, out_len);
}

json_t *openapi_schema_ref(const char *name, enum openapi_version v)
{
	char ref[320];

	snprintf(ref, sizeof(ref), "%s%s",
		 v == OPENAPI_V2 ? "#/definitions/" : "#/components/schemas/", name);
	return json_pack("{s:s}", "$ref", ref);
}

/*
 * Whether Go's encoding/json writes the field only when it is not empty.
 * The Go facts say so for the fields they cover; a field newer than them
 * follows the API conventions: optional fields, maps and struct fields are
 * omitempty, required scalars and lists are not.
 */
static bool field_omitempty(const struct catalog_field *f)
{
	if (marker_has(f->markers, "go"))
		return !f->no_omit;
	if (f->optional || f->map)
		return true;
	return f->scalar == CATALOG_MESSAGE && !f->repeated && f->type->special != CATALOG_LIST;
}

static json_t *scalar_schema(enum catalog_scalar s)
{
	switch (s) {
	case CATALOG_BYTES:
		return json_pack("{s:s, s:s}", "type", "string", "format", "byte");
	case CATALOG_BOOL:
		return json_pack("{s:s}", "type", "boolean");
	case CATALOG_INT32:
		return json_pack("{s:s, s:s}", "type", "integer", "format", "int32");
	case CATALOG_INT64:
		return json_pack("{s:s, s:s}", "type", "integer", "format", "int64");
	case CATALOG_DOUBLE:
		return json_pack("{s:s, s:s}", "type", "number", "format", "double");
	case CATALOG_FLOAT:
		return json_pack("{s:s, s:s}", "type", "number", "format", "float");
	case CATALOG_STRING:
	case CATALOG_MESSAGE:
		break;
	}
	return json_pack("{s:s}", "type", "string");
}

/* The value a Go decoder leaves in a scalar it was not given. */
static json_t *scalar_zero(enum catalog_scalar s)
{
	switch (s) {
	case CATALOG_STRING:
		return json_string("");
	case CATALOG_BOOL:
		return json_false();
	case CATALOG_INT32:
	case CATALOG_INT64:
	case CATALOG_DOUBLE:
	case CATALOG_FLOAT:
		return json_integer(0);
	case CATALOG_BYTES: /* a []byte is a slice: nil */
	case CATALOG_MESSAGE:
		break;
	}
	return NULL;
}

/* The default of a list item or a map value (never a pointer in these APIs). */
static json_t *element_default(enum catalog_scalar s, const struct catalog_type *t)
{
	if (s == CATALOG_MESSAGE)
		return t->special == CATALOG_PLAIN ? json_object() : NULL;
	return scalar_zero(s);
}

/*
 * Constants that +default=ref(...) markers name, with their values in
 * k8s.io/api/core/v1 (AzureDiskVolumeSource's cachingMode and kind).
 */
static const struct {
	const char *name;
	const char *value;
} default_constants[] = {
    {"AzureDataDiskCachingReadWrite", "ReadWrite"},
    {"AzureSharedBlobDisk", "Shared"},
};

static json_t *marker_default(const char *markers)
{
	const char *p = markers, *value;
	size_t len;

	if (!marker_next(&p, "default", &value, &len))
		return NULL;
	if (len > 5 && strncmp(value, "ref(", 4) == 0 && value[len - 1] == ')') {
		for (size_t i = 0; i < sizeof(default_constants) / sizeof(default_constants[0]);
		     i++) {
			if (strlen(default_constants[i].name) == len - 5 &&
			    strncmp(value + 4, default_constants[i].name, len - 5) == 0)
				return json_string(default_constants[i].value);
		}
		return NULL;
	}
	return json_loadb(value, len, JSON_DECODE_ANY, NULL);
}

static json_t *field_default(const struct catalog_field *f)
{
	json_t *d = marker_default(f->markers);

	if (d || f->repeated || f->map || f->pointer)
		return d;
	if (f->scalar == CATALOG_MESSAGE)
		return f->type->special == CATALOG_PLAIN ? json_object() : NULL;
	return field_omitempty(f) ? NULL : scalar_zero(f->scalar);
}

/* Puts extra's keys (a reference taken) into s, which a v3 $ref gets through allOf. */
static json_t *with_extra(const struct schema_ctx *c, json_t *s, json_t *extra)
{
	if (!extra)
		return s;
	if (json_object_size(extra) > 0) {
		if (c->v == OPENAPI_V3 && json_object_get(s, "$ref"))
			s = json_pack("{s:[o]}", "allOf", s);
		json_object_update(s, extra);
	}
	json_decref(extra);
	return s;
}

/* The x-kubernetes-* extensions of a field's or a type's markers. */
static json_t *marker_extensions(const char *markers)
{
	static const struct {
		const char *marker;
		const char *extension;
	} single[] = {
	    {"listType", "x-kubernetes-list-type"},
	    {"patchStrategy", "x-kubernetes-patch-strategy"},
	    {"patchMergeKey", "x-kubernetes-patch-merge-key"},
	    {"mapType", "x-kubernetes-map-type"},
	    {"structType", "x-kubernetes-map-type"},
	};
	json_t *ext = json_object(), *keys = json_array();
	const char *p, *value;
	size_t len;

	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
		p = markers;
		if (marker_next(&p, single[i].marker, &value, &len))
			json_object_set_new(ext, single[i].extension, json_stringn(value, len));
	}
	for (p = markers; marker_next(&p, "listMapKey", &value, &len);)
		json_array_append_new(keys, json_stringn(value, len));
	if (json_array_size(keys) > 0)
		json_object_set_new(ext, "x-kubernetes-list-map-keys", keys);
	else
		json_decref(keys);
	return ext;
}

static json_t *value_schema(const struct schema_ctx *c, enum catalog_scalar s,
			    const struct catalog_type *t);

/* Items or map values: the element's schema with its default. */
static json_t *element_schema(const struct schema_ctx *c, enum catalog_scalar s,
			      const struct catalog_type *t)
{
	json_t *elem = value_schema(c, s, t), *def;

	if (c->v == OPENAPI_V2 || !(def = element_default(s, t)))
		return elem;
	return with_extra(c, elem, json_pack("{s:o}", "default", def));
}

static json_t *value_schema(const struct schema_ctx *c, enum catalog_scalar s,
			    const struct catalog_type *t)
{
	char name[256];

	if (s != CATALOG_MESSAGE)
		return scalar_schema(s);
	/* A named slice (Verbs, ExtraValue) is the array itself. */
	if (t->special == CATALOG_LIST)
		return json_pack("{s:s, s:o}", "type", "array", "items",
				 element_schema(c, t->fields[0].scalar, t->fields[0].type));
	openapi_schema_add(c->defs, t, c->v);
	openapi_schema_name(t, name, sizeof(name));
	return openapi_schema_ref(name, c->v);
}

/* Sets obj's description to that of t (field NULL) or of its field, when there is one. */
static void set_description(json_t *obj, const struct catalog_type *t, const char *field)
{
	const char *text = catalog_description(t, field);

	if (text)
		json_object_set_new(obj, "description", json_string(text));
}

/* The apiVersion or kind property of a kind: TypeMeta's field. */
static json_t *type_meta_property(const char *name)
{
	const struct catalog_type *type_meta =
	    catalog_type("k8s.io.apimachinery.pkg.apis.meta.v1.TypeMeta");
	json_t *s = json_pack("{s:s}", "type", "string");

	if (type_meta)
		set_description(s, type_meta, name);
	return s;
}

/* The property of field f of t (the type that declares it). */
static json_t *field_schema(const struct schema_ctx *c, const struct catalog_type *t,
			    const struct catalog_field *f)
{
	json_t *s, *extra = marker_extensions(f->markers), *def;

	if (f->repeated)
		s = json_pack("{s:s, s:o}", "type", "array", "items",
			      element_schema(c, f->scalar, f->type));
	else if (f->map)
		s = json_pack("{s:s, s:o}", "type", "object", "additionalProperties",
			      element_schema(c, f->scalar, f->type));
	else
		s = value_schema(c, f->scalar, f->type);
	if (c->v == OPENAPI_V3 && (def = field_default(f)))
		json_object_set_new(extra, "default", def);
	set_description(extra, t, f->name);
	return with_extra(c, s, extra);
}

static void add_fields(const struct schema_ctx *c, const struct catalog_type *t, json_t *props,
		       json_t *required)
{
	if (marker_has(t->markers, "typemeta")) {
		json_object_set_new(props, "apiVersion", type_meta_property("apiVersion"));
		json_object_set_new(props, "kind", type_meta_property("kind"));
	}
	for (size_t i = 0; i < t->num_fields; i++) {
		const struct catalog_field *f = &t->fields[i];

		if (f->embedded) {
			add_fields(c, f->type, props, required);
			continue;
		}
		json_object_set_new(props, f->name, field_schema(c, t, f));
		if (!f->optional && !field_omitempty(f))
			json_array_append_new(required, json_string(f->name));
	}
}

/*
 * A +union struct: its discriminator field and, for every other field,
 * the Go field name the discriminator's value names (the JSON name with a
 * capital first letter, for every union of these APIs).
 */
static json_t *union_extension(const struct catalog_type *t)
{
	json_t *members = json_object(), *u = json_object();

	for (size_t i = 0; i < t->num_fields; i++) {
		const struct catalog_field *f = &t->fields[i];
		char go_name[128];

		if (marker_has(f->markers, "unionDiscriminator")) {
			json_object_set_new(u, "discriminator", json_string(f->name));
			continue;
		}
		snprintf(go_name, sizeof(go_name), "%s", f->name);
		if (go_name[0] >= 'a' && go_name[0] <= 'z')
			go_name[0] = (char)(go_name[0] - 'a' + 'A');
		json_object_set_new(members, f->name, json_string(go_name));
	}
	json_object_set_new(u, "fields-to-discriminateBy", members);
	return json_pack("[o]", u);
}

/* The schemas of the types with a JSON form of their own. */
static json_t *special_schema(const struct schema_ctx *c, const struct catalog_type *t)
{
	bool v3 = c->v == OPENAPI_V3;

	switch (t->special) {
	case CATALOG_TIME:
	case CATALOG_MICROTIME:
		return json_pack("{s:s, s:s}", "type", "string", "format", "date-time");
	case CATALOG_DURATION:
		return json_pack("{s:s}", "type", "string");
	case CATALOG_QUANTITY:
		return v3 ? json_pack("{s:[{s:s}, {s:s}]}", "oneOf", "type", "string", "type",
				      "number")
			  : json_pack("{s:s}", "type", "string");
	case CATALOG_INTORSTRING:
		return v3 ? json_pack("{s:s, s:[{s:s}, {s:s}]}", "format", "int-or-string", "oneOf",
				      "type", "integer", "type", "string")
			  : json_pack("{s:s, s:s}", "type", "string", "format", "int-or-string");
	case CATALOG_RAW:
		/* apiextensions' JSON is any value: no type at all. */
		if (strcmp(strrchr(t->name, '.'), ".JSON") == 0)
			return json_object();
		return json_pack("{s:s}", "type", "object");
	case CATALOG_SCHEMA_OR_ARRAY:
	case CATALOG_SCHEMA_OR_BOOL:
	case CATALOG_SCHEMA_OR_STRINGS:
		return json_object();
	case CATALOG_PLAIN:
	case CATALOG_LIST:
		break;
	}
	return NULL;
}

static void fill_definition(const struct schema_ctx *c, const struct catalog_type *t, json_t *def)
{
	json_t *special = special_schema(c, t), *props, *required, *ext;

	set_description(def, t, NULL);
	if (special) {
		json_object_update(def, special);
		json_decref(special);
		return;
	}
	props = json_object();
	required = json_array();
	add_fields(c, t, props, required);
	json_object_set_new(def, "type", json_string("object"));
	if (json_object_size(props) > 0)
		json_object_set(def, "properties", props);
	if (json_array_size(required) > 0)
		json_object_set(def, "required", required);
	json_decref(props);
	json_decref(required);
	ext = marker_extensions(t->markers);
	json_object_update(def, ext);
	json_decref(ext);
	if (marker_has(t->markers, "union"))
		json_object_set_new(def, "x-kubernetes-unions", union_extension(t));
}

json_t *openapi_schema_add(json_t *defs, const struct catalog_type *t, enum openapi_version v)
{
	const struct schema_ctx c = {defs, v};
	char name[256];
	json_t *def;

	if (t->special == CATALOG_LIST)
		return NULL;
	openapi_schema_name(t, name, sizeof(name));
	def = json_object_get(defs, name);
	if (def)
		return def;
	/* In defs before its fields are: a type may reach itself (JSONSchemaProps). */
	def = json_object();
	json_object_set_new(defs, name, def);
	fill_definition(&c, t, def);
	return def;
}

static int gvk_cmp(json_t *a, json_t *b)
{
	static const char *const keys[] = {"group", "version", "kind"};

	for (size_t i = 0; i < 3; i++) {
		int r = strcmp(json_string_value(json_object_get(a, keys[i])),
			       json_string_value(json_object_get(b, keys[i])));

		if (r)
			return r;
	}
	return 0;
}

void openapi_schema_add_kind(json_t *defs, const struct catalog_type *t, const char *group,
			     const char *version, const char *kind, enum openapi_version v)
{
	json_t *def = openapi_schema_add(defs, t, v), *props, *list, *gvk;
	size_t i;

	if (!def)
		return;
	props = json_object_get(def, "properties");
	if (!props) {
		props = json_object();
		json_object_set_new(def, "properties", props);
	}
	if (!json_object_get(props, "apiVersion")) {
		json_object_set_new(props, "apiVersion", type_meta_property("apiVersion"));
		json_object_set_new(props, "kind", type_meta_property("kind"));
	}
	list = json_object_get(def, "x-kubernetes-group-version-kind");
	if (!list) {
		list = json_array();
		json_object_set_new(def, "x-kubernetes-group-version-kind", list);
	}
	gvk = json_pack("{s:s, s:s, s:s}", "group", group, "kind", kind, "version", version);
	for (i = 0; i < json_array_size(list); i++) {
		int r = gvk_cmp(json_array_get(list, i), gvk);

		if (r == 0) {
			json_decref(gvk);
			return;
		}
		if (r > 0)
			break;
	}
	json_array_insert_new(list, i, gvk);
}
