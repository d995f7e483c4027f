/*
 * discovery.c - discovery documents from the registry.
 *
 * Aggregated discovery is what kubectl 1.26+ asks for first
 * (Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
 * ...); it decides the format only from the Content-Type of the answer, so
 * that header must name the same g, v and as. Otherwise the legacy
 * documents are served, and kubectl then fetches every group-version.
 * Resources are listed by name, subresources as "pods/status", as
 * kube-apiserver does.
 */
#include "discovery.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shared/registry.h"
#include "worker/worker.h"

static json_t *string_array(const struct string_list *list)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < list->len; i++)
		json_array_append_new(arr, json_string(list->items[i]));
	return arr;
}

static const char *group_version(struct request *req, const char *group, const char *version)
{
	return *group ? arena_printf(&req->arena, "%s/%s", group, version) : version;
}

static bool group_known(const char *group)
{
	for (size_t i = 0; i < registry_group_count(); i++)
		if (strcmp(registry_group_at(i), group) == 0)
			return true;
	return false;
}

static bool version_known(const char *group, const char *version)
{
	for (size_t i = 0; i < registry_count(); i++) {
		const struct resource_type *t = registry_at(i);

		if (strcmp(t->group, group) == 0 && strcmp(t->version, version) == 0)
			return true;
	}
	return false;
}

/* The resource types of one group-version, by resource name. */
static size_t types_of(const char *group, const char *version, const struct resource_type **out,
		       size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < registry_count() && n < max; i++) {
		const struct resource_type *t = registry_at(i);

		if (strcmp(t->group, group) == 0 && strcmp(t->version, version) == 0)
			out[n++] = t;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(out[j - 1]->resource, out[j]->resource) > 0;
		     j--) {
			const struct resource_type *tmp = out[j];

			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
	return n;
}

/* ---- legacy documents ---- */

static json_t *api_group(struct request *req, const char *group)
{
	const char *versions[16];
	size_t n = registry_group_versions(group, versions, 16);
	json_t *list = json_array();
	json_t *g = json_pack("{s:s}", "name", group);

	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "groupVersion",
						      group_version(req, group, versions[i]),
						      "version", versions[i]));
	json_object_set_new(g, "versions", list);
	if (n)
		json_object_set_new(g, "preferredVersion",
				    json_pack("{s:s, s:s}", "groupVersion",
					      group_version(req, group, versions[0]), "version",
					      versions[0]));
	return g;
}

static void add_api_resource(json_t *list, const struct resource_type *t, const char *name,
			     const char *singular, const char *group, const char *version,
			     const char *kind, const struct string_list *verbs, bool full)
{
	json_t *r = json_pack("{s:s, s:s, s:b}", "name", name, "singularName", singular,
			      "namespaced", t->namespaced);

	if (group && (strcmp(group, t->group) != 0 || strcmp(version, t->version) != 0)) {
		json_object_set_new(r, "group", json_string(group));
		json_object_set_new(r, "version", json_string(version));
	}
	json_object_set_new(r, "kind", json_string(kind));
	json_object_set_new(r, "verbs", string_array(verbs));
	if (full && t->short_names.len)
		json_object_set_new(r, "shortNames", string_array(&t->short_names));
	if (full && t->categories.len)
		json_object_set_new(r, "categories", string_array(&t->categories));
	if (full && t->storage_version_hash)
		json_object_set_new(r, "storageVersionHash", json_string(t->storage_version_hash));
	json_array_append_new(list, r);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "name")),
		      json_string_value(json_object_get(*(json_t *const *)b, "name")));
}

