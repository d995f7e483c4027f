-- 003_views.sql - read-only views for people inspecting a cluster with psql.
--
--   SELECT * FROM pgkube.pods WHERE node_name = 'node-1';
--   SELECT * FROM pgkube.resource_counts ORDER BY count DESC;
--
-- They read pgkube.objects (current state) and are not used by the server.
-- Objects encrypted at rest (usually secrets) have no JSON in the database:
-- their JSON-derived columns are NULL. Missing fields are NULL, except counts
-- the API omits when zero (readyReplicas, ...), which read 0.

-- An RFC 3339 timestamp from the API ("2024-05-01T12:00:00Z", with optional
-- fraction or offset), or NULL when the text is not one, so that one odd
-- object cannot break a view.
CREATE FUNCTION pgkube.k8s_time(p text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE
    WHEN p ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d\d:\d\d)$'
    THEN p::timestamptz
END;

-- The keys of a JSON object, sorted; NULL when it is not an object.
CREATE FUNCTION pgkube.json_keys(p jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN jsonb_typeof(p) = 'object'
    THEN ARRAY(SELECT k FROM jsonb_object_keys(p) AS k ORDER BY k)
END;

CREATE VIEW pgkube.pods AS
SELECT o.namespace::text                                   AS namespace,
       o.name::text                                        AS name,
       o.uid,
       o.object -> 'metadata' -> 'labels'                  AS labels,
       pgkube.k8s_time(o.object -> 'metadata' ->> 'creationTimestamp') AS created,
       o.object -> 'status' ->> 'phase'                    AS phase,
       o.object -> 'spec' ->> 'nodeName'                   AS node_name,
       o.object -> 'status' ->> 'podIP'                    AS pod_ip,
       o.rv                                                AS resource_version
  FROM pgkube.objects AS o
 WHERE o.api_group = '' AND o.resource = 'pods';

CREATE VIEW pgkube.deployments AS
SELECT o.namespace::text                                   AS namespace,
       o.name::text                                        AS name,
       o.uid,
       o.object -> 'metadata' -> 'labels'                  AS labels,
       pgkube.k8s_time(o.object -> 'metadata' ->> 'creationTimestamp') AS created,
       (o.object -> 'spec' ->> 'replicas')::integer        AS replicas,
       coalesce((o.object -> 'status' ->> 'readyReplicas')::integer, 0)     AS ready_replicas,
       coalesce((o.object -> 'status' ->> 'availableReplicas')::integer, 0) AS available_replicas,
       coalesce((o.object -> 'status' ->> 'updatedReplicas')::integer, 0)   AS updated_replicas,
       CASE WHEN jsonb_typeof(o.object -> 'spec' -> 'template' -> 'spec' -> 'containers') = 'array'
            THEN ARRAY(SELECT c ->> 'image'
                         FROM jsonb_array_elements(o.object -> 'spec' -> 'template' -> 'spec' -> 'containers')
                              WITH ORDINALITY AS e (c, i)
                        ORDER BY i)
       END                                                 AS images,
       o.rv                                                AS resource_version
  FROM pgkube.objects AS o
 WHERE o.api_group = 'apps' AND o.resource = 'deployments';

CREATE VIEW pgkube.services AS
SELECT o.namespace::text                                   AS namespace,
       o.name::text                                        AS name,
       o.uid,
       coalesce(o.object -> 'spec' ->> 'type', 'ClusterIP') AS type,
       o.object -> 'spec' ->> 'clusterIP'                  AS cluster_ip,
       o.object -> 'spec' -> 'ports'                       AS ports,
       o.object -> 'spec' -> 'selector'                    AS selector,
       pgkube.k8s_time(o.object -> 'metadata' ->> 'creationTimestamp') AS created
  FROM pgkube.objects AS o
 WHERE o.api_group = '' AND o.resource = 'services';

-- Keys of data and binaryData together.
CREATE VIEW pgkube.configmaps AS
SELECT o.namespace::text                                   AS namespace,
       o.name::text                                        AS name,
       o.uid,
       pgkube.json_keys(coalesce(o.object -> 'data', '{}') || coalesce(o.object -> 'binaryData', '{}'))
                                                           AS data_keys,
       pgkube.k8s_time(o.object -> 'metadata' ->> 'creationTimestamp') AS created
  FROM pgkube.objects AS o
 WHERE o.api_group = '' AND o.resource = 'configmaps';

CREATE VIEW pgkube.namespaces AS
SELECT o.name::text                                        AS name,
       o.uid,
       o.object -> 'status' ->> 'phase'                    AS phase,
       o.object -> 'metadata' -> 'labels'                  AS labels,
       pgkube.k8s_time(o.object -> 'metadata' ->> 'creationTimestamp') AS created
  FROM pgkube.objects AS o
 WHERE o.api_group = '' AND o.resource = 'namespaces';

-- ready: the status of the Ready condition ('True', 'False', 'Unknown'),
-- NULL when the node has not reported one.
CREATE VIEW pgkube.nodes AS
SELECT o.name::text                                        AS name,
       o.uid,
       o.object -> 'metadata' -> 'labels'                  AS labels,
       (SELECT c ->> 'status'
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(o.object -> 'status' -> 'conditions') = 'array'
                                         THEN o.object -> 'status' -> 'conditions' END) AS c
         WHERE c ->> 'type' = 'Ready'
         LIMIT 1)                                          AS ready,
       o.object -> 'status' -> 'nodeInfo' ->> 'kubeletVersion' AS kubelet_version,
       coalesce(o.object -> 'spec' -> 'unschedulable' = 'true', false) AS unschedulable,
       pgkube.k8s_time(o.object -> 'metadata' ->> 'creationTimestamp') AS created
  FROM pgkube.objects AS o
 WHERE o.api_group = '' AND o.resource = 'nodes';

