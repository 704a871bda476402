/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_SYNC_H
#define _ZAB_SYNC_H

#include <linux/types.h>

struct zab_instance;
struct zab_peer;
struct zab_tx_frame;

int zab_sync(struct zab_instance *zi, u64 *zxid);
u64 zab_sync_stamp(struct zab_instance *zi);
bool zab_sync_on_pong(struct zab_peer *peer, u64 stamp);
int zab_sync_on_frame(struct zab_peer *peer, u8 flags, u64 seq, u64 zxid);
bool zab_sync_next_frame(struct zab_peer *peer, struct zab_tx_frame *f);

#endif /* _ZAB_SYNC_H */
