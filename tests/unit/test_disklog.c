// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Reading the log on disk back: segments written here in the kernel's
 * format, then replayed, with torn, corrupt and missing parts repaired; and
 * snapshots of it, compacted by key, and purge.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/zab.h>

#include "disk/crc32c.h"
#include "disk/disklog.h"
#include "lib/libzab.h"
#include "zabd/handshake.h"
#include "common/snapshot.h"
#include "zabd/snapxfer.h"

#define Z(e, c) ZAB_ZXID(e, c)

static char dir[64];
static int dir_fd = -1;
static char notes[4096];
/* a bad block (__wrap_pread()) */
static ino_t bad_ino;
static off_t bad_at = -1, bad_block = 512;

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
	bad_at = -1;	/* no test's bad block outlives it */
	char cmd[128];

	(void)state;
	close(dir_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The nonce of every segment seg_open() writes. */
#define NONCE	0x5eed0001U

/* A segment as the kernel writes it. */
static FILE *seg_open(const char *name, uint64_t seq, uint64_t prev)
{
	struct zab_seg_hdr h = {
		.magic = htobe64(ZAB_SEG_MAGIC),
		.seq = htobe64(seq),
		.prev = htobe64(prev),
		.nonce = htobe32(NONCE),
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

static void put_n(FILE *f, uint8_t type, uint64_t zxid, const void *data, uint32_t len)
{
	struct zab_disk_rec rec = {
		.type = type, .len = htobe32(len), .zxid = htobe64(zxid),
		.reserved2 = htobe32(type == ZAB_DISK_DURABLE ? NONCE : 0),
	};
	uint32_t crc = zab_crc32c(0, &rec, sizeof(rec));

	crc = zab_crc32c(crc, data, len);
	rec.crc = htobe32(crc);
	assert_int_equal(fwrite(&rec, sizeof(rec), 1, f), 1);
	if (len)
		assert_int_equal(fwrite(data, len, 1, f), 1);
}

static void put(FILE *f, uint8_t type, uint64_t zxid, const char *data)
{
	put_n(f, type, zxid, data, data ? (uint32_t)strlen(data) : 0);
}

/* A DURABLE entry with @nonce, as bytes (to hide in a record's payload). */
static void durable_bytes(struct zab_disk_rec *rec, uint64_t zxid, uint32_t nonce)
{
	*rec = (struct zab_disk_rec){
		.type = ZAB_DISK_DURABLE, .zxid = htobe64(zxid), .reserved2 = htobe32(nonce),
	};
	rec->crc = htobe32(zab_crc32c(0, rec, sizeof(*rec)));
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


/* The byte at @off of the file @name becomes @byte (a disk's damage). */
static void poke(const char *name, off_t off, const char *byte)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, byte, 1, off), 1);
	close(fd);
}

/*
 * A bad block of @bad_block bytes at @bad_at of the file with inode
 * @bad_ino: pread() fails with EIO from inside it, and a read that runs
 * into it comes back short, as a disk's would.
 */

ssize_t __real_pread(int fd, void *buf, size_t n, off_t off);
ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off);

ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off)
{
	off_t b0 = bad_at - bad_at % bad_block, b1 = b0 + bad_block;
	struct stat st;

	if (bad_at >= 0 && !fstat(fd, &st) && st.st_ino == bad_ino &&
	    off < b1 && off + (off_t)n > b0) {
		if (off >= b0) {
			errno = EIO;
			return -1;
		}
		n = (size_t)(b0 - off);
	}
	return __real_pread(fd, buf, n, off);
}

static void bad_block_at(const char *name, off_t at, off_t block)
{
	struct stat st;

	assert_int_equal(fstatat(dir_fd, name, &st, 0), 0);
	bad_ino = st.st_ino;
	bad_at = at;
	bad_block = block;
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
	assert_false(exists("log.0000000100000001.corrupt"));	/* torn: nothing to keep */
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

/*
 * log.0000000100000001 with records 1:1 "good", 1:2 "flip", 1:3 "after",
 * then the byte @b at @at bytes into the second entry (header first).
 */
static void three_then_flip(const char *b, off_t at)
{
	char path[128];
	FILE *f;
	int fd;

	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "flip");
	put(f, ZAB_DISK_RECORD, Z(1, 3), "after");
	fclose(f);
	snprintf(path, sizeof(path), "%s/log.0000000100000001", dir);
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, b, 1, 32 + 24 + 4 + at), 1);
	close(fd);
}

/* Recovered: the log ends after the first record, where it was cut. */
static void recover_to_first(struct zab_disklog *log)
{
	recover(log);
	assert_int_equal(log->n, 1);
	assert_int_equal(log->last, Z(1, 1));
	assert_int_equal(size_of("log.0000000100000001"), 32 + 24 + 4);
}

static void test_flipped_byte(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	three_then_flip("F", 24);	/* the second record's first payload byte */
	f = seg_open("log.0000000100000004", 2, Z(1, 3));
	put(f, ZAB_DISK_RECORD, Z(1, 4), "later");
	fclose(f);
	recover_to_first(&log);
	/* the segment as it was, kept: what follows the cut is in no other file */
	assert_int_equal(size_of("log.0000000100000001.corrupt"), 32 + 3 * 24 + 4 + 4 + 5);
	assert_non_null(strstr(notes, "a copy as it was kept as log.0000000100000001.corrupt"));
	assert_false(exists("log.0000000100000004"));
	assert_true(exists("log.0000000100000004.corrupt"));
	assert_non_null(strstr(notes, "is corrupt: checksum"));
	assert_non_null(strstr(notes, "follows a damaged part of the log"));
	/* the kernel's next segment comes after every one seen */
	assert_int_equal(log.next_seq, 3);
	zab_disklog_release(&log);
}

/*
 * Files set aside at an earlier start are never replaced: a copy, or a
 * segment set aside, takes the next free name NAME.N.corrupt.
 */
