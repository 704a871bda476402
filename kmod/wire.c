// SPDX-License-Identifier: GPL-2.0
/*
 * The peer wire format: checking frame headers a peer sent, and writing the
 * headers we send. Pure functions, no state: see uapi/linux/zab.h.
 */
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "kmod/compat.h"
#include "kmod/wire.h"

/**
 * zab_frame_parse() - check a frame header received from a peer
 * @f: the header as received
 * @leader: true if we lead (and so the peer follows)
 * @fi: filled with the decoded header on success
 *
 * Return: 0, or -EPROTO for a type unknown or not expected in this direction,
 * unknown flags, a reserved field that is not zero, or a length that does not
 * fit the type.
 */
int zab_frame_parse(const struct zab_frame *f, bool leader,
		    struct zab_frame_info *fi)
{
	u32 len = be32_to_cpu(f->len);
	u8 allowed_flags = 0;
	bool from_leader;

	fi->type = f->type;
	fi->flags = f->flags;
	fi->payload = 0;
	switch (f->type) {
	case ZAB_FRAME_PROPOSAL:
		fi->fixed = sizeof(struct zab_proposal);
		from_leader = true;
		break;
	case ZAB_FRAME_COMMIT:
	case ZAB_FRAME_TRUNC:
	case ZAB_FRAME_SNAP:
		fi->fixed = sizeof(struct zab_zxid_body);
		from_leader = true;
		break;
	case ZAB_FRAME_ACK:
		fi->fixed = sizeof(struct zab_zxid_body);
		from_leader = false;
		break;
	case ZAB_FRAME_REQUEST:
		fi->fixed = sizeof(struct zab_request);
		from_leader = false;
		break;
	case ZAB_FRAME_PING:
		fi->fixed = sizeof(struct zab_ping);
		/* the leader asks, the follower replies */
		from_leader = !(f->flags & ZAB_PING_REPLY);
		allowed_flags = ZAB_PING_REPLY;
		break;
	case ZAB_FRAME_REPLY:
		fi->fixed = sizeof(struct zab_reply);
		from_leader = true;
		break;
	case ZAB_FRAME_SYNC:
		fi->fixed = sizeof(struct zab_sync_body);
		/* the follower asks, the leader replies */
		from_leader = f->flags & ZAB_SYNC_REPLY;
		allowed_flags = ZAB_SYNC_REPLY;
		break;
	default:
		return -EPROTO;
	}
	if (from_leader == leader)
		return -EPROTO;
	if ((f->flags & ~allowed_flags) || f->reserved)
		return -EPROTO;
	if (len < fi->fixed)
		return -EPROTO;
	fi->payload = len - fi->fixed;
	if (f->type == ZAB_FRAME_PROPOSAL || f->type == ZAB_FRAME_REQUEST) {
		if (fi->payload == 0 || fi->payload > ZAB_MAX_RECORD_LIMIT)
			return -EPROTO;
	} else if (fi->payload) {
		return -EPROTO;
	}
	return 0;
}

static size_t put_hdr(u8 *buf, u8 type, u8 flags, u32 len)
{
	struct zab_frame *f = (struct zab_frame *)buf;

	f->type = type;
	f->flags = flags;
	f->reserved = 0;
	f->len = cpu_to_be32(len);
	return sizeof(*f);
}

/**
 * zab_frame_put_zxid() - write an ACK, COMMIT, TRUNC or SNAP frame
 * @buf: at least %ZAB_FRAME_HEAD_MAX bytes
 * @type: %ZAB_FRAME_ACK, %ZAB_FRAME_COMMIT, %ZAB_FRAME_TRUNC or
 *	%ZAB_FRAME_SNAP
 * @zxid: the zxid it carries
 *
 * Return: the frame's length.
 */
size_t zab_frame_put_zxid(u8 *buf, u8 type, u64 zxid)
{
	size_t n = put_hdr(buf, type, 0, sizeof(struct zab_zxid_body));

	put_unaligned_be64(zxid, buf + n);
	return n + sizeof(struct zab_zxid_body);
}

