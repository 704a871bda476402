// SPDX-License-Identifier: GPL-2.0
/*
 * zabload: drive /dev/zab/NAME for the broadcast selftests and the checker.
 *
 *   zabload write DEV PREFIX COUNT [SIZE]
 *	COUNT writes of "PREFIX-i" (padded with '.' to SIZE bytes); one line
 *	each: "ok ZXID DATA" or "err ERRNO DATA", then " MS" (when it ended,
 *	in wall-clock milliseconds) if ZABLOAD_STAMP is set. Stops early on
 *	ENOTCONN repeated for two seconds, and at ESHUTDOWN. With ZABLOAD_TRY
 *	set, "try - DATA" before each write too: a writer whose machine dies
 *	mid-write leaves a trace of the record it may have written. With
 *	ZABLOAD_BATCH=N (N > 1), N records per ZAB_IOC_APPEND_BATCH, the
 *	same lines (with ZABLOAD_TRY, "try" for each record of a batch before
 *	it is appended).
 *	With ZABLOAD_ONCE set, each record is an exactly-once record of one
 *	writer (a random id; numbers from 1): a write that fails with
 *	ECONNRESET, ENOTCONN, EINTR or EAGAIN prints "retry ERRNO DATA" and
 *	is tried again, the same record, until it commits or 30 s pass.
 *   zabload once DEV CLIENT SEQ AFTER DATA
 *	one exactly-once record (struct zab_once_hdr, then DATA): "ok ZXID
 *	DATA" or "err ERRNO DATA".
 *   zabload dump DEV [FROM]
 *	every committed record from zxid FROM on, until none is ready:
 *	"ZXID DATA" lines (DATA up to its first '.', after the exactly-once
 *	header if the record has one).
 *   zabload wait DEV ZXID SECONDS
 *	wait until the commit point reaches ZXID.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/zab.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* " MS": the wall clock in milliseconds, if ZABLOAD_STAMP is set. */
