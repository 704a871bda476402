// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "msg.h"

static struct nla_policy info_policy[ZAB_A_MAX + 1] = {
	[ZAB_A_NAME]		= { .type = NLA_STRING, .maxlen = ZAB_NAME_MAX + 1 },
	[ZAB_A_MYID]		= { .type = NLA_U32 },
	[ZAB_A_STATE]		= { .type = NLA_U8 },
	[ZAB_A_EPOCH]		= { .type = NLA_U32 },
	[ZAB_A_LEADER]		= { .type = NLA_U32 },
	[ZAB_A_LAST_ZXID]	= { .type = NLA_U64 },
	[ZAB_A_COMMIT_ZXID]	= { .type = NLA_U64 },
	[ZAB_A_TICK_MS]		= { .type = NLA_U32 },
	[ZAB_A_SYNC_LIMIT]	= { .type = NLA_U32 },
	[ZAB_A_INIT_LIMIT]	= { .type = NLA_U32 },
	[ZAB_A_WINDOW_BYTES]	= { .type = NLA_U32 },
	[ZAB_A_MAX_RECORD]	= { .type = NLA_U32 },
	[ZAB_A_STATS]		= { .type = NLA_NESTED },
	[ZAB_A_PEERS]		= { .type = NLA_NESTED },
	[ZAB_A_EVENT]		= { .type = NLA_U32 },
	[ZAB_A_PEER_ID]		= { .type = NLA_U32 },
	[ZAB_A_REASON]		= { .type = NLA_U32 },
	[ZAB_A_DURABILITY]	= { .type = NLA_U8 },
	[ZAB_A_SEGMENT_BYTES]	= { .type = NLA_U32 },
	[ZAB_A_DURABLE_ZXID]	= { .type = NLA_U64 },
	[ZAB_A_LOG_ERROR]	= { .type = NLA_U32 },
	[ZAB_A_LEADER_SYNCED]	= { .type = NLA_U8 },
	[ZAB_A_PENDING_BYTES]	= { .type = NLA_U64 },
	[ZAB_A_LOCAL_BYTES]	= { .type = NLA_U64 },
	[ZAB_A_ONCE_CLIENTS]	= { .type = NLA_U32 },
	[ZAB_A_ONCE_FLOOR]	= { .type = NLA_U64 },
	[ZAB_A_OBSERVER]	= { .type = NLA_FLAG },
	[ZAB_A_COMMIT_LATENCY]	= { .type = NLA_NESTED },
	[ZAB_A_FSYNC_LATENCY]	= { .type = NLA_NESTED },
	[ZAB_A_PROGRESS]	= { .type = NLA_NESTED },
};

static struct nla_policy progress_policy[ZAB_PROGRESS_A_MAX + 1] = {
	[ZAB_PROGRESS_A_WORK]		= { .type = NLA_U8 },
	[ZAB_PROGRESS_A_RECORDS]	= { .type = NLA_U64 },
	[ZAB_PROGRESS_A_BYTES]		= { .type = NLA_U64 },
	[ZAB_PROGRESS_A_TOTAL_BYTES]	= { .type = NLA_U64 },
	[ZAB_PROGRESS_A_RATE]		= { .type = NLA_U64 },
	[ZAB_PROGRESS_A_SECONDS_LEFT]	= { .type = NLA_U32 },
};

static struct nla_policy hist_policy[ZAB_HIST_A_MAX + 1] = {
	[ZAB_HIST_A_BUCKETS]	= { .type = NLA_NESTED },
	[ZAB_HIST_A_SUM_NS]	= { .type = NLA_U64 },
};

