"""What a new cluster starts with, as kube-apiserver v1.32 creates it: the
default namespaces, the system PriorityClasses (which cannot be deleted) and
one local APIService per served group-version. A restart changes none of
them; two instances starting at once on a fresh database create each one
once; kubectl lists them with upstream's columns."""
import json
import os
import re
import subprocess
import time
import unittest

from harness import DSN, TMP, Server, ServerTest, kubeconfig

NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system"]
PRIORITY_CLASSES = {
    "system-node-critical": (2000001000, "Used for system critical pods that must not be moved from their current node."),
    "system-cluster-critical": (2000000000, "Used for system critical pods that must run in the cluster, "
                                            "but can be moved to another node if necessary."),
}
# (name, group, version, groupPriorityMinimum, versionPriority), sorted by name.
API_SERVICES = [
    ("v1.", "", "v1", 18000, 1),
    ("v1.admissionregistration.k8s.io", "admissionregistration.k8s.io", "v1", 16700, 15),
    ("v1.apiextensions.k8s.io", "apiextensions.k8s.io", "v1", 16700, 15),
    ("v1.apps", "apps", "v1", 17800, 15),
    ("v1.authentication.k8s.io", "authentication.k8s.io", "v1", 17700, 15),
    ("v1.authorization.k8s.io", "authorization.k8s.io", "v1", 17600, 15),
    ("v1.autoscaling", "autoscaling", "v1", 17500, 15),
    ("v1.batch", "batch", "v1", 17400, 15),
    ("v1.certificates.k8s.io", "certificates.k8s.io", "v1", 17300, 15),
    ("v1.coordination.k8s.io", "coordination.k8s.io", "v1", 16500, 15),
    ("v1.discovery.k8s.io", "discovery.k8s.io", "v1", 16200, 15),
    ("v1.events.k8s.io", "events.k8s.io", "v1", 17750, 15),
    ("v1.flowcontrol.apiserver.k8s.io", "flowcontrol.apiserver.k8s.io", "v1", 16100, 21),
    ("v1.networking.k8s.io", "networking.k8s.io", "v1", 17200, 15),
    ("v1.node.k8s.io", "node.k8s.io", "v1", 16300, 15),
    ("v1.policy", "policy", "v1", 17100, 15),
    ("v1.rbac.authorization.k8s.io", "rbac.authorization.k8s.io", "v1", 17000, 15),
    ("v1.scheduling.k8s.io", "scheduling.k8s.io", "v1", 16600, 15),
    ("v1.storage.k8s.io", "storage.k8s.io", "v1", 16800, 15),
    ("v2.autoscaling", "autoscaling", "v2", 17500, 30),
]
BOOTSTRAPPED = len(NAMESPACES) + len(PRIORITY_CLASSES) + len(API_SERVICES)
AGE = re.compile(r"^[0-9]+[smhdy]")


