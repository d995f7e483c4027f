"""Strategic merge patch through real kubectl: client-side apply (create,
then a changed manifest re-applied), set image, set env, rollout restart,
edit, patch --type=strategic by merge key, apply --prune and diff (a
server-side dry-run patch)."""
import json
import os
import stat
import subprocess

from harness import ServerTest, TMP, kubeconfig


def deployment(image="nginx:1", env="1", ports=(80, 8080), labels=None):
    labels = labels if labels is not None else {"app": "x", "tier": "web"}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "x", "labels": labels},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "x"}},
                     "template": {"metadata": {"labels": {"app": "x"}},
                                  "spec": {"containers": [
                                      {"name": "c", "image": image,
                                       "env": [{"name": "A", "value": "0"}, {"name": "E", "value": env}],
                                       "ports": [{"containerPort": p} for p in ports]},
                                      {"name": "side", "image": "busybox"}]}}}}


class KubectlCase(ServerTest):
    """kubectl helpers for the test classes below (no tests of its own)."""
    ns = "default"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "apply.kubeconfig"))

    def kubectl(self, *args, stdin=None, env=None, ns=True):
        cmd = ["kubectl", "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "kcache-apply")]
        if ns:
            cmd += ["-n", self.ns]
        r = subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, timeout=120,
                           env=dict(os.environ, **(env or {})))
        return r

    def ok(self, *args, **kw):
        r = self.kubectl(*args, **kw)
        self.assertEqual(r.returncode, 0, "kubectl %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def get(self, *what):
        return json.loads(self.ok("get", *what, "-o", "json"))

    def write(self, name, obj):
        path = os.path.join(TMP, name)
        with open(path, "w") as f:
            json.dump(obj, f)
        return path

    def container(self, name="c"):
        spec = self.get("deployment", "x")["spec"]["template"]["spec"]
        return {c["name"]: c for c in spec["containers"]}[name]


class ApplyTest(KubectlCase):
    ns = "smp"

    def test_apply_workflow(self):
        self.ok("create", "-f", "-", ns=False, stdin=json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.ns}}))
        path = self.write("apply-deploy.json", deployment())
        self.assertIn("deployment.apps/x created", self.ok("apply", "-f", path))
        # The second apply sends a strategic merge patch: image and env changed,
        # a port and a label removed.
        path = self.write("apply-deploy.json", deployment(image="nginx:1.1", env="2", ports=(80,),
                                                          labels={"app": "x"}))
        r = self.kubectl("apply", "-f", path)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, "deployment.apps/x configured"), r.stderr)
        self.assertEqual(r.stderr, "")  # no "warning: error calculating patch from openapi v3 spec"
        d = self.get("deployment", "x")
        self.assertEqual(d["metadata"]["labels"], {"app": "x"})
        c = self.container()
        self.assertEqual((c["image"], c["env"], c["ports"]),
                         ("nginx:1.1", [{"name": "A", "value": "0"}, {"name": "E", "value": "2"}],
                          [{"containerPort": 80, "protocol": "TCP"}]))  # the protocol defaulted
        self.assertEqual(self.container("side")["image"], "busybox")
        self.assertIn("kubectl.kubernetes.io/last-applied-configuration", d["metadata"]["annotations"])
        # Applying the same manifest again changes nothing.
        self.assertIn("deployment.apps/x unchanged", self.ok("apply", "-f", path))

        self.ok("set", "image", "deployment/x", "c=nginx:2")
        self.assertEqual(self.container()["image"], "nginx:2")
        self.ok("set", "env", "deployment/x", "-c", "c", "A=B")
        self.assertEqual(self.container()["env"], [{"name": "A", "value": "B"}, {"name": "E", "value": "2"}])
        self.ok("rollout", "restart", "deployment/x")
        annotations = self.get("deployment", "x")["spec"]["template"]["metadata"]["annotations"]
        self.assertIn("kubectl.kubernetes.io/restartedAt", annotations)

        # kubectl patch --type=strategic: one list element by its merge key.
        self.ok("patch", "deployment", "x", "--type=strategic", "-p",
                json.dumps({"spec": {"template": {"spec": {"containers": [
                    {"name": "side", "image": "busybox:2"}]}}}}))
        self.assertEqual(self.container("side")["image"], "busybox:2")
        self.assertEqual(self.container()["image"], "nginx:2")
        # The merge key missing from an element: upstream's 500 and words.
        r = self.kubectl("patch", "deployment", "x", "--type=strategic", "-p",
                         json.dumps({"spec": {"template": {"spec": {"containers": [{"image": "y"}]}}}}))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("map: map[image:y] does not contain declared merge key: name", r.stderr)

        # kubectl edit with an editor that changes the replicas.
        editor = os.path.join(TMP, "apply-editor.sh")
        with open(editor, "w") as f:
            f.write("#!/bin/sh\nsed -i 's/^  replicas: 1$/  replicas: 3/' \"$1\"\n")
        os.chmod(editor, stat.S_IRWXU)
        self.ok("edit", "deployment/x", env={"EDITOR": editor, "KUBE_EDITOR": editor})
        self.assertEqual(self.get("deployment", "x")["spec"]["replicas"], 3)

        # kubectl diff: a server-side dry-run patch, nothing written.
        path = self.write("apply-deploy.json", deployment(image="nginx:3", env="2", ports=(80,),
                                                          labels={"app": "x"}))
        r = self.kubectl("diff", "-f", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("+        image: nginx:3", r.stdout)
        self.assertEqual(self.container()["image"], "nginx:2")

    def test_apply_prune(self):
        # kubectl's typed "create namespace" sends protobuf, which pgkube does not read yet.
        self.ok("create", "-f", "-", ns=False, stdin=json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "smp-prune"}}))
        cms = [{"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": n, "namespace": "smp-prune", "labels": {"app": "p"}},
                "data": {"k": n}} for n in ("one", "two")]
        folder = os.path.join(TMP, "apply-prune")
        os.makedirs(folder, exist_ok=True)
        for cm in cms:
            self.write(os.path.join(folder, cm["metadata"]["name"] + ".json"), cm)
        self.ok("apply", "-f", folder, ns=False)
        os.unlink(os.path.join(folder, "two.json"))
        out = self.ok("apply", "--prune", "-l", "app=p", "-f", folder, ns=False)
        self.assertIn("configmap/two pruned", out)
        names = [i["metadata"]["name"] for i in
                 json.loads(self.ok("get", "cm", "-n", "smp-prune", "-l", "app=p", "-o", "json", ns=False))["items"]]
        self.assertEqual(names, ["one"])


