-- 001_schema.sql - tables and indexes of the PostgreSQL object store.
--
-- Applied once, in one transaction, by the migration runner (which records it
-- in pgkube.migrations, a table the runner itself owns). See DESIGN.md,
-- "Storage model":
--
--   pgkube.revision    the cluster-wide resourceVersion counter (one row); its
--                      row lock, taken last in every write, orders commits
--   pgkube.compaction  how far the change log has been compacted (one row)
--   pgkube.objects     current state: one row per live object
--   pgkube.changes     the change log: one row per write, keyed by rv
--
-- Keys are (api_group, resource, namespace, name): api_group "" is the core
-- group, resource is the plural ("pods"), namespace "" is cluster-scoped.
-- Every key column is COLLATE "C": byte order, the cheapest comparison, and
-- the order lists and continue keys use.

CREATE SCHEMA IF NOT EXISTS pgkube;

COMMENT ON SCHEMA pgkube IS
    'pgkube (Kubernetes API server) object store; written only through the pgkube.*_object functions';

-- The resourceVersion counter. Every write does
--   UPDATE pgkube.revision SET rv = rv + 1 RETURNING rv
-- as the last lock it takes before commit, so writers serialize on this row
-- and commit in resourceVersion order. Nothing else updates it (compaction
-- lives in its own row, below). Seeded with 1: the first write gets rv 2,
-- and "0" stays free for Kubernetes' "any resourceVersion".
CREATE TABLE pgkube.revision (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    rv bigint NOT NULL CHECK (rv > 0)
);
INSERT INTO pgkube.revision (id, rv) VALUES (true, 1);

COMMENT ON TABLE pgkube.revision IS
    'the cluster-wide resourceVersion: the rv of the newest committed write';

-- Compaction state, separate from the counter so that compaction never
-- touches (or waits for) the counter row.
--   compacted_rv  list/watch at a resourceVersion below it is "too old"
--                 (410 Expired); only ever raised
--   scanned_rv    compaction progress: every change row with rv <= scanned_rv
--                 has been examined, and the rows it superseded (and the
--                 DELETED tombstones up to it) removed; see pgkube.compact()
CREATE TABLE pgkube.compaction (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    compacted_rv bigint NOT NULL DEFAULT 0 CHECK (compacted_rv >= 0),
    compacted_at timestamptz,
    scanned_rv bigint NOT NULL DEFAULT 0 CHECK (scanned_rv >= 0)
);
INSERT INTO pgkube.compaction (id) VALUES (true);

COMMENT ON TABLE pgkube.compaction IS
    'change-log compaction point: resourceVersions below compacted_rv are gone';

-- Current state. The primary key serves get (all four columns), the
-- namespace-scoped list (prefix of three, in name order) and the
-- cluster-wide list (prefix of two, in (namespace, name) order), each with
-- "strictly after the continue key" as an index condition.
--
-- object holds the object as JSON, with metadata.resourceVersion = rv as a
-- string. Resources encrypted at rest keep the ciphertext in encrypted
-- instead (object is NULL); its embedded resourceVersion is stale, the rv
-- column is the truth.
--
-- No fillfactor: updates cannot be HOT anyway, because the label and field
-- indexes below are on expressions over object, which every update changes.
CREATE TABLE pgkube.objects (
    api_group  text COLLATE "C" NOT NULL,
    resource   text COLLATE "C" NOT NULL,
    namespace  text COLLATE "C" NOT NULL,
    name       text COLLATE "C" NOT NULL,
    uid        uuid NOT NULL,
    rv         bigint NOT NULL,
    created_rv bigint NOT NULL,
    object     jsonb,
    encrypted  bytea,
    CONSTRAINT objects_pkey PRIMARY KEY (api_group, resource, namespace, name),
    CONSTRAINT objects_one_payload CHECK ((object IS NULL) <> (encrypted IS NULL))
);

COMMENT ON TABLE pgkube.objects IS
    'current state: one row per live Kubernetes object; write only through pgkube.create_object/update_object/delete_object';
