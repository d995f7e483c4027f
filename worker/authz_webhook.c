/*
 * authz_webhook.c - the Webhook authorizer; see authz_webhook.h.
 *
 * Facts from upstream v1.32 (plugin/pkg/authorizer/webhook): the review's
 * spec carries user, groups, uid and extra, and resourceAttributes
 * (namespace, verb, group, version, resource, subresource, name) or
 * nonResourceAttributes (path, verb), every field omitted when empty; the
 * object is written with its empty metadata ("creationTimestamp": null)
 * and a zero status ("allowed": false); the cache (an LRU of 8192 entries
 * upstream) keys on the spec's JSON; allowed and denied both set is a
 * denial with an error.
 */
#include "authz_webhook.h"

#include <stdlib.h>
#include <string.h>

#include "shared/gojson.h"
#include "shared/log.h"
#include "shared/strmap.h"
#include "shared/xalloc.h"
#include "worker/https_client.h"

#define CACHE_MAX_ENTRIES	  8192
#define MAX_CONTROLLED_ATTR_BYTES 10000
#define AUTHORIZATION_GROUP	  "authorization.k8s.io"

struct cached_status {
	bool allowed, denied;
	char *reason;
	int64_t expires_ms;
};

struct authz_webhook {
	struct https_client *client;
	const struct webhook_config *cfg;
	struct strmap cache;
};

struct authz_webhook *authz_webhook_new(struct event_loop *loop, const struct webhook_config *cfg)
{
	struct authz_webhook *wh = xcalloc(1, sizeof(*wh));
	char err[512];

	wh->cfg = cfg;
	wh->client = https_client_new(loop, cfg, err, sizeof(err));
	if (!wh->client) {
		log_error("webhook authorizer: %s", err);
		free(wh);
		return NULL;
	}
	return wh;
}

static void free_status(const char *key, void *value, void *ctx)
{
	struct cached_status *s = value;

	(void)key;
	(void)ctx;
	free(s->reason);
	free(s);
}

static void cache_clear(struct authz_webhook *wh)
{
	strmap_each(&wh->cache, free_status, NULL);
	strmap_free(&wh->cache);
	memset(&wh->cache, 0, sizeof(wh->cache));
}

void authz_webhook_free(struct authz_webhook *wh)
{
	if (!wh)
		return;
	https_client_free(wh->client);
	cache_clear(wh);
	free(wh);
}

/* ---- the review ---- */

static void field(struct buf *b, bool *first, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	buf_printf(b, "%s\"%s\":", *first ? "" : ",", name);
	gojson_encode_string(b, value, strlen(value));
	*first = false;
}

static int compare_extra(const void *x, const void *y)
{
	const struct user_extra *a = *(const struct user_extra *const *)x;
	const struct user_extra *b = *(const struct user_extra *const *)y;

	return strcmp(a->key, b->key);
}

/* encoding/json writes a map's keys sorted; a nil value list is null. */
static void extra_field(struct buf *b, const struct user_info *user)
{
	const struct user_extra **sorted;

	if (!user || !user->num_extra)
		return;
	sorted = xcalloc(user->num_extra, sizeof(*sorted));
	for (size_t i = 0; i < user->num_extra; i++)
		sorted[i] = &user->extra[i];
	qsort(sorted, user->num_extra, sizeof(*sorted), compare_extra);
	buf_append_str(b, ",\"extra\":{");
	for (size_t i = 0; i < user->num_extra; i++) {
		const struct user_extra *e = sorted[i];

		if (i)
			buf_append_str(b, ",");
		gojson_encode_string(b, e->key, strlen(e->key));
		buf_append_str(b, e->num_values ? ":[" : ":null");
		for (size_t j = 0; j < e->num_values; j++) {
			if (j)
				buf_append_str(b, ",");
			gojson_encode_string(b, e->values[j], strlen(e->values[j]));
		}
		if (e->num_values)
			buf_append_str(b, "]");
	}
	buf_append_str(b, "}");
	free(sorted);
}

