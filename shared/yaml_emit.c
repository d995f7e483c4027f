/*
 * yaml_emit.c - json_to_yaml (see yaml_json.h): a JSON value written as
 * the YAML kube-apiserver sends for Accept: application/yaml.
 *
 * Upstream marshals the object to JSON text, reads that text back with
 * goyaml.v2 (so strings pass through YAML's double-quoted scalar rules and
 * numbers get YAML types) and marshals the result with goyaml.v2's emitter:
 * keys sorted in its natural order, block style, two-space indent, lines
 * folded at 80 columns. This file does the same three steps on a jansson
 * value.
 *
 * The emitter is written here rather than taken from libyaml: goyaml.v2
 * forked libyaml's emitter before libyaml 0.2.x changed it (libyaml now
 * indents before the closing quote of a single-quoted scalar that ends in
 * a line break and marks open-ended documents with "..."), and the output
 * must match the fork byte for byte. Only what JSON can produce is needed:
 * block mappings and sequences, {} and [] for empty ones, and scalars in
 * plain, single-quoted, double-quoted or literal style.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/yaml_json.h"
#include "shared/yaml_scalar.h"

#define BEST_INDENT 2
#define BEST_WIDTH  80
/* goyaml.v2 reads no simple key of more than 1024 characters; the quotes count. */
#define MAX_JSON_KEY_CHARS 1022
/* A longer key, or one over several lines, is written as "? key". */
#define MAX_SIMPLE_KEY_BYTES 128

enum scalar_style { STYLE_PLAIN, STYLE_SINGLE, STYLE_DOUBLE, STYLE_LITERAL };

struct writer {
	struct buf *out;
	size_t column;	 /* in characters */
	long indent;	 /* -1 outside any node */
	bool whitespace; /* the last thing written was whitespace */
	bool indention;	 /* only indentation on the line so far */
	long *indents;
	size_t num_indents, indents_cap;
};

/* ---- Character classes of the YAML emitter (on valid UTF-8) ---- */

static size_t char_width(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static bool is_space(const unsigned char *s, size_t i, size_t len)
{
	return i < len && s[i] == ' ';
}

static bool is_break(const unsigned char *s, size_t i, size_t len)
{
	if (i >= len)
		return false;
	return s[i] == '\r' || s[i] == '\n' || (s[i] == 0xC2 && i + 1 < len && s[i + 1] == 0x85) ||
	       (s[i] == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
		(s[i + 2] == 0xA8 || s[i + 2] == 0xA9));
}

static bool is_nel(const unsigned char *s, size_t i, size_t len)
{
	return i + 1 < len && s[i] == 0xC2 && s[i + 1] == 0x85;
}

static bool is_blankz(const unsigned char *s, size_t i, size_t len)
{
	return i >= len || s[i] == ' ' || s[i] == '\t' || s[i] == '\0' || is_break(s, i, len);
}

static bool is_bom(const unsigned char *s, size_t i, size_t len)
{
	return i + 2 < len && s[i] == 0xEF && s[i + 1] == 0xBB && s[i + 2] == 0xBF;
}

/* YAML's printable set: tab and line breaks other than \n excluded, 4-byte sequences too. */
static bool is_printable(const unsigned char *s, size_t i, size_t len)
{
	unsigned char c = s[i], c1 = i + 1 < len ? s[i + 1] : 0, c2 = i + 2 < len ? s[i + 2] : 0;

	return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && c1 >= 0xA0) ||
	       (c > 0xC2 && c < 0xED) || (c == 0xED && c1 < 0xA0) || c == 0xEE ||
	       (c == 0xEF && !(c1 == 0xBB && c2 == 0xBF) &&
		!(c1 == 0xBF && (c2 == 0xBE || c2 == 0xBF)));
}

/* ---- Low-level output ---- */

static void put(struct writer *w, char c)
{
	buf_append(w->out, &c, 1);
	w->column++;
}

static void put_break(struct writer *w)
{
	buf_append(w->out, "\n", 1);
	w->column = 0;
}

/* Copies one character. */
static void write_char(struct writer *w, const unsigned char *s, size_t *i)
{
	size_t n = char_width(s[*i]);

	buf_append(w->out, s + *i, n);
	*i += n;
	w->column++;
}

/* A line break inside a scalar: \n as the output's break, others as they are. */
static void write_break(struct writer *w, const unsigned char *s, size_t *i)
{
	if (s[*i] == '\n') {
		put_break(w);
		(*i)++;
		return;
	}
	write_char(w, s, i);
	w->column = 0;
}

