// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libzab against stand-ins for the device: a directory of plain files for
 * zab_open(), pipes for read(2)/write(2), and a mock of ioctl(2) (the test is
 * linked with -Wl,--wrap=ioctl).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/libzab.h"

/* What the last ioctl() call was given. */
static struct {
	int fd;
	unsigned long request;
	struct zab_append append;
	struct zab_append_batch batch;
	uint64_t seek;
	int batches;
	unsigned char data[256];	/* APPEND's payload, its first bytes */
} last;

int __wrap_ioctl(int fd, unsigned long request, ...);

/*
 * Returns mock(): 0, or a negative errno to fail with. On success, APPEND
 * stores the next mock() as the zxid and STATUS fills in fixed values;
 * APPEND_BATCH takes the next mock() as its done, with or without an error.
 */
int __wrap_ioctl(int fd, unsigned long request, ...)
{
	int ret = mock_type(int);
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	last.fd = fd;
	last.request = request;
	if (request == ZAB_IOC_APPEND) {
		last.append = *(struct zab_append *)arg;
		memcpy(last.data, (const void *)(uintptr_t)last.append.data,
		       last.append.len < sizeof(last.data) ? last.append.len :
		       sizeof(last.data));
	}
	else if (request == ZAB_IOC_SEEK)
		last.seek = *(uint64_t *)arg;
	if (request == ZAB_IOC_APPEND_BATCH) {
		struct zab_append_batch *b = arg;
		struct zab_append *recs = (struct zab_append *)(uintptr_t)b->recs;
		uint32_t i;

		last.batch = *b;
		last.batches++;
		/* how many committed: the next mock(); the zxids 1000 + position */
		b->done = mock_type(uint32_t);
		for (i = 0; i < b->done && i < b->count; i++)
			recs[i].zxid = 1000 + i;
		if (ret < 0) {
			errno = -ret;
			return -1;
		}
		return 0;
	}
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	if (request == ZAB_IOC_APPEND) {
		((struct zab_append *)arg)->zxid = mock_type(uint64_t);
	} else if (request == ZAB_IOC_STATUS) {
		struct zab_status *st = arg;

		*st = (struct zab_status){
			.state = ZAB_STATE_FOLLOWING, .epoch = 4, .myid = 2,
			.leader = 1, .last_zxid = ZAB_ZXID(4, 9),
			.commit_zxid = ZAB_ZXID(4, 8), .window_first = ZAB_ZXID(3, 1),
			.read_next = ZAB_ZXID(4, 1),
		};
	}
	return 0;
}

struct fixture {
	char dir[64];
	char file[PATH_MAX];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	FILE *f;

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/zab-dev-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->file, sizeof(fx->file), "%s/ens1", fx->dir);
	f = fopen(fx->file, "w");
	if (!f || fputs("device ens1", f) == EOF || fclose(f))
		return -1;
	setenv("ZAB_DEV_DIR", fx->dir, 1);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->file);
	rmdir(fx->dir);
	unsetenv("ZAB_DEV_DIR");
	free(fx);
	return 0;
}

