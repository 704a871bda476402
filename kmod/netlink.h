/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_NETLINK_H
#define _ZAB_NETLINK_H

#include <linux/types.h>
#include <uapi/linux/zab.h>

struct zab_instance;

int zab_netlink_init(void);
void zab_netlink_exit(void);
void zab_netlink_notify(struct zab_instance *zi, enum zab_event event,
			u32 peer_id, enum zab_reason reason);

#endif /* _ZAB_NETLINK_H */
