#!/usr/bin/env bash
# make bench: pgkube against baselines measured in the same run.
#
# Now: /healthz over TLS keep-alive vs nginx serving a static 1 KiB file
# over TLS (the HTTP/TLS limit of this machine), both with the same number
# of worker processes and the same certificate, driven by wrk and by our
# own load generator; and the idle memory (RSS) of master and workers.
# Then the API under load (tests/bench/api.sh), watch latency and the memory
# of open watches (tests/bench/watch.py), the object store vs pgbench
# (tests/bench/store.sh), and etcd through its HTTP/JSON gateway beside both,
# its watch latency included (tests/bench/etcd.sh).
# BENCH_QUICK=1 shortens every run (a smoke test the test suite can call).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
quick=${BENCH_QUICK:-0}
duration=10
[ "$quick" = 1 ] && duration=2
workers=${BENCH_WORKERS:-$(nproc)}
conns=${BENCH_CONNECTIONS:-64}
tmp=$(mktemp -d /tmp/pgkube-bench.XXXXXX)
chmod 755 "$tmp"
results=${BENCH_RESULTS:-$root/bench/results.json}
mkdir -p "$(dirname "$results")"

for tool in wrk nginx; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (PGKUBE_DEPS_EXTRA='wrk nginx-light' deploy/install-deps.sh)" >&2; exit 1; }
done

server_pid=
server2_pid=
nginx_conf=$tmp/nginx.conf
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	[ -n "$server2_pid" ] && kill "$server2_pid" 2>/dev/null && wait "$server2_pid" 2>/dev/null
	[ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null
	deploy/dev-postgres.sh "$tmp/pg" stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

deploy/dev-postgres.sh "$tmp/pg" start >/dev/null
deploy/dev-pki.sh "$tmp/pki" >/dev/null
dsn=$(deploy/dev-postgres.sh "$tmp/pg" dsn)
port=$((20000 + RANDOM % 20000))
nginx_port=$((port + 1))

# Configured as deployed (make run, kubeadm): RBAC and Node authorization,
# service-account tokens. The admin certificate is in system:masters, which
# every authorization mode lets through first.
bin/pgkube-apiserver --bind-address=127.0.0.1 --secure-port="$port" \
	--tls-cert-file="$tmp/pki/server.crt" --tls-private-key-file="$tmp/pki/server.key" \
	--client-ca-file="$tmp/pki/ca.crt" --storage-dsn="$dsn" --workers="$workers" \
	--authorization-mode=Node,RBAC --service-account-key-file="$tmp/pki/sa.pub" \
	--service-account-signing-key-file="$tmp/pki/sa.key" \
	--service-account-issuer=https://kubernetes.default.svc.cluster.local 2>"$tmp/server.log" &
server_pid=$!

head -c 1024 /dev/urandom | base64 -w0 | head -c 1024 >"$tmp/static.txt"
cat >"$nginx_conf" <<NGINX
worker_processes $workers;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $tmp/nginx-body;
	proxy_temp_path $tmp/nginx-proxy;
	fastcgi_temp_path $tmp/nginx-fcgi;
	uwsgi_temp_path $tmp/nginx-uwsgi;
	scgi_temp_path $tmp/nginx-scgi;
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$nginx_port ssl;
		ssl_certificate $tmp/pki/server.crt;
		ssl_certificate_key $tmp/pki/server.key;
		location / { root $tmp; }
	}
}
NGINX
nginx -c "$nginx_conf" -p "$tmp" -g 'daemon on;'

for _ in $(seq 100); do
	curl -sf --cacert "$tmp/pki/ca.crt" "https://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
master_rss=$(rss_kib "$server_pid")
worker_rss=()
for pid in $(pgrep -P "$server_pid"); do worker_rss+=("$(rss_kib "$pid")"); done

wrk_rps() { # url
	wrk -t2 -c"$conns" -d"${duration}s" "$1" | awk '/^Requests\/sec:/ {print $2}'
}
loadgen_json() { # url
	bin/pgkube-loadgen -c "$conns" -d "$duration" --json --cacert "$tmp/pki/ca.crt" \
		--cert "$tmp/pki/admin.crt" --key "$tmp/pki/admin.key" "$1"
}

pg_healthz_wrk=$(wrk_rps "https://127.0.0.1:$port/healthz")
nginx_wrk=$(wrk_rps "https://127.0.0.1:$nginx_port/static.txt")
pg_healthz_lg=$(loadgen_json "https://127.0.0.1:$port/healthz")
nginx_lg=$(loadgen_json "https://127.0.0.1:$nginx_port/static.txt")

/usr/bin/python3 - "$results" "$pg_healthz_wrk" "$nginx_wrk" "$pg_healthz_lg" "$nginx_lg" \
	"$master_rss" "${worker_rss[*]}" "$workers" "$conns" "$duration" <<'PY'
