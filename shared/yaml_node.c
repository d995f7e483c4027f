/*
 * yaml_node.c - libyaml's events for the first document of a YAML text
 * turned into the node tree goyaml.v2's parser builds; see yaml_node.h.
 *
 * libyaml and goyaml.v2 share their scanner and parser (goyaml.v2 is a
 * port), but have drifted apart in a few places, which are evened out
 * here: goyaml.v2 stops at 10000 levels of nesting, reads only YAML 1.1,
 * ends a plain scalar inside a flow collection at '?', validates its input
 * in 512-byte chunks, and names lines by its own rule in messages.
 * Nothing here recurses, so nesting cannot exhaust the stack.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "shared/yaml_json.h"
#include "shared/yaml_node.h"

bool yaml_fail(struct yaml_context *c, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	if (c->error->len)
		return false;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	buf_append(c->error, text, (size_t)n);
	free(text);
	return false;
}

size_t yaml_hash_bytes(const void *data, size_t len, size_t seed)
{
	const unsigned char *p = data;
	size_t h = 1469598103934665603ULL ^ seed, i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

void *yaml_grow(void *array, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return array;
	*cap = *cap ? *cap * 2 : 16;
	if (*cap < need)
		*cap = need;
	array = realloc(array, *cap * size);
	if (!array)
		abort();
	return array;
}

struct anchor {
	const char *name;
	struct yaml_node *node;
};

/* Open addressing; a later anchor of the same name replaces the earlier one, as upstream's map
 * does. */
struct anchor_table {
	struct anchor *slots;
	size_t cap, used;
};

static struct anchor *anchor_slot(struct anchor_table *t, const char *name)
{
	size_t i = yaml_hash_bytes(name, strlen(name), 0) & (t->cap - 1);

	while (t->slots[i].name && strcmp(t->slots[i].name, name))
		i = (i + 1) & (t->cap - 1);
	return &t->slots[i];
}

static void anchor_set(struct anchor_table *t, const char *name, struct yaml_node *node)
{
	struct anchor *slot;

	if ((t->used + 1) * 2 > t->cap) {
		struct anchor_table bigger = {
		    calloc(t->cap ? t->cap * 2 : 16, sizeof(struct anchor)),
		    t->cap ? t->cap * 2 : 16, t->used};
		size_t i;

		if (!bigger.slots)
			abort();
		for (i = 0; i < t->cap; i++)
			if (t->slots[i].name)
				*anchor_slot(&bigger, t->slots[i].name) = t->slots[i];
		free(t->slots);
		*t = bigger;
	}
	slot = anchor_slot(t, name);
	if (!slot->name)
		t->used++;
	slot->name = name;
	slot->node = node;
}

static struct yaml_node *anchor_get(struct anchor_table *t, const char *name)
{
	return t->cap ? anchor_slot(t, name)->node : NULL;
}

struct open_collection {
	struct yaml_node *node;
	size_t first_child; /* where its children start in the pending list */
	size_t line, column;
	bool flow;
	bool indented; /* counted by goyaml's indent stack */
};

struct tree_builder {
	struct yaml_context *c;
	const char *input; /* the text, for locating a character inside a scalar */
	size_t input_len;
	struct anchor_table anchors;
	struct open_collection *open;
	size_t num_open, open_cap;
	struct yaml_node **pending;
	size_t num_pending, pending_cap;
	size_t flow_level, indent_level;
	struct yaml_node *root;
};

/* goyaml's parser.yaml_fail(): which line it names depends on the kind of failure. */
static bool fail_parser(struct yaml_context *c, const yaml_parser_t *parser)
{
	size_t line = 0;

	if (parser->error == YAML_MEMORY_ERROR)
		abort();
	if (parser->problem_mark.line != 0) {
		line = parser->problem_mark.line;
		/* Scanner errors don't iterate line before returning error (upstream's words). */
		if (parser->error == YAML_SCANNER_ERROR)
			line++;
	} else if (parser->context_mark.line != 0) {
		line = parser->context_mark.line;
	}
	if (line)
		return yaml_fail(c, "yaml: line %zu: %s", line,
				 parser->problem ? parser->problem
						 : "unknown problem parsing YAML content");
	return yaml_fail(c, "yaml: %s",
			 parser->problem ? parser->problem
					 : "unknown problem parsing YAML content");
}

static void attach(struct tree_builder *t, struct yaml_node *n)
{
	if (!t->num_open) {
		t->root = n;
		return;
	}
	t->pending =
	    yaml_grow(t->pending, &t->pending_cap, t->num_pending + 1, sizeof(*t->pending));
	t->pending[t->num_pending++] = n;
}

