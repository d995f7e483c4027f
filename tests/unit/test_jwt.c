/*
 * test_jwt.c - unit tests for shared/jwt.c.
 *
 * base64url as Go's RawURLEncoding reads and writes it; compact JWS
 * parsing; signatures: a known RS256 answer made with the openssl CLI,
 * round trips for RS256 and ES256/384/512, PS256 made by OpenSSL, and the
 * forgeries a verifier must refuse (tampered parts, alg "none", HS256
 * keyed with the public key, an alg of the other key type, a wrong ECDSA
 * signature size); the key id against a value computed with the openssl
 * CLI; the registered claims and the one-minute leeway of the time checks;
 * the unverified issuer.
 */
#include <check.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

#include "shared/jwt.h"
#include "tests/unit/arena_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A throwaway 1024-bit key, for tests only (made with openssl genpkey). */
static const char rsa_private_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBAM1idmD4aKyljSmq\n"
    "qCslLi1SjC+ut/T7N488zhdVCsxFn5SHjuIdiygCaz0RzmrWt+6vIl238ibcDKVv\n"
    "B7vRNm0MWVPGeQ/YMMKQMGgw+XjR8d2RZ+9qsbgABWOmNpp6VRsR4cBYd7x4Xcw0\n"
    "UVoRzHy7Vm9VN23Pr1a37ofMVnM/AgMBAAECgYEAyePuBehpzLx4BOtSoAbOW5L3\n"
    "Zq/S+Kgxt0XIOLtJ//64nWKbm7362nt2OvPT+sXSzHevynxVNsm8TKrV6VQAsHBx\n"
    "DW39e1GmgY0vTGE3l3oWSaCf5ZUOUFWsmgdjyfaAcN/vKnfXdoXuVvEUrPDdfyQ4\n"
    "BxhJwTP20i6mdWRmQdECQQD7PXqwtWH2zBV5c1qZxBoLWsu9dGlOGh2DFejvNIyn\n"
    "DT7c1bfOjncyziLNBTWz2E95feWI4F4JsvMvTNoXxMwtAkEA0UaVLTbPkuExvESD\n"
    "fb6XNHdweOO9N26APLcVmwiAiCR85/aOrqMny+dmU/6Gl9mt8iB3fFYR99E1fMl+\n"
    "7iqkmwJABbdBWlHWF7pO5sN0FTl76jQ3nGjQmIFJmJjgAsksRgSsIHQQSXe+SH6e\n"
    "FhH/RccvD7GIjlOkcA4NME9MSuwkRQJAXOuVEwVSNypMNgbJx4xXgNFDnDmqazFi\n"
    "ORMlwbeNsmVZHHmqMrp40h2FnufVhRj/FhH6W7evtLQspqKk/ETs3wJBAPE4/xpo\n"
    "e/8ht9LZAlM+MCPkKBGJG5m32mBLe2YnIvq9hYOJGmgnNMY23T21ApJQaFpH9/Pp\n"
    "tqo0i087RNmjqVw=\n"
    "-----END PRIVATE KEY-----\n";

static const char rsa_public_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDNYnZg+GispY0pqqgrJS4tUowv\n"
    "rrf0+zePPM4XVQrMRZ+Uh47iHYsoAms9Ec5q1rfuryJdt/Im3Aylbwe70TZtDFlT\n"
    "xnkP2DDCkDBoMPl40fHdkWfvarG4AAVjpjaaelUbEeHAWHe8eF3MNFFaEcx8u1Zv\n"
    "VTdtz69Wt+6HzFZzPwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

static const char ec_public_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8LsIJNazHwG+I5lUIE1VkKFMmfDm\n"
    "umqtc674QmCSXm2sctsii5MK4VsqbVME3/0QYV/gYKlB9L0lLeg+Q8idrg==\n"
    "-----END PUBLIC KEY-----\n";

/* openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64url */
#define RSA_KID "KQjVRfUeFEGSbxUkZytBa_Mg9Mlh_cd0X3mJAMCNwhA"
#define EC_KID	"7gfyFln-AsCnXH2iGHgyn3NwVmm9SgQqufsmmONbV1s"

/* {"alg":"RS256","kid":"k"} . {"iss":"test","sub":"me"}, signed with
 * `openssl dgst -sha256 -sign` (PKCS #1 v1.5 is deterministic). */
