/*
 * strmap.h - a hash map from strings to pointers, for long-lived indexes
 * (the RBAC cache looks roles and bindings up by name and by subject).
 *
 * Open addressing with linear probing over a power-of-two table that
 * doubles at 70% load; deletions leave tombstones that the next growth
 * sweeps away. The map copies its keys; values are the caller's.
 */
#ifndef PGKUBE_STRMAP_H
#define PGKUBE_STRMAP_H

#include <stddef.h>

struct strmap_slot;

struct strmap {
	struct strmap_slot *slots;
	size_t cap;   /* 0 or a power of two */
	size_t count; /* live entries */
	size_t used;  /* live entries + tombstones */
};

/* The value under key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
/* Sets key to value (value must not be NULL); returns the value it replaced, or NULL. */
void *strmap_put(struct strmap *m, const char *key, void *value);
/* Removes key; returns its value, or NULL when it was not there. */
void *strmap_remove(struct strmap *m, const char *key);
/* Calls fn for every entry, in no particular order; fn must not change the map. */
void strmap_each(const struct strmap *m, void (*fn)(const char *key, void *value, void *ctx),
		 void *ctx);
/* Frees the map's memory (not the values). */
void strmap_free(struct strmap *m);

#endif
