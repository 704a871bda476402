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
 *    after the sync arrived. A member echoes only over its connection to
 *    the leader it follows, and its kernel follows one leader at a time and
 *    never an older epoch than it followed. Say a successor committed a
 *    record X before the sync arrived: a quorum acknowledged X to the
 *    successor before then, so any member of that quorum that echoes us
 *    afterwards would have followed the successor and then us, in an older
 *    epoch, which it never does. So the echoing quorum exists only if no
 *    successor committed anything before the sync arrived, and everything
 *    committed by then is in our history or our commit point. A deposed
 *    leader cannot gather the quorum: its sync fails once its followers
 *    time out and it stops leading (-ECONNRESET). Stamps are the leader's
 *    own monotonic clock: no clocks are compared between members and no
 *    lease is assumed.
 *  - The member then waits until its commit point reaches the read index.
 *
 * Rounds: one round of PINGs at a time per instance. A sync that arrives
 * while a round is out that was stamped before it asks for another, which
 * starts when the round out is confirmed; the PINGs of every tick confirm
 * too. However many syncs arrive, each follower gets at most one PING per
 * round trip.
 *
 * A follower asks its leader with a SYNC frame that carries a sequence
 * number; the leader answers, once confirmed, with SYNC|REPLY, the number
 * and its read index, which serves every earlier question too (it is no
 * lower, and it was taken after they were asked). The leader keeps two
 * questions per follower: the oldest not answered, and the newest after
 * it. It answers the newest as soon as it is confirmed, else the oldest as
 * soon as that is, and the newest then waits for the next round: constant
 * memory, and a follower that asks all the time is answered once a round.
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

/**
 * zab_sync_stamp() - a stamp for a PING, or for when a sync arrived
 * @zi: the instance
 *
 * The clock (ktime, ns), made strictly increasing, so that a PING stamped
 * before a sync arrived never carries a stamp equal to the sync's, however
 * coarse the clock.
 *
 * Context: any.
 * Return: the stamp, never 0.
 */
u64 zab_sync_stamp(struct zab_instance *zi)
{
	s64 last = atomic64_read(&zi->sync_stamp);
	u64 next;

	do {
		next = max_t(u64, ktime_get_ns(), (u64)last + 1);
	} while (!atomic64_try_cmpxchg(&zi->sync_stamp, &last, next));
	return next;
}

/*
 * As leader of generation @gen: the newest stamp a quorum has echoed,
 * ourselves included, by the echoes of that generation's followers only (a
 * later one's say nothing of whether we led before it; an observer's, in no
 * quorum, nothing at all). 0 when not leading (no members).
 */
static u64 sync_quorum_echo(struct zab_instance *zi, u64 gen)
{
	u32 members = READ_ONCE(zi->members);
	u64 echo[ZAB_MEMBERS_MAX - 1];
	struct zab_peer *peer;
	unsigned int n = 0;

	if (!members)
		return 0;
	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node) {
		if (peer->gen == gen && peer->to_follower && !peer->observer &&
		    !atomic_read(&peer->down) && n < ARRAY_SIZE(echo))
			echo[n++] = READ_ONCE(peer->ping_echo);
	}
	rcu_read_unlock();
	return zab_quorum_point(U64_MAX, echo, n, members);
}

/*
 * With zi->sync_lock held: the round state belongs to generation @gen. The
 * state of a new generation starts empty.
 */
static bool sync_gen_is(struct zab_instance *zi, u64 gen)
{
	lockdep_assert_held(&zi->sync_lock);
	if (zi->sync_gen == gen)
		return true;
	if (gen < zi->sync_gen)
		return false;	/* an older generation's: nothing to do */
	zi->sync_gen = gen;
	WRITE_ONCE(zi->sync_confirmed, 0);
	WRITE_ONCE(zi->sync_round, 0);
	zi->sync_round_needed = false;
	return true;
}

/* What a quorum confirmed in generation @gen (a stamp), 0 if another. */
static u64 sync_confirmed_in(struct zab_instance *zi, u64 gen)
{
	u64 c;

	spin_lock(&zi->sync_lock);
	c = zi->sync_gen == gen ? zi->sync_confirmed : 0;
	spin_unlock(&zi->sync_lock);
	return c;
}

