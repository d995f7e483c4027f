/*
 * validation_internal.h - what the validation files share: the context of
 * one check (a scratch arena and the error list), field.Error builders,
 * field paths, Go's rendering of the bad values, JSON accessors, and the
 * string formats of k8s.io/apimachinery/pkg/util/validation.
 *
 * A bad value is passed to the builders already rendered the way
 * field.Error.ErrorBody prints it: strings quoted (%q), integers and
 * booleans bare (%v), other values as Go's %#v writes them
 * (map[string]string{"a":"b"}, v1.LabelSelector{...}).
 */
#ifndef PGKUBE_VALIDATION_INTERNAL_H
#define PGKUBE_VALIDATION_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/arena.h"
#include "shared/validation.h"

struct vctx {
	struct arena *arena; /* paths and rendered values, freed after the check */
	struct validation_errors *out;
	bool resource_is_pod; /* PodValidationOptions.ResourceIsPod */
};

/*
 * Whether privileged containers are allowed (kube-apiserver's
 * --allow-privileged, capabilities.Get().AllowPrivileged): set with
 * validation_set_allow_privileged(), true until then.
 */
extern bool validation_allow_privileged;

/* ---- field.Error builders (validation.c) ---- */

void v_required(struct vctx *c, const char *path, const char *detail);
void v_forbidden(struct vctx *c, const char *path, const char *detail);
void v_invalid(struct vctx *c, const char *path, const char *value, const char *detail);
void v_duplicate(struct vctx *c, const char *path, const char *value);
/* A Duplicate whose Detail upstream sets after building it. */
void v_duplicate_detail(struct vctx *c, const char *path, const char *value, const char *detail);
void v_internal(struct vctx *c, const char *path, const char *detail);
void v_not_found(struct vctx *c, const char *path, const char *value);
/* supported: NULL-terminated, in the order upstream lists them. */
void v_not_supported(struct vctx *c, const char *path, const char *value,
		     const char *const *supported);
void v_too_long(struct vctx *c, const char *path, int max_bytes);
/* field.TooLongMaxLength: "may not be longer than <n>". */
void v_too_long_max_length(struct vctx *c, const char *path, int max);

/* ---- field paths: field.Path.Child, .Index, .Key ---- */

const char *vp_child(struct vctx *c, const char *parent, const char *name);
const char *vp_index(struct vctx *c, const char *parent, size_t i);
const char *vp_key(struct vctx *c, const char *parent, const char *key);

/* ---- Go renderings of bad values ---- */

const char *vr_quote(struct vctx *c, const char *s);	 /* %q */
const char *vr_int(struct vctx *c, int64_t n);		 /* %v */
const char *vr_string_map(struct vctx *c, json_t *map);	 /* %#v of map[string]string */
const char *vr_string_list(struct vctx *c, json_t *arr); /* %#v of []string */
const char *vr_label_selector(struct vctx *c, json_t *sel);
const char *vr_int_or_string(struct vctx *c, json_t *v);
/* %#v of a pointer field inside a struct: "(*T)(nil)", or a stand-in address
 * when set (Go prints the real one, which differs on every run). */
const char *vr_pointer(struct vctx *c, const char *type, bool set);
#define GO_POINTER "0xc000000000"

/* ---- JSON accessors: absent, null and wrongly typed read as Go's zero ---- */

json_t *jget(json_t *obj, const char *key);
const char *jstr(json_t *obj, const char *key); /* "" when absent */
bool jhas(json_t *obj, const char *key);	/* present and not null */
int64_t jint(json_t *obj, const char *key);	/* 0 when absent */
bool jbool(json_t *obj, const char *key);
size_t jlen(json_t *arr_or_obj);
/* The keys of an object, sorted (as bytes); NULL-terminated, in the arena. */
const char **jkeys(struct vctx *c, json_t *obj);
/* A NULL-terminated array's membership. */
bool str_in(const char *s, const char *const *list);

/* ---- string formats (validation_format.c): each appends its messages ---- */

#define VMSGS_MAX 8
struct vmsgs {
	const char *m[VMSGS_MAX];
	size_t n;
};

