/*
 * rest_strategy.c - the registry strategies' own fields (see
 * rest_strategy.h), kind by kind as kube-apiserver v1.32 sets them.
 *
 * One table row per resource that has a status subresource, plus the few
 * others whose strategies set fields: how create treats the status (reset
 * to the zero value of its Go type, or kept), which metadata a write to
 * /status may not change, and the steps of the kind's own strategy.go
 * that compute something. The zero status is what encoding/json writes for
 * a zero Go struct (the catalog knows which fields have no omitempty), so
 * a Service gets {"loadBalancer":{}} and a ReplicaSet {"replicas":0}
 * without a line of code per kind.
 */
#include "worker/rest_strategy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/arena.h"
#include "shared/catalog.h"
#include "shared/defaults.h"
#include "shared/quantity.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum create_status {
	STATUS_RESET, /* the zero value of the status type, as PrepareForCreate sets it */
	STATUS_KEPT,  /* as sent: Nodes are registered by their kubelet, status and all */
};

/* Metadata a write to /status takes from the stored object (spec always). */
enum {
	KEEP_LABELS = 1 << 0,
	KEEP_ANNOTATIONS = 1 << 1,
	KEEP_FINALIZERS = 1 << 2,
	KEEP_OWNER_REFERENCES = 1 << 3,
	KEEP_ALL_METADATA = 1 << 4, /* the whole ObjectMeta but managedFields */
};

/* metav1.ResetObjectMetaForStatus; its deletionTimestamp and generation
 * are kept for every kind (strategy_prepare_status_update). */
#define KEEP_META_FOR_STATUS                                                                       \
	(KEEP_LABELS | KEEP_ANNOTATIONS | KEEP_FINALIZERS | KEEP_OWNER_REFERENCES)

/* sent: the status as the client sent it (NULL for none), before the reset. */
typedef void create_step(json_t *obj, json_t *sent, const struct strategy_request *r);
typedef void update_step(json_t *obj, json_t *old);
typedef void status_step(json_t *obj, json_t *old, const struct strategy_request *r);

struct rule {
	const char *group, *resource;
	enum create_status create;
	unsigned status_keeps;
	create_step *on_create; /* after the status is reset */
	update_step *on_update; /* the main strategy's PrepareForUpdate */
	status_step *on_status; /* the status strategy's PrepareForUpdate */
};

/* ---- helpers ---- */

/* Set in Go terms: not absent, not null. */
static bool present(json_t *v)
{
	return v && !json_is_null(v);
}

static const char *string_of(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

/* The object at key of obj, made when absent or not an object. */
static json_t *object_made(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_object(v)) {
		v = json_object();
		json_object_set_new(obj, key, v);
	}
	return v;
}

/* The array at key of obj, made when absent or not an array. */
static json_t *array_made(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_array(v)) {
		v = json_array();
		json_object_set_new(obj, key, v);
	}
	return v;
}

/* obj[key] = from[key], or no key when from has none. */
static void copy_member(json_t *obj, json_t *from, const char *key)
{
	json_t *v = json_object_get(from, key);

	if (v)
		json_object_set(obj, key, v);
	else
		json_object_del(obj, key);
}

static json_t *meta_of(json_t *obj)
{
	return json_object_get(obj, "metadata");
}

/* ---- Pod (pkg/registry/core/pod/strategy.go) ---- */

enum { QOS_CPU, QOS_MEMORY, QOS_RESOURCES };

#define QOS_ALL_FOUND ((1u << QOS_RESOURCES) - 1)

/* The sum of a container list's positive cpu and memory quantities. */
struct qos_sums {
	struct quantity sum[QOS_RESOURCES];
	bool set[QOS_RESOURCES];
	bool too_long[QOS_RESOURCES]; /* a sum of thousands of digits: equal to nothing */
};

static const char *const qos_resources[QOS_RESOURCES] = {"cpu", "memory"};

/* Adds the positive cpu and memory quantities of list into sums; returns
 * which of them it found (a bit per resource). */
