/*
 * namespaces.c - every NS_INTERVAL_MS, one instance of an HA set (the one
 * that gets a transaction-scoped advisory lock) calls
 * pgkube.finalize_namespaces until it has nothing left to do or a second
 * has passed. Each call is one short transaction of at most BATCH writes.
 */
#include "namespaces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "worker/event_loop.h"

#define NS_LOCK_KEY    0x70676b75626503LL
#define NS_INTERVAL_MS 1000
#define BATCH	       500
#define BUDGET_MS      1000

void ns_finalizer_init(struct ns_finalizer *f, const char *dsn)
{
	memset(f, 0, sizeof(*f));
	f->dsn = dsn;
	f->next_run = monotonic_ms() + NS_INTERVAL_MS;
}

int64_t ns_finalizer_due_in(const struct ns_finalizer *f)
{
	int64_t wait = f->next_run - monotonic_ms();

	return wait < 0 ? 0 : wait;
}

void ns_finalizer_close(struct ns_finalizer *f)
{
	if (f->pg)
		PQfinish(f->pg);
	f->pg = NULL;
}

static bool connect_db(struct ns_finalizer *f)
{
	/* The master must not hang on an unreachable server. */
	const char *keys[] = {"dbname", "connect_timeout", "application_name", "options", NULL};
	const char *values[] = {f->dsn, "5", "pgkube-namespace-finalizer", "-c jit=off", NULL};

	if (f->pg && PQstatus(f->pg) == CONNECTION_OK)
		return true;
	ns_finalizer_close(f);
	f->pg = PQconnectdbParams(keys, values, 1);
	if (PQstatus(f->pg) != CONNECTION_OK) {
		ns_finalizer_close(f);
		return false;
	}
	return true;
}

void ns_finalizer_run(struct ns_finalizer *f)
{
	int64_t deadline = monotonic_ms() + BUDGET_MS;
	char sql[160];
	long long done;

	if (monotonic_ms() < f->next_run)
		return;
	f->next_run = monotonic_ms() + NS_INTERVAL_MS;
	if (!connect_db(f))
		return; /* PostgreSQL away: the workers say so; try again later */
	snprintf(sql, sizeof(sql),
		 "SELECT CASE WHEN pg_try_advisory_xact_lock(%lld)"
		 " THEN pgkube.finalize_namespaces(%d) ELSE 0 END",
		 (long long)NS_LOCK_KEY, BATCH);
	do {
		PGresult *res = PQexec(f->pg, sql);

		done = 0;
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
			done = atoll(PQgetvalue(res, 0, 0));
		else if (PQstatus(f->pg) == CONNECTION_OK)
			log_warn("namespace finalizer: %s", PQresultErrorMessage(res));
		PQclear(res);
		if (done > 0 && LOG_V(1))
			log_info("namespace finalizer: %lld objects deleted or marked", done);
	} while (done > 0 && monotonic_ms() < deadline);
	if (done > 0)
		f->next_run = monotonic_ms(); /* more to do: straight on */
}
