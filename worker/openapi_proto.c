/*
 * openapi_proto.c - the Swagger 2.0 document as gnostic's protobuf
 * message (google/gnostic openapiv2/OpenAPIv2.proto, package openapi.v2).
 *
 * kubectl up to 1.27 reads /openapi/v2 only in this form (Accept:
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf) and builds
 * its client-side validation and `kubectl explain` from it. The encoder
 * walks the JSON document and writes each object as the message gnostic
 * parses it into; the field numbers below are the .proto file's. Only the
 * parts of Swagger 2.0 that kube-apiserver's documents use are written.
 * Like proto3's marshalling, it leaves out empty strings and false.
 */
#include "openapi_proto.h"

#include <stdlib.h>
#include <string.h>

#include "shared/protobuf.h"
#include "shared/yaml_json.h"

/* Message and field numbers of openapi.v2 (OpenAPIv2.proto). */
enum {
	DOCUMENT_SWAGGER = 1,
	DOCUMENT_INFO = 2,
	DOCUMENT_CONSUMES = 6,
	DOCUMENT_PRODUCES = 7,
	DOCUMENT_PATHS = 8,
	DOCUMENT_DEFINITIONS = 9,
	DOCUMENT_SECURITY = 12,
	DOCUMENT_SECURITY_DEFINITIONS = 13,
	DOCUMENT_VENDOR_EXTENSION = 16,

	INFO_TITLE = 1,
	INFO_VERSION = 2,
	INFO_DESCRIPTION = 3,

	NAMED_NAME = 1, /* every Named* message: name, value */
	NAMED_VALUE = 2,
	ANY_YAML = 2,

	PATHS_PATH = 2,
	PATHS_VENDOR_EXTENSION = 1,
	PATH_ITEM_PARAMETERS = 9,
	PATH_ITEM_VENDOR_EXTENSION = 10,

	OPERATION_TAGS = 1,
	OPERATION_SUMMARY = 2,
	OPERATION_DESCRIPTION = 3,
	OPERATION_ID = 5,
	OPERATION_PRODUCES = 6,
	OPERATION_CONSUMES = 7,
	OPERATION_PARAMETERS = 8,
	OPERATION_RESPONSES = 9,
	OPERATION_SCHEMES = 10,
	OPERATION_DEPRECATED = 11,
	OPERATION_VENDOR_EXTENSION = 13,

	PARAMETERS_ITEM_PARAMETER = 1,
	PARAMETERS_ITEM_JSON_REFERENCE = 2,
	JSON_REFERENCE_REF = 1,
	PARAMETER_BODY = 1,
	PARAMETER_NON_BODY = 2,
	NON_BODY_HEADER = 1,
	NON_BODY_FORM_DATA = 2,
	NON_BODY_QUERY = 3,
	NON_BODY_PATH = 4,

	BODY_DESCRIPTION = 1,
	BODY_NAME = 2,
	BODY_IN = 3,
	BODY_REQUIRED = 4,
	BODY_SCHEMA = 5,
	BODY_VENDOR_EXTENSION = 6,

	RESPONSES_CODE = 1,
	RESPONSES_VENDOR_EXTENSION = 2,
	RESPONSE_VALUE_RESPONSE = 1,
	RESPONSE_DESCRIPTION = 1,
	RESPONSE_SCHEMA = 2,
	RESPONSE_VENDOR_EXTENSION = 5,
	SCHEMA_ITEM_SCHEMA = 1,

	SCHEMA_REF = 1,
	SCHEMA_FORMAT = 2,
	SCHEMA_TITLE = 3,
	SCHEMA_DESCRIPTION = 4,
	SCHEMA_DEFAULT = 5,
	SCHEMA_UNIQUE_ITEMS = 16,
	SCHEMA_REQUIRED = 19,
	SCHEMA_ENUM = 20,
	SCHEMA_ADDITIONAL_PROPERTIES = 21,
	SCHEMA_TYPE = 22,
	SCHEMA_ITEMS = 23,
	SCHEMA_ALL_OF = 24,
	SCHEMA_PROPERTIES = 25,
	SCHEMA_READ_ONLY = 27,
	SCHEMA_EXAMPLE = 30,
	SCHEMA_VENDOR_EXTENSION = 31,
	ADDITIONAL_PROPERTIES_SCHEMA = 1,
	ADDITIONAL_PROPERTIES_BOOLEAN = 2,
	REPEATED_VALUE = 1, /* TypeItem, ItemsItem, StringArray, Properties ... */

