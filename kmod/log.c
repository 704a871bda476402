// SPDX-License-Identifier: GPL-2.0
/*
 * The in-memory log of an instance: every record it holds, keyed by zxid.
 *
 * Records up to commit_zxid are committed and readable; those after it are
 * proposals. Committed records stay in memory, oldest dropped first, while
 * their total size fits windowBytes; proposals are never dropped. Their
 * total size is pending_bytes, and that of the current epoch's is
 * epoch_pending, which the uncommitted budget bounds (see
 * zab_bcast_rx_over_budget()): an older epoch's proposals are the history a
 * leader carries, whatever its size. Changes happen under zi->log_mutex; lookups are
 * lockless, under RCU, and take a reference.
 */
#include <linux/build_bug.h>
#include <linux/xarray.h>

#include "kmod/broadcast.h"
#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/once.h"
#include "kmod/txn.h"
#include "kmod/zxid.h"

/* A zxid is the xarray index. */
static_assert(sizeof(unsigned long) >= sizeof(u64));

/* Count @txn in epoch_pending if it is a proposal of the current epoch. */
static void budget_add(struct zab_instance *zi, struct zab_txn *txn)
{
	if (txn->budgeted || ZAB_ZXID_EPOCH(txn->zxid) != zi->epoch)
		return;
	txn->budgeted = true;
	WRITE_ONCE(zi->epoch_pending, zi->epoch_pending + zab_txn_size(txn));
}

static void budget_drop(struct zab_instance *zi, struct zab_txn *txn)
{
	if (!txn->budgeted)
		return;
	txn->budgeted = false;
	WRITE_ONCE(zi->epoch_pending, zi->epoch_pending - zab_txn_size(txn));
}

/**
 * zab_log_rebudget() - count the proposals of a new current epoch
 * @zi: the instance, log_mutex held, zi->epoch just set
 *
 * Proposals of older epochs leave the budget (they are the history now);
 * those of this epoch already held (a follower back with its leader) enter.
 * None of them is timed for the commit latency any more.
 */
void zab_log_rebudget(struct zab_instance *zi)
{
	unsigned long idx;
	struct zab_txn *txn;

	lockdep_assert_held(&zi->log_mutex);
	xa_for_each_start(&zi->log, idx, txn, zi->commit_zxid + 1) {
		budget_drop(zi, txn);
		budget_add(zi, txn);
		/* committed by a later epoch: not a broadcast's latency */
		txn->logged_ns = 0;
	}
}

/**
 * zab_log_init() - start an empty log
 * @zi: the instance
 */
void zab_log_init(struct zab_instance *zi)
{
	xa_init(&zi->log);
	zi->window_used = 0;
	zi->pending_bytes = 0;
	zi->epoch_pending = 0;
	zi->trimmed_zxid = 0;
}

/**
 * zab_log_destroy() - drop every record
 * @zi: a dead instance; nothing else touches the log any more
 */
void zab_log_destroy(struct zab_instance *zi)
{
	struct zab_txn *txn;
	unsigned long zxid;

	xa_for_each(&zi->log, zxid, txn)
		zab_txn_put(txn);
	xa_destroy(&zi->log);
}

/**
 * zab_log_append() - add a record after the last one
 * @zi: the instance, log_mutex held
 * @txn: the record, with its zxid set; the log takes over the caller's
 *	reference on success
 *
 * Return: 0 or -ENOMEM.
 */
int zab_log_append(struct zab_instance *zi, struct zab_txn *txn)
{
	int err;

	lockdep_assert_held(&zi->log_mutex);
	err = xa_err(xa_store(&zi->log, txn->zxid, txn, GFP_KERNEL));
	if (err)
		return err;
	WRITE_ONCE(zi->pending_bytes, zi->pending_bytes + zab_txn_size(txn));
	budget_add(zi, txn);
	zab_once_note(zi, txn);
	/* pairs with zab_log_last(): lockless readers may now send this */
	smp_store_release(&zi->last_zxid, txn->zxid);
	zab_disk_kick(zi);
	return 0;
}

/**
 * zab_log_trim() - drop the oldest committed records beyond windowBytes
 * @zi: the instance, log_mutex held
 *
 * Only records that are committed, and written if the log is on disk, go.
 * Records a leader's live followers and observers were not sent yet stay,
 * up to twice windowBytes in all (zab_bcast_send_hold()), unless the disk
 * fails: then the room is the failing disk's.
 */
