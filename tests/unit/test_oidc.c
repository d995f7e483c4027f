/*
 * test_oidc.c - unit tests for shared/oidc.c.
 *
 * The --oidc-* flags into settings (default username prefix, "-", the
 * messages of bad combinations), JSON Web Keys into OpenSSL keys (RSA and
 * EC keys made here, exported as n/e and x/y, must come back equal),
 * JWKS documents, the claim mapping (prefixes, string or list groups,
 * email_verified, required claims) and whole tokens signed here: the
 * right one passes, each of a wrong issuer, audience, expiry, alg, key or
 * kid is refused with go-oidc's message.
 */
#include <check.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/config.h"
#include "shared/jwt.h"
#include "shared/oidc.h"
#include "tests/unit/arena_fixture.h"

#define ISSUER "https://issuer.example"

/* JSON test data, released when the test ends. */
static json_t *owned[32];
static size_t num_owned;

static json_t *parsed(const char *text)
{
	ck_assert_uint_lt(num_owned, sizeof(owned) / sizeof(*owned));
	return owned[num_owned++] = json(text);
}

static void release(void)
{
	while (num_owned)
		json_decref(owned[--num_owned]);
	teardown();
}
#define NOW_S 1700000000LL

static struct config flags(const char *username_claim, const char *username_prefix)
{
	struct config cfg = {0};

	cfg.oidc_issuer_url = ISSUER;
	cfg.oidc_client_id = "kube";
	cfg.oidc_username_claim = username_claim;
	cfg.oidc_username_prefix = username_prefix;
	cfg.oidc_signing_algs = "RS256";
	return cfg;
}

static void load_ok(const struct config *cfg, struct oidc_config *out)
{
	char err[256] = "";

	ck_assert_msg(oidc_config_load(cfg, out, err, sizeof(err)) == 0, "%s", err);
}

static void load_fails(const struct config *cfg, const char *want)
{
	struct oidc_config c;
	char err[256] = "";

	ck_assert_int_eq(oidc_config_load(cfg, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, want);
}

START_TEST(test_config_prefixes)
{
	struct config cfg = flags("sub", NULL);
	struct oidc_config c;

	load_ok(&cfg, &c);
	ck_assert(c.enabled);
	ck_assert_str_eq(c.username_prefix, ISSUER "#");
	ck_assert_str_eq(c.groups_prefix, "");
	ck_assert_ptr_null(c.groups_claim);
	ck_assert_int_eq(c.num_algs, 1);
	ck_assert_str_eq(c.algs[0], "RS256");
	oidc_config_free(&c);

	cfg = flags("email", NULL);
	load_ok(&cfg, &c);
	ck_assert_str_eq(c.username_prefix, "");
	oidc_config_free(&c);

	cfg = flags("sub", "-");
	load_ok(&cfg, &c);
	ck_assert_str_eq(c.username_prefix, "");
	oidc_config_free(&c);

	cfg = flags("email", "oidc:");
	cfg.oidc_groups_claim = "groups";
	cfg.oidc_groups_prefix = "g:";
	cfg.oidc_required_claims = "hd=example.com,team=a=b";
	cfg.oidc_signing_algs = "RS256,ES256";
	load_ok(&cfg, &c);
	ck_assert_str_eq(c.username_prefix, "oidc:");
	ck_assert_str_eq(c.groups_claim, "groups");
	ck_assert_str_eq(c.groups_prefix, "g:");
	ck_assert_int_eq(c.num_required, 2);
	ck_assert_str_eq(c.required_keys[0], "hd");
	ck_assert_str_eq(c.required_values[0], "example.com");
	ck_assert_str_eq(c.required_keys[1], "team");
	ck_assert_str_eq(c.required_values[1], "a=b");
	ck_assert_int_eq(c.num_algs, 2);
	ck_assert_str_eq(c.algs[1], "ES256");
	oidc_config_free(&c);
}
END_TEST

START_TEST(test_config_errors)
{
	struct config cfg = {0};
	struct oidc_config c;
	char err[256] = "";

	ck_assert_int_eq(oidc_config_load(&cfg, &c, err, sizeof(err)), 0);
	ck_assert(!c.enabled);

	cfg = flags("sub", NULL);
	cfg.oidc_client_id = NULL;
	load_fails(&cfg, "oidc-issuer-url and oidc-client-id must be specified together");
	cfg = flags("sub", NULL);
	cfg.oidc_issuer_url = NULL;
	load_fails(&cfg, "oidc-issuer-url and oidc-client-id must be specified together");
	cfg = flags("sub", NULL);
	cfg.oidc_issuer_url = "http://issuer.example";
	load_fails(&cfg, "jwt[0].issuer.url: Invalid value: \"http://issuer.example\": URL scheme "
			 "must be https");
	cfg = flags("sub", NULL);
	cfg.oidc_signing_algs = "RS256,HS256";
	load_fails(&cfg, "oidc: unsupported signing alg: \"HS256\"");
	cfg = flags("sub", NULL);
	cfg.oidc_ca_file = "/nonexistent/ca.crt";
	load_fails(&cfg, "open /nonexistent/ca.crt: No such file or directory");
}
END_TEST

/* ---- keys ---- */

static EVP_PKEY *generate(const char *type, const char *param)
{
	EVP_PKEY *key = strcmp(type, "RSA") == 0 ? EVP_RSA_gen(2048) : EVP_EC_gen(param);

	ck_assert_ptr_nonnull(key);
	return key;
}

static const char *b64_bn(EVP_PKEY *key, const char *name)
{
	BIGNUM *bn = NULL;
	unsigned char bytes[1024];
	struct buf b = {0};
	int n;
	const char *out;

	ck_assert_int_eq(EVP_PKEY_get_bn_param(key, name, &bn), 1);
	n = BN_bn2bin(bn, bytes);
	jwt_base64url_encode(&b, bytes, (size_t)n);
	out = arena_strdup(&arena, b.data);
	buf_free(&b);
	BN_free(bn);
	return out;
}

/* An EC key's JWK; x and y padded to size bytes as RFC 7518 requires. */
static json_t *ec_jwk(EVP_PKEY *key, const char *crv, size_t size)
{
	unsigned char point[200];
	size_t len = 0;
	struct buf x = {0}, y = {0};
	json_t *jwk;

	ck_assert_int_eq(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point,
							 sizeof(point), &len),
			 1);
	ck_assert_uint_eq(len, 1 + 2 * size);
	jwt_base64url_encode(&x, point + 1, size);
	jwt_base64url_encode(&y, point + 1 + size, size);
	jwk = json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", crv, "x", x.data, "y", y.data);
	buf_free(&x);
	buf_free(&y);
	return jwk;
}

