/*
 * authn_webhook.c - the webhook token authenticator; see authn_webhook.h.
 *
 * Facts from upstream v1.32 (plugin/pkg/authenticator/token/webhook and
 * token/cache): the review carries spec.token and spec.audiences (the
 * request's wanted audiences, omitted when none), its metadata empty
 * ("creationTimestamp": null) and an empty status ("user": {}); an answer
 * that is not authenticated is a failure without error unless it says
 * status.error; the cache keeps successes and failures for the same TTL
 * and never errors. The cached value is the answer's status, read again
 * on a hit.
 */
#include "authn_webhook.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "shared/authn_config.h"
#include "shared/gojson.h"
#include "worker/authn_token.h"
#include "shared/log.h"
#include "shared/webhook_config.h"
#include "shared/xalloc.h"
#include "worker/https_client.h"
#include "worker/worker.h"

#define CACHE_SLOTS	     512
#define KEY_BYTES	     AUTHN_TOKEN_KEY_BYTES
#define AUTHENTICATION_GROUP "authentication.k8s.io"

struct cache_entry {
	unsigned char key[KEY_BYTES];
	int64_t expires_ms; /* 0: empty */
	char *status;	    /* the answer's status, JSON */
};

static struct https_client *client;
static struct cache_entry cache[CACHE_SLOTS];

bool authn_webhook_configured(void)
{
	return webhook_authn_config.enabled;
}

void authn_webhook_review(const char *token, const char *const *audiences, size_t n,
			  const char *version, struct buf *out)
{
	buf_printf(out,
		   "{\"kind\":\"TokenReview\",\"apiVersion\":\"" AUTHENTICATION_GROUP
		   "/%s\",\"metadata\":{\"creationTimestamp\":null},\"spec\":{",
		   strcmp(version, "v1") == 0 ? "v1" : "v1beta1");
	if (*token) {
		buf_append_str(out, "\"token\":");
		gojson_encode_string(out, token, strlen(token));
	}
	if (n) {
		buf_append_str(out, *token ? ",\"audiences\":[" : "\"audiences\":[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				buf_append_str(out, ",");
			gojson_encode_string(out, audiences[i], strlen(audiences[i]));
		}
		buf_append_str(out, "]");
	}
	buf_append_str(out, "},\"status\":{\"user\":{}}}\n"); /* json.Encoder's newline */
}

/* ---- the cache ---- */

static struct cache_entry *cache_slot(const unsigned char key[KEY_BYTES])
{
	return &cache[((size_t)key[0] | (size_t)key[1] << 8) % CACHE_SLOTS];
}

/* ---- one authentication ---- */

struct review_call {
	struct arena *a;
	const char *const *target;
	size_t num_target;
	bool targeted;
	unsigned char key[KEY_BYTES];
	authn_webhook_fn fn;
	void *ctx;
};

static const char **string_list(struct arena *a, json_t *array, size_t *n)
{
	const char **out = arena_alloc(a, (json_array_size(array) + 1) * sizeof(*out));
	size_t i;
	json_t *v;

	*n = 0;
	json_array_foreach(array, i, v)
	{
		if (json_is_string(v))
			out[(*n)++] = arena_strdup(a, json_string_value(v));
	}
	return out;
}

/* The outcome of an answer's status (JSON text). */
static void conclude(struct review_call *rc, const char *status_text)
{
	json_t *status = json_loads(status_text, 0, NULL), *u = json_object_get(status, "user");
	struct user_info user = {0};
	const char **auds = NULL, **got;
	size_t num_auds = 0, num_got;
	const char *error;
	json_t *extra;

	if (rc->targeted) {
		/* The answer's audiences, else the API's own, must meet the wanted ones. */
		if (json_array_size(json_object_get(status, "audiences"))) {
			got = string_list(rc->a, json_object_get(status, "audiences"), &num_got);
		} else {
			got = authn_config.audiences.items;
			num_got = authn_config.audiences.len;
		}
		auds = arena_alloc(rc->a, (rc->num_target + 1) * sizeof(*auds));
		for (size_t i = 0; i < rc->num_target; i++)
			for (size_t j = 0; j < num_got; j++)
				if (strcmp(rc->target[i], got[j]) == 0) {
					auds[num_auds++] = rc->target[i];
					break;
				}
		if (!num_auds) {
			json_decref(status);
			rc->fn(rc->ctx, false, NULL, NULL, 0, NULL);
			return;
		}
	}
	if (!json_is_true(json_object_get(status, "authenticated"))) {
		error = json_string_value(json_object_get(status, "error"));
		error = error && *error ? arena_strdup(rc->a, error) : NULL;
		json_decref(status);
		rc->fn(rc->ctx, false, NULL, NULL, 0, error);
		return;
	}
	user.name = arena_strdup(rc->a, json_string_value(json_object_get(u, "username"))
					    ? json_string_value(json_object_get(u, "username"))
					    : "");
	if (json_string_value(json_object_get(u, "uid")))
		user.uid = arena_strdup(rc->a, json_string_value(json_object_get(u, "uid")));
	user.groups = string_list(rc->a, json_object_get(u, "groups"), &user.num_groups);
	extra = json_object_get(u, "extra");
	if (json_is_object(extra)) {
		const char *k;
		json_t *v;

		user.extra =
		    arena_alloc(rc->a, (json_object_size(extra) + 1) * sizeof(*user.extra));
		json_object_foreach(extra, k, v)
		{
			struct user_extra *e = &user.extra[user.num_extra++];

			e->key = arena_strdup(rc->a, k);
			e->values = string_list(rc->a, v, &e->num_values);
		}
	}
	user.authenticated = true;
	json_decref(status);
	rc->fn(rc->ctx, true, &user, auds, num_auds, NULL);
}

