// SPDX-License-Identifier: GPL-2.0
/*
 * The "zab" generic netlink family: the control channel of zabd and zabctl.
 *
 * Every command needs CAP_NET_ADMIN in the initial user namespace (instances
 * own global device names), is validated strictly against a policy of its
 * own, and runs without the genl mutex: the registry and the instance lock
 * serialise what needs it. Commands that name
 * an instance find and hold it in pre_doit and drop it in post_doit.
 */
#include <linux/file.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "kmod/broadcast.h"
#include "kmod/compat.h"
#include "kmod/disk.h"
#include "kmod/instance.h"
#include "kmod/log.h"
#include "kmod/netlink.h"
#include "kmod/peer.h"

/* internal_flags: the command names an existing instance */
#define ZAB_NLF_INSTANCE	BIT(0)

static struct genl_family zab_family;
static bool zab_family_live;

enum zab_mcgrp {
	ZAB_MCGRP_EVENTS_ID,
};

static const struct genl_multicast_group zab_mcgrps[] = {
	/* events name instances, epochs and peers: administrators only */
	[ZAB_MCGRP_EVENTS_ID] = { .name = ZAB_MCGRP_EVENTS,
				  .flags = GENL_MCAST_CAP_NET_ADMIN },
};

#define ZAB_POLICY_NAME \
	[ZAB_A_NAME] = { .type = NLA_NUL_STRING, .len = ZAB_NAME_MAX }

/* Policy bounds are s16 unless given as a range structure, hence these. */
static struct netlink_range_validation zab_tick_range = {
	.min = ZAB_TICK_MS_MIN, .max = ZAB_TICK_MS_MAX,
};

static struct netlink_range_validation zab_limit_range = {
	.min = ZAB_LIMIT_MIN, .max = ZAB_LIMIT_MAX,
};

static struct netlink_range_validation zab_window_range = {
	.min = ZAB_WINDOW_BYTES_MIN, .max = ZAB_WINDOW_BYTES_MAX,
};

static struct netlink_range_validation zab_record_range = {
	.min = 1, .max = ZAB_MAX_RECORD_LIMIT,
};

#define ZAB_POLICY_PARAMS \
	[ZAB_A_TICK_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &zab_tick_range), \
	[ZAB_A_SYNC_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &zab_limit_range), \
	[ZAB_A_INIT_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &zab_limit_range), \
	[ZAB_A_WINDOW_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32, &zab_window_range), \
	[ZAB_A_MAX_RECORD] = NLA_POLICY_FULL_RANGE(NLA_U32, &zab_record_range)

static const struct nla_policy zab_peer_policy[ZAB_PEER_A_MAX + 1] = {
	[ZAB_PEER_A_ID] = NLA_POLICY_RANGE(NLA_U32, 1, ZAB_ID_MAX),
	[ZAB_PEER_A_FD] = NLA_POLICY_MIN(NLA_S32, 0),
	[ZAB_PEER_A_LAST_ZXID] = { .type = NLA_U64 },
	[ZAB_PEER_A_TLS] = { .type = NLA_REJECT },	/* reported, never taken */
	[ZAB_PEER_A_CPU] = { .type = NLA_REJECT },	/* reported, never taken */
	[ZAB_PEER_A_OBSERVER] = { .type = NLA_FLAG },
};

static const struct nla_policy zab_lead_policy[ZAB_A_OBSERVERS + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_EPOCH] = NLA_POLICY_MIN(NLA_U32, 1),
	[ZAB_A_LAST_ZXID] = { .type = NLA_U64 },
	[ZAB_A_PEERS] = NLA_POLICY_NESTED_ARRAY(zab_peer_policy),
	[ZAB_A_MEMBERS] = NLA_POLICY_RANGE(NLA_U32, 1, ZAB_MEMBERS_MAX),
	[ZAB_A_OBSERVERS] = NLA_POLICY_MAX(NLA_U32, ZAB_MEMBERS_MAX - 1),
};

static const struct nla_policy zab_follow_policy[ZAB_A_OBSERVER + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_EPOCH] = NLA_POLICY_MIN(NLA_U32, 1),
	[ZAB_A_LEADER] = NLA_POLICY_RANGE(NLA_U32, 1, ZAB_ID_MAX),
	[ZAB_A_LAST_ZXID] = { .type = NLA_U64 },
	[ZAB_A_FD] = NLA_POLICY_MIN(NLA_S32, 0),
	[ZAB_A_MEMBERS] = NLA_POLICY_RANGE(NLA_U32, 2, ZAB_MEMBERS_MAX),
	[ZAB_A_HOLD_ACKS] = { .type = NLA_FLAG },
	[ZAB_A_OBSERVERS] = NLA_POLICY_MAX(NLA_U32, ZAB_MEMBERS_MAX - 1),
	[ZAB_A_OBSERVER] = { .type = NLA_FLAG },
};

