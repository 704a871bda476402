// SPDX-License-Identifier: GPL-2.0
/*
 * devtest: exercise /dev/zab/NAME through raw system calls, so selftests check
 * the kernel ABI itself rather than a library's idea of it.
 *
 *   devtest write PATH LEN            write LEN bytes ('x'), print the result
 *   devtest append PATH LEN [FLAGS]   ZAB_IOC_APPEND, print the zxid
 *   devtest batch PATH COUNT LEN [BAD BADLEN|fault]
 *                                     ZAB_IOC_APPEND_BATCH, record BAD of
 *                                     BADLEN bytes (fault: LEN bytes at an
 *                                     address not mapped); print done and
 *                                     zxids
 *   devtest batch-once PATH COUNT POS CLIENT SEQ AFTER
 *                                     ZAB_IOC_APPEND_BATCH of COUNT records,
 *                                     record POS exactly-once (CLIENT, SEQ,
 *                                     AFTER); print done and every zxid
 *   devtest read PATH [nonblock] [CAP] read one record
 *   devtest status PATH               ZAB_IOC_STATUS as key=value lines
 *   devtest eintr PATH LEN SECS [N]   write(2)s of LEN bytes (or batches
 *                                     of N: ZAB_IOC_APPEND_BATCH) for SECS
 *                                     seconds, a signal (no SA_RESTART)
 *                                     every 2 ms interrupting them; print
 *                                     how many committed, were
 *                                     interrupted, failed otherwise
 *   devtest sync PATH [COUNT [MIN]]   COUNT ZAB_IOC_SYNCs, each checked: the
 *                                     index at least MIN, the commit point
 *                                     there after it; print the last index
 *   devtest wsync PATH SPATH COUNT    COUNT times: append 16 bytes through
 *                                     PATH, then sync SPATH, which must
 *                                     cover the append (as above)
 *   devtest seek PATH ZXID            ZAB_IOC_SEEK
 *   devtest lseek PATH                lseek(2), which must be refused
 *   devtest logpath PATH              ZAB_IOC_LOG_PATH, print the path
 *   devtest poll PATH MS              poll(2) for MS ms, print the events
 *   devtest badioctl PATH             an unknown ioctl
 *   devtest restore PATH OP ZXID [LEN] ZAB_IOC_RESTORE: OP base, record (LEN
 *                                     bytes 'r') or commit
 *   devtest restore-batch PATH [cut=N] [zxid=Z] [badptr] ZXID:LEN[:RES]...
 *                                     ZAB_RESTORE_RECORDS of those records
 *                                     (payload 'r', reserved RES), the
 *                                     buffer cut short by N bytes, the
 *                                     request's zxid Z, or a bad pointer
 *
 *   devtest fuzz PATH SEED COUNT      COUNT calls made from SEED: write(2),
 *                                     read(2), poll(2), lseek(2) and every
 *                                     ioctl (and unknown ones) with random
 *                                     sizes, bytes and bad pointers, the
 *                                     file reopened at times; prints how
 *                                     often each errno came back
 *
 * PATH may be fd:N for a descriptor inherited from the shell.
 * Prints "ok ..." or "errno NAME"; exits 0 on success, 1 on a failed call.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/zab.h>

#include "fuzzrng.h"

static int report(long ret)
{
	if (ret < 0) {
		printf("errno %s\n", strerrorname_np(errno));
		return 1;
	}
	return 0;
}

static int do_write(int fd, size_t len)
{
	char *buf = malloc(len ? len : 1);
	ssize_t n;

	memset(buf, 'x', len);
	n = write(fd, buf, len);
	free(buf);
	if (report(n))
		return 1;
	printf("ok %zd\n", n);
	return 0;
}

static int do_append(int fd, size_t len, unsigned int flags)
{
	char *buf = malloc(len ? len : 1);
	struct zab_append a = { .len = len, .flags = flags };
	int ret;

	memset(buf, 'x', len);
	a.data = (unsigned long)buf;
	ret = ioctl(fd, ZAB_IOC_APPEND, &a);
	free(buf);
	if (report(ret))
		return 1;
	printf("ok zxid=0x%llx\n", (unsigned long long)a.zxid);
	return 0;
}

static int do_read(int fd, size_t cap)
{
	char *buf = malloc(cap);
	struct zab_rec_hdr h;
	ssize_t n = read(fd, buf, cap);

	if (report(n)) {
		free(buf);
		return 1;
	}
	if (n == 0) {
		printf("ok eof\n");
	} else {
		memcpy(&h, buf, sizeof(h));
		printf("ok zxid=0x%llx len=%u data=%.*s\n",
		       (unsigned long long)h.zxid, h.len, (int)h.len,
		       buf + sizeof(h));
	}
	free(buf);
	return 0;
}

static int do_status(int fd)
{
	struct zab_status st;

	if (report(ioctl(fd, ZAB_IOC_STATUS, &st)))
		return 1;
	printf("state=%u\nepoch=%u\nmyid=%u\nleader=%u\nlast_zxid=0x%llx\n"
	       "commit_zxid=0x%llx\nwindow_first=0x%llx\nread_next=0x%llx\n",
	       st.state, st.epoch, st.myid, st.leader,
	       (unsigned long long)st.last_zxid,
	       (unsigned long long)st.commit_zxid,
	       (unsigned long long)st.window_first,
	       (unsigned long long)st.read_next);
	return 0;
}

/*
 * @count syncs in a row. Each must return an index at least @min, with
 * the member's commit point already there after it. Prints the last
 * index, the commit point and the mean time per sync.
 */
