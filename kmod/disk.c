// SPDX-License-Identifier: GPL-2.0
/*
 * The log on disk: segment files in a directory, appended by a work item.
 *
 * The log in memory (log.c) stays what the protocol works on; this makes it
 * durable. One work item per instance writes, in zxid order and in batches,
 * every record logged since its last batch: into the page cache under
 * log_mutex, then, in fsync mode, one fsync without the lock for the whole
 * batch (group commit: records logged meanwhile make the next batch). What
 * a member acknowledges, and what a leader counts as its own
 * acknowledgment, stops at the durable point (zab_disk_ackable()).
 * Truncations and resets of the log are written at once as entries of their
 * own, so that the segments read in order give the log back. In format 2
 * (as zabd asks), after each fsync that made a batch durable, a DURABLE
 * entry says so (not flushed on its own: the next batch's fsync takes it
 * along), so that zabd, reading the log back, tells records lost from the
 * disk after they were acknowledged from a tail that a crash tore before
 * its fsync. The format is in uapi/linux/zab.h ("The log on disk").
 *
 * A write that fails is cut off the segment again, reported once
 * (%ZAB_EVENT_LOG_ERROR) and retried every second; meanwhile the durable
 * point stays where it is, so nothing unwritten is ever acknowledged. A
 * truncation or reset that cannot be written waits for the retry too, ahead
 * of every record. An fsync that fails is for good: the page cache may have
 * dropped what it could not write, and a later fsync would not say so
 * again. The member then acknowledges nothing more until it is restarted
 * and reads its log back.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/netlink.h>

#include "kmod/broadcast.h"
#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/netlink.h"
#include "kmod/peer.h"
#include "kmod/txn.h"

/*
 * The disk work (writes, fsync, segment files) has a queue of its own,
 * unbound: a slow fsync must not hold up the peers' work on zab_wq.
 */
struct workqueue_struct *zab_disk_wq;

#define ZAB_DISK_RETRY	HZ

/**
 * struct zab_disk - an instance's log on disk
 * @zi: the instance; it owns this and frees it last
 * @dir: the directory of the segments
 * @seg: the segment being appended to, NULL until the first write
 * @cred: who attached the log; files are created and written as them
 * @mode: %ZAB_DURABILITY_WRITE or %ZAB_DURABILITY_FSYNC
 * @segment_bytes: a segment is rolled once it holds this many bytes
 * @seq: sequence number of @seg; the next segment gets @seq + 1
 * @nonce: @seg's, in its header and its DURABLE entries; 0 in format 1
 * @format: of the segments written: 2 (DURABLE entries, a nonce) or 1
 * @pos: end of @seg
 * @written: last zxid whose record is in the segments
 * @tail: last zxid of the log as the segments read back give it (the
 *	@prev of the next segment's header)
 * @durable: last zxid that may be acknowledged; read locklessly
 * @commit_written: last commit point written
 * @need_header: @seg was created but its header is not written yet
 * @change_type: %ZAB_DISK_TRUNC or %ZAB_DISK_RESET that could not be written
 *	yet and goes before any record, or 0
 * @change_zxid: its zxid
 * @err: the errno of the last failed write, 0 if none
 * @unreported: @err is not reported yet (%ZAB_EVENT_LOG_ERROR)
 * @broken: an fsync failed: nothing more becomes durable
 * @dead: the instance is being destroyed: nothing is written any more
 * @work: writes the pending records; see disk_work()
 *
 * Everything but @durable (for readers) and @work is under zi->log_mutex.
 */
struct zab_disk {
	struct zab_instance *zi;
	struct file *dir;
	struct file *seg;
	const struct cred *cred;
	u8 mode;
	u32 segment_bytes;
	u64 seq;
	u32 nonce;
	u8 format;
	loff_t pos;
	u64 written;
	u64 tail;
	u64 durable;
	u64 commit_written;
	bool need_header;
	u8 change_type;
	u64 change_zxid;
	int err;
	bool unreported;
	bool broken;
	bool dead;
	struct delayed_work work;
};