static void write_indent(struct writer *w)
{
	size_t indent = w->indent < 0 ? 0 : (size_t)w->indent;

	if (!w->indention || w->column > indent || (w->column == indent && !w->whitespace))
		put_break(w);
	while (w->column < indent)
		put(w, ' ');
	w->whitespace = true;
	w->indention = true;
}

static void write_indicator(struct writer *w, const char *indicator, bool need_whitespace,
			    bool is_whitespace, bool is_indention)
{
	if (need_whitespace && !w->whitespace)
		put(w, ' ');
	while (*indicator)
		put(w, *indicator++);
	w->whitespace = is_whitespace;
	w->indention = w->indention && is_indention;
}

static void increase_indent(struct writer *w, bool flow, bool indentless)
{
	if (w->num_indents == w->indents_cap) {
		w->indents_cap = w->indents_cap ? w->indents_cap * 2 : 32;
		w->indents = realloc(w->indents, w->indents_cap * sizeof(*w->indents));
		if (!w->indents)
			abort();
	}
	w->indents[w->num_indents++] = w->indent;
	if (w->indent < 0)
		w->indent = flow ? BEST_INDENT : 0;
	else if (!indentless)
		w->indent += BEST_INDENT;
}

static void decrease_indent(struct writer *w)
{
	w->indent = w->indents[--w->num_indents];
}

/* ---- Scalars ---- */

struct scalar_analysis {
	bool multiline;
	bool plain_allowed; /* in block context, the only one used here */
	bool single_quoted_allowed;
	bool block_allowed;
};

/* What the text allows, by the emitter's rules for indicators, spaces, breaks and specials. */
static struct scalar_analysis analyze_scalar(const unsigned char *s, size_t len)
{
	struct scalar_analysis a = {false, true, true, true};
	bool block_indicators = false, line_breaks = false, special = false;
	bool leading_space = false, leading_break = false, trailing_space = false;
	bool trailing_break = false, break_space = false, space_break = false;
	bool preceded_by_whitespace = true, previous_space = false, previous_break = false;
	size_t i, w;

	if (len == 0)
		return (struct scalar_analysis){false, true, true, false};
	if (len >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))
		block_indicators = true;
	for (i = 0; i < len; i += w) {
		bool followed_by_whitespace;

		w = char_width(s[i]);
		followed_by_whitespace = i + w >= len || s[i + w] == ' ' || s[i + w] == '\t';
		if (i == 0) {
			if (strchr("#,[]{}&*!|>'\"%@`", s[i]) && s[i])
				block_indicators = true;
			else if ((s[i] == '?' || s[i] == ':' || s[i] == '-') &&
				 followed_by_whitespace)
				block_indicators = true;
		} else if ((s[i] == ':' && followed_by_whitespace) ||
			   (s[i] == '#' && preceded_by_whitespace)) {
			block_indicators = true;
		}
		if (!is_printable(s, i, len))
			special = true;
		if (s[i] == ' ') {
			leading_space |= i == 0;
			trailing_space |= i + w == len;
			break_space |= previous_break;
			previous_space = true;
			previous_break = false;
		} else if (is_break(s, i, len)) {
			line_breaks = true;
			leading_break |= i == 0;
			trailing_break |= i + w == len;
			space_break |= previous_space;
			previous_space = false;
			previous_break = true;
		} else {
			previous_space = previous_break = false;
		}
		preceded_by_whitespace = is_blankz(s, i, len);
	}
	a.multiline = line_breaks;
	if (leading_space || leading_break || trailing_space || trailing_break)
		a.plain_allowed = false;
	if (trailing_space)
		a.block_allowed = false;
	if (break_space)
		a.plain_allowed = a.single_quoted_allowed = false;
	if (space_break || special)
		a.plain_allowed = a.single_quoted_allowed = a.block_allowed = false;
	if (line_breaks || block_indicators)
		a.plain_allowed = false;
	return a;
}

static enum scalar_style select_style(enum scalar_style style, const struct scalar_analysis *a,
				      size_t len, bool simple_key)
{
	if (simple_key && a->multiline)
		style = STYLE_DOUBLE;
	if (style == STYLE_PLAIN && (!a->plain_allowed || (len == 0 && simple_key)))
		style = STYLE_SINGLE;
	if (style == STYLE_SINGLE && !a->single_quoted_allowed)
		style = STYLE_DOUBLE;
	if (style == STYLE_LITERAL && (!a->block_allowed || simple_key))
		style = STYLE_DOUBLE;
	return style;
}

