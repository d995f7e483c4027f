/*
 * test_webhook_config.c - unit tests for shared/webhook_config.c: the
 * webhook kubeconfigs, in YAML and JSON, inline data and files relative to
 * the kubeconfig's directory, the URL split, and the start-up errors.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/config.h"
#include "shared/webhook_config.h"

static char dir[] = "/tmp/pgkube-webhook-config-XXXXXX";

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void setup(void)
{
	strcpy(dir, "/tmp/pgkube-webhook-config-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file("ca.pem", "CA PEM\n");
	write_file("client.pem", "CLIENT PEM\n");
	write_file("client.key", "CLIENT KEY\n");
	write_file("token", "file-token \n");
}

static void teardown(void)
{
	const char *names[] = {"ca.pem", "client.pem", "client.key", "token", "hook.yaml"};
	char path[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static int parse(const char *text, struct webhook_config *c, char *err, size_t len)
{
	return webhook_config_parse(text, strlen(text), dir, c, err, len);
}

START_TEST(test_yaml_with_files)
{
	struct webhook_config c;
	char err[256] = "";
	const char *text = "apiVersion: v1\n"
			   "kind: Config\n"
			   "clusters:\n"
			   "- name: other\n"
			   "  cluster: {server: 'https://wrong.example'}\n"
			   "- name: authz\n"
			   "  cluster:\n"
			   "    server: https://authz.example.com:8443/authorize?x=1#frag\n"
			   "    certificate-authority: ca.pem\n"
			   "    tls-server-name: hook.internal\n"
			   "users:\n"
			   "- name: api\n"
			   "  user:\n"
			   "    client-certificate: client.pem\n"
			   "    client-key: client.key\n"
			   "    tokenFile: token\n"
			   "contexts:\n"
			   "- name: ctx\n"
			   "  context: {cluster: authz, user: api}\n"
			   "current-context: ctx\n";

	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), 0);
	ck_assert(c.enabled);
	ck_assert_str_eq(c.server, "https://authz.example.com:8443/authorize?x=1#frag");
	ck_assert_str_eq(c.host, "authz.example.com");
	ck_assert_str_eq(c.port, "8443");
	ck_assert_str_eq(c.path, "/authorize?x=1");
	ck_assert_str_eq(c.tls_server_name, "hook.internal");
	ck_assert(!c.insecure_skip_tls_verify);
	ck_assert_str_eq(c.ca_pem, "CA PEM\n");
	ck_assert_str_eq(c.client_cert_pem, "CLIENT PEM\n");
	ck_assert_str_eq(c.client_key_pem, "CLIENT KEY\n");
	ck_assert_str_eq(c.token, "file-token");
	webhook_config_free(&c);
}
END_TEST

START_TEST(test_json_inline_data)
{
	struct webhook_config c;
	char err[256] = "";
	/* "Q0EgREFUQQ==" is "CA DATA"; "Q0VSVA==" "CERT"; "S0VZ" "KEY". */
	const char *text =
	    "{\"current-context\": \"c\", \"contexts\": [{\"name\": \"c\", \"context\": "
	    "{\"cluster\": \"k\", \"user\": \"u\"}}], \"clusters\": [{\"name\": \"k\", "
	    "\"cluster\": "
	    "{\"server\": \"https://[::1]\", \"certificate-authority-data\": \"Q0EgREFUQQ==\", "
	    "\"certificate-authority\": \"ca.pem\", \"insecure-skip-tls-verify\": true}}], "
	    "\"users\": [{\"name\": \"u\", \"user\": {\"client-certificate-data\": \"Q0VSVA==\", "
	    "\"client-key-data\": \"S0VZ\", \"token\": \"t0k\", \"tokenFile\": \"token\"}}]}";

	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "::1");
	ck_assert_str_eq(c.port, "443");
	ck_assert_str_eq(c.path, "/");
	ck_assert_ptr_null(c.tls_server_name);
	ck_assert(c.insecure_skip_tls_verify);
	ck_assert_str_eq(c.ca_pem, "CA DATA"); /* data wins over the file */
	ck_assert_str_eq(c.client_cert_pem, "CERT");
	ck_assert_str_eq(c.client_key_pem, "KEY");
	ck_assert_str_eq(c.token, "t0k"); /* token wins over tokenFile */
	webhook_config_free(&c);
}
END_TEST

