// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <string.h>

#include <linux/zab.h>

#include "handshake.h"
#include "wire.h"

void zab_hs_encode(const struct zab_hs *hs, uint8_t *buf)
{
	memset(buf, 0, ZAB_HS_SIZE);
	put_be32(buf, ZAB_HS_MAGIC);
	buf[4] = ZAB_HS_VERSION;
	buf[5] = hs->type;
	put_be16(buf + 6, hs->flags);
	put_be32(buf + 8, hs->sid);
	put_be32(buf + 12, hs->epoch);
	put_be64(buf + 16, hs->zxid);
}

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

const char *zab_hs_type_name(uint8_t type)
{
	switch (type) {
	case ZAB_HS_FOLLOWERINFO:
		return "FOLLOWERINFO";
	case ZAB_HS_LEADERINFO:
		return "LEADERINFO";
	case ZAB_HS_ACKEPOCH:
		return "ACKEPOCH";
	case ZAB_HS_SNAPREQ:
		return "SNAPREQ";
	case ZAB_HS_SNAPFILE:
		return "SNAPFILE";
	}
	return "unknown";
}

int zab_hs_decode(const uint8_t *buf, size_t len, uint8_t type,
		  struct zab_hs *hs, const char **why)
{
	if (len != ZAB_HS_SIZE)
		return bad(why, "wrong size");
	if (get_be32(buf) != ZAB_HS_MAGIC)
		return bad(why, "bad magic");
	if (buf[4] != ZAB_HS_VERSION)
		return bad(why, "unknown version");
	hs->flags = get_be16(buf + 6);
	if (hs->flags & ~(type == ZAB_HS_FOLLOWERINFO ? ZAB_HS_OBSERVER : 0))
		return bad(why, "reserved field not zero");
	if (buf[5] != type)
		return bad(why, buf[5] >= ZAB_HS_FOLLOWERINFO && buf[5] <= ZAB_HS_SNAPFILE ?
			   "unexpected frame type" : "unknown frame type");
	hs->type = buf[5];
	hs->sid = get_be32(buf + 8);
	hs->epoch = get_be32(buf + 12);
	hs->zxid = get_be64(buf + 16);
	if (hs->sid < 1 || hs->sid > ZAB_ID_MAX)
		return bad(why, "member id out of range");
	/* UINT32_MAX is ZAB_HS_EPOCH_NONE, which only ACKEPOCH may carry */
	if (hs->epoch == UINT32_MAX && type != ZAB_HS_ACKEPOCH)
		return bad(why, "absurd epoch");
	switch (type) {
	case ZAB_HS_FOLLOWERINFO:
		if (hs->zxid)
			return bad(why, "reserved field not zero");
		break;
	case ZAB_HS_LEADERINFO:
		if (!hs->epoch)
			return bad(why, "epoch 0");
		if (ZAB_ZXID_EPOCH(hs->zxid) > hs->epoch)
			return bad(why, "leader history newer than the epoch");
		break;
	case ZAB_HS_ACKEPOCH:
		/* the epoch is that of the history (zabd_history_epoch()) */
		if (hs->epoch != ZAB_HS_EPOCH_NONE && ZAB_ZXID_EPOCH(hs->zxid) > hs->epoch)
			return bad(why, "history newer than its epoch");
		break;
	case ZAB_HS_SNAPREQ:
		/* the epoch the asker is in: served only in the same one */
		break;
	case ZAB_HS_SNAPFILE:
		if (hs->epoch)
			return bad(why, "reserved field not zero");
		break;
	default:
		return bad(why, "unknown frame type");
	}
	return 0;
}
