/*
 * authn.c - the authenticator chain: front proxy, x509 client
 * certificate, bearer token, then anonymous.
 *
 * One attempt walks the chain for a request (or, for TokenReview, for a
 * bearer token alone). Errors of the authenticators that refused a
 * credential are gathered as upstream's union does; a success ends the
 * walk. Facts from upstream v1.32: request/union (first success wins,
 * errors aggregated), group.AuthenticatedGroupAdder, union.NewFailOnError
 * with the anonymous authenticator, request/bearertoken (header parsing,
 * "invalid bearer token"), request/headerrequest (front-proxy headers),
 * request/x509 (CommonNameUserConversion).
 */
#include "authn.h"

#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shared/authn_config.h"
#include "shared/hex.h"
#include "shared/log.h"
#include "shared/tls_context.h"
#include "worker/authn_token.h"
#include "worker/worker.h"

#define ANONYMOUS	 "system:anonymous"
#define UNAUTHENTICATED	 "system:unauthenticated"
#define AUTHENTICATED	 "system:authenticated"
#define MAX_CHAIN_ERRORS 8
#define INVALID_TOKEN	 "invalid bearer token"
#define SPACE_BEFORE_TOKEN                                                                         \
	"the provided Authorization header contains extra space before the bearer token, and is "  \
	"ignored"

/* ---- the TLS peer, once per connection ---- */

static char *name_entry_text(const X509_NAME_ENTRY *entry)
{
	const ASN1_STRING *data = X509_NAME_ENTRY_get_data(entry);
	unsigned char *utf8 = NULL;
	int len = ASN1_STRING_to_UTF8(&utf8, data);
	char *out;

	if (len < 0)
		return NULL;
	out = strndup((const char *)utf8, (size_t)len);
	OPENSSL_free(utf8);
	return out;
}

static void add_group(struct user_info *id, char *group)
{
	id->groups = realloc(id->groups, (id->num_groups + 1) * sizeof(*id->groups));
	if (!id->groups)
		abort();
	id->groups[id->num_groups++] = group;
}

static void set_anonymous(struct user_info *id)
{
	id->name = strdup(ANONYMOUS);
	add_group(id, strdup(UNAUTHENTICATED));
	id->authenticated = false;
}

