"""Server-side printing: Table and PartialObjectMetadata answers chosen by
Accept, on get, list and watch, and what kubectl get prints from them."""
import json
import os
import re
import subprocess
import time
import unittest

from harness import ServerTest, TMP, kubeconfig

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
KUBECTL_TABLE = TABLE + ",application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
PARTIAL_LIST = "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"


class TableTest(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "table.kubeconfig"))
        ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tables"}}
        cls.post("/api/v1/namespaces", ns)
        cls.post("/api/v1/namespaces/tables/configmaps",
                 {"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "two-keys", "labels": {"tier": "db", "app": "shop"}},
                  "data": {"a": "1", "b": "2"}})
        cls.post("/api/v1/namespaces/tables/configmaps",
                 {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "empty", "labels": {"tier": "web"}}})
        pod = cls.post("/api/v1/namespaces/tables/pods",
                       {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0"},
                        "spec": {"nodeName": "node-a", "containers": [{"name": "c", "image": "nginx"},
                                                                     {"name": "d", "image": "redis"}]}})
        # A create drops the status; the kubelet's part comes through /status.
        pod["status"] = {"phase": "Running", "podIP": "10.1.2.3", "podIPs": [{"ip": "10.1.2.3"}],
                         "containerStatuses": [
                             {"name": "c", "ready": True, "restartCount": 0, "state": {"running": {}}},
                             {"name": "d", "ready": False, "restartCount": 3,
                              "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}
        status, _, out = cls.server.request("PUT", "/api/v1/namespaces/tables/pods/web-0/status",
                                            body=json.dumps(pod), headers={"Content-Type": "application/json"})
        assert status == 200, out

    @classmethod
    def post(cls, path, body):
        status, _, out = cls.server.request("POST", path, body=json.dumps(body),
                                            headers={"Content-Type": "application/json"})
        assert status == 201, out
        return json.loads(out)

    def get(self, path, accept):
        status, headers, out = self.server.request("GET", path, headers={"Accept": accept})
        return status, headers, json.loads(out)

    def kubectl(self, *args):
        r = subprocess.run(["kubectl", "--kubeconfig", self.cfg, "-n", "tables", *args],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_table_list_and_get(self):
        status, headers, t = self.get("/api/v1/namespaces/tables/configmaps", KUBECTL_TABLE)
        self.assertEqual((status, headers["Content-Type"]), (200, "application/json"))
        self.assertEqual((t["kind"], t["apiVersion"]), ("Table", "meta.k8s.io/v1"))
        self.assertEqual([c["name"] for c in t["columnDefinitions"]], ["Name", "Data", "Age"])
        self.assertEqual([r["cells"][:2] for r in t["rows"]], [["empty", 0], ["two-keys", 2]])
        self.assertEqual(t["rows"][0]["object"]["kind"], "PartialObjectMetadata")
        self.assertTrue(t["metadata"]["resourceVersion"])
        status, _, one = self.get("/api/v1/namespaces/tables/configmaps/two-keys?includeObject=Object", TABLE)
        self.assertEqual(len(one["rows"]), 1)
        self.assertEqual(one["rows"][0]["object"]["data"], {"a": "1", "b": "2"})
        status, _, none = self.get("/api/v1/namespaces/tables/configmaps?includeObject=None", TABLE)
        self.assertIsNone(none["rows"][0].get("object"))
        status, _, err = self.get("/api/v1/namespaces/tables/configmaps?includeObject=All", TABLE)
        self.assertEqual((status, err["reason"]), (400, "BadRequest"))
        # Pages of a Table carry the continue token.
        status, _, page = self.get("/api/v1/namespaces/tables/configmaps?limit=1", TABLE)
        self.assertEqual(len(page["rows"]), 1)
        self.assertTrue(page["metadata"]["continue"])

    def test_partial_object_metadata_and_not_acceptable(self):
        status, _, p = self.get("/api/v1/namespaces/tables/configmaps", PARTIAL_LIST)
        self.assertEqual((p["kind"], p["apiVersion"]), ("PartialObjectMetadataList", "meta.k8s.io/v1"))
        self.assertEqual(sorted(i["metadata"]["name"] for i in p["items"]), ["empty", "two-keys"])
        self.assertNotIn("data", p["items"][0])
        # Protobuf is served for plain objects and lists; not for Tables, nor HTML.
        status, headers, out = self.server.request("GET", "/api/v1/namespaces/tables/configmaps",
                                                   headers={"Accept": "application/vnd.kubernetes.protobuf"})
        self.assertEqual((status, headers["Content-Type"], out[:4]),
                         (200, "application/vnd.kubernetes.protobuf", b"k8s\0"))
        self.assertIn(b"ConfigMapList", out)
        for accept in ("application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io", "text/html"):
            status, _, err = self.get("/api/v1/namespaces/tables/configmaps", accept)
            self.assertEqual((status, err["reason"], err["code"]), (406, "NotAcceptable", 406))
            self.assertEqual(err["message"], "only the following media types are accepted: application/json, "
                                             "application/yaml, application/vnd.kubernetes.protobuf")
        status, _, ok = self.get("/api/v1/namespaces/tables/configmaps",
                                 "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,*/*")
        self.assertEqual((status, ok["kind"]), (200, "ConfigMapList"))

    def test_kubectl_get_prints_the_server_columns(self):
        out = self.kubectl("get", "pods")
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
        self.assertEqual(lines[1].split()[:4], ["web-0", "1/2", "CrashLoopBackOff", "3"])
        wide = self.kubectl("get", "pods", "-o", "wide").splitlines()
        self.assertEqual(wide[0].split(), ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE",
                                           "NOMINATED", "NODE", "READINESS", "GATES"])
        self.assertEqual(wide[1].split()[5:], ["10.1.2.3", "node-a", "<none>", "<none>"])
        cms = self.kubectl("get", "configmaps", "--show-labels").splitlines()
        self.assertEqual(cms[0].split(), ["NAME", "DATA", "AGE", "LABELS"])
        self.assertEqual(cms[2].split()[0:2] + cms[2].split()[3:], ["two-keys", "2", "app=shop,tier=db"])
        cols = self.kubectl("get", "configmaps", "-L", "tier", "--sort-by=.metadata.name").splitlines()
        self.assertEqual(cols[0].split(), ["NAME", "DATA", "AGE", "TIER"])
        self.assertEqual([l.split()[0] for l in cols[1:]], ["empty", "two-keys"])
        self.assertEqual(cols[1].split()[-1], "web")
        everywhere = self.kubectl("get", "configmaps", "-A").splitlines()
        self.assertEqual(everywhere[0].split(), ["NAMESPACE", "NAME", "DATA", "AGE"])
        self.assertIn(["tables", "two-keys", "2"], [l.split()[:3] for l in everywhere])
        ns = self.kubectl("get", "namespace", "tables").splitlines()
        self.assertEqual(ns[0].split(), ["NAME", "STATUS", "AGE"])
        self.assertEqual(ns[1].split()[:2], ["tables", "Active"])

    def test_kubectl_get_watch_prints_rows(self):
        self.post("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "tables-w"}})
        proc = subprocess.Popen(["kubectl", "--kubeconfig", self.cfg, "-n", "tables-w", "get", "configmaps",
                                 "--watch-only", "--output-watch-events", "--request-timeout=6s"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        self.post("/api/v1/namespaces/tables-w/configmaps",
                  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "watched"}, "data": {"x": "y"}})
        out, err = proc.communicate(timeout=30)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["EVENT", "NAME", "DATA", "AGE"], err)
        self.assertEqual(lines[1].split()[:3], ["ADDED", "watched", "1"], err)


if __name__ == "__main__":
    unittest.main()