static const struct nla_policy zab_synced_policy[ZAB_A_EPOCH + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_EPOCH] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy zab_drop_policy[ZAB_A_PEER_ID + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_PEER_ID] = NLA_POLICY_RANGE(NLA_U32, 1, ZAB_ID_MAX),
};

static const struct nla_policy zab_add_policy[ZAB_A_PEERS + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_PEERS] = NLA_POLICY_NESTED_ARRAY(zab_peer_policy),
};

static struct netlink_range_validation zab_segment_range = {
	.min = ZAB_SEGMENT_BYTES_MIN, .max = ZAB_SEGMENT_BYTES_MAX,
};

static const struct nla_policy zab_log_policy[ZAB_A_LOG_FORMAT + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_DIR_FD] = NLA_POLICY_MIN(NLA_S32, 0),
	[ZAB_A_DURABILITY] = NLA_POLICY_RANGE(NLA_U8, ZAB_DURABILITY_WRITE,
					      ZAB_DURABILITY_FSYNC),
	[ZAB_A_SEGMENT_BYTES] = NLA_POLICY_FULL_RANGE(NLA_U32, &zab_segment_range),
	[ZAB_A_SEGMENT_SEQ] = NLA_POLICY_MIN(NLA_U64, 1),
	[ZAB_A_LOG_FORMAT] = NLA_POLICY_RANGE(NLA_U8, 1, 2),
};

static const struct nla_policy zab_name_policy[ZAB_A_NAME + 1] = {
	ZAB_POLICY_NAME,
};

static const struct nla_policy zab_new_policy[ZAB_A_MAX_RECORD + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_MYID] = NLA_POLICY_RANGE(NLA_U32, 1, ZAB_ID_MAX),
	ZAB_POLICY_PARAMS,
};

static const struct nla_policy zab_progress_policy[ZAB_PROGRESS_A_MAX + 1] = {
	[ZAB_PROGRESS_A_WORK] = NLA_POLICY_MAX(NLA_U8, ZAB_WORK_MAX),
	[ZAB_PROGRESS_A_RECORDS] = { .type = NLA_U64 },
	[ZAB_PROGRESS_A_BYTES] = { .type = NLA_U64 },
	[ZAB_PROGRESS_A_TOTAL_BYTES] = { .type = NLA_U64 },
	[ZAB_PROGRESS_A_RATE] = { .type = NLA_U64 },
	[ZAB_PROGRESS_A_SECONDS_LEFT] = { .type = NLA_U32 },
};

static const struct nla_policy zab_set_policy[ZAB_A_MAX_RECORD + 1] = {
	ZAB_POLICY_NAME,
	ZAB_POLICY_PARAMS,
};

static const struct nla_policy zab_progress_cmd_policy[ZAB_A_PROGRESS + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_PROGRESS] = NLA_POLICY_NESTED(zab_progress_policy),
};

/* The counters a daemon may add to: those the kernel does not see. */
static const struct nla_policy zab_daemon_stats_policy[ZAB_STAT_MAX + 1] = {
	[ZAB_STAT_AUTH_FAILURES] = { .type = NLA_U64 },
};

static const struct nla_policy zab_count_policy[ZAB_A_STATS + 1] = {
	ZAB_POLICY_NAME,
	[ZAB_A_STATS] = NLA_POLICY_NESTED(zab_daemon_stats_policy),
};

static u64 zab_get_u64(const struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

/*
 * Apply the parameter attributes of @info to @p. The policy checked each
 * range; what is left are the constraints between parameters.
 */
static int params_from_attrs(struct genl_info *info, struct zab_params *p)
{
	struct nlattr **a = info->attrs;

	if (a[ZAB_A_TICK_MS])
		p->tick_ms = nla_get_u32(a[ZAB_A_TICK_MS]);
	if (a[ZAB_A_SYNC_LIMIT])
		p->sync_limit = nla_get_u32(a[ZAB_A_SYNC_LIMIT]);
	if (a[ZAB_A_INIT_LIMIT])
		p->init_limit = nla_get_u32(a[ZAB_A_INIT_LIMIT]);
	if (a[ZAB_A_WINDOW_BYTES])
		p->window_bytes = nla_get_u32(a[ZAB_A_WINDOW_BYTES]);
	if (a[ZAB_A_MAX_RECORD])
		p->max_record = nla_get_u32(a[ZAB_A_MAX_RECORD]);

	/* the window must hold a record and its header at least twice */
	if (p->max_record > p->window_bytes / 2) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "maxRecordSize must not exceed half of windowBytes");
		NL_SET_BAD_ATTR(info->extack, a[ZAB_A_MAX_RECORD] ?:
				a[ZAB_A_WINDOW_BYTES]);
		return -EINVAL;
	}
	return 0;
}

