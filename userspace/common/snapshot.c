// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Snapshots: compaction of the log by key, and purge. See snapshot.h.
 */

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/zab.h>

#include "disk/crc32c.h"
#include "lib/libzab.h"
#include "snapshot.h"

#define LOCK_NAME	"snap.lock"
#define TMP_SUFFIX	".tmp"
#define OUT_BUF		(1U << 20)

struct ctx {
	int dir_fd;
	const char *dir;
	zab_disklog_note_fn note;
	void *arg;
};

#define say(c, ...) zab_disk_say((c)->note, (c)->arg, __VA_ARGS__)

int zab_snap_lock(int dir_fd, const char *dir, zab_disklog_note_fn note,
		  void *arg)
{
	struct ctx c = { dir_fd, dir, note, arg };
	int fd = openat(dir_fd, LOCK_NAME, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		say(&c, "cannot open %s/%s: %s", dir, LOCK_NAME, strerror(errno));
		return -errno;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno == EWOULDBLOCK ? EBUSY : errno;

		close(fd);
		return -err;
	}
	return fd;
}

/* A record the snapshot is made of, mapped. */
struct src {
	const unsigned char *data;
	uint32_t len;
	uint64_t zxid;
};

struct map {
	unsigned char *addr;
	size_t len;
};

static int map_file(const struct ctx *c, const char *name, struct map *m)
{
	struct stat st;
	int fd = openat(c->dir_fd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		int err = errno;

		say(c, "cannot read %s/%s: %s", c->dir, name, strerror(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	m->len = (size_t)st.st_size;
	m->addr = m->len ? mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (m->addr == MAP_FAILED) {
		m->addr = NULL;
		say(c, "cannot read %s/%s: %s", c->dir, name, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Key lookup: open addressing over the indices of keyed records. */
struct keys {
	size_t *slot;		/* index + 1 of the key's last record, 0: free */
	size_t mask;
};

static bool key_of(const struct src *s, const void **key, size_t *len)
{
	const void *val;
	size_t val_len;

	return zab_kv_decode(s->data, s->len, key, len, &val, &val_len) == 1;
}

static bool is_delete(const struct src *s)
{
	const void *key, *val;
	size_t key_len, val_len;

	return zab_kv_decode(s->data, s->len, &key, &key_len, &val, &val_len) == 1 &&
	       !val_len;
}

/* The slot of @key: where its last record is, or the free one for it. */
static size_t *key_slot(struct keys *k, const struct src *srcs, const void *key,
			size_t len)
{
	size_t i = zab_crc32c(0, key, len) & k->mask;

	for (;; i = (i + 1) & k->mask) {
		const void *other;
		size_t other_len;

		if (!k->slot[i])
			return &k->slot[i];
		key_of(&srcs[k->slot[i] - 1], &other, &other_len);
		if (other_len == len && !memcmp(other, key, len))
			return &k->slot[i];
	}
}

/* Marks in @keep the records compaction keeps: 0 or -ENOMEM. */
static int compact(const struct src *srcs, size_t n, bool *keep)
{
	struct keys k;
	size_t cap = 16;
	const void *key;
	size_t len;

	while (cap < 2 * n)
		cap *= 2;
	k.slot = calloc(cap, sizeof(*k.slot));
	if (!k.slot)
		return -ENOMEM;
	k.mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		if (key_of(&srcs[i], &key, &len))
			*key_slot(&k, srcs, key, len) = i + 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!key_of(&srcs[i], &key, &len))
			keep[i] = true;
		else
			keep[i] = *key_slot(&k, srcs, key, len) == i + 1 &&
				  !is_delete(&srcs[i]);
	}
	free(k.slot);
	return 0;
}

static void fill_entry(struct zab_disk_rec *rec, uint8_t type, uint64_t zxid,
		       const void *data, uint32_t len)
{
	uint32_t crc;

	memset(rec, 0, sizeof(*rec));
	rec->type = type;
	rec->len = htobe32(len);
	rec->zxid = htobe64(zxid);
	crc = zab_crc32c(0, rec, sizeof(*rec));
	rec->crc = htobe32(zab_crc32c(crc, data, len));
}

/* Writes the kept records of @srcs to @fd as a snapshot at @zxid. */
static int write_snapshot(int fd, const struct src *srcs, size_t n,
			  const bool *keep, uint64_t zxid, uint64_t base,
			  struct zab_snap_stats *st)
{
	struct zab_snap_hdr h = { 0 };
	struct zab_disk_rec rec;
	FILE *f;
	int ret = 0;

	f = fdopen(dup(fd), "w");
	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOFBF, OUT_BUF);
	fwrite(&h, sizeof(h), 1, f);
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		fill_entry(&rec, ZAB_DISK_RECORD, srcs[i].zxid, srcs[i].data, srcs[i].len);
		fwrite(&rec, sizeof(rec), 1, f);
		fwrite(srcs[i].data, srcs[i].len, 1, f);
		st->kept++;
	}
	fill_entry(&rec, ZAB_DISK_COMMIT, zxid, NULL, 0);
	fwrite(&rec, sizeof(rec), 1, f);
	st->bytes = (uint64_t)ftello(f);
	if (ferror(f) || fflush(f))
		ret = -(errno ? errno : EIO);
	if (fclose(f) && !ret)
		ret = -(errno ? errno : EIO);
	if (ret)
		return ret;
	h.magic = htobe64(ZAB_SNAP_MAGIC);
	h.zxid = htobe64(zxid);
	h.base = htobe64(base);
	h.records = htobe64(st->kept);
	h.crc = htobe32(zab_crc32c(0, &h, offsetof(struct zab_snap_hdr, crc)));
	if (pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return -(errno ? errno : EIO);
	if (fsync(fd) < 0)
		return -errno;
	return 0;
}

/* The index of @zxid among the records of @log, or log->n. */
static size_t find(const struct zab_disklog *log, uint64_t zxid)
{
	size_t lo = 0, hi = log->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (log->recs[mid].zxid < zxid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < log->n && log->recs[lo].zxid == zxid ? lo : log->n;
}

/*
 * What the snapshot at @upto is made of: the newest snapshot, if the
 * segments go on from it, then the segments' records up to @upto.
 */
static int gather(const struct ctx *c, const struct zab_disklog *log,
		  size_t last, struct map *maps, struct src *srcs, size_t *np,
		  uint64_t *base)
{
	const struct zab_snap *snap = &log->snap;
	bool chain = snap->name && snap->zxid >= log->base;
	size_t n = 0;
	int ret;

	*base = chain ? snap->base : log->base;
	if (chain) {
		ret = map_file(c, snap->name, &maps[log->n_segs]);
		if (ret < 0)
			return ret;
		for (size_t i = 0; i < snap->n; i++) {
			const struct zab_disklog_rec *r = &snap->recs[i];

			if (r->off + r->len > maps[log->n_segs].len)
				return -EIO;	/* changed under us */
			srcs[n++] = (struct src){ maps[log->n_segs].addr + r->off,
						  r->len, r->zxid };
		}
	}
	for (size_t i = 0; i <= last; i++) {
		const struct zab_disklog_rec *r = &log->recs[i];
		struct map *m = &maps[r->seg];

		if (chain && r->zxid <= snap->zxid)
			continue;
		if (!m->addr) {
			ret = map_file(c, log->segs[r->seg], m);
			if (ret < 0)
				return ret;
		}
		if (r->off + r->len > m->len)
			return -EIO;
		srcs[n++] = (struct src){ m->addr + r->off, r->len, r->zxid };
	}
	*np = n;
	return 0;
}

static int take(const struct ctx *c, uint64_t upto, struct zab_snap_stats *st)
{
	struct zab_disklog log;
	struct map *maps = NULL;
	struct src *srcs = NULL;
	bool *keep = NULL;
	char tmp[64];
	size_t last, n = 0;
	uint64_t base = 0;
	int fd = -1, ret;

	ret = zab_disklog_scan(c->dir_fd, &log);
	if (ret < 0) {
		say(c, "cannot read the log in %s: %s", c->dir, strerror(-ret));
		zab_disklog_release(&log);
		return ret;
	}
	last = find(&log, upto);
	if (log.snap.name && upto <= log.snap.zxid) {
		ret = -EALREADY;
		goto out;
	}
	if (last == log.n) {
		say(c, "the log in %s does not hold 0x%llx (it ends at 0x%llx)",
		    c->dir, (unsigned long long)upto, (unsigned long long)log.last);
		ret = -ENODATA;
		goto out;
	}
	maps = calloc(log.n_segs + 1, sizeof(*maps));
	srcs = calloc(log.snap.n + last + 1, sizeof(*srcs));
	keep = calloc(log.snap.n + last + 1, sizeof(*keep));
	if (!maps || !srcs || !keep) {
		ret = -ENOMEM;
		goto out;
	}
	ret = gather(c, &log, last, maps, srcs, &n, &base);
	if (!ret)
		ret = compact(srcs, n, keep);
	if (ret < 0)
		goto out;
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "snap.%016llx", (unsigned long long)upto);
	snprintf(tmp, sizeof(tmp), "%s%s", st->name, TMP_SUFFIX);
	st->zxid = upto;
	st->base = base;
	st->read = n;
	fd = openat(c->dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		say(c, "cannot create %s/%s: %s", c->dir, tmp, strerror(errno));
		goto out;
	}
	ret = write_snapshot(fd, srcs, n, keep, upto, base, st);
	if (ret < 0)
		say(c, "cannot write %s/%s: %s", c->dir, tmp, strerror(-ret));
	if (!ret && renameat(c->dir_fd, tmp, c->dir_fd, st->name) < 0) {
		ret = -errno;
		say(c, "cannot rename %s/%s: %s", c->dir, tmp, strerror(errno));
	}
	if (!ret && fsync(c->dir_fd) < 0)
		ret = -errno;
	if (ret < 0)
		unlinkat(c->dir_fd, tmp, 0);
out:
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; maps && i <= log.n_segs; i++) {
		if (maps[i].addr)
			munmap(maps[i].addr, maps[i].len);
	}
	free(maps);
	free(srcs);
	free(keep);
	zab_disklog_release(&log);
	return ret;
}

int zab_snap_take(int dir_fd, const char *dir, uint64_t upto,
		  struct zab_snap_stats *st, zab_disklog_note_fn note, void *arg)
{
	struct ctx c = { dir_fd, dir, note, arg };
	int lock, ret;

	lock = zab_snap_lock(dir_fd, dir, note, arg);
	if (lock < 0)
		return lock;
	ret = take(&c, upto, st);
	close(lock);
	return ret;
}

/* Removes @name, adding its size to @st. */
static int remove_file(const struct ctx *c, const char *name,
		       struct zab_purge_stats *st)
{
	struct stat sb;

	if (fstatat(c->dir_fd, name, &sb, 0) == 0)
		st->bytes += (uint64_t)sb.st_size;
	if (unlinkat(c->dir_fd, name, 0) < 0 && errno != ENOENT) {
		say(c, "cannot remove %s/%s: %s", c->dir, name, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Removes what a snapshot that did not finish left: "snap.Z.tmp". */
static int remove_leftovers(const struct ctx *c, struct zab_purge_stats *st)
{
	struct dirent *e;
	int ret = 0;
	DIR *d;

	d = zab_disk_opendir(c->dir_fd);
	if (!d)
		return -errno;
	while (!ret && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (!strncmp(e->d_name, "snap.", 5) && len > strlen(TMP_SUFFIX) &&
		    !strcmp(e->d_name + len - strlen(TMP_SUFFIX), TMP_SUFFIX))
			ret = remove_file(c, e->d_name, st);
	}
	closedir(d);
	return ret;
}

/*
 * The snapshots older than the newest that checks, beyond @retain - 1 of
 * them, go (newer ones that do not check count for nothing and stay, for
 * recovery to set aside); then the leading segments whose records all come
 * before the oldest snapshot kept, as long as the segment that then comes
 * first starts where the newest snapshot can take over (its base).
 */
static int purge(const struct ctx *c, unsigned int retain,
		 struct zab_purge_stats *st)
{
	struct zab_snap_name *names = NULL;
	struct zab_disklog log;
	size_t n = 0, i, newest;
	uint64_t oldest;
	int ret;

	ret = remove_leftovers(c, st);
	if (ret < 0)
		return ret;
	ret = zab_disklog_scan(c->dir_fd, &log);
	if (ret < 0 || !log.snap.name)
		goto out;
	ret = zab_snap_list(c->dir_fd, &names, &n);
	for (newest = n; !ret && newest > 0 && names[newest - 1].zxid != log.snap.zxid; newest--)
		;
	if (ret < 0 || !newest)
		goto out;
	/* names[newest - 1] is the one that checks: keep it and retain - 1 before */
	for (i = 0; !ret && newest > retain && i < newest - retain; i++) {
		ret = remove_file(c, names[i].name, st);
		if (!ret)
			st->snaps++;
	}
	oldest = names[i].zxid;
	/*
	 * A segment goes once the next one follows a zxid the snapshots
	 * cover, compared as zxids, not looked up in the history: the next
	 * one may follow proposals no leader committed, above the history's
	 * point below them; it then starts with the TRUNC or RESET that cut
	 * them, which recovery takes for the log's start (truncate_after()).
	 */
	for (i = 0; !ret && i + 1 < log.n_segs && log.seg_prev[i + 1] <= oldest &&
	     log.seg_prev[i + 1] >= log.snap.base; i++) {
		ret = remove_file(c, log.segs[i], st);
		if (!ret)
			st->segs++;
	}
out:
	free(names);
	zab_disklog_release(&log);
	return ret;
}

int zab_snap_purge(int dir_fd, const char *dir, unsigned int retain,
		   struct zab_purge_stats *st, zab_disklog_note_fn note,
		   void *arg)
{
	struct ctx c = { dir_fd, dir, note, arg };
	int lock, ret;

	memset(st, 0, sizeof(*st));
	if (!retain)
		return -EINVAL;
	lock = zab_snap_lock(dir_fd, dir, note, arg);
	if (lock < 0)
		return lock;
	ret = purge(&c, retain, st);
	if (!ret && (st->snaps || st->segs) && fsync(dir_fd) < 0)
		ret = -errno;
	close(lock);
	return ret;
}
