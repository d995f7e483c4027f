/*
 * authn_config.c - loads the authentication configuration from the flags,
 * in the order kube-apiserver completes, validates and builds it
 * (cmd/kube-apiserver/app/options completion, pkg/kubeapiserver/options/
 * authentication.go Validate and ToAuthenticationConfig).
 */
#include "authn_config.h"

#include <errno.h>
#include <stdarg.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shared/buf.h"
#include "shared/log.h"
#include "shared/oidc.h"
#include "shared/xalloc.h"

struct authn_config authn_config;

#define ONE_HOUR	     3600
#define MAX_TOKEN_EXPIRATION (INT64_C(1) << 32) /* seconds */

/* Validation errors are gathered and reported together, as Go's aggregate. */
struct errors {
	struct buf text;
	int count;
};

static void add_error(struct errors *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_error(struct errors *e, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_printf(&e->text, "%s%s", e->count ? ", " : "", msg);
	e->count++;
}

/* Go's errors.NewAggregate(...).Error(): one error as it is, more in brackets. */
static int report_errors(struct errors *e, char *err, size_t err_len)
{
	if (!e->count)
		return 0;
	snprintf(err, err_len, e->count > 1 ? "[%s]" : "%s", e->text.data);
	buf_free(&e->text);
	return -1;
}

/* Go's wording of an errno: "no such file or directory". */
static void go_errno_text(char *out, size_t len, int errnum)
{
	snprintf(out, len, "%s", strerror(errnum));
	if (out[0] >= 'A' && out[0] <= 'Z')
		out[0] = (char)(out[0] - 'A' + 'a');
}

/* A whole file, as os.ReadFile; NULL with "open PATH: ..." in err. */
static char *read_file(const char *path, size_t *len, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	struct buf data = {0};
	char chunk[8192], reason[128];
	size_t n;

	if (!f) {
		go_errno_text(reason, sizeof(reason), errno);
		snprintf(err, err_len, "open %s: %s", path, reason);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&data, chunk, n);
	if (ferror(f)) {
		go_errno_text(reason, sizeof(reason), errno);
		snprintf(err, err_len, "read %s: %s", path, reason);
		fclose(f);
		buf_free(&data);
		return NULL;
	}
	fclose(f);
	buf_append(&data, "", 1);
	*len = data.len - 1;
	return data.data;
}

static bool usable_key(EVP_PKEY *key)
{
	int id = key ? EVP_PKEY_get_base_id(key) : 0;

	return id == EVP_PKEY_RSA || id == EVP_PKEY_EC;
}

/* The key a PEM block's DER holds, if any: private, public, or a certificate's. */
static EVP_PKEY *key_of_block(const unsigned char *der, long len)
{
	const unsigned char *p = der;
	EVP_PKEY *key = d2i_AutoPrivateKey(NULL, &p, len);
	X509 *cert;

	if (!usable_key(key)) {
		EVP_PKEY_free(key);
		p = der;
		key = d2i_PUBKEY(NULL, &p, len);
	}
	if (!usable_key(key)) {
		EVP_PKEY_free(key);
		key = NULL;
		p = der;
		cert = d2i_X509(NULL, &p, len);
		if (cert) {
			key = X509_get_pubkey(cert);
			X509_free(cert);
		}
	}
	if (!usable_key(key)) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	ERR_clear_error();
	return key;
}

/* Calls fn for each PEM block of data: its type and DER bytes. */
static void each_pem_block(const char *data, size_t len,
			   bool (*fn)(void *ctx, const char *type, const unsigned char *der,
				      long der_len),
			   void *ctx)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_len = 0;

	while (bio && PEM_read_bio(bio, &name, &header, &der, &der_len) == 1) {
		bool go_on = fn(ctx, name, der, der_len);

		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_clear_free(der, (size_t)der_len);
		if (!go_on)
			break;
	}
	ERR_clear_error();
	BIO_free(bio);
}

struct public_keys {
	struct authn_key **keys;
	size_t *num_keys;
	int added;
};