/* The log on disk of @zi, NULL in memory mode; lockless. */
static struct zab_disk *disk_of(struct zab_instance *zi)
{
	/* pairs with the release in zab_disk_attach(): @d is initialised */
	return smp_load_acquire(&zi->disk);
}

/* Write @len bytes at the end of the segment; a short write is an error. */
static int put(struct zab_disk *d, const void *buf, size_t len)
{
	loff_t pos = d->pos;
	ssize_t n;

	n = kernel_write(d->seg, buf, len, &pos);
	if (n < 0)
		return n;
	if (n != len)
		return -ENOSPC;
	d->pos = pos;
	return 0;
}

/* After a failed write: cut the segment back to its last whole entry. */
static void cut(struct zab_disk *d, loff_t end)
{
	d->pos = end;
	if (d->seg && vfs_truncate(&d->seg->f_path, end))
		pr_warn_ratelimited("%s: cannot shorten a segment back to %lld bytes\n",
				    d->zi->name, end);
}

/* vfs_fsync(), timed in the instance's fsync_latency. */
static int timed_fsync(struct zab_disk *d, struct file *f, int datasync)
{
	u64 start = ktime_get_ns();
	int err = vfs_fsync(f, datasync);

	zab_hist_add(&d->zi->fsync_latency, ktime_get_ns() - start);
	return err;
}

/*
 * fsync @f. A failure is for good (@broken): the page cache may have dropped
 * the pages it could not write, and a later fsync would not report it.
 */
static int sync_file(struct zab_disk *d, struct file *f, int datasync)
{
	int err = timed_fsync(d, f, datasync);

	if (err)
		d->broken = true;
	return err;
}

/* With log_mutex held: write the header of a segment just created. */
static int write_header(struct zab_disk *d)
{
	struct zab_seg_hdr h = {};
	int err;

	h.magic = cpu_to_be64(d->format == 2 ? ZAB_SEG_MAGIC : ZAB_SEG_MAGIC_V1);
	h.seq = cpu_to_be64(d->seq);
	h.prev = cpu_to_be64(d->tail);
	h.nonce = cpu_to_be32(d->nonce);
	h.crc = cpu_to_be32(zab_disk_crc(&h, offsetof(struct zab_seg_hdr, crc),
					 NULL, 0));
	err = put(d, &h, sizeof(h));
	/* the new name must survive a crash as much as its records */
	if (!err && d->mode == ZAB_DURABILITY_FSYNC)
		err = sync_file(d, d->dir, 0);
	if (err) {
		cut(d, 0);
		return err;
	}
	d->need_header = false;
	return 0;
}

/*
 * With log_mutex held: start a new segment whose first entry is @first, once
 * the current one, if any, is as durable as the mode says.
 */
static int open_segment(struct zab_disk *d, u64 first)
{
	struct file *f;
	char name[48];
	int err;

	unsigned int i;

	/* a name taken (an empty file of a failed attempt, say): another */
	for (i = 0; i < 8; i++) {
		if (i)
			snprintf(name, sizeof(name), "log.%016llx.%llu", first,
				 d->seq + i);
		else
			snprintf(name, sizeof(name), "log.%016llx", first);
		f = file_open_root(&d->dir->f_path, name,
				   O_WRONLY | O_CREAT | O_EXCL | O_LARGEFILE,
				   0644);
		if (!IS_ERR(f) || PTR_ERR(f) != -EEXIST)
			break;
	}
	if (IS_ERR(f))
		return PTR_ERR(f);
	if (d->seg) {
		err = d->mode == ZAB_DURABILITY_FSYNC ? sync_file(d, d->seg, 1) : 0;
		if (err) {
			/* an empty file is left behind; readers skip it */
			fput(f);
			return err;
		}
		fput(d->seg);
	}
	d->seg = f;
	d->seq++;
	d->nonce = d->format == 2 ? get_random_u32() ?: 1 : 0;
	d->pos = 0;
	d->need_header = true;
	return write_header(d);
}

