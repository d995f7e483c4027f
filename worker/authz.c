/*
 * authz.c - the authorizer chain and the worker's RBAC cache; see authz.h.
 *
 * The cache: at start, one statement reads every RBAC object together with
 * the resourceVersion counter (one statement sees one snapshot, and the
 * counter commits with the writes it counts, so the objects are exactly
 * the state at that resourceVersion S), and the watch hub is told to read
 * the change log from S on. Each change the hub reads after S then updates
 * the cache. Should the hub ever skip changes (it was cut off longer than
 * the compaction interval) the cache reloads the same way, replaying what
 * the hub read meanwhile from its window. No PostgreSQL query runs per
 * request.
 */
#include "authz.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "shared/gojson.h"
#include "shared/log.h"
#include "shared/node_restriction.h"
#include "shared/xalloc.h"
#include "worker/node_authz.h"
#include "worker/authz_webhook.h"
#include "worker/pg_pool.h"
#include "worker/watch.h"
#include "worker/worker.h"

#define RBAC_GROUP	 "rbac.authorization.k8s.io"
#define PRIVILEGED_GROUP "system:masters"
#define RELOAD_RETRY_MS	 1000
#define MAX_MODES	 6

enum authz_mode {
	MODE_ALWAYS_ALLOW,
	MODE_ALWAYS_DENY,
	MODE_RBAC,
	MODE_NODE,
	MODE_WEBHOOK,
	MODE_OTHER
};

static const struct {
	const char *name;
	enum authz_mode mode;
} mode_names[] = {
    {"AlwaysAllow", MODE_ALWAYS_ALLOW},
    {"AlwaysDeny", MODE_ALWAYS_DENY},
    {"RBAC", MODE_RBAC},
    {"Node", MODE_NODE},
    {"ABAC", MODE_OTHER},
    {"Webhook", MODE_WEBHOOK},
};

struct authz {
	struct worker *w;
	enum authz_mode modes[MAX_MODES];
	const char *mode_text[MAX_MODES];
	size_t num_modes;
	struct rbac_policy *policy; /* NULL until loaded (or without RBAC) */
	struct node_authz *node;    /* with Node or NodeRestriction; else NULL */
	int64_t rv;		    /* the policy reflects every change up to here */
	bool loading;
	uint64_t retry_timer;
	struct authz_webhook *webhook; /* NULL without the Webhook mode */
};

static const char load_sql[] =
    "SELECT r.rv, o.resource, o.namespace, o.name, o.object::text"
    " FROM pgkube.revision r LEFT JOIN pgkube.objects o"
    "  ON o.api_group = '" RBAC_GROUP "'"
    "  AND o.resource IN ('roles', 'clusterroles', 'rolebindings', 'clusterrolebindings')"
    "  AND o.object IS NOT NULL";

/* ---- the RBAC cache ---- */

/* A policy from load_sql's rows; NULL when the result is not one. */
static struct rbac_policy *policy_from_result(PGresult *res, int64_t *rv)
{
	struct rbac_policy *p;

	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1)
		return NULL;
	p = rbac_policy_new();
	*rv = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	for (int i = 0; i < PQntuples(res); i++) {
		json_t *obj;

		if (PQgetisnull(res, i, 1))
			continue;
		obj = json_loads(PQgetvalue(res, i, 4), 0, NULL);
		if (obj)
			rbac_policy_apply(p, PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
					  PQgetvalue(res, i, 3), obj);
		json_decref(obj);
	}
	return p;
}

static void cache_change(void *ctx, const struct watch_change *c)
{
	struct authz *z = ctx;
	json_t *obj = NULL;

	if (!z->policy || c->rv <= z->rv)
		return;
	z->rv = c->rv;
	if (strcmp(c->group, RBAC_GROUP) != 0)
		return;
	if (strcmp(c->type, "DELETED") != 0 && !(obj = json_loads(c->object, 0, NULL)))
		return;
	rbac_policy_apply(z->policy, c->resource, c->namespace, c->name, obj);
	json_decref(obj);
}

static void cache_reload(struct authz *z);

