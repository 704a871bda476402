/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_TXN_H
#define _ZAB_TXN_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

/**
 * struct zab_txn - one record: a proposal, a committed record, or a write a
 * follower forwards to its leader
 * @ref: the log holds one reference, every follower frame in flight one more,
 *	so the payload is never copied for the fan-out
 * @qnode: on a follower, entry in the leader peer's request queue, which
 *	holds a reference: never in use once the last one is dropped
 * @rcu: readers find txns under RCU, so they are freed after a grace
 *	period; shares @qnode's room (a small record's txn fits 128 bytes)
 * @zxid: its zxid, 0 until the leader assigns one
 * @req_id: the origin member's request id (0: none)
 * @logged_ns: on a leader, when it assigned the zxid (ktime_get_ns()), for
 *	the commit latency; 0 for every other record, and once a new epoch
 *	begins before its commit
 * @origin: member id the write came from
 * @len: payload length
 * @budgeted: counted in the instance's epoch_pending (a proposal of the
 *	current epoch); under log_mutex
 * @data: payload
 */
struct zab_txn {
	struct kref ref;
	union {
		struct list_head qnode;
		struct rcu_head rcu;
	};
	u64 zxid;
	u64 req_id;
	u64 logged_ns;
	u32 origin;
	u32 len;
	bool budgeted;
	u8 data[];
};

struct zab_txn *zab_txn_alloc(u32 len);
void zab_txn_put(struct zab_txn *txn);

static inline void zab_txn_get(struct zab_txn *txn)
{
	kref_get(&txn->ref);
}

/* Bytes a txn is charged against windowBytes. */
static inline size_t zab_txn_size(const struct zab_txn *txn)
{
	return sizeof(*txn) + txn->len;
}

#endif /* _ZAB_TXN_H */
