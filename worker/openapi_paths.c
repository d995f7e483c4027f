/*
 * openapi_paths.c - the paths and operations of /openapi/v2 and
 * /openapi/v3, from the registry.
 *
 * kube-apiserver's installer (k8s.io/apiserver pkg/endpoints/installer.go)
 * registers, for each resource and verb, a route whose documentation
 * becomes an operation: its operationId (verb + group + version +
 * [Namespaced] + kind + subresource), the query parameters of the verb's
 * options, the body and response types, the media types, and the
 * x-kubernetes-action and x-kubernetes-group-version-kind extensions that
 * clients look operations up by (kubectl finds a kind's PATCH operation to
 * learn whether the server takes fieldValidation). One table of
 * operations is written here in either form: v3 puts a parameter's type
 * under "schema" and the body and media types under requestBody and
 * content; v2 has "type", a body parameter, and consumes/produces lists.
 *
 * Connect subresources (exec, attach, portforward, proxy) and log are not
 * described: their options types are not in the type catalog.
 */
#include "openapi_paths.h"

#include <stdio.h>
#include <string.h>

#include "shared/arena.h"
#include "worker/rest.h"

#define META	   "io.k8s.apimachinery.pkg.apis.meta.v1."
#define META_PROTO "k8s.io.apimachinery.pkg.apis.meta.v1."

/* The query and path parameters kube-apiserver documents, by name. */
static const struct param {
	const char *name;
	const char *type;
	const char *description;
} params[] = {
    {"allowWatchBookmarks", "boolean",
     "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."},
    {"continue", "string",
     "The continue option should be set when retrieving more results from the server."},
    {"dryRun", "string", "When present, indicates that modifications should not be persisted."},
    {"fieldManager", "string",
     "fieldManager is a name associated with the actor or entity that is making these "
     "changes."},
    {"fieldSelector", "string",
     "A selector to restrict the list of returned objects by their fields. Defaults to "
     "everything."},
    {"fieldValidation", "string",
     "fieldValidation instructs the server on how to handle objects in the request "
     "(POST/PUT/PATCH) containing unknown or duplicate fields."},
    {"force", "boolean", "Force is going to \"force\" Apply requests."},
    {"gracePeriodSeconds", "integer",
     "The duration in seconds before the object should be deleted."},
    {"ignoreStoreReadErrorWithClusterBreakingPotential", "boolean",
     "if set to true, it will trigger an unsafe deletion of the resource in case the normal "
     "deletion flow fails with a corrupt object error."},
    {"labelSelector", "string",
     "A selector to restrict the list of returned objects by their labels. Defaults to "
     "everything."},
    {"limit", "integer", "limit is a maximum number of responses to return for a list call."},
    {"name", "string", NULL},
    {"namespace", "string", "object name and auth scope, such as for teams and projects"},
    {"orphanDependents", "boolean",
     "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7."},
    {"pretty", "string", "If 'true', then the output is pretty printed."},
    {"propagationPolicy", "string", "Whether and how garbage collection will be performed."},
    {"resourceVersion", "string",
     "resourceVersion sets a constraint on what resource versions a request may be served "
     "from."},
    {"resourceVersionMatch", "string",
     "resourceVersionMatch determines how resourceVersion is applied to list calls."},
    {"sendInitialEvents", "boolean",
     "`sendInitialEvents=true` may be set together with `watch=true`."},
    {"timeoutSeconds", "integer",
     "Timeout for the list/watch call. This limits the duration of the call, regardless of "
     "any activity or inactivity."},
    {"watch", "boolean",
     "Watch for changes to the described resources and return them as a stream of add, "
     "update, and remove notifications. Specify resourceVersion."},
};

/* The options of each verb, in kube-apiserver's (alphabetical) order. */
static const char *const list_params[] = {"allowWatchBookmarks",
					  "continue",
					  "fieldSelector",
					  "labelSelector",
					  "limit",
					  "resourceVersion",
					  "resourceVersionMatch",
					  "sendInitialEvents",
					  "timeoutSeconds",
					  "watch",
					  NULL};
static const char *const write_params[] = {"dryRun", "fieldManager", "fieldValidation", NULL};
static const char *const patch_params[] = {"dryRun", "fieldManager", "fieldValidation", "force",
					   NULL};