static void test_corrupt_names_kept(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	three_then_flip("F", 24);
	f = seg_open("log.0000000100000004", 2, Z(1, 3));
	put(f, ZAB_DISK_RECORD, Z(1, 4), "later");
	fclose(f);
	f = seg_open("log.0000000100000001.corrupt", 9, 0);	/* earlier ones */
	fclose(f);
	f = seg_open("log.0000000100000004.corrupt", 9, 0);
	fclose(f);
	recover_to_first(&log);
	assert_int_equal(size_of("log.0000000100000001.corrupt"), 32);
	assert_int_equal(size_of("log.0000000100000001.1.corrupt"), 32 + 3 * 24 + 4 + 4 + 5);
	assert_int_equal(size_of("log.0000000100000004.corrupt"), 32);
	assert_true(exists("log.0000000100000004.1.corrupt"));
	assert_false(exists("log.0000000100000004"));
	assert_false(exists("corrupt-copy.tmp"));
	assert_non_null(strstr(notes, "kept as log.0000000100000001.1.corrupt"));
	assert_non_null(strstr(notes, "set aside as log.0000000100000004.1.corrupt"));
	zab_disklog_release(&log);
}

/*
 * A length byte goes bad: the entry runs past the end of the segment, as a
 * torn one would, but whole entries follow it: corrupt, not torn.
 */
static void test_flipped_length(void **state)
{
	struct zab_disklog log;

	(void)state;
	/* the second entry's length, 4, becomes 0x10004: past the end */
	three_then_flip("\x01", 5);
	recover_to_first(&log);
	assert_non_null(strstr(notes, "the entry at offset 60 is corrupt: its length runs past the end of the segment, yet a whole entry follows at offset 88"));
	assert_null(strstr(notes, "is torn"));
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

/*
 * A DURABLE entry after the damage: what was lost had been on disk, perhaps
 * acknowledged. The directory is marked (before the cut), the log says so.
 */
static void test_lost_durable(void **state)
{
	struct zab_disklog log;
	char why[256];
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_DURABLE, Z(1, 1), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 2), "flip");
	put(f, ZAB_DISK_RECORD, Z(1, 3), "more");
	put(f, ZAB_DISK_DURABLE, Z(1, 3), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 4), "tail");
	fclose(f);
	/* a clean read: the durable points are no records, and no damage */
	recover(&log);
	assert_int_equal(log.n, 4);
	assert_int_equal(log.last, Z(1, 4));
	assert_false(log.lost);
	zab_disklog_release(&log);
	assert_int_equal(zab_disklog_unsynced(dir_fd, why, sizeof(why)), 0);

	/* the second record's payload goes bad: a durable point follows it */
	poke("log.0000000100000001", 32 + 24 + 4 + 24 + 24, "F");
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_true(log.lost);
	zab_disklog_release(&log);
	assert_int_equal(zab_disklog_unsynced(dir_fd, why, sizeof(why)), 1);
	assert_string_equal(why, "records on disk were lost: log.0000000100000001 has a durable point at offset 140 after the damage");
	assert_non_null(strstr(notes, "records were lost after they were on disk"));
	assert_true(exists("log.0000000100000001.corrupt"));

	/* read again: nothing more is lost, the mark stays until cleared */
	recover(&log);
	assert_false(log.lost);
	zab_disklog_release(&log);
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 1);
	assert_int_equal(zab_disklog_clear_unsynced(dir_fd), 0);
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 0);
	assert_int_equal(zab_disklog_clear_unsynced(dir_fd), 0);
}

/*
 * A page of a segment cannot be read (EIO) where records lie that a durable
 * point after it vouches for: the log is cut before it, the loss is marked,
 * and the segment's copy keeps every page but that one (as zeros); no
 * SIGBUS.
 */
static void test_bad_block(void **state)
{
	static char big[9001];
	const char *seg = "log.0000000100000001";
	char why[256], copy[64];
	struct zab_disklog log;
	int fd;
	FILE *f;

	(void)state;
	memset(big, 'b', sizeof(big) - 1);
	f = seg_open(seg, 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_DURABLE, Z(1, 1), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 2), big);		/* 84 .. 9108 */
	put(f, ZAB_DISK_RECORD, Z(1, 3), "more");	/* 9108 .. 9136 */
	put(f, ZAB_DISK_DURABLE, Z(1, 3), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 4), "tail");
	fclose(f);
	bad_block_at(seg, 5000, 4096);			/* 4096 .. 8192 */
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.last, Z(1, 1));
	assert_true(log.lost);
	zab_disklog_release(&log);
	assert_non_null(strstr(notes, "the entry at offset 84 lies in or before a block that cannot be read (offset 4096)"));
	assert_non_null(strstr(notes, "with blocks that could not be read as zeros"));
	assert_int_equal(zab_disklog_unsynced(dir_fd, why, sizeof(why)), 1);
	assert_string_equal(why, "records on disk were lost: log.0000000100000001 has a block that cannot be read at offset 4096");
	assert_int_equal(size_of(seg), 84);
	/* the copy: the pages before and after the bad one as they were */
	assert_int_equal(size_of("log.0000000100000001.corrupt"), 9188);
	fd = openat(dir_fd, "log.0000000100000001.corrupt", O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, copy, 4, 4092), 4);
	assert_memory_equal(copy, "bbbb", 4);
	assert_int_equal(pread(fd, copy, 4, 8188), 4);
	assert_memory_equal(copy, "\0\0\0\0", 4);
	assert_int_equal(pread(fd, copy, 4, 9108 + 24), 4);
	assert_memory_equal(copy, "more", 4);
	close(fd);
}

/*
 * A bad page in the tail after the last durable point: cut there, and
 * marked all the same (the durable point that would tell may have been on
 * the page that went bad).
 */
static void test_bad_block_tail(void **state)
{
	static char big[6000];
	const char *seg = "log.0000000100000001";
	struct zab_disklog log;
	FILE *f;

	(void)state;
	memset(big, 't', sizeof(big) - 1);
	f = seg_open(seg, 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "more");
	put(f, ZAB_DISK_DURABLE, Z(1, 2), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 3), big);
	fclose(f);
	bad_block_at(seg, 4096, 4096);
	recover(&log);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.last, Z(1, 2));
	assert_true(log.lost);
	zab_disklog_release(&log);
	assert_non_null(strstr(notes, "cannot be read (offset 4096)"));
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 1);
}