/* A fresh policy at rv: taken, then brought up to where the hub is. */
static void cache_install(struct authz *z, struct rbac_policy *p, int64_t rv)
{
	rbac_policy_free(z->policy);
	z->policy = p;
	z->rv = rv;
	watch_hub_start_at(z->w->watch, rv);
	if (!watch_hub_replay(z->w->watch, rv, z)) {
		/* The hub's window has moved past the snapshot: again. */
		rbac_policy_free(z->policy);
		z->policy = NULL;
		cache_reload(z);
		return;
	}
	if (LOG_V(2))
		log_info("RBAC cache at resourceVersion %lld: %zu roles, %zu clusterroles, %zu "
			 "rolebindings, %zu clusterrolebindings",
			 (long long)rv, rbac_policy_count(p, "roles"),
			 rbac_policy_count(p, "clusterroles"), rbac_policy_count(p, "rolebindings"),
			 rbac_policy_count(p, "clusterrolebindings"));
}

static void cache_loaded(void *ctx, PGresult *res, const char *error)
{
	struct authz *z = ctx;
	int64_t rv = 0;
	struct rbac_policy *p = policy_from_result(res, &rv);

	z->loading = false;
	if (!p) {
		log_warn("RBAC cache: cannot load the policy: %s", res ? PQresultErrorMessage(res)
								   : error ? error
									   : "no result");
		cache_reload(z);
		return;
	}
	cache_install(z, p, rv);
}

static void retry_load(struct event_loop *loop, void *ctx)
{
	struct authz *z = ctx;

	z->retry_timer = 0;
	z->loading = true;
	pg_pool_query(z->w->pg, NULL, load_sql, 0, NULL, cache_loaded, z);
}

/* Loads the policy again, through the pool, a little later. */
static void cache_reload(struct authz *z)
{
	if (z->loading || z->retry_timer)
		return;
	z->retry_timer = event_loop_timer(z->w->loop, RELOAD_RETRY_MS, retry_load, z);
}

static void cache_resync(void *ctx)
{
	struct authz *z = ctx;

	log_warn("RBAC cache: the change log was compacted past this worker; reloading");
	rbac_policy_free(z->policy);
	z->policy = NULL;
	cache_reload(z);
}

/* The first load, before the worker serves. */
static void cache_load_now(struct authz *z)
{
	const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *values[] = {z->w->cfg->storage_dsn, "10", "pgkube-rbac-cache", NULL};
	PGconn *pg = PQconnectdbParams(keys, values, 1);
	PGresult *res = NULL;
	struct rbac_policy *p = NULL;
	int64_t rv = 0;

	if (PQstatus(pg) == CONNECTION_OK) {
		res = PQexec(pg, load_sql);
		p = policy_from_result(res, &rv);
	}
	if (p)
		cache_install(z, p, rv);
	else
		cache_loaded(z, res, PQerrorMessage(pg)); /* logs, retries */
	PQclear(res);
	PQfinish(pg);
}

/* ---- the chain ---- */

static void parse_modes(struct authz *z, const char *list)
{
	const char *p = list ? list : "AlwaysAllow";

	while (*p && z->num_modes < MAX_MODES) {
		size_t len = strcspn(p, ",");

		for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
			if (strlen(mode_names[i].name) == len &&
			    strncmp(mode_names[i].name, p, len) == 0) {
				z->mode_text[z->num_modes] = mode_names[i].name;
				z->modes[z->num_modes++] = mode_names[i].mode;
			}
		p += len;
		if (*p == ',')
			p++;
	}
}

struct authz *authz_new(struct worker *w)
{
	struct authz *z = xcalloc(1, sizeof(*z));
	bool restriction;