static int fill_params(struct sk_buff *skb, const struct zab_params *p)
{
	if (nla_put_u32(skb, ZAB_A_TICK_MS, p->tick_ms) ||
	    nla_put_u32(skb, ZAB_A_SYNC_LIMIT, p->sync_limit) ||
	    nla_put_u32(skb, ZAB_A_INIT_LIMIT, p->init_limit) ||
	    nla_put_u32(skb, ZAB_A_WINDOW_BYTES, p->window_bytes) ||
	    nla_put_u32(skb, ZAB_A_MAX_RECORD, p->max_record))
		return -EMSGSIZE;
	return 0;
}

static int fill_stats(struct sk_buff *skb, struct zab_instance *zi)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, ZAB_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = ZAB_STAT_UNSPEC + 1; i <= ZAB_STAT_MAX; i++)
		if (i != ZAB_STAT_PAD &&
		    nla_put_u64_64bit(skb, i, atomic64_read(&zi->stats[i]),
				      ZAB_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* With zi->lock held: the daemon's report of long work, if current. */
static int fill_progress(struct sk_buff *skb, const struct zab_progress *p)
{
	struct nlattr *nest;

	if (p->work == ZAB_WORK_NONE || time_after(jiffies, p->expires))
		return 0;
	nest = nla_nest_start(skb, ZAB_A_PROGRESS);
	if (!nest ||
	    nla_put_u8(skb, ZAB_PROGRESS_A_WORK, p->work) ||
	    nla_put_u64_64bit(skb, ZAB_PROGRESS_A_RECORDS, p->records, ZAB_PROGRESS_A_PAD) ||
	    nla_put_u64_64bit(skb, ZAB_PROGRESS_A_BYTES, p->bytes, ZAB_PROGRESS_A_PAD) ||
	    nla_put_u64_64bit(skb, ZAB_PROGRESS_A_TOTAL_BYTES, p->total_bytes,
			      ZAB_PROGRESS_A_PAD) ||
	    nla_put_u64_64bit(skb, ZAB_PROGRESS_A_RATE, p->rate, ZAB_PROGRESS_A_PAD) ||
	    nla_put_u32(skb, ZAB_PROGRESS_A_SECONDS_LEFT, p->seconds_left))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A latency histogram as %ZAB_A_COMMIT_LATENCY and the like describe it. */
static int fill_hist(struct sk_buff *skb, int type, const struct zab_hist *h)
{
	struct nlattr *nest, *buckets;
	int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	buckets = nla_nest_start(skb, ZAB_HIST_A_BUCKETS);
	if (!buckets)
		return -EMSGSIZE;
	for (i = 0; i < ZAB_HIST_BUCKETS; i++)
		if (nla_put_u64_64bit(skb, i + 1, atomic64_read(&h->buckets[i]),
				      ZAB_HIST_BUCKETS + 1))
			return -EMSGSIZE;
	nla_nest_end(skb, buckets);
	if (nla_put_u64_64bit(skb, ZAB_HIST_A_SUM_NS, atomic64_read(&h->sum_ns),
			      ZAB_HIST_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Proposals logged on the leader and not yet sent to the follower @peer. */
static u64 queued_to(struct zab_peer *peer, u64 last)
{
	u64 sent = READ_ONCE(peer->tx_zxid);

	/* an observer is owed committed records only */
	if (peer->observer)
		last = min(last, zab_log_committed(peer->zi));

	if (ZAB_ZXID_EPOCH(last) == ZAB_ZXID_EPOCH(sent))
		return last - sent;
	return ZAB_ZXID_COUNTER(last);
}

static int fill_peers(struct sk_buff *skb, struct zab_instance *zi)
{
	u64 last = READ_ONCE(zi->last_zxid);
	struct nlattr *peers, *nest;
	struct zab_peer *peer;
	u64 acked, queued;
	int err = 0;

	peers = nla_nest_start(skb, ZAB_A_PEERS);
	if (!peers)
		return -EMSGSIZE;
	rcu_read_lock();
	list_for_each_entry_rcu(peer, &zi->peers, node) {
		acked = peer->to_follower ? READ_ONCE(peer->acked) : last;
		queued = 0;
		if (peer->to_follower)
			queued = queued_to(peer, last);
		nest = nla_nest_start(skb, ZAB_A_PEER);
		if (!nest ||
		    nla_put_u32(skb, ZAB_PEER_A_ID, peer->id) ||
		    nla_put_u64_64bit(skb, ZAB_PEER_A_LAST_ZXID, acked, ZAB_PEER_A_PAD) ||
		    nla_put_u32(skb, ZAB_PEER_A_QUEUED, min_t(u64, queued, U32_MAX)) ||
		    nla_put_u32(skb, ZAB_PEER_A_RTT_US, READ_ONCE(peer->rtt_us)) ||
		    (peer->tls && nla_put_flag(skb, ZAB_PEER_A_TLS)) ||
		    (peer->observer && nla_put_flag(skb, ZAB_PEER_A_OBSERVER)) ||
		    (peer->cpu != WORK_CPU_UNBOUND &&	/* set before published */
		     nla_put_u32(skb, ZAB_PEER_A_CPU, peer->cpu))) {
			err = -EMSGSIZE;
			break;
		}
		nla_nest_end(skb, nest);
	}
	rcu_read_unlock();
	if (err)
		return err;
	nla_nest_end(skb, peers);
	return 0;
}

static int fill_disk(struct sk_buff *skb, struct zab_instance *zi)
{
	u8 mode = zab_disk_mode(zi);

	if (nla_put_u8(skb, ZAB_A_DURABILITY, mode) ||
	    nla_put_u64_64bit(skb, ZAB_A_DURABLE_ZXID, zab_disk_ackable(zi),
			      ZAB_A_PAD))
		return -EMSGSIZE;
	if (mode != ZAB_DURABILITY_MEMORY &&
	    (nla_put_u32(skb, ZAB_A_SEGMENT_BYTES, zab_disk_segment_bytes(zi)) ||
	     nla_put_u32(skb, ZAB_A_LOG_ERROR, zab_disk_error(zi))))
		return -EMSGSIZE;
	if (mode == ZAB_DURABILITY_FSYNC &&
	    fill_hist(skb, ZAB_A_FSYNC_LATENCY, &zi->fsync_latency))
		return -EMSGSIZE;
	return 0;
}

static int fill_instance(struct sk_buff *skb, struct zab_instance *zi,
			 u32 portid, u32 seq, int flags)
{
	struct zab_params params;
	bool synced;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &zab_family, flags, ZAB_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;

	mutex_lock(&zi->lock);
	params = zi->params;
	/* first: the log points after it show what the first frame did */
	synced = zab_bcast_leader_synced(zi);
	if (nla_put_string(skb, ZAB_A_NAME, zi->name) ||
	    nla_put_u32(skb, ZAB_A_MYID, zi->myid) ||
	    nla_put_u8(skb, ZAB_A_STATE, zi->state) ||
	    nla_put_u32(skb, ZAB_A_EPOCH, zi->epoch) ||
	    nla_put_u32(skb, ZAB_A_LEADER, zi->leader) ||
	    nla_put_u64_64bit(skb, ZAB_A_LAST_ZXID, READ_ONCE(zi->last_zxid),
			      ZAB_A_PAD) ||
	    nla_put_u64_64bit(skb, ZAB_A_COMMIT_ZXID, READ_ONCE(zi->commit_zxid),
			      ZAB_A_PAD) ||
	    nla_put_u8(skb, ZAB_A_LEADER_SYNCED, synced) ||
	    nla_put_u64_64bit(skb, ZAB_A_PENDING_BYTES,
			      READ_ONCE(zi->pending_bytes), ZAB_A_PAD) ||
	    nla_put_u64_64bit(skb, ZAB_A_LOCAL_BYTES,
			      atomic64_read(&zi->local_bytes), ZAB_A_PAD) ||
	    nla_put_u32(skb, ZAB_A_ONCE_CLIENTS, READ_ONCE(zi->once.clients)) ||
	    nla_put_u64_64bit(skb, ZAB_A_ONCE_FLOOR, READ_ONCE(zi->once.floor),
			      ZAB_A_PAD) ||
	    (zi->observing && nla_put_flag(skb, ZAB_A_OBSERVER)) ||
	    fill_progress(skb, &zi->progress)) {
		mutex_unlock(&zi->lock);
		goto cancel;
	}
	mutex_unlock(&zi->lock);
	if (fill_params(skb, &params) || fill_stats(skb, zi) ||
	    fill_hist(skb, ZAB_A_COMMIT_LATENCY, &zi->commit_latency) ||
	    fill_peers(skb, zi) || fill_disk(skb, zi))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Is the required attribute @type missing? Then say so, with @msg. */
static bool missing(struct genl_info *info, int type, const char *msg)
{
	if (info->attrs[type])
		return false;
	/* NL_SET_ERR_MSG() takes literals only; @msg is one at every caller */
	info->extack->_msg = msg;
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
	return true;
}

static int zab_nl_pre_doit(const zab_genl_doit_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	struct zab_instance *zi;

	info->user_ptr[0] = NULL;
	if (!(ops->internal_flags & ZAB_NLF_INSTANCE))
		return 0;
	if (missing(info, ZAB_A_NAME, KBUILD_MODNAME ": missing instance name"))
		return -EINVAL;
	zi = zab_instance_lookup(genl_info_net(info),
				 nla_data(info->attrs[ZAB_A_NAME]));
	if (!zi) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such instance");
		NL_SET_BAD_ATTR(info->extack, info->attrs[ZAB_A_NAME]);
		return -ENODEV;
	}
	info->user_ptr[0] = zi;
	return 0;
}

static void zab_nl_post_doit(const zab_genl_doit_ops *ops, struct sk_buff *skb,
			     struct genl_info *info)
{
	zab_instance_put(info->user_ptr[0]);
}

static int zab_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_instance *zi;
	struct zab_params params;
	const char *name;
	int err;

	if (missing(info, ZAB_A_NAME, KBUILD_MODNAME ": missing instance name") ||
	    missing(info, ZAB_A_MYID, KBUILD_MODNAME ": missing member id"))
		return -EINVAL;
	name = nla_data(info->attrs[ZAB_A_NAME]);
	if (zab_name_check(name)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "instance name must be [A-Za-z0-9_.-], not starting with '.'");
		NL_SET_BAD_ATTR(info->extack, info->attrs[ZAB_A_NAME]);
		return -EINVAL;
	}
	zab_params_default(&params);
	err = params_from_attrs(info, &params);
	if (err)
		return err;

	zi = zab_instance_create(genl_info_net(info), name,
				 nla_get_u32(info->attrs[ZAB_A_MYID]), &params);
	if (IS_ERR(zi)) {
		err = PTR_ERR(zi);
		if (err == -EEXIST)
			NL_SET_ERR_MSG_MOD(info->extack, "instance name already in use");
		else if (err == -ENOSPC)
			NL_SET_ERR_MSG_MOD(info->extack, "too many instances");
		NL_SET_BAD_ATTR(info->extack, info->attrs[ZAB_A_NAME]);
		return err;
	}
	zab_netlink_notify(zi, ZAB_EVENT_CREATED, 0, ZAB_REASON_NONE);
	zab_instance_put(zi);
	return 0;
}

static int zab_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	zab_instance_destroy(info->user_ptr[0]);
	return 0;
}

static int zab_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_instance *zi = info->user_ptr[0];
	struct zab_params params;
	int err;

	mutex_lock(&zi->lock);
	params = zi->params;
	err = params_from_attrs(info, &params);
	if (!err) {
		/* each field is read locklessly with READ_ONCE() */
		BUILD_BUG_ON(sizeof(params) != 5 * sizeof(u32));
		WRITE_ONCE(zi->params.tick_ms, params.tick_ms);
		WRITE_ONCE(zi->params.sync_limit, params.sync_limit);
		WRITE_ONCE(zi->params.init_limit, params.init_limit);
		WRITE_ONCE(zi->params.window_bytes, params.window_bytes);
		WRITE_ONCE(zi->params.max_record, params.max_record);
	}
	mutex_unlock(&zi->lock);
	if (!err)
		wake_up_all(&zi->wq);	/* writers waiting for room */
	return err;
}

static int zab_nl_progress(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_instance *zi = info->user_ptr[0];
	struct nlattr *tb[ZAB_PROGRESS_A_MAX + 1];
	struct zab_progress p = {};
	int err;

	if (missing(info, ZAB_A_PROGRESS, "the report is missing"))
		return -EINVAL;
	err = nla_parse_nested(tb, ZAB_PROGRESS_A_MAX, info->attrs[ZAB_A_PROGRESS],
			       zab_progress_policy, info->extack);
	if (err)
		return err;
	if (!tb[ZAB_PROGRESS_A_WORK]) {
		NL_SET_ERR_MSG_MOD(info->extack, "progress without its work");
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[ZAB_A_PROGRESS],
				     ZAB_PROGRESS_A_WORK);
		return -EINVAL;
	}
	p.work = nla_get_u8(tb[ZAB_PROGRESS_A_WORK]);
	p.records = zab_get_u64(tb[ZAB_PROGRESS_A_RECORDS]);
	p.bytes = zab_get_u64(tb[ZAB_PROGRESS_A_BYTES]);
	p.total_bytes = zab_get_u64(tb[ZAB_PROGRESS_A_TOTAL_BYTES]);
	p.rate = zab_get_u64(tb[ZAB_PROGRESS_A_RATE]);
	p.seconds_left = tb[ZAB_PROGRESS_A_SECONDS_LEFT] ?
			 nla_get_u32(tb[ZAB_PROGRESS_A_SECONDS_LEFT]) : U32_MAX;
	if (p.total_bytes && p.bytes > p.total_bytes) {
		NL_SET_ERR_MSG_MOD(info->extack, "progress past its total");
		NL_SET_BAD_ATTR(info->extack, tb[ZAB_PROGRESS_A_TOTAL_BYTES]);
		return -EINVAL;
	}
	p.expires = jiffies + msecs_to_jiffies(ZAB_PROGRESS_TTL_MS);
	mutex_lock(&zi->lock);
	zi->progress = p;
	mutex_unlock(&zi->lock);
	return 0;
}

static int zab_nl_count(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_instance *zi = info->user_ptr[0];
	struct nlattr *tb[ZAB_STAT_MAX + 1];
	int err;

	if (missing(info, ZAB_A_STATS, "no counters"))
		return -EINVAL;
	/* strict: a counter the kernel keeps is not the daemon's to add to */
	err = nla_parse_nested(tb, ZAB_STAT_MAX, info->attrs[ZAB_A_STATS],
			       zab_daemon_stats_policy, info->extack);
	if (err)
		return err;
	if (tb[ZAB_STAT_AUTH_FAILURES])
		zab_stat_add(zi, ZAB_STAT_AUTH_FAILURES,
			     nla_get_u64(tb[ZAB_STAT_AUTH_FAILURES]));
	return 0;
}

/* Parse the %ZAB_A_PEERS of @info into @specs; ids distinct and not ours. */
static int parse_peers(struct genl_info *info, struct zab_instance *zi,
		       struct zab_peer_spec *specs, unsigned int *n)
{
	struct nlattr *tb[ZAB_PEER_A_MAX + 1], *a;
	unsigned int i;
	int rem, err;

	*n = 0;
	if (!info->attrs[ZAB_A_PEERS])
		return 0;
	nla_for_each_nested(a, info->attrs[ZAB_A_PEERS], rem) {
		if (*n == ZAB_MEMBERS_MAX - 1) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "too many peers");
			return -E2BIG;
		}
		if (nla_type(a) != ZAB_A_PEER) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "peers must be ZAB_A_PEER nests");
			return -EINVAL;
		}
		err = nla_parse_nested(tb, ZAB_PEER_A_MAX, a, zab_peer_policy,
				       info->extack);
		if (err)
			return err;
		if (!tb[ZAB_PEER_A_ID] || !tb[ZAB_PEER_A_FD]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "a peer needs an id and an fd");
			return -EINVAL;
		}
		specs[*n].id = nla_get_u32(tb[ZAB_PEER_A_ID]);
		specs[*n].fd = nla_get_s32(tb[ZAB_PEER_A_FD]);
		specs[*n].last_zxid = tb[ZAB_PEER_A_LAST_ZXID] ?
			nla_get_u64(tb[ZAB_PEER_A_LAST_ZXID]) : 0;
		specs[*n].observer = nla_get_flag(tb[ZAB_PEER_A_OBSERVER]);
		if (specs[*n].id == zi->myid) {
			NL_SET_ERR_MSG_ATTR(info->extack, a, "a peer has this member's own id");
			return -EINVAL;
		}
		for (i = 0; i < *n; i++) {
			if (specs[i].id == specs[*n].id || specs[i].fd == specs[*n].fd) {
				NL_SET_ERR_MSG_ATTR(info->extack, a, "peer id or fd given twice");
				return -EINVAL;
			}
		}
		(*n)++;
	}
	return 0;
}

