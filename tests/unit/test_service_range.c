/*
 * test_service_range.c - unit tests for shared/service_range.c.
 *
 * The flags as kube-apiserver v1.32 parses and refuses them (its messages),
 * the size of each range and the start of its dynamic block (ipallocator's
 * and portallocator's calculateRangeOffset), index <-> address arithmetic at
 * the edges of IPv4 and IPv6 ranges, Go's way of writing IPv6 addresses,
 * and the random scan that picks a free value, with its fall back to the
 * static block.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "shared/service_range.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *flag;
	int count;
	const char *cidr[2];
	const char *network;
	uint32_t size, offset;
} parse_cases[] = {
    /* unset: the default */
    {NULL, 1, {"10.0.0.0/24"}, "10.0.0.0", 254, 16},
    {"", 1, {"10.0.0.0/24"}, "10.0.0.0", 254, 16},
    {"10.96.0.0/12", 1, {"10.96.0.0/12"}, "10.96.0.0", (1u << 20) - 2, 256},
    /* host bits are cleared, as ParseCIDR does */
    {"10.0.0.5/24", 1, {"10.0.0.0/24"}, "10.0.0.0", 254, 16},
    {"192.168.7.130/25", 1, {"192.168.7.128/25"}, "192.168.7.128", 126, 16},
    /* at most 16 addresses: no static block */
    {"10.0.0.0/28", 1, {"10.0.0.0/28"}, "10.0.0.0", 14, 0},
    {"10.0.0.0/27", 1, {"10.0.0.0/27"}, "10.0.0.0", 30, 16},
    {"10.0.0.0/29", 1, {"10.0.0.0/29"}, "10.0.0.0", 6, 0},
    {"10.0.0.0/20", 1, {"10.0.0.0/20"}, "10.0.0.0", 4094, 256},
    {"10.0.0.0/21", 1, {"10.0.0.0/21"}, "10.0.0.0", 2046, 128},
    /* IPv6: no broadcast address; the bitmap stops at 65536 */
    {"fd00::/108", 1, {"fd00::/108"}, "fd00::", 65535, 256},
    {"fd00::/120", 1, {"fd00::/120"}, "fd00::", 255, 16},
    {"fd00:0:0:0:1::7/112", 1, {"fd00::1:0:0:0/112"}, "fd00::1:0:0:0", 65535, 256},
    {"2001:db8::/125", 1, {"2001:db8::/125"}, "2001:db8::", 7, 0},
    /* dual-stack, either family first */
    {"10.0.0.0/24,fd00::/120", 2, {"10.0.0.0/24", "fd00::/120"}, "10.0.0.0", 254, 16},
    {"fd00::/120,10.0.0.0/24", 2, {"fd00::/120", "10.0.0.0/24"}, "fd00::", 255, 16},
};

START_TEST(test_parse)
{
	struct service_ip_range r[2];
	char err[256] = "";
	int count = -1;

	ck_assert_msg(service_ip_ranges_parse(parse_cases[_i].flag, r, &count, err, sizeof(err)) ==
			  0,
		      "%s: %s", parse_cases[_i].flag, err);
	ck_assert_int_eq(count, parse_cases[_i].count);
	for (int i = 0; i < count; i++)
		ck_assert_str_eq(r[i].cidr, parse_cases[_i].cidr[i]);
	ck_assert_str_eq(r[0].network, parse_cases[_i].network);
	ck_assert_uint_eq(r[0].size, parse_cases[_i].size);
	ck_assert_uint_eq(r[0].offset, parse_cases[_i].offset);
	ck_assert_str_eq(r[0].family_name, strchr(r[0].cidr, ':') ? "IPv6" : "IPv4");
}
END_TEST

static const struct {
	const char *flag, *message;
} parse_error_cases[] = {
    {"10.0.0.0/8",
     "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be "
     ">= 12"},
    {"fd00::/64",
     "specified --service-cluster-ip-range is too large; for 128-bit addresses, the mask must be "
     ">= 108"},
    {"10.0.0.0/24,fd00::/96",
     "specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must "
     "be >= 108"},
    {"10.0.0.0/24,10.1.0.0/24",
     "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP "
     "family"},
    {"10.0.0.0/24,fd00::/120,10.1.0.0/24",
     "--service-cluster-ip-range must not contain more than two entries"},
    {"10.0.0.0/30", "the service cluster IP range must be at least 8 IP addresses"},
    {"10.0.0.1/32", "the service cluster IP range must be at least 8 IP addresses"},
    {"fd00::/126", "the service cluster IP range must be at least 8 IP addresses"},
    {"10.0.0.0/33", "invalid CIDR address: 10.0.0.0/33"},
    {"10.0.0.0", "invalid CIDR address: 10.0.0.0"},
    {"banana/24", "invalid CIDR address: banana/24"},
    {"10.0.0.0/24x", "invalid CIDR address: 10.0.0.0/24x"},
    {"10.0.0.0/-1", "invalid CIDR address: 10.0.0.0/-1"},
    {",", "invalid CIDR address: "},
};

