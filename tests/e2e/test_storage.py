"""The store as a DBA and an operator meet it: migrations applied at start
(once, also by `pgkube-apiserver migrate`), compaction run by the master,
the views and the read-only role."""
import os
import subprocess
import time
import unittest

from harness import BIN, DSN, Server


def psql(sql, dsn=DSN):
    return subprocess.run(["psql", dsn, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def fresh_database(name):
    psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
    psql("CREATE DATABASE %s" % name)
    return DSN + " dbname=" + name


class StorageTest(unittest.TestCase):

    def test_two_instances_start_at_once_and_migrate_once(self):
        dsn = fresh_database("e2e_twostart")
        a = Server("twostart-a", dsn=dsn, workers=1)
        b = Server("twostart-b", dsn=dsn, workers=1)
        a.proc = None
        for s in (a, b):
            s.log = open(s.log_path, "ab")
            s.proc = subprocess.Popen(s.args, stdout=s.log, stderr=s.log, env=s.env)
        try:
            for s in (a, b):
                deadline = time.time() + 30
                while time.time() < deadline:
                    try:
                        if s.request("GET", "/readyz")[0] == 200:
                            break
                    except OSError:
                        pass
                    time.sleep(0.1)
                self.assertEqual(s.request("GET", "/readyz")[0], 200)
            applied = [s.read_log().count("applied migration ") for s in (a, b)]
            count = int(psql("SELECT count(*) FROM pgkube.migrations", dsn))
            self.assertEqual(sum(applied), count)
            self.assertGreaterEqual(count, 4)
        finally:
            self.assertEqual(a.stop(), 0)
            self.assertEqual(b.stop(), 0)
        # `migrate` on an up-to-date database: nothing to do, exit 0.
        r = subprocess.run([BIN, "migrate", "--storage-dsn=" + dsn, "--v=1"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 applied now", r.stderr)

    def test_master_compacts_the_change_log(self):
        dsn = fresh_database("e2e_compaction")
        server = Server("compaction", dsn=dsn, workers=1,
                        extra_args=("--etcd-compaction-interval=1s", "--v=2")).start()
        try:
            before = int(psql("SELECT pgkube.current_rv()", dsn))
            psql("SELECT pgkube.create_object('', 'configmaps', 'ns', 'c', gen_random_uuid(),"
                 " '{\"metadata\":{\"name\":\"c\"}}', NULL)", dsn)
            for _ in range(20):
                psql("SELECT pgkube.update_object('', 'configmaps', 'ns', 'c', 0,"
                     " '{\"metadata\":{\"name\":\"c\"}}', NULL)", dsn)
            count = "SELECT count(*) FROM pgkube.changes WHERE resource = 'configmaps'"
            # 21 writes (the compaction may already be at work on their rows)
            self.assertEqual(int(psql("SELECT pgkube.current_rv()", dsn)) - before, 21)
            deadline = time.time() + 15
            while time.time() < deadline and psql(count, dsn) != "1":
                time.sleep(0.3)
            # The newest row of the live key stays; everything it superseded goes.
            self.assertEqual(psql(count, dsn), "1")
            self.assertEqual(psql("SELECT compacted_rv = (SELECT max(rv) FROM pgkube.changes)"
                                  " FROM pgkube.compaction", dsn), "t")
            # The bootstrapped namespaces keep their one row each.
            self.assertEqual(psql("SELECT count(*) FROM pgkube.changes WHERE resource = 'namespaces'", dsn), "4")
        finally:
            self.assertEqual(server.stop(), 0)

    def test_views_and_readonly_role(self):
        dsn = fresh_database("e2e_views")
        server = Server("views", dsn=dsn, workers=1).start()
        try:
            pod = ('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"prod",'
                   '"labels":{"app":"web"},"creationTimestamp":"2026-11-28T10:00:00Z"},'
                   '"spec":{"nodeName":"node-a","containers":[{"name":"c","image":"nginx"}]},'
                   '"status":{"phase":"Running","podIP":"10.0.0.7"}}')
            psql("SELECT pgkube.create_object('', 'pods', 'prod', 'web-1', gen_random_uuid(), '%s', NULL)" % pod, dsn)
            row = psql("SELECT namespace, name, phase, node_name, pod_ip FROM pgkube.pods", dsn)
            self.assertEqual(row, "prod|web-1|Running|node-a|10.0.0.7")
            self.assertEqual(psql("SET ROLE pgkube_readonly; SELECT count(*) FROM pgkube.pods", dsn), "1")
            r = subprocess.run(["psql", dsn, "-XAtq", "-c",
                                "SET ROLE pgkube_readonly; SELECT pgkube.create_object('', 'pods', 'x', 'y',"
                                " gen_random_uuid(), '{\"metadata\":{}}', NULL)"],
                               capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("permission denied", r.stderr)
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
