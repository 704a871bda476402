// SPDX-License-Identifier: GPL-2.0
/*
 * Receiving from a peer, in its receive work.
 *
 * tcp_read_sock() hands us the socket's skbs in place; frames are cut out of
 * them as they come, however TCP split them, and a record's payload is copied
 * once, from the skb into its txn. On a connection encrypted with kernel TLS
 * the same happens to the decrypted records (TLS's read_sock(), 6.12), or
 * TLS's recvmsg() copies them out (6.1, rx_recvmsg()). Every header is
 * checked before anything is allocated for it (see zab_frame_parse()); a
 * peer that breaks the protocol is shut down, never trusted further.
 */
#include <linux/net.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "kmod/broadcast.h"
#include "kmod/compat.h"
#include "kmod/instance.h"
#include "kmod/peer.h"
#include "kmod/sync.h"
#include "kmod/txn.h"

/*
 * Bytes one run consumes before it yields the worker, and the least one
 * call of the actor, or one recvmsg(), is charged: a peer that sends one
 * byte per segment or per TLS record gets 1024 calls, not a million.
 */
#define ZAB_RX_BUDGET SZ_1M
#define ZAB_RX_MIN_CHARGE SZ_1K

/* (TLS, 6.1) a want this large is received in its txn, not through rx_buf */
#define ZAB_RX_DIRECT 512
/* (TLS, 6.1) and at most this much of it per call */
#define ZAB_RX_DIRECT_MAX SZ_64K

static int handle_ping(struct zab_peer *peer, u8 flags, u64 stamp)
{
	u64 now = ktime_get_ns();
	u32 rtt;

	if (!(flags & ZAB_PING_REPLY)) {
		zab_peer_ping(peer, stamp ?: 1);
		return 0;
	}
	/* not one of ours, or not newer than the last: no round trip */
	if (!zab_sync_on_pong(peer, stamp) || stamp > now)
		return 0;
	rtt = min_t(u64, (now - stamp) / NSEC_PER_USEC, U32_MAX);
	/* smoothed as TCP does, gain 1/8 */
	WRITE_ONCE(peer->rtt_us,
		   peer->rtt_us ? peer->rtt_us - peer->rtt_us / 8 + rtt / 8 : rtt);
	return 0;
}

/* A whole frame is in: act on it. Return 0 or a &enum zab_reason. */
static int dispatch(struct zab_peer *peer)
{
	struct zab_rx_frame *rx = &peer->rx;
	const u8 *body = rx->head + sizeof(struct zab_frame);
	struct zab_txn *txn = rx->txn;
	const struct zab_proposal *p;
	const struct zab_reply *r;
	int err;

	rx->txn = NULL;
	switch (rx->info.type) {
	case ZAB_FRAME_PROPOSAL:
		p = (const struct zab_proposal *)body;
		txn->zxid = get_unaligned_be64(&p->zxid);
		txn->req_id = get_unaligned_be64(&p->req_id);
		txn->origin = get_unaligned_be32(&p->origin);
		err = zab_bcast_on_proposal(peer, txn);
		break;
	case ZAB_FRAME_COMMIT:
		err = zab_bcast_on_commit(peer, get_unaligned_be64(body));
		break;
	case ZAB_FRAME_TRUNC:
		err = zab_bcast_on_trunc(peer, get_unaligned_be64(body));
		break;
	case ZAB_FRAME_SNAP:
		err = zab_bcast_on_snap(peer, get_unaligned_be64(body));
		break;
	case ZAB_FRAME_ACK:
		err = zab_bcast_on_ack(peer, get_unaligned_be64(body));
		break;
	case ZAB_FRAME_REQUEST:
		txn->req_id = get_unaligned_be64(body);
		txn->origin = peer->id;
		err = zab_bcast_on_request(peer, txn);
		break;
	case ZAB_FRAME_PING:
		err = handle_ping(peer, rx->info.flags, get_unaligned_be64(body));
		break;
	case ZAB_FRAME_REPLY:
		r = (const struct zab_reply *)body;
		err = get_unaligned_be32(&r->reserved) ? -EPROTO :
		      zab_bcast_on_reply(peer, get_unaligned_be64(&r->req_id),
					 get_unaligned_be32(&r->status),
					 get_unaligned_be64(&r->zxid));
		break;
	case ZAB_FRAME_SYNC:
		err = zab_sync_on_frame(peer, rx->info.flags,
					get_unaligned_be64(body),
					get_unaligned_be64(body + 8));
		break;
	default:
		err = -EPROTO;
	}
	rx->got = 0;
	rx->payload_got = 0;
	if (!err && !peer->rx_synced) {
		/*
		 * TRUNC or SNAP may only come first; ACKs only after it, of the
		 * log as it left: pairs with the acquire in next_to_leader()
		 */
		smp_store_release(&peer->rx_synced, true);
		zab_peer_kick(peer);
	}
	if (!err)
		return 0;
	if (err == -ENOBUFS) {	/* its replies outran our sends */
		zab_stat_add(peer->zi, ZAB_STAT_OVER_BUDGET, 1);
		return ZAB_REASON_OVER_BUDGET;
	}
	return err == -ENOMEM ? ZAB_REASON_NOMEM : ZAB_REASON_PROTOCOL;
}

