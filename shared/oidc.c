/*
 * oidc.c - settings, JSON Web Keys and token verification of the OpenID
 * Connect authenticator; see oidc.h.
 *
 * Facts from upstream v1.32 (pkg/kubeapiserver/options/authentication.go,
 * plugin/pkg/authenticator/token/oidc/oidc.go, coreos/go-oidc verify.go):
 * the issuer and the client id come together; the issuer must be https;
 * the default username prefix is the issuer and '#' unless the claim is
 * "email", and "-" means none; go-oidc checks iss, then aud, then exp
 * (without leeway: a missing exp is the zero time, so expired), then nbf
 * with five minutes of skew, then the alg, then the signature; iat is
 * not checked. A claim "email_verified" that is present must be true when
 * the username claim is "email".
 */
#include "oidc.h"

#include <errno.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/jwt.h"
#include "shared/xalloc.h"

/* go-oidc's allowedClockSkew, applied to nbf only. */
#define OIDC_NBF_SKEW_US (5 * 60 * 1000000LL)

struct oidc_config oidc_config;

static const char *const supported_algs[] = {"RS256", "RS384", "RS512", "ES256", "ES384",
					     "ES512", "PS256", "PS384", "PS512"};

static bool alg_supported(const char *alg)
{
	for (size_t i = 0; i < sizeof(supported_algs) / sizeof(*supported_algs); i++)
		if (strcmp(alg, supported_algs[i]) == 0)
			return true;
	return false;
}

