/*
 * bootstrap.c - the objects every cluster starts with, created at start
 * if missing (idempotent, and safe when several instances start at once:
 * a name another instance created meanwhile is simply there).
 */
#include "bootstrap.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "shared/log.h"

static const char *const default_namespaces[] = {"default", "kube-system", "kube-public",
						 "kube-node-lease"};

/* kube-apiserver's system namespaces: labelled with their name, finalizer
 * "kubernetes", phase Active. */
static const char create_namespace_sql[] =
    "SELECT pgkube.create_object('', 'namespaces', '', $1::text, u,"
    " jsonb_build_object('apiVersion', 'v1', 'kind', 'Namespace',"
    "  'metadata', jsonb_build_object('name', $1::text, 'uid', u::text,"
    "   'creationTimestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    "   'labels', jsonb_build_object('kubernetes.io/metadata.name', $1::text)),"
    "  'spec', jsonb_build_object('finalizers', jsonb_build_array('kubernetes')),"
    "  'status', jsonb_build_object('phase', 'Active')), NULL)"
    " FROM (SELECT gen_random_uuid() AS u) AS x"
    " WHERE NOT EXISTS (SELECT 1 FROM pgkube.objects"
    "  WHERE api_group = '' AND resource = 'namespaces' AND namespace = '' AND name = $1::text)";

int bootstrap_run(const char *dsn, char *err, size_t err_len)
{
	PGconn *pg = PQconnectdb(dsn);
	int rc = 0;

	if (PQstatus(pg) != CONNECTION_OK) {
		snprintf(err, err_len, "bootstrap: %s", PQerrorMessage(pg));
		PQfinish(pg);
		return -1;
	}
	for (size_t i = 0; i < sizeof(default_namespaces) / sizeof(default_namespaces[0]); i++) {
		const char *params[1] = {default_namespaces[i]};
		PGresult *res =
		    PQexecParams(pg, create_namespace_sql, 1, NULL, params, NULL, NULL, 0);
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		if (PQresultStatus(res) == PGRES_TUPLES_OK) {
			if (PQntuples(res))
				log_info("created namespace %s", default_namespaces[i]);
		} else if (!state || strcmp(state, "23505") != 0) {
			snprintf(err, err_len, "bootstrap: namespace %s: %s", default_namespaces[i],
				 PQresultErrorMessage(res));
			rc = -1;
		}
		PQclear(res);
	}
	PQfinish(pg);
	return rc;
}
