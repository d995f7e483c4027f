/*
 * managed_fields.c - metadata.managedFields on updates (see
 * managed_fields.h).
 *
 * Upstream's field manager is a chain of wrappers; the ones that decide
 * what an update records are followed here in order: take the request's
 * managedFields or the live object's (decodeLiveOrNew), skip objects that
 * have none (skipNonApplied), compare the two objects as Go would write
 * them, give the changes to a fresh "current operation" and take them
 * from everybody else (structured-merge-diff's Updater.Update with force),
 * drop the metadata fields nobody owns (stripMeta), and fold the current
 * operation into the manager's entry with the time of now
 * (managedFieldsUpdater).
 */
#include "managed_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/unicode_class.h"

static char *dup_or_null(const char *s)
{
	char *p;

	if (!s)
		return NULL;
	p = strdup(s);
	if (!p)
		abort();
	return p;
}

static void entry_free(struct managed_entry *e)
{
	free(e->manager);
	free(e->operation);
	free(e->api_version);
	free(e->subresource);
	free(e->time);
	fieldset_free(e->set);
}

void managed_fields_free(struct managed_fields *m)
{
	for (size_t i = 0; i < m->n; i++)
		entry_free(&m->e[i]);
	free(m->e);
	m->e = NULL;
	m->n = 0;
}

static struct managed_entry *add_entry(struct managed_fields *m)
{
	m->e = realloc(m->e, (m->n + 1) * sizeof(*m->e));
	if (!m->e)
		abort();
	memset(&m->e[m->n], 0, sizeof(m->e[m->n]));
	return &m->e[m->n++];
}

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* Whether two entries are one manager: Apply entries regardless of apiVersion. */
static bool same_manager(const struct managed_entry *a, const char *manager, const char *operation,
			 const char *api_version, const char *subresource)
{
	return strcmp(a->manager, manager) == 0 && strcmp(a->operation, operation) == 0 &&
	       strcmp(a->subresource, subresource) == 0 &&
	       (strcmp(operation, "Apply") == 0 || strcmp(a->api_version, api_version) == 0);
}

int managed_fields_decode(json_t *list, struct managed_fields *out, char *err, size_t err_len)
{
	size_t i;
	json_t *item;

	*out = (struct managed_fields){0};
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list)) {
		snprintf(err, err_len, "managedFields is not a list");
		return -1;
	}
	json_array_foreach(list, i, item)
	{
		const char *op = str(item, "operation"), *type = str(item, "fieldsType");
		struct managed_entry *e;
		struct fieldset *set;
		json_t *fields = json_object_get(item, "fieldsV1");

		if (strcmp(op, "Apply") != 0 && strcmp(op, "Update") != 0) {
			snprintf(err, err_len, "operation must be `Apply` or `Update`");
			goto fail;
		}
		if (!*str(item, "apiVersion")) {
			snprintf(err, err_len, "apiVersion must not be empty");
			goto fail;
		}
		if (strcmp(type, "FieldsV1") != 0) {
			if (*type)
				snprintf(err, err_len,
					 "invalid fieldsType \"%s\" in managed fields entry %zu",
					 type, i);
			else
				snprintf(err, err_len,
					 "missing fieldsType in managed fields entry %zu", i);
			goto fail;
		}
		if (fields && !json_is_null(fields))
			set = fieldset_from_json(fields, err, err_len);
		else
			set = fieldset_new();
		if (!set)
			goto fail;
		/* One entry per manager: a repeated one replaces the earlier, as the map does. */
		for (size_t k = 0; k < out->n; k++) {
			if (same_manager(&out->e[k], str(item, "manager"), op,
					 str(item, "apiVersion"), str(item, "subresource"))) {
				entry_free(&out->e[k]);
				out->e[k] = out->e[--out->n];
				break;
			}
		}
		e = add_entry(out);
		e->manager = dup_or_null(str(item, "manager"));
		e->operation = dup_or_null(op);
		e->api_version = dup_or_null(str(item, "apiVersion"));
		e->subresource = dup_or_null(str(item, "subresource"));
		e->time = dup_or_null(json_string_value(json_object_get(item, "time")));
		e->set = set;
	}
	return 0;