COMMENT ON COLUMN pgkube.objects.api_group IS 'API group; empty string for the core group';
COMMENT ON COLUMN pgkube.objects.resource IS 'resource (plural), e.g. pods';
COMMENT ON COLUMN pgkube.objects.namespace IS 'namespace; empty string for cluster-scoped objects';
COMMENT ON COLUMN pgkube.objects.rv IS 'resourceVersion of the last write';
COMMENT ON COLUMN pgkube.objects.created_rv IS 'resourceVersion of the create';
COMMENT ON COLUMN pgkube.objects.object IS 'the object (metadata.resourceVersion = rv); NULL when encrypted';
COMMENT ON COLUMN pgkube.objects.encrypted IS 'ciphertext of the object for resources encrypted at rest, else NULL';

-- Label selectors: key=value and key in (...) become containment tests,
--   object->'metadata'->'labels' @> '{"app":"x"}'
-- which this index answers across all resources (jsonb_path_ops: smaller and
-- faster than jsonb_ops, and @> is all we need; "key exists" and negative
-- requirements cannot use any index and are filtered). Rows without labels
-- and encrypted rows index as NULL. A query must use exactly this
-- expression.
CREATE INDEX objects_labels ON pgkube.objects
    USING gin ((object -> 'metadata' -> 'labels') jsonb_path_ops);

-- Field selector spec.nodeName=X on pods: every kubelet lists and watches
-- its node's pods this way, cluster-wide. (namespace, name) follow so that a
-- paginated list needs no sort. A query must use exactly
--   api_group = '' AND resource = 'pods'
--   AND (object -> 'spec' ->> 'nodeName') = $1
-- with the group and resource as literals (a partial index needs them at
-- plan time); for the empty value ("unscheduled") use IS NULL OR = ''.
CREATE INDEX objects_pod_node_name ON pgkube.objects
    ((object -> 'spec' ->> 'nodeName'), namespace, name)
    WHERE api_group = '' AND resource = 'pods';

-- Field selectors involvedObject.name (and .namespace, .kind, .uid as
-- filters) on core events: what "kubectl describe" asks for each object. A
-- query must use exactly
--   api_group = '' AND resource = 'events'
--   AND (object -> 'involvedObject' ->> 'name') = $1
CREATE INDEX objects_event_involved ON pgkube.objects
    ((object -> 'involvedObject' ->> 'name'), (object -> 'involvedObject' ->> 'namespace'))
    WHERE api_group = '' AND resource = 'events';

-- The change log: one row per committed write, rv = the write's
-- resourceVersion, contiguous (the counter moves by one per committed write
-- and a failed write rolls its increment back). object is the state after
-- the write; for DELETED, the last state with metadata.resourceVersion set to
-- the deletion's rv. prev_rv is the key's previous rv (0 on create), so each
-- key's rows form a chain ADDED -> MODIFIED* -> DELETED.
--
-- The primary key serves "changes after rv N" (watch hubs). changes_key_rv
-- serves "newest row of each key at or below N" (pgkube.list_at) and finds a
-- row's predecessor (pgkube.compact).
CREATE TABLE pgkube.changes (
    rv        bigint PRIMARY KEY,
    type      text COLLATE "C" NOT NULL
              CONSTRAINT changes_type CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
    api_group text COLLATE "C" NOT NULL,
    resource  text COLLATE "C" NOT NULL,
    namespace text COLLATE "C" NOT NULL,
    name      text COLLATE "C" NOT NULL,
    uid       uuid NOT NULL,
    prev_rv   bigint NOT NULL CHECK (prev_rv >= 0 AND prev_rv < rv),
    object    jsonb,
    encrypted bytea,
    CONSTRAINT changes_one_payload CHECK ((object IS NULL) <> (encrypted IS NULL))
);

CREATE INDEX changes_key_rv ON pgkube.changes (api_group, resource, namespace, name, rv);

COMMENT ON TABLE pgkube.changes IS
    'append-only change log (watch events), one row per committed write; trimmed by pgkube.compact()';
COMMENT ON COLUMN pgkube.changes.prev_rv IS 'the key''s previous resourceVersion; 0 for a create';
