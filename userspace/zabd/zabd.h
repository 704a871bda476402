/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * zabd: one member of a zab ensemble. This is the state every part of the
 * daemon shares; each part lives in its own file:
 *
 *	zabd.c		options, start-up, the main loop, shutdown
 *	instance.c	the kernel instance: create or adopt, query, events
 *	node.c		the member's phases: election, discovery, broadcast;
 *			it starts discovery, which reports back through
 *			struct discovery_ops (docs/architecture.md)
 *	election.c	Fast Leader Election (pure)	mesh.c  its transport
 *	leader.c	discovery as leader, LEAD, late joiners (ADD_FOLLOWER)
 *	follower.c	discovery as follower, FOLLOW
 *	epoch.c		acceptedEpoch and currentEpoch: the files, and the
 *			member's epochs written through them
 *	disk.c		the log on disk read back at start
 *	snapd.c		snapshots and purge
 */
#ifndef ZABD_H
#define ZABD_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "election.h"
#include "ensemble.h"
#include "common/info.h"
#include "auth.h"
#include "loop.h"
#include "common/nl.h"
#include "sdnotify.h"

enum zabd_phase {
	ZABD_ELECTION,		/* LOOKING: Fast Leader Election */
	ZABD_DISCOVERY,		/* elected: epoch and handshake, not handed over */
	ZABD_BROADCAST,		/* the kernel leads or follows */
};

struct leader;
struct follower;
struct mesh;
struct snapd;

struct metrics;
struct zabd;

/* A handler of the kernel's events (instance_subscribe()) */
typedef void zabd_event_fn(struct zabd *z, const struct zab_event_info *ev);

struct zabd {
	const struct zab_conf *conf;
	struct ensemble ens;
	struct loop loop;
	bool running;
	bool joined;		/* zabd_ready() was called */
	int status;			/* exit status once !running */

	struct zab_nl *nl;		/* requests */
	struct zab_nl *events;		/* the kernel's events */
	struct watch events_watch;
	zabd_event_fn *kernel_event;	/* instance_subscribe()'s handler */
	int sigfd;
	struct watch sig_watch;
	bool created;			/* zabd created the instance */

	int lock_fd;			/* dataDir lock */
	uint32_t accepted_epoch;
	uint32_t current_epoch;
	bool epoch_write_failing;	/* an epoch file cannot be written */
	bool unsynced;			/* the log lost records: abstaining */

	struct mesh *mesh;
	struct zab_fle fle;
	enum zabd_phase phase;
	struct timer finalize_timer;
	struct timer notify_timer;
	int notify_ms;
	struct timer tick_timer;
	int64_t decided_at;		/* when the last discovery began, or 0 */
	int backoff_ms;			/* delay before the next discovery */
	struct timer discovery_timer;
	struct leader *leader;
	struct follower *follower;
	struct snapd *snapd;

	struct zab_auth auth;		/* authKeyFile's keys, failures */
	struct timer tls_expiry_timer;	/* auth = cert: tls_expiry_check() */
	bool instance_up;		/* instance_setup() succeeded */
	uint64_t auth_generation;	/* the keys the mesh was checked against */

	struct metrics *metrics;	/* metricsAddr's endpoint, or NULL */
	uint64_t elections;		/* begun, for the metrics */

	struct sdnotify sd;		/* systemd's notification socket */
	struct timer watchdog_timer;
};

static inline int64_t zabd_tick_ms(const struct zabd *z)
{
	return z->conf->params.value[ZAB_P_TICK_TIME];
}

static inline int64_t zabd_init_limit_ms(const struct zabd *z)
{
	return zabd_tick_ms(z) * z->conf->params.value[ZAB_P_INIT_LIMIT];
}

/*
 * The member has joined an ensemble: a leader leads an epoch a quorum
 * established, with its history on disk; a follower is synchronised with
 * its leader (currentEpoch written, acknowledgments released). READY=1 to
 * the service manager, once; one that could not be sent goes again with the
 * watchdog's next kick.
 */
void zabd_ready(struct zabd *z);

/*
 * Tells the service manager (systemd, Type=notify) what the member does, as
 * STATUS=. Nothing without $NOTIFY_SOCKET.
 */