/*
 * A bad page in a segment set aside after the cut (the segment before it
 * ends in a record that is corrupt): marked, though no durable point could
 * be read there.
 */
static void test_bad_block_set_aside(void **state)
{
	static char big[9000];
	struct zab_disklog log;
	char why[256];
	FILE *f;

	(void)state;
	memset(big, 's', sizeof(big) - 1);
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "flip");
	fclose(f);
	f = seg_open("log.0000000100000003", 2, Z(1, 2));
	put(f, ZAB_DISK_RECORD, Z(1, 3), big);
	put(f, ZAB_DISK_RECORD, Z(1, 4), "more");
	fclose(f);
	poke("log.0000000100000001", 32 + 28 + 24, "F");	/* (1,2)'s payload */
	bad_block_at("log.0000000100000003", 4096, 4096);
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_true(log.lost);
	zab_disklog_release(&log);
	assert_int_equal(zab_disklog_unsynced(dir_fd, why, sizeof(why)), 1);
	assert_string_equal(why, "records on disk were lost: log.0000000100000003 has a block that cannot be read at offset 4096");
}

/*
 * A segment whose header cannot be read: set aside whole, what follows it
 * too, and marked (its first block held records). Before, zabd refused to
 * start ("cannot read ...: Input/output error").
 */
static void test_bad_block_header(void **state)
{
	struct zab_disklog log;
	char why[256];
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_DURABLE, Z(1, 1), NULL);
	fclose(f);
	f = seg_open("log.0000000100000002", 2, Z(1, 1));
	put(f, ZAB_DISK_RECORD, Z(1, 2), "lost");
	put(f, ZAB_DISK_DURABLE, Z(1, 2), NULL);
	fclose(f);
	f = seg_open("log.0000000100000003", 3, Z(1, 2));
	put(f, ZAB_DISK_RECORD, Z(1, 3), "after");
	fclose(f);
	bad_block_at("log.0000000100000002", 0, 4096);
	/* a scan repairs nothing: it fails rather than see a shorter log */
	assert_int_equal(zab_disklog_scan(dir_fd, &log), -EIO);
	zab_disklog_release(&log);
	assert_false(exists("log.0000000100000002.corrupt"));
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 0);
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.last, Z(1, 1));
	assert_true(log.lost);
	zab_disklog_release(&log);
	assert_true(exists("log.0000000100000002.corrupt"));
	assert_true(exists("log.0000000100000003.corrupt"));
	assert_non_null(strstr(notes, "has a header that cannot be read (Input/output error): set aside"));
	assert_int_equal(zab_disklog_unsynced(dir_fd, why, sizeof(why)), 1);
	assert_string_equal(why, "records on disk were lost: log.0000000100000002 has a block that cannot be read at offset 0");
}

/*
 * Damage after the last durable point: a tail written but not yet synced
 * when the power went (the disk may write its blocks in any order). Not
 * marked: the member never acknowledged it.
 */
static void test_lost_unsynced_tail(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_DURABLE, Z(1, 1), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 2), "flip");
	put(f, ZAB_DISK_RECORD, Z(1, 3), "more");
	fclose(f);
	poke("log.0000000100000001", 32 + 24 + 4 + 24 + 24, "F");
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_false(log.lost);
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 0);
	zab_disklog_release(&log);
}

/*
 * What a writer's record holds is never a durable point: a payload that is
 * a DURABLE entry whole, but for another segment's nonce (a writer cannot
 * know this one's), after the damage, does not mark the member. A DURABLE
 * entry read in order with another nonce is corrupt.
 */
static void test_durable_forged(void **state)
{
	struct zab_disk_rec fake;
	struct zab_disklog log;
	FILE *f;

	(void)state;
	durable_bytes(&fake, Z(1, 1), 0x1234);
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "flip");
	put_n(f, ZAB_DISK_RECORD, Z(1, 3), &fake, sizeof(fake));
	fclose(f);
	poke("log.0000000100000001", 32 + 24 + 4 + 24, "F");
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_false(log.lost);
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 0);
	zab_disklog_release(&log);

	/* in order, with another segment's nonce: corrupt, the log ends there */
	teardown(NULL);
	setup(NULL);
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	assert_int_equal(fwrite(&fake, sizeof(fake), 1, f), 1);
	put(f, ZAB_DISK_RECORD, Z(1, 2), "next");
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_non_null(strstr(notes, "a durable point of another segment"));
	zab_disklog_release(&log);
}

/* Segments of format 1 (no nonce, no durable points) are still read. */
static void test_format1(void **state)
{
	struct zab_seg_hdr h = {
		.magic = htobe64(ZAB_SEG_MAGIC_V1), .seq = htobe64(1),
	};
	struct zab_disklog log;
	FILE *f;

	(void)state;
	h.crc = htobe32(zab_crc32c(0, &h, offsetof(struct zab_seg_hdr, crc)));
	f = fopen(strcat(strcpy((char[128]){ 0 }, dir), "/log.0000000100000001"), "w");
	assert_non_null(f);
	assert_int_equal(fwrite(&h, sizeof(h), 1, f), 1);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "old");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "format");
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.repaired, 0);
	zab_disklog_release(&log);
	/* format 2 with no nonce does not check */
	h.magic = htobe64(ZAB_SEG_MAGIC);
	h.crc = htobe32(zab_crc32c(0, &h, offsetof(struct zab_seg_hdr, crc)));
	f = fopen(strcat(strcpy((char[128]){ 0 }, dir), "/log.0000000100000003"), "w");
	assert_non_null(f);
	assert_int_equal(fwrite(&h, sizeof(h), 1, f), 1);
	fclose(f);
	recover(&log);
	assert_true(exists("log.0000000100000003.corrupt"));
	zab_disklog_release(&log);
}

