/*
 * node_restriction.c - the NodeRestriction admission plugin; see
 * node_restriction.h.
 *
 * Refusals are admission.NewForbidden: `<resource> "<name>" is forbidden:
 * <why>`, the name being the request's (on create the new object's name,
 * else its generateName, else "Unknown"). The kubelet label rules are
 * k8s.io/kubelet/pkg/apis' well-known labels of v1.32.
 */
#include "shared/node_restriction.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/gojson.h"
#include "shared/node_authorizer.h"
#include "shared/node_graph.h"

#define MIRROR_POD_ANNOTATION "kubernetes.io/config.mirror"
#define NODE_LEASE_NS	      "kube-node-lease"
#define RESTRICTED_LABELS     "node-restriction.kubernetes.io"

/* Labels a kubelet may set on its own Node: these keys, and keys under
 * the namespaces below (or a subdomain of them). */
static const char *const kubelet_labels[] = {
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region",
    "beta.kubernetes.io/instance-type",
    "node.kubernetes.io/instance-type",
    "kubernetes.io/os",
    "kubernetes.io/arch",
    "beta.kubernetes.io/os",
    "beta.kubernetes.io/arch",
};
static const char *const kubelet_label_namespaces[] = {"kubelet.kubernetes.io",
						       "node.kubernetes.io"};

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static const char *str_at(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static json_t *meta_of(json_t *obj)
{
	return json_object_get(obj, "metadata");
}

static const char *operation_name(enum node_admission_operation op)
{
	switch (op) {
	case NODE_ADMISSION_CREATE:
		return "CREATE";
	case NODE_ADMISSION_UPDATE:
		return "UPDATE";
	case NODE_ADMISSION_DELETE:
		break;
	}
	return "DELETE";
}

/* Go's %q of s, in a. */
static const char *quoted(struct arena *a, const char *s)
{
	struct buf b = {0};
	const char *out;

	gojson_quote(&b, s, strlen(s));
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}

/* ---- refusals ---- */

struct admit_ctx {
	const struct node_admission *r;
	struct arena *a;
	struct node_admission_error *err;
	const char *node;
};

/* extractResourceName: the request's name, else the new object's name or
 * generateName, else "Unknown". */
static const char *request_name(const struct node_admission *r)
{
	const char *name;

	if (r->name && *r->name)
		return r->name;
	if ((name = str_at(meta_of(r->object), "name")) && *name)
		return name;
	if ((name = str_at(meta_of(r->object), "generateName")) && *name)
		return name;
	return "Unknown";
}

/* admission.NewForbidden(a, errors.New(why)); returns false for the caller to return. */
static bool forbid(struct admit_ctx *c, const char *why)
{
	const struct node_admission *r = c->r;
	const char *name = request_name(r);
	const char *resource =
	    *r->group ? arena_printf(c->a, "%s.%s", r->resource, r->group) : r->resource;

	*c->err = (struct node_admission_error){
	    .code = 403,
	    .reason = "Forbidden",
	    .message =
		arena_printf(c->a, "%s %s is forbidden: %s", resource, quoted(c->a, name), why),
	    .name = arena_strdup(c->a, name),
	    .group = r->group,
	    .kind = r->resource,
	};
	return false;
}

/* ---- Go's semantic equality, near enough for JSON ---- */

/* A value Go would decode to its zero value (or a nil slice or map). */
static bool is_zero(json_t *v)
{
	return !v || json_is_null(v) || json_is_false(v) ||
	       (json_is_string(v) && !json_string_length(v)) ||
	       (json_is_integer(v) && !json_integer_value(v)) ||
	       (json_is_real(v) && json_real_value(v) == 0) ||
	       (json_is_array(v) && !json_array_size(v)) ||
	       (json_is_object(v) && !json_object_size(v));
}

/* Equal as decoded Go values: an absent field equals its zero value, and
 * nil slices and maps equal empty ones. */
static bool semantic_equal(json_t *x, json_t *y)
{
	const char *key;
	json_t *v;

	if (is_zero(x) || is_zero(y))
		return is_zero(x) && is_zero(y);
	if (json_is_object(x) && json_is_object(y)) {
		json_object_foreach(x, key, v)
		{
			if (!semantic_equal(v, json_object_get(y, key)))
				return false;
		}
		json_object_foreach(y, key, v)
		{
			if (!json_object_get(x, key) && !is_zero(v))
				return false;
		}
		return true;
	}
	if (json_is_array(x) && json_is_array(y)) {
		if (json_array_size(x) != json_array_size(y))
			return false;
		for (size_t i = 0; i < json_array_size(x); i++)
			if (!semantic_equal(json_array_get(x, i), json_array_get(y, i)))
				return false;
		return true;
	}
	return json_equal(x, y);
}

/* labels.Equals: the same keys with the same values. */
static bool labels_equal(json_t *x, json_t *y)
{
	const char *key;
	json_t *v;

	if (json_object_size(x) != json_object_size(y))
		return false;
	json_object_foreach(x, key, v)
	{
		json_t *w = json_object_get(y, key);

		if (!w || !json_equal(v, w))
			return false;
	}
	return true;
}

/* ---- pods ---- */

/* admitPodCreate: a mirror pod of this node and nothing more. */
static bool admit_mirror_pod(struct admit_ctx *c, json_t *pod)
{
	struct arena *a = c->a;
	const char *node = c->node, *qnode = quoted(a, node);
	json_t *spec = json_object_get(pod, "spec");
	json_t *owners = json_object_get(meta_of(pod), "ownerReferences"), *owner, *vol;
	const char *uid, *owner_uid, *pod_node = str_at(spec, "nodeName");
	size_t i, j;

	if (!json_object_get(json_object_get(meta_of(pod), "annotations"), MIRROR_POD_ANNOTATION))
		return forbid(c, arena_printf(a,
					      "pod does not have \"" MIRROR_POD_ANNOTATION
					      "\" annotation, node %s can only create mirror pods",
					      qnode));
	if (!pod_node || !is(pod_node, node))
		return forbid(
		    c,
		    arena_printf(a, "node %s can only create pods with spec.nodeName set to itself",
				 qnode));
	if (json_array_size(owners) > 1)
		return forbid(c, arena_printf(a,
					      "node %s can only create pods with a single owner "
					      "reference set to itself",
					      qnode));
	if (json_array_size(owners) == 0)
		return forbid(c,
			      arena_printf(a,
					   "node %s can only create pods with an owner reference "
					   "set to itself",
					   qnode));
	owner = json_array_get(owners, 0);
	if (!str_at(owner, "apiVersion") || !is(str_at(owner, "apiVersion"), "v1") ||
	    !str_at(owner, "kind") || !is(str_at(owner, "kind"), "Node") ||
	    !str_at(owner, "name") || !is(str_at(owner, "name"), node))
		return forbid(c,
			      arena_printf(a,
					   "node %s can only create pods with an owner reference "
					   "set to itself",
					   qnode));
	if (!json_is_true(json_object_get(owner, "controller")))
		return forbid(c,
			      arena_printf(a,
					   "node %s can only create pods with a controller owner "
					   "reference set to itself",
					   qnode));
	if (json_is_true(json_object_get(owner, "blockOwnerDeletion")))
		return forbid(
		    c,
		    arena_printf(a, "node %s must not set blockOwnerDeletion on an owner reference",
				 qnode));
	/* The node lister's NotFound, as it is. */
	if (!(uid = c->r->node_uid(c->r->ctx, node))) {
		*c->err = (struct node_admission_error){
		    .code = 404,
		    .reason = "NotFound",
		    .message = arena_printf(a, "node %s not found", qnode),
		    .name = node,
		    .group = "",
		    .kind = "node",
		};
		return false;
	}
	owner_uid = str_at(owner, "uid");
	if (!owner_uid || !is(owner_uid, uid))
		return forbid(c, arena_printf(a, "node %s UID mismatch: expected %s got %s", node,
					      owner_uid ? owner_uid : "", uid));
	if (str_at(spec, "serviceAccountName") && *str_at(spec, "serviceAccountName"))
		return forbid(
		    c,
		    arena_printf(a, "node %s can not create pods that reference a service account",
				 qnode));
	if (node_graph_pod_references(pod, NODE_GRAPH_SECRET))
		return forbid(
		    c,
		    arena_printf(a, "node %s can not create pods that reference secrets", qnode));
	if (node_graph_pod_references(pod, NODE_GRAPH_CONFIGMAP))
		return forbid(
		    c, arena_printf(a, "node %s can not create pods that reference configmaps",
				    qnode));
	json_array_foreach(json_object_get(spec, "volumes"), i, vol)
	{
		json_t *src;

		json_array_foreach(json_object_get(json_object_get(vol, "projected"), "sources"), j,
				   src)
		{
			if (json_is_object(json_object_get(src, "clusterTrustBundle")))
				return forbid(c, arena_printf(a,
							      "node %s can not create pods that "
							      "reference clustertrustbundles",
							      qnode));
		}
	}
	json_array_foreach(json_object_get(spec, "volumes"), i, vol)
	{
		if (json_is_object(json_object_get(vol, "persistentVolumeClaim")))
			return forbid(c, arena_printf(a,
						      "node %s can not create pods that reference "
						      "persistentvolumeclaims",
						      qnode));
	}
	return true;
}

/* resourceClaimStatusesEqual: the same names and claim names, in order. */
static bool claim_statuses_equal(json_t *x, json_t *y)
{
	if (json_array_size(x) != json_array_size(y))
		return false;
	for (size_t i = 0; i < json_array_size(x); i++) {
		json_t *a = json_array_get(x, i), *b = json_array_get(y, i);
		const char *an = str_at(a, "name"), *bn = str_at(b, "name");
		const char *ac = str_at(a, "resourceClaimName"),
			   *bc = str_at(b, "resourceClaimName");

		if (!is(an ? an : "", bn ? bn : "") || !ac != !bc || (ac && !is(ac, bc)))
			return false;
	}
	return true;
}

static bool bound_here(json_t *pod, const char *node)
{
	const char *pod_node = str_at(json_object_get(pod, "spec"), "nodeName");

	return pod_node && is(pod_node, node);
}

static bool admit_pod(struct admit_ctx *c)
{
	const struct node_admission *r = c->r;
	struct arena *a = c->a;
	const char *qnode = quoted(a, c->node);

	if (is(r->subresource, "status")) {
		if (r->operation != NODE_ADMISSION_UPDATE)
			return forbid(c, arena_printf(a, "unexpected operation %s",
						      quoted(a, operation_name(r->operation))));
		if (!bound_here(r->old, c->node))
			return forbid(c, arena_printf(a,
						      "node %s can only update pod status for pods "
						      "with spec.nodeName set to itself",
						      qnode));
		if (!labels_equal(json_object_get(meta_of(r->old), "labels"),
				  json_object_get(meta_of(r->object), "labels")))
			return forbid(
			    c, arena_printf(a, "node %s cannot update labels through pod status",
					    qnode));
		if (!claim_statuses_equal(
			json_object_get(json_object_get(r->old, "status"), "resourceClaimStatuses"),
			json_object_get(json_object_get(r->object, "status"),
					"resourceClaimStatuses")))
			return forbid(
			    c,
			    arena_printf(a, "node %s cannot update resource claim statues", qnode));
		return true;
	}
	if (is(r->subresource, "eviction"))
		return true; /* not served: see node_restriction.h */
	if (*r->subresource)
		return forbid(c, arena_printf(a,
					      "unexpected pod subresource %s, only 'status' and "
					      "'eviction' are allowed",
					      quoted(a, r->subresource)));
	switch (r->operation) {
	case NODE_ADMISSION_CREATE:
		return admit_mirror_pod(c, r->object);
	case NODE_ADMISSION_DELETE:
		if (!bound_here(r->old, c->node))
			return forbid(
			    c, arena_printf(a,
					    "node %s can only delete pods with spec.nodeName "
					    "set to itself",
					    qnode));
		return true;
	case NODE_ADMISSION_UPDATE:
		break;
	}
	return forbid(c, arena_printf(a,
				      "unexpected operation %s, node %s can only create and "
				      "delete mirror pods",
				      quoted(a, operation_name(r->operation)), qnode));
}

/* ---- PVC status ---- */

/* What admitPVCStatus compares: everything but the fields a kubelet may
 * change (and resourceVersion, managedFields, the type). A new reference. */
static json_t *pvc_compared(json_t *pvc)
{
	json_t *c = json_deep_copy(pvc), *status;

	if (!json_is_object(c)) {
		json_decref(c);
		return json_object();
	}
	json_object_del(c, "kind");
	json_object_del(c, "apiVersion");
	json_object_del(meta_of(c), "resourceVersion");
	json_object_del(meta_of(c), "managedFields");
	if ((status = json_object_get(c, "status"))) {
		json_object_del(status, "capacity");
		json_object_del(status, "conditions");
		json_object_del(status, "allocatedResources");
		json_object_del(status, "allocatedResourceStatuses");
	}
	return c;
}

/* The paths where two JSON values differ semantically, comma separated,
 * e.g. "object.metadata.labels.a" (in place of upstream's cmp.Diff of
 * the Go objects, which cannot be reproduced from JSON). */
static void differences(struct buf *out, const char *path, json_t *x, json_t *y)
{
	json_t *maps[2] = {x, y}, *v;
	const char *key;

	if (semantic_equal(x, y))
		return;
	if (!json_is_object(x) || !json_is_object(y)) {
		buf_printf(out, "%s%s", out->len ? ", " : "", path);
		return;
	}
	for (int m = 0; m < 2; m++) {
		json_object_foreach(maps[m], key, v)
		{
			struct buf child = {0};

			if (m == 1 && json_object_get(x, key))
				continue; /* compared already */
			buf_printf(&child, "%s.%s", path, key);
			differences(out, child.data, json_object_get(x, key),
				    json_object_get(y, key));
			buf_free(&child);
		}
	}
}

static bool admit_pvc(struct admit_ctx *c)
{
	const struct node_admission *r = c->r;
	struct arena *a = c->a;
	json_t *old, *new;
	struct buf diff = {0};
	bool same;

	if (!is(r->subresource, "status"))
		return forbid(c, "may only update PVC status");
	if (r->operation != NODE_ADMISSION_UPDATE)
		return forbid(c, arena_printf(a, "unexpected operation %s",
					      quoted(a, operation_name(r->operation))));
	old = pvc_compared(r->old);
	new = pvc_compared(r->object);
	if (!(same = semantic_equal(old, new)))
		differences(&diff, "object", old, new);
	json_decref(old);
	json_decref(new);
	if (same)
		return true;
	forbid(c, arena_printf(a,
			       "node %s is not allowed to update fields other than status.quantity "
			       "and status.conditions: %s",
			       quoted(a, c->node), diff.data ? diff.data : ""));
	buf_free(&diff);
	return false;
}

/* ---- nodes ---- */

/* The part of a label key before its '/', "" without one. */
static size_t label_namespace(const char *key, const char **ns)
{
	const char *slash = strchr(key, '/');

	*ns = key;
	return slash ? (size_t)(slash - key) : 0;
}

/* Whether ns (len bytes) is domain or a subdomain of it. */
static bool in_domain(const char *ns, size_t len, const char *domain)
{
	size_t dlen = strlen(domain);

	if (len == dlen && strncmp(ns, domain, len) == 0)
		return true;
	return len > dlen && ns[len - dlen - 1] == '.' &&
	       strncmp(ns + len - dlen, domain, dlen) == 0;
}

static bool is_kubelet_label(const char *key)
{
	const char *ns;
	size_t len = label_namespace(key, &ns);

	for (size_t i = 0; i < sizeof(kubelet_labels) / sizeof(kubelet_labels[0]); i++)
		if (is(key, kubelet_labels[i]))
			return true;
	for (size_t i = 0;
	     i < sizeof(kubelet_label_namespaces) / sizeof(kubelet_label_namespaces[0]); i++)
		if (in_domain(ns, len, kubelet_label_namespaces[i]))
			return true;
	return false;
}

/* getForbiddenLabels of one modified key. */
static bool label_forbidden(const char *key)
{
	const char *ns;
	size_t len = label_namespace(key, &ns);

	if (in_domain(ns, len, RESTRICTED_LABELS))
		return true;
	return (in_domain(ns, len, "kubernetes.io") || in_domain(ns, len, "k8s.io")) &&
	       !is_kubelet_label(key);
}

static int compare_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The forbidden keys among those that differ between two label maps,
 * sorted and joined with ", " (sets.String.List); NULL when none. */
static const char *forbidden_label_changes(struct arena *a, json_t *labels, json_t *old_labels)
{
	size_t n = 0, cap = json_object_size(labels) + json_object_size(old_labels);
	const char **keys = arena_alloc(a, (cap ? cap : 1) * sizeof(*keys));
	json_t *maps[2] = {labels, old_labels}, *v;
	const char *key;
	struct buf b = {0};
	const char *out;

	for (int m = 0; m < 2; m++) {
		json_object_foreach(maps[m], key, v)
		{
			json_t *other = json_object_get(maps[1 - m], key);
			bool seen = false;

			if (other && json_equal(v, other))
				continue;
			if (!label_forbidden(key))
				continue;
			for (size_t i = 0; i < n; i++)
				seen = seen || is(keys[i], key);
			if (!seen)
				keys[n++] = key;
		}
	}
	if (!n)
		return NULL;
	qsort(keys, n, sizeof(*keys), compare_strings);
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", keys[i]);
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}

static bool admit_node(struct admit_ctx *c)
{
	const struct node_admission *r = c->r;
	struct arena *a = c->a;
	const char *qnode = quoted(a, c->node), *labels;
	json_t *spec = json_object_get(r->object, "spec");
	json_t *config = json_object_get(spec, "configSource");
	json_t *old_spec = json_object_get(r->old, "spec");

	if (!is(r->name, c->node))
		return forbid(c, arena_printf(a, "node %s is not allowed to modify node %s", qnode,
					      quoted(a, r->name)));
	if (r->operation == NODE_ADMISSION_CREATE) {
		if (config && !json_is_null(config))
			return forbid(c,
				      arena_printf(a,
						   "node %s is not allowed to create pods with a "
						   "non-nil configSource",
						   qnode));
		if ((labels = forbidden_label_changes(
			 a, json_object_get(meta_of(r->object), "labels"), NULL)))
			return forbid(c, arena_printf(a,
						      "node %s is not allowed to set the following "
						      "labels: %s",
						      qnode, labels));
	}
	if (r->operation == NODE_ADMISSION_UPDATE) {
		if (config && !json_is_null(config) &&
		    !semantic_equal(config, json_object_get(old_spec, "configSource")))
			return forbid(c,
				      arena_printf(a,
						   "node %s is not allowed to update configSource "
						   "to a new non-nil configSource",
						   qnode));
		if (!semantic_equal(json_object_get(spec, "taints"),
				    json_object_get(old_spec, "taints")))
			return forbid(
			    c, arena_printf(a, "node %s is not allowed to modify taints", qnode));
		if ((labels =
			 forbidden_label_changes(a, json_object_get(meta_of(r->object), "labels"),
						 json_object_get(meta_of(r->old), "labels"))))
			return forbid(
			    c, arena_printf(a, "is not allowed to modify labels: %s", labels));
	}
	return true;
}

/* ---- leases, CSINodes ---- */

/* On create the name is the new object's; otherwise the request's. */
static const char *target_name(const struct node_admission *r)
{
	if (r->operation == NODE_ADMISSION_CREATE) {
		const char *name = str_at(meta_of(r->object), "name");

		return name ? name : "";
	}
	return r->name;
}

static bool admit_lease(struct admit_ctx *c)
{
	if (!is(c->r->namespace, NODE_LEASE_NS))
		return forbid(c, "can only access leases in the \"" NODE_LEASE_NS
				 "\" system namespace");
	if (!is(target_name(c->r), c->node))
		return forbid(c, "can only access node lease with the same name as the requesting "
				 "node");
	return true;
}

static bool admit_csinode(struct admit_ctx *c)
{
	if (!is(target_name(c->r), c->node))
		return forbid(c,
			      "can only access CSINode with the same name as the requesting node");
	return true;
}

/* ---- certificate signing requests ---- */

/* The DER of the first PEM block of text, when it is a CERTIFICATE
 * REQUEST (certapi.ParseCSR); NULL otherwise. */
static X509_REQ *parse_csr(const unsigned char *pem, size_t len, bool *wrong_block)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_len = 0;
	X509_REQ *req = NULL;

	*wrong_block = true;
	if (bio && PEM_read_bio(bio, &name, &header, &der, &der_len) == 1 &&
	    is(name, "CERTIFICATE REQUEST")) {
		const unsigned char *p = der;

		*wrong_block = false;
		req = d2i_X509_REQ(NULL, &p, der_len);
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	return req;
}

/* The subject's CommonName (the last one, as Go's pkix.Name keeps it). */
static bool csr_common_name(X509_REQ *req, struct buf *out)
{
	X509_NAME *subject = X509_REQ_get_subject_name(req);
	int i = -1, last = -1;
	ASN1_STRING *data;
	unsigned char *utf8 = NULL;
	int len;

	while ((i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) >= 0)
		last = i;
	if (last < 0)
		return true; /* no CN: "" */
	data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, last));
	if ((len = ASN1_STRING_to_UTF8(&utf8, data)) < 0)
		return false;
	buf_append(out, (const char *)utf8, (size_t)len);
	OPENSSL_free(utf8);
	return true;
}