fail:
	managed_fields_free(out);
	return -1;
}

static int entry_cmp(const void *pa, const void *pb)
{
	const struct managed_entry *a = pa, *b = pb;
	int c = strcmp(a->operation, b->operation);

	if (c)
		return c;
	/* Time at second precision: the RFC 3339 texts order as the times. */
	c = strcmp(a->time ? a->time : "", b->time ? b->time : "");
	if (c)
		return c;
	c = strcmp(a->manager, b->manager);
	if (c)
		return c;
	c = strcmp(a->api_version, b->api_version);
	if (c)
		return c;
	return strcmp(a->subresource, b->subresource);
}

json_t *managed_fields_encode(const struct managed_fields *m)
{
	struct managed_entry *sorted;
	json_t *list;

	if (!m->n)
		return NULL;
	sorted = malloc(m->n * sizeof(*sorted));
	if (!sorted)
		abort();
	memcpy(sorted, m->e, m->n * sizeof(*sorted));
	qsort(sorted, m->n, sizeof(*sorted), entry_cmp);
	list = json_array();
	for (size_t i = 0; i < m->n; i++) {
		const struct managed_entry *e = &sorted[i];
		json_t *item = json_object();

		/* ManagedFieldsEntry's field order; empty strings are omitted. */
		if (*e->manager)
			json_object_set_new(item, "manager", json_string(e->manager));
		json_object_set_new(item, "operation", json_string(e->operation));
		json_object_set_new(item, "apiVersion", json_string(e->api_version));
		if (e->time)
			json_object_set_new(item, "time", json_string(e->time));
		json_object_set_new(item, "fieldsType", json_string("FieldsV1"));
		json_object_set_new(item, "fieldsV1", fieldset_to_json(e->set));
		if (*e->subresource)
			json_object_set_new(item, "subresource", json_string(e->subresource));
		json_array_append_new(list, item);
	}
	free(sorted);
	return list;
}

/* ---- objects as Go writes them ---- */

/* A copy of obj without managedFields, with Go's zero fields. */
static json_t *as_go_writes(const struct catalog_type *t, json_t *obj)
{
	json_t *c = obj ? json_deep_copy(obj) : json_object();

	json_object_del(json_object_get(c, "metadata"), "managedFields");
	if (t)
		catalog_fill_zero(t, c);
	return c;
}

/* ---- the update ---- */

static const char *const strip_paths[][2] = {
    {"f:apiVersion", NULL},
    {"f:kind", NULL},
    {"f:metadata", NULL},
    {"f:metadata", "f:name"},
    {"f:metadata", "f:namespace"},
    {"f:metadata", "f:creationTimestamp"},
    {"f:metadata", "f:selfLink"},
    {"f:metadata", "f:uid"},
    {"f:metadata", "f:clusterName"},
    {"f:metadata", "f:generation"},
    {"f:metadata", "f:managedFields"},
    {"f:metadata", "f:resourceVersion"},
};

/* s without what no manager may own (stripMeta); frees s. */
static struct fieldset *strip_meta(struct fieldset *s)
{
	struct fieldset *strip = fieldset_new(), *out;

	for (size_t i = 0; i < sizeof(strip_paths) / sizeof(strip_paths[0]); i++)
		fieldset_insert(strip, strip_paths[i], strip_paths[i][1] ? 2 : 1);
	out = fieldset_difference(s, strip);
	fieldset_free(strip);
	fieldset_free(s);
	return out;
}

/* isResetManagedFields: [] or [{}] clears them. */
static bool asks_reset(json_t *list)
{
	if (!json_is_array(list))
		return false;
	return json_array_size(list) == 0 ||
	       (json_array_size(list) == 1 && json_is_object(json_array_get(list, 0)) &&
		json_object_size(json_array_get(list, 0)) == 0);
}

