/*
 * main.c - pgkube-apiserver's entry point (the master process).
 *
 * Reads the flags, opens the listening socket and the TLS context once,
 * sets up what workers share (metrics in shared memory), then hands over
 * to the supervisor, which forks the workers. Request handling starts in
 * worker/worker.c.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "master/bootstrap.h"
#include "master/kubernetes_service.h"
#include "master/migrate.h"
#include "master/supervisor.h"
#include "shared/authn_config.h"
#include "shared/config.h"
#include "shared/log.h"
#include "shared/webhook_config.h"
#include "shared/validation.h"
#include "shared/catalog.h"
#include "shared/defaults.h"
#include "shared/registry.h"
#include "shared/tls_context.h"
#include "worker/https_client.h"
#include "worker/metrics.h"

static int open_listener(const struct config *cfg)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
				 .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICHOST};
	struct addrinfo *res;
	char port[16];
	int fd, one = 1, rc;

	snprintf(port, sizeof(port), "%d", cfg->secure_port);
	rc = getaddrinfo(cfg->bind_address, port, &hints, &res);
	if (rc != 0) {
		log_error("invalid --bind-address %s: %s", cfg->bind_address, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 4096) < 0) {
			log_error("failed to listen on %s:%d: %s", cfg->bind_address,
				  cfg->secure_port, strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* `pgkube-apiserver migrate [--storage-dsn=...]`: for DBAs who apply schema
 * changes by hand before rolling out a new version. */
static int migrate_command(int argc, char **argv)
{
	static struct config cfg;
	char err[512];
	int rc;

	argv[1] = argv[0];
	rc = config_parse(&cfg, argc - 1, argv + 1);
	if (rc == 1)
		return 0;
	if (rc != 0)
		return rc;
	if (migrate_run(cfg.storage_dsn, 0, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	static struct kubernetes_service kubernetes;
	char err[1024];
	SSL_CTX *ctx;
	int fd, rc;

	if (argc > 1 && strcmp(argv[1], "migrate") == 0)
		return migrate_command(argc, argv);
	rc = config_parse(&cfg, argc, argv);
	if (rc == 1)
		return 0;
	if (rc != 0)
		return rc;
	if (kubernetes_service_init(&kubernetes, &cfg, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	if (registry_load(err, sizeof(err)) < 0 || catalog_load(err, sizeof(err)) < 0 ||
	    defaults_load(err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	/* capabilities.Initialize: the workers inherit it. */
	validation_set_allow_privileged(cfg.allow_privileged);
	/* Token files and keys are read once, here: a bad one fails the start. */
	if (authn_config_load(&cfg, err, sizeof(err)) < 0 ||
	    webhook_config_load(&cfg, err, sizeof(err)) < 0 ||
	    (webhook_authz_config.enabled &&
	     https_client_check(&webhook_authz_config, err, sizeof(err)) < 0) ||
	    (webhook_authn_config.enabled &&
	     https_client_check(&webhook_authn_config, err, sizeof(err)) < 0)) {
		log_error("%s", err);
		return 1;
	}
	raise_fd_limit();
	if (metrics_init_shared() < 0) {
		log_error("cannot map shared memory for metrics: %s", strerror(errno));
		return 1;
	}
	ctx = tls_context_new(&cfg, err, sizeof(err));
	if (!ctx) {
		log_error("%s", err);
		return 1;
	}
	fd = open_listener(&cfg);
	if (fd < 0) {
		SSL_CTX_free(ctx);
		return 1;
	}
	/* Configuration errors fail fast above; then workers start once the
	 * schema is there. PostgreSQL may still be starting up next to us, so
	 * wait for it a while. */
	if (migrate_run(cfg.storage_dsn, 120, err, sizeof(err)) < 0) {
		log_error("%s", err);
		SSL_CTX_free(ctx);
		close(fd);
		return 1;
	}
	if (bootstrap_run(cfg.storage_dsn, err, sizeof(err)) < 0) {
		log_error("%s", err);
		SSL_CTX_free(ctx);
		close(fd);
		return 1;
	}
	kubernetes_service_start(&kubernetes);
	log_info("pgkube-apiserver %s", PGKUBE_GIT_VERSION);
	rc = supervisor_run(&cfg, fd, ctx, &kubernetes);
	close(fd);
	return rc;
}