static json_t *rsa_jwk(EVP_PKEY *key, const char *kid)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "kty", "RSA", "kid", kid, "n",
			 b64_bn(key, OSSL_PKEY_PARAM_RSA_N), "e",
			 b64_bn(key, OSSL_PKEY_PARAM_RSA_E));
}

START_TEST(test_jwk_rsa)
{
	EVP_PKEY *key = generate("RSA", NULL), *got;
	json_t *jwk = rsa_jwk(key, "k1");
	const char *err = NULL;

	got = oidc_jwk_to_key(jwk, &err);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(EVP_PKEY_eq(key, got), 1);
	EVP_PKEY_free(got);

	json_object_del(jwk, "e");
	ck_assert_ptr_null(oidc_jwk_to_key(jwk, &err));
	ck_assert_str_eq(err, "square/go-jose: invalid RSA key, missing n/e values");
	json_object_set_new(jwk, "e", json_string("AQ=="));
	ck_assert_ptr_null(oidc_jwk_to_key(jwk, &err));
	ck_assert_str_eq(err, "square/go-jose: invalid RSA key, missing n/e values");
	json_decref(jwk);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_jwk_ec)
{
	static const struct {
		const char *group, *crv;
		size_t size;
	} curves[] = {{"P-256", "P-256", 32}, {"P-384", "P-384", 48}, {"P-521", "P-521", 66}};
	const char *err = NULL;

	for (size_t i = 0; i < sizeof(curves) / sizeof(*curves); i++) {
		EVP_PKEY *key = generate("EC", curves[i].group), *got;
		json_t *jwk = ec_jwk(key, curves[i].crv, curves[i].size);

		got = oidc_jwk_to_key(jwk, &err);
		ck_assert_msg(got != NULL, "%s: %s", curves[i].crv, err);
		ck_assert_int_eq(EVP_PKEY_eq(key, got), 1);
		EVP_PKEY_free(got);
		if (i == 0) {
			json_object_set_new(jwk, "crv", json_string("P-384"));
			ck_assert_ptr_null(oidc_jwk_to_key(jwk, &err));
			ck_assert_str_eq(err, "square/go-jose: invalid EC key, missing x/y values");
			json_object_set_new(jwk, "crv", json_string("secp256k1"));
			ck_assert_ptr_null(oidc_jwk_to_key(jwk, &err));
			ck_assert_str_eq(err, "square/go-jose: unsupported elliptic curve");
			/* x and y swapped: the point is not on the curve. */
			json_object_set_new(jwk, "crv", json_string("P-256"));
			json_object_set(jwk, "x", json_object_get(jwk, "y"));
			ck_assert_ptr_null(oidc_jwk_to_key(jwk, &err));
		}
		json_decref(jwk);
		EVP_PKEY_free(key);
	}
	ck_assert_ptr_null(oidc_jwk_to_key(parsed("{\"kty\":\"OKP\"}"), &err));
	ck_assert_str_eq(err, "square/go-jose: unknown json web key type");
}
END_TEST

