/*
 * fieldset.c - sets of field paths and the typed walks that make and use
 * them (see fieldset.h).
 *
 * A set is a sorted array of entries, one per path element, each with a
 * member flag and an optional child set; the order is upstream's
 * (PathElement.Compare): fields, then keys, then values, then indexes,
 * keys and values compared as structured-merge-diff compares values
 * (numbers, then strings, then booleans, then the rest). The set
 * operations merge the sorted arrays.
 *
 * The typed walks are in fieldset_typed.c.
 */
#include "fieldset.h"
#include "shared/fieldset_internal.h"
#include "shared/gojson.h"
#include "shared/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values: upstream's JSON text and order ---- */

/* Go's encoding/json form: sorted keys, <, > and & escaped. */
static void go_json(json_t *v, char **out, size_t *len, size_t *cap);

static void put(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*out = xrealloc(*out, *cap);
	}
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
}

static void go_string(const char *s, size_t n, char **out, size_t *len, size_t *cap)
{
	static const char hex[] = "0123456789abcdef";

	put(out, len, cap, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(out, len, cap, esc, 2);
		} else if (c == '\n') {
			put(out, len, cap, "\\n", 2);
		} else if (c == '\r') {
			put(out, len, cap, "\\r", 2);
		} else if (c == '\t') {
			put(out, len, cap, "\\t", 2);
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			snprintf(esc, sizeof(esc), "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			put(out, len, cap, esc, 6);
		} else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			put(out, len, cap, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029",
			    6);
			i += 2;
		} else {
			put(out, len, cap, (const char *)&s[i], 1);
		}
	}
	put(out, len, cap, "\"", 1);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void go_json(json_t *v, char **out, size_t *len, size_t *cap)
{
	char num[64];

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v), i = 0;
		const char **keys = xrealloc(NULL, n * sizeof(*keys));
		const char *k;
		json_t *item;

		json_object_foreach(v, k, item) keys[i++] = k;
		qsort(keys, n, sizeof(*keys), key_cmp);
		put(out, len, cap, "{", 1);
		for (i = 0; i < n; i++) {
			if (i)
				put(out, len, cap, ",", 1);
			go_string(keys[i], strlen(keys[i]), out, len, cap);
			put(out, len, cap, ":", 1);
			go_json(json_object_get(v, keys[i]), out, len, cap);
		}
		put(out, len, cap, "}", 1);
		free(keys);
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *item;

		put(out, len, cap, "[", 1);
		json_array_foreach(v, i, item)
		{
			if (i)
				put(out, len, cap, ",", 1);
			go_json(item, out, len, cap);
		}
		put(out, len, cap, "]", 1);
		break;
	}
	case JSON_STRING:
		go_string(json_string_value(v), json_string_length(v), out, len, cap);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		put(out, len, cap, num, strlen(num));
		break;
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.17g", json_real_value(v));
		/* The shortest text that reads back the same, as Go writes floats. */
		for (int prec = 1; prec <= 17; prec++) {
			char t[64];

			snprintf(t, sizeof(t), "%.*g", prec, json_real_value(v));
			if (strtod(t, NULL) == json_real_value(v)) {
				memcpy(num, t, sizeof(t));
				break;
			}
		}
		put(out, len, cap, num, strlen(num));
		break;
	case JSON_TRUE:
		put(out, len, cap, "true", 4);
		break;
	case JSON_FALSE:
		put(out, len, cap, "false", 5);
		break;
	case JSON_NULL:
		put(out, len, cap, "null", 4);
		break;
	}
}

static char *go_json_text(const char *prefix, json_t *v)
{
	char *out = NULL;
	size_t len = 0, cap = 0;

	put(&out, &len, &cap, prefix, strlen(prefix));
	go_json(v, &out, &len, &cap);
	return out;
}

/* The rank of a value's type in upstream's total order of values. */
static int value_rank(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_INTEGER:
	case JSON_REAL:
		return 0;
	case JSON_STRING:
		return 1;
	case JSON_TRUE:
	case JSON_FALSE:
		return 2;
	case JSON_ARRAY:
		return 3;
	case JSON_OBJECT:
		return 4;
	default:
		return 5;
	}
}

