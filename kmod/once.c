// SPDX-License-Identifier: GPL-2.0
/*
 * Exactly-once appends: each member's record of the last tagged record of
 * every client in its log (see "Exactly-once appends" in uapi/linux/zab.h).
 *
 * The log is the truth; this is its index, kept as records enter the log
 * (zab_log_append(): proposed, received or restored) and leave it
 * (truncated, or the whole log reset), so that a member that becomes leader
 * already has it. A record committed anywhere is in every later leader's
 * log, so a retry finds its original there if it committed.
 *
 * What the index does not cover is below the floor: records before the log
 * a member started with (a restore's or a SNAP's base), and a client
 * forgotten for room, or for a failed allocation. A tagged record at zxid
 * Z not indexed raises the floor to Z: the index still knows every record
 * after the floor. A retry that cannot be sure (its client not known, and
 * its first try possibly at or before the floor) is refused, -ESTALE,
 * never appended twice.
 *
 * Truncation takes the clients whose last record goes back to their
 * newest record that stays, found in the log (a client may have several
 * records in flight: a batch, several threads); one with none left in the
 * log is forgotten, and if records left the window the floor rises to
 * them, where an older record of it may be.
 */
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "kmod/compat.h"
#include "kmod/instance.h"
#include "kmod/once.h"
#include "kmod/txn.h"

/**
 * struct zab_once_client - a client's last record in the log
 * @node: entry in the table
 * @lru: entry in the instance's list, least recently written first
 * @client: its id, the key
 * @seq: the record's number
 * @zxid: the record's zxid
 * @lost: (zab_once_truncate()) its record was truncated
 * @found: (zab_once_truncate()) an older record of it is in the log
 * @rcu: rhashtable frees its buckets after RCU; entries are removed and
 *	freed under log_mutex, as every lookup runs, and freed after RCU too
 */
struct zab_once_client {
	struct rhash_head node;
	struct list_head lru;
	u64 client;
	u64 seq;
	u64 zxid;
	bool lost;
	bool found;
	struct rcu_head rcu;
};

static const struct rhashtable_params once_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct zab_once_client, client),
	.head_offset = offsetof(struct zab_once_client, node),
	.min_size = 16,
	.automatic_shrinking = true,
};

/**
 * zab_once_parse() - decode a record's exactly-once header
 * @data: the record
 * @len: its length
 * @tag: set to the header, if it has one
 *
 * Context: any.
 * Return: 1 if the record starts with a well-formed header, 0 if it does not
 * start with %ZAB_ONCE_MAGIC, -EINVAL if it does but the header is short
 * or malformed.
 */
int zab_once_parse(const void *data, u32 len, struct zab_once_tag *tag)
{
	const struct zab_once_hdr *h = data;

	if (len < sizeof(h->magic) ||
	    get_unaligned_be32(&h->magic) != ZAB_ONCE_MAGIC)
		return 0;
	if (len < sizeof(*h) || get_unaligned_be32(&h->reserved))
		return -EINVAL;
	tag->client = get_unaligned_be64(&h->client);
	tag->seq = get_unaligned_be64(&h->seq);
	tag->after = get_unaligned_be64(&h->after);
	if (!tag->client || !tag->seq)
		return -EINVAL;
	return 1;
}

/**
 * zab_once_init() - an empty index, complete from the start
 * @zi: the instance being made
 *
 * Return: 0 or -ENOMEM.
 */
int zab_once_init(struct zab_instance *zi)
{
	INIT_LIST_HEAD(&zi->once.lru);
	zi->once.clients = 0;
	zi->once.floor = 0;
	return rhashtable_init(&zi->once.table, &once_params);
}

static void once_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/**
 * zab_once_destroy() - free the index
 * @zi: a dead instance; nothing else touches it any more
 */
void zab_once_destroy(struct zab_instance *zi)
{
	rhashtable_free_and_destroy(&zi->once.table, once_free, NULL);
}

/* Forget @c; the floor rises to its record if @raise. */
static void once_drop(struct zab_instance *zi, struct zab_once_client *c,
		      bool raise)
{
	struct zab_once *o = &zi->once;

	if (raise)
		WRITE_ONCE(o->floor, max(o->floor, c->zxid));
	rhashtable_remove_fast(&o->table, &c->node, once_params);
	list_del(&c->lru);
	WRITE_ONCE(o->clients, o->clients - 1);
	kfree_rcu(c, rcu);
}

static struct zab_once_client *once_lookup(struct zab_instance *zi, u64 client)
{
	return rhashtable_lookup_fast(&zi->once.table, &client, once_params);
}

