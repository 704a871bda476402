// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Discovery as leader, then late joiners, on the quorum port.
 *
 * The port is open from start to exit. While LOOKING, connections are
 * accepted and their FOLLOWERINFO read and kept (for initLimit ticks): a
 * follower may finish the election first. As leader, once a quorum (the
 * leader included) has sent FOLLOWERINFO, the new epoch is one more than
 * every acceptedEpoch heard (and the leader's own); it is persisted as
 * acceptedEpoch and sent in LEADERINFO. Once a quorum answered ACKEPOCH for
 * an epoch it had not accepted before (ZAB_HS_EPOCH_NONE: the member had,
 * or its log lost records it had on disk, disk.c; it follows but does not
 * count, so that one member acknowledges each epoch once), none with a more up-to-date history than the leader's (else the
 * leader gives up and the ensemble elects again), and once the leader's
 * history is on disk, currentEpoch is persisted and the sockets go to the
 * kernel with LEAD; the kernel synchronises each follower
 * from its log. A follower whose ACKEPOCH comes later, or that connects to
 * a running leader, is added with ADD_FOLLOWER. One whose acceptedEpoch is
 * newer than the chosen epoch could never follow it: the leader raises its
 * own acceptedEpoch to that and gives up (newer_accepted()). A
 * FOLLOWERINFO epoch far ahead of ours is refused (EPOCH_AHEAD_MAX).
 *
 * Observers (server.N=...:observer) go through the same steps but count
 * in none of the quorums: the kernel sends them committed records only and
 * counts none of their acknowledgments. Their acceptedEpoch still raises
 * the new epoch, as in ZooKeeper.
 *
 * After ACKEPOCH, bytes on a connection belong to the kernel: the
 * connection is then only watched for hang-up, never read.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "auth.h"
#include "handshake.h"
#include "log.h"
#include "sock.h"
#include "zabd.h"

#define ADD_RETRY_MS 100
/*
 * A member's acceptedEpoch grows by one per failed attempt to establish an
 * epoch: one further ahead of ours than this is a damaged or edited file
 * (or a hostile member), refused rather than adopted; so is one that
 * leaves no epoch to propose after it.
 */
#define EPOCH_AHEAD_MAX	(1u << 16)
#define EPOCH_LAST	(UINT32_MAX - 2)

enum lc_state {
	LC_AUTH,		/* authenticating (auth.h) */
	LC_FOLLOWERINFO,	/* reading FOLLOWERINFO */
	LC_PENDING,		/* FOLLOWERINFO read; waiting for an epoch */
	LC_ACKEPOCH,		/* LEADERINFO sent; reading ACKEPOCH */
	LC_READY,		/* ACKEPOCH read; waiting for LEAD */
	LC_ADD_RETRY,		/* ADD_FOLLOWER to try again */
};

struct lconn {
	struct leader *l;
	struct lconn *prev, *next;
	int fd;
	enum lc_state state;
	char peer[64];
	struct sockaddr_storage addr;
	struct watch w;
	struct timer t;		/* the state's deadline, or the next ADD_FOLLOWER */
	int64_t add_deadline;
	struct frame_buf fb;
	struct zab_auth_conn ac;
	uint32_t sid;
	uint32_t accepted_epoch;
	uint32_t current_epoch;	/* of its history, in ACKEPOCH */
	uint64_t last_zxid;
	bool counted;		/* ACKEPOCH of an epoch it had not accepted */
	bool observer;		/* configured as one: counts in no quorum */
};

struct leader {
	struct zabd *z;
	int lfd;
	struct watch lw;
	struct lconn *conns;
	size_t n_conns;
	bool active;		/* LEADING: discovery or broadcast */
	bool decided;		/* the epoch is chosen */
	bool led;		/* LEAD succeeded */
	uint32_t epoch;
	uint64_t history;	/* our last zxid when the epoch was chosen */
	uint32_t prev_epoch;	/* the epoch of that history */
	struct timer phase_timer;
	struct timer lead_timer;	/* LEAD waits for our history on disk */
	const struct discovery_ops *ops;	/* leader_start()'s caller */
	int64_t raised_at;	/* when it last gave up for a newer acceptedEpoch */
	int64_t far_logged_at;	/* when one far ahead was last refused at LOG_ERR */
	int64_t strangers_at;	/* when a stranger's refusal was last logged */
	uint64_t strangers_quiet;	/* refusals not logged since */
};