START_TEST(test_keyset)
{
	EVP_PKEY *key = generate("RSA", NULL);
	json_t *set = json_pack("{s:[{s:s,s:s}, o]}", "keys", "kty", "oct", "k", "c2VjcmV0",
				rsa_jwk(key, "k1"));
	char *text = json_dumps(set, 0);
	struct oidc_keyset ks;
	const char *err = NULL;

	ck_assert_int_eq(oidc_keyset_parse(text, strlen(text), &ks, &err), 0);
	ck_assert_uint_eq(ks.num_keys, 1);
	ck_assert_str_eq(ks.keys[0].kid, "k1");
	ck_assert_int_eq(EVP_PKEY_eq(key, ks.keys[0].key), 1);
	oidc_keyset_free(&ks);
	ck_assert_int_eq(oidc_keyset_parse("{\"keys\":{}}", 11, &ks, &err), -1);
	ck_assert_str_eq(err, "oidc: failed to decode keys");
	free(text);
	text = strdup("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\"}]}");
	ck_assert_int_eq(oidc_keyset_parse(text, strlen(text), &ks, &err), -1);
	ck_assert_str_eq(err, "square/go-jose: invalid RSA key, missing n/e values");
	free(text);
	json_decref(set);
	EVP_PKEY_free(key);
}
END_TEST

/* ---- claims ---- */

static struct oidc_config mapping(const char *username_claim, const char *required)
{
	struct config cfg = flags(username_claim, NULL);
	struct oidc_config c;

	cfg.oidc_groups_claim = "groups";
	cfg.oidc_groups_prefix = "oidc:";
	cfg.oidc_required_claims = required;
	load_ok(&cfg, &c);
	return c;
}

static const char *map_error(struct oidc_config *c, const char *claims)
{
	struct oidc_user u;
	const char *err = NULL;

	ck_assert_int_eq(oidc_map_claims(&arena, c, parsed(claims), &u, &err), -1);
	return err;
}

START_TEST(test_claims)
{
	struct oidc_config c = mapping("sub", "hd=example.com");
	struct oidc_user u;
	const char *err = NULL;

	ck_assert_int_eq(oidc_map_claims(&arena, &c,
					 parsed("{\"sub\":\"jane\",\"groups\":[\"a\",\"b\"],"
						"\"hd\":\"example.com\"}"),
					 &u, &err),
			 0);
	ck_assert_str_eq(u.name, ISSUER "#jane");
	ck_assert_uint_eq(u.num_groups, 2);
	ck_assert_str_eq(u.groups[0], "oidc:a");
	ck_assert_str_eq(u.groups[1], "oidc:b");
	ck_assert_int_eq(oidc_map_claims(&arena, &c,
					 parsed("{\"sub\":\"jane\",\"groups\":\"solo\","
						"\"hd\":\"example.com\"}"),
					 &u, &err),
			 0);
	ck_assert_uint_eq(u.num_groups, 1);
	ck_assert_str_eq(u.groups[0], "oidc:solo");
	ck_assert_int_eq(oidc_map_claims(&arena, &c,
					 parsed("{\"sub\":\"jane\",\"hd\":\"example.com\"}"), &u,
					 &err),
			 0);
	ck_assert_uint_eq(u.num_groups, 0);
	/* null is Go's zero value: an empty name, no groups, an empty group. */
	ck_assert_int_eq(oidc_map_claims(&arena, &c,
					 parsed("{\"sub\":null,\"groups\":null,"
						"\"hd\":\"example.com\"}"),
					 &u, &err),
			 0);
	ck_assert_str_eq(u.name, ISSUER "#");
	ck_assert_uint_eq(u.num_groups, 0);
	ck_assert_int_eq(oidc_map_claims(&arena, &c,
					 parsed("{\"sub\":\"j\",\"groups\":[null,\"x\"],"
						"\"hd\":\"example.com\"}"),
					 &u, &err),
			 0);
	ck_assert_uint_eq(u.num_groups, 2);
	ck_assert_str_eq(u.groups[0], "oidc:");
	ck_assert_str_eq(u.groups[1], "oidc:x");

	ck_assert_str_eq(map_error(&c, "{\"hd\":\"example.com\"}"),
			 "oidc: parse username claims \"sub\": claim not present");
	ck_assert_str_eq(map_error(&c, "{\"sub\":5,\"hd\":\"example.com\"}"),
			 "oidc: parse username claims \"sub\": json: cannot unmarshal number into "
			 "Go value of type string");
	ck_assert_str_eq(map_error(&c, "{\"sub\":\"jane\",\"groups\":[1],\"hd\":\"x\"}"),
			 "oidc: parse groups claim \"groups\": json: cannot unmarshal array into "
			 "Go value of type string");
	ck_assert_str_eq(map_error(&c, "{\"sub\":\"jane\",\"groups\":{},\"hd\":\"x\"}"),
			 "oidc: parse groups claim \"groups\": json: cannot unmarshal object into "
			 "Go value of type string");
	ck_assert_str_eq(map_error(&c, "{\"sub\":\"jane\",\"hd\":true}"),
			 "oidc: parse claim hd: json: cannot unmarshal bool into Go value of type "
			 "string");
	ck_assert_str_eq(map_error(&c, "{\"sub\":\"jane\"}"),
			 "oidc: required claim hd not present in ID token");
	ck_assert_str_eq(map_error(&c, "{\"sub\":\"jane\",\"hd\":\"evil.com\"}"),
			 "oidc: required claim hd value does not match. Got = evil.com, want = "
			 "example.com");
	oidc_config_free(&c);
}
END_TEST

