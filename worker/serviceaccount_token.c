/*
 * serviceaccount_token.c - TokenRequest: read the request, look up the
 * service account (and the object to bind to), check the expiration,
 * write the claims and sign them with the signing key.
 *
 * The token's JSON is what go-jose writes for kube-apiserver: the header
 * {"alg":...,"kid":...} and the claims with their keys sorted (the claims
 * pass through a Go map), "aud" always a list, times in whole seconds.
 */
#include "serviceaccount_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/authn_config.h"
#include "shared/buf.h"
#include "shared/jwt.h"
#include "shared/timestamp.h"
#include "shared/uuid.h"
#include "worker/rest_internal.h"
#include "worker/store.h"
#include "worker/worker.h"

#define GROUP "authentication.k8s.io"
#define KIND  "TokenRequest"

#define DEFAULT_EXPIRATION_SECONDS   3600
#define MIN_EXPIRATION_SECONDS	     600		    /* 10 minutes */
#define MAX_EXPIRATION_SECONDS	     (INT64_C(1) << 32)	    /* 2^32 */
#define WARN_ONLY_EXPIRATION_SECONDS 3607		    /* 60*60 + 7 */
#define EXTENDED_EXPIRATION_SECONDS  (INT64_C(365) * 86400) /* one year */

enum bound_kind { BOUND_NONE, BOUND_POD, BOUND_SECRET, BOUND_NODE };

struct token_request {
	struct rest_call *call;
	json_t *obj; /* the request, completed as it goes */
	int64_t now; /* seconds: iat, nbf, and the base of exp */
	int64_t expiration;
	const char *sa_name, *sa_uid;
	enum bound_kind bound;
	const char *bound_name, *bound_uid; /* the referenced object, as found */
	const char *ref_uid;		    /* the uid the reference asked for */
	const char *node_name, *node_uid;   /* a pod's node ("" uid: not found) */
};

static json_t *meta_of(json_t *obj)
{
	return json_object_get(obj, "metadata");
}

static const char *meta_string(json_t *obj, const char *field)
{
	const char *s = json_string_value(json_object_get(meta_of(obj), field));

	return s ? s : "";
}

/* errors.NewInvalid(TokenRequest.authentication.k8s.io, name, one field error). */
static void invalid(struct token_request *tr, const char *name, const char *field,
		    const char *message)
{
	struct request *req = tr->call->req;

	json_decref(tr->obj);
	tr->obj = NULL;
	response_send_status_details(
	    req, 422, "Invalid",
	    arena_printf(&req->arena, KIND "." GROUP " \"%s\" is invalid: %s: %s", name, field,
			 message),
	    json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "name", name, "group", GROUP, "kind",
		      KIND, "causes", "reason", "FieldValueInvalid", "message", message, "field",
		      field));
}

static void fail_status(struct token_request *tr, int code, const char *reason, const char *message,
			json_t *details)
{
	json_decref(tr->obj);
	tr->obj = NULL;
	response_send_status_details(tr->call->req, code, reason, message, details);
}

/* A get that failed: NotFound as the object's storage words it, else the store's error. */
static void get_failed(struct token_request *tr, const struct store_result *res,
		       const char *resource, const char *name)
{
	struct request *req = tr->call->req;

	if (res->status == STORE_NOT_FOUND) {
		fail_status(tr, 404, "NotFound",
			    arena_printf(&req->arena, "%s \"%s\" not found", resource, name),
			    json_pack("{s:s, s:s}", "name", name, "kind", resource));
		return;
	}
	json_decref(tr->obj);
	tr->obj = NULL;
	rest_status_from_store(tr->call, res);
}

/* ---- the token ---- */

static void add_ref(json_t *k8s, const char *field, const char *name, const char *uid)
{
	json_t *ref = json_object();

	if (name && *name)
		json_object_set_new(ref, "name", json_string(name));
	if (uid && *uid)
		json_object_set_new(ref, "uid", json_string(uid));
	json_object_set_new(k8s, field, ref);
}

