/*
 * zab.pml: a Promela model of zab's variant of ZooKeeper's atomic broadcast,
 * as built: Fast Leader Election (abstracted), discovery with the epoch
 * files, synchronisation by DIFF/TRUNC/SNAP, broadcast with durability, and
 * crashes. model/README.md says what is checked, how, and what was found.
 *
 *   spin -a zab.pml            the new behaviour (default)
 *   spin -a -DOLD zab.pml      the old one: votes and ACKEPOCH carry
 *                              currentEpoch, currentEpoch written early or
 *                              late, a repeated ACKEPOCH counted, ACKs
 *                              before currentEpoch
 *
 * Bounds (cpp): N members (3; 5 only for scenario5*.pml), MAXE the highest
 * epoch (default 3; make model uses 2), LMAX the records a log holds
 * (default 3; make model uses 2). Crashes and lost connections are not
 * counted: the state space is finite without a bound on them.
 * Other switches: -DDISK_LOSS, -DOLD_ABSTAIN, -DREVERT_ONLY (disks that lose
 * records, see below), -DEPOCH_LOSS (epoch files that lose a write), -DOLD_VOTE, -DOLD_ACK, -DOLD_LCE, -DOLD_FCE,
 * -DOLD_SYNCED, -DOLD_ACKS (each old behaviour alone, see below),
 * -DONLY_LOSS (assert committed_record_kept only), -DNOHIDDEN (for -DBFS),
 * -DSCENARIO5, -DSCENARIO5B (the path of scenario5.pml, scenario5b.pml
 * instead of every path).
 *
 * One process, `world', takes one d_step per event; each is what one piece
 * of the C code does atomically (under zi->lock/log_mutex, or one turn of
 * zabd's event loop). Step NAME is inline s_NAME, its guard a G_ macro:
 *
 *   step            mirrors
 *   ELECT1/ELECT2   userspace/zabd/election.c zab_fle_ready()/zab_fle_finalize()
 *   (elect(c) and   and receive_looking(): c and the voters that decide for
 *   join(v,c))      it in its round; votes ordered by userspace/zabd/vote.c
 *                   zab_vote_cmp(), made by userspace/zabd/node.c node_look()
 *                   with userspace/zabd/zabd.h zabd_history_epoch()
 *   join(j,c)       a LOOKING member follows a leader that a quorum reports
 *                   out of election (election.c receive_decided(),
 *                   count_same_leader(), leader_confirms()); both then go
 *                   through node.c discover() -> follower.c follower_start()
 *                   and connected() (FOLLOWERINFO)
 *   decide(c)       userspace/zabd/leader.c progress(): new epoch, acceptedEpoch
 *                   persisted (node.c zabd_set_accepted_epoch()), LEADERINFO
 *   ackepoch(f)     a refusal of an epoch older than acceptedEpoch: the
 *                   leader raises its own and gives up (leader.c
 *                   newer_accepted(), at FOLLOWERINFO; OLD_REFUSE: it does not);
 *                   else userspace/zabd/follower.c accept_epoch() and follow() (ACKEPOCH,
 *                   then ZAB_CMD_FOLLOW: kmod/broadcast.c zab_bcast_follow()),
 *                   delivered at once to userspace/zabd/leader.c got_ackepoch();
 *                   if the leader already led, leader.c add_follower() ->
 *                   kmod/broadcast.c zab_bcast_add_follower() -> sync_peer()
 *   lead(c)         userspace/zabd/leader.c lead(): history_durable(),
 *                   zabd_set_current_epoch(), ZAB_CMD_LEAD ->
 *                   kmod/broadcast.c zab_bcast_lead(): take_history(),
 *                   sync_peer() -> kmod/log.c zab_log_sync_point()
 *   sync_frame(f)   the follower's first frame: nothing (DIFF),
 *                   kmod/broadcast.c zab_bcast_on_trunc() -> kmod/log.c
 *                   zab_log_truncate(), or zab_bcast_on_snap() ->
 *                   kmod/log.c zab_log_reset() (SNAP: the leader's window is
 *                   its whole log, so the follower starts from zxid 0)
 *   recv(f)         kmod/broadcast.c zab_bcast_on_proposal() with
 *                   kmod/zxid.h zab_zxid_follows()
 *   durable(i)      kmod/disk.c disk_work(): write_pending() and one fsync of
 *                   the batch (records and a COMMIT entry), then
 *                   zab_bcast_durable() (a leader counts itself again)
 *   ack(f)          the follower's ACK of zab_disk_ackable() (kmod/send.c
 *                   next_to_leader(): after the first frame, and not while
 *                   peer->hold_acks, that is before zabd's ZAB_CMD_SYNCED,
 *                   kmod/broadcast.c zab_bcast_synced(); OLD_ACKS: no such
 *                   wait) delivered to kmod/broadcast.c zab_bcast_on_ack()
 *                   -> leader_commit() -> kmod/quorum.c zab_quorum_point()
 *   commit(f)       kmod/broadcast.c zab_bcast_on_commit()
 *   propose(c)      kmod/broadcast.c propose_locked() (a client's write)
 *   ce_write(f)     userspace/zabd/follower.c follower_check_synced(): the
 *                   leader's first frame is in (ZAB_A_LEADER_SYNCED) and the
 *                   durable point reached LEADERINFO's last zxid; writes
 *                   currentEpoch, then ZAB_CMD_SYNCED releases the ACKs
 *                   (OLD_ACKS: also waits for the history's commit, or a
 *                   durable proposal of the new epoch; OLD_SYNCED: and not
 *                   for the first frame; OLD_FCE: any tick of node.c
 *                   check_kernel() while following)
 *   loss(f)         the follower's connection breaks (kmod peer down,
 *                   LEADER_LOST; discovery's connection closed): the follower
 *                   goes LOOKING (node.c elect_again()/node_look()); a
 *                   leader left without a quorum stops (QUORUM_LOST)
 *   quit(c)         userspace/zabd/leader.c phase_expired() (initLimit) or
 *                   discovery_ops.failed (node.c elect_again()): a leader
 *                   in discovery gives up
 *   crash(i)        power loss and restart: epoch files, the durable prefix
 *                   of the log and the commit point written with it (COMMIT
 *                   entry) survive (userspace/disk/disklog.c replay,
 *                   zab_bcast_restore()); the in-memory tail and the role are
 *                   lost; back to LOOKING
 *   lose(i,k)       (DISK_LOSS) power loss, and the disk gives back the
 *                   first k durable records only: userspace/disk/disklog.c
 *                   mark_lost() writes dataDir/unsynced (zabd.c
 *                   disk_unsynced_load(), election.c zab_fle_abstain(),
 *                   follower.c ACKEPOCH with ZAB_HS_EPOCH_NONE, node.c
 *                   discover() refusing LEADING); ce_write(f) removes the
 *                   mark (disk_unsynced_clear())
 *   revert(i)       (DISK_LOSS) power loss, and the disk loses the last
 *                   TRUNC or RESET entry (kmod/disk.c write_change()); the
 *                   reader cuts the log there and sets aside what follows,
 *                   where a DURABLE entry shows the loss: disklog.c
 *                   is_durable(), durable_in_file()
 *   epoch_lose(i,a) (EPOCH_LOSS) power loss, and an epoch file's last write
 *                   (epoch.c zabd_set_accepted_epoch(), zabd_set_current_epoch())
 *                   is lost; zabd.c's start checks pass
 *
 * Abstractions: FLE is one step (a quorum of LOOKING members whose own
 * votes are not better than the candidate's); messages of a connection are
 * delivered in order and a step reads the sender's state, which is sound
 * here because a connection's sender only ever extends what it sends
 * (a leader's log, a follower's durable point, a commit point); a dead
 * leader's followers notice at once (what they could still do alone
 * commutes with the crash); TRUNC and RESET entries are durable at once
 * (they are written under the lock, before any later record); the leader's
 * window is its whole log (a SNAP sends everything); disks do not fail
 * (with DISK_LOSS: once, a prefix kept or the last TRUNC or RESET entry
 * lost, and the loss is seen; with EPOCH_LOSS: an epoch file's last
 * write lost, which is not).
 */