/* With zi->sync_lock held: a round of PINGs to every voter of @gen. */
static void sync_start_round(struct zab_instance *zi, u64 gen)
{
	u64 stamp = zab_sync_stamp(zi);
	struct zab_peer *peer;

	lockdep_assert_held(&zi->sync_lock);
	WRITE_ONCE(zi->sync_round, stamp);
	zi->sync_round_needed = false;
	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node) {
		if (peer->gen == gen && peer->to_follower && !peer->observer)
			zab_peer_ping(peer, stamp);
	}
	rcu_read_unlock();
}

/* Is question @a newer than the last answered, @answered? */
static bool sync_ask_pending(const struct zab_sync_ask *a, u64 answered)
{
	return a->seq > answered;
}

/* Has @peer (a follower) a question waiting? */
static bool sync_peer_asking(struct zab_peer *peer)
{
	bool ret;

	/* lockless first: most followers never ask */
	if (READ_ONCE(peer->sync_asked) == READ_ONCE(peer->sync_answered))
		return false;
	spin_lock(&peer->sync_lock);
	ret = sync_ask_pending(&peer->sync_ask[0], peer->sync_answered);
	spin_unlock(&peer->sync_lock);
	return ret;
}

/*
 * As leader of @gen: take what a quorum echoed now; end the round out if
 * it is confirmed, and start the next if one was asked for. If the
 * confirmed stamp moved, wake the local syncs and have the followers whose
 * question waits send their answer: whoever moves it wakes them, so no
 * wakeup is lost to a caller that moved it first.
 */
static void sync_update(struct zab_instance *zi, u64 gen)
{
	struct zab_peer *p;
	bool moved = false;
	u64 point;

	spin_lock(&zi->sync_lock);
	/*
	 * The echoes are read under the lock: of two echoes that arrive at
	 * once, the later critical section sees both.
	 */
	point = sync_quorum_echo(zi, gen);
	if (sync_gen_is(zi, gen)) {
		if (point > zi->sync_confirmed) {
			WRITE_ONCE(zi->sync_confirmed, point);
			moved = true;
		}
		if (zi->sync_round && zi->sync_confirmed >= zi->sync_round) {
			WRITE_ONCE(zi->sync_round, 0);
			if (zi->sync_round_needed)
				sync_start_round(zi, gen);
		}
	}
	spin_unlock(&zi->sync_lock);
	if (!moved)
		return;
	/* the stamp was written under the lock the waiters' condition takes */
	if (wq_has_sleeper(&zi->sync_wq))
		wake_up_all(&zi->sync_wq);
	rcu_read_lock();
	list_for_each_entry_rcu(p, &zi->peers, node) {
		if (p->to_follower && sync_peer_asking(p))
			zab_peer_kick(p);
	}
	rcu_read_unlock();
}

/* As leader of @gen: a sync arrived at @at; have a round confirm it. */
static void sync_request_round(struct zab_instance *zi, u64 gen, u64 at)
{
	spin_lock(&zi->sync_lock);
	if (sync_gen_is(zi, gen) && zi->sync_confirmed < at) {
		if (!zi->sync_round)
			sync_start_round(zi, gen);	/* stamped after @at */
		else if (zi->sync_round < at)
			zi->sync_round_needed = true;	/* the next one */
	}
	spin_unlock(&zi->sync_lock);
}

/**
 * zab_sync_on_pong() - a follower echoed a PING of ours
 * @peer: the follower
 * @stamp: the stamp it echoed
 *
 * A stamp newer than any we sent it, or not newer than it echoed before,
 * is refused. While a round is out (a sync waits), takes what a quorum
 * echoed (sync_update()).
 *
 * Context: the peer's receive work.
 * Return: true if the echo was taken.
 */
bool zab_sync_on_pong(struct zab_peer *peer, u64 stamp)
{
	struct zab_instance *zi = peer->zi;

	if (stamp > READ_ONCE(peer->ping_sent) || stamp <= peer->ping_echo)
		return false;
	WRITE_ONCE(peer->ping_echo, stamp);
	/*
	 * Nothing waits without a round out: a sync that arrives later needs
	 * a newer stamp than any echoed so far anyway (sync_request_round()).
	 */
	if (READ_ONCE(zi->sync_round))
		sync_update(zi, peer->gen);
	return true;
}

