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
 *
 * It also moves snapshots between members (snapxfer.h): a member whose log
 * starts after a SNAP asks for a snapshot covering it, once at start and
 * after every SNAP it takes, until it has one; and every member serves
 * such requests, each in a child of its own. A follower asks its leader; a
 * leader (one elected before its fetch was done) asks the other members in
 * turn (fetch_source()).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "handshake.h"
#include "log.h"
#include "progress.h"
#include "sock.h"
#include "common/snapshot.h"
#include "snapxfer.h"
#include "zabd.h"

#define SNAPD_PERIOD_MS	1000
#define MAX_SERVING	4
#define FETCH_RETRY_MS	10000

enum { CHILD_DONE, CHILD_FAILED, CHILD_NOTHING, CHILD_AUTH_FAILED };

enum child_kind { KIND_SNAPSHOT, KIND_FETCH, KIND_SERVE };

struct child {
	struct snapd *s;
	enum child_kind kind;
	bool snapshot;		/* KIND_SNAPSHOT: it takes one, not only purges */
	pid_t pid;		/* 0: free */
	int pidfd;
	struct watch watch;
};

struct snapd {
	struct zabd *z;
	int dir_fd;
	struct timer timer;
	struct child work;	/* a snapshot or a fetch */
	struct child serving[MAX_SERVING];
	uint64_t commits_at;	/* the commits counter at the last snapshot */
	uint64_t commits_now;	/* ... when the child started */
	uint64_t bytes_at;	/* segment bytes after the last snapshot */
	bool check_history;	/* see whether to fetch a snapshot */
	int64_t fetch_after;	/* not before (loop_now()), after a failure */
	uint64_t snaps_seen;	/* the SNAPs the kernel took, as last seen */
	uint64_t fetch_snaps;	/* snaps_seen when the fetch child started */
	unsigned int fetch_turn;	/* failed fetches since the last that worked */
	uint32_t fetch_leader;	/* the leader when the fetch child started */
	uint32_t fetch_epoch;	/* ... and the epoch this member was in */
};

bool snapd_history_whole(const struct zabd *z, const struct zab_info *info)
{
	const struct snapd *s = z->snapd;

	return s && !s->check_history && info->stats[ZAB_STAT_SYNC_SNAP] == s->snaps_seen &&
	       !(s->work.pid && s->work.kind == KIND_FETCH);
}

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
	DIR *d = zab_disk_opendir(dir_fd);

	*snaps = 0;
	if (!d)
		return 0;
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
static void snapshot_child_fn(struct snapd *s, uint64_t upto)
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

/* The bytes of the snapshot received so far, of the size the leader gave. */
static void fetched(void *arg, uint64_t records, uint64_t bytes, uint64_t total)
{
	struct progress *p = arg;

	if (total > p->info.total_bytes)
		progress_total(p, total);
	progress_update(p, records, bytes);
}

/* The fetch child: a snapshot from member @from if the log needs one. */
static void fetch_child(struct snapd *s, uint32_t from)
{
	struct zabd *z = s->z;
	const struct zab_conf *conf = z->conf;
	const struct member *m = ensemble_find(&z->ens, from);
	const char *who = s->fetch_leader ? "leader" : "member";
	struct sockaddr_storage dst, src;
	struct snapxfer_result res;
	struct zab_nl *nl = NULL;
	struct zab_auth auth;
	struct progress p;
	socklen_t dlen, slen;
	uint64_t base;
	int ret;

	ret = snapxfer_needed(s->dir_fd, &base);
	if (ret <= 0) {
		if (ret < 0)
			zerr("read the log in %s: %s", conf->data_dir, strerror(-ret));
		_exit(ret < 0 ? CHILD_FAILED : CHILD_NOTHING);
	}
	if (!m)
		_exit(CHILD_FAILED);
	zinfo("the history in %s starts after a SNAP, not at zxid 0: asking %s %u for a snapshot at 0x%" PRIx64 " or later",
	      conf->data_dir, who, from, base);
	dlen = member_addr(m, 0, m->quorum_port, &dst);
	slen = member_addr(z->ens.self, 0, 0, &src);
	/* its own netlink socket: the parent's is the parent's */
	if (zab_nl_open(&nl) < 0)
		nl = NULL;
	progress_begin(&p, nl, conf->name, ZAB_WORK_SNAPSHOT_FETCH, 0);
	/* failures are counted by the parent (CHILD_AUTH_FAILED), not here */
	auth = z->auth;
	auth.failed = NULL;
	ret = snapxfer_fetch_progress(s->dir_fd, conf->data_dir, (struct sockaddr *)&dst, dlen,
				      (struct sockaddr *)&src, slen, &auth, from, conf->myid, base,
				      s->fetch_epoch, (int)zabd_init_limit_ms(z), &res, note,
				      fetched, &p);
	progress_end(&p, !ret);
	zab_nl_close(nl);
	if (ret < 0) {
		zwarn("no snapshot from %s %u: %s", who, from,
		      ret == -ENOENT ? "it has none, or is not in this member's epoch" :
		      strerror(-ret));
		_exit(ret == -EKEYREJECTED ? CHILD_AUTH_FAILED : CHILD_FAILED);
	}
	zinfo("installed %s/%s from %s %u (%" PRIu64 " bytes)", conf->data_dir,
	      res.name, who, from, res.bytes);
	_exit(CHILD_DONE);
}

