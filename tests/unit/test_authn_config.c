/*
 * test_authn_config.c - unit tests for shared/authn_config.c.
 *
 * Key files read as keyutil reads them (public keys, private keys in
 * PKCS #1, PKCS #8 and SEC 1, certificates, non-key blocks tolerated) with
 * their key ids; private keys found by block type; and the start-up
 * checks of the authentication flags with kube-apiserver's messages:
 * issuers, required flags, the maximum token expiration, the token file,
 * the front-proxy headers and CA overlap.
 */
#include <check.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/authn_config.h"

/* Throwaway test keys (openssl genpkey), the same as test_jwt.c's. */
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

static const char ec_params_and_sec1_pem[] =
    "-----BEGIN EC PARAMETERS-----\n"
    "BggqhkjOPQMBBw==\n"
    "-----END EC PARAMETERS-----\n"
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIOOdfzoMw3edVck/jOzAYB2aGKcci9yJpFHWfqJtlhCFoAoGCCqGSM49\n"
    "AwEHoUQDQgAE8LsIJNazHwG+I5lUIE1VkKFMmfDmumqtc674QmCSXm2sctsii5MK\n"
    "4VsqbVME3/0QYV/gYKlB9L0lLeg+Q8idrg==\n"
    "-----END EC PRIVATE KEY-----\n";

/* A self-signed certificate for the EC key above. */
static const char ec_cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBcjCCARmgAwIBAgIUNL0eCEVaD6QpjhbV1xPwc72l4rcwCgYIKoZIzj0EAwIw\n"
    "DzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjkwNDQ0MjRaFw0zNjExMjYwNDQ0MjRa\n"
    "MA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATwuwgk\n"
    "1rMfAb4jmVQgTVWQoUyZ8Oa6aq1zrvhCYJJebaxy2yKLkwrhWyptUwTf/RBhX+Bg\n"
    "qUH0vSUt6D5DyJ2uo1MwUTAdBgNVHQ4EFgQUYJrM6XEFLrZNS6JyLLt6og8r2fUw\n"
    "HwYDVR0jBBgwFoAUYJrM6XEFLrZNS6JyLLt6og8r2fUwDwYDVR0TAQH/BAUwAwEB\n"
    "/zAKBggqhkjOPQQDAgNHADBEAiBuWbQuIfuaj2G8uDwqr5+PGEuMYB4a7+/RnAFb\n"
    "1eQVbAIgLCmblUG0PL53TYvAJ0g+QlNUKBlR/vX5XJBS3R52U1g=\n"
    "-----END CERTIFICATE-----\n";

#define RSA_KID "KQjVRfUeFEGSbxUkZytBa_Mg9Mlh_cd0X3mJAMCNwhA"
#define EC_KID	"7gfyFln-AsCnXH2iGHgyn3NwVmm9SgQqufsmmONbV1s"

static char dir[] = "/tmp/test_authn_config_XXXXXX";

/* dir/name with the given text; returns the path (static storage). */
static const char *file(const char *name, const char *text)
{
	static char paths[16][256];
	static int next;
	char *path = paths[next++ % 16];
	FILE *f;

	snprintf(path, 256, "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* The RSA test key as a "RSA PRIVATE KEY" (PKCS #1) PEM. */
static const char *rsa_pkcs1_pem(void)
{
	static char out[4096];
	BIO *in = BIO_new_mem_buf(rsa_private_pem, -1), *mem = BIO_new(BIO_s_mem());
	EVP_PKEY *key = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
	char *data;
	long len;

	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq(PEM_write_bio_PrivateKey_traditional(mem, key, NULL, NULL, 0, NULL, NULL),
			 1);
	len = BIO_get_mem_data(mem, &data);
	ck_assert(len > 0 && (size_t)len < sizeof(out));
	memcpy(out, data, (size_t)len);
	out[len] = '\0';
	ck_assert(strstr(out, "BEGIN RSA PRIVATE KEY") != NULL);
	EVP_PKEY_free(key);
	BIO_free(in);
	BIO_free(mem);
	return out;
}

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[300];

	authn_config_free();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir, "/tmp/test_authn_config_XXXXXX");
}

