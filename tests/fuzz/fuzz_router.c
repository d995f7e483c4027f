/*
 * fuzz_router.c - libFuzzer target for worker/router.c.
 *
 * The input is one byte choosing the method, then a request-target of any
 * bytes. A route must hold the invariants handlers rely on (no NULL
 * strings, no "." or ".." or '/' in a resource's names, parameters that
 * route_param finds) and must live wholly in the arena: the target is
 * freed before the route is read. A route must also survive a round trip:
 * percent-encoding its decoded path again and parsing that must give the
 * same route.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "worker/router.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static const char *const fuzz_methods[] = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "get", "PROPFIND",
};

static bool is_dot_segment(const char *s)
{
	return strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
}

static bool is_path_segment(const char *s)
{
	return !is_dot_segment(s) && strchr(s, '/') == NULL;
}

static bool is_kubernetes_verb(const char *verb)
{
	static const char *const verbs[] = {"get",   "list",   "watch", "create",	   "update",
					    "patch", "delete", "proxy", "deletecollection"};

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verb, verbs[i]) == 0)
			return true;
	return false;
}

static void check_route(const struct route *r, const char *lower_method)
{
	size_t i;

	fuzz_assert(r->path && r->group && r->version && r->namespace && r->resource && r->name &&
		    r->subresource && r->verb);
	fuzz_assert(r->path[0] == '/');
	fuzz_assert(r->num_params == 0 || r->params);
	for (i = 0; i < r->num_params; i++) {
		const char *first = route_param(r, r->params[i].name);

		fuzz_assert(r->params[i].name && r->params[i].value);
		fuzz_assert(first);
		if (strcmp(first, r->params[i].value) != 0) {
			size_t j;

			for (j = 0; j < i; j++) {
				if (strcmp(r->params[j].name, r->params[i].name) == 0)
					break;
			}
			fuzz_assert(j < i);
		}
	}

	switch (r->kind) {
	case ROUTE_NON_RESOURCE:
	case ROUTE_API_ROOT:
	case ROUTE_APIS_ROOT:
		fuzz_assert(!r->group[0] && !r->version[0]);
		break;
	case ROUTE_GROUP:
		fuzz_assert(r->group[0] && !r->version[0] && is_path_segment(r->group));
		break;
	case ROUTE_GROUP_VERSION:
		fuzz_assert(r->version[0] && is_path_segment(r->version));
		fuzz_assert(is_path_segment(r->group));
		break;
	case ROUTE_RESOURCE:
		fuzz_assert(r->version[0] && r->resource[0]);
		fuzz_assert(is_path_segment(r->group) && is_path_segment(r->version));
		fuzz_assert(is_path_segment(r->namespace) && is_path_segment(r->resource));
		fuzz_assert(is_path_segment(r->name) && is_path_segment(r->subresource));
		/* A Kubernetes verb, or "" for a method without one (RequestInfo). */
		fuzz_assert(!r->verb[0] || is_kubernetes_verb(r->verb));
		fuzz_assert(!r->subresource[0] || r->name[0]);
		fuzz_assert(strcmp(r->verb, "get") != 0 || r->name[0] ||
			    strcmp(lower_method, "get") == 0);
		fuzz_assert(strcmp(r->verb, "delete") != 0 || r->name[0] ||
			    strcmp(lower_method, "delete") == 0);
		break;
	default:
		abort();
	}
	if (r->kind != ROUTE_RESOURCE) {
		fuzz_assert(!r->namespace[0] && !r->resource[0] && !r->name[0] &&
			    !r->subresource[0]);
		fuzz_assert(strcmp(r->verb, lower_method) == 0);
	}
}

static void same_route(const struct route *a, const struct route *b)
{
	fuzz_assert(a->kind == b->kind);
	fuzz_assert(strcmp(a->path, b->path) == 0);
	fuzz_assert(strcmp(a->group, b->group) == 0);
	fuzz_assert(strcmp(a->version, b->version) == 0);
	fuzz_assert(strcmp(a->namespace, b->namespace) == 0);
	fuzz_assert(strcmp(a->resource, b->resource) == 0);
	fuzz_assert(strcmp(a->name, b->name) == 0);
	fuzz_assert(strcmp(a->subresource, b->subresource) == 0);
	fuzz_assert(strcmp(a->verb, b->verb) == 0);
	fuzz_assert(a->num_params == b->num_params);
}

/* The decoded path with every byte but '/' and alphanumerics escaped, then the raw query. */
static char *reencode(const char *path, const char *query, size_t query_len, size_t *len)
{
	size_t path_len = strlen(path), i, n = 0;
	char *out = malloc(path_len * 3 + query_len + 2);

	fuzz_assert(out);
	for (i = 0; i < path_len; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c == '/' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			out[n++] = (char)c;
		else
			n += (size_t)sprintf(out + n, "%%%02X", c);
	}
	if (query) {
		out[n++] = '?';
		memcpy(out + n, query, query_len);
		n += query_len;
	}
	*len = n;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
	struct arena arena = {0};
	const char *method, *query;
	char lower_method[16];
	char *target, *again;
	size_t len, again_len, query_len, i;
	struct route r, r2;
	int res;

	if (size == 0)
		return 0;
	method = fuzz_methods[input[0] % (sizeof(fuzz_methods) / sizeof(fuzz_methods[0]))];
	for (i = 0; method[i]; i++)
		lower_method[i] =
		    method[i] >= 'A' && method[i] <= 'Z' ? (char)(method[i] + 32) : method[i];
	lower_method[i] = '\0';

	/* A buffer of its own, freed before the route is read. */
	len = size - 1;
	target = malloc(len ? len : 1);
	fuzz_assert(target);
	memcpy(target, input + 1, len);
	res = router_parse(&arena, method, strlen(method), target, len, &r);
	query = memchr(input + 1, '?', len);
	query_len = 0;
	if (query) {
		query++;
		query_len = (size_t)((const char *)input + size - query);
	}
	free(target);
	if (res != 0) {
		fuzz_assert(res == -1);
		arena_free(&arena);
		return 0;
	}
	check_route(&r, lower_method);

	again = reencode(r.path, query, query_len, &again_len);
	fuzz_assert(router_parse(&arena, method, strlen(method), again, again_len, &r2) == 0);
	free(again);
	same_route(&r, &r2);
	for (i = 0; i < r.num_params; i++) {
		fuzz_assert(strcmp(r.params[i].name, r2.params[i].name) == 0);
		fuzz_assert(strcmp(r.params[i].value, r2.params[i].value) == 0);
	}
	arena_free(&arena);
	return 0;
}
