// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Fast Leader Election as a pure function of the notifications received. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <linux/zab.h>

#include "zabd/election.h"

#define LOOKING ZAB_STATE_LOOKING
#define FOLLOWING ZAB_STATE_FOLLOWING
#define LEADING ZAB_STATE_LEADING

static const uint32_t ids3[] = { 1, 2, 3 };
static const uint32_t ids5[] = { 1, 2, 3, 4, 5 };

static struct zab_notif notif(uint8_t state, uint32_t sender, uint32_t leader,
			      uint32_t epoch, uint64_t zxid, uint64_t round)
{
	return (struct zab_notif){
		.state = state,
		.sender = sender,
		.vote = { .leader = leader, .zxid = zxid, .peer_epoch = epoch },
		.election_epoch = round,
	};
}

/* A self-vote of @id in @round. */
static struct zab_notif claim(uint32_t id, uint32_t epoch, uint64_t zxid,
			      uint64_t round)
{
	return notif(LOOKING, id, id, epoch, zxid, round);
}

static unsigned int recv1(struct zab_fle *f, struct zab_notif n)
{
	return zab_fle_receive(f, &n);
}

static void test_start(void **state)
{
	struct zab_fle f;
	struct zab_notif n;

	(void)state;
	zab_fle_init(&f, 2, ids3, NULL, 3);
	assert_int_equal(f.quorum, 2);
	assert_int_equal(zab_fle_start(&f, ZAB_ZXID(1, 5), 1, 0), ZAB_FLE_BROADCAST);
	assert_int_equal(f.clock, 1);
	zab_fle_notif(&f, &n);
	assert_int_equal(n.state, LOOKING);
	assert_int_equal(n.sender, 2);
	assert_int_equal(n.vote.leader, 2);
	assert_int_equal(n.vote.zxid, ZAB_ZXID(1, 5));
	assert_int_equal(n.vote.peer_epoch, 1);
	assert_int_equal(n.election_epoch, 1);
	assert_false(zab_fle_ready(&f));	/* alone is not a quorum */
	assert_int_equal(zab_fle_finalize(&f), 0);
	zab_fle_start(&f, 0, 0, 0);
	assert_int_equal(f.clock, 2);
}

/* Three members with the same history start together: the highest id wins. */
static void test_fresh_ensemble(void **state)
{
	struct zab_fle f1, f3;

	(void)state;
	zab_fle_init(&f1, 1, ids3, NULL, 3);
	zab_fle_init(&f3, 3, ids3, NULL, 3);
	zab_fle_start(&f1, 0, 0, 0);
	zab_fle_start(&f3, 0, 0, 0);

	/* 1 hears 2's claim, then 3's: adopts 3 and tells everyone */
	assert_int_equal(recv1(&f1, claim(2, 0, 0, 1)), ZAB_FLE_BROADCAST);
	assert_int_equal(f1.proposal.leader, 2);
	assert_int_equal(recv1(&f1, claim(3, 0, 0, 1)), ZAB_FLE_BROADCAST);
	assert_int_equal(f1.proposal.leader, 3);
	/* 1 and 3 are two of three, and 3 votes for itself */
	assert_true(zab_fle_ready(&f1));
	assert_int_equal(recv1(&f1, notif(LOOKING, 2, 3, 0, 0, 1)), 0);
	assert_true(zab_fle_ready(&f1));
	assert_int_equal(zab_fle_finalize(&f1), ZAB_FLE_DECIDED);
	assert_int_equal(f1.decided_state, FOLLOWING);
	assert_int_equal(f1.decision.leader, 3);

	/* 3 keeps its own vote, and answers worse ones with it */
	assert_int_equal(recv1(&f3, claim(1, 0, 0, 1)), ZAB_FLE_REPLY);
	assert_int_equal(recv1(&f3, claim(2, 0, 0, 1)), ZAB_FLE_REPLY);
	assert_false(zab_fle_ready(&f3));
	assert_int_equal(recv1(&f3, notif(LOOKING, 1, 3, 0, 0, 1)), 0);
	assert_true(zab_fle_ready(&f3));
	assert_int_equal(zab_fle_finalize(&f3), ZAB_FLE_DECIDED);
	assert_int_equal(f3.decided_state, LEADING);
}

