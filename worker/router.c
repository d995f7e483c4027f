/*
 * router.c - request-target to route; see router.h.
 *
 * The path rules follow kube-apiserver's RequestInfoFactory.NewRequestInfo
 * so that authorization, admission and audit see the same resource, name
 * and verb a real apiserver would: the path is percent-decoded, trimmed of
 * '/', split, and read left to right (prefix, group, version, the old
 * "watch" prefix, "namespaces/NS", resource, name, subresource). The query
 * is decoded the way Go's url.ParseQuery does, except that a bad escape
 * fails the request instead of silently dropping the parameter.
 *
 * Everything is copied into the request's arena, so the route outlives the
 * connection's read buffer.
 */
#include "router.h"

#include "shared/hex.h"

#include <string.h>

/* The Kubernetes verb for each HTTP method on a resource path. */
static const struct {
	const char *method;
	const char *verb;
} router_method_verbs[] = {
    {"POST", "create"}, {"GET", "get"},	    {"HEAD", "get"},
    {"PUT", "update"},	{"PATCH", "patch"}, {"DELETE", "delete"},
};

/* Subresources of a namespace: /namespaces/NS/status is not a resource "status" in NS. */
static const char *const router_namespace_subresources[] = {"status", "finalize"};

/*
 * Decodes %XX escapes (and '+' when plus_is_space) into a new string in
 * the arena; NULL on a malformed escape or a NUL byte, which a C string
 * could not carry.
 */
static char *percent_decode(struct arena *a, const char *s, size_t len, bool plus_is_space)
{
	char *out = arena_alloc(a, len + 1);
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return NULL;
			hi = hex_digit_value((unsigned char)s[i + 1]);
			lo = hex_digit_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0')
			return NULL;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return out;
}

/* name[=value] pairs split on '&'; empty pairs are skipped, as Go does. */
static int parse_query(struct arena *a, const char *query, size_t len, struct route *out)
{
	size_t pairs = 1, i, start = 0;

	for (i = 0; i < len; i++) {
		if (query[i] == '&')
			pairs++;
	}
	out->params = arena_alloc(a, pairs * sizeof(*out->params));
	for (i = 0; i <= len; i++) {
		const char *pair = query + start, *eq;
		size_t pair_len = i - start;
		struct query_param *p;

		if (i < len && query[i] != '&')
			continue;
		start = i + 1;
		if (pair_len == 0)
			continue;
		p = &out->params[out->num_params];
		eq = memchr(pair, '=', pair_len);
		if (eq) {
			p->name = percent_decode(a, pair, (size_t)(eq - pair), true);
			p->value =
			    percent_decode(a, eq + 1, pair_len - (size_t)(eq - pair) - 1, true);
		} else {
			p->name = percent_decode(a, pair, pair_len, true);
			p->value = "";
		}
		if (!p->name || !p->value)
			return -1;
		out->num_params++;
	}
	return 0;
}

/*
 * Splits a copy of the decoded path into its '/'-separated segments, with
 * leading and trailing slashes trimmed. Returns the number of segments, or
 * -1 when a segment in the middle is empty ("/api//v1").
 */
static long split_path(struct arena *a, const char *path, char ***segments)
{
	size_t len = strlen(path), start = 0, count = 1, i, n = 0;
	char *copy;

	while (start < len && path[start] == '/')
		start++;
	while (len > start && path[len - 1] == '/')
		len--;
	if (start == len) {
		*segments = NULL;
		return 0;
	}
	copy = arena_strndup(a, path + start, len - start);
	len -= start;
	for (i = 0; i < len; i++) {
		if (copy[i] == '/')
			count++;
	}
	*segments = arena_alloc(a, count * sizeof(**segments));
	(*segments)[n++] = copy;
	for (i = 0; i < len; i++) {
		if (copy[i] != '/')
			continue;
		if (copy[i + 1] == '/')
			return -1;
		copy[i] = '\0';
		(*segments)[n++] = copy + i + 1;
	}
	return (long)n;
}

static bool is_dot_segment(const char *s)
{
	return strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
}

static bool ascii_equal_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a + ('a' - 'A')) : *a;
		char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b + ('a' - 'A')) : *b;

		if (ca != cb)
			return false;
	}
	return *a == *b;
}

/* The verb for a method in router_method_verbs; NULL for any other method. */
static const char *resource_verb(const char *method, size_t method_len)
{
	size_t i;

	for (i = 0; i < sizeof(router_method_verbs) / sizeof(router_method_verbs[0]); i++) {
		const char *m = router_method_verbs[i].method;

		if (strlen(m) == method_len && memcmp(m, method, method_len) == 0)
			return router_method_verbs[i].verb;
	}
	return NULL;
}

static bool is_namespace_subresource(const char *s)
{
	size_t i;

	for (i = 0;
	     i < sizeof(router_namespace_subresources) / sizeof(router_namespace_subresources[0]);
	     i++) {
		if (strcmp(s, router_namespace_subresources[i]) == 0)
			return true;
	}
	return false;
}