/* decodeLiveOrNew. */
static void managers_before(const struct managed_update *u, json_t *live, json_t *new_obj,
			    struct managed_fields *m)
{
	json_t *live_list = json_object_get(json_object_get(live, "metadata"), "managedFields");
	json_t *new_list = json_object_get(json_object_get(new_obj, "metadata"), "managedFields");
	char err[256];

	*m = (struct managed_fields){0};
	if (!*u->subresource) {
		if (asks_reset(new_list))
			return;
		if (managed_fields_decode(new_list, m, err, sizeof(err)) == 0 && m->n)
			return;
		managed_fields_free(m);
	}
	if (managed_fields_decode(live_list, m, err, sizeof(err)) < 0)
		*m = (struct managed_fields){0};
}

static void set_managed_fields(json_t *obj, const struct managed_fields *m)
{
	json_t *meta = json_object_get(obj, "metadata");
	json_t *list = managed_fields_encode(m);

	if (!json_is_object(meta))
		return;
	if (list)
		json_object_set_new(meta, "managedFields", list);
	else
		json_object_del(meta, "managedFields");
}

int managed_fields_update(const struct managed_update *u, json_t *live, json_t *new_obj, char *err,
			  size_t err_len)
{
	struct managed_fields m;
	struct fieldset *added, *modified, *removed, *changed, *current;
	json_t *old_go, *new_go;
	const char *uid =
	    json_string_value(json_object_get(json_object_get(live, "metadata"), "uid"));
	int rc;

	managers_before(u, live, new_obj, &m);
	if (!m.n && uid && *uid) {
		/* skipNonApplied: an object nobody tracks stays untracked */
		json_object_del(json_object_get(new_obj, "metadata"), "managedFields");
		return 0;
	}
	old_go = as_go_writes(u->type, live);
	new_go = as_go_writes(u->type, new_obj);
	rc = fieldset_compare(u->type, old_go, new_go, &added, &modified, &removed, err, err_len);
	json_decref(old_go);
	json_decref(new_go);
	if (rc < 0) {
		managed_fields_free(&m);
		return -1;
	}
	if (u->ignored) {
		struct fieldset *sets[] = {added, modified, removed};

		for (int k = 0; k < 3; k++) {
			struct fieldset *f = fieldset_recursive_difference(sets[k], u->ignored);

			fieldset_free(sets[k]);
			sets[k] = f;
		}
		added = sets[0];
		modified = sets[1];
		removed = sets[2];
	}
	changed = fieldset_union(modified, added);
	/* Everybody else loses what changed and what went. */
	for (size_t i = 0; i < m.n;) {
		struct fieldset *a = fieldset_difference(m.e[i].set, changed);
		struct fieldset *b = fieldset_difference(a, removed);

		fieldset_free(a);
		fieldset_free(m.e[i].set);
		m.e[i].set = b;
		if (fieldset_empty(b)) {
			entry_free(&m.e[i]);
			memmove(&m.e[i], &m.e[i + 1], (m.n - i - 1) * sizeof(m.e[0]));
			m.n--;
			continue;
		}
		i++;
	}
	current = strip_meta(changed);
	if (!fieldset_empty(current)) {
		struct managed_entry *e = NULL;

		for (size_t i = 0; i < m.n; i++)
			if (same_manager(&m.e[i], u->manager, "Update", u->api_version,
					 u->subresource))
				e = &m.e[i];
		if (e) {
			struct fieldset *all = fieldset_union(current, e->set);

			fieldset_free(e->set);
			e->set = all;
			free(e->time);
		} else {
			e = add_entry(&m);
			e->manager = dup_or_null(u->manager);
			e->operation = dup_or_null("Update");
			e->api_version = dup_or_null(u->api_version);
			e->subresource = dup_or_null(u->subresource);
			e->set = fieldset_copy(current);
		}
		e->time = dup_or_null(u->now);
	}
	fieldset_free(current);
	fieldset_free(added);
	fieldset_free(modified);
	fieldset_free(removed);
	set_managed_fields(new_obj, &m);
	managed_fields_free(&m);
	return 0;
}

