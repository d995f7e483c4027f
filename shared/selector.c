/*
 * selector.c - label and field selectors; see selector.h.
 *
 * The label parser is upstream's, token for token: a lexer over bytes and
 * a recursive descent with one token of lookahead, in which "in" and
 * "notin" are operators after a key but ordinary words where a value may
 * stand. Messages are assembled the way Go assembles them (field.Error,
 * strconv.Quote, error aggregates), since clients and conformance tests
 * compare them verbatim.
 *
 * The SQL translation is checked against the in-memory matchers by
 * tests/unit/test_selector.c on a real PostgreSQL, row for row.
 */
#include "selector.h"
#include "shared/gojson.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* strconv.ParseInt(s, 10, 64), which is Atoi on a 64-bit platform. */
static bool parse_int64(const char *s, int64_t *out)
{
	return gojson_atoi(s, strlen(s), out) == GOJSON_ATOI_OK;
}

/* ---- Validation of label keys and values (k8s.io/apimachinery/pkg/util/validation) ---- */

#define QUALIFIED_NAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QUALIFIED_NAME_ERROR                                                                       \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "   \
	"an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "  \
	"validation is '" QUALIFIED_NAME_FMT "')"
#define DNS1123_SUBDOMAIN_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
#define DNS1123_SUBDOMAIN_ERROR                                                                    \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "  \
	"or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "      \
	"regex "                                                                                   \
	"used for validation is '" DNS1123_SUBDOMAIN_FMT "')"
#define LABEL_VALUE_ERROR                                                                          \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "   \
	"or "                                                                                      \
	"'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "         \
	"'my_value',  or '12345', regex used for validation is '(" QUALIFIED_NAME_FMT ")?')"
#define NAME_MAX_LENGTH	     63
#define SUBDOMAIN_MAX_LENGTH 253

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ */
static bool is_qualified_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !is_alnum(s[0]) || !is_alnum(s[len - 1]))
		return false;
	for (i = 1; i < len; i++) {
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	}
	return true;
}

/* ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ */
static bool is_dns1123_subdomain(const char *s, size_t len)
{
	size_t start = 0, i;

	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			if (!is_lower_alnum(s[i]) && s[i] != '-')
				return false;
			continue;
		}
		if (i == start || !is_lower_alnum(s[start]) || !is_lower_alnum(s[i - 1]))
			return false;
		start = i + 1;
	}
	return true;
}

static void append_reason(struct buf *reasons, const char *reason)
{
	if (reasons->len)
		buf_append_str(reasons, "; ");
	buf_append_str(reasons, reason);
}

/* validation.IsQualifiedName: why key is not a label key, "; "-joined ("" if it is one). */
static void label_key_reasons(struct buf *reasons, const char *key, size_t len)
{
	const char *slash = memchr(key, '/', len);
	const char *name = key;
	size_t name_len = len;

	if (slash) {
		size_t prefix_len = (size_t)(slash - key);

		name = slash + 1;
		name_len = len - prefix_len - 1;
		if (memchr(name, '/', name_len)) {
			append_reason(reasons,
				      "a qualified name " QUALIFIED_NAME_ERROR
				      " with an optional DNS subdomain prefix and '/' (e.g. "
				      "'example.com/MyName')");
			return;
		}
		if (prefix_len == 0) {
			append_reason(reasons, "prefix part must be non-empty");
		} else {
			if (prefix_len > SUBDOMAIN_MAX_LENGTH)
				append_reason(reasons,
					      "prefix part must be no more than 253 characters");
			if (!is_dns1123_subdomain(key, prefix_len))
				append_reason(reasons, "prefix part " DNS1123_SUBDOMAIN_ERROR);
		}
	}
	if (name_len == 0)
		append_reason(reasons, "name part must be non-empty");
	else if (name_len > NAME_MAX_LENGTH)
		append_reason(reasons, "name part must be no more than 63 characters");
	if (!is_qualified_name(name, name_len))
		append_reason(reasons, "name part " QUALIFIED_NAME_ERROR);
}

/* validation.IsValidLabelValue */
static void label_value_reasons(struct buf *reasons, const char *value)
{
	size_t len = strlen(value);

	if (len > NAME_MAX_LENGTH)
		append_reason(reasons, "must be no more than 63 characters");
	if (len && !is_qualified_name(value, len))
		append_reason(reasons, LABEL_VALUE_ERROR);
}