/*
 * -DOLD is the four old behaviours at once; each can be had alone:
 * OLD_VOTE	votes and ACKEPOCH carry currentEpoch, not zabd_history_epoch()
 * OLD_ACK	an ACKEPOCH of an epoch accepted before is counted
 * OLD_LCE	the leader writes currentEpoch at once, its history durable or not
 * OLD_FCE	a follower writes currentEpoch at any time while it follows
 *		(and acknowledges at any time: implies OLD_ACKS)
 * OLD_SYNCED	not part of -DOLD (OLD_FCE covers it): a follower writes
 *		currentEpoch over a history committed and durable here before
 *		its leader established the epoch (lost a record with 5
 *		members, scenario5.pml); implies OLD_ACKS, as it was then
 * OLD_ACKS	the behaviour before ZAB_A_HOLD_ACKS: a follower acknowledges
 *		as soon as the leader's first frame is in, before its zabd
 *		wrote currentEpoch, and currentEpoch waits for the history's
 *		commit (or a durable proposal of the new epoch) and the log
 *		ending at the history (lost a record with 5 members,
 *		scenario5b.pml)
 * OLD_REFUSE	not part of -DOLD: a leader refused for an older epoch does
 *		not raise its own acceptedEpoch and give up (liveness only)
 */
#ifdef OLD
#define OLD_VOTE
#define OLD_ACK
#define OLD_LCE
#define OLD_FCE
#endif
#if defined(OLD_FCE) || defined(OLD_SYNCED)
#ifndef OLD_ACKS
#define OLD_ACKS
#endif
#endif

/*
 * Disks that lose records (not part of the default model):
 * DISK_LOSS	a member may restart with its durable log cut short: records
 *		it had made durable (and acknowledged) are gone, at most
 *		LOSSMAX times (default 1) in a run, and before a DURABLE entry
 *		on disk (dd), so that zabd's reader finds the loss
 *		(userspace/disk/disklog.c mark_lost()) and writes
 *		dataDir/unsynced (un): the member abstains (no vote, no candidacy, its reports
 *		count nowhere, its ACKEPOCH is not counted and never compared,
 *		it never leads) until a leader elected without it synchronised
 *		it (follower_check_synced() removes the mark)
 *		It may also lose the last TRUNC or RESET entry that removed
 *		durable records (s_revert()), seen once a DURABLE entry after
 *		it is on disk
 * REVERT_ONLY	only that loss (with DISK_LOSS)
 * DISK_LOSS_UNSEEN  also losses in the last batch, whose DURABLE entry was
 *		not on disk yet: not seen, not marked (a record is lost)
 * OLD_ABSTAIN	the behaviour before the mark: the member cut short votes and
 *		is counted as any other (with DISK_LOSS: a record is lost)
 * OLD_ABSTAIN_ACK, OLD_ABSTAIN_JOIN  one part of the abstention left out:
 *		its ACKEPOCH counted and compared; its reports of following a
 *		leader counted by members that join out of election
 */
#ifndef LOSSMAX
#define LOSSMAX 1
#endif
/*
 * Epoch files that lose their last write (not part of the default model):
 * EPOCH_LOSS	a member may restart with acceptedEpoch, currentEpoch or both
 *		as they were before their last write (a disk that lost the
 *		rename zabd fsynced), once in a run (with DISK_LOSS's losses
 *		in LOSSMAX); zabd's start refuses a log newer than
 *		acceptedEpoch, and currentEpoch above acceptedEpoch (the member
 *		stays out: not modelled, as nothing follows)
 */
#ifdef EPOCH_LOSS
/* zabd writes a file only when its value changes (follower.c) */
#define SET_AE(i, v)	if \
			:: m[i].ae != (v) && lost < LOSSMAX -> m[i].pae = m[i].ae; m[i].ae = (v) \
			:: else -> m[i].ae = (v) \
			fi
#define SET_CE(i, v)	if \
			:: m[i].ce != (v) && lost < LOSSMAX -> m[i].pce = m[i].ce; m[i].ce = (v) \
			:: else -> m[i].ce = (v) \
			fi
/* the epoch files after a loss of their last write (s_epoch_lose()) */
#define AE_AFTER(i, a)	((a & 1) -> m[i].pae : m[i].ae)
#define CE_AFTER(i, a)	((a & 2) -> m[i].pce : m[i].ce)
#else
#define SET_AE(i, v)	m[i].ae = (v)
#define SET_CE(i, v)	m[i].ce = (v)
#endif

#ifdef OLD_ABSTAIN
#define UN(i)		0
#else
#define UN(i)		(m[i].un)
#endif

#ifndef N
#define N 3
#endif
#define Q (N / 2 + 1)
#ifndef MAXE
#define MAXE 3
#endif
#ifndef LMAX
#define LMAX 3
#endif

/* a zxid is epoch * 8 + counter; 0 is "no record" */
#define EPOCH(z)	((z) / 8)
#define CTR(z)		((z) % 8)

/* roles */
#define LOOKING	0
#define FDISC	1	/* follower: FOLLOWERINFO sent, LEADERINFO awaited */
#define FSYNC	2	/* follower: ACKEPOCH sent, FOLLOW issued, no frame in */
#define FOLL	3	/* follower: synchronised, in the live stream */
#define LELECT	4	/* leader-elect: collecting FOLLOWERINFO */
#define LDISC	5	/* leader: epoch chosen, collecting ACKEPOCH */
#define LEAD	6	/* leader: LEAD issued, broadcasting */

/* how a follower is synchronised */
#define DIFF	1
#define TRUNC	2
#define SNAP	3