static char *read_text_file(const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = {0};
	char chunk[4096];
	size_t n;
	char *out;

	if (!f) {
		snprintf(err, err_len, "open %s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	out = xstrndup(b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

/* Splits text at sep into a new array of new strings, empty items dropped. */
static char **split_list(const char *text, char sep, size_t *n)
{
	char **out = NULL;
	const char *p = text;

	*n = 0;
	while (p && *p) {
		const char *end = strchr(p, sep);
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len) {
			out = xrealloc(out, (*n + 1) * sizeof(*out));
			out[(*n)++] = xstrndup(p, len);
		}
		p = end ? end + 1 : NULL;
	}
	return out;
}

int oidc_config_load(const struct config *cfg, struct oidc_config *out, char *err, size_t err_len)
{
	const char *issuer = cfg->oidc_issuer_url ? cfg->oidc_issuer_url : "";
	const char *client_id = cfg->oidc_client_id ? cfg->oidc_client_id : "";
	const char *claim = cfg->oidc_username_claim && *cfg->oidc_username_claim
				? cfg->oidc_username_claim
				: "sub";
	char **pairs;
	size_t num_pairs;

	memset(out, 0, sizeof(*out));
	if (!*issuer && !*client_id)
		return 0;
	if (!*issuer || !*client_id) {
		snprintf(err, err_len,
			 "oidc-issuer-url and oidc-client-id must be specified together");
		return -1;
	}
	if (strncmp(issuer, "https://", 8) != 0) {
		snprintf(err, err_len,
			 "jwt[0].issuer.url: Invalid value: \"%s\": URL scheme must be https",
			 issuer);
		return -1;
	}
	out->algs = split_list(cfg->oidc_signing_algs ? cfg->oidc_signing_algs : "RS256", ',',
			       &out->num_algs);
	if (!out->num_algs) {
		out->algs = xcalloc(1, sizeof(*out->algs));
		out->algs[out->num_algs++] = xstrdup("RS256");
	}
	for (size_t i = 0; i < out->num_algs; i++)
		if (!alg_supported(out->algs[i])) {
			snprintf(err, err_len, "oidc: unsupported signing alg: \"%s\"",
				 out->algs[i]);
			goto fail;
		}
	pairs = split_list(cfg->oidc_required_claims, ',', &num_pairs);
	out->required_keys = xcalloc(num_pairs + 1, sizeof(char *));
	out->required_values = xcalloc(num_pairs + 1, sizeof(char *));
	for (size_t i = 0; i < num_pairs; i++) {
		char *eq = strchr(pairs[i], '=');

		out->required_keys[i] =
		    eq ? xstrndup(pairs[i], (size_t)(eq - pairs[i])) : xstrdup(pairs[i]);
		out->required_values[i] = xstrdup(eq ? eq + 1 : "");
		out->num_required++;
		free(pairs[i]);
	}
	free(pairs);
	if (cfg->oidc_ca_file && *cfg->oidc_ca_file) {
		out->ca_pem = read_text_file(cfg->oidc_ca_file, err, err_len);
		if (!out->ca_pem)
			goto fail;
	}
	out->issuer = xstrdup(issuer);
	out->client_id = xstrdup(client_id);
	out->username_claim = xstrdup(claim);
	if (cfg->oidc_username_prefix && strcmp(cfg->oidc_username_prefix, "-") == 0)
		out->username_prefix = xstrdup("");
	else if (cfg->oidc_username_prefix && *cfg->oidc_username_prefix)
		out->username_prefix = xstrdup(cfg->oidc_username_prefix);
	else if (strcmp(claim, "email") != 0) {
		out->username_prefix = xcalloc(strlen(issuer) + 2, 1);
		sprintf(out->username_prefix, "%s#", issuer);
	} else
		out->username_prefix = xstrdup("");
	if (cfg->oidc_groups_claim && *cfg->oidc_groups_claim)
		out->groups_claim = xstrdup(cfg->oidc_groups_claim);
	out->groups_prefix = xstrdup(cfg->oidc_groups_prefix ? cfg->oidc_groups_prefix : "");
	out->enabled = true;
	return 0;
fail:
	oidc_config_free(out);
	return -1;
}

void oidc_config_free(struct oidc_config *c)
{
	free(c->issuer);
	free(c->client_id);
	free(c->username_claim);
	free(c->username_prefix);
	free(c->groups_claim);
	free(c->groups_prefix);
	for (size_t i = 0; i < c->num_required; i++) {
		free(c->required_keys[i]);
		free(c->required_values[i]);
	}
	free(c->required_keys);
	free(c->required_values);
	for (size_t i = 0; i < c->num_algs; i++)
		free(c->algs[i]);
	free(c->algs);
	free(c->ca_pem);
	memset(c, 0, sizeof(*c));
}

/* ---- JSON Web Keys ---- */

static bool jwk_member(json_t *jwk, const char *name, struct buf *out)
{
	const char *text = json_string_value(json_object_get(jwk, name));

	return text && *text && jwt_base64url_decode(out, text, strlen(text)) == 0;
}

static EVP_PKEY *key_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	EVP_PKEY *key = NULL;

	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return key;
}

static EVP_PKEY *rsa_key(json_t *jwk, const char **err)
{
	struct buf n = {0}, e = {0};
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *key = NULL;

	if (!jwk_member(jwk, "n", &n) || !jwk_member(jwk, "e", &e)) {
		*err = "square/go-jose: invalid RSA key, missing n/e values";
		goto out;
	}
	bn_n = BN_bin2bn((unsigned char *)n.data, (int)n.len, NULL);
	bn_e = BN_bin2bn((unsigned char *)e.data, (int)e.len, NULL);
	if (bld && bn_n && bn_e && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1)
		key = key_from_params("RSA", bld);
	if (!key)
		*err = "invalid RSA key";
out:
	BN_free(bn_n);
	BN_free(bn_e);
	OSSL_PARAM_BLD_free(bld);
	buf_free(&n);
	buf_free(&e);
	return key;
}

static EVP_PKEY *ec_key(json_t *jwk, const char **err)
{
	static const struct {
		const char *crv, *group;
		size_t size;
	} curves[] = {
	    {"P-256", "prime256v1", 32}, {"P-384", "secp384r1", 48}, {"P-521", "secp521r1", 66}};
	const char *crv = json_string_value(json_object_get(jwk, "crv"));
	struct buf x = {0}, y = {0}, point = {0};
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY *key = NULL;
	size_t i;

	for (i = 0; crv && i < sizeof(curves) / sizeof(*curves); i++)
		if (strcmp(crv, curves[i].crv) == 0)
			break;
	if (!crv || i == sizeof(curves) / sizeof(*curves)) {
		*err = "square/go-jose: unsupported elliptic curve";
		return NULL;
	}
	if (!jwk_member(jwk, "x", &x) || !jwk_member(jwk, "y", &y) || x.len != curves[i].size ||
	    y.len != curves[i].size) {
		*err = "square/go-jose: invalid EC key, missing x/y values";
		goto out;
	}
	buf_append(&point, "\x04", 1);
	buf_append(&point, x.data, x.len);
	buf_append(&point, y.data, y.len);
	bld = OSSL_PARAM_BLD_new();
	if (bld &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, curves[i].group, 0) ==
		1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data, point.len) ==
		1)
		key = key_from_params("EC", bld);
	if (!key)
		*err = "square/go-jose: invalid EC key (point not on curve)";