#define KNOWN_INPUT "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJpc3MiOiJ0ZXN0Iiwic3ViIjoibWUifQ"
#define KNOWN_SIG                                                                                  \
	"I6kO8dEV5Ew9lIdYxMNlKOkf8VXvx4IWv7ehsUpR_Oz8Y3RQe1Vdxt9_Xhf8cQBcpFpxyf9aT2l5Cb8IYNqf3Q"   \
	"JlgalYVrD96t8LETNQtNymWcMHoseNatbPam9XSXQ4kLu-fHvhtqRw2qtrkbnXFntubTTyCmMixSvB4tlVylE"

static EVP_PKEY *pem_key(const char *pem, bool private)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *key = private ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
				: PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);

	BIO_free(bio);
	ck_assert_ptr_nonnull(key);
	return key;
}

static EVP_PKEY *ec_key(const char *curve)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);

	ck_assert_ptr_nonnull(key);
	return key;
}

static const char *encode(const char *text)
{
	struct buf b = {0};
	const char *out;

	jwt_base64url_encode(&b, text, strlen(text));
	buf_append(&b, "", 1);
	out = arena_strdup(&arena, b.data);
	buf_free(&b);
	return out;
}

/* header.payload.signature from the JSON texts and a base64url signature. */
static const char *token_of(const char *header, const char *payload, const char *sig)
{
	return arena_printf(&arena, "%s.%s.%s", encode(header), encode(payload), sig);
}

/* ---- base64url ---- */

static const struct {
	const char *raw;
	const char *encoded;
} base64_cases[] = {
    {"", ""},
    {"f", "Zg"},
    {"fo", "Zm8"},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg"},
    {"fooba", "Zm9vYmE"},
    {"foobar", "Zm9vYmFy"},
    {"\xfb\xff\xbf", "-_-_"}, /* the URL alphabet's last two characters */
};

START_TEST(test_base64url_encode)
{
	struct buf b = {0};

	jwt_base64url_encode(&b, base64_cases[_i].raw, strlen(base64_cases[_i].raw));
	buf_append(&b, "", 1);
	ck_assert_str_eq(b.data, base64_cases[_i].encoded);
	buf_free(&b);
}
END_TEST

START_TEST(test_base64url_decode)
{
	struct buf b = {0};

	ck_assert_int_eq(
	    jwt_base64url_decode(&b, base64_cases[_i].encoded, strlen(base64_cases[_i].encoded)),
	    0);
	ck_assert_uint_eq(b.len, strlen(base64_cases[_i].raw));
	ck_assert(b.len == 0 || memcmp(b.data, base64_cases[_i].raw, b.len) == 0);
	buf_free(&b);
}
END_TEST

static const struct {
	const char *text;
	int rc;
	const char *raw;
} decode_cases[] = {
    {"Zm9v\r\nYmFy", 0, "foobar"}, /* Go skips CR and LF */
    {"Zm9vYg==", -1, NULL},	   /* raw encoding: padding is an error */
    {"Zm9vY", -1, NULL},	   /* a lone last character */
    {"Zm+v", -1, NULL},		   /* the standard alphabet is not the URL one */
    {"Zm/v", -1, NULL},
    {"Zm9 v", -1, NULL},
};

START_TEST(test_base64url_decode_strictness)
{
	struct buf b = {0};

	ck_assert_int_eq(
	    jwt_base64url_decode(&b, decode_cases[_i].text, strlen(decode_cases[_i].text)),
	    decode_cases[_i].rc);
	if (decode_cases[_i].raw) {
		ck_assert_uint_eq(b.len, strlen(decode_cases[_i].raw));
		ck_assert(memcmp(b.data, decode_cases[_i].raw, b.len) == 0);
	}
	buf_free(&b);
}
END_TEST

/* ---- parsing ---- */

