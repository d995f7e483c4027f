/*
 * yaml_decode.c - goyaml.v2's decoder, from nodes into interface{}
 * values; see yaml_decode.h.
 *
 * The rules are upstream's (decode.go of sigs.k8s.io/yaml v1.4.0's
 * goyaml.v2 fork): a quoted scalar is a string, a plain one resolves by
 * yaml_scalar_resolve() unless a tag says otherwise, an alias decodes its
 * anchor's node afresh each time (under an expansion budget against alias
 * bombs), "<<" merges a map or a list of maps into the map being built
 * (later keys overwrite, earlier list entries win), and a repeated key
 * overwrites. The walk keeps its own stack of frames instead of
 * recursing, so that deep documents cannot exhaust the C stack.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/unicode_class.h"
#include "shared/yaml_decode.h"
#include "shared/yaml_json.h"
#include "shared/yaml_scalar.h"

#define TAG_PREFIX    "tag:yaml.org,2002:"
#define TAG_STR	      TAG_PREFIX "str"
#define TAG_BINARY    TAG_PREFIX "binary"
#define TAG_BOOL      TAG_PREFIX "bool"
#define TAG_INT	      TAG_PREFIX "int"
#define TAG_FLOAT     TAG_PREFIX "float"
#define TAG_NULL      TAG_PREFIX "null"
#define TAG_TIMESTAMP TAG_PREFIX "timestamp"
#define TAG_MERGE     TAG_PREFIX "merge"

/*
 * goyaml.v2's alias expansion budget (decode.go): once more than 100 of
 * more than 1000 decode steps come from expanding aliases, their share may
 * not pass 99%, falling to 10% between 400,000 and 4,000,000 steps.
 */
#define ALIAS_RATIO_RANGE_LOW  400000
#define ALIAS_RATIO_RANGE_HIGH 4000000

struct decoder {
	struct yaml_context *c;
	size_t decode_count, alias_count, alias_depth;
	size_t depth; /* collections being decoded, for YAML_JSON_MAX_DEPTH */
};

static bool keys_equal(const struct yaml_value *a, const struct yaml_value *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case YAML_VALUE_NULL:
		return true;
	case YAML_VALUE_BOOL:
		return a->b == b->b;
	case YAML_VALUE_INT:
		return a->i == b->i;
	case YAML_VALUE_UINT:
		return a->u == b->u;
	case YAML_VALUE_FLOAT:
		return a->f == b->f; /* as Go compares: NaN matches nothing, -0 matches 0 */
	case YAML_VALUE_STRING:
		return a->str.len == b->str.len && !memcmp(a->str.text, b->str.text, a->str.len);
	default:
		return false;
	}
}

static size_t key_hash(const struct yaml_value *k)
{
	double f;

	switch (k->kind) {
	case YAML_VALUE_BOOL:
		return yaml_hash_bytes(&k->b, sizeof(k->b), k->kind);
	case YAML_VALUE_INT:
		return yaml_hash_bytes(&k->i, sizeof(k->i), k->kind);
	case YAML_VALUE_UINT:
		return yaml_hash_bytes(&k->u, sizeof(k->u), k->kind);
	case YAML_VALUE_FLOAT:
		f = k->f == 0 ? 0 : k->f;
		return yaml_hash_bytes(&f, sizeof(f), k->kind);
	case YAML_VALUE_STRING:
		return yaml_hash_bytes(k->str.text, k->str.len, k->kind);
	default:
		return k->kind;
	}
}

static void mapping_reindex(struct yaml_context *c, struct yaml_mapping *m)
{
	size_t i, j;

	m->index_cap = m->cap * 2;
	m->index = arena_alloc(c->arena, m->index_cap * sizeof(*m->index));
	memset(m->index, 0, m->index_cap * sizeof(*m->index));
	for (i = 0; i < m->len; i++) {
		for (j = key_hash(m->keys[i]) & (m->index_cap - 1); m->index[j];
		     j = (j + 1) & (m->index_cap - 1))
			;
		m->index[j] = i + 1;
	}
}

static struct yaml_value **mapping_find(struct yaml_mapping *m, const struct yaml_value *key)
{
	size_t i;

	if (!m->index) {
		for (i = 0; i < m->len; i++)
			if (keys_equal(m->keys[i], key))
				return &m->values[i];
		return NULL;
	}
	for (i = key_hash(key) & (m->index_cap - 1); m->index[i]; i = (i + 1) & (m->index_cap - 1))
		if (keys_equal(m->keys[m->index[i] - 1], key))
			return &m->values[m->index[i] - 1];
	return NULL;
}

