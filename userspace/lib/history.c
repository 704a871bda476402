// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libzab: the records that left the kernel's window, read back from the
 * member's log on disk. See zab_history_open() in libzab.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "disk/disklog.h"
#include "libzab.h"

struct zab_history {
	int dir_fd;
	struct zab_disklog log;
	uint64_t commit;	/* records up to here are committed */
};

int zab_log_path(int h, char *buf, size_t cap)
{
	struct zab_log_path lp = {
		.buf = (uintptr_t)buf,
		.len = cap > UINT32_MAX ? UINT32_MAX : (uint32_t)cap,
	};
	int n = ioctl(h, ZAB_IOC_LOG_PATH, &lp);

	return n < 0 ? -errno : n;
}

int zab_history_open(int h, struct zab_history **histp)
{
	struct zab_history *hist;
	struct zab_status st;
	char path[PATH_MAX];
	int ret;

	ret = zab_log_path(h, path, sizeof(path));
	if (ret < 0)
		return ret;
	ret = zab_status(h, &st);
	if (ret < 0)
		return ret;
	hist = calloc(1, sizeof(*hist));
	if (!hist)
		return -ENOMEM;
	hist->commit = st.commit_zxid;
	hist->dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (hist->dir_fd < 0) {
		ret = -errno;
		free(hist);
		return ret;
	}
	ret = zab_disklog_scan(hist->dir_fd, &hist->log);
	if (ret < 0) {
		zab_history_close(hist);
		return ret;
	}
	*histp = hist;
	return 0;
}

/* The first of the @n records at @recs with zxid >= @from, or @n. */
static size_t first_from(const struct zab_disklog_rec *recs, size_t n,
			 uint64_t from)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (recs[mid].zxid < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Records the segments still hold come from them. Those before come from
 * the newest snapshot, which kept the last record of each key: a reader
 * from zxid 0 gets the snapshot's records, then the segments' after it.
 */
static ssize_t read_once(struct zab_history *hist, uint64_t from,
			 struct zab_rec_hdr *hdr, void *buf, size_t cap)
{
	struct zab_disklog *log = &hist->log;
	const struct zab_disklog_rec *rec = NULL;
	bool from_snap = false;
	size_t i;
	int ret;

	if (log->snap.name && from <= log->base) {
		i = first_from(log->snap.recs, log->snap.n, from);
		from_snap = i < log->snap.n;
		if (from_snap)
			rec = &log->snap.recs[i];
		else if (from <= log->snap.zxid)
			from = log->snap.zxid + 1;
	}
	if (!from_snap) {
		i = first_from(log->recs, log->n, from);
		if (i == log->n || log->recs[i].zxid > hist->commit)
			return 0;
		rec = &log->recs[i];
	}
	if (rec->len > cap)
		return -EMSGSIZE;
	ret = from_snap ? zab_disklog_read_snap(log, i, buf) :
			  zab_disklog_read(hist->dir_fd, log, i, buf);
	if (ret < 0)
		return ret;
	memset(hdr, 0, sizeof(*hdr));
	hdr->zxid = rec->zxid;
	hdr->len = rec->len;
	return (ssize_t)hdr->len;
}

/* The log as the directory holds it now, in place of the one read before. */
static int rescan(struct zab_history *hist)
{
	struct zab_disklog fresh;
	int ret = zab_disklog_scan(hist->dir_fd, &fresh);

	if (ret < 0) {
		zab_disklog_release(&fresh);
		return ret;
	}
	zab_disklog_release(&hist->log);
	hist->log = fresh;
	return 0;
}

ssize_t zab_history_read(struct zab_history *hist, uint64_t from,
			 struct zab_rec_hdr *hdr, void *buf, size_t cap)
{
	ssize_t ret = read_once(hist, from, hdr, buf, cap);
	int tries = 3;

	/*
	 * A segment listed at open is gone: a purge removed it, once a newer
	 * snapshot held its records. Read the directory again (a purge may
	 * also go on while it is read).
	 */
	while (ret == -ENOENT && tries--) {
		ret = rescan(hist);
		if (!ret)
			ret = read_once(hist, from, hdr, buf, cap);
	}
	return ret;
}

void zab_history_close(struct zab_history *hist)
{
	if (!hist)
		return;
	zab_disklog_release(&hist->log);
	if (hist->dir_fd >= 0)
		close(hist->dir_fd);
	free(hist);
}
