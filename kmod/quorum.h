/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_QUORUM_H
#define _ZAB_QUORUM_H

#include <linux/types.h>

/* Members that make a quorum of an ensemble of @members: a strict majority. */
static inline u32 zab_quorum_size(u32 members)
{
	return members / 2 + 1;
}

u64 zab_quorum_point(u64 self, const u64 *acked, unsigned int n, u32 members);

#endif /* _ZAB_QUORUM_H */
