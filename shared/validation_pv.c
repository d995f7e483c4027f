/*
 * validation_pv.c - PersistentVolumes as kube-apiserver v1.32 validates
 * them (pkg/apis/core/validation ValidatePersistentVolume{,Spec,Update}):
 * access modes, capacity (storage only, positive), reclaim policy, node
 * affinity, exactly one volume source with its own required fields, the
 * storage class name and volume mode; on update the volume source and
 * volumeMode are fixed, and the node affinity may only move from beta to
 * GA label keys.
 *
 * The sources are a table in upstream's order: the first one set is
 * checked, any later one is "may not specify more than 1 volume type"
 * (except flexVolume, which upstream counts without that check). The
 * registry's strategy runs the spec checks twice on update (once itself,
 * once in ValidatePersistentVolumeUpdate), so the causes repeat as
 * upstream's do; the Status message names each once. Upstream checks no
 * ObjectMeta update in the strategy; the registry's common update check
 * (validateCommonFields) does, before it, and so does this.
 *
 * Left out: the mount option checks of pkg/volume/validation, and
 * volumeAttributesClassName (off by default in v1.32).
 */
#include <math.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/validation_internal.h"

#define ONE_TYPE	"may not specify more than 1 volume type"
#define LUN_RANGE	"must be between 0 and 255, inclusive"
#define PARTITION_RANGE "must be between 1 and 255, inclusive"

/* Required at <path>.<key> for each empty string member named. */
static void v_required_members(struct vctx *c, json_t *src, const char *path,
			       const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++)
		if (!*jstr(src, keys[i]) && jlen(jget(src, keys[i])) == 0)
			v_required(c, vp_child(c, path, keys[i]), "");
}

static void v_no_backsteps(struct vctx *c, const char *p, const char *path)
{
	const char *seg = p;

	for (;;) {
		const char *slash = strchr(seg, '/');
		size_t len = slash ? (size_t)(slash - seg) : strlen(seg);

		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			v_invalid(c, path, vr_quote(c, p), "must not contain '..'");
			return;
		}
		if (!slash)
			return;
		seg = slash + 1;
	}
}

static void v_partition(struct vctx *c, json_t *src, const char *path)
{
	int64_t n = jint(src, "partition");

	if (n < 0 || n > 255)
		v_invalid(c, vp_child(c, path, "partition"), vr_int(c, n), PARTITION_RANGE);
}

/* validatePVSecretReference */
static void v_secret_reference(struct vctx *c, json_t *ref, const char *path)
{
	if (!*jstr(ref, "name"))
		v_required(c, vp_child(c, path, "name"), "");
	else
		v_dns1123_subdomain(c, jstr(ref, "name"), vp_child(c, path, "name"));
	if (!*jstr(ref, "namespace"))
		v_required(c, vp_child(c, path, "namespace"), "");
	else
		v_dns1123_label(c, jstr(ref, "namespace"), vp_child(c, path, "namespace"));
}

static bool alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$, found anywhere in s */
static bool iqn_valid(const char *s)
{
	for (const char *p = strstr(s, "iqn."); p; p = strstr(p + 1, "iqn.")) {
		const char *q = p + 4, *colon;
		bool ok = true;

		for (int i = 0; i < 7 && ok; i++)
			ok = i == 4 ? q[i] == '-' : (q[i] >= '0' && q[i] <= '9');
		if (!ok || q[7] != '.')
			continue;
		q += 8;
		colon = strchr(q, ':');
		if (!colon || colon == q || !colon[1])
			continue;
		for (const char *r = q; r < colon && ok; r++)
			ok = alnum(*r) || *r == '-' || *r == '.';
		for (const char *r = colon + 1; *r && ok; r++)
			ok = !strchr(",;*&$| \t\n\v\f\r", *r);
		if (ok)
			return true;
	}
	return false;
}

