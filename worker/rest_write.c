/*
 * rest_write.c - the write verbs of the generic REST engine: create,
 * update (PUT, and PUT of the status subresource), delete and
 * deletecollection, with dryRun, finalizers and graceful deletion.
 *
 * Everything that changes an existing object is a read-modify-write, as
 * kube-apiserver's GuaranteedUpdate: read the object, compute the new state
 * from it (a "transform"), write it with the read resourceVersion as the
 * precondition, and start over when another writer got in between, unless
 * the client itself named a resourceVersion (then a Conflict is the
 * answer). A transform decides one of: write the new state, delete the
 * object, leave it as it is, or fail.
 */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "shared/catalog.h"
#include "shared/defaults.h"
#include "shared/json_patch.h"
#include "shared/managed_fields.h"
#include "shared/patch_read.h"
#include "shared/proto_json.h"
#include "shared/quantity_fields.h"
#include "shared/protobuf.h"
#include "shared/strategic_patch.h"
#include "shared/timestamp.h"
#include "shared/log.h"
#include "shared/uuid.h"
#include "shared/validation.h"
#include "shared/yaml_json.h"
#include "worker/rest.h"
#include "worker/authz.h"
#include "worker/authn_review.h"
#include "worker/node_authz.h"
#include "worker/rest_internal.h"
#include "worker/service_alloc.h"
#include "worker/rest_strategy.h"
#include "worker/worker.h"

/* Read-modify-write rounds lost to other writers before giving up with a
 * Conflict; kube-apiserver's GuaranteedUpdate has no bound at all. */
#define MAX_ATTEMPTS 100

enum action {
	ACT_ERROR,     /* call->err says why */
	ACT_UNCHANGED, /* answer the current object */
	ACT_WRITE,     /* store *next */
	ACT_DELETE,    /* remove the object */
	ACT_PENDING,   /* waiting for PostgreSQL; the call will be started over */
};

/*
 * What differs between kinds in kube-apiserver's registry strategies
 * (pkg/registry/<group>/<kind>/strategy.go and storage.go), for the kinds
 * where it differs from the default (no generation, deletions answered
 * with a Status, Background propagation, unconditional updates allowed).
 */
struct strategy {
	const char *group, *resource;
	bool generation;	     /* metadata.generation: 1 on create, +1 on a spec change */
	bool generation_annotations; /* ... and on an annotation change (deployments) */
	bool return_deleted;	     /* DELETE answers with the object */
	bool orphan_by_default;	     /* no propagationPolicy means Orphan */
	bool needs_resource_version; /* PUT without metadata.resourceVersion is invalid */
};

static const struct strategy strategies[] = {
    {"apps", "deployments", true, true, false, false, false},
    {"apps", "replicasets", true, false, false, false, false},
    {"apps", "statefulsets", true, false, false, false, false},
    {"apps", "daemonsets", true, false, false, false, false},
    {"", "replicationcontrollers", true, false, false, true, false},
    {"batch", "jobs", true, false, false, true, false},
    {"batch", "cronjobs", true, false, false, false, false},
    {"apiextensions.k8s.io", "customresourcedefinitions", true, false, false, false, true},
    {"policy", "poddisruptionbudgets", true, false, false, false, true},
    {"networking.k8s.io", "ingresses", true, false, false, false, false},
    {"networking.k8s.io", "networkpolicies", true, false, false, false, false},
    {"admissionregistration.k8s.io", "validatingadmissionpolicies", true, false, false, false,
     false},
    {"scheduling.k8s.io", "priorityclasses", true, false, false, false, false},
    {"", "pods", false, false, true, false, false},
    {"", "services", false, false, true, false, false},
    {"", "namespaces", false, false, true, false, false},
    {"", "podtemplates", false, false, true, false, false},
    {"", "serviceaccounts", false, false, true, false, false},
    {"", "persistentvolumes", false, false, true, false, false},
    {"", "persistentvolumeclaims", false, false, true, false, false},
    {"", "resourcequotas", false, false, true, false, false},
    {"storage.k8s.io", "storageclasses", false, false, true, false, false},
    {"storage.k8s.io", "volumeattachments", false, false, true, false, false},
    {"storage.k8s.io", "csidrivers", false, false, true, false, false},
    {"storage.k8s.io", "csinodes", false, false, true, false, false},
    {"storage.k8s.io", "volumeattributesclasses", false, false, true, false, false},
};

static const struct strategy *strategy_of(const struct resource_type *rt)
{
	static const struct strategy none;

	for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); i++)
		if (strcmp(strategies[i].resource, rt->resource) == 0 &&
		    strcmp(strategies[i].group, rt->group) == 0)
			return &strategies[i];
	return &none;
}

bool rest_delete_returns_object(const struct resource_type *rt)
{
	return strategy_of(rt)->return_deleted;
}

static bool is_core(const struct rest_call *call, const char *resource)
{
	return !*call->rt->group && strcmp(call->rt->resource, resource) == 0;
}

typedef enum action (*transform_fn)(struct rest_call *call, json_t *current, json_t **next);

static void rmw_start(struct rest_call *call);

static void set_error(struct rest_call *call, int code, const char *reason, const char *message,
		      json_t *details)
{
	json_decref(call->err.details);
	call->err = (struct rest_error){code, reason, message, details};
}

/* The subresource whose own kind the bodies are (Scale, TokenRequest), if any. */
static const struct subresource_type *body_subresource(struct rest_call *call)
{
	const struct subresource_type *sub;

	if (!call->subresource || !*call->subresource)
		return NULL;
	sub = registry_find_subresource(call->rt, call->subresource);
	return sub && sub->kind && strcmp(sub->kind, call->rt->kind) != 0 ? sub : NULL;
}

static const char *body_group(struct rest_call *call)
{
	const struct subresource_type *sub = body_subresource(call);

	return sub && sub->group ? sub->group : call->rt->group;
}

static const char *body_version(struct rest_call *call)
{
	const struct subresource_type *sub = body_subresource(call);

	return sub && sub->version ? sub->version : call->rt->version;
}

/* The kind of the bodies this call reads: the resource's, or its subresource's. */
static const char *body_kind(struct rest_call *call)
{
	const struct subresource_type *sub = body_subresource(call);

	return sub ? sub->kind : call->rt->kind;
}

static const char *body_api_version(struct rest_call *call)
{
	if (!body_subresource(call))
		return rest_api_version(call);
	return *body_group(call)
		   ? arena_printf(&call->req->arena, "%s/%s", body_group(call), body_version(call))
		   : body_version(call);
}

/* The kind's own type (a Scale update changes the whole object). */
static const struct catalog_type *object_type(struct rest_call *call)
{
	return catalog_kind(call->rt->group, call->rt->version, call->rt->kind);
}

static const struct catalog_type *body_type(struct rest_call *call)
{
	return body_subresource(call)
		   ? catalog_kind(body_group(call), body_version(call), body_kind(call))
		   : object_type(call);
}

/*
 * Quantities in canonical form, as kube-apiserver decodes and writes them
 * back; a value that is not a quantity is the decode error upstream gives
 * (400), set as the call's error.
 */
static bool quantities_canonical(struct rest_call *call, json_t *obj)
{
	if (quantity_fields_canonical(&call->req->arena, object_type(call), obj))
		return true;
	set_error(
	    call, 400, "BadRequest",
	    arena_printf(&call->req->arena,
			 "%s in version \"%s\" cannot be handled as a %s: " QUANTITY_FORMAT_ERROR,
			 call->rt->kind, call->rt->version, call->rt->kind),
	    NULL);
	return false;
}

/*
 * The kind's validation (shared/validation.c) of the object a write would
 * store, against the stored one on update (NULL on create; a status write
 * gets only the metadata checks): true when valid; otherwise the 422
 * Invalid with every cause is set as the call's error.
 */
static bool object_valid(struct rest_call *call, json_t *obj, json_t *old)
{
	struct validation_errors errs = {0};
	const char *name =
	    json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
	bool ok = (strcmp(call->subresource, "status") == 0
		       ? validation_check_metadata_update(obj, old, &errs)
		       : validation_check(call->rt->group, call->rt->version, call->rt->kind, obj,
					  old, &errs)) == 0;

	if (!ok) {
		char *msg = validation_status_message(&errs, call->rt->group, call->rt->kind,
						      name ? name : "");

		set_error(call, 422, "Invalid", arena_strdup(&call->req->arena, msg),
			  validation_status_details(&errs, call->rt->group, call->rt->kind,
						    name ? name : ""));
		free(msg);
	}
	validation_errors_free(&errs);
	return ok;
}