#define LEAD_RETRY_MS 20

static void conn_free(struct lconn *c)
{
	struct leader *l = c->l;

	loop_unwatch(&l->z->loop, &c->w);
	timer_disarm(&l->z->loop, &c->t);
	if (c->fd >= 0)
		close(c->fd);
	zab_auth_end(&c->ac);
	if (c->prev)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	l->n_conns--;
	free(c);
}

static const char *conn_who(const struct lconn *c, char *buf, size_t len)
{
	if (c->sid)
		snprintf(buf, len, "member %u (%s)", c->sid, c->peer);
	else
		snprintf(buf, len, "%s", c->peer);
	return buf;
}

static void conn_drop(struct lconn *c, int level, const char *why)
{
	char who[96];

	zlog(level, "quorum port: dropping %s: %s", conn_who(c, who, sizeof(who)), why);
	conn_free(c);
}

/* Voting members in @state (observers count in no quorum). */
static size_t count_state(const struct leader *l, enum lc_state state)
{
	size_t n = 0;

	for (const struct lconn *c = l->conns; c; c = c->next)
		n += c->state == state && !c->observer;
	return n;
}

/* Followers that acknowledged the new epoch and count towards LEAD. */
static size_t count_acked(const struct leader *l)
{
	size_t n = 0;

	for (const struct lconn *c = l->conns; c; c = c->next)
		n += c->state == LC_READY && c->counted && !c->observer;
	return n;
}

/* The ensemble as the kernel takes it. */
static struct zab_nl_view view_of(const struct zabd *z)
{
	return (struct zab_nl_view){
		.members = (uint32_t)z->ens.voters,
		.observers = (uint32_t)(z->ens.n - z->ens.voters),
	};
}

/*
 * Is our history, up to l->history, on disk? Else LEAD waits: currentEpoch
 * must not claim a history that a power loss could take back. A disk that
 * fails ends the attempt: another member may lead meanwhile.
 */
static int history_durable(struct leader *l)
{
	struct zabd *z = l->z;
	struct zab_info info;
	int ret = 0;

	if (instance_get(z, &info) < 0)
		return -EIO;
	if (info.log_error) {
		zerr("cannot lead epoch %u: the log on disk in %s fails: %s", l->epoch,
		     z->conf->data_dir, strerror((int)info.log_error));
		ret = -EIO;
	} else if (info.durable_zxid < l->history) {
		ret = -EAGAIN;
	}
	zab_info_release(&info);
	return ret;
}

/* Only bytes of the kernel's stream may follow ACKEPOCH: stop reading. */
static void conn_watch_hangup(struct lconn *c)
{
	loop_rewatch(&c->l->z->loop, &c->w, EPOLLRDHUP);
}

static int conn_send(struct lconn *c, const struct zab_hs *hs)
{
	uint8_t buf[ZAB_HS_SIZE];
	ssize_t n;

	zab_hs_encode(hs, buf);
	n = sock_send(c->fd, buf, sizeof(buf));
	if (n == (ssize_t)sizeof(buf))
		return 0;
	conn_drop(c, LOG_WARNING, n < 0 ? strerror((int)-n) : "short send");
	return -EIO;
}

/* The kernel's last zxid now, 0 if it cannot be had (zabd is ending). */
static uint64_t last_zxid(struct zabd *z, uint32_t *epoch)
{
	struct zab_info info;
	uint64_t zxid;

	if (instance_get(z, &info) < 0)
		return 0;
	zxid = info.last_zxid;
	if (epoch)
		*epoch = info.epoch;
	zab_info_release(&info);
	return zxid;
}

/* The newest of @own and the epochs of the kernel's log and its last zxid. */
static uint32_t log_epoch(struct zabd *z, uint32_t own)
{
	uint32_t kernel_epoch = 0;
	uint64_t zxid = last_zxid(z, &kernel_epoch);

	if (kernel_epoch > own)
		own = kernel_epoch;
	if ((uint32_t)(zxid >> 32) > own)
		own = (uint32_t)(zxid >> 32);
	return own;
}

