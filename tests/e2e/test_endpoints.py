"""/healthz, /livez, /readyz, /version, /metrics, 404s and identity, through
curl, kubectl and a raw TLS client."""
import json
import os
import re
import socket
import ssl
import subprocess
import unittest

from harness import BIN, Server, ServerTest, TMP, free_port, kubeconfig, pki, tls_context


class EndpointTest(ServerTest):

    def curl(self, path, *extra):
        out = subprocess.run(["curl", "-sS", "--cacert", pki("ca.crt"), "--cert", pki("admin.crt"),
                              "--key", pki("admin.key"), "-w", "\n%{http_code}", *extra,
                              self.server.url + path], capture_output=True, text=True, check=True).stdout
        body, _, code = out.rpartition("\n")
        return int(code), body

    def test_health_endpoints_with_curl(self):
        for path in ("/healthz", "/livez", "/readyz"):
            self.assertEqual(self.curl(path), (200, "ok"), path)

    def test_readyz_verbose_lists_checks(self):
        code, body = self.curl("/readyz?verbose")
        self.assertEqual(code, 200)
        lines = body.strip().split("\n")
        self.assertIn("[+]ping ok", lines)
        self.assertIn("[+]postgresql ok", lines)
        self.assertIn("[+]shutdown ok", lines)
        self.assertEqual(lines[-1], "readyz check passed")
        code, body = self.curl("/readyz?verbose&exclude=postgresql")
        self.assertIn("[+]postgresql excluded: ok", body)
        self.assertEqual(self.curl("/readyz/ping"), (200, "ok"))
        self.assertEqual(self.curl("/livez/nosuchcheck")[0], 404)

    def test_version(self):
        status, v = self.server.get_json("/version")
        self.assertEqual(status, 200)
        for field in ("major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate",
                      "goVersion", "compiler", "platform"):
            self.assertIn(field, v)
        self.assertEqual((v["major"], v["minor"]), ("1", "32"))
        self.assertRegex(v["gitVersion"], r"^v1\.32\.\d+(\+[0-9A-Za-z.-]+)?$")
        self.assertIn("pgkube", v["gitVersion"])

    def test_kubectl_version_and_raw(self):
        cfg = kubeconfig(self.server, os.path.join(TMP, "endpoints.kubeconfig"))
        out = subprocess.run(["kubectl", "--kubeconfig", cfg, "version", "-o", "json"],
                             capture_output=True, text=True, check=True).stdout
        server_version = json.loads(out)["serverVersion"]
        self.assertTrue(server_version["gitVersion"].startswith("v1.32."))
        out = subprocess.run(["kubectl", "--kubeconfig", cfg, "get", "--raw", "/readyz"],
                             capture_output=True, text=True, check=True).stdout
        self.assertEqual(out.strip(), "ok")

    def test_unknown_path_is_a_404_status(self):
        status, headers, data = self.server.request("GET", "/no/such/path")
        self.assertEqual(status, 404)
        self.assertEqual(headers["Content-Type"], "application/json")
        body = json.loads(data)
        self.assertEqual(body["kind"], "Status")
        self.assertEqual(body["apiVersion"], "v1")
        self.assertEqual(body["status"], "Failure")
        self.assertEqual(body["reason"], "NotFound")
        self.assertEqual(body["code"], 404)
        self.assertEqual(body["message"], "the server could not find the requested resource")

    def test_metrics_count_requests(self):
        for _ in range(3):
            self.server.request("GET", "/livez")
        status, headers, data = self.server.request("GET", "/metrics")
        self.assertEqual(status, 200)
        text = data.decode()
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))
        m = re.search(r'^apiserver_request_total\{code="200",component="apiserver",dry_run="",group="",'
                      r'resource="",scope="",subresource="/livez",verb="GET",version=""\} (\d+)$', text, re.M)
        self.assertIsNotNone(m, text[:2000])
        self.assertGreaterEqual(int(m.group(1)), 3)
        self.assertRegex(text, r'(?m)^apiserver_request_duration_seconds_bucket\{.*subresource="/livez".*le="\+Inf"\} \d+$')
        self.assertRegex(text, r'(?m)^apiserver_request_duration_seconds_count\{.*subresource="/livez".*\} \d+$')
        m404 = re.search(r'^apiserver_request_total\{code="404",.*subresource="other".*\} (\d+)$', text, re.M)
        self.server.request("GET", "/nope")
        text2 = self.server.request("GET", "/metrics")[2].decode()
        m404b = re.search(r'^apiserver_request_total\{code="404",.*subresource="other".*\} (\d+)$', text2, re.M)
        self.assertIsNotNone(m404b)
        self.assertEqual(int(m404b.group(1)), (int(m404.group(1)) if m404 else 0) + 1)

    def test_anonymous_and_bad_certificates(self):
        # No certificate: system:anonymous may read health and version only.
        self.assertEqual(self.server.request("GET", "/healthz", cert=None)[0], 200)
        self.assertEqual(self.server.request("GET", "/version", cert=None)[0], 200)
        status, _, data = self.server.request("GET", "/metrics", cert=None)
        self.assertEqual(status, 403)
        body = json.loads(data)
        self.assertEqual(body["reason"], "Forbidden")
        self.assertEqual(body["message"], 'forbidden: User "system:anonymous" cannot get path "/metrics"')
        # A certificate from another CA is refused with 401, as x509 authn does.
        status, _, data = self.server.request("GET", "/healthz", cert="rogue")
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(data)["reason"], "Unauthorized")
        # A bearer token nobody can verify: 401.
        status, _, _ = self.server.request("GET", "/healthz", cert=None,
                                           headers={"Authorization": "Bearer nope"})
        self.assertEqual(status, 401)

    def test_keep_alive_and_head(self):
        conn = self.server.connection()
        for path in ("/healthz", "/version", "/livez"):
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            self.assertEqual(resp.status, 200)
        conn.request("HEAD", "/healthz")
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Content-Length"), "2")
        self.assertEqual(resp.read(), b"")
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        self.assertEqual(resp.read(), b"ok")
        self.assertTrue(resp.getheader("Audit-Id"))
        conn.close()

    def test_pretty_json_for_curl(self):
        code, body = self.curl("/version")
        self.assertEqual(code, 200)
        self.assertIn('\n  "major": "1"', body)
        status, _, data = self.server.request("GET", "/version")
        self.assertNotIn(b"\n ", data)


