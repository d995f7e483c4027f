/*
 * openapi.c - /openapi/v3: the root index and one document per
 * group-version, generated from the registry.
 *
 * What kubectl needs from them today: its default --validate=strict looks up
 * the PATCH operation of the kind's path (the one carrying the kind in
 * x-kubernetes-group-version-kind) and, when that operation takes a
 * fieldValidation query parameter, lets the server validate (it sends
 * fieldValidation=Strict). Without these documents kubectl create and
 * apply fail with "failed to download openapi" unless told --validate=false.
 * The operations here follow kube-apiserver's (paths, verbs, parameters,
 * x-kubernetes-action); the schemas are placeholders until the type
 * catalog describes every kind.
 */
#include "openapi.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "shared/registry.h"
#include "worker/worker.h"

/* "api/v1" or "apis/apps/v1". */
static const char *gv_path(struct arena *a, const char *group, const char *version)
{
	return *group ? arena_printf(a, "apis/%s/%s", group, version)
		      : arena_printf(a, "api/%s", version);
}

static json_t *query_param(const char *name, const char *type, const char *description)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s}, s:b}", "name", name, "in", "query",
			 "description", description, "schema", "type", type, "uniqueItems", 1);
}

static json_t *path_param(const char *name, const char *description)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:{s:s, s:b}}", "name", name, "in", "path",
			 "description", description, "required", 1, "schema", "type", "string",
			 "uniqueItems", 1);
}

static json_t *gvk(const struct resource_type *rt, const char *kind)
{
	return json_pack("{s:s, s:s, s:s}", "group", rt->group, "version", rt->version, "kind",
			 kind);
}

static const char *schema_ref(struct arena *a, const struct resource_type *rt, const char *kind)
{
	/* io.k8s.api.<group short>.<version>.<Kind>, as upstream names them. */
	const char *g = *rt->group ? rt->group : "core";
	char *short_group = arena_strdup(a, g);

	short_group[strcspn(short_group, ".")] = '\0';
	return arena_printf(a, "#/components/schemas/io.k8s.api.%s.%s.%s", short_group, rt->version,
			    kind);
}

static json_t *operation(struct arena *a, const struct resource_type *rt, const char *action,
			 const char *verb_word, const char *what, bool with_body,
			 json_t *extra_params)
{
	json_t *op = json_object(), *params = extra_params ? extra_params : json_array();
	const char *ref = schema_ref(a, rt, rt->kind);

	json_object_set_new(op, "description",
			    json_string(arena_printf(a, "%s %s", verb_word, what)));
	json_object_set_new(op, "parameters", params);
	if (with_body)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:{s:{s:{s:s}}}, s:b}", "content", "*/*", "schema",
					      "$ref", ref, "required", 1));
	json_object_set_new(op, "responses",
			    json_pack("{s:{s:s, s:{s:{s:{s:s}}}}, s:{s:s}}", "200", "description",
				      "OK", "content", "application/json", "schema", "$ref", ref,
				      "401", "description", "Unauthorized"));
	json_object_set_new(op, "x-kubernetes-action", json_string(action));
	json_object_set_new(op, "x-kubernetes-group-version-kind", gvk(rt, rt->kind));
	return op;
}

static json_t *write_params(bool patch)
{
	json_t *p = json_array();

	json_array_append_new(p, query_param("dryRun", "string",
					     "When present, indicates that modifications should "
					     "not be persisted."));
	json_array_append_new(p, query_param("fieldManager", "string",
					     "fieldManager is a name associated with the actor or "
					     "entity that is making these changes."));
	json_array_append_new(p,
			      query_param("fieldValidation", "string",
					  "fieldValidation instructs the server on how to handle "
					  "objects in the request containing unknown or "
					  "duplicate fields. Valid values are: Ignore, Warn, "
					  "Strict."));
	if (patch)
		json_array_append_new(
		    p,
		    query_param("force", "boolean", "Force is going to \"force\" Apply requests."));
	return p;
}

static void add_resource_paths(struct arena *a, json_t *paths, const struct resource_type *rt)
{
	const char *base = *rt->group ? arena_printf(a, "/apis/%s/%s", rt->group, rt->version)
				      : arena_printf(a, "/api/%s", rt->version);
	const char *collection =
	    rt->namespaced ? arena_printf(a, "%s/namespaces/{namespace}/%s", base, rt->resource)
			   : arena_printf(a, "%s/%s", base, rt->resource);
	const char *item = arena_printf(a, "%s/{name}", collection);
	json_t *coll = json_object(), *one = json_object(), *coll_params = json_array(),
	       *item_params = json_array();

	if (rt->namespaced)
		json_array_append_new(coll_params,
				      path_param("namespace", "object name and auth scope, "
							      "such as for teams and projects"));
	json_array_append_new(item_params,
			      path_param("name", arena_printf(a, "name of the %s", rt->kind)));
	if (rt->namespaced)
		json_array_append_new(item_params,
				      path_param("namespace", "object name and auth scope, such as "
							      "for teams and projects"));
	json_object_set_new(coll, "parameters", coll_params);
	json_object_set_new(one, "parameters", item_params);
	if (string_list_has(&rt->verbs, "list"))
		json_object_set_new(coll, "get",
				    operation(a, rt, "list", "list or watch objects of kind",
					      rt->kind, false, NULL));
	if (string_list_has(&rt->verbs, "create"))
		json_object_set_new(
		    coll, "post",
		    operation(a, rt, "post", "create", rt->kind, true, write_params(false)));
	if (string_list_has(&rt->verbs, "deletecollection"))
		json_object_set_new(coll, "delete",
				    operation(a, rt, "deletecollection", "delete collection of",
					      rt->kind, false, NULL));
	if (string_list_has(&rt->verbs, "get"))
		json_object_set_new(
		    one, "get",
		    operation(a, rt, "get", "read the specified", rt->kind, false, NULL));
	if (string_list_has(&rt->verbs, "update"))
		json_object_set_new(one, "put",
				    operation(a, rt, "put", "replace the specified", rt->kind, true,
					      write_params(false)));
	if (string_list_has(&rt->verbs, "patch")) {
		json_t *op = operation(a, rt, "patch", "partially update the specified", rt->kind,
				       false, write_params(true));
		json_t *content = json_object();
		/*
		 * Not application/strategic-merge-patch+json yet, although the
		 * server takes it: kubectl apply computes its patch from the v3
		 * schema of a kind whose PATCH offers it, and with the open
		 * placeholder schemas prints "warning: error calculating patch
		 * from openapi v3 spec" on every apply. Without it kubectl falls
		 * back, silently, to the types compiled into it. The type catalog
		 * brings the schemas and puts it back.
		 */
		static const char *const types[] = {"application/apply-patch+yaml",
						    "application/json-patch+json",
						    "application/merge-patch+json"};

		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			json_object_set_new(
			    content, types[i],
			    json_pack("{s:{s:s}}", "schema", "$ref",
				      "#/components/schemas/"
				      "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"));
		json_object_set_new(op, "requestBody",
				    json_pack("{s:o, s:b}", "content", content, "required", 1));
		json_object_set_new(one, "patch", op);
	}
	if (string_list_has(&rt->verbs, "delete"))
		json_object_set_new(one, "delete",
				    operation(a, rt, "delete", "delete", rt->kind, false, NULL));
	if (json_object_size(coll) > 1)
		json_object_set_new(paths, collection, coll);
	else
		json_decref(coll);
	if (json_object_size(one) > 1)
		json_object_set_new(paths, item, one);
	else
		json_decref(one);
}

