// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Discovery as follower: connect to the leader's quorum port,
 * authenticate (auth.h, unless auth = none), send FOLLOWERINFO, read LEADERINFO (an epoch not older than our acceptedEpoch,
 * which is persisted), answer ACKEPOCH and hand the socket to the kernel with
 * FOLLOW. All within initLimit ticks of the election, else elect again.
 *
 * currentEpoch is persisted only once the leader established the epoch (its
 * first frame is in, ZAB_A_LEADER_SYNCED) and this member's durable point
 * covers the leader's last zxid of LEADERINFO; then ZAB_CMD_SYNCED lets the
 * kernel acknowledge (follower_check_synced()). ZooKeeper does the same on
 * NEWLEADER: a member must not claim an epoch whose history it lacks, or an
 * election could pick it over one that has it. Until then it votes with the
 * epoch of its log's last zxid if newer (zabd_history_epoch()).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "auth.h"
#include "handshake.h"
#include "log.h"
#include "sock.h"
#include "zabd.h"

#define CONNECT_RETRY_MS	100
/*
 * The shortest and longest wait for one connection to the leader. An
 * attempt may take what is left of initLimit, shared among the leader's
 * addresses, within these: a link whose round trip is a second or more, up
 * to about 4 s (or a SYN lost once or twice: the kernel sends it again after
 * 1 and 3 s), still connects, as ZooKeeper's learners connect with a timeout of initLimit; and
 * a fresh socket tries again rather than wait in SYN backoff (7 s, 15 s).
 */
#define CONNECT_TIMEOUT_MS	1000
#define CONNECT_TIMEOUT_MAX_MS	4000
#define SYNC_POLL_MS		10	/* the first look at the kernel's sync */
#define SYNC_POLL_MAX_MS	100	/* and the longest wait between looks */

enum f_state {
	F_IDLE,
	F_RETRY,		/* waiting to connect again */
	F_CONNECTING,
	F_AUTH,			/* authenticating (auth.h) */
	F_LEADERINFO,		/* FOLLOWERINFO sent; reading LEADERINFO */
	F_FOLLOWING,		/* handed over to the kernel */
};

struct follower {
	struct zabd *z;
	enum f_state state;
	uint32_t leader;
	const struct member *m;
	size_t addr_idx;
	int fd;
	struct watch w;
	struct timer t;
	int64_t deadline;
	struct frame_buf fb;
	struct zab_auth_conn ac;
	uint32_t epoch;
	uint64_t history;	/* the leader's last zxid in LEADERINFO */
	bool cut;		/* our log fails: FOLLOW cuts it after ACKEPOCH's zxid */
	bool synced;		/* currentEpoch persisted */
	const struct discovery_ops *ops;	/* follower_start()'s caller */
	int64_t poll_ms;	/* until then, the wait between looks */
};

static void close_fd(struct follower *f)
{
	if (f->fd < 0)
		return;
	loop_unwatch(&f->z->loop, &f->w);
	close(f->fd);
	f->fd = -1;
	zab_auth_end(&f->ac);
}

void follower_reset(struct zabd *z)
{
	struct follower *f = z->follower;

	close_fd(f);
	timer_disarm(&z->loop, &f->t);
	f->state = F_IDLE;
}

/* Discovery failed: reset, and report the reason (a format) to the phases. */
#define fail(f, ...) do {					\
		follower_reset((f)->z);				\
		(f)->ops->failed((f)->z, __VA_ARGS__);		\
	} while (0)

static void connect_leader(struct follower *f);

/* A connection attempt failed: try again until the deadline. */
static void retry(struct follower *f, int err)
{
	close_fd(f);
	if (loop_now() + CONNECT_RETRY_MS >= f->deadline) {
		fail(f, "cannot connect to leader %u within initLimit: %s", f->leader,
		     strerror(-err));
		return;
	}
	f->addr_idx = (f->addr_idx + 1) % f->m->n_addrs;
	f->state = F_RETRY;
	timer_arm(&f->z->loop, &f->t, CONNECT_RETRY_MS);
}

static int send_frame(struct follower *f, const struct zab_hs *hs)
{
	uint8_t buf[ZAB_HS_SIZE];
	ssize_t n;

	zab_hs_encode(hs, buf);
	n = sock_send(f->fd, buf, sizeof(buf));
	return n == (ssize_t)sizeof(buf) ? 0 : n < 0 ? (int)n : -EIO;
}