static const char *const delete_params[] = {
    "dryRun",		"gracePeriodSeconds", "ignoreStoreReadErrorWithClusterBreakingPotential",
    "orphanDependents", "propagationPolicy",  NULL};
static const char *const delete_collection_params[] = {
    "continue",
    "dryRun",
    "fieldSelector",
    "gracePeriodSeconds",
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "labelSelector",
    "limit",
    "orphanDependents",
    "propagationPolicy",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
    NULL};
static const char *const no_params[] = {NULL};

static const char *const object_types[] = {"application/json", "application/yaml",
					   "application/vnd.kubernetes.protobuf", NULL};
static const char *const stream_types[] = {"application/json",
					   "application/json;stream=watch",
					   "application/vnd.kubernetes.protobuf",
					   "application/vnd.kubernetes.protobuf;stream=watch",
					   "application/yaml",
					   NULL};
/* The same, in the order v2's "produces" lists them. */
static const char *const stream_produces[] = {"application/json",
					      "application/yaml",
					      "application/vnd.kubernetes.protobuf",
					      "application/json;stream=watch",
					      "application/vnd.kubernetes.protobuf;stream=watch",
					      NULL};
static const char *const patch_types[] = {
    "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json",
    "application/strategic-merge-patch+json", NULL};

enum responses {
	RESPOND_OK,	  /* 200 */
	RESPOND_CREATED,  /* 200, 201, 202 */
	RESPOND_REPLACED, /* 200, 201 */
	RESPOND_DELETED,  /* 200, 202 */
};

/* One operation, in neither form yet. */
struct operation {
	const char *method; /* "get", "post", ... */
	const char *action; /* x-kubernetes-action; NULL for discovery */
	const char *id;
	const char *description;
	const char *tag;
	const char *const *query; /* its query parameters */
	const char *body;	  /* definition name of the body, or NULL */
	bool body_optional;	  /* DeleteOptions may be left out */
	bool patch;		  /* the body is a patch, in patch_types */
	const char *result;	  /* definition name of what it answers */
	enum responses responses;
	bool stream;			    /* lists and watches: the stream media types too */
	const char *group, *version, *kind; /* x-kubernetes-group-version-kind */
};

/* What operation ids and tags call a group: "rbac.authorization.k8s.io" -> "rbacAuthorization". */
static const char *group_word(struct arena *a, const char *group, bool capital)
{
	size_t n = strlen(group);
	char *out, *o;

	if (!*group)
		return capital ? "Core" : "core";
	if (n > 7 && strcmp(group + n - 7, ".k8s.io") == 0)
		n -= 7;
	out = o = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++) {
		bool word_start = i == 0 || group[i - 1] == '.';

		if (group[i] == '.')
			continue;
		*o++ = word_start && (i > 0 || capital) && group[i] >= 'a' && group[i] <= 'z'
			   ? (char)(group[i] - 'a' + 'A')
			   : group[i];
	}
	*o = '\0';
	return out;
}

static const char *title(struct arena *a, const char *s)
{
	char *out = arena_strdup(a, s);

	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
	return out;
}

static const struct param *param_named(const char *name)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i].name, name) == 0)
			return &params[i];
	return NULL;
}

static json_t *parameter(struct arena *a, const char *name, const char *in, const char *kind,
			 enum openapi_version v)
{
	const struct param *p = param_named(name);
	const char *description =
	    p->description ? p->description : arena_printf(a, "name of the %s", kind);
	json_t *j =
	    json_pack("{s:s, s:s, s:s}", "description", description, "in", in, "name", name);

	if (strcmp(in, "path") == 0)
		json_object_set_new(j, "required", json_true());
	if (v == OPENAPI_V3) {
		json_object_set_new(j, "schema",
				    json_pack("{s:s, s:b}", "type", p->type, "uniqueItems", 1));
	} else {
		json_object_set_new(j, "type", json_string(p->type));
		json_object_set_new(j, "uniqueItems", json_true());
	}
	return j;
}

static json_t *strings(const char *const *list)
{
	json_t *j = json_array();

	for (size_t i = 0; list[i]; i++)
		json_array_append_new(j, json_string(list[i]));
	return j;
}

static json_t *response(const char *description, const char *result, bool stream,
			enum openapi_version v)
{
	json_t *r = json_pack("{s:s}", "description", description);

