#!/usr/bin/env bash
# tests/bench/store.sh DSN [OUT.json] - the object store against PostgreSQL
# itself: single-object create, update and get through worker/store.c
# (bin/pgkube-storebench, no HTTP) at 1, 16 and 64 concurrent clients, each
# next to pgbench doing the equivalent raw work on the same server in the
# same run:
#   create  BEGIN; INSERT one ~1 KiB jsonb row; SELECT pg_notify(); COMMIT
#   update  BEGIN; UPDATE the client's own row; SELECT pg_notify(); COMMIT
#   get     SELECT the client's own row by primary key
# The ratio store ops/s / pgbench tps is the figure: what the store's
# design (resourceVersion counter, change log, indexes) costs above the
# least PostgreSQL must do. Both use the server's durability settings as
# they are (make bench's server: fsync on, synchronous_commit on), the same
# object JSON (a parameter in both, so both parse it every time), and the
# same client parallelism: pgbench -j 2 threads, pgkube-storebench
# --processes 2 (BENCH_STORE_PROCESSES), each an event loop with its pool,
# as a server worker is. Every run starts after a CHECKPOINT (when the role
# may), so none pays more full-page writes than another.
#
# CPU: for each run, the CPU seconds of the client (the bench or pgbench
# process) and of the whole PostgreSQL server (postmaster, its children and
# the children it reaped) per second of wall time, and the server's CPU per
# operation. The server's figures need its data directory readable here
# (a local server); otherwise they are null.
#
# Runs in a fresh database pgkube_storebench on DSN's server (dropped first
# if a previous run left it, and at the end). BENCH_STORE_SECONDS per run
# (default 5; BENCH_QUICK=1: 1). Prints a table; writes JSON to OUT.json,
# or to stdout when none is given.
set -euo pipefail
cd "$(dirname "$0")/../.."

(($# == 1 || $# == 2)) || {
	echo "usage: $0 DSN [OUT.json]" >&2
	exit 2
}
dsn=$1
out=${2:-}
seconds=${BENCH_STORE_SECONDS:-5}
[ "${BENCH_QUICK:-0}" = 1 ] && seconds=1
[[ $seconds =~ ^[1-9][0-9]*$ ]] || {
	echo "store.sh: BENCH_STORE_SECONDS must be a whole number of seconds (pgbench -T)" >&2
	exit 2
}
processes=${BENCH_STORE_PROCESSES:-2}
db=pgkube_storebench
clients_max=64

for tool in psql pgbench bin/pgkube-storebench bin/pgkube-apiserver; do
	command -v "$tool" >/dev/null || {
		echo "store.sh: $tool is missing (make bin/pgkube-storebench bin/pgkube-apiserver)" >&2
		exit 1
	}
done

# DSN with the bench database in place of its own.
bench_dsn=$(/usr/bin/python3 - "$dsn" "$db" <<'PY'
import sys, urllib.parse
dsn, db = sys.argv[1:]
if dsn.startswith(("postgres://", "postgresql://")):
    print(urllib.parse.urlunsplit(urllib.parse.urlsplit(dsn)._replace(path="/" + db)))
else:
    print(dsn + " dbname=" + db)
PY
)

psql_on() { # dsn, then psql arguments
	local target=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -d "$target" "$@"
}
drop_database() {
	psql_on "$dsn" -c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
}

tmp=$(mktemp -d /tmp/pgkube-storebench.XXXXXX)
cleanup() {
	drop_database >/dev/null 2>&1 || echo "store.sh: could not drop database $db" >&2
	rm -rf "$tmp"
}
trap cleanup EXIT

drop_database
psql_on "$dsn" -c "CREATE DATABASE $db"
if ! bin/pgkube-apiserver migrate --storage-dsn="$bench_dsn" 2>"$tmp/migrate.log"; then
	cat "$tmp/migrate.log" >&2
	exit 1
fi

object=$(bin/pgkube-storebench --print-object)
# The raw table: a key and the object. Rows upd-0 .. upd-63 are the clients'
# own rows for update and get (pgbench's client_id counts from 0).
psql_on "$bench_dsn" -v obj="$object" -v last=$((clients_max - 1)) <<'SQL'
CREATE TABLE bench_raw (name text COLLATE "C" PRIMARY KEY, object jsonb NOT NULL);
INSERT INTO bench_raw SELECT 'upd-' || g, :'obj'::jsonb FROM generate_series(0, :last) g;
SQL

# pgbench: :obj, :run and the per-client counter :n come from -D. Names are
# unique per run (run = the concurrency) and per client.
cat >"$tmp/create.sql" <<'SQL'
\set n :n + 1
BEGIN;
INSERT INTO bench_raw (name, object) VALUES ('raw-' || :run::int || '-' || :client_id::int || '-' || :n::bigint, :obj::jsonb);
SELECT pg_notify('bench', '1');
COMMIT;
SQL
cat >"$tmp/update.sql" <<'SQL'
BEGIN;
UPDATE bench_raw SET object = :obj::jsonb WHERE name = 'upd-' || :client_id::int;
SELECT pg_notify('bench', '1');
COMMIT;
SQL
cat >"$tmp/get.sql" <<'SQL'
SELECT object FROM bench_raw WHERE name = 'upd-' || :client_id::int;
SQL

# The postmaster's pid, for the server's CPU; empty when not readable here.
data_dir=$(psql_on "$bench_dsn" -Atc "SHOW data_directory" 2>/dev/null || true)
postmaster_pid=
if [ -n "$data_dir" ] && [ -r "$data_dir/postmaster.pid" ]; then
	postmaster_pid=$(head -n 1 "$data_dir/postmaster.pid")
fi
server_version=$(psql_on "$bench_dsn" -Atc "SHOW server_version")

/usr/bin/python3 - "$bench_dsn" "$tmp" "$seconds" "$processes" "$object" \
	"$postmaster_pid" "$server_version" "$out" <<'PY'
import glob, json, os, resource, subprocess, sys, time

bench_dsn, tmp, seconds, processes, obj, pm_pid, version, out = sys.argv[1:]
seconds, processes = float(seconds), int(processes)
pm_pid = int(pm_pid) if pm_pid else None
ticks = os.sysconf("SC_CLK_TCK")
concurrencies, ops = (1, 16, 64), ("create", "update", "get")


def proc_stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): ppid 4, utime 14, stime 15, cutime 16, cstime 17
    return int(fields[1]), [int(x) for x in fields[11:15]]