/* With log_mutex held: append one entry, in a new segment if need be. */
static int append(struct zab_disk *d, u8 type, u64 zxid, const void *data,
		  u32 len)
{
	struct zab_disk_rec rec;
	loff_t start;
	int err;

	if (!d->seg || d->pos >= d->segment_bytes)
		err = open_segment(d, zxid);
	else if (d->need_header)
		err = write_header(d);
	else
		err = 0;
	if (err)
		return err;
	zab_disk_rec_fill(&rec, type, zxid, data, len);
	start = d->pos;
	err = put(d, &rec, sizeof(rec));
	if (!err && len)
		err = put(d, data, len);
	if (err)
		cut(d, start);
	else if (type != ZAB_DISK_COMMIT)
		d->tail = zxid;
	return err;
}

/* With log_mutex held: write every record logged since the last batch. */
static int write_pending(struct zab_disk *d)
{
	struct zab_instance *zi = d->zi;
	unsigned long idx;
	struct zab_txn *txn;
	int err = 0;

	if (d->change_type) {
		err = append(d, d->change_type, d->change_zxid, NULL, 0);
		if (err)
			return err;
		d->change_type = 0;
	}
	xa_for_each_range(&zi->log, idx, txn, d->written + 1, zi->last_zxid) {
		err = append(d, ZAB_DISK_RECORD, idx, txn->data, txn->len);
		if (err)
			return err;
		d->written = idx;
	}
	if (zi->commit_zxid > d->commit_written &&
	    zi->commit_zxid <= d->written) {
		err = append(d, ZAB_DISK_COMMIT, zi->commit_zxid, NULL, 0);
		if (!err)
			d->commit_written = zi->commit_zxid;
	}
	return err;
}

/*
 * With log_mutex held: every entry before the end of the segment was on
 * disk after the fsync just done; say so with a DURABLE entry after them.
 * Best effort: one that cannot be written is cut off again, and only means
 * that a reader of the log after a crash cannot tell as much.
 */
static void write_durable(struct zab_disk *d, u64 zxid)
{
	struct zab_disk_rec rec;
	loff_t start = d->pos;

	zab_disk_durable_fill(&rec, zxid, d->nonce);
	if (put(d, &rec, sizeof(rec)))
		cut(d, start);
}

/* With log_mutex held: a write failed with @err; try again later. */
static void failed(struct zab_disk *d, int err)
{
	if (!d->err) {
		if (d->broken)
			pr_err("%s: cannot sync the log on disk (error %d): acknowledging nothing more until restarted\n",
			       d->zi->name, err);
		else
			pr_warn("%s: cannot write the log on disk (error %d): acknowledging nothing more until it works again\n",
				d->zi->name, err);
		d->unreported = true;
	}
	WRITE_ONCE(d->err, -err);
	queue_delayed_work(zab_disk_wq, &d->work, ZAB_DISK_RETRY);
}

