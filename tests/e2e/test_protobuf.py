"""Protobuf request bodies end to end.

kubectl 1.32's typed "kubectl create <subcommand>" sends its object as
application/vnd.kubernetes.protobuf; every subcommand that makes an object
pgkube serves is run here with realistic flags, and what the server stored
must be what the JSON path makes of the same command's --dry-run=client
rendering (sent as JSON with a server-side dry run, so that defaulting and
validation are the same on both sides). Then raw
protobuf requests, written by a small proto writer below, check the 201/200
answers and the 400s of malformed bodies, which must store nothing.
"""
import json
import os
import re
import subprocess
import unittest

from harness import ServerTest, TMP, kubeconfig, pki

PROTOBUF = "application/vnd.kubernetes.protobuf"

# Server-set metadata that a client-side dry run cannot know.
SERVER_SET_METADATA = ("uid", "resourceVersion", "creationTimestamp", "generation", "namespace", "managedFields")


# A tiny protobuf writer: enough for hand-made (and hand-broken) bodies.

def varint(n):
    if n < 0:
        n += 1 << 64  # negative int32/int64 are ten-byte varints
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def tag(number, wire):
    return varint(number << 3 | wire)


def field_bytes(number, data):
    if isinstance(data, str):
        data = data.encode()
    return tag(number, 2) + varint(len(data)) + data


def field_varint(number, n):
    return tag(number, 0) + varint(n)


def map_entry(number, key, value):
    return field_bytes(number, field_bytes(1, key) + field_bytes(2, value))


def envelope(api_version, kind, raw):
    """k8s\\0 + runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding, contentType}."""
    type_meta = field_bytes(1, api_version) + field_bytes(2, kind)
    return b"k8s\x00" + field_bytes(1, type_meta) + field_bytes(2, raw) + field_bytes(3, b"") + field_bytes(4, b"")


def object_meta(name, labels=None, resource_version=None):
    """ObjectMeta: name 1, resourceVersion 6, labels 11."""
    out = field_bytes(1, name)
    if resource_version is not None:
        out += field_bytes(6, resource_version)
    for key, value in sorted((labels or {}).items()):
        out += map_entry(11, key, value)
    return out


def configmap_message(name, data=None, binary_data=None, labels=None, resource_version=None):
    """ConfigMap: metadata 1, data 2 (map), binaryData 3 (map), immutable 4."""
    out = field_bytes(1, object_meta(name, labels, resource_version))
    for key, value in sorted((data or {}).items()):
        out += map_entry(2, key, value)
    for key, value in sorted((binary_data or {}).items()):
        out += map_entry(3, key, value)
    return out


def strip_server_set(obj):
    obj = json.loads(json.dumps(obj))
    meta = obj.get("metadata", {})
    for key in SERVER_SET_METADATA:
        meta.pop(key, None)
    return obj


def paths_that_differ(a, b, path=""):
    """The JSON paths where a and b differ, for a readable failure."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append("%s.%s: %s vs %s" % (path, key, json.dumps(a.get(key, "<absent>")),
                                                 json.dumps(b.get(key, "<absent>"))))
            else:
                out += paths_that_differ(a[key], b[key], "%s.%s" % (path, key))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += paths_that_differ(x, y, "%s[%d]" % (path, i))
        return out
    return [] if a == b else ["%s: %s vs %s" % (path, json.dumps(a), json.dumps(b))]


def sent_content_types(log):
    """(method, path, Content-Type) of each write kubectl -v=8 logged: the
    method and URL line, then the request's headers one a line."""
    out = []
    for m in re.finditer(r"\] (POST|PUT|PATCH) https://[^/\s]+(/[^?\s]*)\S*\n((?:.*\n)*?).*Response Status", log):
        ctype = re.search(r"\]\s+Content-Type: (\S+)", m.group(3))
        out.append((m.group(1), m.group(2), ctype.group(1) if ctype else None))
    return out


