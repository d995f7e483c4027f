/*
 * node_graph.c - the Node authorizer's graph; see node_graph.h.
 *
 * Vertices sit in one open-addressing table keyed by (type, namespace,
 * name), each vertex owning its key. What a vertex holds depends on its
 * type:
 *   pod          its node, what it references, and a fingerprint of the
 *                fields whose change re-adds it (uid, claim statuses);
 *   pv           its claim and the secrets it lists;
 *   attachment,  its node;
 *   slice
 *   the rest     (secret, configmap, pvc, serviceaccount, resourceclaim):
 *                how many pods reference it on each node, sorted by node,
 *                and, for a secret, the PVs that list it;
 *   node         nothing but its uses.
 * A vertex's uses count the edges that keep it; pods, PVs, attachments
 * and slices are removed explicitly, the others when their last edge goes.
 */
#include "shared/node_graph.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/xalloc.h"

#define MIRROR_POD_ANNOTATION "kubernetes.io/config.mirror"

struct node_count {
	const struct vertex *node;
	uint32_t pods;
};

struct vertex {
	uint64_t hash;
	uint32_t uses;
	uint8_t type;
	union {
		struct {
			struct vertex *node;
			uint64_t fingerprint;
			struct vertex **refs;
			uint32_t num_refs;
		} pod;
		struct {
			struct vertex *claim;
			struct vertex **secrets;
			uint32_t num_secrets;
		} pv;
		struct {
			struct node_count *counts;
			struct vertex **pvs;
			uint32_t num_counts, cap_counts, num_pvs;
		} shared;
		struct vertex *node; /* attachment, slice */
	} u;
	/* the namespace, a NUL, the name, a NUL */
	char key[];
};

struct node_graph {
	struct vertex **slots;
	size_t cap; /* 0 or a power of two */
	size_t count;
	size_t per_type[NODE_GRAPH_NUM_TYPES];
	size_t edges;
};

/* ---- the table ---- */

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t key_hash(enum node_graph_type type, const char *ns, const char *name)
{
	unsigned char t = (unsigned char)type;
	uint64_t h = fnv(14695981039346656037ULL, &t, 1);

	h = fnv(h, ns, strlen(ns) + 1);
	return fnv(h, name, strlen(name) + 1);
}

static bool key_is(const struct vertex *v, enum node_graph_type type, const char *ns,
		   const char *name)
{
	return v->type == type && strcmp(v->key, ns) == 0 &&
	       strcmp(v->key + strlen(v->key) + 1, name) == 0;
}

/* The slot of the vertex, or of the empty slot where it would go. */
static size_t slot_of(const struct node_graph *g, uint64_t h, enum node_graph_type type,
		      const char *ns, const char *name)
{
	size_t i = h & (g->cap - 1);

	while (g->slots[i] && !(g->slots[i]->hash == h && key_is(g->slots[i], type, ns, name)))
		i = (i + 1) & (g->cap - 1);
	return i;
}

static struct vertex *lookup(const struct node_graph *g, enum node_graph_type type, const char *ns,
			     const char *name)
{
	if (!g->cap)
		return NULL;
	return g->slots[slot_of(g, key_hash(type, ns, name), type, ns, name)];
}

static void grow(struct node_graph *g)
{
	struct vertex **old = g->slots;
	size_t old_cap = g->cap;

	g->cap = old_cap ? old_cap * 2 : 64;
	g->slots = xcalloc(g->cap, sizeof(*g->slots));
	for (size_t i = 0; i < old_cap; i++) {
		size_t j;

		if (!old[i])
			continue;
		for (j = old[i]->hash & (g->cap - 1); g->slots[j]; j = (j + 1) & (g->cap - 1))
			;
		g->slots[j] = old[i];
	}
	free(old);
}

