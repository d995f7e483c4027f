/*
 * pg_fixture.h - what the unit suites that need PostgreSQL share.
 *
 * tests/unit/run.sh starts one private PostgreSQL for the run and exports
 * PGKUBE_TEST_DSN (a superuser connection) and PGKUBE_TEST_PGDIR (for
 * deploy/dev-postgres.sh, to stop and start it). Each suite makes its own
 * fresh database with pg_fixture_database() and applies the migrations to
 * it, so suites never see each other's rows.
 */
#ifndef PGKUBE_PG_FIXTURE_H
#define PGKUBE_PG_FIXTURE_H

#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "master/migrate.h"

static inline const char *pg_fixture_admin_dsn(void)
{
	const char *dsn = getenv("PGKUBE_TEST_DSN");

	if (!dsn) {
		fprintf(stderr, "PGKUBE_TEST_DSN is not set: run this suite through "
				"tests/unit/run.sh (make unit)\n");
		exit(1);
	}
	return dsn;
}

static inline PGconn *pg_fixture_connect(const char *dsn)
{
	PGconn *pg = PQconnectdb(dsn);

	if (PQstatus(pg) != CONNECTION_OK) {
		fprintf(stderr, "cannot connect to %s: %s\n", dsn, PQerrorMessage(pg));
		exit(1);
	}
	return pg;
}

static inline void pg_fixture_exec(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType st = PQresultStatus(res);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fprintf(stderr, "%s: %s\n", sql, PQresultErrorMessage(res));
		exit(1);
	}
	PQclear(res);
}

/* A single value of a query, as a malloc'd string ("" for no row). */
static inline char *pg_fixture_value(PGconn *pg, const char *sql)
{
	PGresult *res = PQexec(pg, sql);
	char *value;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "%s: %s\n", sql, PQresultErrorMessage(res));
		exit(1);
	}
	value = strdup(PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return value;
}

static inline long long pg_fixture_int(PGconn *pg, const char *sql)
{
	char *v = pg_fixture_value(pg, sql);
	long long n = atoll(v);

	free(v);
	return n;
}

/* Creates database `name` afresh; returns its DSN (static storage). With
 * migrate, the schema is applied. */
static inline const char *pg_fixture_database(const char *name, int migrate)
{
	static char dsn[1024];
	char sql[256], err[512];
	PGconn *admin = pg_fixture_connect(pg_fixture_admin_dsn());

	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	pg_fixture_exec(admin, sql);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	pg_fixture_exec(admin, sql);
	PQfinish(admin);
	snprintf(dsn, sizeof(dsn), "%s dbname=%s", pg_fixture_admin_dsn(), name);
	if (migrate && migrate_run(dsn, 0, err, sizeof(err)) < 0) {
		fprintf(stderr, "migrations: %s\n", err);
		exit(1);
	}
	return dsn;
}

/* Runs deploy/dev-postgres.sh on the suite's PostgreSQL ("stop", "start"). */
static inline void pg_fixture_control(const char *action)
{
	char cmd[1024];
	const char *dir = getenv("PGKUBE_TEST_PGDIR");

	ck_assert_msg(dir != NULL, "PGKUBE_TEST_PGDIR is not set");
	snprintf(cmd, sizeof(cmd), "deploy/dev-postgres.sh '%s' %s >/dev/null", dir, action);
	ck_assert_int_eq(system(cmd), 0);
}

#endif
