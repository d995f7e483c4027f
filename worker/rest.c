/*
 * rest.c - the generic REST engine: get, list, create, update and delete
 * for every resource of the registry, on top of the store.
 *
 * A request's path through here: rest_serve() finds the resource type and
 * checks the scope, one function per verb validates the request and calls
 * the store, and the store's callback answers. Errors from the store
 * become kube-apiserver's Status errors in status_from_store().
 */
#include "rest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "shared/protobuf.h"
#include "shared/registry.h"
#include "shared/selector.h"
#include "shared/table.h"
#include "shared/uuid.h"
#include "worker/rest_internal.h"
#include "worker/serviceaccount_token.h"
#include "worker/store.h"
#include "worker/watch.h"
#include "worker/worker.h"

#define LIST_PARAMS 7 /* the store's own list parameters come first */

const char *rest_qualified(struct rest_call *call)
{
	return *call->rt->group
		   ? arena_printf(&call->req->arena, "%s.%s", call->rt->resource, call->rt->group)
		   : call->rt->resource;
}

const char *rest_api_version(struct rest_call *call)
{
	return *call->rt->group
		   ? arena_printf(&call->req->arena, "%s/%s", call->rt->group, call->rt->version)
		   : call->rt->version;
}

json_t *rest_details(struct rest_call *call)
{
	json_t *d = json_pack("{s:s}", "name", call->key.name ? call->key.name : "");

	if (*call->rt->group)
		json_object_set_new(d, "group", json_string(call->rt->group));
	json_object_set_new(d, "kind", json_string(call->rt->resource));
	return d;
}

void rest_status_from_store(struct rest_call *call, const struct store_result *res)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	const char *q = rest_qualified(call), *name = call->key.name ? call->key.name : "";

	switch (res->status) {
	case STORE_NOT_FOUND:
		response_send_status_details(req, 404, "NotFound",
					     arena_printf(a, "%s \"%s\" not found", q, name),
					     rest_details(call));
		return;
	case STORE_EXISTS:
		response_send_status_details(req, 409, "AlreadyExists",
					     arena_printf(a, "%s \"%s\" already exists", q, name),
					     rest_details(call));
		return;
	case STORE_CONFLICT:
		response_send_status_details(
		    req, 409, "Conflict",
		    arena_printf(
			a,
			"Operation cannot be fulfilled on %s \"%s\": the object has been "
			"modified; please apply your changes to the latest version and try "
			"again",
			q, name),
		    rest_details(call));
		return;
	case STORE_UID_MISMATCH:
		response_send_status_details(
		    req, 409, "Conflict",
		    arena_printf(
			a, "Operation cannot be fulfilled on %s \"%s\": Precondition failed: %s", q,
			name, res->message ? res->message : "UID mismatch"),
		    rest_details(call));
		return;
	case STORE_EXPIRED:
		response_send_status(
		    req, 410, "Expired",
		    "The provided continue parameter is too old to display a consistent list "
		    "result. "
		    "You can start a new list without the continue parameter, or use the continue "
		    "token in this response to retrieve the remainder of the results. Continuing "
		    "with the provided token results in an inconsistent list - objects that were "
		    "created, modified, or deleted between the time the first chunk was returned "
		    "and now may show up in the list.");
		return;
	case STORE_RV_TOO_LARGE:
		response_send_status(req, 504, "Timeout", "Too large resource version");
		return;
	case STORE_UNAVAILABLE:
		response_send_status(
		    req, 503, "ServiceUnavailable",
		    arena_printf(a, "the storage is unavailable: %s",
				 res->message && *res->message ? res->message : "PostgreSQL"));
		return;
	default:
		response_send_status(req, 500, "InternalError",
				     arena_printf(a, "Internal error occurred: %s",
						  res->message ? res->message : "storage error"));
	}
}

void rest_invalid(struct rest_call *call, const char *name, const char *field, const char *message)
{
	struct request *req = call->req;
	json_t *d = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "name", name, "group",
			      call->rt->group, "kind", call->rt->kind, "causes", "reason",
			      "FieldValueInvalid", "message", message, "field", field);

	if (!*call->rt->group)
		json_object_del(d, "group");
	response_send_status_details(req, 422, "Invalid",
				     arena_printf(&req->arena, "%s \"%s\" is invalid: %s: %s",
						  call->rt->kind, name, field, message),
				     d);
}

