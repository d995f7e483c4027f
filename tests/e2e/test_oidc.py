"""The OpenID Connect token authenticator (--oidc-*) against a small
OpenID provider in this process: an HTTPS server (its own CA, named by
--oidc-ca-file) serving the discovery document and the JWKS. Tokens are
signed here with `openssl dgst -sha256 -sign` (RS256).

Checked: before the provider answers, its tokens are refused (upstream:
"oidc: authenticator not initialized") and the worker keeps retrying;
then kubectl auth whoami shows the prefixed user and groups; a wrong
audience, an expired token, another issuer, a bad signature, an unknown
kid, a missing required claim, and (username claim email) email_verified
false are all 401."""
import base64
import http.server
import json
import os
import subprocess
import threading
import time
import unittest

from harness import TMP, Server, free_port, pki

OP = os.path.join(TMP, "oidc")
CLIENT_ID = "pgkube"


def p(name):
    return os.path.join(OP, name)


def openssl(*args, data=None):
    return subprocess.run(["openssl"] + list(args), check=True, capture_output=True, input=data).stdout


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_provider_pki():
    """A CA, the provider's serving certificate (127.0.0.1) and two RSA signing keys."""
    if os.path.exists(p("other.key")):
        return
    os.makedirs(OP, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=oidc-test-ca", "-keyout", p("ca.key"), "-out", p("ca.crt"))
    with open(p("san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl("req", *ec, "-subj", "/CN=oidc-provider", "-keyout", p("server.key"), "-out", p("server.csr"))
    openssl("x509", "-req", "-in", p("server.csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"), "-CAcreateserial",
            "-days", "2", "-extfile", p("san.ext"), "-out", p("server.crt"))
    for name in ("signer", "other"):
        openssl("genrsa", "-out", p(name + ".key"), "2048")


def rsa_jwk(key, kid):
    modulus = openssl("rsa", "-in", key, "-noout", "-modulus").decode().strip().split("=", 1)[1]
    return {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
            "n": b64(bytes.fromhex(modulus)), "e": b64((65537).to_bytes(3, "big"))}


def sign(claims, key="signer", kid="k1"):
    header = {"alg": "RS256", "kid": kid, "typ": "JWT"}
    data = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    signature = openssl("dgst", "-sha256", "-sign", p(key + ".key"), data=data.encode())
    return data + "." + b64(signature)


class Provider:
    """Serves /.well-known/openid-configuration and /keys once started."""

    def __init__(self):
        self.port = free_port()
        self.issuer = "https://127.0.0.1:%d" % self.port
        self.jwks = {"keys": [rsa_jwk(p("signer.key"), "k1")]}
        self.httpd = None

    def start(self):
        op = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    doc = {"issuer": op.issuer, "jwks_uri": op.issuer + "/keys",
                           "id_token_signing_alg_values_supported": ["RS256"]}
                elif self.path == "/keys":
                    doc = op.jwks
                else:
                    doc = None
                data = json.dumps(doc).encode()
                self.send_response(200 if doc else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(p("server.crt"), p("server.key"))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()


class OIDCCase(unittest.TestCase):
    extra_args = ()

    @classmethod
    def setUpClass(cls):
        make_provider_pki()
        cls.op = Provider()
        cls.server = Server(cls.__name__, [
            "--oidc-issuer-url=" + cls.op.issuer,
            "--oidc-client-id=" + CLIENT_ID,
            "--oidc-ca-file=" + p("ca.crt"),
            "--oidc-groups-claim=groups",
            "--oidc-groups-prefix=oidc:",
            "--oidc-required-claim=hd=example.com",
        ] + list(cls.extra_args), workers=1).start()

    @classmethod
    def tearDownClass(cls):
        cls.op.stop()
        code = cls.server.stop()
        if code != 0:
            raise AssertionError("server exited with %s:\n%s" % (code, cls.server.read_log()[-3000:]))

    def claims(self, **over):
        c = {"iss": self.op.issuer, "aud": [CLIENT_ID, "other"], "sub": "jane", "email": "jane@example.com",
             "email_verified": True, "hd": "example.com", "groups": ["admins", "devs"],
             "iat": int(time.time()), "exp": int(time.time()) + 600}
        c.update(over)
        return {k: v for k, v in c.items() if v is not None}

    def review(self, token):
        """POSTs a SelfSubjectReview with the token; (status, answer)."""
        status, _, data = self.server.request(
            "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
            body=json.dumps({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}),
            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"}, cert=None)
        return status, json.loads(data)

    def wait_authenticated(self, token):
        deadline = time.time() + 30
        while True:
            status, answer = self.review(token)
            if status == 201 or time.time() > deadline:
                return status, answer
            time.sleep(0.5)

    def whoami(self, token):
        env = dict(os.environ, KUBECONFIG="/dev/null")
        r = subprocess.run(["kubectl", "--server", self.server.url, "--certificate-authority", pki("ca.crt"),
                            "--token", token, "--cache-dir", os.path.join(TMP, "kcache-oidc"),
                            "auth", "whoami", "-o", "json"], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)["status"]["userInfo"]


class TestOIDC(OIDCCase):
    def test_oidc(self):
        good = sign(self.claims())
        # The provider is not up yet: the authenticator is not initialised.
        status, answer = self.review(good)
        self.assertEqual(status, 401)
        self.assertEqual(answer["message"], "Unauthorized")
        self.op.start()
        status, answer = self.wait_authenticated(good)
        self.assertEqual(status, 201, answer)
        self.assertEqual(self.whoami(good), {
            "username": self.op.issuer + "#jane",
            "groups": ["oidc:admins", "oidc:devs", "system:authenticated"],
        })
        one_group = sign(self.claims(groups="solo", aud=CLIENT_ID))
        self.assertEqual(self.whoami(one_group), {
            "username": self.op.issuer + "#jane",
            "groups": ["oidc:solo", "system:authenticated"],
        })

        refused = {
            "wrong audience": sign(self.claims(aud="someone-else")),
            "expired": sign(self.claims(exp=int(time.time()) - 5)),
            "no exp": sign(self.claims(exp=None)),
            "wrong issuer": sign(self.claims(iss=self.op.issuer + "/other")),
            "bad signature": sign(self.claims(), key="other"),
            "unknown kid": sign(self.claims(), kid="k2"),
            "required claim missing": sign(self.claims(hd=None)),
            "required claim differs": sign(self.claims(hd="evil.com")),
            "not a JWT": "a.b.c",
        }
        for why, token in refused.items():
            with self.subTest(why):
                status, answer = self.review(token)
                self.assertEqual(status, 401, answer)
                self.assertEqual(answer["message"], "Unauthorized")
        # Each was refused for its own reason (the log has upstream's words).
        log = self.server.read_log()
        for message in (
                "oidc: authenticator not initialized",
                'oidc: verify token: oidc: expected audience "pgkube" got ["someone-else"]',
                "oidc: verify token: oidc: token is expired",
                "oidc: verify token: failed to verify signature: failed to verify id token signature",
                "oidc: required claim hd not present in ID token",
                "oidc: required claim hd value does not match. Got = evil.com, want = example.com",
                'Get "%s/.well-known/openid-configuration": dial tcp' % self.op.issuer):
            self.assertIn(message, log)

        # A key added at the provider is fetched when a token names its kid
        # (at most every 10 s): the first such token is refused, a later one
        # is accepted.
        self.op.jwks = {"keys": [rsa_jwk(p("signer.key"), "k1"), rsa_jwk(p("other.key"), "k2")]}
        rotated = sign(self.claims(), key="other", kid="k2")
        deadline = time.time() + 30
        while self.review(rotated)[0] != 201 and time.time() < deadline:
            time.sleep(1)
        self.assertEqual(self.whoami(rotated)["username"], self.op.issuer + "#jane")


class TestOIDCEmail(OIDCCase):
    extra_args = ("--oidc-username-claim=email",)

    def test_email(self):
        self.op.start()
        good = sign(self.claims())
        status, answer = self.wait_authenticated(good)
        self.assertEqual(status, 201, answer)
        # The email claim has no default prefix.
        self.assertEqual(self.whoami(good)["username"], "jane@example.com")
        self.assertEqual(self.review(sign(self.claims(email_verified=None)))[0], 201)
        status, answer = self.review(sign(self.claims(email_verified=False)))
        self.assertEqual(status, 401, answer)
        self.assertIn("Unable to authenticate the request: oidc: email not verified", self.server.read_log())


if __name__ == "__main__":
    unittest.main()
