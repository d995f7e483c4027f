/*
 * authz_review.c - the access reviews of authorization.k8s.io/v1, as
 * pkg/registry/authorization serves them: create-only, evaluated by the
 * authorizer chain, answered 201 with the review and its status, never
 * stored.
 *
 *   SubjectAccessReview       may spec.user (groups, uid, extra) do this?
 *   LocalSubjectAccessReview  the same, within the URL's namespace
 *   SelfSubjectAccessReview   may I? (kubectl auth can-i)
 *   SelfSubjectRulesReview    what may I do in spec.namespace?
 *                             (kubectl auth can-i --list)
 *
 * A spec that names neither or both of resourceAttributes and
 * nonResourceAttributes, or no user nor group, is a 422 with upstream's
 * causes. A missing resourceAttributes.version matches every version ("*").
 */
#include "worker/authz.h"

#include <string.h>

#include "shared/gojson.h"
#include "worker/rest_internal.h"
#include "worker/worker.h"

#define AUTHZ_GROUP "authorization.k8s.io"

struct review_error {
	const char *field;
	const char *message; /* "Invalid value: ...: why" */
};

static const char *str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

static const char *quoted(struct arena *a, const char *s)
{
	struct buf b = {0};
	const char *out;

	gojson_quote(&b, s, strlen(s));
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}

/* field.Invalid's value: a nil pointer prints "null", a struct as %#v does. */
static const char *attributes_value(struct arena *a, json_t *attrs, bool resource)
{
	if (!json_is_object(attrs))
		return "\"null\"";
	if (!resource)
		return arena_printf(a, "authorization.NonResourceAttributes{Path:%s, Verb:%s}",
				    quoted(a, str(attrs, "path")), quoted(a, str(attrs, "verb")));
	return arena_printf(a,
			    "authorization.ResourceAttributes{Namespace:%s, Verb:%s, Group:%s, "
			    "Version:%s, Resource:%s, Subresource:%s, Name:%s, "
			    "FieldSelector:(*authorization.FieldSelectorAttributes)(nil), "
			    "LabelSelector:(*authorization.LabelSelectorAttributes)(nil)}",
			    quoted(a, str(attrs, "namespace")), quoted(a, str(attrs, "verb")),
			    quoted(a, str(attrs, "group")), quoted(a, str(attrs, "version")),
			    quoted(a, str(attrs, "resource")), quoted(a, str(attrs, "subresource")),
			    quoted(a, str(attrs, "name")));
}

/* ValidateSubjectAccessReviewSpec (check_user: not for the Self kind). */
static size_t validate_spec(struct arena *a, json_t *spec, bool check_user,
			    struct review_error *errs)
{
	json_t *res = json_object_get(spec, "resourceAttributes");
	json_t *non = json_object_get(spec, "nonResourceAttributes");
	size_t n = 0;

	if (!json_is_object(res))
		res = NULL;
	if (!json_is_object(non))
		non = NULL;
	if (res && non)
		errs[n++] = (struct review_error){
		    "spec.nonResourceAttributes",
		    arena_printf(a,
				 "Invalid value: %s: cannot be specified in combination with "
				 "resourceAttributes",
				 attributes_value(a, non, false))};
	if (!res && !non)
		errs[n++] = (struct review_error){
		    "spec.resourceAttributes",
		    "Invalid value: \"null\": exactly one of nonResourceAttributes or "
		    "resourceAttributes must be specified"};
	if (check_user && !*str(spec, "user") && !json_array_size(json_object_get(spec, "groups")))
		errs[n++] = (struct review_error){
		    "spec.user", "Invalid value: \"\": at least one of user or group must be "
				 "specified"};
	return n;
}

