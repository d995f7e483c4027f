/*
 * supervisor.h - the master's loop: fork workers, replace the ones that
 * die, roll them on SIGHUP, drain them on SIGTERM/SIGINT.
 */
#ifndef PGKUBE_SUPERVISOR_H
#define PGKUBE_SUPERVISOR_H

#include <openssl/ssl.h>

#include "master/kubernetes_service.h"
#include "shared/config.h"

/* Runs until SIGTERM/SIGINT; returns the process exit code. Takes ssl_ctx.
 * Keeps the kubernetes Service's endpoints (already started). */
int supervisor_run(const struct config *cfg, int listen_fd, SSL_CTX *ssl_ctx,
		   struct kubernetes_service *kubernetes);

#endif
