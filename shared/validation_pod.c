/*
 * validation_pod.c - PodSpec validation as pkg/apis/core/validation does it
 * in v1.32 (ValidatePodSpec and what it calls), for Pods and for the pod
 * templates of workloads: volumes and their sources, containers and init
 * containers (names, images, ports, env, volume mounts, probes, resources,
 * security contexts), the pod-level policies and names, in the order
 * ValidatePodSpec runs its checks. The security settings are in
 * validation_pod_security.c, affinity, topology spread, tolerations and DNS
 * in validation_pod_scheduling.c.
 *
 * Left out, as rarer than what is here: resource claims, ephemeral
 * containers, env valueFrom, volume devices, and the inner fields of the
 * less common volume sources (only the one-source rule applies to those).
 */
#include <string.h>

#include "shared/validation_internal.h"

#define FILE_MODE_ERROR "must be a number between 0 and 0777 (octal), both inclusive"

/* The VolumeSource members in upstream's order, and the path its "may not
 * specify more than 1 volume type" error names (two are misspelt there). */
static const struct {
	const char *json, *forbidden_path;
} volume_sources[] = {
    {"emptyDir", "emptyDir"},
    {"hostPath", "hostPath"},
    {"gitRepo", "gitRepo"},
    {"gcePersistentDisk", "gcePersistentDisk"},
    {"awsElasticBlockStore", "awsElasticBlockStore"},
    {"secret", "secret"},
    {"nfs", "nfs"},
    {"iscsi", "iscsi"},
    {"glusterfs", "glusterfs"},
    {"flocker", "flocker"},
    {"persistentVolumeClaim", "persistentVolumeClaim"},
    {"rbd", "rbd"},
    {"cinder", "cinder"},
    {"cephfs", "cephFS"},
    {"quobyte", "quobyte"},
    {"downwardAPI", "downwarAPI"},
    {"fc", "fc"},
    {"flexVolume", "flexVolume"},
    {"configMap", "configMap"},
    {"azureFile", "azureFile"},
    {"vsphereVolume", "vsphereVolume"},
    {"photonPersistentDisk", "photonPersistentDisk"},
    {"portworxVolume", "portworxVolume"},
    {"azureDisk", "azureDisk"},
    {"storageos", "storageos"},
    {"projected", "projected"},
    {"scaleIO", "scaleIO"},
    {"csi", "csi"},
    {"ephemeral", "ephemeral"},
    {"image", "image"},
};

/* ---- paths inside volumes ---- */

static bool has_backstep(const char *p)
{
	const char *seg = p;

	for (;;) {
		const char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);

		if (len == 2 && seg[0] == '.' && seg[1] == '.')
			return true;
		if (!slash)
			return false;
		seg = slash + 1;
	}
}

static void v_no_backsteps(struct vctx *c, const char *p, const char *path)
{
	if (has_backstep(p))
		v_invalid(c, path, vr_quote(c, p), "must not contain '..'");
}

/* validateLocalDescendingPath */
static void v_local_descending(struct vctx *c, const char *p, const char *path)
{
	if (p[0] == '/')
		v_invalid(c, path, vr_quote(c, p), "must be a relative path");
	v_no_backsteps(c, p, path);
}

/* ValidateLocalNonReservedPath */
static void v_local_non_reserved(struct vctx *c, const char *p, const char *path)
{
	v_local_descending(c, p, path);
	if (strncmp(p, "..", 2) == 0 && strncmp(p, "../", 3) != 0)
		v_invalid(c, path, vr_quote(c, p), "must not start with '..'");
}

static void v_mode(struct vctx *c, json_t *obj, const char *key, const char *path)
{
	int64_t mode = jint(obj, key);

	if (jhas(obj, key) && (mode > 0777 || mode < 0))
		v_invalid(c, vp_child(c, path, key), vr_int(c, mode), FILE_MODE_ERROR);
}

static void v_key_to_paths(struct vctx *c, json_t *items, const char *path)
{
	size_t i;
	json_t *kp;

	json_array_foreach(items, i, kp)
	{
		const char *p = vp_index(c, path, i);

		if (!*jstr(kp, "key"))
			v_required(c, vp_child(c, p, "key"), "");
		if (!*jstr(kp, "path"))
			v_required(c, vp_child(c, p, "path"), "");
		v_local_non_reserved(c, jstr(kp, "path"), vp_child(c, p, "path"));
		v_mode(c, kp, "mode", p);
	}
}