/* claims.go Claims(): registered and kubernetes.io claims, keys sorted. */
static char *claims_json(struct token_request *tr, json_t *audiences, int64_t exp,
			 int64_t warn_after)
{
	struct request *req = tr->call->req;
	const char *ns = meta_string(tr->obj, "namespace");
	const char *issuer = authn_config.issuers.items[0];
	json_t *claims = json_object(), *k8s = json_object();
	char jti[UUID_STRING_LEN];
	char *text;

	uuid_v4(jti);
	if (json_array_size(audiences))
		json_object_set(claims, "aud", audiences);
	json_object_set_new(claims, "exp", json_integer(tr->now + exp));
	json_object_set_new(claims, "iat", json_integer(tr->now));
	json_object_set_new(claims, "iss", json_string(issuer));
	json_object_set_new(claims, "jti", json_string(jti));
	json_object_set_new(k8s, "namespace", json_string(ns));
	if (tr->bound == BOUND_POD && tr->node_name)
		add_ref(k8s, "node", tr->node_name, tr->node_uid);
	if (tr->bound == BOUND_NODE)
		add_ref(k8s, "node", tr->bound_name, tr->bound_uid);
	if (tr->bound == BOUND_POD)
		add_ref(k8s, "pod", tr->bound_name, tr->bound_uid);
	if (tr->bound == BOUND_SECRET)
		add_ref(k8s, "secret", tr->bound_name, tr->bound_uid);
	add_ref(k8s, "serviceaccount", tr->sa_name, tr->sa_uid);
	if (warn_after)
		json_object_set_new(k8s, "warnafter", json_integer(tr->now + warn_after));
	json_object_set_new(claims, "kubernetes.io", k8s);
	json_object_set_new(claims, "nbf", json_integer(tr->now));
	json_object_set_new(
	    claims, "sub",
	    json_string(arena_printf(&req->arena, "system:serviceaccount:%s:%s", ns, tr->sa_name)));
	text = json_dumps(claims, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(claims);
	return text;
}

/* Whether every audience is one of the API's (isKubeAudiences). */
static bool api_audiences_only(json_t *audiences)
{
	const struct authn_strings *api = &authn_config.audiences;
	json_t *v;
	size_t i;

	json_array_foreach(audiences, i, v)
	{
		bool found = false;

		for (size_t j = 0; j < api->len && !found; j++)
			found = strcmp(api->items[j], json_string_value(v) ?: "") == 0;
		if (!found)
			return false;
	}
	return true;
}

/* The metadata of the answer: the request's, in ObjectMeta's field order. */
static json_t *answer_metadata(json_t *meta)
{
	static const char *const order[] = {
	    "name",
	    "generateName",
	    "namespace",
	    "selfLink",
	    "uid",
	    "resourceVersion",
	    "generation",
	    "creationTimestamp",
	    "deletionTimestamp",
	    "deletionGracePeriodSeconds",
	    "labels",
	    "annotations",
	    "ownerReferences",
	    "finalizers",
	    "managedFields",
	};
	json_t *out = json_object();

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		json_t *v = json_object_get(meta, order[i]);

		if (v)
			json_object_set(out, order[i], v);
	}
	return out;
}

