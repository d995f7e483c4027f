/*
 * fuzz_token_file.c - libFuzzer target for shared/token_file.c.
 *
 * The input is a --token-auth-file. Parsing must either fail with a
 * message or give users that each have a non-empty token which a lookup
 * finds again (the entry for that token, the last one in the file) and at
 * least one group when a fourth column was there; a lookup of any prefix
 * of a token must not find that user unless another user has the prefix
 * as token.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/token_file.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static void count_warning(void *ctx, const char *message)
{
	fuzz_assert(message && *message);
	(*(size_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct token_file tf;
	char err[512] = "";
	size_t warnings = 0;

	if (token_file_parse((const char *)data, size, "fuzz.csv", &tf, count_warning, &warnings,
			     err, sizeof(err)) < 0) {
		fuzz_assert(err[0]);
		fuzz_assert(tf.num_users == 0 && tf.users == NULL);
		return 0;
	}
	for (size_t i = 0; i < tf.num_users; i++) {
		const struct token_file_user *u = &tf.users[i], *found;

		fuzz_assert(u->token_len > 0 && u->token && u->name && u->uid);
		fuzz_assert(u->num_groups == 0 || u->groups);
		for (size_t g = 0; g < u->num_groups; g++)
			fuzz_assert(u->groups[g] != NULL);
		/* Sorted by hash, so a binary search finds every entry. */
		fuzz_assert(i == 0 || memcmp(tf.users[i - 1].token_hash, u->token_hash, 32) < 0);
		found = token_file_lookup(&tf, u->token);
		if (strlen(u->token) == u->token_len) {
			fuzz_assert(found == u);
			if (u->token_len > 1) {
				char *prefix = strndup(u->token, u->token_len - 1);

				found = token_file_lookup(&tf, prefix);
				fuzz_assert(!found || strcmp(found->token, prefix) == 0);
				free(prefix);
			}
		} else {
			/* A token with a NUL byte can never be presented. */
			fuzz_assert(!found || found->token_len == strlen(found->token));
		}
	}
	token_file_free(&tf);
	return 0;
}