import json, sys
out, pw, nw, plg, nlg, mrss, wrss, workers, conns, duration = sys.argv[1:]
plg, nlg = json.loads(plg), json.loads(nlg)
res = {
    "workers": int(workers), "connections": int(conns), "duration_s": float(duration),
    "idle_rss_kib": {"master": int(mrss), "workers": [int(x) for x in wrss.split()]},
    "healthz_tls": {
        "wrk": {"pgkube_rps": float(pw), "nginx_rps": float(nw), "ratio": float(pw) / float(nw)},
        "loadgen": {"pgkube": plg, "nginx": nlg, "ratio": plg["rps"] / nlg["rps"]},
    },
}
json.dump(res, open(out, "w"), indent=2)
print("%-44s %12s %12s %8s" % ("TLS keep-alive, %s conns, %s workers" % (conns, workers), "pgkube", "nginx", "ratio"))
print("%-44s %12.0f %12.0f %8.2f" % ("/healthz vs static 1 KiB, wrk req/s", float(pw), float(nw), float(pw) / float(nw)))
print("%-44s %12.0f %12.0f %8.2f" % ("same, pgkube-loadgen req/s", plg["rps"], nlg["rps"], plg["rps"] / nlg["rps"]))
print("%-44s %12d %12d" % ("p99 latency (us), pgkube-loadgen", plg["latency_us"]["p99"], nlg["latency_us"]["p99"]))
print("idle RSS: master %s KiB, workers %s KiB" % (mrss, ", ".join(wrss.split())))
print("results: " + out)
PY

# Watch latency from commit to event at 1, 100 and 1,000 watchers on this
# instance and through a second instance on the same database, with the
# memory the open watches cost (tests/bench/watch.py), then the API under
# load (tests/bench/api.sh); etcd's watch latency comes with etcd.sh below.
watchers=1,100,1000
watch_writes=50
if [ "$quick" = 1 ]; then
	watchers=1,100
	watch_writes=10
fi
port2=$((port + 2))
bin/pgkube-apiserver --bind-address=127.0.0.1 --secure-port="$port2" \
	--tls-cert-file="$tmp/pki/server.crt" --tls-private-key-file="$tmp/pki/server.key" \
	--client-ca-file="$tmp/pki/ca.crt" --storage-dsn="$dsn" --workers=1 2>"$tmp/server2.log" &
server2_pid=$!
for _ in $(seq 100); do
	curl -sf --cacert "$tmp/pki/ca.crt" "https://127.0.0.1:$port2/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -sf --cacert "$tmp/pki/ca.crt" --cert "$tmp/pki/admin.crt" --key "$tmp/pki/admin.key" \
	-H 'Content-Type: application/json' -o /dev/null \
	-d '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench-watch"}}' \
	"https://127.0.0.1:$port/api/v1/namespaces"
/usr/bin/python3 tests/bench/watch.py pgkube "https://127.0.0.1:$port" --pki "$tmp/pki" \
	--watchers "$watchers" --writes "$watch_writes" \
	--rss-pids "$(pgrep -P "$server_pid" | paste -sd,)" --out "$tmp/watch.json"
# 10,000 open watches, for their memory: the Python client cannot read
# 10,000 streams as fast as they are written, so their latency is its own.
echo "[]" >"$tmp/watch10k.json"
if [ "$quick" != 1 ]; then
	/usr/bin/python3 tests/bench/watch.py pgkube "https://127.0.0.1:$port" --pki "$tmp/pki" \
		--watchers 10000 --writes 2 \
		--rss-pids "$(pgrep -P "$server_pid" | paste -sd,)" --out "$tmp/watch10k.json"
fi
/usr/bin/python3 tests/bench/watch.py pgkube "https://127.0.0.1:$port" "https://127.0.0.1:$port2" \
	--pki "$tmp/pki" --watchers "$watchers" --writes "$watch_writes" --out "$tmp/watch2.json"
kill "$server2_pid" 2>/dev/null && wait "$server2_pid" 2>/dev/null || true
# After the watches: the memory they cost is read on workers that have not
# yet served the API load (glibc keeps freed memory for reuse).
tests/bench/api.sh "https://127.0.0.1:$port" "$tmp/pki" "$dsn" "$tmp/api.json"
# Get, list and memory as the store grows to 10,000 and 100,000 objects.
tests/bench/scale.sh "https://127.0.0.1:$port" "$tmp/pki" "$dsn" "$server_pid" "$tmp/scale.json"
/usr/bin/python3 - "$results" "$tmp/api.json" "$tmp/watch.json" "$tmp/watch2.json" "$tmp/scale.json" \
	"$tmp/watch10k.json" <<'PY'
import json, sys
out, api, w1, w2, scale, w10k = sys.argv[1:]
res = json.load(open(out))
res["api"] = json.load(open(api))
res["scale"] = json.load(open(scale))
res["watch"] = {"same_instance": json.load(open(w1)), "second_instance": json.load(open(w2)),
                "memory_10000": json.load(open(w10k))}
