/*
 * test_node_restriction.c - unit tests for shared/node_restriction.c.
 *
 * One table of writes by kubelets (and by others) with the Status each
 * gets: admitted, or upstream's 403 (404 for a mirror pod of a Node that
 * does not exist) with its message word for word and its details. The
 * cases follow upstream's admission_test.go: mirror pods and their owner
 * references, pod deletes and status updates, Node creates and updates
 * (names, configSource, taints, the label rules), PVC status, leases,
 * CSINodes and kubelet CSRs. Test JSON uses ' for ".
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/node_restriction.h"
#include "tests/unit/arena_fixture.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* CSRs made with `openssl req -new -subj /O=system:nodes/CN=system:node:nX`,
 * base64 as spec.request carries them. */
#define CSR_N1                                                                                     \
	"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIck1JR1NBZ0VBTURBeEZU"                 \
	"QVRCZ05WQkFvTURITjVjM1JsYlRwdWIyUmxjekVYTUJVR0ExVUVBd3dPYzNsegpkR1Z0T201"                 \
	"dlpHVTZiakV3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVFtb1RrcWxjd2U3"                 \
	"dkNYCmplak5HVGRwbmVPOUNVWDBkc05xdWxBU1FmY1ZsampZWFhTc3c5NjUxY3RkdHJaVHN5"                 \
	"djhRcXltK21JYUNhclkKNnBzQ2cvNkVvQUF3Q2dZSUtvWkl6ajBFQXdJRFNBQXdSUUlnRzhR"                 \
	"S1lmU29uMXNLL3R5eVcvODZTUDFZTlBndwpmT0ozeEZEMmhPemsyRFVDSVFENHJucTU0b2Jy"                 \
	"UE9XVWdZMFZ1ZlpXbjRnZWJUYUp1VUoxcjlkSW9pMUoyUT09Ci0tLS0tRU5EIENFUlRJRklD"                 \
	"QVRFIFJFUVVFU1QtLS0tLQo="
#define CSR_N2                                                                                     \
	"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlIcU1JR1NBZ0VBTURBeEZU"                 \
	"QVRCZ05WQkFvTURITjVjM1JsYlRwdWIyUmxjekVYTUJVR0ExVUVBd3dPYzNsegpkR1Z0T201"                 \
	"dlpHVTZiakl3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVNKUk1oTjVBcHZP"                 \
	"T2F3CjBZb3F4V0VWQkV3OFJYRlF3VnRaS3p2RGNncjZiN2k0aHlFTndWc0JPR21XMlNYUFQ1"                 \
	"eHNUOTRYTXFHRExMa0oKcjFhYkhObGlvQUF3Q2dZSUtvWkl6ajBFQXdJRFJ3QXdSQUlnTFg5"                 \
	"MW42V1gzWHpsU3Z3cVp0NHRPbjBKc3lIaQpTNkRxbVFBaTZBU0pyZmdDSUVDQnVMaEEyOWs5"                 \
	"c0lCZWY0SmNjcnIyblErMHllZVVrZHZMNThxUUhJeDgKLS0tLS1FTkQgQ0VSVElGSUNBVEUg"                 \
	"UkVRVUVTVC0tLS0tCg=="

#define N1 "system:node:n1"

enum { C = NODE_ADMISSION_CREATE, U = NODE_ADMISSION_UPDATE, D = NODE_ADMISSION_DELETE };

struct admission_case {
	const char *user;
	int op;
	const char *group, *resource, *subresource, *ns, *name;
	const char *object, *old; /* JSON with ' for ", or NULL */
	int code;		  /* 0: admitted */
	const char *message;
	const char *details; /* "name|group|kind" */
};

/* A mirror pod of n1: annotation, binding and owner given by the macro's arguments. */
#define POD(meta, spec)                                                                            \
	"{'metadata': {'name': 'p', 'namespace': 'ns'" meta "}, 'spec': {'containers': "           \
	"[{'name': 'c', 'image': 'i'}]" spec "}}"
