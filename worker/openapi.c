/*
 * openapi.c - /openapi/v2 and /openapi/v3: the documents, cached, and how
 * kube-apiserver's kube-openapi handlers serve them.
 *
 * /openapi/v2 is one Swagger 2.0 document of every served path and every
 * definition they reach, as JSON or as gnostic's protobuf message
 * (kubectl up to 1.27 validates and explains from it). /openapi/v3 is an
 * index of one OpenAPI 3.0 document per group-version (and per group,
 * plus /api and /apis), each with only the schemas its paths reach;
 * kubectl 1.32 explains from them and looks up a kind's PATCH operation
 * to decide that the server validates fields (it sends
 * fieldValidation=Strict).
 *
 * The documents depend only on the registry and the type catalog, which
 * do not change while a worker runs, so each worker builds them once,
 * when first asked, and keeps their text. The descriptions of the
 * catalog's types are needed only while building, so their index is
 * dropped after each build (v2, then all of v3). The ETag of a document is the
 * SHA-512 of its JSON text in upper-case hex, as kube-openapi computes it;
 * the protobuf form of v2 shares the JSON's ETag (the answer varies by
 * Accept). A v3 document's URL in the index carries the same hash, and a
 * request naming an old hash is redirected to the current one.
 */
#include "openapi.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/catalog_descriptions.h"
#include "shared/config.h"
#include "shared/registry.h"
#include "worker/openapi_paths.h"
#include "worker/openapi_proto.h"
#include "worker/openapi_schema.h"

#define PROTOBUF_V2	       "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
#define PROTOBUF_V2_DEPRECATED "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

struct cached_doc {
	char *key; /* v3: "apis/apps/v1"; v2: NULL */
	char *json;
	size_t json_len;
	char *proto; /* v2 only */
	size_t proto_len;
	char etag[2 * 64 + 1];
	char last_modified[40];
};

static struct cached_doc v2_doc;
static struct cached_doc *v3_docs;
static size_t v3_count;
static struct cached_doc v3_index;

static json_t *bearer_token_scheme(void)
{
	return json_pack("{s:{s:s, s:s, s:s, s:s}}", "BearerToken", "description",
			 "Bearer Token authentication", "in", "header", "name", "authorization",
			 "type", "apiKey");
}

/* Keeps the compact JSON text of doc (a reference taken) and its ETag. */
static void cache_doc(struct cached_doc *d, json_t *doc)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	time_t now = time(NULL);
	struct tm tm;

	d->json = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	if (!d->json)
		abort();
	d->json_len = strlen(d->json);
	EVP_Digest(d->json, d->json_len, md, &md_len, EVP_sha512(), NULL);
	for (unsigned int i = 0; i < md_len && i < 64; i++)
		snprintf(d->etag + 2 * i, 3, "%02X", md[i]);
	gmtime_r(&now, &tm);
	strftime(d->last_modified, sizeof(d->last_modified), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	json_decref(doc);
}

static bool in_group_version(const struct resource_type *rt, const char *group, const char *version)
{
	return strcmp(rt->group, group) == 0 && strcmp(rt->version, version) == 0;
}

json_t *openapi_v2_document(void)
{
	json_t *paths = json_object(), *defs = json_object();

	openapi_paths_add_roots(paths, defs, true, true, OPENAPI_V2);
	for (size_t g = 0; g < registry_group_count(); g++) {
		const char *group = registry_group_at(g);
		const char *versions[16];
		size_t n = registry_group_versions(group, versions, 16);

		if (*group)
			openapi_paths_add_group(paths, defs, group, OPENAPI_V2);
		for (size_t v = 0; v < n; v++)
			openapi_paths_add_group_version(paths, defs, group, versions[v],
							OPENAPI_V2);
	}
	for (size_t i = 0; i < registry_count(); i++)
		openapi_paths_add_resource(paths, defs, registry_at(i), OPENAPI_V2);
	openapi_paths_add_shared_kinds(defs, OPENAPI_V2);
	return json_pack("{s:s, s:{s:s, s:s}, s:o, s:o, s:[{s:[]}], s:o}", "swagger", "2.0", "info",
			 "title", "Kubernetes", "version", PGKUBE_GIT_VERSION, "paths", paths,
			 "definitions", defs, "security", "BearerToken", "securityDefinitions",
			 bearer_token_scheme());
}

