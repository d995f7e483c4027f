/*
 * fuzz_proto_json.c - libFuzzer target for the protobuf codec: the
 * envelope (shared/protobuf.c) and protobuf <-> JSON by the type catalog
 * (shared/proto_json*.c).
 *
 * The input is read as a request body: unwrapped from "k8s\0" +
 * runtime.Unknown and decoded as the kind it names, as
 * worker/rest_write.c does. It is also decoded directly as a few fixed
 * types, the deep and recursive ones among them (Pod, the
 * CustomResourceDefinition and its JSONSchemaProps). Whatever decodes must
 * encode and decode again, and from then on the encoding is a fixed point:
 * the first decode is where lossy input (a field written twice, a null
 * union, a float NaN) settles, so encoding its result, decoding and
 * encoding again gives the same bytes. A failed decode must say why.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/catalog.h"
#include "shared/proto_json.h"
#include "shared/protobuf.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static const char *const fixed_types[] = {
    "k8s.io.api.core.v1.ConfigMap",
    "k8s.io.api.core.v1.Pod",
    "k8s.io.api.apps.v1.Deployment",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
};

static void load_catalog_once(void)
{
	static bool loaded;
	char err[256];

	if (loaded)
		return;
	if (catalog_load(err, sizeof(err)) != 0) {
		fprintf(stderr, "catalog: %s\n", err);
		abort();
	}
	loaded = true;
}

static void encode(const struct catalog_type *t, json_t *obj, struct buf *out)
{
	proto_json_encode(t, obj, out);
	fuzz_assert(out->len == 0 || out->data);
}

/* v, decoded as type t, must survive encode -> decode, and then be a fixed point. */
static void check_round_trip(const struct catalog_type *t, json_t *v)
{
	struct buf first = {0}, second = {0};
	char err[512] = "";
	json_t *again;

	encode(t, v, &first);
	again = proto_json_decode(t, (const uint8_t *)(first.data ? first.data : ""), first.len,
				  err, sizeof(err));
	if (!again) {
		fprintf(stderr, "%s: re-decoding failed: %s\n", t->name, err);
		abort();
	}
	encode(t, again, &second);
	if (first.len != second.len || (first.len && memcmp(first.data, second.data, first.len))) {
		char *text = json_dumps(again, JSON_COMPACT | JSON_ENCODE_ANY);

		fprintf(stderr, "%s: encoding is not a fixed point (%zu vs %zu bytes) for %s\n",
			t->name, first.len, second.len, text ? text : "?");
		abort();
	}
	json_decref(again);
	buf_free(&first);
	buf_free(&second);
}

static void check_envelope(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	struct proto_unknown u;
	const char *perr = NULL;
	char err[512] = "", group[256];
	const char *slash;
	json_t *obj;

	if (proto_unwrap(&a, data, size, &u, &perr) < 0) {
		fuzz_assert(perr && perr[0]);
		arena_free(&a);
		return;
	}
	fuzz_assert(u.api_version && u.kind && u.content_encoding && u.content_type);
	fuzz_assert(u.raw_len == 0 || (u.raw >= data && u.raw + u.raw_len <= data + size));
	obj =
	    proto_json_decode_object(u.api_version, u.kind, u.raw, u.raw_len, err, sizeof(err), 0);
	if (!obj) {
		fuzz_assert(err[0]);
		arena_free(&a);
		return;
	}
	fuzz_assert(json_is_object(obj));
	/* Only a registered kind decodes, and it comes first, as Go's TypeMeta. */
	fuzz_assert(strcmp(json_string_value(json_object_get(obj, "kind")), u.kind) == 0);
	fuzz_assert(strcmp(json_string_value(json_object_get(obj, "apiVersion")), u.api_version) ==
		    0);
	slash = strchr(u.api_version, '/');
	snprintf(group, sizeof(group), "%.*s", slash ? (int)(slash - u.api_version) : 0,
		 u.api_version);
	check_round_trip(catalog_kind(group, slash ? slash + 1 : u.api_version, u.kind), obj);
	json_decref(obj);
	arena_free(&a);
}

static void check_fixed_type(const char *name, const uint8_t *data, size_t size)
{
	const struct catalog_type *t = catalog_type(name);
	char err[512] = "";
	json_t *v;

	fuzz_assert(t);
	v = proto_json_decode(t, data, size, err, sizeof(err));
	if (!v) {
		fuzz_assert(err[0]);
		return;
	}
	check_round_trip(t, v);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load_catalog_once();
	check_envelope(data, size);
	for (size_t i = 0; i < sizeof(fixed_types) / sizeof(fixed_types[0]); i++)
		check_fixed_type(fixed_types[i], data, size);
	return 0;
}
