// SPDX-License-Identifier: GPL-2.0
/*
 * Reads that see every committed write: %ZAB_IOC_SYNC.
 *
 * A reader sees what its member has delivered, which may be behind the
 * leader. A sync returns once this member has delivered every record the
 * leader had committed when the sync reached it. It works as Raft's
 * ReadIndex does:
 *
 *  - The leader takes its read index: its commit point, and at least the
 *    end of the history it began its epoch with (records an earlier leader
 *    may have committed commit again here once a quorum acknowledged them).
 *    Every record committed anywhere before the sync arrived is at or below
 *    it, provided that this member still led when the sync arrived.
 *  - It confirms that: a quorum, itself included, must echo a PING stamped
 *    after the sync arrived. A member echoes only the leader it follows,
 *    over that leader's connection, and zabd stops following (STOP) before
 *    it votes again, so a successor is established only with a member that
 *    left us first. A leader deposed before the sync arrived, whose
 *    successor may have committed records it never saw, cannot gather the
 *    quorum: its sync fails once its followers time out and it stops
 *    leading (-ECONNRESET). Stamps are the leader's own monotonic clock: no
 *    clocks are compared between members and no lease is assumed.
 *  - The member then waits until its commit point reaches the read index.
 *
 * A follower asks its leader with a SYNC frame that carries a sequence
 * number; the leader answers, once confirmed, with SYNC|REPLY, the same
 * number and its read index. The leader keeps only the newest question of
 * each follower: its index serves every earlier one (it is no lower, and it
 * was taken after they were asked), so a follower that asks often costs
 * the leader constant memory, and one round of PINGs answers many syncs.
 * Pending PINGs coalesce (zab_peer_ping()): a flood of questions makes at
 * most one PING per follower per run of its transmit work.
 */
#include <linux/minmax.h>
#include <linux/sched/signal.h>

#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/peer.h"
#include "kmod/quorum.h"
#include "kmod/sync.h"
#include "kmod/wire.h"
#include "kmod/zxid.h"

/*
 * As leader of generation @gen, of @members (0: not leading): the newest
 * stamp a quorum has echoed, ourselves included. Only that generation's
 * followers count: a later one's echoes say nothing of whether we led
 * before it.
 */
static u64 confirmed(struct zab_instance *zi, u64 gen, u32 members)
{
	u64 echo[ZAB_MEMBERS_MAX - 1];
	struct zab_peer *peer;
	unsigned int n = 0;

	if (!members)
		return 0;
	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node)
		if (peer->gen == gen && peer->to_follower &&
		    !atomic_read(&peer->down) && n < ARRAY_SIZE(echo))
			echo[n++] = READ_ONCE(peer->ping_echo);
	rcu_read_unlock();
	return zab_quorum_point(U64_MAX, echo, n, members);
}

/* As leader: have every follower echo a PING stamped from now on. */
static void ping_round(struct zab_instance *zi)
{
	u64 stamp = ktime_get_ns();
	struct zab_peer *peer;

	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node)
		zab_peer_ping(peer, stamp);
	rcu_read_unlock();
}

/**
 * zab_sync_on_pong() - a follower echoed a PING of ours
 * @peer: the follower
 * @stamp: the stamp it echoed
 *
 * A stamp newer than any we sent it is ignored. Wakes the local syncs and
 * has the followers whose question waits send their answer, if the echo
 * confirmed it.
 *
 * Context: the peer's receive work.
 */
void zab_sync_on_pong(struct zab_peer *peer, u64 stamp)
{
	struct zab_instance *zi = peer->zi;
	struct zab_peer *p;

	if (stamp > READ_ONCE(peer->ping_sent) || stamp <= peer->ping_echo)
		return;
	WRITE_ONCE(peer->ping_echo, stamp);
	/* the echo before the waiters: pairs with the barrier in zab_sync() */
	smp_mb();
	if (atomic_read(&zi->sync_waiters))
		wake_up_all(&zi->wq);
	rcu_read_lock();
	list_for_each_entry_rcu(p, &zi->peers, node)
		if (READ_ONCE(p->sync_asked) != READ_ONCE(p->sync_answered))
			zab_peer_kick(p);
	rcu_read_unlock();
}

