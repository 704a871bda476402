// SPDX-License-Identifier: GPL-2.0
/*
 * zab: ZooKeeper atomic broadcast in the kernel. Module init and exit only.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>

#include "kmod/chardev.h"
#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/netlink.h"
#include "kmod/peer.h"

static void __net_exit zab_net_exit(struct net *net)
{
	zab_instance_destroy_net(net);
}

static struct pernet_operations zab_net_ops = {
	.exit = zab_net_exit,
};

/*
 * The peers' receive and transmit works run where their socket's softirq
 * queued them (bound, the default: cache-warm, and the lowest latency), or
 * on any CPU (unbound: a leader's followers' works, and their TLS, spread
 * over the CPUs), as nvme-tcp's wq_unbound.
 */
bool zab_wq_unbound;
module_param_named(wq_unbound, zab_wq_unbound, bool, 0444);
MODULE_PARM_DESC(wq_unbound, "run the peers' works on an unbound workqueue (default: bound to the CPU that queued them)");

static int __init zab_init(void)
{
	int err;

	zab_wq = alloc_workqueue("zab", (zab_wq_unbound ? WQ_UNBOUND : 0) | WQ_HIGHPRI |
				 WQ_MEM_RECLAIM, 0);
	if (!zab_wq)
		return -ENOMEM;
	/* acknowledgments wait on it: it must progress under memory pressure */
	zab_disk_wq = alloc_workqueue("zab_disk", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!zab_disk_wq) {
		err = -ENOMEM;
		goto err_wq;
	}
	err = zab_chardev_init();
	if (err)
		goto err_disk_wq;
	err = register_pernet_subsys(&zab_net_ops);
	if (err)
		goto err_chardev;
	err = zab_netlink_init();
	if (err)
		goto err_pernet;
	pr_info("ZooKeeper atomic broadcast, version %s\n", ZAB_VERSION);
	return 0;

err_pernet:
	unregister_pernet_subsys(&zab_net_ops);
err_chardev:
	zab_chardev_exit();
err_disk_wq:
	destroy_workqueue(zab_disk_wq);
err_wq:
	destroy_workqueue(zab_wq);
	return err;
}

static void __exit zab_exit(void)
{
	/* Destroy with events, then again for any created meanwhile. */
	zab_instance_destroy_all();
	zab_netlink_exit();
	zab_instance_destroy_all();
	unregister_pernet_subsys(&zab_net_ops);
	zab_chardev_exit();
	destroy_workqueue(zab_disk_wq);
	destroy_workqueue(zab_wq);
	zab_peer_ops_release();
}

module_init(zab_init);
module_exit(zab_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ZooKeeper atomic broadcast (ZAB)");
MODULE_VERSION(ZAB_VERSION);
MODULE_ALIAS_GENL_FAMILY(ZAB_GENL_NAME);
