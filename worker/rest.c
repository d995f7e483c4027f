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

#include "shared/registry.h"
#include "shared/selector.h"
#include "shared/uuid.h"
#include "worker/store.h"
#include "worker/worker.h"

#define LIST_PARAMS 7 /* the store's own list parameters come first */

struct rest_call {
	struct request *req;
	const struct resource_type *rt;
	struct store_key key;
	json_t *body;	     /* create/update: the object to write */
	int64_t expected_rv; /* update/delete precondition, 0 = none */
	int ok_status;	     /* 201 for create, 200 otherwise */
	bool count_remaining;
	int limit;
};

/* "pods" or "deployments.apps", as upstream names a resource in messages. */
static const char *qualified(struct rest_call *call)
{
	return *call->rt->group
		   ? arena_printf(&call->req->arena, "%s.%s", call->rt->resource, call->rt->group)
		   : call->rt->resource;
}

static json_t *details(struct rest_call *call)
{
	json_t *d = json_pack("{s:s}", "name", call->key.name ? call->key.name : "");

	if (*call->rt->group)
		json_object_set_new(d, "group", json_string(call->rt->group));
	json_object_set_new(d, "kind", json_string(call->rt->resource));
	return d;
}

static void status_from_store(struct rest_call *call, const struct store_result *res)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	const char *q = qualified(call), *name = call->key.name ? call->key.name : "";

	switch (res->status) {
	case STORE_NOT_FOUND:
		response_send_status_details(req, 404, "NotFound",
					     arena_printf(a, "%s \"%s\" not found", q, name),
					     details(call));
		return;
	case STORE_EXISTS:
		response_send_status_details(req, 409, "AlreadyExists",
					     arena_printf(a, "%s \"%s\" already exists", q, name),
					     details(call));
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
		    details(call));
		return;
	case STORE_UID_MISMATCH:
		response_send_status_details(
		    req, 409, "Conflict",
		    arena_printf(
			a, "Operation cannot be fulfilled on %s \"%s\": Precondition failed: %s", q,
			name, res->message ? res->message : "UID mismatch"),
		    details(call));
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

/* ---- get ---- */

static void get_done(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;

	if (res->status != STORE_OK)
		status_from_store(call, res);
	else
		response_send_json_text(call->req, 200, res->object, strlen(res->object));
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

static void list_done(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;
	struct request *req = call->req;
	struct buf out = {0};

	if (res->status != STORE_OK) {
		status_from_store(call, res);
		return;
	}
	buf_printf(&out, "{\"kind\":\"%sList\",\"apiVersion\":\"%s%s%s\",\"metadata\":{",
		   call->rt->kind, call->rt->group, *call->rt->group ? "/" : "", call->rt->version);
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

static bool add_selectors(struct rest_call *call, struct store_list_options *opts)
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
	if (!add_selectors(call, &opts))
		return;
	opts.count_remaining = call->count_remaining && opts.limit > 0;
	store_list(req->worker->pg, &opts, list_done, call);
}

/* ---- create / update ---- */

static bool valid_dns_subdomain(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && c != '-' && c != '.')
			return false;
		if ((i == 0 || i == len - 1) && !alnum)
			return false;
	}
	return true;
}

