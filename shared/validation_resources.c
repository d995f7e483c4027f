/*
 * validation_resources.c - a container's resources (limits and requests)
 * as pkg/apis/core/validation validateResourceRequirements checks them in
 * v1.32: resource names, non-negative and integer quantities, requests not
 * above limits (equal to them for resources that cannot be overcommitted:
 * extended resources and huge pages).
 *
 * Quantities are parsed and compared exactly, as ParseQuantity and Cmp do,
 * and messages print a quantity as Quantity.String() does (both in
 * shared/quantity.h), except where upstream passes the Quantity struct
 * itself, which %#v prints field by field.
 */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "shared/quantity.h"
#include "shared/validation_internal.h"

const char *vq_string(struct vctx *c, const char *text)
{
	const char *s = quantity_canonical(c->arena, text);

	return s ? s : text;
}

/*
 * %#v of the resource.Quantity ParseQuantity returns: the int64Amount of
 * its int64 path, else an inf.Dec (whose pointer is a stand-in); the
 * cached string when the text was already canonical.
 */
static const char *qty_go_struct(struct vctx *c, const char *text, const struct quantity *q)
{
	return arena_printf(
	    c->arena,
	    "resource.Quantity{i:resource.int64Amount{value:%lld, scale:%d}, "
	    "d:resource.infDecAmount{Dec:%s}, s:%s, Format:\"%s\"}",
	    q->int64_form ? (long long)q->int64_value : 0, q->int64_form ? (int)q->int64_scale : 0,
	    vr_pointer(c, "inf.Dec", !q->int64_form), vr_quote(c, q->text_is_canonical ? text : ""),
	    quantity_format_name(q->format));
}

const char *vq_go_struct(struct vctx *c, const char *text)
{
	struct quantity q;

	if (quantity_parse(c->arena, text, &q) < 0)
		return vr_quote(c, text);
	return qty_go_struct(c, text, &q);
}