/* Only a commit point lost, no record after it: not marked. */
static void test_lost_commit_only(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_COMMIT, Z(1, 1), NULL);
	put(f, ZAB_DISK_DURABLE, Z(1, 1), NULL);
	fclose(f);
	poke("log.0000000100000001", 32 + 24 + 4 + 9, "\x07");	/* the COMMIT's zxid */
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_false(log.lost);
	zab_disklog_release(&log);
}

/*
 * A truncation lost: a proposal of epoch 2 discarded by a new leader's
 * TRUNC, then that leader's records acknowledged. Damage between them
 * leaves the discarded proposal last; the durable point after names a
 * lower zxid: marked (a member voting with (2,1) would win an election and
 * take the committed (1,2) away).
 */
static void test_lost_truncation(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_RECORD, Z(2, 1), "gone");
	put(f, ZAB_DISK_DURABLE, Z(2, 1), NULL);
	put(f, ZAB_DISK_TRUNC, Z(1, 1), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 2), "kept");
	put(f, ZAB_DISK_DURABLE, Z(1, 2), NULL);
	fclose(f);
	/* the first durable point's zxid, 32 + 2 * 28 bytes in */
	poke("log.0000000100000001", 32 + 2 * 28 + 9, "\x07");
	recover(&log);
	assert_int_equal(log.last, Z(2, 1));
	assert_true(log.lost);
	zab_disklog_release(&log);
}

/* A segment gone from the middle, a durable point in a later one: marked. */
static void test_lost_segment(void **state)
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
	put(f, ZAB_DISK_DURABLE, Z(1, 3), NULL);
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_true(log.lost);
	assert_true(exists("log.0000000100000003.corrupt"));
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 1);
	zab_disklog_release(&log);
}

/* The mark cannot be written: nothing is cut, the start fails. */
static void test_lost_mark_fails(void **state)
{
	struct zab_disklog log;
	off_t size;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "good");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "flip");
	put(f, ZAB_DISK_DURABLE, Z(1, 2), NULL);
	fclose(f);
	size = size_of("log.0000000100000001");
	poke("log.0000000100000001", 32 + 24 + 4 + 24, "F");
	assert_int_equal(mkdirat(dir_fd, "unsynced.tmp", 0755), 0);
	assert_true(zab_disklog_recover(dir_fd, dir, &log, note, NULL) < 0);
	zab_disklog_release(&log);
	assert_int_equal(size_of("log.0000000100000001"), size);
	assert_false(exists("log.0000000100000001.corrupt"));
	assert_non_null(strstr(notes, "cannot write"));
	assert_int_equal(unlinkat(dir_fd, "unsynced.tmp", AT_REMOVEDIR), 0);
	notes[0] = '\0';
	recover(&log);
	assert_int_equal(log.n, 1);
	assert_true(log.lost);
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

/* A keyed record "KEY=VALUE" as zab_put() makes it, written as an entry. */
static void put_kv(FILE *f, uint64_t zxid, const char *key, const char *val)
{
	char rec[256];
	ssize_t len = zab_kv_encode(rec, sizeof(rec), key, strlen(key), val,
				    strlen(val));
	struct zab_disk_rec e = {
		.type = ZAB_DISK_RECORD, .len = htobe32((uint32_t)len),
		.zxid = htobe64(zxid),
	};
	uint32_t crc;

	assert_true(len > 0);
	crc = zab_crc32c(0, &e, sizeof(e));
	e.crc = htobe32(zab_crc32c(crc, rec, (size_t)len));
	assert_int_equal(fwrite(&e, sizeof(e), 1, f), 1);
	assert_int_equal(fwrite(rec, (size_t)len, 1, f), 1);
}

static void test_kv(void **state)
{
	const void *key, *val;
	size_t key_len, val_len;
	char rec[32];

	(void)state;
	assert_int_equal(zab_kv_encode(rec, sizeof(rec), "k", 1, "v", 1), 10);
	assert_int_equal(zab_kv_decode(rec, 10, &key, &key_len, &val, &val_len), 1);
	assert_int_equal(key_len, 1);
	assert_memory_equal(key, "k", 1);
	assert_int_equal(val_len, 1);
	assert_memory_equal(val, "v", 1);
	/* a deletion: no value */
	assert_int_equal(zab_kv_encode(rec, sizeof(rec), "k", 1, "", 0), 9);
	assert_int_equal(zab_kv_decode(rec, 9, &key, &key_len, &val, &val_len), 1);
	assert_int_equal(val_len, 0);
	/* cut inside the key, text, empty key, too long, too small */
	assert_int_equal(zab_kv_decode(rec, 8, &key, &key_len, &val, &val_len), 0);
	assert_int_equal(zab_kv_decode("plain text", 10, &key, &key_len, &val, &val_len), 0);
	assert_int_equal(zab_kv_encode(rec, sizeof(rec), "", 0, "v", 1), -EINVAL);
	assert_int_equal(zab_kv_encode(rec, sizeof(rec), rec, ZAB_KEY_MAX + 1, "", 0), -EINVAL);
	assert_int_equal(zab_kv_encode(rec, sizeof(rec), "k", 1, rec, 24), -EMSGSIZE);
}

/* Records 1..7 of epoch 1: keyed and not, an update and a deletion. */
static void write_kv_log(void)
{
	FILE *f = seg_open("log.0000000100000001", 1, 0);

	put_kv(f, Z(1, 1), "k1", "a");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "x");
	put_kv(f, Z(1, 3), "k2", "b");
	put_kv(f, Z(1, 4), "k1", "c");
	put_kv(f, Z(1, 5), "k2", "");
	put(f, ZAB_DISK_RECORD, Z(1, 6), "y");
	put_kv(f, Z(1, 7), "k3", "d");
	put(f, ZAB_DISK_COMMIT, Z(1, 7), NULL);
	fclose(f);
}

static void take(uint64_t upto, struct zab_snap_stats *st)
{
	assert_int_equal(zab_snap_take(dir_fd, dir, upto, st, note, NULL), 0);
}