static bool collect_public_key(void *ctx, const char *type, const unsigned char *der, long der_len)
{
	struct public_keys *pk = ctx;
	EVP_PKEY *key = key_of_block(der, der_len);
	struct authn_key *k;

	if (!key)
		return true; /* non-key blocks ("EC PARAMETERS") are tolerated */
	*pk->keys = xrealloc(*pk->keys, (*pk->num_keys + 1) * sizeof(**pk->keys));
	k = &(*pk->keys)[(*pk->num_keys)++];
	k->key = key;
	if (!jwt_key_id(key, k->kid))
		k->kid[0] = '\0';
	pk->added++;
	return true;
}

int authn_config_read_public_keys(const char *path, struct authn_key **keys, size_t *num_keys,
				  char *err, size_t err_len)
{
	struct public_keys pk = {keys, num_keys, 0};
	size_t len = 0;
	char *data = read_file(path, &len, err, err_len);

	if (!data)
		return -1;
	each_pem_block(data, len, collect_public_key, &pk);
	OPENSSL_clear_free(data, len + 1);
	if (!pk.added) {
		snprintf(err, err_len,
			 "error reading public key file %s: data does not contain any valid RSA or "
			 "ECDSA public keys",
			 path);
		return -1;
	}
	return pk.added;
}

static bool find_private_key(void *ctx, const char *type, const unsigned char *der, long der_len)
{
	EVP_PKEY **out = ctx;
	const unsigned char *p = der;
	EVP_PKEY *key = NULL;

	/* ParsePrivateKeyPEM goes by the block type: SEC1, PKCS#1 or PKCS#8. */
	if (strcmp(type, "EC PRIVATE KEY") == 0)
		key = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, der_len);
	else if (strcmp(type, "RSA PRIVATE KEY") == 0)
		key = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, der_len);
	else if (strcmp(type, "PRIVATE KEY") == 0)
		key = d2i_AutoPrivateKey(NULL, &p, der_len);
	ERR_clear_error();
	if (!key)
		return true;
	*out = key;
	return false;
}

EVP_PKEY *authn_config_read_private_key(const char *path, char *err, size_t err_len)
{
	size_t len = 0;
	char *data = read_file(path, &len, err, err_len);
	EVP_PKEY *key = NULL;

	if (!data)
		return NULL;
	each_pem_block(data, len, find_private_key, &key);
	OPENSSL_clear_free(data, len + 1);
	if (!key)
		snprintf(err, err_len,
			 "error reading private key file %s: data does not contain a valid RSA or "
			 "ECDSA private key",
			 path);
	return key;
}

/* Splits text at sep (no trimming, as pflag's string lists); NULL gives none. */
static struct authn_strings split(const char *text, char sep)
{
	struct authn_strings s = {0};
	const char *p = text;

	if (!text || !*text)
		return s;
	for (;;) {
		const char *end = strchr(p, sep);
		size_t len = end ? (size_t)(end - p) : strlen(p);

		s.items = xrealloc(s.items, (s.len + 1) * sizeof(*s.items));
		s.items[s.len++] = xstrndup(p, len);
		if (!end)
			break;
		p = end + 1;
	}
	return s;
}

static void strings_free(struct authn_strings *s)
{
	for (size_t i = 0; i < s->len; i++)
		free((char *)s->items[i]);
	free(s->items);
	memset(s, 0, sizeof(*s));
}

static bool has_case_insensitive(const struct authn_strings *s, const char *want)
{
	for (size_t i = 0; i < s->len; i++)
		if (strcasecmp(s->items[i], want) == 0)
			return true;
	return false;
}

static void check_not_blank(struct errors *e, const char *flag, const struct authn_strings *s)
{
	for (size_t i = 0; i < s->len; i++) {
		const char *p = s->items[i];

		while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
			p++;
		if (!*p) {
			add_error(e, "empty value in \"%s\"", flag);
			return;
		}
	}
}

