/*
 * strategic_patch.c - strategic merge patch as k8s.io/apimachinery v0.32's
 * strategicpatch.StrategicMergeMapPatch applies it (MergeParallelList and
 * IgnoreUnmatchedNulls both set, as the apiserver calls it); see
 * strategic_patch.h.
 *
 * The engine works on a deep copy of the document and on the patch as
 * patch_read.c read it, both owned here, and mutates them in place as the
 * Go code mutates its maps. A schema is the JSON object that
 * patch_strategies.json holds for a Go type (NULL: nothing known, every
 * field untagged). Go compares interface{} values with ==: scalars of the
 * same Go type and value are equal, so an integer never equals a real
 * (upstream's patch keeps integers as int64, like the object's int fields);
 * objects and arrays are never equal here (Go would panic).
 *
 * Recursion follows the patch, whose depth the reader bounds.
 */
#include "strategic_patch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/patch_read.h"

extern const char patch_strategies_json[];

#define DIRECTIVE	   "$patch"
#define RETAIN_KEYS	   "$retainKeys"
#define SET_ORDER_PREFIX   "$setElementOrder"
#define DELETE_FROM_PREFIX "$deleteFromPrimitiveList"

/* k8s.io/apimachinery/pkg/util/mergepatch's errors that the apiserver maps to a 400. */
#define ERR_PRIMITIVE_LIST "invalid patch format of primitive list"
#define ERR_RETAIN_KEYS	   "invalid patch format of retainKeys"
#define ERR_SET_ORDER	   "invalid patch format of setElementOrder list"
/* ...and to a 422. */
#define ERR_LIST_OF_LISTS "lists of lists are not supported"

struct smp {
	struct arena *arena;
	int code; /* 0 until something fails */
	const char *reason;
	const char *message;
	const char *detail;
};

/* ---- The patch metadata ---- */

static json_t *strategies;

static const json_t *strategies_doc(void)
{
	if (!strategies) {
		json_error_t err;

		strategies = json_loads(patch_strategies_json, 0, &err);
		if (!strategies)
			abort(); /* the embedded file is checked by the unit tests */
	}
	return strategies;
}

static const json_t *schema_type(const char *name)
{
	return name ? json_object_get(json_object_get(strategies_doc(), "types"), name) : NULL;
}

const char *strategic_patch_root_type(const char *api_version, const char *kind)
{
	char key[256];

	if (!api_version || !kind ||
	    (size_t)snprintf(key, sizeof(key), "%s %s", api_version, kind) >= sizeof(key))
		return NULL;
	return json_string_value(json_object_get(json_object_get(strategies_doc(), "kinds"), key));
}

/* A field's metadata: the schema of its value (or elements) and its tags. */
struct field_meta {
	const json_t *schema;
	const char *strategy; /* "merge", "replace" or "" (retainKeys is dropped) */
	const char *merge_key;
};

static struct field_meta lookup_field(const json_t *schema, const char *key, size_t key_len)
{
	const json_t *f = schema ? json_object_getn(schema, key, key_len) : NULL;
	struct field_meta m = {NULL, "", ""};
	const char *strategy, *type;

	if (!f)
		return m;
	type = json_string_value(json_object_get(f, "struct"));
	if (!type)
		type = json_string_value(json_object_get(f, "list"));
	m.schema = schema_type(type);
	strategy = json_string_value(json_object_get(f, "strategy"));
	/* extractRetainKeysPatchStrategy: retainKeys alone or beside another. */
	if (strategy && strcmp(strategy, "retainKeys") != 0)
		m.strategy = strncmp(strategy, "merge", 5) == 0 ? "merge" : strategy;
	if (json_string_value(json_object_get(f, "key")))
		m.merge_key = json_string_value(json_object_get(f, "key"));
	return m;
}

/* ---- Go's words for values ---- */