static void v_downward_api_items(struct vctx *c, json_t *items, const char *path)
{
	size_t i;
	json_t *f;

	/* upstream reports an item's errors at the source's path, unindexed */
	json_array_foreach(items, i, f)
	{
		if (!*jstr(f, "path"))
			v_required(c, vp_child(c, path, "path"), "");
		v_local_non_reserved(c, jstr(f, "path"), vp_child(c, path, "path"));
		if (jhas(f, "fieldRef") && jhas(f, "resourceFieldRef"))
			v_invalid(c, path, vr_quote(c, "resource"),
				  "fieldRef and resourceFieldRef can not be specified "
				  "simultaneously");
		else if (!jhas(f, "fieldRef") && !jhas(f, "resourceFieldRef"))
			v_required(c, path, "one of fieldRef and resourceFieldRef is required");
		v_mode(c, f, "mode", path);
	}
}

static void v_projected(struct vctx *c, json_t *proj, const char *path)
{
	json_t *sources = jget(proj, "sources"), *s;
	size_t i;

	v_mode(c, proj, "defaultMode", path);
	json_array_foreach(sources, i, s)
	{
		const char *sp = vp_index(c, vp_child(c, path, "sources"), i);
		int n = 0;

		if (jhas(s, "secret")) {
			n++;
			if (!*jstr(jget(s, "secret"), "name"))
				v_required(c, vp_child(c, vp_child(c, sp, "secret"), "name"), "");
			v_key_to_paths(c, jget(jget(s, "secret"), "items"),
				       vp_child(c, vp_child(c, sp, "secret"), "items"));
		}
		if (jhas(s, "configMap")) {
			n++;
			if (!*jstr(jget(s, "configMap"), "name"))
				v_required(c, vp_child(c, vp_child(c, sp, "configMap"), "name"),
					   "");
			v_key_to_paths(c, jget(jget(s, "configMap"), "items"),
				       vp_child(c, vp_child(c, sp, "configMap"), "items"));
		}
		if (jhas(s, "downwardAPI")) {
			n++;
			v_downward_api_items(c, jget(jget(s, "downwardAPI"), "items"),
					     vp_child(c, sp, "downwardAPI"));
		}
		if (jhas(s, "serviceAccountToken")) {
			json_t *t = jget(s, "serviceAccountToken");
			const char *tp = vp_child(c, sp, "serviceAccountToken");
			int64_t secs = jint(t, "expirationSeconds");

			n++;
			if (secs < 600)
				v_invalid(c, vp_child(c, tp, "expirationSeconds"), vr_int(c, secs),
					  "may not specify a duration less than 10 minutes");
			if (secs > ((int64_t)1 << 32))
				v_invalid(c, vp_child(c, tp, "expirationSeconds"), vr_int(c, secs),
					  "may not specify a duration larger than 2^32 seconds");
			if (!*jstr(t, "path"))
				v_required(c, vp_child(c, path, "path"), "");
			else
				v_local_non_reserved(c, jstr(t, "path"), vp_child(c, path, "path"));
		}
		if (jhas(s, "clusterTrustBundle"))
			n++;
		if (n > 1)
			v_forbidden(c, sp, "may not specify more than 1 volume type per source");
	}
}

