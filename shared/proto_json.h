/*
 * proto_json.h - protobuf bodies to and from the JSON the store keeps, for
 * any type of the catalog (shared/catalog.h).
 *
 * proto_json_decode() gives the JSON that kube-apiserver would write after
 * decoding the same bytes into its Go struct: fields in declaration order;
 * a zero scalar written only when its Go field is a pointer or its json tag
 * has no omitempty; structs always written (a zero metav1.Time as null);
 * the special types (Time, MicroTime, Duration, Quantity, IntOrString,
 * RawExtension, named slices, the JSONSchemaProps unions) in their JSON
 * forms. Unknown field numbers are skipped, as Go's decoders skip them.
 *
 * proto_json_encode() writes the fields a JSON object has, in field-number
 * order, map entries in key order; JSON members the catalog does not know,
 * or whose JSON type does not fit the field, are left out.
 */
#ifndef PGKUBE_PROTO_JSON_H
#define PGKUBE_PROTO_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"
#include "shared/catalog.h"

/* Nesting deeper than this is refused (a recursion bomb). */
#define PROTO_JSON_MAX_DEPTH 100

/*
 * The message of type t in data[0..len) as a JSON object (a new
 * reference), or NULL with a message in err (of err_len bytes).
 */
json_t *proto_json_decode(const struct catalog_type *t, const uint8_t *data, size_t len, char *err,
			  size_t err_len);

/*
 * An object of a kind named by apiVersion and kind (as a k8s envelope
 * names them), with "kind" and "apiVersion" first as Go's TypeMeta puts
 * them; depth is the nesting it is found at (0 for a request body).
 */
json_t *proto_json_decode_object(const char *api_version, const char *kind, const uint8_t *data,
				 size_t len, char *err, size_t err_len, int depth);

/* Appends obj, a JSON object, as a message of type t. */
void proto_json_encode(const struct catalog_type *t, json_t *obj, struct buf *out);

/*
 * The catalog type an object names with kind and apiVersion; the
 * meta.k8s.io kinds (Status, WatchEvent...) under any apiVersion. NULL
 * when the catalog has none.
 */
const struct catalog_type *proto_json_type_of(json_t *obj);
/* Appends obj in the "k8s\0" envelope; false (nothing appended) for a kind outside the catalog. */
bool proto_json_encode_object(json_t *obj, struct buf *out);

#endif