json_t *openapi_v3_document(const char *key)
{
	json_t *paths = json_object(), *schemas = json_object();
	char group[256] = "", version[64] = "";
	bool any = false;

	if (strcmp(key, "api") == 0 || strcmp(key, "apis") == 0) {
		openapi_paths_add_roots(paths, schemas, key[3] == '\0', key[3] == 's', OPENAPI_V3);
		any = true;
	} else if (strncmp(key, "api/", 4) == 0) {
		snprintf(version, sizeof(version), "%s", key + 4);
	} else if (strncmp(key, "apis/", 5) == 0) {
		const char *slash = strchr(key + 5, '/');

		snprintf(group, sizeof(group), "%.*s",
			 (int)(slash ? (size_t)(slash - key - 5) : strlen(key + 5)), key + 5);
		if (slash) {
			snprintf(version, sizeof(version), "%s", slash + 1);
		} else {
			const char *versions[16];

			any = registry_group_versions(group, versions, 16) > 0;
			if (any)
				openapi_paths_add_group(paths, schemas, group, OPENAPI_V3);
		}
	}
	if (*version && !strchr(version, '/')) {
		for (size_t i = 0; i < registry_count(); i++) {
			const struct resource_type *rt = registry_at(i);

			if (!in_group_version(rt, group, version))
				continue;
			if (!any)
				openapi_paths_add_group_version(paths, schemas, group, version,
								OPENAPI_V3);
			any = true;
			openapi_paths_add_resource(paths, schemas, rt, OPENAPI_V3);
		}
	}
	if (!any) {
		json_decref(paths);
		json_decref(schemas);
		return NULL;
	}
	openapi_paths_add_shared_kinds(schemas, OPENAPI_V3);
	return json_pack("{s:s, s:{s:s, s:s}, s:o, s:{s:o, s:o}}", "openapi", "3.0.0", "info",
			 "title", "Kubernetes", "version", "unversioned", "paths", paths,
			 "components", "schemas", schemas, "securitySchemes",
			 bearer_token_scheme());
}

/* Builds and keeps the v3 document of key, listing it in index. */
static void add_v3_doc(json_t *index, const char *key)
{
	json_t *doc = openapi_v3_document(key);
	struct cached_doc *d;

	if (!doc)
		return;
	v3_docs = realloc(v3_docs, (v3_count + 1) * sizeof(*v3_docs));
	if (!v3_docs)
		abort();
	d = &v3_docs[v3_count++];
	*d = (struct cached_doc){.key = strdup(key)};
	if (!d->key)
		abort();
	cache_doc(d, doc);
	json_object_set_new(
	    index, key,
	    json_pack("{s:s+++}", "serverRelativeURL", "/openapi/v3/", key, "?hash=", d->etag));
}

/* Every v3 document and the index of their URLs, built at once. */
static void build_v3(void)
{
	json_t *index = json_object();
	char key[320];

	add_v3_doc(index, "api");
	add_v3_doc(index, "apis");
	for (size_t g = 0; g < registry_group_count(); g++) {
		const char *group = registry_group_at(g);
		const char *versions[16];
		size_t n = registry_group_versions(group, versions, 16);

		if (*group) {
			snprintf(key, sizeof(key), "apis/%s", group);
			add_v3_doc(index, key);
		}
		for (size_t v = 0; v < n; v++) {
			if (*group)
				snprintf(key, sizeof(key), "apis/%s/%s", group, versions[v]);
			else
				snprintf(key, sizeof(key), "api/%s", versions[v]);
			add_v3_doc(index, key);
		}
	}
	cache_doc(&v3_index, json_pack("{s:o}", "paths", index));
	catalog_descriptions_release();
}

