/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_PEER_H
#define _ZAB_PEER_H

#include <linux/errno.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/net.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "kmod/wire.h"

struct zab_instance;
struct zab_txn;

/* Frames one sendmsg() carries, at most */
#define ZAB_TX_BATCH 16

/**
 * struct zab_tx_frame - a frame drawn to send
 * @head: frame header and fixed body
 * @head_len: bytes in @head
 * @txn: the record whose payload follows the head, referenced, or NULL
 */
struct zab_tx_frame {
	u8 head[ZAB_FRAME_HEAD_MAX];
	u32 head_len;
	struct zab_txn *txn;
};

/**
 * struct zab_rx_frame - the frame being received
 * @head: frame header and fixed body as they arrive
 * @got: bytes of @head received
 * @info: the checked header, valid once the header is in
 * @txn: where the payload goes, for PROPOSAL and REQUEST
 * @payload_got: payload bytes received
 */
struct zab_rx_frame {
	u8 head[ZAB_FRAME_HEAD_MAX];
	u32 got;
	struct zab_frame_info info;
	struct zab_txn *txn;
	u32 payload_got;
};

/**
 * struct zab_sync_ask - a follower's SYNC question, as its leader keeps it
 * @seq: its number
 * @at: when it arrived (ktime, ns)
 * @index: the read index taken then
 */
struct zab_sync_ask {
	u64 seq;
	u64 at;
	u64 index;
};

/**
 * struct zab_reply_slot - a REPLY a leader owes a follower
 * @node: entry in the peer's replies, oldest first
 * @req_id: the request it answers
 * @status: &enum zab_reply_status
 * @zxid: the record's zxid (%ZAB_REPLY_DUPLICATE), else 0
 */
struct zab_reply_slot {
	struct list_head node;
	u64 req_id;
	u32 status;
	u64 zxid;
};

/**
 * struct zab_peer - a TCP connection to another member, owned by the kernel
 * @ref: lifetime; the instance's list holds one reference
 * @node: entry in zi->peers (RCU)
 * @zi: the instance; peers are detached before their instance is freed
 * @id: the peer's member id
 * @sock: the socket, with a reference on its file
 * @saved_data_ready: callbacks of the socket before it was attached
 * @saved_write_space: see @saved_data_ready
 * @saved_state_change: see @saved_data_ready
 * @saved_ops: the socket's operations before it was claimed
 * @claimed_ops: those it has while claimed (zab_peer_create())
 * @tls: the socket is encrypted with kernel TLS, both ways
 * @wake: (TLS) entry on the socket's wait queue, where TLS signals that a
 *	record is whole (also from its stream parser's work), not through
 *	the socket's callbacks
 * @tx_records: (TLS) records sent under its key, at most; tx_work only
 * @rx_work: receives and handles frames
 * @tx_work: sends frames
 * @cpu: the CPU both works are queued for (WORK_CPU_UNBOUND: where
 *	queued); set before the peer is published (zab_peer_place())
 * @down: 0 while healthy, else the &enum zab_reason it failed with (the
 *	first one wins)
 * @dead: set once detached; nothing queues work on it afterwards
 * @last_rx: jiffies when a frame last arrived, or when attached
 * @heard: a frame has arrived since attached
 * @rx_synced: (follower) a frame was received: TRUNC and SNAP are no longer
 *	allowed; GET reports it (zab_bcast_leader_synced())
 * @hold_acks: (follower) acknowledge nothing until zabd wrote the epoch
 *	(zab_bcast_synced())
 * @ack_heard: (leader) the follower acknowledged since attached
 * @to_follower: we lead and the peer follows
 * @observer: (leader) the peer observes: it is sent committed records only
 *	and its acknowledgments count towards no quorum
 * @acked: (leader) highest zxid the follower acknowledged; under log_mutex
 * @tx_zxid: (leader) last proposal drawn into @tx (sent, or waiting there
 *	in order); written by tx_work only
 * @tx_commit: (leader) last commit point sent; tx_work only
 * @sync_frame: (leader) %ZAB_FRAME_TRUNC or %ZAB_FRAME_SNAP to send first,
 *	with @tx_zxid, or 0
 * @ack_sent: (follower) last zxid acknowledged, as drawn into @tx; tx_work
 *	only
 * @gen: zi->gen when it was attached
 * @ping_stamp: stamp of a PING (or reply) to send, 0 if none
 * @ping_sent: (leader) the newest stamp drawn into @tx; tx_work writes it
 * @ping_echo: (leader) the newest of ours the follower echoed; rx_work
 *	writes it
 * @rtt_us: (leader) smoothed round-trip time of PINGs
 * @progress_acked: (leader) @acked when the tick worker last saw it move,
 *	or saw nothing outstanding; tick worker only
 * @progress_at: (leader) jiffies of that; tick worker only
 * @req_lock: protects @requests and the replies
 * @requests: (follower) writes to forward to the leader, as txns
 * @replies: (leader) REPLY frames to send, oldest first (struct
 *	zab_reply_slot)
 * @reply_n: entries in @replies; read without the lock to skip it
 * @sync_lock: (leader) protects @sync_ask and @sync_answered
 * @sync_asked: (leader) the newest SYNC question's number; rx_work writes it
 * @sync_ask: (leader) the oldest question not answered, and the newest
 *	after it (kmod/sync.c)
 * @sync_answered: (leader) the newest question answered
 * @sync_want: (follower) the newest question our syncs took a number for,
 *	under zi->log_mutex
 * @sync_sent: (follower) the newest question sent; tx_work writes it
 * @sync_replied: (follower) the newest question answered; rx_work only
 * @tx: frames drawn and not yet wholly sent, oldest first: up to
 *	%ZAB_TX_BATCH go in one send, and one more is drawn beyond them to
 *	know whether others follow at once; tx_work only
 * @tx_n: frames in @tx
 * @tx_sent: bytes of the first frame in @tx already sent
 * @rx: the frame being received
 * @rx_buf: (TLS without read_sock(), 6.1) a page that small frames are
 *	received into and cut out of; rx_work only
 */