/* NewInvalid(Kind.authorization.k8s.io, "", errs). */
static void send_invalid(struct rest_call *call, const struct review_error *errs, size_t n)
{
	struct request *req = call->req;
	struct buf msg = {0};
	json_t *causes = json_array();

	buf_printf(&msg, "%s." AUTHZ_GROUP " \"\" is invalid: %s", call->rt->kind,
		   n > 1 ? "[" : "");
	for (size_t i = 0; i < n; i++) {
		buf_printf(&msg, "%s%s: %s", i ? ", " : "", errs[i].field, errs[i].message);
		json_array_append_new(causes, json_pack("{s:s, s:s, s:s}", "reason",
							"FieldValueInvalid", "message",
							errs[i].message, "field", errs[i].field));
	}
	if (n > 1)
		buf_append_str(&msg, "]");
	response_send_status_details(req, 422, "Invalid",
				     arena_strndup(&req->arena, msg.data, msg.len),
				     json_pack("{s:s, s:s, s:o}", "group", AUTHZ_GROUP, "kind",
					       call->rt->kind, "causes", causes));
	buf_free(&msg);
}

/* ResourceAttributesFrom / NonResourceAttributesFrom for a user. */
static void review_attributes(json_t *spec, struct authz_attributes *attrs)
{
	json_t *res = json_object_get(spec, "resourceAttributes");

	attrs->api_group = attrs->api_version = attrs->namespace = "";
	attrs->resource = attrs->subresource = attrs->name = attrs->path = "";
	attrs->field_selector = NULL;
	if (json_is_object(res)) {
		attrs->resource_request = true;
		attrs->verb = str(res, "verb");
		attrs->namespace = str(res, "namespace");
		attrs->api_group = str(res, "group");
		attrs->api_version = *str(res, "version") ? str(res, "version") : "*";
		attrs->resource = str(res, "resource");
		attrs->subresource = str(res, "subresource");
		attrs->name = str(res, "name");
		/* v1.32's fieldSelector.rawSelector; its requirements form is not read. */
		attrs->field_selector = json_string_value(
		    json_object_get(json_object_get(res, "fieldSelector"), "rawSelector"));
	} else {
		json_t *non = json_object_get(spec, "nonResourceAttributes");

		attrs->resource_request = false;
		attrs->verb = str(non, "verb");
		attrs->path = str(non, "path");
	}
}

struct access_review {
	struct request *req;
	json_t *obj;
	bool local;
};

/* The review's status as the registry fills it: allowed, denied, reason, evaluationError. */
static void access_review_decided(void *ctx, enum authz_decision d, const char *reason,
				  const char *error)
{
	struct access_review *ar = ctx;
	json_t *obj = ar->obj, *status = json_pack("{s:b}", "allowed", d == AUTHZ_ALLOW);

	if (d == AUTHZ_DENY)
		json_object_set_new(status, "denied", json_true());
	if (*reason)
		json_object_set_new(status, "reason", json_string(reason));
	if (error)
		json_object_set_new(status, "evaluationError", json_string(error));
	json_object_set_new(obj, "status", status);
	json_object_set_new(obj, "metadata", json_pack("{s:n}", "creationTimestamp"));
	if (ar->local)
		json_object_set_new(json_object_get(obj, "metadata"), "namespace",
				    json_string(ar->req->route.namespace));
	response_send_json(ar->req, 201, obj);
}

/* Evaluates (the webhook may answer later) and answers an access review; takes obj. */
static void answer_access_review(struct rest_call *call, json_t *obj,
				 const struct authz_attributes *attrs, const struct user_info *user)
{
	struct request *req = call->req;
	struct access_review *ar = arena_alloc(&req->arena, sizeof(*ar));

	ar->req = req;
	ar->obj = obj;
	ar->local = strcmp(call->rt->kind, "LocalSubjectAccessReview") == 0;
	authz_decide_async(req->worker->authz, attrs, user, &req->arena, access_review_decided, ar);
}

