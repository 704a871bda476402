// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Netlink messages: requests as zabctl builds them, and replies, events and
 * errors built here the way the kernel sends them.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "common/msg.h"

#define FAMILY 0x1d

static struct nl_msg *genl_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, FAMILY, 0, 0, cmd, ZAB_GENL_VERSION));
	return msg;
}

static void put_peer(struct nl_msg *msg, uint32_t id, uint64_t zxid,
		     uint32_t queued, uint32_t rtt)
{
	struct nlattr *peer = nla_nest_start(msg, ZAB_A_PEER);

	assert_non_null(peer);
	assert_int_equal(nla_put_u32(msg, ZAB_PEER_A_ID, id), 0);
	assert_int_equal(nla_put_u64(msg, ZAB_PEER_A_LAST_ZXID, zxid), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_PEER_A_QUEUED, queued), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_PEER_A_RTT_US, rtt), 0);
	/* placed on a CPU: the second of the sample's peers */
	if (queued == 2)
		assert_int_equal(nla_put_u32(msg, ZAB_PEER_A_CPU, 1), 0);
	nla_nest_end(msg, peer);
}

/* A ZAB_CMD_GET reply carrying everything the header promises. */
static struct nl_msg *full_reply(void)
{
	struct nl_msg *msg = genl_msg(ZAB_CMD_GET);
	struct nlattr *nest;

	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "ens1"), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_MYID, 1), 0);
	assert_int_equal(nla_put_u8(msg, ZAB_A_STATE, ZAB_STATE_FOLLOWING), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_EPOCH, 3), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_LEADER, 2), 0);
	assert_int_equal(nla_put(msg, ZAB_A_PAD, 0, NULL), 0);
	assert_int_equal(nla_put_u64(msg, ZAB_A_LAST_ZXID, ZAB_ZXID(3, 7)), 0);
	assert_int_equal(nla_put_u64(msg, ZAB_A_COMMIT_ZXID, ZAB_ZXID(3, 6)), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_TICK_MS, 500), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_SYNC_LIMIT, 4), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_INIT_LIMIT, 8), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_WINDOW_BYTES, 1 << 20), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_MAX_RECORD, 4096), 0);

	nest = nla_nest_start(msg, ZAB_A_STATS);
	assert_non_null(nest);
	for (int i = ZAB_STAT_WRITES; i <= ZAB_STAT_BAD_FRAMES; i++)
		assert_int_equal(nla_put_u64(msg, i, 1000 + i), 0);
	/* as nla_put_u64_64bit() may put it: padding, not a counter */
	assert_int_equal(nla_put(msg, ZAB_STAT_PAD, 0, NULL), 0);
	nla_nest_end(msg, nest);

	nest = nla_nest_start(msg, ZAB_A_PEERS);
	assert_non_null(nest);
	put_peer(msg, 2, ZAB_ZXID(3, 7), 0, 150);
	put_peer(msg, 3, ZAB_ZXID(3, 5), 2, 900);
	nla_nest_end(msg, nest);
	return msg;
}

static void test_parse_info(void **state)
{
	struct nl_msg *msg = full_reply();
	struct zab_info info;

	(void)state;
	assert_int_equal(zab_msg_parse_info(nlmsg_hdr(msg), &info), 0);
	assert_string_equal(info.name, "ens1");
	assert_int_equal(info.myid, 1);
	assert_int_equal(info.state, ZAB_STATE_FOLLOWING);
	assert_int_equal(info.epoch, 3);
	assert_int_equal(info.leader, 2);
	assert_true(info.last_zxid == ZAB_ZXID(3, 7));
	assert_true(info.commit_zxid == ZAB_ZXID(3, 6));

	assert_int_equal(info.params.set, (1u << ZAB_P_COUNT) - 1);
	assert_int_equal(info.params.value[ZAB_P_TICK_TIME], 500);
	assert_int_equal(info.params.value[ZAB_P_SYNC_LIMIT], 4);
	assert_int_equal(info.params.value[ZAB_P_INIT_LIMIT], 8);
	assert_int_equal(info.params.value[ZAB_P_WINDOW_BYTES], 1 << 20);
	assert_int_equal(info.params.value[ZAB_P_MAX_RECORD], 4096);

	for (int i = ZAB_STAT_WRITES; i <= ZAB_STAT_BAD_FRAMES; i++)
		assert_true(info.stats[i] == 1000u + i);
	/* the counters not in the reply are marked so, not taken for 0 */
	for (int i = ZAB_STAT_UNSPEC; i <= ZAB_STAT_MAX; i++)
		assert_int_equal(!!(info.stats_set & (1u << i)),
				 i >= ZAB_STAT_WRITES && i <= ZAB_STAT_BAD_FRAMES);

	assert_int_equal(info.n_peers, 2);
	assert_int_equal(info.peers[0].id, 2);
	assert_true(info.peers[0].last_zxid == ZAB_ZXID(3, 7));
	assert_int_equal(info.peers[0].queued, 0);
	assert_int_equal(info.peers[0].rtt_us, 150);
	assert_false(info.peers[0].placed);
	assert_int_equal(info.peers[1].id, 3);
	assert_true(info.peers[1].last_zxid == ZAB_ZXID(3, 5));
	assert_int_equal(info.peers[1].queued, 2);
	assert_int_equal(info.peers[1].rtt_us, 900);
	assert_true(info.peers[1].placed);
	assert_int_equal(info.peers[1].cpu, 1);

	zab_info_release(&info);
	assert_null(info.peers);
	nlmsg_free(msg);
}

