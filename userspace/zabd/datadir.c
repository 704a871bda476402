// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "datadir.h"

int zab_datadir_open(const char *dir, struct zab_err *err)
{
	char path[4096];
	int fd, ret;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		ret = errno;
		return zab_err(err, -ret, "dataDir %s: cannot create: %s", dir,
			       strerror(ret));
	}
	if (snprintf(path, sizeof(path), "%s/.lock", dir) >= (int)sizeof(path))
		return zab_err(err, -ENAMETOOLONG, "dataDir %s: path too long", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = errno;
		return zab_err(err, -ret, "%s: cannot open: %s", path, strerror(ret));
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno;
		close(fd);
		if (ret == EWOULDBLOCK)
			return zab_err(err, -ret, "dataDir %s is in use by another zabd", dir);
		return zab_err(err, -ret, "%s: cannot lock: %s", path, strerror(ret));
	}
	return fd;
}