/* As leader: a follower's question @seq, just arrived. */
static int sync_on_ask(struct zab_peer *peer, u64 seq, u64 zxid)
{
	struct zab_instance *zi = peer->zi;
	struct zab_sync_ask a;

	/* rx work only writes sync_asked */
	if (zxid || seq <= peer->sync_asked)
		return -EPROTO;
	WRITE_ONCE(peer->sync_asked, seq);
	a.seq = seq;
	a.at = zab_sync_stamp(zi);
	/* taken after it arrived: it covers all committed before */
	a.index = max(zab_log_committed(zi), READ_ONCE(zi->history_zxid));
	spin_lock(&peer->sync_lock);
	if (!sync_ask_pending(&peer->sync_ask[0], peer->sync_answered))
		peer->sync_ask[0] = a;
	else
		peer->sync_ask[1] = a;	/* the newest waits behind the oldest */
	spin_unlock(&peer->sync_lock);
	sync_request_round(zi, peer->gen, a.at);
	/* a round another started after @at may be confirmed already */
	if (sync_confirmed_in(zi, peer->gen) >= a.at)
		zab_peer_kick(peer);
	return 0;
}

/* As follower: the leader answered our question @seq with its read index. */
static int sync_on_answer(struct zab_peer *peer, u64 seq, u64 zxid)
{
	struct zab_instance *zi = peer->zi;

	if (seq <= peer->sync_replied || seq > READ_ONCE(peer->sync_sent) ||
	    ZAB_ZXID_EPOCH(zxid) > READ_ONCE(zi->epoch))
		return -EPROTO;
	peer->sync_replied = seq;
	mutex_lock(&zi->log_mutex);
	if (zi->state == ZAB_STATE_FOLLOWING && seq > zi->sync_reply_seq) {
		WRITE_ONCE(zi->sync_reply_zxid, zxid);
		/* the index before the number: pairs with sync_answered() */
		smp_store_release(&zi->sync_reply_seq, seq);
	}
	mutex_unlock(&zi->log_mutex);
	wake_up_all(&zi->sync_wq);
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
	return flags & ZAB_SYNC_REPLY ? sync_on_answer(peer, seq, zxid) :
					sync_on_ask(peer, seq, zxid);
}

/* As leader: the answer owed to @peer, if one is confirmed, into @a. */
static bool sync_answer_due(struct zab_peer *peer, struct zab_sync_ask *a)
{
	struct zab_sync_ask *ask = peer->sync_ask;
	u64 c = sync_confirmed_in(peer->zi, peer->gen);
	bool due = true;

	spin_lock(&peer->sync_lock);
	if (sync_ask_pending(&ask[1], peer->sync_answered) && c >= ask[1].at) {
		*a = ask[1];	/* serves the oldest too */
	} else if (sync_ask_pending(&ask[0], peer->sync_answered) && c >= ask[0].at) {
		*a = ask[0];
		/* the newest becomes the oldest, for the next round */
		if (sync_ask_pending(&ask[1], ask[0].seq))
			ask[0] = ask[1];
	} else {
		due = false;
	}
	if (due)
		WRITE_ONCE(peer->sync_answered, a->seq);
	spin_unlock(&peer->sync_lock);
	return due;
}

/**
 * zab_sync_next_frame() - draw a SYNC frame to send, if one is owed
 * @peer: the peer
 * @f: where the frame goes
 *
 * A leader answers a follower's question once a quorum confirmed that it
 * led when the question arrived; a follower asks with the newest number
 * its local syncs took.
 *
 * Context: the peer's transmit work.
 * Return: true if a frame was drawn into @f.
 */
