/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histograms: counts in buckets of powers of two of microseconds
 * (ZAB_HIST_BUCKETS, uapi/linux/zab.h) and the sum, each an atomic64_t so
 * that samples from any context and readers (netlink) need no lock.
 */
#ifndef _ZAB_HIST_H
#define _ZAB_HIST_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/time64.h>
#include <uapi/linux/zab.h>

/**
 * struct zab_hist - a latency histogram
 * @buckets: counts, as ZAB_HIST_A_BUCKETS describes them
 * @sum_ns: the sum of the samples, nanoseconds
 */
struct zab_hist {
	atomic64_t buckets[ZAB_HIST_BUCKETS];
	atomic64_t sum_ns;
};

/**
 * zab_hist_bucket() - the bucket of a sample
 * @ns: the sample, nanoseconds
 *
 * Return: 0 under 1 us; else i where 2^(i-1) <= @ns / 1000 < 2^i, at most
 * ZAB_HIST_BUCKETS - 1.
 */
static inline unsigned int zab_hist_bucket(u64 ns)
{
	return min_t(unsigned int, fls64(div_u64(ns, NSEC_PER_USEC)), ZAB_HIST_BUCKETS - 1);
}

/**
 * zab_hist_add() - count one sample
 * @h: the histogram
 * @ns: the sample, nanoseconds
 */
static inline void zab_hist_add(struct zab_hist *h, u64 ns)
{
	atomic64_inc(&h->buckets[zab_hist_bucket(ns)]);
	atomic64_add(ns, &h->sum_ns);
}

/**
 * zab_hist_init() - empty a histogram
 * @h: the histogram
 */
static inline void zab_hist_init(struct zab_hist *h)
{
	unsigned int i;

	for (i = 0; i < ZAB_HIST_BUCKETS; i++)
		atomic64_set(&h->buckets[i], 0);
	atomic64_set(&h->sum_ns, 0);
}

#endif /* _ZAB_HIST_H */