static struct yaml_node *new_node(struct tree_builder *t, enum yaml_node_kind kind,
				  const yaml_event_t *ev)
{
	struct yaml_node *n = arena_alloc(t->c->arena, sizeof(*n));

	*n = (struct yaml_node){.kind = kind, .line = ev->start_mark.line};
	return n;
}

static const char *arena_text(struct yaml_context *c, const yaml_char_t *s)
{
	return s ? arena_strdup(c->arena, (const char *)s) : NULL;
}

/* A scanner error: its line is counted from 1, unless it is the first. */
static bool fail_too_deep(struct tree_builder *t, const yaml_event_t *ev)
{
	if (ev->start_mark.line)
		return yaml_fail(t->c, "yaml: line %zu: exceeded max depth of %d",
				 ev->start_mark.line + 1, YAML_JSON_MAX_DEPTH);
	return yaml_fail(t->c, "yaml: exceeded max depth of %d", YAML_JSON_MAX_DEPTH);
}

/*
 * goyaml's scanner stops at more than YAML_JSON_MAX_DEPTH open flow
 * collections, or block collections that each indent further (a sequence
 * at its key's own column does not). libyaml has no such limit, so the
 * events are counted the same way.
 */
static bool open_collection(struct tree_builder *t, struct yaml_node *n, const yaml_event_t *ev,
			    bool flow)
{
	struct open_collection *o;
	bool indented = false;

	if (flow) {
		if (++t->flow_level > YAML_JSON_MAX_DEPTH)
			return fail_too_deep(t, ev);
	} else {
		size_t i = t->num_open;

		while (i > 0 && t->open[i - 1].flow)
			i--;
		indented = i == 0 || ev->start_mark.column > t->open[i - 1].column;
		if (indented && ++t->indent_level > YAML_JSON_MAX_DEPTH)
			return fail_too_deep(t, ev);
	}
	t->open = yaml_grow(t->open, &t->open_cap, t->num_open + 1, sizeof(*t->open));
	o = &t->open[t->num_open++];
	*o = (struct open_collection){
	    n, t->num_pending, ev->start_mark.line, ev->start_mark.column, flow, indented};
	return true;
}

static void close_collection(struct tree_builder *t)
{
	struct open_collection *o = &t->open[--t->num_open];
	struct yaml_node *n = o->node;

	n->num_children = t->num_pending - o->first_child;
	n->children = arena_alloc(t->c->arena, (n->num_children + 1) * sizeof(*n->children));
	if (n->num_children)
		memcpy(n->children, t->pending + o->first_child,
		       n->num_children * sizeof(*n->children));
	t->num_pending = o->first_child;
	if (o->flow)
		t->flow_level--;
	else if (o->indented)
		t->indent_level--;
	attach(t, n);
}

/*
 * goyaml ends a plain scalar inside a flow collection at '?', and the key
 * indicator that follows is then out of place; libyaml reads on. Fail as
 * goyaml's parser does, naming the line of the '?' (0-based: parser errors
 * are not adjusted) or else the collection's.
 */
static bool fail_question_mark(struct tree_builder *t, const yaml_event_t *ev)
{
	const struct open_collection *o = &t->open[t->num_open - 1];
	const unsigned char *p = (const unsigned char *)t->input, *end = p + t->input_len;
	size_t line = ev->start_mark.line, chars = ev->start_mark.index;

	/* Walk the source from the scalar's start (a character index) to the '?'. */
	if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	for (; p < end && chars; p++)
		chars -= (*p & 0xC0) != 0x80;
	while (p < end && (*p & 0xC0) == 0x80)
		p++;
	for (; p < end && *p != '?'; p++) {
		if (*p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n')) ||
		    (*p == 0xC2 && p + 1 < end && p[1] == 0x85) ||
		    (*p == 0xE2 && p + 2 < end && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)))
			line++;
	}
	if (!line)
		line = o->line;
	if (line)
		return yaml_fail(t->c, "yaml: line %zu: did not find expected ',' or '%c'", line,
				 o->node->kind == YAML_NODE_SEQUENCE ? ']' : '}');
	return yaml_fail(t->c, "yaml: did not find expected ',' or '%c'",
			 o->node->kind == YAML_NODE_SEQUENCE ? ']' : '}');
}

