// SPDX-License-Identifier: GPL-2.0
/*
 * The broadcast phase of ZAB: roles, the write path, the commit point,
 * heartbeats and failure handling.
 *
 * A leader assigns zxids under log_mutex, appends to its log and kicks every
 * follower's transmit work; followers log each proposal and acknowledge it
 * cumulatively; the commit point is the highest zxid a quorum has logged
 * (the leader counts itself). Role changes (LEAD, FOLLOW, STOP, a failed
 * peer) happen under zi->lock and bump zi->gen, which tells a waiting writer
 * that this member no longer knows what becomes of its record.
 *
 * Locks nest: zi->lock, then a peer socket's lock, then zi->log_mutex, then
 * a peer's req_lock. Nothing sends on a socket while holding log_mutex.
 */
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kmod/broadcast.h"
#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/netlink.h"
#include "kmod/peer.h"
#include "kmod/quorum.h"
#include "kmod/sync.h"
#include "kmod/txn.h"
#include "kmod/zxid.h"

#define ZAB_MSG_LOG_BEHIND \
	"the log on disk fails and records wait for it beyond windowBytes: try again once it is written"

/*
 * Have the peers' transmit work send what is new. @observers false when
 * what is new is proposals (or a follower's requests): a leader sends its
 * observers records only once committed, and the commit kicks them.
 */
static void kick_peers(struct zab_instance *zi, bool observers)
{
	struct zab_peer *peer;

	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node)
		if (observers || !peer->observer)
			zab_peer_kick(peer);
	rcu_read_unlock();
}

/*
 * The uncommitted budget. Proposals stay in memory until they commit; those
 * of the current epoch (epoch_pending; an older epoch's are the history a
 * leader carries) are bounded. Honest members bound them at the source: a
 * leader's local writers wait while epoch_pending is at windowBytes, and
 * each member's local writers hold at most windowBytes / members in flight
 * (a record always fits when none is). A peer whose next record of the
 * epoch would take epoch_pending past what honest members can reach,
 * honest_bound(), floods: it is dropped (%ZAB_REASON_OVER_BUDGET) before
 * the record is allocated. Stopping to read it instead would also stop the
 * ACKs and COMMITs behind the record, the only frames that make room.
 */
static u64 members_of(struct zab_instance *zi)
{
	u32 members = READ_ONCE(zi->members);

	/* observers write too: they forward to the leader as followers do */
	return members ? members + READ_ONCE(zi->observers) : ZAB_MEMBERS_MAX;
}

/* What honest members may have pending: twice the window, two records each. */
static u64 honest_bound(struct zab_instance *zi)
{
	u64 record = sizeof(struct zab_txn) + READ_ONCE(zi->params.max_record);

	return 2 * (READ_ONCE(zi->params.window_bytes) + members_of(zi) * record);
}

/**
 * zab_bcast_rx_over_budget() - does the next record of @peer flood us?
 * @peer: the peer, whose next frame carries a record of @len bytes
 * @len: the record's payload length
 *
 * A leader drops a follower whose REQUEST would take the records after the
 * commit point past what honest members reach; a follower allows its
 * leader's PROPOSALs that and a record per member more (the leader checks
 * its followers' REQUESTs side by side, without a lock).
 *
 * Context: the peer's receive work.
 * Return: true if the peer must be dropped.
 */
bool zab_bcast_rx_over_budget(struct zab_peer *peer, size_t len)
{
	struct zab_instance *zi = peer->zi;
	u64 pending = READ_ONCE(zi->epoch_pending);
	u64 bound = honest_bound(zi);

	if (!peer->to_follower)
		bound += members_of(zi) *
			 (sizeof(struct zab_txn) + READ_ONCE(zi->params.max_record));
	return pending && pending + sizeof(struct zab_txn) + len > bound;
}

/*
 * REPLY frames a leader may owe one follower: one per exactly-once write not
 * proposed, until it is sent. A follower's writes in flight hold room
 * there until their answer arrives (local_reserve()), at least a txn and
 * an exactly-once header each: twice what that room holds is the bound.
 */
static u32 reply_bound(struct zab_instance *zi)
{
	u64 share = div64_u64(READ_ONCE(zi->params.window_bytes), members_of(zi)) +
		    sizeof(struct zab_txn) + READ_ONCE(zi->params.max_record);

	return min_t(u64, U32_MAX, 2 * div64_u64(share, sizeof(struct zab_txn) +
						 sizeof(struct zab_once_hdr)));
}

/* May a leader propose a local write of @size bytes? */
static bool leader_room(struct zab_instance *zi, u64 size)
{
	u64 pending = READ_ONCE(zi->epoch_pending);

	return !pending || pending + size <= READ_ONCE(zi->params.window_bytes);
}

/* May a local writer waiting for room try again? */
static bool may_propose(struct zab_instance *zi, u64 size)
{
	return leader_room(zi, size) ||
	       READ_ONCE(zi->state) != ZAB_STATE_LEADING || READ_ONCE(zi->dead);
}

/*
 * Reserve room for a local write of @size bytes: windowBytes / members in
 * flight on this member, one record always.
 */
static bool local_reserve(struct zab_instance *zi, u64 size)
{
	u64 share = div64_u64(READ_ONCE(zi->params.window_bytes), members_of(zi));
	s64 cur = atomic64_read(&zi->local_bytes);

	do {
		if (cur && cur + size > share)
			return false;
	} while (!atomic64_try_cmpxchg(&zi->local_bytes, &cur, cur + size));
	return true;
}

static void local_release(struct zab_instance *zi, u64 size)
{
	atomic64_sub(size, &zi->local_bytes);
	wake_up_all(&zi->wq);
}

/**
 * struct zab_orphan - the room of a write whose writer stopped waiting
 * @size: the room it holds
 * @zxid: its zxid, 0 while a forwarded one waits for its proposal
 * @req: (following) its request, in place of the writer's on zi->requests
 *	until its proposal arrives
 *
 * A writer interrupted by a signal after its record went out (or a batch
 * that stops waiting for the records after a failed one) leaves; the
 * record stays in flight until it commits or the role changes. Its room
 * stays taken until then: were it given back at once, a writer that
 * interrupts itself again and again would put ever more records in flight,
 * past its share of the uncommitted budget, and the leader would drop its
 * member for flooding (zab_bcast_rx_over_budget()).
 *
 * Orphans whose zxid is known are in zi->orphans, indexed by zxid, so a
 * commit releases those at or below it without looking at the others;
 * forwarded ones still waiting for their proposal are in zi->orphans_fwd,
 * indexed by request id, which is the order the leader proposes them in.
 * Both hold the current generation's only: a role change releases all.
 */
struct zab_orphan {
	u64 size;
	u64 zxid;
	struct zab_fwd req;
};

/* With log_mutex held: give back the room of @o, and free it. */
static u64 orphan_free(struct zab_orphan *o)
{
	u64 size = o->size;

	kfree(o);
	return size;
}

/*
 * With log_mutex held, after the commit point moved (@all false) or the
 * role changed (@all true): give back the room of the orphaned writes
 * whose fate is now known.
 */
static void release_orphans(struct zab_instance *zi, bool all)
{
	struct zab_orphan *o;
	unsigned long i;
	u64 freed = 0;

	lockdep_assert_held(&zi->log_mutex);
	/* forwarded ones proposed since: their zxid is known now */
	xa_for_each(&zi->orphans_fwd, i, o) {
		/*
		 * Proposed in request order: none after it. (A REPLY may
		 * overtake a proposal; the orphan behind it is freed with it.)
		 */
		if (!all && !o->req.zxid && !o->req.err)
			break;
		xa_erase(&zi->orphans_fwd, i);
		list_del(&o->req.node);
		o->zxid = o->req.zxid;
		/* refused, or a duplicate of one that holds the room already */
		if (all || !o->zxid ||
		    xa_insert(&zi->orphans, o->zxid, o, GFP_KERNEL))
			freed += orphan_free(o);
	}
	xa_for_each_range(&zi->orphans, i, o, 0, all ? ULONG_MAX :
			  zi->commit_zxid) {
		xa_erase(&zi->orphans, i);
		freed += orphan_free(o);
	}
	if (freed)
		local_release(zi, freed);
}

static void orphans_check(struct zab_instance *zi, bool all)
{
	if (unlikely(!xa_empty(&zi->orphans) || !xa_empty(&zi->orphans_fwd)))
		release_orphans(zi, all);
}

/*
 * The writer of @w leaves before its fate is known: its room stays taken
 * until then (see struct zab_orphan). Without memory for that, it is
 * given back at once, as the writer's own would be.
 */
