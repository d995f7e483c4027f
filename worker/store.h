/*
 * store.h - the object store: Kubernetes objects in PostgreSQL.
 *
 * Every call is asynchronous: it queues one statement on the worker's
 * pg_pool and calls back once with a struct store_result. Writes are one
 * round trip each (the pgkube.*_object functions of sql/002_functions.sql);
 * a list is one statement whose snapshot also yields its resourceVersion.
 * The strings in a result point into the PostgreSQL result and live only
 * during the callback.
 */
#ifndef PGKUBE_STORE_H
#define PGKUBE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "worker/pg_pool.h"

enum store_status {
	STORE_OK,
	STORE_NOT_FOUND,    /* 404 NotFound */
	STORE_EXISTS,	    /* 409 AlreadyExists */
	STORE_CONFLICT,	    /* 409 Conflict: resourceVersion precondition */
	STORE_UID_MISMATCH, /* 409 Conflict: uid precondition */
	STORE_EXPIRED,	    /* 410 Expired: resourceVersion compacted */
	STORE_RV_TOO_LARGE, /* 504 Timeout: resourceVersion not reached yet */
	STORE_ALLOCATED,    /* a Service's IP or node port is another's (PGK23): message
			     * lists them, "ip 10.0.0.5,nodeport 30080" */
	STORE_UNAVAILABLE,  /* 503: PostgreSQL unreachable, or outcome unknown */
	STORE_ERROR,	    /* 500 */
};

struct store_key {
	const char *group;     /* "" = core */
	const char *resource;  /* plural */
	const char *namespace; /* "" = cluster-scoped */
	const char *name;
};

struct store_item {
	const char *namespace;
	const char *name;
	int64_t rv;
	const char *object; /* JSON text */
};

struct store_result {
	enum store_status status;
	const char *message; /* for errors */
	int64_t rv;	     /* the object's resourceVersion; a list's snapshot */
	const char *object;  /* get/create/update/delete: JSON text */
	/* list */
	struct store_item *items;
	int num_items;
	bool more;	   /* items beyond the limit exist */
	int64_t remaining; /* how many, when counted (-1 otherwise) */
};

typedef void (*store_fn)(void *ctx, const struct store_result *res);

struct store_list_options {
	const char *group, *resource;
	const char *namespace; /* NULL = every namespace */
	int limit;	       /* 0 = no limit */
	int64_t at_rv;	       /* 0 = the latest state; else as of this resourceVersion */
	const char *after_namespace, *after_name; /* continue after this key */
	/* An extra condition over the column "o.object" (from the selectors),
	 * using parameters $8.. given in where_params; NULL = none. */
	const char *where_sql;
	const char *const *where_params;
	int num_where_params;
	bool count_remaining;
};

/* The statements every pool connection prepares. */
extern const struct pg_statement store_statements[];
extern const int store_num_statements;

void store_get(struct pg_pool *pool, const struct store_key *key, store_fn fn, void *ctx);
void store_create(struct pg_pool *pool, const struct store_key *key, const char *uid,
		  const char *object_json, store_fn fn, void *ctx);
/* expected_rv 0 = unconditional. */
void store_update(struct pg_pool *pool, const struct store_key *key, int64_t expected_rv,
		  const char *object_json, store_fn fn, void *ctx);
/* expected_rv 0 / expected_uid NULL = no precondition. */
void store_delete(struct pg_pool *pool, const struct store_key *key, int64_t expected_rv,
		  const char *expected_uid, store_fn fn, void *ctx);
void store_list(struct pg_pool *pool, const struct store_list_options *opts, store_fn fn,
		void *ctx);

#endif
