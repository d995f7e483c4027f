/*
 * authn_token.c - the token authenticators and their cache.
 *
 * One run authenticates one token: a small state machine that walks the
 * union (file, legacy service accounts, bound service accounts, bootstrap,
 * OpenID Connect)
 * and, where a validator needs an object, asks the store and resumes in
 * the store's callback. Everything a run allocates comes from the
 * caller's arena; the cache owns heap copies of what it keeps.
 *
 * Facts from upstream (v1.32): pkg/serviceaccount jwt.go (issuer sniffing
 * before any signature check, key choice by "kid", audience intersection),
 * claims.go (the bound-token validator and its messages), legacy.go (the
 * secret-based validator), plugin/pkg/auth/authenticator/token/bootstrap,
 * staging/.../authentication/token/cache (success TTL 10s).
 */
#include "authn_token.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/authn_config.h"
#include "shared/buf.h"
#include "shared/jwt.h"
#include "shared/timestamp.h"
#include "shared/xalloc.h"
#include "worker/authn_oidc.h"
#include "worker/authn_webhook.h"
#include "worker/event_loop.h"
#include "worker/store.h"
#include "worker/worker.h"

#define LEGACY_ISSUER	    "kubernetes/serviceaccount"
#define SA_USER_PREFIX	    "system:serviceaccount:"
#define SA_GROUP_ALL	    "system:serviceaccounts"
#define SA_GROUP_PREFIX	    "system:serviceaccounts:"
#define EXTRA_PREFIX	    "authentication.kubernetes.io/"
#define INVALID_SINCE_LABEL "kubernetes.io/legacy-token-invalid-since"
#define BOOTSTRAP_SECRET    "bootstrap-token-"
#define MAX_ERRORS	    16

#define CACHE_SLOTS	1024
#define CACHE_TTL_MS	10000 /* --token-success-cache-ttl's default */
#define CACHE_KEY_BYTES AUTHN_TOKEN_KEY_BYTES

/* ---- small helpers ---- */

const char *authn_quote_list(struct arena *a, const char *const *items, size_t n)
{
	struct buf b = {0};
	const char *out;

	buf_append_str(&b, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_append_str(&b, " ");
		buf_append_str(&b, "\"");
		for (const unsigned char *p = (const unsigned char *)items[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_printf(&b, "\\%c", *p);
			else if (*p == '\n')
				buf_append_str(&b, "\\n");
			else if (*p == '\t')
				buf_append_str(&b, "\\t");
			else if (*p == '\r')
				buf_append_str(&b, "\\r");
			else if (*p < 0x20 || *p == 0x7f)
				buf_printf(&b, "\\x%02x", *p);
			else
				buf_append(&b, p, 1);
		}
		buf_append_str(&b, "\"");
	}
	buf_append_str(&b, "]");
	out = arena_strdup(a, b.data);
	buf_free(&b);
	return out;
}

/* Go's %q of one string. */
static const char *quote(struct arena *a, const char *s)
{
	const char *list = authn_quote_list(a, &s, 1);

	return arena_strndup(a, list + 1, strlen(list) - 2);
}

static bool in_list(const char *const *items, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i], s) == 0)
			return true;
	return false;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A Secret's data value (standard base64), NUL-terminated; NULL when absent. */
static const char *secret_data(struct arena *a, json_t *secret, const char *key, size_t *len)
{
	json_t *v = json_object_get(json_object_get(secret, "data"), key);
	const char *text = json_string_value(v);
	size_t n = text ? strlen(text) : 0;
	unsigned char *out;
	int decoded;

	if (!text)
		return NULL;
	if (n % 4)
		return NULL;
	out = arena_alloc(a, n / 4 * 3 + 1);
	decoded = n ? EVP_DecodeBlock(out, (const unsigned char *)text, (int)n) : 0;
	if (decoded < 0)
		return NULL;
	/* EVP_DecodeBlock counts the bytes of the padding too. */
	while (n && text[n - 1] == '=' && decoded > 0) {
		n--;
		decoded--;
	}
	out[decoded] = '\0';
	if (len)
		*len = (size_t)decoded;
	return (const char *)out;
}

static json_t *meta(json_t *obj)
{
	return json_object_get(obj, "metadata");
}

static const char *uid_of(json_t *obj)
{
	const char *uid = json_string_value(json_object_get(meta(obj), "uid"));

	return uid ? uid : "";
}

/*
 * Whether obj is being deleted since before now minus the leeway: the
 * bound-token validator counts only those as gone (claims.go
 * invalidIfDeletedBefore).
 */
static bool deleted_before_leeway(json_t *obj)
{
	const char *when = json_string_value(json_object_get(meta(obj), "deletionTimestamp"));
	struct timestamp t;

	if (!when || !timestamp_parse(when, &t))
		return false;
	return t.seconds * 1000000 + t.nanos / 1000 < now_us() - JWT_LEEWAY_SECONDS * 1000000LL;
}

static bool being_deleted(json_t *obj)
{
	return json_object_get(meta(obj), "deletionTimestamp") &&
	       !json_is_null(json_object_get(meta(obj), "deletionTimestamp"));
}

/* ---- the cache ---- */