/* The uid and extra of a review's spec, for the webhook. */
static const struct user_info *spec_user(struct arena *a, json_t *spec)
{
	struct user_info *u = arena_alloc(a, sizeof(*u));
	json_t *extra = json_object_get(spec, "extra"), *values, *v;
	const char *key;
	size_t i;

	memset(u, 0, sizeof(*u));
	if (json_is_string(json_object_get(spec, "uid")))
		u->uid = arena_strdup(a, json_string_value(json_object_get(spec, "uid")));
	if (!json_is_object(extra))
		return u;
	u->extra = arena_alloc(a, (json_object_size(extra) + 1) * sizeof(*u->extra));
	json_object_foreach(extra, key, values)
	{
		struct user_extra *e = &u->extra[u->num_extra++];

		e->key = arena_strdup(a, key);
		e->num_values = 0;
		e->values = arena_alloc(a, (json_array_size(values) + 1) * sizeof(*e->values));
		json_array_foreach(values, i, v) if (json_is_string(v)) e->values[e->num_values++] =
		    arena_strdup(a, json_string_value(v));
	}
	return u;
}

static const char **groups_of(struct arena *a, json_t *spec, size_t *n)
{
	json_t *groups = json_object_get(spec, "groups"), *g;
	const char **out = arena_alloc(a, (json_array_size(groups) + 1) * sizeof(char *));
	size_t i;

	*n = 0;
	json_array_foreach(groups, i, g) if (json_is_string(g)) out[(*n)++] =
	    arena_strdup(a, json_string_value(g));
	return out;
}

static void subject_access_review(struct rest_call *call, json_t *obj, bool local)
{
	struct request *req = call->req;
	json_t *spec = json_object_get(obj, "spec");
	struct review_error errs[4];
	size_t n = validate_spec(&req->arena, spec, true, errs);
	struct authz_attributes attrs;

	if (local && json_is_object(json_object_get(spec, "nonResourceAttributes")))
		errs[n++] = (struct review_error){
		    "spec.nonResourceAttributes",
		    arena_printf(
			&req->arena, "Invalid value: %s: disallowed on this kind of request",
			attributes_value(&req->arena,
					 json_object_get(spec, "nonResourceAttributes"), false))};
	if (n) {
		send_invalid(call, errs, n);
		json_decref(obj);
		return;
	}
	if (local) {
		const char *ns = str(json_object_get(obj, "metadata"), "namespace");

		if (!*req->route.namespace || strcmp(ns, req->route.namespace) != 0) {
			response_send_status(
			    req, 400, "BadRequest",
			    arena_printf(&req->arena,
					 *req->route.namespace
					     ? "spec.resourceAttributes.namespace must match "
					       "namespace: %s"
					     : "namespace is required on this type: %s",
					 req->route.namespace));
			json_decref(obj);
			return;
		}
	}
	review_attributes(spec, &attrs);
	attrs.user = str(spec, "user");
	attrs.groups = groups_of(&req->arena, spec, &attrs.num_groups);
	answer_access_review(call, obj, &attrs, spec_user(&req->arena, spec));
}

static void self_subject_access_review(struct rest_call *call, json_t *obj)
{
	struct request *req = call->req;
	json_t *spec = json_object_get(obj, "spec");
	struct review_error errs[4];
	size_t n = validate_spec(&req->arena, spec, false, errs);
	struct authz_attributes attrs;

	if (n) {
		send_invalid(call, errs, n);
		json_decref(obj);
		return;
	}
	review_attributes(spec, &attrs);
	attrs.user = req->user.name;
	attrs.groups = req->user.groups;
	attrs.num_groups = req->user.num_groups;
	answer_access_review(call, obj, &attrs, &req->user);
}

/* ---- SelfSubjectRulesReview ---- */

struct rules_ctx {
	struct arena *a;
	json_t *resource_rules, *non_resource_rules;
	const char **errors;
	size_t num_errors, cap_errors;
};

static void add_error(struct rules_ctx *c, const char *error)
{
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

static json_t *strings_json(const struct string_array *s)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < s->len; i++)
		json_array_append_new(arr, json_string(s->items[i]));
	return arr;
}

/* RBACAuthorizer.RulesFor: a rule with resources is a resource rule, one
 * with URLs a non-resource rule (a rule may be both). */