bool zab_sync_next_frame(struct zab_peer *peer, struct zab_tx_frame *f)
{
	struct zab_sync_ask a;
	u64 seq;

	if (!peer->to_follower) {
		seq = READ_ONCE(peer->sync_want);
		if (seq == peer->sync_sent)
			return false;
		f->head_len = zab_frame_put_sync(f->head, 0, seq, 0);
		WRITE_ONCE(peer->sync_sent, seq);
		return true;
	}
	/* lockless first: the transmit work draws every frame through here */
	if (READ_ONCE(peer->sync_asked) == READ_ONCE(peer->sync_answered) ||
	    !sync_answer_due(peer, &a))
		return false;
	f->head_len = zab_frame_put_sync(f->head, ZAB_SYNC_REPLY, a.seq, a.index);
	return true;
}

/* As follower: has the leader answered question @seq (or a later one)? */
static bool sync_answered(struct zab_instance *zi, u64 seq)
{
	/* pairs with the release in sync_on_answer() */
	return smp_load_acquire(&zi->sync_reply_seq) >= seq;
}

static bool sync_over(struct zab_instance *zi, u64 gen)
{
	return READ_ONCE(zi->gen) != gen || READ_ONCE(zi->dead);
}

static int sync_fail(struct zab_instance *zi, int err)
{
	if (READ_ONCE(zi->dead))
		return -ESHUTDOWN;
	return err ? -EINTR : -ECONNRESET;
}

/* As leader of @gen: wait until a quorum confirmed that we led at @at. */
static int sync_leader_confirm(struct zab_instance *zi, u64 gen, u64 at)
{
	int err;

	sync_request_round(zi, gen, at);
	sync_update(zi, gen);	/* alone in the ensemble: confirmed at once */
	err = wait_event_interruptible(zi->sync_wq,
				       sync_confirmed_in(zi, gen) >= at ||
				       sync_over(zi, gen));
	return (sync_over(zi, gen) || err) ? sync_fail(zi, err) : 0;
}

/**
 * zab_sync() - wait until this member delivered all the leader committed
 * @zi: the instance
 * @zxid: set to the read index: every record up to it is delivered here
 *
 * See the comment at the top of this file and %ZAB_IOC_SYNC.
 *
 * Context: process context; sleeps.
 * Return: 0; -ENOTCONN with no leader (LOOKING); -ECONNRESET if the role
 * changed first (a deposed leader's sync ends so); -ESHUTDOWN if the
 * instance was destroyed; -EINTR on a signal (never restarted: a restart
 * would start over, and a signal that comes more often than a round trip
 * would keep it from ever returning).
 */
int zab_sync(struct zab_instance *zi, u64 *zxid)
{
	struct zab_peer *leader;
	u64 gen, at = 0, seq = 0, index = 0;
	int err = 0;

	mutex_lock(&zi->log_mutex);
	rcu_read_lock();
	leader = list_first_or_null_rcu(&zi->peers, struct zab_peer, node);
	gen = zi->gen;
	if (READ_ONCE(zi->dead)) {
		err = -ESHUTDOWN;
	} else if (zi->state == ZAB_STATE_LEADING) {
		at = zab_sync_stamp(zi);
		index = max(zi->commit_zxid, zi->history_zxid);
	} else if (zi->state == ZAB_STATE_FOLLOWING && leader &&
		   atomic_read(&leader->down)) {
		err = -ECONNRESET;	/* the reap work is about to say so */
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
		err = sync_leader_confirm(zi, gen, at);
	} else {
		err = wait_event_interruptible(zi->sync_wq, sync_answered(zi, seq) ||
					       sync_over(zi, gen));
		if (!err && !sync_over(zi, gen))
			index = READ_ONCE(zi->sync_reply_zxid);
		else
			err = sync_fail(zi, err);
	}
	if (err)
		return err;

	/*
	 * Every record committed before the sync arrived has a zxid at or
	 * below the index and is in every later leader's history: once the
	 * commit point reaches the index, in this generation or a later one,
	 * they are all delivered (or, after a SNAP, in the snapshot zabd
	 * fetches: see %ZAB_IOC_SYNC).
	 */
	err = wait_event_interruptible(zi->wq,
				       zab_log_committed(zi) >= index ||
				       sync_over(zi, gen));
	if (zab_log_committed(zi) < index)
		return sync_fail(zi, err);
	*zxid = index;
	return 0;
}
