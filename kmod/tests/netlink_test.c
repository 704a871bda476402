// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the "zab" generic netlink family (kmod/netlink.c): every command's
 * policy accepts and refuses what uapi/linux/zab.h says, the command table
 * is consistent, parameters are checked against each other, and an instance
 * is described in full. The family is not registered: the policies are run
 * with the same strict validation generic netlink applies.
 */
#include <kunit/test.h>

#include "kmod/netlink.c"
#include "kmod/tests/fakes.h"

enum nl_kind { NL_NONE, NL_U8, NL_U32, NL_S32, NL_U64, NL_STR, NL_RAW, NL_PEER };

/**
 * struct nl_attr - one attribute of a test message
 * @type: attribute type
 * @kind: how to put it
 * @val: the value; for %NL_RAW, its length; for %NL_PEER, the peer id
 * @fd: for %NL_PEER, the peer fd
 * @str: for %NL_STR (put with its NUL) and %NL_RAW (put without)
 */
struct nl_attr {
	u16 type;
	u8 kind;
	s64 val;
	s32 fd;
	const char *str;
};

struct nl_case {
	const char *desc;
	u8 cmd;
	bool ok;
	struct nl_attr a[4];
};

#define NAME(s)		{ ZAB_A_NAME, NL_STR, 0, 0, s }
#define U32(t, v)	{ t, NL_U32, v }
#define S32(t, v)	{ t, NL_S32, v }
#define U64(t, v)	{ t, NL_U64, v }
#define U8(t, v)	{ t, NL_U8, v }
#define PEER(id, fd)	{ ZAB_A_PEERS, NL_PEER, id, fd }
#define RAW(t, s, n)	{ t, NL_RAW, n, 0, s }

#define NAME31	"abcdefghijklmnopqrstuvwxyz01234"
#define NAME32	"abcdefghijklmnopqrstuvwxyz012345"

