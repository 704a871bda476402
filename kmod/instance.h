/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ZAB_INSTANCE_H
#define _ZAB_INSTANCE_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <uapi/linux/zab.h>

#include "kmod/hist.h"
#include "kmod/once.h"

struct zab_disk;

/**
 * struct zab_params - the tunables of an instance (see uapi/linux/zab.h)
 * @tick_ms: tickTime
 * @sync_limit: syncLimit, in ticks
 * @init_limit: initLimit, in ticks
 * @window_bytes: bound on the committed records kept in memory
 * @max_record: largest payload a writer may append
 */
struct zab_params {
	u32 tick_ms;
	u32 sync_limit;
	u32 init_limit;
	u32 window_bytes;
	u32 max_record;
};

/**
 * struct zab_progress - long work on an instance as its daemon last reported
 *	it (%ZAB_CMD_PROGRESS); under the instance's lock
 * @expires: jiffies after which the report is no longer current
 * @records: records done
 * @bytes: bytes done
 * @total_bytes: bytes in all, 0 if not known
 * @rate: bytes per second
 * @seconds_left: estimate, U32_MAX if none
 * @work: &enum zab_work; %ZAB_WORK_NONE: nothing to report
 */
struct zab_progress {
	unsigned long expires;
	u64 records;
	u64 bytes;
	u64 total_bytes;
	u64 rate;
	u32 seconds_left;
	u8 work;
};

/**
 * struct zab_instance - one member of one ensemble
 * @ref: lifetime; the registry holds one reference until destroy, every open
 *	file and every in-flight netlink request holds one more
 * @node: entry in the registry, under zab_instances_lock
 * @net: the network namespace the instance belongs to
 * @name: unique name, also the device's /dev/zab/NAME
 * @myid: this member's id
 * @minor: char device minor
 * @cdev: the char device, allocated with cdev_alloc() so that its lifetime
 *	is the kobject's, not ours
 * @dev: the device under /sys/class/zab and /dev/zab/NAME
 * @lock: serialises state and parameter changes
 * @dead: set once by destroy; no new work starts after it
 * @state: &enum zab_state
 * @epoch: current epoch
 * @leader: id of the current leader, 0 if none
 * @last_zxid: highest zxid logged
 * @commit_zxid: highest zxid known committed
 * @params: tunables, changed under @lock
 * @progress: the daemon's report of long work, under @lock
 * @wq: readers, pollers, writers waiting for room (theirs, or the leader's
 *	to propose) and a sync waiting for the commit point wait here
 * @commit_wq: writers waiting for their record's commit wait here, each
 *	woken only by a commit point that reaches its record or by a change
 *	that ends its wait otherwise (zab_wake_all())
 * @stats: counters indexed by &enum zab_stat
 * @members: voting members of the ensemble while in a role (for a
 *	follower, 0 if zabd did not say)
 * @observers: observers of the ensemble besides @members
 * @observing: following as an observer
 * @peers: connected peers (RCU list; changed under @lock): the followers of
 *	a leader, or a follower's leader
 * @npeers: entries in @peers
 * @nvoters: (leader) entries in @peers that are not observers
 * @reap_work: detaches peers that failed, in process context
 * @tick_work: heartbeats and failure detection, every tickTime
 * @log_mutex: serialises changes to the log and the fields after it, up
 *	to @disk, except where a field says otherwise (atomics, and the sync
 *	fields after @sync_reply_zxid)
 * @log: every record in memory, keyed by zxid (see log.c)
 * @gen: bumped at every change of role; a writer that sees it change knows
 *	its record's fate is unknown to this member
 * @counter: zxid counter of the epoch, while leading
 * @exhausted: the counter reached its end; the reap work stops leading
 * @next_req: last request id used for a write forwarded to the leader
 * @requests: forwarded writes waiting for their zxid and commit
 * @orphans: writes whose writer left before their fate was known, holding
 *	their room until it is, by zxid (struct zab_orphan in broadcast.c)
 * @orphans_fwd: such forwarded writes not proposed yet, by request id
 * @window_used: bytes of committed records in @log
 * @pending_bytes: bytes of the records after the commit point in @log
 * @epoch_pending: the part of @pending_bytes of the current epoch, which
 *	the uncommitted budget bounds (an older epoch's are the history)
 * @local_bytes: bytes of this member's local writes in flight (see
 *	zab_bcast_rx_over_budget())
 * @trimmed_zxid: highest zxid dropped from the window
 * @join_hold: (leader) where the followers synchronised but not yet on
 *	@peers start, U64_MAX if none: kept in the window until they are
 *	(sync_peer(), start()); under log_mutex
 * @history_zxid: the last zxid of the history this role began with
 * @sync_seq: (follower) the last number a sync took (kmod/sync.c)
 * @sync_reply_seq: (follower) the newest question the leader answered
 * @sync_reply_zxid: (follower) the read index of that answer
 * @sync_wq: syncs wait here for a quorum's echo or the leader's answer
 * @sync_stamp: the last stamp given (zab_sync_stamp())
 * @sync_lock: (leader) protects the four fields after it; never held
 *	with a peer's sync_lock
 * @sync_gen: the generation they belong to
 * @sync_confirmed: the newest PING stamp a quorum echoed in it
 * @sync_round: the stamp of the round of PINGs out, 0 if none
 * @sync_round_needed: a sync arrived after that round was stamped
 * @once: the last exactly-once record of each client in @log
 * @disk: the log on disk, NULL in memory mode; set once under @log_mutex,
 *	freed with the instance
 * @commit_latency: on a leader, from a zxid's assignment to its commit
 * @fsync_latency: each fsync of the log on disk
 */