static int value_cmp(json_t *a, json_t *b)
{
	int ra = value_rank(a), rb = value_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	switch (ra) {
	case 0: {
		double x = json_number_value(a), y = json_number_value(b);

		if (json_is_integer(a) && json_is_integer(b)) {
			json_int_t i = json_integer_value(a), j = json_integer_value(b);

			return i < j ? -1 : i > j;
		}
		return x < y ? -1 : x > y;
	}
	case 1: {
		int c = strcmp(json_string_value(a), json_string_value(b));

		return c < 0 ? -1 : c > 0;
	}
	case 2:
		return json_is_true(a) == json_is_true(b) ? 0 : json_is_true(a) ? 1 : -1;
	case 3: {
		size_t n = json_array_size(a) < json_array_size(b) ? json_array_size(a)
								   : json_array_size(b);

		for (size_t i = 0; i < n; i++) {
			int c = value_cmp(json_array_get(a, i), json_array_get(b, i));

			if (c)
				return c;
		}
		return json_array_size(a) < json_array_size(b)	 ? -1
		       : json_array_size(a) > json_array_size(b) ? 1
								 : 0;
	}
	case 4: {
		char *x = go_json_text("", a), *y = go_json_text("", b);
		int c = strcmp(x, y);

		free(x);
		free(y);
		return c < 0 ? -1 : c > 0;
	}
	default:
		return 0;
	}
}

/* A key's fields, sorted by name: compared name, then value, in turn. */
static int key_fields_cmp(json_t *a, json_t *b)
{
	size_t na = json_object_size(a), nb = json_object_size(b), i;
	const char **ka = xrealloc(NULL, na * sizeof(*ka)), **kb = xrealloc(NULL, nb * sizeof(*kb));
	const char *k;
	json_t *v;
	int c = 0;

	i = 0;
	json_object_foreach(a, k, v) ka[i++] = k;
	i = 0;
	json_object_foreach(b, k, v) kb[i++] = k;
	qsort(ka, na, sizeof(*ka), key_cmp);
	qsort(kb, nb, sizeof(*kb), key_cmp);
	for (i = 0; !c && i < na && i < nb; i++) {
		c = strcmp(ka[i], kb[i]);
		c = c < 0 ? -1 : c > 0;
		if (!c)
			c = value_cmp(json_object_get(a, ka[i]), json_object_get(b, kb[i]));
	}
	if (!c && na != nb)
		c = na < nb ? -1 : 1;
	free(ka);
	free(kb);
	return c;
}

int pe_cmp(const struct pe *a, const struct pe *b)
{
	int c;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	switch (a->kind) {
	case PE_FIELD:
		c = strcmp(a->text, b->text);
		return c < 0 ? -1 : c > 0;
	case PE_KEY:
		return key_fields_cmp(a->json, b->json);
	case PE_VALUE:
		return value_cmp(a->json, b->json);
	case PE_INDEX:
		return a->index < b->index ? -1 : a->index > b->index;
	}
	return 0;
}

void pe_free(struct pe *pe)
{
	free(pe->text);
	json_decref(pe->json);
}

struct pe pe_copy(const struct pe *pe)
{
	struct pe c = *pe;

	c.text = xstrdup(pe->text);
	c.json = json_incref(pe->json);
	return c;
}

struct pe pe_field(const char *name)
{
	struct pe pe = {PE_FIELD, NULL, NULL, 0};
	size_t n = strlen(name);

	pe.text = xrealloc(NULL, n + 3);
	memcpy(pe.text, "f:", 2);
	memcpy(pe.text + 2, name, n + 1);
	return pe;
}

/* A key element from its fields (an object: the reference is taken). */
struct pe pe_key(json_t *fields)
{
	struct pe pe = {PE_KEY, go_json_text("k:", fields), fields, 0};

	return pe;
}

struct pe pe_value(json_t *v)
{
	struct pe pe = {PE_VALUE, go_json_text("v:", v), json_incref(v), 0};

	return pe;
}

struct pe pe_index(long i)
{
	struct pe pe = {PE_INDEX, NULL, NULL, i};
	char text[32];

	snprintf(text, sizeof(text), "i:%ld", i);
	pe.text = xstrdup(text);
	return pe;
}

