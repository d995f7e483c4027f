"""The Node authorizer and the NodeRestriction admission plugin, as
kube-apiserver v1.32 has them, with --authorization-mode=Node,RBAC (the
harness's default) and --enable-admission-plugins=NodeRestriction: a
kubelet's client certificate (CN=system:node:n1, O=system:nodes) may write
its own Node and its status but no other Node, read the secrets of pods
bound to it and no others (and stops reading them when the pod goes), keep
its own lease in kube-node-lease and create mirror pods of itself. Every
refusal is upstream's Forbidden Status, word for word."""
import json
import time
import urllib.parse

from harness import Server, ServerTest
from test_authz import forbidden, make_user_cert

NODE = "system:node:n1"
NS = "node-authz"
LEASES = "/apis/coordination.k8s.io/v1/namespaces/%s/leases"


class NodeAuthzTest(ServerTest):
    server_args = ("--enable-admission-plugins=NodeRestriction",)

    @classmethod
    def setUpClass(cls):
        make_user_cert(NODE, groups=("system:nodes",))
        super().setUpClass()
        cls.admin("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})

    @classmethod
    def call(cls, cert, method, path, body=None, content_type="application/json"):
        status, _, data = cls.server.request(method, path, body=json.dumps(body) if body is not None else None,
                                             headers={"Content-Type": content_type}, cert=cert)
        return status, json.loads(data) if data else None

    @classmethod
    def admin(cls, method, path, body=None):
        return cls.call("admin", method, path, body)

    def node(self, method, path, body=None, content_type="application/json"):
        return self.call(NODE, method, path, body, content_type)

    def until(self, check, timeout=5):
        """Polls check until it is true (the workers' caches follow the change log)."""
        deadline = time.time() + timeout
        while True:
            result = check()
            if result or time.time() > deadline:
                return result
            time.sleep(0.05)

    def node_object(self, name, labels=None):
        return {"apiVersion": "v1", "kind": "Node",
                "metadata": {"name": name, "labels": labels or {"kubernetes.io/hostname": name}}}

    def ensure_own_node(self):
        status, body = self.node("GET", "/api/v1/nodes/n1")
        if status == 404:
            status, body = self.node("POST", "/api/v1/nodes", self.node_object("n1"))
            self.assertEqual(status, 201, body)
        return body

    def test_own_node(self):
        body = self.ensure_own_node()
        self.assertEqual(body["metadata"]["name"], "n1")
        self.assertEqual(self.node("GET", "/api/v1/nodes/n1")[0], 200)
        body["metadata"]["labels"]["node.kubernetes.io/instance-type"] = "small"
        status, body = self.node("PUT", "/api/v1/nodes/n1", body)
        self.assertEqual(status, 200, body)
        body["status"] = {"conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady",
                                          "message": "kubelet is posting ready status"}]}
        status, body = self.node("PUT", "/api/v1/nodes/n1/status", body)
        self.assertEqual((status, body["status"]["conditions"][0]["type"]), (200, "Ready"))
        status, body = self.node("PATCH", "/api/v1/nodes/n1/status",
                                 {"status": {"capacity": {"pods": "110"}}}, "application/merge-patch+json")
        self.assertEqual((status, body["status"]["capacity"]), (200, {"pods": "110"}))
        # Its own labels, within what a kubelet may set.
        status, body = self.node("PATCH", "/api/v1/nodes/n1",
                                 {"metadata": {"labels": {"node-restriction.kubernetes.io/pool": "gpu"}}},
                                 "application/merge-patch+json")
        self.assertEqual((status, body), (403, forbidden(
            'nodes "n1" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/pool',
            {"name": "n1", "kind": "nodes"})))
        # Nodes see their own Node only.
        status, body = self.node("GET", "/api/v1/nodes")
        self.assertEqual((status, body), (403, forbidden(
            'nodes is forbidden: User "system:node:n1" cannot list resource "nodes" in API group "" at the '
            "cluster scope: node 'n1' cannot read all nodes, only its own Node object", {"kind": "nodes"})))
        status, body = self.node("GET", "/api/v1/nodes?fieldSelector=metadata.name%3Dn1")
        self.assertEqual((status, [n["metadata"]["name"] for n in body["items"]]), (200, ["n1"]))

    def test_other_node(self):
        self.ensure_own_node()
        status, body = self.admin("POST", "/api/v1/nodes", self.node_object("n2"))
        self.assertIn(status, (201, 409), body)
        status, body = self.node("PUT", "/api/v1/nodes/n2", self.node_object("n2"))
        self.assertEqual((status, body), (403, forbidden(
            'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"', {"name": "n2", "kind": "nodes"})))
        status, body = self.node("PATCH", "/api/v1/nodes/n2/status", {"status": {"capacity": {"pods": "1"}}},
                                 "application/merge-patch+json")
        self.assertEqual((status, body["message"]),
                         (403, 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"'))
        status, body = self.node("GET", "/api/v1/nodes/n2")
        self.assertEqual((status, body), (403, forbidden(
            'nodes "n2" is forbidden: User "system:node:n1" cannot get resource "nodes" in API group "" at the '
            "cluster scope: node 'n1' cannot read 'n2', only its own Node object", {"name": "n2", "kind": "nodes"})))
        status, body = self.node("DELETE", "/api/v1/nodes/n1")
        self.assertEqual((status, body["message"]),
                         (403, 'nodes "n1" is forbidden: User "system:node:n1" cannot delete resource "nodes" in '
                               'API group "" at the cluster scope'))

    def test_secrets_of_bound_pods(self):
        for name in ("s1", "s2"):
            status, body = self.admin("POST", "/api/v1/namespaces/%s/secrets" % NS,
                                      {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
                                       "stringData": {"k": "v"}})
            self.assertEqual(status, 201, body)
        status, body = self.admin("POST", "/api/v1/namespaces/%s/configmaps" % NS,
                                  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "env"}})
        self.assertEqual(status, 201, body)
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
               "spec": {"nodeName": "n1",
                        "containers": [{"name": "c", "image": "busybox",
                                        "envFrom": [{"configMapRef": {"name": "env"}}]}],
                        "volumes": [{"name": "s", "secret": {"secretName": "s1"}}]}}
        status, body = self.admin("POST", "/api/v1/namespaces/%s/pods" % NS, pod)
        self.assertEqual(status, 201, body)
        secret = "/api/v1/namespaces/%s/secrets/" % NS
        # Both workers learn of the pod from the change log within moments.
        for _ in range(6):
            self.assertTrue(self.until(lambda: self.node("GET", secret + "s1")[0] == 200, timeout=2))
        self.assertEqual(self.node("GET", "/api/v1/namespaces/%s/configmaps/env" % NS)[0], 200)
        status, body = self.node("GET", secret + "s2")
        self.assertEqual((status, body), (403, forbidden(
            'secrets "s2" is forbidden: User "system:node:n1" cannot get resource "secrets" in API group "" in '
            "the namespace \"%s\": no relationship found between node 'n1' and this object" % NS,
            {"name": "s2", "kind": "secrets"})))
        # A watch of the one secret, as kubelets read them.
        status, body = self.node("GET", "/api/v1/namespaces/%s/secrets?fieldSelector=metadata.name%%3Ds1" % NS)
        self.assertEqual((status, [s["metadata"]["name"] for s in body["items"]]), (200, ["s1"]))
        status, body = self.node("GET", "/api/v1/namespaces/%s/secrets" % NS)
        self.assertEqual(body["message"], 'secrets is forbidden: User "system:node:n1" cannot list resource '
                                          '"secrets" in API group "" in the namespace "%s": No Object name found' % NS)
        # Its pods, by field selector.
        selector = urllib.parse.quote("spec.nodeName=n1")
        status, body = self.node("GET", "/api/v1/pods?fieldSelector=" + selector)
        self.assertEqual((status, [p["metadata"]["name"] for p in body["items"]]), (200, ["web"]))
        status, body = self.node("GET", "/api/v1/pods")
        self.assertEqual(body["message"], 'pods is forbidden: User "system:node:n1" cannot list resource "pods" in '
                                          'API group "" at the cluster scope: can only list/watch pods with '
                                          'spec.nodeName field selector')
        # The pod gone, so is the access.
        status, body = self.admin("DELETE", "/api/v1/namespaces/%s/pods/web?gracePeriodSeconds=0" % NS)
        self.assertEqual(status, 200, body)
        start = time.time()
        for _ in range(6):
            self.assertTrue(self.until(lambda: self.node("GET", secret + "s1")[0] == 403, timeout=2))
        self.assertLess(time.time() - start, 4)
        self.assertEqual(self.node("GET", secret + "s1")[1]["message"],
                         'secrets "s1" is forbidden: User "system:node:n1" cannot get resource "secrets" in API '
                         "group \"\" in the namespace \"%s\": no relationship found between node 'n1' and this "
                         "object" % NS)

    def test_loaded_before_serving(self):
        """A server started on existing state has the graph and the Nodes' uids before it serves."""
        uid = self.ensure_own_node()["metadata"]["uid"]
        status, body = self.admin("POST", "/api/v1/namespaces/%s/secrets" % NS,
                                  {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "pv-secret"}})
        self.assertIn(status, (201, 409), body)
        status, body = self.admin("POST", "/api/v1/persistentvolumes", {
            "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "node-authz-pv"},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                     "claimRef": {"namespace": NS, "name": "data"},
                     "csi": {"driver": "d", "volumeHandle": "h",
                             "nodePublishSecretRef": {"name": "pv-secret", "namespace": NS}}}})
        self.assertIn(status, (201, 409), body)
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db"},
               "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "postgres"}],
                        "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}}
        status, body = self.admin("POST", "/api/v1/namespaces/%s/pods" % NS, pod)
        self.assertIn(status, (201, 409), body)
        second = Server("NodeAuthzSecond", self.server_args).start()
        try:
            status, _, data = second.request("GET", "/api/v1/namespaces/%s/secrets/pv-secret" % NS, cert=NODE)
            self.assertEqual(status, 200, data)
            status, _, data = second.request("GET", "/api/v1/persistentvolumes/node-authz-pv", cert=NODE)
            self.assertEqual(status, 200, data)
            mirror = {"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": "static-db", "annotations": {"kubernetes.io/config.mirror": "h"},
                                   "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "n1",
                                                        "uid": uid, "controller": True}]},
                      "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "busybox"}]}}
            status, _, data = second.request("POST", "/api/v1/namespaces/%s/pods" % NS, body=json.dumps(mirror),
                                             headers={"Content-Type": "application/json"}, cert=NODE)
            self.assertEqual(status, 201, data)
        finally:
            self.assertEqual(second.stop(), 0)
        self.admin("DELETE", "/api/v1/namespaces/%s/pods/db?gracePeriodSeconds=0" % NS)
        self.admin("DELETE", "/api/v1/namespaces/%s/pods/static-db?gracePeriodSeconds=0" % NS)

    def test_lease(self):
        lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "n1"},
                 "spec": {"holderIdentity": "n1", "leaseDurationSeconds": 40}}
        status, body = self.node("POST", LEASES % "kube-node-lease", lease)
        self.assertEqual(status, 201, body)
        status, body = self.node("GET", LEASES % "kube-node-lease" + "/n1")
        self.assertEqual((status, body["spec"]["holderIdentity"]), (200, "n1"))
        body["spec"]["renewTime"] = "2025-01-01T00:00:00.000000Z"
        status, body = self.node("PUT", LEASES % "kube-node-lease" + "/n1", body)
        self.assertEqual((status, body["spec"]["renewTime"]), (200, "2025-01-01T00:00:00.000000Z"))
        # Another node's lease: not created (admission), not read (authorizer).
        status, body = self.node("POST", LEASES % "kube-node-lease", dict(lease, metadata={"name": "n2"}))
        self.assertEqual((status, body), (403, forbidden(
            'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the '
            "requesting node", {"name": "n2", "group": "coordination.k8s.io", "kind": "leases"})))
        status, body = self.node("GET", LEASES % "kube-node-lease" + "/n2")
        self.assertEqual(body["message"],
                         'leases.coordination.k8s.io "n2" is forbidden: User "system:node:n1" cannot get resource '
                         '"leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease": can only '
                         'access node lease with the same name as the requesting node')
        status, body = self.node("POST", LEASES % "default", lease)
        self.assertEqual(body["message"],
                         'leases.coordination.k8s.io is forbidden: User "system:node:n1" cannot create resource '
                         '"leases" in API group "coordination.k8s.io" in the namespace "default": can only access '
                         'leases in the "kube-node-lease" system namespace')
        status, body = self.node("DELETE", LEASES % "kube-node-lease" + "/n1")
        self.assertEqual(status, 200, body)

    def test_mirror_pod(self):
        uid = self.ensure_own_node()["metadata"]["uid"]
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "static-n1", "annotations": {"kubernetes.io/config.mirror": "hash"},
                            "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "n1", "uid": uid,
                                                 "controller": True}]},
               "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "busybox"}]}}
        pods = "/api/v1/namespaces/%s/pods" % NS
        # The workers learn the Node's uid from the change log.
        self.assertTrue(self.until(lambda: self.node("POST", pods, pod)[0] == 201))
        status, body = self.node("POST", pods, dict(pod, metadata={"name": "plain"}))
        self.assertEqual((status, body), (403, forbidden(
            'pods "plain" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n1" '
            "can only create mirror pods", {"name": "plain", "kind": "pods"})))
        volumes = [{"name": "s", "secret": {"secretName": "s2"}}]
        status, body = self.node("POST", pods, dict(pod, metadata=dict(pod["metadata"], name="greedy"),
                                                    spec=dict(pod["spec"], volumes=volumes)))
        self.assertEqual(body["message"],
                         'pods "greedy" is forbidden: node "n1" can not create pods that reference secrets')
        status, body = self.node("DELETE", pods + "/static-n1?gracePeriodSeconds=0")
        self.assertEqual(status, 200, body)

    def test_static_rules(self):
        # Events of a Node live in "default", as kubelets post them.
        status, body = self.node("POST", "/api/v1/namespaces/default/events", {
            "apiVersion": "v1", "kind": "Event", "metadata": {"name": "n1.starting"},
            "involvedObject": {"kind": "Node", "name": "n1"}, "reason": "Starting", "message": "kubelet"})
        self.assertEqual(status, 201, body)
        status, body = self.node("DELETE", "/api/v1/namespaces/default/events/n1.starting")
        self.assertEqual(body["message"], 'events "n1.starting" is forbidden: User "system:node:n1" cannot delete '
                                          'resource "events" in API group "" in the namespace "default"')