/* Whether --feature-gates turns gate on ("Name=true", last one wins). */
static bool gate_enabled(const char *gates, const char *gate)
{
	struct authn_strings s = split(gates, ',');
	size_t n = strlen(gate);
	bool on = false;

	for (size_t i = 0; i < s.len; i++) {
		const char *item = s.items[i];

		while (*item == ' ')
			item++;
		if (strncmp(item, gate, n) == 0 && item[n] == '=')
			on = strncasecmp(item + n + 1, "true", 4) == 0 ||
			     strcmp(item + n + 1, "1") == 0 || strcmp(item + n + 1, "t") == 0 ||
			     strcmp(item + n + 1, "T") == 0;
	}
	strings_free(&s);
	return on;
}

/* Whether two CA bundles share a certificate (compared as DER). */
static bool bundles_overlap(const char *a_path, const char *b_path)
{
	STACK_OF(X509_INFO) *a = NULL, *b = NULL;
	BIO *bio;
	bool overlap = false;

	if ((bio = BIO_new_file(a_path, "r"))) {
		a = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	if ((bio = BIO_new_file(b_path, "r"))) {
		b = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL);
		BIO_free(bio);
	}
	for (int i = 0; a && b && i < sk_X509_INFO_num(a) && !overlap; i++)
		for (int j = 0; j < sk_X509_INFO_num(b) && !overlap; j++) {
			X509 *x = sk_X509_INFO_value(a, i)->x509,
			     *y = sk_X509_INFO_value(b, j)->x509;

			overlap = x && y && X509_cmp(x, y) == 0;
		}
	sk_X509_INFO_pop_free(a, X509_INFO_free);
	sk_X509_INFO_pop_free(b, X509_INFO_free);
	ERR_clear_error();
	return overlap;
}

static void warn_unimplemented(const struct config *cfg)
{
	if (cfg->authentication_config)
		log_warn("--authentication-config: structured authentication configuration (JWT "
			 "authenticators, anonymous conditions) is not implemented by pgkube; "
			 "ignored");
	if (cfg->service_account_signing_endpoint)
		log_warn("--service-account-signing-endpoint: external JWT signers are not "
			 "implemented by pgkube; ignored");
}

static void warn_nonstandard_headers(const struct authn_config *a)
{
	bool standard_prefix = a->extra_prefixes.len == 0;

	if (a->username_headers.len && !has_case_insensitive(&a->username_headers, "X-Remote-User"))
		log_warn("--requestheader-username-headers is set without specifying the standard "
			 "X-Remote-User header - API aggregation will not work");
	if (a->uid_headers.len && !has_case_insensitive(&a->uid_headers, "X-Remote-Uid"))
		log_warn("--requestheader-uid-headers is set without specifying the standard "
			 "X-Remote-Uid header - API aggregation will not work");
	if (a->group_headers.len && !has_case_insensitive(&a->group_headers, "X-Remote-Group"))
		log_warn("--requestheader-group-headers is set without specifying the standard "
			 "X-Remote-Group header - API aggregation will not work");
	for (size_t i = 0; i < a->extra_prefixes.len; i++)
		standard_prefix = standard_prefix ||
				  strcasecmp(a->extra_prefixes.items[i], "X-Remote-Extra-") == 0;
	if (!standard_prefix)
		log_warn("--requestheader-extra-headers-prefix is set without specifying the "
			 "standard X-Remote-Extra- header prefix - API aggregation will not work");
}