static void send_leaderinfo(struct lconn *c)
{
	struct leader *l = c->l;
	struct zabd *z = l->z;
	struct zab_hs hs = {
		.type = ZAB_HS_LEADERINFO,
		.sid = z->conf->myid,
		.epoch = l->epoch,
		.zxid = l->led ? last_zxid(z, NULL) : l->history,
	};

	if (!z->running || conn_send(c, &hs) < 0)
		return;
	c->state = LC_ACKEPOCH;
	frame_buf_reset(&c->fb, ZAB_HS_SIZE);
	timer_arm(&z->loop, &c->t, zabd_init_limit_ms(z));
}

/* Would this follower lack records that left our memory? */
static void add_follower(struct lconn *c);

static void add_retry(struct timer *t)
{
	add_follower(t->arg);
}

static void add_follower(struct lconn *c)
{
	struct zabd *z = c->l->z;
	struct zab_handover_peer peer = { c->sid, c->fd, c->last_zxid, c->observer };
	int ret;

	sock_set_blocking(c->fd, true);
	ret = zab_nl_add_follower(z->nl, z->conf->name, &peer);
	if (!ret) {
		zinfo("member %u joined epoch %u as %s (its last zxid 0x%" PRIx64 ")",
		      c->sid, c->l->epoch, c->observer ? "an observer" : "a follower",
		      c->last_zxid);
		zab_auth_keep(&c->ac);
		conn_free(c);
		zabd_drop_revoked_peers(z);
		return;
	}
	if ((ret == -EEXIST || ret == -EINVAL) && loop_now() < c->add_deadline) {
		/* its previous connection is still being torn down */
		zdebug("add member %u: %s; trying again", c->sid,
		       zab_nl_strerror(z->nl, ret));
		c->state = LC_ADD_RETRY;
		conn_watch_hangup(c);
		timer_init(&c->t, add_retry, c);
		timer_arm(&z->loop, &c->t, ADD_RETRY_MS);
		return;
	}
	zerr("add member %u as %s: %s", c->sid,
	     c->observer ? "an observer" : "a follower", zab_nl_strerror(z->nl, ret));
	conn_free(c);
}

static int collect_peers(struct leader *l, struct zab_handover_peer *peers,
			 size_t *n)
{
	struct lconn *c, *next;

	*n = 0;
	for (c = l->conns; c; c = next) {
		next = c->next;
		if (c->state != LC_READY)
			continue;
		sock_set_blocking(c->fd, true);
		peers[(*n)++] = (struct zab_handover_peer){ c->sid, c->fd, c->last_zxid,
							    c->observer };
	}
	return 0;
}

static void lead(struct leader *l)
{
	struct zab_handover_peer peers[ZAB_MEMBERS_MAX];
	struct zabd *z = l->z;
	struct zab_nl_view view = view_of(z);
	struct lconn *c, *next;
	char ids[128] = "";
	size_t n, len = 0;
	int ret;

	if (count_acked(l) + 1 < z->ens.quorum) {
		l->ops->failed(l->z, "too few followers can be synchronised");
		return;
	}
	ret = history_durable(l);
	if (ret == -EAGAIN) {
		if (!l->lead_timer.armed)
			timer_arm(&z->loop, &l->lead_timer, LEAD_RETRY_MS);
		return;
	}
	if (ret < 0) {
		if (z->running)
			l->ops->failed(l->z, "cannot lead epoch %u", l->epoch);
		return;
	}
	collect_peers(l, peers, &n);
	if (zabd_set_current_epoch(z, l->epoch) < 0) {
		l->ops->failed(l->z, "cannot write currentEpoch %u", l->epoch);
		return;
	}
	ret = zab_nl_lead(z->nl, z->conf->name, l->epoch, &view, peers, n);
	if (ret < 0) {
		zerr("LEAD epoch %u: %s", l->epoch, zab_nl_strerror(z->nl, ret));
		l->ops->failed(l->z, "cannot lead epoch %u", l->epoch);
		return;
	}
	for (c = l->conns; c; c = next) {
		next = c->next;
		if (c->state != LC_READY)
			continue;
		if (len < sizeof(ids))
			len += (size_t)snprintf(ids + len, sizeof(ids) - len, " %u%s", c->sid,
						c->observer ? " (observer)" : "");
		zab_auth_keep(&c->ac);
		conn_free(c);
	}
	zabd_drop_revoked_peers(z);
	l->led = true;
	timer_disarm(&z->loop, &l->phase_timer);
	timer_disarm(&z->loop, &l->lead_timer);
	l->ops->established(z);
	zinfo("LEADING epoch %u with followers%s (%zu members)", l->epoch, ids, z->ens.voters);
	zabd_report(z, "LEADING epoch %u with followers%s (%zu members)", l->epoch, ids,
		    z->ens.voters);
	zabd_ready(z);
}

