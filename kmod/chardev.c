// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/zab/NAME: the application's view of an instance.
 *
 * Each open file holds a reference on its instance and its own read position
 * (a zxid). A write appends one record and returns once a quorum committed
 * it; a read returns the next committed record, from the instance's window
 * of committed records in memory. The file outlives the instance: once
 * destroyed, reads see end of file and writes fail with -ESHUTDOWN.
 */
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kmod/broadcast.h"
#include "kmod/chardev.h"
#include "kmod/compat.h"
#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/sync.h"
#include "kmod/txn.h"

static dev_t zab_devt;

/**
 * struct zab_file - one open file of /dev/zab/NAME
 * @zi: the instance, referenced
 * @read_lock: one read at a time, so each returns the next record
 * @read_next: the next read returns the first committed record >= this zxid
 */
struct zab_file {
	struct zab_instance *zi;
	struct mutex read_lock;		/* one read at a time */
	u64 read_next;
};

static int zab_open(struct inode *inode, struct file *file)
{
	struct zab_instance *zi;
	struct zab_file *zf;

	zi = zab_instance_get_by_minor(iminor(inode));
	if (!zi)
		return -ENODEV;
	zf = kzalloc(sizeof(*zf), GFP_KERNEL);
	if (!zf) {
		zab_instance_put(zi);
		return -ENOMEM;
	}
	zf->zi = zi;
	mutex_init(&zf->read_lock);
	zf->read_next = 1;
	file->private_data = zf;
	return stream_open(inode, file);
}

static int zab_release(struct inode *inode, struct file *file)
{
	struct zab_file *zf = file->private_data;

	zab_instance_put(zf->zi);
	mutex_destroy(&zf->read_lock);
	kfree(zf);
	return 0;
}

/* Can a record of @len bytes be appended? 0, -EINVAL or -EMSGSIZE. */
static int check_len(struct zab_instance *zi, size_t len)
{
	if (len == 0)
		return -EINVAL;
	return len > READ_ONCE(zi->params.max_record) ? -EMSGSIZE : 0;
}

/* May a record be submitted now? 0, -ESHUTDOWN or -ENOTCONN. */
static int submit_check(struct zab_instance *zi)
{
	if (READ_ONCE(zi->dead))
		return -ESHUTDOWN;
	return READ_ONCE(zi->state) == ZAB_STATE_LOOKING ? -ENOTCONN : 0;
}

/* Append one record and wait for its commit; the error a writer sees. */
static int append(struct zab_instance *zi, const void __user *buf, size_t len,
		  u64 *zxid)
{
	int err;

	err = check_len(zi, len) ?: submit_check(zi) ?:
	      zab_bcast_write(zi, buf, len, zxid);
	if (err) {
		zab_stat_add(zi, ZAB_STAT_WRITE_ERRORS, 1);
		return err;
	}
	zab_stat_add(zi, ZAB_STAT_WRITES, 1);
	zab_stat_add(zi, ZAB_STAT_WRITE_BYTES, len);
	return 0;
}

static ssize_t zab_write(struct file *file, const char __user *buf,
			 size_t len, loff_t *ppos)
{
	struct zab_file *zf = file->private_data;
	u64 zxid;
	int err;

	err = append(zf->zi, buf, len, &zxid);
	return err ? err : len;
}

/* A committed record at or after the reader's position, if there is one. */
static struct zab_txn *next_committed(struct zab_file *zf, int *err)
{
	struct zab_instance *zi = zf->zi;
	struct zab_txn *txn;

	*err = 0;
	if (zab_log_committed(zi) < zf->read_next)
		return NULL;
	txn = zab_log_find(zi, zf->read_next);
	/*
	 * Was the record we want trimmed, so that the lookup skipped it?
	 * zab_log_trim() and zab_log_reset() set trimmed_zxid before they
	 * erase.
	 */
	smp_rmb();
	if (zf->read_next <= READ_ONCE(zi->trimmed_zxid)) {
		zab_txn_put(txn);
		*err = -ERANGE;
		return NULL;
	}
	if (txn && txn->zxid > zab_log_committed(zi)) {
		zab_txn_put(txn);
		return NULL;
	}
	return txn;
}

