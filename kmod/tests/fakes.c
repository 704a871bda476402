// SPDX-License-Identifier: GPL-2.0
/*
 * zab_test.ko: KUnit suites for the parts of zab that run alone. The code
 * under test is compiled into this module from its own source file (each
 * *_test.c includes the .c it tests), so zab.ko needs no test hooks; what
 * instance.c and netlink.c call in the char device and the broadcast is
 * faked here.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "kmod/broadcast.h"
#include "kmod/chardev.h"
#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/tests/fakes.h"

struct zab_fakes zab_fakes;

void zab_fakes_reset(void)
{
	memset(&zab_fakes, 0, sizeof(zab_fakes));
}

/**
 * zab_fake_log_init() - a suite's init: an instance with only its log and
 * its exactly-once index, default parameters, as @test->priv
 * @test: the test
 *
 * Return: 0 or -ENOMEM.
 */
int zab_fake_log_init(struct kunit *test)
{
	struct zab_instance *zi = kunit_kzalloc(test, sizeof(*zi), GFP_KERNEL);

	if (!zi)
		return -ENOMEM;
	zab_fakes.send_hold = 0;	/* no peer behind */
	mutex_init(&zi->log_mutex);
	init_waitqueue_head(&zi->wq);
	init_waitqueue_head(&zi->commit_wq);
	zab_params_default(&zi->params);
	zab_log_init(zi);
	test->priv = zi;
	return zab_once_init(zi);
}

/**
 * zab_fake_log_exit() - a suite's exit, after zab_fake_log_init()
 * @test: the test
 */
void zab_fake_log_exit(struct kunit *test)
{
	struct zab_instance *zi = test->priv;

	zab_log_destroy(zi);
	zab_once_destroy(zi);
	mutex_destroy(&zi->log_mutex);
}

int zab_chardev_add(struct zab_instance *zi)
{
	zab_fakes.chardev_adds++;
	if (zab_fakes.chardev_err)
		return zab_fakes.chardev_err;
	if (test_and_set_bit(zi->minor, zab_fakes.live_minors))
		return -EEXIST;
	return 0;
}

void zab_chardev_del(struct zab_instance *zi)
{
	zab_fakes.chardev_dels++;
	clear_bit(zi->minor, zab_fakes.live_minors);
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
	if (zab_fakes.on_shutdown)
		zab_fakes.on_shutdown(zi);
}

void zab_bcast_stop(struct zab_instance *zi)
{
	zab_fakes.stops++;
}

int zab_bcast_lead(struct zab_instance *zi, u32 epoch,
		   const struct zab_view *view, u64 history, const struct zab_peer_spec *specs,
		   unsigned int n, struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

int zab_bcast_follow(struct zab_instance *zi, u32 epoch,
		     const struct zab_peer_spec *leader, u64 history,
		     const struct zab_view *view, bool hold_acks,
		     struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

bool zab_bcast_leader_synced(struct zab_instance *zi)
{
	return false;
}

int zab_bcast_synced(struct zab_instance *zi, u32 epoch,
		     struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

int zab_bcast_drop_peer(struct zab_instance *zi, u32 id)
{
	return -ENOTCONN;	/* no broadcast here: no peer is ever up */
}

int zab_bcast_add_follower(struct zab_instance *zi,
			   const struct zab_peer_spec *spec,
			   struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of zab, ZooKeeper atomic broadcast");

/* The log on disk: memory mode throughout. */
int zab_disk_attach(struct zab_instance *zi, struct file *dir, u8 mode,
		    u32 segment_bytes, u64 seq, u8 format,
		    struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}

void zab_disk_shutdown(struct zab_instance *zi)
{
}

void zab_disk_free(struct zab_instance *zi)
{
}

void zab_disk_kick(struct zab_instance *zi)
{
}

void zab_disk_truncate(struct zab_instance *zi, u64 zxid)
{
}

void zab_disk_reset(struct zab_instance *zi, u64 base)
{
}

u64 zab_disk_ackable(struct zab_instance *zi)
{
	return zab_log_last(zi);
}

u64 zab_disk_trim_limit(struct zab_instance *zi)
{
	return U64_MAX;
}

u64 zab_bcast_send_hold(struct zab_instance *zi)
{
	return zab_fakes.send_hold ?: U64_MAX;
}

u8 zab_disk_mode(struct zab_instance *zi)
{
	return ZAB_DURABILITY_MEMORY;
}

int zab_disk_error(struct zab_instance *zi)
{
	return 0;
}

u32 zab_disk_segment_bytes(struct zab_instance *zi)
{
	return 0;
}

char *zab_disk_path(struct zab_instance *zi, char *buf, int len)
{
	return ERR_PTR(-ENOENT);
}
