"""Watches over LISTEN/NOTIFY: every event in order, from now, from a
resourceVersion, with the initial state, through selectors (objects that
start or stop matching), bookmarks, timeouts, 410 after compaction,
catching up from the log past the in-memory window, writes made through a
second instance, a PostgreSQL restart, and kubectl get -w."""
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

    def test_timeout_and_bookmarks(self):
        base = self.make_ns("w-time")
        start = time.time()
        w = Watch(self.server, base + "?watch=true&timeoutSeconds=1&resourceVersion=" + self.list_rv("w-time"))
        self.assertIsNone(w.next())
        self.assertLess(time.time() - start, 5)
        w.close()

    def test_too_old_resource_version_is_410(self):
        base = self.make_ns("w-old")
        self.call("POST", base, configmap("c1"))
        rv = self.list_rv("w-old")
        self.call("PUT", base + "/c1", configmap("c1", data={"k": "new"}))
        current = psql("SELECT pgkube.current_rv()")
        psql("SELECT pgkube.compact(%s, 100000)" % current)
        w = Watch(self.server, base + "?watch=true&resourceVersion=" + str(int(rv) - 1))
        ev = w.next()
        self.assertEqual(ev["type"], "ERROR")
        self.assertEqual((ev["object"]["code"], ev["object"]["reason"]), (410, "Expired"))
        self.assertRegex(ev["object"]["message"], r"^too old resource version: \d+ \(\d+\)$")
        self.assertIsNone(w.next())
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


class WatchCatchUpTest(ServerTest):
    """A window of 4 events: older starting points come from the log."""
    workers = 1

    @classmethod
    def setUpClass(cls):
        cls.server = Server(cls.__name__, env={"PGKUBE_TEST_WATCH_RING": "4"}, workers=1).start()

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


class WatchFaultsTest(unittest.TestCase):
    """Writes through a second instance; PostgreSQL restarted under a watch."""

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
