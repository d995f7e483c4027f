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

/* ---- field.Error builders (validation.c) ---- */

void v_required(struct vctx *c, const char *path, const char *detail);
void v_forbidden(struct vctx *c, const char *path, const char *detail);
void v_invalid(struct vctx *c, const char *path, const char *value, const char *detail);
void v_duplicate(struct vctx *c, const char *path, const char *value);
void v_not_found(struct vctx *c, const char *path, const char *value);
/* supported: NULL-terminated, in the order upstream lists them. */
void v_not_supported(struct vctx *c, const char *path, const char *value,
		     const char *const *supported);
void v_too_long(struct vctx *c, const char *path, int max_bytes);

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

/* ---- kinds (validation_pod.c, validation_core.c, validation_workloads.c) ---- */

/* a container's resources (validation_resources.c) */
void v_resources(struct vctx *c, json_t *res, const char *path);
void v_pod_spec(struct vctx *c, json_t *spec, const char *path);
void v_pod_template_spec(struct vctx *c, json_t *template, const char *path);
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

/* robfig/cron/v3 ParseStandard: NULL, or its error text (in the arena). */
const char *cron_parse_standard(struct vctx *c, const char *spec);

#endif