static void mapping_append(struct yaml_context *c, struct yaml_mapping *m, struct yaml_value *key,
			   struct yaml_value *val)
{
	size_t i;

	if (m->len == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct yaml_value **keys = arena_alloc(c->arena, cap * sizeof(*keys));
		struct yaml_value **values = arena_alloc(c->arena, cap * sizeof(*values));

		if (m->len) {
			memcpy(keys, m->keys, m->len * sizeof(*keys));
			memcpy(values, m->values, m->len * sizeof(*values));
		}
		m->keys = keys;
		m->values = values;
		m->cap = cap;
		m->index = NULL;
		if (cap > 8)
			mapping_reindex(c, m);
	}
	m->keys[m->len] = key;
	m->values[m->len++] = val;
	if (m->index) {
		for (i = key_hash(key) & (m->index_cap - 1); m->index[i];
		     i = (i + 1) & (m->index_cap - 1))
			;
		m->index[i] = m->len;
	}
}

/* Go's %#v of a decoded value, for the messages that quote one. */
static void format_go_value(struct buf *b, const struct yaml_value *v, int depth);

/* strconv.Quote: printable characters as they are, the rest escaped. */
static void format_go_string(struct buf *b, const char *s, size_t len)
{
	static const char escapes[] = "\a\b\f\n\r\t\v";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	buf_append(b, "\"", 1);
	while (i < len) {
		uint32_t r;
		size_t width = utf8_decode(s + i, len - i, &r);
		const char *e;

		e = r && r < 0x80 ? strchr(escapes, (int)r) : NULL;
		if (r == 0xFFFD && width == 1)
			buf_printf(b, "\\x%02x", p[i]);
		else if (r == '"' || r == '\\')
			buf_printf(b, "\\%c", (char)r);
		else if (unicode_is_print(r))
			buf_append(b, s + i, width);
		else if (e)
			buf_printf(b, "\\%c", "abfnrtv"[e - escapes]);
		else if (r < ' ' || r == 0x7F)
			buf_printf(b, "\\x%02x", r);
		else if (r < 0x10000)
			buf_printf(b, "\\u%04x", r);
		else
			buf_printf(b, "\\U%08x", r);
		i += width;
	}
	buf_append(b, "\"", 1);
}

/*
 * fmt prints a map's keys sorted: by dynamic type (in the order the Go
 * linker lays the types out, which is by name: nil, bool, float64, int,
 * string, uint64), then by value, NaN first among floats.
 */
static __thread const struct yaml_mapping *sort_mapping;

static int go_type_rank(const struct yaml_value *v)
{
	static const int rank[] = {
	    [YAML_VALUE_NULL] = 0,     [YAML_VALUE_BOOL] = 1,	[YAML_VALUE_FLOAT] = 2,
	    [YAML_VALUE_INT] = 3,      [YAML_VALUE_STRING] = 4, [YAML_VALUE_UINT] = 5,
	    [YAML_VALUE_SEQUENCE] = 6, [YAML_VALUE_MAPPING] = 7};

	return rank[v->kind];
}

static int compare_go_keys(const void *pa, const void *pb)
{
	const struct yaml_value *a = sort_mapping->keys[*(const size_t *)pa];
	const struct yaml_value *b = sort_mapping->keys[*(const size_t *)pb];
	size_t n;
	int cmp;

	if (go_type_rank(a) != go_type_rank(b))
		return go_type_rank(a) - go_type_rank(b);
	switch (a->kind) {
	case YAML_VALUE_BOOL:
		return (int)a->b - (int)b->b;
	case YAML_VALUE_FLOAT:
		if (isnan(a->f))
			return -1;
		if (isnan(b->f))
			return 1;
		return a->f < b->f ? -1 : a->f > b->f;
	case YAML_VALUE_INT:
		return a->i < b->i ? -1 : a->i > b->i;
	case YAML_VALUE_UINT:
		return a->u < b->u ? -1 : a->u > b->u;
	case YAML_VALUE_STRING:
		n = a->str.len < b->str.len ? a->str.len : b->str.len;
		cmp = memcmp(a->str.text, b->str.text, n);
		if (cmp)
			return cmp;
		return a->str.len < b->str.len ? -1 : a->str.len > b->str.len;
	default:
		return 0;
	}
}

