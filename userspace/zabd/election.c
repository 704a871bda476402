// SPDX-License-Identifier: GPL-2.0 OR MIT

#include <string.h>

#include "election.h"

void zab_fle_init(struct zab_fle *f, uint32_t myid, const uint32_t *ids,
		  const bool *observer, size_t n)
{
	size_t voters = 0;

	memset(f, 0, sizeof(*f));
	f->myid = myid;
	for (size_t i = 0; i < n; i++) {
		if (ids[i] < 1 || ids[i] > ZAB_ID_MAX)
			continue;
		f->member[ids[i]] = true;
		f->voter[ids[i]] = !observer || !observer[i];
		voters += f->voter[ids[i]];
	}
	f->quorum = voters / 2 + 1;
	f->observing = myid <= ZAB_ID_MAX && f->member[myid] && !f->voter[myid];
}

void zab_fle_abstain(struct zab_fle *f, bool abstain)
{
	bool member = f->myid <= ZAB_ID_MAX && f->member[f->myid];

	f->observing = (member && !f->voter[f->myid]) || abstain;
}

static void clear_round(struct zab_fle *f)
{
	memset(f->recv, 0, sizeof(f->recv));
	memset(f->claim, 0, sizeof(f->claim));
}

static void set_entry(struct zab_fle_entry *e, uint8_t state,
		      const struct zab_vote *v, uint64_t election_epoch)
{
	e->valid = true;
	e->state = state;
	e->vote = *v;
	e->election_epoch = election_epoch;
}

/* The greatest of our own vote and the claims of this round. */
static bool recompute_proposal(struct zab_fle *f)
{
	struct zab_vote best = f->self;
	bool changed;

	for (uint32_t id = 1; id <= ZAB_ID_MAX; id++) {
		const struct zab_fle_claim *c = &f->claim[id];
		struct zab_vote v = { id, c->zxid, c->peer_epoch, c->flags };

		if (c->valid && zab_vote_cmp(&v, &best) > 0)
			best = v;
	}
	changed = !zab_vote_equal(&best, &f->proposal);
	f->proposal = best;
	set_entry(&f->recv[f->myid], ZAB_STATE_LOOKING, &best, f->clock);
	return changed;
}

unsigned int zab_fle_start(struct zab_fle *f, uint64_t zxid,
			   uint32_t peer_epoch, uint8_t flags)
{
	f->clock++;
	f->looking = true;
	f->decided = false;
	f->self = (struct zab_vote){ f->myid, zxid, peer_epoch, flags };
	f->proposal = f->self;
	clear_round(f);
	memset(f->out, 0, sizeof(f->out));
	recompute_proposal(f);
	return ZAB_FLE_BROADCAST;
}

static size_t count_equal(const struct zab_fle_entry *set,
			  const struct zab_vote *v)
{
	size_t n = 0;

	for (uint32_t id = 1; id <= ZAB_ID_MAX; id++) {
		if (set[id].valid && zab_vote_equal(&set[id].vote, v))
			n++;
	}
	return n;
}

/* Out of election, members of one leadership agree on leader and epoch. */
static size_t count_same_leader(const struct zab_fle_entry *set,
				const struct zab_vote *v)
{
	size_t n = 0;

	for (uint32_t id = 1; id <= ZAB_ID_MAX; id++) {
		if (set[id].valid && set[id].vote.leader == v->leader &&
		    set[id].vote.peer_epoch == v->peer_epoch)
			n++;
	}
	return n;
}

/* ZooKeeper's checkLeader: the leader itself must say it leads. */
static bool leader_confirms(const struct zab_fle *f,
			    const struct zab_fle_entry *set, uint32_t leader,
			    uint64_t election_epoch)
{
	const struct zab_fle_entry *e = &set[leader];

	if (leader == f->myid)
		return f->clock == election_epoch;
	return e->valid && e->state == ZAB_STATE_LEADING && e->vote.leader == leader;
}

bool zab_fle_ready(const struct zab_fle *f)
{
	const struct zab_fle_entry *l = &f->recv[f->proposal.leader];

	if (f->observing || !f->looking ||
	    count_equal(f->recv, &f->proposal) < f->quorum)
		return false;
	if (f->proposal.leader == f->myid)
		return true;
	/* the proposed leader votes for itself, with this very history */
	return l->valid && l->state == ZAB_STATE_LOOKING &&
	       zab_vote_equal(&l->vote, &f->proposal);
}

static unsigned int decide(struct zab_fle *f, const struct zab_vote *v)
{
	f->looking = false;
	f->decided = true;
	f->decision = *v;
	f->decided_state = v->leader == f->myid ? ZAB_STATE_LEADING :
						  ZAB_STATE_FOLLOWING;
	return ZAB_FLE_DECIDED;
}