static void disk_work(struct work_struct *work)
{
	struct zab_disk *d = container_of(to_delayed_work(work),
					  struct zab_disk, work);
	struct zab_instance *zi = d->zi;
	bool report = false, recovered = false, sync_failed = false;
	struct file *seg = NULL;
	const struct cred *old;
	loff_t pos, end = 0;
	u64 last, seq, end_seq;
	bool wrote;
	int err;

	old = override_creds(d->cred);
	mutex_lock(&zi->log_mutex);
	if (d->dead || d->broken)
		goto unlock;
	pos = d->pos;
	seq = d->seq;
	err = write_pending(d);
	last = d->written;
	wrote = d->pos != pos || d->seq != seq;
	end_seq = d->seq;
	if (d->seg) {
		seg = get_file(d->seg);
		end = d->pos;
	}
	mutex_unlock(&zi->log_mutex);

	/* one fsync for the whole batch, without the lock */
	if (!err && seg && d->mode == ZAB_DURABILITY_FSYNC) {
		err = timed_fsync(d, seg, 1);
		sync_failed = err;
	}
	if (seg)
		fput(seg);

	mutex_lock(&zi->log_mutex);
	/* broken meanwhile: the error may have gone to the other fsync */
	if (d->dead || (!err && d->broken))
		goto unlock;
	if (err) {
		if (sync_failed)
			d->broken = true;	/* see sync_file() */
		failed(d, err);
		goto unlock;
	}
	/* a change that failed meanwhile waits for the retry: not written yet */
	if (d->err && !d->change_type) {
		WRITE_ONCE(d->err, 0);
		recovered = true;
		pr_info("%s: the log on disk is written again\n", zi->name);
	}
	/* a truncation meanwhile lowered what is written */
	last = min(last, d->written);
	if (last > d->durable) {
		WRITE_ONCE(d->durable, last);
		zab_bcast_durable(zi);
	}
	/*
	 * Only if nothing was appended while the lock was dropped (a
	 * truncation or reset: the segment's end moved) and none waits to
	 * be: what comes before the entry must all be on disk.
	 */
	if (wrote && d->mode == ZAB_DURABILITY_FSYNC && d->nonce && d->seq == end_seq &&
	    d->pos == end && !d->change_type)
		write_durable(d, last);
	zab_log_trim(zi);	/* what waited to be written may leave memory */
	if (d->written < zi->last_zxid)
		queue_delayed_work(zab_disk_wq, &d->work, 0);
unlock:
	report = d->unreported;
	d->unreported = false;
	mutex_unlock(&zi->log_mutex);
	revert_creds(old);
	if (report)
		zab_netlink_notify(zi, ZAB_EVENT_LOG_ERROR, 0, ZAB_REASON_NONE);
	if (recovered)
		zab_netlink_notify(zi, ZAB_EVENT_LOG_OK, 0, ZAB_REASON_NONE);
}

/**
 * zab_disk_attach() - keep the log of @zi in segments in @dir from now on
 * @zi: the instance, LOOKING, with zi->lock held
 * @dir: a directory; the log takes over the caller's reference on success
 * @mode: %ZAB_DURABILITY_WRITE or %ZAB_DURABILITY_FSYNC
 * @segment_bytes: the size a segment is rolled at
 * @seq: the sequence number of the first segment it creates
 * @format: of the segments it writes, 1 or 2 (uapi/linux/zab.h)
 * @extack: for error messages
 *
 * What the log holds now is taken to be on disk already: records restored
 * from there (%ZAB_IOC_RESTORE). An instance that led or followed in memory
 * and holds records is refused.
 *
 * Return: 0, -EBUSY if a log is attached or the instance holds records
 * that did not come from disk, -ENOTDIR, or -ENOMEM.
 */
int zab_disk_attach(struct zab_instance *zi, struct file *dir, u8 mode,
		    u32 segment_bytes, u64 seq, u8 format,
		    struct netlink_ext_ack *extack)
{
	struct zab_disk *d;