/* The proposed leader's own vote is required, not just a quorum's. */
static void test_leader_must_confirm(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 1, ids5, NULL, 5);
	zab_fle_start(&f, 0, 0, 0);
	recv1(&f, claim(3, 0, 0, 1));
	assert_int_equal(f.proposal.leader, 3);
	/* 3 itself moved on to 4, whose claim we have not heard */
	recv1(&f, notif(LOOKING, 3, 4, 0, 0, 1));
	recv1(&f, notif(LOOKING, 2, 3, 0, 0, 1));
	recv1(&f, notif(LOOKING, 5, 3, 0, 0, 1));
	assert_false(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), 0);
	/* once 4 speaks for itself, it is the proposal */
	assert_int_equal(recv1(&f, claim(4, 0, 0, 1)), ZAB_FLE_BROADCAST);
	assert_int_equal(f.proposal.leader, 4);
}

/* The most up-to-date history wins: epoch first, then zxid, then id. */
static void test_history_wins(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 3, ids3, NULL, 3);
	zab_fle_start(&f, ZAB_ZXID(2, 4), 2, 0);
	assert_int_equal(recv1(&f, claim(1, 2, ZAB_ZXID(2, 9), 1)), ZAB_FLE_BROADCAST);
	assert_int_equal(f.proposal.leader, 1);
	assert_int_equal(recv1(&f, claim(2, 2, ZAB_ZXID(2, 8), 1)), ZAB_FLE_REPLY);
	assert_int_equal(f.proposal.leader, 1);
	recv1(&f, notif(LOOKING, 2, 1, 2, ZAB_ZXID(2, 9), 1));
	assert_true(zab_fle_ready(&f));		/* 3 and 2 for 1, and 1 itself */
	assert_int_equal(zab_fle_finalize(&f), ZAB_FLE_DECIDED);
	assert_int_equal(f.decided_state, FOLLOWING);
	assert_int_equal(f.decision.leader, 1);
	assert_int_equal(f.decision.zxid, ZAB_ZXID(2, 9));

	/*
	 * between equal histories, a member whose disk fails yields: it
	 * cannot lead, and any of them is a safe leader
	 */
	zab_fle_init(&f, 3, ids3, NULL, 3);
	zab_fle_start(&f, ZAB_ZXID(2, 9), 2, ZAB_VOTE_LOG_FAILING);
	assert_int_equal(recv1(&f, claim(1, 2, ZAB_ZXID(2, 9), 1)), ZAB_FLE_BROADCAST);
	assert_int_equal(f.proposal.leader, 1);
	assert_int_equal(f.proposal.flags, 0);

	/* a newer currentEpoch beats a longer log of an older epoch */
	zab_fle_init(&f, 3, ids3, NULL, 3);
	zab_fle_start(&f, ZAB_ZXID(2, 100), 2, 0);
	recv1(&f, claim(1, 3, ZAB_ZXID(2, 1), 1));
	assert_int_equal(f.proposal.leader, 1);
}

/*
 * A vote naming a member with a history it never claimed (here a huge epoch)
 * is not adopted, and cannot make a quorum with anyone.
 */
static void test_forged_vote(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 1, ids3, NULL, 3);
	zab_fle_start(&f, ZAB_ZXID(1, 5), 1, 0);
	assert_int_equal(recv1(&f, notif(LOOKING, 2, 3, 0xfffffffe, ~0ULL, 1)), 0);
	assert_int_equal(f.proposal.leader, 1);
	/* nor one for us with someone else's idea of our history */
	assert_int_equal(recv1(&f, notif(LOOKING, 2, 1, 9, ZAB_ZXID(9, 1), 1)), 0);
	assert_int_equal(f.proposal.leader, 1);
	assert_int_equal(f.proposal.peer_epoch, 1);
	assert_false(zab_fle_ready(&f));
	/* 3's real claim is lower than ours: we stay, and 2's honest vote counts */
	assert_int_equal(recv1(&f, claim(3, 1, ZAB_ZXID(1, 4), 1)), ZAB_FLE_REPLY);
	assert_int_equal(f.proposal.leader, 1);
	recv1(&f, notif(LOOKING, 2, 1, 1, ZAB_ZXID(1, 5), 1));
	assert_true(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), ZAB_FLE_DECIDED);
	assert_int_equal(f.decided_state, LEADING);
}

