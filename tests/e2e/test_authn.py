"""Authentication as kube-apiserver v1.32 does it: static tokens, service-account
tokens from TokenRequest (kubectl create token) and their binding to objects,
time and audience, legacy secret-based tokens, bootstrap tokens, the front
proxy, TokenReview and SelfSubjectReview (kubectl auth whoami), and the Debian
python client with a service-account token.

Tokens are checked against PostgreSQL and successes are cached for 10 s per
worker (upstream's --token-success-cache-ttl), so a check that a token stops
working after its object is deleted either uses a token never used before, or
waits out the cache once for all of them (test_tokens_stop_with_their_objects).
"""
import base64
import hashlib
import http.client
import json
import os
import re
import subprocess
import time
import unittest

from harness import (PKI, SA_ISSUER, STATIC_TOKENS, TMP, ServerTest, kubeconfig, pki,
                     tls_context)

NS = "authn"
UNAUTHORIZED = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "Unauthorized", "reason": "Unauthorized", "code": 401}
PROXY = os.path.join(TMP, "authn-proxy")
CACHE_TTL = 10


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode(token):
    header, payload, _ = token.split(".")
    return json.loads(unb64url(header)), json.loads(unb64url(payload))


def key_id(public_pem):
    """keyIDFromPublicKey: base64url(SHA-256(DER SubjectPublicKeyInfo))."""
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", public_pem, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return b64url(hashlib.sha256(der).digest())


def sign(header, claims, key):
    """An RS256 token signed with the openssl CLI."""
    text = b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=text.encode(),
                         capture_output=True, check=True).stdout
    return text + "." + b64url(sig)


def data(**values):
    """A Secret's data: pgkube does not fold stringData into data yet."""
    return {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True)


def make_proxy_pki():
    """A CA of its own for front proxies, a proxy certificate with the allowed
    CN, and one with another CN."""
    os.makedirs(PROXY, exist_ok=True)
    ca, ca_key = os.path.join(PROXY, "ca.crt"), os.path.join(PROXY, "ca.key")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-days", "2", "-subj", "/CN=front-proxy-ca", "-keyout", ca_key, "-out", ca)
    ext = os.path.join(PROXY, "client.ext")
    with open(ext, "w") as f:
        f.write("extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n")
    for name in ("front-proxy-client", "intruder"):
        key, csr, crt = (os.path.join(PROXY, name + s) for s in (".key", ".csr", ".crt"))
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=" + name, "-keyout", key, "-out", csr)
        openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-days", "2",
                "-set_serial", "0x%x" % (hash(name) & 0xFFFFFFFF), "-extfile", ext, "-out", crt)
    return ca


class AuthnTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        proxy_ca = make_proxy_pki()
        cls.server_args = (
            "--enable-bootstrap-token-auth",
            "--requestheader-client-ca-file=" + proxy_ca,
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-username-headers=X-Remote-User",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        )
        super().setUpClass()
        cls.admin = kubeconfig(cls.server, os.path.join(TMP, "authn-admin.kubeconfig"))
        # A kubeconfig without credentials: kubectl --token alone, since a
        # client certificate would authenticate first (x509 precedes tokens).
        cls.anon = os.path.join(TMP, "authn-token.kubeconfig")
        with open(cls.anon, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "Config", "current-context": "c",
                       "clusters": [{"name": "c", "cluster": {"server": cls.server.url,
                                                              "certificate-authority": pki("ca.crt")}}],
                       "contexts": [{"name": "c", "context": {"cluster": "c", "user": "u"}}],
                       "users": [{"name": "u", "user": {}}]}, f)
        cls.kid = key_id(pki("sa.pub"))
        cls.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
        for sa in ("robot", "temp", "gone-later", "legacy"):
            cls.create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa}}, NS)

    # ---- helpers ----

    @classmethod
    def kubectl(cls, *args, token=None, check=True):
        cfg = cls.anon if token else cls.admin
        cmd = ["kubectl", "--kubeconfig", cfg, "--cache-dir", os.path.join(TMP, "kcache-authn")]
        if token:
            cmd += ["--token", token]
        r = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError("kubectl %s: %s" % (" ".join(args), r.stderr))
        return r

    @classmethod
    def create(cls, obj, ns=None):
        args = ["create", "-f", "-"] + (["-n", ns] if ns else [])
        cmd = ["kubectl", "--kubeconfig", cls.admin] + args
        subprocess.run(cmd, input=json.dumps(obj), capture_output=True, text=True, check=True)

    def call(self, method, path, body=None, token=None, cert=None, headers=None):
        """One request, as JSON, with an optional bearer token and client certificate."""
        h = {"Content-Type": "application/json", "Accept": "application/json"}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        h.update(headers or {})
        status, _, data = self.server.request(method, path, body=json.dumps(body) if body else None,
                                              headers=h, cert=cert)
        return status, json.loads(data) if data else None

    def whoami(self, token=None, cert=None, headers=None):
        status, body = self.call("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                 {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"},
                                 token=token, cert=cert, headers=headers)
        return status, body.get("status", {}).get("userInfo") if status == 201 else body

    def review(self, token, audiences=None):
        spec = {"token": token}
        if audiences:
            spec["audiences"] = audiences
        status, body = self.call("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
                                 {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": spec},
                                 cert="admin")
        self.assertEqual(status, 201, body)
        return body["status"]

    def create_token(self, sa, *args):
        return self.kubectl("create", "token", sa, "-n", NS, *args).stdout.strip()

    def sa_uid(self, name):
        return self.kubectl("get", "sa", name, "-n", NS, "-o", "jsonpath={.metadata.uid}").stdout

    def claims(self, sa, uid=None, **extra):
        now = int(time.time())
        c = {"aud": [SA_ISSUER], "exp": now + 600, "iat": now, "iss": SA_ISSUER,
             "kubernetes.io": {"namespace": NS, "serviceaccount": {"name": sa, "uid": uid or self.sa_uid(sa)}},
             "nbf": now, "sub": "system:serviceaccount:%s:%s" % (NS, sa)}
        c.update(extra)
        return c

    def sa_user(self, sa, uid, jti):
        return {"username": "system:serviceaccount:%s:%s" % (NS, sa), "uid": uid,
                "groups": ["system:serviceaccounts", "system:serviceaccounts:" + NS, "system:authenticated"],
                "extra": {"authentication.kubernetes.io/credential-id": ["JTI=" + jti]}}

    # ---- static tokens ----

    def test_static_token(self):
        user, uid, groups = STATIC_TOKENS["e2e-alice-token"]
        status, info = self.whoami("e2e-alice-token")
        self.assertEqual((status, info), (201, {"username": user, "uid": uid,
                                                "groups": groups + ["system:authenticated"]}))
        out = self.kubectl("auth", "whoami", token="e2e-alice-token").stdout
        self.assertEqual(out, "ATTRIBUTE   VALUE\nUsername    alice\nUID         1001\n"
                              "Groups      [dev qa system:authenticated]\n")
        # A client certificate that does not verify does not spoil a good token...
        self.assertEqual(self.whoami("e2e-alice-token", cert="rogue")[1]["username"], "alice")
        # ...and a good certificate comes first in the chain.
        self.assertEqual(self.whoami("e2e-alice-token", cert="admin")[1]["username"], "kubernetes-admin")

    def test_bad_token_is_401(self):
        for token in ("nope", "e2e-alice-token2", "abcdef.0123456789abcdef", "a.b.c"):
            status, _, data = self.server.request("GET", "/api/v1/namespaces", cert=None,
                                                  headers={"Authorization": "Bearer " + token})
            self.assertEqual(status, 401, token)
            self.assertEqual(data, json.dumps(UNAUTHORIZED, separators=(",", ":")).encode())
        r = self.kubectl("auth", "whoami", token="nope", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("error: You must be logged in to the server (Unauthorized)", r.stderr)
        # Not a bearer token at all: ignored, the request is anonymous.
        status, body = self.call("GET", "/version", headers={"Authorization": "Basic Zm9vOmJhcg=="})
        self.assertEqual(status, 200)

    # ---- TokenRequest and service-account tokens ----

    def test_create_token_and_use_it(self):
        token = self.create_token("robot")
        header, claims = decode(token)
        uid = self.sa_uid("robot")
        self.assertEqual(header, {"alg": "RS256", "kid": self.kid})
        self.assertEqual(list(claims), sorted(claims))
        self.assertEqual(claims["aud"], [SA_ISSUER])
        self.assertEqual(claims["iss"], SA_ISSUER)
        self.assertEqual(claims["sub"], "system:serviceaccount:authn:robot")
        self.assertEqual(claims["kubernetes.io"], {"namespace": NS, "serviceaccount": {"name": "robot", "uid": uid}})
        self.assertEqual(claims["exp"] - claims["iat"], 3600)
        self.assertEqual(claims["nbf"], claims["iat"])
        self.assertLess(abs(claims["iat"] - time.time()), 30)
        status, info = self.whoami(token)
        self.assertEqual((status, info), (201, self.sa_user("robot", uid, claims["jti"])))
        out = [re.split(r"\s{2,}", line, 1) for line in self.kubectl("auth", "whoami", token=token).stdout.splitlines()]
        self.assertEqual(out, [["ATTRIBUTE", "VALUE"], ["Username", "system:serviceaccount:authn:robot"],
                               ["UID", uid],
                               ["Groups", "[system:serviceaccounts system:serviceaccounts:authn system:authenticated]"],
                               ["Extra: authentication.kubernetes.io/credential-id", "[JTI=%s]" % claims["jti"]]])
        yaml = self.kubectl("auth", "whoami", "-o", "yaml", token=token).stdout
        self.assertIn("apiVersion: authentication.k8s.io/v1\nkind: SelfSubjectReview\n", yaml)
        self.assertIn("    username: system:serviceaccount:authn:robot\n", yaml)
        # --duration, and upstream's bounds
        _, claims = decode(self.create_token("robot", "--duration", "20m"))
        self.assertEqual(claims["exp"] - claims["iat"], 1200)
        r = self.kubectl("create", "token", "robot", "-n", NS, "--duration", "1m", check=False)
        self.assertEqual(r.stderr, 'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: '
                                   'spec.expirationSeconds: Invalid value: 60: may not specify a duration less than '
                                   '10 minutes\n')
        r = self.kubectl("create", "token", "nosuch", "-n", NS, check=False)
        self.assertEqual(r.stderr, 'error: failed to create token: serviceaccounts "nosuch" not found\n')

    def test_token_request_api(self):
        path = "/api/v1/namespaces/%s/serviceaccounts/robot/token" % NS
        status, body = self.call("POST", path, {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                                                "spec": {"audiences": ["x", "y"], "expirationSeconds": 700}},
                                 cert="admin")
        self.assertEqual(status, 201, body)
        self.assertEqual(list(body), ["kind", "apiVersion", "metadata", "spec", "status"])
        self.assertEqual(body["metadata"]["name"], "robot")
        self.assertEqual(body["metadata"]["namespace"], NS)
        self.assertEqual(body["spec"], {"audiences": ["x", "y"], "expirationSeconds": 700, "boundObjectRef": None})
        _, claims = decode(body["status"]["token"])
        self.assertEqual(claims["aud"], ["x", "y"])
        self.assertEqual(body["status"]["expirationTimestamp"],
                         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(claims["iat"] + 700)))
        status, body = self.call("POST", path, {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                                                "metadata": {"name": "other"}, "spec": {}}, cert="admin")
        self.assertEqual(status, 422)
        self.assertEqual(body["message"], 'TokenRequest.authentication.k8s.io "robot" is invalid: metadata.name: '
                                          'Invalid value: "other": must match the service account name if specified')
        status, body = self.call("POST", path, {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
                                                "spec": {"boundObjectRef": {"kind": "Deployment",
                                                                            "apiVersion": "apps/v1", "name": "d"}}},
                                 cert="admin")
        self.assertEqual((status, body["message"]), (400, "cannot bind token to object of type apps/v1, Kind=Deployment"))

    def test_bound_to_pod_and_secret(self):
        self.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "worker"},
                     "spec": {"serviceAccountName": "robot", "containers": [{"name": "c", "image": "busybox"}]}}, NS)
        pod_uid = self.kubectl("get", "pod", "worker", "-n", NS, "-o", "jsonpath={.metadata.uid}").stdout
        token = self.create_token("robot", "--bound-object-kind", "Pod", "--bound-object-name", "worker")
        _, claims = decode(token)
        self.assertEqual(claims["kubernetes.io"]["pod"], {"name": "worker", "uid": pod_uid})
        status, info = self.whoami(token)
        self.assertEqual(status, 201)
        self.assertEqual(info["extra"], {"authentication.kubernetes.io/credential-id": ["JTI=" + claims["jti"]],
                                         "authentication.kubernetes.io/pod-name": ["worker"],
                                         "authentication.kubernetes.io/pod-uid": [pod_uid]})
        r = self.kubectl("create", "token", "temp", "-n", NS, "--bound-object-kind", "Pod",
                         "--bound-object-name", "worker", check=False)
        self.assertEqual(r.stderr, 'error: failed to create token: cannot bind token for serviceaccount "temp" to '
                                   'pod running with different serviceaccount name.\n')
        r = self.kubectl("create", "token", "robot", "-n", NS, "--bound-object-kind", "Pod",
                         "--bound-object-name", "worker", "--bound-object-uid", "not-its-uid", check=False)
        self.assertEqual(r.stderr, 'error: failed to create token: Operation cannot be fulfilled on Pod "worker": '
                                   'the UID in the bound object reference (not-its-uid) does not match the UID in '
                                   'record. The object might have been deleted and then recreated\n')
        # A pod on a node names the node too; a token may also be bound to a node.
        self.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "authn-node"}})
        node_uid = self.kubectl("get", "node", "authn-node", "-o", "jsonpath={.metadata.uid}").stdout
        self.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "placed"},
                     "spec": {"serviceAccountName": "robot", "nodeName": "authn-node",
                              "containers": [{"name": "c", "image": "busybox"}]}}, NS)
        token = self.create_token("robot", "--bound-object-kind", "Pod", "--bound-object-name", "placed")
        self.assertEqual(decode(token)[1]["kubernetes.io"]["node"], {"name": "authn-node", "uid": node_uid})
        token = self.create_token("robot", "--bound-object-kind", "Node", "--bound-object-name", "authn-node")
        _, claims = decode(token)
        self.assertNotIn("pod", claims["kubernetes.io"])
        self.assertEqual(self.whoami(token)[1]["extra"],
                         {"authentication.kubernetes.io/credential-id": ["JTI=" + claims["jti"]],
                          "authentication.kubernetes.io/node-name": ["authn-node"],
                          "authentication.kubernetes.io/node-uid": [node_uid]})
        self.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "binder"}}, NS)
        token = self.create_token("robot", "--bound-object-kind", "Secret", "--bound-object-name", "binder")
        self.assertEqual(decode(token)[1]["kubernetes.io"]["secret"]["name"], "binder")
        # Deleted before the token is ever used: refused at once.
        self.kubectl("delete", "secret", "binder", "-n", NS)
        self.assertEqual(self.whoami(token)[0], 401)
        self.assertEqual(self.review(token)["error"], "service account token has been invalidated")

    def test_deleted_or_replaced_service_account(self):
        token = self.create_token("temp")
        old_uid = self.sa_uid("temp")
        self.kubectl("delete", "sa", "temp", "-n", NS)
        self.assertEqual(self.whoami(token)[0], 401)
        self.assertEqual(self.review(token), {"user": {}, "error": 'serviceaccounts "temp" not found'})
        self.create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "temp"}}, NS)
        self.assertEqual(self.whoami(token)[0], 401)
        self.assertEqual(self.review(token)["error"], "service account UID (%s) does not match claim (%s)"
                         % (self.sa_uid("temp"), old_uid))

    def test_expired_and_early_tokens(self):
        now = int(time.time())
        key = pki("sa.key")
        header = {"alg": "RS256", "kid": self.kid}
        expired = sign(header, self.claims("robot", exp=now - 120, iat=now - 800, nbf=now - 800), key)
        self.assertEqual(self.whoami(expired)[0], 401)
        self.assertEqual(self.review(expired)["error"], "service account token has expired")
        # Within go-jose's minute of leeway it is still good.
        recent = sign(header, self.claims("robot", exp=now - 20, iat=now - 800, nbf=now - 800, jti="j1"), key)
        self.assertEqual(self.whoami(recent)[0], 201)
        early = sign(header, self.claims("robot", nbf=now + 300), key)
        self.assertEqual(self.review(early)["error"], "service account token is not valid yet")
        future = sign(header, self.claims("robot", iat=now + 300), key)
        self.assertEqual(self.review(future)["error"], "service account token is issued in the future")

    def test_wrong_audience(self):
        token = self.create_token("robot", "--audience", "vault")
        self.assertEqual(self.whoami(token)[0], 401)
        self.assertEqual(self.review(token)["error"],
                         'token audiences ["vault"] is invalid for the target audiences ["%s"]' % SA_ISSUER)
        status = self.review(token, ["vault", "other"])
        self.assertEqual((status["authenticated"], status["audiences"]), (True, ["vault"]))

    def test_token_signed_by_another_key(self):
        other = os.path.join(TMP, "authn-other.key")
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", other)
        claims = self.claims("robot")
        # With the server key's id, the signature is what fails...
        forged = sign({"alg": "RS256", "kid": self.kid}, claims, other)
        self.assertEqual(self.whoami(forged)[0], 401)
        self.assertEqual(self.review(forged)["error"], "go-jose/go-jose: error in cryptographic primitive")
        # ...with its own key id, no key is even tried.
        forged = sign({"alg": "RS256", "kid": "other"}, claims, other)
        self.assertEqual(self.review(forged)["error"], "invalid signature, no keys found")
        # Without a kid every key is tried; alg "none" never verifies.
        forged = sign({"alg": "RS256"}, claims, other)
        self.assertEqual(self.review(forged)["error"], "go-jose/go-jose: error in cryptographic primitive")
        text = ".".join(b64url(json.dumps(p).encode()) for p in ({"alg": "none"}, claims)) + "."
        self.assertEqual(self.whoami(text)[0], 401)
        # A token from another issuer is nobody's.
        self.assertEqual(self.review(sign({"alg": "RS256"}, dict(claims, iss="https://elsewhere"), pki("sa.key"))),
                         {"user": {}, "error": "invalid bearer token"})

    def test_legacy_secret_token(self):
        uid = self.sa_uid("legacy")
        claims = {"iss": "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": NS,
                  "kubernetes.io/serviceaccount/secret.name": "legacy-token",
                  "kubernetes.io/serviceaccount/service-account.name": "legacy",
                  "kubernetes.io/serviceaccount/service-account.uid": uid,
                  "sub": "system:serviceaccount:authn:legacy"}
        token = sign({"alg": "RS256"}, claims, pki("sa.key"))
        self.assertEqual(self.review(token)["error"], "Token has been invalidated")
        self.create({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/service-account-token",
                     "metadata": {"name": "legacy-token", "annotations": {"kubernetes.io/service-account.name": "legacy"}},
                     "data": data(token=token)}, NS)
        status, info = self.whoami(token)
        self.assertEqual((status, info), (201, {"username": "system:serviceaccount:authn:legacy", "uid": uid,
                                                "groups": ["system:serviceaccounts", "system:serviceaccounts:authn",
                                                           "system:authenticated"]}))
        other = sign({"alg": "RS256"}, dict(claims, sub="system:serviceaccount:authn:other"), pki("sa.key"))
        self.assertEqual(self.review(other)["error"], "sub claim is invalid")

    def test_tokens_stop_with_their_objects(self):
        """Tokens used once (so cached) stop once their objects are gone and the cache has let go."""
        self.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "short-lived"},
                     "spec": {"serviceAccountName": "robot", "containers": [{"name": "c", "image": "busybox"}]}}, NS)
        pod_token = self.create_token("robot", "--bound-object-kind", "Pod", "--bound-object-name", "short-lived")
        sa_token = self.create_token("gone-later")
        self.create({"apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
                     "metadata": {"name": "bootstrap-token-abc123"},
                     "data": data(**{"token-id": "abc123", "token-secret": "0123456789abcdef",
                                     "usage-bootstrap-authentication": "true",
                                     "auth-extra-groups": "system:bootstrappers:worker,system:bootstrappers:a"})},
                    "kube-system")
        boot_token = "abc123.0123456789abcdef"
        for token in (pod_token, sa_token, boot_token):
            self.assertEqual(self.whoami(token)[0], 201)
        self.assertEqual(self.whoami(boot_token), (201, {
            "username": "system:bootstrap:abc123",
            "groups": ["system:bootstrappers", "system:bootstrappers:a", "system:bootstrappers:worker",
                       "system:authenticated"]}))
        self.kubectl("delete", "pod", "short-lived", "-n", NS)
        self.kubectl("delete", "sa", "gone-later", "-n", NS)
        self.kubectl("delete", "secret", "bootstrap-token-abc123", "-n", "kube-system")
        time.sleep(CACHE_TTL + 1)
        for token in (pod_token, sa_token, boot_token):
            self.assertEqual(self.whoami(token)[0], 401)
        self.assertEqual(self.review(pod_token)["error"], "service account token has been invalidated")
        self.assertEqual(self.review(sa_token)["error"], 'serviceaccounts "gone-later" not found')
        self.assertEqual(self.review(boot_token), {"user": {}, "error": "invalid bearer token"})

    def test_bootstrap_token_expiry(self):
        def secret(name, token_id, expiration, usage="true"):
            self.create({"apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
                         "metadata": {"name": name},
                         "data": data(**{"token-id": token_id, "token-secret": "fedcba9876543210",
                                         "expiration": expiration, "usage-bootstrap-authentication": usage})},
                        "kube-system")
        past = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
        future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        secret("bootstrap-token-old111", "old111", past)
        secret("bootstrap-token-new222", "new222", future)
        secret("bootstrap-token-nou333", "nou333", future, usage="false")
        self.assertEqual(self.whoami("old111.fedcba9876543210")[0], 401)
        self.assertEqual(self.whoami("new222.fedcba9876543210"),
                         (201, {"username": "system:bootstrap:new222",
                                "groups": ["system:bootstrappers", "system:authenticated"]}))
        self.assertEqual(self.whoami("new222.fedcba9876543211")[0], 401)
        self.assertEqual(self.whoami("nou333.fedcba9876543210")[0], 401)

    # ---- reviews ----

    def test_token_review(self):
        token = self.create_token("robot")
        _, claims = decode(token)
        status, body = self.call("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
                                 {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview",
                                  "spec": {"token": token}}, cert="admin")
        self.assertEqual(status, 201)
        self.assertEqual(body, {"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1",
                                "metadata": {"creationTimestamp": None}, "spec": {"token": token},
                                "status": {"authenticated": True,
                                           "user": self.sa_user("robot", self.sa_uid("robot"), claims["jti"]),
                                           "audiences": [SA_ISSUER]}})
        self.assertEqual(self.review("not-a-token"), {"user": {}, "error": "invalid bearer token"})
        self.assertEqual(self.review("e2e-alice-token"),
                         {"authenticated": True, "audiences": [SA_ISSUER],
                          "user": {"username": "alice", "uid": "1001", "groups": ["dev", "qa", "system:authenticated"]}})
        status, body = self.call("POST", "/apis/authentication.k8s.io/v1/tokenreviews",
                                 {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {}},
                                 cert="admin")
        self.assertEqual((status, body["message"]), (400, "token is required for TokenReview in authentication"))

    # ---- the front proxy ----

    def proxy_request(self, cert_name, headers):
        """A SelfSubjectReview with repeated headers, from a front-proxy certificate (or none)."""
        ctx = self.proxy_context(cert_name) if cert_name else tls_context(None)
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, context=ctx, timeout=10)
        body = json.dumps({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
        h = {"Content-Type": "application/json"}
        conn.putrequest("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", skip_accept_encoding=True)
        for name, value in list(h.items()) + list(headers):
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body.encode())
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, json.loads(data)

    def proxy_context(self, name):
        ctx = tls_context(None)
        ctx.load_cert_chain(os.path.join(PROXY, name + ".crt"), os.path.join(PROXY, name + ".key"))
        return ctx

    def test_front_proxy(self):
        headers = [("X-Remote-User", "proxied"), ("X-Remote-Group", "g1"), ("X-Remote-Group", "g2"),
                   ("X-Remote-Extra-Scopes", "read"), ("X-Remote-Extra-Scopes", "write"),
                   ("X-Remote-Extra-Acme.com%2Fproject", "p1")]
        status, body = self.proxy_request("front-proxy-client", headers)
        self.assertEqual((status, body["status"]["userInfo"]),
                         (201, {"username": "proxied", "groups": ["g1", "g2", "system:authenticated"],
                                "extra": {"acme.com/project": ["p1"], "scopes": ["read", "write"]}}))
        # A front proxy that names nobody is no client certificate either: 401.
        self.assertEqual(self.proxy_request("front-proxy-client", [])[0], 401)
        # A certificate of the proxy CA with a CN not allowed: 401.
        status, body = self.proxy_request("intruder", headers)
        self.assertEqual((status, body), (401, UNAUTHORIZED))
        # A client certificate of the client CA: the headers are not believed.
        status, info = self.whoami(cert="admin", headers=dict(headers))
        self.assertEqual(info["username"], "kubernetes-admin")
        # No certificate: the headers make no user (anonymous may not review itself).
        status, body = self.proxy_request(None, headers)
        self.assertIn(status, (401, 403))
        self.assertNotIn("proxied", json.dumps(body))

    # ---- clients ----

    def test_python_client_with_service_account_token(self):
        self.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "seen-by-robot"}}, NS)
        # The server authorizes with RBAC: the account may read what "view" grants.
        self.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                     "metadata": {"name": "robot-view"},
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                     "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": NS}]}, NS)
        token = self.create_token("robot")
        script = ("import sys\nfrom kubernetes import client\n"
                  "cfg = client.Configuration()\ncfg.host = sys.argv[1]\ncfg.ssl_ca_cert = sys.argv[2]\n"
                  "cfg.api_key = {'authorization': 'Bearer ' + sys.argv[3]}\n"
                  "api = client.CoreV1Api(client.ApiClient(cfg))\n"
                  "print(sorted(c.metadata.name for c in api.list_namespaced_config_map(sys.argv[4]).items))\n")
        r = subprocess.run(["/usr/bin/python3", "-c", script, self.server.url, pki("ca.crt"), token, NS],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("'seen-by-robot'", r.stdout)
        r = subprocess.run(["/usr/bin/python3", "-c", script, self.server.url, pki("ca.crt"), "bad", NS],
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("(401)", r.stderr)


if __name__ == "__main__":
    unittest.main()