typedef Member {
	/* files: survive a crash */
	byte ae;		/* acceptedEpoch */
	byte ce;		/* currentEpoch */
	/* the log: lz[k] zxid, lp[k] payload id, for k < len */
	byte lz[LMAX];
	byte lp[LMAX];
	byte nr;		/* records in memory */
	byte dlen;		/* durable prefix: survives a crash */
	byte cz;		/* commit point (zxid) */
	byte dcz;		/* the commit point on disk: what a crash leaves */
	bit un;			/* dataDir/unsynced: its disk lost acknowledged records */
	byte dd;		/* DISK_LOSS: the durable prefix a DURABLE entry on disk
				 * vouches for (the one before the last fsync) */
	bit dw;			/* DISK_LOSS: a DURABLE entry written after the last
				 * fsync, not synced yet (none after a restart) */
	/*
	 * DISK_LOSS: the last TRUNC or RESET entry that removed durable
	 * records, should the disk lose it: the durable log before it (ox,
	 * op, on records; on 0: none) and how far DURABLE entries after it
	 * reached the disk (ot: 1 the entry alone, fsynced at once; 2 one
	 * batch after it, its DURABLE entry written; 3 that entry on disk)
	 */
	byte ox[LMAX];
	byte op[LMAX];
	byte on;
	byte ot;
	/* EPOCH_LOSS: each epoch file's value before its last write */
	byte pae;
	byte pce;
	/* role: lost in a crash */
	byte st;
	byte ldr;		/* follower: its leader */
	byte ep;		/* the epoch led or followed */
	byte hz;		/* leader: last zxid of its history; follower: LEADERINFO's */
	byte hl;		/* leader: length of its history */
	byte pe;		/* leader: the epoch of its history (for give-up) */
	/* follower's connection, the leader's side of it */
	byte ack;		/* ACKEPOCH in: 1 counted, 2 not counted */
	byte sk;		/* sync chosen (DIFF, TRUNC, SNAP); 0: not attached yet */
	byte sp;		/* TRUNC's zxid */
	byte tx;		/* where the stream starts in the leader's log (until
				 * the first frame is in; then the follower's log end) */
	byte az;		/* the leader's acked zxid of this follower */
};

Member m[N];

/* ghosts */
byte clen;			/* acknowledged (committed) records, in order */
byte Cz[LMAX];
byte Cp[LMAX];
bit est[MAXE + 1];		/* epoch established (LEAD) */
byte lost;			/* disk losses so far (DISK_LOSS: up to LOSSMAX) */
byte Hl[MAXE + 1];		/* each established epoch's initial history: */
byte Hz[MAXE + 1];		/* its length, last zxid and payload */
byte Hp[MAXE + 1];

/*
 * Assertion names (the trail prints them) and temporaries of one d_step.
 * They are no part of the state; breadth-first search (-DBFS) does not
 * allow hidden variables: compile with -DNOHIDDEN, and each step clears
 * them, so that they add nothing to the state space.
 */
#ifdef ONLY_LOSS
#define CHECK(x)	skip	/* only committed_record_kept is asserted */
#else
#define CHECK(x)	assert(x)
#endif
#ifdef NOHIDDEN
#define HIDDEN
#else
#define HIDDEN hidden
#endif
HIDDEN byte committed_record_kept;	/* no loss of an acknowledged record */
HIDDEN byte agreement;		/* committed prefixes agree, zxid and payload */
HIDDEN byte one_leader_per_epoch;
HIDDEN byte history_durable;	/* NEW: currentEpoch e => e's history durable */
HIDDEN byte log_matching;	/* a follower's log lines up with its leader's */
HIDDEN byte stuck_unsynced;	/* LOSSMAX > 1: the world stops only with two marked */

HIDDEN byte t_c, t_e, t_z, t_L, t_k, t_b, t_bi, t_from, t_he, t_cnt, t_i,
	t_s, t_j, t_m, t_n, t_q, t_d, t_lc, t_v, t_pt, t_w, t_ok;

#define LASTZ(i)	(m[i].nr > 0 -> m[i].lz[m[i].nr - 1] : 0)
#define DZ(i)		(m[i].dlen > 0 -> m[i].lz[m[i].dlen - 1] : 0)
#define MIN(a, b)	((a) < (b) -> (a) : (b))

/* The epoch of the history: what votes and ACKEPOCH carry. */
#ifdef OLD_VOTE
#define HE(i)		(m[i].ce)
#else
#define HE(i)		(m[i].ce > EPOCH(LASTZ(i)) -> m[i].ce : EPOCH(LASTZ(i)))
#endif

/* zab_vote_cmp(): a's vote (history epoch, last zxid, id) >= b's */
#define CLAIM_GE(a, b)	(HE(a) > HE(b) || (HE(a) == HE(b) && \
			 (LASTZ(a) > LASTZ(b) || (LASTZ(a) == LASTZ(b) && (a) >= (b)))))

#define FOLLOWS(c, k)	((k) != (c) && m[k].st >= FDISC && m[k].st <= FOLL && m[k].ldr == (c))
#define ISF(k)		(m[k].st >= FDISC && m[k].st <= FOLL)
#define ATT(k, c)	((k) != (c) && (m[k].st == FSYNC || m[k].st == FOLL) && \
			 m[k].ldr == (c) && m[k].sk != 0)
/* voters for c, FOLLOWERINFO pending at c, counted ACKEPOCH at c */
#define VOTE(c, v)	(m[v].st == LOOKING && !UN(v) && CLAIM_GE(c, v))
#define FI(c, k)	((k) != (c) && m[k].st == FDISC && m[k].ldr == (c))
#define CA(c, k)	((k) != (c) && m[k].st == FSYNC && m[k].ldr == (c) && m[k].ack == 1)

/* a follower of c whose report counts (an abstaining member's counts nowhere) */
#ifdef OLD_ABSTAIN_JOIN
#define FOLLOWSV(c, k)	FOLLOWS(c, k)
#else
#define FOLLOWSV(c, k)	(FOLLOWS(c, k) && !UN(k))
#endif

#if N == 3
#define SUM(X, c)	(X(c, 0) + X(c, 1) + X(c, 2))
#elif N == 5
#define SUM(X, c)	(X(c, 0) + X(c, 1) + X(c, 2) + X(c, 3) + X(c, 4))
#else
#error "N is 3 (or 5 for scenario5.pml, scenario5b.pml)"
#endif

#ifdef OLD_LCE
#define LEAD_READY(c)	1
#else
/* leader.c history_durable(): our history is on disk */
#define LEAD_READY(c)	(m[c].dlen >= m[c].hl)
#endif
#ifdef OLD_FCE
#define SYNCED(f)	1
#elif defined(OLD_ACKS)
/* follower.c follower_check_synced() before ZAB_A_HOLD_ACKS */
#define SYNCED(f)	(SYNC_SEEN(f) && (EPOCH(DZ(f)) >= m[f].ep || \
			 (m[f].cz >= m[f].hz && DZ(f) >= m[f].hz && LASTZ(f) == m[f].hz)))
