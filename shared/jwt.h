/*
 * jwt.h - JSON Web Tokens in compact form, as kube-apiserver's
 * service-account tokens use them.
 *
 * Upstream signs and checks these tokens with go-jose v2 (pkg/serviceaccount
 * jwt.go, claims.go): a token is "header.payload.signature", each part
 * base64url without padding; the header names the algorithm ("alg") and the
 * key ("kid"). This file holds the pure parts: base64url, parsing, checking
 * a signature with an RSA or ECDSA public key, signing, the registered
 * claims and their time checks, and the key id upstream derives from a
 * public key. Nothing here logs: a token is a credential.
 */
#ifndef PGKUBE_JWT_H
#define PGKUBE_JWT_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/buf.h"

/* A key id: base64url of a SHA-256 (43 characters) and its NUL. */
#define JWT_KEY_ID_SIZE 44

/* go-jose's jwt.DefaultLeeway: one minute either way for exp, nbf and iat. */
#define JWT_LEEWAY_SECONDS 60

/* Appends data as base64url without padding (Go's base64.RawURLEncoding). */
void jwt_base64url_encode(struct buf *out, const void *data, size_t len);

/*
 * Decodes base64url without padding as Go's RawURLEncoding.DecodeString
 * does: '\r' and '\n' are skipped, '=' and any other character outside the
 * alphabet are errors, and so is a length that leaves a lone character.
 * Appends to out; returns 0, or -1 (out then holds a partial result).
 */
int jwt_base64url_decode(struct buf *out, const char *text, size_t len);

/* A parsed token. Strings point into the arena given to jwt_parse(). */
struct jwt {
	json_t *header;	     /* the protected header: a JSON object */
	const char *alg;     /* header "alg", "" when absent or not a string */
	const char *kid;     /* header "kid", "" when absent */
	const char *payload; /* the decoded payload (NUL-terminated) */
	size_t payload_len;
	const unsigned char *signature;
	size_t signature_len;
	const char *signing_input; /* "header.payload" as sent: what is signed */
	size_t signing_input_len;
};

/*
 * Parses a compact JWS as go-jose's ParseSigned does: exactly three parts,
 * each valid base64url, a header that is a JSON object whose "kid", when
 * present, is a string. Returns 0, or -1 when the text is not such a token.
 * jwt_free() releases the header.
 */
int jwt_parse(struct arena *a, const char *token, struct jwt *out);
void jwt_free(struct jwt *jwt);

/*
 * Checks the signature with a public (or private) key as go-jose does for
 * the header's alg: RS256/384/512 and PS256/384/512 with an RSA key,
 * ES256/384/512 with an ECDSA key (the signature being r||s, each half the
 * size the alg implies). Any other alg ("none", HS256, ...) or a key of the
 * other kind fails.
 */
bool jwt_verify(const struct jwt *jwt, EVP_PKEY *key);

/*
 * The alg kube-apiserver signs with for a private key: RS256 for RSA;
 * ES256, ES384 or ES512 for ECDSA on P-256, P-384 or P-521; NULL for any
 * other key.
 */
const char *jwt_signing_alg(EVP_PKEY *key);

/*
 * A signed token: base64url(header_json) "." base64url(payload_json) "."
 * base64url(signature), signed with key for alg (RS256, ES256/384/512).
 * Appends it to out; returns 0, or -1 when the key cannot sign so.
 */
int jwt_sign(struct buf *out, const char *header_json, const char *payload_json, EVP_PKEY *key,
	     const char *alg);

/*
 * keyIDFromPublicKey of pkg/serviceaccount: base64url(SHA-256(the public
 * key as DER SubjectPublicKeyInfo)). Returns false when the key cannot be
 * written as DER.
 */
bool jwt_key_id(EVP_PKEY *key, char out[JWT_KEY_ID_SIZE]);

/* The registered claims as go-jose's jwt.Claims holds them. */
struct jwt_claims {
	const char *iss, *sub, *jti; /* "" when absent */
	const char **aud;	     /* a string claim is a one-element list */
	size_t num_aud;
	bool has_exp, has_nbf, has_iat;
	int64_t exp, nbf, iat; /* seconds since the epoch (NumericDate) */
};

/*
 * Parses the payload (JSON) and reads its registered claims as go-jose
 * unmarshals them into jwt.Claims: iss, sub and jti strings, aud a string
 * or a list of strings, exp, nbf and iat numbers (fractions dropped), null
 * for any of them the same as absent. Returns the payload as JSON (a new
 * reference, an object), or NULL with *err set when the payload is not a
 * JSON object or a claim has the wrong type.
 */
json_t *jwt_claims_read(struct arena *a, const struct jwt *jwt, struct jwt_claims *out,
			const char **err);

enum jwt_time_check {
	JWT_TIME_OK,
	JWT_NOT_VALID_YET,    /* nbf is more than the leeway ahead */
	JWT_EXPIRED,	      /* exp is more than the leeway behind */
	JWT_ISSUED_IN_FUTURE, /* iat is more than the leeway ahead */
};

/*
 * go-jose's Claims.Validate with only a time expected: nbf, then exp, then
 * iat, each with JWT_LEEWAY_SECONDS; now in microseconds since the epoch.
 */
enum jwt_time_check jwt_check_times(const struct jwt_claims *c, int64_t now_us);

/*
 * The unverified "iss" of a token, as hasCorrectIssuer in
 * pkg/serviceaccount/jwt.go reads it before any signature check: false when
 * the token starts (after spaces) with '{', has not three parts, its payload
 * is not base64url JSON, or "iss" is not a string. *iss is "" when absent.
 */
bool jwt_unverified_issuer(struct arena *a, const char *token, const char **iss);

#endif