	SECURITY_DEFINITIONS_ITEM_BASIC = 1,
	SECURITY_DEFINITIONS_ITEM_API_KEY = 2,
};

/*
 * Parameter sub-schemas differ by position: {required, in, description,
 * name} lead all of them, then form data and query have
 * allow_empty_value, and the rest (type, format ... unique_items,
 * vendor_extension) follow in the same order.
 */
struct sub_schema_fields {
	int type, format, unique_items, vendor_extension;
};
static const struct sub_schema_fields query_fields = {6, 7, 20, 23};
static const struct sub_schema_fields path_fields = {5, 6, 19, 22};

/* A nested message: encoded into its own buffer, then framed into out. */
typedef void (*encode_fn)(struct buf *b, const json_t *value);

static void put_message(struct buf *out, int number, encode_fn fn, const json_t *value)
{
	struct buf b = {0};

	fn(&b, value);
	proto_put_bytes(out, number, b.data ? b.data : "", b.len);
	buf_free(&b);
}

static void put_string(struct buf *out, int number, const json_t *s)
{
	if (json_is_string(s) && json_string_length(s) > 0)
		proto_put_bytes(out, number, json_string_value(s), json_string_length(s));
}

static void put_bool(struct buf *out, int number, const json_t *v)
{
	if (json_is_true(v))
		proto_put_uint(out, number, 1);
}

static void put_strings(struct buf *out, int number, const json_t *list)
{
	size_t i;
	json_t *s;

	if (json_is_string(list)) {
		proto_put_bytes(out, number, json_string_value(list), json_string_length(list));
		return;
	}
	json_array_foreach(list, i, s)
	    proto_put_bytes(out, number, json_string_value(s), json_string_length(s));
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object in the JSON text's (sorted) order; free() the array. */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
	const char **keys = malloc((json_object_size(obj) + 1) * sizeof(*keys));
	const char *key;
	json_t *value;

	if (!keys)
		abort();
	*n = 0;
	json_object_foreach((json_t *)obj, key, value) keys[(*n)++] = key;
	qsort(keys, *n, sizeof(*keys), key_cmp);
	return keys;
}

/* Any: the value's YAML text, as gnostic keeps values it has no message for. */
static void encode_any(struct buf *b, const json_t *value)
{
	size_t len = 0;
	char *yaml = json_to_yaml(value, &len);

	if (yaml)
		proto_put_bytes(b, ANY_YAML, yaml, len);
	free(yaml);
}

/* The x- keys of an object as repeated NamedAny. */
static void put_vendor_extensions(struct buf *out, int number, const json_t *obj)
{
	size_t n;
	const char **keys = sorted_keys(obj, &n);

	for (size_t i = 0; i < n; i++) {
		struct buf named = {0};

		if (strncmp(keys[i], "x-", 2) != 0)
			continue;
		proto_put_string(&named, NAMED_NAME, keys[i]);
		put_message(&named, NAMED_VALUE, encode_any, json_object_get(obj, keys[i]));
		proto_put_bytes(out, number, named.data, named.len);
		buf_free(&named);
	}
	free(keys);
}

/* repeated Named<T> {name, value} of every key of obj, T encoded by fn. */
static void put_named(struct buf *out, int number, const json_t *obj, encode_fn fn)
{
	size_t n;
	const char **keys = sorted_keys(obj, &n);

	for (size_t i = 0; i < n; i++) {
		struct buf named = {0};

		proto_put_string(&named, NAMED_NAME, keys[i]);
		put_message(&named, NAMED_VALUE, fn, json_object_get(obj, keys[i]));
		proto_put_bytes(out, number, named.data, named.len);
		buf_free(&named);
	}
	free(keys);
}