/*
 * ?fieldManager, checked as upstream's ValidateFieldManager (a 422 about
 * the options), else the User-Agent's program name; false when it
 * answered.
 */
static bool read_field_manager(struct rest_call *call, const char *options)
{
	struct request *req = call->req;
	const char *manager = route_param(&req->route, "fieldManager");
	char why[1024], name[512];

	if (manager && *manager) {
		if (managed_fields_check_manager(manager, why, sizeof(why))) {
			rest_invalid_options(call, options, "fieldManager",
					     strncmp(why, "Too long", 8) == 0 ? "FieldValueTooLong"
									      : "FieldValueInvalid",
					     arena_strdup(&req->arena, why));
			return false;
		}
		call->field_manager = manager;
		return true;
	}
	managed_fields_manager_from_user_agent(request_header(req, "User-Agent"), name,
					       sizeof(name));
	call->field_manager = arena_strdup(&req->arena, name);
	return true;
}

static void now_rfc3339(char out[TIMESTAMP_RFC3339_SIZE], int64_t offset_seconds);

/*
 * Records in obj's managedFields what this write changes from live (NULL
 * for a create), as upstream's field manager does on every create,
 * update and non-apply patch. Upstream drops the managedFields of an
 * object it cannot fit to its type, logging why; so does this.
 */
static void track_managed_fields(struct rest_call *call, json_t *live, json_t *obj)
{
	char now[TIMESTAMP_RFC3339_SIZE], err[512];
	struct managed_update u = {
	    object_type(call),
	    call->field_manager ? call->field_manager : "",
	    rest_api_version(call),
	    call->managed_subresource ? call->managed_subresource : call->subresource,
	    now,
	    NULL,
	};

	now_rfc3339(now, 0);
	if (managed_fields_update(&u, live, obj, err, sizeof(err)) < 0) {
		log_info("managedFields of %s %s/%s: %s", call->rt->resource, call->key.namespace,
			 call->key.name, err);
		json_object_del(json_object_get(obj, "metadata"), "managedFields");
	}
}

/* Now plus offset_seconds, as metav1.Time writes it. */
static void now_rfc3339(char out[TIMESTAMP_RFC3339_SIZE], int64_t offset_seconds)
{
	struct timestamp t = timestamp_from_time(time(NULL) + offset_seconds);

	timestamp_format(&t, out);
}

static bool has_status_subresource(const struct resource_type *rt)
{
	return registry_find_subresource(rt, "status") != NULL;
}

/* The Kind, qualified by group, as upstream's delete preconditions name it. */
static const char *qualified_kind(struct rest_call *call)
{
	return *call->rt->group
		   ? arena_printf(&call->req->arena, "%s.%s", call->rt->kind, call->rt->group)
		   : call->rt->kind;
}

/* ---- finishing a call: answer it, or report to the collection ---- */

static void collection_item_done(struct rest_call *item, const char *object);

static void finish_error(struct rest_call *call, const struct store_result *res)
{
	if (call->parent) {
		bool gone = res && res->status == STORE_NOT_FOUND;

		json_decref(call->err.details);
		call->err.details = NULL;
		if (!gone)
			call->parent->failed = true;
		collection_item_done(call, NULL);
		return;
	}
	json_decref(call->body);
	call->body = NULL;
	if (res) {
		rest_status_from_store(call, res);
		return;
	}
	response_send_status_details(call->req, call->err.code, call->err.reason, call->err.message,
				     call->err.details);
}

static void finish_object(struct rest_call *call, int code, const char *json)
{
	json_decref(call->body);
	call->body = NULL;
	if (call->parent) {
		collection_item_done(call, json);
		return;
	}
	rest_send_object(call, code, json);
}

/* ---- read-modify-write ---- */

static enum action transform(struct rest_call *call, json_t *current, json_t **next);

/* A deletion done: the object, or a Status of Success for kinds whose
 * deletes do not return the object. */
static void deleted(struct rest_call *call, const char *object)
{
	json_t *obj, *st;
	char *text;

	json_decref(call->body); /* an update that removed the last finalizer */
	call->body = NULL;
	if (call->parent || strategy_of(call->rt)->return_deleted) {
		finish_object(call, 200, object);
		return;
	}
	obj = json_loads(object, 0, NULL);
	st = json_pack("{s:s, s:s, s:{}, s:s, s:{s:s, s:s, s:s}}", "kind", "Status", "apiVersion",
		       "v1", "metadata", "status", "Success", "details", "name", call->key.name,
		       "group", call->rt->group, "kind", call->rt->resource);
	if (!*call->rt->group)
		json_object_del(json_object_get(st, "details"), "group");
	if (json_is_string(json_object_get(json_object_get(obj, "metadata"), "uid")))
		json_object_set(json_object_get(st, "details"), "uid",
				json_object_get(json_object_get(obj, "metadata"), "uid"));
	json_decref(obj);
	text = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	rest_send_object(call, 200, arena_strdup(&call->req->arena, text));
	free(text);
}

static void rmw_written(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;

	switch (service_alloc_written(call, res)) {
	case SERVICE_ALLOC_RETRYING:
		return;
	case SERVICE_ALLOC_FAILED:
		finish_error(call, NULL);
		return;
	case SERVICE_ALLOC_NOT_MINE:
		break;
	}
	if (res->status == STORE_CONFLICT && call->attempts < MAX_ATTEMPTS) {
		rmw_start(call); /* someone else wrote in between: again */
		return;
	}
	if (res->status != STORE_OK) {
		finish_error(call, res);
		return;
	}
	finish_object(call, call->ok_status, res->object);
}

static void rmw_deleted(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;

	if (res->status == STORE_CONFLICT && call->attempts < MAX_ATTEMPTS) {
		rmw_start(call);
		return;
	}
	if (res->status != STORE_OK) {
		finish_error(call, res);
		return;
	}
	deleted(call, res->object);
}

static void apply_create(struct rest_call *call);
static json_t *apply_object(struct rest_call *call, json_t *live);

static void rmw_read(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;
	struct arena *a = &call->req->arena;
	json_t *current, *next = NULL;
	char *text;

	if (res->status == STORE_NOT_FOUND && call->patch_type &&
	    strcmp(call->patch_type, "apply") == 0) {
		apply_create(call); /* an apply creates what is not there */
		return;
	}
	if (res->status != STORE_OK) {
		finish_error(call, res);
		return;
	}
	current = json_loads(res->object, 0, NULL);
	if (!json_is_object(current)) {
		json_decref(current);
		set_error(call, 500, "InternalError",
			  "Internal error occurred: the stored object is not JSON", NULL);
		finish_error(call, NULL);
		return;
	}
	call->current_rv = res->rv;
	switch (transform(call, current, &next)) {
	case ACT_ERROR:
		json_decref(current);
		finish_error(call, NULL);
		return;
	case ACT_UNCHANGED:
		json_decref(current);
		finish_object(call, call->ok_status, res->object);
		return;
	case ACT_PENDING:
		json_decref(current);
		return;
	case ACT_DELETE:
		json_decref(current);
		if (call->dry_run) {
			deleted(call, res->object);
			return;
		}
		store_delete(call->req->worker->pg, &call->key, res->rv, NULL, rmw_deleted, call);
		return;
	case ACT_WRITE:
		break;
	}
	json_decref(current);
	json_object_set_new(json_object_get(next, "metadata"), "resourceVersion",
			    json_string(arena_printf(a, "%lld", (long long)res->rv)));
	text = json_dumps(next, JSON_COMPACT);
	json_decref(next);
	if (call->dry_run)
		finish_object(call, call->ok_status, arena_strdup(a, text));
	else
		store_update(call->req->worker->pg, &call->key, res->rv, text, rmw_written, call);
	free(text);
}

static void rmw_start(struct rest_call *call)
{
	call->attempts++;
	store_get(call->req->worker->pg, &call->key, rmw_read, call);
}

/* ---- update ---- */

static json_t *meta_of(json_t *obj)
{
	return json_object_get(obj, "metadata");
}