START_TEST(test_parse_fields)
{
	struct jwt jwt;
	const char *token = KNOWN_INPUT "." KNOWN_SIG;

	ck_assert_int_eq(jwt_parse(&arena, token, &jwt), 0);
	ck_assert_str_eq(jwt.alg, "RS256");
	ck_assert_str_eq(jwt.kid, "k");
	ck_assert_str_eq(jwt.payload, "{\"iss\":\"test\",\"sub\":\"me\"}");
	ck_assert_uint_eq(jwt.signature_len, 128);
	ck_assert_uint_eq(jwt.signing_input_len, strlen(KNOWN_INPUT));
	ck_assert(memcmp(jwt.signing_input, KNOWN_INPUT, jwt.signing_input_len) == 0);
	jwt_free(&jwt);
}
END_TEST

static const char *const unparseable[] = {
    "",
    "abc",
    "a.b",
    "a.b.c.d",
    "eyJhbGciOiJSUzI1NiJ9.e30",	      /* two parts */
    "eyJhbGciOiJSUzI1NiJ9.e30.a.b",   /* four */
    "eyJhbGciOiJSUzI1NiJ9=.e30.AAAA", /* padding */
    "W10.e30.AAAA",		      /* header "[]" */
    "bnVsbA.e30.AAAA",		      /* header "null" */
    "eyJraWQiOjF9.e30.AAAA",	      /* {"kid":1} */
    "eyJhbGciOiJSUzI1NiJ9.e30.A",     /* signature of one character */
};

START_TEST(test_parse_rejects)
{
	struct jwt jwt;

	ck_assert_int_eq(jwt_parse(&arena, unparseable[_i], &jwt), -1);
	ck_assert_ptr_null(jwt.header);
}
END_TEST

START_TEST(test_parse_alg_not_a_string)
{
	struct jwt jwt;

	ck_assert_int_eq(jwt_parse(&arena, token_of("{\"alg\":1}", "{}", "AAAA"), &jwt), 0);
	ck_assert_str_eq(jwt.alg, "");
	ck_assert_str_eq(jwt.kid, "");
	jwt_free(&jwt);
}
END_TEST

/* ---- signatures ---- */

static bool verifies(const char *token, EVP_PKEY *key)
{
	struct jwt jwt;
	bool ok;

	if (jwt_parse(&arena, token, &jwt) < 0)
		return false;
	ok = jwt_verify(&jwt, key);
	jwt_free(&jwt);
	return ok;
}

START_TEST(test_known_rs256_signature)
{
	EVP_PKEY *pub = pem_key(rsa_public_pem, false), *priv = pem_key(rsa_private_pem, true);
	struct buf out = {0};

	ck_assert(verifies(KNOWN_INPUT "." KNOWN_SIG, pub));
	/* Signing the same input gives the openssl CLI's signature. */
	ck_assert_int_eq(jwt_sign(&out, "{\"alg\":\"RS256\",\"kid\":\"k\"}",
				  "{\"iss\":\"test\",\"sub\":\"me\"}", priv, "RS256"),
			 0);
	buf_append(&out, "", 1);
	ck_assert_str_eq(out.data, KNOWN_INPUT "." KNOWN_SIG);
	buf_free(&out);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(priv);
}
END_TEST

START_TEST(test_tampering_fails)
{
	EVP_PKEY *pub = pem_key(rsa_public_pem, false);
	char *token = arena_strdup(&arena, KNOWN_INPUT "." KNOWN_SIG);
	size_t payload = strlen("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.") + 3;

	/* One character of the payload, then one of the signature. */
	token[payload] = token[payload] == 'A' ? 'B' : 'A';
	ck_assert(!verifies(token, pub));
	token = arena_strdup(&arena, KNOWN_INPUT "." KNOWN_SIG);
	token[strlen(token) - 5] = token[strlen(token) - 5] == 'A' ? 'B' : 'A';
	ck_assert(!verifies(token, pub));
	/* A signature cut short is refused, not zero-padded. */
	token = arena_strdup(&arena, KNOWN_INPUT "." KNOWN_SIG);
	token[strlen(token) - 4] = '\0';
	ck_assert(!verifies(token, pub));
	EVP_PKEY_free(pub);
}
END_TEST

START_TEST(test_other_key_fails)
{
	EVP_PKEY *other = ec_key("P-256"), *pub = pem_key(ec_public_pem, false);

	ck_assert(!verifies(KNOWN_INPUT "." KNOWN_SIG, other));
	ck_assert(!verifies(KNOWN_INPUT "." KNOWN_SIG, pub));
	ck_assert(!verifies(KNOWN_INPUT "." KNOWN_SIG, NULL));
	EVP_PKEY_free(other);
	EVP_PKEY_free(pub);
}
END_TEST