/* As leader, does a quorum allow the next step? */
static void progress(struct leader *l)
{
	struct zabd *z = l->z;
	uint32_t max, kernel_epoch = 0;
	struct lconn *c, *next;

	if (!l->active || l->led || !z->running)
		return;
	if (!l->decided) {
		if (count_state(l, LC_PENDING) + 1 < z->ens.quorum)
			return;
		l->history = last_zxid(z, &kernel_epoch);
		if (!z->running)
			return;
		max = z->accepted_epoch > z->current_epoch ? z->accepted_epoch : z->current_epoch;
		if (kernel_epoch > max)
			max = kernel_epoch;
		for (c = l->conns; c; c = c->next) {
			if (c->state == LC_PENDING && c->accepted_epoch > max)
				max = c->accepted_epoch;
		}
		if (max >= UINT32_MAX - 1) {
			zerr("epochs are exhausted (acceptedEpoch %u)", max);
			zabd_exit(z, 1);
			return;
		}
		l->epoch = max + 1;
		l->prev_epoch = zabd_history_epoch(z, l->history);
		if (zabd_set_accepted_epoch(z, l->epoch) < 0) {
			l->ops->failed(l->z, "cannot write acceptedEpoch %u", l->epoch);
			return;
		}
		l->decided = true;
		zinfo("new epoch %u, proposed to %zu followers", l->epoch,
		      count_state(l, LC_PENDING));
		timer_arm(&z->loop, &l->phase_timer, zabd_init_limit_ms(z));
		for (c = l->conns; c; c = next) {
			next = c->next;
			if (c->state == LC_PENDING)
				send_leaderinfo(c);
		}
	}
	if (count_acked(l) + 1 >= z->ens.quorum)
		lead(l);
}

static void lead_retry(struct timer *t)
{
	struct leader *l = t->arg;

	if (!l->active || l->led || !l->z->running)
		return;
	/*
	 * A counted follower may have hung up meanwhile: wait for another
	 * ACKEPOCH (progress() leads then) until the phase times out.
	 */
	if (count_acked(l) + 1 < l->z->ens.quorum)
		return;
	lead(l);
}

/*
 * Is the member id of @hs another member's, with the address @c comes from?
 * If not, @c is dropped with a warning.
 */
static bool sender_checks(struct lconn *c, const struct zab_hs *hs)
{
	struct zabd *z = c->l->z;
	const struct member *m = ensemble_find(&z->ens, hs->sid);
	char msg[96];

	if (m && m != z->ens.self && member_has_addr(m, (struct sockaddr *)&c->addr) &&
	    (!zab_auth_enabled(&z->auth) || hs->sid == c->ac.peer))
		return true;
	snprintf(msg, sizeof(msg), "%s: %s", zab_hs_type_name(hs->type),
		 !m || m == z->ens.self ? "unknown member id" :
		 !member_has_addr(m, (struct sockaddr *)&c->addr) ?
		 "member id does not match the address" :
		 "member id is not the one it authenticated as");
	conn_drop(c, LOG_WARNING, msg);
	return false;
}

/*
 * @c accepted an epoch newer than ours while a quorum without @c established
 * ours: @c raised it itself at each attempt to lead that failed after
 * LEADERINFO (progress() persists the epoch first), or a leader-elect that
 * failed proposed it. It refuses our LEADERINFO (follower.c) and would try
 * again forever, never back in a quorum. Raise our acceptedEpoch to its own and elect again: the next
 * epoch is newer than both, as every quorum of FOLLOWERINFO that holds
 * either of us proposes it, and each leader that gives up so adds one
 * member to those. Raising acceptedEpoch only refuses more leaders: safe.
 */