/* ^eui.[[:alnum:]]{16}$ and ^naa.[[:alnum:]]{32}$ */
static bool eui_naa_valid(const char *s, size_t digits)
{
	if (strlen(s) != 4 + digits)
		return false;
	for (size_t i = 4; i < 4 + digits; i++)
		if (!alnum(s[i]))
			return false;
	return true;
}

static bool initiator_format_ok(const char *s)
{
	if (strncmp(s, "iqn", 3) == 0)
		return iqn_valid(s);
	if (strncmp(s, "eui", 3) == 0)
		return eui_naa_valid(s, 16);
	if (strncmp(s, "naa", 3) == 0)
		return eui_naa_valid(s, 32);
	return false;
}

/* validateISCSIPersistentVolumeSource */
static void v_iscsi(struct vctx *c, json_t *src, json_t *pv, const char *path)
{
	const char *portal = jstr(src, "targetPortal"), *iqn = jstr(src, "iqn");
	const char *name = jstr(jget(pv, "metadata"), "name");
	int64_t lun = jint(src, "lun");

	if (!*portal)
		v_required(c, vp_child(c, path, "targetPortal"), "");
	if (jhas(src, "initiatorName") && strlen(name) + 1 + strlen(portal) > 64)
		v_invalid(c, vp_child(c, path, "targetportal"), vr_quote(c, portal),
			  "Total length of <volume name>:<iscsi.targetPortal> must be under 64 "
			  "characters if iscsi.initiatorName is specified.");
	if (!*iqn)
		v_required(c, vp_child(c, path, "iqn"), "");
	else if (!initiator_format_ok(iqn))
		v_invalid(c, vp_child(c, path, "iqn"), vr_quote(c, iqn), "must be valid format");
	if (lun < 0 || lun > 255)
		v_invalid(c, vp_child(c, path, "lun"), vr_int(c, lun), LUN_RANGE);
	if ((jbool(src, "chapAuthDiscovery") || jbool(src, "chapAuthSession")) &&
	    !jget(src, "secretRef"))
		v_required(c, vp_child(c, path, "secretRef"), "");
	if (jget(src, "secretRef") && !*jstr(jget(src, "secretRef"), "name"))
		v_required(c, vp_child(c, path, "secretRef.name"), "");
	if (jhas(src, "initiatorName")) {
		const char *init = jstr(src, "initiatorName");
		bool known = strncmp(init, "iqn", 3) == 0 || strncmp(init, "eui", 3) == 0 ||
			     strncmp(init, "naa", 3) == 0;

		/* two checks, so an unknown prefix is reported once */
		if (!known)
			v_invalid(c, vp_child(c, path, "initiatorname"), vr_quote(c, init),
				  "must be valid format");
		else if (!initiator_format_ok(init))
			v_invalid(c, vp_child(c, path, "initiatorname"), vr_quote(c, init),
				  "must be valid format");
	}
}

static void v_fc(struct vctx *c, json_t *src, const char *path)
{
	size_t wwns = jlen(jget(src, "targetWWNs")), wwids = jlen(jget(src, "wwids"));

	if (wwns < 1 && wwids < 1)
		v_required(c, vp_child(c, path, "targetWWNs"),
			   "must specify either targetWWNs or wwids, but not both");
	if (wwns && wwids)
		v_invalid(c, vp_child(c, path, "targetWWNs"),
			  vr_string_list(c, jget(src, "targetWWNs")),
			  "targetWWNs and wwids can not be specified simultaneously");
	if (wwns) {
		int64_t lun = jint(src, "lun");

		if (!jhas(src, "lun"))
			v_required(c, vp_child(c, path, "lun"),
				   "lun is required if targetWWNs is specified");
		else if (lun < 0 || lun > 255)
			v_invalid(c, vp_child(c, path, "lun"), vr_int(c, lun), LUN_RANGE);
	}
}