struct zab_instance {
	struct kref ref;
	struct list_head node;
	possible_net_t net;
	char name[ZAB_NAME_MAX + 1];
	u32 myid;
	int minor;
	struct cdev *cdev;
	struct device *dev;

	struct mutex lock;		/* role and parameter changes */
	bool dead;
	enum zab_state state;
	u32 epoch;
	u32 leader;
	u64 last_zxid;
	u64 commit_zxid;
	struct zab_params params;
	struct zab_progress progress;
	wait_queue_head_t wq;
	wait_queue_head_t commit_wq;
	atomic64_t stats[__ZAB_STAT_MAX];

	u32 members;
	u32 observers;
	bool observing;
	struct list_head peers;
	unsigned int npeers;
	unsigned int nvoters;
	struct work_struct reap_work;
	struct delayed_work tick_work;

	struct mutex log_mutex;		/* the log and what follows */
	struct xarray log;
	u64 gen;
	u32 counter;
	bool exhausted;
	u64 next_req;
	struct list_head requests;
	struct xarray orphans;
	struct xarray orphans_fwd;
	u64 window_used;
	u64 pending_bytes;
	u64 epoch_pending;
	atomic64_t local_bytes;
	u64 trimmed_zxid;
	u64 join_hold;
	u64 history_zxid;
	u64 sync_seq;
	u64 sync_reply_seq;
	u64 sync_reply_zxid;
	wait_queue_head_t sync_wq;
	atomic64_t sync_stamp;
	spinlock_t sync_lock;		/* the round's state */
	u64 sync_gen;
	u64 sync_confirmed;
	u64 sync_round;
	bool sync_round_needed;
	struct zab_once once;
	struct zab_disk *disk;

	/* last: 432 bytes the hot fields above need not share lines with */
	struct zab_hist commit_latency;
	struct zab_hist fsync_latency;
};

static inline struct net *zab_instance_net(const struct zab_instance *zi)
{
	return read_pnet(&zi->net);
}

static inline void zab_stat_add(struct zab_instance *zi, enum zab_stat s, u64 n)
{
	atomic64_add(n, &zi->stats[s]);
}

void zab_params_default(struct zab_params *p);
int zab_name_check(const char *name);

/* The number of instances, and of char device minors, a system may have. */
#define ZAB_MAX_INSTANCES 1024

struct zab_instance *zab_instance_create(struct net *net, const char *name,
					 u32 myid, const struct zab_params *p);
void zab_instance_destroy(struct zab_instance *zi);
void zab_instance_destroy_net(struct net *net);
void zab_instance_destroy_all(void);
struct zab_instance *zab_instance_lookup(struct net *net, const char *name);
struct zab_instance *zab_instance_get_by_minor(int minor);
struct zab_instance *zab_instance_get_nth(struct net *net, unsigned long n);
void zab_instance_put(struct zab_instance *zi);

static inline void zab_instance_get(struct zab_instance *zi)
{
	kref_get(&zi->ref);
}

/**
 * zab_wake_all() - wake everyone who waits on an instance's state
 * @zi: the instance
 *
 * For what may end any wait: a role change, a log reset, the end of the
 * instance. A commit wakes only the writers of the records it reached
 * (zab_wake_committed()) besides @wq, a REPLY to a forwarded write only
 * @commit_wq, and room given back only @wq.
 */
static inline void zab_wake_all(struct zab_instance *zi)
{
	wake_up_all(&zi->wq);
	wake_up_all(&zi->commit_wq);
}

/**
 * zab_wake_committed() - wake the writers of the records a commit reached
 * @zi: the instance, log_mutex held (the writers' zxids are set under it)
 * @zxid: the new commit point
 */
static inline void zab_wake_committed(struct zab_instance *zi, u64 zxid)
{
	lockdep_assert_held(&zi->log_mutex);
	__wake_up(&zi->commit_wq, TASK_NORMAL, 0, &zxid);
}

#endif /* _ZAB_INSTANCE_H */
