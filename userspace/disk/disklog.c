// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Reading the log on disk back, and repairing it where it is torn or
 * corrupt. See disklog.h.
 */

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/zab.h>

#include "crc32c.h"
#include "disklog.h"

#define SEG_PREFIX	"log."
#define CORRUPT_SUFFIX	".corrupt"
#define SNAP_PREFIX	"snap."
#define UNSYNCED_TMP	"unsynced.tmp"

struct seg {
	char *name;
	uint64_t seq;
	uint64_t prev;
	uint32_t nonce;		/* 0: format 1, no DURABLE entries */
	off_t size;
};

struct reader {
	int dir_fd;
	const char *dir;
	struct zab_disklog *log;
	zab_disklog_note_fn note;
	void *arg;
	bool readonly;		/* change nothing: the kernel may be writing */
	zab_disklog_progress_fn progress;	/* or NULL */
	uint64_t entries, bytes, total;		/* for @progress */
	bool torn;		/* the last bad entry ran past the end, nothing whole after */
	uint64_t uncovered;	/* the first segment follows this, no snapshot covers it (starts_log()) */
};

static int mark_lost(struct reader *r, const char *where);
static bool bad_data(int err);
static int mark_unreadable(struct reader *r, const char *name, off_t at);
static int write_all(int fd, const void *buf, size_t len);
static int durable_in_file(struct reader *r, const struct seg *s, off_t from, uint64_t last);

/* Entries between two calls of the progress function within a segment. */
#define PROGRESS_EVERY	4096

void zab_disk_say(zab_disklog_note_fn note, void *arg, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!note)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	note(arg, msg);
}

#define say(r, ...) zab_disk_say((r)->note, (r)->arg, __VA_ARGS__)

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Is @zxid allowed right after @prev? See kmod/zxid.h. */
static bool follows(uint64_t prev, uint64_t zxid)
{
	if (ZAB_ZXID_EPOCH(zxid) == ZAB_ZXID_EPOCH(prev))
		return zxid == prev + 1;
	return ZAB_ZXID_COUNTER(zxid) == 1 &&
	       ZAB_ZXID_EPOCH(zxid) > ZAB_ZXID_EPOCH(prev);
}

DIR *zab_disk_opendir(int dir_fd)
{
	int fd = dup(dir_fd);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int err = errno;

		close(fd);
		errno = err;
		return NULL;
	}
	rewinddir(d);
	return d;
}

/*
 * Moves @from (a name in the directory) to NAME.corrupt, or NAME.N.corrupt
 * if that is taken: nothing set aside is ever replaced. The name used in
 * @to. 0 or -errno.
 */