#define MIRROR		   ", 'annotations': {'kubernetes.io/config.mirror': 'x'}"
#define OWNER(f)	   ", 'ownerReferences': [{'apiVersion': 'v1', 'kind': 'Node', 'name': 'n1', " f "}]"
#define GOOD		   "'uid': 'uid-n1', 'controller': true"
#define ON_N1		   ", 'nodeName': 'n1'"
#define MIRROR_N1	   MIRROR OWNER(GOOD)
#define FORBIDDEN_POD(why) "pods \"p\" is forbidden: " why

#define NODE(labels, spec)                                                                         \
	"{'metadata': {'name': 'n1', 'labels': {" labels "}}, 'spec': {" spec "}}"
#define PVC(labels, status)                                                                        \
	"{'kind': 'PersistentVolumeClaim', 'metadata': {'name': 'c', 'namespace': 'ns', "          \
	"'resourceVersion': '%s', 'labels': {" labels "}}, 'spec': {'accessModes': "               \
	"['ReadWriteOnce']}, 'status': {'phase': 'Bound'" status "}}"
#define CSR(signer, request)                                                                       \
	"{'metadata': {'name': 'csr-1'}, 'spec': {'signerName': '" signer                          \
	"', 'request': '" request "', 'usages': ['digital signature']}}"