static unsigned qos_add(struct arena *a, struct qos_sums *sums, json_t *list)
{
	static const struct quantity zero = {.digits = ""};
	unsigned found = 0;

	for (int i = 0; i < QOS_RESOURCES; i++) {
		json_t *v = json_object_get(list, qos_resources[i]);
		struct quantity q;

		if (!json_is_string(v) || quantity_parse(a, json_string_value(v), &q) < 0 ||
		    quantity_compare(&q, &zero) <= 0)
			continue;
		found |= 1u << i;
		if (!sums->set[i])
			sums->sum[i] = q;
		else if (quantity_add(a, &sums->sum[i], &q, &sums->sum[i]) < 0)
			sums->too_long[i] = true;
		sums->set[i] = true;
	}
	return found;
}

/* ComputePodQOS: ephemeral containers have no resources and do not count. */
static const char *pod_qos_computed(json_t *pod)
{
	static const char *const lists[] = {"containers", "initContainers"};
	struct arena a = {0};
	struct qos_sums requests = {0}, limits = {0};
	json_t *spec = json_object_get(pod, "spec"), *c;
	bool guaranteed = true, any = false;
	const char *qos;
	size_t i;

	for (size_t l = 0; l < N(lists); l++) {
		json_array_foreach(json_object_get(spec, lists[l]), i, c)
		{
			json_t *res = json_object_get(c, "resources");

			qos_add(&a, &requests, json_object_get(res, "requests"));
			/* Guaranteed needs every container to limit both cpu and memory. */
			if (qos_add(&a, &limits, json_object_get(res, "limits")) != QOS_ALL_FOUND)
				guaranteed = false;
		}
	}
	for (int r = 0; r < QOS_RESOURCES; r++) {
		any = any || requests.set[r] || limits.set[r];
		/* Each request must equal its limit, and no limit may lack a request. */
		if (requests.set[r] != limits.set[r] || requests.too_long[r] ||
		    limits.too_long[r] ||
		    (requests.set[r] && quantity_compare(&requests.sum[r], &limits.sum[r]) != 0))
			guaranteed = false;
	}
	qos = !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
	arena_free(&a);
	return qos;
}

const char *strategy_pod_qos(json_t *pod)
{
	json_t *qos = json_object_get(json_object_get(pod, "status"), "qosClass");

	/* GetPodQOS trusts a class the pod already has. */
	if (json_is_string(qos) && json_string_length(qos) > 0)
		return json_string_value(qos);
	return pod_qos_computed(pod);
}

/*
 * mutatePodAffinity (MatchLabelKeysInPodAffinity, beta and on in v1.32):
 * a term's matchLabelKeys and mismatchLabelKeys become "key In (value)"
 * and "key NotIn (value)" requirements of its label selector, with the
 * values of the pod's own labels; keys the pod lacks are passed over, and
 * a term without a selector (which matches nothing) is left alone.
 */
static void affinity_term_merge_label_keys(json_t *term, json_t *labels)
{
	static const struct {
		const char *field, *op;
	} keys[] = {{"matchLabelKeys", "In"}, {"mismatchLabelKeys", "NotIn"}};
	json_t *selector = json_object_get(term, "labelSelector"), *key;
	size_t i;

	if (!json_is_object(selector))
		return;
	for (size_t k = 0; k < N(keys); k++) {
		json_array_foreach(json_object_get(term, keys[k].field), i, key)
		{
			json_t *value = json_object_get(labels, string_of(key));

			if (!json_is_string(value))
				continue;
			json_array_append_new(array_made(selector, "matchExpressions"),
					      json_pack("{s:O, s:s, s:[O]}", "key", key, "operator",
							keys[k].op, "values", value));
		}
	}
}

static void pod_affinity_merge_label_keys(json_t *pod)
{
	static const char *const kinds[] = {"podAffinity", "podAntiAffinity"};
	json_t *affinity = json_object_get(json_object_get(pod, "spec"), "affinity");
	json_t *labels = json_object_get(meta_of(pod), "labels"), *term;
	size_t i;

	for (size_t k = 0; k < N(kinds); k++) {
		json_t *a = json_object_get(affinity, kinds[k]);
		json_t *preferred =
		    json_object_get(a, "preferredDuringSchedulingIgnoredDuringExecution");
		json_t *required =
		    json_object_get(a, "requiredDuringSchedulingIgnoredDuringExecution");

		json_array_foreach(preferred, i, term)
		{
			affinity_term_merge_label_keys(json_object_get(term, "podAffinityTerm"),
						       labels);
		}
		json_array_foreach(required, i, term)
		{
			affinity_term_merge_label_keys(term, labels);
		}
	}
}