static int rename_unique(struct reader *r, const char *from, const char *name, char *to,
			 size_t to_len)
{
	for (unsigned int n = 0; n < 1000; n++) {
		int len = n ? snprintf(to, to_len, "%s.%u%s", name, n, CORRUPT_SUFFIX) :
			      snprintf(to, to_len, "%s%s", name, CORRUPT_SUFFIX);

		if (len >= (int)to_len)
			return -ENAMETOOLONG;
		if (!renameat2(r->dir_fd, from, r->dir_fd, to, RENAME_NOREPLACE))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* fsync the directory @dir_fd. 0 or -errno. */
static int sync_dir(int dir_fd)
{
	return fsync(dir_fd) < 0 ? -errno : 0;
}

int zab_disklog_mark_unsynced(int dir_fd, const char *why)
{
	int fd, ret;

	/* what a crash left, or a link planted there: never followed */
	if (unlinkat(dir_fd, UNSYNCED_TMP, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = openat(dir_fd, UNSYNCED_TMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0644);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, why, strlen(why));
	if (!ret)
		ret = write_all(fd, "\n", 1);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (!ret && renameat(dir_fd, UNSYNCED_TMP, dir_fd, ZAB_DISKLOG_UNSYNCED) < 0)
		ret = -errno;
	if (!ret)
		ret = sync_dir(dir_fd);
	if (ret < 0)
		unlinkat(dir_fd, UNSYNCED_TMP, 0);
	return ret;
}

int zab_disklog_unsynced(int dir_fd, char *why, size_t len)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(dir_fd, ZAB_DISKLOG_UNSYNCED,
		    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (fstat(fd, &st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;	/* a mark that could never be removed */
	}
	n = len ? read(fd, why, len - 1) : 0;
	close(fd);
	if (len) {
		why[n > 0 ? n : 0] = '\0';
		why[strcspn(why, "\n")] = '\0';
	}
	return 1;
}

int zab_disklog_clear_unsynced(int dir_fd)
{
	if (unlinkat(dir_fd, ZAB_DISKLOG_UNSYNCED, 0) < 0)
		return errno == ENOENT ? 0 : -errno;
	return sync_dir(dir_fd);
}

/*
 * What is lost had been on disk (a DURABLE entry follows it, @where): the
 * member may have acknowledged it. Marked before anything is cut, so that a
 * crash during the repair cannot forget it. 0 or -errno.
 */
static int mark_lost(struct reader *r, const char *where)
{
	char why[NAME_MAX + 160];
	int ret;

	snprintf(why, sizeof(why), "records on disk were lost: %s", where);
	ret = zab_disklog_mark_unsynced(r->dir_fd, why);
	if (ret < 0) {
		say(r, "cannot write %s/%s: %s", r->dir, ZAB_DISKLOG_UNSYNCED, strerror(-ret));
		return ret;
	}
	r->log->lost = true;
	say(r, "%s: records were lost after they were on disk (%s): this member may have acknowledged them, and votes again only once a leader elected without it has synchronised it (%s/%s)",
	    r->dir, where, r->dir, ZAB_DISKLOG_UNSYNCED);
	return 0;
}

/* Set the segment @name aside as NAME.corrupt (rename_unique()). */
static int set_aside(struct reader *r, const char *name, const char *why)
{
	char to[NAME_MAX + 1];
	int ret;

	ret = rename_unique(r, name, name, to, sizeof(to));
	if (ret < 0) {
		say(r, "cannot rename %s/%s: %s", r->dir, name, strerror(-ret));
		return ret;
	}
	say(r, "%s/%s %s: set aside as %s", r->dir, name, why, to);
	r->log->repaired++;
	return 0;
}

static int read_exact(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		got += (size_t)n;
	}
	return 0;
}

/* Read the header of segment @name. 1 if good, 0 if set aside, or -errno. */
static int read_header(struct reader *r, const char *name, struct seg *s)
{
	struct zab_seg_hdr h;
	struct stat st;
	int fd, ret;

	fd = openat(r->dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
		say(r, "cannot read %s/%s: %s", r->dir, name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (st.st_size < (off_t)sizeof(h)) {
		close(fd);
		if (r->readonly)
			return 0;
		/* created, then a crash before its header was whole: no records */
		if (unlinkat(r->dir_fd, name, 0) < 0) {
			say(r, "cannot remove %s/%s: %s", r->dir, name, strerror(errno));
			return -errno;
		}
		say(r, "%s/%s has no whole header (%lld bytes): removed",
		    r->dir, name, (long long)st.st_size);
		return 0;
	}
	ret = read_exact(fd, &h, sizeof(h), 0);
	/* once more after a pause, as readable_upto() */
	if (ret < 0 && bad_data(-ret)) {
		usleep(100 * 1000);
		ret = read_exact(fd, &h, sizeof(h), 0);
	}
	close(fd);
	/*
	 * A header that cannot be read: the segment's sequence is unknown,
	 * so it is set aside whole, as one that does not check, and what
	 * follows it is cut (zab_disklog_recover()). Its first block held
	 * records too: marked as a loss (mark_unreadable()).
	 */
	if (ret < 0 && bad_data(-ret)) {
		char why[96];
		int err = -ret;

		/* a reader that repairs nothing must not see a shorter log */
		if (r->readonly) {
			say(r, "cannot read %s/%s: %s", r->dir, name, strerror(err));
			return -err;
		}
		ret = mark_unreadable(r, name, 0);
		if (ret < 0)
			return ret;
		snprintf(why, sizeof(why), "has a header that cannot be read (%s)", strerror(err));
		ret = set_aside(r, name, why);
		return ret < 0 ? ret : 0;
	}
	if (ret < 0) {
		say(r, "cannot read %s/%s: %s", r->dir, name, strerror(-ret));
		return ret;
	}
	if ((be64toh(h.magic) == ZAB_SEG_MAGIC ? !h.nonce :
	     be64toh(h.magic) != ZAB_SEG_MAGIC_V1 || h.nonce) ||
	    be32toh(h.crc) != zab_crc32c(0, &h, offsetof(struct zab_seg_hdr, crc))) {
		if (r->readonly)
			return 0;
		ret = set_aside(r, name, "has a header that does not check");
		return ret < 0 ? ret : 0;
	}
	s->seq = be64toh(h.seq);
	s->nonce = be32toh(h.nonce);
	s->prev = be64toh(h.prev);
	s->size = st.st_size;
	return 1;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* The segments of the directory with a good header, by sequence number. */
static int list_segments(struct reader *r, struct seg **segsp, size_t *np)
{
	struct seg *segs = NULL, s;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int ret = 0;
	DIR *d;

	d = zab_disk_opendir(r->dir_fd);
	if (!d) {
		ret = -errno;
		say(r, "cannot list %s: %s", r->dir, strerror(-ret));
		return ret;
	}
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, SEG_PREFIX, strlen(SEG_PREFIX)) ||
		    ends_with(e->d_name, CORRUPT_SUFFIX))
			continue;
		memset(&s, 0, sizeof(s));
		ret = read_header(r, e->d_name, &s);
		if (ret < 0)
			break;
		if (!ret)
			continue;
		if (n == cap) {
			struct seg *more = realloc(segs, (cap ? cap * 2 : 8) * sizeof(*segs));

			if (!more) {
				ret = -ENOMEM;
				break;
			}
			segs = more;
			cap = cap ? cap * 2 : 8;
		}
		s.name = strdup(e->d_name);
		if (!s.name) {
			ret = -ENOMEM;
			break;
		}
		segs[n++] = s;
	}
	closedir(d);
	if (ret < 0) {
		while (n)
			free(segs[--n].name);
		free(segs);
		return ret;
	}
	if (n)
		qsort(segs, n, sizeof(*segs), seg_cmp);
	*segsp = segs;
	*np = n;
	return 0;
}

/* "snap." and 16 hex digits: the zxid of the name into *@zxid. */
static bool snap_name(const char *name, uint64_t *zxid)
{
	uint64_t z = 0;
	const char *p;

	if (strncmp(name, SNAP_PREFIX, strlen(SNAP_PREFIX)) ||
	    strlen(name) != strlen(SNAP_PREFIX) + 16)
		return false;
	for (p = name + strlen(SNAP_PREFIX); *p; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;

		if (d < 0)
			return false;
		z = z << 4 | (uint64_t)d;
	}
	*zxid = z;
	return true;
}

static int snap_cmp(const void *a, const void *b)
{
	const struct zab_snap_name *x = a, *y = b;

	return (x->zxid > y->zxid) - (x->zxid < y->zxid);
}

int zab_snap_list(int dir_fd, struct zab_snap_name **namesp, size_t *np)
{
	struct zab_snap_name *names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	uint64_t zxid;
	int ret = 0;
	DIR *d;

	d = zab_disk_opendir(dir_fd);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!snap_name(e->d_name, &zxid))
			continue;
		if (n == cap) {
			size_t more_cap = cap ? cap * 2 : 8;
			struct zab_snap_name *more = realloc(names, more_cap * sizeof(*more));

			if (!more) {
				ret = -ENOMEM;
				break;
			}
			names = more;
			cap = more_cap;
		}
		names[n].zxid = zxid;
		memcpy(names[n].name, e->d_name, strlen(e->d_name) + 1);
		n++;
	}
	closedir(d);
	if (ret < 0) {
		free(names);
		return ret;
	}
	if (n)
		qsort(names, n, sizeof(*names), snap_cmp);
	*namesp = names;
	*np = n;
	return 0;
}

#define SCAN_CHUNK	(1U << 20)

/*
 * Errors a read returns for data it cannot give back, as opposed to a
 * reader's own fault: EIO from the block layer, EBADMSG/EUCLEAN from a file
 * system's checksums, EILSEQ.
 */
static bool bad_data(int err)
{
	return err == EIO || err == EBADMSG || err == EUCLEAN || err == EILSEQ;
}

/*
 * How much of @fd, from its start, can be read, up to @len: the offset of
 * the first block that cannot be (EIO), else @len (or less, if the file is
 * shorter); -errno on another error. What it read stays in the page cache,
 * so a mapping of it afterwards does not go to the disk again: a bad block
 * becomes the end of what is parsed, not a SIGBUS in the parser.
 */
static off_t readable_upto(int fd, off_t len)
{
	unsigned char *buf = malloc(SCAN_CHUNK);
	unsigned int tries = 0;
	off_t got = 0;

	if (!buf)
		return -ENOMEM;
	while (got < len) {
		size_t want = len - got < SCAN_CHUNK ? (size_t)(len - got) : SCAN_CHUNK;
		ssize_t n = pread(fd, buf, want, got);

		if (n < 0 && errno == EINTR)
			continue;
		/* once more after a pause: a path that failed over, a timeout */
		if (n < 0 && bad_data(errno) && !tries++) {
			usleep(100 * 1000);
			continue;
		}
		if (n < 0 && bad_data(errno))
			break;
		if (n < 0) {
			got = -errno;
			break;
		}
		if (n == 0)
			break;
		got += n;
	}
	free(buf);
	return got;
}

/* Check the whole snapshot @name (taken at @zxid) and index its records
 * into @snap. 1 if good, 0 if not (@why says how), -errno. */
static int read_snapshot(int dir_fd, const char *name, uint64_t zxid,
			 struct zab_snap *snap, char *why, size_t why_len)
{
	struct zab_snap_hdr h;
	struct zab_disk_entry e;
	unsigned char *map = NULL;
	uint64_t off = sizeof(h), records, last = 0, n = 0;
	struct stat st;
	off_t readable;
	int fd, ret = 1;

	memset(snap, 0, sizeof(*snap));
	fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (st.st_size < (off_t)sizeof(h)) {
		snprintf(why, why_len, "is torn: %lld of %zu header bytes",
			 (long long)st.st_size, sizeof(h));
		close(fd);
		return 0;
	}
	readable = readable_upto(fd, st.st_size);
	if (readable < st.st_size) {
		if (readable < 0) {
			close(fd);
			return (int)readable;
		}
		snprintf(why, why_len, "has a block that cannot be read at offset %lld",
			 (long long)readable);
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		close(fd);
		return ret;
	}
	memcpy(&h, map, sizeof(h));
	records = be64toh(h.records);
	if (be64toh(h.magic) != ZAB_SNAP_MAGIC || h.reserved ||
	    be32toh(h.crc) != zab_crc32c(0, &h, offsetof(struct zab_snap_hdr, crc))) {
		snprintf(why, why_len, "has a header that does not check");
		ret = 0;
	} else if (be64toh(h.zxid) != zxid || be64toh(h.base) > zxid ||
		   records > (uint64_t)st.st_size / sizeof(struct zab_disk_rec)) {
		snprintf(why, why_len, "has a header that does not fit its name (zxid 0x%llx, base 0x%llx, %llu records)",
			 (unsigned long long)be64toh(h.zxid),
			 (unsigned long long)be64toh(h.base),
			 (unsigned long long)records);
		ret = 0;
	} else {
		snap->base = last = be64toh(h.base);
		snap->zxid = zxid;
		snap->recs = calloc(records ? records : 1, sizeof(*snap->recs));
		if (!snap->recs)
			ret = -ENOMEM;
	}
	while (ret > 0) {
		char what[128];

		ret = zab_disk_entry_parse(map, (uint64_t)st.st_size, off, &e,
					   what, sizeof(what));
		if (ret == 0) {
			snprintf(why, why_len, "has an entry at offset %llu that %s",
				 (unsigned long long)off, what);
			break;
		}
		if (e.type == ZAB_DISK_COMMIT && e.zxid == zxid && n == records &&
		    e.next == (uint64_t)st.st_size)
			break;	/* its end: the whole snapshot checks */
		if (e.type != ZAB_DISK_RECORD || e.zxid <= last || e.zxid > zxid ||
		    n == records) {
			snprintf(why, why_len, "has an entry at offset %llu that does not belong there (type %u, zxid 0x%llx)",
				 (unsigned long long)off, e.type,
				 (unsigned long long)e.zxid);
			ret = 0;
			break;
		}
		snap->recs[n++] = (struct zab_disklog_rec){ e.zxid, e.payload, e.len, 0 };
		last = e.zxid;
		off = e.next;
	}
	munmap(map, (size_t)st.st_size);
	if (ret > 0) {
		snap->n = n;
		snap->name = strdup(name);
		ret = snap->name ? 1 : -ENOMEM;
	}
	if (ret <= 0) {
		close(fd);
		zab_snap_release(snap);
		return ret;
	}
	/* kept open: the file read is the file checked, renamed over or not */
	snap->fd = fd;
	return 1;
}

int zab_snap_check(int dir_fd, const char *name, uint64_t zxid,
		   uint64_t *base, char *why, size_t why_len)
{
	struct zab_snap snap;
	int ret = read_snapshot(dir_fd, name, zxid, &snap, why, why_len);

	if (ret > 0) {
		*base = snap.base;
		zab_snap_release(&snap);
	}
	return ret;
}

void zab_snap_release(struct zab_snap *snap)
{
	if (snap->name)
		close(snap->fd);
	free(snap->name);
	free(snap->recs);
	memset(snap, 0, sizeof(*snap));
}

/*
 * The newest snapshot that checks, into r->log->snap (none: name NULL).
 * Newer ones that do not check are set aside, unless read-only.
 */
static int find_snapshot(struct reader *r)
{
	struct zab_snap_name *names;
	char why[192];
	size_t n;
	int ret;

	ret = zab_snap_list(r->dir_fd, &names, &n);
	if (ret < 0) {
		say(r, "cannot list %s: %s", r->dir, strerror(-ret));
		return ret;
	}
	while (n) {
		n--;
		ret = read_snapshot(r->dir_fd, names[n].name, names[n].zxid,
				    &r->log->snap, why, sizeof(why));
		if (ret < 0)
			say(r, "cannot read %s/%s: %s", r->dir, names[n].name,
			    strerror(-ret));
		if (ret != 0)
			break;
		if (!r->readonly) {
			ret = set_aside(r, names[n].name, why);
			if (ret < 0)
				break;
		}
	}
	free(names);
	return ret < 0 ? ret : 0;
}

/*
 * The first segment follows @prev: the records up to it were purged, which
 * the newest snapshot must cover. If it does not, a RESET later in the log
 * may still make those records moot (a SNAP after an earlier purge, and a
 * snapshot of this member's own taken after it, which starts at the RESET):
 * the log is read on from @prev, noted in r->uncovered, and a segment is
 * missing only if no RESET comes (uncovered_fails()).
 */
static void starts_log(struct reader *r, const struct seg *s)
{
	const struct zab_snap *snap = &r->log->snap;

	if (!s->prev)
		return;
	if (!snap->name || s->prev > snap->zxid || s->prev < snap->base)
		r->uncovered = s->prev;
	r->log->base = r->log->last = r->log->commit = s->prev;
}

/*
 * After the segments are read: if the first one follows records no
 * snapshot covers, and no RESET made them moot, a segment is missing: the
 * log is empty, and every segment, @segs (@n) and those read into the log,
 * is set aside from the first. Returns the index in @segs to set aside
 * from: 0 then, else @i.
 */
static size_t uncovered_fails(struct reader *r, struct seg *segs, size_t n, size_t i)
{
	struct zab_disklog *log = r->log;
	const struct zab_snap *snap = &log->snap;

	if (!r->uncovered)
		return i;
	say(r, "%s/%s follows 0x%llx, which %s: a segment is missing",
	    r->dir, log->n_segs ? log->segs[0] : segs[0].name, (unsigned long long)r->uncovered,
	    snap->name ? "the newest snapshot does not cover" : "no snapshot covers");
	for (size_t j = 0; j < log->n_segs && j < n; j++) {
		segs[j].name = log->segs[j];
		log->segs[j] = NULL;
	}
	log->n_segs = 0;
	log->n = 0;
	log->base = log->last = log->commit = 0;
	return 0;
}

static int add_record(struct zab_disklog *log, uint64_t zxid, uint64_t off,
		      uint32_t len, uint32_t seg)
{
	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 256;
		struct zab_disklog_rec *more = realloc(log->recs, cap * sizeof(*more));

		if (!more)
			return -ENOMEM;
		log->recs = more;
		log->cap = cap;
	}
	log->recs[log->n++] = (struct zab_disklog_rec){ zxid, off, len, seg };
	log->last = zxid;
	return 0;
}