static void v_volume_source_fields(struct vctx *c, const char *type, json_t *src, const char *path)
{
	static const char *const host_path_types[] = {
	    "",	    "BlockDevice",  "CharDevice", "Directory", "DirectoryOrCreate",
	    "File", "FileOrCreate", "Socket",	  NULL};

	if (strcmp(type, "hostPath") == 0) {
		if (!*jstr(src, "path")) {
			v_required(c, vp_child(c, path, "path"), "");
			return;
		}
		v_no_backsteps(c, jstr(src, "path"), vp_child(c, path, "path"));
		if (jhas(src, "type") && !str_in(jstr(src, "type"), host_path_types))
			v_not_supported(c, vp_child(c, path, "type"),
					vr_quote(c, jstr(src, "type")), host_path_types);
	} else if (strcmp(type, "gitRepo") == 0) {
		if (!*jstr(src, "repository"))
			v_required(c, vp_child(c, path, "repository"), "");
		v_local_descending(c, jstr(src, "directory"), vp_child(c, path, "directory"));
	} else if (strcmp(type, "secret") == 0) {
		if (!*jstr(src, "secretName"))
			v_required(c, vp_child(c, path, "secretName"), "");
		v_mode(c, src, "defaultMode", path);
		v_key_to_paths(c, jget(src, "items"), vp_child(c, path, "items"));
	} else if (strcmp(type, "configMap") == 0) {
		if (!*jstr(src, "name"))
			v_required(c, vp_child(c, path, "name"), "");
		v_mode(c, src, "defaultMode", path);
		v_key_to_paths(c, jget(src, "items"), vp_child(c, path, "items"));
	} else if (strcmp(type, "persistentVolumeClaim") == 0) {
		if (!*jstr(src, "claimName"))
			v_required(c, vp_child(c, path, "claimName"), "");
	} else if (strcmp(type, "nfs") == 0) {
		if (!*jstr(src, "server"))
			v_required(c, vp_child(c, path, "server"), "");
		if (!*jstr(src, "path"))
			v_required(c, vp_child(c, path, "path"), "");
		if (jstr(src, "path")[0] != '/')
			v_invalid(c, vp_child(c, path, "path"), vr_quote(c, jstr(src, "path")),
				  "must be an absolute path");
	} else if (strcmp(type, "downwardAPI") == 0) {
		v_mode(c, src, "defaultMode", path);
		v_downward_api_items(c, jget(src, "items"), path);
	} else if (strcmp(type, "projected") == 0) {
		v_projected(c, src, path);
	} else if (strcmp(type, "csi") == 0) {
		if (!*jstr(src, "driver"))
			v_required(c, vp_child(c, path, "driver"), "");
	}
}

/* validateVolumeSource: the errors of one volume's source. */
static void v_volume_source(struct vctx *c, json_t *vol, const char *path)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(volume_sources) / sizeof(volume_sources[0]); i++) {
		json_t *src = jget(vol, volume_sources[i].json);

		if (!src)
			continue;
		if (n > 0) {
			v_forbidden(c, vp_child(c, path, volume_sources[i].forbidden_path),
				    "may not specify more than 1 volume type");
			continue;
		}
		n++;
		v_volume_source_fields(
		    c, volume_sources[i].json, src,
		    vp_child(c, path,
			     strcmp(volume_sources[i].json, "gcePersistentDisk") == 0
				 ? "persistentDisk"
				 : volume_sources[i].json));
	}
	if (n == 0)
		v_required(c, path, "must specify a volume type");
}

/*
 * ValidateVolumes: returns the volumes that validated, by name (a volume
 * with errors is not one a mount can refer to), in a new object.
 */
static json_t *v_volumes(struct vctx *c, json_t *volumes, const char *path)
{
	json_t *valid = json_object(), *vol;
	size_t i;

	json_array_foreach(volumes, i, vol)
	{
		const char *p = vp_index(c, path, i), *name = jstr(vol, "name");
		size_t before = c->out->num;

		v_volume_source(c, vol, p);
		if (!*name)
			v_required(c, vp_child(c, p, "name"), "");
		else
			v_dns1123_label(c, name, vp_child(c, p, "name"));
		if (json_object_get(valid, name))
			v_duplicate(c, vp_child(c, p, "name"), vr_quote(c, name));
		if (c->out->num == before)
			json_object_set(valid, name, vol);
	}
	return valid;
}

/* ---- containers ---- */

static void v_port_num_or_name(struct vctx *c, json_t *port, const char *path)
{
	struct vmsgs m = {0};

	if (json_is_string(port)) {
		is_port_name(json_string_value(port), &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, path, vr_quote(c, json_string_value(port)), m.m[i]);
	} else {
		int64_t n = json_is_integer(port) ? (int64_t)json_integer_value(port) : 0;

		is_port_num(n, &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, path, vr_int(c, n), m.m[i]);
	}
}

