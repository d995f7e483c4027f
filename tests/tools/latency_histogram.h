/*
 * latency_histogram.h - the latency histogram the load generators share
 * (pgkube-loadgen, pgkube-storebench): fixed memory, merged across threads
 * or processes, percentiles within 0.4%.
 */
#ifndef PGKUBE_LATENCY_HISTOGRAM_H
#define PGKUBE_LATENCY_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#ifndef NS_PER_SECOND
#define NS_PER_SECOND 1000000000ull
#endif

/*
 * Latency histogram, HdrHistogram-style: values (nanoseconds) below
 * HIST_SUB_COUNT are exact; above, each power of two is split into
 * HIST_HALF linear buckets, so a bucket is at most 1/128 of its value wide
 * and its midpoint is within 0.4% of any value in it. 36 bits of
 * nanoseconds cover 60 s.
 */
#define HIST_SUB_BITS  8
#define HIST_SUB_COUNT (1u << HIST_SUB_BITS)
#define HIST_HALF      (HIST_SUB_COUNT / 2)
#define HIST_MAX_BITS  36
#define HIST_BUCKETS   ((HIST_MAX_BITS - HIST_SUB_BITS + 2) * HIST_HALF)
#define HIST_MAX_NS    (60 * NS_PER_SECOND)

struct histogram {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint64_t buckets[HIST_BUCKETS];
};

static size_t histogram_index(uint64_t value)
{
	int shift;

	if (value < HIST_SUB_COUNT)
		return (size_t)value;
	shift = 63 - __builtin_clzll(value) - (HIST_SUB_BITS - 1);
	return (size_t)(shift + 1) * HIST_HALF + (size_t)(value >> shift) - HIST_HALF;
}

/* The middle of bucket i, which stands for every value recorded in it. */
static uint64_t histogram_bucket_middle(size_t i)
{
	unsigned shift;

	if (i < HIST_SUB_COUNT)
		return i;
	shift = (unsigned)(i / HIST_HALF - 1);
	return ((uint64_t)(i % HIST_HALF + HIST_HALF) << shift) + ((1ull << shift) >> 1);
}

static void histogram_record(struct histogram *h, uint64_t value_ns)
{
	if (value_ns > HIST_MAX_NS)
		value_ns = HIST_MAX_NS;
	h->buckets[histogram_index(value_ns)]++;
	h->count++;
	h->sum_ns += value_ns;
	if (value_ns > h->max_ns)
		h->max_ns = value_ns;
}

static void histogram_merge(struct histogram *into, const struct histogram *from)
{
	into->count += from->count;
	into->sum_ns += from->sum_ns;
	if (from->max_ns > into->max_ns)
		into->max_ns = from->max_ns;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		into->buckets[i] += from->buckets[i];
}

static double histogram_percentile_us(const struct histogram *h, double fraction)
{
	uint64_t rank = (uint64_t)(fraction * (double)h->count + 0.999999);
	uint64_t seen = 0;

	if (h->count == 0)
		return 0;
	if (rank < 1)
		rank = 1;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			return (double)(histogram_bucket_middle(i) < h->max_ns
					    ? histogram_bucket_middle(i)
					    : h->max_ns) /
			       1e3;
	}
	return (double)h->max_ns / 1e3;
}

#endif