static void format_go_value(struct buf *b, const struct yaml_value *v, int depth)
{
	char num[GO_FLOAT_BUF];
	size_t i;

	if (depth > 64) {
		buf_append_str(b, "...");
		return;
	}
	switch (v->kind) {
	case YAML_VALUE_NULL:
		buf_append_str(b, depth ? "interface {}(nil)" : "<nil>");
		break;
	case YAML_VALUE_BOOL:
		buf_append_str(b, v->b ? "true" : "false");
		break;
	case YAML_VALUE_INT:
		buf_printf(b, "%lld", (long long)v->i);
		break;
	case YAML_VALUE_UINT:
		buf_printf(b, "0x%llx", (unsigned long long)v->u);
		break;
	case YAML_VALUE_FLOAT:
		go_format_float_g(v->f, 64, num);
		buf_append_str(b, !strcmp(num, ".inf")	  ? "+Inf"
				  : !strcmp(num, "-.inf") ? "-Inf"
				  : !strcmp(num, ".nan")  ? "NaN"
							  : num);
		break;
	case YAML_VALUE_STRING:
		format_go_string(b, v->str.text, v->str.len);
		break;
	case YAML_VALUE_SEQUENCE:
		buf_append_str(b, "[]interface {}{");
		for (i = 0; i < v->seq.len; i++) {
			buf_append_str(b, i ? ", " : "");
			format_go_value(b, v->seq.items[i], depth + 1);
		}
		buf_append_str(b, "}");
		break;
	case YAML_VALUE_MAPPING: {
		size_t *order = malloc((v->map->len + 1) * sizeof(*order));

		if (!order)
			abort();
		for (i = 0; i < v->map->len; i++)
			order[i] = i;
		sort_mapping = v->map;
		qsort(order, v->map->len, sizeof(*order), compare_go_keys);
		buf_append_str(b, "map[interface {}]interface {}{");
		for (i = 0; i < v->map->len; i++) {
			buf_append_str(b, i ? ", " : "");
			format_go_value(b, v->map->keys[order[i]], depth + 1);
			buf_append_str(b, ":");
			format_go_value(b, v->map->values[order[i]], depth + 1);
		}
		buf_append_str(b, "}");
		free(order);
		break;
	}
	}
}

/* goyaml's setMapIndex: strict mode notes the repeat (and keeps the first), otherwise the last
 * wins. */
static void mapping_set(struct decoder *d, struct yaml_mapping *m, struct yaml_value *key,
			struct yaml_value *val, const struct yaml_node *value_node)
{
	struct yaml_value **existing = mapping_find(m, key);

	if (!existing) {
		mapping_append(d->c, m, key, val);
		return;
	}
	buf_printf(d->c->strict, "\n  line %zu: key %s already set in map", value_node->line + 1,
		   yaml_value_go_text(d->c, key));
	*existing = val;
}

static struct yaml_value *new_value(struct yaml_context *c, enum yaml_value_kind kind)
{
	struct yaml_value *v = arena_alloc(c->arena, sizeof(*v));

	memset(v, 0, sizeof(*v));
	v->kind = kind;
	return v;
}

static const char *short_tag(const char *tag)
{
	static __thread char shortened[64];

	if (!strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX)) &&
	    strlen(tag) - strlen(TAG_PREFIX) + 3 <= sizeof(shortened)) {
		snprintf(shortened, sizeof(shortened), "!!%s", tag + strlen(TAG_PREFIX));
		return shortened;
	}
	return tag;
}

static bool tag_is(const char *tag, const char *want)
{
	return tag && !strcmp(tag, want);
}

