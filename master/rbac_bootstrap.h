/*
 * rbac_bootstrap.h - kube-apiserver's bootstrap RBAC policy (v1.32), created
 * and reconciled at start as its rbac/bootstrap-roles post-start hook does,
 * and the aggregation of ClusterRoles with an aggregationRule, which the
 * master keeps current itself (rbac_aggregate.c) so that a control plane
 * without kube-controller-manager still gets admin, edit and view filled.
 */
#ifndef PGKUBE_RBAC_BOOTSTRAP_H
#define PGKUBE_RBAC_BOOTSTRAP_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

/* The embedded policy (shared/rbac_bootstrap.json), parsed; a new reference. */
json_t *rbac_bootstrap_policy(void);

/* The desired objects of the policy, as the API writes them: ClusterRoles,
 * ClusterRoleBindings, Roles, RoleBindings (new references). */
json_t *rbac_bootstrap_objects(const char *section);

/*
 * computeReconciledRole / computeReconciledRoleBinding without removals:
 * the existing object with the expected one's missing labels and
 * annotations, missing rules (broken down) or aggregation selectors, and
 * missing subjects added (a changed roleRef is *recreate set). Returns a
 * new object when something must change, NULL when nothing does or the
 * object carries rbac.authorization.kubernetes.io/autoupdate: "false".
 */
json_t *rbac_reconcile_role(json_t *existing, json_t *expected);
json_t *rbac_reconcile_binding(json_t *existing, json_t *expected, int *recreate);

/* Creates what is missing and reconciles what exists; safe when several
 * instances start at once. Returns 0, or -1 with a message in err. */
int rbac_bootstrap_run(PGconn *pg, const char *now, char *err, size_t err_len);

/*
 * The rules an aggregated ClusterRole should have: the distinct rules of
 * every other ClusterRole (roles, sorted by name) whose labels match one
 * of its clusterRoleSelectors, in that order, as the
 * clusterrole-aggregation controller computes them. A new reference.
 */
json_t *rbac_aggregated_rules(json_t *role, json_t *roles);

/* One aggregation pass over every ClusterRole (see rbac_aggregate.c):
 * how many roles it rewrote, or -1. Bootstrap runs it once before the
 * workers serve. */
int rbac_aggregate_once(PGconn *pg);

/* The master's aggregation loop. */
struct rbac_aggregator {
	const char *dsn;
	PGconn *pg;
	int64_t next_run; /* monotonic ms */
	char fingerprint[64];
};

void rbac_aggregator_init(struct rbac_aggregator *g, const char *dsn);
int64_t rbac_aggregator_due_in(const struct rbac_aggregator *g);
/* If due: one instance of an HA set (a session advisory lock) brings every
 * aggregated ClusterRole up to date. */
void rbac_aggregator_run(struct rbac_aggregator *g);
void rbac_aggregator_close(struct rbac_aggregator *g);

#endif
