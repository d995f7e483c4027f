-- 004_privileges.sql - who may do what.
--
-- The server connects as the owner of these objects (the role that ran the
-- migrations) and needs no grants. Everyone else:
--   * nobody but the owner may call the write functions or compact();
--   * pgkube_readonly (NOLOGIN; grant it to the DBAs' login roles) reads the
--     views, the tables and the counters, and may call current_rv() and
--     list_at();
--   * no role but the owner (and superusers) sees secrets' rows in
--     pgkube.objects and pgkube.changes: row-level security hides them, since
--     secrets not encrypted at rest hold their values in plain JSON there.
--     The pgkube.secrets view (names, types, keys; never values) still lists
--     them, because views read with their owner's rights.

REVOKE ALL ON FUNCTION
    pgkube.create_object(text, text, text, text, uuid, jsonb, bytea),
    pgkube.update_object(text, text, text, text, bigint, jsonb, bytea),
    pgkube.delete_object(text, text, text, text, bigint, uuid),
    pgkube.compact(bigint, integer),
    pgkube.list_at(text, text, text, bigint, text, text, integer),
    pgkube.current_rv()
FROM PUBLIC;

-- Row-level security binds roles other than the owner (the owner bypasses
-- it; FORCE is not set). Only SELECT policies exist, so a non-owner role
-- could not write these tables even if granted the privilege: the server
-- must connect as the owner.
ALTER TABLE pgkube.objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE pgkube.changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable_unless_secret ON pgkube.objects FOR SELECT TO PUBLIC
    USING (NOT (api_group = '' AND resource = 'secrets'));
CREATE POLICY readable_unless_secret ON pgkube.changes FOR SELECT TO PUBLIC
    USING (NOT (api_group = '' AND resource = 'secrets'));

-- Roles are cluster-wide: create pgkube_readonly unless another database (or
-- an earlier installation) already did. Without the CREATEROLE privilege the
-- role is not created and its grants are skipped, with a warning: a DBA can
-- create it and re-run the grants below by hand.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'pgkube_readonly') THEN
        BEGIN
            CREATE ROLE pgkube_readonly NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- created concurrently for another database
            WHEN insufficient_privilege THEN
                RAISE WARNING 'pgkube: cannot create role pgkube_readonly (no CREATEROLE); skipping its grants';
                RETURN;
        END;
    END IF;

    GRANT USAGE ON SCHEMA pgkube TO pgkube_readonly;
    GRANT SELECT ON
        pgkube.objects, pgkube.changes, pgkube.revision, pgkube.compaction,
        pgkube.pods, pgkube.deployments, pgkube.services, pgkube.configmaps,
        pgkube.namespaces, pgkube.nodes, pgkube.events, pgkube.secrets,
        pgkube.resource_counts
    TO pgkube_readonly;
    GRANT EXECUTE ON FUNCTION
        pgkube.current_rv(),
        pgkube.list_at(text, text, text, bigint, text, text, integer)
    TO pgkube_readonly;
END;
$$;
