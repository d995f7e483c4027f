/*
 * rbac_rules.c - one PolicyRule: parsed, matched against a request, and
 * compared with other rules; see rbac.h.
 *
 * Matching follows pkg/apis/rbac/v1 evaluation_helpers (VerbMatches,
 * APIGroupMatches, ResourceMatches, ResourceNameMatches,
 * NonResourceURLMatches). Comparison follows component-helpers'
 * policy_comparator (BreakdownRule into one group, resource, verb and name
 * each, then ruleCovers against every owner rule) and
 * pkg/registry/rbac/validation's CompactRules (simple rules of one group,
 * one resource and at most one name merged by verb), which the escalation
 * message lists through CompactString.
 */
#include "shared/rbac.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/gojson.h"

static bool has(const struct string_array *set, const char *s)
{
	for (size_t i = 0; i < set->len; i++)
		if (strcmp(set->items[i], s) == 0)
			return true;
	return false;
}

static bool has_all(const struct string_array *set, const struct string_array *wanted)
{
	for (size_t i = 0; i < wanted->len; i++)
		if (!has(set, wanted->items[i]))
			return false;
	return true;
}

static bool has_prefix(const char *s, const char *prefix, size_t len)
{
	return strncmp(s, prefix, len) == 0;
}

/* The strings of a JSON array (other values skipped). */
static struct string_array strings_from_json(struct arena *a, json_t *arr)
{
	struct string_array out = {0};
	size_t i;
	json_t *v;

	if (!json_is_array(arr) || !json_array_size(arr))
		return out;
	out.items = arena_alloc(a, json_array_size(arr) * sizeof(*out.items));
	json_array_foreach(arr, i, v) if (json_is_string(v)) out.items[out.len++] =
	    arena_strdup(a, json_string_value(v));
	return out;
}

size_t rbac_rules_from_json(struct arena *a, json_t *rules, struct rbac_rule **out)
{
	size_t n = 0, i;
	json_t *r;

	*out = NULL;
	if (!json_is_array(rules) || !json_array_size(rules))
		return 0;
	*out = arena_alloc(a, json_array_size(rules) * sizeof(**out));
	json_array_foreach(rules, i, r)
	{
		struct rbac_rule *rule = &(*out)[n];

		if (!json_is_object(r))
			continue;
		rule->verbs = strings_from_json(a, json_object_get(r, "verbs"));
		rule->api_groups = strings_from_json(a, json_object_get(r, "apiGroups"));
		rule->resources = strings_from_json(a, json_object_get(r, "resources"));
		rule->resource_names = strings_from_json(a, json_object_get(r, "resourceNames"));
		rule->urls = strings_from_json(a, json_object_get(r, "nonResourceURLs"));
		n++;
	}
	return n;
}

static void put_strings(json_t *obj, const char *key, const struct string_array *s)
{
	json_t *arr;

	if (!s->len)
		return;
	arr = json_array();
	for (size_t i = 0; i < s->len; i++)
		json_array_append_new(arr, json_string(s->items[i]));
	json_object_set_new(obj, key, arr);
}

json_t *rbac_rule_to_json(const struct rbac_rule *r)
{
	json_t *obj = json_object();

	put_strings(obj, "verbs", &r->verbs);
	put_strings(obj, "apiGroups", &r->api_groups);
	put_strings(obj, "resources", &r->resources);
	put_strings(obj, "resourceNames", &r->resource_names);
	put_strings(obj, "nonResourceURLs", &r->urls);
	return obj;
}

/* ---- matching a request ---- */

static bool verb_matches(const struct rbac_rule *r, const char *verb)
{
	return has(&r->verbs, "*") || has(&r->verbs, verb);
}

static bool group_matches(const struct rbac_rule *r, const char *group)
{
	return has(&r->api_groups, "*") || has(&r->api_groups, group);
}

