// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The discovery frames on the quorum port. */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <linux/zab.h>

#include "zabd/handshake.h"

static void test_round_trip(void **state)
{
	static const uint8_t expect[ZAB_HS_SIZE] = {
		0x5a, 0x41, 0x42, 0x51, 2, 2, 0, 0,
		0, 0, 0, 3,  0, 0, 0, 6,
		0, 0, 0, 5, 0, 0, 0, 9,
	};
	struct zab_hs hs = { ZAB_HS_LEADERINFO, 3, 6, ZAB_ZXID(5, 9), 0 }, out;
	uint8_t buf[ZAB_HS_SIZE];
	const char *why;

	(void)state;
	zab_hs_encode(&hs, buf);
	assert_memory_equal(buf, expect, sizeof(buf));
	assert_int_equal(zab_hs_decode(buf, sizeof(buf), ZAB_HS_LEADERINFO, &out, &why), 0);
	assert_int_equal(out.type, ZAB_HS_LEADERINFO);
	assert_int_equal(out.sid, 3);
	assert_int_equal(out.epoch, 6);
	assert_int_equal(out.zxid, ZAB_ZXID(5, 9));

	hs = (struct zab_hs){ ZAB_HS_FOLLOWERINFO, 255, 0, 0, 0 };
	zab_hs_encode(&hs, buf);
	assert_int_equal(zab_hs_decode(buf, sizeof(buf), ZAB_HS_FOLLOWERINFO, &out, &why), 0);
	assert_int_equal(out.sid, 255);
	assert_int_equal(out.flags, 0);

	/* a member that observes by its own file says so; only FOLLOWERINFO may */
	hs = (struct zab_hs){ ZAB_HS_FOLLOWERINFO, 4, 0, 0, ZAB_HS_OBSERVER };
	zab_hs_encode(&hs, buf);
	assert_int_equal(buf[7], ZAB_HS_OBSERVER);
	assert_int_equal(zab_hs_decode(buf, sizeof(buf), ZAB_HS_FOLLOWERINFO, &out, &why), 0);
	assert_int_equal(out.flags, ZAB_HS_OBSERVER);
	buf[5] = ZAB_HS_ACKEPOCH;
	assert_int_equal(zab_hs_decode(buf, sizeof(buf), ZAB_HS_ACKEPOCH, &out, &why), -EINVAL);
	assert_string_equal(why, "reserved field not zero");
	buf[5] = ZAB_HS_FOLLOWERINFO;
	buf[7] = 2;
	assert_int_equal(zab_hs_decode(buf, sizeof(buf), ZAB_HS_FOLLOWERINFO, &out, &why), -EINVAL);
	assert_string_equal(why, "reserved field not zero");

	/* a late joiner learns the leader's last zxid of the current epoch */
	hs = (struct zab_hs){ ZAB_HS_LEADERINFO, 1, 6, ZAB_ZXID(6, 1000), 0 };
	zab_hs_encode(&hs, buf);
	assert_int_equal(zab_hs_decode(buf, sizeof(buf), ZAB_HS_LEADERINFO, &out, &why), 0);

	hs = (struct zab_hs){ ZAB_HS_ACKEPOCH, 2, 9, ZAB_ZXID(9, 1), 0 };
	zab_hs_encode(&hs, buf);
	assert_int_equal(zab_hs_decode(buf, sizeof(buf), ZAB_HS_ACKEPOCH, &out, &why), 0);
	assert_int_equal(out.epoch, 9);
	assert_int_equal(out.zxid, ZAB_ZXID(9, 1));

	/* an epoch accepted before: acknowledged, not counted */
	hs = (struct zab_hs){ ZAB_HS_ACKEPOCH, 2, ZAB_HS_EPOCH_NONE, ZAB_ZXID(9, 1), 0 };
	zab_hs_encode(&hs, buf);
	assert_int_equal(zab_hs_decode(buf, sizeof(buf), ZAB_HS_ACKEPOCH, &out, &why), 0);
	assert_int_equal(out.epoch, ZAB_HS_EPOCH_NONE);

	assert_string_equal(zab_hs_type_name(ZAB_HS_ACKEPOCH), "ACKEPOCH");
	assert_string_equal(zab_hs_type_name(9), "unknown");
}

