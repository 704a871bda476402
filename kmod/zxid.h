/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_ZXID_H
#define _ZAB_ZXID_H

#include <linux/types.h>
#include <uapi/linux/zab.h>

/**
 * zab_zxid_follows() - may @next come right after @prev in a log?
 * @prev: the last zxid of the log (0: empty)
 * @next: the candidate
 * @epoch: the current epoch; nothing later may appear
 *
 * Each epoch's leader numbers its proposals from 1 without gaps, so a log is
 * contiguous within an epoch and starts each later epoch at counter 1.
 *
 * Return: true if @next is @prev + 1 in the same epoch, or the first zxid of
 * a later epoch not after @epoch.
 */
static inline bool zab_zxid_follows(u64 prev, u64 next, u32 epoch)
{
	if (ZAB_ZXID_EPOCH(next) == ZAB_ZXID_EPOCH(prev))
		return next == prev + 1;
	return ZAB_ZXID_COUNTER(next) == 1 &&
	       ZAB_ZXID_EPOCH(next) > ZAB_ZXID_EPOCH(prev) &&
	       ZAB_ZXID_EPOCH(next) <= epoch;
}

#endif /* _ZAB_ZXID_H */