/* strconv.FormatFloat(f, 'g', -1, 64), which fmt's %v uses: %e from exponent -5 or 6 on. */
static void go_format_float(struct buf *out, double f)
{
	char digits[32], tmp[40];
	int prec, exp;

	if (isinf(f)) {
		buf_append_str(out, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	/* tmp is [-]d[.ddd]e±XX: the shortest digits and the exponent. */
	{
		const char *p = tmp, *e = strchr(tmp, 'e');
		size_t nd = 0;

		if (*p == '-') {
			buf_append(out, "-", 1);
			p++;
		}
		for (; p < e; p++)
			if (*p != '.')
				digits[nd++] = *p;
		digits[nd] = '\0';
		exp = atoi(e + 1);
		if (exp < -4 || exp >= 6) {
			buf_append(out, digits, 1);
			if (nd > 1) {
				buf_append(out, ".", 1);
				buf_append(out, digits + 1, nd - 1);
			}
			buf_printf(out, "e%c%02d", exp < 0 ? '-' : '+', abs(exp));
		} else if (exp < 0) {
			buf_append(out, "0.", 2);
			for (int i = -1; i > exp; i--)
				buf_append(out, "0", 1);
			buf_append(out, digits, nd);
		} else {
			size_t int_digits = (size_t)exp + 1;

			for (size_t i = 0; i < int_digits; i++)
				buf_append(out, i < nd ? &digits[i] : "0", 1);
			if (nd > int_digits) {
				buf_append(out, ".", 1);
				buf_append(out, digits + int_digits, nd - int_digits);
			}
		}
	}
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* fmt's %v of a decoded JSON value: map[k:v ...] with sorted keys, [a b], <nil>. */
static void go_format_value(struct buf *out, const json_t *v)
{
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v);
		const char **keys = malloc((n ? n : 1) * sizeof(*keys));
		const char *key;
		json_t *child;

		if (!keys)
			abort();
		i = 0;
		json_object_foreach((json_t *)v, key, child) keys[i++] = key;
		qsort(keys, n, sizeof(*keys), compare_keys);
		buf_append_str(out, "map[");
		for (i = 0; i < n; i++) {
			if (i)
				buf_append(out, " ", 1);
			buf_printf(out, "%s:", keys[i]);
			go_format_value(out, json_object_get(v, keys[i]));
		}
		buf_append(out, "]", 1);
		free(keys);
		break;
	}
	case JSON_ARRAY:
		buf_append(out, "[", 1);
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				buf_append(out, " ", 1);
			go_format_value(out, json_array_get(v, i));
		}
		buf_append(out, "]", 1);
		break;
	case JSON_STRING:
		buf_append(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		go_format_float(out, json_real_value(v));
		break;
	case JSON_TRUE:
		buf_append_str(out, "true");
		break;
	case JSON_FALSE:
		buf_append_str(out, "false");
		break;
	case JSON_NULL:
		buf_append_str(out, "<nil>");
		break;
	}
}

/* reflect.TypeOf(v).String(). */
static const char *go_type_name(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		return "map[string]interface {}";
	case JSON_ARRAY:
		return "[]interface {}";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "int64";
	case JSON_REAL:
		return "float64";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "%!s(<nil>)";
	}
}

/* ---- Failures ---- */

static json_t *fail(struct smp *s, int code, const char *text)
{
	if (s->code)
		return NULL;
	s->code = code;
	s->detail = arena_strdup(s->arena, text);
	if (code == 400) {
		s->reason = "BadRequest";
		s->message = s->detail;
	} else if (code == 422) {
		s->reason = "Invalid";
		s->message = "the server rejected our request due to an error in our request";
	} else {
		s->reason = "";
		s->message = s->detail;
	}
	return NULL;
}

static json_t *fail_buf(struct smp *s, int code, struct buf *text)
{
	fail(s, code, text->data ? text->data : "");
	buf_free(text);
	return NULL;
}

/* mergepatch.ErrNoMergeKey */
static json_t *fail_no_merge_key(struct smp *s, const json_t *m, const char *key)
{
	struct buf b = {0};

	buf_append_str(&b, "map: ");
	go_format_value(&b, m);
	buf_printf(&b, " does not contain declared merge key: %s", key);
	return fail_buf(s, 500, &b);
}

/* mergepatch.ErrBadArgType */
static json_t *fail_bad_arg_type(struct smp *s, const char *expected, const json_t *actual)
{
	struct buf b = {0};

	buf_printf(&b, "expected a %s, but received a %s", expected, go_type_name(actual));
	return fail_buf(s, 500, &b);
}