struct cache_entry {
	unsigned char key[CACHE_KEY_BYTES];
	int64_t expires_ms; /* 0: empty */
	char *name, *uid;
	char **groups;
	size_t num_groups;
	struct user_extra *extra;
	size_t num_extra;
	char **audiences;
	size_t num_audiences;
};

static struct cache_entry *cache;

static void cache_entry_clear(struct cache_entry *e)
{
	free(e->name);
	free(e->uid);
	for (size_t i = 0; i < e->num_groups; i++)
		free(e->groups[i]);
	free(e->groups);
	for (size_t i = 0; i < e->num_extra; i++) {
		for (size_t j = 0; j < e->extra[i].num_values; j++)
			free((char *)e->extra[i].values[j]);
		free(e->extra[i].values);
		free((char *)e->extra[i].key);
	}
	free(e->extra);
	for (size_t i = 0; i < e->num_audiences; i++)
		free(e->audiences[i]);
	free(e->audiences);
	memset(e, 0, sizeof(*e));
}

void authn_token_cache_clear(void)
{
	if (!cache)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		cache_entry_clear(&cache[i]);
}

void authn_token_cache_key(const char *token, const char *const *target, size_t num_target,
			   bool targeted, unsigned char out[AUTHN_TOKEN_KEY_BYTES])
{
	static unsigned char secret[32];
	static bool secret_made;
	struct buf msg = {0};
	unsigned int len = 0;

	if (!secret_made) {
		if (RAND_bytes(secret, sizeof(secret)) != 1)
			abort();
		secret_made = true;
	}
	buf_append(&msg, targeted ? "T" : "F", 1);
	for (size_t i = 0; i < num_target; i++)
		buf_append(&msg, target[i], strlen(target[i]) + 1);
	buf_append(&msg, "\n", 1);
	buf_append_str(&msg, token);
	if (!HMAC(EVP_sha256(), secret, sizeof(secret), (unsigned char *)msg.data, msg.len, out,
		  &len))
		abort();
	OPENSSL_cleanse(msg.data, msg.cap);
	buf_free(&msg);
}

static void cache_key(const char *token, const char *const *target, size_t num_target,
		      bool targeted, unsigned char out[CACHE_KEY_BYTES])
{
	if (!cache)
		cache = xcalloc(CACHE_SLOTS, sizeof(*cache));
	authn_token_cache_key(token, target, num_target, targeted, out);
}

static struct cache_entry *cache_slot(const unsigned char key[CACHE_KEY_BYTES])
{
	size_t i = ((size_t)key[0] | (size_t)key[1] << 8 | (size_t)key[2] << 16) % CACHE_SLOTS;

	return &cache[i];
}

static bool cache_get(struct arena *a, const unsigned char key[CACHE_KEY_BYTES],
		      struct authn_token_result *res)
{
	struct cache_entry *e = cache_slot(key);
	struct user_info *u = &res->user;

	if (!e->expires_ms || CRYPTO_memcmp(e->key, key, CACHE_KEY_BYTES) != 0)
		return false;
	if (monotonic_ms() >= e->expires_ms) {
		cache_entry_clear(e);
		return false;
	}
	memset(res, 0, sizeof(*res));
	res->ok = true;
	u->name = arena_strdup(a, e->name);
	u->uid = e->uid ? arena_strdup(a, e->uid) : NULL;
	u->groups = arena_alloc(a, (e->num_groups + 1) * sizeof(*u->groups));
	for (size_t i = 0; i < e->num_groups; i++)
		u->groups[i] = arena_strdup(a, e->groups[i]);
	u->num_groups = e->num_groups;
	u->extra = arena_alloc(a, (e->num_extra + 1) * sizeof(*u->extra));
	for (size_t i = 0; i < e->num_extra; i++) {
		struct user_extra *x = &u->extra[i];

		x->key = arena_strdup(a, e->extra[i].key);
		x->num_values = e->extra[i].num_values;
		x->values = arena_alloc(a, (x->num_values + 1) * sizeof(*x->values));
		for (size_t j = 0; j < x->num_values; j++)
			x->values[j] = arena_strdup(a, e->extra[i].values[j]);
	}
	u->num_extra = e->num_extra;
	u->authenticated = true;
	res->audiences = arena_alloc(a, (e->num_audiences + 1) * sizeof(*res->audiences));
	for (size_t i = 0; i < e->num_audiences; i++)
		res->audiences[i] = arena_strdup(a, e->audiences[i]);
	res->num_audiences = e->num_audiences;
	return true;
}

static void cache_put(const unsigned char key[CACHE_KEY_BYTES],
		      const struct authn_token_result *res)
{
	struct cache_entry *e = cache_slot(key);
	const struct user_info *u = &res->user;

	cache_entry_clear(e);
	memcpy(e->key, key, CACHE_KEY_BYTES);
	e->name = xstrdup(u->name);
	e->uid = u->uid ? xstrdup(u->uid) : NULL;
	e->groups = xcalloc(u->num_groups, sizeof(*e->groups));
	for (size_t i = 0; i < u->num_groups; i++)
		e->groups[i] = xstrdup(u->groups[i]);
	e->num_groups = u->num_groups;
	e->extra = xcalloc(u->num_extra, sizeof(*e->extra));
	for (size_t i = 0; i < u->num_extra; i++) {
		e->extra[i].key = xstrdup(u->extra[i].key);
		e->extra[i].values = xcalloc(u->extra[i].num_values, sizeof(char *));
		for (size_t j = 0; j < u->extra[i].num_values; j++)
			e->extra[i].values[j] = xstrdup(u->extra[i].values[j]);
		e->extra[i].num_values = u->extra[i].num_values;
	}
	e->num_extra = u->num_extra;
	e->audiences = xcalloc(res->num_audiences, sizeof(*e->audiences));
	for (size_t i = 0; i < res->num_audiences; i++)
		e->audiences[i] = xstrdup(res->audiences[i]);
	e->num_audiences = res->num_audiences;
	e->expires_ms = monotonic_ms() + CACHE_TTL_MS;
}

