/*
 * validation_pod_security.c - the security settings of a pod spec, as
 * pkg/apis/core/validation checks them in v1.32: each container's
 * securityContext (ValidateSecurityContext: privileged against
 * --allow-privileged, user and group ids, procMount, seccomp, the
 * allowPrivilegeEscalation interplay, Windows options, AppArmor), the
 * pod's securityContext (validatePodSpecSecurityContext: ids, sysctls,
 * fsGroupChangePolicy, seccomp, Windows options, AppArmor,
 * supplementalGroupsPolicy), and spec.os with the fields a Linux or a
 * Windows pod may not set (validateOS, validateLinux, validateWindows).
 *
 * What is not checked here, as upstream does not either: runAsNonRoot
 * with runAsUser 0 (the kubelet refuses to start such a container) and
 * capability names. spec.hostUsers is dropped before validation in v1.32
 * (the UserNamespacesSupport gate is off by default), so every pod uses
 * the host's user namespace: procMount Unmasked is always refused and
 * validateHostUsers has nothing to check. Left out: the hostProcess rules
 * of Windows pods and the seccomp and AppArmor annotations.
 *
 * The internal PodSecurityContext holds hostNetwork, hostPID, hostIPC and
 * shareProcessNamespace, so upstream names some of them under
 * spec.securityContext although the v1 fields sit in the spec itself.
 */
#include <string.h>

#include "shared/buf.h"
#include "shared/validation_internal.h"

#define ID_RANGE     "must be between 0 and 2147483647, inclusive"
#define SYSCTL_REGEX "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"

/* validation.IsValidUserID / IsValidGroupID: 0..MaxInt32. */
static void v_id(struct vctx *c, json_t *obj, const char *key, const char *path)
{
	int64_t id = jint(obj, key);

	if (jhas(obj, key) && (id < 0 || id > 2147483647))
		v_invalid(c, vp_child(c, path, key), vr_int(c, id), ID_RANGE);
}

/* validateLocalDescendingPath, for a seccomp localhost profile. */
static void v_descending_path(struct vctx *c, const char *p, const char *path)
{
	const char *seg = p;

	if (p[0] == '/')
		v_invalid(c, path, vr_quote(c, p), "must be a relative path");
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

/* validateSeccompProfileField */
static void v_seccomp_profile(struct vctx *c, json_t *sp, const char *path)
{
	static const char *const types[] = {"Localhost", "RuntimeDefault", "Unconfined", NULL};
	const char *type = jstr(sp, "type"), *p = vp_child(c, path, "seccompProfile");

	if (!sp)
		return;
	if (!*type)
		v_required(c, vp_child(c, p, "type"),
			   "type is required when seccompProfile is set");
	else if (!str_in(type, types))
		v_not_supported(c, vp_child(c, p, "type"), vr_quote(c, type), types);
	if (strcmp(type, "Localhost") == 0) {
		if (!jhas(sp, "localhostProfile"))
			v_required(c, vp_child(c, p, "localhostProfile"),
				   "must be set when seccomp type is Localhost");
		else
			v_descending_path(c, jstr(sp, "localhostProfile"),
					  vp_child(c, p, "localhostProfile"));
	} else if (jhas(sp, "localhostProfile")) {
		v_invalid(c, vp_child(c, p, "localhostProfile"),
			  arena_printf(c->arena,
				       "core.SeccompProfile{Type:%s, LocalhostProfile:%s}",
				       vr_quote(c, type), vr_pointer(c, "string", true)),
			  "can only be set when seccomp type is Localhost");
	}
}

static bool has_outer_space(const char *s)
{
	size_t len = strlen(s);

	return len && (strchr(" \t\n\v\f\r", s[0]) || strchr(" \t\n\v\f\r", s[len - 1]));
}

/* ValidateAppArmorProfileField */
static void v_app_armor_profile(struct vctx *c, json_t *profile, const char *path)
{
	static const char *const types[] = {"Localhost", "RuntimeDefault", "Unconfined", NULL};
	const char *type = jstr(profile, "type"), *p = vp_child(c, path, "appArmorProfile");
	const char *local = jstr(profile, "localhostProfile");

	if (!profile)
		return;
	if (strcmp(type, "Localhost") == 0) {
		const char *lp = vp_child(c, p, "localhostProfile");

		if (!jhas(profile, "localhostProfile")) {
			v_required(c, lp, "must be set when AppArmor type is Localhost");
			return;
		}
		if (has_outer_space(local))
			v_invalid(c, lp, vr_quote(c, local), "must not be padded with whitespace");
		else if (!*local)
			v_required(c, lp, "must be set when AppArmor type is Localhost");
		if (strlen(local) > 4095)
			v_too_long_max_length(c, lp, 4095);
	} else if (strcmp(type, "RuntimeDefault") == 0 || strcmp(type, "Unconfined") == 0) {
		if (jhas(profile, "localhostProfile"))
			v_invalid(c, vp_child(c, p, "localhostProfile"), vr_quote(c, local),
				  "can only be set when AppArmor type is Localhost");
	} else if (!*type) {
		v_required(c, vp_child(c, p, "type"),
			   "type is required when appArmorProfile is set");
	} else {
		v_not_supported(c, vp_child(c, p, "type"), vr_quote(c, type), types);
	}
}

/* NetBios domain: no \ / : * ? " < > |, not starting with '.', 1..15 bytes. */
static bool netbios_domain(const char *d)
{
	size_t len = strlen(d);

	if (len < 1 || len > 15 || d[0] == '.')
		return false;
	return strcspn(d, "\\/:*?\"<>|") == len;
}

/* [a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])? labels joined by dots. */
static bool dns_domain(const char *d)
{
	const char *label = d;

	for (;;) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		if (len < 1 || len > 63)
			return false;
		for (size_t i = 0; i < len; i++) {
			char ch = label[i];
			bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				     (ch >= '0' && ch <= '9');

			if (!alnum && (ch != '-' || i == 0 || i == len - 1))
				return false;
		}
		if (!dot)
			return true;
		label = dot + 1;
	}
}