static const struct nl_case nl_cases[] = {
	{ "new: name and id", ZAB_CMD_NEW, true, { NAME("orders"), U32(ZAB_A_MYID, 1) } },
	{ "new: id 255", ZAB_CMD_NEW, true, { NAME("a"), U32(ZAB_A_MYID, ZAB_ID_MAX) } },
	{ "new: id 0", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_MYID, 0) } },
	{ "new: id 256", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_MYID, 256) } },
	{ "new: id of 1 byte", ZAB_CMD_NEW, false, { NAME("a"), RAW(ZAB_A_MYID, "\x01", 1) } },
	{ "new: id of 8 bytes", ZAB_CMD_NEW, false, { NAME("a"), U64(ZAB_A_MYID, 1) } },
	{ "new: name of 31 bytes", ZAB_CMD_NEW, true, { NAME(NAME31), U32(ZAB_A_MYID, 1) } },
	{ "new: name of 32 bytes", ZAB_CMD_NEW, false, { NAME(NAME32), U32(ZAB_A_MYID, 1) } },
	{ "new: name without NUL", ZAB_CMD_NEW, false,
	  { RAW(ZAB_A_NAME, "abc", 3), U32(ZAB_A_MYID, 1) } },
	{ "new: tickTime 9", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_TICK_MS, 9) } },
	{ "new: tickTime 10", ZAB_CMD_NEW, true, { NAME("a"), U32(ZAB_A_TICK_MS, 10) } },
	{ "new: tickTime 60000", ZAB_CMD_NEW, true, { NAME("a"), U32(ZAB_A_TICK_MS, 60000) } },
	{ "new: tickTime 60001", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_TICK_MS, 60001) } },
	{ "new: syncLimit 0", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_SYNC_LIMIT, 0) } },
	{ "new: syncLimit 1", ZAB_CMD_NEW, true, { NAME("a"), U32(ZAB_A_SYNC_LIMIT, 1) } },
	{ "new: syncLimit 1000", ZAB_CMD_NEW, true, { NAME("a"), U32(ZAB_A_SYNC_LIMIT, 1000) } },
	{ "new: syncLimit 1001", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_SYNC_LIMIT, 1001) } },
	{ "new: initLimit 0", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_INIT_LIMIT, 0) } },
	{ "new: initLimit 1001", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_INIT_LIMIT, 1001) } },
	{ "new: windowBytes 64K-1", ZAB_CMD_NEW, false,
	  { NAME("a"), U32(ZAB_A_WINDOW_BYTES, ZAB_WINDOW_BYTES_MIN - 1) } },
	{ "new: windowBytes 64K", ZAB_CMD_NEW, true,
	  { NAME("a"), U32(ZAB_A_WINDOW_BYTES, ZAB_WINDOW_BYTES_MIN) } },
	{ "new: windowBytes 4G-1", ZAB_CMD_NEW, true,
	  { NAME("a"), U32(ZAB_A_WINDOW_BYTES, U32_MAX) } },
	{ "new: maxRecordSize 0", ZAB_CMD_NEW, false, { NAME("a"), U32(ZAB_A_MAX_RECORD, 0) } },
	{ "new: maxRecordSize 1", ZAB_CMD_NEW, true, { NAME("a"), U32(ZAB_A_MAX_RECORD, 1) } },
	{ "new: maxRecordSize 16M", ZAB_CMD_NEW, true,
	  { NAME("a"), U32(ZAB_A_MAX_RECORD, ZAB_MAX_RECORD_LIMIT) } },
	{ "new: maxRecordSize 16M+1", ZAB_CMD_NEW, false,
	  { NAME("a"), U32(ZAB_A_MAX_RECORD, ZAB_MAX_RECORD_LIMIT + 1) } },
	{ "new: a state attribute", ZAB_CMD_NEW, false, { NAME("a"), U8(ZAB_A_STATE, 0) } },
	{ "new: an attribute past the policy", ZAB_CMD_NEW, false,
	  { NAME("a"), U32(ZAB_A_MAX_RECORD + 1, 0) } },
	{ "new: an attribute past the family", ZAB_CMD_NEW, false,
	  { NAME("a"), U32(ZAB_A_MAX + 1, 0) } },

	{ "set: every parameter", ZAB_CMD_SET, true,
	  { NAME("a"), U32(ZAB_A_TICK_MS, 200), U32(ZAB_A_SYNC_LIMIT, 5),
	    U32(ZAB_A_WINDOW_BYTES, 1 << 20) } },
	{ "set: tickTime 9", ZAB_CMD_SET, false, { NAME("a"), U32(ZAB_A_TICK_MS, 9) } },
	{ "set: maxRecordSize 16M+1", ZAB_CMD_SET, false,
	  { NAME("a"), U32(ZAB_A_MAX_RECORD, ZAB_MAX_RECORD_LIMIT + 1) } },
	{ "set: the member id", ZAB_CMD_SET, false, { NAME("a"), U32(ZAB_A_MYID, 1) } },

	{ "lead: epoch and members", ZAB_CMD_LEAD, true,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, 3), PEER(2, 3) } },
	{ "lead: epoch 0", ZAB_CMD_LEAD, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 0), U32(ZAB_A_MEMBERS, 1) } },
	{ "lead: epoch 4G-1", ZAB_CMD_LEAD, true,
	  { NAME("a"), U32(ZAB_A_EPOCH, U32_MAX), U32(ZAB_A_MEMBERS, 1) } },
	{ "lead: 0 members", ZAB_CMD_LEAD, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, 0) } },
	{ "lead: 15 members", ZAB_CMD_LEAD, true,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, ZAB_MEMBERS_MAX) } },
	{ "lead: 16 members", ZAB_CMD_LEAD, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, ZAB_MEMBERS_MAX + 1) } },
	{ "lead: history end", ZAB_CMD_LEAD, true,
	  { NAME("a"), U32(ZAB_A_EPOCH, 2), U32(ZAB_A_MEMBERS, 1),
	    U64(ZAB_A_LAST_ZXID, ZAB_ZXID(1, 5)) } },
	{ "lead: history end of 4 bytes", ZAB_CMD_LEAD, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 2), U32(ZAB_A_MEMBERS, 1), U32(ZAB_A_LAST_ZXID, 5) } },
	{ "lead: peer id 0", ZAB_CMD_LEAD, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, 3), PEER(0, 3) } },
	{ "lead: peer id 256", ZAB_CMD_LEAD, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, 3), PEER(256, 3) } },
	{ "lead: peer fd -1", ZAB_CMD_LEAD, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, 3), PEER(2, -1) } },
	{ "lead: a peer that is not nested", ZAB_CMD_LEAD, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, 3), U32(ZAB_A_PEERS, 2) } },

	{ "follow: leader and fd", ZAB_CMD_FOLLOW, true,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_LEADER, 2), S32(ZAB_A_FD, 0) } },
	{ "follow: leader 0", ZAB_CMD_FOLLOW, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_LEADER, 0), S32(ZAB_A_FD, 3) } },
	{ "follow: leader 256", ZAB_CMD_FOLLOW, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_LEADER, 256), S32(ZAB_A_FD, 3) } },
	{ "follow: fd -1", ZAB_CMD_FOLLOW, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_LEADER, 2), S32(ZAB_A_FD, -1) } },
	{ "follow: epoch 0", ZAB_CMD_FOLLOW, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 0), U32(ZAB_A_LEADER, 2), S32(ZAB_A_FD, 3) } },
	{ "follow: members 3", ZAB_CMD_FOLLOW, true,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, 3) } },
	{ "follow: members 1", ZAB_CMD_FOLLOW, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_MEMBERS, 1) } },
	{ "follow: hold acks", ZAB_CMD_FOLLOW, true,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), RAW(ZAB_A_HOLD_ACKS, "", 0) } },
	{ "follow: hold acks with a value", ZAB_CMD_FOLLOW, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_HOLD_ACKS, 1) } },
	{ "follow: a pad", ZAB_CMD_FOLLOW, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 1), U32(ZAB_A_PAD, 1) } },

	{ "synced: epoch", ZAB_CMD_SYNCED, true, { NAME("a"), U32(ZAB_A_EPOCH, 2) } },
	{ "synced: epoch 0", ZAB_CMD_SYNCED, false, { NAME("a"), U32(ZAB_A_EPOCH, 0) } },
	{ "synced: a leader", ZAB_CMD_SYNCED, false,
	  { NAME("a"), U32(ZAB_A_EPOCH, 2), U32(ZAB_A_LEADER, 1) } },

	{ "drop peer: an id", ZAB_CMD_DROP_PEER, true, { NAME("a"), U32(ZAB_A_PEER_ID, 2) } },
	{ "drop peer: id 255", ZAB_CMD_DROP_PEER, true,
	  { NAME("a"), U32(ZAB_A_PEER_ID, ZAB_ID_MAX) } },
	{ "drop peer: id 0", ZAB_CMD_DROP_PEER, false, { NAME("a"), U32(ZAB_A_PEER_ID, 0) } },
	{ "drop peer: id 256", ZAB_CMD_DROP_PEER, false,
	  { NAME("a"), U32(ZAB_A_PEER_ID, 256) } },
	{ "drop peer: id of 8 bytes", ZAB_CMD_DROP_PEER, false,
	  { NAME("a"), U64(ZAB_A_PEER_ID, 2) } },
	{ "drop peer: an epoch", ZAB_CMD_DROP_PEER, false,
	  { NAME("a"), U32(ZAB_A_PEER_ID, 2), U32(ZAB_A_EPOCH, 1) } },

	{ "add follower: a peer", ZAB_CMD_ADD_FOLLOWER, true, { NAME("a"), PEER(4, 7) } },
	{ "add follower: an epoch", ZAB_CMD_ADD_FOLLOWER, false,
	  { NAME("a"), PEER(4, 7), U32(ZAB_A_EPOCH, 1) } },

	{ "del: name", ZAB_CMD_DEL, true, { NAME("a") } },
	{ "del: name and id", ZAB_CMD_DEL, false, { NAME("a"), U32(ZAB_A_MYID, 1) } },
	{ "get: name", ZAB_CMD_GET, true, { NAME("a") } },
	{ "get: nothing", ZAB_CMD_GET, true, {} },
	{ "stop: name", ZAB_CMD_STOP, true, { NAME("a") } },
	{ "stop: epoch", ZAB_CMD_STOP, false, { NAME("a"), U32(ZAB_A_EPOCH, 1) } },
	{ "log: fsync", ZAB_CMD_LOG, true,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_FSYNC) } },
	{ "log: write, 64K segments", ZAB_CMD_LOG, true,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_WRITE),
	    U32(ZAB_A_SEGMENT_BYTES, 64 << 10) } },
	{ "log: memory", ZAB_CMD_LOG, false,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_MEMORY) } },
	{ "log: durability 3", ZAB_CMD_LOG, false,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, 3) } },
	{ "log: fd -1", ZAB_CMD_LOG, false,
	  { NAME("a"), S32(ZAB_A_DIR_FD, -1), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_FSYNC) } },
	{ "log: segments of 32K", ZAB_CMD_LOG, false,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_FSYNC),
	    U32(ZAB_A_SEGMENT_BYTES, 32 << 10) } },
	{ "log: sequence 0", ZAB_CMD_LOG, false,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_FSYNC),
	    U64(ZAB_A_SEGMENT_SEQ, 0) } },
	{ "log: format 2", ZAB_CMD_LOG, true,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_FSYNC),
	    U8(ZAB_A_LOG_FORMAT, 2) } },
	{ "log: format 0", ZAB_CMD_LOG, false,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_FSYNC),
	    U8(ZAB_A_LOG_FORMAT, 0) } },
	{ "log: format 3", ZAB_CMD_LOG, false,
	  { NAME("a"), S32(ZAB_A_DIR_FD, 3), U8(ZAB_A_DURABILITY, ZAB_DURABILITY_FSYNC),
	    U8(ZAB_A_LOG_FORMAT, 3) } },
};

