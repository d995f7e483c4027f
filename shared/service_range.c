/*
 * service_range.c - Service IP and node port ranges: parsing and checking
 * the flags, index <-> address arithmetic, and the random pick (see
 * service_range.h). Pure functions, no I/O.
 *
 * Addresses are handled as 128-bit numbers (two uint64_t halves) so that
 * IPv4 and IPv6 share one path; an IPv4 address is its 4 bytes.
 */
#include "service_range.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* kube-apiserver's maxCIDRBits: more host bits than this is "too large". */
#define MAX_CIDR_BITS 20
/* ServiceIPRange: fewer addresses than this (counting at most 2^16) is refused. */
#define MIN_RANGE_SIZE 8
/* The largest bitmap of an IPv6 range. */
#define MAX_IPV6_RANGE 65536

struct u128 {
	uint64_t hi, lo;
};

static int family_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static struct u128 u128_from(const unsigned char *bytes, int len)
{
	struct u128 v = {0, 0};

	for (int i = 0; i < len; i++) {
		v.hi = (v.hi << 8) | (v.lo >> 56);
		v.lo = (v.lo << 8) | bytes[i];
	}
	return v;
}

static void u128_to(struct u128 v, unsigned char *bytes, int len)
{
	for (int i = len - 1; i >= 0; i--) {
		bytes[i] = (unsigned char)(v.lo & 0xff);
		v.lo = (v.lo >> 8) | (v.hi << 56);
		v.hi >>= 8;
	}
}

static struct u128 u128_add(struct u128 a, uint64_t b)
{
	struct u128 r = {a.hi, a.lo + b};

	if (r.lo < a.lo)
		r.hi++;
	return r;
}

/* RFC 5952, as Go writes IPv6: the longest run of two or more zero groups
 * (the first of equal ones) becomes "::". */
