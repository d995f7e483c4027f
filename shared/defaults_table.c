/*
 * defaults_table.c - reads the defaulting rules (the table shared/catalog/
 * defaults.txt, whose header gives its syntax, and the catalog's default=
 * markers) into one plan per catalog type for shared/defaults.c.
 *
 * Everything is checked against the catalog as it loads: each type, each
 * path through the types, that each value fits its field, that each hook
 * exists for its type. A plan holds its type's rules in table order, its
 * fields' marker values, and whether anything below the type has rules
 * (so the walk skips whole subtrees, like upstream's generated code does).
 * Plans are indexed like the catalog's types and die with a reload of it.
 */
#include "shared/defaults_table.h"
#include "shared/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX	 24
#define MARKER_VALUE_MAX 256

extern const char defaults_text[];

/* A ref line: a name that default=ref(NAME) markers use. */
struct ref {
	char *name;
	json_t *value;
};

static struct defaults_rule *rules;
static size_t num_rules;
static struct defaults_plan *plans;
static size_t num_plans;
static const struct catalog_type *plan_base; /* catalog_at(0) when loaded */
static struct ref *refs;
static size_t num_refs;

static void rule_free(struct defaults_rule *r)
{
	json_decref(r->value);
	for (size_t i = 0; i < r->num_conds; i++) {
		for (size_t j = 0; j < r->conds[i].num_values; j++)
			free(r->conds[i].values[j]);
		free(r->conds[i].values);
	}
	free(r->conds);
}

static void defaults_free(void)
{
	for (size_t i = 0; i < num_rules; i++)
		rule_free(&rules[i]);
	free(rules);
	rules = NULL;
	num_rules = 0;
	for (size_t i = 0; i < num_plans; i++) {
		for (size_t j = 0; j < plans[i].num_fields; j++)
			json_decref(plans[i].markers[j]);
		free(plans[i].markers);
		free(plans[i].go_struct);
	}
	free(plans);
	plans = NULL;
	num_plans = 0;
	plan_base = NULL;
	for (size_t i = 0; i < num_refs; i++) {
		free(refs[i].name);
		json_decref(refs[i].value);
	}
	free(refs);
	refs = NULL;
	num_refs = 0;
}

const struct defaults_plan *defaults_plan_of(const struct catalog_type *t)
{
	size_t i;

	if (!plans || plan_base != catalog_at(0) || (uintptr_t)t < (uintptr_t)plan_base)
		return NULL;
	i = (size_t)(t - plan_base);
	return i < num_plans ? &plans[i] : NULL;
}

static bool value_fits(const struct catalog_field *f, json_t *v);

/* Whether an object's keys are fields of t and their values fit them. */
static bool object_fits(const struct catalog_type *t, json_t *v)
{
	const char *key;
	json_t *child;

	if (!json_is_object(v))
		return false;
	json_object_foreach(v, key, child)
	{
		const struct catalog_field *f = catalog_field_in(t, key);

		if (!f || !value_fits(f, child))
			return false;
	}
	return true;
}

/* Whether v fits one value of a field of this kind (of message type t). */
static bool element_fits(enum catalog_scalar scalar, const struct catalog_type *t, json_t *v)
{
	switch (scalar) {
	case CATALOG_STRING:
	case CATALOG_BYTES:
		return json_is_string(v);
	case CATALOG_BOOL:
		return json_is_boolean(v);
	case CATALOG_INT32:
		return json_is_integer(v) && json_integer_value(v) >= -2147483648LL &&
		       json_integer_value(v) <= 2147483647LL;
	case CATALOG_INT64:
		return json_is_integer(v);
	case CATALOG_DOUBLE:
	case CATALOG_FLOAT:
		return json_is_number(v);
	case CATALOG_MESSAGE:
		break;
	}
	switch (t->special) {
	case CATALOG_INTORSTRING:
		return json_is_integer(v) || json_is_string(v);
	case CATALOG_QUANTITY:
	case CATALOG_TIME:
	case CATALOG_MICROTIME:
	case CATALOG_DURATION:
		return json_is_string(v);
	case CATALOG_PLAIN:
		return object_fits(t, v);
	default:
		return true;
	}
}

/* Whether v fits field f: a list or map of fitting values, or one. */
static bool value_fits(const struct catalog_field *f, json_t *v)
{
	const char *key;
	json_t *e;
	size_t i;

	if (f->repeated) {
		if (!json_is_array(v))
			return false;
		json_array_foreach(v, i, e)
		{
			if (!element_fits(f->scalar, f->type, e))
				return false;
		}
		return true;
	}
	if (f->map) {
		if (!json_is_object(v))
			return false;
		json_object_foreach(v, key, e)
		{
			if (!element_fits(f->scalar, f->type, e))
				return false;
		}
		return true;
	}
	return element_fits(f->scalar, f->type, v);
}