-- Core v1 events, and events.k8s.io/v1 ones should they be stored under
-- their own group (regarding/note/series are that API's names).
-- last_timestamp as kubectl shows it: lastTimestamp, else eventTime, else
-- the creation time.
CREATE VIEW pgkube.events AS
SELECT o.namespace::text                                   AS namespace,
       o.name::text                                        AS name,
       coalesce(o.object -> 'involvedObject', o.object -> 'regarding') ->> 'kind' AS involved_kind,
       coalesce(o.object -> 'involvedObject', o.object -> 'regarding') ->> 'name' AS involved_name,
       o.object ->> 'reason'                               AS reason,
       coalesce(o.object ->> 'message', o.object ->> 'note') AS message,
       o.object ->> 'type'                                 AS type,
       coalesce((o.object ->> 'count')::integer,
                (o.object -> 'series' ->> 'count')::integer, 1) AS count,
       coalesce(pgkube.k8s_time(o.object ->> 'lastTimestamp'),
                pgkube.k8s_time(o.object ->> 'eventTime'),
                pgkube.k8s_time(o.object -> 'metadata' ->> 'creationTimestamp')) AS last_timestamp
  FROM pgkube.objects AS o
 WHERE o.resource = 'events' AND o.api_group IN ('', 'events.k8s.io');

-- Never values. For secrets encrypted at rest, type and data_keys are NULL
-- (the database has only ciphertext).
CREATE VIEW pgkube.secrets AS
SELECT o.namespace::text                                   AS namespace,
       o.name::text                                        AS name,
       o.uid,
       o.object ->> 'type'                                 AS type,
       pgkube.json_keys(o.object -> 'data')                AS data_keys,
       o.encrypted IS NOT NULL                             AS encrypted,
       pgkube.k8s_time(o.object -> 'metadata' ->> 'creationTimestamp') AS created
  FROM pgkube.objects AS o
 WHERE o.api_group = '' AND o.resource = 'secrets';

CREATE VIEW pgkube.resource_counts AS
SELECT o.api_group::text AS api_group,
       o.resource::text  AS resource,
       o.namespace::text AS namespace,
       count(*)          AS count
  FROM pgkube.objects AS o
 GROUP BY o.api_group, o.resource, o.namespace;

COMMENT ON VIEW pgkube.pods IS 'pods: one row per pod (read-only, from pgkube.objects)';
COMMENT ON VIEW pgkube.deployments IS 'apps/v1 deployments (read-only, from pgkube.objects)';
COMMENT ON VIEW pgkube.services IS 'services (read-only, from pgkube.objects)';
COMMENT ON VIEW pgkube.configmaps IS 'configmaps and the keys of their data/binaryData (read-only)';
COMMENT ON VIEW pgkube.namespaces IS 'namespaces (read-only, from pgkube.objects)';
COMMENT ON VIEW pgkube.nodes IS 'nodes and their Ready condition (read-only, from pgkube.objects)';
COMMENT ON VIEW pgkube.events IS 'events (read-only, from pgkube.objects)';
COMMENT ON VIEW pgkube.secrets IS 'secrets: names, types and data keys, never values (read-only)';
COMMENT ON VIEW pgkube.resource_counts IS 'live objects per group, resource and namespace';