static u64 history_of(struct genl_info *info)
{
	return info->attrs[ZAB_A_LAST_ZXID] ?
		nla_get_u64(info->attrs[ZAB_A_LAST_ZXID]) : ZAB_HISTORY_ALL;
}

/*
 * The ensemble as LEAD and FOLLOW give it, members and observers checked;
 * @observing: FOLLOW's %ZAB_A_OBSERVER (LEAD's policy has no such slot).
 */
static int view_of(struct genl_info *info, bool observing,
		   struct zab_view *view)
{
	struct nlattr *members = info->attrs[ZAB_A_MEMBERS];
	struct nlattr *observers = info->attrs[ZAB_A_OBSERVERS];

	view->members = members ? nla_get_u32(members) : 0;
	view->observers = observers ? nla_get_u32(observers) : 0;
	view->observing = observing;
	if (view->members + view->observers > ZAB_MEMBERS_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, observers,
				    "members and observers are at most 15");
		return -EINVAL;
	}
	/* its share of the uncommitted budget counts the observers */
	if (observing && members && !view->observers) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "an observer with the ensemble's size needs its observers too");
		return -EINVAL;
	}
	return 0;
}

static int zab_nl_lead(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_peer_spec specs[ZAB_MEMBERS_MAX - 1];
	struct zab_instance *zi = info->user_ptr[0];
	struct zab_view view;
	unsigned int n;
	int err;

	if (missing(info, ZAB_A_EPOCH, KBUILD_MODNAME ": missing epoch") ||
	    missing(info, ZAB_A_MEMBERS, KBUILD_MODNAME ": missing ensemble size"))
		return -EINVAL;
	err = view_of(info, false, &view);
	if (!err)
		err = parse_peers(info, zi, specs, &n);
	if (err)
		return err;
	return zab_bcast_lead(zi, nla_get_u32(info->attrs[ZAB_A_EPOCH]), &view,
			      history_of(info), specs, n, info->extack);
}

