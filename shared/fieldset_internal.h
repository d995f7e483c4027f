/*
 * fieldset_internal.h - what the set (fieldset.c) and the typed walks
 * (fieldset_typed.c) share: path elements and the set's entries.
 */
#ifndef PGKUBE_FIELDSET_INTERNAL_H
#define PGKUBE_FIELDSET_INTERNAL_H

#include "shared/fieldset.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum pe_kind { PE_FIELD, PE_KEY, PE_VALUE, PE_INDEX };

struct pe {
	enum pe_kind kind;
	char *text;   /* serialized: "f:name", "k:{...}", "v:...", "i:3" */
	json_t *json; /* KEY: object of the key fields; VALUE: the value */
	long index;
};

struct entry {
	struct pe pe;
	bool member;
	struct fieldset *children; /* NULL: none */
};

struct fieldset {
	struct entry *e;
	size_t n, cap;
};

int pe_cmp(const struct pe *a, const struct pe *b);
struct pe pe_copy(const struct pe *pe);
struct pe pe_field(const char *name);
void pe_free(struct pe *pe);
struct pe pe_index(long i);
struct pe pe_key(json_t *fields);
struct pe pe_value(json_t *v);
struct entry *entry_of(struct fieldset *s, struct pe pe);
const struct entry *fieldset_find_entry(const struct fieldset *s, const struct pe *pe);
/* Adds pe (takes children) at the end of out; nothing when it would be empty. */
void fieldset_append(struct fieldset *out, const struct pe *pe, bool member,
		     struct fieldset *children);

#endif