/* Parses a serialized element; 1 = parsed, 0 = unknown type (skip), -1 = bad. */
static int pe_parse(const char *s, struct pe *out)
{
	json_t *v;
	char *end;
	long i;

	if (strlen(s) < 2 || s[1] != ':')
		return -1;
	switch (s[0]) {
	case 'f':
		*out = pe_field(s + 2);
		return 1;
	case 'k':
		v = json_loads(s + 2, JSON_DECODE_ANY, NULL);
		if (!json_is_object(v)) {
			json_decref(v);
			return -1;
		}
		*out = pe_key(v);
		return 1;
	case 'v':
		v = json_loads(s + 2, JSON_DECODE_ANY, NULL);
		if (!v)
			return -1;
		*out = pe_value(v);
		json_decref(v);
		return 1;
	case 'i':
		i = strtol(s + 2, &end, 10);
		if (!s[2] || *end)
			return -1;
		*out = pe_index(i);
		return 1;
	default:
		return 0;
	}
}

/* ---- the set ---- */

struct fieldset *fieldset_new(void)
{
	struct fieldset *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	return s;
}

void fieldset_free(struct fieldset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		pe_free(&s->e[i].pe);
		fieldset_free(s->e[i].children);
	}
	free(s->e);
	free(s);
}

struct fieldset *fieldset_copy(const struct fieldset *s)
{
	struct fieldset *c = fieldset_new();

	c->cap = c->n = s->n;
	c->e = xrealloc(NULL, s->n * sizeof(*c->e));
	for (size_t i = 0; i < s->n; i++) {
		c->e[i].pe = pe_copy(&s->e[i].pe);
		c->e[i].member = s->e[i].member;
		c->e[i].children = s->e[i].children ? fieldset_copy(s->e[i].children) : NULL;
	}
	return c;
}

bool fieldset_empty(const struct fieldset *s)
{
	for (size_t i = 0; s && i < s->n; i++)
		if (s->e[i].member || !fieldset_empty(s->e[i].children))
			return false;
	return true;
}

bool fieldset_equal(const struct fieldset *a, const struct fieldset *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct entry *x = &a->e[i], *y = &b->e[i];

		if (pe_cmp(&x->pe, &y->pe) || x->member != y->member)
			return false;
		if (fieldset_empty(x->children) != fieldset_empty(y->children))
			return false;
		if (x->children && y->children && !fieldset_equal(x->children, y->children))
			return false;
	}
	return true;
}

/* The entry for pe: found, or inserted in order (pe is taken either way). */
struct entry *entry_of(struct fieldset *s, struct pe pe)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = pe_cmp(&s->e[mid].pe, &pe);

		if (c == 0) {
			pe_free(&pe);
			return &s->e[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->e = xrealloc(s->e, s->cap * sizeof(*s->e));
	}
	memmove(&s->e[lo + 1], &s->e[lo], (s->n - lo) * sizeof(*s->e));
	s->n++;
	s->e[lo] = (struct entry){pe, false, NULL};
	return &s->e[lo];
}

const struct entry *fieldset_find_entry(const struct fieldset *s, const struct pe *pe)
{
	size_t lo = 0, hi = s ? s->n : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = pe_cmp(&s->e[mid].pe, pe);

		if (c == 0)
			return &s->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct fieldset *children_of(struct entry *e)
{
	if (!e->children)
		e->children = fieldset_new();
	return e->children;
}

int fieldset_insert(struct fieldset *s, const char *const *path, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct pe pe;
		struct entry *e;

		if (pe_parse(path[i], &pe) != 1)
			return -1;
		e = entry_of(s, pe);
		if (i + 1 == n)
			e->member = true;
		else
			s = children_of(e);
	}
	return 0;
}

bool fieldset_has(const struct fieldset *s, const char *const *path, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct pe pe;
		const struct entry *e;

		if (pe_parse(path[i], &pe) != 1)
			return false;
		e = fieldset_find_entry(s, &pe);
		pe_free(&pe);
		if (!e)
			return false;
		if (i + 1 == n)
			return e->member;
		s = e->children;
	}
	return false;
}

enum set_op { OP_UNION, OP_INTERSECTION, OP_DIFFERENCE, OP_RECURSIVE_DIFFERENCE };

