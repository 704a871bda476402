/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The log on disk, as zabd reads it back at start: the segments the kernel
 * wrote in dataDir (uapi/linux/zab.h, "The log on disk"), replayed in order
 * into the records the member holds, its commit point, and where the next
 * segment's sequence starts; and the newest snapshot that checks. Segments
 * whose records a snapshot holds may have been purged: the first segment
 * then follows a zxid the snapshot covers.
 *
 * Reading stops at the first entry that is torn (cut short by a crash) or
 * corrupt (a checksum, a field or a zxid that does not fit); the log is
 * repaired so that it ends there: the segment is truncated at that entry,
 * every later segment is renamed NAME.corrupt, and so is a segment whose
 * header does not check. The member then holds a prefix of its history and
 * gets the rest from the leader (DIFF, or SNAP), never serving what it
 * could not read back.
 *
 * A whole DURABLE entry after the damage (in the same segment, or in one
 * set aside) says that what was lost had been on disk, so the member may
 * have acknowledged it: unlike a tail torn before its fsync, ZAB does not
 * allow for that. Before anything is cut, the directory is then marked
 * (ZAB_DISKLOG_UNSYNCED, and log->lost): zabd keeps such a member from
 * voting until a leader elected without it has synchronised it.
 */
#ifndef ZAB_DISKLOG_H
#define ZAB_DISKLOG_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zab_disklog_rec {
	uint64_t zxid;
	uint64_t off;		/* of the payload in its segment */
	uint32_t len;
	uint32_t seg;		/* index in zab_disklog.segs */
};

/* A snapshot (uapi/linux/zab.h, "Snapshots") that checks, indexed. */
struct zab_snap {
	char *name;		/* NULL: there is none */
	int fd;			/* the file, open while name is set */
	uint64_t zxid;		/* taken at */
	uint64_t base;		/* the records it stands for follow this */
	struct zab_disklog_rec *recs;	/* what it holds, in zxid order */
	size_t n;
};

struct zab_disklog {
	struct zab_snap snap;	/* the newest snapshot that checks */
	char **segs;		/* names of the segments read, in order */
	uint64_t *seg_prev;	/* the zxid each of them follows */
	size_t n_segs;
	struct zab_disklog_rec *recs;	/* the records, in zxid order */
	size_t n, cap;
	uint64_t base;		/* zxid the records follow (a RESET, or the
				 * first segment's after a purge), else 0 */
	uint64_t last;		/* last zxid, or base if none */
	uint64_t commit;	/* a commit point known from the log, <= last */
	uint64_t next_seq;	/* for the segments the kernel creates next */
	unsigned int repaired;	/* entries or segments found bad and cut off */
	bool lost;		/* some had been on disk: marked unsynced */
	int read_fd;		/* zab_disklog_read()'s segment, or -1 */
	uint32_t read_seg;
};

/* How the reader tells what it found and did: a whole sentence, no newline. */
typedef void (*zab_disklog_note_fn)(void *arg, const char *msg);

/* Formats a note and hands it to @note, if not NULL. */
void zab_disk_say(zab_disklog_note_fn note, void *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Reads the segments in the directory @dir_fd (named @dir in notes) and
 * repairs the log as said above. 0, or -errno if the directory or a segment
 * cannot be read or repaired (notes say which). Release with
 * zab_disklog_release() in both cases.
 */
int zab_disklog_recover(int dir_fd, const char *dir, struct zab_disklog *log,
			zab_disklog_note_fn note, void *arg);

/*
 * How far zab_disklog_recover_progress() got: entries and bytes of the
 * segments read so far, of @total bytes in all. Called every few thousand
 * entries and at the end of each segment.
 */
typedef void (*zab_disklog_progress_fn)(void *arg, uint64_t entries, uint64_t bytes,
					uint64_t total);

/* zab_disklog_recover(), telling @progress (if not NULL) how far it got. */
int zab_disklog_recover_progress(int dir_fd, const char *dir, struct zab_disklog *log,
				 zab_disklog_note_fn note, zab_disklog_progress_fn progress,
				 void *arg);

/*
 * Reads record @i's payload into @buf (its len bytes). 0 or -errno. Keeps
 * the segment open for the next record.
 */
int zab_disklog_read(int dir_fd, struct zab_disklog *log, size_t i,
		     void *buf);

/* As zab_disklog_read(), for record @i of the snapshot. */
int zab_disklog_read_snap(struct zab_disklog *log, size_t i, void *buf);

/*
 * As zab_disklog_recover(), but changing nothing and saying nothing: for a
 * reader of the records that left the window, while the kernel appends.
 * The log it gives ends at the first entry it cannot read whole.
 */
int zab_disklog_scan(int dir_fd, struct zab_disklog *log);

void zab_disklog_release(struct zab_disklog *log);

/* The mark of a log that lost records it had on disk, in its directory. */
#define ZAB_DISKLOG_UNSYNCED	"unsynced"

/* Marks the directory @dir_fd, @why its text (a line); durable. 0 or -errno. */
int zab_disklog_mark_unsynced(int dir_fd, const char *why);

/*
 * Is the directory @dir_fd marked? 1 and its text in @why (@len bytes, NUL
 * included), 0 if not, -errno.
 */
int zab_disklog_unsynced(int dir_fd, char *why, size_t len);

/* Removes the mark, durably. 0 (also if there was none) or -errno. */
int zab_disklog_clear_unsynced(int dir_fd);

/* One entry of a segment or snapshot, checked by zab_disk_entry_parse(). */
struct zab_disk_entry {
	uint8_t type;		/* enum zab_disk_type */
	uint32_t nonce;		/* DURABLE: its segment's (reserved2) */
	uint32_t len;
	uint64_t zxid;
	uint64_t payload;	/* offset of the payload */
	uint64_t next;		/* offset of the next entry */
	bool torn;		/* (when it does not check) it runs past the end */
};

/*
 * Checks the entry at @off of the @size bytes at @map: 1 and *@e if it is
 * whole and checks, 0 if it is torn or corrupt (@why says how, as in "is
 * torn: 3 of 24 header bytes"; @e->torn says which).
 */
int zab_disk_entry_parse(const unsigned char *map, uint64_t size, uint64_t off,
			 struct zab_disk_entry *e, char *why, size_t why_len);

struct zab_snap_name {
	char name[32];		/* "snap." and 16 hex digits */
	uint64_t zxid;
};

/* A listing of the directory @dir_fd, from its start; NULL and errno. */
DIR *zab_disk_opendir(int dir_fd);

/* The snapshots of the directory by name, oldest first. 0 or -errno. */
int zab_snap_list(int dir_fd, struct zab_snap_name **names, size_t *n);

void zab_snap_release(struct zab_snap *snap);

/*
 * Checks the whole snapshot file @name as one taken at @zxid: 1 and its
 * base in *@base if it checks, 0 if not (@why says how), -errno if it
 * cannot be read.
 */
int zab_snap_check(int dir_fd, const char *name, uint64_t zxid,
		   uint64_t *base, char *why, size_t why_len);

#endif