/* ---- one authentication ---- */

enum step {
	STEP_FILE,
	STEP_LEGACY,
	STEP_BOUND,
	STEP_BOOTSTRAP,
	STEP_OIDC,
	STEP_WEBHOOK,
	STEP_DONE
};

struct ref {
	const char *name, *uid; /* NULL: the claim is absent */
};

struct token_run {
	struct worker *w;
	struct arena *a;
	const char *token;
	const char *const *target;
	size_t num_target;
	bool targeted;
	authn_token_fn fn;
	void *ctx;
	enum step step;
	unsigned char key[CACHE_KEY_BYTES];
	const char *errors[MAX_ERRORS];
	size_t num_errors;
	struct authn_token_result res;

	/* The service-account token being validated. */
	struct jwt_claims claims;
	const char *namespace, *secret_name, *sa_name, *sa_uid;
	struct ref pod, secret, node;
	const char *legacy_secret; /* the secret of a legacy token, as read (JSON) */
	int lookup;		   /* which object the validator waits for */
};

static void add_error(struct token_run *r, const char *message)
{
	if (r->num_errors < MAX_ERRORS)
		r->errors[r->num_errors++] = message;
}

const char *authn_aggregate(struct arena *a, const char *const *errors, size_t n)
{
	struct buf b = {0};
	size_t distinct = 0;
	const char *out;

	if (n == 0)
		return NULL;
	if (n == 1)
		return errors[0];
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen = seen || strcmp(errors[i], errors[j]) == 0;
		if (seen)
			continue;
		buf_printf(&b, "%s%s", distinct ? ", " : "", errors[i]);
		distinct++;
	}
	out = distinct == 1 ? arena_strdup(a, b.data) : arena_printf(a, "[%s]", b.data);
	buf_free(&b);
	return out;
}

static void run_next(struct token_run *r);

static void finish(struct token_run *r, bool ok)
{
	r->res.ok = ok;
	if (ok) {
		r->res.user.authenticated = true;
		r->res.error = NULL;
		cache_put(r->key, &r->res);
	} else {
		memset(&r->res.user, 0, sizeof(r->res.user));
		r->res.audiences = NULL;
		r->res.num_audiences = 0;
		r->res.error = authn_aggregate(r->a, r->errors, r->num_errors);
		r->res.errors = r->errors;
		r->res.num_errors = r->num_errors;
	}
	OPENSSL_cleanse(r->key, sizeof(r->key));
	r->fn(r->ctx, &r->res);
}

/*
 * WrapAudienceAgnosticToken: an authenticator that knows no audiences
 * answers only for the API's own, and reports those it shares with the
 * request. False when the request wants none of them.
 */
static bool agnostic_audiences(struct token_run *r)
{
	const struct authn_strings *api = &authn_config.audiences;

	r->res.audiences = NULL;
	r->res.num_audiences = 0;
	if (!r->targeted)
		return true;
	r->res.audiences = arena_alloc(r->a, (r->num_target + 1) * sizeof(char *));
	for (size_t i = 0; i < r->num_target; i++)
		if (in_list(api->items, api->len, r->target[i]))
			r->res.audiences[r->res.num_audiences++] = r->target[i];
	return r->res.num_audiences > 0;
}

static const char **copy_strings(struct arena *a, char *const *items, size_t n)
{
	const char **out = arena_alloc(a, (n + 1) * sizeof(*out));

	for (size_t i = 0; i < n; i++)
		out[i] = arena_strdup(a, items[i]);
	return out;
}

/* ---- the static token file ---- */

static bool token_file_step(struct token_run *r)
{
	const struct token_file_user *u;

	if (!authn_config.has_token_file ||
	    !(u = token_file_lookup(&authn_config.token_file, r->token)))
		return false;
	if (!agnostic_audiences(r))
		return false;
	r->res.user.name = arena_strdup(r->a, u->name);
	r->res.user.uid = arena_strdup(r->a, u->uid);
	r->res.user.groups = copy_strings(r->a, u->groups, u->num_groups);
	r->res.user.num_groups = u->num_groups;
	finish(r, true);
	return true;
}

/* ---- service-account users ---- */

static void add_extra(struct token_run *r, const char *key, const char *value)
{
	struct user_info *u = &r->res.user;
	struct user_extra *grown = arena_alloc(r->a, (u->num_extra + 1) * sizeof(*grown));

	if (u->num_extra)
		memcpy(grown, u->extra, u->num_extra * sizeof(*grown));
	grown[u->num_extra].key = arena_printf(r->a, EXTRA_PREFIX "%s", key);
	grown[u->num_extra].values = arena_alloc(r->a, 2 * sizeof(char *));
	grown[u->num_extra].values[0] = value;
	grown[u->num_extra].num_values = 1;
	u->extra = grown;
	u->num_extra++;
}