static void test_parse_info_minimal(void **state)
{
	struct nl_msg *msg = genl_msg(ZAB_CMD_GET);
	struct zab_info info;

	(void)state;
	/* attributes from a newer kernel are ignored */
	assert_int_equal(nla_put_u32(msg, ZAB_A_MAX + 7, 99), 0);
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "x"), 0);
	assert_int_equal(zab_msg_parse_info(nlmsg_hdr(msg), &info), 0);
	assert_string_equal(info.name, "x");
	assert_int_equal(info.params.set, 0);
	assert_int_equal(info.n_peers, 0);
	assert_null(info.peers);
	zab_info_release(&info);
	nlmsg_free(msg);
}

static void expect_bad_info(struct nl_msg *msg)
{
	struct zab_info info;

	assert_int_equal(zab_msg_parse_info(nlmsg_hdr(msg), &info), -EPROTO);
	zab_info_release(&info);
	nlmsg_free(msg);
}

static void test_parse_info_malformed(void **state)
{
	struct nl_msg *msg;
	struct nlattr *nest, *peer;

	(void)state;
	/* no name */
	msg = genl_msg(ZAB_CMD_GET);
	assert_int_equal(nla_put_u32(msg, ZAB_A_MYID, 1), 0);
	expect_bad_info(msg);

	/* name longer than ZAB_NAME_MAX */
	msg = genl_msg(ZAB_CMD_GET);
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME,
					"abcdefghijklmnopqrstuvwxyz0123456"), 0);
	expect_bad_info(msg);

	/* name without its terminating NUL */
	msg = genl_msg(ZAB_CMD_GET);
	assert_int_equal(nla_put(msg, ZAB_A_NAME, 3, "abc"), 0);
	expect_bad_info(msg);

	/* u32 too short */
	msg = genl_msg(ZAB_CMD_GET);
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "a"), 0);
	assert_int_equal(nla_put_u16(msg, ZAB_A_MYID, 1), 0);
	expect_bad_info(msg);

	/* a peer without id, after a good one: nothing leaks */
	msg = genl_msg(ZAB_CMD_GET);
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "a"), 0);
	nest = nla_nest_start(msg, ZAB_A_PEERS);
	put_peer(msg, 2, 1, 0, 0);
	peer = nla_nest_start(msg, ZAB_A_PEER);
	assert_int_equal(nla_put_u32(msg, ZAB_PEER_A_QUEUED, 1), 0);
	nla_nest_end(msg, peer);
	nla_nest_end(msg, nest);
	expect_bad_info(msg);

	/* a counter of the wrong size */
	msg = genl_msg(ZAB_CMD_GET);
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "a"), 0);
	nest = nla_nest_start(msg, ZAB_A_STATS);
	assert_int_equal(nla_put_u32(msg, ZAB_STAT_READS, 1), 0);
	nla_nest_end(msg, nest);
	expect_bad_info(msg);
}