static struct vertex *get_or_create(struct node_graph *g, enum node_graph_type type, const char *ns,
				    const char *name)
{
	uint64_t h = key_hash(type, ns, name);
	size_t ns_len = strlen(ns), name_len = strlen(name), i;
	struct vertex *v;

	if ((g->count + 1) * 10 > g->cap * 7)
		grow(g);
	i = slot_of(g, h, type, ns, name);
	if (g->slots[i])
		return g->slots[i];
	v = xcalloc(1, sizeof(*v) + ns_len + name_len + 2);
	v->hash = h;
	v->type = (uint8_t)type;
	memcpy(v->key, ns, ns_len);
	memcpy(v->key + ns_len + 1, name, name_len);
	g->slots[i] = v;
	g->count++;
	g->per_type[type]++;
	return v;
}

static void free_vertex(struct vertex *v)
{
	switch (v->type) {
	case NODE_GRAPH_POD:
		free(v->u.pod.refs);
		break;
	case NODE_GRAPH_PV:
		free(v->u.pv.secrets);
		break;
	case NODE_GRAPH_NODE:
	case NODE_GRAPH_VOLUMEATTACHMENT:
	case NODE_GRAPH_RESOURCESLICE:
		break;
	default:
		free(v->u.shared.counts);
		free(v->u.shared.pvs);
		break;
	}
	free(v);
}

/* Takes v out of the table (backward-shift deletion keeps probes
 * unbroken without tombstones) and frees it. */
static void remove_vertex(struct node_graph *g, struct vertex *v)
{
	size_t mask = g->cap - 1,
	       i = slot_of(g, v->hash, v->type, v->key, v->key + strlen(v->key) + 1);

	g->slots[i] = NULL;
	for (size_t j = (i + 1) & mask; g->slots[j]; j = (j + 1) & mask) {
		size_t home = g->slots[j]->hash & mask;
		/* Moves back when its home is not in the cyclic range (i, j]. */
		bool move = i <= j ? (home <= i || home > j) : (home <= i && home > j);

		if (move) {
			g->slots[i] = g->slots[j];
			g->slots[j] = NULL;
			i = j;
		}
	}
	g->count--;
	g->per_type[v->type]--;
	free_vertex(v);
}

static void release(struct node_graph *g, struct vertex *v)
{
	if (--v->uses == 0)
		remove_vertex(g, v);
}

static struct vertex *use(struct node_graph *g, enum node_graph_type type, const char *ns,
			  const char *name)
{
	struct vertex *v = get_or_create(g, type, ns, name);

	v->uses++;
	return v;
}

/* ---- per-node counts of the objects pods reference ---- */