static void v_run_as_user_name(struct vctx *c, const char *name, const char *path)
{
	const char *value = vr_quote(c, name), *slash = strchr(name, '\\');
	const char *user = slash ? slash + 1 : name;
	size_t domain_len = slash ? (size_t)(slash - name) : 0;
	bool control = false, only_dots = *user != '\0';

	for (const char *p = name; *p; p++)
		control = control || (unsigned char)*p < 0x20 || *p == 0x7F;
	for (const char *p = user; *p; p++)
		only_dots = only_dots && (*p == '.' || *p == ' ');
	if (!*name) {
		v_invalid(c, path, value, "runAsUserName cannot be an empty string");
		return;
	}
	if (control) {
		v_invalid(c, path, value, "runAsUserName cannot contain control characters");
		return;
	}
	if (slash && strchr(slash + 1, '\\')) {
		v_invalid(c, path, value, "runAsUserName cannot contain more than one backslash");
		return;
	}
	if (domain_len >= 256)
		v_invalid(c, path, value,
			  "runAsUserName's Domain length must be under 256 characters");
	if (slash) {
		char *domain = arena_strndup(c->arena, name, domain_len);

		if (!netbios_domain(domain) && !dns_domain(domain))
			v_invalid(
			    c, path, value,
			    "runAsUserName's Domain doesn't match the NetBios nor the DNS format");
	}
	if (!*user)
		v_invalid(c, path, value, "runAsUserName's User cannot be empty");
	else if (strlen(user) > 104)
		v_invalid(c, path, value,
			  "runAsUserName's User length must not be longer than 104 characters");
	if (only_dots)
		v_invalid(c, path, value,
			  "runAsUserName's User cannot contain only periods or spaces");
	if (user[strcspn(user, "\"/\\:;|=,+*?<>@[]")])
		v_invalid(c, path, value,
			  "runAsUserName's User cannot contain the following characters: "
			  "\"/\\:;|=,+*?<>@[]");
}

/* validateWindowsSecurityContextOptions */
static void v_windows_options(struct vctx *c, json_t *opts, const char *path)
{
	const char *p = vp_child(c, path, "windowsOptions");

	if (!opts)
		return;
	if (jhas(opts, "gmsaCredentialSpecName")) {
		struct vmsgs m = {0};
		const char *name = jstr(opts, "gmsaCredentialSpecName");

		is_dns1123_subdomain(name, &m);
		for (size_t i = 0; i < m.n; i++)
			v_invalid(c, vp_child(c, p, "gmsaCredentialSpecName"), vr_quote(c, name),
				  m.m[i]);
	}
	if (jhas(opts, "gmsaCredentialSpec")) {
		const char *spec = jstr(opts, "gmsaCredentialSpec");

		if (!*spec)
			v_invalid(c, vp_child(c, p, "gmsaCredentialSpec"), vr_quote(c, spec),
				  "gmsaCredentialSpec cannot be an empty string");
		else if (strlen(spec) > 64 * 1024)
			v_invalid(c, vp_child(c, p, "gmsaCredentialSpec"), vr_quote(c, spec),
				  "gmsaCredentialSpec size must be under 64 KiB");
	}
	if (jhas(opts, "runAsUserName"))
		v_run_as_user_name(c, jstr(opts, "runAsUserName"), vp_child(c, p, "runAsUserName"));
}

