/*
 * authn_review.c - TokenReview and SelfSubjectReview, as the storages of
 * pkg/registry/authentication (tokenreview/storage.go,
 * selfsubjectreview/rest.go) answer them in v1.32.
 *
 * A TokenReview runs the authenticator chain on a request that carries
 * only "Authorization: Bearer <spec.token>" (so anonymous may answer a
 * token that parses to nothing), for spec.audiences or else the API's
 * audiences, and reports authenticated, user, audiences and error.
 */
#include "authn_review.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/authn_config.h"
#include "shared/timestamp.h"
#include "worker/authn.h"
#include "worker/rest_internal.h"

#define GROUP "authentication.k8s.io"

static int compare_extra(const void *a, const void *b)
{
	return strcmp(((const struct user_extra *)a)->key, ((const struct user_extra *)b)->key);
}

json_t *authn_user_info_json(const struct user_info *user)
{
	json_t *info = json_object();
	struct user_extra *sorted;

	/* Go's field order, omitempty everywhere, map keys sorted. */
	if (user->name && *user->name)
		json_object_set_new(info, "username", json_string(user->name));
	if (user->uid && *user->uid)
		json_object_set_new(info, "uid", json_string(user->uid));
	if (user->num_groups) {
		json_t *groups = json_array();

		for (size_t i = 0; i < user->num_groups; i++)
			json_array_append_new(groups, json_string(user->groups[i]));
		json_object_set_new(info, "groups", groups);
	}
	if (user->num_extra) {
		json_t *extra = json_object();

		sorted = malloc(user->num_extra * sizeof(*sorted));
		if (!sorted)
			abort();
		memcpy(sorted, user->extra, user->num_extra * sizeof(*sorted));
		qsort(sorted, user->num_extra, sizeof(*sorted), compare_extra);
		for (size_t i = 0; i < user->num_extra; i++) {
			json_t *values = json_array();

			for (size_t j = 0; j < sorted[i].num_values; j++)
				json_array_append_new(values, json_string(sorted[i].values[j]));
			json_object_set_new(extra, sorted[i].key, values);
		}
		free(sorted);
		json_object_set_new(info, "extra", extra);
	}
	return info;
}

static bool is_review(struct rest_call *call, const char *resource)
{
	return strcmp(call->rt->group, GROUP) == 0 && strcmp(call->rt->resource, resource) == 0;
}

/* The request's metadata as decoded: a zero creationTimestamp is null. */
static json_t *echoed_metadata(json_t *obj)
{
	json_t *meta = json_deep_copy(json_object_get(obj, "metadata"));

	if (!json_is_object(meta)) {
		json_decref(meta);
		meta = json_object();
	}
	if (!json_object_get(meta, "creationTimestamp"))
		json_object_set_new(meta, "creationTimestamp", json_null());
	return meta;
}

/* ---- TokenReview ---- */

struct token_review {
	struct rest_call *call;
	json_t *obj;
	const char **audiences; /* what was asked for */
	size_t num_audiences;
};

static bool shares_audience(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (strcmp(a[i], b[j]) == 0)
				return true;
	return false;
}

static void token_reviewed(struct request *req, const struct authn_review *review)
{
	struct token_review *tr = req->handler_ctx;
	struct rest_call *call = tr->call;
	json_t *spec = json_object_get(tr->obj, "spec"), *out, *status, *out_spec;
	json_t *token = json_object_get(spec, "token"), *auds = json_object_get(spec, "audiences");

	req->handler_ctx = NULL;
	/* tokenreview/storage.go: an answer for none of the audiences asked for is a 500. */
	if (tr->num_audiences && review->ok &&
	    !shares_audience(tr->audiences, tr->num_audiences, review->audiences,
			     review->num_audiences)) {
		json_decref(tr->obj);
		response_send_status_details(
		    req, 500, "InternalError",
		    "Internal error occurred: error validating audiences",
		    json_pack("{s:[{s:s}]}", "causes", "message", "error validating audiences"));
		return;
	}
	out_spec = json_object();
	if (json_is_string(token) && json_string_length(token))
		json_object_set(out_spec, "token", token);
	if (json_array_size(auds))
		json_object_set(out_spec, "audiences", auds);
	status = json_object();
	if (review->ok)
		json_object_set_new(status, "authenticated", json_true());
	json_object_set_new(status, "user",
			    review->ok ? authn_user_info_json(&review->user) : json_object());
	if (review->ok && review->num_audiences) {
		json_t *list = json_array();

		for (size_t i = 0; i < review->num_audiences; i++)
			json_array_append_new(list, json_string(review->audiences[i]));
		json_object_set_new(status, "audiences", list);
	}
	if (review->error)
		json_object_set_new(status, "error", json_string(review->error));
	out = json_pack("{s:s, s:s, s:o, s:o, s:o}", "kind", "TokenReview", "apiVersion",
			rest_api_version(call), "metadata", echoed_metadata(tr->obj), "spec",
			out_spec, "status", status);
	json_decref(tr->obj);
	response_send_json(req, 201, out);
}

static void token_review_create(struct rest_call *call, json_t *obj)
{
	struct request *req = call->req;
	struct token_review *tr = arena_alloc(&req->arena, sizeof(*tr));
	json_t *spec = json_object_get(obj, "spec"), *auds = json_object_get(spec, "audiences"), *v;
	const char *token = json_string_value(json_object_get(spec, "token"));
	size_t i;

	if (!token || !*token) {
		json_decref(obj);
		response_send_status(req, 400, "BadRequest",
				     "token is required for TokenReview in authentication");
		return;
	}
	memset(tr, 0, sizeof(*tr));
	tr->call = call;
	tr->obj = obj;
	tr->audiences = arena_alloc(&req->arena, (json_array_size(auds) + 1) * sizeof(char *));
	json_array_foreach(auds, i, v) if (json_is_string(v)) tr->audiences[tr->num_audiences++] =
	    arena_strdup(&req->arena, json_string_value(v));
	if (!tr->num_audiences) {
		tr->audiences = authn_config.audiences.items;
		tr->num_audiences = authn_config.audiences.len;
	}
	req->handler_ctx = tr;
	authn_review_token(req, arena_strdup(&req->arena, token), tr->audiences, tr->num_audiences,
			   token_reviewed);
}

/* ---- SelfSubjectReview ---- */

static void self_subject_review_create(struct rest_call *call, json_t *obj)
{
	struct request *req = call->req;
	struct timestamp now = timestamp_from_time(time(NULL));
	char created[TIMESTAMP_RFC3339_SIZE];

	json_decref(obj);
	timestamp_format(&now, created);
	response_send_json(req, 201,
			   json_pack("{s:s, s:s, s:{s:s}, s:{s:o}}", "kind", "SelfSubjectReview",
				     "apiVersion", rest_api_version(call), "metadata",
				     "creationTimestamp", created, "status", "userInfo",
				     authn_user_info_json(&req->user)));
}

bool authn_review_create(struct rest_call *call, json_t *obj)
{
	if (is_review(call, "tokenreviews"))
		token_review_create(call, obj);
	else if (is_review(call, "selfsubjectreviews"))
		self_subject_review_create(call, obj);
	else
		return false;
	return true;
}
