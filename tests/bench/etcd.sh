#!/usr/bin/env bash
# tests/bench/etcd.sh [OUT.json [STORE.json]] - etcd, the store Kubernetes
# normally runs on, as a baseline for pgkube's object store.
#
# Starts a private single-member etcd (Debian's etcd-server, 3.4) on
# loopback ports of its own, with its data in a temporary directory and its
# default durability: a write is answered once its WAL entry is fsynced (one
# fsync may cover a batch of concurrent writes). Never --unsafe-no-fsync:
# the WAL fsyncs of each write run are counted from etcd's /metrics, and a
# run with none fails. Then drives it with bin/pgkube-loadgen, keep-alive,
# over plain HTTP through etcd's JSON gateway (the same server process; keys
# and values are base64), at 1, 16 and 64 concurrent clients:
#   create  /v3/kv/put of a new key every request (a different prefix per
#           concurrency, so that no run overwrites another's keys)
#   update  /v3/kv/put of one existing key: etcd serialises every write
#           through raft and appends a revision whatever the key, so one
#           key costs what a key per client would
#   get     /v3/kv/range of one key, linearizable (etcd's default, and what
#           kube-apiserver's etcd3 store asks for when it gets one key)
# The value is the store bench's ~1 KiB ConfigMap (pgkube-storebench
# --print-object). After each create run the keys under its prefix are
# counted: at least one new key per successful put, or the run fails.
# Full mode then runs `etcdctl check perf --load=s` (60 s) for etcd's own
# figure of this machine.
#
# CPU per run, as store.sh does it: the client's cores, etcd's cores and
# etcd's CPU microseconds per operation.
#
# With STORE.json (tests/bench/store.sh's output) the table puts the store's
# and pgbench's figures for the same operation and concurrency beside
# etcd's, with store/etcd and pgbench/etcd ratios. They are not the same
# path: the store bench calls worker/store.c directly while etcd is reached
# through HTTP and its gateway, so etcd pays for HTTP and JSON here and the
# store does not.
#
# BENCH_ETCD_SECONDS per run (default 5); BENCH_QUICK=1: concurrency 16
# only, 1 s runs, no check perf. Prints a table; writes JSON to OUT.json, or
# to stdout when none is given.
set -euo pipefail
cd "$(dirname "$0")/../.."

