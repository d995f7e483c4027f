/*
 * validation_resources.c - a container's resources (limits and requests)
 * as pkg/apis/core/validation validateResourceRequirements checks them in
 * v1.32: resource names, non-negative and integer quantities, requests not
 * above limits (equal to them for resources that cannot be overcommitted:
 * extended resources and huge pages).
 *
 * Quantities are compared exactly: a quantity is a decimal mantissa and a
 * power of ten (binary suffixes multiply the mantissa by 2^10k), and the
 * comparison falls back to long double only when the numbers overflow
 * 128 bits. Messages print a quantity as Quantity.String() does
 * (shared/quantity.h), except where upstream passes the Quantity struct
 * itself, which %#v prints field by field.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "shared/quantity.h"
#include "shared/validation_internal.h"

/* A parsed quantity: sign * mantissa * 10^exp10 (mantissa < 2^127). */
struct qty {
	bool ok, negative;
	__int128 mantissa;
	int exp10;
	long double approx;
	/* what ParseQuantity's fast path keeps, for %#v */
	bool fast, canonical;
	long long value;
	int scale;
	const char *format;
};

static const struct {
	const char *suffix;
	int exp10, exp2;
	const char *format;
} suffixes[] = {
    {"Ki", 0, 10, "BinarySI"}, {"Mi", 0, 20, "BinarySI"}, {"Gi", 0, 30, "BinarySI"},
    {"Ti", 0, 40, "BinarySI"}, {"Pi", 0, 50, "BinarySI"}, {"Ei", 0, 60, "BinarySI"},
    {"n", -9, 0, "DecimalSI"}, {"u", -6, 0, "DecimalSI"}, {"m", -3, 0, "DecimalSI"},
    {"", 0, 0, "DecimalSI"},   {"k", 3, 0, "DecimalSI"},  {"M", 6, 0, "DecimalSI"},
    {"G", 9, 0, "DecimalSI"},  {"T", 12, 0, "DecimalSI"}, {"P", 15, 0, "DecimalSI"},
    {"E", 18, 0, "DecimalSI"},
};

static const __int128 int128_max = (__int128)(((unsigned __int128)1 << 127) - 1);

static bool mul_overflows(__int128 a, __int128 b)
{
	return a != 0 && b > int128_max / a;
}

static struct qty qty_parse(const char *s)
{
	struct qty q = {0};
	const char *p = s, *num, *denom = "";
	size_t num_len, denom_len = 0;
	int exp10 = 0, exp2 = 0;
	bool overflow = false;

	if (*p == '+' || *p == '-')
		q.negative = *p++ == '-';
	num = p;
	while (*p >= '0' && *p <= '9')
		p++;
	num_len = (size_t)(p - num);
	if (*p == '.') {
		denom = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		denom_len = (size_t)(p - denom);
	}
	if (num_len + denom_len == 0)
		return q;
	q.format = NULL;
	if ((*p == 'e' || *p == 'E') && p[1]) {
		char *end;
		long e = strtol(p + 1, &end, 10);

		if (*end || end == p + 1)
			return q;
		exp10 = (int)e;
		q.format = "DecimalExponent";
	} else {
		for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
			if (strcmp(p, suffixes[i].suffix) == 0) {
				exp10 = suffixes[i].exp10;
				exp2 = suffixes[i].exp2;
				q.format = suffixes[i].format;
			}
		if (!q.format)
			return q;
	}
	for (size_t i = 0; i < num_len + denom_len; i++) {
		int d = (i < num_len ? num[i] : denom[i - num_len]) - '0';

		overflow = overflow || mul_overflows(q.mantissa, 10);
		if (!overflow)
			q.mantissa = q.mantissa * 10 + d;
		q.approx = q.approx * 10 + d;
	}
	q.exp10 = exp10 - (int)denom_len;
	for (int i = 0; i < exp2; i++) {
		overflow = overflow || mul_overflows(q.mantissa, 2);
		if (!overflow)
			q.mantissa *= 2;
	}
	q.approx = q.approx * powl(10, q.exp10) * powl(2, exp2);
	if (overflow)
		q.mantissa = -1;
	q.ok = true;

