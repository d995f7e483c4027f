/*
 * fuzz_jwt.c - libFuzzer target for shared/jwt.c.
 *
 * The input, up to its first NUL, is a bearer token as a client could
 * send it. It goes through everything the service-account authenticator
 * does before any store lookup: the unverified issuer, parsing, the
 * signature against fixed RSA and ECDSA keys, the registered claims and
 * their time checks. A parsed token must describe itself consistently
 * (its signing input is the text before the last dot); no random input
 * may verify; base64url must round-trip any bytes; and a token signed
 * here from the input's bytes as claims must verify and read back.
 */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/jwt.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static EVP_PKEY *rsa_key, *ec_key;

static void keys(void)
{
	if (rsa_key)
		return;
	rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ec_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	fuzz_assert(rsa_key && ec_key);
}

static void check_base64(const uint8_t *data, size_t size)
{
	struct buf enc = {0}, dec = {0};

	jwt_base64url_encode(&enc, data, size);
	for (size_t i = 0; i < enc.len; i++)
		fuzz_assert(enc.data[i] != '=' && enc.data[i] != '+' && enc.data[i] != '/');
	fuzz_assert(jwt_base64url_decode(&dec, enc.data ? enc.data : "", enc.len) == 0);
	fuzz_assert(dec.len == size && (size == 0 || memcmp(dec.data, data, size) == 0));
	buf_free(&enc);
	buf_free(&dec);
}

static void check_token(struct arena *a, const char *text)
{
	struct jwt jwt;
	struct jwt_claims claims;
	const char *iss = NULL, *err = NULL;
	json_t *payload;

	if (!jwt_unverified_issuer(a, text, &iss))
		fuzz_assert(iss && !*iss);
	if (jwt_parse(a, text, &jwt) < 0) {
		fuzz_assert(jwt.header == NULL);
		return;
	}
	fuzz_assert(json_is_object(jwt.header) && jwt.alg && jwt.kid && jwt.payload);
	fuzz_assert(jwt.signing_input == text);
	fuzz_assert(text[jwt.signing_input_len] == '.');
	fuzz_assert(strchr(text + jwt.signing_input_len + 1, '.') == NULL);
	fuzz_assert(!jwt_verify(&jwt, rsa_key));
	fuzz_assert(!jwt_verify(&jwt, ec_key));
	payload = jwt_claims_read(a, &jwt, &claims, &err);
	if (payload) {
		fuzz_assert(claims.iss && claims.sub && claims.jti);
		for (size_t i = 0; i < claims.num_aud; i++)
			fuzz_assert(claims.aud[i] != NULL);
		(void)jwt_check_times(&claims, 1700000000LL * 1000000);
		json_decref(payload);
	} else {
		fuzz_assert(err && *err);
	}
	jwt_free(&jwt);
}

/* The input's bytes as a claim value: signed, it verifies and reads back. */
static void check_round_trip(struct arena *a, const uint8_t *data, size_t size)
{
	json_t *claims = json_object();
	struct buf enc = {0}, token = {0};
	struct jwt jwt;
	struct jwt_claims c;
	const char *err = NULL;
	char *payload;
	json_t *back;

	jwt_base64url_encode(&enc, data, size);
	buf_append(&enc, "", 1);
	json_object_set_new(claims, "iss", json_string(enc.data));
	json_object_set_new(claims, "exp", json_integer((json_int_t)size));
	payload = json_dumps(claims, JSON_COMPACT);
	fuzz_assert(jwt_sign(&token, "{\"alg\":\"ES256\"}", payload, ec_key, "ES256") == 0);
	buf_append(&token, "", 1);
	fuzz_assert(jwt_parse(a, token.data, &jwt) == 0);
	fuzz_assert(jwt_verify(&jwt, ec_key) && !jwt_verify(&jwt, rsa_key));
	back = jwt_claims_read(a, &jwt, &c, &err);
	fuzz_assert(back && strcmp(c.iss, enc.data) == 0 && c.has_exp && c.exp == (int64_t)size);
	json_decref(back);
	jwt_free(&jwt);
	free(payload);
	json_decref(claims);
	buf_free(&enc);
	buf_free(&token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a = {0};
	char *text = malloc(size + 1);

	fuzz_assert(text);
	keys();
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	check_base64(data, size);
	check_token(&a, text);
	if (size < 256)
		check_round_trip(&a, data, size);
	arena_free(&a);
	free(text);
	return 0;
}
