// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the peer wire format (kmod/wire.c). Frame headers from a peer are
 * accepted or refused by type, direction, flags, reserved bits and length;
 * the headers we write parse back to what was put in.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "kmod/wire.c"

/* Which side receives the frame: the leader (from a follower) or not. */
#define AT_LEADER	true
#define AT_FOLLOWER	false

struct parse_case {
	const char *desc;
	bool leader;
	u8 type;
	u8 flags;
	u16 reserved;
	u32 len;
	int err;
	u32 fixed;	/* expected on success */
	u32 payload;	/* expected on success */
};

#define PROP_FIXED	((u32)sizeof(struct zab_proposal))
#define REQ_FIXED	((u32)sizeof(struct zab_request))
#define SYNC_FIXED	((u32)sizeof(struct zab_sync_body))
#define REPLY_FIXED	((u32)sizeof(struct zab_reply))

static const struct parse_case parse_cases[] = {
	/* accepted, each in its own direction */
	{ "proposal 1 byte", AT_FOLLOWER, ZAB_FRAME_PROPOSAL, 0, 0,
	  PROP_FIXED + 1, 0, PROP_FIXED, 1 },
	{ "proposal at the record limit", AT_FOLLOWER, ZAB_FRAME_PROPOSAL, 0, 0,
	  PROP_FIXED + ZAB_MAX_RECORD_LIMIT, 0, PROP_FIXED, ZAB_MAX_RECORD_LIMIT },
	{ "commit", AT_FOLLOWER, ZAB_FRAME_COMMIT, 0, 0, 8, 0, 8, 0 },
	{ "ping from the leader", AT_FOLLOWER, ZAB_FRAME_PING, 0, 0, 8, 0, 8, 0 },
	{ "trunc", AT_FOLLOWER, ZAB_FRAME_TRUNC, 0, 0, 8, 0, 8, 0 },
	{ "snap", AT_FOLLOWER, ZAB_FRAME_SNAP, 0, 0, 8, 0, 8, 0 },
	{ "ack", AT_LEADER, ZAB_FRAME_ACK, 0, 0, 8, 0, 8, 0 },
	{ "request 1 byte", AT_LEADER, ZAB_FRAME_REQUEST, 0, 0,
	  REQ_FIXED + 1, 0, REQ_FIXED, 1 },
	{ "request at the record limit", AT_LEADER, ZAB_FRAME_REQUEST, 0, 0,
	  REQ_FIXED + ZAB_MAX_RECORD_LIMIT, 0, REQ_FIXED, ZAB_MAX_RECORD_LIMIT },
	{ "ping reply", AT_LEADER, ZAB_FRAME_PING, ZAB_PING_REPLY, 0, 8, 0, 8, 0 },
	{ "sync question", AT_LEADER, ZAB_FRAME_SYNC, 0, 0, SYNC_FIXED, 0,
	  SYNC_FIXED, 0 },
	{ "sync answer", AT_FOLLOWER, ZAB_FRAME_SYNC, ZAB_SYNC_REPLY, 0,
	  SYNC_FIXED, 0, SYNC_FIXED, 0 },
	{ "reply", AT_FOLLOWER, ZAB_FRAME_REPLY, 0, 0, REPLY_FIXED, 0,
	  REPLY_FIXED, 0 },
	{ "reply from a follower", AT_LEADER, ZAB_FRAME_REPLY, 0, 0,
	  REPLY_FIXED, -EPROTO },
	{ "reply cut short", AT_FOLLOWER, ZAB_FRAME_REPLY, 0, 0,
	  REPLY_FIXED - 1, -EPROTO },
	{ "reply with a payload", AT_FOLLOWER, ZAB_FRAME_REPLY, 0, 0,
	  REPLY_FIXED + 1, -EPROTO },
	{ "reply flag 0x01", AT_FOLLOWER, ZAB_FRAME_REPLY, 0x01, 0,
	  REPLY_FIXED, -EPROTO },

	/* the wrong direction */
	{ "proposal from a follower", AT_LEADER, ZAB_FRAME_PROPOSAL, 0, 0,
	  PROP_FIXED + 1, -EPROTO },
	{ "commit from a follower", AT_LEADER, ZAB_FRAME_COMMIT, 0, 0, 8, -EPROTO },
	{ "trunc from a follower", AT_LEADER, ZAB_FRAME_TRUNC, 0, 0, 8, -EPROTO },
	{ "snap from a follower", AT_LEADER, ZAB_FRAME_SNAP, 0, 0, 8, -EPROTO },
	{ "ping request from a follower", AT_LEADER, ZAB_FRAME_PING, 0, 0, 8, -EPROTO },
	{ "ack from the leader", AT_FOLLOWER, ZAB_FRAME_ACK, 0, 0, 8, -EPROTO },
	{ "request from the leader", AT_FOLLOWER, ZAB_FRAME_REQUEST, 0, 0,
	  REQ_FIXED + 1, -EPROTO },
	{ "ping reply from the leader", AT_FOLLOWER, ZAB_FRAME_PING,
	  ZAB_PING_REPLY, 0, 8, -EPROTO },
	{ "sync question from the leader", AT_FOLLOWER, ZAB_FRAME_SYNC, 0, 0,
	  SYNC_FIXED, -EPROTO },
	{ "sync answer from a follower", AT_LEADER, ZAB_FRAME_SYNC,
	  ZAB_SYNC_REPLY, 0, SYNC_FIXED, -EPROTO },

	/* unknown types */
	{ "type 0 at the leader", AT_LEADER, 0, 0, 0, 8, -EPROTO },
	{ "type 0 at a follower", AT_FOLLOWER, 0, 0, 0, 8, -EPROTO },
	{ "type 10 at the leader", AT_LEADER, ZAB_FRAME_REPLY + 1, 0, 0, 8, -EPROTO },
	{ "type 10 at a follower", AT_FOLLOWER, ZAB_FRAME_REPLY + 1, 0, 0, 8,
	  -EPROTO },
	{ "type 255", AT_FOLLOWER, 255, 0, 0, 8, -EPROTO },

	/* unknown flags */
	{ "proposal flag 0x01", AT_FOLLOWER, ZAB_FRAME_PROPOSAL, 0x01, 0,
	  PROP_FIXED + 1, -EPROTO },
	{ "commit flag 0x80", AT_FOLLOWER, ZAB_FRAME_COMMIT, 0x80, 0, 8, -EPROTO },
	{ "trunc flag 0x01", AT_FOLLOWER, ZAB_FRAME_TRUNC, 0x01, 0, 8, -EPROTO },
	{ "snap flag 0x01", AT_FOLLOWER, ZAB_FRAME_SNAP, 0x01, 0, 8, -EPROTO },
	{ "ack flag 0x01", AT_LEADER, ZAB_FRAME_ACK, 0x01, 0, 8, -EPROTO },
	{ "request flag 0x40", AT_LEADER, ZAB_FRAME_REQUEST, 0x40, 0,
	  REQ_FIXED + 1, -EPROTO },
	{ "ping flag 0x02", AT_FOLLOWER, ZAB_FRAME_PING, 0x02, 0, 8, -EPROTO },
	{ "ping reply flag 0x80", AT_LEADER, ZAB_FRAME_PING,
	  ZAB_PING_REPLY | 0x80, 0, 8, -EPROTO },
	{ "sync flag 0x02", AT_LEADER, ZAB_FRAME_SYNC, 0x02, 0, SYNC_FIXED,
	  -EPROTO },
	{ "sync answer flag 0x80", AT_FOLLOWER, ZAB_FRAME_SYNC,
	  ZAB_SYNC_REPLY | 0x80, 0, SYNC_FIXED, -EPROTO },

	/* reserved bits */
	{ "commit reserved 0x0001", AT_FOLLOWER, ZAB_FRAME_COMMIT, 0, 0x0001, 8, -EPROTO },
	{ "ack reserved 0x8000", AT_LEADER, ZAB_FRAME_ACK, 0, 0x8000, 8, -EPROTO },
	{ "proposal reserved 0x0100", AT_FOLLOWER, ZAB_FRAME_PROPOSAL, 0, 0x0100,
	  PROP_FIXED + 1, -EPROTO },

	/* lengths */
	{ "proposal without payload", AT_FOLLOWER, ZAB_FRAME_PROPOSAL, 0, 0,
	  PROP_FIXED, -EPROTO },
	{ "proposal shorter than its body", AT_FOLLOWER, ZAB_FRAME_PROPOSAL, 0, 0,
	  PROP_FIXED - 1, -EPROTO },
	{ "proposal over the record limit", AT_FOLLOWER, ZAB_FRAME_PROPOSAL, 0, 0,
	  PROP_FIXED + ZAB_MAX_RECORD_LIMIT + 1, -EPROTO },
	{ "proposal 4 GiB", AT_FOLLOWER, ZAB_FRAME_PROPOSAL, 0, 0, U32_MAX, -EPROTO },
	{ "request without payload", AT_LEADER, ZAB_FRAME_REQUEST, 0, 0,
	  REQ_FIXED, -EPROTO },
	{ "request over the record limit", AT_LEADER, ZAB_FRAME_REQUEST, 0, 0,
	  REQ_FIXED + ZAB_MAX_RECORD_LIMIT + 1, -EPROTO },
	{ "request 4 GiB", AT_LEADER, ZAB_FRAME_REQUEST, 0, 0, U32_MAX, -EPROTO },
	{ "commit of 0 bytes", AT_FOLLOWER, ZAB_FRAME_COMMIT, 0, 0, 0, -EPROTO },
	{ "commit of 7 bytes", AT_FOLLOWER, ZAB_FRAME_COMMIT, 0, 0, 7, -EPROTO },
	{ "commit of 9 bytes", AT_FOLLOWER, ZAB_FRAME_COMMIT, 0, 0, 9, -EPROTO },
	{ "ack of 16 bytes", AT_LEADER, ZAB_FRAME_ACK, 0, 0, 16, -EPROTO },
	{ "trunc of 7 bytes", AT_FOLLOWER, ZAB_FRAME_TRUNC, 0, 0, 7, -EPROTO },
	{ "trunc of 9 bytes", AT_FOLLOWER, ZAB_FRAME_TRUNC, 0, 0, 9, -EPROTO },
	{ "snap of 7 bytes", AT_FOLLOWER, ZAB_FRAME_SNAP, 0, 0, 7, -EPROTO },
	{ "ack 4 GiB", AT_LEADER, ZAB_FRAME_ACK, 0, 0, U32_MAX, -EPROTO },
	{ "ping of 7 bytes", AT_FOLLOWER, ZAB_FRAME_PING, 0, 0, 7, -EPROTO },
	{ "ping reply of 9 bytes", AT_LEADER, ZAB_FRAME_PING, ZAB_PING_REPLY, 0, 9,
	  -EPROTO },
	{ "sync question of 8 bytes", AT_LEADER, ZAB_FRAME_SYNC, 0, 0, 8, -EPROTO },
	{ "sync answer of 24 bytes", AT_FOLLOWER, ZAB_FRAME_SYNC, ZAB_SYNC_REPLY,
	  0, 24, -EPROTO },
};

