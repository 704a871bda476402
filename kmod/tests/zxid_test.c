// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: zxid arithmetic: epoch << 32 | counter (uapi/linux/zab.h), and
 * which zxid may follow which in a log (kmod/zxid.h).
 */
#include <kunit/test.h>

#include "kmod/zxid.h"

static void zxid_compose(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(0, 0), 0);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(1, 1), 0x100000001ULL);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(0x12345678, 0x9abcdef0), 0x123456789abcdef0ULL);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(U32_MAX, U32_MAX), U64_MAX);
	/* a counter wider than 32 bits does not spill into the epoch */
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(1, 0x1ffffffffULL), 0x1ffffffffULL);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(2, 0x100000000ULL), 0x200000000ULL);
	/* the epoch's high bit survives: no sign extension */
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(0x80000000U, 0), 0x8000000000000000ULL);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(0, -1), 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, sizeof(ZAB_ZXID(1, 1)), sizeof(u64));
}

static void zxid_decompose(struct kunit *test)
{
	u64 z = 0x123456789abcdef0ULL;

	KUNIT_EXPECT_EQ(test, ZAB_ZXID_EPOCH(z), 0x12345678);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_COUNTER(z), 0x9abcdef0);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_EPOCH(U64_MAX), U32_MAX);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_COUNTER(U64_MAX), U32_MAX);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_EPOCH(0ULL), 0);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_COUNTER(0ULL), 0);
	KUNIT_EXPECT_EQ(test, sizeof(ZAB_ZXID_EPOCH(z)), sizeof(u32));
	KUNIT_EXPECT_EQ(test, sizeof(ZAB_ZXID_COUNTER(z)), sizeof(u32));
}

static void zxid_round_trip(struct kunit *test)
{
	static const u32 v[] = { 0, 1, 2, 0x7fffffff, 0x80000000, U32_MAX - 1, U32_MAX };
	unsigned int i, j;
	u64 z;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		for (j = 0; j < ARRAY_SIZE(v); j++) {
			z = ZAB_ZXID(v[i], v[j]);
			KUNIT_EXPECT_EQ(test, ZAB_ZXID_EPOCH(z), v[i]);
			KUNIT_EXPECT_EQ(test, ZAB_ZXID_COUNTER(z), v[j]);
			KUNIT_EXPECT_EQ(test, ZAB_ZXID(ZAB_ZXID_EPOCH(z), ZAB_ZXID_COUNTER(z)), z);
		}
	}
}

/* Numeric order of zxids is (epoch, counter) order. */
static void zxid_order(struct kunit *test)
{
	KUNIT_EXPECT_GT(test, ZAB_ZXID(2, 1), ZAB_ZXID(1, U32_MAX));
	KUNIT_EXPECT_GT(test, ZAB_ZXID(1, 2), ZAB_ZXID(1, 1));
	KUNIT_EXPECT_GT(test, ZAB_ZXID(1, 1), ZAB_ZXID(0, U32_MAX));
	KUNIT_EXPECT_GT(test, ZAB_ZXID(0x80000000U, 0), ZAB_ZXID(0x7fffffff, U32_MAX));
	/* the next counter of an epoch is the zxid plus one */
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(7, 41) + 1, ZAB_ZXID(7, 42));
	/* zxid 0 is "nothing": below the first zxid of any epoch */
	KUNIT_EXPECT_LT(test, 0ULL, ZAB_ZXID(0, 1));
}

/* The macros take expressions and evaluate each argument once. */
static void zxid_expressions(struct kunit *test)
{
	u32 e = 3, c = 9;
	u64 z = ZAB_ZXID(5, 6);

	KUNIT_EXPECT_EQ(test, ZAB_ZXID(e + 1, c - 1), ZAB_ZXID(4, 8));
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(e > 2 ? 1 : 2, c | 0x10), ZAB_ZXID(1, 0x19));
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_EPOCH(z + 1), 5);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_COUNTER(z + 1), 7);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_EPOCH(z) + 1, 6);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID(e++, c++), ZAB_ZXID(3, 9));
	KUNIT_EXPECT_EQ(test, e, 4);
	KUNIT_EXPECT_EQ(test, c, 10);
	z = ZAB_ZXID(1, 2);
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_EPOCH(z++), 1);
	KUNIT_EXPECT_EQ(test, z, ZAB_ZXID(1, 3));
	KUNIT_EXPECT_EQ(test, ZAB_ZXID_COUNTER(z++), 3);
	KUNIT_EXPECT_EQ(test, z, ZAB_ZXID(1, 4));
}

#define Z(e, c)	ZAB_ZXID(e, c)

static void zxid_follows(struct kunit *test)
{
	/* the next of the same epoch */
	KUNIT_EXPECT_TRUE(test, zab_zxid_follows(Z(1, 5), Z(1, 6), 1));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(1, 5), Z(1, 7), 1));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(1, 5), Z(1, 5), 1));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(1, 5), Z(1, 4), 1));
	/* an empty log starts with the first of an epoch */
	KUNIT_EXPECT_TRUE(test, zab_zxid_follows(0, Z(1, 1), 1));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(0, Z(1, 2), 1));
	/* a later epoch starts at counter 1, an epoch may be skipped */
	KUNIT_EXPECT_TRUE(test, zab_zxid_follows(Z(1, 5), Z(2, 1), 2));
	KUNIT_EXPECT_TRUE(test, zab_zxid_follows(Z(1, 5), Z(3, 1), 3));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(1, 5), Z(2, 2), 2));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(1, 5), Z(2, 0), 2));
	/* but never past the current epoch, nor back to an earlier one */
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(1, 5), Z(2, 1), 1));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(2, 5), Z(1, 1), 2));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(2, 5), Z(1, 6), 2));
	/* a full counter does not carry into the next epoch */
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(Z(1, U32_MAX), Z(1, U32_MAX) + 1, 2));
	KUNIT_EXPECT_TRUE(test, zab_zxid_follows(Z(1, U32_MAX), Z(2, 1), 2));
	KUNIT_EXPECT_FALSE(test, zab_zxid_follows(U64_MAX, 0, U32_MAX));
	KUNIT_EXPECT_TRUE(test, zab_zxid_follows(Z(U32_MAX - 1, 9), Z(U32_MAX, 1), U32_MAX));
}

static struct kunit_case zxid_cases[] = {
	KUNIT_CASE(zxid_compose),
	KUNIT_CASE(zxid_decompose),
	KUNIT_CASE(zxid_round_trip),
	KUNIT_CASE(zxid_order),
	KUNIT_CASE(zxid_expressions),
	KUNIT_CASE(zxid_follows),
	{}
};

static struct kunit_suite zxid_suite = {
	.name = "zab_zxid",
	.test_cases = zxid_cases,
};

kunit_test_suite(zxid_suite);
