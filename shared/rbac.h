/*
 * rbac.h - Kubernetes RBAC as kube-apiserver v1.32 evaluates it, in memory.
 *
 * Two halves:
 *   - rules (rbac_rules.c): a PolicyRule parsed from JSON, matched against
 *     a request the way plugin/pkg/auth/authorizer/rbac RuleAllows does
 *     (verbs, apiGroups, resources with "*", "resource/subresource" and
 *     "* /subresource", resourceNames, nonResourceURLs with a trailing "*"),
 *     and compared with other rules the way the escalation check does
 *     (component-helpers' Covers, pkg/registry/rbac/validation's
 *     CompactRules and CompactString);
 *   - the policy (rbac.c): every Role, ClusterRole, RoleBinding and
 *     ClusterRoleBinding, kept current object by object, with the bindings
 *     indexed by subject (user name, group, and a service account under its
 *     user name system:serviceaccount:NS:NAME) so that a decision looks at
 *     the bindings of the asking user and her groups only, however many
 *     bindings there are. Roles are resolved when a decision is made, so a
 *     change of a role applies at once to every binding of it.
 *
 * Nothing here talks to PostgreSQL: workers feed the policy from the store
 * and the change log (worker/authz.c); the master uses the rules half for
 * the bootstrap policy and aggregation.
 */
#ifndef PGKUBE_RBAC_H
#define PGKUBE_RBAC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/buf.h"

/* What one request asks for: upstream's authorizer.Attributes. */
struct authz_attributes {
	const char *user; /* user.Info name */
	const char *const *groups;
	size_t num_groups;
	bool resource_request;
	const char *verb;
	/* resource requests; "" when absent */
	const char *api_group;
	const char *api_version;
	const char *namespace;
	const char *resource;
	const char *subresource;
	const char *name;
	/* list, watch, deletecollection: the fieldSelector as given, or NULL
	 * (v1.32's AuthorizeWithSelectors lets authorizers see it) */
	const char *field_selector;
	/* non-resource requests */
	const char *path;
};

struct string_array {
	const char **items;
	size_t len;
};

/* rbacv1.PolicyRule. */
struct rbac_rule {
	struct string_array verbs;
	struct string_array api_groups;
	struct string_array resources;
	struct string_array resource_names;
	struct string_array urls; /* nonResourceURLs */
};

/* ---- rules (rbac_rules.c) ---- */

/* The rules of a "rules" array (null or absent: none). Strings are copied
 * into a. Entries that are not objects are skipped. */
size_t rbac_rules_from_json(struct arena *a, json_t *rules, struct rbac_rule **out);
/* A rule as the API writes it (fields left out when empty). */
json_t *rbac_rule_to_json(const struct rbac_rule *r);
/* RuleAllows. */
bool rbac_rule_allows(const struct rbac_rule *r, const struct authz_attributes *attrs);
/* ruleCovers of one owner rule over one broken-down rule. */
bool rbac_rule_covers(const struct rbac_rule *owner, const struct rbac_rule *sub);
/* Covers(owner, wanted): the broken-down rules of wanted (BreakdownRule)
 * that no owner rule covers, in order; in a. */
size_t rbac_uncovered_rules(struct arena *a, const struct rbac_rule *owner, size_t num_owner,
			    const struct rbac_rule *wanted, size_t num_wanted,
			    struct rbac_rule **out);
/*
 * Covers(owner, wanted): the broken-down rules of wanted that no owner rule
 * covers, compacted (CompactRules), each written as CompactString writes
 * it, sorted and without duplicates as a sets.String lists them. Returns
 * how many (0: owner covers wanted); *lines is in a.
 */
size_t rbac_missing_rules(struct arena *a, const struct rbac_rule *owner, size_t num_owner,
			  const struct rbac_rule *wanted, size_t num_wanted, const char ***lines);
/* CompactString: {APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}. */
void rbac_rule_compact_string(struct buf *out, const struct rbac_rule *r);
/* Go's %q of a []string: ["a" "b"]. */
void rbac_quote_list(struct buf *out, const char *const *items, size_t n);

/* ---- the policy (rbac.c) ---- */

struct rbac_policy;

struct rbac_policy *rbac_policy_new(void);
void rbac_policy_free(struct rbac_policy *p);

/*
 * Puts (obj non-NULL) or removes (obj NULL) one object of resource
 * "roles", "clusterroles", "rolebindings" or "clusterrolebindings" of
 * rbac.authorization.k8s.io; other resources are ignored. Returns true
 * when the resource is one of the four.
 */
bool rbac_policy_apply(struct rbac_policy *p, const char *resource, const char *namespace,
		       const char *name, json_t *obj);
size_t rbac_policy_count(const struct rbac_policy *p, const char *resource);

/* Where a rule came from, for "allowed by ..." reasons. */
struct rbac_source {
	bool cluster_binding; /* a ClusterRoleBinding, else a RoleBinding */
	const char *binding_name;
	const char *binding_namespace;
	const char *role_kind; /* "Role" or "ClusterRole" */
	const char *role_name;
	const char *subject_kind;
	const char *subject_name;
	const char *subject_namespace; /* ServiceAccount: its namespace (defaulted) */
};

/* "ClusterRoleBinding \"x\" of ClusterRole \"y\" to Group \"z\"", as upstream's describers. */
void rbac_source_describe(struct buf *out, const struct rbac_source *s);

/*
 * VisitRulesFor: calls fn with each rule that applies to the user of attrs
 * (user and groups only are read) in namespace ns ("" = cluster bindings
 * only), first those of ClusterRoleBindings, then of RoleBindings in ns,
 * each set in binding-name order, and with each error met resolving a
 * binding's role (rule NULL, error set). Errors are worded as the
 * authorizer's listers word them (`clusterrole.rbac.authorization.k8s.io
 * "x" not found`) or, with registry_errors, as the registry does
 * (`clusterroles.rbac.authorization.k8s.io "x" not found`). fn returns
 * false to stop.
 */
typedef bool rbac_visit_fn(void *ctx, const struct rbac_source *src, const struct rbac_rule *rule,
			   const char *error);
void rbac_visit_rules(const struct rbac_policy *p, const struct authz_attributes *attrs,
		      const char *ns, bool registry_errors, rbac_visit_fn *fn, void *ctx);

/*
 * The RBAC authorizer: true (reason "RBAC: allowed by ...") when a rule
 * allows attrs; false with reason "" or "RBAC: <resolution errors>" (no
 * opinion). The reason is allocated in a.
 */
bool rbac_authorize(const struct rbac_policy *p, const struct authz_attributes *attrs,
		    struct arena *a, const char **reason);

/*
 * The rules of a role reference (GetRoleReferenceRules): kind "Role" (in
 * ns) or "ClusterRole". Returns false with *error (registry wording, in a)
 * when it does not resolve.
 */
bool rbac_role_rules(const struct rbac_policy *p, const char *kind, const char *name,
		     const char *ns, struct arena *a, const struct rbac_rule **rules, size_t *n,
		     const char **error);

/* utilerrors.NewAggregate(errs).Error(): one message as it is, several as
 * "[a, b]" without repeats; "" for none. */
const char *rbac_aggregate_errors(struct arena *a, const char *const *errors, size_t n);

/* metav1.LabelSelector (matchLabels, matchExpressions) against a labels object. */
bool rbac_label_selector_matches(json_t *selector, json_t *labels);

#endif
