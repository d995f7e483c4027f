"""/openapi/v3 as kubectl uses it: the root index, one document per
group-version whose PATCH operations carry x-kubernetes-group-version-kind
and a fieldValidation parameter, so that kubectl's default
--validate=strict hands validation to the server instead of failing."""
import json
import os
import subprocess
import unittest

from harness import ServerTest, TMP, kubeconfig

KUBECTL_DIR = "/usr/lib/google-cloud-sdk/bin"


class OpenAPITest(ServerTest):

    def get(self, path):
        status, headers, body = self.server.request("GET", path)
        return status, headers, json.loads(body) if body else None

    def test_root_lists_every_group_version(self):
        status, _, root = self.get("/openapi/v3")
        self.assertEqual(status, 200)
        for gv in ("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/rbac.authorization.k8s.io/v1"):
            self.assertRegex(root["paths"][gv]["serverRelativeURL"], r"^/openapi/v3/%s\?hash=[0-9A-F]{64}$" % gv)
        status, _, doc = self.get(root["paths"]["apis/apps/v1"]["serverRelativeURL"])
        self.assertEqual((status, doc["openapi"]), (200, "3.0.0"))
        patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
        self.assertEqual(patch["x-kubernetes-group-version-kind"],
                         {"group": "apps", "version": "v1", "kind": "Deployment"})
        self.assertEqual(patch["x-kubernetes-action"], "patch")
        self.assertIn("fieldValidation", [p["name"] for p in patch["parameters"] if p["in"] == "query"])
        self.assertIn("application/merge-patch+json", patch["requestBody"]["content"])
        # Cluster-scoped kinds have no namespace in their paths.
        status, _, core = self.get("/openapi/v3/api/v1")
        self.assertIn("/api/v1/namespaces/{name}", core["paths"])
        self.assertIn("/api/v1/nodes/{name}", core["paths"])
        self.assertEqual(self.get("/openapi/v3/apis/nope/v1")[0], 404)
        self.assertEqual(self.get("/openapi/v3/api/v9")[0], 404)

    def test_kubectl_create_validates_on_the_server(self):
        cfg = kubeconfig(self.server, os.path.join(TMP, "openapi.kubeconfig"))
        path = os.path.join(TMP, "openapi-cm.json")
        with open(path, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "validated"},
                       "data": {"a": "b"}}, f)
        for kubectl, name in (("kubectl", "validated"), (os.path.join(KUBECTL_DIR, "kubectl.1.29"), "validated-129"),
                              (os.path.join(KUBECTL_DIR, "kubectl.1.27"), "validated-127")):
            if not os.path.exists(kubectl) and kubectl != "kubectl":
                self.fail("missing " + kubectl)
            r = subprocess.run([kubectl, "--kubeconfig", cfg, "--cache-dir", os.path.join(TMP, "cache-" + name),
                                "create", "-f", path, "-o", "name"] if name == "validated" else
                               [kubectl, "--kubeconfig", cfg, "--cache-dir", os.path.join(TMP, "cache-" + name),
                                "create", "configmap", name, "--from-literal=a=b", "-o", "name"],
                               capture_output=True, text=True)
            self.assertEqual((r.returncode, r.stdout.strip()), (0, "configmap/" + name), kubectl + ": " + r.stderr)
        self.assertIn("fieldValidation=Strict", self.server.read_log())


if __name__ == "__main__":
    unittest.main()