(($# <= 2)) || {
	echo "usage: $0 [OUT.json [STORE.json]]" >&2
	exit 2
}
out=${1:-}
store=${2:-}
quick=${BENCH_QUICK:-0}
seconds=${BENCH_ETCD_SECONDS:-5}
concurrencies="1 16 64"
if [ "$quick" = 1 ]; then
	seconds=1
	concurrencies=16
fi

for tool in etcd etcdctl curl bin/pgkube-loadgen bin/pgkube-storebench; do
	command -v "$tool" >/dev/null || {
		echo "etcd.sh: $tool is missing (deploy/install-deps.sh installs etcd-server and etcd-client; make all)" >&2
		exit 1
	}
done
# etcd and etcdctl also read their flags from ETCD_* and ETCDCTL_* variables;
# one left in the environment would change what is measured.
for name in $(compgen -e); do
	[[ $name == ETCD_* || $name == ETCDCTL_* ]] && unset "$name"
done

tmp=$(mktemp -d /tmp/pgkube-etcdbench.XXXXXX)
etcd_pid=
cleanup() {
	if [ -n "$etcd_pid" ]; then
		kill "$etcd_pid" 2>/dev/null || true
		wait "$etcd_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
# Without these, a signal that arrives while a foreground command runs
# would not run the EXIT trap until that command ended on its own.
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts etcd on a random pair of loopback ports; false if it did not come
# up healthy (e.g. a port was taken), with etcd stopped again.
etcd_start() {
	client_port=$((20000 + RANDOM % 20000))
	local peer_port=$((client_port + 1))
	local peer_url=http://127.0.0.1:$peer_port
	rm -rf "$tmp/data"
	etcd --name pgkube-bench --data-dir "$tmp/data" \
		--listen-client-urls "http://127.0.0.1:$client_port" \
		--advertise-client-urls "http://127.0.0.1:$client_port" \
		--listen-peer-urls "$peer_url" --initial-advertise-peer-urls "$peer_url" \
		--initial-cluster "pgkube-bench=$peer_url" --initial-cluster-state new \
		--logger zap --log-outputs stderr --log-level warn 2>"$tmp/etcd.log" &
	etcd_pid=$!
	for _ in $(seq 100); do
		kill -0 "$etcd_pid" 2>/dev/null || break
		if curl -sf "http://127.0.0.1:$client_port/health" 2>/dev/null | grep -q '"health":"true"'; then
			return 0
		fi
		sleep 0.1
	done
	kill "$etcd_pid" 2>/dev/null || true
	wait "$etcd_pid" 2>/dev/null || true
	etcd_pid=
	return 1
}

started=
for _ in 1 2 3 4 5; do
	if etcd_start; then
		started=1
		break
	fi
done
[ -n "$started" ] || {
	cat "$tmp/etcd.log" >&2
	echo "etcd.sh: etcd did not become healthy" >&2
	exit 1
}

bin/pgkube-storebench --print-object | tr -d '\n' >"$tmp/object.json"

/usr/bin/python3 - "http://127.0.0.1:$client_port" "$etcd_pid" "$tmp" "$seconds" \
	"$concurrencies" "$quick" "$(etcd --version | awk '/^etcd Version:/ {print $3}')" \
	"$store" "$out" <<'PY'
import base64, json, os, resource, subprocess, sys, time, urllib.request

url, pid, tmp, seconds, concurrencies, quick, version, store_path, out = sys.argv[1:]
pid, seconds = int(pid), float(seconds)
concurrencies = [int(c) for c in concurrencies.split()]
ticks = os.sysconf("SC_CLK_TCK")
value = open(os.path.join(tmp, "object.json"), "rb").read()
ops = ("create", "update", "get")


def b64(data):
    return base64.b64encode(data).decode()


def call(path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def create_prefix(c):
    # A whole number of 3-byte groups, so that its base64 has no padding
    # and the 8 digits of {{n:8}} can follow it (they decode to 6 bytes).
    prefix = ("/registry/configmaps/bench-%02d/" % c).encode()
    assert len(prefix) % 3 == 0
    return prefix


def count_keys(prefix):
    end = prefix[:-1] + bytes([prefix[-1] + 1])
    res = call("/v3/kv/range", {"key": b64(prefix), "range_end": b64(end), "count_only": True})
    return int(res.get("count", "0"))  # proto3 JSON leaves out a zero count


UPDATE_KEY, GET_KEY = b"/registry/configmaps/bench/update", b"/registry/configmaps/bench/get"
for key in (UPDATE_KEY, GET_KEY):
    call("/v3/kv/put", {"key": b64(key), "value": b64(value)})


def request(op, c):
    """The path and body of op's requests (pgkube-loadgen --body-template)."""
    if op == "create":
        body = '{"key":"%s{{n:8}}","value":"%s"}' % (b64(create_prefix(c)), b64(value))
        return "/v3/kv/put", body
    if op == "update":
        return "/v3/kv/put", json.dumps({"key": b64(UPDATE_KEY), "value": b64(value)})
    return "/v3/kv/range", json.dumps({"key": b64(GET_KEY)})


def etcd_cpu_s():
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def wal_fsyncs():
    with urllib.request.urlopen(url + "/metrics", timeout=30) as resp:
        for line in resp.read().decode().splitlines():
            if line.startswith("etcd_disk_wal_fsync_duration_seconds_count "):
                return int(float(line.split()[1]))
    sys.exit("etcd.sh: etcd's /metrics has no etcd_disk_wal_fsync_duration_seconds_count")


def machine_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)


def run(op, c):
    path, body = request(op, c)
    with open(os.path.join(tmp, "body.json"), "w") as f:
        f.write(body)
    argv = ["bin/pgkube-loadgen", "-c", str(c), "-d", str(seconds), "-m", "POST", "-b",
            os.path.join(tmp, "body.json"), "-H", "Content-Type: application/json",
            "--expect", "200", "--json", url + path]
    if op == "create":
        argv.insert(1, "--body-template")
        keys0 = count_keys(create_prefix(c))
    fsyncs0, server0, (busy0, total0) = wal_fsyncs(), etcd_cpu_s(), machine_ticks()
    client0, wall0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - wall0
    client1, server1, (busy1, total1) = (resource.getrusage(resource.RUSAGE_CHILDREN),
                                         etcd_cpu_s(), machine_ticks())
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit("etcd.sh: pgkube-loadgen failed")
    res = json.loads(proc.stdout)
    client = (client1.ru_utime + client1.ru_stime) - (client0.ru_utime + client0.ru_stime)
    done = res["ok"] + sum(res["errors"]["status"].values())
    res["cpu_run"] = {
        "wall_s": round(wall, 3),
        "client_cores": round(client / wall, 3),
        "etcd_cores": round((server1 - server0) / wall, 3),
        "etcd_us_per_op": round((server1 - server0) / done * 1e6, 1) if done else None,
        "machine_busy": round((busy1 - busy0) / max(total1 - total0, 1), 3),
    }
    # CPU that neither etcd nor the client used: kernel threads (the file
    # system's journal, loopback networking) take some; much more means
    # another load on this machine skewed the figures.
    res["cpu_run"]["other_cores"] = round(max(0.0, res["cpu_run"]["machine_busy"] * os.cpu_count()
                                              - (server1 - server0 + client) / wall), 2)
    if op != "get":
        # Requests still in flight when the run ended are not counted by the
        # load generator, but etcd may have committed (and fsynced) them.
        fsyncs = wal_fsyncs() - fsyncs0
        res["wal_fsyncs"] = fsyncs
        res["wal_fsyncs_per_put"] = round(fsyncs / res["ok"], 3) if res["ok"] else None
        if res["ok"] and not fsyncs:
            sys.exit("etcd.sh: %d puts and no WAL fsync: fsync is off" % res["ok"])
    if op == "create":
        res["new_keys"] = count_keys(create_prefix(c)) - keys0
        if not res["ok"] <= res["new_keys"] <= res["ok"] + c:
            sys.exit("etcd.sh: %d puts made %d new keys: the keys were not new per request"
                     % (res["ok"], res["new_keys"]))
    if res["ok"] == 0 or res["errors"]["status"]:
        sys.exit("etcd.sh: %s at %d: %s" % (op, c, proc.stdout.strip()))
    return res


def check_perf():
    """etcdctl check perf --load=s: 60 s of puts at a fixed rate; PASS or FAIL
    on its throughput, slowest request and standard deviation."""
    proc = subprocess.run(["etcdctl", "--endpoints=" + url, "check", "perf", "--load=s"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # The progress bar redraws itself with carriage returns.
    lines = [l.strip() for l in proc.stdout.replace("\r", "\n").splitlines()]
    summary = [l for l in lines if l.startswith(("PASS", "FAIL"))]
    res = {"load": "s", "exit_status": proc.returncode, "summary": summary,
           "result": summary[-1] if summary and summary[-1] in ("PASS", "FAIL") else None}
    for l in summary:
        words = l.split()
        if "Throughput is" in l:
            res["writes_per_s"] = float(words[-2])
        elif "Slowest request took" in l:
            res["slowest_s"] = float(words[-1].rstrip("s"))
        elif "Stddev is" in l:
            res["stddev_s"] = float(words[-1].rstrip("s"))
    if res["result"] is None:
        sys.stderr.write(proc.stdout)
        sys.exit("etcd.sh: etcdctl check perf printed no verdict")
    return res


store = {}
if store_path:
    for r in json.load(open(store_path))["results"]:
        store[(r["op"], r["concurrency"])] = r

results = []
for c in concurrencies:
    for op in ops:
        e = run(op, c)
        r = {"op": op, "concurrency": c, "etcd": e}
        s = store.get((op, c))
        if s:
            r["store_ops_per_s"] = s["store"]["ops_per_s"]
            r["pgbench_tps"] = s["pgbench"].get("tps")
            r["ratio_store_to_etcd"] = round(s["store"]["ops_per_s"] / e["rps"], 3) if e["rps"] else None
            r["ratio_pgbench_to_etcd"] = (round(r["pgbench_tps"] / e["rps"], 3)
                                          if r["pgbench_tps"] and e["rps"] else None)
        results.append(r)

report = {
    "etcd_version": version, "seconds": seconds, "value_size": len(value), "cpus": os.cpu_count(),
    "api": "HTTP/1.1 keep-alive to the JSON gateway: POST /v3/kv/put, /v3/kv/range",
    "results": results,
    "check_perf": None if quick == "1" else check_perf(),
}

table = sys.stdout if out else sys.stderr


def say(line):
    print(line, file=table)


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


say("etcd %s (HTTP/JSON gateway, keep-alive, pgkube-loadgen), fsync on, %g s each, %d B values"
    % (version, seconds, len(value)))
say("%-6s %4s %10s %8s %8s %8s %-14s %10s %10s %11s %12s" % (
    "op", "conc", "etcd op/s", "p50 us", "p99 us", "fsync/op", "etcd cl/cpu/us",
    "store op/s", "store/etcd", "pgbench tps", "pgbench/etcd"))
for r in results:
    e, cpu = r["etcd"], r["etcd"]["cpu_run"]
    say("%-6s %4d %10.0f %8.0f %8.0f %8s %-14s %10s %10s %11s %12s" % (
        r["op"], r["concurrency"], e["rps"], e["latency_us"]["p50"], e["latency_us"]["p99"],
        fmt(e.get("wal_fsyncs_per_put"), ".2f"),
        "%.2f/%.2f/%s" % (cpu["client_cores"], cpu["etcd_cores"], fmt(cpu["etcd_us_per_op"], ".0f")),
        fmt(r.get("store_ops_per_s"), ".0f"), fmt(r.get("ratio_store_to_etcd"), ".2f"),
        fmt(r.get("pgbench_tps"), ".0f"), fmt(r.get("ratio_pgbench_to_etcd"), ".2f")))
say("cpu: client cores / etcd cores / etcd CPU us per op; store: pgkube-storebench (no HTTP)")
perf = report["check_perf"]
if perf:
    say("etcdctl check perf --load=s: %s (%s)" % (perf["result"], "; ".join(perf["summary"][:-1])))
busy = max(r["etcd"]["cpu_run"]["other_cores"] for r in results)
if busy > 0.5:
    say("warning: up to %.2f cores went to neither etcd nor the client in a run:"
        " another load may have skewed the figures" % busy)
errors = sum(r["etcd"]["requests"] - r["etcd"]["ok"] for r in results)
if errors:
    say("errors: %d (see JSON)" % errors)

text = json.dumps(report, indent=2)
if out:
    with open(out, "w") as f:
        f.write(text + "\n")
else:
    print(text)
PY

# Watch latency on etcd, with the client that measures pgkube's
# (tests/bench/watch.py): BENCH_ETCD_WATCH_OUT names its JSON output.
if [ -n "${BENCH_ETCD_WATCH_OUT:-}" ]; then
	/usr/bin/python3 tests/bench/watch.py etcd "http://127.0.0.1:$client_port" \
		--watchers "${BENCH_WATCHERS:-1,100,1000}" --writes "${BENCH_WATCH_WRITES:-50}" \
		--out "$BENCH_ETCD_WATCH_OUT"
fi