static void test_parse_event(void **state)
{
	struct nl_msg *msg = genl_msg(ZAB_CMD_EVENT);
	struct zab_event_info ev;

	(void)state;
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "ens1"), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_EVENT, ZAB_EVENT_PEER_DOWN), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_PEER_ID, 3), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_REASON, ZAB_REASON_PROTOCOL), 0);
	assert_int_equal(zab_msg_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_string_equal(ev.name, "ens1");
	assert_int_equal(ev.event, ZAB_EVENT_PEER_DOWN);
	assert_true(ev.has_peer);
	assert_int_equal(ev.peer, 3);
	assert_true(ev.has_reason);
	assert_int_equal(ev.reason, ZAB_REASON_PROTOCOL);
	assert_false(ev.has_state);
	assert_false(ev.has_epoch);
	nlmsg_free(msg);

	msg = genl_msg(ZAB_CMD_EVENT);
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "b"), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_EVENT, ZAB_EVENT_STATE), 0);
	assert_int_equal(nla_put_u8(msg, ZAB_A_STATE, ZAB_STATE_LEADING), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_EPOCH, 9), 0);
	assert_int_equal(zab_msg_parse_event(nlmsg_hdr(msg), &ev), 0);
	assert_int_equal(ev.event, ZAB_EVENT_STATE);
	assert_false(ev.has_peer);
	assert_false(ev.has_reason);
	assert_true(ev.has_state);
	assert_int_equal(ev.state, ZAB_STATE_LEADING);
	assert_true(ev.has_epoch);
	assert_int_equal(ev.epoch, 9);
	nlmsg_free(msg);
}

static void test_parse_event_malformed(void **state)
{
	struct zab_event_info ev;
	struct nl_msg *msg;

	(void)state;
	/* not an event */
	msg = genl_msg(ZAB_CMD_GET);
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "a"), 0);
	assert_int_equal(nla_put_u32(msg, ZAB_A_EVENT, ZAB_EVENT_CREATED), 0);
	assert_int_equal(zab_msg_parse_event(nlmsg_hdr(msg), &ev), -EPROTO);
	nlmsg_free(msg);

	/* no ZAB_A_EVENT */
	msg = genl_msg(ZAB_CMD_EVENT);
	assert_int_equal(nla_put_string(msg, ZAB_A_NAME, "a"), 0);
	assert_int_equal(zab_msg_parse_event(nlmsg_hdr(msg), &ev), -EPROTO);
	nlmsg_free(msg);

	/* no name */
	msg = genl_msg(ZAB_CMD_EVENT);
	assert_int_equal(nla_put_u32(msg, ZAB_A_EVENT, ZAB_EVENT_CREATED), 0);
	assert_int_equal(zab_msg_parse_event(nlmsg_hdr(msg), &ev), -EPROTO);
	nlmsg_free(msg);
}

static void test_build_create(void **state)
{
	struct nlattr *tb[ZAB_A_MAX + 1];
	struct zab_params params;
	struct genlmsghdr *ghdr;
	struct nlmsghdr *nlh;
	struct nl_msg *msg;

	(void)state;
	zab_params_init(&params);
	assert_int_equal(zab_params_parse(&params, "tickTime", "500", true, NULL), 0);
	assert_int_equal(zab_params_parse(&params, "maxRecordSize", "1K", true, NULL), 0);

	msg = zab_msg_new(FAMILY, ZAB_CMD_NEW, 0);
	assert_non_null(msg);
	assert_int_equal(zab_msg_put_name(msg, "ens1"), 0);
	assert_int_equal(zab_msg_put_myid(msg, 3), 0);
	assert_int_equal(zab_msg_put_params(msg, &params), 0);

	nlh = nlmsg_hdr(msg);
	assert_int_equal(nlh->nlmsg_type, FAMILY);
	assert_int_equal(nlh->nlmsg_flags & NLM_F_DUMP, 0);
	ghdr = nlmsg_data(nlh);
	assert_int_equal(ghdr->cmd, ZAB_CMD_NEW);
	assert_int_equal(ghdr->version, ZAB_GENL_VERSION);
	assert_int_equal(genlmsg_parse(nlh, 0, tb, ZAB_A_MAX, NULL), 0);
	assert_string_equal(nla_get_string(tb[ZAB_A_NAME]), "ens1");
	assert_int_equal(nla_get_u32(tb[ZAB_A_MYID]), 3);
	assert_int_equal(nla_get_u32(tb[ZAB_A_TICK_MS]), 500);
	assert_int_equal(nla_get_u32(tb[ZAB_A_MAX_RECORD]), 1024);
	/* parameters not given are left to the kernel's defaults */
	assert_null(tb[ZAB_A_SYNC_LIMIT]);
	assert_null(tb[ZAB_A_INIT_LIMIT]);
	assert_null(tb[ZAB_A_WINDOW_BYTES]);
	nlmsg_free(msg);
}