out:
	OSSL_PARAM_BLD_free(bld);
	buf_free(&x);
	buf_free(&y);
	buf_free(&point);
	return key;
}

EVP_PKEY *oidc_jwk_to_key(json_t *jwk, const char **err)
{
	const char *kty = json_string_value(json_object_get(jwk, "kty"));

	if (kty && strcmp(kty, "RSA") == 0)
		return rsa_key(jwk, err);
	if (kty && strcmp(kty, "EC") == 0)
		return ec_key(jwk, err);
	*err = "square/go-jose: unknown json web key type";
	return NULL;
}

int oidc_keyset_parse(const char *text, size_t len, struct oidc_keyset *out, const char **err)
{
	json_t *root = json_loadb(text, len, 0, NULL), *keys = json_object_get(root, "keys"), *jwk;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_array(keys)) {
		*err = "oidc: failed to decode keys";
		json_decref(root);
		return -1;
	}
	out->keys = xcalloc(json_array_size(keys) + 1, sizeof(*out->keys));
	json_array_foreach(keys, i, jwk)
	{
		const char *kty = json_string_value(json_object_get(jwk, "kty"));
		const char *kid = json_string_value(json_object_get(jwk, "kid"));
		EVP_PKEY *key;

		if (!kty || (strcmp(kty, "RSA") != 0 && strcmp(kty, "EC") != 0))
			continue;
		key = oidc_jwk_to_key(jwk, err);
		if (!key) {
			json_decref(root);
			oidc_keyset_free(out);
			return -1;
		}
		out->keys[out->num_keys].kid = xstrdup(kid ? kid : "");
		out->keys[out->num_keys++].key = key;
	}
	json_decref(root);
	return 0;
}

void oidc_keyset_free(struct oidc_keyset *ks)
{
	for (size_t i = 0; i < ks->num_keys; i++) {
		free(ks->keys[i].kid);
		EVP_PKEY_free(ks->keys[i].key);
	}
	free(ks->keys);
	memset(ks, 0, sizeof(*ks));
}

/* ---- tokens ---- */

/* Google's legacy "iss" without a scheme counts as its issuer (oidc.go, go-oidc). */
static bool issuer_matches(const char *iss, const char *issuer)
{
	return strcmp(iss, issuer) == 0 || (strcmp(iss, "accounts.google.com") == 0 &&
					    strcmp(issuer, "https://accounts.google.com") == 0);
}

bool oidc_token_is_ours(struct arena *a, const struct oidc_config *c, const char *token)
{
	const char *iss;

	return c->enabled && jwt_unverified_issuer(a, token, &iss) &&
	       issuer_matches(iss, c->issuer);
}