/* mergepatch.ErrBadPatchType: %s of the directive, %v of the map. */
static json_t *fail_bad_patch_type(struct smp *s, const json_t *directive, const json_t *m)
{
	struct buf b = {0};

	buf_append_str(&b, "unknown patch type: ");
	if (json_is_string(directive)) {
		go_format_value(&b, directive);
	} else if (json_is_null(directive)) {
		buf_append_str(&b, "%!s(<nil>)");
	} else {
		buf_printf(&b, "%%!s(%s=", go_type_name(directive));
		go_format_value(&b, directive);
		buf_append(&b, ")", 1);
	}
	buf_append_str(&b, " in map: ");
	go_format_value(&b, m);
	return fail_buf(s, 500, &b);
}

/* ---- Helpers ---- */

/* The Go type a decoded JSON value has: true and false are both bool. */
static int go_kind(const json_t *v)
{
	return json_is_boolean(v) ? JSON_TRUE : (int)json_typeof(v);
}

/* Go's == on two interface{} values holding decoded JSON scalars. */
static bool go_equal(const json_t *a, const json_t *b)
{
	if (!a || !b)
		return !a && !b;
	if (json_is_object(a) || json_is_array(a))
		return false;
	return json_typeof(a) == json_typeof(b) && json_equal(a, b);
}

static bool has_prefix(const char *key, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(key, prefix, n) == 0;
}

/* discardNullValuesFromPatch */
static void discard_nulls(json_t *v)
{
	const char *key;
	size_t key_len, i;
	json_t *child;
	void *tmp;

	if (json_is_object(v)) {
		json_object_keylen_foreach_safe(v, tmp, key, key_len, child)
		{
			if (json_is_null(child))
				json_object_deln(v, key, key_len);
			else
				discard_nulls(child);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child) discard_nulls(child);
	}
}

/* The patch's directive keys, which the typed object upstream decodes into has no field for. */
static void remove_directives(json_t *v)
{
	const char *key;
	size_t key_len, i;
	json_t *child;
	void *tmp;

	if (json_is_object(v)) {
		json_object_keylen_foreach_safe(v, tmp, key, key_len, child)
		{
			if ((key_len == strlen(DIRECTIVE) &&
			     memcmp(key, DIRECTIVE, key_len) == 0) ||
			    (key_len == strlen(RETAIN_KEYS) &&
			     memcmp(key, RETAIN_KEYS, key_len) == 0) ||
			    has_prefix(key, key_len, SET_ORDER_PREFIX "/") ||
			    has_prefix(key, key_len, DELETE_FROM_PREFIX "/"))
				json_object_deln(v, key, key_len);
			else
				remove_directives(child);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child) remove_directives(child);
	}
}

/*
 * sliceElementType: the JSON type all elements of the lists share; -1 with
 * the failure answered when they differ, hold a list, or there are none.
 */
static int list_element_type(struct smp *s, const json_t *a, const json_t *b)
{
	const json_t *lists[2] = {a, b};
	int type = -1;

	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *v;

		json_array_foreach(lists[l], i, v)
		{
			int t = go_kind(v);

			if (type < 0) {
				type = t;
				if (t == JSON_ARRAY) {
					fail(s, 422, ERR_LIST_OF_LISTS);
					return -1;
				}
			} else if (t != type) {
				struct buf msg = {0};

				buf_append_str(&msg, "list element types are not identical: [");
				go_format_value(&msg, a ? a : json_array());
				buf_append(&msg, " ", 1);
				go_format_value(&msg, b ? b : json_array());
				buf_append(&msg, "]", 1);
				fail_buf(s, 500, &msg);
				return -1;
			}
		}
	}
	if (type < 0)
		fail(s, 500, "no elements in any of the given slices");
	return type;
}

/* findMapInSliceBasedOnKeyValue: the index, -1 when absent, -2 on failure. */
static long find_by_key(struct smp *s, const json_t *list, const char *key, const json_t *value)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v)
	{
		const json_t *k;

		if (!json_is_object(v)) {
			char text[64];

			snprintf(text, sizeof(text), "value for key %zu is not a map.", i);
			fail(s, 500, text);
			return -2;
		}
		k = json_object_get(v, key);
		if (k && go_equal(k, value))
			return (long)i;
	}
	return -1;
}