/* A field.Invalid error: `PATH: Invalid value: "VALUE": REASONS`. */
static void append_invalid(struct buf *out, const char *path, const char *value, size_t len,
			   const struct buf *reasons)
{
	buf_printf(out, "%s: Invalid value: ", path);
	gojson_quote(out, value, len);
	buf_printf(out, ": %s", reasons->data);
}

/* Moves a message built in a buf into the arena. */
static const char *arena_message(struct arena *a, struct buf *b)
{
	const char *s = arena_strndup(a, b->data ? b->data : "", b->len);

	buf_free(b);
	return s;
}

/* ---- Label selector lexer ---- */

enum label_token_kind {
	TOKEN_END,
	TOKEN_CLOSE_PAREN,
	TOKEN_COMMA,
	TOKEN_NOT,
	TOKEN_DOUBLE_EQUALS,
	TOKEN_EQUALS,
	TOKEN_GREATER,
	TOKEN_IDENTIFIER,
	TOKEN_IN,
	TOKEN_LESS,
	TOKEN_NOT_EQUALS,
	TOKEN_NOT_IN,
	TOKEN_OPEN_PAREN,
};

/* A slice of the selector text; "" for TOKEN_END. */
struct label_token {
	enum label_token_kind kind;
	const char *text;
	int len;
};

