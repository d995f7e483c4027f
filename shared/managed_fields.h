/*
 * managed_fields.h - metadata.managedFields, kept as kube-apiserver's
 * field manager (k8s.io/apimachinery/pkg/util/managedfields) keeps it on
 * every create, update and patch.
 *
 * Each entry says which fields (a FieldsV1 set, shared/fieldset.h) one
 * manager set, by which operation: "Update" (create, update and the
 * non-apply patches; one entry per manager, apiVersion and subresource)
 * or "Apply" (server-side apply; one per manager and subresource). An
 * update gives its manager the fields it added or changed, takes them
 * from every other manager, and takes removed fields from everybody.
 */
#ifndef PGKUBE_MANAGED_FIELDS_H
#define PGKUBE_MANAGED_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/catalog.h"
#include "shared/fieldset.h"

struct managed_entry {
	char *manager, *operation, *api_version, *subresource;
	char *time; /* RFC 3339, or NULL */
	struct fieldset *set;
};

struct managed_fields {
	struct managed_entry *e;
	size_t n;
};

/* The entries of a managedFields list; -1 with err when one is invalid. */
int managed_fields_decode(json_t *list, struct managed_fields *out, char *err, size_t err_len);
/* The list as upstream writes it, sorted by operation, time, manager,
 * apiVersion and subresource; NULL when there are no entries. */
json_t *managed_fields_encode(const struct managed_fields *m);
void managed_fields_free(struct managed_fields *m);

/* What an update is about: who makes it, through which version and subresource. */
struct managed_update {
	const struct catalog_type *type; /* NULL: structure unknown */
	const char *manager;
	const char *api_version; /* "apps/v1" */
	const char *subresource; /* "" for the main resource */
	const char *now;	 /* RFC 3339 */
	/* paths upstream's strategy resets (status on the main resource ...): never owned */
	const struct fieldset *ignored;
};

/*
 * Sets new_obj's metadata.managedFields for an update from live (a create
 * is an update from the empty object: pass NULL). The managedFields of
 * new_obj are taken when it holds valid ones (an empty list resets them),
 * else live's. An update of an object without managed fields keeps it
 * without them, as upstream. -1 with err when the object does not fit
 * the structure its type declares (new_obj is left as it was).
 */
int managed_fields_update(const struct managed_update *u, json_t *live, json_t *new_obj, char *err,
			  size_t err_len);

/* Why an apply failed with a Conflict: upstream's message and causes. */
struct managed_conflicts {
	char *message;	/* "Apply failed with 1 conflict: conflict with ..." */
	json_t *causes; /* [{"reason":"FieldManagerConflict","message","field"}] */
};

void managed_conflicts_free(struct managed_conflicts *c);

/*
 * Server-side apply of config (the body, an object of u->type) to live
 * (NULL to create), as structured-merge-diff's Updater.Apply behind
 * upstream's field manager: config merged into live by the type's list
 * semantics, the fields u->manager applied last time and no longer
 * applies removed when nobody else owns them, then ownership: the
 * manager's Apply entry becomes what config sets (u->ignored and
 * metadata that nobody owns left out), with u->now as its time when the
 * object changed. Fields config changes that other managers own are
 * conflicts: without force the answer is 1 with *c filled and nothing
 * else done; with force they pass to the applier. 0 with *out the new
 * object (metadata.managedFields set); -1 with err when an object does
 * not fit its type.
 */
int managed_fields_apply(const struct managed_update *u, json_t *live, json_t *config, bool force,
			 json_t **out, struct managed_conflicts *c, char *err, size_t err_len);

/*
 * The manager an update without ?fieldManager is recorded under: the
 * User-Agent up to its first "/", printable characters only, at most 128
 * bytes, as upstream's prefixFromUserAgent. Written into out.
 */
void managed_fields_manager_from_user_agent(const char *user_agent, char *out, size_t out_len);

/*
 * Checks a ?fieldManager as upstream's ValidateFieldManager; NULL when
 * valid, else the cause's message ("Too long: ...") written into out.
 */
const char *managed_fields_check_manager(const char *manager, char *out, size_t out_len);

#endif
