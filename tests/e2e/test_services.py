"""Services get their cluster IPs and node ports as kube-apiserver v1.32
allocates them: from --service-cluster-ip-range (10.0.0.0/24 by default) and
--service-node-port-range, random ones from the upper (dynamic) part of the
range, requested ones checked against the range and against every other
Service, with upstream's 422s; headless and ExternalName Services get none;
type changes allocate and free; deletes free. 50 creates at once through two
workers get 50 different addresses, and a full range answers upstream's 500.
The Service "kubernetes" in "default" has the first address of the range and
Endpoints listing every running API server."""
import ipaddress
import json
import os
import subprocess
import threading
import time
import unittest

from harness import DSN, TMP, Server, ServerTest, kubeconfig

NS = "svc-e2e"


def service(name, type_="ClusterIP", ports=({"port": 80},), **spec):
    body = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": dict(spec, type=type_, ports=[dict(p) for p in ports])}
    if "selector" not in spec:
        body["spec"]["selector"] = {"app": name}
    return body


def psql(sql, dsn=DSN):
    return subprocess.run(["psql", dsn, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def held(namespace, name, dsn=DSN):
    """What pgkube.service_allocations says a Service holds."""
    return psql("SELECT coalesce(string_agg(kind || ' ' || value, ',' ORDER BY kind, value), '')"
                " FROM pgkube.service_allocations WHERE namespace = '%s' AND name = '%s'" % (namespace, name), dsn)


def fresh_database(name):
    psql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
    psql("CREATE DATABASE %s" % name)
    return DSN + " dbname=" + name


def invalid(name, field, value, detail):
    """The 422 Status of errors.NewInvalid(Kind("Service"), name, one cause)."""
    cause = "Invalid value: %s: %s" % (value, detail)
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": 'Service "%s" is invalid: %s: %s' % (name, field, cause), "reason": "Invalid",
            "details": {"name": name, "kind": "Service",
                        "causes": [{"reason": "FieldValueInvalid", "message": cause, "field": field}]},
            "code": 422}


class Api:
    """JSON calls on a server."""

    def call(self, method, path, body=None, content_type="application/json", server=None):
        headers = {"Content-Type": content_type} if body is not None else {}
        data = json.dumps(body) if body is not None else None
        status, _, out = (server or self.server).request(method, path, body=data, headers=headers)
        return status, json.loads(out) if out else None

    def create(self, body, ns=NS, query=""):
        return self.call("POST", "/api/v1/namespaces/%s/services%s" % (ns, query), body)

    def get(self, name, ns=NS, resource="services", group="/api/v1"):
        status, obj = self.call("GET", "%s/namespaces/%s/%s/%s" % (group, ns, resource, name))
        self.assertEqual(status, 200, obj)
        return obj

    def patch(self, name, patch, ns=NS):
        return self.call("PATCH", "/api/v1/namespaces/%s/services/%s" % (ns, name), patch,
                         "application/merge-patch+json")

    def delete(self, name, ns=NS):
        status, obj = self.call("DELETE", "/api/v1/namespaces/%s/services/%s" % (ns, name))
        self.assertEqual(status, 200, obj)


class FreshServerTest(ServerTest):
    """One server for the class, on a database of its own: what the
    Services of other suites hold, and the range the "kubernetes" Service
    was made in, do not matter."""
    database = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(cls.__name__, cls.server_args, workers=cls.workers,
                            dsn=fresh_database(cls.database)).start()


class ServicesTest(Api, FreshServerTest):
    database = "e2e_services"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dsn = DSN + " dbname=" + cls.database
        cls.cfg = kubeconfig(cls.server, os.path.join(TMP, "services.kubeconfig"))
        status, _, out = cls.server.request("POST", "/api/v1/namespaces", body=json.dumps(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}}),
            headers={"Content-Type": "application/json"})
        assert status == 201, out

    def held(self, name, ns=NS):
        return held(ns, name, self.dsn)

    def kubectl(self, *args, ns=NS):
        return subprocess.run(["kubectl", "--kubeconfig", self.cfg, "--cache-dir", os.path.join(TMP, "kcache-svc"),
                               "-n", ns] + list(args), capture_output=True, text=True, timeout=60)

    def ok(self, *args, ns=NS):
        r = self.kubectl(*args, ns=ns)
        self.assertEqual(r.returncode, 0, "kubectl %s: %s" % (" ".join(args), r.stderr))
        return r.stdout

    def assertDynamicIP(self, ip):
        # 10.0.0.0/24: 10.0.0.1-16 is the static block, random picks come from above
        self.assertIn(ipaddress.ip_address(ip), ipaddress.ip_network("10.0.0.0/24"))
        self.assertGreaterEqual(int(ip.split(".")[3]), 17, ip)
        self.assertLessEqual(int(ip.split(".")[3]), 254, ip)

    def assertDynamicPort(self, port):
        # 30000-32767: ports below 30086 are the static block
        self.assertTrue(30086 <= port <= 32767, port)

    def test_kubectl_create_gets_a_cluster_ip(self):
        self.ok("create", "service", "clusterip", "web", "--tcp=80:8080")
        svc = json.loads(self.ok("get", "svc", "web", "-o", "json"))
        ip = svc["spec"]["clusterIP"]
        self.assertDynamicIP(ip)
        self.assertEqual((svc["spec"]["clusterIPs"], svc["spec"]["ipFamilies"], svc["spec"]["ipFamilyPolicy"]),
                         ([ip], ["IPv4"], "SingleStack"))
        self.assertNotIn("nodePort", svc["spec"]["ports"][0])
        rows = [line.split() for line in self.ok("get", "svc", "web").splitlines()]
        self.assertEqual(rows[0], ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"])
        self.assertEqual(rows[1][:5], ["web", "ClusterIP", ip, "<none>", "80/TCP"])
        self.assertEqual(self.held("web"), "ip " + ip)

    def test_a_requested_ip_is_held_once(self):
        status, first = self.create(service("first", clusterIP="10.0.0.11"))
        self.assertEqual((status, first["spec"]["clusterIPs"]), (201, ["10.0.0.11"]))
        status, err = self.create(service("second", clusterIP="10.0.0.11"))
        self.assertEqual((status, err), (422, invalid("second", "spec.clusterIPs", '[]string{"10.0.0.11"}',
                                                     "failed to allocate IP 10.0.0.11: provided IP is already allocated")))
        r = self.kubectl("create", "service", "clusterip", "third", "--tcp=80", "--clusterip=10.0.0.11")
        self.assertEqual(r.stderr, 'error: failed to create ClusterIP service: Service "third" is invalid: '
                                   'spec.clusterIPs: Invalid value: []string{"10.0.0.11"}: failed to allocate IP '
                                   '10.0.0.11: provided IP is already allocated\n')
        status, err = self.create(service("fourth", clusterIP="10.9.9.9", clusterIPs=["10.9.9.9"]))
        self.assertEqual((status, err), (422, invalid(
            "fourth", "spec.clusterIPs", '[]string{"10.9.9.9"}',
            "failed to allocate IP 10.9.9.9: the provided IP (10.9.9.9) is not in the valid range. "
            "The range of valid IPs is 10.0.0.0/24")))
        self.assertEqual(self.call("GET", "/api/v1/namespaces/%s/services/second" % NS)[0], 404)
        # deleted, it is free again
        self.delete("first")
        self.assertEqual(self.held("first"), "")
        status, third = self.create(service("third", clusterIP="10.0.0.11"))
        self.assertEqual((status, third["spec"]["clusterIP"]), (201, "10.0.0.11"))
        self.assertEqual(self.held("third"), "ip 10.0.0.11")

    def test_node_ports(self):
        self.ok("create", "service", "nodeport", "np", "--tcp=80:8080")
        svc = self.get("np")
        port = svc["spec"]["ports"][0]["nodePort"]
        self.assertDynamicPort(port)
        self.assertDynamicIP(svc["spec"]["clusterIP"])
        self.assertEqual(svc["spec"]["externalTrafficPolicy"], "Cluster")
        self.assertEqual(self.held("np"), "ip %s,nodeport %d" % (svc["spec"]["clusterIP"], port))
        rows = [line.split() for line in self.ok("get", "svc", "np", "--no-headers").splitlines()]
        self.assertEqual(rows[0][:5], ["np", "NodePort", svc["spec"]["clusterIP"], "<none>", "80:%d/TCP" % port])
        # asked for, held once, in range
        status, a = self.create(service("np-a", "NodePort", [{"port": 80, "nodePort": 30031}]))
        self.assertEqual((status, a["spec"]["ports"][0]["nodePort"]), (201, 30031))
        status, err = self.create(service("np-b", "NodePort", [{"port": 80, "nodePort": 30031}]))
        self.assertEqual((status, err), (422, invalid("np-b", "spec.ports[0].nodePort", "30031",
                                                     "provided port is already allocated")))
        status, err = self.create(service("np-c", "NodePort", [{"port": 81, "nodePort": 80}]))
        self.assertEqual((status, err), (422, invalid(
            "np-c", "spec.ports[0].nodePort", "80",
            "provided port is not in the valid range. The range of valid ports is 30000-32767")))
        r = self.kubectl("create", "service", "nodeport", "np-d", "--tcp=80", "--node-port=30031")
        self.assertIn('Service "np-d" is invalid: spec.ports[0].nodePort: Invalid value: 30031: provided port is '
                      'already allocated', r.stderr)
        # TCP and UDP of one port number share a node port
        status, dns = self.create(service("dns", "NodePort", [{"name": "tcp", "port": 53, "protocol": "TCP"},
                                                             {"name": "udp", "port": 53, "protocol": "UDP"}]))
        self.assertEqual(status, 201, dns)
        ports = [p["nodePort"] for p in dns["spec"]["ports"]]
        self.assertEqual(ports[0], ports[1])
        self.assertEqual(self.held("dns"), "ip %s,nodeport %d" % (dns["spec"]["clusterIP"], ports[0]))

    def test_load_balancers(self):
        status, lb = self.create(service("lb", "LoadBalancer", externalTrafficPolicy="Local"))
        self.assertEqual(status, 201, lb)
        hc, np = lb["spec"]["healthCheckNodePort"], lb["spec"]["ports"][0]["nodePort"]
        self.assertDynamicPort(hc)
        self.assertDynamicPort(np)
        self.assertNotEqual(hc, np)
        self.assertEqual(self.held("lb"), "ip %s,nodeport %d,nodeport %d" % ((lb["spec"]["clusterIP"],) + tuple(sorted([hc, np]))))
        # no node ports when told so, but a cluster IP
        status, lb2 = self.create(service("lb-no-np", "LoadBalancer", allocateLoadBalancerNodePorts=False))
        self.assertEqual(status, 201, lb2)
        self.assertNotIn("nodePort", lb2["spec"]["ports"][0])
        self.assertNotIn("healthCheckNodePort", lb2["spec"])
        self.assertEqual(self.held("lb-no-np"), "ip " + lb2["spec"]["clusterIP"])

    def test_headless_and_external_name_get_no_ip(self):
        self.ok("create", "service", "clusterip", "headless", "--clusterip=None")
        spec = self.get("headless")["spec"]
        self.assertEqual((spec["clusterIP"], spec["clusterIPs"], spec["ipFamilies"], spec["ipFamilyPolicy"]),
                         ("None", ["None"], ["IPv4"], "SingleStack"))
        rows = [line.split() for line in self.ok("get", "svc", "headless", "--no-headers").splitlines()]
        self.assertEqual(rows[0][:5], ["headless", "ClusterIP", "None", "<none>", "<none>"])
        # headless without a selector: dual-stack, even on a single-stack cluster
        body = service("selectorless", clusterIP="None", selector={})
        del body["spec"]["selector"]
        status, sl = self.create(body)
        self.assertEqual((status, sl["spec"]["ipFamilies"], sl["spec"]["ipFamilyPolicy"]),
                         (201, ["IPv4", "IPv6"], "RequireDualStack"))
        self.ok("create", "service", "externalname", "ext", "--external-name=example.com")
        spec = self.get("ext")["spec"]
        for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"):
            self.assertNotIn(field, spec)
        self.assertEqual((self.held("headless"), self.held("selectorless"), self.held("ext")), ("", "", ""))
        # what a single-stack cluster cannot give
        status, err = self.create(service("dual", ipFamilyPolicy="RequireDualStack"))
        self.assertEqual((status, err), (422, invalid("dual", "spec.ipFamilyPolicy", '"RequireDualStack"',
                                                     "this cluster is not configured for dual-stack services")))
        status, err = self.create(service("v6", ipFamilies=["IPv6"]))
        self.assertEqual((status, err), (422, invalid("v6", "spec.ipFamilies[0]", '"IPv6"',
                                                     "not configured on this cluster")))

    def test_type_changes(self):
        status, svc = self.create(service("tc", ports=[{"name": "http", "port": 80}]))
        self.assertEqual(status, 201, svc)
        ip = svc["spec"]["clusterIP"]
        # ClusterIP -> NodePort allocates a node port, keeps the IP
        status, svc = self.patch("tc", {"spec": {"type": "NodePort"}})
        self.assertEqual(status, 200, svc)
        port = svc["spec"]["ports"][0]["nodePort"]
        self.assertDynamicPort(port)
        self.assertEqual(svc["spec"]["clusterIP"], ip)
        self.assertEqual(self.held("tc"), "ip %s,nodeport %d" % (ip, port))
        # a PUT that leaves out what was allocated keeps it
        put = service("tc", "NodePort", [{"name": "http", "port": 80}])
        put["metadata"]["resourceVersion"] = svc["metadata"]["resourceVersion"]
        status, svc = self.call("PUT", "/api/v1/namespaces/%s/services/tc" % NS, put)
        self.assertEqual((status, svc["spec"]["clusterIP"], svc["spec"]["ports"][0]["nodePort"]), (200, ip, port))
        # NodePort -> ClusterIP frees the node port, which another Service can then ask for
        status, svc = self.patch("tc", {"spec": {"type": "ClusterIP"}})
        self.assertEqual(status, 200, svc)
        self.assertNotIn("nodePort", svc["spec"]["ports"][0])
        self.assertNotIn("externalTrafficPolicy", svc["spec"])
        self.assertEqual(self.held("tc"), "ip " + ip)
        status, other = self.create(service("tc-port", "NodePort", [{"port": 80, "nodePort": port}]))
        self.assertEqual(status, 201, other)
        # the cluster IP cannot change
        status, err = self.patch("tc", {"spec": {"clusterIP": "10.0.0.12"}})
        self.assertEqual((status, err), (422, invalid("tc", "spec.clusterIPs[0]", '[]string{"10.0.0.12"}',
                                                     "may not change once set")))
        # -> ExternalName frees the IP and its family fields; back, a new IP
        status, svc = self.patch("tc", {"spec": {"type": "ExternalName", "externalName": "example.com"}})
        self.assertEqual(status, 200, svc)
        for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            self.assertNotIn(field, svc["spec"])
        self.assertEqual(self.held("tc"), "")
        status, svc = self.patch("tc", {"spec": {"type": "ClusterIP", "externalName": None}})
        self.assertEqual(status, 200, svc)
        self.assertDynamicIP(svc["spec"]["clusterIP"])
        self.assertEqual(self.held("tc"), "ip " + svc["spec"]["clusterIP"])

    def test_dry_run_allocates_nothing(self):
        # upstream's dry-run allocators: the network address, node ports from 32769
        status, svc = self.create(service("dry", "NodePort", [{"name": "a", "port": 80}, {"name": "b", "port": 81}]),
                                  query="?dryRun=All")
        self.assertEqual(status, 201, svc)
        self.assertEqual((svc["spec"]["clusterIP"], svc["spec"]["clusterIPs"]), ("10.0.0.0", ["10.0.0.0"]))
        self.assertEqual([p["nodePort"] for p in svc["spec"]["ports"]], [32769, 32770])
        self.assertEqual(self.call("GET", "/api/v1/namespaces/%s/services/dry" % NS)[0], 404)
        self.assertEqual(self.held("dry"), "")
        # a requested node port is checked against those held, not against the range
        status, _ = self.create(service("dry-held", "NodePort", [{"port": 80, "nodePort": 30041}]))
        self.assertEqual(status, 201)
        status, err = self.create(service("dry2", "NodePort", [{"port": 80, "nodePort": 30041}]), query="?dryRun=All")
        self.assertEqual((status, err), (422, invalid("dry2", "spec.ports[0].nodePort", "30041",
                                                     "provided port is already allocated")))
        status, svc = self.create(service("dry3", "NodePort", [{"port": 80, "nodePort": 80}]), query="?dryRun=All")
        self.assertEqual((status, svc["spec"]["ports"][0]["nodePort"]), (201, 80))

    def test_kubectl_get_the_kubernetes_service(self):
        rows = [line.split() for line in self.ok("get", "svc", "kubernetes", ns="default").splitlines()]
        self.assertEqual(rows[1][:5], ["kubernetes", "ClusterIP", "10.0.0.1", "<none>", "443/TCP"])
        svc = self.get("kubernetes", ns="default")
        self.assertEqual(svc["metadata"]["labels"], {"component": "apiserver", "provider": "kubernetes"})
        self.assertEqual([(p["name"], p["port"], p["protocol"]) for p in svc["spec"]["ports"]], [("https", 443, "TCP")])
        self.assertEqual(self.held("kubernetes", ns="default"), "ip 10.0.0.1")
        eps = self.get("kubernetes", ns="default", resource="endpoints")
        self.assertEqual(len(eps["subsets"]), 1)
        self.assertEqual(eps["metadata"]["labels"], {"endpointslice.kubernetes.io/skip-mirror": "true"})
        status, err = self.create(service("squatter", clusterIP="10.0.0.1"))
        self.assertEqual((status, err["message"]), (422, 'Service "squatter" is invalid: spec.clusterIPs: Invalid value: '
                                                          '[]string{"10.0.0.1"}: failed to allocate IP 10.0.0.1: '
                                                          'provided IP is already allocated'))


class ConcurrentCreatesTest(Api, FreshServerTest):
    """A /26: 62 addresses, 46 of them in the dynamic block, 10.2.0.1 the
    kubernetes Service's."""
    database = "e2e_services_burst"
    server_args = ("--service-cluster-ip-range=10.2.0.0/26",)
    workers = 2
    ns = "svc-burst"

    def test_fifty_creates_at_once_get_fifty_addresses(self):
        status, _ = self.call("POST", "/api/v1/namespaces",
                              {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.ns}})
        self.assertEqual(status, 201)
        results = {}

        def create(i):
            results[i] = self.create(service("burst-%02d" % i), ns=self.ns)

        threads = [threading.Thread(target=create, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(status for status, _ in results.values()), [201] * 50,
                         [obj for status, obj in results.values() if status != 201][:3])
        ips = {obj["spec"]["clusterIP"] for _, obj in results.values()}
        self.assertEqual(len(ips), 50)
        network = ipaddress.ip_network("10.2.0.0/26")
        for ip in ips:
            self.assertIn(ipaddress.ip_address(ip), network)
            self.assertNotIn(ip, ("10.2.0.0", "10.2.0.63"))
        dsn = DSN + " dbname=" + self.database
        self.assertEqual(psql("SELECT count(*) FROM pgkube.service_allocations WHERE namespace = '%s'" % self.ns,
                              dsn), "50")
        self.assertNotIn("10.2.0.1", ips)
        # the rest of the range, then upstream's answer to a full one
        for i in range(50, 61):
            status, obj = self.create(service("burst-%02d" % i), ns=self.ns)
            self.assertEqual(status, 201, obj)
        status, err = self.create(service("burst-full"), ns=self.ns)
        self.assertEqual((status, err), (500, {
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Internal error occurred: failed to allocate a serviceIP: range is full",
            "reason": "InternalError",
            "details": {"causes": [{"message": "failed to allocate a serviceIP: range is full"}]}, "code": 500}))
        status, _ = self.call("DELETE", "/api/v1/namespaces/%s" % self.ns)
        self.assertEqual(status, 200)


class KubernetesServiceTest(Api, unittest.TestCase):
    """Two instances on a fresh database: the Service once, both addresses
    in the Endpoints and EndpointSlice while both run."""

    def endpoints(self):
        eps = self.get("kubernetes", ns="default", resource="endpoints")
        eps_slice = self.get("kubernetes", ns="default", resource="endpointslices", group="/apis/discovery.k8s.io/v1")
        return eps, eps_slice

    def test_service_and_endpoints_of_two_instances(self):
        dsn = fresh_database("e2e_kubernetes_service")
        range_flag = "--service-cluster-ip-range=10.3.0.0/16"
        a = Server("kubesvc-a", [range_flag, "--advertise-address=127.0.0.2"], dsn=dsn, workers=1).start()
        b = None
        try:
            self.server = a
            svc = self.get("kubernetes", ns="default")
            meta = svc.pop("metadata")
            self.assertEqual((meta["name"], meta["namespace"], meta["labels"]),
                             ("kubernetes", "default", {"component": "apiserver", "provider": "kubernetes"}))
            self.assertEqual(svc, {
                "kind": "Service", "apiVersion": "v1",
                "spec": {"ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": a.port}],
                         "clusterIP": "10.3.0.1", "clusterIPs": ["10.3.0.1"], "type": "ClusterIP",
                         "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                         "internalTrafficPolicy": "Cluster"},
                "status": {"loadBalancer": {}}})
            port = [{"name": "https", "port": a.port, "protocol": "TCP"}]
            eps, eps_slice = self.endpoints()
            self.assertEqual(eps["subsets"], [{"addresses": [{"ip": "127.0.0.2"}], "ports": port}])
            self.assertEqual((eps_slice["addressType"], eps_slice["endpoints"], eps_slice["ports"],
                              eps_slice["metadata"]["labels"], eps_slice["metadata"]["generation"]),
                             ("IPv4", [{"addresses": ["127.0.0.2"], "conditions": {"ready": True}}], port,
                              {"kubernetes.io/service-name": "kubernetes"}, 1))
            b = Server("kubesvc-b", [range_flag, "--advertise-address=127.0.0.3"], dsn=dsn, workers=1).start()
            eps, eps_slice = self.endpoints()
            self.assertEqual(eps["subsets"], [{"addresses": [{"ip": "127.0.0.2"}, {"ip": "127.0.0.3"}], "ports": port}])
            self.assertEqual((eps_slice["endpoints"], eps_slice["metadata"]["generation"]),
                             ([{"addresses": ["127.0.0.2"], "conditions": {"ready": True}},
                               {"addresses": ["127.0.0.3"], "conditions": {"ready": True}}], 2))
            self.assertEqual(psql("SELECT string_agg(address, ',' ORDER BY address) FROM pgkube.apiserver_leases",
                                  dsn), "127.0.0.2,127.0.0.3")
            self.assertEqual(psql("SELECT count(*) FROM pgkube.objects WHERE resource = 'services'", dsn), "1")
            # a server that stops takes its address out at once; like
            # upstream's RemoveEndpoints it also resets the port, to its own
            b_port = [{"name": "https", "port": b.port, "protocol": "TCP"}]
            self.assertEqual(b.stop(), 0)
            b = None
            eps, eps_slice = self.endpoints()
            self.assertEqual(eps["subsets"], [{"addresses": [{"ip": "127.0.0.2"}], "ports": b_port}])
            self.assertEqual((eps_slice["endpoints"], eps_slice["ports"]),
                             ([{"addresses": ["127.0.0.2"], "conditions": {"ready": True}}], b_port))
            # the last one leaves its address (upstream refuses to empty the list);
            # back, it writes nothing
            versions = [o["metadata"]["resourceVersion"] for o in self.endpoints()]
            self.assertEqual(a.stop(), 0)
            a = Server("kubesvc-a", [range_flag, "--advertise-address=127.0.0.2"], dsn=dsn, workers=1).start()
            self.server = a
            self.assertEqual([o["metadata"]["resourceVersion"] for o in self.endpoints()], versions)
            # a deleted Service comes back within a round (10 s)
            self.delete("kubernetes", ns="default")
            self.assertEqual(psql("SELECT count(*) FROM pgkube.service_allocations", dsn), "0")
            deadline = time.time() + 15
            while self.call("GET", "/api/v1/namespaces/default/services/kubernetes")[0] != 200:
                self.assertLess(time.time(), deadline, "the kubernetes Service did not come back")
                time.sleep(0.25)
            self.assertEqual(self.get("kubernetes", ns="default")["spec"]["clusterIP"], "10.3.0.1")
        finally:
            for server in (a, b):
                if server:
                    server.stop()

    def test_bad_flags_stop_the_server(self):
        for flags, message in (
                (["--service-cluster-ip-range=10.0.0.0/8"],
                 "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"),
                (["--service-cluster-ip-range=10.0.0.0/30"],
                 "the service cluster IP range must be at least 8 IP addresses"),
                (["--kubernetes-service-node-port=80"],
                 "kubernetes service node port range 30000-32767 doesn't contain 80"),
                (["--service-cluster-ip-range=fd00::/112", "--advertise-address=10.1.2.3"],
                 'service IP family "fd00::/112" must match public address family "10.1.2.3"')):
            server = Server("kubesvc-flags", flags, workers=1)
            r = subprocess.run(server.args, capture_output=True, text=True, timeout=60, env=server.env)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(message, r.stderr)


if __name__ == "__main__":
    unittest.main()
