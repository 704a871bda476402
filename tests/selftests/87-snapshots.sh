#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Snapshots and purge: zabd snapshots the log every snapCount records,
# compacted by key, keeps snapRetainCount of them and the segments they
# need, so disk use stays bounded; readers from zxid 0 get the last value
# of every key; a snapshot that does not check is set aside at restart and
# the one before it used. Members live in namespaces zabI (ens_net);
# dataDir $ENS_TMP/dataI.
. "$(dirname "$0")/lib.sh"

KEYS=40

# snap_setup N: zabd_setup with small segments and frequent snapshots.
snap_setup() {
	zabd_setup "$1"
	for i in $(seq 1 "$1"); do
		printf 'segmentBytes = 64K\nsnapCount = 200\nsnapRetainCount = 2\nwindowBytes = 64K\nmaxRecordSize = 1K\n' \
			>> "$ENS_TMP/z$i.conf"
	done
}

# snap_ensemble: three members formed; $FOLLOWER is one of the followers.
snap_ensemble() {
	snap_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	set -- $(others "$LEADER" 1 2 3)
	FOLLOWER=$1
}

# put_keys FROM TO: keyed records kN=VALUE for record numbers FROM..TO, N
# the number modulo KEYS, the value 300 bytes ending with the number; every
# 7th is a deletion of its key instead. Through the leader, one by one.
put_keys() {
	local pad
	pad=$(head -c 290 /dev/zero | tr '\0' v)
	for m in $(seq "$1" "$2"); do
		if [ $((m % 7)) = 0 ]; then
			echo "k$((m % KEYS))="
		else
			echo "k$((m % KEYS))=$pad-$m"
		fi
	done > "$ENS_TMP/puts"
	nsx "zab$LEADER" "$ZABCTL" append --kv "z$LEADER" < "$ENS_TMP/puts" > "$ENS_TMP/put.out" ||
		fail "append --kv failed: $(tail -n 2 "$ENS_TMP/put.out")"
}

# expected_state FROM TO: the last value of each key after put_keys, as
# KEY=SUFFIX lines sorted (deleted keys absent).
expected_state() {
	for m in $(seq "$1" "$2"); do
		if [ $((m % 7)) = 0 ]; then
			echo "k$((m % KEYS))"
		else
			echo "k$((m % KEYS)) $m"
		fi
	done | awk '{ last[$1] = $2 } END { for (k in last) if (last[k] != "") print k "=" last[k] }' | sort
}

# state_of_member I: the state member I's readers rebuild from zxid 0.
state_of_member() {
	nsx "zab$1" "$ZABCTL" tail "z$1" --from 0 > "$ENS_TMP/tail.$1" ||
		fail "zabctl tail z$1 --from 0 failed: $(tail -n 2 "$ENS_TMP/tail.$1")"
	sed -n 's/^0x[0-9a-f]*\t\\x00ZKV\\x00\\x0[0-9a-f]\\x00\\x00\(k[0-9]*\)\(v*-\([0-9]*\)\)\{0,1\}$/\1 \3/p' "$ENS_TMP/tail.$1" |
		awk '{ last[$1] = $2 } END { for (k in last) if (last[k] != "") print k "=" last[k] }' | sort
}

snapshots_of() {
	ls "$ENS_TMP/data$1" | grep -c '^snap\.[0-9a-f]\{16\}$'
}

segments_of() {
	ls "$ENS_TMP/data$1" | grep -c '^log\.[0-9a-f.]*$'
}

log_bytes_of() {
	cat "$ENS_TMP/data$1"/log.* 2> /dev/null | wc -c
}

# purged I: member I's zabd purged snapshots and segments at least once.
purged() {
	grep -q 'purged .*: [0-9]* snapshots and [1-9][0-9]* segments' "$ENS_TMP/zabd.$1.log"
}

