"""/openapi/v2 and /openapi/v3 as clients use them.

- v3: the index and one document per group-version, with the schemas of the
  type catalog; kubectl 1.32 explains from them and, finding fieldValidation
  on a kind's PATCH operation, lets the server validate (fieldValidation=Strict).
- v2: one Swagger 2.0 document, as JSON and as gnostic's protobuf message
  (which kubectl up to 1.27 reads), with an ETag and 304s; the protobuf is read
  back here with a small reader and compared with the JSON.
- kubectl 1.27 creates from a manifest without --validate=false, and
  explains from v3 and (--output=plaintext-openapiv2) from v2.
- Both documents carry the descriptions of types and fields, which
  kubectl explain shows (1.32 from v3; 1.27 from v3 and from v2's protobuf).
"""
import json
import os
import subprocess
import unittest

from harness import ServerTest, TMP, kubeconfig

KUBECTL_DIR = "/usr/lib/google-cloud-sdk/bin"
KUBECTL_127 = os.path.join(KUBECTL_DIR, "kubectl.1.27")
PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
PROTOBUF_DEPRECATED = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
        resources:
          limits: {cpu: 500m, memory: 128Mi}
        livenessProbe:
          httpGet: {path: /, port: 80}
"""


# --- a protobuf reader, just enough for gnostic's openapi.v2 messages ---

def fields(data):
    """(number, value) of each field of a message; value is bytes or an int."""
    out, i = [], 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 2:
            n, i = varint(data, i)
            value, i = data[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % wire)
        out.append((number, value))
    return out


def varint(data, i):
    shift = result = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7f) << shift
        shift += 7
        if not b & 0x80:
            return result, i


def named(data):
    """A Named* message: (name, value bytes)."""
    f = dict(fields(data))
    return f[1].decode(), f.get(2, b"")


def schema(data):
    """openapi.v2.Schema back to its JSON form (vendor extensions as YAML text)."""
    out = {}
    for number, value in fields(data):
        if number == 1:
            out["$ref"] = value.decode()
        elif number == 2:
            out["format"] = value.decode()
        elif number == 4:
            out["description"] = value.decode()
        elif number == 19:
            out.setdefault("required", []).append(value.decode())
        elif number == 21:
            sub = dict(fields(value))
            out["additionalProperties"] = schema(sub[1]) if 1 in sub else bool(sub[2])
        elif number == 22:
            types = [v.decode() for _, v in fields(value)]
            out["type"] = types[0] if len(types) == 1 else types
        elif number == 23:
            out["items"] = schema(fields(value)[0][1])
        elif number == 25:
            out["properties"] = {n: schema(v) for n, v in (named(p) for _, p in fields(value))}
        elif number == 31:
            name, any_ = named(value)
            out[name] = dict(fields(any_))[2].decode()
        else:
            raise ValueError("unexpected Schema field %d" % number)
    return out


def yaml_of(value):
    """The YAML text gnostic keeps for the extension values of these documents."""
    if isinstance(value, str):
        return value + "\n"
    if all(isinstance(v, str) for v in value):
        return "".join("- %s\n" % v for v in value)
    return "".join("- group: %s\n  kind: %s\n  version: %s\n" % (v["group"] or '""', v["kind"], v["version"])
                   for v in value)


def with_yaml_extensions(s):
    """A JSON schema with its x- values as YAML text, as schema() reads them back."""
    out = {}
    for k, v in s.items():
        if k.startswith("x-"):
            out[k] = yaml_of(v)
        elif k == "properties":
            out[k] = {n: with_yaml_extensions(p) for n, p in v.items()}
        elif k in ("items", "additionalProperties") and isinstance(v, dict):
            out[k] = with_yaml_extensions(v)
        else:
            out[k] = v
    return out


POD_DESCRIPTION = ("Pod is a collection of containers that can run on a host. This resource is created by "
                   "clients and scheduled onto hosts.")
RESTART_POLICY_DESCRIPTION = ("Restart policy for all containers within the pod. One of Always, OnFailure, Never. "
                              "Default to Always. More info: "
                              "https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy")


def explained(out):
    """The DESCRIPTION section of kubectl explain's output, its wrapped lines joined."""
    section = out.split("DESCRIPTION:\n", 1)[1].split("\nFIELDS:", 1)[0]
    return " ".join(section.split())


