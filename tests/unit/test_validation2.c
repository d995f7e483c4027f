/*
 * test_validation2.c - unit tests for the validation rules of
 * shared/validation_pod_security.c, validation_pod_scheduling.c,
 * validation_storage.c, validation_pv.c, validation_cluster.c,
 * validation_rbac.c, validation_networking.c and validation_policy.c:
 * pod security contexts, affinity, topology spread, DNS, tolerations;
 * PersistentVolumeClaims, PersistentVolumes, StorageClasses, Nodes, RBAC,
 * Ingresses, IngressClasses, NetworkPolicies, PodDisruptionBudgets,
 * HorizontalPodAutoscalers, PriorityClasses and Leases.
 *
 * The cases (tests/unit/validation_cases.h) hold the causes and the Status
 * message kube-apiserver v1.32 answers, written from upstream's validation
 * code (pkg/apis/{core,storage,rbac,networking,policy,autoscaling,
 * scheduling,coordination}/validation, field.Error.ErrorBody), not from
 * this implementation's output. Go prints the address of a pointer inside
 * a struct value; the stand-in address 0xc000000000 is asserted here.
 * Then: every object of the defaulting golden files validates (or fails
 * exactly as upstream would), --allow-privileged, and members of the wrong
 * JSON type.
 */
#include <dirent.h>

#include "tests/unit/repo_root.h"
#include "tests/unit/validation_cases.h"

#define ID_RANGE "must be between 0 and 2147483647, inclusive"
#define IP_MSG	 "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
#define CIDR_MSG "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
#define SYSCTL_MSG                                                                                 \
	"must have at most 253 characters and match regex "                                        \
	"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"
#define WILDCARD                                                                                   \
	"a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, "  \
	"which must consist of lower case alphanumeric characters, '-' or '.' and end with an "    \
	"alphanumeric character (e.g. '*.example.com', regex used for validation is "              \
	"'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define INTERNAL    "InternalError"
#define P	    "0xc000000000"
#define ONE_TYPE    "may not specify more than 1 volume type"
#define WINDOWS_POD "cannot be set for a windows pod"
#define PVC_IMMUTABLE                                                                              \
	"spec is immutable after creation except resources.requests and "                          \
	"volumeAttributesClassName for bound claims"
#define QTY_ZERO                                                                                   \
	"resource.Quantity{i:resource.int64Amount{value:0, scale:0}, "                             \
	"d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"0\", Format:\"DecimalSI\"}"
#define QTY_ONE                                                                                    \
	"resource.Quantity{i:resource.int64Amount{value:1, scale:0}, "                             \
	"d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"1\", Format:\"DecimalSI\"}"

/* A second container, to patch a pod's containers with. */
#define CONTAINER_B                                                                                \
	"{\"name\":\"b\",\"image\":\"busybox\",\"imagePullPolicy\":\"IfNotPresent\","              \
	"\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":"        \
	"\"File\",\"resources\":{}"
#define CONTAINER_A                                                                                \
	"{\"name\":\"app\",\"image\":\"nginx:1.27\",\"imagePullPolicy\":\"IfNotPresent\","         \
	"\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":"        \
	"\"File\",\"resources\":{}"
/* {"spec":{"containers":[<container app with the given securityContext>]}} */
#define WITH_CONTAINER_SC(sc)                                                                      \
	"{\"spec\":{\"containers\":[" CONTAINER_A ",\"securityContext\":" sc "}]}}"

#define PVC                                                                                        \
	"{\"metadata\":{\"name\":\"data\",\"namespace\":\"default\"},\"spec\":{\"accessModes\":"   \
	"[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"10Gi\"}},"                 \
	"\"storageClassName\":\"standard\",\"volumeMode\":\"Filesystem\"},\"status\":{"            \
	"\"phase\":\"Pending\"}}"
#define PV                                                                                         \
	"{\"metadata\":{\"name\":\"pv1\"},\"spec\":{\"capacity\":{\"storage\":\"5Gi\"},"           \
	"\"accessModes\":[\"ReadWriteOnce\"],\"hostPath\":{\"path\":\"/mnt/data\",\"type\":\"\"}," \
	"\"persistentVolumeReclaimPolicy\":\"Retain\",\"volumeMode\":\"Filesystem\"}}"
#define STORAGE_CLASS                                                                              \
	"{\"metadata\":{\"name\":\"standard\"},\"provisioner\":\"example.com/disk\","              \
	"\"reclaimPolicy\":\"Delete\",\"volumeBindingMode\":\"Immediate\"}"
#define NODE                                                                                       \
	"{\"metadata\":{\"name\":\"n1\"},\"spec\":{\"podCIDR\":\"10.244.1.0/24\",\"podCIDRs\":"    \
	"[\"10.244.1.0/24\"],\"providerID\":\"aws://x\"}}"
#define ROLE                                                                                       \
	"{\"metadata\":{\"name\":\"reader\",\"namespace\":\"default\"},\"rules\":[{\"apiGroups\":" \
	"[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]}]}"
#define CLUSTER_ROLE                                                                               \
	"{\"metadata\":{\"name\":\"viewer\"},\"rules\":[{\"nonResourceURLs\":[\"/healthz\"],"      \
	"\"verbs\":[\"get\"]}]}"
#define ROLE_BINDING                                                                               \
	"{\"metadata\":{\"name\":\"read\",\"namespace\":\"default\"},\"roleRef\":{\"apiGroup\":"   \
	"\"rbac.authorization.k8s.io\",\"kind\":\"Role\",\"name\":\"reader\"},\"subjects\":[{"     \
	"\"kind\":\"User\",\"name\":\"jane\",\"apiGroup\":\"rbac.authorization.k8s.io\"},{"        \
	"\"kind\":\"ServiceAccount\",\"name\":\"default\",\"namespace\":\"default\"}]}"
#define CLUSTER_ROLE_BINDING                                                                       \
	"{\"metadata\":{\"name\":\"admins\"},\"roleRef\":{\"apiGroup\":"                           \
	"\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"viewer\"},"             \
	"\"subjects\":[{\"kind\":\"Group\",\"name\":\"ops\",\"apiGroup\":"                         \
	"\"rbac.authorization.k8s.io\"}]}"
#define INGRESS                                                                                    \
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{"                    \
	"\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"web.example.com\",\"http\":{"       \
	"\"paths\":[{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":"   \
	"\"web\",\"port\":{\"number\":80}}}}]}}]}}"
#define INGRESS_CLASS                                                                              \
	"{\"metadata\":{\"name\":\"nginx\"},\"spec\":{\"controller\":\"k8s.io/ingress-nginx\"}}"
#define NETWORK_POLICY                                                                             \
	"{\"metadata\":{\"name\":\"db\",\"namespace\":\"default\"},\"spec\":{\"podSelector\":{"    \
	"\"matchLabels\":{\"app\":\"db\"}},\"ingress\":[{\"from\":[{\"podSelector\":{"             \
	"\"matchLabels\":{\"app\":\"web\"}}}],\"ports\":[{\"protocol\":\"TCP\",\"port\":5432}]}]," \
	"\"policyTypes\":[\"Ingress\"]}}"
#define PDB                                                                                        \
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"minAvailable\":2," \
	"\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}"
#define HPA                                                                                        \
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"scaleTargetRef\":" \
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},\"minReplicas\":1," \
	"\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\","   \
	"\"target\":{\"type\":\"Utilization\",\"averageUtilization\":80}}}]}}"
#define HPA_V1                                                                                     \
	"{\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"scaleTargetRef\":" \
	"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},\"minReplicas\":1," \
	"\"maxReplicas\":5,\"targetCPUUtilizationPercentage\":80}}"
#define PRIORITY_CLASS                                                                             \
	"{\"metadata\":{\"name\":\"high\"},\"value\":1000000,\"preemptionPolicy\":"                \
	"\"PreemptLowerPriority\"}"
#define LEASE                                                                                      \
	"{\"metadata\":{\"name\":\"lock\",\"namespace\":\"default\"},\"spec\":{"                   \
	"\"holderIdentity\":"                                                                      \
	"\"a\",\"leaseDurationSeconds\":15}}"

/* 33 search paths, as JSON and as Go's %#v of the []string */
#define S4	       "\"a\",\"a\",\"a\",\"a\""
#define G4	       "\"a\", \"a\", \"a\", \"a\""
#define SEARCHES_33    S4 "," S4 "," S4 "," S4 "," S4 "," S4 "," S4 "," S4 ",\"a\""
#define SEARCHES_33_GO G4 ", " G4 ", " G4 ", " G4 ", " G4 ", " G4 ", " G4 ", " G4 ", \"a\""

#define RBAC	"rbac.authorization.k8s.io"
#define NETWORK "networking.k8s.io"

