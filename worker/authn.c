/*
 * authn.c - x509 client-certificate identity and the anonymous user.
 */
#include "authn.h"

#include "worker/worker.h"

#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

static char *name_entry_text(const X509_NAME_ENTRY *entry)
{
	const ASN1_STRING *data = X509_NAME_ENTRY_get_data(entry);
	unsigned char *utf8 = NULL;
	int len = ASN1_STRING_to_UTF8(&utf8, data);
	char *out;

	if (len < 0)
		return NULL;
	out = strndup((const char *)utf8, (size_t)len);
	OPENSSL_free(utf8);
	return out;
}

static void add_group(struct user_info *id, char *group)
{
	id->groups = realloc(id->groups, (id->num_groups + 1) * sizeof(*id->groups));
	if (!id->groups)
		abort();
	id->groups[id->num_groups++] = group;
}

static void set_anonymous(struct user_info *id)
{
	id->name = strdup("system:anonymous");
	add_group(id, strdup("system:unauthenticated"));
	id->authenticated = false;
}

void authn_identity_from_tls(SSL *ssl, struct user_info *id)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);
	X509_NAME *subject;
	int i = -1;

	memset(id, 0, sizeof(*id));
	if (!cert) {
		set_anonymous(id);
		return;
	}
	subject = X509_get_subject_name(cert);
	if (SSL_get_verify_result(ssl) != X509_V_OK ||
	    (i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1)) < 0) {
		X509_free(cert);
		set_anonymous(id);
		id->rejected = true;
		return;
	}
	id->name = name_entry_text(X509_NAME_get_entry(subject, i));
	i = -1;
	while ((i = X509_NAME_get_index_by_NID(subject, NID_organizationName, i)) >= 0) {
		char *group = name_entry_text(X509_NAME_get_entry(subject, i));

		if (group)
			add_group(id, group);
	}
	add_group(id, strdup("system:authenticated"));
	id->authenticated = id->name != NULL && *id->name;
	id->rejected = !id->authenticated;
	X509_free(cert);
}

void authn_identity_free(struct user_info *id)
{
	for (size_t i = 0; i < id->num_groups; i++)
		free((char *)id->groups[i]);
	free(id->groups);
	for (size_t i = 0; i < id->num_extra; i++) {
		for (size_t j = 0; j < id->extra[i].num_values; j++)
			free((char *)id->extra[i].values[j]);
		free(id->extra[i].values);
		free((char *)id->extra[i].key);
	}
	free(id->extra);
	free((char *)id->uid);
	free((char *)id->name);
	memset(id, 0, sizeof(*id));
}

bool authn_request(struct request *req)
{
	if (req->user.rejected)
		return false;
	/* No token authenticator is configured yet: any bearer token is invalid. */
	if (!req->user.authenticated && request_header(req, "Authorization"))
		return false;
	if (!req->user.authenticated && !req->worker->cfg->anonymous_auth)
		return false;
	return true;
}
