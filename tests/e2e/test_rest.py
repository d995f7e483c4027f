"""The generic REST engine: create, get, list (pagination, selectors),
update, delete of registry resources, their Status errors, kubectl on top,
and 503 while PostgreSQL is down."""
import json
import os
import subprocess
import time
import unittest

from harness import ROOT, TMP, Server, ServerTest, kubeconfig


def configmap(name, labels=None, data=None, ns=None, rv=None):
    meta = {"name": name}
    if labels:
        meta["labels"] = labels
    if ns:
        meta["namespace"] = ns
    if rv:
        meta["resourceVersion"] = rv
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {"k": "v"}}


class RestTest(ServerTest):

    def call(self, method, path, body=None, content_type="application/json"):
        headers = {"Content-Type": content_type} if body is not None else {}
        data = json.dumps(body) if isinstance(body, (dict, list)) else body
        status, _, out = self.server.request(method, path, body=data, headers=headers)
        return status, json.loads(out) if out else None

    def test_default_namespaces_are_bootstrapped(self):
        for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
            status, obj = self.call("GET", "/api/v1/namespaces/" + ns)
            self.assertEqual(status, 200, ns)
            self.assertEqual(obj["metadata"]["name"], ns)
            self.assertTrue(obj["metadata"]["uid"])

    def test_crud_and_errors(self):
        base = "/api/v1/namespaces/default/configmaps"
        status, created = self.call("POST", base, configmap("crud", {"app": "a"}))
        self.assertEqual(status, 201)
        meta = created["metadata"]
        self.assertEqual(meta["namespace"], "default")
        self.assertTrue(meta["uid"] and meta["creationTimestamp"] and meta["resourceVersion"])
        status, err = self.call("POST", base, configmap("crud"))
        self.assertEqual((status, err["reason"], err["message"]),
                         (409, "AlreadyExists", 'configmaps "crud" already exists'))
        self.assertEqual(err["details"], {"name": "crud", "kind": "configmaps"})
        status, got = self.call("GET", base + "/crud")
        self.assertEqual((status, got["metadata"]["uid"]), (200, meta["uid"]))
        status, _, raw = self.server.request("GET", base + "/crud?pretty=true")
        self.assertIn(b'\n  "metadata": {', raw)
        self.assertEqual(json.loads(raw), got)
        # Update with the current resourceVersion; then a stale one conflicts.
        status, updated = self.call("PUT", base + "/crud", configmap("crud", data={"k": "w"}, rv=meta["resourceVersion"]))
        self.assertEqual(status, 200)
        self.assertEqual(updated["data"], {"k": "w"})
        self.assertEqual(updated["metadata"]["uid"], meta["uid"])
        self.assertGreater(int(updated["metadata"]["resourceVersion"]), int(meta["resourceVersion"]))
        status, err = self.call("PUT", base + "/crud", configmap("crud", rv=meta["resourceVersion"]))
        self.assertEqual((status, err["reason"]), (409, "Conflict"))
        self.assertEqual(err["message"], 'Operation cannot be fulfilled on configmaps "crud": the object has been '
                                         'modified; please apply your changes to the latest version and try again')
        # Bad input: each a precise Status, nothing written.
        cases = [
            (configmap("Bad_Name"), 422, "Invalid"),
            ({"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "x"}}, 400, "BadRequest"),
            ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}}, 400, "BadRequest"),
            (configmap("x", ns="other"), 400, "BadRequest"),
            ("{not json", 400, "BadRequest"),
            ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}, 422, "Invalid"),
        ]
        for body, code, reason in cases:
            status, err = self.call("POST", base, body)
            self.assertEqual((status, err["reason"]), (code, reason), body)
        status, err = self.call("POST", base, "a: b", content_type="application/x-unknown")
        self.assertEqual(status, 415)
        status, err = self.call("POST", "/api/v1/namespaces/nosuchns/configmaps", configmap("x"))
        self.assertEqual((status, err["message"]), (404, 'namespaces "nosuchns" not found'))
        status, lst = self.call("GET", base)
        self.assertNotIn("Bad_Name", [i["metadata"]["name"] for i in lst["items"]])
        # generateName
        status, gen = self.call("POST", base, {"apiVersion": "v1", "kind": "ConfigMap",
                                               "metadata": {"generateName": "gen-"}})
        self.assertEqual(status, 201)
        self.assertRegex(gen["metadata"]["name"], r"^gen-[a-z0-9]{5}$")
        # Delete with a stale uid precondition, then for real.
        status, err = self.call("DELETE", base + "/crud",
                                {"preconditions": {"uid": "00000000-0000-4000-8000-000000000000"}})
        self.assertEqual((status, err["reason"]), (409, "Conflict"))
        status, gone = self.call("DELETE", base + "/crud")
        # ConfigMaps answer a deletion with a Status (pods, for one, with the object).
        self.assertEqual((status, gone["kind"], gone["status"], gone["details"]["name"], gone["details"]["kind"]),
                         (200, "Status", "Success", "crud", "configmaps"))
        self.assertRegex(gone["details"]["uid"], r"^[0-9a-f-]{36}$")
        status, err = self.call("GET", base + "/crud")
        self.assertEqual((status, err["reason"], err["message"]), (404, "NotFound", 'configmaps "crud" not found'))
        status, err = self.call("GET", "/apis/apps/v1/namespaces/default/deployments/none")
        self.assertEqual(err["message"], 'deployments.apps "none" not found')
        self.assertEqual(err["details"]["group"], "apps")

    def test_pagination_and_selectors(self):
        self.call("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "pages"}})
        base = "/api/v1/namespaces/pages/configmaps"
        for i in range(7):
            status, _ = self.call("POST", base, configmap("p%d" % i, {"tier": "odd" if i % 2 else "even"}))
            self.assertEqual(status, 201)
        status, page = self.call("GET", base + "?limit=3")
        self.assertEqual((page["kind"], page["apiVersion"]), ("ConfigMapList", "v1"))
        self.assertEqual(page["metadata"]["remainingItemCount"], 4)
        rv = page["metadata"]["resourceVersion"]
        names = [i["metadata"]["name"] for i in page["items"]]
        # A write between pages is not seen by the next pages (one snapshot).
        self.call("POST", base, configmap("p99"))
        token = page["metadata"]["continue"]
        while token:
            status, page = self.call("GET", base + "?limit=3&continue=" + token)
            self.assertEqual(status, 200)
            self.assertEqual(page["metadata"]["resourceVersion"], rv)
            names += [i["metadata"]["name"] for i in page["items"]]
            token = page["metadata"].get("continue")
        self.assertEqual(names, ["p%d" % i for i in range(7)])
        status, err = self.call("GET", base + "?limit=3&continue=garbage")
        self.assertEqual((status, err["reason"]), (400, "BadRequest"))
        status, lst = self.call("GET", base + "?labelSelector=tier%3Dodd")
        self.assertEqual([i["metadata"]["name"] for i in lst["items"]], ["p1", "p3", "p5"])
        status, lst = self.call("GET", base + "?labelSelector=tier+notin+(odd)")
        self.assertEqual([i["metadata"]["name"] for i in lst["items"]], ["p0", "p2", "p4", "p6", "p99"])
        status, lst = self.call("GET", base + "?fieldSelector=metadata.name%3Dp2")
        self.assertEqual([i["metadata"]["name"] for i in lst["items"]], ["p2"])
        status, err = self.call("GET", base + "?labelSelector=a%3D%3D%3Db")
        self.assertEqual((status, err["reason"]), (400, "BadRequest"))
        status, err = self.call("GET", base + "?fieldSelector=spec.nope%3D1")
        self.assertEqual((status, err["message"]), (400, "field label not supported: spec.nope"))
        # Across namespaces (other suites share the database: count only ours).
        status, lst = self.call("GET", "/api/v1/configmaps?labelSelector=tier")
        self.assertEqual(len([i for i in lst["items"] if i["metadata"]["namespace"] == "pages"]), 7)

    def test_kubectl_create_get_delete(self):
        cfg = kubeconfig(self.server, os.path.join(TMP, "rest.kubeconfig"))
        path = os.path.join(TMP, "cm.json")
        with open(path, "w") as f:
            json.dump(configmap("from-kubectl", {"made": "by-kubectl"}), f)
        run = lambda *a: subprocess.run(["kubectl", "--kubeconfig", cfg, *a], capture_output=True, text=True)
        r = run("create", "--validate=false", "-f", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("get", "configmap", "from-kubectl", "-o", "jsonpath={.metadata.labels.made}")
        self.assertEqual((r.returncode, r.stdout), (0, "by-kubectl"), r.stderr)
        r = run("get", "configmaps", "-l", "made=by-kubectl", "-o", "name")
        self.assertEqual(r.stdout.strip(), "configmap/from-kubectl", r.stderr)
        r = run("create", "--validate=false", "-f", path)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('Error from server (AlreadyExists): error when creating "%s": configmaps "from-kubectl" already exists' % path, r.stderr)
        r = run("delete", "configmap", "from-kubectl", "--wait=false")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("get", "configmap", "from-kubectl")
        self.assertIn('Error from server (NotFound): configmaps "from-kubectl" not found', r.stderr)


class OutageTest(unittest.TestCase):

    def test_requests_during_a_postgresql_outage_get_503(self):
        pgdir = os.path.join(TMP, "outage-pg")
        ctl = os.path.join(ROOT, "deploy/dev-postgres.sh")
        subprocess.run([ctl, pgdir, "start"], check=True, capture_output=True)
        dsn = subprocess.run([ctl, pgdir, "dsn"], check=True, capture_output=True, text=True).stdout.strip()
        server = Server("outage", dsn=dsn, workers=1).start()
        body = json.dumps(configmap("during"))
        try:
            subprocess.run([ctl, pgdir, "stop"], check=True, capture_output=True)
            for _ in range(3):
                status, _, out = server.request("POST", "/api/v1/namespaces/default/configmaps", body=body,
                                                headers={"Content-Type": "application/json"})
                self.assertEqual(status, 503)
                err = json.loads(out)
                self.assertEqual((err["kind"], err["reason"]), ("Status", "ServiceUnavailable"))
            subprocess.run([ctl, pgdir, "start"], check=True, capture_output=True)
            deadline = time.time() + 20
            status = 0
            while time.time() < deadline and status != 201:
                status = server.request("POST", "/api/v1/namespaces/default/configmaps", body=body,
                                        headers={"Content-Type": "application/json"})[0]
                time.sleep(0.2)
            self.assertEqual(status, 201)
        finally:
            self.assertEqual(server.stop(), 0)
            subprocess.run([ctl, pgdir, "stop"], capture_output=True)


if __name__ == "__main__":
    unittest.main()
