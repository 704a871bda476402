/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_BROADCAST_H
#define _ZAB_BROADCAST_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/types.h>

struct zab_append;
struct zab_instance;
struct zab_peer;
struct zab_txn;

/**
 * struct zab_peer_spec - a peer as the handover names it
 * @id: member id
 * @fd: connected TCP socket
 * @last_zxid: the last zxid the peer holds
 * @observer: (leader) it observes: committed records only, in no quorum
 */
struct zab_peer_spec {
	u32 id;
	int fd;
	u64 last_zxid;
	bool observer;
};

/**
 * struct zab_view - the ensemble as a role is started with it
 * @members: voting members, the leader included (0: unknown, to a follower)
 * @observers: observers besides them
 * @observing: (follower) this member observes
 */
struct zab_view {
	u32 members;
	u32 observers;
	bool observing;
};

/* No history end given: the whole log is the history. */
#define ZAB_HISTORY_ALL U64_MAX

void zab_bcast_init(struct zab_instance *zi);
int zab_bcast_lead(struct zab_instance *zi, u32 epoch,
		   const struct zab_view *view,
		   u64 history, const struct zab_peer_spec *specs,
		   unsigned int n, struct netlink_ext_ack *extack);
int zab_bcast_follow(struct zab_instance *zi, u32 epoch,
		     const struct zab_peer_spec *leader, u64 history,
		     const struct zab_view *view, bool hold_acks,
		     struct netlink_ext_ack *extack);
int zab_bcast_synced(struct zab_instance *zi, u32 epoch,
		     struct netlink_ext_ack *extack);
int zab_bcast_add_follower(struct zab_instance *zi,
			   const struct zab_peer_spec *spec,
			   struct netlink_ext_ack *extack);
void zab_bcast_stop(struct zab_instance *zi);
int zab_bcast_drop_peer(struct zab_instance *zi, u32 id);
void zab_bcast_shutdown(struct zab_instance *zi);

/**
 * struct zab_fwd - a write forwarded to the leader, waiting on a follower
 * @node: entry in zi->requests, under log_mutex
 * @id: request id, unique in the instance
 * @gen: zi->gen when it was sent
 * @zxid: the zxid the leader gave it, 0 until its proposal arrives; for
 *	an exactly-once record already in the log, the original's
 * @err: the leader did not propose it (REPLY): -EALREADY or -ESTALE
 */
struct zab_fwd {
	struct list_head node;
	u64 id;
	u64 gen;
	u64 zxid;
	int err;
};

/**
 * struct zab_write - a local write submitted (zab_bcast_submit())
 * @need_gen: set by the caller: submit only in this generation of the
 *	instance's role (else -ECONNRESET), 0 for any
 * @size: room it reserved among this member's writes in flight
 * @forwarded: we follow: it went to the leader as @req
 * @gen: (leading) zi->gen when proposed
 * @zxid: (leading) the zxid it got
 * @req: (following) the forwarded request, on zi->requests
 */
struct zab_write {
	u64 need_gen;
	u64 size;
	bool forwarded;
	u64 gen;
	u64 zxid;
	struct zab_fwd req;
};

#define ZAB_SUBMIT_NOWAIT	BIT(0)
#define ZAB_SUBMIT_DEFER	BIT(1)

/* The most records zab_bcast_submit_batch() takes at a time. */
#define ZAB_SUBMIT_CHUNK	32

int zab_bcast_submit(struct zab_instance *zi, const void __user *buf,
		     size_t len, struct zab_write *w, unsigned int flags);
int zab_bcast_submit_batch(struct zab_instance *zi,
			   const struct zab_append *recs, struct zab_write *w,
			   u32 n, unsigned int flags, u32 *done);
void zab_bcast_flush(struct zab_instance *zi);

/* The generation a submitted write went out in. */
static inline u64 zab_bcast_write_gen(const struct zab_write *w)
{
	return w->forwarded ? w->req.gen : w->gen;
}

int zab_bcast_wait(struct zab_instance *zi, struct zab_write *w, u64 *zxid);
void zab_bcast_forget(struct zab_instance *zi, struct zab_write *w);
ssize_t zab_bcast_write(struct zab_instance *zi, const void __user *buf,
			size_t len, u64 *zxid);

int zab_bcast_on_proposal(struct zab_peer *peer, struct zab_txn *txn);
int zab_bcast_on_commit(struct zab_peer *peer, u64 zxid);
int zab_bcast_on_trunc(struct zab_peer *peer, u64 zxid);
int zab_bcast_on_snap(struct zab_peer *peer, u64 base);
void zab_bcast_durable(struct zab_instance *zi);
bool zab_bcast_leader_synced(struct zab_instance *zi);
u64 zab_bcast_send_hold(struct zab_instance *zi);
bool zab_bcast_rx_over_budget(struct zab_peer *peer, size_t len);
int zab_bcast_restore(struct zab_instance *zi, u32 op, u64 zxid,
		      struct zab_txn *txn);
int zab_bcast_on_ack(struct zab_peer *peer, u64 zxid);
int zab_bcast_on_request(struct zab_peer *peer, struct zab_txn *txn);
int zab_bcast_on_reply(struct zab_peer *peer, u64 req_id, u32 status,
		       u64 zxid);

#endif /* _ZAB_BROADCAST_H */