/* ---- the manager's name ---- */

/* The next rune of s (Go's decoding: a bad byte is U+FFFD, one byte long). */
static unsigned int next_rune(const unsigned char *s, size_t *len)
{
	unsigned int c = s[0];
	size_t n = c < 0x80		? 1
		   : (c & 0xe0) == 0xc0 ? 2
		   : (c & 0xf0) == 0xe0 ? 3
		   : (c & 0xf8) == 0xf0 ? 4
					: 0;
	unsigned int r = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;

	if (!n) {
		*len = 1;
		return 0xfffd;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = 1;
			return 0xfffd;
		}
		r = (r << 6) | (s[i] & 0x3f);
	}
	if ((n == 2 && r < 0x80) || (n == 3 && r < 0x800) ||
	    (n == 4 && (r < 0x10000 || r > 0x10ffff)) || (r >= 0xd800 && r <= 0xdfff)) {
		*len = 1;
		return 0xfffd;
	}
	*len = n;
	return r;
}

void managed_fields_manager_from_user_agent(const char *user_agent, char *out, size_t out_len)
{
	const unsigned char *p = (const unsigned char *)(user_agent ? user_agent : "");
	size_t at = 0, end = strcspn((const char *)p, "/");

	for (size_t i = 0; i < end;) {
		size_t n;
		unsigned int r = next_rune(p + i, &n);

		if (i + n > end)
			n = end - i;
		if (unicode_is_print(r)) {
			if (at >= 128)
				break;
			/* a bad byte is written as U+FFFD, as Go's WriteRune does */
			if (r == 0xfffd && n == 1 && p[i] >= 0x80) {
				if (at + 3 < out_len) {
					memcpy(out + at, "\xef\xbf\xbd", 3);
					at += 3;
				}
			} else if (at + n < out_len) {
				memcpy(out + at, p + i, n);
				at += n;
			}
		}
		i += n;
	}
	out[at < out_len ? at : out_len - 1] = '\0';
}

const char *managed_fields_check_manager(const char *manager, char *out, size_t out_len)
{
	const unsigned char *p = (const unsigned char *)manager;

	if (strlen(manager) > 128) {
		snprintf(out, out_len, "Too long: may not be more than 128 bytes");
		return out;
	}
	for (size_t i = 0; p[i];) {
		size_t n;
		unsigned int r = next_rune(p + i, &n);

		if (!unicode_is_print(r)) {
			char quoted[600];
			size_t q = 0;

			/* the value as Go's %q writes it, control bytes escaped */
			for (size_t k = 0; p[k] && q + 5 < sizeof(quoted); k++) {
				static const char esc[] = "abtnvfr";

				if (p[k] >= 7 && p[k] <= 13) {
					quoted[q++] = '\\';
					quoted[q++] = esc[p[k] - 7];
				} else if (p[k] < 0x20 || p[k] == 0x7f) {
					q += (size_t)snprintf(quoted + q, sizeof(quoted) - q,
							      "\\x%02x", p[k]);
				} else {
					if (p[k] == '"' || p[k] == '\\')
						quoted[q++] = '\\';
					quoted[q++] = (char)p[k];
				}
			}
			quoted[q] = '\0';
			snprintf(
			    out, out_len,
			    "Invalid value: \"%s\": invalid character U+%04X (at position %zu)",
			    quoted, r, i);
			return out;
		}
		i += n;
	}
	return NULL;
}

/* ---- apply ---- */

void managed_conflicts_free(struct managed_conflicts *c)
{
	free(c->message);
	json_decref(c->causes);
	c->message = NULL;
	c->causes = NULL;
}

