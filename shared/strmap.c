/*
 * strmap.c - see strmap.h. FNV-1a hashes the keys; a slot whose key is
 * NULL is empty, one whose value is NULL (key kept) is a tombstone.
 */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/xalloc.h"

struct strmap_slot {
	char *key;
	void *value;
	uint64_t hash;
};

static uint64_t hash_key(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot holding key, or NULL. */
static struct strmap_slot *find(const struct strmap *m, const char *key, uint64_t h)
{
	if (!m->cap)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct strmap_slot *s = &m->slots[i];

		if (!s->key)
			return NULL;
		if (s->value && s->hash == h && strcmp(s->key, key) == 0)
			return s;
	}
}

static void grow(struct strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t old_cap = m->cap, cap = m->cap ? m->cap : 16;

	/* Double only when live entries need it; otherwise just sweep tombstones. */
	if (m->count * 2 >= cap)
		cap *= 2;
	m->slots = xcalloc(cap, sizeof(*m->slots));
	m->cap = cap;
	m->used = m->count;
	for (size_t i = 0; i < old_cap; i++) {
		struct strmap_slot *s = &old[i];
		size_t j;

		if (!s->key)
			continue;
		if (!s->value) {
			free(s->key);
			continue;
		}
		for (j = s->hash & (cap - 1); m->slots[j].key; j = (j + 1) & (cap - 1))
			;
		m->slots[j] = *s;
	}
	free(old);
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_slot *s = find(m, key, hash_key(key));

	return s ? s->value : NULL;
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	uint64_t h = hash_key(key);
	struct strmap_slot *s = find(m, key, h);
	size_t i;

	if (s) {
		void *old = s->value;

		s->value = value;
		return old;
	}
	if ((m->used + 1) * 10 >= m->cap * 7)
		grow(m);
	for (i = h & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		;
	m->slots[i] = (struct strmap_slot){xstrdup(key), value, h};
	m->count++;
	m->used++;
	return NULL;
}

void *strmap_remove(struct strmap *m, const char *key)
{
	struct strmap_slot *s = find(m, key, hash_key(key));
	void *old;

	if (!s)
		return NULL;
	old = s->value;
	s->value = NULL; /* a tombstone: probes go on past it */
	m->count--;
	return old;
}

void strmap_each(const struct strmap *m, void (*fn)(const char *key, void *value, void *ctx),
		 void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key && m->slots[i].value)
			fn(m->slots[i].key, m->slots[i].value, ctx);
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