/* Whether a copy of source's value fits target. */
static bool copy_fits(const struct catalog_field *target, const struct catalog_field *source)
{
	bool target_intstr =
	    target->scalar == CATALOG_MESSAGE && target->type->special == CATALOG_INTORSTRING;

	if (target->repeated != source->repeated || target->map != source->map)
		return false;
	if (target_intstr && !target->repeated && !target->map)
		return source->scalar == CATALOG_INT32 || source->scalar == CATALOG_INT64 ||
		       source->scalar == CATALOG_STRING ||
		       (source->scalar == CATALOG_MESSAGE && source->type == target->type);
	return target->scalar == source->scalar &&
	       (target->scalar != CATALOG_MESSAGE || target->type == source->type);
}
/* A path's text ("spec.strategy.type") as the fields it runs through from t. */
static int path_resolve(const struct catalog_type *t, const char *text, struct defaults_path *p,
			char *err, size_t err_len)
{
	char buf[256];
	char *save = NULL;

	if (strlen(text) >= sizeof(buf) || !*text || text[0] == '.' ||
	    text[strlen(text) - 1] == '.' || strstr(text, "..")) {
		snprintf(err, err_len, "bad path \"%s\"", text);
		return -1;
	}
	memcpy(buf, text, strlen(text) + 1);
	p->depth = 0;
	for (char *seg = strtok_r(buf, ".", &save); seg; seg = strtok_r(NULL, ".", &save)) {
		const struct catalog_field *f;

		if (p->depth > 0) {
			const struct catalog_field *prev = p->fields[p->depth - 1];

			if (prev->scalar != CATALOG_MESSAGE || prev->repeated || prev->map ||
			    prev->type->special != CATALOG_PLAIN) {
				snprintf(err, err_len, "%s: %s is not a struct", text, prev->name);
				return -1;
			}
			t = prev->type;
		}
		if (p->depth == DEFAULTS_PATH_DEPTH_MAX) {
			snprintf(err, err_len, "%s: path too deep", text);
			return -1;
		}
		if (!(f = catalog_field_in(t, seg))) {
			snprintf(err, err_len, "%s: %s has no field %s", text, t->name, seg);
			return -1;
		}
		p->fields[p->depth++] = f;
	}
	if (p->depth == 0) {
		snprintf(err, err_len, "bad path \"%s\"", text);
		return -1;
	}
	return 0;
}

/* The value of a ref line, or NULL. */
static const json_t *ref_find(const char *name)
{
	for (size_t i = 0; i < num_refs; i++) {
		if (strcmp(refs[i].name, name) == 0)
			return refs[i].value;
	}
	return NULL;
}

static json_t *json_word(const char *word)
{
	return json_loads(word, JSON_DECODE_ANY, NULL);
}

/* One condition word: set(P), unset(P), nil(P) or P=a|b. */
static int cond_parse(const struct catalog_type *t, const char *word, struct defaults_cond *c,
		      char *err, size_t err_len)
{
	static const struct {
		const char *prefix;
		enum defaults_cond_kind kind;
	} calls[] = {{"set(", DEFAULTS_COND_SET},
		     {"unset(", DEFAULTS_COND_UNSET},
		     {"nil(", DEFAULTS_COND_NIL}};
	char path[256];
	size_t len = strlen(word);
	const char *eq;

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		size_t plen = strlen(calls[i].prefix);

		if (strncmp(word, calls[i].prefix, plen) != 0)
			continue;
		if (word[len - 1] != ')' || len - plen - 1 >= sizeof(path)) {
			snprintf(err, err_len, "bad condition %s", word);
			return -1;
		}
		snprintf(path, sizeof(path), "%.*s", (int)(len - plen - 1), word + plen);
		c->kind = calls[i].kind;
		return path_resolve(t, path, &c->path, err, err_len);
	}
	eq = strchr(word, '=');
	if (!eq || (size_t)(eq - word) >= sizeof(path)) {
		snprintf(err, err_len, "bad condition %s", word);
		return -1;
	}
	snprintf(path, sizeof(path), "%.*s", (int)(eq - word), word);
	c->kind = DEFAULTS_COND_EQUALS;
	if (path_resolve(t, path, &c->path, err, err_len) < 0)
		return -1;
	for (const char *p = eq + 1;; p++) {
		size_t n = strcspn(p, "|");

		c->values = xrealloc(c->values, (c->num_values + 1) * sizeof(*c->values));
		c->values[c->num_values] = xcalloc(n + 1, 1);
		memcpy(c->values[c->num_values++], p, n);
		p += n;
		if (!*p)
			break;
	}
	return 0;
}