class ScaleTest(KubectlCase):
    """The scale subresource (autoscaling/v1 Scale) through kubectl scale and
    raw requests, for each kind that has one."""
    ns = "scale"

    def setUp(self):
        if self.kubectl("get", "ns", self.ns, ns=False).returncode != 0:
            self.ok("create", "ns", self.ns, ns=False)

    def test_kubectl_scale_each_kind(self):
        labels = {"app": "s"}

        def template(**more):
            return {"metadata": {"labels": dict(labels, **more)},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
        objs = [
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
             "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": template()}},
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
             "spec": {"replicas": 1, "selector": {"matchLabels": labels, "matchExpressions": [
                 {"key": "tier", "operator": "NotIn", "values": ["b", "a"]}, {"key": "env", "operator": "Exists"}]},
                 "template": template(env="prod", tier="c")}},
            {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "ss"},
             "spec": {"replicas": 1, "serviceName": "ss", "selector": {"matchLabels": labels},
                      "template": template()}},
            {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"},
             "spec": {"replicas": 1, "selector": {"app": "s", "b": "2"}, "template": template(b="2")}},
        ]
        selectors = {"d": "app=s", "rs": "app=s,env,tier notin (a,b)", "ss": "app=s", "rc": "app=s,b=2"}
        paths = {"d": "/apis/apps/v1/namespaces/scale/deployments/d",
                 "rs": "/apis/apps/v1/namespaces/scale/replicasets/rs",
                 "ss": "/apis/apps/v1/namespaces/scale/statefulsets/ss",
                 "rc": "/api/v1/namespaces/scale/replicationcontrollers/rc"}
        for obj in objs:
            self.ok("apply", "-f", self.write("scale-%s.json" % obj["metadata"]["name"], obj))
        for obj in objs:
            name, kind = obj["metadata"]["name"], obj["kind"].lower()
            self.assertIn("scaled", self.ok("scale", kind, name, "--replicas=3"))
            self.assertEqual(self.get(kind, name)["spec"]["replicas"], 3)
            status, scale = self.server.get_json(paths[name] + "/scale")
            self.assertEqual(status, 200)
            parent = self.get(kind, name)
            self.assertEqual(scale, {
                "kind": "Scale", "apiVersion": "autoscaling/v1",
                "metadata": {k: parent["metadata"][k] for k in
                             ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")},
                "spec": {"replicas": 3}, "status": {"replicas": 0, "selector": selectors[name]}})
        # Scaling changes the spec, so the generation moves; to zero, spec.replicas is omitted.
        self.assertEqual(self.get("deployment", "d")["metadata"]["generation"], 2)
        self.ok("scale", "deployment", "d", "--replicas=0")
        self.assertEqual(self.server.get_json(paths["d"] + "/scale")[1]["spec"], {})
        # kubectl's precondition and the server's resourceVersion precondition.
        r = self.kubectl("scale", "deployment", "d", "--replicas=2", "--current-replicas=5")
        self.assertNotEqual(r.returncode, 0)
        status, headers, out = self.server.request(
            "PUT", paths["d"] + "/scale", body=json.dumps({
                "apiVersion": "autoscaling/v1", "kind": "Scale",
                "metadata": {"name": "d", "namespace": "scale", "resourceVersion": "1"}, "spec": {"replicas": 2}}),
            headers={"Content-Type": "application/json"})
        self.assertEqual((status, json.loads(out)["reason"]), (409, "Conflict"))
        status, headers, out = self.server.request(
            "PUT", paths["d"] + "/scale", body=json.dumps({
                "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "d"}, "spec": {"replicas": -1}}),
            headers={"Content-Type": "application/json"})
        err = json.loads(out)
        self.assertEqual((status, err["message"]), (422, 'Scale.autoscaling "d" is invalid: spec.replicas: '
                                                         'Invalid value: -1: must be greater than or equal to 0'))
        self.assertEqual(err["details"]["causes"], [{"reason": "FieldValueInvalid", "field": "spec.replicas",
                                                     "message": "Invalid value: -1: must be greater than or equal to 0"}])
        for ctype, body in (("application/merge-patch+json", '{"spec":{"replicas":5}}'),
                            ("application/strategic-merge-patch+json", '{"spec":{"replicas":6}}'),
                            ("application/json-patch+json", '[{"op":"replace","path":"/spec/replicas","value":7}]')):
            status, _, out = self.server.request("PATCH", paths["rc"] + "/scale", body=body,
                                                 headers={"Content-Type": ctype})
            self.assertEqual(status, 200, out)
            self.assertEqual(json.loads(out)["kind"], "Scale")
        self.assertEqual(self.get("rc", "rc")["spec"]["replicas"], 7)
        # A body of the wrong kind, and a resource without the subresource.
        status, _, out = self.server.request(
            "PUT", paths["d"] + "/scale", body=json.dumps({"apiVersion": "apps/v1", "kind": "Deployment",
                                                          "metadata": {"name": "d"}}),
            headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        self.assertEqual(self.server.get_json("/apis/apps/v1/namespaces/scale/daemonsets/x/scale")[0], 404)


class ManagedFieldsTest(KubectlCase):
    """metadata.managedFields on creates, updates and patches (operation
    Update): the manager from kubectl's --field-manager defaults or the
    User-Agent, the fields each write changed, ?fieldManager checks."""
    ns = "default"

    def managed(self, name):
        cm = json.loads(self.ok("get", "cm", name, "-o", "json", "--show-managed-fields"))
        return [(e["manager"], e["operation"], e["apiVersion"], e["fieldsType"], e["fieldsV1"])
                for e in cm["metadata"]["managedFields"]]

    def test_writes_record_their_managers(self):
        cm = {"apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {"name": "mf", "labels": {"a": "1"}}, "data": {"k": "v", "j": "1"}}
        self.ok("create", "-f", "-", stdin=json.dumps(cm))
        created = {"f:data": {".": {}, "f:j": {}, "f:k": {}},
                   "f:metadata": {"f:labels": {".": {}, "f:a": {}}}}
        self.assertEqual(self.managed("mf"), [("kubectl-create", "Update", "v1", "FieldsV1", created)])
        # A patch by another manager takes the field it changes.
        self.ok("patch", "cm", "mf", "--type=merge", "-p", '{"data":{"k":"w"}}')
        self.assertEqual(self.managed("mf"), [
            ("kubectl-create", "Update", "v1", "FieldsV1",
             {"f:data": {".": {}, "f:j": {}}, "f:metadata": {"f:labels": {".": {}, "f:a": {}}}}),
            ("kubectl-patch", "Update", "v1", "FieldsV1", {"f:data": {"f:k": {}}})])
        # A raw request: the User-Agent's program name is the manager.
        status, _, out = self.server.request(
            "PATCH", "/api/v1/namespaces/default/configmaps/mf", body=b'{"data":{"j":"2"}}',
            headers={"Content-Type": "application/merge-patch+json", "User-Agent": "mytool/1.0 (x)"})
        self.assertEqual(status, 200, out)
        self.assertIn(("mytool", "Update", "v1", "FieldsV1", {"f:data": {"f:j": {}}}), self.managed("mf"))

    def test_field_manager_is_checked(self):
        path = "/api/v1/namespaces/default/configmaps?fieldManager=" + "a" * 129
        status, _, out = self.server.request("POST", path, body=json.dumps(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "mf-long"}}).encode(),
            headers={"Content-Type": "application/json"})
        body = json.loads(out)
        self.assertEqual((status, body["reason"], body["message"]),
                         (422, "Invalid", 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: '
                          "Too long: may not be more than 128 bytes"))
        status, _, out = self.server.request(
            "PATCH", "/api/v1/namespaces/default/configmaps/nothing?force=true", body=b"{}",
            headers={"Content-Type": "application/merge-patch+json"})
        self.assertEqual((status, json.loads(out)["message"]),
                         (422, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be '
                          "specified for non-apply patch"))


class ServerSideApplyTest(KubectlCase):
    """Server-side apply (PATCH application/apply-patch+yaml) through
    kubectl apply --server-side: create, changes, a list element removed,
    conflicts between managers and --force-conflicts, the Apply entries."""
    ns = "ssa"

    def test_server_side_apply(self):
        self.ok("create", "-f", "-", ns=False, stdin=json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.ns}}))
        path = self.write("ssa-deploy.json", deployment())
        self.assertIn("deployment.apps/x serverside-applied", self.ok("apply", "--server-side", "-f", path))
        d = self.get("deployment", "x")
        self.assertEqual(d["spec"]["replicas"], 1)
        # replicas, an env var changed; the port 8080 left out goes.
        obj = deployment(env="2", ports=(80,))
        obj["spec"]["replicas"] = 2
        path = self.write("ssa-deploy.json", obj)
        self.ok("apply", "--server-side", "-f", path)
        d = self.get("deployment", "x")
        c = self.container()
        self.assertEqual((d["spec"]["replicas"], c["env"], c["ports"]),
                         (2, [{"name": "A", "value": "0"}, {"name": "E", "value": "2"}],
                          [{"containerPort": 80, "protocol": "TCP"}]))
        self.assertEqual(d["metadata"]["generation"], 2)
        out = json.loads(self.ok("get", "deployment", "x", "-o", "json", "--show-managed-fields"))
        entries = [(e["manager"], e["operation"], e["apiVersion"]) for e in out["metadata"]["managedFields"]]
        self.assertEqual(entries, [("kubectl", "Apply", "apps/v1")])
        spec = out["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]
        self.assertIn("f:replicas", spec)
        self.assertIn('k:{"containerPort":80,"protocol":"TCP"}',
                      spec["f:template"]["f:spec"]["f:containers"]['k:{"name":"c"}']["f:ports"])
        self.assertNotIn('k:{"containerPort":8080,"protocol":"TCP"}',
                         spec["f:template"]["f:spec"]["f:containers"]['k:{"name":"c"}']["f:ports"])
        self.assertIn("operation: Apply", self.ok("get", "deployment", "x", "-o", "yaml", "--show-managed-fields"))

        # Manager a asks for replicas 3, which kubectl owns: a conflict.
        part = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
                "spec": {"replicas": 3, "minReadySeconds": 5}}
        pa = self.write("ssa-a.json", part)
        r = self.kubectl("apply", "--server-side", "--field-manager=a", "-f", pa)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas\n'
                      "Please review the fields above", r.stderr)
        self.assertEqual(self.get("deployment", "x")["spec"]["replicas"], 2)
        # --force-conflicts takes the field.
        self.ok("apply", "--server-side", "--field-manager=a", "--force-conflicts", "-f", pa)
        self.assertEqual(self.get("deployment", "x")["spec"]["replicas"], 3)
        part["spec"] = {"replicas": 4, "minReadySeconds": 6}
        pb = self.write("ssa-b.json", part)
        r = self.kubectl("apply", "--server-side", "--field-manager=b", "-f", pb)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('error: Apply failed with 2 conflicts: conflicts with "a":\n- .spec.minReadySeconds\n'
                      "- .spec.replicas\nPlease review", r.stderr)
        # The same value is shared, not a conflict.
        part["spec"] = {"replicas": 3}
        self.ok("apply", "--server-side", "--field-manager=c", "-f", self.write("ssa-c.json", part))
        r = self.kubectl("apply", "--server-side", "--field-manager=b", "-f", pb)
        self.assertIn('error: Apply failed with 3 conflicts: conflicts with "a":\n- .spec.minReadySeconds\n'
                      '- .spec.replicas\nconflicts with "c":\n- .spec.replicas\nPlease review', r.stderr)
        part["spec"] = {"replicas": 4}
        self.ok("apply", "--server-side", "--field-manager=b", "--force-conflicts", "-f",
                self.write("ssa-b.json", part))
        out = json.loads(self.ok("get", "deployment", "x", "-o", "json", "--show-managed-fields"))
        self.assertEqual((out["spec"]["replicas"], out["spec"]["minReadySeconds"]), (4, 5))
        owners = {e["manager"]: e for e in out["metadata"]["managedFields"]}
        self.assertEqual(sorted(owners), ["a", "b", "kubectl"])  # c lost its only field
        self.assertEqual(owners["a"]["fieldsV1"], {"f:spec": {"f:minReadySeconds": {}}})
        self.assertEqual(owners["b"]["fieldsV1"], {"f:spec": {"f:replicas": {}}})
        self.assertNotIn("f:replicas", owners["kubectl"]["fieldsV1"]["f:spec"])
        # a stops applying minReadySeconds: nobody else owns it, so it goes.
        part["spec"] = {}
        self.ok("apply", "--server-side", "--field-manager=a", "-f", self.write("ssa-a.json", part))
        out = json.loads(self.ok("get", "deployment", "x", "-o", "json", "--show-managed-fields"))
        self.assertNotIn("minReadySeconds", out["spec"])
        self.assertEqual(sorted(e["manager"] for e in out["metadata"]["managedFields"]), ["b", "kubectl"])
        # kubectl stops applying the sidecar: the list element goes.
        obj["spec"]["template"]["spec"]["containers"].pop()
        obj["spec"].pop("replicas")
        self.ok("apply", "--server-side", "-f", self.write("ssa-deploy.json", obj))
        d = self.get("deployment", "x")
        self.assertEqual([c["name"] for c in d["spec"]["template"]["spec"]["containers"]], ["c"])
        self.assertEqual(d["spec"]["replicas"], 4)

    def test_apply_errors(self):
        base = "/apis/apps/v1/namespaces/default/deployments/e"
        body = json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "e"}}).encode()
        status, _, out = self.server.request("PATCH", base, body=body,
                                             headers={"Content-Type": "application/apply-patch+yaml"})
        self.assertEqual((status, json.loads(out)["message"]),
                         (422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
                          "is required for apply patch"))
        status, _, out = self.server.request(
            "PATCH", base + "?fieldManager=m", headers={"Content-Type": "application/apply-patch+yaml"},
            body=b"apiVersion: v1\nkind: Deployment\nmetadata:\n  name: e\n")
        self.assertEqual((status, json.loads(out)["message"]), (400, "invalid object type: /v1, Kind=Deployment"))
        status, _, out = self.server.request(
            "PATCH", base + "?fieldManager=m", headers={"Content-Type": "application/apply-patch+yaml"},
            body=b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: e\n  managedFields: []\n")
        self.assertEqual((status, json.loads(out)["message"]), (400, "metadata.managedFields must be nil"))
        status, _, out = self.server.request(
            "PATCH", base + "?fieldManager=m", headers={"Content-Type": "application/apply-patch+yaml"},
            body=b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\n")
        self.assertEqual((status, json.loads(out)["message"]),
                         (400, "the name of the object (other) does not match the name on the URL (e)"))
        # A ConfigMap created by apply, then a conflict's Status in full.
        cm = "/api/v1/namespaces/default/configmaps/ssa-cm"
        status, _, out = self.server.request(
            "PATCH", cm + "?fieldManager=m1", headers={"Content-Type": "application/apply-patch+yaml"},
            body=b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-cm\ndata:\n  k: v\n")
        self.assertEqual(status, 201, out)
        created = json.loads(out)
        self.assertEqual([(e["manager"], e["operation"], e["fieldsV1"]) for e in created["metadata"]["managedFields"]],
                         [("m1", "Apply", {"f:data": {"f:k": {}}})])
        status, _, out = self.server.request(
            "PATCH", cm + "?fieldManager=m2", headers={"Content-Type": "application/apply-patch+yaml"},
            body=b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-cm\ndata:\n  k: w\n")
        self.assertEqual((status, json.loads(out)), (409, {
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": 'Apply failed with 1 conflict: conflict with "m1": .data.k', "reason": "Conflict",
            "details": {"causes": [{"reason": "FieldManagerConflict", "message": 'conflict with "m1"',
                                    "field": ".data.k"}]}, "code": 409}))
        # A dry run creates nothing.
        status, _, out = self.server.request(
            "PATCH", cm + "-dry?fieldManager=m1&dryRun=All",
            headers={"Content-Type": "application/apply-patch+yaml"},
            body=b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-cm-dry\ndata:\n  k: v\n")
        self.assertEqual((status, json.loads(out)["data"]), (201, {"k": "v"}))
        self.assertEqual(self.server.get_json(cm + "-dry")[0], 404)
        # Forced, and applied again unchanged: 200 both times, m2 alone owns k.
        for _ in range(2):
            status, _, out = self.server.request(
                "PATCH", cm + "?fieldManager=m2&force=true",
                headers={"Content-Type": "application/apply-patch+yaml"},
                body=b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa-cm\ndata:\n  k: w\n")
            got = json.loads(out)
            self.assertEqual((status, got["data"]), (200, {"k": "w"}))
            self.assertEqual([(e["manager"], e["fieldsV1"]) for e in got["metadata"]["managedFields"]],
                             [("m2", {"f:data": {"f:k": {}}})])


class NodeCommandsTest(KubectlCase):
    """kubectl taint, cordon and uncordon: strategic merge patches of a Node."""

    def test_taint_cordon_uncordon(self):
        self.ok("apply", "-f", self.write("node-n1.json", {
            "apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "labels": {"zone": "a"}}}), ns=False)
        self.assertIn("tainted", self.ok("taint", "nodes", "n1", "dedicated=db:NoSchedule", ns=False))
        self.assertIn("tainted", self.ok("taint", "nodes", "n1", "gpu:NoExecute", ns=False))
        taints = self.get("node", "n1")["spec"]["taints"]
        # kubectl puts the taints it adds before the ones there ($setElementOrder).
        self.assertEqual([(t["key"], t.get("value"), t["effect"]) for t in taints],
                         [("gpu", None, "NoExecute"), ("dedicated", "db", "NoSchedule")])
        self.assertIn("cordoned", self.ok("cordon", "n1", ns=False))
        self.assertTrue(self.get("node", "n1")["spec"]["unschedulable"])
        self.assertIn("SchedulingDisabled", self.ok("get", "node", "n1", ns=False))
        self.assertIn("untainted", self.ok("taint", "nodes", "n1", "dedicated:NoSchedule-", ns=False))
        self.assertEqual([t["key"] for t in self.get("node", "n1")["spec"]["taints"]], ["gpu"])
        self.assertIn("uncordoned", self.ok("uncordon", "n1", ns=False))
        self.assertNotIn("unschedulable", self.get("node", "n1")["spec"])
        r = self.kubectl("taint", "nodes", "n1", "gpu:NoExecute", ns=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("already has gpu taint(s) with same effect(s) and --overwrite is false", r.stderr)


class PodUpdateTest(KubectlCase):
    """A pod's spec is fixed once created, except what ValidatePodUpdate allows."""

    def test_what_a_pod_update_may_change(self):
        self.ok("run", "upd", "--image=nginx:1.27", "--restart=Never")
        self.assertIn("image updated", self.ok("set", "image", "pod/upd", "upd=nginx:1.28"))
        self.assertEqual(self.get("pod", "upd")["spec"]["containers"][0]["image"], "nginx:1.28")
        self.ok("patch", "pod", "upd", "-p", '{"spec":{"activeDeadlineSeconds":60,'
                '"tolerations":[{"key":"a","operator":"Exists"}]}}')
        self.assertIn("labeled", self.ok("label", "pod", "upd", "tier=web"))
        r = self.kubectl("patch", "pod", "upd", "-p",
                         '{"spec":{"containers":[{"name":"upd","command":["sh"]}]}}')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('The Pod "upd" is invalid: spec: Forbidden: pod updates may not change fields '
                      'other than `spec.containers[*].image`,', r.stderr)
        r = self.kubectl("patch", "pod", "upd", "-p", '{"spec":{"activeDeadlineSeconds":120}}')
        self.assertIn("spec.activeDeadlineSeconds: Invalid value: 120: must be less than or equal to "
                      "previous value", r.stderr)
        pod = self.get("pod", "upd")
        self.assertEqual((pod["spec"]["activeDeadlineSeconds"], "command" in pod["spec"]["containers"][0]),
                         (60, False))


class SecretStringDataTest(KubectlCase):
    """stringData is write-only: merged into data, base64-encoded, and never stored."""

    def test_string_data_is_merged_into_data(self):
        path = self.write("secret-sd.json", {
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sd"},
            "data": {"user": "b2xk", "keep": "a2VlcA=="}, "stringData": {"user": "admin", "token": "t0k"}})
        self.ok("apply", "-f", path)
        secret = self.get("secret", "sd")
        self.assertEqual((secret["data"], "stringData" in secret),
                         ({"user": "YWRtaW4=", "keep": "a2VlcA==", "token": "dDBr"}, False))
        self.ok("patch", "secret", "sd", "-p", '{"stringData":{"keep":"new"}}')
        self.assertEqual(self.get("secret", "sd")["data"]["keep"], "bmV3")


class ClientToServerSideApplyTest(KubectlCase):
    """An object kubectl apply made client-side, then applied server-side:
    unchanged and changed, without conflicts, as upstream documents the
    migration ("field management transfers ... without encountering
    conflicts")."""
    ns = "csa-ssa"

    def test_migration_has_no_conflicts(self):
        self.ok("create", "namespace", self.ns, ns=False)
        obj = deployment()
        path = self.write("csa-ssa.json", obj)
        self.assertIn("created", self.ok("apply", "-f", path))
        self.assertIn("serverside-applied", self.ok("apply", "--server-side", "-f", path))
        obj["spec"]["replicas"] = 3
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"
        path = self.write("csa-ssa.json", obj)
        r = self.kubectl("apply", "--server-side", "-f", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        d = json.loads(self.ok("get", "deployment", "x", "-o", "json", "--show-managed-fields"))
        self.assertEqual((d["spec"]["replicas"], d["spec"]["template"]["spec"]["containers"][0]["image"]),
                         (3, "nginx:2"))
        managers = {(m["manager"], m["operation"]) for m in d["metadata"]["managedFields"]}
        self.assertIn(("kubectl", "Apply"), managers)
