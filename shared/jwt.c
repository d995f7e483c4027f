/*
 * jwt.c - compact JWS tokens: base64url, parsing, RSA/ECDSA signatures
 * through OpenSSL's EVP interface, the registered claims, the key id.
 *
 * ECDSA signatures travel in JOSE form, r and s as fixed-size big-endian
 * halves (RFC 7518 §3.4); OpenSSL speaks DER, so both directions convert.
 */
#include "jwt.h"

#include <math.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <string.h>

static const char base64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void jwt_base64url_encode(struct buf *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	char quad[4];
	size_t i;

	for (i = 0; i + 3 <= len; i += 3) {
		quad[0] = base64url_alphabet[p[i] >> 2];
		quad[1] = base64url_alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		quad[2] = base64url_alphabet[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		quad[3] = base64url_alphabet[p[i + 2] & 63];
		buf_append(out, quad, 4);
	}
	if (len - i == 1) {
		quad[0] = base64url_alphabet[p[i] >> 2];
		quad[1] = base64url_alphabet[(p[i] & 3) << 4];
		buf_append(out, quad, 2);
	} else if (len - i == 2) {
		quad[0] = base64url_alphabet[p[i] >> 2];
		quad[1] = base64url_alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		quad[2] = base64url_alphabet[(p[i + 1] & 15) << 2];
		buf_append(out, quad, 3);
	}
}

static int base64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int jwt_base64url_decode(struct buf *out, const char *text, size_t len)
{
	unsigned int acc = 0;
	int bits = 0, n = 0;

	buf_reserve(out, len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i++) {
		int v;

		if (text[i] == '\r' || text[i] == '\n')
			continue;
		v = base64url_value((unsigned char)text[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		n++;
		if (bits >= 8) {
			char byte = (char)((acc >> (bits - 8)) & 0xFF);

			buf_append(out, &byte, 1);
			bits -= 8;
		}
	}
	/* A final group of one character carries no whole byte. */
	return n % 4 == 1 ? -1 : 0;
}

/* Decodes one part of a token into the arena, NUL-terminated. */
static int decode_part(struct arena *a, const char *text, size_t len, const char **out,
		       size_t *out_len)
{
	struct buf b = {0};
	char *copy;

	if (jwt_base64url_decode(&b, text, len) < 0) {
		buf_free(&b);
		return -1;
	}
	copy = arena_alloc(a, b.len + 1);
	if (b.len)
		memcpy(copy, b.data, b.len);
	copy[b.len] = '\0';
	*out = copy;
	*out_len = b.len;
	buf_free(&b);
	return 0;
}

int jwt_parse(struct arena *a, const char *token, struct jwt *out)
{
	const char *dot1 = strchr(token, '.'), *dot2, *header_text;
	size_t header_len, sig_len;
	const char *sig;
	json_t *kid, *alg;

	memset(out, 0, sizeof(*out));
	if (!dot1 || !(dot2 = strchr(dot1 + 1, '.')) || strchr(dot2 + 1, '.'))
		return -1;
	if (decode_part(a, token, (size_t)(dot1 - token), &header_text, &header_len) < 0 ||
	    decode_part(a, dot1 + 1, (size_t)(dot2 - dot1 - 1), &out->payload, &out->payload_len) <
		0 ||
	    decode_part(a, dot2 + 1, strlen(dot2 + 1), &sig, &sig_len) < 0)
		return -1;
	out->header = json_loadb(header_text, header_len, 0, NULL);
	if (!json_is_object(out->header)) {
		json_decref(out->header);
		out->header = NULL;
		return -1;
	}
	kid = json_object_get(out->header, "kid");
	if (kid && !json_is_string(kid) && !json_is_null(kid)) {
		jwt_free(out);
		return -1;
	}
	alg = json_object_get(out->header, "alg");
	out->alg = json_is_string(alg) ? arena_strdup(a, json_string_value(alg)) : "";
	out->kid = json_is_string(kid) ? arena_strdup(a, json_string_value(kid)) : "";
	out->signature = (const unsigned char *)sig;
	out->signature_len = sig_len;
	out->signing_input = token;
	out->signing_input_len = (size_t)(dot2 - token);
	return 0;
}

void jwt_free(struct jwt *jwt)
{
	json_decref(jwt->header);
	jwt->header = NULL;
}

static bool is_rsa(EVP_PKEY *key)
{
	return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
}

static bool is_ec(EVP_PKEY *key)
{
	return EVP_PKEY_get_base_id(key) == EVP_PKEY_EC;
}

/* The digest of an alg, and for ECDSA the size of r and of s. */
static const EVP_MD *alg_digest(const char *alg, bool *pss, bool *ecdsa, size_t *half)
{
	static const struct {
		const char *alg;
		int bits;
		bool pss, ecdsa;
		size_t half;
	} algs[] = {
	    {"RS256", 256, false, false, 0}, {"RS384", 384, false, false, 0},
	    {"RS512", 512, false, false, 0}, {"PS256", 256, true, false, 0},
	    {"PS384", 384, true, false, 0},  {"PS512", 512, true, false, 0},
	    {"ES256", 256, false, true, 32}, {"ES384", 384, false, true, 48},
	    {"ES512", 512, false, true, 66},
	};

	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(algs[i].alg, alg) != 0)
			continue;
		*pss = algs[i].pss;
		*ecdsa = algs[i].ecdsa;
		*half = algs[i].half;
		return algs[i].bits == 256   ? EVP_sha256()
		       : algs[i].bits == 384 ? EVP_sha384()
					     : EVP_sha512();
	}
	return NULL;
}

/* r||s as DER (ECDSA-Sig-Value); NULL when the halves are no valid pair. */
static unsigned char *ecdsa_der_from_jose(const unsigned char *sig, size_t half, int *der_len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)half, NULL), *s = BN_bin2bn(sig + half, (int)half, NULL);
	unsigned char *der = NULL;

	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return NULL;
	}
	*der_len = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	if (*der_len <= 0) {
		OPENSSL_free(der);
		return NULL;
	}
	return der;
}

