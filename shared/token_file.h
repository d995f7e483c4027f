/*
 * token_file.h - the static bearer tokens of --token-auth-file.
 *
 * The file is CSV, one user a record: token,user,uid[,"group1,group2"...],
 * read exactly as kube-apiserver's tokenfile.NewCSV reads it with Go's
 * encoding/csv (RFC 4180 quoting, "\r\n" as "\n", blank lines skipped, any
 * number of fields per record): fewer than three fields is an error, a
 * record with an empty token is skipped with a warning, a token seen again
 * replaces the earlier one (with a warning), and the fourth field, split at
 * ',', is the user's groups (an empty field is one empty group, as Go's
 * strings.Split gives). Fields past the fourth are ignored.
 *
 * token_file_parse() is a pure function of the bytes (unit-tested and
 * fuzzed); lookups compare a presented token with every entry's in
 * constant time for its length, so timing tells nothing about the tokens.
 */
#ifndef PGKUBE_TOKEN_FILE_H
#define PGKUBE_TOKEN_FILE_H

#include <stddef.h>

struct token_file_user {
	unsigned char token_hash[32]; /* SHA-256 of the token: the table's order */
	char *token;
	size_t token_len; /* a token may hold NUL bytes; it then matches nothing */
	char *name;
	char *uid;
	char **groups;
	size_t num_groups;
};

struct token_file {
	struct token_file_user *users;
	size_t num_users;
};

/* What parsing found worth a warning (empty or repeated tokens). */
typedef void (*token_file_warn_fn)(void *ctx, const char *message);

/*
 * Parses the file's bytes; path is only for messages. Returns 0, or -1 with
 * upstream's message in err ("parse error on line 2, column 5: bare \" in
 * non-quoted-field", "token file '...' must have at least 3 columns ...").
 * On success the caller frees *out with token_file_free().
 */
int token_file_parse(const char *data, size_t len, const char *path, struct token_file *out,
		     token_file_warn_fn warn, void *warn_ctx, char *err, size_t err_len);

/* Reads and parses path; I/O errors read "open PATH: No such file ...". */
int token_file_load(const char *path, struct token_file *out, token_file_warn_fn warn,
		    void *warn_ctx, char *err, size_t err_len);

/* The user of a token, or NULL. */
const struct token_file_user *token_file_lookup(const struct token_file *tf, const char *token);

void token_file_free(struct token_file *tf);

#endif
