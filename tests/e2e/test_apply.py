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


class ApplyTest(ServerTest):
    ns = "smp"

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
                          [{"containerPort": 80}]))
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