struct zab_peer {
	struct kref ref;
	struct list_head node;
	struct zab_instance *zi;
	u32 id;
	struct socket *sock;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	const struct proto_ops *saved_ops;
	const struct proto_ops *claimed_ops;
	bool tls;
	struct wait_queue_entry wake;
	u64 tx_records;
	struct work_struct rx_work;
	struct work_struct tx_work;
	int cpu;
	atomic_t down;
	bool dead;
	unsigned long last_rx;
	bool heard;
	bool rx_synced;
	bool ack_heard;
	bool hold_acks;

	bool to_follower;
	bool observer;
	u64 acked;
	u64 tx_zxid;
	u64 tx_commit;
	u8 sync_frame;
	u64 ack_sent;
	u64 gen;
	atomic64_t ping_stamp;
	u64 ping_sent;
	u64 ping_echo;
	u32 rtt_us;
	u64 progress_acked;
	unsigned long progress_at;

	spinlock_t req_lock;		/* @requests, the replies */
	struct list_head requests;
	struct list_head replies;
	u32 reply_n;

	spinlock_t sync_lock;		/* @sync_ask, @sync_answered */
	u64 sync_asked;
	struct zab_sync_ask sync_ask[2];
	u64 sync_answered;
	u64 sync_want;
	u64 sync_sent;
	u64 sync_replied;

	struct zab_tx_frame tx[ZAB_TX_BATCH + 1];
	unsigned int tx_n;
	u32 tx_sent;
	struct zab_rx_frame rx;
	u8 *rx_buf;
};

extern struct workqueue_struct *zab_wq;
extern bool zab_wq_unbound;

struct zab_peer *zab_peer_create(struct zab_instance *zi, u32 id, int fd,
				 u64 last_zxid, int *err);
void zab_peer_place(struct zab_peer *peer);
void zab_peer_attach(struct zab_peer *peer);
void zab_peer_detach(struct zab_peer *peer);
void zab_peer_put(struct zab_peer *peer);
bool zab_peer_down(struct zab_peer *peer, enum zab_reason reason);
void zab_peer_kick(struct zab_peer *peer);
void zab_peer_queue_rx(struct zab_peer *peer);
void zab_peer_ping(struct zab_peer *peer, u64 stamp);
int zab_peer_reply(struct zab_peer *peer, u64 req_id, u32 status, u64 zxid,
		   u32 limit);
bool zab_peer_next_reply(struct zab_peer *peer, struct zab_reply_slot *r);
void zab_peer_rx_worker(struct work_struct *work);
void zab_peer_tx_worker(struct work_struct *work);
void zab_peer_ops_release(void);
bool zab_peer_tls_recvmsg(const struct proto_ops *ops);

/* Is @err (positive: of a read, a send or the socket) TLS refusing a record? */
static inline bool zab_tls_error(int err)
{
	return err == EBADMSG || err == EMSGSIZE || err == EINVAL || err == EIO;
}

#endif /* _ZAB_PEER_H */