/* Adds one event of the document's content to the tree; false on failure. */
static bool add_event(struct tree_builder *t, const yaml_event_t *ev)
{
	struct yaml_node *n;
	const yaml_char_t *anchor = NULL;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (t->flow_level && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    memchr(ev->data.scalar.value, '?', ev->data.scalar.length))
			return fail_question_mark(t, ev);
		n = new_node(t, YAML_NODE_SCALAR, ev);
		n->tag = arena_text(t->c, ev->data.scalar.tag);
		n->text = arena_strndup(t->c->arena, (const char *)ev->data.scalar.value,
					ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->plain_implicit = ev->data.scalar.plain_implicit;
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_ALIAS_EVENT:
		n = new_node(t, YAML_NODE_ALIAS, ev);
		n->text = arena_text(t->c, ev->data.alias.anchor);
		n->target = anchor_get(&t->anchors, n->text);
		if (!n->target)
			return yaml_fail(t->c, "yaml: unknown anchor '%s' referenced", n->text);
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool sequence = ev->type == YAML_SEQUENCE_START_EVENT;

		n = new_node(t, sequence ? YAML_NODE_SEQUENCE : YAML_NODE_MAPPING, ev);
		anchor = sequence ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
		if (anchor)
			anchor_set(&t->anchors, arena_text(t->c, anchor), n);
		return open_collection(
		    t, n, ev,
		    sequence ? ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
			     : ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
	}
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		close_collection(t);
		return true;
	default:
		return yaml_fail(t->c, "yaml: unknown problem parsing YAML content");
	}
	if (anchor)
		anchor_set(&t->anchors, arena_text(t->c, anchor), n);
	attach(t, n);
	return true;
}

/*
 * goyaml's reader takes its input 512 bytes at a time and validates UTF-8
 * a chunk at a time, libyaml's 16 KiB at a time. Handing libyaml goyaml's
 * chunks makes an invalid byte surface at the same point of the parse,
 * after the same earlier errors.
 */
#define GOYAML_RAW_BUFFER  512
#define LIBYAML_RAW_BUFFER 16384

struct chunked_input {
	const char *text;
	size_t len;
};

static int read_in_chunks(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
	struct chunked_input *in = data;
	size_t leftover = size < LIBYAML_RAW_BUFFER ? LIBYAML_RAW_BUFFER - size : 0;
	size_t n = leftover < GOYAML_RAW_BUFFER ? GOYAML_RAW_BUFFER - leftover : 1;

	if (n > in->len)
		n = in->len;
	if (n > size)
		n = size;
	memcpy(buffer, in->text, n);
	in->text += n;
	in->len -= n;
	*size_read = n;
	return 1;
}

static bool next_event(struct yaml_context *c, yaml_parser_t *parser, yaml_event_t *ev)
{
	if (!yaml_parser_parse(parser, ev))
		return fail_parser(c, parser);
	return true;
}

/*
 * The first document's tree, as goyaml's parser builds it: later documents
 * are never looked at. *root stays NULL for a stream with no document.
 */
bool yaml_parse_first_document(struct yaml_context *c, const char *text, size_t len,
			       struct yaml_node **root)
{
	struct tree_builder t = {.c = c, .input = text, .input_len = len};
	struct chunked_input input;
	yaml_parser_t parser;
	yaml_event_t ev;
	bool ok = false;

	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		abort();
	/* Upstream reads empty input as a lone line break. */
	input = len ? (struct chunked_input){text, len} : (struct chunked_input){"\n", 1};
	yaml_parser_set_input(&parser, read_in_chunks, &input);
	if (!next_event(c, &parser, &ev))
		goto out;
	yaml_event_delete(&ev);
	if (!next_event(c, &parser, &ev))
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		ok = true;
		goto out;
	}
	/* goyaml reads YAML 1.1 only; libyaml also takes %YAML 1.2. */
	if (ev.data.document_start.version_directive &&
	    (ev.data.document_start.version_directive->major != 1 ||
	     ev.data.document_start.version_directive->minor != 1)) {
		size_t line = ev.start_mark.line;

		yaml_event_delete(&ev);
		ok = line ? yaml_fail(c, "yaml: line %zu: found incompatible YAML document", line)
			  : yaml_fail(c, "yaml: found incompatible YAML document");
		goto out;
	}
	yaml_event_delete(&ev);
	while (!t.root) {
		ok = next_event(c, &parser, &ev);
		if (!ok)
			goto out;
		ok = add_event(&t, &ev);
		yaml_event_delete(&ev);
		if (!ok)
			goto out;
	}
	/* The document's end must still parse (a stray "]" after it fails). */
	ok = next_event(c, &parser, &ev);
	if (ok)
		yaml_event_delete(&ev);
	*root = t.root;
out:
	yaml_parser_delete(&parser);
	free(t.anchors.slots);
	free(t.open);
	free(t.pending);
	return ok;
}