static void orphan(struct zab_instance *zi, struct zab_write *w)
{
	struct zab_orphan *o = kzalloc(sizeof(*o), GFP_KERNEL_ACCOUNT);
	u64 gen, zxid;
	int err = -ENOMEM;

	mutex_lock(&zi->log_mutex);
	gen = zab_bcast_write_gen(w);
	zxid = w->forwarded ? w->req.zxid : w->zxid;
	/* refused by the leader meanwhile: its fate is known */
	if (o && gen == zi->gen && !(zxid && zxid <= zi->commit_zxid) &&
	    !(w->forwarded && w->req.err)) {
		o->size = w->size;
		o->zxid = zxid;
		if (zxid) {
			err = xa_insert(&zi->orphans, zxid, o,
					GFP_KERNEL_ACCOUNT);
		} else {
			o->req = w->req;
			err = xa_insert(&zi->orphans_fwd, o->req.id, o,
					GFP_KERNEL_ACCOUNT);
			if (!err)
				list_replace(&w->req.node, &o->req.node);
		}
	}
	if (err) {
		kfree(o);
		local_release(zi, w->size);
	}
	if (w->forwarded && (err || zxid))
		list_del(&w->req.node);
	mutex_unlock(&zi->log_mutex);
}

/*
 * With log_mutex held, after a commit: if the log on disk fails and the
 * records waiting for it outgrew the window, leave the ensemble rather than
 * hold ever more in memory. LEAD and FOLLOW are refused until it is written
 * again (check_looking()).
 */
static void leave_if_behind(struct zab_instance *zi)
{
	struct zab_peer *peer;
	bool left = false;

	if (likely(!zab_log_behind(zi)))
		return;
	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node) {
		left |= !atomic_read(&peer->down);
		zab_peer_down(peer, ZAB_REASON_LOG_BEHIND);
	}
	rcu_read_unlock();
	if (left)
		pr_warn("%s: the log on disk fails and %llu bytes of records wait for it: leaving the ensemble until they are written\n",
			zi->name, zi->window_used);
}

/* As leader, with log_mutex held: move the commit point to what a quorum has. */
static void leader_commit(struct zab_instance *zi)
{
	u64 acked[ZAB_MEMBERS_MAX - 1];
	struct zab_peer *peer;
	unsigned int n = 0;
	u64 point;

	lockdep_assert_held(&zi->log_mutex);
	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node)
		if (!peer->observer && !atomic_read(&peer->down) &&
		    n < ARRAY_SIZE(acked))
			acked[n++] = peer->acked;
	rcu_read_unlock();
	/* our own vote: what we logged, as durable as the mode says */
	point = zab_quorum_point(zab_disk_ackable(zi), acked, n, zi->members);
	if (point > zi->commit_zxid) {
		zab_log_commit(zi, point);
		kick_peers(zi, true);
		leave_if_behind(zi);
		orphans_check(zi, false);
	}
}

/**
 * zab_bcast_durable() - more of the log became durable
 * @zi: the instance, log_mutex held
 *
 * A leader counts its own acknowledgment again; a follower acknowledges.
 */
void zab_bcast_durable(struct zab_instance *zi)
{
	lockdep_assert_held(&zi->log_mutex);
	if (zi->state == ZAB_STATE_LEADING)
		leader_commit(zi);
	else if (zi->state == ZAB_STATE_FOLLOWING)
		kick_peers(zi, true);
}

/**
 * zab_bcast_send_hold() - the last record every peer of a leader was sent
 * @zi: the instance, log_mutex held
 *
 * Committed records after the returned zxid some live peer still needs from
 * memory (zab_log_trim()): an observer is drawn records only once they
 * commit (next_to_follower()), so a commit point that moves by more than the
 * window at once would leave it nothing but a SNAP; and a voting follower
 * that fell behind for a moment (a slow CPU, a burst) while the others made
 * a quorum needs what it was not sent yet. Neither is held for more than
 * twice windowBytes: past that, it is dropped as lagging, and a peer whose
 * next record left holds nothing even before it is dropped.
 *
 * Return: the lowest position of a leader's live peers, U64_MAX if not
 * leading or none is live.
 */
u64 zab_bcast_send_hold(struct zab_instance *zi)
{
	struct zab_peer *peer;
	u64 hold, trimmed, pos;

	lockdep_assert_held(&zi->log_mutex);
	if (zi->state != ZAB_STATE_LEADING)
		return U64_MAX;
	trimmed = zi->trimmed_zxid;
	/* followers synchronised, not on the list yet (sync_peer()) */
	hold = zi->join_hold;
	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node) {
		if (!peer->to_follower || atomic_read(&peer->down))
			continue;
		/*
		 * One whose next record already left is dropped when its
		 * sender runs (next_to_follower()), which a socket that is
		 * never read keeps from running: it holds nothing.
		 */
		pos = READ_ONCE(peer->tx_zxid);
		if (pos >= trimmed)
			hold = min(hold, pos);
	}
	rcu_read_unlock();
	return hold;
}

/**
 * zab_bcast_leader_synced() - has this follower received a frame from its leader?
 * @zi: the instance, zi->lock held
 *
 * A leader's kernel sends its first frame at once when it gets a
 * follower's connection (a PING, or the TRUNC or SNAP it starts with), and
 * that frame is handled before any other, so once it is in, the log is in
 * line with the leader's. zabd hands the connection to its kernel only with
 * LEAD or ADD_FOLLOWER, once a quorum acknowledged the epoch (see
 * docs/zabd.md, "Epochs"). Read before the log points, with acquire
 * ordering: those read after it show what the first frame did.
 *
 * Return: true if following and a frame from the leader was received.
 */
bool zab_bcast_leader_synced(struct zab_instance *zi)
{
	struct zab_peer *peer;
	bool synced = false;

	lockdep_assert_held(&zi->lock);
	if (zi->state != ZAB_STATE_FOLLOWING)
		return false;
	rcu_read_lock();
	peer = list_first_or_null_rcu(&zi->peers, struct zab_peer, node);
	if (peer && !peer->to_follower)
		synced = smp_load_acquire(&peer->rx_synced);	/* see above */
	rcu_read_unlock();
	return synced;
}

/**
 * zab_bcast_synced() - a follower may acknowledge: zabd wrote the epoch
 * @zi: the instance
 * @epoch: the epoch zabd wrote as currentEpoch
 * @extack: for error messages
 *
 * A follower started with hold_acks acknowledges nothing until its zabd
 * holds the leader's history durably and wrote currentEpoch: every
 * acknowledgment that commits the leader's history then comes from a member
 * that votes with the new epoch, as ZooKeeper's follower writes
 * currentEpoch before it acknowledges NEWLEADER.
 *
 * Return: 0, -ENOTCONN if not following, -ESTALE for another epoch.
 */
int zab_bcast_synced(struct zab_instance *zi, u32 epoch,
		     struct netlink_ext_ack *extack)
{
	struct zab_peer *peer;
	int err = 0;

	mutex_lock(&zi->lock);
	peer = list_first_entry_or_null(&zi->peers, struct zab_peer, node);
	if (zi->state != ZAB_STATE_FOLLOWING || !peer) {
		NL_SET_ERR_MSG_MOD(extack, "not following");
		err = -ENOTCONN;
	} else if (epoch != zi->epoch) {
		NL_SET_ERR_MSG_MOD(extack, "the instance follows another epoch");
		err = -ESTALE;
	} else if (READ_ONCE(peer->hold_acks)) {
		WRITE_ONCE(peer->hold_acks, false);
		zab_peer_kick(peer);
	}
	mutex_unlock(&zi->lock);
	return err;
}

/**
 * zab_bcast_restore() - load a log read back from disk, one step at a time
 * @zi: the instance, LOOKING, without a log on disk
 * @op: &enum zab_restore_op
 * @zxid: see %ZAB_IOC_RESTORE
 * @txn: the record (%ZAB_RESTORE_RECORD), taken over on success; else NULL
 *
 * Return: 0, -EBUSY if not LOOKING or a log on disk is attached,
 * -ESHUTDOWN, -EINVAL for a zxid out of order or a bad op, or -ENOMEM.
 */
int zab_bcast_restore(struct zab_instance *zi, u32 op, u64 zxid,
		      struct zab_txn *txn)
{
	int err = 0;

