// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the buckets of the latency histograms (kmod/hist.h), as
 * uapi/linux/zab.h defines them for readers.
 */
#include <kunit/test.h>

#include "kmod/hist.h"

static void hist_bucket_bounds(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, zab_hist_bucket(0), 0);
	KUNIT_EXPECT_EQ(test, zab_hist_bucket(999), 0);
	KUNIT_EXPECT_EQ(test, zab_hist_bucket(1000), 1);
	KUNIT_EXPECT_EQ(test, zab_hist_bucket(1999), 1);
	KUNIT_EXPECT_EQ(test, zab_hist_bucket(2000), 2);
	/* bucket i: at least 2^(i-1) us, under 2^i us */
	for (i = 1; i < ZAB_HIST_BUCKETS - 1; i++) {
		u64 low = (1ULL << (i - 1)) * NSEC_PER_USEC;
		u64 high = (1ULL << i) * NSEC_PER_USEC;

		KUNIT_EXPECT_EQ(test, zab_hist_bucket(low), i);
		KUNIT_EXPECT_EQ(test, zab_hist_bucket(high - 1), i);
	}
	/* the last one takes everything above, up to the largest sample */
	KUNIT_EXPECT_EQ(test, zab_hist_bucket((1ULL << (ZAB_HIST_BUCKETS - 2)) * NSEC_PER_USEC),
			ZAB_HIST_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, zab_hist_bucket(U64_MAX), ZAB_HIST_BUCKETS - 1);
}

static void hist_add_counts_and_sums(struct kunit *test)
{
	struct zab_hist h;
	u64 total = 0;
	unsigned int i;

	zab_hist_init(&h);
	zab_hist_add(&h, 500);
	zab_hist_add(&h, 1500);
	zab_hist_add(&h, 1600);
	zab_hist_add(&h, 60ULL * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, atomic64_read(&h.buckets[0]), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&h.buckets[1]), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&h.buckets[ZAB_HIST_BUCKETS - 1]), 1);
	for (i = 0; i < ZAB_HIST_BUCKETS; i++)
		total += atomic64_read(&h.buckets[i]);
	KUNIT_EXPECT_EQ(test, total, 4);
	KUNIT_EXPECT_EQ(test, atomic64_read(&h.sum_ns), 3600ULL + 60ULL * NSEC_PER_SEC);
}

static struct kunit_case hist_cases[] = {
	KUNIT_CASE(hist_bucket_bounds),
	KUNIT_CASE(hist_add_counts_and_sums),
	{}
};

static struct kunit_suite hist_suite = {
	.name = "zab_hist",
	.test_cases = hist_cases,
};

kunit_test_suite(hist_suite);
