#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ZAB's two recovery promises, with recovery done by hand (zabboot) the way
# zabd does it: the member with the highest zxid leads a new epoch and the
# kernel synchronises the others (DIFF, TRUNC, SNAP).
. "$(dirname "$0")/lib.sh"

# lead_again LEADER EPOCH FOLLOWERS...: LEADER leads EPOCH of 3 members.
lead_again() {
	local leader=$1 epoch=$2 i pid
	shift 2
	nsx "zab$leader" "$ZABBOOT" lead "z$leader" "$epoch" 3 "10.77.0.$leader" \
		$ZAB_PORT $# > "$ENS_TMP/lead" 2>&1 &
	pid=$!
	for i in "$@"; do
		nsx "zab$i" "$ZABBOOT" follow "z$i" "$epoch" "$i" "$leader" \
			"10.77.0.$leader" $ZAB_PORT > /dev/null || fail "z$i could not follow z$leader"
	done
	wait $pid || fail "z$leader could not lead: $(cat "$ENS_TMP/lead")"
}

# Seed scenario 1: the leader fails after a quorum acknowledged a proposal
# but before every follower got its COMMIT. The record was committed: it
# must be delivered everywhere after failover.
test_seed_committed_survives_leader_crash() {
	ENS_TMP=$(mktemp -d)
	ens_setup 3
	ens_boot 3 1 1
	"$ZABLOAD" write /dev/zab/z1 before 10 > "$ENS_TMP/w.before"
	converge 1 2 3
	ip link set veth3 down			# member 3 misses what follows
	"$ZABLOAD" write /dev/zab/z1 acked 5 > "$ENS_TMP/w.acked"
	[ "$(grep -c '^ok' "$ENS_TMP/w.acked")" = 5 ] || fail "not committed by 1+2: $(cat "$ENS_TMP/w.acked")"
	nsx zab1 "$ZABCTL" destroy z1		# the leader crashes
	wait_state 5 LOOKING z2
	ip link set veth3 up
	wait_state 5 LOOKING z3
	# the highest zxid is member 2's: it leads epoch 2
	lead_again 2 2 3
	"$ZABLOAD" write /dev/zab/z3 after 5 > "$ENS_TMP/w.after"
	! grep -q '^err' "$ENS_TMP/w.after" || fail "writes after failover failed"
	"$ZABLOAD" wait /dev/zab/z3 "$(commit_of z2)" 10 || fail "z3 did not catch up"
	dump_all "$ENS_TMP" 2 3
	check_logs "$ENS_TMP" 2 3
	for i in $(seq 0 4); do
		grep -q " acked-$i\$" "$ENS_TMP/dump.3" || fail "acked-$i missing on member 3"
	done
	grep -q "^0x0000000200000001 after-0$" "$ENS_TMP/dump.3" || fail "epoch 2 did not start at counter 1"
}

# Seed scenario 2: the leader proposes a record only locally (its outgoing
# traffic is cut), then fails. The record must be discarded everywhere,
# including on the old leader when it rejoins.
test_seed_local_proposal_discarded() {
	ENS_TMP=$(mktemp -d)
	ens_setup 3
	ens_boot 3 1 1
	"$ZABLOAD" write /dev/zab/z1 before 10 > "$ENS_TMP/w.before"
	converge 1 2 3
	ip link set veth2 down
	ip link set veth3 down
	"$ZABLOAD" write /dev/zab/z1 lost 1 > "$ENS_TMP/w.lost"
	grep -q '^err ECONNRESET lost-0' "$ENS_TMP/w.lost" || fail "the lost write: $(cat "$ENS_TMP/w.lost")"
	last=$("$DEVTEST" status /dev/zab/z1 | sed -n 's/last_zxid=//p')
	[ "$last" = 0x10000000b ] || fail "old leader's log ends at $last, expected its local proposal 0x10000000b"
	wait_state 5 LOOKING z1
	ip link set veth2 up
	ip link set veth3 up
	wait_state 5 LOOKING z2 z3
	# members 2 and 3 elect 2; the old leader rejoins as a follower
	lead_again 2 2 3 1
	"$ZABLOAD" write /dev/zab/z1 after 5 > "$ENS_TMP/w.after"
	! grep -q '^err' "$ENS_TMP/w.after" || fail "writes after recovery failed: $(cat "$ENS_TMP/w.after")"
	converge_to 2 1 3
	dump_all "$ENS_TMP" 1 2 3
	check_logs "$ENS_TMP" 1 2 3
	! grep -q ' lost-0$' "$ENS_TMP"/dump.* || fail "the local proposal was delivered: $(grep -l lost-0 "$ENS_TMP"/dump.*)"
	last=$("$DEVTEST" status /dev/zab/z1 | sed -n 's/last_zxid=//p')
	[ "$last" = 0x200000005 ] || fail "old leader's log ends at $last"
}

# A member holds a proposal of an epoch the new leader has no record of (it
# led epoch 2 alone for a moment): where its history leaves the leader's is
# unknown, so the leader sends SNAP and its window; the proposal is gone.
test_snap_unknown_epoch() {
	ENS_TMP=$(mktemp -d)
	ens_setup 3
	ens_boot 3 1 1
	"$ZABLOAD" write /dev/zab/z1 before 10 > "$ENS_TMP/w.before"
	converge 1 2 3
	for i in 1 2 3; do
		nsx "zab$i" "$ZABCTL" stop "z$i"
	done
	# member 1 leads epoch 2 with member 2, then proposes only locally
	lead_again 1 2 2
	ip link set veth1 down
	"$ZABLOAD" write /dev/zab/z1 lost 1 > "$ENS_TMP/w.lost"
	grep -q '^err ECONNRESET lost-0' "$ENS_TMP/w.lost" || fail "the lost write: $(cat "$ENS_TMP/w.lost")"
	[ "$(zst 1 last_zxid)" = 0x200000001 ] || fail "member 1's log ends at $(zst 1 last_zxid)"
	wait_state 5 LOOKING z1 z2
	ip link set veth1 up
	[ "$(zst 2 last_zxid)" = 0x10000000a ] || fail "member 2's log ends at $(zst 2 last_zxid)"
	# member 2 leads epoch 3: DIFF for member 3, SNAP for member 1
	lead_again 2 3 3 1
	[ "$(field_ns zab2 z2 sync_diff)" = 1 ] && [ "$(field_ns zab2 z2 sync_snap)" = 1 ] ||
		fail "expected one DIFF and one SNAP: $(nsx zab2 "$ZABCTL" show z2 | grep synced)"
	"$ZABLOAD" write /dev/zab/z1 after 5 > "$ENS_TMP/w.after"
	! grep -q '^err' "$ENS_TMP/w.after" || fail "writes after recovery failed: $(cat "$ENS_TMP/w.after")"
	converge_to 2 1 3
	dump_all "$ENS_TMP" 1 2 3
	check_logs "$ENS_TMP" 1 2 3
	! grep -q ' lost-0$' "$ENS_TMP"/dump.* || fail "the local proposal was delivered: $(grep -l lost-0 "$ENS_TMP"/dump.*)"
	[ "$(wc -l < "$ENS_TMP/dump.1")" = 15 ] || fail "member 1 has $(wc -l < "$ENS_TMP/dump.1") records, not 15"
}

zab_ksft_main "$@"