bool jwt_verify(const struct jwt *jwt, EVP_PKEY *key)
{
	bool pss = false, ecdsa = false, ok = false;
	size_t half = 0;
	const EVP_MD *md = alg_digest(jwt->alg, &pss, &ecdsa, &half);
	EVP_MD_CTX *ctx;
	EVP_PKEY_CTX *pctx = NULL;
	const unsigned char *sig = jwt->signature;
	size_t sig_len = jwt->signature_len;
	unsigned char *der = NULL;

	if (!md || !key || (ecdsa ? !is_ec(key) : !is_rsa(key)))
		return false;
	if (ecdsa) {
		int der_len = 0;

		/* go-jose: the signature must be exactly two halves of the alg's size. */
		if (sig_len != 2 * half || !(der = ecdsa_der_from_jose(sig, half, &der_len)))
			return false;
		sig = der;
		sig_len = (size_t)der_len;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key) == 1 &&
	    (ecdsa || EVP_PKEY_CTX_set_rsa_padding(pctx, pss ? RSA_PKCS1_PSS_PADDING
							     : RSA_PKCS1_PADDING) == 1) &&
	    (!pss || EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) == 1))
		ok = EVP_DigestVerify(ctx, sig, sig_len, (const unsigned char *)jwt->signing_input,
				      jwt->signing_input_len) == 1;
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	return ok;
}

const char *jwt_signing_alg(EVP_PKEY *key)
{
	char group[64];
	size_t len = 0;

	if (is_rsa(key))
		return "RS256";
	if (!is_ec(key) || !EVP_PKEY_get_group_name(key, group, sizeof(group), &len))
		return NULL;
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
		return "ES256";
	if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
		return "ES384";
	if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
		return "ES512";
	return NULL;
}