static void test_snapshot_compacts(void **state)
{
	struct zab_snap_stats st;
	struct zab_disklog log;

	(void)state;
	write_kv_log();
	take(Z(1, 6), &st);
	assert_string_equal(st.name, "snap.0000000100000006");
	assert_int_equal(st.read, 6);
	/* k1's last value, both records without key; k2 was deleted */
	assert_int_equal(st.kept, 3);
	assert_true(exists("snap.0000000100000006"));
	assert_false(exists("snap.0000000100000006.tmp"));
	assert_int_equal(size_of("snap.0000000100000006"), (off_t)st.bytes);
	recover(&log);
	assert_string_equal(log.snap.name, "snap.0000000100000006");
	assert_int_equal(log.snap.zxid, Z(1, 6));
	assert_int_equal(log.snap.n, 3);
	assert_int_equal(log.snap.recs[0].zxid, Z(1, 2));
	assert_int_equal(log.snap.recs[1].zxid, Z(1, 4));
	assert_int_equal(log.snap.recs[2].zxid, Z(1, 6));
	assert_int_equal(log.n, 7);	/* the segments are as they were */
	zab_disklog_release(&log);
	/* the next one is made of this one and the segments after it */
	assert_int_equal(zab_snap_take(dir_fd, dir, Z(1, 6), &st, note, NULL), -EALREADY);
	assert_int_equal(zab_snap_take(dir_fd, dir, Z(1, 9), &st, note, NULL), -ENODATA);
	assert_non_null(strstr(notes, "does not hold 0x100000009"));
	take(Z(1, 7), &st);
	assert_int_equal(st.read, 4);
	assert_int_equal(st.kept, 4);
}

/* Three segments: 1..3, 4..6, 7..8. */
static void write_three_segments(void)
{
	FILE *f = seg_open("log.0000000100000001", 1, 0);

	put_kv(f, Z(1, 1), "k", "1");
	put_kv(f, Z(1, 2), "k", "2");
	put_kv(f, Z(1, 3), "k", "3");
	fclose(f);
	f = seg_open("log.0000000100000004", 2, Z(1, 3));
	put_kv(f, Z(1, 4), "k", "4");
	put_kv(f, Z(1, 5), "k", "5");
	put_kv(f, Z(1, 6), "j", "6");
	fclose(f);
	f = seg_open("log.0000000100000007", 3, Z(1, 6));
	put_kv(f, Z(1, 7), "k", "7");
	put_kv(f, Z(1, 8), "k", "8");
	put(f, ZAB_DISK_COMMIT, Z(1, 8), NULL);
	fclose(f);
}

static void test_purge(void **state)
{
	struct zab_purge_stats ps;
	struct zab_snap_stats st;
	struct zab_disklog log;

	(void)state;
	write_three_segments();
	take(Z(1, 5), &st);
	assert_int_equal(st.kept, 1);
	/* a snapshot that a crash cut short */
	assert_int_equal(symlinkat("/dev/null", dir_fd, "snap.0000000100000008.tmp"), 0);
	assert_int_equal(zab_snap_purge(dir_fd, dir, 1, &ps, note, NULL), 0);
	/* every record of the first segment is in the snapshot */
	assert_int_equal(ps.snaps, 0);
	assert_int_equal(ps.segs, 1);
	assert_false(exists("log.0000000100000001"));
	assert_true(exists("log.0000000100000004"));
	assert_false(exists("snap.0000000100000008.tmp"));
	recover(&log);
	assert_int_equal(log.repaired, 0);
	assert_int_equal(log.base, Z(1, 3));
	assert_int_equal(log.n, 5);
	assert_int_equal(log.recs[0].zxid, Z(1, 4));
	assert_int_equal(log.commit, Z(1, 8));
	zab_disklog_release(&log);
	/* the next snapshot: the first is purged, and the second segment */
	take(Z(1, 8), &st);
	assert_int_equal(st.read, 4);	/* k=5 from the snapshot, then 6..8 */
	assert_int_equal(st.kept, 2);	/* j=6, k=8 */
	assert_int_equal(zab_snap_purge(dir_fd, dir, 1, &ps, note, NULL), 0);
	assert_int_equal(ps.snaps, 1);
	assert_int_equal(ps.segs, 1);
	assert_false(exists("snap.0000000100000005"));
	assert_false(exists("log.0000000100000004"));
	/* the newest segment stays: the kernel appends to it */
	assert_true(exists("log.0000000100000007"));
	recover(&log);
	assert_int_equal(log.base, Z(1, 6));
	assert_int_equal(log.n, 2);
	assert_int_equal(log.snap.n, 2);
	zab_disklog_release(&log);
	assert_int_equal(zab_snap_purge(dir_fd, dir, 0, &ps, note, NULL), -EINVAL);
}

/* The device's ioctls, for zab_history_open(): the log is in dir. */
int __real_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...);