static void v_container_ports(struct vctx *c, json_t *ports, const char *path)
{
	static const char *const protocols[] = {"SCTP", "TCP", "UDP", NULL};
	json_t *names = json_object(), *port;
	size_t i;

	json_array_foreach(ports, i, port)
	{
		const char *p = vp_index(c, path, i), *name = jstr(port, "name");
		const char *proto = jstr(port, "protocol");
		int64_t cp = jint(port, "containerPort"), hp = jint(port, "hostPort");
		struct vmsgs m = {0};

		if (*name) {
			is_port_name(name, &m);
			for (size_t k = 0; k < m.n; k++)
				v_invalid(c, vp_child(c, p, "name"), vr_quote(c, name), m.m[k]);
			if (m.n == 0 && json_object_get(names, name))
				v_duplicate(c, vp_child(c, p, "name"), vr_quote(c, name));
			else if (m.n == 0)
				json_object_set_new(names, name, json_true());
		}
		if (cp == 0) {
			v_required(c, vp_child(c, p, "containerPort"), "");
		} else {
			m.n = 0;
			is_port_num(cp, &m);
			for (size_t k = 0; k < m.n; k++)
				v_invalid(c, vp_child(c, p, "containerPort"), vr_int(c, cp),
					  m.m[k]);
		}
		if (hp != 0) {
			m.n = 0;
			is_port_num(hp, &m);
			for (size_t k = 0; k < m.n; k++)
				v_invalid(c, vp_child(c, p, "hostPort"), vr_int(c, hp), m.m[k]);
		}
		/* an absent protocol is defaulted to TCP before validation */
		if (*proto && !str_in(proto, protocols))
			v_not_supported(c, vp_child(c, p, "protocol"), vr_quote(c, proto),
					protocols);
	}
	json_decref(names);
}

static void v_env(struct vctx *c, json_t *env, const char *path)
{
	size_t i;
	json_t *ev;

	json_array_foreach(env, i, ev)
	{
		const char *p = vp_child(c, vp_index(c, path, i), "name"), *name = jstr(ev, "name");
		struct vmsgs m = {0};

		if (!*name) {
			v_required(c, p, "");
			continue;
		}
		is_relaxed_env_var_name(name, &m);
		for (size_t k = 0; k < m.n; k++)
			v_invalid(c, p, vr_quote(c, name), m.m[k]);
	}
}

static void v_volume_mounts(struct vctx *c, json_t *mounts, json_t *volumes, json_t *ctr,
			    const char *path)
{
	static const char *const propagations[] = {"Bidirectional", "HostToContainer", "None",
						   NULL};
	json_t *seen = json_object(), *mnt;
	size_t i;

	json_array_foreach(mounts, i, mnt)
	{
		const char *p = vp_index(c, path, i), *name = jstr(mnt, "name");
		const char *mount_path = jstr(mnt, "mountPath"), *sub = jstr(mnt, "subPath");
		const char *prop = jstr(mnt, "mountPropagation");

		if (!*name)
			v_required(c, vp_child(c, p, "name"), "");
		if (!json_object_get(volumes, name))
			v_not_found(c, vp_child(c, p, "name"), vr_quote(c, name));
		if (!*mount_path)
			v_required(c, vp_child(c, p, "mountPath"), "");
		if (json_object_get(seen, mount_path))
			v_invalid(c, vp_child(c, p, "mountPath"), vr_quote(c, mount_path),
				  "must be unique");
		json_object_set_new(seen, mount_path, json_true());
		/* upstream names the list, not the item, for these two */
		if (*sub)
			v_local_descending(c, sub, vp_child(c, path, "subPath"));
		if (*jstr(mnt, "subPathExpr")) {
			if (*sub)
				v_invalid(c, vp_child(c, p, "subPathExpr"),
					  vr_quote(c, jstr(mnt, "subPathExpr")),
					  "subPathExpr and subPath are mutually exclusive");
			v_local_descending(c, jstr(mnt, "subPathExpr"),
					   vp_child(c, path, "subPathExpr"));
		}
		if (jhas(mnt, "mountPropagation")) {
			const char *pp = vp_child(c, path, "mountPropagation");

			if (!str_in(prop, propagations))
				v_not_supported(c, pp, vr_quote(c, prop), propagations);
			if (strcmp(prop, "Bidirectional") == 0 &&
			    !jbool(jget(ctr, "securityContext"), "privileged"))
				v_forbidden(c, pp,
					    "Bidirectional mount propagation is available only to "
					    "privileged containers");
		}
	}
	json_decref(seen);
}