static int do_sync(int fd, unsigned long count, unsigned long long min)
{
	struct zab_status st0, st;
	struct timespec a, b;
	unsigned long i;
	__u64 z = 0;
	long long us;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < count; i++) {
		if (report(ioctl(fd, ZAB_IOC_STATUS, &st0)) ||
		    report(ioctl(fd, ZAB_IOC_SYNC, &z)) ||
		    report(ioctl(fd, ZAB_IOC_STATUS, &st)))
			return 1;
		/*
		 * The commit point is judged only within one epoch: a SNAP
		 * since may have set it back to the snapshot's zxid.
		 */
		if (z < min || (st.epoch == st0.epoch && st.commit_zxid < z)) {
			printf("bad index=0x%llx min=0x%llx commit=0x%llx\n",
			       (unsigned long long)z, min,
			       (unsigned long long)st.commit_zxid);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	us = (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_nsec - a.tv_nsec) / 1000;
	printf("ok zxid=0x%llx commit=0x%llx us_per_sync=%lld\n",
	       (unsigned long long)z, (unsigned long long)st.commit_zxid,
	       count ? us / (long long)count : 0);
	return 0;
}

/* @count appends through @fd, each followed by a sync of @spath covering it. */
static int do_wsync(int fd, const char *spath, unsigned long count)
{
	struct zab_append a = { .len = 16 };
	struct zab_status st;
	char buf[16] = "wsync-----------";
	unsigned long i;
	int sfd = open(spath, O_RDONLY);
	__u64 z;

	if (report(sfd))
		return 1;
	a.data = (unsigned long)buf;
	for (i = 0; i < count; i++) {
		if (report(ioctl(fd, ZAB_IOC_APPEND, &a)) ||
		    report(ioctl(sfd, ZAB_IOC_SYNC, &z)) ||
		    report(ioctl(sfd, ZAB_IOC_STATUS, &st)))
			return 1;
		if (z < a.zxid || st.commit_zxid < z) {
			printf("bad index=0x%llx appended=0x%llx commit=0x%llx\n",
			       (unsigned long long)z, (unsigned long long)a.zxid,
			       (unsigned long long)st.commit_zxid);
			return 1;
		}
	}
	printf("ok %lu zxid=0x%llx\n", count, (unsigned long long)z);
	close(sfd);
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int do_eintr(int fd, size_t len, unsigned int secs, unsigned int n)
{
	struct zab_append recs[64];
	struct zab_append_batch b;
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	unsigned long ok = 0, intr = 0, other = 0;
	char *buf = malloc(len ? len : 1);
	time_t end = time(NULL) + secs;
	int last = 0;

	memset(buf, 'i', len);
	if (n > 64)
		n = 64;
	for (unsigned int i = 0; i < n; i++)
		recs[i] = (struct zab_append){ .data = (unsigned long)buf, .len = len };
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	while (time(NULL) < end) {
		if (n) {
			b = (struct zab_append_batch){ .recs = (unsigned long)recs,
						       .count = n };
			if (!ioctl(fd, ZAB_IOC_APPEND_BATCH, &b)) {
				ok += n;
				continue;
			}
			ok += b.done;
		} else if (write(fd, buf, len) == (ssize_t)len) {
			ok++;
			continue;
		}
		if (errno == EINTR) {
			intr++;
		} else {
			other++;
			last = errno;
			usleep(10000);
		}
	}
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	printf("ok committed=%lu interrupted=%lu failed=%lu last=%s\n", ok, intr,
	       other, last ? strerrorname_np(last) : "none");
	free(buf);
	return 0;
}

static int do_poll(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	int n = poll(&p, 1, ms);

	if (report(n))
		return 1;
	printf("ok%s%s%s%s\n", n == 0 ? " none" : "",
	       p.revents & POLLIN ? " in" : "", p.revents & POLLOUT ? " out" : "",
	       p.revents & POLLHUP ? " hup" : "");
	return 0;
}

static int do_restore(int fd, const char *op, unsigned long long zxid, size_t len)
{
	char *buf = malloc(len ? len : 1);
	struct zab_restore r = { .zxid = zxid, .len = len };
	int ret;

	memset(buf, 'r', len);
	r.data = len ? (unsigned long)buf : 0;
	r.op = !strcmp(op, "base") ? ZAB_RESTORE_BASE :
	       !strcmp(op, "record") ? ZAB_RESTORE_RECORD :
	       !strcmp(op, "commit") ? ZAB_RESTORE_COMMIT : 99;
	ret = ioctl(fd, ZAB_IOC_RESTORE, &r);
	free(buf);
	return report(ret) ? 1 : (printf("ok\n"), 0);
}

static int do_restore_batch(int fd, int argc, char **argv)
{
	struct zab_restore r = { .op = ZAB_RESTORE_RECORDS };
	size_t used = 0, cap = 1 << 20, cut = 0;
	char *buf = calloc(1, cap);
	int badptr = 0, ret;

	for (int i = 0; i < argc; i++) {
		struct zab_restore_rec rec = { 0 };
		unsigned long long z;
		unsigned int len, res = 0;

		if (!strncmp(argv[i], "cut=", 4)) {
			cut = strtoul(argv[i] + 4, NULL, 0);
			continue;
		}
		if (!strncmp(argv[i], "zxid=", 5)) {
			r.zxid = strtoull(argv[i] + 5, NULL, 0);
			continue;
		}
		if (!strcmp(argv[i], "badptr")) {
			badptr = 1;
			continue;
		}
		if (sscanf(argv[i], "%lli:%u:%u", &z, &len, &res) < 2 ||
		    used + sizeof(rec) + len + 8 > cap) {
			fprintf(stderr, "devtest: bad record `%s'\n", argv[i]);
			return 2;
		}
		rec.zxid = z;
		rec.len = len;
		rec.reserved = res;
		memcpy(buf + used, &rec, sizeof(rec));
		memset(buf + used + sizeof(rec), 'r', len);
		used += sizeof(rec) + ((len + 7) & ~7U);
	}
	r.len = used - (cut < used ? cut : used);
	r.data = badptr ? 8 : (unsigned long)buf;
	ret = ioctl(fd, ZAB_IOC_RESTORE, &r);
	free(buf);
	return report(ret) ? 1 : (printf("ok\n"), 0);
}

static int do_logpath(int fd)
{
	char buf[4096];
	struct zab_log_path lp = { .buf = (unsigned long)buf, .len = sizeof(buf) };

	if (report(ioctl(fd, ZAB_IOC_LOG_PATH, &lp)))
		return 1;
	printf("%s\n", buf);
	return 0;
}

#define FUZZ_BUF (128 << 10)

/* A pointer for the kernel to use: into @buf, NULL, or one never mapped. */
static void *fuzz_ptr(unsigned char *buf)
{
	switch (below(8)) {
	case 0:
		return NULL;
	case 1:
		return (void *)(uintptr_t)0x1000;
	default:
		return buf + below(64);
	}
}

/*
 * ZAB_IOC_APPEND_BATCH of COUNT records of LEN bytes ('b'), record BAD (if
 * given) BADLEN bytes long, or LEN bytes in a page that cannot be read
 * (@fault): "ok DONE FIRST LAST" (zxids), or the errno and "done=N".
 */
static int do_batch(int fd, unsigned int count, size_t len, long bad,
		    size_t badlen, bool fault)
{
	struct zab_append *recs = calloc(count ? count : 1, sizeof(*recs));
	size_t max = len > badlen ? len : badlen;
	char *buf = malloc(max ? max : 1);
	struct zab_append_batch b = { .count = count };
	void *none = MAP_FAILED;
	unsigned int i;
	int ret;

	if (fault) {
		none = mmap(NULL, len ? len : 1, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		badlen = len;
	}
	if (!recs || !buf || (fault && none == MAP_FAILED))
		return 2;
	memset(buf, 'b', max);
	for (i = 0; i < count; i++) {
		recs[i].data = (unsigned long)buf;
		recs[i].len = (long)i == bad ? badlen : len;
		if ((long)i == bad && fault)
			recs[i].data = (unsigned long)none;
	}
	b.recs = (unsigned long)recs;
	ret = ioctl(fd, ZAB_IOC_APPEND_BATCH, &b);
	if (ret < 0) {
		printf("errno %s done=%u\n", strerrorname_np(errno), b.done);
		return 1;
	}
	printf("ok %u 0x%016llx 0x%016llx\n", b.done,
	       (unsigned long long)recs[0].zxid,
	       (unsigned long long)recs[count - 1].zxid);
	for (i = 1; i < count; i++)
		if (recs[i].zxid != recs[i - 1].zxid + 1)
			printf("gap at %u\n", i);
	free(recs);
	free(buf);
	return 0;
}

/*
 * ZAB_IOC_APPEND_BATCH of @count 64-byte records, record @pos an
 * exactly-once record of (@client, @seq, @after): "ok DONE ZXID..." or the
 * errno and "done=N ZXID..." (the zxids of the records done).
 */
static int do_batch_once(int fd, unsigned int count, unsigned int pos,
			 uint64_t client, uint64_t seq, uint64_t after)
{
	struct zab_append recs[64] = { 0 };
	char plain[64], tagged[sizeof(struct zab_once_hdr) + 64];
	struct zab_once_hdr h = {
		.magic = htobe32(ZAB_ONCE_MAGIC),
		.client = htobe64(client),
		.seq = htobe64(seq),
		.after = htobe64(after),
	};
	struct zab_append_batch b = { .count = count };
	unsigned int i;
	int ret;

	if (!count || count > 64 || pos >= count)
		return 2;
	memset(plain, 'p', sizeof(plain));
	memcpy(tagged, &h, sizeof(h));
	memset(tagged + sizeof(h), 'o', sizeof(tagged) - sizeof(h));
	for (i = 0; i < count; i++) {
		recs[i].data = (unsigned long)(i == pos ? tagged : plain);
		recs[i].len = i == pos ? sizeof(tagged) : sizeof(plain);
	}
	b.recs = (unsigned long)recs;
	ret = ioctl(fd, ZAB_IOC_APPEND_BATCH, &b);
	if (ret < 0)
		printf("errno %s done=%u", strerrorname_np(errno), b.done);
	else
		printf("ok %u", b.done);
	for (i = 0; i < b.done; i++)
		printf(" 0x%llx", (unsigned long long)recs[i].zxid);
	printf("\n");
	return ret < 0;
}

static int do_fuzz(const char *path, uint64_t seed, unsigned long count)
{
	static const unsigned long cmds[] = {
		ZAB_IOC_APPEND, ZAB_IOC_STATUS, ZAB_IOC_SEEK, ZAB_IOC_RESTORE,
		ZAB_IOC_LOG_PATH, ZAB_IOC_APPEND_BATCH,
	};
	static int errs[200];
	unsigned char *buf = malloc(FUZZ_BUF + 64);
	int fd = -1, e, oks = 0;
	unsigned long n;
	struct pollfd p;
	long ret = 0;
	size_t i, len;

	if (!buf)
		return 2;
	fuzz_seed(seed);
	for (n = 0; n < count; n++) {
		if (fd < 0 || !below(64)) {
			if (fd >= 0)
				close(fd);
			/* never a blocking read: O_NONBLOCK always */
			fd = open(path, (below(4) ? O_RDWR : O_RDONLY) | O_NONBLOCK);
			if (fd < 0) {
				/* destroyed: the calls below go to a closed fd */
				fd = -1;
			}
		}
		len = below(4) ? below(256) : below(FUZZ_BUF);
		for (i = 0; i < 64 && i < len; i++)
			buf[i] = (unsigned char)rnd();
		switch (below(7)) {
		case 0:
			ret = write(fd, below(16) ? buf : fuzz_ptr(buf), len);
			break;
		case 1:
			ret = read(fd, below(16) ? buf : fuzz_ptr(buf), len);
			break;
		case 2:
			p = (struct pollfd){ .fd = fd, .events = (short)rnd() };
			ret = poll(&p, 1, (int)below(5));
			break;
		case 3:
			ret = lseek(fd, (off_t)rnd(), (int)below(5));
			break;
		case 4: {
			/* a known command, its size field changed at times */
			unsigned long cmd = cmds[below(sizeof(cmds) / sizeof(cmds[0]))];

			if (!below(8))
				cmd = (cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) |
				      (below(64) << _IOC_SIZESHIFT);
			if (cmd == ZAB_IOC_RESTORE || cmd == ZAB_IOC_APPEND ||
			    cmd == ZAB_IOC_LOG_PATH) {
				/* small ops and lengths, pointers into buf */
				uint32_t *w = (uint32_t *)buf;
				uint64_t *q = (uint64_t *)buf;

				w[0] = (uint32_t)below(6);
				w[1] = (uint32_t)(below(2) ? below(300) : rnd());
				q[1] = below(2) ? (1ULL << 32 | below(8)) : rnd();
				q[2] = below(4) ? (uint64_t)(uintptr_t)(buf + 64) : rnd();
			}
			if (cmd == ZAB_IOC_APPEND_BATCH) {
				/* up to 3 records at buf + 64, mostly valid */
				struct zab_append_batch *b = (void *)buf;
				struct zab_append *r = (void *)(buf + 64);

				b->recs = below(4) ? (uintptr_t)r : rnd();
				b->count = below(4) ? below(4) : (uint32_t)rnd();
				b->flags = below(8) ? 0 : (uint32_t)rnd();
				b->reserved = below(8) ? 0 : (uint32_t)rnd();
				for (i = 0; i < 3; i++)
					r[i] = (struct zab_append){
						.data = below(4) ? (uintptr_t)(buf + 200) : rnd(),
						.len = below(2) ? below(300) : (uint32_t)rnd(),
						.flags = below(8) ? 0 : (uint32_t)rnd(),
					};
			}
			ret = ioctl(fd, cmd, fuzz_ptr(buf));
			break;
		}
		case 5:
			ret = ioctl(fd, _IOC(below(4), ZAB_IOC_MAGIC, below(16), below(128)),
				    fuzz_ptr(buf));
			break;
		default:
			ret = ioctl(fd, (unsigned long)rnd(), fuzz_ptr(buf));
			break;
		}
		if (ret >= 0)
			oks++;
		else
			errs[errno < 199 ? errno : 199]++;
	}
	if (fd >= 0)
		close(fd);
	printf("ok %d", oks);
	for (e = 1; e < 200; e++)
		if (errs[e])
			printf(" %s %d", strerrorname_np(e) ?: "E?", errs[e]);
	printf("\n");
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *op, *path;
	int fd, flags = O_RDWR;

	if (argc < 3) {
		fprintf(stderr, "usage: devtest OP PATH [ARGS]\n");
		return 2;
	}
	op = argv[1];
	path = argv[2];
	if (!strcmp(op, "fuzz") && argc == 5)
		return do_fuzz(path, strtoull(argv[3], NULL, 0), strtoul(argv[4], NULL, 0));
	if (!strcmp(op, "read") && argc > 3 && !strcmp(argv[3], "nonblock"))
		flags |= O_NONBLOCK;
	if (!strncmp(path, "fd:", 3))
		fd = atoi(path + 3);	/* an fd the shell kept open */
	else
		fd = open(path, flags);
	if (report(fd))
		return 1;
	if (!strcmp(op, "write") && argc > 3)
		return do_write(fd, strtoul(argv[3], NULL, 0));
	if (!strcmp(op, "append") && argc > 3)
		return do_append(fd, strtoul(argv[3], NULL, 0),
				 argc > 4 ? strtoul(argv[4], NULL, 0) : 0);
	if (!strcmp(op, "batch") && argc > 4)
		return do_batch(fd, strtoul(argv[3], NULL, 0),
				strtoul(argv[4], NULL, 0),
				argc > 5 ? strtol(argv[5], NULL, 0) : -1,
				argc > 6 ? strtoul(argv[6], NULL, 0) : 0,
				argc > 6 && !strcmp(argv[6], "fault"));
	if (!strcmp(op, "batch-once") && argc > 7)
		return do_batch_once(fd, strtoul(argv[3], NULL, 0),
				     strtoul(argv[4], NULL, 0),
				     strtoull(argv[5], NULL, 0),
				     strtoull(argv[6], NULL, 0),
				     strtoull(argv[7], NULL, 0));
	if (!strcmp(op, "read"))
		return do_read(fd, strtoul(argv[argc - 1], NULL, 0) ?: 65536);
	if (!strcmp(op, "status"))
		return do_status(fd);
	if (!strcmp(op, "wsync") && argc > 4)
		return do_wsync(fd, argv[3], strtoul(argv[4], NULL, 0));
	if (!strcmp(op, "eintr") && argc > 4)
		return do_eintr(fd, strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0),
				argc > 5 ? strtoul(argv[5], NULL, 0) : 0);
	if (!strcmp(op, "sync"))
		return do_sync(fd, argc > 3 ? strtoul(argv[3], NULL, 0) : 1,
			       argc > 4 ? strtoull(argv[4], NULL, 0) : 0);
	if (!strcmp(op, "seek") && argc > 3) {
		unsigned long long z = strtoull(argv[3], NULL, 0);

		if (report(ioctl(fd, ZAB_IOC_SEEK, &z)))
			return 1;
		printf("ok\n");
		return 0;
	}
	if (!strcmp(op, "logpath"))
		return do_logpath(fd);
	if (!strcmp(op, "lseek"))
		return report(lseek(fd, 0, SEEK_SET)) ? 1 : (printf("ok\n"), 0);
	if (!strcmp(op, "poll") && argc > 3)
		return do_poll(fd, atoi(argv[3]));
	if (!strcmp(op, "restore") && argc > 4)
		return do_restore(fd, argv[3], strtoull(argv[4], NULL, 0),
				  argc > 5 ? strtoul(argv[5], NULL, 0) : 0);
	if (!strcmp(op, "restore-batch"))
		return do_restore_batch(fd, argc - 3, argv + 3);
	if (!strcmp(op, "badioctl"))
		return report(ioctl(fd, _IO(ZAB_IOC_MAGIC, 99))) ? 1 : (printf("ok\n"), 0);
	fprintf(stderr, "devtest: unknown operation `%s'\n", op);
	return 2;
}