static void nl_case_desc(const struct nl_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nl, nl_cases, nl_case_desc);

static const struct genl_ops *op_of(u8 cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(zab_ops); i++)
		if (zab_ops[i].cmd == cmd)
			return &zab_ops[i];
	return NULL;
}

/* Test resources: freed when the test case ends, however it ends. */
static int res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void skb_res_free(struct kunit_resource *res)
{
	kfree_skb(res->data);
}

static struct sk_buff *test_skb(struct kunit *test, struct sk_buff *skb)
{
	KUNIT_ASSERT_NOT_NULL(test, skb);
	if (!kunit_alloc_resource(test, res_init, skb_res_free, GFP_KERNEL, skb)) {
		kfree_skb(skb);
		KUNIT_ASSERT_FAILURE(test, "no memory for a test resource");
	}
	return skb;
}

static void put_attrs(struct kunit *test, struct sk_buff *skb,
		      const struct nl_attr *a, unsigned int n)
{
	struct nlattr *peers, *peer;
	unsigned int i;
	int err = 0;

	for (i = 0; i < n && a[i].kind != NL_NONE; i++) {
		switch (a[i].kind) {
		case NL_U8:
			err = nla_put_u8(skb, a[i].type, a[i].val);
			break;
		case NL_U32:
			err = nla_put_u32(skb, a[i].type, a[i].val);
			break;
		case NL_S32:
			err = nla_put_s32(skb, a[i].type, a[i].val);
			break;
		case NL_U64:
			err = nla_put_u64_64bit(skb, a[i].type, a[i].val, ZAB_A_PAD);
			break;
		case NL_STR:
			err = nla_put_string(skb, a[i].type, a[i].str);
			break;
		case NL_RAW:
			err = nla_put(skb, a[i].type, a[i].val, a[i].str);
			break;
		case NL_PEER:
			peers = nla_nest_start(skb, a[i].type);
			peer = peers ? nla_nest_start(skb, ZAB_A_PEER) : NULL;
			err = !peer ||
			      nla_put_u32(skb, ZAB_PEER_A_ID, a[i].val) ||
			      nla_put_s32(skb, ZAB_PEER_A_FD, a[i].fd);
			if (!err) {
				nla_nest_end(skb, peer);
				nla_nest_end(skb, peers);
			}
			break;
		}
		KUNIT_ASSERT_EQ(test, err, 0);
	}
}