#else
/*
 * follower.c follower_check_synced(): the first frame is in (so the log
 * lines up with the leader's) and the durable point reached LEADERINFO's
 * last zxid. Its history's commit needs this member's ACK, held until then.
 */
#define SYNCED(f)	(SYNC_SEEN(f) && DZ(f) >= m[f].hz)
#endif
/*
 * kmod/send.c next_to_leader(): with ZAB_A_HOLD_ACKS no ACK before zabd's
 * ZAB_CMD_SYNCED, which follower_check_synced() issues once currentEpoch is
 * the followed epoch and SYNCED(f) held (hz is cleared when the model
 * writes currentEpoch; a member that held the epoch already, as one that
 * follows the same leader again, waits for SYNCED(f) all the same).
 */
#ifdef OLD_ACKS
#define ACK_OK(f)	1
#else
#define ACK_OK(f)	(m[f].ce >= m[f].ep && DZ(f) >= m[f].hz)
#endif
/*
 * follower.c follower_check_synced() writes currentEpoch only once the
 * leader's first frame is in (the kernel's ZAB_A_LEADER_SYNCED), which the
 * leader sends only after LEAD, that is once a quorum established the epoch.
 */
#ifdef OLD_SYNCED
#define SYNC_SEEN(f)	1
#else
#define SYNC_SEEN(f)	(m[f].st == FOLL)
#endif

inline reset_role(i)
{
	m[i].st = LOOKING;
	m[i].ldr = 0;
	m[i].ep = 0;
	m[i].hz = 0;
	m[i].hl = 0;
	m[i].pe = 0;
	m[i].ack = 0;
	m[i].sk = 0;
	m[i].sp = 0;
	m[i].tx = 0;
	m[i].az = 0
}

/* a leader's connections close: its followers elect again */
inline drop_followers(c)
{
	for (t_d : 0 .. N - 1) {
		if
		:: t_d != c && ISF(t_d) && m[t_d].ldr == c -> reset_role(t_d)
		:: else -> skip
		fi
	}
}

/* a leading kernel left without a quorum stops (QUORUM_LOST) */
inline quorum_check(c)
{
	t_n = 0;
	for (t_q : 0 .. N - 1) {
		if
		:: ATT(t_q, c) -> t_n++
		:: else -> skip
		fi
	}
	if
	:: t_n + 1 < Q ->
		printf("MSC: m%d loses its quorum, stops leading\n", c + 1);
		drop_followers(c);
		reset_role(c)
	:: else -> skip
	fi
}

/* i stops its role and goes LOOKING; the others notice */
inline leave(i)
{
	if
	:: m[i].st >= LELECT ->
		drop_followers(i);
		reset_role(i)
	:: ISF(i) ->
		t_lc = m[i].ldr;
		reset_role(i);
		if
		:: m[t_lc].st == LEAD -> quorum_check(t_lc)
		:: else -> skip
		fi
	:: else -> skip
	fi
}

/* member i's committed prefix is the acknowledged sequence's */
inline check_agree(i)
{
	for (t_j : 0 .. LMAX - 1) {
		if
		:: t_j < m[i].nr && m[i].lz[t_j] <= m[i].cz ->
			agreement = (t_j < clen && Cz[t_j] == m[i].lz[t_j] &&
				     Cp[t_j] == m[i].lp[t_j]);
			CHECK(agreement)
		:: else -> skip
		fi
	}
}

/* a leader's commit point moved: its committed records are acknowledged */
inline extend_acked(c)
{
	for (t_j : 0 .. LMAX - 1) {
		if
		:: t_j < m[c].nr && m[c].lz[t_j] <= m[c].cz && t_j < clen ->
			agreement = (Cz[t_j] == m[c].lz[t_j] && Cp[t_j] == m[c].lp[t_j]);
			CHECK(agreement)
		:: t_j < m[c].nr && m[c].lz[t_j] <= m[c].cz && t_j >= clen ->
			agreement = (t_j == clen);
			CHECK(agreement);
			Cz[clen] = m[c].lz[t_j];
			Cp[clen] = m[c].lp[t_j];
			clen++;
			printf("MSC: (%d,%d) #%d acknowledged to its client\n",
			       EPOCH(m[c].lz[t_j]), CTR(m[c].lz[t_j]), m[c].lp[t_j])
		:: else -> skip
		fi
	}
}

/* broadcast.c leader_commit(): the quorum-th highest of our durable point
 * and the followers' acknowledgments */
inline leader_commit(c)
{
	t_pt = 0;
	for (t_k : 0 .. N - 1) {
		if
		:: t_k == c || ATT(t_k, c) ->
			t_v = (t_k == c -> DZ(c) : m[t_k].az);
			t_n = 0;
			for (t_q : 0 .. N - 1) {
				if
				:: t_q == c && DZ(c) >= t_v -> t_n++
				:: t_q != c && ATT(t_q, c) && m[t_q].az >= t_v -> t_n++
				:: else -> skip
				fi
			}
			if
			:: t_n >= Q && t_v > t_pt -> t_pt = t_v
			:: else -> skip
			fi
		:: else -> skip
		fi
	}
	if
	:: t_pt > m[c].cz ->
		m[c].cz = MIN(t_pt, LASTZ(c));
		extend_acked(c)
	:: else -> skip
	fi
}

/* log.c zab_log_sync_point(), broadcast.c sync_peer(): leader c, follower f */
inline sync(c, f)
{
	t_L = LASTZ(f);
	t_k = 255;
	t_b = 0;
	t_bi = 0;
	for (t_s : 0 .. LMAX - 1) {
		if
		:: t_s < m[c].nr && m[c].lz[t_s] == t_L -> t_k = t_s
		:: t_s < m[c].nr && m[c].lz[t_s] < t_L &&
		   EPOCH(m[c].lz[t_s]) == EPOCH(t_L) ->
			t_b = m[c].lz[t_s];
			t_bi = t_s + 1
		:: else -> skip
		fi
	}
	if
	:: t_L == 0 || t_k != 255 ->
		m[f].sk = DIFF; m[f].tx = (t_L == 0 -> 0 : t_k + 1); t_from = t_L;
		printf("MSC: m%d syncs m%d by DIFF after (%d,%d)\n", c + 1, f + 1,
		       EPOCH(t_L), CTR(t_L))
	:: t_L != 0 && t_k == 255 && t_b != 0 ->
		m[f].sk = TRUNC; m[f].sp = t_b; m[f].tx = t_bi; t_from = t_b;
		printf("MSC: m%d syncs m%d (last (%d,%d)) by TRUNC to (%d,%d)\n",
		       c + 1, f + 1, EPOCH(t_L), CTR(t_L), EPOCH(t_b), CTR(t_b))
	:: t_L != 0 && t_k == 255 && t_b == 0 ->
		m[f].sk = SNAP; m[f].tx = 0; t_from = 0;
		printf("MSC: m%d syncs m%d (last (%d,%d)) by SNAP: it has no record of epoch %d\n",
		       c + 1, f + 1, EPOCH(t_L), CTR(t_L), EPOCH(t_L))
	fi;
	m[f].az = MIN(t_from, m[c].cz)
}