/* The index of node in v's counts, or where it would go. */
static uint32_t count_index(const struct vertex *v, const struct vertex *node, bool *found)
{
	uint32_t lo = 0, hi = v->u.shared.num_counts;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		uintptr_t at = (uintptr_t)v->u.shared.counts[mid].node;

		if (at == (uintptr_t)node) {
			*found = true;
			return mid;
		}
		if (at < (uintptr_t)node)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static bool count_has(const struct vertex *v, const struct vertex *node)
{
	bool found;

	count_index(v, node, &found);
	return found;
}

static void count_add(struct vertex *v, const struct vertex *node)
{
	bool found;
	uint32_t i = count_index(v, node, &found);

	if (found) {
		v->u.shared.counts[i].pods++;
		return;
	}
	if (v->u.shared.num_counts == v->u.shared.cap_counts) {
		v->u.shared.cap_counts = v->u.shared.cap_counts ? v->u.shared.cap_counts * 2 : 1;
		v->u.shared.counts = xrealloc(v->u.shared.counts,
					      v->u.shared.cap_counts * sizeof(*v->u.shared.counts));
	}
	memmove(&v->u.shared.counts[i + 1], &v->u.shared.counts[i],
		(v->u.shared.num_counts - i) * sizeof(*v->u.shared.counts));
	v->u.shared.counts[i] = (struct node_count){node, 1};
	v->u.shared.num_counts++;
}

static void count_remove(struct vertex *v, const struct vertex *node)
{
	bool found;
	uint32_t i = count_index(v, node, &found);

	if (!found || --v->u.shared.counts[i].pods)
		return;
	v->u.shared.num_counts--;
	memmove(&v->u.shared.counts[i], &v->u.shared.counts[i + 1],
		(v->u.shared.num_counts - i) * sizeof(*v->u.shared.counts));
}

/* ---- what objects reference ---- */

struct ref {
	enum node_graph_type type;
	char *namespace, *name;
};

struct refs {
	struct ref *items;
	size_t len, cap;
};

/* Adds a reference once (an edge is set once however often a spec names it). */
static void refs_add(struct refs *r, enum node_graph_type type, const char *ns, const char *name)
{
	if (!name || !*name)
		return;
	for (size_t i = 0; i < r->len; i++)
		if (r->items[i].type == type && strcmp(r->items[i].namespace, ns) == 0 &&
		    strcmp(r->items[i].name, name) == 0)
			return;
	if (r->len == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->items = xrealloc(r->items, r->cap * sizeof(*r->items));
	}
	r->items[r->len++] = (struct ref){type, xstrdup(ns), xstrdup(name)};
}

static void refs_free(struct refs *r)
{
	for (size_t i = 0; i < r->len; i++) {
		free(r->items[i].namespace);
		free(r->items[i].name);
	}
	free(r->items);
}

static const char *str_at(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* obj[a][b] as a string, NULL when any step is missing. */
static const char *str_in(json_t *obj, const char *a, const char *b)
{
	return str_at(json_object_get(obj, a), b);
}

static json_t *object_at(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_object(v) ? v : NULL;
}

/* visitContainerSecretNames / visitContainerConfigmapNames, for every
 * container: init, regular and ephemeral (AllContainers). */
static void container_refs(json_t *spec, const char *ns, struct refs *r)
{
	static const char *const lists[] = {"initContainers", "containers", "ephemeralContainers"};

	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		size_t i, j;
		json_t *c, *e;

		json_array_foreach(json_object_get(spec, lists[l]), i, c)
		{
			json_array_foreach(json_object_get(c, "envFrom"), j, e)
			{
				if (object_at(e, "secretRef"))
					refs_add(r, NODE_GRAPH_SECRET, ns,
						 str_in(e, "secretRef", "name"));
				if (object_at(e, "configMapRef"))
					refs_add(r, NODE_GRAPH_CONFIGMAP, ns,
						 str_in(e, "configMapRef", "name"));
			}
			json_array_foreach(json_object_get(c, "env"), j, e)
			{
				json_t *from = object_at(e, "valueFrom");

				if (object_at(from, "secretKeyRef"))
					refs_add(r, NODE_GRAPH_SECRET, ns,
						 str_in(from, "secretKeyRef", "name"));
				if (object_at(from, "configMapKeyRef"))
					refs_add(r, NODE_GRAPH_CONFIGMAP, ns,
						 str_in(from, "configMapKeyRef", "name"));
			}
		}
	}
}

/* VisitPodSecretNames' volume sources, in its order; the first source a
 * volume has decides. */
static void volume_secret_refs(json_t *vol, const char *ns, struct refs *r)
{
	static const struct {
		const char *source, *ref; /* ref NULL: the source's secretName */
	} sources[] = {
	    {"azureFile", NULL},
	    {"cephfs", "secretRef"},
	    {"cinder", "secretRef"},
	    {"flexVolume", "secretRef"},
	    {"projected", NULL},
	    {"rbd", "secretRef"},
	    {"secret", NULL},
	    {"scaleIO", "secretRef"},
	    {"iscsi", "secretRef"},
	    {"storageos", "secretRef"},
	    {"csi", "nodePublishSecretRef"},
	};

	for (size_t s = 0; s < sizeof(sources) / sizeof(sources[0]); s++) {
		json_t *src = object_at(vol, sources[s].source), *p;
		size_t i;

		if (!src)
			continue;
		if (strcmp(sources[s].source, "projected") == 0) {
			json_array_foreach(json_object_get(src, "sources"), i, p)
			{
				if (object_at(p, "secret"))
					refs_add(r, NODE_GRAPH_SECRET, ns,
						 str_in(p, "secret", "name"));
			}
		} else if (!sources[s].ref) {
			refs_add(r, NODE_GRAPH_SECRET, ns, str_at(src, "secretName"));
		} else if (object_at(src, sources[s].ref)) {
			refs_add(r, NODE_GRAPH_SECRET, ns, str_in(src, sources[s].ref, "name"));
		}
		return;
	}
}

/* VisitPodConfigmapNames' volume sources. */
static void volume_configmap_refs(json_t *vol, const char *ns, struct refs *r)
{
	json_t *src, *p;
	size_t i;

	if ((src = object_at(vol, "projected"))) {
		json_array_foreach(json_object_get(src, "sources"), i, p)
		{
			if (object_at(p, "configMap"))
				refs_add(r, NODE_GRAPH_CONFIGMAP, ns,
					 str_in(p, "configMap", "name"));
		}
	} else if ((src = object_at(vol, "configMap"))) {
		refs_add(r, NODE_GRAPH_CONFIGMAP, ns, str_at(src, "name"));
	}
}

/* A claim of a volume: persistentVolumeClaim.claimName, or the claim an
 * ephemeral volume gets (ephemeral.VolumeClaimName: "<pod>-<volume>"). */
static void volume_claim_refs(json_t *vol, const char *ns, const char *pod, struct refs *r)
{
	json_t *src;

	if ((src = object_at(vol, "persistentVolumeClaim"))) {
		refs_add(r, NODE_GRAPH_PVC, ns, str_at(src, "claimName"));
	} else if (object_at(vol, "ephemeral")) {
		const char *vname = str_at(vol, "name");
		size_t len = strlen(pod) + strlen(vname ? vname : "") + 2;
		char *claim = xcalloc(1, len);

		strcpy(claim, pod);
		strcat(claim, "-");
		strcat(claim, vname ? vname : "");
		refs_add(r, NODE_GRAPH_PVC, ns, claim);
		free(claim);
	}
}

/* resourceclaim.Name: the claim named directly, or the one made from a
 * template as status.resourceClaimStatuses records it (none yet: no edge). */
static void resource_claim_refs(json_t *pod, const char *ns, struct refs *r)
{
	json_t *claims = json_object_get(json_object_get(pod, "spec"), "resourceClaims");
	json_t *statuses = json_object_get(json_object_get(pod, "status"), "resourceClaimStatuses");
	json_t *c, *st;
	size_t i, j;

	json_array_foreach(claims, i, c)
	{
		if (json_is_string(json_object_get(c, "resourceClaimName"))) {
			refs_add(r, NODE_GRAPH_RESOURCECLAIM, ns, str_at(c, "resourceClaimName"));
			continue;
		}
		if (!json_is_string(json_object_get(c, "resourceClaimTemplateName")))
			continue;
		json_array_foreach(statuses, j, st)
		{
			const char *sname = str_at(st, "name"), *cname = str_at(c, "name");

			if (sname && cname && strcmp(sname, cname) == 0) {
				refs_add(r, NODE_GRAPH_RESOURCECLAIM, ns,
					 str_at(st, "resourceClaimName"));
				break;
			}
		}
	}
}

/* What a bound pod's fingerprint covers: its uid and claim statuses (the
 * node is compared apart). */
static uint64_t pod_fingerprint(json_t *pod)
{
	const char *uid = str_in(pod, "metadata", "uid");
	json_t *statuses = json_object_get(json_object_get(pod, "status"), "resourceClaimStatuses");
	uint64_t h = fnv(14695981039346656037ULL, uid ? uid : "", strlen(uid ? uid : "") + 1);
	json_t *st;
	size_t i;

	json_array_foreach(statuses, i, st)
	{
		const char *name = str_at(st, "name"), *claim = str_at(st, "resourceClaimName");
		unsigned char has_claim = claim != NULL;

		h = fnv(h, name ? name : "", strlen(name ? name : "") + 1);
		h = fnv(h, &has_claim, 1);
		h = fnv(h, claim ? claim : "", strlen(claim ? claim : "") + 1);
	}
	return h;
}

/* ---- pods ---- */

void node_graph_delete_pod(struct node_graph *g, const char *namespace, const char *name)
{
	struct vertex *pod = lookup(g, NODE_GRAPH_POD, namespace, name);

	if (!pod)
		return;
	for (uint32_t i = 0; i < pod->u.pod.num_refs; i++) {
		count_remove(pod->u.pod.refs[i], pod->u.pod.node);
		release(g, pod->u.pod.refs[i]);
	}
	g->edges -= pod->u.pod.num_refs + 1;
	release(g, pod->u.pod.node);
	remove_vertex(g, pod);
}

/* Every object the pod references, once each. */
static void pod_refs(json_t *pod, struct refs *r)
{
	json_t *meta = json_object_get(pod, "metadata"), *spec = json_object_get(pod, "spec");
	const char *ns = str_at(meta, "namespace"), *name = str_at(meta, "name");
	json_t *item;
	size_t i;

	ns = ns ? ns : "";
	name = name ? name : "";
	refs_add(r, NODE_GRAPH_SERVICEACCOUNT, ns, str_at(spec, "serviceAccountName"));
	json_array_foreach(json_object_get(spec, "imagePullSecrets"), i, item)
	{
		refs_add(r, NODE_GRAPH_SECRET, ns, str_at(item, "name"));
	}
	container_refs(spec, ns, r);
	json_array_foreach(json_object_get(spec, "volumes"), i, item)
	{
		volume_secret_refs(item, ns, r);
		volume_configmap_refs(item, ns, r);
		volume_claim_refs(item, ns, name, r);
	}
	resource_claim_refs(pod, ns, r);
}

bool node_graph_pod_references(json_t *pod, enum node_graph_type type)
{
	struct refs r = {0};
	bool found = false;

	pod_refs(pod, &r);
	for (size_t i = 0; i < r.len && !found; i++)
		found = r.items[i].type == type;
	refs_free(&r);
	return found;
}

void node_graph_add_pod(struct node_graph *g, json_t *pod)
{
	json_t *meta = json_object_get(pod, "metadata");
	const char *ns = str_at(meta, "namespace"), *name = str_at(meta, "name");
	const char *node = str_in(pod, "spec", "nodeName");
	struct refs r = {0};
	struct vertex *v;

	ns = ns ? ns : "";
	name = name ? name : "";
	node_graph_delete_pod(g, ns, name);
	if (!node || !*node)
		return;
	v = get_or_create(g, NODE_GRAPH_POD, ns, name);
	v->uses = 1;
	v->u.pod.node = use(g, NODE_GRAPH_NODE, "", node);
	v->u.pod.fingerprint = pod_fingerprint(pod);
	g->edges++;
	/* A node must never gain access to other objects through a pod it
	 * can create itself. */
	if (json_object_get(object_at(meta, "annotations"), MIRROR_POD_ANNOTATION))
		return;
	pod_refs(pod, &r);
	v->u.pod.refs = xcalloc(r.len, sizeof(*v->u.pod.refs));
	for (size_t i = 0; i < r.len; i++) {
		struct vertex *ref = use(g, r.items[i].type, r.items[i].namespace, r.items[i].name);

		count_add(ref, v->u.pod.node);
		v->u.pod.refs[v->u.pod.num_refs++] = ref;
	}
	g->edges += r.len;
	refs_free(&r);
}

/* ---- persistent volumes ---- */

/* VisitPVSecretNames' kubelet-visible secrets, in its order of sources
 * (a PV has one). A reference without a namespace of its own takes the
 * claim's where upstream does (objects persisted before references had
 * one); the CSI controller's secrets are not the kubelet's business. */
static void pv_secret_refs(json_t *spec, const char *claim_ns, struct refs *r)
{
	static const struct {
		const char *source;
		bool claim_ns;
	} sources[] = {
	    {"cephfs", true},  {"cinder", false}, {"flexVolume", true}, {"rbd", true},
	    {"scaleIO", true}, {"iscsi", true},	  {"storageos", false},
	};
	static const char *const csi_refs[] = {"nodePublishSecretRef", "nodeStageSecretRef",
					       "nodeExpandSecretRef"};
	json_t *src, *ref;
	const char *ns;

	if ((src = object_at(spec, "azureFile"))) {
		ns = str_at(src, "secretNamespace");
		refs_add(r, NODE_GRAPH_SECRET, ns && *ns ? ns : claim_ns,
			 str_at(src, "secretName"));
		return;
	}
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		if (!(src = object_at(spec, sources[i].source)))
			continue;
		if ((ref = object_at(src, "secretRef"))) {
			ns = str_at(ref, "namespace");
			if (sources[i].claim_ns && (!ns || !*ns))
				ns = claim_ns;
			refs_add(r, NODE_GRAPH_SECRET, ns ? ns : "", str_at(ref, "name"));
		}
		return;
	}
	if (!(src = object_at(spec, "csi")))
		return;
	for (size_t i = 0; i < sizeof(csi_refs) / sizeof(csi_refs[0]); i++) {
		if ((ref = object_at(src, csi_refs[i]))) {
			ns = str_at(ref, "namespace");
			refs_add(r, NODE_GRAPH_SECRET, ns ? ns : "", str_at(ref, "name"));
		}
	}
}