unsigned int zab_fle_finalize(struct zab_fle *f)
{
	return zab_fle_ready(f) ? decide(f, &f->proposal) : 0;
}

static unsigned int receive_looking(struct zab_fle *f, const struct zab_notif *n)
{
	unsigned int act = 0;

	f->out[n->sender].valid = false;	/* it left that leadership */
	if (n->election_epoch < f->clock)
		return ZAB_FLE_REPLY;	/* tell it about the current round */
	if (n->election_epoch > f->clock) {
		f->clock = n->election_epoch;
		clear_round(f);
		act |= ZAB_FLE_BROADCAST;
	}
	if (n->vote.leader == n->sender) {
		struct zab_fle_claim *c = &f->claim[n->sender];

		c->valid = true;
		c->zxid = n->vote.zxid;
		c->peer_epoch = n->vote.peer_epoch;
		c->flags = n->vote.flags;
	}
	if (recompute_proposal(f))
		act |= ZAB_FLE_BROADCAST;
	set_entry(&f->recv[n->sender], n->state, &n->vote, n->election_epoch);
	/*
	 * Its vote is worse than ours: it may not have heard ours (it came
	 * too early, while it was not LOOKING yet). Tell it now rather than
	 * at the next retransmission.
	 */
	if (!(act & ZAB_FLE_BROADCAST) && zab_vote_cmp(&n->vote, &f->proposal) < 0)
		act |= ZAB_FLE_REPLY;
	return act;
}

static unsigned int receive_decided(struct zab_fle *f, const struct zab_notif *n)
{
	const struct zab_vote *v = &n->vote;

	/* stale reports naming an abstaining member (or an observer) */
	if (f->observing && v->leader == f->myid)
		return 0;

	if (n->election_epoch == f->clock) {
		set_entry(&f->recv[n->sender], n->state, v, n->election_epoch);
		if (count_equal(f->recv, v) >= f->quorum &&
		    leader_confirms(f, f->recv, v->leader, n->election_epoch))
			return decide(f, v);
	}
	/* Others following us while we look: stale, they will notice. */
	if (v->leader == f->myid)
		return 0;
	set_entry(&f->out[n->sender], n->state, v, n->election_epoch);
	if (count_same_leader(f->out, v) >= f->quorum &&
	    leader_confirms(f, f->out, v->leader, n->election_epoch)) {
		f->clock = n->election_epoch;
		return decide(f, v);
	}
	return 0;
}

unsigned int zab_fle_receive(struct zab_fle *f, const struct zab_notif *n)
{
	if (n->sender == f->myid || n->sender > ZAB_ID_MAX ||
	    n->vote.leader > ZAB_ID_MAX || !f->member[n->sender] ||
	    !f->member[n->vote.leader] || n->state > ZAB_STATE_LEADING)
		return 0;
	/*
	 * An observer's word counts nowhere, by our file or its own: a
	 * decided voter tells it.
	 */
	if (!f->voter[n->sender] || n->observer) {
		bool claimed = f->claim[n->sender].valid;

		/* what it said before, as a voter, holds no more */
		f->recv[n->sender].valid = false;
		f->out[n->sender].valid = false;
		f->claim[n->sender].valid = false;
		if (claimed && f->looking && !f->observing && recompute_proposal(f))
			return ZAB_FLE_BROADCAST;
		return !f->observing && f->decided &&
		       n->state == ZAB_STATE_LOOKING ? ZAB_FLE_REPLY : 0;
	}
	/*
	 * A voter naming a member we do not count: what we had of its vote
	 * no longer holds (a file that differs, while a role changes).
	 */
	if (!f->voter[n->vote.leader]) {
		f->recv[n->sender].valid = false;
		f->out[n->sender].valid = false;
		return 0;
	}
	if (!f->looking)
		return f->decided && n->state == ZAB_STATE_LOOKING &&
		       !f->observing ? ZAB_FLE_REPLY : 0;
	if (n->state == ZAB_STATE_LOOKING)
		return f->observing ? 0 : receive_looking(f, n);
	return receive_decided(f, n);
}

void zab_fle_notif(const struct zab_fle *f, struct zab_notif *n)
{
	n->sender = f->myid;
	n->observer = f->observing;
	n->election_epoch = f->clock;
	if (f->looking || !f->decided) {
		n->state = ZAB_STATE_LOOKING;
		n->vote = f->proposal;
	} else {
		n->state = f->decided_state;
		n->vote = f->decision;
	}
}
