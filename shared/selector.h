/*
 * selector.h - label and field selectors, parsed as kube-apiserver parses
 * them, matched in memory, and translated to SQL over a JSONB column.
 *
 * label_selector_parse() follows k8s.io/apimachinery/pkg/labels Parse (v1.32):
 * the same tokens, the same validation of keys and values, the same error
 * messages (the API answers them as 400 BadRequest), requirements sorted by
 * key and each value set sorted and deduplicated. field_selector_parse()
 * follows pkg/fields ParseSelector: terms split on unescaped commas, the
 * first "!=", "==" or "=" splits a term, values unescape "\\", "\," and "\=".
 * Neither decides which keys or fields a resource allows: the resource
 * registry does.
 *
 * Two ways to apply a selector, which must agree: the *_matches functions
 * (watch filtering, and lists the SQL cannot express) and the *_to_sql
 * functions (lists). User text never enters the SQL string: keys and values
 * travel as numbered parameters; a field path enters it only as a literal
 * built from segments of [A-Za-z0-9_-], and any other path makes the
 * translation fail so that the caller filters in memory instead.
 *
 * Everything returned lives in the arena passed in.
 */
#ifndef PGKUBE_SELECTOR_H
#define PGKUBE_SELECTOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/buf.h"

enum label_op {
	LABEL_EQUALS,	      /* key=value, key==value */
	LABEL_NOT_EQUALS,     /* key!=value: also matches objects without the key */
	LABEL_IN,	      /* key in (a,b) */
	LABEL_NOT_IN,	      /* key notin (a,b): also matches objects without the key */
	LABEL_EXISTS,	      /* key */
	LABEL_DOES_NOT_EXIST, /* !key */
	LABEL_GT,	      /* key>N: the label's value must be an integer greater than N */
	LABEL_LT,	      /* key<N */
};

struct label_requirement {
	const char *key;
	enum label_op op;
	const char **values; /* sorted, distinct; one for =, !=, >, <; none for exists */
	size_t num_values;
};

/* The AND of its requirements, sorted by key; no requirements selects everything. */
struct label_selector {
	struct label_requirement *reqs;
	size_t num_reqs;
};

/*
 * Returns 0, or -1 with *error set to upstream's message, for example
 * "unable to parse requirement: found '', expected: identifier".
 */
int label_selector_parse(struct arena *a, const char *text, struct label_selector *out,
			 const char **error);
/* labels is the object's metadata.labels: an object, or NULL when there are none. */
bool label_selector_matches(const struct label_selector *s, json_t *labels);

enum field_op {
	FIELD_EQUALS,	  /* field=value, field==value */
	FIELD_NOT_EQUALS, /* field!=value */
};

struct field_requirement {
	const char *field; /* a dotted path, as given: "metadata.name" */
	enum field_op op;
	const char *value; /* unescaped */
};

/* The AND of its requirements, in upstream's order; none selects everything. */
struct field_selector {
	struct field_requirement *reqs;
	size_t num_reqs;
};

/*
 * Returns 0, or -1 with *error set to upstream's message, for example
 * "invalid selector: 'foo'; can't understand 'foo'".
 */
int field_selector_parse(struct arena *a, const char *text, struct field_selector *out,
			 const char **error);
/*
 * The value a field path has in obj, as the string a field selector compares
 * with: strings as they are, integers in decimal, booleans as "true" and
 * "false", and "" for a missing field, null, an object or an array. The
 * result may point into obj.
 */
const char *field_value(struct arena *a, json_t *obj, const char *field);
bool field_selector_matches(struct arena *a, const struct field_selector *s, json_t *obj);

/* Query parameters for PQexecParams: $N is values[N - 1]. Grown in the arena. */
struct sql_params {
	const char **values;
	size_t num, cap;
};

/*
 * Append to sql a boolean condition on the JSONB column `column` (no leading
 * AND; "TRUE" for an empty selector), numbering parameters from
 * params->num + 1 so that the caller's own come first. Returns 0, or -1
 * when the selector cannot be expressed in SQL (the caller then filters in
 * memory); on -1, sql and params are as they were.
 *
 * Labels are at column->'metadata'->'labels'; equality and "in" use the
 * GIN-indexable containment operator. A condition may be NULL where it is
 * false (a positive test on an object without labels), so use it in a WHERE
 * clause or under AND, not under NOT.
 */
int label_selector_to_sql(struct arena *a, const struct label_selector *s, const char *column,
			  struct buf *sql, struct sql_params *params);
int field_selector_to_sql(struct arena *a, const struct field_selector *s, const char *column,
			  struct buf *sql, struct sql_params *params);

#endif
