/*
 * rest_strategy.h - the fields kube-apiserver v1.32's registry strategies
 * set on an object on its way to storage (pkg/registry/<group>/<resource>/
 * strategy.go): PrepareForCreate, which above all drops the status a
 * client sent; the main strategy's PrepareForUpdate where it does more
 * than keep the stored status; and the status strategy's PrepareForUpdate,
 * which decides what a write to /status may change besides the status.
 *
 * What differs between kinds is a table of (group, resource) rules
 * (rest_strategy.c); the steps that compute something (a Pod's QoS class,
 * a Job's selector, a CSR's requester) are small functions the table
 * names. Generation, deletion and validation are not here: rest_write.c
 * keeps its own table for the first two, shared/validation.c does the
 * last, and runs after these steps, as upstream's Validate runs after
 * PrepareForCreate.
 */
#ifndef PGKUBE_REST_STRATEGY_H
#define PGKUBE_REST_STRATEGY_H

#include <jansson.h>
#include <stdbool.h>

#include "worker/request.h"

/* What a strategy step may need of the request. */
struct strategy_request {
	const char *now;	      /* RFC 3339 seconds: metav1.Now() for timestamps */
	const struct user_info *user; /* who writes (a CSR records it); NULL: nobody */
};

/* Whether the table has a rule for the resource (every resource with a
 * status subresource must have one). */
bool strategy_known(const char *group, const char *resource);

/*
 * PrepareForCreate on obj, defaulted, with its name and uid set (a Job's
 * generated selector, which upstream adds in Validate, needs the uid), and
 * then the defaults upstream's decoding from storage fills into what it
 * cleared (a PersistentVolumeClaim's status.phase Pending).
 */
void strategy_prepare_create(const char *group, const char *resource, json_t *obj,
			     const struct strategy_request *r);

/*
 * The main strategy's PrepareForUpdate beyond keeping the stored status
 * (rest_write.c does that for every resource with a status subresource):
 * obj is the object to store, old the stored one.
 */
void strategy_prepare_update(const char *group, const char *resource, json_t *obj, json_t *old);

/*
 * A write to /status: obj, the body, becomes the object to store. What the
 * status strategy does not let the body change (always spec; for some
 * kinds labels, annotations, finalizers, owner references or all of the
 * metadata) comes from old, then what rest.BeforeUpdate keeps for every
 * kind (uid, creationTimestamp, deletionTimestamp, the deletion grace
 * period and the generation). A resource without a rule (a custom
 * resource) takes the body's status alone, as upstream's custom resource
 * status strategy does.
 */
void strategy_prepare_status_update(const char *group, const char *resource, json_t *obj,
				    json_t *old, const struct strategy_request *r);

/*
 * A Pod's QoS class as upstream's GetPodQOS (pkg/apis/core/helper/qos)
 * gives it: status.qosClass when set, else computed from the cpu and memory
 * requests and limits of its containers and init containers:
 * "Guaranteed", "Burstable" or "BestEffort".
 */
const char *strategy_pod_qos(json_t *pod);

#endif