START_TEST(test_claims_email)
{
	struct oidc_config c = mapping("email", NULL);
	struct oidc_user u;
	const char *err = NULL;

	ck_assert_int_eq(oidc_map_claims(&arena, &c,
					 parsed("{\"email\":\"jane@example.com\","
						"\"email_verified\":true}"),
					 &u, &err),
			 0);
	ck_assert_str_eq(u.name, "jane@example.com");
	/* Absent, email_verified is not required. */
	ck_assert_int_eq(
	    oidc_map_claims(&arena, &c, parsed("{\"email\":\"jane@example.com\"}"), &u, &err), 0);
	ck_assert_str_eq(map_error(&c, "{\"email\":\"j@x\",\"email_verified\":false}"),
			 "oidc: email not verified");
	ck_assert_str_eq(map_error(&c, "{\"email\":\"j@x\",\"email_verified\":null}"),
			 "oidc: email not verified");
	ck_assert_str_eq(map_error(&c, "{\"email\":\"j@x\",\"email_verified\":\"true\"}"),
			 "oidc: parse 'email_verified' claim: json: cannot unmarshal string into "
			 "Go value of type bool");
	oidc_config_free(&c);
}
END_TEST

/* ---- whole tokens ---- */

static const char *token(EVP_PKEY *key, const char *alg, const char *kid, const char *payload)
{
	struct buf b = {0};
	char header[128];
	const char *out;

	snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"kid\":\"%s\"}", alg, kid);
	ck_assert_int_eq(jwt_sign(&b, header, payload, key, alg), 0);
	out = arena_strdup(&arena, b.data);
	buf_free(&b);
	return out;
}

static const char *claims(const char *iss, const char *aud, long long exp)
{
	return arena_printf(&arena, "{\"iss\":\"%s\",\"aud\":%s,\"sub\":\"jane\",\"exp\":%lld}",
			    iss, aud, exp);
}