static json_t *api_resource_list(struct request *req, const char *group, const char *version)
{
	const struct resource_type *types[256];
	size_t n = types_of(group, version, types, 256);
	json_t *list = json_array(), *doc, *sorted[1024];
	size_t count;

	for (size_t i = 0; i < n; i++) {
		const struct resource_type *t = types[i];

		add_api_resource(list, t, t->resource, t->singular, NULL, NULL, t->kind, &t->verbs,
				 true);
		for (size_t s = 0; s < t->num_subresources; s++) {
			const struct subresource_type *st = &t->subresources[s];

			add_api_resource(
			    list, t, arena_printf(&req->arena, "%s/%s", t->resource, st->name), "",
			    st->group ? st->group : t->group,
			    st->version ? st->version : t->version, st->kind, &st->verbs, false);
		}
	}
	count = json_array_size(list);
	if (count > 1024)
		count = 1024;
	for (size_t i = 0; i < count; i++)
		sorted[i] = json_incref(json_array_get(list, i));
	qsort(sorted, count, sizeof(json_t *), compare_names);
	json_array_clear(list);
	for (size_t i = 0; i < count; i++)
		json_array_append_new(list, sorted[i]);
	doc = json_pack("{s:s}", "kind", "APIResourceList");
	if (*group)
		json_object_set_new(doc, "apiVersion", json_string("v1"));
	json_object_set_new(doc, "groupVersion", json_string(group_version(req, group, version)));
	json_object_set_new(doc, "resources", list);
	return doc;
}

static const char *server_address(struct request *req)
{
	const struct config *cfg = req->worker->cfg;
	const char *host = cfg->advertise_address && *cfg->advertise_address
			       ? cfg->advertise_address
			       : cfg->bind_address;

	if (!host || !*host || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0)
		host = "127.0.0.1";
	return arena_printf(&req->arena, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host,
			    cfg->secure_port);
}

/* ---- aggregated discovery ---- */

static json_t *response_kind(const char *group, const char *version, const char *kind)
{
	return json_pack("{s:s, s:s, s:s}", "group", group, "version", version, "kind", kind);
}

static json_t *resource_discovery(const struct resource_type *t)
{
	json_t *r = json_pack("{s:s, s:o, s:s, s:s, s:o}", "resource", t->resource, "responseKind",
			      response_kind(t->group, t->version, t->kind), "scope",
			      t->namespaced ? "Namespaced" : "Cluster", "singularResource",
			      t->singular, "verbs", string_array(&t->verbs));

	if (t->short_names.len)
		json_object_set_new(r, "shortNames", string_array(&t->short_names));
	if (t->categories.len)
		json_object_set_new(r, "categories", string_array(&t->categories));
	if (t->num_subresources) {
		json_t *subs = json_array();

		for (size_t s = 0; s < t->num_subresources; s++) {
			const struct subresource_type *st = &t->subresources[s];

			json_array_append_new(
			    subs,
			    json_pack("{s:s, s:o, s:o}", "subresource", st->name, "responseKind",
				      response_kind(st->group ? st->group : t->group,
						    st->version ? st->version : t->version,
						    st->kind),
				      "verbs", string_array(&st->verbs)));
		}
		json_object_set_new(r, "subresources", subs);
	}
	return r;
}

static json_t *group_discovery(const char *group)
{
	const char *versions[16];
	size_t n = registry_group_versions(group, versions, 16);
	json_t *meta = json_pack("{s:n}", "creationTimestamp");
	json_t *list = json_array();

	if (*group)
		json_object_set_new(meta, "name", json_string(group));
	for (size_t v = 0; v < n; v++) {
		const struct resource_type *types[256];
		size_t count = types_of(group, versions[v], types, 256);
		json_t *resources = json_array();

		for (size_t i = 0; i < count; i++)
			json_array_append_new(resources, resource_discovery(types[i]));
		json_array_append_new(list,
				      json_pack("{s:s, s:o, s:s}", "version", versions[v],
						"resources", resources, "freshness", "Current"));
	}
	return json_pack("{s:o, s:o}", "metadata", meta, "versions", list);
}

/* Which aggregated discovery version the Accept header asks for, if any:
 * "v2", "v2beta1" or NULL. Media ranges are tried in order. */