static void connected(struct follower *f)
{
	struct zabd *z = f->z;
	struct zab_hs hs = {
		.type = ZAB_HS_FOLLOWERINFO,
		.flags = f->z->ens.self->observer ? ZAB_HS_OBSERVER : 0,
		.sid = z->conf->myid,
		.epoch = z->accepted_epoch,
	};
	int ret = send_frame(f, &hs);

	if (ret < 0) {
		retry(f, ret);
		return;
	}
	f->state = F_LEADERINFO;
	frame_buf_reset(&f->fb, ZAB_HS_SIZE);
	loop_rewatch(&z->loop, &f->w, EPOLLIN | EPOLLRDHUP);
	timer_arm_at(&z->loop, &f->t, f->deadline);
	zdebug("FOLLOWERINFO sent to leader %u (acceptedEpoch %u)", f->leader, hs.epoch);
}

/* Connected: authenticate first, if the ensemble does. */
static void start_auth(struct follower *f)
{
	struct zabd *z = f->z;
	int ret;

	if (!zab_auth_enabled(&z->auth)) {
		connected(f);
		return;
	}
	ret = zab_auth_start(&f->ac, &z->auth, f->fd, ZAB_AUTH_QUORUM, true, z->conf->myid,
			     f->leader);
	if (ret < 0) {
		retry(f, ret);
		return;
	}
	f->state = F_AUTH;
	loop_rewatch(&z->loop, &f->w, EPOLLIN | EPOLLRDHUP);
	timer_arm_at(&z->loop, &f->t, f->deadline);
}

static void auth_step(struct follower *f)
{
	struct sockaddr_storage addr;
	const char *why;
	int ret = zab_auth_step(&f->ac, f->fd, &why);

	if (!ret)
		return;
	if (ret == 1) {
		connected(f);
		return;
	}
	if (ret != -EACCES) {
		fail(f, "leader %u: %s", f->leader, why);
		return;
	}
	member_addr(f->m, f->addr_idx, f->m->quorum_port, &addr);
	zab_auth_fail(&f->z->auth, (struct sockaddr *)&addr, "quorum", why);
	fail(f, "authentication with leader %u failed", f->leader);
}

/*
 * Checks LEADERINFO and persists acceptedEpoch; 0 or -1 (failed). @ack gets
 * our last zxid and the epoch of that history, or ZAB_HS_EPOCH_NONE if the
 * epoch was accepted before: a member acknowledges each epoch once, so that
 * no two leaders establish the same epoch (ZooKeeper answers -1 alike).
 */
static int accept_epoch(struct follower *f, const struct zab_hs *hs,
			struct zab_hs *ack)
{
	struct zabd *z = f->z;
	struct zab_info info;
	uint64_t commit;

	if (hs->sid != f->leader) {
		fail(f, "LEADERINFO from member %u, not from leader %u", hs->sid, f->leader);
		return -1;
	}
	if (hs->epoch < z->accepted_epoch) {
		fail(f, "leader proposes epoch %u, older than our acceptedEpoch %u",
		     hs->epoch, z->accepted_epoch);
		return -1;
	}
	if (instance_get(z, &info) < 0)
		return -1;
	/* the history we vote with (node_look()), and the kernel follows with */
	ack->zxid = zabd_vote_zxid(&info);
	ack->epoch = zabd_history_epoch(z, ack->zxid);
	f->cut = info.log_error != 0;
	commit = info.commit_zxid;
	zab_info_release(&info);
	/*
	 * Every leader holds every committed record: one whose history ends
	 * before our commit point lacks some (a dataDir restored from a
	 * backup, a disk that lost writes). Following it would erase them
	 * (SNAP, DIFF) or be refused by the kernel (TRUNC): refuse it here,
	 * before accepting its epoch, and say why.
	 */
	if (hs->zxid < commit) {
		zerr("leader %u's history ends at 0x%" PRIx64 ", before our commit point 0x%" PRIx64
		     ": it lacks committed records; not following it", hs->sid, hs->zxid, commit);
		fail(f, "leader %u lacks records committed here", hs->sid);
		return -1;
	}
	if (hs->epoch < info.epoch) {
		fail(f, "leader proposes epoch %u, older than the instance's epoch %u",
		     hs->epoch, info.epoch);
		return -1;
	}
	if (hs->epoch == z->accepted_epoch)
		ack->epoch = ZAB_HS_EPOCH_NONE;
	else if (zabd_set_accepted_epoch(z, hs->epoch) < 0) {
		fail(f, "cannot write acceptedEpoch %u", hs->epoch);
		return -1;
	}
	/*
	 * A log that lost records it had on disk is no history to count: the
	 * leader must not take it for one a quorum holds (disk.c). Said as an
	 * epoch accepted before is: leaders of every version understand it.
	 */
	if (z->unsynced)
		ack->epoch = ZAB_HS_EPOCH_NONE;
	return 0;
}