/* As leader: a follower's question @seq, just arrived. */
static int on_ask(struct zab_peer *peer, u64 seq, u64 zxid)
{
	struct zab_instance *zi = peer->zi;
	u64 at;

	/* rx work only writes sync_asked: no lock to read it here */
	if (zxid || seq <= peer->sync_asked)
		return -EPROTO;
	at = ktime_get_ns();
	spin_lock_bh(&peer->sync_lock);
	peer->sync_at = at;
	/* taken after it arrived: it covers all committed before */
	peer->sync_index = max(zab_log_committed(zi),
			       READ_ONCE(zi->history_zxid));
	WRITE_ONCE(peer->sync_asked, seq);
	spin_unlock_bh(&peer->sync_lock);
	ping_round(zi);		/* stamped after @at */
	return 0;
}

/* As follower: the leader answered our question @seq with its read index. */
static int on_answer(struct zab_peer *peer, u64 seq, u64 zxid)
{
	struct zab_instance *zi = peer->zi;

	if (seq <= peer->sync_replied || seq > READ_ONCE(peer->sync_sent) ||
	    ZAB_ZXID_EPOCH(zxid) > READ_ONCE(zi->epoch))
		return -EPROTO;
	peer->sync_replied = seq;
	mutex_lock(&zi->log_mutex);
	if (zi->state == ZAB_STATE_FOLLOWING && seq > zi->sync_reply_seq) {
		WRITE_ONCE(zi->sync_reply_zxid, zxid);
		/* the index before the number: pairs with answered() */
		smp_store_release(&zi->sync_reply_seq, seq);
	}
	mutex_unlock(&zi->log_mutex);
	wake_up_all(&zi->wq);
	return 0;
}

/**
 * zab_sync_on_frame() - a SYNC frame arrived
 * @peer: the peer it came from
 * @flags: the frame's flags: %ZAB_SYNC_REPLY from a leader, else 0
 * @seq: the question's sequence number
 * @zxid: a leader's read index; zero in a question
 *
 * The direction was checked with the header (zab_frame_parse()).
 *
 * Context: the peer's receive work.
 * Return: 0, or -EPROTO for a number out of order or a bad zxid.
 */
int zab_sync_on_frame(struct zab_peer *peer, u8 flags, u64 seq, u64 zxid)
{
	return flags & ZAB_SYNC_REPLY ? on_answer(peer, seq, zxid) :
					on_ask(peer, seq, zxid);
}

/**
 * zab_sync_next_frame() - draw a SYNC frame to send, if one is owed
 * @peer: the peer
 * @f: where the frame goes
 *
 * A leader answers a follower's newest question once a quorum confirmed
 * that it led when the question arrived; a follower asks with the newest
 * number its local syncs took.
 *
 * Context: the peer's transmit work.
 * Return: true if a frame was drawn into @f.
 */
bool zab_sync_next_frame(struct zab_peer *peer, struct zab_tx_frame *f)
{
	u64 seq, at, index;

	if (!peer->to_follower) {
		seq = READ_ONCE(peer->sync_want);
		if (seq == peer->sync_sent)
			return false;
		f->head_len = zab_frame_put_sync(f->head, 0, seq, 0);
		WRITE_ONCE(peer->sync_sent, seq);
		return true;
	}
	if (READ_ONCE(peer->sync_asked) == peer->sync_answered)
		return false;
	spin_lock_bh(&peer->sync_lock);
	seq = peer->sync_asked;
	at = peer->sync_at;
	index = peer->sync_index;
	spin_unlock_bh(&peer->sync_lock);
	if (confirmed(peer->zi, peer->gen, READ_ONCE(peer->zi->members)) < at)
		return false;
	f->head_len = zab_frame_put_sync(f->head, ZAB_SYNC_REPLY, seq, index);
	WRITE_ONCE(peer->sync_answered, seq);
	return true;
}