/*
 * Apply a TRUNC: forget the records after @zxid. A TRUNC below the log's
 * base cuts records of a segment purged since (the segment it starts
 * follows them): the log then starts at @zxid, the point of the history
 * the TRUNC kept, not at those records, which no history holds.
 */
static void truncate_after(struct zab_disklog *log, uint64_t zxid)
{
	while (log->n && log->recs[log->n - 1].zxid > zxid)
		log->n--;
	if (zxid < log->base)	/* every record is above the base: none left */
		log->base = zxid;
	log->last = log->n ? log->recs[log->n - 1].zxid : log->base;
	if (log->commit > log->last)
		log->commit = log->last;
}

/* Do the fields of @rec, but its checksum, make an entry? */
static bool header_sane(const struct zab_disk_rec *rec)
{
	uint32_t len = be32toh(rec->len);

	return rec->type >= ZAB_DISK_RECORD && rec->type <= ZAB_DISK_DURABLE &&
	       !rec->flags && !rec->reserved &&
	       (rec->type == ZAB_DISK_DURABLE ? !!rec->reserved2 : !rec->reserved2) &&
	       (rec->type == ZAB_DISK_RECORD ? len && len <= ZAB_MAX_RECORD_LIMIT : !len);
}

int zab_disk_entry_parse(const unsigned char *map, uint64_t size, uint64_t off,
			 struct zab_disk_entry *e, char *why, size_t why_len)
{
	struct zab_disk_rec rec, copy;
	uint32_t len, crc;

