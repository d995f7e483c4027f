/*
 * authn_oidc.c - the OpenID Connect authenticator's keys and its entry
 * point for the token union; see authn_oidc.h.
 *
 * Upstream (oidc.go v1.32) initialises the verifier in the background,
 * polling every 10 s until the provider's discovery answers, and
 * go-oidc's remote key set fetches the JWKS again when no key verifies a
 * token. Here the worker does the same from its event loop with the
 * HTTPS client: discovery, then the JWKS; a failure is retried after 1 s,
 * doubling up to 10 s.
 */
#include "authn_oidc.h"

#include <jansson.h>
#include <string.h>
#include <sys/time.h>

#include "shared/buf.h"
#include "shared/log.h"
#include "shared/oidc.h"
#include "shared/webhook_config.h"
#include "shared/xalloc.h"
#include "worker/https_client.h"

#define FETCH_TIMEOUT_MS    30000
#define RETRY_FIRST_MS	    1000
#define RETRY_MAX_MS	    10000
#define REFETCH_INTERVAL_MS 10000
#define DISCOVERY_PATH	    "/.well-known/openid-configuration"

static struct event_loop *oidc_loop;
static struct webhook_config discovery_target, jwks_target;
static struct https_client *discovery_client, *jwks_client;
static struct oidc_keyset keyset;
static bool keys_loaded, fetching;
static int64_t retry_ms = RETRY_FIRST_MS, last_fetch_ms;

static void fetch_discovery(void);
static void fetch_keys(void);

bool authn_oidc_configured(void)
{
	return oidc_config.enabled;
}

static void retry_discovery(struct event_loop *loop, void *ctx)
{
	(void)loop;
	(void)ctx;
	fetch_discovery();
}

static void retry_keys(struct event_loop *loop, void *ctx)
{
	(void)loop;
	(void)ctx;
	fetch_keys();
}

static void retry_later(timer_fn fetch)
{
	event_loop_timer(oidc_loop, retry_ms, fetch, NULL);
	retry_ms = retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : retry_ms * 2;
}

/* The target of an https URL; false with err when it is not one. */
static bool target_of(const char *url, struct webhook_config *t, char *err, size_t err_len)
{
	webhook_config_free(t);
	t->enabled = true;
	t->server = xstrdup(url);
	if (oidc_config.ca_pem)
		t->ca_pem = xstrdup(oidc_config.ca_pem);
	return webhook_config_split_server(t, err, err_len) == 0;
}

static void keys_answered(void *ctx, const struct https_response *res)
{
	struct oidc_keyset fresh;
	const char *err = NULL;

	(void)ctx;
	fetching = false;
	if (res->status != 200) {
		if (res->status)
			log_error("oidc authenticator: fetching keys from %s: %d",
				  jwks_target.server, res->status);
		else
			log_error("oidc authenticator: fetching keys from %s: %s",
				  jwks_target.server, res->error);
	} else if (oidc_keyset_parse(res->body, res->body_len, &fresh, &err) < 0) {
		log_error("oidc authenticator: %s: %s", jwks_target.server, err);
	} else {
		oidc_keyset_free(&keyset);
		keyset = fresh;
		keys_loaded = true;
		retry_ms = RETRY_FIRST_MS;
		return;
	}
	if (!keys_loaded)
		retry_later(retry_keys);
}

static void fetch_keys(void)
{
	fetching = true;
	last_fetch_ms = monotonic_ms();
	https_client_get(jwks_client, jwks_target.path, FETCH_TIMEOUT_MS, keys_answered, NULL);
}

static void discovery_answered(void *ctx, const struct https_response *res)
{
	json_t *doc = NULL;
	const char *issuer, *jwks_uri;
	char err[512];

	(void)ctx;
	if (res->status != 200) {
		if (res->status)
			log_error("oidc authenticator: initializing plugin: %d: %.*s", res->status,
				  (int)(res->body_len > 200 ? 200 : res->body_len), res->body);
		else
			log_error("oidc authenticator: initializing plugin: %s", res->error);
		goto retry;
	}
	doc = json_loadb(res->body, res->body_len, 0, NULL);
	issuer = json_string_value(json_object_get(doc, "issuer"));
	jwks_uri = json_string_value(json_object_get(doc, "jwks_uri"));
	if (!issuer || !jwks_uri) {
		log_error(
		    "oidc authenticator: initializing plugin: oidc: failed to decode provider "
		    "discovery object");
		goto retry;
	}
	if (strcmp(issuer, oidc_config.issuer) != 0) {
		log_error("oidc authenticator: initializing plugin: oidc: issuer did not match the "
			  "issuer returned by provider, expected \"%s\" got \"%s\"",
			  oidc_config.issuer, issuer);
		goto retry;
	}
	if (!target_of(jwks_uri, &jwks_target, err, sizeof(err)) ||
	    !(jwks_client = https_client_new(oidc_loop, &jwks_target, err, sizeof(err)))) {
		log_error("oidc authenticator: initializing plugin: %s", err);
		goto retry;
	}
	json_decref(doc);
	retry_ms = RETRY_FIRST_MS;
	fetch_keys();
	return;
retry:
	json_decref(doc);
	retry_later(retry_discovery);
}

static void fetch_discovery(void)
{
	char err[512];

	if (!discovery_client) {
		struct buf url = {0};
		size_t n = strlen(oidc_config.issuer);

		/* go-oidc: strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration" */
		if (n && oidc_config.issuer[n - 1] == '/')
			n--;
		buf_printf(&url, "%.*s" DISCOVERY_PATH, (int)n, oidc_config.issuer);
		if (target_of(url.data, &discovery_target, err, sizeof(err)))
			discovery_client =
			    https_client_new(oidc_loop, &discovery_target, err, sizeof(err));
		buf_free(&url);
		if (!discovery_client) {
			log_error("oidc authenticator: initializing plugin: %s", err);
			retry_later(retry_discovery);
			return;
		}
	}
	https_client_get(discovery_client, discovery_target.path, FETCH_TIMEOUT_MS,
			 discovery_answered, NULL);
}

void authn_oidc_start(struct event_loop *loop)
{
	if (!oidc_config.enabled || oidc_loop)
		return;
	oidc_loop = loop;
	fetch_discovery();
}

static int64_t wall_now_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

int authn_oidc_authenticate(struct arena *a, const char *token, struct user_info *user,
			    const char **error)
{
	struct oidc_user u = {0};
	enum oidc_outcome out;

	if (!oidc_token_is_ours(a, &oidc_config, token))
		return 0;
	if (!keys_loaded) {
		*error = "oidc: authenticator not initialized";
		return -1;
	}
	out = oidc_verify(a, &oidc_config, &keyset, token, wall_now_us(), &u, error);
	if (out == OIDC_UNKNOWN_KID && jwks_client && !fetching &&
	    monotonic_ms() - last_fetch_ms >= REFETCH_INTERVAL_MS)
		fetch_keys();
	if (out != OIDC_OK)
		return -1;
	memset(user, 0, sizeof(*user));
	user->name = u.name;
	user->groups = u.groups;
	user->num_groups = u.num_groups;
	return 1;
}