	mutex_lock(&zi->lock);
	mutex_lock(&zi->log_mutex);
	if (zi->dead) {
		err = -ESHUTDOWN;
		goto out;
	}
	if (zi->state != ZAB_STATE_LOOKING || zi->disk) {
		err = -EBUSY;
		goto out;
	}
	switch (op) {
	case ZAB_RESTORE_BASE:
		zab_log_reset(zi, zxid);
		if (ZAB_ZXID_EPOCH(zxid) > zi->epoch)
			WRITE_ONCE(zi->epoch, ZAB_ZXID_EPOCH(zxid));
		break;
	case ZAB_RESTORE_RECORD:
		if (!txn || !zab_zxid_follows(zi->last_zxid, zxid, U32_MAX)) {
			err = -EINVAL;
			break;
		}
		txn->zxid = zxid;
		err = zab_log_append(zi, txn);
		/* as the member was: at least in the epoch of its records */
		if (!err && ZAB_ZXID_EPOCH(zxid) > zi->epoch)
			WRITE_ONCE(zi->epoch, ZAB_ZXID_EPOCH(zxid));
		break;
	case ZAB_RESTORE_COMMIT:
		if (zxid > zi->last_zxid || zxid < zi->commit_zxid)
			err = -EINVAL;
		else
			zab_log_commit(zi, zxid);
		break;
	default:
		err = -EINVAL;
	}
out:
	mutex_unlock(&zi->log_mutex);
	mutex_unlock(&zi->lock);
	return err;
}

/*
 * As leader, log_mutex held: is @txn an exactly-once record that must not
 * be proposed? 0: propose it; 1: it is in the log as *@zxid; -EALREADY,
 * -ESTALE: see zab_once_check(); -EINVAL: its header is malformed.
 */
static int once_check(struct zab_instance *zi, const struct zab_txn *txn,
		      u64 *zxid)
{
	struct zab_once_tag tag;
	int ret;

	ret = zab_once_parse(txn->data, txn->len, &tag);
	if (ret <= 0)
		return ret;
	ret = zab_once_check(zi, &tag, zxid);
	if (ret == 1)
		zab_stat_add(zi, ZAB_STAT_DUPLICATES, 1);
	return ret;
}

/*
 * As leader, under log_mutex: give @txn the next zxid and propose it, if
 * *@gen is 0 or the current generation (else -ECONNRESET), and set *@gen to
 * it. On success the log takes over @txn, which a commit (an ensemble of
 * one) may already have trimmed and freed on return: @zxid (if not NULL)
 * gets its zxid. An exactly-once record already in the log is not proposed:
 * 1, *@zxid and @txn->zxid set to the original's, *@gen set. Every other
 * error (-ENOSPC: a @local write without room, leader_room(); -ESHUTDOWN,
 * -ENOTCONN, -EOVERFLOW, -ENOMEM, once_check()'s) and 1 leave @txn to the
 * caller. *@now is when zxids are assigned: read at the first (0 until then),
 * so that a batch's records share it.
 */
static int propose_locked(struct zab_instance *zi, struct zab_txn *txn,
			  u64 *gen, bool local, u64 *now, u64 *zxid)
{
	u64 orig = 0, next;
	int err;

	lockdep_assert_held(&zi->log_mutex);
	if (READ_ONCE(zi->dead))
		err = -ESHUTDOWN;
	else if (zi->state != ZAB_STATE_LEADING)
		err = -ENOTCONN;	/* not proposed, whatever the generation */
	else if (*gen && *gen != zi->gen)
		err = -ECONNRESET;	/* the caller's generation is over */
	else
		err = once_check(zi, txn, &orig);
	if (err) {
		if (err == 1) {	/* in the log already */
			txn->zxid = orig;
			*gen = zi->gen;
			if (zxid)
				*zxid = orig;
		}
		return err;
	}
	if (local && !leader_room(zi, zab_txn_size(txn)))
		return -ENOSPC;
	if (zi->counter == U32_MAX) {
		/* epoch exhausted: stop leading, a new election (reap_worker) */
		if (!zi->exhausted) {
			WRITE_ONCE(zi->exhausted, true);
			queue_work(zab_wq, &zi->reap_work);
		}
		return -EOVERFLOW;
	}
	next = ZAB_ZXID(zi->epoch, zi->counter + 1);
	txn->zxid = next;
	if (!*now)
		*now = ktime_get_ns();
	txn->logged_ns = *now;
	err = zab_log_append(zi, txn);
	if (err)
		return err;
	if (zxid)
		*zxid = next;
	zi->counter++;
	*gen = zi->gen;
	zab_stat_add(zi, ZAB_STAT_PROPOSALS, 1);
	leader_commit(zi);	/* an ensemble of one */
	return 0;
}

/*
 * As leader: propose @txn, a follower's REQUEST, in whatever generation is
 * current, and have the followers' transmit works send it. Takes over
 * @txn; on 1 (an exactly-once record in the log already) @txn->zxid is the
 * original's.
 */
static int leader_propose(struct zab_instance *zi, struct zab_txn *txn)
{
	u64 now = 0, gen = 0;
	int err;

	mutex_lock(&zi->log_mutex);
	err = propose_locked(zi, txn, &gen, false, &now, NULL);
	mutex_unlock(&zi->log_mutex);
	if (err) {
		zab_txn_put(txn);
		return err;
	}
	kick_peers(zi, false);
	return 0;
}

/*
 * As follower: send @txn to the leader as a REQUEST, if @need_gen is 0 or
 * the current generation. Takes over @txn. Return 0, or why it was not
 * sent: -ESHUTDOWN (destroyed), -ENOTCONN (not following), -ECONNRESET
 * (following, in a generation after the caller's), checked in that order,
 * as propose_locked() does. @kick: have the transmit work send it now (else
 * the caller does, zab_bcast_flush()).
 */
static int follower_forward(struct zab_instance *zi, struct zab_txn *txn,
			    struct zab_fwd *req, u64 need_gen, bool kick)
{
	struct zab_peer *leader;
	int err = 0;

	mutex_lock(&zi->log_mutex);
	rcu_read_lock();
	leader = list_first_or_null_rcu(&zi->peers, struct zab_peer, node);
	if (READ_ONCE(zi->dead)) {
		err = -ESHUTDOWN;
	} else if (zi->state != ZAB_STATE_FOLLOWING || !leader) {
		err = -ENOTCONN;	/* whatever the generation */
	} else if (need_gen && need_gen != zi->gen) {
		err = -ECONNRESET;	/* the caller's generation is over */
	} else {
		req->id = ++zi->next_req;
		req->gen = zi->gen;
		req->zxid = 0;
		req->err = 0;
		list_add_tail(&req->node, &zi->requests);
		txn->req_id = req->id;
		spin_lock_bh(&leader->req_lock);
		list_add_tail(&txn->qnode, &leader->requests);
		spin_unlock_bh(&leader->req_lock);
		if (kick)
			zab_peer_kick(leader);
	}
	rcu_read_unlock();
	mutex_unlock(&zi->log_mutex);
	if (err)
		zab_txn_put(txn);
	return err;
}

/*
 * Has the record @zxid committed in generation @gen? The commit point is read
 * before the generation, and both change under log_mutex, so a yes is never
 * about a record a role change discarded.
 */
static bool committed_in(struct zab_instance *zi, u64 zxid, u64 gen)
{
	bool done = zxid && zab_log_committed(zi) >= zxid;

	/* read the generation after the commit point; see the comment above */
	smp_rmb();
	return done && READ_ONCE(zi->gen) == gen;
}

/**
 * struct zab_commit_wait - a writer waiting for its record's commit
 * @entry: on zi->commit_wq
 * @zxid: the record's zxid; 0 while a forwarded record waits for its
 *	proposal or the leader's REPLY (a duplicate's REPLY sets the
 *	original's zxid, maybe committed already, and wakes without a key)
 */
struct zab_commit_wait {
	struct wait_queue_entry entry;
	const u64 *zxid;
};

/*
 * zi->commit_wq's wake function: a commit (@key, the new commit point, from
 * zab_wake_committed() under log_mutex) wakes the writers whose record it
 * reaches; a wake without a key, all. A forwarded record's zxid is 0 until
 * its PROPOSAL arrives (match_request(), under log_mutex), and that zxid is
 * above the commit point then: no commit can end the wait before it is
 * known, and what else can (a REPLY, a role change, the end) wakes all.
 */
static int commit_wake(struct wait_queue_entry *entry, unsigned int mode,
		       int flags, void *key)
{
	struct zab_commit_wait *cw = container_of(entry, struct zab_commit_wait,
						  entry);

	if (key) {
		u64 zxid = READ_ONCE(*cw->zxid);

		if (!zxid || *(const u64 *)key < zxid)
			return 0;
	}
	return autoremove_wake_function(entry, mode, flags, key);
}

/*
 * Wait until the record *@zxid commits in generation @gen; a forwarded one
 * may instead be refused by the leader (*@refused, else NULL).
 */