for r in res["watch"]["memory_10000"]:
    print("10,000 open watches: workers' RSS %d KiB before, %d KiB with them: %.1f KiB per watch" % (
        r["rss_kib_before"], r["rss_kib_with_watches"], r["rss_kib_per_watch"]))
json.dump(res, open(out, "w"), indent=2)
PY

# The protobuf codec next to the JSON path (jansson), on the same objects.
codec_seconds=0.5
[ "$quick" = 1 ] && codec_seconds=0.1
bin/pgkube-codecbench --seconds "$codec_seconds" --json "$tmp/codec.json"
/usr/bin/python3 - "$results" "$tmp/codec.json" <<'PY'
import json, sys
out, codec = sys.argv[1], json.load(open(sys.argv[2]))
res = json.load(open(out))
res["codec"] = codec
json.dump(res, open(out, "w"), indent=2)
PY

# The RBAC evaluator in memory: decisions per second with 10,000
# RoleBindings, allowed and denied.
authz_seconds=0.5
[ "$quick" = 1 ] && authz_seconds=0.1
bin/pgkube-authzbench --seconds "$authz_seconds" --json "$tmp/authz.json"
/usr/bin/python3 - "$results" "$tmp/authz.json" <<'PY'
import json, sys
out, authz = sys.argv[1], json.load(open(sys.argv[2]))
res = json.load(open(out))
res["authz"] = authz
json.dump(res, open(out, "w"), indent=2)
PY

# The Node authorizer in memory: its graph's heap for 10,000 pods and a
# kubelet's decisions per second against it.
bin/pgkube-nodebench --seconds "$authz_seconds" --json "$tmp/node-authz.json"
/usr/bin/python3 - "$results" "$tmp/node-authz.json" <<'PY'
import json, sys
out, node = sys.argv[1], json.load(open(sys.argv[2]))
res = json.load(open(out))
res["node_authz"] = node
json.dump(res, open(out, "w"), indent=2)
PY

# The object store straight against PostgreSQL, next to pgbench doing the
# equivalent raw work (tests/bench/store.sh): on the same PostgreSQL, with
# pgkube and nginx stopped first so that they take no CPU from it. Its
# table is printed and its JSON merged into the results under "store".
if kill "$server_pid" 2>/dev/null; then
	wait "$server_pid" 2>/dev/null || true
fi
server_pid=
kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
tests/bench/store.sh "$dsn" "$tmp/store.json"
/usr/bin/python3 - "$results" "$tmp/store.json" <<'PY'
import json, sys
out, store = sys.argv[1:]
res = json.load(open(out))
res["store"] = json.load(open(store))
json.dump(res, open(out, "w"), indent=2)
PY

# etcd, the store kube-apiserver normally runs on, for the same operations
# (tests/bench/etcd.sh), with PostgreSQL stopped first so that it takes no
# CPU from etcd; merged under "etcd".
deploy/dev-postgres.sh "$tmp/pg" stop >/dev/null
BENCH_ETCD_WATCH_OUT="$tmp/etcd-watch.json" BENCH_WATCHERS="$watchers" BENCH_WATCH_WRITES="$watch_writes" \
	tests/bench/etcd.sh "$tmp/etcd.json" "$tmp/store.json"
/usr/bin/python3 - "$results" "$tmp/etcd.json" "$tmp/etcd-watch.json" <<'PY'
import json, sys
out, etcd, etcd_watch = sys.argv[1:]
res = json.load(open(out))
res["etcd"] = json.load(open(etcd))
res["watch"]["etcd"] = json.load(open(etcd_watch))
json.dump(res, open(out, "w"), indent=2)
print("%-40s %10s %10s %10s %10s %8s" % ("watch, commit -> event (ms)", "p50", "p99", "missing", "KiB/watch", "p50/etcd"))
etcd_by_n = {r["watchers"]: r for r in res["watch"]["etcd"]}
for label, key in (("pgkube, same instance", "same_instance"), ("pgkube, write via 2nd instance", "second_instance"),
                   ("etcd 3.4 gateway", "etcd")):
    for r in res["watch"][key]:
        e = etcd_by_n.get(r["watchers"])
        p50, p99 = r["latency_ms"]["p50"], r["latency_ms"]["p99"]
        ratio = p50 / e["latency_ms"]["p50"] if p50 and e and e["latency_ms"]["p50"] else float("nan")
        kib = r.get("rss_kib_per_watch")
        print("%-40s %10s %10s %10d %10s %8.2f" % ("%s, %d watchers" % (label, r["watchers"]),
              "%.2f" % p50 if p50 is not None else "-", "%.2f" % p99 if p99 is not None else "-",
              r["missing"], "%.1f" % kib if kib is not None else "-", ratio))
PY
echo "results: $results (store: under \"store\", etcd: under \"etcd\")"