START_TEST(test_alg_none_rejected)
{
	EVP_PKEY *pub = pem_key(rsa_public_pem, false);

	ck_assert(!verifies(token_of("{\"alg\":\"none\"}", "{\"iss\":\"x\"}", ""), pub));
	ck_assert(!verifies(token_of("{\"alg\":\"none\"}", "{\"iss\":\"x\"}", "AAAA"), pub));
	ck_assert(!verifies(token_of("{}", "{\"iss\":\"x\"}", KNOWN_SIG), pub));
	EVP_PKEY_free(pub);
}
END_TEST

/* The classic confusion: HS256 keyed with the (public) RSA key's bytes. */
START_TEST(test_hs256_with_public_key_rejected)
{
	EVP_PKEY *pub = pem_key(rsa_public_pem, false);
	const char *input =
	    arena_printf(&arena, "%s.%s", encode("{\"alg\":\"HS256\"}"), encode("{\"iss\":\"x\"}"));
	unsigned char mac[32];
	unsigned int mac_len = 0;
	struct buf sig = {0};

	ck_assert_ptr_nonnull(HMAC(EVP_sha256(), rsa_public_pem, (int)strlen(rsa_public_pem),
				   (const unsigned char *)input, strlen(input), mac, &mac_len));
	jwt_base64url_encode(&sig, mac, mac_len);
	buf_append(&sig, "", 1);
	ck_assert(!verifies(arena_printf(&arena, "%s.%s", input, sig.data), pub));
	buf_free(&sig);
	EVP_PKEY_free(pub);
}
END_TEST

static const struct {
	const char *curve;
	const char *alg;
	size_t sig_bytes;
} ec_cases[] = {
    {"P-256", "ES256", 64},
    {"P-384", "ES384", 96},
    {"P-521", "ES512", 132},
};

START_TEST(test_ecdsa_round_trip)
{
	EVP_PKEY *key = ec_key(ec_cases[_i].curve), *other = ec_key(ec_cases[_i].curve);
	const char *header = arena_printf(&arena, "{\"alg\":\"%s\"}", ec_cases[_i].alg);
	struct buf out = {0};
	struct jwt jwt;

	ck_assert_str_eq(jwt_signing_alg(key), ec_cases[_i].alg);
	ck_assert_int_eq(jwt_sign(&out, header, "{\"iss\":\"i\"}", key, ec_cases[_i].alg), 0);
	buf_append(&out, "", 1);
	ck_assert_int_eq(jwt_parse(&arena, out.data, &jwt), 0);
	ck_assert_uint_eq(jwt.signature_len, ec_cases[_i].sig_bytes);
	ck_assert(jwt_verify(&jwt, key));
	ck_assert(!jwt_verify(&jwt, other));
	jwt_free(&jwt);
	buf_free(&out);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}
END_TEST

START_TEST(test_ecdsa_signature_size_checked)
{
	EVP_PKEY *key = ec_key("P-256");
	struct buf out = {0};
	char *token;

	ck_assert_int_eq(jwt_sign(&out, "{\"alg\":\"ES256\"}", "{}", key, "ES256"), 0);
	buf_append(&out, "", 1);
	ck_assert(verifies(out.data, key));
	/* The same r||s claimed as ES384 has the wrong size for it. */
	token = arena_strdup(&arena, out.data);
	ck_assert(!verifies(
	    arena_printf(&arena, "%s.%s", encode("{\"alg\":\"ES384\"}"), strchr(token, '.') + 1),
	    key));
	/* An RSA alg with an EC key. */
	ck_assert(!verifies(
	    arena_printf(&arena, "%s.%s", encode("{\"alg\":\"RS256\"}"), strchr(token, '.') + 1),
	    key));
	buf_free(&out);
	EVP_PKEY_free(key);
}
END_TEST