static ssize_t read_locked(struct zab_file *zf, char __user *buf, size_t len,
			   bool nonblock)
{
	struct zab_instance *zi = zf->zi;
	struct zab_rec_hdr hdr = {};
	struct zab_txn *txn;
	int err;

	for (;;) {
		/* the commit point need not be a record's zxid: wait for a move */
		u64 seen = zab_log_committed(zi);

		txn = next_committed(zf, &err);
		if (txn || err)
			break;
		if (READ_ONCE(zi->dead))
			return 0;
		if (nonblock)
			return -EAGAIN;
		err = wait_event_interruptible(zi->wq,
					       zab_log_committed(zi) != seen ||
					       READ_ONCE(zi->dead));
		if (err)
			return err;
	}
	if (err)
		return err;
	if (len < sizeof(hdr) + txn->len) {
		err = -EMSGSIZE;
		goto out;
	}
	hdr.zxid = txn->zxid;
	hdr.len = txn->len;
	if (copy_to_user(buf, &hdr, sizeof(hdr)) ||
	    copy_to_user(buf + sizeof(hdr), txn->data, txn->len)) {
		err = -EFAULT;
		goto out;
	}
	zf->read_next = txn->zxid + 1;
	err = sizeof(hdr) + txn->len;
	zab_stat_add(zi, ZAB_STAT_READS, 1);
out:
	zab_txn_put(txn);
	return err;
}

static ssize_t zab_read(struct file *file, char __user *buf, size_t len,
			loff_t *ppos)
{
	struct zab_file *zf = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&zf->read_lock))
		return -ERESTARTSYS;
	ret = read_locked(zf, buf, len, file->f_flags & O_NONBLOCK);
	mutex_unlock(&zf->read_lock);
	return ret;
}