/*
 * The status a new pod starts with: Pending, its QoS class, and, while
 * scheduling gates hold it, the PodScheduled=False condition
 * (applySchedulingGatedCondition). The condition is a PodCondition as Go
 * writes it: lastProbeTime is a zero metav1.Time, which encodes as null.
 */
static void pod_create(json_t *pod, json_t *sent, const struct strategy_request *r)
{
	json_t *probe = json_object(), *status = object_made(pod, "status");

	/* GetPodQOS runs on the pod as sent, before its status is replaced. */
	if (json_object_get(pod, "spec"))
		json_object_set(probe, "spec", json_object_get(pod, "spec"));
	if (sent)
		json_object_set(probe, "status", sent);
	json_object_set_new(status, "phase", json_string("Pending"));
	json_object_set_new(status, "qosClass", json_string(strategy_pod_qos(probe)));
	json_decref(probe);
	if (json_array_size(json_object_get(json_object_get(pod, "spec"), "schedulingGates")) > 0)
		json_array_append_new(
		    array_made(status, "conditions"),
		    json_pack("{s:s, s:s, s:n, s:s, s:s, s:s}", "type", "PodScheduled", "status",
			      "False", "lastProbeTime", "lastTransitionTime", r->now, "reason",
			      "SchedulingGated", "message",
			      "Scheduling is blocked due to non-empty scheduling gates"));
	pod_affinity_merge_label_keys(pod);
}

/* The QoS class is fixed at creation; a status write without one keeps it
 * (old kubelets dropped it when they rejected a pod). */
static void pod_status(json_t *pod, json_t *old, const struct strategy_request *r)
{
	json_t *qos = json_object_get(json_object_get(pod, "status"), "qosClass");
	json_t *old_qos = json_object_get(json_object_get(old, "status"), "qosClass");

	(void)r;
	if ((!json_is_string(qos) || json_string_length(qos) == 0) && json_is_string(old_qos) &&
	    json_string_length(old_qos) > 0)
		json_object_set(object_made(pod, "status"), "qosClass", old_qos);
}

/* ---- Node: dropDisabledFields on create (dynamic kubelet config is gone) ---- */

static void node_create(json_t *node, json_t *sent, const struct strategy_request *r)
{
	(void)sent;
	(void)r;
	json_object_del(json_object_get(node, "spec"), "configSource");
	json_object_del(json_object_get(node, "status"), "config");
}

/* ---- PersistentVolume: the phase and when it last changed ---- */

static void persistent_volume_create(json_t *pv, json_t *sent, const struct strategy_request *r)
{
	json_t *status = object_made(pv, "status");

	(void)sent;
	json_object_set_new(status, "phase", json_string("Pending"));
	json_object_set_new(status, "lastPhaseTransitionTime", json_string(r->now));
}

/*
 * A phase change stamps lastPhaseTransitionTime with now, unless the
 * writer set a new time itself; an unchanged phase keeps the stored time
 * when the writer sent none.
 */
static void persistent_volume_status(json_t *pv, json_t *old, const struct strategy_request *r)
{
	json_t *status = object_made(pv, "status"), *old_status = json_object_get(old, "status");
	json_t *time = json_object_get(status, "lastPhaseTransitionTime");
	json_t *old_time = json_object_get(old_status, "lastPhaseTransitionTime");
	bool same_phase = strcmp(string_of(json_object_get(status, "phase")),
				 string_of(json_object_get(old_status, "phase"))) == 0;

	if (same_phase && !present(time)) {
		copy_member(status, old_status, "lastPhaseTransitionTime");
	} else if (!same_phase &&
		   (!present(time) || (present(old_time) && json_equal(time, old_time)))) {
		json_object_set_new(status, "lastPhaseTransitionTime", json_string(r->now));
	}
}

