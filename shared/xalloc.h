/*
 * xalloc.h - allocation that cannot fail: the server treats running out of
 * memory as fatal (the master restarts a worker that aborts), so callers
 * need no NULL checks. Long-lived data only; per-request memory comes from
 * the request's arena.
 */
#ifndef PGKUBE_XALLOC_H
#define PGKUBE_XALLOC_H

#include <stdlib.h>
#include <string.h>

/* n zeroed bytes (at least one). */
static inline void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

static inline void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

/* The first n bytes of s as a string. */
static inline char *xstrndup(const char *s, size_t n)
{
	char *p = xcalloc(1, n + 1);

	memcpy(p, s, n);
	return p;
}

static inline char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

#endif