static bool label_is_whitespace(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The one-byte tokens, and what each is. */
static const char label_specials[] = "=!(),><";
static const enum label_token_kind label_special_kinds[] = {
    TOKEN_EQUALS, TOKEN_NOT,	 TOKEN_OPEN_PAREN, TOKEN_CLOSE_PAREN,
    TOKEN_COMMA,  TOKEN_GREATER, TOKEN_LESS,
};

static bool label_is_special(char c)
{
	return c && strchr(label_specials, c);
}

/* Reads the token at text + pos into *tok; returns where the next one starts. */
static size_t label_lex(const char *text, size_t pos, struct label_token *tok)
{
	size_t start;

	while (label_is_whitespace(text[pos]))
		pos++;
	start = pos;
	tok->text = text + start;
	if (text[pos] == '\0') {
		tok->kind = TOKEN_END;
		tok->len = 0;
		return pos;
	}
	if (label_is_special(text[pos])) {
		/* "!=" and "==" are the only two-byte operators. */
		if ((text[pos] == '!' || text[pos] == '=') && text[pos + 1] == '=') {
			tok->kind = text[pos] == '!' ? TOKEN_NOT_EQUALS : TOKEN_DOUBLE_EQUALS;
			tok->len = 2;
			return pos + 2;
		}
		tok->kind = label_special_kinds[strchr(label_specials, text[pos]) - label_specials];
		tok->len = 1;
		return pos + 1;
	}
	while (text[pos] && !label_is_special(text[pos]) && !label_is_whitespace(text[pos]))
		pos++;
	tok->len = (int)(pos - start);
	tok->kind = TOKEN_IDENTIFIER;
	if (pos - start == 2 && memcmp(tok->text, "in", 2) == 0)
		tok->kind = TOKEN_IN;
	else if (pos - start == 5 && memcmp(tok->text, "notin", 5) == 0)
		tok->kind = TOKEN_NOT_IN;
	return pos;
}

/* ---- Label selector parser ---- */

/* Where a value may stand, "in" and "notin" are identifiers. */
enum label_context { CONTEXT_OPERATOR, CONTEXT_VALUES };

struct label_parser {
	struct arena *arena;
	const char *text;
	size_t pos; /* where the token after `next` starts */
	struct label_token next;
	const char *error;
};

/* A growing list of values; duplicates go when it is sorted. */
struct label_values {
	const char **v;
	size_t num, cap;
};

static struct label_token label_peek(const struct label_parser *p, enum label_context context)
{
	struct label_token t = p->next;

	if (context == CONTEXT_VALUES && (t.kind == TOKEN_IN || t.kind == TOKEN_NOT_IN))
		t.kind = TOKEN_IDENTIFIER;
	return t;
}

static struct label_token label_consume(struct label_parser *p, enum label_context context)
{
	struct label_token t = label_peek(p, context);

	if (p->next.kind != TOKEN_END)
		p->pos = label_lex(p->text, p->pos, &p->next);
	return t;
}

/* Sets the "found 'X', expected ..." error; returns -1. */
static int label_found(struct label_parser *p, struct label_token t, const char *expected)
{
	p->error = arena_printf(p->arena, "found '%.*s'%s", t.len, t.text, expected);
	return -1;
}

static void label_values_add(struct arena *a, struct label_values *vals, const char *s, size_t len)
{
	if (vals->num == vals->cap) {
		size_t cap = vals->cap ? vals->cap * 2 : 4;
		const char **v = arena_alloc(a, cap * sizeof(*v));

		if (vals->num)
			memcpy(v, vals->v, vals->num * sizeof(*v));
		vals->v = v;
		vals->cap = cap;
	}
	vals->v[vals->num++] = arena_strndup(a, s, len);
}

static int compare_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* sets.String.List(): sorted, without duplicates. */
static void label_values_sort(struct label_values *vals)
{
	size_t i, kept = 0;

	if (vals->num == 0)
		return;
	qsort(vals->v, vals->num, sizeof(*vals->v), compare_strings);
	for (i = 1; i < vals->num; i++) {
		if (strcmp(vals->v[i], vals->v[kept]) != 0)
			vals->v[++kept] = vals->v[i];
	}
	vals->num = kept + 1;
}

/* "(a,b)": upstream's parseValues and parseIdentifiersList. */
static int label_parse_value_set(struct label_parser *p, struct label_values *vals)
{
	struct label_token t = label_consume(p, CONTEXT_VALUES), next;

	if (t.kind != TOKEN_OPEN_PAREN)
		return label_found(p, t, " expected: '('");
	t = label_peek(p, CONTEXT_VALUES);
	if (t.kind == TOKEN_CLOSE_PAREN) {
		label_consume(p, CONTEXT_VALUES);
		label_values_add(p->arena, vals, "", 0);
		return 0;
	}
	if (t.kind != TOKEN_IDENTIFIER && t.kind != TOKEN_COMMA)
		return label_found(p, t, ", expected: ',', ')' or identifier");
	for (;;) {
		t = label_consume(p, CONTEXT_VALUES);
		if (t.kind == TOKEN_IDENTIFIER) {
			label_values_add(p->arena, vals, t.text, (size_t)t.len);
			next = label_peek(p, CONTEXT_VALUES);
			if (next.kind == TOKEN_CLOSE_PAREN)
				break;
			if (next.kind != TOKEN_COMMA)
				return label_found(p, next, ", expected: ',' or ')'");
		} else if (t.kind == TOKEN_COMMA) {
			/* "(,", ",," and ",)" each stand for the empty value. */
			if (vals->num == 0)
				label_values_add(p->arena, vals, "", 0);
			next = label_peek(p, CONTEXT_VALUES);
			if (next.kind == TOKEN_CLOSE_PAREN) {
				label_values_add(p->arena, vals, "", 0);
				break;
			}
			if (next.kind == TOKEN_COMMA) {
				label_consume(p, CONTEXT_VALUES);
				label_values_add(p->arena, vals, "", 0);
			}
		} else {
			return label_found(p, t, ", expected: ',', or identifier");
		}
	}
	label_consume(p, CONTEXT_VALUES);
	return 0;
}

/* The value after =, ==, !=, > or <; nothing before ',' or the end is "". */
static int label_parse_exact_value(struct label_parser *p, struct label_values *vals)
{
	struct label_token t = label_peek(p, CONTEXT_VALUES);

	if (t.kind == TOKEN_END || t.kind == TOKEN_COMMA) {
		label_values_add(p->arena, vals, "", 0);
		return 0;
	}
	t = label_consume(p, CONTEXT_VALUES);
	if (t.kind != TOKEN_IDENTIFIER)
		return label_found(p, t, ", expected: identifier");
	label_values_add(p->arena, vals, t.text, (size_t)t.len);
	return 0;
}

/* upstream's NewRequirement: the checks on values, as one aggregate error. */
static int label_check_values(struct label_parser *p, const struct label_requirement *r)
{
	struct buf errors = {0}, reasons = {0};
	size_t i, count = 0;
	int64_t n;

	if (r->op == LABEL_GT || r->op == LABEL_LT) {
		for (i = 0; i < r->num_values; i++) {
			if (parse_int64(r->values[i], &n))
				continue;
			buf_append_str(&errors, count++ ? ", " : "");
			buf_printf(&errors, "values[%zu]: Invalid value: ", i);
			gojson_quote(&errors, r->values[i], strlen(r->values[i]));
			buf_append_str(&errors,
				       ": for 'Gt', 'Lt' operators, the value must be an integer");
		}
	}
	for (i = 0; i < r->num_values; i++) {
		buf_reset(&reasons);
		label_value_reasons(&reasons, r->values[i]);
		if (!reasons.len)
			continue;
		buf_append_str(&errors, count++ ? ", " : "");
		append_invalid(&errors, arena_printf(p->arena, "values[%zu][%s]", i, r->key),
			       r->values[i], strlen(r->values[i]), &reasons);
	}
	buf_free(&reasons);
	if (count == 0) {
		buf_free(&errors);
		return 0;
	}
	if (count > 1) {
		struct buf all = {0};

		buf_printf(&all, "[%s]", errors.data);
		buf_free(&errors);
		errors = all;
	}
	p->error = arena_message(p->arena, &errors);
	return -1;
}

/* The binary operators, as the token after a key. */
static const struct {
	enum label_token_kind token;
	enum label_op op;
} label_operators[] = {
    {TOKEN_IN, LABEL_IN},
    {TOKEN_NOT_IN, LABEL_NOT_IN},
    {TOKEN_EQUALS, LABEL_EQUALS},
    {TOKEN_DOUBLE_EQUALS, LABEL_EQUALS},
    {TOKEN_NOT_EQUALS, LABEL_NOT_EQUALS},
    {TOKEN_GREATER, LABEL_GT},
    {TOKEN_LESS, LABEL_LT},
};

static int label_parse_requirement(struct label_parser *p, struct label_requirement *r)
{
	struct label_values vals = {0};
	struct label_token t = label_consume(p, CONTEXT_VALUES), next;
	struct buf reasons = {0};
	bool does_not_exist = t.kind == TOKEN_NOT;
	size_t i;
	int rc;

	if (does_not_exist)
		t = label_consume(p, CONTEXT_VALUES);
	if (t.kind != TOKEN_IDENTIFIER)
		return label_found(p, t, ", expected: identifier");
	label_key_reasons(&reasons, t.text, (size_t)t.len);
	if (reasons.len) {
		struct buf message = {0};

		append_invalid(&message, "<nil>", t.text, (size_t)t.len, &reasons);
		buf_free(&reasons);
		p->error = arena_message(p->arena, &message);
		return -1;
	}
	buf_free(&reasons);
	*r = (struct label_requirement){.key = arena_strndup(p->arena, t.text, (size_t)t.len)};
	next = label_peek(p, CONTEXT_VALUES);
	if (does_not_exist || next.kind == TOKEN_END || next.kind == TOKEN_COMMA) {
		r->op = does_not_exist ? LABEL_DOES_NOT_EXIST : LABEL_EXISTS;
		return 0;
	}

	t = label_consume(p, CONTEXT_OPERATOR);
	for (i = 0; i < sizeof(label_operators) / sizeof(label_operators[0]); i++) {
		if (label_operators[i].token == t.kind)
			break;
	}
	if (i == sizeof(label_operators) / sizeof(label_operators[0]))
		return label_found(p, t, ", expected: in, notin, =, ==, !=, gt, lt");
	r->op = label_operators[i].op;
	if (r->op == LABEL_IN || r->op == LABEL_NOT_IN)
		rc = label_parse_value_set(p, &vals);
	else
		rc = label_parse_exact_value(p, &vals);
	if (rc != 0)
		return rc;
	label_values_sort(&vals);
	r->values = vals.v;
	r->num_values = vals.num;
	return label_check_values(p, r);
}

/* Orders by key; requirements with equal keys keep their order. */
static int compare_requirement_keys(const void *x, const void *y)
{
	const struct label_requirement *a = *(const struct label_requirement *const *)x;
	const struct label_requirement *b = *(const struct label_requirement *const *)y;
	int c = strcmp(a->key, b->key);

	return c ? c : (a > b) - (a < b);
}

static void label_requirements_sort(struct arena *a, struct label_requirement *reqs, size_t num)
{
	const struct label_requirement **order;
	struct label_requirement *sorted;
	size_t i;

	if (num < 2)
		return;
	order = arena_alloc(a, num * sizeof(*order));
	sorted = arena_alloc(a, num * sizeof(*sorted));
	for (i = 0; i < num; i++)
		order[i] = &reqs[i];
	qsort(order, num, sizeof(*order), compare_requirement_keys);
	for (i = 0; i < num; i++)
		sorted[i] = *order[i];
	memcpy(reqs, sorted, num * sizeof(*reqs));
}

int label_selector_parse(struct arena *a, const char *text, struct label_selector *out,
			 const char **error)
{
	struct label_parser p = {.arena = a, .text = text};
	struct label_requirement *reqs = NULL;
	size_t num = 0, cap = 0;
	struct label_token t;

	*out = (struct label_selector){0};
	p.pos = label_lex(text, 0, &p.next);
	for (;;) {
		t = label_peek(&p, CONTEXT_VALUES);
		if (t.kind == TOKEN_END)
			break;
		if (t.kind != TOKEN_IDENTIFIER && t.kind != TOKEN_NOT) {
			label_found(&p, t, ", expected: !, identifier, or 'end of string'");
			goto fail;
		}
		if (num == cap) {
			struct label_requirement *grown;

			cap = cap ? cap * 2 : 4;
			grown = arena_alloc(a, cap * sizeof(*grown));
			if (num)
				memcpy(grown, reqs, num * sizeof(*grown));
			reqs = grown;
		}
		if (label_parse_requirement(&p, &reqs[num]) != 0) {
			p.error = arena_printf(a, "unable to parse requirement: %s", p.error);
			goto fail;
		}
		num++;
		t = label_consume(&p, CONTEXT_VALUES);
		if (t.kind == TOKEN_END)
			break;
		if (t.kind != TOKEN_COMMA) {
			label_found(&p, t, ", expected: ',' or 'end of string'");
			goto fail;
		}
		t = label_peek(&p, CONTEXT_VALUES);
		if (t.kind != TOKEN_IDENTIFIER && t.kind != TOKEN_NOT) {
			label_found(&p, t, ", expected: identifier after ','");
			goto fail;
		}
	}
	label_requirements_sort(a, reqs, num);
	out->reqs = reqs;
	out->num_reqs = num;
	return 0;
fail:
	*error = p.error;
	return -1;
}

/* ---- Label matching ---- */

static bool label_requirement_matches(const struct label_requirement *r, json_t *labels)
{
	json_t *label = json_is_object(labels) ? json_object_get(labels, r->key) : NULL;
	const char *value = json_string_value(label); /* NULL unless a string */
	bool found = false;
	int64_t have, want;
	size_t i;

	for (i = 0; value && i < r->num_values; i++)
		found = found || strcmp(value, r->values[i]) == 0;
	switch (r->op) {
	case LABEL_EQUALS:
	case LABEL_IN:
		return found;
	case LABEL_NOT_EQUALS:
	case LABEL_NOT_IN:
		return !found;
	case LABEL_EXISTS:
		return label != NULL;
	case LABEL_DOES_NOT_EXIST:
		return label == NULL;
	case LABEL_GT:
	case LABEL_LT:
		if (!value || r->num_values != 1 || !parse_int64(value, &have) ||
		    !parse_int64(r->values[0], &want))
			return false;
		return r->op == LABEL_GT ? have > want : have < want;
	}
	return false;
}

bool label_selector_matches(const struct label_selector *s, json_t *labels)
{
	size_t i;

	for (i = 0; i < s->num_reqs; i++) {
		if (!label_requirement_matches(&s->reqs[i], labels))
			return false;
	}
	return true;
}

/* ---- Field selectors ---- */

struct slice {
	const char *s;
	size_t len;
};

/* Go's string order: bytes, then length. */
static int compare_slices(const void *x, const void *y)
{
	const struct slice *a = x, *b = y;
	int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/*
 * fields.UnescapeValue. A value with none of \ , = is taken as it is;
 * otherwise it is read rune by rune as Go does, so that invalid UTF-8
 * becomes U+FFFD.
 */
static int field_unescape(struct arena *a, const char *s, size_t len, const char **out,
			  const char **error)
{
	char *v, *w;
	bool escaped = false;
	size_t i = 0;

	if (!memchr(s, '\\', len) && !memchr(s, ',', len) && !memchr(s, '=', len)) {
		*out = arena_strndup(a, s, len);
		return 0;
	}
	v = w = arena_alloc(a, len * 3 + 1);
	while (i < len) {
		uint32_t r;
		size_t width = gojson_utf8_decode(s + i, len - i, &r);
		char rune[4];

		i += width;
		if (escaped) {
			if (r != '\\' && r != ',' && r != '=') {
				*error = arena_printf(
				    a, "invalid field selector: invalid escape sequence: \\%.*s",
				    (int)gojson_utf8_encode(r, rune), rune);
				return -1;
			}
			escaped = false;
		} else if (r == '\\') {
			escaped = true;
			continue;
		} else if (r == ',' || r == '=') {
			*error = arena_printf(
			    a, "invalid field selector: unescaped character in value: %u",
			    (unsigned)r);
			return -1;
		}
		w += gojson_utf8_encode(r, w);
	}
	if (escaped) {
		*error = "invalid field selector: invalid escape sequence: \\";
		return -1;
	}
	*w = '\0';
	*out = v;
	return 0;
}

int field_selector_parse(struct arena *a, const char *text, struct field_selector *out,
			 const char **error)
{
	size_t len = strlen(text), num_parts = 1, i, start = 0;
	struct slice *parts;
	bool escaped = false;

	*out = (struct field_selector){0};
	if (len == 0)
		return 0;
	/* Split on the commas no backslash escapes. */
	for (i = 0; i < len; i++)
		num_parts += text[i] == ',';
	parts = arena_alloc(a, num_parts * sizeof(*parts));
	num_parts = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && escaped) {
			escaped = false;
		} else if (i < len && text[i] == '\\') {
			escaped = true;
		} else if (i == len || text[i] == ',') {
			parts[num_parts++] = (struct slice){text + start, i - start};
			start = i + 1;
		}
	}
	qsort(parts, num_parts, sizeof(*parts), compare_slices);

	out->reqs = arena_alloc(a, num_parts * sizeof(*out->reqs));
	for (i = 0; i < num_parts; i++) {
		const char *part = parts[i].s;
		size_t n = parts[i].len, at, op_len = 0;
		struct field_requirement *r = &out->reqs[out->num_reqs];

		if (n == 0)
			continue;
		/* The first "!=", "==" or "=" splits the term; the field has no escapes. */
		for (at = 0; at < n && !op_len; at++) {
			if (at + 1 < n && part[at + 1] == '=' &&
			    (part[at] == '!' || part[at] == '='))
				op_len = 2;
			else if (part[at] == '=')
				op_len = 1;
		}
		if (!op_len) {
			*error = arena_printf(a, "invalid selector: '%s'; can't understand '%.*s'",
					      text, (int)n, part);
			return -1;
		}
		at--;
		r->op = part[at] == '!' ? FIELD_NOT_EQUALS : FIELD_EQUALS;
		r->field = arena_strndup(a, part, at);
		if (field_unescape(a, part + at + op_len, n - at - op_len, &r->value, error) != 0)
			return -1;
		/* An empty field with an empty value selects everything, as upstream. */
		if (at > 0 || r->value[0])
			out->num_reqs++;
	}
	return 0;
}

