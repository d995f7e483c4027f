/*
 * tls_context.c - builds the SSL_CTX from --tls-*, --client-ca-file and
 * --requestheader-client-ca-file.
 *
 * The two CA bundles live beside the context (ex_data, freed with it), so
 * a SIGHUP reload swaps certificates and CAs together.
 */
#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "shared/buf.h"

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

struct client_cas {
	X509_STORE *stores[2]; /* by enum tls_client_ca; NULL when not configured */
};

static int client_cas_index = -1;

static void client_cas_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
			    void *argp)
{
	struct client_cas *cas = ptr;

	if (!cas)
		return;
	X509_STORE_free(cas->stores[0]);
	X509_STORE_free(cas->stores[1]);
	OPENSSL_free(cas);
}

static int accept_any_client_cert(int preverify_ok, X509_STORE_CTX *store)
{
	/* The authenticators judge the certificate afterwards (tls_verify_peer). */
	return 1;
}

int tls_verify_peer(SSL *ssl, enum tls_client_ca which)
{
	struct client_cas *cas = SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), client_cas_index);
	X509 *cert;
	X509_STORE_CTX *ctx;
	int rc;

	if (client_cas_index < 0 || !cas || !cas->stores[which])
		return -1;
	cert = SSL_get0_peer_certificate(ssl);
	if (!cert)
		return -1;
	ctx = X509_STORE_CTX_new();
	if (!ctx ||
	    !X509_STORE_CTX_init(ctx, cas->stores[which], cert, SSL_get_peer_cert_chain(ssl))) {
		X509_STORE_CTX_free(ctx);
		ERR_clear_error();
		return X509_V_ERR_UNSPECIFIED;
	}
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	rc = X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
	if (rc == X509_V_OK && X509_STORE_CTX_get_error(ctx) != X509_V_OK)
		rc = X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

static X509_STORE *load_ca_store(const char *file, STACK_OF(X509_NAME) * names, char *err,
				 size_t err_len)
{
	X509_STORE *store = X509_STORE_new();

	if (!store || !X509_STORE_load_file(store, file) ||
	    !SSL_add_file_cert_subjects_to_stack(names, file)) {
		X509_STORE_free(store);
		openssl_error(err, err_len, "cannot load client CA", file);
		return NULL;
	}
	return store;
}

/* Requests client certificates signed by either bundle; keeps both stores. */
static int set_client_cas(SSL_CTX *ctx, const struct config *cfg, char *err, size_t err_len)
{
	const char *files[2] = {cfg->client_ca_file, cfg->requestheader_client_ca_file};
	STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
	struct client_cas *cas = OPENSSL_zalloc(sizeof(*cas));
	bool any = false;

	if (!names || !cas) {
		sk_X509_NAME_free(names);
		OPENSSL_free(cas);
		openssl_error(err, err_len, "cannot load client CA", NULL);
		return 0;
	}
	if (client_cas_index < 0)
		client_cas_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, client_cas_free);
	for (int i = 0; i < 2; i++) {
		if (!files[i] || !*files[i])
			continue;
		cas->stores[i] = load_ca_store(files[i], names, err, err_len);
		if (!cas->stores[i]) {
			sk_X509_NAME_pop_free(names, X509_NAME_free);
			client_cas_free(NULL, cas, NULL, 0, 0, NULL);
			return 0;
		}
		any = true;
	}
	if (client_cas_index < 0 || !SSL_CTX_set_ex_data(ctx, client_cas_index, cas)) {
		sk_X509_NAME_pop_free(names, X509_NAME_free);
		client_cas_free(NULL, cas, NULL, 0, 0, NULL);
		openssl_error(err, err_len, "cannot load client CA", NULL);
		return 0;
	}
	if (!any) {
		sk_X509_NAME_free(names);
		return 1;
	}
	SSL_CTX_set_client_CA_list(ctx, names);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any_client_cert);
	return 1;
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
	if (!set_client_cas(ctx, cfg, err, err_len))
		goto fail;
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