class TlsTest(ServerTest):
    server_args = ("--tls-min-version=VersionTLS13",)

    def handshake(self, ctx):
        raw = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
        s = ctx.wrap_socket(raw, server_hostname="localhost")
        result = (s.version(), s.selected_alpn_protocol())
        s.close()
        return result

    def test_alpn_offers_http11_only_and_min_version_holds(self):
        ctx = tls_context("admin")
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        self.assertEqual(self.handshake(ctx), ("TLSv1.3", "http/1.1"))
        ctx = tls_context("admin")
        ctx.set_alpn_protocols(["h2"])
        self.assertEqual(self.handshake(ctx), ("TLSv1.3", None))
        old = tls_context("admin")
        old.maximum_version = ssl.TLSVersion.TLSv1_2
        with self.assertRaises(ssl.SSLError):
            self.handshake(old)
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)


class AnonymousDisabledTest(ServerTest):
    server_args = ("--anonymous-auth=false",)

    def test_no_certificate_is_401(self):
        status, _, data = self.server.request("GET", "/healthz", cert=None)
        self.assertEqual(status, 401)
        self.assertEqual(json.loads(data)["message"], "Unauthorized")
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)


class FlagErrorsTest(unittest.TestCase):

    def run_server(self, *args):
        return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30)

    def test_unknown_flag_exits_2(self):
        r = self.run_server("--no-such-flag=1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown flag: --no-such-flag", r.stderr)

    def test_etcd_flags_point_to_storage_dsn(self):
        for flag in ("--etcd-servers=https://127.0.0.1:2379", "--storage-backend=etcd3",
                     "--etcd-cafile=/x"):
            r = self.run_server(flag)
            self.assertEqual(r.returncode, 2, flag)
            self.assertIn("--storage-dsn", r.stderr, flag)

    def test_missing_certificate_fails_cleanly(self):
        r = self.run_server("--secure-port=1", "--tls-cert-file=/nonexistent.crt",
                            "--tls-private-key-file=/nonexistent.key")
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent.crt", r.stderr)


if __name__ == "__main__":
    unittest.main()


class SeedManifestTest(unittest.TestCase):
    """The example manifest of SEED-kube-apiserver.md, minus its etcd flags,
    with its placeholders filled in: the server starts and serves."""

    def test_seed_flags_start_a_server(self):
        port = free_port()
        seed = [
            "--bind-address=0.0.0.0", "--anonymous-auth=false", "--insecure-port=0",
            "--secure-port=%d" % port, "--authorization-mode=RBAC",
            "--service-cluster-ip-range=10.96.0.0/12",
            "--enable-admission-plugins=DenyEscalatingExec,PodPreset",
            "--requestheader-client-ca-file=" + pki("ca.crt"),
            "--proxy-client-cert-file=" + pki("server.crt"), "--proxy-client-key-file=" + pki("server.key"),
            "--requestheader-allowed-names=aggregator", "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            "--requestheader-group-headers=X-Remote-Group", "--requestheader-username-headers=X-Remote-User",
            "--service-account-key-file=" + pki("sa.pub"),
            "--tls-cert-file=" + pki("server.crt"), "--tls-private-key-file=" + pki("server.key"),
            "--client-ca-file=" + pki("ca.crt"),
            "--kubelet-client-certificate=" + pki("server.crt"), "--kubelet-client-key=" + pki("server.key"),
            "--encryption-provider-config=/etc/kubernetes/cfg/apiserver-encryption.yaml",
            "--v=1", "--service-node-port-range=60-40000", "--allow-privileged=true", "--logtostderr=true",
            "--runtime-config=autoscaling/v2beta1=true,settings.k8s.io/v1alpha1=true",
            "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_AES_256_GCM_SHA384,"
            "TLS_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_256_CBC_SHA,TLS_RSA_WITH_AES_128_CBC_SHA",
        ]
        server = Server("seed", port=port)
        # Keep the harness's storage and worker flags, take everything else from the seed.
        server.args = [server.args[0]] + seed + [a for a in server.args if a.startswith(("--storage-dsn", "--workers"))]
        server.start()
        try:
            self.assertEqual(server.request("GET", "/readyz")[0], 200)
            self.assertEqual(server.request("GET", "/healthz", cert=None)[0], 401)
            log = server.read_log()
            self.assertIn("DenyEscalatingExec", log)
            self.assertIn("insecure-port", log)
        finally:
            self.assertEqual(server.stop(), 0)
