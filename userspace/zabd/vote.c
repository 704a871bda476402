// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/zab.h>

#include "vote.h"
#include "wire.h"

#define CMP(a, b) (((a) > (b)) - ((a) < (b)))

int zab_vote_cmp(const struct zab_vote *a, const struct zab_vote *b)
{
	if (a->peer_epoch != b->peer_epoch)
		return CMP(a->peer_epoch, b->peer_epoch);
	if (a->zxid != b->zxid)
		return CMP(a->zxid, b->zxid);
	/* a healthy disk after a failing one */
	if ((a->flags ^ b->flags) & ZAB_VOTE_LOG_FAILING)
		return b->flags & ZAB_VOTE_LOG_FAILING ? 1 : -1;
	return CMP(a->leader, b->leader);
}

void zab_notif_encode(const struct zab_notif *n, uint8_t *buf)
{
	memset(buf, 0, ZAB_NOTIF_SIZE);
	put_be32(buf, ZAB_NOTIF_MAGIC);
	buf[4] = ZAB_NOTIF_VERSION;
	buf[5] = n->state;
	buf[6] = n->observer ? ZAB_NOTIF_OBSERVER : 0;
	put_be32(buf + 8, n->sender);
	put_be32(buf + 12, n->vote.leader);
	put_be64(buf + 16, n->vote.zxid);
	put_be64(buf + 24, n->election_epoch);
	put_be32(buf + 32, n->vote.peer_epoch);
	buf[36] = n->vote.flags;
}

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

static bool valid_id(uint32_t id)
{
	return id >= 1 && id <= ZAB_ID_MAX;
}

int zab_notif_decode(const uint8_t *buf, size_t len, struct zab_notif *n,
		     const char **why)
{
	if (len != ZAB_NOTIF_SIZE)
		return bad(why, "wrong size");
	if (get_be32(buf) != ZAB_NOTIF_MAGIC)
		return bad(why, "bad magic");
	if (buf[4] != ZAB_NOTIF_VERSION)
		return bad(why, "unknown version");
	if (buf[5] > ZAB_STATE_LEADING)
		return bad(why, "unknown state");
	if ((buf[6] & ~ZAB_NOTIF_OBSERVER) || buf[7] || buf[37] ||
	    get_be16(buf + 38))
		return bad(why, "reserved field not zero");
	if (buf[36] & ~ZAB_VOTE_FLAGS)
		return bad(why, "unknown vote flags");
	n->state = buf[5];
	n->observer = buf[6] & ZAB_NOTIF_OBSERVER;
	n->sender = get_be32(buf + 8);
	n->vote.leader = get_be32(buf + 12);
	n->vote.zxid = get_be64(buf + 16);
	n->election_epoch = get_be64(buf + 24);
	n->vote.peer_epoch = get_be32(buf + 32);
	n->vote.flags = buf[36];
	if (!valid_id(n->sender))
		return bad(why, "sender id out of range");
	if (!valid_id(n->vote.leader))
		return bad(why, "leader id out of range");
	if (n->election_epoch > ZAB_ELECTION_EPOCH_MAX)
		return bad(why, "absurd election epoch");
	if (n->vote.peer_epoch == UINT32_MAX)
		return bad(why, "absurd peer epoch");
	return 0;
}

void zab_vote_str(const struct zab_vote *v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 " (epoch %" PRIu32 ", zxid 0x%" PRIx64 "%s)",
		 v->leader, v->peer_epoch, v->zxid,
		 v->flags & ZAB_VOTE_LOG_FAILING ? ", its log on disk fails" : "");
}