/* Go's base64.StdEncoding.DecodeString: padding required, line breaks skipped. */
static bool decode_base64(struct yaml_context *c, const char *s, size_t len, struct yaml_value *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char *data = arena_alloc(c->arena, len / 4 * 3 + 3);
	unsigned quad[4];
	size_t i = 0, n = 0, q = 0, pad = 0;

	for (i = 0; i < len; i++) {
		const char *p;

		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (pad) {
			/* After padding only more padding may complete the quantum. */
			if (s[i] != '=' || q == 4)
				return false;
			pad++;
			q++;
			continue;
		}
		if (s[i] == '=') {
			if (q < 2)
				return false;
			pad = 1;
			q++;
			continue;
		}
		p = s[i] ? strchr(alphabet, s[i]) : NULL;
		if (!p)
			return false;
		quad[q++] = (unsigned)(p - alphabet);
		if (q == 4) {
			data[n++] = (unsigned char)(quad[0] << 2 | quad[1] >> 4);
			data[n++] = (unsigned char)(quad[1] << 4 | quad[2] >> 2);
			data[n++] = (unsigned char)(quad[2] << 6 | quad[3]);
			q = 0;
		}
	}
	if (pad) {
		if (q != 4)
			return false;
		data[n++] = (unsigned char)(quad[0] << 2 | quad[1] >> 4);
		if (pad == 1)
			data[n++] = (unsigned char)(quad[1] << 4 | quad[2] >> 2);
	} else if (q) {
		return false;
	}
	out->kind = YAML_VALUE_STRING;
	out->str.text = (const char *)data;
	out->str.len = n;
	return true;
}

static bool resolvable_tag(const char *tag)
{
	return !tag || tag_is(tag, TAG_STR) || tag_is(tag, TAG_BOOL) || tag_is(tag, TAG_INT) ||
	       tag_is(tag, TAG_FLOAT) || tag_is(tag, TAG_NULL) || tag_is(tag, TAG_TIMESTAMP);
}

/* goyaml's d.scalar() into an interface{}, with resolve()'s tag checks. */
static struct yaml_value *decode_scalar(struct decoder *d, const struct yaml_node *n)
{
	static const char *const resolved_tags[] = {
	    [YAML_SCALAR_NULL] = TAG_NULL,
	    [YAML_SCALAR_BOOL] = TAG_BOOL,
	    [YAML_SCALAR_INT] = TAG_INT,
	    [YAML_SCALAR_UINT] = TAG_INT,
	    [YAML_SCALAR_FLOAT] = TAG_FLOAT,
	    [YAML_SCALAR_STR] = TAG_STR,
	    [YAML_SCALAR_TIMESTAMP] = TAG_TIMESTAMP,
	};
	struct yaml_value *v = new_value(d->c, YAML_VALUE_STRING);
	struct yaml_scalar s;
	const char *rtag;

	v->str.text = n->text;
	v->str.len = n->len;
	if (!n->tag && !n->plain_implicit)
		return v; /* quoted */
	if (!resolvable_tag(n->tag)) {
		if (tag_is(n->tag, TAG_BINARY) && !decode_base64(d->c, n->text, n->len, v)) {
			yaml_fail(d->c, "yaml: !!binary value contains invalid base64 data");
			return NULL;
		}
		return v;
	}
	if (tag_is(n->tag, TAG_STR))
		return v;
	yaml_scalar_resolve(n->text, n->len, !n->tag || tag_is(n->tag, TAG_TIMESTAMP), &s);
	rtag = resolved_tags[s.kind];
	if (n->tag && strcmp(n->tag, rtag)) {
		if (!(tag_is(n->tag, TAG_FLOAT) && s.kind == YAML_SCALAR_INT)) {
			char tag_text[64];

			snprintf(tag_text, sizeof(tag_text), "%s", short_tag(rtag));
			yaml_fail(d->c, "yaml: cannot decode %s `%.*s` as a %s", tag_text,
				  (int)n->len, n->text, short_tag(n->tag));
			return NULL;
		}
		s.kind = YAML_SCALAR_FLOAT;
		s.f = (double)s.i;
	}
	switch (s.kind) {
	case YAML_SCALAR_NULL:
		v->kind = YAML_VALUE_NULL;
		break;
	case YAML_SCALAR_BOOL:
		v->kind = YAML_VALUE_BOOL;
		v->b = s.b;
		break;
	case YAML_SCALAR_INT:
		v->kind = YAML_VALUE_INT;
		v->i = s.i;
		break;
	case YAML_SCALAR_UINT:
		v->kind = YAML_VALUE_UINT;
		v->u = s.u;
		break;
	case YAML_SCALAR_FLOAT:
		v->kind = YAML_VALUE_FLOAT;
		v->f = s.f;
		break;
	case YAML_SCALAR_STR:
	case YAML_SCALAR_TIMESTAMP: /* kept as its text, for backward compatibility upstream */
		break;
	}
	return v;
}