static int zab_nl_follow(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_instance *zi = info->user_ptr[0];
	struct zab_peer_spec leader = {};
	struct zab_view view;
	int err;

	if (missing(info, ZAB_A_EPOCH, KBUILD_MODNAME ": missing epoch") ||
	    missing(info, ZAB_A_LEADER, KBUILD_MODNAME ": missing leader id") ||
	    missing(info, ZAB_A_FD, KBUILD_MODNAME ": missing socket fd"))
		return -EINVAL;
	leader.id = nla_get_u32(info->attrs[ZAB_A_LEADER]);
	leader.fd = nla_get_s32(info->attrs[ZAB_A_FD]);
	if (leader.id == zi->myid) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[ZAB_A_LEADER],
				    "a member cannot follow itself");
		return -EINVAL;
	}
	err = view_of(info, nla_get_flag(info->attrs[ZAB_A_OBSERVER]), &view);
	if (err)
		return err;
	return zab_bcast_follow(zi, nla_get_u32(info->attrs[ZAB_A_EPOCH]),
				&leader, history_of(info), &view,
				nla_get_flag(info->attrs[ZAB_A_HOLD_ACKS]),
				info->extack);
}

static int zab_nl_synced(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_instance *zi = info->user_ptr[0];

	if (missing(info, ZAB_A_EPOCH, KBUILD_MODNAME ": missing epoch"))
		return -EINVAL;
	return zab_bcast_synced(zi, nla_get_u32(info->attrs[ZAB_A_EPOCH]),
				info->extack);
}