/**
 * zab_once_note() - index a record that entered the log
 * @zi: the instance, log_mutex held
 * @txn: the record, its zxid set, the last in the log
 *
 * A record without a well-formed header is not a client's. If the index
 * cannot take a new client, the floor rises to the record instead.
 */
void zab_once_note(struct zab_instance *zi, const struct zab_txn *txn)
{
	struct zab_once *o = &zi->once;
	struct zab_once_client *c;
	struct zab_once_tag tag;

	lockdep_assert_held(&zi->log_mutex);
	if (zab_once_parse(txn->data, txn->len, &tag) != 1)
		return;
	c = once_lookup(zi, tag.client);
	if (c) {
		c->seq = tag.seq;
		c->zxid = txn->zxid;
		list_move_tail(&c->lru, &o->lru);
		return;
	}
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		goto unknown;
	if (o->clients >= ZAB_ONCE_CLIENTS_MAX)
		once_drop(zi, list_first_entry(&o->lru, struct zab_once_client,
					       lru), true);
	c->client = tag.client;
	c->seq = tag.seq;
	c->zxid = txn->zxid;
	if (rhashtable_insert_fast(&o->table, &c->node, once_params)) {
		kfree(c);
		goto unknown;
	}
	list_add_tail(&c->lru, &o->lru);
	WRITE_ONCE(o->clients, o->clients + 1);
	return;
unknown:
	WRITE_ONCE(o->floor, max(o->floor, txn->zxid));
}

/**
 * zab_once_truncate() - the log now ends at @zxid
 * @zi: the instance, log_mutex held, its log already truncated
 * @zxid: the new last zxid
 *
 * Each client whose last record went gets its newest record that stays,
 * from a scan of the log (only if one went: TRUNC is rare); one without
 * any is forgotten, and the floor rises to the records that left the
 * window, where an older record of it may be.
 */
void zab_once_truncate(struct zab_instance *zi, u64 zxid)
{
	struct zab_once_client *c, *tmp;
	struct zab_once_tag tag;
	unsigned int lost = 0;
	struct zab_txn *txn;
	unsigned long idx;

	lockdep_assert_held(&zi->log_mutex);
	list_for_each_entry(c, &zi->once.lru, lru) {
		if (c->zxid > zxid) {
			c->lost = true;
			lost++;
		}
	}
	if (!lost)
		return;
	xa_for_each_range(&zi->log, idx, txn, 0, zxid) {
		if (zab_once_parse(txn->data, txn->len, &tag) != 1)
			continue;
		c = once_lookup(zi, tag.client);
		if (c && c->lost) {
			c->seq = tag.seq;
			c->zxid = txn->zxid;
			c->found = true;
		}
	}
	list_for_each_entry_safe(c, tmp, &zi->once.lru, lru) {
		if (!c->lost)
			continue;
		c->lost = false;
		if (c->found) {
			c->found = false;
			continue;
		}
		once_drop(zi, c, false);
		WRITE_ONCE(zi->once.floor,
			   max(zi->once.floor, READ_ONCE(zi->trimmed_zxid)));
	}
}

/**
 * zab_once_reset() - the log was emptied; it goes on after @base
 * @zi: the instance, log_mutex held
 * @base: the records up to it are unknown from now on
 */
void zab_once_reset(struct zab_instance *zi, u64 base)
{
	struct zab_once_client *c, *tmp;

	lockdep_assert_held(&zi->log_mutex);
	list_for_each_entry_safe(c, tmp, &zi->once.lru, lru)
		once_drop(zi, c, false);
	WRITE_ONCE(zi->once.floor, base);
}

/**
 * zab_once_check() - may a leader append a tagged record?
 * @zi: the instance, log_mutex held, leading
 * @tag: the record's header
 * @zxid: set to the original's zxid for a duplicate
 *
 * Return: 0: append it; 1: it is in the log already, as @zxid; -EALREADY: a
 * later record of its client is; -ESTALE: its client is not known and its
 * first try may predate what the index knows, or @after is past our log
 * (no writer saw that committed: the tag is not to be trusted).
 */
int zab_once_check(struct zab_instance *zi, const struct zab_once_tag *tag,
		   u64 *zxid)
{
	struct zab_once_client *c;

	lockdep_assert_held(&zi->log_mutex);
	if (tag->after > zi->last_zxid)
		return -ESTALE;
	c = once_lookup(zi, tag->client);
	if (!c)
		return tag->after >= zi->once.floor ? 0 : -ESTALE;
	if (tag->seq == c->seq) {
		*zxid = c->zxid;
		return 1;
	}
	return tag->seq < c->seq ? -EALREADY : 0;
}