	z->w = w;
	parse_modes(z, w->cfg->authorization_mode);
	for (size_t i = 0; i < z->num_modes; i++) {
		if (z->modes[i] == MODE_OTHER)
			log_warn("--authorization-mode=%s is not implemented; it has no opinion on "
				 "any request",
				 z->mode_text[i]);
	}
	if (authz_has_mode(z, "Webhook") && webhook_authz_config.enabled)
		z->webhook = authz_webhook_new(w->loop, &webhook_authz_config);
	if (authz_has_mode(z, "RBAC")) {
		watch_hub_add_listener(w->watch, cache_change, cache_resync, z);
		cache_load_now(z);
	}
	restriction =
	    node_restriction_enabled(w->cfg->enable_admission_plugins, w->cfg->admission_control,
				     w->cfg->disable_admission_plugins);
	if (authz_has_mode(z, "Node") || restriction)
		z->node = node_authz_new(w, authz_has_mode(z, "Node"), restriction);
	return z;
}

void authz_free(struct authz *z)
{
	if (!z)
		return;
	if (z->retry_timer)
		event_loop_cancel(z->w->loop, z->retry_timer);
	rbac_policy_free(z->policy);
	node_authz_free(z->node);
	authz_webhook_free(z->webhook);
	free(z);
}

bool authz_has_mode(const struct authz *z, const char *mode)
{
	for (size_t i = 0; i < z->num_modes; i++)
		if (strcmp(z->mode_text[i], mode) == 0)
			return true;
	return false;
}

const char *authz_mode(const struct authz *z, size_t i)
{
	return i < z->num_modes ? z->mode_text[i] : NULL;
}

const struct rbac_policy *authz_rbac(const struct authz *z)
{
	return z ? z->policy : NULL;
}

struct node_authz *authz_node(const struct authz *z)
{
	return z ? z->node : NULL;
}

/*
 * One walk of the chain, resumable at the webhook: upstream's union
 * (the first Allow or Deny decides; reasons of the others gathered, one
 * per line; errors kept for the filter, which answers them 500).
 */
struct chain_walk {
	struct authz *z;
	const struct authz_attributes *attrs;
	const struct user_info *user; /* uid and extra for the webhook; may be NULL */
	struct arena *a;
	size_t pos;
	struct buf reasons;
	const char *error;
	/* the asynchronous walk */
	struct authz_attributes attrs_copy;
	authz_decided_fn done;
	void *ctx;
};

#define CHAIN_ASK_WEBHOOK (-1)

static void chain_add_reason(struct chain_walk *cw, const char *why)
{
	if (why && *why)
		buf_printf(&cw->reasons, "%s%s", cw->reasons.len ? "\n" : "", why);
}

/* A decision, or CHAIN_ASK_WEBHOOK when ask is set and the webhook must be asked. */
static int chain_run(struct chain_walk *cw, bool ask, const char **reason)
{
	struct authz *z = cw->z;

	*reason = "";
	if (cw->pos == 0)
		for (size_t g = 0; g < cw->attrs->num_groups; g++)
			if (strcmp(cw->attrs->groups[g], PRIVILEGED_GROUP) == 0)
				return AUTHZ_ALLOW;
	for (; cw->pos < z->num_modes; cw->pos++) {
		const char *why = "";
		enum authz_decision d;

		switch (z->modes[cw->pos]) {
		case MODE_ALWAYS_ALLOW:
			return AUTHZ_ALLOW;
		case MODE_ALWAYS_DENY:
			why = "Everything is forbidden.";
			break;
		case MODE_RBAC:
			if (z->policy && rbac_authorize(z->policy, cw->attrs, cw->a, &why)) {
				*reason = why;
				return AUTHZ_ALLOW;
			}
			break;
		case MODE_WEBHOOK:
			if (!z->webhook)
				break;
			if (ask)
				return CHAIN_ASK_WEBHOOK;
			if (authz_webhook_cached(z->webhook, cw->attrs, cw->user, cw->a, &d,
						 &why) &&
			    d != AUTHZ_NO_OPINION) {
				*reason = why;
				return (int)d;
			}
			break;
		case MODE_NODE:
			if (node_authz_allows(z->node, cw->attrs, cw->a, &why)) {
				*reason = why;
				return AUTHZ_ALLOW;
			}
			break;
		case MODE_OTHER:
			break;
		}
		chain_add_reason(cw, why);
	}
	if (cw->reasons.len)
		*reason = arena_strndup(cw->a, cw->reasons.data, cw->reasons.len);
	return AUTHZ_NO_OPINION;
}

