/*
 * validation.c - the engine of validation_check(): the error list and its
 * Status, field paths, Go renderings of bad values, label selectors,
 * ObjectMeta on create and update, and the table that sends each kind to
 * its validator (the kinds themselves are in validation_pod*.c,
 * validation_core.c, validation_workloads.c, validation_storage.c,
 * validation_cluster.c, validation_rbac.c, validation_networking.c and
 * validation_policy.c).
 *
 * Upstream facts (kube-apiserver v1.32): field.Error.ErrorBody prints
 * "<type>: <value>: <detail>", the value as %q for strings, %v for numbers
 * and booleans, %#v for anything else, after dereferencing a pointer;
 * Required, Forbidden, TooLong and Internal print no value. errors.NewInvalid
 * joins the causes with ToAggregate(): equal messages once, several wrapped
 * in "[...]" and separated by ", ".
 */
#include "shared/validation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/registry.h"
#include "shared/gojson.h"
#include "shared/unicode_class.h"
#include "shared/validation_internal.h"
#include "shared/xalloc.h"

bool validation_allow_privileged = true;

void validation_set_allow_privileged(bool allow)
{
	validation_allow_privileged = allow;
}

/* ---- the error list ---- */

static void add_cause(struct vctx *c, const char *path, const char *reason, const char *message)
{
	struct validation_errors *e = c->out;

	if (e->num == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->causes = realloc(e->causes, e->cap * sizeof(*e->causes));
		if (!e->causes)
			abort();
	}
	e->causes[e->num].field = xstrdup(path);
	e->causes[e->num].reason = reason;
	e->causes[e->num].message = xstrdup(message);
	e->num++;
}

/* "<type>[: <value>][: <detail>]" */
static void add_error(struct vctx *c, const char *path, const char *reason, const char *type,
		      const char *value, const char *detail)
{
	struct buf b = {0};

	buf_append_str(&b, type);
	if (value)
		buf_printf(&b, ": %s", value);
	if (detail && *detail)
		buf_printf(&b, ": %s", detail);
	add_cause(c, path, reason, b.data);
	buf_free(&b);
}

void v_required(struct vctx *c, const char *path, const char *detail)
{
	add_error(c, path, "FieldValueRequired", "Required value", NULL, detail);
}

void v_forbidden(struct vctx *c, const char *path, const char *detail)
{
	add_error(c, path, "FieldValueForbidden", "Forbidden", NULL, detail);
}

void v_invalid(struct vctx *c, const char *path, const char *value, const char *detail)
{
	add_error(c, path, "FieldValueInvalid", "Invalid value", value, detail);
}

void v_duplicate(struct vctx *c, const char *path, const char *value)
{
	add_error(c, path, "FieldValueDuplicate", "Duplicate value", value, NULL);
}

void v_duplicate_detail(struct vctx *c, const char *path, const char *value, const char *detail)
{
	add_error(c, path, "FieldValueDuplicate", "Duplicate value", value, detail);
}

void v_internal(struct vctx *c, const char *path, const char *detail)
{
	add_error(c, path, "InternalError", "Internal error", NULL, detail);
}

void v_not_found(struct vctx *c, const char *path, const char *value)
{
	add_error(c, path, "FieldValueNotFound", "Not found", value, NULL);
}

void v_not_supported(struct vctx *c, const char *path, const char *value,
		     const char *const *supported)
{
	struct buf b = {0};

	for (size_t i = 0; supported && supported[i]; i++)
		buf_printf(&b, "%s%s", i ? ", " : "supported values: ", vr_quote(c, supported[i]));
	add_error(c, path, "FieldValueNotSupported", "Unsupported value", value, b.data);
	buf_free(&b);
}

void v_too_long(struct vctx *c, const char *path, int max_bytes)
{
	add_error(c, path, "FieldValueTooLong", "Too long", NULL,
		  arena_printf(c->arena, "must have at most %d bytes", max_bytes));
}

void validation_add_invalid(struct validation_errors *out, const char *field, const char *value,
			    const char *detail)
{
	struct arena arena = {0};
	struct vctx c = {.arena = &arena, .out = out};

	v_invalid(&c, field, value, detail);
	arena_free(&arena);
}