static int wait_commit(struct zab_instance *zi, u64 *zxid, u64 gen,
		       int *refused)
{
	struct zab_commit_wait cw = { .zxid = zxid };
	long err;

	if (committed_in(zi, READ_ONCE(*zxid), gen))
		return 0;	/* a batch's tail, an ensemble of one */
	init_wait_entry(&cw.entry, 0);
	cw.entry.func = commit_wake;
	for (;;) {
		err = prepare_to_wait_event(&zi->commit_wq, &cw.entry,
					    TASK_INTERRUPTIBLE);
		if (committed_in(zi, READ_ONCE(*zxid), gen) ||
		    (refused && READ_ONCE(*refused)) ||
		    READ_ONCE(zi->gen) != gen || READ_ONCE(zi->dead) || err)
			break;
		schedule();
	}
	finish_wait(&zi->commit_wq, &cw.entry);
	if (committed_in(zi, READ_ONCE(*zxid), gen))
		return 0;
	if (refused && READ_ONCE(*refused))
		return READ_ONCE(*refused);
	/* never restart: the record is already proposed */
	if (err)
		return -EINTR;
	return READ_ONCE(zi->dead) ? -ESHUTDOWN : -ECONNRESET;
}

/* A txn for a local write of @len bytes at @buf; -ENOMEM, -EFAULT, -EINVAL. */
static struct zab_txn *txn_from_user(struct zab_instance *zi,
				     const void __user *buf, size_t len)
{
	struct zab_once_tag tag;
	struct zab_txn *txn;

	txn = zab_txn_alloc(len);
	if (!txn)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(txn->data, buf, len)) {
		zab_txn_put(txn);
		return ERR_PTR(-EFAULT);
	}
	if (zab_once_parse(txn->data, txn->len, &tag) < 0) {
		zab_txn_put(txn);
		return ERR_PTR(-EINVAL);
	}
	txn->origin = zi->myid;
	return txn;
}

/*
 * As leader: propose @txns[0..@n) in turn under log_mutex, each in the
 * generation of the one before (the first in @w[0].need_gen's), waiting for
 * room in the leader's window as needed. Sets each proposed write's gen and
 * zxid; a txn found in the log already is put, the others are the log's.
 * Return 0 (*@done = @n), or the error of txns[*@done], left to the caller
 * with those after it.
 */
static int propose_batch(struct zab_instance *zi, struct zab_txn **txns,
			 struct zab_write *w, u32 n, u32 *done)
{
	u64 now = 0;
	int err = 0;
	u32 i = 0;

	mutex_lock(&zi->log_mutex);
	while (i < n) {
		if (i)
			w[i].need_gen = w[i - 1].gen;
		w[i].forwarded = false;
		w[i].gen = w[i].need_gen;
		err = propose_locked(zi, txns[i], &w[i].gen, true, &now,
				     &w[i].zxid);
		if (err == -ENOSPC) {
			/* wait for commits (of all we proposed), or the end of leading */
			mutex_unlock(&zi->log_mutex);
			zab_stat_add(zi, ZAB_STAT_ROOM_WAITS, 1);
			kick_peers(zi, false);
			err = wait_event_interruptible(zi->wq,
						       may_propose(zi, zab_txn_size(txns[i])));
			mutex_lock(&zi->log_mutex);
			if (err)
				break;
			now = 0;
			continue;
		}
		if (err == 1)	/* in the log already: wait for that record */
			zab_txn_put(txns[i]);
		else if (err)
			break;
		err = 0;
		i++;
	}
	mutex_unlock(&zi->log_mutex);
	*done = i;
	return err;
}

/* Propose (leader) or forward (follower) @txn, room reserved; takes it over. */
static int submit_txn(struct zab_instance *zi, struct zab_txn *txn,
		      struct zab_write *w, bool kick)
{
	u32 done;
	int err;

	if (READ_ONCE(zi->state) == ZAB_STATE_LEADING) {
		err = propose_batch(zi, &txn, w, 1, &done);
		if (err)
			zab_txn_put(txn);
		else if (kick)
			kick_peers(zi, false);
		return err;
	}
	w->forwarded = true;
	return follower_forward(zi, txn, &w->req, w->need_gen, kick);
}

/* The wait of a writer for room: reserved it, or the instance is gone. */
static bool reserve_or_dead(struct zab_instance *zi, u64 size, bool *reserved)
{
	*reserved = local_reserve(zi, size);
	return *reserved || READ_ONCE(zi->dead);
}

/* Reserve room for @w, a write of @len bytes (zab_bcast_submit()'s @flags). */
static int reserve_room(struct zab_instance *zi, struct zab_write *w,
			size_t len, unsigned int flags)
{
	bool reserved = false;
	int err = 0;

	w->size = sizeof(struct zab_txn) + len;
	reserved = local_reserve(zi, w->size);
	if (!reserved && !(flags & ZAB_SUBMIT_NOWAIT)) {
		zab_stat_add(zi, ZAB_STAT_ROOM_WAITS, 1);
		err = wait_event_interruptible(zi->wq,
					       reserve_or_dead(zi, w->size,
							       &reserved));
	}
	if (!reserved)
		return flags & ZAB_SUBMIT_NOWAIT ? -EAGAIN : err ?: -ESHUTDOWN;
	return 0;
}

/**
 * zab_bcast_submit() - append a record, without waiting for its commit
 * @zi: the instance
 * @buf: the payload, in user memory
 * @len: its length, already checked against maxRecordSize
 * @w: the write, to pass to zab_bcast_wait() or zab_bcast_forget() on
 *	success; it must not move meanwhile
 * @flags: %ZAB_SUBMIT_NOWAIT: return -EAGAIN rather than wait for room;
 *	%ZAB_SUBMIT_DEFER: leave sending it to zab_bcast_flush(), so that
 *	records submitted together go out together
 *
 * The payload is copied once, into a txn that the log and every follower's
 * transmit work then share. The writer first waits for room among this
 * member's writes in flight (the uncommitted budget, see
 * zab_bcast_rx_over_budget()). Records one caller submits are proposed in
 * the order it submits them.
 *
 * Return: 0; -EAGAIN (no room, %ZAB_SUBMIT_NOWAIT); -ENOTCONN with no
 * leader; -ESHUTDOWN if the instance was destroyed; -EINTR (or
 * -ERESTARTSYS) on a signal; -EFAULT, -ENOMEM, -EOVERFLOW; for an
 * exactly-once record, -EINVAL (a malformed header), and as leader
 * -EALREADY and -ESTALE (zab_once_check()).
 */
int zab_bcast_submit(struct zab_instance *zi, const void __user *buf,
		     size_t len, struct zab_write *w, unsigned int flags)
{
	struct zab_txn *txn;
	int err;

	err = reserve_room(zi, w, len, flags);
	if (err)
		return err;
	txn = txn_from_user(zi, buf, len);
	err = IS_ERR(txn) ? PTR_ERR(txn) :
	      submit_txn(zi, txn, w, !(flags & ZAB_SUBMIT_DEFER));
	if (err)
		local_release(zi, w->size);
	return err;
}

/* Drop @txns[@i..@n), copied but not proposed, and give back their room. */
static void put_unproposed(struct zab_instance *zi, struct zab_txn **txns,
			   struct zab_write *w, u32 i, u32 n)
{
	u64 size = 0;

	for (; i < n; i++) {
		zab_txn_put(txns[i]);
		size += w[i].size;
	}
	if (size)
		local_release(zi, size);
}

/**
 * zab_bcast_submit_batch() - append records that go out together
 * @zi: the instance
 * @recs: the records, their payloads in user memory, their lengths already
 *	checked against maxRecordSize
 * @w: a write for each, as for zab_bcast_submit(); @w[0].need_gen set by
 *	the caller, the others' here
 * @n: how many, at least one; at most %ZAB_SUBMIT_CHUNK are taken
 * @flags: %ZAB_SUBMIT_NOWAIT for the first record (the others never wait
 *	for room in flight, but do for the leader's window); every record is
 *	deferred, as with %ZAB_SUBMIT_DEFER
 * @done: set to how many were submitted, from the first on
 *
 * As zab_bcast_submit() for each record in turn, each in the generation of
 * the one before, but a leader proposes the records it copied (as many as
 * fit in this member's room in flight) under one hold of log_mutex, their
 * zxids assigned at one time: the commit latency of each counts from then.
 * If the leader's window is full it lets go of log_mutex to wait for room
 * (others' records may then come between), and goes on with the same
 * copies. A follower forwards them one by one. A pending signal stops the
 * copying early, with no error.
 *
 * Context: process; sleeps; takes log_mutex.
 * Return: 0, or the error of record *@done, as zab_bcast_submit()'s
 * (-EAGAIN: no room for it in flight; -ERESTARTSYS: a signal while it
 * waited for the leader's window), the records before it submitted.
 */