void authz_webhook_review(const struct authz_attributes *attrs, const struct user_info *user,
			  const char *version, struct buf *review, struct buf *spec)
{
	bool first = true;
	bool v1 = strcmp(version, "v1") == 0;

	buf_append_str(spec, "{");
	if (attrs->resource_request) {
		buf_append_str(spec, "\"resourceAttributes\":{");
		field(spec, &first, "namespace", attrs->namespace);
		field(spec, &first, "verb", attrs->verb);
		field(spec, &first, "group", attrs->api_group);
		field(spec, &first, "version", attrs->api_version);
		field(spec, &first, "resource", attrs->resource);
		field(spec, &first, "subresource", attrs->subresource);
		field(spec, &first, "name", attrs->name);
	} else {
		buf_append_str(spec, "\"nonResourceAttributes\":{");
		field(spec, &first, "path", attrs->path);
		field(spec, &first, "verb", attrs->verb);
	}
	buf_append_str(spec, "}");
	first = false;
	field(spec, &first, "user", attrs->user);
	if (attrs->num_groups) {
		buf_printf(spec, ",\"%s\":[", v1 ? "groups" : "group");
		for (size_t i = 0; i < attrs->num_groups; i++) {
			if (i)
				buf_append_str(spec, ",");
			gojson_encode_string(spec, attrs->groups[i], strlen(attrs->groups[i]));
		}
		buf_append_str(spec, "]");
	}
	extra_field(spec, user);
	field(spec, &first, "uid", user ? user->uid : NULL);
	buf_append_str(spec, "}");
	buf_printf(review,
		   "{\"kind\":\"SubjectAccessReview\",\"apiVersion\":\"" AUTHORIZATION_GROUP
		   "/%s\",\"metadata\":{\"creationTimestamp\":null},\"spec\":",
		   v1 ? "v1" : "v1beta1");
	buf_append(review, spec->data, spec->len);
	/* json.Encoder, as the client's serializer uses it, ends with a newline. */
	buf_append_str(review, ",\"status\":{\"allowed\":false}}\n");
}

int authz_webhook_read_answer(const char *body, size_t len, struct arena *a, bool *allowed,
			      bool *denied, const char **reason, const char **error)
{
	struct buf msg = {0};
	json_t *root, *status;
	const char *kind, *api_version;

	*allowed = *denied = false;
	*reason = "";
	if (gojson_check(body, len, 10000, &msg) < 0) {
		*error = arena_strndup(a, msg.data ? msg.data : "", msg.len);
		buf_free(&msg);
		return -1;
	}
	buf_free(&msg);
	root = json_loadb(body, len, JSON_DECODE_ANY, NULL);
	kind = json_string_value(json_object_get(root, "kind"));
	api_version = json_string_value(json_object_get(root, "apiVersion"));
	if (!json_is_object(root) || !kind || !*kind) {
		*error = arena_printf(a, "Object 'Kind' is missing in '%.*s'", (int)len, body);
		json_decref(root);
		return -1;
	}
	if (strcmp(kind, "SubjectAccessReview") != 0 || !api_version ||
	    (strcmp(api_version, AUTHORIZATION_GROUP "/v1") != 0 &&
	     strcmp(api_version, AUTHORIZATION_GROUP "/v1beta1") != 0)) {
		*error = arena_printf(a,
				      "converting (%s, Kind=%s) to SubjectAccessReview: unknown "
				      "conversion",
				      api_version ? api_version : "", kind);
		json_decref(root);
		return -1;
	}
	status = json_object_get(root, "status");
	*allowed = json_is_true(json_object_get(status, "allowed"));
	*denied = json_is_true(json_object_get(status, "denied"));
	if (json_is_string(json_object_get(status, "reason")))
		*reason = arena_strdup(a, json_string_value(json_object_get(status, "reason")));
	json_decref(root);
	return 0;
}

/* ---- decisions and the cache ---- */

static enum authz_decision decide(bool allowed, bool denied, const char **error)
{
	*error = NULL;
	if (denied && allowed)
		*error = "webhook subject access review returned both allow and deny response";
	if (denied)
		return AUTHZ_DENY;
	return allowed ? AUTHZ_ALLOW : AUTHZ_NO_OPINION;
}

/* shouldCache: requester-controlled attributes must stay small. */
static bool should_cache(const struct authz_attributes *attrs)
{
	size_t n = strlen(attrs->namespace) + strlen(attrs->verb) + strlen(attrs->api_group) +
		   strlen(attrs->api_version) + strlen(attrs->resource) +
		   strlen(attrs->subresource) + strlen(attrs->name) + strlen(attrs->path);

	return n < MAX_CONTROLLED_ATTR_BYTES;
}