void node_graph_delete_pv(struct node_graph *g, const char *name)
{
	struct vertex *pv = lookup(g, NODE_GRAPH_PV, "", name);

	if (!pv)
		return;
	for (uint32_t i = 0; i < pv->u.pv.num_secrets; i++) {
		struct vertex *s = pv->u.pv.secrets[i];

		for (uint32_t j = 0; j < s->u.shared.num_pvs; j++)
			if (s->u.shared.pvs[j] == pv) {
				s->u.shared.pvs[j] = s->u.shared.pvs[--s->u.shared.num_pvs];
				break;
			}
		release(g, s);
	}
	g->edges -= pv->u.pv.num_secrets + 1;
	release(g, pv->u.pv.claim);
	remove_vertex(g, pv);
}

void node_graph_add_pv(struct node_graph *g, json_t *pv)
{
	json_t *spec = json_object_get(pv, "spec"), *claim = object_at(spec, "claimRef");
	const char *name = str_in(pv, "metadata", "name");
	const char *claim_ns = str_at(claim, "namespace"), *claim_name = str_at(claim, "name");
	struct refs r = {0};
	struct vertex *v;

	name = name ? name : "";
	node_graph_delete_pv(g, name);
	if (!claim)
		return;
	claim_ns = claim_ns ? claim_ns : "";
	v = get_or_create(g, NODE_GRAPH_PV, "", name);
	v->uses = 1;
	/* Whether the claim's pods run is not known here: a plain edge, no counts. */
	v->u.pv.claim = use(g, NODE_GRAPH_PVC, claim_ns, claim_name ? claim_name : "");
	g->edges++;
	pv_secret_refs(spec, claim_ns, &r);
	v->u.pv.secrets = xcalloc(r.len, sizeof(*v->u.pv.secrets));
	for (size_t i = 0; i < r.len; i++) {
		struct vertex *s = use(g, NODE_GRAPH_SECRET, r.items[i].namespace, r.items[i].name);

		s->u.shared.pvs =
		    xrealloc(s->u.shared.pvs, (s->u.shared.num_pvs + 1) * sizeof(*s->u.shared.pvs));
		s->u.shared.pvs[s->u.shared.num_pvs++] = v;
		v->u.pv.secrets[v->u.pv.num_secrets++] = s;
	}
	g->edges += r.len;
	refs_free(&r);
}