/* ---- key files ---- */

static void free_keys(struct authn_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		EVP_PKEY_free(keys[i].key);
	free(keys);
}

START_TEST(test_public_keys_of_every_form)
{
	struct authn_key *keys = NULL;
	size_t n = 0;
	char err[512] = "", *all = malloc(16384);

	/* One file, several blocks: non-key blocks are skipped. */
	snprintf(all, 16384, "%s%s%s%s", rsa_public_pem, ec_params_and_sec1_pem, ec_cert_pem,
		 rsa_pkcs1_pem());
	ck_assert_int_eq(
	    authn_config_read_public_keys(file("all.pem", all), &keys, &n, err, sizeof(err)), 4);
	ck_assert_uint_eq(n, 4);
	ck_assert_str_eq(keys[0].kid, RSA_KID);
	ck_assert_str_eq(keys[1].kid, EC_KID);
	ck_assert_str_eq(keys[2].kid, EC_KID);
	ck_assert_str_eq(keys[3].kid, RSA_KID);
	/* Appends to what is there. */
	ck_assert_int_eq(authn_config_read_public_keys(file("pkcs8.pem", rsa_private_pem), &keys,
						       &n, err, sizeof(err)),
			 1);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(keys[4].kid, RSA_KID);
	free_keys(keys, n);
	free(all);
}
END_TEST