/* As follower: has the leader answered question @seq (or a later one)? */
static bool answered(struct zab_instance *zi, u64 seq)
{
	/* pairs with the release in on_answer() */
	return smp_load_acquire(&zi->sync_reply_seq) >= seq;
}

static bool over(struct zab_instance *zi, u64 gen)
{
	return READ_ONCE(zi->gen) != gen || READ_ONCE(zi->dead);
}

static int fail(struct zab_instance *zi, int err)
{
	if (READ_ONCE(zi->dead))
		return -ESHUTDOWN;
	return err ? -ERESTARTSYS : -ECONNRESET;
}

/* As leader of @gen, of @members: wait until a quorum confirmed we led at @at. */
static int leader_confirm(struct zab_instance *zi, u64 gen, u32 members,
			  u64 at)
{
	int err;

	atomic_inc(&zi->sync_waiters);
	/* counted before the echoes are read: pairs with zab_sync_on_pong() */
	smp_mb__after_atomic();
	ping_round(zi);
	err = wait_event_interruptible(zi->wq,
				       confirmed(zi, gen, members) >= at ||
				       over(zi, gen));
	atomic_dec(&zi->sync_waiters);
	return over(zi, gen) || err ? fail(zi, err) : 0;
}

/**
 * zab_sync() - wait until this member delivered all the leader committed
 * @zi: the instance
 * @zxid: set to the read index: every record up to it is delivered here
 *
 * See the comment at the top of this file and %ZAB_IOC_SYNC.
 *
 * Return: 0; -ENOTCONN with no leader (LOOKING); -ECONNRESET if the role
 * changed first (a deposed leader's sync ends so); -ESHUTDOWN if the
 * instance was destroyed; -ERESTARTSYS on a signal (a sync may be
 * repeated at will).
 */
int zab_sync(struct zab_instance *zi, u64 *zxid)
{
	struct zab_peer *leader;
	u64 gen, at = 0, seq = 0, index = 0;
	u32 members = 0;
	int err = 0;

	mutex_lock(&zi->log_mutex);
	rcu_read_lock();
	leader = list_first_or_null_rcu(&zi->peers, struct zab_peer, node);
	gen = zi->gen;
	if (READ_ONCE(zi->dead)) {
		err = -ESHUTDOWN;
	} else if (zi->state == ZAB_STATE_LEADING) {
		at = ktime_get_ns();
		members = zi->members;
		index = max(zi->commit_zxid, zi->history_zxid);
	} else if (zi->state == ZAB_STATE_FOLLOWING && leader) {
		seq = ++zi->sync_seq;
		WRITE_ONCE(leader->sync_want, seq);
		zab_peer_kick(leader);
	} else {
		err = -ENOTCONN;
	}
	rcu_read_unlock();
	mutex_unlock(&zi->log_mutex);
	if (err)
		return err;

	if (!seq) {
		err = leader_confirm(zi, gen, members, at);
	} else {
		err = wait_event_interruptible(zi->wq, answered(zi, seq) ||
					       over(zi, gen));
		if (!err && !over(zi, gen))
			index = READ_ONCE(zi->sync_reply_zxid);
		else
			err = fail(zi, err);
	}
	if (err)
		return err;

	/*
	 * Every record committed before the sync arrived has a zxid at or
	 * below the index and is in every later leader's history: once the
	 * commit point reaches the index, in this generation or a later one,
	 * they are all delivered.
	 */
	err = wait_event_interruptible(zi->wq,
				       zab_log_committed(zi) >= index ||
				       over(zi, gen));
	if (zab_log_committed(zi) < index)
		return fail(zi, err);
	*zxid = index;
	return 0;
}