/* The entry of u->manager's applies, or NULL. */
static struct managed_entry *apply_entry(struct managed_fields *m, const struct managed_update *u)
{
	for (size_t i = 0; i < m->n; i++)
		if (same_manager(&m->e[i], u->manager, "Apply", "", u->subresource))
			return &m->e[i];
	return NULL;
}

static void drop_entry(struct managed_fields *m, size_t i)
{
	entry_free(&m->e[i]);
	memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof(m->e[0]));
	m->n--;
}

/* Replaces *s by op(*s, b). */
static void set_replace(struct fieldset **s, struct fieldset *next)
{
	fieldset_free(*s);
	*s = next;
}

/*
 * What the last apply set and this one no longer does comes out of
 * merged, unless another manager (or this apply) owns it, or it was
 * never the applier's alone to begin with (upstream's prune, with
 * addBackOwnedItems and addBackDanglingItems). A new reference; NULL
 * with err when an object does not fit its type.
 */
static json_t *prune(const struct catalog_type *t, json_t *merged, const struct fieldset *last,
		     const struct managed_fields *m, char *err, size_t err_len)
{
	struct fieldset *nm_last, *owned = fieldset_new(), *merged_set, *pruned_set, *a, *b, *c;
	json_t *pruned, *out;

	nm_last = fieldset_named_members(t, last);
	pruned = fieldset_remove(t, merged, nm_last);
	for (size_t i = 0; i < m->n; i++)
		set_replace(&owned, fieldset_union(owned, m->e[i].set));
	merged_set = fieldset_of_object(t, merged, err, err_len);
	pruned_set = merged_set ? fieldset_of_object(t, pruned, err, err_len) : NULL;
	json_decref(pruned);
	if (!pruned_set) {
		fieldset_free(merged_set);
		fieldset_free(owned);
		fieldset_free(nm_last);
		return NULL;
	}
	set_replace(&merged_set, fieldset_named_members(t, merged_set));
	set_replace(&pruned_set, fieldset_named_members(t, pruned_set));
	set_replace(&owned, fieldset_named_members(t, owned));
	/* addBackOwnedItems: everything owned comes back */
	a = fieldset_union(pruned_set, owned);
	b = fieldset_difference(merged_set, a);
	pruned = fieldset_remove(t, merged, b);
	fieldset_free(a);
	fieldset_free(b);
	set_replace(&pruned_set, fieldset_of_object(t, pruned, err, err_len));
	json_decref(pruned);
	out = NULL;
	if (pruned_set) {
		/* addBackDanglingItems: only what the applier had goes */
		set_replace(&pruned_set, fieldset_named_members(t, pruned_set));
		a = fieldset_difference(merged_set, pruned_set);
		c = fieldset_intersection(a, nm_last);
		out = fieldset_remove(t, merged, c);
		fieldset_free(a);
		fieldset_free(c);
	}
	fieldset_free(pruned_set);
	fieldset_free(merged_set);
	fieldset_free(owned);
	fieldset_free(nm_last);
	return out;
}

/* The manager as upstream's conflict messages print it (printManager). */
static char *print_manager(const struct managed_entry *e)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);
	const char *sections[] = {e->manager, e->subresource};

	if (!f)
		abort();
	for (int k = 0; k < 2; k++) {
		const char *s = sections[k];

		if (k == 1) {
			if (!*s)
				break;
			fputs(" with subresource ", f);
		}
		/* Go's %q of a printable string: quotes and backslashes escaped */
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"' || *s == '\\')
				fputc('\\', f);
			fputc(*s, f);
		}
		fputc('"', f);
	}
	if (strcmp(e->operation, "Update") == 0)
		fprintf(f, " using %s", e->api_version);
	fclose(f);
	return p;
}