/* index(): where item sits in order, by merge key for objects, by value otherwise. */
static long order_index(const json_t *order, const json_t *item, const char *key, bool maps)
{
	const json_t *want =
	    maps ? (json_is_object(item) ? json_object_get(item, key) : NULL) : item;
	size_t i;
	json_t *v;

	json_array_foreach(order, i, v)
	{
		const json_t *have =
		    maps ? (json_is_object(v) ? json_object_get(v, key) : NULL) : v;

		if (go_equal(want, have))
			return (long)i;
	}
	return -1;
}

static bool is_delete_element(const json_t *v)
{
	const json_t *d = json_object_get(v, DIRECTIVE);

	return json_is_string(d) && strcmp(json_string_value(d), "delete") == 0;
}

/*
 * normalizeSliceOrder: list sorted by where its items sit in order, deletion
 * elements last. Go's sort.SliceStable is an insertion sort for up to 20
 * items and a stable merge beyond, the same result when every item is in
 * order; this is the insertion sort throughout.
 */
static json_t *sort_by_order(struct smp *s, json_t *list, const json_t *order, const char *key,
			     bool maps)
{
	json_t *sorted = json_array(), *deletes = json_array();
	size_t i, j, n;
	json_t *v;

	if (maps) {
		const json_t *lists[2] = {list, order};

		for (int l = 0; l < 2; l++) {
			json_array_foreach(lists[l], i, v)
			{
				if (!json_is_object(v)) {
					fail_bad_arg_type(s, "map[string]interface {}", v);
					goto failed;
				}
				if (!json_object_get(v, key)) {
					fail_no_merge_key(s, v, key);
					goto failed;
				}
			}
		}
	}
	json_array_foreach(list, i, v)
	    json_array_append(maps && is_delete_element(v) ? deletes : sorted, v);
	n = json_array_size(sorted);
	for (i = 1; i < n; i++) {
		for (j = i; j > 0; j--) {
			long a = order_index(order, json_array_get(sorted, j), key, maps);
			long b = order_index(order, json_array_get(sorted, j - 1), key, maps);

			if (a >= 0 && b >= 0 && a >= b)
				break;
			{
				json_t *x = json_incref(json_array_get(sorted, j));

				json_array_set(sorted, j, json_array_get(sorted, j - 1));
				json_array_set_new(sorted, j - 1, x);
			}
		}
	}
	json_array_extend(sorted, deletes);
	json_decref(deletes);
	return sorted;
failed:
	json_decref(sorted);
	json_decref(deletes);
	return NULL;
}

/*
 * normalizeElementOrder: the patch's items in patch order and the server's
 * in server order, then mergeSortedSlice interleaves them, a server item
 * first only when both sit in server_order and it sits earlier.
 */
static json_t *normalize_order(struct smp *s, json_t *patch_items, json_t *server_items,
			       const json_t *patch_order, const json_t *server_order,
			       const char *key, bool maps)
{
	json_t *right = sort_by_order(s, patch_items, patch_order, key, maps);
	json_t *left = right ? sort_by_order(s, server_items, server_order, key, maps) : NULL;
	json_t *all;
	size_t i = 0, j = 0, nl, nr;

	if (!left) {
		json_decref(right);
		return NULL;
	}
	nl = json_array_size(left);
	nr = json_array_size(right);
	all = json_array();
	while (i < nl || j < nr) {
		if (i < nl && j < nr) {
			long li = order_index(server_order, json_array_get(left, i), key, maps);
			long ri = order_index(server_order, json_array_get(right, j), key, maps);

			if (li >= 0 && ri >= 0 && li < ri)
				json_array_append(all, json_array_get(left, i++));
			else
				json_array_append(all, json_array_get(right, j++));
		} else if (i < nl) {
			json_array_append(all, json_array_get(left, i++));
		} else {
			json_array_append(all, json_array_get(right, j++));
		}
	}
	json_decref(left);
	json_decref(right);
	return all;
}