/* resource or resource/subresource, or a star rule "* /subresource". */
static bool resource_matches(const struct rbac_rule *r, const char *resource,
			     const char *subresource)
{
	size_t rlen = strlen(resource), slen = strlen(subresource);

	for (size_t i = 0; i < r->resources.len; i++) {
		const char *rule = r->resources.items[i];
		size_t len = strlen(rule);

		if (strcmp(rule, "*") == 0)
			return true;
		if (slen ? len == rlen + 1 + slen && has_prefix(rule, resource, rlen) &&
			       rule[rlen] == '/' && strcmp(rule + rlen + 1, subresource) == 0
			 : strcmp(rule, resource) == 0)
			return true;
		if (slen && len == slen + 2 && rule[0] == '*' && rule[1] == '/' &&
		    strcmp(rule + 2, subresource) == 0)
			return true;
	}
	return false;
}

static bool name_matches(const struct rbac_rule *r, const char *name)
{
	return !r->resource_names.len || has(&r->resource_names, name);
}

/* A rule URL ending in '*' matches every path it prefixes, stars trimmed. */
static bool url_matches(const char *rule, const char *path)
{
	size_t len = strlen(rule);

	if (strcmp(rule, "*") == 0 || strcmp(rule, path) == 0)
		return true;
	if (!len || rule[len - 1] != '*')
		return false;
	while (len && rule[len - 1] == '*')
		len--;
	return has_prefix(path, rule, len);
}

bool rbac_rule_allows(const struct rbac_rule *r, const struct authz_attributes *attrs)
{
	if (!verb_matches(r, attrs->verb))
		return false;
	if (attrs->resource_request)
		return group_matches(r, attrs->api_group) &&
		       resource_matches(r, attrs->resource, attrs->subresource) &&
		       name_matches(r, attrs->name);
	for (size_t i = 0; i < r->urls.len; i++)
		if (url_matches(r->urls.items[i], attrs->path))
			return true;
	return false;
}

/* ---- comparing rules ---- */

static bool resources_cover(const struct string_array *owner, const struct string_array *wanted)
{
	if (has(owner, "*") || has_all(owner, wanted))
		return true;
	for (size_t i = 0; i < wanted->len; i++) {
		const char *path = wanted->items[i], *slash = strchr(path, '/');
		char star[512];

		if (has(owner, path))
			continue;
		if (!slash || strlen(slash) + 2 > sizeof(star))
			return false;
		snprintf(star, sizeof(star), "*%s", slash);
		if (!has(owner, star))
			return false;
	}
	return true;
}

static bool urls_cover(const struct string_array *owner, const struct string_array *wanted)
{
	for (size_t i = 0; i < wanted->len; i++) {
		bool covered = false;

		for (size_t j = 0; j < owner->len && !covered; j++) {
			const char *o = owner->items[j];

			/* nonResourceURLCovers: only a trailing-star rule covers a prefix;
			 * a lone "*" is such a rule with an empty prefix. */
			covered = strcmp(o, wanted->items[i]) == 0 ||
				  (strlen(o) && o[strlen(o) - 1] == '*' &&
				   url_matches(o, wanted->items[i]));
		}
		if (!covered)
			return false;
	}
	return true;
}

bool rbac_rule_covers(const struct rbac_rule *owner, const struct rbac_rule *sub)
{
	bool names;

	if (!(has(&owner->verbs, "*") || has_all(&owner->verbs, &sub->verbs)))
		return false;
	if (!(has(&owner->api_groups, "*") || has_all(&owner->api_groups, &sub->api_groups)))
		return false;
	if (!resources_cover(&owner->resources, &sub->resources))
		return false;
	if (!urls_cover(&owner->urls, &sub->urls))
		return false;
	if (!sub->resource_names.len)
		names = !owner->resource_names.len;
	else
		names = !owner->resource_names.len ||
			has_all(&owner->resource_names, &sub->resource_names);
	return names;
}

static struct string_array one(struct arena *a, const char *s)
{
	struct string_array out = {arena_alloc(a, sizeof(char *)), 1};

	out.items[0] = s;
	return out;
}

