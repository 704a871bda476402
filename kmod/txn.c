// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: the refcounted records the log, the follower queues and the
 * readers share.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "kmod/txn.h"

/**
 * zab_txn_alloc() - allocate a txn with room for @len bytes of payload
 * @len: payload length, at most %ZAB_MAX_RECORD_LIMIT
 *
 * Context: process context, may sleep.
 * Return: the txn with one reference and zeroed header fields, or NULL.
 */
struct zab_txn *zab_txn_alloc(u32 len)
{
	struct zab_txn *txn;

	txn = kvmalloc(struct_size(txn, data, len), GFP_KERNEL);
	if (!txn)
		return NULL;
	kref_init(&txn->ref);
	INIT_LIST_HEAD(&txn->qnode);
	txn->zxid = 0;
	txn->req_id = 0;
	txn->logged_ns = 0;
	txn->origin = 0;
	txn->len = len;
	txn->budgeted = false;
	return txn;
}

static void zab_txn_release(struct kref *ref)
{
	struct zab_txn *txn = container_of(ref, struct zab_txn, ref);

	kvfree_rcu(txn, rcu);
}

/**
 * zab_txn_put() - drop a reference; the last one frees after a grace period
 * @txn: the txn, may be NULL
 */
void zab_txn_put(struct zab_txn *txn)
{
	if (txn)
		kref_put(&txn->ref, zab_txn_release);
}