static void expect_bad(const struct zab_hs *hs, void (*mutate)(uint8_t *),
		       size_t len, uint8_t type, const char *msg)
{
	uint8_t buf[ZAB_HS_SIZE + 1] = { 0 };
	struct zab_hs out;
	const char *why = NULL;

	zab_hs_encode(hs, buf);
	if (mutate)
		mutate(buf);
	assert_int_equal(zab_hs_decode(buf, len, type, &out, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, msg);
}

static void bad_magic(uint8_t *b) { b[3] = 0; }
static void bad_version(uint8_t *b) { b[4] = 0; }
/* version 1 counted an ACKEPOCH of an epoch accepted before */
static void version_1(uint8_t *b) { b[4] = 1; }
static void bad_pad(uint8_t *b) { b[6] = 0x80; }
static void type_9(uint8_t *b) { b[5] = 9; }
static void type_0(uint8_t *b) { b[5] = 0; }

static void test_malformed(void **state)
{
	const struct zab_hs fi = { ZAB_HS_FOLLOWERINFO, 2, 5, 0, 0 };
	const struct zab_hs li = { ZAB_HS_LEADERINFO, 1, 6, ZAB_ZXID(5, 3), 0 };
	struct zab_hs h;

	(void)state;
	expect_bad(&fi, NULL, ZAB_HS_SIZE - 1, ZAB_HS_FOLLOWERINFO, "wrong size");
	expect_bad(&fi, NULL, ZAB_HS_SIZE + 1, ZAB_HS_FOLLOWERINFO, "wrong size");
	expect_bad(&fi, bad_magic, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "bad magic");
	expect_bad(&fi, bad_version, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "unknown version");
	expect_bad(&fi, version_1, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "unknown version");
	expect_bad(&fi, bad_pad, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "reserved field not zero");
	expect_bad(&fi, type_9, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "unknown frame type");
	expect_bad(&fi, type_0, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "unknown frame type");
	/* a well-formed frame of another type where one is expected */
	expect_bad(&li, NULL, ZAB_HS_SIZE, ZAB_HS_ACKEPOCH, "unexpected frame type");
	expect_bad(&fi, NULL, ZAB_HS_SIZE, ZAB_HS_LEADERINFO, "unexpected frame type");
	/* a snapshot request carries the asker's epoch, the answer none */
	h = (struct zab_hs){ ZAB_HS_SNAPFILE, 3, 1, ZAB_ZXID(1, 4), 0 };
	expect_bad(&h, NULL, ZAB_HS_SIZE, ZAB_HS_SNAPFILE, "reserved field not zero");
	expect_bad(&fi, NULL, ZAB_HS_SIZE, ZAB_HS_SNAPREQ, "unexpected frame type");
	assert_string_equal(zab_hs_type_name(ZAB_HS_SNAPREQ), "SNAPREQ");

	h = fi;
	h.sid = 0;
	expect_bad(&h, NULL, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "member id out of range");
	h.sid = 256;
	expect_bad(&h, NULL, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "member id out of range");
	h = fi;
	h.epoch = UINT32_MAX;
	expect_bad(&h, NULL, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "absurd epoch");
	h = fi;
	h.zxid = 1;
	expect_bad(&h, NULL, ZAB_HS_SIZE, ZAB_HS_FOLLOWERINFO, "reserved field not zero");
	/* ACKEPOCH: the epoch of a history is never older than its last zxid */
	h = (struct zab_hs){ ZAB_HS_ACKEPOCH, 2, 4, ZAB_ZXID(5, 1), 0 };
	expect_bad(&h, NULL, ZAB_HS_SIZE, ZAB_HS_ACKEPOCH, "history newer than its epoch");
	h = li;
	h.epoch = 0;
	h.zxid = 0;
	expect_bad(&h, NULL, ZAB_HS_SIZE, ZAB_HS_LEADERINFO, "epoch 0");
	h = li;
	h.zxid = ZAB_ZXID(7, 1);
	expect_bad(&h, NULL, ZAB_HS_SIZE, ZAB_HS_LEADERINFO,
		   "leader history newer than the epoch");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("handshake", tests, NULL, NULL);
}
