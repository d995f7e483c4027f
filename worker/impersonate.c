/*
 * impersonate.c - the Impersonate-User, Impersonate-Group, Impersonate-Uid
 * and Impersonate-Extra-<key> headers, as k8s.io/apiserver's
 * WithImpersonation filter (v1.32) handles them.
 *
 * Each thing asked for is authorized for the real user with verb
 * "impersonate": users, groups and serviceaccounts (a user name
 * system:serviceaccount:NS:NAME) in the core group, uids and
 * userextras/<key> in authentication.k8s.io, the value as the name. The
 * first refusal answers 403 as the authorization filter would; groups,
 * extras or a uid without a user are a 500, as upstream answers them. The
 * new identity then replaces req->user: a service account gets its two
 * groups unless groups were given, and system:authenticated is added (or
 * system:unauthenticated for system:anonymous) unless already there.
 */
#include "worker/authz.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "worker/worker.h"

#define USER_HEADER	"Impersonate-User"
#define GROUP_HEADER	"Impersonate-Group"
#define UID_HEADER	"Impersonate-Uid"
#define EXTRA_PREFIX	"Impersonate-Extra-"
#define SA_PREFIX	"system:serviceaccount:"
#define AUTHN_GROUP	"authentication.k8s.io"
#define ANONYMOUS	"system:anonymous"
#define AUTHENTICATED	"system:authenticated"
#define UNAUTHENTICATED "system:unauthenticated"

/* One thing to impersonate: a v1.ObjectReference upstream. */
struct impersonation {
	const char *kind; /* ServiceAccount, User, Group, UserExtra, UID */
	const char *namespace;
	const char *name;
	const char *api_version; /* "authentication.k8s.io/v1" for UserExtra and UID */
	const char *field_path;	 /* the extra's key */
};

/* serviceaccount.SplitUsername: NS and NAME, both non-empty, no more ':'. */
static bool split_service_account(struct arena *a, const char *user, const char **ns,
				  const char **name)
{
	const char *rest, *colon;

	if (strncmp(user, SA_PREFIX, strlen(SA_PREFIX)) != 0)
		return false;
	rest = user + strlen(SA_PREFIX);
	colon = strchr(rest, ':');
	if (!colon || colon == rest || !colon[1] || strchr(colon + 1, ':'))
		return false;
	*ns = arena_strndup(a, rest, (size_t)(colon - rest));
	*name = arena_strdup(a, colon + 1);
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* unescapeExtraKey: the lower-cased key, %-decoded (kept as it is when malformed). */
static const char *extra_key(struct arena *a, const char *raw)
{
	char *lower = arena_strdup(a, raw), *out = arena_alloc(a, strlen(raw) + 1);
	size_t n = 0;

	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + ('a' - 'A'));
	for (size_t i = 0; lower[i]; i++) {
		if (lower[i] == '%') {
			int hi = hex_value(lower[i + 1]),
			    lo = hi < 0 ? -1 : hex_value(lower[i + 2]);

			if (hi < 0 || lo < 0)
				return lower;
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[n++] = lower[i];
		}
	}
	out[n] = '\0';
	return out;
}

/* Go's %v of a v1.ObjectReference: its seven fields, space-separated, in braces. */
static void describe_reference(struct buf *out, const struct impersonation *imp)
{
	buf_printf(out, "{%s %s %s  %s  %s}", imp->kind, imp->namespace, imp->name,
		   imp->api_version, imp->field_path);
}

/* buildImpersonationRequests; returns how many, -1 when it answered 500. */
static long build_requests(struct request *req, struct impersonation **out)
{
	struct arena *a = &req->arena;
	const char *user = request_header(req, USER_HEADER), *uid = request_header(req, UID_HEADER);
	struct impersonation *list = arena_alloc(a, (req->num_headers + 2) * sizeof(*list));
	bool has_user = user && *user, others = false;
	long n = 0;

	if (has_user) {
		const char *ns, *name;

		if (split_service_account(a, user, &ns, &name))
			list[n++] = (struct impersonation){"ServiceAccount", ns, name, "", ""};
		else
			list[n++] = (struct impersonation){"User", "", user, "", ""};
	}
	for (size_t i = 0; i < req->num_headers; i++)
		if (strcasecmp(req->headers[i].name, GROUP_HEADER) == 0) {
			list[n++] =
			    (struct impersonation){"Group", "", req->headers[i].value, "", ""};
			others = true;
		}
	for (size_t i = 0; i < req->num_headers; i++)
		if (strncasecmp(req->headers[i].name, EXTRA_PREFIX, strlen(EXTRA_PREFIX)) == 0) {
			list[n++] = (struct impersonation){
			    "UserExtra", "", req->headers[i].value, AUTHN_GROUP "/v1",
			    extra_key(a, req->headers[i].name + strlen(EXTRA_PREFIX))};
			others = true;
		}
	if (uid && *uid) {
		list[n++] = (struct impersonation){"UID", "", uid, AUTHN_GROUP "/v1", ""};
		others = true;
	}
	if (others && !has_user) {
		struct buf msg = {0};

		buf_printf(&msg, "Internal Server Error: \"%s\": requested [", req->target);
		for (long i = 0; i < n; i++) {
			if (i)
				buf_append_str(&msg, " ");
			describe_reference(&msg, &list[i]);
		}
		buf_append_str(&msg, "] without impersonating a user\n");
		response_add_header(req, "X-Content-Type-Options", "nosniff");
		response_send(req, 500, "text/plain; charset=utf-8",
			      arena_strndup(a, msg.data, msg.len), msg.len);
		buf_free(&msg);
		return -1;
	}
	*out = list;
	return n;
}