/* %#v of the internal core.SecurityContext the allowPrivilegeEscalation errors carry. */
static const char *security_context_go(struct vctx *c, json_t *sc)
{
	static const struct {
		const char *field, *json, *type;
	} fields[] = {
	    {"Capabilities", "capabilities", "core.Capabilities"},
	    {"Privileged", "privileged", "bool"},
	    {"SELinuxOptions", "seLinuxOptions", "core.SELinuxOptions"},
	    {"WindowsOptions", "windowsOptions", "core.WindowsSecurityContextOptions"},
	    {"RunAsUser", "runAsUser", "int64"},
	    {"RunAsGroup", "runAsGroup", "int64"},
	    {"RunAsNonRoot", "runAsNonRoot", "bool"},
	    {"ReadOnlyRootFilesystem", "readOnlyRootFilesystem", "bool"},
	    {"AllowPrivilegeEscalation", "allowPrivilegeEscalation", "bool"},
	    {"ProcMount", "procMount", "core.ProcMountType"},
	    {"SeccompProfile", "seccompProfile", "core.SeccompProfile"},
	    {"AppArmorProfile", "appArmorProfile", "core.AppArmorProfile"},
	};
	struct buf b = {0};
	const char *out;

	buf_append_str(&b, "core.SecurityContext{");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		buf_printf(&b, "%s%s:%s", i ? ", " : "", fields[i].field,
			   vr_pointer(c, fields[i].type, jhas(sc, fields[i].json)));
	buf_append_str(&b, "}");
	out = arena_strdup(c->arena, b.data);
	buf_free(&b);
	return out;
}

void v_container_security_context(struct vctx *c, json_t *ctr, const char *path)
{
	static const char *const proc_mounts[] = {"Default", "Unmasked", NULL};
	json_t *sc = jget(ctr, "securityContext"), *cap;
	const char *p = vp_child(c, path, "securityContext");
	const char *proc = jstr(sc, "procMount");
	size_t i;

	if (!sc)
		return;
	if (jbool(sc, "privileged") && !validation_allow_privileged)
		v_forbidden(c, vp_child(c, p, "privileged"), "disallowed by cluster policy");
	v_id(c, sc, "runAsUser", p);
	v_id(c, sc, "runAsGroup", p);
	if (jhas(sc, "procMount")) {
		if (!str_in(proc, proc_mounts))
			v_not_supported(c, vp_child(c, p, "procMount"), vr_quote(c, proc),
					proc_mounts);
		if (strcmp(proc, "Unmasked") == 0)
			v_invalid(c, vp_child(c, p, "procMount"), vr_quote(c, proc),
				  "`hostUsers` must be false to use `Unmasked`");
	}
	v_seccomp_profile(c, jget(sc, "seccompProfile"), p);
	if (json_is_false(jget(sc, "allowPrivilegeEscalation"))) {
		if (jbool(sc, "privileged"))
			v_invalid(
			    c, p, security_context_go(c, sc),
			    "cannot set `allowPrivilegeEscalation` to false and `privileged` to "
			    "true");
		json_array_foreach(jget(jget(sc, "capabilities"), "add"), i, cap)
		{
			if (json_is_string(cap) &&
			    strcmp(json_string_value(cap), "CAP_SYS_ADMIN") == 0)
				v_invalid(c, p, security_context_go(c, sc),
					  "cannot set `allowPrivilegeEscalation` to false and "
					  "`capabilities.Add` CAP_SYS_ADMIN");
		}
	}
	v_windows_options(c, jget(sc, "windowsOptions"), p);
	v_app_armor_profile(c, jget(sc, "appArmorProfile"), p);
}

/* IsValidSysctlName: dot- or slash-separated [a-z0-9]([-_a-z0-9]*[a-z0-9])? segments. */
static bool sysctl_name_valid(const char *s)
{
	const char *seg = s;

	if (strlen(s) > 253)
		return false;
	for (;;) {
		size_t len = strcspn(seg, "./");

		if (len == 0)
			return false;
		for (size_t i = 0; i < len; i++) {
			char ch = seg[i];
			bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

			if (!alnum && ((ch != '-' && ch != '_') || i == 0 || i == len - 1))
				return false;
		}
		if (!seg[len])
			return true;
		seg += len + 1;
	}
}