/* The subject's CN (Go's pkix.Name keeps the last one), or NULL without one. */
static char *common_name(X509 *cert)
{
	X509_NAME *subject = X509_get_subject_name(cert);
	int i = -1, last = -1;

	while ((i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0)
		last = i;
	return last < 0 ? NULL : name_entry_text(X509_NAME_get_entry(subject, last));
}

/* Whether a verified front proxy's CN is allowed (no list: any is). */
static bool proxy_name_allowed(X509 *cert)
{
	const struct authn_strings *allowed = &authn_config.allowed_names;
	char *cn;
	bool ok = false;

	if (!allowed->len)
		return true;
	cn = common_name(cert);
	for (size_t i = 0; i < allowed->len && !ok; i++)
		ok = strcmp(allowed->items[i], cn ? cn : "") == 0;
	free(cn);
	return ok;
}

void authn_identity_from_tls(SSL *ssl, struct user_info *id)
{
	X509 *cert = SSL_get0_peer_certificate(ssl);
	signed char front_proxy = 0;
	char *name;
	int i = -1, rc;

	memset(id, 0, sizeof(*id));
	set_anonymous(id);
	if (!cert)
		return;
	rc = tls_verify_peer(ssl, TLS_REQUESTHEADER_CA);
	if (rc >= 0)
		front_proxy = rc == X509_V_OK && proxy_name_allowed(cert) ? 1 : -1;
	id->front_proxy = front_proxy;
	rc = tls_verify_peer(ssl, TLS_CLIENT_CA);
	if (rc < 0)
		return;
	if (rc != X509_V_OK) {
		id->rejected = true;
		return;
	}
	/* CommonNameUserConversion: no CN is no user, and no error either. */
	name = common_name(cert);
	if (!name || !*name) {
		free(name);
		return;
	}
	authn_identity_free(id);
	id->name = name;
	id->front_proxy = front_proxy;
	while ((i = X509_NAME_get_index_by_NID(X509_get_subject_name(cert), NID_organizationName,
					       i)) >= 0) {
		char *group = name_entry_text(X509_NAME_get_entry(X509_get_subject_name(cert), i));

		if (group)
			add_group(id, group);
	}
	id->authenticated = true;
}

void authn_identity_free(struct user_info *id)
{
	for (size_t i = 0; i < id->num_groups; i++)
		free((char *)id->groups[i]);
	free(id->groups);
	for (size_t i = 0; i < id->num_extra; i++) {
		for (size_t j = 0; j < id->extra[i].num_values; j++)
			free((char *)id->extra[i].values[j]);
		free(id->extra[i].values);
		free((char *)id->extra[i].key);
	}
	free(id->extra);
	free((char *)id->uid);
	free((char *)id->name);
	memset(id, 0, sizeof(*id));
}

/* ---- one walk of the chain ---- */

struct attempt {
	struct request *req;
	bool with_tls;
	const char *authorization; /* the Authorization header, or NULL */
	const char *const *target; /* the audiences asked for */
	size_t num_target;
	bool targeted;
	const char *errors[MAX_CHAIN_ERRORS];
	size_t num_errors;
	/* one of these is told the outcome */
	authn_next_fn next;
	authn_review_fn review;
};

static void add_error(struct attempt *at, const char *message)
{
	if (at->num_errors < MAX_CHAIN_ERRORS)
		at->errors[at->num_errors++] = message;
}

/* AuthenticatedGroupAdder: everyone but system:anonymous, unless already grouped. */
static void add_authenticated_group(struct arena *a, struct user_info *u)
{
	const char **groups;

	if (strcmp(u->name, ANONYMOUS) == 0)
		return;
	for (size_t i = 0; i < u->num_groups; i++)
		if (strcmp(u->groups[i], AUTHENTICATED) == 0 ||
		    strcmp(u->groups[i], UNAUTHENTICATED) == 0)
			return;
	groups = arena_alloc(a, (u->num_groups + 2) * sizeof(*groups));
	if (u->num_groups)
		memcpy(groups, u->groups, u->num_groups * sizeof(*groups));
	groups[u->num_groups++] = AUTHENTICATED;
	u->groups = groups;
}

static void anonymous_user(struct arena *a, struct user_info *u)
{
	memset(u, 0, sizeof(*u));
	u->name = ANONYMOUS;
	u->groups = arena_alloc(a, 2 * sizeof(*u->groups));
	u->groups[0] = UNAUTHENTICATED;
	u->num_groups = 1;
}

/* The walk's end: a user (anonymous included), or a refusal. */
static void conclude(struct attempt *at, bool ok, struct user_info *user, const char **auds,
		     size_t num_auds)
{
	struct request *req = at->req;
	const char *error = ok ? NULL : authn_aggregate(&req->arena, at->errors, at->num_errors);
	struct user_info anonymous;

	if (ok) {
		add_authenticated_group(&req->arena, user);
		user->authenticated = true;
	} else if (!error && authn_config.anonymous) {
		/* No credential refused, none accepted: anonymous, when allowed. */
		anonymous_user(&req->arena, &anonymous);
		user = &anonymous;
		ok = true;
		auds = NULL;
		num_auds = 0;
	}
	if (at->review) {
		struct authn_review r = {ok, {0}, auds, num_auds, error};

		if (ok)
			r.user = *user;
		at->review(req, &r);
		return;
	}
	if (!ok || req->gone) {
		/* A client that left while its token was checked gets nothing
		 * (the answer writes nothing), and its request does no work. */
		if (error)
			log_error("Unable to authenticate the request: %s", error);
		response_send_status(req, 401, "Unauthorized", "Unauthorized");
		return;
	}
	/* The TLS verdicts stay with the request for what comes after. */
	user->rejected = req->user.rejected;
	user->front_proxy = req->user.front_proxy;
	req->user = *user;
	at->next(req);
}

/* ---- the front proxy's headers ---- */

/* The first value of the first of names that has a non-empty one (Header.Get). */
static const char *header_value(struct request *req, const struct authn_strings *names)
{
	for (size_t i = 0; i < names->len; i++) {
		const char *v = request_header(req, names->items[i]);

		if (v && *v)
			return v;
	}
	return NULL;
}

/* url.PathUnescape; the text as it was when an escape is malformed. */
static const char *path_unescape(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, strlen(s) + 1), *o = out;

	for (const char *p = s; *p; p++) {
		if (*p != '%') {
			*o++ = *p;
			continue;
		}
		if (hex_digit_value((unsigned char)p[1]) < 0 ||
		    hex_digit_value((unsigned char)p[2]) < 0)
			return s;
		*o++ = (char)(hex_digit_value((unsigned char)p[1]) * 16 +
			      hex_digit_value((unsigned char)p[2]));
		p += 2;
	}
	*o = '\0';
	return out;
}