/* PS256 made by OpenSSL directly (go-jose verifies it with an RSA key). */
START_TEST(test_ps256_verifies)
{
	EVP_PKEY *priv = pem_key(rsa_private_pem, true), *pub = pem_key(rsa_public_pem, false);
	const char *input =
	    arena_printf(&arena, "%s.%s", encode("{\"alg\":\"PS256\"}"), encode("{\"iss\":\"x\"}"));
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char sig[256];
	size_t sig_len = sizeof(sig);
	struct buf b = {0};

	ck_assert_int_eq(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, priv), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
	ck_assert_int_eq(
	    EVP_DigestSign(ctx, sig, &sig_len, (const unsigned char *)input, strlen(input)), 1);
	jwt_base64url_encode(&b, sig, sig_len);
	buf_append(&b, "", 1);
	ck_assert(verifies(arena_printf(&arena, "%s.%s", input, b.data), pub));
	/* The same signature as PKCS #1 v1.5 does not verify. */
	ck_assert(!verifies(arena_printf(&arena, "%s.%s.%s", encode("{\"alg\":\"RS256\"}"),
					 encode("{\"iss\":\"x\"}"), b.data),
			    pub));
	buf_free(&b);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
}
END_TEST

START_TEST(test_rs384_rs512_round_trip)
{
	EVP_PKEY *priv = pem_key(rsa_private_pem, true), *pub = pem_key(rsa_public_pem, false);
	const char *algs[] = {"RS384", "RS512"};

	for (size_t i = 0; i < N(algs); i++) {
		struct buf out = {0};

		ck_assert_int_eq(jwt_sign(&out, arena_printf(&arena, "{\"alg\":\"%s\"}", algs[i]),
					  "{}", priv, algs[i]),
				 0);
		buf_append(&out, "", 1);
		ck_assert(verifies(out.data, pub));
		buf_free(&out);
	}
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
}
END_TEST

START_TEST(test_sign_refuses_mismatch)
{
	EVP_PKEY *rsa = pem_key(rsa_private_pem, true), *ec = ec_key("P-256");
	struct buf out = {0};

	buf_append_str(&out, "kept");
	ck_assert_int_eq(jwt_sign(&out, "{}", "{}", rsa, "ES256"), -1);
	ck_assert_int_eq(jwt_sign(&out, "{}", "{}", ec, "RS256"), -1);
	ck_assert_int_eq(jwt_sign(&out, "{}", "{}", rsa, "HS256"), -1);
	ck_assert_int_eq(jwt_sign(&out, "{}", "{}", rsa, "PS256"), -1);
	ck_assert_uint_eq(out.len, 4);
	buf_free(&out);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}
END_TEST

START_TEST(test_signing_alg)
{
	EVP_PKEY *rsa = pem_key(rsa_private_pem, true), *k1 = ec_key("secp256k1");

	ck_assert_str_eq(jwt_signing_alg(rsa), "RS256");
	ck_assert_ptr_null(jwt_signing_alg(k1));
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(k1);
}
END_TEST

START_TEST(test_key_id)
{
	EVP_PKEY *rsa = pem_key(rsa_public_pem, false), *ec = pem_key(ec_public_pem, false);
	EVP_PKEY *priv = pem_key(rsa_private_pem, true);
	char kid[JWT_KEY_ID_SIZE];

	ck_assert(jwt_key_id(rsa, kid));
	ck_assert_str_eq(kid, RSA_KID);
	ck_assert(jwt_key_id(ec, kid));
	ck_assert_str_eq(kid, EC_KID);
	/* A private key's id is its public key's. */
	ck_assert(jwt_key_id(priv, kid));
	ck_assert_str_eq(kid, RSA_KID);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(priv);
}
END_TEST

/* ---- claims ---- */

static json_t *claims_of(const char *payload, struct jwt_claims *c, const char **err)
{
	struct jwt jwt;
	json_t *claims;

	ck_assert_int_eq(jwt_parse(&arena, token_of("{\"alg\":\"RS256\"}", payload, "AAAA"), &jwt),
			 0);
	*err = NULL;
	claims = jwt_claims_read(&arena, &jwt, c, err);
	jwt_free(&jwt);
	return claims;
}

