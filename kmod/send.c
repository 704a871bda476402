// SPDX-License-Identifier: GPL-2.0
/*
 * Sending to a peer, from its transmit work.
 *
 * A follower's queue is not a list: it is its position in the leader's log
 * (tx_zxid), so queueing a proposal to every follower costs nothing, and the
 * payload goes from the refcounted txn straight into each socket. The work
 * draws the frames it is owed (commits first, then proposals) up to
 * ZAB_TX_BATCH at a time and sends them in one sendmsg(), heads and
 * payloads side by side in a kvec. It draws one frame beyond a full batch
 * to learn whether more follow at once: then the batch goes with
 * MSG_MORE, else without, which pushes it. So a burst of proposals and
 * commits shares segments and system-call overhead, and a lone frame
 * leaves at once. A socket that is full stops the run; write_space starts
 * the next one, which sends the rest.
 *
 * On a connection encrypted with kernel TLS, the batches go through TLS's
 * sendmsg(): MSG_MORE keeps its record open, so a burst shares records as
 * it shares segments, and the burst's last batch closes the record and
 * pushes it. A record is never closed apart from a send, so nothing here
 * blocks when the socket is full: the rest of the batch, and its MSG_MORE
 * or not, wait for write_space.
 */
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/sizes.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tls.h>

#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/peer.h"
#include "kmod/sync.h"
#include "kmod/txn.h"

/* Frames one run sends before it yields the worker. */
#define ZAB_TX_BUDGET 64
/* Bytes drawn behind the frame being sent, at most (queued_behind()) */
#define ZAB_TX_AHEAD SZ_64K

/*
 * TLS 1.3 allows 2^24.5 records under one AES-GCM key (RFC 8446 section
 * 5.5), and the kernel's TLS cannot change keys (KeyUpdate) on the kernels
 * zab supports: a connection ends once it may have sent this many, and
 * zabd connects again with new keys. Followers' connections end at 8/8,
 * 7/8, 6/8 or 5/8 of it by their id, so that a leader's followers, sent
 * the same stream, do not all leave at once.
 */
static unsigned int tls_key_records = 1U << 24;

static int set_key_records(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 64, 1U << 24);
}

static const struct kernel_param_ops key_records_ops = {
	.set = set_key_records,
	.get = param_get_uint,
};

module_param_cb(tls_key_records, &key_records_ops, &tls_key_records, 0644);
MODULE_PARM_DESC(tls_key_records,
		 "records sent under one TLS key before the connection is renewed (64 to 2^24, the default)");

static bool key_used(const struct zab_peer *peer)
{
	u64 limit = READ_ONCE(tls_key_records);

	return peer->tx_records >= limit - (limit >> 3) * (peer->id & 3);
}

static u32 frame_len(const struct zab_tx_frame *f)
{
	return f->head_len + (f->txn ? f->txn->len : 0);
}

/*
 * Bytes drawn behind the frame being sent. Drawing stops at ZAB_TX_AHEAD:
 * frames are drawn in priority order (an ACK or COMMIT first), and a
 * frame drawn later waits behind all of these, so an ACK never waits
 * behind much more than one record, however large records are. It also
 * bounds the records a peer holds beyond the log's accounting.
 */
static u32 queued_behind(const struct zab_peer *peer)
{
	u32 bytes = 0;
	unsigned int i;

	for (i = 1; i < peer->tx_n; i++)
		bytes += frame_len(&peer->tx[i]);
	return bytes;
}

/* @bytes more of the frames held went out: drop those wholly sent. */
static unsigned int tx_consume(struct zab_peer *peer, u32 bytes)
{
	unsigned int done = 0;

	bytes += peer->tx_sent;
	while (done < peer->tx_n && bytes >= frame_len(&peer->tx[done])) {
		bytes -= frame_len(&peer->tx[done]);
		zab_txn_put(peer->tx[done].txn);
		done++;
	}
	peer->tx_sent = bytes;
	peer->tx_n -= done;
	memmove(peer->tx, peer->tx + done, peer->tx_n * sizeof(*peer->tx));
	return done;
}

/*
 * Sends the first @n frames held, in one sendmsg() as far as the socket
 * takes them; @more: other frames follow them at once, so the segment (and
 * the TLS record) stays open. Return 0 once all went, else -errno.
 */
static int send_frames(struct zab_peer *peer, unsigned int n, bool more)
{
	struct sock *sk = peer->sock->sk;
	struct kvec vec[2 * ZAB_TX_BATCH];
	struct msghdr msg = {};
	struct zab_tx_frame *f;
	unsigned int i, nv;
	size_t total;
	u32 skip;
	int ret;

	while (n) {
		nv = 0;
		total = 0;
		for (i = 0; i < n; i++) {
			f = &peer->tx[i];
			skip = i ? 0 : peer->tx_sent;
			if (skip < f->head_len) {
				vec[nv].iov_base = f->head + skip;
				vec[nv].iov_len = f->head_len - skip;
				total += vec[nv++].iov_len;
				skip = 0;
			} else {
				skip -= f->head_len;
			}
			if (f->txn && f->txn->len) {
				vec[nv].iov_base = f->txn->data + skip;
				vec[nv].iov_len = f->txn->len - skip;
				total += vec[nv++].iov_len;
			}
		}
		msg.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL | (more ? MSG_MORE : 0);
		/* not through the socket's operations: they refuse userspace */
		iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, vec, nv, total);
		if (peer->tls)
			ret = sk->sk_prot->sendmsg(sk, &msg, total);
		else
			ret = tcp_sendmsg(sk, &msg, total);
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		/* at most the record it closes, and one per 16 KiB */
		if (peer->tls)
			peer->tx_records += 1 + ret / TLS_MAX_PAYLOAD_SIZE;
		n -= tx_consume(peer, ret);
	}
	return 0;
}

