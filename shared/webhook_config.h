/*
 * webhook_config.h - the kubeconfig files of the authorization and token
 * authentication webhooks (--authorization-webhook-config-file,
 * --authentication-token-webhook-config-file).
 *
 * kube-apiserver reads them with client-go's clientcmd: the current
 * context names a cluster (server URL, certificate-authority(-data),
 * tls-server-name, insecure-skip-tls-verify) and a user (client-
 * certificate(-data), client-key(-data), token, tokenFile). Relative file
 * paths are relative to the kubeconfig's directory. The master reads both
 * files once at start (an error fails the start, as upstream's does) and
 * the workers inherit what it read: PEM text in memory, no file is read
 * again.
 */
#ifndef PGKUBE_WEBHOOK_CONFIG_H
#define PGKUBE_WEBHOOK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/config.h"

struct webhook_config {
	bool enabled;
	const char *version; /* "v1" or "v1beta1" */
	char *server;	     /* the URL as written */
	char *host;	     /* host name or IP, without brackets */
	char *port;	     /* "443" when the URL names none */
	char *path;	     /* path and query ("/" when empty) */
	char *tls_server_name;
	bool insecure_skip_tls_verify;
	char *ca_pem; /* NULL: the system's roots */
	char *client_cert_pem, *client_key_pem;
	char *token;
	int64_t cache_authorized_ms, cache_unauthorized_ms; /* authz: the two TTLs; authn: both */
};

extern struct webhook_config webhook_authz_config, webhook_authn_config;

/*
 * Reads the webhook kubeconfig text (YAML or JSON) whose file lives in dir
 * into *out. Returns 0, or -1 with clientcmd's kind of message in err.
 */
int webhook_config_parse(const char *text, size_t len, const char *dir, struct webhook_config *out,
			 char *err, size_t err_len);
void webhook_config_free(struct webhook_config *c);

/* Splits c->server (https only) into host, port and path; -1 with err. */
int webhook_config_split_server(struct webhook_config *c, char *err, size_t err_len);

/* Loads both files as the flags name them (disabled when a flag is absent). */
int webhook_config_load(const struct config *cfg, char *err, size_t err_len);

#endif
