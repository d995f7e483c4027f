/*
 * rbac_guard.c - RBAC's escalation prevention on writes of roles and
 * bindings, as pkg/registry/rbac's policy-based storage (v1.32) does it.
 *
 * Members of system:masters pass. Otherwise:
 *   Role, ClusterRole: the writer must be allowed "escalate" on the role
 *     (resource roles or clusterroles, the URL's name and namespace), or
 *     already hold every rule the role grants (ConfirmNoEscalation: her
 *     rules in the URL's namespace must cover the role's); a ClusterRole
 *     with an aggregationRule, or one losing it, needs full authority
 *     ("*" on everything and every URL).
 *   RoleBinding, ClusterRoleBinding: the writer must be allowed "bind" on
 *     the referenced role (in the binding's namespace, "" for a cluster
 *     binding), or hold every rule of that role; a role that does not
 *     exist is a 404.
 * An update that changes only what the garbage collector changes (owner
 * references, finalizers) passes. The writer's rules come from the
 * worker's RBAC cache, worded as the registry words resolution errors.
 */
#include "worker/authz.h"

#include <string.h>

#include "shared/gojson.h"
#include "worker/rest_internal.h"
#include "worker/worker.h"

#define RBAC_GROUP	 "rbac.authorization.k8s.io"
#define PRIVILEGED_GROUP "system:masters"

static void guard_error(struct rest_call *call, int code, const char *reason, const char *message,
			json_t *details)
{
	json_decref(call->err.details);
	call->err = (struct rest_error){code, reason, message, details};
}

static json_t *rbac_details(const char *resource, const char *name)
{
	json_t *d = json_object();

	if (*name)
		json_object_set_new(d, "name", json_string(name));
	json_object_set_new(d, "group", json_string(RBAC_GROUP));
	json_object_set_new(d, "kind", json_string(resource));
	return d;
}

/* NewForbidden(rbac resource, name, msg). */
static void forbid(struct rest_call *call, const char *resource, const char *name, const char *msg)
{
	struct arena *a = &call->req->arena;
	struct buf b = {0};

	buf_printf(&b, "%s." RBAC_GROUP " ", resource);
	if (*name) {
		gojson_quote(&b, name, strlen(name));
		buf_append_str(&b, " ");
	}
	buf_printf(&b, "is forbidden: %s", msg);
	guard_error(call, 403, "Forbidden", arena_strndup(a, b.data, b.len),
		    rbac_details(resource, name));
	buf_free(&b);
}

static bool user_allowed(struct rest_call *call, const char *verb, const char *resource,
			 const char *name, const char *ns)
{
	struct request *req = call->req;
	struct authz_attributes attrs = {
	    .user = req->user.name,
	    .groups = req->user.groups,
	    .num_groups = req->user.num_groups,
	    .resource_request = true,
	    .verb = verb,
	    .api_group = RBAC_GROUP,
	    .api_version = "*",
	    .namespace = ns,
	    .resource = resource,
	    .subresource = "",
	    .name = name,
	    .path = "",
	};
	const char *reason;

	return authz_decide(req->worker->authz, &attrs, &req->arena, &reason) == AUTHZ_ALLOW;
}

struct owner_rules {
	struct arena *a;
	struct rbac_rule *rules;
	size_t num, cap;
	const char **errors;
	size_t num_errors, cap_errors;
};

static bool collect(void *ctx, const struct rbac_source *src, const struct rbac_rule *rule,
		    const char *error)
{
	struct owner_rules *o = ctx;

	if (rule) {
		if (o->num == o->cap) {
			struct rbac_rule *grown;

			o->cap = o->cap ? o->cap * 2 : 16;
			grown = arena_alloc(o->a, o->cap * sizeof(*grown));
			if (o->num)
				memcpy(grown, o->rules, o->num * sizeof(*grown));
			o->rules = grown;
		}
		o->rules[o->num++] = *rule;
	}
	if (error) {
		if (o->num_errors == o->cap_errors) {
			const char **grown;

			o->cap_errors = o->cap_errors ? o->cap_errors * 2 : 4;
			grown = arena_alloc(o->a, o->cap_errors * sizeof(*grown));
			if (o->num_errors)
				memcpy(grown, o->errors, o->num_errors * sizeof(*grown));
			o->errors = grown;
		}
		o->errors[o->num_errors++] = arena_strdup(o->a, error);
	}
	return true;
}

/*
 * ConfirmNoEscalation: NULL when the user's rules in the request's
 * namespace cover wanted, else upstream's message.
 */
static const char *escalation(struct rest_call *call, const struct rbac_rule *wanted, size_t n)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	struct owner_rules o = {.a = a};
	struct authz_attributes who = {
	    .user = req->user.name, .groups = req->user.groups, .num_groups = req->user.num_groups};
	const struct rbac_policy *policy = authz_rbac(req->worker->authz);
	const char **missing;
	size_t num_missing;
	struct buf msg = {0};
	const char *out;

	if (policy)
		rbac_visit_rules(policy, &who, req->route.namespace, true, collect, &o);
	num_missing = rbac_missing_rules(a, o.rules, o.num, wanted, n, &missing);
	if (!num_missing)
		return NULL;
	buf_append_str(&msg, "user ");
	gojson_quote(&msg, who.user, strlen(who.user));
	buf_append_str(&msg, " (groups=");
	rbac_quote_list(&msg, who.groups, who.num_groups);
	buf_append_str(&msg, ") is attempting to grant RBAC permissions not currently held:");
	for (size_t i = 0; i < num_missing; i++)
		buf_printf(&msg, "\n%s", missing[i]);
	if (o.num_errors) {
		/* %v of a []error: the messages space-separated in brackets. */
		buf_append_str(&msg, "; resolution errors: [");
		for (size_t i = 0; i < o.num_errors; i++)
			buf_printf(&msg, "%s%s", i ? " " : "", o.errors[i]);
		buf_append_str(&msg, "]");
	}
	out = arena_strndup(a, msg.data, msg.len);
	buf_free(&msg);
	return out;
}

