/*
 * catalog.c - loads the type catalog (see catalog.h) from its text form.
 *
 * The text is line oriented:
 *
 *   package k8s.io.api.core.v1
 *   type PodSpec [markers]
 *     volumes 1 []Volume optional patchStrategy=merge,retainKeys ...
 *     nodeSelector 7 map[string]string optional
 *
 * A type name without dots is in the current package. Go facts ride along
 * as markers: "ptr" (a Go pointer) and "noomit" (no omitempty). Loading
 * happens once per process; the result is never freed, like the registry.
 * Types are found by binary search over their sorted names, fields of a
 * type by a linear scan (a type has at most a few dozen fields).
 */
#include "catalog.h"
#include "shared/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char catalog_text[];

static struct catalog_type *types;
static size_t num_types;

/* While loading: a field's type name, resolved once every type is known. */
struct pending_ref {
	const char *type; /* the type holding the field (its name: arrays move) */
	size_t field;	  /* the field's index in it */
	char *name;	  /* the field's message type */
};

static int type_cmp(const void *a, const void *b)
{
	return strcmp(((const struct catalog_type *)a)->name,
		      ((const struct catalog_type *)b)->name);
}

static int name_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct catalog_type *)elem)->name);
}

const struct catalog_type *catalog_type(const char *proto_name)
{
	if (!types)
		return NULL;
	return bsearch(proto_name, types, num_types, sizeof(*types), name_cmp);
}

size_t catalog_count(void)
{
	return num_types;
}

const struct catalog_type *catalog_at(size_t i)
{
	return i < num_types ? &types[i] : NULL;
}

static bool scalar_of(const char *s, enum catalog_scalar *out)
{
	static const struct {
		const char *name;
		enum catalog_scalar scalar;
	} scalars[] = {
	    {"string", CATALOG_STRING}, {"bytes", CATALOG_BYTES},  {"bool", CATALOG_BOOL},
	    {"int32", CATALOG_INT32},	{"int64", CATALOG_INT64},  {"double", CATALOG_DOUBLE},
	    {"float", CATALOG_FLOAT},	{"uint32", CATALOG_INT64}, {"uint64", CATALOG_INT64},
	};

	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		if (strcmp(s, scalars[i].name) == 0) {
			*out = scalars[i].scalar;
			return true;
		}
	}
	return false;
}

/* Words of a line, split on spaces, at most max. */
static size_t split_words(char *line, char **words, size_t max)
{
	size_t n = 0;

	for (char *p = strtok(line, " \t"); p && n < max; p = strtok(NULL, " \t"))
		words[n++] = p;
	return n;
}