/* partitionMapsByPresentInList / partitionPrimitivesByPresentInList. */
static int partition(struct smp *s, const json_t *merged, const json_t *by, const char *key,
		     json_t **in, json_t **out)
{
	size_t i;
	json_t *v;

	*in = json_array();
	*out = json_array();
	json_array_foreach(merged, i, v)
	{
		bool found;

		if (*key) {
			const json_t *value;
			long at;

			if (!json_is_object(v)) {
				fail_bad_arg_type(s, "map[string]interface {}", v);
				goto failed;
			}
			value = json_object_get(v, key);
			if (!value) {
				fail_no_merge_key(s, v, key);
				goto failed;
			}
			at = find_by_key(s, by, key, value);
			if (at == -2)
				goto failed;
			found = at >= 0;
		} else {
			found = order_index(by, v, key, false) >= 0;
		}
		json_array_append(found ? *in : *out, v);
	}
	return 0;
failed:
	json_decref(*in);
	json_decref(*out);
	return -1;
}

static json_t *merge_map(struct smp *s, json_t *original, json_t *patch, const json_t *schema);

/* deleteFromSlice: original without the patch's values. */
static json_t *delete_from_list(json_t *original, const json_t *patch)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(original, i, v)
	{
		if (order_index(patch, v, "", false) < 0)
			json_array_append(out, v);
	}
	return out;
}

/* deduplicateScalars: a later duplicate is overwritten by the last item, as upstream does. */
static void dedupe_scalars(json_t *list)
{
	size_t length = json_array_size(list), i, j;

	if (!length)
		return;
	length--;
	for (i = 0; i < length; i++) {
		for (j = i + 1; j <= length; j++) {
			if (go_equal(json_array_get(list, i), json_array_get(list, j))) {
				json_array_set(list, j, json_array_get(list, length));
				json_array_remove(list, length);
				length--;
				j--;
			}
		}
	}
}

/*
 * mergeSliceWithSpecialElements: apply the elements carrying "$patch" to
 * *original (deletions) and return the other elements; with a "replace"
 * element the rest of the patch becomes the list (*replaced set).
 */
static json_t *apply_special_elements(struct smp *s, json_t **original, const json_t *patch,
				      const char *key, bool *replaced)
{
	json_t *rest = json_array(), *v;
	size_t i;

	*replaced = false;
	json_array_foreach(patch, i, v)
	{
		const json_t *d = json_object_get(v, DIRECTIVE);
		const char *type = json_string_value(d);

		if (!d) {
			json_array_append(rest, v);
		} else if (type && strcmp(type, "delete") == 0) {
			const json_t *value = json_object_get(v, key);
			long at;

			if (!value) {
				fail_no_merge_key(s, v, key);
				goto failed;
			}
			while ((at = find_by_key(s, *original, key, value)) >= 0)
				json_array_remove(*original, (size_t)at);
			if (at == -2)
				goto failed;
		} else if (type && strcmp(type, "replace") == 0) {
			*replaced = true;
		} else if (type && strcmp(type, "merge") == 0) {
			fail(s, 500, "merging lists cannot yet be specified in the patch");
			goto failed;
		} else {
			fail_bad_patch_type(s, d, v);
			goto failed;
		}
	}
	if (*replaced) {
		json_decref(*original);
		*original = rest;
		return json_array();
	}
	return rest;
failed:
	json_decref(rest);
	return NULL;
}

/* mergeSlice: original and patch merged as a list with strategy merge. Takes original. */
static json_t *merge_list(struct smp *s, json_t *original, json_t *patch, const json_t *schema,
			  const char *key, bool delete_list)
{
	json_t *merged, *in, *out, *result;
	bool maps;
	int type;

	if (!json_array_size(original) && !json_array_size(patch))
		return original;
	type = list_element_type(s, original, patch);
	if (type < 0)
		goto failed;
	maps = type == JSON_OBJECT;
	if (!maps) {
		if (delete_list) {
			result = delete_from_list(original, patch);
			json_decref(original);
			return result;
		}
		merged = json_copy(original);
		json_array_extend(merged, patch);
		dedupe_scalars(merged);
		patch = json_incref(patch);
	} else {
		size_t i;
		json_t *v;
		bool replaced;

		if (!*key) {
			/* For a field of a known type; our data tags every merging list of objects.
			 */
			fail(s, 500, "cannot merge lists without merge key for map");
			goto failed;
		}
		patch = apply_special_elements(s, &original, patch, key, &replaced);
		if (!patch)
			goto failed;
		/* mergeSliceWithoutSpecialElements: merge by key or append. */
		merged = json_copy(original);
		json_array_foreach(patch, i, v)
		{
			const json_t *value = json_object_get(v, key);
			long at;

			if (!value) {
				fail_no_merge_key(s, v, key);
				goto failed_merged;
			}
			at = find_by_key(s, merged, key, value);
			if (at == -2)
				goto failed_merged;
			if (at >= 0) {
				json_t *m =
				    merge_map(s, json_incref(json_array_get(merged, (size_t)at)),
					      json_incref(v), schema);

				if (!m)
					goto failed_merged;
				json_array_set_new(merged, (size_t)at, m);
				/* upstream's original shares its elements with merged */
				if ((size_t)at < json_array_size(original))
					json_array_set(original, (size_t)at, m);
			} else {
				json_array_append(merged, v);
			}
		}
	}
	if (partition(s, merged, patch, maps ? key : "", &in, &out) != 0)
		goto failed_merged;
	result = normalize_order(s, in, out, patch, original, key, maps);
	json_decref(in);
	json_decref(out);
	json_decref(merged);
	json_decref(patch);
	json_decref(original);
	return result;
failed_merged:
	json_decref(merged);
	json_decref(patch);
failed:
	json_decref(original);
	return NULL;
}

