#!/usr/bin/env bash
# tests/bench/api.sh URL PKI DSN OUT.json - the Kubernetes API under load,
# through TLS, with bin/pgkube-loadgen (keep-alive connections, one request
# in flight each): for ConfigMaps of about 1 KiB at 1, 16 and 64
# connections,
#   create   POST, a new name each request
#   get      GET of one object
#   update   PUT (unconditional), each request a different object
#   patch    PATCH merge-patch, each request a different object
#   spatch   PATCH strategic-merge-patch, each request a different object
#   delete   DELETE, each request a different object
# then GET of one object as three users at 1 and 16 connections (16 only
# with BENCH_QUICK): the admin certificate (system:masters, let through
# before any authorizer: the cost of AlwaysAllow), a certificate of a user
# whom RBAC allows through a RoleBinding, and a service-account token (a
# JWT, cached after its first check) allowed the same way: their latency
# over the admin's is what authentication and authorization add;
# then, at 16 connections, Pods of realistic size (about 3.5 KiB: create, whose
# status the server drops, and get of a pod with a kubelet's status), and lists of 100 and of 10,000 ConfigMaps as JSON and as a Table
# (what kubectl get asks for) next to pgbench running the SELECT a list
# makes, on the same PostgreSQL (the list's ratio is list/s over SELECT/s).
# update, patch, spatch and delete run as many requests as the create run at the
# same concurrency created (-n), so every request finds its object.
# BENCH_QUICK=1: 16 connections only, 1 s runs, 1,000 instead of 10,000.
# Prints a table; writes JSON to OUT.json.
set -euo pipefail
cd "$(dirname "$0")/../.."

if (($# != 4)); then
	echo "usage: $0 URL PKI DSN OUT.json" >&2
	exit 2
fi
url=$1 pki=$2 dsn=$3 out=$4
quick=${BENCH_QUICK:-0}
duration=${BENCH_API_SECONDS:-5}
concurrencies="1 16 64"
big=10000
if [ "$quick" = 1 ]; then
	duration=1
	concurrencies=16
	big=1000
fi
tmp=$(mktemp -d /tmp/pgkube-api.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
PGBENCH=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)

lg() { # loadgen args...: prints its JSON
	bin/pgkube-loadgen --json --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$@"
}
api() { # method path [body]
	curl -sS -o /dev/null -w '%{http_code}' --cacert "$pki/ca.crt" --cert "$pki/admin.crt" \
		--key "$pki/admin.key" -X "$1" -H 'Content-Type: application/json' \
		${3:+--data-binary "$3"} "$url$2"
}

api POST /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench-api"}}' >/dev/null
data=$(head -c 700 /dev/zero | tr '\0' 'x')
cm_body() { # name
	printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","labels":{"app":"bench"}},"data":{"payload":"%s","a":"1","b":"2"}}' "$1" "$data"
}
pod_body() { # name
	printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"bench","pod-template-hash":"5d8f7c9b6"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-28T10:00:00Z"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-5d8f7c9b6","uid":"0b6f2a4e-1f0c-4a55-9d39-0f2c6d9e8a11","controller":true,"blockOwnerDeletion":true}]},"spec":{"containers":[{"name":"web","image":"registry.example.com/team/web:1.27.3","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],"env":[{"name":"MODE","value":"production"},{"name":"POD_IP","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"status.podIP"}}}],"resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"cpu":"1","memory":"512Mi"}},"readinessProbe":{"httpGet":{"path":"/healthz","port":8080,"scheme":"HTTP"},"periodSeconds":5,"timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},"volumeMounts":[{"name":"config","mountPath":"/etc/web"},{"name":"kube-api-access","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount","readOnly":true}],"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"volumes":[{"name":"config","configMap":{"name":"web-config","defaultMode":420}},{"name":"kube-api-access","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}}],"defaultMode":420}}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","nodeName":"node-7","securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","lastTransitionTime":"2026-11-28T10:00:05Z"}],"hostIP":"10.0.0.7","podIP":"10.244.3.17","podIPs":[{"ip":"10.244.3.17"}],"startTime":"2026-11-28T10:00:01Z","containerStatuses":[{"name":"web","state":{"running":{"startedAt":"2026-11-28T10:00:03Z"}},"ready":true,"restartCount":0,"image":"registry.example.com/team/web:1.27.3","imageID":"registry.example.com/team/web@sha256:0f6c1a6a4e1b3c2d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d","containerID":"containerd://4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c","started":true}],"qosClass":"Burstable"}}' "$1"
}
ns=/api/v1/namespaces/bench-api
cm_body "get-me" >"$tmp/get.json"
api POST "$ns/configmaps" "$(cat "$tmp/get.json")" >/dev/null
pod_body "get-pod" >"$tmp/pod-get.json"
api POST "$ns/pods" "$(cat "$tmp/pod-get.json")" >/dev/null
# A create drops the status (every pod starts Pending): the one the gets read
# gets its running status the way a kubelet writes it.
api PUT "$ns/pods/get-pod/status" "$(cat "$tmp/pod-get.json")" >/dev/null