static void test_open(void **state)
{
	char buf[32] = "";
	int h;

	(void)state;
	h = zab_open("ens1", O_RDWR);
	assert_true(h >= 0);
	assert_int_equal(read(h, buf, sizeof(buf) - 1), 11);
	assert_string_equal(buf, "device ens1");
	assert_true(fcntl(h, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(zab_close(h), 0);

	h = zab_open("ens1", O_RDONLY | O_NONBLOCK);
	assert_true(h >= 0);
	assert_true(fcntl(h, F_GETFL) & O_NONBLOCK);
	assert_int_equal(zab_close(h), 0);

	assert_int_equal(zab_open("ens2", O_RDONLY), -ENOENT);
}

static void test_open_rejects(void **state)
{
	struct fixture *fx = *state;

	/* names that could leave the device directory, or are not names */
	assert_int_equal(zab_open("../ens1", O_RDONLY), -EINVAL);
	assert_int_equal(zab_open("a/b", O_RDONLY), -EINVAL);
	assert_int_equal(zab_open("", O_RDONLY), -EINVAL);
	assert_int_equal(zab_open(NULL, O_RDONLY), -EINVAL);
	/* flags that do not belong on a device */
	assert_int_equal(zab_open("new", O_RDWR | O_CREAT), -EINVAL);
	assert_int_equal(zab_open("ens1", O_WRONLY | O_TRUNC), -EINVAL);
	assert_int_equal(access(fx->file, F_OK), 0);
}

static void test_open_default_dir(void **state)
{
	(void)state;
	unsetenv("ZAB_DEV_DIR");
	if (access("/dev/zab/ens1", F_OK) == 0)
		skip();
	/* not the file of the fixture any more */
	assert_int_equal(zab_open("ens1", O_RDONLY), -ENOENT);
}

/* Writes a record as the device returns it: header, then payload. */
static void put_record(int fd, uint64_t zxid, uint32_t len, const char *payload,
		       size_t payload_len)
{
	struct zab_rec_hdr hdr = { .zxid = zxid, .len = len };

	assert_int_equal(write(fd, &hdr, sizeof(hdr)), sizeof(hdr));
	if (payload_len)
		assert_int_equal(write(fd, payload, payload_len), (ssize_t)payload_len);
}

static void test_read(void **state)
{
	struct zab_rec_hdr hdr;
	char buf[64];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	put_record(p[1], ZAB_ZXID(2, 5), 5, "hello", 5);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(zab_read(p[0], &hdr, buf, sizeof(buf)), 5);
	assert_true(hdr.zxid == ZAB_ZXID(2, 5));
	assert_int_equal(hdr.len, 5);
	assert_int_equal(hdr.flags, 0);
	assert_string_equal(buf, "hello");

	/* a payload that fills the buffer exactly */
	put_record(p[1], ZAB_ZXID(2, 6), 4, "abcd", 4);
	assert_int_equal(zab_read(p[0], &hdr, buf, 4), 4);
	assert_memory_equal(buf, "abcd", 4);

	close(p[1]);
	assert_int_equal(zab_read(p[0], &hdr, buf, sizeof(buf)), 0);
	close(p[0]);
}

static void test_read_malformed(void **state)
{
	struct zab_rec_hdr hdr;
	char *small;
	int p[2];

	(void)state;
	small = malloc(4);	/* ASan catches any write past it */
	assert_non_null(small);
	assert_int_equal(pipe(p), 0);

	/* shorter than a header */
	assert_int_equal(write(p[1], "0123456789", 10), 10);
	assert_int_equal(zab_read(p[0], &hdr, small, 4), -EPROTO);

	/* header announcing more than came */
	put_record(p[1], 1, 10, "abc", 3);
	assert_int_equal(zab_read(p[0], &hdr, small, 4), -EPROTO);

	/* an empty record */
	put_record(p[1], 1, 0, NULL, 0);
	assert_int_equal(zab_read(p[0], &hdr, small, 4), -EPROTO);

	/* more than the buffer: never copied past it */
	put_record(p[1], 1, 10, "0123456789", 10);
	assert_int_equal(zab_read(p[0], &hdr, small, 4), -EPROTO);

	free(small);
	close(p[0]);
	close(p[1]);
}

static void test_read_errors(void **state)
{
	struct zab_rec_hdr hdr;
	char buf[8];
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(zab_read(p[0], &hdr, buf, sizeof(buf)), -EAGAIN);
	close(p[0]);
	close(p[1]);
	assert_int_equal(zab_read(p[0], &hdr, buf, sizeof(buf)), -EBADF);
}

static void test_write(void **state)
{
	char buf[8] = "";
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(zab_write(p[1], "rec", 3), 0);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 3);
	assert_string_equal(buf, "rec");
	close(p[0]);
	close(p[1]);
	assert_int_equal(zab_write(p[1], "rec", 3), -EBADF);
}

static void test_append(void **state)
{
	static const char payload[] = "record";
	uint64_t zxid = 0;

	(void)state;
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, ZAB_ZXID(5, 1));
	assert_int_equal(zab_append(7, payload, 6, &zxid), 0);
	assert_true(zxid == ZAB_ZXID(5, 1));
	assert_int_equal(last.fd, 7);
	assert_true(last.request == ZAB_IOC_APPEND);
	assert_true(last.append.data == (uintptr_t)payload);
	assert_int_equal(last.append.len, 6);
	assert_int_equal(last.append.flags, 0);

	/* the zxid is optional */
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, ZAB_ZXID(5, 2));
	assert_int_equal(zab_append(7, payload, 1, NULL), 0);
}

static void test_append_errors(void **state)
{
	uint64_t zxid = 99;

	(void)state;
	will_return(__wrap_ioctl, -ECONNRESET);
	assert_int_equal(zab_append(3, "x", 1, &zxid), -ECONNRESET);
	assert_true(zxid == 99);

	will_return(__wrap_ioctl, -ENOTCONN);
	assert_int_equal(zab_append(3, "x", 1, &zxid), -ENOTCONN);

	/* longer than the ioctl can describe: refused before the call */
	assert_int_equal(zab_append(3, "x", (size_t)UINT32_MAX + 1, &zxid), -EMSGSIZE);
}