int zab_bcast_submit_batch(struct zab_instance *zi,
			   const struct zab_append *recs, struct zab_write *w,
			   u32 n, unsigned int flags, u32 *done)
{
	struct zab_txn *txns[ZAB_SUBMIT_CHUNK];
	int err = 0, ret;
	u32 got, i;

	*done = 0;
	n = min_t(u32, n, ZAB_SUBMIT_CHUNK);
	for (got = 0; got < n; got++) {
		if (got && signal_pending(current))
			break;
		err = reserve_room(zi, &w[got], recs[got].len,
				   got ? ZAB_SUBMIT_NOWAIT : flags);
		if (err)
			break;
		txns[got] = txn_from_user(zi, u64_to_user_ptr(recs[got].data),
					  recs[got].len);
		if (IS_ERR(txns[got])) {
			err = PTR_ERR(txns[got]);
			local_release(zi, w[got].size);
			break;
		}
		cond_resched();
	}
	if (!got)
		return err;

	if (READ_ONCE(zi->state) == ZAB_STATE_LEADING) {
		ret = propose_batch(zi, txns, w, got, done);
		if (ret) {
			/* txns[*done] and those after it were not proposed */
			put_unproposed(zi, txns, w, *done, got);
			return ret;
		}
		return err;
	}
	/* forwarded one by one: the leader proposes them */
	for (i = 0; i < got; i++) {
		if (i)
			w[i].need_gen = zab_bcast_write_gen(&w[i - 1]);
		ret = submit_txn(zi, txns[i], &w[i], false);
		if (ret) {
			local_release(zi, w[i].size);
			put_unproposed(zi, txns, w, i + 1, got);
			*done = i;
			return ret;
		}
	}
	*done = got;
	return err;	/* that of record got, if it could not be copied */
}

/**
 * zab_bcast_flush() - send the records submitted with %ZAB_SUBMIT_DEFER
 * @zi: the instance
 */
void zab_bcast_flush(struct zab_instance *zi)
{
	kick_peers(zi, false);
}

/**
 * zab_bcast_wait() - wait until a quorum committed a submitted record
 * @zi: the instance
 * @w: the write, from zab_bcast_submit(); done with afterwards
 * @zxid: set to the record's zxid (0 if a forwarded one was not proposed)
 *
 * Return: 0; -ECONNRESET if the role changed before the commit was known
 * (it may or may not be committed); -ESHUTDOWN if the instance was
 * destroyed; -EINTR on a signal (it may still commit: its room stays taken
 * until it does, or the role changes); -EALREADY, -ESTALE if the leader
 * refused a forwarded exactly-once record (zab_once_check()).
 */
int zab_bcast_wait(struct zab_instance *zi, struct zab_write *w, u64 *zxid)
{
	int err;

	if (w->forwarded) {
		err = wait_commit(zi, &w->req.zxid, w->req.gen, &w->req.err);
		mutex_lock(&zi->log_mutex);
		*zxid = w->req.zxid;
		if (err != -EINTR)
			list_del(&w->req.node);
		mutex_unlock(&zi->log_mutex);
	} else {
		*zxid = w->zxid;
		err = wait_commit(zi, zxid, w->gen, NULL);
	}
	if (err == -EINTR)
		orphan(zi, w);
	else
		local_release(zi, w->size);
	return err;
}

/**
 * zab_bcast_forget() - be done with a submitted record without waiting
 * @zi: the instance
 * @w: the write, from zab_bcast_submit()
 *
 * The record may still commit; its writer will not learn of it here. Its
 * room stays taken until its fate is known (struct zab_orphan).
 */
void zab_bcast_forget(struct zab_instance *zi, struct zab_write *w)
{
	orphan(zi, w);
}

/**
 * zab_bcast_write() - append a record and wait until a quorum committed it
 * @zi: the instance
 * @buf: the payload, in user memory
 * @len: its length, already checked against maxRecordSize
 * @zxid: set to the record's zxid on success
 *
 * zab_bcast_submit(), then zab_bcast_wait().
 *
 * Return: 0, or an error of either.
 */
ssize_t zab_bcast_write(struct zab_instance *zi, const void __user *buf,
			size_t len, u64 *zxid)
{
	struct zab_write w = {};
	int err;

	err = zab_bcast_submit(zi, buf, len, &w, 0);
	return err ?: zab_bcast_wait(zi, &w, zxid);
}

/* As follower, log_mutex held: the leader proposed our forwarded write. */
static void match_request(struct zab_instance *zi, const struct zab_txn *txn)
{
	struct zab_fwd *req;

	if (txn->origin != zi->myid || !txn->req_id)
		return;
	list_for_each_entry(req, &zi->requests, node) {
		if (req->id == txn->req_id && req->gen == zi->gen) {
			WRITE_ONCE(req->zxid, txn->zxid);
			/*
			 * Matched ones to the back: a batch's requests come
			 * back in order, so the next is found at the front.
			 */
			list_move_tail(&req->node, &zi->requests);
			return;
		}
	}
}

/**
 * zab_bcast_on_proposal() - a follower received a proposal
 * @peer: the leader
 * @txn: the proposal; taken over
 *
 * Return: 0, -EPROTO for a zxid out of order, or -ENOMEM.
 */
int zab_bcast_on_proposal(struct zab_peer *peer, struct zab_txn *txn)
{
	struct zab_instance *zi = peer->zi;
	int err;

	mutex_lock(&zi->log_mutex);
	if (zi->state != ZAB_STATE_FOLLOWING) {
		err = 0;	/* stopped meanwhile: drop it */
	} else if (!zab_zxid_follows(zi->last_zxid, txn->zxid, zi->epoch)) {
		err = -EPROTO;
	} else {
		match_request(zi, txn);
		err = zab_log_append(zi, txn);
		if (!err) {
			txn = NULL;
			zab_stat_add(zi, ZAB_STAT_PROPOSALS, 1);
		}
	}
	mutex_unlock(&zi->log_mutex);
	zab_txn_put(txn);
	if (!err)
		zab_peer_kick(peer);	/* ACK */
	return err;
}

/**
 * zab_bcast_on_commit() - a follower received a commit
 * @peer: the leader
 * @zxid: everything up to here is committed
 *
 * Return: 0, or -EPROTO if it commits what was never proposed to us.
 */
int zab_bcast_on_commit(struct zab_peer *peer, u64 zxid)
{
	struct zab_instance *zi = peer->zi;
	int err = 0;

	mutex_lock(&zi->log_mutex);
	if (zxid > zi->last_zxid) {
		err = -EPROTO;
	} else if (zi->state == ZAB_STATE_FOLLOWING) {
		zab_log_commit(zi, zxid);
		leave_if_behind(zi);
		orphans_check(zi, false);
	}
	mutex_unlock(&zi->log_mutex);
	return err;
}

/**
 * zab_bcast_on_trunc() - a follower is told to discard its records after @zxid
 * @peer: the leader
 * @zxid: the last record to keep
 *
 * They are proposals of a failed leader that the new one never had.
 *
 * Return: 0, or -EPROTO if it would discard committed records.
 */
int zab_bcast_on_trunc(struct zab_peer *peer, u64 zxid)
{
	struct zab_instance *zi = peer->zi;
	int err = 0;

	mutex_lock(&zi->log_mutex);
	/* only first, and only to a record we have, never below the commit */
	if (peer->rx_synced || zxid < zi->commit_zxid || zxid > zi->last_zxid ||
	    (zxid != zi->commit_zxid && !xa_load(&zi->log, zxid)))
		err = -EPROTO;
	else if (zi->state == ZAB_STATE_FOLLOWING)
		zab_log_truncate(zi, zxid);
	mutex_unlock(&zi->log_mutex);
	return err;
}

/**
 * zab_bcast_on_snap() - a follower is told to take the leader's window
 * @peer: the leader
 * @base: the zxid the leader's window starts after
 *
 * The leader cannot complete our history from its window: we discard our
 * log and take the window. See zab_log_reset().
 *
 * Return: 0, or -EPROTO if it is not the first frame or names a later epoch.
 */
int zab_bcast_on_snap(struct zab_peer *peer, u64 base)
{
	struct zab_instance *zi = peer->zi;
	bool reset = false;
	int err = 0;

	mutex_lock(&zi->log_mutex);
	if (peer->rx_synced || ZAB_ZXID_EPOCH(base) > READ_ONCE(zi->epoch)) {
		err = -EPROTO;
	} else if (zi->state == ZAB_STATE_FOLLOWING) {
		zab_log_reset(zi, base);
		reset = true;
	}
	mutex_unlock(&zi->log_mutex);
	/* zabd fetches the history before @base (a snapshot) when it sees it */
	if (reset)
		zab_stat_add(zi, ZAB_STAT_SYNC_SNAP, 1);
	return err;
}