void v_too_long_max_length(struct vctx *c, const char *path, int max)
{
	add_error(c, path, "FieldValueTooLong", "Too long", NULL,
		  arena_printf(c->arena, "may not be longer than %d", max));
}

void validation_errors_free(struct validation_errors *errs)
{
	for (size_t i = 0; i < errs->num; i++) {
		free(errs->causes[i].field);
		free(errs->causes[i].message);
	}
	free(errs->causes);
	*errs = (struct validation_errors){0};
}

/* ---- the Status of a 422 ---- */

/* GroupKind.String(): "Deployment.apps", or "Pod" for the core group. */
static void qualified_kind(struct buf *b, const char *group, const char *kind)
{
	buf_append_str(b, kind);
	if (group && *group)
		buf_printf(b, ".%s", group);
}

char *validation_status_message(const struct validation_errors *errs, const char *group,
				const char *kind, const char *name)
{
	struct buf b = {0}, all = {0};
	size_t shown = 0;
	char *out;

	qualified_kind(&b, group, kind);
	buf_printf(&b, " \"%s\" is invalid", name ? name : "");
	for (size_t i = 0; i < errs->num; i++) {
		const struct validation_cause *e = &errs->causes[i];
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(errs->causes[j].field, e->field) == 0 &&
			       strcmp(errs->causes[j].message, e->message) == 0;
		if (seen)
			continue;
		buf_printf(&all, "%s%s: %s", shown++ ? ", " : "", e->field, e->message);
	}
	if (shown == 1)
		buf_printf(&b, ": %s", all.data);
	else if (shown > 1)
		buf_printf(&b, ": [%s]", all.data);
	out = xstrdup(b.data);
	buf_free(&b);
	buf_free(&all);
	return out;
}

json_t *validation_status_details(const struct validation_errors *errs, const char *group,
				  const char *kind, const char *name)
{
	json_t *d = json_object(), *causes = json_array();

	if (name && *name)
		json_object_set_new(d, "name", json_string(name));
	if (group && *group)
		json_object_set_new(d, "group", json_string(group));
	json_object_set_new(d, "kind", json_string(kind));
	for (size_t i = 0; i < errs->num; i++) {
		json_t *cause = json_object();

		json_object_set_new(cause, "reason", json_string(errs->causes[i].reason));
		if (*errs->causes[i].message)
			json_object_set_new(cause, "message", json_string(errs->causes[i].message));
		if (*errs->causes[i].field)
			json_object_set_new(cause, "field", json_string(errs->causes[i].field));
		json_array_append_new(causes, cause);
	}
	json_object_set_new(d, "causes", causes);
	return d;
}

/* ---- field paths ---- */

const char *vp_child(struct vctx *c, const char *parent, const char *name)
{
	if (!parent || !*parent)
		return arena_strdup(c->arena, name);
	return arena_printf(c->arena, "%s.%s", parent, name);
}

const char *vp_index(struct vctx *c, const char *parent, size_t i)
{
	return arena_printf(c->arena, "%s[%zu]", parent, i);
}

const char *vp_key(struct vctx *c, const char *parent, const char *key)
{
	return arena_printf(c->arena, "%s[%s]", parent, key);
}

/* ---- Go renderings ---- */

/* strconv.Quote of a NUL-terminated string. */
static void go_quote(struct buf *b, const char *s)
{
	gojson_quote(b, s, strlen(s));
}

static const char *arena_take(struct vctx *c, struct buf *b)
{
	const char *s = arena_strndup(c->arena, b->data ? b->data : "", b->len);

	buf_free(b);
	return s;
}

const char *vr_quote(struct vctx *c, const char *s)
{
	struct buf b = {0};

	go_quote(&b, s);
	return arena_take(c, &b);
}

const char *vr_int(struct vctx *c, int64_t n)
{
	return arena_printf(c->arena, "%lld", (long long)n);
}

const char **jkeys(struct vctx *c, json_t *obj)
{
	size_t n = json_is_object(obj) ? json_object_size(obj) : 0, i = 0;
	const char **keys = arena_alloc(c->arena, (n + 1) * sizeof(*keys));
	const char *k;
	json_t *v;

	if (n)
		json_object_foreach(obj, k, v) keys[i++] = k;
	keys[i] = NULL;
	/* Go sorts map keys (and sets) by byte order. */
	for (size_t a = 1; a < i; a++)
		for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
			const char *t = keys[b];

			keys[b] = keys[b - 1];
			keys[b - 1] = t;
		}
	return keys;
}

