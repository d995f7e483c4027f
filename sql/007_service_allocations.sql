-- 007_service_allocations.sql - the cluster IPs and node ports Services
-- hold, and the leases of the API servers behind the "kubernetes" Service.
--
-- kube-apiserver keeps two bitmaps (--service-cluster-ip-range and
-- --service-node-port-range) and allocates from them in its Service
-- storage before the write (pkg/registry/core/service/storage/alloc.go).
-- Several pgkube instances share one database, so here the allocation is a
-- row, and it is written by the Service write itself:
--
--   pgkube.service_allocations  one row per cluster IP and per node port
--                               (health check node ports included) a
--                               Service holds, keyed by (kind, value)
--
-- maintained by triggers on pgkube.objects rows of core "services": a
-- create claims what the object holds, an update claims what it gained and
-- frees what it lost, a delete frees everything. A value another Service
-- holds makes the trigger raise
--   PGK23  'service allocation conflict', DETAIL 'ip 10.0.0.5,nodeport 30080'
-- (every value that could not be claimed), which aborts the Service write:
-- two concurrent writes can never both hold one value, and a failed write
-- holds nothing. The server picks values (at random, or as the client
-- asked), writes, and on PGK23 either answers 422 (the client asked for a
-- taken value) or picks again (a random pick was taken meanwhile).
--
-- Claims never wait for each other. A claim takes a transaction-scoped
-- advisory lock on its value with pg_try_advisory_xact_lock before the
-- INSERT; when another transaction holds it, that one is claiming the same
-- value right now, and the claim fails at once as kube-apiserver's bitmap
-- would ("already allocated", even if the other write fails later). This
-- matters because an update's trigger runs after the write took the
-- resourceVersion counter (step 3 of the write functions, see
-- 002_functions.sql): waiting there on an uncommitted claim of a writer that
-- waits for the counter would be a deadlock. Only the triggers insert rows,
-- always under the lock, so the INSERT ... ON CONFLICT itself only ever
-- waits for a delete in flight, and deletes run after the counter, where
-- nothing waits on them. An update that fails a claim fails after it took
-- the counter: it rolls back with it, consuming no resourceVersion.
--
-- A claim that fails aborts its whole transaction, so the server never puts
-- a Service create or update into a pgkube.write_batch group commit (see
-- worker/store.c); deletes, which only free rows, may be batched.
--
-- Values are text: a cluster IP as PostgreSQL's host() writes it, a node
-- port as its number. A Service holds its clusterIPs (and clusterIP) unless
-- it is of type ExternalName or headless ("None"); its ports' nodePorts when
-- of type NodePort or LoadBalancer; its healthCheckNodePort when of type
-- LoadBalancer with externalTrafficPolicy Local. Encrypted Services (object
-- NULL) hold nothing.

CREATE TABLE pgkube.service_allocations (
    kind      text COLLATE "C" NOT NULL
              CONSTRAINT service_allocations_kind CHECK (kind IN ('ip', 'nodeport')),
    value     text COLLATE "C" NOT NULL,
    namespace text COLLATE "C" NOT NULL,
    name      text COLLATE "C" NOT NULL,
    uid       uuid NOT NULL,
    CONSTRAINT service_allocations_pkey PRIMARY KEY (kind, value)
);

-- The rows of one Service, for its update and delete.
CREATE INDEX service_allocations_owner ON pgkube.service_allocations (namespace, name);

COMMENT ON TABLE pgkube.service_allocations IS
    'cluster IPs (kind ip) and node ports (kind nodeport) held by Services; maintained by triggers on pgkube.objects';
COMMENT ON COLUMN pgkube.service_allocations.value IS 'the IP address (host() form) or the port number';
COMMENT ON COLUMN pgkube.service_allocations.namespace IS 'namespace of the Service holding it';
COMMENT ON COLUMN pgkube.service_allocations.name IS 'name of the Service holding it';