/* What generic netlink does with a request's attributes: strict parsing. */
static int parse_as(const struct genl_ops *op, struct sk_buff *skb,
		    struct nlattr **tb, struct netlink_ext_ack *extack)
{
	return nla_parse(tb, op->maxattr, (struct nlattr *)skb->data, skb->len,
			 op->policy, extack);
}

static void nl_policy(struct kunit *test)
{
	const struct nl_case *c = test->param_value;
	const struct genl_ops *op = op_of(c->cmd);
	struct nlattr *tb[ZAB_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct sk_buff *skb = test_skb(test, alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL));
	int err;

	KUNIT_ASSERT_NOT_NULL(test, op);
	put_attrs(test, skb, c->a, ARRAY_SIZE(c->a));
	err = parse_as(op, skb, tb, &extack);
	if (c->ok) {
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "refused: %s",
				    extack._msg ?: "(no message)");
	} else {
		KUNIT_EXPECT_LT(test, err, 0);
		/* a refusal points at the attribute at fault */
		KUNIT_EXPECT_TRUE(test, extack.bad_attr || extack._msg);
	}
}

/* The command table: every command once, each with a policy, all admin. */
static void nl_ops(struct kunit *test)
{
	unsigned int i, j;
	u8 cmd;

	/* NEW to STOP, LOG, SYNCED, PROGRESS, COUNT and DROP_PEER */
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(zab_ops), ZAB_CMD_STOP - ZAB_CMD_NEW + 6);
	for (cmd = ZAB_CMD_NEW; cmd <= ZAB_CMD_STOP; cmd++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, op_of(cmd), "command %u", cmd);
	KUNIT_EXPECT_NOT_NULL(test, op_of(ZAB_CMD_LOG));
	KUNIT_EXPECT_NOT_NULL(test, op_of(ZAB_CMD_SYNCED));
	KUNIT_EXPECT_NOT_NULL(test, op_of(ZAB_CMD_PROGRESS));
	KUNIT_EXPECT_NOT_NULL(test, op_of(ZAB_CMD_COUNT));
	KUNIT_EXPECT_NOT_NULL(test, op_of(ZAB_CMD_DROP_PEER));
	/* a daemon adds to the counters only it sees, and to no other */
	for (i = ZAB_STAT_UNSPEC; i <= ZAB_STAT_MAX; i++)
		KUNIT_EXPECT_EQ_MSG(test, zab_daemon_stats_policy[i].type,
				    i == ZAB_STAT_AUTH_FAILURES ? NLA_U64 : NLA_UNSPEC,
				    "counter %u", i);
	KUNIT_EXPECT_NULL(test, op_of(ZAB_CMD_UNSPEC));
	/* events are the kernel's to send */
	KUNIT_EXPECT_NULL(test, op_of(ZAB_CMD_EVENT));

	for (i = 0; i < ARRAY_SIZE(zab_ops); i++) {
		const struct genl_ops *op = &zab_ops[i];

		KUNIT_EXPECT_TRUE_MSG(test, op->flags & GENL_ADMIN_PERM,
				      "command %u", op->cmd);
		KUNIT_EXPECT_NOT_NULL(test, op->policy);
		KUNIT_EXPECT_GE(test, op->maxattr, ZAB_A_NAME);
		KUNIT_EXPECT_LE(test, op->maxattr, zab_family.maxattr);
		/* the commands since resv_start_op get genetlink's strictest checks */
		KUNIT_EXPECT_TRUE_MSG(test, op->cmd < zab_family.resv_start_op ||
				      op->cmd >= ZAB_CMD_PROGRESS, "command %u", op->cmd);
		KUNIT_EXPECT_NOT_NULL(test, op->doit);
		/* every command but NEW names an existing instance */
		KUNIT_EXPECT_EQ(test, !!(op->internal_flags & ZAB_NLF_INSTANCE),
				op->cmd != ZAB_CMD_NEW);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_NE(test, zab_ops[j].cmd, op->cmd);
	}
	KUNIT_EXPECT_NOT_NULL(test, op_of(ZAB_CMD_GET)->dumpit);
	KUNIT_EXPECT_STREQ(test, zab_family.name, ZAB_GENL_NAME);
	KUNIT_EXPECT_EQ(test, zab_family.version, ZAB_GENL_VERSION);
	KUNIT_EXPECT_EQ(test, zab_family.maxattr, ZAB_A_MAX);
	KUNIT_EXPECT_TRUE(test, zab_family.netnsok);
	KUNIT_EXPECT_EQ(test, zab_family.n_mcgrps, 1);
	KUNIT_EXPECT_STREQ(test, zab_family.mcgrps[0].name, ZAB_MCGRP_EVENTS);
}

