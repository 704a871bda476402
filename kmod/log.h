/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_LOG_H
#define _ZAB_LOG_H

#include <linux/types.h>

#include "kmod/instance.h"

struct zab_txn;

/**
 * zab_log_last() - the last zxid logged
 * @zi: the instance
 *
 * Context: any; lockless.
 * Return: a zxid such that every record up to it is in the log (the acquire
 * pairs with the release in zab_log_append() and zab_log_truncate()).
 */
static inline u64 zab_log_last(struct zab_instance *zi)
{
	/* pairs with the release in zab_log_append() and zab_log_truncate() */
	return smp_load_acquire(&zi->last_zxid);
}

/**
 * zab_log_committed() - the commit point
 * @zi: the instance
 *
 * Context: any; lockless.
 * Return: a zxid such that every record up to it is committed (the acquire
 * pairs with the release in zab_log_commit()).
 */
static inline u64 zab_log_committed(struct zab_instance *zi)
{
	/* pairs with the release in zab_log_commit() */
	return smp_load_acquire(&zi->commit_zxid);
}

/**
 * enum zab_sync - how a follower's log is brought in line with the leader's
 * @ZAB_SYNC_DIFF: it holds a prefix of the leader's log; it is sent the rest
 * @ZAB_SYNC_TRUNC: it first discards its records after a point, then DIFF
 * @ZAB_SYNC_SNAP: it discards its whole log and takes the leader's window
 */
enum zab_sync {
	ZAB_SYNC_DIFF,
	ZAB_SYNC_TRUNC,
	ZAB_SYNC_SNAP,
};

void zab_log_init(struct zab_instance *zi);
void zab_log_destroy(struct zab_instance *zi);
int zab_log_append(struct zab_instance *zi, struct zab_txn *txn);
void zab_log_commit(struct zab_instance *zi, u64 zxid);
void zab_log_trim(struct zab_instance *zi);
bool zab_log_behind(struct zab_instance *zi);
void zab_log_truncate(struct zab_instance *zi, u64 zxid);
struct zab_txn *zab_log_find(struct zab_instance *zi, u64 from);
int zab_log_next(struct zab_instance *zi, u64 prev, struct zab_txn **next);
enum zab_sync zab_log_sync_point(struct zab_instance *zi, u64 last,
				 u64 *from);
void zab_log_reset(struct zab_instance *zi, u64 base);
void zab_log_rebudget(struct zab_instance *zi);
u64 zab_log_first(struct zab_instance *zi);

#endif /* _ZAB_LOG_H */
