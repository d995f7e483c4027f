/*
 * webhook_config.c - reading a webhook's kubeconfig; see webhook_config.h.
 *
 * Only what a webhook client uses is read: the current context's cluster
 * and user. Inline *-data fields are base64 (Go's StdEncoding) and win
 * over their file counterparts, as clientcmd's merge does.
 */
#include "webhook_config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/log.h"
#include "shared/xalloc.h"
#include "shared/yaml_json.h"

#define MAX_FILE_BYTES (4 << 20)

struct webhook_config webhook_authz_config, webhook_authn_config;

/* Go's os errors: "open PATH: no such file or directory" (errno texts in lower case). */
static void os_error(char *err, size_t err_len, const char *op, const char *path, int errnum)
{
	int n = snprintf(err, err_len, "%s %s: %s", op, path, strerror(errnum));
	size_t at = strlen(op) + strlen(path) + 3;

	if (n > 0 && at < err_len && err[at] >= 'A' && err[at] <= 'Z')
		err[at] = (char)(err[at] - 'A' + 'a');
}

static char *read_whole_file(const char *path, size_t *len, char *err, size_t err_len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = {0};
	char chunk[8192];
	size_t n;

	if (!f) {
		os_error(err, err_len, "open", path, errno);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < MAX_FILE_BYTES)
		buf_append(&b, chunk, n);
	fclose(f);
	buf_append(&b, "", 1);
	*len = b.len - 1;
	return b.data;
}

static char *path_join(const char *dir, const char *file)
{
	size_t d = strlen(dir), f = strlen(file);
	char *out = xcalloc(d + f + 2, 1);

	memcpy(out, dir, d);
	out[d] = '/';
	memcpy(out + d + 1, file, f);
	return out;
}

static int base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Go's base64.StdEncoding (padding required; CR and LF skipped). NULL when malformed. */
static char *base64_decode(const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = xcalloc(len + 1, 1);
	int vals[4], n = 0, pad = 0;

	for (size_t i = 0; i < len; i++) {
		int v;

		if (s[i] == '\r' || s[i] == '\n')
			continue;
		if (s[i] == '=' && n >= 2) {
			pad++;
			v = 0;
		} else if (pad || (v = base64_value((unsigned char)s[i])) < 0) {
			free(out);
			return NULL;
		}
		vals[n++] = v;
		if (n < 4)
			continue;
		out[o++] = (char)(vals[0] << 2 | vals[1] >> 4);
		if (pad < 2)
			out[o++] = (char)((vals[1] & 15) << 4 | vals[2] >> 2);
		if (pad < 1)
			out[o++] = (char)((vals[2] & 3) << 6 | vals[3]);
		n = 0;
	}
	if (n != 0) {
		free(out);
		return NULL;
	}
	out[o] = '\0';
	return out;
}

static const char *string_field(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The entry of list (clusters, contexts, users) whose name is name, or NULL. */
static json_t *named_entry(json_t *root, const char *list, const char *field, const char *name)
{
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(root, list), i, e)
	{
		const char *n = string_field(e, "name");

		if (n && strcmp(n, name) == 0)
			return json_object_get(e, field);
	}
	return NULL;
}

/* The PEM of inline data (base64) or of a file relative to dir; NULL with err set on failure. */
static int read_pem(json_t *obj, const char *data_field, const char *file_field, const char *dir,
		    char **out, char *err, size_t err_len)
{
	const char *data = string_field(obj, data_field), *file = string_field(obj, file_field);
	char *path;
	size_t len;

	*out = NULL;
	if (data && *data) {
		*out = base64_decode(data);
		if (!*out) {
			snprintf(err, err_len, "illegal base64 data in %s", data_field);
			return -1;
		}
		return 0;
	}
	if (!file || !*file)
		return 0;
	if (file[0] == '/' || !dir)
		path = xstrdup(file);
	else
		path = path_join(dir, file);
	*out = read_whole_file(path, &len, err, err_len);
	free(path);
	return *out ? 0 : -1;
}

/* scheme://host[:port][/path][?query], https only. */
int webhook_config_split_server(struct webhook_config *c, char *err, size_t err_len)
{
	const char *p = c->server, *host, *host_end, *rest;

	if (strncmp(p, "https://", 8) != 0) {
		snprintf(err, err_len, "webhook server %s: only https:// URLs are supported",
			 c->server);
		return -1;
	}
	host = p + 8;
	rest = host + strcspn(host, "/?#");
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(rest - host));
		if (!host_end) {
			snprintf(err, err_len, "webhook server %s: malformed host", c->server);
			return -1;
		}
		c->host = xstrndup(host + 1, (size_t)(host_end - host - 1));
		host_end++;
	} else {
		host_end = memchr(host, ':', (size_t)(rest - host));
		if (!host_end)
			host_end = rest;
		c->host = xstrndup(host, (size_t)(host_end - host));
	}
	if (host_end < rest && *host_end == ':' && host_end + 1 < rest)
		c->port = xstrndup(host_end + 1, (size_t)(rest - host_end - 1));
	else
		c->port = xstrdup("443");
	if (!*c->host) {
		snprintf(err, err_len, "webhook server %s: no host", c->server);
		return -1;
	}
	if (*rest == '/') {
		c->path = xstrndup(rest, strcspn(rest, "#"));
	} else {
		size_t n = strcspn(rest, "#");

		c->path = xcalloc(n + 2, 1);
		c->path[0] = '/';
		memcpy(c->path + 1, rest, n);
	}
	return 0;
}