/**
 * zab_frame_put_ping() - write a PING frame
 * @buf: at least %ZAB_FRAME_HEAD_MAX bytes
 * @flags: 0 or %ZAB_PING_REPLY
 * @stamp: the stamp it carries
 *
 * Return: the frame's length.
 */
size_t zab_frame_put_ping(u8 *buf, u8 flags, u64 stamp)
{
	size_t n = put_hdr(buf, ZAB_FRAME_PING, flags, sizeof(struct zab_ping));

	put_unaligned_be64(stamp, buf + n);
	return n + sizeof(struct zab_ping);
}

/**
 * zab_frame_put_proposal() - write the head of a PROPOSAL frame
 * @buf: at least %ZAB_FRAME_HEAD_MAX bytes
 * @zxid: the proposal's zxid
 * @req_id: the origin's request id
 * @origin: the origin's member id
 * @len: payload length, which follows the head on the wire
 *
 * Return: the head's length.
 */
size_t zab_frame_put_proposal(u8 *buf, u64 zxid, u64 req_id, u32 origin,
			      u32 len)
{
	size_t n = put_hdr(buf, ZAB_FRAME_PROPOSAL, 0,
			   sizeof(struct zab_proposal) + len);
	struct zab_proposal *p = (struct zab_proposal *)(buf + n);

	put_unaligned_be64(zxid, &p->zxid);
	put_unaligned_be64(req_id, &p->req_id);
	put_unaligned_be32(origin, &p->origin);
	p->reserved = 0;
	return n + sizeof(*p);
}

/**
 * zab_frame_put_sync() - write a SYNC frame
 * @buf: at least %ZAB_FRAME_HEAD_MAX bytes
 * @flags: 0 (a question) or %ZAB_SYNC_REPLY
 * @seq: the question's number
 * @zxid: the read index (a reply), else 0
 *
 * Return: the frame's length.
 */
size_t zab_frame_put_sync(u8 *buf, u8 flags, u64 seq, u64 zxid)
{
	size_t n = put_hdr(buf, ZAB_FRAME_SYNC, flags, sizeof(struct zab_sync_body));

	put_unaligned_be64(seq, buf + n);
	put_unaligned_be64(zxid, buf + n + 8);
	return n + sizeof(struct zab_sync_body);
}

/**
 * zab_frame_put_request() - write the head of a REQUEST frame
 * @buf: at least %ZAB_FRAME_HEAD_MAX bytes
 * @req_id: our request id
 * @len: payload length, which follows the head on the wire
 *
 * Return: the head's length.
 */
size_t zab_frame_put_request(u8 *buf, u64 req_id, u32 len)
{
	size_t n = put_hdr(buf, ZAB_FRAME_REQUEST, 0,
			   sizeof(struct zab_request) + len);

	put_unaligned_be64(req_id, buf + n);
	return n + sizeof(struct zab_request);
}

static_assert(sizeof(struct zab_reply) <= sizeof(struct zab_proposal));

/**
 * zab_frame_put_reply() - write a REPLY frame
 * @buf: at least %ZAB_FRAME_HEAD_MAX bytes
 * @req_id: the REQUEST answered
 * @status: &enum zab_reply_status
 * @zxid: (%ZAB_REPLY_DUPLICATE) the record's zxid, else 0
 *
 * Return: the frame's length.
 */
size_t zab_frame_put_reply(u8 *buf, u64 req_id, u32 status, u64 zxid)
{
	size_t n = put_hdr(buf, ZAB_FRAME_REPLY, 0, sizeof(struct zab_reply));

	put_unaligned_be64(req_id, buf + n);
	put_unaligned_be64(zxid, buf + n + 8);
	put_unaligned_be32(status, buf + n + 16);
	put_unaligned_be32(0, buf + n + 20);
	return n + sizeof(struct zab_reply);
}