results="{}"
add() { # key json
	results=$(/usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r[sys.argv[2]]=json.loads(sys.argv[3]); print(json.dumps(r))' "$results" "$1" "$2")
}

for c in $concurrencies; do
	cm_body "c$c-{{n}}" >"$tmp/create.json"
	r=$(lg -c "$c" -d "$duration" -m POST -H 'Content-Type: application/json' -b "$tmp/create.json" \
		--body-template --expect 201 "$url$ns/configmaps")
	add "configmap_create_c$c" "$r"
	made=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ok"])' "$r")
	add "configmap_get_c$c" "$(lg -c "$c" -d "$duration" --expect 200 "$url$ns/configmaps/get-me")"
	cm_body "c$c-{{n}}" | sed 's/"a":"1"/"a":"updated"/' >"$tmp/update.json"
	add "configmap_update_c$c" "$(lg -c "$c" -n "$made" -m PUT -H 'Content-Type: application/json' \
		-b "$tmp/update.json" --body-template --expect 200 "$url$ns/configmaps/c$c-{{n}}")"
	add "configmap_patch_c$c" "$(lg -c "$c" -n "$made" -m PATCH -H 'Content-Type: application/merge-patch+json' \
		-B '{"data":{"b":"patched"}}' --body-template --expect 200 "$url$ns/configmaps/c$c-{{n}}")"
	add "configmap_spatch_c$c" "$(lg -c "$c" -n "$made" -m PATCH \
		-H 'Content-Type: application/strategic-merge-patch+json' \
		-B '{"data":{"a":"strategic"}}' --body-template --expect 200 "$url$ns/configmaps/c$c-{{n}}")"
	add "configmap_delete_c$c" "$(lg -c "$c" -n "$made" -m DELETE --body-template --expect 200 \
		"$url$ns/configmaps/c$c-{{n}}")"
done

pod_body "pod-{{n}}" >"$tmp/pod.json"
add "pod_create_c16" "$(lg -c 16 -d "$duration" -m POST -H 'Content-Type: application/json' -b "$tmp/pod.json" \
	--body-template --expect 201 "$url$ns/pods")"
add "pod_get_c16" "$(lg -c 16 -d "$duration" --expect 200 "$url$ns/pods/get-pod")"

# Authentication and authorization: the same GET as three users.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=bench-jane" \
	-keyout "$tmp/jane.key" -out "$tmp/jane.csr" 2>/dev/null
openssl x509 -req -in "$tmp/jane.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
	-days 1 -out "$tmp/jane.crt" 2>/dev/null
api POST "$ns/serviceaccounts" '{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"bench-robot"}}' >/dev/null
api POST /apis/rbac.authorization.k8s.io/v1/namespaces/bench-api/rolebindings \
	'{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"bench-view"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"bench-jane"},{"kind":"ServiceAccount","name":"bench-robot","namespace":"bench-api"}]}' >/dev/null
token=$(curl -sS --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" -X POST \
	-H 'Content-Type: application/json' \
	--data-binary '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}' \
	"$url$ns/serviceaccounts/bench-robot/token" |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["status"]["token"])')
auth_concurrencies="1 16"
auth_duration=$((duration < 3 ? duration : 3))
[ "$quick" = 1 ] && auth_concurrencies=16
for c in $auth_concurrencies; do
	add "auth_masters_c$c" "$(lg -c "$c" -d "$auth_duration" --expect 200 "$url$ns/configmaps/get-me")"
	add "auth_rbac_cert_c$c" "$(bin/pgkube-loadgen --json --cacert "$pki/ca.crt" --cert "$tmp/jane.crt" \
		--key "$tmp/jane.key" -c "$c" -d "$auth_duration" --expect 200 "$url$ns/configmaps/get-me")"
	add "auth_rbac_token_c$c" "$(bin/pgkube-loadgen --json --cacert "$pki/ca.crt" \
		-H "Authorization: Bearer $token" -c "$c" -d "$auth_duration" --expect 200 \
		"$url$ns/configmaps/get-me")"
done

# Lists: namespaces holding 100 and $big ConfigMaps, filled 64 at a time.
for n in 100 "$big"; do
	api POST /api/v1/namespaces "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench-list-$n\"}}" >/dev/null
	cm_body "l-{{n}}" >"$tmp/fill.json"
	lg -c 64 -n "$n" -m POST -H 'Content-Type: application/json' -b "$tmp/fill.json" --body-template \
		--expect 201 "$url/api/v1/namespaces/bench-list-$n/configmaps" >/dev/null
	c=4
	[ "$n" = 100 ] && c=16
	add "list${n}_json_c$c" "$(lg -c "$c" -d "$duration" --expect 200 "$url/api/v1/namespaces/bench-list-$n/configmaps")"
	add "list${n}_table_c$c" "$(lg -c "$c" -d "$duration" --expect 200 \
		-H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json' \
		"$url/api/v1/namespaces/bench-list-$n/configmaps")"
	# The SELECT such a list makes, straight against PostgreSQL.
	cat >"$tmp/select.sql" <<SQL
SELECT o.namespace, o.name, o.rv, o.object::text FROM pgkube.objects o
 WHERE o.api_group = '' AND o.resource = 'configmaps' AND o.namespace = 'bench-list-$n'
 ORDER BY o.namespace, o.name;
SQL
	tps=$("$PGBENCH" -n -c "$c" -j 2 -T "$duration" -f "$tmp/select.sql" "$dsn" 2>/dev/null |
		awk '/^tps/ {print $3}')
	add "list${n}_psql_c$c" "{\"tps\": $tps}"
done

/usr/bin/python3 - "$out" "$results" "$concurrencies" "$big" "$auth_concurrencies" <<'PY'
import json, sys
out, results, concs, big = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3].split(), sys.argv[4]
auth_concs = sys.argv[5].split()
json.dump(results, open(out, "w"), indent=2)

def row(label, r, ratio=""):
    lat = r["latency_us"]
    errors = r["requests"] - r["ok"]
    print("%-34s %9.0f %9.2f %9.2f %9.2f %7s %s" % (label, r["rps"], lat["p50"] / 1000, lat["p99"] / 1000,
                                                   lat["p999"] / 1000, errors, ratio))

print("%-34s %9s %9s %9s %9s %7s" % ("API over TLS (1 KiB ConfigMaps)", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors"))
for c in concs:
    for op in ("create", "get", "update", "patch", "spatch", "delete"):
        row("configmap %s, %s conns" % (op, c), results["configmap_%s_c%s" % (op, c)])
for c in auth_concs:
    base = results["auth_masters_c%s" % c]
    row("get as system:masters, %s conns" % c, base)
    for key, label in (("rbac_cert", "user cert, RBAC"), ("rbac_token", "SA token, RBAC")):
        r = results["auth_%s_c%s" % (key, c)]
        row("get as %s, %s conns" % (label, c), r,
            "p50 %.2f x, +%.0f us over system:masters" % (r["latency_us"]["p50"] / base["latency_us"]["p50"],
                                                       r["latency_us"]["p50"] - base["latency_us"]["p50"]))
row("pod create (3.5 KiB), 16 conns", results["pod_create_c16"])
row("pod get, 16 conns", results["pod_get_c16"])
for n, c in (("100", "16"), (big, "4")):
    psql = results["list%s_psql_c%s" % (n, c)]["tps"]
    for kind in ("json", "table"):
        r = results["list%s_%s_c%s" % (n, kind, c)]
        row("list %s (%s), %s conns" % (n, kind, c), r, "%.2f x psql SELECT (%.0f/s)" % (r["rps"] / psql, psql))
PY