	if (v == OPENAPI_V2) {
		json_object_set_new(r, "schema", openapi_schema_ref(result, v));
	} else {
		const char *const *types = stream ? stream_types : object_types;
		json_t *content = json_object();

		for (size_t i = 0; types[i]; i++)
			json_object_set_new(
			    content, types[i],
			    json_pack("{s:o}", "schema", openapi_schema_ref(result, v)));
		json_object_set_new(r, "content", content);
	}
	return r;
}

static json_t *operation_json(struct arena *a, const struct operation *op, enum openapi_version v)
{
	json_t *j = json_pack("{s:s, s:s, s:[s]}", "description", op->description, "operationId",
			      op->id, "tags", op->tag);
	json_t *ps = json_array(), *responses = json_object();

	if (op->body && v == OPENAPI_V2) {
		json_t *body = json_pack("{s:s, s:s, s:o}", "in", "body", "name", "body", "schema",
					 openapi_schema_ref(op->body, v));

		if (!op->body_optional)
			json_object_set_new(body, "required", json_true());
		json_array_append_new(ps, body);
	}
	for (size_t i = 0; op->query[i]; i++)
		json_array_append_new(ps, parameter(a, op->query[i], "query", op->kind, v));
	if (json_array_size(ps) > 0)
		json_object_set_new(j, "parameters", ps);
	else
		json_decref(ps);
	if (op->body && v == OPENAPI_V3) {
		const char *const *types =
		    op->patch ? patch_types : (const char *const[]){"*/*", NULL};
		json_t *content = json_object(), *body;

		for (size_t i = 0; types[i]; i++)
			json_object_set_new(
			    content, types[i],
			    json_pack("{s:o}", "schema", openapi_schema_ref(op->body, v)));
		body = json_pack("{s:o}", "content", content);
		if (!op->body_optional)
			json_object_set_new(body, "required", json_true());
		json_object_set_new(j, "requestBody", body);
	}
	json_object_set_new(responses, "200", response("OK", op->result, op->stream, v));
	if (op->responses == RESPOND_CREATED || op->responses == RESPOND_REPLACED)
		json_object_set_new(responses, "201", response("Created", op->result, false, v));
	if (op->responses == RESPOND_CREATED || op->responses == RESPOND_DELETED)
		json_object_set_new(responses, "202", response("Accepted", op->result, false, v));
	json_object_set_new(responses, "401", json_pack("{s:s}", "description", "Unauthorized"));
	json_object_set_new(j, "responses", responses);
	if (v == OPENAPI_V2) {
		bool discovery = !op->action;

		json_object_set_new(j, "consumes",
				    op->patch	? strings(patch_types)
				    : discovery ? strings(object_types)
						: json_pack("[s]", "*/*"));
		json_object_set_new(j, "produces",
				    strings(op->stream ? stream_produces : object_types));
		json_object_set_new(j, "schemes", json_pack("[s]", "https"));
	}
	if (op->action) {
		json_object_set_new(j, "x-kubernetes-action", json_string(op->action));
		json_object_set_new(j, "x-kubernetes-group-version-kind",
				    json_pack("{s:s, s:s, s:s}", "group", op->group, "kind",
					      op->kind, "version", op->version));
	}
	return j;
}

/* The path item at path, created with its path-level parameters when new. */
static json_t *path_item(struct arena *a, json_t *paths, const char *path,
			 const char *const *path_params, const char *const *query, const char *kind,
			 enum openapi_version v)
{
	json_t *item = json_object_get(paths, path), *ps;
	const char *names[32];
	size_t n = 0;

	if (item)
		return item;
	/* Path parameters, "pretty", and (for watches) the list options, sorted by name. */
	for (size_t i = 0; path_params[i]; i++)
		names[n++] = path_params[i];
	names[n++] = "pretty";
	for (size_t i = 0; query && query[i]; i++)
		names[n++] = query[i];
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	ps = json_array();
	for (size_t i = 0; i < n; i++) {
		bool in_path = false;

		for (size_t k = 0; path_params[k]; k++)
			in_path = in_path || strcmp(path_params[k], names[i]) == 0;
		json_array_append_new(ps,
				      parameter(a, names[i], in_path ? "path" : "query", kind, v));
	}
	item = json_pack("{s:o}", "parameters", ps);
	json_object_set_new(paths, path, item);
	return item;
}