#define FAKE_DEV	1000

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd != FAKE_DEV)
		return __real_ioctl(fd, req, arg);
	if (req == ZAB_IOC_LOG_PATH) {
		struct zab_log_path *lp = arg;

		snprintf((char *)(uintptr_t)lp->buf, lp->len, "%s", dir);
		return (int)strlen(dir);
	}
	if (req == ZAB_IOC_STATUS) {
		struct zab_status *st = arg;

		memset(st, 0, sizeof(*st));
		st->commit_zxid = Z(1, 8);
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

/* A purge while a history is open: it reads on, from the newer snapshot. */
static void test_history_across_purge(void **state)
{
	struct zab_purge_stats ps;
	struct zab_snap_stats st;
	struct zab_history *hist;
	struct zab_rec_hdr hdr;
	char buf[64];
	ssize_t n;

	(void)state;
	write_three_segments();
	assert_int_equal(zab_history_open(FAKE_DEV, &hist), 0);
	take(Z(1, 5), &st);
	assert_int_equal(zab_snap_purge(dir_fd, dir, 1, &ps, note, NULL), 0);
	assert_false(exists("log.0000000100000001"));
	/* the first segment it listed is gone: k=5 from the snapshot */
	n = zab_history_read(hist, Z(1, 1), &hdr, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(hdr.zxid, Z(1, 5));
	/* then the segments after it */
	n = zab_history_read(hist, Z(1, 6), &hdr, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(hdr.zxid, Z(1, 6));
	n = zab_history_read(hist, Z(1, 9), &hdr, buf, sizeof(buf));
	assert_int_equal(n, 0);
	zab_history_close(hist);
}

static void test_snapshot_bad_checksum(void **state)
{
	struct zab_purge_stats ps;
	struct zab_snap_stats st;
	struct zab_disklog log;
	char path[128];
	FILE *f;

	(void)state;
	write_three_segments();
	take(Z(1, 3), &st);
	take(Z(1, 6), &st);
	assert_int_equal(zab_snap_purge(dir_fd, dir, 2, &ps, note, NULL), 0);
	assert_int_equal(ps.segs, 1);
	/* a byte of the newest snapshot's record flips */
	snprintf(path, sizeof(path), "%s/snap.0000000100000006", dir);
	f = fopen(path, "r+");
	assert_int_equal(fseek(f, (long)st.bytes - 30, SEEK_SET), 0);
	assert_int_equal(fputc('X', f), 'X');
	fclose(f);
	recover(&log);
	assert_non_null(strstr(notes, "snap.0000000100000006 has an entry at offset"));
	assert_non_null(strstr(notes, "set aside as snap.0000000100000006.corrupt"));
	/* the older snapshot still covers the purged segment */
	assert_string_equal(log.snap.name, "snap.0000000100000003");
	assert_int_equal(log.base, Z(1, 3));
	assert_int_equal(log.n, 5);
	assert_int_equal(log.repaired, 1);
	zab_disklog_release(&log);
}

/* A block of the newest snapshot cannot be read: the older one serves. */
static void test_snapshot_bad_block(void **state)
{
	struct zab_snap_stats st;
	struct zab_disklog log;

	(void)state;
	write_three_segments();
	take(Z(1, 3), &st);
	take(Z(1, 6), &st);
	bad_block_at("snap.0000000100000006", 40, 16);
	recover(&log);
	assert_non_null(strstr(notes, "snap.0000000100000006 has a block that cannot be read at offset 32"));
	assert_string_equal(log.snap.name, "snap.0000000100000003");
	assert_int_equal(log.last, Z(1, 8));
	zab_disklog_release(&log);
}

/* Without a snapshot, a log that starts after 0 lacks its first segment. */
static void test_first_segment_missing(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000004", 2, Z(1, 3));
	put(f, ZAB_DISK_RECORD, Z(1, 4), "d");
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 0);
	assert_int_equal(log.base, 0);
	assert_non_null(strstr(notes, "follows 0x100000003, which no snapshot covers: a segment is missing"));
	assert_true(exists("log.0000000100000004.corrupt"));
	assert_int_equal(log.next_seq, 3);
	zab_disklog_release(&log);
}

/* the epoch the next SNAPREQ must carry (serve_one() exits 3 if not) */
static uint32_t want_epoch;

/*
 * A member serves one SNAPREQ from this directory, as zabd's leader does:
 * a child that reads the request and answers it, with @upto committed.
 */
static pid_t serve_one(int lfd, uint64_t upto)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct snapxfer_result res;
		uint8_t frame[ZAB_HS_SIZE];
		struct zab_hs hs;
		const char *why;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0 || recv(fd, frame, sizeof(frame), MSG_WAITALL) != sizeof(frame) ||
		    zab_hs_decode(frame, sizeof(frame), ZAB_HS_SNAPREQ, &hs, &why) < 0)
			_exit(2);
		if (hs.epoch != want_epoch)
			_exit(3);
		_exit(snapxfer_serve(fd, dir_fd, dir, 1, hs.zxid, upto, 2000, &res, NULL, NULL) < 0);
	}
	return pid;
}

struct fetched {
	uint64_t records, bytes, total;
	int calls;
};

static void fetch_progress(void *arg, uint64_t records, uint64_t bytes, uint64_t total)
{
	struct fetched *f = arg;

	assert_true(bytes >= f->bytes && records >= f->records);
	f->records = records;
	f->bytes = bytes;
	f->total = total;
	f->calls++;
}