/* ---- DaemonSet: spec.templateGeneration, an annotation in apps/v1 ---- */

#define TEMPLATE_GENERATION "deprecated.daemonset.template.generation"

/* The template generation apps/v1 keeps in an annotation (0 when none). */
static long long template_generation(json_t *ds)
{
	const char *v = string_of(
	    json_object_get(json_object_get(meta_of(ds), "annotations"), TEMPLATE_GENERATION));

	return strtoll(v, NULL, 10);
}

static void set_template_generation(json_t *ds, long long gen)
{
	char text[24];

	snprintf(text, sizeof(text), "%lld", gen);
	json_object_set_new(object_made(object_made(ds, "metadata"), "annotations"),
			    TEMPLATE_GENERATION, json_string(text));
}

static void daemon_set_create(json_t *ds, json_t *sent, const struct strategy_request *r)
{
	long long gen = template_generation(ds);

	(void)sent;
	(void)r;
	set_template_generation(ds, gen < 1 ? 1 : gen);
}

/* An update may not set the template generation; a new template moves it on. */
static void daemon_set_update(json_t *ds, json_t *old)
{
	long long gen = template_generation(old);
	json_t *template = json_object_get(json_object_get(ds, "spec"), "template");
	json_t *old_template = json_object_get(json_object_get(old, "spec"), "template");

	if (!(template == old_template ||
	      (template && old_template && json_equal(template, old_template))))
		gen++;
	if (gen) {
		set_template_generation(ds, gen);
	} else {
		json_t *annotations = json_object_get(meta_of(ds), "annotations");

		/* Without a generation there is no annotation, nor an empty map. */
		json_object_del(annotations, TEMPLATE_GENERATION);
		if (json_is_object(annotations) && json_object_size(annotations) == 0)
			json_object_del(meta_of(ds), "annotations");
	}
}

/* ---- Job: the generated selector (jobStrategy.Validate's generateSelector) ---- */

/*
 * Unless spec.manualSelector is true, the pod template gets the job's name
 * and uid as labels, under the batch.kubernetes.io/ keys and the legacy
 * unprefixed ones, and the selector matches the uid. Labels the template
 * already has are left as they are: a conflict is validation's to report.
 */
static void job_create(json_t *job, json_t *sent, const struct strategy_request *r)
{
	json_t *meta = meta_of(job), *spec = object_made(job, "spec"), *labels, *match;
	json_t *name = json_object_get(meta, "name"), *uid = json_object_get(meta, "uid");
	static const char *const name_keys[] = {"job-name", "batch.kubernetes.io/job-name"};
	static const char *const uid_keys[] = {"controller-uid",
					       "batch.kubernetes.io/controller-uid"};

	(void)sent;
	(void)r;
	if (json_is_true(json_object_get(spec, "manualSelector")))
		return;
	labels = object_made(object_made(object_made(spec, "template"), "metadata"), "labels");
	for (size_t i = 0; i < N(name_keys); i++)
		if (!json_object_get(labels, name_keys[i]))
			json_object_set_new(labels, name_keys[i], json_string(string_of(name)));
	for (size_t i = 0; i < N(uid_keys); i++)
		if (!json_object_get(labels, uid_keys[i]))
			json_object_set_new(labels, uid_keys[i], json_string(string_of(uid)));
	match = object_made(object_made(spec, "selector"), "matchLabels");
	if (!json_object_get(match, uid_keys[1]))
		json_object_set_new(match, uid_keys[1], json_string(string_of(uid)));
}

/* ---- CertificateSigningRequest ---- */

/* The requester is whoever creates the request, never what the body says. */
static void csr_create(json_t *csr, json_t *sent, const struct strategy_request *r)
{
	json_t *spec = object_made(csr, "spec");
	const struct user_info *u = r->user;

	(void)sent;
	json_object_del(spec, "username");
	json_object_del(spec, "uid");
	json_object_del(spec, "groups");
	json_object_del(spec, "extra");
	if (!u)
		return;
	if (u->name && *u->name)
		json_object_set_new(spec, "username", json_string(u->name));
	if (u->uid && *u->uid)
		json_object_set_new(spec, "uid", json_string(u->uid));
	if (u->num_groups) {
		json_t *groups = json_array();

		for (size_t i = 0; i < u->num_groups; i++)
			json_array_append_new(groups, json_string(u->groups[i]));
		json_object_set_new(spec, "groups", groups);
	}
	if (u->num_extra) {
		json_t *extra = json_object();

		for (size_t i = 0; i < u->num_extra; i++) {
			json_t *values = json_array();

			for (size_t j = 0; j < u->extra[i].num_values; j++)
				json_array_append_new(values, json_string(u->extra[i].values[j]));
			json_object_set_new(extra, u->extra[i].key, values);
		}
		json_object_set_new(spec, "extra", extra);
	}
}

