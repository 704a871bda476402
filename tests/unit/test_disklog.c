// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Reading the log on disk back: segments written here in the kernel's
 * format, then replayed, with torn, corrupt and missing parts repaired.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/zab.h>

#include "crc32c.h"
#include "disklog.h"

#define Z(e, c) ZAB_ZXID(e, c)

static char dir[64];
static int dir_fd = -1;
static char notes[4096];

static void note(void *arg, const char *msg)
{
	(void)arg;
	strncat(notes, msg, sizeof(notes) - strlen(notes) - 2);
	strcat(notes, "\n");
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/zab-disklog-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
	notes[0] = '\0';
	return dir_fd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	close(dir_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A segment as the kernel writes it. */
static FILE *seg_open(const char *name, uint64_t seq, uint64_t prev)
{
	struct zab_seg_hdr h = {
		.magic = htobe64(ZAB_SEG_MAGIC),
		.seq = htobe64(seq),
		.prev = htobe64(prev),
	};
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	h.crc = htobe32(zab_crc32c(0, &h, offsetof(struct zab_seg_hdr, crc)));
	assert_int_equal(fwrite(&h, sizeof(h), 1, f), 1);
	return f;
}

static void put(FILE *f, uint8_t type, uint64_t zxid, const char *data)
{
	uint32_t len = data ? (uint32_t)strlen(data) : 0;
	struct zab_disk_rec rec = {
		.type = type, .len = htobe32(len), .zxid = htobe64(zxid),
	};
	uint32_t crc = zab_crc32c(0, &rec, sizeof(rec));

	crc = zab_crc32c(crc, data, len);
	rec.crc = htobe32(crc);
	assert_int_equal(fwrite(&rec, sizeof(rec), 1, f), 1);
	if (len)
		assert_int_equal(fwrite(data, len, 1, f), 1);
}

static off_t size_of(const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, 0) ? -1 : st.st_size;
}

static bool exists(const char *name)
{
	return size_of(name) >= 0;
}

static void recover(struct zab_disklog *log)
{
	assert_int_equal(zab_disklog_recover(dir_fd, dir, log, note, NULL), 0);
}

static void check_payload(struct zab_disklog *log, size_t i,
			  const char *want)
{
	char buf[64] = "";

	assert_int_equal(log->recs[i].len, strlen(want));
	assert_int_equal(zab_disklog_read(dir_fd, log, i, buf), 0);
	assert_string_equal(buf, want);
}

/* RFC 3720, B.4; and a checksum continued piecewise is the same. */
static void test_crc32c(void **state)
{
	(void)state;
	assert_int_equal(zab_crc32c(0, "123456789", 9), 0xe3069283);
	assert_int_equal(zab_crc32c(zab_crc32c(0, "1234", 4), "56789", 5), 0xe3069283);
	assert_int_equal(zab_crc32c(0, (char[32]){ 0 }, 32), 0x8a9136aa);
}

static void test_empty(void **state)
{
	struct zab_disklog log;

	(void)state;
	recover(&log);
	assert_int_equal(log.n, 0);
	assert_int_equal(log.last, 0);
	assert_int_equal(log.next_seq, 1);
	assert_int_equal(log.repaired, 0);
	zab_disklog_release(&log);
}

static void test_two_segments(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "a");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "bb");
	put(f, ZAB_DISK_COMMIT, Z(1, 1), NULL);
	fclose(f);
	f = seg_open("log.0000000100000003", 2, Z(1, 2));
	put(f, ZAB_DISK_RECORD, Z(1, 3), "ccc");
	put(f, ZAB_DISK_RECORD, Z(2, 1), "dddd");
	put(f, ZAB_DISK_COMMIT, Z(1, 3), NULL);
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.last, Z(2, 1));
	assert_int_equal(log.commit, Z(1, 3));
	assert_int_equal(log.next_seq, 3);
	assert_int_equal(log.repaired, 0);
	assert_int_equal(log.n_segs, 2);
	check_payload(&log, 0, "a");
	check_payload(&log, 2, "ccc");
	check_payload(&log, 3, "dddd");
	assert_string_equal(notes, "");
	zab_disklog_release(&log);
}

static void test_trunc_and_reset(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 7, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "a");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "b");
	put(f, ZAB_DISK_RECORD, Z(1, 3), "c");
	put(f, ZAB_DISK_COMMIT, Z(1, 3), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 4), "lost");
	put(f, ZAB_DISK_TRUNC, Z(1, 3), NULL);
	put(f, ZAB_DISK_RECORD, Z(3, 1), "e3");
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.recs[3].zxid, Z(3, 1));
	assert_int_equal(log.commit, Z(1, 3));
	assert_int_equal(log.next_seq, 8);
	zab_disklog_release(&log);

	/* a SNAP: the log starts over after the base */
	f = seg_open("log.0000000300000002", 8, Z(3, 1));
	put(f, ZAB_DISK_RESET, Z(4, 9), NULL);
	put(f, ZAB_DISK_RECORD, Z(4, 10), "x");
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.base, Z(4, 9));
	assert_int_equal(log.commit, Z(4, 9));
	assert_int_equal(log.last, Z(4, 10));
	check_payload(&log, 0, "x");
	zab_disklog_release(&log);
}