static void test_snapshot_transfer(void **state)
{
	struct fetched fp;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct snapxfer_result res;
	struct zab_snap_stats st;
	char other[64], why[128];
	int lfd, ofd, status;
	uint64_t base;
	pid_t pid;

	(void)state;
	write_three_segments();
	take(Z(1, 5), &st);
	snprintf(other, sizeof(other), "/tmp/zab-snapxfer-XXXXXX");
	assert_non_null(mkdtemp(other));
	ofd = open(other, O_RDONLY | O_DIRECTORY);
	assert_true(ofd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);

	/* the newest snapshot covers what the asker lacks */
	pid = serve_one(lfd, Z(1, 8));
	assert_int_equal(snapxfer_fetch_progress(ofd, other, (struct sockaddr *)&sa, len, NULL, 0, NULL, 0,
						 2, Z(1, 4), 0, 2000, &res, note, NULL, NULL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	assert_string_equal(res.name, "snap.0000000100000005");
	assert_int_equal(res.zxid, Z(1, 5));
	assert_int_equal(res.bytes, st.bytes);
	assert_int_equal(zab_snap_check(ofd, res.name, Z(1, 5), &base, why, sizeof(why)), 1);
	assert_int_equal(base, 0);

	/*
	 * it does not: the server takes one at its commit point; the
	 * receiver counts its records as they come, and the bytes
	 */
	want_epoch = 7;	/* the asker's, in SNAPREQ */
	pid = serve_one(lfd, Z(1, 8));
	memset(&fp, 0, sizeof(fp));
	assert_int_equal(snapxfer_fetch_progress(ofd, other, (struct sockaddr *)&sa, len, NULL, 0, NULL, 0,
						 2, Z(1, 7), 7, 2000, &res, note,
						 fetch_progress, &fp), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	want_epoch = 0;
	assert_int_equal(res.zxid, Z(1, 8));
	assert_true(fp.calls > 0);
	{
		/* as many as the snapshot's header says it holds */
		struct zab_snap_hdr h;
		int f = openat(ofd, res.name, O_RDONLY);

		assert_true(f >= 0);
		assert_int_equal(read(f, &h, sizeof(h)), sizeof(h));
		close(f);
		assert_int_equal(fp.records, be64toh(h.records));
		assert_true(fp.records > 0);
	}
	assert_int_equal(fp.bytes, res.bytes);
	assert_true(fp.total == 0 || fp.total >= fp.bytes);
	assert_true(exists("snap.0000000100000008"));

	/* nothing to give: committed up to 0x100000008, asked for more */
	pid = serve_one(lfd, Z(1, 8));
	assert_int_equal(snapxfer_fetch_progress(ofd, other, (struct sockaddr *)&sa, len, NULL, 0, NULL, 0,
						 2, Z(1, 9), 0, 2000, &res, note, NULL, NULL), -ENOENT);
	assert_int_equal(waitpid(pid, &status, 0), pid);

	/* the asker's log: it starts after a SNAP that snap.Z covers */
	assert_int_equal(snapxfer_needed(dir_fd, &base), 0);
	close(lfd);
	close(ofd);
	snprintf(why, sizeof(why), "rm -rf '%s'", other);
	assert_int_equal(system(why), 0);
}

/* A snapshot at @zxid of the records after @base: one record, "k=6". */
static void write_snapshot_file(const char *name, uint64_t zxid, uint64_t base)
{
	struct zab_snap_hdr h = {
		.magic = htobe64(ZAB_SNAP_MAGIC), .zxid = htobe64(zxid),
		.base = htobe64(base), .records = htobe64(1),
	};
	char path[128];
	FILE *f;

	h.crc = htobe32(zab_crc32c(0, &h, offsetof(struct zab_snap_hdr, crc)));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(&h, sizeof(h), 1, f), 1);
	put_kv(f, zxid, "k", "6");
	put(f, ZAB_DISK_COMMIT, zxid, NULL);
	fclose(f);
}

/* A log that starts with a RESET (a SNAP) needs a snapshot from before. */
static void test_snapshot_needed(void **state)
{
	struct zab_snap_stats st;
	uint64_t base;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RESET, Z(1, 4), NULL);
	put_kv(f, Z(1, 5), "k", "5");
	put(f, ZAB_DISK_COMMIT, Z(1, 5), NULL);
	fclose(f);
	assert_int_equal(snapxfer_needed(dir_fd, &base), 1);
	assert_int_equal(base, Z(1, 4));
	/* a snapshot of its own does not help: it starts at the base too */
	take(Z(1, 5), &st);
	assert_int_equal(st.base, Z(1, 4));
	assert_int_equal(snapxfer_needed(dir_fd, &base), 1);
	assert_int_equal(base, Z(1, 5));
	/* one from the leader, from zxid 0 on, does */
	write_snapshot_file("snap.0000000100000006", Z(1, 6), 0);
	assert_int_equal(snapxfer_needed(dir_fd, &base), 0);
}

/*
 * After a SNAP the member's own snapshot starts at the SNAP's base; purge
 * must leave a segment first that recovery takes for the log's start.
 */
static void test_purge_after_snap(void **state)
{
	struct zab_purge_stats ps;
	struct zab_snap_stats st;
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000001", 1, 0);
	put(f, ZAB_DISK_RECORD, Z(1, 1), "a");
	put(f, ZAB_DISK_RECORD, Z(1, 2), "b");
	put(f, ZAB_DISK_RECORD, Z(1, 3), "c");
	fclose(f);
	/* the SNAP came in the second segment, which follows 3 */
	f = seg_open("log.0000000100000004", 2, Z(1, 3));
	put(f, ZAB_DISK_RESET, Z(1, 8), NULL);
	put(f, ZAB_DISK_RECORD, Z(1, 9), "i");
	fclose(f);
	f = seg_open("log.000000010000000a", 3, Z(1, 9));
	put(f, ZAB_DISK_RECORD, Z(1, 10), "j");
	put(f, ZAB_DISK_COMMIT, Z(1, 10), NULL);
	fclose(f);
	take(Z(1, 9), &st);
	assert_int_equal(st.base, Z(1, 8));
	assert_int_equal(zab_snap_purge(dir_fd, dir, 1, &ps, note, NULL), 0);
	/* the segment after the first follows 3, which the snapshot lacks */
	assert_int_equal(ps.segs, 0);
	recover(&log);
	assert_int_equal(log.repaired, 0);
	assert_int_equal(log.base, Z(1, 8));
	assert_int_equal(log.n, 2);
	zab_disklog_release(&log);
	/* later the segments after the SNAP go, up to the snapshot */
	f = seg_open("log.000000010000000b", 4, Z(1, 10));
	put(f, ZAB_DISK_RECORD, Z(1, 11), "k");
	fclose(f);
	take(Z(1, 10), &st);
	assert_int_equal(zab_snap_purge(dir_fd, dir, 1, &ps, note, NULL), 0);
	assert_int_equal(ps.snaps, 1);
	assert_int_equal(ps.segs, 0);
	recover(&log);
	assert_int_equal(log.repaired, 0);
	assert_int_equal(log.n, 3);
	zab_disklog_release(&log);
}

/*
 * A segment that follows records a TRUNC at its start cut back: once the
 * segment before it is purged, the log starts at the TRUNC's point, not at
 * the records it removed. Else they would come back as the log's base, in
 * the kernel's history (a DIFF to a member holding them).
 */
static void test_purge_below_trunc(void **state)
{
	struct zab_purge_stats ps;
	struct zab_snap_stats st;
	struct zab_disklog log;
	uint64_t base;
	FILE *f;

	(void)state;
	/* 6..8 proposed in epoch 1, never committed */
	f = seg_open("log.0000000100000001", 1, 0);
	for (unsigned int i = 1; i <= 8; i++)
		put_kv(f, Z(1, i), "k", "1");
	put(f, ZAB_DISK_COMMIT, Z(1, 5), NULL);
	fclose(f);
	/* the next leader's history ends at 5: TRUNC, then epoch 2 */
	f = seg_open("log.0000000100000005", 2, Z(1, 8));
	put(f, ZAB_DISK_TRUNC, Z(1, 5), NULL);
	put_kv(f, Z(2, 1), "k", "2");
	put_kv(f, Z(2, 2), "k", "3");
	put(f, ZAB_DISK_COMMIT, Z(2, 2), NULL);
	fclose(f);
	recover(&log);
	assert_int_equal(log.n, 7);
	assert_int_equal(log.last, Z(2, 2));
	zab_disklog_release(&log);
	take(Z(2, 1), &st);
	assert_int_equal(zab_snap_purge(dir_fd, dir, 1, &ps, note, NULL), 0);
	assert_int_equal(ps.segs, 1);
	assert_false(exists("log.0000000100000001"));
	recover(&log);
	assert_int_equal(log.repaired, 0);
	assert_int_equal(log.base, Z(1, 5));
	assert_int_equal(log.n, 2);
	assert_int_equal(log.recs[0].zxid, Z(2, 1));
	assert_int_equal(log.commit, Z(2, 2));
	zab_disklog_release(&log);
	/* the next snapshot builds on the first, from zxid 0 */
	take(Z(2, 2), &st);
	assert_int_equal(st.base, 0);
	assert_int_equal(snapxfer_needed(dir_fd, &base), 0);
}

/*
 * A SNAP after an earlier purge: the first segment follows records only a
 * snapshot since purged covered, then a RESET; the member's own snapshot,
 * taken after it, starts at the RESET. The RESET makes those records moot:
 * the log starts there. Without a RESET a segment is missing, as before.
 */
static void test_reset_after_purge(void **state)
{
	struct zab_disklog log;
	FILE *f;

	(void)state;
	f = seg_open("log.0000000100000004", 2, Z(1, 3));
	put_kv(f, Z(1, 4), "k", "4");
	put(f, ZAB_DISK_RESET, Z(1, 9), NULL);
	put_kv(f, Z(1, 10), "k", "10");
	put(f, ZAB_DISK_COMMIT, Z(1, 10), NULL);
	fclose(f);
	write_snapshot_file("snap.000000010000000a", Z(1, 10), Z(1, 9));
	recover(&log);
	assert_int_equal(log.repaired, 0);
	assert_null(strstr(notes, "a segment is missing"));
	assert_int_equal(log.base, Z(1, 9));
	assert_int_equal(log.n, 1);
	assert_int_equal(log.recs[0].zxid, Z(1, 10));
	assert_int_equal(log.commit, Z(1, 10));
	assert_true(exists("log.0000000100000004"));
	zab_disklog_release(&log);
	/* the same without the RESET: two segments set aside */
	assert_int_equal(unlinkat(dir_fd, "log.0000000100000004", 0), 0);
	f = seg_open("log.0000000100000004", 2, Z(1, 3));
	put_kv(f, Z(1, 4), "k", "4");
	fclose(f);
	f = seg_open("log.0000000100000005", 3, Z(1, 4));
	put_kv(f, Z(1, 5), "k", "5");
	fclose(f);
	recover(&log);
	assert_non_null(strstr(notes, "log.0000000100000004 follows 0x100000003, which the newest snapshot does not cover: a segment is missing"));
	assert_int_equal(log.n, 0);
	assert_int_equal(log.base, 0);
	assert_int_equal(log.n_segs, 0);
	assert_true(exists("log.0000000100000004.corrupt"));
	assert_true(exists("log.0000000100000005.corrupt"));
	assert_int_equal(log.next_seq, 4);
	zab_disklog_release(&log);
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 0);
	/*
	 * Damage in such a segment, a durable point after it of the last
	 * record read: the log is refused whole, so what that point vouched
	 * for is lost, and marked
	 */
	f = seg_open("log.0000000100000006", 4, Z(1, 3));
	put_kv(f, Z(1, 4), "k", "4");
	put_kv(f, Z(1, 5), "k", "5");
	put(f, ZAB_DISK_COMMIT, Z(1, 5), NULL);
	put(f, ZAB_DISK_DURABLE, Z(1, 5), NULL);
	fclose(f);
	poke("log.0000000100000006", size_of("log.0000000100000006") - 2 * 24, "\x7f");
	recover(&log);
	assert_int_equal(log.n, 0);
	assert_true(log.lost);
	zab_disklog_release(&log);
	assert_int_equal(zab_disklog_unsynced(dir_fd, NULL, 0), 1);
}