/* NEW only: currentEpoch e (and acceptedEpoch e) => e's history durable */
inline inv()
{
#if !defined(OLD_FCE) && !defined(OLD_LCE)
	for (t_m : 0 .. N - 1) {
		t_e = m[t_m].ce;
		if
		:: t_e > 0 && t_e == m[t_m].ae && est[t_e] && !UN(t_m) ->
			history_durable = (m[t_m].dlen >= Hl[t_e] &&
				(Hl[t_e] == 0 ||
				 (m[t_m].lz[Hl[t_e] - 1] == Hz[t_e] &&
				  m[t_m].lp[Hl[t_e] - 1] == Hp[t_e])));
			CHECK(history_durable)
		:: else -> skip
		fi
	}
#endif
#ifdef NOHIDDEN
	t_c = 0; t_e = 0; t_z = 0; t_L = 0; t_k = 0; t_b = 0; t_bi = 0; t_from = 0;
	t_he = 0; t_cnt = 0; t_i = 0; t_s = 0; t_j = 0; t_m = 0; t_n = 0; t_q = 0;
	t_d = 0; t_lc = 0; t_v = 0; t_pt = 0; t_w = 0; t_ok = 0;
	committed_record_kept = 0; agreement = 0; one_leader_per_epoch = 0;
	history_durable = 0; log_matching = 0; stuck_unsynced = 0;
#endif
	skip
}

/* ---------------------------------------------------------------- steps */

inline s_elect(c)
{
	m[c].st = LELECT;
	m[c].hz = LASTZ(c);	/* the winning vote, which it reports while leading */
	m[c].pe = HE(c);
	printf("MSC: m%d elected (vote: epoch %d, zxid (%d,%d))\n", c + 1,
	       HE(c), EPOCH(LASTZ(c)), CTR(LASTZ(c)))
}

inline s_join(j, c)
{
	m[j].st = FDISC;
	m[j].ldr = c;
	printf("MSC: m%d follows m%d: FOLLOWERINFO (acceptedEpoch %d)\n",
	       j + 1, c + 1, m[j].ae)
}

inline s_decide(c)
{
	t_e = (m[c].ae > m[c].ce -> m[c].ae : m[c].ce);
	for (t_k : 0 .. N - 1) {
		if
		:: FI(c, t_k) && m[t_k].ae > t_e -> t_e = m[t_k].ae
		:: else -> skip
		fi
	}
	t_e++;
	if
	:: t_e > MAXE ->
		/* the model's bound: this leadership gives up */
		leave(c)
	:: else ->
		SET_AE(c, t_e);
		m[c].ep = t_e;
		m[c].hl = m[c].nr;	/* its history: hz, pe unchanged since elect */
		m[c].st = LDISC;
		printf("MSC: m%d proposes epoch %d (acceptedEpoch), history (%d,%d)\n",
		       c + 1, t_e, EPOCH(m[c].hz), CTR(m[c].hz))
	fi
}

inline s_ackepoch(f)
{
	t_c = m[f].ldr;
	t_e = m[t_c].ep;
	t_z = (m[t_c].st == LEAD -> LASTZ(t_c) : m[t_c].hz);
	if
	:: t_e < m[f].ae ->
		printf("MSC: m%d refuses epoch %d < acceptedEpoch %d\n", f + 1, t_e, m[f].ae);
#ifndef OLD_REFUSE
		/*
		 * leader.c newer_accepted(): the leader sees the newer
		 * acceptedEpoch in FOLLOWERINFO, raises its own to it and
		 * gives up (else the member stays out for good)
		 */
		SET_AE(t_c, m[f].ae);
		printf("MSC: m%d raises acceptedEpoch to %d and gives up\n", t_c + 1, m[f].ae);
		leave(t_c);
#endif
		leave(f)
	:: t_e >= m[f].ae && t_z < m[f].cz ->
		printf("MSC: m%d refuses m%d: its history ends before our commit point\n",
		       f + 1, t_c + 1);
		leave(f)
	:: else ->
		t_he = HE(f);
		t_L = LASTZ(f);
#ifdef OLD_ACK
		t_cnt = 1;
#else
		t_cnt = (t_e != m[f].ae);
#endif
		/* follower.c: a marked member's ACKEPOCH says ZAB_HS_EPOCH_NONE */
#ifndef OLD_ABSTAIN_ACK
		t_cnt = t_cnt && !UN(f);
#endif
		SET_AE(f, t_e);
		m[f].st = FSYNC;
		m[f].ep = t_e;
#ifdef OLD_FCE
		m[f].hz = 0;	/* not used */
#else
		m[f].hz = t_z;
#endif
		m[f].ack = (t_cnt -> 1 : 2);
		printf("MSC: m%d ACKEPOCH %d to m%d (history epoch %d, last (%d,%d), counted %d), FOLLOW\n",
		       f + 1, t_e, t_c + 1, t_he, EPOCH(t_L), CTR(t_L), t_cnt);
		if
		:: m[t_c].st == LEAD ->
			sync(t_c, f)
		:: m[t_c].st != LEAD && t_cnt &&
		   (t_he > m[t_c].pe || (t_he == m[t_c].pe && t_L > m[t_c].hz)) ->
			printf("MSC: m%d gives up: m%d has a newer history\n",
			       t_c + 1, f + 1);
			leave(t_c)
		:: else -> skip
		fi
	fi
}

inline s_lead(c)
{
	SET_CE(c, m[c].ep);
	printf("MSC: m%d LEADs epoch %d (currentEpoch %d), log ends (%d,%d)\n",
	       c + 1, m[c].ep, m[c].ce, EPOCH(LASTZ(c)), CTR(LASTZ(c)));
	one_leader_per_epoch = !est[m[c].ep];
	CHECK(one_leader_per_epoch);
	est[m[c].ep] = 1;
	Hl[m[c].ep] = m[c].hl;
	Hz[m[c].ep] = (m[c].hl > 0 -> m[c].lz[m[c].hl - 1] : 0);
	Hp[m[c].ep] = (m[c].hl > 0 -> m[c].lp[m[c].hl - 1] : 0);
	/* every acknowledged record is in the new leader's log */
	committed_record_kept = (m[c].nr >= clen);
	for (t_j : 0 .. LMAX - 1) {
		if
		:: t_j < clen && t_j < m[c].nr ->
			committed_record_kept = committed_record_kept &&
				m[c].lz[t_j] == Cz[t_j] && m[c].lp[t_j] == Cp[t_j]
		:: else -> skip
		fi
	}
	assert(committed_record_kept);
	for (t_i : 0 .. N - 1) {
		if
		:: t_i != c && m[t_i].st == FSYNC && m[t_i].ldr == c && m[t_i].ack != 0 ->
			sync(c, t_i)
		:: else -> skip
		fi
	}
	m[c].st = LEAD;
	leader_commit(c)
}

