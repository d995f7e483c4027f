"""What the registry strategies set on a write, as kube-apiserver v1.32 does:
a create drops the status a client sends (a Pod starts Pending with its QoS
class, other kinds at their zero status), a Job gets its generated selector
and labels, a CertificateSigningRequest its requester, and a write to
/status changes only what the kind's status strategy lets it change."""
import base64
import json
import os
import subprocess
import tempfile

from harness import ServerTest, TMP, kubeconfig


class StrategyTest(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "strategy.kubeconfig"))

    def kubectl(self, *args, stdin=None):
        r = subprocess.run(["kubectl", "--kubeconfig", self.cfg, *args], input=stdin,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def get(self, *args):
        return json.loads(self.kubectl("get", "-o", "json", *args))

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, _, out = self.server.request(method, path, body=json.dumps(body) if body is not None else None,
                                             headers=headers)
        return status, json.loads(out) if out else None

    def test_a_pod_created_with_a_status_starts_pending(self):
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sent-status", "namespace": "default"},
               "spec": {"containers": [{"name": "c", "image": "nginx",
                                        "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}}]},
               "status": {"phase": "Running", "podIP": "10.1.2.3", "hostIP": "10.0.0.1",
                          "conditions": [{"type": "Ready", "status": "True"}]}}
        self.assertIn("pod/sent-status created", self.kubectl("create", "-f", "-", stdin=json.dumps(pod)))
        got = self.get("-n", "default", "pod", "sent-status")
        # Limits alone: requests are defaulted from them, so the pod is Guaranteed.
        self.assertEqual(got["status"], {"phase": "Pending", "qosClass": "Guaranteed"})
        guaranteed = {"limits": {"cpu": "1", "memory": "1Gi"}}
        init = [{"name": "i", "image": "busybox"}]
        for name, resources, init_containers, qos in (("best-effort", {}, [], "BestEffort"),
                                                      ("burstable", {"requests": {"memory": "64Mi"}}, [],
                                                       "Burstable"),
                                                      ("init-without-limits", guaranteed, init, "Burstable")):
            spec = {"containers": [{"name": "c", "image": "nginx", "resources": resources}]}
            if init_containers:
                # Every container, init containers too, must limit cpu and memory.
                spec["initContainers"] = init_containers
            status, created = self.call("POST", "/api/v1/namespaces/default/pods",
                                        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                                         "spec": spec})
            self.assertEqual((status, created["status"]), (201, {"phase": "Pending", "qosClass": qos}))
        # Scheduling gates hold a new pod, and say so.
        status, gated = self.call("POST", "/api/v1/namespaces/default/pods",
                                  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "gated"},
                                   "spec": {"schedulingGates": [{"name": "example.com/wait"}],
                                            "containers": [{"name": "c", "image": "nginx"}]}})
        self.assertEqual(status, 201)
        cond = gated["status"]["conditions"]
        self.assertRegex(cond[0].pop("lastTransitionTime"), r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(cond, [{"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                                 "reason": "SchedulingGated",
                                 "message": "Scheduling is blocked due to non-empty scheduling gates"}])

    def test_pod_status_writes(self):
        base = "/api/v1/namespaces/default/pods/kubelet-writes"
        owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": "4b7c9e52-0c39-4c1e-9d7b-2f3e8f6f1a10"}]
        status, pod = self.call("POST", "/api/v1/namespaces/default/pods",
                                {"apiVersion": "v1", "kind": "Pod",
                                 "metadata": {"name": "kubelet-writes", "ownerReferences": owner},
                                 "spec": {"nodeName": "node-a", "containers": [{"name": "c", "image": "nginx"}]}})
        self.assertEqual(status, 201)
        # Labels may change through /status; spec and owner references may not; the QoS class stays.
        pod["metadata"]["labels"] = {"seen": "yes"}
        pod["metadata"]["ownerReferences"] = []
        pod["spec"]["nodeName"] = "node-b"
        pod["status"] = {"phase": "Running", "podIP": "10.1.2.4"}
        status, out = self.call("PUT", base + "/status", pod)
        self.assertEqual(status, 200, out)
        self.assertEqual((out["metadata"]["labels"], out["metadata"]["ownerReferences"], out["spec"]["nodeName"]),
                         ({"seen": "yes"}, owner, "node-a"))
        self.assertEqual(out["status"], {"phase": "Running", "podIP": "10.1.2.4", "qosClass": "BestEffort"})
        # Metadata that comes through /status is validated as on any update.
        out["metadata"]["labels"] = {"bad key!": "x"}
        status, err = self.call("PUT", base + "/status", out)
        self.assertEqual((status, err["reason"]), (422, "Invalid"))
        self.assertEqual(err["details"]["causes"][0]["field"], "metadata.labels")
        # A merge patch of the status alone keeps the rest.
        status, _, raw = self.server.request("PATCH", base + "/status",
                                             body='{"status":{"phase":"Succeeded"}}',
                                             headers={"Content-Type": "application/merge-patch+json"})
        patched = json.loads(raw)
        self.assertEqual((status, patched["status"]["phase"], patched["status"]["qosClass"],
                          patched["metadata"]["labels"]), (200, "Succeeded", "BestEffort", {"seen": "yes"}))

    def test_kubectl_create_job_generates_its_selector(self):
        self.assertIn("job.batch/x created", self.kubectl("create", "-n", "default", "job", "x", "--image=busybox"))
        job = self.get("-n", "default", "job", "x")
        uid = job["metadata"]["uid"]
        self.assertEqual(job["spec"]["selector"], {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
        self.assertEqual(job["spec"]["template"]["metadata"]["labels"],
                         {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "x",
                          "controller-uid": uid, "job-name": "x"})
        self.assertEqual((job["spec"]["manualSelector"], job["status"]), (False, {}))
        # A job without labels of its own takes its template's, generated ones included
        # (SetDefaults_Job, as upstream's decoding from storage applies it).
        self.assertEqual(job["metadata"]["labels"], job["spec"]["template"]["metadata"]["labels"])
        # A manual selector is left as it is.
        manual = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "manual"},
                  "spec": {"manualSelector": True, "selector": {"matchLabels": {"app": "m"}},
                           "template": {"metadata": {"labels": {"app": "m"}},
                                        "spec": {"restartPolicy": "Never",
                                                 "containers": [{"name": "c", "image": "busybox"}]}}}}
        status, out = self.call("POST", "/apis/batch/v1/namespaces/default/jobs", manual)
        self.assertEqual(status, 201, out)
        self.assertEqual((out["spec"]["selector"], out["spec"]["template"]["metadata"]["labels"]),
                         ({"matchLabels": {"app": "m"}}, {"app": "m"}))
        # Without manualSelector, a selector the generated labels do not satisfy is refused.
        manual["metadata"]["name"] = "not-manual"
        del manual["spec"]["manualSelector"]
        manual["spec"]["selector"] = {"matchLabels": {"app": "m", "job-name": "other"}}
        status, err = self.call("POST", "/apis/batch/v1/namespaces/default/jobs", manual)
        self.assertEqual((status, err["reason"]), (422, "Invalid"))
        self.assertIn("spec.selector", [c["field"] for c in err["details"]["causes"]])

    def test_zero_status_by_kind(self):
        status, svc = self.call("POST", "/api/v1/namespaces/default/services",
                                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lb"},
                                 "spec": {"clusterIP": "None", "ports": [{"port": 80}]},
                                 "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}}})
        self.assertEqual((status, svc["status"]), (201, {"loadBalancer": {}}))
        status, rs = self.call("POST", "/apis/apps/v1/namespaces/default/replicasets",
                               {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
                                "spec": {"selector": {"matchLabels": {"app": "rs"}},
                                         "template": {"metadata": {"labels": {"app": "rs"}},
                                                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
                                "status": {"replicas": 4, "readyReplicas": 4}})
        self.assertEqual((status, rs["status"]), (201, {"replicas": 0}))
        status, pvc = self.call("POST", "/api/v1/namespaces/default/persistentvolumeclaims",
                                {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "claim"},
                                 "spec": {"accessModes": ["ReadWriteOnce"],
                                          "resources": {"requests": {"storage": "1Gi"}}},
                                 "status": {"phase": "Bound"}})
        self.assertEqual((status, pvc["status"]), (201, {"phase": "Pending"}))
        # Nodes keep theirs: the kubelet registers its node with it.
        status, node = self.call("POST", "/api/v1/nodes",
                                 {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "strategy-node"},
                                  "status": {"capacity": {"cpu": "4"}}})
        self.assertEqual((status, node["status"]), (201, {"capacity": {"cpu": "4"}, "allocatable": {"cpu": "4"}}))
        # A DaemonSet's template generation, an annotation in apps/v1, moves with its template.
        ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ds"},
              "spec": {"selector": {"matchLabels": {"app": "ds"}},
                       "template": {"metadata": {"labels": {"app": "ds"}},
                                    "spec": {"containers": [{"name": "c", "image": "nginx:1.26"}]}}}}
        status, ds = self.call("POST", "/apis/apps/v1/namespaces/default/daemonsets", ds)
        gen = "deprecated.daemonset.template.generation"
        self.assertEqual((status, ds["metadata"]["annotations"], ds["status"]),
                         (201, {gen: "1"}, {"currentNumberScheduled": 0, "numberMisscheduled": 0,
                                            "desiredNumberScheduled": 0, "numberReady": 0}))
        ds["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.27"
        status, ds = self.call("PUT", "/apis/apps/v1/namespaces/default/daemonsets/ds", ds)
        self.assertEqual((status, ds["metadata"]["annotations"][gen], ds["metadata"]["generation"]), (200, "2", 2))

    def test_a_certificate_request_records_its_requester(self):
        with tempfile.TemporaryDirectory() as d:
            subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-subj", "/CN=someone", "-keyout", os.path.join(d, "k"),
                            "-out", os.path.join(d, "csr")], check=True, capture_output=True)
            with open(os.path.join(d, "csr"), "rb") as f:
                request = base64.b64encode(f.read()).decode()
        csr = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
               "metadata": {"name": "someone"},
               "spec": {"request": request, "signerName": "kubernetes.io/kube-apiserver-client",
                        "usages": ["client auth"], "username": "mallory", "groups": ["system:nodes"]},
               "status": {"conditions": [{"type": "Approved", "status": "True", "reason": "Self"}]}}
        status, out = self.call("POST", "/apis/certificates.k8s.io/v1/certificatesigningrequests", csr)
        self.assertEqual(status, 201, out)
        self.assertEqual((out["spec"]["username"], out["spec"]["groups"], out["status"]),
                         ("kubernetes-admin", ["system:masters", "system:authenticated"], {}))
