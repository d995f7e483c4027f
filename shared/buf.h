/*
 * buf.h - a growable byte buffer.
 *
 * Used for connection I/O and for building responses. A buf owns its
 * memory: buf_free() releases it, buf_reset() keeps it for reuse. Appends
 * abort on out-of-memory (as the rest of the server does: a worker that
 * cannot allocate is restarted by the master).
 */
#ifndef PGKUBE_BUF_H
#define PGKUBE_BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_append_str(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string, quoted and escaped (RFC 8259). */
void buf_append_json_string(struct buf *b, const char *s);
/* Drops the first n bytes, moving the rest to the front. */
void buf_consume(struct buf *b, size_t n);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif
