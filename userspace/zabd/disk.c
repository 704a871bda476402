// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * zabd and the log on disk: at start, the segments in dataDir are read back
 * and repaired (disklog.c), the records loaded into the new kernel instance
 * (ZAB_IOC_RESTORE), and the kernel told to go on appending there
 * (ZAB_CMD_LOG). Only the newest records that fit windowBytes are loaded,
 * and every record not known committed: what is older stays on disk. They
 * go to the kernel 4 MiB at a time (ZAB_RESTORE_RECORDS).
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "conf.h"
#include "disk/disklog.h"
#include "common/fmt.h"
#include "lib/libzab.h"
#include "log.h"
#include "common/nl.h"
#include "progress.h"
#include "zabd.h"

/* What a record costs the kernel's window beyond its payload (struct zab_txn). */
#define RECORD_OVERHEAD 80
/* Records go to the kernel this many bytes at a time (ZAB_RESTORE_RECORDS). */
#define RESTORE_BATCH	(4U << 20)

static void note(void *arg, const char *msg)
{
	(void)arg;
	zwarn("%s", msg);
}

/* The segments read back: the first part of the restore's progress. */
static void scanned(void *arg, uint64_t entries, uint64_t bytes, uint64_t total)
{
	struct progress *p = arg;

	progress_total(p, total);
	progress_update(p, entries, bytes);
}

/* ZAB_RESTORE_BASE or ZAB_RESTORE_COMMIT at @zxid. */
static int restore_op(int fd, uint32_t op, uint64_t zxid)
{
	struct zab_restore r = { .op = op, .zxid = zxid };

	return ioctl(fd, ZAB_IOC_RESTORE, &r) < 0 ? -errno : 0;
}

/* The first record to load: the newest that fit the window, and more if
 * records before them are not known committed. */
static size_t first_to_load(const struct zab_disklog *log, uint64_t window)
{
	uint64_t used = 0;
	size_t i = log->n;

	while (i > 0) {
		uint64_t cost = log->recs[i - 1].len + RECORD_OVERHEAD;

		if (used + cost > window && log->recs[i - 1].zxid <= log->commit)
			break;
		used += cost;
		i--;
	}
	return i;
}

/* Records packed for one ZAB_RESTORE_RECORDS. */
struct batch {
	char *buf;
	size_t used, cap;
};

static int batch_flush(int h, struct batch *b)
{
	struct zab_restore r = {
		.op = ZAB_RESTORE_RECORDS, .len = (uint32_t)b->used,
		.data = (uintptr_t)b->buf,
	};
	int ret = 0;

	if (b->used && ioctl(h, ZAB_IOC_RESTORE, &r) < 0)
		ret = -errno;
	b->used = 0;
	return ret;
}

/* Adds record @i of @log to the batch, sending the batch first if full. */
static int batch_add(int h, int dir_fd, struct zab_disklog *log, size_t i,
		     struct batch *b)
{
	struct zab_restore_rec rec = { .zxid = log->recs[i].zxid, .len = log->recs[i].len };
	size_t need = sizeof(rec) + ((rec.len + 7) & ~7UL);
	int ret;

	if (b->used + need > b->cap) {
		ret = batch_flush(h, b);
		if (ret < 0)
			return ret;
	}
	if (need > b->cap) {
		char *more = realloc(b->buf, need);

		if (!more)
			return -ENOMEM;
		b->buf = more;
		b->cap = need;
	}
	memcpy(b->buf + b->used, &rec, sizeof(rec));
	memset(b->buf + b->used + need - 8, 0, 8);
	ret = zab_disklog_read(dir_fd, log, i, b->buf + b->used + sizeof(rec));
	if (ret < 0)
		return ret;
	b->used += need;
	return 0;
}

/*
 * In fsync mode, the segments kept are on disk before the kernel appends
 * after them: a previous run in write mode, or one whose log failed, may
 * have left them in the page cache only, and the kernel's DURABLE entries
 * in the next segment say that everything before them is on disk. Most
 * are clean already; their fsync costs little.
 */