static void follow(struct follower *f, const struct zab_hs *leaderinfo)
{
	struct zabd *z = f->z;
	struct zab_hs ack = { .type = ZAB_HS_ACKEPOCH, .sid = z->conf->myid };
	struct zab_nl_view view = {
		.members = (uint32_t)z->ens.voters,
		.observers = (uint32_t)(z->ens.n - z->ens.voters),
		.observing = z->ens.self->observer,
	};
	int ret;

	if (accept_epoch(f, leaderinfo, &ack) < 0)
		return;
	ret = send_frame(f, &ack);
	if (ret < 0) {
		fail(f, "cannot send ACKEPOCH to leader %u: %s", f->leader, strerror(-ret));
		return;
	}
	sock_set_blocking(f->fd, true);
	/*
	 * A member whose log fails acknowledged only what it would restart
	 * with: the kernel drops the rest, and the leader sends it again.
	 */
	ret = zab_nl_follow(z->nl, z->conf->name, leaderinfo->epoch, f->leader,
			    &view, f->fd, f->cut ? &ack.zxid : NULL);
	if (ret < 0) {
		zerr("FOLLOW leader %u in epoch %u: %s", f->leader, leaderinfo->epoch,
		     zab_nl_strerror(z->nl, ret));
		fail(f, "cannot follow leader %u in epoch %u", f->leader, leaderinfo->epoch);
		return;
	}
	zab_auth_keep(&f->ac);	/* before close_fd() frees the chain */
	close_fd(f);		/* the kernel holds its own reference */
	zabd_drop_revoked_peers(z);
	timer_disarm(&z->loop, &f->t);
	f->state = F_FOLLOWING;
	f->epoch = leaderinfo->epoch;
	f->history = leaderinfo->zxid;
	f->synced = false;
	f->poll_ms = SYNC_POLL_MS;
	timer_arm(&z->loop, &f->t, f->poll_ms);
	f->ops->established(z);
	zinfo("%s leader %u in epoch %u (our last zxid 0x%" PRIx64
	      ", the leader's 0x%" PRIx64 ")", view.observing ? "OBSERVING" : "FOLLOWING",
	      f->leader, f->epoch, ack.zxid, f->history);
	zabd_report(z, "%s leader %u in epoch %u", view.observing ? "OBSERVING" : "FOLLOWING",
		    f->leader, f->epoch);
}

static void read_leaderinfo(struct follower *f)
{
	const char *why;
	struct zab_hs hs;
	int ret;

	ret = frame_read(f->fd, &f->fb);
	if (ret == 0)
		return;
	if (ret < 0 && ret != -EPIPE && ret != -ECONNRESET) {
		fail(f, "discovery with leader %u: %s", f->leader, sock_recv_error(f->fd, ret));
		return;
	}
	if (ret < 0) {
		fail(f, "leader %u closed the connection during discovery", f->leader);
		return;
	}
	if (zab_hs_decode(f->fb.buf, f->fb.have, ZAB_HS_LEADERINFO, &hs, &why) < 0) {
		zwarn("bad LEADERINFO from leader %u: %s", f->leader, why);
		fail(f, "discovery with leader %u failed", f->leader);
		return;
	}
	follow(f, &hs);
}

static void fd_event(struct watch *w, uint32_t events)
{
	struct follower *f = w->arg;
	int ret;

	(void)events;
	if (f->state == F_CONNECTING) {
		ret = sock_connect_result(f->fd);
		if (ret < 0)
			retry(f, ret);
		else
			start_auth(f);
	} else if (f->state == F_AUTH) {
		auth_step(f);
	} else if (f->state == F_LEADERINFO) {
		read_leaderinfo(f);
	}
}

/*
 * Until synchronised, the kernel holds back its acknowledgments: look at it
 * often rather than at every tick, so that a new leader's history commits
 * soon after it is on disk here. The looks space out (10, 20, 40 ms, ... up
 * to 100 ms): a sync is most often done at once, and a leader that never
 * establishes its epoch must not cost a netlink round trip every 10 ms.
 */
static void poll_synced(struct follower *f)
{
	struct zabd *z = f->z;
	struct zab_info info;

	if (f->synced || instance_get(z, &info) < 0)
		return;
	if (info.state == ZAB_STATE_FOLLOWING && info.epoch == f->epoch)
		follower_check_synced(z, &info);
	zab_info_release(&info);
	if (!f->synced && f->state == F_FOLLOWING) {
		f->poll_ms = f->poll_ms * 2 < SYNC_POLL_MAX_MS ?
			     f->poll_ms * 2 : SYNC_POLL_MAX_MS;
		timer_arm(&z->loop, &f->t, f->poll_ms);
	}
}