static void test_unknown_members_ignored(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 1, ids3, NULL, 3);
	zab_fle_start(&f, 0, 0, 0);
	/* an unknown sender with the best possible claim, and votes for it */
	assert_int_equal(recv1(&f, claim(9, 0xfffffffe, ~0ULL, 1)), 0);
	assert_int_equal(recv1(&f, notif(LOOKING, 2, 9, 5, 5, 1)), 0);
	assert_int_equal(recv1(&f, notif(LEADING, 9, 9, 5, 5, 1)), 0);
	assert_int_equal(recv1(&f, notif(LOOKING, 0, 1, 0, 0, 1)), 0);
	assert_int_equal(recv1(&f, notif(LOOKING, 300, 1, 0, 0, 1)), 0);
	/* and our own id from the network */
	assert_int_equal(recv1(&f, claim(1, 7, 7, 1)), 0);
	assert_int_equal(f.proposal.leader, 1);
	assert_int_equal(f.proposal.peer_epoch, 0);
	assert_int_equal(f.clock, 1);
	assert_false(f.recv[9].valid);
}

/* A worse vote is answered with ours; an equal or better one is not. */
static void test_reply_to_worse(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 2, ids3, NULL, 3);
	zab_fle_start(&f, ZAB_ZXID(1, 5), 1, 0);
	assert_int_equal(recv1(&f, claim(1, 1, ZAB_ZXID(1, 5), 1)), ZAB_FLE_REPLY);
	assert_int_equal(recv1(&f, notif(LOOKING, 1, 2, 1, ZAB_ZXID(1, 5), 1)), 0);
	assert_int_equal(recv1(&f, claim(3, 1, ZAB_ZXID(1, 5), 1)), ZAB_FLE_BROADCAST);
	assert_int_equal(recv1(&f, notif(LOOKING, 3, 3, 1, ZAB_ZXID(1, 5), 1)), 0);
	/* 1 has not heard of 3 yet */
	assert_int_equal(recv1(&f, notif(LOOKING, 1, 2, 1, ZAB_ZXID(1, 5), 1)), ZAB_FLE_REPLY);
}

static void test_rounds(void **state)
{
	struct zab_fle f;
	struct zab_notif n;

	(void)state;
	zab_fle_init(&f, 1, ids3, NULL, 3);
	zab_fle_start(&f, 0, 0, 0);
	zab_fle_start(&f, 0, 0, 0);
	zab_fle_start(&f, 0, 0, 0);
	assert_int_equal(f.clock, 3);
	/* an older round: ignored, answered with ours */
	assert_int_equal(recv1(&f, claim(3, 0, 0, 2)), ZAB_FLE_REPLY);
	assert_int_equal(f.proposal.leader, 1);
	/* a newer round: join it, forget this one, tell everyone */
	recv1(&f, claim(2, 0, 0, 3));
	assert_true(f.recv[2].valid);
	assert_int_equal(recv1(&f, claim(3, 0, 0, 7)), ZAB_FLE_BROADCAST);
	assert_int_equal(f.clock, 7);
	assert_false(f.recv[2].valid);
	assert_int_equal(f.proposal.leader, 3);
	zab_fle_notif(&f, &n);
	assert_int_equal(n.election_epoch, 7);
	assert_int_equal(n.vote.leader, 3);
	/* a newer round whose vote is worse than ours: we vote for ourselves */
	zab_fle_init(&f, 3, ids3, NULL, 3);
	zab_fle_start(&f, 0, 0, 0);
	assert_int_equal(recv1(&f, claim(1, 0, 0, 5)), ZAB_FLE_BROADCAST);
	assert_int_equal(f.proposal.leader, 3);
	assert_int_equal(f.clock, 5);
}

/* A member starting late joins the running leader instead of disturbing it. */
static void test_join_running_leader(void **state)
{
	struct zab_fle f;

	(void)state;
	/* 3 would win an election (highest id), but 2 leads already */
	zab_fle_init(&f, 3, ids3, NULL, 3);
	zab_fle_start(&f, 0, 0, 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 1, 2, 0, 0, 4)), 0);
	assert_false(f.decided);
	assert_int_equal(recv1(&f, notif(LEADING, 2, 2, 0, 0, 4)), ZAB_FLE_DECIDED);
	assert_int_equal(f.decided_state, FOLLOWING);
	assert_int_equal(f.decision.leader, 2);
	assert_int_equal(f.clock, 4);

	/* in our own round, a quorum's reports decide at once as well */
	zab_fle_init(&f, 3, ids3, NULL, 3);
	zab_fle_start(&f, 0, 0, 0);
	assert_int_equal(recv1(&f, notif(LEADING, 2, 2, 0, 0, 1)), 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 1, 2, 0, 0, 1)), ZAB_FLE_DECIDED);
	assert_int_equal(f.decision.leader, 2);
}