static void add_operation(struct arena *a, json_t *item, const struct operation *op,
			  enum openapi_version v)
{
	json_object_set_new(item, op->method, operation_json(a, op, v));
}

/* The definition name of a kind, added to defs with its GVK. */
static const char *kind_definition(struct arena *a, json_t *defs, const char *group,
				   const char *version, const char *kind, enum openapi_version v)
{
	const struct catalog_type *t = catalog_kind(group, version, kind);
	char name[256];

	if (!t)
		return NULL;
	openapi_schema_add_kind(defs, t, group, version, kind, v);
	openapi_schema_name(t, name, sizeof(name));
	return arena_strdup(a, name);
}

/* Adds the definition of a meta/v1 type ("Status") to defs. */
static void add_meta_definition(json_t *defs, const char *name, enum openapi_version v)
{
	char proto[128];
	const struct catalog_type *t;

	snprintf(proto, sizeof(proto), META_PROTO "%s", name);
	t = catalog_type(proto);
	if (t)
		openapi_schema_add(defs, t, v);
}

/* What every operation of one resource shares. */
struct resource_ops {
	struct arena *a;
	json_t *paths, *defs;
	enum openapi_version v;
	const struct resource_type *rt;
	const char *gv;	      /* "CoreV1", "RbacAuthorizationV1" */
	const char *tag;      /* "core_v1", "rbacAuthorization_v1" */
	const char *base;     /* "/api/v1", "/apis/apps/v1" */
	const char *scope;    /* "Namespaced" or "" */
	const char *kind_def; /* definition names */
	const char *list_def;
	const char *status_def;
	const char *delete_def;
	const char *watch_def;
	const char *patch_def;
};

/* An operation on rt's own kind (not a subresource). */
static struct operation kind_operation(const struct resource_ops *r, const char *method,
				       const char *action, const char *id_verb,
				       const char *id_suffix, const char *description)
{
	return (struct operation){
	    .method = method,
	    .action = action,
	    .id =
		arena_printf(r->a, "%s%s%s%s%s", id_verb, r->gv, r->scope, r->rt->kind, id_suffix),
	    .description = description,
	    .tag = r->tag,
	    .query = no_params,
	    .result = r->kind_def,
	    .group = r->rt->group,
	    .version = r->rt->version,
	    .kind = r->rt->kind,
	};
}

static void add_collection_ops(const struct resource_ops *r, const char *path,
			       const char *const *path_params)
{
	const struct resource_type *rt = r->rt;
	struct arena *a = r->a;
	json_t *item = NULL;
	struct operation op;

	if (string_list_has(&rt->verbs, "list") && r->list_def) {
		op = kind_operation(r, "get", "list", "list", "",
				    arena_printf(a, "list or watch objects of kind %s", rt->kind));
		op.query = list_params;
		op.result = r->list_def;
		op.stream = true;
		item = path_item(a, r->paths, path, path_params, NULL, rt->kind, r->v);
		add_operation(a, item, &op, r->v);
	}
	if (string_list_has(&rt->verbs, "create")) {
		op = kind_operation(r, "post", "post", "create", "",
				    arena_printf(a, "create a %s", rt->kind));
		op.query = write_params;
		op.body = r->kind_def;
		op.responses = RESPOND_CREATED;
		item = path_item(a, r->paths, path, path_params, NULL, rt->kind, r->v);
		add_operation(a, item, &op, r->v);
	}
	if (string_list_has(&rt->verbs, "deletecollection")) {
		op = kind_operation(r, "delete", "deletecollection", "delete", "",
				    arena_printf(a, "delete collection of %s", rt->kind));
		op.id = arena_printf(a, "delete%sCollection%s%s", r->gv, r->scope, rt->kind);
		op.query = delete_collection_params;
		op.body = r->delete_def;
		op.body_optional = true;
		op.result = r->status_def;
		item = path_item(a, r->paths, path, path_params, NULL, rt->kind, r->v);
		add_operation(a, item, &op, r->v);
	}
}