static const struct cached_doc *v3_doc(const char *key)
{
	if (!v3_index.json)
		build_v3();
	for (size_t i = 0; i < v3_count; i++)
		if (strcmp(v3_docs[i].key, key) == 0)
			return &v3_docs[i];
	return NULL;
}

/* The v2 document in both forms, made together: clients ask for one or the other. */
static const struct cached_doc *v2(void)
{
	if (!v2_doc.json) {
		json_t *doc = openapi_v2_document();
		struct buf b = {0};

		openapi_v2_proto(doc, &b);
		v2_doc.proto = b.data;
		v2_doc.proto_len = b.len;
		cache_doc(&v2_doc, doc);
		catalog_descriptions_release();
	}
	return &v2_doc;
}

/* One media range of an Accept header, as goautoneg reads it. */
struct accept_clause {
	char type[64], subtype[128];
	double q;
};

/*
 * The clauses of Accept (all media types when there is none), highest q
 * first, a concrete type before a wildcard of the same q.
 */
static size_t parse_accept(const char *accept, struct accept_clause *out, size_t max)
{
	size_t n = 0;

	if (!accept || !*accept)
		accept = "*/*";
	while (*accept && n < max) {
		const char *end = strchr(accept, ',');
		size_t len = end ? (size_t)(end - accept) : strlen(accept);
		char range[256], *semi, *slash, *p, *mt;
		struct accept_clause c = {.q = 1};

		snprintf(range, sizeof(range), "%.*s", (int)len, accept);
		accept += len + (end ? 1 : 0);
		semi = strchr(range, ';');
		for (p = semi; p; p = strchr(p + 1, ';')) {
			char *param = p + 1;

			while (*param == ' ')
				param++;
			if (strncmp(param, "q=", 2) == 0)
				c.q = strtod(param + 2, NULL);
		}
		if (semi)
			*semi = '\0';
		mt = range;
		while (*mt == ' ')
			mt++;
		for (p = mt + strlen(mt); p > mt && p[-1] == ' ';)
			*--p = '\0';
		slash = strchr(mt, '/');
		if (slash) {
			snprintf(c.type, sizeof(c.type), "%.*s", (int)(slash - mt), mt);
			snprintf(c.subtype, sizeof(c.subtype), "%s", slash + 1);
		} else if (strcmp(mt, "*") == 0) {
			strcpy(c.type, "*");
			strcpy(c.subtype, "*");
		} else {
			continue;
		}
		out[n++] = c;
	}
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0; j--) {
			const struct accept_clause *a = &out[j - 1], *b = &out[j];
			bool swap =
			    b->q > a->q ||
			    (b->q == a->q &&
			     ((strcmp(b->type, "*") != 0 && strcmp(a->type, "*") == 0) ||
			      (strcmp(b->subtype, "*") != 0 && strcmp(a->subtype, "*") == 0)));
			struct accept_clause t;

			if (!swap)
				break;
			t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	}
	return n;
}

/*
 * Which of offered ("application/json", ...) the Accept header picks: the
 * first offer matching the first clause that matches any; -1 for none.
 */
static int negotiate(const struct request *req, const char *const *offered, size_t n_offered)
{
	struct accept_clause clauses[16];
	size_t n = parse_accept(request_header(req, "Accept"), clauses, 16);

	/* As kube-openapi's handlers, which do not leave out q=0 ranges. */
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < n_offered; k++) {
			const char *slash = strchr(offered[k], '/');
			size_t type_len = (size_t)(slash - offered[k]);
			bool type_ok = strcmp(clauses[i].type, "*") == 0 ||
				       (strlen(clauses[i].type) == type_len &&
					strncmp(clauses[i].type, offered[k], type_len) == 0);
			bool subtype_ok = strcmp(clauses[i].subtype, "*") == 0 ||
					  strcmp(clauses[i].subtype, slash + 1) == 0;

			if (type_ok && subtype_ok)
				return (int)k;
		}
	}
	return -1;
}