class OpenAPITest(ServerTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "openapi.kubeconfig"))

    def get(self, path, headers=None):
        status, headers, body = self.server.request("GET", path, headers=headers)
        return status, headers, json.loads(body) if body and status == 200 else body

    def kubectl(self, *args, binary="kubectl", cache="132"):
        r = subprocess.run([binary, "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "openapi-cache-" + cache),
                            *args], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, "%s %s: %s" % (binary, " ".join(args), r.stderr))
        return r

    def test_v3_index_and_documents(self):
        status, headers, root = self.get("/openapi/v3")
        self.assertEqual((status, headers["Content-Type"]), (200, "application/json"))
        for gv in ("api", "api/v1", "apis", "apis/apps", "apis/apps/v1", "apis/batch/v1",
                   "apis/rbac.authorization.k8s.io/v1", "apis/apiextensions.k8s.io/v1"):
            self.assertRegex(root["paths"][gv]["serverRelativeURL"], r"^/openapi/v3/%s\?hash=[0-9A-F]{128}$" % gv)
        url = root["paths"]["apis/apps/v1"]["serverRelativeURL"]
        status, headers, doc = self.get(url)
        self.assertEqual((status, doc["openapi"]), (200, "3.0.0"))
        self.assertEqual(headers["Etag"], '"%s"' % url.split("=")[1])
        self.assertIn("public, immutable", headers["Cache-Control"])
        patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
        self.assertEqual(patch["x-kubernetes-group-version-kind"], {"group": "apps", "version": "v1", "kind": "Deployment"})
        self.assertEqual((patch["x-kubernetes-action"], patch["operationId"]), ("patch", "patchAppsV1NamespacedDeployment"))
        self.assertEqual([p["name"] for p in patch["parameters"]], ["dryRun", "fieldManager", "fieldValidation", "force"])
        self.assertEqual(sorted(patch["requestBody"]["content"]),
                         ["application/apply-patch+yaml", "application/json-patch+json",
                          "application/merge-patch+json", "application/strategic-merge-patch+json"])
        schemas = doc["components"]["schemas"]
        spec = schemas["io.k8s.api.apps.v1.DeploymentSpec"]
        self.assertEqual(spec["required"], ["selector", "template"])
        self.assertEqual(spec["properties"]["strategy"],
                         {"allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy"}],
                          "default": {}, "x-kubernetes-patch-strategy": "retainKeys",
                          "description": "The deployment strategy to use to replace existing pods with new ones."})
        self.assertEqual(schemas["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"],
                         [{"group": "apps", "kind": "Deployment", "version": "v1"}])
        self.assertNotIn("io.k8s.api.batch.v1.Job", schemas)  # only what apps/v1 reaches
        # An old hash is redirected to the current one; If-None-Match gets a 304.
        status, headers, _ = self.get("/openapi/v3/apis/apps/v1?hash=0123")
        self.assertEqual((status, headers["Location"]), (301, url))
        status, headers, _ = self.get(url)
        status, _, body = self.get(url, headers={"If-None-Match": headers["Etag"]})
        self.assertEqual((status, body), (304, b""))
        # Cluster-scoped kinds have no namespace in their paths.
        status, _, core = self.get("/openapi/v3/api/v1")
        self.assertIn("/api/v1/namespaces/{name}", core["paths"])
        self.assertIn("/api/v1/nodes/{name}", core["paths"])
        self.assertEqual(self.get("/openapi/v3/apis/nope/v1")[0], 404)
        self.assertEqual(self.get("/openapi/v3/api/v9")[0], 404)
        self.assertEqual(self.get("/openapi/v3/apis/apps/v1", headers={"Accept": "text/html"})[0], 406)

    def test_v2_json_protobuf_and_etag(self):
        status, headers, doc = self.get("/openapi/v2")
        self.assertEqual((status, headers["Content-Type"], headers["Vary"]), (200, "application/json", "Accept"))
        self.assertEqual((doc["swagger"], doc["info"]["title"]), ("2.0", "Kubernetes"))
        etag = headers["Etag"]
        self.assertRegex(etag, r'^"[0-9A-F]{128}"$')
        defs = doc["definitions"]
        self.assertEqual(defs["io.k8s.api.core.v1.Container"]["required"], ["name"])
        ports = dict(defs["io.k8s.api.core.v1.Container"]["properties"]["ports"])
        self.assertTrue(ports.pop("description").startswith("List of ports to expose from the container."))
        self.assertEqual(ports,
                         {"type": "array", "items": {"$ref": "#/definitions/io.k8s.api.core.v1.ContainerPort"},
                          "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
                          "x-kubernetes-list-type": "map", "x-kubernetes-patch-merge-key": "containerPort",
                          "x-kubernetes-patch-strategy": "merge"})
        self.assertEqual(defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"],
                         {"type": "string", "format": "int-or-string",
                          "description": "IntOrString is a type that can hold an int32 or a string.  When used in JSON "
                                         "or YAML marshalling and unmarshalling, it produces or consumes the inner "
                                         "type.  This allows you to have, for example, a JSON field that can accept "
                                         "a name or number."})
        self.assertEqual(defs["io.k8s.api.core.v1.Pod"]["description"], POD_DESCRIPTION)
        self.assertNotIn("default", json.dumps(defs["io.k8s.api.core.v1.ContainerPort"]))
        for path in ("/api/v1/namespaces/{namespace}/pods/{name}/status", "/apis/batch/v1/watch/cronjobs",
                     "/apis/apiregistration.k8s.io/v1/apiservices/{name}", "/apis/", "/api/"):
            self.assertIn(path, doc["paths"])

        # The protobuf form, under both names, with the same ETag.
        for accept in (PROTOBUF_DEPRECATED, PROTOBUF, "application/json;q=0.5, %s" % PROTOBUF):
            status, headers, pb = self.server.request("GET", "/openapi/v2", headers={"Accept": accept})
            self.assertEqual((status, headers["Content-Type"], headers["Etag"]), (200, PROTOBUF, etag))
        top = fields(pb)
        self.assertEqual(top[0], (1, b"2.0"))
        definitions = {}
        for number, value in top:
            if number == 9:
                for _, item in fields(value):
                    name, body = named(item)
                    definitions[name] = body
        self.assertEqual(sorted(definitions), sorted(defs))
        for name in ("io.k8s.api.core.v1.ConfigMap", "io.k8s.api.core.v1.Container", "io.k8s.api.apps.v1.DeploymentSpec",
                     "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "io.k8s.api.core.v1.PodSpec",
                     "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions", "io.k8s.api.core.v1.ResourceRequirements"):
            self.assertEqual(schema(definitions[name]), with_yaml_extensions(defs[name]), name)
        # kubectl finds fieldValidation among the PATCH parameters.
        paths = dict(named(item) for number, value in top if number == 8 for n, item in fields(value) if n == 2)
        item = dict(fields(paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]))
        patch = dict(fields(item[8]))
        self.assertEqual(patch[5], b"patchAppsV1NamespacedDeployment")
        names = []
        for number, value in fields(item[8]):
            if number == 8:
                parameter = dict(fields(value))[1]
                kind, sub = fields(parameter)[0]
                if kind == 2:
                    names.append(dict(fields(fields(sub)[0][1]))[4].decode())
        self.assertEqual(names, ["dryRun", "fieldManager", "fieldValidation", "force"])

        # ETag: 304 when the client has it; a stale one gets the document.
        status, headers, body = self.server.request("GET", "/openapi/v2", headers={"If-None-Match": etag})
        self.assertEqual((status, body, headers["Etag"]), (304, b"", etag))
        status, _, body = self.server.request("GET", "/openapi/v2", headers={"If-None-Match": '"0A"', "Accept": PROTOBUF})
        self.assertEqual((status, body), (200, pb))
        status, _, body = self.server.request("GET", "/openapi/v2", headers={"Accept": "text/html"})
        self.assertEqual((status, body), (406, b""))

    def test_kubectl_explain(self):
        out = self.kubectl("explain", "pods").stdout
        self.assertTrue(out.startswith("KIND:       Pod\nVERSION:    v1\n"), out)
        self.assertEqual([l.split("\t") for l in out.splitlines() if "\t" in l],
                         [["  apiVersion", "<string>"], ["  kind", "<string>"], ["  metadata", "<ObjectMeta>"],
                          ["  spec", "<PodSpec>"], ["  status", "<PodStatus>"]])
        out = self.kubectl("explain", "pods.spec.containers.ports").stdout
        self.assertIn("FIELD: ports <[]ContainerPort>\n", out)
        self.assertEqual([l.split("\t") for l in out.splitlines() if "\t" in l],
                         [["  containerPort", "<integer> -required-"], ["  hostIP", "<string>"],
                          ["  hostPort", "<integer>"], ["  name", "<string>"], ["  protocol", "<string>"]])
        out = self.kubectl("explain", "deployments.spec", "--recursive").stdout
        lines = out.splitlines()
        self.assertTrue(out.startswith("GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n"
                                       "FIELD: spec <DeploymentSpec>\n"), out)
        for line in ("  replicas\t<integer>", "  selector\t<LabelSelector> -required-",
                     "    matchLabels\t<map[string]string>", "      maxSurge\t<IntOrString>",
                     "  template\t<PodTemplateSpec> -required-", "      containers\t<[]Container> -required-",
                     "        ports\t<[]ContainerPort>", "          containerPort\t<integer> -required-",
                     "          limits\t<map[string]Quantity>", "            port\t<IntOrString> -required-"):
            self.assertIn(line, lines)

    def test_kubectl_127_explain_from_v2_and_v3(self):
        out = self.kubectl("explain", "pods.spec.containers.ports", "--output=plaintext-openapiv2",
                           binary=KUBECTL_127, cache="127").stdout
        self.assertTrue(out.startswith("KIND:     Pod\nVERSION:  v1\n\nRESOURCE: ports <[]Object>\n"), out)
        self.assertEqual([l.split("\t") for l in out.splitlines() if "\t" in l],
                         [["   containerPort", "<integer> -required-"], ["   hostIP", "<string>"],
                          ["   hostPort", "<integer>"], ["   name", "<string>"], ["   protocol", "<string>"]])
        lines = self.kubectl("explain", "deployments.spec", "--recursive", "--output=plaintext-openapiv2",
                             binary=KUBECTL_127, cache="127").stdout.splitlines()
        for line in ("   replicas\t<integer>", "   selector\t<Object>", "      matchLabels\t<map[string]string>",
                     "         containers\t<[]Object>", "               containerPort\t<integer>",
                     "               limits\t<map[string]string>", "            fieldsV1\t<map[string]>"):
            self.assertIn(line, lines)
        out = self.kubectl("explain", "pods", binary=KUBECTL_127, cache="127").stdout
        self.assertIn("  spec\t<PodSpec>\n", out)

    def test_kubectl_explain_descriptions(self):
        out = self.kubectl("explain", "pods").stdout
        self.assertEqual(explained(out), POD_DESCRIPTION)
        self.assertIn("  spec\t<PodSpec>\n    Specification of the desired behavior of the pod.", out)
        out = self.kubectl("explain", "pods.spec.restartPolicy").stdout
        self.assertIn("FIELD: restartPolicy <string>\n", out)
        self.assertEqual(explained(out), RESTART_POLICY_DESCRIPTION)
        out = self.kubectl("explain", "deployments.spec").stdout
        self.assertTrue(explained(out).startswith("Specification of the desired behavior of the Deployment. "
                                                  "DeploymentSpec is the specification of the desired behavior "
                                                  "of the Deployment."), out)

    @unittest.skipUnless(os.path.exists(KUBECTL_127), "no kubectl 1.27")
    def test_kubectl_127_explain_descriptions(self):
        for output in ("--output=plaintext", "--output=plaintext-openapiv2"):
            out = self.kubectl("explain", "pods", output, binary=KUBECTL_127, cache="127").stdout
            self.assertEqual(explained(out), POD_DESCRIPTION, output)
            out = self.kubectl("explain", "pods.spec.restartPolicy", output, binary=KUBECTL_127, cache="127").stdout
            self.assertEqual(explained(out), RESTART_POLICY_DESCRIPTION, output)

    def test_kubectl_create_validates_on_the_server(self):
        path = os.path.join(TMP, "openapi-cm.json")
        with open(path, "w") as f:
            json.dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "validated"},
                       "data": {"a": "b"}}, f)
        r = self.kubectl("create", "-f", path, "-o", "name")
        self.assertEqual(r.stdout.strip(), "configmap/validated")
        for kubectl, name in ((os.path.join(KUBECTL_DIR, "kubectl.1.29"), "validated-129"), (KUBECTL_127, "validated-127")):
            r = self.kubectl("create", "configmap", name, "--from-literal=a=b", "-o", "name", binary=kubectl, cache=name)
            self.assertEqual(r.stdout.strip(), "configmap/" + name)
        self.assertIn("fieldValidation=Strict", self.server.read_log())

    def test_kubectl_127_create_from_manifest(self):
        path = os.path.join(TMP, "openapi-deployment.yaml")
        with open(path, "w") as f:
            f.write(DEPLOYMENT)
        r = self.kubectl("create", "-f", path, "-v=6", binary=KUBECTL_127, cache="127-create")
        self.assertIn("deployment.apps/web created", r.stdout)
        # It read /openapi/v2 (protobuf: its validation schema) and, finding
        # fieldValidation on the kind's PATCH operation, left the checks to
        # the server, as it does with kube-apiserver.
        self.assertRegex(r.stderr, r"GET https://127\.0\.0\.1:\d+/openapi/v2\?timeout=32s 200 OK")
        self.assertRegex(r.stderr, r"POST https://127\.0\.0\.1:\d+/apis/apps/v1/namespaces/default/deployments"
                                   r"\?fieldManager=kubectl-create&fieldValidation=Strict 201 Created")
        r = self.kubectl("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].ports}",
                         binary=KUBECTL_127, cache="127-create")
        self.assertEqual(json.loads(r.stdout), [{"containerPort": 80, "protocol": "TCP"}])
        self.kubectl("delete", "deployment", "web", binary=KUBECTL_127, cache="127-create")

    def test_kubectl_127_unknown_field_left_to_the_server(self):
        # With fieldValidation published for the kind (in v3, and in v2 for
        # older clients), kubectl 1.27 does not reject unknown fields itself,
        # as against kube-apiserver: it sends fieldValidation=Strict.
        path = os.path.join(TMP, "openapi-unknown.yaml")
        with open(path, "w") as f:
            f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unknown-field\ndata:\n  a: b\nbogus: 1\n")
        r = subprocess.run([KUBECTL_127, "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "openapi-cache-unknown"),
                            "create", "-f", path, "-v=6"], capture_output=True, text=True)
        self.assertNotIn("error validating data", r.stderr)
        self.assertNotIn("ValidationError", r.stderr)
        self.assertRegex(r.stderr, r"POST https://127\.0\.0\.1:\d+/api/v1/namespaces/default/configmaps"
                                   r"\?fieldManager=kubectl-create&fieldValidation=Strict ")
        self.server.request("DELETE", "/api/v1/namespaces/default/configmaps/unknown-field")


if __name__ == "__main__":
    unittest.main()