/* mergeSliceHandler: a list field whose value is a list in both. Takes original. */
static json_t *merge_list_field(struct smp *s, json_t *original, json_t *patch,
				const struct field_meta *m, bool delete_list)
{
	if (strcmp(m->strategy, "merge") == 0)
		return merge_list(s, original, patch, m->schema, m->merge_key, delete_list);
	json_decref(original);
	return json_incref(patch);
}

/* applyRetainKeysDirective: 0, or -1 with the failure answered. */
static int apply_retain_keys(struct smp *s, json_t *original, json_t *patch)
{
	json_t *list = json_object_get(patch, RETAIN_KEYS), *v;
	const char *key;
	size_t key_len;
	void *tmp;

	if (!list)
		return 0;
	json_incref(list);
	json_object_del(patch, RETAIN_KEYS);
	if (!json_is_array(list))
		goto bad;
	json_object_keylen_foreach(patch, key, key_len, v)
	{
		json_t *name;

		if (json_is_null(v) || has_prefix(key, key_len, DELETE_FROM_PREFIX) ||
		    has_prefix(key, key_len, SET_ORDER_PREFIX))
			continue;
		name = json_stringn_nocheck(key, key_len);
		if (order_index(list, name, "", false) < 0) {
			json_decref(name);
			goto bad;
		}
		json_decref(name);
	}
	json_object_keylen_foreach_safe(original, tmp, key, key_len, v)
	{
		json_t *name = json_stringn_nocheck(key, key_len);

		if (order_index(list, name, "", false) < 0)
			json_object_deln(original, key, key_len);
		json_decref(name);
	}
	json_decref(list);
	return 0;
bad:
	json_decref(list);
	fail(s, 400, ERR_RETAIN_KEYS);
	return -1;
}

/* validatePatchWithSetOrderList: 0, or -1 with the failure answered. */
static int check_set_order(struct smp *s, const json_t *patch_list, const json_t *order,
			   const char *key)
{
	json_t *kept = json_array(), *deleted = json_array(), *v;
	size_t i, pi = 0, oi = 0;
	int rc = -1;

	if (!json_array_size(order) || !json_array_size(patch_list)) {
		rc = 0;
		goto done;
	}
	json_array_foreach(patch_list, i, v)
	{
		if (*key) {
			if (!json_is_object(v)) {
				fail_bad_arg_type(s, "map[string]interface {}", v);
				goto done;
			}
			json_array_append(is_delete_element(v) ? deleted : kept, v);
		} else {
			json_array_append(kept, v);
		}
	}
	while (pi < json_array_size(kept) && oi < json_array_size(order)) {
		const json_t *p = json_array_get(kept, pi), *o = json_array_get(order, oi);
		bool equal;

		if (json_is_object(p) && json_object_get(p, DIRECTIVE)) {
			pi++;
			continue;
		}
		if (*key) {
			if (!json_is_object(p) || !json_is_object(o)) {
				fail_bad_arg_type(s, "map[string]interface {}",
						  json_is_object(p) ? o : p);
				goto done;
			}
			if (!json_object_get(p, key) || !json_object_get(o, key)) {
				fail_no_merge_key(s, json_object_get(p, key) ? o : p, key);
				goto done;
			}
			equal = go_equal(json_object_get(p, key), json_object_get(o, key));
		} else {
			equal = go_equal(p, o);
		}
		if (equal)
			pi++;
		oi++;
	}
	if (pi < json_array_size(kept) && oi >= json_array_size(order)) {
		struct buf msg = {0};

		buf_append_str(&msg, "The order in patch list:\n");
		go_format_value(&msg, patch_list);
		buf_append_str(&msg, "\n doesn't match " SET_ORDER_PREFIX " list:\n");
		go_format_value(&msg, order);
		buf_append_str(&msg, "\n");
		fail_buf(s, 500, &msg);
		goto done;
	}
	rc = 0;
done:
	json_decref(kept);
	json_decref(deleted);
	return rc;
}