static void add_item_ops(const struct resource_ops *r, const char *path,
			 const char *const *path_params)
{
	const struct resource_type *rt = r->rt;
	struct arena *a = r->a;
	struct operation op;
	json_t *item;

	if (!string_list_has(&rt->verbs, "get") && !string_list_has(&rt->verbs, "update") &&
	    !string_list_has(&rt->verbs, "patch") && !string_list_has(&rt->verbs, "delete"))
		return;
	item = path_item(a, r->paths, path, path_params, NULL, rt->kind, r->v);

	if (string_list_has(&rt->verbs, "delete")) {
		op = kind_operation(r, "delete", "delete", "delete", "",
				    arena_printf(a, "delete a %s", rt->kind));
		op.query = delete_params;
		op.body = r->delete_def;
		op.body_optional = true;
		op.responses = RESPOND_DELETED;
		if (!rest_delete_returns_object(rt))
			op.result = r->status_def;
		add_operation(a, item, &op, r->v);
	}
	if (string_list_has(&rt->verbs, "get")) {
		op = kind_operation(r, "get", "get", "read", "",
				    arena_printf(a, "read the specified %s", rt->kind));
		add_operation(a, item, &op, r->v);
	}
	if (string_list_has(&rt->verbs, "patch")) {
		op = kind_operation(r, "patch", "patch", "patch", "",
				    arena_printf(a, "partially update the specified %s", rt->kind));
		op.query = patch_params;
		op.body = r->patch_def;
		op.patch = true;
		op.responses = RESPOND_REPLACED;
		add_operation(a, item, &op, r->v);
	}
	if (string_list_has(&rt->verbs, "update")) {
		op = kind_operation(r, "put", "put", "replace", "",
				    arena_printf(a, "replace the specified %s", rt->kind));
		op.query = write_params;
		op.body = r->kind_def;
		op.responses = RESPOND_REPLACED;
		add_operation(a, item, &op, r->v);
	}
}

/* The deprecated /watch/ paths: a get whose options sit on the path item. */
static void add_watch(const struct resource_ops *r, const char *path,
		      const char *const *path_params, bool one, const char *id_suffix)
{
	const struct resource_type *rt = r->rt;
	struct operation op = kind_operation(
	    r, "get", one ? "watch" : "watchlist", "watch", id_suffix,
	    one ? arena_printf(r->a,
			       "watch changes to an object of kind %s. deprecated: use the 'watch' "
			       "parameter with a list operation instead, filtered to a single item "
			       "with the 'fieldSelector' parameter.",
			       rt->kind)
		: arena_printf(r->a,
			       "watch individual changes to a list of %s. deprecated: use the "
			       "'watch' parameter with a list operation instead.",
			       rt->kind));

	op.result = r->watch_def;
	op.stream = true;
	add_operation(r->a,
		      path_item(r->a, r->paths, path, path_params, list_params, rt->kind, r->v),
		      &op, r->v);
}

/* Connect subresources and log take options types the catalog lacks. */
static bool described_subresource(const char *name)
{
	static const char *const skipped[] = {"attach", "exec", "log", "portforward", "proxy"};

	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (strcmp(name, skipped[i]) == 0)
			return false;
	return true;
}

static void add_subresource(const struct resource_ops *r, const char *item_path,
			    const char *const *path_params, const struct subresource_type *sub)
{
	const struct resource_type *rt = r->rt;
	struct arena *a = r->a;
	const char *group = sub->group ? sub->group : rt->group;
	const char *version = sub->version ? sub->version : rt->version;
	const char *def;
	const char *path = arena_printf(a, "%s/%s", item_path, sub->name);
	const char *suffix = title(a, sub->name);
	static const struct {
		const char *verb, *method, *action, *id_verb, *what;
		enum responses responses;
	} verbs[] = {
	    {"create", "post", "post", "create", "create %s of a %s", RESPOND_CREATED},
	    {"get", "get", "get", "read", "read %s of the specified %s", RESPOND_OK},
	    {"patch", "patch", "patch", "patch", "partially update %s of the specified %s",
	     RESPOND_REPLACED},
	    {"update", "put", "put", "replace", "replace %s of the specified %s", RESPOND_REPLACED},
	};
	json_t *item = NULL;

	if (!described_subresource(sub->name))
		return;
	def = kind_definition(a, r->defs, group, version, sub->kind, r->v);
	if (!def)
		return;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		struct operation op;

		if (!string_list_has(&sub->verbs, verbs[i].verb))
			continue;
		op = kind_operation(r, verbs[i].method, verbs[i].action, verbs[i].id_verb, suffix,
				    arena_printf(a, verbs[i].what, sub->name, rt->kind));
		op.result = def;
		op.responses = verbs[i].responses;
		op.group = group;
		op.version = version;
		op.kind = sub->kind;
		if (strcmp(verbs[i].verb, "patch") == 0) {
			op.query = patch_params;
			op.body = r->patch_def;
			op.patch = true;
		} else if (strcmp(verbs[i].verb, "get") != 0) {
			op.query = write_params;
			op.body = def;
		}
		if (!item)
			item = path_item(a, r->paths, path, path_params, NULL, rt->kind, r->v);
		add_operation(a, item, &op, r->v);
	}
}