static bool has_finalizers(json_t *obj)
{
	return json_array_size(json_object_get(meta_of(obj), "finalizers")) > 0;
}

static bool conflicts(struct rest_call *call)
{
	if (!call->expected_rv || call->expected_rv == call->current_rv)
		return false;
	set_error(call, 409, "Conflict",
		  arena_printf(&call->req->arena,
			       "Operation cannot be fulfilled on %s \"%s\": the object has been "
			       "modified; please apply your changes to the latest version and try "
			       "again",
			       rest_qualified(call), call->key.name),
		  rest_details(call));
	return true;
}

/*
 * A resourceVersion in a patch or an apply body is a precondition: true
 * (with the Conflict set) when it is not the stored one; no retry helps.
 */
static bool stale_precondition(struct rest_call *call, json_t *obj, json_t *current)
{
	const char *rv = json_string_value(json_object_get(meta_of(obj), "resourceVersion"));
	const char *cur_rv =
	    json_string_value(json_object_get(meta_of(current), "resourceVersion"));

	if (!rv || !cur_rv || strcmp(rv, cur_rv) == 0)
		return false;
	call->expected_rv = -1;
	conflicts(call);
	return true;
}

/* Equal JSON, two absent values included (json_equal calls those different). */
static bool same_json(json_t *a, json_t *b)
{
	return a == b || (a && b && json_equal(a, b));
}

/* The state after the update: what the body may change, on top of what it
 * may not (kept from current). */
static enum action update_transform(struct rest_call *call, json_t *current, json_t **next)
{
	json_t *obj, *meta, *cur_meta = meta_of(current);
	static const char *const kept[] = {"uid", "creationTimestamp", "deletionTimestamp",
					   "deletionGracePeriodSeconds", NULL};

	/* Admission sees the object as the request gives it, before the
	 * resourceVersion is checked. */
	if (!node_authz_admit(call, call->body, current) || conflicts(call))
		return ACT_ERROR;
	if (rest_is_scale(call)) {
		/* The Scale's replicas go into the object, then on as its own update. */
		json_t *scale = call->body, *full = rest_scale_apply(call, current, scale);
		enum action act;

		if (!full)
			return ACT_ERROR;
		call->body = full;
		call->subresource = "";
		call->managed_subresource = "scale";
		act = update_transform(call, current, next);
		call->managed_subresource = NULL;
		call->subresource = "scale";
		call->body = scale;
		json_decref(full);
		return act;
	}
	if (strcmp(call->subresource, "status") == 0) {
		char now[TIMESTAMP_RFC3339_SIZE];
		struct strategy_request sr = {now, &call->req->user};

		/* The kind's status strategy says what else the body may change. */
		now_rfc3339(now, 0);
		obj = json_deep_copy(call->body);
		strategy_prepare_status_update(call->rt->group, call->rt->resource, obj, current,
					       &sr);
	} else {
		obj = json_deep_copy(call->body);
		meta = meta_of(obj);
		for (const char *const *f = kept; *f; f++) {
			if (json_object_get(cur_meta, *f))
				json_object_set(meta, *f, json_object_get(cur_meta, *f));
			else
				json_object_del(meta, *f);
		}
		if (has_status_subresource(call->rt)) {
			if (json_object_get(current, "status"))
				json_object_set(obj, "status", json_object_get(current, "status"));
			else
				json_object_del(obj, "status");
		}
		strategy_prepare_update(call->rt->group, call->rt->resource, obj, current);
		json_object_del(meta, "generation");
		if (json_object_get(cur_meta, "generation")) {
			const struct strategy *st = strategy_of(call->rt);
			json_int_t gen =
			    json_integer_value(json_object_get(cur_meta, "generation"));

			if (st->generation && (!same_json(json_object_get(current, "spec"),
							  json_object_get(obj, "spec")) ||
					       (st->generation_annotations &&
						!same_json(json_object_get(cur_meta, "annotations"),
							   json_object_get(meta, "annotations")))))
				gen++;
			json_object_set_new(meta, "generation", json_integer(gen));
		}
		/* Only /finalize changes a namespace's spec.finalizers. */
		if (is_core(call, "namespaces") && strcmp(call->subresource, "finalize") != 0) {
			json_t *cur_fin =
			    json_object_get(json_object_get(current, "spec"), "finalizers");
			json_t *spec = json_object_get(obj, "spec");

			if (!json_is_object(spec)) {
				spec = json_object();
				json_object_set_new(obj, "spec", spec);
			}
			if (cur_fin)
				json_object_set(spec, "finalizers", cur_fin);
			else
				json_object_del(spec, "finalizers");
			if (!json_object_size(spec) && !json_object_get(current, "spec"))
				json_object_del(obj, "spec");
		}
	}
	if (!call->applying)
		track_managed_fields(call, current, obj);
	json_object_set(meta_of(obj), "resourceVersion",
			json_object_get(cur_meta, "resourceVersion"));
	if (is_core(call, "services") && !*call->subresource) {
		enum service_alloc_result r = service_alloc_update(call, obj, current, rmw_start);

		if (r != SERVICE_ALLOC_OK) {
			json_decref(obj);
			return r == SERVICE_ALLOC_PENDING ? ACT_PENDING : ACT_ERROR;
		}
	}
	if (!authz_rbac_write_allowed(call, obj, current) || !quantities_canonical(call, obj) ||
	    !object_valid(call, obj, current)) {
		json_decref(obj);
		return ACT_ERROR;
	}
	if (json_equal(obj, current)) {
		json_decref(obj);
		return ACT_UNCHANGED;
	}
	if (json_object_get(meta_of(obj), "deletionTimestamp") && !has_finalizers(obj) &&
	    !json_integer_value(json_object_get(meta_of(obj), "deletionGracePeriodSeconds")) &&
	    json_array_size(json_object_get(json_object_get(obj, "spec"), "finalizers")) == 0) {
		json_decref(obj);
		return ACT_DELETE; /* the last finalizer went: the object goes */
	}
	*next = obj;
	return ACT_WRITE;
}

/* Collects "unknown field" findings into a buf, comma separated. */
struct unknown_fields {
	struct request *req;
	struct buf *list; /* NULL: add Warning headers instead */
	size_t count;
};

static void ignore_path(const char *path, void *ctx)
{
	(void)path;
	(void)ctx;
}

static void unknown_field_found(const char *path, void *ctx)
{
	struct unknown_fields *u = ctx;
	const char *text = arena_printf(&u->req->arena, "unknown field \"%s\"", path);

	if (u->list)
		buf_printf(u->list, "%s%s", u->list->len ? ", " : "", text);
	else
		response_add_warning(u->req, text);
	u->count++;
}

/*
 * Drops the fields the kind's type does not know, as decoding into
 * kube-apiserver's Go structs does, reporting each by fieldValidation:
 * into list (Strict), as a Warning header (Warn) or not at all (Ignore).
 */
static size_t drop_unknown_fields(struct rest_call *call, json_t *obj,
				  enum patch_field_validation fv, struct buf *list)
{
	struct unknown_fields u = {call->req, fv == PATCH_FIELD_VALIDATION_STRICT ? list : NULL, 0};

	catalog_prune_unknown(
	    body_type(call), obj,
	    fv == PATCH_FIELD_VALIDATION_IGNORE ? ignore_path : unknown_field_found, &u);
	return u.count;
}

/*
 * fieldValidation on a create or update body: what a strict decoder
 * finds in it (duplicate fields in JSON, then fields the kind does not
 * have, in upstream's words) fails the request (Strict), becomes Warning
 * headers (Warn, the default) or is passed over (Ignore). Unknown fields
 * are dropped whatever the setting. False when it answered.
 */
