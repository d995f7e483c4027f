"""The write verbs beyond plain CRUD: the status subresource, finalizers and
graceful deletion, deletecollection, dryRun, delete preconditions, and
unconditional updates racing each other (the server retries them)."""
import json
import threading
import time
import unittest

from harness import ServerTest


def configmap(name, labels=None, finalizers=None, data=None):
    meta = {"name": name}
    if labels:
        meta["labels"] = labels
    if finalizers:
        meta["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data or {"k": "v"}}


def deployment(name, replicas=1, status=None):
    obj = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                                 "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
    if status:
        obj["status"] = status
    return obj


class WritesTest(ServerTest):

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        data = json.dumps(body) if body is not None else None
        status, _, out = self.server.request(method, path, body=data, headers=headers)
        return status, json.loads(out) if out else None

    def test_status_subresource_and_generation(self):
        base = "/apis/apps/v1/namespaces/default/deployments"
        status, d = self.call("POST", base, deployment("st"))
        self.assertEqual((status, d["metadata"]["generation"]), (201, 1))
        # The status subresource changes the status alone.
        d["status"] = {"replicas": 3, "readyReplicas": 2}
        d["spec"]["replicas"] = 7
        d["metadata"]["labels"] = {"sneaky": "yes"}
        status, s = self.call("PUT", base + "/st/status", d)
        self.assertEqual(status, 200)
        self.assertEqual(s["status"], {"replicas": 3, "readyReplicas": 2})
        self.assertEqual(s["spec"]["replicas"], 1)
        self.assertNotIn("labels", s["metadata"])
        self.assertEqual(s["metadata"]["generation"], 1)
        # Deployments count annotation changes as changes of generation too.
        s2 = dict(s, metadata=dict(s["metadata"], annotations={"note": "x"}))
        status, s = self.call("PUT", base + "/st", s2)
        self.assertEqual((status, s["metadata"]["generation"]), (200, 2))
        status, got = self.call("GET", base + "/st/status")
        self.assertEqual((status, got["status"]), (200, s["status"]))
        # The main resource changes everything but the status; a spec change
        # bumps the generation, a label change does not.
        s["status"] = {"replicas": 99}
        s["metadata"]["labels"] = {"a": "b"}
        status, m = self.call("PUT", base + "/st", s)
        self.assertEqual((status, m["status"], m["metadata"]["labels"], m["metadata"]["generation"]),
                         (200, {"replicas": 3, "readyReplicas": 2}, {"a": "b"}, 2))
        m["spec"]["replicas"] = 5
        status, m2 = self.call("PUT", base + "/st", m)
        self.assertEqual((status, m2["spec"]["replicas"], m2["metadata"]["generation"]), (200, 5, 3))
        # An update that changes nothing writes nothing.
        status, m3 = self.call("PUT", base + "/st", m2)
        self.assertEqual((status, m3["metadata"]["resourceVersion"]), (200, m2["metadata"]["resourceVersion"]))
        # Subresources that are not served, and verbs a subresource lacks.
        self.assertEqual(self.call("GET", base + "/st/scalez")[0], 404)
        self.assertEqual(self.call("POST", base + "/st/status", m2)[0], 405)

    def test_finalizers_hold_a_deleted_object_until_the_last_goes(self):
        base = "/api/v1/namespaces/default/configmaps"
        status, _ = self.call("POST", base, configmap("fin", finalizers=["example.com/hold"]))
        self.assertEqual(status, 201)
        status, marked = self.call("DELETE", base + "/fin")
        self.assertEqual(status, 200)
        self.assertEqual(marked["kind"], "ConfigMap")
        self.assertRegex(marked["metadata"]["deletionTimestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(marked["metadata"]["deletionGracePeriodSeconds"], 0)
        status, again = self.call("DELETE", base + "/fin")
        self.assertEqual((status, again["metadata"]["resourceVersion"]), (200, marked["metadata"]["resourceVersion"]))
        status, got = self.call("GET", base + "/fin")
        self.assertEqual((status, got["metadata"]["deletionTimestamp"]), (200, marked["metadata"]["deletionTimestamp"]))
        # An update cannot take the deletion back.
        del got["metadata"]["deletionTimestamp"]
        got["data"] = {"k": "changed"}
        status, upd = self.call("PUT", base + "/fin", got)
        self.assertEqual((status, upd["metadata"]["deletionTimestamp"]), (200, marked["metadata"]["deletionTimestamp"]))
        # Removing the last finalizer removes the object.
        upd["metadata"]["finalizers"] = []
        status, _ = self.call("PUT", base + "/fin", upd)
        self.assertEqual(status, 200)
        self.assertEqual(self.call("GET", base + "/fin")[0], 404)

    def test_orphan_propagation_adds_its_finalizer(self):
        base = "/api/v1/namespaces/default/configmaps"
        self.assertEqual(self.call("POST", base, configmap("orph"))[0], 201)
        status, marked = self.call("DELETE", base + "/orph", {"propagationPolicy": "Orphan"})
        self.assertEqual((status, marked["metadata"]["finalizers"]), (200, ["orphan"]))
        status, err = self.call("DELETE", base + "/orph?propagationPolicy=Sideways")
        self.assertEqual((status, err["reason"], err["message"]),
                         (422, "Invalid", 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported '
                          'value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"'))
        # Jobs orphan their pods unless told otherwise, and say so.
        job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
               "spec": {"template": {"spec": {"restartPolicy": "Never",
                                              "containers": [{"name": "c", "image": "busybox"}]}}}}
        self.assertEqual(self.call("POST", "/apis/batch/v1/namespaces/default/jobs", job)[0], 201)
        status, headers, out = self.server.request("DELETE", "/apis/batch/v1/namespaces/default/jobs/j")
        self.assertEqual((status, json.loads(out)["metadata"]["finalizers"]), (200, ["orphan"]))
        self.assertIn("child pods are preserved by default", dict(headers).get("Warning", ""))

    def test_pods_bound_to_a_node_are_deleted_gracefully(self):
        base = "/api/v1/namespaces/default/pods"
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bound"},
               "spec": {"nodeName": "node-1", "terminationGracePeriodSeconds": 45,
                        "containers": [{"name": "c", "image": "nginx"}]}}
        status, created = self.call("POST", base, pod)
        self.assertEqual(status, 201)
        # Running, as its kubelet reports it (a create starts every pod Pending).
        created["status"] = {"phase": "Running"}
        self.assertEqual(self.call("PUT", base + "/bound/status", created)[0], 200)
        status, marked = self.call("DELETE", base + "/bound")
        self.assertEqual((status, marked["kind"], marked["metadata"]["deletionGracePeriodSeconds"]), (200, "Pod", 45))
        self.assertEqual(self.call("GET", base + "/bound")[0], 200)
        status, gone = self.call("DELETE", base + "/bound", {"gracePeriodSeconds": 0})
        self.assertEqual((status, gone["kind"], gone["metadata"]["name"]), (200, "Pod", "bound"))
        self.assertEqual(self.call("GET", base + "/bound")[0], 404)
        # Never scheduled: deleted at once, and a pod deletion answers with the pod.
        del pod["spec"]["nodeName"]
        pod["metadata"]["name"] = "unbound"
        self.assertEqual(self.call("POST", base, pod)[0], 201)
        status, gone = self.call("DELETE", base + "/unbound")
        self.assertEqual((status, gone["kind"]), (200, "Pod"))
        self.assertEqual(self.call("GET", base + "/unbound")[0], 404)

    def test_deletecollection_with_a_selector(self):
        base = "/api/v1/namespaces/default/configmaps"
        for i in range(6):
            self.assertEqual(self.call("POST", base, configmap("dc-%d" % i, {"batch": "dc" if i < 4 else "keep"}))[0], 201)
        status, out = self.call("DELETE", base + "?labelSelector=batch%3Ddc")
        self.assertEqual((status, out["kind"], out["apiVersion"]), (200, "ConfigMapList", "v1"))
        self.assertEqual(sorted(i["metadata"]["name"] for i in out["items"]), ["dc-0", "dc-1", "dc-2", "dc-3"])
        status, rest = self.call("GET", base + "?labelSelector=batch+in+(dc,keep)")
        self.assertEqual(sorted(i["metadata"]["name"] for i in rest["items"]), ["dc-4", "dc-5"])
        self.assertEqual(self.call("DELETE", base + "?labelSelector=a+in")[0], 400)

    def test_dry_run_writes_nothing(self):
        base = "/api/v1/namespaces/default/configmaps"
        status, dry = self.call("POST", base + "?dryRun=All", configmap("dry"))
        self.assertEqual(status, 201)
        self.assertRegex(dry["metadata"]["uid"], r"^[0-9a-f-]{36}$")
        self.assertNotIn("resourceVersion", dry["metadata"])
        self.assertEqual(self.call("GET", base + "/dry")[0], 404)
        status, real = self.call("POST", base, configmap("dry"))
        self.assertEqual(status, 201)
        real["data"] = {"k": "dry"}
        status, upd = self.call("PUT", base + "/dry?dryRun=All", real)
        self.assertEqual((status, upd["data"]), (200, {"k": "dry"}))
        status, got = self.call("GET", base + "/dry")
        self.assertEqual((got["data"], got["metadata"]["resourceVersion"]), ({"k": "v"}, real["metadata"]["resourceVersion"]))
        self.assertEqual(self.call("DELETE", base + "/dry?dryRun=All")[0], 200)
        self.assertEqual(self.call("GET", base + "/dry")[0], 200)
        status, err = self.call("POST", base + "?dryRun=Some", configmap("dry2"))
        self.assertEqual((status, err["reason"], err["message"]),
                         (422, "Invalid", 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: '
                          '[]string{"Some"}: supported values: "All"'))
        self.assertEqual(err["details"]["causes"], [{"reason": "FieldValueNotSupported", "field": "dryRun",
                                                     "message": 'Unsupported value: []string{"Some"}: supported values: "All"'}])

    def test_delete_preconditions_messages(self):
        base = "/api/v1/namespaces/default/configmaps"
        status, cm = self.call("POST", base, configmap("pre"))
        uid, rv = cm["metadata"]["uid"], cm["metadata"]["resourceVersion"]
        status, err = self.call("DELETE", base + "/pre", {"preconditions": {"resourceVersion": "1"}})
        self.assertEqual((status, err["reason"]), (409, "Conflict"))
        self.assertEqual(err["message"], 'Operation cannot be fulfilled on ConfigMap "pre": the ResourceVersion in the '
                         'precondition (1) does not match the ResourceVersion in record (%s). The object might have '
                         'been modified' % rv)
        other = "00000000-0000-4000-8000-000000000000"
        status, err = self.call("DELETE", base + "/pre", {"preconditions": {"uid": other}})
        self.assertEqual(err["message"], 'Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition '
                         '(%s) does not match the UID in record (%s). The object might have been deleted and then '
                         'recreated' % (other, uid))
        status, ok = self.call("DELETE", base + "/pre", {"preconditions": {"uid": uid, "resourceVersion": rv}})
        self.assertEqual((status, ok["status"]), (200, "Success"))

    def wait_gone(self, path, seconds=20):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.call("GET", path)[0] == 404:
                return True
            time.sleep(0.2)
        return False

    def test_namespace_lifecycle(self):
        status, ns = self.call("POST", "/api/v1/namespaces",
                               {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "doomed"}})
        self.assertEqual(status, 201)
        self.assertEqual(ns["spec"], {"finalizers": ["kubernetes"]})
        self.assertEqual(ns["status"], {"phase": "Active"})
        self.assertEqual(ns["metadata"]["labels"], {"kubernetes.io/metadata.name": "doomed"})
        self.assertNotIn("generation", ns["metadata"])
        base = "/api/v1/namespaces/doomed/configmaps"
        for name, fin in (("plain", None), ("held", ["example.com/hold"])):
            self.assertEqual(self.call("POST", base, configmap(name, finalizers=fin))[0], 201)
        status, marked = self.call("DELETE", "/api/v1/namespaces/doomed")
        self.assertEqual((status, marked["kind"], marked["status"]["phase"]), (200, "Namespace", "Terminating"))
        self.assertIn("deletionTimestamp", marked["metadata"])
        self.assertNotIn("deletionGracePeriodSeconds", marked["metadata"])
        status, err = self.call("POST", base, configmap("late"))
        self.assertEqual((status, err["reason"], err["message"]),
                         (403, "Forbidden", 'configmaps "late" is forbidden: unable to create new content in '
                          'namespace doomed because it is being terminated'))
        self.assertEqual(err["details"]["causes"][0]["reason"], "NamespaceTerminating")
        # The content goes; what has a finalizer waits for it.
        self.assertTrue(self.wait_gone(base + "/plain"))
        status, held = self.call("GET", base + "/held")
        self.assertEqual(status, 200)
        self.assertIn("deletionTimestamp", held["metadata"])
        self.assertEqual(self.call("GET", "/api/v1/namespaces/doomed")[0], 200)
        held["metadata"]["finalizers"] = []
        self.assertEqual(self.call("PUT", base + "/held", held)[0], 200)
        self.assertTrue(self.wait_gone("/api/v1/namespaces/doomed"))
        # The namespaces every cluster needs cannot go.
        status, err = self.call("DELETE", "/api/v1/namespaces/kube-system")
        self.assertEqual((status, err["message"], err["details"]),
                         (403, 'namespaces "kube-system" is forbidden: this namespace may not be deleted',
                          {"name": "kube-system", "kind": "namespaces"}))

    def test_spec_finalizers_change_through_finalize_only(self):
        ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "fin-only"},
              "spec": {"finalizers": ["kubernetes", "example.com/x"]}}
        status, ns = self.call("POST", "/api/v1/namespaces", ns)
        self.assertEqual(status, 201)
        ns["spec"]["finalizers"] = []
        status, put = self.call("PUT", "/api/v1/namespaces/fin-only", ns)
        self.assertEqual(put["spec"]["finalizers"], ["kubernetes", "example.com/x"])
        put["spec"]["finalizers"] = ["kubernetes"]
        status, fin = self.call("PUT", "/api/v1/namespaces/fin-only/finalize", put)
        self.assertEqual((status, fin["spec"]["finalizers"]), (200, ["kubernetes"]))
        self.assertEqual(self.call("DELETE", "/api/v1/namespaces/fin-only")[0], 200)
        self.assertTrue(self.wait_gone("/api/v1/namespaces/fin-only"))

    def patch(self, path, body, content_type):
        status, _, out = self.server.request("PATCH", path, body=body, headers={"Content-Type": content_type})
        return status, json.loads(out) if out else None

    def test_patch_kinds_and_their_errors(self):
        base = "/api/v1/namespaces/default/configmaps"
        status, cm = self.call("POST", base, configmap("pt", {"a": "1"}))
        merge, jsonp = "application/merge-patch+json", "application/json-patch+json"
        status, out = self.patch(base + "/pt", '{"metadata":{"labels":{"a":null,"b":"2"}},"data":{"n":"1"}}', merge)
        self.assertEqual((status, out["metadata"]["labels"], out["data"]), (200, {"b": "2"}, {"k": "v", "n": "1"}))
        status, out = self.patch(base + "/pt", '[{"op":"add","path":"/data/m","value":"x"},'
                                 '{"op":"remove","path":"/data/k"}]', jsonp)
        self.assertEqual((status, out["data"]), (200, {"n": "1", "m": "x"}))
        # A failed test op: 422 with upstream's fixed message; nothing written.
        status, err = self.patch(base + "/pt", '[{"op":"test","path":"/data/m","value":"y"}]', jsonp)
        self.assertEqual((status, err["reason"], err["message"], err["details"]),
                         (422, "Invalid", "the server rejected our request due to an error in our request", {}))
        status, err = self.patch(base + "/pt", '{"data":', merge)
        self.assertEqual((status, err["reason"]), (400, "BadRequest"))
        self.assertIn("unexpected end of JSON input", err["message"])
        # Strategic merge patch and server-side apply: tests/e2e/test_apply.py.
        status, err = self.patch(base + "/pt", '{"data":{"z":"1"}}', "application/apply-patch+yaml")
        self.assertEqual((status, err["reason"], err["message"]),
                         (422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: '
                          "Required value: is required for apply patch"))
        status, err = self.patch(base + "/pt", '{"data":{"z":"1"}}', "application/x-patch")
        self.assertEqual((status, err["reason"], err["message"]),
                         (415, "UnsupportedMediaType",
                          "the body of the request was in an unknown format - accepted media types include: "
                          "application/json-patch+json, application/merge-patch+json, "
                          "application/strategic-merge-patch+json, application/apply-patch+yaml"))
        # A resourceVersion in the patch is a precondition.
        status, err = self.patch(base + "/pt", '{"metadata":{"resourceVersion":"%s"},"data":{"z":"1"}}'
                                 % cm["metadata"]["resourceVersion"], merge)
        self.assertEqual((status, err["reason"]), (409, "Conflict"))
        status, got = self.call("GET", base + "/pt")
        self.assertEqual(got["data"], {"n": "1", "m": "x"})
        self.assertEqual(self.patch(base + "/missing", '{}', merge)[0], 404)
        # The status subresource takes a patch too, and only its status.
        status, d = self.call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment("pst"))
        status, out = self.patch("/apis/apps/v1/namespaces/default/deployments/pst/status",
                                 '{"spec":{"replicas":9},"status":{"replicas":4}}', merge)
        self.assertEqual((status, out["spec"]["replicas"], out["status"]), (200, 1, {"replicas": 4}))

    def test_yaml_bodies_and_answers(self):
        base = "/api/v1/namespaces/default/configmaps"
        body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\n  labels: {app: web}\ndata:\n  flag: 'true'\n  n: \"0x10\"\n"
        status, headers, out = self.server.request("POST", base, body=body, headers={
            "Content-Type": "application/yaml", "Accept": "application/yaml"})
        self.assertEqual((status, headers["Content-Type"]), (201, "application/yaml"))
        text = out.decode()
        self.assertIn("kind: ConfigMap\n", text)
        self.assertIn("  name: from-yaml\n", text)
        self.assertIn('  flag: "true"\n', text)
        self.assertRegex(text, r'\n  creationTimestamp: "\d{4}-')
        status, got = self.call("GET", base + "/from-yaml")
        # YAML 1.1 as Kubernetes reads it: the plain key n is the boolean false.
        self.assertEqual((got["metadata"]["labels"], got["data"]), ({"app": "web"}, {"flag": "true", "false": "0x10"}))
        status, headers, out = self.server.request("GET", base + "/nope", headers={"Accept": "application/yaml"})
        self.assertEqual((status, headers["Content-Type"]), (404, "application/yaml"))
        self.assertIn("reason: NotFound\n", out.decode())
        status, _, out = self.server.request("POST", base, body="metadata: [unclosed",
                                             headers={"Content-Type": "application/yaml"})
        err = json.loads(out)
        self.assertEqual((status, err["reason"]), (400, "BadRequest"))
        self.assertTrue(err["message"].startswith("yaml: "), err["message"])
        status, _, out = self.server.request("POST", base, body="x", headers={"Content-Type": "text/plain"})
        self.assertEqual((status, json.loads(out)["message"]),
                         (415, "the body of the request was in an unknown format - accepted media types include: "
                               "application/json, application/yaml, application/vnd.kubernetes.protobuf"))

    def test_kind_and_api_version_default_from_the_url(self):
        status, cm = self.call("POST", "/api/v1/namespaces/default/configmaps",
                               {"metadata": {"name": "no-kind"}, "data": {"a": "b"}})
        self.assertEqual((status, cm["kind"], cm["apiVersion"]), (201, "ConfigMap", "v1"))
        status, err = self.call("POST", "/api/v1/namespaces/default/configmaps",
                                {"apiVersion": "apps/v1", "kind": "ConfigMap", "metadata": {"name": "wrong"}})
        self.assertEqual((status, err["message"]), (400, "the API version in the data (apps/v1) does not match "
                                                         "the expected API version (v1)"))

    def test_field_validation_of_duplicate_fields(self):
        base = "/api/v1/namespaces/default/configmaps"
        dup = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s"},"data":{"a":"1","a":"2"}}'
        status, headers, out = self.server.request("POST", base + "?fieldValidation=Strict", body=dup % "dup-strict",
                                                   headers={"Content-Type": "application/json"})
        err = json.loads(out)
        self.assertEqual((status, err["reason"]), (400, "BadRequest"))
        self.assertEqual(err["message"], 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding '
                                         'error: duplicate field "data.a"')
        self.assertEqual(self.call("GET", base + "/dup-strict")[0], 404)
        status, headers, out = self.server.request("POST", base, body=dup % "dup-warn",
                                                   headers={"Content-Type": "application/json"})
        self.assertEqual((status, headers.get("Warning")), (201, '299 - "duplicate field \\"data.a\\""'))
        self.assertEqual(json.loads(out)["data"], {"a": "2"})
        status, headers, out = self.server.request("POST", base + "?fieldValidation=Ignore", body=dup % "dup-ignore",
                                                   headers={"Content-Type": "application/json"})
        self.assertEqual((status, headers.get("Warning")), (201, None))
        status, err = self.call("POST", base + "?fieldValidation=Loose", configmap("dup-bad"))
        self.assertEqual((status, err["message"]),
                         (422, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": '
                               'supported values: "Ignore", "Strict", "Warn"'))

    def test_field_validation_of_unknown_fields(self):
        """Fields the kind does not have are dropped, as decoding into the Go
        structs drops them, and reported as fieldValidation asks."""
        base = "/apis/apps/v1/namespaces/default/deployments"

        def deployment(name):
            return {"apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": name, "bogus": 1},
                    "spec": {"foo": "bar", "selector": {"matchLabels": {"app": name}},
                             "template": {"metadata": {"labels": {"app": name}},
                                          "spec": {"containers": [{"name": "c", "image": "nginx", "whatever": 3,
                                                                   "ports": [{"containerPort": 80, "nope": True}]}]}}}}
        unknown = ['unknown field "metadata.bogus"', 'unknown field "spec.foo"',
                   'unknown field "spec.template.spec.containers[0].whatever"',
                   'unknown field "spec.template.spec.containers[0].ports[0].nope"']
        status, err = self.call("POST", base + "?fieldValidation=Strict", deployment("uf-strict"))
        self.assertEqual((status, err["reason"]), (400, "BadRequest"))
        self.assertEqual(err["message"], 'Deployment in version "v1" cannot be handled as a Deployment: strict '
                                         'decoding error: ' + ", ".join(unknown))
        self.assertEqual(self.call("GET", base + "/uf-strict")[0], 404)
        conn = self.server.connection()
        try:
            conn.request("POST", base, body=json.dumps(deployment("uf-warn")),
                         headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            created = json.loads(resp.read())
            self.assertEqual(resp.status, 201)
            self.assertEqual(resp.msg.get_all("Warning"), ['299 - "%s"' % u.replace('"', '\\"') for u in unknown])
        finally:
            conn.close()
        self.assertNotIn("bogus", created["metadata"])
        self.assertNotIn("foo", created["spec"])
        # Dropped fields are gone; the defaults of the fields that remain are filled in.
        self.assertEqual(created["spec"]["template"]["spec"]["containers"],
                         [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "protocol": "TCP"}],
                           "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                           "imagePullPolicy": "Always"}])
        status, headers, out = self.server.request("POST", base + "?fieldValidation=Ignore",
                                                   body=json.dumps(deployment("uf-ignore")),
                                                   headers={"Content-Type": "application/json"})
        self.assertEqual((status, headers.get("Warning")), (201, None))
        self.assertNotIn("foo", json.loads(out)["spec"])
        # A patch that adds an unknown field: dropped with a warning, or refused under Strict.
        status, headers, out = self.server.request("PATCH", base + "/uf-warn", body='{"spec":{"zzz":1}}',
                                                   headers={"Content-Type": "application/merge-patch+json"})
        self.assertEqual((status, headers.get("Warning")), (200, '299 - "unknown field \\"spec.zzz\\""'))
        self.assertNotIn("zzz", json.loads(out)["spec"])
        status, headers, out = self.server.request("PATCH", base + "/uf-warn?fieldValidation=Strict",
                                                   body='{"spec":{"zzz":1}}',
                                                   headers={"Content-Type": "application/merge-patch+json"})
        self.assertEqual((status, json.loads(out)["message"]), (422, 'strict decoding error: unknown field "spec.zzz"'))

    def test_validation_answers_422_with_every_cause(self):
        base = "/apis/apps/v1/namespaces/default/deployments"
        bad = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "invalid-web"},
               "spec": {"selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "other"}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"},
                                                             {"name": "c", "image": "nginx"}]}}}}
        status, err = self.call("POST", base, bad)
        self.assertEqual((status, err["reason"], err["code"]), (422, "Invalid", 422))
        self.assertEqual(err["details"]["causes"], [
            {"reason": "FieldValueInvalid", "field": "spec.template.metadata.labels",
             "message": 'Invalid value: map[string]string{"app":"other"}: `selector` does not match template '
                        '`labels`'},
            {"reason": "FieldValueDuplicate", "field": "spec.template.spec.containers[1].name",
             "message": 'Duplicate value: "c"'}])
        self.assertTrue(err["message"].startswith('Deployment.apps "invalid-web" is invalid: ['), err["message"])
        self.assertEqual(self.call("GET", base + "/invalid-web")[0], 404)
        # A valid object, then an update that breaks it: refused, the stored object unchanged.
        bad["spec"]["template"]["metadata"]["labels"] = {"app": "web"}
        bad["spec"]["template"]["spec"]["containers"].pop()
        status, created = self.call("POST", base, bad)
        self.assertEqual(status, 201)
        status, err = self.patch(base + "/invalid-web", json.dumps({"spec": {"selector": {"matchLabels": {"app": "x"}}}}),
                                 "application/merge-patch+json")
        self.assertEqual(status, 422)
        self.assertIn("spec.selector: Invalid value:", err["message"])
        self.assertIn("field is immutable", err["message"])
        self.assertEqual(self.call("GET", base + "/invalid-web")[1]["metadata"]["resourceVersion"],
                         created["metadata"]["resourceVersion"])
        status, err = self.call("POST", "/api/v1/namespaces/default/configmaps",
                                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}})
        self.assertEqual((status, err["details"]["causes"][0]["field"]), (422, "metadata.name"))

    def test_quantities_come_back_canonical(self):
        base = "/api/v1/namespaces/default/pods"

        def pod(name, requests, limits):
            return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                    "spec": {"containers": [{"name": "c", "image": "nginx",
                                             "resources": {"requests": requests, "limits": limits}}]}}
        status, created = self.call("POST", base, pod("quantities", {"cpu": "0.5", "memory": " 1024Mi "},
                                                      {"cpu": 1, "memory": "1.5Gi"}))
        self.assertEqual(status, 201, created)
        self.assertEqual(created["spec"]["containers"][0]["resources"],
                         {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1536Mi"}})
        status, err = self.call("POST", base, pod("bad-quantity", {"cpu": "lots"}, {}))
        self.assertEqual((status, err["reason"]), (400, "BadRequest"))
        self.assertEqual(err["message"], 'Pod in version "v1" cannot be handled as a Pod: quantities must match the '
                                         "regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
        self.assertEqual(self.call("GET", base + "/bad-quantity")[0], 404)
        # Patches too (a pod's resources are immutable: a quota's are not).
        quotas = "/api/v1/namespaces/default/resourcequotas"
        status, _ = self.call("POST", quotas, {"apiVersion": "v1", "kind": "ResourceQuota",
                                               "metadata": {"name": "q"}, "spec": {"hard": {"pods": "10"}}})
        self.assertEqual(status, 201)
        status, patched = self.patch(quotas + "/q", json.dumps({"spec": {"hard": {"memory": "2048Mi"}}}),
                                     "application/strategic-merge-patch+json")
        self.assertEqual((status, patched["spec"]["hard"]), (200, {"pods": "10", "memory": "2Gi"}))

    def test_racing_patches_lose_no_update(self):
        base = "/api/v1/namespaces/default/configmaps"
        self.assertEqual(self.call("POST", base, configmap("patched-race"))[0], 201)
        results = []

        def patcher(n):
            for i in range(10):
                status, _ = self.patch(base + "/patched-race", json.dumps({"data": {"p%d-%d" % (n, i): "x"}}),
                                       "application/merge-patch+json")
                results.append(status)

        threads = [threading.Thread(target=patcher, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [200] * 60)
        status, got = self.call("GET", base + "/patched-race")
        self.assertEqual(sorted(got["data"]), sorted(["k"] + ["p%d-%d" % (n, i) for n in range(6) for i in range(10)]))

    def test_racing_unconditional_updates_all_succeed(self):
        base = "/api/v1/namespaces/default/configmaps"
        self.assertEqual(self.call("POST", base, configmap("race"))[0], 201)
        results = []

        def writer(n):
            for i in range(10):
                body = configmap("race", data={"w%d" % n: str(i)})
                results.append(self.call("PUT", base + "/race", body)[0])

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [200] * 60)


if __name__ == "__main__":
    unittest.main()