/* Parameters are checked against each other after the policy. */
static void nl_params_cross_check(struct kunit *test)
{
	const struct genl_ops *op = op_of(ZAB_CMD_SET);
	struct nlattr *tb[ZAB_A_MAX + 1];
	struct netlink_ext_ack extack = {};
	struct genl_info info = { .attrs = tb, .extack = &extack };
	struct zab_params p;
	struct sk_buff *skb;

	/* a window that cannot hold the default maxRecordSize (1M) twice */
	skb = test_skb(test, alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_A_WINDOW_BYTES, 1 << 20), 0);
	KUNIT_ASSERT_EQ(test, parse_as(op, skb, tb, &extack), 0);
	zab_params_default(&p);
	KUNIT_EXPECT_EQ(test, params_from_attrs(&info, &p), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, (const struct nlattr *)extack.bad_attr,
			    (const struct nlattr *)tb[ZAB_A_WINDOW_BYTES]);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);

	/* both given: the record size is the one at fault */
	memset(&extack, 0, sizeof(extack));
	skb = test_skb(test, alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_A_WINDOW_BYTES, 1 << 17), 0);
	KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_A_MAX_RECORD, (1 << 16) + 1), 0);
	KUNIT_ASSERT_EQ(test, parse_as(op, skb, tb, &extack), 0);
	zab_params_default(&p);
	KUNIT_EXPECT_EQ(test, params_from_attrs(&info, &p), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, (const struct nlattr *)extack.bad_attr,
			    (const struct nlattr *)tb[ZAB_A_MAX_RECORD]);

	/* half the window is fine, and every value given is applied */
	memset(&extack, 0, sizeof(extack));
	skb = test_skb(test, alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_A_WINDOW_BYTES, 1 << 17), 0);
	KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_A_MAX_RECORD, 1 << 16), 0);
	KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_A_TICK_MS, 50), 0);
	KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_A_SYNC_LIMIT, 2), 0);
	KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_A_INIT_LIMIT, 3), 0);
	KUNIT_ASSERT_EQ(test, parse_as(op, skb, tb, &extack), 0);
	zab_params_default(&p);
	KUNIT_EXPECT_EQ(test, params_from_attrs(&info, &p), 0);
	KUNIT_EXPECT_EQ(test, p.window_bytes, 1 << 17);
	KUNIT_EXPECT_EQ(test, p.max_record, 1 << 16);
	KUNIT_EXPECT_EQ(test, p.tick_ms, 50);
	KUNIT_EXPECT_EQ(test, p.sync_limit, 2);
	KUNIT_EXPECT_EQ(test, p.init_limit, 3);

	/* nothing given changes nothing */
	skb = test_skb(test, alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, parse_as(op, skb, tb, &extack), 0);
	zab_params_default(&p);
	KUNIT_EXPECT_EQ(test, params_from_attrs(&info, &p), 0);
	KUNIT_EXPECT_EQ(test, p.tick_ms, ZAB_TICK_MS_DEFAULT);
	KUNIT_EXPECT_EQ(test, p.max_record, ZAB_MAX_RECORD_DEFAULT);
}