/**
 * zab_bcast_on_ack() - a leader received an acknowledgment
 * @peer: the follower
 * @zxid: the follower logged everything up to here
 *
 * Return: 0, or -EPROTO if it acknowledges what it was never sent.
 */
int zab_bcast_on_ack(struct zab_peer *peer, u64 zxid)
{
	struct zab_instance *zi = peer->zi;
	int err = 0;

	mutex_lock(&zi->log_mutex);
	if (zxid > READ_ONCE(peer->tx_zxid)) {
		err = -EPROTO;
	} else if (zxid > peer->acked) {
		WRITE_ONCE(peer->ack_heard, true);
		WRITE_ONCE(peer->acked, zxid);
		/* an observer's moves no commit point */
		if (zi->state == ZAB_STATE_LEADING && !peer->observer)
			leader_commit(zi);
	}
	mutex_unlock(&zi->log_mutex);
	return err;
}

/**
 * zab_bcast_on_request() - a leader received a write from a follower
 * @peer: the follower
 * @txn: the write, origin and request id set; taken over
 *
 * Its length was checked against maxRecordSize before it was received.
 * If this epoch has no zxid left, the write is dropped and the leader stops
 * leading (leader_propose()): that is not the follower's fault.
 *
 * An exactly-once record not proposed is answered with a REPLY.
 *
 * Return: 0; -ENOMEM; -ESHUTDOWN once the instance is being destroyed;
 * -EPROTO for a malformed exactly-once header (the follower checks it);
 * -ENOBUFS if the follower is owed more REPLY frames than an honest one can be.
 */
int zab_bcast_on_request(struct zab_peer *peer, struct zab_txn *txn)
{
	struct zab_instance *zi = peer->zi;
	u64 req_id = txn->req_id;
	int err;

	zab_txn_get(txn);	/* for a duplicate's zxid */
	err = leader_propose(zi, txn);
	if (err == 1)
		err = zab_peer_reply(peer, req_id, ZAB_REPLY_DUPLICATE,
				     txn->zxid, reply_bound(zi));
	else if (err == -EALREADY)
		err = zab_peer_reply(peer, req_id, ZAB_REPLY_ALREADY, 0,
				     reply_bound(zi));
	else if (err == -ESTALE)
		err = zab_peer_reply(peer, req_id, ZAB_REPLY_STALE, 0,
				     reply_bound(zi));
	zab_txn_put(txn);
	/* a follower checks the header before it forwards a record */
	if (err == -EINVAL)
		return -EPROTO;
	/*
	 * Not leading any more, or no zxid left in the epoch (we stop
	 * leading): not the follower's fault, and its writer learns it by
	 * itself.
	 */
	return err == -ENOTCONN || err == -EOVERFLOW ? 0 : err;
}

/**
 * zab_bcast_on_reply() - the leader did not propose a forwarded write
 * @peer: the leader
 * @req_id: the write's request id
 * @status: &enum zab_reply_status
 * @zxid: (%ZAB_REPLY_DUPLICATE) the zxid of the record it repeats
 *
 * The writer then waits for that record's commit, or learns the refusal.
 * A reply to a request that is not waiting any more (its generation is
 * over) is ignored.
 *
 * Return: 0, or -EPROTO for a status unknown or a zxid that does not fit it.
 */
int zab_bcast_on_reply(struct zab_peer *peer, u64 req_id, u32 status,
		       u64 zxid)
{
	struct zab_instance *zi = peer->zi;
	bool dup = status == ZAB_REPLY_DUPLICATE;
	bool answered = false;
	struct zab_fwd *req;

	/* a record our leader holds: never of a later epoch than its own */
	if (status > ZAB_REPLY_STALE || dup != !!zxid ||
	    ZAB_ZXID_EPOCH(zxid) > READ_ONCE(zi->epoch))
		return -EPROTO;
	mutex_lock(&zi->log_mutex);
	list_for_each_entry(req, &zi->requests, node) {
		if (req->id != req_id || req->gen != zi->gen)
			continue;
		if (req->zxid || req->err)
			break;	/* answered twice: ignored, as above */
		if (dup)
			WRITE_ONCE(req->zxid, zxid);
		else
			WRITE_ONCE(req->err, status == ZAB_REPLY_ALREADY ?
				   -EALREADY : -ESTALE);
		list_move_tail(&req->node, &zi->requests);
		orphans_check(zi, false);
		answered = true;
		break;
	}
	mutex_unlock(&zi->log_mutex);
	if (answered)	/* the writer learns its answer */
		wake_up_all(&zi->commit_wq);
	return 0;
}

/* With zi->lock held: take peers (all, or the failed) off and detach them. */
static void detach_peers(struct zab_instance *zi, bool failed_only)
{
	struct zab_peer *gone[ZAB_MEMBERS_MAX], *peer, *tmp;
	unsigned int n = 0, i;

	lockdep_assert_held(&zi->lock);
	list_for_each_entry_safe(peer, tmp, &zi->peers, node) {
		if (failed_only && !atomic_read(&peer->down))
			continue;
		list_del_rcu(&peer->node);
		WRITE_ONCE(peer->dead, true);
		zi->npeers--;
		zi->nvoters -= !peer->observer;
		gone[n++] = peer;
	}
	if (!n)
		return;
	/*
	 * Nobody reaches them or queues their work afterwards. Expedited, as
	 * synchronize_net() is under RTNL: zi->lock is held, which every
	 * netlink request and zabd's failover wait for, and a normal one
	 * wakes us from an RCU callback, run after every callback queued
	 * before it on this CPU (kmemleak queues one per free: seconds on a
	 * busy debug kernel). Where expedited grace periods are turned off
	 * (rcupdate.rcu_normal, PREEMPT_RT), a normal one it is.
	 */
	synchronize_rcu_expedited();
	for (i = 0; i < n; i++) {
		peer = gone[i];
		zab_peer_detach(peer);
		if (failed_only) {
			zab_stat_add(zi, ZAB_STAT_PEER_DOWNS, 1);
			zab_netlink_notify(zi, ZAB_EVENT_PEER_DOWN, peer->id,
					   atomic_read(&peer->down));
		}
		zab_peer_put(peer);
	}
}

/* With zi->lock held: back to LOOKING. Waiting writers fail. */
static void stop_locked(struct zab_instance *zi)
{
	lockdep_assert_held(&zi->lock);
	mutex_lock(&zi->log_mutex);
	WRITE_ONCE(zi->state, ZAB_STATE_LOOKING);
	zi->leader = 0;
	WRITE_ONCE(zi->members, 0);
	WRITE_ONCE(zi->observers, 0);
	zi->observing = false;
	WRITE_ONCE(zi->gen, zi->gen + 1);
	orphans_check(zi, true);
	mutex_unlock(&zi->log_mutex);
	zab_wake_all(zi);
	wake_up_all(&zi->sync_wq);
	detach_peers(zi, false);
	cancel_delayed_work_sync(&zi->tick_work);
}

static void reap_worker(struct work_struct *work)
{
	struct zab_instance *zi = container_of(work, struct zab_instance,
					       reap_work);
	enum zab_event lost = ZAB_EVENT_UNSPEC;

	mutex_lock(&zi->lock);
	detach_peers(zi, true);
	/* what a peer gone held past the window (zab_bcast_send_hold()) */
	mutex_lock(&zi->log_mutex);
	zab_log_trim(zi);
	mutex_unlock(&zi->log_mutex);
	if (zi->state == ZAB_STATE_FOLLOWING && !zi->npeers)
		lost = ZAB_EVENT_LEADER_LOST;
	else if (zi->state == ZAB_STATE_LEADING && READ_ONCE(zi->exhausted))
		lost = ZAB_EVENT_EPOCH_EXHAUSTED;
	else if (zi->state == ZAB_STATE_LEADING &&
		 zi->nvoters + 1 < zab_quorum_size(zi->members))
		lost = ZAB_EVENT_QUORUM_LOST;
	if (lost) {
		stop_locked(zi);
		zab_netlink_notify(zi, lost, 0, ZAB_REASON_NONE);
	}
	mutex_unlock(&zi->lock);
}

/*
 * A follower with proposals outstanding that acknowledges none of them
 * within twice syncLimit ticks is down, though it answers PINGs: its disk
 * does not write, and counting it towards the quorum would leave writers
 * hanging (ZooKeeper's leader closes such a learner for a "transaction
 * timeout" after syncLimit; an fsync on a busy host may take longer than a
 * heartbeat, hence twice). Its first acknowledgment waits for the whole
 * sync on disk and its zabd's currentEpoch (hold_acks): initLimit ticks
 * (if longer), as ZooKeeper gives a learner until NEWLEADER.
 */