/* Appends an entry (children taken) when it holds anything. */
void fieldset_append(struct fieldset *out, const struct pe *pe, bool member,
		     struct fieldset *children)
{
	if (children && fieldset_empty(children)) {
		fieldset_free(children);
		children = NULL;
	}
	if (!member && !children)
		return;
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 4;
		out->e = xrealloc(out->e, out->cap * sizeof(*out->e));
	}
	out->e[out->n++] = (struct entry){pe_copy(pe), member, children};
}

static struct fieldset *set_op(const struct fieldset *a, const struct fieldset *b, enum set_op op);

static struct fieldset *child_op(const struct fieldset *a, const struct fieldset *b, enum set_op op)
{
	static const struct fieldset none;

	if (!a && !b)
		return NULL;
	return set_op(a ? a : &none, b ? b : &none, op);
}

static struct fieldset *set_op(const struct fieldset *a, const struct fieldset *b, enum set_op op)
{
	struct fieldset *out = fieldset_new();
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		int c = i == a->n ? 1 : j == b->n ? -1 : pe_cmp(&a->e[i].pe, &b->e[j].pe);
		const struct entry *x = c <= 0 ? &a->e[i] : NULL, *y = c >= 0 ? &b->e[j] : NULL;

		switch (op) {
		case OP_UNION:
			fieldset_append(
			    out, x ? &x->pe : &y->pe, (x && x->member) || (y && y->member),
			    child_op(x ? x->children : NULL, y ? y->children : NULL, op));
			break;
		case OP_INTERSECTION:
			if (x && y)
				fieldset_append(out, &x->pe, x->member && y->member,
						x->children && y->children
						    ? child_op(x->children, y->children, op)
						    : NULL);
			break;
		case OP_DIFFERENCE:
			if (x)
				fieldset_append(
				    out, &x->pe, x->member && !(y && y->member),
				    x->children ? child_op(x->children, y ? y->children : NULL, op)
						: NULL);
			break;
		case OP_RECURSIVE_DIFFERENCE:
			if (x && !(y && y->member))
				fieldset_append(
				    out, &x->pe, x->member,
				    x->children ? child_op(x->children, y ? y->children : NULL, op)
						: NULL);
			break;
		}
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	return out;
}

struct fieldset *fieldset_union(const struct fieldset *a, const struct fieldset *b)
{
	return set_op(a, b, OP_UNION);
}

struct fieldset *fieldset_intersection(const struct fieldset *a, const struct fieldset *b)
{
	return set_op(a, b, OP_INTERSECTION);
}

struct fieldset *fieldset_difference(const struct fieldset *a, const struct fieldset *b)
{
	return set_op(a, b, OP_DIFFERENCE);
}

struct fieldset *fieldset_recursive_difference(const struct fieldset *a, const struct fieldset *b)
{
	return set_op(a, b, OP_RECURSIVE_DIFFERENCE);
}

/* ---- FieldsV1 ---- */

/* Reads one level into *out (NULL: no children); *member says whether
 * the object marks its own path. */
static int read_level(json_t *obj, struct fieldset **out, bool *member, char *err, size_t err_len,
		      int depth)
{
	const char *k;
	json_t *v;

	*out = NULL;
	*member = false;
	if (depth > 200) {
		snprintf(err, err_len, "fields nest too deep");
		return -1;
	}
	json_object_foreach(obj, k, v)
	{
		struct fieldset *children;
		struct entry *e;
		bool child_member;
		struct pe pe;
		int rc;

		if (strcmp(k, ".") == 0) {
			*member = true;
			continue;
		}
		rc = pe_parse(k, &pe);
		if (rc == 0)
			continue; /* a type a later version may know: dropped */
		if (rc > 0 && !json_is_object(v))
			pe_free(&pe);
		if (rc < 0 || !json_is_object(v)) {
			snprintf(err, err_len, "parsing key as path element: %s", k);
			goto fail;
		}
		if (read_level(v, &children, &child_member, err, err_len, depth + 1) < 0) {
			pe_free(&pe);
			goto fail;
		}
		if (!*out)
			*out = fieldset_new();
		e = entry_of(*out, pe);
		e->member = e->member || child_member;
		if (children && e->children) {
			struct fieldset *u = fieldset_union(e->children, children);

			fieldset_free(children);
			children = u;
		}
		if (children) {
			fieldset_free(e->children);
			e->children = children;
		}
	}
	if (!*out)
		*member = true; /* no children: the path itself */
	return 0;
fail:
	fieldset_free(*out);
	*out = NULL;
	return -1;
}