static int zab_nl_add_follower(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_peer_spec specs[ZAB_MEMBERS_MAX - 1];
	struct zab_instance *zi = info->user_ptr[0];
	unsigned int n;
	int err;

	err = parse_peers(info, zi, specs, &n);
	if (err)
		return err;
	if (n != 1) {
		NL_SET_ERR_MSG_MOD(info->extack, "give exactly one peer");
		return -EINVAL;
	}
	return zab_bcast_add_follower(zi, &specs[0], info->extack);
}

static int zab_nl_log(struct sk_buff *skb, struct genl_info *info)
{
	struct zab_instance *zi = info->user_ptr[0];
	struct nlattr **a = info->attrs;
	u32 segment_bytes = ZAB_SEGMENT_BYTES_DEFAULT;
	struct file *dir;
	u64 seq = 1;
	u8 format = 1;
	int err;

	if (missing(info, ZAB_A_DIR_FD, KBUILD_MODNAME ": missing directory fd") ||
	    missing(info, ZAB_A_DURABILITY, KBUILD_MODNAME ": missing durability"))
		return -EINVAL;
	if (a[ZAB_A_SEGMENT_BYTES])
		segment_bytes = nla_get_u32(a[ZAB_A_SEGMENT_BYTES]);
	if (a[ZAB_A_SEGMENT_SEQ])
		seq = nla_get_u64(a[ZAB_A_SEGMENT_SEQ]);
	if (a[ZAB_A_LOG_FORMAT])
		format = nla_get_u8(a[ZAB_A_LOG_FORMAT]);
	dir = fget(nla_get_s32(a[ZAB_A_DIR_FD]));
	if (!dir) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[ZAB_A_DIR_FD],
				    "not an open file descriptor");
		return -EBADF;
	}
	mutex_lock(&zi->lock);
	if (zi->dead) {
		err = -ESHUTDOWN;
	} else if (zi->state != ZAB_STATE_LOOKING) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the log on disk is attached while LOOKING only");
		err = -EBUSY;
	} else {
		err = zab_disk_attach(zi, dir, nla_get_u8(a[ZAB_A_DURABILITY]),
				      segment_bytes, seq, format, info->extack);
	}
	mutex_unlock(&zi->lock);
	if (err)
		fput(dir);
	return err;
}