/* Purge counts snapshots from the newest that checks. */
static void test_purge_keeps_good_snapshot(void **state)
{
	struct zab_purge_stats ps;
	struct zab_snap_stats st;
	struct zab_disklog log;
	char path[128];
	FILE *f;

	(void)state;
	write_three_segments();
	take(Z(1, 5), &st);
	take(Z(1, 8), &st);
	snprintf(path, sizeof(path), "%s/snap.0000000100000008", dir);
	f = fopen(path, "r+");
	assert_int_equal(fputc('X', f), 'X');	/* its header */
	fclose(f);
	assert_int_equal(zab_snap_purge(dir_fd, dir, 1, &ps, note, NULL), 0);
	assert_int_equal(ps.snaps, 0);
	assert_true(exists("snap.0000000100000005"));
	recover(&log);
	assert_string_equal(log.snap.name, "snap.0000000100000005");
	assert_int_equal(log.n + (log.base == Z(1, 3) ? 3 : 0), 8);
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
		cmocka_unit_test_setup_teardown(test_flipped_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_names_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_durable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_unsynced_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_mark_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_block_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_block_set_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_block_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_durable_forged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_commit_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_changes_nothing, setup, teardown),
		cmocka_unit_test(test_kv),
		cmocka_unit_test_setup_teardown(test_snapshot_compacts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_across_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_bad_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_bad_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_segment_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_needed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_after_snap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_below_trunc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_after_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_keeps_good_snapshot, setup, teardown),
	};

	return cmocka_run_group_tests_name("disklog", tests, NULL, NULL);
}