static void parse_case_desc(const struct parse_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse, parse_cases, parse_case_desc);

static void wire_parse(struct kunit *test)
{
	const struct parse_case *c = test->param_value;
	struct zab_frame f = {
		.type = c->type,
		.flags = c->flags,
		.reserved = cpu_to_be16(c->reserved),
		.len = cpu_to_be32(c->len),
	};
	struct zab_frame_info fi;

	memset(&fi, 0xa5, sizeof(fi));
	KUNIT_ASSERT_EQ(test, zab_frame_parse(&f, c->leader, &fi), c->err);
	if (c->err)
		return;
	KUNIT_EXPECT_EQ(test, fi.type, c->type);
	KUNIT_EXPECT_EQ(test, fi.flags, c->flags);
	KUNIT_EXPECT_EQ(test, fi.fixed, c->fixed);
	KUNIT_EXPECT_EQ(test, fi.payload, c->payload);
	/* the fixed body always fits the receive buffer */
	KUNIT_EXPECT_LE(test, sizeof(f) + fi.fixed, ZAB_FRAME_HEAD_MAX);
}

/* The wire format is ABI: sizes of every header and body. */
static void wire_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_frame), 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_proposal), 24);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_zxid_body), 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_ping), 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_request), 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_sync_body), 16);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_HEAD_MAX, 32);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_PROPOSAL, 1);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_ACK, 2);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_COMMIT, 3);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_PING, 4);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_REQUEST, 5);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_TRUNC, 6);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_SNAP, 7);
	KUNIT_EXPECT_EQ(test, ZAB_FRAME_SYNC, 8);
}

