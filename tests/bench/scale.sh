#!/usr/bin/env bash
# tests/bench/scale.sh URL PKI DSN SERVER_PID OUT.json - how get and list
# behave, and how much memory the server holds, as the store grows: one
# namespace is filled through the API (bin/pgkube-loadgen, 64 connections,
# 1 KiB ConfigMaps) to 10,000 and then to 100,000 objects, and at each size
#   get        GET of one object, 16 connections
#   page       the first page of a list with limit=500 (what kubectl get and
#              informers ask for), 4 connections
#   list       the whole namespace in one response, 1 connection, 3 requests
#   psql       the SELECT the whole list makes, run by pgbench on the same
#              PostgreSQL (list's ratio is list/s over SELECT/s)
#   rss        RSS of the master and of the workers once these ran
# are measured. The get and page latencies at the larger size over those at
# the smaller are the headline: flat means the store scales.
# BENCH_QUICK=1: 1,000 and 5,000 objects, 1 s runs.
set -euo pipefail
cd "$(dirname "$0")/../.."

if (($# != 5)); then
	echo "usage: $0 URL PKI DSN SERVER_PID OUT.json" >&2
	exit 2
fi
url=$1 pki=$2 dsn=$3 server_pid=$4 out=$5
duration=${BENCH_API_SECONDS:-5}
sizes="10000 100000"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	duration=1
	sizes="1000 5000"
fi
tmp=$(mktemp -d /tmp/pgkube-scale.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
PGBENCH=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
ns=bench-scale
path=/api/v1/namespaces/$ns/configmaps

lg() { # loadgen args...: prints its JSON
	bin/pgkube-loadgen --json --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$@"
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

curl -sS -o /dev/null --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
	-H 'Content-Type: application/json' \
	-d "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"$ns\"}}" "$url/api/v1/namespaces"
data=$(head -c 700 /dev/zero | tr '\0' 'x')
printf '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s-{{n:7}}","labels":{"app":"bench"}},"data":{"payload":"%s","a":"1","b":"2"}}' \
	"$data" >"$tmp/fill.json"
cat >"$tmp/select.sql" <<SQL
SELECT o.namespace, o.name, o.rv, o.object::text FROM pgkube.objects o
 WHERE o.api_group = '' AND o.resource = 'configmaps' AND o.namespace = '$ns'
 ORDER BY o.namespace, o.name;
SQL

echo "[]" >"$out"
have=0
for size in $sizes; do
	# --body-template numbers requests from 0: offset them by what is there.
	sed "s/{{n:7}}/{{n:7}}-$have/" "$tmp/fill.json" >"$tmp/fill-$size.json"
	fill=$(lg -c 64 -n $((size - have)) -m POST -H 'Content-Type: application/json' \
		-b "$tmp/fill-$size.json" --body-template --expect 201 "$url$path")
	have=$size
	get=$(lg -c 16 -d "$duration" --expect 200 "$url$path/s-0000001-0")
	page=$(lg -c 4 -d "$duration" --expect 200 "$url$path?limit=500")
	list=$(lg -c 1 -n 3 --timeout 120 --expect 200 "$url$path")
	tps=$("$PGBENCH" -n -c 1 -t 3 -f "$tmp/select.sql" "$dsn" 2>/dev/null | awk '/^tps/ {print $3}')
	master=$(rss_kib "$server_pid")
	workers=$(for pid in $(pgrep -P "$server_pid"); do rss_kib "$pid"; done | paste -sd,)
	stored=$(psql -qAt "$dsn" -c "SELECT count(*) FROM pgkube.objects")
	/usr/bin/python3 - "$out" "$size" "$stored" "$fill" "$get" "$page" "$list" "$tps" "$master" "$workers" <<'PY'
import json, sys
out, size, stored, fill, get, page, lst, tps, master, workers = sys.argv[1:]
res = json.load(open(out))
res.append({"objects_in_namespace": int(size), "objects_stored": int(stored), "fill": json.loads(fill),
            "get_c16": json.loads(get), "page500_c4": json.loads(page), "list_all_c1": json.loads(lst),
            "psql_select_all_tps": float(tps),
            "rss_kib": {"master": int(master), "workers": [int(w) for w in workers.split(",") if w]}})
json.dump(res, open(out, "w"), indent=2)
PY
done

/usr/bin/python3 - "$out" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))
print("%-40s %9s %9s %9s %9s" % ("scale (1 KiB ConfigMaps in one namespace)", "req/s", "p50 ms", "p99 ms", "ratio"))
for r in res:
    n = r["objects_in_namespace"]
    def row(label, x, ratio=""):
        lat = x["latency_us"]
        print("%-40s %9.1f %9.2f %9.2f %9s" % (label, x["rps"], lat["p50"] / 1000, lat["p99"] / 1000, ratio))
    row("%d objects: fill, 64 conns" % n, r["fill"])
    row("%d objects: get, 16 conns" % n, r["get_c16"])
    row("%d objects: list limit=500, 4 conns" % n, r["page500_c4"])
    row("%d objects: list all, 1 conn" % n, r["list_all_c1"],
        "%.2f" % (r["list_all_c1"]["rps"] / r["psql_select_all_tps"]))
    print("%d objects (%d stored): RSS master %d KiB, workers %s KiB" % (
        n, r["objects_stored"], r["rss_kib"]["master"], ", ".join(str(w) for w in r["rss_kib"]["workers"])))
if len(res) == 2:
    a, b = res
    for key, label in (("get_c16", "get"), ("page500_c4", "list limit=500")):
        print("%s p50 at %d / at %d objects: %.2f" % (label, b["objects_in_namespace"], a["objects_in_namespace"],
              b[key]["latency_us"]["p50"] / a[key]["latency_us"]["p50"]))
PY