def psql(sql, dsn=DSN):
    return subprocess.run(["psql", dsn, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def fresh_database(name):
    psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
    psql("CREATE DATABASE %s" % name)
    return DSN + " dbname=" + name


def get(server, path):
    status, obj = server.get_json(path)
    if status != 200:
        raise AssertionError("GET %s: %d %s" % (path, status, obj))
    return obj


def bootstrapped(server):
    """Every bootstrapped object by (resource, name): its uid and resourceVersion."""
    out = {}
    for name in NAMESPACES:
        meta = get(server, "/api/v1/namespaces/" + name)["metadata"]
        out["namespaces", name] = (meta["uid"], meta["resourceVersion"])
    for item in get(server, "/apis/scheduling.k8s.io/v1/priorityclasses")["items"]:
        if item["metadata"]["name"] in PRIORITY_CLASSES:
            out["priorityclasses", item["metadata"]["name"]] = (item["metadata"]["uid"],
                                                                item["metadata"]["resourceVersion"])
    for item in get(server, "/apis/apiregistration.k8s.io/v1/apiservices")["items"]:
        out["apiservices", item["metadata"]["name"]] = (item["metadata"]["uid"], item["metadata"]["resourceVersion"])
    return out


class FreshClusterTest(unittest.TestCase):

    def check_objects(self, server):
        for name, (value, description) in PRIORITY_CLASSES.items():
            pc = get(server, "/apis/scheduling.k8s.io/v1/priorityclasses/" + name)
            meta = pc.pop("metadata")
            self.assertEqual(pc, {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "value": value,
                                  "description": description, "preemptionPolicy": "PreemptLowerPriority"})
            self.assertEqual((meta["name"], meta["generation"]), (name, 1))
            self.assertTrue(meta["uid"] and meta["resourceVersion"] and meta["creationTimestamp"])
        items = get(server, "/apis/apiregistration.k8s.io/v1/apiservices")["items"]
        self.assertEqual([i["metadata"]["name"] for i in items], [a[0] for a in API_SERVICES])
        for item, (name, group, version, group_priority, version_priority) in zip(items, API_SERVICES):
            spec = {"version": version, "groupPriorityMinimum": group_priority, "versionPriority": version_priority}
            if group:
                spec["group"] = group
            self.assertEqual(item["spec"], spec, name)
            self.assertEqual(item["metadata"]["labels"], {"kube-aggregator.kubernetes.io/automanaged": "onstart"})
            self.assertEqual(item["status"], {"conditions": [{
                "type": "Available", "status": "True", "reason": "Local",
                "message": "Local APIServices are always available",
                "lastTransitionTime": item["metadata"]["creationTimestamp"]}]})
            self.assertEqual((item["apiVersion"], item["kind"]), ("apiregistration.k8s.io/v1", "APIService"))
        for name in NAMESPACES:
            ns = get(server, "/api/v1/namespaces/" + name)
            self.assertEqual(ns["status"], {"phase": "Active"})
            self.assertEqual(ns["metadata"]["labels"], {"kubernetes.io/metadata.name": name})

    def count_writes(self, dsn):
        return int(psql("SELECT count(*) FROM pgkube.changes"
                        " WHERE resource IN ('namespaces', 'priorityclasses', 'apiservices')", dsn))

    def test_objects_survive_a_restart_unchanged(self):
        dsn = fresh_database("e2e_bootstrap_restart")
        server = Server("bootstrap-restart", dsn=dsn, workers=1).start()
        try:
            self.check_objects(server)
            before = bootstrapped(server)
            self.assertEqual(len(before), BOOTSTRAPPED)
        finally:
            self.assertEqual(server.stop(), 0)
        server = Server("bootstrap-restart", dsn=dsn, workers=1).start()
        try:
            self.assertEqual(bootstrapped(server), before)
            self.check_objects(server)
        finally:
            self.assertEqual(server.stop(), 0)
        self.assertEqual(self.count_writes(dsn), BOOTSTRAPPED)

    def test_two_instances_start_at_once(self):
        dsn = fresh_database("e2e_bootstrap_twostart")
        servers = [Server("bootstrap-twostart-%s" % n, dsn=dsn, workers=1) for n in "ab"]
        for s in servers:
            s.log = open(s.log_path, "ab")
            s.proc = subprocess.Popen(s.args, stdout=s.log, stderr=s.log, env=s.env)
        try:
            for s in servers:
                deadline = time.time() + 60
                while time.time() < deadline:
                    try:
                        if s.request("GET", "/readyz")[0] == 200:
                            break
                    except OSError:
                        pass
                    time.sleep(0.1)
                self.assertEqual(s.request("GET", "/readyz")[0], 200, s.read_log()[-3000:])
            self.assertEqual(bootstrapped(servers[0]), bootstrapped(servers[1]))
            self.check_objects(servers[1])
            self.assertEqual(self.count_writes(dsn), BOOTSTRAPPED)
            created = sum(s.read_log().count("created PriorityClass ") for s in servers)
            self.assertEqual(created, len(PRIORITY_CLASSES))
        finally:
            codes = [s.stop() for s in servers]
        self.assertEqual(codes, [0, 0])


class BootstrapKubectlTest(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "bootstrap.kubeconfig"))

    def kubectl(self, *args):
        return subprocess.run(["kubectl", "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "kcache-bootstrap"),
                               *args], capture_output=True, text=True, timeout=120)

    def table(self, *args):
        r = self.kubectl("get", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [line.split() for line in r.stdout.splitlines()]

    def call(self, method, path, body=None):
        data = json.dumps(body) if body is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, _, out = self.server.request(method, path, body=data, headers=headers)
        return status, json.loads(out)

    def test_kubectl_get_apiservices(self):
        rows = self.table("apiservices")
        self.assertEqual(rows[0], ["NAME", "SERVICE", "AVAILABLE", "AGE"])
        names = [r[0] for r in rows[1:]]
        for name, *_ in API_SERVICES:
            row = rows[1 + names.index(name)]
            self.assertEqual(row[:3], [name, "Local", "True"])
            self.assertRegex(row[3], AGE)
        self.assertEqual(self.table("apiservice", "v2.autoscaling", "--no-headers")[0][:3],
                         ["v2.autoscaling", "Local", "True"])

    def test_kubectl_get_priorityclasses(self):
        rows = self.table("priorityclasses")
        self.assertEqual(rows[0], ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"])
        by_name = {r[0]: r for r in rows[1:]}
        for name, (value, _) in PRIORITY_CLASSES.items():
            row = by_name[name]
            self.assertEqual(row[1:3] + row[4:], [str(value), "false", "PreemptLowerPriority"])
            self.assertRegex(row[3], AGE)

    def test_system_priority_classes_cannot_be_deleted(self):
        for name in PRIORITY_CLASSES:
            status, err = self.call("DELETE", "/apis/scheduling.k8s.io/v1/priorityclasses/" + name)
            self.assertEqual((status, err["kind"], err["status"], err["reason"], err["code"]),
                             (403, "Status", "Failure", "Forbidden", 403))
            self.assertEqual(err["message"], 'priorityclasses.scheduling.k8s.io "%s" is forbidden: '
                                             'this is a system priority class and cannot be deleted' % name)
            self.assertEqual(err["details"], {"name": name, "group": "scheduling.k8s.io", "kind": "priorityclasses"})
        r = self.kubectl("delete", "priorityclass", "system-node-critical")
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(r.stderr.strip(), 'Error from server (Forbidden): priorityclasses.scheduling.k8s.io '
                                           '"system-node-critical" is forbidden: this is a system priority class '
                                           'and cannot be deleted')
        for name in PRIORITY_CLASSES:
            self.assertEqual(self.call("GET", "/apis/scheduling.k8s.io/v1/priorityclasses/" + name)[0], 200)
        # Other priority classes come and go; all start at generation 1.
        status, pc = self.call("POST", "/apis/scheduling.k8s.io/v1/priorityclasses",
                               {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                                "metadata": {"name": "bootstrap-high"}, "value": 1000})
        self.assertEqual((status, pc["metadata"]["generation"]), (201, 1))
        pc["description"] = "changed"
        status, pc = self.call("PUT", "/apis/scheduling.k8s.io/v1/priorityclasses/bootstrap-high", pc)
        self.assertEqual((status, pc["metadata"]["generation"]), (200, 1))
        status, _ = self.call("DELETE", "/apis/scheduling.k8s.io/v1/priorityclasses/bootstrap-high")
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