	e->torn = true;
	if (size - off < sizeof(rec)) {
		snprintf(why, why_len, "is torn: %llu of %zu header bytes",
			 (unsigned long long)(size - off), sizeof(rec));
		return 0;
	}
	memcpy(&rec, map + off, sizeof(rec));
	len = be32toh(rec.len);
	if (!header_sane(&rec)) {
		snprintf(why, why_len, "is corrupt: type %u, length %u", rec.type, len);
		e->torn = false;
		return 0;
	}
	if (size - off - sizeof(rec) < len) {
		snprintf(why, why_len, "is torn: %llu of %u payload bytes",
			 (unsigned long long)(size - off - sizeof(rec)), len);
		return 0;
	}
	copy = rec;
	copy.crc = 0;
	crc = zab_crc32c(0, &copy, sizeof(copy));
	crc = zab_crc32c(crc, map + off + sizeof(rec), len);
	if (crc != be32toh(rec.crc)) {
		snprintf(why, why_len, "is corrupt: checksum %08x, expected %08x",
			 crc, be32toh(rec.crc));
		e->torn = false;
		return 0;
	}
	e->type = rec.type;
	e->nonce = be32toh(rec.reserved2);
	e->len = len;
	e->zxid = be64toh(rec.zxid);
	e->payload = off + sizeof(rec);
	e->next = e->payload + len;
	return 1;
}

