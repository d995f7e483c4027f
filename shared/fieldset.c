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
 * The typed walks (ToFieldSet, Compare, Merge, RemoveItems) go down an
 * object and its "shape" together: what the catalog says a position is.
 */
#include "fieldset.h"
#include "shared/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum pe_kind { PE_FIELD, PE_KEY, PE_VALUE, PE_INDEX };

struct pe {
	enum pe_kind kind;
	char *text;   /* serialized: "f:name", "k:{...}", "v:...", "i:3" */
	json_t *json; /* KEY: object of the key fields; VALUE: the value */
	long index;
};

struct entry {
	struct pe pe;
	bool member;
	struct fieldset *children; /* NULL: none */
};

struct fieldset {
	struct entry *e;
	size_t n, cap;
};

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

static int pe_cmp(const struct pe *a, const struct pe *b)
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

static void pe_free(struct pe *pe)
{
	free(pe->text);
	json_decref(pe->json);
}

static struct pe pe_copy(const struct pe *pe)
{
	struct pe c = *pe;

	c.text = xstrdup(pe->text);
	c.json = json_incref(pe->json);
	return c;
}

static struct pe pe_field(const char *name)
{
	struct pe pe = {PE_FIELD, NULL, NULL, 0};
	size_t n = strlen(name);

	pe.text = xrealloc(NULL, n + 3);
	memcpy(pe.text, "f:", 2);
	memcpy(pe.text + 2, name, n + 1);
	return pe;
}

/* A key element from its fields (an object: the reference is taken). */
static struct pe pe_key(json_t *fields)
{
	struct pe pe = {PE_KEY, go_json_text("k:", fields), fields, 0};

	return pe;
}

static struct pe pe_value(json_t *v)
{
	struct pe pe = {PE_VALUE, go_json_text("v:", v), json_incref(v), 0};

	return pe;
}

static struct pe pe_index(long i)
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
static struct entry *entry_of(struct fieldset *s, struct pe pe)
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

static const struct entry *find(const struct fieldset *s, const struct pe *pe)
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
		e = find(s, &pe);
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
static void append(struct fieldset *out, const struct pe *pe, bool member,
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
			append(out, x ? &x->pe : &y->pe, (x && x->member) || (y && y->member),
			       child_op(x ? x->children : NULL, y ? y->children : NULL, op));
			break;
		case OP_INTERSECTION:
			if (x && y)
				append(out, &x->pe, x->member && y->member,
				       x->children && y->children
					   ? child_op(x->children, y->children, op)
					   : NULL);
			break;
		case OP_DIFFERENCE:
			if (x)
				append(out, &x->pe, x->member && !(y && y->member),
				       x->children
					   ? child_op(x->children, y ? y->children : NULL, op)
					   : NULL);
			break;
		case OP_RECURSIVE_DIFFERENCE:
			if (x && !(y && y->member))
				append(out, &x->pe, x->member,
				       x->children
					   ? child_op(x->children, y ? y->children : NULL, op)
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
	static const char hex[] = "0123456789abcdef";

	put(out, len, cap, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];

		switch (*p) {
		case '"':
			put(out, len, cap, "\\\"", 2);
			break;
		case '\\':
			put(out, len, cap, "\\\\", 2);
			break;
		case '\a':
			put(out, len, cap, "\\a", 2);
			break;
		case '\b':
			put(out, len, cap, "\\b", 2);
			break;
		case '\f':
			put(out, len, cap, "\\f", 2);
			break;
		case '\n':
			put(out, len, cap, "\\n", 2);
			break;
		case '\r':
			put(out, len, cap, "\\r", 2);
			break;
		case '\t':
			put(out, len, cap, "\\t", 2);
			break;
		case '\v':
			put(out, len, cap, "\\v", 2);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(esc, sizeof(esc), "\\x%c%c", hex[*p >> 4], hex[*p & 15]);
				put(out, len, cap, esc, 4);
			} else {
				put(out, len, cap, (const char *)p, 1);
			}
		}
	}
	put(out, len, cap, "\"", 1);
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