enum authz_decision authz_decide(struct authz *z, const struct authz_attributes *attrs,
				 struct arena *a, const char **reason)
{
	struct chain_walk cw = {.z = z, .attrs = attrs, .a = a};
	int d = chain_run(&cw, false, reason);

	buf_free(&cw.reasons);
	return (enum authz_decision)d;
}

void authz_request_attributes(const struct request *req, struct authz_attributes *attrs)
{
	const struct route *r = &req->route;

	*attrs = (struct authz_attributes){
	    .user = req->user.name,
	    .groups = req->user.groups,
	    .num_groups = req->user.num_groups,
	    .resource_request = r->kind == ROUTE_RESOURCE,
	    .verb = r->verb,
	    .api_group = "",
	    .api_version = "",
	    .namespace = "",
	    .resource = "",
	    .subresource = "",
	    .name = "",
	    .path = r->path,
	};
	if (attrs->resource_request) {
		attrs->api_group = r->group;
		attrs->api_version = r->version;
		attrs->namespace = r->namespace;
		attrs->resource = r->resource;
		attrs->subresource = r->subresource;
		attrs->name = r->name;
		if (strcmp(r->verb, "list") == 0 || strcmp(r->verb, "watch") == 0 ||
		    strcmp(r->verb, "deletecollection") == 0)
			attrs->field_selector = route_param(r, "fieldSelector");
	}
}

/* responsewriters' sanitizer: & < > as HTML entities. */
static void append_sanitized(struct buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '&')
			buf_append_str(out, "&amp;");
		else if (s[i] == '<')
			buf_append_str(out, "&lt;");
		else if (s[i] == '>')
			buf_append_str(out, "&gt;");
		else
			buf_append(out, &s[i], 1);
	}
}

/* Go's %q, sanitized. */
static void quote_sanitized(struct buf *out, const char *s)
{
	struct buf q = {0};

	gojson_quote(&q, s, strlen(s));
	append_sanitized(out, q.data, q.len);
	buf_free(&q);
}

/* forbiddenMessage, sanitized (the verb is printed with %s). */
static void forbidden_message(struct buf *out, const struct authz_attributes *attrs)
{
	struct buf resource = {0};

	buf_append_str(out, "User ");
	quote_sanitized(out, attrs->user ? attrs->user : "");
	buf_append_str(out, " cannot ");
	append_sanitized(out, attrs->verb, strlen(attrs->verb));
	if (!attrs->resource_request) {
		buf_append_str(out, " path ");
		quote_sanitized(out, attrs->path);
		return;
	}
	buf_append_str(&resource, attrs->resource);
	if (*attrs->subresource)
		buf_printf(&resource, "/%s", attrs->subresource);
	buf_append_str(out, " resource ");
	quote_sanitized(out, resource.data ? resource.data : "");
	buf_append_str(out, " in API group ");
	quote_sanitized(out, attrs->api_group);
	if (*attrs->namespace) {
		buf_append_str(out, " in the namespace ");
		quote_sanitized(out, attrs->namespace);
	} else {
		buf_append_str(out, " at the cluster scope");
	}
	buf_free(&resource);
}

void authz_send_forbidden(struct request *req, const struct authz_attributes *attrs,
			  const char *reason)
{
	struct buf msg = {0}, text = {0};
	const char *group = attrs->resource_request ? attrs->api_group : "";
	const char *resource = attrs->resource_request ? attrs->resource : "";
	const char *name = attrs->resource_request ? attrs->name : "";
	json_t *details = json_object();

	forbidden_message(&msg, attrs);
	if (reason && *reason)
		buf_printf(&msg, ": %s", reason);
	/* apierrors.NewForbidden: "forbidden: ", "R is forbidden: ", or "R \"n\" is forbidden: " */
	if (!*group && !*resource) {
		buf_append_str(&text, "forbidden: ");
	} else {
		buf_append_str(&text, resource);
		if (*group)
			buf_printf(&text, ".%s", group);
		if (*name) {
			buf_append_str(&text, " ");
			gojson_quote(&text, name, strlen(name));
		}
		buf_append_str(&text, " is forbidden: ");
	}
	buf_append(&text, msg.data, msg.len);
	if (*name)
		json_object_set_new(details, "name", json_string(name));
	if (*group)
		json_object_set_new(details, "group", json_string(group));
	if (*resource)
		json_object_set_new(details, "kind", json_string(resource));
	response_send_status_details(req, 403, "Forbidden",
				     arena_strndup(&req->arena, text.data, text.len), details);
	buf_free(&msg);
	buf_free(&text);
}