/* One "$setElementOrder/<list>" (mergePatchIntoOriginal): 0, or -1 answered. */
static int apply_set_order(struct smp *s, json_t *original, json_t *patch, const char *name,
			   size_t name_len, json_t *order, const json_t *schema)
{
	json_t *orig_list = json_object_getn(original, name, name_len);
	json_t *patch_list = json_object_getn(patch, name, name_len);
	json_t *merged, *in, *out, *result, *server_order;
	struct field_meta m;
	bool maps;
	int type;

	if (!json_is_array(order))
		return fail_bad_arg_type(s, "[]interface {}", order), -1;
	if (orig_list && !json_is_array(orig_list))
		return fail_bad_arg_type(s, "[]interface {}", orig_list), -1;
	if (patch_list && !json_is_array(patch_list))
		return fail_bad_arg_type(s, "[]interface {}", patch_list), -1;
	m = lookup_field(schema, name, name_len);
	if (check_set_order(s, patch_list, order, m.merge_key) != 0)
		return -1;
	if (orig_list && patch_list)
		merged = merge_list_field(s, json_incref(orig_list), patch_list, &m, false);
	else if (orig_list || patch_list)
		merged = json_incref(orig_list ? orig_list : patch_list);
	else
		return 0;
	if (!merged)
		return -1;
	if (partition(s, merged, order, m.merge_key, &in, &out) != 0) {
		json_decref(merged);
		return -1;
	}
	type = list_element_type(s, orig_list, patch_list);
	maps = type == JSON_OBJECT;
	server_order = orig_list ? json_incref(orig_list) : json_array();
	result =
	    type < 0 ? NULL : normalize_order(s, in, out, order, server_order, m.merge_key, maps);
	json_decref(server_order);
	json_decref(in);
	json_decref(out);
	json_decref(merged);
	if (!result)
		return -1;
	json_object_setn_new_nocheck(original, name, name_len, result);
	json_object_deln(patch, name, name_len);
	return 0;
}

/*
 * mergePatchIntoOriginal: every "$setElementOrder/<list>" of the patch, with
 * its list. The keys are gathered first: each one takes its list out of the
 * patch. 0, or -1 answered.
 */