/* utilsysctl.GetNamespace: "net", "ipc" or "" (names normalized to dots). */
static const char *sysctl_namespace(struct vctx *c, const char *name)
{
	static const char *const ipc[] = {"kernel.sem",
					  "kernel.shmall",
					  "kernel.shmmax",
					  "kernel.shmmni",
					  "kernel.shm_rmid_forced",
					  "kernel.shm",
					  "kernel.msgmax",
					  "kernel.msgmnb",
					  "kernel.msgmni",
					  "kernel.msg",
					  NULL};
	char *n = arena_strdup(c->arena, name), *star;
	size_t first = strcspn(n, "./");

	/* NormalizeName: a name whose first separator is '/' swaps '/' and '.' */
	if (n[first] == '/')
		for (char *p = n; *p; p++)
			*p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
	star = strchr(n, '*');
	if (star)
		*star = '\0';
	if (str_in(n, ipc) || strncmp(n, "fs.mqueue.", 10) == 0)
		return "ipc";
	if (strncmp(n, "net.", 4) == 0)
		return "net";
	return "";
}

static void v_sysctls(struct vctx *c, json_t *spec, json_t *sysctls, const char *path)
{
	json_t *seen = json_object(), *s;
	size_t i;

	json_array_foreach(sysctls, i, s)
	{
		const char *name = jstr(s, "name"), *p = vp_child(c, vp_index(c, path, i), "name");
		const char *ns = sysctl_namespace(c, name);

		if (!*name)
			v_required(c, p, "");
		else if (!sysctl_name_valid(name))
			v_invalid(c, p, vr_quote(c, name),
				  "must have at most 253 characters and match regex " SYSCTL_REGEX);
		else if (json_object_get(seen, name))
			v_duplicate(c, p, vr_quote(c, name));
		if (jbool(spec, "hostNetwork") && strcmp(ns, "net") == 0)
			v_invalid(c, p, vr_quote(c, name),
				  "may not be specified when 'hostNetwork' is true");
		else if (jbool(spec, "hostIPC") && strcmp(ns, "ipc") == 0)
			v_invalid(c, p, vr_quote(c, name),
				  "may not be specified when 'hostIPC' is true");
		json_object_set_new(seen, name, json_true());
	}
	json_decref(seen);
}

void v_pod_security_context(struct vctx *c, json_t *spec, const char *path)
{
	static const char *const fs_group_policies[] = {"Always", "OnRootMismatch", NULL};
	static const char *const supplemental_policies[] = {"Merge", "Strict", NULL};
	json_t *sc = jget(spec, "securityContext"), *gid;
	const char *p = vp_child(c, path, "securityContext");
	size_t i;

	v_id(c, sc, "fsGroup", p);
	v_id(c, sc, "runAsUser", p);
	v_id(c, sc, "runAsGroup", p);
	json_array_foreach(jget(sc, "supplementalGroups"), i, gid)
	{
		int64_t g = json_is_integer(gid) ? (int64_t)json_integer_value(gid) : 0;

		if (g < 0 || g > 2147483647)
			v_invalid(c, vp_index(c, vp_child(c, p, "supplementalGroups"), i),
				  vr_int(c, g), ID_RANGE);
	}
	if (jbool(spec, "shareProcessNamespace") && jbool(spec, "hostPID"))
		v_invalid(c, vp_child(c, p, "shareProcessNamespace"), "true",
			  "ShareProcessNamespace and HostPID cannot both be enabled");
	v_sysctls(c, spec, jget(sc, "sysctls"), vp_child(c, p, "sysctls"));
	if (jhas(sc, "fsGroupChangePolicy") &&
	    !str_in(jstr(sc, "fsGroupChangePolicy"), fs_group_policies))
		v_not_supported(c, vp_child(c, p, "fsGroupChangePolicy"),
				vr_quote(c, jstr(sc, "fsGroupChangePolicy")), fs_group_policies);
	v_seccomp_profile(c, jget(sc, "seccompProfile"), p);
	v_windows_options(c, jget(sc, "windowsOptions"), p);
	v_app_armor_profile(c, jget(sc, "appArmorProfile"), p);
	if (jhas(sc, "supplementalGroupsPolicy") &&
	    !str_in(jstr(sc, "supplementalGroupsPolicy"), supplemental_policies))
		v_not_supported(c, vp_child(c, p, "supplementalGroupsPolicy"),
				vr_quote(c, jstr(sc, "supplementalGroupsPolicy")),
				supplemental_policies);
}

/* ---- spec.os ---- */