static const char *gv_base(struct arena *a, const char *group, const char *version)
{
	return *group ? arena_printf(a, "/apis/%s/%s", group, version)
		      : arena_printf(a, "/api/%s", version);
}

void openapi_paths_add_resource(json_t *paths, json_t *defs, const struct resource_type *rt,
				enum openapi_version v)
{
	static const char *const ns_params[] = {"namespace", NULL};
	static const char *const name_params[] = {"name", NULL};
	static const char *const ns_name_params[] = {"name", "namespace", NULL};
	struct arena a = {0};
	struct resource_ops r = {
	    .a = &a,
	    .paths = paths,
	    .defs = defs,
	    .v = v,
	    .rt = rt,
	    .gv = arena_printf(&a, "%s%s", group_word(&a, rt->group, true), title(&a, rt->version)),
	    .tag = arena_printf(&a, "%s_%s", group_word(&a, rt->group, false), rt->version),
	    .base = gv_base(&a, rt->group, rt->version),
	    .scope = rt->namespaced ? "Namespaced" : "",
	};
	const char *collection, *item;

	r.kind_def = kind_definition(&a, defs, rt->group, rt->version, rt->kind, v);
	if (!r.kind_def) {
		arena_free(&a);
		return;
	}
	if (string_list_has(&rt->verbs, "list"))
		r.list_def = kind_definition(&a, defs, rt->group, rt->version,
					     arena_printf(&a, "%sList", rt->kind), v);
	r.status_def = META "Status";
	r.delete_def = META "DeleteOptions";
	r.watch_def = META "WatchEvent";
	r.patch_def = META "Patch";
	if (string_list_has(&rt->verbs, "delete") ||
	    string_list_has(&rt->verbs, "deletecollection")) {
		add_meta_definition(defs, "DeleteOptions", v);
		add_meta_definition(defs, "Status", v);
	}
	if (string_list_has(&rt->verbs, "watch"))
		add_meta_definition(defs, "WatchEvent", v);
	if (string_list_has(&rt->verbs, "patch") || rt->num_subresources > 0)
		add_meta_definition(defs, "Patch", v);

	collection = rt->namespaced
			 ? arena_printf(&a, "%s/namespaces/{namespace}/%s", r.base, rt->resource)
			 : arena_printf(&a, "%s/%s", r.base, rt->resource);
	item = arena_printf(&a, "%s/{name}", collection);
	add_collection_ops(&r, collection, rt->namespaced ? ns_params : no_params);
	add_item_ops(&r, item, rt->namespaced ? ns_name_params : name_params);
	if (rt->namespaced && string_list_has(&rt->verbs, "list") && r.list_def) {
		struct operation op =
		    kind_operation(&r, "get", "list", "list", "ForAllNamespaces",
				   arena_printf(&a, "list or watch objects of kind %s", rt->kind));

		op.id = arena_printf(&a, "list%s%sForAllNamespaces", r.gv, rt->kind);
		op.result = r.list_def;
		op.stream = true;
		add_operation(&a,
			      path_item(&a, paths, arena_printf(&a, "%s/%s", r.base, rt->resource),
					no_params, list_params, rt->kind, v),
			      &op, v);
	}
	if (string_list_has(&rt->verbs, "watch")) {
		const char *watch =
		    arena_printf(&a, "%s/watch/%s%s", r.base,
				 rt->namespaced ? "namespaces/{namespace}/" : "", rt->resource);

		add_watch(&r, watch, rt->namespaced ? ns_params : no_params, false, "List");
		add_watch(&r, arena_printf(&a, "%s/{name}", watch),
			  rt->namespaced ? ns_name_params : name_params, true, "");
		if (rt->namespaced) {
			struct resource_ops all = r;

			all.scope = "";
			add_watch(&all, arena_printf(&a, "%s/watch/%s", r.base, rt->resource),
				  no_params, false, "ListForAllNamespaces");
		}
	}
	for (size_t i = 0; i < rt->num_subresources; i++)
		add_subresource(&r, item, rt->namespaced ? ns_name_params : name_params,
				&rt->subresources[i]);
	arena_free(&a);
}