def server_children():
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if proc_stat(int(d))[0] == pm_pid:
                    kids.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return kids


def server_cpu_s():
    """CPU of the server so far: postmaster, live children, reaped children."""
    if pm_pid is None:
        return None
    try:
        total = sum(proc_stat(pm_pid)[1])
    except OSError:
        return None
    for pid in server_children():
        try:
            total += sum(proc_stat(pid)[1][:2])
        except OSError:
            pass
    return total / ticks


def machine_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return sum(v) - v[3] - v[4], sum(v)


def checkpoint():
    subprocess.run(["psql", "-X", "-q", "-d", bench_dsn, "-c", "CHECKPOINT"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def server_settle():
    """Waits until the backends of the last run (or psql) are gone and reaped:
    a backend that exited is in neither its own nor the postmaster's times
    until the postmaster has reaped it."""
    if pm_pid is None:
        return
    for _ in range(200):
        if len(server_children()) <= idle_children:
            break
        time.sleep(0.01)
    time.sleep(0.1)


def measured(argv):
    """Runs argv; its stdout and what the run cost in CPU."""
    checkpoint()
    server_settle()
    server0, (busy0, total0) = server_cpu_s(), machine_ticks()
    client0, wall0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    run = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - wall0
    client1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        sys.exit("store.sh: %s failed" % argv[0])
    busy1, total1 = machine_ticks()
    server_settle()
    server1 = server_cpu_s()
    client = (client1.ru_utime + client1.ru_stime) - (client0.ru_utime + client0.ru_stime)
    cpu = {
        "wall_s": round(wall, 3),
        "client_cores": round(client / wall, 3),
        "server_cores": None if server0 is None else round((server1 - server0) / wall, 3),
        "machine_busy": round((busy1 - busy0) / max(total1 - total0, 1), 3),
    }
    return run.stdout, run.stderr, cpu


def storebench(op, c):
    stdout, stderr, cpu = measured([
        "bin/pgkube-storebench", "--dsn", bench_dsn, "--op", op, "--concurrency", str(c),
        "--duration", str(seconds), "--processes", str(min(processes, c)), "--json"])
    if stderr:
        sys.stderr.write(stderr)
    res = json.loads(stdout)
    res["cpu_run"] = cpu
    return res


def pgbench(op, c):
    prefix = os.path.join(tmp, "pgbench-%s-%d" % (op, c))
    stdout, _, cpu = measured([
        "pgbench", "-n", "-c", str(c), "-j", "2", "-T", str(int(seconds)),
        "-M", "prepared", "-f", os.path.join(tmp, op + ".sql"),
        "-D", "obj=" + obj, "-D", "run=%d" % c, "-D", "n=0",
        "-l", "--sampling-rate=0.2", "--log-prefix=" + prefix, bench_dsn])
    res = {"cpu_run": cpu}
    for line in stdout.splitlines():
        key, _, value = line.partition(" = ")
        if line.startswith("tps = "):
            res["tps"] = float(value.split()[0])
        elif key == "latency average":
            res["latency_avg_ms"] = float(value.split()[0])
        elif line.startswith("number of transactions actually processed:"):
            res["transactions"] = int(line.split(":")[1].split("/")[0])
        elif line.startswith("number of failed transactions:"):
            res["failed"] = int(line.split(":")[1].split()[0])
    # per-transaction log (a 20% sample): client, n, latency us, ...
    latencies = []
    for name in glob.glob(prefix + ".*"):
        with open(name) as f:
            for line in f:
                field = line.split()[2]
                if field.isdigit():
                    latencies.append(int(field))
        os.unlink(name)
    latencies.sort()
    if latencies:
        res["latency_us"] = {
            "p50": latencies[len(latencies) // 2],
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
            "max_sampled": latencies[-1],
        }
    return res


def per_op_us(cpu, count):
    if cpu["server_cores"] is None or not count:
        return None
    return round(cpu["server_cores"] * cpu["wall_s"] / count * 1e6, 1)


# The server's processes when no client is connected (background workers).
time.sleep(0.5)
idle_children = len(server_children()) if pm_pid else 0
results = []
for c in concurrencies:
    for op in ops:
        s, p = storebench(op, c), pgbench(op, c)
        s["cpu_run"]["server_us_per_op"] = per_op_us(s["cpu_run"], s["ops"] + s["errors"])
        p["cpu_run"]["server_us_per_op"] = per_op_us(p["cpu_run"], p.get("transactions", 0))
        results.append({"op": op, "concurrency": c, "store": s, "pgbench": p,
                        "ratio": round(s["ops_per_s"] / p["tps"], 3) if p.get("tps") else None})

report = {
    "seconds": seconds, "object_size": len(obj), "processes": processes,
    "cpus": os.cpu_count(), "postgresql": version,
    "pgbench_scripts": {op: open(os.path.join(tmp, op + ".sql")).read() for op in ops},
    "results": results,
}

def fmt(v, spec):
    return "-" if v is None else format(v, spec)

# The table goes to stdout, unless the JSON does.
table = sys.stdout if out else sys.stderr


def say(line):
    print(line, file=table)


say("store (pgkube-storebench, %d process%s) vs pgbench (-j 2), %g s each, %d B objects, %d CPUs"
      % (processes, "" if processes == 1 else "es", seconds, len(obj), os.cpu_count()))
say("%-6s %4s %10s %8s %8s %10s %7s %7s %6s  %-15s %-15s" % (
    "op", "conc", "store op/s", "p50 us", "p99 us", "pgbench tps", "avg ms", "p99 us", "ratio",
    "store cl/pg/us", "pgbench cl/pg/us"))
for r in results:
    s, p = r["store"], r["pgbench"]
    sc, pc = s["cpu_run"], p["cpu_run"]
    say("%-6s %4d %10.0f %8.0f %8.0f %10.0f %7.2f %7s %6s  %-15s %-15s" % (
        r["op"], r["concurrency"], s["ops_per_s"], s["latency_us"]["p50"], s["latency_us"]["p99"],
        p.get("tps", 0), p.get("latency_avg_ms", 0), fmt(p.get("latency_us", {}).get("p99"), "d"),
        fmt(r["ratio"], ".2f"),
        "%.2f/%s/%s" % (sc["client_cores"], fmt(sc["server_cores"], ".2f"), fmt(sc["server_us_per_op"], ".0f")),
        "%.2f/%s/%s" % (pc["client_cores"], fmt(pc["server_cores"], ".2f"), fmt(pc["server_us_per_op"], ".0f"))))
say("cpu: client cores / PostgreSQL cores / PostgreSQL CPU us per op, over each run's wall time")
errors = sum(r["store"]["errors"] for r in results) + sum(r["pgbench"].get("failed", 0) for r in results)
if errors:
    say("errors: %d (see JSON)" % errors)

text = json.dumps(report, indent=2)
if out:
    with open(out, "w") as f:
        f.write(text + "\n")
else:
    print(text)
PY