static void write_plain(struct writer *w, const unsigned char *s, size_t len, bool allow_breaks)
{
	bool spaces = false;
	size_t i = 0;

	if (!w->whitespace)
		put(w, ' ');
	while (i < len) {
		if (s[i] == ' ') {
			if (allow_breaks && !spaces && w->column > BEST_WIDTH &&
			    !is_space(s, i + 1, len)) {
				write_indent(w);
				i++;
			} else {
				write_char(w, s, &i);
			}
			spaces = true;
		} else {
			write_char(w, s, &i);
			w->indention = false;
			spaces = false;
		}
	}
	w->whitespace = false;
	w->indention = false;
}

static void write_single_quoted(struct writer *w, const unsigned char *s, size_t len,
				bool allow_breaks)
{
	bool spaces = false, breaks = false;
	size_t i = 0;

	write_indicator(w, "'", true, false, false);
	while (i < len) {
		if (s[i] == ' ') {
			if (allow_breaks && !spaces && w->column > BEST_WIDTH && i > 0 &&
			    i < len - 1 && !is_space(s, i + 1, len)) {
				write_indent(w);
				i++;
			} else {
				write_char(w, s, &i);
			}
			spaces = true;
		} else if (is_break(s, i, len)) {
			if (!breaks && s[i] == '\n')
				put_break(w);
			write_break(w, s, &i);
			w->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(w);
			if (s[i] == '\'')
				put(w, '\'');
			write_char(w, s, &i);
			w->indention = false;
			spaces = breaks = false;
		}
	}
	write_indicator(w, "'", false, false, false);
	w->whitespace = false;
	w->indention = false;
}

/* The escape for one character that may not appear as itself in double quotes. */
static void write_escape(struct writer *w, uint32_t c)
{
	static const struct {
		uint32_t c;
		char letter;
	} short_escapes[] = {
	    {0x00, '0'},  {0x07, 'a'}, {0x08, 'b'}, {0x09, 't'},   {0x0A, 'n'},
	    {0x0B, 'v'},  {0x0C, 'f'}, {0x0D, 'r'}, {0x1B, 'e'},   {0x22, '"'},
	    {0x5C, '\\'}, {0x85, 'N'}, {0xA0, '_'}, {0x2028, 'L'}, {0x2029, 'P'},
	};
	char hex[12];
	size_t k;

	put(w, '\\');
	for (k = 0; k < sizeof(short_escapes) / sizeof(short_escapes[0]); k++) {
		if (short_escapes[k].c == c) {
			put(w, short_escapes[k].letter);
			return;
		}
	}
	if (c <= 0xFF)
		snprintf(hex, sizeof(hex), "x%02X", c);
	else if (c <= 0xFFFF)
		snprintf(hex, sizeof(hex), "u%04X", c);
	else
		snprintf(hex, sizeof(hex), "U%08X", c);
	for (k = 0; hex[k]; k++)
		put(w, hex[k]);
}

static void write_double_quoted(struct writer *w, const unsigned char *s, size_t len,
				bool allow_breaks)
{
	/*
	 * goyaml.v2 tests for a byte order mark at the start of the text
	 * where it means the current character, so after a leading BOM every
	 * character is escaped.
	 */
	bool spaces = false, leading_bom = is_bom(s, 0, len);
	size_t i = 0;

	write_indicator(w, "\"", true, false, false);
	while (i < len) {
		if (!is_printable(s, i, len) || leading_bom || is_break(s, i, len) || s[i] == '"' ||
		    s[i] == '\\') {
			uint32_t c;

			i += utf8_decode((const char *)s + i, len - i, &c);
			write_escape(w, c);
			spaces = false;
		} else if (s[i] == ' ') {
			if (allow_breaks && !spaces && w->column > BEST_WIDTH && i > 0 &&
			    i < len - 1) {
				write_indent(w);
				/* A space at the start of the next line would be folded away. */
				if (is_space(s, i + 1, len))
					put(w, '\\');
				i++;
			} else {
				write_char(w, s, &i);
			}
			spaces = true;
		} else {
			write_char(w, s, &i);
			spaces = false;
		}
	}
	write_indicator(w, "\"", false, false, false);
	w->whitespace = false;
	w->indention = false;
}