	lockdep_assert_held(&zi->lock);
	if (!S_ISDIR(file_inode(dir)->i_mode)) {
		NL_SET_ERR_MSG_MOD(extack, "the log's fd must be a directory");
		return -ENOTDIR;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->zi = zi;
	d->dir = dir;
	d->cred = get_current_cred();
	d->mode = mode;
	d->segment_bytes = segment_bytes;
	d->format = format;
	d->seq = seq - 1;
	INIT_DELAYED_WORK(&d->work, disk_work);

	mutex_lock(&zi->log_mutex);
	if (zi->disk) {
		mutex_unlock(&zi->log_mutex);
		put_cred(d->cred);
		kfree(d);
		NL_SET_ERR_MSG_MOD(extack, "the instance already has a log on disk");
		return -EBUSY;
	}
	/* records it took in while leading or following are not on disk */
	if (zi->gen && zi->last_zxid) {
		mutex_unlock(&zi->log_mutex);
		put_cred(d->cred);
		kfree(d);
		NL_SET_ERR_MSG_MOD(extack,
				   "the instance holds records it did not restore from disk: attach the log before it leads or follows");
		return -EBUSY;
	}
	d->written = zi->last_zxid;
	d->tail = zi->last_zxid;
	d->durable = zi->last_zxid;
	d->commit_written = zi->commit_zxid;
	/* readers of zi->disk need not lock: it is set once, freed last */
	smp_store_release(&zi->disk, d);
	mutex_unlock(&zi->log_mutex);
	return 0;
}

/**
 * zab_disk_shutdown() - stop writing: the instance is being destroyed
 * @zi: the instance, dead, its peers gone
 *
 * Context: process context; waits for a write in progress.
 */
void zab_disk_shutdown(struct zab_instance *zi)
{
	struct zab_disk *d = zi->disk;

	if (!d)
		return;
	mutex_lock(&zi->log_mutex);
	d->dead = true;
	mutex_unlock(&zi->log_mutex);
	cancel_delayed_work_sync(&d->work);
	/*
	 * The last DURABLE entry, and what a failed batch left, on disk too:
	 * the next attach starts a new segment after this one, and a power
	 * loss must not tear a segment that others follow.
	 */
	if (d->seg && d->mode == ZAB_DURABILITY_FSYNC && !d->broken) {
		const struct cred *old = override_creds(d->cred);

		if (vfs_fsync(d->seg, 1))
			pr_warn("%s: cannot sync the log on disk at its end\n", d->zi->name);
		revert_creds(old);
	}
	if (d->seg)
		fput(d->seg);
	d->seg = NULL;
	fput(d->dir);
	d->dir = NULL;
}

/**
 * zab_disk_free() - the last of it, when the instance is released
 * @zi: the instance
 */
void zab_disk_free(struct zab_instance *zi)
{
	struct zab_disk *d = zi->disk;

	if (!d)
		return;
	put_cred(d->cred);
	kfree(d);
}

/**
 * zab_disk_kick() - records were logged: write them soon
 * @zi: the instance, log_mutex held (so that it cannot race with
 *	zab_disk_shutdown())
 */
void zab_disk_kick(struct zab_instance *zi)
{
	struct zab_disk *d = zi->disk;

	lockdep_assert_held(&zi->log_mutex);
	/* while writes fail, the retry timer is what tries again */
	if (d && !d->dead && !d->err)
		queue_delayed_work(zab_disk_wq, &d->work, 0);
}

/*
 * With log_mutex held: an entry that changes the log, written at once so that
 * its order against the records is the log's. One that cannot be written yet
 * waits, ahead of every record, for the retry: a truncation merges into a
 * waiting one (the lower point wins), a reset replaces it.
 */
static void write_change(struct zab_disk *d, u8 type, u64 zxid)
{
	const struct cred *old;
	int err;

	if (d->change_type) {
		if (type == ZAB_DISK_RESET) {
			d->change_type = type;
			d->change_zxid = zxid;
		} else if (d->change_type == ZAB_DISK_TRUNC) {
			d->change_zxid = min(d->change_zxid, zxid);
		}
		return;
	}
	if (d->broken) {
		err = -EIO;
	} else {
		old = override_creds(d->cred);
		err = append(d, type, zxid, NULL, 0);
		/*
		 * On disk at once, as the records it removes were: the durable
		 * point drops to @zxid now, and zabd takes a durable point at
		 * the end of the log for a log that ends there after a crash
		 * (currentEpoch is written over it). A rare event: the sync
		 * of a member.
		 */
		if (!err && d->mode == ZAB_DURABILITY_FSYNC)
			err = sync_file(d, d->seg, 1);
		revert_creds(old);
	}
	if (err) {
		d->change_type = type;
		d->change_zxid = zxid;
		failed(d, err);
	}
}

/**
 * zab_disk_truncate() - the log was truncated after @zxid
 * @zi: the instance, log_mutex held
 * @zxid: the last record kept
 */
void zab_disk_truncate(struct zab_instance *zi, u64 zxid)
{
	struct zab_disk *d = zi->disk;

	lockdep_assert_held(&zi->log_mutex);
	if (!d || d->dead)
		return;
	if (d->written > zxid) {
		write_change(d, ZAB_DISK_TRUNC, zxid);
		d->written = zxid;
	}
	if (d->durable > zxid)
		WRITE_ONCE(d->durable, zxid);
}

/**
 * zab_disk_reset() - the log was emptied and goes on after @base
 * @zi: the instance, log_mutex held
 * @base: see zab_log_reset()
 */
void zab_disk_reset(struct zab_instance *zi, u64 base)
{
	struct zab_disk *d = zi->disk;

	lockdep_assert_held(&zi->log_mutex);
	if (!d || d->dead)
		return;
	write_change(d, ZAB_DISK_RESET, base);
	d->written = base;
	d->commit_written = base;
	WRITE_ONCE(d->durable, base);
}

/**
 * zab_disk_ackable() - the last zxid this member may acknowledge
 * @zi: the instance
 *
 * Context: any; lockless.
 * Return: the last zxid logged, bounded by the durable point if the log is
 * on disk.
 */
u64 zab_disk_ackable(struct zab_instance *zi)
{
	struct zab_disk *d = disk_of(zi);
	u64 last = zab_log_last(zi);

	return d ? min(last, READ_ONCE(d->durable)) : last;
}

/**
 * zab_disk_trim_limit() - the last zxid that may leave memory
 * @zi: the instance, log_mutex held
 *
 * Return: the last zxid written to disk, or U64_MAX without a log on disk.
 */
u64 zab_disk_trim_limit(struct zab_instance *zi)
{
	lockdep_assert_held(&zi->log_mutex);
	return zi->disk ? zi->disk->written : U64_MAX;
}

/**
 * zab_disk_mode() - the instance's durability
 * @zi: the instance
 *
 * Return: an &enum zab_durability.
 */
u8 zab_disk_mode(struct zab_instance *zi)
{
	struct zab_disk *d = disk_of(zi);

	return d ? d->mode : ZAB_DURABILITY_MEMORY;
}

/**
 * zab_disk_error() - the errno of the last failed write, 0 if none
 * @zi: the instance
 *
 * Return: a positive errno or 0.
 */
int zab_disk_error(struct zab_instance *zi)
{
	struct zab_disk *d = disk_of(zi);

	return d ? READ_ONCE(d->err) : 0;
}

/**
 * zab_disk_segment_bytes() - the size segments are rolled at, 0 if none
 * @zi: the instance
 *
 * Return: bytes.
 */
u32 zab_disk_segment_bytes(struct zab_instance *zi)
{
	struct zab_disk *d = disk_of(zi);

	return d ? d->segment_bytes : 0;
}

/**
 * zab_disk_path() - the path of the log's directory
 * @zi: the instance
 * @buf: where to build it
 * @len: its size
 *
 * The path is the caller's only if it may read and search the directory:
 * whoever may open the device does not learn where the log lives otherwise.
 *
 * Context: process context; takes log_mutex.
 * Return: the path, somewhere in @buf, or an ERR_PTR: -ENOENT without a log
 * on disk (or once destroyed), -EACCES (or another error of the permission
 * check), -ENAMETOOLONG.
 */
char *zab_disk_path(struct zab_instance *zi, char *buf, int len)
{
	struct zab_disk *d;
	struct path dir;
	char *p;
	int err;

	mutex_lock(&zi->log_mutex);
	d = zi->disk;
	if (!d || d->dead) {
		mutex_unlock(&zi->log_mutex);
		return ERR_PTR(-ENOENT);
	}
	dir = d->dir->f_path;
	path_get(&dir);
	mutex_unlock(&zi->log_mutex);
	err = path_permission(&dir, MAY_READ | MAY_EXEC);
	p = err ? ERR_PTR(err) : d_path(&dir, buf, len);
	path_put(&dir);
	return p;
}