static void test_build_dump(void **state)
{
	struct nlattr *tb[ZAB_A_MAX + 1];
	struct nl_msg *msg;

	(void)state;
	msg = zab_msg_new(FAMILY, ZAB_CMD_GET, NLM_F_DUMP);
	assert_non_null(msg);
	assert_int_equal(nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP, NLM_F_DUMP);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ZAB_A_MAX, NULL), 0);
	for (int i = 0; i <= ZAB_A_MAX; i++)
		assert_null(tb[i]);
	nlmsg_free(msg);
}

/* LEAD's peers: one nest per follower, flagged nested as the kernel wants. */
static void test_build_peers(void **state)
{
	const struct zab_handover_peer peers[] = {
		{ .id = 2, .fd = 7, .last_zxid = ZAB_ZXID(3, 9) },
		{ .id = 5, .fd = 0, .last_zxid = 0 },
	};
	struct nlattr *tb[ZAB_A_MAX + 1], *ptb[ZAB_PEER_A_MAX + 1], *pos;
	struct nl_msg *msg;
	int rem, n = 0;

	(void)state;
	msg = zab_msg_new(FAMILY, ZAB_CMD_LEAD, 0);
	assert_non_null(msg);
	assert_int_equal(zab_msg_put_name(msg, "ens1"), 0);
	assert_int_equal(zab_msg_put_peers(msg, peers, 2), 0);
	assert_int_equal(genlmsg_parse(nlmsg_hdr(msg), 0, tb, ZAB_A_MAX, NULL), 0);
	assert_non_null(tb[ZAB_A_PEERS]);
	assert_true(tb[ZAB_A_PEERS]->nla_type & NLA_F_NESTED);
	nla_for_each_nested(pos, tb[ZAB_A_PEERS], rem) {
		assert_int_equal(nla_type(pos), ZAB_A_PEER);
		assert_true(pos->nla_type & NLA_F_NESTED);
		assert_int_equal(nla_parse_nested(ptb, ZAB_PEER_A_MAX, pos, NULL), 0);
		assert_int_equal(nla_get_u32(ptb[ZAB_PEER_A_ID]), peers[n].id);
		assert_int_equal((int32_t)nla_get_u32(ptb[ZAB_PEER_A_FD]), peers[n].fd);
		assert_int_equal(nla_get_u64(ptb[ZAB_PEER_A_LAST_ZXID]), peers[n].last_zxid);
		n++;
	}
	assert_int_equal(n, 2);
	nlmsg_free(msg);
}

static void test_build_overlong_name(void **state)
{
	struct nl_msg *msg;
	char *name;

	(void)state;
	/* only reachable with --no-check: too long for any message */
	name = malloc(1 << 16);
	assert_non_null(name);
	memset(name, 'a', (1 << 16) - 1);
	name[(1 << 16) - 1] = '\0';
	msg = zab_msg_new(FAMILY, ZAB_CMD_NEW, 0);
	assert_non_null(msg);
	assert_int_equal(zab_msg_put_name(msg, name), -EMSGSIZE);
	nlmsg_free(msg);
	free(name);
}

/*
 * An NLMSG_ERROR as the kernel sends it: struct nlmsgerr, then (unless
 * capped) the request's payload, then extended ack attributes.
 */
static struct nl_msg *error_msg(int error, int flags, const char *payload,
				size_t payload_len, const char *text)
{
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	struct nlmsgerr e = { .error = error };

	assert_non_null(msg);
	e.msg.nlmsg_len = NLMSG_HDRLEN + payload_len;
	e.msg.nlmsg_type = FAMILY;
	assert_int_equal(nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO), 0);
	if (payload_len)
		assert_int_equal(nlmsg_append(msg, (void *)payload, payload_len,
					      NLMSG_ALIGNTO), 0);
	if (text) {
		assert_int_equal(nla_put_u32(msg, NLMSGERR_ATTR_OFFS, 20), 0);
		assert_int_equal(nla_put_string(msg, NLMSGERR_ATTR_MSG, text), 0);
	}
	return msg;
}

static void test_ack_error_capped(void **state)
{
	struct nl_msg *msg;
	char extack[128] = "stale";

	(void)state;
	msg = error_msg(-EEXIST, NLM_F_CAPPED | NLM_F_ACK_TLVS, NULL, 0,
			"instance name already in use");
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -EEXIST);
	assert_string_equal(extack, "instance name already in use");
	nlmsg_free(msg);
}