static void child_exited(struct watch *w, uint32_t events)
{
	struct child *c = w->arg;
	struct snapd *s = c->s;
	size_t snaps;
	int status;

	(void)events;
	switch (waitpid(c->pid, &status, WNOHANG)) {
	case 0:
		return;
	case -1:
		status = CHILD_FAILED << 8;	/* as if it failed */
		break;
	}
	loop_unwatch(&s->z->loop, &c->watch);
	close(c->pidfd);
	c->pidfd = -1;
	c->pid = 0;
	if (c->kind == KIND_SERVE)
		return;
	if (c->kind == KIND_FETCH) {
		/* until it worked, or there was nothing to fetch */
		/* counted here too: the child's count ends with it */
		if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_AUTH_FAILED)
			zab_auth_count(&s->z->auth);
		/* a SNAP since it started may need another snapshot */
		if (WIFEXITED(status) && WEXITSTATUS(status) != CHILD_FAILED &&
		    WEXITSTATUS(status) != CHILD_AUTH_FAILED) {
			s->check_history = s->snaps_seen != s->fetch_snaps;
			s->fetch_turn = 0;
		} else {
			/* a leader asks the next member at once; after them all, a pause */
			s->fetch_turn++;
			if (s->fetch_leader || s->z->ens.n < 2 ||
			    !(s->fetch_turn % (s->z->ens.n - 1)))
				s->fetch_after = loop_now() + FETCH_RETRY_MS;
		}
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) == CHILD_FAILED)
		zwarn("snapshot or purge of %s failed; next try after %" PRIu64 " more records",
		      s->z->conf->data_dir, s->z->conf->snap_count);
	/* tried: the next one when as much again was committed or logged */
	if (c->snapshot)
		s->commits_at = s->commits_now;
	s->bytes_at = log_bytes(s->dir_fd, &snaps);
}

/* Is @fd a Unix socket (syslog's, which the child keeps for its logs)? */
static bool is_unix_socket(int fd)
{
	struct stat st;
	int domain;
	socklen_t len = sizeof(domain);

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
	       getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 &&
	       domain == AF_UNIX;
}

/*
 * In a new child: it dies with zabd, takes SIGTERM like any process, and
 * holds none of zabd's connections, listening sockets, netlink sockets or
 * its dataDir lock, so that peers see them close when zabd closes them.
 * It keeps the directory (@s->dir_fd) and @keep.
 */
static void child_detach(struct snapd *s, pid_t parent, int keep)
{
	struct dirent *e;
	sigset_t none;
	DIR *d;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(CHILD_FAILED);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	d = opendir("/proc/self/fd");
	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (fd > 2 && fd != dirfd(d) && fd != s->dir_fd && fd != keep &&
		    !is_unix_socket(fd))
			close(fd);
	}
	closedir(d);
}

/* Forks; the child runs @fn with @arg and exits. The parent watches it. */
static void start_child(struct snapd *s, struct child *c, enum child_kind kind,
			void (*fn)(struct snapd *s, uint64_t arg), uint64_t arg,
			int keep)
{
	pid_t parent = getpid(), pid;
	int pidfd;

	pid = fork();
	if (pid < 0) {
		zerr("snapshot: fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		child_detach(s, parent, keep);
		/* the keys and certificates as they are: the parent reads changes */
		s->z->auth.frozen = true;
		fn(s, arg);
		_exit(CHILD_FAILED);
	}
	c->s = s;
	c->kind = kind;
	c->snapshot = kind == KIND_SNAPSHOT && arg;
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0 || loop_watch(&s->z->loop, &c->watch, pidfd, EPOLLIN) < 0) {
		/* cannot watch it: wait for it here, as rare as it is */
		zwarn("snapshot: cannot watch process %d: waiting for it", (int)pid);
		if (pidfd >= 0)
			close(pidfd);
		waitpid(pid, NULL, 0);
		s->commits_at = s->commits_now;
		return;
	}
	c->pid = pid;
	c->pidfd = pidfd;
}