/* A request is immutable but through its subresources. */
static void csr_update(json_t *csr, json_t *old)
{
	copy_member(csr, old, "spec");
}

static bool condition_is(json_t *c, const char *type)
{
	return strcmp(string_of(json_object_get(c, "type")), type) == 0;
}

static size_t conditions_of_type(json_t *conditions, const char *type)
{
	size_t n = 0, i;
	json_t *c;

	json_array_foreach(conditions, i, c)
	{
		if (condition_is(c, type))
			n++;
	}
	return n;
}

/* The nth condition of a type (from 0); one that exists. */
static json_t *nth_condition_of_type(json_t *conditions, const char *type, size_t nth)
{
	size_t i;
	json_t *c;

	json_array_foreach(conditions, i, c)
	{
		if (condition_is(c, type) && nth-- == 0)
			return c;
	}
	return NULL;
}

/*
 * A status write may not touch the Approved and Denied conditions (the
 * approval subresource owns them): where it keeps their number, the
 * stored ones are put back in place, type by type. (Where it adds or drops
 * one, upstream's status validation refuses the write; that validation is
 * not built here.) Conditions without times then get now, or the
 * transition time of a stored condition of the same type and status.
 */
static void csr_status(json_t *csr, json_t *old, const struct strategy_request *r)
{
	static const char *const approval[] = {"Approved", "Denied"};
	json_t *status = object_made(csr, "status"), *old_status = json_object_get(old, "status");
	json_t *conditions = json_object_get(status, "conditions");
	json_t *old_conditions = json_object_get(old_status, "conditions"), *c, *oc;
	size_t i, j;

	for (size_t k = 0; k < N(approval); k++) {
		size_t m = 0;

		if (conditions_of_type(conditions, approval[k]) !=
		    conditions_of_type(old_conditions, approval[k]))
			continue;
		/* Copies: the times below are filled into them, not into old. */
		json_array_foreach(conditions, i, c)
		{
			if (condition_is(c, approval[k]))
				json_array_set_new(conditions, i,
						   json_deep_copy(nth_condition_of_type(
						       old_conditions, approval[k], m++)));
		}
	}
	json_array_foreach(json_object_get(status, "conditions"), i, c)
	{
		if (!json_is_object(c))
			continue;
		if (!present(json_object_get(c, "lastUpdateTime")))
			json_object_set_new(c, "lastUpdateTime", json_string(r->now));
		if (present(json_object_get(c, "lastTransitionTime")))
			continue;
		json_object_set_new(c, "lastTransitionTime", json_string(r->now));
		json_array_foreach(old_conditions, j, oc)
		{
			if (json_equal(json_object_get(oc, "type"), json_object_get(c, "type")) &&
			    json_equal(json_object_get(oc, "status"),
				       json_object_get(c, "status")) &&
			    present(json_object_get(oc, "lastTransitionTime"))) {
				json_object_set(c, "lastTransitionTime",
						json_object_get(oc, "lastTransitionTime"));
				break;
			}
		}
	}
}

/* ---- CustomResourceDefinition: the storage version is recorded as stored ---- */

static void crd_record_storage_version(json_t *crd)
{
	json_t *versions = json_object_get(json_object_get(crd, "spec"), "versions"), *v, *s;
	size_t i, j;

	json_array_foreach(versions, i, v)
	{
		json_t *stored;

		if (!json_is_true(json_object_get(v, "storage")))
			continue;
		stored = array_made(object_made(crd, "status"), "storedVersions");
		json_array_foreach(stored, j, s)
		{
			if (json_equal(s, json_object_get(v, "name")))
				return;
		}
		json_array_append(stored, json_object_get(v, "name"));
		return;
	}
}