/* The document of one group-version, or NULL when it is not served. */
static json_t *gv_document(struct arena *a, const char *group, const char *version)
{
	json_t *paths = json_object(), *schemas = json_object();
	bool any = false;

	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *rt = registry_at(i);

		if (strcmp(rt->group, group) != 0 || strcmp(rt->version, version) != 0)
			continue;
		any = true;
		add_resource_paths(a, paths, rt);
		/* A kind as an open object until the type catalog describes it. */
		json_object_set_new(schemas, strrchr(schema_ref(a, rt, rt->kind), '/') + 1,
				    json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "description",
					      rt->kind, "type", "object",
					      "x-kubernetes-group-version-kind", "group", rt->group,
					      "kind", rt->kind, "version", rt->version));
	}
	if (!any) {
		json_decref(paths);
		json_decref(schemas);
		return NULL;
	}
	json_object_set_new(schemas, "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
			    json_pack("{s:s, s:s}", "description",
				      "Patch is provided to give a concrete name and type to the "
				      "Kubernetes PATCH request body.",
				      "type", "object"));
	return json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:o}}", "openapi", "3.0.0", "info", "title",
			 "Kubernetes", "version", "unversioned", "paths", paths, "components",
			 "schemas", schemas);
}

/* A short content hash, for the root's serverRelativeURL (clients cache by it). */
static const char *doc_hash(struct arena *a, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	char *hex = arena_alloc(a, 2 * 32 + 1);

	EVP_Digest(text, strlen(text), md, &len, EVP_sha512(), NULL);
	free(text);
	for (unsigned int i = 0; i < 32 && i < len; i++)
		snprintf(hex + 2 * i, 3, "%02X", md[i]);
	return hex;
}

static void serve_root(struct request *req)
{
	struct arena *a = &req->arena;
	json_t *paths = json_object();

	for (size_t g = 0; g < registry_group_count(); g++) {
		const char *group = registry_group_at(g);
		const char *versions[16];
		size_t n = registry_group_versions(group, versions, 16);

		for (size_t v = 0; v < n; v++) {
			json_t *doc = gv_document(a, group, versions[v]);
			const char *p = gv_path(a, group, versions[v]);

			if (!doc)
				continue;
			json_object_set_new(paths, p,
					    json_pack("{s:s}", "serverRelativeURL",
						      arena_printf(a, "/openapi/v3/%s?hash=%s", p,
								   doc_hash(a, doc))));
			json_decref(doc);
		}
	}
	response_send_json(req, 200, json_pack("{s:o}", "paths", paths));
}

bool openapi_serve(struct request *req)
{
	const char *path = req->route.path;
	static const char prefix[] = "/openapi/v3";
	const char *rest;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0)
		return false;
	rest = path + sizeof(prefix) - 1;
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return false;
	if (*rest == '\0' || strcmp(rest, "/") == 0) {
		serve_root(req);
		return true;
	}
	if (strncmp(rest, "/api/", 5) == 0 && !strchr(rest + 5, '/')) {
		json_t *doc = gv_document(&req->arena, "", rest + 5);

		if (!doc)
			return false;
		response_add_header(req, "Cache-Control", "public, immutable");
		response_send_json(req, 200, doc);
		return true;
	}
	if (strncmp(rest, "/apis/", 6) == 0) {
		const char *slash = strchr(rest + 6, '/');
		json_t *doc;

		if (!slash || strchr(slash + 1, '/'))
			return false;
		doc = gv_document(&req->arena,
				  arena_strndup(&req->arena, rest + 6, (size_t)(slash - rest - 6)),
				  slash + 1);
		if (!doc)
			return false;
		response_add_header(req, "Cache-Control", "public, immutable");
		response_send_json(req, 200, doc);
		return true;
	}
	return false;
}