struct peer_def {
	u16 type;	/* ZAB_A_PEER, unless testing another */
	u32 id;
	s32 fd;		/* -1: none given */
	u64 last;	/* 0: none given */
};

/* parse_peers() on a LEAD request with these peers, for member 1. */
static int peers_of(struct kunit *test, const struct peer_def *d, unsigned int nd,
		    struct zab_peer_spec *specs, unsigned int *n)
{
	const struct genl_ops *op = op_of(ZAB_CMD_LEAD);
	struct nlattr **tb = kunit_kcalloc(test, ZAB_A_MAX + 1, sizeof(*tb), GFP_KERNEL);
	struct netlink_ext_ack extack = {};
	struct genl_info info = { .attrs = tb, .extack = &extack };
	struct zab_instance *zi = kunit_kzalloc(test, sizeof(*zi), GFP_KERNEL);
	struct sk_buff *skb = test_skb(test, alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL));
	struct nlattr *peers, *peer;
	unsigned int i;
	int err = 0;

	KUNIT_ASSERT_NOT_NULL(test, tb);
	KUNIT_ASSERT_NOT_NULL(test, zi);
	zi->myid = 1;
	peers = nd ? nla_nest_start(skb, ZAB_A_PEERS) : NULL;
	for (i = 0; i < nd; i++) {
		peer = nla_nest_start(skb, d[i].type);
		KUNIT_ASSERT_NOT_NULL(test, peer);
		KUNIT_ASSERT_EQ(test, nla_put_u32(skb, ZAB_PEER_A_ID, d[i].id), 0);
		if (d[i].fd >= 0)
			KUNIT_ASSERT_EQ(test, nla_put_s32(skb, ZAB_PEER_A_FD, d[i].fd), 0);
		if (d[i].last)
			err = nla_put_u64_64bit(skb, ZAB_PEER_A_LAST_ZXID, d[i].last,
						ZAB_PEER_A_PAD);
		KUNIT_ASSERT_EQ(test, err, 0);
		nla_nest_end(skb, peer);
	}
	if (peers)
		nla_nest_end(skb, peers);
	KUNIT_ASSERT_EQ(test, parse_as(op, skb, tb, &extack), 0);
	return parse_peers(&info, zi, specs, n);
}