/* ServiceAccountInfo.UserInfo(): name, uid, the two groups, and the extras. */
static void service_account_user(struct token_run *r, const char *pod_name, const char *pod_uid,
				 const char *node_name, const char *node_uid,
				 const char *credential_id)
{
	struct user_info *u = &r->res.user;

	u->name = arena_printf(r->a, SA_USER_PREFIX "%s:%s", r->namespace, r->sa_name);
	u->uid = r->sa_uid;
	u->groups = arena_alloc(r->a, 3 * sizeof(char *));
	u->groups[0] = SA_GROUP_ALL;
	u->groups[1] = arena_printf(r->a, SA_GROUP_PREFIX "%s", r->namespace);
	u->num_groups = 2;
	u->extra = NULL;
	u->num_extra = 0;
	/* Upstream's extra is a map; its keys go out sorted, so they are kept so. */
	if (credential_id && *credential_id)
		add_extra(r, "credential-id", credential_id);
	if (node_name && *node_name) {
		add_extra(r, "node-name", node_name);
		if (node_uid && *node_uid)
			add_extra(r, "node-uid", node_uid);
	}
	if (pod_name && *pod_name && pod_uid && *pod_uid) {
		add_extra(r, "pod-name", pod_name);
		add_extra(r, "pod-uid", pod_uid);
	}
}

/* SplitUsername: "system:serviceaccount:NS:NAME" with valid names. */
static bool split_sa_username(struct arena *a, const char *sub, const char **ns, const char **name)
{
	const char *rest, *colon;
	size_t ns_len;

	if (strncmp(sub, SA_USER_PREFIX, strlen(SA_USER_PREFIX)) != 0)
		return false;
	rest = sub + strlen(SA_USER_PREFIX);
	colon = strchr(rest, ':');
	if (!colon || strchr(colon + 1, ':'))
		return false;
	ns_len = (size_t)(colon - rest);
	/* DNS-1123 label (namespace) and subdomain (name): lower-case
	 * alphanumerics and '-' ('.' too in a name), alphanumeric at both ends. */
	if (ns_len == 0 || ns_len > 63 || strlen(colon + 1) == 0 || strlen(colon + 1) > 253)
		return false;
	for (size_t i = 0; i < ns_len; i++) {
		char c = rest[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && !(c == '-' && i > 0 && i < ns_len - 1))
			return false;
	}
	for (const char *p = colon + 1; *p; p++) {
		char c = *p;
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		bool inner = p > colon + 1 && p[1] != '\0';

		if (!alnum && !((c == '-' || c == '.') && inner))
			return false;
		if (c == '.' && (p[-1] == '.' || p[-1] == '-' || p[1] == '-'))
			return false;
	}
	*ns = arena_strndup(a, rest, ns_len);
	*name = arena_strdup(a, colon + 1);
	return true;
}

/* ---- object lookups for the validators ---- */

enum lookup {
	LOOKUP_SERVICE_ACCOUNT,
	LOOKUP_SECRET,
	LOOKUP_POD,
	LOOKUP_NODE,
	LOOKUP_LEGACY_SECRET,
	LOOKUP_LEGACY_SERVICE_ACCOUNT,
	LOOKUP_BOOTSTRAP_SECRET,
};

static void lookup_done(void *ctx, const struct store_result *res);

static void lookup(struct token_run *r, enum lookup what, const char *resource,
		   const char *namespace, const char *name)
{
	struct store_key key = {"", resource, namespace, name};

	r->lookup = what;
	store_get(r->w->pg, &key, lookup_done, r);
}

/* The error a failed get of resource/name is, as the getter's client returns it. */
static const char *get_error(struct token_run *r, const struct store_result *res,
			     const char *resource, const char *name)
{
	if (res->status == STORE_NOT_FOUND)
		return arena_printf(r->a, "%s \"%s\" not found", resource, name);
	return arena_printf(r->a, "Internal error occurred: %s",
			    res->message && *res->message ? res->message : "storage error");
}

/* The legacy validator's checks once its secret and service account are read. */
static void legacy_done(struct token_run *r, json_t *sa, json_t *secret)
{
	json_t *labels = json_object_get(meta(secret), "labels");
	const char *invalid_since = json_string_value(json_object_get(labels, INVALID_SINCE_LABEL));
	json_t *refs = json_object_get(sa, "secrets"), *ref;
	size_t i;

	if (being_deleted(sa)) {
		add_error(r, arena_printf(r->a, "ServiceAccount %s/%s has been deleted",
					  r->namespace, r->sa_name));
		run_next(r);
		return;
	}
	if (strcmp(uid_of(sa), r->sa_uid) != 0) {
		add_error(r, arena_printf(r->a, "ServiceAccount UID (%s) does not match claim (%s)",
					  uid_of(sa), r->sa_uid));
		run_next(r);
		return;
	}
	if (invalid_since && *invalid_since) {
		add_error(r,
			  arena_printf(r->a,
				       "the token in secret %s/%s for service account %s/%s has "
				       "been marked invalid. Use tokens from the TokenRequest API "
				       "or manually created secret-based tokens, or remove the "
				       "'%s' label from the secret to temporarily allow use of "
				       "this token",
				       r->namespace, r->secret_name, r->namespace, r->sa_name,
				       INVALID_SINCE_LABEL));
		run_next(r);
		return;
	}
	json_array_foreach(refs, i, ref)
	{
		const char *name = json_string_value(json_object_get(ref, "name"));

		if (name && strcmp(name, r->secret_name) == 0) {
			r->res.warning =
			    "Use tokens from the TokenRequest API or manually created "
			    "secret-based tokens instead of auto-generated secret-based "
			    "tokens.";
			break;
		}
	}
	service_account_user(r, NULL, NULL, NULL, NULL, NULL);
	finish(r, true);
}