static void encode_schema(struct buf *b, const json_t *s);

static void encode_schemas(struct buf *b, const json_t *list)
{
	size_t i;
	json_t *s;

	if (json_is_object(list)) {
		put_message(b, REPEATED_VALUE, encode_schema, list);
		return;
	}
	json_array_foreach(list, i, s) put_message(b, REPEATED_VALUE, encode_schema, s);
}

static void encode_string_list(struct buf *b, const json_t *list)
{
	put_strings(b, REPEATED_VALUE, list);
}

static void encode_properties(struct buf *b, const json_t *props)
{
	put_named(b, REPEATED_VALUE, props, encode_schema);
}

static void encode_additional_properties(struct buf *b, const json_t *v)
{
	if (json_is_boolean(v))
		proto_put_uint(b, ADDITIONAL_PROPERTIES_BOOLEAN, json_is_true(v));
	else
		put_message(b, ADDITIONAL_PROPERTIES_SCHEMA, encode_schema, v);
}

static void encode_schema(struct buf *b, const json_t *s)
{
	const json_t *v;
	size_t i;

	put_string(b, SCHEMA_REF, json_object_get(s, "$ref"));
	put_string(b, SCHEMA_FORMAT, json_object_get(s, "format"));
	put_string(b, SCHEMA_TITLE, json_object_get(s, "title"));
	put_string(b, SCHEMA_DESCRIPTION, json_object_get(s, "description"));
	if ((v = json_object_get(s, "default")))
		put_message(b, SCHEMA_DEFAULT, encode_any, v);
	put_bool(b, SCHEMA_UNIQUE_ITEMS, json_object_get(s, "uniqueItems"));
	put_strings(b, SCHEMA_REQUIRED, json_object_get(s, "required"));
	json_array_foreach(json_object_get(s, "enum"), i, v)
	    put_message(b, SCHEMA_ENUM, encode_any, v);
	if ((v = json_object_get(s, "additionalProperties")))
		put_message(b, SCHEMA_ADDITIONAL_PROPERTIES, encode_additional_properties, v);
	if ((v = json_object_get(s, "type")))
		put_message(b, SCHEMA_TYPE, encode_string_list, v);
	if ((v = json_object_get(s, "items")))
		put_message(b, SCHEMA_ITEMS, encode_schemas, v);
	json_array_foreach(json_object_get(s, "allOf"), i, v)
	    put_message(b, SCHEMA_ALL_OF, encode_schema, v);
	if ((v = json_object_get(s, "properties")))
		put_message(b, SCHEMA_PROPERTIES, encode_properties, v);
	put_bool(b, SCHEMA_READ_ONLY, json_object_get(s, "readOnly"));
	if ((v = json_object_get(s, "example")))
		put_message(b, SCHEMA_EXAMPLE, encode_any, v);
	put_vendor_extensions(b, SCHEMA_VENDOR_EXTENSION, s);
}

static void encode_body_parameter(struct buf *b, const json_t *p)
{
	put_string(b, BODY_DESCRIPTION, json_object_get(p, "description"));
	put_string(b, BODY_NAME, json_object_get(p, "name"));
	put_string(b, BODY_IN, json_object_get(p, "in"));
	put_bool(b, BODY_REQUIRED, json_object_get(p, "required"));
	if (json_object_get(p, "schema"))
		put_message(b, BODY_SCHEMA, encode_schema, json_object_get(p, "schema"));
	put_vendor_extensions(b, BODY_VENDOR_EXTENSION, p);
}

static void encode_sub_schema(struct buf *b, const json_t *p, const struct sub_schema_fields *f)
{
	put_bool(b, 1, json_object_get(p, "required"));
	put_string(b, 2, json_object_get(p, "in"));
	put_string(b, 3, json_object_get(p, "description"));
	put_string(b, 4, json_object_get(p, "name"));
	put_string(b, f->type, json_object_get(p, "type"));
	put_string(b, f->format, json_object_get(p, "format"));
	put_bool(b, f->unique_items, json_object_get(p, "uniqueItems"));
	put_vendor_extensions(b, f->vendor_extension, p);
}