/* One clause of Accept: "type/subtype;k=v;k=v". */
static enum rest_output media_output(struct arena *a, const char *clause, bool *ok,
				     const char **version, bool *yaml, bool *protobuf)
{
	char *c = arena_strdup(a, clause), *save = NULL, *part;
	const char *as = NULL, *g = NULL, *v = NULL;
	bool json = false;
	int i = 0;

	*ok = false;
	*yaml = false;
	*protobuf = false;
	for (part = strtok_r(c, ";", &save); part; part = strtok_r(NULL, ";", &save), i++) {
		char *eq;

		while (*part == ' ' || *part == '\t')
			part++;
		for (char *e = part + strlen(part); e > part && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		if (i == 0) {
			json = strcasecmp(part, "application/json") == 0 ||
			       strcasecmp(part, "application/*") == 0 || strcmp(part, "*/*") == 0;
			*yaml = strcasecmp(part, "application/yaml") == 0;
			*protobuf = strcasecmp(part, PROTOBUF_MEDIA_TYPE) == 0;
			continue;
		}
		eq = strchr(part, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (strcmp(part, "as") == 0)
			as = eq + 1;
		else if (strcmp(part, "g") == 0)
			g = eq + 1;
		else if (strcmp(part, "v") == 0)
			v = eq + 1;
		else if (strcmp(part, "q") == 0 && strtod(eq + 1, NULL) <= 0)
			return OUT_JSON; /* q=0: not acceptable */
	}
	if ((*yaml || *protobuf) && !as) {
		*ok = true;
		return OUT_JSON;
	}
	*yaml = false;
	*protobuf = false;
	if (!json)
		return OUT_JSON;
	if (!as) {
		*ok = true;
		return OUT_JSON;
	}
	if (!g || strcmp(g, "meta.k8s.io") != 0 || !v ||
	    (strcmp(v, "v1") != 0 && strcmp(v, "v1beta1") != 0))
		return OUT_JSON;
	*version = v;
	if (strcmp(as, "Table") == 0) {
		*ok = true;
		return OUT_TABLE;
	}
	if (strcmp(as, "PartialObjectMetadata") == 0 ||
	    strcmp(as, "PartialObjectMetadataList") == 0) {
		*ok = true;
		return OUT_PARTIAL;
	}
	return OUT_JSON;
}

bool rest_negotiate(struct rest_call *call)
{
	struct request *req = call->req;
	const char *accept = request_header(req, "Accept");
	const char *include = route_param(&req->route, "includeObject");
	enum table_include inc = TABLE_INCLUDE_METADATA;
	char *list, *save = NULL, *clause;
	bool watching = strcmp(req->route.verb, "watch") == 0;
	bool reading =
	    watching || strcmp(req->route.verb, "get") == 0 || strcmp(req->route.verb, "list") == 0;

	call->output = OUT_JSON;
	call->output_version = "v1";
	if (include && table_include_parse(include, &inc) < 0) {
		response_send_status(
		    req, 400, "BadRequest",
		    arena_printf(&req->arena, "unrecognized includeObject value: \"%s\"", include));
		return false;
	}
	call->include = (int)inc;
	if (!accept || !*accept)
		return true;
	list = arena_strdup(&req->arena, accept);
	for (clause = strtok_r(list, ",", &save); clause; clause = strtok_r(NULL, ",", &save)) {
		bool ok, yaml, protobuf;
		const char *version = "v1";
		enum rest_output out =
		    media_output(&req->arena, clause, &ok, &version, &yaml, &protobuf);

		/* Tables and metadata are for reads; a watch streams JSON or protobuf. */
		if (!ok || (out != OUT_JSON && !reading) || (yaml && watching))
			continue;
		call->output = out;
		call->output_version = version;
		req->yaml_out = yaml;
		req->protobuf_out = protobuf;
		return true;
	}
	response_send_status(req, 406, "NotAcceptable",
			     "only the following media types are accepted: application/json, "
			     "application/yaml, application/vnd.kubernetes.protobuf");
	return false;
}

static json_t *partial_metadata(struct rest_call *call, json_t *obj)
{
	return json_pack(
	    "{s:s, s:s, s:O}", "kind", "PartialObjectMetadata", "apiVersion",
	    arena_printf(&call->req->arena, "meta.k8s.io/%s", call->output_version), "metadata",
	    json_object_get(obj, "metadata") ? json_object_get(obj, "metadata") : json_object());
}

json_t *rest_output_object(struct rest_call *call, json_t *obj, bool with_columns)
{
	json_t *rows, *table;
	const char *rv;

	switch (call->output) {
	case OUT_PARTIAL:
		return partial_metadata(call, obj);
	case OUT_TABLE:
		rows = json_array();
		json_array_append_new(
		    rows, table_row(call->rt, obj, time(NULL), (enum table_include)call->include));
		rv = json_string_value(
		    json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
		table = table_wrap(with_columns ? call->rt : NULL, rows, rv, NULL, -1);
		if (strcmp(call->output_version, "v1") != 0)
			json_object_set_new(table, "apiVersion",
					    json_string("meta.k8s.io/v1beta1"));
		return table;
	default:
		return json_incref(obj);
	}
}

void rest_send_object(struct rest_call *call, int code, const char *json)
{
	json_t *obj;

	if (rest_is_scale(call) && (obj = json_loads(json, 0, NULL))) {
		/* The stored parent, seen through its Scale (a Status passes as it is). */
		if (strcmp(json_string_value(json_object_get(obj, "kind")) ?: "", "Status") != 0) {
			json_t *scale = rest_scale_of(call, obj);

			json_decref(obj);
			response_send_json(call->req, code, rest_output_object(call, scale, true));
			json_decref(scale);
			return;
		}
		json_decref(obj);
	}
	if (call->output == OUT_JSON) {
		response_send_json_text(call->req, code, json, strlen(json));
		return;
	}
	obj = json_loads(json, 0, NULL);
	if (!obj) {
		response_send_status(call->req, 500, "InternalError",
				     "Internal error occurred: the stored object is not JSON");
		return;
	}
	response_send_json(call->req, code, rest_output_object(call, obj, true));
	json_decref(obj);
}

/* 422 for invalid options (CreateOptions, DeleteOptions...), as
 * ValidateDeleteOptions and ValidateDryRun report them. */
void rest_invalid_options(struct rest_call *call, const char *options, const char *field,
			  const char *reason, const char *message)
{
	struct request *req = call->req;

	response_send_status_details(
	    req, 422, "Invalid",
	    arena_printf(&req->arena, "%s.meta.k8s.io \"\" is invalid: %s: %s", options, field,
			 message),
	    json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "group", "meta.k8s.io", "kind", options,
		      "causes", "reason", reason, "message", message, "field", field));
}

/* ?dryRun: "All" is the one value (repeatable); anything else is refused. */
bool rest_parse_dry_run(struct rest_call *call, const char *options)
{
	struct request *req = call->req;
	struct buf values = {0};
	bool bad = false;

	for (size_t i = 0; i < req->route.num_params; i++) {
		const char *v = req->route.params[i].value;

		if (strcmp(req->route.params[i].name, "dryRun") != 0)
			continue;
		buf_printf(&values, "%s\"%s\"", values.len ? ", " : "", v);
		if (strcmp(v, "All") != 0)
			bad = true;
		call->dry_run = true;
	}
	if (bad) {
		rest_invalid_options(
		    call, options, "dryRun", "FieldValueNotSupported",
		    arena_printf(&req->arena,
				 "Unsupported value: []string{%s}: supported values: \"All\"",
				 values.data));
		buf_free(&values);
		return false;
	}
	buf_free(&values);
	return true;
}

/* ---- get ---- */

static void get_done(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;

	if (res->status != STORE_OK)
		rest_status_from_store(call, res);
	else
		rest_send_object(call, 200, res->object);
}

/* ---- list ---- */

static const char *encode_continue(struct request *req, int64_t rv, const char *ns,
				   const char *name)
{
	json_t *token = json_pack("{s:s, s:I, s:s, s:s}", "v", "meta.k8s.io/v1", "rv",
				  (json_int_t)rv, "ns", ns, "name", name);
	char *text = json_dumps(token, JSON_COMPACT);
	size_t len = strlen(text);
	unsigned char *out = arena_alloc(&req->arena, 4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock(out, (const unsigned char *)text, (int)len);
	free(text);
	json_decref(token);
	return (const char *)out;
}

/* Returns 0 and fills the continue position, or -1 (answered 400). */
static int decode_continue(struct request *req, const char *token, int64_t *rv, const char **ns,
			   const char **name)
{
	size_t len = strlen(token);
	unsigned char *raw = arena_alloc(&req->arena, len + 3);
	int n = EVP_DecodeBlock(raw, (const unsigned char *)token, (int)len);
	json_t *doc;
	json_int_t value;
	const char *a, *b, *v;

	if (n < 0)
		goto bad;
	while (n > 0 && raw[n - 1] == '\0')
		n--; /* EVP_DecodeBlock counts the padding */
	doc = json_loadb((const char *)raw, (size_t)n, 0, NULL);
	if (!doc ||
	    json_unpack(doc, "{s:s, s:I, s:s, s:s}", "v", &v, "rv", &value, "ns", &a, "name", &b) !=
		0 ||
	    strcmp(v, "meta.k8s.io/v1") != 0 || value <= 0) {
		json_decref(doc);
		goto bad;
	}
	*rv = value;
	*ns = arena_strdup(&req->arena, a);
	*name = arena_strdup(&req->arena, b);
	json_decref(doc);
	return 0;
bad:
	response_send_status(req, 400, "BadRequest", "continue key is not valid");
	return -1;
}

/* A list as a Table or a PartialObjectMetadataList. */
static void list_send_converted(struct rest_call *call, const struct store_result *res)
{
	struct request *req = call->req;
	const char *rv = arena_printf(&req->arena, "%lld", (long long)res->rv);
	const char *cont = NULL;
	long long remaining = -1;
	json_t *items = json_array(), *out;
	time_t now = time(NULL);

	if (res->more) {
		const struct store_item *last = &res->items[res->num_items - 1];

		cont = encode_continue(req, res->rv, last->namespace, last->name);
		if (call->count_remaining && res->remaining >= 0)
			remaining = res->remaining;
	}
	for (int i = 0; i < res->num_items; i++) {
		json_t *obj = json_loads(res->items[i].object, 0, NULL);

		if (!obj)
			continue;
		json_array_append_new(
		    items, call->output == OUT_TABLE
			       ? table_row(call->rt, obj, now, (enum table_include)call->include)
			       : partial_metadata(call, obj));
		json_decref(obj);
	}
	if (call->output == OUT_TABLE) {
		out = table_wrap(call->rt, items, rv, cont, remaining);
	} else {
		json_t *meta = json_pack("{s:s}", "resourceVersion", rv);

		if (cont)
			json_object_set_new(meta, "continue", json_string(cont));
		if (remaining >= 0)
			json_object_set_new(meta, "remainingItemCount", json_integer(remaining));
		out = json_pack("{s:s, s:s, s:o, s:o}", "kind", "PartialObjectMetadataList",
				"apiVersion", "meta.k8s.io/v1", "metadata", meta, "items", items);
	}
	if (strcmp(call->output_version, "v1") != 0)
		json_object_set_new(out, "apiVersion", json_string("meta.k8s.io/v1beta1"));
	response_send_json(req, 200, out);
}

static void list_done(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;
	struct request *req = call->req;
	struct buf out = {0};

	if (res->status != STORE_OK) {
		rest_status_from_store(call, res);
		return;
	}
	if (call->output != OUT_JSON) {
		list_send_converted(call, res);
		return;
	}
	buf_printf(&out, "{\"kind\":\"%sList\",\"apiVersion\":\"%s\",\"metadata\":{",
		   call->rt->kind, rest_api_version(call));
	buf_printf(&out, "\"resourceVersion\":\"%lld\"", (long long)res->rv);
	if (res->more) {
		const struct store_item *last = &res->items[res->num_items - 1];

		buf_printf(&out, ",\"continue\":\"%s\"",
			   encode_continue(req, res->rv, last->namespace, last->name));
		if (call->count_remaining && res->remaining >= 0)
			buf_printf(&out, ",\"remainingItemCount\":%lld", (long long)res->remaining);
	}
	buf_append_str(&out, "},\"items\":[");
	for (int i = 0; i < res->num_items; i++) {
		if (i)
			buf_append_str(&out, ",");
		buf_append_str(&out, res->items[i].object);
	}
	buf_append_str(&out, "]}");
	response_send_json_text(req, 200, out.data, out.len);
	buf_free(&out);
}

static bool parse_int_param(struct request *req, const char *name, int64_t *out)
{
	const char *v = route_param(&req->route, name);
	char *end;

	*out = 0;
	if (!v || !*v)
		return true;
	*out = strtoll(v, &end, 10);
	if (*end || *out < 0) {
		response_send_status(req, 400, "BadRequest",
				     arena_printf(&req->arena, "invalid %s: %s", name, v));
		return false;
	}
	return true;
}

bool rest_add_selectors(struct rest_call *call, struct store_list_options *opts)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	const char *labels = route_param(&req->route, "labelSelector");
	const char *fields = route_param(&req->route, "fieldSelector");
	struct sql_params params = {0};
	struct buf *where = arena_alloc(a, sizeof(*where));
	const char *error = NULL;

	memset(where, 0, sizeof(*where));
	params.cap = 64;
	params.values = arena_alloc(a, params.cap * sizeof(char *));
	params.num = LIST_PARAMS;
	if (labels && *labels) {
		struct label_selector sel;

		if (label_selector_parse(a, labels, &sel, &error) < 0) {
			response_send_status(req, 400, "BadRequest", error);
			return false;
		}
		if (label_selector_to_sql(a, &sel, "o.object", where, &params) < 0) {
			response_send_status(req, 400, "BadRequest", "label selector is too large");
			return false;
		}
		call->count_remaining = false;
	}
	if (fields && *fields) {
		struct field_selector sel;

		if (field_selector_parse(a, fields, &sel, &error) < 0) {
			response_send_status(req, 400, "BadRequest", error);
			return false;
		}
		for (size_t i = 0; i < sel.num_reqs; i++) {
			if (!string_list_has(&call->rt->field_selectors, sel.reqs[i].field) &&
			    strcmp(sel.reqs[i].field, "metadata.name") != 0 &&
			    strcmp(sel.reqs[i].field, "metadata.namespace") != 0) {
				response_send_status(req, 400, "BadRequest",
						     arena_printf(a,
								  "field label not supported: %s",
								  sel.reqs[i].field));
				return false;
			}
		}
		if (where->len)
			buf_append_str(where, " AND ");
		if (field_selector_to_sql(a, &sel, "o.object", where, &params) < 0) {
			response_send_status(req, 400, "BadRequest", "field selector is too large");
			return false;
		}
		call->count_remaining = false;
	}
	if (where->len) {
		opts->where_sql = arena_strdup(a, where->data);
		opts->where_params = params.values + LIST_PARAMS;
		opts->num_where_params = (int)(params.num - LIST_PARAMS);
	}
	buf_free(where);
	return true;
}

static void rest_list(struct rest_call *call)
{
	struct request *req = call->req;
	struct store_list_options opts = {0};
	const char *token = route_param(&req->route, "continue");
	const char *rv = route_param(&req->route, "resourceVersion");
	const char *match = route_param(&req->route, "resourceVersionMatch");
	int64_t limit, at_rv;

	call->count_remaining = true;
	if (!parse_int_param(req, "limit", &limit) ||
	    !parse_int_param(req, "resourceVersion", &at_rv))
		return;
	opts.group = call->rt->group;
	opts.resource = call->rt->resource;
	opts.namespace = *req->route.namespace ? req->route.namespace : NULL;
	opts.limit = limit > 100000 ? 100000 : (int)limit;
	call->limit = opts.limit;
	if (token && *token) {
		if (rv && *rv) {
			response_send_status(
			    req, 400, "BadRequest",
			    "specifying resource version is not allowed when using "
			    "continue");
			return;
		}
		if (decode_continue(req, token, &opts.at_rv, &opts.after_namespace,
				    &opts.after_name) < 0)
			return;
	} else if (match && strcmp(match, "Exact") == 0) {
		opts.at_rv = at_rv;
	} else if (match && *match && strcmp(match, "NotOlderThan") != 0) {
		response_send_status(req, 400, "BadRequest",
				     arena_printf(&req->arena,
						  "resourceVersionMatch: Unsupported value: \"%s\"",
						  match));
		return;
	}
	if (!rest_add_selectors(call, &opts))
		return;
	opts.count_remaining = call->count_remaining && opts.limit > 0;
	store_list(req->worker->pg, &opts, list_done, call);
}

void rest_serve(struct request *req)
{
	const struct route *r = &req->route;
	const struct resource_type *rt = registry_find(r->group, r->version, r->resource);
	struct rest_call *call;
	bool named = *r->name != '\0';
	const char *verb = r->verb;

	/* /namespaces/NS names the namespace itself, not a scope. */
	bool scoped = *r->namespace && !(strcmp(r->resource, "namespaces") == 0 && !*r->group);

	if (!rt || (scoped && !rt->namespaced)) {
		response_send_not_found(req);
		return;
	}
	call = arena_alloc(&req->arena, sizeof(*call));
	memset(call, 0, sizeof(*call));
	call->req = req;
	call->rt = rt;
	call->subresource = r->subresource;
	call->key = (struct store_key){rt->group, rt->resource, rt->namespaced ? r->namespace : "",
				       r->name};
	if (*r->subresource) {
		const struct subresource_type *sub = registry_find_subresource(rt, r->subresource);

		/* Only status, scale, a service account's token (and a
		 * namespace's finalize) are served so far; the others are not
		 * found, as for a resource without them. */
		if (!sub || !named ||
		    (strcmp(r->subresource, "status") != 0 &&
		     strcmp(r->subresource, "scale") != 0 && strcmp(r->subresource, "token") != 0 &&
		     strcmp(r->subresource, "finalize") != 0)) {
			response_send_not_found(req);
			return;
		}
		if (!string_list_has(&sub->verbs, verb)) {
			response_send_method_not_allowed(req);
			return;
		}
		if (!rest_negotiate(call))
			return;
		if (strcmp(verb, "get") == 0)
			store_get(req->worker->pg, &call->key, get_done, call);
		else if (strcmp(verb, "update") == 0)
			rest_update(call);
		else if (strcmp(verb, "patch") == 0)
			rest_patch(call);
		else if (strcmp(verb, "create") == 0)
			serviceaccount_token_create(call);
		else
			response_send_method_not_allowed(req);
		return;
	}
	if (!string_list_has(&rt->verbs, verb) ||
	    (rt->namespaced && !scoped && strcmp(verb, "list") != 0 &&
	     strcmp(verb, "watch") != 0)) {
		response_send_method_not_allowed(req);
		return;
	}
	if (!rest_negotiate(call))
		return;
	if (strcmp(verb, "get") == 0 && named)
		store_get(req->worker->pg, &call->key, get_done, call);
	else if (strcmp(verb, "list") == 0)
		rest_list(call);
	else if (strcmp(verb, "watch") == 0)
		rest_watch(call);
	else if (strcmp(verb, "create") == 0 && !named)
		rest_create(call);
	else if (strcmp(verb, "update") == 0 && named)
		rest_update(call);
	else if (strcmp(verb, "patch") == 0 && named)
		rest_patch(call);
	else if (strcmp(verb, "delete") == 0 && named)
		rest_delete(call);
	else if (strcmp(verb, "deletecollection") == 0 && !named)
		rest_delete_collection(call);
	else
		response_send_method_not_allowed(req);
}