START_TEST(test_public_keys_errors)
{
	struct authn_key *keys = NULL;
	size_t n = 0;
	char err[512], want[600];
	const char *path = file("params.pem", "-----BEGIN EC PARAMETERS-----\n"
					      "BggqhkjOPQMBBw==\n"
					      "-----END EC PARAMETERS-----\n");

	ck_assert_int_eq(authn_config_read_public_keys(path, &keys, &n, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "error reading public key file %s: data does not contain any valid RSA or ECDSA "
		 "public keys",
		 path);
	ck_assert_str_eq(err, want);
	snprintf(want, sizeof(want), "%s/missing.pem", dir);
	ck_assert_int_eq(authn_config_read_public_keys(want, &keys, &n, err, sizeof(err)), -1);
	ck_assert(strstr(err, ": no such file or directory") != NULL);
	ck_assert(strncmp(err, "open /tmp/test_authn_config_", 28) == 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_private_keys)
{
	char err[512] = "", want[600];
	EVP_PKEY *key;
	char kid[JWT_KEY_ID_SIZE];
	const char *path;

	key = authn_config_read_private_key(file("pkcs1.pem", rsa_pkcs1_pem()), err, sizeof(err));
	ck_assert_ptr_nonnull(key);
	ck_assert(jwt_key_id(key, kid));
	ck_assert_str_eq(kid, RSA_KID);
	EVP_PKEY_free(key);
	key = authn_config_read_private_key(file("pkcs8.pem", rsa_private_pem), err, sizeof(err));
	ck_assert_ptr_nonnull(key);
	EVP_PKEY_free(key);
	key = authn_config_read_private_key(file("sec1.pem", ec_params_and_sec1_pem), err,
					    sizeof(err));
	ck_assert_ptr_nonnull(key);
	ck_assert(jwt_key_id(key, kid));
	ck_assert_str_eq(kid, EC_KID);
	EVP_PKEY_free(key);
	/* A public key is no private key. */
	path = file("public.pem", rsa_public_pem);
	ck_assert_ptr_null(authn_config_read_private_key(path, err, sizeof(err)));
	snprintf(want, sizeof(want),
		 "error reading private key file %s: data does not contain a valid RSA or ECDSA "
		 "private key",
		 path);
	ck_assert_str_eq(err, want);
}
END_TEST

/* ---- the flags ---- */

static struct config base_config(void)
{
	struct config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.anonymous_auth = true;
	cfg.service_account_lookup = true;
	cfg.service_account_extend_token_expiration = true;
	return cfg;
}

START_TEST(test_load_without_service_accounts)
{
	struct config cfg = base_config();
	char err[1024] = "";

	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert(authn_config.anonymous);
	ck_assert_uint_eq(authn_config.num_keys, 0);
	ck_assert_ptr_null(authn_config.signing_key);
	ck_assert_uint_eq(authn_config.audiences.len, 0);
	ck_assert(!authn_config.front_proxy);
}
END_TEST

START_TEST(test_load_service_accounts)
{
	struct config cfg = base_config();
	char err[1024] = "", keys[512];

	snprintf(keys, sizeof(keys), "%s\n%s", file("a.pub", rsa_public_pem),
		 file("b.pem", ec_params_and_sec1_pem));
	cfg.service_account_key_files = keys;
	cfg.service_account_signing_key_file = file("sign.key", rsa_private_pem);
	cfg.service_account_issuers = "https://first\nhttps://second";
	cfg.service_account_max_token_expiration_seconds = 7200;
	ck_assert_msg(authn_config_load(&cfg, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(authn_config.num_keys, 2);
	ck_assert_uint_eq(authn_config.issuers.len, 2);
	/* --api-audiences defaults to the issuers. */
	ck_assert_uint_eq(authn_config.audiences.len, 2);
	ck_assert_str_eq(authn_config.audiences.items[0], "https://first");
	ck_assert_str_eq(authn_config.audiences.items[1], "https://second");
	ck_assert_str_eq(authn_config.signing_alg, "RS256");
	ck_assert_str_eq(authn_config.signing_kid, RSA_KID);
	ck_assert_int_eq(authn_config.max_expiration_seconds, 7200);

	cfg.api_audiences = "api,other";
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(authn_config.audiences.len, 2);
	ck_assert_str_eq(authn_config.audiences.items[0], "api");
}
END_TEST

static const struct {
	const char *issuers;
	bool key_file;
	bool signing_key;
	int max_expiration;
	const char *error;
} flag_errors[] = {
    {"https://a\nhttps://a", true, false, 0,
     "service-account-issuer \"https://a\" is already specified"},
    {"https://a\n\nhttps://a", true, false, 0,
     "[service-account-issuer should not be an empty string, service-account-issuer "
     "\"https://a\" is already specified]"},
    {"https://a", true, true, 60,
     "the service-account-max-token-expiration must be between 1 hour and 2^32 seconds"},
};

START_TEST(test_load_flag_errors)
{
	struct config cfg = base_config();
	char err[1024] = "";

	cfg.service_account_issuers = flag_errors[_i].issuers;
	if (flag_errors[_i].key_file)
		cfg.service_account_key_files = file("k.pub", rsa_public_pem);
	if (flag_errors[_i].signing_key)
		cfg.service_account_signing_key_file = file("k.key", rsa_private_pem);
	cfg.service_account_max_token_expiration_seconds = flag_errors[_i].max_expiration;
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, flag_errors[_i].error);
	ck_assert_uint_eq(authn_config.num_keys, 0);
}
END_TEST

START_TEST(test_load_bad_signing_key)
{
	struct config cfg = base_config();
	char err[1024] = "", want[1024];
	const char *path = file("sign.pem", rsa_public_pem);

	cfg.service_account_issuers = "https://a";
	cfg.service_account_key_files = file("k.pub", rsa_public_pem);
	cfg.service_account_signing_key_file = path;
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "failed to parse service-account-issuer-key-file: error reading private key "
		 "file %s: data does not contain a valid RSA or ECDSA private key",
		 path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_load_token_file)
{
	struct config cfg = base_config();
	char err[1024] = "", want[1024];

	cfg.token_auth_file = file("tokens.csv", "t1,alice,1\n");
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert(authn_config.has_token_file);
	ck_assert_str_eq(token_file_lookup(&authn_config.token_file, "t1")->name, "alice");

	cfg.token_auth_file = file("bad.csv", "t1,alice\n");
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
		 "token file '%s' must have at least 3 columns (token, user name, user uid), "
		 "found 2",
		 cfg.token_auth_file);
	ck_assert_str_eq(err, want);
	ck_assert(!authn_config.has_token_file);
}
END_TEST

START_TEST(test_load_front_proxy)
{
	struct config cfg = base_config();
	char err[1024] = "";
	const char *ca = file("ca.crt", ec_cert_pem);

	cfg.requestheader_client_ca_file = ca;
	cfg.requestheader_username_headers = "X-Remote-User";
	cfg.requestheader_group_headers = "X-Remote-Group";
	cfg.requestheader_extra_headers_prefix = "X-Remote-Extra-";
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert(authn_config.front_proxy);
	ck_assert_uint_eq(authn_config.username_headers.len, 1);
	ck_assert_uint_eq(authn_config.allowed_names.len, 0);

	/* The same CA for clients and proxies needs an allowed-names list. */
	cfg.client_ca_file = ca;
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--requestheader-client-ca-file and --client-ca-file contain "
			      "overlapping certificates; --requestheader-allowed-names must be "
			      "specified to ensure regular client certificates cannot set "
			      "authenticating proxy headers for arbitrary users");
	cfg.requestheader_allowed_names = "front-proxy-client";
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert_str_eq(authn_config.allowed_names.items[0], "front-proxy-client");

	/* UID headers need their (alpha in v1.32) feature gate. */
	cfg.requestheader_uid_headers = "X-Remote-Uid";
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "--requestheader-uid-headers requires the \"RemoteRequestHeaderUID\" "
			      "feature to be enabled");
	cfg.feature_gates = "Other=false,RemoteRequestHeaderUID=true";
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(authn_config.uid_headers.len, 1);

	cfg.requestheader_group_headers = "X-Remote-Group, ";
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "empty value in \"requestheader-group-headers\"");
}
END_TEST