/* As leader: a COMMIT, else a REPLY, else the next PROPOSAL. */
static bool next_to_follower(struct zab_peer *peer, struct zab_tx_frame *f)
{
	struct zab_instance *zi = peer->zi;
	struct zab_reply_slot r;
	struct zab_txn *txn;
	u64 commit, last;

	commit = min(zab_log_committed(zi), peer->tx_zxid);
	if (commit > peer->tx_commit) {
		f->head_len = zab_frame_put_zxid(f->head, ZAB_FRAME_COMMIT, commit);
		peer->tx_commit = commit;
		return true;
	}
	if (zab_peer_next_reply(peer, &r)) {
		f->head_len = zab_frame_put_reply(f->head, r.req_id, r.status,
						  r.zxid);
		return true;
	}
	/* an observer is sent what is committed, each with its COMMIT after */
	last = peer->observer ? zab_log_committed(zi) : zab_log_last(zi);
	if (peer->tx_zxid >= last)
		return false;
	if (zab_log_next(zi, peer->tx_zxid, &txn) || !txn) {
		/* what it lacks left the window: it must sync again */
		zab_peer_down(peer, ZAB_REASON_LAGGING);
		return false;
	}
	f->head_len = zab_frame_put_proposal(f->head, txn->zxid, txn->req_id,
					     txn->origin, txn->len);
	f->txn = txn;
	WRITE_ONCE(peer->tx_zxid, txn->zxid);
	return true;
}

/* As follower: an ACK, else the next forwarded write. */
static bool next_to_leader(struct zab_peer *peer, struct zab_tx_frame *f)
{
	struct zab_instance *zi = peer->zi;
	struct zab_txn *txn;
	bool synced;
	u64 last;

	/*
	 * Not before the leader's first frame, which may be a TRUNC or SNAP,
	 * nor before zabd wrote the epoch if it asked us to wait for that.
	 */
	synced = smp_load_acquire(&peer->rx_synced) &&
		 !READ_ONCE(peer->hold_acks);
	last = zab_disk_ackable(zi);
	if (synced && last != peer->ack_sent) {
		f->head_len = zab_frame_put_zxid(f->head, ZAB_FRAME_ACK, last);
		peer->ack_sent = last;
		return true;
	}
	spin_lock_bh(&peer->req_lock);
	txn = list_first_entry_or_null(&peer->requests, struct zab_txn, qnode);
	if (txn)
		list_del_init(&txn->qnode);
	spin_unlock_bh(&peer->req_lock);
	if (!txn)
		return false;
	f->head_len = zab_frame_put_request(f->head, txn->req_id, txn->len);
	f->txn = txn;	/* the queue's reference */
	return true;
}

/* Draws the next frame to send into @f, if there is one. */
static bool next_frame(struct zab_peer *peer, struct zab_tx_frame *f)
{
	u64 stamp;

	if (peer->sync_frame) {	/* must be the first frame */
		f->head_len = zab_frame_put_zxid(f->head, peer->sync_frame,
						 peer->tx_zxid);
		peer->sync_frame = 0;
		return true;
	}
	stamp = atomic64_xchg(&peer->ping_stamp, 0);
	if (stamp) {
		f->head_len = zab_frame_put_ping(f->head, peer->to_follower ?
						 0 : ZAB_PING_REPLY, stamp);
		/* what the follower may echo (zab_sync_on_pong()) */
		if (peer->to_follower && stamp > peer->ping_sent)
			WRITE_ONCE(peer->ping_sent, stamp);
		return true;
	}
	if (zab_sync_next_frame(peer, f))
		return true;
	return peer->to_follower ? next_to_follower(peer, f) : next_to_leader(peer, f);
}

/**
 * zab_peer_tx_worker() - send what the peer is owed
 * @work: the peer's tx_work
 */
void zab_peer_tx_worker(struct work_struct *work)
{
	struct zab_peer *peer = container_of(work, struct zab_peer, tx_work);
	int budget = ZAB_TX_BUDGET, err = 0;
	struct zab_tx_frame *f;
	unsigned int n;

	while (!atomic_read(&peer->down)) {
		while (peer->tx_n <= ZAB_TX_BATCH && budget > 0 &&
		       queued_behind(peer) < ZAB_TX_AHEAD) {
			f = &peer->tx[peer->tx_n];
			f->txn = NULL;	/* only proposals and requests have one */
			if (!next_frame(peer, f))
				break;
			peer->tx_n++;
			budget--;
		}
		if (!peer->tx_n)
			break;
		/* one beyond a full batch is held back: it says more follow */
		n = min_t(unsigned int, peer->tx_n, ZAB_TX_BATCH);
		err = send_frames(peer, n, peer->tx_n > n);
		if (err)
			break;
	}
	/* also when the socket is full: a follower that always is must not escape it */
	if (peer->tls && (!err || err == -EAGAIN || err == -ENOMEM) &&
	    key_used(peer)) {
		zab_peer_down(peer, ZAB_REASON_TLS_KEY_USED);
		return;
	}
	/*
	 * Out of memory is not the peer's fault: what was not sent waits for
	 * the next kick (write_space, a PING each tick), and a peer that
	 * stays unreachable meets its timeouts.
	 */
	if (err && err != -EAGAIN && err != -ENOMEM)
		zab_peer_down(peer, peer->tls && zab_tls_error(-err) ?
				    ZAB_REASON_TLS : ZAB_REASON_SOCK_ERROR);
	else if (!err && !budget)
		zab_peer_kick(peer);	/* more to send: yield first */
}
