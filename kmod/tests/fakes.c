// SPDX-License-Identifier: GPL-2.0
/*
 * zab_test.ko: KUnit suites for the parts of zab that run alone. The code
 * under test is compiled into this module from its own source file (each
 * *_test.c includes the .c it tests), so zab.ko needs no test hooks; what
 * instance.c and netlink.c call in the char device and the broadcast is
 * faked here.
 */
#include <linux/module.h>
#include <linux/mutex.h>

#include "kmod/broadcast.h"
#include "kmod/chardev.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/tests/fakes.h"

struct zab_fakes zab_fakes;

void zab_fakes_reset(void)
{
	memset(&zab_fakes, 0, sizeof(zab_fakes));
}

int zab_chardev_add(struct zab_instance *zi)
{
	zab_fakes.chardev_adds++;
	return zab_fakes.chardev_err;
}

void zab_chardev_del(struct zab_instance *zi)
{
	zab_fakes.chardev_dels++;
}

void zab_bcast_init(struct zab_instance *zi)
{
	INIT_LIST_HEAD(&zi->peers);
	INIT_LIST_HEAD(&zi->requests);
	mutex_init(&zi->log_mutex);
	zab_log_init(zi);
}

void zab_bcast_shutdown(struct zab_instance *zi)
{
	zab_fakes.shutdowns++;
}

void zab_bcast_stop(struct zab_instance *zi)
{
	zab_fakes.stops++;
}

int zab_bcast_lead(struct zab_instance *zi, u32 epoch, u32 members,
		   u64 history, const struct zab_peer_spec *specs,
		   unsigned int n, struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

int zab_bcast_follow(struct zab_instance *zi, u32 epoch,
		     const struct zab_peer_spec *leader, u64 history,
		     struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

int zab_bcast_add_follower(struct zab_instance *zi,
			   const struct zab_peer_spec *spec,
			   struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of zab, ZooKeeper atomic broadcast");