/* A discovery GET: no action, no GVK, the object media types. */
static void add_discovery(json_t *paths, const char *path, const char *id, const char *description,
			  const char *tag, const char *result, enum openapi_version v)
{
	struct arena a = {0};
	struct operation op = {
	    .method = "get",
	    .id = id,
	    .description = description,
	    .tag = tag,
	    .query = no_params,
	    .result = result,
	};
	json_t *item = json_object();

	json_object_set_new(item, "get", operation_json(&a, &op, v));
	json_object_set_new(paths, path, item);
	arena_free(&a);
}

/* A discovery kind of core/v1: APIResourceList, APIGroup ... */
static const char *discovery_kind(json_t *defs, const char *kind, enum openapi_version v)
{
	char proto[128];
	const struct catalog_type *t;

	snprintf(proto, sizeof(proto), META_PROTO "%s", kind);
	t = catalog_type(proto);
	if (t)
		openapi_schema_add_kind(defs, t, "", "v1", kind, v);
	return kind;
}

void openapi_paths_add_group_version(json_t *paths, json_t *defs, const char *group,
				     const char *version, enum openapi_version v)
{
	struct arena a = {0};

	discovery_kind(defs, "APIResourceList", v);
	add_discovery(paths, arena_printf(&a, "%s/", gv_base(&a, group, version)),
		      arena_printf(&a, "get%s%sAPIResources", group_word(&a, group, true),
				   title(&a, version)),
		      "get available resources",
		      arena_printf(&a, "%s_%s", group_word(&a, group, false), version),
		      META "APIResourceList", v);
	arena_free(&a);
}

void openapi_paths_add_group(json_t *paths, json_t *defs, const char *group, enum openapi_version v)
{
	struct arena a = {0};

	discovery_kind(defs, "APIGroup", v);
	add_discovery(paths, arena_printf(&a, "/apis/%s/", group),
		      arena_printf(&a, "get%sAPIGroup", group_word(&a, group, true)),
		      "get information of a group", group_word(&a, group, false), META "APIGroup",
		      v);
	arena_free(&a);
}

void openapi_paths_add_roots(json_t *paths, json_t *defs, bool core, bool apis,
			     enum openapi_version v)
{
	if (core) {
		discovery_kind(defs, "APIVersions", v);
		add_discovery(paths, "/api/", "getCoreAPIVersions", "get available API versions",
			      "core", META "APIVersions", v);
	}
	if (apis) {
		discovery_kind(defs, "APIGroupList", v);
		add_discovery(paths, "/apis/", "getAPIVersions", "get available API versions",
			      "apis", META "APIGroupList", v);
	}
}

/* Adds group/version as a kind of the definition name (when defs has it). */
static void mark_kind(json_t *defs, const char *kind, const char *group, const char *version,
		      enum openapi_version v)
{
	char proto[128], name[256];
	const struct catalog_type *t;

	snprintf(proto, sizeof(proto), META_PROTO "%s", kind);
	t = catalog_type(proto);
	if (!t)
		return;
	openapi_schema_name(t, name, sizeof(name));
	if (json_object_get(defs, name))
		openapi_schema_add_kind(defs, t, group, version, kind, v);
}

void openapi_paths_add_shared_kinds(json_t *defs, enum openapi_version v)
{
	mark_kind(defs, "Status", "", "v1", v);
	/* Every group-version registers these two (metav1.AddToGroupVersion). */
	for (size_t g = 0; g < registry_group_count(); g++) {
		const char *group = registry_group_at(g);
		const char *versions[16];
		size_t n = registry_group_versions(group, versions, 16);

		for (size_t i = 0; i < n; i++) {
			mark_kind(defs, "DeleteOptions", group, versions[i], v);
			mark_kind(defs, "WatchEvent", group, versions[i], v);
		}
	}
}
