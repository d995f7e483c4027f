/*
 * test_validation.c - unit tests for shared/validation*.c: metadata, pods,
 * workloads, Services, ConfigMaps, Secrets (test_validation2.c has the
 * other kinds and the pod's security and scheduling rules).
 *
 * Each case (tests/unit/validation_cases.h) is an object (a valid,
 * defaulted base with a JSON merge patch applied), on create or on update,
 * and the exact causes (field, reason, message) and Status message
 * kube-apiserver v1.32 answers for it. The expected texts are written from
 * upstream's validation code and messages (pkg/apis/{core,apps,batch}/validation,
 * k8s.io/apimachinery/pkg/util/validation, field.Error.ErrorBody,
 * errors.NewInvalid), not from this implementation's output.
 */
#include "tests/unit/validation_cases.h"

static const struct vcase cases[] = {
    /* ---- the Status message ---- */
    {"deployment valid", "apps", "Deployment", DEPLOYMENT, NULL, NULL, {{0}}, NULL},
    {"deployment selector does not match template labels",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"x\"}}}}}",
     NULL,
     {{"spec.template.metadata.labels", INVALID,
       "Invalid value: map[string]string{\"app\":\"x\"}: " MISMATCH}},
     "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
     "map[string]string{\"app\":\"x\"}: " MISMATCH},
    {"deployment without selector: required, and nothing matches",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"selector\":null}}",
     NULL,
     {{"spec.selector", REQUIRED, "Required value"},
      {"spec.template.metadata.labels", INVALID,
       "Invalid value: map[string]string{\"app\":\"web\"}: " MISMATCH}},
     "Deployment.apps \"web\" is invalid: [spec.selector: Required value, "
     "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: " MISMATCH
     "]"},
    {"deployment empty selector",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"selector\":{\"matchLabels\":null}}}",
     NULL,
     {{"spec.selector", INVALID,
       "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
       "deployment"}},
     "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: "
     "v1.LabelSelector{MatchLabels:map[string]string(nil), "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
     "deployment"},
    {"deployment selector expression: operator and values",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"selector\":{\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"In\"}]}}}",
     NULL,
     {{"spec.selector.matchExpressions[0].values", REQUIRED,
       "Required value: must be specified when `operator` is 'In' or 'NotIn'"},
      {"spec.selector", INVALID,
       "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, "
       "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"
       "\"tier\", Operator:\"In\", Values:[]string(nil)}}}: invalid label selector"}},
     "Deployment.apps \"web\" is invalid: [spec.selector.matchExpressions[0].values: Required "
     "value: must be specified when `operator` is 'In' or 'NotIn', spec.selector: Invalid "
     "value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\"}, "
     "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"
     "\"tier\", Operator:\"In\", Values:[]string(nil)}}}: invalid label selector]"},
    {"deployment negative replicas, restart policy Never",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"replicas\":-1,\"template\":{\"spec\":{\"restartPolicy\":\"Never\"}}}}",
     NULL,
     {{"spec.replicas", INVALID, "Invalid value: -1: must be greater than or equal to 0"},
      {"spec.template.spec.restartPolicy", UNSUPPORTED,
       "Unsupported value: \"Never\": supported values: \"Always\""}},
     "Deployment.apps \"web\" is invalid: [spec.replicas: Invalid value: -1: must be greater "
     "than or equal to 0, spec.template.spec.restartPolicy: Unsupported value: \"Never\": "
     "supported values: \"Always\"]"},
    {"deployment rolling update both zero, bad surge",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxUnavailable\":0,\"maxSurge\":\"abc\"}}}}",
     NULL,
     {{"spec.strategy.rollingUpdate.maxSurge", INVALID,
       "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: " PERCENT},
      {"spec.strategy.rollingUpdate.maxUnavailable", INVALID,
       "Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when "
       "`maxSurge` is 0"}},
     "Deployment.apps \"web\" is invalid: [spec.strategy.rollingUpdate.maxSurge: Invalid "
     "value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: " PERCENT
     ", spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, "
     "IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0]"},
    {"deployment progress deadline not above min ready",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"minReadySeconds\":600}}",
     NULL,
     {{"spec.progressDeadlineSeconds", INVALID,
       "Invalid value: 600: must be greater than minReadySeconds"}},
     "Deployment.apps \"web\" is invalid: spec.progressDeadlineSeconds: Invalid value: 600: "
     "must be greater than minReadySeconds"},
    {"deployment update: selector is immutable",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web2\"}},\"template\":{\"metadata\":"
     "{\"labels\":{\"app\":\"web2\"}}}}}",
     "{}",
     {{"spec.selector", INVALID,
       "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"}},
     "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: "
     "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"},
    {"deployment update: template labels may change",
     "apps",
     "Deployment",
     DEPLOYMENT,
     "{\"spec\":{\"replicas\":3,\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\","
     "\"v\":\"2\"}}}}}",
     "{}",
     {{0}},
     NULL},

    /* ---- ObjectMeta ---- */
    {"name required",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"name\":null}}",
     NULL,
     {{"metadata.name", REQUIRED, "Required value: name or generateName is required"}},
     "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is "
     "required"},
    {"name not a subdomain",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"name\":\"Conf_1\"}}",
     NULL,
     {{"metadata.name", INVALID, "Invalid value: \"Conf_1\": " SUBDOMAIN}},
     "ConfigMap \"Conf_1\" is invalid: metadata.name: Invalid value: \"Conf_1\": " SUBDOMAIN},
    {"generateName and the generated name",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"generateName\":\"Conf-\",\"name\":\"Conf-x7k2p\"}}",
     NULL,
     {{"metadata.generateName", INVALID, "Invalid value: \"Conf-\": " SUBDOMAIN},
      {"metadata.name", INVALID, "Invalid value: \"Conf-x7k2p\": " SUBDOMAIN}},
     "ConfigMap \"Conf-x7k2p\" is invalid: [metadata.generateName: Invalid value: "
     "\"Conf-\": " SUBDOMAIN ", metadata.name: Invalid value: \"Conf-x7k2p\": " SUBDOMAIN "]"},
    {"generateName may end with a dash",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"generateName\":\"conf-\",\"name\":\"conf-x7k2p\"}}",
     NULL,
     {{0}},
     NULL},
    {"namespace name is a DNS label",
     "",
     "Namespace",
     NAMESPACE,
     "{\"metadata\":{\"name\":\"team.a\"}}",
     NULL,
     {{"metadata.name", INVALID, "Invalid value: \"team.a\": must not contain dots"}},
     "Namespace \"team.a\" is invalid: metadata.name: Invalid value: \"team.a\": must not "
     "contain dots"},
    {"namespace name too long and not a label",
     "",
     "Namespace",
     NAMESPACE,
     "{\"metadata\":{\"name\":\"A234567890123456789012345678901234567890123456789012345678901234\"}"
     "}",
     NULL,
     {{"metadata.name", INVALID,
       "Invalid value: \"A234567890123456789012345678901234567890123456789012345678901234\": must "
       "be no more than 63 characters"},
      {"metadata.name", INVALID,
       "Invalid value: "
       "\"A234567890123456789012345678901234567890123456789012345678901234\": " DNS_LABEL}},
     "Namespace \"A234567890123456789012345678901234567890123456789012345678901234\" is "
     "invalid: [metadata.name: Invalid value: "
     "\"A234567890123456789012345678901234567890123456789012345678901234\": must be no more "
     "than 63 characters, metadata.name: Invalid value: "
     "\"A234567890123456789012345678901234567890123456789012345678901234\": " DNS_LABEL "]"},
    {"namespace finalizer not standard",
     "",
     "Namespace",
     NAMESPACE,
     "{\"spec\":{\"finalizers\":[\"cleanup\"]}}",
     NULL,
     {{"spec.finalizers", INVALID,
       "Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully "
       "qualified"}},
     "Namespace \"team-a\" is invalid: spec.finalizers: Invalid value: \"cleanup\": name is "
     "neither a standard finalizer name nor is it fully qualified"},
    {"service name is a DNS-1035 label",
     "",
     "Service",
     SERVICE,
     "{\"metadata\":{\"name\":\"1web\"}}",
     NULL,
     {{"metadata.name", INVALID, "Invalid value: \"1web\": " DNS1035}},
     "Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": " DNS1035},
    {"role name is a path segment",
     "rbac.authorization.k8s.io",
     "Role",
     "{\"metadata\":{\"name\":\"a/b%c\",\"namespace\":\"default\"},\"rules\":[]}",
     NULL,
     NULL,
     {{"metadata.name", INVALID, "Invalid value: \"a/b%c\": may not contain '/'"},
      {"metadata.name", INVALID, "Invalid value: \"a/b%c\": may not contain '%'"}},
     "Role.rbac.authorization.k8s.io \"a/b%c\" is invalid: [metadata.name: Invalid value: "
     "\"a/b%c\": may not contain '/', metadata.name: Invalid value: \"a/b%c\": may not "
     "contain '%']"},
    {"role name may have capitals",
     "rbac.authorization.k8s.io",
     "Role",
     "{\"metadata\":{\"name\":\"system:Reader\",\"namespace\":\"default\"},\"rules\":[]}",
     NULL,
     NULL,
     {{0}},
     NULL},
    {"label key and value",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"labels\":{\"bad key\":\"ok\",\"tier\":\"-front\"}}}",
     NULL,
     {{"metadata.labels", INVALID, "Invalid value: \"bad key\": " NAME_PART},
      {"metadata.labels", INVALID, "Invalid value: \"-front\": " LABEL_VALUE}},
     "ConfigMap \"conf\" is invalid: [metadata.labels: Invalid value: \"bad key\": " NAME_PART
     ", metadata.labels: Invalid value: \"-front\": " LABEL_VALUE "]"},
    {"label key prefix",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"labels\":{\"Example.com/x\":\"1\",\"/y\":\"2\"}}}",
     NULL,
     {{"metadata.labels", INVALID, "Invalid value: \"/y\": prefix part must be non-empty"},
      {"metadata.labels", INVALID, "Invalid value: \"Example.com/x\": prefix part " SUBDOMAIN}},
     "ConfigMap \"conf\" is invalid: [metadata.labels: Invalid value: \"/y\": prefix part must "
     "be non-empty, metadata.labels: Invalid value: \"Example.com/x\": prefix part " SUBDOMAIN "]"},
    {"annotation keys ignore case",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"annotations\":{\"Example.COM/Note\":\"x\"}}}",
     NULL,
     {{0}},
     NULL},
    {"finalizer neither standard nor qualified",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"finalizers\":[\"example.com/keep\",\"keep\"]}}",
     NULL,
     {{"metadata.finalizers[1]", INVALID,
       "Invalid value: \"keep\": name is neither a standard finalizer name nor is it fully "
       "qualified"}},
     "ConfigMap \"conf\" is invalid: metadata.finalizers[1]: Invalid value: \"keep\": name is "
     "neither a standard finalizer name nor is it fully qualified"},
    {"owner reference without uid",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
     "\"name\":\"web\"}]}}",
     NULL,
     {{"metadata.ownerReferences.uid", INVALID, "Invalid value: \"\": must not be empty"}},
     "ConfigMap \"conf\" is invalid: metadata.ownerReferences.uid: Invalid value: \"\": must "
     "not be empty"},
    {"update: uid is immutable",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"uid\":\"u2\"}}",
     "{\"metadata\":{\"uid\":\"u1\"}}",
     {{"metadata.uid", INVALID, "Invalid value: \"u2\": field is immutable"}},
     "ConfigMap \"conf\" is invalid: metadata.uid: Invalid value: \"u2\": field is immutable"},
    {"update: no new finalizers while deleting",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"metadata\":{\"finalizers\":[\"example.com/a\",\"example.com/c\",\"example.com/b\"]}}",
     "{\"metadata\":{\"deletionTimestamp\":\"2025-01-01T00:00:00Z\",\"finalizers\":["
     "\"example.com/a\"]}}",
     {{"metadata.finalizers", FORBIDDEN,
       "Forbidden: no new finalizers can be added if the object is being deleted, found new "
       "finalizers []string{\"example.com/b\", \"example.com/c\"}"}},
     "ConfigMap \"conf\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be "
     "added if the object is being deleted, found new finalizers []string{\"example.com/b\", "
     "\"example.com/c\"}"},

    /* ---- Pod ---- */
    {"pod valid", "", "Pod", POD, NULL, NULL, {{0}}, NULL},
    {"pod without containers",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[]}}",
     NULL,
     {{"spec.containers", REQUIRED, "Required value"}},
     "Pod \"web\" is invalid: spec.containers: Required value"},
    {"container name and image",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"App\",\"terminationMessagePolicy\":\"File\"}]}}",
     NULL,
     {{"spec.containers[0].name", INVALID, "Invalid value: \"App\": " DNS_LABEL},
      {"spec.containers[0].image", REQUIRED, "Required value"}},
     "Pod \"web\" is invalid: [spec.containers[0].name: Invalid value: \"App\": " DNS_LABEL
     ", spec.containers[0].image: Required value]"},
    {"container names unique across init containers",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[" CONTAINER "," CONTAINER "],\"initContainers\":[" CONTAINER "]}}",
     NULL,
     {{"spec.containers[1].name", DUPLICATE, "Duplicate value: \"app\""},
      {"spec.initContainers[0].name", DUPLICATE, "Duplicate value: \"app\""}},
     "Pod \"web\" is invalid: [spec.containers[1].name: Duplicate value: \"app\", "
     "spec.initContainers[0].name: Duplicate value: \"app\"]"},
    {"image with surrounding space, pods only",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx \"}]}}",
     NULL,
     {{"spec.containers[0].image", INVALID,
       "Invalid value: \"nginx \": must not have leading or trailing whitespace"}},
     "Pod \"web\" is invalid: spec.containers[0].image: Invalid value: \"nginx \": must not "
     "have leading or trailing whitespace"},
    {"container ports",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx\",\"ports\":["
     "{\"name\":\"http\",\"containerPort\":80,\"protocol\":\"TCP\"},"
     "{\"name\":\"http\",\"containerPort\":70000,\"protocol\":\"HTTP\"},"
     "{\"name\":\"Admin\",\"protocol\":\"TCP\"}]}]}}",
     NULL,
     {{"spec.containers[0].ports[1].name", DUPLICATE, "Duplicate value: \"http\""},
      {"spec.containers[0].ports[1].containerPort", INVALID, "Invalid value: 70000: " PORT_RANGE},
      {"spec.containers[0].ports[1].protocol", UNSUPPORTED,
       "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""},
      {"spec.containers[0].ports[2].name", INVALID,
       "Invalid value: \"Admin\": must contain only alpha-numeric characters (a-z, 0-9), and "
       "hyphens (-)"},
      {"spec.containers[0].ports[2].containerPort", REQUIRED, "Required value"}},
     "Pod \"web\" is invalid: [spec.containers[0].ports[1].name: Duplicate value: \"http\", "
     "spec.containers[0].ports[1].containerPort: Invalid value: 70000: " PORT_RANGE
     ", spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: "
     "\"SCTP\", \"TCP\", \"UDP\", spec.containers[0].ports[2].name: Invalid value: \"Admin\": "
     "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), "
     "spec.containers[0].ports[2].containerPort: Required value]"},
    {"volumes and mounts",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"volumes\":[{\"name\":\"cache\",\"emptyDir\":{},\"hostPath\":{\"path\":"
     "\"/tmp\"}},{\"name\":\"conf\"},{\"name\":\"data\",\"emptyDir\":{}},{\"name\":\"data\","
     "\"configMap\":{\"name\":\"c\"}}],\"containers\":[{\"name\":\"app\",\"image\":\"nginx\","
     "\"volumeMounts\":[{\"name\":\"cache\",\"mountPath\":\"/c\"},{\"name\":\"data\","
     "\"mountPath\":\"/c\"}]}]}}",
     NULL,
     {{"spec.volumes[0].hostPath", FORBIDDEN, "Forbidden: may not specify more than 1 volume type"},
      {"spec.volumes[1]", REQUIRED, "Required value: must specify a volume type"},
      {"spec.volumes[3].name", DUPLICATE, "Duplicate value: \"data\""},
      {"spec.containers[0].volumeMounts[0].name", NOT_FOUND, "Not found: \"cache\""},
      {"spec.containers[0].volumeMounts[1].mountPath", INVALID,
       "Invalid value: \"/c\": must be unique"}},
     "Pod \"web\" is invalid: [spec.volumes[0].hostPath: Forbidden: may not specify more than "
     "1 volume type, spec.volumes[1]: Required value: must specify a volume type, "
     "spec.volumes[3].name: Duplicate value: \"data\", "
     "spec.containers[0].volumeMounts[0].name: Not found: \"cache\", "
     "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/c\": must be unique]"},
    {"volume sources' own fields, and upstream's misspelt paths",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"volumes\":[{\"name\":\"s\",\"secret\":{\"defaultMode\":511,\"items\":[{"
     "\"key\":\"k\",\"path\":\"../x\"}]}},{\"name\":\"d\",\"secret\":{\"secretName\":\"s\"},"
     "\"downwardAPI\":{}}]}}",
     NULL,
     {{"spec.volumes[0].secret.secretName", REQUIRED, "Required value"},
      {"spec.volumes[0].secret.items[0].path", INVALID,
       "Invalid value: \"../x\": must not contain '..'"},
      {"spec.volumes[1].downwarAPI", FORBIDDEN,
       "Forbidden: may not specify more than 1 volume type"}},
     "Pod \"web\" is invalid: [spec.volumes[0].secret.secretName: Required value, "
     "spec.volumes[0].secret.items[0].path: Invalid value: \"../x\": must not contain '..', "
     "spec.volumes[1].downwarAPI: Forbidden: may not specify more than 1 volume type]"},
    {"pod policies",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"restartPolicy\":\"Sometimes\",\"dnsPolicy\":\"Google\"}}",
     NULL,
     {{"spec.restartPolicy", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", "
       "\"Never\""},
      {"spec.dnsPolicy", UNSUPPORTED,
       "Unsupported value: \"Google\": supported values: \"ClusterFirstWithHostNet\", "
       "\"ClusterFirst\", \"Default\", \"None\""}},
     "Pod \"web\" is invalid: [spec.restartPolicy: Unsupported value: \"Sometimes\": "
     "supported values: \"Always\", \"OnFailure\", \"Never\", spec.dnsPolicy: Unsupported "
     "value: \"Google\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", "
     "\"Default\", \"None\"]"},
    {"requests above limits",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx\",\"resources\":{"
     "\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},\"requests\":{\"cpu\":\"1500m\","
     "\"memory\":\"1024Mi\"}}}]}}",
     NULL,
     {{"spec.containers[0].resources.requests", INVALID,
       "Invalid value: \"1500m\": must be less than or equal to cpu limit of 1"}},
     "Pod \"web\" is invalid: spec.containers[0].resources.requests: Invalid value: \"1500m\": "
     "must be less than or equal to cpu limit of 1"},
    {"resource names and quantities",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx\",\"resources\":{"
     "\"limits\":{\"example.com/gpu\":\"2\"},\"requests\":{\"example.com/gpu\":\"1\","
     "\"memory\":\"-1\",\"pods\":\"1\"}}}]}}",
     NULL,
     {{"spec.containers[0].resources.requests", INVALID,
       "Invalid value: \"1\": must be equal to example.com/gpu limit of 2"},
      {"spec.containers[0].resources.requests[memory]", INVALID,
       "Invalid value: \"-1\": must be greater than or equal to 0"},
      {"spec.containers[0].resources.requests[pods]", INVALID,
       "Invalid value: \"pods\": must be a standard resource for containers"}},
     "Pod \"web\" is invalid: [spec.containers[0].resources.requests: Invalid value: \"1\": "
     "must be equal to example.com/gpu limit of 2, "
     "spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater "
     "than or equal to 0, spec.containers[0].resources.requests[pods]: Invalid value: "
     "\"pods\": must be a standard resource for containers]"},
    {"probe without handler, liveness success threshold",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx\",\"livenessProbe\":{"
     "\"successThreshold\":2,\"periodSeconds\":10},\"readinessProbe\":{\"httpGet\":{\"port\":"
     "0},\"exec\":{\"command\":[\"true\"]}}}]}}",
     NULL,
     {{"spec.containers[0].livenessProbe", REQUIRED, "Required value: must specify a handler type"},
      {"spec.containers[0].livenessProbe.successThreshold", INVALID, "Invalid value: 2: must be 1"},
      {"spec.containers[0].readinessProbe.httpGet", FORBIDDEN,
       "Forbidden: may not specify more than 1 handler type"}},
     "Pod \"web\" is invalid: [spec.containers[0].livenessProbe: Required value: must specify "
     "a handler type, spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: "
     "must be 1, spec.containers[0].readinessProbe.httpGet: Forbidden: may not specify more "
     "than 1 handler type]"},
    {"init container restart policy and probes",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\","
     "\"restartPolicy\":\"OnFailure\",\"livenessProbe\":{\"exec\":{\"command\":[\"true\"]}}}]}}",
     NULL,
     {{"spec.initContainers[0].restartPolicy", UNSUPPORTED,
       "Unsupported value: \"OnFailure\": supported values: \"Always\""},
      {"spec.initContainers[0].livenessProbe", FORBIDDEN,
       "Forbidden: may not be set for init containers without restartPolicy=Always"}},
     "Pod \"web\" is invalid: [spec.initContainers[0].restartPolicy: Unsupported value: "
     "\"OnFailure\": supported values: \"Always\", spec.initContainers[0].livenessProbe: "
     "Forbidden: may not be set for init containers without restartPolicy=Always]"},
    {"host port conflicts",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"ports\":[{\"containerPort\":"
     "80,\"hostPort\":8080,\"protocol\":\"TCP\"}]},{\"name\":\"b\",\"image\":\"x\",\"ports\":"
     "[{\"containerPort\":81,\"hostPort\":8080,\"protocol\":\"TCP\"}]}]}}",
     NULL,
     {{"spec.containers[1].ports[0].hostPort", DUPLICATE, "Duplicate value: \"TCP//8080\""}},
     "Pod \"web\" is invalid: spec.containers[1].ports[0].hostPort: Duplicate value: "
     "\"TCP//8080\""},
    {"env names and pod names",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"x\",\"env\":[{\"name\":\"A=B\"},"
     "{\"value\":\"v\"},{\"name\":\"1.ok-name\"}]}],\"serviceAccountName\":\"Robot\","
     "\"hostname\":\"a.b\"}}",
     NULL,
     {{"spec.containers[0].env[0].name", INVALID,
       "Invalid value: \"A=B\": a valid environment variable name must consist only of "
       "printable ASCII characters other than '='"},
      {"spec.containers[0].env[1].name", REQUIRED, "Required value"},
      {"spec.serviceAccountName", INVALID, "Invalid value: \"Robot\": " SUBDOMAIN},
      {"spec.hostname", INVALID, "Invalid value: \"a.b\": must not contain dots"}},
     "Pod \"web\" is invalid: [spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid "
     "environment variable name must consist only of printable ASCII characters other than "
     "'=', spec.containers[0].env[1].name: Required value, spec.serviceAccountName: Invalid "
     "value: \"Robot\": " SUBDOMAIN ", spec.hostname: Invalid value: \"a.b\": must not contain "
     "dots]"},

    {"host network: host port must match",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"hostNetwork\":true,\"containers\":[{\"name\":\"app\",\"image\":\"x\","
     "\"ports\":[{\"containerPort\":80,\"hostPort\":8080,\"protocol\":\"TCP\"}]}]}}",
     NULL,
     {{"spec.containers[0].ports[0].hostPort", INVALID,
       "Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"}},
     "Pod \"web\" is invalid: spec.containers[0].ports[0].hostPort: Invalid value: 8080: must "
     "match `containerPort` when `hostNetwork` is true"},
    {"extended resources are whole numbers: the Quantity is printed as a struct",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"x\",\"resources\":{"
     "\"limits\":{\"example.com/gpu\":\"500m\"}}}]}}",
     NULL,
     {{"spec.containers[0].resources.limits[example.com/gpu]", INVALID,
       "Invalid value: resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, "
       "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"500m\", Format:\"DecimalSI\"}: must "
       "be an integer"}},
     "Pod \"web\" is invalid: spec.containers[0].resources.limits[example.com/gpu]: Invalid "
     "value: resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, "
     "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:\"500m\", Format:\"DecimalSI\"}: must "
     "be an integer"},
    {"update: pods are validated as on create, after the metadata update",
     "",
     "Pod",
     POD,
     "{\"metadata\":{\"uid\":\"u2\"},\"spec\":{\"restartPolicy\":\"Sometimes\"}}",
     "{}",
     {{"metadata.uid", INVALID, "Invalid value: \"u2\": field is immutable"},
      {"spec.restartPolicy", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", "
       "\"Never\""},
      /* and then, as for any spec change, ValidatePodUpdate's own check */
      {"spec", FORBIDDEN, "Forbidden: pod updates may not change fields other than " UPDATABLE}},
     "Pod \"web\" is invalid: [metadata.uid: Invalid value: \"u2\": field is immutable, "
     "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
     "\"OnFailure\", \"Never\", spec: Forbidden: pod updates may not change fields other "
     "than " UPDATABLE "]"},

    /* ValidatePodUpdate: what may change in a pod's spec. Upstream's
     * Forbidden message goes on with a cmp.Diff of its Go structs, which
     * is left out (see validation_pod_update.c). */
    {"pod update: images, a lower deadline, added tolerations, removed gates",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.28\",\"imagePullPolicy\":"
     "\"IfNotPresent\",\"terminationMessagePath\":\"/dev/termination-log\","
     "\"terminationMessagePolicy\":\"File\",\"resources\":{}}],\"activeDeadlineSeconds\":30,"
     "\"tolerations\":[{\"key\":\"a\",\"operator\":\"Exists\"},{\"key\":\"b\",\"operator\":"
     "\"Exists\"}],\"nodeSelector\":{}}}",
     "{\"spec\":{\"activeDeadlineSeconds\":60,\"tolerations\":[{\"key\":\"a\",\"operator\":"
     "\"Exists\"}],\"schedulingGates\":[{\"name\":\"g\"}]}}",
     {{NULL}},
     NULL},
    {"pod update: any other spec change is forbidden",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.27\",\"command\":[\"sh\"],"
     "\"imagePullPolicy\":\"IfNotPresent\",\"terminationMessagePath\":\"/dev/termination-log\","
     "\"terminationMessagePolicy\":\"File\",\"resources\":{}}]}}",
     "{}",
     {{"spec", FORBIDDEN,
       "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
       "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
       "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to "
       "be set to 1 if it was previously negative)"}},
     "Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields other than "
     "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
     "`spec.tolerations` (only additions to existing tolerations),"
     "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
     "negative)"},
    {"pod update: containers may not be added",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"containers\":[" CONTAINER ",{\"name\":\"side\",\"image\":\"busybox\","
     "\"imagePullPolicy\":\"Always\",\"terminationMessagePath\":\"/dev/termination-log\","
     "\"terminationMessagePolicy\":\"File\",\"resources\":{}}]}}",
     "{}",
     {{"spec.containers", FORBIDDEN, "Forbidden: pod updates may not add or remove containers"}},
     "Pod \"web\" is invalid: spec.containers: Forbidden: pod updates may not add or remove "
     "containers"},
    {"pod update: deadline raised, toleration dropped, gate added",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"activeDeadlineSeconds\":120,\"schedulingGates\":[{\"name\":\"g\"},{\"name\":"
     "\"h\"}]}}",
     "{\"spec\":{\"activeDeadlineSeconds\":60}}",
     {{"spec.activeDeadlineSeconds", INVALID,
       "Invalid value: 120: must be less than or equal to previous value"}},
     "Pod \"web\" is invalid: spec.activeDeadlineSeconds: Invalid value: 120: must be less "
     "than or equal to previous value"},
    {"pod update: deadline unset, toleration dropped, gate added",
     "",
     "Pod",
     POD,
     "{\"spec\":{\"schedulingGates\":[{\"name\":\"g\"},{\"name\":\"h\"}]}}",
     "{\"spec\":{\"activeDeadlineSeconds\":60,\"tolerations\":[{\"key\":\"a\",\"operator\":"
     "\"Exists\"}],\"schedulingGates\":[{\"name\":\"g\"}]}}",
     {{"spec.activeDeadlineSeconds", INVALID,
       "Invalid value: \"null\": must not update from a positive integer to nil value"},
      {"spec.tolerations", FORBIDDEN,
       "Forbidden: existing toleration can not be modified except its tolerationSeconds"},
      {"spec.schedulingGates", FORBIDDEN,
       "Forbidden: only deletion is allowed, but found new scheduling gate 'h'"}},
     "Pod \"web\" is invalid: [spec.activeDeadlineSeconds: Invalid value: \"null\": must not "
     "update from a positive integer to nil value, spec.tolerations: Forbidden: existing "
     "toleration can not be modified except its tolerationSeconds, spec.schedulingGates: "
     "Forbidden: only deletion is allowed, but found new scheduling gate 'h']"},

    /* ---- ConfigMap, Secret ---- */
    {"config map keys",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"data\":{\"bad key\":\"x\",\"..\":\"y\",\"..z\":\"w\",\"dup\":\"v\"},\"binaryData\":{"
     "\"dup\":\"dg==\"}}",
     NULL,
     {{"data[..]", INVALID, "Invalid value: \"..\": must not be '..'"},
      {"data[..z]", INVALID, "Invalid value: \"..z\": must not start with '..'"},
      {"data[bad key]", INVALID, "Invalid value: \"bad key\": " CONFIG_KEY},
      {"data[dup]", INVALID, "Invalid value: \"dup\": duplicate of key present in binaryData"}},
     "ConfigMap \"conf\" is invalid: [data[..]: Invalid value: \"..\": must not be '..', "
     "data[..z]: Invalid value: \"..z\": must not start with '..', data[bad key]: Invalid "
     "value: \"bad key\": " CONFIG_KEY ", data[dup]: Invalid value: \"dup\": duplicate of key "
     "present in binaryData]"},
    {"update: immutable config map",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"immutable\":true,\"data\":{\"a.txt\":\"changed\"}}",
     "{\"immutable\":true}",
     {{"data", FORBIDDEN, "Forbidden: field is immutable when `immutable` is set"}},
     "ConfigMap \"conf\" is invalid: data: Forbidden: field is immutable when `immutable` is "
     "set"},
    {"update: immutable may not be unset",
     "",
     "ConfigMap",
     CONFIG_MAP,
     "{\"immutable\":false}",
     "{\"immutable\":true}",
     {{"immutable", FORBIDDEN, "Forbidden: field is immutable when `immutable` is set"}},
     "ConfigMap \"conf\" is invalid: immutable: Forbidden: field is immutable when `immutable` "
     "is set"},
    {"tls secret without key",
     "",
     "Secret",
     SECRET,
     "{\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"eA==\"},\"stringData\":{"
     "\"bad/key\":\"x\"}}",
     NULL,
     {{"data[bad/key]", INVALID, "Invalid value: \"bad/key\": " CONFIG_KEY},
      {"data[tls.key]", REQUIRED, "Required value"}},
     "Secret \"creds\" is invalid: [data[bad/key]: Invalid value: \"bad/key\": " CONFIG_KEY
     ", data[tls.key]: Required value]"},
    {"docker config secret with bad JSON",
     "",
     "Secret",
     SECRET,
     "{\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":{\".dockerconfigjson\":\"e30=\","
     "\"password\":null}}",
     "{\"type\":\"Opaque\"}",
     {{"type", INVALID, "Invalid value: \"kubernetes.io/dockerconfigjson\": field is immutable"}},
     "Secret \"creds\" is invalid: type: Invalid value: \"kubernetes.io/dockerconfigjson\": "
     "field is immutable"},
    {"docker config JSON must be an object",
     "",
     "Secret",
     SECRET,
     "{\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":{\".dockerconfigjson\":\"W10=\"}}",
     NULL,
     {{"data[.dockerconfigjson]", INVALID,
       "Invalid value: \"<secret contents redacted>\": json: cannot unmarshal array into Go "
       "value of type map[string]interface {}"}},
     "Secret \"creds\" is invalid: data[.dockerconfigjson]: Invalid value: \"<secret contents "
     "redacted>\": json: cannot unmarshal array into Go value of type map[string]interface "
     "{}"},

    /* ---- Service ---- */
    {"service valid", "", "Service", SERVICE, NULL, NULL, {{0}}, NULL},
    {"service without ports",
     "",
     "Service",
     SERVICE,
     "{\"spec\":{\"ports\":null}}",
     NULL,
     {{"spec.ports", REQUIRED, "Required value"}},
     "Service \"web\" is invalid: spec.ports: Required value"},
    {"headless service needs no ports",
     "",
     "Service",
     SERVICE,
     "{\"spec\":{\"ports\":null,\"clusterIP\":\"None\",\"clusterIPs\":[\"None\"]}}",
     NULL,
     {{0}},
     NULL},
    {"service ports: names when several, range, duplicates",
     "",
     "Service",
     SERVICE,
     "{\"spec\":{\"ports\":[{\"protocol\":\"TCP\",\"port\":80},{\"name\":\"http\",\"protocol\":"
     "\"TCP\",\"port\":80},{\"name\":\"b\",\"protocol\":\"TCP\",\"port\":0}]}}",
     NULL,
     {{"spec.ports[0].name", REQUIRED, "Required value"},
      {"spec.ports[2].port", INVALID, "Invalid value: 0: " PORT_RANGE},
      {"spec.ports[1]", DUPLICATE,
       "Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", "
       "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, "
       "StrVal:\"\"}, NodePort:0}"}},
     "Service \"web\" is invalid: [spec.ports[0].name: Required value, spec.ports[2].port: "
     "Invalid value: 0: " PORT_RANGE ", spec.ports[1]: Duplicate value: "
     "core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, "
     "TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}]"},
    {"service type and selector",
     "",
     "Service",
     SERVICE,
     "{\"spec\":{\"type\":\"Internal\",\"selector\":{\"app\":\"web!\"}}}",
     NULL,
     {{"spec.selector", INVALID, "Invalid value: \"web!\": " LABEL_VALUE},
      {"spec.type", UNSUPPORTED,
       "Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", "
       "\"LoadBalancer\", \"NodePort\""}},
     "Service \"web\" is invalid: [spec.selector: Invalid value: \"web!\": " LABEL_VALUE
     ", spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", "
     "\"ExternalName\", \"LoadBalancer\", \"NodePort\"]"},
    {"external name service",
     "",
     "Service",
     "{\"metadata\":{\"name\":\"db\",\"namespace\":\"default\"},\"spec\":{\"type\":"
     "\"ExternalName\",\"sessionAffinity\":\"None\"}}",
     NULL,
     NULL,
     {{"spec.externalName", REQUIRED, "Required value"}},
     "Service \"db\" is invalid: spec.externalName: Required value"},
    {"node port on a ClusterIP service",
     "",
     "Service",
     SERVICE,
     "{\"spec\":{\"ports\":[{\"protocol\":\"TCP\",\"port\":80,\"nodePort\":30080}]}}",
     NULL,
     {{"spec.ports[0].nodePort", FORBIDDEN,
       "Forbidden: may not be used when `type` is 'ClusterIP'"}},
     "Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when "
     "`type` is 'ClusterIP'"},
    {"update: cluster IP may not change",
     "",
     "Service",
     SERVICE,
     "{\"spec\":{\"clusterIP\":\"10.96.0.99\"}}",
     "{}",
     {{"spec.clusterIPs[0]", INVALID,
       "Invalid value: []string{\"10.96.0.99\"}: may not change once set"}},
     "Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: "
     "may not change once set"},
    {"update: an error of both checks is one message",
     "",
     "Service",
     SERVICE,
     "{\"metadata\":{\"labels\":{\"a\":\"b c\"}}}",
     "{}",
     {{"metadata.labels", INVALID, "Invalid value: \"b c\": " LABEL_VALUE},
      {"metadata.labels", INVALID, "Invalid value: \"b c\": " LABEL_VALUE}},
     "Service \"web\" is invalid: metadata.labels: Invalid value: \"b c\": " LABEL_VALUE},

    /* ---- ReplicaSet, DaemonSet, StatefulSet ---- */
    {"replica set empty selector names deployments",
     "apps",
     "ReplicaSet",
     REPLICA_SET,
     "{\"spec\":{\"selector\":{\"matchLabels\":{}}}}",
     NULL,
     {{"spec.selector", INVALID,
       "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
       "deployment"}},
     "ReplicaSet.apps \"web\" is invalid: spec.selector: Invalid value: "
     "v1.LabelSelector{MatchLabels:map[string]string{}, "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
     "deployment"},
    {"replica set template's pod spec and labels",
     "apps",
     "ReplicaSet",
     REPLICA_SET,
     "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\",\"x\":\"-\"}},"
     "\"spec\":{\"containers\":[{\"name\":\"app\"}]}}}}",
     NULL,
     {{"spec.template.labels", INVALID, "Invalid value: \"-\": " LABEL_VALUE},
      {"spec.template.spec.containers[0].image", REQUIRED, "Required value"}},
     "ReplicaSet.apps \"web\" is invalid: [spec.template.labels: Invalid value: \"-\": " LABEL_VALUE
     ", spec.template.spec.containers[0].image: Required value]"},
    {"daemon set without selector: no Required, nothing matches",
     "apps",
     "DaemonSet",
     DAEMON_SET,
     "{\"spec\":{\"selector\":null}}",
     NULL,
     {{"spec.template.metadata.labels", INVALID,
       "Invalid value: map[string]string{\"app\":\"agent\"}: " MISMATCH}},
     "DaemonSet.apps \"agent\" is invalid: spec.template.metadata.labels: Invalid value: "
     "map[string]string{\"app\":\"agent\"}: " MISMATCH},
    {"daemon set rolling update both non-zero",
     "apps",
     "DaemonSet",
     DAEMON_SET,
     "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"maxSurge\":\"10%\"}}}}",
     NULL,
     {{"spec.updateStrategy.rollingUpdate.maxSurge", INVALID,
       "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"10%\"}: may not be set "
       "when maxUnavailable is non-zero"}},
     "DaemonSet.apps \"agent\" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: "
     "Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"10%\"}: may not be set when "
     "maxUnavailable is non-zero"},
    {"stateful set name is a DNS label, template restart policy",
     "apps",
     "StatefulSet",
     STATEFUL_SET,
     "{\"metadata\":{\"name\":\"db.main\"},\"spec\":{\"template\":{\"spec\":{"
     "\"restartPolicy\":\"OnFailure\"}}}}",
     NULL,
     {{"metadata.name", INVALID, "Invalid value: \"db.main\": must not contain dots"},
      {"spec.template.spec.restartPolicy", UNSUPPORTED,
       "Unsupported value: \"OnFailure\": supported values: \"Always\""}},
     "StatefulSet.apps \"db.main\" is invalid: [metadata.name: Invalid value: \"db.main\": "
     "must not contain dots, spec.template.spec.restartPolicy: Unsupported value: "
     "\"OnFailure\": supported values: \"Always\"]"},
    {"stateful set update of a fixed field",
     "apps",
     "StatefulSet",
     STATEFUL_SET,
     "{\"spec\":{\"serviceName\":\"db2\",\"replicas\":3}}",
     "{}",
     {{"spec", FORBIDDEN,
       "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
       "'template', 'updateStrategy', 'revisionHistoryLimit', "
       "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"}},
     "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for "
     "fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
     "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
     "forbidden"},
    {"stateful set update of replicas",
     "apps",
     "StatefulSet",
     STATEFUL_SET,
     "{\"spec\":{\"replicas\":5}}",
     "{}",
     {{0}},
     NULL},

    /* ---- Job, CronJob ---- */
    {"job valid", "batch", "Job", JOB, NULL, NULL, {{0}}, NULL},
    {"job restart policy Always",
     "batch",
     "Job",
     JOB,
     "{\"spec\":{\"template\":{\"spec\":{\"restartPolicy\":\"Always\"}}}}",
     NULL,
     {{"spec.template.spec.restartPolicy", REQUIRED,
       "Required value: valid values: \"OnFailure\", \"Never\""}},
     "Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: valid "
     "values: \"OnFailure\", \"Never\""},
    {"job generated labels",
     "batch",
     "Job",
     JOB,
     "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"job-name\":null,"
     "\"controller-uid\":\"u9\"}}}}}",
     NULL,
     {{"spec.template.metadata.labels[controller-uid]", INVALID,
       "Invalid value: map[string]string{\"batch.kubernetes.io/controller-uid\":\"u1\", "
       "\"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"u9\"}: must be 'u1'"},
      {"spec.template.metadata.labels[job-name]", REQUIRED, "Required value: must be 'pi'"}},
     "Job.batch \"pi\" is invalid: [spec.template.metadata.labels[controller-uid]: Invalid "
     "value: map[string]string{\"batch.kubernetes.io/controller-uid\":\"u1\", "
     "\"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"u9\"}: must be 'u1', "
     "spec.template.metadata.labels[job-name]: Required value: must be 'pi']"},
    {"job update: selector and completions",
     "batch",
     "Job",
     JOB,
     "{\"spec\":{\"completions\":2,\"selector\":{\"matchLabels\":{\"controller-uid\":\"u1\"}}}}",
     "{}",
     {{"spec.completions", INVALID, "Invalid value: 2: field is immutable"},
      {"spec.selector", INVALID,
       "Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
       "\"batch.kubernetes.io/controller-uid\":\"u1\", \"controller-uid\":\"u1\"}, "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"}},
     "Job.batch \"pi\" is invalid: [spec.completions: Invalid value: 2: field is immutable, "
     "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
     "\"batch.kubernetes.io/controller-uid\":\"u1\", \"controller-uid\":\"u1\"}, "
     "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable]"},
    {"job update: suspended job may change scheduling directives",
     "batch",
     "Job",
     JOB,
     "{\"spec\":{\"suspend\":true,\"template\":{\"spec\":{\"nodeSelector\":{\"zone\":\"a\"}}}}}",
     "{\"spec\":{\"suspend\":true}}",
     {{0}},
     NULL},
    {"cron job valid", "batch", "CronJob", CRON_JOB, NULL, NULL, {{0}}, NULL},
    {"cron job schedule fields",
     "batch",
     "CronJob",
     CRON_JOB,
     "{\"spec\":{\"schedule\":\"* * *\"}}",
     NULL,
     {{"spec.schedule", INVALID,
       "Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]"}},
     "CronJob.batch \"tick\" is invalid: spec.schedule: Invalid value: \"* * *\": expected "
     "exactly 5 fields, found 3: [* * *]"},
    {"cron job schedule range",
     "batch",
     "CronJob",
     CRON_JOB,
     "{\"spec\":{\"schedule\":\"0 24 * * *\"}}",
     NULL,
     {{"spec.schedule", INVALID,
       "Invalid value: \"0 24 * * *\": end of range (24) above maximum (23): 24"}},
     "CronJob.batch \"tick\" is invalid: spec.schedule: Invalid value: \"0 24 * * *\": end of "
     "range (24) above maximum (23): 24"},
    {"cron job schedule word",
     "batch",
     "CronJob",
     CRON_JOB,
     "{\"spec\":{\"schedule\":\"0 0 * * funday\"}}",
     NULL,
     {{"spec.schedule", INVALID,
       "Invalid value: \"0 0 * * funday\": failed to parse int from funday: strconv.Atoi: "
       "parsing \"funday\": invalid syntax"}},
     "CronJob.batch \"tick\" is invalid: spec.schedule: Invalid value: \"0 0 * * funday\": "
     "failed to parse int from funday: strconv.Atoi: parsing \"funday\": invalid syntax"},
    {"cron job every",
     "batch",
     "CronJob",
     CRON_JOB,
     "{\"spec\":{\"schedule\":\"@every 5x\"}}",
     NULL,
     {{"spec.schedule", INVALID,
       "Invalid value: \"@every 5x\": failed to parse duration @every 5x: time: unknown unit "
       "\"x\" in duration \"5x\""}},
     "CronJob.batch \"tick\" is invalid: spec.schedule: Invalid value: \"@every 5x\": failed "
     "to parse duration @every 5x: time: unknown unit \"x\" in duration \"5x\""},
    {"cron job TZ in schedule",
     "batch",
     "CronJob",
     CRON_JOB,
     "{\"spec\":{\"schedule\":\"TZ=UTC 0 0 * * *\"}}",
     NULL,
     {{"spec.schedule", INVALID,
       "Invalid value: \"TZ=UTC 0 0 * * *\": cannot use TZ or CRON_TZ in schedule, use "
       "timeZone field instead"}},
     "CronJob.batch \"tick\" is invalid: spec.schedule: Invalid value: \"TZ=UTC 0 0 * * *\": "
     "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"},
    {"cron job descriptors, names, steps",
     "batch",
     "CronJob",
     CRON_JOB,
     "{\"spec\":{\"schedule\":\"@hourly\"}}",
     NULL,
     {{0}},
     NULL},
    {"cron job month and weekday names",
     "batch",
     "CronJob",
     CRON_JOB,
     "{\"spec\":{\"schedule\":\"0 9-17/2 1,15 jan-JUN mon-fri\"}}",
     NULL,
     {{0}},
     NULL},
    {"cron job name, job template",
     "batch",
     "CronJob",
     CRON_JOB,
     "{\"metadata\":{\"name\":\"a23456789012345678901234567890123456789012345678901234\"},"
     "\"spec\":{\"concurrencyPolicy\":\"Sometimes\",\"jobTemplate\":{\"spec\":{\"template\":"
     "{\"spec\":{\"restartPolicy\":\"Always\"}}}}}}",
     NULL,
     {{"spec.concurrencyPolicy", UNSUPPORTED,
       "Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", "
       "\"Replace\""},
      {"spec.jobTemplate.spec.template.spec.restartPolicy", REQUIRED,
       "Required value: valid values: \"OnFailure\", \"Never\""},
      {"metadata.name", INVALID,
       "Invalid value: \"a23456789012345678901234567890123456789012345678901234\": must be no "
       "more than 52 characters"}},
     "CronJob.batch \"a23456789012345678901234567890123456789012345678901234\" is invalid: "
     "[spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", "
     "\"Forbid\", \"Replace\", spec.jobTemplate.spec.template.spec.restartPolicy: Required "
     "value: valid values: \"OnFailure\", \"Never\", metadata.name: Invalid value: "
     "\"a23456789012345678901234567890123456789012345678901234\": must be no more than 52 "
     "characters]"},
};

START_TEST(test_case)
{
	run_case(&cases[_i]);
}
END_TEST

/* details (a new reference) as JSON text, its members in order. */
static char *dump(json_t *details)
{
	char *text = json_dumps(details, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(details);
	return text;
}

/* The Status details: empty members omitted, the core group too. */
START_TEST(test_status_details)
{
	json_t *obj = patched(CONFIG_MAP, "{\"metadata\":{\"name\":\"Bad\"}}");
	struct validation_errors errs = {0};
	char *got, *want;

	ck_assert_int_eq(validation_check("", "v1", "ConfigMap", obj, NULL, &errs), 1);
	got = dump(validation_status_details(&errs, "", "ConfigMap", "Bad"));
	want = dump(json_pack("{s:s, s:s, s:[{s:s, s:s, s:s}]}", "name", "Bad", "kind", "ConfigMap",
			      "causes", "reason", "FieldValueInvalid", "message",
			      "Invalid value: \"Bad\": " SUBDOMAIN, "field", "metadata.name"));
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	validation_errors_free(&errs);
	json_decref(obj);

	/* the group is named */
	obj = patched(DEPLOYMENT, "{\"spec\":{\"replicas\":-2}}");
	ck_assert_int_eq(validation_check("apps", "v1", "Deployment", obj, NULL, &errs), 1);
	got = dump(validation_status_details(&errs, "apps", "Deployment", "web"));
	ck_assert_str_eq(got, "{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"Deployment\","
			      "\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":"
			      "\"Invalid value: -2: must be greater than or equal to 0\",\"field\":"
			      "\"spec.replicas\"}]}");
	free(got);
	validation_errors_free(&errs);
	json_decref(obj);

	/* a cause of the whole object has no field */
	{
		struct validation_cause cause = {"", "FieldValueTooLong", "Too long: x"};
		struct validation_errors one = {&cause, 1, 1};

		got = dump(validation_status_details(&one, "", "ConfigMap", "conf"));
		ck_assert_str_eq(got,
				 "{\"name\":\"conf\",\"kind\":\"ConfigMap\",\"causes\":[{"
				 "\"reason\":\"FieldValueTooLong\",\"message\":\"Too long: x\"}]}");
		free(got);
	}
}
END_TEST

/* Sizes: 256 KiB of annotations, 1 MiB of ConfigMap data. */
START_TEST(test_sizes)
{
	json_t *obj = patched(CONFIG_MAP, NULL), *ann = json_object();
	struct validation_errors errs = {0};
	char *big = malloc(1024 * 1024 + 1), *msg;

	memset(big, 'x', 1024 * 1024);
	big[256 * 1024 - 1] = '\0'; /* key "a" + value: 256 KiB exactly */
	json_object_set_new(ann, "a", json_string(big));
	json_object_set_new(json_object_get(obj, "metadata"), "annotations", ann);
	ck_assert_int_eq(validation_check("", "v1", "ConfigMap", obj, NULL, &errs), 0);
	json_object_set_new(ann, "b", json_string(""));
	ck_assert_int_eq(validation_check("", "v1", "ConfigMap", obj, NULL, &errs), 1);
	ck_assert_str_eq(errs.causes[0].field, "metadata.annotations");
	ck_assert_str_eq(errs.causes[0].reason, "FieldValueTooLong");
	ck_assert_str_eq(errs.causes[0].message, "Too long: must have at most 262144 bytes");
	validation_errors_free(&errs);
	json_object_del(json_object_get(obj, "metadata"), "annotations");

	memset(big, 'x', 1024 * 1024);
	big[1024 * 1024] = '\0';
	json_object_set_new(json_object_get(obj, "data"), "big", json_string(big));
	ck_assert_int_eq(validation_check("", "v1", "ConfigMap", obj, NULL, &errs), 1);
	ck_assert_str_eq(errs.causes[0].field, "");
	ck_assert_str_eq(errs.causes[0].message, "Too long: must have at most 1048576 bytes");
	msg = validation_status_message(&errs, "", "ConfigMap", "conf");
	ck_assert_str_eq(msg, "ConfigMap \"conf\" is invalid: : Too long: must have at most "
			      "1048576 bytes");
	free(msg);
	validation_errors_free(&errs);
	free(big);
	json_decref(obj);
}
END_TEST

/* Members of the wrong JSON type read as absent: no crash, the name still required. */
START_TEST(test_wrong_types)
{
	static const char *const kinds[][2] = {{"", "Pod"},
					       {"", "Service"},
					       {"", "ConfigMap"},
					       {"", "Secret"},
					       {"", "Namespace"},
					       {"", "PodTemplate"},
					       {"", "ReplicationController"},
					       {"apps", "Deployment"},
					       {"apps", "ReplicaSet"},
					       {"apps", "DaemonSet"},
					       {"apps", "StatefulSet"},
					       {"batch", "Job"},
					       {"batch", "CronJob"},
					       {"rbac.authorization.k8s.io", "Role"}};
	static const char *const objects[] = {
	    "{}",
	    "{\"metadata\":[],\"spec\":\"x\",\"data\":7,\"template\":true}",
	    "{\"metadata\":{\"labels\":[1],\"finalizers\":{}},\"spec\":{\"containers\":{},"
	    "\"volumes\":7,\"selector\":[],\"template\":{\"spec\":[]},\"ports\":\"80\","
	    "\"jobTemplate\":{\"spec\":{\"template\":7}},\"schedule\":5,"
	    "\"clusterIPs\":\"x\"}}",
	};

	for (size_t k = 0; k < N(kinds); k++)
		for (size_t o = 0; o < N(objects); o++)
			for (int update = 0; update < 2; update++)
				check_wrong_types(kinds[k][0], "v1", kinds[k][1], objects[o],
						  update, true);
}
END_TEST

static Suite *validation_suite(void)
{
	Suite *s = suite_create("validation");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, test_case, 0, N(cases));
	tcase_add_test(tc, test_status_details);
	tcase_add_test(tc, test_sizes);
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