/* The bound validator's next object to read, or the user when none is left. */
static void bound_continue(struct token_run *r, enum lookup after)
{
	if (after < LOOKUP_SECRET && r->secret.name) {
		lookup(r, LOOKUP_SECRET, "secrets", r->namespace, r->secret.name);
		return;
	}
	if (after < LOOKUP_POD && r->pod.name) {
		lookup(r, LOOKUP_POD, "pods", r->namespace, r->pod.name);
		return;
	}
	if (after < LOOKUP_NODE && r->node.name && !r->pod.name) {
		lookup(r, LOOKUP_NODE, "nodes", "", r->node.name);
		return;
	}
	service_account_user(r, r->pod.name, r->pod.uid, r->node.name, r->node.uid,
			     *r->claims.jti ? arena_printf(r->a, "JTI=%s", r->claims.jti) : NULL);
	finish(r, true);
}

/* The bound validator's check of one bound object (secret, pod or node). */
static const char *bound_object_error(struct token_run *r, json_t *obj, const char *what,
				      const struct ref *ref, const char *claim)
{
	if (strcmp(ref->uid ? ref->uid : "", uid_of(obj)) != 0)
		return arena_printf(r->a,
				    "%s UID (%s) does not match service account %s ref claim (%s)",
				    what, uid_of(obj), claim, ref->uid ? ref->uid : "");
	if (deleted_before_leeway(obj))
		return "service account token has been invalidated";
	return NULL;
}

static void bootstrap_secret_read(struct token_run *r, const struct store_result *res);

static void lookup_done(void *ctx, const struct store_result *res)
{
	struct token_run *r = ctx;
	json_t *obj = res->status == STORE_OK ? json_loads(res->object, 0, NULL) : NULL;
	const char *error = NULL;
	enum lookup what = (enum lookup)r->lookup;

	if (what == LOOKUP_BOOTSTRAP_SECRET) {
		json_decref(obj);
		bootstrap_secret_read(r, res);
		return;
	}
	switch (what) {
	case LOOKUP_SERVICE_ACCOUNT:
		if (!obj)
			error = get_error(r, res, "serviceaccounts", r->sa_name);
		else if (strcmp(uid_of(obj), r->sa_uid) != 0)
			error =
			    arena_printf(r->a, "service account UID (%s) does not match claim (%s)",
					 uid_of(obj), r->sa_uid);
		else if (deleted_before_leeway(obj))
			error = arena_printf(r->a, "service account %s/%s has been deleted",
					     r->namespace, r->sa_name);
		break;
	case LOOKUP_SECRET:
		error = !obj ? "service account token has been invalidated"
			     : bound_object_error(r, obj, "secret", &r->secret, "secret");
		break;
	case LOOKUP_POD:
		error = !obj ? "service account token has been invalidated"
			     : bound_object_error(r, obj, "pod", &r->pod, "pod");
		break;
	case LOOKUP_NODE:
		error = !obj ? "service account token has been invalidated"
			     : bound_object_error(r, obj, "node", &r->node, "node");
		break;
	case LOOKUP_LEGACY_SECRET: {
		const char *stored;
		size_t stored_len = 0;

		if (!obj || being_deleted(obj)) {
			error = "Token has been invalidated";
			break;
		}
		stored = secret_data(r->a, obj, "token", &stored_len);
		if (!stored || stored_len != strlen(r->token) ||
		    CRYPTO_memcmp(stored, r->token, stored_len) != 0) {
			error = "Token does not match server's copy";
			break;
		}
		/* Its labels are checked once the service account is read. */
		r->legacy_secret = arena_strdup(r->a, res->object);
		json_decref(obj);
		lookup(r, LOOKUP_LEGACY_SERVICE_ACCOUNT, "serviceaccounts", r->namespace,
		       r->sa_name);
		return;
	}
	case LOOKUP_LEGACY_SERVICE_ACCOUNT: {
		json_t *secret = json_loads(r->legacy_secret, 0, NULL);

		if (!obj) {
			json_decref(secret);
			add_error(r, get_error(r, res, "serviceaccounts", r->sa_name));
			run_next(r);
			return;
		}
		legacy_done(r, obj, secret);
		json_decref(secret);
		json_decref(obj);
		return;
	}
	default:
		break;
	}
	json_decref(obj);
	if (error) {
		add_error(r, error);
		run_next(r);
		return;
	}
	bound_continue(r, what);
}

/* ---- service-account JWTs ---- */

