"""End-to-end harness: real PostgreSQL, real TLS, the real binary.

tests/e2e/run.sh starts one private PostgreSQL and a development PKI for the
whole run and exports where they are (PGKUBE_E2E_*); each test starts its own
server(s) with Server(). Servers run the sanitizer build; when a server stops,
its log is checked for AddressSanitizer/UBSan reports, which fail the test.
"""
import http.client
import json
import os
import signal
import socket
import ssl
import subprocess
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("PGKUBE_BIN", os.path.join(ROOT, "build/san/pgkube-apiserver"))
TMP = os.environ.get("PGKUBE_E2E_TMP", os.path.join(ROOT, "tests/tmp/e2e"))
PKI = os.environ.get("PGKUBE_E2E_PKI", os.path.join(TMP, "pki"))
DSN = os.environ.get("PGKUBE_E2E_DSN", "")
RELEASE_BIN = os.path.join(ROOT, "bin/pgkube-apiserver")
LOADGEN = os.path.join(ROOT, "bin/pgkube-loadgen")

# Every server verifies and issues service-account tokens as deploy/dev-run.sh
# configures it, and knows these static bearer tokens (--token-auth-file):
# token -> (user, uid, groups).
SA_ISSUER = "https://kubernetes.default.svc.cluster.local"
TOKEN_FILE = os.path.join(TMP, "tokens.csv")
STATIC_TOKENS = {
    "e2e-alice-token": ("alice", "1001", ["dev", "qa"]),
    "e2e-admin-token": ("e2e-admin", "1000", ["system:masters"]),
}

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


def write_token_file():
    """Writes TOKEN_FILE (token,user,uid,"group,group") if it is not there yet."""
    if os.path.exists(TOKEN_FILE):
        return
    os.makedirs(TMP, exist_ok=True)
    with open(TOKEN_FILE + ".tmp", "w") as f:
        for token, (user, uid, groups) in STATIC_TOKENS.items():
            f.write('%s,%s,%s,"%s"\n' % (token, user, uid, ",".join(groups)))
    os.rename(TOKEN_FILE + ".tmp", TOKEN_FILE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pki(name):
    return os.path.join(PKI, name)


def tls_context(cert="admin", verify=True):
    """A client TLS context trusting the dev CA, presenting cert (or none)."""
    ctx = ssl.create_default_context(cafile=pki("ca.crt"))
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert:
        ctx.load_cert_chain(pki(cert + ".crt"), pki(cert + ".key"))
    return ctx


class Server:
    """One pgkube-apiserver (master + workers) on a free loopback port."""

    def __init__(self, name, extra_args=(), workers=2, env=None, dsn=None, port=None, binary=BIN):
        self.name = name
        self.port = port or free_port()
        self.log_path = os.path.join(TMP, "%s-%d.log" % (name, self.port))
        self.args = [
            binary,
            "--bind-address=127.0.0.1",
            "--secure-port=%d" % self.port,
            "--tls-cert-file=" + pki("server.crt"),
            "--tls-private-key-file=" + pki("server.key"),
            "--client-ca-file=" + pki("ca.crt"),
            "--service-account-key-file=" + pki("sa.pub"),
            "--service-account-signing-key-file=" + pki("sa.key"),
            "--service-account-issuer=" + SA_ISSUER,
            "--token-auth-file=" + TOKEN_FILE,
            "--storage-dsn=" + (DSN if dsn is None else dsn),
            "--workers=%d" % workers,
            "--v=2",
        ] + list(extra_args)
        # As a real control plane runs: RBAC (the admin certificate is in
        # system:masters), unless a test chooses its own authorizers.
        if not any(a.startswith("--authorization-mode") for a in self.args):
            self.args.insert(len(self.args) - len(extra_args), "--authorization-mode=Node,RBAC")
        self.env = dict(os.environ)
        self.env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=66")
        self.env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        self.env.update(env or {})
        self.proc = None

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port

    def start(self, wait_ready=True):
        write_token_file()
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=self.log, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("server exited early (%d):\n%s" % (self.proc.returncode, self.read_log()))
            try:
                status, _, _ = self.request("GET", "/healthz" if not wait_ready else "/readyz")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become ready:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path, "r", errors="replace") as f:
            return f.read()

    def worker_pids(self):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return sorted(int(p) for p in out.split())

    def rss_kib(self, pid):
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def connection(self, cert="admin", timeout=10):
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=tls_context(cert), timeout=timeout)

    def request(self, method, path, body=None, headers=None, cert="admin"):
        conn = self.connection(cert)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, dict(resp.getheaders()), data
        finally:
            conn.close()

    def get_json(self, path, cert="admin"):
        status, headers, data = self.request("GET", path, cert=cert)
        return status, json.loads(data)

    def stop(self, sig=signal.SIGTERM, timeout=90):
        """Stops the server; returns its exit code. Fails on sanitizer reports."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("server did not stop within %ds:\n%s" % (timeout, self.read_log()[-4000:]))
        self.log.close()
        self.check_sanitizers()
        return self.proc.returncode

    def check_sanitizers(self):
        log = self.read_log()
        for marker in SANITIZER_MARKERS:
            if marker in log:
                raise AssertionError("sanitizer report in %s:\n%s" % (self.log_path, log[log.index(marker) - 200:][:6000]))


def kubeconfig(server, path, cert="admin"):
    """Writes a kubeconfig for server with the given client cert."""
    subprocess.run([os.path.join(ROOT, "deploy/kubeconfig.sh"), PKI, server.url,
                    pki(cert + ".crt"), pki(cert + ".key"), path], check=True, capture_output=True)
    return path


class ServerTest(unittest.TestCase):
    """A test case with one server for the whole class."""

    server_args = ()
    workers = 2

    @classmethod
    def setUpClass(cls):
        cls.server = Server(cls.__name__, cls.server_args, workers=cls.workers).start()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        if code != 0:
            raise AssertionError("server exited with %s:\n%s" % (code, cls.server.read_log()[-3000:]))