static bool strict_findings(struct rest_call *call, json_t *obj, bool json_body)
{
	struct request *req = call->req;
	const char *v = route_param(&req->route, "fieldValidation");
	const char *options =
	    strcmp(req->route.verb, "create") == 0 ? "CreateOptions" : "UpdateOptions";
	enum patch_field_validation fv = PATCH_FIELD_VALIDATION_WARN;
	struct patch_reader rd;
	struct patch_result pr = {0};
	json_t *value = NULL;
	struct buf all = {0};

	if (v && strcmp(v, "Strict") == 0) {
		fv = PATCH_FIELD_VALIDATION_STRICT;
	} else if (v && strcmp(v, "Ignore") == 0) {
		fv = PATCH_FIELD_VALIDATION_IGNORE;
	} else if (v && *v && strcmp(v, "Warn") != 0) {
		rest_invalid_options(call, options, "fieldValidation", "FieldValueNotSupported",
				     arena_printf(&req->arena,
						  "Unsupported value: \"%s\": supported values: "
						  "\"Ignore\", \"Strict\", \"Warn\"",
						  v));
		return false;
	}
	if (json_body && fv != PATCH_FIELD_VALIDATION_IGNORE) {
		patch_reader_init(&rd, &req->arena, req->body.data ? req->body.data : "",
				  req->body.len, fv);
		if (patch_read_strategic(&rd, &pr, &value) == 0)
			patch_answer_success(&rd, &pr);
		else
			pr.num_strict_errors = 0;
		json_decref(value);
		patch_reader_free(&rd);
		for (size_t i = 0; i < pr.num_strict_errors; i++) {
			if (fv == PATCH_FIELD_VALIDATION_STRICT)
				buf_printf(&all, "%s%s", i ? ", " : "", pr.strict_errors[i]);
			else
				response_add_warning(req, pr.strict_errors[i]);
		}
	}
	drop_unknown_fields(call, obj, fv, &all);
	if (all.len) {
		response_send_status(
		    req, 400, "BadRequest",
		    arena_printf(&req->arena,
				 "%s in version \"%s\" cannot be handled as a %s: strict "
				 "decoding error: %s",
				 body_kind(call), body_version(call), body_kind(call), all.data));
		buf_free(&all);
		return false;
	}
	return true;
}

/*
 * A protobuf body: the "k8s\0" envelope around the kind's message, which
 * the catalog turns into the JSON the rest of the path works on. Bad bytes
 * are a 400 worded as upstream's decode errors.
 */
static json_t *read_protobuf(struct rest_call *call)
{
	struct request *req = call->req;
	const uint8_t *body = (const uint8_t *)(req->body.data ? req->body.data : "");
	struct proto_unknown u;
	const char *perr = NULL;
	char err[512];
	json_t *obj;

	if (proto_unwrap(&req->arena, body, req->body.len, &u, &perr) < 0) {
		snprintf(err, sizeof(err), "%s", perr);
		obj = NULL;
	} else {
		obj = proto_json_decode_object(u.api_version, u.kind, u.raw, u.raw_len, err,
					       sizeof(err), 0);
	}
	if (!obj)
		response_send_status(
		    req, 400, "BadRequest",
		    arena_printf(&req->arena, "%s in version \"%s\" cannot be handled as a %s: %s",
				 body_kind(call), body_version(call), body_kind(call), err));
	return obj;
}

json_t *rest_read_object(struct rest_call *call)
{
	struct request *req = call->req;
	const char *type = request_header(req, "Content-Type");
	const char *api_version = body_api_version(call);
	json_error_t jerr;
	json_t *obj, *meta;
	const char *kind, *version, *ns;

	size_t type_len = type ? strcspn(type, "; ") : 0;

	jerr.text[0] = '\0';
	if (type && type_len == strlen("application/yaml") &&
	    strncasecmp(type, "application/yaml", type_len) == 0) {
		char err[512];

		obj = yaml_to_json(req->body.data ? req->body.data : "", req->body.len, err,
				   sizeof(err));
		if (!obj) {
			response_send_status(req, 400, "BadRequest",
					     arena_strdup(&req->arena, err));
			return NULL;
		}
		if (json_is_object(obj) && !strict_findings(call, obj, false)) {
			json_decref(obj);
			return NULL;
		}
	} else if (type && type_len == strlen(PROTOBUF_MEDIA_TYPE) &&
		   strncasecmp(type, PROTOBUF_MEDIA_TYPE, type_len) == 0) {
		if (!(obj = read_protobuf(call)))
			return NULL;
	} else if (type && !(type_len == strlen("application/json") &&
			     strncasecmp(type, "application/json", type_len) == 0)) {
		response_send_status(
		    req, 415, "UnsupportedMediaType",
		    arena_printf(
			&req->arena,
			"the body of the request was in an unknown format - accepted media "
			"types include: application/json, application/yaml, "
			"application/vnd.kubernetes.protobuf"));
		return NULL;
	} else {
		obj = json_loadb(req->body.data ? req->body.data : "", req->body.len, 0, &jerr);
		if (json_is_object(obj) && !strict_findings(call, obj, true)) {
			json_decref(obj);
			return NULL;
		}
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		response_send_status(
		    req, 400, "BadRequest",
		    arena_printf(&req->arena, "json: cannot parse the body: %s", jerr.text));
		return NULL;
	}
	/* As upstream's decoder: what the body leaves out, the URL's kind
	 * and version fill in; what it says must agree with them. */
	kind = json_string_value(json_object_get(obj, "kind"));
	version = json_string_value(json_object_get(obj, "apiVersion"));
	if (!kind || !*kind) {
		kind = body_kind(call);
		json_object_set_new(obj, "kind", json_string(kind));
	}
	if (!version || !*version) {
		version = api_version;
		json_object_set_new(obj, "apiVersion", json_string(version));
	}
	if (strcmp(kind, body_kind(call)) != 0 || strcmp(version, api_version) != 0) {
		response_send_status(
		    req, 400, "BadRequest",
		    arena_printf(&req->arena,
				 "the API version in the data (%s) does not match the expected API "
				 "version (%s)",
				 version, api_version));
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

void rest_update(struct rest_call *call)
{
	struct request *req = call->req;
	json_t *obj, *meta;
	const char *name, *rv;
	char *end;

	if (!rest_parse_dry_run(call, "UpdateOptions") ||
	    !read_field_manager(call, "UpdateOptions") || !(obj = rest_read_object(call)))
		return;
	defaults_apply_object(obj);
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
		rest_invalid(
		    call, call->key.name, "metadata.resourceVersion",
		    arena_printf(&req->arena, "Invalid value: \"%s\": must be a number", rv));
		json_decref(obj);
		return;
	}
	if (!call->expected_rv && strategy_of(call->rt)->needs_resource_version) {
		json_decref(obj);
		response_send_status_details(
		    req, 422, "Invalid",
		    arena_printf(&req->arena,
				 "%s \"%s\" is invalid: metadata.resourceVersion: Invalid value: "
				 "0x0: must be specified for an update",
				 rest_qualified(call), call->key.name),
		    json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "name", call->key.name,
			      "group", call->rt->group, "kind", call->rt->resource, "causes",
			      "reason", "FieldValueInvalid", "message",
			      "Invalid value: 0x0: must be specified for an update", "field",
			      "metadata.resourceVersion"));
		return;
	}
	call->body = obj;
	call->ok_status = 200;
	rmw_start(call);
}

/* ---- patch ---- */

