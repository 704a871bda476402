// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The reader of zabctl tail against a scripted stand-in for the device: the
 * test is linked with --wrap for zab_read(), zab_status(), zab_seek() and the
 * history (the log on disk).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/libzab.h"
#include "zabctl/reader.h"

#define HANDLE 9
#define MAX_CALLS 32

/* One step of the device: end of file, an error, or a record of @len bytes. */
struct step {
	bool eof;
	int err;
	uint64_t zxid;
	size_t len;
};

static struct {
	const struct step *steps;
	size_t n_steps, pos;
	size_t caps[MAX_CALLS];	/* the room of each zab_read() */
	int reads;
	struct zab_status status;
	int status_err;
	int statuses;
	uint64_t sought[MAX_CALLS];
	int seeks;
	int hist_err;		/* of zab_history_open(); 0: the disk has ... */
	const uint64_t *disk;	/* ... these zxids, in order */
	size_t n_disk;
	int hist_opens;
	uint64_t disk_from[MAX_CALLS];
	int disk_reads;
} dev;

static int fake_history;

ssize_t __wrap_zab_read(int h, struct zab_rec_hdr *hdr, void *buf, size_t cap);
int __wrap_zab_status(int h, struct zab_status *st);
int __wrap_zab_seek(int h, uint64_t zxid);
int __wrap_zab_history_open(int h, struct zab_history **hist);
ssize_t __wrap_zab_history_read(struct zab_history *hist, uint64_t from,
				struct zab_rec_hdr *hdr, void *buf, size_t cap);
void __wrap_zab_history_close(struct zab_history *hist);

/* The payload byte of a record: from its zxid, so records differ. */
static unsigned char fill_of(uint64_t zxid)
{
	return (unsigned char)('a' + zxid % 26);
}

/* As the device: a record larger than the room is not consumed. */
ssize_t __wrap_zab_read(int h, struct zab_rec_hdr *hdr, void *buf, size_t cap)
{
	const struct step *step;

	assert_int_equal(h, HANDLE);
	assert_true(dev.reads < MAX_CALLS);
	dev.caps[dev.reads++] = cap;
	if (dev.pos == dev.n_steps)
		return -EAGAIN;
	step = &dev.steps[dev.pos];
	if (step->eof)
		return 0;	/* for good, as after the instance is destroyed */
	if (step->err) {
		dev.pos++;
		return step->err;
	}
	if (step->len > cap)
		return -EMSGSIZE;
	dev.pos++;
	*hdr = (struct zab_rec_hdr){ .zxid = step->zxid, .len = (uint32_t)step->len };
	memset(buf, fill_of(step->zxid), step->len);
	return (ssize_t)step->len;
}

int __wrap_zab_status(int h, struct zab_status *st)
{
	assert_int_equal(h, HANDLE);
	dev.statuses++;
	if (dev.status_err)
		return dev.status_err;
	*st = dev.status;
	return 0;
}

int __wrap_zab_seek(int h, uint64_t zxid)
{
	assert_int_equal(h, HANDLE);
	assert_true(dev.seeks < MAX_CALLS);
	dev.sought[dev.seeks++] = zxid;
	return 0;
}

int __wrap_zab_history_open(int h, struct zab_history **hist)
{
	assert_int_equal(h, HANDLE);
	dev.hist_opens++;
	if (dev.hist_err)
		return dev.hist_err;
	*hist = (struct zab_history *)&fake_history;
	return 0;
}

/* As the history: the first zxid >= @from on disk, if committed. */
ssize_t __wrap_zab_history_read(struct zab_history *hist, uint64_t from,
				struct zab_rec_hdr *hdr, void *buf, size_t cap)
{
	assert_ptr_equal(hist, &fake_history);
	assert_true(dev.disk_reads < MAX_CALLS);
	dev.disk_from[dev.disk_reads++] = from;
	for (size_t i = 0; i < dev.n_disk; i++) {
		if (dev.disk[i] < from)
			continue;
		if (cap < 3)
			return -EMSGSIZE;
		*hdr = (struct zab_rec_hdr){ .zxid = dev.disk[i], .len = 3 };
		memset(buf, fill_of(dev.disk[i]), 3);
		return 3;
	}
	return 0;
}

void __wrap_zab_history_close(struct zab_history *hist)
{
	assert_true(!hist || hist == (struct zab_history *)&fake_history);
}

static void script(const struct step *steps, size_t n)
{
	memset(&dev, 0, sizeof(dev));
	dev.hist_err = -ENOENT;
	dev.steps = steps;
	dev.n_steps = n;
	dev.status = (struct zab_status){
		.commit_zxid = ZAB_ZXID(3, 9), .window_first = ZAB_ZXID(3, 4),
	};
}

