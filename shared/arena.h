/*
 * arena.h - per-request memory.
 *
 * Everything a request allocates comes from its arena and is released in
 * one arena_free() when the response has been sent, so a handler cannot
 * leak. Blocks are chained; an allocation larger than a block gets a block
 * of its own.
 */
#ifndef PGKUBE_ARENA_H
#define PGKUBE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

#endif
