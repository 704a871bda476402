#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Observers: members configured `server.N=HOST:PORT:PORT:observer` receive
# every committed record, serve reads and forward writes, and count in no
# quorum, neither the election's nor the broadcast's nor a sync's.
# Members live in namespaces zabI at 10.77.0.I (ens_net); members 1..3 vote,
# 4 and 5 observe, unless a test says otherwise.
. "$(dirname "$0")/lib.sh"

# small_window_observers: members 1..3 voting, 4 observing, windowBytes
# 64K and records of up to 1K, formed (LEADER set).
small_window_observers() {
	observers_setup 4 4
	for i in 1 2 3 4; do
		printf 'windowBytes = 64K\nmaxRecordSize = 1K\n' >> "$ENS_TMP/z$i.conf"
	done
	zabd_start 1 2 3 4
	wait_formed 30 1 2 3 4
}

# not_leading I: member I's kernel does not lead.
not_leading() {
	[ "$(zst "$1" state)" != 2 ]
}

# writes_take_ms MEMBER TAG COUNT: COUNT writes through MEMBER, every one
# committed; prints how long they took.
writes_take_ms() {
	local t0
	t0=$(date +%s%N)
	"$ZABLOAD" write "/dev/zab/z$1" "$2" "$3" > "$ENS_TMP/w.$2" ||
		fail "writes $2 through member $1 failed: $(grep -m3 '^err' "$ENS_TMP/w.$2")"
	ms_since "$t0"
}

# Three voters and two observers form one ensemble: a voter leads, the
# observers follow it as observers (zabctl show), receive every record,
# and their writes, forwarded to the leader, commit like any other. The
# leader counts them as observers.
test_observers_receive_and_forward() {
	observers_setup 5 4 5
	zabd_start 1 2 3 4 5
	wait_formed 30 1 2 3 4 5
	case $LEADER in 1 | 2 | 3) ;; *) fail "observer $LEADER leads" ;; esac
	for i in 4 5; do
		[ "$(field_ns "zab$i" "z$i" observer)" = true ] ||
			fail "member $i does not show itself as an observer"
		grep -q "OBSERVING leader $LEADER in epoch $EPOCH" "$ENS_TMP/zabd.$i.log" ||
			fail "member $i's zabd did not say it observes"
	done
	for i in 1 2 3; do
		[ "$(field_ns "zab$i" "z$i" observer)" = false ] ||
			fail "voting member $i shows itself as an observer"
	done
	[ "$(field_ns "zab$LEADER" "z$LEADER" observer_peers)" = 2 ] ||
		fail "the leader does not count two observers: $(nsx "zab$LEADER" "$ZABCTL" show "z$LEADER" | grep -A6 peers)"
	write_on "$ENS_TMP" a 20 1 2 3 4 5
	settle "$ENS_TMP" "$LEADER" 1 2 3 4 5
	[ "$(wc -l < "$ENS_TMP/dump.4")" = 100 ] || fail "observer 4 holds $(wc -l < "$ENS_TMP/dump.4") records, not 100"
	echo "  leader $LEADER, observers 4 and 5: 100 records written through all five, the same log on each"
}

# An observer that falls behind, is cut off or dies never slows commits.
# With one voter far away (a second each way), the leader and the other
# voter are a quorum of the three voters: writes commit at their pace while
# both observers are cut off, and after one dies. Were the observers
# counted (five members, a quorum of three), every commit would wait for
# the far voter's two-second round trip.
test_observers_never_slow_commits() {
	local far near ms base limit=$((1500 * ZAB_TIME_SCALE))
	observers_setup 5 4 5
	zabd_start 1 2 3 4 5
	wait_formed 30 1 2 3 4 5
	set -- $(others "$LEADER" 1 2 3)
	far=$1
	near=$2
	base=$(writes_take_ms "$LEADER" base 20)
	nsx "zab$far" tc qdisc add dev eth0 root netem delay 1000ms
	tc qdisc add dev "veth$far" root netem delay 1000ms
	isolate 4
	isolate 5
	ms=$(writes_take_ms "$LEADER" cut 20)
	echo "  20 writes: $base ms; with voter $far a second away and both observers cut off: $ms ms"
	[ "$ms" -lt "$limit" ] || fail "20 writes took $ms ms: the observers held them up"
	zabd_crash 5
	ms=$(writes_take_ms "$near" dead 20)
	echo "  with observer 5 dead, 20 writes through voter $near: $ms ms"
	[ "$ms" -lt "$limit" ] || fail "20 writes took $ms ms after observer 5 died"
	[ "$(zst "$LEADER" state)" = 2 ] || fail "the leader lost its quorum"
	rejoin 4
	rejoin 5
	nsx "zab$far" tc qdisc del dev eth0 root
	tc qdisc del dev "veth$far" root
	settle "$ENS_TMP" "$LEADER" 1 2 3 4
	grep -q ' dead-19$' "$ENS_TMP/dump.4" || fail "observer 4 did not catch up"
}