static void issue(struct token_request *tr)
{
	struct request *req = tr->call->req;
	json_t *spec = json_object_get(tr->obj, "spec"),
	       *audiences = json_object_get(spec, "audiences");
	json_t *ref = json_object_get(spec, "boundObjectRef"), *out_ref = json_null(), *answer;
	int64_t max = authn_config.max_expiration_seconds, exp, warn_after = 0;
	struct timestamp expires;
	char expires_text[TIMESTAMP_RFC3339_SIZE];
	struct buf token = {0};
	char *claims, header[128];

	if (max > 0 && tr->expiration > max) {
		response_add_warning(req, arena_printf(&req->arena,
						       "requested expiration of %lld seconds "
						       "shortened to %lld seconds",
						       (long long)tr->expiration, (long long)max));
		tr->expiration = max;
	}
	/* The transition of projected tokens: warn after the hour, fail after a year. */
	exp = tr->expiration;
	if (authn_config.extend_expiration && tr->bound == BOUND_POD &&
	    tr->expiration == WARN_ONLY_EXPIRATION_SECONDS && api_audiences_only(audiences)) {
		warn_after = exp;
		exp = EXTENDED_EXPIRATION_SECONDS;
	}
	claims = claims_json(tr, audiences, exp, warn_after);
	snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"kid\":\"%s\"}",
		 authn_config.signing_alg, authn_config.signing_kid);
	if (!claims || jwt_sign(&token, header, claims, authn_config.signing_key,
				authn_config.signing_alg) < 0) {
		free(claims);
		buf_free(&token);
		fail_status(tr, 500, "InternalError",
			    "Internal error occurred: failed to generate token: cannot sign", NULL);
		return;
	}
	free(claims);
	expires = timestamp_from_time((time_t)(tr->now + tr->expiration));
	timestamp_format(&expires, expires_text);
	if (json_is_object(ref)) {
		out_ref = json_object();
		for (const char *const *f =
			 (const char *const[]){"kind", "apiVersion", "name", "uid", NULL};
		     *f; f++) {
			const char *v = json_string_value(json_object_get(ref, *f));

			if (v && *v)
				json_object_set_new(out_ref, *f, json_string(v));
		}
	}
	answer = json_pack("{s:s, s:s, s:o, s:{s:O, s:I, s:o}, s:{s:s%, s:s}}", "kind", KIND,
			   "apiVersion", GROUP "/v1", "metadata", answer_metadata(meta_of(tr->obj)),
			   "spec", "audiences", audiences, "expirationSeconds",
			   (json_int_t)tr->expiration, "boundObjectRef", out_ref, "status", "token",
			   token.data, token.len, "expirationTimestamp", expires_text);
	buf_free(&token);
	json_decref(tr->obj);
	tr->obj = NULL;
	response_send_json(req, 201, answer);
}

/* ---- the bound object ---- */

/* A reference's uid against the object found: 409 when they differ. */
static bool bound_uid_matches(struct token_request *tr, const char *kind)
{
	struct request *req = tr->call->req;

	if (!*tr->ref_uid || strcmp(tr->ref_uid, tr->bound_uid) == 0)
		return true;
	fail_status(tr, 409, "Conflict",
		    arena_printf(&req->arena,
				 "Operation cannot be fulfilled on %s \"%s\": the UID in the bound "
				 "object reference (%s) does not match the UID in record. The "
				 "object might have been deleted and then recreated",
				 kind, tr->bound_name, tr->ref_uid),
		    json_pack("{s:s, s:s}", "name", tr->bound_name, "kind", kind));
	return false;
}

static void node_of_pod_read(void *ctx, const struct store_result *res)
{
	struct token_request *tr = ctx;
	struct request *req = tr->call->req;
	json_t *node;

	if (res->status == STORE_NOT_FOUND) {
		/* A missing node still names itself in the claims, without a uid. */
		tr->node_uid = "";
		issue(tr);
		return;
	}
	if (res->status != STORE_OK) {
		json_decref(tr->obj);
		tr->obj = NULL;
		rest_status_from_store(tr->call, res);
		return;
	}
	node = json_loads(res->object, 0, NULL);
	tr->node_uid = arena_strdup(&req->arena, meta_string(node, "uid"));
	json_decref(node);
	issue(tr);
}