	/* ParseQuantity's int64 fast path: what Quantity{i, s, Format} holds. */
	if (strcmp(q.format, "BinarySI") == 0) {
		if (denom_len == 0 && num_len < 19 && num_len + exp2 * 3 / 10 < 15) {
			long long v = strtoll(num, NULL, 10);

			q.fast = true;
			q.value = v << exp2;
			q.scale = 0;
			q.canonical = exp2 % 10 == 0 && (v & 7) != 0;
		}
	} else if (num_len + denom_len <= 18 && q.exp10 >= -9) {
		char shifted[40];

		snprintf(shifted, sizeof(shifted), "%.*s%.*s", (int)num_len, num, (int)denom_len,
			 denom);
		q.fast = true;
		q.value = strtoll(shifted, NULL, 10);
		q.scale = q.exp10;
		q.canonical =
		    q.exp10 % 3 == 0 && strlen(shifted) &&
		    !(strlen(shifted) >= 3 && strcmp(shifted + strlen(shifted) - 3, "000") == 0) &&
		    shifted[0] != '0';
	}
	if (q.negative) {
		q.approx = -q.approx;
		q.value = -q.value;
	}
	return q;
}

/* -1, 0, 1 as a < b, a == b, a > b. */
static int qty_cmp(const struct qty *a, const struct qty *b)
{
	__int128 x = a->mantissa, y = b->mantissa;
	int ex = a->exp10, ey = b->exp10;
	bool overflow = x < 0 || y < 0;

	while (!overflow && ex > ey) {
		overflow = mul_overflows(x, 10);
		x *= overflow ? 1 : 10;
		ex--;
	}
	while (!overflow && ey > ex) {
		overflow = mul_overflows(y, 10);
		y *= overflow ? 1 : 10;
		ey--;
	}
	if (overflow)
		return a->approx < b->approx ? -1 : a->approx > b->approx;
	if (a->negative)
		x = -x;
	if (b->negative)
		y = -y;
	return x < y ? -1 : x > y;
}

static const char *qty_string(struct vctx *c, const char *text)
{
	const char *s = quantity_canonical(c->arena, text);

	return s ? s : text;
}

/* %#v of the resource.Quantity ParseQuantity returns (the int64 form). */
static const char *qty_go_struct(struct vctx *c, const char *text, const struct qty *q)
{
	return arena_printf(c->arena,
			    "resource.Quantity{i:resource.int64Amount{value:%lld, scale:%d}, "
			    "d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:%s, Format:\"%s\"}",
			    q->fast ? q->value : 0, q->fast ? q->scale : 0,
			    vr_quote(c, q->fast && q->canonical ? text : ""), q->format);
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
	return str_in(name, standard_resources) || is_huge_pages(name) ||
	       has_prefix(name, "requests.hugepages-") || has_prefix(name, "limits.hugepages-");
}

/* validateContainerResourceName */
static void v_container_resource_name(struct vctx *c, const char *name, const char *path)
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
	struct qty q = qty_parse(text), zero = qty_parse("0");

	if (!q.ok)
		return;
	if (qty_cmp(&q, &zero) < 0)
		v_invalid(c, path, vr_quote(c, qty_string(c, text)),
			  "must be greater than or equal to 0");
	if (str_in(name, integer) || is_extended(name)) {
		struct qty milli = q;

		milli.exp10 += 3;
		/* MilliValue() % 1000: the value in thousandths, rounded up, not whole. */
		if (milli.exp10 < 3) {
			__int128 m = milli.mantissa, div = 1;

			for (int e = milli.exp10; e < 3 && m >= 0; e++)
				div *= 10;
			if (m < 0 || m % div != 0)
				v_invalid(c, path, qty_go_struct(c, text, &q),
					  "must be an integer");
		}
	}
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
			struct qty q = qty_parse(text), l = qty_parse(text_of(limit));
			int cmp = q.ok && l.ok ? qty_cmp(&q, &l) : 0;

			if (cmp != 0 && !overcommit_allowed(keys[i]))
				v_invalid(c, req_path, vr_quote(c, qty_string(c, text)),
					  arena_printf(c->arena, "must be equal to %s limit of %s",
						       keys[i], qty_string(c, text_of(limit))));
			else if (cmp > 0)
				v_invalid(
				    c, req_path, vr_quote(c, qty_string(c, text)),
				    arena_printf(c->arena,
						 "must be less than or equal to %s limit of %s",
						 keys[i], qty_string(c, text_of(limit))));
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