/* A buffer full of garbage, so that a field left unwritten shows. */
static u8 *dirty_buf(struct kunit *test)
{
	u8 *buf = kunit_kmalloc(test, ZAB_FRAME_HEAD_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memset(buf, 0xff, ZAB_FRAME_HEAD_MAX);
	return buf;
}

static void wire_put_zxid(struct kunit *test)
{
	static const u8 want[] = {
		ZAB_FRAME_COMMIT, 0, 0, 0, 0, 0, 0, 8,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	struct zab_frame_info fi;
	u8 *buf = dirty_buf(test);
	size_t n;

	n = zab_frame_put_zxid(buf, ZAB_FRAME_COMMIT, 0x0102030405060708ULL);
	KUNIT_ASSERT_EQ(test, n, sizeof(want));
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), 0);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_frame) + fi.fixed + fi.payload, n);

	buf = dirty_buf(test);
	n = zab_frame_put_zxid(buf, ZAB_FRAME_ACK, U64_MAX);
	KUNIT_ASSERT_EQ(test, n, sizeof(struct zab_frame) + 8);
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_LEADER, &fi), 0);
	KUNIT_EXPECT_EQ(test, fi.type, ZAB_FRAME_ACK);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(buf + sizeof(struct zab_frame)),
			U64_MAX);
	/* an ACK is refused where only a leader sends */
	KUNIT_EXPECT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), -EPROTO);

	buf = dirty_buf(test);
	n = zab_frame_put_zxid(buf, ZAB_FRAME_TRUNC, ZAB_ZXID(4, 2));
	KUNIT_ASSERT_EQ(test, n, sizeof(struct zab_frame) + 8);
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), 0);
	KUNIT_EXPECT_EQ(test, fi.type, ZAB_FRAME_TRUNC);
	KUNIT_EXPECT_EQ(test, fi.payload, 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(buf + sizeof(struct zab_frame)),
			ZAB_ZXID(4, 2));
	KUNIT_EXPECT_EQ(test, zab_frame_parse((void *)buf, AT_LEADER, &fi), -EPROTO);
}