static void validate_front_proxy(const struct config *cfg, struct authn_config *a, struct errors *e)
{
	check_not_blank(e, "requestheader-username-headers", &a->username_headers);
	check_not_blank(e, "requestheader-uid-headers", &a->uid_headers);
	check_not_blank(e, "requestheader-group-headers", &a->group_headers);
	check_not_blank(e, "requestheader-extra-headers-prefix", &a->extra_prefixes);
	check_not_blank(e, "requestheader-allowed-names", &a->allowed_names);
	if (a->uid_headers.len && !gate_enabled(cfg->feature_gates, "RemoteRequestHeaderUID"))
		add_error(e, "--requestheader-uid-headers requires the \"RemoteRequestHeaderUID\" "
			     "feature to be enabled");
	warn_nonstandard_headers(a);
	if (cfg->client_ca_file && *cfg->client_ca_file && a->front_proxy &&
	    a->allowed_names.len == 0 &&
	    bundles_overlap(cfg->client_ca_file, cfg->requestheader_client_ca_file))
		add_error(e,
			  "--requestheader-client-ca-file and --client-ca-file contain overlapping "
			  "certificates; --requestheader-allowed-names must be specified to ensure "
			  "regular client certificates cannot set authenticating proxy headers for "
			  "arbitrary users");
}

static void validate_issuers(const struct authn_config *a, struct errors *e)
{
	for (size_t i = 0; i < a->issuers.len; i++) {
		const char *issuer = a->issuers.items[i];
		bool seen = false;

		if (!*issuer) {
			add_error(e, "service-account-issuer should not be an empty string");
			continue;
		}
		for (size_t j = 0; j < i; j++)
			seen = seen || strcmp(a->issuers.items[j], issuer) == 0;
		if (seen)
			add_error(e, "service-account-issuer \"%s\" is already specified", issuer);
	}
}

/* The --service-account-signing-key-file part of kube-apiserver's completion. */
static int load_signing_key(const struct config *cfg, struct authn_config *a, char *err,
			    size_t err_len)
{
	char why[1024];
	int64_t max = cfg->service_account_max_token_expiration_seconds;

	if (max != 0 && (max < ONE_HOUR || max > MAX_TOKEN_EXPIRATION)) {
		snprintf(err, err_len,
			 "the service-account-max-token-expiration must be between 1 hour and 2^32 "
			 "seconds");
		return -1;
	}
	if (max != 0 && cfg->service_account_extend_token_expiration && max < 3607)
		log_warn("service-account-extend-token-expiration is true, in order to correctly "
			 "trigger safe transition logic, service-account-max-token-expiration must "
			 "be set longer than 3607 seconds (currently %llds)",
			 (long long)max);
	a->signing_key =
	    authn_config_read_private_key(cfg->service_account_signing_key_file, why, sizeof(why));
	if (!a->signing_key) {
		snprintf(err, err_len, "failed to parse service-account-issuer-key-file: %s", why);
		return -1;
	}
	a->signing_alg = jwt_signing_alg(a->signing_key);
	if (!a->signing_alg) {
		snprintf(err, err_len,
			 "failed to build token generator: could not generate signer for ECDSA "
			 "keypair: unknown private key curve, must be 256, 384, or 521");
		return -1;
	}
	if (!jwt_key_id(a->signing_key, a->signing_kid)) {
		snprintf(err, err_len,
			 "failed to build token generator: could not generate signer: failed to "
			 "derive keyID");
		return -1;
	}
	a->max_expiration_seconds = max;
	a->extend_expiration = cfg->service_account_extend_token_expiration;
	return 0;
}

static void token_file_warning(void *ctx, const char *message)
{
	log_warn("%s", message);
}

