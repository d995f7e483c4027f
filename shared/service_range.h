/*
 * service_range.h - the arithmetic of kube-apiserver's Service allocators
 * (pkg/registry/core/service/ipallocator, portallocator and allocator in
 * v1.32, with the MultiCIDRServiceAllocator gate off): which addresses of a
 * --service-cluster-ip-range and which ports of --service-node-port-range a
 * Service may hold, and how a free one is picked.
 *
 * A range is a bitmap of `size` values, index 0 being the first allocatable
 * one: for an IP range the address after the network address (which, and
 * IPv4's broadcast address, are never allocated; an IPv6 range is cut to
 * its first 65536 addresses), for a port range its first port. The indexes
 * below `offset` are the static block: random picks come from the rest (the
 * dynamic block) first, and from the static block only once the dynamic one
 * is full, so that addresses and ports asked for by hand rarely collide
 * with random ones.
 */
#ifndef PGKUBE_SERVICE_RANGE_H
#define PGKUBE_SERVICE_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* kube-apiserver's default --service-cluster-ip-range (with a warning). */
#define SERVICE_IP_RANGE_DEFAULT "10.0.0.0/24"

struct service_ip_range {
	int family;		 /* AF_INET or AF_INET6 */
	int prefix;		 /* the mask's length */
	unsigned char net[16];	 /* the network address (4 bytes for IPv4) */
	char cidr[64];		 /* as Go's IPNet.String() writes it: "10.0.0.0/24" */
	char network[48];	 /* the network address alone: a dry run's "allocated" IP */
	const char *family_name; /* "IPv4" or "IPv6", as ipFamilies names them */
	uint32_t size;		 /* allocatable addresses */
	uint32_t offset;	 /* first index of the dynamic block */
};

struct service_port_range {
	int base;      /* first port */
	uint32_t size; /* number of ports */
	uint32_t offset;
	char text[24]; /* as Go's PortRange.String() writes it: "30000-32767" */
};

/*
 * Parses --service-cluster-ip-range (NULL or "" means the default) into
 * *count (1 or 2) ranges, checked as kube-apiserver checks the flag: at
 * most two, of different families, no more than 20 host bits each, the
 * first of at least 8 addresses. Returns 0, or -1 with upstream's message
 * in err.
 */
int service_ip_ranges_parse(const char *flag, struct service_ip_range ranges[2], int *count,
			    char *err, size_t err_len);

/* The ports min..max of --service-node-port-range. */
void service_port_range_init(struct service_port_range *r, int min, int max);

/* An IP address as the API's validation reads it (inet_pton): its family
 * and bytes (4 for IPv4); false when text is not one. */
bool service_ip_parse(const char *text, int *family, unsigned char addr[16]);

/* An address as Go's IP.String() writes it. */
void service_ip_format(int family, const unsigned char *addr, char *out, size_t out_len);

/* The index of an address in r; false when r cannot allocate it (another
 * family, outside the CIDR, the network or broadcast address, beyond the
 * first 65536 of an IPv6 range). */
bool service_ip_range_index(const struct service_ip_range *r, int family, const unsigned char *addr,
			    uint32_t *index);

/* The address at index of r, as text (Go's IP.String()). */
void service_ip_range_address(const struct service_ip_range *r, uint32_t index, char *out,
			      size_t out_len);

/* The index of port in r; false when it is not in the range. */
bool service_port_range_index(const struct service_port_range *r, long long port, uint32_t *index);

/*
 * upstream's randomScanStrategyWithOffset: from a random start in the
 * dynamic block [offset, size) scan forward, wrapping within the block, for
 * an index whose bit in taken is clear; when the block is full, the same in
 * [0, offset) from a second random start. taken holds size bits (bit i is
 * taken[i / 8] >> i % 8); NULL means nothing is taken. Returns false when
 * every index is taken.
 */
bool service_range_pick(const unsigned char *taken, uint32_t size, uint32_t offset,
			uint32_t random_dynamic, uint32_t random_static, uint32_t *index);

#endif