/*
 * A list or watch naming one object through fieldSelector=metadata.name=X
 * is authorized and audited as a request for X, as upstream does. Only the
 * plain single-requirement form is recognised; anything else leaves the
 * name empty, which is the cautious answer (the request is then about the
 * whole collection).
 */
static const char *field_selector_name(const struct route *r)
{
	static const char prefix[] = "metadata.name=";
	const char *selector = route_param(r, "fieldSelector");
	const char *name;

	if (!selector || strncmp(selector, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	name = selector + sizeof(prefix) - 1;
	if (*name == '=')
		name++;
	if (is_dot_segment(name) || strpbrk(name, "/%,\\=!"))
		return NULL;
	return name;
}

/*
 * The resource path after /api/VERSION or /apis/GROUP/VERSION: parts[0..n).
 * r->verb is the method's verb, or "" for a method without one (as
 * upstream's RequestInfo has it: OPTIONS, or a lower-case "get", is no
 * verb); such a request never becomes a list or a deletecollection. The
 * special verbs "watch" and "proxy" come from the path; a proxy has no
 * subresource.
 */
static int route_resource(char **parts, long n, struct route *r)
{
	bool proxy = false;

	if (strcmp(parts[0], "watch") == 0 || strcmp(parts[0], "proxy") == 0) {
		proxy = parts[0][0] == 'p';
		r->verb = proxy ? "proxy" : "watch";
		parts++;
		n--;
		if (n == 0)
			return -1;
	}
	if (strcmp(parts[0], "namespaces") == 0 && n > 1) {
		r->namespace = parts[1];
		if (n > 2 && !is_namespace_subresource(parts[2])) {
			parts += 2;
			n -= 2;
		}
	}
	r->resource = parts[0];
	if (n > 1)
		r->name = parts[1];
	if (n > 2 && !proxy)
		r->subresource = parts[2];
	if (!r->verb) {
		r->verb = "";
		return 0;
	}

	if (r->name[0] == '\0' && strcmp(r->verb, "get") == 0) {
		const char *watch = route_param(r, "watch");
		const char *name = field_selector_name(r);

		if (watch && !ascii_equal_nocase(watch, "false") && strcmp(watch, "0") != 0)
			r->verb = "watch";
		else
			r->verb = "list";
		if (name)
			r->name = name;
	}
	if (r->name[0] == '\0' && strcmp(r->verb, "delete") == 0)
		r->verb = "deletecollection";
	return 0;
}

int router_parse(struct arena *a, const char *method, size_t method_len, const char *target,
		 size_t target_len, struct route *out)
{
	const char *query = memchr(target, '?', target_len);
	size_t path_len = query ? (size_t)(query - target) : target_len;
	char *lower_method = arena_strndup(a, method, method_len);
	char **parts;
	long n, i, first_resource_part;

	for (i = 0; i < (long)method_len; i++) {
		if (lower_method[i] >= 'A' && lower_method[i] <= 'Z')
			lower_method[i] = (char)(lower_method[i] + ('a' - 'A'));
	}
	*out = (struct route){
	    .kind = ROUTE_NON_RESOURCE,
	    .path = "",
	    .group = "",
	    .version = "",
	    .namespace = "",
	    .resource = "",
	    .name = "",
	    .subresource = "",
	    .verb = lower_method,
	    .params = NULL,
	    .num_params = 0,
	};

	if (path_len == 0 || target[0] != '/')
		return -1;
	out->path = percent_decode(a, target, path_len, false);
	if (!out->path)
		return -1;
	if (query && parse_query(a, query + 1, target_len - path_len - 1, out) != 0)
		return -1;

	n = split_path(a, out->path, &parts);
	if (n <= 0)
		return 0;
	if (strcmp(parts[0], "api") == 0) {
		first_resource_part = 2;
		if (n == 1)
			out->kind = ROUTE_API_ROOT;
		if (n >= 2)
			out->version = parts[1];
		if (n == 2)
			out->kind = ROUTE_GROUP_VERSION;
	} else if (strcmp(parts[0], "apis") == 0) {
		first_resource_part = 3;
		if (n == 1)
			out->kind = ROUTE_APIS_ROOT;
		if (n >= 2)
			out->group = parts[1];
		if (n == 2)
			out->kind = ROUTE_GROUP;
		if (n >= 3)
			out->version = parts[2];
		if (n == 3)
			out->kind = ROUTE_GROUP_VERSION;
	} else {
		return 0;
	}

	/* Segments become table keys and names: no path tricks below /api. */
	for (i = 0; i < n; i++) {
		if (is_dot_segment(parts[i]))
			return -1;
	}
	if (n <= first_resource_part)
		return 0;
	out->kind = ROUTE_RESOURCE;
	out->verb = resource_verb(method, method_len);
	return route_resource(parts + first_resource_part, n - first_resource_part, out);
}

const char *route_param(const struct route *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->num_params; i++) {
		if (strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	}
	return NULL;
}