START_TEST(test_no_credentials)
{
	struct webhook_config c;
	char err[256] = "";
	const char *text = "current-context: c\n"
			   "contexts: [{name: c, context: {cluster: k}}]\n"
			   "clusters: [{name: k, cluster: {server: 'https://10.0.0.1:9000'}}]\n";

	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "10.0.0.1");
	ck_assert_str_eq(c.port, "9000");
	ck_assert_str_eq(c.path, "/");
	ck_assert_ptr_null(c.ca_pem);
	ck_assert_ptr_null(c.client_cert_pem);
	ck_assert_ptr_null(c.token);
	webhook_config_free(&c);
}
END_TEST

static const struct {
	const char *text, *error;
} bad[] = {
    {"a: [", "yaml: line 1: did not find expected node content"},
    {"[]", "invalid configuration: no configuration has been provided"},
    {"clusters: []", "invalid configuration: no configuration has been provided"},
    {"current-context: nope\ncontexts: []",
     "invalid configuration: context was not found for specified context: nope"},
    {"current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n",
     "invalid configuration: no server found for cluster \"k\""},
    {"current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
     "clusters: [{name: k, cluster: {server: 'http://plain'}}]",
     "webhook server http://plain: only https:// URLs are supported"},
    {"current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
     "clusters: [{name: k, cluster: {server: 'https://'}}]",
     "webhook server https://: no host"},
    {"current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
     "clusters: [{name: k, cluster: {server: 'https://h', certificate-authority-data: '!!'}}]",
     "illegal base64 data in certificate-authority-data"},
    {"current-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\n"
     "clusters: [{name: k, cluster: {server: 'https://h'}}]\n"
     "users: [{name: u, user: {client-certificate: client.pem}}]",
     "invalid configuration: client-cert-data and client-key-data must both be specified for u "
     "to use the clientCert authentication method"},
};

START_TEST(test_errors)
{
	struct webhook_config c;
	char err[256] = "";

	ck_assert_int_eq(parse(bad[_i].text, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, bad[_i].error);
	ck_assert_ptr_null(c.server);
}
END_TEST

START_TEST(test_missing_file)
{
	struct webhook_config c;
	char err[256] = "", want[512];
	const char *text = "current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
			   "clusters: [{name: k, cluster: {server: 'https://h', "
			   "certificate-authority: missing.pem}}]";

	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "open %s/missing.pem: no such file or directory", dir);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_load_from_flags)
{
	struct config cfg = {0};
	char err[256] = "", path[256];

	write_file("hook.yaml", "current-context: c\ncontexts: [{name: c, context: {cluster: k}}]\n"
				"clusters: [{name: k, cluster: {server: 'https://h/sar', "
				"certificate-authority: ca.pem}}]\n");
	snprintf(path, sizeof(path), "%s/hook.yaml", dir);
	cfg.authorization_webhook_config_file = path;
	cfg.authorization_webhook_version = "v2";
	ck_assert_int_eq(webhook_config_load(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "unsupported webhook authorizer version \"v2\", supported versions "
			      "are \"v1\", \"v1beta1\"");
	cfg.authorization_webhook_version = "v1";
	cfg.authorization_webhook_config_file = "/nonexistent/hook.yaml";
	ck_assert_int_eq(webhook_config_load(&cfg, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "stat /nonexistent/hook.yaml: no such file or directory");
	cfg.authorization_webhook_config_file = path;
	cfg.authorization_webhook_cache_authorized_ttl_seconds = 300;
	cfg.authorization_webhook_cache_unauthorized_ttl_seconds = 30;
	cfg.authentication_token_webhook_config_file = path;
	cfg.authentication_token_webhook_version = "v1beta1";
	cfg.authentication_token_webhook_cache_ttl_seconds = 120;
	ck_assert_int_eq(webhook_config_load(&cfg, err, sizeof(err)), 0);
	/* Relative to the kubeconfig's directory. */
	ck_assert_str_eq(webhook_authz_config.ca_pem, "CA PEM\n");
	ck_assert_str_eq(webhook_authz_config.version, "v1");
	ck_assert_int_eq(webhook_authz_config.cache_authorized_ms, 300000);
	ck_assert_int_eq(webhook_authz_config.cache_unauthorized_ms, 30000);
	ck_assert_str_eq(webhook_authn_config.version, "v1beta1");
	ck_assert_int_eq(webhook_authn_config.cache_authorized_ms, 120000);
	ck_assert_int_eq(webhook_authn_config.cache_unauthorized_ms, 120000);
	webhook_config_free(&webhook_authz_config);
	webhook_config_free(&webhook_authn_config);
}
END_TEST

static Suite *webhook_config_suite(void)
{
	Suite *s = suite_create("webhook_config");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_yaml_with_files);
	tcase_add_test(tc, test_json_inline_data);
	tcase_add_test(tc, test_no_credentials);
	tcase_add_loop_test(tc, test_errors, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_load_from_flags);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(webhook_config_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
