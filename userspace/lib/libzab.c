// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libzab.h"
#include "name.h"

#define DEFAULT_DEV_DIR "/dev/zab"

int zab_open(const char *name, int flags)
{
	const char *dir = secure_getenv("ZAB_DEV_DIR");
	char path[PATH_MAX];
	int fd;

	if (!name || zab_name_problem(name) || (flags & ~(O_ACCMODE | O_NONBLOCK)))
		return -EINVAL;
	if (!dir || !*dir)
		dir = DEFAULT_DEV_DIR;
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int zab_append(int h, const void *buf, size_t len, uint64_t *zxid)
{
	struct zab_append req = {
		.data = (uintptr_t)buf,
		.len = (uint32_t)len,
	};

	if (len > UINT32_MAX)
		return -EMSGSIZE;
	if (ioctl(h, ZAB_IOC_APPEND, &req) < 0)
		return -errno;
	if (zxid)
		*zxid = req.zxid;
	return 0;
}

/* A module without ZAB_IOC_APPEND_BATCH: the records one at a time. */
static int append_each(int h, const struct iovec *iov, size_t n,
		       uint64_t *zxids, size_t *off)
{
	uint64_t z = 0;
	int err;

	for (; *off < n; ++*off) {
		err = zab_append(h, iov[*off].iov_base, iov[*off].iov_len, &z);
		if (err)
			return err;
		if (zxids)
			zxids[*off] = z;
	}
	return 0;
}

int zab_append_batch(int h, const struct iovec *iov, size_t n,
		     uint64_t *zxids, size_t *done)
{
	struct zab_append *recs;
	struct zab_append_batch b;
	size_t off = 0, i;
	int err = 0;

	if (done)
		*done = 0;
	recs = calloc(n < ZAB_APPEND_BATCH_MAX ? (n ? n : 1) : ZAB_APPEND_BATCH_MAX,
		      sizeof(*recs));
	if (!recs)
		return -ENOMEM;
	while (off < n && !err) {
		memset(&b, 0, sizeof(b));
		b.recs = (uintptr_t)recs;
		b.count = n - off < ZAB_APPEND_BATCH_MAX ? (uint32_t)(n - off) :
							   ZAB_APPEND_BATCH_MAX;
		for (i = 0; i < b.count; i++) {
			if (iov[off + i].iov_len > UINT32_MAX) {
				err = -EMSGSIZE;
				goto out;
			}
			recs[i] = (struct zab_append){
				.data = (uintptr_t)iov[off + i].iov_base,
				.len = (uint32_t)iov[off + i].iov_len,
			};
		}
		if (ioctl(h, ZAB_IOC_APPEND_BATCH, &b) < 0)
			err = -errno;
		if (err == -ENOTTY && !off) {
			err = append_each(h, iov, n, zxids, &off);
			break;
		}
		if (b.done > b.count) {	/* not from this device */
			err = -EPROTO;
			break;
		}
		for (i = 0; zxids && i < b.done; i++)
			zxids[off + i] = recs[i].zxid;
		off += b.done;
		if (!err && b.done < b.count)
			err = -EPROTO;
	}
out:
	free(recs);
	if (done)
		*done = off;
	return err;
}

int zab_write(int h, const void *buf, size_t len)
{
	ssize_t n = write(h, buf, len);

	if (n < 0)
		return -errno;
	/* A record is written whole or not at all. */
	return (size_t)n == len ? 0 : -EIO;
}

ssize_t zab_read(int h, struct zab_rec_hdr *hdr, void *buf, size_t cap)
{
	/* No record exceeds ZAB_MAX_RECORD_LIMIT: no need for a larger copy. */
	size_t room = cap < ZAB_MAX_RECORD_LIMIT ? cap : ZAB_MAX_RECORD_LIMIT;
	size_t size = sizeof(*hdr) + room;
	unsigned char *rec;
	ssize_t n, ret;

	/* The device returns header and payload in one read(2). */
	rec = malloc(size);
	if (!rec)
		return -ENOMEM;
	n = read(h, rec, size);
	if (n <= 0) {
		ret = n < 0 ? -errno : 0;
		goto out;
	}
	if ((size_t)n < sizeof(*hdr)) {
		ret = -EPROTO;
		goto out;
	}
	memcpy(hdr, rec, sizeof(*hdr));
	/* An empty record would read as end of file; the device has none. */
	if (!hdr->len || hdr->len != (size_t)n - sizeof(*hdr)) {
		ret = -EPROTO;
		goto out;
	}
	memcpy(buf, rec + sizeof(*hdr), hdr->len);
	ret = hdr->len;
out:
	free(rec);
	return ret;
}

int zab_seek(int h, uint64_t zxid)
{
	__u64 arg = zxid;

	return ioctl(h, ZAB_IOC_SEEK, &arg) < 0 ? -errno : 0;
}

int zab_sync(int h, uint64_t *zxid)
{
	__u64 z = 0;

	if (ioctl(h, ZAB_IOC_SYNC, &z) < 0)
		return -errno;
	if (zxid)
		*zxid = z;
	return 0;
}

int zab_status(int h, struct zab_status *st)
{
	return ioctl(h, ZAB_IOC_STATUS, st) < 0 ? -errno : 0;
}

int zab_close(int h)
{
	return close(h) < 0 ? -errno : 0;
}
