-- 006_namespace_finalizer.sql - what kube-controller-manager's namespace
-- controller does, so that a namespace deleted on a pgkube without one does
-- not stay Terminating for ever.
--
-- A namespace being deleted (metadata.deletionTimestamp set) keeps the
-- "kubernetes" entry of spec.finalizers until its content is gone. Each call
-- of pgkube.finalize_namespaces(), for each such namespace:
--   1. deletes the objects in it, through pgkube.write_batch (so watchers
--      see DELETED events): an object with finalizers, and a pod bound to a
--      node that is still running, is marked instead (deletionTimestamp, and
--      the pod's grace period), and waited for;
--   2. once nothing is left in it, removes "kubernetes" from spec.finalizers
--      and, when no finalizer is left at all, deletes the namespace.
-- Writes carry their read resourceVersion as precondition: whatever changed
-- meanwhile is skipped and seen again at the next call. Each call makes at
-- most one pgkube.write_batch call of at most p_limit writes (two in one
-- transaction would take row locks while holding the counter: see the lock
-- order in 005_write_batch.sql), and returns how many writes succeeded; the
-- caller repeats while that is positive.
-- The master calls it every couple of seconds, one instance of an HA set at
-- a time (advisory lock). It runs alongside a real namespace controller
-- without harm: both only delete what is to be deleted.
CREATE FUNCTION pgkube.finalize_namespaces(p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_ns      record;
    v_ops     jsonb;
    v_now     text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
    v_done    integer := 0;
    v_left    bigint;
    v_obj     jsonb;
BEGIN
    FOR v_ns IN
        SELECT o.name, o.rv, o.object
          FROM pgkube.objects AS o
         WHERE o.api_group = '' AND o.resource = 'namespaces' AND o.namespace = ''
           AND o.object -> 'metadata' ? 'deletionTimestamp'
           AND o.object -> 'spec' -> 'finalizers' ? 'kubernetes'
    LOOP
        -- 1. The content.
        SELECT coalesce(jsonb_agg(op), '[]') INTO v_ops FROM (
            SELECT CASE
                WHEN jsonb_array_length(coalesce(c.object -> 'metadata' -> 'finalizers', '[]')) = 0
                 AND NOT (c.api_group = '' AND c.resource = 'pods'
                          AND coalesce(c.object -> 'spec' ->> 'nodeName', '') <> ''
                          AND coalesce(c.object -> 'status' ->> 'phase', '') NOT IN ('Succeeded', 'Failed')
                          AND coalesce((c.object -> 'spec' ->> 'terminationGracePeriodSeconds')::bigint, 30) > 0)
                THEN jsonb_build_object('op', 'delete', 'group', c.api_group, 'resource', c.resource,
                                        'namespace', c.namespace, 'name', c.name, 'rv', c.rv)
                ELSE jsonb_build_object('op', 'update', 'group', c.api_group, 'resource', c.resource,
                                        'namespace', c.namespace, 'name', c.name, 'rv', c.rv,
                                        'object', jsonb_set(jsonb_set(c.object,
                                            '{metadata,deletionTimestamp}', to_jsonb(v_now)),
                                            '{metadata,deletionGracePeriodSeconds}',
                                            CASE WHEN c.api_group = '' AND c.resource = 'pods'
                                                 THEN to_jsonb(coalesce((c.object -> 'spec' ->> 'terminationGracePeriodSeconds')::bigint, 30))
                                                 ELSE '0'::jsonb END))
                END AS op
              FROM pgkube.objects AS c
             WHERE c.namespace = v_ns.name
               AND NOT (c.object -> 'metadata' ? 'deletionTimestamp')
             ORDER BY c.api_group, c.resource, c.name
             LIMIT p_limit) AS t;
        IF jsonb_array_length(v_ops) > 0 THEN
            SELECT count(*) FILTER (WHERE b.sqlstate IS NULL) INTO v_done
              FROM pgkube.write_batch(v_ops) AS b;
            RETURN v_done;
        END IF;

        -- 2. The namespace itself, once empty.
        SELECT count(*) INTO v_left FROM pgkube.objects AS c WHERE c.namespace = v_ns.name;
        CONTINUE WHEN v_left > 0;
        v_obj := jsonb_set(v_ns.object, '{spec,finalizers}',
                           (v_ns.object -> 'spec' -> 'finalizers') - 'kubernetes');
        IF jsonb_array_length(v_obj -> 'spec' -> 'finalizers') = 0
           AND jsonb_array_length(coalesce(v_obj -> 'metadata' -> 'finalizers', '[]')) = 0 THEN
            v_ops := jsonb_build_array(jsonb_build_object('op', 'delete', 'group', '',
                         'resource', 'namespaces', 'namespace', '', 'name', v_ns.name, 'rv', v_ns.rv));
        ELSE
            v_ops := jsonb_build_array(jsonb_build_object('op', 'update', 'group', '',
                         'resource', 'namespaces', 'namespace', '', 'name', v_ns.name, 'rv', v_ns.rv,
                         'object', v_obj));
        END IF;
        SELECT count(*) FILTER (WHERE b.sqlstate IS NULL) INTO v_done
          FROM pgkube.write_batch(v_ops) AS b;
        RETURN v_done;
    END LOOP;
    RETURN v_done;
END;
$$;

COMMENT ON FUNCTION pgkube.finalize_namespaces(integer) IS
    'the namespace controller''s work: empties namespaces being deleted, then removes them';

REVOKE ALL ON FUNCTION pgkube.finalize_namespaces(integer) FROM PUBLIC;