static void test_join_needs_leader(void **state)
{
	struct zab_fle f;

	(void)state;
	/* a quorum says it follows 2, but 2 never says it leads */
	zab_fle_init(&f, 5, ids5, NULL, 5);
	zab_fle_start(&f, 0, 0, 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 1, 2, 3, 0, 4)), 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 3, 2, 3, 0, 4)), 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 4, 2, 3, 0, 4)), 0);
	assert_false(f.decided);
	/* 2 follows someone else: no */
	assert_int_equal(recv1(&f, notif(FOLLOWING, 2, 1, 3, 0, 4)), 0);
	assert_false(f.decided);
	/* only a quorum counts: 2 leading and 1 following it is not 3 of 5 */
	zab_fle_init(&f, 5, ids5, NULL, 5);
	zab_fle_start(&f, 0, 0, 0);
	assert_int_equal(recv1(&f, notif(LEADING, 2, 2, 3, 0, 4)), 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 1, 2, 3, 0, 4)), 0);
	assert_false(f.decided);
	/* followers of another leadership (other epoch) do not add up */
	assert_int_equal(recv1(&f, notif(FOLLOWING, 3, 2, 2, 0, 4)), 0);
	assert_false(f.decided);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 4, 2, 3, 0, 4)), ZAB_FLE_DECIDED);
	assert_int_equal(f.decision.leader, 2);
	/* a member that went LOOKING no longer counts as a follower */
	zab_fle_init(&f, 5, ids5, NULL, 5);
	zab_fle_start(&f, 0, 0, 0);
	recv1(&f, notif(LEADING, 2, 2, 3, 0, 4));
	recv1(&f, notif(FOLLOWING, 1, 2, 3, 0, 4));
	recv1(&f, claim(1, 3, 0, 1));
	assert_int_equal(recv1(&f, notif(FOLLOWING, 3, 2, 3, 0, 4)), 0);
	assert_false(f.decided);
}

static void test_stale_followers_of_us(void **state)
{
	struct zab_fle f;

	(void)state;
	/* out of election, others still following us: we do not lead on that */
	zab_fle_init(&f, 1, ids3, NULL, 3);
	zab_fle_start(&f, 0, 0, 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 2, 1, 0, 0, 6)), 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 3, 1, 0, 0, 6)), 0);
	assert_false(f.decided);
	/* in our own round, they did elect us: lead */
	assert_int_equal(recv1(&f, notif(FOLLOWING, 2, 1, 0, 0, 1)), ZAB_FLE_DECIDED);
	assert_int_equal(f.decided_state, LEADING);
}

static void test_finalize_interrupted(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 1, ids5, NULL, 5);
	zab_fle_start(&f, 0, 0, 0);
	recv1(&f, claim(2, 0, 0, 1));
	recv1(&f, notif(LOOKING, 3, 2, 0, 0, 1));
	assert_true(zab_fle_ready(&f));
	/* during the finalize wait, a better claim arrives */
	assert_int_equal(recv1(&f, claim(4, 0, 1, 1)), ZAB_FLE_BROADCAST);
	assert_false(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), 0);
	assert_false(f.decided);
	recv1(&f, notif(LOOKING, 2, 4, 0, 1, 1));
	assert_true(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), ZAB_FLE_DECIDED);
	assert_int_equal(f.decision.leader, 4);
}

/* A member that restarted with less than it claimed before is believed. */
static void test_claim_shrinks(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 1, ids3, NULL, 3);
	zab_fle_start(&f, ZAB_ZXID(1, 5), 1, 0);
	recv1(&f, claim(3, 1, ZAB_ZXID(1, 9), 1));
	assert_int_equal(f.proposal.leader, 3);
	assert_int_equal(recv1(&f, claim(3, 1, 0, 1)), ZAB_FLE_BROADCAST);
	assert_int_equal(f.proposal.leader, 1);
	assert_int_equal(f.proposal.zxid, ZAB_ZXID(1, 5));
}