static struct cached_status *cache_get(struct authz_webhook *wh, const char *key)
{
	struct cached_status *s = strmap_get(&wh->cache, key);

	if (s && monotonic_ms() >= s->expires_ms) {
		strmap_remove(&wh->cache, key);
		free_status(key, s, NULL);
		return NULL;
	}
	return s;
}

static void cache_put(struct authz_webhook *wh, const char *key, bool allowed, bool denied,
		      const char *reason)
{
	struct cached_status *s = xcalloc(1, sizeof(*s)), *old;

	/* Past the bound, start afresh rather than keep an LRU order. */
	if (wh->cache.count >= CACHE_MAX_ENTRIES)
		cache_clear(wh);
	s->allowed = allowed;
	s->denied = denied;
	s->reason = xstrdup(reason);
	s->expires_ms = monotonic_ms() +
			(allowed ? wh->cfg->cache_authorized_ms : wh->cfg->cache_unauthorized_ms);
	old = strmap_put(&wh->cache, key, s);
	if (old)
		free_status(key, old, NULL);
}

bool authz_webhook_cached(struct authz_webhook *wh, const struct authz_attributes *attrs,
			  const struct user_info *user, struct arena *a,
			  enum authz_decision *decision, const char **reason)
{
	struct buf review = {0}, spec = {0};
	struct cached_status *s;
	const char *error;

	authz_webhook_review(attrs, user, wh->cfg->version, &review, &spec);
	buf_append(&spec, "", 1);
	s = cache_get(wh, spec.data);
	if (s) {
		*decision = decide(s->allowed, s->denied, &error);
		*reason = arena_strdup(a, s->reason);
	}
	buf_free(&review);
	buf_free(&spec);
	return s != NULL;
}

struct pending {
	struct authz_webhook *wh;
	struct arena *a;
	char *key; /* NULL: not to be cached */
	authz_webhook_fn fn;
	void *ctx;
};

static void answered(void *ctx, const struct https_response *res)
{
	struct pending *p = ctx;
	bool allowed, denied;
	const char *reason = "", *error = NULL;
	enum authz_decision d = AUTHZ_NO_OPINION;

	if (!res->status) {
		error = arena_strdup(p->a, res->error);
	} else if (res->status < 200 || res->status > 299) {
		if (res->status == 500)
			error = arena_printf(p->a,
					     "an error on the server (\"%.*s\") has prevented the "
					     "request from succeeding",
					     (int)res->body_len, res->body);
		else
			error = arena_printf(p->a,
					     "the server responded with the status code %d but did "
					     "not return more information",
					     res->status);
	} else if (authz_webhook_read_answer(res->body, res->body_len, p->a, &allowed, &denied,
					     &reason, &error) == 0) {
		if (p->key)
			cache_put(p->wh, p->key, allowed, denied, reason);
		d = decide(allowed, denied, &error);
	}
	if (error && d == AUTHZ_NO_OPINION)
		log_error("Failed to make webhook authorizer request: %s", error);
	free(p->key);
	p->fn(p->ctx, d, reason, error);
}

void authz_webhook_authorize(struct authz_webhook *wh, const struct authz_attributes *attrs,
			     const struct user_info *user, struct arena *a, authz_webhook_fn fn,
			     void *ctx)
{
	struct buf review = {0}, spec = {0};
	struct cached_status *s;
	struct pending *p;

	authz_webhook_review(attrs, user, wh->cfg->version, &review, &spec);
	buf_append(&spec, "", 1);
	s = cache_get(wh, spec.data);
	if (s) {
		const char *error;
		enum authz_decision d = decide(s->allowed, s->denied, &error);

		buf_free(&review);
		buf_free(&spec);
		fn(ctx, d, arena_strdup(a, s->reason), error);
		return;
	}
	p = arena_alloc(a, sizeof(*p));
	*p = (struct pending){wh, a, should_cache(attrs) ? xstrdup(spec.data) : NULL, fn, ctx};
	https_client_post_webhook(wh->client, review.data, review.len, answered, p);
	buf_free(&review);
	buf_free(&spec);
}