/* The manager's identifier (BuildManagerIdentifier): upstream sorts conflicts by it. */
static char *manager_identifier(const struct managed_entry *e)
{
	json_t *id = json_object();
	char *s;

	if (*e->manager)
		json_object_set_new(id, "manager", json_string(e->manager));
	json_object_set_new(id, "operation", json_string(e->operation));
	if (strcmp(e->operation, "Apply") != 0 && *e->api_version)
		json_object_set_new(id, "apiVersion", json_string(e->api_version));
	if (*e->subresource)
		json_object_set_new(id, "subresource", json_string(e->subresource));
	s = json_dumps(id, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(id);
	return s;
}

struct conflict_set {
	char *id, *printed;
	char **paths;
	size_t n;
};

static void collect_path(const char *path, void *ctx)
{
	struct conflict_set *cs = ctx;

	cs->paths = realloc(cs->paths, (cs->n + 1) * sizeof(*cs->paths));
	if (!cs->paths)
		abort();
	cs->paths[cs->n++] = dup_or_null(path);
}

static int conflict_set_cmp(const void *pa, const void *pb)
{
	return strcmp(((const struct conflict_set *)pa)->id, ((const struct conflict_set *)pb)->id);
}

/* Upstream's Conflict error (NewConflictError) from the conflicting sets. */
static void describe_conflicts(struct conflict_set *cs, size_t n, struct managed_conflicts *c)
{
	size_t total = 0, len = 0;
	char *msg = NULL;
	FILE *f = open_memstream(&msg, &len);

	if (!f)
		abort();
	qsort(cs, n, sizeof(*cs), conflict_set_cmp);
	c->causes = json_array();
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < cs[i].n; k++) {
			json_t *m = json_sprintf("conflict with %s", cs[i].printed);

			json_array_append_new(c->causes,
					      json_pack("{s:s, s:o, s:s}", "reason",
							"FieldManagerConflict", "message", m,
							"field", cs[i].paths[k]));
		}
		total += cs[i].n;
	}
	if (total == 1) {
		fprintf(f, "Apply failed with 1 conflict: conflict with %s: %s", cs[0].printed,
			cs[0].paths[0]);
	} else {
		fprintf(f, "Apply failed with %zu conflicts: ", total);
		for (size_t i = 0; i < n; i++) {
			fprintf(f, "%sconflicts with %s:", i ? "\n" : "", cs[i].printed);
			for (size_t k = 0; k < cs[i].n; k++)
				fprintf(f, "\n- %s", cs[i].paths[k]);
		}
	}
	fclose(f);
	c->message = msg;
}

static void conflict_sets_free(struct conflict_set *cs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cs[i].id);
		free(cs[i].printed);
		for (size_t k = 0; k < cs[i].n; k++)
			free(cs[i].paths[k]);
		free(cs[i].paths);
	}
	free(cs);
}

/*
 * Upstream's Updater.update after the merge: every manager other than
 * the applier loses what the change removed, and what it added or
 * modified is a conflict with that manager, resolved by taking it with
 * force. 1 with c filled for conflicts without force.
 */