test_snapshots_bound_disk() {
	snap_ensemble
	# in batches: zabd looks once a second, and a batch may take less
	for b in 0 1 2 3 4; do
		put_keys $((b * 300 + 1)) $((b * 300 + 300))
		sleep 1.5
	done
	converge_to "$LEADER" 1 2 3
	for i in 1 2 3; do
		wait_for 20 purged "$i" || fail "member $i purged nothing: $(grep -i 'snap\|purge' "$ENS_TMP/zabd.$i.log" | tail -n 3)"
	done
	written=$((5 * $(wc -c < "$ENS_TMP/puts")))
	expected_state 1 1500 > "$ENS_TMP/expect"
	for i in 1 2 3; do
		s=$(snapshots_of "$i")
		[ "$s" -ge 1 ] && [ "$s" -le 2 ] || fail "member $i keeps $s snapshots, not 1 or 2"
		b=$(log_bytes_of "$i")
		# the records after the older of the 2 snapshots kept
		# (snapRetainCount): up to 2 x snapCount 200 between them and
		# since, and up to 200 more before zabd's next look, so 600 of
		# the 1500 written, plus the rest of the 64K segment the older
		# snapshot's point falls in
		[ "$b" -lt $((written * 600 / 1500 + 65536)) ] ||
			fail "member $i keeps $b bytes of segments of $written written"
		state_of_member "$i" > "$ENS_TMP/state.$i"
		cmp -s "$ENS_TMP/state.$i" "$ENS_TMP/expect" ||
			fail "member $i's state from zxid 0 differs: $(diff "$ENS_TMP/state.$i" "$ENS_TMP/expect" | head -n 4)"
		echo "  member $i: $(grep -c 'snapshot .* records kept' "$ENS_TMP/zabd.$i.log") snapshots taken, $s kept, $(segments_of "$i") segments ($b bytes) for $written bytes written; $(wc -l < "$ENS_TMP/tail.$i") records from zxid 0 give the $(wc -l < "$ENS_TMP/expect") live keys"
		[ "$(grep -c 'snapshot .* records kept' "$ENS_TMP/zabd.$i.log")" -ge 3 ] ||
			fail "member $i took fewer than 3 snapshots"
	done
	grep -h 'snapshot .* records kept' "$ENS_TMP"/zabd.*.log | tail -n 1 | sed 's/^/  /'
	# zabctl snapshot: nothing new to take, then one more after writes
	nsx "zab$LEADER" "$ZABCTL" snapshot "z$LEADER" > "$ENS_TMP/snap.out" 2>&1 ||
		fail "zabctl snapshot failed: $(cat "$ENS_TMP/snap.out")"
	put_keys 1501 1510
	nsx "zab$LEADER" "$ZABCTL" snapshot "z$LEADER" > "$ENS_TMP/snap.out" 2>&1 ||
		fail "zabctl snapshot failed: $(cat "$ENS_TMP/snap.out")"
	grep -q "snap\.[0-9a-f]\{16\}	zxid 0x[0-9a-f]\{16\}	[0-9]* of [0-9]* records	[0-9]* bytes" "$ENS_TMP/snap.out" ||
		fail "zabctl snapshot printed: $(cat "$ENS_TMP/snap.out")"
	echo "  zabctl snapshot: $(cat "$ENS_TMP/snap.out")"
	# zabd purges back to snapRetainCount
	wait_for 10 snapshots_at_most "$LEADER" 2 ||
		fail "the leader keeps $(snapshots_of "$LEADER") snapshots after zabctl snapshot"
	expect_fail "unknown instance" nsx "zab$LEADER" "$ZABCTL" snapshot nosuch
}

snapshots_at_most() {
	[ "$(snapshots_of "$1")" -le "$2" ]
}

newest_snap() {
	ls "$ENS_TMP/data$1" | grep '^snap\.[0-9a-f]\{16\}$' | sort | tail -n 1
}

newer_snap() {
	[ "$(newest_snap "$1")" != "$2" ]
}