static void wire_put_ping(struct kunit *test)
{
	struct zab_frame_info fi;
	u8 *buf = dirty_buf(test);
	size_t n;

	n = zab_frame_put_ping(buf, 0, 0x1122334455667788ULL);
	KUNIT_ASSERT_EQ(test, n, sizeof(struct zab_frame) + sizeof(struct zab_ping));
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), 0);
	KUNIT_EXPECT_EQ(test, fi.flags, 0);
	KUNIT_EXPECT_EQ(test, ((struct zab_frame *)buf)->reserved, 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(buf + sizeof(struct zab_frame)),
			0x1122334455667788ULL);

	buf = dirty_buf(test);
	n = zab_frame_put_ping(buf, ZAB_PING_REPLY, 1);
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_LEADER, &fi), 0);
	KUNIT_EXPECT_EQ(test, fi.flags, ZAB_PING_REPLY);
	KUNIT_EXPECT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), -EPROTO);
}

static void wire_put_proposal(struct kunit *test)
{
	struct zab_proposal *p;
	struct zab_frame_info fi;
	u8 *buf = dirty_buf(test);
	size_t n;

	n = zab_frame_put_proposal(buf, ZAB_ZXID(3, 7), 0xdeadbeefcafeULL, 5, 100);
	KUNIT_ASSERT_EQ(test, n, ZAB_FRAME_HEAD_MAX);
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), 0);
	KUNIT_EXPECT_EQ(test, fi.type, ZAB_FRAME_PROPOSAL);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_frame) + fi.fixed, n);
	KUNIT_EXPECT_EQ(test, fi.payload, 100);
	p = (struct zab_proposal *)(buf + sizeof(struct zab_frame));
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(&p->zxid), ZAB_ZXID(3, 7));
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(&p->req_id), 0xdeadbeefcafeULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&p->origin), 5);
	KUNIT_EXPECT_EQ(test, p->reserved, 0);
	KUNIT_EXPECT_EQ(test, ((struct zab_frame *)buf)->reserved, 0);

	/* the largest record a peer may send */
	buf = dirty_buf(test);
	zab_frame_put_proposal(buf, 1, 0, 1, ZAB_MAX_RECORD_LIMIT);
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), 0);
	KUNIT_EXPECT_EQ(test, fi.payload, ZAB_MAX_RECORD_LIMIT);
}