/* Go's %v of a JSON value as json.Unmarshal into a string would complain. */
static const char *json_type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	case JSON_NULL:
		return "null";
	default:
		return "number";
	}
}

/*
 * A claim as json.Unmarshal decodes it into a Go string: null is "", any
 * other non-string is an error naming its JSON type.
 */
static bool claim_string(json_t *v, const char **out)
{
	*out = json_is_null(v) ? "" : json_string_value(v);
	return *out != NULL;
}

#define UNMARSHAL_STRING "json: cannot unmarshal %s into Go value of type string"

/*
 * stringOrArray of oidc.go: a list of strings, else a string; when both
 * fail, the error is the string's. null is no groups.
 */
static int map_groups(struct arena *a, const struct oidc_config *c, json_t *groups,
		      struct oidc_user *user, const char **error)
{
	const char *text;
	json_t *v;
	size_t i;
	bool all_strings = json_is_array(groups);

	json_array_foreach(groups, i, v) all_strings = all_strings && claim_string(v, &text);
	if (json_is_null(groups))
		return 0;
	if (!all_strings && !json_is_string(groups)) {
		*error = arena_printf(a, "oidc: parse groups claim \"%s\": " UNMARSHAL_STRING,
				      c->groups_claim, json_type_name(groups));
		return -1;
	}
	user->groups = arena_alloc(a, (json_array_size(groups) + 2) * sizeof(*user->groups));
	if (json_is_string(groups)) {
		user->groups[user->num_groups++] =
		    arena_printf(a, "%s%s", c->groups_prefix, json_string_value(groups));
		return 0;
	}
	json_array_foreach(groups, i, v)
	{
		claim_string(v, &text);
		user->groups[user->num_groups++] = arena_printf(a, "%s%s", c->groups_prefix, text);
	}
	return 0;
}

int oidc_map_claims(struct arena *a, const struct oidc_config *c, json_t *claims,
		    struct oidc_user *user, const char **error)
{
	json_t *name = json_object_get(claims, c->username_claim), *groups, *v;
	const char *text;

	user->groups = NULL;
	user->num_groups = 0;
	if (!name) {
		*error = arena_printf(a, "oidc: parse username claims \"%s\": claim not present",
				      c->username_claim);
		return -1;
	}
	if (!claim_string(name, &text)) {
		*error = arena_printf(a, "oidc: parse username claims \"%s\": " UNMARSHAL_STRING,
				      c->username_claim, json_type_name(name));
		return -1;
	}
	if (strcmp(c->username_claim, "email") == 0 &&
	    (v = json_object_get(claims, "email_verified")) != NULL) {
		if (!json_is_boolean(v) && !json_is_null(v)) {
			*error = arena_printf(a,
					      "oidc: parse 'email_verified' claim: json: cannot "
					      "unmarshal %s into Go value of type bool",
					      json_type_name(v));
			return -1;
		}
		if (!json_is_true(v)) {
			*error = "oidc: email not verified";
			return -1;
		}
	}
	user->name = arena_printf(a, "%s%s", c->username_prefix, text);
	groups = c->groups_claim ? json_object_get(claims, c->groups_claim) : NULL;
	if (groups && map_groups(a, c, groups, user, error) < 0)
		return -1;
	for (size_t i = 0; i < c->num_required; i++) {
		v = json_object_get(claims, c->required_keys[i]);
		if (!v) {
			*error = arena_printf(a, "oidc: required claim %s not present in ID token",
					      c->required_keys[i]);
			return -1;
		}
		if (!claim_string(v, &text)) {
			*error = arena_printf(a, "oidc: parse claim %s: " UNMARSHAL_STRING,
					      c->required_keys[i], json_type_name(v));
			return -1;
		}
		if (strcmp(text, c->required_values[i]) != 0) {
			*error = arena_printf(a,
					      "oidc: required claim %s value does not match. Got = "
					      "%s, want = %s",
					      c->required_keys[i], text, c->required_values[i]);
			return -1;
		}
	}
	return 0;
}

