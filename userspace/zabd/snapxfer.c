// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Snapshots between members. See snapxfer.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/zab.h>

#include "handshake.h"
#include "common/snapshot.h"
#include "auth.h"
#include "snapxfer.h"
#include "sock.h"
#include "wire.h"

#define COPY_BUF	(256U * 1024)

int snapxfer_needed(int dir_fd, uint64_t *base)
{
	struct zab_disklog log;
	const struct zab_snap *snap = &log.snap;
	bool chain;
	int ret = zab_disklog_scan(dir_fd, &log);

	if (ret < 0) {
		zab_disklog_release(&log);
		return ret;
	}
	/* the history goes back to zxid 0 through the newest snapshot, or not */
	chain = snap->name && snap->zxid >= log.base;
	ret = chain ? snap->base > 0 : log.base > 0;
	/* a snapshot from elsewhere must be newer than ours to be the newest */
	*base = chain ? snap->zxid : log.base;
	zab_disklog_release(&log);
	return ret;
}

static void set_timeouts(int fd, int timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000,
	};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int send_all(int fd, const void *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The newest snapshot that covers @from, checks, and goes back to zxid 0
 * (base 0): open, its zxid in *@zxid; -ENOENT if there is none.
 */
static int open_newest(int dir_fd, uint64_t from, uint64_t *zxid)
{
	struct zab_snap_name *names;
	uint64_t base;
	char why[192];
	size_t n;
	int ret, fd = -ENOENT;

	ret = zab_snap_list(dir_fd, &names, &n);
	if (ret < 0)
		return ret;
	while (n && names[n - 1].zxid >= from && fd == -ENOENT) {
		n--;
		if (zab_snap_check(dir_fd, names[n].name, names[n].zxid, &base,
				   why, sizeof(why)) != 1 || base)
			continue;
		fd = openat(dir_fd, names[n].name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		*zxid = names[n].zxid;
	}
	free(names);
	return fd;
}

static int serve(int fd, int dir_fd, const char *dir, uint32_t myid,
		 uint64_t from, uint64_t upto, struct snapxfer_result *res,
		 zab_disklog_note_fn note, void *arg)
{
	struct zab_hs hs = { .type = ZAB_HS_SNAPFILE, .sid = myid };
	struct zab_snap_stats st;
	uint8_t frame[ZAB_HS_SIZE];
	struct stat sb;
	off_t off = 0;
	int file, ret;

	file = open_newest(dir_fd, from, &hs.zxid);
	if (file == -ENOENT && upto >= from) {
		ret = zab_snap_take(dir_fd, dir, upto, &st, note, arg);
		if (!ret || ret == -EALREADY)
			file = open_newest(dir_fd, from, &hs.zxid);
	}
	if (file < 0) {
		hs.zxid = 0;
		zab_hs_encode(&hs, frame);
		send_all(fd, frame, sizeof(frame));
		return file;
	}
	zab_hs_encode(&hs, frame);
	ret = fstat(file, &sb) < 0 ? -errno : send_all(fd, frame, sizeof(frame));
	while (!ret && off < sb.st_size) {
		ssize_t n = sendfile(fd, file, &off, (size_t)(sb.st_size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			ret = n < 0 ? (errno == EAGAIN ? -ETIMEDOUT : -errno) : -EIO;
	}
	close(file);
	snprintf(res->name, sizeof(res->name), "snap.%016llx", (unsigned long long)hs.zxid);
	res->zxid = hs.zxid;
	res->bytes = (uint64_t)sb.st_size;
	return ret;
}

int snapxfer_serve(int fd, int dir_fd, const char *dir, uint32_t myid,
		   uint64_t from, uint64_t upto, int timeout_ms,
		   struct snapxfer_result *res, zab_disklog_note_fn note, void *arg)
{
	int ret = sock_set_blocking(fd, true);

	memset(res, 0, sizeof(*res));
	set_timeouts(fd, timeout_ms);
	if (!ret)
		ret = serve(fd, dir_fd, dir, myid, from, upto, res, note, arg);
	close(fd);
	return ret;
}

static int recv_exact(int fd, void *buf, size_t len)
{
	while (len) {
		ssize_t n = recv(fd, buf, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if (n == 0)
			return -EPIPE;
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

static int connect_to(const struct sockaddr *dst, socklen_t dlen,
		      const struct sockaddr *src, socklen_t slen, int timeout_ms)
{
	struct pollfd p = { .events = POLLOUT };
	bool bind_failed;
	int ret;

	p.fd = sock_connect(dst, dlen, src, slen, &bind_failed);
	if (p.fd < 0)
		return p.fd;
	ret = poll(&p, 1, timeout_ms);
	ret = ret < 0 ? -errno : ret == 0 ? -ETIMEDOUT : sock_connect_result(p.fd);
	if (!ret)
		ret = sock_set_blocking(p.fd, true);
	if (ret < 0) {
		close(p.fd);
		return ret;
	}
	set_timeouts(p.fd, timeout_ms);
	return p.fd;
}

/*
 * The RECORD entries of a snapshot counted as its bytes stream in: its
 * header says how many follow, each entry's header how long it is.
 */
struct snap_counter {
	uint64_t off;		/* bytes seen */
	uint64_t next;		/* where the next header starts */
	uint8_t hdr[sizeof(struct zab_snap_hdr)];	/* the header being read */
	size_t have;		/* its bytes so far */
	uint64_t records;	/* RECORD entries begun */
	uint64_t total;		/* RECORD entries the snapshot's header gives */
};

static void snap_count(struct snap_counter *c, const uint8_t *buf, size_t n)
{
	while (n) {
		size_t want, take;

		if (c->off < c->next) {	/* a payload */
			take = c->next - c->off < n ? (size_t)(c->next - c->off) : n;
			c->off += take;
			buf += take;
			n -= take;
			continue;
		}
		want = c->next ? sizeof(struct zab_disk_rec) : sizeof(struct zab_snap_hdr);
		take = want - c->have < n ? want - c->have : n;
		memcpy(c->hdr + c->have, buf, take);
		c->have += take;
		c->off += take;
		buf += take;
		n -= take;
		if (c->have < want)
			continue;
		c->have = 0;
		if (!c->next) {
			/* the snapshot's header; the first entry follows */
			c->total = get_be64(c->hdr + offsetof(struct zab_snap_hdr, records));
			c->next = c->off;
		} else {
			c->records += c->hdr[0] == ZAB_DISK_RECORD;
			c->next = c->off + get_be32(c->hdr + offsetof(struct zab_disk_rec, len));
		}
	}
}

/*
 * Receives the rest of the stream into @tmp, synced. Its size in *@bytes.
 * @progress, if not NULL, hears of the records and bytes received, and of
 * the bytes in all as the records counted so far foretell them.
 */
static int receive_file(int fd, int dir_fd, const char *tmp, uint64_t *bytes,
			zab_disklog_progress_fn progress, void *arg)
{
	struct snap_counter count = { 0 };
	char *buf = malloc(COPY_BUF);
	int out, ret = 0;

	*bytes = 0;
	out = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0 || !buf) {
		ret = out < 0 ? -errno : -ENOMEM;
		goto done;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, COPY_BUF, 0);
		size_t got = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? (errno == EAGAIN ? -ETIMEDOUT : -errno) : 0;
			break;
		}
		while (!ret && got < (size_t)n) {
			ssize_t w = write(out, buf + got, (size_t)n - got);

			if (w < 0 && errno != EINTR)
				ret = -errno;
			else if (w > 0)
				got += (size_t)w;
		}
		if (ret)
			break;
		*bytes += (uint64_t)n;
		if (!progress)
			continue;
		snap_count(&count, (const uint8_t *)buf, (size_t)n);
		/* bytes per record so far, for the records still to come */
		progress(arg, count.records, *bytes, count.records && count.total > count.records ?
			 *bytes + (uint64_t)((double)*bytes / (double)count.records *
					     (double)(count.total - count.records)) : 0);
	}
	if (!ret && fsync(out) < 0)
		ret = -errno;
done:
	if (out >= 0)
		close(out);
	free(buf);
	return ret;
}

static int fetch(int fd, int dir_fd, const char *dir, uint32_t myid,
		 uint64_t base, uint32_t epoch, struct snapxfer_result *res,
		 zab_disklog_note_fn note, zab_disklog_progress_fn progress, void *arg)
{
	struct zab_hs hs = { .type = ZAB_HS_SNAPREQ, .sid = myid, .epoch = epoch, .zxid = base };
	uint8_t frame[ZAB_HS_SIZE];
	char tmp[48], why[192];
	uint64_t snap_base;
	const char *bad;
	int ret;

	zab_hs_encode(&hs, frame);
	ret = send_all(fd, frame, sizeof(frame));
	if (!ret)
		ret = recv_exact(fd, frame, sizeof(frame));
	if (ret < 0) {
		zab_disk_say(note, arg, "asking for a snapshot: %s", sock_recv_error(fd, ret));
		return ret;
	}
	if (zab_hs_decode(frame, sizeof(frame), ZAB_HS_SNAPFILE, &hs, &bad) < 0) {
		zab_disk_say(note, arg, "asking for a snapshot: bad SNAPFILE: %s", bad);
		return -EPROTO;
	}
	if (!hs.zxid)
		return -ENOENT;
	if (epoch && ZAB_ZXID_EPOCH(hs.zxid) > epoch) {
		zab_disk_say(note, arg, "asking for a snapshot: 0x%llx is of an epoch newer than this member's (%u)",
			     (unsigned long long)hs.zxid, epoch);
		return -EPROTO;
	}
	if (hs.zxid < base) {
		zab_disk_say(note, arg, "asking for a snapshot: it covers up to 0x%llx only, not 0x%llx",
		    (unsigned long long)hs.zxid, (unsigned long long)base);
		return -EPROTO;
	}
	snprintf(res->name, sizeof(res->name), "snap.%016llx", (unsigned long long)hs.zxid);
	snprintf(tmp, sizeof(tmp), "%s.tmp", res->name);
	res->zxid = hs.zxid;
	ret = receive_file(fd, dir_fd, tmp, &res->bytes, progress, arg);
	if (ret < 0) {
		zab_disk_say(note, arg, "receiving %s/%s: %s", dir, tmp, strerror(-ret));
	} else {
		ret = zab_snap_check(dir_fd, tmp, hs.zxid, &snap_base, why, sizeof(why));
		if (ret == 1 && snap_base) {
			/* it would not make this member's history reach zxid 0 */
			snprintf(why, sizeof(why), "starts after 0x%llx, not at zxid 0",
				 (unsigned long long)snap_base);
			ret = 0;
		}
		if (ret == 0) {
			zab_disk_say(note, arg, "the snapshot received as %s/%s %s", dir, tmp, why);
			ret = -EPROTO;
		} else if (ret < 0) {
			zab_disk_say(note, arg, "reading %s/%s: %s", dir, tmp, strerror(-ret));
		}
	}
	if (ret == 1 && renameat(dir_fd, tmp, dir_fd, res->name) < 0)
		ret = -errno;
	if (ret == 1 && fsync(dir_fd) < 0)
		ret = -errno;
	if (ret != 1)
		unlinkat(dir_fd, tmp, 0);
	return ret == 1 ? 0 : ret;
}

int snapxfer_fetch_progress(int dir_fd, const char *dir, const struct sockaddr *dst,
			    socklen_t dlen, const struct sockaddr *src, socklen_t slen,
			    struct zab_auth *auth, uint32_t peer,
			    uint32_t myid, uint64_t base, uint32_t epoch, int timeout_ms,
			    struct snapxfer_result *res, zab_disklog_note_fn note,
			    zab_disklog_progress_fn progress, void *arg)
{
	int fd, lock, ret;

	memset(res, 0, sizeof(*res));
	lock = zab_snap_lock(dir_fd, dir, note, arg);
	if (lock < 0)
		return lock;
	fd = connect_to(dst, dlen, src, slen, timeout_ms);
	if (fd < 0) {
		zab_disk_say(note, arg, "asking for a snapshot: connect: %s", strerror(-fd));
		close(lock);
		return fd;
	}
	if (zab_auth_enabled(auth)) {
		const char *why;

		ret = zab_auth_blocking(auth, fd, ZAB_AUTH_QUORUM, myid, peer, timeout_ms, &why);
		if (ret < 0) {
			zab_disk_say(note, arg, "asking for a snapshot: authentication failed: %s",
				     why);
			if (ret == -EACCES)
				zab_auth_fail(auth, dst, "quorum", why);
			close(fd);
			close(lock);
			return ret == -EACCES ? -EKEYREJECTED : ret;
		}
	}
	ret = fetch(fd, dir_fd, dir, myid, base, epoch, res, note, progress, arg);
	close(fd);
	close(lock);
	return ret;
}