static void test_after_decision(void **state)
{
	struct zab_fle f;
	struct zab_notif n;

	(void)state;
	zab_fle_init(&f, 2, ids3, NULL, 3);
	zab_fle_start(&f, 0, 0, 0);
	recv1(&f, notif(LEADING, 3, 3, 0, 0, 1));
	recv1(&f, notif(FOLLOWING, 1, 3, 0, 0, 1));
	assert_true(f.decided);
	/* a LOOKING member is answered with the vote that ended the election */
	assert_int_equal(recv1(&f, claim(1, 0, 0, 2)), ZAB_FLE_REPLY);
	assert_int_equal(recv1(&f, claim(1, 0, 0, 9)), ZAB_FLE_REPLY);
	assert_int_equal(recv1(&f, notif(LEADING, 3, 3, 0, 0, 1)), 0);
	zab_fle_notif(&f, &n);
	assert_int_equal(n.state, FOLLOWING);
	assert_int_equal(n.sender, 2);
	assert_int_equal(n.vote.leader, 3);
	assert_int_equal(n.election_epoch, 1);
	assert_int_equal(f.clock, 1);
	assert_int_equal(zab_fle_finalize(&f), 0);
	assert_false(zab_fle_ready(&f));
}

static void test_alone(void **state)
{
	static const uint32_t one[] = { 4 };
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 4, one, NULL, 1);
	zab_fle_start(&f, ZAB_ZXID(3, 3), 3, 0);
	assert_true(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), ZAB_FLE_DECIDED);
	assert_int_equal(f.decided_state, LEADING);
}

/* Five members, two of them down: the other three still elect. */
static void test_five_minus_two(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 2, ids5, NULL, 5);
	zab_fle_start(&f, ZAB_ZXID(1, 3), 1, 0);
	recv1(&f, claim(3, 1, ZAB_ZXID(1, 3), 1));
	recv1(&f, claim(1, 1, ZAB_ZXID(1, 2), 1));
	assert_int_equal(f.proposal.leader, 3);
	recv1(&f, notif(LOOKING, 1, 3, 1, ZAB_ZXID(1, 3), 1));
	assert_true(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), ZAB_FLE_DECIDED);
	assert_int_equal(f.decision.leader, 3);
}

/* Members 1..3 vote, 4 and 5 observe. */
static const uint32_t ids_obs[] = { 1, 2, 3, 4, 5 };
static const bool obs[] = { false, false, false, true, true };

/*
 * An observer's word counts nowhere: its claim, even of the longest
 * history, is never adopted, its vote is no vote, a vote naming it is
 * ignored; and the quorum is a majority of the voters only.
 */
static void test_observer_counts_nowhere(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 1, ids_obs, obs, 5);
	assert_int_equal(f.quorum, 2);
	assert_false(f.observing);
	zab_fle_start(&f, ZAB_ZXID(1, 3), 1, 0);
	assert_int_equal(recv1(&f, claim(4, 9, ZAB_ZXID(9, 9), 1)), 0);
	assert_int_equal(f.proposal.leader, 1);
	/* the observers "vote" for us: still no quorum */
	recv1(&f, notif(LOOKING, 4, 1, 1, ZAB_ZXID(1, 3), 1));
	recv1(&f, notif(LOOKING, 5, 1, 1, ZAB_ZXID(1, 3), 1));
	assert_false(zab_fle_ready(&f));
	/* a voter's vote for an observer is ignored */
	assert_int_equal(recv1(&f, notif(LOOKING, 2, 4, 9, ZAB_ZXID(9, 9), 1)), 0);
	assert_int_equal(f.proposal.leader, 1);
	/* a voter's vote for us: a quorum of voters */
	recv1(&f, notif(LOOKING, 2, 1, 1, ZAB_ZXID(1, 3), 1));
	assert_true(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), ZAB_FLE_DECIDED);
	assert_int_equal(f.decided_state, LEADING);
	/* decided: an observer that looks is told */
	assert_int_equal(recv1(&f, claim(4, 1, ZAB_ZXID(1, 3), 7)), ZAB_FLE_REPLY);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 4, 1, 1, 0, 1)), 0);
}

/*
 * An observer never proposes itself: it follows the leader a quorum of
 * voters reports once that leader says it leads, and answers no one.
 */