-- An IP address as host() writes it; NULL when p is not one (validation
-- keeps such values out of stored Services; this keeps a stray one from
-- breaking a write or the migration).
CREATE FUNCTION pgkube.service_ip_text(p text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN host(p::inet);
EXCEPTION WHEN invalid_text_representation OR data_exception THEN
    RETURN NULL;
END;
$$;

-- The (kind, value) pairs a Service object holds, each once, in order.
CREATE FUNCTION pgkube.service_allocation_keys(p_object jsonb)
RETURNS TABLE (kind text, value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH s AS (
        SELECT coalesce(p_object -> 'spec' ->> 'type', 'ClusterIP') AS type,
               p_object -> 'spec' AS spec
    )
    SELECT DISTINCT k.kind COLLATE "C", k.value COLLATE "C"
      FROM (
        SELECT 'ip' AS kind, pgkube.service_ip_text(ip) AS value
          FROM s, jsonb_array_elements_text(CASE WHEN jsonb_typeof(s.spec -> 'clusterIPs') = 'array'
                                                 THEN s.spec -> 'clusterIPs' ELSE '[]' END) AS ip
         WHERE s.type <> 'ExternalName' AND ip NOT IN ('', 'None')
        UNION ALL
        SELECT 'ip', pgkube.service_ip_text(s.spec ->> 'clusterIP')
          FROM s
         WHERE s.type <> 'ExternalName' AND coalesce(s.spec ->> 'clusterIP', '') NOT IN ('', 'None')
        UNION ALL
        SELECT 'nodeport', (p ->> 'nodePort')::numeric::bigint::text
          FROM s, jsonb_array_elements(CASE WHEN jsonb_typeof(s.spec -> 'ports') = 'array'
                                            THEN s.spec -> 'ports' ELSE '[]' END) AS p
         WHERE s.type IN ('NodePort', 'LoadBalancer')
           AND jsonb_typeof(p -> 'nodePort') = 'number' AND (p ->> 'nodePort')::numeric <> 0
        UNION ALL
        SELECT 'nodeport', (s.spec ->> 'healthCheckNodePort')::numeric::bigint::text
          FROM s
         WHERE s.type = 'LoadBalancer' AND s.spec ->> 'externalTrafficPolicy' = 'Local'
           AND jsonb_typeof(s.spec -> 'healthCheckNodePort') = 'number'
           AND (s.spec ->> 'healthCheckNodePort')::numeric <> 0
      ) AS k
     WHERE k.value IS NOT NULL
     ORDER BY 1, 2
$$;

COMMENT ON FUNCTION pgkube.service_allocation_keys(jsonb) IS
    'the cluster IPs and node ports a Service object holds, as (kind, value)';

-- The trigger. OLD is NULL on INSERT, NEW on DELETE.
CREATE FUNCTION pgkube.service_allocations_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_key   record;
    v_taken text[] := '{}';
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM pgkube.service_allocations AS a
         WHERE a.namespace = OLD.namespace AND a.name = OLD.name;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM pgkube.service_allocations AS a
         WHERE a.namespace = OLD.namespace AND a.name = OLD.name
           AND (a.kind, a.value) NOT IN (SELECT k.kind, k.value
                                           FROM pgkube.service_allocation_keys(NEW.object) AS k);
    END IF;
    FOR v_key IN
        SELECT k.kind, k.value FROM pgkube.service_allocation_keys(NEW.object) AS k
        EXCEPT
        SELECT k.kind, k.value FROM pgkube.service_allocation_keys(OLD.object) AS k
        ORDER BY 1, 2
    LOOP
        -- 0x706b7361 ("pksa"): this lock class; the bigint advisory locks
        -- of compaction and the namespace finalizer are another key space.
        IF NOT pg_try_advisory_xact_lock(x'706b7361'::integer,
                                         hashtext(v_key.kind || ' ' || v_key.value)) THEN
            v_taken := v_taken || (v_key.kind || ' ' || v_key.value);
            CONTINUE;
        END IF;
        INSERT INTO pgkube.service_allocations AS a (kind, value, namespace, name, uid)
        VALUES (v_key.kind, v_key.value, NEW.namespace, NEW.name, NEW.uid)
        ON CONFLICT (kind, value) DO NOTHING;
        IF NOT FOUND AND NOT EXISTS (
                SELECT FROM pgkube.service_allocations AS a
                 WHERE a.kind = v_key.kind AND a.value = v_key.value
                   AND a.namespace = NEW.namespace AND a.name = NEW.name) THEN
            v_taken := v_taken || (v_key.kind || ' ' || v_key.value);
        END IF;
    END LOOP;
    IF cardinality(v_taken) > 0 THEN
        RAISE EXCEPTION 'service allocation conflict'
            USING ERRCODE = 'PGK23', DETAIL = array_to_string(v_taken, ',');
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER service_allocations_insert AFTER INSERT ON pgkube.objects
    FOR EACH ROW WHEN (NEW.api_group = '' AND NEW.resource = 'services' AND NEW.object IS NOT NULL)
    EXECUTE FUNCTION pgkube.service_allocations_sync();

-- Only a changed spec can change what a Service holds (create_object's
-- rewrite of the new row with its resourceVersion does not fire this).
CREATE TRIGGER service_allocations_update AFTER UPDATE ON pgkube.objects
    FOR EACH ROW WHEN (NEW.api_group = '' AND NEW.resource = 'services'
                       AND (OLD.object -> 'spec') IS DISTINCT FROM (NEW.object -> 'spec'))
    EXECUTE FUNCTION pgkube.service_allocations_sync();

CREATE TRIGGER service_allocations_delete AFTER DELETE ON pgkube.objects
    FOR EACH ROW WHEN (OLD.api_group = '' AND OLD.resource = 'services')
    EXECUTE FUNCTION pgkube.service_allocations_sync();

-- Services written before this migration: what they hold (the first of two
-- holding one value keeps it).
INSERT INTO pgkube.service_allocations (kind, value, namespace, name, uid)
SELECT k.kind, k.value, o.namespace, o.name, o.uid
  FROM pgkube.objects AS o
 CROSS JOIN LATERAL pgkube.service_allocation_keys(o.object) AS k
 WHERE o.api_group = '' AND o.resource = 'services' AND o.object IS NOT NULL
 ORDER BY o.namespace, o.name
ON CONFLICT DO NOTHING;

-- The API servers that serve the "kubernetes" Service: one row per
-- advertised address, refreshed by its server every 10 s with a 15 s lease
-- (kube-apiserver's lease endpoint reconciler keeps these under
-- /masterleases/ in etcd). The Endpoints and EndpointSlice "kubernetes" in
-- "default" list the addresses whose lease has not expired.
CREATE TABLE pgkube.apiserver_leases (
    address    text COLLATE "C" PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

COMMENT ON TABLE pgkube.apiserver_leases IS
    'advertised addresses of the API servers, listed in the kubernetes Endpoints until their lease expires';

REVOKE ALL ON FUNCTION pgkube.service_allocations_sync() FROM PUBLIC;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pgkube_readonly') THEN
        GRANT SELECT ON pgkube.service_allocations, pgkube.apiserver_leases TO pgkube_readonly;
    END IF;
END;
$$;