/* The pod-level fields a Windows pod may not set, with upstream's paths. */
static const struct {
	const char *json, *path;
	bool in_spec; /* a v1 PodSpec field (internal PodSecurityContext) */
} windows_pod_fields[] = {
    {"appArmorProfile", "securityContext.appArmorProfile", false},
    {"seLinuxOptions", "securityContext.seLinuxOptions", false},
    {"hostPID", "hostPID", true},
    {"hostIPC", "hostIPC", true},
    {"seccompProfile", "securityContext.seccompProfile", false},
    {"fsGroup", "securityContext.fsGroup", false},
    {"fsGroupChangePolicy", "securityContext.fsGroupChangePolicy", false},
    {"sysctls", "securityContext.sysctls", false},
    {"shareProcessNamespace", "shareProcessNamespace", true},
    {"runAsUser", "securityContext.runAsUser", false},
    {"runAsGroup", "securityContext.runAsGroup", false},
    {"supplementalGroups", "securityContext.supplementalGroups", false},
    {"supplementalGroupsPolicy", "securityContext.supplementalGroupsPolicy", false},
};

static const char *const windows_container_fields[] = {"appArmorProfile",
						       "seLinuxOptions",
						       "seccompProfile",
						       "capabilities",
						       "readOnlyRootFilesystem",
						       "privileged",
						       "allowPrivilegeEscalation",
						       "procMount",
						       "runAsUser",
						       "runAsGroup",
						       NULL};

/* Whether a field counts as set: hostPID and hostIPC are plain booleans
 * internally, sysctls a list; the others are pointers. */
static bool pod_field_set(json_t *spec, json_t *sc, size_t i)
{
	const char *key = windows_pod_fields[i].json;

	if (strcmp(key, "hostPID") == 0 || strcmp(key, "hostIPC") == 0)
		return jbool(spec, key);
	if (strcmp(key, "sysctls") == 0)
		return jlen(jget(sc, key)) > 0;
	return jhas(windows_pod_fields[i].in_spec ? spec : sc, key);
}

/* podshelper.VisitContainersWithPath's order: init, regular, ephemeral. */
static const char *const container_lists[] = {"initContainers", "containers", "ephemeralContainers",
					      NULL};

static void v_linux_pod(struct vctx *c, json_t *spec, const char *path)
{
	const char *msg = "windows options cannot be set for a linux pod";

	if (jhas(jget(spec, "securityContext"), "windowsOptions"))
		v_forbidden(c, vp_child(c, path, "securityContext.windowsOptions"), msg);
	for (size_t l = 0; container_lists[l]; l++) {
		json_t *ctr;
		size_t i;

		json_array_foreach(jget(spec, container_lists[l]), i, ctr)
		{
			if (jhas(jget(ctr, "securityContext"), "windowsOptions"))
				v_forbidden(
				    c,
				    vp_child(c,
					     vp_index(c, vp_child(c, path, container_lists[l]), i),
					     "securityContext.windowsOptions"),
				    msg);
		}
	}
}

static void v_windows_pod(struct vctx *c, json_t *spec, const char *path)
{
	const char *msg = "cannot be set for a windows pod";
	json_t *sc = jget(spec, "securityContext");

	for (size_t i = 0; i < sizeof(windows_pod_fields) / sizeof(windows_pod_fields[0]); i++)
		if (pod_field_set(spec, sc, i))
			v_forbidden(c, vp_child(c, path, windows_pod_fields[i].path), msg);
	for (size_t l = 0; container_lists[l]; l++) {
		json_t *ctr;
		size_t i;

		json_array_foreach(jget(spec, container_lists[l]), i, ctr)
		{
			json_t *csc = jget(ctr, "securityContext");
			const char *p =
			    vp_child(c, vp_index(c, vp_child(c, path, container_lists[l]), i),
				     "securityContext");

			for (size_t k = 0; csc && windows_container_fields[k]; k++)
				if (jhas(csc, windows_container_fields[k]))
					v_forbidden(c, vp_child(c, p, windows_container_fields[k]),
						    msg);
		}
	}
}

void v_pod_os(struct vctx *c, json_t *spec, const char *path)
{
	static const char *const systems[] = {"linux", "windows", NULL};
	json_t *os = jget(spec, "os");
	const char *name = jstr(os, "name");

	if (!os)
		return;
	if (!*name) {
		v_required(c, vp_child(c, vp_child(c, path, "os"), "name"), "cannot be empty");
		return;
	}
	if (!str_in(name, systems))
		v_not_supported(c, vp_child(c, path, "os"), vr_quote(c, name), systems);
	else if (strcmp(name, "linux") == 0)
		v_linux_pod(c, spec, path);
	else
		v_windows_pod(c, spec, path);
}
