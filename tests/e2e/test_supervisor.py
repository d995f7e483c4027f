"""The master's job: replace dead workers, reload certificates on SIGHUP
without refusing a connection, drain on SIGTERM; and /readyz following
PostgreSQL."""
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
import unittest

from harness import LOADGEN, PKI, ROOT, TMP, Server, pki, tls_context


def loadgen(server, seconds, concurrency, path="/healthz"):
    out = subprocess.run([LOADGEN, "-c", str(concurrency), "-d", str(seconds), "--json",
                          "--cacert", pki("ca.crt"), "--cert", pki("admin.crt"), "--key", pki("admin.key"),
                          server.url + path], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def peer_certificate_serial(server):
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    s = tls_context("admin").wrap_socket(raw, server_hostname="localhost")
    der = s.getpeercert(binary_form=True)
    s.close()
    return der


class WorkerRestartTest(unittest.TestCase):

    def test_kill_9_a_worker_under_load(self):
        server = Server("restart", workers=2).start()
        try:
            pids = server.worker_pids()
            self.assertEqual(len(pids), 2)
            result = {}
            t = threading.Thread(target=lambda: result.update(loadgen(server, 6, 8)))
            t.start()
            time.sleep(2)
            os.kill(pids[0], signal.SIGKILL)
            t.join()
            errors = result["errors"]
            failed = errors["io"] + errors["connect"] + sum(errors["status"].values())
            # Only requests in flight on the killed worker's connections may fail.
            self.assertLessEqual(failed, 8, result)
            self.assertEqual(errors["connect"], 0, result)
            self.assertGreater(result["ok"], 100, result)
            deadline = time.time() + 10
            while time.time() < deadline:
                now = server.worker_pids()
                if len(now) == 2 and pids[0] not in now:
                    break
                time.sleep(0.1)
            self.assertEqual(len(now), 2)
            self.assertNotIn(pids[0], now)
            self.assertIn(pids[1], now)
            self.assertIn("restarting it in", server.read_log())
            self.assertEqual(server.request("GET", "/healthz")[0], 200)
        finally:
            self.assertEqual(server.stop(), 0)


class ReloadTest(unittest.TestCase):

    def test_sighup_reloads_certificates_without_refusing_connections(self):
        certs = os.path.join(TMP, "reload-pki")
        shutil.rmtree(certs, ignore_errors=True)
        os.makedirs(certs)
        for name in ("server.crt", "server.key"):
            shutil.copy(pki(name), os.path.join(certs, name))
        server = Server("reload", extra_args=("--tls-cert-file=" + os.path.join(certs, "server.crt"),
                                              "--tls-private-key-file=" + os.path.join(certs, "server.key"), "--v=4"))
        server.start()
        try:
            before = peer_certificate_serial(server)
            # A request in flight (its body half sent) across the reload.
            raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            busy = tls_context("admin").wrap_socket(raw, server_hostname="localhost")
            busy.sendall(b"POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello")
            # A new server certificate from the same CA.
            subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                            "-nodes", "-keyout", os.path.join(certs, "new.key"), "-subj", "/CN=kube-apiserver-reloaded",
                            "-out", os.path.join(certs, "new.csr")], check=True, capture_output=True)
            ext = os.path.join(certs, "ext.cnf")
            with open(ext, "w") as f:
                f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
            subprocess.run(["openssl", "x509", "-req", "-in", os.path.join(certs, "new.csr"), "-CA", pki("ca.crt"),
                            "-CAkey", pki("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", ext,
                            "-out", os.path.join(certs, "new.crt")], check=True, capture_output=True)
            os.replace(os.path.join(certs, "new.key"), os.path.join(certs, "server.key"))
            os.replace(os.path.join(certs, "new.crt"), os.path.join(certs, "server.crt"))
            # Connections keep being accepted through the roll.
            refused = []
            stop = threading.Event()

            def hammer():
                while not stop.is_set():
                    try:
                        server.request("GET", "/healthz")
                    except (ConnectionRefusedError, ssl.SSLError, ConnectionResetError) as e:
                        refused.append(e)
            t = threading.Thread(target=hammer)
            t.start()
            old_workers = server.worker_pids()
            os.kill(server.proc.pid, signal.SIGHUP)
            deadline = time.time() + 15
            while time.time() < deadline and peer_certificate_serial(server) == before:
                time.sleep(0.1)
            time.sleep(0.5)
            stop.set()
            t.join()
            self.assertNotEqual(peer_certificate_serial(server), before)
            self.assertEqual(refused, [])
            # The request in flight on an old worker is answered, and its
            # connection then closes (that worker drains).
            busy.sendall(b"world")
            data = busy.recv(65536)
            self.assertTrue(data.startswith(b"HTTP/1.1 404"), data)
            self.assertIn(b"Connection: close", data)
            busy.close()
            deadline = time.time() + 10
            while time.time() < deadline and set(old_workers) & set(server.worker_pids()):
                time.sleep(0.1)
            self.assertFalse(set(old_workers) & set(server.worker_pids()))
            self.assertEqual(len(server.worker_pids()), 2)
            # A broken key on disk: SIGHUP keeps the current certificates.
            with open(os.path.join(certs, "server.key"), "w") as f:
                f.write("garbage")
            current = peer_certificate_serial(server)
            os.kill(server.proc.pid, signal.SIGHUP)
            time.sleep(1)
            self.assertEqual(peer_certificate_serial(server), current)
            self.assertIn("keeping the current certificates", server.read_log())
        finally:
            self.assertEqual(server.stop(), 0)


class ShutdownTest(unittest.TestCase):

    def test_sigterm_finishes_in_flight_requests(self):
        server = Server("shutdown").start()
        idle = server.connection()
        idle.request("GET", "/healthz")
        idle.getresponse().read()
        # A request whose body is still on its way when SIGTERM comes.
        raw = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        busy = tls_context("admin").wrap_socket(raw, server_hostname="localhost")
        busy.sendall(b"POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello")
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(server.proc.poll(), "exited with a request in flight")
        busy.sendall(b"world")
        data = busy.recv(65536)
        self.assertTrue(data.startswith(b"HTTP/1.1 404"), data)
        self.assertIn(b"Connection: close", data)
        busy.close()
        self.assertEqual(server.proc.wait(timeout=30), 0)
        self.assertEqual(server.stop(), 0)
        idle.close()
        # The idle keep-alive connection was closed, the port too.
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", server.port), timeout=5)


class ReadyzFollowsPostgresTest(unittest.TestCase):

    def test_readyz_turns_and_returns_with_postgresql(self):
        pgdir = os.path.join(TMP, "readyz-pg")
        ctl = os.path.join(ROOT, "deploy/dev-postgres.sh")
        subprocess.run([ctl, pgdir, "start"], check=True, capture_output=True)
        dsn = subprocess.run([ctl, pgdir, "dsn"], check=True, capture_output=True, text=True).stdout.strip()
        server = Server("readyz", dsn=dsn, workers=1).start()
        try:
            self.assertEqual(server.request("GET", "/readyz")[0], 200)
            subprocess.run([ctl, pgdir, "stop"], check=True, capture_output=True)
            deadline = time.time() + 15
            while time.time() < deadline and server.request("GET", "/readyz")[0] == 200:
                time.sleep(0.2)
            status, _, body = server.request("GET", "/readyz")
            self.assertEqual(status, 500)
            self.assertIn(b"[-]postgresql failed: reason withheld", body)
            self.assertIn(b"readyz check failed", body)
            self.assertEqual(server.request("GET", "/livez/ping")[0], 200)
            subprocess.run([ctl, pgdir, "start"], check=True, capture_output=True)
            deadline = time.time() + 15
            while time.time() < deadline and server.request("GET", "/readyz")[0] != 200:
                time.sleep(0.2)
            self.assertEqual(server.request("GET", "/readyz")[0], 200)
        finally:
            self.assertEqual(server.stop(), 0)
            subprocess.run([ctl, pgdir, "stop"], capture_output=True)


if __name__ == "__main__":
    unittest.main()