/* ---- volume attachments, resource slices ---- */

static void delete_owned_by_node(struct node_graph *g, enum node_graph_type type, const char *name)
{
	struct vertex *v = lookup(g, type, "", name);

	if (!v)
		return;
	release(g, v->u.node);
	g->edges--;
	remove_vertex(g, v);
}

static void add_owned_by_node(struct node_graph *g, enum node_graph_type type, const char *name,
			      const char *node)
{
	struct vertex *v;

	delete_owned_by_node(g, type, name);
	if (!node || !*node)
		return;
	v = get_or_create(g, type, "", name);
	v->uses = 1;
	v->u.node = use(g, NODE_GRAPH_NODE, "", node);
	g->edges++;
}

void node_graph_add_volume_attachment(struct node_graph *g, const char *name, const char *node)
{
	add_owned_by_node(g, NODE_GRAPH_VOLUMEATTACHMENT, name, node);
}

void node_graph_delete_volume_attachment(struct node_graph *g, const char *name)
{
	delete_owned_by_node(g, NODE_GRAPH_VOLUMEATTACHMENT, name);
}

void node_graph_add_resource_slice(struct node_graph *g, const char *name, const char *node)
{
	add_owned_by_node(g, NODE_GRAPH_RESOURCESLICE, name, node);
}