/* Go's %v for a float64: the shortest digits that read back, %e outside [1e-4, 1e6). */
static const char *go_format_float(struct arena *a, double v)
{
	char digits[40];
	int precision, exponent;

	/* Seventeen significant digits always read back. */
	for (precision = 1; precision <= 17; precision++) {
		snprintf(digits, sizeof(digits), "%.*e", precision - 1, v);
		if (strtod(digits, NULL) == v)
			break;
	}
	exponent = atoi(strchr(digits, 'e') + 1);
	if (exponent < -4 || exponent >= 6)
		return arena_strdup(a, digits);
	return arena_printf(a, "%.*f", precision - 1 - exponent > 0 ? precision - 1 - exponent : 0,
			    v);
}

const char *field_value(struct arena *a, json_t *obj, const char *field)
{
	json_t *node = obj;
	const char *segment = field;

	for (;;) {
		const char *dot = strchr(segment, '.');
		size_t len = dot ? (size_t)(dot - segment) : strlen(segment);

		if (!json_is_object(node))
			return "";
		node = json_object_getn(node, segment, len);
		if (!node)
			return "";
		if (!dot)
			break;
		segment = dot + 1;
	}
	switch (json_typeof(node)) {
	case JSON_STRING:
		return json_string_value(node);
	case JSON_INTEGER:
		return arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(node));
	case JSON_REAL:
		return go_format_float(a, json_real_value(node));
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return "";
	}
}

