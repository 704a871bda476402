/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Discovery on the quorum port: the frames a follower and its leader
 * exchange before the socket is handed to the kernel. Each is 24 bytes,
 * integers big-endian:
 *
 *	offset	size	field
 *	0	4	magic, 0x5a414251 ("ZABQ")
 *	4	1	version, 2
 *	5	1	type: 1 FOLLOWERINFO, 2 LEADERINFO, 3 ACKEPOCH
 *	6	2	flags: ZAB_HS_OBSERVER (FOLLOWERINFO), else zero
 *	8	4	sid: the sender's member id
 *	12	4	epoch
 *	16	8	zxid
 *
 *	FOLLOWERINFO  follower -> leader  epoch: its acceptedEpoch; zxid: 0;
 *	                                  flags: ZAB_HS_OBSERVER if its own
 *	                                  file makes it an observer
 *	LEADERINFO    leader -> follower  epoch: the new epoch (1 or more);
 *	                                  zxid: the leader's last zxid
 *	ACKEPOCH      follower -> leader  epoch: the epoch of its history
 *	                                  (zabd_history_epoch()), or
 *	                                  0xffffffff if it had accepted
 *	                                  the epoch before (not counted);
 *	                                  zxid: its last zxid
 *
 * Nothing else is sent by zabd on that connection: after ACKEPOCH, the
 * stream belongs to the kernel (<linux/zab.h>, "The peer wire format").
 *
 * A member whose log starts after a SNAP asks its leader (a leader: the
 * other members), on a connection of its own, for a snapshot of the
 * records before (snapxfer.h):
 *
 *	SNAPREQ       asker -> member     epoch: the asker's; zxid: the
 *	                                  asker's log starts after it
 *	SNAPFILE      member -> asker     epoch: 0; zxid: the snapshot's (0:
 *	                                  none, or not in the asker's epoch),
 *	                                  then the snapshot file's bytes until
 *	                                  the member closes
 */
#ifndef ZABD_HANDSHAKE_H
#define ZABD_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

#define ZAB_HS_MAGIC	0x5a414251u
#define ZAB_HS_VERSION	2
/* ACKEPOCH of a member that had accepted the epoch already */
#define ZAB_HS_EPOCH_NONE	0xffffffffu
#define ZAB_HS_SIZE	24
/*
 * FOLLOWERINFO: the sender observes by its own file. A leader counts a
 * member as a voter only if both its file and the member's say so.
 */
#define ZAB_HS_OBSERVER	0x0001

enum zab_hs_type {
	ZAB_HS_FOLLOWERINFO = 1,
	ZAB_HS_LEADERINFO = 2,
	ZAB_HS_ACKEPOCH = 3,
	ZAB_HS_SNAPREQ = 4,
	ZAB_HS_SNAPFILE = 5,
};

struct zab_hs {
	uint8_t type;
	uint32_t sid;
	uint32_t epoch;
	uint64_t zxid;
	uint16_t flags;		/* ZAB_HS_OBSERVER */
};

void zab_hs_encode(const struct zab_hs *hs, uint8_t *buf);

/*
 * Decodes a frame that must be of type @type, checking every field.
 * Returns 0, or -EINVAL with the problem in *@why.
 */
int zab_hs_decode(const uint8_t *buf, size_t len, uint8_t type,
		  struct zab_hs *hs, const char **why);

/* "FOLLOWERINFO", ... */
const char *zab_hs_type_name(uint8_t type);

#endif