/* If-None-Match naming etag (or "*"): the client's copy is current. */
static bool not_modified(const struct request *req, const char *etag)
{
	const char *inm = request_header(req, "If-None-Match");
	size_t len = strlen(etag);

	if (!inm)
		return false;
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '*')
			return true;
		if (*p == '"' && strncmp(p + 1, etag, len) == 0 && p[1 + len] == '"')
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
	}
	return false;
}

/* Answers with a cached text, or 304 when the client has it. */
static void send_doc(struct request *req, const struct cached_doc *d, const char *content_type,
		     const char *body, size_t len)
{
	response_add_header(req, "Etag", arena_printf(&req->arena, "\"%s\"", d->etag));
	response_add_header(req, "Last-Modified", d->last_modified);
	if (not_modified(req, d->etag)) {
		response_send(req, 304, content_type, NULL, 0);
		return;
	}
	response_send(req, 200, content_type, body, len);
}

static void serve_v2(struct request *req)
{
	static const char *const offered[] = {"application/json", PROTOBUF_V2_DEPRECATED,
					      PROTOBUF_V2};
	int pick = negotiate(req, offered, 3);
	const struct cached_doc *d;

	response_add_header(req, "Vary", "Accept");
	if (pick < 0) {
		response_send(req, 406, "text/plain; charset=utf-8", "", 0);
		return;
	}
	d = v2();
	if (pick == 0)
		send_doc(req, d, "application/json", d->json, d->json_len);
	else
		send_doc(req, d, PROTOBUF_V2, d->proto, d->proto_len);
}

/* A year from now, as Go's time.RFC1123 writes a UTC time. */
static const char *year_from_now(struct arena *a)
{
	time_t later = time(NULL) + 365 * 24 * 3600;
	struct tm tm;
	char *out = arena_alloc(a, 40);

	gmtime_r(&later, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S UTC", &tm);
	return out;
}

static void serve_v3(struct request *req, const char *key)
{
	static const char *const offered[] = {"application/json"};
	const struct cached_doc *d = v3_doc(key);
	const char *hash = route_param(&req->route, "hash");

	if (!d) {
		response_send_not_found(req);
		return;
	}
	response_add_header(req, "Vary", "Accept");
	if (negotiate(req, offered, 1) < 0) {
		response_send(req, 406, "text/plain; charset=utf-8", "", 0);
		return;
	}
	if (hash && *hash) {
		if (strcmp(hash, d->etag) != 0) {
			const char *url =
			    arena_printf(&req->arena, "/openapi/v3/%s?hash=%s", key, d->etag);

			response_add_header(req, "Location", url);
			response_send(req, 301, "text/html; charset=utf-8", "", 0);
			return;
		}
		/* Immutable under its hash: kube-openapi lets it be cached for a year. */
		response_add_header(req, "Cache-Control", "public, immutable");
		response_add_header(req, "Expires", year_from_now(&req->arena));
	}
	send_doc(req, d, "application/json", d->json, d->json_len);
}

bool openapi_serve(struct request *req)
{
	const char *path = req->route.path;

	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return false;
	if (strcmp(path, "/openapi/v2") == 0) {
		serve_v2(req);
		return true;
	}
	if (strcmp(path, "/openapi/v3") == 0 || strcmp(path, "/openapi/v3/") == 0) {
		if (!v3_index.json)
			build_v3();
		send_doc(req, &v3_index, "application/json", v3_index.json, v3_index.json_len);
		return true;
	}
	if (strncmp(path, "/openapi/v3/", 12) == 0 && v3_doc(path + 12)) {
		serve_v3(req, path + 12);
		return true;
	}
	return false;
}