bool field_selector_matches(struct arena *a, const struct field_selector *s, json_t *obj)
{
	size_t i;

	for (i = 0; i < s->num_reqs; i++) {
		const struct field_requirement *r = &s->reqs[i];
		bool equal = strcmp(field_value(a, obj, r->field), r->value) == 0;

		if (equal != (r->op == FIELD_EQUALS))
			return false;
	}
	return true;
}

/* ---- SQL ---- */

/* PostgreSQL's limit on the parameters of one statement. */
#define SQL_MAX_PARAMS 65535

/* The caller's column: an identifier, optionally qualified by a table name. */
static bool sql_column_valid(const char *column)
{
	bool start = true;
	int dots = 0;

	for (; *column; column++) {
		char c = *column;

		if (c == '.' && !start && dots++ == 0) {
			start = true;
			continue;
		}
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (!start && c >= '0' && c <= '9')))
			return false;
		start = false;
	}
	return !start;
}

static size_t sql_param(struct arena *a, struct sql_params *params, const char *value)
{
	if (params->num == params->cap) {
		size_t cap = params->cap ? params->cap * 2 : 16;
		const char **values = arena_alloc(a, cap * sizeof(*values));

		if (params->num)
			memcpy(values, params->values, params->num * sizeof(*values));
		params->values = values;
		params->cap = cap;
	}
	params->values[params->num++] = value;
	return params->num;
}

