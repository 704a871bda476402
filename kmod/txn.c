// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: the refcounted records the log, the follower queues and the
 * readers share.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "kmod/txn.h"

/*
 * A txn is one allocation, header and payload. Past a page, kmalloc takes
 * a power of two of pages: a 64 KiB record's txn would take 128 KiB, all
 * of it zeroed where init_on_alloc is on (Debian's default), twice what
 * windowBytes charges it. Where that rounding would take more than an
 * eighth beyond the whole pages vmalloc() takes, the txn is vmalloc'ed, a
 * page at a time, as kvmalloc() does when contiguous pages run short; not
 * otherwise, since a vmalloc'ed txn costs a mapping, a TLB flush in time,
 * and a lookup at each copy to or from userspace (hardened usercopy).
 */
static void *txn_mem(size_t size)
{
	if ((PAGE_SIZE << get_order(size)) - PAGE_ALIGN(size) > size / 8)
		return vmalloc(size);
	return kvmalloc(size, GFP_KERNEL);
}

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

	txn = txn_mem(struct_size(txn, data, len));
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
