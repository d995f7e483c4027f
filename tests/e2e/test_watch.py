"""Watches over LISTEN/NOTIFY: every event in order, from now, from a
resourceVersion, with the initial state, through selectors (objects that
start or stop matching), bookmarks, timeouts, 410 after compaction,
catching up from the log past the in-memory window, writes made through a
second instance, a PostgreSQL restart, and kubectl get -w."""
import http.client
import json
import os
import subprocess
import threading
import time
import unittest

from harness import DSN, ROOT, TMP, Server, ServerTest, kubeconfig


def psql(sql, dsn=DSN):
    return subprocess.run(["psql", dsn, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def configmap(name, labels=None, data=None, rv=None):
    meta = {"name": name}
    if labels is not None:
        meta["labels"] = labels
    if rv:
        meta["resourceVersion"] = rv
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {"k": "v"}}


class Watch:
    """One streaming watch request; events are read as they come."""

    def __init__(self, server, path, timeout=15):
        self.conn = server.connection(timeout=timeout)
        self.conn.request("GET", path)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = dict(self.resp.getheaders())

    def next(self):
        line = self.resp.readline()
        if not line:
            return None
        return json.loads(line)

    def take(self, n):
        out = []
        for _ in range(n):
            ev = self.next()
            if ev is None:
                break
            out.append(ev)
        return out

    def close(self):
        self.conn.close()


def summary(events):
    return [(e["type"], e["object"]["metadata"].get("name")) for e in events]


class WatchTest(ServerTest):
    server_args = ()

    def call(self, method, path, body=None, server=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        data = json.dumps(body) if body is not None else None
        status, _, out = (server or self.server).request(method, path, body=data, headers=headers)
        return status, json.loads(out) if out else None

    def list_rv(self, ns="default"):
        return self.call("GET", "/api/v1/namespaces/%s/configmaps" % ns)[1]["metadata"]["resourceVersion"]

    def make_ns(self, name):
        status, _ = self.call("POST", "/api/v1/namespaces",
                              {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        self.assertEqual(status, 201)
        return "/api/v1/namespaces/%s/configmaps" % name

    def test_events_in_order_from_a_resource_version(self):
        base = self.make_ns("w-order")
        rv = self.list_rv("w-order")
        w = Watch(self.server, base + "?watch=true&resourceVersion=" + rv)
        self.assertEqual((w.status, w.headers.get("Content-Type"), w.headers.get("Transfer-Encoding")),
                         (200, "application/json", "chunked"))
        status, a = self.call("POST", base, configmap("a"))
        status, a2 = self.call("PUT", base + "/a", configmap("a", data={"k": "2"}))
        self.call("POST", base, configmap("b"))
        self.call("DELETE", base + "/a")
        events = w.take(4)
        w.close()
        self.assertEqual(summary(events), [("ADDED", "a"), ("MODIFIED", "a"), ("ADDED", "b"), ("DELETED", "a")])
        rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
        self.assertEqual(rvs, sorted(rvs))
        self.assertEqual(events[0]["object"]["metadata"]["resourceVersion"], a["metadata"]["resourceVersion"])
        self.assertEqual(events[1]["object"]["data"], {"k": "2"})
        # Replayed from the same point: the same events.
        w = Watch(self.server, base + "?watch=true&resourceVersion=" + rv)
        self.assertEqual(w.take(4), events)
        w.close()

    def test_initial_state_then_changes(self):
        base = self.make_ns("w-initial")
        for n in ("x", "y"):
            self.call("POST", base, configmap(n))
        w = Watch(self.server, base + "?watch=1")
        first = w.take(2)
        self.assertEqual(sorted(summary(first)), [("ADDED", "x"), ("ADDED", "y")])
        self.call("POST", base, configmap("z"))
        self.assertEqual(summary(w.take(1)), [("ADDED", "z")])
        w.close()
        # The old path form, for one object.
        w = Watch(self.server, "/api/v1/watch/namespaces/w-initial/configmaps/x")
        self.assertEqual(summary(w.take(1)), [("ADDED", "x")])
        self.call("PUT", base + "/y", configmap("y", data={"k": "other"}))
        self.call("PUT", base + "/x", configmap("x", data={"k": "mine"}))
        ev = w.next()
        self.assertEqual((ev["type"], ev["object"]["metadata"]["name"], ev["object"]["data"]), ("MODIFIED", "x", {"k": "mine"}))
        w.close()

    def test_watch_list_ends_the_initial_events_with_a_bookmark(self):
        base = self.make_ns("w-list")
        self.call("POST", base, configmap("one"))
        w = Watch(self.server, base + "?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
                  "&allowWatchBookmarks=true")
        added, mark = w.take(2)
        w.close()
        self.assertEqual(summary([added]), [("ADDED", "one")])
        self.assertEqual(mark["type"], "BOOKMARK")
        self.assertEqual(mark["object"]["kind"], "ConfigMap")
        self.assertEqual(mark["object"]["metadata"]["annotations"], {"k8s.io/initial-events-end": "true"})
        self.assertGreaterEqual(int(mark["object"]["metadata"]["resourceVersion"]),
                                int(added["object"]["metadata"]["resourceVersion"]))
        status, err = self.call("GET", base + "?watch=true&sendInitialEvents=true")
        self.assertEqual((status, err["reason"]), (422, "Invalid"))

    def test_selectors_turn_changes_into_added_and_deleted(self):
        base = self.make_ns("w-sel")
        rv = self.list_rv("w-sel")
        w = Watch(self.server, base + "?watch=true&labelSelector=app%3Dweb&resourceVersion=" + rv)
        self.call("POST", base, configmap("s", {"app": "web"}))
        self.call("POST", base, configmap("other", {"app": "db"}))
        self.call("PUT", base + "/s", configmap("s", {"app": "db"}))
        self.call("PUT", base + "/s", configmap("s", {"app": "web"}))
        self.call("PUT", base + "/s", configmap("s", {"app": "web"}, data={"k": "3"}))
        events = w.take(4)
        w.close()
        self.assertEqual(summary(events), [("ADDED", "s"), ("DELETED", "s"), ("ADDED", "s"), ("MODIFIED", "s")])
        self.assertEqual(events[1]["object"]["metadata"]["labels"], {"app": "db"})

    def test_timeout(self):
        base = self.make_ns("w-time")
        start = time.time()
        w = Watch(self.server, base + "?watch=true&timeoutSeconds=1&resourceVersion=" + self.list_rv("w-time"))
        self.assertIsNone(w.next())
        self.assertLess(time.time() - start, 5)
        w.close()

    def test_kubectl_get_watch(self):
        base = self.make_ns("w-kubectl")
        cfg = kubeconfig(self.server, os.path.join(TMP, "watch.kubeconfig"))
        proc = subprocess.Popen(["kubectl", "--kubeconfig", cfg, "-n", "w-kubectl", "get", "configmaps",
                                 "--watch-only", "--output-watch-events", "-o", "name",
                                 "--request-timeout=8s"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        time.sleep(1.5)
        self.call("POST", base, configmap("seen"))
        self.call("DELETE", base + "/seen")
        out, err = proc.communicate(timeout=30)
        # -o name prints one line per event: the creation, then the deletion.
        self.assertEqual(out.splitlines(), ["configmap/seen", "configmap/seen"], err)


class InformerTest(ServerTest):
    """Clients that list then watch: the official Python client, kubectl wait
    and kubectl rollout status."""

    def call(self, method, path, body=None):
        return WatchTest.call(self, method, path, body)

    def kubectl(self, *args, **kw):
        cfg = kubeconfig(self.server, os.path.join(TMP, "informer.kubeconfig"))
        return subprocess.Popen(["kubectl", "--kubeconfig", cfg, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **kw)

    def test_python_client_list_then_watch_hundreds_of_writes(self):
        self.call("POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "w-py"}})
        cfg = kubeconfig(self.server, os.path.join(TMP, "informer-py.kubeconfig"))
        script = r"""
import json, sys, threading
from kubernetes import client, config, watch
config.load_kube_config(sys.argv[1])
v1 = client.CoreV1Api()
listed = v1.list_namespaced_config_map("w-py")
rv = listed.metadata.resource_version
def writer():
    for i in range(300):
        v1.create_namespaced_config_map("w-py", {"metadata": {"name": "py-%03d" % i}, "data": {"i": str(i)}})
t = threading.Thread(target=writer)
t.start()
names, rvs = [], []
for ev in watch.Watch().stream(v1.list_namespaced_config_map, "w-py", resource_version=rv, timeout_seconds=60):
    names.append(ev["object"].metadata.name)
    rvs.append(int(ev["object"].metadata.resource_version))
    if len(names) == 300:
        break
t.join()
print(json.dumps({"names": names, "rvs": rvs}))
"""
        r = subprocess.run(["/usr/bin/python3", "-c", script, cfg], capture_output=True, text=True, timeout=180)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(out["names"], ["py-%03d" % i for i in range(300)])
        self.assertEqual(out["rvs"], sorted(set(out["rvs"])))

    def test_kubectl_wait_for_delete_and_condition(self):
        base = "/api/v1/namespaces/default"
        self.call("POST", base + "/configmaps", configmap("wait-gone"))
        gone = self.kubectl("-n", "default", "wait", "--for=delete", "configmap/wait-gone", "--timeout=30s")
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "wait-ready"},
               "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
        status, created = self.call("POST", base + "/pods", pod)
        ready = self.kubectl("-n", "default", "wait", "--for=condition=Ready", "pod/wait-ready", "--timeout=30s")
        time.sleep(1.5)
        self.assertIsNone(gone.poll())
        self.assertIsNone(ready.poll())
        self.call("DELETE", base + "/configmaps/wait-gone")
        created["status"] = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        self.assertEqual(self.call("PUT", base + "/pods/wait-ready/status", created)[0], 200)
        out, err = gone.communicate(timeout=40)
        self.assertEqual(gone.returncode, 0, err)
        self.assertIn("configmap/wait-gone", out + err)
        out, err = ready.communicate(timeout=40)
        self.assertEqual((ready.returncode, out.strip()), (0, "pod/wait-ready condition met"), err)

    def test_kubectl_rollout_status_follows_the_deployment(self):
        base = "/apis/apps/v1/namespaces/default/deployments"
        d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "roll"},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "roll"}},
                      "template": {"metadata": {"labels": {"app": "roll"}},
                                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
        status, d = self.call("POST", base, d)
        self.assertEqual(status, 201)
        proc = self.kubectl("-n", "default", "rollout", "status", "deployment/roll", "--timeout=40s")
        time.sleep(1.5)
        self.assertIsNone(proc.poll())
        # What the deployment controller would write once the pods are up.
        d["status"] = {"observedGeneration": d["metadata"]["generation"], "replicas": 2, "updatedReplicas": 2,
                       "readyReplicas": 2, "availableReplicas": 2,
                       "conditions": [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                                      {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}
        self.assertEqual(self.call("PUT", base + "/roll/status", d)[0], 200)
        out, err = proc.communicate(timeout=50)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn('deployment "roll" successfully rolled out', out)


class WatchCatchUpTest(ServerTest):
    """A window of 4 events: older starting points come from the log; and
    bookmarks every 500 ms instead of every minute."""
    workers = 1

    @classmethod
    def setUpClass(cls):
        cls.server = Server(cls.__name__, env={"PGKUBE_TEST_WATCH_RING": "4",
                                               "PGKUBE_TEST_WATCH_BOOKMARK_MS": "500"}, workers=1).start()

    def test_bookmarks_carry_the_latest_resource_version(self):
        call = WatchTest.call
        call(self, "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "w-mark"}})
        base = "/api/v1/namespaces/w-mark/configmaps"
        rv = call(self, "GET", base)[1]["metadata"]["resourceVersion"]
        w = Watch(self.server, base + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + rv)
        # A write elsewhere moves the resourceVersion; the bookmark follows it.
        status, other = call(self, "POST", "/api/v1/namespaces/default/configmaps", configmap("elsewhere-mark"))
        ev = w.next()
        while ev["type"] == "BOOKMARK" and int(ev["object"]["metadata"]["resourceVersion"]) < int(
                other["metadata"]["resourceVersion"]):
            ev = w.next()
        self.assertEqual(ev["type"], "BOOKMARK")
        self.assertEqual(ev["object"], {"kind": "ConfigMap", "apiVersion": "v1",
                                        "metadata": {"resourceVersion": ev["object"]["metadata"]["resourceVersion"]}})
        self.assertGreaterEqual(int(ev["object"]["metadata"]["resourceVersion"]), int(other["metadata"]["resourceVersion"]))
        w.close()
        # Without allowWatchBookmarks, none.
        w = Watch(self.server, base + "?watch=true&timeoutSeconds=2&resourceVersion=" + rv)
        self.assertIsNone(w.next())
        w.close()

    def test_catch_up_from_the_log(self):
        call = WatchTest.call
        status, _ = call(self, "POST", "/api/v1/namespaces",
                         {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "catchup"}})
        base = "/api/v1/namespaces/catchup/configmaps"
        rv = call(self, "GET", base)[1]["metadata"]["resourceVersion"]
        for i in range(12):
            self.assertEqual(call(self, "POST", base, configmap("c%02d" % i))[0], 201)
        time.sleep(1.5)  # the hub has read them; its window holds the last 4
        w = Watch(self.server, base + "?watch=true&resourceVersion=" + rv)
        events = w.take(12)
        self.assertEqual(summary(events), [("ADDED", "c%02d" % i) for i in range(12)])
        self.assertEqual(call(self, "POST", base, configmap("live"))[0], 201)
        self.assertEqual(summary(w.take(1)), [("ADDED", "live")])
        w.close()

    def test_too_old_resource_version_is_410(self):
        # Older than the window of 4 events and than the compaction point:
        # neither the hub nor the log has what follows it.
        call = WatchTest.call
        call(self, "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "w-old"}})
        base = "/api/v1/namespaces/w-old/configmaps"
        self.assertEqual(call(self, "POST", base, configmap("c1"))[0], 201)
        rv = call(self, "GET", base)[1]["metadata"]["resourceVersion"]
        for i in range(6):
            self.assertEqual(call(self, "PUT", base + "/c1", configmap("c1", data={"k": str(i)}))[0], 200)
        current = psql("SELECT pgkube.current_rv()")
        psql("SELECT pgkube.compact(%s, 100000)" % current)
        time.sleep(1.5)  # the hub's window has moved past rv
        w = Watch(self.server, base + "?watch=true&resourceVersion=" + rv)
        ev = w.next()
        self.assertEqual(ev["type"], "ERROR")
        self.assertEqual((ev["object"]["code"], ev["object"]["reason"]), (410, "Expired"))
        self.assertEqual(ev["object"]["message"], "too old resource version: %s (%s)" % (rv, current))
        self.assertIsNone(w.next())
        w.close()


class WatchFaultsTest(unittest.TestCase):
    """Writes through a second instance; PostgreSQL restarted under a watch;
    a worker killed under its watchers."""

    def test_killed_worker_watchers_rewatch_without_loss(self):
        server = Server("watch-kill", workers=2).start()
        try:
            call = lambda m, p, b=None: server.request(m, p, body=json.dumps(b) if b else None,
                                                       headers={"Content-Type": "application/json"})
            status, _, _ = call("POST", "/api/v1/namespaces",
                                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "w-kill"}})
            base = "/api/v1/namespaces/w-kill/configmaps"
            rv = json.loads(call("GET", base)[2])["metadata"]["resourceVersion"]
            watches = [Watch(server, base + "?watch=true&resourceVersion=" + rv, timeout=30) for _ in range(6)]
            self.assertEqual(call("POST", base, configmap("before"))[0], 201)
            last = {}
            for i, w in enumerate(watches):
                ev = w.next()
                self.assertEqual(summary([ev]), [("ADDED", "before")])
                last[i] = ev["object"]["metadata"]["resourceVersion"]
            os.kill(server.worker_pids()[0], 9)
            # Written while some watchers have lost their connection.
            created = 0
            deadline = time.time() + 20
            while created < 3 and time.time() < deadline:
                if call("POST", base, configmap("during-%d" % created))[0] == 201:
                    created += 1
            self.assertEqual(created, 3)
            names = ["during-0", "during-1", "during-2"]
            for i, w in enumerate(watches):
                try:
                    got = w.take(3)
                except (ConnectionError, OSError, http.client.HTTPException):
                    got = []
                if len(got) < 3:
                    # This watcher's worker died: re-watch from the last rv seen.
                    w.close()
                    w = Watch(server, base + "?watch=true&resourceVersion=" + last[i], timeout=30)
                    got = w.take(3)
                self.assertEqual(summary(got), [("ADDED", n) for n in names], i)
                w.close()
        finally:
            self.assertEqual(server.stop(), 0)

    def test_second_instance_and_postgresql_restart(self):
        pgdir = os.path.join(TMP, "watch-pg")
        ctl = os.path.join(ROOT, "deploy/dev-postgres.sh")
        subprocess.run([ctl, pgdir, "start"], check=True, capture_output=True)
        dsn = subprocess.run([ctl, pgdir, "dsn"], check=True, capture_output=True, text=True).stdout.strip()
        a = Server("watch-a", dsn=dsn, workers=2).start()
        b = Server("watch-b", dsn=dsn, workers=1).start()
        try:
            base = "/api/v1/namespaces/default/configmaps"
            status, _, out = a.request("GET", base)
            rv = json.loads(out)["metadata"]["resourceVersion"]
            watches = [Watch(a, base + "?watch=true&resourceVersion=" + rv, timeout=30) for _ in range(3)]
            body = json.dumps(configmap("via-b"))
            self.assertEqual(b.request("POST", base, body=body, headers={"Content-Type": "application/json"})[0], 201)
            for w in watches:
                self.assertEqual(summary(w.take(1)), [("ADDED", "via-b")])
            subprocess.run([ctl, pgdir, "stop"], check=True, capture_output=True)
            time.sleep(1)
            subprocess.run([ctl, pgdir, "start"], check=True, capture_output=True)
            deadline = time.time() + 20
            created = 0
            while time.time() < deadline:
                status = b.request("POST", base, body=json.dumps(configmap("after")),
                                   headers={"Content-Type": "application/json"})[0]
                if status == 201:
                    created = 1
                    break
                time.sleep(0.3)
            self.assertEqual(created, 1)
            for w in watches:
                self.assertEqual(summary(w.take(1)), [("ADDED", "after")])
                w.close()
        finally:
            self.assertEqual(a.stop(), 0)
            self.assertEqual(b.stop(), 0)
            subprocess.run([ctl, pgdir, "stop"], capture_output=True)


if __name__ == "__main__":
    unittest.main()