/* DER (ECDSA-Sig-Value) as r||s of half bytes each; -1 when it does not fit. */
static int ecdsa_jose_from_der(const unsigned char *der, size_t der_len, size_t half,
			       unsigned char *out)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
	const BIGNUM *r, *s;
	int rc = -1;

	if (!es)
		return -1;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, out, (int)half) == (int)half &&
	    BN_bn2binpad(s, out + half, (int)half) == (int)half)
		rc = 0;
	ECDSA_SIG_free(es);
	return rc;
}

int jwt_sign(struct buf *out, const char *header_json, const char *payload_json, EVP_PKEY *key,
	     const char *alg)
{
	bool pss = false, ecdsa = false;
	size_t half = 0, sig_len = 0, start = out->len;
	const EVP_MD *md = alg_digest(alg, &pss, &ecdsa, &half);
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *sig = NULL, jose[132];
	int rc = -1;

	if (!md || pss || (ecdsa ? !is_ec(key) : !is_rsa(key)))
		return -1;
	jwt_base64url_encode(out, header_json, strlen(header_json));
	buf_append_str(out, ".");
	jwt_base64url_encode(out, payload_json, strlen(payload_json));
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, &pctx, md, NULL, key) != 1 ||
	    (!ecdsa && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) ||
	    EVP_DigestSign(ctx, NULL, &sig_len, (const unsigned char *)out->data + start,
			   out->len - start) != 1)
		goto done;
	sig = OPENSSL_malloc(sig_len);
	if (!sig || EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)out->data + start,
				   out->len - start) != 1)
		goto done;
	buf_append_str(out, ".");
	if (ecdsa) {
		if (ecdsa_jose_from_der(sig, sig_len, half, jose) < 0)
			goto done;
		jwt_base64url_encode(out, jose, 2 * half);
	} else {
		jwt_base64url_encode(out, sig, sig_len);
	}
	rc = 0;
done:
	OPENSSL_free(sig);
	EVP_MD_CTX_free(ctx);
	if (rc < 0) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	}
	return rc;
}

bool jwt_key_id(EVP_PKEY *key, char out[JWT_KEY_ID_SIZE])
{
	unsigned char *der = NULL, digest[32];
	unsigned int digest_len = 0;
	int der_len = i2d_PUBKEY(key, &der);
	struct buf b = {0};
	bool ok;

	if (der_len <= 0) {
		OPENSSL_free(der);
		return false;
	}
	ok = EVP_Digest(der, (size_t)der_len, digest, &digest_len, EVP_sha256(), NULL) == 1;
	OPENSSL_free(der);
	if (!ok)
		return false;
	jwt_base64url_encode(&b, digest, digest_len);
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	buf_free(&b);
	return true;
}

/* A string claim: absent or null is "", any other non-string an error. */
static int string_claim(struct arena *a, json_t *claims, const char *name, const char **out)
{
	json_t *v = json_object_get(claims, name);

	*out = "";
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = arena_strdup(a, json_string_value(v));
	return 0;
}

/* A NumericDate: a number, its fraction dropped as Go's int64(float64). */
static int date_claim(json_t *claims, const char *name, bool *has, int64_t *out)
{
	json_t *v = json_object_get(claims, name);
	double d;

	*has = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return -1;
	d = json_number_value(v);
	if (!isfinite(d))
		return -1;
	*has = true;
	*out = d >= 9.2e18 ? INT64_MAX : d <= -9.2e18 ? INT64_MIN : (int64_t)d;
	return 0;
}