/* validateHandler over the handler members a probe or a lifecycle hook has. */
static void v_handler(struct vctx *c, json_t *h, const char *path, bool lifecycle)
{
	static const char *const schemes[] = {"HTTP", "HTTPS", NULL};
	static const char *const probe_kinds[] = {"exec", "httpGet", "tcpSocket", "grpc", NULL};
	static const char *const hook_kinds[] = {"exec", "httpGet", "tcpSocket", "sleep", NULL};
	const char *const *kinds = lifecycle ? hook_kinds : probe_kinds;
	int n = 0;

	for (size_t i = 0; kinds[i]; i++) {
		json_t *a = jget(h, kinds[i]);
		const char *p = vp_child(c, path, kinds[i]);

		if (!a)
			continue;
		if (n++ > 0) {
			v_forbidden(c, p, "may not specify more than 1 handler type");
			continue;
		}
		if (strcmp(kinds[i], "exec") == 0 && jlen(jget(a, "command")) == 0)
			v_required(c, vp_child(c, p, "command"), "");
		if (strcmp(kinds[i], "httpGet") == 0) {
			/* path and scheme are defaulted ("/", HTTP) */
			v_port_num_or_name(c, jget(a, "port"), vp_child(c, p, "port"));
			if (*jstr(a, "scheme") && !str_in(jstr(a, "scheme"), schemes))
				v_not_supported(c, vp_child(c, p, "scheme"),
						vr_quote(c, jstr(a, "scheme")), schemes);
		}
		if (strcmp(kinds[i], "tcpSocket") == 0 || strcmp(kinds[i], "grpc") == 0)
			v_port_num_or_name(c, jget(a, "port"), vp_child(c, p, "port"));
	}
	if (n == 0)
		v_required(c, path, "must specify a handler type");
}

enum probe_kind { LIVENESS, READINESS, STARTUP };

static void v_probe(struct vctx *c, json_t *probe, enum probe_kind kind, const char *path)
{
	static const char *const counters[] = {"initialDelaySeconds", "timeoutSeconds",
					       "periodSeconds",	      "successThreshold",
					       "failureThreshold",    NULL};
	int64_t grace = jint(probe, "terminationGracePeriodSeconds");

	if (!probe)
		return;
	v_handler(c, probe, path, false);
	for (size_t i = 0; counters[i]; i++)
		v_nonnegative(c, probe, counters[i], vp_child(c, path, counters[i]));
	if (jhas(probe, "terminationGracePeriodSeconds") && grace <= 0)
		v_invalid(c, vp_child(c, path, "terminationGracePeriodSeconds"), vr_int(c, grace),
			  "must be greater than 0");
	if (kind == READINESS && jhas(probe, "terminationGracePeriodSeconds"))
		v_invalid(c, vp_child(c, path, "terminationGracePeriodSeconds"), vr_int(c, grace),
			  "must not be set for readinessProbes");
	/* successThreshold is defaulted to 1 */
	if (kind != READINESS && jhas(probe, "successThreshold") &&
	    jint(probe, "successThreshold") != 1)
		v_invalid(c, vp_child(c, path, "successThreshold"),
			  vr_int(c, jint(probe, "successThreshold")), "must be 1");
}

static void v_lifecycle_and_probes(struct vctx *c, json_t *ctr, const char *path)
{
	json_t *lc = jget(ctr, "lifecycle");

	if (lc) {
		if (jget(lc, "postStart"))
			v_handler(c, jget(lc, "postStart"),
				  vp_child(c, vp_child(c, path, "lifecycle"), "postStart"), true);
		if (jget(lc, "preStop"))
			v_handler(c, jget(lc, "preStop"),
				  vp_child(c, vp_child(c, path, "lifecycle"), "preStop"), true);
	}
	v_probe(c, jget(ctr, "livenessProbe"), LIVENESS, vp_child(c, path, "livenessProbe"));
	v_probe(c, jget(ctr, "readinessProbe"), READINESS, vp_child(c, path, "readinessProbe"));
	v_probe(c, jget(ctr, "startupProbe"), STARTUP, vp_child(c, path, "startupProbe"));
}