static void wire_put_request(struct kunit *test)
{
	struct zab_frame_info fi;
	u8 *buf = dirty_buf(test);
	size_t n;

	n = zab_frame_put_request(buf, 42, 1);
	KUNIT_ASSERT_EQ(test, n, sizeof(struct zab_frame) + sizeof(struct zab_request));
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_LEADER, &fi), 0);
	KUNIT_EXPECT_EQ(test, fi.type, ZAB_FRAME_REQUEST);
	KUNIT_EXPECT_EQ(test, fi.payload, 1);
	KUNIT_EXPECT_EQ(test, ((struct zab_frame *)buf)->flags, 0);
	KUNIT_EXPECT_EQ(test, ((struct zab_frame *)buf)->reserved, 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(buf + sizeof(struct zab_frame)), 42);
	KUNIT_EXPECT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), -EPROTO);
}

static void wire_put_sync(struct kunit *test)
{
	static const u8 want[] = {
		ZAB_FRAME_SYNC, ZAB_SYNC_REPLY, 0, 0, 0, 0, 0, 16,
		0, 0, 0, 0, 0, 0, 0, 7,
		0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05,
	};
	struct zab_frame_info fi;
	u8 *buf = dirty_buf(test);
	size_t n;

	n = zab_frame_put_sync(buf, ZAB_SYNC_REPLY, 7, ZAB_ZXID(2, 5));
	KUNIT_ASSERT_EQ(test, n, sizeof(want));
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), 0);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_frame) + fi.fixed + fi.payload, n);
	/* an answer is refused where only a follower sends */
	KUNIT_EXPECT_EQ(test, zab_frame_parse((void *)buf, AT_LEADER, &fi), -EPROTO);

	buf = dirty_buf(test);
	n = zab_frame_put_sync(buf, 0, 1, 0);
	KUNIT_ASSERT_EQ(test, n, sizeof(want));
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_LEADER, &fi), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_be64(buf + 16), 0);
}

static void wire_put_reply(struct kunit *test)
{
	static const u8 want[] = {
		ZAB_FRAME_REPLY, 0, 0, 0, 0, 0, 0, 24,
		0, 0, 0, 0, 0, 0, 0x01, 0x02,
		0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x09,
		0, 0, 0, ZAB_REPLY_DUPLICATE, 0, 0, 0, 0,
	};
	struct zab_frame_info fi;
	u8 *buf = dirty_buf(test);
	size_t n;

	n = zab_frame_put_reply(buf, 0x102, ZAB_REPLY_DUPLICATE, ZAB_ZXID(3, 9));
	KUNIT_ASSERT_EQ(test, n, sizeof(want));
	KUNIT_EXPECT_EQ(test, memcmp(buf, want, sizeof(want)), 0);
	KUNIT_ASSERT_EQ(test, zab_frame_parse((void *)buf, AT_FOLLOWER, &fi), 0);
	KUNIT_EXPECT_EQ(test, sizeof(struct zab_frame) + fi.fixed + fi.payload, n);
	KUNIT_EXPECT_EQ(test, zab_frame_parse((void *)buf, AT_LEADER, &fi), -EPROTO);
	KUNIT_EXPECT_LE(test, n, ZAB_FRAME_HEAD_MAX);
}

static struct kunit_case wire_cases[] = {
	KUNIT_CASE_PARAM(wire_parse, parse_gen_params),
	KUNIT_CASE(wire_layout),
	KUNIT_CASE(wire_put_zxid),
	KUNIT_CASE(wire_put_ping),
	KUNIT_CASE(wire_put_sync),
	KUNIT_CASE(wire_put_reply),
	KUNIT_CASE(wire_put_proposal),
	KUNIT_CASE(wire_put_request),
	{}
};

static struct kunit_suite wire_suite = {
	.name = "zab_wire",
	.test_cases = wire_cases,
};

kunit_test_suite(wire_suite);