json_t *jwt_claims_read(struct arena *a, const struct jwt *jwt, struct jwt_claims *out,
			const char **err)
{
	/* Numbers as doubles: a NumericDate beyond int64 is still a number to Go. */
	json_t *claims = json_loadb(jwt->payload, jwt->payload_len,
				    JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL);
	json_t *aud;

	memset(out, 0, sizeof(*out));
	out->iss = out->sub = out->jti = "";
	if (!json_is_object(claims)) {
		json_decref(claims);
		*err = "the token's claims are not a JSON object";
		return NULL;
	}
	if (string_claim(a, claims, "iss", &out->iss) < 0 ||
	    string_claim(a, claims, "sub", &out->sub) < 0 ||
	    string_claim(a, claims, "jti", &out->jti) < 0) {
		*err = "json: cannot unmarshal a registered claim of the token into a string";
		goto bad;
	}
	if (date_claim(claims, "exp", &out->has_exp, &out->exp) < 0 ||
	    date_claim(claims, "nbf", &out->has_nbf, &out->nbf) < 0 ||
	    date_claim(claims, "iat", &out->has_iat, &out->iat) < 0) {
		*err = "go-jose/go-jose/jwt: expected number value to unmarshal NumericDate";
		goto bad;
	}
	aud = json_object_get(claims, "aud");
	if (json_is_string(aud)) {
		out->aud = arena_alloc(a, sizeof(*out->aud));
		out->aud[0] = arena_strdup(a, json_string_value(aud));
		out->num_aud = 1;
	} else if (json_is_array(aud)) {
		size_t i;
		json_t *v;

		out->aud = arena_alloc(a, (json_array_size(aud) + 1) * sizeof(*out->aud));
		json_array_foreach(aud, i, v)
		{
			if (!json_is_string(v))
				goto bad_aud;
			out->aud[out->num_aud++] = arena_strdup(a, json_string_value(v));
		}
	} else if (aud) {
		goto bad_aud;
	}
	return claims;
bad_aud:
	*err = "go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience";
bad:
	json_decref(claims);
	return NULL;
}

/* seconds as microseconds, saturated at the int64 limits */
static int64_t seconds_to_us(int64_t s)
{
	if (s > INT64_MAX / 1000000)
		return INT64_MAX;
	if (s < INT64_MIN / 1000000)
		return INT64_MIN;
	return s * 1000000;
}

static int64_t add_saturated(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

enum jwt_time_check jwt_check_times(const struct jwt_claims *c, int64_t now_us)
{
	const int64_t leeway_us = (int64_t)JWT_LEEWAY_SECONDS * 1000000;

	if (c->has_nbf && add_saturated(now_us, leeway_us) < seconds_to_us(c->nbf))
		return JWT_NOT_VALID_YET;
	if (c->has_exp && add_saturated(now_us, -leeway_us) > seconds_to_us(c->exp))
		return JWT_EXPIRED;
	if (c->has_iat && add_saturated(now_us, leeway_us) < seconds_to_us(c->iat))
		return JWT_ISSUED_IN_FUTURE;
	return JWT_TIME_OK;
}

bool jwt_unverified_issuer(struct arena *a, const char *token, const char **iss)
{
	const char *p = token, *dot1, *dot2;
	struct buf payload = {0};
	json_t *claims = NULL, *v;
	bool ok = false;

	*iss = "";
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '{')
		return false;
	dot1 = strchr(token, '.');
	if (!dot1 || !(dot2 = strchr(dot1 + 1, '.')) || strchr(dot2 + 1, '.'))
		return false;
	if (jwt_base64url_decode(&payload, dot1 + 1, (size_t)(dot2 - dot1 - 1)) < 0)
		goto done;
	claims = json_loadb(payload.data ? payload.data : "", payload.len,
			    JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL);
	if (json_is_null(claims)) {
		ok = true;
		goto done;
	}
	if (!json_is_object(claims))
		goto done;
	v = json_object_get(claims, "iss");
	if (v && !json_is_null(v) && !json_is_string(v))
		goto done;
	if (json_is_string(v))
		*iss = arena_strdup(a, json_string_value(v));
	ok = true;
done:
	json_decref(claims);
	buf_free(&payload);
	return ok;
}