/* validateContainerCommon */
static void v_container_common(struct vctx *c, json_t *ctr, json_t *volumes, const char *path)
{
	static const char *const tm_policies[] = {"File", "FallbackToLogsOnError", NULL};
	static const char *const pull_policies[] = {"Always", "IfNotPresent", "Never", NULL};
	const char *name = jstr(ctr, "name"), *tmp = jstr(ctr, "terminationMessagePolicy");
	const char *pull = jstr(ctr, "imagePullPolicy");

	if (!*name)
		v_required(c, vp_child(c, path, "name"), "");
	else
		v_dns1123_label(c, name, vp_child(c, path, "name"));
	if (!*jstr(ctr, "image"))
		v_required(c, vp_child(c, path, "image"), "");
	/* the two policies are defaulted: only a value upstream rejects is reported */
	if (*tmp && !str_in(tmp, tm_policies))
		v_not_supported(c, vp_child(c, path, "terminationMessagePolicy"), vr_quote(c, tmp),
				tm_policies);
	v_container_ports(c, jget(ctr, "ports"), vp_child(c, path, "ports"));
	v_env(c, jget(ctr, "env"), vp_child(c, path, "env"));
	v_volume_mounts(c, jget(ctr, "volumeMounts"), volumes, ctr,
			vp_child(c, path, "volumeMounts"));
	if (*pull && !str_in(pull, pull_policies))
		v_not_supported(c, vp_child(c, path, "imagePullPolicy"), vr_quote(c, pull),
				pull_policies);
	v_resources(c, jget(ctr, "resources"), vp_child(c, path, "resources"));
	v_container_security_context(c, ctr, path);
}

/* AccumulateUniqueHostPorts over containers[from, to), paths indexed from 0. */
static void v_host_ports(struct vctx *c, json_t *containers, size_t from, size_t to, json_t *seen,
			 const char *path)
{
	for (size_t ci = from; ci < to; ci++) {
		json_t *ports = jget(json_array_get(containers, ci), "ports"), *port;
		size_t pi;

		json_array_foreach(ports, pi, port)
		{
			int64_t hp = jint(port, "hostPort");
			const char *key;

			if (hp == 0)
				continue;
			key = arena_printf(c->arena, "%s/%s/%lld", jstr(port, "protocol"),
					   jstr(port, "hostIP"), (long long)hp);
			if (json_object_get(seen, key))
				v_duplicate(
				    c,
				    vp_child(
					c,
					vp_index(c,
						 vp_child(c, vp_index(c, path, ci - from), "ports"),
						 pi),
					"hostPort"),
				    vr_quote(c, key));
			else
				json_object_set_new(seen, key, json_true());
		}
	}
}

static void v_containers(struct vctx *c, json_t *containers, json_t *volumes, const char *path)
{
	json_t *names = json_object(), *ctr, *ports = json_object();
	size_t i;

	if (jlen(containers) == 0) {
		v_required(c, path, "");
		json_decref(names);
		json_decref(ports);
		return;
	}
	json_array_foreach(containers, i, ctr)
	{
		const char *p = vp_index(c, path, i), *name = jstr(ctr, "name");

		v_container_common(c, ctr, volumes, p);
		if (json_object_get(names, name))
			v_duplicate(c, vp_child(c, p, "name"), vr_quote(c, name));
		else
			json_object_set_new(names, name, json_true());
		v_lifecycle_and_probes(c, ctr, p);
		if (jhas(ctr, "restartPolicy"))
			v_forbidden(c, vp_child(c, p, "restartPolicy"),
				    "may not be set for non-init containers");
	}
	v_host_ports(c, containers, 0, json_array_size(containers), ports, path);
	json_decref(names);
	json_decref(ports);
}

