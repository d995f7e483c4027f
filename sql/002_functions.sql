-- 002_functions.sql - the write path, compaction, and snapshot reads.
--
-- One round trip per write: the server calls one of
--   pgkube.create_object / pgkube.update_object / pgkube.delete_object
-- in autocommit mode (READ COMMITTED; under REPEATABLE READ a concurrent
-- write of the same object would surface as a serialization failure instead
-- of a clean 409). Each runs the same four steps:
--   1. the work on the object's row that can fail: the INSERT (a duplicate
--      key raises unique_violation, 23505) or SELECT ... FOR UPDATE plus the
--      precondition checks;
--   2. UPDATE pgkube.revision SET rv = rv + 1: the counter's row lock, the
--      LAST lock the transaction takes. A later writer blocks on it until the
--      earlier one has committed, so commit order = resourceVersion order,
--      and the lock order (object row, then counter) is the same everywhere,
--      so writers never deadlock;
--   3. metadata.resourceVersion := the new rv (as a string) in the object
--      JSON, the objects row, one pgkube.changes row;
--   4. pg_notify('pgkube_changes', rv): a wake-up for the watch hubs, sent at
--      commit.
-- Nothing after step 2 can fail on bad input (arguments are checked first),
-- so the counter lock is held only for the few statements that must hold it,
-- and a write that fails consumes no resourceVersion: its increment rolls
-- back with it.
--
-- Errors the server maps to API statuses (SQLSTATE, message, DETAIL):
--   23505  duplicate key (create)               -> 409 AlreadyExists
--   PGK04  'not found'                          -> 404 NotFound
--   PGK09  'resourceVersion conflict', 'current rv 17'      -> 409 Conflict
--   PGK10  'uid precondition failed', 'current uid <uuid>'  -> 409 Conflict
--   PGK41  'resourceVersion too old', 'compacted rv N'      -> 410 Expired
--   PGK42  'resourceVersion too large', 'current rv N'      -> 504 Timeout
--                                       (kube-apiserver's "Too large resource version")
--   22023  invalid argument (a server bug, not a client error)
--
-- Lock order is object row, then counter. Never call two write functions in
-- one transaction: the second would lock an object row while holding the
-- counter, and could deadlock with a writer that holds that row and waits
-- for the counter. (Group commit needs a batch function that locks all rows
-- first and takes the counter once.)

-- The current resourceVersion, read without locking. In a REPEATABLE READ
-- transaction, everything with rv <= current_rv() is visible and nothing
-- newer: the counter and a write's rows commit together, in rv order.
CREATE FUNCTION pgkube.current_rv() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT r.rv FROM pgkube.revision r;
END;

COMMENT ON FUNCTION pgkube.current_rv() IS
    'resourceVersion of the newest write visible to this snapshot (no lock)';

-- Checks the arguments every write shares. Raises 22023 for a server bug:
-- exactly one of object and ciphertext, and an object with a metadata object
-- (jsonb_set cannot add metadata.resourceVersion otherwise).
CREATE FUNCTION pgkube.check_payload(p_object jsonb, p_encrypted bytea) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF (p_object IS NULL) = (p_encrypted IS NULL) THEN
        RAISE EXCEPTION 'exactly one of object and encrypted must be given'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_object IS NOT NULL AND jsonb_typeof(p_object -> 'metadata') IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'object has no metadata object'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END;
$$;

-- The object with metadata.resourceVersion set to p_rv (a string, as the
-- API has it); NULL stays NULL (encrypted objects are left alone).
CREATE FUNCTION pgkube.with_rv(p_object jsonb, p_rv bigint) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN jsonb_set(p_object, '{metadata,resourceVersion}', to_jsonb(p_rv::text));

-- create: INSERT first, so that a duplicate raises 23505 before the counter
-- is touched (a concurrent create of the same key waits on our uncommitted
-- row, not on the counter, and fails once we commit). The row is inserted
-- with rv 0 and rewritten once the rv is known.
CREATE FUNCTION pgkube.create_object(
    p_group text, p_resource text, p_namespace text, p_name text,
    p_uid uuid, p_object jsonb, p_encrypted bytea)
RETURNS TABLE (rv bigint, object jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_rv  bigint;
    v_obj jsonb;
BEGIN
    PERFORM pgkube.check_payload(p_object, p_encrypted);

    -- 1. Can fail: 23505 on a duplicate key, 23502 on a NULL key part.
    INSERT INTO pgkube.objects AS o
        (api_group, resource, namespace, name, uid, rv, created_rv, object, encrypted)
    VALUES (p_group, p_resource, p_namespace, p_name, p_uid, 0, 0, p_object, p_encrypted);

    -- 2. The counter: last lock before commit.
    UPDATE pgkube.revision AS r SET rv = r.rv + 1 RETURNING r.rv INTO v_rv;

    -- 3.
    v_obj := pgkube.with_rv(p_object, v_rv);
    UPDATE pgkube.objects AS o
       SET rv = v_rv, created_rv = v_rv, object = v_obj
     WHERE o.api_group = p_group AND o.resource = p_resource
       AND o.namespace = p_namespace AND o.name = p_name;
    INSERT INTO pgkube.changes AS c
        (rv, type, api_group, resource, namespace, name, uid, prev_rv, object, encrypted)
    VALUES (v_rv, 'ADDED', p_group, p_resource, p_namespace, p_name, p_uid, 0, v_obj, p_encrypted);

    -- 4.
    PERFORM pg_notify('pgkube_changes', v_rv::text);

    rv := v_rv;
    object := v_obj;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION pgkube.create_object(text, text, text, text, uuid, jsonb, bytea) IS
    'create; 23505 when the key exists. Returns the new resourceVersion and the stored object';

-- update: p_expected_rv 0 (or NULL) means unconditional. uid and created_rv
-- never change.
CREATE FUNCTION pgkube.update_object(
    p_group text, p_resource text, p_namespace text, p_name text,
    p_expected_rv bigint, p_object jsonb, p_encrypted bytea)
RETURNS TABLE (rv bigint, object jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_cur_rv bigint;
    v_uid    uuid;
    v_rv     bigint;
    v_obj    jsonb;
BEGIN
    PERFORM pgkube.check_payload(p_object, p_encrypted);

    -- 1. Lock the row, check the precondition.
    SELECT o.rv, o.uid INTO v_cur_rv, v_uid
      FROM pgkube.objects AS o
     WHERE o.api_group = p_group AND o.resource = p_resource
       AND o.namespace = p_namespace AND o.name = p_name
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not found' USING ERRCODE = 'PGK04';
    END IF;
    IF coalesce(p_expected_rv, 0) <> 0 AND p_expected_rv <> v_cur_rv THEN
        RAISE EXCEPTION 'resourceVersion conflict'
            USING ERRCODE = 'PGK09', DETAIL = 'current rv ' || v_cur_rv;
    END IF;

    -- 2.
    UPDATE pgkube.revision AS r SET rv = r.rv + 1 RETURNING r.rv INTO v_rv;

    -- 3.
    v_obj := pgkube.with_rv(p_object, v_rv);
    UPDATE pgkube.objects AS o
       SET rv = v_rv, object = v_obj, encrypted = p_encrypted
     WHERE o.api_group = p_group AND o.resource = p_resource
       AND o.namespace = p_namespace AND o.name = p_name;
    INSERT INTO pgkube.changes AS c
        (rv, type, api_group, resource, namespace, name, uid, prev_rv, object, encrypted)
    VALUES (v_rv, 'MODIFIED', p_group, p_resource, p_namespace, p_name, v_uid, v_cur_rv,
            v_obj, p_encrypted);

    -- 4.
    PERFORM pg_notify('pgkube_changes', v_rv::text);

    rv := v_rv;
    object := v_obj;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION pgkube.update_object(text, text, text, text, bigint, jsonb, bytea) IS
    'update; PGK04 when missing, PGK09 (DETAIL current rv N) when p_expected_rv <> 0 does not match';

-- delete: preconditions as kube-apiserver checks them, uid first, then
-- resourceVersion. Returns the DELETED event's object: the last state with
-- metadata.resourceVersion = the deletion's rv (NULL for encrypted objects,
-- whose ciphertext the change row keeps).
CREATE FUNCTION pgkube.delete_object(
    p_group text, p_resource text, p_namespace text, p_name text,
    p_expected_rv bigint, p_expected_uid uuid)
RETURNS TABLE (rv bigint, object jsonb)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_cur_rv bigint;
    v_uid    uuid;
    v_old    jsonb;
    v_enc    bytea;
    v_rv     bigint;
    v_obj    jsonb;
BEGIN
    -- 1.
    SELECT o.rv, o.uid, o.object, o.encrypted INTO v_cur_rv, v_uid, v_old, v_enc
      FROM pgkube.objects AS o
     WHERE o.api_group = p_group AND o.resource = p_resource
       AND o.namespace = p_namespace AND o.name = p_name
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not found' USING ERRCODE = 'PGK04';
    END IF;
    IF p_expected_uid IS NOT NULL AND p_expected_uid <> v_uid THEN
        RAISE EXCEPTION 'uid precondition failed'
            USING ERRCODE = 'PGK10', DETAIL = 'current uid ' || v_uid;
    END IF;
    IF coalesce(p_expected_rv, 0) <> 0 AND p_expected_rv <> v_cur_rv THEN
        RAISE EXCEPTION 'resourceVersion conflict'
            USING ERRCODE = 'PGK09', DETAIL = 'current rv ' || v_cur_rv;
    END IF;

    -- 2.
    UPDATE pgkube.revision AS r SET rv = r.rv + 1 RETURNING r.rv INTO v_rv;

    -- 3.
    v_obj := pgkube.with_rv(v_old, v_rv);
    DELETE FROM pgkube.objects AS o
     WHERE o.api_group = p_group AND o.resource = p_resource
       AND o.namespace = p_namespace AND o.name = p_name;
    INSERT INTO pgkube.changes AS c
        (rv, type, api_group, resource, namespace, name, uid, prev_rv, object, encrypted)
    VALUES (v_rv, 'DELETED', p_group, p_resource, p_namespace, p_name, v_uid, v_cur_rv,
            v_obj, v_enc);

    -- 4.
    PERFORM pg_notify('pgkube_changes', v_rv::text);

    rv := v_rv;
    object := v_obj;
    RETURN NEXT;
END;
$$;

COMMENT ON FUNCTION pgkube.delete_object(text, text, text, text, bigint, uuid) IS
    'delete; PGK04 when missing, PGK10 (DETAIL current uid U) / PGK09 (DETAIL current rv N) on failed preconditions';

-- Compaction, the way etcd compacts: after compact(T) the log still answers
-- every list at a resourceVersion >= T and every watch from >= T, and
-- nothing older. A change row with rv <= T is needed iff it is the newest row
-- of its key with rv <= T and is not DELETED; rows above T are never touched.
--
-- First raises compacted_rv to p_target_rv (never lowers it; a target above
-- the current resourceVersion is refused), then deletes at most p_batch
-- unneeded rows and returns how many. The caller repeats while it returns
-- p_batch. Each call is a short transaction that never touches
-- pgkube.revision, so writers do not wait for it; concurrent calls serialize
-- on the pgkube.compaction row.
--
-- How: rather than re-examining every row <= T at each call (the rows kept
-- for live objects would be rescanned forever), it walks the rows above
-- pgkube.compaction.scanned_rv once, in rv order. For each such row x
-- (x.rv <= T): the previous row of x's key is superseded by x, so not needed
-- (found through changes_key_rv, not through prev_rv; skipped when it is a
-- DELETED row, which goes as its own x, and not looked for when x is ADDED,
-- whose predecessor can only be such a row); and x itself goes if it is
-- DELETED.
-- Every unneeded row is the predecessor of a newer row <= T of its key, or a
-- DELETED row, so one pass over (scanned_rv, T] finds them all; scanned_rv
-- records the progress, so a call cut short by p_batch resumes where it
-- stopped.
CREATE FUNCTION pgkube.compact(p_target_rv bigint, p_batch integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_current  bigint;
    v_target   bigint;
    v_scanned  bigint;
    v_deleted  bigint := 0;
    v_budget   bigint;
    v_chunk    integer;
    v_n        bigint;
    v_unpicked bigint;
    v_xcount   bigint;
    v_xmax     bigint;
BEGIN
    IF p_batch IS NULL OR p_batch < 1 THEN
        RAISE EXCEPTION 'batch must be at least 1' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT r.rv INTO v_current FROM pgkube.revision AS r;
    IF p_target_rv IS NULL OR p_target_rv < 0 OR p_target_rv > v_current THEN
        RAISE EXCEPTION 'compaction target % is not between 0 and the current resourceVersion', p_target_rv
            USING ERRCODE = 'invalid_parameter_value', DETAIL = 'current rv ' || v_current;
    END IF;

    UPDATE pgkube.compaction AS k
       SET compacted_rv = greatest(k.compacted_rv, p_target_rv),
           compacted_at = CASE WHEN p_target_rv > k.compacted_rv THEN now() ELSE k.compacted_at END
    RETURNING k.compacted_rv, k.scanned_rv INTO v_target, v_scanned;

    WHILE v_scanned < v_target AND v_deleted < p_batch LOOP
        v_budget := p_batch - v_deleted;
        -- rows to examine at a time: each frees at most two
        v_chunk := least(greatest(v_budget, 100), 1000);
        WITH x AS (
            SELECT c.rv, c.type, c.api_group, c.resource, c.namespace, c.name
              FROM pgkube.changes AS c
             WHERE c.rv > v_scanned AND c.rv <= v_target
             ORDER BY c.rv
             LIMIT v_chunk
        ), candidates AS (
            -- (the x row that makes it unneeded, the unneeded row)
            SELECT x.rv AS by_rv, p.rv AS del_rv
              FROM x
             CROSS JOIN LATERAL (
                    SELECT c.rv, c.type
                      FROM pgkube.changes AS c
                     WHERE c.api_group = x.api_group AND c.resource = x.resource
                       AND c.namespace = x.namespace AND c.name = x.name
                       AND c.rv < x.rv
                     ORDER BY c.rv DESC
                     LIMIT 1) AS p
             WHERE x.type <> 'ADDED' AND p.type <> 'DELETED'
            UNION ALL
            SELECT x.rv, x.rv FROM x WHERE x.type = 'DELETED'
        ), ranked AS (
            SELECT by_rv, del_rv, row_number() OVER (ORDER BY by_rv, del_rv) AS n
              FROM candidates
        ), gone AS (
            DELETE FROM pgkube.changes AS c
             USING ranked
             WHERE ranked.n <= v_budget AND c.rv = ranked.del_rv
            RETURNING c.rv
        )
        SELECT (SELECT count(*) FROM gone),
               (SELECT min(by_rv) FROM ranked WHERE n > v_budget),
               (SELECT count(*) FROM x),
               (SELECT max(rv) FROM x)
          INTO v_n, v_unpicked, v_xcount, v_xmax;

        v_deleted := v_deleted + v_n;
        IF v_unpicked IS NOT NULL THEN
            v_scanned := v_unpicked - 1;  -- that row still has work left
        ELSIF v_xcount < v_chunk THEN
            v_scanned := v_target;        -- nothing left up to the target
        ELSE
            v_scanned := v_xmax;
        END IF;
    END LOOP;

    UPDATE pgkube.compaction AS k SET scanned_rv = v_scanned WHERE k.scanned_rv < v_scanned;
    RETURN v_deleted;
END;
$$;

COMMENT ON FUNCTION pgkube.compact(bigint, integer) IS
    'raise the compaction point to p_target_rv and delete up to p_batch unneeded change rows; returns the count (repeat while = p_batch)';

-- A resource's state as of resourceVersion p_rv, from the change log: the
-- newest row of each key with rv <= p_rv, unless DELETED; in (namespace,
-- name) order, strictly after (p_after_namespace, p_after_name) (NULLs: from
-- the start), at most p_limit rows (NULL: all). p_namespace NULL lists all
-- namespaces; otherwise p_after_namespace is ignored. Names are never empty,
-- so '' sorts before every key.
--
-- A skip scan over changes_key_rv: two index probes per key (the next key;
-- its newest row <= p_rv), however many versions a key has. STABLE, so the
-- checks and the query read one snapshot; a compaction that commits
-- meanwhile cannot take rows from under it.
--   PGK41 when p_rv < compacted_rv (the rows are gone: 410 Expired);
--   PGK42 when p_rv > the current rv (writes at or below p_rv may still
--         commit, so the answer would not be repeatable).
CREATE FUNCTION pgkube.list_at(
    p_group text, p_resource text, p_namespace text, p_rv bigint,
    p_after_namespace text, p_after_name text, p_limit integer)
RETURNS TABLE (namespace text, name text, rv bigint, object jsonb, encrypted bytea)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    v_compacted bigint;
    v_current   bigint;
BEGIN
    SELECT k.compacted_rv INTO v_compacted FROM pgkube.compaction AS k;
    IF p_rv IS NULL OR p_rv < v_compacted THEN
        RAISE EXCEPTION 'resourceVersion too old'
            USING ERRCODE = 'PGK41', DETAIL = 'compacted rv ' || v_compacted;
    END IF;
    SELECT r.rv INTO v_current FROM pgkube.revision AS r;
    IF p_rv > v_current THEN
        RAISE EXCEPTION 'resourceVersion too large'
            USING ERRCODE = 'PGK42', DETAIL = 'current rv ' || v_current;
    END IF;

    IF p_namespace IS NULL THEN
        RETURN QUERY
        WITH RECURSIVE keys (namespace, name) AS (
            (SELECT c.namespace, c.name
               FROM pgkube.changes AS c
              WHERE c.api_group = p_group AND c.resource = p_resource
                AND (c.namespace, c.name) > (coalesce(p_after_namespace, ''), coalesce(p_after_name, ''))
              ORDER BY c.namespace, c.name
              LIMIT 1)
            UNION ALL
            SELECT n.namespace, n.name
              FROM keys AS k
             CROSS JOIN LATERAL (
                    SELECT c.namespace, c.name
                      FROM pgkube.changes AS c
                     WHERE c.api_group = p_group AND c.resource = p_resource
                       AND (c.namespace, c.name) > (k.namespace, k.name)
                     ORDER BY c.namespace, c.name
                     LIMIT 1) AS n
        )
        SELECT k.namespace::text, k.name::text, v.rv, v.object, v.encrypted
          FROM keys AS k
         CROSS JOIN LATERAL (
                SELECT c.rv, c.type, c.object, c.encrypted
                  FROM pgkube.changes AS c
                 WHERE c.api_group = p_group AND c.resource = p_resource
                   AND c.namespace = k.namespace AND c.name = k.name
                   AND c.rv <= p_rv
                 ORDER BY c.rv DESC
                 LIMIT 1) AS v
         WHERE v.type <> 'DELETED'
         LIMIT p_limit;
    ELSE
        RETURN QUERY
        WITH RECURSIVE keys (name) AS (
            (SELECT c.name
               FROM pgkube.changes AS c
              WHERE c.api_group = p_group AND c.resource = p_resource
                AND c.namespace = p_namespace AND c.name > coalesce(p_after_name, '')
              ORDER BY c.name
              LIMIT 1)
            UNION ALL
            SELECT n.name
              FROM keys AS k
             CROSS JOIN LATERAL (
                    SELECT c.name
                      FROM pgkube.changes AS c
                     WHERE c.api_group = p_group AND c.resource = p_resource
                       AND c.namespace = p_namespace AND c.name > k.name
                     ORDER BY c.name
                     LIMIT 1) AS n
        )
        SELECT p_namespace, k.name::text, v.rv, v.object, v.encrypted
          FROM keys AS k
         CROSS JOIN LATERAL (
                SELECT c.rv, c.type, c.object, c.encrypted
                  FROM pgkube.changes AS c
                 WHERE c.api_group = p_group AND c.resource = p_resource
                   AND c.namespace = p_namespace AND c.name = k.name
                   AND c.rv <= p_rv
                 ORDER BY c.rv DESC
                 LIMIT 1) AS v
         WHERE v.type <> 'DELETED'
         LIMIT p_limit;
    END IF;
END;
$$;

COMMENT ON FUNCTION pgkube.list_at(text, text, text, bigint, text, text, integer) IS
    'state of a resource at resourceVersion p_rv from the change log, in (namespace, name) order after a key; PGK41 too old, PGK42 too large';