START_TEST(test_claims_read)
{
	struct jwt_claims c;
	const char *err;
	json_t *claims =
	    claims_of("{\"iss\":\"i\",\"sub\":\"s\",\"jti\":\"j\",\"aud\":[\"a\",\"b\"],"
		      "\"exp\":1700000000,\"nbf\":1699999999.9,\"iat\":null,"
		      "\"kubernetes.io\":{}}",
		      &c, &err);

	ck_assert_ptr_nonnull(claims);
	ck_assert_str_eq(c.iss, "i");
	ck_assert_str_eq(c.sub, "s");
	ck_assert_str_eq(c.jti, "j");
	ck_assert_uint_eq(c.num_aud, 2);
	ck_assert_str_eq(c.aud[0], "a");
	ck_assert_str_eq(c.aud[1], "b");
	ck_assert(c.has_exp && c.exp == 1700000000);
	ck_assert(c.has_nbf && c.nbf == 1699999999); /* the fraction is dropped */
	ck_assert(!c.has_iat);
	{
		json_t *want = json("{}");

		ck_assert(json_equal(json_object_get(claims, "kubernetes.io"), want));
		json_decref(want);
	}
	json_decref(claims);

	/* A single audience may be a string; absent claims are empty. */
	claims = claims_of("{\"aud\":\"only\"}", &c, &err);
	ck_assert_uint_eq(c.num_aud, 1);
	ck_assert_str_eq(c.aud[0], "only");
	ck_assert_str_eq(c.iss, "");
	ck_assert(!c.has_exp && !c.has_nbf);
	json_decref(claims);
}
END_TEST

static const char *const bad_claims[] = {
    "[]",
    "null",
    "{\"iss\":1}",
    "{\"sub\":[]}",
    "{\"aud\":[\"a\",1]}",
    "{\"aud\":{}}",
    "{\"aud\":7}",
    "{\"exp\":\"1700000000\"}",
    "{\"nbf\":true}",
};

START_TEST(test_claims_wrong_types)
{
	struct jwt_claims c;
	const char *err;

	ck_assert_ptr_null(claims_of(bad_claims[_i], &c, &err));
	ck_assert_ptr_nonnull(err);
}
END_TEST

#define SEC 1000000LL

static const struct {
	bool has_nbf, has_exp, has_iat;
	int64_t nbf, exp, iat;
	int64_t now_us;
	enum jwt_time_check want;
} time_cases[] = {
    {false, false, false, 0, 0, 0, 1000 * SEC, JWT_TIME_OK},
    /* exp: a minute of grace, then expired */
    {false, true, false, 0, 1000, 0, 1060 * SEC, JWT_TIME_OK},
    {false, true, false, 0, 1000, 0, 1060 * SEC + 1, JWT_EXPIRED},
    /* nbf: a minute early is still fine */
    {true, false, false, 1000, 0, 0, 940 * SEC, JWT_TIME_OK},
    {true, false, false, 1000, 0, 0, 940 * SEC - 1, JWT_NOT_VALID_YET},
    /* iat in the future, beyond the minute */
    {false, false, true, 0, 0, 1000, 940 * SEC - 1, JWT_ISSUED_IN_FUTURE},
    {false, false, true, 0, 0, 1000, 940 * SEC, JWT_TIME_OK},
    /* go-jose's order: nbf before exp before iat */
    {true, true, true, 5000, 10, 5000, 1000 * SEC, JWT_NOT_VALID_YET},
    {false, true, true, 0, 10, 5000, 1000 * SEC, JWT_EXPIRED},
};

START_TEST(test_time_checks)
{
	struct jwt_claims c = {0};

	c.has_nbf = time_cases[_i].has_nbf;
	c.has_exp = time_cases[_i].has_exp;
	c.has_iat = time_cases[_i].has_iat;
	c.nbf = time_cases[_i].nbf;
	c.exp = time_cases[_i].exp;
	c.iat = time_cases[_i].iat;
	ck_assert_int_eq(jwt_check_times(&c, time_cases[_i].now_us), time_cases[_i].want);
}
END_TEST

START_TEST(test_time_extremes)
{
	struct jwt_claims c = {0};

	c.has_exp = true;
	c.exp = INT64_MIN;
	ck_assert_int_eq(jwt_check_times(&c, 0), JWT_EXPIRED);
	c.exp = INT64_MAX;
	ck_assert_int_eq(jwt_check_times(&c, INT64_MAX / 2), JWT_TIME_OK);
	c.has_exp = false;
	c.has_nbf = true;
	c.nbf = INT64_MAX;
	ck_assert_int_eq(jwt_check_times(&c, 0), JWT_NOT_VALID_YET);
	c.nbf = INT64_MIN;
	ck_assert_int_eq(jwt_check_times(&c, INT64_MIN), JWT_TIME_OK);
}
END_TEST

