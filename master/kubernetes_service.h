/*
 * kubernetes_service.h - the Service "kubernetes" in "default", through
 * which Pods reach the API, and its Endpoints and EndpointSlice listing
 * every API server, as kube-apiserver's bootstrap controller
 * (pkg/controlplane/controller/kubernetesservice) and its lease endpoint
 * reconciler (pkg/controlplane/reconcilers/lease.go) keep them. See
 * kubernetes_service.c.
 */
#ifndef PGKUBE_KUBERNETES_SERVICE_H
#define PGKUBE_KUBERNETES_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/config.h"

struct kubernetes_service {
	const char *dsn;
	char service_ip[48];	  /* the first address of --service-cluster-ip-range */
	const char *family;	  /* its family: "IPv4" or "IPv6" */
	char address[48];	  /* this server's advertised address; "" when unknown */
	int secure_port;	  /* the endpoints' port, the Service's targetPort */
	int node_port;		  /* --kubernetes-service-node-port; 0: type ClusterIP */
	bool reconcile_endpoints; /* --endpoint-reconciler-type is not "none" */
	int64_t next_run;	  /* monotonic ms */
};

/*
 * Checks the flags the Service depends on as kube-apiserver does
 * (--service-cluster-ip-range, --kubernetes-service-node-port, the family
 * of the advertised address) and works out the advertised address
 * (--advertise-address, else --bind-address unless unspecified or
 * loopback, else the address of the interface of the default route).
 * Returns 0, or -1 with upstream's message in err.
 */
int kubernetes_service_init(struct kubernetes_service *ks, const struct config *cfg, char *err,
			    size_t err_len);

/* At start, before serving: this server's stale lease removed, the Service
 * created when missing, this server's lease taken and the Endpoints and
 * EndpointSlice brought up to date. Failures are logged, not fatal. */
void kubernetes_service_start(struct kubernetes_service *ks);

/* Milliseconds until kubernetes_service_run() wants to run. */
int64_t kubernetes_service_due_in(const struct kubernetes_service *ks);

/* Every 10 s: the Service put back if deleted, the lease renewed, the
 * Endpoints and EndpointSlice brought up to date. */
void kubernetes_service_run(struct kubernetes_service *ks);

/* At shutdown: this server's lease dropped, and its address with it. */
void kubernetes_service_stop(struct kubernetes_service *ks);

#endif