static void test_ack_error_with_request(void **state)
{
	struct nl_msg *msg;
	char extack[128];

	(void)state;
	/* an unaligned 6-byte request payload is padded before the TLVs */
	msg = error_msg(-EINVAL, NLM_F_ACK_TLVS, "\x04\x00\x01\x00\x61\x00", 6,
			"bad tickTime");
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -EINVAL);
	assert_string_equal(extack, "bad tickTime");
	nlmsg_free(msg);
}

static void test_ack_error_without_message(void **state)
{
	struct nl_msg *msg;
	char extack[128] = "stale";

	(void)state;
	msg = error_msg(-ENODEV, NLM_F_CAPPED, NULL, 0, NULL);
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -ENODEV);
	assert_string_equal(extack, "");
	nlmsg_free(msg);

	/* TLVs present but NLM_F_ACK_TLVS not set: not trusted */
	msg = error_msg(-ENODEV, NLM_F_CAPPED, NULL, 0, "ignored");
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -ENODEV);
	assert_string_equal(extack, "");
	nlmsg_free(msg);

	/* a plain ack */
	msg = error_msg(0, NLM_F_CAPPED, NULL, 0, NULL);
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)), 0);
	nlmsg_free(msg);
}

static void test_ack_error_malformed(void **state)
{
	struct nl_msg *msg;
	char extack[16];
	int error = -EPERM;

	(void)state;
	/* shorter than struct nlmsgerr */
	msg = nlmsg_alloc_simple(NLMSG_ERROR, 0);
	assert_int_equal(nlmsg_append(msg, &error, sizeof(error), NLMSG_ALIGNTO), 0);
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -EPROTO);
	nlmsg_free(msg);

	/* message without its NUL */
	msg = error_msg(-EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, NULL, 0, NULL);
	assert_int_equal(nla_put(msg, NLMSGERR_ATTR_MSG, 3, "abc"), 0);
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -EPERM);
	assert_string_equal(extack, "");
	nlmsg_free(msg);

	/* request length claiming more than the message holds */
	msg = error_msg(-EPERM, NLM_F_ACK_TLVS, NULL, 0, "x");
	((struct nlmsgerr *)nlmsg_data(nlmsg_hdr(msg)))->msg.nlmsg_len = 4096;
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -EPERM);
	assert_string_equal(extack, "");
	nlmsg_free(msg);

	/* a long message is cut to the buffer */
	msg = error_msg(-EPERM, NLM_F_CAPPED | NLM_F_ACK_TLVS, NULL, 0,
			"a very long message from the kernel");
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -EPERM);
	assert_string_equal(extack, "a very long mes");
	nlmsg_free(msg);
}

static void test_done(void **state)
{
	struct nl_msg *msg;
	char extack[64];
	int status = -ENOBUFS;

	(void)state;
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	assert_int_equal(nlmsg_append(msg, &status, sizeof(status), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_string(msg, NLMSGERR_ATTR_MSG, "dump failed"), 0);
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)),
			 -ENOBUFS);
	assert_string_equal(extack, "dump failed");
	nlmsg_free(msg);

	status = 0;
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	assert_int_equal(nlmsg_append(msg, &status, sizeof(status), NLMSG_ALIGNTO), 0);
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)), 0);
	assert_string_equal(extack, "");
	nlmsg_free(msg);

	/* old kernels end dumps without a status */
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	assert_int_equal(zab_msg_ack_error(nlmsg_hdr(msg), extack, sizeof(extack)), 0);
	nlmsg_free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_info),
		cmocka_unit_test(test_parse_info_minimal),
		cmocka_unit_test(test_parse_info_malformed),
		cmocka_unit_test(test_parse_event),
		cmocka_unit_test(test_parse_event_malformed),
		cmocka_unit_test(test_build_create),
		cmocka_unit_test(test_build_dump),
		cmocka_unit_test(test_build_peers),
		cmocka_unit_test(test_build_overlong_name),
		cmocka_unit_test(test_ack_error_capped),
		cmocka_unit_test(test_ack_error_with_request),
		cmocka_unit_test(test_ack_error_without_message),
		cmocka_unit_test(test_ack_error_malformed),
		cmocka_unit_test(test_done),
	};

	return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}
