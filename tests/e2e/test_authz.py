"""Authorization as kube-apiserver v1.32 does it, with --authorization-mode=
Node,RBAC (the harness's default): upstream's Forbidden Statuses word for
word, Roles and RoleBindings taking effect, the bootstrap policy, aggregated
ClusterRoles kept current by the server, kubectl auth can-i (and --list),
impersonation (--as), the access reviews, and RBAC's escalation checks."""
import json
import os
import subprocess
import time
import unittest

from harness import PKI, TMP, ServerTest, kubeconfig, pki

NS = "authz-a"


def make_user_cert(name, groups=()):
    """A client certificate for name (CN) in groups (O), signed by the dev CA."""
    if os.path.exists(pki(name + ".crt")):
        return
    subject = "".join("/O=" + g for g in groups) + "/CN=" + name
    subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-subj", subject, "-keyout", pki(name + ".key"), "-out", pki(name + ".csr")],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", pki(name + ".csr"), "-CA", pki("ca.crt"),
                    "-CAkey", pki("ca.key"), "-CAcreateserial", "-days", "2", "-out", pki(name + ".crt")],
                   check=True, capture_output=True)


def forbidden(message, details):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": "Forbidden", "details": details, "code": 403}


class AuthzTest(ServerTest):
    @classmethod
    def setUpClass(cls):
        make_user_cert("jane")
        make_user_cert("bob", groups=("team-b",))
        super().setUpClass()
        cls.admin_cfg = kubeconfig(cls.server, os.path.join(TMP, "authz-admin.kubeconfig"))
        cls.jane_cfg = kubeconfig(cls.server, os.path.join(TMP, "authz-jane.kubeconfig"), cert="jane")
        cls.apply_as_admin({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})

    @classmethod
    def kubectl(cls, cfg, *args, stdin=None):
        cmd = ["kubectl", "--kubeconfig", cfg, "--cache-dir", os.path.join(TMP, "kcache-authz")]
        return subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, timeout=60)

    @classmethod
    def apply_as_admin(cls, *objects):
        r = cls.kubectl(cls.admin_cfg, "apply", "-f", "-",
                        stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": list(objects)}))
        assert r.returncode == 0, r.stderr

    def jane(self, method, path, body=None):
        status, _, data = self.server.request(method, path, body=json.dumps(body) if body else None,
                                              headers={"Content-Type": "application/json"}, cert="jane")
        return status, json.loads(data) if data else None

    def until(self, check, timeout=10):
        deadline = time.time() + timeout
        while True:
            result = check()
            if result or time.time() > deadline:
                return result
            time.sleep(0.1)

    def grant_jane_configmaps(self):
        self.apply_as_admin(
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
             "metadata": {"name": "cm-reader", "namespace": NS},
             "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
             "metadata": {"name": "jane-reads", "namespace": NS},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "cm-reader"},
             "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "jane"}]})
        self.assertTrue(self.until(lambda: self.jane("GET", "/api/v1/namespaces/%s/configmaps" % NS)[0] == 200))

    def test_forbidden_statuses(self):
        cases = [
            ("/api/v1/namespaces/default/pods",
             'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
             {"kind": "pods"}),
            ("/api/v1/nodes",
             'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
             {"kind": "nodes"}),
            ("/api/v1/namespaces/default/configmaps/x",
             'configmaps "x" is forbidden: User "jane" cannot get resource "configmaps" in API group "" '
             'in the namespace "default"', {"name": "x", "kind": "configmaps"}),
            ("/apis/apps/v1/namespaces/default/deployments/web/scale",
             'deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments/scale" '
             'in API group "apps" in the namespace "default"', {"name": "web", "group": "apps", "kind": "deployments"}),
            ("/api/v1/watch/namespaces/default/secrets",
             'secrets is forbidden: User "jane" cannot watch resource "secrets" in API group "" '
             'in the namespace "default"', {"kind": "secrets"}),
            ("/metrics", 'forbidden: User "jane" cannot get path "/metrics"', {}),
        ]
        for path, message, details in cases:
            status, body = self.jane("GET", path)
            self.assertEqual((status, body), (403, forbidden(message, details)), path)
        status, body = self.jane("DELETE", "/api/v1/namespaces/default/pods")
        self.assertEqual(body["message"], 'pods is forbidden: User "jane" cannot deletecollection resource "pods" '
                                          'in API group "" in the namespace "default"')

    def test_anonymous(self):
        self.assertEqual(self.server.request("GET", "/version", cert=None)[0], 200)
        status, _, data = self.server.request("GET", "/healthz", cert=None)
        self.assertEqual((status, data), (200, b"ok"))
        status, _, data = self.server.request("GET", "/api", cert=None)
        self.assertEqual((status, json.loads(data)),
                         (403, forbidden('forbidden: User "system:anonymous" cannot get path "/api"', {})))
        # A verb other than get is not granted to anyone but the masters.
        status, _, data = self.server.request("POST", "/healthz", cert=None)
        self.assertEqual(json.loads(data)["message"], 'forbidden: User "system:anonymous" cannot post path "/healthz"')
        # The authenticated discover the API.
        self.assertEqual(self.jane("GET", "/api")[0], 200)
        self.assertEqual(self.jane("GET", "/apis/apps/v1")[0], 200)

    def test_role_binding_grants(self):
        self.grant_jane_configmaps()
        self.assertEqual(self.jane("GET", "/api/v1/namespaces/%s/configmaps/none" % NS)[0], 404)
        status, body = self.jane("GET", "/api/v1/namespaces/default/configmaps")
        self.assertEqual(status, 403)
        status, body = self.jane("POST", "/api/v1/namespaces/%s/configmaps" % NS,
                                 {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
        self.assertEqual(body["message"], 'configmaps is forbidden: User "jane" cannot create resource "configmaps" '
                                          'in API group "" in the namespace "%s"' % NS)
        # Removing the binding takes the access away again.
        r = self.kubectl(self.admin_cfg, "delete", "rolebinding", "jane-reads", "-n", NS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(self.until(lambda: self.jane("GET", "/api/v1/namespaces/%s/configmaps" % NS)[0] == 403))
        self.grant_jane_configmaps()

    def test_kubectl_auth_can_i(self):
        self.grant_jane_configmaps()
        r = self.kubectl(self.jane_cfg, "auth", "can-i", "list", "configmaps", "-n", NS)
        self.assertEqual((r.returncode, r.stdout), (0, "yes\n"))
        r = self.kubectl(self.jane_cfg, "auth", "can-i", "delete", "configmaps", "-n", NS)
        self.assertEqual((r.returncode, r.stdout), (1, "no\n"))
        r = self.kubectl(self.admin_cfg, "auth", "can-i", "delete", "nodes")
        self.assertEqual((r.returncode, r.stdout), (0, "yes\n"))
        r = self.kubectl(self.jane_cfg, "auth", "can-i", "--list", "-n", NS)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [line.split() for line in r.stdout.splitlines()]
        self.assertIn(["configmaps", "[]", "[]", "[get", "list]"], rows)
        self.assertIn(["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"], rows)
        self.assertIn(["[/version]", "[]", "[get]"], rows)

    def test_impersonation(self):
        self.grant_jane_configmaps()
        r = self.kubectl(self.admin_cfg, "--as=jane", "get", "configmaps", "-n", NS, "-o", "name")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.kubectl(self.admin_cfg, "--as=jane", "get", "secrets", "-n", NS)
        self.assertIn('Error from server (Forbidden): secrets is forbidden: User "jane" cannot list resource '
                      '"secrets" in API group "" in the namespace "%s"' % NS, r.stderr)
        r = self.kubectl(self.admin_cfg, "--as=jane", "--as-group=system:masters", "get", "secrets", "-n", NS)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.kubectl(self.admin_cfg, "--as=jane", "auth", "can-i", "get", "configmaps", "-n", NS)
        self.assertEqual(r.stdout, "yes\n")
        # Jane may not impersonate anyone.
        status, _, data = self.server.request("GET", "/api/v1/namespaces/%s/configmaps" % NS, cert="jane",
                                              headers={"Impersonate-User": "bob"})
        self.assertEqual((status, json.loads(data)), (403, forbidden(
            'users "bob" is forbidden: User "jane" cannot impersonate resource "users" in API group "" '
            'at the cluster scope', {"name": "bob", "kind": "users"})))
        status, _, data = self.server.request("GET", "/api", cert="jane",
                                              headers={"Impersonate-User": "system:serviceaccount:ns1:robot"})
        self.assertEqual(json.loads(data)["message"],
                         'serviceaccounts "robot" is forbidden: User "jane" cannot impersonate resource '
                         '"serviceaccounts" in API group "" in the namespace "ns1"')
        status, _, data = self.server.request("GET", "/api", headers={"Impersonate-Group": "g"})
        self.assertEqual(status, 500)
        self.assertIn(b"without impersonating a user", data)

    def test_access_reviews(self):
        self.grant_jane_configmaps()
        sar = {"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
               "spec": {"user": "jane", "resourceAttributes": {"namespace": NS, "verb": "get",
                                                                 "resource": "configmaps"}}}
        status, _, data = self.server.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                                              body=json.dumps(sar), headers={"Content-Type": "application/json"})
        self.assertEqual(status, 201)
        self.assertEqual(json.loads(data)["status"], {
            "allowed": True,
            "reason": 'RBAC: allowed by RoleBinding "jane-reads/%s" of Role "cm-reader" to User "jane"' % NS})
        sar["spec"]["resourceAttributes"]["verb"] = "delete"
        status, _, data = self.server.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                                              body=json.dumps(sar), headers={"Content-Type": "application/json"})
        self.assertEqual(json.loads(data)["status"], {"allowed": False})
        # Neither attributes nor a user: 422 with both causes.
        status, _, data = self.server.request(
            "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            body=json.dumps({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": {}}),
            headers={"Content-Type": "application/json"})
        self.assertEqual((status, json.loads(data)["message"]), (422,
            'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: '
            '"null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: '
            'Invalid value: "": at least one of user or group must be specified]'))
        # A LocalSubjectAccessReview's namespace must be the URL's.
        lsar = dict(sar, kind="LocalSubjectAccessReview", metadata={"namespace": "other"})
        status, _, data = self.server.request(
            "POST", "/apis/authorization.k8s.io/v1/namespaces/%s/localsubjectaccessreviews" % NS,
            body=json.dumps(lsar), headers={"Content-Type": "application/json"})
        self.assertEqual((status, json.loads(data)["message"]), (400,
            "the namespace of the provided object does not match the namespace sent on the request"))
        # Jane may ask about herself but not about others.
        status, body = self.jane("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", sar)
        self.assertEqual(status, 403)
        status, body = self.jane("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                                 {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                                  "spec": {"nonResourceAttributes": {"path": "/version", "verb": "get"}}})
        self.assertEqual((status, body["status"]["allowed"]), (201, True))
        # Bindings are tried in name order: system:discovery grants it first.
        self.assertEqual(body["status"]["reason"],
                         'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole '
                         '"system:discovery" to Group "system:authenticated"')

    def test_bootstrap_roles_exist(self):
        r = self.kubectl(self.admin_cfg, "get", "clusterrole", "admin", "edit", "view", "cluster-admin",
                         "system:discovery", "system:basic-user", "system:public-info-viewer", "-o", "name")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ["clusterrole.rbac.authorization.k8s.io/" + n for n in (
            "admin", "edit", "view", "cluster-admin", "system:discovery", "system:basic-user",
            "system:public-info-viewer")])
        r = self.kubectl(self.admin_cfg, "get", "clusterrolebinding", "system:public-info-viewer", "-o", "json")
        binding = json.loads(r.stdout)
        self.assertEqual(binding["metadata"]["annotations"], {"rbac.authorization.kubernetes.io/autoupdate": "true"})
        self.assertEqual(binding["subjects"], [
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"},
            {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:unauthenticated"}])
        # view aggregates system:aggregate-to-view; edit aggregates view.
        view = json.loads(self.kubectl(self.admin_cfg, "get", "clusterrole", "view", "-o", "json").stdout)
        self.assertIn({"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]},
                      view["rules"])

    def test_aggregation(self):
        self.apply_as_admin({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                             "metadata": {"name": "widget-viewer",
                                          "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}},
                             "rules": [{"apiGroups": ["example.com"], "resources": ["widgets"],
                                        "verbs": ["get", "list"]}]})
        rule = {"apiGroups": ["example.com"], "resources": ["widgets"], "verbs": ["get", "list"]}

        def rules_of(name):
            r = self.kubectl(self.admin_cfg, "get", "clusterrole", name, "-o", "json")
            return json.loads(r.stdout).get("rules") or []
        self.assertTrue(self.until(lambda: rule in rules_of("view") and rule in rules_of("admin")),
                        rules_of("view"))

    def test_escalation(self):
        ns = "authz-esc"
        self.apply_as_admin(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "rbac-writer", "namespace": ns},
             "rules": [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings"],
                        "verbs": ["create", "get", "update"]},
                       {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "bob-writes", "namespace": ns},
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "rbac-writer"},
             "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "team-b"}]})
        path = "/apis/rbac.authorization.k8s.io/v1/namespaces/%s/roles" % ns

        def bob(body, path=path):
            status, _, data = self.server.request("POST", path, body=json.dumps(body), cert="bob",
                                                  headers={"Content-Type": "application/json"})
            return status, json.loads(data)
        self.assertTrue(self.until(lambda: bob({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                                                 "metadata": {"name": "held"},
                                                 "rules": [{"apiGroups": [""], "resources": ["pods"],
                                                            "verbs": ["get"]}]})[0] == 201))
        status, body = bob({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "more"},
                            "rules": [{"apiGroups": [""], "resources": ["pods", "secrets"],
                                       "verbs": ["get", "delete"]}]})
        self.assertEqual((status, body), (403, forbidden(
            'roles.rbac.authorization.k8s.io "more" is forbidden: user "bob" (groups=["team-b" '
            '"system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
            '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n'
            '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
            {"name": "more", "group": "rbac.authorization.k8s.io", "kind": "roles"})))
        binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "b"},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"},
                   "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "x"}]}
        status, body = bob(binding, path.replace("/roles", "/rolebindings"))
        self.assertEqual(status, 403)
        self.assertTrue(body["message"].startswith(
            'rolebindings.rbac.authorization.k8s.io "b" is forbidden: user "bob" (groups=["team-b" '
            '"system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'), body)
        binding["roleRef"] = {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "missing"}
        status, body = bob(binding, path.replace("/roles", "/rolebindings"))
        self.assertEqual((status, body["message"]), (404, 'roles.rbac.authorization.k8s.io "missing" not found'))
        binding["roleRef"]["name"] = "held"
        self.assertEqual(bob(binding, path.replace("/roles", "/rolebindings"))[0], 201)


if __name__ == "__main__":
    unittest.main()