static const char *wants_aggregated(struct request *req)
{
	const char *accept = request_header(req, "Accept");
	char *copy, *save = NULL;
	const char *found = NULL;

	if (!accept)
		return NULL;
	copy = arena_strdup(&req->arena, accept);
	for (char *range = strtok_r(copy, ",", &save); range && !found;
	     range = strtok_r(NULL, ",", &save)) {
		char *psave = NULL, *param = strtok_r(range, ";", &psave);
		const char *g = NULL, *v = NULL, *as = NULL;

		while (*param == ' ')
			param++;
		if (strncasecmp(param, "application/json", 16) != 0)
			continue;
		while ((param = strtok_r(NULL, ";", &psave)) != NULL) {
			while (*param == ' ')
				param++;
			if (strncmp(param, "g=", 2) == 0)
				g = param + 2;
			else if (strncmp(param, "v=", 2) == 0)
				v = param + 2;
			else if (strncmp(param, "as=", 3) == 0)
				as = param + 3;
		}
		if (g && v && as && strcmp(g, "apidiscovery.k8s.io") == 0 &&
		    strcmp(as, "APIGroupDiscoveryList") == 0 &&
		    (strcmp(v, "v2") == 0 || strcmp(v, "v2beta1") == 0))
			found = strcmp(v, "v2") == 0 ? "v2" : "v2beta1";
	}
	return found;
}

static void serve_aggregated(struct request *req, const char *version, bool core)
{
	json_t *items = json_array(), *doc;
	char *text;
	const char *type;

	for (size_t i = 0; i < registry_group_count(); i++) {
		const char *group = registry_aggregated_group_at(i);

		if ((*group == '\0') == core)
			json_array_append_new(items, group_discovery(group));
	}
	doc = json_pack("{s:s, s:s, s:{}, s:o}", "kind", "APIGroupDiscoveryList", "apiVersion",
			arena_printf(&req->arena, "apidiscovery.k8s.io/%s", version), "metadata",
			"items", items);
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	type = arena_printf(&req->arena,
			    "application/json;g=apidiscovery.k8s.io;v=%s;as=APIGroupDiscoveryList",
			    version);
	response_add_header(req, "Vary", "Accept");
	response_send(req, 200, type, text, strlen(text));
	free(text);
}

void discovery_serve(struct request *req)
{
	const struct route *r = &req->route;
	const char *aggregated = wants_aggregated(req);

	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		response_send_method_not_allowed(req);
		return;
	}
	switch (r->kind) {
	case ROUTE_API_ROOT:
		if (aggregated) {
			serve_aggregated(req, aggregated, true);
			return;
		}
		response_send_json(req, 200,
				   json_pack("{s:s, s:[s], s:[{s:s, s:s}]}", "kind", "APIVersions",
					     "versions", "v1", "serverAddressByClientCIDRs",
					     "clientCIDR", "0.0.0.0/0", "serverAddress",
					     server_address(req)));
		return;
	case ROUTE_APIS_ROOT: {
		json_t *groups;

		if (aggregated) {
			serve_aggregated(req, aggregated, false);
			return;
		}
		groups = json_array();
		for (size_t i = 0; i < registry_group_count(); i++)
			if (*registry_group_at(i))
				json_array_append_new(groups, api_group(req, registry_group_at(i)));
		response_send_json(req, 200,
				   json_pack("{s:s, s:s, s:o}", "kind", "APIGroupList",
					     "apiVersion", "v1", "groups", groups));
		return;
	}
	case ROUTE_GROUP: {
		json_t *g;

		if (!*r->group || !group_known(r->group)) {
			response_send_not_found(req);
			return;
		}
		g = api_group(req, r->group);
		json_object_set_new(g, "kind", json_string("APIGroup"));
		json_object_set_new(g, "apiVersion", json_string("v1"));
		response_send_json(req, 200, g);
		return;
	}
	case ROUTE_GROUP_VERSION:
		if (!version_known(r->group, r->version)) {
			response_send_not_found(req);
			return;
		}
		response_send_json(req, 200, api_resource_list(req, r->group, r->version));
		return;
	default:
		response_send_not_found(req);
	}
}
