"""Validation of the kinds beyond pods and workloads, end to end: the 422
Invalid text real kubectl prints (a bad Ingress path, a RoleBinding whose
roleRef changes, pod security context and scheduling rules, immutable
StorageClass parameters, a shrinking bound claim...), the Status details a
client gets over REST, and objects that kubectl's own generators build
(create role/rolebinding/ingress/pdb/priorityclass, autoscale, taint)
passing validation."""
import json
import os
import subprocess

from harness import ServerTest, TMP, kubeconfig

RBAC_GROUP = "rbac.authorization.k8s.io"


def ingress(name, path):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name},
            "spec": {"rules": [{"host": "*.example.com", "http": {"paths": [
                {"path": path, "pathType": "Prefix",
                 "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}


class ValidationTest(ServerTest):
    ns = "valid"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "validation.kubeconfig"))
        status, _, out = cls.server.request("POST", "/api/v1/namespaces", body=json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": cls.ns}}),
            headers={"Content-Type": "application/json"})
        assert status == 201, out

    def kubectl(self, *args, stdin=None, ns=True):
        cmd = ["kubectl", "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "kcache-valid")]
        if ns:
            cmd += ["-n", self.ns]
        return subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, timeout=120)

    def ok(self, *args, stdin=None, ns=True):
        r = self.kubectl(*args, stdin=stdin, ns=ns)
        self.assertEqual(r.returncode, 0, "kubectl %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def fails(self, *args, stdin=None, ns=True):
        r = self.kubectl(*args, stdin=stdin, ns=ns)
        self.assertNotEqual(r.returncode, 0, "kubectl %s succeeded" % " ".join(args))
        return r.stderr

    def call(self, method, path, body=None, content_type="application/json"):
        headers = {"Content-Type": content_type} if body is not None else {}
        status, _, out = self.server.request(method, path, body=json.dumps(body) if body is not None else None,
                                             headers=headers)
        return status, json.loads(out) if out else None

    def invalid(self, method, path, body, content_type="application/json"):
        """The 422 Status of a write that must fail: (message, details)."""
        status, st = self.call(method, path, body, content_type)
        self.assertEqual((status, st["kind"], st["status"], st["reason"], st["code"]),
                         (422, "Status", "Failure", "Invalid", 422), st)
        return st["message"], st["details"]

    def test_ingress_path_as_kubectl_prints_it(self):
        err = self.fails("create", "-f", "-", stdin=json.dumps(ingress("bad", "api")))
        self.assertEqual(err, 'The Ingress "bad" is invalid: spec.rules[0].http.paths[0].path: '
                         'Invalid value: "api": must be an absolute path\n')
        # Several causes: kubectl lists them one a line.
        bad = ingress("bad", "/a//b")
        bad["spec"]["rules"][0]["host"] = "10.0.0.1"
        err = self.fails("apply", "-f", "-", stdin=json.dumps(bad))
        self.assertEqual(err, 'The Ingress "bad" is invalid: \n'
                         '* spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address\n'
                         '* spec.rules[0].http.paths[0].path: Invalid value: "/a//b": must not contain \'//\'\n')
        self.assertIn("NotFound", self.fails("get", "ingress", "bad"))
        # What kubectl create ingress builds is valid, wildcard host and all.
        self.ok("create", "ingress", "web", "--class=nginx", "--rule=*.example.com/api*=web:80",
                "--rule=shop.example.com/=shop:http")
        got = json.loads(self.ok("get", "ingress", "web", "-o", "json"))
        self.assertEqual([(p["path"], p["pathType"]) for r in got["spec"]["rules"] for p in r["http"]["paths"]],
                         [("/api", "Prefix"), ("/", "Exact")])
        # An update is validated as well.
        r = self.kubectl("patch", "ingress", "web", "--type=json", "-p",
                         '[{"op":"replace","path":"/spec/rules/0/http/paths/0/pathType","value":"Regex"}]')
        self.assertEqual((r.returncode, r.stderr),
                         (1, 'The Ingress "web" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported '
                          'value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"\n'))

    def test_rolebinding_roleref_cannot_change(self):
        self.ok("create", "role", "reader", "--verb=get,list,watch", "--resource=pods,configmaps")
        self.ok("create", "clusterrole", "valid-node-reader", "--verb=get", "--resource=nodes",
                "--non-resource-url=/healthz", "--verb=get", ns=False)
        self.ok("create", "rolebinding", "read", "--role=reader", "--user=alice", "--group=devs",
                "--serviceaccount=%s:robot" % self.ns)
        self.ok("create", "clusterrolebinding", "valid-nodes", "--clusterrole=valid-node-reader", "--user=bob",
                ns=False)
        err = self.fails("patch", "rolebinding", "read", "-p", '{"roleRef":{"name":"writer"}}')
        self.assertEqual(err, 'The RoleBinding "read" is invalid: roleRef: Invalid value: '
                         'rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"writer"}: '
                         'cannot change roleRef\n')
        # The subjects may change.
        self.ok("patch", "rolebinding", "read", "--type=json", "-p",
                '[{"op":"add","path":"/subjects/-","value":{"kind":"User","name":"carol",'
                '"apiGroup":"rbac.authorization.k8s.io"}}]')
        got = json.loads(self.ok("get", "rolebinding", "read", "-o", "json"))
        self.assertEqual([s["name"] for s in got["subjects"]], ["alice", "devs", "robot", "carol"])
        # A ServiceAccount subject of a cluster-wide binding needs its
        # namespace; a namespaced role no non-resource URLs.
        msg, details = self.invalid("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "valid-sa"},
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": "valid-node-reader"},
            "subjects": [{"kind": "ServiceAccount", "name": "robot"}]})
        self.assertEqual(msg, 'ClusterRoleBinding.rbac.authorization.k8s.io "valid-sa" is invalid: '
                         'subjects[0].namespace: Required value')
        self.assertEqual(details, {"name": "valid-sa", "group": RBAC_GROUP, "kind": "ClusterRoleBinding", "causes": [
            {"reason": "FieldValueRequired", "message": "Required value", "field": "subjects[0].namespace"}]})
        base = "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/" % self.ns
        msg, _ = self.invalid("POST", base + "roles", {
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "urls"},
            "rules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]})
        self.assertEqual(msg, 'Role.rbac.authorization.k8s.io "urls" is invalid: rules[0].nonResourceURLs: '
                         'Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs')

    def test_policy_autoscaling_scheduling(self):
        self.ok("create", "deployment", "web", "--image=nginx")
        self.ok("create", "pdb", "web", "--selector=app=web", "--min-available=50%")
        self.ok("autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu-percent=80")
        self.ok("create", "priorityclass", "valid-high", "--value=1000", "--description=important", ns=False)
        err = self.fails("create", "priorityclass", "valid-huge", "--value=2000000000", ns=False)
        # kubectl create priorityclass words the error itself.
        self.assertEqual(err, 'error: failed to create priorityclass: PriorityClass.scheduling.k8s.io "valid-huge" is '
                         'invalid: value: Forbidden: maximum allowed value of a user defined priority is '
                         '1000000000\n')
        err = self.fails("patch", "priorityclass", "valid-high", "-p", '{"value":2000}', ns=False)
        self.assertEqual(err, 'The PriorityClass "valid-high" is invalid: value: Forbidden: may not be changed in an '
                         'update.\n')
        err = self.fails("patch", "pdb", "web", "-p", '{"spec":{"maxUnavailable":1}}')
        self.assertIn('The PodDisruptionBudget "web" is invalid: spec: Invalid value: '
                      'policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0x', err)
        self.assertTrue(err.endswith(': minAvailable and maxUnavailable cannot be both set\n'), err)
        msg, details = self.invalid(
            "POST", "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers" % self.ns,
            {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
             "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": ""},
                      "minReplicas": 3, "maxReplicas": 2,
                      "metrics": [{"type": "Resource", "resource": {
                          "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 0}}}]}})
        self.assertEqual(msg, 'HorizontalPodAutoscaler.autoscaling "web" is invalid: [spec.maxReplicas: Invalid '
                         'value: 2: must be greater than or equal to `minReplicas`, spec.scaleTargetRef.name: '
                         'Required value, spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: '
                         'must be greater than 0]')
        self.assertEqual([c["field"] for c in details["causes"]],
                         ["spec.maxReplicas", "spec.scaleTargetRef.name",
                          "spec.metrics[0].resource.target.averageUtilization"])

        # Leases, as leader election writes them.
        lease = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "lock"},
                 "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15, "leaseTransitions": 0,
                          "acquireTime": "2024-01-01T00:00:00.000000Z", "renewTime": "2024-01-01T00:00:05.000000Z"}}
        self.ok("create", "-f", "-", stdin=json.dumps(lease))
        err = self.fails("patch", "lease", "lock", "-p", '{"spec":{"leaseDurationSeconds":0}}')
        self.assertEqual(err, 'The Lease "lock" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be '
                         'greater than 0\n')

    def test_storage_and_nodes(self):
        sc = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "valid-fast"},
              "provisioner": "example.com/csi", "parameters": {"type": "ssd"}, "reclaimPolicy": "Retain",
              "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True}
        self.ok("create", "-f", "-", stdin=json.dumps(sc), ns=False)
        err = self.fails("patch", "storageclass", "valid-fast", "-p", '{"parameters":{"type":"hdd"}}', ns=False)
        self.assertEqual(err, 'The StorageClass "valid-fast" is invalid: parameters: Forbidden: updates to parameters '
                         'are forbidden.\n')
        pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
               "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "valid-fast",
                        "resources": {"requests": {"storage": "10Gi"}}}}
        self.ok("create", "-f", "-", stdin=json.dumps(pvc))
        base = "/api/v1/namespaces/%s/persistentvolumeclaims/data" % self.ns
        status, got = self.call("PATCH", base + "/status", {"status": {"phase": "Bound", "capacity": {
            "storage": "10Gi"}, "accessModes": ["ReadWriteOnce"]}}, "application/merge-patch+json")
        self.assertEqual((status, got["status"]["phase"]), (200, "Bound"))
        # A bound claim may grow, not shrink below its capacity.
        self.ok("patch", "pvc", "data", "-p", '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}')
        err = self.fails("patch", "pvc", "data", "-p", '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}')
        self.assertEqual(err, 'The PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: '
                         'Forbidden: field can not be less than status.capacity\n')
        self.ok("create", "-f", "-", ns=False, stdin=json.dumps({
            "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "valid-pv0"},
            "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                     "persistentVolumeReclaimPolicy": "Retain", "storageClassName": "valid-fast",
                     "csi": {"driver": "csi.example.com", "volumeHandle": "vol-1"},
                     "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                         {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["a"]}]}]}}}}))
        msg, _ = self.invalid("POST", "/api/v1/persistentvolumes", {
            "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "valid-pv1"},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                     "hostPath": {"path": "/data"}, "nfs": {"server": "nfs", "path": "/export"}}})
        self.assertEqual(msg, 'PersistentVolume "valid-pv1" is invalid: spec.nfs: Forbidden: may not specify more than '
                         '1 volume type')
        # Nodes: a taint kubectl adds is valid; a second taint with the same
        # key and effect is not.
        node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "valid-n1"},
                "spec": {"podCIDRs": ["10.244.1.0/24", "fd00:10:244:1::/64"], "providerID": "kind://valid-n1"}}
        self.ok("create", "-f", "-", stdin=json.dumps(node), ns=False)
        self.ok("taint", "node", "valid-n1", "dedicated=db:NoSchedule", ns=False)
        got = json.loads(self.ok("get", "node", "valid-n1", "-o", "json", ns=False))
        self.assertEqual(got["spec"]["taints"], [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}])
        msg, details = self.invalid("PATCH", "/api/v1/nodes/valid-n1", {"spec": {
            "providerID": "kind://other", "taints": [
            {"key": "dedicated", "value": "db", "effect": "NoSchedule"},
            {"key": "dedicated", "value": "web", "effect": "NoSchedule"}]}}, "application/merge-patch+json")
        # ValidateNode and then ValidateNodeUpdate both check the taints: the
        # duplicate is two causes, one text in the message.
        self.assertEqual(msg, 'Node "valid-n1" is invalid: [metadata.taints[1]: Duplicate value: '
                         'core.Taint{Key:"dedicated", Value:"web", Effect:"NoSchedule", '
                         'TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair, '
                         'spec.providerID: Forbidden: node updates may not change providerID except from "" to '
                         'valid]')
        self.assertEqual([c["field"] for c in details["causes"]],
                         ["metadata.taints[1]", "spec.providerID", "metadata.taints[1]"])

    def test_pod_security_context_and_scheduling(self):
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
               "spec": {"securityContext": {"runAsUser": -1, "sysctls": [
                   {"name": "net.core.somaxconn", "value": "1024"}, {"name": "net.core.somaxconn", "value": "1"}]},
                        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                            {"weight": 0, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname"}}]}},
                        "topologySpreadConstraints": [{"maxSkew": 0, "topologyKey": "zone",
                                                       "whenUnsatisfiable": "DoNotSchedule"}],
                        "containers": [{"name": "c", "image": "nginx", "securityContext": {
                            "seccompProfile": {"type": "Localhost"}}}]}}
        err = self.fails("create", "-f", "-", stdin=json.dumps(pod))
        # The containers come first, as in ValidatePodSpec.
        self.assertEqual(err, 'The Pod "p" is invalid: \n'
                         '* spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: '
                         'must be set when seccomp type is Localhost\n'
                         '* spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, '
                         'inclusive\n'
                         '* spec.securityContext.sysctls[1].name: Duplicate value: "net.core.somaxconn"\n'
                         '* spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: '
                         'Invalid value: 0: must be in the range 1-100\n'
                         '* spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero\n')
        # A pod using all of it, valid, is stored as sent.
        good = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "good", "labels": {"app": "db"}},
                "spec": {"securityContext": {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 2000,
                                             "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"},
                                             "sysctls": [{"name": "net.ipv4.ip_local_port_range",
                                                          "value": "1024 65000"}]},
                         "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                             "nodeSelectorTerms": [{"matchExpressions": [
                                 {"key": "zone", "operator": "In", "values": ["a", "b"]}]}]}},
                             "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                                 {"labelSelector": {"matchLabels": {"app": "db"}},
                                  "topologyKey": "kubernetes.io/hostname"}]}},
                         "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone", "minDomains": 2,
                                                        "whenUnsatisfiable": "DoNotSchedule",
                                                        "labelSelector": {"matchLabels": {"app": "db"}},
                                                        "matchLabelKeys": ["pod-template-hash"]}],
                         "dnsPolicy": "None", "dnsConfig": {"nameservers": ["10.0.0.10"], "searches": ["svc.local"],
                                                            "options": [{"name": "ndots", "value": "2"}]},
                         "hostAliases": [{"ip": "10.1.2.3", "hostnames": ["db.local"]}],
                         "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "db",
                                          "effect": "NoSchedule"}],
                         "containers": [{"name": "c", "image": "nginx", "securityContext": {
                             "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                             "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}}]}}
        self.ok("create", "-f", "-", stdin=json.dumps(good))
        got = json.loads(self.ok("get", "pod", "good", "-o", "json"))
        self.assertEqual((got["spec"]["securityContext"], got["spec"]["dnsConfig"]),
                         (good["spec"]["securityContext"], good["spec"]["dnsConfig"]))

    def test_network_policy_and_ingress_class(self):
        self.ok("create", "-f", "-", ns=False, stdin=json.dumps({
            "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "valid-nginx"},
            "spec": {"controller": "k8s.io/ingress-nginx"}}))
        err = self.fails("patch", "ingressclass", "valid-nginx", "-p", '{"spec":{"controller":"example.com/other"}}',
                         ns=False)
        self.assertEqual(err, 'The IngressClass "valid-nginx" is invalid: spec.controller: Invalid value: '
                         '"example.com/other": field is immutable\n')
        policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "db"},
                  "spec": {"podSelector": {"matchLabels": {"app": "db"}},
                           "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}},
                                                 {"namespaceSelector": {}, "podSelector": {}}],
                                        "ports": [{"protocol": "TCP", "port": 5432, "endPort": 5440}]}],
                           "policyTypes": ["Ingress"]}}
        self.ok("create", "-f", "-", stdin=json.dumps(policy))
        policy["spec"]["ingress"][0]["from"][0]["ipBlock"]["except"] = ["192.168.0.0/16"]
        policy["spec"]["ingress"][0]["ports"][0]["endPort"] = 80
        err = self.fails("replace", "-f", "-", stdin=json.dumps(policy))
        self.assertEqual(err, 'The NetworkPolicy "db" is invalid: \n'
                         '* spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to '
                         '`port`\n'
                         '* spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a '
                         'strict subset of `cidr`\n')