static void newer_accepted(struct lconn *c)
{
	struct leader *l = c->l;
	struct zabd *z = l->z;
	int64_t now = loop_now();

	/*
	 * At most once per 2 initLimit: a member whose epoch keeps growing
	 * (its own attempts to lead keep failing, or it is hostile) must not
	 * keep the ensemble electing. It is dropped meanwhile and connects
	 * again.
	 */
	if (now - l->raised_at < 2 * zabd_init_limit_ms(z)) {
		conn_drop(c, LOG_NOTICE,
			  "its acceptedEpoch is newer than this leader's epoch; this leader gave up for such a member less than 2 initLimit ago");
		return;
	}
	if (c->accepted_epoch > z->accepted_epoch &&
	    zabd_set_accepted_epoch(z, c->accepted_epoch) < 0) {
		l->ops->failed(z, "cannot write acceptedEpoch %u", c->accepted_epoch);
		return;
	}
	l->raised_at = now;
	zwarn("member %u accepted epoch %u, newer than this leader's epoch %u: it cannot follow; acceptedEpoch is now %u, so that the next epoch includes it",
	      c->sid, c->accepted_epoch, l->epoch, z->accepted_epoch);
	l->ops->failed(z, "member %u accepted a newer epoch (%u) than this leader's (%u)",
		       c->sid, c->accepted_epoch, l->epoch);
}

static void got_followerinfo(struct lconn *c, const struct zab_hs *hs)
{
	struct leader *l = c->l;
	struct lconn *o, *next;
	const struct member *m;
	uint32_t own;

	if (!sender_checks(c, hs))
		return;
	m = ensemble_find(&l->z->ens, hs->sid);
	for (o = l->conns; o; o = next) {
		next = o->next;
		if (o != c && o->sid == hs->sid)
			conn_drop(o, LOG_DEBUG, "replaced by a newer connection");
	}
	/*
	 * A voter by our file that observes by its own: the files differ
	 * (a typo, or a role changed in the wrong order). It counts nowhere
	 * (election.c), and the kernel has no room for an observer that
	 * our file does not have: refused until the files agree.
	 */
	if ((hs->flags & ZAB_HS_OBSERVER) && !m->observer) {
		conn_drop(c, LOG_WARNING,
			  "FOLLOWERINFO: it observes by its own file, this one makes it a voter: the files differ");
		return;
	}
	own = l->z->accepted_epoch > l->z->current_epoch ? l->z->accepted_epoch :
		l->z->current_epoch;
	/* the epochs of our log too, as progress() counts them: asked only here */
	if (hs->epoch > own && hs->epoch - own > EPOCH_AHEAD_MAX)
		own = log_epoch(l->z, own);
	if (!l->z->running)
		return;
	if (hs->epoch > EPOCH_LAST || (hs->epoch > own && hs->epoch - own > EPOCH_AHEAD_MAX)) {
		int64_t now = loop_now();
		bool say = now - l->far_logged_at >= 60000;
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "FOLLOWERINFO: member %u's acceptedEpoch %u is too far ahead of this member's epoch %u (a damaged or edited epoch file?)",
			 hs->sid, hs->epoch, own);
		/* it connects again every few seconds: said once a minute */
		conn_drop(c, say ? LOG_ERR : LOG_DEBUG, msg);
		if (say)
			l->far_logged_at = now;
		return;
	}
	c->sid = hs->sid;
	/* a voter by both files, else an observer */
	c->observer = m->observer;
	c->accepted_epoch = hs->epoch;
	c->state = LC_PENDING;
	zdebug("FOLLOWERINFO from member %u (acceptedEpoch %u)", c->sid, hs->epoch);
	if (l->active && l->decided && hs->epoch > l->epoch) {
		newer_accepted(c);
		return;
	}
	if (l->active && l->decided)
		send_leaderinfo(c);
	else
		progress(l);
}