/* Go's decoding of the answer into a TokenReview; NULL (error set) when it is not one. */
static json_t *read_answer(struct review_call *rc, const struct https_response *res,
			   const char **error)
{
	struct buf msg = {0};
	json_t *root;
	const char *kind, *api_version;

	if (!res->status) {
		*error = arena_strdup(rc->a, res->error);
		return NULL;
	}
	if (res->status < 200 || res->status > 299) {
		*error =
		    res->status == 500
			? arena_printf(rc->a,
				       "an error on the server (\"%.*s\") has prevented the "
				       "request from succeeding",
				       (int)res->body_len, res->body)
			: arena_printf(rc->a,
				       "the server responded with the status code %d but did not "
				       "return more information",
				       res->status);
		return NULL;
	}
	if (gojson_check(res->body, res->body_len, 10000, &msg) < 0) {
		*error = arena_strndup(rc->a, msg.data ? msg.data : "", msg.len);
		buf_free(&msg);
		return NULL;
	}
	buf_free(&msg);
	root = json_loadb(res->body, res->body_len, JSON_DECODE_ANY, NULL);
	kind = json_string_value(json_object_get(root, "kind"));
	api_version = json_string_value(json_object_get(root, "apiVersion"));
	if (!json_is_object(root) || !kind || !*kind) {
		*error = arena_printf(rc->a, "Object 'Kind' is missing in '%.*s'",
				      (int)res->body_len, res->body);
		json_decref(root);
		return NULL;
	}
	if (strcmp(kind, "TokenReview") != 0 || !api_version ||
	    (strcmp(api_version, AUTHENTICATION_GROUP "/v1") != 0 &&
	     strcmp(api_version, AUTHENTICATION_GROUP "/v1beta1") != 0)) {
		*error = arena_printf(rc->a,
				      "converting (%s, Kind=%s) to TokenReview: unknown conversion",
				      api_version ? api_version : "", kind);
		json_decref(root);
		return NULL;
	}
	return root;
}

static void answered(void *ctx, const struct https_response *res)
{
	struct review_call *rc = ctx;
	const char *error = NULL;
	json_t *root = read_answer(rc, res, &error), *status;
	struct cache_entry *e;
	char *text;

	if (!root) {
		log_error("Failed to make webhook authenticator request: %s", error);
		OPENSSL_cleanse(rc->key, sizeof(rc->key));
		rc->fn(rc->ctx, false, NULL, NULL, 0, error);
		return;
	}
	status = json_object_get(root, "status");
	text = json_dumps(json_is_object(status) ? status : json_object(), JSON_COMPACT);
	json_decref(root);
	e = cache_slot(rc->key);
	free(e->status);
	memcpy(e->key, rc->key, KEY_BYTES);
	e->status = text;
	e->expires_ms = monotonic_ms() + webhook_authn_config.cache_authorized_ms;
	OPENSSL_cleanse(rc->key, sizeof(rc->key));
	conclude(rc, text);
}

void authn_webhook_start(struct event_loop *loop)
{
	char err[512];

	if (!webhook_authn_config.enabled || client)
		return;
	client = https_client_new(loop, &webhook_authn_config, err, sizeof(err));
	if (!client)
		log_error("webhook token authenticator: %s", err);
}

void authn_webhook_authenticate(struct worker *w, struct arena *a, const char *token,
				const char *const *target, size_t num_target, bool targeted,
				authn_webhook_fn fn, void *ctx)
{
	struct review_call *rc = arena_alloc(a, sizeof(*rc));
	struct cache_entry *e;
	struct buf body = {0};

	(void)w;
	*rc = (struct review_call){a, target, num_target, targeted, {0}, fn, ctx};
	authn_token_cache_key(token, target, num_target, targeted, rc->key);
	e = cache_slot(rc->key);
	if (e->expires_ms && CRYPTO_memcmp(e->key, rc->key, KEY_BYTES) == 0) {
		if (monotonic_ms() < e->expires_ms) {
			OPENSSL_cleanse(rc->key, sizeof(rc->key));
			conclude(rc, e->status);
			return;
		}
		free(e->status);
		memset(e, 0, sizeof(*e));
	}
	if (!client) {
		fn(ctx, false, NULL, NULL, 0, "the webhook token authenticator has no client");
		return;
	}
	authn_webhook_review(token, targeted ? target : NULL, targeted ? num_target : 0,
			     webhook_authn_config.version, &body);
	https_client_post_webhook(client, body.data, body.len, answered, rc);
	OPENSSL_cleanse(body.data, body.cap);
	buf_free(&body);
}