static void fetch_child_fn(struct snapd *s, uint64_t from)
{
	fetch_child(s, (uint32_t)from);
}

/*
 * Whom to ask for a snapshot: a follower its leader, whose history is the
 * one the SNAP gave it (if the leader has none, it fetches one itself);
 * a leader, one elected before its fetch was done, the other members in
 * turn: a snapshot any member took holds committed records only, every
 * one in the history of a leader elected after they committed. Return 0
 * for none (not in an epoch, or no other member).
 */
static uint32_t fetch_source(struct snapd *s, const struct zab_info *info)
{
	const struct ensemble *ens = &s->z->ens;
	size_t k, i;

	/*
	 * Not before the leader's first frame (a TRUNC, say) and the history
	 * it gave are on disk: a snapshot installed before could cover a
	 * proposal of ours the TRUNC is to cut, which recovery would take
	 * for committed.
	 */
	if (info->state == ZAB_STATE_FOLLOWING)
		return follower_synced(s->z) ? info->leader : 0;
	if (info->state != ZAB_STATE_LEADING || ens->n < 2)
		return 0;
	for (k = s->fetch_turn % (ens->n - 1), i = 0; i < ens->n; i++) {
		if (&ens->members[i] == ens->self)
			continue;
		if (!k--)
			return ens->members[i].id;
	}
	return 0;
}

static void tick(struct timer *t)
{
	struct snapd *s = t->arg;
	const struct zab_conf *conf = s->z->conf;
	struct zab_info info;
	uint64_t bytes, upto;
	uint32_t from;
	size_t snaps;
	bool due;

	timer_arm(&s->z->loop, &s->timer, SNAPD_PERIOD_MS);
	if (s->work.pid || instance_get(s->z, &info) < 0)
		return;
	if (info.durability == ZAB_DURABILITY_MEMORY || !info.segment_bytes) {
		zab_info_release(&info);
		return;
	}
	if (info.stats[ZAB_STAT_SYNC_SNAP] != s->snaps_seen) {
		s->snaps_seen = info.stats[ZAB_STAT_SYNC_SNAP];
		s->check_history = true;
	}
	/*
	 * Not while the log fails: a SNAP's reset may not be on disk yet,
	 * and the child would find nothing to fetch.
	 */
	if (s->check_history && !info.log_error && loop_now() >= s->fetch_after &&
	    (from = fetch_source(s, &info))) {
		s->fetch_snaps = s->snaps_seen;
		s->fetch_leader = info.state == ZAB_STATE_FOLLOWING ? from : 0;
		/*
		 * Served only by a member in the same epoch (snapd_serve()):
		 * one deposed, or in a newer epoch, could give a snapshot past
		 * proposals of ours that never committed, which recovery would
		 * take for committed once purge removed the segments before.
		 */
		s->fetch_epoch = info.epoch;
		start_child(s, &s->work, KIND_FETCH, fetch_child_fn, from, -1);
		zab_info_release(&info);
		return;
	}
	bytes = log_bytes(s->dir_fd, &snaps);
	s->commits_now = info.stats[ZAB_STAT_COMMITS];
	upto = info.commit_zxid < info.durable_zxid ? info.commit_zxid : info.durable_zxid;
	due = (conf->snap_count && s->commits_now - s->commits_at >= conf->snap_count) ||
	      (conf->snap_bytes && bytes > s->bytes_at &&
	       bytes - s->bytes_at >= conf->snap_bytes);
	if (!upto)
		due = false;
	if (due || snaps > conf->snap_retain)
		start_child(s, &s->work, KIND_SNAPSHOT, snapshot_child_fn, due ? upto : 0, -1);
	zab_info_release(&info);
}

struct serve_req {
	int fd;
	uint32_t sid;
	uint64_t from, upto;
};

static struct serve_req serve_req;	/* read by the serving child only */