static void got_ackepoch(struct lconn *c, const struct zab_hs *hs)
{
	struct leader *l = c->l;

	if (hs->sid != c->sid) {
		conn_drop(c, LOG_WARNING, "ACKEPOCH from another member id");
		return;
	}
	c->counted = hs->epoch != ZAB_HS_EPOCH_NONE;
	c->current_epoch = c->counted ? hs->epoch : 0;
	c->last_zxid = hs->zxid;
	c->state = LC_READY;
	timer_disarm(&l->z->loop, &c->t);
	conn_watch_hangup(c);
	if (c->counted)
		zdebug("ACKEPOCH from member %u (epoch of its history %u, last zxid 0x%" PRIx64 ")",
		       c->sid, hs->epoch, hs->zxid);
	else
		zinfo("ACKEPOCH from member %u, uncounted: it had accepted epoch %u before, or its log lost records it had on disk (its own log says which); it follows (last zxid 0x%" PRIx64 ")",
		      c->sid, l->epoch, hs->zxid);
	if (l->led) {
		c->add_deadline = loop_now() + zabd_init_limit_ms(l->z) / 2;
		add_follower(c);
		return;
	}
	/*
	 * An observer was sent committed records only: a longer history is
	 * not one a quorum has, and it is truncated like any follower's.
	 */
	if (!c->counted || c->observer) {
		progress(l);
		return;
	}
	if (c->current_epoch > l->prev_epoch ||
	    (c->current_epoch == l->prev_epoch && c->last_zxid > l->history)) {
		l->ops->failed(l->z, "member %u has a newer history (epoch %u, zxid 0x%"
			       PRIx64 ") than this leader (epoch %u, zxid 0x%" PRIx64 ")",
			       c->sid, c->current_epoch, c->last_zxid, l->prev_epoch,
			       l->history);
		return;
	}
	progress(l);
}

/* A follower's quorum port serves SNAPREQ only (snapd.c, fetch_source()). */
static bool this_member_follows(const struct zabd *z)
{
	return z->phase != ZABD_ELECTION && z->fle.decided_state == ZAB_STATE_FOLLOWING;
}

static void got_snapreq(struct lconn *c, const struct zab_hs *hs)
{
	struct zabd *z = c->l->z;
	int fd;

	if (!sender_checks(c, hs))
		return;
	fd = dup(c->fd);
	conn_drop(c, LOG_DEBUG, "asks for a snapshot");
	if (fd >= 0)
		snapd_serve(z, fd, hs->sid, hs->zxid, hs->epoch);
}

/* The handshake of auth.h, before FOLLOWERINFO or SNAPREQ. */
static void conn_auth(struct lconn *c)
{
	struct zabd *z = c->l->z;
	const struct member *m;
	const char *why;
	int ret = zab_auth_step(&c->ac, c->fd, &why);

	if (!ret)
		return;
	if (ret == 1) {
		m = ensemble_find(&z->ens, c->ac.peer);
		if (m && member_has_addr(m, (struct sockaddr *)&c->addr)) {
			c->state = LC_FOLLOWERINFO;
			return;
		}
		why = m ? "authenticated with the id of a member at another address"
			: "authenticated with an id that is not a member's";
		ret = -EACCES;
	}
	/* only a peer that failed counts; one that hung up may restart */
	if (ret == -EACCES)
		zab_auth_fail(&z->auth, (struct sockaddr *)&c->addr, "quorum", why);
	conn_drop(c, LOG_DEBUG, why);
}

