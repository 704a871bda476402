/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Talking to the zab generic netlink family: one module used by zabctl and
 * zabd. Every function returns 0 or a negative errno; when the kernel
 * refused a request, zab_nl_strerror() also gives its extended ack message.
 */
#ifndef ZAB_NL_H
#define ZAB_NL_H

#include <stdint.h>

#include "info.h"
#include "msg.h"
#include "params.h"

struct zab_nl;

/*
 * Connects to generic netlink and resolves the "zab" family.
 * -ENOENT: the family is not registered (the module is not loaded).
 */
int zab_nl_open(struct zab_nl **nlp);
void zab_nl_close(struct zab_nl *nl);

/* For an error from zab_nl_open(): a message saying what to do about it. */
const char *zab_nl_open_strerror(int err);

/*
 * For an error from any request on @nl: strerror(-err), followed by
 * " (kernel: MESSAGE)" if the kernel sent an extended ack message. The
 * string lives in @nl until its next request.
 */
const char *zab_nl_strerror(struct zab_nl *nl, int err);

/* ZAB_CMD_NEW with the parameters marked as given in @params (may be NULL). */
int zab_nl_create(struct zab_nl *nl, const char *name, uint32_t myid,
		  const struct zab_params *params);

/* ZAB_CMD_DEL. */
int zab_nl_destroy(struct zab_nl *nl, const char *name);

/* ZAB_CMD_STOP: back to LOOKING. */
int zab_nl_stop(struct zab_nl *nl, const char *name);

/* The ensemble a role is taken in (LEAD, FOLLOW). */
struct zab_nl_view {
	uint32_t members;	/* voting members, the leader included */
	uint32_t observers;	/* observers besides them */
	bool observing;		/* FOLLOW: this member observes */
};

/*
 * ZAB_CMD_LEAD: lead @epoch in the ensemble @view with the synchronised
 * followers and observers @peers (their sockets and last zxids). The
 * kernel takes its own reference to each socket.
 */
int zab_nl_lead(struct zab_nl *nl, const char *name, uint32_t epoch,
		const struct zab_nl_view *view,
		const struct zab_handover_peer *peers, size_t n);

/*
 * ZAB_CMD_FOLLOW: follow @leader in @epoch over the connected socket @fd,
 * with the log cut after *@history first (NULL: the whole log), in the
 * ensemble @view (for the uncommitted budget; members 0: unknown). The
 * kernel acknowledges nothing until zab_nl_synced() (ZAB_A_HOLD_ACKS).
 */
int zab_nl_follow(struct zab_nl *nl, const char *name, uint32_t epoch,
		  uint32_t leader, const struct zab_nl_view *view, int fd,
		  const uint64_t *history);

/* ZAB_CMD_SYNCED: currentEpoch @epoch is written; the follower may ACK. */
int zab_nl_synced(struct zab_nl *nl, const char *name, uint32_t epoch);

/*
 * ZAB_CMD_DROP_PEER: end the connection with member @id as if it failed
 * (ZAB_REASON_DROPPED). 0, -ENOTCONN if none is up, or -errno.
 */
int zab_nl_drop_peer(struct zab_nl *nl, const char *name, uint32_t id);

/* ZAB_CMD_ADD_FOLLOWER: a leader takes one more follower. */
int zab_nl_add_follower(struct zab_nl *nl, const char *name,
			const struct zab_handover_peer *peer);

/*
 * ZAB_CMD_LOG: keep the log in segments in the directory @dir_fd from now
 * on, with @durability; the first new segment gets sequence number @seq;
 * in segment @format 1 or 2 (0: not said, the kernel's default, 1).
 */
int zab_nl_log(struct zab_nl *nl, const char *name, int dir_fd,
	       uint8_t durability, uint32_t segment_bytes, uint64_t seq, uint8_t format);

/* ZAB_CMD_SET with the parameters marked as given in @params. */
int zab_nl_set(struct zab_nl *nl, const char *name,
	       const struct zab_params *params);

/* ZAB_CMD_PROGRESS: zabd's report of long work (kept ZAB_PROGRESS_TTL_MS). */
int zab_nl_progress(struct zab_nl *nl, const char *name,
		    const struct zab_progress_info *progress);

/* ZAB_CMD_COUNT: adds @n to the daemon-kept counter @stat (enum zab_stat). */
int zab_nl_count(struct zab_nl *nl, const char *name, uint16_t stat, uint64_t n);

/* ZAB_CMD_GET of one instance. Release @info with zab_info_release(). */
int zab_nl_get(struct zab_nl *nl, const char *name, struct zab_info *info);

/*
 * ZAB_CMD_GET with NLM_F_DUMP: appends every instance of the namespace to
 * @list, sorted by name. Release @list with zab_info_list_release().
 */
int zab_nl_dump(struct zab_nl *nl, struct zab_info_list *list);

/*
 * Joins the "events" multicast group and makes the socket non-blocking;
 * afterwards, poll zab_nl_fd() for input and call zab_nl_read_events().
 * A subscribed handle is for events only: make requests on another one.
 */
int zab_nl_subscribe(struct zab_nl *nl);
int zab_nl_fd(const struct zab_nl *nl);

typedef void (*zab_event_fn)(const struct zab_event_info *ev, void *arg);

/*
 * Calls @fn for every event queued on the socket, and returns when none is
 * left. -ENOBUFS: the receive buffer overflowed and events were lost; the
 * socket stays usable.
 */
int zab_nl_read_events(struct zab_nl *nl, zab_event_fn fn, void *arg);

#endif
