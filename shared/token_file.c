/*
 * token_file.c - --token-auth-file: Go's encoding/csv reader (the subset
 * tokenfile.NewCSV uses: ',' separator, no comments, strict quotes,
 * variable field counts) and the token table built from its records.
 *
 * Entries are kept sorted by the SHA-256 of their token, and a lookup
 * searches by the presented token's hash: the search's timing depends on
 * hashes, never on how many leading bytes of a real token were guessed.
 */
#include "token_file.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/xalloc.h"

/* ---- Go's encoding/csv ---- */

struct csv_reader {
	const char *data;
	size_t len;
	size_t pos;
	int num_line;
	struct buf line; /* the current line, "\r\n" turned into "\n" */
};

/* The next line with its '\n' (if any); false at the end of the input. */
static bool csv_read_line(struct csv_reader *r)
{
	const char *start = r->data + r->pos, *nl;
	size_t n;

	buf_reset(&r->line);
	if (r->pos >= r->len) {
		r->num_line++;
		return false;
	}
	nl = memchr(start, '\n', r->len - r->pos);
	n = nl ? (size_t)(nl - start) + 1 : r->len - r->pos;
	r->pos += n;
	buf_append(&r->line, start, n);
	/* A '\r' before the end of the input is dropped, as Go does. */
	if (!nl && r->line.len && r->line.data[r->line.len - 1] == '\r')
		r->line.len--;
	r->num_line++;
	if (r->line.len >= 2 && r->line.data[r->line.len - 2] == '\r' &&
	    r->line.data[r->line.len - 1] == '\n') {
		r->line.data[r->line.len - 2] = '\n';
		r->line.len--;
	}
	return true;
}

static size_t length_nl(const char *s, size_t len)
{
	return len && s[len - 1] == '\n' ? 1 : 0;
}

struct csv_record {
	struct buf fields; /* the fields one after another, each NUL-terminated */
	size_t *ends;	   /* where each field's NUL is */
	size_t num, cap;
};

static void record_end_field(struct csv_record *rec)
{
	buf_append(&rec->fields, "", 1);
	if (rec->num == rec->cap) {
		rec->cap = rec->cap ? rec->cap * 2 : 8;
		rec->ends = xrealloc(rec->ends, rec->cap * sizeof(*rec->ends));
	}
	rec->ends[rec->num++] = rec->fields.len - 1;
}

static const char *record_field(const struct csv_record *rec, size_t i)
{
	return rec->fields.data + (i ? rec->ends[i - 1] + 1 : 0);
}

static void parse_error(char *err, size_t err_len, int start_line, int line, int col,
			const char *what)
{
	if (start_line != line)
		snprintf(err, err_len, "record on line %d; parse error on line %d, column %d: %s",
			 start_line, line, col, what);
	else
		snprintf(err, err_len, "parse error on line %d, column %d: %s", line, col, what);
}

#define ERR_BARE_QUOTE "bare \" in non-quoted-field"
#define ERR_QUOTE      "extraneous or missing \" in quoted-field"

/* One record: 1, 0 at the end of the input, or -1 with err set. */
static int csv_read_record(struct csv_reader *r, struct csv_record *rec, char *err, size_t err_len)
{
	const char *line;
	size_t left;
	int rec_line, pos_line, pos_col;

	buf_reset(&rec->fields);
	rec->num = 0;
	for (;;) {
		if (!csv_read_line(r))
			return 0;
		if (r->line.len != length_nl(r->line.data, r->line.len))
			break; /* blank lines are skipped */
	}
	line = r->line.data;
	left = r->line.len;
	rec_line = r->num_line;
	pos_line = r->num_line;
	pos_col = 1;
	for (;;) {
		if (left == 0 || line[0] != '"') {
			const char *comma = memchr(line, ',', left);
			size_t field_len =
			    comma ? (size_t)(comma - line) : left - length_nl(line, left);
			const char *quote = memchr(line, '"', field_len);

			if (quote) {
				parse_error(err, err_len, rec_line, r->num_line,
					    pos_col + (int)(quote - line), ERR_BARE_QUOTE);
				return -1;
			}
			buf_append(&rec->fields, line, field_len);
			record_end_field(rec);
			if (!comma)
				return 1;
			pos_col += (int)field_len + 1;
			left -= field_len + 1;
			line += field_len + 1;
			continue;
		}
		/* A quoted field, which may run over several lines. */
		line++;
		left--;
		pos_col++;
		for (;;) {
			const char *quote = left ? memchr(line, '"', left) : NULL;

			if (quote) {
				size_t n = (size_t)(quote - line);

				buf_append(&rec->fields, line, n);
				line += n + 1;
				left -= n + 1;
				pos_col += (int)n + 1;
				if (left && line[0] == '"') {
					buf_append(&rec->fields, "\"", 1);
					line++;
					left--;
					pos_col++;
				} else if (left && line[0] == ',') {
					line++;
					left--;
					pos_col++;
					record_end_field(rec);
					break;
				} else if (length_nl(line, left) == left) {
					record_end_field(rec);
					return 1;
				} else {
					parse_error(err, err_len, rec_line, r->num_line,
						    pos_col - 1, ERR_QUOTE);
					return -1;
				}
			} else if (left > 0) {
				buf_append(&rec->fields, line, left);
				pos_col += (int)left;
				if (!csv_read_line(r)) {
					line = NULL;
					left = 0;
				} else {
					line = r->line.data;
					left = r->line.len;
					/* A lone '\r' before the end reads as an empty line. */
					if (left) {
						pos_line++;
						pos_col = 1;
					}
				}
			} else {
				/* The input ended inside the quotes. */
				parse_error(err, err_len, rec_line, pos_line, pos_col, ERR_QUOTE);
				return -1;
			}
		}
	}
}

