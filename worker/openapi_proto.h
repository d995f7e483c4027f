/*
 * openapi_proto.h - a Swagger 2.0 document in the protobuf form clients
 * ask /openapi/v2 for: gnostic's openapi.v2.Document message.
 */
#ifndef PGKUBE_OPENAPI_PROTO_H
#define PGKUBE_OPENAPI_PROTO_H

#include <jansson.h>

#include "shared/buf.h"

/*
 * Appends the encoding of doc to out, as kube-openapi makes it: gnostic
 * parses the JSON document (keys in the JSON text's order, which is
 * sorted) and marshals the message, fields in number order, vendor
 * extensions as NamedAny values holding their YAML text.
 */
void openapi_v2_proto(const json_t *doc, struct buf *out);

#endif