static void test_append_batch(void **state)
{
	static char payload[2500];
	struct iovec iov[2500];
	uint64_t *zxids = calloc(2500, sizeof(*zxids));
	size_t done = 7, i;

	(void)state;
	assert_non_null(zxids);
	for (i = 0; i < 2500; i++)
		iov[i] = (struct iovec){ payload + i, 1 };
	/* 2500 records: calls of 1024, 1024 and 452, all committed */
	last.batches = 0;
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, 1024);
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, 1024);
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, 452);
	assert_int_equal(zab_append_batch(5, iov, 2500, zxids, &done), 0);
	assert_int_equal(done, 2500);
	assert_int_equal(last.batches, 3);
	assert_int_equal(last.batch.count, 452);
	assert_int_equal(last.batch.flags, 0);
	assert_true(zxids[0] == 1000 && zxids[1023] == 2023);
	assert_true(zxids[1024] == 1000 && zxids[2499] == 1451);

	/* the second call fails after 10 records: 1034 committed, its error */
	memset(zxids, 0, 2500 * sizeof(*zxids));
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, 1024);
	will_return(__wrap_ioctl, -ECONNRESET);
	will_return(__wrap_ioctl, 10);
	assert_int_equal(zab_append_batch(5, iov, 2500, zxids, &done), -ECONNRESET);
	assert_int_equal(done, 1034);
	assert_true(zxids[1033] == 1009 && zxids[1034] == 0);

	/* an older module without the ioctl: one append per record */
	memset(zxids, 0, 2500 * sizeof(*zxids));
	will_return(__wrap_ioctl, -ENOTTY);
	will_return(__wrap_ioctl, 0);
	for (i = 0; i < 3; i++) {
		will_return(__wrap_ioctl, 0);
		will_return(__wrap_ioctl, ZAB_ZXID(6, i + 1));
	}
	will_return(__wrap_ioctl, -ENOTCONN);
	assert_int_equal(zab_append_batch(5, iov, 5, zxids, &done), -ENOTCONN);
	assert_int_equal(done, 3);
	assert_true(last.request == ZAB_IOC_APPEND);
	assert_true(zxids[0] == ZAB_ZXID(6, 1) && zxids[2] == ZAB_ZXID(6, 3));
	assert_true(zxids[3] == 0);

	/* a device claiming more than it was given */
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, 3);
	assert_int_equal(zab_append_batch(5, iov, 2, NULL, NULL), -EPROTO);

	/* a record longer than the ioctl can describe: no call */
	last.batches = 0;
	iov[1].iov_len = (size_t)UINT32_MAX + 1;
	assert_int_equal(zab_append_batch(5, iov, 2, zxids, &done), -EMSGSIZE);
	assert_int_equal(done, 0);
	assert_int_equal(last.batches, 0);
	free(zxids);
}

static void test_seek_and_status(void **state)
{
	struct zab_status st;

	(void)state;
	will_return(__wrap_ioctl, 0);
	assert_int_equal(zab_seek(4, ZAB_ZXID(3, 2)), 0);
	assert_true(last.request == ZAB_IOC_SEEK);
	assert_true(last.seek == ZAB_ZXID(3, 2));

	will_return(__wrap_ioctl, -EINVAL);
	assert_int_equal(zab_seek(4, 0), -EINVAL);

	will_return(__wrap_ioctl, 0);
	assert_int_equal(zab_status(4, &st), 0);
	assert_true(last.request == ZAB_IOC_STATUS);
	assert_int_equal(st.state, ZAB_STATE_FOLLOWING);
	assert_int_equal(st.myid, 2);
	assert_true(st.commit_zxid == ZAB_ZXID(4, 8));

	will_return(__wrap_ioctl, -ENOTTY);
	assert_int_equal(zab_status(4, &st), -ENOTTY);
}