void node_graph_delete_resource_slice(struct node_graph *g, const char *name)
{
	delete_owned_by_node(g, NODE_GRAPH_RESOURCESLICE, name);
}

/* ---- the populator ---- */

static void apply_pod(struct node_graph *g, const char *ns, const char *name, json_t *pod,
		      bool deleted)
{
	const char *node = str_in(pod, "spec", "nodeName");
	struct vertex *v;

	if (deleted) {
		node_graph_delete_pod(g, ns, name);
		return;
	}
	if (!node || !*node)
		return; /* not scheduled yet */
	v = lookup(g, NODE_GRAPH_POD, ns, name);
	if (v && v->u.pod.fingerprint == pod_fingerprint(pod) &&
	    strcmp(v->u.pod.node->key + 1, node) == 0)
		return; /* same node, same pod: its references cannot have changed */
	node_graph_add_pod(g, pod);
}

bool node_graph_apply(struct node_graph *g, const char *group, const char *resource,
		      const char *namespace, const char *name, json_t *obj, bool deleted)
{
	if (!*group && strcmp(resource, "pods") == 0) {
		apply_pod(g, namespace, name, obj, deleted);
	} else if (!*group && strcmp(resource, "persistentvolumes") == 0) {
		if (deleted)
			node_graph_delete_pv(g, name);
		else
			node_graph_add_pv(g, obj);
	} else if (strcmp(group, "storage.k8s.io") == 0 &&
		   strcmp(resource, "volumeattachments") == 0) {
		const char *node = str_in(obj, "spec", "nodeName");
		struct vertex *v = lookup(g, NODE_GRAPH_VOLUMEATTACHMENT, "", name);

		if (deleted)
			node_graph_delete_volume_attachment(g, name);
		else if (!v || !node || strcmp(v->u.node->key + 1, node) != 0)
			node_graph_add_volume_attachment(g, name, node);
	} else if (strcmp(group, "resource.k8s.io") == 0 &&
		   strcmp(resource, "resourceslices") == 0) {
		if (deleted)
			node_graph_delete_resource_slice(g, name);
		else
			node_graph_add_resource_slice(g, name, str_in(obj, "spec", "nodeName"));
	} else {
		return false;
	}
	return true;
}