static void add_extra_value(struct arena *a, struct user_info *u, const char *key,
			    const char *value)
{
	struct user_extra *e = NULL;
	const char **values;

	for (size_t i = 0; i < u->num_extra && !e; i++)
		if (strcmp(u->extra[i].key, key) == 0)
			e = &u->extra[i];
	if (!e) {
		struct user_extra *grown = arena_alloc(a, (u->num_extra + 1) * sizeof(*grown));

		if (u->num_extra)
			memcpy(grown, u->extra, u->num_extra * sizeof(*grown));
		u->extra = grown;
		e = &u->extra[u->num_extra++];
		memset(e, 0, sizeof(*e));
		e->key = key;
	}
	values = arena_alloc(a, (e->num_values + 1) * sizeof(*values));
	if (e->num_values)
		memcpy(values, e->values, e->num_values * sizeof(*values));
	values[e->num_values++] = value;
	e->values = values;
}

/* The user a trusted front proxy names in its headers; false when it names none. */
static bool front_proxy_user(struct request *req, struct user_info *u)
{
	const struct authn_config *c = &authn_config;
	struct arena *a = &req->arena;
	const char *name = header_value(req, &c->username_headers);

	memset(u, 0, sizeof(*u));
	if (!name)
		return false;
	u->name = name;
	u->uid = c->uid_headers.len ? header_value(req, &c->uid_headers) : NULL;
	u->groups = arena_alloc(a, (req->num_headers + 1) * sizeof(*u->groups));
	for (size_t i = 0; i < c->group_headers.len; i++)
		for (size_t h = 0; h < req->num_headers; h++)
			if (strcasecmp(req->headers[h].name, c->group_headers.items[i]) == 0 &&
			    *req->headers[h].value)
				u->groups[u->num_groups++] = req->headers[h].value;
	for (size_t i = 0; i < c->extra_prefixes.len; i++) {
		const char *prefix = c->extra_prefixes.items[i];
		size_t n = strlen(prefix);

		for (size_t h = 0; h < req->num_headers; h++) {
			const char *hn = req->headers[h].name;
			char *key;

			if (strlen(hn) < n || strncasecmp(hn, prefix, n) != 0)
				continue;
			key = arena_strdup(a, hn + n);
			for (char *p = key; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
			add_extra_value(a, u, path_unescape(a, key), req->headers[h].value);
		}
	}
	return true;
}

/* WrapAudienceAgnosticRequest: the API's audiences that the request asks for. */
static bool agnostic_audiences(struct attempt *at, const char ***auds, size_t *num)
{
	const struct authn_strings *api = &authn_config.audiences;

	*auds = NULL;
	*num = 0;
	if (!at->targeted)
		return true;
	*auds = arena_alloc(&at->req->arena, (at->num_target + 1) * sizeof(**auds));
	for (size_t i = 0; i < at->num_target; i++)
		for (size_t j = 0; j < api->len; j++)
			if (strcmp(api->items[j], at->target[i]) == 0) {
				(*auds)[(*num)++] = at->target[i];
				break;
			}
	return *num > 0;
}

/* ---- the bearer token ---- */

static void token_done(void *ctx, const struct authn_token_result *res)
{
	struct attempt *at = ctx;
	struct user_info user;

	if (res->warning && !at->review)
		response_add_warning(at->req, res->warning);
	if (res->ok) {
		user = res->user;
		conclude(at, true, &user, res->audiences, res->num_audiences);
		return;
	}
	/* bearertoken: a token nobody recognised is still an error. Nested
	 * errors count one by one, as Go's aggregates flatten. */
	for (size_t i = 0; i < res->num_errors; i++)
		add_error(at, res->errors[i]);
	if (!res->num_errors)
		add_error(at, INVALID_TOKEN);
	conclude(at, false, NULL, NULL, 0);
}

/*
 * The bearer token of an Authorization header as request/bearertoken
 * splits it: "Bearer" (any case), one space, the token up to the next
 * space. NULL when there is none.
 */
static const char *bearer_token(struct attempt *at)
{
	const char *h = at->authorization, *end, *sp1, *sp2;

	if (!h)
		return NULL;
	while (*h == ' ' || *h == '\t' || *h == '\r' || *h == '\n' || *h == '\v' || *h == '\f')
		h++;
	end = h + strlen(h);
	while (end > h && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
			   end[-1] == '\n' || end[-1] == '\v' || end[-1] == '\f'))
		end--;
	sp1 = memchr(h, ' ', (size_t)(end - h));
	if (!sp1 || sp1 - h != 6 || strncasecmp(h, "bearer", 6) != 0)
		return NULL;
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2)
		sp2 = end;
	if (sp2 == sp1 + 1) {
		if (sp2 != end && !at->review)
			response_add_warning(at->req, SPACE_BEFORE_TOKEN);
		return NULL;
	}
	return arena_strndup(&at->req->arena, sp1 + 1, (size_t)(sp2 - sp1 - 1));
}