static bool ack_stalled(struct zab_peer *peer, unsigned long limit)
{
	u64 acked = READ_ONCE(peer->acked);

	if (acked != peer->progress_acked ||
	    READ_ONCE(peer->tx_zxid) <= acked) {
		peer->progress_acked = acked;
		peer->progress_at = jiffies;
		return false;
	}
	return time_after(jiffies, peer->progress_at + limit);
}

static void tick_worker(struct work_struct *work)
{
	struct zab_instance *zi = container_of(to_delayed_work(work),
					       struct zab_instance, tick_work);
	u32 tick = READ_ONCE(zi->params.tick_ms);
	unsigned long sync_limit, init_limit;
	struct zab_peer *peer;
	bool leading;

	/* initLimit until a peer is first heard from, then syncLimit */
	sync_limit = msecs_to_jiffies(tick * READ_ONCE(zi->params.sync_limit));
	init_limit = msecs_to_jiffies(tick * READ_ONCE(zi->params.init_limit));
	leading = READ_ONCE(zi->state) == ZAB_STATE_LEADING;
	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node) {
		if (time_after(jiffies, READ_ONCE(peer->last_rx) +
			       (READ_ONCE(peer->heard) ? sync_limit : init_limit))) {
			zab_peer_down(peer, ZAB_REASON_TIMEOUT);
		} else if (leading &&
			   ack_stalled(peer, READ_ONCE(peer->ack_heard) ?
				       2 * sync_limit :
				       max(init_limit, 2 * sync_limit))) {
			zab_peer_down(peer, ZAB_REASON_ACK_TIMEOUT);
		} else if (leading) {
			zab_peer_ping(peer, zab_sync_stamp(zi));
		}
	}
	rcu_read_unlock();
	queue_delayed_work(zab_wq, &zi->tick_work, msecs_to_jiffies(tick));
}

/**
 * zab_bcast_init() - set up the broadcast state of a new instance
 * @zi: the instance
 */
void zab_bcast_init(struct zab_instance *zi)
{
	INIT_LIST_HEAD(&zi->peers);
	INIT_LIST_HEAD(&zi->requests);
	xa_init(&zi->orphans);
	xa_init(&zi->orphans_fwd);
	spin_lock_init(&zi->sync_lock);
	INIT_WORK(&zi->reap_work, reap_worker);
	INIT_DELAYED_WORK(&zi->tick_work, tick_worker);
	mutex_init(&zi->log_mutex);
	zab_log_init(zi);
	zi->join_hold = U64_MAX;
	/* unlike an old incarnation's, whose proposals may still be replayed */
	zi->next_req = get_random_u64() >> 1;
}

/**
 * zab_bcast_stop() - back to LOOKING (%ZAB_CMD_STOP)
 * @zi: the instance
 */
void zab_bcast_stop(struct zab_instance *zi)
{
	mutex_lock(&zi->lock);
	if (zi->state != ZAB_STATE_LOOKING) {
		stop_locked(zi);
		zab_netlink_notify(zi, ZAB_EVENT_STATE, 0, ZAB_REASON_NONE);
	}
	mutex_unlock(&zi->lock);
}

/**
 * zab_bcast_drop_peer() - shut down the connection with member @id
 * @zi: the instance
 * @id: the member at the other end
 *
 * %ZAB_CMD_DROP_PEER: the daemon no longer accepts the member as it
 * connected (its certificate was revoked). The connection ends as if it
 * had failed, with %ZAB_REASON_DROPPED; the reap work takes it off and
 * decides, as for any failure, whether this member still leads or follows.
 *
 * Context: process or softirq; takes the RCU read lock.
 * Return: 0, or -ENOTCONN if no connection with @id is up (none, one being
 * taken off, or one failing already for another reason).
 */
int zab_bcast_drop_peer(struct zab_instance *zi, u32 id)
{
	struct zab_peer *peer;
	int err = -ENOTCONN;

	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node) {
		if (peer->id != id)
			continue;
		/* one connection a member: ADD_FOLLOWER refuses a second */
		if (!READ_ONCE(peer->dead) && zab_peer_down(peer, ZAB_REASON_DROPPED))
			err = 0;
		break;
	}
	rcu_read_unlock();
	return err;
}

/**
 * zab_bcast_shutdown() - stop for good: the instance is being destroyed
 * @zi: the instance, already marked dead
 *
 * Context: process context; waits for every peer and timer to finish.
 */
void zab_bcast_shutdown(struct zab_instance *zi)
{
	mutex_lock(&zi->lock);
	stop_locked(zi);
	mutex_unlock(&zi->lock);
	cancel_work_sync(&zi->reap_work);
	/* the reap work may have found a peer already gone: stop again */
	mutex_lock(&zi->lock);
	stop_locked(zi);
	mutex_unlock(&zi->lock);
}

/* With zi->lock held: may a LEAD or FOLLOW start? */
static int check_looking(struct zab_instance *zi, struct netlink_ext_ack *extack)
{
	bool behind;

	if (zi->dead)
		return -ESHUTDOWN;
	if (zi->state != ZAB_STATE_LOOKING) {
		NL_SET_ERR_MSG_MOD(extack, "already leading or following: STOP first");
		return -EBUSY;
	}
	mutex_lock(&zi->log_mutex);
	behind = zab_log_behind(zi);
	mutex_unlock(&zi->log_mutex);
	if (behind) {
		NL_SET_ERR_MSG_MOD(extack, ZAB_MSG_LOG_BEHIND);
		return -EAGAIN;
	}
	return 0;
}

/*
 * With both locks held: make the log end at @history, dropping proposals
 * that recovery discarded. Nothing is committed here: the history beyond the
 * commit point commits once a quorum acknowledged it.
 */
static int take_history(struct zab_instance *zi, u32 epoch, u64 history,
			struct netlink_ext_ack *extack)
{
	if (history == ZAB_HISTORY_ALL)
		history = zi->last_zxid;
	if (history < zi->commit_zxid || history > zi->last_zxid) {
		NL_SET_ERR_MSG_MOD(extack,
				   "history must end between the committed and the last zxid");
		return -EINVAL;
	}
	if (ZAB_ZXID_EPOCH(history) > epoch) {
		NL_SET_ERR_MSG_MOD(extack, "history is newer than the epoch");
		return -ESTALE;
	}
	zab_log_truncate(zi, history);
	return 0;
}

/* With both locks held: enter @epoch in @state. */
static void enter_epoch(struct zab_instance *zi, u32 epoch,
			enum zab_state state, u32 leader)
{
	u64 last = zi->last_zxid;

	WRITE_ONCE(zi->epoch, epoch);
	WRITE_ONCE(zi->history_zxid, last);
	zi->counter = ZAB_ZXID_EPOCH(last) == epoch ? ZAB_ZXID_COUNTER(last) : 0;
	WRITE_ONCE(zi->exhausted, false);
	zab_log_rebudget(zi);
	WRITE_ONCE(zi->gen, zi->gen + 1);
	WRITE_ONCE(zi->state, state);
	zi->leader = leader;
	orphans_check(zi, true);
}

/*
 * With log_mutex held: where the follower @peer starts, given the last zxid
 * in its log. See zab_log_sync_point().
 */
static void sync_peer(struct zab_instance *zi, struct zab_peer *peer, u64 last)
{
	static const struct {
		u8 frame;
		u8 stat;
	} how[] = {
		[ZAB_SYNC_DIFF] = { 0, ZAB_STAT_SYNC_DIFF },
		[ZAB_SYNC_TRUNC] = { ZAB_FRAME_TRUNC, ZAB_STAT_SYNC_TRUNC },
		[ZAB_SYNC_SNAP] = { ZAB_FRAME_SNAP, ZAB_STAT_SYNC_SNAP },
	};
	enum zab_sync sync;
	u64 from;

	sync = zab_log_sync_point(zi, last, &from);
	WRITE_ONCE(peer->tx_zxid, from);
	/* until start() put it on the list (zab_bcast_send_hold()) */
	zi->join_hold = min(zi->join_hold, from);
	/*
	 * What it holds may not be durable yet: nothing counts until it
	 * acknowledges, which it does once the first frame is in.
	 */
	WRITE_ONCE(peer->acked, 0);
	peer->progress_acked = peer->acked;
	peer->progress_at = jiffies;
	/* a first frame at once, after which it acknowledges */
	atomic64_set(&peer->ping_stamp, zab_sync_stamp(zi));
	peer->sync_frame = how[sync].frame;
	zab_stat_add(zi, how[sync].stat, 1);
}

/*
 * With zi->lock held: attach the peers and start the heartbeat. Once they
 * are on the list, what sync_peer() held for them is theirs to hold.
 */