bool vq_value(struct vctx *c, const char *text, long double *out)
{
	struct quantity q;
	const char *digits;

	if (quantity_parse(c->arena, text, &q) < 0)
		return false;
	digits = q.len ? arena_printf(c->arena, "%s%.*se%lld", q.negative ? "-" : "", (int)q.len,
				      q.digits, (long long)q.exponent)
		       : "0";
	*out = strtold(digits, NULL);
	return true;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_huge_pages(const char *name)
{
	return has_prefix(name, "hugepages-");
}

/* No "/", or a kubernetes.io/ prefix (helper.IsNativeResource). */
static bool is_native(const char *name)
{
	return !strchr(name, '/') || strstr(name, "kubernetes.io/");
}

static bool is_extended(const char *name)
{
	struct vmsgs m = {0};
	char quota[600];

	if (is_native(name) || has_prefix(name, "requests."))
		return false;
	snprintf(quota, sizeof(quota), "requests.%s", name);
	is_qualified_name(quota, &m);
	return m.n == 0;
}

static bool overcommit_allowed(const char *name)
{
	return is_native(name) && !is_huge_pages(name);
}

static const char *const standard_resources[] = {"cpu",
						 "memory",
						 "ephemeral-storage",
						 "requests.cpu",
						 "requests.memory",
						 "requests.ephemeral-storage",
						 "limits.cpu",
						 "limits.memory",
						 "limits.ephemeral-storage",
						 "pods",
						 "services",
						 "replicationcontrollers",
						 "resourcequotas",
						 "secrets",
						 "configmaps",
						 "persistentvolumeclaims",
						 "storage",
						 "requests.storage",
						 "services.nodeports",
						 "services.loadbalancers",
						 NULL};

static bool is_standard_resource(const char *name)
{
	/* IsQuotaHugePageResourceName: hugepages-* and requests.hugepages-* */
	return str_in(name, standard_resources) || is_huge_pages(name) ||
	       has_prefix(name, "requests.hugepages-");
}

/* ValidateContainerResourceName */
void v_container_resource_name(struct vctx *c, const char *name, const char *path)
{
	static const char *const container[] = {"cpu", "memory", "ephemeral-storage", NULL};
	size_t before = c->out->num;

	v_qualified_name(c, name, path);
	if (c->out->num == before && !strchr(name, '/') && !is_standard_resource(name))
		v_invalid(c, path, vr_quote(c, name),
			  "must be a standard resource type or fully qualified");
	if (!strchr(name, '/')) {
		if (!str_in(name, container) && !is_huge_pages(name))
			v_invalid(c, path, vr_quote(c, name),
				  "must be a standard resource for containers");
	} else if (!is_native(name) && !is_extended(name)) {
		v_invalid(c, path, vr_quote(c, name),
			  "doesn't follow extended resource name standard");
	}
}

/* ValidateResourceQuantityValue */
static void v_quantity(struct vctx *c, const char *name, const char *text, const char *path)
{
	static const char *const integer[] = {"pods",
					      "services",
					      "replicationcontrollers",
					      "resourcequotas",
					      "secrets",
					      "configmaps",
					      "persistentvolumeclaims",
					      "services.nodeports",
					      "services.loadbalancers",
					      NULL};
	struct quantity q;

	if (quantity_parse(c->arena, text, &q) < 0)
		return;
	if (q.negative)
		v_invalid(c, path, vr_quote(c, vq_string(c, text)),
			  "must be greater than or equal to 0");
	if ((str_in(name, integer) || is_extended(name)) &&
	    !quantity_milli_value_is_whole(c->arena, &q))
		v_invalid(c, path, qty_go_struct(c, text, &q), "must be an integer");
}

static const char *text_of(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "";
}

/* validateResourceRequirements with the container resource name rule. */
void v_resources(struct vctx *c, json_t *res, const char *path)
{
	json_t *limits = jget(res, "limits"), *requests = jget(res, "requests");
	const char *lim_path = vp_child(c, path, "limits"),
		   *req_path = vp_child(c, path, "requests");
	const char **keys = jkeys(c, limits);
	bool lim_cpu_mem = false, req_cpu_mem = false, lim_huge = false, req_huge = false;

	for (size_t i = 0; keys[i]; i++) {
		const char *p = vp_key(c, lim_path, keys[i]);

		v_container_resource_name(c, keys[i], p);
		v_quantity(c, keys[i], text_of(jget(limits, keys[i])), p);
		lim_huge = lim_huge || is_huge_pages(keys[i]);
		lim_cpu_mem = lim_cpu_mem || !strcmp(keys[i], "cpu") || !strcmp(keys[i], "memory");
	}
	keys = jkeys(c, requests);
	for (size_t i = 0; keys[i]; i++) {
		const char *p = vp_key(c, req_path, keys[i]),
			   *text = text_of(jget(requests, keys[i]));
		json_t *limit = jget(limits, keys[i]);

		v_container_resource_name(c, keys[i], p);
		v_quantity(c, keys[i], text, p);
		if (limit) {
			struct quantity q, l;
			int cmp = quantity_parse(c->arena, text, &q) == 0 &&
					  quantity_parse(c->arena, text_of(limit), &l) == 0
				      ? quantity_compare(&q, &l)
				      : 0;

			if (cmp != 0 && !overcommit_allowed(keys[i]))
				v_invalid(c, req_path, vr_quote(c, vq_string(c, text)),
					  arena_printf(c->arena, "must be equal to %s limit of %s",
						       keys[i], vq_string(c, text_of(limit))));
			else if (cmp > 0)
				v_invalid(
				    c, req_path, vr_quote(c, vq_string(c, text)),
				    arena_printf(c->arena,
						 "must be less than or equal to %s limit of %s",
						 keys[i], vq_string(c, text_of(limit))));
		} else if (!overcommit_allowed(keys[i])) {
			v_required(c, lim_path,
				   "Limit must be set for non overcommitable resources");
		}
		req_huge = req_huge || is_huge_pages(keys[i]);
		req_cpu_mem = req_cpu_mem || !strcmp(keys[i], "cpu") || !strcmp(keys[i], "memory");
	}
	if (!lim_cpu_mem && !req_cpu_mem && (lim_huge || req_huge))
		v_forbidden(c, path, "HugePages require cpu or memory");
}
