// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the quorum tally (kmod/quorum.c): the highest zxid a strict
 * majority of the ensemble has logged, the leader counting as one member.
 */
#include <kunit/test.h>

#include "kmod/quorum.c"

#define Z(e, c)	ZAB_ZXID(e, c)

static void quorum_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zab_quorum_size(1), 1);
	KUNIT_EXPECT_EQ(test, zab_quorum_size(2), 2);
	KUNIT_EXPECT_EQ(test, zab_quorum_size(3), 2);
	KUNIT_EXPECT_EQ(test, zab_quorum_size(4), 3);
	KUNIT_EXPECT_EQ(test, zab_quorum_size(5), 3);
	KUNIT_EXPECT_EQ(test, zab_quorum_size(14), 8);
	KUNIT_EXPECT_EQ(test, zab_quorum_size(ZAB_MEMBERS_MAX), 8);
}

/* An ensemble of one commits what it logs. */
static void quorum_one_member(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 7), NULL, 0, 1), Z(1, 7));
	KUNIT_EXPECT_EQ(test, zab_quorum_point(0, NULL, 0, 1), 0);
	KUNIT_EXPECT_EQ(test, zab_quorum_point(U64_MAX, NULL, 0, 1), U64_MAX);
}

static void quorum_three_members(struct kunit *test)
{
	u64 one[] = { Z(1, 5) };
	u64 two[] = { Z(1, 5), Z(1, 8) };
	u64 two_rev[] = { Z(1, 8), Z(1, 5) };
	u64 ahead[] = { Z(1, 12) };

	/* the leader and the one follower that acked make the quorum */
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 10), one, 1, 3), Z(1, 5));
	/* the better of two followers counts */
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 10), two, 2, 3), Z(1, 8));
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 10), two_rev, 2, 3), Z(1, 8));
	/* with one follower counted, the lower of the two is what both hold */
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 10), ahead, 1, 3), Z(1, 10));
}

static void quorum_five_members(struct kunit *test)
{
	u64 two[] = { Z(2, 9), Z(2, 3) };
	u64 four[] = { Z(2, 9), Z(2, 3), Z(2, 7), Z(2, 1) };
	u64 across_epochs[] = { Z(1, 100), Z(2, 1), Z(1, 99), Z(2, 2) };

	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(2, 10), two, 2, 5), Z(2, 3));
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(2, 10), four, 4, 5), Z(2, 7));
	/* zxids order by epoch first */
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(2, 3), across_epochs, 4, 5), Z(2, 1));
}

/* Without a quorum of members counted, nothing is committed. */
static void quorum_missing_followers(struct kunit *test)
{
	u64 acked[] = { Z(1, 4), Z(1, 4), Z(1, 4) };

	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 5), NULL, 0, 3), 0);
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 5), NULL, 0, 2), 0);
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 5), acked, 1, 5), 0);
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 5), acked, 2, 5), Z(1, 4));
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 5), acked, 2, 7), 0);
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 5), acked, 3, 7), Z(1, 4));
	/* a follower that has acked nothing yet counts as zxid 0 */
	acked[0] = 0;
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 5), acked, 1, 3), 0);
}

static void quorum_ties(struct kunit *test)
{
	u64 same[] = { Z(1, 5), Z(1, 5) };
	u64 four[] = { Z(1, 4), Z(1, 4), Z(1, 4), Z(1, 4) };
	u64 split[] = { Z(1, 6), Z(1, 6), Z(1, 2), Z(1, 2) };

	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 5), same, 2, 3), Z(1, 5));
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 9), four, 4, 5), Z(1, 4));
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 6), split, 4, 5), Z(1, 6));
	/* an even ensemble needs more than half: 3 of 4 */
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 6), split, 4, 4), Z(1, 6));
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 6), split + 1, 3, 4), Z(1, 2));
}

/* The order is numeric over the whole u64: no overflow in the comparison. */
static void quorum_extremes(struct kunit *test)
{
	u64 acked[] = { U64_MAX, 1, 1ULL << 63, 0 };

	KUNIT_EXPECT_EQ(test, zab_quorum_point(U64_MAX - 1, acked, 4, 5), 1ULL << 63);
	KUNIT_EXPECT_EQ(test, zab_quorum_point(2, acked, 2, 3), 2);
	KUNIT_EXPECT_EQ(test, zab_quorum_point(U64_MAX, acked, 1, 2), U64_MAX);
}

/* At most ZAB_MEMBERS_MAX - 1 acks are read, whatever @n says. */
static void quorum_bounded(struct kunit *test)
{
	unsigned int i, n = ZAB_MEMBERS_MAX - 1;
	u64 *acked = kunit_kcalloc(test, n, sizeof(*acked), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, acked);
	for (i = 0; i < n; i++)
		acked[i] = Z(1, i + 1);
	/* 15 members, quorum 8: the leader and the 7 highest of 1..14 */
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 20), acked, n, 15), Z(1, 8));
	/* KASAN reports a read past the array if the bound is not applied */
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 20), acked, n + 10, 15), Z(1, 8));
	KUNIT_EXPECT_EQ(test, zab_quorum_point(Z(1, 20), acked, UINT_MAX, 15), Z(1, 8));
}

/* The caller's array is left as it was. */
static void quorum_input_untouched(struct kunit *test)
{
	u64 acked[] = { Z(1, 1), Z(1, 3), Z(1, 2) };
	u64 copy[ARRAY_SIZE(acked)];

	memcpy(copy, acked, sizeof(acked));
	zab_quorum_point(Z(1, 4), acked, ARRAY_SIZE(acked), 4);
	KUNIT_EXPECT_EQ(test, memcmp(copy, acked, sizeof(acked)), 0);
}

static struct kunit_case quorum_cases[] = {
	KUNIT_CASE(quorum_size),
	KUNIT_CASE(quorum_one_member),
	KUNIT_CASE(quorum_three_members),
	KUNIT_CASE(quorum_five_members),
	KUNIT_CASE(quorum_missing_followers),
	KUNIT_CASE(quorum_ties),
	KUNIT_CASE(quorum_extremes),
	KUNIT_CASE(quorum_bounded),
	KUNIT_CASE(quorum_input_untouched),
	{}
};

static struct kunit_suite quorum_suite = {
	.name = "zab_quorum",
	.test_cases = quorum_cases,
};

kunit_test_suite(quorum_suite);