static bool has_word(const char *markers, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = markers; (p = strstr(p, word)); p += len) {
		if ((p == markers || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
			return true;
	}
	return false;
}

const char *catalog_marker(const char *markers, const char *key, char *out, size_t out_len)
{
	size_t len = strlen(key);

	if (!markers)
		return NULL;
	for (const char *p = markers; *p;) {
		const char *end = strchr(p, ' ');

		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > len && strncmp(p, key, len) == 0 && p[len] == '=') {
			size_t n = (size_t)(end - p) - len - 1;

			if (n >= out_len)
				n = out_len - 1;
			memcpy(out, p + len + 1, n);
			out[n] = '\0';
			return out;
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

/* Joins words into one space-separated string, or NULL when there are none. */
static char *join_words(char **words, size_t n)
{
	size_t len = 0;
	char *s, *p;

	if (n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	s = p = xcalloc(1, len + 1);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? " " : "", words[i]);
	return s;
}

static enum catalog_special special_of(const struct catalog_type *t)
{
	static const struct {
		const char *name;
		enum catalog_special special;
	} specials[] = {
	    {"k8s.io.apimachinery.pkg.apis.meta.v1.Time", CATALOG_TIME},
	    {"k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime", CATALOG_MICROTIME},
	    {"k8s.io.apimachinery.pkg.apis.meta.v1.Duration", CATALOG_DURATION},
	    {"k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1", CATALOG_RAW},
	    {"k8s.io.apimachinery.pkg.api.resource.Quantity", CATALOG_QUANTITY},
	    {"k8s.io.apimachinery.pkg.util.intstr.IntOrString", CATALOG_INTORSTRING},
	    {"k8s.io.apimachinery.pkg.runtime.RawExtension", CATALOG_RAW},
	    {"k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON", CATALOG_RAW},
	    {"k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
	     CATALOG_SCHEMA_OR_ARRAY},
	    {"k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
	     CATALOG_SCHEMA_OR_BOOL},
	    {"k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1."
	     "JSONSchemaPropsOrStringArray",
	     CATALOG_SCHEMA_OR_STRINGS},
	};

	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++) {
		if (strcmp(t->name, specials[i].name) == 0)
			return specials[i].special;
	}
	/* A named slice (type Verbs []string) travels as a message of items. */
	if (t->markers && has_word(t->markers, "protobuf.nullable=true") && t->num_fields == 1 &&
	    t->fields[0].repeated && strcmp(t->fields[0].name, "items") == 0)
		return CATALOG_LIST;
	return CATALOG_PLAIN;
}

/*
 * One field line: name number type [markers]. The Go facts decide how a
 * zero value is written; a field the Go facts do not name is a newer
 * one, and newer optional scalars are pointers by API convention.
 */
static int parse_field(struct catalog_type *t, char **w, size_t n, const char *package,
		       struct pending_ref **refs, size_t *num_refs, char *err, size_t err_len)
{
	struct catalog_field *f;
	char *type = w[2];
	char *end;
	long number;

	if (n < 3) {
		snprintf(err, err_len, "type %s: field line needs a name, a number and a type",
			 t->name);
		return -1;
	}
	number = strtol(w[1], &end, 10);
	if (*end || number < 1 || number > 536870911) {
		snprintf(err, err_len, "type %s: field %s: bad number %s", t->name, w[0], w[1]);
		return -1;
	}
	t->fields = xrealloc(t->fields, (t->num_fields + 1) * sizeof(*t->fields));
	f = &t->fields[t->num_fields++];
	memset(f, 0, sizeof(*f));
	f->name = xstrndup(w[0], strlen(w[0]));
	f->number = (int)number;
	if (strncmp(type, "[]", 2) == 0) {
		f->repeated = true;
		type += 2;
	} else if (strncmp(type, "map[string]", 11) == 0) {
		f->map = true;
		type += 11;
	}
	if (!scalar_of(type, &f->scalar)) {
		struct pending_ref *r;

		f->scalar = CATALOG_MESSAGE;
		*refs = xrealloc(*refs, (*num_refs + 1) * sizeof(**refs));
		r = &(*refs)[(*num_refs)++];
		r->type = t->name;
		r->field = t->num_fields - 1;
		if (strchr(type, '.')) {
			r->name = xstrndup(type, strlen(type));
		} else {
			r->name = xcalloc(1, strlen(package) + strlen(type) + 2);
			sprintf(r->name, "%s.%s", package, type);
		}
	}
	f->markers = join_words(w + 3, n - 3);
	if (f->markers) {
		f->optional = has_word(f->markers, "optional");
		f->pointer = has_word(f->markers, "ptr");
		f->no_omit = has_word(f->markers, "noomit");
		f->embedded = has_word(f->markers, "inline") && f->scalar == CATALOG_MESSAGE;
		if (!has_word(f->markers, "go") && f->optional && f->scalar != CATALOG_MESSAGE &&
		    !f->repeated && !f->map)
			f->pointer = true;
	}
	return 0;
}

/* Drops the loaded catalog (before a reload, or after a failed load). */
static void catalog_free(void)
{
	for (size_t i = 0; i < num_types; i++) {
		for (size_t j = 0; j < types[i].num_fields; j++) {
			free((char *)types[i].fields[j].name);
			free((char *)types[i].fields[j].markers);
		}
		free(types[i].fields);
		free((char *)types[i].name);
		free((char *)types[i].markers);
	}
	free(types);
	types = NULL;
	num_types = 0;
}

int catalog_load_text(const char *text, char *err, size_t err_len)
{
	struct pending_ref *refs = NULL;
	size_t num_refs = 0;
	char package[256] = "";
	char *copy = xstrndup(text, strlen(text));
	char *save = NULL;
	struct catalog_type *cur = NULL;
	int rc = -1;

	catalog_free();
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		bool indented = line[0] == ' ';
		char *w[64] = {0};
		size_t n;

		if (line[0] == '#')
			continue;
		n = split_words(line, w, 64);
		if (n == 0)
			continue;
		if (indented) {
			if (!cur) {
				snprintf(err, err_len, "field line before any type: %s", w[0]);
				goto out;
			}
			if (parse_field(cur, w, n, package, &refs, &num_refs, err, err_len) < 0)
				goto out;
		} else if (strcmp(w[0], "package") == 0 && n == 2) {
			snprintf(package, sizeof(package), "%s", w[1]);
		} else if (strcmp(w[0], "type") == 0 && n >= 2 && package[0]) {
			types = xrealloc(types, (num_types + 1) * sizeof(*types));
			cur = &types[num_types++];
			memset(cur, 0, sizeof(*cur));
			cur->name = xcalloc(1, strlen(package) + strlen(w[1]) + 2);
			sprintf((char *)cur->name, "%s.%s", package, w[1]);
			cur->markers = join_words(w + 2, n - 2);
		} else {
			snprintf(err, err_len, "cannot read catalog line starting with %s", w[0]);
			goto out;
		}
	}
	/* Types move while loading and sorting: resolve references last. */
	qsort(types, num_types, sizeof(*types), type_cmp);
	for (size_t i = 0; i + 1 < num_types; i++) {
		if (strcmp(types[i].name, types[i + 1].name) == 0) {
			snprintf(err, err_len, "type %s is defined twice", types[i].name);
			goto out;
		}
	}
	for (size_t k = 0; k < num_refs; k++) {
		struct catalog_field *f =
		    &((struct catalog_type *)catalog_type(refs[k].type))->fields[refs[k].field];

		f->type = catalog_type(refs[k].name);
		if (!f->type) {
			snprintf(err, err_len, "field %s: unknown type %s", f->name, refs[k].name);
			goto out;
		}
	}
	for (size_t i = 0; i < num_types; i++)
		types[i].special = special_of(&types[i]);
	rc = 0;
out:
	if (rc < 0)
		catalog_free();
	for (size_t k = 0; k < num_refs; k++)
		free(refs[k].name);
	free(refs);
	free(copy);
	return rc;
}

int catalog_load(char *err, size_t err_len)
{
	return catalog_load_text(catalog_text, err, err_len);
}

/*
 * Where each served group's kinds live (its +groupName and the package of
 * its generated.proto). The group must match whole: "apps.example.com" is
 * not apps, as upstream's scheme knows only the exact group-versions.
 */
static const struct {
	const char *group;
	const char *package;
} group_packages[] = {
    {"", "k8s.io.api.core"},
    {"admissionregistration.k8s.io", "k8s.io.api.admissionregistration"},
    {"apiextensions.k8s.io", "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions"},
    {"apiregistration.k8s.io", "k8s.io.kube_aggregator.pkg.apis.apiregistration"},
    {"apps", "k8s.io.api.apps"},
    {"authentication.k8s.io", "k8s.io.api.authentication"},
    {"authorization.k8s.io", "k8s.io.api.authorization"},
    {"autoscaling", "k8s.io.api.autoscaling"},
    {"batch", "k8s.io.api.batch"},
    {"certificates.k8s.io", "k8s.io.api.certificates"},
    {"coordination.k8s.io", "k8s.io.api.coordination"},
    {"discovery.k8s.io", "k8s.io.api.discovery"},
    {"events.k8s.io", "k8s.io.api.events"},
    {"flowcontrol.apiserver.k8s.io", "k8s.io.api.flowcontrol"},
    {"meta.k8s.io", "k8s.io.apimachinery.pkg.apis.meta"},
    {"networking.k8s.io", "k8s.io.api.networking"},
    {"node.k8s.io", "k8s.io.api.node"},
    {"policy", "k8s.io.api.policy"},
    {"rbac.authorization.k8s.io", "k8s.io.api.rbac"},
    {"scheduling.k8s.io", "k8s.io.api.scheduling"},
    {"storage.k8s.io", "k8s.io.api.storage"},
};

const struct catalog_type *catalog_kind(const char *group, const char *version, const char *kind)
{
	char name[256];

	/* A dot in either would reach into another package's types. */
	if (strchr(version, '.') || strchr(kind, '.'))
		return NULL;
	for (size_t i = 0; i < sizeof(group_packages) / sizeof(group_packages[0]); i++) {
		if (strcmp(group, group_packages[i].group) == 0) {
			int n = snprintf(name, sizeof(name), "%s.%s.%s", group_packages[i].package,
					 version, kind);

			return n < (int)sizeof(name) ? catalog_type(name) : NULL;
		}
	}
	return NULL;
}

const struct catalog_type *catalog_kind_of(const char *api_version, const char *kind)
{
	const char *slash;
	char group[256];

	if (!api_version || !kind)
		return NULL;
	slash = strchr(api_version, '/');
	if (slash && (size_t)(slash - api_version) >= sizeof(group))
		return NULL;
	snprintf(group, sizeof(group), "%.*s", slash ? (int)(slash - api_version) : 0, api_version);
	return catalog_kind(group, slash ? slash + 1 : api_version, kind);
}

const struct catalog_field *catalog_field_by_number(const struct catalog_type *t, int number)
{
	for (size_t i = 0; i < t->num_fields; i++) {
		if (t->fields[i].number == number)
			return &t->fields[i];
	}
	return NULL;
}

const struct catalog_field *catalog_field_by_name(const struct catalog_type *t, const char *name)
{
	for (size_t i = 0; i < t->num_fields; i++) {
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	}
	return NULL;
}

/* k8s.io.x -> io.k8s.x; apiextensions_apiserver -> apiextensions-apiserver, etc. */
void catalog_openapi_name(const struct catalog_type *t, char *out, size_t out_len)
{
	const char *rest = strncmp(t->name, "k8s.io.", 7) == 0 ? t->name + 7 : t->name;
	size_t n;

	n = (size_t)snprintf(out, out_len, "io.k8s.%s", rest);
	if (n >= out_len)
		n = out_len - 1;
	for (size_t i = 7; i < n && out[i]; i++) {
		if (out[i] == '_')
			out[i] = '-';
	}
}

const struct catalog_field *catalog_field_in(const struct catalog_type *t, const char *name)
{
	for (size_t i = 0; i < t->num_fields; i++) {
		const struct catalog_field *f = &t->fields[i];

		if (f->embedded) {
			const struct catalog_field *inner = catalog_field_in(f->type, name);

			if (inner)
				return inner;
		} else if (strcmp(f->name, name) == 0) {
			return f;
		}
	}
	return NULL;
}

struct prune {
	void (*found)(const char *path, void *ctx);
	void *ctx;
	char path[1024];
};

static void prune_object(struct prune *p, const struct catalog_type *t, json_t *obj, size_t at,
			 bool top, int depth);

/* One value of field f (an element, a map value, or the field itself). */
static void prune_value(struct prune *p, const struct catalog_field *f, json_t *v, size_t at,
			int depth)
{
	if (f->scalar == CATALOG_MESSAGE && f->type->special == CATALOG_PLAIN && json_is_object(v))
		prune_object(p, f->type, v, at, false, depth + 1);
}

static void prune_object(struct prune *p, const struct catalog_type *t, json_t *obj, size_t at,
			 bool top, int depth)
{
	const char *key;
	json_t *v;
	void *tmp;

	if (depth > 100)
		return;
	json_object_foreach_safe(obj, tmp, key, v)
	{
		const struct catalog_field *f = catalog_field_in(t, key);
		int n = snprintf(p->path + at, sizeof(p->path) - at, "%s%s", at ? "." : "", key);
		size_t end =
		    at + (size_t)n < sizeof(p->path) ? at + (size_t)n : sizeof(p->path) - 1;

		if (!f) {
			if (top && (strcmp(key, "kind") == 0 || strcmp(key, "apiVersion") == 0))
				continue;
			p->found(p->path, p->ctx);
			json_object_del(obj, key);
			continue;
		}
		if (f->map && json_is_object(v)) {
			const char *k;
			json_t *item;

			json_object_foreach(v, k, item)
			{
				int m = snprintf(p->path + end, sizeof(p->path) - end, ".%s", k);

				prune_value(p, f, item,
					    end + (size_t)m < sizeof(p->path) ? end + (size_t)m
									      : sizeof(p->path) - 1,
					    depth);
			}
		} else if (f->repeated && json_is_array(v)) {
			size_t i;
			json_t *item;

			json_array_foreach(v, i, item)
			{
				int m = snprintf(p->path + end, sizeof(p->path) - end, "[%zu]", i);

				prune_value(p, f, item,
					    end + (size_t)m < sizeof(p->path) ? end + (size_t)m
									      : sizeof(p->path) - 1,
					    depth);
			}
		} else if (!f->map && !f->repeated) {
			prune_value(p, f, v, end, depth);
		}
		p->path[at] = '\0';
	}
	p->path[at] = '\0';
}

void catalog_prune_unknown(const struct catalog_type *t, json_t *obj,
			   void (*found)(const char *path, void *ctx), void *ctx)
{
	struct prune p = {found, ctx, ""};

	if (t && json_is_object(obj))
		prune_object(&p, t, obj, 0, true, 0);
}

json_t *catalog_zero_value(enum catalog_scalar s)
{
	switch (s) {
	case CATALOG_STRING:
		return json_string("");
	case CATALOG_BOOL:
		return json_false();
	case CATALOG_BYTES:
		return json_null();
	case CATALOG_DOUBLE:
	case CATALOG_FLOAT:
		return json_real(0);
	default:
		return json_integer(0);
	}
}

/* ---- objects as Go writes them ---- */

static void fill_zero(const struct catalog_type *t, json_t *obj, int depth);

static void fill_value(const struct catalog_field *f, json_t *v, int depth)
{
	if (f->scalar != CATALOG_MESSAGE || f->type->special != CATALOG_PLAIN)
		return;
	if (f->repeated && json_is_array(v)) {
		size_t i;
		json_t *item;

		json_array_foreach(v, i, item) fill_zero(f->type, item, depth + 1);
	} else if (f->map && json_is_object(v)) {
		const char *k;
		json_t *item;

		json_object_foreach(v, k, item) fill_zero(f->type, item, depth + 1);
	} else if (!f->repeated && !f->map) {
		fill_zero(f->type, v, depth + 1);
	}
}

/* The zero value Go writes for an absent field, or NULL when it writes nothing. */
static json_t *zero_of(const struct catalog_field *f, int depth)
{
	if (f->repeated || f->map)
		return f->no_omit ? json_null() : NULL;
	if (f->pointer)
		return f->no_omit ? json_null() : NULL;
	if (f->scalar != CATALOG_MESSAGE) {
		if (!f->no_omit)
			return NULL;
		return catalog_zero_value(f->scalar);
	}
	/*
	 * A struct is written even with omitempty; its zero by its own rules.
	 * Without Go facts for the field (it is newer than them, or one of the
	 * few types transcribed without them) it is taken for a pointer, as
	 * such optional fields are: nothing is written.
	 */
	if (!f->markers || !has_word(f->markers, "go"))
		return NULL;
	switch (f->type->special) {
	case CATALOG_PLAIN: {
		json_t *obj = json_object();

		fill_zero(f->type, obj, depth + 1);
		return obj;
	}
	case CATALOG_TIME:
	case CATALOG_MICROTIME:
	case CATALOG_RAW:
		return json_null();
	case CATALOG_QUANTITY:
		return json_string("0");
	case CATALOG_DURATION:
		return json_string("0s");
	case CATALOG_INTORSTRING:
		return json_integer(0);
	default:
		return NULL;
	}
}

static void fill_zero(const struct catalog_type *t, json_t *obj, int depth)
{
	if (!json_is_object(obj) || depth > 64)
		return;
	for (size_t i = 0; i < t->num_fields; i++) {
		const struct catalog_field *f = &t->fields[i];
		json_t *v;

		if (f->embedded) {
			fill_zero(f->type, obj, depth + 1);
			continue;
		}
		v = json_object_get(obj, f->name);
		if (v) {
			fill_value(f, v, depth);
			continue;
		}
		v = zero_of(f, depth);
		if (v)
			json_object_set_new(obj, f->name, v);
	}
}

void catalog_fill_zero(const struct catalog_type *t, json_t *obj)
{
	fill_zero(t, obj, 0);
}

json_t *catalog_zero_object(const struct catalog_type *t)
{
	json_t *obj = json_object();

	fill_zero(t, obj, 0);
	return obj;
}