static void test_observer_follows(void **state)
{
	struct zab_notif n;
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 4, ids_obs, obs, 5);
	assert_true(f.observing);
	assert_int_equal(f.quorum, 2);
	zab_fle_start(&f, ZAB_ZXID(5, 5), 5, 0);
	/* the voters' election is not its own */
	assert_int_equal(recv1(&f, claim(1, 1, ZAB_ZXID(1, 1), 1)), 0);
	assert_int_equal(recv1(&f, notif(LOOKING, 2, 4, 5, ZAB_ZXID(5, 5), 1)), 0);
	assert_int_equal(recv1(&f, notif(LOOKING, 3, 4, 5, ZAB_ZXID(5, 5), 1)), 0);
	assert_false(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), 0);
	/* another observer's report is nothing */
	assert_int_equal(recv1(&f, notif(FOLLOWING, 5, 3, 2, 0, 4)), 0);
	/* a quorum of voters, but the leader has not said it leads */
	assert_int_equal(recv1(&f, notif(FOLLOWING, 1, 3, 2, 0, 4)), 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 2, 3, 2, 0, 4)), 0);
	assert_int_equal(recv1(&f, notif(LEADING, 3, 3, 2, 0, 4)), ZAB_FLE_DECIDED);
	assert_int_equal(f.decided_state, FOLLOWING);
	assert_int_equal(f.decision.leader, 3);
	zab_fle_notif(&f, &n);
	assert_int_equal(n.state, FOLLOWING);
	/* decided, it answers no one */
	assert_int_equal(recv1(&f, claim(1, 2, ZAB_ZXID(2, 1), 5)), 0);
}

/*
 * The roles by two files while one member's changes: members 1..3 already
 * count 4 as a voter, 4 still observes by its own file and says so. Its
 * notifications are no votes and its self-vote no candidacy, even with
 * the greatest history and id in the voters' own round; its reports of a
 * leader count in no quorum.
 */
static void test_observer_by_its_own_file(void **state)
{
	struct zab_notif n;
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 1, ids5, obs, 5);	/* 4 and 5 observe here */
	f.voter[4] = true;			/* ... but 4 votes by this file */
	f.quorum = 3;
	zab_fle_start(&f, ZAB_ZXID(1, 3), 1, 0);
	n = claim(4, 1, ZAB_ZXID(1, 3), 1);
	n.observer = true;
	assert_int_equal(recv1(&f, n), 0);
	assert_int_equal(f.proposal.leader, 1);
	recv1(&f, notif(LOOKING, 2, 1, 1, ZAB_ZXID(1, 3), 1));
	n = notif(LOOKING, 4, 1, 1, ZAB_ZXID(1, 3), 1);
	n.observer = true;
	recv1(&f, n);
	assert_false(zab_fle_ready(&f));	/* 1 and 2: not 3 of 4 */
	recv1(&f, notif(LOOKING, 3, 1, 1, ZAB_ZXID(1, 3), 1));
	assert_true(zab_fle_ready(&f));

	/* out of election: an observer's report of a leader is none */
	zab_fle_init(&f, 1, ids5, obs, 5);
	f.voter[4] = true;
	f.quorum = 3;
	zab_fle_start(&f, 0, 0, 0);
	recv1(&f, notif(LEADING, 3, 3, 2, 0, 4));
	recv1(&f, notif(FOLLOWING, 2, 3, 2, 0, 4));
	n = notif(FOLLOWING, 4, 3, 2, 0, 4);
	n.observer = true;
	assert_int_equal(recv1(&f, n), 0);
	assert_true(f.looking);

	/* an observer's notification says what it is */
	zab_fle_init(&f, 4, ids_obs, obs, 5);
	zab_fle_start(&f, 0, 0, 0);
	zab_fle_notif(&f, &n);
	assert_true(n.observer);
}

/*
 * A voter whose log lost records it had on disk abstains: with the longest
 * history and the votes of both others, it does not lead; its
 * notifications say it counts nowhere; it follows the leader the others
 * elect; once synchronised it votes again.
 */
