/*
 * table_generic.c - the cell families every resource uses ("name", "age",
 * "orNone:<path>", "labelSelector:<path>", ...) and the helpers the
 * per-kind cells share with them.
 *
 * Upstream's printers read typed Go structs, so an absent field is the zero
 * value of its Go type and a pointer field is nil. Here the object is JSON
 * as served: a field that is absent, null or of an unexpected JSON type
 * reads as that zero value (or as the nil pointer), which is what upstream
 * would have decoded from a valid object.
 */
#include "shared/table_cells.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/quantity.h"

/* --- reading the object --------------------------------------------------- */

json_t *cell_get(const json_t *obj, const char *path)
{
	const json_t *v = obj;

	while (v && *path) {
		const char *end;

		if (*path == '.')
			path++;
		end = strchr(path, '.');
		if (!end)
			end = path + strlen(path);
		v = json_object_getn(v, path, (size_t)(end - path));
		path = end;
	}
	return json_is_null(v) ? NULL : (json_t *)v;
}

const char *cell_str(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

long long cell_int(const json_t *v)
{
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

json_t *cell_first_condition(const json_t *conditions, const char *type)
{
	for (size_t i = 0; i < json_array_size(conditions); i++) {
		json_t *c = json_array_get(conditions, i);

		if (strcmp(cell_str(json_object_get(c, "type")), type) == 0)
			return c;
	}
	return NULL;
}

json_t *cell_last_condition(const json_t *conditions, const char *type)
{
	for (size_t i = json_array_size(conditions); i-- > 0;) {
		json_t *c = json_array_get(conditions, i);

		if (strcmp(cell_str(json_object_get(c, "type")), type) == 0)
			return c;
	}
	return NULL;
}

static int compare_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

const char **cell_sorted_keys(struct arena *a, const json_t *obj, size_t *n)
{
	const char **keys = arena_alloc(a, (json_object_size(obj) + 1) * sizeof(*keys));
	void *it = json_object_iter((json_t *)obj);

	for (*n = 0; it; it = json_object_iter_next((json_t *)obj, it))
		keys[(*n)++] = json_object_iter_key(it);
	qsort(keys, *n, sizeof(*keys), compare_strings);
	return keys;
}

struct timestamp cell_time(const json_t *v)
{
	struct timestamp t;

	if (!json_is_string(v) || !timestamp_parse(json_string_value(v), &t))
		return timestamp_zero();
	return t;
}

/* --- making cells ------------------------------------------------------------ */

json_t *cell_string(const char *s)
{
	json_t *j = json_string(s ? s : "");

	/* Text comes from the object, which jansson checked; keep a cell even so. */
	return j ? j : json_string("");
}

json_t *cell_printf(const char *fmt, ...)
{
	va_list ap;
	json_t *j;

	va_start(ap, fmt);
	j = json_vsprintf(fmt, ap);
	va_end(ap);
	return j ? j : json_string("");
}

json_t *cell_from_buf(struct buf *b)
{
	json_t *j = b->len ? json_stringn(b->data, b->len) : json_string("");

	buf_free(b);
	return j ? j : json_string("");
}

void cell_join(struct buf *b, size_t *count, const char *sep, const char *item)
{
	if ((*count)++)
		buf_append_str(b, sep);
	buf_append_str(b, item);
}

/* --- shared formatting ---------------------------------------------------- */

const char *cell_since(const struct cell_context *c, struct timestamp t)
{
	char text[HUMAN_DURATION_SIZE];

	if (timestamp_is_zero(&t))
		return "<unknown>";
	return arena_strdup(c->arena, human_duration(timestamp_sub(&c->now, &t), text));
}

const char *cell_quantity(struct arena *a, const json_t *v)
{
	const char *text, *canonical;

	/* Quantity.UnmarshalJSON reads a JSON string or a bare number. */
	if (json_is_string(v))
		text = cell_trim_space(a, json_string_value(v));
	else if (json_is_integer(v))
		text = arena_printf(a, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		text = arena_printf(a, "%.17g", json_real_value(v));
	else
		return "0";
	canonical = quantity_canonical(a, text);
	/* Upstream cannot hold an unparseable quantity; show it as written. */
	return canonical ? canonical : text;
}

const char *cell_quantity_pointer(struct arena *a, const json_t *v)
{
	return v ? cell_quantity(a, v) : "<nil>";
}

const char *cell_access_modes(struct arena *a, const json_t *modes)
{
	static const struct {
		const char *mode, *abbreviation;
	} order[] = {
	    {"ReadWriteOnce", "RWO"},
	    {"ReadOnlyMany", "ROX"},
	    {"ReadWriteMany", "RWX"},
	    {"ReadWriteOncePod", "RWOP"},
	};
	struct buf b = {0};
	const char *out;
	size_t count = 0;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		for (size_t j = 0; j < json_array_size(modes); j++) {
			if (strcmp(cell_str(json_array_get(modes, j)), order[i].mode) == 0) {
				cell_join(&b, &count, ",", order[i].abbreviation);
				break;
			}
		}
	}
	out = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

/* Sorts and joins strings, dropping duplicates when unique is set. */
static const char *sorted_join(struct arena *a, const char **items, size_t n, const char *sep,
			       bool unique)
{
	struct buf b = {0};
	const char *out;
	size_t count = 0;

	qsort(items, n, sizeof(*items), compare_strings);
	for (size_t i = 0; i < n; i++)
		if (!unique || i == 0 || strcmp(items[i - 1], items[i]) != 0)
			cell_join(&b, &count, sep, items[i]);
	out = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

const char *cell_load_balancer_ingress(struct arena *a, const json_t *ingress)
{
	size_t n = 0, size = json_array_size(ingress);
	const char **values = arena_alloc(a, (size + 1) * sizeof(*values));

	for (size_t i = 0; i < size; i++) {
		json_t *entry = json_array_get(ingress, i);
		const char *ip = cell_str(json_object_get(entry, "ip")),
			   *hostname = cell_str(json_object_get(entry, "hostname"));

		if (*ip)
			values[n++] = ip;
		else if (*hostname)
			values[n++] = hostname;
	}
	return sorted_join(a, values, n, ",", true);
}

const char *cell_lower(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s);

	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

/* unicode.IsSpace */
static bool is_space_rune(unsigned r)
{
	return (r >= 0x09 && r <= 0x0D) || r == 0x20 || r == 0x85 || r == 0xA0 || r == 0x1680 ||
	       (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F ||
	       r == 0x205F || r == 0x3000;
}

/* The rune of the UTF-8 sequence s[0..len), or U+FFFD when it is not one. */
static unsigned decode_rune(const unsigned char *s, size_t len)
{
	unsigned r;

	if (len == 1 && s[0] < 0x80)
		return s[0];
	if (len == 2 && (s[0] & 0xE0) == 0xC0)
		r = s[0] & 0x1Fu;
	else if (len == 3 && (s[0] & 0xF0) == 0xE0)
		r = s[0] & 0x0Fu;
	else if (len == 4 && (s[0] & 0xF8) == 0xF0)
		r = s[0] & 0x07u;
	else
		return 0xFFFD;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0xFFFD;
		r = r << 6 | (s[i] & 0x3Fu);
	}
	return r;
}

static size_t rune_length(unsigned char lead)
{
	return lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : 4;
}

const char *cell_trim_space(struct arena *a, const char *s)
{
	const unsigned char *start = (const unsigned char *)s, *end = start + strlen(s);

	while (start < end) {
		size_t n = rune_length(*start);

		if (n > (size_t)(end - start) || !is_space_rune(decode_rune(start, n)))
			break;
		start += n;
	}
	while (end > start) {
		const unsigned char *p = end - 1;

		while (p > start && (*p & 0xC0) == 0x80 && end - p < 4)
			p--;
		if (!is_space_rune(decode_rune(p, (size_t)(end - p))))
			break;
		end = p;
	}
	return arena_strndup(a, (const char *)start, (size_t)(end - start));
}

/* --- label selectors -------------------------------------------------------- */

static bool is_alphanumeric(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool is_qualified_name_part(const char *s, size_t len)
{
	if (len == 0 || !is_alphanumeric(s[0]) || !is_alphanumeric(s[len - 1]))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!is_alphanumeric(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* validation.IsDNS1123Subdomain */
static bool is_dns_subdomain(const char *s, size_t len)
{
	size_t start = 0;

	if (len > 253)
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
			      s[i] == '-'))
				return false;
			continue;
		}
		if (i == start || s[start] == '-' || s[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

/* validation.IsQualifiedName: a label key. */
static bool is_label_key(const char *key)
{
	const char *slash = strchr(key, '/'), *name = key;

	if (slash) {
		if (strchr(slash + 1, '/') || slash == key ||
		    !is_dns_subdomain(key, (size_t)(slash - key)))
			return false;
		name = slash + 1;
	}
	return strlen(name) <= 63 && is_qualified_name_part(name, strlen(name));
}

/* validation.IsValidLabelValue */
static bool is_label_value(const char *value)
{
	size_t len = strlen(value);

	return len <= 63 && (len == 0 || is_qualified_name_part(value, len));
}

struct requirement {
	const char *key, *op; /* op as Requirement.String() writes it */
	const char **values;
	size_t num_values;
	size_t order; /* the position before sorting, for a stable sort */
};

static int compare_requirements(const void *x, const void *y)
{
	const struct requirement *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	return c ? c : (a->order > b->order) - (a->order < b->order);
}

/*
 * metav1.LabelSelectorAsSelector(selector).String(): requirements sorted by
 * key, each as "k=v", "k in (a,b)", "k notin (a)", "k" or "!k" with its
 * values sorted. NULL when the selector is invalid; "" when it is absent or
 * empty (labels.Nothing() and labels.Everything() both print as "").
 */
static const char *label_selector_string(struct arena *a, const json_t *selector)
{
	json_t *match_labels = json_object_get(selector, "matchLabels");
	json_t *expressions = json_object_get(selector, "matchExpressions");
	size_t n = 0, num_keys;
	const char **keys = cell_sorted_keys(a, match_labels, &num_keys), *out;
	struct requirement *reqs =
	    arena_alloc(a, (num_keys + json_array_size(expressions) + 1) * sizeof(*reqs));
	struct buf b = {0};

	if (!json_is_object(selector))
		return "";
	for (size_t i = 0; i < num_keys; i++) {
		json_t *value = json_object_get(match_labels, keys[i]);
		const char **values = arena_alloc(a, sizeof(*values));

		if (!json_is_string(value) || !is_label_key(keys[i]) ||
		    !is_label_value(json_string_value(value)))
			return NULL;
		values[0] = json_string_value(value);
		reqs[n] = (struct requirement){keys[i], "=", values, 1, n};
		n++;
	}
	for (size_t i = 0; i < json_array_size(expressions); i++) {
		json_t *expr = json_array_get(expressions, i),
		       *vals = json_object_get(expr, "values");
		const char *op = cell_str(json_object_get(expr, "operator"));
		size_t num_values = json_array_size(vals);
		struct requirement r = {cell_str(json_object_get(expr, "key")), NULL, NULL,
					num_values, n};

		if (strcmp(op, "In") == 0)
			r.op = " in ";
		else if (strcmp(op, "NotIn") == 0)
			r.op = " notin ";
		else if (strcmp(op, "Exists") == 0)
			r.op = "";
		else if (strcmp(op, "DoesNotExist") == 0)
			r.op = "!";
		if (!r.op || !is_label_key(r.key) ||
		    (*r.op == ' ' ? num_values == 0 : num_values != 0))
			return NULL;
		r.values = arena_alloc(a, (num_values + 1) * sizeof(*r.values));
		for (size_t j = 0; j < num_values; j++) {
			json_t *v = json_array_get(vals, j);

			if (!json_is_string(v) || !is_label_value(json_string_value(v)))
				return NULL;
			r.values[j] = json_string_value(v);
		}
		qsort(r.values, num_values, sizeof(*r.values), compare_strings);
		reqs[n++] = r;
	}
	qsort(reqs, n, sizeof(*reqs), compare_requirements);
	for (size_t i = 0; i < n; i++) {
		const struct requirement *r = &reqs[i];

		if (b.len)
			buf_append_str(&b, ",");
		if (strcmp(r->op, "!") == 0) {
			buf_printf(&b, "!%s", r->key);
			continue;
		}
		buf_printf(&b, "%s%s", r->key, r->op);
		if (*r->op == ' ')
			buf_append_str(&b, "(");
		for (size_t j = 0; j < r->num_values; j++)
			buf_printf(&b, "%s%s", j ? "," : "", r->values[j]);
		if (*r->op == ' ')
			buf_append_str(&b, ")");
	}
	out = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

/* labels.FormatLabels: "k=v" pairs sorted as strings, "<none>" for none. */
static const char *format_labels(struct arena *a, const json_t *labels)
{
	size_t n = 0, num_keys;
	const char **keys = cell_sorted_keys(a, labels, &num_keys), *out;
	const char **pairs = arena_alloc(a, (num_keys + 1) * sizeof(*pairs));

	for (size_t i = 0; i < num_keys; i++) {
		json_t *value = json_object_get(labels, keys[i]);

		if (json_is_string(value))
			pairs[n++] = arena_printf(a, "%s=%s", keys[i], json_string_value(value));
	}
	out = sorted_join(a, pairs, n, ",", false);
	return *out ? out : "<none>";
}

/* --- the families ----------------------------------------------------------- */

static json_t *cell_name(const struct cell_context *c)
{
	return cell_string(cell_str(cell_get(c->obj, ".metadata.name")));
}

static json_t *cell_age(const struct cell_context *c)
{
	return cell_string(
	    cell_since(c, cell_time(cell_get(c->obj, ".metadata.creationTimestamp"))));
}

static json_t *cell_created_at(const struct cell_context *c)
{
	struct timestamp t = cell_time(cell_get(c->obj, ".metadata.creationTimestamp"));
	char text[TIMESTAMP_RFC3339_SIZE];

	timestamp_format(&t, text);
	return cell_string(text);
}

/*
 * Cells read "as is" whose Go field is not a string, for the zero value
 * upstream prints when the field is absent. Columns typed integer or
 * boolean need no entry; these are the ones whose column says "string".
 */
static const char *const integer_paths[] = {
    ".status.updatedReplicas", ".status.availableReplicas", ".spec.maxReplicas",
    ".status.currentReplicas", ".spec.matchingPrecedence",  ".revision",
};

static bool path_is_integer(const struct cell_context *c)
{
	if (strcmp(c->column->type, "integer") == 0)
		return true;
	for (size_t i = 0; i < sizeof(integer_paths) / sizeof(integer_paths[0]); i++)
		if (strcmp(c->param, integer_paths[i]) == 0)
			return true;
	return false;
}

static bool is_scalar(const json_t *v)
{
	return json_is_string(v) || json_is_integer(v) || json_is_real(v) || json_is_boolean(v);
}

static json_t *cell_jsonpath(const struct cell_context *c)
{
	json_t *v = cell_get(c->obj, c->param);

	if (is_scalar(v))
		return json_copy(v);
	if (strcmp(c->column->type, "boolean") == 0)
		return json_false();
	return path_is_integer(c) ? json_integer(0) : json_string("");
}

static json_t *cell_or_none(const struct cell_context *c)
{
	json_t *v = cell_get(c->obj, c->param);

	if (!is_scalar(v) || (json_is_string(v) && !*json_string_value(v)))
		return json_string("<none>");
	return json_copy(v);
}

static json_t *cell_or_unset(const struct cell_context *c)
{
	json_t *v = cell_get(c->obj, c->param);

	if (json_is_string(v))
		return cell_string(json_string_value(v));
	if (json_is_integer(v))
		return cell_printf("%lld", (long long)json_integer_value(v));
	if (json_is_boolean(v))
		return cell_string(json_is_true(v) ? "true" : "false");
	return json_string("<unset>");
}

static json_t *cell_or_unknown(const struct cell_context *c)
{
	const char *s = cell_str(cell_get(c->obj, c->param));

	return cell_string(*s ? s : "<unknown>");
}

static json_t *cell_or_default(const struct cell_context *c)
{
	const char *colon = strrchr(c->param, ':');
	const char *fallback =
	    colon ? arena_strndup(c->arena, c->param, (size_t)(colon - c->param)) : "";
	json_t *v = cell_get(c->obj, colon ? colon + 1 : c->param);

	if (is_scalar(v))
		return json_copy(v);
	if (strcmp(fallback, "true") == 0 || strcmp(fallback, "false") == 0)
		return json_boolean(strcmp(fallback, "true") == 0);
	return cell_string(fallback);
}

static json_t *cell_len(const struct cell_context *c)
{
	json_t *v = cell_get(c->obj, c->param);

	return json_integer(
	    (json_int_t)(json_is_object(v) ? json_object_size(v) : json_array_size(v)));
}

static json_t *cell_labels(const struct cell_context *c)
{
	return cell_string(format_labels(c->arena, cell_get(c->obj, c->param)));
}

/* metav1.FormatLabelSelector */
static json_t *cell_label_selector(const struct cell_context *c)
{
	const char *s = label_selector_string(c->arena, cell_get(c->obj, c->param));

	return cell_string(!s ? "<error>" : *s ? s : "<none>");
}

static json_t *cell_selector_string(const struct cell_context *c)
{
	const char *s = label_selector_string(c->arena, cell_get(c->obj, c->param));

	return cell_string(s ? s : "<invalid>");
}

/* layoutContainerCells: one field of every container, comma-joined. */
static json_t *container_field(const struct cell_context *c, const char *field)
{
	json_t *containers = cell_get(c->obj, c->param);
	struct buf b = {0};

	for (size_t i = 0; i < json_array_size(containers); i++) {
		if (i)
			buf_append_str(&b, ",");
		buf_append_str(&b, cell_str(json_object_get(json_array_get(containers, i), field)));
	}
	return cell_from_buf(&b);
}

static json_t *cell_container_names(const struct cell_context *c)
{
	return container_field(c, "name");
}

static json_t *cell_container_images(const struct cell_context *c)
{
	return container_field(c, "image");
}

static json_t *cell_since_or_none(const struct cell_context *c)
{
	json_t *v = cell_get(c->obj, c->param);

	return cell_string(v ? cell_since(c, cell_time(v)) : "<none>");
}

/* printBoolPtr */
static json_t *cell_bool_pointer(const struct cell_context *c)
{
	json_t *v = cell_get(c->obj, c->param);

	if (!json_is_boolean(v))
		return json_string("<unset>");
	return json_string(json_is_true(v) ? "True" : "False");
}

static json_t *cell_int_or_string_or_na(const struct cell_context *c)
{
	json_t *v = cell_get(c->obj, c->param);

	if (json_is_integer(v))
		return cell_printf("%lld", (long long)json_integer_value(v));
	if (json_is_string(v))
		return cell_string(json_string_value(v));
	return json_string("N/A");
}

static json_t *cell_quantity_family(const struct cell_context *c)
{
	return cell_string(cell_quantity(c->arena, cell_get(c->obj, c->param)));
}

static json_t *cell_quantity_or_unset(const struct cell_context *c)
{
	json_t *v = cell_get(c->obj, c->param);

	return cell_string(v ? cell_quantity(c->arena, v) : "<unset>");
}

static json_t *cell_access_modes_family(const struct cell_context *c)
{
	return cell_string(cell_access_modes(c->arena, cell_get(c->obj, c->param)));
}

static json_t *cell_phase_or_terminating(const struct cell_context *c)
{
	if (cell_get(c->obj, ".metadata.deletionTimestamp"))
		return json_string("Terminating");
	return cell_string(cell_str(cell_get(c->obj, c->param)));
}

static json_t *cell_load_balancer_ingress_family(const struct cell_context *c)
{
	return cell_string(cell_load_balancer_ingress(c->arena, cell_get(c->obj, c->param)));
}

/* getNodeInternalIP, getNodeExternalIP: the first address of the type. */
static json_t *cell_node_address(const struct cell_context *c)
{
	json_t *addresses = cell_get(c->obj, ".status.addresses");

	for (size_t i = 0; i < json_array_size(addresses); i++) {
		json_t *a = json_array_get(addresses, i);

		if (strcmp(cell_str(json_object_get(a, "type")), c->param) == 0)
			return cell_string(cell_str(json_object_get(a, "address")));
	}
	return json_string("<none>");
}

/* rbac.SubjectsStrings, one of its lists joined with ", ". */
static json_t *cell_subjects(const struct cell_context *c)
{
	json_t *subjects = cell_get(c->obj, ".subjects");
	bool service_account = strcmp(c->param, "ServiceAccount") == 0;
	struct buf b = {0};
	size_t count = 0;

	for (size_t i = 0; i < json_array_size(subjects); i++) {
		json_t *s = json_array_get(subjects, i);
		const char *name = cell_str(json_object_get(s, "name"));

		if (strcmp(cell_str(json_object_get(s, "kind")), c->param) != 0)
			continue;
		if (count++)
			buf_append_str(&b, ", ");
		if (service_account)
			buf_printf(&b, "%s/%s", cell_str(json_object_get(s, "namespace")), name);
		else
			buf_append_str(&b, name);
	}
	return cell_from_buf(&b);
}

const struct cell_kind table_generic_cells[] = {
    {"name", cell_name},
    {"age", cell_age},
    {"createdAt", cell_created_at},
    {"jsonpath:", cell_jsonpath},
    {"orNone:", cell_or_none},
    {"orUnset:", cell_or_unset},
    {"orUnknown:", cell_or_unknown},
    {"orDefault:", cell_or_default},
    {"len:", cell_len},
    {"labels:", cell_labels},
    {"labelSelector:", cell_label_selector},
    {"selectorString:", cell_selector_string},
    {"containerNames:", cell_container_names},
    {"containerImages:", cell_container_images},
    {"sinceOrNone:", cell_since_or_none},
    {"boolPtr:", cell_bool_pointer},
    {"intOrStringOrNA:", cell_int_or_string_or_na},
    {"quantity:", cell_quantity_family},
    {"quantityOrUnset:", cell_quantity_or_unset},
    {"accessModes:", cell_access_modes_family},
    {"phaseOrTerminating:", cell_phase_or_terminating},
    {"loadBalancerIngress:", cell_load_balancer_ingress_family},
    {"nodeAddress:", cell_node_address},
    {"subjects:", cell_subjects},
};
const size_t table_num_generic_cells = sizeof(table_generic_cells) / sizeof(table_generic_cells[0]);
