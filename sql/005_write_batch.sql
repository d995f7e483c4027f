-- 005_write_batch.sql - group commit: several API writes in one transaction.
--
-- Writers serialize on the counter row from step 2 of a write until their
-- commit is flushed to disk (and a transaction that NOTIFYs holds
-- PostgreSQL's notify lock over its flush too), so one write per transaction
-- commits at most about 1 / (flush time) writes per second however many
-- clients wait. A worker that has writes queued behind one in flight sends
-- them together to pgkube.write_batch: one transaction, one counter update,
-- one NOTIFY, one flush for all of them.
--
-- p_ops is a JSON array; each element is one write:
--   {"op": "create", "group": g, "resource": r, "namespace": ns, "name": n,
--    "uid": u, "object": {...}}
--   {"op": "update", ..., "rv": expected rv (0 = unconditional), "object": {...}}
--   {"op": "delete", ..., "rv": expected rv or 0, "uid": expected uid or null}
-- The caller never puts one key in a batch twice (the second write must see
-- the first), and a batch holds at most a few hundred writes.
--
-- Each write succeeds or fails on its own: a failure is a row with the
-- SQLSTATE the single-write functions would raise (23505, PGK04, PGK09,
-- PGK10) and their DETAIL; it consumes no resourceVersion. The successful
-- writes get consecutive resourceVersions in the order of p_ops.
--
-- Deadlock freedom: every write of a batch takes its object row lock first
-- (step 1), in key order (COLLATE "C", the same in every process), and the
-- counter last, once. A single-write function holds one row and then the
-- counter. So whoever holds the counter waits for nothing but its commit,
-- and row locks are always taken in one global order: no cycle.
--
-- Step 1 never raises: a duplicate create is INSERT ... ON CONFLICT DO
-- NOTHING (which waits for a concurrent inserter of that key and then finds
-- its row, or inserts when that one rolled back), so one bad write does not
-- need a subtransaction to keep the others.
CREATE FUNCTION pgkube.write_batch(p_ops jsonb)
RETURNS TABLE (idx integer, rv bigint, object jsonb, sqlstate text, detail text)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_n       integer := jsonb_array_length(p_ops);
    v_op      jsonb;
    v_i       integer;
    v_kind    text;
    v_g       text;
    v_r       text;
    v_ns      text;
    v_name    text;
    v_obj     jsonb;
    v_cur_rv  bigint;
    v_uid     uuid;
    v_old     jsonb;
    v_enc     bytea;
    v_exp_rv  bigint;
    v_exp_uid uuid;
    v_ok      boolean;
    -- per write, by position in p_ops (1-based)
    v_state   text[]   := array_fill(NULL::text, ARRAY[v_n]);
    v_detail  text[]   := array_fill(NULL::text, ARRAY[v_n]);
    v_prev    bigint[] := array_fill(0::bigint, ARRAY[v_n]);
    v_uids    uuid[]   := array_fill(NULL::uuid, ARRAY[v_n]);
    v_olds    jsonb[]  := array_fill(NULL::jsonb, ARRAY[v_n]);
    v_encs    bytea[]  := array_fill(NULL::bytea, ARRAY[v_n]);
    v_count   integer := 0;
    v_last    bigint;
    v_rv      bigint;
BEGIN
    IF jsonb_typeof(p_ops) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'p_ops must be a JSON array' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- 1. Row locks and preconditions, in key order.
    FOR v_op, v_i IN
        SELECT e, t.ord::integer
          FROM jsonb_array_elements(p_ops) WITH ORDINALITY AS t(e, ord)
         ORDER BY e ->> 'group' COLLATE "C", e ->> 'resource' COLLATE "C",
                  e ->> 'namespace' COLLATE "C", e ->> 'name' COLLATE "C"
    LOOP
        v_kind := v_op ->> 'op';
        v_g := v_op ->> 'group';
        v_r := v_op ->> 'resource';
        v_ns := v_op ->> 'namespace';
        v_name := v_op ->> 'name';
        v_obj := v_op -> 'object';
        IF v_kind = 'create' THEN
            PERFORM pgkube.check_payload(v_obj, NULL);
            v_uid := (v_op ->> 'uid')::uuid;
            v_ok := false;
            INSERT INTO pgkube.objects AS o
                (api_group, resource, namespace, name, uid, rv, created_rv, object, encrypted)
            VALUES (v_g, v_r, v_ns, v_name, v_uid, 0, 0, v_obj, NULL)
            ON CONFLICT DO NOTHING
            RETURNING true INTO v_ok;
            IF v_ok IS NOT TRUE THEN
                v_state[v_i] := '23505';
                v_detail[v_i] := 'Key (api_group, resource, namespace, name) already exists.';
                CONTINUE;
            END IF;
            v_uids[v_i] := v_uid;
        ELSIF v_kind = 'update' OR v_kind = 'delete' THEN
            IF v_kind = 'update' THEN
                PERFORM pgkube.check_payload(v_obj, NULL);
            END IF;
            SELECT o.rv, o.uid, o.object, o.encrypted INTO v_cur_rv, v_uid, v_old, v_enc
              FROM pgkube.objects AS o
             WHERE o.api_group = v_g AND o.resource = v_r
               AND o.namespace = v_ns AND o.name = v_name
               FOR UPDATE;
            IF NOT FOUND THEN
                v_state[v_i] := 'PGK04';
                v_detail[v_i] := 'not found';
                CONTINUE;
            END IF;
            v_exp_uid := (v_op ->> 'uid')::uuid;
            v_exp_rv := coalesce((v_op ->> 'rv')::bigint, 0);
            IF v_kind = 'delete' AND v_exp_uid IS NOT NULL AND v_exp_uid <> v_uid THEN
                v_state[v_i] := 'PGK10';
                v_detail[v_i] := 'current uid ' || v_uid;
                CONTINUE;
            END IF;
            IF v_exp_rv <> 0 AND v_exp_rv <> v_cur_rv THEN
                v_state[v_i] := 'PGK09';
                v_detail[v_i] := 'current rv ' || v_cur_rv;
                CONTINUE;
            END IF;
            v_prev[v_i] := v_cur_rv;
            v_uids[v_i] := v_uid;
            IF v_kind = 'delete' THEN
                v_olds[v_i] := v_old;
                v_encs[v_i] := v_enc;
            END IF;
        ELSE
            RAISE EXCEPTION 'unknown write op %', v_kind USING ERRCODE = 'invalid_parameter_value';
        END IF;
        v_state[v_i] := 'ok';
        v_count := v_count + 1;
    END LOOP;

    -- 2. The counter, once, last.
    IF v_count > 0 THEN
        UPDATE pgkube.revision AS r SET rv = r.rv + v_count RETURNING r.rv INTO v_last;
        v_rv := v_last - v_count;
    END IF;

    -- 3. In the order of p_ops.
    FOR v_i IN 1 .. v_n LOOP
        v_op := p_ops -> (v_i - 1);
        idx := v_i - 1;
        IF v_state[v_i] <> 'ok' THEN
            rv := NULL;
            object := NULL;
            sqlstate := v_state[v_i];
            detail := v_detail[v_i];
            RETURN NEXT;
            CONTINUE;
        END IF;
        v_rv := v_rv + 1;
        v_kind := v_op ->> 'op';
        v_g := v_op ->> 'group';
        v_r := v_op ->> 'resource';
        v_ns := v_op ->> 'namespace';
        v_name := v_op ->> 'name';
        IF v_kind = 'create' THEN
            v_obj := pgkube.with_rv(v_op -> 'object', v_rv);
            UPDATE pgkube.objects AS o
               SET rv = v_rv, created_rv = v_rv, object = v_obj
             WHERE o.api_group = v_g AND o.resource = v_r
               AND o.namespace = v_ns AND o.name = v_name;
            INSERT INTO pgkube.changes AS c
                (rv, type, api_group, resource, namespace, name, uid, prev_rv, object, encrypted)
            VALUES (v_rv, 'ADDED', v_g, v_r, v_ns, v_name, v_uids[v_i], 0, v_obj, NULL);
        ELSIF v_kind = 'update' THEN
            v_obj := pgkube.with_rv(v_op -> 'object', v_rv);
            UPDATE pgkube.objects AS o
               SET rv = v_rv, object = v_obj, encrypted = NULL
             WHERE o.api_group = v_g AND o.resource = v_r
               AND o.namespace = v_ns AND o.name = v_name;
            INSERT INTO pgkube.changes AS c
                (rv, type, api_group, resource, namespace, name, uid, prev_rv, object, encrypted)
            VALUES (v_rv, 'MODIFIED', v_g, v_r, v_ns, v_name, v_uids[v_i], v_prev[v_i],
                    v_obj, NULL);
        ELSE
            v_obj := pgkube.with_rv(v_olds[v_i], v_rv);
            DELETE FROM pgkube.objects AS o
             WHERE o.api_group = v_g AND o.resource = v_r
               AND o.namespace = v_ns AND o.name = v_name;
            INSERT INTO pgkube.changes AS c
                (rv, type, api_group, resource, namespace, name, uid, prev_rv, object, encrypted)
            VALUES (v_rv, 'DELETED', v_g, v_r, v_ns, v_name, v_uids[v_i], v_prev[v_i],
                    v_obj, v_encs[v_i]);
        END IF;
        rv := v_rv;
        object := v_obj;
        sqlstate := NULL;
        detail := NULL;
        RETURN NEXT;
    END LOOP;

    -- 4. One wake-up for the whole batch.
    IF v_count > 0 THEN
        PERFORM pg_notify('pgkube_changes', v_last::text);
    END IF;
END;
$$;

COMMENT ON FUNCTION pgkube.write_batch(jsonb) IS
    'group commit: creates, updates and deletes in one transaction; one row per write with its rv and object, or its SQLSTATE and DETAIL';

-- Like the single-write functions: the owner's alone (see 004_privileges.sql).
REVOKE ALL ON FUNCTION pgkube.write_batch(jsonb) FROM PUBLIC;