static const struct admission_case cases[] = {
    /* not a node, or a node without a name */
    {"jane", C, "", "pods", "", "ns", "p", POD("", ""), NULL, 0, NULL, NULL},
    {"system:node:", C, "", "configmaps", "", "ns", "c", "{'metadata': {'name': 'c'}}", NULL, 403,
     "configmaps \"c\" is forbidden: could not determine node from user \"system:node:\"",
     "c||configmaps"},
    /* mirror pods */
    {N1, C, "", "pods", "", "ns", "p", POD(MIRROR_N1, ON_N1), NULL, 0, NULL, NULL},
    {N1, C, "", "pods", "", "ns", "p", POD(OWNER(GOOD), ON_N1), NULL, 403,
     FORBIDDEN_POD("pod does not have \"kubernetes.io/config.mirror\" annotation, node \"n1\" "
		   "can only create mirror pods"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p", POD(MIRROR_N1, ", 'nodeName': 'n2'"), NULL, 403,
     FORBIDDEN_POD("node \"n1\" can only create pods with spec.nodeName set to itself"), "p||pods"},
    {N1, C, "", "pods", "", "ns", "p", POD(MIRROR_N1, ""), NULL, 403,
     FORBIDDEN_POD("node \"n1\" can only create pods with spec.nodeName set to itself"), "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR ", 'ownerReferences': [{'apiVersion': 'v1', 'kind': 'Node', 'name': 'n1'}, "
		"{'apiVersion': 'v1', 'kind': 'Node', 'name': 'n1'}]",
	 ON_N1),
     NULL, 403,
     FORBIDDEN_POD("node \"n1\" can only create pods with a single owner reference set to "
		   "itself"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p", POD(MIRROR, ON_N1), NULL, 403,
     FORBIDDEN_POD("node \"n1\" can only create pods with an owner reference set to itself"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR ", 'ownerReferences': [{'apiVersion': 'apps/v1', 'kind': 'Node', 'name': "
		"'n1'}]",
	 ON_N1),
     NULL, 403,
     FORBIDDEN_POD("node \"n1\" can only create pods with an owner reference set to itself"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR ", 'ownerReferences': [{'apiVersion': 'v1', 'kind': 'Node', 'name': 'n2'}]", ON_N1),
     NULL, 403,
     FORBIDDEN_POD("node \"n1\" can only create pods with an owner reference set to itself"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p", POD(MIRROR OWNER("'uid': 'uid-n1'"), ON_N1), NULL, 403,
     FORBIDDEN_POD("node \"n1\" can only create pods with a controller owner reference set to "
		   "itself"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR OWNER("'uid': 'uid-n1', 'controller': false"), ON_N1), NULL, 403,
     FORBIDDEN_POD("node \"n1\" can only create pods with a controller owner reference set to "
		   "itself"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR OWNER(GOOD ", 'blockOwnerDeletion': true"), ON_N1), NULL, 403,
     FORBIDDEN_POD("node \"n1\" must not set blockOwnerDeletion on an owner reference"), "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR OWNER(GOOD ", 'blockOwnerDeletion': false"), ON_N1), NULL, 0, NULL, NULL},
    {N1, C, "", "pods", "", "ns", "p", POD(MIRROR OWNER("'uid': 'old', 'controller': true"), ON_N1),
     NULL, 403, FORBIDDEN_POD("node n1 UID mismatch: expected old got uid-n1"), "p||pods"},
    {"system:node:n9", C, "", "pods", "", "ns", "p",
     POD(MIRROR ", 'ownerReferences': [{'apiVersion': 'v1', 'kind': 'Node', 'name': 'n9', "
		"'uid': 'u', 'controller': true}]",
	 ", 'nodeName': 'n9'"),
     NULL, 404, "node \"n9\" not found", "n9||node"},
    {N1, C, "", "pods", "", "ns", "p", POD(MIRROR_N1, ON_N1 ", 'serviceAccountName': 'default'"),
     NULL, 403, FORBIDDEN_POD("node \"n1\" can not create pods that reference a service account"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR_N1, ON_N1 ", 'imagePullSecrets': [{'name': 'reg'}]"), NULL, 403,
     FORBIDDEN_POD("node \"n1\" can not create pods that reference secrets"), "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR_N1, ON_N1 ", 'volumes': [{'name': 'v', 'secret': {'secretName': 's'}}]"), NULL, 403,
     FORBIDDEN_POD("node \"n1\" can not create pods that reference secrets"), "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR_N1, ON_N1 ", 'initContainers': [{'name': 'i', 'envFrom': [{'configMapRef': "
			  "{'name': 'cm'}}]}]"),
     NULL, 403, FORBIDDEN_POD("node \"n1\" can not create pods that reference configmaps"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR_N1, ON_N1 ", 'volumes': [{'name': 'v', 'projected': {'sources': "
			  "[{'clusterTrustBundle': {'name': 'b', 'path': 'p'}}]}}]"),
     NULL, 403, FORBIDDEN_POD("node \"n1\" can not create pods that reference clustertrustbundles"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR_N1, ON_N1 ", 'volumes': [{'name': 'v', 'persistentVolumeClaim': {'claimName': "
			  "'c'}}]"),
     NULL, 403,
     FORBIDDEN_POD("node \"n1\" can not create pods that reference persistentvolumeclaims"),
     "p||pods"},
    {N1, C, "", "pods", "", "ns", "p",
     POD(MIRROR_N1, ON_N1 ", 'volumes': [{'name': 'v', 'emptyDir': {}}, {'name': 'h', "
			  "'hostPath': {'path': '/etc'}}]"),
     NULL, 0, NULL, NULL},
    /* pod deletes, updates, status */
    {N1, D, "", "pods", "", "ns", "p", NULL, POD("", ON_N1), 0, NULL, NULL},
    {N1, D, "", "pods", "", "ns", "p", NULL, POD("", ", 'nodeName': 'n2'"), 403,
     FORBIDDEN_POD("node \"n1\" can only delete pods with spec.nodeName set to itself"), "p||pods"},
    {N1, D, "", "pods", "", "ns", "p", NULL, POD("", ""), 403,
     FORBIDDEN_POD("node \"n1\" can only delete pods with spec.nodeName set to itself"), "p||pods"},
    {N1, U, "", "pods", "", "ns", "p", POD("", ON_N1), POD("", ON_N1), 403,
     FORBIDDEN_POD("unexpected operation \"UPDATE\", node \"n1\" can only create and delete "
		   "mirror pods"),
     "p||pods"},
    {N1, U, "", "pods", "status", "ns", "p", POD(", 'labels': {'a': 'b'}", ON_N1),
     POD(", 'labels': {'a': 'b'}", ON_N1), 0, NULL, NULL},
    {N1, U, "", "pods", "status", "ns", "p", POD("", ON_N1), POD(", 'labels': {}", ON_N1), 0, NULL,
     NULL},
    {N1, U, "", "pods", "status", "ns", "p", POD("", ON_N1), POD("", ", 'nodeName': 'n2'"), 403,
     FORBIDDEN_POD("node \"n1\" can only update pod status for pods with spec.nodeName set to "
		   "itself"),
     "p||pods"},
    {N1, U, "", "pods", "status", "ns", "p", POD(", 'labels': {'a': 'c'}", ON_N1),
     POD(", 'labels': {'a': 'b'}", ON_N1), 403,
     FORBIDDEN_POD("node \"n1\" cannot update labels through pod status"), "p||pods"},
    {N1, U, "", "pods", "status", "ns", "p",
     "{'metadata': {'name': 'p'}, 'spec': {'nodeName': 'n1'}, 'status': "
     "{'resourceClaimStatuses': [{'name': 'a', 'resourceClaimName': 'x'}]}}",
     "{'metadata': {'name': 'p'}, 'spec': {'nodeName': 'n1'}, 'status': "
     "{'resourceClaimStatuses': [{'name': 'a'}]}}",
     403, FORBIDDEN_POD("node \"n1\" cannot update resource claim statues"), "p||pods"},
    {N1, U, "", "pods", "status", "ns", "p",
     "{'metadata': {'name': 'p'}, 'spec': {'nodeName': 'n1'}, 'status': {'phase': 'Running', "
     "'resourceClaimStatuses': [{'name': 'a', 'resourceClaimName': 'x'}]}}",
     "{'metadata': {'name': 'p'}, 'spec': {'nodeName': 'n1'}, 'status': "
     "{'resourceClaimStatuses': [{'name': 'a', 'resourceClaimName': 'x'}]}}",
     0, NULL, NULL},
    {N1, U, "", "pods", "ephemeralcontainers", "ns", "p", POD("", ON_N1), POD("", ON_N1), 403,
     FORBIDDEN_POD("unexpected pod subresource \"ephemeralcontainers\", only 'status' and "
		   "'eviction' are allowed"),
     "p||pods"},
    /* nodes */
    {N1, C, "", "nodes", "", "", "n1",
     NODE("'kubernetes.io/hostname': 'n1', 'kubernetes.io/os': 'linux', "
	  "'node.kubernetes.io/exclude-from-external-load-balancers': '', "
	  "'kubelet.kubernetes.io/x': 'y', 'a.node.kubernetes.io/b': 'c', 'example.com/team': 'a', "
	  "'plain': 'x'",
	  ""),
     NULL, 0, NULL, NULL},
    {N1, C, "", "nodes", "", "", "n2", "{'metadata': {'name': 'n2'}}", NULL, 403,
     "nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"", "n2||nodes"},
    {N1, C, "", "nodes", "", "", "n1",
     NODE("", "'configSource': {'configMap': {'name': 'c', 'namespace': 'kube-system', "
	      "'kubeletConfigKey': 'k'}}"),
     NULL, 403,
     "nodes \"n1\" is forbidden: node \"n1\" is not allowed to create pods with a non-nil "
     "configSource",
     "n1||nodes"},
    {N1, C, "", "nodes", "", "", "n1",
     NODE("'node-restriction.kubernetes.io/x': '1', 'foo.k8s.io/y': '1', 'kubernetes.io/role': "
	  "'m', 'a.node-restriction.kubernetes.io/z': '1', 'example.com/ok': '1', "
	  "'node-role.kubernetes.io/control-plane': ''",
	  ""),
     NULL, 403,
     "nodes \"n1\" is forbidden: node \"n1\" is not allowed to set the following labels: "
     "a.node-restriction.kubernetes.io/z, foo.k8s.io/y, kubernetes.io/role, "
     "node-restriction.kubernetes.io/x, node-role.kubernetes.io/control-plane",
     "n1||nodes"},
    {N1, U, "", "nodes", "", "", "n2", "{'metadata': {'name': 'n2'}}",
     "{'metadata': {'name': 'n2'}}", 403,
     "nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"", "n2||nodes"},
    {N1, U, "", "nodes", "status", "", "n2", "{'metadata': {'name': 'n2'}}",
     "{'metadata': {'name': 'n2'}}", 403,
     "nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"", "n2||nodes"},
    {N1, D, "", "nodes", "", "", "n2", NULL, "{'metadata': {'name': 'n2'}}", 403,
     "nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"", "n2||nodes"},
    {N1, D, "", "nodes", "", "", "n1", NULL, "{'metadata': {'name': 'n1'}}", 0, NULL, NULL},
    {N1, U, "", "nodes", "status", "", "n1", NODE("'kubernetes.io/arch': 'amd64'", "'taints': []"),
     NODE("", ""), 0, NULL, NULL},
    {N1, U, "", "nodes", "", "", "n1", NODE("", "'taints': [{'key': 'k', 'effect': 'NoSchedule'}]"),
     NODE("", ""), 403, "nodes \"n1\" is forbidden: node \"n1\" is not allowed to modify taints",
     "n1||nodes"},
    {N1, U, "", "nodes", "", "", "n1", NODE("", ""),
     NODE("", "'taints': [{'key': 'k', 'effect': 'NoSchedule'}]"), 403,
     "nodes \"n1\" is forbidden: node \"n1\" is not allowed to modify taints", "n1||nodes"},
    {N1, U, "", "nodes", "", "", "n1",
     NODE("'kubernetes.io/role': 'x', 'example.com/a': 'b'", "'unschedulable': true"),
     NODE("'example.com/a': 'c'", ""), 403,
     "nodes \"n1\" is forbidden: is not allowed to modify labels: kubernetes.io/role", "n1||nodes"},
    {N1, U, "", "nodes", "", "", "n1", NODE("", ""),
     NODE("'node-restriction.kubernetes.io/pool': 'a'", ""), 403,
     "nodes \"n1\" is forbidden: is not allowed to modify labels: "
     "node-restriction.kubernetes.io/pool",
     "n1||nodes"},
    {N1, U, "", "nodes", "", "", "n1", NODE("'node-restriction.kubernetes.io/pool': 'a'", ""),
     NODE("'node-restriction.kubernetes.io/pool': 'a'", ""), 0, NULL, NULL},
    {N1, U, "", "nodes", "", "", "n1", NODE("", "'configSource': {'configMap': {'name': 'new'}}"),
     NODE("", "'configSource': {'configMap': {'name': 'old'}}"), 403,
     "nodes \"n1\" is forbidden: node \"n1\" is not allowed to update configSource to a new "
     "non-nil configSource",
     "n1||nodes"},
    {N1, U, "", "nodes", "", "", "n1", NODE("", ""),
     NODE("", "'configSource': {'configMap': {'name': 'old'}}"), 0, NULL, NULL},
    /* PVC status */
    {N1, U, "", "persistentvolumeclaims", "status", "ns", "c",
     PVC("'a': 'b'", ", 'capacity': {'storage': '2Gi'}, 'conditions': [{'type': "
		     "'Resizing', 'status': 'True'}], 'allocatedResources': {'storage': '2Gi'}"),
     PVC("'a': 'b'", ", 'capacity': {'storage': '1Gi'}"), 0, NULL, NULL},
    {N1, U, "", "persistentvolumeclaims", "status", "ns", "c", PVC("'a': 'c'", ""),
     PVC("'a': 'b'", ""), 403,
     "persistentvolumeclaims \"c\" is forbidden: node \"n1\" is not allowed to update fields "
     "other than status.quantity and status.conditions: object.metadata.labels.a",
     "c||persistentvolumeclaims"},
    {N1, U, "", "persistentvolumeclaims", "status", "ns", "c", PVC("", ", 'phase': 'Lost'"),
     PVC("'x': 'y'", ""), 403,
     "persistentvolumeclaims \"c\" is forbidden: node \"n1\" is not allowed to update fields "
     "other than status.quantity and status.conditions: object.metadata.labels.x, "
     "object.status.phase",
     "c||persistentvolumeclaims"},
    {N1, U, "", "persistentvolumeclaims", "", "ns", "c", PVC("", ""), PVC("", ""), 403,
     "persistentvolumeclaims \"c\" is forbidden: may only update PVC status",
     "c||persistentvolumeclaims"},
    {N1, C, "", "persistentvolumeclaims", "", "ns", "c", PVC("", ""), NULL, 403,
     "persistentvolumeclaims \"c\" is forbidden: may only update PVC status",
     "c||persistentvolumeclaims"},
    /* leases */
    {N1, C, "coordination.k8s.io", "leases", "", "kube-node-lease", "n1",
     "{'metadata': {'name': 'n1'}}", NULL, 0, NULL, NULL},
    {N1, C, "coordination.k8s.io", "leases", "", "kube-node-lease", "n2",
     "{'metadata': {'name': 'n2'}}", NULL, 403,
     "leases.coordination.k8s.io \"n2\" is forbidden: can only access node lease with the same "
     "name as the requesting node",
     "n2|coordination.k8s.io|leases"},
    {N1, U, "coordination.k8s.io", "leases", "", "kube-node-lease", "n2",
     "{'metadata': {'name': 'n2'}}", "{'metadata': {'name': 'n2'}}", 403,
     "leases.coordination.k8s.io \"n2\" is forbidden: can only access node lease with the same "
     "name as the requesting node",
     "n2|coordination.k8s.io|leases"},
    {N1, D, "coordination.k8s.io", "leases", "", "kube-node-lease", "n1", NULL,
     "{'metadata': {'name': 'n1'}}", 0, NULL, NULL},
    {N1, C, "coordination.k8s.io", "leases", "", "default", "n1", "{'metadata': {'name': 'n1'}}",
     NULL, 403,
     "leases.coordination.k8s.io \"n1\" is forbidden: can only access leases in the "
     "\"kube-node-lease\" system namespace",
     "n1|coordination.k8s.io|leases"},
    /* CSINodes */
    {N1, C, "storage.k8s.io", "csinodes", "", "", "n1", "{'metadata': {'name': 'n1'}}", NULL, 0,
     NULL, NULL},
    {N1, U, "storage.k8s.io", "csinodes", "", "", "n2", "{'metadata': {'name': 'n2'}}",
     "{'metadata': {'name': 'n2'}}", 403,
     "csinodes.storage.k8s.io \"n2\" is forbidden: can only access CSINode with the same name as "
     "the requesting node",
     "n2|storage.k8s.io|csinodes"},
    /* CSRs */
    {N1, C, "certificates.k8s.io", "certificatesigningrequests", "", "", "csr-1",
     CSR("kubernetes.io/kube-apiserver-client-kubelet", CSR_N1), NULL, 0, NULL, NULL},
    {N1, C, "certificates.k8s.io", "certificatesigningrequests", "", "", "csr-1",
     CSR("kubernetes.io/kubelet-serving", CSR_N2), NULL, 403,
     "certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: can only create a "
     "node CSR with CN=system:node:n1",
     "csr-1|certificates.k8s.io|certificatesigningrequests"},
    {N1, C, "certificates.k8s.io", "certificatesigningrequests", "", "", "csr-1",
     CSR("kubernetes.io/kubelet-serving", "aGVsbG8="), NULL, 403,
     "certificatesigningrequests.certificates.k8s.io \"csr-1\" is forbidden: unable to parse "
     "csr: PEM block type must be CERTIFICATE REQUEST",
     "csr-1|certificates.k8s.io|certificatesigningrequests"},
    {N1, C, "certificates.k8s.io", "certificatesigningrequests", "", "", "csr-1",
     CSR("kubernetes.io/kube-apiserver-client", CSR_N2), NULL, 0, NULL, NULL},
    /* what is not restricted */
    {N1, C, "", "events", "", "ns", "e", "{'metadata': {'name': 'e'}}", NULL, 0, NULL, NULL},
    {N1, C, "", "serviceaccounts", "token", "ns", "sa", "{}", NULL, 0, NULL, NULL},
    /* the name in the message: generateName, else Unknown */
    {"system:node:", C, "", "pods", "", "ns", "", "{'metadata': {'generateName': 'gen-'}}", NULL,
     403, "pods \"gen-\" is forbidden: could not determine node from user \"system:node:\"",
     "gen-||pods"},
    {"system:node:", C, "", "pods", "", "ns", "", "{'metadata': {}}", NULL, 403,
     "pods \"Unknown\" is forbidden: could not determine node from user \"system:node:\"",
     "Unknown||pods"},
};

static const char *node_uid(void *ctx, const char *node)
{
	return strcmp(node, "n1") == 0 ? "uid-n1" : NULL;
}

/* Test JSON: ' stands for ", %s for the resourceVersion (varied between old and new). */
static json_t *test_json(const char *text, const char *rv)
{
	char *copy, *formatted;
	json_t *j;

	if (!text)
		return NULL;
	copy = strdup(text);
	for (char *p = copy; *p; p++)
		if (*p == '\'')
			*p = '"';
	ck_assert_int_ge(asprintf(&formatted, copy, rv), 0);
	j = json(formatted);
	free(formatted);
	free(copy);
	return j;
}

START_TEST(test_admission)
{
	static const char *const groups[] = {"system:nodes", "system:authenticated"};
	const struct admission_case *c = &cases[_i];
	struct node_admission r = {
	    .user = c->user,
	    .groups = groups,
	    .num_groups = N(groups),
	    .operation = (enum node_admission_operation)c->op,
	    .group = c->group,
	    .resource = c->resource,
	    .subresource = c->subresource,
	    .namespace = c->ns,
	    .name = c->name,
	    .object = test_json(c->object, "2"),
	    .old = test_json(c->old, "1"),
	    .node_uid = node_uid,
	};
	struct node_admission_error err = {0};
	bool admitted = node_restriction_admit(&r, &arena, &err);

	json_decref(r.object);
	json_decref(r.old);
	ck_assert_msg(admitted == (c->code == 0), "case %d: admitted %d: %s", _i, admitted,
		      err.message ? err.message : "");
	if (admitted)
		return;
	ck_assert_int_eq(err.code, c->code);
	ck_assert_str_eq(err.reason, c->code == 404 ? "NotFound" : "Forbidden");
	ck_assert_str_eq(err.message, c->message);
	ck_assert_str_eq(arena_printf(&arena, "%s|%s|%s", err.name, err.group, err.kind),
			 c->details);
}
END_TEST

/* A user named like a node but not in system:nodes is not restricted. */
START_TEST(test_not_a_node)
{
	static const char *const groups[] = {"system:authenticated"};
	struct node_admission r = {
	    .user = N1,
	    .groups = groups,
	    .num_groups = 1,
	    .operation = NODE_ADMISSION_UPDATE,
	    .group = "",
	    .resource = "nodes",
	    .subresource = "",
	    .namespace = "",
	    .name = "n2",
	    .node_uid = node_uid,
	};
	struct node_admission_error err = {0};

	ck_assert(node_restriction_admit(&r, &arena, &err));
}
END_TEST

START_TEST(test_enabled)
{
	ck_assert(node_restriction_enabled("NodeRestriction", NULL, NULL));
	ck_assert(node_restriction_enabled("NamespaceLifecycle,NodeRestriction", NULL, ""));
	ck_assert(node_restriction_enabled(NULL, "NodeRestriction,LimitRanger", NULL));
	ck_assert(!node_restriction_enabled(NULL, NULL, NULL));
	ck_assert(!node_restriction_enabled("NodeRestrictions,LimitRanger", NULL, NULL));
	ck_assert(!node_restriction_enabled("LimitRanger", NULL, "NodeRestriction"));
	ck_assert(!node_restriction_enabled("NodeRestriction", NULL, "NodeRestriction"));
}
END_TEST

static Suite *node_restriction_suite(void)
{
	Suite *s = suite_create("node_restriction");
	TCase *t = tcase_create("admission");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_loop_test(t, test_admission, 0, N(cases));
	tcase_add_test(t, test_not_a_node);
	tcase_add_test(t, test_enabled);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(node_restriction_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
