/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fakes of the layers below the instance registry and the netlink family,
 * so that zab_test.ko can run instance.c and netlink.c without sockets, char
 * devices or a broadcast: see fakes.c.
 */
#ifndef _ZAB_TESTS_FAKES_H
#define _ZAB_TESTS_FAKES_H

#include <linux/bitmap.h>

#include "kmod/instance.h"

/**
 * struct zab_fakes - what the fakes were asked to do, and how to answer
 * @chardev_err: what zab_chardev_add() returns
 * @chardev_adds: zab_chardev_add() calls
 * @chardev_dels: zab_chardev_del() calls
 * @shutdowns: zab_bcast_shutdown() calls
 * @stops: zab_bcast_stop() calls
 * @live_minors: minors with a char device added and not yet deleted; adding
 *	one of them fails with -EEXIST, as the driver core does
 * @on_shutdown: called by zab_bcast_shutdown() if set
 * @send_hold: what zab_bcast_send_hold() returns; 0 for U64_MAX
 *	(no peer behind)
 */
struct zab_fakes {
	int chardev_err;
	int chardev_adds;
	int chardev_dels;
	int shutdowns;
	int stops;
	DECLARE_BITMAP(live_minors, ZAB_MAX_INSTANCES);
	void (*on_shutdown)(struct zab_instance *zi);
	u64 send_hold;
};

extern struct zab_fakes zab_fakes;

void zab_fakes_reset(void);

struct kunit;

int zab_fake_log_init(struct kunit *test);
void zab_fake_log_exit(struct kunit *test);

#endif /* _ZAB_TESTS_FAKES_H */