START_TEST(test_verify)
{
	struct oidc_config c = mapping("sub", NULL);
	EVP_PKEY *key = generate("RSA", NULL), *other = generate("RSA", NULL),
		 *ec = generate("EC", "P-256");
	struct oidc_keyset ks = {0};
	struct oidc_key keys[2] = {{"k1", key}, {"k2", ec}};
	struct oidc_user u;
	const char *err = NULL, *good = claims(ISSUER, "[\"other\",\"kube\"]", NOW_S + 60);
	int64_t now = NOW_S * 1000000;

	ks.keys = keys;
	ks.num_keys = 2;
	ck_assert(oidc_token_is_ours(&arena, &c, token(key, "RS256", "k1", good)));
	ck_assert(!oidc_token_is_ours(
	    &arena, &c, token(key, "RS256", "k1", claims("https://x", "\"kube\"", NOW_S))));
	ck_assert(!oidc_token_is_ours(&arena, &c, "abc.def"));

	ck_assert_int_eq(
	    oidc_verify(&arena, &c, &ks, token(key, "RS256", "k1", good), now, &u, &err), OIDC_OK);
	ck_assert_str_eq(u.name, ISSUER "#jane");
	/* Expiry has no leeway. */
	ck_assert_int_eq(
	    oidc_verify(&arena, &c, &ks,
			token(key, "RS256", "k1", claims(ISSUER, "\"kube\"", NOW_S - 1)), now, &u,
			&err),
	    OIDC_REJECTED);
	ck_assert_str_eq(err, "oidc: verify token: oidc: token is expired");
	ck_assert_int_eq(oidc_verify(&arena, &c, &ks,
				     token(key, "RS256", "k1", claims(ISSUER, "\"x\"", NOW_S + 9)),
				     now, &u, &err),
			 OIDC_REJECTED);
	ck_assert_str_eq(err, "oidc: verify token: oidc: expected audience \"kube\" got [\"x\"]");
	ck_assert_int_eq(
	    oidc_verify(&arena, &c, &ks,
			token(key, "RS256", "k1", claims(ISSUER "/", "\"kube\"", NOW_S + 9)), now,
			&u, &err),
	    OIDC_REJECTED);
	ck_assert_str_eq(err, "oidc: verify token: oidc: id token issued by a different provider, "
			      "expected \"" ISSUER "\" got \"" ISSUER "/\"");
	ck_assert_int_eq(oidc_verify(&arena, &c, &ks,
				     token(key, "RS256", "k1",
					   "{\"iss\":\"" ISSUER "\",\"aud\":\"kube\",\"sub\":\"j\","
					   "\"exp\":1700000060,\"nbf\":1700000301}"),
				     now, &u, &err),
			 OIDC_REJECTED);
	ck_assert_str_eq(err,
			 "oidc: verify token: oidc: current time before the nbf (not before) time");
	ck_assert_int_eq(oidc_verify(&arena, &c, &ks,
				     token(key, "RS256", "k1",
					   "{\"iss\":\"" ISSUER "\",\"aud\":\"kube\",\"sub\":\"j\","
					   "\"exp\":1700000060,\"nbf\":1700000300}"),
				     now, &u, &err),
			 OIDC_OK);
	/* ES256 is a good signature, but not an allowed alg. */
	ck_assert_int_eq(
	    oidc_verify(&arena, &c, &ks, token(ec, "ES256", "k2", good), now, &u, &err),
	    OIDC_REJECTED);
	ck_assert_str_eq(err, "oidc: verify token: oidc: id token signed with unsupported "
			      "algorithm, expected RS256 got \"ES256\"");
	ck_assert_int_eq(
	    oidc_verify(&arena, &c, &ks, token(other, "RS256", "k1", good), now, &u, &err),
	    OIDC_REJECTED);
	ck_assert_str_eq(err, "oidc: verify token: failed to verify signature: failed to verify id "
			      "token signature");
	ck_assert_int_eq(
	    oidc_verify(&arena, &c, &ks, token(key, "RS256", "k9", good), now, &u, &err),
	    OIDC_UNKNOWN_KID);
	oidc_config_free(&c);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
	EVP_PKEY_free(ec);
}
END_TEST

START_TEST(test_google_issuer)
{
	struct config cfg = flags("sub", NULL);
	struct oidc_config c;
	EVP_PKEY *key = generate("RSA", NULL);
	struct oidc_key keys[1] = {{"k1", key}};
	struct oidc_keyset ks = {keys, 1};
	struct oidc_user u;
	const char *err = NULL, *tok;

	cfg.oidc_issuer_url = "https://accounts.google.com";
	load_ok(&cfg, &c);
	tok = token(key, "RS256", "k1", claims("accounts.google.com", "\"kube\"", NOW_S + 60));
	ck_assert(oidc_token_is_ours(&arena, &c, tok));
	ck_assert_int_eq(oidc_verify(&arena, &c, &ks, tok, NOW_S * 1000000, &u, &err), OIDC_OK);
	ck_assert_str_eq(u.name, "https://accounts.google.com#jane");
	oidc_config_free(&c);
	EVP_PKEY_free(key);
}
END_TEST

static Suite *oidc_suite(void)
{
	Suite *s = suite_create("oidc");
	TCase *tc = tcase_create("oidc");

	tcase_add_checked_fixture(tc, setup, release);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_config_prefixes);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_jwk_rsa);
	tcase_add_test(tc, test_jwk_ec);
	tcase_add_test(tc, test_keyset);
	tcase_add_test(tc, test_claims);
	tcase_add_test(tc, test_claims_email);
	tcase_add_test(tc, test_verify);
	tcase_add_test(tc, test_google_issuer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(oidc_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