/*
 * Where the next bytes of the frame being received go, and how many it still
 * needs there: the rest of its head (the frame header, then the fixed part
 * its type has), then the rest of its payload.
 */
static u32 rx_want(struct zab_peer *peer, u8 **dst)
{
	struct zab_rx_frame *rx = &peer->rx;
	u32 head_len = sizeof(struct zab_frame);

	if (rx->got >= head_len)
		head_len += rx->info.fixed;
	if (rx->got < head_len) {
		*dst = rx->head + rx->got;
		return head_len - rx->got;
	}
	*dst = rx->txn->data + rx->payload_got;
	return rx->info.payload - rx->payload_got;
}

/*
 * @n bytes (at most what rx_want() asked for) were put where it said: act on
 * what they complete. Return 0 or a &enum zab_reason.
 */
static int rx_advance(struct zab_peer *peer, u32 n)
{
	struct zab_rx_frame *rx = &peer->rx;

	if (rx->txn && rx->got >= sizeof(struct zab_frame) + rx->info.fixed) {
		rx->payload_got += n;
		return rx->payload_got == rx->info.payload ? dispatch(peer) : 0;
	}
	rx->got += n;
	if (rx->got == sizeof(struct zab_frame)) {
		if (zab_frame_parse((struct zab_frame *)rx->head,
				    peer->to_follower, &rx->info))
			return ZAB_REASON_PROTOCOL;
	}
	if (rx->got < sizeof(struct zab_frame) ||
	    rx->got < sizeof(struct zab_frame) + rx->info.fixed)
		return 0;
	if (!rx->info.payload)
		return dispatch(peer);
	/*
	 * The whole head is checked before the payload is allocated. A
	 * REQUEST is a write made here and then: it obeys our maxRecordSize.
	 * A PROPOSAL may be older than the limit (set lower since, restored,
	 * or configured otherwise before a restart): the wire's limit bounds
	 * it.
	 */
	if (rx->info.type == ZAB_FRAME_REQUEST &&
	    rx->info.payload > READ_ONCE(peer->zi->params.max_record))
		return ZAB_REASON_PROTOCOL;
	if (rx->info.type == ZAB_FRAME_PROPOSAL &&
	    ((const struct zab_proposal *)(rx->head +
					   sizeof(struct zab_frame)))->reserved)
		return ZAB_REASON_PROTOCOL;
	if (zab_bcast_rx_over_budget(peer, rx->info.payload)) {
		zab_stat_add(peer->zi, ZAB_STAT_OVER_BUDGET, 1);
		return ZAB_REASON_OVER_BUDGET;
	}
	rx->txn = zab_txn_alloc(rx->info.payload);
	return rx->txn ? 0 : ZAB_REASON_NOMEM;
}

static void rx_fail(struct zab_peer *peer, int reason)
{
	zab_stat_add(peer->zi, ZAB_STAT_BAD_FRAMES,
		     reason == ZAB_REASON_PROTOCOL);
	zab_peer_down(peer, reason);
}

/*
 * Feeds @len bytes to the frame being received, copying each piece with
 * @copy (from @src at offset @off). Return the bytes taken: all of them,
 * unless the peer failed.
 */
static size_t rx_feed(struct zab_peer *peer, const void *src, size_t off,
		      size_t len,
		      int (*copy)(const void *src, size_t off, void *dst, u32 n))
{
	size_t done = 0;
	int reason;
	u8 *dst;
	u32 n;

	while (done < len) {
		n = min_t(size_t, rx_want(peer, &dst), len - done);
		if (copy(src, off + done, dst, n)) {
			reason = ZAB_REASON_PROTOCOL;
		} else {
			done += n;
			reason = rx_advance(peer, n);
		}
		if (reason) {
			rx_fail(peer, reason);
			break;
		}
	}
	return done;
}

static int copy_skb(const void *skb, size_t off, void *dst, u32 n)
{
	return skb_copy_bits(skb, off, dst, n);
}

static int copy_buf(const void *buf, size_t off, void *dst, u32 n)
{
	memcpy(dst, buf + off, n);
	return 0;
}

static int rx_actor(read_descriptor_t *desc, struct sk_buff *skb,
		    unsigned int offset, size_t len)
{
	struct zab_peer *peer = desc->arg.data;
	size_t done;

	/*
	 * read_sock() may call again after an error, with the rest of the
	 * skb: the frame state is not to be trusted any more.
	 */
	if (atomic_read(&peer->down))
		return 0;
	done = rx_feed(peer, skb, offset, len, copy_skb);
	if (atomic_read(&peer->down))
		desc->count = 0;
	else
		desc->count -= min_t(size_t, desc->count,
				     max_t(size_t, done, ZAB_RX_MIN_CHARGE));
	return done;
}

