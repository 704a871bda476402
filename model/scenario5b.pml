/*
 * scenario5b.pml: one path through zab.pml with 5 members (included by
 * zab.pml with -DSCENARIO5B -DN=5 -DMAXE=4 -DLMAX=2), the interleaving of
 * commit 0c8c8a5. Each step is the model's own step, taken only if the
 * model's guard allows it (a guard that does not hold leaves the process
 * blocked: spin reports an invalid end state). It shows that the behaviour
 * before ZAB_A_HOLD_ACKS (-DOLD_ACKS) was not safe with 5 members: a new
 * leader's history is committed by ACKs of followers whose currentEpoch is
 * still the old one; the leader crashes before its COMMIT, and a member
 * that claims a newer epoch with a shorter history wins the next election.
 *
 *   spin -a -DSCENARIO5B -DN=5 -DMAXE=4 -DLMAX=2 -DONLY_LOSS -DOLD_ACKS zab.pml
 *	committed_record_kept fails (at m4's LEAD of epoch 4)
 *   without -DOLD_ACKS (as built)
 *	the path stops at m2's ACK in epoch 3: its currentEpoch is still 1
 *	(once m2 and m3 write currentEpoch 3, their votes beat m4's)
 */

#define ELECT_2(c, a, b) \
	STEP(m[c].st == LOOKING && VOTE(c, a) && VOTE(c, b), \
	     s_elect(c); s_join(a, c); s_join(b, c))

active proctype world()
{
	/* epoch 1: m5 leads everyone; (1,1) committed, (1,2) only on m5 */
	ELECT_2(4, 0, 1);
	STEP(G_JOIN(2, 4), s_join(2, 4));
	STEP(G_JOIN(3, 4), s_join(3, 4));
	STEP(G_DECIDE(4), s_decide(4));
	STEP(G_ACKEPOCH(0), s_ackepoch(0));
	STEP(G_ACKEPOCH(1), s_ackepoch(1));
	STEP(G_ACKEPOCH(2), s_ackepoch(2));
	STEP(G_ACKEPOCH(3), s_ackepoch(3));
	STEP(G_LEAD(4), s_lead(4));
	STEP(G_SYNC(0), s_sync_frame(0));
	STEP(G_SYNC(1), s_sync_frame(1));
	STEP(G_SYNC(2), s_sync_frame(2));
	STEP(G_SYNC(3), s_sync_frame(3));
	STEP(G_PROPOSE(4), s_propose(4));
	STEP(G_PROPOSE(4), s_propose(4));
	STEP(G_DURABLE(4), s_durable(4));
	STEP(G_RECV(0), s_recv(0));
	STEP(G_RECV(1), s_recv(1));
	STEP(G_RECV(2), s_recv(2));
	STEP(G_RECV(3), s_recv(3));
	STEP(G_DURABLE(0), s_durable(0));
	STEP(G_DURABLE(1), s_durable(1));
	STEP(G_DURABLE(2), s_durable(2));
	STEP(G_DURABLE(3), s_durable(3));
	/* currentEpoch 1 (m5's history is empty), then the ACKs */
	STEP(G_CE(0), s_ce_write(0));
	STEP(G_CE(1), s_ce_write(1));
	STEP(G_CE(2), s_ce_write(2));
	STEP(G_CE(3), s_ce_write(3));
	STEP(G_ACK(0), s_ack(0));
	STEP(G_ACK(1), s_ack(1));
	STEP(G_ACK(2), s_ack(2));
	STEP(G_ACK(3), s_ack(3));
	STEP(G_COMMIT(0), s_commit(0));
	STEP(G_COMMIT(1), s_commit(1));
	STEP(G_COMMIT(2), s_commit(2));
	STEP(G_COMMIT(3), s_commit(3));
	STEP(G_DURABLE(0), s_durable(0));
	STEP(G_DURABLE(1), s_durable(1));
	STEP(G_DURABLE(2), s_durable(2));
	STEP(G_DURABLE(3), s_durable(3));
	/* m5 loses its quorum */
	STEP(G_LOSS(0), s_loss(0));
	STEP(G_LOSS(1), s_loss(1));
	STEP(G_LOSS(2), s_loss(2));
	/* m4, elected by m1 and m2, LEADs epoch 2 with history (1,1) */
	ELECT_2(3, 0, 1);
	STEP(G_DECIDE(3), s_decide(3));
	STEP(G_ACKEPOCH(0), s_ackepoch(0));
	STEP(G_ACKEPOCH(1), s_ackepoch(1));
	STEP(G_LEAD(3), s_lead(3));
	STEP(G_SYNC(0), s_sync_frame(0));
	STEP(G_SYNC(1), s_sync_frame(1));
	/* and crashes before m1's and m2's zabd write currentEpoch 2 */
	STEP(G_CRASH(3), s_crash(3));
	/* m5, elected by m2 and m3, LEADs epoch 3 with history (1,2) */
	ELECT_2(4, 1, 2);
	STEP(G_DECIDE(4), s_decide(4));
	STEP(G_ACKEPOCH(1), s_ackepoch(1));
	STEP(G_ACKEPOCH(2), s_ackepoch(2));
	STEP(G_LEAD(4), s_lead(4));
	STEP(G_SYNC(1), s_sync_frame(1));
	STEP(G_SYNC(2), s_sync_frame(2));
	STEP(G_RECV(1), s_recv(1));
	STEP(G_RECV(2), s_recv(2));
	STEP(G_DURABLE(1), s_durable(1));
	STEP(G_DURABLE(2), s_durable(2));
	/* m2 and m3 ACK (1,2) with currentEpoch 1 (OLD_ACKS only) */
	STEP(G_ACK(1), s_ack(1));
	/* (1,2) commits: m5, m2, m3 have it on disk */
	STEP(G_ACK(2), s_ack(2));
	/* m5 crashes before its COMMIT reaches m2 and m3 */
	STEP(G_CRASH(4), s_crash(4));
	/* m4's vote (2, (1,1)) beats m1's (1, (1,1)) and m2's (1, (1,2)) */
	ELECT_2(3, 0, 1);
	STEP(G_DECIDE(3), s_decide(3));
	STEP(G_ACKEPOCH(0), s_ackepoch(0));
	STEP(G_ACKEPOCH(1), s_ackepoch(1));
	/* m4 leads epoch 4 without (1,2) */
	STEP(G_LEAD(3), s_lead(3));
	STEP(G_SYNC(1), s_sync_frame(1));
	printf("MSC: the scenario ran to its end\n")
}