void zab_log_trim(struct zab_instance *zi)
{
	u64 limit = READ_ONCE(zi->params.window_bytes);
	u64 last = min(zi->commit_zxid, zab_disk_trim_limit(zi));
	/* a failing disk's records need the room (zab_log_behind()) */
	u64 hold = zab_disk_error(zi) ? U64_MAX : zab_bcast_send_hold(zi);
	unsigned long zxid = 0;
	struct zab_txn *txn;

	/* committed, and on disk if the log is: only then may a record go */
	while (zi->window_used > limit) {
		txn = xa_find(&zi->log, &zxid, last, XA_PRESENT);
		if (!txn)
			break;
		if (zxid > hold && zi->window_used <= 2 * limit)
			break;
		/*
		 * Readers check trimmed_zxid after they looked up a record (the
		 * smp_rmb() in zab_log_next() and the chardev's
		 * next_committed()): set it before erasing.
		 */
		WRITE_ONCE(zi->trimmed_zxid, zxid);
		smp_wmb();	/* pairs with the readers' smp_rmb() */
		xa_erase(&zi->log, zxid);
		zi->window_used -= zab_txn_size(txn);
		zab_txn_put(txn);
	}
}

/**
 * zab_log_behind() - do committed records pile up for a failing disk?
 * @zi: the instance, log_mutex held
 *
 * Committed records leave memory only once they are on disk
 * (zab_disk_trim_limit()). While writes fail they pile up; once they exceed
 * the window by windowBytes again, the member must stop taking in records
 * (see leave_if_behind() in broadcast.c) until the disk takes them.
 *
 * Return: true if a write to the log on disk is failing and the committed
 * records held in memory exceed twice windowBytes.
 */
bool zab_log_behind(struct zab_instance *zi)
{
	lockdep_assert_held(&zi->log_mutex);
	return zab_disk_error(zi) &&
	       zi->window_used > 2ULL * READ_ONCE(zi->params.window_bytes);
}

/**
 * zab_log_commit() - move the commit point forward, wake readers and writers
 * @zi: the instance, log_mutex held
 * @zxid: the new commit point; nothing happens unless it is higher and logged
 */
void zab_log_commit(struct zab_instance *zi, u64 zxid)
{
	unsigned long idx;
	struct zab_txn *txn;
	u64 n = 0, bytes = 0, now = 0;

	lockdep_assert_held(&zi->log_mutex);
	zxid = min(zxid, zi->last_zxid);
	if (zxid <= zi->commit_zxid)
		return;
	xa_for_each_range(&zi->log, idx, txn, zi->commit_zxid + 1, zxid) {
		if (txn->logged_ns) {
			now = now ?: ktime_get_ns();
			zab_hist_add(&zi->commit_latency, now - txn->logged_ns);
		}
		bytes += zab_txn_size(txn);
		budget_drop(zi, txn);
		n++;
	}
	zi->window_used += bytes;
	WRITE_ONCE(zi->pending_bytes, zi->pending_bytes - bytes);
	zab_stat_add(zi, ZAB_STAT_COMMITS, n);
	/* pairs with zab_log_committed(): what it returns is readable */
	smp_store_release(&zi->commit_zxid, zxid);
	zab_log_trim(zi);
	wake_up_all(&zi->wq);
	zab_wake_committed(zi, zxid);
}

/**
 * zab_log_truncate() - discard the proposals after @zxid
 * @zi: the instance, log_mutex held
 * @zxid: the new last zxid; never below the commit point
 */
void zab_log_truncate(struct zab_instance *zi, u64 zxid)
{
	unsigned long idx;
	struct zab_txn *txn;

	lockdep_assert_held(&zi->log_mutex);
	if (WARN_ON_ONCE(zxid < zi->commit_zxid))
		return;
	xa_for_each_start(&zi->log, idx, txn, zxid + 1) {
		xa_erase(&zi->log, idx);
		WRITE_ONCE(zi->pending_bytes,
			   zi->pending_bytes - zab_txn_size(txn));
		budget_drop(zi, txn);
		zab_txn_put(txn);
	}
	zab_once_truncate(zi, zxid);
	/* pairs with zab_log_last() */
	smp_store_release(&zi->last_zxid, zxid);
	zab_disk_truncate(zi, zxid);
}

/**
 * zab_log_find() - the first record at or after @from
 * @zi: the instance
 * @from: a zxid
 *
 * Context: any; lockless.
 * Return: the record with a reference, or NULL if there is none.
 */
struct zab_txn *zab_log_find(struct zab_instance *zi, u64 from)
{
	unsigned long idx = from;
	struct zab_txn *txn;

	rcu_read_lock();
	for (;;) {
		txn = xa_find(&zi->log, &idx, ULONG_MAX, XA_PRESENT);
		if (!txn || kref_get_unless_zero(&txn->ref))
			break;
		idx++;		/* being freed: it was just erased */
	}
	rcu_read_unlock();
	return txn;
}

/**
 * zab_log_next() - the record a follower needs after @prev
 * @zi: the instance
 * @prev: the follower holds every record up to this zxid
 * @next: set to that record, with a reference, or to NULL if there is none
 *	yet
 *
 * The lookup alone cannot tell a gap: with (1,6)..(1,9) trimmed, the record
 * at or after (1,6) is (2,1), which may follow (1,5) as far as zxids go. A
 * follower behind the trimmed point would skip committed records.
 *
 * Context: any; lockless.
 * Return: 0, or -ERANGE if records after @prev have left the window (the
 * follower must be synchronised again).
 */