/* ---- shapes: what the catalog says a position in an object is ---- */

enum shape_kind {
	SHAPE_LEAF,	/* a scalar, or an atomic list, map or struct */
	SHAPE_STRUCT,	/* fields of type */
	SHAPE_MAP,	/* map[string]element */
	SHAPE_LIST_MAP, /* list of items named by their key fields */
	SHAPE_LIST_SET, /* list of items named by their value */
	SHAPE_DEDUCED,	/* unknown structure: objects are structs, lists atomic */
	SHAPE_ROOT,	/* an unknown kind's object: metadata is ObjectMeta */
};

struct shape {
	enum shape_kind kind;
	const struct catalog_type *type;   /* STRUCT; MAP and lists: the element's (NULL: scalar) */
	const struct catalog_field *field; /* MAP and lists: the field */
};

static bool has_marker(const char *markers, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = markers; p && (p = strstr(p, word)); p += len)
		if ((p == markers || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
			return true;
	return false;
}

static struct shape type_shape(const struct catalog_type *t)
{
	if (!t || t->special != CATALOG_PLAIN || has_marker(t->markers, "structType=atomic") ||
	    has_marker(t->markers, "mapType=atomic"))
		return (struct shape){SHAPE_LEAF, NULL, NULL};
	return (struct shape){SHAPE_STRUCT, t, NULL};
}

/* The shape of the field's elements (a list's items, a map's values). */
static struct shape element_shape(const struct catalog_field *f)
{
	return f->scalar == CATALOG_MESSAGE ? type_shape(f->type)
					    : (struct shape){SHAPE_LEAF, NULL, NULL};
}

static struct shape field_shape(const struct catalog_field *f)
{
	char v[64];
	const char *list_type;

	if (f->map)
		return has_marker(f->markers, "mapType=atomic")
			   ? (struct shape){SHAPE_LEAF, NULL, NULL}
			   : (struct shape){SHAPE_MAP, element_shape(f).type, f};
	if (f->repeated) {
		enum shape_kind kind = SHAPE_LEAF;

		list_type = catalog_marker(f->markers, "listType", v, sizeof(v));
		if (list_type) {
			if (strcmp(list_type, "map") == 0)
				kind = SHAPE_LIST_MAP;
			else if (strcmp(list_type, "set") == 0)
				kind = SHAPE_LIST_SET;
		} else if (catalog_marker(f->markers, "patchStrategy", v, sizeof(v)) &&
			   strstr(v, "merge")) {
			kind = catalog_marker(f->markers, "patchMergeKey", v, sizeof(v))
				   ? SHAPE_LIST_MAP
				   : SHAPE_LIST_SET;
		}
		return (struct shape){kind, kind == SHAPE_LEAF ? NULL : element_shape(f).type, f};
	}
	if (has_marker(f->markers, "structType=atomic") || has_marker(f->markers, "mapType=atomic"))
		return (struct shape){SHAPE_LEAF, NULL, NULL};
	return element_shape(f);
}

static struct shape root_shape(const struct catalog_type *t)
{
	return t ? type_shape(t) : (struct shape){SHAPE_ROOT, NULL, NULL};
}

/* A struct-like shape's child; *named says whether it is a declared field. */
static struct shape child_shape(struct shape s, const char *name, bool *named)
{
	const struct catalog_field *f;

	*named = false;
	switch (s.kind) {
	case SHAPE_STRUCT:
		f = catalog_field_in(s.type, name);
		if (!f)
			return (struct shape){SHAPE_LEAF, NULL, NULL};
		*named = true;
		return field_shape(f);
	case SHAPE_MAP:
		return element_shape(s.field);
	case SHAPE_ROOT:
		*named = true;
		if (strcmp(name, "metadata") == 0)
			return type_shape(
			    catalog_type("k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
		return (struct shape){SHAPE_DEDUCED, NULL, NULL};
	case SHAPE_DEDUCED:
		*named = true;
		return (struct shape){SHAPE_DEDUCED, NULL, NULL};
	case SHAPE_LIST_MAP:
	case SHAPE_LIST_SET:
		return s.field ? element_shape(s.field) : (struct shape){SHAPE_LEAF, NULL, NULL};
	default:
		return (struct shape){SHAPE_LEAF, NULL, NULL};
	}
}

static bool is_struct_like(struct shape s)
{
	return s.kind == SHAPE_STRUCT || s.kind == SHAPE_MAP || s.kind == SHAPE_DEDUCED ||
	       s.kind == SHAPE_ROOT;
}

static bool is_list(struct shape s)
{
	return s.kind == SHAPE_LIST_MAP || s.kind == SHAPE_LIST_SET;
}

/* Whether v, of shape s, is handled as one value (a leaf). */
static bool leaf_value(struct shape s, json_t *v)
{
	if (s.kind == SHAPE_LEAF)
		return true;
	if (s.kind == SHAPE_DEDUCED)
		return !json_is_object(v);
	return false;
}

/* The element naming a list item; false with err when a key is missing. */
static bool item_pe(struct shape s, json_t *item, long index, struct pe *out, char *err,
		    size_t err_len)
{
	if (s.kind == SHAPE_LIST_SET) {
		*out = pe_value(item);
		return true;
	}
	if (s.kind == SHAPE_LIST_MAP) {
		json_t *key = json_object();
		const char *markers = s.field->markers;
		bool by_list_keys = strstr(markers, "listMapKey=") != NULL;
		const char *tag = by_list_keys ? "listMapKey=" : "patchMergeKey=";

		for (const char *p = markers; (p = strstr(p, tag)); p += strlen(tag)) {
			char name[128];
			size_t n = strcspn(p + strlen(tag), " ");
			json_t *v;

			if (p != markers && p[-1] != ' ')
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)n, p + strlen(tag));
			v = json_object_get(item, name);
			if (!v && s.type) {
				/* A key field left out takes its declared default. */
				const struct catalog_field *kf = catalog_field_in(s.type, name);
				char def[128];

				if (kf &&
				    catalog_marker(kf->markers, "default", def, sizeof(def))) {
					json_t *d = json_loads(def, JSON_DECODE_ANY, NULL);

					if (d)
						json_object_set_new(key, name, d);
					continue;
				}
			}
			if (!v || !json_is_object(item)) {
				snprintf(err, err_len,
					 "element %ld: associative list with keys has an element "
					 "that omits key field \"%s\" (and doesn't have default "
					 "value)",
					 index, name);
				json_decref(key);
				return false;
			}
			json_object_set(key, name, v);
		}
		*out = pe_key(key);
		return true;
	}
	*out = pe_index(index);
	return true;
}

/* ---- ToFieldSet ---- */

static bool to_set(struct shape s, json_t *v, struct fieldset *out, char *err, size_t err_len);

/* Adds v's paths below it to out; false on a missing key. */
static bool to_set(struct shape s, json_t *v, struct fieldset *out, char *err, size_t err_len)
{
	if (is_struct_like(s) && json_is_object(v)) {
		const char *k;
		json_t *child;

		json_object_foreach(v, k, child)
		{
			bool named;
			struct shape cs = child_shape(s, k, &named);
			struct fieldset *sub = fieldset_new();
			struct entry *e;

			if (!to_set(cs, child, sub, err, err_len)) {
				fieldset_free(sub);
				return false;
			}
			e = entry_of(out, pe_field(k));
			/* map keys are members; struct fields only as leaves */
			e->member = !named || leaf_value(cs, child);
			if (fieldset_empty(sub))
				fieldset_free(sub);
			else
				e->children = sub;
		}
	} else if (is_list(s) && json_is_array(v)) {
		size_t i;
		json_t *item;

		json_array_foreach(v, i, item)
		{
			struct pe pe;
			struct fieldset *sub;
			struct entry *e;

			if (!item_pe(s, item, (long)i, &pe, err, err_len))
				return false;
			sub = fieldset_new();
			if (!to_set(child_shape(s, "", &(bool){0}), item, sub, err, err_len)) {
				pe_free(&pe);
				fieldset_free(sub);
				return false;
			}
			e = entry_of(out, pe);
			e->member = true;
			if (fieldset_empty(sub))
				fieldset_free(sub);
			else
				e->children = sub;
		}
	}
	return true;
}

struct fieldset *fieldset_of_object(const struct catalog_type *t, json_t *obj, char *err,
				    size_t err_len)
{
	struct fieldset *s = fieldset_new();

	if (!to_set(root_shape(t), obj, s, err, err_len)) {
		fieldset_free(s);
		return NULL;
	}
	return s;
}

/* ---- Compare ---- */

struct cmp {
	struct fieldset *added, *modified, *removed;
};

static bool empty_value(json_t *v)
{
	return !v || json_is_null(v) || (json_is_object(v) && !json_object_size(v)) ||
	       (json_is_array(v) && !json_array_size(v));
}

/* A value present, not null, and not of the JSON type a shape expects. */
static bool mismatched(json_t *v, json_type expected)
{
	return v && !json_is_null(v) && json_typeof(v) != expected;
}

/*
 * Whether lhs and rhs at shape s are compared (or merged) as one value:
 * scalars and atomic values, both sides empty (which keeps {} apart from
 * null), and values not of the shape's JSON type.
 */
static bool as_leaf(struct shape s, json_t *lhs, json_t *rhs)
{
	if (s.kind == SHAPE_LEAF || (empty_value(lhs) && empty_value(rhs)))
		return true;
	if (is_struct_like(s))
		return mismatched(lhs, JSON_OBJECT) || mismatched(rhs, JSON_OBJECT);
	if (is_list(s))
		return mismatched(lhs, JSON_ARRAY) || mismatched(rhs, JSON_ARRAY);
	return true;
}

/* The items of a list with their elements, first occurrence of each. */
struct items {
	struct pe *pe;
	json_t **v;
	size_t n;
};

static void items_free(struct items *it)
{
	for (size_t i = 0; i < it->n; i++)
		pe_free(&it->pe[i]);
	free(it->pe);
	free(it->v);
}

static json_t *items_get(const struct items *it, const struct pe *pe)
{
	for (size_t i = 0; i < it->n; i++)
		if (pe_cmp(&it->pe[i], pe) == 0)
			return it->v[i];
	return NULL;
}

static bool items_of(struct shape s, json_t *list, struct items *it, char *err, size_t err_len)
{
	size_t i;
	json_t *item;

	*it = (struct items){0};
	if (!json_is_array(list))
		return true;
	it->pe = xrealloc(NULL, json_array_size(list) * sizeof(*it->pe));
	it->v = xrealloc(NULL, json_array_size(list) * sizeof(*it->v));
	json_array_foreach(list, i, item)
	{
		struct pe pe;

		if (!item_pe(s, item, (long)i, &pe, err, err_len)) {
			items_free(it);
			return false;
		}
		if (items_get(it, &pe)) {
			pe_free(&pe);
			continue;
		}
		it->pe[it->n] = pe;
		it->v[it->n++] = item;
	}
	return true;
}

/*
 * Visits a list's items in upstream's merged order: lhs items in their
 * order, with rhs items placed where they stand relative to the items
 * both lists share; visit(pe, lhs item, rhs item) for each.
 */
static bool visit_list(const struct items *l, const struct items *r,
		       bool (*visit)(const struct pe *, json_t *, json_t *, void *), void *ctx)
{
	size_t li = 0, ri = 0, shared = 0;
	const struct pe *next_shared = NULL;

	/* The shared items, in rhs order. */
	const struct pe **order = xrealloc(NULL, (r->n + 1) * sizeof(*order));
	size_t n_order = 0;

	for (size_t k = 0; k < r->n; k++)
		if (items_get(l, &r->pe[k]))
			order[n_order++] = &r->pe[k];
	if (n_order)
		next_shared = order[shared++];
	while (li < l->n || ri < r->n) {
		if (li < l->n && ri < r->n) {
			if (pe_cmp(&l->pe[li], &r->pe[ri]) == 0) {
				if (!visit(&l->pe[li], l->v[li], r->v[ri], ctx))
					goto fail;
				li++;
				ri++;
				next_shared = shared < n_order ? order[shared++] : NULL;
				continue;
			}
			if (items_get(r, &l->pe[li]) && next_shared &&
			    pe_cmp(next_shared, &l->pe[li]) != 0) {
				li++; /* shared, but not its turn: it comes with rhs */
				continue;
			}
		}
		if (li < l->n && !items_get(r, &l->pe[li])) {
			if (!visit(&l->pe[li], l->v[li], NULL, ctx))
				goto fail;
			li++;
			continue;
		}
		if (ri < r->n) {
			const struct pe *pe = &r->pe[ri];

			if (!visit(pe, items_get(l, pe), r->v[ri], ctx))
				goto fail;
			ri++;
			if (next_shared && pe_cmp(next_shared, pe) == 0)
				next_shared = shared < n_order ? order[shared++] : NULL;
		} else if (li < l->n) {
			li++; /* a shared item already visited with rhs */
		}
	}
	free(order);
	return true;
fail:
	free(order);
	return false;
}

static bool compare_node(struct shape s, json_t *lhs, json_t *rhs, struct cmp *c, char *err,
			 size_t err_len);

/* One child (pe) of the current level: its leaf rule, or a descent. */
static bool compare_child(struct shape cs, const struct pe *pe, json_t *lhs, json_t *rhs,
			  struct cmp *c, char *err, size_t err_len)
{
	struct cmp sub;
	bool ok;

	if (as_leaf(cs, lhs, rhs)) {
		if (!lhs)
			entry_of(c->added, pe_copy(pe))->member = true;
		else if (!rhs)
			entry_of(c->removed, pe_copy(pe))->member = true;
		else if (!json_equal(lhs, rhs))
			entry_of(c->modified, pe_copy(pe))->member = true;
		return true;
	}
	sub = (struct cmp){fieldset_new(), fieldset_new(), fieldset_new()};
	ok = compare_node(cs, lhs, rhs, &sub, err, err_len);
	if (ok) {
		struct fieldset **parts[] = {&sub.added, &sub.modified, &sub.removed};
		struct fieldset *into[] = {c->added, c->modified, c->removed};

		for (int k = 0; k < 3; k++) {
			struct entry *e;

			if (fieldset_empty(*parts[k]))
				continue;
			e = entry_of(into[k], pe_copy(pe));
			fieldset_free(e->children);
			e->children = *parts[k];
			*parts[k] = NULL;
		}
		/* upstream's post-item hook: a whole struct, map or item came or went */
		if (!lhs)
			entry_of(c->added, pe_copy(pe))->member = true;
		else if (!rhs)
			entry_of(c->removed, pe_copy(pe))->member = true;
	}
	fieldset_free(sub.added);
	fieldset_free(sub.modified);
	fieldset_free(sub.removed);
	return ok;
}

struct list_cmp {
	struct shape es;
	struct cmp *c;
	char *err;
	size_t err_len;
};

static bool compare_item(const struct pe *pe, json_t *l, json_t *r, void *ctx)
{
	struct list_cmp *lc = ctx;

	return compare_child(lc->es, pe, l, r, lc->c, lc->err, lc->err_len);
}

static bool compare_node(struct shape s, json_t *lhs, json_t *rhs, struct cmp *c, char *err,
			 size_t err_len)
{
	if (is_struct_like(s)) {
		const char *k;
		json_t *v;
		bool named;

		json_object_foreach(lhs, k, v)
		{
			struct pe pe = pe_field(k);
			bool ok = compare_child(child_shape(s, k, &named), &pe, v,
						json_object_get(rhs, k), c, err, err_len);

			pe_free(&pe);
			if (!ok)
				return false;
		}
		json_object_foreach(rhs, k, v)
		{
			struct pe pe;
			bool ok;

			if (json_object_get(lhs, k))
				continue;
			pe = pe_field(k);
			ok =
			    compare_child(child_shape(s, k, &named), &pe, NULL, v, c, err, err_len);
			pe_free(&pe);
			if (!ok)
				return false;
		}
		return true;
	}
	if (is_list(s)) {
		struct items l, r;
		struct list_cmp lc = {child_shape(s, "", &(bool){0}), c, err, err_len};
		bool ok;

		if (!items_of(s, rhs, &r, err, err_len))
			return false;
		if (!items_of(s, lhs, &l, err, err_len)) {
			items_free(&r);
			return false;
		}
		ok = visit_list(&l, &r, compare_item, &lc);
		items_free(&l);
		items_free(&r);
		return ok;
	}
	return true;
}

int fieldset_compare(const struct catalog_type *t, json_t *old, json_t *new_obj,
		     struct fieldset **added, struct fieldset **modified, struct fieldset **removed,
		     char *err, size_t err_len)
{
	struct cmp c = {fieldset_new(), fieldset_new(), fieldset_new()};

	if (!compare_node(root_shape(t), old, new_obj, &c, err, err_len)) {
		fieldset_free(c.added);
		fieldset_free(c.modified);
		fieldset_free(c.removed);
		return -1;
	}
	*added = c.added;
	*modified = c.modified;
	*removed = c.removed;
	return 0;
}

/* ---- Merge ---- */

static json_t *merge_node(struct shape s, json_t *lhs, json_t *rhs, char *err, size_t err_len,
			  bool *failed);

struct list_merge {
	struct shape es;
	json_t *out;
	char *err;
	size_t err_len;
	bool failed;
};

static bool merge_item(const struct pe *pe, json_t *l, json_t *r, void *ctx)
{
	struct list_merge *lm = ctx;
	json_t *v;

	(void)pe;
	v = merge_node(lm->es, l, r, lm->err, lm->err_len, &lm->failed);
	if (lm->failed)
		return false;
	if (v)
		json_array_append_new(lm->out, v);
	return true;
}

/* The merged value (a new reference), or NULL for none. */
static json_t *merge_node(struct shape s, json_t *lhs, json_t *rhs, char *err, size_t err_len,
			  bool *failed)
{
	if (as_leaf(s, lhs, rhs))
		return json_deep_copy(rhs ? rhs : lhs);
	if (is_struct_like(s)) {
		json_t *out = json_object();
		const char *k;
		json_t *v;
		bool named;

		json_object_foreach(lhs, k, v)
		{
			json_t *m = merge_node(child_shape(s, k, &named), v,
					       json_object_get(rhs, k), err, err_len, failed);

			if (*failed) {
				json_decref(out);
				return NULL;
			}
			if (m)
				json_object_set_new(out, k, m);
		}
		json_object_foreach(rhs, k, v)
		{
			json_t *m;

			if (json_object_get(lhs, k))
				continue;
			m = merge_node(child_shape(s, k, &named), NULL, v, err, err_len, failed);
			if (*failed) {
				json_decref(out);
				return NULL;
			}
			if (m)
				json_object_set_new(out, k, m);
		}
		if (!json_object_size(out)) {
			json_decref(out);
			return NULL;
		}
		return out;
	}
	{
		struct items l, r;
		struct list_merge lm = {child_shape(s, "", &(bool){0}), json_array(), err, err_len,
					false};

		if (!items_of(s, rhs, &r, err, err_len)) {
			*failed = true;
			json_decref(lm.out);
			return NULL;
		}
		if (!items_of(s, lhs, &l, err, err_len)) {
			items_free(&r);
			*failed = true;
			json_decref(lm.out);
			return NULL;
		}
		visit_list(&l, &r, merge_item, &lm);
		items_free(&l);
		items_free(&r);
		if (lm.failed) {
			*failed = true;
			json_decref(lm.out);
			return NULL;
		}
		if (!json_array_size(lm.out)) {
			json_decref(lm.out);
			return NULL;
		}
		return lm.out;
	}
}

json_t *fieldset_merge(const struct catalog_type *t, json_t *live, json_t *config, char *err,
		       size_t err_len)
{
	bool failed = false;
	json_t *out = merge_node(root_shape(t), live, config, err, err_len, &failed);

	if (failed)
		return NULL;
	return out ? out : json_object();
}

/* ---- RemoveItems ---- */

/* v without what s holds below it (a new reference), or NULL when nothing is left. */
static json_t *remove_node(struct shape s, json_t *v, const struct fieldset *rm)
{
	if (leaf_value(s, v) || empty_value(v))
		return json_incref(v);
	if (is_struct_like(s) && json_is_object(v)) {
		json_t *out = json_object();
		const char *k;
		json_t *child;
		bool named;

		json_object_foreach(v, k, child)
		{
			struct pe pe = pe_field(k);
			const struct entry *e = find(rm, &pe);

			pe_free(&pe);
			if (e && e->member)
				continue;
			if (e && e->children) {
				json_t *c =
				    remove_node(child_shape(s, k, &named), child, e->children);

				if (c)
					json_object_set_new(out, k, c);
				continue;
			}
			json_object_set(out, k, child);
		}
		if (!json_object_size(out)) {
			json_decref(out);
			return NULL;
		}
		return out;
	}
	if (is_list(s) && json_is_array(v)) {
		json_t *out = json_array(), *item;
		size_t i;
		char err[8];

		json_array_foreach(v, i, item)
		{
			struct pe pe;
			const struct entry *e;

			if (!item_pe(s, item, (long)i, &pe, err, sizeof(err))) {
				json_array_append(out, item);
				continue;
			}
			e = find(rm, &pe);
			pe_free(&pe);
			if (e && e->member)
				continue;
			if (e && e->children) {
				json_t *c =
				    remove_node(child_shape(s, "", &(bool){0}), item, e->children);

				if (c)
					json_array_append_new(out, c);
				continue;
			}
			json_array_append(out, item);
		}
		if (!json_array_size(out)) {
			json_decref(out);
			return NULL;
		}
		return out;
	}
	return json_incref(v);
}

json_t *fieldset_remove(const struct catalog_type *t, json_t *obj, const struct fieldset *s)
{
	json_t *out = remove_node(root_shape(t), obj, s);

	return out ? out : json_object();
}

/* ---- EnsureNamedFieldsAreMembers ---- */

static struct fieldset *named_members(struct shape s, const struct fieldset *in)
{
	struct fieldset *out = fieldset_new();

	for (size_t i = 0; i < in->n; i++) {
		const struct entry *e = &in->e[i];
		struct shape cs = {SHAPE_LEAF, NULL, NULL};
		bool named = false;

		if (e->pe.kind == PE_FIELD && is_struct_like(s))
			cs = child_shape(s, e->pe.text + 2, &named);
		else if (e->pe.kind != PE_FIELD && is_list(s))
			cs = child_shape(s, "", &(bool){0});
		append(out, &e->pe, e->member || (named && !fieldset_empty(e->children)),
		       e->children ? named_members(cs, e->children) : NULL);
	}
	return out;
}

struct fieldset *fieldset_named_members(const struct catalog_type *t, const struct fieldset *s)
{
	return named_members(root_shape(t), s);
}