static void now_rfc3339(char *out, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void invalid(struct rest_call *call, const char *name, const char *field,
		    const char *message)
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

/* Parses and checks the body of a create or update. Returns NULL when it
 * answered an error. */
static json_t *read_object(struct rest_call *call)
{
	struct request *req = call->req;
	const char *type = request_header(req, "Content-Type");
	const char *api_version =
	    *call->rt->group
		? arena_printf(&req->arena, "%s/%s", call->rt->group, call->rt->version)
		: call->rt->version;
	json_error_t jerr;
	json_t *obj, *meta;
	const char *kind, *version, *ns;

	if (type && strncasecmp(type, "application/json", 16) != 0) {
		response_send_status(
		    req, 415, "UnsupportedMediaType",
		    arena_printf(
			&req->arena,
			"the body of the request was in an unknown format - accepted media "
			"types include: application/json"));
		return NULL;
	}
	obj = json_loadb(req->body.data ? req->body.data : "", req->body.len, 0, &jerr);
	if (!json_is_object(obj)) {
		json_decref(obj);
		response_send_status(
		    req, 400, "BadRequest",
		    arena_printf(&req->arena, "json: cannot parse the body: %s", jerr.text));
		return NULL;
	}
	kind = json_string_value(json_object_get(obj, "kind"));
	version = json_string_value(json_object_get(obj, "apiVersion"));
	if (!kind || !*kind) {
		json_decref(obj);
		response_send_status(req, 400, "BadRequest",
				     "Object 'Kind' is missing in the body");
		return NULL;
	}
	if (strcmp(kind, call->rt->kind) != 0 || !version || strcmp(version, api_version) != 0) {
		response_send_status(
		    req, 400, "BadRequest",
		    arena_printf(&req->arena,
				 "the API version in the data (%s) does not match the expected API "
				 "version (%s)",
				 version ? version : "", api_version));
		json_decref(obj);
		return NULL;
	}
	meta = json_object_get(obj, "metadata");
	if (!json_is_object(meta)) {
		meta = json_object();
		json_object_set_new(obj, "metadata", meta);
	}
	ns = json_string_value(json_object_get(meta, "namespace"));
	if (call->rt->namespaced) {
		if (ns && *ns && strcmp(ns, req->route.namespace) != 0) {
			response_send_status(req, 400, "BadRequest",
					     "the namespace of the provided object does not match "
					     "the namespace sent on the request");
			json_decref(obj);
			return NULL;
		}
		json_object_set_new(meta, "namespace", json_string(req->route.namespace));
	} else {
		json_object_del(meta, "namespace");
	}
	return obj;
}

static void write_done(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;

	if (res->status != STORE_OK)
		status_from_store(call, res);
	else
		response_send_json_text(call->req, call->ok_status, res->object,
					strlen(res->object));
}

static void create_write(struct rest_call *call)
{
	char *json = json_dumps(call->body, JSON_COMPACT);
	const char *uid =
	    json_string_value(json_object_get(json_object_get(call->body, "metadata"), "uid"));

	store_create(call->req->worker->pg, &call->key, uid, json, write_done, call);
	free(json);
	json_decref(call->body);
	call->body = NULL;
}

static void namespace_checked(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;

	/* Answering frees the request, call included: drop the body first. */
	if (res->status == STORE_NOT_FOUND) {
		json_decref(call->body);
		response_send_status_details(
		    call->req, 404, "NotFound",
		    arena_printf(&call->req->arena, "namespaces \"%s\" not found",
				 call->req->route.namespace),
		    json_pack("{s:s, s:s}", "name", call->req->route.namespace, "kind",
			      "namespaces"));
		return;
	}
	if (res->status != STORE_OK) {
		json_decref(call->body);
		status_from_store(call, res);
		return;
	}
	create_write(call);
}

static void rest_create(struct rest_call *call)
{
	struct request *req = call->req;
	json_t *obj = read_object(call), *meta;
	const char *name, *generate;
	char uid[UUID_STRING_LEN], now[32];

	if (!obj)
		return;
	meta = json_object_get(obj, "metadata");
	name = json_string_value(json_object_get(meta, "name"));
	generate = json_string_value(json_object_get(meta, "generateName"));
	if ((!name || !*name) && generate && *generate) {
		static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
		unsigned char r[5];
		char suffix[6];

		RAND_bytes(r, sizeof(r));
		for (int i = 0; i < 5; i++)
			suffix[i] = alphabet[r[i] % (sizeof(alphabet) - 1)];
		suffix[5] = '\0';
		name = arena_printf(&req->arena, "%s%s", generate, suffix);
		json_object_set_new(meta, "name", json_string(name));
	}
	call->key.name = name ? arena_strdup(&req->arena, name) : "";
	if (!name || !*name) {
		invalid(call, "", "metadata.name",
			"Required value: name or generateName is required");
		json_decref(obj);
		return;
	}
	if (!valid_dns_subdomain(name)) {
		invalid(call, call->key.name, "metadata.name",
			arena_printf(
			    &req->arena,
			    "Invalid value: \"%s\": a lowercase RFC 1123 subdomain must "
			    "consist of lower case alphanumeric characters, '-' or '.', and "
			    "must start and end with an alphanumeric character (e.g. "
			    "'example.com', regex used for validation is "
			    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
			    name));
		json_decref(obj);
		return;
	}
	if (json_object_get(meta, "resourceVersion") &&
	    json_string_length(json_object_get(meta, "resourceVersion")) > 0) {
		invalid(
		    call, call->key.name, "metadata.resourceVersion",
		    "Invalid value: resourceVersion should not be set on objects to be created");
		json_decref(obj);
		return;
	}
	uuid_v4(uid);
	now_rfc3339(now, sizeof(now));
	json_object_set_new(meta, "uid", json_string(uid));
	json_object_set_new(meta, "creationTimestamp", json_string(now));
	json_object_del(meta, "deletionTimestamp");
	json_object_del(meta, "resourceVersion");
	if (json_object_get(obj, "spec"))
		json_object_set_new(meta, "generation", json_integer(1));
	call->body = obj;
	call->ok_status = 201;
	if (call->rt->namespaced) {
		struct store_key ns = {"", "namespaces", "", req->route.namespace};

		store_get(req->worker->pg, &ns, namespace_checked, call);
		return;
	}
	create_write(call);
}

static void update_read(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;
	json_t *current, *meta, *cur_meta;
	char *json;

	if (res->status != STORE_OK) {
		json_decref(call->body);
		status_from_store(call, res);
		return;
	}
	current = json_loads(res->object, 0, NULL);
	meta = json_object_get(call->body, "metadata");
	cur_meta = json_object_get(current, "metadata");
	/* What the server owns does not change on update. */
	for (const char *const *f = (const char *const[]){"uid", "creationTimestamp", NULL}; *f;
	     f++)
		if (json_object_get(cur_meta, *f))
			json_object_set(meta, *f, json_object_get(cur_meta, *f));
	if (json_object_get(cur_meta, "generation")) {
		json_int_t gen = json_integer_value(json_object_get(cur_meta, "generation"));

		if (!json_equal(json_object_get(current, "spec"),
				json_object_get(call->body, "spec")))
			gen++;
		json_object_set_new(meta, "generation", json_integer(gen));
	}
	json_object_del(meta, "resourceVersion");
	json_decref(current);
	json = json_dumps(call->body, JSON_COMPACT);
	json_decref(call->body);
	call->body = NULL;
	store_update(call->req->worker->pg, &call->key, call->expected_rv, json, write_done, call);
	free(json);
}

static void rest_update(struct rest_call *call)
{
	struct request *req = call->req;
	json_t *obj = read_object(call), *meta;
	const char *name, *rv;
	char *end;

	if (!obj)
		return;
	meta = json_object_get(obj, "metadata");
	name = json_string_value(json_object_get(meta, "name"));
	if (!name || strcmp(name, call->key.name) != 0) {
		response_send_status(
		    req, 400, "BadRequest",
		    arena_printf(&req->arena,
				 "the name of the object (%s) does not match the name "
				 "on the URL (%s)",
				 name ? name : "", call->key.name));
		json_decref(obj);
		return;
	}
	rv = json_string_value(json_object_get(meta, "resourceVersion"));
	call->expected_rv = rv && *rv ? strtoll(rv, &end, 10) : 0;
	if (rv && *rv && (*end || call->expected_rv <= 0)) {
		invalid(call, call->key.name, "metadata.resourceVersion",
			arena_printf(&req->arena, "Invalid value: \"%s\": must be a number", rv));
		json_decref(obj);
		return;
	}
	call->body = obj;
	call->ok_status = 200;
	store_get(req->worker->pg, &call->key, update_read, call);
}

/* ---- delete ---- */

static void rest_delete(struct rest_call *call)
{
	struct request *req = call->req;
	const char *uid = NULL;

	call->ok_status = 200;
	if (req->body.len) {
		json_t *opts = json_loadb(req->body.data, req->body.len, 0, NULL);
		json_t *pre = json_object_get(opts, "preconditions");
		const char *rv = json_string_value(json_object_get(pre, "resourceVersion"));

		if (!json_is_object(opts)) {
			json_decref(opts);
			response_send_status(req, 400, "BadRequest",
					     "the body of a delete must be DeleteOptions");
			return;
		}
		if (json_string_value(json_object_get(pre, "uid")))
			uid = arena_strdup(&req->arena,
					   json_string_value(json_object_get(pre, "uid")));
		if (rv)
			call->expected_rv = strtoll(rv, NULL, 10);
		json_decref(opts);
	}
	store_delete(req->worker->pg, &call->key, call->expected_rv, uid, write_done, call);
}

void rest_serve(struct request *req)
{
	const struct route *r = &req->route;
	const struct resource_type *rt = registry_find(r->group, r->version, r->resource);
	struct rest_call *call;
	bool named = *r->name != '\0';

	/* /namespaces/NS names the namespace itself, not a scope. */
	bool scoped = *r->namespace && !(strcmp(r->resource, "namespaces") == 0 && !*r->group);

	if (!rt || *r->subresource || (scoped && !rt->namespaced)) {
		response_send_not_found(req);
		return;
	}
	call = arena_alloc(&req->arena, sizeof(*call));
	memset(call, 0, sizeof(*call));
	call->req = req;
	call->rt = rt;
	call->key = (struct store_key){rt->group, rt->resource, rt->namespaced ? r->namespace : "",
				       r->name};
	if (!string_list_has(&rt->verbs, r->verb) ||
	    (rt->namespaced && !scoped && strcmp(r->verb, "list") != 0)) {
		response_send_method_not_allowed(req);
		return;
	}
	if (strcmp(r->verb, "get") == 0 && named)
		store_get(req->worker->pg, &call->key, get_done, call);
	else if (strcmp(r->verb, "list") == 0)
		rest_list(call);
	else if (strcmp(r->verb, "create") == 0 && !named)
		rest_create(call);
	else if (strcmp(r->verb, "update") == 0 && named)
		rest_update(call);
	else if (strcmp(r->verb, "delete") == 0 && named)
		rest_delete(call);
	else
		response_send_method_not_allowed(req);
}