# The observers count in no election: with two of three voters gone, the
# last voter and two observers elect no one, and nothing commits; a voter
# back makes a quorum again, and the observers follow its leader.
test_observers_elect_no_one() {
	local v rest
	observers_setup 5 4 5
	zabd_start 1 2 3 4 5
	wait_formed 30 1 2 3 4 5
	write_on "$ENS_TMP" a 5 1 4
	set -- $(others "$LEADER" 1 2 3)
	v=$1
	rest=$2
	zabd_crash "$LEADER"
	zabd_crash "$v"
	sleep $((4 * ZAB_TIME_SCALE))
	for i in "$rest" 4 5; do
		[ "$(zst "$i" state)" != 2 ] || fail "member $i leads with observers for a quorum"
		[ "$(zst "$i" state)" != 1 ] || fail "member $i follows with no quorum of voters"
	done
	zabd_start "$v"
	wait_formed 30 "$v" "$rest" 4 5
	case $LEADER in 4 | 5) fail "observer $LEADER leads" ;; esac
	write_on "$ENS_TMP" b 5 "$v" "$rest" 4 5
	settle "$ENS_TMP" "$LEADER" "$v" "$rest" 4 5
	echo "  two voters gone: no leader among voter $rest and observers 4, 5;" \
		"voter $v back: leader $LEADER in epoch $EPOCH, observers following"
}

# An observer cut off while the leader's window moves past what it holds
# comes back by SNAP, as a follower does.
test_observer_beyond_window() {
	local snaps first
	small_window_observers
	zabd_signal TERM 4
	"$ZABLOAD" write "/dev/zab/z$LEADER" fill 300 1000 > "$ENS_TMP/w.fill"
	! grep -q '^err' "$ENS_TMP/w.fill" || fail "writes failed: $(grep -m3 '^err' "$ENS_TMP/w.fill")"
	first=$(zst "$LEADER" window_first)
	[ "$((first))" -gt $((0x100000001)) ] || fail "the leader's window starts at $first"
	snaps=$(field_ns "zab$LEADER" "z$LEADER" sync_snap)
	zabd_start 4
	wait_formed 30 1 2 3 4
	[ "$(field_ns "zab$LEADER" "z$LEADER" sync_snap)" = $((snaps + 1)) ] ||
		fail "observer 4 was not synchronised by SNAP"
	[ "$(field_ns zab4 z4 observer)" = true ] || fail "member 4 came back not as an observer"
	write_on "$ENS_TMP" more 10 1 4
	converge_to "$LEADER" 1 2 3 4
	for i in "$LEADER" 4; do
		"$ZABLOAD" dump "/dev/zab/z$i" "$(zst "$i" window_first)" > "$ENS_TMP/dump.$i" ||
			fail "dump of z$i failed"
	done
	cmp -s "$ENS_TMP/dump.$LEADER" "$ENS_TMP/dump.4" ||
		fail "observer 4's window differs from the leader's: $(diff "$ENS_TMP/dump.$LEADER" "$ENS_TMP/dump.4" | head -5)"
	echo "  observer 4 came back after records up to $first left the leader's window: SNAP, then the leader's window"
}

