// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Vote ordering and the election notification codec. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <linux/zab.h>

#include "zabd/vote.h"

static struct zab_vote vote(uint32_t leader, uint32_t epoch, uint64_t zxid)
{
	return (struct zab_vote){ .leader = leader, .zxid = zxid, .peer_epoch = epoch };
}

static void test_order(void **state)
{
	struct zab_vote a, b;

	(void)state;
	/* the peer epoch first: a newer epoch wins over a longer log */
	a = vote(1, 3, ZAB_ZXID(2, 100));
	b = vote(2, 2, ZAB_ZXID(2, 200));
	assert_true(zab_vote_cmp(&a, &b) > 0);
	assert_true(zab_vote_cmp(&b, &a) < 0);
	/* then the zxid: an epoch in the zxid counts before the counter */
	a = vote(1, 2, ZAB_ZXID(2, 1));
	b = vote(3, 2, ZAB_ZXID(1, 999));
	assert_true(zab_vote_cmp(&a, &b) > 0);
	a = vote(1, 2, ZAB_ZXID(2, 7));
	b = vote(3, 2, ZAB_ZXID(2, 6));
	assert_true(zab_vote_cmp(&a, &b) > 0);
	/* then the id */
	a = vote(3, 2, ZAB_ZXID(2, 7));
	b = vote(2, 2, ZAB_ZXID(2, 7));
	assert_true(zab_vote_cmp(&a, &b) > 0);
	assert_false(zab_vote_equal(&a, &b));
	b = a;
	assert_int_equal(zab_vote_cmp(&a, &b), 0);
	assert_true(zab_vote_equal(&a, &b));
	/* between equal histories, one whose disk fails comes first */
	a = vote(3, 2, ZAB_ZXID(2, 7));
	a.flags = ZAB_VOTE_LOG_FAILING;
	b = vote(1, 2, ZAB_ZXID(2, 7));
	assert_true(zab_vote_cmp(&a, &b) < 0);
	assert_true(zab_vote_cmp(&b, &a) > 0);
	b.flags = ZAB_VOTE_LOG_FAILING;
	assert_true(zab_vote_cmp(&a, &b) > 0);	/* both fail: the id */
	/* but never before a shorter history */
	b = vote(1, 2, ZAB_ZXID(2, 6));
	assert_true(zab_vote_cmp(&a, &b) > 0);
	/* extremes do not overflow */
	a = vote(255, UINT32_MAX - 1, UINT64_MAX);
	b = vote(1, 0, 0);
	assert_true(zab_vote_cmp(&a, &b) > 0);
	assert_true(zab_vote_cmp(&b, &a) < 0);
}

static const struct zab_notif sample = {
	.state = ZAB_STATE_FOLLOWING,
	.sender = 2,
	.vote = { .leader = 3, .zxid = 0x0000000500000007ULL, .peer_epoch = 4 },
	.election_epoch = 9,
};

static void test_round_trip(void **state)
{
	static const uint8_t expect[ZAB_NOTIF_SIZE] = {
		0x5a, 0x41, 0x42, 0x45, 2, 1, 0, 0,
		0, 0, 0, 2,  0, 0, 0, 3,
		0, 0, 0, 5, 0, 0, 0, 7,
		0, 0, 0, 0, 0, 0, 0, 9,
		0, 0, 0, 4,  0, 0, 0, 0,
	};
	uint8_t buf[ZAB_NOTIF_SIZE];
	struct zab_notif n;
	const char *why = NULL;

	(void)state;
	zab_notif_encode(&sample, buf);
	assert_memory_equal(buf, expect, sizeof(buf));
	assert_int_equal(zab_notif_decode(buf, sizeof(buf), &n, &why), 0);
	assert_int_equal(n.state, sample.state);
	assert_int_equal(n.sender, sample.sender);
	assert_true(zab_vote_equal(&n.vote, &sample.vote));
	assert_int_equal(n.election_epoch, sample.election_epoch);
	assert_false(n.observer);

	/* an observer says so in byte 6 */
	n = sample;
	n.observer = true;
	zab_notif_encode(&n, buf);
	assert_int_equal(buf[6], ZAB_NOTIF_OBSERVER);
	memset(&n, 0, sizeof(n));
	assert_int_equal(zab_notif_decode(buf, sizeof(buf), &n, &why), 0);
	assert_true(n.observer);
}

