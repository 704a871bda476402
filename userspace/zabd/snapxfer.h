/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Snapshots between members. A follower synchronised by SNAP holds the
 * leader's window and nothing before: its log on disk starts after the
 * window's base. zabd then asks the leader for a snapshot covering that
 * base (SNAPREQ, handshake.h) and installs it beside its segments, so that
 * its readers, and its own later snapshots, go back to zxid 0 as every
 * other member's do. Both ends run in a child process of zabd.
 */
#ifndef ZABD_SNAPXFER_H
#define ZABD_SNAPXFER_H

#include <stdint.h>
#include <sys/socket.h>

#include "disk/disklog.h"

/*
 * Does the history in @dir_fd, the newest snapshot and the segments after
 * it, start after a SNAP instead of at zxid 0? 1 if so, with in *@base the
 * zxid a snapshot from the leader must cover (the log's base, or the newest
 * snapshot's zxid if later); 0 if not; or -errno.
 */
int snapxfer_needed(int dir_fd, uint64_t *base);

struct snapxfer_result {
	char name[32];
	uint64_t zxid;
	uint64_t bytes;
};

/*
 * Serves a SNAPREQ for the records up to @from on the connected socket @fd
 * (closed on return): the newest snapshot if it covers @from, else one
 * taken at @upto (committed and on disk); SNAPFILE with zxid 0 if there is
 * none. 0 and what was sent in *@res, or -errno.
 */
int snapxfer_serve(int fd, int dir_fd, const char *dir, uint32_t myid,
		   uint64_t from, uint64_t upto, int timeout_ms,
		   struct snapxfer_result *res, zab_disklog_note_fn note,
		   void *arg);

struct zab_auth;

/*
 * Asks the member at @dst (from @src) for a snapshot covering @base, and
 * installs it in @dir_fd as snap.Z. 0, -ENOENT if it has none, -EPROTO if
 * what came does not check, -EBUSY if the directory's snapshot lock is
 * held, or -errno; notes say what failed. Tells @progress (if not NULL)
 * of the bytes received and the file's size as the member gave it (0: not
 * given), with @arg; and
 * authenticating with @auth's keys (auth.h) as member @myid to member
 * @peer first, unless @auth is NULL or holds none: -EKEYREJECTED if the
 * peer failed it. SNAPREQ carries @epoch, the epoch this member is in: a
 * member serves only in the same one (snapd_serve()).
 */
int snapxfer_fetch_progress(int dir_fd, const char *dir, const struct sockaddr *dst,
			    socklen_t dlen, const struct sockaddr *src, socklen_t slen,
			    struct zab_auth *auth, uint32_t peer,
			    uint32_t myid, uint64_t base, uint32_t epoch, int timeout_ms,
			    struct snapxfer_result *res, zab_disklog_note_fn note,
			    zab_disklog_progress_fn progress, void *arg);

#endif
