/*
 * node_graph.h - the Node authorizer's graph: which API objects a node may
 * reach, as kube-apiserver v1.32 keeps it
 * (plugin/pkg/auth/authorizer/node/graph.go and graph_populator.go).
 *
 * Edges point towards nodes:
 *   pod -> node                 a pod bound to the node (spec.nodeName)
 *   secret, configmap, pvc,     what a pod references; none for a mirror
 *   serviceaccount,             pod, which must never grant its node more
 *   resourceclaim -> pod        than it has
 *   pv -> pvc                   a PV bound to a claim (spec.claimRef)
 *   secret -> pv                the PV's secrets the kubelet uses
 *   volumeattachment -> node
 *   resourceslice -> node
 * An object is related to a node when a path leads from it to the node.
 *
 * Only names and edges are kept, never objects. Decisions must be cheap
 * however many pods share a secret, so each object a pod references counts
 * the pods referencing it per node (upstream's destination index, kept for
 * every vertex here): "is secret S related to node N" is a lookup in S's
 * counts, plus the same lookup through each PV that lists S. Vertices
 * live while an edge touches them; a node vertex goes with its last pod,
 * as upstream removes orphaned vertices.
 *
 * Nothing here talks to PostgreSQL: the worker feeds the graph from the
 * store and the change log (worker/node_authz.c).
 */
#ifndef PGKUBE_NODE_GRAPH_H
#define PGKUBE_NODE_GRAPH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum node_graph_type {
	NODE_GRAPH_NODE,
	NODE_GRAPH_POD,
	NODE_GRAPH_SECRET,
	NODE_GRAPH_CONFIGMAP,
	NODE_GRAPH_PVC,
	NODE_GRAPH_PV,
	NODE_GRAPH_SERVICEACCOUNT,
	NODE_GRAPH_RESOURCECLAIM,
	NODE_GRAPH_VOLUMEATTACHMENT,
	NODE_GRAPH_RESOURCESLICE,
	NODE_GRAPH_NUM_TYPES,
};

struct node_graph;

struct node_graph *node_graph_new(void);
void node_graph_free(struct node_graph *g);

/*
 * One change of an object, handled as upstream's graph populator handles
 * its informers' events: obj is the object (its last state when deleted).
 * Pods count once bound to a node, and an update changes their edges only
 * when the node, the uid or status.resourceClaimStatuses changed (the
 * references of a bound pod are immutable); PVs are re-added on every
 * update; volume attachments when their node changed. Returns false for a
 * resource the graph does not follow.
 */
bool node_graph_apply(struct node_graph *g, const char *group, const char *resource,
		      const char *namespace, const char *name, json_t *obj, bool deleted);

/* Graph.AddPod: the pod's edges, replacing those it had (pod.spec.nodeName set). */
void node_graph_add_pod(struct node_graph *g, json_t *pod);
void node_graph_delete_pod(struct node_graph *g, const char *namespace, const char *name);
/* Graph.AddPV: pv -> pvc and secret -> pv, replacing what the PV had. */
void node_graph_add_pv(struct node_graph *g, json_t *pv);
void node_graph_delete_pv(struct node_graph *g, const char *name);
/* Graph.AddVolumeAttachment, AddResourceSlice: name -> node ("" = no edge). */
void node_graph_add_volume_attachment(struct node_graph *g, const char *name, const char *node);
void node_graph_delete_volume_attachment(struct node_graph *g, const char *name);
void node_graph_add_resource_slice(struct node_graph *g, const char *name, const char *node);
void node_graph_delete_resource_slice(struct node_graph *g, const char *name);

/* Whether a pod's spec references an object of the type, as the edges
 * node_graph_add_pod would give it (for NodeRestriction's mirror pods). */
bool node_graph_pod_references(json_t *pod, enum node_graph_type type);

/* hasPathFrom: whether a path leads from the object to the node (namespace
 * "" for cluster-scoped objects). */
bool node_graph_has_path(const struct node_graph *g, enum node_graph_type type,
			 const char *namespace, const char *name, const char *node);

struct node_graph_stats {
	size_t vertices[NODE_GRAPH_NUM_TYPES];
	size_t edges;
};

void node_graph_stats(const struct node_graph *g, struct node_graph_stats *out);

#endif