/* Whether this requirement's SQL would be well formed; how many parameters it takes. */
static bool label_requirement_sql_ok(const struct label_requirement *r, size_t *num_params)
{
	int64_t n;

	switch (r->op) {
	case LABEL_EXISTS:
	case LABEL_DOES_NOT_EXIST:
		*num_params = 1;
		return true;
	case LABEL_IN:
	case LABEL_NOT_IN:
		*num_params = r->num_values ? 1 + r->num_values : 0;
		return true;
	case LABEL_GT:
	case LABEL_LT:
		*num_params = 2;
		return r->num_values == 1 && parse_int64(r->values[0], &n);
	default:
		*num_params = 2;
		return r->num_values == 1;
	}
}

/* Any of the values: an OR of containments, each one GIN-indexable. */
static void label_any_value_sql(struct arena *a, const struct label_requirement *r,
				const char *labels, struct buf *sql, struct sql_params *params)
{
	size_t key = sql_param(a, params, r->key), i;

	for (i = 0; i < r->num_values; i++) {
		size_t value = sql_param(a, params, r->values[i]);

		buf_printf(sql, "%s%s @> jsonb_build_object($%zu::text, $%zu::text)",
			   i ? " OR " : "", labels, key, value);
	}
}

static void label_requirement_sql(struct arena *a, const struct label_requirement *r,
				  const char *labels, struct buf *sql, struct sql_params *params)
{
	size_t key, value;

	switch (r->op) {
	case LABEL_EQUALS:
	case LABEL_IN:
		if (r->num_values == 0) {
			buf_append_str(sql, "FALSE");
			return;
		}
		buf_append_str(sql, "(");
		label_any_value_sql(a, r, labels, sql, params);
		buf_append_str(sql, ")");
		return;
	case LABEL_NOT_EQUALS:
	case LABEL_NOT_IN:
		if (r->num_values == 0) {
			buf_append_str(sql, "TRUE");
			return;
		}
		/* An object without labels gives NULL here, and matches, as upstream. */
		buf_append_str(sql, "(NOT COALESCE(");
		label_any_value_sql(a, r, labels, sql, params);
		buf_append_str(sql, ", false))");
		return;
	case LABEL_EXISTS:
		buf_printf(sql, "(%s ? $%zu)", labels, sql_param(a, params, r->key));
		return;
	case LABEL_DOES_NOT_EXIST:
		buf_printf(sql, "(NOT COALESCE(%s ? $%zu, false))", labels,
			   sql_param(a, params, r->key));
		return;
	case LABEL_GT:
	case LABEL_LT:
		/*
		 * Only what strconv.ParseInt reads compares; the CASE makes sure
		 * the casts never see anything else.
		 */
		key = sql_param(a, params, r->key);
		value = sql_param(a, params, r->values[0]);
		buf_printf(sql,
			   "(CASE WHEN (%s->>$%zu) ~ '^[-+]?[0-9]+$' THEN (%s->>$%zu)::numeric "
			   "BETWEEN -9223372036854775808 AND 9223372036854775807 AND "
			   "(%s->>$%zu)::numeric %c $%zu::numeric ELSE false END)",
			   labels, key, labels, key, labels, key, r->op == LABEL_GT ? '>' : '<',
			   value);
		return;
	}
}