/* Encodes the sample, lets @mutate spoil it, expects @why. */
static void expect_bad(void (*mutate)(uint8_t *buf), size_t len, const char *msg)
{
	uint8_t buf[ZAB_NOTIF_SIZE + 1] = { 0 };
	struct zab_notif n;
	const char *why = NULL;

	zab_notif_encode(&sample, buf);
	mutate(buf);
	assert_int_equal(zab_notif_decode(buf, len, &n, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, msg);
}

static void nothing(uint8_t *b) { (void)b; }
static void bad_magic(uint8_t *b) { b[0] = 'X'; }
static void bad_version(uint8_t *b) { b[4] = 1; }
static void bad_state(uint8_t *b) { b[5] = 3; }
static void bad_pad1(uint8_t *b) { b[7] = 1; }
static void bad_sender_flags(uint8_t *b) { b[6] = 2; }
static void bad_pad2(uint8_t *b) { b[39] = 1; }
static void bad_pad3(uint8_t *b) { b[37] = 1; }
static void bad_flags(uint8_t *b) { b[36] = 0x80; }
static void sender_zero(uint8_t *b) { memset(b + 8, 0, 4); }
static void sender_256(uint8_t *b) { b[10] = 1; b[11] = 0; }
static void leader_zero(uint8_t *b) { memset(b + 12, 0, 4); }
static void leader_huge(uint8_t *b) { memset(b + 12, 0xff, 4); }
static void clock_huge(uint8_t *b) { memset(b + 24, 0xff, 8); }
static void clock_just_over(uint8_t *b) { memset(b + 24, 0, 8); b[25] = 1; b[31] = 1; }
static void epoch_max(uint8_t *b) { memset(b + 32, 0xff, 4); }

static void test_malformed(void **state)
{
	(void)state;
	expect_bad(nothing, ZAB_NOTIF_SIZE - 1, "wrong size");
	expect_bad(nothing, ZAB_NOTIF_SIZE + 1, "wrong size");
	expect_bad(nothing, 0, "wrong size");
	expect_bad(bad_magic, ZAB_NOTIF_SIZE, "bad magic");
	expect_bad(bad_version, ZAB_NOTIF_SIZE, "unknown version");
	expect_bad(bad_state, ZAB_NOTIF_SIZE, "unknown state");
	expect_bad(bad_pad1, ZAB_NOTIF_SIZE, "reserved field not zero");
	expect_bad(bad_sender_flags, ZAB_NOTIF_SIZE, "reserved field not zero");
	expect_bad(bad_pad2, ZAB_NOTIF_SIZE, "reserved field not zero");
	expect_bad(bad_pad3, ZAB_NOTIF_SIZE, "reserved field not zero");
	expect_bad(bad_flags, ZAB_NOTIF_SIZE, "unknown vote flags");
	expect_bad(sender_zero, ZAB_NOTIF_SIZE, "sender id out of range");
	expect_bad(sender_256, ZAB_NOTIF_SIZE, "sender id out of range");
	expect_bad(leader_zero, ZAB_NOTIF_SIZE, "leader id out of range");
	expect_bad(leader_huge, ZAB_NOTIF_SIZE, "leader id out of range");
	expect_bad(clock_huge, ZAB_NOTIF_SIZE, "absurd election epoch");
	expect_bad(clock_just_over, ZAB_NOTIF_SIZE, "absurd election epoch");
	expect_bad(epoch_max, ZAB_NOTIF_SIZE, "absurd peer epoch");
}

static void test_limits_accepted(void **state)
{
	struct zab_notif n = sample, out;
	uint8_t buf[ZAB_NOTIF_SIZE];
	const char *why;

	(void)state;
	n.election_epoch = ZAB_ELECTION_EPOCH_MAX;
	n.vote.peer_epoch = UINT32_MAX - 1;
	n.vote.zxid = UINT64_MAX;
	n.sender = ZAB_ID_MAX;
	n.vote.leader = 1;
	n.state = ZAB_STATE_LOOKING;
	zab_notif_encode(&n, buf);
	assert_int_equal(zab_notif_decode(buf, sizeof(buf), &out, &why), 0);
	assert_int_equal(out.election_epoch, ZAB_ELECTION_EPOCH_MAX);
	assert_int_equal(out.vote.peer_epoch, UINT32_MAX - 1);
	assert_int_equal(out.vote.zxid, UINT64_MAX);
	assert_int_equal(out.vote.flags, 0);

	n.vote.flags = ZAB_VOTE_LOG_FAILING;
	zab_notif_encode(&n, buf);
	assert_int_equal(buf[36], ZAB_VOTE_LOG_FAILING);
	assert_int_equal(zab_notif_decode(buf, sizeof(buf), &out, &why), 0);
	assert_int_equal(out.vote.flags, ZAB_VOTE_LOG_FAILING);
}

static void test_vote_str(void **state)
{
	struct zab_vote v = vote(3, 2, ZAB_ZXID(2, 5));
	char buf[96];

	(void)state;
	zab_vote_str(&v, buf, sizeof(buf));
	assert_string_equal(buf, "3 (epoch 2, zxid 0x200000005)");
	v.flags = ZAB_VOTE_LOG_FAILING;
	zab_vote_str(&v, buf, sizeof(buf));
	assert_string_equal(buf, "3 (epoch 2, zxid 0x200000005, its log on disk fails)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits_accepted),
		cmocka_unit_test(test_vote_str),
	};

	return cmocka_run_group_tests_name("vote", tests, NULL, NULL);
}