# An observer is sent records only once committed: bursts of batched
# writes, whose commit point moves by up to the window at once, must not
# trim records from the leader's memory before the observer was sent them
# (it would be dropped as lagging and come back by SNAP, again and again).
test_observer_keeps_up_with_bursts() {
	local snaps downs pids=""
	small_window_observers
	snaps=$(field_ns "zab$LEADER" "z$LEADER" sync_snap)
	downs=$(field_ns "zab$LEADER" "z$LEADER" peer_downs)
	for i in 1 2 3 4; do
		ZABLOAD_BATCH=16 timeout $((60 * ZAB_TIME_SCALE)) \
			"$ZABLOAD" write "/dev/zab/z$i" "burst$i-" 320 1000 > "$ENS_TMP/w.burst$i" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	! grep -q '^err' "$ENS_TMP"/w.burst* || fail "writes failed: $(grep -h -m3 '^err' "$ENS_TMP"/w.burst*)"
	[ "$(cat "$ENS_TMP"/w.burst* | grep -c '^ok')" = 1280 ] ||
		fail "$(cat "$ENS_TMP"/w.burst* | grep -c '^ok') of 1280 writes acknowledged in $((60 * ZAB_TIME_SCALE)) s;" \
			"leader: $(nsx "zab$LEADER" "$ZABCTL" show "z$LEADER" -o commit_zxid,peers,peer_downs,sync_snap)"
	converge_to "$LEADER" 1 2 3 4
	formed_still 1 2 3 4
	[ "$(field_ns "zab$LEADER" "z$LEADER" peer_downs)" = "$downs" ] ||
		fail "the leader dropped a peer during the bursts"
	[ "$(field_ns "zab$LEADER" "z$LEADER" sync_snap)" = "$snaps" ] ||
		fail "observer 4 was synchronised by SNAP during the bursts"
	echo "  1,280 records of 1000 bytes in batches of 16 through every member, window 64K:" \
		"observer 4 kept up, never dropped"
}

# The observers' acknowledgments count in no commit and their echoes in no
# sync (ZAB_IOC_SYNC): a leader cut off from the other voters but not from
# its observers commits nothing more, answers no sync (it may be deposed),
# and stops leading.
test_observers_confirm_nothing() {
	local out wpid
	observers_setup 5 4 5
	zabd_start 1 2 3 4 5
	wait_formed 30 1 2 3 4 5
	write_on "$ENS_TMP" a 5 1
	"$DEVTEST" sync "/dev/zab/z$LEADER" 1 0 > /dev/null 2>&1 ||
		fail "a sync on the leader failed while all were connected"
	for i in $(others "$LEADER" 1 2 3); do
		isolate "$i"
	done
	"$ZABLOAD" write "/dev/zab/z$LEADER" lone 1 > "$ENS_TMP/w.lone" 2>&1 &
	wpid=$!
	out=$(timeout 30 "$DEVTEST" sync "/dev/zab/z$LEADER" 1 0 2>&1) &&
		fail "a sync on a leader cut off from every other voter returned: $out"
	wait "$wpid" || true
	! grep -q '^ok' "$ENS_TMP/w.lone" ||
		fail "a write committed with only observers acknowledging it: $(cat "$ENS_TMP/w.lone")"
	# nor does it go on leading with its observers for a quorum
	wait_for 10 not_leading "$LEADER" ||
		fail "leader $LEADER still leads with only its observers"
	echo "  leader $LEADER cut off from the voters, connected to the observers:" \
		"its write failed ($(head -c 60 "$ENS_TMP/w.lone")), its sync failed ($out), and it stopped leading"
}

# A member added as an observer becomes a voter by a change of every
# member's file and a restart of each in turn, itself first, the leader
# last (docs/zabd.md, "Observers"): writes go on throughout, nothing is
# lost, and afterwards the leader counts it among its voters.
test_observer_becomes_voter() {
	local n
	observers_setup 4 4
	zabd_start 1 2 3 4
	wait_formed 30 1 2 3 4
	writers_start 1 2 3 4
	for i in 1 2 3 4; do
		sed -i 's/^\(server\.4 = .*\):observer$/\1/' "$ENS_TMP/z$i.conf"
	done
	# itself first, the leader last
	for i in 4 $(others "$LEADER" 1 2 3) "$LEADER"; do
		zabd_signal TERM "$i"
		nsx "zab$i" "$ZABCTL" destroy "z$i" 2> /dev/null || true
		zabd_start "$i"
		wait_formed 60 1 2 3 4
		n=$(acked_count)
		wait_for 20 acked_at_least $((n + 1)) ||
			fail "no write committed after member $i restarted"
	done
	writers_stop
	[ "$(field_ns zab4 z4 observer)" = false ] || fail "member 4 still observes"
	[ "$(field_ns "zab$LEADER" "z$LEADER" observer_peers)" = 0 ] ||
		fail "the leader still counts an observer"
	settle "$ENS_TMP" "$LEADER" 1 2 3 4
	echo "  member 4 a voter after four restarts; $(acked_count) writes acknowledged, none lost"
}

zab_ksft_main "$@"
