#!/usr/bin/env bash
# tests/sql/test_functions.sh DSN - the SQL migrations in sql/, against a real
# PostgreSQL.
#
# DSN is a libpq conninfo string or URI for a role that may create databases
# (a superuser also gets the auto_explain plan checks). The script creates a
# fresh database, applies sql/*.sql in file-name order, each in one
# transaction (as the server's migration runner does), then checks:
#   - create / update / delete, their errors and SQLSTATEs, preconditions;
#   - that failing writes fail before taking the resourceVersion counter;
#   - the change log: contiguous rvs, prev_rv chains, objects = newest rows;
#   - NOTIFY on pgkube_changes, once per committed write;
#   - concurrency (pgbench) with a poller that must never see a gap;
#   - list_at against a brute-force definition, and its pagination;
#   - compaction: exactly the rows etcd would keep, list_at unchanged;
#   - the views, and what pgkube_readonly may and may not do;
#   - query plans on 100k+ rows (index scans where they must be).
# Exit status 0 when every check passed. The database is dropped at the end
# unless PGKUBE_TEST_KEEP_DB=1. Set PGKUBE_TEST_SKIP_PLANS=1 to skip the
# (slower) plan checks.
#
#   deploy/dev-postgres.sh var/pg start
#   tests/sql/test_functions.sh "$(deploy/dev-postgres.sh var/pg dsn)"
set -euo pipefail