static void encode_query_parameter(struct buf *b, const json_t *p)
{
	encode_sub_schema(b, p, &query_fields);
}

static void encode_path_parameter(struct buf *b, const json_t *p)
{
	encode_sub_schema(b, p, &path_fields);
}

static void encode_non_body_parameter(struct buf *b, const json_t *p)
{
	const char *in = json_string_value(json_object_get(p, "in"));

	if (in && strcmp(in, "path") == 0)
		put_message(b, NON_BODY_PATH, encode_path_parameter, p);
	else
		put_message(b, NON_BODY_QUERY, encode_query_parameter, p);
}

static void encode_parameter(struct buf *b, const json_t *p)
{
	const char *in = json_string_value(json_object_get(p, "in"));

	if (in && strcmp(in, "body") == 0)
		put_message(b, PARAMETER_BODY, encode_body_parameter, p);
	else
		put_message(b, PARAMETER_NON_BODY, encode_non_body_parameter, p);
}

static void encode_json_reference(struct buf *b, const json_t *p)
{
	put_string(b, JSON_REFERENCE_REF, json_object_get(p, "$ref"));
}

static void encode_parameters_item(struct buf *b, const json_t *p)
{
	if (json_object_get(p, "$ref"))
		put_message(b, PARAMETERS_ITEM_JSON_REFERENCE, encode_json_reference, p);
	else
		put_message(b, PARAMETERS_ITEM_PARAMETER, encode_parameter, p);
}

static void put_parameters(struct buf *b, int number, const json_t *list)
{
	size_t i;
	json_t *p;

	json_array_foreach(list, i, p) put_message(b, number, encode_parameters_item, p);
}

static void encode_schema_item(struct buf *b, const json_t *s)
{
	put_message(b, SCHEMA_ITEM_SCHEMA, encode_schema, s);
}

static void encode_response(struct buf *b, const json_t *r)
{
	put_string(b, RESPONSE_DESCRIPTION, json_object_get(r, "description"));
	if (json_object_get(r, "schema"))
		put_message(b, RESPONSE_SCHEMA, encode_schema_item, json_object_get(r, "schema"));
	put_vendor_extensions(b, RESPONSE_VENDOR_EXTENSION, r);
}

static void encode_response_value(struct buf *b, const json_t *r)
{
	put_message(b, RESPONSE_VALUE_RESPONSE, encode_response, r);
}

static void encode_responses(struct buf *b, const json_t *responses)
{
	json_t *codes = json_object();
	const char *key;
	json_t *value;

	json_object_foreach((json_t *)responses, key, value) if (strncmp(key, "x-", 2) != 0)
	    json_object_set(codes, key, value);
	put_named(b, RESPONSES_CODE, codes, encode_response_value);
	json_decref(codes);
	put_vendor_extensions(b, RESPONSES_VENDOR_EXTENSION, responses);
}

static void encode_operation(struct buf *b, const json_t *op)
{
	put_strings(b, OPERATION_TAGS, json_object_get(op, "tags"));
	put_string(b, OPERATION_SUMMARY, json_object_get(op, "summary"));
	put_string(b, OPERATION_DESCRIPTION, json_object_get(op, "description"));
	put_string(b, OPERATION_ID, json_object_get(op, "operationId"));
	put_strings(b, OPERATION_PRODUCES, json_object_get(op, "produces"));
	put_strings(b, OPERATION_CONSUMES, json_object_get(op, "consumes"));
	put_parameters(b, OPERATION_PARAMETERS, json_object_get(op, "parameters"));
	if (json_object_get(op, "responses"))
		put_message(b, OPERATION_RESPONSES, encode_responses,
			    json_object_get(op, "responses"));
	put_strings(b, OPERATION_SCHEMES, json_object_get(op, "schemes"));
	put_bool(b, OPERATION_DEPRECATED, json_object_get(op, "deprecated"));
	put_vendor_extensions(b, OPERATION_VENDOR_EXTENSION, op);
}