static void start(struct zab_instance *zi, struct zab_peer **peers,
		  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		peers[i]->gen = zi->gen;	/* stable under zi->lock */
		list_add_tail_rcu(&peers[i]->node, &zi->peers);
		zi->npeers++;
		zi->nvoters += !peers[i]->observer;
		zab_peer_attach(peers[i]);
	}
	/* the unlock publishes the list to trims under log_mutex */
	mutex_lock(&zi->log_mutex);
	zi->join_hold = U64_MAX;
	mutex_unlock(&zi->log_mutex);
	if (!delayed_work_pending(&zi->tick_work))
		queue_delayed_work(zab_wq, &zi->tick_work,
				   msecs_to_jiffies(READ_ONCE(zi->params.tick_ms)));
	zab_wake_all(zi);
}

static struct zab_peer *make_peer(struct zab_instance *zi,
				  const struct zab_peer_spec *spec,
				  bool to_follower,
				  struct netlink_ext_ack *extack)
{
	struct zab_peer *peer;
	int err;

	peer = zab_peer_create(zi, spec->id, spec->fd, spec->last_zxid, &err);
	if (!peer) {
		if (err == -EBUSY)
			NL_SET_ERR_MSG_MOD(extack,
					   "peer socket has another owner (an instance or a ULP)");
		else if (err != -ENOMEM)
			NL_SET_ERR_MSG_MOD(extack, "peer fd must be a connected TCP socket");
		return ERR_PTR(err);
	}
	peer->to_follower = to_follower;
	peer->observer = to_follower && spec->observer;
	zab_peer_place(peer);
	return peer;
}

/**
 * zab_bcast_lead() - start leading an epoch with synchronised followers
 * @zi: the instance
 * @epoch: the new epoch, above the current one
 * @view: the voting members (the leader included) and the observers
 * @history: end of the synchronised history, or %ZAB_HISTORY_ALL
 * @specs: the followers and observers; ids checked distinct and not ours
 *	by the caller
 * @n: number of entries in @specs; the followers among them at least a
 *	quorum less one
 * @extack: for error messages
 *
 * Return: 0 or a negative errno, as documented for %ZAB_CMD_LEAD.
 */
int zab_bcast_lead(struct zab_instance *zi, u32 epoch,
		   const struct zab_view *view,
		   u64 history, const struct zab_peer_spec *specs,
		   unsigned int n, struct netlink_ext_ack *extack)
{
	struct zab_peer *peers[ZAB_MEMBERS_MAX];
	unsigned int i, made = 0, observers = 0;
	u32 members = view->members;
	int err;

	for (i = 0; i < n; i++)
		observers += specs[i].observer;
	if (observers > view->observers) {
		NL_SET_ERR_MSG_MOD(extack, "more observers than the ensemble has");
		return -EINVAL;
	}
	if (n - observers + 1 < zab_quorum_size(members) ||
	    n - observers + 1 > members) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the leader and its followers must be a quorum of the members");
		return -EINVAL;
	}
	mutex_lock(&zi->lock);
	err = check_looking(zi, extack);
	if (err)
		goto out;
	if (epoch <= zi->epoch) {
		NL_SET_ERR_MSG_MOD(extack, "epoch must be newer than the current one");
		err = -ESTALE;
		goto out;
	}
	for (made = 0; made < n; made++) {
		peers[made] = make_peer(zi, &specs[made], true, extack);
		if (IS_ERR(peers[made])) {
			err = PTR_ERR(peers[made]);
			goto out;
		}
	}
	mutex_lock(&zi->log_mutex);
	err = take_history(zi, epoch, history, extack);
	for (i = 0; !err && i < n; i++)
		sync_peer(zi, peers[i], specs[i].last_zxid);
	if (!err) {
		WRITE_ONCE(zi->members, members);
		WRITE_ONCE(zi->observers, view->observers);
		enter_epoch(zi, epoch, ZAB_STATE_LEADING, zi->myid);
		leader_commit(zi);	/* an ensemble of one */
	}
	mutex_unlock(&zi->log_mutex);
	if (!err) {
		start(zi, peers, n);
		made = 0;
		zab_netlink_notify(zi, ZAB_EVENT_STATE, 0, ZAB_REASON_NONE);
	}
out:
	for (i = 0; i < made; i++)
		zab_peer_put(peers[i]);
	mutex_unlock(&zi->lock);
	return err;
}

/**
 * zab_bcast_follow() - start following a leader
 * @zi: the instance
 * @epoch: the leader's epoch, not older than the current one
 * @leader: the leader's id and socket
 * @history: end of the synchronised history, or %ZAB_HISTORY_ALL
 * @view: the ensemble (members 0 if unknown: the uncommitted budget), and
 *	whether this member observes
 * @hold_acks: acknowledge nothing until zab_bcast_synced()
 * @extack: for error messages
 *
 * Return: 0 or a negative errno, as documented for %ZAB_CMD_FOLLOW.
 */
int zab_bcast_follow(struct zab_instance *zi, u32 epoch,
		     const struct zab_peer_spec *leader, u64 history,
		     const struct zab_view *view, bool hold_acks,
		     struct netlink_ext_ack *extack)
{
	struct zab_peer_spec spec = *leader;
	struct zab_peer *peer = NULL;
	int err;

	mutex_lock(&zi->lock);
	err = check_looking(zi, extack);
	if (err)
		goto out;
	if (epoch < zi->epoch) {
		NL_SET_ERR_MSG_MOD(extack, "epoch is older than the current one");
		err = -ESTALE;
		goto out;
	}
	spec.last_zxid = 0;
	peer = make_peer(zi, &spec, false, extack);
	if (IS_ERR(peer)) {
		err = PTR_ERR(peer);
		peer = NULL;
		goto out;
	}
	mutex_lock(&zi->log_mutex);
	err = take_history(zi, epoch, history, extack);
	if (!err) {
		/* an ACK of what is durable once the leader's first frame is in */
		peer->ack_sent = 0;
		peer->hold_acks = hold_acks;
		enter_epoch(zi, epoch, ZAB_STATE_FOLLOWING, leader->id);
		WRITE_ONCE(zi->members, view->members);
		WRITE_ONCE(zi->observers, view->observers);
		zi->observing = view->observing;
	}
	mutex_unlock(&zi->log_mutex);
	if (!err) {
		start(zi, &peer, 1);
		peer = NULL;
		zab_netlink_notify(zi, ZAB_EVENT_STATE, 0, ZAB_REASON_NONE);
	}
out:
	zab_peer_put(peer);
	mutex_unlock(&zi->lock);
	return err;
}

/**
 * zab_bcast_add_follower() - a leader takes a late follower or observer
 * @zi: the instance
 * @spec: the follower (or observer) and the last zxid in its log
 * @extack: for error messages
 *
 * It is synchronised from the log, which the live stream only extends, so
 * nothing falls between the two.
 *
 * Return: 0 or a negative errno, as documented for %ZAB_CMD_ADD_FOLLOWER.
 */
int zab_bcast_add_follower(struct zab_instance *zi,
			   const struct zab_peer_spec *spec,
			   struct netlink_ext_ack *extack)
{
	struct zab_peer *peer, *p;
	int err = 0;

	mutex_lock(&zi->lock);
	if (zi->state != ZAB_STATE_LEADING) {
		NL_SET_ERR_MSG_MOD(extack, "not leading");
		err = -EINVAL;
		goto out;
	}
	list_for_each_entry(p, &zi->peers, node) {
		if (p->id == spec->id) {
			NL_SET_ERR_MSG_MOD(extack, "that follower is already connected");
			err = -EEXIST;
			goto out;
		}
	}
	if (spec->observer && zi->npeers - zi->nvoters >= zi->observers) {
		NL_SET_ERR_MSG_MOD(extack, "every observer of the ensemble is already connected");
		err = -EINVAL;
		goto out;
	}
	if (!spec->observer && zi->nvoters + 1 >= zi->members) {
		NL_SET_ERR_MSG_MOD(extack, "every member is already connected");
		err = -EINVAL;
		goto out;
	}
	peer = make_peer(zi, spec, true, extack);
	if (IS_ERR(peer)) {
		err = PTR_ERR(peer);
		goto out;
	}
	mutex_lock(&zi->log_mutex);
	/* as LEAD and FOLLOW (check_looking()): it is leaving the ensemble */
	if (zab_log_behind(zi)) {
		mutex_unlock(&zi->log_mutex);
		zab_peer_put(peer);
		NL_SET_ERR_MSG_MOD(extack, ZAB_MSG_LOG_BEHIND);
		err = -EAGAIN;
		goto out;
	}
	sync_peer(zi, peer, spec->last_zxid);
	mutex_unlock(&zi->log_mutex);
	start(zi, &peer, 1);
out:
	mutex_unlock(&zi->lock);
	return err;
}
