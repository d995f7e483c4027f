/*
 * validation.h - the validation kube-apiserver v1.32 runs on a create or an
 * update, after defaulting, with its field paths, its error types and its
 * messages, so that a bad object gets the same 422 Invalid Status.
 *
 * The kinds with rules of their own: core Pod (with its security context,
 * affinity, topology spread, DNS), Service, ConfigMap, Secret, Namespace,
 * ReplicationController, PodTemplate, PersistentVolumeClaim,
 * PersistentVolume, Node; apps and batch workloads; StorageClass; RBAC
 * roles and bindings; Ingress, IngressClass, NetworkPolicy;
 * PodDisruptionBudget; HorizontalPodAutoscaler (v1, v2); PriorityClass;
 * Lease.
 *
 * validation_check() walks the object (JSON, as stored) and returns the
 * causes in the order upstream's ErrorList has them: ValidateObjectMeta,
 * then the kind's spec (pkg/apis/{core,apps,batch}/validation), and on an
 * update ValidateObjectMetaUpdate and the immutable fields first, as the
 * kind's ValidateXUpdate does. Every other kind gets ObjectMeta validation
 * with the name rule of its group (DNS-1123 subdomain; path segment for
 * RBAC).
 *
 * Maps in Go are unordered, so upstream reports the errors of map entries
 * (labels, annotations, ConfigMap keys, resource lists) in a random order;
 * here they come in the order of sorted keys.
 *
 * The object must have gone through defaulting, and through what upstream
 * does before validation: a generated name, the namespace from the URL, a
 * Service's allocated clusterIPs. Where upstream's defaulting or allocation
 * always fills a field, validation here does not report that field as
 * Required (upstream never can), so that an object this server has not
 * fully defaulted is not refused for it.
 */
#ifndef PGKUBE_VALIDATION_H
#define PGKUBE_VALIDATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* One field.Error, as a StatusCause carries it. */
struct validation_cause {
	char *field;	    /* "spec.template.metadata.labels"; "" for the whole object */
	const char *reason; /* the CauseType: "FieldValueInvalid", "FieldValueRequired"... */
	char *message;	    /* ErrorBody(): `Invalid value: "x": must be ...` */
};

struct validation_errors {
	struct validation_cause *causes;
	size_t num, cap;
};

/*
 * Validates obj, a kind of a group-version ("" group for core), on create
 * (old NULL) or on update (old the stored object). Appends the causes to
 * out and returns how many it appended (0: valid). The objects are not
 * modified.
 */
int validation_check(const char *group, const char *version, const char *kind, json_t *obj,
		     json_t *old, struct validation_errors *out);

/*
 * What every update of an object is checked for: its ObjectMeta against
 * the stored one (ValidateObjectMetaUpdate). A write to a status
 * subresource gets this much; the kinds' own status validators are not
 * built. Appends the causes to out and returns how many it appended.
 */
int validation_check_metadata_update(json_t *obj, json_t *old, struct validation_errors *out);

/*
 * The Status message errors.NewInvalid builds: `Kind.group "name" is
 * invalid: cause` for one cause, `...: [cause1, cause2]` for several (equal
 * texts once). Returns a malloc'd string.
 */
char *validation_status_message(const struct validation_errors *errs, const char *group,
				const char *kind, const char *name);

/*
 * The Status details of that error: {"name", "group" (omitted for core),
 * "kind", "causes": [{"reason", "message", "field"}]}, with empty members
 * omitted as upstream's omitempty does. A new reference.
 */
json_t *validation_status_details(const struct validation_errors *errs, const char *group,
				  const char *kind, const char *name);

void validation_errors_free(struct validation_errors *errs);

/*
 * ValidateServiceClusterIPsRelatedFields alone, on a Service whose
 * clusterIP and clusterIPs the registry has already put in step: what
 * kube-apiserver checks before it allocates cluster IPs. Appends the causes
 * to out and returns how many it appended.
 */
int validation_service_cluster_ips(json_t *svc, struct validation_errors *out);

/* Appends an Invalid cause: "Invalid value: <value>: <detail>", value
 * already rendered as Go prints it (quoted string, bare number, %#v). */
void validation_add_invalid(struct validation_errors *out, const char *field, const char *value,
			    const char *detail);

/*
 * kube-apiserver's --allow-privileged: whether a container may set
 * securityContext.privileged (otherwise "disallowed by cluster policy").
 * The process sets it once from its configuration before serving; until
 * then privileged containers are allowed.
 */
void validation_set_allow_privileged(bool allow);

#endif
