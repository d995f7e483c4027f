/*
 * authn_config.h - what authentication needs from the flags, loaded once.
 *
 * The master loads it at start, before forking (the workers inherit it):
 * the static token file, the service-account verification keys and the
 * signing key, issuers and API audiences, the front-proxy (requestheader)
 * settings. Errors are the ones kube-apiserver v1.32 fails its start with
 * (a token file that does not parse, a key file without a usable key,
 * duplicate issuers, ...); main() logs the message and exits 1.
 *
 * Differences from upstream, on purpose: kube-apiserver requires
 * --service-account-issuer and --service-account-key-file; pgkube runs
 * without them, with a warning, doing what it can without them (no key
 * files: no service-account tokens; no issuer: legacy tokens only, no
 * TokenRequest), so that older manifests keep starting. The legacy
 * --oidc-* flags are read into oidc_config (shared/oidc.h);
 * --authentication-config is not implemented: it is accepted and a
 * warning says it is ignored. The token webhook's kubeconfig is read by
 * shared/webhook_config.h.
 */
#ifndef PGKUBE_AUTHN_CONFIG_H
#define PGKUBE_AUTHN_CONFIG_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/config.h"
#include "shared/jwt.h"
#include "shared/token_file.h"

/* One service-account verification key and its key id. */
struct authn_key {
	EVP_PKEY *key;
	char kid[JWT_KEY_ID_SIZE];
};

struct authn_strings {
	const char **items;
	size_t len;
};

struct authn_config {
	bool anonymous;

	/* --requestheader-*: set when --requestheader-client-ca-file is given. */
	bool front_proxy;
	struct authn_strings allowed_names; /* empty = any verified certificate */
	struct authn_strings username_headers, uid_headers, group_headers, extra_prefixes;

	/* --token-auth-file */
	bool has_token_file;
	struct token_file token_file;

	/* Service-account tokens: the keys of every --service-account-key-file. */
	struct authn_key *keys;
	size_t num_keys;
	struct authn_strings issuers;	/* the first one issues */
	struct authn_strings audiences; /* --api-audiences, default: the issuers */
	bool lookup;			/* --service-account-lookup */
	bool bootstrap;			/* --enable-bootstrap-token-auth */

	/* TokenRequest: the signing key (NULL: the token subresource is not served). */
	EVP_PKEY *signing_key;
	const char *signing_alg;
	char signing_kid[JWT_KEY_ID_SIZE];
	int64_t max_expiration_seconds; /* 0 = none */
	bool extend_expiration;
};

/* The configuration every worker reads (all zero until loaded). */
extern struct authn_config authn_config;

/* Loads authn_config from the flags; 0, or -1 with upstream's message in err. */
int authn_config_load(const struct config *cfg, char *err, size_t err_len);

/*
 * Reads the verification keys of one PEM file as keyutil.PublicKeysFromFile
 * does: every block that holds an RSA or ECDSA key (public, private, or a
 * certificate's) counts; others are skipped. Appends to *keys; returns the
 * number added, or -1 with err set.
 */
int authn_config_read_public_keys(const char *path, struct authn_key **keys, size_t *num_keys,
				  char *err, size_t err_len);

/* The first RSA or ECDSA private key of a PEM file (keyutil.PrivateKeyFromFile). */
EVP_PKEY *authn_config_read_private_key(const char *path, char *err, size_t err_len);

/* Frees what authn_config_load() set (tests). */
void authn_config_free(void);

#endif
