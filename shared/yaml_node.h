/*
 * yaml_node.h - the first document of a YAML text as goyaml.v2's parser
 * sees it: a tree of scalar, sequence, mapping and alias nodes, anchors
 * resolved, built from libyaml's events. The first of the passes that turn
 * a YAML body into JSON (yaml_decode.h types the nodes, yaml_json.c makes
 * JSON of them).
 */
#ifndef PGKUBE_YAML_NODE_H
#define PGKUBE_YAML_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/buf.h"

/* What the passes share: where they allocate and where they report. */
struct yaml_context {
	struct arena *arena; /* nodes and values live here */
	struct buf *error;   /* the first failure's message; empty while all is well */
	struct buf *strict;  /* strict decoding's complaints, "\n  line N: ..." each */
};

enum yaml_node_kind { YAML_NODE_SCALAR, YAML_NODE_SEQUENCE, YAML_NODE_MAPPING, YAML_NODE_ALIAS };

struct yaml_node {
	enum yaml_node_kind kind;
	bool plain_implicit; /* untagged plain scalar, or tagged "!" */
	bool expanding;	     /* an alias whose target is being decoded */
	size_t line;	     /* 0-based, as goyaml keeps it */
	const char *tag;     /* the resolved tag, or NULL */
	const char *text;    /* scalar value, or an alias's anchor name */
	size_t len;
	struct yaml_node *target; /* what an alias names */
	struct yaml_node **children;
	size_t num_children;
};

/*
 * Builds the tree of the first document of text: *root is NULL when the
 * stream holds no document. Later documents are not read. False, with
 * goyaml.v2's message in c->error ("yaml: line 3: ..."), when the text
 * does not parse or nests deeper than YAML_JSON_MAX_DEPTH.
 */
bool yaml_parse_first_document(struct yaml_context *c, const char *text, size_t len,
			       struct yaml_node **root);

/* Sets c->error unless a failure is already there; returns false. */
bool yaml_fail(struct yaml_context *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* FNV-1a, for the passes' hash tables. */
size_t yaml_hash_bytes(const void *data, size_t len, size_t seed);

/* array with room for need elements of size bytes; aborts when memory runs out. */
void *yaml_grow(void *array, size_t *cap, size_t need, size_t size);

#endif