static void string_map(struct vctx *c, struct buf *b, json_t *map)
{
	const char **keys;

	if (!json_is_object(map)) {
		buf_append_str(b, "map[string]string(nil)");
		return;
	}
	keys = jkeys(c, map);
	buf_append_str(b, "map[string]string{");
	for (size_t i = 0; keys[i]; i++) {
		buf_append_str(b, i ? ", " : "");
		go_quote(b, keys[i]);
		buf_append_str(b, ":");
		go_quote(b, jstr(map, keys[i]));
	}
	buf_append_str(b, "}");
}

const char *vr_string_map(struct vctx *c, json_t *map)
{
	struct buf b = {0};

	string_map(c, &b, map);
	return arena_take(c, &b);
}

static void string_list(struct buf *b, json_t *arr)
{
	size_t i;
	json_t *v;

	if (!json_is_array(arr)) {
		buf_append_str(b, "[]string(nil)");
		return;
	}
	buf_append_str(b, "[]string{");
	json_array_foreach(arr, i, v)
	{
		buf_append_str(b, i ? ", " : "");
		go_quote(b, json_is_string(v) ? json_string_value(v) : "");
	}
	buf_append_str(b, "}");
}

const char *vr_string_list(struct vctx *c, json_t *arr)
{
	struct buf b = {0};

	string_list(&b, arr);
	return arena_take(c, &b);
}

/* %#v of the internal metav1.LabelSelector a field.Error holds. */
const char *vr_label_selector(struct vctx *c, json_t *sel)
{
	json_t *exprs = jget(sel, "matchExpressions"), *e;
	struct buf b = {0};
	size_t i;

	buf_append_str(&b, "v1.LabelSelector{MatchLabels:");
	string_map(c, &b, jget(sel, "matchLabels"));
	buf_append_str(&b, ", MatchExpressions:");
	if (!json_is_array(exprs)) {
		buf_append_str(&b, "[]v1.LabelSelectorRequirement(nil)");
	} else {
		buf_append_str(&b, "[]v1.LabelSelectorRequirement{");
		json_array_foreach(exprs, i, e)
		{
			buf_append_str(&b, i ? ", " : "");
			buf_append_str(&b, "v1.LabelSelectorRequirement{Key:");
			go_quote(&b, jstr(e, "key"));
			buf_append_str(&b, ", Operator:");
			go_quote(&b, jstr(e, "operator"));
			buf_append_str(&b, ", Values:");
			string_list(&b, jget(e, "values"));
			buf_append_str(&b, "}");
		}
		buf_append_str(&b, "}");
	}
	buf_append_str(&b, "}");
	return arena_take(c, &b);
}

const char *vr_pointer(struct vctx *c, const char *type, bool set)
{
	return arena_printf(c->arena, "(*%s)(%s)", type, set ? GO_POINTER : "nil");
}

/* %#v of intstr.IntOrString: Type 0 holds IntVal, Type 1 StrVal. */
const char *vr_int_or_string(struct vctx *c, json_t *v)
{
	struct buf b = {0};

	if (json_is_string(v)) {
		buf_append_str(&b, "intstr.IntOrString{Type:1, IntVal:0, StrVal:");
		go_quote(&b, json_string_value(v));
		buf_append_str(&b, "}");
	} else {
		buf_printf(&b, "intstr.IntOrString{Type:0, IntVal:%lld, StrVal:\"\"}",
			   (long long)(json_is_integer(v) ? json_integer_value(v) : 0));
	}
	return arena_take(c, &b);
}

/* ---- JSON accessors ---- */

json_t *jget(json_t *obj, const char *key)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_null(v) ? NULL : v;
}