static void serve_child_fn(struct snapd *s, uint64_t arg)
{
	const struct zab_conf *conf = s->z->conf;
	struct snapxfer_result res;
	int ret;

	(void)arg;
	ret = snapxfer_serve(serve_req.fd, s->dir_fd, conf->data_dir, conf->myid,
			     serve_req.from, serve_req.upto,
			     (int)zabd_init_limit_ms(s->z), &res, note, NULL);
	if (!ret)
		zinfo("sent %s (%" PRIu64 " bytes) to member %u", res.name, res.bytes,
		      serve_req.sid);
	if (ret < 0)
		zwarn("no snapshot for member %u: %s", serve_req.sid,
		      ret == -ENOENT ? "none covers its log" : strerror(-ret));
	_exit(ret < 0 ? CHILD_FAILED : CHILD_DONE);
}

/* Answers SNAPREQ on @fd with none, and closes it. */
static void serve_none(const struct zabd *z, int fd)
{
	struct zab_hs hs = { .type = ZAB_HS_SNAPFILE, .sid = z->conf->myid };
	uint8_t frame[ZAB_HS_SIZE];

	zab_hs_encode(&hs, frame);
	sock_send(fd, frame, sizeof(frame));
	close(fd);
}

void snapd_serve(struct zabd *z, int fd, uint32_t sid, uint64_t from, uint32_t epoch)
{
	struct snapd *s = z->snapd;
	struct child *c = NULL;
	struct zab_info info;

	for (size_t i = 0; s && i < MAX_SERVING && !c; i++)
		c = s->serving[i].pid ? NULL : &s->serving[i];
	if (!c || instance_get(z, &info) < 0) {
		/* no log on disk, or too many at once: none, for now */
		serve_none(z, fd);
		return;
	}
	/*
	 * Only to a member of our epoch, while we lead or follow in it: every
	 * record of our snapshot is then committed in the history the asker
	 * holds (design.md, "Snapshots and purge").
	 */
	if ((info.state != ZAB_STATE_LEADING && info.state != ZAB_STATE_FOLLOWING) ||
	    info.epoch != epoch) {
		zinfo("member %u asks for a snapshot in epoch %u; this member is in epoch %u (%s): none",
		      sid, epoch, info.epoch, info.state == ZAB_STATE_LEADING ? "leading" :
		      info.state == ZAB_STATE_FOLLOWING ? "following" : "looking");
		zab_info_release(&info);
		serve_none(z, fd);
		return;
	}
	zinfo("member %u asks for a snapshot of the records up to 0x%" PRIx64, sid, from);
	serve_req = (struct serve_req){ fd, sid, from,
		info.commit_zxid < info.durable_zxid ? info.commit_zxid : info.durable_zxid };
	zab_info_release(&info);
	start_child(s, c, KIND_SERVE, serve_child_fn, 0, fd);
	close(fd);
}

int snapd_open(struct zabd *z)
{
	struct snapd *s;

	if (z->conf->durability == ZAB_DURABILITY_MEMORY)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->z = z;
	s->dir_fd = open(z->conf->data_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0) {
		int err = errno;

		zerr("open dataDir %s: %s", z->conf->data_dir, strerror(err));
		free(s);
		return -err;
	}
	s->check_history = true;
	s->work.pidfd = -1;
	watch_init(&s->work.watch, child_exited, &s->work);
	for (size_t i = 0; i < MAX_SERVING; i++) {
		s->serving[i].pidfd = -1;
		watch_init(&s->serving[i].watch, child_exited, &s->serving[i]);
	}
	timer_init(&s->timer, tick, s);
	timer_arm(&z->loop, &s->timer, SNAPD_PERIOD_MS);
	z->snapd = s;
	return 0;
}

static void stop_child(struct zabd *z, struct child *c)
{
	if (!c->pid)
		return;
	/* a snapshot half-written is removed by the next purge */
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	loop_unwatch(&z->loop, &c->watch);
	close(c->pidfd);
	c->pid = 0;
}

void snapd_close(struct zabd *z)
{
	struct snapd *s = z->snapd;

	if (!s)
		return;
	timer_disarm(&z->loop, &s->timer);
	stop_child(z, &s->work);
	for (size_t i = 0; i < MAX_SERVING; i++)
		stop_child(z, &s->serving[i]);
	close(s->dir_fd);
	free(s);
	z->snapd = NULL;
}
