#!/usr/bin/env bash
# tests/sql/test_service_allocations.sh DSN - sql/007_service_allocations.sql
# against a real PostgreSQL: the triggers that keep pgkube.service_allocations
# in step with the Services in pgkube.objects.
#
# DSN is a libpq conninfo string or URI for a role that may create databases.
# The script creates a fresh database, applies the migrations before 007,
# writes Services, applies 007 and the rest, then checks:
#   - the backfill of Services written before the migration;
#   - what each kind of Service holds (ClusterIP, NodePort, LoadBalancer with
#     a health check node port, headless, ExternalName, dual-stack);
#   - that a value another Service holds fails the create or update with
#     PGK23 and the DETAIL naming it, and that a failed write holds nothing
#     and consumes no resourceVersion;
#   - updates (type changes) gain and free values, deletes free them, also
#     through pgkube.write_batch;
#   - two sessions claiming one value: the second fails at once while the
#     first is in flight (no waiting, even while holding the counter: no
#     deadlock), and after the first commits; it succeeds after a rollback;
#   - concurrent creates (pgbench, 8 clients over a small pool of values):
#     no value is ever held twice, and the table always equals what the
#     stored Services hold;
#   - pgkube_readonly may read the table.
# Exit status 0 when every check passed. The database is dropped at the end
# unless PGKUBE_TEST_KEEP_DB=1.
set -euo pipefail

