/*
 * migrate.h - applying the schema migrations in sql/ (embedded in the
 * binary at build time by master/embed-sql.sh).
 */
#ifndef PGKUBE_MIGRATE_H
#define PGKUBE_MIGRATE_H

#include <stddef.h>

struct migration {
	const char *name; /* "001_schema.sql" */
	const char *sql;
};

extern const struct migration migrations[];
extern const int num_migrations;

/*
 * Connects to dsn (retrying with back-off for up to wait_seconds while
 * PostgreSQL is unreachable) and applies, in order, each migration not yet
 * recorded in pgkube.migrations, each in its own transaction, all under a
 * session advisory lock so that concurrent instances apply each migration
 * once. Returns 0, or -1 with a message in err.
 */
int migrate_run(const char *dsn, int wait_seconds, char *err, size_t err_len);

#endif