const char *jstr(json_t *obj, const char *key)
{
	json_t *v = jget(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

bool jhas(json_t *obj, const char *key)
{
	return jget(obj, key) != NULL;
}

int64_t jint(json_t *obj, const char *key)
{
	json_t *v = jget(obj, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

bool jbool(json_t *obj, const char *key)
{
	return json_is_true(jget(obj, key));
}

size_t jlen(json_t *v)
{
	if (json_is_array(v))
		return json_array_size(v);
	if (json_is_object(v))
		return json_object_size(v);
	return 0;
}

bool str_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

bool json_equal_or_absent(json_t *a, json_t *b)
{
	if (!a || json_is_null(a))
		return !b || json_is_null(b);
	if (!b || json_is_null(b))
		return false;
	return json_equal(a, b);
}

void v_immutable(struct vctx *c, json_t *new_value, json_t *old_value, const char *path,
		 const char *rendered)
{
	if (!json_equal_or_absent(new_value, old_value))
		v_invalid(c, path, rendered, "field is immutable");
}

/* ---- label selectors (k8s.io/apimachinery/pkg/apis/meta/v1/validation) ---- */

bool v_label_selector(struct vctx *c, json_t *sel, const char *path)
{
	static const char *const ops[] = {"In", "NotIn", "Exists", "DoesNotExist", NULL};
	size_t before = c->out->num, i;
	json_t *exprs = jget(sel, "matchExpressions"), *e;

	if (!sel)
		return true;
	v_labels(c, jget(sel, "matchLabels"), vp_child(c, path, "matchLabels"));
	json_array_foreach(exprs, i, e)
	{
		const char *p = vp_index(c, vp_child(c, path, "matchExpressions"), i);
		const char *op = jstr(e, "operator");
		json_t *values = jget(e, "values"), *v;
		size_t j;

		if (strcmp(op, "In") == 0 || strcmp(op, "NotIn") == 0) {
			if (jlen(values) == 0)
				v_required(c, vp_child(c, p, "values"),
					   "must be specified when `operator` is 'In' or 'NotIn'");
		} else if (str_in(op, ops)) {
			if (jlen(values) > 0)
				v_forbidden(c, vp_child(c, p, "values"),
					    "may not be specified when `operator` is 'Exists' or "
					    "'DoesNotExist'");
		} else {
			v_invalid(c, vp_child(c, p, "operator"), vr_quote(c, op),
				  "not a valid selector operator");
		}
		v_qualified_name(c, jstr(e, "key"), vp_child(c, p, "key"));
		json_array_foreach(values, j, v)
		{
			struct vmsgs m = {0};
			const char *s = json_is_string(v) ? json_string_value(v) : "";

			is_label_value(s, &m);
			for (size_t k = 0; k < m.n; k++)
				v_invalid(c, vp_index(c, vp_child(c, p, "values"), j),
					  vr_quote(c, s), m.m[k]);
		}
	}
	return c->out->num == before;
}

bool label_selector_json_empty(json_t *sel)
{
	return sel && jlen(jget(sel, "matchLabels")) + jlen(jget(sel, "matchExpressions")) == 0;
}

bool label_selector_json_matches(json_t *sel, json_t *labels)
{
	json_t *match = jget(sel, "matchLabels"), *exprs = jget(sel, "matchExpressions"), *e;
	const char *k;
	json_t *v;
	size_t i;

	if (!sel)
		return false;
	json_object_foreach(match, k, v)
	{
		json_t *have = jget(labels, k);

		if (!json_is_string(have) || !json_is_string(v) ||
		    strcmp(json_string_value(have), json_string_value(v)) != 0)
			return false;
	}
	json_array_foreach(exprs, i, e)
	{
		const char *op = jstr(e, "operator");
		json_t *have = jget(labels, jstr(e, "key")), *x;
		bool in = false;
		size_t j;

		json_array_foreach(jget(e, "values"), j, x) in =
		    in || (json_is_string(have) && json_is_string(x) &&
			   strcmp(json_string_value(have), json_string_value(x)) == 0);
		if (strcmp(op, "In") == 0 && !in)
			return false;
		if (strcmp(op, "NotIn") == 0 && in)
			return false;
		if (strcmp(op, "Exists") == 0 && !have)
			return false;
		if (strcmp(op, "DoesNotExist") == 0 && have)
			return false;
	}
	return true;
}

/* ---- ObjectMeta (k8s.io/apimachinery/pkg/api/validation/objectmeta.go) ---- */

static void v_owner_references(struct vctx *c, json_t *refs, const char *path)
{
	size_t i;
	json_t *r;

	json_array_foreach(refs, i, r)
	{
		const char *api_version = jstr(r, "apiVersion"), *slash = strchr(api_version, '/');
		const char *version = slash ? slash + 1 : api_version;

		if (!*version)
			v_invalid(c, vp_child(c, path, "apiVersion"), vr_quote(c, api_version),
				  "version must not be empty");
		if (!*jstr(r, "kind"))
			v_invalid(c, vp_child(c, path, "kind"), vr_quote(c, ""),
				  "must not be empty");
		if (!*jstr(r, "name"))
			v_invalid(c, vp_child(c, path, "name"), vr_quote(c, ""),
				  "must not be empty");
		if (!*jstr(r, "uid"))
			v_invalid(c, vp_child(c, path, "uid"), vr_quote(c, ""),
				  "must not be empty");
	}
}

/* The finalizers core knows by their bare names (helper.IsStandardFinalizerName). */
static const char *const standard_finalizers[] = {"kubernetes", "orphan", "foregroundDeletion",
						  NULL};

static void v_kube_finalizer(struct vctx *c, const char *f, const char *path)
{
	if (!strchr(f, '/') && !str_in(f, standard_finalizers))
		v_invalid(c, path, vr_quote(c, f),
			  "name is neither a standard finalizer name nor is it fully qualified");
}

static void v_finalizers(struct vctx *c, json_t *list, const char *path)
{
	bool orphan = false, foreground = false;
	size_t i;
	json_t *f;

	json_array_foreach(list, i, f)
	{
		const char *s = json_is_string(f) ? json_string_value(f) : "";

		v_qualified_name(c, s, path);
		orphan = orphan || strcmp(s, "orphan") == 0;
		foreground = foreground || strcmp(s, "foregroundDeletion") == 0;
	}
	if (orphan && foreground)
		v_invalid(c, path, vr_string_list(c, list),
			  "finalizer orphan and foregroundDeletion cannot be both set");
}

/*
 * ValidateObjectMeta with core's additions. namespaced: 1, 0, or -1 when the
 * kind's scope is unknown (no namespace check). The namespace comes from the
 * URL before validation upstream, so an absent one is not reported.
 */
void v_object_meta(struct vctx *c, json_t *meta, int namespaced, enum vname_rule rule)
{
	const char *generate = jstr(meta, "generateName"), *name = jstr(meta, "name");
	const char *ns = jstr(meta, "namespace");
	json_t *fin = jget(meta, "finalizers"), *f;
	struct vmsgs m = {0};
	size_t i;

	if (*generate) {
		validate_name_rule(rule, generate, true, &m);
		for (i = 0; i < m.n; i++)
			v_invalid(c, "metadata.generateName", vr_quote(c, generate), m.m[i]);
	}
	if (!*name) {
		v_required(c, "metadata.name", "name or generateName is required");
	} else {
		m.n = 0;
		validate_name_rule(rule, name, false, &m);
		for (i = 0; i < m.n; i++)
			v_invalid(c, "metadata.name", vr_quote(c, name), m.m[i]);
	}
	if (namespaced == 1 && *ns) {
		m.n = 0;
		validate_name_rule(NAME_LABEL, ns, false, &m);
		for (i = 0; i < m.n; i++)
			v_invalid(c, "metadata.namespace", vr_quote(c, ns), m.m[i]);
	} else if (namespaced == 0 && *ns) {
		v_forbidden(c, "metadata.namespace", "not allowed on this type");
	}
	v_nonnegative(c, meta, "generation", "metadata.generation");
	v_labels(c, jget(meta, "labels"), "metadata.labels");
	v_annotations(c, jget(meta, "annotations"), "metadata.annotations");
	v_owner_references(c, jget(meta, "ownerReferences"), "metadata.ownerReferences");
	v_finalizers(c, fin, "metadata.finalizers");
	json_array_foreach(fin, i, f)
	    v_kube_finalizer(c, json_is_string(f) ? json_string_value(f) : "",
			     vp_index(c, "metadata.finalizers", i));
}

/*
 * ValidateObjectMetaUpdate with core's additions. resourceVersion,
 * generation and the timestamps are the server's (checked or restored
 * before validation), so they are not validated here.
 */
void v_object_meta_update(struct vctx *c, json_t *meta, json_t *old_meta)
{
	json_t *fin = jget(meta, "finalizers"), *f;
	struct buf added = {0};
	size_t i, n = 0;

	if (jhas(old_meta, "deletionTimestamp")) {
		const char **sorted;
		json_t *set = json_object();

		json_array_foreach(fin, i, f)
		{
			const char *s = json_is_string(f) ? json_string_value(f) : "";
			bool had = false;
			size_t j;
			json_t *o;

			json_array_foreach(jget(old_meta, "finalizers"), j, o) had =
			    had || (json_is_string(o) && strcmp(json_string_value(o), s) == 0);
			if (!had)
				json_object_set_new(set, s, json_true());
		}
		sorted = jkeys(c, set);
		for (i = 0; sorted[i]; i++, n++) {
			buf_append_str(&added, n ? ", " : "");
			go_quote(&added, sorted[i]);
		}
		if (n)
			v_forbidden(c, "metadata.finalizers",
				    arena_printf(c->arena,
						 "no new finalizers can be added if the object is "
						 "being deleted, found new finalizers []string{%s}",
						 added.data));
		json_decref(set);
		buf_free(&added);
	}
	v_immutable(c, jget(meta, "name"), jget(old_meta, "name"), "metadata.name",
		    vr_quote(c, jstr(meta, "name")));
	v_immutable(c, jget(meta, "namespace"), jget(old_meta, "namespace"), "metadata.namespace",
		    vr_quote(c, jstr(meta, "namespace")));
	/* BeforeUpdate takes the old uid when the new object has none. */
	if (*jstr(meta, "uid"))
		v_immutable(c, jget(meta, "uid"), jget(old_meta, "uid"), "metadata.uid",
			    vr_quote(c, jstr(meta, "uid")));
	v_labels(c, jget(meta, "labels"), "metadata.labels");
	v_annotations(c, jget(meta, "annotations"), "metadata.annotations");
	v_owner_references(c, jget(meta, "ownerReferences"), "metadata.ownerReferences");
	json_array_foreach(fin, i, f)
	    v_kube_finalizer(c, json_is_string(f) ? json_string_value(f) : "",
			     vp_index(c, "metadata.finalizers", i));
}

/* ---- the kinds ---- */

/* Whether a kind is namespaced, from the resource registry: 1, 0, -1 unknown. */
static int kind_namespaced(const char *group, const char *version, const char *kind)
{
	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);

		if (strcmp(rt->group, group) == 0 && strcmp(rt->version, version) == 0 &&
		    strcmp(rt->kind, kind) == 0)
			return rt->namespaced;
	}
	return -1;
}

static bool is(const char *group, const char *kind, const char *g, const char *k)
{
	return strcmp(group, g) == 0 && strcmp(kind, k) == 0;
}

/* The name rule of a kind: apimachinery's ValidateNameFunc its validation passes. */
static enum vname_rule kind_name_rule(const char *group, const char *kind)
{
	if (is(group, kind, "", "Namespace") || is(group, kind, "apps", "StatefulSet"))
		return NAME_LABEL;
	if (is(group, kind, "", "Service"))
		return NAME_DNS1035;
	if (strcmp(group, "rbac.authorization.k8s.io") == 0)
		return NAME_PATH_SEGMENT;
	return NAME_SUBDOMAIN;
}

int validation_check_metadata_update(json_t *obj, json_t *old, struct validation_errors *out)
{
	struct arena arena = {0};
	struct vctx c = {.arena = &arena, .out = out};
	size_t before = out->num;

	v_object_meta_update(&c, jget(obj, "metadata"), jget(old, "metadata"));
	arena_free(&arena);
	return (int)(out->num - before);
}

int validation_check(const char *group, const char *version, const char *kind, json_t *obj,
		     json_t *old, struct validation_errors *out)
{
	struct arena arena = {0};
	struct vctx c = {.arena = &arena, .out = out};
	size_t before = out->num;
	json_t *meta = jget(obj, "metadata");
	int namespaced = kind_namespaced(group, version, kind);
	enum vname_rule rule = kind_name_rule(group, kind);

	if (strcmp(group, "") == 0 && strcmp(kind, "Pod") == 0) {
		if (old)
			v_object_meta_update(&c, meta, jget(old, "metadata"));
		v_object_meta(&c, meta, 1, rule);
		v_pod(&c, obj);
		if (old)
			v_pod_update(&c, obj, old);
	} else if (is(group, kind, "", "Service")) {
		v_service(&c, obj, old);
	} else if (is(group, kind, "", "ConfigMap")) {
		v_config_map(&c, obj, old);
	} else if (is(group, kind, "", "Secret")) {
		v_secret(&c, obj, old);
	} else if (is(group, kind, "", "ReplicationController")) {
		v_replication_controller(&c, obj, old);
	} else if (is(group, kind, "", "PodTemplate")) {
		if (old)
			v_object_meta_update(&c, meta, jget(old, "metadata"));
		else
			v_object_meta(&c, meta, 1, rule);
		v_pod_template_spec(&c, jget(obj, "template"), "template");
	} else if (is(group, kind, "", "Namespace")) {
		if (old) {
			v_object_meta_update(&c, meta, jget(old, "metadata"));
		} else {
			v_object_meta(&c, meta, 0, rule);
			v_namespace_spec(&c, obj);
		}
	} else if (is(group, kind, "apps", "Deployment")) {
		v_deployment(&c, obj, old);
	} else if (is(group, kind, "apps", "ReplicaSet")) {
		v_replica_set(&c, obj, old);
	} else if (is(group, kind, "apps", "DaemonSet")) {
		v_daemon_set(&c, obj, old);
	} else if (is(group, kind, "apps", "StatefulSet")) {
		v_stateful_set(&c, obj, old);
	} else if (is(group, kind, "batch", "Job")) {
		v_job(&c, obj, old);
	} else if (is(group, kind, "batch", "CronJob")) {
		v_cron_job(&c, obj, old);
	} else if (is(group, kind, "", "PersistentVolumeClaim")) {
		v_persistent_volume_claim(&c, obj, old);
	} else if (is(group, kind, "", "PersistentVolume")) {
		v_persistent_volume(&c, obj, old);
	} else if (is(group, kind, "", "Node")) {
		v_node(&c, obj, old);
	} else if (is(group, kind, "storage.k8s.io", "StorageClass")) {
		v_storage_class(&c, obj, old);
	} else if (is(group, kind, "scheduling.k8s.io", "PriorityClass")) {
		v_priority_class(&c, obj, old);
	} else if (is(group, kind, "coordination.k8s.io", "Lease")) {
		v_lease(&c, obj, old);
	} else if (is(group, kind, "rbac.authorization.k8s.io", "Role") ||
		   is(group, kind, "rbac.authorization.k8s.io", "ClusterRole")) {
		v_role(&c, obj, old, strcmp(kind, "ClusterRole") == 0);
	} else if (is(group, kind, "rbac.authorization.k8s.io", "RoleBinding") ||
		   is(group, kind, "rbac.authorization.k8s.io", "ClusterRoleBinding")) {
		v_role_binding(&c, obj, old, strcmp(kind, "ClusterRoleBinding") == 0);
	} else if (is(group, kind, "networking.k8s.io", "Ingress")) {
		v_ingress(&c, obj, old);
	} else if (is(group, kind, "networking.k8s.io", "IngressClass")) {
		v_ingress_class(&c, obj, old);
	} else if (is(group, kind, "networking.k8s.io", "NetworkPolicy")) {
		v_network_policy(&c, obj, old);
	} else if (is(group, kind, "policy", "PodDisruptionBudget")) {
		v_pod_disruption_budget(&c, obj, old);
	} else if (is(group, kind, "autoscaling", "HorizontalPodAutoscaler")) {
		v_horizontal_pod_autoscaler(&c, obj, old, strcmp(version, "v1") == 0);
	} else if (old) {
		v_object_meta_update(&c, meta, jget(old, "metadata"));
	} else {
		v_object_meta(&c, meta, namespaced, rule);
	}
	arena_free(&arena);
	return (int)(out->num - before);
}