static void conn_readable(struct lconn *c, uint32_t events)
{
	uint8_t type = c->state == LC_FOLLOWERINFO ? ZAB_HS_FOLLOWERINFO : ZAB_HS_ACKEPOCH;
	const char *why;
	struct zab_hs hs;
	char msg[96];
	int ret;

	if (c->state == LC_AUTH) {
		conn_auth(c);
		return;
	}
	if (c->state != LC_FOLLOWERINFO && c->state != LC_ACKEPOCH) {
		/* PENDING: nothing is expected; READY: only a hang-up is watched */
		if (c->state == LC_PENDING && !(events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
			conn_drop(c, LOG_WARNING, "unexpected data before LEADERINFO");
		else
			conn_drop(c, LOG_INFO, "closed by the follower");
		return;
	}
	ret = frame_read(c->fd, &c->fb);
	if (ret == 0)
		return;
	if (ret < 0) {
		conn_drop(c, sock_tls_refused(c->fd, ret) ? LOG_WARNING : LOG_INFO,
			  ret == -EPIPE ? "closed during the handshake"
					: sock_recv_error(c->fd, ret));
		return;
	}
	/* not a follower: a member asking for a snapshot (snapxfer.h) */
	if (type == ZAB_HS_FOLLOWERINFO && c->fb.buf[5] == ZAB_HS_SNAPREQ)
		type = ZAB_HS_SNAPREQ;
	if (zab_hs_decode(c->fb.buf, c->fb.have, type, &hs, &why) < 0) {
		snprintf(msg, sizeof(msg), "bad %s: %s", zab_hs_type_name(type), why);
		conn_drop(c, LOG_WARNING, msg);
		return;
	}
	if (type == ZAB_HS_SNAPREQ)
		got_snapreq(c, &hs);
	else if (type == ZAB_HS_FOLLOWERINFO && this_member_follows(c->l->z))
		conn_drop(c, LOG_DEBUG, "FOLLOWERINFO: this member follows");
	else if (type == ZAB_HS_FOLLOWERINFO)
		got_followerinfo(c, &hs);
	else
		got_ackepoch(c, &hs);
}

static void conn_event(struct watch *w, uint32_t events)
{
	conn_readable(w->arg, events);
}

static void conn_timeout(struct timer *t)
{
	struct lconn *c = t->arg;
	const char *why = "no FOLLOWERINFO within initLimit";

	if (c->state == LC_AUTH) {
		why = "no handshake within initLimit";	/* not counted */
	} else if (c->state == LC_PENDING) {
		why = "not led by this member within initLimit";
	}
	else if (c->state == LC_ACKEPOCH)
		why = "no ACKEPOCH within initLimit";
	conn_drop(c, LOG_INFO, why);
}

/* Connections of one address that may wait for authentication at once. */
#define UNAUTH_PER_ADDR 2

/*
 * Makes room for a connection from @addr, a member's, in a table of @cap.
 * Connecting needs no key, so a process at one member's address could
 * fill the table with handshakes it never finishes and keep every member
 * out until they time out: at most UNAUTH_PER_ADDR connections of one
 * address wait for authentication, and a new one closes the oldest of
 * them; a full table closes the oldest of all that wait. Return false if
 * there is no room: every connection is authenticated.
 */
static bool unauth_room(struct leader *l, const struct sockaddr_storage *addr, size_t cap)
{
	struct lconn *c, *oldest = NULL, *oldest_here = NULL, *victim;
	size_t here = 0;

	for (c = l->conns; c; c = c->next) {	/* newest first */
		if (c->state != LC_AUTH)
			continue;
		oldest = c;
		if (sock_addr_same_host((const struct sockaddr *)&c->addr,
					(const struct sockaddr *)addr)) {
			oldest_here = c;
			here++;
		}
	}
	if (here >= UNAUTH_PER_ADDR)
		victim = oldest_here;
	else if (l->n_conns >= cap)
		victim = oldest;
	else
		return true;
	if (!victim)
		return false;
	conn_drop(victim, LOG_DEBUG, "a newer connection from its address waits for authentication");
	return true;
}

static void accept_conn(struct leader *l, int fd, const struct sockaddr_storage *addr)
{
	struct zabd *z = l->z;
	bool known = false;
	struct lconn *c;

	for (size_t i = 0; i < z->ens.n; i++)
		known |= &z->ens.members[i] != z->ens.self &&
			 member_has_addr(&z->ens.members[i], (const struct sockaddr *)addr);
	if (!known || !unauth_room(l, addr, 2 * z->ens.n + 4)) {
		char peer[64];
		int level = known ? LOG_DEBUG : LOG_WARNING;

		/* a stranger's flood: one warning a minute, with the count */
		if (!known && l->strangers_at && loop_now() - l->strangers_at < 60000) {
			l->strangers_quiet++;
			level = LOG_DEBUG;
		}
		sock_addr_str((const struct sockaddr *)addr, peer, sizeof(peer));
		if (level == LOG_WARNING && l->strangers_quiet)
			zwarn("quorum port: refusing %s: not the address of a member (and %" PRIu64
			      " more connections of strangers in the last minute)", peer,
			      l->strangers_quiet);
		else
			zlog(level, "quorum port: refusing %s: %s", peer,
			     !known ? "not the address of a member" : "too many connections");
		if (level == LOG_WARNING) {
			l->strangers_at = loop_now();
			l->strangers_quiet = 0;
		}
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->l = l;
	c->fd = fd;
	c->addr = *addr;
	c->state = zab_auth_enabled(&z->auth) ? LC_AUTH : LC_FOLLOWERINFO;
	sock_addr_str((const struct sockaddr *)addr, c->peer, sizeof(c->peer));
	frame_buf_reset(&c->fb, ZAB_HS_SIZE);
	if (c->state == LC_AUTH &&
	    zab_auth_start(&c->ac, &z->auth, fd, ZAB_AUTH_QUORUM, false, z->conf->myid, 0) < 0) {
		close(fd);
		zab_auth_end(&c->ac);
		free(c);
		return;
	}
	watch_init(&c->w, conn_event, c);
	timer_init(&c->t, conn_timeout, c);
	if (loop_watch(&z->loop, &c->w, fd, EPOLLIN | EPOLLRDHUP) < 0) {
		close(fd);
		zab_auth_end(&c->ac);
		free(c);
		return;
	}
	timer_arm(&z->loop, &c->t, zabd_init_limit_ms(z));
	c->next = l->conns;
	if (l->conns)
		l->conns->prev = c;
	l->conns = c;
	l->n_conns++;
}

static void listen_event(struct watch *w, uint32_t events)
{
	struct leader *l = w->arg;
	struct sockaddr_storage addr;
	int fd;

	(void)events;
	for (int i = 0; i < 16; i++) {
		fd = sock_accept(l->lfd, &addr);
		if (fd < 0) {
			if (fd != -EAGAIN && fd != -EINTR && fd != -ECONNABORTED)
				zwarn("quorum port: accept: %s", strerror(-fd));
			return;
		}
		accept_conn(l, fd, &addr);
	}
}

static void phase_expired(struct timer *t)
{
	struct leader *l = t->arg;

	if (!l->decided)
		l->ops->failed(l->z,
			       "no quorum of followers within initLimit (%zu of %zu members)",
			       count_state(l, LC_PENDING) + 1, l->z->ens.voters);
	else
		l->ops->failed(l->z, "no quorum acknowledged epoch %u within initLimit", l->epoch);
}

void leader_start(struct zabd *z, const struct discovery_ops *ops)
{
	struct leader *l = z->leader;

	l->ops = ops;
	l->active = true;
	l->decided = false;
	l->led = false;
	timer_arm(&z->loop, &l->phase_timer, zabd_init_limit_ms(z));
	progress(l);
}

void leader_reset(struct zabd *z, bool keep_pending)
{
	struct leader *l = z->leader;
	struct lconn *c, *next;

	l->active = false;
	l->decided = false;
	l->led = false;
	timer_disarm(&z->loop, &l->phase_timer);
	timer_disarm(&z->loop, &l->lead_timer);
	for (c = l->conns; c; c = next) {
		next = c->next;
		if (!keep_pending || (c->state != LC_AUTH && c->state != LC_FOLLOWERINFO &&
				      c->state != LC_PENDING))
			conn_free(c);
	}
}

int leader_open(struct zabd *z)
{
	const struct member *self = z->ens.self;
	struct sockaddr_storage sa;
	struct leader *l;
	char where[64];
	socklen_t len;
	int ret;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->z = z;
	/* never yet: long enough ago for either limit */
	l->raised_at = INT64_MIN / 2;
	l->far_logged_at = INT64_MIN / 2;
	watch_init(&l->lw, listen_event, l);
	timer_init(&l->phase_timer, phase_expired, l);
	timer_init(&l->lead_timer, lead_retry, l);
	len = member_addr(self, 0, self->quorum_port, &sa);
	sock_addr_str((struct sockaddr *)&sa, where, sizeof(where));
	l->lfd = sock_listen((struct sockaddr *)&sa, len);
	if (l->lfd < 0) {
		ret = l->lfd;
		zerr("quorum port %s: %s", where, strerror(-ret));
		free(l);
		return ret;
	}
	ret = loop_watch(&z->loop, &l->lw, l->lfd, EPOLLIN);
	if (ret < 0) {
		zerr("epoll: %s", strerror(-ret));
		close(l->lfd);
		free(l);
		return ret;
	}
	zinfo("quorum: listening on %s", where);
	z->leader = l;
	return 0;
}

void leader_close(struct zabd *z)
{
	struct leader *l = z->leader;

	if (!l)
		return;
	leader_reset(z, false);
	loop_unwatch(&z->loop, &l->lw);
	close(l->lfd);
	free(l);
	z->leader = NULL;
}