if (($# != 1)); then
	echo "usage: $0 DSN" >&2
	exit 2
fi
readonly ADMIN_DSN=$1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
DB=pgkube_sqltest_$$_$RANDOM
readonly DB
TMP=$(mktemp -d)
readonly TMP

# The DSN with its database replaced by $2 (conninfo: a later keyword wins).
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
		if [[ ${PGKUBE_TEST_VERBOSE:-0} == 1 && -n $out ]]; then
			indent <<<"$out"
		fi
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

# ---------------------------------------------------------------------------
echo "# database $DB"
psql_admin -c "CREATE DATABASE \"$DB\"" >/dev/null

shopt -s nullglob
migrations=("$ROOT"/sql/*.sql)
if ((${#migrations[@]} == 0)); then
	echo "no migrations in $ROOT/sql" >&2
	exit 1
fi
for f in "${migrations[@]}"; do
	if ! out=$(psql_test --single-transaction -f "$f" 2>&1); then
		fail "apply $(basename "$f")" "$out"
		exit 1
	fi
	if grep -q WARNING <<<"$out"; then
		echo "# $(basename "$f"): $out"
	fi
done
echo "ok   - applied ${#migrations[@]} migrations"

# Test helpers, in a schema of their own.
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

-- Runs sql; returns its SQLSTATE ('00000' on success), message and detail.
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

CREATE FUNCTION t.obj(kind text, ns text, n text, extra jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('apiVersion', 'v1', 'kind', kind,
               'metadata', jsonb_build_object('name', n, 'namespace', ns)) || extra
$$;

-- Outcomes of t.write calls that committed (same transaction as the write).
CREATE UNLOGGED TABLE t.outcomes (g text, r text, ns text, n text, outcome text);

-- One random write on a key, by op (1..10); errors are caught and
-- returned. Resource 'sealed' stores ciphertext (fake) instead of JSON.
CREATE FUNCTION t.write(g text, r text, ns text, n text, op integer) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    cur_rv  bigint;
    cur_uid uuid;
    u       uuid;
    obj     jsonb;
    enc     bytea;
    outcome text;
BEGIN
    SELECT o.rv, o.uid INTO cur_rv, cur_uid FROM pgkube.objects o
     WHERE o.api_group = g AND o.resource = r AND o.namespace = ns AND o.name = n;
    u := CASE WHEN cur_uid IS NULL OR op = 1 THEN gen_random_uuid() ELSE cur_uid END;
    obj := jsonb_build_object('apiVersion', 'v1', 'kind', 'Thing',
             'metadata', jsonb_build_object('name', n, 'namespace', ns, 'uid', u,
                                            'labels', jsonb_build_object('op', op::text)),
             'data', jsonb_build_object('x', md5(random()::text)));
    IF r = 'sealed' THEN
        enc := convert_to(obj::text, 'UTF8');
        obj := NULL;
    END IF;
    BEGIN
        IF cur_rv IS NULL OR op = 1 THEN
            PERFORM pgkube.create_object(g, r, ns, n, u, obj, enc);
            outcome := 'created';
        ELSIF op <= 5 THEN
            PERFORM pgkube.update_object(g, r, ns, n, cur_rv, obj, enc);
            outcome := 'updated';
        ELSIF op = 6 THEN
            PERFORM pgkube.update_object(g, r, ns, n, cur_rv - 1, obj, enc);
            outcome := 'updated-stale';
        ELSIF op = 7 THEN
            PERFORM pgkube.update_object(g, r, ns, n, 0, obj, enc);
            outcome := 'updated';
        ELSIF op = 8 THEN
            PERFORM pgkube.delete_object(g, r, ns, n, 0, gen_random_uuid());
            outcome := 'deleted-wrong-uid';
        ELSE
            PERFORM pgkube.delete_object(g, r, ns, n, cur_rv, cur_uid);
            outcome := 'deleted';
        END IF;
    EXCEPTION
        WHEN unique_violation THEN outcome := 'exists';
        WHEN SQLSTATE 'PGK04' THEN outcome := 'missing';
        WHEN SQLSTATE 'PGK09' THEN outcome := 'conflict';
        WHEN SQLSTATE 'PGK10' THEN outcome := 'uid';
    END;
    INSERT INTO t.outcomes VALUES (g, r, ns, n, outcome);
    RETURN outcome;
END $$;

-- The same random writes as t.write, on k distinct keys in one
-- pgkube.write_batch call; outcomes recorded the same way.
CREATE FUNCTION t.write_batch(g text, r text, ns text, k integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    ops     jsonb := '[]';
    names   text[];
    kinds   text[] := '{}';
    n       text;
    op      integer;
    cur_rv  bigint;
    cur_uid uuid;
    u       uuid;
    obj     jsonb;
    res     record;
BEGIN
    SELECT array_agg(DISTINCT 'cm-' || (1 + floor(random() * 300))::int) INTO names
      FROM generate_series(1, k);
    FOREACH n IN ARRAY names LOOP
        op := 1 + floor(random() * 10)::int;
        SELECT o.rv, o.uid INTO cur_rv, cur_uid FROM pgkube.objects o
         WHERE o.api_group = g AND o.resource = r AND o.namespace = ns AND o.name = n;
        u := CASE WHEN cur_uid IS NULL OR op = 1 THEN gen_random_uuid() ELSE cur_uid END;
        obj := jsonb_build_object('apiVersion', 'v1', 'kind', 'Thing',
                 'metadata', jsonb_build_object('name', n, 'namespace', ns, 'uid', u),
                 'data', jsonb_build_object('x', md5(random()::text)));
        IF cur_rv IS NULL OR op = 1 THEN
            ops := ops || jsonb_build_array(jsonb_build_object('op', 'create', 'group', g, 'resource', r,
                     'namespace', ns, 'name', n, 'uid', u, 'object', obj));
            kinds := kinds || 'created'::text;
        ELSIF op <= 5 THEN
            ops := ops || jsonb_build_array(jsonb_build_object('op', 'update', 'group', g, 'resource', r,
                     'namespace', ns, 'name', n, 'rv', cur_rv, 'object', obj));
            kinds := kinds || 'updated'::text;
        ELSIF op = 6 THEN
            ops := ops || jsonb_build_array(jsonb_build_object('op', 'update', 'group', g, 'resource', r,
                     'namespace', ns, 'name', n, 'rv', cur_rv - 1, 'object', obj));
            kinds := kinds || 'updated-stale'::text;
        ELSIF op = 8 THEN
            ops := ops || jsonb_build_array(jsonb_build_object('op', 'delete', 'group', g, 'resource', r,
                     'namespace', ns, 'name', n, 'rv', 0, 'uid', gen_random_uuid()));
            kinds := kinds || 'deleted-wrong-uid'::text;
        ELSE
            ops := ops || jsonb_build_array(jsonb_build_object('op', 'delete', 'group', g, 'resource', r,
                     'namespace', ns, 'name', n, 'rv', cur_rv, 'uid', cur_uid));
            kinds := kinds || 'deleted'::text;
        END IF;
    END LOOP;
    FOR res IN SELECT * FROM pgkube.write_batch(ops) LOOP
        INSERT INTO t.outcomes VALUES (g, r, ns, names[res.idx + 1],
            CASE coalesce(res.sqlstate, 'ok')
                WHEN 'ok' THEN kinds[res.idx + 1]
                WHEN '23505' THEN 'exists' WHEN 'PGK04' THEN 'missing'
                WHEN 'PGK09' THEN 'conflict' WHEN 'PGK10' THEN 'uid' END);
    END LOOP;
    RETURN jsonb_array_length(ops);
END $$;

-- The invariants of the log and the current state. With contiguous, the
-- rvs must run without a gap from the first row to the counter (no
-- compaction yet).
CREATE FUNCTION t.check_log(contiguous boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    n bigint; lo bigint; hi bigint; k bigint; cur bigint;
BEGIN
    SELECT count(*), min(rv), max(rv) INTO n, lo, hi FROM pgkube.changes;
    cur := pgkube.current_rv();
    IF contiguous THEN
        PERFORM t.eq(n, hi - lo + 1, 'change rows from ' || lo || ' to ' || hi || ' without gaps');
        PERFORM t.eq(hi, cur, 'newest change row = counter');
    ELSE
        PERFORM t.ok(hi <= cur, 'no change row above the counter');
    END IF;
    k := (SELECT compacted_rv FROM pgkube.compaction);

    -- Each key's rows: ADDED (prev 0) first or after a DELETED, then rows
    -- whose prev_rv is the row before, with the same uid. Before the
    -- compaction point a key's first row may have lost its predecessor.
    SELECT count(*) INTO n FROM (
        SELECT c.*, lag(c.rv) OVER w AS p_rv, lag(c.type) OVER w AS p_type, lag(c.uid) OVER w AS p_uid
          FROM pgkube.changes c
        WINDOW w AS (PARTITION BY c.api_group, c.resource, c.namespace, c.name ORDER BY c.rv)
    ) s
    WHERE NOT CASE
        WHEN s.type = 'ADDED' THEN s.prev_rv = 0 AND (s.p_type IS NULL OR s.p_type = 'DELETED')
        WHEN s.p_rv IS NULL THEN s.prev_rv > 0 AND s.prev_rv <= k
        ELSE s.prev_rv = s.p_rv AND s.p_type <> 'DELETED' AND s.uid = s.p_uid
    END;
    PERFORM t.eq(n, 0::bigint, 'change rows breaking their key''s prev_rv chain');

    SELECT count(*) INTO n FROM pgkube.changes c
     WHERE c.object IS NOT NULL AND c.object -> 'metadata' ->> 'resourceVersion' IS DISTINCT FROM c.rv::text;
    PERFORM t.eq(n, 0::bigint, 'change rows whose metadata.resourceVersion is not their rv');
    SELECT count(*) INTO n FROM pgkube.objects o
     WHERE o.object IS NOT NULL AND o.object -> 'metadata' ->> 'resourceVersion' IS DISTINCT FROM o.rv::text;
    PERFORM t.eq(n, 0::bigint, 'objects whose metadata.resourceVersion is not their rv');

    -- objects = the newest row of each key, unless DELETED.
    SELECT count(*) INTO n FROM pgkube.objects o
      FULL JOIN (SELECT * FROM (
                   SELECT DISTINCT ON (c.api_group, c.resource, c.namespace, c.name) c.*
                     FROM pgkube.changes c
                    ORDER BY c.api_group, c.resource, c.namespace, c.name, c.rv DESC) l
                  WHERE l.type <> 'DELETED') l
        ON (l.api_group, l.resource, l.namespace, l.name) = (o.api_group, o.resource, o.namespace, o.name)
     WHERE o.rv IS DISTINCT FROM l.rv OR o.uid IS DISTINCT FROM l.uid
        OR o.object IS DISTINCT FROM l.object OR o.encrypted IS DISTINCT FROM l.encrypted;
    PERFORM t.eq(n, 0::bigint, 'objects rows differing from the newest non-DELETED change row');

    -- created_rv is the rv of the key's latest ADDED row, where it is left.
    SELECT count(*) INTO n FROM pgkube.objects o
      JOIN LATERAL (SELECT c.rv, c.type FROM pgkube.changes c
                     WHERE (c.api_group, c.resource, c.namespace, c.name) = (o.api_group, o.resource, o.namespace, o.name)
                       AND c.type = 'ADDED' ORDER BY c.rv DESC LIMIT 1) a ON true
     WHERE a.rv <> o.created_rv;
    PERFORM t.eq(n, 0::bigint, 'objects whose created_rv is not their ADDED row');
END $$;

-- list_at's answer by definition: newest row per key with rv <= at, unless
-- DELETED, in key order.
CREATE FUNCTION t.brute(g text, r text, ns text, at bigint)
RETURNS TABLE (namespace text, name text, rv bigint, object jsonb, encrypted bytea)
LANGUAGE sql STABLE AS $$
    SELECT l.namespace, l.name, l.rv, l.object, l.encrypted FROM (
        SELECT DISTINCT ON (c.namespace, c.name) c.*
          FROM pgkube.changes c
         WHERE c.api_group = g AND c.resource = r AND (ns IS NULL OR c.namespace = ns) AND c.rv <= at
         ORDER BY c.namespace, c.name, c.rv DESC) l
     WHERE l.type <> 'DELETED'
     ORDER BY l.namespace COLLATE "C", l.name COLLATE "C"
$$;

-- Pages of list_at of size page, followed by continue keys, must add up to
-- the whole list, in strictly increasing key order.
CREATE FUNCTION t.check_pages(g text, r text, ns text, at bigint, page integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    whole text[]; got text[] := '{}'; a_ns text; a_n text; row_count integer; rec record;
    prev text := NULL; k text; pages integer := 0;
BEGIN
    SELECT coalesce(array_agg(l.namespace || '/' || l.name ORDER BY l.namespace COLLATE "C", l.name COLLATE "C"), '{}')
      INTO whole FROM pgkube.list_at(g, r, ns, at, NULL, NULL, NULL) l;
    LOOP
        row_count := 0;
        FOR rec IN SELECT * FROM pgkube.list_at(g, r, ns, at, a_ns, a_n, page) LOOP
            k := rec.namespace || '/' || rec.name;
            IF prev IS NOT NULL AND NOT ((rec.namespace COLLATE "C", rec.name COLLATE "C") > (a_ns, a_n)) THEN
                RAISE EXCEPTION 'check failed: list_at page order: % after %/%', k, a_ns, a_n;
            END IF;
            got := got || k;
            a_ns := rec.namespace; a_n := rec.name; prev := k;
            row_count := row_count + 1;
        END LOOP;
        pages := pages + 1;
        PERFORM t.ok(row_count <= page, 'page not larger than its limit');
        EXIT WHEN row_count < page;
        PERFORM t.ok(pages < 10000, 'pagination terminates');
    END LOOP;
    PERFORM t.eq(got, whole, format('pages of %s of list_at(%s, %s, %s, %s)', page, g, r, ns, at));
END $$;
SQL

# ---------------------------------------------------------------------------
section "initial state" <<'SQL'
SELECT t.eq(pgkube.current_rv(), 1::bigint, 'counter seeded with 1');
SELECT t.eq((SELECT compacted_rv FROM pgkube.compaction), 0::bigint, 'compacted_rv starts at 0');
SELECT t.eq((SELECT count(*) FROM pgkube.objects), 0::bigint, 'no objects');
SELECT t.expect_error($$UPDATE pgkube.revision SET id = false$$, '23514');
SELECT t.expect_error($$INSERT INTO pgkube.revision (id, rv) VALUES (true, 5)$$, '23505');
SQL

section "create, duplicate, update, conflict, delete, preconditions" <<'SQL'
\set pod '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p1","namespace":"default","uid":"11111111-1111-1111-1111-111111111111","labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}'
-- create: rv 2, written into the JSON as a string
SELECT t.eq(rv, 2::bigint, 'first write gets rv 2'),
       t.eq(object -> 'metadata' ->> 'resourceVersion', '2', 'metadata.resourceVersion in the returned object'),
       t.eq(object - 'metadata', (:'pod'::jsonb) - 'metadata', 'the rest of the object unchanged')
  FROM pgkube.create_object('', 'pods', 'default', 'p1', '11111111-1111-1111-1111-111111111111', :'pod', NULL);
SELECT t.eq((SELECT rv FROM pgkube.objects WHERE name = 'p1'), 2::bigint, 'objects.rv');
SELECT t.eq((SELECT created_rv FROM pgkube.objects WHERE name = 'p1'), 2::bigint, 'objects.created_rv');
SELECT t.eq((SELECT object -> 'metadata' ->> 'resourceVersion' FROM pgkube.objects WHERE name = 'p1'), '2', 'stored resourceVersion');

-- duplicate, at top level (autocommit, as the server calls it)
\set ON_ERROR_STOP 0
SELECT * FROM pgkube.create_object('', 'pods', 'default', 'p1', gen_random_uuid(), :'pod', NULL);
\set ON_ERROR_STOP 1
SELECT t.eq(:'SQLSTATE', '23505', 'duplicate create raises unique_violation');
SELECT t.eq(pgkube.current_rv(), 2::bigint, 'failed create consumed no rv');
-- same key in another namespace, group or resource is no duplicate
SELECT t.eq(rv, 3::bigint, 'other namespace') FROM pgkube.create_object('', 'pods', 'other', 'p1', gen_random_uuid(), :'pod', NULL);
SELECT t.eq(rv, 4::bigint, 'other group') FROM pgkube.create_object('example.com', 'pods', 'default', 'p1', gen_random_uuid(), :'pod', NULL);
SELECT t.eq(rv, 5::bigint, 'cluster-scoped') FROM pgkube.create_object('', 'pods', '', 'p1', gen_random_uuid(), :'pod', NULL);

-- update: conditional, right rv
SELECT t.eq(rv, 6::bigint, 'update rv'),
       t.eq(object -> 'metadata' ->> 'resourceVersion', '6', 'update writes the rv'),
       t.eq(object -> 'metadata' -> 'labels' ->> 'app', 'y', 'update stores the new object')
  FROM pgkube.update_object('', 'pods', 'default', 'p1', 2, jsonb_set(:'pod', '{metadata,labels,app}', '"y"'), NULL);
SELECT t.eq((SELECT uid FROM pgkube.objects WHERE namespace = 'default' AND name = 'p1' AND api_group = ''),
            '11111111-1111-1111-1111-111111111111'::uuid, 'uid unchanged by update');
SELECT t.eq((SELECT created_rv FROM pgkube.objects WHERE namespace = 'default' AND name = 'p1' AND api_group = ''),
            2::bigint, 'created_rv unchanged by update');

-- update: stale rv -> PGK09 with the current rv, at top level and caught
\set ON_ERROR_STOP 0
SELECT * FROM pgkube.update_object('', 'pods', 'default', 'p1', 2, :'pod', NULL);
\set ON_ERROR_STOP 1
SELECT t.eq(:'SQLSTATE', 'PGK09', 'stale update');
SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'p1', 5, '{"metadata":{}}', NULL)$$,
                      'PGK09', 'current rv 6');
SELECT t.eq((t.err($$SELECT pgkube.update_object('', 'pods', 'default', 'p1', 5, '{"metadata":{}}', NULL)$$)).msg,
            'resourceVersion conflict', 'PGK09 message');
-- update: missing -> PGK04 'not found'
SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'nope', 0, '{"metadata":{}}', NULL)$$, 'PGK04');
SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'nope', 7, '{"metadata":{}}', NULL)$$, 'PGK04');
SELECT t.eq((t.err($$SELECT pgkube.update_object('', 'pods', 'default', 'nope', 0, '{"metadata":{}}', NULL)$$)).msg,
            'not found', 'PGK04 message');
-- update: unconditional
SELECT t.eq(rv, 7::bigint, 'unconditional update')
  FROM pgkube.update_object('', 'pods', 'default', 'p1', 0, :'pod', NULL);
SELECT t.eq(rv, 8::bigint, 'NULL expected rv is unconditional too')
  FROM pgkube.update_object('', 'pods', 'default', 'p1', NULL, :'pod', NULL);
-- bad arguments (server bugs): 22023, nothing written
SELECT t.expect_error($$SELECT pgkube.create_object('', 'pods', 'default', 'x', gen_random_uuid(), NULL, NULL)$$, '22023');
SELECT t.expect_error($$SELECT pgkube.create_object('', 'pods', 'default', 'x', gen_random_uuid(), '{"metadata":{}}', '\x00')$$, '22023');
SELECT t.expect_error($$SELECT pgkube.create_object('', 'pods', 'default', 'x', gen_random_uuid(), '{"kind":"Pod"}', NULL)$$, '22023');
SELECT t.expect_error($$SELECT pgkube.create_object('', 'pods', 'default', 'x', NULL, '{"metadata":{}}', NULL)$$, '23502');
SELECT t.expect_error($$SELECT pgkube.create_object('', 'pods', NULL, 'x', gen_random_uuid(), '{"metadata":{}}', NULL)$$, '23502');
SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'p1', 0, '[]', NULL)$$, '22023');
SELECT t.eq(pgkube.current_rv(), 8::bigint, 'failed writes consumed no rv');

-- delete: missing, uid precondition (checked first), rv precondition
SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'default', 'nope', 0, NULL)$$, 'PGK04');
SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'default', 'p1', 0, '22222222-2222-2222-2222-222222222222')$$,
                      'PGK10', 'current uid 11111111-1111-1111-1111-111111111111');
SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'default', 'p1', 3, '22222222-2222-2222-2222-222222222222')$$,
                      'PGK10');
SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'default', 'p1', 3, NULL)$$, 'PGK09', 'current rv 8');
SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'default', 'p1', 3, '11111111-1111-1111-1111-111111111111')$$,
                      'PGK09', 'current rv 8');
SELECT t.eq(pgkube.current_rv(), 8::bigint, 'failed deletes consumed no rv');
-- delete with both preconditions right: returns the last state at the deletion rv
SELECT t.eq(rv, 9::bigint, 'delete rv'),
       t.eq(object -> 'metadata' ->> 'resourceVersion', '9', 'DELETED object carries the deletion rv'),
       t.eq(object - 'metadata', (:'pod'::jsonb) - 'metadata', 'DELETED object is the last state')
  FROM pgkube.delete_object('', 'pods', 'default', 'p1', 8, '11111111-1111-1111-1111-111111111111');
SELECT t.eq((SELECT count(*) FROM pgkube.objects WHERE api_group = '' AND namespace = 'default' AND name = 'p1'), 0::bigint, 'row gone');
SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'default', 'p1', 0, NULL)$$, 'PGK04');
SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'p1', 0, '{"metadata":{}}', NULL)$$, 'PGK04');
-- recreate under a new uid: a new generation
SELECT t.eq(rv, 10::bigint, 'recreate') FROM pgkube.create_object('', 'pods', 'default', 'p1', '33333333-3333-3333-3333-333333333333', :'pod', NULL);
SELECT t.eq((SELECT created_rv FROM pgkube.objects WHERE api_group = '' AND namespace = 'default' AND name = 'p1'), 10::bigint, 'created_rv of the recreate');
-- delete without preconditions
SELECT t.eq(rv, 11::bigint, 'unconditional delete') FROM pgkube.delete_object('', 'pods', 'other', 'p1', 0, NULL);

-- the log of all that
SELECT t.eq(array_agg(format('%s %s %s/%s %s', rv, type, namespace, name, prev_rv) ORDER BY rv),
            ARRAY['2 ADDED default/p1 0', '3 ADDED other/p1 0', '4 ADDED default/p1 0', '5 ADDED /p1 0',
                  '6 MODIFIED default/p1 2', '7 MODIFIED default/p1 6', '8 MODIFIED default/p1 7',
                  '9 DELETED default/p1 8', '10 ADDED default/p1 0', '11 DELETED other/p1 3'],
            'change log') FROM pgkube.changes;
SELECT t.eq((SELECT uid FROM pgkube.changes WHERE rv = 9), '11111111-1111-1111-1111-111111111111'::uuid, 'DELETED row uid');
SELECT t.eq((SELECT uid FROM pgkube.changes WHERE rv = 10), '33333333-3333-3333-3333-333333333333'::uuid, 'recreate uid');
SELECT t.check_log(true);
SQL

section "encrypted objects keep their ciphertext" <<'SQL'
SELECT t.eq(object, NULL::jsonb, 'no JSON returned for an encrypted create')
  FROM pgkube.create_object('', 'secrets', 'default', 's1', gen_random_uuid(), NULL, '\xdeadbeef');
SELECT t.eq((SELECT encrypted FROM pgkube.objects WHERE resource = 'secrets' AND name = 's1'), '\xdeadbeef'::bytea, 'ciphertext stored as given');
SELECT t.eq(rv, (SELECT rv FROM pgkube.objects WHERE resource = 'secrets' AND name = 's1') + 1, 'encrypted update')
  FROM pgkube.update_object('', 'secrets', 'default', 's1', (SELECT rv FROM pgkube.objects WHERE resource = 'secrets' AND name = 's1'), NULL, '\xcafe');
SELECT t.expect_error($$SELECT pgkube.update_object('', 'secrets', 'default', 's1', 0, '{"metadata":{}}', '\x01')$$, '22023');
SELECT t.eq((SELECT encrypted FROM pgkube.changes WHERE rv = pgkube.current_rv()), '\xcafe'::bytea, 'change row keeps the ciphertext');
SELECT t.eq(object, NULL::jsonb, 'encrypted delete')
  FROM pgkube.delete_object('', 'secrets', 'default', 's1', 0, NULL);
SELECT t.eq((SELECT format('%s %s', type, encrypted) FROM pgkube.changes WHERE rv = pgkube.current_rv()),
            'DELETED \xcafe', 'DELETED row keeps the last ciphertext');
SELECT t.check_log(true);
SQL

section "write_batch: group commit, each write on its own" <<'SQL'
\set cm '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"default"}}'
SELECT rv AS b0 FROM pgkube.create_object('', 'configmaps', 'default', 'b-upd', gen_random_uuid(), :'cm', NULL) \gset
SELECT rv AS b1 FROM pgkube.create_object('', 'configmaps', 'default', 'b-del', '44444444-4444-4444-4444-444444444444', :'cm', NULL) \gset
CREATE TEMP TABLE batch_out AS
SELECT * FROM pgkube.write_batch(jsonb_build_array(
    jsonb_build_object('op', 'create', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'b-new', 'uid', '55555555-5555-5555-5555-555555555555', 'rv', 0, 'object', :'cm'::jsonb),
    jsonb_build_object('op', 'create', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'b-upd', 'uid', gen_random_uuid(), 'rv', 0, 'object', :'cm'::jsonb),
    jsonb_build_object('op', 'update', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'b-upd', 'rv', :b0, 'object', jsonb_set(:'cm', '{data}', '{"k":"v"}')),
    jsonb_build_object('op', 'update', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'b-del', 'rv', :b0, 'object', :'cm'::jsonb),
    jsonb_build_object('op', 'update', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'nope', 'rv', 0, 'object', :'cm'::jsonb),
    jsonb_build_object('op', 'delete', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'b-del', 'rv', 0, 'uid', '66666666-6666-6666-6666-666666666666'),
    jsonb_build_object('op', 'delete', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'zz-missing', 'rv', 0, 'uid', NULL)));
SELECT t.eq(array_agg(format('%s %s %s %s', idx, rv - :b1, sqlstate, detail) ORDER BY idx),
            ARRAY['0 1  ', '1  23505 Key (api_group, resource, namespace, name) already exists.',
                  '2 2  ', '3  PGK09 current rv ' || :b1, '4  PGK04 not found',
                  '5  PGK10 current uid 44444444-4444-4444-4444-444444444444', '6  PGK04 not found'],
            'one row per write: consecutive rvs for the successes, in p_ops order')
  FROM batch_out;
SELECT t.eq(pgkube.current_rv(), :b1 + 2, 'failed writes of a batch consumed no rv');
SELECT t.eq((SELECT object -> 'metadata' ->> 'resourceVersion' FROM batch_out WHERE idx = 2), (:b1 + 2)::text,
            'returned object carries its rv');
SELECT t.eq((SELECT object -> 'data' ->> 'k' FROM pgkube.objects WHERE name = 'b-upd'), 'v', 'update stored');
SELECT t.eq((SELECT format('%s %s %s', uid, rv, created_rv) FROM pgkube.objects WHERE name = 'b-new'),
            format('55555555-5555-5555-5555-555555555555 %s %s', :b1 + 1, :b1 + 1), 'create stored');
-- the next batch deletes with the right preconditions and updates twice in one transaction's reach
SELECT t.eq(array_agg(format('%s %s %s', idx, rv - :b1, object -> 'metadata' ->> 'name') ORDER BY idx),
            ARRAY['0 3 b', '1 4 b'], 'delete and update in one batch')
  FROM pgkube.write_batch(jsonb_build_array(
    jsonb_build_object('op', 'delete', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'b-del', 'rv', :b1, 'uid', '44444444-4444-4444-4444-444444444444'),
    jsonb_build_object('op', 'update', 'group', '', 'resource', 'configmaps', 'namespace', 'default',
                       'name', 'b-new', 'rv', :b1 + 1, 'object', :'cm'::jsonb)));
SELECT t.eq(array_agg(format('%s %s %s', rv - :b1, type, name) ORDER BY rv),
            ARRAY['1 ADDED b-new', '2 MODIFIED b-upd', '3 DELETED b-del', '4 MODIFIED b-new'],
            'change log of the batches') FROM pgkube.changes WHERE rv > :b1;
SELECT t.eq((SELECT prev_rv FROM pgkube.changes WHERE rv = :b1 + 3), :b1::bigint, 'DELETED prev_rv');
SELECT t.eq(count(*), 0::bigint, 'an empty batch writes nothing') FROM pgkube.write_batch('[]');
SELECT t.expect_error($$SELECT pgkube.write_batch('{}')$$, '22023');
SELECT t.expect_error($$SELECT pgkube.write_batch('[{"op":"upsert","group":"","resource":"x","namespace":"","name":"y"}]')$$, '22023');
SELECT t.check_log(true);
SQL

# ---------------------------------------------------------------------------
# A failing write must fail before it asks for the counter: with the counter
# row locked by another session, failures come back at once (not as a lock
# timeout), while a write that would succeed waits.
lock_order_test() {
	local fd out
	coproc LOCKER { psql -X -q -v ON_ERROR_STOP=1 -d "$TDSN" >/dev/null 2>&1; }
	fd=${LOCKER[1]}
	echo "SET application_name = 'pgkube_test_locker'; BEGIN; UPDATE pgkube.revision SET rv = rv;" >&"$fd"
	if ! wait_until "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'pgkube_test_locker' AND state = 'idle in transaction' AND query LIKE 'UPDATE pgkube.revision%')"; then
		fail "failing writes fail before the counter lock" "the locking session did not start"
	else
		section "failing writes fail before the counter lock" <<-'SQL'
			SET lock_timeout = '2s';
			SELECT t.expect_error($$SELECT pgkube.create_object('', 'pods', 'default', 'p1', gen_random_uuid(), '{"metadata":{}}', NULL)$$, '23505');
			SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'p1', 3, '{"metadata":{}}', NULL)$$, 'PGK09');
			SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'nope', 0, '{"metadata":{}}', NULL)$$, 'PGK04');
			SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'default', 'p1', 0, gen_random_uuid())$$, 'PGK10');
			SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'default', 'p1', 3, NULL)$$, 'PGK09');
			SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'p1', 0, NULL, NULL)$$, '22023');
			-- reads do not wait either
			SELECT t.ok(pgkube.current_rv() > 0, 'current_rv() does not wait');
			SELECT t.ok((SELECT count(*) FROM pgkube.list_at('', 'pods', NULL, pgkube.current_rv(), NULL, NULL, 10)) > 0, 'list_at does not wait');
			-- a write that would succeed waits for the counter: lock timeout
			SET lock_timeout = '200ms';
			SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'default', 'p1', 0, '{"metadata":{}}', NULL)$$, '55P03');
			SELECT t.expect_error($$SELECT pgkube.create_object('', 'pods', 'default', 'p9', gen_random_uuid(), '{"metadata":{}}', NULL)$$, '55P03');
			-- compaction does not touch the counter
			SELECT t.eq(pgkube.compact(0, 10), 0::bigint, 'compaction runs while the counter is locked');
		SQL
	fi
	echo "ROLLBACK;" >&"$fd"
	exec {fd}>&-
	wait "$LOCKER_PID" || true
}
lock_order_test

# ---------------------------------------------------------------------------
# NOTIFY: one notification per committed write, payload = its rv; none for a
# failed write.
notify_test() {
	local fd out=$TMP/listener.out rv1 rv2 got
	coproc LISTENER { psql -X -q -d "$TDSN" >"$out" 2>&1; }
	fd=${LISTENER[1]}
	echo "SET application_name = 'pgkube_test_listener'; LISTEN pgkube_changes;" >&"$fd"
	if ! wait_until "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'pgkube_test_listener' AND state = 'idle' AND query LIKE 'LISTEN%')"; then
		fail "notify" "the listening session did not start"
		exec {fd}>&-
		wait "$LISTENER_PID" || true
		return
	fi
	rv1=$(psql_test -tAc "SELECT rv FROM pgkube.create_object('', 'configmaps', 'default', 'n1', gen_random_uuid(), '{\"metadata\":{}}', NULL)")
	psql_test -tAc "SELECT pgkube.create_object('', 'configmaps', 'default', 'n1', gen_random_uuid(), '{\"metadata\":{}}', NULL)" >/dev/null 2>&1 || true
	psql_test -tAc "SELECT pgkube.update_object('', 'configmaps', 'default', 'n1', 1, '{\"metadata\":{}}', NULL)" >/dev/null 2>&1 || true
	rv2=$(psql_test -tAc "SELECT rv FROM pgkube.delete_object('', 'configmaps', 'default', 'n1', 0, NULL)")
	echo "SELECT 'listener done';" >&"$fd"
	exec {fd}>&-
	wait "$LISTENER_PID" || true
	got=$(grep -o 'Asynchronous notification "[^"]*" with payload "[^"]*"' "$out" | sed 's/.*payload "\([^"]*\)"/\1/' | tr '\n' ' ')
	checks=$((checks + 1))
	if [[ $got == "$rv1 $rv2 " ]]; then
		echo "ok   - notify: one notification per committed write ($got)"
	else
		fail "notify: want payloads '$rv1 $rv2 ', got '$got'" "$(cat "$out")"
	fi
}
notify_test

# ---------------------------------------------------------------------------
# Concurrency: 8 clients write random keys (creates, updates, stale updates,
# deletes, one at a time and in pgkube.write_batch batches) for 5 s while a
# poller reads the log as a watch hub does, "rows after the last rv seen, in
# rv order": commit order = rv order means it must never see rv N+1 before N.
concurrency_test() {
	local script=$TMP/bench.sql poller_out=$TMP/poller.out bench_out=$TMP/pgbench.out poller_pid status=0
	cat >"$script" <<-'EOF'
		\set n random(1, 300)
		\set op random(1, 10)
		SELECT t.write('', 'configmaps', 'bench', 'cm-' || :n, :op);
	EOF
	cat >"$script.batch" <<-'EOF'
		\set k random(2, 8)
		SELECT t.write_batch('', 'configmaps', 'bench', :k);
	EOF
	psql_test >"$poller_out" 2>&1 <<-'SQL' &
		DO $$
		DECLARE
		    last bigint := pgkube.current_rv();
		    r record;
		    polls integer := 0;
		    seen bigint := 0;
		    deadline timestamptz := clock_timestamp() + interval '7 seconds';
		BEGIN
		    WHILE clock_timestamp() < deadline LOOP
		        FOR r IN SELECT c.rv FROM pgkube.changes c WHERE c.rv > last ORDER BY c.rv LOOP
		            IF r.rv <> last + 1 THEN
		                RAISE EXCEPTION 'poller saw rv % right after %: a gap', r.rv, last;
		            END IF;
		            last := r.rv;
		            seen := seen + 1;
		        END LOOP;
		        polls := polls + 1;
		        PERFORM pg_sleep(0.0005);
		    END LOOP;
		    IF seen = 0 THEN
		        RAISE EXCEPTION 'poller saw no rows';
		    END IF;
		    RAISE NOTICE 'poller: % polls, % rows, no gaps', polls, seen;
		END $$;
	SQL
	poller_pid=$!
	sleep 0.5
	checks=$((checks + 1))
	if "$PGBENCH" -n -c 8 -j 2 -T 5 -f "$script" -f "$script.batch" "$TDSN" >"$bench_out" 2>&1 &&
		grep -q 'number of failed transactions: 0 ' "$bench_out"; then
		echo "ok   - pgbench: $(grep -E '^(number of transactions actually processed|tps)' "$bench_out" | tr '\n' ';')"
	else
		fail "pgbench" "$(cat "$bench_out")"
	fi
	wait "$poller_pid" || status=$?
	checks=$((checks + 1))
	if ((status == 0)); then
		echo "ok   - $(grep -o 'poller: .*' "$poller_out")"
	else
		fail "poller during pgbench" "$(cat "$poller_out")"
	fi
	section "log after concurrent writes" <<-'SQL'
		SELECT t.check_log(true);
		SELECT t.ok((SELECT count(*) FROM pgkube.changes WHERE namespace = 'bench') > 100, 'bench wrote rows');
		-- every write that reported success committed, and only those
		SELECT t.eq((SELECT count(*) FROM t.outcomes WHERE ns = 'bench' AND outcome IN ('created', 'updated', 'deleted')),
		            (SELECT count(*) FROM pgkube.changes WHERE namespace = 'bench'), 'successful writes = change rows');
		SELECT t.eq((SELECT count(*) FROM t.outcomes WHERE outcome IN ('updated-stale', 'deleted-wrong-uid')), 0::bigint,
		            'stale updates and wrong-uid deletes never succeed');
		SELECT t.ok((SELECT count(DISTINCT outcome) FROM t.outcomes WHERE ns = 'bench') >= 5, 'bench hit the error paths');
	SQL
}
concurrency_test

# ---------------------------------------------------------------------------
section "list_at: matches its definition at every rv, pagination" <<'SQL'
-- A history of creates, updates, deletes and recreates over 60 keys in 3
-- namespaces, JSON ('widgets') and ciphertext ('sealed'), interleaved.
CREATE TABLE t.marks AS SELECT pgkube.current_rv() AS r0;
SELECT setseed(0.25);
SELECT count(t.write('example.com', CASE WHEN i % 5 = 0 THEN 'sealed' ELSE 'widgets' END,
                     'ns-' || (i % 3), 'w-' || lpad((floor(random() * 20))::int::text, 2, '0'),
                     1 + floor(random() * 10)::int))
  FROM generate_series(1, 600) AS i;
ALTER TABLE t.marks ADD COLUMN r1 bigint;
UPDATE t.marks SET r1 = pgkube.current_rv();
SELECT t.check_log(true);

DO $$
DECLARE
    m record; n bigint; res text; ns text;
BEGIN
    SELECT * INTO m FROM t.marks;
    FOR n IN m.r0 .. m.r1 LOOP
        FOREACH res IN ARRAY ARRAY['widgets', 'sealed'] LOOP
            IF EXISTS (SELECT * FROM pgkube.list_at('example.com', res, NULL, n, NULL, NULL, NULL)
                       EXCEPT ALL SELECT * FROM t.brute('example.com', res, NULL, n))
               OR EXISTS (SELECT * FROM t.brute('example.com', res, NULL, n)
                          EXCEPT ALL SELECT * FROM pgkube.list_at('example.com', res, NULL, n, NULL, NULL, NULL)) THEN
                RAISE EXCEPTION 'check failed: list_at(%, all namespaces, %) differs from its definition', res, n;
            END IF;
            FOREACH ns IN ARRAY ARRAY['ns-0', 'ns-1', 'ns-2', 'none'] LOOP
                IF EXISTS (SELECT * FROM pgkube.list_at('example.com', res, ns, n, NULL, NULL, NULL)
                           EXCEPT ALL SELECT * FROM t.brute('example.com', res, ns, n))
                   OR EXISTS (SELECT * FROM t.brute('example.com', res, ns, n)
                              EXCEPT ALL SELECT * FROM pgkube.list_at('example.com', res, ns, n, NULL, NULL, NULL)) THEN
                    RAISE EXCEPTION 'check failed: list_at(%, %, %) differs from its definition', res, ns, n;
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;
END $$;
-- the state at the current rv is the objects table
SELECT t.eq((SELECT array_agg(format('%s/%s@%s', namespace, name, rv) ORDER BY namespace COLLATE "C", name COLLATE "C")
               FROM pgkube.list_at('example.com', 'widgets', NULL, pgkube.current_rv(), NULL, NULL, NULL)),
            (SELECT array_agg(format('%s/%s@%s', namespace, name, rv) ORDER BY namespace, name)
               FROM pgkube.objects WHERE api_group = 'example.com' AND resource = 'widgets'),
            'list_at(current) = objects');
-- pages of every size add up to the whole, in order, all namespaces and one
SELECT t.check_pages('example.com', 'widgets', ns, at, page)
  FROM t.marks,
       unnest(ARRAY[NULL, 'ns-1']) AS ns,
       LATERAL (VALUES (r1), ((r0 + r1) / 2)) AS a (at),
       unnest(ARRAY[1, 2, 3, 7, 1000]) AS page;
-- continue keys are exclusive; a namespace-scoped list ignores p_after_namespace
SELECT t.eq((SELECT array_agg(name ORDER BY name) FROM pgkube.list_at('example.com', 'widgets', 'ns-1', pgkube.current_rv(), 'zzz', 'w-10', NULL)),
            (SELECT array_agg(name ORDER BY name) FROM pgkube.objects
              WHERE api_group = 'example.com' AND resource = 'widgets' AND namespace = 'ns-1' AND name > 'w-10'),
            'namespace-scoped continue');
SELECT t.eq((SELECT count(*) FROM pgkube.list_at('example.com', 'widgets', NULL, pgkube.current_rv(), 'ns-2', 'w-99', NULL)), 0::bigint,
            'nothing after the last key');
SELECT t.eq((SELECT count(*) FROM pgkube.list_at('example.com', 'widgets', NULL, pgkube.current_rv(), NULL, NULL, 0)), 0::bigint,
            'limit 0');
SELECT t.eq((SELECT count(*) FROM pgkube.list_at('example.com', 'widgets', NULL, 1, NULL, NULL, NULL)), 0::bigint,
            'empty before the first write');
-- an rv in the future is refused
SELECT t.expect_error(format($$SELECT * FROM pgkube.list_at('example.com', 'widgets', NULL, %s, NULL, NULL, NULL)$$, pgkube.current_rv() + 1),
                      'PGK42', 'current rv ' || pgkube.current_rv());
SQL

# ---------------------------------------------------------------------------
section "compaction keeps exactly the rows etcd keeps; list_at unchanged" <<'SQL'
ALTER TABLE t.marks ADD COLUMN target bigint, ADD COLUMN target2 bigint;
UPDATE t.marks SET target = (r0 + r1) / 2, target2 = r1 - 40;

-- The expected survivors, by the definition: every row above the target,
-- and the newest row of each key at or below it unless DELETED.
CREATE FUNCTION t.survivors(target bigint) RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
    SELECT c.rv FROM pgkube.changes c WHERE c.rv > target
    UNION ALL
    SELECT l.rv FROM (SELECT DISTINCT ON (c.api_group, c.resource, c.namespace, c.name) c.rv, c.type
                        FROM pgkube.changes c WHERE c.rv <= target
                       ORDER BY c.api_group, c.resource, c.namespace, c.name, c.rv DESC) l
     WHERE l.type <> 'DELETED'
$$;

-- Runs compact(target, batch) until it returns less than batch; checks
-- that no call deletes more than batch rows. Returns the calls made.
CREATE FUNCTION t.compact_all(target bigint, batch integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n bigint; calls integer := 0;
BEGIN
    LOOP
        n := pgkube.compact(target, batch);
        calls := calls + 1;
        PERFORM t.ok(n <= batch, 'compact() deleted at most p_batch rows');
        EXIT WHEN n < batch;
        PERFORM t.ok(calls < 100000, 'compaction terminates');
    END LOOP;
    RETURN calls;
END $$;

-- list_at at every rv from the target on, for both resources, before.
CREATE TABLE t.before AS
SELECT n AS at, res, l.*
  FROM t.marks, generate_series(target, r1) AS n, unnest(ARRAY['widgets', 'sealed']) AS res,
       LATERAL pgkube.list_at('example.com', res, NULL, n, NULL, NULL, NULL) AS l;
CREATE TABLE t.expected AS SELECT t.survivors(target) AS rv FROM t.marks;
CREATE TABLE t.above AS SELECT c.* FROM pgkube.changes c, t.marks WHERE c.rv > target;

-- First pass in small batches (cut short in the middle of chunks).
SELECT t.ok(t.compact_all(target, 7) > 1, 'several batches') FROM t.marks;
SELECT t.eq((SELECT compacted_rv FROM pgkube.compaction), target, 'compacted_rv raised to the target') FROM t.marks;
SELECT t.ok((SELECT compacted_at IS NOT NULL FROM pgkube.compaction), 'compacted_at set');
SELECT t.eq((SELECT array_agg(rv ORDER BY rv) FROM pgkube.changes),
            (SELECT array_agg(rv ORDER BY rv) FROM t.expected), 'surviving rows = the definition');
SELECT t.ok(NOT EXISTS (SELECT * FROM t.above EXCEPT ALL SELECT c.* FROM pgkube.changes c), 'rows above the target untouched');
SELECT t.ok((SELECT count(*) FROM t.before) > 0, 'something to compare');
SELECT t.ok(NOT EXISTS (
    (SELECT * FROM t.before
     EXCEPT ALL
     SELECT n, res, l.* FROM t.marks, generate_series(target, r1) AS n, unnest(ARRAY['widgets', 'sealed']) AS res,
            LATERAL pgkube.list_at('example.com', res, NULL, n, NULL, NULL, NULL) AS l)
    UNION ALL
    (SELECT n, res, l.* FROM t.marks, generate_series(target, r1) AS n, unnest(ARRAY['widgets', 'sealed']) AS res,
            LATERAL pgkube.list_at('example.com', res, NULL, n, NULL, NULL, NULL) AS l
     EXCEPT ALL
     SELECT * FROM t.before)),
    'list_at(N) identical before and after compaction for every N >= target');
SELECT t.check_log(false);
SELECT t.check_pages('example.com', 'widgets', NULL, target, 3) FROM t.marks;
-- too old
SELECT t.expect_error(format($$SELECT * FROM pgkube.list_at('example.com', 'widgets', NULL, %s, NULL, NULL, NULL)$$, target - 1),
                      'PGK41', 'compacted rv ' || target) FROM t.marks;
SELECT t.eq(pgkube.compact(target, 7), 0::bigint, 'nothing left at the same target') FROM t.marks;
-- never lowered
SELECT t.eq(pgkube.compact(target - 10, 7), 0::bigint, 'lower target deletes nothing') FROM t.marks;
SELECT t.eq((SELECT compacted_rv FROM pgkube.compaction), target, 'compacted_rv never lowered') FROM t.marks;
-- beyond the current rv: refused
SELECT t.expect_error(format('SELECT pgkube.compact(%s, 10)', pgkube.current_rv() + 1), '22023');
SELECT t.expect_error('SELECT pgkube.compact(1, 0)', '22023');

-- Second pass to a later target, one row per call (every cut-short path).
TRUNCATE t.before, t.expected, t.above;
INSERT INTO t.before
SELECT n AS at, res, l.*
  FROM t.marks, generate_series(target2, r1) AS n, unnest(ARRAY['widgets', 'sealed']) AS res,
       LATERAL pgkube.list_at('example.com', res, NULL, n, NULL, NULL, NULL) AS l;
INSERT INTO t.expected SELECT t.survivors(target2) FROM t.marks;
SELECT t.ok(t.compact_all(target2, 1) > 10, 'many single-row batches') FROM t.marks;
SELECT t.eq((SELECT array_agg(rv ORDER BY rv) FROM pgkube.changes),
            (SELECT array_agg(rv ORDER BY rv) FROM t.expected), 'surviving rows = the definition, second target');
SELECT t.ok(NOT EXISTS (
    (SELECT * FROM t.before
     EXCEPT ALL
     SELECT n, res, l.* FROM t.marks, generate_series(target2, r1) AS n, unnest(ARRAY['widgets', 'sealed']) AS res,
            LATERAL pgkube.list_at('example.com', res, NULL, n, NULL, NULL, NULL) AS l)
    UNION ALL
    (SELECT n, res, l.* FROM t.marks, generate_series(target2, r1) AS n, unnest(ARRAY['widgets', 'sealed']) AS res,
            LATERAL pgkube.list_at('example.com', res, NULL, n, NULL, NULL, NULL) AS l
     EXCEPT ALL
     SELECT * FROM t.before)),
    'list_at(N) identical for every N >= second target');
SELECT t.check_log(false);

-- Writing on after compaction: new rows chain onto the survivors.
SELECT count(t.write('example.com', 'widgets', 'ns-' || (i % 3), 'w-' || lpad((i % 20)::text, 2, '0'), 1 + (i * 7) % 10))
  FROM generate_series(1, 100) AS i;
SELECT t.check_log(false);
SELECT pgkube.compact(pgkube.current_rv(), 100000);
SELECT t.eq((SELECT array_agg(rv ORDER BY rv) FROM pgkube.changes),
            (SELECT array_agg(s ORDER BY s) FROM t.survivors(pgkube.current_rv()) AS s), 'compaction to the current rv');
SELECT t.eq((SELECT count(*) FROM pgkube.changes c WHERE c.type = 'DELETED'), 0::bigint, 'no tombstones left');
SELECT t.eq((SELECT count(*) FROM pgkube.changes), (SELECT count(*) FROM pgkube.objects), 'one row per live object');
SELECT t.check_log(false);
SQL

# ---------------------------------------------------------------------------
section "views" <<'SQL'
SET TimeZone = 'UTC';
SELECT pgkube.create_object('', 'namespaces', '', 'web', 'aaaaaaaa-0000-0000-0000-000000000001', $${
  "apiVersion": "v1", "kind": "Namespace",
  "metadata": {"name": "web", "uid": "aaaaaaaa-0000-0000-0000-000000000001",
               "creationTimestamp": "2024-05-01T10:00:00Z", "labels": {"kubernetes.io/metadata.name": "web"}},
  "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}$$, NULL);
SELECT pgkube.create_object('', 'nodes', '', 'node-1', 'aaaaaaaa-0000-0000-0000-000000000002', $${
  "apiVersion": "v1", "kind": "Node",
  "metadata": {"name": "node-1", "uid": "aaaaaaaa-0000-0000-0000-000000000002",
               "creationTimestamp": "2024-05-01T09:00:00Z",
               "labels": {"kubernetes.io/hostname": "node-1", "kubernetes.io/os": "linux"}},
  "spec": {"podCIDR": "10.244.1.0/24"},
  "status": {"conditions": [
      {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory"},
      {"type": "Ready", "status": "True", "reason": "KubeletReady", "lastHeartbeatTime": "2024-05-01T10:05:00Z"}],
    "addresses": [{"type": "InternalIP", "address": "192.168.1.10"}],
    "nodeInfo": {"kubeletVersion": "v1.32.1", "containerRuntimeVersion": "containerd://1.7.24", "osImage": "Debian GNU/Linux 12 (bookworm)"}}}$$, NULL);
SELECT pgkube.create_object('', 'nodes', '', 'node-2', 'aaaaaaaa-0000-0000-0000-000000000003', $${
  "apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-2", "creationTimestamp": "2024-05-01T09:00:00.123456Z"},
  "spec": {"unschedulable": true}, "status": {}}$$, NULL);
SELECT pgkube.create_object('', 'pods', 'web', 'frontend-6d4b9c7f8-x2x9z', 'aaaaaaaa-0000-0000-0000-000000000004', $${
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "frontend-6d4b9c7f8-x2x9z", "generateName": "frontend-6d4b9c7f8-", "namespace": "web",
               "uid": "aaaaaaaa-0000-0000-0000-000000000004", "creationTimestamp": "2024-05-01T10:01:02Z",
               "labels": {"app": "frontend", "pod-template-hash": "6d4b9c7f8"},
               "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "frontend-6d4b9c7f8",
                                    "uid": "aaaaaaaa-0000-0000-0000-0000000000ff", "controller": true, "blockOwnerDeletion": true}]},
  "spec": {"nodeName": "node-1", "restartPolicy": "Always", "serviceAccountName": "default",
           "containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"}],
                           "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]},
  "status": {"phase": "Running", "podIP": "10.244.1.17", "podIPs": [{"ip": "10.244.1.17"}], "hostIP": "192.168.1.10",
             "startTime": "2024-05-01T10:01:03Z",
             "conditions": [{"type": "Ready", "status": "True"}],
             "containerStatuses": [{"name": "nginx", "ready": true, "restartCount": 0, "image": "docker.io/library/nginx:1.27"}]}}$$, NULL);
SELECT pgkube.create_object('', 'pods', 'web', 'pending', 'aaaaaaaa-0000-0000-0000-000000000005', $${
  "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pending", "namespace": "web", "creationTimestamp": "not a time"},
  "spec": {"containers": [{"name": "c", "image": "busybox"}]}, "status": {"phase": "Pending"}}$$, NULL);
SELECT pgkube.create_object('apps', 'deployments', 'web', 'frontend', 'aaaaaaaa-0000-0000-0000-000000000006', $${
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "frontend", "namespace": "web", "uid": "aaaaaaaa-0000-0000-0000-000000000006",
               "creationTimestamp": "2024-05-01T10:01:00Z", "generation": 2, "labels": {"app": "frontend"}},
  "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "frontend"}},
           "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
           "template": {"metadata": {"labels": {"app": "frontend"}},
                        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"},
                                                {"name": "sidecar", "image": "envoyproxy/envoy:v1.31.0"}]}}},
  "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 2, "availableReplicas": 2,
             "conditions": [{"type": "Available", "status": "True"}]}}$$, NULL);
SELECT pgkube.create_object('apps', 'deployments', 'web', 'scaled-down', 'aaaaaaaa-0000-0000-0000-000000000007', $${
  "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "scaled-down", "namespace": "web"},
  "spec": {"replicas": 0, "template": {"spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}}}, "status": {}}$$, NULL);
SELECT pgkube.create_object('', 'services', 'web', 'frontend', 'aaaaaaaa-0000-0000-0000-000000000008', $${
  "apiVersion": "v1", "kind": "Service",
  "metadata": {"name": "frontend", "namespace": "web", "creationTimestamp": "2024-05-01T10:01:00Z"},
  "spec": {"type": "NodePort", "clusterIP": "10.96.12.34", "clusterIPs": ["10.96.12.34"], "selector": {"app": "frontend"},
           "ports": [{"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP", "nodePort": 30080}],
           "sessionAffinity": "None", "ipFamilies": ["IPv4"]},
  "status": {"loadBalancer": {}}}$$, NULL);
SELECT pgkube.create_object('', 'services', 'default', 'kubernetes', 'aaaaaaaa-0000-0000-0000-000000000009', $${
  "apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"},
  "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "targetPort": 6443, "protocol": "TCP"}]}}$$, NULL);
SELECT pgkube.create_object('', 'configmaps', 'web', 'nginx-conf', 'aaaaaaaa-0000-0000-0000-00000000000a', $${
  "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "nginx-conf", "namespace": "web"},
  "data": {"nginx.conf": "worker_processes 1;", "default.conf": "server {}"}, "binaryData": {"logo.png": "iVBORw0KGgo="}}$$, NULL);
SELECT pgkube.create_object('', 'configmaps', 'web', 'empty', 'aaaaaaaa-0000-0000-0000-00000000000b', $${
  "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "empty", "namespace": "web"}}$$, NULL);
SELECT pgkube.create_object('', 'events', 'web', 'frontend-6d4b9c7f8-x2x9z.17c1a2b3c4d5e6f7', 'aaaaaaaa-0000-0000-0000-00000000000c', $${
  "apiVersion": "v1", "kind": "Event",
  "metadata": {"name": "frontend-6d4b9c7f8-x2x9z.17c1a2b3c4d5e6f7", "namespace": "web", "creationTimestamp": "2024-05-01T10:01:05Z"},
  "involvedObject": {"kind": "Pod", "namespace": "web", "name": "frontend-6d4b9c7f8-x2x9z",
                     "uid": "aaaaaaaa-0000-0000-0000-000000000004", "apiVersion": "v1", "fieldPath": "spec.containers{nginx}"},
  "reason": "Pulled", "message": "Container image \"nginx:1.27\" already present on machine",
  "source": {"component": "kubelet", "host": "node-1"},
  "firstTimestamp": "2024-05-01T10:01:05Z", "lastTimestamp": "2024-05-01T10:03:05Z", "count": 3, "type": "Normal",
  "reportingComponent": "kubelet", "reportingInstance": "node-1"}$$, NULL);
SELECT pgkube.create_object('', 'events', 'web', 'scheduler.1', 'aaaaaaaa-0000-0000-0000-00000000000d', $${
  "apiVersion": "v1", "kind": "Event", "metadata": {"name": "scheduler.1", "namespace": "web"},
  "involvedObject": {"kind": "Pod", "namespace": "web", "name": "pending"},
  "reason": "FailedScheduling", "message": "0/2 nodes are available", "type": "Warning",
  "eventTime": "2024-05-01T10:02:00.000000Z", "reportingComponent": "default-scheduler"}$$, NULL);
SELECT pgkube.create_object('', 'secrets', 'web', 'tls', 'aaaaaaaa-0000-0000-0000-00000000000e', $${
  "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "tls", "namespace": "web"}, "type": "kubernetes.io/tls",
  "data": {"tls.crt": "c2VjcmV0LWNlcnQ=", "tls.key": "c2VjcmV0LWtleQ=="}}$$, NULL);
SELECT pgkube.create_object('', 'secrets', 'web', 'sealed', 'aaaaaaaa-0000-0000-0000-00000000000f', NULL, '\x6b38733a656e633a616573');

SELECT t.eq((SELECT format('%s|%s|%s|%s|%s|%s|%s|%s', uid, labels ->> 'app', created, phase, node_name, pod_ip,
                           resource_version = (SELECT rv FROM pgkube.objects WHERE resource = 'pods' AND name = p.name),
                           namespace)
               FROM pgkube.pods p WHERE name = 'frontend-6d4b9c7f8-x2x9z'),
            'aaaaaaaa-0000-0000-0000-000000000004|frontend|2024-05-01 10:01:02+00|Running|node-1|10.244.1.17|t|web', 'pods view');
SELECT t.eq((SELECT format('%s|%s|%s', created, phase, node_name) FROM pgkube.pods WHERE name = 'pending'),
            '|Pending|', 'pods view: bad timestamp and unscheduled read NULL');
SELECT t.eq((SELECT format('%s|%s|%s|%s|%s|%s', replicas, ready_replicas, available_replicas, updated_replicas, images, created)
               FROM pgkube.deployments WHERE name = 'frontend'),
            '3|2|2|3|{nginx:1.27,envoyproxy/envoy:v1.31.0}|2024-05-01 10:01:00+00', 'deployments view');
SELECT t.eq((SELECT format('%s|%s|%s|%s', replicas, ready_replicas, available_replicas, images)
               FROM pgkube.deployments WHERE name = 'scaled-down'),
            '0|0|0|{busybox:1.36}', 'deployments view: omitted counts read 0');
SELECT t.eq((SELECT format('%s|%s|%s|%s', type, cluster_ip, ports -> 0 ->> 'nodePort', selector ->> 'app')
               FROM pgkube.services WHERE name = 'frontend'),
            'NodePort|10.96.12.34|30080|frontend', 'services view');
SELECT t.eq((SELECT format('%s|%s|%s', type, cluster_ip, selector) FROM pgkube.services WHERE name = 'kubernetes'),
            'ClusterIP|10.96.0.1|', 'services view: default type');
SELECT t.eq((SELECT data_keys FROM pgkube.configmaps WHERE name = 'nginx-conf'),
            ARRAY['default.conf', 'logo.png', 'nginx.conf'], 'configmaps view');
SELECT t.eq((SELECT data_keys FROM pgkube.configmaps WHERE name = 'empty'), '{}'::text[], 'configmaps view: no data');
SELECT t.eq((SELECT format('%s|%s|%s|%s', uid, phase, labels ->> 'kubernetes.io/metadata.name', created) FROM pgkube.namespaces WHERE name = 'web'),
            'aaaaaaaa-0000-0000-0000-000000000001|Active|web|2024-05-01 10:00:00+00', 'namespaces view');
SELECT t.eq((SELECT format('%s|%s|%s|%s|%s', ready, kubelet_version, unschedulable, labels ->> 'kubernetes.io/os', created)
               FROM pgkube.nodes WHERE name = 'node-1'),
            'True|v1.32.1|f|linux|2024-05-01 09:00:00+00', 'nodes view');
SELECT t.eq((SELECT format('%s|%s|%s|%s', ready, kubelet_version, unschedulable, created) FROM pgkube.nodes WHERE name = 'node-2'),
            '||t|2024-05-01 09:00:00.123456+00', 'nodes view: no status yet');
SELECT t.eq((SELECT format('%s|%s|%s|%s|%s|%s', involved_kind, involved_name, reason, type, count, last_timestamp)
               FROM pgkube.events WHERE name LIKE 'frontend%'),
            'Pod|frontend-6d4b9c7f8-x2x9z|Pulled|Normal|3|2024-05-01 10:03:05+00', 'events view');
SELECT t.eq((SELECT format('%s|%s|%s|%s', involved_name, message, count, last_timestamp) FROM pgkube.events WHERE name = 'scheduler.1'),
            'pending|0/2 nodes are available|1|2024-05-01 10:02:00+00', 'events view: eventTime, no count');
SELECT t.eq((SELECT format('%s|%s|%s', type, data_keys, encrypted) FROM pgkube.secrets WHERE name = 'tls'),
            'kubernetes.io/tls|{tls.crt,tls.key}|f', 'secrets view');
SELECT t.eq((SELECT format('%s|%s|%s', type, data_keys, encrypted) FROM pgkube.secrets WHERE name = 'sealed'),
            '||t', 'secrets view: encrypted');
SELECT t.ok(NOT EXISTS (SELECT FROM pgkube.secrets s WHERE row_to_json(s)::text LIKE '%c2VjcmV0%'), 'secrets view shows no values');
SELECT t.eq((SELECT count FROM pgkube.resource_counts WHERE api_group = '' AND resource = 'pods' AND namespace = 'web'), 2::bigint,
            'resource_counts');
SELECT t.eq((SELECT count FROM pgkube.resource_counts WHERE api_group = 'apps' AND resource = 'deployments' AND namespace = 'web'), 2::bigint,
            'resource_counts for a group');
SQL

# Needs a superuser, or a member of pgkube_readonly, to SET ROLE.
if [[ $(psql_test -tAc "SELECT pg_has_role(current_user, 'pgkube_readonly', 'MEMBER')") != t ]]; then
	echo "# skipped pgkube_readonly checks: $(psql_test -tAc 'SELECT current_user') cannot SET ROLE pgkube_readonly (run as a superuser, or GRANT pgkube_readonly to it)"
else
	section "pgkube_readonly reads, cannot write" <<'SQL'
SELECT t.ok((SELECT NOT rolcanlogin FROM pg_roles WHERE rolname = 'pgkube_readonly'), 'pgkube_readonly is NOLOGIN');
SET ROLE pgkube_readonly;
SELECT t.ok((SELECT count(*) FROM pgkube.pods WHERE namespace = 'web') = 2, 'readonly reads pods');
SELECT t.ok((SELECT count(*) FROM pgkube.deployments) = 2 AND (SELECT count(*) FROM pgkube.services) >= 2
            AND (SELECT count(*) FROM pgkube.configmaps) >= 2 AND (SELECT count(*) FROM pgkube.namespaces) = 1
            AND (SELECT count(*) FROM pgkube.nodes) = 2 AND (SELECT count(*) FROM pgkube.events) = 2
            AND (SELECT count(*) FROM pgkube.resource_counts) > 0, 'readonly reads the views');
SELECT t.eq((SELECT count(*) FROM pgkube.secrets), 2::bigint, 'readonly lists secrets in the view');
SELECT t.ok((SELECT count(*) FROM pgkube.objects) > 0 AND (SELECT count(*) FROM pgkube.changes) > 0, 'readonly reads the tables');
SELECT t.eq((SELECT count(*) FROM pgkube.objects WHERE resource = 'secrets'), 0::bigint, 'secrets rows hidden from readonly');
SELECT t.eq((SELECT count(*) FROM pgkube.changes WHERE resource = 'secrets'), 0::bigint, 'secrets history hidden from readonly');
SELECT t.ok((SELECT rv FROM pgkube.revision) > 1 AND (SELECT compacted_rv FROM pgkube.compaction) > 0, 'readonly reads the counters');
SELECT t.ok(pgkube.current_rv() > 1, 'readonly may call current_rv()');
SELECT t.ok((SELECT count(*) FROM pgkube.list_at('', 'pods', 'web', pgkube.current_rv(), NULL, NULL, 10)) = 2, 'readonly may call list_at()');
SELECT t.expect_error($$SELECT pgkube.create_object('', 'pods', 'web', 'x', gen_random_uuid(), '{"metadata":{}}', NULL)$$, '42501');
SELECT t.expect_error($$SELECT pgkube.update_object('', 'pods', 'web', 'pending', 0, '{"metadata":{}}', NULL)$$, '42501');
SELECT t.expect_error($$SELECT pgkube.delete_object('', 'pods', 'web', 'pending', 0, NULL)$$, '42501');
SELECT t.expect_error($$SELECT pgkube.compact(1, 10)$$, '42501');
SELECT t.expect_error($$INSERT INTO pgkube.objects VALUES ('', 'pods', 'web', 'x', gen_random_uuid(), 1, 1, '{}', NULL)$$, '42501');
SELECT t.expect_error($$UPDATE pgkube.objects SET rv = rv + 1$$, '42501');
SELECT t.expect_error($$DELETE FROM pgkube.changes$$, '42501');
SELECT t.expect_error($$UPDATE pgkube.revision SET rv = rv + 1$$, '42501');
SELECT t.expect_error($$UPDATE pgkube.compaction SET compacted_rv = 0$$, '42501');
SELECT t.expect_error($$TRUNCATE pgkube.changes$$, '42501');
SELECT t.expect_error($$CREATE TABLE pgkube.x (a int)$$, '42501');
RESET ROLE;
SQL
fi

# ---------------------------------------------------------------------------
# Plans on 100k+ rows: the hot queries must be index scans. Rows are
# generated straight into the tables (rvs above the counter, which then
# moves past them).
plans_test() {
	local super
	super=$(psql_test -tAc "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
	section "plans on 100k+ rows" <<-'SQL'
		SELECT setseed(0.5);
		CREATE TABLE t.big AS SELECT pgkube.current_rv() AS base;
		-- 120,000 pods in 200 namespaces on 500 nodes, 1,000 apps
		INSERT INTO pgkube.objects (api_group, resource, namespace, name, uid, rv, created_rv, object)
		SELECT '', 'pods', 'ns-' || (i % 200), 'pod-' || i, gen_random_uuid(), base + i, base + i,
		       jsonb_build_object('apiVersion', 'v1', 'kind', 'Pod',
		         'metadata', jsonb_build_object('name', 'pod-' || i, 'namespace', 'ns-' || (i % 200),
		                                        'resourceVersion', (base + i)::text,
		                                        'labels', jsonb_build_object('app', 'app-' || (i % 1000), 'tier', CASE WHEN i % 2 = 0 THEN 'web' ELSE 'db' END)),
		         'spec', jsonb_build_object('nodeName', 'node-' || (i % 500),
		                                    'containers', jsonb_build_array(jsonb_build_object('name', 'c', 'image', 'nginx:1.27'))),
		         'status', jsonb_build_object('phase', 'Running', 'podIP', '10.0.' || (i / 250) % 256 || '.' || i % 250))
		  FROM t.big, generate_series(1, 120000) AS i;
		-- 60,000 events, in five busy namespaces
		INSERT INTO pgkube.objects (api_group, resource, namespace, name, uid, rv, created_rv, object)
		SELECT '', 'events', 'ns-' || (i % 5), 'pod-' || i || '.ev', gen_random_uuid(), base + 120000 + i, base + 120000 + i,
		       jsonb_build_object('apiVersion', 'v1', 'kind', 'Event',
		         'metadata', jsonb_build_object('name', 'pod-' || i || '.ev', 'namespace', 'ns-' || (i % 5), 'resourceVersion', (base + 120000 + i)::text),
		         'involvedObject', jsonb_build_object('kind', 'Pod', 'name', 'pod-' || i, 'namespace', 'ns-' || (i % 5)),
		         'reason', 'Pulled', 'type', 'Normal', 'count', 1)
		  FROM t.big, generate_series(1, 60000) AS i;
		-- their change log: the ADDED rows, then 60,000 updates and 10,000 deletes of pods
		INSERT INTO pgkube.changes (rv, type, api_group, resource, namespace, name, uid, prev_rv, object)
		SELECT o.rv, 'ADDED', o.api_group, o.resource, o.namespace, o.name, o.uid, 0, o.object
		  FROM pgkube.objects o, t.big WHERE o.rv > base;
		INSERT INTO pgkube.changes (rv, type, api_group, resource, namespace, name, uid, prev_rv, object)
		SELECT base + 180000 + i, CASE WHEN i <= 10000 THEN 'DELETED' ELSE 'MODIFIED' END,
		       '', 'pods', 'ns-' || (i % 200), 'pod-' || i, gen_random_uuid(), base + i,
		       jsonb_build_object('metadata', jsonb_build_object('name', 'pod-' || i, 'resourceVersion', (base + 180000 + i)::text))
		  FROM t.big, generate_series(1, 70000) AS i;
		UPDATE pgkube.revision SET rv = (SELECT max(rv) FROM pgkube.changes);
		VACUUM ANALYZE pgkube.objects;
		VACUUM ANALYZE pgkube.changes;

		CREATE FUNCTION t.plan(q text) RETURNS text LANGUAGE plpgsql AS $$
		DECLARE l text; p text := '';
		BEGIN
		    FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP p := p || l || E'\n'; END LOOP;
		    RETURN p;
		END $$;
		CREATE FUNCTION t.uses(q text, want text) RETURNS void LANGUAGE plpgsql AS $$
		DECLARE p text := t.plan(q);
		BEGIN
		    IF position(want IN p) = 0 OR p ~ 'Seq Scan on (objects|changes)' OR position('Sort' IN p) > 0 THEN
		        RAISE EXCEPTION 'check failed: want % and no Seq Scan or Sort in the plan of %: %', want, q, p;
		    END IF;
		END $$;

		SELECT t.uses($$SELECT object FROM pgkube.objects WHERE api_group = '' AND resource = 'pods' AND namespace = 'ns-7' AND name = 'pod-1207'$$,
		              'Index Scan using objects_pkey');
		SELECT t.uses($$SELECT name, object FROM pgkube.objects WHERE api_group = '' AND resource = 'pods' AND namespace = 'ns-7' AND name > 'pod-5' ORDER BY name LIMIT 500$$,
		              'Index Scan using objects_pkey');
		SELECT t.uses($$SELECT namespace, name, object FROM pgkube.objects WHERE api_group = '' AND resource = 'pods' AND (namespace, name) > ('ns-17', 'pod-3') ORDER BY namespace, name LIMIT 500$$,
		              'Index Scan using objects_pkey');
		SELECT t.uses(format($$SELECT * FROM pgkube.changes WHERE rv > %s ORDER BY rv LIMIT 500$$, base + 1000),
		              'Index Scan using changes_pkey') FROM t.big;
		SELECT t.uses($$SELECT name FROM pgkube.objects WHERE api_group = '' AND resource = 'pods' AND object -> 'metadata' -> 'labels' @> '{"app":"app-7"}'$$,
		              'Bitmap Index Scan on objects_labels');
		SELECT t.uses($$SELECT namespace, name FROM pgkube.objects WHERE api_group = '' AND resource = 'pods' AND (object -> 'spec' ->> 'nodeName') = 'node-42' ORDER BY namespace, name LIMIT 500$$,
		              'objects_pod_node_name');
		SELECT t.uses($$SELECT name FROM pgkube.objects WHERE api_group = '' AND resource = 'events' AND namespace = 'ns-2' AND (object -> 'involvedObject' ->> 'name') = 'pod-1207'$$,
		              'objects_event_involved');
		SELECT t.ok((SELECT count(*) FROM pgkube.list_at('', 'pods', 'ns-7', pgkube.current_rv() - 50000, NULL, NULL, 500)) = 500, 'list_at on big data');
	SQL
	if [[ $super != t ]]; then
		echo "# not a superuser: skipping the auto_explain check of list_at and compact"
		return
	fi
	# The plans list_at and compact really run (plpgsql caches them; generic
	# plans after five calls), captured with auto_explain.
	local out
	checks=$((checks + 1))
	out=$(psql_test 2>&1 <<-'SQL'
		LOAD 'auto_explain';
		SET auto_explain.log_min_duration = 0;
		SET auto_explain.log_nested_statements = on;
		SET auto_explain.log_level = 'notice';
		SET client_min_messages = 'notice';
		SET plan_cache_mode = force_generic_plan;
		SELECT count(*) FROM pgkube.list_at('', 'pods', NULL, pgkube.current_rv() - 50000, 'ns-17', 'pod-3', 500);
		SELECT count(*) FROM pgkube.list_at('', 'pods', 'ns-7', pgkube.current_rv() - 50000, NULL, 'pod-3', 500);
		SELECT pgkube.compact((SELECT base + 185000 FROM t.big), 1000);
	SQL
	) || true
	# (Seq scans of the one-row tables revision and compaction are right.)
	if grep -Eq 'Seq Scan on (changes|objects)' <<<"$out" || ! grep -q 'changes_key_rv' <<<"$out" || grep -q ERROR <<<"$out"; then
		fail "list_at and compact plans (generic): index scans only" "$out"
	else
		echo "ok   - list_at and compact plans (generic): index scans only"
		if [[ ${PGKUBE_TEST_VERBOSE:-0} == 1 ]]; then
			indent <<<"$out"
		fi
	fi
}
if [[ ${PGKUBE_TEST_SKIP_PLANS:-0} != 1 ]]; then
	plans_test
fi

# ---------------------------------------------------------------------------
if ((failures > 0)); then
	echo "# $failures of $checks checks FAILED"
	exit 1
fi
echo "# all $checks checks passed"
