/*
 * catalog.h - the type catalog: every struct type of the served
 * group-versions, field by field, as data (shared/catalog/, one file per group-version, embedded
 * in the binary at build time).
 *
 * A field carries its JSON name, protobuf number and wire type, whether it
 * repeats or is a map, its message type, and the Go facts that decide how
 * kube-apiserver writes it as JSON (a pointer, a json tag without
 * omitempty), plus the generator markers (+optional, +patchStrategy,
 * +listType, +default ...). The protobuf codec (shared/proto_json.c) reads
 * it; OpenAPI, defaulting and validation are to read the same data.
 *
 * Types are named as in the .proto files ("k8s.io.api.core.v1.PodSpec");
 * catalog_openapi_name() gives the OpenAPI definition name
 * ("io.k8s.api.core.v1.PodSpec").
 */
#ifndef PGKUBE_CATALOG_H
#define PGKUBE_CATALOG_H

#include <stdbool.h>
#include <jansson.h>
#include <stddef.h>

enum catalog_scalar {
	CATALOG_MESSAGE,
	CATALOG_STRING,
	CATALOG_BYTES,
	CATALOG_BOOL,
	CATALOG_INT32,
	CATALOG_INT64,
	CATALOG_DOUBLE,
	CATALOG_FLOAT,
};

/* Types whose JSON form is not an object of their fields. */
enum catalog_special {
	CATALOG_PLAIN,
	CATALOG_TIME,	     /* meta/v1 Time: RFC 3339, seconds; zero is null */
	CATALOG_MICROTIME,   /* meta/v1 MicroTime: RFC 3339 with microseconds */
	CATALOG_DURATION,    /* meta/v1 Duration: Go's "1h2m3s" */
	CATALOG_QUANTITY,    /* resource.Quantity: its string */
	CATALOG_INTORSTRING, /* intstr.IntOrString: a number or a string */
	CATALOG_RAW,	     /* RawExtension, apiextensions JSON, FieldsV1: embedded JSON */
	CATALOG_LIST,	     /* a named []T (Verbs, ExtraValue): the array itself */
	CATALOG_SCHEMA_OR_ARRAY,
	CATALOG_SCHEMA_OR_BOOL,
	CATALOG_SCHEMA_OR_STRINGS,
};

struct catalog_type;

struct catalog_field {
	const char *name; /* JSON name */
	int number;
	enum catalog_scalar scalar;	 /* of the element, or of a map's value */
	const struct catalog_type *type; /* when scalar is CATALOG_MESSAGE */
	bool repeated;
	bool map; /* map<string, value>; key always string in these APIs */
	bool optional;
	bool pointer;	     /* Go *T: present even when zero */
	bool no_omit;	     /* json tag without omitempty: zero values are written */
	bool embedded;	     /* an embedded struct (json:",inline"): its fields sit in ours */
	const char *markers; /* the remaining markers, space separated */
};

struct catalog_type {
	const char *name; /* proto name, k8s.io.api.core.v1.PodSpec */
	enum catalog_special special;
	const char *markers;
	struct catalog_field *fields; /* in declaration (= Go struct, = JSON) order */
	size_t num_fields;
};

/* Parses the embedded catalog; returns 0, or -1 with a message in err. */
int catalog_load(char *err, size_t err_len);
/* Parses catalog text (the embedded files' format); for tests. */
int catalog_load_text(const char *text, char *err, size_t err_len);
size_t catalog_count(void);
const struct catalog_type *catalog_at(size_t i);
const struct catalog_type *catalog_type(const char *proto_name);
/* The message type of a kind of a group-version, or NULL. */
const struct catalog_type *catalog_kind(const char *group, const char *version, const char *kind);
/* The same by an object's apiVersion ("v1", "apps/v1") and kind; NULL for either NULL. */
const struct catalog_type *catalog_kind_of(const char *api_version, const char *kind);
const struct catalog_field *catalog_field_by_number(const struct catalog_type *t, int number);
const struct catalog_field *catalog_field_by_name(const struct catalog_type *t, const char *name);
/* The field with this JSON name, also among the fields of embedded (inline) structs. */
const struct catalog_field *catalog_field_in(const struct catalog_type *t, const char *name);
/* What Go's encoding/json writes for a zero scalar of this kind ("", 0, false; null for bytes). */
json_t *catalog_zero_value(enum catalog_scalar s);
/*
 * Adds to obj, an object of type t, the members Go's encoding/json writes
 * even at their zero value and obj lacks: fields without omitempty ("", 0,
 * false; null for a nil pointer, slice or map) and structs, which omitempty
 * never drops, filled the same way. Members obj has are looked into alike.
 */
void catalog_fill_zero(const struct catalog_type *t, json_t *obj);
/* What encoding/json writes for a zero struct of type t ({"replicas":0}, {}). */
json_t *catalog_zero_object(const struct catalog_type *t);
/*
 * Removes from obj, an object of type t, every member the type does not
 * know, as decoding into kube-apiserver's Go structs drops them; calls
 * found(path, ctx) for each, with its path as upstream's strict decoder
 * words it ("spec.template.spec.containers[0].foo"). A top-level object's
 * kind and apiVersion are known (TypeMeta). Values of the special types
 * (RawExtension, JSON ...) are not looked into.
 */
void catalog_prune_unknown(const struct catalog_type *t, json_t *obj,
			   void (*found)(const char *path, void *ctx), void *ctx);

/* "k8s.io.api.core.v1.Pod" -> "io.k8s.api.core.v1.Pod" into out. */
void catalog_openapi_name(const struct catalog_type *t, char *out, size_t out_len);
/* The value of marker key ("patchStrategy") of a field, or NULL; copied into out. */
const char *catalog_marker(const char *markers, const char *key, char *out, size_t out_len);

#endif
