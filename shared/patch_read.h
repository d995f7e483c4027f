/*
 * patch_read.h - reading the text of a merge patch or a JSON patch as
 * kube-apiserver v1.32 reads it, for shared/merge_patch.c and
 * shared/json_patch.c; the public interface is shared/json_patch.h.
 *
 * Upstream reads a patch twice: with sigs.k8s.io/json's strict decoder
 * (unless fieldValidation=Ignore), which refuses values it cannot store and
 * notes duplicate and unknown fields, then with encoding/json inside
 * evanphx/json-patch. The reader does both in one pass over the text, after
 * gojson_check() has given syntax errors Go's words, and answers every
 * decoding failure (400) itself.
 *
 * For a JSON patch it also remembers the text of every string and number
 * of the operations' values, because evanphx/json-patch keeps values as
 * raw JSON and its "test" compares scalars text to text; see
 * patch_scalar_text().
 */
#ifndef PGKUBE_PATCH_READ_H
#define PGKUBE_PATCH_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/json_patch.h"

/* The deepest a value may sit, counting the root as 1: what json_loads() reads. */
#define PATCH_MAX_DEPTH JSON_PARSER_MAX_DEPTH

struct patch_strict_error;

/* The text a scalar had in the patch, or after evanphx/json-patch re-marshalled it. */
struct patch_raw {
	json_t *value; /* holds a reference, so that no other value gets this address */
	const char *text;
	size_t len;
};

struct patch_reader {
	struct arena *arena;
	const char *text;
	size_t len, pos;
	bool strict;		   /* fieldValidation Warn or Strict */
	bool keep_raw;		   /* a JSON patch: remember scalar texts */
	const char *strict_prefix; /* patch.go prefixes a JSON patch's strict errors */
	const char *number_field;  /* the Go struct field a number is decoded into, if any */
	struct buf field_path;	   /* sigs.k8s.io/json's strict field stack, "[0].value.a" */
	struct buf text_buf;
	char *type_error;     /* the first value the decoder could not store */
	bool number_overflow; /* ...which is a number too large for float64 */
	struct patch_strict_error *strict_errors;
	size_t num_strict_errors;
	struct patch_raw *raws;
	size_t raws_cap, raws_used;
};

/* A JSON patch operation's "op", "path" or "from", as evanphx/json-patch sees it. */
struct patch_op_field {
	enum { FIELD_ABSENT, FIELD_STRING, FIELD_WRONG_TYPE } state; /* null is absent */
	const char *s;						     /* FIELD_STRING, decoded */
	size_t len;
	const char *kind; /* FIELD_WRONG_TYPE: "number", "object", ... */
};

struct patch_op {
	struct patch_op_field op, path, from;
	json_t *value; /* NULL when absent, which json-patch treats as null */
};

void patch_reader_init(struct patch_reader *rd, struct arena *a, const char *text, size_t len,
		       enum patch_field_validation validation);
void patch_reader_free(struct patch_reader *rd);

/*
 * A merge patch: 0 with *value its object, an array (only under Ignore) or
 * NULL (null, or under Ignore a scalar: both "Invalid JSON Patch"); or -1
 * with the 400 answered.
 */
int patch_read_merge(struct patch_reader *rd, struct patch_result *r, json_t **value);

/*
 * A strategic merge patch, which upstream decodes into a map and answers
 * every decoding error with the decoder's words, unprefixed: 0 with *value
 * its object (NULL for null); or -1 with the 400 answered.
 */
int patch_read_strategic(struct patch_reader *rd, struct patch_result *r, json_t **value);

/* A JSON patch: 0 with its operations (null is none), or -1 with the 400 answered. */
int patch_read_ops(struct patch_reader *rd, struct patch_result *r, struct patch_op **ops,
		   size_t *count);
void patch_free_ops(struct patch_op *ops, size_t count);

/* Remember the text v had (text must outlive the reader), or look it up. */
void patch_raw_remember(struct patch_reader *rd, json_t *v, const char *text, size_t len);
const struct patch_raw *patch_raw_lookup(const struct patch_reader *rd, const json_t *v);

/*
 * The text evanphx/json-patch holds for a scalar: the one remembered for a
 * value from the patch, else Go's encoding of it (the document reaches
 * json-patch as Go encoded it: "a<b" as "a\u003cb", 1.0 as 1). Points into
 * tmp or the patch.
 */
void patch_scalar_text(const struct patch_reader *rd, const json_t *v, struct buf *tmp,
		       const char **text, size_t *len);

/*
 * json_deep_copy() that keeps object keys holding U+0000, which Go allows
 * and jansson 2.14's own copy cuts at the NUL.
 */
json_t *patch_copy_json(const json_t *v);

/* Fill in r: a failure (detail may be message), or a success with the strict errors. */
void patch_answer(struct patch_reader *rd, struct patch_result *r, int code, const char *reason,
		  const char *message, const char *detail);
void patch_answer_success(struct patch_reader *rd, struct patch_result *r);

#endif