static struct nla_policy stat_policy[ZAB_STAT_MAX + 1] = {
	[ZAB_STAT_WRITES]	= { .type = NLA_U64 },
	[ZAB_STAT_WRITE_BYTES]	= { .type = NLA_U64 },
	[ZAB_STAT_WRITE_ERRORS]	= { .type = NLA_U64 },
	[ZAB_STAT_READS]	= { .type = NLA_U64 },
	[ZAB_STAT_PROPOSALS]	= { .type = NLA_U64 },
	[ZAB_STAT_COMMITS]	= { .type = NLA_U64 },
	[ZAB_STAT_PEER_DOWNS]	= { .type = NLA_U64 },
	[ZAB_STAT_BAD_FRAMES]	= { .type = NLA_U64 },
	[ZAB_STAT_SYNC_DIFF]	= { .type = NLA_U64 },
	[ZAB_STAT_SYNC_TRUNC]	= { .type = NLA_U64 },
	[ZAB_STAT_SYNC_SNAP]	= { .type = NLA_U64 },
	[ZAB_STAT_OVER_BUDGET]	= { .type = NLA_U64 },
	[ZAB_STAT_AUTH_FAILURES]	= { .type = NLA_U64 },
	[ZAB_STAT_DUPLICATES]	= { .type = NLA_U64 },
	[ZAB_STAT_ROOM_WAITS]	= { .type = NLA_U64 },
};

static struct nla_policy peer_policy[ZAB_PEER_A_MAX + 1] = {
	[ZAB_PEER_A_ID]		= { .type = NLA_U32 },
	[ZAB_PEER_A_LAST_ZXID]	= { .type = NLA_U64 },
	[ZAB_PEER_A_QUEUED]	= { .type = NLA_U32 },
	[ZAB_PEER_A_RTT_US]	= { .type = NLA_U32 },
	[ZAB_PEER_A_TLS]	= { .type = NLA_FLAG },
	[ZAB_PEER_A_OBSERVER]	= { .type = NLA_FLAG },
	[ZAB_PEER_A_CPU]	= { .type = NLA_U32 },
};

static struct nla_policy extack_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG]	= { .type = NLA_STRING },
};