static void timer_expired(struct timer *t)
{
	struct follower *f = t->arg;

	switch (f->state) {
	case F_RETRY:
		connect_leader(f);
		break;
	case F_CONNECTING:
		retry(f, -ETIMEDOUT);
		break;
	case F_AUTH:
		fail(f, "no handshake with leader %u within initLimit", f->leader);
		break;
	case F_LEADERINFO:
		fail(f, "no LEADERINFO from leader %u within initLimit", f->leader);
		break;
	case F_FOLLOWING:
		poll_synced(f);
		break;
	default:
		break;
	}
}

/* When the attempt to connect that starts now gives up. */
static int64_t connect_deadline(const struct follower *f)
{
	int64_t now = loop_now(), wait;

	if (f->deadline <= now)
		return f->deadline;
	wait = (f->deadline - now) / (int64_t)f->m->n_addrs;	/* n_addrs >= 1 */
	if (wait < CONNECT_TIMEOUT_MS)
		wait = CONNECT_TIMEOUT_MS;
	if (wait > CONNECT_TIMEOUT_MAX_MS)
		wait = CONNECT_TIMEOUT_MAX_MS;
	return now + wait < f->deadline ? now + wait : f->deadline;
}

static void connect_leader(struct follower *f)
{
	struct zabd *z = f->z;
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen;
	bool bind_failed;
	int fd, ret;

	dlen = member_addr(f->m, f->addr_idx, f->m->quorum_port, &dst);
	slen = member_addr(z->ens.self, 0, 0, &src);
	fd = sock_connect((struct sockaddr *)&dst, dlen, (struct sockaddr *)&src, slen,
			  &bind_failed);
	if (fd < 0) {
		retry(f, fd);
		return;
	}
	f->fd = fd;
	ret = loop_watch(&z->loop, &f->w, fd, EPOLLOUT);
	if (ret < 0) {
		retry(f, ret);
		return;
	}
	f->state = F_CONNECTING;
	timer_arm_at(&z->loop, &f->t, connect_deadline(f));
}

void follower_start(struct zabd *z, uint32_t leader, const struct discovery_ops *ops)
{
	struct follower *f = z->follower;

	follower_reset(z);
	f->ops = ops;
	f->leader = leader;
	f->m = ensemble_find(&z->ens, leader);
	f->addr_idx = 0;
	f->deadline = loop_now() + zabd_init_limit_ms(z);
	connect_leader(f);
}

void follower_check_synced(struct zabd *z, const struct zab_info *info)
{
	struct follower *f = z->follower;
	int ret;

	if (f->state != F_FOLLOWING || f->synced)
		return;
	/*
	 * Only under a leader that established the epoch: its kernel sends
	 * its first frame after LEAD, once a quorum acknowledged the epoch.
	 * Before that another leader-elect may still establish the same
	 * epoch with a longer history, and a currentEpoch written here would
	 * let this member's shorter history win an election over it. After
	 * that frame the log is in line with the leader's (a TRUNC or SNAP
	 * comes first), so once the durable point reached the leader's
	 * history, this member holds it on disk. Then currentEpoch, and only
	 * then the kernel acknowledges (ZAB_A_HOLD_ACKS): every
	 * acknowledgment that commits the leader's history comes from a
	 * member that votes with the new epoch, as ZooKeeper's followers
	 * write currentEpoch before they acknowledge NEWLEADER.
	 */
	if (!info->leader_synced || info->log_error ||
	    info->durable_zxid < f->history)
		return;
	if (f->epoch > z->current_epoch && zabd_set_current_epoch(z, f->epoch) < 0)
		return;
	ret = zab_nl_synced(z->nl, z->conf->name, f->epoch);
	if (ret < 0) {
		zwarn("SYNCED in epoch %u: %s", f->epoch, zab_nl_strerror(z->nl, ret));
		return;
	}
	f->synced = true;
	timer_disarm(&z->loop, &f->t);
	zinfo("synchronised with leader %u: currentEpoch %u", f->leader, f->epoch);
	/*
	 * Elected without this member (it abstained), the leader holds every
	 * committed record, and so does this member's log on disk now.
	 */
	disk_unsynced_clear(z, info);
	zabd_ready(z);
}

bool follower_synced(const struct zabd *z)
{
	const struct follower *f = z->follower;

	return f && f->state == F_FOLLOWING && f->synced;
}

uint32_t follower_epoch(const struct zabd *z)
{
	return z->follower->epoch;
}

int follower_open(struct zabd *z)
{
	struct follower *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->z = z;
	f->fd = -1;
	watch_init(&f->w, fd_event, f);
	timer_init(&f->t, timer_expired, f);
	z->follower = f;
	return 0;
}

void follower_close(struct zabd *z)
{
	if (!z->follower)
		return;
	follower_reset(z);
	free(z->follower);
	z->follower = NULL;
}