static bool is_merge_key(const struct yaml_node *n)
{
	return n->kind == YAML_NODE_SCALAR && n->len == 2 && !memcmp(n->text, "<<", 2) &&
	       (n->plain_implicit || tag_is(n->tag, TAG_MERGE));
}

/* goyaml's per-step accounting; false once aliases have expanded too far. */
static bool count_decode_step(struct decoder *d)
{
	double allowed, used;

	d->decode_count++;
	if (d->alias_depth > 0)
		d->alias_count++;
	if (d->alias_count <= 100 || d->decode_count <= 1000)
		return true;
	if (d->decode_count <= ALIAS_RATIO_RANGE_LOW)
		allowed = 0.99;
	else if (d->decode_count >= ALIAS_RATIO_RANGE_HIGH)
		allowed = 0.10;
	else
		allowed = 0.99 - 0.89 * ((double)(d->decode_count - ALIAS_RATIO_RANGE_LOW) /
					 (double)(ALIAS_RATIO_RANGE_HIGH - ALIAS_RATIO_RANGE_LOW));
	used = (double)d->alias_count / (double)d->decode_count;
	if (used > allowed)
		return yaml_fail(d->c, "yaml: document contains excessive aliasing");
	return true;
}

enum frame_kind {
	FRAME_DECODE,	  /* decode node, into a fresh value or into the mapping `into` */
	FRAME_ALIAS_DONE, /* the alias's target has been decoded */
	FRAME_SEQUENCE,	  /* decoding items; `next` is the next item */
	FRAME_MAPPING,	  /* decoding pairs; `next` is the next key or value */
	FRAME_MERGE_LIST, /* merging a sequence of maps, last first; `next` counts down */
};

struct frame {
	enum frame_kind kind;
	const struct yaml_node *node;
	struct yaml_value *value; /* the collection being filled */
	struct yaml_mapping *into;
	struct yaml_value *key; /* FRAME_MAPPING: the key whose value is being decoded */
	size_t next;
	bool fresh; /* a collection of its own, counted in the depth */
};

struct frame_stack {
	struct frame *frames;
	size_t len, cap;
};

static struct frame *push(struct frame_stack *s, enum frame_kind kind, const struct yaml_node *n,
			  struct yaml_mapping *into)
{
	struct frame *f;

	s->frames = yaml_grow(s->frames, &s->cap, s->len + 1, sizeof(*s->frames));
	f = &s->frames[s->len++];
	*f = (struct frame){.kind = kind, .node = n, .into = into};
	return f;
}

static bool enter_collection(struct decoder *d, struct frame *f, enum frame_kind kind,
			     struct yaml_value *v)
{
	f->kind = kind;
	f->value = v;
	f->next = 0;
	if (f->fresh && ++d->depth > YAML_JSON_MAX_DEPTH)
		return yaml_fail(
		    d->c,
		    "couldn't get version/kind; json parse error: invalid character '%c' "
		    "exceeded max depth",
		    kind == FRAME_SEQUENCE ? '[' : '{');
	return true;
}

/* A FRAME_DECODE step: scalars finish at once, the rest set up their frames. */
static bool decode_step(struct decoder *d, struct frame_stack *s, struct yaml_value **result)
{
	struct frame *f = &s->frames[s->len - 1];
	const struct yaml_node *n = f->node;
	struct yaml_value *v;

	if (!count_decode_step(d))
		return false;
	switch (n->kind) {
	case YAML_NODE_ALIAS:
		if (n->expanding)
			return yaml_fail(d->c, "yaml: anchor '%s' value contains itself", n->text);
		((struct yaml_node *)n)->expanding = true;
		d->alias_depth++;
		f->kind = FRAME_ALIAS_DONE;
		push(s, FRAME_DECODE, n->target, f->into);
		return true;
	case YAML_NODE_SCALAR:
		*result = decode_scalar(d, n);
		s->len--;
		return *result != NULL;
	case YAML_NODE_SEQUENCE:
		v = new_value(d->c, YAML_VALUE_SEQUENCE);
		v->seq.items =
		    arena_alloc(d->c->arena, (n->num_children + 1) * sizeof(*v->seq.items));
		v->seq.len = n->num_children;
		f->fresh = true;
		return enter_collection(d, f, FRAME_SEQUENCE, v);
	case YAML_NODE_MAPPING:
		if (f->into) {
			v = NULL;
		} else {
			v = new_value(d->c, YAML_VALUE_MAPPING);
			v->map = arena_alloc(d->c->arena, sizeof(*v->map));
			memset(v->map, 0, sizeof(*v->map));
			f->into = v->map;
			f->fresh = true;
		}
		return enter_collection(d, f, FRAME_MAPPING, v);
	}
	return false;
}

