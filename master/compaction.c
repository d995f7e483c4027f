/*
 * compaction.c - the master's periodic compaction of pgkube.changes.
 *
 * One instance at a time across an HA set: a compaction step runs under
 * pg_try_advisory_lock, and an instance that does not get it simply tries
 * again next interval. pgkube.compact() deletes in batches, each its own
 * short transaction that never touches the resourceVersion counter, so
 * writers are not held up; a step stops after about a second and the rest
 * follows a second later, so the master stays responsive to signals.
 */
#include "compaction.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/log.h"
#include "worker/event_loop.h"

#define COMPACTION_LOCK_KEY 0x70676b75626502LL
#define COMPACTION_BATCH    1000
#define STEP_BUDGET_MS	    1000

void compaction_init(struct compaction *c, const char *dsn, int interval_seconds)
{
	memset(c, 0, sizeof(*c));
	c->dsn = dsn;
	c->interval_ms = interval_seconds > 0 ? interval_seconds * 1000 : 0;
	c->next_run = monotonic_ms() + c->interval_ms;
}

int64_t compaction_due_in(const struct compaction *c)
{
	int64_t wait;

	if (!c->interval_ms)
		return -1;
	wait = c->next_run - monotonic_ms();
	return wait < 0 ? 0 : wait;
}

/* One integer from a query, or -1 on error (logged). */
static long long query_int(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	long long value = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		value = PQgetisnull(res, 0, 0) ? 0 : atoll(PQgetvalue(res, 0, 0));
	else
		log_warn("compaction: %s: %s", sql, PQresultErrorMessage(res));
	PQclear(res);
	return value;
}

/* Deletes up to the target in batches; returns true when finished. */
static bool compact_step(struct compaction *c, PGconn *pg)
{
	int64_t deadline = monotonic_ms() + STEP_BUDGET_MS;
	char sql[128];
	long long deleted = 0, n;

	snprintf(sql, sizeof(sql), "SELECT pgkube.compact(%lld, %d)", (long long)c->target_rv,
		 COMPACTION_BATCH);
	do {
		n = query_int(pg, sql);
		if (n < 0)
			return true; /* logged; try again next interval */
		deleted += n;
	} while (n == COMPACTION_BATCH && monotonic_ms() < deadline);
	if (deleted && LOG_V(1))
		log_info("compaction: removed %lld change rows up to resourceVersion %lld", deleted,
			 (long long)c->target_rv);
	return n < COMPACTION_BATCH;
}

void compaction_run(struct compaction *c)
{
	PGconn *pg;
	char lock[96];
	bool finished = true;

	if (!c->interval_ms || monotonic_ms() < c->next_run)
		return;
	{
		/* The master must not hang on an unreachable server. */
		const char *keys[] = {"dbname", "connect_timeout", "options", NULL};
		const char *values[] = {c->dsn, "5", "-c jit=off", NULL};

		pg = PQconnectdbParams(keys, values, 1);
	}
	if (PQstatus(pg) != CONNECTION_OK) {
		log_warn("compaction: cannot connect to PostgreSQL: %s", PQerrorMessage(pg));
		goto out;
	}
	snprintf(lock, sizeof(lock), "SELECT pg_try_advisory_lock(%lld)::int",
		 (long long)COMPACTION_LOCK_KEY);
	if (query_int(pg, lock) != 1)
		goto out; /* another instance is compacting */
	if (!c->target_rv) {
		long long current = query_int(pg, "SELECT pgkube.current_rv()");

		if (current < 0)
			goto out;
		c->target_rv = c->seen_rv; /* what was current one interval ago */
		c->seen_rv = current;
	}
	if (c->target_rv > 0)
		finished = compact_step(c, pg);
out:
	PQfinish(pg); /* releases the advisory lock too */
	if (finished) {
		c->target_rv = 0;
		c->next_run = monotonic_ms() + c->interval_ms;
	} else {
		c->next_run = monotonic_ms() + 1000;
	}
}