int label_selector_to_sql(struct arena *a, const struct label_selector *s, const char *column,
			  struct buf *sql, struct sql_params *params)
{
	size_t needed = 0, i, n;
	const char *labels;

	if (!sql_column_valid(column))
		return -1;
	for (i = 0; i < s->num_reqs; i++) {
		if (!label_requirement_sql_ok(&s->reqs[i], &n))
			return -1;
		needed += n;
	}
	if (params->num + needed > SQL_MAX_PARAMS)
		return -1;
	if (s->num_reqs == 0) {
		buf_append_str(sql, "TRUE");
		return 0;
	}
	labels = arena_printf(a, "(%s->'metadata'->'labels')", column);
	if (s->num_reqs > 1)
		buf_append_str(sql, "(");
	for (i = 0; i < s->num_reqs; i++) {
		if (i)
			buf_append_str(sql, " AND ");
		label_requirement_sql(a, &s->reqs[i], labels, sql, params);
	}
	if (s->num_reqs > 1)
		buf_append_str(sql, ")");
	return 0;
}

/*
 * The path as a text[] literal, '{"spec","nodeName"}', or NULL when a segment
 * is not [A-Za-z0-9_-]+ or looks like an array index (which #>> would follow
 * and field_value does not). The quotes keep a segment like NULL a string.
 */
