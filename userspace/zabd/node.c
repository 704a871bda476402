// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The member's phases. LOOKING, it runs Fast Leader Election over the mesh.
 * Elected, it runs discovery as leader or follower (leader.c, follower.c)
 * and hands its sockets to the kernel. In broadcast, the kernel does the
 * work; a lost leader or quorum (an event, or the kernel found LOOKING at a
 * tick) starts a new election.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "epoch.h"
#include "common/fmt.h"
#include "log.h"
#include "mesh.h"
#include "zabd.h"

#define NOTIFY_MIN_MS	200
#define NOTIFY_MAX_MS	1000
#define FINALIZE_MS	200
/*
 * A leadership that ends within this many ticks of the start of its
 * discovery failed "quickly": the next discovery waits, from BACKOFF_MIN_MS doubling up to
 * BACKOFF_MAX_MS, so that a member the leader keeps refusing does not
 * spin.
 */
#define QUICK_TICKS	5
#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	5000

static const char *state_str(uint32_t state)
{
	const char *name = zab_state_name(state);

	return name ? name : "unknown";
}

static void send_vote(struct zabd *z, uint32_t sid)
{
	struct zab_notif n;

	zab_fle_notif(&z->fle, &n);
	mesh_send(z->mesh, sid, &n);
}

static void broadcast_vote(struct zabd *z)
{
	struct zab_notif n;

	zab_fle_notif(&z->fle, &n);
	mesh_broadcast(z->mesh, &n);
}

static int64_t finalize_ms(const struct zabd *z)
{
	int64_t two_ticks = 2 * zabd_tick_ms(z);

	return two_ticks < FINALIZE_MS ? two_ticks : FINALIZE_MS;
}

static void discovery_established(struct zabd *z)
{
	z->phase = ZABD_BROADCAST;
}

