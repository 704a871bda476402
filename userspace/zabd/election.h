/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Fast Leader Election as a pure state machine: notifications go in, actions
 * and a decision come out; sending, timers and the kernel are the caller's.
 * It follows ZooKeeper's FastLeaderElection.lookForLeader, with one
 * hardening: a member's own history is only ever taken from the member
 * itself.
 *
 * A round starts with zab_fle_start(): the logical clock moves on and the
 * member votes for itself. Every member LOOKING in the same round tells the
 * others its vote; a member's "claim" is what it says about itself when it
 * votes for itself. The proposal is the greatest of the member's own vote and
 * the claims heard in the round (zab_vote_cmp()), so a vote naming a member
 * with a history that member never claimed (a forged or stale vote) is never
 * adopted. The round may end when a quorum (the member included) votes for
 * the proposal and its leader itself does: the caller then waits the finalize
 * time, and zab_fle_finalize() decides unless the proposal changed.
 *
 * A member whose vote is worse than ours is answered with ours at once.
 *
 * Members already FOLLOWING or LEADING answer with the vote that ended their
 * election. A LOOKING member follows that leader at once if a quorum of
 * them reports it in the member's own round, or, out of election, if a
 * quorum reports it (same leader and peer epoch) and the leader itself says
 * it is LEADING. Only configured members count.
 *
 * Observers (configured ":observer", in the receiver's file or, as the
 * notification says, the sender's own) count nowhere: their notifications
 * are never taken as votes or claims, a vote naming one is ignored, and a
 * member that is not LOOKING answers theirs with the vote that ended its
 * election. An observer never proposes itself: it follows a leader once a
 * quorum of voting members reports it, out of election or in its round,
 * and that leader says it is LEADING (ZooKeeper's observers wait for the
 * same).
 *
 * A voter may abstain (zab_fle_abstain()): it then takes part as an
 * observer does, and others count it nowhere, as its notifications say.
 */
#ifndef ZABD_ELECTION_H
#define ZABD_ELECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/zab.h>

#include "vote.h"

/* What the caller must do after an input, as a bit mask. */
#define ZAB_FLE_BROADCAST	0x1	/* send zab_fle_notif() to every member */
#define ZAB_FLE_REPLY		0x2	/* send zab_fle_notif() to the sender */
#define ZAB_FLE_DECIDED		0x4	/* over: see decision and decided_state */

struct zab_fle_entry {
	bool valid;
	uint8_t state;
	struct zab_vote vote;
	uint64_t election_epoch;
};

struct zab_fle_claim {
	bool valid;
	uint64_t zxid;
	uint32_t peer_epoch;
	uint8_t flags;
};

struct zab_fle {
	uint32_t myid;
	size_t quorum;			/* of the voting members */
	bool observing;			/* an observer, or abstaining */
	bool member[ZAB_ID_MAX + 1];
	bool voter[ZAB_ID_MAX + 1];	/* members that are not observers */
	uint64_t clock;			/* logical clock: the round */
	bool looking;
	bool decided;
	struct zab_vote self;		/* this member's own vote */
	struct zab_vote proposal;
	struct zab_fle_entry recv[ZAB_ID_MAX + 1];	/* votes of this round */
	struct zab_fle_entry out[ZAB_ID_MAX + 1];	/* out of election */
	struct zab_fle_claim claim[ZAB_ID_MAX + 1];	/* self-votes heard */
	struct zab_vote decision;
	uint8_t decided_state;		/* ZAB_STATE_LEADING or _FOLLOWING */
};

/*
 * @ids: the @n configured member ids, @myid among them; @observer[i] (NULL:
 * none) marks those that observe.
 */
void zab_fle_init(struct zab_fle *f, uint32_t myid, const uint32_t *ids,
		  const bool *observer, size_t n);

/*
 * Whether this member, a voter by the files, abstains: its log lost records
 * it may have acknowledged (disklog.h), so its history must not count until
 * a leader elected without it has synchronised it. Takes effect with the
 * next notification this member sends.
 */
void zab_fle_abstain(struct zab_fle *f, bool abstain);

/*
 * A new round with this member's history (last zxid, the epoch of that
 * history) and ZAB_VOTE_* @flags. Returns ZAB_FLE_BROADCAST.
 */
unsigned int zab_fle_start(struct zab_fle *f, uint64_t zxid,
			   uint32_t peer_epoch, uint8_t flags);

/* Handles a notification; returns ZAB_FLE_* bits. */
unsigned int zab_fle_receive(struct zab_fle *f, const struct zab_notif *n);

/*
 * Whether a quorum and the proposed leader itself vote for the proposal:
 * the caller arms the finalize wait while it holds.
 */
bool zab_fle_ready(const struct zab_fle *f);

/* The finalize wait is over: ZAB_FLE_DECIDED if still ready, else 0. */
unsigned int zab_fle_finalize(struct zab_fle *f);

/*
 * This member's notification: its proposal while LOOKING, the vote that
 * ended the election afterwards.
 */
void zab_fle_notif(const struct zab_fle *f, struct zab_notif *n);

#endif