/* A private-claim reference {"name", "uid"}; false when it has the wrong shape. */
static bool read_ref(struct arena *a, json_t *k8s, const char *field, struct ref *out)
{
	json_t *v = json_object_get(k8s, field), *name, *uid;

	out->name = out->uid = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_object(v))
		return false;
	name = json_object_get(v, "name");
	uid = json_object_get(v, "uid");
	if ((name && !json_is_null(name) && !json_is_string(name)) ||
	    (uid && !json_is_null(uid) && !json_is_string(uid)))
		return false;
	out->name = arena_strdup(a, json_string_value(name) ? json_string_value(name) : "");
	out->uid = arena_strdup(a, json_string_value(uid) ? json_string_value(uid) : "");
	return true;
}

/* The "kubernetes.io" claims of a bound token; false when malformed. */
static bool read_bound_claims(struct token_run *r, json_t *payload)
{
	json_t *k8s = json_object_get(payload, "kubernetes.io"), *ns;
	struct ref sa;

	r->namespace = r->sa_name = r->sa_uid = "";
	memset(&r->pod, 0, sizeof(r->pod));
	memset(&r->secret, 0, sizeof(r->secret));
	memset(&r->node, 0, sizeof(r->node));
	if (!k8s || json_is_null(k8s))
		return true;
	if (!json_is_object(k8s))
		return false;
	ns = json_object_get(k8s, "namespace");
	if (ns && !json_is_null(ns) && !json_is_string(ns))
		return false;
	if (json_is_string(ns))
		r->namespace = arena_strdup(r->a, json_string_value(ns));
	if (!read_ref(r->a, k8s, "serviceaccount", &sa) || !read_ref(r->a, k8s, "pod", &r->pod) ||
	    !read_ref(r->a, k8s, "secret", &r->secret) || !read_ref(r->a, k8s, "node", &r->node))
		return false;
	if (sa.name) {
		r->sa_name = sa.name;
		r->sa_uid = sa.uid;
	}
	return true;
}

/* The secret-based token's claims; false when one has the wrong type. */
static bool read_legacy_claims(struct token_run *r, json_t *payload)
{
	static const char *const names[] = {
	    "kubernetes.io/serviceaccount/namespace",
	    "kubernetes.io/serviceaccount/secret.name",
	    "kubernetes.io/serviceaccount/service-account.name",
	    "kubernetes.io/serviceaccount/service-account.uid",
	};
	const char **out[] = {&r->namespace, &r->secret_name, &r->sa_name, &r->sa_uid};

	for (size_t i = 0; i < 4; i++) {
		json_t *v = json_object_get(payload, names[i]);

		*out[i] = "";
		if (v && !json_is_null(v) && !json_is_string(v))
			return false;
		if (json_is_string(v))
			*out[i] = arena_strdup(r->a, json_string_value(v));
	}
	return true;
}

/* legacyValidator.Validate: the claims, then (with lookup) the secret and account. */
static bool legacy_validate(struct token_run *r)
{
	const char *ns = NULL, *name = NULL;
	const char *error = NULL;

	if (!*r->claims.sub)
		error = "sub claim is missing";
	else if (!*r->namespace)
		error = "namespace claim is missing";
	else if (!*r->secret_name)
		error = "secretName claim is missing";
	else if (!*r->sa_name)
		error = "serviceAccountName claim is missing";
	else if (!*r->sa_uid)
		error = "serviceAccountUID claim is missing";
	else if (!split_sa_username(r->a, r->claims.sub, &ns, &name) ||
		 strcmp(ns, r->namespace) != 0 || strcmp(name, r->sa_name) != 0)
		error = "sub claim is invalid";
	if (error) {
		add_error(r, error);
		return false;
	}
	if (!authn_config.lookup) {
		service_account_user(r, NULL, NULL, NULL, NULL, NULL);
		finish(r, true);
		return true;
	}
	lookup(r, LOOKUP_LEGACY_SECRET, "secrets", r->namespace, r->secret_name);
	return true;
}

/* validator.Validate of claims.go: times, then the bound objects. */
static bool bound_validate(struct token_run *r)
{
	switch (jwt_check_times(&r->claims, now_us())) {
	case JWT_EXPIRED:
		add_error(r, "service account token has expired");
		return false;
	case JWT_NOT_VALID_YET:
		add_error(r, "service account token is not valid yet");
		return false;
	case JWT_ISSUED_IN_FUTURE:
		add_error(r, "service account token is issued in the future");
		return false;
	case JWT_TIME_OK:
		break;
	}
	if (!*r->sa_name) {
		add_error(r, "resource name may not be empty");
		return false;
	}
	lookup(r, LOOKUP_SERVICE_ACCOUNT, "serviceaccounts", r->namespace, r->sa_name);
	return true;
}

/*
 * JWTTokenAuthenticator.AuthenticateToken for the legacy or the bound
 * issuers. True when it answered or went on asynchronously.
 */