/* Discovery failed, or the kernel no longer does what it was handed. */
static void elect_again(struct zabd *z, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void elect_again(struct zabd *z, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	zinfo("%s: electing again", why);
	if (z->running)
		node_look(z);
}

/* discovery (leader.c, follower.c) reports back here */
static const struct discovery_ops discovery_ops = {
	.established = discovery_established,
	.failed = elect_again,
};

static void discover(struct zabd *z)
{
	z->decided_at = loop_now();	/* the leadership's attempt starts now */
	if (z->fle.decided_state == ZAB_STATE_LEADING && z->unsynced) {
		/* the election never decides so (zab_fle_abstain()): a guard */
		elect_again(z, "this member's log lost records: it cannot lead");
		return;
	}
	if (z->fle.decided_state == ZAB_STATE_LEADING) {
		follower_reset(z);
		leader_start(z, &discovery_ops);
	} else {
		leader_reset(z, false);
		follower_start(z, z->fle.decision.leader, &discovery_ops);
	}
}

static void discovery_delayed(struct timer *t)
{
	struct zabd *z = t->arg;

	if (z->phase == ZABD_DISCOVERY)
		discover(z);
}

static void decided(struct zabd *z)
{
	const struct zab_vote *v = &z->fle.decision;
	char vote[96];

	timer_disarm(&z->loop, &z->finalize_timer);
	timer_disarm(&z->loop, &z->notify_timer);
	zab_vote_str(v, vote, sizeof(vote));
	z->phase = ZABD_DISCOVERY;
	if (z->fle.decided_state == ZAB_STATE_LEADING)
		zinfo("elected leader in round %" PRIu64 ": %s", z->fle.clock, vote);
	else
		zinfo("following %s, elected in round %" PRIu64, vote, z->fle.clock);
	if (!z->backoff_ms) {
		discover(z);
		return;
	}
	zinfo("the last leadership failed at once: discovery in %d ms", z->backoff_ms);
	if (z->fle.decided_state == ZAB_STATE_FOLLOWING)
		leader_reset(z, false);
	timer_arm(&z->loop, &z->discovery_timer, z->backoff_ms);
}

/* Did the last leadership fail quickly? Then wait longer next time. */
static void update_backoff(struct zabd *z)
{
	int64_t quick = QUICK_TICKS * zabd_tick_ms(z);

	if (z->decided_at && loop_now() - z->decided_at < quick)
		z->backoff_ms = z->backoff_ms ? z->backoff_ms * 2 : BACKOFF_MIN_MS;
	else
		z->backoff_ms = 0;
	if (z->backoff_ms > BACKOFF_MAX_MS)
		z->backoff_ms = BACKOFF_MAX_MS;
	z->decided_at = 0;
}

/* Carries out what the election asked for. */
static void apply(struct zabd *z, unsigned int act, uint32_t sender)
{
	if (act & ZAB_FLE_DECIDED) {
		decided(z);
		return;
	}
	if (act & ZAB_FLE_BROADCAST)
		broadcast_vote(z);
	if (act & ZAB_FLE_REPLY)
		send_vote(z, sender);
	if (z->phase != ZABD_ELECTION)
		return;
	if (!zab_fle_ready(&z->fle))
		timer_disarm(&z->loop, &z->finalize_timer);
	else if (!z->finalize_timer.armed)
		timer_arm(&z->loop, &z->finalize_timer, finalize_ms(z));
}

static void on_notif(void *arg, const struct zab_notif *n)
{
	struct zabd *z = arg;
	char vote[96];

	zab_vote_str(&n->vote, vote, sizeof(vote));
	zdebug("notification from %u (%s, round %" PRIu64 "): %s", n->sender,
	       state_str(n->state), n->election_epoch, vote);
	apply(z, zab_fle_receive(&z->fle, n), n->sender);
}

static void on_connected(void *arg, uint32_t sid)
{
	send_vote(arg, sid);
}

static void finalize_expired(struct timer *t)
{
	struct zabd *z = t->arg;

	if (z->phase == ZABD_ELECTION)
		apply(z, zab_fle_finalize(&z->fle), 0);
}

/* Nothing decided yet: tell everyone again, less and less often. */
static void notify_expired(struct timer *t)
{
	struct zabd *z = t->arg;

	if (z->phase != ZABD_ELECTION)
		return;
	broadcast_vote(z);
	z->notify_ms = z->notify_ms * 2 > NOTIFY_MAX_MS ? NOTIFY_MAX_MS : z->notify_ms * 2;
	timer_arm(&z->loop, &z->notify_timer, z->notify_ms);
}

void node_look(struct zabd *z)
{
	struct zab_info info;
	char vote[96];
	unsigned int act;
	uint64_t zxid;

	z->phase = ZABD_ELECTION;
	timer_disarm(&z->loop, &z->discovery_timer);
	update_backoff(z);
	leader_reset(z, true);
	follower_reset(z);
	if (instance_get(z, &info) < 0)
		return;
	if (info.state != ZAB_STATE_LOOKING) {
		int ret = zab_nl_stop(z->nl, z->conf->name);

		if (ret < 0)
			zwarn("stop `%s': %s", z->conf->name, zab_nl_strerror(z->nl, ret));
		/*
		 * The vote is of the log as it stays: records may have come
		 * in since the GET above, and a vote that understates the
		 * history lets a member without them win.
		 */
		zab_info_release(&info);
		if (instance_get(z, &info) < 0)
			return;
	}
	/*
	 * Vote for what this member holds: its log, and the epoch of that
	 * history (zabd_history_epoch()). A member whose disk fails votes
	 * with what it has on disk only (it may have to restart with that),
	 * and yields to members with the same history: it cannot lead. So
	 * does one that could not write an epoch file (tried again here, with
	 * the value it holds): it could not accept an epoch, let alone lead.
	 */
	if (z->epoch_write_failing)
		zabd_set_accepted_epoch(z, z->accepted_epoch);
	zxid = zabd_vote_zxid(&info);
	act = zab_fle_start(&z->fle, zxid, zabd_history_epoch(z, zxid),
			    info.log_error || z->epoch_write_failing ?
			    ZAB_VOTE_LOG_FAILING : 0);
	zab_info_release(&info);
	zab_vote_str(&z->fle.self, vote, sizeof(vote));
	z->elections++;
	zinfo("LOOKING: election round %" PRIu64 ", voting for %s", z->fle.clock, vote);
	zabd_report(z, "LOOKING: election round %" PRIu64 ", voting for %s", z->fle.clock,
		    vote);
	z->notify_ms = NOTIFY_MIN_MS;
	timer_arm(&z->loop, &z->notify_timer, z->notify_ms);
	apply(z, act, 0);
}

/* In broadcast: is the kernel still doing what we handed it? */
static void check_kernel(struct zabd *z)
{
	uint8_t want = z->fle.decided_state;
	struct zab_info info;

	if (z->phase != ZABD_BROADCAST || instance_get(z, &info) < 0)
		return;
	if (info.state != want) {
		elect_again(z, "the instance is %s now, no longer %s",
			    state_str(info.state), state_str(want));
	} else if (want == ZAB_STATE_FOLLOWING &&
		   (info.leader != z->fle.decision.leader ||
		    info.epoch != follower_epoch(z))) {
		elect_again(z, "the instance follows %u in epoch %u now", info.leader,
			    info.epoch);
	} else if (want == ZAB_STATE_FOLLOWING) {
		follower_check_synced(z, &info);
	}
	zab_info_release(&info);
}

void zabd_drop_revoked_peers(struct zabd *z)
{
	uint32_t ids[ZAB_MEMBERS_MAX];
	size_t n = zab_tls_revoked_peers(z->auth.cert ? z->auth.tls : NULL, ids,
					 ZAB_MEMBERS_MAX);

	for (size_t i = 0; i < n; i++) {
		int ret = zab_nl_drop_peer(z->nl, z->conf->name, ids[i]);

		if (!ret)
			zwarn("member %u's certificate is revoked: its quorum connection is dropped",
			      ids[i]);
		else if (ret != -ENOTCONN)	/* kept: tried again at the next reload */
			zerr("cannot drop the quorum connection of member %u, whose certificate is revoked: %s",
			     ids[i], zab_nl_strerror(z->nl, ret));
		if (!ret || ret == -ENOTCONN)
			zab_tls_forget_kept(z->auth.tls, ids[i]);
	}
}

static void tick(struct timer *t)
{
	struct zabd *z = t->arg;

	check_kernel(z);
	if (z->unsynced && follower_synced(z)) {
		struct zab_info info;

		if (instance_get(z, &info) == 0) {
			disk_unsynced_clear(z, &info);
			zab_info_release(&info);
		}
	}
	/* a key added or removed: connections follow without waiting for one */
	zab_auth_refresh(&z->auth);
	if (z->auth.generation != z->auth_generation) {
		z->auth_generation = z->auth.generation;
		mesh_rekey(z->mesh);
		zabd_drop_revoked_peers(z);
	}
	timer_arm(&z->loop, &z->tick_timer, zabd_tick_ms(z));
}

void node_kernel_event(struct zabd *z, const struct zab_event_info *ev)
{
	const char *reason;

	if (!ev) {
		check_kernel(z);
		return;
	}
	switch (ev->event) {
	case ZAB_EVENT_DESTROYED:
		zerr("instance `%s' was destroyed: exiting", z->conf->name);
		z->created = false;
		zabd_exit(z, 1);
		return;
	case ZAB_EVENT_PEER_DOWN:
		reason = ev->has_reason ? zab_reason_name(ev->reason) : NULL;
		zinfo("member %u disconnected (%s)", ev->peer, reason ? reason : "?");
		break;
	case ZAB_EVENT_LEADER_LOST:
		zinfo("the kernel lost its leader");
		break;
	case ZAB_EVENT_QUORUM_LOST:
		zinfo("the kernel lost its quorum");
		break;
	case ZAB_EVENT_EPOCH_EXHAUSTED:
		zinfo("the kernel used every zxid of epoch %u: electing a new epoch",
		      ev->has_epoch ? ev->epoch : 0);
		break;
	case ZAB_EVENT_LOG_ERROR:
		zerr("cannot write the log on disk in %s: %s; this member acknowledges nothing until it can",
		     z->conf->data_dir, strerror((int)ev->log_error));
		return;
	case ZAB_EVENT_LOG_OK:
		zinfo("the log on disk in %s is written again", z->conf->data_dir);
		return;
	default:
		break;
	}
	/* Events may be stale (a lost leadership before the last handover). */
	check_kernel(z);
}

int node_open(struct zabd *z)
{
	const struct ensemble *ens = &z->ens;
	static const struct mesh_ops ops = { .recv = on_notif, .connected = on_connected };
	uint32_t ids[ZAB_MEMBERS_MAX];
	bool observer[ZAB_MEMBERS_MAX];
	struct zab_err err;
	int ret;

	for (size_t i = 0; i < ens->n; i++) {
		ids[i] = ens->members[i].id;
		observer[i] = ens->members[i].observer;
	}
	zab_fle_init(&z->fle, z->conf->myid, ids, observer, ens->n);
	timer_init(&z->finalize_timer, finalize_expired, z);
	timer_init(&z->notify_timer, notify_expired, z);
	timer_init(&z->tick_timer, tick, z);
	timer_init(&z->discovery_timer, discovery_delayed, z);
	ret = mesh_open(&z->mesh, &z->loop, ens, &z->auth, &ops, z, &err);
	if (ret < 0) {
		zerr("%s", err.msg);
		return ret;
	}
	timer_arm(&z->loop, &z->tick_timer, zabd_tick_ms(z));
	return 0;
}

void node_close(struct zabd *z)
{
	timer_disarm(&z->loop, &z->finalize_timer);
	timer_disarm(&z->loop, &z->notify_timer);
	timer_disarm(&z->loop, &z->tick_timer);
	timer_disarm(&z->loop, &z->discovery_timer);
	mesh_close(z->mesh);
	z->mesh = NULL;
}