static void attempt_run(struct attempt *at)
{
	struct request *req = at->req;
	struct user_info user;
	const char **auds;
	size_t num_auds;
	const char *token;

	if (at->with_tls && authn_config.front_proxy && req->user.front_proxy) {
		if (req->user.front_proxy < 0)
			add_error(at,
				  "x509: the client certificate is not a trusted front proxy's");
		else if (front_proxy_user(req, &user) && agnostic_audiences(at, &auds, &num_auds)) {
			conclude(at, true, &user, auds, num_auds);
			return;
		}
	}
	if (at->with_tls && req->user.authenticated) {
		user = req->user;
		user.rejected = false;
		user.front_proxy = 0;
		conclude(at, true, &user, NULL, 0);
		return;
	}
	if (at->with_tls && req->user.rejected)
		add_error(at, "verifying certificate failed: x509: certificate signed by unknown "
			      "authority");
	if (authn_token_configured() && (token = bearer_token(at))) {
		authn_token_authenticate(req->worker, &req->arena, token, at->target,
					 at->num_target, at->targeted, token_done, at);
		return;
	}
	conclude(at, false, NULL, NULL, 0);
}

void authn_request(struct request *req, authn_next_fn next)
{
	struct attempt *at = arena_alloc(&req->arena, sizeof(*at));

	memset(at, 0, sizeof(*at));
	at->req = req;
	at->with_tls = true;
	at->authorization = request_header(req, "Authorization");
	/* WithAuthentication asks for the API's audiences when it has some. */
	at->target = authn_config.audiences.items;
	at->num_target = authn_config.audiences.len;
	at->targeted = authn_config.audiences.len > 0;
	at->next = next;
	attempt_run(at);
}

void authn_review_token(struct request *req, const char *token, const char *const *audiences,
			size_t num_audiences, authn_review_fn fn)
{
	struct attempt *at = arena_alloc(&req->arena, sizeof(*at));

	memset(at, 0, sizeof(*at));
	at->req = req;
	at->authorization = arena_printf(&req->arena, "Bearer %s", token);
	at->target = audiences;
	at->num_target = num_audiences;
	at->targeted = num_audiences > 0;
	at->review = fn;
	attempt_run(at);
}