/*
 * DISK_LOSS: a TRUNC or RESET entry that keeps k records is about to be
 * written: if it removes durable records, remember the durable log before
 * it, which a disk that loses the entry gives back (s_revert). Only the
 * last such entry is remembered; none once the run's losses are spent.
 */
inline remember_change(f, k)
{
#ifdef DISK_LOSS
	if
	:: lost < LOSSMAX && m[f].dlen > k ->
		for (t_s : 0 .. LMAX - 1) {
			m[f].ox[t_s] = (t_s < m[f].dlen -> m[f].lz[t_s] : 0);
			m[f].op[t_s] = (t_s < m[f].dlen -> m[f].lp[t_s] : 0)
		}
		m[f].on = m[f].dlen;
		m[f].ot = 1
	:: else -> skip
	fi
#else
	skip
#endif
}

inline s_sync_frame(f)
{
	t_ok = 1;
	if
	:: m[f].sk == DIFF -> skip
	:: m[f].sk == TRUNC ->
		t_z = m[f].sp;
		t_i = 255;
		t_n = 0;
		for (t_s : 0 .. LMAX - 1) {
			if
			:: t_s < m[f].nr && m[f].lz[t_s] == t_z -> t_i = t_s
			:: else -> skip
			fi;
			if
			:: t_s < m[f].nr && m[f].lz[t_s] <= t_z -> t_n++
			:: else -> skip
			fi
		}
		if
		:: t_z < m[f].cz || t_z > LASTZ(f) || (t_z != m[f].cz && t_i == 255) ->
			/* zab_bcast_on_trunc(): -EPROTO, the peer is dropped */
			printf("MSC: m%d refuses TRUNC to (%d,%d) below its commit point\n",
			       f + 1, EPOCH(t_z), CTR(t_z));
			t_ok = 0;
			leave(f)
		:: else ->
			remember_change(f, t_n);
			for (t_s : 0 .. LMAX - 1) {
				if
				:: t_s >= t_n -> m[f].lz[t_s] = 0; m[f].lp[t_s] = 0
				:: else -> skip
				fi
			}
			m[f].nr = t_n;
			m[f].dlen = MIN(m[f].dlen, t_n);
			m[f].dd = MIN(m[f].dd, t_n);
			m[f].dw = 0;	/* one before the TRUNC vouches for less */
			printf("MSC: m%d truncates after (%d,%d)\n", f + 1,
			       EPOCH(t_z), CTR(t_z))
		fi
	:: m[f].sk == SNAP ->
		remember_change(f, 0);
		for (t_s : 0 .. LMAX - 1) {
			m[f].lz[t_s] = 0;
			m[f].lp[t_s] = 0
		}
		m[f].nr = 0;
		m[f].dlen = 0;
		m[f].dd = 0;
		m[f].dw = 0;
		m[f].cz = 0;
		m[f].dcz = 0;
		printf("MSC: m%d takes SNAP: its log is reset\n", f + 1)
	fi;
	if
	:: t_ok ->
		/* its log is now the leader's up to where the stream starts */
		log_matching = (m[f].nr == m[f].tx);
		CHECK(log_matching);
		m[f].st = FOLL;
		/* from here on the stream's position is the follower's log end */
		m[f].sk = DIFF;
		m[f].sp = 0;
		m[f].tx = 0
	:: else -> skip
	fi
}

inline s_recv(f)
{
	t_c = m[f].ldr;
	t_z = m[t_c].lz[m[f].nr];
	t_L = LASTZ(f);
	if
	:: (EPOCH(t_z) == EPOCH(t_L) && t_z == t_L + 1) ||
	   (EPOCH(t_z) != EPOCH(t_L) && CTR(t_z) == 1 && EPOCH(t_z) > EPOCH(t_L) &&
	    EPOCH(t_z) <= m[f].ep) ->
		m[f].lz[m[f].nr] = t_z;
		m[f].lp[m[f].nr] = m[t_c].lp[m[f].nr];
		m[f].nr++;
		printf("MSC: m%d logs (%d,%d) #%d\n", f + 1, EPOCH(t_z), CTR(t_z),
		       m[f].lp[m[f].nr - 1])
	:: else ->
		printf("MSC: m%d: (%d,%d) cannot follow (%d,%d): EPROTO\n", f + 1,
		       EPOCH(t_z), CTR(t_z), EPOCH(t_L), CTR(t_L));
		leave(f)
	fi
}

inline s_durable(i)
{
#ifdef DISK_LOSS
	/*
	 * disk_work(): the DURABLE entry of the batch before this one goes to
	 * disk with this fsync (this batch's own follows, unsynced); after a
	 * restart there is none yet: the one written before the power loss
	 * may be lost with it
	 */
	if
	:: m[i].dw -> m[i].dd = m[i].dlen
	:: else -> skip
	fi;
	m[i].dw = 1;
	/* and a DURABLE entry after the last TRUNC or RESET, one fsync later */
	if
	:: m[i].on > 0 && m[i].ot < 3 -> m[i].ot++
	:: else -> skip
	fi;
#endif
	m[i].dlen = m[i].nr;
	m[i].dcz = m[i].cz;
	printf("MSC: m%d: durable to (%d,%d)\n", i + 1, EPOCH(DZ(i)), CTR(DZ(i)));
	if
	:: m[i].st == LEAD -> leader_commit(i)
	:: else -> skip
	fi
}

inline s_ack(f)
{
	t_c = m[f].ldr;
	m[f].az = DZ(f);
	printf("MSC: m%d ACKs (%d,%d) to m%d\n", f + 1, EPOCH(m[f].az), CTR(m[f].az),
	       t_c + 1);
	leader_commit(t_c)
}

inline s_commit(f)
{
	t_c = m[f].ldr;
	m[f].cz = MIN(m[t_c].cz, LASTZ(f));
	printf("MSC: m%d commits to (%d,%d)\n", f + 1, EPOCH(m[f].cz), CTR(m[f].cz));
	check_agree(f)
}

inline s_propose(c)
{
	t_L = LASTZ(c);
	t_z = (EPOCH(t_L) == m[c].ep -> t_L + 1 : m[c].ep * 8 + 1);
	m[c].lz[m[c].nr] = t_z;
	m[c].lp[m[c].nr] = c + 1;	/* a member leads an epoch once at most */
	m[c].nr++;
	printf("MSC: m%d proposes (%d,%d) #%d\n", c + 1, EPOCH(t_z), CTR(t_z), c + 1)
}

