// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: creation, lookup, destruction and the registry that holds them.
 *
 * Every instance sits in one global list (names are global because device
 * names are) and one idr that maps its char device minor back to it. The
 * registry owns one reference; destroy drops it after making the instance dead
 * and removing its device, so an open file or a netlink request that still
 * holds a reference sees a dead instance, never freed memory.
 */
#include <linux/ctype.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kmod/broadcast.h"
#include "kmod/chardev.h"
#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/once.h"
#include "kmod/netlink.h"

static DEFINE_MUTEX(zab_instances_lock);
static LIST_HEAD(zab_instances);
/*
 * Serializes destroy_matching(): a namespace's exit must not return, and its
 * struct net be freed, while module unload is still destroying an instance of
 * that namespace that it already took off the list.
 */
static DEFINE_MUTEX(zab_destroy_lock);
static DEFINE_IDR(zab_minors);

/**
 * zab_params_default() - fill @p with the defaults documented in the uapi
 * @p: parameters to fill
 */
void zab_params_default(struct zab_params *p)
{
	p->tick_ms = ZAB_TICK_MS_DEFAULT;
	p->sync_limit = ZAB_SYNC_LIMIT_DEFAULT;
	p->init_limit = ZAB_INIT_LIMIT_DEFAULT;
	p->window_bytes = ZAB_WINDOW_BYTES_DEFAULT;
	p->max_record = ZAB_MAX_RECORD_DEFAULT;
}

/**
 * zab_name_check() - is @name a valid instance name?
 * @name: NUL-terminated candidate
 *
 * Return: 0, or -EINVAL if it is empty, too long, starts with '.', or has a
 * byte outside [A-Za-z0-9_.-].
 */
int zab_name_check(const char *name)
{
	size_t len = strnlen(name, ZAB_NAME_MAX + 1);
	size_t i;

	if (len == 0 || len > ZAB_NAME_MAX || name[0] == '.')
		return -EINVAL;
	for (i = 0; i < len; i++) {
		/* ASCII only: the kernel's isalnum() also takes Latin-1 letters */
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && name[i] != '_' && name[i] != '.' &&
		     name[i] != '-'))
			return -EINVAL;
	}
	return 0;
}

static struct zab_instance *find_locked(const char *name)
{
	struct zab_instance *zi;

	lockdep_assert_held(&zab_instances_lock);
	list_for_each_entry(zi, &zab_instances, node)
		if (!strcmp(zi->name, name))
			return zi;
	return NULL;
}

/**
 * zab_instance_create() - create an instance and its char device
 * @net: namespace the instance will belong to; not referenced, the instance
 *	is destroyed when the namespace exits
 * @name: valid name (see zab_name_check())
 * @myid: member id, 1..%ZAB_ID_MAX
 * @p: initial parameters
 *
 * Return: the instance with a reference for the caller, or an ERR_PTR:
 * -EEXIST if the name is taken, -ENOSPC if there are too many instances,
 * -ENOMEM.
 */
struct zab_instance *zab_instance_create(struct net *net, const char *name,
					 u32 myid, const struct zab_params *p)
{
	struct zab_instance *zi;
	int err, i;

	zi = kzalloc(sizeof(*zi), GFP_KERNEL);
	if (!zi)
		return ERR_PTR(-ENOMEM);
	err = zab_once_init(zi);
	if (err) {
		kfree(zi);
		return ERR_PTR(err);
	}
	kref_init(&zi->ref);
	INIT_LIST_HEAD(&zi->node);
	write_pnet(&zi->net, net);
	strscpy(zi->name, name, sizeof(zi->name));
	zi->myid = myid;
	mutex_init(&zi->lock);
	zab_bcast_init(zi);
	zi->state = ZAB_STATE_LOOKING;
	zi->params = *p;
	init_waitqueue_head(&zi->wq);
	init_waitqueue_head(&zi->commit_wq);
	init_waitqueue_head(&zi->sync_wq);
	for (i = 0; i < ARRAY_SIZE(zi->stats); i++)
		atomic64_set(&zi->stats[i], 0);
	zab_hist_init(&zi->commit_latency);
	zab_hist_init(&zi->fsync_latency);

	mutex_lock(&zab_instances_lock);
	if (find_locked(name)) {
		err = -EEXIST;
		goto err_unlock;
	}
	zi->minor = idr_alloc(&zab_minors, zi, 0, ZAB_MAX_INSTANCES, GFP_KERNEL);
	if (zi->minor < 0) {
		err = zi->minor == -ENOSPC ? -ENOSPC : -ENOMEM;
		goto err_unlock;
	}
	err = zab_chardev_add(zi);
	if (err)
		goto err_idr;
	list_add_tail(&zi->node, &zab_instances);
	zab_instance_get(zi);		/* the caller's */
	mutex_unlock(&zab_instances_lock);
	return zi;

err_idr:
	idr_remove(&zab_minors, zi->minor);
err_unlock:
	mutex_unlock(&zab_instances_lock);
	zab_instance_put(zi);
	return ERR_PTR(err);
}

