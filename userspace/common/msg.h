/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Building and decoding zab generic netlink messages. Nothing here touches a
 * socket, so all of it can be exercised with hand-built messages.
 */
#ifndef ZAB_MSG_H
#define ZAB_MSG_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/netlink.h>
#include <netlink/msg.h>

#include "info.h"
#include "params.h"

/*
 * A new request of family @family: generic netlink header for @cmd and
 * netlink @flags (NLM_F_DUMP, ...). Returns NULL when out of memory.
 */
struct nl_msg *zab_msg_new(int family, uint8_t cmd, int flags);

/*
 * Append ZAB_A_NAME, ZAB_A_MYID, or the attribute of every parameter marked
 * as given. 0, or -EMSGSIZE if the message is full.
 */
int zab_msg_put_name(struct nl_msg *msg, const char *name);
int zab_msg_put_myid(struct nl_msg *msg, uint32_t myid);
int zab_msg_put_params(struct nl_msg *msg, const struct zab_params *params);

/* ZAB_A_PROGRESS, every member of @progress. */
int zab_msg_put_progress(struct nl_msg *msg, const struct zab_progress_info *progress);

/* A connected socket handed to the kernel (LEAD, ADD_FOLLOWER). */
struct zab_handover_peer {
	uint32_t id;
	int fd;
	uint64_t last_zxid;	/* the last zxid in the peer's log */
	bool observer;		/* it observes: in no quorum */
};

/*
 * Append ZAB_A_PEERS with one ZAB_A_PEER nest per entry of @peers. 0 or
 * -EMSGSIZE.
 */
int zab_msg_put_peers(struct nl_msg *msg, const struct zab_handover_peer *peers,
		      size_t n);

/*
 * Decodes a ZAB_CMD_GET reply into @info (which it zeroes first; release it
 * with zab_info_release() even on failure). -EPROTO if malformed or without
 * ZAB_A_NAME, -ENOMEM.
 */
int zab_msg_parse_info(struct nlmsghdr *nlh, struct zab_info *info);

/*
 * Decodes a ZAB_CMD_EVENT message. -EPROTO if malformed, not an event, or
 * without ZAB_A_NAME and ZAB_A_EVENT.
 */
int zab_msg_parse_event(struct nlmsghdr *nlh, struct zab_event_info *ev);

/*
 * For an NLMSG_ERROR or NLMSG_DONE message: returns the (negative) errno it
 * carries, 0 for an ack or a clean end of dump, -EPROTO if truncated; copies
 * the kernel's extended ack message (NLMSGERR_ATTR_MSG) into @extack, or ""
 * if there is none.
 */
int zab_msg_ack_error(struct nlmsghdr *nlh, char *extack, size_t len);

#endif
