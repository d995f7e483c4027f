/*
 * tls_context.c - builds the SSL_CTX from --tls-* and --client-ca-file.
 */
#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "shared/buf.h"

static int accept_any_client_cert(int preverify_ok, X509_STORE_CTX *store)
{
	/* The verdict stays in SSL_get_verify_result(); authentication reads it. */
	return 1;
}

static int select_http1(SSL *ssl, const unsigned char **out, unsigned char *out_len,
			const unsigned char *in, unsigned int in_len, void *arg)
{
	static const unsigned char http11[] = "\x08http/1.1";

	if (SSL_select_next_proto((unsigned char **)out, out_len, http11, sizeof(http11) - 1, in,
				  in_len) == OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_OK;
	/* The client offered only h2 or others: go on without ALPN. */
	return SSL_TLSEXT_ERR_NOACK;
}

static void openssl_error(char *err, size_t err_len, const char *what, const char *file)
{
	unsigned long code = ERR_get_error();
	char reason[256] = "";

	if (code)
		ERR_error_string_n(code, reason, sizeof(reason));
	snprintf(err, err_len, "%s %s: %s", what, file ? file : "", reason);
	ERR_clear_error();
}

static int tls_min_version(const char *name)
{
	static const struct {
		const char *name;
		int version;
	} versions[] = {
	    {"VersionTLS10", TLS1_VERSION},
	    {"VersionTLS11", TLS1_1_VERSION},
	    {"VersionTLS12", TLS1_2_VERSION},
	    {"VersionTLS13", TLS1_3_VERSION},
	};

	if (!name || !*name)
		return TLS1_2_VERSION;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (strcmp(versions[i].name, name) == 0)
			return versions[i].version;
	return -1;
}

/* Splits --tls-cipher-suites into OpenSSL's TLS 1.2 list and TLS 1.3 list. */
static int set_cipher_suites(SSL_CTX *ctx, const char *go_names, char *err, size_t err_len)
{
	struct buf tls12 = {0}, tls13 = {0};
	char *copy = strdup(go_names), *save = NULL;
	int ok = 0;

	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		const char *ossl;

		while (*name == ' ')
			name++;
		ossl = config_openssl_cipher_name(name);
		if (!ossl) {
			snprintf(err, err_len, "unknown cipher suite %s", name);
			goto out;
		}
		struct buf *list = strncmp(ossl, "TLS_", 4) == 0 ? &tls13 : &tls12;
		if (list->len)
			buf_append_str(list, ":");
		buf_append_str(list, ossl);
	}
	if (tls12.len && !SSL_CTX_set_cipher_list(ctx, tls12.data)) {
		openssl_error(err, err_len, "--tls-cipher-suites", tls12.data);
		goto out;
	}
	if (tls13.len && !SSL_CTX_set_ciphersuites(ctx, tls13.data)) {
		openssl_error(err, err_len, "--tls-cipher-suites", tls13.data);
		goto out;
	}
	ok = 1;
out:
	free(copy);
	buf_free(&tls12);
	buf_free(&tls13);
	return ok;
}

SSL_CTX *tls_context_new(const struct config *cfg, char *err, size_t err_len)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	int min_version = tls_min_version(cfg->tls_min_version);

	if (!ctx) {
		openssl_error(err, err_len, "SSL_CTX_new", NULL);
		return NULL;
	}
	if (!cfg->tls_cert_file || !cfg->tls_private_key_file) {
		snprintf(err, err_len, "--tls-cert-file and --tls-private-key-file are required");
		goto fail;
	}
	if (min_version < 0 || !SSL_CTX_set_min_proto_version(ctx, min_version)) {
		snprintf(err, err_len, "unsupported --tls-min-version %s", cfg->tls_min_version);
		goto fail;
	}
	if (!SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert_file)) {
		openssl_error(err, err_len, "cannot load certificate", cfg->tls_cert_file);
		goto fail;
	}
	if (!SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_private_key_file, SSL_FILETYPE_PEM)) {
		openssl_error(err, err_len, "cannot load private key", cfg->tls_private_key_file);
		goto fail;
	}
	if (!SSL_CTX_check_private_key(ctx)) {
		openssl_error(err, err_len, "private key does not match certificate",
			      cfg->tls_private_key_file);
		goto fail;
	}
	if (cfg->client_ca_file && *cfg->client_ca_file) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(cfg->client_ca_file);

		if (!names || !SSL_CTX_load_verify_locations(ctx, cfg->client_ca_file, NULL)) {
			if (names)
				sk_X509_NAME_pop_free(names, X509_NAME_free);
			openssl_error(err, err_len, "cannot load client CA", cfg->client_ca_file);
			goto fail;
		}
		SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any_client_cert);
	}
	if (cfg->tls_cipher_suites && *cfg->tls_cipher_suites &&
	    !set_cipher_suites(ctx, cfg->tls_cipher_suites, err, err_len))
		goto fail;
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
				  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"pgkube", 6);
	SSL_CTX_set_alpn_select_cb(ctx, select_http1, NULL);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}