static void test_abstain(void **state)
{
	struct zab_notif n;
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 3, ids3, NULL, 3);
	zab_fle_abstain(&f, true);
	zab_fle_start(&f, ZAB_ZXID(2, 9), 2, 0);
	zab_fle_notif(&f, &n);
	assert_true(n.observer);
	assert_int_equal(recv1(&f, notif(LOOKING, 1, 3, 2, ZAB_ZXID(2, 9), 1)), 0);
	assert_int_equal(recv1(&f, notif(LOOKING, 2, 3, 2, ZAB_ZXID(2, 9), 1)), 0);
	assert_false(zab_fle_ready(&f));
	assert_int_equal(zab_fle_finalize(&f), 0);
	/* 1 and 2 elect 2, which leads: 3 follows */
	assert_int_equal(recv1(&f, notif(FOLLOWING, 1, 2, 3, ZAB_ZXID(2, 5), 2)), 0);
	assert_int_equal(recv1(&f, notif(LEADING, 2, 2, 3, ZAB_ZXID(2, 5), 2)),
			 ZAB_FLE_DECIDED);
	assert_int_equal(f.decision.leader, 2);
	assert_int_equal(f.decided_state, FOLLOWING);
	/* synchronised: it counts again */
	zab_fle_abstain(&f, false);
	assert_false(f.observing);
	zab_fle_notif(&f, &n);
	assert_false(n.observer);
	/* an observer by the files stays one */
	zab_fle_init(&f, 4, ids_obs, obs, 5);
	zab_fle_abstain(&f, false);
	assert_true(f.observing);

	/* reports of a round that elected it, from before its restart: not to lead */
	zab_fle_init(&f, 3, ids3, NULL, 3);
	zab_fle_abstain(&f, true);
	zab_fle_start(&f, ZAB_ZXID(2, 9), 2, 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 1, 3, 2, ZAB_ZXID(2, 9), 1)), 0);
	assert_int_equal(recv1(&f, notif(FOLLOWING, 2, 3, 2, ZAB_ZXID(2, 9), 1)), 0);
	assert_true(f.looking);

	/* a voter hears it abstain: its earlier claim and vote hold no more */
	zab_fle_init(&f, 1, ids3, NULL, 3);
	zab_fle_start(&f, ZAB_ZXID(1, 1), 1, 0);
	recv1(&f, claim(3, 2, ZAB_ZXID(2, 9), 1));
	assert_int_equal(f.proposal.leader, 3);
	n = claim(3, 2, ZAB_ZXID(2, 9), 1);
	n.observer = true;
	assert_int_equal(recv1(&f, n), ZAB_FLE_BROADCAST);
	assert_int_equal(f.proposal.leader, 1);
	assert_false(f.recv[3].valid);
}

/*
 * A voter that now names a member we do not count (its file differs while
 * a role changes) no longer votes for what it voted before: its proposed
 * leader is not taken to vote for itself any more.
 */
static void test_vote_for_uncounted_withdraws(void **state)
{
	struct zab_fle f;

	(void)state;
	zab_fle_init(&f, 2, ids_obs, obs, 5);
	zab_fle_start(&f, ZAB_ZXID(1, 3), 1, 0);
	recv1(&f, claim(3, 1, ZAB_ZXID(1, 9), 1));
	assert_int_equal(f.proposal.leader, 3);
	assert_true(zab_fle_ready(&f));		/* 2 and 3 vote for 3 */
	assert_int_equal(recv1(&f, notif(LOOKING, 3, 4, 1, ZAB_ZXID(1, 9), 1)), 0);
	assert_false(zab_fle_ready(&f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_fresh_ensemble),
		cmocka_unit_test(test_leader_must_confirm),
		cmocka_unit_test(test_history_wins),
		cmocka_unit_test(test_forged_vote),
		cmocka_unit_test(test_unknown_members_ignored),
		cmocka_unit_test(test_reply_to_worse),
		cmocka_unit_test(test_rounds),
		cmocka_unit_test(test_join_running_leader),
		cmocka_unit_test(test_join_needs_leader),
		cmocka_unit_test(test_stale_followers_of_us),
		cmocka_unit_test(test_finalize_interrupted),
		cmocka_unit_test(test_claim_shrinks),
		cmocka_unit_test(test_after_decision),
		cmocka_unit_test(test_alone),
		cmocka_unit_test(test_five_minus_two),
		cmocka_unit_test(test_observer_counts_nowhere),
		cmocka_unit_test(test_abstain),
		cmocka_unit_test(test_observer_follows),
		cmocka_unit_test(test_observer_by_its_own_file),
		cmocka_unit_test(test_vote_for_uncounted_withdraws),
	};

	return cmocka_run_group_tests_name("election", tests, NULL, NULL);
}