void is_dns1123_label(const char *s, struct vmsgs *out);
void is_dns1123_subdomain(const char *s, struct vmsgs *out);
void is_dns1035_label(const char *s, struct vmsgs *out);
void is_qualified_name(const char *s, struct vmsgs *out);
void is_label_value(const char *s, struct vmsgs *out);
void is_config_map_key(const char *s, struct vmsgs *out);
void is_port_name(const char *s, struct vmsgs *out);
void is_percent(const char *s, struct vmsgs *out);
void is_relaxed_env_var_name(const char *s, struct vmsgs *out);
void is_path_segment_name(const char *s, bool prefix, struct vmsgs *out);
void is_valid_ip(const char *s, struct vmsgs *out);
bool ip_is_v6(const char *s);
/* netutils.ParseIPSloppy: 4 bytes (IPv4, leading zeros allowed) or 16; 0 if not an IP. */
int ip_parse_sloppy(const char *s, unsigned char addr[16]);
/* netutils.ParseCIDRSloppy: the address masked to its prefix, its length in
 * bytes (4 or 16, 0 if not a CIDR) and the prefix length. */
int cidr_parse_sloppy(const char *s, unsigned char net[16], int *prefix);
/* "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)" */
void is_valid_cidr(const char *s, struct vmsgs *out);
void is_wildcard_dns1123_subdomain(const char *s, struct vmsgs *out);
/* "must be between 1 and 65535, inclusive" when not a port number. */
void is_port_num(int64_t n, struct vmsgs *out);

/* A name rule of a kind (apimachinery's ValidateNameFunc). */
enum vname_rule {
	NAME_SUBDOMAIN,
	NAME_LABEL,
	NAME_DNS1035,
	NAME_PATH_SEGMENT,
};
void validate_name_rule(enum vname_rule rule, const char *name, bool prefix, struct vmsgs *out);

/* ValidateDNS1123Label and friends: one Invalid per message at path. */
void v_dns1123_label(struct vctx *c, const char *value, const char *path);
void v_dns1123_subdomain(struct vctx *c, const char *value, const char *path);
void v_qualified_name(struct vctx *c, const char *value, const char *path);
void v_labels(struct vctx *c, json_t *labels, const char *path);
void v_annotations(struct vctx *c, json_t *annotations, const char *path);
void v_nonnegative(struct vctx *c, json_t *obj, const char *key, const char *path);
/* validation.IsValidIP / IsValidCIDR at path: one Invalid per message. */
void v_ip(struct vctx *c, const char *value, const char *path);
void v_cidr(struct vctx *c, const char *value, const char *path);

/* ---- label selectors (validation.c) ---- */

/* ValidateLabelSelector (strict label values); returns whether the selector
 * converts to a labels.Selector (LabelSelectorAsSelector succeeds). */
bool v_label_selector(struct vctx *c, json_t *sel, const char *path);
/* metav1.LabelSelectorAsSelector(sel).Matches(labels); nil matches nothing. */
bool label_selector_json_matches(json_t *sel, json_t *labels);
/* A selector with no matchLabels and no matchExpressions (nil excluded). */
bool label_selector_json_empty(json_t *sel);

/* ---- ObjectMeta (validation.c) ---- */

void v_object_meta(struct vctx *c, json_t *meta, int namespaced, enum vname_rule rule);
void v_object_meta_update(struct vctx *c, json_t *meta, json_t *old_meta);
/* ValidateImmutableField on JSON values; the rendered value is given. */
void v_immutable(struct vctx *c, json_t *new_value, json_t *old_value, const char *path,
		 const char *rendered);
bool json_equal_or_absent(json_t *a, json_t *b);
/* apiequality.Semantic.DeepEqual on JSON: absent, null and empty are equal
 * (validation_pod_update.c). */
bool json_semantic_equal(json_t *a, json_t *b);

/* ---- kinds (validation_pod.c, validation_core.c, validation_workloads.c) ---- */

/* a container's resources (validation_resources.c) */
void v_resources(struct vctx *c, json_t *res, const char *path);
void v_pod_spec(struct vctx *c, json_t *spec, const char *path);
void v_pod_template_spec(struct vctx *c, json_t *template, const char *path);
/* ValidateContainerResourceName: a resource a container (or a metric) may name. */
void v_container_resource_name(struct vctx *c, const char *name, const char *path);
void v_pod(struct vctx *c, json_t *pod);
/* What an update may change in a pod's spec (validation_pod_update.c). */
void v_pod_update(struct vctx *c, json_t *pod, json_t *old);