struct nl_msg *zab_msg_new(int family, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
				cmd, ZAB_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* libnl fails to add an attribute only when the message has no room left. */
int zab_msg_put_name(struct nl_msg *msg, const char *name)
{
	return nla_put_string(msg, ZAB_A_NAME, name) < 0 ? -EMSGSIZE : 0;
}

int zab_msg_put_myid(struct nl_msg *msg, uint32_t myid)
{
	return nla_put_u32(msg, ZAB_A_MYID, myid) < 0 ? -EMSGSIZE : 0;
}

int zab_msg_put_params(struct nl_msg *msg, const struct zab_params *params)
{
	for (int i = 0; i < ZAB_P_COUNT; i++) {
		if (!zab_params_has(params, i))
			continue;
		if (nla_put_u32(msg, zab_param_defs[i].attr, params->value[i]) < 0)
			return -EMSGSIZE;
	}
	return 0;
}

static int put_peer(struct nl_msg *msg, const struct zab_handover_peer *peer)
{
	struct nlattr *nest = nla_nest_start(msg, ZAB_A_PEER | NLA_F_NESTED);

	if (!nest || nla_put_u32(msg, ZAB_PEER_A_ID, peer->id) < 0 ||
	    nla_put_s32(msg, ZAB_PEER_A_FD, peer->fd) < 0 ||
	    nla_put_u64(msg, ZAB_PEER_A_LAST_ZXID, peer->last_zxid) < 0 ||
	    (peer->observer && nla_put_flag(msg, ZAB_PEER_A_OBSERVER) < 0))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int zab_msg_put_peers(struct nl_msg *msg, const struct zab_handover_peer *peers,
		      size_t n)
{
	struct nlattr *nest = nla_nest_start(msg, ZAB_A_PEERS | NLA_F_NESTED);

	if (!nest)
		return -EMSGSIZE;
	for (size_t i = 0; i < n; i++) {
		if (put_peer(msg, &peers[i]) < 0)
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int copy_name(char *dst, size_t size, struct nlattr *attr)
{
	if (!attr || nla_len(attr) > (int)size)
		return -EPROTO;
	/* NLA_STRING in the policy guarantees the terminating NUL. */
	memcpy(dst, nla_data(attr), nla_len(attr));
	return 0;
}

static uint32_t get_u32(struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

static uint64_t get_u64(struct nlattr *attr)
{
	return attr ? nla_get_u64(attr) : 0;
}

/*
 * The counters the kernel reported, marked in @set: an older kernel knows
 * fewer, and those it does not know are not shown as 0.
 */
static int parse_stats(struct nlattr *nest, uint64_t *stats, uint32_t *set)
{
	struct nlattr *tb[ZAB_STAT_MAX + 1];

	if (nla_parse_nested(tb, ZAB_STAT_MAX, nest, stat_policy) < 0)
		return -EPROTO;
	for (int i = ZAB_STAT_UNSPEC + 1; i <= ZAB_STAT_MAX; i++) {
		if (i == ZAB_STAT_PAD || !tb[i])
			continue;
		stats[i] = get_u64(tb[i]);
		*set |= 1u << i;
	}
	return 0;
}

/*
 * A histogram: the buckets this build knows (ZAB_HIST_BUCKETS), by index;
 * later ones are skipped. One that does not parse is left out (->set
 * false), not an error: the rest of the reply still counts.
 */
static void parse_hist(struct nlattr *nest, struct zab_hist_info *h)
{
	struct nlattr *tb[ZAB_HIST_A_MAX + 1], *pos;
	int rem;

	memset(h, 0, sizeof(*h));
	if (nla_parse_nested(tb, ZAB_HIST_A_MAX, nest, hist_policy) < 0 ||
	    !tb[ZAB_HIST_A_BUCKETS])
		return;
	nla_for_each_nested(pos, tb[ZAB_HIST_A_BUCKETS], rem) {
		int i = nla_type(pos) - 1;

		if (i < 0 || i >= ZAB_HIST_BUCKETS || nla_len(pos) != sizeof(uint64_t))
			continue;
		h->buckets[i] = nla_get_u64(pos);
	}
	h->sum_ns = get_u64(tb[ZAB_HIST_A_SUM_NS]);
	h->set = true;
}

/* A report of long work; one that does not parse is left out. */
static void parse_progress(struct nlattr *nest, struct zab_progress_info *p)
{
	struct nlattr *tb[ZAB_PROGRESS_A_MAX + 1];

	if (nla_parse_nested(tb, ZAB_PROGRESS_A_MAX, nest, progress_policy) < 0 ||
	    !tb[ZAB_PROGRESS_A_WORK])
		return;
	p->work = nla_get_u8(tb[ZAB_PROGRESS_A_WORK]);
	p->records = get_u64(tb[ZAB_PROGRESS_A_RECORDS]);
	p->bytes = get_u64(tb[ZAB_PROGRESS_A_BYTES]);
	p->total_bytes = get_u64(tb[ZAB_PROGRESS_A_TOTAL_BYTES]);
	p->rate = get_u64(tb[ZAB_PROGRESS_A_RATE]);
	p->seconds_left = tb[ZAB_PROGRESS_A_SECONDS_LEFT] ?
			  nla_get_u32(tb[ZAB_PROGRESS_A_SECONDS_LEFT]) : UINT32_MAX;
}

int zab_msg_put_progress(struct nl_msg *msg, const struct zab_progress_info *p)
{
	struct nlattr *nest = nla_nest_start(msg, ZAB_A_PROGRESS | NLA_F_NESTED);

	if (!nest || nla_put_u8(msg, ZAB_PROGRESS_A_WORK, p->work) < 0 ||
	    nla_put_u64(msg, ZAB_PROGRESS_A_RECORDS, p->records) < 0 ||
	    nla_put_u64(msg, ZAB_PROGRESS_A_BYTES, p->bytes) < 0 ||
	    nla_put_u64(msg, ZAB_PROGRESS_A_TOTAL_BYTES, p->total_bytes) < 0 ||
	    nla_put_u64(msg, ZAB_PROGRESS_A_RATE, p->rate) < 0 ||
	    nla_put_u32(msg, ZAB_PROGRESS_A_SECONDS_LEFT, p->seconds_left) < 0)
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int parse_peer(struct nlattr *nest, struct zab_peer_info *peer)
{
	struct nlattr *tb[ZAB_PEER_A_MAX + 1];

	if (nla_parse_nested(tb, ZAB_PEER_A_MAX, nest, peer_policy) < 0)
		return -EPROTO;
	if (!tb[ZAB_PEER_A_ID])
		return -EPROTO;
	peer->id = nla_get_u32(tb[ZAB_PEER_A_ID]);
	peer->last_zxid = get_u64(tb[ZAB_PEER_A_LAST_ZXID]);
	peer->queued = get_u32(tb[ZAB_PEER_A_QUEUED]);
	peer->rtt_us = get_u32(tb[ZAB_PEER_A_RTT_US]);
	peer->tls = tb[ZAB_PEER_A_TLS] != NULL;
	peer->observer = tb[ZAB_PEER_A_OBSERVER] != NULL;
	peer->placed = tb[ZAB_PEER_A_CPU] != NULL;
	peer->cpu = get_u32(tb[ZAB_PEER_A_CPU]);
	return 0;
}

static int parse_peers(struct nlattr *nest, struct zab_info *info)
{
	struct nlattr *pos;
	size_t count = 0;
	int rem, ret;

	nla_for_each_nested(pos, nest, rem) {
		if (nla_type(pos) == ZAB_A_PEER)
			count++;
	}
	if (!count)
		return 0;
	info->peers = calloc(count, sizeof(*info->peers));
	if (!info->peers)
		return -ENOMEM;
	nla_for_each_nested(pos, nest, rem) {
		if (nla_type(pos) != ZAB_A_PEER)
			continue;
		ret = parse_peer(pos, &info->peers[info->n_peers]);
		if (ret < 0)
			return ret;
		info->n_peers++;
	}
	return 0;
}

static void parse_params(struct nlattr **tb, struct zab_params *params)
{
	zab_params_init(params);
	for (int i = 0; i < ZAB_P_COUNT; i++) {
		struct nlattr *attr = tb[zab_param_defs[i].attr];

		if (!attr)
			continue;
		params->value[i] = nla_get_u32(attr);
		params->set |= 1u << i;
	}
}

int zab_msg_parse_info(struct nlmsghdr *nlh, struct zab_info *info)
{
	struct nlattr *tb[ZAB_A_MAX + 1];
	int ret;

	memset(info, 0, sizeof(*info));
	if (genlmsg_parse(nlh, 0, tb, ZAB_A_MAX, info_policy) < 0)
		return -EPROTO;
	ret = copy_name(info->name, sizeof(info->name), tb[ZAB_A_NAME]);
	if (ret < 0)
		return ret;
	info->myid = get_u32(tb[ZAB_A_MYID]);
	info->state = tb[ZAB_A_STATE] ? nla_get_u8(tb[ZAB_A_STATE]) : 0;
	info->epoch = get_u32(tb[ZAB_A_EPOCH]);
	info->leader = get_u32(tb[ZAB_A_LEADER]);
	info->last_zxid = get_u64(tb[ZAB_A_LAST_ZXID]);
	info->commit_zxid = get_u64(tb[ZAB_A_COMMIT_ZXID]);
	parse_params(tb, &info->params);
	info->durability = tb[ZAB_A_DURABILITY] ? nla_get_u8(tb[ZAB_A_DURABILITY]) : 0;
	info->durable_zxid = get_u64(tb[ZAB_A_DURABLE_ZXID]);
	info->segment_bytes = get_u32(tb[ZAB_A_SEGMENT_BYTES]);
	info->log_error = get_u32(tb[ZAB_A_LOG_ERROR]);
	info->pending_bytes = get_u64(tb[ZAB_A_PENDING_BYTES]);
	info->local_bytes = get_u64(tb[ZAB_A_LOCAL_BYTES]);
	info->once_clients = get_u32(tb[ZAB_A_ONCE_CLIENTS]);
	info->once_floor = get_u64(tb[ZAB_A_ONCE_FLOOR]);
	info->observer = tb[ZAB_A_OBSERVER] != NULL;
	info->leader_synced = tb[ZAB_A_LEADER_SYNCED] &&
			      nla_get_u8(tb[ZAB_A_LEADER_SYNCED]);
	if (tb[ZAB_A_STATS]) {
		ret = parse_stats(tb[ZAB_A_STATS], info->stats,
				  &info->stats_set);
		if (ret < 0)
			return ret;
	}
	if (tb[ZAB_A_COMMIT_LATENCY])
		parse_hist(tb[ZAB_A_COMMIT_LATENCY], &info->commit_latency);
	if (tb[ZAB_A_FSYNC_LATENCY])
		parse_hist(tb[ZAB_A_FSYNC_LATENCY], &info->fsync_latency);
	if (tb[ZAB_A_PROGRESS])
		parse_progress(tb[ZAB_A_PROGRESS], &info->progress);
	if (tb[ZAB_A_PEERS])
		return parse_peers(tb[ZAB_A_PEERS], info);
	return 0;
}

int zab_msg_parse_event(struct nlmsghdr *nlh, struct zab_event_info *ev)
{
	struct nlattr *tb[ZAB_A_MAX + 1];
	struct genlmsghdr *ghdr;
	int ret;

	memset(ev, 0, sizeof(*ev));
	if (genlmsg_parse(nlh, 0, tb, ZAB_A_MAX, info_policy) < 0)
		return -EPROTO;
	ghdr = nlmsg_data(nlh);
	if (ghdr->cmd != ZAB_CMD_EVENT || !tb[ZAB_A_EVENT])
		return -EPROTO;
	ret = copy_name(ev->name, sizeof(ev->name), tb[ZAB_A_NAME]);
	if (ret < 0)
		return ret;
	ev->event = nla_get_u32(tb[ZAB_A_EVENT]);
	ev->has_peer = tb[ZAB_A_PEER_ID] != NULL;
	ev->peer = get_u32(tb[ZAB_A_PEER_ID]);
	ev->has_reason = tb[ZAB_A_REASON] != NULL;
	ev->reason = get_u32(tb[ZAB_A_REASON]);
	ev->has_state = tb[ZAB_A_STATE] != NULL;
	ev->state = tb[ZAB_A_STATE] ? nla_get_u8(tb[ZAB_A_STATE]) : 0;
	ev->has_epoch = tb[ZAB_A_EPOCH] != NULL;
	ev->epoch = get_u32(tb[ZAB_A_EPOCH]);
	ev->log_error = get_u32(tb[ZAB_A_LOG_ERROR]);
	return 0;
}

static void parse_extack(unsigned char *tlvs, size_t len, char *extack,
			 size_t size)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)tlvs, (int)len,
		      extack_policy) < 0 || !tb[NLMSGERR_ATTR_MSG])
		return;
	snprintf(extack, size, "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
}

int zab_msg_ack_error(struct nlmsghdr *nlh, char *extack, size_t len)
{
	size_t payload, off;
	unsigned char *data;
	int error;

	if (len)
		extack[0] = '\0';
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -EPROTO;
	payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	data = NLMSG_DATA(nlh);

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = (struct nlmsgerr *)data;

		if (payload < sizeof(*e))
			return -EPROTO;
		error = e->error;
		off = sizeof(*e);
		/* Unless capped, the request follows, minus its header. */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
		    e->msg.nlmsg_len > NLMSG_HDRLEN)
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		if (payload < sizeof(error))
			return 0;
		memcpy(&error, data, sizeof(error));
		off = sizeof(error);
	} else {
		return 0;
	}
	if (error > 0)
		error = 0;

	off = NLMSG_ALIGN(off);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < payload && len)
		parse_extack(data + off, payload - off, extack, len);
	return error;
}