inline s_ce_write(f)
{
	SET_CE(f, m[f].ep);
	m[f].un = 0;		/* disk_unsynced_clear(): it votes again */
	m[f].hz = 0;		/* needed no more (ACK_OK holds from here): fewer states */
	printf("MSC: m%d writes currentEpoch %d (durable to (%d,%d), log ends (%d,%d))\n",
	       f + 1, m[f].ce, EPOCH(DZ(f)), CTR(DZ(f)), EPOCH(LASTZ(f)), CTR(LASTZ(f)));
#ifndef OLD_FCE
	/* its durable log holds the leader's history */
	t_c = m[f].ldr;
	history_durable = (m[f].dlen >= m[t_c].hl);
	for (t_j : 0 .. LMAX - 1) {
		if
		:: t_j < m[t_c].hl && t_j < m[f].dlen ->
			history_durable = history_durable &&
				m[f].lz[t_j] == m[t_c].lz[t_j] && m[f].lp[t_j] == m[t_c].lp[t_j]
		:: else -> skip
		fi
	}
	CHECK(history_durable)
#endif
}

inline s_crash(i)
{
	printf("MSC: m%d crashes and restarts (durable to (%d,%d))\n", i + 1,
	       EPOCH(DZ(i)), CTR(DZ(i)));
	leave(i);
	for (t_s : 0 .. LMAX - 1) {
		if
		:: t_s >= m[i].dlen -> m[i].lz[t_s] = 0; m[i].lp[t_s] = 0
		:: else -> skip
		fi
	}
	m[i].nr = m[i].dlen;
	m[i].cz = m[i].dcz;
#ifdef DISK_LOSS
	/* the DURABLE entry not synced yet may be lost with the power */
	m[i].dw = 0;
	if
	:: m[i].ot == 2 -> m[i].ot = 1
	:: else -> skip
	fi;
#endif
	check_agree(i)
}

/*
 * DISK_LOSS: power loss, and the disk gives back only the first k of the
 * records it had made durable (a bit flipped in one, a segment gone: the
 * reader cuts the log at the damage, the commit entries after it go too).
 * The epoch files survive. A whole DURABLE entry after the damage tells
 * the reader the records had been on disk: it writes dataDir/unsynced
 * before it cuts (disklog.c mark_lost(); a loss with no such entry after
 * it is not seen, and not modelled).
 */
inline s_lose(i, k)
{
	printf("MSC: m%d crashes; its disk keeps %d of %d durable records, %d vouched for (marked: %d)\n",
	       i + 1, k, m[i].dlen, m[i].dd, k < m[i].dd);
	leave(i);
	for (t_s : 0 .. LMAX - 1) {
		if
		:: t_s >= k -> m[i].lz[t_s] = 0; m[i].lp[t_s] = 0
		:: else -> skip
		fi
	}
	/* seen only if a DURABLE entry on disk follows the damage */
	m[i].un = m[i].un || k < m[i].dd;
	m[i].nr = k;
	m[i].dlen = k;
	m[i].dd = MIN(m[i].dd, k);
	m[i].dw = 0;
	/*
	 * The commit point is the last COMMIT entry kept, at most the one on
	 * disk and the last record kept; the model takes 0, which allows more
	 * (fewer refusals) than any higher point the reader could find.
	 */
	m[i].cz = 0;
	m[i].dcz = 0;
	lost++;
	forget_change(i);
	check_agree(i)
}

/*
 * After a loss of member i: its TRUNC or RESET is no longer remembered, and
 * once the run's losses are spent nobody's is (fewer states)
 */
inline forget_change(i)
{
	for (t_i : 0 .. N - 1) {
		if
		:: t_i == i || lost >= LOSSMAX ->
			for (t_s : 0 .. LMAX - 1) {
				m[t_i].ox[t_s] = 0;
				m[t_i].op[t_s] = 0
			}
			m[t_i].on = 0;
			m[t_i].ot = 0
		:: else -> skip
		fi
	}
}

/*
 * DISK_LOSS: power loss, and the disk loses the last TRUNC or RESET entry
 * that removed durable records; the reader cuts the log at the damage and
 * sets aside what follows: the log is again what it was before the entry, a
 * log that is no prefix of the one the member had. Seen if a whole DURABLE
 * entry follows the damage (ot 3) for a zxid other than the last record
 * kept, which it always is here (the removed records' zxids never come
 * back, and one after the cut kept prefix is no record kept):
 * disklog.c is_durable() and durable_in_file() mark the member unsynced.
 */
inline s_revert(i)
{
	printf("MSC: m%d crashes; its disk loses its last TRUNC/RESET entry: %d records again, %d of them durable then (marked: %d)\n",
	       i + 1, m[i].on, m[i].on, m[i].ot == 3);
	leave(i);
	for (t_s : 0 .. LMAX - 1) {
		m[i].lz[t_s] = m[i].ox[t_s];
		m[i].lp[t_s] = m[i].op[t_s]
	}
	m[i].un = m[i].un || m[i].ot == 3;
	m[i].nr = m[i].on;
	m[i].dlen = m[i].on;
	m[i].dd = 0;
	m[i].dw = 0;
	/* as s_lose(): the reader's commit point is at most what is kept */
	m[i].cz = 0;
	m[i].dcz = 0;
	lost++;
	forget_change(i);
	check_agree(i)
}

/*
 * EPOCH_LOSS: power loss, and the disk gives back acceptedEpoch (a & 1),
 * currentEpoch (a & 2) or both as they were before their last write. The
 * log and the commit point are as after a crash.
 */
inline s_epoch_lose(i, a)
{
	s_crash(i);
	printf("MSC: m%d's disk lost the last write of its epoch files: acceptedEpoch %d -> %d, currentEpoch %d -> %d\n",
	       i + 1, m[i].ae, AE_AFTER(i, a), m[i].ce, CE_AFTER(i, a));
	if
	:: (a & 1) -> m[i].ae = m[i].pae
	:: else -> skip
	fi;
	if
	:: (a & 2) -> m[i].ce = m[i].pce
	:: else -> skip
	fi;
	lost++;
	/* nothing more of i's to lose; once the run's losses are spent, nobody's */
	for (t_i : 0 .. N - 1) {
		if
		:: t_i == i && lost < LOSSMAX ->
			m[t_i].pae = m[t_i].ae;
			m[t_i].pce = m[t_i].ce
		:: lost >= LOSSMAX ->
			m[t_i].pae = 0;
			m[t_i].pce = 0
		:: else -> skip
		fi
	}
}

/* ---------------------------------------------------------------- world */

/* when each step may happen */
#define G_DECIDE(i)	(m[i].st == LELECT && SUM(FI, i) + 1 >= Q)
#define G_LEAD(i)	(m[i].st == LDISC && SUM(CA, i) + 1 >= Q && LEAD_READY(i))
#define G_QUIT(i)	(m[i].st == LELECT || m[i].st == LDISC)
#define G_ACKEPOCH(i)	(m[i].st == FDISC && m[m[i].ldr].st >= LDISC)
#define G_SYNC(i)	(m[i].st == FSYNC && m[i].sk != 0)
#define G_RECV(i)	(m[i].st == FOLL && m[i].nr < m[m[i].ldr].nr)
#define G_ACK(i)	(m[i].st == FOLL && DZ(i) > m[i].az && ACK_OK(i))
#define G_COMMIT(i)	(m[i].st == FOLL && MIN(m[m[i].ldr].cz, LASTZ(i)) > m[i].cz)
/* as built: st == FOLL && ce < ep && DZ >= hz (SYNCED, SYNC_SEEN) */
#define G_CE(i)		((m[i].st == FSYNC || m[i].st == FOLL) && \
			 (m[i].ce < m[i].ep || UN(i)) && SYNCED(i))