test_snapshot_bad_checksum() {
	snap_ensemble
	f=$FOLLOWER
	# two snapshots on member f, at 350 and 700 records
	put_keys 1 350
	wait_for 20 newer_snap "$f" "" || fail "member $f took no snapshot"
	first=$(newest_snap "$f")
	put_keys 351 700
	wait_for 20 newer_snap "$f" "$first" || fail "member $f took no second snapshot"
	converge_to "$LEADER" 1 2 3
	wait_for 20 snapshots_at_most "$f" 2 || fail "member $f keeps $(snapshots_of "$f") snapshots"
	[ "$(snapshots_of "$f")" = 2 ] || fail "member $f has $(snapshots_of "$f") snapshots, not 2"
	zabd_signal KILL "$f"
	nsx "zab$f" "$ZABCTL" destroy "z$f"
	newest=$(newest_snap "$f")
	size=$(stat -c %s "$ENS_TMP/data$f/$newest")
	printf 'X' | dd of="$ENS_TMP/data$f/$newest" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
	zabd_start "$f"
	wait_formed 30 1 2 3
	grep -q "$newest .*set aside as $newest.corrupt" "$ENS_TMP/zabd.$f.log" ||
		fail "no log line about $newest: $(grep -i snap "$ENS_TMP/zabd.$f.log" | tail -n 3)"
	grep "$newest" "$ENS_TMP/zabd.$f.log" | head -n 1 | sed 's/^/  /'
	put_keys 701 720
	converge_to "$LEADER" 1 2 3
	expected_state 1 720 > "$ENS_TMP/expect"
	state_of_member "$f" > "$ENS_TMP/state.$f"
	cmp -s "$ENS_TMP/state.$f" "$ENS_TMP/expect" ||
		fail "member $f's state from zxid 0 differs: $(diff "$ENS_TMP/state.$f" "$ENS_TMP/expect" | head -n 4)"
	echo "  member $f: the state from zxid 0 is the leader's ($(wc -l < "$ENS_TMP/expect") keys) with the older snapshot"
}


installed_from_leader() {
	grep -q "installed .*/snap\.[0-9a-f]* from leader" "$ENS_TMP/zabd.$1.log"
}

# two_past_the_window: members 1 and 2 of three formed, 900 keyed records
# through them, in three batches that take snapshots and move the leader's
# window past the first record; member 3 not started.
two_past_the_window() {
	snap_setup 3
	zabd_start 1 2
	wait_formed 20 1 2
	for b in 0 1 2; do
		put_keys $((b * 300 + 1)) $((b * 300 + 300))
		sleep 1.5
	done
	converge_to "$LEADER" 1 2
}

# A member that joins late, after the leader's window moved on, takes a
# SNAP of the window, then fetches the leader's snapshot for what came
# before: its readers from zxid 0 see what everyone else's see.
test_late_joiner_gets_snapshot() {
	two_past_the_window
	[ "$(zst "$LEADER" window_first)" != 0x100000001 ] ||
		fail "the leader's window still starts at the first record"
	zabd_start 3
	wait_formed 30 1 2 3
	[ "$(field_ns "zab$LEADER" "z$LEADER" sync_snap)" -ge 1 ] ||
		fail "member 3 was not synchronised by SNAP (sync_snap $(field_ns "zab$LEADER" "z$LEADER" sync_snap))"
	wait_for 20 installed_from_leader 3 ||
		fail "member 3 installed no snapshot: $(grep -i 'snap' "$ENS_TMP/zabd.3.log" | tail -n 3)"
	grep -h "installed .*from leader\|: sent snap\." "$ENS_TMP"/zabd.*.log | sed "s/^/  /"
	# the fetch's progress: its records counted as they came, all received
	grep -Eq 'fetching a snapshot: [1-9][0-9]* records, .* of .* \(100%\), .*/s: done in [0-9.]+ s$' "$ENS_TMP/zabd.3.log" ||
		fail "member 3: no progress of the fetch: $(grep 'fetching' "$ENS_TMP/zabd.3.log")"
	grep -h 'fetching a snapshot' "$ENS_TMP/zabd.3.log" | sed 's/^/  /'
	put_keys 901 950
	converge_to "$LEADER" 1 2 3
	expected_state 1 950 > "$ENS_TMP/expect"
	for i in "$LEADER" 3; do
		state_of_member "$i" > "$ENS_TMP/state.$i"
		cmp -s "$ENS_TMP/state.$i" "$ENS_TMP/expect" ||
			fail "member $i's state from zxid 0 differs: $(diff "$ENS_TMP/state.$i" "$ENS_TMP/expect" | head -n 4)"
	done
	echo "  member 3 (window from $(zst 3 window_first)): from zxid 0, $(wc -l < "$ENS_TMP/tail.3") records give the leader's $(wc -l < "$ENS_TMP/expect") live keys"
}