static void bound_object_read(void *ctx, const struct store_result *res)
{
	static const char *const resources[] = {
	    [BOUND_POD] = "pods", [BOUND_SECRET] = "secrets", [BOUND_NODE] = "nodes"};
	static const char *const kinds[] = {
	    [BOUND_POD] = "Pod", [BOUND_SECRET] = "Secret", [BOUND_NODE] = "Node"};
	struct token_request *tr = ctx;
	struct request *req = tr->call->req;
	json_t *obj;
	const char *sa_of_pod, *node_name;

	if (res->status != STORE_OK) {
		get_failed(tr, res, resources[tr->bound], tr->bound_name);
		return;
	}
	obj = json_loads(res->object, 0, NULL);
	tr->bound_uid = arena_strdup(&req->arena, meta_string(obj, "uid"));
	sa_of_pod =
	    json_string_value(json_object_get(json_object_get(obj, "spec"), "serviceAccountName"));
	node_name = json_string_value(json_object_get(json_object_get(obj, "spec"), "nodeName"));
	node_name = node_name ? arena_strdup(&req->arena, node_name) : NULL;
	/* A pod stored without a service account runs as "default" (the
	 * ServiceAccount admission plugin sets it upstream). */
	if (tr->bound == BOUND_POD &&
	    strcmp(sa_of_pod && *sa_of_pod ? sa_of_pod : "default", tr->sa_name) != 0) {
		json_decref(obj);
		fail_status(
		    tr, 400, "BadRequest",
		    arena_printf(&req->arena,
				 "cannot bind token for serviceaccount \"%s\" to pod running "
				 "with different serviceaccount name.",
				 tr->sa_name),
		    NULL);
		return;
	}
	json_decref(obj);
	if (!bound_uid_matches(tr, kinds[tr->bound]))
		return;
	if (tr->bound == BOUND_POD && node_name && *node_name) {
		struct store_key key = {"", "nodes", "", node_name};

		tr->node_name = node_name;
		store_get(req->worker->pg, &key, node_of_pod_read, tr);
		return;
	}
	issue(tr);
}

/* schema.FromAPIVersionAndKind(...).String(): "group/version, Kind=kind". */
static const char *gvk_text(struct arena *a, const char *api_version, const char *kind)
{
	const char *slash = strchr(api_version, '/');

	if (!*api_version)
		return arena_printf(a, "/, Kind=%s", kind);
	if (!slash)
		return arena_printf(a, "/%s, Kind=%s", api_version, kind);
	if (strchr(slash + 1, '/'))
		return arena_printf(a, "/, Kind=%s", kind);
	return arena_printf(a, "%s, Kind=%s", api_version, kind);
}

/* The boundObjectRef: starts its lookup, or issues the token when there is none. */
static void bind(struct token_request *tr)
{
	struct request *req = tr->call->req;
	json_t *ref = json_object_get(json_object_get(tr->obj, "spec"), "boundObjectRef");
	const char *kind, *api_version, *slash;
	struct store_key key = {"", NULL, "", NULL};
	bool core;

	if (!json_is_object(ref)) {
		issue(tr);
		return;
	}
	kind = json_string_value(json_object_get(ref, "kind")) ?: "";
	api_version = json_string_value(json_object_get(ref, "apiVersion")) ?: "";
	slash = strchr(api_version, '/');
	/* The group of the reference's apiVersion must be core ("v1", or none). */
	core = !slash || strchr(slash + 1, '/');
	tr->bound_name =
	    arena_strdup(&req->arena, json_string_value(json_object_get(ref, "name")) ?: "");
	tr->ref_uid =
	    arena_strdup(&req->arena, json_string_value(json_object_get(ref, "uid")) ?: "");
	if (core && strcmp(kind, "Pod") == 0) {
		tr->bound = BOUND_POD;
		key = (struct store_key){"", "pods", meta_string(tr->obj, "namespace"),
					 tr->bound_name};
	} else if (core && strcmp(kind, "Secret") == 0) {
		tr->bound = BOUND_SECRET;
		key = (struct store_key){"", "secrets", meta_string(tr->obj, "namespace"),
					 tr->bound_name};
	} else if (core && strcmp(kind, "Node") == 0) {
		tr->bound = BOUND_NODE;
		key = (struct store_key){"", "nodes", "", tr->bound_name};
	} else {
		fail_status(tr, 400, "BadRequest",
			    arena_printf(&req->arena, "cannot bind token to object of type %s",
					 gvk_text(&req->arena, api_version, kind)),
			    NULL);
		return;
	}
	store_get(req->worker->pg, &key, bound_object_read, tr);
}

