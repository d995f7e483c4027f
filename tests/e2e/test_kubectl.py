"""The everyday kubectl workflow against pgkube, with the current kubectl and
smoke runs with 1.27 and 1.29: create/get/describe/label/annotate/patch/
replace/delete, output formats, selectors, paging, dry-run, error messages
as kubectl prints them, and namespace deletion."""
import json
import os
import subprocess
import unittest

from harness import ServerTest, TMP, kubeconfig

KUBECTL_DIR = "/usr/lib/google-cloud-sdk/bin"


class KubectlTest(ServerTest):
    kubectl_bin = "kubectl"
    ns = "kc"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "kubectl-%s.kubeconfig" % cls.ns))

    def run_kubectl(self, *args, stdin=None, ns=True):
        cmd = [self.kubectl_bin, "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "kcache-" + self.ns)]
        if ns:
            cmd += ["-n", self.ns]
        return subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, timeout=120)

    def ok(self, *args, stdin=None, ns=True):
        r = self.run_kubectl(*args, stdin=stdin, ns=ns)
        self.assertEqual(r.returncode, 0, "kubectl %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def fails(self, *args, stdin=None):
        r = self.run_kubectl(*args, stdin=stdin)
        self.assertNotEqual(r.returncode, 0, "kubectl %s succeeded" % " ".join(args))
        return r.stderr

    def manifest(self, name, data=None, labels=None):
        return json.dumps({"apiVersion": "v1", "kind": "ConfigMap",
                           "metadata": {"name": name, "labels": labels or {"app": "demo"}},
                           "data": data or {"color": "blue"}})

    def namespace(self, name):
        # kubectl 1.32's typed "create namespace" sends protobuf (the type catalog's issue).
        self.ok("create", "-f", "-", ns=False,
                stdin=json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}))

    def test_everyday_workflow(self):
        self.namespace(self.ns)
        self.assertEqual(self.ok("create", "-f", "-", "-o", "name", stdin=self.manifest("web")),
                         "configmap/web\n")
        err = self.fails("create", "-f", "-", stdin=self.manifest("web"))
        self.assertIn('Error from server (AlreadyExists): error when creating "STDIN": configmaps "web" already exists', err)
        # get in its formats
        self.assertEqual(self.ok("get", "cm", "web", "-o", "jsonpath={.data.color}"), "blue")
        self.assertEqual(json.loads(self.ok("get", "cm", "web", "-o", "json"))["metadata"]["name"], "web")
        self.assertIn("color: blue", self.ok("get", "cm", "web", "-o", "yaml"))
        self.assertEqual(self.ok("get", "cm", "-o", "name", "-l", "app=demo"), "configmap/web\n")
        self.assertEqual(self.ok("get", "cm", "web", "-o", "custom-columns=N:.metadata.name,C:.data.color").split(),
                         ["N", "C", "web", "blue"])
        self.assertIn("Name:         web", self.ok("describe", "configmap", "web"))
        # label, annotate (merge patches), patch both kinds, replace
        self.ok("label", "cm", "web", "tier=front")
        self.ok("label", "cm", "web", "tier=back", "--overwrite")
        self.ok("annotate", "cm", "web", "note=hello")
        got = json.loads(self.ok("get", "cm", "web", "-o", "json"))
        self.assertEqual(got["metadata"]["labels"], {"app": "demo", "tier": "back"})
        self.assertEqual(got["metadata"]["annotations"], {"note": "hello"})
        self.ok("label", "cm", "web", "tier-")
        self.ok("patch", "cm", "web", "--type=merge", "-p", '{"data":{"size":"L"}}')
        self.ok("patch", "cm", "web", "--type=json", "-p", '[{"op":"replace","path":"/data/color","value":"red"}]')
        got = json.loads(self.ok("get", "cm", "web", "-o", "json"))
        self.assertEqual(got["data"], {"color": "red", "size": "L"})
        self.assertNotIn("tier", got["metadata"]["labels"])
        # A failed "test" is a 422 without a message, which kubectl words so.
        err = self.fails("patch", "cm", "web", "--type=json", "-p", '[{"op":"test","path":"/data/color","value":"green"}]')
        self.assertIn("The request is invalid", err)
        got["data"] = {"only": "this"}
        self.ok("replace", "-f", "-", stdin=json.dumps(got))
        stale = dict(got, data={"x": "y"})
        err = self.fails("replace", "-f", "-", stdin=json.dumps(stale))
        self.assertIn('Operation cannot be fulfilled on configmaps "web": the object has been modified; '
                      'please apply your changes to the latest version and try again', err)
        # errors as kubectl prints them
        err = self.fails("get", "cm", "nope")
        self.assertIn('Error from server (NotFound): configmaps "nope" not found', err)
        err = self.fails("create", "-f", "-", stdin=self.manifest("Bad_Name"))
        self.assertIn('The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"', err)
        # dry runs write nothing
        self.ok("create", "-f", "-", "--dry-run=server", stdin=self.manifest("dry"))
        self.assertIn("NotFound", self.fails("get", "cm", "dry"))
        # delete, delete --all
        for i in range(3):
            self.ok("create", "-f", "-", stdin=self.manifest("bulk-%d" % i))
        self.ok("delete", "cm", "web")
        self.ok("delete", "cm", "--all")
        self.assertEqual(self.ok("get", "cm", "-o", "name"), "")
        # the namespace goes, with what is in it
        self.ok("create", "-f", "-", stdin=self.manifest("left-behind"))
        self.ok("delete", "namespace", self.ns, "--timeout=60s", ns=False)
        r = self.run_kubectl("get", "namespace", self.ns, ns=False)
        self.assertIn('namespaces "%s" not found' % self.ns, r.stderr)



class KubectlPagingTest(KubectlTest):
    ns = "kc-paging"
    test_everyday_workflow = None  # KubectlTest runs it

    def test_paging_over_thousands(self):
        ns = self.ns
        self.namespace(ns)
        stream = "\n".join(self.manifest("p-%04d" % i) for i in range(1500))  # a JSON stream
        # Validating, kubectl 1.32 parses the group-version's OpenAPI v3
        # document again for every object (kubernetes/kubernetes#127095):
        # minutes for 1,500, against kube-apiserver as here.
        self.ok("create", "--validate=false", "-n", ns, "-f", "-", "-o", "name", stdin=stream, ns=False)
        names = self.ok("get", "-n", ns, "cm", "-o", "name", "--chunk-size=100", ns=False).split()
        self.assertEqual(names, ["configmap/p-%04d" % i for i in range(1500)])
        self.assertEqual(len(self.ok("get", "-n", ns, "cm", "--chunk-size=250", "--no-headers", ns=False).splitlines()),
                         1500)


class Kubectl129Test(KubectlTest):
    kubectl_bin = os.path.join(KUBECTL_DIR, "kubectl.1.29")
    ns = "kc129"


class Kubectl127Test(Kubectl129Test):
    kubectl_bin = os.path.join(KUBECTL_DIR, "kubectl.1.27")
    ns = "kc127"


if __name__ == "__main__":
    unittest.main()