static bool fail_want_map(struct decoder *d)
{
	return yaml_fail(d->c, "yaml: map merge requires map or sequence of maps as the value");
}

static bool merge_source_ok(const struct yaml_node *n)
{
	return n->kind == YAML_NODE_MAPPING ||
	       (n->kind == YAML_NODE_ALIAS && n->target->kind == YAML_NODE_MAPPING);
}

/* goyaml's d.merge(): the value of a "<<" key is decoded into the mapping being built. */
static bool start_merge(struct decoder *d, struct frame_stack *s, const struct yaml_node *n,
			struct yaml_mapping *into)
{
	struct frame *f;

	switch (n->kind) {
	case YAML_NODE_MAPPING:
	case YAML_NODE_ALIAS:
		if (!merge_source_ok(n))
			return fail_want_map(d);
		push(s, FRAME_DECODE, n, into);
		return true;
	case YAML_NODE_SEQUENCE:
		/* Step backwards, as earlier maps take precedence. */
		f = push(s, FRAME_MERGE_LIST, n, into);
		f->next = n->num_children;
		return true;
	default:
		return fail_want_map(d);
	}
}

/* Resumes the frame on top after its child has finished with *result. */
static bool resume(struct decoder *d, struct frame_stack *s, struct yaml_value **result)
{
	struct frame *f = &s->frames[s->len - 1];
	const struct yaml_node *n = f->node, *child;

	switch (f->kind) {
	case FRAME_DECODE:
		return decode_step(d, s, result);
	case FRAME_ALIAS_DONE:
		d->alias_depth--;
		((struct yaml_node *)n)->expanding = false;
		s->len--;
		return true;
	case FRAME_SEQUENCE:
		if (f->next > 0)
			f->value->seq.items[f->next - 1] = *result;
		if (f->next < n->num_children) {
			child = n->children[f->next++];
			push(s, FRAME_DECODE, child, NULL);
			return true;
		}
		break;
	case FRAME_MAPPING:
		/* next is even before a key is decoded, odd before its value. */
		if (f->next % 2 == 1 && !f->key) {
			f->key = *result;
			if (f->key->kind == YAML_VALUE_SEQUENCE ||
			    f->key->kind == YAML_VALUE_MAPPING)
				return yaml_fail(d->c, "yaml: invalid map key: %s",
						 yaml_value_go_text(d->c, f->key));
			push(s, FRAME_DECODE, n->children[f->next++], NULL);
			return true;
		}
		if (f->next % 2 == 0 && f->key) {
			mapping_set(d, f->into, f->key, *result, n->children[f->next - 1]);
			f->key = NULL;
		}
		if (f->next < n->num_children) {
			child = n->children[f->next];
			if (is_merge_key(child)) {
				f->next += 2;
				return start_merge(d, s, n->children[f->next - 1], f->into);
			}
			f->next++;
			push(s, FRAME_DECODE, child, NULL);
			return true;
		}
		break;
	case FRAME_MERGE_LIST:
		if (f->next == 0) {
			s->len--;
			return true;
		}
		child = n->children[--f->next];
		if (!merge_source_ok(child))
			return fail_want_map(d);
		push(s, FRAME_DECODE, child, f->into);
		return true;
	}
	/* A collection is complete. */
	if (f->fresh)
		d->depth--;
	*result = f->value;
	s->len--;
	return true;
}

struct yaml_value *yaml_decode(struct yaml_context *c, const struct yaml_node *root)
{
	struct decoder d = {.c = c, .decode_count = 1}; /* the document node counts too */
	struct frame_stack s = {0};
	struct yaml_value *result = NULL;
	bool ok = true;

	push(&s, FRAME_DECODE, root, NULL);
	while (ok && s.len)
		ok = resume(&d, &s, &result);
	free(s.frames);
	return ok ? result : NULL;
}

const char *yaml_value_go_text(struct yaml_context *c, const struct yaml_value *v)
{
	struct buf b = {0};
	const char *out;

	buf_append_str(&b, "");
	format_go_value(&b, v, 0);
	out = arena_strndup(c->arena, b.data, b.len);
	buf_free(&b);
	return out;
}