static bool jwt_step(struct token_run *r, bool legacy)
{
	static const char *const legacy_issuers[] = {LEGACY_ISSUER};
	const char *const *issuers = legacy ? legacy_issuers : authn_config.issuers.items;
	size_t num_issuers = legacy ? 1 : authn_config.issuers.len;
	const char *iss, *const *token_auds, *const *requested;
	size_t num_token_auds, num_requested, num_keys = 0;
	const char *errs[MAX_ERRORS];
	size_t num_errs = 0;
	struct jwt jwt;
	json_t *payload = NULL;
	bool found = false;

	if (!jwt_unverified_issuer(r->a, r->token, &iss) || !in_list(issuers, num_issuers, iss))
		return false;
	if (jwt_parse(r->a, r->token, &jwt) < 0)
		return false;
	for (size_t i = 0; i < authn_config.num_keys && !found; i++) {
		const struct authn_key *k = &authn_config.keys[i];
		const char *err = NULL;

		if (*jwt.kid && strcmp(jwt.kid, k->kid) != 0)
			continue;
		num_keys++;
		if (!jwt_verify(&jwt, k->key)) {
			err = "go-jose/go-jose: error in cryptographic primitive";
		} else if (!(payload = jwt_claims_read(r->a, &jwt, &r->claims, &err))) {
			/* err set */
		} else if (!(legacy ? read_legacy_claims(r, payload)
				    : read_bound_claims(r, payload))) {
			err = "json: cannot unmarshal the token's private claims";
			json_decref(payload);
			payload = NULL;
		} else {
			found = true;
		}
		if (err && num_errs < MAX_ERRORS)
			errs[num_errs++] = err;
	}
	jwt_free(&jwt);
	json_decref(payload);
	if (!num_keys) {
		add_error(r, "invalid signature, no keys found");
		return false;
	}
	if (!found) {
		for (size_t i = 0; i < num_errs; i++)
			add_error(r, errs[i]);
		return false;
	}
	if (!in_list(issuers, num_issuers, r->claims.iss)) {
		add_error(r, arena_printf(r->a, "token issuer %s is invalid",
					  quote(r->a, r->claims.iss)));
		return false;
	}
	/* A token without audiences (legacy) is for the API's own. */
	token_auds = r->claims.aud;
	num_token_auds = r->claims.num_aud;
	if (!num_token_auds) {
		token_auds = authn_config.audiences.items;
		num_token_auds = authn_config.audiences.len;
	}
	requested = r->targeted ? r->target : authn_config.audiences.items;
	num_requested = r->targeted ? r->num_target : authn_config.audiences.len;
	r->res.audiences = arena_alloc(r->a, (num_requested + 1) * sizeof(char *));
	r->res.num_audiences = 0;
	for (size_t i = 0; i < num_requested; i++)
		if (in_list(token_auds, num_token_auds, requested[i]))
			r->res.audiences[r->res.num_audiences++] = requested[i];
	if (!r->res.num_audiences && authn_config.audiences.len) {
		add_error(r, arena_printf(
				 r->a, "token audiences %s is invalid for the target audiences %s",
				 authn_quote_list(r->a, token_auds, num_token_auds),
				 authn_quote_list(r->a, requested, num_requested)));
		return false;
	}
	return legacy ? legacy_validate(r) : bound_validate(r);
}

/* ---- bootstrap tokens ---- */

static bool bootstrap_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static bool bootstrap_step(struct token_run *r)
{
	const char *t = r->token;

	/* \A([a-z0-9]{6})\.([a-z0-9]{16})\z */
	if (strlen(t) != 23 || t[6] != '.' || !bootstrap_chars(t, 6) || !bootstrap_chars(t + 7, 16))
		return false;
	lookup(r, LOOKUP_BOOTSTRAP_SECRET, "secrets", "kube-system",
	       arena_printf(r->a, BOOTSTRAP_SECRET "%.6s", t));
	return true;
}

/* ValidateBootstrapGroupName: \Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\z */
static bool bootstrap_group_valid(const char *g)
{
	static const char prefix[] = "system:bootstrappers:";
	size_t n = strlen(g), rest;

	if (strncmp(g, prefix, sizeof(prefix) - 1) != 0)
		return false;
	g += sizeof(prefix) - 1;
	rest = n - (sizeof(prefix) - 1);
	if (rest < 1 || rest > 256)
		return false;
	for (size_t i = 0; i < rest; i++) {
		char c = g[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == rest - 1 || (c != ':' && c != '-')))
			return false;
	}
	return true;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* GetGroups: system:bootstrappers plus auth-extra-groups, sorted and distinct. */
static bool bootstrap_groups(struct token_run *r, json_t *secret)
{
	const char *extra = secret_data(r->a, secret, "auth-extra-groups", NULL);
	struct user_info *u = &r->res.user;
	size_t n = 1;

	for (const char *p = extra ? extra : ""; *p; p++)
		n += *p == ',';
	u->groups = arena_alloc(r->a, (n + 2) * sizeof(char *));
	u->groups[0] = "system:bootstrappers";
	u->num_groups = 1;
	if (!extra || !*extra)
		return true;
	/* strings.Split keeps empty pieces, which then fail validation. */
	for (const char *p = extra;;) {
		const char *comma = strchr(p, ',');
		const char *g = arena_strndup(r->a, p, comma ? (size_t)(comma - p) : strlen(p));

		if (!bootstrap_group_valid(g))
			return false;
		if (!in_list(u->groups, u->num_groups, g))
			u->groups[u->num_groups++] = g;
		if (!comma)
			break;
		p = comma + 1;
	}
	qsort(u->groups, u->num_groups, sizeof(char *), compare_strings);
	return true;
}