void zabd_report(struct zabd *z, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Stops the main loop; zabd exits with @status after cleaning up. */
void zabd_exit(struct zabd *z, int status);

/* metrics.c: the Prometheus endpoint at metricsAddr, if configured */
int metrics_open(struct zabd *z);
void metrics_close(struct zabd *z);

/* disk.c: read the log on disk back into a new instance, and attach it */
int disk_setup(struct zabd *z);
/*
 * Is dataDir marked unsynced (disklog.h: the log lost records it had on
 * disk)? Then z->unsynced, and the member abstains in elections and
 * discovery. 0 or -errno (the mark cannot be read).
 */
int disk_unsynced_load(struct zabd *z);
/*
 * Synchronised by a leader elected without it: the mark goes, it votes;
 * once the history on disk goes back to zxid 0 (after a SNAP, once the
 * snapshot is fetched). Tried again at ticks until it can be done.
 */
void disk_unsynced_clear(struct zabd *z, const struct zab_info *info);

/* snapd.c: snapshots every snapCount records or snapBytes, and purge */
int snapd_open(struct zabd *z);
void snapd_close(struct zabd *z);
/* Answers a SNAPREQ from member @sid on @fd (taken over) for the records up
 * to @from: in a child process, or at once with "none". */
void snapd_serve(struct zabd *z, int fd, uint32_t sid, uint64_t from, uint32_t epoch);
/*
 * Does the history on disk go back to zxid 0, as far as snapd knows: no
 * SNAP since it last looked (@info's count), none waiting for its snapshot
 * to be fetched?
 */
bool snapd_history_whole(const struct zabd *z, const struct zab_info *info);

/* instance.c */
int instance_setup(struct zabd *z);

/* Adds the authentication failures not yet counted to the instance's. */
void instance_count_auth(struct zabd *z);
void instance_teardown(struct zabd *z);
/* The kernel's events for this instance go to @handler; @ev is NULL when
 * some were lost. */
int instance_subscribe(struct zabd *z, zabd_event_fn *handler);
/* GET of the instance; on failure logs, and ends zabd (the kernel is gone). */
int instance_get(struct zabd *z, struct zab_info *info);

/*
 * The last zxid of the history this member votes and acknowledges an epoch
 * with: its log's, or, while its log on disk fails, what it would restart
 * with (the durable point), or its commit point if higher: committed records
 * are held by a quorum, and the kernel cannot drop them (FOLLOW cuts the log
 * there).
 */
static inline uint64_t zabd_vote_zxid(const struct zab_info *info)
{
	if (!info->log_error)
		return info->last_zxid;
	return info->durable_zxid > info->commit_zxid ? info->durable_zxid :
						       info->commit_zxid;
}

/*
 * The epoch of the history this member holds up to @zxid: currentEpoch, or
 * the epoch of @zxid if newer. A record of epoch e is logged only after the
 * leader of e synchronised this member, so a log that reaches into e holds
 * e's history even while currentEpoch (written once that history is
 * durable) still says less. Votes and ACKEPOCH carry this epoch with @zxid.
 */
static inline uint32_t zabd_history_epoch(const struct zabd *z, uint64_t zxid)
{
	uint32_t e = (uint32_t)(zxid >> 32);

	return e > z->current_epoch ? e : z->current_epoch;
}

/*
 * epoch persistence (node.c): 0, or -EIO if the file cannot be written
 * (logged once; the value in memory stays the old one)
 */
int zabd_set_accepted_epoch(struct zabd *z, uint32_t epoch);
int zabd_set_current_epoch(struct zabd *z, uint32_t epoch);

/* node.c: the member's phases; it starts discovery as leader or follower */
int node_open(struct zabd *z);
void node_close(struct zabd *z);
void node_look(struct zabd *z);
void node_kernel_event(struct zabd *z, const struct zab_event_info *ev);

/*
 * How discovery, as leader (leader.c) or as follower (follower.c), reports
 * to the member's phases (node.c), which start it: established() once the
 * kernel leads or follows; failed() when discovery cannot go on. The phases
 * then elect again, which resets both sides (leader_reset(),
 * follower_reset()).
 */
struct discovery_ops {
	void (*established)(struct zabd *z);
	void (*failed)(struct zabd *z, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
};

/* leader.c */
int leader_open(struct zabd *z);
void leader_close(struct zabd *z);
void leader_start(struct zabd *z, const struct discovery_ops *ops);
/* Leaves leadership; @keep_pending keeps connections still in FOLLOWERINFO. */
void leader_reset(struct zabd *z, bool keep_pending);

/* follower.c */
int follower_open(struct zabd *z);
void follower_close(struct zabd *z);
void follower_start(struct zabd *z, uint32_t leader, const struct discovery_ops *ops);
void follower_reset(struct zabd *z);
/* In broadcast, with the kernel's view: persists currentEpoch once synced. */
void follower_check_synced(struct zabd *z, const struct zab_info *info);
/* The epoch this member follows in, once FOLLOW succeeded. */
uint32_t follower_epoch(const struct zabd *z);
/* Following a leader, synchronised (currentEpoch written, SYNCED)? */
bool follower_synced(const struct zabd *z);

/*
 * auth = cert: the quorum connections (in the kernel) of members whose
 * certificate the current files say is revoked are dropped
 * (ZAB_CMD_DROP_PEER). Called when the files were read again, and after
 * each handover (a handshake may have ended before the files changed).
 */
void zabd_drop_revoked_peers(struct zabd *z);

#endif