struct fieldset *fieldset_from_json(json_t *fields, char *err, size_t err_len)
{
	struct fieldset *s;
	bool member;

	if (!json_is_object(fields)) {
		snprintf(err, err_len, "fields are not an object");
		return NULL;
	}
	if (read_level(fields, &s, &member, err, err_len, 0) < 0)
		return NULL;
	return s ? s : fieldset_new();
}

static json_t *write_level(const struct fieldset *s, bool self)
{
	json_t *obj = json_object();

	for (size_t i = 0; s && i < s->n; i++) {
		const struct entry *e = &s->e[i];
		bool has_children = !fieldset_empty(e->children);

		if (has_children)
			json_object_set_new(obj, e->pe.text, write_level(e->children, e->member));
		else if (e->member)
			json_object_set_new(obj, e->pe.text, json_object());
	}
	if (self && json_object_size(obj))
		json_object_set_new(obj, ".", json_object());
	return obj;
}

json_t *fieldset_to_json(const struct fieldset *s)
{
	return write_level(s, false);
}

/* Go's %q of a string, which upstream's path printing uses. */
static void go_quote(const char *s, char **out, size_t *len, size_t *cap)
{
	struct buf q = {0};

	gojson_quote(&q, s, strlen(s));
	put(out, len, cap, q.data, q.len);
	buf_free(&q);
}

/* value.ToString: strings quoted, numbers and booleans bare. */
static void value_string(json_t *v, char **out, size_t *len, size_t *cap)
{
	if (json_is_string(v))
		go_quote(json_string_value(v), out, len, cap);
	else
		go_json(v, out, len, cap);
}

static void path_element_string(const struct pe *pe, char **out, size_t *len, size_t *cap)
{
	switch (pe->kind) {
	case PE_FIELD:
		put(out, len, cap, ".", 1);
		put(out, len, cap, pe->text + 2, strlen(pe->text + 2));
		break;
	case PE_KEY: {
		size_t n = json_object_size(pe->json), i = 0;
		const char **keys = xrealloc(NULL, n * sizeof(*keys));
		const char *k;
		json_t *v;

		json_object_foreach(pe->json, k, v) keys[i++] = k;
		qsort(keys, n, sizeof(*keys), key_cmp);
		put(out, len, cap, "[", 1);
		for (i = 0; i < n; i++) {
			if (i)
				put(out, len, cap, ",", 1);
			put(out, len, cap, keys[i], strlen(keys[i]));
			put(out, len, cap, "=", 1);
			value_string(json_object_get(pe->json, keys[i]), out, len, cap);
		}
		put(out, len, cap, "]", 1);
		free(keys);
		break;
	}
	case PE_VALUE:
		put(out, len, cap, "[=", 2);
		value_string(pe->json, out, len, cap);
		put(out, len, cap, "]", 1);
		break;
	case PE_INDEX: {
		char t[32];

		snprintf(t, sizeof(t), "[%ld]", pe->index);
		put(out, len, cap, t, strlen(t));
		break;
	}
	}
}

static void foreach_path(const struct fieldset *s, char **buf, size_t *len, size_t *cap,
			 void (*fn)(const char *, void *), void *ctx)
{
	size_t at = *len;

	for (size_t i = 0; s && i < s->n; i++) {
		if (!s->e[i].member)
			continue;
		path_element_string(&s->e[i].pe, buf, len, cap);
		fn(*buf, ctx);
		*len = at;
		(*buf)[at] = '\0';
	}
	for (size_t i = 0; s && i < s->n; i++) {
		if (!s->e[i].children)
			continue;
		path_element_string(&s->e[i].pe, buf, len, cap);
		foreach_path(s->e[i].children, buf, len, cap, fn, ctx);
		*len = at;
		(*buf)[at] = '\0';
	}
}

void fieldset_foreach_path(const struct fieldset *s, void (*fn)(const char *path, void *ctx),
			   void *ctx)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	put(&buf, &len, &cap, "", 0);
	foreach_path(s, &buf, &len, &cap, fn, ctx);
	free(buf);
}