/* IsOnlyMutatingGCFields: equal but for owner references and finalizers
 * (and what every write changes: managedFields, resourceVersion). */
static bool only_gc_fields(json_t *obj, json_t *old)
{
	static const char *const ignored[] = {"ownerReferences", "finalizers", "managedFields",
					      "resourceVersion", NULL};
	json_t *a, *b;
	bool same;

	if (!old)
		return false;
	a = json_deep_copy(obj);
	b = json_deep_copy(old);
	for (const char *const *f = ignored; *f; f++) {
		json_object_del(json_object_get(a, "metadata"), *f);
		json_object_del(json_object_get(b, "metadata"), *f);
	}
	same = json_equal(a, b);
	json_decref(a);
	json_decref(b);
	return same;
}

static bool has_aggregation_rule(json_t *role)
{
	return json_array_size(json_object_get(json_object_get(role, "aggregationRule"),
					       "clusterRoleSelectors")) > 0;
}

static bool role_allowed(struct rest_call *call, json_t *obj, json_t *old)
{
	struct request *req = call->req;
	const char *resource = call->rt->resource, *msg;
	const char *name =
	    json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	struct rbac_rule *rules;
	size_t n;

	name = name ? name : "";
	if (user_allowed(call, "escalate", resource, req->route.name, req->route.namespace))
		return true;
	if (only_gc_fields(obj, old))
		return true;
	n = rbac_rules_from_json(&req->arena, json_object_get(obj, "rules"), &rules);
	if ((msg = escalation(call, rules, n))) {
		forbid(call, resource, name, msg);
		return false;
	}
	if (strcmp(resource, "clusterroles") == 0 &&
	    (has_aggregation_rule(obj) || (old && has_aggregation_rule(old)))) {
		static const char *star[] = {"*"};
		const struct rbac_rule full[] = {
		    {.verbs = {star, 1}, .api_groups = {star, 1}, .resources = {star, 1}},
		    {.verbs = {star, 1}, .urls = {star, 1}},
		};

		if (escalation(call, full, 2)) {
			forbid(call, resource, name,
			       "must have cluster-admin privileges to use the aggregationRule");
			return false;
		}
	}
	return true;
}

static bool binding_allowed(struct rest_call *call, json_t *obj, json_t *old)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	const char *resource = call->rt->resource, *msg, *error;
	const char *name =
	    json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	json_t *ref = json_object_get(obj, "roleRef");
	const char *kind = json_string_value(json_object_get(ref, "kind"));
	const char *role = json_string_value(json_object_get(ref, "name"));
	const char *ns = req->route.namespace;
	const struct rbac_policy *policy;
	const struct rbac_rule *rules = NULL;
	size_t n = 0;

	name = name ? name : "";
	kind = kind ? kind : "";
	role = role ? role : "";
	if (only_gc_fields(obj, old))
		return true;
	if ((strcmp(kind, "ClusterRole") == 0 || strcmp(kind, "Role") == 0) &&
	    user_allowed(call, "bind", strcmp(kind, "Role") == 0 ? "roles" : "clusterroles", role,
			 ns))
		return true;
	if (strcmp(kind, "Role") != 0 && strcmp(kind, "ClusterRole") != 0) {
		struct buf b = {0};

		buf_append_str(&b, "Internal error occurred: unsupported role reference kind: ");
		gojson_quote(&b, kind, strlen(kind));
		guard_error(call, 500, "InternalError", arena_strndup(a, b.data, b.len), NULL);
		buf_free(&b);
		return false;
	}
	policy = authz_rbac(req->worker->authz);
	if (!policy || !rbac_role_rules(policy, kind, role, ns, a, &rules, &n, &error)) {
		const char *plural = strcmp(kind, "Role") == 0 ? "roles" : "clusterroles";
		struct buf b = {0};

		buf_printf(&b, "%s." RBAC_GROUP " ", plural);
		gojson_quote(&b, role, strlen(role));
		buf_append_str(&b, " not found");
		guard_error(call, 404, "NotFound", arena_strndup(a, b.data, b.len),
			    rbac_details(plural, role));
		buf_free(&b);
		return false;
	}
	if ((msg = escalation(call, rules, n))) {
		forbid(call, resource, name, msg);
		return false;
	}
	return true;
}

bool authz_rbac_write_allowed(struct rest_call *call, json_t *obj, json_t *old)
{
	struct request *req = call->req;
	const char *resource = call->rt->resource;

	if (strcmp(call->rt->group, RBAC_GROUP) != 0 || *call->subresource)
		return true;
	for (size_t g = 0; g < req->user.num_groups; g++)
		if (strcmp(req->user.groups[g], PRIVILEGED_GROUP) == 0)
			return true;
	if (strcmp(resource, "roles") == 0 || strcmp(resource, "clusterroles") == 0)
		return role_allowed(call, obj, old);
	if (strcmp(resource, "rolebindings") == 0 || strcmp(resource, "clusterrolebindings") == 0)
		return binding_allowed(call, obj, old);
	return true;
}
