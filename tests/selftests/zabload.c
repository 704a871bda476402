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
 *	same lines (no "try").
 *   zabload dump DEV [FROM]
 *	every committed record from zxid FROM on, until none is ready:
 *	"ZXID DATA" lines (DATA up to its first '.').
 *   zabload wait DEV ZXID SECONDS
 *	wait until the commit point reaches ZXID.
 */
#define _GNU_SOURCE
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
			 long batch)
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
	if (batch > 1) {
		i = write_batches(fd, prefix, count, size, batch);
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
	if (argc >= 3 && !strcmp(argv[1], "dump"))
		return do_dump(argv[2], argc > 3 ? strtoull(argv[3], NULL, 0) : 0);
	if (argc >= 5 && !strcmp(argv[1], "wait"))
		return do_wait(argv[2], strtoull(argv[3], NULL, 0), atof(argv[4]));
	fprintf(stderr, "usage: zabload write DEV PREFIX COUNT [SIZE] | dump DEV [FROM] | wait DEV ZXID SECONDS\n");
	return 2;
}