static bool admit_csr(struct admit_ctx *c)
{
	const struct node_admission *r = c->r;
	struct arena *a = c->a;
	json_t *spec = json_object_get(r->object, "spec");
	const char *signer = str_at(spec, "signerName"), *b64 = str_at(spec, "request");
	size_t b64_len = b64 ? strlen(b64) : 0;
	unsigned char *pem;
	int pem_len;
	X509_REQ *req = NULL;
	bool wrong_block = true, ok;
	struct buf cn = {0};

	if (r->operation != NODE_ADMISSION_CREATE || !signer ||
	    (!is(signer, "kubernetes.io/kubelet-serving") &&
	     !is(signer, "kubernetes.io/kube-apiserver-client-kubelet")))
		return true;
	pem = arena_alloc(a, b64_len / 4 * 3 + 4);
	pem_len = b64_len % 4 ? -1 : EVP_DecodeBlock(pem, (const unsigned char *)b64, (int)b64_len);
	if (pem_len >= 0) {
		/* EVP_DecodeBlock counts the padding as bytes. */
		for (size_t i = b64_len; i > 0 && b64[i - 1] == '='; i--)
			pem_len--;
		req = parse_csr(pem, (size_t)pem_len, &wrong_block);
	}
	if (!req)
		return forbid(c, wrong_block ? "unable to parse csr: PEM block type must be "
					       "CERTIFICATE REQUEST"
					     : "unable to parse csr: x509: malformed certificate "
					       "request");
	ok = csr_common_name(req, &cn);
	X509_REQ_free(req);
	ok =
	    ok && cn.data && strncmp(cn.data, "system:node:", 12) == 0 && is(cn.data + 12, c->node);
	buf_free(&cn);
	if (!ok)
		return forbid(
		    c,
		    arena_printf(a, "can only create a node CSR with CN=system:node:%s", c->node));
	return true;
}

