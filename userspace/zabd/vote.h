/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Votes of Fast Leader Election and the notification that carries one
 * between members' election ports.
 *
 * A vote names a member and the history it would lead with: its peer epoch
 * (the epoch of that history, zabd_history_epoch()) and the last zxid of its
 * log. Votes are ordered as in ZooKeeper's
 * FastLeaderElection.totalOrderPredicate: by peer epoch, then zxid, then
 * member id; the greatest wins. Between equal histories a member whose log
 * on disk fails (ZAB_VOTE_LOG_FAILING) comes before any other: it cannot
 * lead until its disk recovers, and any member with the greatest history is
 * a safe leader.
 *
 * A notification is 40 bytes, integers big-endian:
 *
 *	offset	size	field
 *	0	4	magic, 0x5a414245 ("ZABE")
 *	4	1	version, 2
 *	5	1	state of the sender: 0 LOOKING, 1 FOLLOWING, 2 LEADING
 *	6	1	sender flags: ZAB_NOTIF_OBSERVER
 *	7	1	zero
 *	8	4	sender: the member id of whoever sends it
 *	12	4	leader: the member voted for (LOOKING) or followed
 *	16	8	zxid: that member's last zxid
 *	24	8	election epoch: the sender's logical clock
 *	32	4	peer epoch: the epoch of that member's history
 *	36	1	flags: ZAB_VOTE_LOG_FAILING
 *	37	3	zero
 */
#ifndef ZABD_VOTE_H
#define ZABD_VOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ZAB_NOTIF_MAGIC		0x5a414245u
/*
 * 2: the peer epoch is the history's (zabd_history_epoch()) and byte 36
 * carries flags. Version 1 members are refused, as in discovery (handshake
 * version 2): an ensemble never elects across versions, so it upgrades once
 * a quorum runs the new one. Upgrade members one at a time.
 */
#define ZAB_NOTIF_VERSION	2
#define ZAB_NOTIF_SIZE		40
/* A logical clock beyond this is not from a real member: 2^48 elections. */
#define ZAB_ELECTION_EPOCH_MAX	(1ULL << 48)

/*
 * The sender is an observer by its own file: it counts as no voter
 * whatever the receiver's file says (a role being changed, or a typo), and
 * its vote is no candidacy. Members of older versions refuse it: observers
 * need every member at this version.
 */
#define ZAB_NOTIF_OBSERVER	0x01

/* the member voted for cannot write its log on disk */
#define ZAB_VOTE_LOG_FAILING	0x01
#define ZAB_VOTE_FLAGS		ZAB_VOTE_LOG_FAILING

struct zab_vote {
	uint32_t leader;
	uint64_t zxid;
	uint32_t peer_epoch;
	uint8_t flags;		/* ZAB_VOTE_* */
};

/* <0, 0, >0 as @a orders before, equal to, after @b. */
int zab_vote_cmp(const struct zab_vote *a, const struct zab_vote *b);

static inline bool zab_vote_equal(const struct zab_vote *a,
				  const struct zab_vote *b)
{
	return !zab_vote_cmp(a, b);
}

struct zab_notif {
	uint8_t state;		/* enum zab_state */
	bool observer;		/* the sender says it observes */
	uint32_t sender;
	struct zab_vote vote;
	uint64_t election_epoch;
};

void zab_notif_encode(const struct zab_notif *n, uint8_t *buf);

/*
 * Decodes and checks one notification: magic, version, state, zero fields,
 * ids in 1..ZAB_ID_MAX, an election epoch up to ZAB_ELECTION_EPOCH_MAX and a
 * peer epoch below 2^32 - 1 (no epoch could follow it). Returns 0, or
 * -EINVAL with the problem in *@why. Whether the ids belong to the ensemble
 * is for the caller to check.
 */
int zab_notif_decode(const uint8_t *buf, size_t len, struct zab_notif *n,
		     const char **why);

/* "3 (epoch 2, zxid 0x200000005)" */
void zab_vote_str(const struct zab_vote *v, char *buf, size_t len);

#endif
