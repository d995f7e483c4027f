/*
 * tls_context.h - the server's OpenSSL context.
 *
 * The master builds it once (and again on SIGHUP, from the files on disk)
 * before forking workers, which inherit it. Client certificates are
 * requested but not required, and a bad one does not fail the handshake:
 * like kube-apiserver, the authenticator decides afterwards (401 for a
 * certificate that does not verify against --client-ca-file).
 */
#ifndef PGKUBE_TLS_CONTEXT_H
#define PGKUBE_TLS_CONTEXT_H

#include <openssl/ssl.h>
#include <stddef.h>

#include "shared/config.h"

/* NULL on failure, with a human message in err. */
SSL_CTX *tls_context_new(const struct config *cfg, char *err, size_t err_len);

#endif
