/*
 * rbac.c - the RBAC policy in memory and the authorizer over it; see
 * rbac.h.
 *
 * Every role and binding owns an arena holding everything parsed from its
 * object, and is replaced whole when its object changes. The subject index
 * maps a key to the (binding, subject) pairs that name it:
 *   C<US>U<US>name     a ClusterRoleBinding's User subject, or a
 *                      ServiceAccount subject under its user name
 *   C<US>G<US>name     a ClusterRoleBinding's Group subject
 *   N<US>ns<US>U...    the same for RoleBindings of namespace ns
 * (US is the ASCII unit separator, which no name contains). A decision
 * gathers the pairs under the user's name and each of her groups, orders
 * the bindings by name (upstream walks its informer cache, in no defined
 * order; a fixed order keeps "allowed by" reasons stable) and evaluates
 * each binding once, with the first of its subjects that applies, as
 * upstream's appliesTo reports it. Subjects of other kinds never apply and
 * are not indexed.
 */
#include "shared/rbac.h"

#include <stdlib.h>
#include <string.h>

#include "shared/gojson.h"
#include "shared/strmap.h"
#include "shared/xalloc.h"

#define SEP	   "\x1f"
#define RBAC_GROUP "rbac.authorization.k8s.io"

struct rbac_role {
	struct arena arena;
	struct rbac_rule *rules;
	size_t num_rules;
};

struct rbac_subject {
	const char *kind;
	const char *name;
	const char *namespace; /* as written; "" when absent */
	const char *index_key; /* NULL: never applies, not indexed */
};

struct rbac_binding {
	struct arena arena;
	const char *namespace; /* "" for a ClusterRoleBinding */
	const char *name;
	const char *role_kind;
	const char *role_name;
	struct rbac_subject *subjects;
	size_t num_subjects;
};

struct index_entry {
	struct rbac_binding *binding;
	size_t subject;
};

struct index_list {
	struct index_entry *items;
	size_t len, cap;
};

struct rbac_policy {
	struct strmap roles;	     /* "ns/name" -> rbac_role */
	struct strmap cluster_roles; /* name -> rbac_role */
	struct strmap bindings;	     /* "ns/name" -> rbac_binding */
	struct strmap cluster_bindings;
	struct strmap index; /* subject key -> index_list */
};

struct rbac_policy *rbac_policy_new(void)
{
	return xcalloc(1, sizeof(struct rbac_policy));
}

static void free_role(const char *key, void *value, void *ctx)
{
	struct rbac_role *r = value;

	arena_free(&r->arena);
	free(r);
}

static void free_binding(const char *key, void *value, void *ctx)
{
	struct rbac_binding *b = value;

	arena_free(&b->arena);
	free(b);
}

static void free_list(const char *key, void *value, void *ctx)
{
	struct index_list *l = value;

	free(l->items);
	free(l);
}

void rbac_policy_free(struct rbac_policy *p)
{
	if (!p)
		return;
	strmap_each(&p->roles, free_role, NULL);
	strmap_each(&p->cluster_roles, free_role, NULL);
	strmap_each(&p->bindings, free_binding, NULL);
	strmap_each(&p->cluster_bindings, free_binding, NULL);
	strmap_each(&p->index, free_list, NULL);
	strmap_free(&p->roles);
	strmap_free(&p->cluster_roles);
	strmap_free(&p->bindings);
	strmap_free(&p->cluster_bindings);
	strmap_free(&p->index);
	free(p);
}

static const char *str_or_empty(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

/* ---- roles ---- */

static void put_role(struct strmap *map, const char *key, json_t *obj)
{
	struct rbac_role *old, *r = NULL;

	if (obj) {
		r = xcalloc(1, sizeof(*r));
		r->num_rules =
		    rbac_rules_from_json(&r->arena, json_object_get(obj, "rules"), &r->rules);
		old = strmap_put(map, key, r);
	} else {
		old = strmap_remove(map, key);
	}
	if (old)
		free_role(key, old, NULL);
}

/* ---- bindings and the subject index ---- */

static const char *subject_key(struct arena *a, const struct rbac_binding *b,
			       const struct rbac_subject *s)
{
	const char *scope =
	    *b->namespace ? arena_printf(a, "N" SEP "%s" SEP, b->namespace) : "C" SEP;

	if (strcmp(s->kind, "User") == 0)
		return arena_printf(a, "%sU" SEP "%s", scope, s->name);
	if (strcmp(s->kind, "Group") == 0)
		return arena_printf(a, "%sG" SEP "%s", scope, s->name);
	if (strcmp(s->kind, "ServiceAccount") == 0) {
		/* A RoleBinding's subject defaults to the binding's namespace. */
		const char *ns = *s->namespace ? s->namespace : b->namespace;

		if (!*ns)
			return NULL;
		return arena_printf(a, "%sU" SEP "system:serviceaccount:%s:%s", scope, ns, s->name);
	}
	return NULL;
}

static void index_add(struct rbac_policy *p, const char *key, struct rbac_binding *b, size_t i)
{
	struct index_list *l = strmap_get(&p->index, key);

	if (!l) {
		l = xcalloc(1, sizeof(*l));
		strmap_put(&p->index, key, l);
	}
	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->len++] = (struct index_entry){b, i};
}

