/*
 * defaults_hooks.c - the defaulting steps of kube-apiserver v1.32 that are
 * code (see defaults_hooks.h): each hook below names the upstream function
 * it follows, and is bound to its types in the table at the end. The
 * table file shared/catalog/defaults.txt says where each one runs.
 *
 * Like upstream, a hook touches only what Go would see as unset, and adds
 * a map only when something goes into it (an empty Go map is not written).
 */
#include "shared/defaults_hooks.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "shared/image_ref.h"
#include "shared/xalloc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Set in Go terms: not absent, not null. */
static bool present(json_t *v)
{
	return v && !json_is_null(v);
}

/* A Go string field that is "" (absent and null decode to ""). */
static bool string_unset(json_t *v)
{
	return !present(v) || (json_is_string(v) && json_string_length(v) == 0);
}

static const char *string_of(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

/* The object at key of obj, made when absent or null; NULL when key holds something else. */
static json_t *object_made(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (json_is_object(v))
		return v;
	if (present(v))
		return NULL;
	v = json_object();
	json_object_set_new(obj, key, v);
	return v;
}

/* Copies the entries of from whose keys to lacks. */
static void map_fill(json_t *to, json_t *from)
{
	const char *key;
	json_t *v;

	if (!json_is_object(from))
		return;
	json_object_foreach(from, key, v)
	{
		if (!json_object_get(to, key))
			json_object_set_new(to, key, json_deep_copy(v));
	}
}

/* Stores map at key of obj unless it stayed empty (Go omits empty maps); frees it either way. */
static void map_keep(json_t *obj, const char *key, json_t *map)
{
	if (json_object_size(map) > 0)
		json_object_set(obj, key, map);
	json_decref(map);
}

/*
 * The map at key of obj to fill in: the one there, or a new one for
 * map_keep() (*made); NULL when key holds something else.
 */
static json_t *map_to_fill(json_t *obj, const char *key, bool *made)
{
	json_t *v = json_object_get(obj, key);

	*made = false;
	if (json_is_object(v))
		return v;
	if (present(v))
		return NULL;
	*made = true;
	return json_object();
}

/*
 * SetDefaults_Container: imagePullPolicy Always for an image tagged latest
 * or not tagged at all, IfNotPresent otherwise (and for an image the
 * reference parser refuses, whose tag upstream then reads as "").
 */
static void container_image_pull_policy(const struct catalog_type *t, json_t *c)
{
	if (!string_unset(json_object_get(c, "imagePullPolicy")))
		return;
	json_object_set_new(
	    c, "imagePullPolicy",
	    json_string(image_ref_default_pull_policy(string_of(json_object_get(c, "image")))));
}

/* SetDefaults_Volume: a volume with no source at all is an emptyDir. */
static void volume_empty_dir(const struct catalog_type *t, json_t *volume)
{
	for (size_t i = 0; i < t->num_fields; i++) {
		const struct catalog_type *source = t->fields[i].type;

		if (!t->fields[i].embedded)
			continue;
		for (size_t j = 0; j < source->num_fields; j++) {
			if (present(json_object_get(volume, source->fields[j].name)))
				return;
		}
	}
	json_object_set_new(volume, "emptyDir", json_object());
}

/*
 * SetDefaults_Pod: a container (regular or init, not ephemeral) that has
 * limits gets each limit as its request where it names none.
 */
static void pod_requests_from_limits(const struct catalog_type *t, json_t *pod)
{
	static const char *const lists[] = {"containers", "initContainers"};
	json_t *spec = json_object_get(pod, "spec");

	for (size_t l = 0; l < N(lists); l++) {
		json_t *containers = json_object_get(spec, lists[l]), *c;
		size_t i;

		json_array_foreach(containers, i, c)
		{
			json_t *resources = json_object_get(c, "resources");
			json_t *limits = json_object_get(resources, "limits"), *requests;
			bool made;

			if (!json_is_object(limits))
				continue;
			requests = map_to_fill(resources, "requests", &made);
			if (!requests)
				continue;
			map_fill(requests, limits);
			if (made)
				map_keep(resources, "requests", requests);
		}
	}
}

/* SetDefaults_Pod: on the host's network a container port is also its host port. */
static void pod_host_network_ports(const struct catalog_type *t, json_t *pod)
{
	static const char *const lists[] = {"containers", "initContainers"};
	json_t *spec = json_object_get(pod, "spec");

	if (!json_is_true(json_object_get(spec, "hostNetwork")))
		return;
	for (size_t l = 0; l < N(lists); l++) {
		json_t *containers = json_object_get(spec, lists[l]), *c, *port;
		size_t i, j;

		json_array_foreach(containers, i, c)
		{
			json_array_foreach(json_object_get(c, "ports"), j, port)
			{
				json_t *host = json_object_get(port, "hostPort");
				json_t *container = json_object_get(port, "containerPort");

				if (!json_is_object(port) ||
				    (present(host) &&
				     !(json_is_integer(host) && json_integer_value(host) == 0)))
					continue;
				if (json_is_integer(container) &&
				    json_integer_value(container) != 0)
					json_object_set_new(
					    port, "hostPort",
					    json_integer(json_integer_value(container)));
			}
		}
	}
}

/*
 * SetDefaults_Namespace: the kubernetes.io/metadata.name label always
 * holds the namespace's name (it is set, not only filled in).
 */
static void namespace_name_label(const struct catalog_type *t, json_t *ns)
{
	json_t *meta = json_object_get(ns, "metadata"), *labels;
	const char *name = string_of(json_object_get(meta, "name"));

	if (!*name || !(labels = object_made(meta, "labels")))
		return;
	json_object_set_new(labels, "kubernetes.io/metadata.name", json_string(name));
}

/*
 * Not a default but the conversion of a v1 Secret (Convert_v1_Secret_To_core_Secret),
 * which happens at the same point, when a body is decoded: each stringData
 * entry overwrites data's entry of that key, base64-encoded, and stringData
 * itself, write-only, is never stored.
 */
static void secret_string_data(const struct catalog_type *t, json_t *secret)
{
	json_t *strings = json_object_get(secret, "stringData"), *data, *v;
	const char *key;

	(void)t;
	if (json_is_object(strings) && json_object_size(strings) &&
	    (data = object_made(secret, "data"))) {
		json_object_foreach(strings, key, v)
		{
			const char *text = string_of(v);
			size_t n = strlen(text);
			unsigned char *b64 = xcalloc(4 * ((n + 2) / 3) + 1, 1);

			EVP_EncodeBlock(b64, (const unsigned char *)text, (int)n);
			json_object_set_new(data, key, json_string((const char *)b64));
			free(b64);
		}
	}
	json_object_del(secret, "stringData");
}

/*
 * SetDefaults_LimitRangeItem: for containers, a default limit is the max
 * where unnamed, a default request the default limit, else the min.
 */
static void limit_range_item(const struct catalog_type *t, json_t *item)
{
	json_t *def, *req;
	bool def_made, req_made;

	if (strcmp(string_of(json_object_get(item, "type")), "Container") != 0)
		return;
	def = map_to_fill(item, "default", &def_made);
	req = map_to_fill(item, "defaultRequest", &req_made);
	if (def)
		map_fill(def, json_object_get(item, "max"));
	if (req) {
		map_fill(req, def);
		map_fill(req, json_object_get(item, "min"));
	}
	if (def_made)
		map_keep(item, "default", def);
	if (req_made)
		map_keep(item, "defaultRequest", req);
}

/*
 * SetDefaults_Service (LoadBalancerIPMode, on by default since v1.30): a
 * load balancer's ingress point with an IP and no ipMode is a VIP.
 */
static void service_load_balancer_ip_mode(const struct catalog_type *t, json_t *svc)
{
	json_t *status = json_object_get(svc, "status"), *ing;
	json_t *ingress = json_object_get(json_object_get(status, "loadBalancer"), "ingress");
	size_t i;

	if (strcmp(string_of(json_object_get(json_object_get(svc, "spec"), "type")),
		   "LoadBalancer") != 0)
		return;
	json_array_foreach(ingress, i, ing)
	{
		if (json_is_object(ing) && !string_unset(json_object_get(ing, "ip")) &&
		    !present(json_object_get(ing, "ipMode")))
			json_object_set_new(ing, "ipMode", json_string("VIP"));
	}
}

/*
 * SetDefaults_CustomResourceDefinitionSpec: the singular name is the kind
 * in lower case, the list kind the kind followed by "List". Kinds are
 * ASCII once valid, so ASCII lower-casing stands in for strings.ToLower.
 */
static void crd_names(const struct catalog_type *t, json_t *spec)
{
	json_t *names = json_object_get(spec, "names");
	const char *kind = string_of(json_object_get(names, "kind"));

	if (!*kind || (present(names) && !json_is_object(names)))
		return;
	names = object_made(spec, "names");
	if (string_unset(json_object_get(names, "singular"))) {
		char *lower = strdup(kind);

		if (!lower)
			abort();
		for (char *p = lower; *p; p++) {
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		}
		json_object_set_new(names, "singular", json_string(lower));
		free(lower);
	}
	if (string_unset(json_object_get(names, "listKind")))
		json_object_set_new(names, "listKind", json_sprintf("%sList", kind));
}

/*
 * SetDefaults_CustomResourceDefinition: with no stored versions yet, the
 * first version marked storage is the one stored.
 */
static void crd_stored_versions(const struct catalog_type *t, json_t *crd)
{
	json_t *status = json_object_get(crd, "status"), *versions, *v;
	size_t i;

	if (json_array_size(json_object_get(status, "storedVersions")) > 0)
		return;
	versions = json_object_get(json_object_get(crd, "spec"), "versions");
	json_array_foreach(versions, i, v)
	{
		if (!json_is_true(json_object_get(v, "storage")))
			continue;
		if ((status = object_made(crd, "status")))
			json_object_set_new(
			    status, "storedVersions",
			    json_pack("[s]", string_of(json_object_get(v, "name"))));
		return;
	}
}

/*
 * autoscaling/v1 keeps its metrics other than CPU in an annotation;
 * Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler
 * gives an HPA with neither a CPU target nor other metrics the target of
 * 80% CPU, which it then carries as targetCPUUtilizationPercentage.
 */
static void hpa_v1_cpu_target(const struct catalog_type *t, json_t *hpa)
{
	json_t *annotations = json_object_get(json_object_get(hpa, "metadata"), "annotations");
	json_t *other = json_object_get(annotations, "autoscaling.alpha.kubernetes.io/metrics");
	json_t *spec = json_object_get(hpa, "spec");

	if (present(json_object_get(spec, "targetCPUUtilizationPercentage")))
		return;
	if (json_is_string(other)) {
		json_t *metrics = json_loads(json_string_value(other), JSON_DECODE_ANY, NULL);
		bool none = metrics && (json_is_null(metrics) ||
					(json_is_array(metrics) && json_array_size(metrics) == 0));

		json_decref(metrics);
		if (!none)
			return;
	}
	if ((spec = object_made(hpa, "spec")))
		json_object_set_new(spec, "targetCPUUtilizationPercentage", json_integer(80));
}

static const struct {
	const char *name;
	const char *type;
	defaults_hook_fn *fn;
} hooks[] = {
    {"container_image_pull_policy", "k8s.io.api.core.v1.Container", container_image_pull_policy},
    {"container_image_pull_policy", "k8s.io.api.core.v1.EphemeralContainerCommon",
     container_image_pull_policy},
    {"volume_empty_dir", "k8s.io.api.core.v1.Volume", volume_empty_dir},
    {"pod_requests_from_limits", "k8s.io.api.core.v1.Pod", pod_requests_from_limits},
    {"pod_host_network_ports", "k8s.io.api.core.v1.Pod", pod_host_network_ports},
    {"namespace_name_label", "k8s.io.api.core.v1.Namespace", namespace_name_label},
    {"secret_string_data", "k8s.io.api.core.v1.Secret", secret_string_data},
    {"limit_range_item", "k8s.io.api.core.v1.LimitRangeItem", limit_range_item},
    {"service_load_balancer_ip_mode", "k8s.io.api.core.v1.Service", service_load_balancer_ip_mode},
    {"crd_names",
     "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec",
     crd_names},
    {"crd_stored_versions",
     "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
     crd_stored_versions},
    {"hpa_v1_cpu_target", "k8s.io.api.autoscaling.v1.HorizontalPodAutoscaler", hpa_v1_cpu_target},
};

defaults_hook_fn *defaults_hook_find(const char *name, const char *type_name, bool *known)
{
	*known = false;
	for (size_t i = 0; i < N(hooks); i++) {
		if (strcmp(hooks[i].name, name) != 0)
			continue;
		*known = true;
		if (strcmp(hooks[i].type, type_name) == 0)
			return hooks[i].fn;
	}
	return NULL;
}