static void crd_create(json_t *crd, json_t *sent, const struct strategy_request *r)
{
	(void)sent;
	(void)r;
	crd_record_storage_version(crd);
}

static void crd_update(json_t *crd, json_t *old)
{
	(void)old;
	crd_record_storage_version(crd);
}

/* ---- APIService: a local one (no service) is available at once ---- */

static void api_service_create(json_t *as, json_t *sent, const struct strategy_request *r)
{
	(void)sent;
	if (present(json_object_get(json_object_get(as, "spec"), "service")))
		return;
	json_array_append_new(array_made(object_made(as, "status"), "conditions"),
			      json_pack("{s:s, s:s, s:s, s:s, s:s}", "type", "Available", "status",
					"True", "lastTransitionTime", r->now, "reason", "Local",
					"message", "Local APIServices are always available"));
}

/* ---- the table ---- */

static const struct rule rules[] = {
    {"", "namespaces", STATUS_RESET, 0, NULL, NULL, NULL},
    {"", "nodes", STATUS_KEPT, 0, node_create, NULL, NULL},
    {"", "persistentvolumeclaims", STATUS_RESET, 0, NULL, NULL, NULL},
    {"", "persistentvolumes", STATUS_RESET, 0, persistent_volume_create, NULL,
     persistent_volume_status},
    {"", "pods", STATUS_RESET, KEEP_OWNER_REFERENCES, pod_create, NULL, pod_status},
    {"", "replicationcontrollers", STATUS_RESET, 0, NULL, NULL, NULL},
    {"", "resourcequotas", STATUS_RESET, 0, NULL, NULL, NULL},
    {"", "services", STATUS_RESET, 0, NULL, NULL, NULL},
    {"admissionregistration.k8s.io", "validatingadmissionpolicies", STATUS_RESET,
     KEEP_META_FOR_STATUS, NULL, NULL, NULL},
    /* Its status strategy resets the metadata to the new object's own: a no-op. */
    {"apiextensions.k8s.io", "customresourcedefinitions", STATUS_RESET, 0, crd_create, crd_update,
     NULL},
    /* It resets the same metadata field by field. */
    {"apiregistration.k8s.io", "apiservices", STATUS_RESET, KEEP_META_FOR_STATUS,
     api_service_create, NULL, NULL},
    {"apps", "daemonsets", STATUS_RESET, 0, daemon_set_create, daemon_set_update, NULL},
    {"apps", "deployments", STATUS_RESET, KEEP_LABELS, NULL, NULL, NULL},
    {"apps", "replicasets", STATUS_RESET, 0, NULL, NULL, NULL},
    {"apps", "statefulsets", STATUS_RESET, 0, NULL, NULL, NULL},
    {"autoscaling", "horizontalpodautoscalers", STATUS_RESET, 0, NULL, NULL, NULL},
    {"batch", "cronjobs", STATUS_RESET, 0, NULL, NULL, NULL},
    {"batch", "jobs", STATUS_RESET, 0, job_create, NULL, NULL},
    {"certificates.k8s.io", "certificatesigningrequests", STATUS_RESET, 0, csr_create, csr_update,
     csr_status},
    {"flowcontrol.apiserver.k8s.io", "flowschemas", STATUS_RESET, KEEP_ALL_METADATA, NULL, NULL,
     NULL},
    {"flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", STATUS_RESET, KEEP_ALL_METADATA,
     NULL, NULL, NULL},
    {"networking.k8s.io", "ingresses", STATUS_RESET, 0, NULL, NULL, NULL},
    {"policy", "poddisruptionbudgets", STATUS_RESET, 0, NULL, NULL, NULL},
    {"storage.k8s.io", "volumeattachments", STATUS_RESET, KEEP_META_FOR_STATUS, NULL, NULL, NULL},
};

static const struct rule *rule_of(const char *group, const char *resource)
{
	for (size_t i = 0; i < N(rules); i++)
		if (strcmp(rules[i].resource, resource) == 0 && strcmp(rules[i].group, group) == 0)
			return &rules[i];
	return NULL;
}

