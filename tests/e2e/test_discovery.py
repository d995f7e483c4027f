"""Discovery: the legacy documents, aggregated discovery (v2 and v2beta1)
chosen by Accept, and what kubectl api-resources / api-versions print from
them, with the current kubectl and the oldest and newest installed ones."""
import json
import os
import subprocess
import unittest

from harness import ServerTest, TMP, kubeconfig

AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
KUBECTL_DIR = "/usr/lib/google-cloud-sdk/bin"

# Rows of `kubectl api-resources` on kube-apiserver v1.32 for well-known kinds:
# NAME, SHORTNAMES, APIVERSION, NAMESPACED, KIND.
KNOWN_ROWS = [
    ("pods", "po", "v1", "true", "Pod"),
    ("services", "svc", "v1", "true", "Service"),
    ("namespaces", "ns", "v1", "false", "Namespace"),
    ("nodes", "no", "v1", "false", "Node"),
    ("configmaps", "cm", "v1", "true", "ConfigMap"),
    ("events", "ev", "v1", "true", "Event"),
    ("deployments", "deploy", "apps/v1", "true", "Deployment"),
    ("cronjobs", "cj", "batch/v1", "true", "CronJob"),
    ("horizontalpodautoscalers", "hpa", "autoscaling/v2", "true", "HorizontalPodAutoscaler"),
    ("customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", "false", "CustomResourceDefinition"),
    ("clusterroles", "", "rbac.authorization.k8s.io/v1", "false", "ClusterRole"),
    ("events", "ev", "events.k8s.io/v1", "true", "Event"),
    ("apiservices", "", "apiregistration.k8s.io/v1", "false", "APIService"),
]

# The groups of /apis in kube-apiserver v1.32's order: the aggregator lists
# its own group first, then the groups by APIService priority; aggregated
# discovery sorts by priority alone, where apiregistration.k8s.io (no
# APIService) has the default 1000 and comes last.
BY_PRIORITY = ["apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "autoscaling",
               "batch", "certificates.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io",
               "storage.k8s.io", "admissionregistration.k8s.io", "apiextensions.k8s.io", "scheduling.k8s.io",
               "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io", "flowcontrol.apiserver.k8s.io"]
LEGACY_GROUP_ORDER = ["apiregistration.k8s.io"] + BY_PRIORITY
AGGREGATED_GROUP_ORDER = BY_PRIORITY + ["apiregistration.k8s.io"]


