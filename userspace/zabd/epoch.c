// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "epoch.h"
#include "log.h"
#include "zabd.h"

/* Longer than any valid content: "4294967295\n". */
#define EPOCH_FILE_MAX 32

int zab_epoch_parse(const char *buf, size_t len, uint32_t *epoch,
		    const char **why)
{
	uint64_t v = 0;
	size_t i;

	if (len && buf[len - 1] == '\n')
		len--;
	if (!len) {
		*why = "empty";
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] < '0' || buf[i] > '9') {
			*why = "not a decimal number";
			return -EINVAL;
		}
		v = v * 10 + (uint64_t)(buf[i] - '0');
		if (v > UINT32_MAX) {
			*why = "larger than 4294967295";
			return -EINVAL;
		}
	}
	*epoch = (uint32_t)v;
	return 0;
}

static int path_of(char *buf, size_t len, const char *dir, const char *file)
{
	int n = snprintf(buf, len, "%s/%s", dir, file);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int zab_epoch_read(const char *dir, const char *file, uint32_t *epoch,
		   struct zab_err *err)
{
	char path[4096], buf[EPOCH_FILE_MAX + 1];
	const char *why;
	size_t len = 0;
	int fd, ret;

	*epoch = 0;
	if (path_of(path, sizeof(path), dir, file) < 0)
		return zab_err(err, -ENAMETOOLONG, "%s/%s: path too long", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		ret = errno;
		return zab_err(err, -ret, "%s: cannot open: %s", path, strerror(ret));
	}
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = errno;
			close(fd);
			return zab_err(err, -ret, "%s: read error: %s", path, strerror(ret));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > EPOCH_FILE_MAX)
		return zab_err(err, -EINVAL, "%s: corrupt: too long for an epoch", path);
	if (zab_epoch_parse(buf, len, epoch, &why) < 0)
		return zab_err(err, -EINVAL, "%s: corrupt: %s", path, why);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int zab_epoch_write(const char *dir, const char *file, uint32_t epoch,
		    struct zab_err *err)
{
	char path[4096], tmp[4096], buf[EPOCH_FILE_MAX];
	const char *step;
	int fd, ret, len;

	if (path_of(path, sizeof(path), dir, file) < 0 ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, file) >= (int)sizeof(tmp))
		return zab_err(err, -ENAMETOOLONG, "%s/%s: path too long", dir, file);
	len = snprintf(buf, sizeof(buf), "%" PRIu32 "\n", epoch);
	step = "create";
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	step = "write";
	ret = write_all(fd, buf, (size_t)len);
	if (!ret) {
		step = "fsync";
		ret = fsync(fd) < 0 ? -errno : 0;
	}
	if (close(fd) < 0 && !ret) {
		step = "close";
		ret = -errno;
	}
	if (ret)
		goto fail_unlink;
	if (rename(tmp, path) < 0) {
		ret = -errno;
		unlink(tmp);
		return zab_err(err, ret, "%s: rename to %s: %s", tmp, path,
			       strerror(-ret));
	}
	ret = sync_dir(dir);
	if (ret < 0)
		return zab_err(err, ret, "%s: fsync: %s", dir, strerror(-ret));
	return 0;
fail_unlink:
	unlink(tmp);
fail:
	return zab_err(err, ret, "%s: %s: %s", tmp, step, strerror(-ret));
}

/* The member's epoch files, for the phases (zabd.h) */

/*
 * Writes an epoch file. A failure (a full or failing disk) is not fatal: the
 * caller's phase fails and the member elects again, as ZooKeeper's learner
 * does; the value in memory stays the old one, so nothing is acknowledged on
 * an epoch that is not on disk. Logged once until a write succeeds again.
 */
static int write_epoch(struct zabd *z, const char *file, uint32_t epoch)
{
	struct zab_err err;

	if (zab_epoch_write(z->conf->data_dir, file, epoch, &err) < 0) {
		if (!z->epoch_write_failing)
			zerr("%s: electing again until it can be written", err.msg);
		z->epoch_write_failing = true;
		return -EIO;
	}
	if (z->epoch_write_failing)
		zinfo("%s/%s can be written again", z->conf->data_dir, file);
	z->epoch_write_failing = false;
	return 0;
}

int zabd_set_accepted_epoch(struct zabd *z, uint32_t epoch)
{
	int ret = write_epoch(z, ZAB_ACCEPTED_EPOCH_FILE, epoch);

	if (!ret)
		z->accepted_epoch = epoch;
	return ret;
}

int zabd_set_current_epoch(struct zabd *z, uint32_t epoch)
{
	int ret = write_epoch(z, ZAB_CURRENT_EPOCH_FILE, epoch);

	if (!ret)
		z->current_epoch = epoch;
	return ret;
}