static __poll_t zab_poll(struct file *file, poll_table *wait)
{
	struct zab_file *zf = file->private_data;
	struct zab_instance *zi = zf->zi;
	struct zab_txn *txn;
	__poll_t mask = 0;
	int err;

	poll_wait(file, &zi->wq, wait);
	if (READ_ONCE(zi->dead))
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	txn = next_committed(zf, &err);	/* a read would not block */
	if (txn || err)
		mask |= EPOLLIN | EPOLLRDNORM;
	zab_txn_put(txn);
	if (READ_ONCE(zi->state) != ZAB_STATE_LOOKING)
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static long ioctl_status(struct zab_file *zf, void __user *arg)
{
	struct zab_instance *zi = zf->zi;
	struct zab_status st = {};

	mutex_lock(&zi->lock);
	st.state = zi->state;
	st.epoch = zi->epoch;
	st.myid = zi->myid;
	st.leader = zi->leader;
	mutex_unlock(&zi->lock);
	st.last_zxid = READ_ONCE(zi->last_zxid);
	st.commit_zxid = READ_ONCE(zi->commit_zxid);
	st.window_first = zab_log_first(zi);
	st.read_next = zf->read_next;
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long ioctl_append(struct zab_file *zf, void __user *arg)
{
	struct zab_append req;
	int err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	err = append(zf->zi, u64_to_user_ptr(req.data), req.len, &req.zxid);
	if (err)
		return err;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

/*
 * Submits @recs in order, each without waiting for the one before (a
 * leader proposes them in chunks, zab_bcast_submit_batch()), sends them
 * together, and waits for them in order; a writer's share of the room
 * in flight bounds how far ahead it gets (then it sends what it has and
 * waits for its oldest first). Return 0 with *@done = @n, or the error of
 * record *@done.
 */
static int append_batch(struct zab_instance *zi, struct zab_append *recs,
			struct zab_write *w, u32 n, u32 *done)
{
	u32 sub = 0, got, i, m;
	int err = 0, ret;
	u64 gen = 0;

	*done = 0;
	for (i = 0; i < n; i++) {
		err = recs[i].flags ? -EINVAL : check_len(zi, recs[i].len);
		if (err)
			return err;
	}
	while (sub < n) {
		/* nothing below may sleep (commits as fast as proposed) */
		if (signal_pending(current)) {
			err = -ERESTARTSYS;
			break;
		}
		/* the records that still fit maxRecordSize, proposed together */
		err = submit_check(zi);
		for (m = 0; !err && m < ZAB_SUBMIT_CHUNK && sub + m < n; m++) {
			ret = check_len(zi, recs[sub + m].len);
			if (ret) {
				err = m ? 0 : ret;
				break;
			}
		}
		/*
		 * One generation for the whole batch: were one record lost
		 * to a role change and a later one proposed by the next
		 * leader, the order would break.
		 */
		w[sub].need_gen = gen;
		got = 0;
		ret = err ?: zab_bcast_submit_batch(zi, &recs[sub], &w[sub], m,
						    *done < sub ? ZAB_SUBMIT_NOWAIT : 0,
						    &got);
		if (got) {
			sub += got;
			gen = zab_bcast_write_gen(&w[sub - 1]);
		}
		if (ret == -EAGAIN && *done < sub) {	/* our oldest holds the room */
			zab_stat_add(zi, ZAB_STAT_ROOM_WAITS, 1);
			zab_bcast_flush(zi);
			err = zab_bcast_wait(zi, &w[*done], &recs[*done].zxid);
			if (err)
				goto forget;
			++*done;
			continue;
		}
		err = ret;
		if (err)
			break;
		cond_resched();
	}
	/* what went out is waited for, so that done is all that is known */
	zab_bcast_flush(zi);
	while (*done < sub) {
		ret = zab_bcast_wait(zi, &w[*done], &recs[*done].zxid);
		if (ret) {
			err = ret;
			goto forget;
		}
		++*done;
	}
	goto out;

forget:
	/* record *done failed its wait: those after it, of unknown outcome */
	for (i = *done + 1; i < sub; i++)
		zab_bcast_forget(zi, &w[i]);
out:
	/* a restart would append again what this call submitted */
	return sub && err == -ERESTARTSYS ? -EINTR : err;
}

static long ioctl_append_batch(struct zab_file *zf, void __user *arg)
{
	struct zab_append_batch __user *ub = arg;
	struct zab_instance *zi = zf->zi;
	struct zab_append *recs = NULL;
	struct zab_append_batch b;
	struct zab_write *w = NULL;
	u64 bytes = 0;
	long err;
	u32 i;

	if (copy_from_user(&b, ub, sizeof(b)))
		return -EFAULT;
	b.done = 0;
	if (b.flags || b.reserved || !b.count ||
	    b.count > ZAB_APPEND_BATCH_MAX) {
		err = -EINVAL;
		goto out;
	}
	recs = kvmalloc_array(b.count, sizeof(*recs), GFP_KERNEL_ACCOUNT);
	w = kvmalloc_array(b.count, sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!recs || !w) {
		err = -ENOMEM;
		goto out;
	}
	if (copy_from_user(recs, u64_to_user_ptr(b.recs),
			   array_size(b.count, sizeof(*recs)))) {
		err = -EFAULT;
		goto out;
	}
	err = append_batch(zi, recs, w, b.count, &b.done);
	for (i = 0; i < b.done; i++)
		bytes += recs[i].len;
	zab_stat_add(zi, ZAB_STAT_WRITES, b.done);
	zab_stat_add(zi, ZAB_STAT_WRITE_BYTES, bytes);
	zab_stat_add(zi, ZAB_STAT_WRITE_ERRORS, !!err);
	/* the zxids only: the caller's data, len and flags stay as they are */
	for (i = 0; i < b.done; i++) {
		if (put_user(recs[i].zxid,
			     &((struct zab_append __user *)u64_to_user_ptr(b.recs))[i].zxid)) {
			err = err ?: -EFAULT;
			break;
		}
	}
out:
	/* done always; an error of the records is not hidden by -EFAULT */
	if (put_user(b.done, &ub->done))
		err = err ?: -EFAULT;
	kvfree(w);
	kvfree(recs);
	return err;
}

/* ZAB_RESTORE_RECORDS: the records packed at @data, one at a time. */
static long restore_records(struct zab_instance *zi, const void __user *data,
			    u32 len)
{
	struct zab_restore_rec rec;
	struct zab_txn *txn;
	u32 off = 0, size;
	int err;

	if (!len || len > ZAB_RESTORE_BATCH_MAX)
		return -EINVAL;
	while (off < len) {
		if (len - off < sizeof(rec) ||
		    copy_from_user(&rec, data + off, sizeof(rec)))
			return len - off < sizeof(rec) ? -EINVAL : -EFAULT;
		size = ALIGN(rec.len, 8);
		if (!rec.len || rec.len > ZAB_MAX_RECORD_LIMIT || rec.reserved ||
		    len - off - sizeof(rec) < size)
			return -EINVAL;
		txn = zab_txn_alloc(rec.len);
		if (!txn)
			return -ENOMEM;
		if (copy_from_user(txn->data, data + off + sizeof(rec), rec.len)) {
			zab_txn_put(txn);
			return -EFAULT;
		}
		err = zab_bcast_restore(zi, ZAB_RESTORE_RECORD, rec.zxid, txn);
		if (err) {
			zab_txn_put(txn);
			return err;
		}
		off += sizeof(rec) + size;
		cond_resched();
	}
	return 0;
}

static long ioctl_restore(struct zab_file *zf, void __user *arg)
{
	struct zab_txn *txn = NULL;
	struct zab_restore r;
	int err;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if (r.op == ZAB_RESTORE_RECORDS) {
		if (r.zxid)
			return -EINVAL;
		return restore_records(zf->zi, u64_to_user_ptr(r.data), r.len);
	}
	if (r.op == ZAB_RESTORE_RECORD) {
		if (!r.len || r.len > ZAB_MAX_RECORD_LIMIT)
			return -EINVAL;
		txn = zab_txn_alloc(r.len);
		if (!txn)
			return -ENOMEM;
		if (copy_from_user(txn->data, u64_to_user_ptr(r.data), r.len)) {
			zab_txn_put(txn);
			return -EFAULT;
		}
	} else if (r.len || r.data) {
		return -EINVAL;
	}
	err = zab_bcast_restore(zf->zi, r.op, r.zxid, txn);
	if (err)
		zab_txn_put(txn);
	return err;
}

static long ioctl_log_path(struct zab_file *zf, void __user *arg)
{
	struct zab_log_path lp;
	char *page, *path;
	long ret;
	size_t n;

	if (copy_from_user(&lp, arg, sizeof(lp)))
		return -EFAULT;
	if (lp.reserved)
		return -EINVAL;
	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	path = zab_disk_path(zf->zi, page, PAGE_SIZE);
	if (IS_ERR(path)) {
		ret = PTR_ERR(path);
		goto out;
	}
	n = strlen(path);
	if (n + 1 > lp.len)
		ret = -ENAMETOOLONG;
	else if (copy_to_user(u64_to_user_ptr(lp.buf), path, n + 1))
		ret = -EFAULT;
	else
		ret = n;
out:
	free_page((unsigned long)page);
	return ret;
}

/* Wait until every record the leader committed is delivered here. */
static long ioctl_sync(struct zab_file *zf, u64 __user *uarg)
{
	u64 zxid;
	int err;

	err = zab_sync(zf->zi, &zxid);
	if (err)
		return err;
	return put_user(zxid, uarg);
}

static long zab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct zab_file *zf = file->private_data;
	void __user *uarg = (void __user *)arg;
	u64 zxid;

	switch (cmd) {
	case ZAB_IOC_STATUS:
		return ioctl_status(zf, uarg);
	case ZAB_IOC_APPEND:
	case ZAB_IOC_APPEND_BATCH:
		/* appending is writing: not through a file opened to read */
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
		return cmd == ZAB_IOC_APPEND ? ioctl_append(zf, uarg) :
					       ioctl_append_batch(zf, uarg);
	case ZAB_IOC_RESTORE:
		return ioctl_restore(zf, uarg);
	case ZAB_IOC_LOG_PATH:
		return ioctl_log_path(zf, uarg);
	case ZAB_IOC_SYNC:
		return ioctl_sync(zf, uarg);
	case ZAB_IOC_SEEK:
		if (get_user(zxid, (u64 __user *)uarg))
			return -EFAULT;
		if (mutex_lock_interruptible(&zf->read_lock))
			return -ERESTARTSYS;
		zf->read_next = zxid ?: 1;
		mutex_unlock(&zf->read_lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations zab_fops = {
	.owner		= THIS_MODULE,
	.open		= zab_open,
	.release	= zab_release,
	.read		= zab_read,
	.write		= zab_write,
	.poll		= zab_poll,
	.unlocked_ioctl	= zab_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static char *zab_devnode(zab_devnode_dev *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "zab/%s", dev_name(dev));
}

static struct class zab_class = {
	.name		= "zab",
	.devnode	= zab_devnode,
};

/**
 * zab_chardev_add() - give @zi its char device and /dev/zab/NAME
 * @zi: instance with a name and a minor
 *
 * Return: 0 or a negative errno; nothing to undo on failure.
 */
int zab_chardev_add(struct zab_instance *zi)
{
	dev_t devt = MKDEV(MAJOR(zab_devt), zi->minor);
	int err;

	zi->cdev = cdev_alloc();
	if (!zi->cdev)
		return -ENOMEM;
	zi->cdev->owner = THIS_MODULE;
	zi->cdev->ops = &zab_fops;
	err = cdev_add(zi->cdev, devt, 1);
	if (err)
		goto err_put;
	zi->dev = device_create(&zab_class, NULL, devt, zi, "%s", zi->name);
	if (IS_ERR(zi->dev)) {
		err = PTR_ERR(zi->dev);
		goto err_del;
	}
	return 0;

err_del:
	cdev_del(zi->cdev);
	goto out;
err_put:
	kobject_put(&zi->cdev->kobj);
out:
	zi->cdev = NULL;
	zi->dev = NULL;
	return err;
}

/**
 * zab_chardev_del() - remove the char device of @zi
 * @zi: instance; files already open keep working on the dead instance
 */
void zab_chardev_del(struct zab_instance *zi)
{
	device_unregister(zi->dev);
	cdev_del(zi->cdev);
	zi->cdev = NULL;
	zi->dev = NULL;
}

/**
 * zab_chardev_init() - reserve the major and create the "zab" class
 *
 * Return: 0 or a negative errno.
 */
int zab_chardev_init(void)
{
	int err;

	err = alloc_chrdev_region(&zab_devt, 0, ZAB_MAX_INSTANCES, "zab");
	if (err)
		return err;
	err = class_register(&zab_class);
	if (err)
		unregister_chrdev_region(zab_devt, ZAB_MAX_INSTANCES);
	return err;
}

/**
 * zab_chardev_exit() - undo zab_chardev_init(); every device is gone by now
 */
void zab_chardev_exit(void)
{
	class_unregister(&zab_class);
	unregister_chrdev_region(zab_devt, ZAB_MAX_INSTANCES);
}