/*
 * A loss the reader sees (k < dd: a DURABLE entry on disk after the
 * damage); with DISK_LOSS_UNSEEN also one it does not (the last batch,
 * whose DURABLE entry was not yet on disk).
 */
#ifdef REVERT_ONLY
#define G_LOSE(i, k)	0	/* only the losses of s_revert() */
#define G_REVERT(i)	(lost < LOSSMAX && m[i].on > 0 && m[i].ot == 3)
#elif defined(DISK_LOSS_UNSEEN)
#define G_LOSE(i, k)	(lost < LOSSMAX && (k) < m[i].dlen)
#define G_REVERT(i)	(lost < LOSSMAX && m[i].on > 0)
#else
#define G_LOSE(i, k)	(lost < LOSSMAX && (k) < m[i].dd)
#define G_REVERT(i)	(lost < LOSSMAX && m[i].on > 0 && m[i].ot == 3)
#endif
#define G_LOSS(i)	ISF(i)
#define G_DURABLE(i)	(m[i].dlen < m[i].nr || m[i].dcz < m[i].cz)
#define G_PROPOSE(i)	(m[i].st == LEAD && m[i].nr < LMAX)
#define G_CRASH(i)	(m[i].st != LOOKING || m[i].nr != m[i].dlen || m[i].cz != m[i].dcz)
/*
 * A LOOKING member follows a leader that a quorum reports out of election:
 * the leader says it leads and enough others say they follow it
 * (election.c receive_decided(), count_same_leader(), leader_confirms()).
 */
#define G_JOIN(j, c)	(m[j].st == LOOKING && m[c].st >= LELECT && SUM(FOLLOWSV, c) + 1 >= Q)

inline s_quit(i)
{
	printf("MSC: m%d gives up leading (initLimit)\n", i + 1);
	leave(i)
}

inline s_loss(i)
{
	printf("MSC: m%d loses its leader m%d\n", i + 1, m[i].ldr + 1);
	leave(i)
}

#define STEP(g, a)	d_step { g -> a; inv() }

#define MEMBER(i) \
	:: STEP(G_DECIDE(i), s_decide(i)) \
	:: STEP(G_LEAD(i), s_lead(i)) \
	:: STEP(G_QUIT(i), s_quit(i)) \
	:: STEP(G_ACKEPOCH(i), s_ackepoch(i)) \
	:: STEP(G_SYNC(i), s_sync_frame(i)) \
	:: STEP(G_RECV(i), s_recv(i)) \
	:: STEP(G_ACK(i), s_ack(i)) \
	:: STEP(G_COMMIT(i), s_commit(i)) \
	:: STEP(G_CE(i), s_ce_write(i)) \
	:: STEP(G_LOSS(i), s_loss(i)) \
	:: STEP(G_DURABLE(i), s_durable(i)) \
	:: STEP(G_PROPOSE(i), s_propose(i)) \
	:: STEP(G_CRASH(i), s_crash(i)) \
	LOSE(i) ELOSE(i)

/*
 * An epoch file's last write lost, where zabd's start check passes: the
 * log no newer than acceptedEpoch, currentEpoch not above it.
 */
#define G_ELOSE(i, a)	(lost < LOSSMAX && \
			 (((a & 1) && m[i].pae != m[i].ae) || ((a & 2) && m[i].pce != m[i].ce)) && \
			 EPOCH(DZ(i)) <= AE_AFTER(i, a) && CE_AFTER(i, a) <= AE_AFTER(i, a))
#ifdef EPOCH_LOSS
#define ELOSE(i)	:: STEP(G_ELOSE(i, 1), s_epoch_lose(i, 1)) \
			:: STEP(G_ELOSE(i, 2), s_epoch_lose(i, 2)) \
			:: STEP(G_ELOSE(i, 3), s_epoch_lose(i, 3))
#else
#define ELOSE(i)
#endif

#ifdef DISK_LOSS
#define REVERT(i)	:: STEP(G_REVERT(i), s_revert(i))
#if LMAX == 1
#define LOSE(i)	:: STEP(G_LOSE(i, 0), s_lose(i, 0)) REVERT(i)
#elif LMAX == 2
#define LOSE(i)	:: STEP(G_LOSE(i, 0), s_lose(i, 0)) :: STEP(G_LOSE(i, 1), s_lose(i, 1)) REVERT(i)
#else
#define LOSE(i)	:: STEP(G_LOSE(i, 0), s_lose(i, 0)) :: STEP(G_LOSE(i, 1), s_lose(i, 1)) \
		:: STEP(G_LOSE(i, 2), s_lose(i, 2)) REVERT(i)
#endif
#else
#define LOSE(i)
#endif

/*
 * elect(c) with the voters that decide for c in its round (election.c
 * zab_fle_ready(): a quorum, c's own vote included, holds c's vote, which
 * is the best each of them knows, so not worse than its own). A voter may
 * also decide later, or never: it is then left LOOKING and may join.
 */
#define ELECT1(c, a) \
	:: STEP(m[c].st == LOOKING && !UN(c) && VOTE(c, a), s_elect(c); s_join(a, c))
#define ELECT2(c, a, b) \
	:: STEP(m[c].st == LOOKING && !UN(c) && VOTE(c, a) && VOTE(c, b), \
		s_elect(c); s_join(a, c); s_join(b, c))
#define JOIN(j, c) \
	:: STEP(G_JOIN(j, c), s_join(j, c))

#ifdef SCENARIO5
#include "scenario5.pml"
#elif defined(SCENARIO5B)
#include "scenario5b.pml"
#else
active proctype world()
{
	do
#if defined(DISK_LOSS) && LOSSMAX > 1
	/*
	 * Two of three members marked: no quorum of voters, nobody is
	 * elected, and the world stops (liveness: an operator's step,
	 * docs/zabd.md). Any other stop is an error.
	 */
	:: timeout ->
		stuck_unsynced = (m[0].un + m[1].un + m[2].un >= 2);
		assert(stuck_unsynced);
		break
#endif
	MEMBER(0)
	MEMBER(1)
	MEMBER(2)
	ELECT1(0, 1) ELECT1(0, 2) ELECT2(0, 1, 2)
	ELECT1(1, 0) ELECT1(1, 2) ELECT2(1, 0, 2)
	ELECT1(2, 0) ELECT1(2, 1) ELECT2(2, 0, 1)
	JOIN(0, 1) JOIN(0, 2)
	JOIN(1, 0) JOIN(1, 2)
	JOIN(2, 0) JOIN(2, 1)
	od
}
#endif
