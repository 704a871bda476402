// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * zabd's snapshots: every second it looks at how many records were
 * committed (the kernel's commits counter) and how many bytes the segments
 * hold since the last snapshot; past snapCount or snapBytes it takes one at
 * the point both committed and on disk, then purges to snapRetainCount
 * snapshots. The work happens in a child process, so that zabd's loop (and
 * with it elections and the hand-over of followers) never waits on it; the
 * broadcast itself runs in the kernel and does not notice. A snapshot that
 * "zabctl snapshot" took is purged to the same count.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "snapshot.h"
#include "zabd.h"

#define SNAPD_PERIOD_MS	1000

enum { CHILD_DONE, CHILD_FAILED, CHILD_NOTHING };

struct snapd {
	struct zabd *z;
	int dir_fd;
	struct timer timer;
	pid_t pid;		/* the child at work, or 0 */
	int pidfd;
	struct watch watch;
	uint64_t commits_at;	/* the commits counter at the last snapshot */
	uint64_t commits_now;	/* ... when the child started */
	uint64_t bytes_at;	/* segment bytes after the last snapshot */
};

static void note(void *arg, const char *msg)
{
	(void)arg;
	zwarn("%s", msg);
}

/* Bytes in the segments of the directory; the snapshot count in *@snaps. */
static uint64_t log_bytes(int dir_fd, size_t *snaps)
{
	uint64_t bytes = 0;
	struct dirent *e;
	struct stat st;
	int fd = dup(dir_fd);
	DIR *d;

	*snaps = 0;
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		if (!strncmp(e->d_name, "snap.", 5) && strlen(e->d_name) == 21)
			(*snaps)++;
		else if (!strncmp(e->d_name, "log.", 4) &&
			 fstatat(dir_fd, e->d_name, &st, 0) == 0)
			bytes += (uint64_t)st.st_size;
	}
	closedir(d);
	return bytes;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* The child: snapshot at @upto (unless 0), then purge. Never returns. */
static void child(struct snapd *s, uint64_t upto)
{
	const struct zab_conf *conf = s->z->conf;
	struct zab_purge_stats ps;
	struct zab_snap_stats st;
	struct timespec t0;
	int ret = 0, status = CHILD_NOTHING;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (upto) {
		ret = zab_snap_take(s->dir_fd, conf->data_dir, upto, &st, note, NULL);
		if (!ret) {
			zinfo("snapshot %s/%s at 0x%" PRIx64 ": %" PRIu64 " of %" PRIu64 " records kept, %" PRIu64 " bytes, in %.0f ms",
			      conf->data_dir, st.name, st.zxid, st.kept, st.read,
			      st.bytes, ms_since(&t0));
			status = CHILD_DONE;
		} else if (ret != -EALREADY && ret != -EBUSY) {
			zerr("snapshot of the log in %s at 0x%" PRIx64 ": %s",
			     conf->data_dir, upto, strerror(-ret));
			status = CHILD_FAILED;
		}
	}
	ret = zab_snap_purge(s->dir_fd, conf->data_dir, conf->snap_retain, &ps,
			     note, NULL);
	if (ret < 0 && ret != -EBUSY) {
		zerr("purge of %s: %s", conf->data_dir, strerror(-ret));
		status = CHILD_FAILED;
	} else if (!ret && (ps.snaps || ps.segs)) {
		zinfo("purged %s: %u snapshots and %u segments, %" PRIu64 " bytes",
		      conf->data_dir, ps.snaps, ps.segs, ps.bytes);
	}
	_exit(status);
}

static void child_exited(struct watch *w, uint32_t events)
{
	struct snapd *s = w->arg;
	size_t snaps;
	int status;

	(void)events;
	if (waitpid(s->pid, &status, WNOHANG) == 0)
		return;
	loop_unwatch(&s->z->loop, &s->watch);
	close(s->pidfd);
	s->pidfd = -1;
	s->pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == CHILD_FAILED)
		zwarn("snapshot or purge of %s failed; next try after %" PRIu64 " more records",
		      s->z->conf->data_dir, s->z->conf->snap_count);
	/* tried: the next one when as much again was committed or logged */
	s->commits_at = s->commits_now;
	s->bytes_at = log_bytes(s->dir_fd, &snaps);
}

static void start_child(struct snapd *s, uint64_t upto)
{
	pid_t pid;
	int pidfd;

	pid = fork();
	if (pid < 0) {
		zerr("snapshot: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0)
		child(s, upto);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || loop_watch(&s->z->loop, &s->watch, pidfd, EPOLLIN) < 0) {
		/* cannot watch it: wait for it here, as rare as it is */
		zwarn("snapshot: cannot watch process %d: waiting for it", (int)pid);
		if (pidfd >= 0)
			close(pidfd);
		waitpid(pid, NULL, 0);
		s->commits_at = s->commits_now;
		return;
	}
	s->pid = pid;
	s->pidfd = pidfd;
}

static void tick(struct timer *t)
{
	struct snapd *s = t->arg;
	const struct zab_conf *conf = s->z->conf;
	struct zab_info info;
	uint64_t bytes, upto;
	size_t snaps;
	bool due;

	timer_arm(&s->z->loop, &s->timer, SNAPD_PERIOD_MS);
	if (s->pid || instance_get(s->z, &info) < 0)
		return;
	bytes = log_bytes(s->dir_fd, &snaps);
	s->commits_now = info.stats[ZAB_STAT_COMMITS];
	upto = info.commit_zxid < info.durable_zxid ? info.commit_zxid : info.durable_zxid;
	due = (conf->snap_count && s->commits_now - s->commits_at >= conf->snap_count) ||
	      (conf->snap_bytes && bytes > s->bytes_at &&
	       bytes - s->bytes_at >= conf->snap_bytes);
	if (info.durability == ZAB_DURABILITY_MEMORY || !info.segment_bytes || !upto)
		due = false;
	if (due || snaps > conf->snap_retain)
		start_child(s, due ? upto : 0);
	zab_info_release(&info);
}

int snapd_open(struct zabd *z)
{
	struct snapd *s;

	if (z->conf->durability == ZAB_DURABILITY_MEMORY ||
	    (!z->conf->snap_count && !z->conf->snap_bytes))
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->z = z;
	s->pidfd = -1;
	s->dir_fd = open(z->conf->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0) {
		int err = errno;

		zerr("open dataDir %s: %s", z->conf->data_dir, strerror(err));
		free(s);
		return -err;
	}
	watch_init(&s->watch, child_exited, s);
	timer_init(&s->timer, tick, s);
	timer_arm(&z->loop, &s->timer, SNAPD_PERIOD_MS);
	z->snapd = s;
	return 0;
}

void snapd_close(struct zabd *z)
{
	struct snapd *s = z->snapd;

	if (!s)
		return;
	timer_disarm(&z->loop, &s->timer);
	if (s->pid) {
		/* a snapshot half-written is removed by the next purge */
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		loop_unwatch(&z->loop, &s->watch);
		close(s->pidfd);
	}
	close(s->dir_fd);
	free(s);
	z->snapd = NULL;
}