if (($# != 1)); then
	echo "usage: $0 DSN" >&2
	exit 2
fi
readonly ADMIN_DSN=$1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
DB=pgkube_svcalloc_$$_$RANDOM
readonly DB
TMP=$(mktemp -d)
readonly TMP

dsn_for_db() {
	local dsn=$1 db=$2
	if [[ $dsn =~ ^(postgres(ql)?://[^/?]*)(/[^?]*)?(\?.*)?$ ]]; then
		printf '%s/%s%s' "${BASH_REMATCH[1]}" "$db" "${BASH_REMATCH[4]}"
	else
		printf '%s dbname=%s' "$dsn" "$db"
	fi
}
TDSN=$(dsn_for_db "$ADMIN_DSN" "$DB")
readonly TDSN

PGBENCH=$(command -v pgbench || echo /usr/lib/postgresql/15/bin/pgbench)
readonly PGBENCH

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -d "$ADMIN_DSN" "$@"; }
psql_test() { psql -X -q -v ON_ERROR_STOP=1 -d "$TDSN" "$@"; }

cleanup() {
	local status=$?
	if [[ ${PGKUBE_TEST_KEEP_DB:-0} == 1 ]]; then
		echo "# kept database $DB"
	else
		psql_admin -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	rm -rf -- "$TMP"
	exit "$status"
}
trap cleanup EXIT

failures=0
checks=0

indent() { sed 's/^/       /'; }

# section NAME < SQL: runs the SQL on the test database; any error fails it.
section() {
	local name=$1 out
	checks=$((checks + 1))
	if out=$(psql_test -o /dev/null 2>&1); then
		echo "ok   - $name"
	else
		echo "FAIL - $name"
		indent <<<"$out"
		failures=$((failures + 1))
	fi
}

fail() {
	echo "FAIL - $1"
	shift
	for line in "$@"; do
		echo "       $line"
	done
	failures=$((failures + 1))
}

# Polls until the query prints "t" (10 s at most).
wait_until() {
	local query=$1 i
	for ((i = 0; i < 200; i++)); do
		if [[ $(psql_test -tAc "$query") == t ]]; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}

apply() {
	local f out
	for f in "$@"; do
		if ! out=$(psql_test --single-transaction -f "$f" 2>&1); then
			fail "apply $(basename "$f")" "$out"
			exit 1
		fi
	done
}

# ---------------------------------------------------------------------------
echo "# database $DB"
psql_admin -c "CREATE DATABASE \"$DB\"" >/dev/null

shopt -s nullglob
before=() after=()
for f in "$ROOT"/sql/*.sql; do
	if [[ $(basename "$f") < 007_ ]]; then before+=("$f"); else after+=("$f"); fi
done
apply "${before[@]}"

# Services written before the migration: the first of two holding one
# value keeps it.
psql_test >/dev/null <<'SQL'
SELECT pgkube.create_object('', 'services', 'old', 'a', 'aaaaaaaa-0000-0000-0000-000000000001',
    '{"metadata":{"name":"a"},"spec":{"type":"NodePort","clusterIP":"10.0.0.10","clusterIPs":["10.0.0.10"],
      "ports":[{"port":80,"nodePort":30010}]}}', NULL);
SELECT pgkube.create_object('', 'services', 'old', 'b', 'aaaaaaaa-0000-0000-0000-000000000002',
    '{"metadata":{"name":"b"},"spec":{"clusterIP":"10.0.0.10","clusterIPs":["10.0.0.10"]}}', NULL);
SELECT pgkube.create_object('', 'services', 'old', 'c', 'aaaaaaaa-0000-0000-0000-000000000003',
    '{"metadata":{"name":"c"},"spec":{"clusterIP":"garbage"}}', NULL);
SQL
apply "${after[@]}"
echo "ok   - applied the migrations, 007 over existing Services"

psql_test >/dev/null <<'SQL'
CREATE SCHEMA t;
GRANT USAGE ON SCHEMA t TO PUBLIC;

CREATE FUNCTION t.ok(cond boolean, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cond IS NOT TRUE THEN
        RAISE EXCEPTION 'check failed: %', what;
    END IF;
END $$;

CREATE FUNCTION t.eq(got anycompatible, want anycompatible, what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION 'check failed: %: got %, want %', what, got, want;
    END IF;
END $$;

CREATE FUNCTION t.err(sql text, OUT state text, OUT msg text, OUT det text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE sql;
    state := '00000';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
END $$;

CREATE FUNCTION t.expect_error(sql text, want_state text, want_detail text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    e record;
BEGIN
    e := t.err(sql);
    IF e.state IS DISTINCT FROM want_state THEN
        RAISE EXCEPTION 'check failed: % gave SQLSTATE % (%), want %', sql, e.state, e.msg, want_state;
    END IF;
    IF want_detail IS NOT NULL AND e.det IS DISTINCT FROM want_detail THEN
        RAISE EXCEPTION 'check failed: % gave DETAIL %, want %', sql, e.det, want_detail;
    END IF;
END $$;

-- A Service object named n with spec.
CREATE FUNCTION t.svc(n text, spec jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'v1', 'kind', 'Service',
                              'metadata', jsonb_build_object('name', n), 'spec', spec)
$$;

-- What the table says a Service holds: 'ip 10.0.0.1,nodeport 30000'.
CREATE FUNCTION t.held(ns text, n text) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(a.kind || ' ' || a.value, ',' ORDER BY a.kind, a.value), '')
      FROM pgkube.service_allocations a WHERE a.namespace = ns AND a.name = n
$$;

CREATE FUNCTION t.create(n text, spec jsonb) RETURNS bigint LANGUAGE sql AS $$
    SELECT rv FROM pgkube.create_object('', 'services', 'default', n, gen_random_uuid(), t.svc(n, spec), NULL)
$$;

CREATE FUNCTION t.update(n text, spec jsonb) RETURNS bigint LANGUAGE sql AS $$
    SELECT rv FROM pgkube.update_object('', 'services', 'default', n, 0, t.svc(n, spec), NULL)
$$;

-- The table holds exactly what the stored Services hold.
CREATE FUNCTION t.consistent() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    extra bigint;
    missing bigint;
BEGIN
    CREATE TEMP TABLE want ON COMMIT DROP AS
    SELECT k.kind, k.value, o.namespace, o.name
      FROM pgkube.objects o CROSS JOIN LATERAL pgkube.service_allocation_keys(o.object) k
     WHERE o.api_group = '' AND o.resource = 'services';
    SELECT count(*) INTO extra FROM (
        SELECT kind, value, namespace, name FROM pgkube.service_allocations
        EXCEPT SELECT kind, value, namespace, name FROM want) x;
    -- (by value: two Services written before 007 may hold one, see old/b)
    SELECT count(*) INTO missing FROM (
        SELECT kind, value FROM want
        EXCEPT SELECT kind, value FROM pgkube.service_allocations) x;
    DROP TABLE want;
    IF extra <> 0 OR missing <> 0 THEN
        RAISE EXCEPTION 'check failed: allocations out of step: % rows no Service holds, % held values missing',
            extra, missing;
    END IF;
END $$;
SQL

# ---------------------------------------------------------------------------
section "backfill: what existing Services hold, the first holder keeps a value" <<'SQL'
SELECT t.eq(t.held('old', 'a'), 'ip 10.0.0.10,nodeport 30010', 'old/a');
SELECT t.eq(t.held('old', 'b'), '', 'old/b: its IP was old/a''s');
SELECT t.eq(t.held('old', 'c'), '', 'old/c: not an IP');
SELECT t.eq((SELECT uid::text FROM pgkube.service_allocations WHERE kind = 'ip' AND value = '10.0.0.10'),
            'aaaaaaaa-0000-0000-0000-000000000001', 'the holder''s uid');
SQL

section "what each kind of Service holds" <<'SQL'
SELECT t.create('plain', '{"type":"ClusterIP","clusterIP":"10.0.0.20","clusterIPs":["10.0.0.20"],"ports":[{"port":80}]}');
SELECT t.eq(t.held('default', 'plain'), 'ip 10.0.0.20', 'ClusterIP');
-- a nodePort on a ClusterIP Service is not held (validation refuses it anyway)
SELECT t.create('np', '{"type":"NodePort","clusterIP":"10.0.0.21","clusterIPs":["10.0.0.21"],
                        "ports":[{"port":53,"protocol":"TCP","nodePort":30053},{"port":53,"protocol":"UDP","nodePort":30053},
                                 {"port":80,"nodePort":30080}]}');
SELECT t.eq(t.held('default', 'np'), 'ip 10.0.0.21,nodeport 30053,nodeport 30080', 'NodePort: a shared node port once');
SELECT t.create('lb', '{"type":"LoadBalancer","clusterIP":"10.0.0.22","clusterIPs":["10.0.0.22"],
                        "externalTrafficPolicy":"Local","healthCheckNodePort":30999,"ports":[{"port":80,"nodePort":30081}]}');
SELECT t.eq(t.held('default', 'lb'), 'ip 10.0.0.22,nodeport 30081,nodeport 30999', 'LoadBalancer with its health check port');
SELECT t.create('lb-cluster', '{"type":"LoadBalancer","clusterIP":"10.0.0.23","clusterIPs":["10.0.0.23"],
                        "externalTrafficPolicy":"Cluster","healthCheckNodePort":30998,"ports":[{"port":80,"nodePort":30082}]}');
SELECT t.eq(t.held('default', 'lb-cluster'), 'ip 10.0.0.23,nodeport 30082', 'no health check port unless Local');
SELECT t.create('headless', '{"clusterIP":"None","clusterIPs":["None"],"ports":[{"port":80}]}');
SELECT t.eq(t.held('default', 'headless'), '', 'headless');
SELECT t.create('ext', '{"type":"ExternalName","externalName":"example.com","clusterIP":"10.0.0.24","ports":[{"port":80,"nodePort":30083}]}');
SELECT t.eq(t.held('default', 'ext'), '', 'ExternalName');
SELECT t.create('dual', '{"clusterIP":"10.0.0.25","clusterIPs":["10.0.0.25","fd00:0::0:19"],"ports":[{"port":80}]}');
SELECT t.eq(t.held('default', 'dual'), 'ip 10.0.0.25,ip fd00::19', 'dual-stack, in host() form');
SELECT t.create('cm-lookalike', '{}');
SELECT t.eq(t.held('default', 'cm-lookalike'), '', 'nothing');
SELECT pgkube.create_object('', 'configmaps', 'default', 'not-a-service', gen_random_uuid(),
                            t.svc('not-a-service', '{"clusterIP":"10.0.0.26"}'), NULL);
SELECT t.eq((SELECT count(*) FROM pgkube.service_allocations WHERE value = '10.0.0.26'), 0::bigint, 'other resources');
SELECT t.consistent();
SQL

section "a held value fails the write, which then holds nothing and uses no rv" <<'SQL'
CREATE TEMP TABLE before AS SELECT pgkube.current_rv() AS rv, (SELECT count(*) FROM pgkube.service_allocations) AS n;
SELECT t.expect_error($$SELECT t.create('dup-ip', '{"clusterIP":"10.0.0.20","clusterIPs":["10.0.0.20"]}')$$,
                      'PGK23', 'ip 10.0.0.20');
-- every value that could not be claimed, in (kind, value) order; the free one is not kept
SELECT t.expect_error($$SELECT t.create('dup-many', '{"type":"NodePort","clusterIP":"10.0.0.30","clusterIPs":["10.0.0.30"],
                                                      "ports":[{"port":81,"nodePort":30080},{"port":82,"nodePort":30053},{"port":83,"nodePort":30084}]}')$$,
                      'PGK23', 'nodeport 30053,nodeport 30080');
SELECT t.expect_error($$SELECT t.create('dup-hc', '{"type":"LoadBalancer","clusterIP":"10.0.0.31","clusterIPs":["10.0.0.31"],
                                                    "externalTrafficPolicy":"Local","healthCheckNodePort":30081}')$$,
                      'PGK23', 'nodeport 30081');
SELECT t.expect_error($$SELECT t.create('dup-v6', '{"clusterIP":"10.0.0.32","clusterIPs":["10.0.0.32","fd00::0019"]}')$$,
                      'PGK23', 'ip fd00::19');
SELECT t.eq(pgkube.current_rv(), (SELECT rv FROM before), 'failed creates use no resourceVersion');
SELECT t.eq((SELECT count(*) FROM pgkube.service_allocations), (SELECT n FROM before), 'failed creates hold nothing');
SELECT t.eq((SELECT count(*) FROM pgkube.objects WHERE resource = 'services' AND name LIKE 'dup-%'), 0::bigint,
            'failed creates store nothing');
-- an update that gains a held value fails the same way, and keeps what it had
SELECT t.expect_error($$SELECT t.update('plain', '{"type":"NodePort","clusterIP":"10.0.0.20","clusterIPs":["10.0.0.20"],
                                                   "ports":[{"port":80,"nodePort":30999}]}')$$,
                      'PGK23', 'nodeport 30999');
SELECT t.eq(pgkube.current_rv(), (SELECT rv FROM before), 'a failed update uses no resourceVersion');
SELECT t.eq(t.held('default', 'plain'), 'ip 10.0.0.20', 'a failed update keeps what it had');
-- a duplicate name is 23505, as before, and claims nothing
SELECT t.expect_error($$SELECT t.create('plain', '{"clusterIP":"10.0.0.33","clusterIPs":["10.0.0.33"]}')$$, '23505');
SELECT t.eq((SELECT count(*) FROM pgkube.service_allocations WHERE value = '10.0.0.33'), 0::bigint, 'no claim');
SELECT t.consistent();
SQL

section "updates gain and free values; deletes free them" <<'SQL'
-- ClusterIP -> NodePort gains node ports
SELECT t.update('plain', '{"type":"NodePort","clusterIP":"10.0.0.20","clusterIPs":["10.0.0.20"],"ports":[{"port":80,"nodePort":30100}]}');
SELECT t.eq(t.held('default', 'plain'), 'ip 10.0.0.20,nodeport 30100', 'ClusterIP to NodePort');
-- a changed node port: the old one is free for others at once
SELECT t.update('plain', '{"type":"NodePort","clusterIP":"10.0.0.20","clusterIPs":["10.0.0.20"],"ports":[{"port":80,"nodePort":30101}]}');
SELECT t.eq(t.held('default', 'plain'), 'ip 10.0.0.20,nodeport 30101', 'node port changed');
SELECT t.create('takes-30100', '{"type":"NodePort","clusterIP":"10.0.0.40","clusterIPs":["10.0.0.40"],"ports":[{"port":80,"nodePort":30100}]}');
-- NodePort -> ClusterIP frees them
SELECT t.update('plain', '{"type":"ClusterIP","clusterIP":"10.0.0.20","clusterIPs":["10.0.0.20"],"ports":[{"port":80}]}');
SELECT t.eq(t.held('default', 'plain'), 'ip 10.0.0.20', 'NodePort to ClusterIP');
-- -> ExternalName frees the IP, and back allocates anew
SELECT t.update('plain', '{"type":"ExternalName","externalName":"example.com","ports":[{"port":80}]}');
SELECT t.eq(t.held('default', 'plain'), '', 'to ExternalName');
SELECT t.create('takes-20', '{"clusterIP":"10.0.0.20","clusterIPs":["10.0.0.20"]}');
SELECT t.update('plain', '{"clusterIP":"10.0.0.41","clusterIPs":["10.0.0.41"],"ports":[{"port":80}]}');
SELECT t.eq(t.held('default', 'plain'), 'ip 10.0.0.41', 'from ExternalName');
-- a change of metadata alone does not run the trigger's work
SELECT pgkube.update_object('', 'services', 'default', 'plain', 0,
    jsonb_set(object, '{metadata,labels}', '{"a":"b"}'), NULL)
  FROM pgkube.objects WHERE resource = 'services' AND name = 'plain';
SELECT t.eq(t.held('default', 'plain'), 'ip 10.0.0.41', 'labels changed');
-- delete, then another Service takes the values
SELECT pgkube.delete_object('', 'services', 'default', 'np', 0, NULL);
SELECT t.eq(t.held('default', 'np'), '', 'deleted');
SELECT t.create('reuse', '{"type":"NodePort","clusterIP":"10.0.0.21","clusterIPs":["10.0.0.21"],"ports":[{"port":53,"nodePort":30053}]}');
SELECT t.eq(t.held('default', 'reuse'), 'ip 10.0.0.21,nodeport 30053', 'reused');
-- a recreated name starts from nothing
SELECT pgkube.delete_object('', 'services', 'default', 'reuse', 0, NULL);
SELECT t.create('reuse', '{"clusterIP":"10.0.0.42","clusterIPs":["10.0.0.42"]}');
SELECT t.eq(t.held('default', 'reuse'), 'ip 10.0.0.42', 'recreated');
-- deletes in a group commit
SELECT t.eq(count(*) FILTER (WHERE sqlstate IS NULL), 2::bigint, 'batch')
  FROM pgkube.write_batch('[{"op":"delete","group":"","resource":"services","namespace":"default","name":"lb","rv":0,"uid":null},
                            {"op":"delete","group":"","resource":"services","namespace":"default","name":"reuse","rv":0,"uid":null}]');
SELECT t.eq(t.held('default', 'lb') || t.held('default', 'reuse'), '', 'deleted by a batch');
SELECT t.consistent();
SQL

# ---------------------------------------------------------------------------
# Two sessions: A claims 10.0.0.50 in an open transaction; B asks for it.
claim_race_test() {
	local fd
	coproc HOLDER { psql -X -q -v ON_ERROR_STOP=1 -d "$TDSN" >/dev/null 2>&1; }
	fd=${HOLDER[1]}
	# The row goes in as the write functions' first step does, without the
	# counter: B, an update, then takes the counter and meets A's claim.
	echo "SET application_name = 'pgkube_test_holder'; BEGIN;
	      INSERT INTO pgkube.objects (api_group, resource, namespace, name, uid, rv, created_rv, object)
	      VALUES ('', 'services', 'default', 'holder', gen_random_uuid(), 0, 0,
	              t.svc('holder', '{\"clusterIP\":\"10.0.0.50\",\"clusterIPs\":[\"10.0.0.50\"]}'));
	      SELECT 'claimed';" >&"$fd"
	if ! wait_until "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'pgkube_test_holder' AND state = 'idle in transaction' AND query LIKE '%claimed%')"; then
		fail "claims in flight" "the holding session did not start"
	else
		section "a claim in flight fails other claims at once (no wait, no deadlock)" <<-'SQL'
			SET lock_timeout = '3s';
			SELECT t.expect_error($$SELECT t.create('racer', '{"clusterIP":"10.0.0.50","clusterIPs":["10.0.0.50"]}')$$,
			                      'PGK23', 'ip 10.0.0.50');
			-- an update takes the counter before its trigger runs
			SELECT t.expect_error($$SELECT t.update('plain', '{"clusterIP":"10.0.0.41","clusterIPs":["10.0.0.41","fd00::50"]}')$$,
			                      '00000');
			SELECT t.expect_error($$SELECT t.update('plain', '{"type":"NodePort","clusterIP":"10.0.0.41","clusterIPs":["10.0.0.41"]}')$$,
			                      '00000');
			SELECT t.expect_error($$SELECT t.update('takes-20', '{"clusterIP":"10.0.0.20","clusterIPs":["10.0.0.20","10.0.0.50"]}')$$,
			                      'PGK23', 'ip 10.0.0.50');
		SQL
	fi
	echo "ROLLBACK;" >&"$fd"
	exec {fd}>&-
	wait "$HOLDER_PID" || true
	section "after the holder rolled back, the value is free" <<-'SQL'
		SELECT t.create('racer', '{"clusterIP":"10.0.0.50","clusterIPs":["10.0.0.50"]}');
		SELECT t.eq(t.held('default', 'racer'), 'ip 10.0.0.50', 'racer holds it');
		SELECT t.consistent();
	SQL
	# A committed claim: the same answer.
	section "a committed claim fails later claims" <<-'SQL'
		SELECT t.expect_error($$SELECT t.create('late', '{"clusterIP":"10.0.0.50","clusterIPs":["10.0.0.50"]}')$$,
		                      'PGK23', 'ip 10.0.0.50');
	SQL
}
claim_race_test

# ---------------------------------------------------------------------------
# 8 clients create and delete Services over 12 IPs and 12 node ports for 4 s:
# most writes conflict; none may ever leave a value held twice.
concurrency_test() {
	local script=$TMP/bench.sql out=$TMP/pgbench.out
	psql_test >/dev/null <<-'SQL'
		CREATE FUNCTION t.churn(n integer, ip integer, port integer, op integer) RETURNS text
		LANGUAGE plpgsql AS $$
		BEGIN
		    IF op = 1 THEN
		        PERFORM pgkube.delete_object('', 'services', 'bench', 's' || n, 0, NULL);
		        RETURN 'deleted';
		    END IF;
		    PERFORM pgkube.create_object('', 'services', 'bench', 's' || n, gen_random_uuid(),
		        t.svc('s' || n, jsonb_build_object('type', 'NodePort', 'clusterIP', '10.1.0.' || ip,
		                                            'clusterIPs', jsonb_build_array('10.1.0.' || ip),
		                                            'ports', jsonb_build_array(jsonb_build_object('port', 80, 'nodePort', 31000 + port)))),
		        NULL);
		    RETURN 'created';
		EXCEPTION
		    WHEN SQLSTATE 'PGK23' THEN RETURN 'conflict';
		    WHEN unique_violation THEN RETURN 'exists';
		    WHEN SQLSTATE 'PGK04' THEN RETURN 'missing';
		END $$;
	SQL
	cat >"$script" <<-'EOF'
		\set n random(1, 40)
		\set ip random(1, 12)
		\set port random(1, 12)
		\set op random(1, 3)
		SELECT t.churn(:n, :ip, :port, :op);
	EOF
	checks=$((checks + 1))
	if "$PGBENCH" -n -c 8 -j 2 -T 4 -f "$script" "$TDSN" >"$out" 2>&1 &&
		grep -q 'number of failed transactions: 0 ' "$out"; then
		echo "ok   - pgbench churn: $(grep -E '^number of transactions actually processed' "$out")"
	else
		fail "pgbench churn" "$(cat "$out")"
	fi
	section "after the churn: nothing held twice, the table in step" <<-'SQL'
		SELECT t.ok((SELECT count(*) FROM pgkube.objects WHERE namespace = 'bench') > 0, 'some Services stand');
		SELECT t.eq((SELECT count(*) FROM (
		                 SELECT object -> 'spec' ->> 'clusterIP' FROM pgkube.objects
		                  WHERE resource = 'services' AND namespace = 'bench'
		                  GROUP BY 1 HAVING count(*) > 1) x), 0::bigint, 'no IP held twice');
		SELECT t.eq((SELECT count(*) FROM (
		                 SELECT object -> 'spec' -> 'ports' -> 0 ->> 'nodePort' FROM pgkube.objects
		                  WHERE resource = 'services' AND namespace = 'bench'
		                  GROUP BY 1 HAVING count(*) > 1) x), 0::bigint, 'no node port held twice');
		SELECT t.consistent();
	SQL
}
concurrency_test

# ---------------------------------------------------------------------------
if [[ $(psql_test -tAc "SELECT pg_has_role(current_user, 'pgkube_readonly', 'MEMBER')") != t ]]; then
	echo "# skipped pgkube_readonly checks: $(psql_test -tAc 'SELECT current_user') cannot SET ROLE pgkube_readonly"
else
	section "pgkube_readonly reads the allocations and leases, cannot write them" <<-'SQL'
		SET ROLE pgkube_readonly;
		SELECT t.ok((SELECT count(*) FROM pgkube.service_allocations) > 0, 'reads service_allocations');
		SELECT t.eq((SELECT count(*) FROM pgkube.apiserver_leases), 0::bigint, 'reads apiserver_leases');
		SELECT t.expect_error($$DELETE FROM pgkube.service_allocations$$, '42501');
		SELECT t.expect_error($$INSERT INTO pgkube.apiserver_leases VALUES ('10.0.0.1', now())$$, '42501');
		RESET ROLE;
	SQL
fi

# ---------------------------------------------------------------------------
if ((failures > 0)); then
	echo "# $failures of $checks checks FAILED"
	exit 1
fi
echo "# all $checks checks passed"