static int take_changes(const struct managed_update *u, struct managed_fields *m,
			const struct managed_entry *applier_set_owner, json_t *live, json_t *next,
			bool force, struct managed_conflicts *c, char *err, size_t err_len)
{
	struct fieldset *added, *modified, *removed, *changed;
	json_t *old_go = as_go_writes(u->type, live), *new_go = as_go_writes(u->type, next);
	struct conflict_set *cs = NULL;
	size_t ncs = 0;
	int rc =
	    fieldset_compare(u->type, old_go, new_go, &added, &modified, &removed, err, err_len);

	json_decref(old_go);
	json_decref(new_go);
	if (rc < 0)
		return -1;
	if (u->ignored) {
		set_replace(&added, fieldset_recursive_difference(added, u->ignored));
		set_replace(&modified, fieldset_recursive_difference(modified, u->ignored));
		set_replace(&removed, fieldset_recursive_difference(removed, u->ignored));
	}
	changed = fieldset_union(modified, added);
	for (size_t i = 0; i < m->n; i++) {
		struct fieldset *x;

		if (&m->e[i] == applier_set_owner)
			continue;
		x = fieldset_intersection(m->e[i].set, changed);
		if (!fieldset_empty(x)) {
			cs = realloc(cs, (ncs + 1) * sizeof(*cs));
			if (!cs)
				abort();
			cs[ncs] = (struct conflict_set){manager_identifier(&m->e[i]),
							print_manager(&m->e[i]), NULL, 0};
			fieldset_foreach_path(x, collect_path, &cs[ncs]);
			ncs++;
			if (force)
				set_replace(&m->e[i].set, fieldset_difference(m->e[i].set, x));
		}
		fieldset_free(x);
	}
	rc = 0;
	if (ncs && !force) {
		describe_conflicts(cs, ncs, c);
		rc = 1;
	} else {
		for (size_t i = 0; i < m->n; i++)
			if (&m->e[i] != applier_set_owner)
				set_replace(&m->e[i].set,
					    fieldset_difference(m->e[i].set, removed));
	}
	conflict_sets_free(cs, ncs);
	fieldset_free(changed);
	fieldset_free(added);
	fieldset_free(modified);
	fieldset_free(removed);
	return rc;
}

int managed_fields_apply(const struct managed_update *u, json_t *live, json_t *config, bool force,
			 json_t **out, struct managed_conflicts *c, char *err, size_t err_len)
{
	struct managed_fields m = {0};
	struct managed_entry *e;
	struct fieldset *set, *last = NULL;
	json_t *base, *merged, *next, *list;
	char why[256];
	int rc;

	*out = NULL;
	*c = (struct managed_conflicts){0};
	list = json_object_get(json_object_get(live, "metadata"), "managedFields");
	/* invalid managed fields are dropped, as decodeLiveOrNew does */
	if (managed_fields_decode(list, &m, why, sizeof(why)) < 0)
		m = (struct managed_fields){0};
	base = live ? json_deep_copy(live) : json_object();
	json_object_del(json_object_get(base, "metadata"), "managedFields");
	merged = fieldset_merge(u->type, base, config, err, err_len);
	set = merged ? fieldset_of_object(u->type, config, err, err_len) : NULL;
	if (!set) {
		json_decref(merged);
		json_decref(base);
		managed_fields_free(&m);
		return -1;
	}
	if (u->ignored)
		set_replace(&set, fieldset_recursive_difference(set, u->ignored));
	e = apply_entry(&m, u);
	if (e) {
		last = e->set;
		e->set = set;
	} else {
		e = add_entry(&m);
		e->manager = dup_or_null(u->manager);
		e->operation = dup_or_null("Apply");
		e->api_version = dup_or_null(u->api_version);
		e->subresource = dup_or_null(u->subresource);
		e->set = set;
	}
	free(e->api_version);
	e->api_version = dup_or_null(u->api_version);
	next = merged;
	if (last && !fieldset_empty(last)) {
		next = prune(u->type, merged, last, &m, err, err_len);
		json_decref(merged);
	}
	fieldset_free(last);
	rc = next ? take_changes(u, &m, e, base, next, force, c, err, err_len) : -1;
	if (rc != 0) {
		json_decref(next);
		json_decref(base);
		managed_fields_free(&m);
		return rc;
	}
	/* stripMeta (on the applier only), then empty entries go */
	e->set = strip_meta(e->set);
	if (!json_equal(base, next)) {
		free(e->time);
		e->time = dup_or_null(u->now);
	}
	for (size_t i = 0; i < m.n;) {
		if (fieldset_empty(m.e[i].set))
			drop_entry(&m, i);
		else
			i++;
	}
	if (!json_is_object(json_object_get(next, "metadata")))
		json_object_set_new(next, "metadata", json_object());
	set_managed_fields(next, &m);
	managed_fields_free(&m);
	json_decref(base);
	*out = next;
	return 0;
}
