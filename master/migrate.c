/*
 * migrate.c - applies the embedded sql/ migrations at start (and for
 * `pgkube-apiserver migrate`).
 *
 * Several instances may start at once against one database: they all take
 * the same session advisory lock, so one applies what is missing while the
 * others wait, then find everything recorded and go on. A migration and
 * its record in pgkube.migrations commit together, so a crash half-way
 * leaves no half-applied migration.
 */
#include "migrate.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shared/log.h"

/* An arbitrary constant: the advisory lock key of schema changes. */
#define MIGRATION_LOCK_KEY 0x70676b75626501LL

static PGconn *connect_with_retry(const char *dsn, int wait_seconds, char *err, size_t err_len)
{
	time_t give_up = time(NULL) + wait_seconds;
	useconds_t delay = 100000;

	for (;;) {
		PGconn *pg = PQconnectdb(dsn);

		if (PQstatus(pg) == CONNECTION_OK)
			return pg;
		snprintf(err, err_len, "cannot connect to PostgreSQL: %s", PQerrorMessage(pg));
		err[strcspn(err, "\n")] = '\0';
		PQfinish(pg);
		if (time(NULL) >= give_up)
			return NULL;
		log_warn("%s; retrying", err);
		usleep(delay);
		if (delay < 5000000)
			delay *= 2;
	}
}

static bool exec_ok(PGconn *pg, const char *sql, char *err, size_t err_len, const char *what)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;

	if (!ok) {
		snprintf(err, err_len, "%s: %s", what, PQresultErrorMessage(res));
		err[strcspn(err, "\n")] = '\0';
	}
	PQclear(res);
	return ok;
}

static bool already_applied(PGconn *pg, const char *name, bool *applied, char *err, size_t err_len)
{
	const char *params[1] = {name};
	PGresult *res = PQexecParams(pg, "SELECT 1 FROM pgkube.migrations WHERE name = $1", 1, NULL,
				     params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, err_len, "reading pgkube.migrations: %s", PQresultErrorMessage(res));
		PQclear(res);
		return false;
	}
	*applied = PQntuples(res) > 0;
	PQclear(res);
	return true;
}

static bool apply_one(PGconn *pg, const struct migration *m, char *err, size_t err_len)
{
	const char *params[1] = {m->name};
	PGresult *res;

	if (!exec_ok(pg, "BEGIN", err, err_len, m->name))
		return false;
	if (!exec_ok(pg, m->sql, err, err_len, m->name)) {
		exec_ok(pg, "ROLLBACK", err + strlen(err), 0, m->name);
		return false;
	}
	res = PQexecParams(pg, "INSERT INTO pgkube.migrations (name) VALUES ($1)", 1, NULL, params,
			   NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(err, err_len, "recording %s: %s", m->name, PQresultErrorMessage(res));
		PQclear(res);
		exec_ok(pg, "ROLLBACK", err + strlen(err), 0, m->name);
		return false;
	}
	PQclear(res);
	return exec_ok(pg, "COMMIT", err, err_len, m->name);
}

int migrate_run(const char *dsn, int wait_seconds, char *err, size_t err_len)
{
	char lock_sql[96];
	PGconn *pg = connect_with_retry(dsn, wait_seconds, err, err_len);
	int applied_now = 0, rc = -1;

	if (!pg)
		return -1;
	snprintf(lock_sql, sizeof(lock_sql), "SELECT pg_advisory_lock(%lld)",
		 (long long)MIGRATION_LOCK_KEY);
	if (!exec_ok(pg, "SET client_min_messages = warning", err, err_len, "session") ||
	    !exec_ok(pg, lock_sql, err, err_len, "taking the migration lock") ||
	    !exec_ok(pg,
		     "CREATE SCHEMA IF NOT EXISTS pgkube; "
		     "CREATE TABLE IF NOT EXISTS pgkube.migrations ("
		     " name text PRIMARY KEY,"
		     " applied_at timestamptz NOT NULL DEFAULT now())",
		     err, err_len, "creating pgkube.migrations"))
		goto out;
	for (int i = 0; i < num_migrations; i++) {
		bool applied;

		if (!already_applied(pg, migrations[i].name, &applied, err, err_len))
			goto out;
		if (applied)
			continue;
		if (!apply_one(pg, &migrations[i], err, err_len))
			goto out;
		log_info("applied migration %s", migrations[i].name);
		applied_now++;
	}
	if (LOG_V(1) || applied_now)
		log_info("schema is up to date (%d migrations, %d applied now)", num_migrations,
			 applied_now);
	rc = 0;
out:
	PQfinish(pg); /* also releases the advisory lock */
	return rc;
}