static void add_rule(struct rules_ctx *c, const struct rbac_rule *r)
{
	if (r->resources.len) {
		json_t *rule = json_pack("{s:o}", "verbs", strings_json(&r->verbs));

		if (r->api_groups.len)
			json_object_set_new(rule, "apiGroups", strings_json(&r->api_groups));
		json_object_set_new(rule, "resources", strings_json(&r->resources));
		if (r->resource_names.len)
			json_object_set_new(rule, "resourceNames",
					    strings_json(&r->resource_names));
		json_array_append_new(c->resource_rules, rule);
	}
	if (r->urls.len)
		json_array_append_new(c->non_resource_rules,
				      json_pack("{s:o, s:o}", "verbs", strings_json(&r->verbs),
						"nonResourceURLs", strings_json(&r->urls)));
}

static bool rules_visit(void *ctx, const struct rbac_source *src, const struct rbac_rule *rule,
			const char *error)
{
	struct rules_ctx *c = ctx;

	if (rule)
		add_rule(c, rule);
	if (error)
		add_error(c, error);
	return true;
}

static void self_subject_rules_review(struct rest_call *call, json_t *obj)
{
	struct request *req = call->req;
	struct authz *z = req->worker->authz;
	const char *ns = arena_strdup(&req->arena, str(json_object_get(obj, "spec"), "namespace"));
	struct rules_ctx c = {.a = &req->arena};
	struct authz_attributes who = {
	    .user = req->user.name, .groups = req->user.groups, .num_groups = req->user.num_groups};
	bool incomplete = false;
	json_t *status, *out;

	json_decref(obj);
	if (!*ns) {
		response_send_status(req, 400, "BadRequest", "no namespace on request");
		return;
	}
	c.resource_rules = json_array();
	c.non_resource_rules = json_array();
	/* The chain's rule resolvers, in order (the privileged group has none). */
	for (size_t i = 0; authz_mode(z, i); i++) {
		const char *m = authz_mode(z, i);

		if (strcmp(m, "AlwaysAllow") == 0) {
			static const char *star[] = {"*"};
			const struct rbac_rule all = {
			    .verbs = {star, 1}, .api_groups = {star, 1}, .resources = {star, 1}};
			const struct rbac_rule all_urls = {.verbs = {star, 1}, .urls = {star, 1}};

			add_rule(&c, &all);
			add_rule(&c, &all_urls);
		} else if (strcmp(m, "RBAC") == 0 && authz_rbac(z)) {
			rbac_visit_rules(authz_rbac(z), &who, ns, false, rules_visit, &c);
		} else if (strcmp(m, "Node") == 0 && strncmp(who.user, "system:node:", 12) == 0) {
			/* The node authorizer cannot list a node's rules. */
			for (size_t g = 0; g < who.num_groups; g++)
				if (strcmp(who.groups[g], "system:nodes") == 0) {
					incomplete = true;
					add_error(&c, "node authorizer does not support user rule "
						      "resolution");
					break;
				}
		}
	}
	status = json_pack("{s:o, s:o, s:b}", "resourceRules", c.resource_rules, "nonResourceRules",
			   c.non_resource_rules, "incomplete", incomplete);
	if (c.num_errors)
		json_object_set_new(
		    status, "evaluationError",
		    json_string(rbac_aggregate_errors(&req->arena, c.errors, c.num_errors)));
	out = json_pack("{s:s, s:s, s:{s:n}, s:{}, s:o}", "kind", "SelfSubjectRulesReview",
			"apiVersion", AUTHZ_GROUP "/v1", "metadata", "creationTimestamp", "spec",
			"status", status);
	response_send_json(req, 201, out);
}

bool authz_review_create(struct rest_call *call, json_t *obj)
{
	const char *resource = call->rt->resource;

	if (strcmp(call->rt->group, AUTHZ_GROUP) != 0)
		return false;
	if (strcmp(resource, "subjectaccessreviews") == 0)
		subject_access_review(call, obj, false);
	else if (strcmp(resource, "localsubjectaccessreviews") == 0)
		subject_access_review(call, obj, true);
	else if (strcmp(resource, "selfsubjectaccessreviews") == 0)
		self_subject_access_review(call, obj);
	else if (strcmp(resource, "selfsubjectrulesreviews") == 0)
		self_subject_rules_review(call, obj);
	else
		return false;
	return true;
}
