/*
 * table_cells.h - the cell kinds behind shared/table.c (internal).
 *
 * Every printer column in the registry names a cell kind: a fixed name
 * ("podStatus") or a family and its parameter ("orNone:.spec.nodeName",
 * "nodeAddress:InternalIP"). The kinds are tables of (name, function):
 * table_generic.c holds the families and the helpers every kind uses,
 * table_workloads.c the pod, job and autoscaler kinds, table_kinds.c the
 * rest. tests/unit/check_resources.py (CELL_KINDS) specifies each kind.
 *
 * A cell function returns a new JSON string, integer or boolean, never
 * NULL, whatever the object holds: fields of the wrong JSON type count as
 * absent. Temporary text lives in the context's arena.
 */
#ifndef PGKUBE_TABLE_CELLS_H
#define PGKUBE_TABLE_CELLS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared/arena.h"
#include "shared/buf.h"
#include "shared/registry.h"
#include "shared/timestamp.h"

struct cell_context {
	struct arena *arena;
	const struct resource_type *rt;
	const struct printer_column *column;
	json_t *obj;
	struct timestamp now;
	const char *param; /* a family's parameter, after the first ':' */
};

typedef json_t *cell_fn(const struct cell_context *c);

/* name is a fixed kind, or a family ending in ':'. */
struct cell_kind {
	const char *name;
	cell_fn *fn;
};

extern const struct cell_kind table_generic_cells[];
extern const size_t table_num_generic_cells;
extern const struct cell_kind table_workload_cells[];
extern const size_t table_num_workload_cells;
extern const struct cell_kind table_kind_cells[];
extern const size_t table_num_kind_cells;

/* --- reading the object --------------------------------------------------- */

/* The value at a dotted path (".spec.nodeName"); NULL when absent or null. */
json_t *cell_get(const json_t *obj, const char *path);
/* The string value, "" when v is not a string. */
const char *cell_str(const json_t *v);
/* The integer value, 0 when v is not an integer. */
long long cell_int(const json_t *v);
/* The condition of `type` in a conditions array: the first, or the last. */
json_t *cell_first_condition(const json_t *conditions, const char *type);
json_t *cell_last_condition(const json_t *conditions, const char *type);
/* The keys of a JSON object, sorted bytewise as Go sorts strings; *n of them. */
const char **cell_sorted_keys(struct arena *a, const json_t *obj, size_t *n);
/* A metav1.Time or MicroTime field: Go's zero time when absent or unparseable. */
struct timestamp cell_time(const json_t *v);

/* --- making cells ------------------------------------------------------------ */

json_t *cell_string(const char *s);
json_t *cell_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The buffer's text as a cell; frees the buffer. */
json_t *cell_from_buf(struct buf *b);
/* Appends item number (*count)++ of a list to b, after sep unless it is the first. */
void cell_join(struct buf *b, size_t *count, const char *sep, const char *item);

/* --- shared formatting ---------------------------------------------------- */

/* translateTimestampSince: HumanDuration(now - t), "<unknown>" for the zero time. */
const char *cell_since(const struct cell_context *c, struct timestamp t);
/* resource.Quantity String() of a quantity field; "0" when absent. */
const char *cell_quantity(struct arena *a, const json_t *v);
/* The same for a *Quantity: "<nil>" when absent, as Go prints a nil pointer. */
const char *cell_quantity_pointer(struct arena *a, const json_t *v);
/* helper.GetAccessModesAsString */
const char *cell_access_modes(struct arena *a, const json_t *modes);
/* The ip-else-hostname values of a LoadBalancerIngress list, unique and sorted. */
const char *cell_load_balancer_ingress(struct arena *a, const json_t *ingress);
/* strings.ToLower (ASCII letters; Kubernetes kinds are ASCII). */
const char *cell_lower(struct arena *a, const char *s);
/* strings.TrimSpace (Unicode white space). */
const char *cell_trim_space(struct arena *a, const char *s);

#endif