# A follower cut off while the others go on past the leader's window takes
# a SNAP when it is back, without a restart of its zabd: it sees the SNAP
# (the kernel counts it) and fetches the leader's snapshot.
test_partitioned_follower_fetches() {
	snap_ensemble
	f=$FOLLOWER
	put_keys 1 100
	converge_to "$LEADER" 1 2 3
	ip link set "veth$f" down
	for b in 0 1 2; do
		put_keys $((b * 300 + 101)) $((b * 300 + 400))
		sleep 1.5
	done
	ip link set "veth$f" up
	wait_for 60 installed_from_leader "$f" ||
		fail "member $f installed no snapshot: $(grep -i 'snap' "$ENS_TMP/zabd.$f.log" | tail -n 3)"
	[ "$(field_ns "zab$f" "z$f" sync_snap)" -ge 1 ] ||
		fail "member $f counts no SNAP (sync_snap $(field_ns "zab$f" "z$f" sync_snap))"
	grep -h "installed .*from leader" "$ENS_TMP/zabd.$f.log" | sed "s/^/  /"
	converge_to "$LEADER" 1 2 3
	expected_state 1 1000 > "$ENS_TMP/expect"
	state_of_member "$f" > "$ENS_TMP/state.$f"
	cmp -s "$ENS_TMP/state.$f" "$ENS_TMP/expect" ||
		fail "member $f's state from zxid 0 differs: $(diff "$ENS_TMP/state.$f" "$ENS_TMP/expect" | head -n 4)"
}

# A member synchronised by SNAP that is elected leader before it fetched
# the snapshot of what came before (here: the one it fetched is removed
# while it is down) fetches one from the other members, as leader: its
# history from zxid 0 is whole again, and a member it synchronises by SNAP
# gets a snapshot from it, where it had none to give.
test_leader_fetches_its_gap() {
	local first
	two_past_the_window
	zabd_start 3
	wait_formed 30 1 2 3
	wait_for 20 installed_from_leader 3 ||
		fail "member 3 installed no snapshot: $(grep -i 'snap' "$ENS_TMP/zabd.3.log" | tail -n 3)"
	converge_to "$LEADER" 1 2 3
	first=$LEADER
	# member 3 down, its fetched snapshot gone: its log starts at the SNAP
	# (the RESET in its first segment, which no purge removed)
	! purged 3 || fail "member 3 purged its log: the segment with the SNAP's RESET may be gone"
	zabd_crash 3
	rm -f "$ENS_TMP"/data3/snap.*
	# the leader down too, and member 3 elected (ids break the tie)
	zabd_crash "$first"
	zabd_start 3
	set -- $(others "$first" 1 2)
	wait_formed 30 "$1" 3
	[ "$LEADER" = 3 ] || fail "member $LEADER leads, not member 3"
	wait_for 40 grep -q "installed .*/snap\.[0-9a-f]* from member" "$ENS_TMP/zabd.3.log" ||
		fail "leader 3 fetched no snapshot: $(grep -i 'snap' "$ENS_TMP/zabd.3.log" | tail -n 3)"
	grep -h "installed .*from member" "$ENS_TMP/zabd.3.log" | sed "s/^/  /"
	expected_state 1 900 > "$ENS_TMP/expect"
	state_of_member 3 > "$ENS_TMP/state.3"
	cmp -s "$ENS_TMP/state.3" "$ENS_TMP/expect" ||
		fail "leader 3's state from zxid 0 differs: $(diff "$ENS_TMP/state.3" "$ENS_TMP/expect" | head -n 4)"
	# the old leader back with an empty disk: a SNAP, and a snapshot from 3
	rm -rf "$ENS_TMP/data$first"
	mkdir "$ENS_TMP/data$first"
	zabd_start "$first"
	wait_formed 30 1 2 3
	wait_for 30 installed_from_leader "$first" ||
		fail "member $first installed no snapshot from leader 3: $(grep -i 'snap' "$ENS_TMP/zabd.$first.log" | tail -n 3)"
	state_of_member "$first" > "$ENS_TMP/state.$first"
	cmp -s "$ENS_TMP/state.$first" "$ENS_TMP/expect" ||
		fail "member $first's state from zxid 0 differs: $(diff "$ENS_TMP/state.$first" "$ENS_TMP/expect" | head -n 4)"
	echo "  leader 3, elected with its history starting at a SNAP and no snapshot," \
		"fetched one from a follower; member $first, emptied, got a SNAP and 3's snapshot"
}

zab_ksft_main "$@"