static void index_remove(struct rbac_policy *p, const char *key, struct rbac_binding *b)
{
	struct index_list *l = strmap_get(&p->index, key);
	size_t out = 0;

	if (!l)
		return;
	for (size_t i = 0; i < l->len; i++)
		if (l->items[i].binding != b)
			l->items[out++] = l->items[i];
	l->len = out;
	if (!l->len) {
		strmap_remove(&p->index, key);
		free_list(key, l, NULL);
	}
}

static void unindex_binding(struct rbac_policy *p, struct rbac_binding *b)
{
	for (size_t i = 0; i < b->num_subjects; i++)
		if (b->subjects[i].index_key)
			index_remove(p, b->subjects[i].index_key, b);
}

static struct rbac_binding *parse_binding(const char *ns, const char *name, json_t *obj)
{
	struct rbac_binding *b = xcalloc(1, sizeof(*b));
	json_t *ref = json_object_get(obj, "roleRef"), *subjects = json_object_get(obj, "subjects");
	json_t *s;
	size_t i;

	b->namespace = arena_strdup(&b->arena, ns);
	b->name = arena_strdup(&b->arena, name);
	b->role_kind = arena_strdup(&b->arena, str_or_empty(json_object_get(ref, "kind")));
	b->role_name = arena_strdup(&b->arena, str_or_empty(json_object_get(ref, "name")));
	if (json_array_size(subjects))
		b->subjects =
		    arena_alloc(&b->arena, json_array_size(subjects) * sizeof(*b->subjects));
	json_array_foreach(subjects, i, s)
	{
		struct rbac_subject *sub = &b->subjects[b->num_subjects++];

		sub->kind = arena_strdup(&b->arena, str_or_empty(json_object_get(s, "kind")));
		sub->name = arena_strdup(&b->arena, str_or_empty(json_object_get(s, "name")));
		sub->namespace =
		    arena_strdup(&b->arena, str_or_empty(json_object_get(s, "namespace")));
		sub->index_key = subject_key(&b->arena, b, sub);
	}
	return b;
}

static void put_binding(struct rbac_policy *p, struct strmap *map, const char *key, const char *ns,
			const char *name, json_t *obj)
{
	struct rbac_binding *old = strmap_remove(map, key), *b;

	if (old) {
		unindex_binding(p, old);
		free_binding(key, old, NULL);
	}
	if (!obj)
		return;
	b = parse_binding(ns, name, obj);
	strmap_put(map, key, b);
	for (size_t i = 0; i < b->num_subjects; i++)
		if (b->subjects[i].index_key)
			index_add(p, b->subjects[i].index_key, b, i);
}

bool rbac_policy_apply(struct rbac_policy *p, const char *resource, const char *namespace,
		       const char *name, json_t *obj)
{
	struct arena a = {0};
	const char *key = arena_printf(&a, "%s/%s", namespace, name);
	bool known = true;

	if (strcmp(resource, "roles") == 0)
		put_role(&p->roles, key, obj);
	else if (strcmp(resource, "clusterroles") == 0)
		put_role(&p->cluster_roles, name, obj);
	else if (strcmp(resource, "rolebindings") == 0)
		put_binding(p, &p->bindings, key, namespace, name, obj);
	else if (strcmp(resource, "clusterrolebindings") == 0)
		put_binding(p, &p->cluster_bindings, name, "", name, obj);
	else
		known = false;
	arena_free(&a);
	return known;
}

size_t rbac_policy_count(const struct rbac_policy *p, const char *resource)
{
	if (strcmp(resource, "roles") == 0)
		return p->roles.count;
	if (strcmp(resource, "clusterroles") == 0)
		return p->cluster_roles.count;
	if (strcmp(resource, "rolebindings") == 0)
		return p->bindings.count;
	if (strcmp(resource, "clusterrolebindings") == 0)
		return p->cluster_bindings.count;
	return 0;
}

