/*
 * node_restriction.h - kube-apiserver v1.32's NodeRestriction admission
 * plugin (plugin/pkg/admission/noderestriction/admission.go), which keeps
 * a kubelet to its own objects where the Node authorizer cannot see the
 * object (creates and updates). Not enabled by default upstream; kubeadm
 * and most installers name it in --enable-admission-plugins.
 *
 * For a node (shared/node_authorizer.h's node_identity) it checks:
 *   pods         create: mirror pods bound to itself, owned by its Node
 *                (uid checked), referencing nothing (service account,
 *                secrets, configmaps, cluster trust bundles, persistent
 *                volume claims);
 *                delete: pods bound to itself; status updates: of its own
 *                pods, labels and resource claim statuses unchanged;
 *   nodes        its own Node only, without configSource, without
 *                changing taints, and without setting labels under
 *                node-restriction.kubernetes.io/ or kubernetes.io / k8s.io
 *                labels the kubelet does not own;
 *   PVCs         status updates that change only capacity, conditions and
 *                the allocated resources (RecoverVolumeExpansionFailure,
 *                beta and on in v1.32);
 *   leases       its own, in kube-node-lease;
 *   CSINodes     its own;
 *   CSRs         for the kubelet signers: CN=system:node:<its name>.
 * Evictions and service account tokens are subresources pgkube does not
 * serve, so their checks are not here.
 */
#ifndef PGKUBE_NODE_RESTRICTION_H
#define PGKUBE_NODE_RESTRICTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"

enum node_admission_operation {
	NODE_ADMISSION_CREATE,
	NODE_ADMISSION_UPDATE,
	NODE_ADMISSION_DELETE,
};

/* One write, as admission.Attributes gives it. */
struct node_admission {
	const char *user;
	const char *const *groups;
	size_t num_groups;
	enum node_admission_operation operation;
	const char *group, *resource, *subresource, *namespace;
	const char *name; /* on create, the new object's */
	json_t *object;	  /* create, update: the object as the request has it */
	json_t *old;	  /* update, delete: the stored object */
	/* The uid of the named Node, or NULL when it does not exist. */
	const char *(*node_uid)(void *ctx, const char *node);
	void *ctx;
};

/* A refusal, as the Status it is answered with. */
struct node_admission_error {
	int code;	    /* 403, or 404 when the node a mirror pod names is missing */
	const char *reason; /* "Forbidden", "NotFound" */
	const char *message;
	/* details: name, group ("" = none), kind (the resource) */
	const char *name, *group, *kind;
};

/* Admit: true when the write may go on; false with *err (strings in a). */
bool node_restriction_admit(const struct node_admission *r, struct arena *a,
			    struct node_admission_error *err);

/* Whether --enable-admission-plugins (or the deprecated
 * --admission-control) names NodeRestriction and --disable-admission-plugins
 * does not. */
bool node_restriction_enabled(const char *enable, const char *admission_control,
			      const char *disable);

#endif