/* responsewriters.InternalError: plain text, the request URI quoted. */
static void send_internal_error(struct request *req, const char *error)
{
	struct buf text = {0}, quoted = {0};

	gojson_quote(&quoted, req->target, strlen(req->target));
	buf_append_str(&quoted, ": ");
	buf_append_str(&quoted, error);
	buf_append_str(&text, "Internal Server Error: ");
	append_sanitized(&text, quoted.data, quoted.len);
	buf_append_str(&text, "\n");
	response_add_header(req, "X-Content-Type-Options", "nosniff");
	response_send(req, 500, "text/plain; charset=utf-8", text.data, text.len);
	buf_free(&text);
	buf_free(&quoted);
}

static void chain_conclude(struct chain_walk *cw, enum authz_decision d, const char *reason)
{
	buf_free(&cw->reasons);
	cw->done(cw->ctx, d, reason, cw->error);
}

static void chain_continue(struct chain_walk *cw);

static void webhook_decided(void *ctx, enum authz_decision d, const char *reason, const char *error)
{
	struct chain_walk *cw = ctx;

	if (error && !cw->error)
		cw->error = error;
	if (d != AUTHZ_NO_OPINION) {
		chain_conclude(cw, d, reason);
		return;
	}
	chain_add_reason(cw, reason);
	cw->pos++;
	chain_continue(cw);
}

static void chain_continue(struct chain_walk *cw)
{
	const char *reason;
	int d = chain_run(cw, true, &reason);

	if (d == CHAIN_ASK_WEBHOOK) {
		authz_webhook_authorize(cw->z->webhook, cw->attrs, cw->user, cw->a, webhook_decided,
					cw);
		return;
	}
	chain_conclude(cw, (enum authz_decision)d, reason);
}

void authz_decide_async(struct authz *z, const struct authz_attributes *attrs,
			const struct user_info *user, struct arena *a, authz_decided_fn done,
			void *ctx)
{
	struct chain_walk *cw = arena_alloc(a, sizeof(*cw));

	memset(cw, 0, sizeof(*cw));
	cw->z = z;
	cw->a = a;
	cw->user = user;
	cw->attrs_copy = *attrs;
	cw->attrs = &cw->attrs_copy;
	cw->done = done;
	cw->ctx = ctx;
	chain_continue(cw);
}

struct request_authz {
	struct request *req;
	struct authz_attributes attrs;
	authz_next_fn next;
};

/* The filter's end: on, 403, or 500 (an authorizer's error). */
static void request_decided(void *ctx, enum authz_decision d, const char *reason, const char *error)
{
	struct request_authz *ra = ctx;
	struct request *req = ra->req;

	if (req->gone) {
		response_send_status(req, 403, "Forbidden", "");
		return;
	}
	if (d == AUTHZ_ALLOW) {
		ra->next(req);
		return;
	}
	if (error) {
		send_internal_error(req, error);
		return;
	}
	if (LOG_V(4))
		log_info("Forbidden: %s %s, user %s, reason: %s", req->method, req->target,
			 req->user.name, reason);
	authz_send_forbidden(req, &ra->attrs, reason);
}

void authz_request(struct request *req, authz_next_fn next)
{
	struct request_authz *ra = arena_alloc(&req->arena, sizeof(*ra));

	ra->req = req;
	ra->next = next;
	authz_request_attributes(req, &ra->attrs);
	authz_decide_async(req->worker->authz, &ra->attrs, &req->user, &req->arena, request_decided,
			   ra);
}
