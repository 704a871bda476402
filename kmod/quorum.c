// SPDX-License-Identifier: GPL-2.0
/*
 * The quorum tally: which zxid a quorum of the ensemble has logged.
 */
#include <linux/minmax.h>
#include <linux/sort.h>

#include "kmod/quorum.h"
#include <uapi/linux/zab.h>

static int cmp_desc(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/**
 * zab_quorum_point() - highest zxid logged by a quorum
 * @self: the leader's own durable zxid
 * @acked: the zxid each connected follower acknowledged
 * @n: entries in @acked, at most %ZAB_MEMBERS_MAX - 1
 * @members: ensemble size
 *
 * The leader counts as one member. Acks are cumulative, so the answer is the
 * quorum-th highest of all the values.
 *
 * Return: that zxid, or 0 if fewer than a quorum are counted.
 */
u64 zab_quorum_point(u64 self, const u64 *acked, unsigned int n, u32 members)
{
	u64 v[ZAB_MEMBERS_MAX];
	u32 q = zab_quorum_size(members);
	unsigned int i;

	n = min_t(unsigned int, n, ZAB_MEMBERS_MAX - 1);
	if (n + 1 < q)
		return 0;
	v[0] = self;
	for (i = 0; i < n; i++)
		v[i + 1] = acked[i];
	sort(v, n + 1, sizeof(v[0]), cmp_desc, NULL);
	return v[q - 1];
}