/* TYPE @hook, or TYPE PATH VALUE [if COND...]. */
static int rule_parse(const struct catalog_type *t, char **w, size_t n, struct defaults_rule *r,
		      char *err, size_t err_len)
{
	size_t conds_at = 3;

	r->type = t;
	if (w[1][0] == '@') {
		bool known;

		r->kind = DEFAULTS_RULE_HOOK;
		r->hook = defaults_hook_find(w[1] + 1, t->name, &known);
		if (!r->hook) {
			snprintf(err, err_len,
				 known ? "hook %s is not written for %s" : "no hook %s (for %s)",
				 w[1] + 1, t->name);
			return -1;
		}
		conds_at = 2;
	} else {
		if (n < 3) {
			snprintf(err, err_len, "a rule needs a type, a path and a value");
			return -1;
		}
		if (path_resolve(t, w[1], &r->target, err, err_len) < 0)
			return -1;
		if (strcmp(w[2], "delete") == 0) {
			r->kind = DEFAULTS_RULE_DELETE;
		} else if (w[2][0] == '=') {
			r->kind = DEFAULTS_RULE_COPY;
			if (path_resolve(t, w[2] + 1, &r->source, err, err_len) < 0)
				return -1;
			if (!copy_fits(defaults_path_last(&r->target),
				       defaults_path_last(&r->source))) {
				snprintf(err, err_len, "%s cannot hold a copy of %s", w[1],
					 w[2] + 1);
				return -1;
			}
		} else {
			r->kind = DEFAULTS_RULE_SET;
			r->value = json_word(w[2]);
			if (!r->value) {
				snprintf(err, err_len, "value %s is not JSON", w[2]);
				return -1;
			}
			if (!value_fits(defaults_path_last(&r->target), r->value)) {
				snprintf(err, err_len, "value %s does not fit %s", w[2], w[1]);
				return -1;
			}
			if (defaults_field_unset(defaults_path_last(&r->target), r->value)) {
				snprintf(err, err_len,
					 "value %s is unset for %s: the rule does nothing", w[2],
					 w[1]);
				return -1;
			}
		}
	}
	if (n > conds_at && strcmp(w[conds_at], "if") != 0) {
		snprintf(err, err_len, "expected \"if\" before %s", w[conds_at]);
		return -1;
	}
	if (n == conds_at + 1) {
		snprintf(err, err_len, "\"if\" without conditions");
		return -1;
	}
	for (size_t i = conds_at + 1; i < n; i++) {
		r->conds = xrealloc(r->conds, (r->num_conds + 1) * sizeof(*r->conds));
		if (cond_parse(t, w[i], &r->conds[r->num_conds++], err, err_len) < 0)
			return -1;
	}
	return 0;
}

static size_t split_words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *p = strtok_r(line, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = p;
	}
	return n;
}

static int line_parse(char *line, char *package, size_t package_len, char *err, size_t err_len)
{
	char *w[WORDS_MAX];
	size_t n = split_words(line, w, WORDS_MAX);
	const struct catalog_type *t;
	char name[512];

	if (n == 0 || w[0][0] == '#')
		return 0;
	if (n > WORDS_MAX) {
		snprintf(err, err_len, "too many words");
		return -1;
	}
	if (strcmp(w[0], "package") == 0 && n == 2) {
		snprintf(package, package_len, "%s", w[1]);
		return 0;
	}
	if (strcmp(w[0], "ref") == 0 && n == 3) {
		json_t *v = json_word(w[2]);

		if (!v) {
			snprintf(err, err_len, "value %s is not JSON", w[2]);
			return -1;
		}
		refs = xrealloc(refs, (num_refs + 1) * sizeof(*refs));
		refs[num_refs].name = xstrdup(w[1]);
		refs[num_refs++].value = v;
		return 0;
	}
	if (n < 2) {
		snprintf(err, err_len, "cannot read %s", w[0]);
		return -1;
	}
	if (strchr(w[0], '.'))
		snprintf(name, sizeof(name), "%s", w[0]);
	else
		snprintf(name, sizeof(name), "%s.%s", package, w[0]);
	if (!(t = catalog_type(name))) {
		snprintf(err, err_len, "no type %s", name);
		return -1;
	}
	rules = xrealloc(rules, (num_rules + 1) * sizeof(*rules));
	memset(&rules[num_rules], 0, sizeof(*rules));
	num_rules++;
	return rule_parse(t, w, n, &rules[num_rules - 1], err, err_len);
}