/*
 * Kernel TLS without read_sock() (6.1): recvmsg() into the frame's txn for
 * a payload that is not small (TLS decrypts into its skb and copies from
 * there, as into any kvec); else as much as one page holds into the peer's
 * rx_buf, and the frames are cut out of it, so that a burst of small frames
 * costs one call, not three per frame. Each call is charged at least the
 * bytes it took off TCP: a page of one-byte records is some 90 KiB on the
 * wire. Return bytes received, 0 at end of stream, or -errno (-EAGAIN:
 * nothing yet); an error or the end after some bytes goes to desc->error
 * (-ESHUTDOWN: the end), since TLS reports it once.
 */
static int rx_recvmsg(struct zab_peer *peer, read_descriptor_t *desc)
{
	struct sock *sk = peer->sock->sk;
	struct msghdr msg = {};
	int ret, total = 0, reason;
	u32 seq, wire;
	struct kvec vec;
	bool direct;
	u8 *dst;

	while (desc->count && !atomic_read(&peer->down)) {
		vec.iov_len = min_t(u32, rx_want(peer, &dst), ZAB_RX_DIRECT_MAX);
		direct = vec.iov_len >= ZAB_RX_DIRECT || !peer->rx_buf;
		vec.iov_base = direct ? dst : peer->rx_buf;
		if (!direct)
			vec.iov_len = PAGE_SIZE;
		iov_iter_kvec(&msg.msg_iter, ITER_DEST, &vec, 1, vec.iov_len);
		seq = READ_ONCE(tcp_sk(sk)->copied_seq);
		ret = peer->saved_ops->recvmsg(peer->sock, &msg, vec.iov_len,
					       MSG_DONTWAIT);
		if (ret <= 0) {
			if (total && ret != -EAGAIN)
				desc->error = ret ?: -ESHUTDOWN;
			return total ?: ret;
		}
		total += ret;
		wire = READ_ONCE(tcp_sk(sk)->copied_seq) - seq;
		desc->count -= min_t(size_t, desc->count,
				     max_t(size_t, max_t(size_t, ret, wire),
					   ZAB_RX_MIN_CHARGE));
		if (!direct) {
			rx_feed(peer, peer->rx_buf, 0, ret, copy_buf);
		} else {
			reason = rx_advance(peer, ret);
			if (reason) {
				rx_fail(peer, reason);
				break;
			}
		}
		cond_resched();
	}
	return total;
}

/**
 * zab_peer_tls_recvmsg() - does a TLS socket with @ops receive by recvmsg()?
 * @ops: the socket's operations (kernel TLS's)
 *
 * Return: true if its TLS has no read_sock() of its own (6.1).
 */
bool zab_peer_tls_recvmsg(const struct proto_ops *ops)
{
	return !ops->read_sock || ops->read_sock == tcp_read_sock;
}

/*
 * Read what is there: through TCP's own read_sock() on a plain socket, or
 * kernel TLS's where it has one (6.12), both under the socket's lock as
 * they expect; else through TLS's recvmsg(), which takes it itself.
 */
static int rx_read(struct zab_peer *peer, read_descriptor_t *desc)
{
	const struct proto_ops *ops = peer->saved_ops;
	struct sock *sk = peer->sock->sk;
	int ret;

	if (peer->tls && zab_peer_tls_recvmsg(ops))
		return rx_recvmsg(peer, desc);
	lock_sock(sk);
	ret = peer->tls ? ops->read_sock(sk, desc, rx_actor) :
			  tcp_read_sock(sk, desc, rx_actor);
	release_sock(sk);
	return ret;
}

/**
 * zab_peer_rx_worker() - receive and handle what the peer sent
 * @work: the peer's rx_work
 */
void zab_peer_rx_worker(struct work_struct *work)
{
	struct zab_peer *peer = container_of(work, struct zab_peer, rx_work);
	struct sock *sk = peer->sock->sk;
	read_descriptor_t desc = {
		.arg.data = peer,
		.count = ZAB_RX_BUDGET,
	};
	int ret;

	if (atomic_read(&peer->down))
		return;
	ret = rx_read(peer, &desc);
	if (atomic_read(&peer->down))
		return;
	if (ret > 0) {
		WRITE_ONCE(peer->last_rx, jiffies);
		WRITE_ONCE(peer->heard, true);
	}
	if (ret == -EAGAIN)
		ret = 0;
	if (ret > 0 && desc.error)	/* after data (rx_recvmsg()) */
		ret = desc.error;
	if (READ_ONCE(tcp_sk(sk)->urg_data))
		zab_peer_down(peer, ZAB_REASON_PROTOCOL);	/* stalls reads */
	else if (peer->tls && ((ret < 0 && zab_tls_error(-ret)) ||
			       zab_tls_error(READ_ONCE(sk->sk_err))))
		zab_peer_down(peer, ZAB_REASON_TLS);
	else if (ret == -ESHUTDOWN)
		zab_peer_down(peer, ZAB_REASON_CLOSED);
	else if (ret < 0 || sk->sk_err)
		zab_peer_down(peer, ZAB_REASON_SOCK_ERROR);
	else if (ret == 0 && (sk->sk_shutdown & RCV_SHUTDOWN))
		zab_peer_down(peer, ZAB_REASON_CLOSED);
	else if (!desc.count)
		zab_peer_queue_rx(peer);	/* more to read: yield first */
}
