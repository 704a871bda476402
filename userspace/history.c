// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libzab: the records that left the kernel's window, read back from the
 * member's log on disk. See zab_history_open() in libzab.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "disklog.h"
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

ssize_t zab_history_read(struct zab_history *hist, uint64_t from,
			 struct zab_rec_hdr *hdr, void *buf, size_t cap)
{
	const struct zab_disklog *log = &hist->log;
	size_t lo = 0, hi = log->n;
	int ret;

	/* the first record at or after @from */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (log->recs[mid].zxid < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == log->n || log->recs[lo].zxid > hist->commit)
		return 0;
	if (log->recs[lo].len > cap)
		return -EMSGSIZE;
	ret = zab_disklog_read(hist->dir_fd, &hist->log, lo, buf);
	if (ret < 0)
		return ret;
	memset(hdr, 0, sizeof(*hdr));
	hdr->zxid = log->recs[lo].zxid;
	hdr->len = log->recs[lo].len;
	return (ssize_t)hdr->len;
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