START_TEST(test_parse_error)
{
	struct service_ip_range r[2];
	char err[256] = "";
	int count = 7;

	ck_assert_int_eq(
	    service_ip_ranges_parse(parse_error_cases[_i].flag, r, &count, err, sizeof(err)), -1);
	ck_assert_str_eq(err, parse_error_cases[_i].message);
	ck_assert_int_eq(count, 0);
}
END_TEST

static const struct {
	const char *range, *ip;
	bool in;
	uint32_t index;
} index_cases[] = {
    {"10.0.0.0/24", "10.0.0.1", true, 0},
    {"10.0.0.0/24", "10.0.0.17", true, 16},
    {"10.0.0.0/24", "10.0.0.254", true, 253},
    {"10.0.0.0/24", "10.0.0.0", false, 0},   /* the network address */
    {"10.0.0.0/24", "10.0.0.255", false, 0}, /* the broadcast address */
    {"10.0.0.0/24", "10.0.1.1", false, 0},
    {"10.0.0.0/24", "9.255.255.255", false, 0},
    {"10.0.0.0/24", "fd00::1", false, 0},
    {"10.96.0.0/12", "10.111.255.254", true, (1u << 20) - 3},
    {"10.96.0.0/12", "10.112.0.1", false, 0},
    {"fd00::/108", "fd00::1", true, 0},
    {"fd00::/108", "fd00::ffff", true, 65534},
    {"fd00::/108", "fd00::1:0", false, 0}, /* past the first 65536 */
    {"fd00::/108", "fd00::", false, 0},
    {"fd00::/108", "fd01::1", false, 0},
    {"fd00::/108", "10.0.0.1", false, 0},
    {"fd00::/120", "fd00::ff", true, 254}, /* IPv6 has no broadcast address */
    {"fd00::/120", "fd00::100", false, 0},
};

START_TEST(test_index)
{
	struct service_ip_range r[2];
	unsigned char addr[16];
	char err[256], text[64];
	uint32_t index = 12345;
	int count, family;

	ck_assert_int_eq(
	    service_ip_ranges_parse(index_cases[_i].range, r, &count, err, sizeof(err)), 0);
	ck_assert(service_ip_parse(index_cases[_i].ip, &family, addr));
	ck_assert_int_eq(service_ip_range_index(&r[0], family, addr, &index), index_cases[_i].in);
	if (!index_cases[_i].in)
		return;
	ck_assert_uint_eq(index, index_cases[_i].index);
	service_ip_range_address(&r[0], index, text, sizeof(text));
	ck_assert_str_eq(text, index_cases[_i].ip);
}
END_TEST