static int sync_kept(struct zabd *z, int dir_fd, const struct zab_disklog *log)
{
	for (size_t i = 0; i < log->n_segs; i++) {
		int fd = openat(dir_fd, log->segs[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0 || fsync(fd) < 0) {
			int ret = -errno;

			zerr("sync %s/%s: %s", z->conf->data_dir, log->segs[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			return ret;
		}
		close(fd);
	}
	if (fsync(dir_fd) < 0) {
		int ret = -errno;

		zerr("sync %s: %s", z->conf->data_dir, strerror(-ret));
		return ret;
	}
	return 0;
}

/*
 * Loads the records from @first on into the kernel. The restore's progress
 * @p goes on from what reading the segments did (the entries read, the
 * segments' bytes): the bytes of the records loaded, read once more, are
 * added to its total.
 */
static int load(struct zabd *z, int dir_fd, struct zab_disklog *log, struct progress *p)
{
	const struct zab_conf *conf = z->conf;
	size_t first = first_to_load(log, conf->params.value[ZAB_P_WINDOW_BYTES]);
	uint64_t base = first ? log->recs[first - 1].zxid : log->base;
	uint64_t read = p->info.bytes, records = p->info.records, bytes = 0;
	struct batch b = { .cap = RESTORE_BATCH };
	int h, ret;

	for (size_t i = first; i < log->n; i++)
		bytes += log->recs[i].len;
	progress_total(p, read + bytes);

	h = zab_open(conf->name, O_RDWR);
	if (h < 0) {
		zerr("open /dev/zab/%s: %s", conf->name, strerror(-h));
		return h;
	}
	ret = restore_op(h, ZAB_RESTORE_BASE, base);
	if (!ret)
		b.buf = malloc(b.cap);
	if (!ret && !b.buf)
		ret = -ENOMEM;
	for (size_t i = first; !ret && i < log->n; i++) {
		ret = batch_add(h, dir_fd, log, i, &b);
		if (ret < 0)
			zerr("restore record 0x%" PRIx64 " from %s/%s: %s", log->recs[i].zxid,
			     conf->data_dir, log->segs[log->recs[i].seg], strerror(-ret));
		read += log->recs[i].len;
		if (!((i - first + 1) % 1024))
			progress_update(p, records, read);
	}
	progress_update(p, records, read);
	if (!ret) {
		ret = batch_flush(h, &b);
		if (ret < 0)
			zerr("restore the records up to 0x%" PRIx64 ": %s", log->last,
			     strerror(-ret));
	}
	if (!ret && log->commit > base) {
		ret = restore_op(h, ZAB_RESTORE_COMMIT, log->commit);
		if (ret < 0)
			zerr("restore the commit point 0x%" PRIx64 ": %s", log->commit,
			     strerror(-ret));
	}
	if (!ret)
		zinfo("log on disk: %zu records up to 0x%" PRIx64 " (committed up to 0x%" PRIx64 ") in %zu segments; %zu loaded into memory",
		      log->n, log->last, log->commit, log->n_segs, log->n - first);
	free(b.buf);
	zab_close(h);
	return ret;
}

/* dataDir, opened for reading; -errno (said) if it cannot be. */
static int open_data_dir(struct zabd *z)
{
	int fd = open(z->conf->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fd = -errno;
		zerr("open dataDir %s: %s", z->conf->data_dir, strerror(-fd));
	}
	return fd;
}

int disk_setup(struct zabd *z)
{
	const struct zab_conf *conf = z->conf;
	struct zab_disklog log;
	struct progress p;
	int dir_fd, lock, ret;

	if (conf->durability == ZAB_DURABILITY_MEMORY)
		return 0;
	dir_fd = open_data_dir(z);
	if (dir_fd < 0)
		return dir_fd;
	/* no snapshot or purge may change the files while they are repaired */
	lock = openat(dir_fd, "snap.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		ret = -errno;
		zerr("lock %s/snap.lock: %s", conf->data_dir, strerror(errno));
		if (lock >= 0)
			close(lock);
		close(dir_fd);
		return ret;
	}
	progress_begin(&p, z->nl, conf->name, ZAB_WORK_RESTORE, 0);
	ret = zab_disklog_recover_progress(dir_fd, conf->data_dir, &log, note, scanned, &p);
	close(lock);
	if (ret < 0)
		zerr("cannot read the log in %s: %s", conf->data_dir, strerror(-ret));
	if (!ret && log.repaired)
		zwarn("the log in %s was repaired; this member gets what it lost from the leader",
		      conf->data_dir);
	if (!ret && ZAB_ZXID_EPOCH(log.last) > z->accepted_epoch) {
		/* records are logged only in an epoch accepted first */
		zerr("%s: the log holds zxid 0x%" PRIx64 " of epoch %u, newer than acceptedEpoch %u: the dataDir is inconsistent",
		     conf->data_dir, log.last, (unsigned int)ZAB_ZXID_EPOCH(log.last),
		     z->accepted_epoch);
		ret = -EINVAL;
	}
	if (!ret)
		ret = load(z, dir_fd, &log, &p);
	if (!ret && conf->durability == ZAB_DURABILITY_FSYNC)
		ret = sync_kept(z, dir_fd, &log);
	progress_end(&p, !ret);
	if (!ret) {
		ret = zab_nl_log(z->nl, conf->name, dir_fd, conf->durability,
				 conf->segment_bytes, log.next_seq, 2);
		if (ret == -EINVAL) {
			/* a zab.ko before format 2 knows no ZAB_A_LOG_FORMAT */
			ret = zab_nl_log(z->nl, conf->name, dir_fd, conf->durability,
					 conf->segment_bytes, log.next_seq, 0);
			if (!ret)
				zwarn("zab.ko writes segments of format 1: a loss of records on disk after their fsync goes unseen (upgrade zab.ko)");
		}
		if (ret < 0)
			zerr("keep the log of `%s' in %s: %s", conf->name,
			     conf->data_dir, zab_nl_strerror(z->nl, ret));
		else
			zinfo("log on disk in %s, durability %s", conf->data_dir,
			      zab_durability_name(conf->durability));
	}
	zab_disklog_release(&log);
	close(dir_fd);
	return ret;
}

int disk_unsynced_load(struct zabd *z)
{
	const struct zab_conf *conf = z->conf;
	char why[256];
	int dir_fd, ret;

	if (conf->durability == ZAB_DURABILITY_MEMORY)
		return 0;
	dir_fd = open_data_dir(z);
	if (dir_fd < 0)
		return dir_fd;
	ret = zab_disklog_unsynced(dir_fd, why, sizeof(why));
	close(dir_fd);
	if (ret < 0) {
		zerr("read %s/%s: %s", conf->data_dir, ZAB_DISKLOG_UNSYNCED, strerror(-ret));
		return ret;
	}
	z->unsynced = ret;
	zab_fle_abstain(&z->fle, z->unsynced);
	if (z->unsynced)
		zwarn("%s/%s: %s; this member does not vote, nor count in any quorum, until a leader elected without it has synchronised it",
		      conf->data_dir, ZAB_DISKLOG_UNSYNCED, why);
	return 0;
}

void disk_unsynced_clear(struct zabd *z, const struct zab_info *info)
{
	const struct zab_conf *conf = z->conf;
	int dir_fd, ret;

	if (!z->unsynced)
		return;
	/*
	 * Synchronised by SNAP, the log starts after the leader's snapshot:
	 * until snapd fetched it, the records before are on no disk here.
	 * Tried again at each tick (node.c).
	 */
	if (!snapd_history_whole(z, info))
		return;
	dir_fd = open_data_dir(z);
	ret = dir_fd < 0 ? dir_fd : zab_disklog_clear_unsynced(dir_fd);
	if (dir_fd >= 0)
		close(dir_fd);
	if (ret < 0) {
		zwarn("remove %s/%s: %s; this member still abstains", conf->data_dir,
		      ZAB_DISKLOG_UNSYNCED, strerror(-ret));
		return;
	}
	z->unsynced = false;
	zab_fle_abstain(&z->fle, false);
	zinfo("synchronised after the loss of records on disk: %s/%s removed, this member votes again",
	      conf->data_dir, ZAB_DISKLOG_UNSYNCED);
}