/* ---- resolving and visiting ---- */

static const struct rbac_role *find_role(const struct rbac_policy *p, const char *kind,
					 const char *name, const char *ns, struct arena *a)
{
	if (strcmp(kind, "ClusterRole") == 0)
		return strmap_get(&p->cluster_roles, name);
	return strmap_get(&p->roles, arena_printf(a, "%s/%s", ns, name));
}

/* Why a role reference does not resolve, worded as the listers (singular
 * resource) or the registry (plural) do. */
static const char *role_error(struct arena *a, const char *kind, const char *name, bool registry)
{
	struct buf b = {0};
	const char *msg;

	if (strcmp(kind, "Role") != 0 && strcmp(kind, "ClusterRole") != 0) {
		buf_append_str(&b, "unsupported role reference kind: ");
		gojson_quote(&b, kind, strlen(kind));
	} else {
		buf_printf(&b, "%s%s." RBAC_GROUP " ",
			   strcmp(kind, "Role") == 0 ? "role" : "clusterrole", registry ? "s" : "");
		gojson_quote(&b, name, strlen(name));
		buf_append_str(&b, " not found");
	}
	msg = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return msg;
}

bool rbac_role_rules(const struct rbac_policy *p, const char *kind, const char *name,
		     const char *ns, struct arena *a, const struct rbac_rule **rules, size_t *n,
		     const char **error)
{
	const struct rbac_role *r = NULL;

	if (strcmp(kind, "Role") == 0 || strcmp(kind, "ClusterRole") == 0)
		r = find_role(p, kind, name, ns, a);
	if (!r) {
		*error = role_error(a, kind, name, true);
		return false;
	}
	*rules = r->rules;
	*n = r->num_rules;
	return true;
}

static int compare_entries(const void *x, const void *y)
{
	const struct index_entry *a = x, *b = y;
	int c = strcmp(a->binding->name, b->binding->name);

	if (c)
		return c;
	if (a->binding != b->binding)
		return a->binding < b->binding ? -1 : 1;
	return a->subject < b->subject ? -1 : a->subject > b->subject;
}

/* The (binding, first applying subject) pairs of one scope, in order. */
static size_t gather(const struct rbac_policy *p, const struct authz_attributes *attrs,
		     const char *scope, struct arena *a, struct index_entry **out)
{
	const struct index_list *lists[64];
	const struct index_list **many = lists;
	size_t num_lists = 0, total = 0, n = 0, keep = 0;
	struct index_entry *all;

	if (attrs->num_groups + 1 > sizeof(lists) / sizeof(lists[0]))
		many = arena_alloc(a, (attrs->num_groups + 1) * sizeof(*many));
	many[num_lists] =
	    strmap_get(&p->index, arena_printf(a, "%sU" SEP "%s", scope, attrs->user));
	if (many[num_lists])
		total += many[num_lists++]->len;
	for (size_t g = 0; g < attrs->num_groups; g++) {
		many[num_lists] =
		    strmap_get(&p->index, arena_printf(a, "%sG" SEP "%s", scope, attrs->groups[g]));
		if (many[num_lists])
			total += many[num_lists++]->len;
	}
	if (!total)
		return 0;
	all = arena_alloc(a, total * sizeof(*all));
	for (size_t l = 0; l < num_lists; l++) {
		memcpy(all + n, many[l]->items, many[l]->len * sizeof(*all));
		n += many[l]->len;
	}
	qsort(all, n, sizeof(*all), compare_entries);
	for (size_t i = 0; i < n; i++)
		if (!keep || all[keep - 1].binding != all[i].binding)
			all[keep++] = all[i];
	*out = all;
	return keep;
}

/* Visits one scope; false when fn stopped. */
static bool visit_scope(const struct rbac_policy *p, const struct authz_attributes *attrs,
			const char *scope, bool registry_errors, rbac_visit_fn *fn, void *ctx,
			struct arena *a)
{
	struct index_entry *entries = NULL;
	size_t n = gather(p, attrs, scope, a, &entries);

