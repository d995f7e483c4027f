/*
 * fuzz_node_graph.c - libFuzzer target for shared/node_graph.c and
 * shared/node_restriction.c.
 *
 * The input is lines, each an operation letter and a JSON object:
 *   p  a pod's change, through the populator (node_graph_apply)
 *   P  Graph.AddPod of it
 *   d  the pod deleted
 *   v  a PV's change;  x  the PV deleted
 *   a  a volume attachment's change (its spec.nodeName)
 *   r  NodeRestriction of the object, as a create, an update (against
 *      itself) and a delete, by system:node:n1
 * After every operation each pod seen must be related to exactly the node
 * its latest bound state names, and no other. At the end every pod, PV and
 * attachment is deleted and the graph must be empty: no vertex, no edge
 * (vertices live exactly as long as the edges that keep them).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/node_graph.h"
#include "shared/node_restriction.h"

#define fuzz_assert(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

#define MAX_SEEN 64

struct seen {
	char *ns, *name;
	char *node; /* pods: the node it is bound to, NULL when none */
};

struct model {
	struct seen pods[MAX_SEEN], pvs[MAX_SEEN], vas[MAX_SEEN];
	size_t num_pods, num_pvs, num_vas;
};

static const char *meta_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(json_object_get(obj, "metadata"), key));

	return s ? s : "";
}

static struct seen *remember(struct seen *list, size_t *n, const char *ns, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i].ns, ns) == 0 && strcmp(list[i].name, name) == 0)
			return &list[i];
	if (*n == MAX_SEEN)
		return NULL;
	list[*n] = (struct seen){strdup(ns), strdup(name), NULL};
	return &list[(*n)++];
}

static void set_node(struct seen *s, const char *node)
{
	free(s->node);
	s->node = node ? strdup(node) : NULL;
}

static const char *fuzz_node_uid(void *ctx, const char *node)
{
	return strcmp(node, "n1") == 0 ? "uid-n1" : NULL;
}

static void admission(json_t *obj)
{
	static const char *const groups[] = {"system:nodes"};
	static const char *const resources[][2] = {
	    {"", "pods"},
	    {"", "nodes"},
	    {"", "persistentvolumeclaims"},
	    {"coordination.k8s.io", "leases"},
	    {"certificates.k8s.io", "certificatesigningrequests"},
	};
	static const char *const subresources[] = {"", "status"};
	struct arena a = {0};

	for (size_t r = 0; r < sizeof(resources) / sizeof(resources[0]); r++)
		for (size_t s = 0; s < 2; s++)
			for (int op = NODE_ADMISSION_CREATE; op <= NODE_ADMISSION_DELETE; op++) {
				struct node_admission req = {
				    .user = "system:node:n1",
				    .groups = groups,
				    .num_groups = 1,
				    .operation = (enum node_admission_operation)op,
				    .group = resources[r][0],
				    .resource = resources[r][1],
				    .subresource = subresources[s],
				    .namespace = meta_str(obj, "namespace"),
				    .name = meta_str(obj, "name"),
				    .object = op == NODE_ADMISSION_DELETE ? NULL : obj,
				    .old = op == NODE_ADMISSION_CREATE ? NULL : obj,
				    .node_uid = fuzz_node_uid,
				};
				struct node_admission_error err = {0};

				if (!node_restriction_admit(&req, &a, &err))
					fuzz_assert(err.message && *err.message &&
						    (err.code == 403 || err.code == 404));
			}
	arena_free(&a);
}

static void check_pods(struct node_graph *g, const struct model *m)
{
	static const char *const nodes[] = {"n1", "n2", ""};

	for (size_t i = 0; i < m->num_pods; i++) {
		const struct seen *p = &m->pods[i];

		for (size_t n = 0; n < sizeof(nodes) / sizeof(nodes[0]); n++)
			fuzz_assert(
			    node_graph_has_path(g, NODE_GRAPH_POD, p->ns, p->name, nodes[n]) ==
			    (p->node && strcmp(p->node, nodes[n]) == 0));
		if (p->node)
			fuzz_assert(
			    node_graph_has_path(g, NODE_GRAPH_POD, p->ns, p->name, p->node));
	}
}

static void operation(struct node_graph *g, struct model *m, char op, json_t *obj)
{
	const char *ns = meta_str(obj, "namespace"), *name = meta_str(obj, "name");
	const char *node =
	    json_string_value(json_object_get(json_object_get(obj, "spec"), "nodeName"));
	struct seen *s;

	switch (op) {
	case 'p':
	case 'P':
	case 'd':
		if (!(s = remember(m->pods, &m->num_pods, ns, name)))
			return;
		if (op == 'd') {
			node_graph_apply(g, "", "pods", ns, name, obj, true);
			set_node(s, NULL);
		} else if (op == 'P') {
			node_graph_add_pod(g, obj);
			set_node(s, node && *node ? node : NULL);
		} else {
			node_graph_apply(g, "", "pods", ns, name, obj, false);
			if (node && *node)
				set_node(s, node);
		}
		break;
	case 'v':
	case 'x':
		if (!remember(m->pvs, &m->num_pvs, "", name))
			return;
		node_graph_apply(g, "", "persistentvolumes", "", name, obj, op == 'x');
		break;
	case 'a':
		if (!remember(m->vas, &m->num_vas, "", name))
			return;
		node_graph_apply(g, "storage.k8s.io", "volumeattachments", "", name, obj, false);
		fuzz_assert(node_graph_has_path(g, NODE_GRAPH_VOLUMEATTACHMENT, "", name,
						node ? node : "") == (node && *node));
		break;
	case 'r':
		admission(obj);
		break;
	default:
		return;
	}
	check_pods(g, m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *save = NULL;
	struct node_graph *g = node_graph_new();
	struct model m = {0};
	struct node_graph_stats st;

	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *obj = json_loads(line + 1, JSON_REJECT_DUPLICATES, NULL);

		if (json_is_object(obj))
			operation(g, &m, line[0], obj);
		json_decref(obj);
	}
	for (size_t i = 0; i < m.num_pods; i++)
		node_graph_delete_pod(g, m.pods[i].ns, m.pods[i].name);
	for (size_t i = 0; i < m.num_pvs; i++)
		node_graph_delete_pv(g, m.pvs[i].name);
	for (size_t i = 0; i < m.num_vas; i++)
		node_graph_delete_volume_attachment(g, m.vas[i].name);
	node_graph_stats(g, &st);
	for (size_t t = 0; t < NODE_GRAPH_NUM_TYPES; t++)
		fuzz_assert(st.vertices[t] == 0);
	fuzz_assert(st.edges == 0);
	for (size_t i = 0; i < m.num_pods; i++) {
		free(m.pods[i].ns);
		free(m.pods[i].name);
		free(m.pods[i].node);
	}
	for (size_t i = 0; i < m.num_pvs; i++) {
		free(m.pvs[i].ns);
		free(m.pvs[i].name);
	}
	for (size_t i = 0; i < m.num_vas; i++) {
		free(m.vas[i].ns);
		free(m.vas[i].name);
	}
	node_graph_free(g);
	free(text);
	return 0;
}