int zab_log_next(struct zab_instance *zi, u64 prev, struct zab_txn **next)
{
	struct zab_txn *txn = zab_log_find(zi, prev + 1);

	/* the very next record of the epoch: nothing was skipped */
	if (txn && txn->zxid == prev + 1 &&
	    ZAB_ZXID_EPOCH(txn->zxid) == ZAB_ZXID_EPOCH(prev)) {
		*next = txn;
		return 0;
	}
	/* pairs with the smp_wmb() in zab_log_trim() and zab_log_reset() */
	smp_rmb();
	if (prev < READ_ONCE(zi->trimmed_zxid) ||
	    (txn && !zab_zxid_follows(prev, txn->zxid, READ_ONCE(zi->epoch)))) {
		zab_txn_put(txn);
		*next = NULL;
		return -ERANGE;
	}
	*next = txn;
	return 0;
}

/**
 * zab_log_first() - the oldest zxid in memory
 * @zi: the instance
 *
 * Return: that zxid, or 0 if the log is empty.
 */
u64 zab_log_first(struct zab_instance *zi)
{
	unsigned long idx = 0;
	void *entry;

	rcu_read_lock();
	entry = xa_find(&zi->log, &idx, ULONG_MAX, XA_PRESENT);
	rcu_read_unlock();
	return entry ? idx : 0;
}

/**
 * zab_log_reset() - discard the whole log and go on after @base
 * @zi: the instance, log_mutex held
 * @base: the zxid the log now ends at, as if every record up to it had been
 *	trimmed from the window
 *
 * A follower whose history the leader cannot complete (SNAP) takes the
 * leader's window instead. Readers positioned at or before @base get
 * -ERANGE; the others wait for the records to come back, identical, as the
 * commit point moves past them again.
 */
void zab_log_reset(struct zab_instance *zi, u64 base)
{
	unsigned long idx;
	struct zab_txn *txn;

	lockdep_assert_held(&zi->log_mutex);
	WRITE_ONCE(zi->trimmed_zxid, base);
	/*
	 * Readers check trimmed_zxid after they looked up a record (the
	 * smp_rmb() in the chardev's next_committed()): set it before erasing.
	 */
	smp_wmb();
	xa_for_each(&zi->log, idx, txn) {
		xa_erase(&zi->log, idx);
		zab_txn_put(txn);
	}
	zi->window_used = 0;
	WRITE_ONCE(zi->pending_bytes, 0);
	WRITE_ONCE(zi->epoch_pending, 0);
	zab_once_reset(zi, base);
	/* pairs with zab_log_committed() */
	smp_store_release(&zi->commit_zxid, base);
	/* pairs with zab_log_last() */
	smp_store_release(&zi->last_zxid, base);
	zab_disk_reset(zi, base);
	zab_wake_all(zi);
}

/**
 * zab_log_sync_point() - how to bring a follower's log in line with ours
 * @zi: the instance, log_mutex held
 * @last: the last zxid in the follower's log
 * @from: set to the zxid after which the follower is sent our records
 *
 * Records are identified by zxid: one leader per epoch numbers them. If
 * @last is in our log, or is the newest record trimmed from it, the follower
 * holds a prefix of our log and needs only what follows (DIFF). Otherwise it
 * holds proposals of a failed leader that we never had: it keeps what lies
 * before them (TRUNC), then takes the rest. The point it keeps must be a
 * record it has: our newest record before @last in @last's epoch, which it
 * has because an epoch's records are contiguous from counter 1. If we have
 * none in that epoch, we cannot tell where its earlier epochs end; and if
 * records it lacks have left the window, we cannot send them. Then it
 * starts over from our window (SNAP).
 *
 * Return: how; @from is the zxid it keeps (DIFF, TRUNC) or starts after
 * (SNAP).
 */
enum zab_sync zab_log_sync_point(struct zab_instance *zi, u64 last,
				 u64 *from)
{
	unsigned long idx;
	struct zab_txn *txn;
	u64 below;

	lockdep_assert_held(&zi->log_mutex);
	*from = last;
	if (last == zi->trimmed_zxid || xa_load(&zi->log, last))
		return ZAB_SYNC_DIFF;
	*from = zi->trimmed_zxid;
	if (last < zi->trimmed_zxid)
		return ZAB_SYNC_SNAP;
	/* the newest of our records before @last in its epoch */
	below = 0;
	xa_for_each_range(&zi->log, idx, txn, ZAB_ZXID(ZAB_ZXID_EPOCH(last), 1),
			  last - 1)
		below = idx;
	if (!below)
		return ZAB_SYNC_SNAP;
	*from = below;
	return ZAB_SYNC_TRUNC;
}