static void v_flex(struct vctx *c, json_t *src, const char *path)
{
	const char **keys = jkeys(c, jget(src, "options"));

	if (!*jstr(src, "driver"))
		v_required(c, vp_child(c, path, "driver"), "");
	for (size_t i = 0; keys[i]; i++) {
		const char *slash = strchr(keys[i], '/');
		char *ns = arena_printf(c->arena, ".%.*s",
					(int)(slash ? (size_t)(slash - keys[i]) : strlen(keys[i])),
					keys[i]);
		size_t len = strlen(ns);

		for (char *p = ns; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if ((len >= 14 && strcmp(ns + len - 14, ".kubernetes.io") == 0) ||
		    (len >= 7 && strcmp(ns + len - 7, ".k8s.io") == 0))
			v_invalid(c, vp_key(c, vp_child(c, path, "options"), keys[i]),
				  vr_quote(c, keys[i]),
				  "kubernetes.io and k8s.io namespaces are reserved");
	}
}

static void v_azure_disk(struct vctx *c, json_t *src, const char *path)
{
	static const char *const caching[] = {"None", "ReadOnly", "ReadWrite", NULL};
	static const char *const kinds[] = {"Dedicated", "Managed", "Shared", NULL};
	static const char *const managed[] = {
	    "/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/"
	    "{disk-id}",
	    NULL};
	static const char *const blob[] = {
	    "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd", NULL};
	const char *uri = jstr(src, "diskURI"), *kind = jstr(src, "kind");

	if (!*jstr(src, "diskName"))
		v_required(c, vp_child(c, path, "diskName"), "");
	if (!*uri)
		v_required(c, vp_child(c, path, "diskURI"), "");
	if (jhas(src, "cachingMode") && !str_in(jstr(src, "cachingMode"), caching))
		v_not_supported(c, vp_child(c, path, "cachingMode"),
				vr_quote(c, jstr(src, "cachingMode")), caching);
	if (jhas(src, "kind") && !str_in(kind, kinds))
		v_not_supported(c, vp_child(c, path, "kind"), vr_quote(c, kind), kinds);
	if (jhas(src, "kind") && strcmp(kind, "Managed") == 0 &&
	    strncmp(uri, "/subscriptions/", 15))
		v_not_supported(c, vp_child(c, path, "diskURI"), vr_quote(c, uri), managed);
	if (jhas(src, "kind") && strcmp(kind, "Managed") != 0 && strncmp(uri, "https://", 8))
		v_not_supported(c, vp_child(c, path, "diskURI"), vr_quote(c, uri), blob);
}

/* ValidateCSIDriverName */
static void v_csi_driver(struct vctx *c, const char *driver, const char *path)
{
	char *lower = arena_strdup(c->arena, driver);
	struct vmsgs m = {0};

	if (!*driver)
		v_required(c, path, "");
	if (strlen(driver) > 63)
		v_too_long(c, path, 63);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	is_dns1123_subdomain(lower, &m);
	for (size_t i = 0; i < m.n; i++)
		v_invalid(c, path, vr_quote(c, driver), m.m[i]);
}

static void v_source_fields(struct vctx *c, const char *type, json_t *src, json_t *pv,
			    const char *path)
{
	static const char *const host_path_types[] = {
	    "",	    "BlockDevice",  "CharDevice", "Directory", "DirectoryOrCreate",
	    "File", "FileOrCreate", "Socket",	  NULL};
	static const char *const refs[] = {"controllerPublishSecretRef",
					   "controllerExpandSecretRef", "nodePublishSecretRef",
					   "nodeExpandSecretRef", NULL};

	if (strcmp(type, "hostPath") == 0 || strcmp(type, "local") == 0) {
		if (!*jstr(src, "path")) {
			v_required(c, vp_child(c, path, "path"), "");
			return;
		}
		v_no_backsteps(c, jstr(src, "path"), vp_child(c, path, "path"));
		if (strcmp(type, "hostPath") == 0 && jhas(src, "type") &&
		    !str_in(jstr(src, "type"), host_path_types))
			v_not_supported(c, vp_child(c, path, "type"),
					vr_quote(c, jstr(src, "type")), host_path_types);
	} else if (strcmp(type, "gcePersistentDisk") == 0) {
		v_required_members(c, src, path, (const char *const[]){"pdName", NULL});
		v_partition(c, src, path);
	} else if (strcmp(type, "awsElasticBlockStore") == 0) {
		v_required_members(c, src, path, (const char *const[]){"volumeID", NULL});
		v_partition(c, src, path);
	} else if (strcmp(type, "glusterfs") == 0) {
		v_required_members(c, src, path, (const char *const[]){"endpoints", "path", NULL});
		if (jhas(src, "endpointsNamespace")) {
			const char *ns = jstr(src, "endpointsNamespace");

			if (!*ns)
				v_invalid(c, vp_child(c, path, "endpointsNamespace"),
					  vr_quote(c, ns),
					  "if the endpointnamespace is set, it must be a valid "
					  "namespace name");
			else
				v_dns1123_label(c, ns, vp_child(c, path, "endpointsNamespace"));
		}
	} else if (strcmp(type, "flocker") == 0) {
		const char *name = jstr(src, "datasetName"), *uuid = jstr(src, "datasetUUID");

		if (!*name && !*uuid)
			v_required(c, path, "one of datasetName and datasetUUID is required");
		if (*name && *uuid)
			v_invalid(
			    c, path, vr_quote(c, "resource"),
			    "datasetName and datasetUUID can not be specified simultaneously");
		if (strchr(name, '/'))
			v_invalid(c, vp_child(c, path, "datasetName"), vr_quote(c, name),
				  "must not contain '/'");
	} else if (strcmp(type, "nfs") == 0) {
		v_required_members(c, src, path, (const char *const[]){"server", "path", NULL});
		if (jstr(src, "path")[0] != '/')
			v_invalid(c, vp_child(c, path, "path"), vr_quote(c, jstr(src, "path")),
				  "must be an absolute path");
	} else if (strcmp(type, "rbd") == 0) {
		v_required_members(c, src, path, (const char *const[]){"monitors", "image", NULL});
	} else if (strcmp(type, "quobyte") == 0) {
		const char *registry = jstr(src, "registry");

		if (!*registry)
			v_required(
			    c, vp_child(c, path, "registry"),
			    "must be a host:port pair or multiple pairs separated by commas");
		else if (strlen(jstr(src, "tenant")) >= 65)
			v_required(c, vp_child(c, path, "tenant"),
				   "must be a UUID and may not exceed a length of 64 characters");
		v_required_members(c, src, path, (const char *const[]){"volume", NULL});
	} else if (strcmp(type, "cephfs") == 0) {
		v_required_members(c, src, path, (const char *const[]){"monitors", NULL});
	} else if (strcmp(type, "iscsi") == 0) {
		v_iscsi(c, src, pv, path);
	} else if (strcmp(type, "cinder") == 0) {
		v_required_members(c, src, path, (const char *const[]){"volumeID", NULL});
		if (jget(src, "secretRef"))
			v_required_members(c, jget(src, "secretRef"),
					   vp_child(c, path, "secretRef"),
					   (const char *const[]){"name", "namespace", NULL});
	} else if (strcmp(type, "fc") == 0) {
		v_fc(c, src, path);
	} else if (strcmp(type, "flexVolume") == 0) {
		v_flex(c, src, path);
	} else if (strcmp(type, "azureFile") == 0) {
		v_required_members(c, src, path,
				   (const char *const[]){"secretName", "shareName", NULL});
		if (jhas(src, "secretNamespace") && !*jstr(src, "secretNamespace"))
			v_required(c, vp_child(c, path, "secretNamespace"), "");
	} else if (strcmp(type, "vsphereVolume") == 0) {
		v_required_members(c, src, path, (const char *const[]){"volumePath", NULL});
	} else if (strcmp(type, "photonPersistentDisk") == 0) {
		v_required_members(c, src, path, (const char *const[]){"pdID", NULL});
	} else if (strcmp(type, "portworxVolume") == 0) {
		v_required_members(c, src, path, (const char *const[]){"volumeID", NULL});
	} else if (strcmp(type, "azureDisk") == 0) {
		v_azure_disk(c, src, path);
	} else if (strcmp(type, "scaleIO") == 0) {
		v_required_members(c, src, path,
				   (const char *const[]){"gateway", "system", "volumeName", NULL});
	} else if (strcmp(type, "storageos") == 0) {
		if (!*jstr(src, "volumeName"))
			v_required(c, vp_child(c, path, "volumeName"), "");
		else
			v_dns1123_label(c, jstr(src, "volumeName"),
					vp_child(c, path, "volumeName"));
		if (*jstr(src, "volumeNamespace"))
			v_dns1123_label(c, jstr(src, "volumeNamespace"),
					vp_child(c, path, "volumeNamespace"));
		if (jget(src, "secretRef"))
			v_required_members(c, jget(src, "secretRef"),
					   vp_child(c, path, "secretRef"),
					   (const char *const[]){"name", "namespace", NULL});
	} else if (strcmp(type, "csi") == 0) {
		v_csi_driver(c, jstr(src, "driver"), vp_child(c, path, "driver"));
		v_required_members(c, src, path, (const char *const[]){"volumeHandle", NULL});
		for (size_t i = 0; refs[i]; i++)
			if (jget(src, refs[i]))
				v_secret_reference(c, jget(src, refs[i]),
						   vp_child(c, path, refs[i]));
	}
}

/* The PersistentVolumeSource members in upstream's order, with the path of
 * their "more than 1" error and of their own errors. */
static const struct {
	const char *json, *forbidden_path, *path;
} pv_sources[] = {
    {"hostPath", "hostPath", "hostPath"},
    {"gcePersistentDisk", "gcePersistentDisk", "persistentDisk"},
    {"awsElasticBlockStore", "awsElasticBlockStore", "awsElasticBlockStore"},
    {"glusterfs", "glusterfs", "glusterfs"},
    {"flocker", "flocker", "flocker"},
    {"nfs", "nfs", "nfs"},
    {"rbd", "rbd", "rbd"},
    {"quobyte", "quobyte", "quobyte"},
    {"cephfs", "cephFS", "cephfs"},
    {"iscsi", "iscsi", "iscsi"},
    {"cinder", "cinder", "cinder"},
    {"fc", "fc", "fc"},
    {"flexVolume", NULL, "flexVolume"},
    {"azureFile", "azureFile", "azureFile"},
    {"vsphereVolume", "vsphereVolume", "vsphereVolume"},
    {"photonPersistentDisk", "photonPersistentDisk", "photonPersistentDisk"},
    {"portworxVolume", "portworxVolume", "portworxVolume"},
    {"azureDisk", "azureDisk", "azureDisk"},
    {"scaleIO", "scaleIO", "scaleIO"},
    {"local", "local", "local"},
    {"storageos", "storageos", "storageos"},
    {"csi", "csi", "csi"},
};

#define N_SOURCES (sizeof(pv_sources) / sizeof(pv_sources[0]))

static void v_pv_sources(struct vctx *c, json_t *pv, json_t *spec, bool node_affinity)
{
	int n = 0;

	for (size_t i = 0; i < N_SOURCES; i++) {
		json_t *src = jget(spec, pv_sources[i].json);

		if (!src)
			continue;
		/* flexVolume skips the one-type check upstream */
		if (n > 0 && pv_sources[i].forbidden_path) {
			v_forbidden(c, vp_child(c, "spec", pv_sources[i].forbidden_path), ONE_TYPE);
			continue;
		}
		n++;
		v_source_fields(c, pv_sources[i].json, src, pv,
				vp_child(c, "spec", pv_sources[i].path));
		if (strcmp(pv_sources[i].json, "local") == 0 && !node_affinity)
			v_required(c, "spec.nodeAffinity", "Local volume requires node affinity");
	}
	if (n == 0)
		v_required(c, "spec", "must specify a volume type");
}

/* %#v of a core.ResourceList of quantities. */
static const char *resource_list_go(struct vctx *c, json_t *list)
{
	const char **keys = jkeys(c, list);
	struct buf b = {0};
	const char *out;

	buf_append_str(&b, "core.ResourceList{");
	for (size_t i = 0; keys[i]; i++)
		buf_printf(&b, "%s%s:%s", i ? ", " : "", vr_quote(c, keys[i]),
			   vq_go_struct(c, jstr(list, keys[i])));
	buf_append_str(&b, "}");
	out = arena_strdup(c->arena, b.data);
	buf_free(&b);
	return out;
}

/* path.Clean(p) == "/": a rooted path whose ".." climb back to the root. */
static bool cleans_to_root(const char *p)
{
	int depth = 0;

	if (p[0] != '/')
		return false;
	while (*p) {
		size_t len;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			depth -= depth > 0;
		else if (len && !(len == 1 && p[0] == '.'))
			depth++;
		p += len;
	}
	return depth == 0;
}

/* ValidatePersistentVolumeSpec, not inline. */
static void v_pv_spec(struct vctx *c, json_t *pv)
{
	static const char *const reclaim[] = {"Delete", "Recycle", "Retain", NULL};
	static const char *const volume_modes[] = {"Block", "Filesystem", NULL};
	static const char *const storage_only[] = {"storage", NULL};
	json_t *spec = jget(pv, "spec"), *capacity = jget(spec, "capacity");
	json_t *affinity = jget(spec, "nodeAffinity");
	const char **keys = jkeys(c, capacity),
		   *policy = jstr(spec, "persistentVolumeReclaimPolicy");

	if (jlen(jget(spec, "accessModes")) == 0)
		v_required(c, "spec.accessModes", "");
	v_access_modes(c, jget(spec, "accessModes"), "spec.accessModes");
	if (jlen(capacity) == 0)
		v_required(c, "spec.capacity", "");
	if (!jhas(capacity, "storage") || jlen(capacity) > 1)
		v_not_supported(c, "spec.capacity",
				json_is_object(capacity) ? resource_list_go(c, capacity)
							 : "core.ResourceList(nil)",
				storage_only);
	for (size_t i = 0; keys[i]; i++) {
		const char *p = vp_key(c, "spec.capacity", keys[i]),
			   *text = jstr(capacity, keys[i]);
		long double v = 0;

		vq_value(c, text, &v);
		if (ceill(v) < 0)
			v_invalid(c, p, vr_int(c, (int64_t)ceill(v)),
				  "must be a valid resource quantity");
		if (v <= 0)
			v_invalid(c, p, vr_quote(c, vq_string(c, text)),
				  "must be greater than zero");
	}
	if (*policy && !str_in(policy, reclaim))
		v_not_supported(c, "spec.persistentVolumeReclaimPolicy", vr_quote(c, policy),
				reclaim);
	if (affinity) {
		if (jget(affinity, "required"))
			v_node_selector(c, jget(affinity, "required"),
					"spec.nodeAffinity.required");
		else
			v_required(c, "spec.nodeAffinity.required",
				   "must specify required node constraints");
	}
	v_pv_sources(c, pv, spec, affinity != NULL);
	if (jget(spec, "hostPath") && strcmp(policy, "Recycle") == 0 &&
	    cleans_to_root(jstr(jget(spec, "hostPath"), "path")))
		v_forbidden(c, "spec.persistentVolumeReclaimPolicy",
			    "may not be 'recycle' for a hostPath mount of '/'");
	if (*jstr(spec, "storageClassName"))
		v_dns1123_subdomain(c, jstr(spec, "storageClassName"), "spec.storageClassName");
	if (jhas(spec, "volumeMode") && !str_in(jstr(spec, "volumeMode"), volume_modes))
		v_not_supported(c, "spec.volumeMode", vr_quote(c, jstr(spec, "volumeMode")),
				volume_modes);
}

/* The beta node labels a PV's node affinity may move to their GA names. */
static const char *ga_label(const char *beta)
{
	static const char *const pairs[][2] = {
	    {"failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone"},
	    {"failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/region"},
	    {"beta.kubernetes.io/os", "kubernetes.io/os"},
	    {"beta.kubernetes.io/arch", "kubernetes.io/arch"},
	    {"beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type"},
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (strcmp(beta, pairs[i][0]) == 0)
			return pairs[i][1];
	return NULL;
}

/* A copy of the old affinity with each beta key renamed where the new
 * affinity names the GA key at the same place. A new reference. */
static json_t *affinity_with_ga_keys(json_t *now, json_t *was)
{
	json_t *copy = json_deep_copy(was), *term;
	json_t *now_terms = jget(jget(now, "required"), "nodeSelectorTerms");
	size_t i;

	json_array_foreach(jget(jget(copy, "required"), "nodeSelectorTerms"), i, term)
	{
		json_t *exprs = jget(term, "matchExpressions"), *e;
		json_t *now_exprs = jget(json_array_get(now_terms, i), "matchExpressions");
		size_t j;

		json_array_foreach(exprs, j, e)
		{
			const char *ga = ga_label(jstr(e, "key"));
			const char *now_key = jstr(json_array_get(now_exprs, j), "key");

			if (ga && strcmp(ga, now_key) == 0)
				json_object_set_new(e, "key", json_string(ga));
		}
	}
	return copy;
}

static void v_pv_update(struct vctx *c, json_t *pv, json_t *old)
{
	json_t *spec = jget(pv, "spec"), *old_spec = jget(old, "spec");
	json_t *now = json_object(), *was = json_object();
	json_t *affinity = jget(spec, "nodeAffinity"),
	       *old_affinity = jget(old_spec, "nodeAffinity");

	for (size_t i = 0; i < N_SOURCES; i++) {
		if (jget(spec, pv_sources[i].json))
			json_object_set(now, pv_sources[i].json, jget(spec, pv_sources[i].json));
		if (jget(old_spec, pv_sources[i].json))
			json_object_set(was, pv_sources[i].json,
					jget(old_spec, pv_sources[i].json));
	}
	/* a controllerExpandSecretRef may be added to a CSI volume */
	if (jget(was, "csi") && !jget(jget(was, "csi"), "controllerExpandSecretRef") &&
	    jget(jget(now, "csi"), "controllerExpandSecretRef")) {
		json_t *csi = json_deep_copy(jget(now, "csi"));

		json_object_del(csi, "controllerExpandSecretRef");
		json_object_set_new(now, "csi", csi);
	}
	if (!json_semantic_equal(now, was))
		v_forbidden(c, "spec.persistentvolumesource",
			    "spec.persistentvolumesource is immutable after creation");
	json_decref(now);
	json_decref(was);
	v_immutable(c, jget(spec, "volumeMode"), jget(old_spec, "volumeMode"), "volumeMode",
		    jhas(spec, "volumeMode") ? vr_quote(c, jstr(spec, "volumeMode")) : "null");
	if (old_affinity) {
		json_t *renamed = affinity ? affinity_with_ga_keys(affinity, old_affinity) : NULL;

		if (!affinity || !json_semantic_equal(affinity, renamed))
			v_invalid(c, "nodeAffinity",
				  affinity ? arena_printf(c->arena,
							  "core.VolumeNodeAffinity{Required:%s}",
							  vr_pointer(c, "core.NodeSelector",
								     jhas(affinity, "required")))
					   : "null",
				  "field is immutable, except for updating from beta label to GA");
		json_decref(renamed);
	}
}

void v_persistent_volume(struct vctx *c, json_t *pv, json_t *old)
{
	/* the registry's common check of every update comes first */
	if (old)
		v_object_meta_update(c, jget(pv, "metadata"), jget(old, "metadata"));
	v_object_meta(c, jget(pv, "metadata"), 0, NAME_SUBDOMAIN);
	v_pv_spec(c, pv);
	if (!old)
		return;
	v_object_meta(c, jget(pv, "metadata"), 0, NAME_SUBDOMAIN);
	v_pv_spec(c, pv);
	v_pv_update(c, pv, old);
}