static void v_init_containers(struct vctx *c, json_t *inits, json_t *containers, json_t *volumes,
			      const char *path)
{
	static const char *const always[] = {"Always", NULL};
	static const char *const fields[] = {"lifecycle", "livenessProbe", "readinessProbe",
					     "startupProbe", NULL};
	json_t *names = json_object(), *ctr;
	size_t i;

	json_array_foreach(containers, i, ctr)
	    json_object_set_new(names, jstr(ctr, "name"), json_true());
	json_array_foreach(inits, i, ctr)
	{
		const char *p = vp_index(c, path, i), *name = jstr(ctr, "name");
		const char *restart = jstr(ctr, "restartPolicy");
		json_t *ports = json_object();

		v_container_common(c, ctr, volumes, p);
		if (jhas(ctr, "restartPolicy") && strcmp(restart, "Always") != 0)
			v_not_supported(c, vp_child(c, p, "restartPolicy"), vr_quote(c, restart),
					always);
		if (json_object_get(names, name))
			v_duplicate(c, vp_child(c, p, "name"), vr_quote(c, name));
		else if (*name)
			json_object_set_new(names, name, json_true());
		/* checked one container at a time, so always as the list's item 0 */
		v_host_ports(c, inits, i, i + 1, ports, path);
		json_decref(ports);
		if (strcmp(restart, "Always") == 0) {
			v_lifecycle_and_probes(c, ctr, p);
			continue;
		}
		for (size_t k = 0; fields[k]; k++)
			if (jhas(ctr, fields[k]))
				v_forbidden(c, vp_child(c, p, fields[k]),
					    "may not be set for init containers without "
					    "restartPolicy=Always");
	}
	json_decref(names);
}

/* ---- the pod spec ---- */

static void v_subdomain_name(struct vctx *c, json_t *spec, const char *key, const char *path)
{
	if (*jstr(spec, key))
		v_dns1123_subdomain(c, jstr(spec, key), vp_child(c, path, key));
}

void v_pod_spec(struct vctx *c, json_t *spec, const char *path)
{
	static const char *const restart[] = {"Always", "OnFailure", "Never", NULL};
	static const char *const dns[] = {"ClusterFirstWithHostNet", "ClusterFirst", "Default",
					  "None", NULL};
	static const char *const preemption[] = {"PreemptLowerPriority", "Never", NULL};
	json_t *volumes = v_volumes(c, jget(spec, "volumes"), vp_child(c, path, "volumes"));
	json_t *containers = jget(spec, "containers"), *ctr, *gates, *g;
	const char *rp = jstr(spec, "restartPolicy"), *dp = jstr(spec, "dnsPolicy");
	size_t i;

	v_containers(c, containers, volumes, vp_child(c, path, "containers"));
	v_init_containers(c, jget(spec, "initContainers"), containers, volumes,
			  vp_child(c, path, "initContainers"));
	json_decref(volumes);
	if (jbool(spec, "hostNetwork")) {
		json_array_foreach(containers, i, ctr)
		{
			json_t *port;
			size_t j;

			json_array_foreach(jget(ctr, "ports"), j, port)
			{
				int64_t hp = jint(port, "hostPort"),
					cp = jint(port, "containerPort");

				if ((c->resource_is_pod || hp != 0) && hp != cp)
					v_invalid(
					    c,
					    vp_child(
						c,
						vp_index(
						    c,
						    vp_child(
							c,
							vp_index(c, vp_child(c, path, "containers"),
								 i),
							"ports"),
						    j),
						"hostPort"),
					    vr_int(c, hp),
					    "must match `containerPort` when `hostNetwork` is "
					    "true");
			}
		}
	}
	/* both policies are defaulted; only a value upstream rejects is reported */
	if (*rp && !str_in(rp, restart))
		v_not_supported(c, vp_child(c, path, "restartPolicy"), vr_quote(c, rp), restart);
	if (*dp && !str_in(dp, dns))
		v_not_supported(c, vp_child(c, path, "dnsPolicy"), vr_quote(c, dp), dns);
	v_labels(c, jget(spec, "nodeSelector"), vp_child(c, path, "nodeSelector"));
	v_pod_security_context(c, spec, path);
	v_affinity(c, jget(spec, "affinity"), vp_child(c, path, "affinity"));
	v_pod_dns_config(c, spec, path);
	json_array_foreach(jget(spec, "readinessGates"), i, g) v_qualified_name(
	    c, jstr(g, "conditionType"),
	    vp_child(c, vp_index(c, vp_child(c, path, "readinessGates"), i), "conditionType"));
	gates = json_object();
	json_array_foreach(jget(spec, "schedulingGates"), i, g)
	{
		const char *p = vp_index(c, vp_child(c, path, "schedulingGates"), i);

		v_qualified_name(c, jstr(g, "name"), p);
		if (json_object_get(gates, jstr(g, "name")))
			v_duplicate(c, p, vr_quote(c, jstr(g, "name")));
		json_object_set_new(gates, jstr(g, "name"), json_true());
	}
	json_decref(gates);
	v_topology_spread_constraints(c, jget(spec, "topologySpreadConstraints"),
				      vp_child(c, path, "topologySpreadConstraints"));
	v_subdomain_name(c, spec, "serviceAccountName", path);
	v_subdomain_name(c, spec, "nodeName", path);
	if (jhas(spec, "activeDeadlineSeconds")) {
		int64_t v = jint(spec, "activeDeadlineSeconds");

		if (v < 1 || v > 2147483647)
			v_invalid(c, vp_child(c, path, "activeDeadlineSeconds"), vr_int(c, v),
				  "must be between 1 and 2147483647, inclusive");
	}
	if (*jstr(spec, "hostname"))
		v_dns1123_label(c, jstr(spec, "hostname"), vp_child(c, path, "hostname"));
	if (*jstr(spec, "subdomain"))
		v_dns1123_label(c, jstr(spec, "subdomain"), vp_child(c, path, "subdomain"));
	v_tolerations(c, jget(spec, "tolerations"), vp_child(c, path, "tolerations"));
	v_host_aliases(c, jget(spec, "hostAliases"), vp_child(c, path, "hostAliases"));
	v_subdomain_name(c, spec, "priorityClassName", path);
	if (jhas(spec, "runtimeClassName"))
		v_dns1123_subdomain(c, jstr(spec, "runtimeClassName"),
				    vp_child(c, path, "runtimeClassName"));
	if (jhas(spec, "preemptionPolicy") && !str_in(jstr(spec, "preemptionPolicy"), preemption))
		v_not_supported(c, vp_child(c, path, "preemptionPolicy"),
				vr_quote(c, jstr(spec, "preemptionPolicy")), preemption);
	/* validateOverhead: the resource rules of a container's limits */
	if (jget(spec, "overhead")) {
		json_t *res = json_pack("{s:O}", "limits", jget(spec, "overhead"));

		v_resources(c, res, vp_child(c, path, "overhead"));
		json_decref(res);
	}
	v_pod_os(c, spec, path);
}