/* Bytes of checksums whole_entry_after() computes, at most. */
#define WHOLE_CRC_BUDGET (64U << 20)

enum whole { WHOLE_NONE, WHOLE_FOUND, WHOLE_GAVE_UP };

/*
 * Is there a whole entry, of any type, after @off (whose length runs past
 * the end: the rest is shorter than one record, at most 16 MiB)? A crash
 * tears only the tail being written: a whole entry after a length that
 * runs past the end means a bad length, not a torn tail, and what follows
 * must be kept. WHOLE_FOUND with its offset in *@at, WHOLE_NONE, or
 * WHOLE_GAVE_UP once WHOLE_CRC_BUDGET bytes were checksummed (a payload
 * full of headers that look whole) without an answer.
 */
static enum whole whole_entry_after(const unsigned char *map, uint64_t size, uint64_t off,
				    uint64_t *at)
{
	uint64_t budget = WHOLE_CRC_BUDGET;
	struct zab_disk_entry e;
	struct zab_disk_rec rec;
	char why[96];

	for (off++; off + sizeof(rec) <= size; off++) {
		uint64_t len;

		memcpy(&rec, map + off, sizeof(rec));
		len = sizeof(rec) + be32toh(rec.len);
		if (!header_sane(&rec) || len > size - off)
			continue;
		if (len > budget)
			return WHOLE_GAVE_UP;
		budget -= len;
		if (zab_disk_entry_parse(map, size, off, &e, why, sizeof(why)) == 1) {
			*at = off;
			return WHOLE_FOUND;
		}
	}
	return WHOLE_NONE;
}

/*
 * Are the bytes at @p a whole DURABLE entry of the segment of @nonce, for a
 * last record other than @last? The same one: only entries that are no
 * records were lost (a commit point, say). A lower one follows a lost
 * truncation, and records after it, acknowledged in a new leader's sync.
 */
static bool is_durable(const unsigned char *p, uint32_t nonce, uint64_t last)
{
	struct zab_disk_entry e;
	char why[96];

	if (p[0] != ZAB_DISK_DURABLE || p[1] || p[4] || p[5] || p[6] || p[7])
		return false;
	return zab_disk_entry_parse(p, sizeof(struct zab_disk_rec), 0, &e, why,
				    sizeof(why)) == 1 &&
	       e.type == ZAB_DISK_DURABLE && e.nonce == nonce && e.zxid != last;
}

/* Bytes durable_in_file() reads at a time. */
/*
 * Is there a DURABLE entry of segment @s (cut, or about to be set aside)
 * from @from on, for a last record other than @last (is_durable())?
 * Then what is lost before it had been on disk: mark_lost(). Each offset is
 * tried (what follows damage need not start where an entry does); a
 * candidate costs a 24-byte checksum. Read with pread(), not a mapping: a
 * block that cannot be read (EIO) is skipped, not a SIGBUS. 0 (not found,
 * or marked), -errno if the mark cannot be written or memory is short.
 */