void rest_patch(struct rest_call *call)
{
	struct request *req = call->req;
	const char *type = request_header(req, "Content-Type");
	const char *validation = route_param(&req->route, "fieldValidation");
	size_t len;

	if (!rest_parse_dry_run(call, "PatchOptions") || !read_field_manager(call, "PatchOptions"))
		return;
	type = type ? type : "";
	len = strcspn(type, "; ");
	if (len == strlen("application/json-patch+json") &&
	    strncasecmp(type, "application/json-patch+json", len) == 0) {
		call->patch_type = "json";
	} else if (len == strlen("application/merge-patch+json") &&
		   strncasecmp(type, "application/merge-patch+json", len) == 0) {
		call->patch_type = "merge";
	} else if (len == strlen("application/strategic-merge-patch+json") &&
		   strncasecmp(type, "application/strategic-merge-patch+json", len) == 0 &&
		   strategic_patch_root_type(body_api_version(call), body_kind(call))) {
		call->patch_type = "strategic";
	} else if (len == strlen("application/apply-patch+yaml") &&
		   strncasecmp(type, "application/apply-patch+yaml", len) == 0 &&
		   !*call->subresource) {
		call->patch_type = "apply";
	} else {
		/* Upstream's list of the resource's patch types (custom resources
		 * have no strategic merge patch). Server-side apply to subresources
		 * is not built yet: answered as an unknown type. */
		response_send_status(
		    req, 415, "UnsupportedMediaType",
		    arena_printf(&req->arena,
				 "the body of the request was in an unknown format - accepted "
				 "media types include: application/json-patch+json, "
				 "application/merge-patch+json, %sapplication/apply-patch+yaml",
				 strategic_patch_root_type(body_api_version(call), body_kind(call))
				     ? "application/strategic-merge-patch+json, "
				     : ""));
		return;
	}
	if (strcmp(call->patch_type, "apply") == 0) {
		const char *manager = route_param(&req->route, "fieldManager");
		const char *force = route_param(&req->route, "force");

		/* ValidatePatchOptions: controllers must name themselves */
		if (!manager || !*manager) {
			rest_invalid_options(call, "PatchOptions", "fieldManager",
					     "FieldValueRequired",
					     "Required value: is required for apply patch");
			return;
		}
		call->force = force && (strcmp(force, "true") == 0 || strcmp(force, "1") == 0 ||
					strcmp(force, "True") == 0 || strcmp(force, "TRUE") == 0 ||
					strcmp(force, "t") == 0 || strcmp(force, "T") == 0);
	} else if (route_param(&req->route, "force")) {
		rest_invalid_options(call, "PatchOptions", "force", "FieldValueForbidden",
				     "Forbidden: may not be specified for non-apply patch");
		return;
	}
	if (!validation || !*validation || strcmp(validation, "Warn") == 0) {
		call->field_validation = PATCH_FIELD_VALIDATION_WARN;
	} else if (strcmp(validation, "Strict") == 0) {
		call->field_validation = PATCH_FIELD_VALIDATION_STRICT;
	} else if (strcmp(validation, "Ignore") == 0) {
		call->field_validation = PATCH_FIELD_VALIDATION_IGNORE;
	} else {
		rest_invalid_options(
		    call, "PatchOptions", "fieldValidation", "FieldValueNotSupported",
		    arena_printf(&req->arena,
				 "Unsupported value: \"%s\": supported values: \"Ignore\", "
				 "\"Strict\", \"Warn\"",
				 validation));
		return;
	}
	call->ok_status = 200;
	rmw_start(call);
}

/* ---- create ---- */

static void created(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;

	switch (service_alloc_written(call, res)) {
	case SERVICE_ALLOC_RETRYING:
		return;
	case SERVICE_ALLOC_FAILED:
		finish_error(call, NULL);
		return;
	case SERVICE_ALLOC_NOT_MINE:
		break;
	}
	if (res->status != STORE_OK)
		rest_status_from_store(call, res);
	else
		rest_send_object(call, 201, res->object);
}

static void create_write(struct rest_call *call)
{
	struct arena *a = &call->req->arena;
	char *json;

	if (!authz_rbac_write_allowed(call, call->body, NULL) ||
	    !node_authz_admit(call, call->body, NULL)) {
		finish_error(call, NULL);
		return;
	}
	if (is_core(call, "services")) {
		switch (service_alloc_create(call, call->body, create_write)) {
		case SERVICE_ALLOC_PENDING:
			return;
		case SERVICE_ALLOC_ERROR:
			finish_error(call, NULL);
			return;
		case SERVICE_ALLOC_OK:
			break;
		}
	}
	if (!quantities_canonical(call, call->body) || !object_valid(call, call->body, NULL)) {
		finish_error(call, NULL);
		return;
	}
	json = json_dumps(call->body, JSON_COMPACT);
	const char *uid =
	    arena_strdup(a, json_string_value(json_object_get(meta_of(call->body), "uid")));
	const char *text = arena_strdup(a, json);

	/* Answering frees the call: nothing of it is used after. */
	free(json);
	json_decref(call->body);
	call->body = NULL;
	if (call->dry_run)
		rest_send_object(call, 201, text);
	else
		store_create(call->req->worker->pg, &call->key, uid, text, created, call);
}

static void namespace_checked(void *ctx, const struct store_result *res)
{
	struct rest_call *call = ctx;
	struct request *req = call->req;
	json_t *ns;

	/* Answering frees the request, call included: drop the body first. */
	if (res->status == STORE_NOT_FOUND) {
		json_decref(call->body);
		response_send_status_details(
		    req, 404, "NotFound",
		    arena_printf(&req->arena, "namespaces \"%s\" not found", req->route.namespace),
		    json_pack("{s:s, s:s}", "name", req->route.namespace, "kind", "namespaces"));
		return;
	}
	if (res->status != STORE_OK) {
		json_decref(call->body);
		rest_status_from_store(call, res);
		return;
	}
	ns = json_loads(res->object, 0, NULL);
	if (json_object_get(meta_of(ns), "deletionTimestamp")) {
		json_decref(ns);
		json_decref(call->body);
		response_send_status_details(
		    req, 403, "Forbidden",
		    arena_printf(&req->arena,
				 "%s \"%s\" is forbidden: unable to create new content in "
				 "namespace %s because it is being terminated",
				 rest_qualified(call), call->key.name, req->route.namespace),
		    json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "name", call->key.name, "kind",
			      call->rt->resource, "causes", "reason", "NamespaceTerminating",
			      "message",
			      arena_printf(&req->arena, "namespace %s is being terminated",
					   req->route.namespace),
			      "field", "metadata.namespace"));
		return;
	}
	json_decref(ns);
	create_write(call);
}

/* What the namespace strategy sets on create: the "kubernetes" finalizer,
 * phase Active, and the kubernetes.io/metadata.name label. */
static void namespace_defaults(json_t *ns, const char *name)
{
	json_t *meta = meta_of(ns), *spec = json_object_get(ns, "spec"), *fin, *labels, *v;
	bool has = false;
	size_t i;

	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(ns, "spec", spec);
	}
	fin = json_object_get(spec, "finalizers");
	if (!json_is_array(fin)) {
		fin = json_array();
		json_object_set_new(spec, "finalizers", fin);
	}
	json_array_foreach(fin, i, v) has =
	    has || (json_is_string(v) && strcmp(json_string_value(v), "kubernetes") == 0);
	if (!has)
		json_array_append_new(fin, json_string("kubernetes"));
	json_object_set_new(ns, "status", json_pack("{s:s}", "phase", "Active"));
	labels = json_object_get(meta, "labels");
	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(meta, "labels", labels);
	}
	json_object_set_new(labels, "kubernetes.io/metadata.name", json_string(name));
}

static void create_object(struct rest_call *call, json_t *obj);

void rest_create(struct rest_call *call)
{
	json_t *obj;

	if (!rest_parse_dry_run(call, "CreateOptions") ||
	    !read_field_manager(call, "CreateOptions") || !(obj = rest_read_object(call)))
		return;
	/* Defaults before names and validation, as upstream decodes them in. */
	defaults_apply_object(obj);
	/* The reviews are answered, never stored. */
	if (authz_review_create(call, obj) || authn_review_create(call, obj))
		return;
	create_object(call, obj);
}

/*
 * Creates obj (defaulted, its namespace set): names it, records its
 * managers (unless an apply did), and writes it once its namespace is
 * found to exist and not be terminating. Takes obj.
 */
static void create_object(struct rest_call *call, json_t *obj)
{
	struct request *req = call->req;
	json_t *meta;
	const char *name, *generate;
	char uid[UUID_STRING_LEN], now[TIMESTAMP_RFC3339_SIZE];

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
		rest_invalid(call, "", "metadata.name",
			     "Required value: name or generateName is required");
		json_decref(obj);
		return;
	}
	if (json_object_get(meta, "resourceVersion") &&
	    json_string_length(json_object_get(meta, "resourceVersion")) > 0) {
		rest_invalid(
		    call, call->key.name, "metadata.resourceVersion",
		    "Invalid value: resourceVersion should not be set on objects to be created");
		json_decref(obj);
		return;
	}
	if (!call->applying)
		track_managed_fields(call, NULL, obj);
	uuid_v4(uid);
	now_rfc3339(now, 0);
	json_object_set_new(meta, "uid", json_string(uid));
	json_object_set_new(meta, "creationTimestamp", json_string(now));
	json_object_del(meta, "deletionTimestamp");
	json_object_del(meta, "deletionGracePeriodSeconds");
	json_object_del(meta, "resourceVersion");
	json_object_del(meta, "generation");
	if (strategy_of(call->rt)->generation)
		json_object_set_new(meta, "generation", json_integer(1));
	if (is_core(call, "namespaces"))
		namespace_defaults(obj, name);
	{
		struct strategy_request sr = {now, &req->user};

		strategy_prepare_create(call->rt->group, call->rt->resource, obj, &sr);
	}
	call->body = obj;
	call->ok_status = 201;
	if (call->rt->namespaced) {
		struct store_key ns = {"", "namespaces", "", req->route.namespace};

		store_get(req->worker->pg, &ns, namespace_checked, call);
		return;
	}
	create_write(call);
}