/* ---- the unverified issuer ---- */

static const struct {
	const char *payload; /* NULL: the token is given whole */
	const char *token;
	bool ok;
	const char *iss;
} issuer_cases[] = {
    {"{\"iss\":\"kubernetes/serviceaccount\"}", NULL, true, "kubernetes/serviceaccount"},
    {"{\"sub\":\"x\"}", NULL, true, ""},
    {"null", NULL, true, ""},
    {"{\"iss\":null}", NULL, true, ""},
    {"{\"iss\":5}", NULL, false, ""},
    {"[1]", NULL, false, ""},
    {"not json", NULL, false, ""},
    {NULL, "{\"iss\":\"a\"}", false, ""},
    {NULL, "  {x.e30.y", false, ""},
    {NULL, "a.b", false, ""},
    {NULL, "a.eyJpc3MiOiJhIn0.b.c", false, ""},
    {NULL, "a.eyJpc3MiOiJhIn0=.b", false, ""},
    {NULL, "a.eyJpc3MiOiJhIn0.b", true, "a"},
};

START_TEST(test_unverified_issuer)
{
	const char *token = issuer_cases[_i].token, *iss = "unset";

	if (!token)
		token = arena_printf(&arena, "x.%s.y", encode(issuer_cases[_i].payload));
	ck_assert_int_eq(jwt_unverified_issuer(&arena, token, &iss), issuer_cases[_i].ok);
	ck_assert_str_eq(iss, issuer_cases[_i].iss);
}
END_TEST

static Suite *jwt_suite(void)
{
	Suite *s = suite_create("jwt");
	TCase *b64 = tcase_create("base64url"), *parse = tcase_create("parse");
	TCase *sig = tcase_create("signatures"), *claims = tcase_create("claims");

	tcase_add_checked_fixture(b64, setup, teardown);
	tcase_add_loop_test(b64, test_base64url_encode, 0, N(base64_cases));
	tcase_add_loop_test(b64, test_base64url_decode, 0, N(base64_cases));
	tcase_add_loop_test(b64, test_base64url_decode_strictness, 0, N(decode_cases));
	suite_add_tcase(s, b64);

	tcase_add_checked_fixture(parse, setup, teardown);
	tcase_add_test(parse, test_parse_fields);
	tcase_add_loop_test(parse, test_parse_rejects, 0, N(unparseable));
	tcase_add_test(parse, test_parse_alg_not_a_string);
	suite_add_tcase(s, parse);

	tcase_add_checked_fixture(sig, setup, teardown);
	tcase_set_timeout(sig, 60);
	tcase_add_test(sig, test_known_rs256_signature);
	tcase_add_test(sig, test_tampering_fails);
	tcase_add_test(sig, test_other_key_fails);
	tcase_add_test(sig, test_alg_none_rejected);
	tcase_add_test(sig, test_hs256_with_public_key_rejected);
	tcase_add_loop_test(sig, test_ecdsa_round_trip, 0, N(ec_cases));
	tcase_add_test(sig, test_ecdsa_signature_size_checked);
	tcase_add_test(sig, test_ps256_verifies);
	tcase_add_test(sig, test_rs384_rs512_round_trip);
	tcase_add_test(sig, test_sign_refuses_mismatch);
	tcase_add_test(sig, test_signing_alg);
	tcase_add_test(sig, test_key_id);
	suite_add_tcase(s, sig);

	tcase_add_checked_fixture(claims, setup, teardown);
	tcase_add_test(claims, test_claims_read);
	tcase_add_loop_test(claims, test_claims_wrong_types, 0, N(bad_claims));
	tcase_add_loop_test(claims, test_time_checks, 0, N(time_cases));
	tcase_add_test(claims, test_time_extremes);
	tcase_add_loop_test(claims, test_unverified_issuer, 0, N(issuer_cases));
	suite_add_tcase(s, claims);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(jwt_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
