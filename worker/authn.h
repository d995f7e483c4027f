/*
 * authn.h - who is asking.
 *
 * For now: the TLS client certificate, verified against --client-ca-file
 * during the handshake (CN = user, O = groups), as kube-apiserver's x509
 * authenticator does; no certificate means system:anonymous. Token
 * authenticators come later and slot in at authn_request().
 */
#ifndef PGKUBE_AUTHN_H
#define PGKUBE_AUTHN_H

#include <openssl/ssl.h>

#include "worker/request.h"

/* Fills id (heap strings, freed by authn_identity_free) from the peer. */
void authn_identity_from_tls(SSL *ssl, struct user_info *id);
void authn_identity_free(struct user_info *id);

/* Final identity of a request; returns false when it must get 401. */
bool authn_request(struct request *req);

#endif