/* An apply to an object that does not exist creates it (upstream's
 * applyPatcher.createNewObject: the body applied to an empty object). */
static void apply_create(struct rest_call *call)
{
	json_t *obj = apply_object(call, NULL);

	if (!obj) {
		finish_error(call, NULL);
		return;
	}
	call->applying = true;
	call->ok_status = 201;
	create_object(call, obj);
}

/* ---- delete ---- */

static void add_finalizer(json_t *meta, const char *name)
{
	json_t *list = json_object_get(meta, "finalizers");
	size_t i;
	json_t *v;

	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(meta, "finalizers", list);
	}
	json_array_foreach(list, i, v) if (json_is_string(v) &&
					   strcmp(json_string_value(v), name) == 0) return;
	json_array_append_new(list, json_string(name));
}

/* How long a pod bound to a node is given to stop; -1 = delete at once. */
static int64_t pod_grace(struct rest_call *call, json_t *pod)
{
	json_t *spec = json_object_get(pod, "spec");
	const char *node = json_string_value(json_object_get(spec, "nodeName"));
	const char *phase =
	    json_string_value(json_object_get(json_object_get(pod, "status"), "phase"));
	int64_t grace = call->grace_seconds;

	if (grace == GRACE_UNSET) {
		json_t *g = json_object_get(spec, "terminationGracePeriodSeconds");

		grace = json_is_integer(g) ? json_integer_value(g) : 0;
	}
	/* Never scheduled, or finished: nothing runs that needs time to stop. */
	if (!node || !*node ||
	    (phase && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0)))
		return -1;
	if (grace < 0)
		return 1;
	return grace > 0 ? grace : -1;
}

static void remove_finalizer(json_t *meta, const char *name)
{
	json_t *list = json_object_get(meta, "finalizers");

	for (size_t i = json_array_size(list); i-- > 0;)
		if (strcmp(json_string_value(json_array_get(list, i)) ?: "", name) == 0)
			json_array_remove(list, i);
}

/* The garbage collector's finalizers, as the propagation policy (or the
 * kind's default, Orphan for jobs and replication controllers) asks. */
static void propagation_finalizers(struct rest_call *call, json_t *meta)
{
	const char *policy = call->propagation;

	if (!policy) {
		if (!strategy_of(call->rt)->orphan_by_default)
			return;
		policy = "Orphan";
	}
	remove_finalizer(meta, "orphan");
	remove_finalizer(meta, "foregroundDeletion");
	if (strcmp(policy, "Orphan") == 0)
		add_finalizer(meta, "orphan");
	else if (strcmp(policy, "Foreground") == 0)
		add_finalizer(meta, "foregroundDeletion");
	if (json_array_size(json_object_get(meta, "finalizers")) == 0)
		json_object_del(meta, "finalizers");
}

static enum action delete_transform(struct rest_call *call, json_t *current, json_t **next)
{
	struct arena *a = &call->req->arena;
	json_t *obj, *meta, *cur_meta = meta_of(current);
	const char *uid = json_string_value(json_object_get(cur_meta, "uid"));
	const char *rv = json_string_value(json_object_get(cur_meta, "resourceVersion"));
	int64_t grace = -1;
	char stamp[TIMESTAMP_RFC3339_SIZE];

	if (!node_authz_admit(call, NULL, current))
		return ACT_ERROR;
	if (call->expected_uid && (!uid || strcmp(call->expected_uid, uid) != 0)) {
		set_error(
		    call, 409, "Conflict",
		    arena_printf(a,
				 "Operation cannot be fulfilled on %s \"%s\": the UID in the "
				 "precondition (%s) does not match the UID in record (%s). The "
				 "object might have been deleted and then recreated",
				 qualified_kind(call), call->key.name, call->expected_uid,
				 uid ? uid : ""),
		    json_pack("{s:s, s:s}", "name", call->key.name, "kind", call->rt->kind));
		return ACT_ERROR;
	}
	if (call->expected_rv && call->expected_rv != call->current_rv) {
		set_error(
		    call, 409, "Conflict",
		    arena_printf(a,
				 "Operation cannot be fulfilled on %s \"%s\": the "
				 "ResourceVersion in the precondition (%lld) does not match the "
				 "ResourceVersion in record (%s). The object might have been "
				 "modified",
				 qualified_kind(call), call->key.name, (long long)call->expected_rv,
				 rv ? rv : ""),
		    json_pack("{s:s, s:s}", "name", call->key.name, "kind", call->rt->kind));
		return ACT_ERROR;
	}
	obj = json_deep_copy(current);
	meta = meta_of(obj);
	propagation_finalizers(call, meta);
	if (is_core(call, "namespaces") &&
	    json_array_size(json_object_get(json_object_get(obj, "spec"), "finalizers")) > 0) {
		/* Terminating until the namespace's content is gone (see
		 * master/namespaces.c) and its finalizers are removed. */
		if (!json_object_get(meta, "deletionTimestamp")) {
			now_rfc3339(stamp, 0);
			json_object_set_new(meta, "deletionTimestamp", json_string(stamp));
			json_object_set_new(obj, "status",
					    json_pack("{s:s}", "phase", "Terminating"));
		}
		goto done;
	}
	if (is_core(call, "pods"))
		grace = pod_grace(call, current);
	if (!has_finalizers(obj) && grace < 0) {
		json_decref(obj);
		return ACT_DELETE;
	}
	if (!json_object_get(meta, "deletionTimestamp") &&
	    json_integer_value(json_object_get(meta, "generation")) > 0)
		json_object_set_new(
		    meta, "generation",
		    json_integer(json_integer_value(json_object_get(meta, "generation")) + 1));
	if (grace >= 0) {
		json_t *old = json_object_get(meta, "deletionGracePeriodSeconds");

		/* A second delete may shorten the grace period, never lengthen it. */
		if (!json_is_integer(old) || json_integer_value(old) > grace) {
			now_rfc3339(stamp, grace);
			json_object_set_new(meta, "deletionTimestamp", json_string(stamp));
			json_object_set_new(meta, "deletionGracePeriodSeconds",
					    json_integer(grace));
		}
	} else if (!json_object_get(meta, "deletionTimestamp")) {
		now_rfc3339(stamp, 0);
		json_object_set_new(meta, "deletionTimestamp", json_string(stamp));
		json_object_set_new(meta, "deletionGracePeriodSeconds", json_integer(0));
	}
done:
	if (json_equal(obj, current)) {
		json_decref(obj);
		return ACT_UNCHANGED;
	}
	*next = obj;
	return ACT_WRITE;
}

/* ---- server-side apply ---- */

/* The group and version of an apiVersion, as Go's ParseGroupVersion. */
static void split_api_version(struct arena *a, const char *av, const char **group,
			      const char **version)
{
	const char *slash = strchr(av, '/');

	if (!slash) {
		*group = "";
		*version = av;
	} else if (strchr(slash + 1, '/')) {
		*group = *version = ""; /* unparseable: the empty GroupVersion */
	} else {
		*group = arena_printf(a, "%.*s", (int)(slash - av), av);
		*version = slash + 1;
	}
}

/*
 * The apply body: a YAML (or JSON) object of the URL's kind and version,
 * without managedFields, as upstream's applyPatcher and the field
 * manager's version check want it; NULL when the call's error is set.
 */