int webhook_config_parse(const char *text, size_t len, const char *dir, struct webhook_config *out,
			 char *err, size_t err_len)
{
	json_t *root = yaml_to_json(text, len, err, err_len), *cluster, *user;
	const char *current, *cluster_name, *user_name, *server, *s;
	json_t *context;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!root)
		return -1;
	if (!json_is_object(root)) {
		snprintf(err, err_len, "invalid configuration: no configuration has been provided");
		goto out;
	}
	current = string_field(root, "current-context");
	if (!current || !*current) {
		snprintf(err, err_len, "invalid configuration: no configuration has been provided");
		goto out;
	}
	context = named_entry(root, "contexts", "context", current);
	if (!context) {
		snprintf(err, err_len,
			 "invalid configuration: context was not found for specified context: %s",
			 current);
		goto out;
	}
	cluster_name = string_field(context, "cluster");
	user_name = string_field(context, "user");
	cluster = cluster_name ? named_entry(root, "clusters", "cluster", cluster_name) : NULL;
	user = user_name ? named_entry(root, "users", "user", user_name) : NULL;
	server = string_field(cluster, "server");
	if (!server || !*server) {
		snprintf(err, err_len, "invalid configuration: no server found for cluster \"%s\"",
			 cluster_name ? cluster_name : "");
		goto out;
	}
	out->server = xstrdup(server);
	if (webhook_config_split_server(out, err, err_len) < 0)
		goto out;
	if ((s = string_field(cluster, "tls-server-name")) && *s)
		out->tls_server_name = xstrdup(s);
	out->insecure_skip_tls_verify =
	    json_is_true(json_object_get(cluster, "insecure-skip-tls-verify"));
	if (read_pem(cluster, "certificate-authority-data", "certificate-authority", dir,
		     &out->ca_pem, err, err_len) < 0 ||
	    read_pem(user, "client-certificate-data", "client-certificate", dir,
		     &out->client_cert_pem, err, err_len) < 0 ||
	    read_pem(user, "client-key-data", "client-key", dir, &out->client_key_pem, err,
		     err_len) < 0)
		goto out;
	if (!out->client_cert_pem != !out->client_key_pem) {
		snprintf(err, err_len,
			 "invalid configuration: client-cert-data and client-key-data must both be "
			 "specified for %s to use the clientCert authentication method",
			 user_name ? user_name : "");
		goto out;
	}
	if ((s = string_field(user, "token")) && *s) {
		out->token = xstrdup(s);
	} else if ((s = string_field(user, "tokenFile")) && *s) {
		char *path = s[0] == '/' || !dir ? xstrdup(s) : path_join(dir, s);
		size_t n;

		out->token = read_whole_file(path, &n, err, err_len);
		free(path);
		if (!out->token)
			goto out;
		while (n && (out->token[n - 1] == '\n' || out->token[n - 1] == '\r' ||
			     out->token[n - 1] == ' '))
			out->token[--n] = '\0';
	}
	out->enabled = true;
	rc = 0;
out:
	json_decref(root);
	if (rc < 0)
		webhook_config_free(out);
	return rc;
}

void webhook_config_free(struct webhook_config *c)
{
	free(c->server);
	free(c->host);
	free(c->port);
	free(c->path);
	free(c->tls_server_name);
	free(c->ca_pem);
	free(c->client_cert_pem);
	if (c->client_key_pem)
		memset(c->client_key_pem, 0, strlen(c->client_key_pem));
	free(c->client_key_pem);
	free(c->token);
	memset(c, 0, sizeof(*c));
}

static int load_one(const char *file, const char *version, const char *what,
		    struct webhook_config *out, char *err, size_t err_len)
{
	char *text, *dir, *slash;
	size_t len;
	int rc;

	if (strcmp(version, "v1") != 0 && strcmp(version, "v1beta1") != 0) {
		snprintf(
		    err, err_len,
		    "unsupported %s version \"%s\", supported versions are \"v1\", \"v1beta1\"",
		    what, version);
		return -1;
	}
	/* clientcmd stats the explicit path first. */
	if (access(file, F_OK) < 0) {
		os_error(err, err_len, "stat", file, errno);
		return -1;
	}
	text = read_whole_file(file, &len, err, err_len);
	if (!text)
		return -1;
	dir = xstrdup(file);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	rc = webhook_config_parse(text, len, slash ? dir : ".", out, err, err_len);
	free(dir);
	free(text);
	if (rc == 0)
		out->version = version;
	return rc;
}

int webhook_config_load(const struct config *cfg, char *err, size_t err_len)
{
	if (cfg->authorization_webhook_config_file) {
		if (load_one(cfg->authorization_webhook_config_file,
			     cfg->authorization_webhook_version, "webhook authorizer",
			     &webhook_authz_config, err, err_len) < 0)
			return -1;
		webhook_authz_config.cache_authorized_ms =
		    (int64_t)cfg->authorization_webhook_cache_authorized_ttl_seconds * 1000;
		webhook_authz_config.cache_unauthorized_ms =
		    (int64_t)cfg->authorization_webhook_cache_unauthorized_ttl_seconds * 1000;
	}
	if (cfg->authentication_token_webhook_config_file) {
		if (load_one(cfg->authentication_token_webhook_config_file,
			     cfg->authentication_token_webhook_version, "authentication webhook",
			     &webhook_authn_config, err, err_len) < 0)
			return -1;
		webhook_authn_config.cache_authorized_ms =
		    (int64_t)cfg->authentication_token_webhook_cache_ttl_seconds * 1000;
		webhook_authn_config.cache_unauthorized_ms =
		    webhook_authn_config.cache_authorized_ms;
	}
	return 0;
}