/* ValidatePodTemplateSpec: the template's labels are at <path>.labels. */
void v_pod_template_spec(struct vctx *c, json_t *template, const char *path)
{
	json_t *meta = jget(template, "metadata"), *spec = jget(template, "spec");

	v_labels(c, jget(meta, "labels"), vp_child(c, path, "labels"));
	v_annotations(c, jget(meta, "annotations"), vp_child(c, path, "annotations"));
	v_pod_spec(c, spec, vp_child(c, path, "spec"));
	if (jlen(jget(spec, "ephemeralContainers")))
		v_forbidden(c, vp_child(c, vp_child(c, path, "spec"), "ephemeralContainers"),
			    "ephemeral containers not allowed in pod template");
}

static bool has_outer_space(const char *s)
{
	size_t len = strlen(s);

	return len && (strchr(" \t\n\v\f\r", s[0]) || strchr(" \t\n\v\f\r", s[len - 1]));
}

/* validatePodMetadataAndSpec after ValidateObjectMeta. */
void v_pod(struct vctx *c, json_t *pod)
{
	static const char *const lists[] = {"containers", "initContainers", NULL};
	json_t *spec = jget(pod, "spec");

	c->resource_is_pod = true;
	v_pod_spec(c, spec, "spec");
	for (size_t l = 0; lists[l]; l++) {
		json_t *ctr;
		size_t i;

		json_array_foreach(jget(spec, lists[l]), i, ctr)
		{
			const char *image = jstr(ctr, "image");

			if (has_outer_space(image))
				v_invalid(c,
					  vp_child(c, vp_index(c, vp_child(c, "spec", lists[l]), i),
						   "image"),
					  vr_quote(c, image),
					  "must not have leading or trailing whitespace");
		}
	}
}