static json_t *apply_config(struct rest_call *call)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	char err[512];
	json_t *config =
	    yaml_to_json(req->body.data ? req->body.data : "", req->body.len, err, sizeof(err));
	const char *av, *kind, *group, *version;
	json_t *mf;

	if (!config) {
		set_error(call, 400, "BadRequest", arena_printf(a, "error decoding YAML: %s", err),
			  NULL);
		return NULL;
	}
	if (!json_is_object(config)) {
		json_decref(config);
		set_error(call, 400, "BadRequest", "error decoding YAML: the body is not an object",
			  NULL);
		return NULL;
	}
	av = json_string_value(json_object_get(config, "apiVersion"));
	kind = json_string_value(json_object_get(config, "kind"));
	split_api_version(a, av ? av : "", &group, &version);
	if (!kind || strcmp(kind, call->rt->kind) != 0 || strcmp(group, call->rt->group) != 0 ||
	    strcmp(version, call->rt->version) != 0) {
		/* versionCheckManager: the GroupVersionKind as Go prints it */
		set_error(call, 400, "BadRequest",
			  arena_printf(a, "invalid object type: %s/%s, Kind=%s", group, version,
				       kind ? kind : ""),
			  NULL);
		json_decref(config);
		return NULL;
	}
	mf = json_object_get(json_object_get(config, "metadata"), "managedFields");
	if (mf && !json_is_null(mf)) {
		set_error(call, 400, "BadRequest", "metadata.managedFields must be nil", NULL);
		json_decref(config);
		return NULL;
	}
	{
		struct buf unknown = {0};

		if (drop_unknown_fields(call, config, call->field_validation, &unknown) &&
		    call->field_validation == PATCH_FIELD_VALIDATION_STRICT) {
			set_error(call, 422, "Invalid",
				  arena_printf(a, "strict decoding error: %s", unknown.data), NULL);
			buf_free(&unknown);
			json_decref(config);
			return NULL;
		}
		buf_free(&unknown);
	}
	return config;
}

/*
 * The object after applying the body to live (NULL: to nothing), with
 * its managedFields and defaults, its name and namespace checked as
 * upstream's checkName; NULL when the call's error is set.
 */
static json_t *apply_object(struct rest_call *call, json_t *live)
{
	struct arena *a = &call->req->arena;
	char now[TIMESTAMP_RFC3339_SIZE], err[512];
	static const char *const status_path[] = {"f:status"};
	struct fieldset *ignored = fieldset_new();
	struct managed_update u = {
	    object_type(call), call->field_manager, rest_api_version(call), "", now, NULL,
	};
	struct managed_conflicts c;
	json_t *config = apply_config(call), *obj = NULL;
	const char *name, *ns;
	int rc;

	if (!config) {
		fieldset_free(ignored);
		return NULL;
	}
	/* The main resource's strategy resets the status: nobody owns it there. */
	if (has_status_subresource(call->rt)) {
		fieldset_insert(ignored, status_path, 1);
		u.ignored = ignored;
	}
	now_rfc3339(now, 0);
	rc = managed_fields_apply(&u, live, config, call->force, &obj, &c, err, sizeof(err));
	fieldset_free(ignored);
	if (rc == 1) {
		set_error(call, 409, "Conflict", arena_strdup(a, c.message),
			  json_pack("{s:O}", "causes", c.causes));
		managed_conflicts_free(&c);
		json_decref(config);
		return NULL;
	}
	if (rc < 0) {
		const char *cname = json_string_value(json_object_get(meta_of(config), "name"));
		const char *cns = json_string_value(json_object_get(meta_of(config), "namespace"));

		/* upstream's typed conversion error (objectGVKNN names the object) */
		set_error(
		    call, 500, "InternalError",
		    arena_printf(a,
				 "failed to create typed patch object (%s/%s; %s/%s, Kind=%s): "
				 "%s",
				 cns ? cns : "", cname ? cname : "", call->rt->group,
				 call->rt->version, call->rt->kind, err),
		    NULL);
		json_decref(config);
		return NULL;
	}
	json_decref(config);
	defaults_apply_object(obj);
	name = json_string_value(json_object_get(meta_of(obj), "name"));
	ns = json_string_value(json_object_get(meta_of(obj), "namespace"));
	if (!name || strcmp(name, call->key.name) != 0) {
		set_error(call, 400, "BadRequest",
			  arena_printf(a,
				       "the name of the object (%s) does not match the name on the "
				       "URL (%s)",
				       name ? name : "", call->key.name),
			  NULL);
		json_decref(obj);
		return NULL;
	}
	if (call->rt->namespaced) {
		if (ns && *ns && strcmp(ns, call->key.namespace) != 0) {
			set_error(
			    call, 400, "BadRequest",
			    arena_printf(a,
					 "the namespace of the object (%s) does not match the "
					 "namespace on the request (%s)",
					 ns, call->key.namespace),
			    NULL);
			json_decref(obj);
			return NULL;
		}
		json_object_set_new(meta_of(obj), "namespace", json_string(call->key.namespace));
	} else {
		json_object_del(meta_of(obj), "namespace");
	}
	return obj;
}

/* An apply to an existing object: an update whose body is the applied result. */
static enum action apply_transform(struct rest_call *call, json_t *current, json_t **next)
{
	json_t *obj = apply_object(call, current);
	enum action act;

	if (!obj)
		return ACT_ERROR;
	if (stale_precondition(call, obj, current)) {
		json_decref(obj);
		return ACT_ERROR;
	}
	call->body = obj;
	call->applying = true;
	act = update_transform(call, current, next);
	call->applying = false;
	json_decref(call->body);
	call->body = NULL;
	return act;
}

/* The patch applied to the current state, then handled as an update with
 * the result as its body. */
static enum action patch_transform(struct rest_call *call, json_t *current, json_t **next)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	struct patch_result pr;
	json_t *patched;
	const char *name;
	const char *body = req->body.data ? req->body.data : "";
	enum action act;
	json_t *base;

	if (strcmp(call->patch_type, "apply") == 0)
		return apply_transform(call, current, next);
	/* A patch to /scale applies to the Scale view of the object. */
	base = rest_is_scale(call) ? rest_scale_of(call, current) : json_incref(current);
	if (strcmp(call->patch_type, "json") == 0)
		patched =
		    json_patch_apply(a, base, body, req->body.len, call->field_validation, &pr);
	else if (strcmp(call->patch_type, "strategic") == 0)
		patched = strategic_merge_patch_apply(
		    a, base, strategic_patch_root_type(body_api_version(call), body_kind(call)),
		    body, req->body.len, call->field_validation, &pr);
	else
		patched = json_merge_patch_apply(a, base, body, req->body.len,
						 call->field_validation, &pr);
	json_decref(base);
	if (!patched) {
		if (pr.detail && LOG_V(2))
			log_info("patch of %s %s/%s: %s", call->rt->resource, call->key.namespace,
				 call->key.name, pr.detail);
		set_error(call, pr.code, pr.reason, pr.message,
			  pr.code == 422 ? json_object() : NULL);
		return ACT_ERROR;
	}
	{
		/* Go strings may hold U+0000; PostgreSQL's jsonb cannot. */
		char *text = json_dumps(patched, JSON_COMPACT);
		bool nul = text && strstr(text, "\\u0000");

		free(text);
		if (nul) {
			json_decref(patched);
			set_error(call, 400, "BadRequest",
				  "the patched object holds a NUL character, which the storage "
				  "cannot keep",
				  NULL);
			return ACT_ERROR;
		}
	}
	if (!json_is_object(patched) || !json_is_object(meta_of(patched))) {
		json_decref(patched);
		set_error(call, 422, "Invalid",
			  arena_printf(a, "%s \"%s\" is invalid: the patch does not give an object",
				       call->rt->kind, call->key.name),
			  NULL);
		return ACT_ERROR;
	}
	for (size_t i = 0; i < pr.num_strict_errors; i++) {
		if (call->field_validation == PATCH_FIELD_VALIDATION_STRICT) {
			json_decref(patched);
			set_error(call, 422, "Invalid",
				  arena_printf(a, "strict decoding error: %s", pr.strict_errors[0]),
				  NULL);
			return ACT_ERROR;
		}
		response_add_warning(req, pr.strict_errors[i]);
	}
	{
		struct buf unknown = {0};

		if (drop_unknown_fields(call, patched, call->field_validation, &unknown) &&
		    call->field_validation == PATCH_FIELD_VALIDATION_STRICT) {
			json_decref(patched);
			set_error(call, 422, "Invalid",
				  arena_printf(a, "strict decoding error: %s", unknown.data), NULL);
			buf_free(&unknown);
			return ACT_ERROR;
		}
		buf_free(&unknown);
	}
	defaults_apply_object(patched);
	name = json_string_value(json_object_get(meta_of(patched), "name"));
	if (!name || strcmp(name, call->key.name) != 0) {
		json_decref(patched);
		set_error(call, 400, "BadRequest",
			  arena_printf(a,
				       "the name of the object (%s) does not match the name on the "
				       "URL (%s)",
				       name ? name : "", call->key.name),
			  NULL);
		return ACT_ERROR;
	}
	if (stale_precondition(call, patched, current)) {
		json_decref(patched);
		return ACT_ERROR;
	}
	if (call->rt->namespaced)
		json_object_set_new(meta_of(patched), "namespace",
				    json_string(call->key.namespace));
	call->body = patched;
	act = update_transform(call, current, next);
	json_decref(call->body);
	call->body = NULL;
	return act;
}