	for (size_t i = 0; i < n; i++) {
		const struct rbac_binding *b = entries[i].binding;
		const struct rbac_subject *s = &b->subjects[entries[i].subject];
		const struct rbac_role *role = NULL;
		struct rbac_source src = {
		    .cluster_binding = !*b->namespace,
		    .binding_name = b->name,
		    .binding_namespace = b->namespace,
		    .role_kind = b->role_kind,
		    .role_name = b->role_name,
		    .subject_kind = s->kind,
		    .subject_name = s->name,
		    .subject_namespace = *s->namespace ? s->namespace : b->namespace,
		};

		if (strcmp(b->role_kind, "Role") == 0 || strcmp(b->role_kind, "ClusterRole") == 0)
			role = find_role(p, b->role_kind, b->role_name, b->namespace, a);
		if (!role) {
			if (!fn(ctx, NULL, NULL,
				role_error(a, b->role_kind, b->role_name, registry_errors)))
				return false;
			continue;
		}
		for (size_t r = 0; r < role->num_rules; r++)
			if (!fn(ctx, &src, &role->rules[r], NULL))
				return false;
	}
	return true;
}

void rbac_visit_rules(const struct rbac_policy *p, const struct authz_attributes *attrs,
		      const char *ns, bool registry_errors, rbac_visit_fn *fn, void *ctx)
{
	struct arena a = {0};

	if (visit_scope(p, attrs, "C" SEP, registry_errors, fn, ctx, &a) && ns && *ns)
		visit_scope(p, attrs, arena_printf(&a, "N" SEP "%s" SEP, ns), registry_errors, fn,
			    ctx, &a);
	arena_free(&a);
}

void rbac_source_describe(struct buf *out, const struct rbac_source *s)
{
	struct buf name = {0};

	/* A RoleBinding is "name/namespace", a ServiceAccount "name/namespace". */
	if (s->cluster_binding)
		buf_append_str(&name, s->binding_name);
	else
		buf_printf(&name, "%s/%s", s->binding_name, s->binding_namespace);
	buf_append_str(out, s->cluster_binding ? "ClusterRoleBinding " : "RoleBinding ");
	gojson_quote(out, name.data ? name.data : "", name.len);
	buf_printf(out, " of %s ", s->role_kind);
	gojson_quote(out, s->role_name, strlen(s->role_name));
	buf_printf(out, " to %s ", s->subject_kind);
	buf_reset(&name);
	if (strcmp(s->subject_kind, "ServiceAccount") == 0)
		buf_printf(&name, "%s/%s", s->subject_name, s->subject_namespace);
	else
		buf_append_str(&name, s->subject_name);
	gojson_quote(out, name.data ? name.data : "", name.len);
	buf_free(&name);
}

const char *rbac_aggregate_errors(struct arena *a, const char *const *errors, size_t n)
{
	struct buf b = {0};
	size_t distinct = 0;
	const char *msg;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(errors[j], errors[i]) == 0;
		if (seen)
			continue;
		if (distinct++)
			buf_append_str(&b, ", ");
		buf_append_str(&b, errors[i]);
	}
	if (!distinct)
		return "";
	msg = distinct == 1 ? arena_strndup(a, b.data, b.len)
			    : arena_printf(a, "[%.*s]", (int)b.len, b.data);
	buf_free(&b);
	return msg;
}

struct authorize_ctx {
	const struct authz_attributes *attrs;
	struct arena *a;
	bool allowed;
	const char *reason;
	const char **errors;
	size_t num_errors, cap_errors;
};

static bool authorize_visit(void *ctx, const struct rbac_source *src, const struct rbac_rule *rule,
			    const char *error)
{
	struct authorize_ctx *c = ctx;

	if (rule && rbac_rule_allows(rule, c->attrs)) {
		struct buf b = {0};

		buf_append_str(&b, "RBAC: allowed by ");
		rbac_source_describe(&b, src);
		c->reason = arena_strndup(c->a, b.data, b.len);
		buf_free(&b);
		c->allowed = true;
		return false;
	}
	if (error) {
		if (c->num_errors == c->cap_errors) {
			const char **grown;

			c->cap_errors = c->cap_errors ? c->cap_errors * 2 : 4;
			grown = arena_alloc(c->a, c->cap_errors * sizeof(*grown));
			if (c->num_errors)
				memcpy(grown, c->errors, c->num_errors * sizeof(*grown));
			c->errors = grown;
		}
		c->errors[c->num_errors++] = arena_strdup(c->a, error);
	}
	return true;
}

bool rbac_authorize(const struct rbac_policy *p, const struct authz_attributes *attrs,
		    struct arena *a, const char **reason)
{
	struct authorize_ctx c = {.attrs = attrs, .a = a, .reason = ""};

	rbac_visit_rules(p, attrs, attrs->namespace, false, authorize_visit, &c);
	if (!c.allowed && c.num_errors)
		c.reason =
		    arena_printf(a, "RBAC: %s", rbac_aggregate_errors(a, c.errors, c.num_errors));
	*reason = c.reason;
	return c.allowed;
}