/* What upstream refuses to start with, pgkube runs with and does what it can. */
START_TEST(test_load_partial_service_accounts)
{
	struct config cfg = base_config();
	char err[1024] = "";

	/* Keys without an issuer: legacy tokens only, no TokenRequest. */
	cfg.service_account_key_files = file("k.pub", rsa_public_pem);
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(authn_config.num_keys, 1);
	ck_assert_uint_eq(authn_config.issuers.len, 0);
	ck_assert_uint_eq(authn_config.audiences.len, 0);
	ck_assert_ptr_null(authn_config.signing_key);

	/* An issuer and a signing key without key files: nothing verifies tokens. */
	cfg.service_account_key_files = NULL;
	cfg.service_account_issuers = "https://a";
	cfg.service_account_signing_key_file = file("k.key", rsa_private_pem);
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(authn_config.num_keys, 0);
	ck_assert_ptr_nonnull(authn_config.signing_key);

	/* Neither key files nor a signing key: the TLS key verifies, as upstream. */
	cfg.service_account_signing_key_file = NULL;
	cfg.tls_private_key_file = file("tls.key", ec_params_and_sec1_pem);
	ck_assert_int_eq(authn_config_load(&cfg, err, sizeof(err)), 0);
	ck_assert_uint_eq(authn_config.num_keys, 1);
	ck_assert_str_eq(authn_config.keys[0].kid, EC_KID);
}
END_TEST

static Suite *authn_config_suite(void)
{
	Suite *s = suite_create("authn_config");
	TCase *keys = tcase_create("keys"), *flags = tcase_create("flags");

	tcase_add_checked_fixture(keys, setup, teardown);
	tcase_add_test(keys, test_public_keys_of_every_form);
	tcase_add_test(keys, test_public_keys_errors);
	tcase_add_test(keys, test_private_keys);
	suite_add_tcase(s, keys);

	tcase_add_checked_fixture(flags, setup, teardown);
	tcase_add_test(flags, test_load_without_service_accounts);
	tcase_add_test(flags, test_load_service_accounts);
	tcase_add_loop_test(flags, test_load_flag_errors, 0,
			    sizeof(flag_errors) / sizeof(flag_errors[0]));
	tcase_add_test(flags, test_load_partial_service_accounts);
	tcase_add_test(flags, test_load_bad_signing_key);
	tcase_add_test(flags, test_load_token_file);
	tcase_add_test(flags, test_load_front_proxy);
	suite_add_tcase(s, flags);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(authn_config_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