class DiscoveryTest(ServerTest):

    def get(self, path, accept="application/json"):
        status, headers, data = self.server.request("GET", path, headers={"Accept": accept})
        return status, headers, json.loads(data)

    def test_legacy_documents(self):
        status, _, doc = self.get("/api")
        self.assertEqual((status, doc["kind"], doc["versions"]), (200, "APIVersions", ["v1"]))
        self.assertTrue(doc["serverAddressByClientCIDRs"])
        status, _, doc = self.get("/apis")
        self.assertEqual(doc["kind"], "APIGroupList")
        self.assertEqual([g["name"] for g in doc["groups"]], LEGACY_GROUP_ORDER)
        groups = {g["name"]: g for g in doc["groups"]}
        self.assertEqual(groups["apiregistration.k8s.io"]["preferredVersion"],
                         {"groupVersion": "apiregistration.k8s.io/v1", "version": "v1"})
        self.assertEqual(groups["apps"]["preferredVersion"], {"groupVersion": "apps/v1", "version": "v1"})
        self.assertEqual(groups["autoscaling"]["preferredVersion"]["version"], "v2")
        self.assertEqual(sorted(v["version"] for v in groups["autoscaling"]["versions"]), ["v1", "v2"])
        status, _, doc = self.get("/apis/apps")
        self.assertEqual((status, doc["kind"], doc["name"]), (200, "APIGroup", "apps"))
        status, _, doc = self.get("/api/v1")
        self.assertEqual((doc["kind"], doc["groupVersion"]), ("APIResourceList", "v1"))
        resources = {r["name"]: r for r in doc["resources"]}
        self.assertEqual(resources["pods"]["shortNames"], ["po"])
        self.assertTrue(resources["pods"]["namespaced"])
        self.assertIn("watch", resources["pods"]["verbs"])
        self.assertEqual(resources["pods/status"]["kind"], "Pod")
        self.assertEqual(resources["pods/status"]["singularName"], "")
        names = [r["name"] for r in doc["resources"]]
        self.assertEqual(names, sorted(names))
        status, _, doc = self.get("/apis/apps/v1")
        resources = {r["name"]: r for r in doc["resources"]}
        self.assertEqual(resources["deployments/scale"]["group"], "autoscaling")
        self.assertEqual(resources["deployments/scale"]["kind"], "Scale")
        for path in ("/apis/nosuch", "/apis/apps/v9", "/apis/nosuch/v1"):
            status, _, doc = self.get(path)
            self.assertEqual((status, doc["reason"]), (404, "NotFound"), path)

    def test_aggregated_discovery(self):
        for accept, version in ((AGGREGATED_V2 + ",application/json", "v2"),
                                (AGGREGATED_V2BETA1 + ",application/json", "v2beta1")):
            status, headers, doc = self.get("/apis", accept)
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"],
                             "application/json;g=apidiscovery.k8s.io;v=%s;as=APIGroupDiscoveryList" % version)
            self.assertEqual(doc["kind"], "APIGroupDiscoveryList")
            self.assertEqual(doc["apiVersion"], "apidiscovery.k8s.io/" + version)
            self.assertEqual([g["metadata"]["name"] for g in doc["items"]], AGGREGATED_GROUP_ORDER)
            groups = {g["metadata"]["name"]: g for g in doc["items"]}
            apiservices = groups["apiregistration.k8s.io"]["versions"][0]["resources"][0]
            self.assertEqual(apiservices, {
                "resource": "apiservices", "scope": "Cluster", "singularResource": "apiservice",
                "responseKind": {"group": "apiregistration.k8s.io", "version": "v1", "kind": "APIService"},
                "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
                "categories": ["api-extensions"],
                "subresources": [{"subresource": "status", "verbs": ["get", "patch", "update"],
                                  "responseKind": {"group": "apiregistration.k8s.io", "version": "v1",
                                                   "kind": "APIService"}}]})
            apps = groups["apps"]["versions"][0]
            self.assertEqual((apps["version"], apps["freshness"]), ("v1", "Current"))
            deploy = {r["resource"]: r for r in apps["resources"]}["deployments"]
            self.assertEqual(deploy["responseKind"], {"group": "apps", "version": "v1", "kind": "Deployment"})
            self.assertEqual(deploy["scope"], "Namespaced")
            self.assertEqual(deploy["singularResource"], "deployment")
            scale = {s["subresource"]: s for s in deploy["subresources"]}["scale"]
            self.assertEqual(scale["responseKind"]["kind"], "Scale")
            self.assertEqual([v["version"] for v in groups["autoscaling"]["versions"]], ["v2", "v1"])
        status, headers, doc = self.get("/api", AGGREGATED_V2)
        self.assertEqual(len(doc["items"]), 1)
        core = doc["items"][0]
        self.assertNotIn("name", core["metadata"])
        pods = {r["resource"]: r for r in core["versions"][0]["resources"]}["pods"]
        self.assertEqual(pods["shortNames"], ["po"])
        self.assertIn("all", pods["categories"])
        # Plain JSON clients still get the legacy document.
        status, headers, doc = self.get("/apis", "application/json")
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(doc["kind"], "APIGroupList")

    def kubectl(self, binary, *args):
        cfg = kubeconfig(self.server, os.path.join(TMP, "discovery.kubeconfig"))
        cache = os.path.join(TMP, "kube-cache-%s" % os.path.basename(binary))
        return subprocess.run([binary, "--kubeconfig", cfg, "--cache-dir", cache, *args],
                              capture_output=True, text=True, check=True).stdout

    def test_kubectl_api_resources_and_versions(self):
        binaries = ["kubectl"] + [os.path.join(KUBECTL_DIR, b) for b in ("kubectl.1.27", "kubectl.1.33")
                                  if os.path.exists(os.path.join(KUBECTL_DIR, b))]
        for binary in binaries:
            out = self.kubectl(binary, "api-resources", "--no-headers")
            rows = set()
            for line in out.splitlines():
                cols = line.split()
                if len(cols) == 4:  # no short names
                    cols.insert(1, "")
                rows.add(tuple(cols))
            for row in KNOWN_ROWS:
                self.assertIn(row, rows, binary)
            versions = self.kubectl(binary, "api-versions").split()
            for gv in ("v1", "apps/v1", "autoscaling/v1", "autoscaling/v2", "batch/v1",
                       "rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1",
                       "apiregistration.k8s.io/v1"):
                self.assertIn(gv, versions, binary)


if __name__ == "__main__":
    unittest.main()