static const char *stamp(void)
{
	static char buf[32];
	struct timespec ts;

	if (!getenv("ZABLOAD_STAMP"))
		return "";
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(buf, sizeof(buf), " %lld",
		 (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	return buf;
}

/*
 * ZABLOAD_BATCH=N: records go N at a time through ZAB_IOC_APPEND_BATCH.
 * The batch's committed prefix prints "ok"; each record after it prints
 * the batch's error, which says of it what a single write's would.
 */
static int write_batches(int fd, const char *prefix, long count, long size,
			 long batch, int try)
{
	struct zab_append *recs = calloc(batch, sizeof(*recs));
	char *bufs = malloc(batch * (size + 64));
	struct zab_append_batch b;
	double idle_since = 0;
	long i = 0, j, k;
	int err;

	if (!recs || !bufs)
		return 2;
	while (i < count) {
		k = count - i < batch ? count - i : batch;
		for (j = 0; j < k; j++) {
			char *buf = bufs + j * (size + 64);
			int n = snprintf(buf, 64, "%s-%ld", prefix, i + j);

			if (n < size)
				memset(buf + n, '.', size - n);
			recs[j] = (struct zab_append){
				.data = (unsigned long)buf,
				.len = n < size ? size : n,
			};
		}
		if (try) {
			for (j = 0; j < k; j++)
				printf("try - %.*s\n",
				       snprintf(NULL, 0, "%s-%ld", prefix, i + j),
				       bufs + j * (size + 64));
			fflush(stdout);
		}
		memset(&b, 0, sizeof(b));
		b.recs = (unsigned long)recs;
		b.count = k;
		err = ioctl(fd, ZAB_IOC_APPEND_BATCH, &b) ? errno : 0;
		if (b.done > k)
			return 2;
		for (j = 0; j < k; j++) {
			const char *buf = bufs + j * (size + 64);
			int n = snprintf(NULL, 0, "%s-%ld", prefix, i + j);

			if (j < (long)b.done)
				printf("ok 0x%016llx %.*s%s\n",
				       (unsigned long long)recs[j].zxid, n, buf,
				       stamp());
			else
				printf("err %s %.*s%s\n",
				       strerrorname_np(err ? err : EPROTO), n, buf,
				       stamp());
		}
		fflush(stdout);
		i += k;
		if (!err) {
			idle_since = 0;
		} else if (err == ESHUTDOWN) {
			break;
		} else if (err == ENOTCONN) {
			if (!idle_since)
				idle_since = now();
			else if (now() - idle_since > 2)
				break;
			usleep(10000);
		}
	}
	free(recs);
	free(bufs);
	return 0;
}

/* Puts the exactly-once header of (@client, @seq, @after) at @buf. */
static size_t once_hdr(char *buf, unsigned long long client,
		       unsigned long long seq, unsigned long long after)
{
	struct zab_once_hdr h = {
		.magic = htobe32(ZAB_ONCE_MAGIC),
		.client = htobe64(client),
		.seq = htobe64(seq),
		.after = htobe64(after),
	};

	memcpy(buf, &h, sizeof(h));
	return sizeof(h);
}

/* ZABLOAD_ONCE: each record tagged, retried until it commits. */
static int write_once(int fd, const char *prefix, long count, long size)
{
	char *buf = malloc(size + 64 + sizeof(struct zab_once_hdr));
	unsigned long long client = 0, after;
	struct zab_status st;
	int rnd = open("/dev/urandom", O_RDONLY);
	long i;

	if (!buf || rnd < 0 || ioctl(fd, ZAB_IOC_STATUS, &st))
		return 2;
	while (!client)
		if (read(rnd, &client, sizeof(client)) != sizeof(client))
			return 2;
	close(rnd);
	after = st.commit_zxid;
	for (i = 0; i < count; i++) {
		size_t off = once_hdr(buf, client, i + 1, after);
		int n = snprintf(buf + off, 64, "%s-%ld", prefix, i);
		double start = now();
		struct zab_append a = {};

		if (n < size)
			memset(buf + off + n, '.', size - n);
		a.data = (unsigned long)buf;
		a.len = off + (n < size ? size : n);
		while (ioctl(fd, ZAB_IOC_APPEND, &a)) {
			int e = errno;

			if ((e != ECONNRESET && e != ENOTCONN && e != EINTR &&
			     e != EAGAIN) || now() - start > 30) {
				printf("err %s %.*s%s\n", strerrorname_np(e), n,
				       buf + off, stamp());
				return 0;
			}
			printf("retry %s %.*s%s\n", strerrorname_np(e), n,
			       buf + off, stamp());
			fflush(stdout);
			usleep(e == ECONNRESET ? 1000 : 20000);
		}
		printf("ok 0x%016llx %.*s%s\n", (unsigned long long)a.zxid, n,
		       buf + off, stamp());
		fflush(stdout);
		after = a.zxid;
	}
	free(buf);
	return 0;
}

static int do_once(const char *dev, unsigned long long client,
		   unsigned long long seq, unsigned long long after,
		   const char *data)
{
	int fd = open(dev, O_RDWR), n = strlen(data);
	char buf[sizeof(struct zab_once_hdr) + 256];
	struct zab_append a = {};
	size_t off;

	if (fd < 0 || n > 256) {
		perror(dev);
		return 2;
	}
	off = once_hdr(buf, client, seq, after);
	memcpy(buf + off, data, n);
	a.data = (unsigned long)buf;
	a.len = off + n;
	if (ioctl(fd, ZAB_IOC_APPEND, &a))
		printf("err %s %s\n", strerrorname_np(errno), data);
	else
		printf("ok 0x%016llx %s\n", (unsigned long long)a.zxid, data);
	close(fd);
	return 0;
}

static int do_write(const char *dev, const char *prefix, long count, long size)
{
	long batch = getenv("ZABLOAD_BATCH") ? atol(getenv("ZABLOAD_BATCH")) : 0;
	char *buf = malloc(size + 64);
	double idle_since = 0;
	int try = getenv("ZABLOAD_TRY") != NULL;
	int fd = open(dev, O_RDWR);
	long i;

	if (fd < 0 || !buf) {
		perror(dev);
		return 2;
	}
	if (getenv("ZABLOAD_ONCE")) {
		i = write_once(fd, prefix, count, size);
		close(fd);
		free(buf);
		return i;
	}
	if (batch > 1) {
		i = write_batches(fd, prefix, count, size, batch, try);
		close(fd);
		free(buf);
		return i;
	}
	for (i = 0; i < count; i++) {
		struct zab_append a = {};
		int n = snprintf(buf, 64, "%s-%ld", prefix, i);

		if (n < size)
			memset(buf + n, '.', size - n);
		a.data = (unsigned long)buf;
		a.len = n < size ? size : n;
		if (try) {
			printf("try - %.*s\n", n, buf);
			fflush(stdout);
		}
		if (ioctl(fd, ZAB_IOC_APPEND, &a) == 0) {
			printf("ok 0x%016llx %.*s%s\n", (unsigned long long)a.zxid,
			       n, buf, stamp());
			idle_since = 0;
		} else {
			printf("err %s %.*s%s\n", strerrorname_np(errno), n, buf,
			       stamp());
			if (errno == ESHUTDOWN)
				break;	/* destroyed: nothing will succeed */
			if (errno == ENOTCONN) {
				if (!idle_since)
					idle_since = now();
				else if (now() - idle_since > 2)
					break;
				usleep(10000);
			}
		}
		fflush(stdout);
	}
	close(fd);
	free(buf);
	return 0;
}

static int do_dump(const char *dev, unsigned long long from)
{
	size_t cap = sizeof(struct zab_rec_hdr) + ZAB_MAX_RECORD_LIMIT;
	char *buf = malloc(cap);
	int fd = open(dev, O_RDONLY | O_NONBLOCK);
	ssize_t n;

	if (fd < 0 || !buf) {
		perror(dev);
		return 2;
	}
	if (from && ioctl(fd, ZAB_IOC_SEEK, &from)) {
		perror("seek");
		return 2;
	}
	while ((n = read(fd, buf, cap)) > 0) {
		struct zab_rec_hdr h;
		char *data = buf + sizeof(h);
		char *dot;

		memcpy(&h, buf, sizeof(h));
		if (h.len >= sizeof(struct zab_once_hdr) &&
		    !memcmp(data, "\0ZON", 4)) {
			data += sizeof(struct zab_once_hdr);
			h.len -= sizeof(struct zab_once_hdr);
		}
		dot = memchr(data, '.', h.len);
		printf("0x%016llx %.*s\n", (unsigned long long)h.zxid,
		       (int)(dot ? dot - data : h.len), data);
	}
	if (n < 0 && errno != EAGAIN) {
		printf("error %s\n", strerrorname_np(errno));
		return 1;
	}
	close(fd);
	free(buf);
	return 0;
}

static int do_wait(const char *dev, unsigned long long zxid, double secs)
{
	int fd = open(dev, O_RDONLY);
	double end = now() + secs;
	struct zab_status st;

	if (fd < 0) {
		perror(dev);
		return 2;
	}
	do {
		if (ioctl(fd, ZAB_IOC_STATUS, &st))
			return 2;
		if (st.commit_zxid >= zxid)
			return 0;
		usleep(20000);
	} while (now() < end);
	fprintf(stderr, "zabload: %s: commit 0x%llx < 0x%llx\n", dev,
		(unsigned long long)st.commit_zxid, zxid);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3], atol(argv[4]),
				argc > 5 ? atol(argv[5]) : 0);
	if (argc >= 7 && !strcmp(argv[1], "once"))
		return do_once(argv[2], strtoull(argv[3], NULL, 0),
			       strtoull(argv[4], NULL, 0),
			       strtoull(argv[5], NULL, 0), argv[6]);
	if (argc >= 3 && !strcmp(argv[1], "dump"))
		return do_dump(argv[2], argc > 3 ? strtoull(argv[3], NULL, 0) : 0);
	if (argc >= 5 && !strcmp(argv[1], "wait"))
		return do_wait(argv[2], strtoull(argv[3], NULL, 0), atof(argv[4]));
	fprintf(stderr, "usage: zabload write DEV PREFIX COUNT [SIZE] | once DEV CLIENT SEQ AFTER DATA | dump DEV [FROM] | wait DEV ZXID SECONDS\n");
	return 2;
}