static const struct vcase cases[] = {
    /* ---- every base is valid, on create and on an unchanged update ---- */
    {"pvc valid", "", "PersistentVolumeClaim", PVC, NULL, NULL, {{0}}, NULL},
    {"pvc unchanged", "", "PersistentVolumeClaim", PVC, NULL, "{}", {{0}}, NULL},
    {"pv valid", "", "PersistentVolume", PV, NULL, NULL, {{0}}, NULL},
    {"pv unchanged", "", "PersistentVolume", PV, NULL, "{}", {{0}}, NULL},
    {"storage class valid",
     "storage.k8s.io",
     "StorageClass",
     STORAGE_CLASS,
     NULL,
     NULL,
     {{0}},
     NULL},
    {"storage class unchanged",
     "storage.k8s.io",
     "StorageClass",
     STORAGE_CLASS,
     NULL,
     "{}",
     {{0}},
     NULL},
    {"node valid", "", "Node", NODE, NULL, NULL, {{0}}, NULL},
    {"node unchanged", "", "Node", NODE, NULL, "{}", {{0}}, NULL},
    {"role valid", RBAC, "Role", ROLE, NULL, NULL, {{0}}, NULL},
    {"cluster role valid", RBAC, "ClusterRole", CLUSTER_ROLE, NULL, "{}", {{0}}, NULL},
    {"role binding valid", RBAC, "RoleBinding", ROLE_BINDING, NULL, "{}", {{0}}, NULL},
    {"cluster role binding valid",
     RBAC,
     "ClusterRoleBinding",
     CLUSTER_ROLE_BINDING,
     NULL,
     NULL,
     {{0}},
     NULL},
    {"ingress valid", NETWORK, "Ingress", INGRESS, NULL, "{}", {{0}}, NULL},
    {"ingress class valid", NETWORK, "IngressClass", INGRESS_CLASS, NULL, "{}", {{0}}, NULL},
    {"network policy valid", NETWORK, "NetworkPolicy", NETWORK_POLICY, NULL, "{}", {{0}}, NULL},
    {"pdb valid", "policy", "PodDisruptionBudget", PDB, NULL, "{}", {{0}}, NULL},
    {"hpa v2 valid", "autoscaling/v2", "HorizontalPodAutoscaler", HPA, NULL, "{}", {{0}}, NULL},
    {"hpa v1 valid", "autoscaling/v1", "HorizontalPodAutoscaler", HPA_V1, NULL, NULL, {{0}}, NULL},
    {"priority class valid",
     "scheduling.k8s.io",
     "PriorityClass",
     PRIORITY_CLASS,
     NULL,
     "{}",
     {{0}},
     NULL},
    {"lease valid", "coordination.k8s.io", "Lease", LEASE, NULL, "{}", {{0}}, NULL},
    /* ---- a pod's securityContext ---- */
    {"pod security context: ids out of range, process namespace with hostPID",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"hostPID\":true,\"shareProcessNamespace\":true,\"securityContext\":{"
     "\"runAsUser\":-1,\"runAsGroup\":2147483648,\"fsGroup\":-5,\"supplementalGroups\":[1,-2]}}}",
     NULL,
     {{"spec.securityContext.fsGroup", INVALID, "Invalid value: -5: " ID_RANGE},
      {"spec.securityContext.runAsUser", INVALID, "Invalid value: -1: " ID_RANGE},
      {"spec.securityContext.runAsGroup", INVALID, "Invalid value: 2147483648: " ID_RANGE},
      {"spec.securityContext.supplementalGroups[1]", INVALID, "Invalid value: -2: " ID_RANGE},
      {"spec.securityContext.shareProcessNamespace", INVALID,
       "Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled"}},
     "Pod \"web\" is invalid: [spec.securityContext.fsGroup: Invalid value: -5: " ID_RANGE
     ", spec.securityContext.runAsUser: Invalid value: -1: " ID_RANGE
     ", spec.securityContext.runAsGroup: Invalid value: 2147483648: " ID_RANGE
     ", spec.securityContext.supplementalGroups[1]: Invalid value: -2: " ID_RANGE
     ", spec.securityContext.shareProcessNamespace: Invalid value: true: "
     "ShareProcessNamespace and HostPID cannot both be enabled]"},
    {"pod sysctls: names, duplicates, namespaced ones with hostNetwork",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"hostNetwork\":true,\"securityContext\":{\"sysctls\":[{\"name\":"
     "\"net.core.somaxconn\",\"value\":\"1\"},{\"name\":\"Kernel.X\",\"value\":\"1\"},{\"name\":"
     "\"net.core.somaxconn\",\"value\":\"2\"},{\"name\":\"\",\"value\":\"1\"},{\"name\":"
     "\"kernel/shm_rmid_forced\",\"value\":\"1\"}]}}}",
     NULL,
     {{"spec.securityContext.sysctls[0].name", INVALID,
       "Invalid value: \"net.core.somaxconn\": may not be specified when 'hostNetwork' is true"},
      {"spec.securityContext.sysctls[1].name", INVALID, "Invalid value: \"Kernel.X\": " SYSCTL_MSG},
      {"spec.securityContext.sysctls[2].name", DUPLICATE,
       "Duplicate value: \"net.core.somaxconn\""},
      {"spec.securityContext.sysctls[2].name", INVALID,
       "Invalid value: \"net.core.somaxconn\": may not be specified when 'hostNetwork' is true"},
      {"spec.securityContext.sysctls[3].name", REQUIRED, "Required value"}},
     "Pod \"web\" is invalid: [spec.securityContext.sysctls[0].name: Invalid value: "
     "\"net.core.somaxconn\": may not be specified when 'hostNetwork' is true, "
     "spec.securityContext.sysctls[1].name: Invalid value: \"Kernel.X\": " SYSCTL_MSG
     ", spec.securityContext.sysctls[2].name: Duplicate value: \"net.core.somaxconn\", "
     "spec.securityContext.sysctls[2].name: Invalid value: \"net.core.somaxconn\": may not be "
     "specified when 'hostNetwork' is true, spec.securityContext.sysctls[3].name: Required "
     "value]"},
    {"pod sysctls: an IPC one with hostIPC, in slash form",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"hostIPC\":true,\"securityContext\":{\"sysctls\":[{\"name\":"
     "\"kernel/shm_rmid_forced\",\"value\":\"1\"},{\"name\":\"net.ipv4.ip_forward\","
     "\"value\":\"1\"}]}}}",
     NULL,
     {{"spec.securityContext.sysctls[0].name", INVALID,
       "Invalid value: \"kernel/shm_rmid_forced\": may not be specified when 'hostIPC' is true"}},
     "Pod \"web\" is invalid: spec.securityContext.sysctls[0].name: Invalid value: "
     "\"kernel/shm_rmid_forced\": may not be specified when 'hostIPC' is true"},
    {"pod seccomp, AppArmor and the two policies",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"securityContext\":{\"seccompProfile\":{\"type\":\"Localhost\"},"
     "\"appArmorProfile\":{\"type\":\"Bogus\"},\"fsGroupChangePolicy\":\"Sometimes\","
     "\"supplementalGroupsPolicy\":\"Loose\"}}}",
     NULL,
     {{"spec.securityContext.fsGroupChangePolicy", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnRootMismatch\""},
      {"spec.securityContext.seccompProfile.localhostProfile", REQUIRED,
       "Required value: must be set when seccomp type is Localhost"},
      {"spec.securityContext.appArmorProfile.type", UNSUPPORTED,
       "Unsupported value: \"Bogus\": supported values: \"Localhost\", \"RuntimeDefault\", "
       "\"Unconfined\""},
      {"spec.securityContext.supplementalGroupsPolicy", UNSUPPORTED,
       "Unsupported value: \"Loose\": supported values: \"Merge\", \"Strict\""}},
     "Pod \"web\" is invalid: [spec.securityContext.fsGroupChangePolicy: Unsupported value: "
     "\"Sometimes\": supported values: \"Always\", \"OnRootMismatch\", "
     "spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when "
     "seccomp type is Localhost, spec.securityContext.appArmorProfile.type: Unsupported value: "
     "\"Bogus\": supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\", "
     "spec.securityContext.supplementalGroupsPolicy: Unsupported value: \"Loose\": supported "
     "values: \"Merge\", \"Strict\"]"},
    {"pod seccomp and AppArmor types without their profile",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"securityContext\":{\"seccompProfile\":{},\"appArmorProfile\":{\"type\":"
     "\"Localhost\",\"localhostProfile\":\"\"}}}}",
     NULL,
     {{"spec.securityContext.seccompProfile.type", REQUIRED,
       "Required value: type is required when seccompProfile is set"},
      {"spec.securityContext.appArmorProfile.localhostProfile", REQUIRED,
       "Required value: must be set when AppArmor type is Localhost"}},
     "Pod \"web\" is invalid: [spec.securityContext.seccompProfile.type: Required value: type "
     "is required when seccompProfile is set, "
     "spec.securityContext.appArmorProfile.localhostProfile: Required value: must be set when "
     "AppArmor type is Localhost]"},

    /* ---- a container's securityContext ---- */
    {"container seccomp and AppArmor profiles",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[" CONTAINER_A ",\"securityContext\":{\"seccompProfile\":{"
     "\"type\":\"RuntimeDefault\",\"localhostProfile\":\"x.json\"},\"appArmorProfile\":{"
     "\"type\":\"Localhost\",\"localhostProfile\":\" p \"}}}," CONTAINER_B
     ",\"securityContext\":{\"seccompProfile\":{\"type\":\"Localhost\",\"localhostProfile\":"
     "\"../x\"},\"appArmorProfile\":{\"type\":\"RuntimeDefault\",\"localhostProfile\":"
     "\"p\"}}}]}}",
     NULL,
     {{"spec.containers[0].securityContext.seccompProfile.localhostProfile", INVALID,
       "Invalid value: core.SeccompProfile{Type:\"RuntimeDefault\", "
       "LocalhostProfile:(*string)(" P ")}: can only be set when seccomp type is Localhost"},
      {"spec.containers[0].securityContext.appArmorProfile.localhostProfile", INVALID,
       "Invalid value: \" p \": must not be padded with whitespace"},
      {"spec.containers[1].securityContext.seccompProfile.localhostProfile", INVALID,
       "Invalid value: \"../x\": must not contain '..'"},
      {"spec.containers[1].securityContext.appArmorProfile.localhostProfile", INVALID,
       "Invalid value: \"p\": can only be set when AppArmor type is Localhost"}},
     "Pod \"web\" is invalid: [spec.containers[0].securityContext.seccompProfile."
     "localhostProfile: Invalid value: core.SeccompProfile{Type:\"RuntimeDefault\", "
     "LocalhostProfile:(*string)(" P ")}: can only be set when seccomp type is Localhost, "
     "spec.containers[0].securityContext.appArmorProfile.localhostProfile: Invalid value: "
     "\" p \": must not be padded with whitespace, spec.containers[1].securityContext."
     "seccompProfile.localhostProfile: Invalid value: \"../x\": must not contain '..', "
     "spec.containers[1].securityContext.appArmorProfile.localhostProfile: Invalid value: "
     "\"p\": can only be set when AppArmor type is Localhost]"},
    {"container privileged without privilege escalation, ids, procMount",
     "",
     "Pod",
     POD,
     WITH_CONTAINER_SC("{\"privileged\":true,\"allowPrivilegeEscalation\":false,"
		       "\"capabilities\":{\"add\":[\"NET_ADMIN\",\"CAP_SYS_ADMIN\"]},"
		       "\"runAsUser\":-1,\"runAsGroup\":4294967296,\"procMount\":\"Unmasked\"}"),
     NULL,
     {{"spec.containers[0].securityContext.runAsUser", INVALID, "Invalid value: -1: " ID_RANGE},
      {"spec.containers[0].securityContext.runAsGroup", INVALID,
       "Invalid value: 4294967296: " ID_RANGE},
      {"spec.containers[0].securityContext.procMount", INVALID,
       "Invalid value: \"Unmasked\": `hostUsers` must be false to use `Unmasked`"},
      {"spec.containers[0].securityContext", INVALID,
       "Invalid value: core.SecurityContext{Capabilities:(*core.Capabilities)(" P "), "
       "Privileged:(*bool)(" P "), SELinuxOptions:(*core.SELinuxOptions)(nil), "
       "WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), RunAsUser:(*int64)(" P "), "
       "RunAsGroup:(*int64)(" P "), RunAsNonRoot:(*bool)(nil), "
       "ReadOnlyRootFilesystem:(*bool)(nil), AllowPrivilegeEscalation:(*bool)(" P "), "
       "ProcMount:(*core.ProcMountType)(" P "), SeccompProfile:(*core.SeccompProfile)(nil), "
       "AppArmorProfile:(*core.AppArmorProfile)(nil)}: cannot set `allowPrivilegeEscalation` "
       "to false and `privileged` to true"},
      {"spec.containers[0].securityContext", INVALID,
       "Invalid value: core.SecurityContext{Capabilities:(*core.Capabilities)(" P "), "
       "Privileged:(*bool)(" P "), SELinuxOptions:(*core.SELinuxOptions)(nil), "
       "WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), RunAsUser:(*int64)(" P "), "
       "RunAsGroup:(*int64)(" P "), RunAsNonRoot:(*bool)(nil), "
       "ReadOnlyRootFilesystem:(*bool)(nil), AllowPrivilegeEscalation:(*bool)(" P "), "
       "ProcMount:(*core.ProcMountType)(" P "), SeccompProfile:(*core.SeccompProfile)(nil), "
       "AppArmorProfile:(*core.AppArmorProfile)(nil)}: cannot set `allowPrivilegeEscalation` "
       "to false and `capabilities.Add` CAP_SYS_ADMIN"}},
     "Pod \"web\" is invalid: [spec.containers[0].securityContext.runAsUser: Invalid value: "
     "-1: must be between 0 and 2147483647, inclusive, "
     "spec.containers[0].securityContext.runAsGroup: Invalid value: 4294967296: must be "
     "between 0 and 2147483647, inclusive, spec.containers[0].securityContext.procMount: "
     "Invalid value: \"Unmasked\": `hostUsers` must be false to use `Unmasked`, "
     "spec.containers[0].securityContext: Invalid value: "
     "core.SecurityContext{Capabilities:(*core.Capabilities)(0xc000000000), "
     "Privileged:(*bool)(0xc000000000), SELinuxOptions:(*core.SELinuxOptions)(nil), "
     "WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), "
     "RunAsUser:(*int64)(0xc000000000), RunAsGroup:(*int64)(0xc000000000), "
     "RunAsNonRoot:(*bool)(nil), ReadOnlyRootFilesystem:(*bool)(nil), "
     "AllowPrivilegeEscalation:(*bool)(0xc000000000), "
     "ProcMount:(*core.ProcMountType)(0xc000000000), "
     "SeccompProfile:(*core.SeccompProfile)(nil), "
     "AppArmorProfile:(*core.AppArmorProfile)(nil)}: cannot set `allowPrivilegeEscalation` to "
     "false and `privileged` to true, spec.containers[0].securityContext: Invalid value: "
     "core.SecurityContext{Capabilities:(*core.Capabilities)(0xc000000000), "
     "Privileged:(*bool)(0xc000000000), SELinuxOptions:(*core.SELinuxOptions)(nil), "
     "WindowsOptions:(*core.WindowsSecurityContextOptions)(nil), "
     "RunAsUser:(*int64)(0xc000000000), RunAsGroup:(*int64)(0xc000000000), "
     "RunAsNonRoot:(*bool)(nil), ReadOnlyRootFilesystem:(*bool)(nil), "
     "AllowPrivilegeEscalation:(*bool)(0xc000000000), "
     "ProcMount:(*core.ProcMountType)(0xc000000000), "
     "SeccompProfile:(*core.SeccompProfile)(nil), "
     "AppArmorProfile:(*core.AppArmorProfile)(nil)}: cannot set `allowPrivilegeEscalation` to "
     "false and `capabilities.Add` CAP_SYS_ADMIN]"},
    {"container procMount value",
     "",
     "Pod",
     POD,
     WITH_CONTAINER_SC("{\"procMount\":\"Hidden\"}"),
     NULL,
     {{"spec.containers[0].securityContext.procMount", UNSUPPORTED,
       "Unsupported value: \"Hidden\": supported values: \"Default\", \"Unmasked\""}},
     "Pod \"web\" is invalid: spec.containers[0].securityContext.procMount: Unsupported value: "
     "\"Hidden\": supported values: \"Default\", \"Unmasked\""},
    {"container windows options",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[" CONTAINER_A ",\"securityContext\":{\"windowsOptions\":{"
     "\"gmsaCredentialSpecName\":\"Bad_Name\",\"gmsaCredentialSpec\":\"\",\"runAsUserName\":"
     "\"dom\\\\a\\\\b\"}}}," CONTAINER_B ",\"securityContext\":{\"windowsOptions\":{"
     "\"runAsUserName\":\"-bad?dom\\\\u*\"}}}," CONTAINER_A ",\"name\":\"c\","
     "\"securityContext\":{\"windowsOptions\":{\"runAsUserName\":\"dom\\\\\"}}}]}}",
     NULL,
     {{"spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpecName", INVALID,
       "Invalid value: \"Bad_Name\": " SUBDOMAIN},
      {"spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpec", INVALID,
       "Invalid value: \"\": gmsaCredentialSpec cannot be an empty string"},
      {"spec.containers[0].securityContext.windowsOptions.runAsUserName", INVALID,
       "Invalid value: \"dom\\\\a\\\\b\": runAsUserName cannot contain more than one backslash"},
      {"spec.containers[1].securityContext.windowsOptions.runAsUserName", INVALID,
       "Invalid value: \"-bad?dom\\\\u*\": runAsUserName's Domain doesn't match the NetBios "
       "nor the DNS format"},
      {"spec.containers[1].securityContext.windowsOptions.runAsUserName", INVALID,
       "Invalid value: \"-bad?dom\\\\u*\": runAsUserName's User cannot contain the following "
       "characters: \"/\\:;|=,+*?<>@[]"},
      {"spec.containers[2].securityContext.windowsOptions.runAsUserName", INVALID,
       "Invalid value: \"dom\\\\\": runAsUserName's User cannot be empty"}},
     "Pod \"web\" is invalid: [spec.containers[0].securityContext.windowsOptions.gmsaCredentia"
     "lSpecName: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of "
     "lower case alphanumeric characters, '-' or '.', and must start and end with an "
     "alphanumeric character (e.g. 'example.com', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), "
     "spec.containers[0].securityContext.windowsOptions.gmsaCredentialSpec: Invalid value: "
     "\"\": gmsaCredentialSpec cannot be an empty string, "
     "spec.containers[0].securityContext.windowsOptions.runAsUserName: Invalid value: "
     "\"dom\\\\a\\\\b\": runAsUserName cannot contain more than one backslash, "
     "spec.containers[1].securityContext.windowsOptions.runAsUserName: Invalid value: "
     "\"-bad?dom\\\\u*\": runAsUserName's Domain doesn't match the NetBios nor the DNS "
     "format, spec.containers[1].securityContext.windowsOptions.runAsUserName: Invalid value: "
     "\"-bad?dom\\\\u*\": runAsUserName's User cannot contain the following characters: "
     "\"/\\:;|=,+*?<>@[], spec.containers[2].securityContext.windowsOptions.runAsUserName: "
     "Invalid value: \"dom\\\\\": runAsUserName's User cannot be empty]"},
    {"container privileged on a pod template of a Deployment",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"template\":{\"spec\":{\"securityContext\":{\"runAsUser\":-1}}}}}",
     NULL,
     {{"spec.template.spec.securityContext.runAsUser", INVALID, "Invalid value: -1: " ID_RANGE}},
     "Deployment.apps \"web\" is invalid: spec.template.spec.securityContext.runAsUser: "
     "Invalid value: -1: " ID_RANGE},

    /* ---- spec.os ---- */
    {"pod os name not supported",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"os\":{\"name\":\"plan9\"},\"securityContext\":{\"windowsOptions\":{}}}}",
     NULL,
     {{"spec.os", UNSUPPORTED,
       "Unsupported value: \"plan9\": supported values: \"linux\", \"windows\""}},
     "Pod \"web\" is invalid: spec.os: Unsupported value: \"plan9\": supported values: "
     "\"linux\", \"windows\""},
    {"pod os name empty",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"os\":{}}}",
     NULL,
     {{"spec.os.name", REQUIRED, "Required value: cannot be empty"}},
     "Pod \"web\" is invalid: spec.os.name: Required value: cannot be empty"},
    {"linux pod with windows options",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"os\":{\"name\":\"linux\"},\"securityContext\":{\"windowsOptions\":{}},"
     "\"containers\":[" CONTAINER_A ",\"securityContext\":{\"windowsOptions\":{}}}]}}",
     NULL,
     {{"spec.securityContext.windowsOptions", FORBIDDEN,
       "Forbidden: windows options cannot be set for a linux pod"},
      {"spec.containers[0].securityContext.windowsOptions", FORBIDDEN,
       "Forbidden: windows options cannot be set for a linux pod"}},
     "Pod \"web\" is invalid: [spec.securityContext.windowsOptions: Forbidden: windows options "
     "cannot be set for a linux pod, spec.containers[0].securityContext.windowsOptions: "
     "Forbidden: windows options cannot be set for a linux pod]"},
    {"windows pod with Linux settings",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"os\":{\"name\":\"windows\"},\"hostPID\":true,\"securityContext\":{"
     "\"runAsUser\":1000,\"sysctls\":[{\"name\":\"kernel.shm_rmid_forced\",\"value\":\"1\"}]},"
     "\"initContainers\":[" CONTAINER_B ",\"securityContext\":{\"readOnlyRootFilesystem\":"
     "true}}],\"containers\":[" CONTAINER_A ",\"securityContext\":{\"privileged\":true,"
     "\"capabilities\":{}}}]}}",
     NULL,
     {{"spec.hostPID", FORBIDDEN, "Forbidden: " WINDOWS_POD},
      {"spec.securityContext.sysctls", FORBIDDEN, "Forbidden: " WINDOWS_POD},
      {"spec.securityContext.runAsUser", FORBIDDEN, "Forbidden: " WINDOWS_POD},
      {"spec.initContainers[0].securityContext.readOnlyRootFilesystem", FORBIDDEN,
       "Forbidden: " WINDOWS_POD},
      {"spec.containers[0].securityContext.capabilities", FORBIDDEN, "Forbidden: " WINDOWS_POD},
      {"spec.containers[0].securityContext.privileged", FORBIDDEN, "Forbidden: " WINDOWS_POD}},
     "Pod \"web\" is invalid: [spec.hostPID: Forbidden: " WINDOWS_POD
     ", spec.securityContext.sysctls: Forbidden: " WINDOWS_POD
     ", spec.securityContext.runAsUser: Forbidden: " WINDOWS_POD
     ", spec.initContainers[0].securityContext.readOnlyRootFilesystem: Forbidden: " WINDOWS_POD
     ", spec.containers[0].securityContext.capabilities: Forbidden: " WINDOWS_POD
     ", spec.containers[0].securityContext.privileged: Forbidden: " WINDOWS_POD "]"},

    /* ---- affinity ---- */
    {"node affinity requirements",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\""
     ":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\"},{"
     "\"key\":\"disk\",\"operator\":\"Exists\",\"values\":[\"ssd\"]},{\"key\":\"cores\","
     "\"operator\":\"Gt\",\"values\":[\"1\",\"2\"]},{\"key\":\"bad key\",\"operator\":"
     "\"Near\"}],\"matchFields\":[{\"key\":\"metadata.uid\",\"operator\":\"In\",\"values\":"
     "[\"a\",\"b\"]}]}]},\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":0,"
     "\"preference\":{\"matchFields\":[{\"key\":\"metadata.name\",\"operator\":\"In\","
     "\"values\":[\"Bad_Node\"]}]}}]}}}}",
     NULL,
     {{"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
       "nodeSelectorTerms[0].matchExpressions[0].values",
       REQUIRED, "Required value: must be specified when `operator` is 'In' or 'NotIn'"},
      {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
       "nodeSelectorTerms[0].matchExpressions[1].values",
       FORBIDDEN, "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"},
      {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
       "nodeSelectorTerms[0].matchExpressions[2].values",
       REQUIRED, "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"},
      {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
       "nodeSelectorTerms[0].matchExpressions[3].operator",
       INVALID, "Invalid value: \"Near\": not a valid selector operator"},
      {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
       "nodeSelectorTerms[0].matchExpressions[3].key",
       INVALID, "Invalid value: \"bad key\": " NAME_PART},
      {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
       "nodeSelectorTerms[0].matchFields[0].values",
       REQUIRED,
       "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node "
       "field selector"},
      {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
       "nodeSelectorTerms[0].matchFields[0].key",
       INVALID, "Invalid value: \"metadata.uid\": not a valid field selector key"},
      {"spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
       INVALID, "Invalid value: 0: must be in the range 1-100"},
      {"spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
       "preference.matchFields[0].values[0]",
       INVALID, "Invalid value: \"Bad_Node\": " SUBDOMAIN}},
     "Pod \"web\" is invalid: [spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDurin"
     "gExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be "
     "specified when `operator` is 'In' or 'NotIn', "
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTe"
     "rms[0].matchExpressions[1].values: Forbidden: may not be specified when `operator` is "
     "'Exists' or 'DoesNotExist', spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDu"
     "ringExecution.nodeSelectorTerms[0].matchExpressions[2].values: Required value: must be "
     "specified single value when `operator` is 'Lt' or 'Gt', "
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTe"
     "rms[0].matchExpressions[3].operator: Invalid value: \"Near\": not a valid selector "
     "operator, spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.node"
     "SelectorTerms[0].matchExpressions[3].key: Invalid value: \"bad key\": name part must "
     "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
     "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
     "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), "
     "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTe"
     "rms[0].matchFields[0].values: Required value: must be only one value when `operator` is "
     "'In' or 'NotIn' for node field selector, spec.affinity.nodeAffinity.requiredDuringSchedu"
     "lingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key: Invalid value: "
     "\"metadata.uid\": not a valid field selector key, "
     "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: "
     "Invalid value: 0: must be in the range 1-100, "
     "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference"
     ".matchFields[0].values[0]: Invalid value: \"Bad_Node\": a lowercase RFC 1123 subdomain "
     "must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
     "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')]"},
    {"node affinity without terms",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\""
     ":{\"nodeSelectorTerms\":[]}}}}}",
     NULL,
     {{"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution."
       "nodeSelectorTerms",
       REQUIRED, "Required value: must have at least one node selector term"}},
     "Pod \"web\" is invalid: spec.affinity.nodeAffinity."
     "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must "
     "have at least one node selector term"},
    {"pod affinity and anti-affinity terms",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"affinity\":{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\""
     ":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"db\"}},\"namespaces\":[\"Team_A\"],"
     "\"topologyKey\":\"\"}]},\"podAntiAffinity\":{"
     "\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":101,\"podAffinityTerm\":{"
     "\"labelSelector\":{\"matchExpressions\":[{\"key\":\"app\",\"operator\":\"In\"}]},"
     "\"topologyKey\":\"zone\",\"matchLabelKeys\":[\"app\"],\"mismatchLabelKeys\":"
     "[\"app\"]}}]}}}}",
     NULL,
     {{"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespace",
       INVALID, "Invalid value: \"Team_A\": " DNS_LABEL},
      {"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
       REQUIRED, "Required value: can not be empty"},
      {"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
       INVALID, "Invalid value: \"\": name part must be non-empty"},
      {"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
       INVALID, "Invalid value: \"\": " NAME_PART},
      {"spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
       INVALID, "Invalid value: 101: must be in the range 1-100"},
      {"spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
       "podAffinityTerm.labelSelector.matchExpressions[0].values",
       REQUIRED, "Required value: must be specified when `operator` is 'In' or 'NotIn'"},
      {"spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]."
       "podAffinityTerm.matchLabelKeys[0]",
       INVALID, "Invalid value: \"app\": exists in both matchLabelKeys and mismatchLabelKeys"}},
     "Pod \"web\" is invalid: [spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuring"
     "Execution[0].namespace: Invalid value: \"Team_A\": a lowercase RFC 1123 label must "
     "consist of lower case alphanumeric characters or '-', and must start and end with an "
     "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?'), spec.affinity.podAffinity.requiredDuringSchedulingIgno"
     "redDuringExecution[0].topologyKey: Required value: can not be empty, "
     "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey:"
     " Invalid value: \"\": name part must be non-empty, "
     "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey:"
     " Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or "
     "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or "
     "'my.name',  or '123-abc', regex used for validation is "
     "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), "
     "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight:"
     " Invalid value: 101: must be in the range 1-100, "
     "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffi"
     "nityTerm.labelSelector.matchExpressions[0].values: Required value: must be specified "
     "when `operator` is 'In' or 'NotIn', spec.affinity.podAntiAffinity.preferredDuringSchedul"
     "ingIgnoredDuringExecution[0].podAffinityTerm.matchLabelKeys[0]: Invalid value: \"app\": "
     "exists in both matchLabelKeys and mismatchLabelKeys]"},
    {"pod affinity matchLabelKeys: in the selector too, or no selector",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"affinity\":{\"podAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\""
     ":[{\"labelSelector\":{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":"
     "\"app\",\"operator\":\"In\",\"values\":[\"web\"]}]},\"matchLabelKeys\":[\"app\"],"
     "\"topologyKey\":\"zone\"},{\"mismatchLabelKeys\":[\"x\"],\"topologyKey\":\"zone\"}]}}}}",
     NULL,
     {{"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0][0]", INVALID,
       "Invalid value: \"app\": exists in both matchLabelKeys and labelSelector"},
      {"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[1]."
       "mismatchLabelKeys",
       FORBIDDEN, "Forbidden: must not be specified when labelSelector is not set"}},
     "Pod \"web\" is invalid: [spec.affinity.podAffinity."
     "requiredDuringSchedulingIgnoredDuringExecution[0][0]: Invalid value: \"app\": exists in "
     "both matchLabelKeys and labelSelector, spec.affinity.podAffinity."
     "requiredDuringSchedulingIgnoredDuringExecution[1].mismatchLabelKeys: Forbidden: must not "
     "be specified when labelSelector is not set]"},

    /* ---- topology spread ---- */
    {"topology spread constraints",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"topologySpreadConstraints\":[{\"maxSkew\":0,\"topologyKey\":\"\","
     "\"whenUnsatisfiable\":\"Sometimes\",\"minDomains\":0,\"nodeAffinityPolicy\":\"Maybe\","
     "\"matchLabelKeys\":[\"app\"]},{\"maxSkew\":1,\"topologyKey\":\"zone\","
     "\"whenUnsatisfiable\":\"DoNotSchedule\",\"labelSelector\":{\"matchLabels\":{\"app\":"
     "\"web\"}},\"matchLabelKeys\":[\"app\",\"Bad Key\"]},{\"maxSkew\":1,\"topologyKey\":"
     "\"zone\",\"whenUnsatisfiable\":\"DoNotSchedule\",\"nodeTaintsPolicy\":\"Honor\"}]}}",
     NULL,
     {{"spec.topologySpreadConstraints[0].maxSkew", INVALID,
       "Invalid value: 0: must be greater than zero"},
      {"spec.topologySpreadConstraints[0].topologyKey", REQUIRED,
       "Required value: can not be empty"},
      {"spec.topologySpreadConstraints[0].whenUnsatisfiable", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"DoNotSchedule\", "
       "\"ScheduleAnyway\""},
      {"spec.topologySpreadConstraints[0].minDomains", INVALID,
       "Invalid value: 0: must be greater than zero"},
      {"spec.topologySpreadConstraints[0].minDomains", INVALID,
       "Invalid value: 0: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not "
       "Sometimes"},
      {"spec.topologySpreadConstraints[0].nodeAffinityPolicy", UNSUPPORTED,
       "Unsupported value: \"Maybe\": supported values: \"Honor\", \"Ignore\""},
      {"spec.topologySpreadConstraints[0].matchLabelKeys", FORBIDDEN,
       "Forbidden: must not be specified when labelSelector is not set"},
      {"spec.topologySpreadConstraints[1].{topologyKey, whenUnsatisfiable}", DUPLICATE,
       "Duplicate value: \"{zone, DoNotSchedule}\""},
      {"spec.topologySpreadConstraints[1].matchLabelKeys[0]", INVALID,
       "Invalid value: \"app\": exists in both matchLabelKeys and labelSelector"},
      {"spec.topologySpreadConstraints[1].matchLabelKeys[1]", INVALID,
       "Invalid value: \"Bad Key\": " NAME_PART}},
     "Pod \"web\" is invalid: [spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: "
     "must be greater than zero, spec.topologySpreadConstraints[0].topologyKey: Required "
     "value: can not be empty, spec.topologySpreadConstraints[0].whenUnsatisfiable: "
     "Unsupported value: \"Sometimes\": supported values: \"DoNotSchedule\", "
     "\"ScheduleAnyway\", spec.topologySpreadConstraints[0].minDomains: Invalid value: 0: "
     "must be greater than zero, spec.topologySpreadConstraints[0].minDomains: Invalid value: "
     "0: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not Sometimes, "
     "spec.topologySpreadConstraints[0].nodeAffinityPolicy: Unsupported value: \"Maybe\": "
     "supported values: \"Honor\", \"Ignore\", spec.topologySpreadConstraints[0].matchLabelKey"
     "s: Forbidden: must not be specified when labelSelector is not set, "
     "spec.topologySpreadConstraints[1].{topologyKey, whenUnsatisfiable}: Duplicate value: "
     "\"{zone, DoNotSchedule}\", spec.topologySpreadConstraints[1].matchLabelKeys[0]: Invalid "
     "value: \"app\": exists in both matchLabelKeys and labelSelector, "
     "spec.topologySpreadConstraints[1].matchLabelKeys[1]: Invalid value: \"Bad Key\": name "
     "part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
     "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
     "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')]"},

    /* ---- DNS, host aliases, tolerations, overhead, readiness gates ---- */
    {"dns config: nameservers, searches, options",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"dnsConfig\":{\"nameservers\":[\"1.1.1.1\",\"8.8.8.8\",\"9.9.9.9\","
     "\"10.0.0.300\"],\"searches\":[\"ok.example.com.\",\"Bad_Domain\"],\"options\":[{"
     "\"name\":\"\"},{\"name\":\"ndots\",\"value\":\"2\"}]}}}",
     NULL,
     {{"spec.dnsConfig.nameservers", INVALID,
       "Invalid value: []string{\"1.1.1.1\", \"8.8.8.8\", \"9.9.9.9\", \"10.0.0.300\"}: must "
       "not have more than 3 nameservers"},
      {"spec.dnsConfig.nameservers[3]", INVALID, "Invalid value: \"10.0.0.300\": " IP_MSG},
      {"spec.dnsConfig.searches[1]", INVALID, "Invalid value: \"Bad_Domain\": " SUBDOMAIN},
      {"spec.dnsConfig.options[0]", REQUIRED, "Required value: must not be empty"}},
     "Pod \"web\" is invalid: [spec.dnsConfig.nameservers: Invalid value: []string{\"1.1.1.1\", "
     "\"8.8.8.8\", \"9.9.9.9\", \"10.0.0.300\"}: must not have more than 3 nameservers, "
     "spec.dnsConfig.nameservers[3]: Invalid value: \"10.0.0.300\": " IP_MSG
     ", spec.dnsConfig.searches[1]: Invalid value: \"Bad_Domain\": " SUBDOMAIN
     ", spec.dnsConfig.options[0]: Required value: must not be empty]"},
    {"dns config: too many search paths",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"dnsConfig\":{\"searches\":[" SEARCHES_33 "]}}}",
     NULL,
     {{"spec.dnsConfig.searches", INVALID,
       "Invalid value: []string{" SEARCHES_33_GO "}: must not have more than 32 search paths"}},
     "Pod \"web\" is invalid: spec.dnsConfig.searches: Invalid value: []string{" SEARCHES_33_GO
     "}: must not have more than 32 search paths"},
    {"dns config: policy None without nameservers stops there",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"dnsPolicy\":\"None\",\"dnsConfig\":{\"searches\":[\"Bad_Domain\"]}}}",
     NULL,
     {{"spec.dnsConfig.nameservers", REQUIRED,
       "Required value: must provide at least one DNS nameserver when `dnsPolicy` is None"}},
     "Pod \"web\" is invalid: spec.dnsConfig.nameservers: Required value: must provide at least "
     "one DNS nameserver when `dnsPolicy` is None"},
    {"host aliases",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"hostAliases\":[{\"ip\":\"10.0.0.1\",\"hostnames\":[\"foo.local\","
     "\"Bad_Host\"]},{\"ip\":\"not-an-ip\",\"hostnames\":[\"x\"]},{\"ip\":\"010.0.0.1\"}]}}",
     NULL,
     {{"spec.hostAliases[0].hostnames[1]", INVALID, "Invalid value: \"Bad_Host\": " SUBDOMAIN},
      {"spec.hostAliases[1].ip", INVALID, "Invalid value: \"not-an-ip\": " IP_MSG}},
     "Pod \"web\" is invalid: [spec.hostAliases[0].hostnames[1]: Invalid value: "
     "\"Bad_Host\": " SUBDOMAIN ", spec.hostAliases[1].ip: Invalid value: \"not-an-ip\": " IP_MSG
     "]"},
    {"tolerations: a value with Exists, seconds without NoExecute, an unknown effect",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"tolerations\":[{\"key\":\"k\",\"operator\":\"Exists\",\"value\":\"v\"},{"
     "\"key\":\"k2\",\"operator\":\"Equal\",\"value\":\"v\",\"effect\":\"Sometimes\","
     "\"tolerationSeconds\":5}]}}",
     NULL,
     {{"spec.tolerations[0].operator", INVALID,
       "Invalid value: core.Toleration{Key:\"k\", Operator:\"Exists\", Value:\"v\", Effect:\"\", "
       "TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists'"},
      {"spec.tolerations[1].effect", INVALID,
       "Invalid value: \"Sometimes\": effect must be 'NoExecute' when `tolerationSeconds` is "
       "set"},
      {"spec.tolerations[1].effect", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", "
       "\"PreferNoSchedule\", \"NoExecute\""}},
     "Pod \"web\" is invalid: [spec.tolerations[0].operator: Invalid value: "
     "core.Toleration{Key:\"k\", Operator:\"Exists\", Value:\"v\", Effect:\"\", "
     "TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists', "
     "spec.tolerations[1].effect: Invalid value: \"Sometimes\": effect must be 'NoExecute' when "
     "`tolerationSeconds` is set, spec.tolerations[1].effect: Unsupported value: \"Sometimes\": "
     "supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"]"},
    {"overhead: the rules of a container's limits",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"overhead\":{\"cpu\":\"-1\"}}}",
     NULL,
     {{"spec.overhead.limits[cpu]", INVALID,
       "Invalid value: \"-1\": must be greater than or equal to 0"}},
     "Pod \"web\" is invalid: spec.overhead.limits[cpu]: Invalid value: \"-1\": must be greater "
     "than or equal to 0"},
    {"readiness gates: qualified condition types",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"readinessGates\":[{\"conditionType\":\"example.com/ready\"},{"
     "\"conditionType\":\"Bad Type\"}]}}",
     NULL,
     {{"spec.readinessGates[1].conditionType", INVALID, "Invalid value: \"Bad Type\": " NAME_PART}},
     "Pod \"web\" is invalid: spec.readinessGates[1].conditionType: Invalid value: \"Bad "
     "Type\": " NAME_PART},
    /* ---- PersistentVolumeClaim ---- */
    {"pvc spec rules",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"spec\":{\"accessModes\":[\"ReadWriteOncePod\",\"ReadWriteOnce\",\"Sometimes\"],"
     "\"resources\":{\"requests\":{\"storage\":\"0\"}},\"storageClassName\":\"Bad_Class\","
     "\"volumeMode\":\"Raw\",\"dataSource\":{\"kind\":\"Snapshot\",\"name\":\"snap\"}}}",
     NULL,
     {{"spec.accessModes", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"ReadOnlyMany\", "
       "\"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""},
      {"spec.accessModes", FORBIDDEN,
       "Forbidden: may not use ReadWriteOncePod with other access modes"},
      {"spec.resources[storage]", INVALID, "Invalid value: \"0\": must be greater than zero"},
      {"spec.storageClassName", INVALID, "Invalid value: \"Bad_Class\": " SUBDOMAIN},
      {"spec.volumeMode", UNSUPPORTED,
       "Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\""},
      {"spec.dataSource", INVALID,
       "Invalid value: \"Snapshot\": must be 'PersistentVolumeClaim' when referencing the "
       "default apiGroup"}},
     "PersistentVolumeClaim \"data\" is invalid: [spec.accessModes: Unsupported value: "
     "\"Sometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", "
     "\"ReadWriteOncePod\", spec.accessModes: Forbidden: may not use ReadWriteOncePod with "
     "other access modes, spec.resources[storage]: Invalid value: \"0\": must be greater than "
     "zero, spec.storageClassName: Invalid value: \"Bad_Class\": " SUBDOMAIN
     ", spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", "
     "\"Filesystem\", spec.dataSource: Invalid value: \"Snapshot\": must be "
     "'PersistentVolumeClaim' when referencing the default apiGroup]"},
    {"pvc without access modes and storage request",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"spec\":{\"accessModes\":[],\"resources\":{\"requests\":null}}}",
     NULL,
     {{"spec.accessModes", REQUIRED, "Required value: at least 1 access mode is required"},
      {"spec.resources[storage]", REQUIRED, "Required value"}},
     "PersistentVolumeClaim \"data\" is invalid: [spec.accessModes: Required value: at least 1 "
     "access mode is required, spec.resources[storage]: Required value]"},
    {"pvc data sources",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"spec\":{\"dataSource\":{\"kind\":\"PersistentVolumeClaim\",\"name\":\"a\"},"
     "\"dataSourceRef\":{\"kind\":\"PersistentVolumeClaim\",\"name\":\"b\",\"apiGroup\":"
     "\"Bad_Group\"}}}",
     NULL,
     {{"spec.dataSourceRef.apiGroup", INVALID, "Invalid value: \"Bad_Group\": " SUBDOMAIN},
      {"spec", INVALID,
       "Invalid value: field.Path{name:\"dataSource\", index:\"\", parent:(*field.Path)(" P
       ")}: must match dataSourceRef"}},
     "PersistentVolumeClaim \"data\" is invalid: [spec.dataSourceRef.apiGroup: Invalid value: "
     "\"Bad_Group\": " SUBDOMAIN ", spec: Invalid value: field.Path{name:\"dataSource\", "
     "index:\"\", parent:(*field.Path)(" P ")}: must match dataSourceRef]"},
    {"pvc update: the spec is fixed for an unbound claim",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"20Gi\"}}}}",
     "{}",
     {{"spec", FORBIDDEN, "Forbidden: " PVC_IMMUTABLE}},
     "PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: " PVC_IMMUTABLE},
    {"pvc update: a bound claim may grow",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"20Gi\"}}},\"status\":{\"phase\":"
     "\"Bound\",\"capacity\":{\"storage\":\"10Gi\"}}}",
     "{\"status\":{\"phase\":\"Bound\",\"capacity\":{\"storage\":\"10Gi\"}}}",
     {{0}},
     NULL},
    {"pvc update: a bound claim shrunk below its capacity, other fields changed",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"spec\":{\"accessModes\":[\"ReadWriteMany\"],\"resources\":{\"requests\":{\"storage\":"
     "\"5Gi\"}},\"volumeMode\":\"Block\"},\"status\":{\"phase\":\"Bound\"}}",
     "{\"status\":{\"phase\":\"Bound\",\"capacity\":{\"storage\":\"10Gi\"}}}",
     {{"spec", FORBIDDEN, "Forbidden: " PVC_IMMUTABLE},
      {"spec.resources.requests.storage", FORBIDDEN,
       "Forbidden: field can not be less than status.capacity"},
      {"volumeMode", INVALID, "Invalid value: \"Block\": field is immutable"}},
     "PersistentVolumeClaim \"data\" is invalid: [spec: Forbidden: " PVC_IMMUTABLE
     ", spec.resources.requests.storage: Forbidden: field can not be less than "
     "status.capacity, volumeMode: Invalid value: \"Block\": field is immutable]"},
    {"pvc update: volumeName set once",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"spec\":{\"volumeName\":\"pv-1\"}}",
     "{}",
     {{0}},
     NULL},
    {"pvc update: storage class from the beta annotation",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"metadata\":{\"annotations\":{\"volume.beta.kubernetes.io/storage-class\":\"gold\"}},"
     "\"spec\":{\"storageClassName\":\"gold\"}}",
     "{\"metadata\":{\"annotations\":{\"volume.beta.kubernetes.io/storage-class\":\"gold\"}},"
     "\"spec\":{\"storageClassName\":null}}",
     {{0}},
     NULL},
    {"pvc update: the beta storage class annotation is fixed",
     "",
     "PersistentVolumeClaim",
     PVC,
     "{\"metadata\":{\"annotations\":{\"volume.beta.kubernetes.io/storage-class\":\"silver\"}}}",
     "{\"metadata\":{\"annotations\":{\"volume.beta.kubernetes.io/storage-class\":\"gold\"}}}",
     {{"metadata.annotations.volume.beta.kubernetes.io/storage-class", INVALID,
       "Invalid value: \"silver\": field is immutable"}},
     "PersistentVolumeClaim \"data\" is invalid: "
     "metadata.annotations.volume.beta.kubernetes.io/storage-class: Invalid value: \"silver\": "
     "field is immutable"},

    /* ---- PersistentVolume ---- */
    {"pv spec rules",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"accessModes\":[\"ReadWriteOncePod\",\"ReadOnlyMany\"],\"capacity\":{"
     "\"storage\":\"0\",\"cpu\":\"1\"},\"persistentVolumeReclaimPolicy\":\"Recycle\","
     "\"hostPath\":{\"path\":\"/tmp/..\"},\"nfs\":{\"server\":\"\",\"path\":\"exports\"},"
     "\"storageClassName\":\"Bad_Class\",\"volumeMode\":\"Raw\"}}",
     NULL,
     {{"spec.accessModes", FORBIDDEN,
       "Forbidden: may not use ReadWriteOncePod with other access modes"},
      {"spec.capacity", UNSUPPORTED,
       "Unsupported value: core.ResourceList{\"cpu\":" QTY_ONE ", \"storage\":" QTY_ZERO
       "}: supported values: \"storage\""},
      {"spec.capacity[storage]", INVALID, "Invalid value: \"0\": must be greater than zero"},
      {"spec.hostPath.path", INVALID, "Invalid value: \"/tmp/..\": must not contain '..'"},
      {"spec.nfs", FORBIDDEN, "Forbidden: " ONE_TYPE},
      {"spec.persistentVolumeReclaimPolicy", FORBIDDEN,
       "Forbidden: may not be 'recycle' for a hostPath mount of '/'"},
      {"spec.storageClassName", INVALID, "Invalid value: \"Bad_Class\": " SUBDOMAIN},
      {"spec.volumeMode", UNSUPPORTED,
       "Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\""}},
     "PersistentVolume \"pv1\" is invalid: [spec.accessModes: Forbidden: may not use "
     "ReadWriteOncePod with other access modes, spec.capacity: Unsupported value: "
     "core.ResourceList{\"cpu\":" QTY_ONE ", \"storage\":" QTY_ZERO "}: supported values: "
     "\"storage\", spec.capacity[storage]: Invalid value: \"0\": must be greater than zero, "
     "spec.hostPath.path: Invalid value: \"/tmp/..\": must not contain '..', spec.nfs: "
     "Forbidden: " ONE_TYPE ", spec.persistentVolumeReclaimPolicy: Forbidden: may not be "
     "'recycle' for a hostPath mount of '/', spec.storageClassName: Invalid value: "
     "\"Bad_Class\": " SUBDOMAIN ", spec.volumeMode: Unsupported value: \"Raw\": supported "
     "values: \"Block\", \"Filesystem\"]"},
    {"pv without a source, capacity and access modes",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"hostPath\":null,\"capacity\":{},\"accessModes\":null,"
     "\"persistentVolumeReclaimPolicy\":\"Keep\"}}",
     NULL,
     {{"spec.accessModes", REQUIRED, "Required value"},
      {"spec.capacity", REQUIRED, "Required value"},
      {"spec.capacity", UNSUPPORTED,
       "Unsupported value: core.ResourceList{}: supported values: \"storage\""},
      {"spec.persistentVolumeReclaimPolicy", UNSUPPORTED,
       "Unsupported value: \"Keep\": supported values: \"Delete\", \"Recycle\", \"Retain\""},
      {"spec", REQUIRED, "Required value: must specify a volume type"}},
     "PersistentVolume \"pv1\" is invalid: [spec.accessModes: Required value, spec.capacity: "
     "Required value, spec.capacity: Unsupported value: core.ResourceList{}: supported values: "
     "\"storage\", spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported "
     "values: \"Delete\", \"Recycle\", \"Retain\", spec: Required value: must specify a volume "
     "type]"},
    {"pv local without a path or node affinity",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"hostPath\":null,\"local\":{\"path\":\"\"}}}",
     NULL,
     {{"spec.local.path", REQUIRED, "Required value"},
      {"spec.nodeAffinity", REQUIRED, "Required value: Local volume requires node affinity"}},
     "PersistentVolume \"pv1\" is invalid: [spec.local.path: Required value, spec.nodeAffinity: "
     "Required value: Local volume requires node affinity]"},
    {"pv node affinity without required terms",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"nodeAffinity\":{}}}",
     NULL,
     {{"spec.nodeAffinity.required", REQUIRED,
       "Required value: must specify required node constraints"}},
     "PersistentVolume \"pv1\" is invalid: spec.nodeAffinity.required: Required value: must "
     "specify required node constraints"},
    {"pv csi source",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"hostPath\":null,\"csi\":{\"driver\":\"Bad_Driver\",\"volumeHandle\":\"\","
     "\"nodePublishSecretRef\":{\"name\":\"s\"}}}}",
     NULL,
     {{"spec.csi.driver", INVALID, "Invalid value: \"Bad_Driver\": " SUBDOMAIN},
      {"spec.csi.volumeHandle", REQUIRED, "Required value"},
      {"spec.csi.nodePublishSecretRef.namespace", REQUIRED, "Required value"}},
     "PersistentVolume \"pv1\" is invalid: [spec.csi.driver: Invalid value: "
     "\"Bad_Driver\": " SUBDOMAIN ", spec.csi.volumeHandle: Required value, "
     "spec.csi.nodePublishSecretRef.namespace: Required value]"},
    {"pv iscsi source",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"hostPath\":null,\"iscsi\":{\"targetPortal\":\"\",\"iqn\":"
     "\"iqn.2001-04.com.example\",\"lun\":300,\"chapAuthSession\":true,\"initiatorName\":"
     "\"eui.123\"}}}",
     NULL,
     {{"spec.iscsi.targetPortal", REQUIRED, "Required value"},
      {"spec.iscsi.iqn", INVALID,
       "Invalid value: \"iqn.2001-04.com.example\": must be valid format"},
      {"spec.iscsi.lun", INVALID, "Invalid value: 300: must be between 0 and 255, inclusive"},
      {"spec.iscsi.secretRef", REQUIRED, "Required value"},
      {"spec.iscsi.initiatorname", INVALID, "Invalid value: \"eui.123\": must be valid format"}},
     "PersistentVolume \"pv1\" is invalid: [spec.iscsi.targetPortal: Required value, "
     "spec.iscsi.iqn: Invalid value: \"iqn.2001-04.com.example\": must be valid format, "
     "spec.iscsi.lun: Invalid value: 300: must be between 0 and 255, inclusive, "
     "spec.iscsi.secretRef: Required value, spec.iscsi.initiatorname: Invalid value: "
     "\"eui.123\": must be valid format]"},
    {"pv update: the source and volume mode are fixed",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"hostPath\":{\"path\":\"/mnt/other\"},\"volumeMode\":\"Block\"}}",
     "{}",
     {{"spec.persistentvolumesource", FORBIDDEN,
       "Forbidden: spec.persistentvolumesource is immutable after creation"},
      {"volumeMode", INVALID, "Invalid value: \"Block\": field is immutable"}},
     "PersistentVolume \"pv1\" is invalid: [spec.persistentvolumesource: Forbidden: "
     "spec.persistentvolumesource is immutable after creation, volumeMode: Invalid value: "
     "\"Block\": field is immutable]"},
    {"pv update: the spec checks run twice, as upstream's strategy runs them",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"storageClassName\":\"Bad_Class\"}}",
     "{}",
     {{"spec.storageClassName", INVALID, "Invalid value: \"Bad_Class\": " SUBDOMAIN},
      {"spec.storageClassName", INVALID, "Invalid value: \"Bad_Class\": " SUBDOMAIN}},
     "PersistentVolume \"pv1\" is invalid: spec.storageClassName: Invalid value: "
     "\"Bad_Class\": " SUBDOMAIN},
    {"pv update: node affinity from a beta label to GA",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"nodeAffinity\":{\"required\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{"
     "\"key\":\"topology.kubernetes.io/zone\",\"operator\":\"In\",\"values\":[\"a\"]}]}]}}}}",
     "{\"spec\":{\"nodeAffinity\":{\"required\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{"
     "\"key\":\"failure-domain.beta.kubernetes.io/zone\",\"operator\":\"In\",\"values\":"
     "[\"a\"]}]}]}}}}",
     {{0}},
     NULL},
    {"pv update: node affinity otherwise fixed",
     "",
     "PersistentVolume",
     PV,
     "{\"spec\":{\"nodeAffinity\":{\"required\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{"
     "\"key\":\"topology.kubernetes.io/zone\",\"operator\":\"In\",\"values\":[\"b\"]}]}]}}}}",
     "{\"spec\":{\"nodeAffinity\":{\"required\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{"
     "\"key\":\"failure-domain.beta.kubernetes.io/zone\",\"operator\":\"In\",\"values\":"
     "[\"a\"]}]}]}}}}",
     {{"nodeAffinity", INVALID,
       "Invalid value: core.VolumeNodeAffinity{Required:(*core.NodeSelector)(" P ")}: field is "
       "immutable, except for updating from beta label to GA"}},
     "PersistentVolume \"pv1\" is invalid: nodeAffinity: Invalid value: "
     "core.VolumeNodeAffinity{Required:(*core.NodeSelector)(" P ")}: field is immutable, except "
     "for updating from beta label to GA"},

    /* ---- StorageClass ---- */
    {"storage class rules",
     "storage.k8s.io",
     "StorageClass",
     STORAGE_CLASS,
     "{\"provisioner\":\"\",\"parameters\":{\"\":\"x\"},\"reclaimPolicy\":\"Recycle\","
     "\"volumeBindingMode\":\"Later\",\"allowedTopologies\":[{\"matchLabelExpressions\":[{"
     "\"key\":\"zone\",\"values\":[\"a\",\"a\"]},{\"key\":\"zone\",\"values\":[]}]}]}",
     NULL,
     {{"provisioner", REQUIRED, "Required value"},
      {"parameters", INVALID, "Invalid value: \"\": field can not be empty."},
      {"reclaimPolicy", UNSUPPORTED,
       "Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\""},
      {"volumeBindingMode", UNSUPPORTED,
       "Unsupported value: \"Later\": supported values: \"Immediate\", "
       "\"WaitForFirstConsumer\""},
      {"allowedTopologies[0].matchLabelExpressions[0].values[1]", DUPLICATE,
       "Duplicate value: \"a\""},
      {"allowedTopologies[0].matchLabelExpressions[1].values", REQUIRED, "Required value"},
      {"allowedTopologies[0].matchLabelExpressions[1].key", DUPLICATE,
       "Duplicate value: \"zone\""}},
     "StorageClass.storage.k8s.io \"standard\" is invalid: [provisioner: Required value, "
     "parameters: Invalid value: \"\": field can not be empty., reclaimPolicy: Unsupported "
     "value: \"Recycle\": supported values: \"Delete\", \"Retain\", volumeBindingMode: "
     "Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\", "
     "allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: \"a\", "
     "allowedTopologies[0].matchLabelExpressions[1].values: Required value, "
     "allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: \"zone\"]"},
    {"storage class: a provisioner that is not a qualified name",
     "storage.k8s.io",
     "StorageClass",
     STORAGE_CLASS,
     "{\"provisioner\":\"Example.com/Disk Plugin\"}",
     NULL,
     {{"provisioner", INVALID, "Invalid value: \"example.com/disk plugin\": " NAME_PART}},
     "StorageClass.storage.k8s.io \"standard\" is invalid: provisioner: Invalid value: "
     "\"example.com/disk plugin\": " NAME_PART},
    {"storage class update: parameters, provisioner, policies fixed",
     "storage.k8s.io",
     "StorageClass",
     STORAGE_CLASS,
     "{\"provisioner\":\"example.com/other\",\"parameters\":{\"type\":\"ssd\"},"
     "\"reclaimPolicy\":\"Retain\",\"volumeBindingMode\":\"WaitForFirstConsumer\"}",
     "{}",
     {{"parameters", FORBIDDEN, "Forbidden: updates to parameters are forbidden."},
      {"provisioner", FORBIDDEN, "Forbidden: updates to provisioner are forbidden."},
      {"reclaimPolicy", FORBIDDEN, "Forbidden: updates to reclaimPolicy are forbidden."},
      {"volumeBindingMode", INVALID,
       "Invalid value: \"WaitForFirstConsumer\": field is immutable"}},
     "StorageClass.storage.k8s.io \"standard\" is invalid: [parameters: Forbidden: updates to "
     "parameters are forbidden., provisioner: Forbidden: updates to provisioner are "
     "forbidden., reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden., "
     "volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable]"},

    /* ---- Node ---- */
    {"node taints and pod CIDRs",
     "",
     "Node",
     NODE,
     "{\"spec\":{\"podCIDRs\":[\"10.244.1.0/24\",\"10.245.1.0/24\",\"fd00::/64\"],\"taints\":[{"
     "\"key\":\"dedicated\",\"value\":\"db\",\"effect\":\"NoSchedule\"},{\"key\":\"dedicated\","
     "\"value\":\"other\",\"effect\":\"NoSchedule\"},{\"key\":\"bad key\",\"value\":"
     "\"Bad Value\",\"effect\":\"\"},{\"key\":\"gpu\",\"effect\":\"Sometimes\"}]}}",
     NULL,
     {{"metadata.taints[1]", DUPLICATE,
       "Duplicate value: core.Taint{Key:\"dedicated\", Value:\"other\", Effect:\"NoSchedule\", "
       "TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair"},
      {"metadata.taints[2].key", INVALID, "Invalid value: \"bad key\": " NAME_PART},
      {"metadata.taints[2].value", INVALID, "Invalid value: \"Bad Value\": " LABEL_VALUE},
      {"metadata.taints[2].effect", REQUIRED, "Required value"},
      {"metadata.taints[3].effect", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", "
       "\"PreferNoSchedule\", \"NoExecute\""},
      {"spec.podCIDRs", INVALID,
       "Invalid value: []string{\"10.244.1.0/24\", \"10.245.1.0/24\", \"fd00::/64\"}: may "
       "specify no more than one CIDR for each IP family"}},
     "Node \"n1\" is invalid: [metadata.taints[1]: Duplicate value: core.Taint{Key:\"dedicated\", "
     "Value:\"other\", Effect:\"NoSchedule\", TimeAdded:(*v1.Time)(nil)}: taints must be unique "
     "by key and effect pair, metadata.taints[2].key: Invalid value: \"bad key\": " NAME_PART
     ", metadata.taints[2].value: Invalid value: \"Bad Value\": " LABEL_VALUE
     ", metadata.taints[2].effect: Required value, metadata.taints[3].effect: Unsupported "
     "value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", "
     "\"NoExecute\", spec.podCIDRs: Invalid value: []string{\"10.244.1.0/24\", "
     "\"10.245.1.0/24\", \"fd00::/64\"}: may specify no more than one CIDR for each IP "
     "family]"},
    {"node pod CIDRs: one family twice",
     "",
     "Node",
     NODE,
     "{\"spec\":{\"podCIDR\":\"10.0.0.0/8\",\"podCIDRs\":[\"10.0.0.0/8\",\"10.0.0.0/8\"]}}",
     NULL,
     {{"spec.podCIDRs", INVALID,
       "Invalid value: []string{\"10.0.0.0/8\", \"10.0.0.0/8\"}: may specify no more than one "
       "CIDR for each IP family"},
      {"spec.podCIDRs[1]", DUPLICATE, "Duplicate value: \"10.0.0.0/8\""}},
     "Node \"n1\" is invalid: [spec.podCIDRs: Invalid value: []string{\"10.0.0.0/8\", "
     "\"10.0.0.0/8\"}: may specify no more than one CIDR for each IP family, "
     "spec.podCIDRs[1]: Duplicate value: \"10.0.0.0/8\"]"},
    {"node pod CIDRs: a bad one among two",
     "",
     "Node",
     NODE,
     "{\"spec\":{\"podCIDR\":\"10.0.0.0/8\",\"podCIDRs\":[\"10.0.0.0/8\",\"fd00::/129\"]}}",
     NULL,
     {{"spec.podCIDRs[1]", INVALID, "Invalid value: \"fd00::/129\": " CIDR_MSG},
      {"spec.podCIDRs", INTERNAL,
       "Internal error: invalid PodCIDRs. failed to check with dual stack with error:failed to "
       "parse cidr value:\"fd00::/129\" with error:invalid CIDR address: fd00::/129"},
      {"spec.podCIDRs", INVALID,
       "Invalid value: []string{\"10.0.0.0/8\", \"fd00::/129\"}: may specify no more than one "
       "CIDR for each IP family"}},
     "Node \"n1\" is invalid: [spec.podCIDRs[1]: Invalid value: \"fd00::/129\": must be a "
     "valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64), spec.podCIDRs: Internal error: "
     "invalid PodCIDRs. failed to check with dual stack with error:failed to parse cidr "
     "value:\"fd00::/129\" with error:invalid CIDR address: fd00::/129, spec.podCIDRs: "
     "Invalid value: []string{\"10.0.0.0/8\", \"fd00::/129\"}: may specify no more than one "
     "CIDR for each IP family]"},
    {"node pod CIDR alone stands for the list",
     "",
     "Node",
     NODE,
     "{\"spec\":{\"podCIDR\":\"10.0.0.300/8\",\"podCIDRs\":null}}",
     NULL,
     {{"spec.podCIDRs[0]", INVALID, "Invalid value: \"10.0.0.300/8\": " CIDR_MSG}},
     "Node \"n1\" is invalid: spec.podCIDRs[0]: Invalid value: \"10.0.0.300/8\": " CIDR_MSG},
    {"node update: pod CIDRs, provider ID and external ID are fixed once set",
     "",
     "Node",
     NODE,
     "{\"spec\":{\"podCIDR\":\"10.244.2.0/24\",\"podCIDRs\":[\"10.244.2.0/24\"],"
     "\"providerID\":\"aws://y\",\"externalID\":\"e\",\"taints\":[{\"key\":\"k\","
     "\"effect\":\"\"}]}}",
     "{}",
     /* ValidateNode, then ValidateNodeUpdate: the taint twice, once in the message */
     {{"metadata.taints[0].effect", REQUIRED, "Required value"},
      {"spec.podCIDRs", FORBIDDEN,
       "Forbidden: node updates may not change podCIDR except from \"\" to valid"},
      {"spec.providerID", FORBIDDEN,
       "Forbidden: node updates may not change providerID except from \"\" to valid"},
      {"metadata.taints[0].effect", REQUIRED, "Required value"},
      {"spec.externalID", FORBIDDEN, "Forbidden: may not be updated"}},
     "Node \"n1\" is invalid: [metadata.taints[0].effect: Required value, spec.podCIDRs: "
     "Forbidden: node updates may not change podCIDR except from \"\" to valid, "
     "spec.providerID: Forbidden: node updates may not change providerID except from \"\" to "
     "valid, spec.externalID: Forbidden: may not be updated]"},
    {"node update: pod CIDRs and provider ID set where empty",
     "",
     "Node",
     NODE,
     "{}",
     "{\"spec\":{\"podCIDR\":null,\"podCIDRs\":null,\"providerID\":null}}",
     {{0}},
     NULL},

    /* ---- RBAC ---- */
    {"role rules",
     RBAC,
     "Role",
     ROLE,
     "{\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[]},{"
     "\"nonResourceURLs\":[\"/healthz\"],\"verbs\":[\"get\"]},{\"verbs\":[\"get\"]}]}",
     NULL,
     {{"rules[0].verbs", REQUIRED, "Required value: verbs must contain at least one value"},
      {"rules[1].nonResourceURLs", INVALID,
       "Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource "
       "URLs"},
      {"rules[2].apiGroups", REQUIRED,
       "Required value: resource rules must supply at least one api group"},
      {"rules[2].resources", REQUIRED,
       "Required value: resource rules must supply at least one resource"}},
     "Role.rbac.authorization.k8s.io \"reader\" is invalid: [rules[0].verbs: Required value: "
     "verbs must contain at least one value, rules[1].nonResourceURLs: Invalid value: "
     "[]string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs, "
     "rules[2].apiGroups: Required value: resource rules must supply at least one api group, "
     "rules[2].resources: Required value: resource rules must supply at least one resource]"},
    {"role name: a path segment, and the create checks come before the update's",
     RBAC,
     "Role",
     ROLE,
     "{\"metadata\":{\"name\":\"a/b\",\"labels\":{\"k\":\"Bad Value\"}}}",
     "{}",
     {{"metadata.name", INVALID, "Invalid value: \"a/b\": may not contain '/'"},
      {"metadata.labels", INVALID, "Invalid value: \"Bad Value\": " LABEL_VALUE},
      {"metadata.name", INVALID, "Invalid value: \"a/b\": field is immutable"},
      {"metadata.labels", INVALID, "Invalid value: \"Bad Value\": " LABEL_VALUE}},
     "Role.rbac.authorization.k8s.io \"a/b\" is invalid: [metadata.name: Invalid value: "
     "\"a/b\": may not contain '/', metadata.labels: Invalid value: \"Bad Value\": " LABEL_VALUE
     ", metadata.name: Invalid value: \"a/b\": field is immutable]"},
    {"cluster role: resources with URLs, an aggregation selector",
     RBAC,
     "ClusterRole",
     CLUSTER_ROLE,
     "{\"rules\":[{\"nonResourceURLs\":[\"/logs\"],\"resources\":[\"pods\"],\"verbs\":"
     "[\"get\"]}],\"aggregationRule\":{\"clusterRoleSelectors\":[{\"matchExpressions\":[{"
     "\"key\":\"a\",\"operator\":\"Near\"}]}]}}",
     NULL,
     {{"rules[0].nonResourceURLs", INVALID,
       "Invalid value: []string{\"/logs\"}: rules cannot apply to both regular resources and "
       "non-resource URLs"},
      {"aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator", INVALID,
       "Invalid value: \"Near\": not a valid selector operator"},
      {"aggregationRule.clusterRoleSelectors[0]", INVALID,
       "Invalid value: \"null\": invalid label selector."}},
     "ClusterRole.rbac.authorization.k8s.io \"viewer\" is invalid: [rules[0].nonResourceURLs: "
     "Invalid value: []string{\"/logs\"}: rules cannot apply to both regular resources and "
     "non-resource URLs, aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: "
     "Invalid value: \"Near\": not a valid selector operator, "
     "aggregationRule.clusterRoleSelectors[0]: Invalid value: \"null\": invalid label "
     "selector.]"},
    {"cluster role: an aggregation rule without selectors",
     RBAC,
     "ClusterRole",
     CLUSTER_ROLE,
     "{\"aggregationRule\":{\"clusterRoleSelectors\":[]}}",
     NULL,
     {{"aggregationRule.clusterRoleSelectors", REQUIRED,
       "Required value: at least one clusterRoleSelector required if aggregationRule is "
       "non-nil"}},
     "ClusterRole.rbac.authorization.k8s.io \"viewer\" is invalid: "
     "aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector "
     "required if aggregationRule is non-nil"},
    {"role binding: roleRef and subjects",
     RBAC,
     "RoleBinding",
     ROLE_BINDING,
     "{\"roleRef\":{\"apiGroup\":\"\",\"kind\":\"Group\",\"name\":\"a/b\"},\"subjects\":[{"
     "\"kind\":\"User\",\"name\":\"jane\",\"apiGroup\":\"\"},{\"kind\":\"ServiceAccount\","
     "\"name\":\"Bad_SA\",\"apiGroup\":\"x\"},{\"kind\":\"Robot\",\"name\":\"\"}]}",
     NULL,
     {{"roleRef.apiGroup", UNSUPPORTED,
       "Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\""},
      {"roleRef.kind", UNSUPPORTED,
       "Unsupported value: \"Group\": supported values: \"Role\", \"ClusterRole\""},
      {"roleRef.name", INVALID, "Invalid value: \"a/b\": may not contain '/'"},
      {"subjects[0].apiGroup", UNSUPPORTED,
       "Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\""},
      {"subjects[1].name", INVALID, "Invalid value: \"Bad_SA\": " SUBDOMAIN},
      {"subjects[1].apiGroup", UNSUPPORTED, "Unsupported value: \"x\": supported values: \"\""},
      {"subjects[2].name", REQUIRED, "Required value"},
      {"subjects[2].kind", UNSUPPORTED,
       "Unsupported value: \"Robot\": supported values: \"ServiceAccount\", \"User\", "
       "\"Group\""}},
     "RoleBinding.rbac.authorization.k8s.io \"read\" is invalid: [roleRef.apiGroup: "
     "Unsupported value: \"\": supported values: \"rbac.authorization.k8s.io\", roleRef.kind: "
     "Unsupported value: \"Group\": supported values: \"Role\", \"ClusterRole\", roleRef.name: "
     "Invalid value: \"a/b\": may not contain '/', subjects[0].apiGroup: Unsupported value: "
     "\"\": supported values: \"rbac.authorization.k8s.io\", subjects[1].name: Invalid value: "
     "\"Bad_SA\": " SUBDOMAIN ", subjects[1].apiGroup: Unsupported value: \"x\": supported "
     "values: \"\", subjects[2].name: Required value, subjects[2].kind: Unsupported value: "
     "\"Robot\": supported values: \"ServiceAccount\", \"User\", \"Group\"]"},
    {"cluster role binding: a Role, a service account without namespace",
     RBAC,
     "ClusterRoleBinding",
     CLUSTER_ROLE_BINDING,
     "{\"roleRef\":{\"kind\":\"Role\",\"name\":\"\"},\"subjects\":[{\"kind\":\"ServiceAccount\","
     "\"name\":\"robot\"}]}",
     NULL,
     {{"roleRef.kind", UNSUPPORTED,
       "Unsupported value: \"Role\": supported values: \"ClusterRole\""},
      {"roleRef.name", REQUIRED, "Required value"},
      {"subjects[0].namespace", REQUIRED, "Required value"}},
     "ClusterRoleBinding.rbac.authorization.k8s.io \"admins\" is invalid: [roleRef.kind: "
     "Unsupported value: \"Role\": supported values: \"ClusterRole\", roleRef.name: Required "
     "value, subjects[0].namespace: Required value]"},
    {"role binding update: roleRef cannot change",
     RBAC,
     "RoleBinding",
     ROLE_BINDING,
     "{\"roleRef\":{\"name\":\"other\"}}",
     "{}",
     {{"roleRef", INVALID,
       "Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", "
       "Name:\"other\"}: cannot change roleRef"}},
     "RoleBinding.rbac.authorization.k8s.io \"read\" is invalid: roleRef: Invalid value: "
     "rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"other\"}: "
     "cannot change roleRef"},
    {"cluster role binding update: roleRef kind cannot change either",
     RBAC,
     "ClusterRoleBinding",
     CLUSTER_ROLE_BINDING,
     "{\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\",\"apiGroup\":"
     "\"rbac.authorization.k8s.io\"}]}",
     "{\"roleRef\":{\"name\":\"edit\"}}",
     {{"roleRef", INVALID,
       "Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", "
       "Kind:\"ClusterRole\", Name:\"viewer\"}: cannot change roleRef"}},
     "ClusterRoleBinding.rbac.authorization.k8s.io \"admins\" is invalid: roleRef: Invalid "
     "value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", "
     "Name:\"viewer\"}: cannot change roleRef"},

    /* ---- Ingress ---- */
    {"ingress rules: paths, path types, backends, hosts",
     NETWORK,
     "Ingress",
     INGRESS,
     "{\"spec\":{\"rules\":[{\"host\":\"*.example.com\",\"http\":{\"paths\":[{\"path\":\"api\","
     "\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"web\",\"port\":{\"number\":"
     "80}}}},{\"path\":\"/a//b/.\",\"pathType\":\"Exact\",\"backend\":{\"service\":{\"name\":"
     "\"Web\",\"port\":{\"name\":\"http\",\"number\":80}}}},{\"path\":\"/x\",\"pathType\":"
     "\"Regex\",\"backend\":{}},{\"path\":\"/y\",\"backend\":{\"service\":{\"name\":\"web\","
     "\"port\":{}}}}]}},{\"host\":\"10.0.0.1\"},{\"host\":\"foo.*.com\"}]}}",
     NULL,
     {{"spec.rules[0].http.paths[0].path", INVALID,
       "Invalid value: \"api\": must be an absolute path"},
      {"spec.rules[0].http.paths[1].path", INVALID,
       "Invalid value: \"/a//b/.\": must not contain '//'"},
      {"spec.rules[0].http.paths[1].path", INVALID,
       "Invalid value: \"/a//b/.\": cannot end with '/.'"},
      {"spec.rules[0].http.paths[1].backend.service.name", INVALID,
       "Invalid value: \"Web\": " DNS1035},
      {"spec.rules[0].http.paths[1].backend", INVALID,
       "Invalid value: \"\": cannot set both port name & port number"},
      {"spec.rules[0].http.paths[2].pathType", UNSUPPORTED,
       "Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", "
       "\"Prefix\""},
      {"spec.rules[0].http.paths[2].backend", INVALID,
       "Invalid value: \"\": resource or service backend is required"},
      {"spec.rules[0].http.paths[3].pathType", REQUIRED,
       "Required value: pathType must be specified"},
      {"spec.rules[1].host", INVALID,
       "Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address"},
      {"spec.rules[2].host", INVALID, "Invalid value: \"foo.*.com\": " WILDCARD}},
     "Ingress.networking.k8s.io \"web\" is invalid: [spec.rules[0].http.paths[0].path: "
     "Invalid value: \"api\": must be an absolute path, spec.rules[0].http.paths[1].path: "
     "Invalid value: \"/a//b/.\": must not contain '//', spec.rules[0].http.paths[1].path: "
     "Invalid value: \"/a//b/.\": cannot end with '/.', "
     "spec.rules[0].http.paths[1].backend.service.name: Invalid value: \"Web\": a DNS-1035 "
     "label must consist of lower case alphanumeric characters or '-', start with an "
     "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
     "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'), "
     "spec.rules[0].http.paths[1].backend: Invalid value: \"\": cannot set both port name & "
     "port number, spec.rules[0].http.paths[2].pathType: Unsupported value: \"Regex\": "
     "supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\", "
     "spec.rules[0].http.paths[2].backend: Invalid value: \"\": resource or service backend "
     "is required, spec.rules[0].http.paths[3].pathType: Required value: pathType must be "
     "specified, spec.rules[1].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an "
     "IP address, spec.rules[2].host: Invalid value: \"foo.*.com\": a wildcard DNS-1123 "
     "subdomain must start with '*.', followed by a valid DNS subdomain, which must consist "
     "of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric "
     "character (e.g. '*.example.com', regex used for validation is "
     "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')]"},
    {"ingress without rules or a default backend",
     NETWORK,
     "Ingress",
     INGRESS,
     "{\"spec\":{\"rules\":null}}",
     NULL,
     {{"spec", INVALID,
       "Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must "
       "be specified"}},
     "Ingress.networking.k8s.io \"web\" is invalid: spec: Invalid value: "
     "[]networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"},
    {"ingress: a service without a port, a path without paths",
     NETWORK,
     "Ingress",
     INGRESS,
     "{\"spec\":{\"rules\":[{\"http\":{\"paths\":[]}}],\"defaultBackend\":{\"service\":{"
     "\"name\":\"\",\"port\":{\"number\":70000}}}}}",
     NULL,
     {{"spec.defaultBackend.service.name", REQUIRED, "Required value"},
      {"spec.defaultBackend.service.port.number", INVALID, "Invalid value: 70000: " PORT_RANGE},
      {"spec.rules[0].http.paths", REQUIRED, "Required value"}},
     "Ingress.networking.k8s.io \"web\" is invalid: [spec.defaultBackend.service.name: Required "
     "value, spec.defaultBackend.service.port.number: Invalid value: 70000: " PORT_RANGE
     ", spec.rules[0].http.paths: Required value]"},
    {"ingress: TLS, class name, resource backend, the class annotation",
     NETWORK,
     "Ingress",
     INGRESS,
     "{\"metadata\":{\"annotations\":{\"kubernetes.io/ingress.class\":\"other\"}},\"spec\":{"
     "\"ingressClassName\":\"Bad_Class\",\"tls\":[{\"hosts\":[\"*.ok.com\",\"Bad_Host\"],"
     "\"secretName\":\"Bad_Secret\"}],\"defaultBackend\":{\"resource\":{\"kind\":\"\","
     "\"name\":\"a/b\"}}}}",
     NULL,
     {{"spec.defaultBackend.resource.kind", REQUIRED, "Required value"},
      {"spec.defaultBackend.resource.name", INVALID, "Invalid value: \"a/b\": may not contain '/'"},
      {"spec.tls[0].hosts[1]", INVALID, "Invalid value: \"Bad_Host\": " SUBDOMAIN},
      {"spec.tls[0].secretName", INVALID, "Invalid value: \"Bad_Secret\": " SUBDOMAIN},
      {"spec.ingressClassName", INVALID, "Invalid value: \"Bad_Class\": " SUBDOMAIN},
      {"annotations.kubernetes.io/ingress.class", INVALID,
       "Invalid value: \"other\": must match `ingressClassName` when both are specified"}},
     "Ingress.networking.k8s.io \"web\" is invalid: [spec.defaultBackend.resource.kind: "
     "Required value, spec.defaultBackend.resource.name: Invalid value: \"a/b\": may not "
     "contain '/', spec.tls[0].hosts[1]: Invalid value: \"Bad_Host\": a lowercase RFC 1123 "
     "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
     "start and end with an alphanumeric character (e.g. 'example.com', regex used for "
     "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), "
     "spec.tls[0].secretName: Invalid value: \"Bad_Secret\": a lowercase RFC 1123 subdomain "
     "must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
     "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), "
     "spec.ingressClassName: Invalid value: \"Bad_Class\": a lowercase RFC 1123 subdomain "
     "must consist of lower case alphanumeric characters, '-' or '.', and must start and end "
     "with an alphanumeric character (e.g. 'example.com', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), "
     "annotations.kubernetes.io/ingress.class: Invalid value: \"other\": must match "
     "`ingressClassName` when both are specified]"},
    {"ingress update: a TLS secret name already invalid stays allowed",
     NETWORK,
     "Ingress",
     INGRESS,
     "{\"spec\":{\"tls\":[{\"secretName\":\"Still_Bad\"}]}}",
     "{\"spec\":{\"tls\":[{\"secretName\":\"Bad_Secret\"}]}}",
     {{0}},
     NULL},
    {"ingress update: a wildcard rule already invalid stays allowed",
     NETWORK,
     "Ingress",
     INGRESS,
     "{\"spec\":{\"rules\":[{\"host\":\"*.example.com\",\"http\":{\"paths\":[{\"path\":\"x\","
     "\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"web\",\"port\":{"
     "\"number\":80}}}}]}}]}}",
     "{\"spec\":{\"rules\":[{\"host\":\"*.example.com\",\"http\":{\"paths\":[]}}]}}",
     {{0}},
     NULL},

    /* ---- IngressClass ---- */
    {"ingress class: a controller without a domain, namespaced parameters without namespace",
     NETWORK,
     "IngressClass",
     INGRESS_CLASS,
     "{\"spec\":{\"controller\":\"nginx\",\"parameters\":{\"kind\":\"Params\",\"name\":\"p\","
     "\"scope\":\"Namespace\"}}}",
     NULL,
     {{"spec.controller", INVALID,
       "Invalid value: \"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\")"},
      {"spec.parameters.namespace", REQUIRED,
       "Required value: `parameters.scope` is set to 'Namespace'"}},
     "IngressClass.networking.k8s.io \"nginx\" is invalid: [spec.controller: Invalid value: "
     "\"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\"), "
     "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace']"},
    {"ingress class: a bad domain and path, cluster parameters with a namespace",
     NETWORK,
     "IngressClass",
     INGRESS_CLASS,
     "{\"spec\":{\"controller\":\"Example.com/a b\",\"parameters\":{\"apiGroup\":\"Bad_Group\","
     "\"kind\":\"P\",\"name\":\"p\",\"scope\":\"Cluster\",\"namespace\":\"x\"}}}",
     NULL,
     {{"spec.controller", INVALID, "Invalid value: \"Example.com\": " SUBDOMAIN},
      {"spec.controller", INVALID,
       "Invalid value: \"a b\": Invalid path (regex used for validation is "
       "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"},
      {"spec.parameters.apiGroup", INVALID, "Invalid value: \"Bad_Group\": " SUBDOMAIN},
      {"spec.parameters.namespace", FORBIDDEN,
       "Forbidden: `parameters.scope` is set to 'Cluster'"}},
     "IngressClass.networking.k8s.io \"nginx\" is invalid: [spec.controller: Invalid value: "
     "\"Example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
     "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
     "'example.com', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.controller: "
     "Invalid value: \"a b\": Invalid path (regex used for validation is "
     "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+'), spec.parameters.apiGroup: Invalid value: "
     "\"Bad_Group\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
     "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
     "'example.com', regex used for validation is "
     "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), "
     "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster']"},
    {"ingress class: parameters without a scope",
     NETWORK,
     "IngressClass",
     INGRESS_CLASS,
     "{\"spec\":{\"parameters\":{\"kind\":\"P\",\"name\":\"p\"}}}",
     NULL,
     {{"spec.parameters.scope", REQUIRED, "Required value"}},
     "IngressClass.networking.k8s.io \"nginx\" is invalid: spec.parameters.scope: Required "
     "value"},
    {"ingress class update: the controller is fixed",
     NETWORK,
     "IngressClass",
     INGRESS_CLASS,
     "{\"spec\":{\"controller\":\"example.com/other\"}}",
     "{}",
     {{"spec.controller", INVALID, "Invalid value: \"example.com/other\": field is immutable"}},
     "IngressClass.networking.k8s.io \"nginx\" is invalid: spec.controller: Invalid value: "
     "\"example.com/other\": field is immutable"},

    /* ---- NetworkPolicy ---- */
    {"network policy: ports, peers, ip blocks, policy types",
     NETWORK,
     "NetworkPolicy",
     NETWORK_POLICY,
     "{\"spec\":{\"ingress\":[{\"ports\":[{\"protocol\":\"ICMP\",\"port\":0,\"endPort\":-1},{"
     "\"port\":\"http\",\"endPort\":90},{\"endPort\":90}],\"from\":[{},{\"podSelector\":{},"
     "\"ipBlock\":{\"cidr\":\"10.0.0.0/8\",\"except\":[\"10.1.0.0/16\",\"192.168.0.0/16\","
     "\"10.0.0.0/8\",\"bad\"]}}]}],\"egress\":[{\"to\":[{\"ipBlock\":{\"cidr\":"
     "\"not-a-cidr\"}},{\"ipBlock\":{\"cidr\":\"\"}}]}],\"policyTypes\":[\"Ingress\","
     "\"Sideways\"]}}",
     NULL,
     {{"spec.ingress[0].ports[0].protocol", UNSUPPORTED,
       "Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\""},
      {"spec.ingress[0].ports[0].port", INVALID, "Invalid value: 0: " PORT_RANGE},
      {"spec.ingress[0].ports[0].endPort", INVALID,
       "Invalid value: -1: must be greater than or equal to `port`"},
      {"spec.ingress[0].ports[0].endPort", INVALID, "Invalid value: -1: " PORT_RANGE},
      {"spec.ingress[0].ports[1].endPort", INVALID,
       "Invalid value: 90: may not be specified when `port` is non-numeric"},
      {"spec.ingress[0].ports[2].endPort", INVALID,
       "Invalid value: 90: may not be specified when `port` is not specified"},
      {"spec.ingress[0].from[0]", REQUIRED, "Required value: must specify a peer"},
      {"spec.ingress[0].from[1].ipBlock.except[1]", INVALID,
       "Invalid value: \"192.168.0.0/16\": must be a strict subset of `cidr`"},
      {"spec.ingress[0].from[1].ipBlock.except[2]", INVALID,
       "Invalid value: \"10.0.0.0/8\": must be a strict subset of `cidr`"},
      {"spec.ingress[0].from[1].ipBlock.except[3]", INVALID, "Invalid value: \"bad\": " CIDR_MSG},
      {"spec.ingress[0].from[1]", FORBIDDEN,
       "Forbidden: may not specify both ipBlock and another peer"},
      {"spec.egress[0].to[0].ipBlock.cidr", INVALID, "Invalid value: \"not-a-cidr\": " CIDR_MSG},
      {"spec.egress[0].to[1].ipBlock.cidr", REQUIRED, "Required value"},
      {"spec.policyTypes[1]", UNSUPPORTED,
       "Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\""}},
     "NetworkPolicy.networking.k8s.io \"db\" is invalid: [spec.ingress[0].ports[0].protocol: "
     "Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\", "
     "spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, "
     "inclusive, spec.ingress[0].ports[0].endPort: Invalid value: -1: must be greater than or "
     "equal to `port`, spec.ingress[0].ports[0].endPort: Invalid value: -1: must be between 1 "
     "and 65535, inclusive, spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be "
     "specified when `port` is non-numeric, spec.ingress[0].ports[2].endPort: Invalid value: "
     "90: may not be specified when `port` is not specified, spec.ingress[0].from[0]: "
     "Required value: must specify a peer, spec.ingress[0].from[1].ipBlock.except[1]: Invalid "
     "value: \"192.168.0.0/16\": must be a strict subset of `cidr`, "
     "spec.ingress[0].from[1].ipBlock.except[2]: Invalid value: \"10.0.0.0/8\": must be a "
     "strict subset of `cidr`, spec.ingress[0].from[1].ipBlock.except[3]: Invalid value: "
     "\"bad\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64), "
     "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer, "
     "spec.egress[0].to[0].ipBlock.cidr: Invalid value: \"not-a-cidr\": must be a valid CIDR "
     "value, (e.g. 10.9.8.0/24 or 2001:db8::/64), spec.egress[0].to[1].ipBlock.cidr: Required "
     "value, spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: "
     "\"Ingress\", \"Egress\"]"},
    {"network policy: more than two policy types",
     NETWORK,
     "NetworkPolicy",
     NETWORK_POLICY,
     "{\"spec\":{\"policyTypes\":[\"Ingress\",\"Egress\",\"Ingress\"]}}",
     NULL,
     {{"spec.policyTypes", INVALID,
       "Invalid value: []networking.PolicyType{\"Ingress\", \"Egress\", \"Ingress\"}: may not "
       "specify more than two policyTypes"}},
     "NetworkPolicy.networking.k8s.io \"db\" is invalid: spec.policyTypes: Invalid value: "
     "[]networking.PolicyType{\"Ingress\", \"Egress\", \"Ingress\"}: may not specify more than "
     "two policyTypes"},
    {"network policy: an IPv6 block and an IPv4 except",
     NETWORK,
     "NetworkPolicy",
     NETWORK_POLICY,
     "{\"spec\":{\"egress\":[{\"to\":[{\"ipBlock\":{\"cidr\":\"fd00::/64\",\"except\":["
     "\"fd00::/96\",\"10.0.0.0/8\"]}}]}]}}",
     NULL,
     {{"spec.egress[0].to[0].ipBlock.except[1]", INVALID,
       "Invalid value: \"10.0.0.0/8\": must be a strict subset of `cidr`"}},
     "NetworkPolicy.networking.k8s.io \"db\" is invalid: spec.egress[0].to[0].ipBlock.except[1]: "
     "Invalid value: \"10.0.0.0/8\": must be a strict subset of `cidr`"},

    /* ---- PodDisruptionBudget ---- */
    {"pdb: both bounds, a percent over 100, a selector, a policy",
     "policy",
     "PodDisruptionBudget",
     PDB,
     "{\"metadata\":{\"name\":\"a%b\"},\"spec\":{\"maxUnavailable\":\"150%\","
     "\"unhealthyPodEvictionPolicy\":\"Never\",\"selector\":{\"matchLabels\":{\"app\":"
     "\"Bad Value\"}}}}",
     NULL,
     {{"spec", INVALID,
       "Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(" P
       "), Selector:(*v1.LabelSelector)(" P "), MaxUnavailable:(*intstr.IntOrString)(" P
       "), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(" P
       ")}: minAvailable and maxUnavailable cannot be both set"},
      {"spec.maxUnavailable", INVALID,
       "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be "
       "greater than 100%"},
      {"spec.selector.matchLabels", INVALID, "Invalid value: \"Bad Value\": " LABEL_VALUE},
      {"spec.unhealthyPodEvictionPolicy", UNSUPPORTED,
       "Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\""}},
     "PodDisruptionBudget.policy \"a%b\" is invalid: [spec: Invalid value: "
     "policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000000000), "
     "Selector:(*v1.LabelSelector)(0xc000000000), "
     "MaxUnavailable:(*intstr.IntOrString)(0xc000000000), "
     "UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(0xc000000000)}: "
     "minAvailable and maxUnavailable cannot be both set, spec.maxUnavailable: Invalid value: "
     "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%, "
     "spec.selector.matchLabels: Invalid value: \"Bad Value\": a valid label must be an empty "
     "string or consist of alphanumeric characters, '-', '_' or '.', and must start and end "
     "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
     "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'), "
     "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: "
     "\"AlwaysAllow\", \"IfHealthyBudget\"]"},
    {"pdb: a negative count; the name is checked only with a valid spec",
     "policy",
     "PodDisruptionBudget",
     PDB,
     "{\"metadata\":{\"name\":\"a%b\"},\"spec\":{\"minAvailable\":-1}}",
     NULL,
     {{"spec.minAvailable", INVALID, "Invalid value: -1: must be greater than or equal to 0"}},
     "PodDisruptionBudget.policy \"a%b\" is invalid: spec.minAvailable: Invalid value: -1: must "
     "be greater than or equal to 0"},
    {"pdb: the name is a path segment",
     "policy",
     "PodDisruptionBudget",
     PDB,
     "{\"metadata\":{\"name\":\"a%b\"},\"spec\":{\"minAvailable\":\"50%\"}}",
     NULL,
     {{"metadata.name", INVALID, "Invalid value: \"a%b\": may not contain '%'"}},
     "PodDisruptionBudget.policy \"a%b\" is invalid: metadata.name: Invalid value: \"a%b\": may "
     "not contain '%'"},
    {"pdb: a name a subdomain would refuse",
     "policy",
     "PodDisruptionBudget",
     PDB,
     "{\"metadata\":{\"name\":\"Web_1\"}}",
     NULL,
     {{0}},
     NULL},

    /* ---- HorizontalPodAutoscaler ---- */
    {"hpa v2: replicas, target reference, metrics",
     "autoscaling/v2",
     "HorizontalPodAutoscaler",
     HPA,
     "{\"spec\":{\"minReplicas\":0,\"maxReplicas\":0,\"scaleTargetRef\":{\"kind\":\"\","
     "\"name\":\"a/b\"},\"metrics\":[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"\"},"
     "\"target\":{\"type\":\"Ratio\",\"averageValue\":\"0\"}}},{\"type\":\"Bogus\"},{\"type\":"
     "\"Resource\",\"resource\":{\"name\":\"\",\"target\":{\"type\":\"Utilization\","
     "\"averageUtilization\":0,\"averageValue\":\"1\"}},\"pods\":{\"metric\":{\"name\":\"x\"},"
     "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"1\"}}}]}}",
     NULL,
     {{"spec.minReplicas", INVALID, "Invalid value: 0: must be greater than or equal to 1"},
      {"spec.maxReplicas", INVALID, "Invalid value: 0: must be greater than 0"},
      {"spec.scaleTargetRef.kind", REQUIRED, "Required value"},
      {"spec.scaleTargetRef.name", INVALID, "Invalid value: \"a/b\": may not contain '/'"},
      {"spec.metrics[0].pods.metric.name", REQUIRED, "Required value: must specify a metric name"},
      {"spec.metrics[0].pods.target.type", INVALID,
       "Invalid value: \"Ratio\": must be either Utilization, Value, or AverageValue"},
      {"spec.metrics[0].pods.target.averageValue", INVALID,
       "Invalid value: " QTY_ZERO ": must be positive"},
      {"spec.metrics[1].type", UNSUPPORTED,
       "Unsupported value: \"Bogus\": supported values: \"ContainerResource\", \"External\", "
       "\"Object\", \"Pods\", \"Resource\""},
      {"spec.metrics[1].type", UNSUPPORTED,
       "Unsupported value: \"Bogus\": supported values: \"ContainerResource\", \"External\", "
       "\"Object\", \"Pods\", \"Resource\""},
      {"spec.metrics[2].pods", FORBIDDEN, "Forbidden: must populate the given metric source only"},
      {"spec.metrics", FORBIDDEN,
       "Forbidden: must specify at least one Object or External metric to support scaling to "
       "zero replicas"}},
     "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: [spec.minReplicas: Invalid "
     "value: 0: must be greater than or equal to 1, spec.maxReplicas: Invalid value: 0: must "
     "be greater than 0, spec.scaleTargetRef.kind: Required value, spec.scaleTargetRef.name: "
     "Invalid value: \"a/b\": may not contain '/', spec.metrics[0].pods.metric.name: Required "
     "value: must specify a metric name, spec.metrics[0].pods.target.type: Invalid value: "
     "\"Ratio\": must be either Utilization, Value, or AverageValue, "
     "spec.metrics[0].pods.target.averageValue: Invalid value: "
     "resource.Quantity{i:resource.int64Amount{value:0, scale:0}, "
     "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"0\", Format:\"DecimalSI\"}: must be "
     "positive, spec.metrics[1].type: Unsupported value: \"Bogus\": supported values: "
     "\"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\", "
     "spec.metrics[2].pods: Forbidden: must populate the given metric source only, "
     "spec.metrics: Forbidden: must specify at least one Object or External metric to support "
     "scaling to zero replicas]"},
    {"hpa v2: metric sources",
     "autoscaling/v2",
     "HorizontalPodAutoscaler",
     HPA,
     "{\"spec\":{\"metrics\":[{\"type\":\"Object\",\"object\":{\"describedObject\":{\"kind\":"
     "\"Service\",\"name\":\"web\"},\"metric\":{\"name\":\"rps\"},\"target\":{\"type\":"
     "\"AverageValue\"}}},{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"queue\"},"
     "\"target\":{\"type\":\"Value\",\"value\":\"10\",\"averageValue\":\"1\"}}},{\"type\":"
     "\"Resource\",\"resource\":{\"name\":\"\",\"target\":{\"type\":\"Utilization\","
     "\"averageUtilization\":0,\"averageValue\":\"1\"}}},{\"type\":\"ContainerResource\","
     "\"containerResource\":{\"name\":\"gpu\",\"container\":\"\",\"target\":{\"type\":"
     "\"Utilization\"}}},{\"type\":\"Pods\"}]}}",
     NULL,
     {{"spec.metrics[0].object.target.averageValue", REQUIRED,
       "Required value: must set either a target value or averageValue"},
      {"spec.metrics[1].external.target.value", FORBIDDEN,
       "Forbidden: may not set both a target value for metric and a per-pod target"},
      {"spec.metrics[2].resource.name", REQUIRED, "Required value: must specify a resource name"},
      {"spec.metrics[2].resource.target.averageUtilization", INVALID,
       "Invalid value: 0: must be greater than 0"},
      {"spec.metrics[2].resource.target.averageValue", FORBIDDEN,
       "Forbidden: may not set both a target raw value and a target utilization"},
      {"spec.metrics[3].containerResource.name", INVALID,
       "Invalid value: \"gpu\": must be a standard resource type or fully qualified"},
      {"spec.metrics[3].containerResource.name", INVALID,
       "Invalid value: \"gpu\": must be a standard resource for containers"},
      {"spec.metrics[3].containerResource.container", REQUIRED,
       "Required value: must specify a container"},
      {"spec.metrics[3].containerResource.target.averageUtilization", REQUIRED,
       "Required value: must set either a target raw value or a target utilization"},
      {"spec.metrics[4].pods", REQUIRED,
       "Required value: must populate information for the given metric source"}},
     "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: "
     "[spec.metrics[0].object.target.averageValue: Required value: must set either a target "
     "value or averageValue, spec.metrics[1].external.target.value: Forbidden: may not set "
     "both a target value for metric and a per-pod target, spec.metrics[2].resource.name: "
     "Required value: must specify a resource name, "
     "spec.metrics[2].resource.target.averageUtilization: Invalid value: 0: must be greater "
     "than 0, spec.metrics[2].resource.target.averageValue: Forbidden: may not set both a "
     "target raw value and a target utilization, spec.metrics[3].containerResource.name: "
     "Invalid value: \"gpu\": must be a standard resource type or fully qualified, "
     "spec.metrics[3].containerResource.name: Invalid value: \"gpu\": must be a standard "
     "resource for containers, spec.metrics[3].containerResource.container: Required value: "
     "must specify a container, spec.metrics[3].containerResource.target.averageUtilization: "
     "Required value: must set either a target raw value or a target utilization, "
     "spec.metrics[4].pods: Required value: must populate information for the given metric "
     "source]"},
    {"hpa v2: scaling behavior",
     "autoscaling/v2",
     "HorizontalPodAutoscaler",
     HPA,
     "{\"spec\":{\"behavior\":{\"scaleUp\":{\"selectPolicy\":\"Disabled\",\"policies\":[]},"
     "\"scaleDown\":{\"stabilizationWindowSeconds\":4000,\"selectPolicy\":\"Sometimes\","
     "\"policies\":[{\"type\":\"Nodes\",\"value\":0,\"periodSeconds\":1801}]}}}}",
     NULL,
     {{"spec.behavior.scaleUp.policies", REQUIRED,
       "Required value: must specify at least one Policy"},
      {"spec.behavior.scaleDown.stabilizationWindowSeconds", INVALID,
       "Invalid value: 4000: must be less than or equal to 3600"},
      {"spec.behavior.scaleDown.selectPolicy", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"Disabled\", \"Max\", \"Min\""},
      {"spec.behavior.scaleDown.policies[0].type", UNSUPPORTED,
       "Unsupported value: \"Nodes\": supported values: \"Percent\", \"Pods\""},
      {"spec.behavior.scaleDown.policies[0].value", INVALID,
       "Invalid value: 0: must be greater than zero"},
      {"spec.behavior.scaleDown.policies[0].periodSeconds", INVALID,
       "Invalid value: 1801: must be less than or equal to 1800"}},
     "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: "
     "[spec.behavior.scaleUp.policies: Required value: must specify at least one Policy, "
     "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less "
     "than or equal to 3600, spec.behavior.scaleDown.selectPolicy: Unsupported value: "
     "\"Sometimes\": supported values: \"Disabled\", \"Max\", \"Min\", "
     "spec.behavior.scaleDown.policies[0].type: Unsupported value: \"Nodes\": supported "
     "values: \"Percent\", \"Pods\", spec.behavior.scaleDown.policies[0].value: Invalid "
     "value: 0: must be greater than zero, spec.behavior.scaleDown.policies[0].periodSeconds: "
     "Invalid value: 1801: must be less than or equal to 1800]"},
    {"hpa v1: the CPU target is the internal CPU metric",
     "autoscaling/v1",
     "HorizontalPodAutoscaler",
     HPA_V1,
     "{\"spec\":{\"targetCPUUtilizationPercentage\":0,\"minReplicas\":3,\"maxReplicas\":2}}",
     NULL,
     {{"spec.maxReplicas", INVALID,
       "Invalid value: 2: must be greater than or equal to `minReplicas`"},
      {"spec.metrics[0].resource.target.averageUtilization", INVALID,
       "Invalid value: 0: must be greater than 0"}},
     "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: [spec.maxReplicas: Invalid value: "
     "2: must be greater than or equal to `minReplicas`, "
     "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater "
     "than 0]"},
    {"hpa update: minReplicas 0 stays allowed when it was 0",
     "autoscaling/v2",
     "HorizontalPodAutoscaler",
     HPA,
     "{\"spec\":{\"minReplicas\":0}}",
     "{\"spec\":{\"minReplicas\":0}}",
     {{"spec.metrics", FORBIDDEN,
       "Forbidden: must specify at least one Object or External metric to support scaling to "
       "zero replicas"}},
     "HorizontalPodAutoscaler.autoscaling \"web\" is invalid: spec.metrics: Forbidden: must "
     "specify at least one Object or External metric to support scaling to zero replicas"},

    /* ---- PriorityClass ---- */
    {"priority class: a value above user range, an unknown preemption policy",
     "scheduling.k8s.io",
     "PriorityClass",
     PRIORITY_CLASS,
     "{\"value\":2000000000,\"preemptionPolicy\":\"Sometimes\"}",
     NULL,
     {{"value", FORBIDDEN,
       "Forbidden: maximum allowed value of a user defined priority is 1000000000"},
      {"preemptionPolicy", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"PreemptLowerPriority\", "
       "\"Never\""}},
     "PriorityClass.scheduling.k8s.io \"high\" is invalid: [value: Forbidden: maximum allowed "
     "value of a user defined priority is 1000000000, preemptionPolicy: Unsupported value: "
     "\"Sometimes\": supported values: \"PreemptLowerPriority\", \"Never\"]"},
    {"priority class: the system- prefix is reserved",
     "scheduling.k8s.io",
     "PriorityClass",
     PRIORITY_CLASS,
     "{\"metadata\":{\"name\":\"system-custom\"}}",
     NULL,
     {{"metadata.name", FORBIDDEN,
       "Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
       "error: system-custom is not a known system priority class"}},
     "PriorityClass.scheduling.k8s.io \"system-custom\" is invalid: metadata.name: Forbidden: "
     "priority class names with 'system-' prefix are reserved for system use only. error: "
     "system-custom is not a known system priority class"},
    {"priority class: a system class with its own value only",
     "scheduling.k8s.io",
     "PriorityClass",
     PRIORITY_CLASS,
     "{\"metadata\":{\"name\":\"system-node-critical\"},\"value\":5}",
     NULL,
     {{"metadata.name", FORBIDDEN,
       "Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
       "error: value of system-node-critical PriorityClass must be 2000001000"}},
     "PriorityClass.scheduling.k8s.io \"system-node-critical\" is invalid: metadata.name: "
     "Forbidden: priority class names with 'system-' prefix are reserved for system use only. "
     "error: value of system-node-critical PriorityClass must be 2000001000"},
    {"priority class: the system classes themselves",
     "scheduling.k8s.io",
     "PriorityClass",
     PRIORITY_CLASS,
     "{\"metadata\":{\"name\":\"system-cluster-critical\"},\"value\":2000000000}",
     NULL,
     {{0}},
     NULL},
    {"priority class update: value and preemption policy fixed",
     "scheduling.k8s.io",
     "PriorityClass",
     PRIORITY_CLASS,
     "{\"value\":5,\"preemptionPolicy\":\"Never\",\"description\":\"changed\"}",
     "{}",
     {{"value", FORBIDDEN, "Forbidden: may not be changed in an update."},
      {"preemptionPolicy", INVALID, "Invalid value: \"Never\": field is immutable"}},
     "PriorityClass.scheduling.k8s.io \"high\" is invalid: [value: Forbidden: may not be "
     "changed in an update., preemptionPolicy: Invalid value: \"Never\": field is immutable]"},

    /* ---- Lease ---- */
    {"lease: duration and transitions",
     "coordination.k8s.io",
     "Lease",
     LEASE,
     "{\"spec\":{\"leaseDurationSeconds\":0,\"leaseTransitions\":-1}}",
     NULL,
     {{"spec.leaseDurationSeconds", INVALID, "Invalid value: 0: must be greater than 0"},
      {"spec.leaseTransitions", INVALID, "Invalid value: -1: must be greater than or equal to 0"}},
     "Lease.coordination.k8s.io \"lock\" is invalid: [spec.leaseDurationSeconds: Invalid value: "
     "0: must be greater than 0, spec.leaseTransitions: Invalid value: -1: must be greater than "
     "or equal to 0]"},
};

START_TEST(test_case)
{
	run_case(&cases[_i]);
}
END_TEST

/* ---- the objects of the defaulting golden files ---- */

struct golden_invalid {
	const char *file, *name;
	const char *causes[4]; /* "field|message" */
};

/*
 * The golden objects upstream would refuse too: the defaulting tests feed
 * odd inputs on purpose (several volume sources, a User subject of another
 * API group, Jobs without completions or a selector, an empty policy list, a
 * Service with an unnamed port among several or none, a host-network port
 * whose host port differs).
 */
static const struct golden_invalid golden_invalid[] = {
    {"storage.out.json",
     "ceph",
     {"spec.iscsi|Forbidden: " ONE_TYPE, "spec.azureDisk|Forbidden: " ONE_TYPE}},
    {"rbac.out.json",
     "read",
     {"subjects[3].apiGroup|Unsupported value: \"example.com\": supported values: "
      "\"rbac.authorization.k8s.io\""}},
    {"service.out.json", "web", {"spec.ports[0].name|Required value"}},
    {"service.out.json", "sticky2", {"spec.ports|Required value"}},
    {"pod.out.json",
     "agent",
     {"spec.containers[0].ports[1].hostPort|Invalid value: 9001: must match `containerPort` "
      "when `hostNetwork` is true"}},
    /* upstream generates the name before it validates */
    {"core.out.json", "tmp-", {"metadata.name|Required value: name or generateName is required"}},
    {"job.out.json", "work", {"spec.completions|Required value: when completion mode is Indexed"}},
    {"job.out.json",
     "batch",
     {"spec.selector|Required value",
      "spec.template.metadata.labels|Invalid value: map[string]string(nil): " MISMATCH}},
    {"hpa.out.json",
     "empty-behavior",
     {"spec.behavior.scaleUp.policies|Required value: must specify at least one Policy"}},
};

/* group, version from an apiVersion. */
static void split_api_version(const char *api_version, char *group, size_t size,
			      const char **version)
{
	const char *slash = strchr(api_version, '/');

	snprintf(group, size, "%.*s", slash ? (int)(slash - api_version) : 0, api_version);
	*version = slash ? slash + 1 : api_version;
}

/* Validates one golden object; returns whether its causes are the expected ones. */
static bool check_golden_object(const char *file, json_t *obj)
{
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	json_t *meta = json_object_get(obj, "metadata");
	const char *name = json_string_value(json_object_get(meta, "name"));
	const struct golden_invalid *known = NULL;
	struct validation_errors errs = {0};
	const char *version;
	char group[128];
	size_t want = 0;
	bool ok;

	if (!name)
		name = json_string_value(json_object_get(meta, "generateName"));
	split_api_version(json_string_value(json_object_get(obj, "apiVersion")), group,
			  sizeof(group), &version);
	for (size_t i = 0; i < N(golden_invalid); i++)
		if (strcmp(golden_invalid[i].file, file) == 0 &&
		    strcmp(golden_invalid[i].name, name) == 0)
			known = &golden_invalid[i];
	while (known && want < N(known->causes) && known->causes[want])
		want++;
	validation_check(group, version, kind, obj, NULL, &errs);
	ok = errs.num == want;
	for (size_t i = 0; i < errs.num; i++) {
		char text[1024];

		snprintf(text, sizeof(text), "%s|%s", errs.causes[i].field, errs.causes[i].message);
		if (i >= want || strcmp(text, known->causes[i]) != 0) {
			fprintf(stderr, "%s %s %s: %s\n", file, kind, name, text);
			ok = false;
		}
	}
	validation_errors_free(&errs);
	return ok;
}

/* Every object the defaulting golden files hold, as defaulted, validates. */
START_TEST(test_golden_objects_valid)
{
	DIR *dir;
	struct dirent *e;
	size_t files = 0, bad = 0;

	chdir_to_repo_root("tests/unit/defaults");
	dir = opendir("tests/unit/defaults");
	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		char path[512];
		json_error_t err;
		json_t *doc, *item;
		size_t i;

		if (len < 9 || strcmp(e->d_name + len - 9, ".out.json") != 0)
			continue;
		snprintf(path, sizeof(path), "tests/unit/defaults/%s", e->d_name);
		doc = json_load_file(path, JSON_DECODE_ANY, &err);
		ck_assert_msg(doc != NULL, "%s: %s", path, err.text);
		if (json_is_array(doc))
			json_array_foreach(doc, i, item) bad +=
			    !check_golden_object(e->d_name, item);
		else
			bad += !check_golden_object(e->d_name, doc);
		json_decref(doc);
		files++;
	}
	closedir(dir);
	ck_assert_uint_ge(files, 10);
	ck_assert_msg(bad == 0, "%zu golden objects fail otherwise than expected (see above)", bad);
}
END_TEST

/* --allow-privileged=false: a privileged container is disallowed by cluster policy. */
START_TEST(test_privileged_disallowed)
{
	json_t *pod = patched(POD, WITH_CONTAINER_SC("{\"privileged\":true}"));
	struct validation_errors errs = {0};
	char *msg;

	ck_assert_int_eq(validation_check("", "v1", "Pod", pod, NULL, &errs), 0);
	validation_set_allow_privileged(false);
	ck_assert_int_eq(validation_check("", "v1", "Pod", pod, NULL, &errs), 1);
	validation_set_allow_privileged(true);
	ck_assert_str_eq(errs.causes[0].field, "spec.containers[0].securityContext.privileged");
	ck_assert_str_eq(errs.causes[0].reason, FORBIDDEN);
	msg = validation_status_message(&errs, "", "Pod", "web");
	ck_assert_str_eq(msg, "Pod \"web\" is invalid: spec.containers[0].securityContext."
			      "privileged: Forbidden: disallowed by cluster policy");
	free(msg);
	validation_errors_free(&errs);
	json_decref(pod);
}
END_TEST

/* Members of the wrong JSON type read as absent: no crash, the name still required. */
START_TEST(test_wrong_types)
{
	static const char *const kinds[][3] = {
	    {"", "v1", "PersistentVolumeClaim"},
	    {"", "v1", "PersistentVolume"},
	    {"", "v1", "Node"},
	    {"", "v1", "Pod"},
	    {"storage.k8s.io", "v1", "StorageClass"},
	    {"scheduling.k8s.io", "v1", "PriorityClass"},
	    {"coordination.k8s.io", "v1", "Lease"},
	    {RBAC, "v1", "Role"},
	    {RBAC, "v1", "ClusterRole"},
	    {RBAC, "v1", "RoleBinding"},
	    {RBAC, "v1", "ClusterRoleBinding"},
	    {NETWORK, "v1", "Ingress"},
	    {NETWORK, "v1", "IngressClass"},
	    {NETWORK, "v1", "NetworkPolicy"},
	    {"policy", "v1", "PodDisruptionBudget"},
	    {"autoscaling", "v1", "HorizontalPodAutoscaler"},
	    {"autoscaling", "v2", "HorizontalPodAutoscaler"},
	};
	static const char *const objects[] = {
	    "{}",
	    "{\"metadata\":[],\"spec\":\"x\",\"rules\":7,\"roleRef\":true,\"subjects\":{}}",
	    "{\"metadata\":{\"annotations\":{\"autoscaling.alpha.kubernetes.io/metrics\":\"[\"}},"
	    "\"spec\":{\"accessModes\":{},\"capacity\":[],\"hostPath\":7,\"taints\":[1,\"x\"],"
	    "\"podCIDRs\":[7],\"rules\":[{\"http\":{\"paths\":[7,{\"backend\":[]}]}}],"
	    "\"metrics\":[{\"type\":7,\"pods\":[]}],\"securityContext\":[],\"affinity\":{"
	    "\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":7}},"
	    "\"topologySpreadConstraints\":[{\"matchLabelKeys\":[7]}],\"ingress\":[{\"from\":"
	    "[{\"ipBlock\":{\"cidr\":7,\"except\":[7]}}]}],\"minAvailable\":{},"
	    "\"containers\":[{\"securityContext\":{\"capabilities\":{\"add\":[7]}}}]},"
	    "\"rules\":[{\"verbs\":{}}],\"subjects\":[7],\"aggregationRule\":{"
	    "\"clusterRoleSelectors\":[7]}}",
	};

	for (size_t k = 0; k < N(kinds); k++)
		for (size_t o = 0; o < N(objects); o++)
			for (int update = 0; update < 2; update++)
				check_wrong_types(kinds[k][0], kinds[k][1], kinds[k][2], objects[o],
						  update,
						  strcmp(kinds[k][2], "PodDisruptionBudget") != 0);
}
END_TEST

static Suite *validation_suite(void)
{
	Suite *s = suite_create("validation2");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, test_case, 0, N(cases));
	tcase_add_test(tc, test_golden_objects_valid);
	tcase_add_test(tc, test_privileged_disallowed);
	tcase_add_test(tc, test_wrong_types);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(validation_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
