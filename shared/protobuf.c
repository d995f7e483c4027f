/*
 * protobuf.c - the protobuf wire format (see protobuf.h).
 *
 * Field numbers above 2^29-1, the retired group wire types (3, 4), varints
 * longer than ten bytes and lengths past the end are errors, worded as the
 * Go decoders that kube-apiserver uses word them.
 */
#include "protobuf.h"

#include <string.h>

#include "shared/arena.h"

bool proto_read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t byte = *(*p)++;

		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80)) {
			*out = v;
			return true;
		}
	}
	return false;
}

int proto_next(struct proto_reader *r, struct proto_field *f, const char **err)
{
	uint64_t key, len;

	if (r->p >= r->end)
		return 0;
	if (!proto_read_varint(&r->p, r->end, &key)) {
		*err = "proto: unexpected end of data or an overlong varint in a field key";
		return -1;
	}
	f->wire = (enum proto_wire)(key & 7);
	if ((key >> 3) == 0 || (key >> 3) > 536870911) {
		*err = "proto: illegal tag (field number out of range)";
		return -1;
	}
	f->number = (int)(key >> 3);
	switch ((int)f->wire) {
	case PROTO_VARINT:
		if (!proto_read_varint(&r->p, r->end, &f->varint)) {
			*err = "proto: truncated or overlong varint";
			return -1;
		}
		return 1;
	case PROTO_FIXED64:
		if (r->end - r->p < 8) {
			*err = "proto: unexpected end of data in a fixed64";
			return -1;
		}
		f->varint = 0;
		for (int i = 7; i >= 0; i--)
			f->varint = (f->varint << 8) | r->p[i];
		r->p += 8;
		return 1;
	case PROTO_FIXED32:
		if (r->end - r->p < 4) {
			*err = "proto: unexpected end of data in a fixed32";
			return -1;
		}
		f->varint = (uint64_t)r->p[0] | (uint64_t)r->p[1] << 8 | (uint64_t)r->p[2] << 16 |
			    (uint64_t)r->p[3] << 24;
		r->p += 4;
		return 1;
	case PROTO_BYTES:
		if (!proto_read_varint(&r->p, r->end, &len)) {
			*err = "proto: truncated length";
			return -1;
		}
		if (len > (uint64_t)(r->end - r->p)) {
			*err = "proto: length runs past the end of the data";
			return -1;
		}
		f->data = r->p;
		f->len = (size_t)len;
		r->p += len;
		return 1;
	default:
		*err = "proto: illegal wire type";
		return -1;
	}
}

void proto_put_varint(struct buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	buf_append(b, tmp, n);
}

void proto_put_tag(struct buf *b, int number, enum proto_wire wire)
{
	proto_put_varint(b, ((uint64_t)number << 3) | (uint64_t)wire);
}

void proto_put_bytes(struct buf *b, int number, const void *data, size_t len)
{
	proto_put_tag(b, number, PROTO_BYTES);
	proto_put_varint(b, len);
	buf_append(b, data, len);
}

void proto_put_string(struct buf *b, int number, const char *s)
{
	proto_put_bytes(b, number, s, strlen(s));
}

void proto_put_uint(struct buf *b, int number, uint64_t v)
{
	proto_put_tag(b, number, PROTO_VARINT);
	proto_put_varint(b, v);
}

static const char *copy_string(struct arena *a, const struct proto_field *f)
{
	return arena_strndup(a, (const char *)f->data, f->len);
}

int proto_unwrap(struct arena *a, const uint8_t *data, size_t len, struct proto_unknown *out,
		 const char **err)
{
	struct proto_reader r;
	struct proto_field f;
	int rc;

	memset(out, 0, sizeof(*out));
	out->api_version = out->kind = out->content_encoding = out->content_type = "";
	if (len < PROTO_MAGIC_LEN || memcmp(data, PROTO_MAGIC, PROTO_MAGIC_LEN) != 0) {
		*err = "provided data does not appear to be a protobuf message, expected prefix "
		       "[107 56 115 0]";
		return -1;
	}
	/* Only now is data + 4 known to point into the body. */
	r.p = data + PROTO_MAGIC_LEN;
	r.end = data + len;
	while ((rc = proto_next(&r, &f, err)) > 0) {
		if (f.wire != PROTO_BYTES)
			continue;
		if (f.number == 1) {
			struct proto_reader tm = {f.data, f.data + f.len};
			struct proto_field g;

			while ((rc = proto_next(&tm, &g, err)) > 0) {
				if (g.wire == PROTO_BYTES && g.number == 1)
					out->api_version = copy_string(a, &g);
				else if (g.wire == PROTO_BYTES && g.number == 2)
					out->kind = copy_string(a, &g);
			}
			if (rc < 0)
				return -1;
		} else if (f.number == 2) {
			out->raw = f.data;
			out->raw_len = f.len;
		} else if (f.number == 3) {
			out->content_encoding = copy_string(a, &f);
		} else if (f.number == 4) {
			out->content_type = copy_string(a, &f);
		}
	}
	return rc;
}

void proto_wrap(struct buf *out, const char *api_version, const char *kind, const uint8_t *raw,
		size_t raw_len)
{
	struct buf type_meta = {0};

	buf_append(out, PROTO_MAGIC, PROTO_MAGIC_LEN);
	proto_put_string(&type_meta, 1, api_version);
	proto_put_string(&type_meta, 2, kind);
	proto_put_bytes(out, 1, type_meta.data, type_meta.len);
	proto_put_bytes(out, 2, raw, raw_len);
	/* Go writes the empty contentEncoding and contentType too. */
	proto_put_bytes(out, 3, "", 0);
	proto_put_bytes(out, 4, "", 0);
	buf_free(&type_meta);
}