/* Start of the character before position i. */
static size_t previous_char(const unsigned char *s, size_t i)
{
	do
		i--;
	while (i > 0 && (s[i] & 0xC0) == 0x80);
	return i;
}

static void write_literal(struct writer *w, const unsigned char *s, size_t len)
{
	bool breaks = true;
	size_t i = 0, last;

	write_indicator(w, "|", true, false, false);
	/* An indentation indicator when the text starts with what would hide its indentation. */
	if (is_space(s, 0, len) || is_break(s, 0, len)) {
		char hint[2] = {'0' + BEST_INDENT, 0};

		write_indicator(w, hint, false, false, false);
	}
	/* Chomping: "-" without a final break, "+" to keep more than one. */
	last = previous_char(s, len);
	if (!is_break(s, last, len))
		write_indicator(w, "-", false, false, false);
	else if (last == 0 || is_break(s, previous_char(s, last), len))
		write_indicator(w, "+", false, false, false);
	put_break(w);
	w->indention = true;
	w->whitespace = true;
	while (i < len) {
		if (is_break(s, i, len)) {
			write_break(w, s, &i);
			w->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(w);
			write_char(w, s, &i);
			w->indention = false;
			breaks = false;
		}
	}
}

/*
 * A scalar node: its style is the one asked for, unless the text does not
 * allow it. Its continuation lines (folded or literal) are indented one
 * step deeper than the node that holds it.
 */
static void write_scalar(struct writer *w, const char *text, size_t len, enum scalar_style style,
			 bool simple_key)
{
	const unsigned char *s = (const unsigned char *)text;
	struct scalar_analysis a = analyze_scalar(s, len);

	increase_indent(w, true, false);
	switch (select_style(style, &a, len, simple_key)) {
	case STYLE_PLAIN:
		write_plain(w, s, len, !simple_key);
		break;
	case STYLE_SINGLE:
		write_single_quoted(w, s, len, !simple_key);
		break;
	case STYLE_DOUBLE:
		write_double_quoted(w, s, len, !simple_key);
		break;
	case STYLE_LITERAL:
		write_literal(w, s, len);
		break;
	}
	decrease_indent(w);
}

/* ---- Reading the JSON text back ---- */

/*
 * The string goyaml.v2 reads back from encoding/json's text for s, or
 * false where it cannot. encoding/json escapes quotes, backslashes, C0
 * controls, <, >, &, U+2028 and U+2029, and nothing else. To YAML's reader
 * a raw DEL, C1 control (but U+0085), U+FFFE or U+FFFF is an error, and a
 * raw U+0085 is a line break, which inside double quotes folds: spaces
 * around it vanish and one break becomes a space (several keep all but the
 * first). A key that spans lines is no simple key, and fails.
 */
static bool read_back_string(struct arena *a, const char *text, size_t len, bool key,
			     const char **out, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)text;
	struct buf folded = {0};
	size_t i, n = 0;
	bool has_nel = false;

	for (i = 0; i < len; i += char_width(s[i])) {
		uint32_t c;

		utf8_decode(text + i, len - i, &c);
		if (c == 0x7F || (c >= 0x80 && c <= 0x9F && c != 0x85) || c == 0xFFFE ||
		    c == 0xFFFF)
			return false;
		has_nel |= c == 0x85;
	}
	*out = text;
	*out_len = len;
	if (!has_nel)
		return true;
	if (key)
		return false;
	buf_append_str(&folded, "");
	i = 0;
	while (i < len) {
		size_t spaces = 0, breaks = 0;

		while (i < len && s[i] != ' ' && !is_nel(s, i, len)) {
			buf_append(&folded, s + i, char_width(s[i]));
			i += char_width(s[i]);
		}
		while (i < len && (s[i] == ' ' || is_nel(s, i, len))) {
			if (s[i] == ' ') {
				spaces += !breaks;
				i++;
				continue;
			}
			breaks++;
			i += 2;
			/* A document marker at the start of a line ends the document. */
			if (len - i >= 4 &&
			    (!memcmp(s + i, "---", 3) || !memcmp(s + i, "...", 3)) &&
			    (s[i + 3] == ' ' || is_nel(s, i + 3, len))) {
				buf_free(&folded);
				return false;
			}
		}
		if (breaks == 0)
			for (n = 0; n < spaces; n++)
				buf_append(&folded, " ", 1);
		else if (breaks == 1)
			buf_append(&folded, " ", 1);
		else
			for (n = 1; n < breaks; n++)
				buf_append(&folded, "\n", 1);
	}
	*out = arena_strndup(a, folded.data, folded.len);
	*out_len = folded.len;
	buf_free(&folded);
	return true;
}