/* ---- decisions ---- */

/* Through one of the PVs that list a secret, its claim, a pod, the node. */
static bool secret_via_pv(const struct vertex *secret, const struct vertex *node)
{
	for (uint32_t i = 0; i < secret->u.shared.num_pvs; i++)
		if (count_has(secret->u.shared.pvs[i]->u.pv.claim, node))
			return true;
	return false;
}

bool node_graph_has_path(const struct node_graph *g, enum node_graph_type type,
			 const char *namespace, const char *name, const char *node)
{
	const struct vertex *n = lookup(g, NODE_GRAPH_NODE, "", node);
	const struct vertex *v = n ? lookup(g, type, namespace, name) : NULL;

	if (!v)
		return false;
	switch (type) {
	case NODE_GRAPH_NODE:
		return v == n;
	case NODE_GRAPH_POD:
		return v->u.pod.node == n;
	case NODE_GRAPH_VOLUMEATTACHMENT:
	case NODE_GRAPH_RESOURCESLICE:
		return v->u.node == n;
	case NODE_GRAPH_PV:
		return count_has(v->u.pv.claim, n);
	case NODE_GRAPH_SECRET:
		return count_has(v, n) || secret_via_pv(v, n);
	default:
		return count_has(v, n);
	}
}

void node_graph_stats(const struct node_graph *g, struct node_graph_stats *out)
{
	memcpy(out->vertices, g->per_type, sizeof(out->vertices));
	out->edges = g->edges;
}

struct node_graph *node_graph_new(void)
{
	return xcalloc(1, sizeof(struct node_graph));
}

void node_graph_free(struct node_graph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->cap; i++)
		if (g->slots[i])
			free_vertex(g->slots[i]);
	free(g->slots);
	free(g);
}