static void bootstrap_secret_read(struct token_run *r, const struct store_result *res)
{
	json_t *secret;
	const char *type, *secret_part, *id, *expiration, *usage;
	struct timestamp exp;

	if (res->status == STORE_NOT_FOUND) {
		run_next(r);
		return;
	}
	if (res->status != STORE_OK) {
		add_error(r, arena_printf(r->a, "Internal error occurred: %s",
					  res->message && *res->message ? res->message
									: "storage error"));
		run_next(r);
		return;
	}
	secret = json_loads(res->object, 0, NULL);
	type = json_string_value(json_object_get(secret, "type"));
	/* Each failure below is "not this token", logged upstream at -v=3 only. */
	if (!secret || being_deleted(secret) || !type ||
	    strcmp(type, "bootstrap.kubernetes.io/token") != 0 ||
	    !json_is_object(json_object_get(secret, "data")))
		goto not_ours;
	secret_part = secret_data(r->a, secret, "token-secret", NULL);
	if (!secret_part || strlen(secret_part) != 16 ||
	    CRYPTO_memcmp(secret_part, r->token + 7, 16) != 0)
		goto not_ours;
	id = secret_data(r->a, secret, "token-id", NULL);
	if (!id || strlen(id) != 6 || memcmp(id, r->token, 6) != 0)
		goto not_ours;
	expiration = secret_data(r->a, secret, "expiration", NULL);
	if (expiration && *expiration &&
	    (!timestamp_parse(expiration, &exp) ||
	     exp.seconds * 1000000 + exp.nanos / 1000 <= now_us()))
		goto not_ours;
	usage = secret_data(r->a, secret, "usage-bootstrap-authentication", NULL);
	if (!usage || strcmp(usage, "true") != 0)
		goto not_ours;
	if (!bootstrap_groups(r, secret))
		goto not_ours;
	json_decref(secret);
	if (!agnostic_audiences(r)) {
		run_next(r);
		return;
	}
	r->res.user.name = arena_printf(r->a, "system:bootstrap:%.6s", r->token);
	r->res.user.uid = NULL;
	finish(r, true);
	return;
not_ours:
	json_decref(secret);
	memset(&r->res.user, 0, sizeof(r->res.user));
	run_next(r);
}

/* ---- OpenID Connect (authn_oidc.c), audience-agnostic as upstream wraps it ---- */

static bool oidc_step(struct token_run *r)
{
	const char *error = NULL;
	struct user_info user;
	int rc = authn_oidc_authenticate(r->a, r->token, &user, &error);

	if (rc < 0)
		add_error(r, error);
	if (rc <= 0 || !agnostic_audiences(r))
		return false;
	r->res.user = user;
	finish(r, true);
	return true;
}

/* ---- the webhook (authn_webhook.c), last as upstream's union has it ---- */

static void webhook_done(void *ctx, bool ok, const struct user_info *user, const char **audiences,
			 size_t num_audiences, const char *error)
{
	struct token_run *r = ctx;

	if (ok) {
		r->res.user = *user;
		r->res.audiences = audiences;
		r->res.num_audiences = num_audiences;
		finish(r, true);
		return;
	}
	if (error)
		add_error(r, error);
	run_next(r);
}

static bool webhook_step(struct token_run *r)
{
	authn_webhook_authenticate(r->w, r->a, r->token, r->target, r->num_target, r->targeted,
				   webhook_done, r);
	return true;
}

/* ---- the union ---- */

static void run_next(struct token_run *r)
{
	for (;;) {
		enum step step = r->step;

		r->step = step + 1;
		switch (step) {
		case STEP_FILE:
			if (token_file_step(r))
				return;
			break;
		case STEP_LEGACY:
			if (authn_config.num_keys && jwt_step(r, true))
				return;
			break;
		case STEP_BOUND:
			if (authn_config.num_keys && authn_config.issuers.len && jwt_step(r, false))
				return;
			break;
		case STEP_BOOTSTRAP:
			if (authn_config.bootstrap && bootstrap_step(r))
				return;
			break;
		case STEP_OIDC:
			if (authn_oidc_configured() && oidc_step(r))
				return;
			break;
		case STEP_WEBHOOK:
			if (authn_webhook_configured() && webhook_step(r))
				return;
			break;
		case STEP_DONE:
			finish(r, false);
			return;
		}
	}
}

bool authn_token_configured(void)
{
	return authn_config.has_token_file || authn_config.num_keys || authn_config.bootstrap ||
	       authn_oidc_configured() || authn_webhook_configured();
}

void authn_token_authenticate(struct worker *w, struct arena *a, const char *token,
			      const char *const *target, size_t num_target, bool targeted,
			      authn_token_fn fn, void *ctx)
{
	struct token_run *r = arena_alloc(a, sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->w = w;
	r->a = a;
	r->token = token;
	r->target = target;
	r->num_target = num_target;
	r->targeted = targeted;
	r->fn = fn;
	r->ctx = ctx;
	cache_key(token, target, num_target, targeted, r->key);
	if (cache_get(a, r->key, &r->res)) {
		OPENSSL_cleanse(r->key, sizeof(r->key));
		fn(ctx, &r->res);
		return;
	}
	run_next(r);
}