static void nl_parse_peers(struct kunit *test)
{
	static const struct peer_def two[] = {
		{ ZAB_A_PEER, 2, 10, 0 }, { ZAB_A_PEER, 3, 11, ZAB_ZXID(1, 4) },
	};
	static const struct peer_def own[] = { { ZAB_A_PEER, 1, 10, 0 } };
	static const struct peer_def same_id[] = {
		{ ZAB_A_PEER, 2, 10, 0 }, { ZAB_A_PEER, 2, 11, 0 },
	};
	static const struct peer_def same_fd[] = {
		{ ZAB_A_PEER, 2, 10, 0 }, { ZAB_A_PEER, 3, 10, 0 },
	};
	static const struct peer_def no_fd[] = { { ZAB_A_PEER, 2, -1, 0 } };
	static const struct peer_def other_type[] = { { ZAB_A_PEER + 1, 2, 10, 0 } };
	struct zab_peer_spec specs[ZAB_MEMBERS_MAX - 1];
	struct peer_def many[ZAB_MEMBERS_MAX];
	unsigned int i, n;

	KUNIT_EXPECT_EQ(test, peers_of(test, NULL, 0, specs, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 0);

	KUNIT_ASSERT_EQ(test, peers_of(test, two, 2, specs, &n), 0);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_EQ(test, specs[0].id, 2);
	KUNIT_EXPECT_EQ(test, specs[0].fd, 10);
	KUNIT_EXPECT_EQ(test, specs[0].last_zxid, 0);
	KUNIT_EXPECT_EQ(test, specs[1].id, 3);
	KUNIT_EXPECT_EQ(test, specs[1].fd, 11);
	KUNIT_EXPECT_EQ(test, specs[1].last_zxid, ZAB_ZXID(1, 4));

	KUNIT_EXPECT_EQ(test, peers_of(test, own, 1, specs, &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, peers_of(test, same_id, 2, specs, &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, peers_of(test, same_fd, 2, specs, &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, peers_of(test, no_fd, 1, specs, &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, peers_of(test, other_type, 1, specs, &n), -EINVAL);

	/* as many followers as an ensemble has, and not one more */
	for (i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct peer_def){ ZAB_A_PEER, i + 2, i + 10, 0 };
	KUNIT_EXPECT_EQ(test, peers_of(test, many, ZAB_MEMBERS_MAX - 1, specs, &n), 0);
	KUNIT_EXPECT_EQ(test, n, ZAB_MEMBERS_MAX - 1);
	KUNIT_EXPECT_EQ(test, peers_of(test, many, ZAB_MEMBERS_MAX, specs, &n), -E2BIG);
}

static void instance_res_free(struct kunit_resource *res)
{
	zab_instance_destroy(res->data);
	zab_instance_put(res->data);
}

/* A GET reply carries everything uapi/linux/zab.h lists. */
static void nl_fill_instance(struct kunit *test)
{
	struct nlattr *tb[ZAB_A_MAX + 1], *stats[ZAB_STAT_MAX + 1];
	struct zab_instance *zi;
	struct zab_params p;
	struct sk_buff *skb;
	int i, rem, n = 0;
	struct nlattr *a;

	zab_params_default(&p);
	p.tick_ms = 250;
	zi = zab_instance_create(&init_net, "kt-fill", 9, &p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, zi);
	if (!kunit_alloc_resource(test, res_init, instance_res_free, GFP_KERNEL, zi)) {
		zab_instance_destroy(zi);
		zab_instance_put(zi);
		KUNIT_ASSERT_FAILURE(test, "no memory for a test resource");
	}
	zab_stat_add(zi, ZAB_STAT_WRITES, 5);
	zab_stat_add(zi, ZAB_STAT_BAD_FRAMES, 1ULL << 40);

	skb = test_skb(test, nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, fill_instance(skb, zi, 0, 1, 0), 0);
	KUNIT_ASSERT_EQ(test, nlmsg_parse(nlmsg_hdr(skb), GENL_HDRLEN, tb, ZAB_A_MAX,
					  NULL, NULL), 0);

	KUNIT_ASSERT_NOT_NULL(test, tb[ZAB_A_NAME]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[ZAB_A_NAME]), "kt-fill");
	for (i = ZAB_A_MYID; i <= ZAB_A_PEERS; i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, tb[i], "attribute %d", i);
	if (!tb[ZAB_A_PEERS] || !tb[ZAB_A_STATS] || !tb[ZAB_A_MAX_RECORD])
		return;
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[ZAB_A_MYID]), 9);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[ZAB_A_STATE]), ZAB_STATE_LOOKING);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[ZAB_A_EPOCH]), 0);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[ZAB_A_LEADER]), 0);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[ZAB_A_LAST_ZXID]), 0);
	KUNIT_EXPECT_EQ(test, nla_get_u64(tb[ZAB_A_COMMIT_ZXID]), 0);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[ZAB_A_TICK_MS]), 250);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[ZAB_A_SYNC_LIMIT]), ZAB_SYNC_LIMIT_DEFAULT);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[ZAB_A_INIT_LIMIT]), ZAB_INIT_LIMIT_DEFAULT);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[ZAB_A_WINDOW_BYTES]), ZAB_WINDOW_BYTES_DEFAULT);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[ZAB_A_MAX_RECORD]), ZAB_MAX_RECORD_DEFAULT);

	KUNIT_ASSERT_EQ(test, nla_parse_nested(stats, ZAB_STAT_MAX, tb[ZAB_A_STATS],
					       NULL, NULL), 0);
	for (i = ZAB_STAT_WRITES; i <= ZAB_STAT_BAD_FRAMES; i++) {
		KUNIT_EXPECT_NOT_NULL_MSG(test, stats[i], "stat %d", i);
		if (stats[i])
			KUNIT_EXPECT_EQ(test, nla_len(stats[i]), sizeof(u64));
	}
	if (stats[ZAB_STAT_WRITES] && stats[ZAB_STAT_BAD_FRAMES]) {
		KUNIT_EXPECT_EQ(test, nla_get_u64(stats[ZAB_STAT_WRITES]), 5);
		KUNIT_EXPECT_EQ(test, nla_get_u64(stats[ZAB_STAT_BAD_FRAMES]), 1ULL << 40);
	}
	/* a member that is LOOKING has no peers */
	nla_for_each_nested(a, tb[ZAB_A_PEERS], rem)
		n++;
	KUNIT_EXPECT_EQ(test, n, 0);
}

static int nl_init(struct kunit *test)
{
	zab_fakes_reset();
	return 0;
}

static struct kunit_case nl_test_cases[] = {
	KUNIT_CASE_PARAM(nl_policy, nl_gen_params),
	KUNIT_CASE(nl_ops),
	KUNIT_CASE(nl_params_cross_check),
	KUNIT_CASE(nl_parse_peers),
	KUNIT_CASE(nl_fill_instance),
	{}
};

static struct kunit_suite nl_suite = {
	.name = "zab_netlink",
	.init = nl_init,
	.test_cases = nl_test_cases,
};

kunit_test_suite(nl_suite);