#define SCRIPT(steps) script(steps, sizeof(steps) / sizeof(steps[0]))

static void expect_record(struct zab_reader *r, uint64_t zxid, size_t len)
{
	struct zab_rec_hdr hdr;

	assert_int_equal(zab_reader_next(r, &hdr), (ssize_t)len);
	assert_true(hdr.zxid == zxid);
	assert_int_equal(hdr.len, len);
	for (size_t i = 0; i < len; i++)
		assert_int_equal((unsigned char)r->buf[i], fill_of(zxid));
}

static void expect_result(struct zab_reader *r, ssize_t want)
{
	struct zab_rec_hdr hdr;

	assert_int_equal(zab_reader_next(r, &hdr), want);
}

static void test_records(void **state)
{
	static const struct step steps[] = {
		{ .zxid = ZAB_ZXID(1, 1), .len = 3 },
		{ .zxid = ZAB_ZXID(1, 2), .len = 1 },
		{ .err = -EAGAIN },
		{ .zxid = ZAB_ZXID(1, 3), .len = 2 },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	assert_int_equal(r.cap, ZAB_READER_INITIAL_CAP);
	expect_record(&r, ZAB_ZXID(1, 1), 3);
	expect_record(&r, ZAB_ZXID(1, 2), 1);
	expect_result(&r, -EAGAIN);
	expect_record(&r, ZAB_ZXID(1, 3), 2);
	expect_result(&r, -EAGAIN);
	assert_int_equal(dev.seeks, 0);
	assert_int_equal(dev.statuses, 0);
	zab_reader_release(&r);
	assert_null(r.buf);
}

static void test_end_of_file_and_errors(void **state)
{
	static const struct step steps[] = {
		{ .err = -EINTR },	/* retried */
		{ .err = -EINTR },
		{ .zxid = 5, .len = 1 },
		{ .err = -EPROTO },
		{ .err = -EBADF },
		{ .eof = true },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	expect_record(&r, 5, 1);
	assert_int_equal(dev.reads, 3);
	expect_result(&r, -EPROTO);
	expect_result(&r, -EBADF);
	expect_result(&r, 0);
	expect_result(&r, 0);
	zab_reader_release(&r);
}

static void test_grows(void **state)
{
	static const struct step steps[] = {
		{ .zxid = 1, .len = ZAB_READER_INITIAL_CAP },	/* fits exactly */
		{ .zxid = 2, .len = ZAB_READER_INITIAL_CAP + 1 },
		{ .zxid = 3, .len = 10 },
		{ .zxid = 4, .len = ZAB_MAX_RECORD_LIMIT },
	};
	struct zab_reader r;
	int reads;

	(void)state;
	SCRIPT(steps);
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	expect_record(&r, 1, ZAB_READER_INITIAL_CAP);
	assert_int_equal(dev.reads, 1);

	expect_record(&r, 2, ZAB_READER_INITIAL_CAP + 1);
	assert_int_equal(dev.reads, 3);
	assert_int_equal(dev.caps[1], ZAB_READER_INITIAL_CAP);
	assert_int_equal(dev.caps[2], 2 * ZAB_READER_INITIAL_CAP);

	/* the buffer stays large */
	expect_record(&r, 3, 10);
	assert_int_equal(dev.caps[3], 2 * ZAB_READER_INITIAL_CAP);

	/* doubling stops at the largest record there can be */
	reads = dev.reads;
	expect_record(&r, 4, ZAB_MAX_RECORD_LIMIT);
	assert_int_equal(r.cap, ZAB_MAX_RECORD_LIMIT);
	assert_int_equal(dev.caps[dev.reads - 1], ZAB_MAX_RECORD_LIMIT);
	assert_true(dev.reads - reads <= 8);
	zab_reader_release(&r);
}

static void test_too_large_for_any_buffer(void **state)
{
	static const struct step steps[] = {
		{ .zxid = 1, .len = ZAB_MAX_RECORD_LIMIT + 1 },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	/* gives up instead of growing forever */
	expect_result(&r, -EMSGSIZE);
	assert_int_equal(r.cap, ZAB_MAX_RECORD_LIMIT);
	assert_true(dev.reads <= 10);
	zab_reader_release(&r);
}

static void test_moves_to_window(void **state)
{
	static const struct step steps[] = {
		{ .err = -ERANGE },
		{ .zxid = ZAB_ZXID(3, 4), .len = 2 },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	expect_record(&r, ZAB_ZXID(3, 4), 2);
	assert_int_equal(dev.seeks, 1);
	assert_true(dev.sought[0] == ZAB_ZXID(3, 4));
	zab_reader_release(&r);
}

static void test_moves_past_empty_window(void **state)
{
	static const struct step steps[] = {
		{ .err = -ERANGE },
		{ .err = -EAGAIN },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	dev.status.window_first = 0;
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	expect_result(&r, -EAGAIN);
	assert_int_equal(dev.seeks, 1);
	assert_true(dev.sought[0] == ZAB_ZXID(3, 10));	/* after the commit */
	zab_reader_release(&r);
}

static void test_positioned_never_moves(void **state)
{
	static const struct step steps[] = {
		{ .err = -ERANGE },
		{ .zxid = 7, .len = 1 },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	assert_int_equal(zab_reader_init(&r, HANDLE, true), 0);
	expect_result(&r, -ERANGE);
	assert_int_equal(dev.seeks, 0);
	/* it only looked for a log on disk */
	assert_int_equal(dev.statuses, 1);
	assert_int_equal(dev.hist_opens, 1);
	zab_reader_release(&r);
}

/* Records lost after some were printed are an error, not skipped. */
static void test_no_move_once_started(void **state)
{
	static const struct step steps[] = {
		{ .zxid = 1, .len = 1 },
		{ .err = -ERANGE },
		{ .zxid = 9, .len = 1 },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	expect_record(&r, 1, 1);
	expect_result(&r, -ERANGE);
	assert_int_equal(dev.seeks, 0);
	zab_reader_release(&r);
}

static void test_gives_up_moving(void **state)
{
	static const struct step steps[] = {
		{ .err = -ERANGE }, { .err = -ERANGE }, { .err = -ERANGE },
		{ .err = -ERANGE }, { .err = -ERANGE }, { .err = -ERANGE },
		{ .zxid = 1, .len = 1 },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	expect_result(&r, -ERANGE);
	assert_int_equal(dev.seeks, ZAB_READER_MOVES);
	assert_int_equal(dev.reads, ZAB_READER_MOVES + 1);
	zab_reader_release(&r);
}

static void test_status_fails(void **state)
{
	static const struct step steps[] = {
		{ .err = -ERANGE },
		{ .zxid = 1, .len = 1 },
	};
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	dev.status_err = -ENOTTY;
	assert_int_equal(zab_reader_init(&r, HANDLE, false), 0);
	expect_result(&r, -ERANGE);
	assert_int_equal(dev.statuses, 2);
	assert_int_equal(dev.seeks, 0);
	zab_reader_release(&r);
}

/*
 * Records that left the window come from the disk, each followed by a seek
 * past it, until the device has the next one again.
 */
static void test_reads_from_disk(void **state)
{
	static const struct step steps[] = {
		{ .err = -ERANGE },
		{ .err = -ERANGE },
		{ .zxid = ZAB_ZXID(3, 4), .len = 2 },
	};
	static const uint64_t disk[] = { ZAB_ZXID(1, 1), ZAB_ZXID(3, 3) };
	struct zab_rec_hdr hdr;
	struct zab_reader r;

	(void)state;
	SCRIPT(steps);
	dev.hist_err = 0;
	dev.disk = disk;
	dev.n_disk = 2;
	dev.status.read_next = 1;
	assert_int_equal(zab_reader_init(&r, HANDLE, true), 0);
	assert_int_equal(zab_reader_next(&r, &hdr), 3);
	assert_int_equal(hdr.zxid, ZAB_ZXID(1, 1));
	assert_int_equal(dev.sought[0], ZAB_ZXID(1, 1) + 1);
	dev.status.read_next = ZAB_ZXID(1, 2);
	assert_int_equal(zab_reader_next(&r, &hdr), 3);
	assert_int_equal(hdr.zxid, ZAB_ZXID(3, 3));
	assert_int_equal(dev.sought[1], ZAB_ZXID(3, 4));
	assert_int_equal(dev.disk_from[1], ZAB_ZXID(1, 2));
	expect_record(&r, ZAB_ZXID(3, 4), 2);
	/* the history was opened once */
	assert_int_equal(dev.hist_opens, 1);
	zab_reader_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_end_of_file_and_errors),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_too_large_for_any_buffer),
		cmocka_unit_test(test_moves_to_window),
		cmocka_unit_test(test_moves_past_empty_window),
		cmocka_unit_test(test_positioned_never_moves),
		cmocka_unit_test(test_no_move_once_started),
		cmocka_unit_test(test_gives_up_moving),
		cmocka_unit_test(test_status_fails),
		cmocka_unit_test(test_reads_from_disk),
	};

	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