static void encode_path_item(struct buf *b, const json_t *item)
{
	/* PathItem's operations, numbered 2 to 8 in this order. */
	static const char *const methods[] = {"get",	 "put",	 "post", "delete",
					      "options", "head", "patch"};

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		const json_t *op = json_object_get(item, methods[i]);

		if (op)
			put_message(b, (int)i + 2, encode_operation, op);
	}
	put_parameters(b, PATH_ITEM_PARAMETERS, json_object_get(item, "parameters"));
	put_vendor_extensions(b, PATH_ITEM_VENDOR_EXTENSION, item);
}

static void encode_paths(struct buf *b, const json_t *paths)
{
	json_t *items = json_object();
	const char *key;
	json_t *value;

	put_vendor_extensions(b, PATHS_VENDOR_EXTENSION, paths);
	json_object_foreach((json_t *)paths, key, value) if (strncmp(key, "x-", 2) != 0)
	    json_object_set(items, key, value);
	put_named(b, PATHS_PATH, items, encode_path_item);
	json_decref(items);
}

static void encode_definitions(struct buf *b, const json_t *defs)
{
	put_named(b, REPEATED_VALUE, defs, encode_schema);
}

static void encode_info(struct buf *b, const json_t *info)
{
	put_string(b, INFO_TITLE, json_object_get(info, "title"));
	put_string(b, INFO_VERSION, json_object_get(info, "version"));
	put_string(b, INFO_DESCRIPTION, json_object_get(info, "description"));
}

/* SecurityRequirement: scheme name -> the scopes it needs (a StringArray). */
static void encode_security_requirement(struct buf *b, const json_t *req)
{
	put_named(b, REPEATED_VALUE, req, encode_string_list);
}

static void encode_security_scheme(struct buf *b, const json_t *s)
{
	const char *type = json_string_value(json_object_get(s, "type"));
	struct buf inner = {0};

	put_string(&inner, 1, json_object_get(s, "type"));
	if (type && strcmp(type, "basic") == 0) {
		put_string(&inner, 2, json_object_get(s, "description"));
		put_vendor_extensions(&inner, 3, s);
		proto_put_bytes(b, SECURITY_DEFINITIONS_ITEM_BASIC, inner.data, inner.len);
	} else {
		put_string(&inner, 2, json_object_get(s, "name"));
		put_string(&inner, 3, json_object_get(s, "in"));
		put_string(&inner, 4, json_object_get(s, "description"));
		put_vendor_extensions(&inner, 5, s);
		proto_put_bytes(b, SECURITY_DEFINITIONS_ITEM_API_KEY, inner.data, inner.len);
	}
	buf_free(&inner);
}

static void encode_security_definitions(struct buf *b, const json_t *defs)
{
	put_named(b, REPEATED_VALUE, defs, encode_security_scheme);
}

void openapi_v2_proto(const json_t *doc, struct buf *out)
{
	const json_t *v;
	size_t i;

	put_string(out, DOCUMENT_SWAGGER, json_object_get(doc, "swagger"));
	if ((v = json_object_get(doc, "info")))
		put_message(out, DOCUMENT_INFO, encode_info, v);
	put_strings(out, DOCUMENT_CONSUMES, json_object_get(doc, "consumes"));
	put_strings(out, DOCUMENT_PRODUCES, json_object_get(doc, "produces"));
	if ((v = json_object_get(doc, "paths")))
		put_message(out, DOCUMENT_PATHS, encode_paths, v);
	if ((v = json_object_get(doc, "definitions")))
		put_message(out, DOCUMENT_DEFINITIONS, encode_definitions, v);
	json_array_foreach(json_object_get(doc, "security"), i, v)
	    put_message(out, DOCUMENT_SECURITY, encode_security_requirement, v);
	if ((v = json_object_get(doc, "securityDefinitions")))
		put_message(out, DOCUMENT_SECURITY_DEFINITIONS, encode_security_definitions, v);
	put_vendor_extensions(out, DOCUMENT_VENDOR_EXTENSION, doc);
}