void v_service(struct vctx *c, json_t *svc, json_t *old);
void v_config_map(struct vctx *c, json_t *cm, json_t *old);
void v_secret(struct vctx *c, json_t *secret, json_t *old);
void v_namespace_spec(struct vctx *c, json_t *ns);
void v_replication_controller(struct vctx *c, json_t *rc, json_t *old);

void v_deployment(struct vctx *c, json_t *obj, json_t *old);
void v_replica_set(struct vctx *c, json_t *obj, json_t *old);
void v_daemon_set(struct vctx *c, json_t *obj, json_t *old);
void v_stateful_set(struct vctx *c, json_t *obj, json_t *old);
void v_job(struct vctx *c, json_t *obj, json_t *old);
void v_cron_job(struct vctx *c, json_t *obj, json_t *old);

/* apps validation's int-or-percent checks (validation_workloads.c). */
void v_positive_int_or_percent(struct vctx *c, json_t *v, const char *path);
void v_not_more_than_100_percent(struct vctx *c, json_t *v, const char *path);

/* ---- the pod spec's security and scheduling (validation_pod_security.c,
 * validation_pod_scheduling.c), in the order ValidatePodSpec runs them ---- */

/* ValidateSecurityContext of one container, at <path>.securityContext. */
void v_container_security_context(struct vctx *c, json_t *ctr, const char *path);
/* validatePodSpecSecurityContext, at <path>.securityContext. */
void v_pod_security_context(struct vctx *c, json_t *spec, const char *path);
/* validateOS and the fields a Linux or a Windows pod may not set. */
void v_pod_os(struct vctx *c, json_t *spec, const char *path);
void v_affinity(struct vctx *c, json_t *affinity, const char *path);
/* ValidateNodeSelector (a required node affinity, a PV's node affinity). */
void v_node_selector(struct vctx *c, json_t *selector, const char *path);
void v_pod_dns_config(struct vctx *c, json_t *spec, const char *path);
void v_topology_spread_constraints(struct vctx *c, json_t *list, const char *path);
void v_tolerations(struct vctx *c, json_t *tolerations, const char *path);
void v_host_aliases(struct vctx *c, json_t *aliases, const char *path);
/* validateTaintEffect: NoSchedule, PreferNoSchedule, NoExecute. */
void v_taint_effect(struct vctx *c, const char *effect, bool allow_empty, const char *path);

/* ---- quantities (validation_resources.c, over shared/quantity.c) ---- */

/* A quantity's value as a long double; false when it does not parse. Exact
 * for values that fit 64 bits of mantissa, which covers storage sizes. */
bool vq_value(struct vctx *c, const char *text, long double *out);
/* Quantity.String(): the canonical text (the text itself if it does not parse). */
const char *vq_string(struct vctx *c, const char *text);
/* %#v of the resource.Quantity a field.Error holds (Go prints the struct:
 * String() has a pointer receiver). */
const char *vq_go_struct(struct vctx *c, const char *text);

/* The access mode rules a PersistentVolume and a claim share. */
void v_access_modes(struct vctx *c, json_t *modes, const char *path);

/* ---- more kinds ---- */

void v_persistent_volume_claim(struct vctx *c, json_t *pvc, json_t *old);
void v_persistent_volume(struct vctx *c, json_t *pv, json_t *old);
void v_storage_class(struct vctx *c, json_t *sc, json_t *old);
void v_node(struct vctx *c, json_t *node, json_t *old);
void v_priority_class(struct vctx *c, json_t *pc, json_t *old);
void v_lease(struct vctx *c, json_t *lease, json_t *old);
void v_role(struct vctx *c, json_t *role, json_t *old, bool cluster);
void v_role_binding(struct vctx *c, json_t *binding, json_t *old, bool cluster);
void v_ingress(struct vctx *c, json_t *ing, json_t *old);
void v_ingress_class(struct vctx *c, json_t *ic, json_t *old);
void v_network_policy(struct vctx *c, json_t *np, json_t *old);
void v_pod_disruption_budget(struct vctx *c, json_t *pdb, json_t *old);
/* autoscaling v1 (targetCPUUtilizationPercentage) or v2 (metrics). */
void v_horizontal_pod_autoscaler(struct vctx *c, json_t *hpa, json_t *old, bool v1);

/* robfig/cron/v3 ParseStandard: NULL, or its error text (in the arena). */
const char *cron_parse_standard(struct vctx *c, const char *spec);

#endif