/* ---- the service account ---- */

static void service_account_read(void *ctx, const struct store_result *res)
{
	struct token_request *tr = ctx;
	struct request *req = tr->call->req;
	json_t *sa, *meta = meta_of(tr->obj), *spec;

	if (res->status != STORE_OK) {
		get_failed(tr, res, "serviceaccounts", tr->call->key.name);
		return;
	}
	sa = json_loads(res->object, 0, NULL);
	tr->sa_name = arena_strdup(&req->arena, meta_string(sa, "name"));
	tr->sa_uid = arena_strdup(&req->arena, meta_string(sa, "uid"));
	json_decref(sa);

	/* Unset audiences default to the API's; name and namespace to the account's. */
	spec = json_object_get(tr->obj, "spec");
	if (!json_array_size(json_object_get(spec, "audiences"))) {
		json_t *list = json_array();

		for (size_t i = 0; i < authn_config.audiences.len; i++)
			json_array_append_new(list, json_string(authn_config.audiences.items[i]));
		json_object_set_new(spec, "audiences", list);
	}
	if (!*meta_string(tr->obj, "name"))
		json_object_set_new(meta, "name", json_string(tr->sa_name));
	tr->now = (int64_t)time(NULL);
	{
		struct timestamp now = timestamp_from_time((time_t)tr->now);
		char text[TIMESTAMP_RFC3339_SIZE];

		timestamp_format(&now, text);
		json_object_set_new(meta, "creationTimestamp", json_string(text));
	}
	json_object_del(tr->obj, "status");

	/* ValidateTokenRequest. */
	if (tr->expiration < MIN_EXPIRATION_SECONDS) {
		invalid(tr, "", "spec.expirationSeconds",
			arena_printf(&req->arena,
				     "Invalid value: %lld: may not specify a duration less than 10 "
				     "minutes",
				     (long long)tr->expiration));
		return;
	}
	if (tr->expiration > MAX_EXPIRATION_SECONDS) {
		invalid(
		    tr, "", "spec.expirationSeconds",
		    arena_printf(&req->arena,
				 "Invalid value: %lld: may not specify a duration larger than 2^32 "
				 "seconds",
				 (long long)tr->expiration));
		return;
	}
	bind(tr);
}

void serviceaccount_token_create(struct rest_call *call)
{
	struct request *req = call->req;
	struct token_request *tr;
	json_t *obj, *spec, *exp;
	const char *name;

	if (!authn_config.signing_key) {
		response_send_not_found(req);
		return;
	}
	if (!rest_parse_dry_run(call, "CreateOptions") || !(obj = rest_read_object(call)))
		return;
	tr = arena_alloc(&req->arena, sizeof(*tr));
	memset(tr, 0, sizeof(*tr));
	tr->call = call;
	tr->obj = obj;
	spec = json_object_get(obj, "spec");
	if (!json_is_object(spec)) {
		spec = json_object();
		json_object_set_new(obj, "spec", spec);
	}
	/* SetDefaults_TokenRequestSpec: an hour. */
	exp = json_object_get(spec, "expirationSeconds");
	if (exp && !json_is_null(exp) && !json_is_integer(exp)) {
		fail_status(tr, 400, "BadRequest",
			    "TokenRequest in version \"v1\" cannot be handled as a TokenRequest: "
			    "json: cannot unmarshal into Go struct field "
			    "TokenRequestSpec.spec.expirationSeconds of type int64",
			    NULL);
		return;
	}
	tr->expiration =
	    json_is_integer(exp) ? json_integer_value(exp) : DEFAULT_EXPIRATION_SECONDS;
	name = meta_string(obj, "name");
	if (*name && strcmp(name, call->key.name) != 0) {
		invalid(
		    tr, call->key.name, "metadata.name",
		    arena_printf(&req->arena,
				 "Invalid value: \"%s\": must match the service account name if "
				 "specified",
				 name));
		return;
	}
	store_get(req->worker->pg, &call->key, service_account_read, tr);
}
