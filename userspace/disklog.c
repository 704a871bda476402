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

struct seg {
	char *name;
	uint64_t seq;
	uint64_t prev;
	off_t size;
};

struct reader {
	int dir_fd;
	const char *dir;
	struct zab_disklog *log;
	zab_disklog_note_fn note;
	void *arg;
	bool readonly;		/* change nothing: the kernel may be writing */
};

static void say(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->note)
		r->note(r->arg, msg);
}

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

/* Set the segment @name aside as NAME.corrupt. */
static int set_aside(struct reader *r, const char *name, const char *why)
{
	char to[NAME_MAX + 1];

	if (snprintf(to, sizeof(to), "%s%s", name, CORRUPT_SUFFIX) >= (int)sizeof(to))
		return -ENAMETOOLONG;
	if (renameat(r->dir_fd, name, r->dir_fd, to) < 0) {
		say(r, "cannot rename %s/%s: %s", r->dir, name, strerror(errno));
		return -errno;
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
	close(fd);
	if (ret < 0) {
		say(r, "cannot read %s/%s: %s", r->dir, name, strerror(-ret));
		return ret;
	}
	if (be64toh(h.magic) != ZAB_SEG_MAGIC || h.reserved ||
	    be32toh(h.crc) != zab_crc32c(0, &h, offsetof(struct zab_seg_hdr, crc))) {
		if (r->readonly)
			return 0;
		ret = set_aside(r, name, "has a header that does not check");
		return ret < 0 ? ret : 0;
	}
	s->seq = be64toh(h.seq);
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
	int fd, ret = 0;
	DIR *d;

	fd = dup(r->dir_fd);
	if (fd < 0 || !(d = fdopendir(fd))) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		say(r, "cannot list %s: %s", r->dir, strerror(-ret));
		return ret;
	}
	rewinddir(d);
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

/* Apply a TRUNC: forget the records after @zxid. */
static void truncate_after(struct zab_disklog *log, uint64_t zxid)
{
	while (log->n && log->recs[log->n - 1].zxid > zxid)
		log->n--;
	log->last = log->n ? log->recs[log->n - 1].zxid : log->base;
	if (log->commit > log->last)
		log->commit = log->last;
}

/*
 * Check the entry at @off of segment @fd and apply it. 1 if good (*@next is
 * the next entry's offset), 0 if torn or corrupt (*@why says how), -errno.
 */
static int read_entry(struct reader *r, const unsigned char *map,
		      const struct seg *s, uint32_t seg_index, off_t off,
		      off_t *next, char *why, size_t why_len)
{
	struct zab_disklog *log = r->log;
	struct zab_disk_rec rec, copy;
	uint64_t zxid;
	uint32_t len, crc;
	int ret;

	if (s->size - off < (off_t)sizeof(rec)) {
		snprintf(why, why_len, "is torn: %lld of %zu header bytes",
			 (long long)(s->size - off), sizeof(rec));
		return 0;
	}
	memcpy(&rec, map + off, sizeof(rec));
	len = be32toh(rec.len);
	zxid = be64toh(rec.zxid);
	if (rec.type < ZAB_DISK_RECORD || rec.type > ZAB_DISK_COMMIT ||
	    rec.flags || rec.reserved || rec.reserved2 ||
	    (rec.type == ZAB_DISK_RECORD ? !len || len > ZAB_MAX_RECORD_LIMIT : len != 0)) {
		snprintf(why, why_len, "is corrupt: type %u, length %u", rec.type, len);
		return 0;
	}
	if (s->size - off - (off_t)sizeof(rec) < (off_t)len) {
		snprintf(why, why_len, "is torn: %lld of %u payload bytes",
			 (long long)(s->size - off - (off_t)sizeof(rec)), len);
		return 0;
	}
	copy = rec;
	copy.crc = 0;
	crc = zab_crc32c(0, &copy, sizeof(copy));
	crc = zab_crc32c(crc, map + off + sizeof(rec), len);
	if (crc != be32toh(rec.crc)) {
		snprintf(why, why_len, "is corrupt: checksum %08x, expected %08x",
			 crc, be32toh(rec.crc));
		return 0;
	}
	/* a truncation point or commit point lies within the log */
	if ((rec.type == ZAB_DISK_TRUNC || rec.type == ZAB_DISK_COMMIT) && zxid > log->last) {
		snprintf(why, why_len, "is out of order: %s 0x%llx beyond 0x%llx",
			 rec.type == ZAB_DISK_TRUNC ? "truncation after" : "commit",
			 (unsigned long long)zxid, (unsigned long long)log->last);
		return 0;
	}
	switch (rec.type) {
	case ZAB_DISK_RECORD:
		if (!follows(log->last, zxid)) {
			snprintf(why, why_len, "is out of order: record 0x%llx after 0x%llx",
				 (unsigned long long)zxid, (unsigned long long)log->last);
			return 0;
		}
		ret = add_record(log, zxid, (uint64_t)off + sizeof(rec), len, seg_index);
		if (ret < 0)
			return ret;
		break;
	case ZAB_DISK_TRUNC:
		truncate_after(log, zxid);
		break;
	case ZAB_DISK_RESET:
		log->n = 0;
		log->base = log->last = log->commit = zxid;
		break;
	case ZAB_DISK_COMMIT:
		if (zxid > log->commit)
			log->commit = zxid;
		break;
	}
	*next = off + (off_t)sizeof(rec) + len;
	return 1;
}

/*
 * Replay segment @i. 1 if it is whole, 0 if it was cut at a bad entry (the
 * log ends there), -errno.
 */
static int replay(struct reader *r, struct seg *s, uint32_t i)
{
	char why[160];
	off_t off = sizeof(struct zab_seg_hdr), next;
	unsigned char *map;
	int fd, ret = 1;

	fd = openat(r->dir_fd, s->name, (r->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		say(r, "cannot open %s/%s: %s", r->dir, s->name, strerror(errno));
		return -errno;
	}
	/* read in place: one mapping a segment, not two reads an entry */
	map = mmap(NULL, (size_t)s->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		say(r, "cannot read %s/%s: %s", r->dir, s->name, strerror(errno));
		close(fd);
		return ret;
	}
	while (off < s->size) {
		ret = read_entry(r, map, s, i, off, &next, why, sizeof(why));
		if (ret <= 0)
			break;
		off = next;
	}
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
	struct reader r = { dir_fd, dir, log, note, arg, false };

	return scan(&r);
}

int zab_disklog_scan(int dir_fd, struct zab_disklog *log)
{
	struct reader r = { dir_fd, "", log, NULL, NULL, true };

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
	ret = list_segments(r, &segs, &n);
	if (ret < 0)
		return ret;
	log->segs = calloc(n ? n : 1, sizeof(*log->segs));
	if (!log->segs)
		ret = -ENOMEM;
	for (i = 0; ret >= 0 && i < n; i++) {
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
		segs[i].name = NULL;
		log->n_segs = i + 1;
		if (ret == 0) {
			i++;
			break;
		}
	}
	/* whatever follows a cut or a gap is not served: set it aside */
	for (; ret >= 0 && i < n; i++) {
		if (segs[i].seq >= log->next_seq)
			log->next_seq = segs[i].seq + 1;
		if (!r->readonly)
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

void zab_disklog_release(struct zab_disklog *log)
{
	if (log->read_fd >= 0)
		close(log->read_fd);
	for (size_t i = 0; i < log->n_segs; i++)
		free(log->segs[i]);
	free(log->segs);
	free(log->recs);
	memset(log, 0, sizeof(*log));
}
