/*
 * fieldset_typed.c - the typed walks over an object and its field sets
 * (ToFieldSet, Compare, Merge, RemoveItems, EnsureNamedFieldsAreMembers;
 * see fieldset.h). Each goes down an object and its "shape" together:
 * what the catalog says a position is.
 */
#include "shared/fieldset_internal.h"
#include "shared/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			const struct entry *e = fieldset_find_entry(rm, &pe);

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
			e = fieldset_find_entry(rm, &pe);
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
		fieldset_append(out, &e->pe, e->member || (named && !fieldset_empty(e->children)),
				e->children ? named_members(cs, e->children) : NULL);
	}
	return out;
}

struct fieldset *fieldset_named_members(const struct catalog_type *t, const struct fieldset *s)
{
	return named_members(root_shape(t), s);
}