static bool has_group(const char **groups, size_t n, const char *g)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(groups[i], g) == 0)
			return true;
	return false;
}

bool authz_impersonate(struct request *req)
{
	struct arena *a = &req->arena;
	struct impersonation *list;
	long n = build_requests(req, &list);
	bool groups_given = false;
	const char *username = "", *uid = NULL, **groups;
	size_t num_groups = 0, num_extra = 0;
	struct user_extra *extra;

	if (n <= 0)
		return n == 0;
	groups = arena_alloc(a, (size_t)(n + 3) * sizeof(*groups));
	extra = arena_alloc(a, (size_t)n * sizeof(*extra));
	for (long i = 0; i < n; i++)
		groups_given = groups_given || strcmp(list[i].kind, "Group") == 0;
	for (long i = 0; i < n; i++) {
		const struct impersonation *imp = &list[i];
		bool authn = *imp->api_version != '\0';
		struct authz_attributes attrs = {
		    .user = req->user.name,
		    .groups = req->user.groups,
		    .num_groups = req->user.num_groups,
		    .resource_request = true,
		    .verb = "impersonate",
		    .api_group = authn ? AUTHN_GROUP : "",
		    .api_version = authn ? "v1" : "",
		    .namespace = imp->namespace,
		    .resource = "",
		    .subresource = "",
		    .name = imp->name,
		    .path = req->route.path,
		};
		const char *reason;

		if (strcmp(imp->kind, "ServiceAccount") == 0) {
			attrs.resource = "serviceaccounts";
			username = arena_printf(a, SA_PREFIX "%s:%s", imp->namespace, imp->name);
			if (!groups_given) {
				groups[0] = "system:serviceaccounts";
				groups[1] =
				    arena_printf(a, "system:serviceaccounts:%s", imp->namespace);
				num_groups = 2;
			}
		} else if (strcmp(imp->kind, "User") == 0) {
			attrs.resource = "users";
			username = imp->name;
		} else if (strcmp(imp->kind, "Group") == 0) {
			attrs.resource = "groups";
			groups[num_groups++] = imp->name;
		} else if (strcmp(imp->kind, "UserExtra") == 0) {
			size_t k;

			attrs.resource = "userextras";
			attrs.subresource = imp->field_path;
			for (k = 0; k < num_extra; k++)
				if (strcmp(extra[k].key, imp->field_path) == 0)
					break;
			if (k == num_extra) {
				extra[num_extra++] = (struct user_extra){
				    imp->field_path, arena_alloc(a, (size_t)n * sizeof(char *)), 0};
			}
			extra[k].values[extra[k].num_values++] = imp->name;
		} else {
			attrs.resource = "uids";
			uid = imp->name;
		}
		if (authz_decide(req->worker->authz, &attrs, a, &reason) != AUTHZ_ALLOW) {
			authz_send_forbidden(req, &attrs, reason);
			return false;
		}
	}
	if (strcmp(username, ANONYMOUS) != 0) {
		if (!has_group(groups, num_groups, AUTHENTICATED) &&
		    !has_group(groups, num_groups, UNAUTHENTICATED))
			groups[num_groups++] = AUTHENTICATED;
	} else if (!has_group(groups, num_groups, UNAUTHENTICATED)) {
		groups[num_groups++] = UNAUTHENTICATED;
	}
	req->user.name = username;
	req->user.uid = uid;
	req->user.groups = groups;
	req->user.num_groups = num_groups;
	req->user.extra = extra;
	req->user.num_extra = num_extra;
	req->user.authenticated = strcmp(username, ANONYMOUS) != 0;
	return true;
}
