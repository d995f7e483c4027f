/*
 * protobuf.h - the protobuf wire format, and Kubernetes' envelope around it.
 *
 * A reader walks one message's bytes field by field without copying; every
 * length is checked against what is left, so truncated or hostile input
 * ends in an error, never a read past the end. A writer appends to a buf.
 *
 * Kubernetes frames a protobuf object as the four bytes "k8s\0" followed by
 * a runtime.Unknown message: typeMeta (1: apiVersion 1, kind 2), raw (2:
 * the object's own message), contentEncoding (3), contentType (4).
 */
#ifndef PGKUBE_PROTOBUF_H
#define PGKUBE_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

enum proto_wire {
	PROTO_VARINT = 0,
	PROTO_FIXED64 = 1,
	PROTO_BYTES = 2,
	PROTO_FIXED32 = 5,
};

struct proto_reader {
	const uint8_t *p;
	const uint8_t *end;
};

/* One field as read: its number, wire type and value (bytes point into the input). */
struct proto_field {
	int number;
	enum proto_wire wire;
	uint64_t varint;     /* PROTO_VARINT, PROTO_FIXED64, PROTO_FIXED32 */
	const uint8_t *data; /* PROTO_BYTES */
	size_t len;
};

/* Reads the next field: 1, 0 at the end, -1 on malformed input (message in err). */
int proto_next(struct proto_reader *r, struct proto_field *f, const char **err);
/* A varint from data[0..len): true when it is one and ends exactly at len. */
bool proto_read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out);

void proto_put_varint(struct buf *b, uint64_t v);
void proto_put_tag(struct buf *b, int number, enum proto_wire wire);
void proto_put_bytes(struct buf *b, int number, const void *data, size_t len);
void proto_put_string(struct buf *b, int number, const char *s);
void proto_put_uint(struct buf *b, int number, uint64_t v);

/* The media type of protobuf bodies, and the "k8s\0" envelope. */
#define PROTOBUF_MEDIA_TYPE "application/vnd.kubernetes.protobuf"
#define PROTO_MAGIC	    "k8s\0"
#define PROTO_MAGIC_LEN	    4

struct proto_unknown {
	const char *api_version; /* NUL-terminated copies, owned by the caller's arena */
	const char *kind;
	const uint8_t *raw; /* points into the input */
	size_t raw_len;
	const char *content_encoding;
	const char *content_type;
};

struct arena;
/* Reads the envelope; -1 with a message in err when it is not one. */
int proto_unwrap(struct arena *a, const uint8_t *data, size_t len, struct proto_unknown *out,
		 const char **err);
/* Appends the envelope around an already encoded object. */
void proto_wrap(struct buf *out, const char *api_version, const char *kind, const uint8_t *raw,
		size_t raw_len);

#endif