bool strategy_known(const char *group, const char *resource)
{
	return rule_of(group, resource) != NULL;
}

/* The zero value of obj's status type: {} when the catalog has no status type. */
static json_t *zero_status(json_t *obj)
{
	const struct catalog_type *t = catalog_kind_of(
	    string_of(json_object_get(obj, "apiVersion")), string_of(json_object_get(obj, "kind")));
	const struct catalog_field *f = t ? catalog_field_in(t, "status") : NULL;

	if (!f || f->scalar != CATALOG_MESSAGE || f->type->special != CATALOG_PLAIN)
		return json_object();
	return catalog_zero_object(f->type);
}

void strategy_prepare_create(const char *group, const char *resource, json_t *obj,
			     const struct strategy_request *r)
{
	const struct rule *rule = rule_of(group, resource);
	json_t *sent;

	if (!rule)
		return;
	sent = json_incref(json_object_get(obj, "status"));
	if (rule->create == STATUS_RESET)
		json_object_set_new(obj, "status", zero_status(obj));
	if (rule->on_create)
		rule->on_create(obj, sent, r);
	json_decref(sent);
	/*
	 * Upstream hands back what it decoded from storage, defaulted again:
	 * defaults of what the strategy cleared or added come in (a claim's
	 * phase Pending; a Job without labels takes its template's, the
	 * generated ones included).
	 */
	if (rule->create == STATUS_RESET)
		defaults_apply_object(obj);
}

void strategy_prepare_update(const char *group, const char *resource, json_t *obj, json_t *old)
{
	const struct rule *rule = rule_of(group, resource);

	if (rule && rule->on_update)
		rule->on_update(obj, old);
}

/*
 * customResourceStatusStrategy: the stored object with the body's status
 * (or none) and the body's managedFields, which the field manager has
 * already worked out for this write.
 */
static void status_only(json_t *obj, json_t *old)
{
	json_t *status = json_incref(json_object_get(obj, "status"));
	json_t *managers = json_incref(json_object_get(meta_of(obj), "managedFields"));
	json_t *meta;

	json_object_clear(obj);
	json_object_update(obj, old);
	json_object_del(obj, "status");
	if (status)
		json_object_set_new(obj, "status", status);
	meta = json_is_object(meta_of(old)) ? json_deep_copy(meta_of(old)) : json_object();
	json_object_del(meta, "managedFields");
	if (managers)
		json_object_set_new(meta, "managedFields", managers);
	json_object_set_new(obj, "metadata", meta);
}

void strategy_prepare_status_update(const char *group, const char *resource, json_t *obj,
				    json_t *old, const struct strategy_request *r)
{
	static const struct {
		unsigned flag;
		const char *field;
	} kept[] = {
	    {KEEP_LABELS, "labels"},
	    {KEEP_ANNOTATIONS, "annotations"},
	    {KEEP_FINALIZERS, "finalizers"},
	    {KEEP_OWNER_REFERENCES, "ownerReferences"},
	};
	/* What rest.BeforeUpdate keeps of every kind. */
	static const char *const always[] = {"uid", "creationTimestamp", "deletionTimestamp",
					     "deletionGracePeriodSeconds", "generation"};
	const struct rule *rule = rule_of(group, resource);
	unsigned keeps = rule ? rule->status_keeps : 0;
	json_t *meta = object_made(obj, "metadata"), *old_meta = meta_of(old);

	if (!rule) {
		status_only(obj, old);
		return;
	}
	copy_member(obj, old, "spec");
	if (keeps & KEEP_ALL_METADATA) {
		json_t *copy = json_is_object(old_meta) ? json_deep_copy(old_meta) : json_object();

		copy_member(copy, meta, "managedFields");
		json_object_set_new(obj, "metadata", copy);
		meta = copy;
	}
	for (size_t i = 0; i < N(kept); i++)
		if (keeps & kept[i].flag)
			copy_member(meta, old_meta, kept[i].field);
	for (size_t i = 0; i < N(always); i++)
		copy_member(meta, old_meta, always[i]);
	if (rule->on_status)
		rule->on_status(obj, old, r);
}