int authn_config_load(const struct config *cfg, char *err, size_t err_len)
{
	struct authn_config *a = &authn_config;
	struct authn_strings key_files;
	struct errors e = {0};
	bool service_accounts;

	authn_config_free();
	warn_unimplemented(cfg);
	a->anonymous = cfg->anonymous_auth;
	a->lookup = cfg->service_account_lookup;
	a->bootstrap = cfg->enable_bootstrap_token_auth;
	a->issuers = split(cfg->service_account_issuers, '\n');
	key_files = split(cfg->service_account_key_files, '\n');
	service_accounts =
	    a->issuers.len || key_files.len ||
	    (cfg->service_account_signing_key_file && *cfg->service_account_signing_key_file);
	if (!service_accounts)
		log_warn("no --service-account-issuer and --service-account-key-file given: "
			 "service account tokens and the TokenRequest API are disabled "
			 "(kube-apiserver requires both flags)");

	/* Completion: without a signing key, the TLS key verifies tokens if it can. */
	if (service_accounts && !key_files.len &&
	    !(cfg->service_account_signing_key_file && *cfg->service_account_signing_key_file) &&
	    cfg->tls_private_key_file) {
		struct authn_key *probe = NULL;
		size_t n = 0;
		char why[256];

		if (authn_config_read_public_keys(cfg->tls_private_key_file, &probe, &n, why,
						  sizeof(why)) > 0) {
			strings_free(&key_files);
			key_files = split(cfg->tls_private_key_file, '\n');
		} else {
			log_warn(
			    "No TLS key provided, service account token authentication disabled");
		}
		for (size_t i = 0; i < n; i++)
			EVP_PKEY_free(probe[i].key);
		free(probe);
	}
	if (service_accounts && cfg->service_account_signing_key_file &&
	    *cfg->service_account_signing_key_file && a->issuers.len && *a->issuers.items[0] &&
	    load_signing_key(cfg, a, err, err_len) < 0)
		goto fail;

	/* Validation. kube-apiserver v1.32 requires an issuer and key files;
	 * pgkube keeps starting with older manifests that lack them, with
	 * what can work without. */
	validate_issuers(a, &e);
	if (service_accounts && !a->issuers.len)
		log_warn("service-account-issuer is a required flag of kube-apiserver v1.32: "
			 "without it only legacy (secret-based) service account tokens are "
			 "accepted, and the TokenRequest API is disabled");
	if (service_accounts && !key_files.len)
		log_warn("either `--service-account-key-file` or "
			 "`--service-account-signing-endpoint` must be set: service account "
			 "tokens are not accepted");
	a->front_proxy = cfg->requestheader_client_ca_file && *cfg->requestheader_client_ca_file;
	a->allowed_names = split(cfg->requestheader_allowed_names, ',');
	a->username_headers = split(cfg->requestheader_username_headers, ',');
	a->uid_headers = split(cfg->requestheader_uid_headers, ',');
	a->group_headers = split(cfg->requestheader_group_headers, ',');
	a->extra_prefixes = split(cfg->requestheader_extra_headers_prefix, ',');
	validate_front_proxy(cfg, a, &e);
	if (report_errors(&e, err, err_len) < 0)
		goto fail;
	if (oidc_config_load(cfg, &oidc_config, err, err_len) < 0)
		goto fail;

	/* Building the authenticators. */
	a->audiences = split(cfg->api_audiences, ',');
	if (!a->audiences.len && a->issuers.len)
		a->audiences = split(cfg->service_account_issuers, '\n');
	for (size_t i = 0; i < key_files.len; i++)
		if (authn_config_read_public_keys(key_files.items[i], &a->keys, &a->num_keys, err,
						  err_len) < 0)
			goto fail;
	if (cfg->token_auth_file && *cfg->token_auth_file) {
		if (token_file_load(cfg->token_auth_file, &a->token_file, token_file_warning, NULL,
				    err, err_len) < 0)
			goto fail;
		a->has_token_file = true;
	}
	strings_free(&key_files);
	return 0;
fail:
	buf_free(&e.text);
	strings_free(&key_files);
	authn_config_free();
	return -1;
}

void authn_config_free(void)
{
	struct authn_config *a = &authn_config;

	strings_free(&a->allowed_names);
	strings_free(&a->username_headers);
	strings_free(&a->uid_headers);
	strings_free(&a->group_headers);
	strings_free(&a->extra_prefixes);
	strings_free(&a->issuers);
	strings_free(&a->audiences);
	if (a->has_token_file)
		token_file_free(&a->token_file);
	for (size_t i = 0; i < a->num_keys; i++)
		EVP_PKEY_free(a->keys[i].key);
	free(a->keys);
	EVP_PKEY_free(a->signing_key);
	oidc_config_free(&oidc_config);
	memset(a, 0, sizeof(*a));
}