static int durable_in_file(struct reader *r, const struct seg *s, off_t from, uint64_t last)
{
	const size_t rec = sizeof(struct zab_disk_rec);
	char where[NAME_MAX + 64];
	unsigned char *buf;
	off_t off = from, unreadable = -1;
	int fd, found = 0;

	if (r->readonly || r->log->lost || !s->nonce)
		return 0;
	fd = openat(r->dir_fd, s->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* set_aside() says what is wrong with it */
	buf = malloc(SCAN_CHUNK);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (!found && off < s->size) {
		ssize_t n = pread(fd, buf, SCAN_CHUNK, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (unreadable < 0)
				unreadable = off;
			off = (off | 4095) + 1;	/* an unreadable block: the next one */
			continue;
		}
		if (n == 0)
			break;
		for (size_t i = 0; i + rec <= (size_t)n; i++) {
			if (is_durable(buf + i, s->nonce, last)) {
				found = 1;
				off += (off_t)i;
				break;
			}
		}
		if (!found)	/* an entry across two reads is read whole with the next */
			off += n > (ssize_t)rec ? n - (ssize_t)rec + 1 : n;
	}
	free(buf);
	close(fd);
	if (!found)
		return unreadable < 0 ? 0 : mark_unreadable(r, s->name, unreadable);
	snprintf(where, sizeof(where), "%s has a durable point at offset %llu after the damage",
		 s->name, (unsigned long long)off);
	return mark_lost(r, where);
}

/*
 * A block of segment @name at @at cannot be read: a disk's error destroys
 * what had been on disk, and the DURABLE entry that would prove it may have
 * gone with it (it shares a page with the records it vouches for). Marked,
 * as a loss: the member abstains until synchronised, which costs it only
 * its vote. 0, or -errno if the mark cannot be written.
 */
static int mark_unreadable(struct reader *r, const char *name, off_t at)
{
	char where[NAME_MAX + 64];

	if (r->readonly || r->log->lost)
		return 0;
	snprintf(where, sizeof(where), "%s has a block that cannot be read at offset %lld",
		 name, (long long)at);
	return mark_lost(r, where);
}

/*
 * Check the entry at @off of segment @s and apply it. 1 if good (*@next is
 * the next entry's offset), 0 if torn or corrupt (*@why says how), -errno.
 */
static int read_entry(struct reader *r, const unsigned char *map,
		      const struct seg *s, uint32_t seg_index, off_t off,
		      off_t *next, char *why, size_t why_len)
{
	struct zab_disklog *log = r->log;
	struct zab_disk_entry e;
	int ret;

	ret = zab_disk_entry_parse(map, (uint64_t)s->size, (uint64_t)off, &e,
				   why, why_len);
	r->torn = ret == 0 && e.torn;
	if (r->torn && (uint64_t)(s->size - off) > sizeof(struct zab_disk_rec)) {
		uint64_t at = 0;

		switch (whole_entry_after(map, (uint64_t)s->size, (uint64_t)off, &at)) {
		case WHOLE_FOUND:
			snprintf(why, why_len,
				 "is corrupt: its length runs past the end of the segment, yet a whole entry follows at offset %llu",
				 (unsigned long long)at);
			r->torn = false;
			break;
		case WHOLE_GAVE_UP:
			r->torn = false;	/* not known: keep what follows */
			break;
		case WHOLE_NONE:
			break;
		}
	}
	if (ret <= 0)
		return ret;
	/* a truncation, commit or durable point lies within the log */
	if ((e.type == ZAB_DISK_TRUNC || e.type == ZAB_DISK_COMMIT ||
	     e.type == ZAB_DISK_DURABLE) && e.zxid > log->last) {
		snprintf(why, why_len, "is out of order: %s 0x%llx beyond 0x%llx",
			 e.type == ZAB_DISK_TRUNC ? "truncation after" :
			 e.type == ZAB_DISK_COMMIT ? "commit" : "durable point",
			 (unsigned long long)e.zxid, (unsigned long long)log->last);
		return 0;
	}
	switch (e.type) {
	case ZAB_DISK_RECORD:
		if (!follows(log->last, e.zxid)) {
			snprintf(why, why_len, "is out of order: record 0x%llx after 0x%llx",
				 (unsigned long long)e.zxid, (unsigned long long)log->last);
			return 0;
		}
		ret = add_record(log, e.zxid, e.payload, e.len, seg_index);
		if (ret < 0)
			return ret;
		break;
	case ZAB_DISK_TRUNC:
		truncate_after(log, e.zxid);
		break;
	case ZAB_DISK_RESET:
		r->uncovered = 0;	/* whatever came before is moot */
		log->n = 0;
		log->base = log->last = log->commit = e.zxid;
		break;
	case ZAB_DISK_COMMIT:
		if (e.zxid > log->commit)
			log->commit = e.zxid;
		break;
	case ZAB_DISK_DURABLE:
		if (e.nonce != s->nonce) {
			snprintf(why, why_len, "is corrupt: a durable point of another segment");
			return 0;
		}
		break;
	}
	*next = (off_t)e.next;
	return 1;
}

/* Writes all of @buf to @fd. 0 or -errno. */
static int write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* The temporary name of a copy being written: not a segment's (SEG_PREFIX). */
#define COPY_TMP	"corrupt-copy.tmp"
#define COPY_CHUNK	(64 * 1024)

/*
 * Before segment @name (open as @fd, @size bytes) is cut at a corrupt entry:
 * a copy of it as it is kept as NAME.corrupt (or NAME.N.corrupt), written
 * to a temporary name, fsynced, renamed, the directory fsynced, so that
 * what follows the cut (records perhaps in no other file) stays for
 * inspection. Read from the file, not a mapping: a block that cannot be
 * read (EIO) is copied as zeros and said so. 0 or -errno: then nothing may
 * be cut.
 */
static int keep_copy(struct reader *r, const char *name, int fd, off_t size)
{
	char to[NAME_MAX + 1], buf[COPY_CHUNK];
	unsigned int unreadable = 0;
	off_t done = 0;
	int out, ret = 0;

	unlinkat(r->dir_fd, COPY_TMP, 0);	/* from a start that did not finish */
	out = openat(r->dir_fd, COPY_TMP, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0) {
		ret = -errno;
		say(r, "cannot create %s/%s: %s", r->dir, COPY_TMP, strerror(-ret));
		return ret;
	}
	while (done < size && !ret) {
		size_t want = size - done < COPY_CHUNK ? (size_t)(size - done) : COPY_CHUNK;
		ssize_t n = pread(fd, buf, want, done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && bad_data(errno)) {
			/* the bad block, to the end of its page, as zeros */
			n = (ssize_t)(((done | 4095) + 1) - done);
			if ((size_t)n > want)
				n = (ssize_t)want;
			memset(buf, 0, (size_t)n);
			unreadable++;
		} else if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		ret = write_all(out, buf, (size_t)n);
		done += n;
	}
	if (!ret && fsync(out) < 0)
		ret = -errno;
	close(out);
	if (!ret)
		ret = rename_unique(r, COPY_TMP, name, to, sizeof(to));
	if (!ret && fsync(r->dir_fd) < 0)
		ret = -errno;
	if (ret) {
		say(r, "cannot keep a copy of %s/%s: %s", r->dir, name, strerror(-ret));
		unlinkat(r->dir_fd, COPY_TMP, 0);
		return ret;
	}
	say(r, "%s/%s: a copy as it was kept as %s%s", r->dir, name, to,
	    unreadable ? " (with blocks that could not be read as zeros)" : "");
	return 0;
}

/* Reads up to @len bytes from the start of @fd: how many, or -errno. */
static off_t read_upto(int fd, unsigned char *buf, off_t len)
{
	off_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, buf + got, (size_t)(len - got), got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/*
 * Replay segment @i. 1 if it is whole, 0 if it was cut at a bad entry (the
 * log ends there), -errno.
 */
static int replay(struct reader *r, struct seg *s, uint32_t i)
{
	char why[160];
	off_t off = sizeof(struct zab_seg_hdr), next, file_size = s->size, bad = -1;
	unsigned char *map;
	int fd, ret = 1;

	fd = openat(r->dir_fd, s->name, (r->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		say(r, "cannot open %s/%s: %s", r->dir, s->name, strerror(errno));
		return -errno;
	}
	/*
	 * Read in place: one mapping a segment, not two reads an entry. A
	 * reader beside the kernel reads a copy instead, as far as the file
	 * goes: the kernel may cut the segment's tail (a failed write) under a
	 * mapping, which would kill the reader with SIGBUS. The mapping covers
	 * what could be read first (readable_upto()): a block that cannot be
	 * read ends the parse there, as damage, not with SIGBUS.
	 */
	if (r->readonly) {
		map = malloc((size_t)s->size);
		if (map)
			s->size = read_upto(fd, map, s->size);
	} else {
		off_t ok = readable_upto(fd, s->size);

		if (ok >= 0 && ok < s->size) {
			bad = ok;
			s->size = ok > off ? ok : off;	/* the header was read before */
		}
		map = ok < 0 ? NULL : mmap(NULL, (size_t)s->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			map = NULL;
		if (ok < 0)
			errno = (int)-ok;
	}
	if (!map || s->size < 0) {
		ret = map ? (int)s->size : -errno;
		if (!map && r->readonly)
			ret = -ENOMEM;
		s->size = file_size;
		say(r, "cannot read %s/%s: %s", r->dir, s->name, strerror(-ret));
		free(r->readonly ? map : NULL);
		close(fd);
		return ret;
	}
	while (off < s->size) {
		ret = read_entry(r, map, s, i, off, &next, why, sizeof(why));
		if (ret <= 0)
			break;
		r->entries++;
		if (r->progress && !(r->entries % PROGRESS_EVERY))
			r->progress(r->arg, r->entries, r->bytes + (uint64_t)next, r->total);
		off = next;
	}
	if (!r->readonly && bad >= 0) {
		/* damage, not a torn write: marked, searched, kept */
		if (ret == 1 || r->torn)
			snprintf(why, sizeof(why),
				 "lies in or before a block that cannot be read (offset %lld)",
				 (long long)bad);
		else if (ret == 0 && strlen(why) + 48 < sizeof(why))
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 " (a block at offset %lld cannot be read)", (long long)bad);
		if (ret > 0)
			ret = 0;
		r->torn = false;
		munmap(map, (size_t)s->size);
		s->size = file_size;
		map = NULL;
		if (ret == 0)
			ret = mark_unreadable(r, s->name, bad);
	}
	r->bytes += (uint64_t)s->size;
	if (r->progress)
		r->progress(r->arg, r->entries, r->bytes, r->total);
	/*
	 * A cut before a RESET made an uncovered start moot: the log is
	 * refused whole (uncovered_fails()), its records all lost, so a
	 * durable point at any zxid after the cut counts.
	 */
	if (ret == 0)
		ret = durable_in_file(r, s, off + 1, r->uncovered ? 0 : r->log->last);
	if (ret == 0 && !r->readonly && !r->torn) {
		int err = keep_copy(r, s->name, fd, s->size);

		if (err < 0)
			ret = err;	/* cut nothing we could not keep */
	}
	if (r->readonly)
		free(map);
	else if (map)
		munmap(map, (size_t)s->size);
	if (ret == 0 && !r->readonly) {
		say(r, "%s/%s: the entry at offset %lld %s; the log ends before it (last zxid 0x%llx)",
		    r->dir, s->name, (long long)off, why, (unsigned long long)r->log->last);
		if (ftruncate(fd, off) < 0 || fsync(fd) < 0) {
			ret = -errno;
			say(r, "cannot truncate %s/%s: %s", r->dir, s->name, strerror(errno));
		}
		r->log->repaired++;
	}
	close(fd);
	return ret;
}

static int scan(struct reader *r);

int zab_disklog_recover(int dir_fd, const char *dir, struct zab_disklog *log,
			zab_disklog_note_fn note, void *arg)
{
	return zab_disklog_recover_progress(dir_fd, dir, log, note, NULL, arg);
}

int zab_disklog_recover_progress(int dir_fd, const char *dir, struct zab_disklog *log,
				 zab_disklog_note_fn note, zab_disklog_progress_fn progress,
				 void *arg)
{
	struct reader r = {
		.dir_fd = dir_fd, .dir = dir, .log = log, .note = note, .arg = arg,
		.progress = progress,
	};

	return scan(&r);
}

int zab_disklog_scan(int dir_fd, struct zab_disklog *log)
{
	struct reader r = { .dir_fd = dir_fd, .dir = "", .log = log, .readonly = true };

	return scan(&r);
}

static int scan(struct reader *r)
{
	struct zab_disklog *log = r->log;
	const char *dir = r->dir;
	struct seg *segs = NULL;
	size_t n = 0, i;
	int ret;

	memset(log, 0, sizeof(*log));
	log->next_seq = 1;
	log->read_fd = -1;
	ret = find_snapshot(r);
	if (ret < 0)
		return ret;
	ret = list_segments(r, &segs, &n);
	if (ret < 0)
		return ret;
	for (i = 0; i < n; i++)
		r->total += (uint64_t)segs[i].size;
	log->segs = calloc(n ? n : 1, sizeof(*log->segs));
	log->seg_prev = calloc(n ? n : 1, sizeof(*log->seg_prev));
	if (!log->segs || !log->seg_prev)
		ret = -ENOMEM;
	for (i = 0; ret >= 0 && i < n; i++) {
		if (!i)
			starts_log(r, &segs[i]);
		if (i && (segs[i].seq != segs[i - 1].seq + 1 || segs[i].prev != log->last)) {
			say(r, "%s/%s does not continue %s (sequence %llu after %llu, it follows 0x%llx, the log ends at 0x%llx): a segment is missing",
			    dir, segs[i].name, segs[i - 1].name,
			    (unsigned long long)segs[i].seq,
			    (unsigned long long)segs[i - 1].seq,
			    (unsigned long long)segs[i].prev,
			    (unsigned long long)log->last);
			break;
		}
		if (segs[i].seq >= log->next_seq)
			log->next_seq = segs[i].seq + 1;
		ret = replay(r, &segs[i], (uint32_t)i);
		log->segs[i] = segs[i].name;
		log->seg_prev[i] = segs[i].prev;
		segs[i].name = NULL;
		log->n_segs = i + 1;
		if (ret == 0) {
			i++;
			break;
		}
	}
	if (ret >= 0)
		i = uncovered_fails(r, segs, n, i);
	/* whatever follows a cut or a gap is not served: set it aside */
	for (; ret >= 0 && i < n; i++) {
		if (segs[i].seq >= log->next_seq)
			log->next_seq = segs[i].seq + 1;
		if (!r->readonly)
			ret = durable_in_file(r, &segs[i], sizeof(struct zab_seg_hdr),
					      r->log->last);
		if (!r->readonly && ret >= 0)
			ret = set_aside(r, segs[i].name, "follows a damaged part of the log");
	}
	if (ret > 0)
		ret = 0;
	for (i = 0; i < n; i++)
		free(segs[i].name);
	free(segs);
	if (!ret && log->repaired && fsync(r->dir_fd) < 0)
		ret = -errno;
	return ret;
}

int zab_disklog_read(int dir_fd, struct zab_disklog *log, size_t i,
		     void *buf)
{
	const struct zab_disklog_rec *rec = &log->recs[i];

	if (log->read_fd < 0 || log->read_seg != rec->seg) {
		if (log->read_fd >= 0)
			close(log->read_fd);
		log->read_fd = openat(dir_fd, log->segs[rec->seg], O_RDONLY | O_CLOEXEC);
		if (log->read_fd < 0)
			return -errno;
		log->read_seg = rec->seg;
	}
	return read_exact(log->read_fd, buf, rec->len, (off_t)rec->off);
}

int zab_disklog_read_snap(struct zab_disklog *log, size_t i, void *buf)
{
	const struct zab_disklog_rec *rec = &log->snap.recs[i];

	return read_exact(log->snap.fd, buf, rec->len, (off_t)rec->off);
}

void zab_disklog_release(struct zab_disklog *log)
{
	if (log->read_fd >= 0)
		close(log->read_fd);
	for (size_t i = 0; i < log->n_segs; i++)
		free(log->segs[i]);
	free(log->segs);
	free(log->seg_prev);
	free(log->recs);
	zab_snap_release(&log->snap);
	memset(log, 0, sizeof(*log));
}
