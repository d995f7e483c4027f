/*
 * tls_context.h - the server's OpenSSL context.
 *
 * The master builds it once (and again on SIGHUP, from the files on disk)
 * before forking workers, which inherit it. Client certificates are
 * requested but not required, and a bad one does not fail the handshake:
 * like kube-apiserver, the authenticators decide afterwards. Two CA
 * bundles may judge a client certificate: --client-ca-file (the x509
 * authenticator) and --requestheader-client-ca-file (front proxies). The
 * handshake asks for certificates of either (its CA list names both, as
 * upstream's dynamic client-CA union does), and tls_verify_peer() checks a
 * connection's certificate against each bundle separately.
 */
#ifndef PGKUBE_TLS_CONTEXT_H
#define PGKUBE_TLS_CONTEXT_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "shared/config.h"

/* NULL on failure, with a human message in err. */
SSL_CTX *tls_context_new(const struct config *cfg, char *err, size_t err_len);

enum tls_client_ca {
	TLS_CLIENT_CA,	      /* --client-ca-file */
	TLS_REQUESTHEADER_CA, /* --requestheader-client-ca-file */
};

/*
 * Verifies the peer's certificate (with the intermediates it sent) against
 * one bundle, for client authentication (an extended key usage, when the
 * certificate has one, must allow it), as Go's x509 Verify with
 * ExtKeyUsageClientAuth does. Returns X509_V_OK, another X509_V_ERR_*
 * code, or -1 when that bundle is not configured or the peer sent no
 * certificate.
 */
int tls_verify_peer(SSL *ssl, enum tls_client_ca which);

#endif