/* The default= marker of f as JSON: a JSON word, or ref(NAME) of a ref line. */
static int marker_parse(const struct catalog_type *t, const struct catalog_field *f, json_t **out,
			char *err, size_t err_len)
{
	char text[MARKER_VALUE_MAX];
	size_t len;

	*out = NULL;
	if (!catalog_marker(f->markers, "default", text, sizeof(text)))
		return 0;
	len = strlen(text);
	if (len > 5 && strncmp(text, "ref(", 4) == 0 && text[len - 1] == ')') {
		char name[MARKER_VALUE_MAX];
		const json_t *v;

		snprintf(name, sizeof(name), "%.*s", (int)(len - 5), text + 4);
		if (!(v = ref_find(name))) {
			snprintf(err, err_len, "%s.%s: default=%s names no ref line", t->name,
				 f->name, text);
			return -1;
		}
		*out = json_deep_copy(v);
	} else if (!(*out = json_word(text))) {
		snprintf(err, err_len, "%s.%s: default=%s is not JSON", t->name, f->name, text);
		return -1;
	}
	if (!value_fits(f, *out)) {
		snprintf(err, err_len, "%s.%s: default=%s does not fit the field", t->name, f->name,
			 text);
		return -1;
	}
	/* Go's zero value as the default of a value field: nothing to do. */
	if (defaults_field_unset(f, *out)) {
		json_decref(*out);
		*out = NULL;
	}
	return 0;
}

static int rule_cmp(const void *a, const void *b)
{
	const struct defaults_rule *x = a, *y = b;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool has_word(const char *words, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = words; p && (p = strstr(p, word)); p += len) {
		if ((p == words || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
			return true;
	}
	return false;
}

/* Sorts the rules by type (keeping table order) and gives each plan its rules and markers. */
static int plans_build(char *err, size_t err_len)
{
	bool changed = true;

	if (num_rules > 0)
		qsort(rules, num_rules, sizeof(*rules), rule_cmp);
	for (size_t i = 0; i < num_rules; i++) {
		struct defaults_plan *p = &plans[rules[i].type - plan_base];

		if (!p->rules)
			p->rules = &rules[i];
		p->num_rules++;
		p->relevant = true;
	}
	for (size_t i = 0; i < num_plans; i++) {
		const struct catalog_type *t = catalog_at(i);

		plans[i].markers = xcalloc(t->num_fields, sizeof(*plans[i].markers));
		plans[i].go_struct = xcalloc(t->num_fields, sizeof(*plans[i].go_struct));
		plans[i].num_fields = t->num_fields;
		for (size_t j = 0; j < t->num_fields; j++) {
			/*
			 * The walk makes a struct the JSON leaves out only where
			 * the Go facts say it is a value: a field they do not
			 * cover is newer, and newer optional structs are pointers.
			 */
			plans[i].go_struct[j] = !t->fields[j].pointer && !t->fields[j].repeated &&
						!t->fields[j].map &&
						has_word(t->fields[j].markers, "go");
			if (marker_parse(t, &t->fields[j], &plans[i].markers[j], err, err_len) < 0)
				return -1;
			if (plans[i].markers[j])
				plans[i].relevant = true;
		}
	}
	/* A type is relevant when one below it is: spread until nothing changes. */
	while (changed) {
		changed = false;
		for (size_t i = 0; i < num_plans; i++) {
			const struct catalog_type *t = catalog_at(i);

			for (size_t j = 0; !plans[i].relevant && j < t->num_fields; j++) {
				if (defaults_walkable(&t->fields[j])) {
					plans[i].relevant = true;
					changed = true;
				}
			}
		}
	}
	return 0;
}

int defaults_load_text(const char *text, char *err, size_t err_len)
{
	char package[256] = "", msg[1024];
	char *copy, *line, *next;
	size_t line_no = 0;

	defaults_free();
	if (catalog_count() == 0) {
		snprintf(err, err_len, "the type catalog is not loaded");
		return -1;
	}
	plan_base = catalog_at(0);
	num_plans = catalog_count();
	plans = xcalloc(num_plans, sizeof(*plans));
	copy = xstrdup(text);
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line_no++;
		if (line_parse(line, package, sizeof(package), msg, sizeof(msg)) < 0) {
			snprintf(err, err_len, "line %zu: %s", line_no, msg);
			goto fail;
		}
		if (num_rules > 0 && rules[num_rules - 1].line == 0)
			rules[num_rules - 1].line = line_no;
	}
	if (plans_build(msg, sizeof(msg)) < 0) {
		snprintf(err, err_len, "%s", msg);
		goto fail;
	}
	free(copy);
	return 0;
fail:
	free(copy);
	defaults_free();
	return -1;
}

int defaults_load(char *err, size_t err_len)
{
	return defaults_load_text(defaults_text, err, err_len);
}