static enum action transform(struct rest_call *call, json_t *current, json_t **next)
{
	if (call->patch_type)
		return patch_transform(call, current, next);
	if (call->body)
		return update_transform(call, current, next);
	return delete_transform(call, current, next);
}

/* Reads DeleteOptions from the body and the query; false when it answered. */
static bool read_delete_options(struct rest_call *call)
{
	struct request *req = call->req;
	struct arena *a = &req->arena;
	const char *grace = route_param(&req->route, "gracePeriodSeconds");
	const char *policy = route_param(&req->route, "propagationPolicy");
	json_t *opts = NULL;

	call->grace_seconds = GRACE_UNSET;
	if (req->body.len) {
		json_t *pre, *g, *p;
		json_error_t jerr;

		opts = json_loadb(req->body.data, req->body.len, 0, &jerr);
		if (!json_is_object(opts)) {
			json_decref(opts);
			response_send_status(
			    req, 400, "BadRequest",
			    arena_printf(a, "json: cannot parse the body: %s", jerr.text));
			return false;
		}
		pre = json_object_get(opts, "preconditions");
		if (json_is_string(json_object_get(pre, "uid")))
			call->expected_uid =
			    arena_strdup(a, json_string_value(json_object_get(pre, "uid")));
		if (json_is_string(json_object_get(pre, "resourceVersion")))
			call->expected_rv = strtoll(
			    json_string_value(json_object_get(pre, "resourceVersion")), NULL, 10);
		g = json_object_get(opts, "gracePeriodSeconds");
		if (json_is_integer(g))
			call->grace_seconds = json_integer_value(g);
		p = json_object_get(opts, "propagationPolicy");
		if (json_is_string(p))
			policy = arena_strdup(a, json_string_value(p));
		if (json_is_array(json_object_get(opts, "dryRun"))) {
			json_t *v;
			size_t i;

			json_array_foreach(json_object_get(opts, "dryRun"), i, v)
			{
				if (!json_is_string(v) ||
				    strcmp(json_string_value(v), "All") != 0) {
					json_decref(opts);
					rest_invalid_options(call, "DeleteOptions", "dryRun",
							     "FieldValueNotSupported",
							     "Unsupported value: the dryRun "
							     "values: supported values: "
							     "\"All\"");
					return false;
				}
				call->dry_run = true;
			}
		}
		json_decref(opts);
	}
	if (grace && *grace)
		call->grace_seconds = strtoll(grace, NULL, 10);
	if (policy && *policy && strcmp(policy, "Orphan") != 0 &&
	    strcmp(policy, "Background") != 0 && strcmp(policy, "Foreground") != 0) {
		rest_invalid_options(
		    call, "DeleteOptions", "propagationPolicy", "FieldValueNotSupported",
		    arena_printf(a,
				 "Unsupported value: \"%s\": supported values: "
				 "\"Foreground\", \"Background\", \"Orphan\", \"nil\"",
				 policy));
		return false;
	}
	if (call->grace_seconds != GRACE_UNSET && call->grace_seconds < 0)
		call->grace_seconds = 1; /* as BeforeDelete: a negative grace period is 1 */
	call->propagation = policy && *policy ? policy : NULL;
	return true;
}

/*
 * What kube-apiserver refuses to delete, whether it exists or not: the
 * namespaces its NamespaceLifecycle admission keeps, and the system
 * PriorityClasses (their storage's Delete refuses them; deletecollection
 * goes past that check upstream, and so it does here).
 */
static const struct {
	const char *group, *resource, *name, *why;
} undeletable[] = {
    {"", "namespaces", "default", "this namespace may not be deleted"},
    {"", "namespaces", "kube-system", "this namespace may not be deleted"},
    {"", "namespaces", "kube-public", "this namespace may not be deleted"},
    {"scheduling.k8s.io", "priorityclasses", "system-node-critical",
     "this is a system priority class and cannot be deleted"},
    {"scheduling.k8s.io", "priorityclasses", "system-cluster-critical",
     "this is a system priority class and cannot be deleted"},
};

void rest_delete(struct rest_call *call)
{
	struct request *req = call->req;

	call->ok_status = 200;
	if (!rest_parse_dry_run(call, "DeleteOptions") || !read_delete_options(call))
		return;
	for (size_t i = 0; i < sizeof(undeletable) / sizeof(undeletable[0]); i++) {
		if (strcmp(undeletable[i].name, call->key.name) == 0 &&
		    strcmp(undeletable[i].resource, call->rt->resource) == 0 &&
		    strcmp(undeletable[i].group, call->rt->group) == 0) {
			response_send_status_details(
			    req, 403, "Forbidden",
			    arena_printf(&req->arena, "%s \"%s\" is forbidden: %s",
					 rest_qualified(call), call->key.name, undeletable[i].why),
			    rest_details(call));
			return;
		}
	}
	if (!call->propagation && strcmp(call->rt->resource, "jobs") == 0 &&
	    strcmp(call->rt->group, "batch") == 0)
		response_add_warning(req,
				     "child pods are preserved by default when jobs are "
				     "deleted; set propagationPolicy=Background to remove them "
				     "or set propagationPolicy=Orphan to suppress this warning");
	rmw_start(call);
}

/* ---- deletecollection ---- */

static void collection_answer(struct rest_call *parent)
{
	struct request *req = parent->req;
	json_t *list;

	if (parent->failed) {
		json_decref(parent->collected);
		response_send_status(req, 500, "InternalError",
				     "Internal error occurred: some objects could not be deleted");
		return;
	}
	list = json_pack("{s:s, s:s, s:{}, s:o}", "kind",
			 arena_printf(&req->arena, "%sList", parent->rt->kind), "apiVersion",
			 rest_api_version(parent), "metadata", "items", parent->collected);
	parent->collected = NULL;
	response_send_json(req, 200, list);
}

static void collection_item_done(struct rest_call *item, const char *object)
{
	struct rest_call *parent = item->parent;
	json_t *obj = object ? json_loads(object, 0, NULL) : NULL;

	if (obj)
		json_array_append_new(parent->collected, obj);
	if (--parent->pending == 0 && parent->listed)
		collection_answer(parent);
}

static void collection_listed(void *ctx, const struct store_result *res)
{
	struct rest_call *parent = ctx;
	struct arena *a = &parent->req->arena;

	if (res->status != STORE_OK) {
		json_decref(parent->collected);
		rest_status_from_store(parent, res);
		return;
	}
	parent->pending = 1; /* held until every item has been started */
	for (int i = 0; i < res->num_items; i++) {
		struct rest_call *item = arena_alloc(a, sizeof(*item));

		*item = *parent;
		item->parent = parent;
		item->collected = NULL;
		item->err = (struct rest_error){0};
		item->key.namespace = arena_strdup(a, res->items[i].namespace);
		item->key.name = arena_strdup(a, res->items[i].name);
		parent->pending++;
		rmw_start(item);
	}
	parent->listed = true;
	if (--parent->pending == 0)
		collection_answer(parent);
}

void rest_delete_collection(struct rest_call *call)
{
	struct request *req = call->req;
	struct store_list_options opts = {0};

	call->ok_status = 200;
	if (!rest_parse_dry_run(call, "DeleteOptions") || !read_delete_options(call))
		return;
	opts.group = call->rt->group;
	opts.resource = call->rt->resource;
	opts.namespace = *req->route.namespace ? req->route.namespace : NULL;
	if (!rest_add_selectors(call, &opts))
		return;
	call->collected = json_array();
	store_list(req->worker->pg, &opts, collection_listed, call);
}
