"""The Webhook authorizer and the webhook token authenticator against a
small HTTPS webhook in this process: the exact SubjectAccessReview and
TokenReview bodies kube-apiserver v1.32 sends, decisions and reasons,
caching, malformed answers, and the webhook going away.

The webhook serves with a certificate of its own CA (not the dev CA); the
authorizer's kubeconfig names that CA and a client certificate the webhook
requires, the authenticator's a bearer token the webhook checks."""
import http.server
import json
import os
import socket
import ssl
import subprocess
import threading
import time
import unittest

from harness import BIN, DSN, TMP, Server, free_port, pki

WH = os.path.join(TMP, "webhook")
API_AUDIENCE = "https://kubernetes.default.svc.cluster.local"
WEBHOOK_TOKEN = "webhook-caller-secret"
SECRETS_REASON = "hooky may not read secrets"


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True)


def make_webhook_pki():
    """A CA, the webhook's serving certificate (127.0.0.1) and a client certificate."""
    if os.path.exists(os.path.join(WH, "client.crt")):
        return
    os.makedirs(WH, exist_ok=True)
    p = lambda n: os.path.join(WH, n)  # noqa: E731
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=webhook-test-ca", "-keyout", p("ca.key"),
            "-out", p("ca.crt"))
    with open(p("san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    with open(p("client.ext"), "w") as f:
        f.write("extendedKeyUsage=clientAuth\n")
    for name, ext in (("server", "san.ext"), ("client", "client.ext")):
        openssl("req", *ec, "-subj", "/CN=webhook-" + name, "-keyout", p(name + ".key"), "-out", p(name + ".csr"))
        openssl("x509", "-req", "-in", p(name + ".csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
                "-CAcreateserial", "-days", "2", "-extfile", p(ext), "-out", p(name + ".crt"))


class Webhook:
    """Answers SubjectAccessReviews on /authz and TokenReviews on /authn; records what it got."""

    def __init__(self):
        self.port = free_port()
        self.seen = []  # (path, headers, body) of every request
        self.mode = "normal"  # or "garbage", "wrong-kind", "http-500"
        self.lock = threading.Lock()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                if hook.httpd is None:
                    # Stopped: a kept-alive connection is cut without an answer.
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with hook.lock:
                    hook.seen.append((self.path, dict(self.headers), body.decode()))
                    mode = hook.mode
                status, answer = hook.answer(self.path, self.headers, json.loads(body), mode)
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if mode == "chunked":
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for i in range(0, len(data), 7):
                        piece = data[i:i + 7]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")
                elif mode == "until-close":
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(data)
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(WH, "server.crt"), os.path.join(WH, "server.key"))
        ctx.load_verify_locations(os.path.join(WH, "ca.crt"))
        ctx.verify_mode = ssl.CERT_OPTIONAL
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, path, headers, review, mode):
        if mode == "garbage":
            return 200, b"garbage{"
        if mode == "http-500":
            return 500, b"boom"
        if mode == "wrong-kind":
            return 200, {"kind": "Pod", "apiVersion": "v1", "metadata": {}}
        if path.startswith("/authn"):
            ok = review["spec"].get("token") == "hook-token" and \
                headers.get("Authorization") == "Bearer " + WEBHOOK_TOKEN
            status = {"authenticated": True, "user": {"username": "hooky", "uid": "h-1", "groups": ["hookers"],
                                                      "extra": {"color": ["blue"]}}} if ok else \
                {"authenticated": False, "error": "unknown token"}
            return 200, {"apiVersion": review["apiVersion"], "kind": "TokenReview", "status": status}
        spec = review["spec"]
        attrs = spec.get("resourceAttributes", {})
        status = {"allowed": False}
        if spec.get("user") == "hooky" and attrs.get("resource") == "pods":
            status = {"allowed": True, "reason": "hooky may list pods"}
        elif spec.get("user") == "hooky" and attrs.get("resource") == "secrets":
            status = {"allowed": False, "denied": True, "reason": SECRETS_REASON}
        return 200, {"apiVersion": review["apiVersion"], "kind": "SubjectAccessReview", "status": status}

    def take(self, prefix):
        """The requests on paths under prefix since the last take, and forgets them."""
        with self.lock:
            got = [s for s in self.seen if s[0].startswith(prefix)]
            self.seen = [s for s in self.seen if not s[0].startswith(prefix)]
        return got

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


def write_kubeconfig(path, server, user):
    with open(path, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "hook",
                   "clusters": [{"name": "wh", "cluster": {"server": server, "certificate-authority": "ca.crt"}}],
                   "contexts": [{"name": "hook", "context": {"cluster": "wh", "user": "api"}}],
                   "users": [{"name": "api", "user": user}]}, f)


class WebhookTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        make_webhook_pki()
        cls.hook = Webhook()
        base = "https://127.0.0.1:%d" % cls.hook.port
        authz = os.path.join(WH, "authz.kubeconfig")
        authn = os.path.join(WH, "authn.kubeconfig")
        # Relative paths: relative to the kubeconfig's directory.
        write_kubeconfig(authz, base + "/authz", {"client-certificate": "client.crt", "client-key": "client.key"})
        write_kubeconfig(authn, base + "/authn", {"token": WEBHOOK_TOKEN})
        cls.server = Server("webhook", [
            "--authorization-mode=Node,RBAC,Webhook",
            "--authorization-webhook-config-file=" + authz,
            "--authorization-webhook-version=v1",
            "--authentication-token-webhook-config-file=" + authn,
        ], workers=1).start()

    @classmethod
    def tearDownClass(cls):
        cls.hook.stop()
        code = cls.server.stop()
        if code != 0:
            raise AssertionError("server exited with %s:\n%s" % (code, cls.server.read_log()[-3000:]))

    def request(self, path, token="hook-token", method="GET"):
        status, headers, data = self.server.request(method, path, cert=None,
                                                    headers={"Authorization": "Bearer " + token})
        return status, headers, data.decode()

    def test_1_token_review_and_whoami(self):
        self.hook.take("/")
        out = subprocess.run(["kubectl", "--server", self.server.url, "--certificate-authority", pki("ca.crt"),
                              "--token", "hook-token", "--cache-dir", os.path.join(TMP, "kcache-webhook"),
                              "auth", "whoami", "-o", "json"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(json.loads(out.stdout)["status"]["userInfo"],
                         {"username": "hooky", "uid": "h-1", "groups": ["hookers", "system:authenticated"],
                          "extra": {"color": ["blue"]}})
        reviews = self.hook.take("/authn")
        self.assertEqual(len(reviews), 1)
        path, headers, body = reviews[0]
        self.assertEqual(path, "/authn?timeout=30s")
        self.assertEqual(headers["Authorization"], "Bearer " + WEBHOOK_TOKEN)
        self.assertEqual(headers["Content-Type"], "application/json")
        # The default --authentication-token-webhook-version is v1beta1.
        self.assertEqual(body, '{"kind":"TokenReview","apiVersion":"authentication.k8s.io/v1beta1",'
                               '"metadata":{"creationTimestamp":null},"spec":{"token":"hook-token",'
                               '"audiences":["%s"]},"status":{"user":{}}}\n' % API_AUDIENCE)
        # SelfSubjectReview creation is RBAC's (system:basic-user): no SubjectAccessReview.
        self.assertEqual(self.hook.take("/authz"), [])
        # A token the webhook does not know is a 401, and that answer is cached too.
        for _ in range(2):
            status, _, _ = self.request("/api/v1/namespaces", token="nope-token")
            self.assertEqual(status, 401)
        self.assertEqual(len(self.hook.take("/authn")), 1)
        self.assertIn("Unable to authenticate the request: unknown token", self.server.read_log())

    def test_2_allowed_by_webhook_and_cached(self):
        self.hook.take("/")
        status, _, data = self.request("/api/v1/namespaces/default/pods")
        self.assertEqual(status, 200, data)
        self.assertEqual(json.loads(data)["kind"], "PodList")
        reviews = self.hook.take("/authz")
        self.assertEqual(len(reviews), 1)
        path, headers, body = reviews[0]
        self.assertEqual(path, "/authz?timeout=30s")
        self.assertEqual(body, '{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",'
                               '"metadata":{"creationTimestamp":null},"spec":{"resourceAttributes":'
                               '{"namespace":"default","verb":"list","version":"v1","resource":"pods"},'
                               '"user":"hooky","groups":["hookers","system:authenticated"],'
                               '"extra":{"color":["blue"]},"uid":"h-1"},"status":{"allowed":false}}\n')
        # Within the TTLs neither webhook is asked again.
        status, _, _ = self.request("/api/v1/namespaces/default/pods")
        self.assertEqual(status, 200)
        self.assertEqual(self.hook.take("/"), [])
        # A non-resource request.
        status, _, _ = self.request("/healthz")
        self.assertEqual(status, 200)  # system:public-info-viewer (RBAC): no review
        status, _, _ = self.request("/metrics")
        self.assertEqual(status, 403)
        self.assertEqual([b for _, _, b in self.hook.take("/authz")],
                         ['{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1",'
                          '"metadata":{"creationTimestamp":null},"spec":{"nonResourceAttributes":'
                          '{"path":"/metrics","verb":"get"},"user":"hooky","groups":["hookers",'
                          '"system:authenticated"],"extra":{"color":["blue"]},"uid":"h-1"},'
                          '"status":{"allowed":false}}\n'])

    def test_3_denied_by_webhook(self):
        status, _, data = self.request("/api/v1/namespaces/default/secrets")
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(data)["message"],
                         'secrets is forbidden: User "hooky" cannot list resource "secrets" in API group "" '
                         'in the namespace "default": ' + SECRETS_REASON)
        # Denials are cached (--authorization-webhook-cache-unauthorized-ttl, 30s).
        self.hook.take("/")
        status, _, _ = self.request("/api/v1/namespaces/default/secrets")
        self.assertEqual(status, 403)
        self.assertEqual(self.hook.take("/"), [])
        # The admin (system:masters) never reaches the webhook.
        self.hook.take("/")
        status, _, _ = self.server.request("GET", "/api/v1/namespaces/default/secrets")
        self.assertEqual(status, 200)
        self.assertEqual(self.hook.take("/"), [])

    def test_3b_access_reviews_ask_the_webhook(self):
        def can_i(*args):
            return subprocess.run(["kubectl", "--server", self.server.url, "--certificate-authority",
                                   pki("ca.crt"), "--token", "hook-token", "--cache-dir",
                                   os.path.join(TMP, "kcache-webhook"), "auth", "can-i"] + list(args),
                                  capture_output=True, text=True, timeout=60)
        self.hook.take("/")
        r = can_i("list", "pods", "-n", "reviewed")
        self.assertEqual((r.returncode, r.stdout), (0, "yes\n"), r.stderr)
        r = can_i("get", "secrets", "-n", "reviewed")
        self.assertEqual((r.returncode, r.stdout), (1, "no - " + SECRETS_REASON + "\n"), r.stderr)
        # A SelfSubjectAccessReview's version is "*" when the review names none.
        self.assertEqual([json.loads(b)["spec"]["resourceAttributes"] for _, _, b in self.hook.take("/authz")],
                         [{"namespace": "reviewed", "verb": "list", "version": "*", "resource": "pods"},
                          {"namespace": "reviewed", "verb": "get", "version": "*", "resource": "secrets"}])

    def test_4a_answer_framing(self):
        # Chunked answers (with a trailer), and answers that end with the connection.
        for i, mode in enumerate(("chunked", "until-close", "chunked")):
            self.hook.mode = mode
            try:
                self.hook.take("/")
                status, _, data = self.request("/api/v1/namespaces/framing-%d/pods" % i)
                self.assertEqual(status, 200, data)
                self.assertEqual(len(self.hook.take("/authz")), 1)
                status, _, data = self.request("/api/v1/namespaces/framing-%d/secrets" % i)
                self.assertEqual(status, 403, data)
                self.assertTrue(json.loads(data)["message"].endswith(": " + SECRETS_REASON))
            finally:
                self.hook.mode = "normal"

    def test_4_malformed_answers(self):
        cases = (
            ("garbage", "invalid character 'g' looking for beginning of value"),
            ("wrong-kind", "converting (v1, Kind=Pod) to SubjectAccessReview: unknown conversion"),
            ("http-500", 'an error on the server ("boom") has prevented the request from succeeding'),
        )
        for i, (mode, error) in enumerate(cases):
            self.hook.mode = mode
            try:
                path = "/api/v1/namespaces/malformed-%d/pods" % i
                status, headers, data = self.request(path)
                self.assertEqual(status, 500, mode)
                self.assertEqual(headers["Content-Type"], "text/plain; charset=utf-8")
                self.assertEqual(data, 'Internal Server Error: "%s": %s\n' % (path, error))
                # The answer was not cached: asked again (and 5 times for a retried 500).
                self.hook.take("/")
                self.request(path)
                self.assertEqual(len(self.hook.take("/authz")), 5 if mode == "http-500" else 1)
                # An unknown token is not authenticated: 401.
                status, _, _ = self.request("/api/v1/namespaces", token="token-%s" % mode)
                self.assertEqual(status, 401, mode)
            finally:
                self.hook.mode = "normal"
        status, _, _ = self.request("/api/v1/namespaces/malformed-0/pods")
        self.assertEqual(status, 200)

    def test_5_webhook_down(self):
        self.hook.stop()
        path = "/api/v1/namespaces/down/pods"
        status, _, data = self.request(path)
        self.assertEqual(status, 500)
        self.assertEqual(data, 'Internal Server Error: "%s": Post "https://127.0.0.1:%d/authz?timeout=30s": '
                               'dial tcp 127.0.0.1:%d: connect: connection refused\n'
                         % (path, self.hook.port, self.hook.port))
        status, _, _ = self.request("/api/v1/namespaces", token="another-token")
        self.assertEqual(status, 401)
        # Cached answers still serve.
        status, _, _ = self.request("/api/v1/namespaces/default/pods")
        self.assertEqual(status, 200)
        log = self.server.read_log()
        self.assertIn("Failed to make webhook authorizer request", log)
        self.assertIn("Failed to make webhook authenticator request", log)


class WebhookConfigErrorsTest(unittest.TestCase):
    """A webhook kubeconfig that does not load fails the start (exit 1), as upstream's does."""

    def start(self, *args):
        cmd = [BIN, "--bind-address=127.0.0.1", "--secure-port=%d" % free_port(),
               "--tls-cert-file=" + pki("server.crt"), "--tls-private-key-file=" + pki("server.key"),
               "--storage-dsn=" + DSN] + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)

    def test_start_errors(self):
        make_webhook_pki()
        bad_ca = os.path.join(WH, "bad-ca.kubeconfig")
        with open(os.path.join(WH, "not-a-ca.pem"), "w") as f:
            f.write("not a certificate\n")
        with open(bad_ca, "w") as f:
            json.dump({"current-context": "c", "contexts": [{"name": "c", "context": {"cluster": "k"}}],
                       "clusters": [{"name": "k", "cluster": {"server": "https://127.0.0.1:1/",
                                                              "certificate-authority": "not-a-ca.pem"}}]}, f)
        cases = (
            (["--authorization-mode=Webhook", "--authorization-webhook-config-file=" + bad_ca],
             "unable to load root certificates: unable to parse bytes as PEM block"),
            (["--authentication-token-webhook-config-file=" + bad_ca],
             "unable to load root certificates: unable to parse bytes as PEM block"),
            (["--authorization-mode=Webhook", "--authorization-webhook-config-file=/nonexistent/k"],
             "stat /nonexistent/k: no such file or directory"),
            (["--authentication-token-webhook-config-file=" + bad_ca, "--authentication-token-webhook-version=v2"],
             'unsupported authentication webhook version "v2", supported versions are "v1", "v1beta1"'),
        )
        for args, message in cases:
            r = self.start(*args)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("] " + message + "\n", r.stderr)
            self.assertNotIn("Sanitizer", r.stderr)


if __name__ == "__main__":
    unittest.main()