/* ---- the token table ---- */

static void token_hash(const char *token, size_t len, unsigned char out[32])
{
	unsigned int n = 0;

	if (EVP_Digest(token, len, out, &n, EVP_sha256(), NULL) != 1)
		abort();
}

static void user_free(struct token_file_user *u)
{
	free(u->token);
	free(u->name);
	free(u->uid);
	for (size_t i = 0; i < u->num_groups; i++)
		free(u->groups[i]);
	free(u->groups);
}

static int compare_users(const void *a, const void *b)
{
	return memcmp(((const struct token_file_user *)a)->token_hash,
		      ((const struct token_file_user *)b)->token_hash, 32);
}

/* "a,,b" as Go's strings.Split gives it: ["a", "", "b"]; "" is [""]. */
static void split_groups(const char *s, struct token_file_user *u)
{
	size_t n = 1;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	u->groups = xcalloc(n, sizeof(*u->groups));
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		u->groups[u->num_groups++] = xstrndup(s, len);
		if (!comma)
			break;
		s = comma + 1;
	}
}

int token_file_parse(const char *data, size_t len, const char *path, struct token_file *out,
		     token_file_warn_fn warn, void *warn_ctx, char *err, size_t err_len)
{
	struct csv_reader r = {.data = data, .len = len};
	struct csv_record rec = {0};
	struct token_file_user *users = NULL;
	size_t num = 0, cap = 0;
	int record_num = 0, rc;
	char msg[512];

	memset(out, 0, sizeof(*out));
	while ((rc = csv_read_record(&r, &rec, err, err_len)) > 0) {
		struct token_file_user u = {0};
		const char *token = record_field(&rec, 0);
		size_t token_len = rec.ends[0];
		size_t i;

		if (rec.num < 3) {
			snprintf(err, err_len,
				 "token file '%s' must have at least 3 columns (token, user name, "
				 "user uid), found %zu",
				 path, rec.num);
			rc = -1;
			break;
		}
		record_num++;
		if (token_len == 0) {
			snprintf(
			    msg, sizeof(msg),
			    "empty token has been found in token file '%s', record number '%d'",
			    path, record_num);
			if (warn)
				warn(warn_ctx, msg);
			continue;
		}
		token_hash(token, token_len, u.token_hash);
		u.token_len = token_len;
		u.token = xstrndup(token, token_len);
		u.name = xstrdup(record_field(&rec, 1));
		u.uid = xstrdup(record_field(&rec, 2));
		if (rec.num >= 4)
			split_groups(record_field(&rec, 3), &u);
		/* A later record for the same token wins, as a Go map assignment does. */
		for (i = 0; i < num; i++)
			if (users[i].token_len == token_len &&
			    memcmp(users[i].token_hash, u.token_hash, 32) == 0)
				break;
		if (i < num) {
			snprintf(msg, sizeof(msg),
				 "duplicate token has been found in token file '%s', record number "
				 "'%d'",
				 path, record_num);
			if (warn)
				warn(warn_ctx, msg);
			user_free(&users[i]);
			users[i] = u;
			continue;
		}
		if (num == cap) {
			cap = cap ? cap * 2 : 16;
			users = xrealloc(users, cap * sizeof(*users));
		}
		users[num++] = u;
	}
	buf_free(&r.line);
	buf_free(&rec.fields);
	free(rec.ends);
	if (rc < 0) {
		for (size_t i = 0; i < num; i++)
			user_free(&users[i]);
		free(users);
		return -1;
	}
	if (num)
		qsort(users, num, sizeof(*users), compare_users);
	out->users = users;
	out->num_users = num;
	return 0;
}

int token_file_load(const char *path, struct token_file *out, token_file_warn_fn warn,
		    void *warn_ctx, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	struct buf data = {0};
	char chunk[65536];
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!f) {
		char reason[128];

		/* Go's wording: "open PATH: no such file or directory". */
		snprintf(reason, sizeof(reason), "%s", strerror(errno));
		if (reason[0] >= 'A' && reason[0] <= 'Z')
			reason[0] = (char)(reason[0] - 'A' + 'a');
		snprintf(err, err_len, "open %s: %s", path, reason);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&data, chunk, n);
	if (ferror(f)) {
		char reason[128];

		snprintf(reason, sizeof(reason), "%s", strerror(errno));
		if (reason[0] >= 'A' && reason[0] <= 'Z')
			reason[0] = (char)(reason[0] - 'A' + 'a');
		snprintf(err, err_len, "read %s: %s", path, reason);
		fclose(f);
		buf_free(&data);
		return -1;
	}
	fclose(f);
	rc = token_file_parse(data.data ? data.data : "", data.len, path, out, warn, warn_ctx, err,
			      err_len);
	OPENSSL_cleanse(data.data, data.cap);
	buf_free(&data);
	return rc;
}

const struct token_file_user *token_file_lookup(const struct token_file *tf, const char *token)
{
	unsigned char hash[32];
	size_t lo = 0, hi = tf->num_users, len = strlen(token);

	if (!len || !tf->num_users)
		return NULL;
	token_hash(token, len, hash);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct token_file_user *u = &tf->users[mid];
		int c = memcmp(hash, u->token_hash, 32);

		if (c == 0)
			return u->token_len == len && CRYPTO_memcmp(u->token, token, len) == 0
				   ? u
				   : NULL;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void token_file_free(struct token_file *tf)
{
	for (size_t i = 0; i < tf->num_users; i++)
		user_free(&tf->users[i]);
	free(tf->users);
	memset(tf, 0, sizeof(*tf));
}
