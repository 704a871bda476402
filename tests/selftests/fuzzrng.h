/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seeded generator of the selftests' fuzzers (nltest, devtest and
 * zabboot fuzz): xorshift64*, so that a seed printed by a test gives the
 * same calls again.
 */
#ifndef ZAB_SELFTEST_FUZZRNG_H
#define ZAB_SELFTEST_FUZZRNG_H

#include <stdint.h>

static uint64_t fuzz_rng = 1;

static inline void fuzz_seed(uint64_t seed)
{
	/* never zero, which xorshift would keep */
	fuzz_rng = seed * 0x9e3779b97f4a7c15ULL + 1;
}

static inline uint64_t rnd(void)
{
	fuzz_rng ^= fuzz_rng >> 12;
	fuzz_rng ^= fuzz_rng << 25;
	fuzz_rng ^= fuzz_rng >> 27;
	return fuzz_rng * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, @n), 0 if @n is 0. */
static inline uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

#endif