/*
 * How many characters encoding/json spends on s inside its quotes (Go
 * 1.22 and later write \b and \f as two).
 */
static size_t json_escaped_chars(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n = 0;

	for (i = 0; i < len; i += char_width(p[i])) {
		unsigned char c = p[i];

		if (strchr("\"\\\n\r\t\b\f", c) && c)
			n += 2;
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			n += 6;
		else if (c == 0xE2 && i + 2 < len && p[i + 1] == 0x80 && (p[i + 2] & 0xFE) == 0xA8)
			n += 6;
		else
			n++;
	}
	return n;
}

/* ---- Nodes ---- */

struct key {
	const char *text;
	size_t len;
	uint32_t *runes;
	size_t num_runes;
	const json_t *value;
};

static bool key_less(const struct key *a, const struct key *b)
{
	return yaml_key_less(a->runes, a->num_runes, b->runes, b->num_runes);
}

/*
 * A merge sort: goyaml's order is not transitive when digit runs overflow
 * an int64 (upstream's result then depends on Go's map order), and qsort
 * must not be given such a comparison.
 */
static void sort_keys_merge(struct key *keys, struct key *tmp, size_t n)
{
	size_t width, i;

	for (width = 1; width < n; width *= 2) {
		for (i = 0; i < n; i += 2 * width) {
			size_t mid = i + width < n ? i + width : n;
			size_t end = i + 2 * width < n ? i + 2 * width : n;
			size_t l = i, r = mid, k = i;

			while (l < mid && r < end)
				tmp[k++] = key_less(&keys[r], &keys[l]) ? keys[r++] : keys[l++];
			while (l < mid)
				tmp[k++] = keys[l++];
			while (r < end)
				tmp[k++] = keys[r++];
		}
		memcpy(keys, tmp, n * sizeof(*keys));
	}
}

struct level {
	const json_t *json;
	struct key *keys; /* objects: in goyaml.v2's order */
	size_t len, next;
};

/* A string node: double-quoted if it would read back as something else, literal if multi-line. */
static bool write_string(struct writer *w, struct arena *a, const char *s, size_t len, bool is_key,
			 bool simple_key)
{
	enum scalar_style style = STYLE_DOUBLE;
	struct yaml_scalar resolved;

	if (!read_back_string(a, s, len, is_key, &s, &len))
		return false;
	if (memchr(s, '\n', len))
		style = STYLE_LITERAL;
	else if (yaml_scalar_resolve(s, len, true, &resolved) == YAML_SCALAR_STR &&
		 !yaml_scalar_is_base60_float(s, len))
		style = STYLE_PLAIN;
	write_scalar(w, s, len, style, simple_key);
	return true;
}

/* A real as encoding/json writes it, typed again as goyaml.v2 reads that text. */
static void write_real(struct writer *w, double f)
{
	char json_text[GO_FLOAT_BUF], text[GO_FLOAT_BUF];
	struct yaml_scalar s;

	go_format_float_json(f, json_text);
	switch (yaml_scalar_resolve(json_text, strlen(json_text), true, &s)) {
	case YAML_SCALAR_INT:
		snprintf(text, sizeof(text), "%lld", (long long)s.i);
		break;
	case YAML_SCALAR_UINT:
		snprintf(text, sizeof(text), "%llu", (unsigned long long)s.u);
		break;
	case YAML_SCALAR_FLOAT:
		go_format_float_g(s.f, 64, text);
		break;
	default:
		snprintf(text, sizeof(text), "%s", json_text);
		break;
	}
	write_scalar(w, text, strlen(text), STYLE_PLAIN, false);
}

static bool sort_keys(struct arena *a, struct level *l)
{
	const char *key;
	size_t key_len, i = 0;
	json_t *value;

	l->keys = arena_alloc(a, (l->len + 1) * sizeof(*l->keys));
	json_object_keylen_foreach((json_t *)l->json, key, key_len, value)
	{
		struct key *k = &l->keys[i++];

		if (json_escaped_chars(key, key_len) > MAX_JSON_KEY_CHARS)
			return false;
		k->text = key;
		k->len = key_len;
		k->value = value;
		k->runes = arena_alloc(a, (key_len + 1) * sizeof(*k->runes));
		k->num_runes = utf8_to_runes(key, key_len, k->runes);
	}
	sort_keys_merge(l->keys, arena_alloc(a, (l->len + 1) * sizeof(*l->keys)), l->len);
	return true;
}