static void zab_instance_release(struct kref *ref)
{
	struct zab_instance *zi = container_of(ref, struct zab_instance, ref);

	zab_log_destroy(zi);
	zab_once_destroy(zi);
	zab_disk_free(zi);
	mutex_destroy(&zi->log_mutex);
	mutex_destroy(&zi->lock);
	kfree(zi);
}

/**
 * zab_instance_put() - drop a reference
 * @zi: instance, may be NULL
 */
void zab_instance_put(struct zab_instance *zi)
{
	if (zi)
		kref_put(&zi->ref, zab_instance_release);
}

/**
 * zab_instance_destroy() - make an instance dead and remove it
 * @zi: instance; the caller holds a reference, which it still owns after
 *
 * The device node goes away, then the name and the minor are free again;
 * peers are shut down; waiters are woken and fail or see end of file; the
 * registry's reference is dropped. Destroying twice is harmless.
 */
void zab_instance_destroy(struct zab_instance *zi)
{
	struct net *net = zab_instance_net(zi);

	mutex_lock(&zab_instances_lock);
	if (list_empty(&zi->node)) {
		mutex_unlock(&zab_instances_lock);
		return;
	}
	list_del_init(&zi->node);
	/*
	 * The name and the minor are free again only once the device is gone:
	 * a new instance given either meanwhile would collide with the old
	 * device in sysfs, and the old cdev_del() could unmap the new one.
	 * Files already open keep working on the instance, dead below.
	 */
	zab_chardev_del(zi);
	idr_remove(&zab_minors, zi->minor);
	mutex_unlock(&zab_instances_lock);

	mutex_lock(&zi->lock);
	WRITE_ONCE(zi->dead, true);
	mutex_unlock(&zi->lock);
	zab_bcast_shutdown(zi);
	zab_disk_shutdown(zi);
	zab_wake_all(zi);
	wake_up_all(&zi->sync_wq);

	/*
	 * @net is still allocated: a netlink caller's socket holds it, and a
	 * namespace's exit waits in destroy_matching() for module unload.
	 */
	if (check_net(net))
		zab_netlink_notify(zi, ZAB_EVENT_DESTROYED, 0, ZAB_REASON_NONE);
	zab_instance_put(zi);
}

/* Destroy, one at a time, the instances of @net (of every net if NULL). */
static void destroy_matching(struct net *net)
{
	struct zab_instance *zi;

	mutex_lock(&zab_destroy_lock);
	for (;;) {
		mutex_lock(&zab_instances_lock);
		list_for_each_entry(zi, &zab_instances, node)
			if (!net || net_eq(zab_instance_net(zi), net))
				break;
		if (list_entry_is_head(zi, &zab_instances, node)) {
			mutex_unlock(&zab_instances_lock);
			break;
		}
		zab_instance_get(zi);
		mutex_unlock(&zab_instances_lock);
		zab_instance_destroy(zi);
		zab_instance_put(zi);
	}
	mutex_unlock(&zab_destroy_lock);
}

/**
 * zab_instance_destroy_net() - destroy every instance of a namespace
 * @net: the namespace going away
 */
void zab_instance_destroy_net(struct net *net)
{
	destroy_matching(net);
}

/**
 * zab_instance_destroy_all() - destroy every instance (module unload)
 */
void zab_instance_destroy_all(void)
{
	destroy_matching(NULL);
}

/**
 * zab_instance_lookup() - find an instance of @net by name
 * @net: the caller's namespace
 * @name: the name
 *
 * Return: the instance with a reference, or NULL.
 */
struct zab_instance *zab_instance_lookup(struct net *net, const char *name)
{
	struct zab_instance *zi;

	mutex_lock(&zab_instances_lock);
	zi = find_locked(name);
	if (zi && net_eq(zab_instance_net(zi), net))
		zab_instance_get(zi);
	else
		zi = NULL;
	mutex_unlock(&zab_instances_lock);
	return zi;
}

/**
 * zab_instance_get_by_minor() - find the instance behind a char device minor
 * @minor: the minor
 *
 * Return: the instance with a reference, or NULL if it was destroyed.
 */
struct zab_instance *zab_instance_get_by_minor(int minor)
{
	struct zab_instance *zi;

	mutex_lock(&zab_instances_lock);
	zi = idr_find(&zab_minors, minor);
	if (zi)
		zab_instance_get(zi);
	mutex_unlock(&zab_instances_lock);
	return zi;
}

/**
 * zab_instance_get_nth() - the @n-th instance of @net, for resumable dumps
 * @net: the namespace
 * @n: index, from 0, in creation order
 *
 * Return: the instance with a reference, or NULL past the end.
 */
struct zab_instance *zab_instance_get_nth(struct net *net, unsigned long n)
{
	struct zab_instance *zi;

	mutex_lock(&zab_instances_lock);
	list_for_each_entry(zi, &zab_instances, node) {
		if (!net_eq(zab_instance_net(zi), net))
			continue;
		if (n-- == 0) {
			zab_instance_get(zi);
			mutex_unlock(&zab_instances_lock);
			return zi;
		}
	}
	mutex_unlock(&zab_instances_lock);
	return NULL;
}