/* BreakdownRule: one rule per group x resource x verb (x name), then one
 * per URL x verb. Appends to *subs (of *n, room for *cap). */
static void breakdown(struct arena *a, const struct rbac_rule *r, struct rbac_rule **subs,
		      size_t *n, size_t *cap)
{
	size_t names = r->resource_names.len ? r->resource_names.len : 1;
	size_t more = r->api_groups.len * r->resources.len * r->verbs.len * names +
		      r->urls.len * r->verbs.len;

	if (*n + more > *cap) {
		struct rbac_rule *grown;

		*cap = (*n + more) * 2;
		grown = arena_alloc(a, *cap * sizeof(*grown));
		if (*n)
			memcpy(grown, *subs, *n * sizeof(*grown));
		*subs = grown;
	}
	for (size_t g = 0; g < r->api_groups.len; g++)
		for (size_t res = 0; res < r->resources.len; res++)
			for (size_t v = 0; v < r->verbs.len; v++)
				for (size_t k = 0; k < names; k++) {
					struct rbac_rule *s = &(*subs)[(*n)++];

					memset(s, 0, sizeof(*s));
					s->api_groups = one(a, r->api_groups.items[g]);
					s->resources = one(a, r->resources.items[res]);
					s->verbs = one(a, r->verbs.items[v]);
					if (r->resource_names.len)
						s->resource_names =
						    one(a, r->resource_names.items[k]);
				}
	for (size_t u = 0; u < r->urls.len; u++)
		for (size_t v = 0; v < r->verbs.len; v++) {
			struct rbac_rule *s = &(*subs)[(*n)++];

			memset(s, 0, sizeof(*s));
			s->urls = one(a, r->urls.items[u]);
			s->verbs = one(a, r->verbs.items[v]);
		}
}

void rbac_quote_list(struct buf *out, const char *const *items, size_t n)
{
	buf_append_str(out, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_append_str(out, " ");
		gojson_quote(out, items[i], strlen(items[i]));
	}
	buf_append_str(out, "]");
}

void rbac_rule_compact_string(struct buf *out, const struct rbac_rule *r)
{
	static const struct {
		const char *label;
		size_t offset;
	} fields[] = {
	    {"APIGroups", offsetof(struct rbac_rule, api_groups)},
	    {"Resources", offsetof(struct rbac_rule, resources)},
	    {"NonResourceURLs", offsetof(struct rbac_rule, urls)},
	    {"ResourceNames", offsetof(struct rbac_rule, resource_names)},
	    {"Verbs", offsetof(struct rbac_rule, verbs)},
	};
	bool first = true;

	buf_append_str(out, "{");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct string_array *s =
		    (const struct string_array *)((const char *)r + fields[i].offset);

		if (!s->len)
			continue;
		buf_printf(out, "%s%s:", first ? "" : ", ", fields[i].label);
		rbac_quote_list(out, s->items, s->len);
		first = false;
	}
	buf_append_str(out, "}");
}

/* isSimpleResourceRule: one group, one resource, at most one name, no URLs. */
static bool simple(const struct rbac_rule *r)
{
	return r->api_groups.len == 1 && r->resources.len == 1 && r->resource_names.len <= 1 &&
	       !r->urls.len;
}