/* ---- Admit ---- */

bool node_restriction_admit(const struct node_admission *r, struct arena *a,
			    struct node_admission_error *err)
{
	const char *node = node_identity(r->user, r->groups, r->num_groups);
	struct admit_ctx c = {r, a, err, node};

	if (!node)
		return true;
	if (!*node)
		return forbid(&c, arena_printf(a, "could not determine node from user %s",
					       quoted(a, r->user)));
	if (!*r->group) {
		if (is(r->resource, "pods"))
			return admit_pod(&c);
		if (is(r->resource, "nodes"))
			return admit_node(&c);
		if (is(r->resource, "persistentvolumeclaims"))
			return admit_pvc(&c);
	} else if (is(r->group, "coordination.k8s.io") && is(r->resource, "leases")) {
		return admit_lease(&c);
	} else if (is(r->group, "storage.k8s.io") && is(r->resource, "csinodes")) {
		return admit_csinode(&c);
	} else if (is(r->group, "certificates.k8s.io") &&
		   is(r->resource, "certificatesigningrequests")) {
		return admit_csr(&c);
	}
	return true;
}

/* Whether a comma list names item. */
static bool list_has(const char *list, const char *item)
{
	size_t len = strlen(item);

	while (list && *list) {
		size_t n = strcspn(list, ",");

		if (n == len && strncmp(list, item, len) == 0)
			return true;
		list += n;
		if (*list == ',')
			list++;
	}
	return false;
}

bool node_restriction_enabled(const char *enable, const char *admission_control,
			      const char *disable)
{
	return (list_has(enable, "NodeRestriction") ||
		list_has(admission_control, "NodeRestriction")) &&
	       !list_has(disable, "NodeRestriction");
}