static int apply_set_orders(struct smp *s, json_t *original, json_t *patch, const json_t *schema)
{
	size_t n = 0, i, key_len, prefix = strlen(SET_ORDER_PREFIX "/");
	const char **keys = arena_alloc(s->arena, (json_object_size(patch) + 1) * sizeof(*keys));
	size_t *lens = arena_alloc(s->arena, (json_object_size(patch) + 1) * sizeof(*lens));
	const char *key;
	json_t *v;

	json_object_keylen_foreach(patch, key, key_len, v)
	{
		if (has_prefix(key, key_len, SET_ORDER_PREFIX "/")) {
			keys[n] = arena_strndup(s->arena, key, key_len);
			lens[n++] = key_len;
		}
	}
	for (i = 0; i < n; i++) {
		json_t *order = json_incref(json_object_getn(patch, keys[i], lens[i]));
		int rc;

		json_object_deln(patch, keys[i], lens[i]);
		rc = apply_set_order(s, original, patch, keys[i] + prefix, lens[i] - prefix, order,
				     schema);
		json_decref(order);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* handleDirectiveInMergeMap: "$patch" in an object. Takes original and patch. */
static json_t *map_directive(struct smp *s, json_t *original, json_t *patch, const json_t *d)
{
	const char *type = json_string_value(d);

	json_decref(original);
	if (type && strcmp(type, "replace") == 0) {
		json_object_del(patch, DIRECTIVE);
		return patch;
	}
	if (type && strcmp(type, "delete") == 0) {
		json_decref(patch);
		return json_object();
	}
	fail_bad_patch_type(s, d, patch);
	json_decref(patch);
	return NULL;
}

/*
 * mergeMap: the patch merged into original, which it mutates; returns the
 * merged object (original, or another object for a "$patch" directive), or
 * NULL with the failure answered. Takes both references.
 */
static json_t *merge_map(struct smp *s, json_t *original, json_t *patch, const json_t *schema)
{
	const json_t *d = json_object_get(patch, DIRECTIVE);
	const char *key;
	size_t key_len;
	json_t *v;
	void *tmp;

	if (d)
		return map_directive(s, original, patch, d);
	if (apply_retain_keys(s, original, patch) != 0)
		goto failed;
	if (apply_set_orders(s, original, patch, schema) != 0)
		goto failed;
	/* What remains of the patch, in its order; a key may have gone with its $setElementOrder.
	 */
	json_object_keylen_foreach_safe(patch, tmp, key, key_len, v)
	{
		bool delete_list = false;
		struct field_meta m;
		json_t *cur;

		if (has_prefix(key, key_len, DELETE_FROM_PREFIX)) {
			/* extractKey: the prefix, a '/', the list's name. */
			if (!has_prefix(key, key_len, DELETE_FROM_PREFIX "/")) {
				fail(s, 400, ERR_PRIMITIVE_LIST);
				goto failed;
			}
			delete_list = true;
			if (key_len > strlen(DELETE_FROM_PREFIX "/")) {
				key += strlen(DELETE_FROM_PREFIX "/");
				key_len -= strlen(DELETE_FROM_PREFIX "/");
			}
		}
		if (json_is_null(v)) {
			json_object_deln(original, key, key_len);
			continue;
		}
		cur = json_object_getn(original, key, key_len);
		if (!cur || go_kind(cur) != go_kind(v)) {
			/* Absent or of another type: the patch's value, nulls dropped. */
			if (!delete_list) {
				discard_nulls(v);
				json_object_setn_nocheck(original, key, key_len, v);
			}
			continue;
		}
		m = lookup_field(schema, key, key_len);
		if (json_is_object(cur)) {
			json_t *merged;

			if (strcmp(m.strategy, "replace") == 0)
				merged = json_incref(v);
			else
				merged = merge_map(s, json_incref(cur), json_incref(v), m.schema);
			if (!merged)
				goto failed;
			json_object_setn_new_nocheck(original, key, key_len, merged);
		} else if (json_is_array(cur)) {
			json_t *merged = merge_list_field(s, json_incref(cur), v, &m, delete_list);

			if (!merged)
				goto failed;
			json_object_setn_new_nocheck(original, key, key_len, merged);
		} else {
			json_object_setn_nocheck(original, key, key_len, v);
		}
	}
	json_decref(patch);
	return original;
failed:
	json_decref(original);
	json_decref(patch);
	return NULL;
}

json_t *strategic_merge_patch_apply(struct arena *a, const json_t *doc, const char *root_type,
				    const char *patch, size_t patch_len,
				    enum patch_field_validation validation,
				    struct patch_result *result)
{
	struct smp s = {.arena = a};
	struct patch_reader rd;
	json_t *value = NULL, *out = NULL;

	patch_reader_init(&rd, a, patch, patch_len, validation);
	if (patch_read_strategic(&rd, result, &value) != 0)
		goto done;
	if (!json_is_object(doc)) {
		/* Upstream's object is always a struct; a stored object always an object. */
		patch_answer(&rd, result, 500, "", "invalid JSON document",
			     "invalid JSON document");
		goto done;
	}
	out = patch_copy_json(doc);
	if (value) {
		out = merge_map(&s, out, value, schema_type(root_type ? root_type : "object"));
		value = NULL;
	}
	if (!out) {
		patch_answer(&rd, result, s.code, s.reason, s.message, s.detail);
		goto done;
	}
	remove_directives(out);
	patch_answer_success(&rd, result);
done:
	json_decref(value);
	patch_reader_free(&rd);
	return out;
}
