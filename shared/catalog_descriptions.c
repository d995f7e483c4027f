/*
 * catalog_descriptions.c - looks up the documentation of the catalog's
 * types and fields (see catalog_descriptions.h).
 *
 * The text is already sorted by key, so the only thing built is an array
 * of pointers to its lines (a couple of thousand), searched by bisection:
 * no copy of the text, no hash table. A found description is unescaped
 * into one reusable buffer. Keys are "<package> <Type>[.<field>]", the
 * package being the catalog's ("k8s.io.api.core.v1"); a key ends at the
 * line's TAB, which sorts below every character a key holds, so the
 * order of whole lines is the order of their keys.
 */
#include "catalog_descriptions.h"
#include "shared/log.h"
#include "shared/xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char descriptions_text[];

static struct {
	bool indexed;
	const char **lines; /* entry lines, in key order */
	size_t count;
	char *value; /* the last description found, unescaped */
	size_t value_cap;
} descriptions;

/* Compares two lines' keys (each ends at its TAB), as strcmp would the keys. */
static int line_key_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = *a == '\t' ? 0 : (unsigned char)*a;
		unsigned char y = *b == '\t' ? 0 : (unsigned char)*b;

		if (x != y || x == 0)
			return (int)x - (int)y;
	}
}

/* Compares key (NUL-terminated) with a line's key. */
static int key_cmp(const char *key, const char *line)
{
	for (;; key++, line++) {
		unsigned char x = (unsigned char)*key;
		unsigned char y = *line == '\t' ? 0 : (unsigned char)*line;

		if (x != y || x == 0)
			return (int)x - (int)y;
	}
}

void catalog_descriptions_release(void)
{
	free(descriptions.lines);
	free(descriptions.value);
	memset(&descriptions, 0, sizeof(descriptions));
}

/* Indexes text's entry lines; -1 with err when one is malformed or out of order. */
static int index_text(const char *text, char *err, size_t err_len)
{
	size_t cap = 0, number = 0;

	catalog_descriptions_release();
	descriptions.indexed = true;
	for (const char *line = text; *line;) {
		const char *end = strchr(line, '\n');
		const char *tab;

		if (!end)
			end = line + strlen(line);
		number++;
		if (line != end && *line != '#') {
			tab = memchr(line, '\t', (size_t)(end - line));
			if (!tab || tab == line) {
				snprintf(err, err_len, "line %zu: no key and TAB", number);
				goto fail;
			}
			if (descriptions.count > 0 &&
			    line_key_cmp(descriptions.lines[descriptions.count - 1], line) >= 0) {
				snprintf(err, err_len, "line %zu: key out of order or repeated",
					 number);
				goto fail;
			}
			if (descriptions.count == cap) {
				cap = cap ? 2 * cap : 1024;
				descriptions.lines =
				    xrealloc(descriptions.lines, cap * sizeof(*descriptions.lines));
			}
			descriptions.lines[descriptions.count++] = line;
		}
		line = *end ? end + 1 : end;
	}
	return 0;
fail:
	/* Indexed, but empty: a bad text describes nothing rather than half. */
	free(descriptions.lines);
	descriptions.lines = NULL;
	descriptions.count = 0;
	return -1;
}

long catalog_descriptions_load_text(const char *text, char *err, size_t err_len)
{
	if (index_text(text, err, err_len) < 0)
		return -1;
	return (long)descriptions.count;
}

/* The text after line's TAB, unescaped into descriptions.value. */
static const char *unescape_value(const char *line)
{
	const char *p = strchr(line, '\t') + 1;
	const char *end = strchr(p, '\n');
	size_t len = end ? (size_t)(end - p) : strlen(p), n = 0;

	if (len + 1 > descriptions.value_cap) {
		descriptions.value_cap = len + 1;
		descriptions.value = xrealloc(descriptions.value, descriptions.value_cap);
	}
	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (c == '\\' && i + 1 < len) {
			char next = p[i + 1];

			if (next == 'n' || next == 't' || next == '\\') {
				c = next == 'n' ? '\n' : next == 't' ? '\t' : '\\';
				i++;
			}
		}
		descriptions.value[n++] = c;
	}
	descriptions.value[n] = '\0';
	return descriptions.value;
}

const char *catalog_description(const struct catalog_type *t, const char *field)
{
	const char *dot = strrchr(t->name, '.');
	size_t low = 0, high;
	char key[512];
	int n;

	if (!descriptions.indexed) {
		char err[128];

		if (index_text(descriptions_text, err, sizeof(err)) < 0)
			log_error("embedded type descriptions: %s", err);
	}
	if (!dot)
		return NULL;
	n = snprintf(key, sizeof(key), "%.*s %s%s%s", (int)(dot - t->name), t->name, dot + 1,
		     field ? "." : "", field ? field : "");
	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	high = descriptions.count;
	while (low < high) {
		size_t mid = low + (high - low) / 2;
		int r = key_cmp(key, descriptions.lines[mid]);

		if (r == 0)
			return unescape_value(descriptions.lines[mid]);
		if (r < 0)
			high = mid;
		else
			low = mid + 1;
	}
	return NULL;
}
