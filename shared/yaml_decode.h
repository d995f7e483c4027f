/*
 * yaml_decode.h - a YAML node tree decoded into typed values the way
 * goyaml.v2 decodes into interface{}: scalars resolved (YAML 1.1 rules),
 * aliases expanded, merge keys applied. The second pass from a YAML body
 * to JSON (after yaml_node.h, before yaml_json.c).
 */
#ifndef PGKUBE_YAML_DECODE_H
#define PGKUBE_YAML_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/yaml_node.h"

/* The dynamic types goyaml.v2 gives an interface{}. */
enum yaml_value_kind {
	YAML_VALUE_NULL,
	YAML_VALUE_BOOL,
	YAML_VALUE_INT,	   /* Go's int */
	YAML_VALUE_UINT,   /* uint64, for integers past INT64_MAX */
	YAML_VALUE_FLOAT,  /* float64, NaN and infinities included */
	YAML_VALUE_STRING, /* any bytes: !!binary data need not be UTF-8 */
	YAML_VALUE_SEQUENCE,
	YAML_VALUE_MAPPING, /* map[interface{}]interface{} */
};

struct yaml_mapping;

struct yaml_value {
	enum yaml_value_kind kind;
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double f;
		struct {
			const char *text;
			size_t len;
		} str;
		struct {
			struct yaml_value **items;
			size_t len;
		} seq;
		struct yaml_mapping *map;
	};
};

/* Entries in insertion order, with a hash index once there are a few. */
struct yaml_mapping {
	struct yaml_value **keys, **values;
	size_t len, cap;
	size_t *index; /* entry + 1, 0 for empty */
	size_t index_cap;
};

/*
 * The value of the tree at root, allocated in c->arena. NULL, with
 * goyaml.v2's message in c->error, when a scalar does not fit its tag,
 * a key is a collection, a merge is not of maps, aliases expand too far
 * or the value nests deeper than YAML_JSON_MAX_DEPTH. A key given twice
 * keeps its last value and is noted in c->strict, as strict decoding
 * reports it.
 */
struct yaml_value *yaml_decode(struct yaml_context *c, const struct yaml_node *root);

/* Go's %#v of a value ("map[interface {}]interface {}{\"a\":1}"), in c->arena. */
const char *yaml_value_go_text(struct yaml_context *c, const struct yaml_value *v);

#endif