/* Exactly-once records: the tag, and the writer's state on success and error. */
static void test_append_once(void **state)
{
	struct zab_once o = { 0 };
	struct zab_once_hdr hdr;
	const void *data;
	uint64_t zxid = 0, client, seq;
	size_t len;

	(void)state;
	will_return(__wrap_ioctl, 0);
	assert_int_equal(zab_once_start(5, 42, &o), 0);
	assert_true(o.client == 42 && o.seq == 0 && o.after == ZAB_ZXID(4, 8));

	/*
	 * the first try reads the commit point (STATUS); a failed try leaves
	 * the state as it was: the retry sends the same tag, without STATUS
	 */
	o.after = ZAB_ZXID(4, 2);
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, -ECONNRESET);
	assert_int_equal(zab_append_once(5, &o, "abc", 3, &zxid), -ECONNRESET);
	assert_true(o.seq == 0 && o.after == ZAB_ZXID(4, 8) && o.pending);
	assert_int_equal(last.append.len, sizeof(hdr) + 3);
	memcpy(&hdr, last.data, sizeof(hdr));
	assert_true(be32toh(hdr.magic) == ZAB_ONCE_MAGIC && !hdr.reserved);
	assert_true(be64toh(hdr.client) == 42 && be64toh(hdr.seq) == 1 &&
		    be64toh(hdr.after) == ZAB_ZXID(4, 8));
	assert_memory_equal(last.data + sizeof(hdr), "abc", 3);

	/* a retry with another record: refused before the call */
	assert_int_equal(zab_append_once(5, &o, "abd", 3, &zxid), -EINVAL);

	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, ZAB_ZXID(4, 12));
	assert_int_equal(zab_append_once(5, &o, "abc", 3, &zxid), 0);
	assert_true(zxid == ZAB_ZXID(4, 12));
	assert_true(o.seq == 1 && o.after == ZAB_ZXID(4, 12));
	assert_int_equal(zab_once_decode(last.data, last.append.len, &client,
					 &seq, &data, &len), 1);
	assert_true(client == 42 && seq == 1 && len == 3);
	assert_memory_equal(data, "abc", 3);

	/*
	 * the next record: number 2, after the last one's zxid (newer than
	 * the commit point STATUS gives); empty is fine
	 */
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, ZAB_ZXID(4, 13));
	assert_int_equal(zab_append_once(5, &o, NULL, 0, NULL), 0);
	memcpy(&hdr, last.data, sizeof(hdr));
	assert_true(be64toh(hdr.seq) == 2 && be64toh(hdr.after) == ZAB_ZXID(4, 12));
	assert_int_equal(last.append.len, sizeof(hdr));

	/* given up: the next record is numbered after it */
	will_return(__wrap_ioctl, 0);
	will_return(__wrap_ioctl, -ESTALE);
	assert_int_equal(zab_append_once(5, &o, "y", 1, NULL), -ESTALE);
	zab_once_skip(&o);
	assert_true(o.seq == 3 && !o.pending);
	zab_once_skip(&o);
	assert_true(o.seq == 3);

	/* a random id is never 0 */
	will_return(__wrap_ioctl, 0);
	assert_int_equal(zab_once_start(5, 0, &o), 0);
	assert_true(o.client != 0);

	/* no writer id: refused before the call */
	o.client = 0;
	assert_int_equal(zab_append_once(5, &o, "x", 1, NULL), -EINVAL);
}

static void test_once_decode(void **state)
{
	struct zab_once o = { .client = 9, .seq = 6, .after = 3 };
	unsigned char buf[64];
	uint64_t client, seq;
	const void *data;
	size_t len;
	ssize_t n;

	(void)state;
	n = zab_once_encode(buf, sizeof(buf), &o, "hi", 2);
	assert_int_equal(n, sizeof(struct zab_once_hdr) + 2);
	assert_int_equal(zab_once_decode(buf, (size_t)n, &client, &seq, &data, &len), 1);
	assert_true(client == 9 && seq == 7 && len == 2);
	/* too small a buffer */
	assert_int_equal(zab_once_encode(buf, 8, &o, "hi", 2), -EMSGSIZE);
	/* cut short, or a reserved field set: malformed */
	assert_int_equal(zab_once_decode(buf, 12, &client, &seq, &data, &len), -EINVAL);
	buf[4] = 1;
	assert_int_equal(zab_once_decode(buf, (size_t)n, &client, &seq, &data, &len), -EINVAL);
	/* not tagged: text, a keyed record, fewer bytes than the magic */
	assert_int_equal(zab_once_decode("plain text", 10, &client, &seq, &data, &len), 0);
	n = zab_kv_encode(buf, sizeof(buf), "k", 1, "v", 1);
	assert_int_equal(zab_once_decode(buf, (size_t)n, &client, &seq, &data, &len), 0);
	assert_int_equal(zab_once_decode("\0Z", 3, &client, &seq, &data, &len), 0);
}

static void test_close(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(zab_close(p[0]), 0);
	assert_int_equal(zab_close(p[0]), -EBADF);
	assert_int_equal(zab_close(p[1]), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_default_dir, setup, teardown),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_malformed),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_append_errors),
		cmocka_unit_test(test_append_batch),
		cmocka_unit_test(test_seek_and_status),
		cmocka_unit_test(test_append_once),
		cmocka_unit_test(test_once_decode),
		cmocka_unit_test(test_close),
	};

	return cmocka_run_group_tests_name("libzab", tests, NULL, NULL);
}