static const struct {
	const char *in, *out;
} format_cases[] = {
    {"10.1.2.3", "10.1.2.3"},
    {"fd00:0:0:0:0:0:0:1", "fd00::1"},
    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"}, /* the first of equal runs */
    {"2001:db8:0:0:0:1:0:0", "2001:db8::1:0:0"},
    {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, /* one zero group stays */
    {"2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"},
    {"::", "::"},
    {"::1", "::1"},
    {"1::", "1::"},
    {"1:0:0:2:0:0:0:3", "1:0:0:2::3"}, /* the longest run */
    {"FD00::ABCD", "fd00::abcd"},
};

START_TEST(test_format)
{
	unsigned char addr[16];
	char text[64];
	int family;

	ck_assert(service_ip_parse(format_cases[_i].in, &family, addr));
	service_ip_format(family, addr, text, sizeof(text));
	ck_assert_str_eq(text, format_cases[_i].out);
}
END_TEST

START_TEST(test_parse_ip)
{
	unsigned char addr[16];
	int family;

	ck_assert(service_ip_parse("10.0.0.1", &family, addr));
	ck_assert_int_eq(family, AF_INET);
	ck_assert(service_ip_parse("fd00::1", &family, addr));
	ck_assert_int_eq(family, AF_INET6);
	/* as the API's validation reads them */
	ck_assert(!service_ip_parse("010.0.0.1", &family, addr));
	ck_assert(!service_ip_parse("10.0.0.1/32", &family, addr));
	ck_assert(!service_ip_parse("None", &family, addr));
	ck_assert(!service_ip_parse("", &family, addr));
}
END_TEST

static const struct {
	int min, max;
	uint32_t size, offset;
	const char *text;
} port_cases[] = {
    {30000, 32767, 2768, 86, "30000-32767"}, /* the default */
    {30000, 30015, 16, 0, "30000-30015"},    {30000, 30016, 17, 16, "30000-30016"},
    {1, 65535, 65535, 128, "1-65535"},	     {60, 40000, 39941, 128, "60-40000"},
    {30000, 30000, 1, 0, "30000-30000"},
};

START_TEST(test_port_range)
{
	struct service_port_range r;
	uint32_t index = 99;

	service_port_range_init(&r, port_cases[_i].min, port_cases[_i].max);
	ck_assert_uint_eq(r.size, port_cases[_i].size);
	ck_assert_uint_eq(r.offset, port_cases[_i].offset);
	ck_assert_str_eq(r.text, port_cases[_i].text);
	ck_assert(service_port_range_index(&r, port_cases[_i].min, &index));
	ck_assert_uint_eq(index, 0);
	ck_assert(service_port_range_index(&r, port_cases[_i].max, &index));
	ck_assert_uint_eq(index, r.size - 1);
	ck_assert(!service_port_range_index(&r, port_cases[_i].min - 1, &index));
	ck_assert(!service_port_range_index(&r, port_cases[_i].max + 1, &index));
}
END_TEST

static void take(unsigned char *bits, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		bits[i / 8] |= (unsigned char)(1u << (i % 8));
}

START_TEST(test_pick)
{
	unsigned char bits[32] = {0};
	uint32_t index = 999;

	/* nothing taken: the random start in the dynamic block [16, 254) */
	ck_assert(service_range_pick(NULL, 254, 16, 0, 0, &index));
	ck_assert_uint_eq(index, 16);
	ck_assert(service_range_pick(NULL, 254, 16, 237, 0, &index));
	ck_assert_uint_eq(index, 253);
	ck_assert(service_range_pick(NULL, 254, 16, 238, 0, &index)); /* modulo the block */
	ck_assert_uint_eq(index, 16);
	/* taken values are skipped, scanning forward and wrapping in the block */
	take(bits, 250, 254);
	ck_assert(service_range_pick(bits, 254, 16, 234, 0, &index));
	ck_assert_uint_eq(index, 16);
	take(bits, 16, 20);
	ck_assert(service_range_pick(bits, 254, 16, 234, 0, &index));
	ck_assert_uint_eq(index, 20);
	/* the dynamic block full: the static block, from its own random start */
	take(bits, 16, 254);
	ck_assert(service_range_pick(bits, 254, 16, 5, 3, &index));
	ck_assert_uint_eq(index, 3);
	take(bits, 3, 5);
	ck_assert(service_range_pick(bits, 254, 16, 5, 3, &index));
	ck_assert_uint_eq(index, 5);
	take(bits, 5, 16);
	ck_assert(service_range_pick(bits, 254, 16, 5, 3, &index));
	ck_assert_uint_eq(index, 0); /* wrapped */
	take(bits, 0, 3);
	ck_assert(!service_range_pick(bits, 254, 16, 5, 3, &index)); /* full */
	/* no static block */
	ck_assert(service_range_pick(NULL, 14, 0, 20, 0, &index));
	ck_assert_uint_eq(index, 6);
	memset(bits, 0xff, sizeof(bits));
	ck_assert(!service_range_pick(bits, 14, 0, 20, 0, &index));
	/* an empty range */
	ck_assert(!service_range_pick(NULL, 0, 0, 1, 1, &index));
}
END_TEST

static Suite *service_range_suite(void)
{
	Suite *s = suite_create("service_range");
	TCase *ranges = tcase_create("ranges");
	TCase *pick = tcase_create("pick");

	tcase_add_loop_test(ranges, test_parse, 0, N(parse_cases));
	tcase_add_loop_test(ranges, test_parse_error, 0, N(parse_error_cases));
	tcase_add_loop_test(ranges, test_index, 0, N(index_cases));
	tcase_add_loop_test(ranges, test_format, 0, N(format_cases));
	tcase_add_test(ranges, test_parse_ip);
	tcase_add_loop_test(ranges, test_port_range, 0, N(port_cases));
	suite_add_tcase(s, ranges);
	tcase_add_test(pick, test_pick);
	suite_add_tcase(s, pick);
	return s;
}

int main(void)
{
	SRunner *runner = srunner_create(service_range_suite());
	int failed;

	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