/* Can the key go on one line before its colon? */
static bool is_simple_key(const char *s, size_t len)
{
	return len <= MAX_SIMPLE_KEY_BYTES &&
	       !analyze_scalar((const unsigned char *)s, len).multiline;
}

/*
 * Writes a node. A non-empty collection only begins here: its level is
 * pushed, and its entries are written as the caller pops through them.
 * in_mapping tells whether the node is a key's value (a sequence there
 * stays at the key's indentation).
 */
static bool write_node(struct writer *w, struct arena *a, struct level **stack, size_t *depth,
		       size_t *cap, const json_t *v, bool in_mapping)
{
	char text[32];
	size_t size;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (*depth >= YAML_JSON_MAX_DEPTH)
			return false;
		size = json_is_object(v) ? json_object_size(v) : json_array_size(v);
		if (size == 0) {
			write_indicator(w, json_is_object(v) ? "{}" : "[]", true, false, false);
			return true;
		}
		if (*depth == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*stack = realloc(*stack, *cap * sizeof(**stack));
			if (!*stack)
				abort();
		}
		(*stack)[*depth] = (struct level){.json = v, .len = size};
		if (json_is_object(v) && !sort_keys(a, &(*stack)[*depth]))
			return false;
		(*depth)++;
		increase_indent(w, false, json_is_array(v) && in_mapping && !w->indention);
		return true;
	case JSON_STRING:
		return write_string(w, a, json_string_value(v), json_string_length(v), false,
				    false);
	case JSON_INTEGER:
		snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		write_scalar(w, text, strlen(text), STYLE_PLAIN, false);
		return true;
	case JSON_REAL:
		write_real(w, json_real_value(v));
		return true;
	case JSON_TRUE:
		write_scalar(w, "true", 4, STYLE_PLAIN, false);
		return true;
	case JSON_FALSE:
		write_scalar(w, "false", 5, STYLE_PLAIN, false);
		return true;
	case JSON_NULL:
		break;
	}
	write_scalar(w, "null", 4, STYLE_PLAIN, false);
	return true;
}

/* The next entry of the collection on top: "- item", "key: value" or "? key\n: value". */
static bool write_entry(struct writer *w, struct arena *a, struct level **stack, size_t *depth,
			size_t *cap)
{
	struct level *l = &(*stack)[*depth - 1];
	const struct key *k;

	write_indent(w);
	if (json_is_array(l->json)) {
		write_indicator(w, "-", true, false, true);
		return write_node(w, a, stack, depth, cap, json_array_get(l->json, l->next++),
				  false);
	}
	k = &l->keys[l->next++];
	if (is_simple_key(k->text, k->len)) {
		if (!write_string(w, a, k->text, k->len, true, true))
			return false;
		write_indicator(w, ":", false, false, false);
	} else {
		write_indicator(w, "?", true, false, true);
		if (!write_string(w, a, k->text, k->len, true, false))
			return false;
		write_indent(w);
		write_indicator(w, ":", true, false, true);
	}
	return write_node(w, a, stack, depth, cap, k->value, true);
}

char *json_to_yaml(const json_t *value, size_t *out_len)
{
	struct writer w = {.indent = -1, .whitespace = true, .indention = true};
	struct buf out = {0};
	struct arena a = {0};
	struct level *stack = NULL;
	size_t depth = 0, cap = 0;
	json_t *null = json_null();
	bool ok;

	w.out = &out;
	buf_append_str(&out, "");
	ok = write_node(&w, &a, &stack, &depth, &cap, value ? value : null, false);
	while (ok && depth) {
		if (stack[depth - 1].next < stack[depth - 1].len) {
			ok = write_entry(&w, &a, &stack, &depth, &cap);
			continue;
		}
		decrease_indent(&w);
		depth--;
	}
	/* The document ends with a line break. */
	if (ok)
		write_indent(&w);
	json_decref(null);
	free(stack);
	free(w.indents);
	arena_free(&a);
	if (!ok) {
		buf_free(&out);
		return NULL;
	}
	if (out_len)
		*out_len = out.len;
	return out.data;
}