static bool alg_allowed(const struct oidc_config *c, const char *alg)
{
	for (size_t i = 0; i < c->num_algs; i++)
		if (strcmp(c->algs[i], alg) == 0)
			return true;
	return false;
}

static bool audience_has(const struct jwt_claims *claims, const char *client_id)
{
	for (size_t i = 0; i < claims->num_aud; i++)
		if (strcmp(claims->aud[i], client_id) == 0)
			return true;
	return false;
}

/* Go's %q of a []string: ["a" "b"]. */
static const char *quote_list(struct arena *a, const char **items, size_t n)
{
	struct buf b = {0};
	const char *out;

	buf_append_str(&b, "[");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s\"%s\"", i ? " " : "", items[i]);
	buf_append_str(&b, "]");
	out = arena_strdup(a, b.data);
	buf_free(&b);
	return out;
}

/* The signature with the keys: those of the token's kid, or all when it names none. */
static enum oidc_outcome check_signature(struct arena *a, const struct oidc_keyset *ks,
					 const struct jwt *jwt, const char **error)
{
	bool any = false;

	for (size_t i = 0; i < ks->num_keys; i++) {
		if (*jwt->kid && strcmp(ks->keys[i].kid, jwt->kid) != 0)
			continue;
		any = true;
		if (jwt_verify(jwt, ks->keys[i].key))
			return OIDC_OK;
	}
	*error = "oidc: verify token: failed to verify signature: failed to verify id token "
		 "signature";
	return any ? OIDC_REJECTED : OIDC_UNKNOWN_KID;
}

enum oidc_outcome oidc_verify(struct arena *a, const struct oidc_config *c,
			      const struct oidc_keyset *ks, const char *token, int64_t now_us,
			      struct oidc_user *user, const char **error)
{
	struct jwt jwt;
	struct jwt_claims claims;
	const char *err = NULL;
	json_t *payload;
	enum oidc_outcome out = OIDC_REJECTED;

	if (jwt_parse(a, token, &jwt) < 0) {
		*error = "oidc: verify token: oidc: malformed jwt: square/go-jose: compact JWS "
			 "format must have three parts";
		return OIDC_REJECTED;
	}
	payload = jwt_claims_read(a, &jwt, &claims, &err);
	if (!payload) {
		*error = arena_printf(a, "oidc: verify token: oidc: failed to unmarshal claims: %s",
				      err);
		jwt_free(&jwt);
		return OIDC_REJECTED;
	}
	if (!issuer_matches(claims.iss, c->issuer)) {
		*error = arena_printf(a,
				      "oidc: verify token: oidc: id token issued by a different "
				      "provider, expected \"%s\" got \"%s\"",
				      c->issuer, claims.iss);
	} else if (!audience_has(&claims, c->client_id)) {
		*error =
		    arena_printf(a, "oidc: verify token: oidc: expected audience \"%s\" got %s",
				 c->client_id, quote_list(a, claims.aud, claims.num_aud));
	} else if (!claims.has_exp || claims.exp * 1000000 < now_us) {
		*error = "oidc: verify token: oidc: token is expired";
	} else if (claims.has_nbf && claims.nbf * 1000000 > now_us + OIDC_NBF_SKEW_US) {
		*error = "oidc: verify token: oidc: current time before the nbf (not before) time";
	} else if (!alg_allowed(c, jwt.alg)) {
		*error = arena_printf(a,
				      "oidc: verify token: oidc: id token signed with unsupported "
				      "algorithm, expected %s got \"%s\"",
				      c->algs[0], jwt.alg);
	} else {
		out = check_signature(a, ks, &jwt, error);
		if (out == OIDC_OK && oidc_map_claims(a, c, payload, user, error) < 0)
			out = OIDC_REJECTED;
	}
	json_decref(payload);
	jwt_free(&jwt);
	return out;
}