static void test_torn_tail(void **state)
{
	const char *name = "log.0000000100000001";
	struct zab_disklog log;
	char path[128];
	off_t whole;
	FILE *f;

	(void)state;
	f = seg_open(name, 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "one");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "two");
	fflush(f);
	whole = ftello(f);
	put(f, ZAB_DISK_RECORD, Z(1, 3), "three");
	fclose(f);
	/* the crash came in the middle of the payload of the third */
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(truncate(path, whole + 24 + 2), 0);
	recover(&log);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.last, Z(1, 2));
	assert_int_equal(log.repaired, 1);
	assert_int_equal(size_of(name), whole);
	assert_non_null(strstr(notes, "log.0000000100000001: the entry at offset"));
	assert_non_null(strstr(notes, "is torn: 2 of 5 payload bytes"));
	zab_disklog_release(&log);

	/* repaired once, read again cleanly */
	notes[0] = '\0';
	recover(&log);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.repaired, 0);
	assert_string_equal(notes, "");
	zab_disklog_release(&log);
}

static void test_flipped_byte(void **state)
{
	struct zab_disklog log;
	char path[128];
	FILE *f;
	int fd;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "flip");
	put(f, ZAB_DISK_RECORD, Z(1, 3), "after");
	fclose(f);
	f = seg_open("log.0000000100000004", 2, Z(1, 3));
	put(f, ZAB_DISK_RECORD, Z(1, 4), "later");
	fclose(f);
	/* one byte of the second record's payload */
	snprintf(path, sizeof(path), "%s/log.0000000100000001", dir);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "F", 1, 32 + 24 + 4 + 24), 1);
	close(fd);
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.last, Z(1, 1));
	assert_int_equal(size_of("log.0000000100000001"), 32 + 24 + 4);
	assert_false(exists("log.0000000100000004"));
	assert_true(exists("log.0000000100000004.corrupt"));
	assert_non_null(strstr(notes, "is corrupt: checksum"));
	assert_non_null(strstr(notes, "follows a damaged part of the log"));
	/* the kernel's next segment comes after every one seen */
	assert_int_equal(log.next_seq, 3);
	zab_disklog_release(&log);
}

static void test_missing_segment(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "a");
	fclose(f);
	/* sequence 2 is gone */
	f = seg_open("log.0000000100000003", 3, Z(1, 2));
	put(f, ZAB_DISK_RECORD, Z(1, 3), "c");
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.last, Z(1, 1));
	assert_true(exists("log.0000000100000003.corrupt"));
	assert_non_null(strstr(notes, "a segment is missing"));
	assert_int_equal(log.next_seq, 4);
	zab_disklog_release(&log);
}

static void test_bad_headers(void **state)
{
	struct zab_disklog log;
	char path[128];
	FILE *f;

	(void)state;
	/* created, crashed before the header was whole */
	snprintf(path, sizeof(path), "%s/log.0000000100000009", dir);
	f = fopen(path, "w");
	assert_int_equal(fwrite("ZABLOG", 6, 1, f), 1);
	fclose(f);
	/* a header that does not check */
	snprintf(path, sizeof(path), "%s/log.0000000200000001", dir);
	f = fopen(path, "w");
	assert_int_equal(fwrite("ZABLOG01 and then thirty-two bytes of nonsense", 40, 1, f), 1);
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 0);
	assert_false(exists("log.0000000100000009"));
	assert_true(exists("log.0000000200000001.corrupt"));
	assert_non_null(strstr(notes, "has no whole header (6 bytes): removed"));
	assert_non_null(strstr(notes, "has a header that does not check"));
	zab_disklog_release(&log);
}

/* A reader's scan changes nothing: a tail being written is not a tear. */
static void test_scan_changes_nothing(void **state)
{
	const char *name = "log.0000000100000001";
	struct zab_disklog log;
	char path[128];
	off_t whole;
	FILE *f;

	(void)state;
	f = seg_open(name, 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "one");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "two");
	fclose(f);
	whole = size_of(name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(truncate(path, whole - 2), 0);
	f = seg_open("log.0000000200000001", 7, Z(1, 2));
	fclose(f);
	assert_int_equal(zab_disklog_scan(dir_fd, &log), 0);
	assert_int_equal(log.n, 1);
	check_payload(&log, 0, "one");
	assert_int_equal(log.repaired, 0);
	assert_int_equal(size_of(name), whole - 2);
	assert_true(exists("log.0000000200000001"));
	assert_string_equal(notes, "");
	zab_disklog_release(&log);
}

static void test_out_of_order(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "a");
	put(f, ZAB_DISK_RECORD, Z(1, 3), "gap");
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_non_null(strstr(notes, "is out of order: record 0x100000003 after 0x100000001"));
	zab_disklog_release(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trunc_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_changes_nothing, setup, teardown),
	};

	return cmocka_run_group_tests_name("disklog", tests, NULL, NULL);
}
