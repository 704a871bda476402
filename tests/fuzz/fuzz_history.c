// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libzab's history reader (userspace/lib/history.c): what an application
 * reads of the records older than the kernel's window, from a member's log
 * on disk. The device is played by this harness (ioctl wrapped: LOG_PATH
 * names the scratch dataDir, STATUS gives the commit point); the segments
 * are written from the input as fuzz_disklog describes them, after:
 *
 *   1 byte   commit mode: 0 the commit point is as given, else it is the
 *            scan's last zxid minus the given counter
 *   4 bytes  the commit point, or the counter
 *   2+2 bytes a position FROM (epoch, counter)
 *
 * Properties: no crash, leak or undefined behaviour; reading from zxid 0 on
 * yields, in strictly increasing order, exactly the records of the
 * directory's scan that are at or below the commit point, each with the
 * payload the scan reads; reading from FROM yields the first of them at or
 * after FROM, or nothing.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/zab.h>

#include "disk/disklog.h"
#include "fuzzdisk.h"
#include "lib/libzab.h"

static uint64_t commit_zxid;

int __real_ioctl(int fd, unsigned long req, ...);

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (req == ZAB_IOC_LOG_PATH) {
		struct zab_log_path *lp = arg;
		size_t n = strlen(dir);

		if (lp->len < n + 1) {
			errno = ERANGE;
			return -1;
		}
		memcpy((void *)(uintptr_t)lp->buf, dir, n + 1);
		return (int)n;
	}
	if (req == ZAB_IOC_STATUS) {
		struct zab_status *st = arg;

		memset(st, 0, sizeof(*st));
		st->commit_zxid = commit_zxid;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned int mode = (unsigned int)take(&in, 1);
	uint64_t given = take(&in, 4);
	uint64_t from = take(&in, 2) << 32 | take(&in, 2);
	uint8_t buf[256], want[256];
	struct zab_history *hist;
	struct zab_disklog scan;
	struct zab_rec_hdr hdr;
	uint64_t pos, prev = 0;
	size_t i = 0, n;
	uint64_t seq = 1;
	ssize_t got;

	fresh_dir();
	while (seq <= 4 && write_segment(&in, &seq))
		seq++;
	memset(&scan, 0, sizeof(scan));
	if (zab_disklog_scan(dir_fd, &scan) < 0) {
		zab_disklog_release(&scan);
		return 0;	/* the reader will refuse it too */
	}
	commit_zxid = mode ? scan.last - (given & 0xffff) : given;
	if (zab_history_open(0, &hist) < 0)
		abort();	/* the scan above read it */
	/* records at or below the commit point, in order: those of the scan */
	n = 0;
	while (n < scan.n && scan.recs[n].zxid <= commit_zxid)
		n++;
	for (pos = 0;; pos = hdr.zxid + 1) {
		got = zab_history_read(hist, pos, &hdr, buf, sizeof(buf));
		if (got <= 0)
			break;
		if (i >= n || hdr.zxid != scan.recs[i].zxid || hdr.zxid < pos ||
		    (i && hdr.zxid <= prev) || hdr.len != scan.recs[i].len ||
		    zab_disklog_read(dir_fd, &scan, i, want) ||
		    memcmp(buf, want, hdr.len))
			abort();
		prev = hdr.zxid;
		i++;
	}
	if (got < 0 || i != n)
		abort();	/* a record of the scan was not read, or failed */
	/* from FROM: the first of those at or after it */
	for (i = 0; i < n && scan.recs[i].zxid < from; i++)
		;
	got = zab_history_read(hist, from, &hdr, buf, sizeof(buf));
	if (i < n ? got < 0 || hdr.zxid != scan.recs[i].zxid : got != 0)
		abort();
	zab_history_close(hist);
	zab_disklog_release(&scan);
	return 0;
}
