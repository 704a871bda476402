/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Taking snapshots of the log on disk, and purging what they make
 * redundant (uapi/linux/zab.h, "Snapshots"). zabd takes them every
 * snapCount records or snapBytes of log, in a child process so that it
 * never waits on one; "zabctl snapshot" takes one when asked. Writing,
 * purging, installing a snapshot from the leader (snapxfer.h) and zabd's
 * reading of the log at start all hold the directory's "snap.lock".
 */
#ifndef ZAB_SNAPSHOT_H
#define ZAB_SNAPSHOT_H

#include <stdint.h>

#include "disk/disklog.h"

struct zab_snap_stats {
	char name[32];		/* of the snapshot written */
	uint64_t zxid;		/* taken at */
	uint64_t base;		/* see struct zab_snap_hdr */
	uint64_t read;		/* records it was made of */
	uint64_t kept;		/* records it holds */
	uint64_t bytes;		/* its size */
};

/*
 * Writes a snapshot at @upto, a committed zxid the log on disk holds, of the
 * newest snapshot and the segments of the directory @dir_fd (@dir in
 * notes): to "snap.Z.tmp", synced, then renamed "snap.Z". Returns 0,
 * -EALREADY if a snapshot at or after @upto exists, -ENODATA if the log on
 * disk does not hold @upto, -EBUSY if the directory is locked by another
 * snapshot or purge, or another -errno (notes say what failed).
 */
int zab_snap_take(int dir_fd, const char *dir, uint64_t upto,
		  struct zab_snap_stats *st, zab_disklog_note_fn note,
		  void *arg);

struct zab_purge_stats {
	unsigned int snaps;	/* snapshots removed */
	unsigned int segs;	/* segments removed */
	uint64_t bytes;		/* what they held */
};

/*
 * Keeps the newest @retain (>= 1) snapshots and removes the older ones,
 * then the segments whose records all precede the oldest snapshot kept, and
 * what a snapshot left half-written. Never the newest segment. 0, -EBUSY
 * (locked) or -errno.
 */
int zab_snap_purge(int dir_fd, const char *dir, unsigned int retain,
		   struct zab_purge_stats *st, zab_disklog_note_fn note,
		   void *arg);

/*
 * Takes the directory's snapshot lock without waiting: a file descriptor
 * to close to release it, -EBUSY if it is held, or -errno.
 */
int zab_snap_lock(int dir_fd, const char *dir, zab_disklog_note_fn note,
		  void *arg);

#endif