class KubectlCreateTest(ServerTest):
    """Each typed "kubectl create" subcommand, created for real and compared
    with its client-side dry run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "protobuf.kubeconfig"))
        cls.files = os.path.join(TMP, "protobuf-files")
        os.makedirs(cls.files, exist_ok=True)

    def kubectl(self, *args, ns=None):
        cmd = ["kubectl", "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "kcache-protobuf")]
        if ns:
            cmd += ["-n", ns]
        return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120)

    def ok_stdin(self, stdin, *args, ns=None):
        cmd = ["kubectl", "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "kcache-protobuf")]
        if ns:
            cmd += ["-n", ns]
        r = subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, "kubectl %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def ok(self, *args, ns=None):
        r = self.kubectl(*args, ns=ns)
        self.assertEqual(r.returncode, 0, "kubectl %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def namespace(self, name):
        self.assertEqual(self.ok("create", "namespace", name, "-o", "name"), "namespace/%s\n" % name)

    def file(self, name, content):
        path = os.path.join(self.files, name)
        with open(path, "wb") as f:
            f.write(content)
        return path

    def create_and_compare(self, ns, *args, server_adds=None, allocated=False):
        """Runs "kubectl create ARGS" (the dry-run flags go before any "--"),
        then checks the stored object against the client-side rendering,
        plus server_adds ({path: value}, path a tuple of keys): what
        kube-apiserver itself sets on create. allocated: a Service, whose
        cluster IP and random node ports a dry run only pretends to allocate
        (the network address, ports from 32769): those are taken from the
        stored object."""
        if "--" in args:
            at = args.index("--")
            flags, command = args[:at], args[at:]
        else:
            flags, command = args, ()
        rendered = self.ok("create", *flags, "--dry-run=client", "-o", "json", *command, ns=ns)
        # kubectl create -f sends JSON: the same object through the JSON path.
        want = json.loads(self.ok_stdin(rendered, "create", "-f", "-", "--dry-run=server", "-o", "json", ns=ns))
        r = self.kubectl("-v=8", "create", *flags, "-o", "name", *command, ns=ns)
        self.assertEqual(r.returncode, 0, "kubectl create %s: %s" % (" ".join(args), r.stderr[-3000:]))
        name = r.stdout.strip()
        posts = sent_content_types(r.stderr)
        self.assertEqual(len(posts), 1, r.stderr[-3000:])
        self.assertEqual(posts[0][2], PROTOBUF, "kubectl create %s sent %s" % (" ".join(args), posts))
        got = json.loads(self.ok("get", name, "-o", "json", ns=ns))
        if ns:
            self.assertEqual(got["metadata"].get("namespace"), ns, name)
        self.assertTrue(got["metadata"].get("uid"), name)
        self.assertTrue(got["metadata"].get("resourceVersion"), name)
        # Each create has its own uid, and what the server derives from it
        # (a Job's generated selector and labels) differs with it.
        self.assertTrue(want["metadata"].get("uid"), name)
        want = json.loads(json.dumps(want).replace(want["metadata"]["uid"], got["metadata"]["uid"]))
        want, got = strip_server_set(want), strip_server_set(got)
        if allocated:
            self.assertEqual(want["spec"]["clusterIPs"], ["10.0.0.0"])
            for key in ("clusterIP", "clusterIPs"):
                want["spec"][key] = got["spec"][key]
            for w, g in zip(want["spec"]["ports"], got["spec"]["ports"]):
                if w.get("nodePort", 0) > 32768:
                    w["nodePort"] = g["nodePort"]
        for path, value in (server_adds or {}).items():
            parent = want
            for key in path[:-1]:
                parent = parent.setdefault(key, {})
            parent[path[-1]] = value
        self.assertEqual(got, want, "%s differs from its dry run:\n  %s" % (
            name, "\n  ".join(paths_that_differ(got, want))))
        return got

    def test_request_is_protobuf(self):
        self.namespace("pb-wire")
        r = self.kubectl("-v=8", "create", "configmap", "wire", "--from-literal=a=b", ns="pb-wire")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sent_content_types(r.stderr),
                         [("POST", "/api/v1/namespaces/pb-wire/configmaps", PROTOBUF)], r.stderr)
        # the body kubectl logs is the k8s envelope
        self.assertRegex(r.stderr, r'"Request Body" body=<\s*00000000  6b 38 73 00 ')
        got = json.loads(self.ok("get", "configmap", "wire", "-o", "json", ns="pb-wire"))
        self.assertEqual(got["data"], {"a": "b"})

    def test_namespace_and_serviceaccount(self):
        # The namespace registry sets the finalizer and the phase, and
        # defaulting the kubernetes.io/metadata.name label.
        got = self.create_and_compare(None, "namespace", "pb-ns", server_adds={
            ("metadata", "labels"): {"kubernetes.io/metadata.name": "pb-ns"},
            ("spec", "finalizers"): ["kubernetes"],
            ("status", "phase"): "Active"})
        self.assertEqual(got["kind"], "Namespace")
        got = self.create_and_compare("pb-ns", "serviceaccount", "robot")
        self.assertEqual(got["kind"], "ServiceAccount")

    def test_deployment(self):
        ns = "pb-deploy"
        self.namespace(ns)
        self.create_and_compare(ns, "deployment", "plain", "--image=busybox")
        got = self.create_and_compare(ns, "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080")
        self.assertEqual(got["spec"]["replicas"], 3)
        self.assertEqual(got["spec"]["template"]["spec"]["containers"][0]["ports"],
                         [{"containerPort": 8080, "protocol": "TCP"}])
        got = self.create_and_compare(ns, "deployment", "multi", "--image=busybox:latest", "--image=ubuntu:latest",
                                      "--image=nginx")
        self.assertEqual([c["name"] for c in got["spec"]["template"]["spec"]["containers"]],
                         ["busybox", "ubuntu", "nginx"])
        got = self.create_and_compare(ns, "deployment", "cmd", "--image=busybox", "--replicas=0",
                                      "--", "sh", "-c", "echo héllo; sleep 3600")
        self.assertEqual(got["spec"]["replicas"], 0)
        self.assertEqual(got["spec"]["template"]["spec"]["containers"][0]["command"],
                         ["sh", "-c", "echo héllo; sleep 3600"])

    def test_services(self):
        ns = "pb-svc"
        self.namespace(ns)
        got = self.create_and_compare(ns, "service", "clusterip", "cs", "--tcp=5678:8080", "--tcp=443:https",
                                      allocated=True)
        self.assertEqual([(p["port"], p["targetPort"]) for p in got["spec"]["ports"]], [(5678, 8080), (443, "https")])
        got = self.create_and_compare(ns, "service", "clusterip", "headless", "--clusterip=None")
        self.assertEqual(got["spec"]["clusterIP"], "None")
        got = self.create_and_compare(ns, "service", "nodeport", "np", "--tcp=80:8080", "--node-port=30080",
                                      allocated=True)
        self.assertEqual(got["spec"]["ports"][0]["nodePort"], 30080)
        got = self.create_and_compare(ns, "service", "loadbalancer", "lb", "--tcp=5678:8080", allocated=True)
        self.assertEqual(got["spec"]["type"], "LoadBalancer")
        got = self.create_and_compare(ns, "service", "externalname", "ext", "--external-name=bar.example.com",
                                      "--tcp=80")
        self.assertEqual(got["spec"]["externalName"], "bar.example.com")

    def test_secrets(self):
        ns = "pb-secret"
        self.namespace(ns)
        key = self.file("id_rsa", bytes(range(256)))
        env = self.file("secret.env", b"USER=admin\nPASSWORD=s3cr=t\n")
        got = self.create_and_compare(ns, "secret", "generic", "gen", "--from-literal=user=admin",
                                      "--from-literal=empty=", "--from-file=ssh-privatekey=" + key,
                                      "--type=kubernetes.io/ssh-auth")
        self.assertEqual(got["type"], "kubernetes.io/ssh-auth")
        self.assertEqual(got["data"]["empty"], "")
        got = self.create_and_compare(ns, "secret", "generic", "fromenv", "--from-env-file=" + env)
        self.assertEqual(sorted(got["data"]), ["PASSWORD", "USER"])
        got = self.create_and_compare(ns, "secret", "docker-registry", "regcred", "--docker-server=registry.example.com",
                                      "--docker-username=me", "--docker-password=pw", "--docker-email=me@example.com")
        self.assertEqual(got["type"], "kubernetes.io/dockerconfigjson")
        got = self.create_and_compare(ns, "secret", "tls", "tls", "--cert=" + pki("server.crt"),
                                      "--key=" + pki("server.key"))
        self.assertEqual(sorted(got["data"]), ["tls.crt", "tls.key"])
        self.create_and_compare(ns, "secret", "generic", "hashed", "--from-literal=a=b", "--append-hash")

    def test_configmaps(self):
        ns = "pb-cm"
        self.namespace(ns)
        binary = self.file("blob.bin", b"\x00\x01\xfe\xff" * 64)
        text = self.file("app.properties", "color=blue\nname=café\n".encode())
        got = self.create_and_compare(ns, "configmap", "mixed", "--from-literal=key1=config1",
                                      "--from-literal=key2=", "--from-file=" + text,
                                      "--from-file=blob=" + binary)
        self.assertEqual(got["data"]["app.properties"], "color=blue\nname=café\n")
        self.assertEqual(got["data"]["key2"], "")
        self.assertEqual(sorted(got["binaryData"]), ["blob"])
        self.create_and_compare(ns, "configmap", "hashed", "--from-literal=a=b", "--append-hash")

    def test_jobs(self):
        ns = "pb-batch"
        self.namespace(ns)
        self.create_and_compare(ns, "job", "once", "--image=busybox")
        got = self.create_and_compare(ns, "job", "date", "--image=busybox", "--", "date", "-u")
        self.assertEqual(got["spec"]["template"]["spec"]["containers"][0]["command"], ["date", "-u"])
        got = self.create_and_compare(ns, "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *",
                                      "--restart=OnFailure", "--", "sh", "-c", "date; echo tick")
        self.assertEqual(got["spec"]["schedule"], "*/5 * * * *")
        self.assertEqual(got["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"], "OnFailure")
        got = self.create_and_compare(ns, "job", "from-cron", "--from=cronjob/tick")
        self.assertEqual(got["metadata"]["ownerReferences"][0]["name"], "tick")

    def test_ingresses(self):
        ns = "pb-ing"
        self.namespace(ns)
        self.create_and_compare(ns, "ingress", "simple", "--rule=foo.com/bar=svc1:8080,tls=my-cert")
        got = self.create_and_compare(ns, "ingress", "multi", "--class=nginx",
                                      "--rule=foo.com/=svc:https,tls", "--rule=foo.com/admin/*=svcadmin:8080",
                                      "--rule=bar.com/exact=svc2:http,tls=bar-cert",
                                      "--default-backend=defaultsvc:80",
                                      "--annotation=ingress.example.com/a=1", "--annotation=b=2")
        self.assertEqual(got["spec"]["ingressClassName"], "nginx")
        self.assertEqual([r["host"] for r in got["spec"]["rules"]], ["foo.com", "bar.com"])
        self.assertEqual(got["metadata"]["annotations"], {"ingress.example.com/a": "1", "b": "2"})
        self.create_and_compare(ns, "ingress", "catch-all", "--class=other", "--rule=/path*=svc:port")

    def test_poddisruptionbudgets(self):
        ns = "pb-pdb"
        self.namespace(ns)
        got = self.create_and_compare(ns, "poddisruptionbudget", "half", "--selector=app=nginx",
                                      "--min-available=50%")
        self.assertEqual(got["spec"]["minAvailable"], "50%")
        got = self.create_and_compare(ns, "pdb", "one", "--selector=app=rails,tier in (web)", "--max-unavailable=1")
        self.assertEqual(got["spec"]["maxUnavailable"], 1)

    def test_quotas(self):
        ns = "pb-quota"
        self.namespace(ns)
        got = self.create_and_compare(ns, "quota", "compute", "--hard=cpu=1,memory=1G,pods=2,services=3,secrets=5")
        self.assertEqual(got["spec"]["hard"]["memory"], "1G")
        got = self.create_and_compare(ns, "quota", "best-effort", "--hard=pods=100",
                                      "--scopes=BestEffort,NotTerminating")
        self.assertEqual(got["spec"]["scopes"], ["BestEffort", "NotTerminating"])

    def test_roles_and_bindings(self):
        ns = "pb-rbac"
        self.namespace(ns)
        got = self.create_and_compare(ns, "role", "pod-reader", "--verb=get", "--verb=list", "--verb=watch",
                                      "--resource=pods,pods/status,rs.apps", "--resource-name=readable",
                                      "--resource-name=another")
        self.assertEqual(got["rules"][0]["resourceNames"], ["readable", "another"])
        got = self.create_and_compare(None, "clusterrole", "pb-logs", "--verb=get", "--resource=nodes",
                                      "--non-resource-url=/logs/*", "--non-resource-url=/healthz")
        self.assertEqual(got["rules"][-1]["nonResourceURLs"], ["/logs/*", "/healthz"])
        got = self.create_and_compare(None, "clusterrole", "pb-monitoring",
                                      "--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true,tier=x")
        self.assertEqual(got["aggregationRule"]["clusterRoleSelectors"],
                         [{"matchLabels": {"rbac.example.com/aggregate-to-monitoring": "true", "tier": "x"}}])
        got = self.create_and_compare(ns, "rolebinding", "admins", "--clusterrole=admin", "--user=user1",
                                      "--user=user2", "--group=group1", "--serviceaccount=monitoring:sa-dev")
        self.assertEqual([s["kind"] for s in got["subjects"]], ["User", "User", "Group", "ServiceAccount"])
        self.create_and_compare(ns, "rolebinding", "readers", "--role=pod-reader", "--serviceaccount=pb-rbac:default")
        got = self.create_and_compare(None, "clusterrolebinding", "pb-cluster-admins", "--clusterrole=pb-logs",
                                      "--user=alice", "--group=ops", "--serviceaccount=kube-system:robot")
        self.assertEqual(got["roleRef"], {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                          "name": "pb-logs"})

    def test_priorityclasses(self):
        got = self.create_and_compare(None, "priorityclass", "pb-high", "--value=1000",
                                      "--description=high priority")
        self.assertEqual(got["value"], 1000)
        got = self.create_and_compare(None, "priorityclass", "pb-never", "--value=-5", "--description=never preempts",
                                      "--preemption-policy=Never")
        self.assertEqual(got["preemptionPolicy"], "Never")
        got = self.create_and_compare(None, "priorityclass", "pb-default", "--value=7", "--global-default=true")
        self.assertIs(got["globalDefault"], True)

    def test_token(self):
        """kubectl create token posts a TokenRequest in protobuf to the
        token subresource; the token it prints authenticates as the account."""
        ns = "pb-token"
        self.namespace(ns)
        self.ok("create", "serviceaccount", "robot", ns=ns)
        r = self.kubectl("-v=8", "create", "token", "robot", "--duration=15m", ns=ns)
        self.assertEqual(r.returncode, 0, r.stderr[-3000:])
        self.assertEqual(sent_content_types(r.stderr),
                         [("POST", "/api/v1/namespaces/%s/serviceaccounts/robot/token" % ns, PROTOBUF)])
        token = r.stdout.strip()
        self.assertEqual(len(token.split(".")), 3, token)
        # Without the kubeconfig's client certificate, which would authenticate first.
        r = subprocess.run(["kubectl", "--server", self.server.url, "--certificate-authority", pki("ca.crt"),
                            "--token", token, "auth", "whoami", "-o", "json"], capture_output=True, text=True,
                           timeout=60, env=dict(os.environ, KUBECONFIG=os.devnull))
        self.assertEqual(r.returncode, 0, r.stderr)
        who = json.loads(r.stdout)
        self.assertEqual(who["status"]["userInfo"]["username"], "system:serviceaccount:%s:robot" % ns)


class RawProtobufTest(ServerTest):
    """Hand-made protobuf bodies: good ones are stored, bad ones are 400s that store nothing."""

    def call(self, method, path, body=None, content_type=PROTOBUF):
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = content_type
        status, _, data = self.server.request(method, path, body=body, headers=headers)
        return status, json.loads(data) if data else None

    def make_namespace(self, name):
        status, _ = self.call("POST", "/api/v1/namespaces",
                              json.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}),
                              content_type="application/json")
        self.assertEqual(status, 201)
        return "/api/v1/namespaces/%s/configmaps" % name

    def test_create_and_update_a_configmap(self):
        base = self.make_namespace("raw-ok")
        body = envelope("v1", "ConfigMap", configmap_message(
            "cm", data={"k": "v", "empty": "", "utf8": "héllo"}, binary_data={"bin": b"\x00\x01\xff"},
            labels={"app": "raw"}))
        status, obj = self.call("POST", base, body)
        self.assertEqual(status, 201, obj)
        self.assertEqual(obj["kind"], "ConfigMap")
        self.assertEqual(obj["apiVersion"], "v1")
        status, stored = self.call("GET", base + "/cm")
        self.assertEqual(status, 200)
        self.assertEqual(stored["metadata"]["name"], "cm")
        self.assertEqual(stored["metadata"]["namespace"], "raw-ok")
        self.assertEqual(stored["metadata"]["labels"], {"app": "raw"})
        self.assertEqual(stored["data"], {"empty": "", "k": "v", "utf8": "héllo"})
        self.assertEqual(stored["binaryData"], {"bin": "AAH/"})
        self.assertNotIn("immutable", stored)
        rv = stored["metadata"]["resourceVersion"]

        body = envelope("v1", "ConfigMap", configmap_message("cm", data={"k": "v2"}, resource_version=rv))
        status, obj = self.call("PUT", base + "/cm", body)
        self.assertEqual(status, 200, obj)
        status, stored = self.call("GET", base + "/cm")
        self.assertEqual(stored["data"], {"k": "v2"})
        self.assertNotIn("binaryData", stored)
        self.assertNotIn("labels", stored["metadata"])
        self.assertNotEqual(stored["metadata"]["resourceVersion"], rv)
        # A stale resourceVersion is a conflict, as in JSON.
        status, obj = self.call("PUT", base + "/cm", body)
        self.assertEqual(status, 409, obj)
        self.assertEqual(obj["reason"], "Conflict")

    def assertBadRequest(self, path, body, kind, name, get_path):
        status, obj = self.call("POST", path, body)
        self.assertEqual(status, 400, obj)
        self.assertEqual(obj["kind"], "Status")
        self.assertEqual(obj["reason"], "BadRequest")
        prefix = '%s in version "v1" cannot be handled as a %s: ' % (kind, kind)
        self.assertTrue(obj["message"].startswith(prefix), obj["message"])
        self.assertEqual(self.call("GET", get_path)[0], 404, name)
        return obj["message"][len(prefix):]

    def test_bad_configmap_bodies(self):
        base = self.make_namespace("raw-bad")
        meta = field_bytes(1, object_meta("bad"))
        good = envelope("v1", "ConfigMap", configmap_message("bad", data={"k": "v"}))
        cases = {
            "wrong magic": b"k8x\x00" + good[4:],
            "no magic at all": b'{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bad"}}',
            # a field key whose varint never ends
            "truncated varint": envelope("v1", "ConfigMap", meta + b"\x92\x80\x80"),
            # immutable (4) whose value varint never ends
            "truncated varint value": envelope("v1", "ConfigMap", meta + tag(4, 0) + b"\xff\xff"),
            # data (2) says 100 bytes, 3 follow
            "length past the end": envelope("v1", "ConfigMap", meta + b"\x12\x64\x0a\x01k"),
            # the envelope's raw (2) runs past the end of the body
            "envelope length past the end": good[:-12],
            "invalid UTF-8": envelope("v1", "ConfigMap", meta + map_entry(2, "k", b"\xc3\x28")),
            "invalid UTF-8 in a map key": envelope("v1", "ConfigMap", meta + map_entry(2, b"\xff", "v")),
            "invalid UTF-8 in the name": envelope("v1", "ConfigMap", field_bytes(1, field_bytes(1, b"bad\xfe"))),
            # data (2) as a varint, and metadata (1) as a fixed32
            "wrong wire type": envelope("v1", "ConfigMap", meta + field_varint(2, 1)),
            "wrong wire type of a message": envelope("v1", "ConfigMap", tag(1, 5) + b"\x00\x00\x00\x00"),
            "group wire type": envelope("v1", "ConfigMap", meta + tag(2, 3)),
            "unregistered kind": envelope("v1", "NoSuchKind", configmap_message("bad")),
            "unregistered version": envelope("v9", "ConfigMap", configmap_message("bad")),
            "kind not UTF-8": envelope("v1", b"Config\xffMap", configmap_message("bad")),
        }
        messages = {}
        for what, body in cases.items():
            with self.subTest(what):
                messages[what] = self.assertBadRequest(base, body, "ConfigMap", "bad", base + "/bad")
        self.assertEqual(messages["wrong magic"],
                         "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
        self.assertEqual(messages["unregistered kind"], 'no kind "NoSuchKind" is registered for version "v1"')
        # quoted as Go's %q does: what is not UTF-8 comes escaped
        self.assertEqual(messages["kind not UTF-8"], 'no kind "Config\\xffMap" is registered for version "v1"')
        self.assertIn("UTF-8", messages["invalid UTF-8"])
        self.assertIn("wireType", messages["wrong wire type"])
        status, listed = self.call("GET", base)
        self.assertEqual((status, listed["items"]), (200, []))
        # and the server goes on serving protobuf
        status, obj = self.call("POST", base, good)
        self.assertEqual(status, 201, obj)

    def test_envelope_group_must_match_whole(self):
        """apps.example.com/v1 is not apps/v1, though it starts like it."""
        status, _ = self.call("POST", "/api/v1/namespaces", json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "raw-gv"}}), content_type="application/json")
        self.assertEqual(status, 201)
        path = "/apis/apps/v1/namespaces/raw-gv/deployments"
        labels = map_entry(11, "app", b"d")  # ObjectMeta.labels
        spec = (field_varint(1, 1)  # replicas
                + field_bytes(2, map_entry(1, "app", b"d"))  # selector.matchLabels
                + field_bytes(3, field_bytes(1, labels)  # template.metadata
                              + field_bytes(2, field_bytes(2, field_bytes(1, b"c") + field_bytes(2, b"nginx")))))
        deployment = field_bytes(1, object_meta("d")) + field_bytes(2, spec)
        for api_version in ("apps.example.com/v1", "apps/v1.x", "core/v1"):
            with self.subTest(api_version):
                status, obj = self.call("POST", path, envelope(api_version, "Deployment", deployment))
                self.assertEqual(status, 400, obj)
                self.assertEqual(obj["message"], 'Deployment in version "v1" cannot be handled as a Deployment: '
                                 'no kind "Deployment" is registered for version "%s"' % api_version)
                self.assertEqual(self.call("GET", path + "/d")[0], 404)
        status, obj = self.call("POST", path, envelope("apps/v1", "Deployment", deployment))
        self.assertEqual(status, 201, obj)
        self.assertEqual(obj["spec"]["replicas"], 1)

    def test_bad_update_body_changes_nothing(self):
        base = self.make_namespace("raw-bad-update")
        status, obj = self.call("POST", base, envelope("v1", "ConfigMap", configmap_message("cm", data={"k": "v"})))
        self.assertEqual(status, 201, obj)
        rv = obj["metadata"]["resourceVersion"]
        bad = envelope("v1", "ConfigMap", configmap_message("cm", resource_version=rv) + map_entry(2, "k", b"\xff"))
        status, obj = self.call("PUT", base + "/cm", bad)
        self.assertEqual(status, 400, obj)
        self.assertTrue(obj["message"].startswith('ConfigMap in version "v1" cannot be handled as a ConfigMap: '),
                        obj["message"])
        status, stored = self.call("GET", base + "/cm")
        self.assertEqual((status, stored["data"], stored["metadata"]["resourceVersion"]), (200, {"k": "v"}, rv))

    def test_schema_nesting_bomb(self):
        """JSONSchemaProps.not (28) nested 200 deep inside a CRD's
        spec.versions[0].schema.openAPIV3Schema: refused, not recursed into."""
        path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
        name = "bombs.example.com"
        schema = b""
        for _ in range(200):
            schema = field_bytes(28, schema)
        schema = field_bytes(5, "object") + schema  # type "object" first, as a real schema would
        version = field_bytes(1, "v1") + field_varint(2, 1) + field_varint(3, 1) + field_bytes(4, field_bytes(1, schema))
        names = field_bytes(1, "bombs") + field_bytes(2, "bomb") + field_bytes(4, "Bomb") + field_bytes(6, "BombList")
        spec = field_bytes(1, "example.com") + field_bytes(3, names) + field_bytes(4, "Namespaced") + \
            field_bytes(7, version)
        crd = field_bytes(1, object_meta(name)) + field_bytes(2, spec)
        body = envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", crd)
        status, obj = self.call("POST", path, body)
        self.assertEqual(status, 400, obj)
        self.assertEqual(obj["reason"], "BadRequest")
        self.assertTrue(obj["message"].startswith("CustomResourceDefinition in version \"v1\" cannot be handled as a "
                                                  "CustomResourceDefinition: "), obj["message"])
        self.assertIn("nesting deeper than", obj["message"])
        self.assertEqual(self.call("GET", path + "/" + name)[0], 404)
        self.assertEqual(self.server.request("GET", "/healthz")[0], 200)


if __name__ == "__main__":
    unittest.main()