void service_ip_format(int family, const unsigned char *addr, char *out, size_t out_len)
{
	unsigned groups[8];
	int best = -1, best_len = 0;
	size_t n = 0;

	if (family == AF_INET) {
		snprintf(out, out_len, "%u.%u.%u.%u", addr[0], addr[1], addr[2], addr[3]);
		return;
	}
	for (int i = 0; i < 8; i++)
		groups[i] = (unsigned)addr[2 * i] << 8 | addr[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && groups[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}
	out[0] = '\0';
	for (int i = 0; i < 8 && n < out_len; i++) {
		if (i == best) {
			n += (size_t)snprintf(out + n, out_len - n, "::");
			i += best_len - 1;
			continue;
		}
		n += (size_t)snprintf(out + n, out_len - n, "%s%x",
				      i && i != best + best_len ? ":" : "", groups[i]);
	}
}

bool service_ip_parse(const char *text, int *family, unsigned char addr[16])
{
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, addr) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

/* utilnet.RangeSize: 0 for a /31, /32, /127 or /128, INT64_MAX past 62 host bits. */
static int64_t cidr_size(int family, int prefix)
{
	int bits = family == AF_INET ? 32 : 128, host = bits - prefix;

	if ((bits == 32 && host >= 31) || (bits == 128 && host >= 127))
		return 0;
	if (host >= 63)
		return INT64_MAX;
	return (int64_t)1 << host;
}

/* ipallocator's calculateRangeOffset: min(max(16, size/16), 256), 0 for <= 16. */
static uint32_t ip_range_offset(int64_t size)
{
	int64_t offset;

	if (size <= 16)
		return 0;
	offset = size / 16;
	return (uint32_t)(offset < 16 ? 16 : offset > 256 ? 256 : offset);
}

static int parse_one(const char *text, size_t len, struct service_ip_range *r)
{
	char address[64];
	const char *slash = memchr(text, '/', len);
	char *end;
	long prefix;
	int bits, bytes;
	int64_t size;

	memset(r, 0, sizeof(*r));
	if (!slash || (size_t)(slash - text) >= sizeof(address) || slash[1] < '0' || slash[1] > '9')
		return -1;
	snprintf(address, sizeof(address), "%.*s", (int)(slash - text), text);
	if (!service_ip_parse(address, &r->family, r->net))
		return -1;
	prefix = strtol(slash + 1, &end, 10);
	bits = r->family == AF_INET ? 32 : 128;
	if (end != text + len || prefix > bits)
		return -1;
	r->prefix = (int)prefix;
	bytes = family_len(r->family);
	/* ParseCIDR answers the network: host bits cleared. */
	for (int i = 0; i < bytes; i++) {
		int keep = r->prefix - 8 * i;

		r->net[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
	service_ip_format(r->family, r->net, r->network, sizeof(r->network));
	snprintf(r->cidr, sizeof(r->cidr), "%s/%d", r->network, r->prefix);
	r->family_name = r->family == AF_INET ? "IPv4" : "IPv6";
	size = cidr_size(r->family, r->prefix);
	r->offset = ip_range_offset(size);
	if (r->family == AF_INET6 && size > MAX_IPV6_RANGE)
		size = MAX_IPV6_RANGE;
	/* not the network address, nor IPv4's broadcast address */
	size -= r->family == AF_INET ? 2 : 1;
	r->size = size > 0 ? (uint32_t)size : 0;
	return 0;
}

int service_ip_ranges_parse(const char *flag, struct service_ip_range ranges[2], int *count,
			    char *err, size_t err_len)
{
	const char *p = flag && *flag ? flag : SERVICE_IP_RANGE_DEFAULT;
	int n = 0;

	*count = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		struct service_ip_range r;
		int host;

		if (n == 2) {
			snprintf(
			    err, err_len,
			    "--service-cluster-ip-range must not contain more than two entries");
			return -1;
		}
		if (parse_one(p, len, &r) < 0) {
			snprintf(err, err_len, "invalid CIDR address: %.*s", (int)len, p);
			return -1;
		}
		host = (r.family == AF_INET ? 32 : 128) - r.prefix;
		if (host > MAX_CIDR_BITS) {
			snprintf(
			    err, err_len,
			    "specified %s is too large; for %d-bit addresses, the mask must be "
			    ">= %d",
			    n ? "--service-cluster-ip-range[1]" : "--service-cluster-ip-range",
			    host + r.prefix, host + r.prefix - MAX_CIDR_BITS);
			return -1;
		}
		if (n == 1 && r.family == ranges[0].family) {
			snprintf(
			    err, err_len,
			    "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must "
			    "be of different IP family");
			return -1;
		}
		ranges[n++] = r;
		p += len;
		if (*p == ',')
			p++;
	}
	{
		int64_t size = cidr_size(ranges[0].family, ranges[0].prefix);

		if ((size < MAX_IPV6_RANGE ? size : MAX_IPV6_RANGE) < MIN_RANGE_SIZE) {
			snprintf(err, err_len,
				 "the service cluster IP range must be at least %d IP addresses",
				 MIN_RANGE_SIZE);
			return -1;
		}
	}
	*count = n;
	return 0;
}

void service_port_range_init(struct service_port_range *r, int min, int max)
{
	uint32_t offset;

	r->base = min;
	r->size = max >= min ? (uint32_t)(max - min + 1) : 0;
	/* portallocator's calculateRangeOffset: min(max(16, size/32), 128), 0 for <= 16 */
	offset = r->size / 32;
	r->offset = r->size <= 16 ? 0 : offset < 16 ? 16 : offset > 128 ? 128 : offset;
	snprintf(r->text, sizeof(r->text), "%d-%d", min, min + (int)r->size - 1);
}

bool service_ip_range_index(const struct service_ip_range *r, int family, const unsigned char *addr,
			    uint32_t *index)
{
	int len = family_len(r->family);
	struct u128 base, a;

	if (family != r->family)
		return false;
	base = u128_add(u128_from(r->net, len), 1);
	a = u128_from(addr, len);
	/* a - base, when it fits the bitmap */
	if (a.hi < base.hi || (a.hi == base.hi && a.lo < base.lo))
		return false;
	if (a.hi - base.hi - (a.lo < base.lo) != 0)
		return false;
	if (a.lo - base.lo >= r->size)
		return false;
	*index = (uint32_t)(a.lo - base.lo);
	return true;
}

void service_ip_range_address(const struct service_ip_range *r, uint32_t index, char *out,
			      size_t out_len)
{
	int len = family_len(r->family);
	unsigned char addr[16];

	u128_to(u128_add(u128_from(r->net, len), (uint64_t)index + 1), addr, len);
	service_ip_format(r->family, addr, out, out_len);
}

bool service_port_range_index(const struct service_port_range *r, long long port, uint32_t *index)
{
	if (port < r->base || port - r->base >= (long long)r->size)
		return false;
	*index = (uint32_t)(port - r->base);
	return true;
}

static bool is_taken(const unsigned char *taken, uint32_t i)
{
	return taken && (taken[i / 8] >> (i % 8)) & 1;
}

bool service_range_pick(const unsigned char *taken, uint32_t size, uint32_t offset,
			uint32_t random_dynamic, uint32_t random_static, uint32_t *index)
{
	uint32_t dynamic = size > offset ? size - offset : 0;

	if (dynamic) {
		uint32_t start = random_dynamic % dynamic;

		for (uint32_t i = 0; i < dynamic; i++) {
			uint32_t at = offset + (start + i) % dynamic;

			if (!is_taken(taken, at)) {
				*index = at;
				return true;
			}
		}
	}
	if (offset && offset <= size) {
		uint32_t start = random_static % offset;

		for (uint32_t i = 0; i < offset; i++) {
			uint32_t at = (start + i) % offset;

			if (!is_taken(taken, at)) {
				*index = at;
				return true;
			}
		}
	}
	return false;
}
