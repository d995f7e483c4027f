/*
 * oidc.h - the OpenID Connect token authenticator's pure parts: its
 * settings from the legacy --oidc-* flags, JSON Web Keys, and a token's
 * verification and claim mapping.
 *
 * kube-apiserver v1.32 turns the --oidc-* flags into one JWT authenticator
 * (plugin/pkg/authenticator/token/oidc, with coreos/go-oidc verifying).
 * A token is tried only when its unverified "iss" is the issuer URL; then
 * the signature (an allowed alg, a key of the issuer's JWKS), "iss",
 * "aud" (must hold the client id), "exp" (no leeway) and "nbf" (five
 * minutes' skew) are checked; then the claims make the user: the username
 * claim (string) with its prefix, the groups claim (a string or a list)
 * with the groups prefix, and each required claim must equal its value.
 * The keys are fetched by worker/authn_oidc.c.
 */
#ifndef PGKUBE_OIDC_H
#define PGKUBE_OIDC_H

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/config.h"

struct oidc_config {
	bool enabled;
	char *issuer;	       /* --oidc-issuer-url */
	char *client_id;       /* --oidc-client-id: the audience a token must carry */
	char *username_claim;  /* default "sub" */
	char *username_prefix; /* resolved: default issuer + "#" unless the claim is email */
	char *groups_claim;    /* NULL: no groups */
	char *groups_prefix;   /* "" when not given */
	char **required_keys, **required_values;
	size_t num_required;
	char **algs; /* --oidc-signing-algs */
	size_t num_algs;
	char *ca_pem; /* --oidc-ca-file's text, NULL: the system's roots */
};

/* What the workers read (zero until authn_config_load()). */
extern struct oidc_config oidc_config;

/*
 * Reads the --oidc-* flags into *out (disabled when neither the issuer
 * nor the client id is given). Returns 0, or -1 with kube-apiserver's
 * message in err.
 */
int oidc_config_load(const struct config *cfg, struct oidc_config *out, char *err, size_t err_len);
void oidc_config_free(struct oidc_config *c);

/*
 * A JSON Web Key's public key: kty RSA (n, e) or EC (crv P-256, P-384 or
 * P-521; x, y of the curve's size), members base64url. NULL with *err
 * when the key is not one of those or does not decode.
 */
EVP_PKEY *oidc_jwk_to_key(json_t *jwk, const char **err);

struct oidc_key {
	char *kid; /* "" when the key has none */
	EVP_PKEY *key;
};

struct oidc_keyset {
	struct oidc_key *keys;
	size_t num_keys;
};

/*
 * A JWKS document ({"keys": [...]}) into *out. Keys of another kty
 * ("oct", "OKP") are skipped; a malformed RSA or EC key fails the set.
 * Returns 0, or -1 with *err.
 */
int oidc_keyset_parse(const char *text, size_t len, struct oidc_keyset *out, const char **err);
void oidc_keyset_free(struct oidc_keyset *ks);

/* Whether the token looks like a JWT whose unverified "iss" is the issuer. */
bool oidc_token_is_ours(struct arena *a, const struct oidc_config *c, const char *token);

struct oidc_user {
	const char *name;
	const char **groups;
	size_t num_groups;
};

enum oidc_outcome {
	OIDC_OK,
	OIDC_REJECTED,	  /* *error says why */
	OIDC_UNKNOWN_KID, /* no key of the set has the token's kid (also rejected) */
};

/*
 * Verifies a token of ours (oidc_token_is_ours) with the keys at now_us
 * (microseconds since the epoch) and maps its claims.
 */
enum oidc_outcome oidc_verify(struct arena *a, const struct oidc_config *c,
			      const struct oidc_keyset *ks, const char *token, int64_t now_us,
			      struct oidc_user *user, const char **error);

/* The claim mapping alone, over a verified payload (a JSON object). */
int oidc_map_claims(struct arena *a, const struct oidc_config *c, json_t *claims,
		    struct oidc_user *user, const char **error);

#endif
