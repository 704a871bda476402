// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the entries of the log on disk (kmod/diskfmt.c): their layout, and
 * CRC-32C as zabd checks it when it reads the segments back.
 */
#include <kunit/test.h>

#include "kmod/diskfmt.c"

static void diskfmt_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_seg_hdr), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct zab_seg_hdr, crc), 28);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_disk_rec), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct zab_disk_rec, crc), 20);
	KUNIT_EXPECT_EQ(test, ZAB_DISK_RECORD, 1);
	KUNIT_EXPECT_EQ(test, ZAB_DISK_TRUNC, 2);
	KUNIT_EXPECT_EQ(test, ZAB_DISK_RESET, 3);
	KUNIT_EXPECT_EQ(test, ZAB_DISK_COMMIT, 4);
	KUNIT_EXPECT_EQ(test, ZAB_DISK_DURABLE, 5);
}

/* The check value of CRC-32C (RFC 3720, B.4): "123456789" gives e3069283. */
static void diskfmt_crc32c(struct kunit *test)
{
	static const char digits[] = "123456789";
	static const u8 zeros[32];

	KUNIT_EXPECT_EQ(test, zab_disk_crc(digits, 9, NULL, 0), 0xe3069283);
	/* split between header and payload anywhere: the same sum */
	KUNIT_EXPECT_EQ(test, zab_disk_crc(digits, 4, digits + 4, 5), 0xe3069283);
	KUNIT_EXPECT_EQ(test, zab_disk_crc(digits, 0, digits, 9), 0xe3069283);
	/* 32 zero bytes, from the same appendix */
	KUNIT_EXPECT_EQ(test, zab_disk_crc(zeros, sizeof(zeros), NULL, 0), 0x8a9136aa);
}

static void diskfmt_rec(struct kunit *test)
{
	static const u8 want_head[] = {
		ZAB_DISK_RECORD, 0, 0, 0, 0, 0, 0, 3,
		0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x07,
		0, 0, 0, 0,
	};
	struct zab_disk_rec rec, copy;

	memset(&rec, 0xff, sizeof(rec));
	zab_disk_rec_fill(&rec, ZAB_DISK_RECORD, 0x200000007ULL, "abc", 3);
	KUNIT_EXPECT_EQ(test, memcmp(&rec, want_head, sizeof(want_head)), 0);
	/* the crc covers the header with crc zero, then the payload */
	copy = rec;
	copy.crc = 0;
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rec.crc),
			zab_disk_crc(&copy, sizeof(copy), "abc", 3));
	/* any flipped bit changes it */
	copy.zxid ^= cpu_to_be64(1);
	KUNIT_EXPECT_NE(test, be32_to_cpu(rec.crc),
			zab_disk_crc(&copy, sizeof(copy), "abc", 3));
	KUNIT_EXPECT_NE(test, be32_to_cpu(rec.crc),
			zab_disk_crc(&copy, sizeof(copy), "abd", 3));

	zab_disk_rec_fill(&rec, ZAB_DISK_TRUNC, 0x100000005ULL, NULL, 0);
	KUNIT_EXPECT_EQ(test, rec.type, ZAB_DISK_TRUNC);
	KUNIT_EXPECT_EQ(test, rec.len, 0);
	KUNIT_EXPECT_EQ(test, be64_to_cpu(rec.zxid), 0x100000005ULL);
}

static struct kunit_case diskfmt_cases[] = {
	KUNIT_CASE(diskfmt_layout),
	KUNIT_CASE(diskfmt_crc32c),
	KUNIT_CASE(diskfmt_rec),
	{}
};

static struct kunit_suite diskfmt_suite = {
	.name = "zab_diskfmt",
	.test_cases = diskfmt_cases,
};

kunit_test_suite(diskfmt_suite);