static bool same_simple_key(const struct rbac_rule *a, const struct rbac_rule *b)
{
	return strcmp(a->api_groups.items[0], b->api_groups.items[0]) == 0 &&
	       strcmp(a->resources.items[0], b->resources.items[0]) == 0 &&
	       a->resource_names.len == b->resource_names.len &&
	       (!a->resource_names.len ||
		strcmp(a->resource_names.items[0], b->resource_names.items[0]) == 0);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t rbac_uncovered_rules(struct arena *a, const struct rbac_rule *owner, size_t num_owner,
			    const struct rbac_rule *wanted, size_t num_wanted,
			    struct rbac_rule **out)
{
	struct rbac_rule *subs = NULL;
	size_t n = 0, cap = 0, kept = 0;

	for (size_t i = 0; i < num_wanted; i++)
		breakdown(a, &wanted[i], &subs, &n, &cap);
	for (size_t i = 0; i < n; i++) {
		bool covered = false;

		for (size_t j = 0; j < num_owner && !covered; j++)
			covered = rbac_rule_covers(&owner[j], &subs[i]);
		if (!covered)
			subs[kept++] = subs[i];
	}
	*out = subs;
	return kept;
}

size_t rbac_missing_rules(struct arena *a, const struct rbac_rule *owner, size_t num_owner,
			  const struct rbac_rule *wanted, size_t num_wanted, const char ***lines)
{
	struct rbac_rule *subs, *missing;
	size_t n = rbac_uncovered_rules(a, owner, num_owner, wanted, num_wanted, &subs);
	size_t num_missing = 0, out = 0;

	*lines = NULL;
	if (!n)
		return 0;
	missing = arena_alloc(a, n * sizeof(*missing));
	for (size_t i = 0; i < n; i++) {
		/* CompactRules: verbs of simple rules with the same key join. */
		if (simple(&subs[i])) {
			size_t k;

			for (k = 0; k < num_missing; k++)
				if (simple(&missing[k]) && same_simple_key(&missing[k], &subs[i]))
					break;
			if (k < num_missing) {
				struct string_array *v = &missing[k].verbs;
				const char **grown = arena_alloc(a, (v->len + 1) * sizeof(char *));

				memcpy(grown, v->items, v->len * sizeof(char *));
				grown[v->len++] = subs[i].verbs.items[0];
				v->items = grown;
				continue;
			}
		}
		missing[num_missing++] = subs[i];
	}
	*lines = arena_alloc(a, num_missing * sizeof(char *));
	for (size_t i = 0; i < num_missing; i++) {
		struct buf b = {0};

		rbac_rule_compact_string(&b, &missing[i]);
		(*lines)[i] = arena_strndup(a, b.data, b.len);
		buf_free(&b);
	}
	qsort(*lines, num_missing, sizeof(char *), compare_strings);
	for (size_t i = 0; i < num_missing; i++)
		if (!out || strcmp((*lines)[out - 1], (*lines)[i]) != 0)
			(*lines)[out++] = (*lines)[i];
	return out;
}

/* ---- label selectors (aggregationRule) ---- */

static bool expression_matches(json_t *expr, json_t *labels)
{
	const char *key = json_string_value(json_object_get(expr, "key"));
	const char *op = json_string_value(json_object_get(expr, "operator"));
	json_t *values = json_object_get(expr, "values"), *v;
	json_t *label = key ? json_object_get(labels, key) : NULL;
	const char *have = json_string_value(label);
	bool in = false;
	size_t i;

	if (!key || !op)
		return false;
	json_array_foreach(values, i, v) in =
	    in || (have && json_is_string(v) && strcmp(json_string_value(v), have) == 0);
	if (strcmp(op, "In") == 0)
		return have && in;
	if (strcmp(op, "NotIn") == 0)
		return !have || !in;
	if (strcmp(op, "Exists") == 0)
		return have != NULL;
	if (strcmp(op, "DoesNotExist") == 0)
		return have == NULL;
	return false; /* LabelSelectorAsSelector fails: the selector selects nothing */
}

bool rbac_label_selector_matches(json_t *selector, json_t *labels)
{
	json_t *match = json_object_get(selector, "matchLabels"), *v, *expr;
	const char *key;
	size_t i;

	if (!json_is_object(selector))
		return false;
	json_object_foreach(match, key, v)
	{
		json_t *have = json_object_get(labels, key);

		if (!json_is_string(have) || !json_is_string(v) ||
		    strcmp(json_string_value(have), json_string_value(v)) != 0)
			return false;
	}
	json_array_foreach(json_object_get(selector, "matchExpressions"), i,
			   expr) if (!expression_matches(expr, labels)) return false;
	return true;
}
