/*
 * service_fields.h - a Service's interlinked spec fields (type, clusterIP
 * and clusterIPs, ipFamilies and ipFamilyPolicy, node ports, the health
 * check node port) as kube-apiserver v1.32's Service storage and strategy
 * (pkg/registry/core/service) put them in step around an allocation: on
 * the JSON object, with no allocation and no I/O, so that they can be
 * tested alone. worker/service_alloc.c calls them in upstream's order.
 *
 * Fields are read as Go reads them: absent, null and wrongly typed values
 * are the zero value; a field set to its zero value is left out, as
 * encoding/json's omitempty writes it.
 */
#ifndef PGKUBE_SERVICE_FIELDS_H
#define PGKUBE_SERVICE_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/validation.h"

/* The IP families a cluster serves, its primary one first ("IPv4", "IPv6"). */
struct service_families {
	const char *family[2];
	int count;
};

/* ---- reading fields ---- */

const char *service_str(json_t *obj, const char *key);
long long service_num(json_t *obj, const char *key);
size_t service_len(json_t *arr);
const char *service_str_at(json_t *arr, size_t i);
/* The object's spec, created when absent. */
json_t *service_spec(json_t *svc);
/* The array at obj[key], created empty when absent. */
json_t *service_array(json_t *obj, const char *key);
/* spec.type, "ClusterIP" when absent (its default). */
const char *service_type(json_t *spec);
/* The family of an IP address, as upstream names it: "IPv4", "IPv6", or
 * "unknown" when it is not one. */
const char *service_family_of(const char *ip);
/* %#v of a []string: []string{"10.0.0.1", ""}. malloc'd. */
char *service_go_strings(json_t *arr);

/* ---- what a type needs ---- */

bool service_needs_cluster_ip(json_t *spec);	 /* all but ExternalName */
bool service_needs_node_port(json_t *spec);	 /* NodePort, LoadBalancer */
bool service_needs_health_check(json_t *spec);	 /* LoadBalancer with Local traffic */
bool service_allocates_node_ports(json_t *spec); /* shouldAllocateNodePorts */
bool service_headless(json_t *spec);		 /* clusterIP "None" */

/* ---- the steps ---- */

/* normalizeClusterIPs: clusterIPs put in step with clusterIP, for clients
 * that know only the singular field; old_spec NULL on create. */
void service_normalize_cluster_ips(json_t *spec, json_t *old_spec);

/* patchAllocatedValues: an update that leaves out what was allocated (a
 * client sending back what it created) keeps it. */
void service_patch_allocated_values(json_t *spec, json_t *old_spec);

/* defaultOnReadService: the family fields a Service stored long ago lacks. */
void service_default_on_read(json_t *svc, const struct service_families *families);

/* isMatchingPreferDualStackClusterIPFields: an update of a PreferDualStack
 * Service that changes none of its IP fields leaves them alone. */
bool service_matching_prefer_dual_stack(json_t *spec, json_t *old_spec);

/*
 * initIPFamilyFields on create (old NULL) or update: ipFamilyPolicy
 * defaulted, clusterIPs and ipFamilies checked (the validation of the
 * cluster IP fields first) and ipFamilies completed for the families the
 * cluster serves. Appends upstream's causes to out and returns how many;
 * on causes the Service is refused with 422.
 */
int service_init_ip_families(json_t *svc, json_t *old, const struct service_families *families,
			     struct validation_errors *out);

/* dropTypeDependentFields: on an update that changes the type, the fields
 * the new type has no use for, when the client left them as they were. */
void service_drop_type_dependent_fields(json_t *svc, json_t *old);

/* An ExternalName Service's internalTrafficPolicy, which upstream hides
 * when it reads one (defaultOnReadInternalTrafficPolicy): reads here come
 * straight from the store, so it is left out when written instead. */
void service_hide_internal_traffic_policy(json_t *spec);

#endif