static const char *field_path_literal(struct arena *a, const char *field)
{
	struct buf literal = {0};
	const char *segment = field;

	buf_append_str(&literal, "'{");
	for (;;) {
		size_t len = strcspn(segment, "."), i, digits = 0;

		for (i = 0; i < len; i++) {
			char c = segment[i];

			digits += c >= '0' && c <= '9';
			if (!is_alnum(c) && c != '_' && c != '-')
				break;
		}
		if (len == 0 || i < len || digits + (segment[0] == '-') == len) {
			buf_free(&literal);
			return NULL;
		}
		buf_printf(&literal, "%s\"%.*s\"", segment == field ? "" : ",", (int)len, segment);
		if (segment[len] == '\0')
			break;
		segment += len + 1;
	}
	buf_append_str(&literal, "}'");
	return arena_message(a, &literal);
}

int field_selector_to_sql(struct arena *a, const struct field_selector *s, const char *column,
			  struct buf *sql, struct sql_params *params)
{
	const char **paths;
	size_t i;

	if (!sql_column_valid(column) || params->num + s->num_reqs > SQL_MAX_PARAMS)
		return -1;
	if (s->num_reqs == 0) {
		buf_append_str(sql, "TRUE");
		return 0;
	}
	/* PostgreSQL refuses text that is not UTF-8; in memory it matches nothing anyway. */
	paths = arena_alloc(a, s->num_reqs * sizeof(*paths));
	for (i = 0; i < s->num_reqs; i++) {
		paths[i] = field_path_literal(a, s->reqs[i].field);
		if (!paths[i] || !gojson_utf8_valid(s->reqs[i].value, strlen(s->reqs[i].value)))
			return -1;
	}
	if (s->num_reqs > 1)
		buf_append_str(sql, "(");
	for (i = 0; i < s->num_reqs; i++) {
		const struct field_requirement *r = &s->reqs[i];

		buf_printf(sql,
			   "%s(COALESCE(CASE WHEN jsonb_typeof(%s #> %s) IN ('object', 'array') "
			   "THEN '' ELSE %s #>> %s END, '') %s $%zu)",
			   i ? " AND " : "", column, paths[i], column, paths[i],
			   r->op == FIELD_EQUALS ? "=" : "<>", sql_param(a, params, r->value));
	}
	if (s->num_reqs > 1)
		buf_append_str(sql, ")");
	return 0;
}