static int zab_nl_stop(struct sk_buff *skb, struct genl_info *info)
{
	zab_bcast_stop(info->user_ptr[0]);
	return 0;
}

static int zab_nl_drop_peer(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	if (missing(info, ZAB_A_PEER_ID, KBUILD_MODNAME ": missing peer id"))
		return -EINVAL;
	err = zab_bcast_drop_peer(info->user_ptr[0],
				  nla_get_u32(info->attrs[ZAB_A_PEER_ID]));
	if (err == -ENOTCONN)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[ZAB_A_PEER_ID],
				    "no connection with that member is up");
	return err;
}

static int zab_nl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = fill_instance(msg, info->user_ptr[0], info->snd_portid,
			    info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* cb->args[0]: index of the next instance of the namespace to dump */
static int zab_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	unsigned long i = cb->args[0];
	struct zab_instance *zi;
	int err = 0;

	while ((zi = zab_instance_get_nth(net, i))) {
		err = fill_instance(skb, zi, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI);
		zab_instance_put(zi);
		if (err)
			break;
		i++;
	}
	cb->args[0] = i;
	/* A single instance that does not fit an empty skb is an error. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static const struct genl_ops zab_ops[] = {
	{
		.cmd = ZAB_CMD_NEW,
		.doit = zab_nl_new,
		.policy = zab_new_policy,
		.maxattr = ARRAY_SIZE(zab_new_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_DEL,
		.doit = zab_nl_del,
		.policy = zab_name_policy,
		.maxattr = ARRAY_SIZE(zab_name_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_GET,
		.doit = zab_nl_get_doit,
		.dumpit = zab_nl_get_dumpit,
		.policy = zab_name_policy,
		.maxattr = ARRAY_SIZE(zab_name_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_SET,
		.doit = zab_nl_set,
		.policy = zab_set_policy,
		.maxattr = ARRAY_SIZE(zab_set_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_LEAD,
		.doit = zab_nl_lead,
		.policy = zab_lead_policy,
		.maxattr = ARRAY_SIZE(zab_lead_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_FOLLOW,
		.doit = zab_nl_follow,
		.policy = zab_follow_policy,
		.maxattr = ARRAY_SIZE(zab_follow_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_ADD_FOLLOWER,
		.doit = zab_nl_add_follower,
		.policy = zab_add_policy,
		.maxattr = ARRAY_SIZE(zab_add_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_STOP,
		.doit = zab_nl_stop,
		.policy = zab_name_policy,
		.maxattr = ARRAY_SIZE(zab_name_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_LOG,
		.doit = zab_nl_log,
		.policy = zab_log_policy,
		.maxattr = ARRAY_SIZE(zab_log_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_SYNCED,
		.doit = zab_nl_synced,
		.policy = zab_synced_policy,
		.maxattr = ARRAY_SIZE(zab_synced_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_PROGRESS,
		.doit = zab_nl_progress,
		.policy = zab_progress_cmd_policy,
		.maxattr = ARRAY_SIZE(zab_progress_cmd_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_COUNT,
		.doit = zab_nl_count,
		.policy = zab_count_policy,
		.maxattr = ARRAY_SIZE(zab_count_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = ZAB_CMD_DROP_PEER,
		.doit = zab_nl_drop_peer,
		.policy = zab_drop_policy,
		.maxattr = ARRAY_SIZE(zab_drop_policy) - 1,
		.internal_flags = ZAB_NLF_INSTANCE,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family zab_family __ro_after_init = {
	.name = ZAB_GENL_NAME,
	.version = ZAB_GENL_VERSION,
	.maxattr = ZAB_A_MAX,
	.netnsok = true,
	.parallel_ops = true,
	.pre_doit = zab_nl_pre_doit,
	.post_doit = zab_nl_post_doit,
	.module = THIS_MODULE,
	.ops = zab_ops,
	.n_ops = ARRAY_SIZE(zab_ops),
	.resv_start_op = ZAB_CMD_SYNCED + 1,
	.mcgrps = zab_mcgrps,
	.n_mcgrps = ARRAY_SIZE(zab_mcgrps),
};

/**
 * zab_netlink_notify() - multicast an event about @zi to its namespace
 * @zi: the instance
 * @event: what happened
 * @peer_id: the peer concerned, 0 if none
 * @reason: why, for peer events
 *
 * Context: process context. Events are best effort: a listener that cannot
 * keep up sees ENOBUFS on its socket, which is how netlink says so.
 */
void zab_netlink_notify(struct zab_instance *zi, enum zab_event event,
			u32 peer_id, enum zab_reason reason)
{
	struct sk_buff *skb;
	void *hdr;

	if (!READ_ONCE(zab_family_live))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &zab_family, 0, ZAB_CMD_EVENT);
	if (!hdr)
		goto err;
	if (nla_put_string(skb, ZAB_A_NAME, zi->name) ||
	    nla_put_u32(skb, ZAB_A_EVENT, event) ||
	    nla_put_u8(skb, ZAB_A_STATE, READ_ONCE(zi->state)) ||
	    nla_put_u32(skb, ZAB_A_EPOCH, READ_ONCE(zi->epoch)) ||
	    (peer_id && nla_put_u32(skb, ZAB_A_PEER_ID, peer_id)) ||
	    (reason && nla_put_u32(skb, ZAB_A_REASON, reason)) ||
	    (event == ZAB_EVENT_LOG_ERROR &&
	     nla_put_u32(skb, ZAB_A_LOG_ERROR, zab_disk_error(zi))))
		goto err;
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&zab_family, zab_instance_net(zi), skb, 0,
				ZAB_MCGRP_EVENTS_ID, GFP_KERNEL);
	return;
err:
	nlmsg_free(skb);
}

/**
 * zab_netlink_init() - register the family
 *
 * Return: 0 or a negative errno.
 */
int zab_netlink_init(void)
{
	int err = genl_register_family(&zab_family);

	if (!err)
		WRITE_ONCE(zab_family_live, true);
	return err;
}

/**
 * zab_netlink_exit() - stop events, then unregister the family; in-flight
 * commands finish first
 */
void zab_netlink_exit(void)
{
	WRITE_ONCE(zab_family_live, false);
	genl_unregister_family(&zab_family);
}
