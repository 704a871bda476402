#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input to the socket handover and from peers: clean errors, no crash.
# Attribute numbers: 1 name, 4 epoch, 5 leader, 6 last zxid, 14 peers,
# 18 fd, 20 members.
. "$(dirname "$0")/lib.sh"


test_handover_bad_sockets() {
	ENS_TMP=$(mktemp -d)
	ens_setup 1
	for kind in "udp:93" "tcp:107" "file:88"; do
		expect_fail "FOLLOW with a ${kind%:*} fd" nsx zab1 "$NLTEST" follow 1=str:z1 4=u32:1 5=u32:2 "18=fd:${kind%:*}"
		expect_match "error ${kind#*:}" "$OUT"
	done
	expect_fail "FOLLOW with fd 999" nsx zab1 "$NLTEST" follow 1=str:z1 4=u32:1 5=u32:2 18=s32:999
	expect_match 'error 9' "$OUT"
	expect_fail "FOLLOW itself" nsx zab1 "$NLTEST" follow 1=str:z1 4=u32:1 5=u32:1 18=fd:udp
	expect_match 'follow itself' "$OUT"
	expect_fail "LEAD without a quorum" nsx zab1 "$NLTEST" lead 1=str:z1 4=u32:1 20=u32:3
	expect_match 'quorum' "$OUT"
	expect_fail "LEAD without members" nsx zab1 "$NLTEST" lead 1=str:z1 4=u32:1
	expect_match 'ensemble size' "$OUT"
	expect_fail "LEAD with 16 members" nsx zab1 "$NLTEST" lead 1=str:z1 4=u32:1 20=u32:16
	expect_fail "LEAD epoch 0" nsx zab1 "$NLTEST" lead 1=str:z1 4=u32:0 20=u32:1
	[ "$(state_of z1)" = LOOKING ] || fail "z1 left LOOKING"
	# an ensemble of one leads alone, and commits alone
	nsx zab1 "$NLTEST" lead 1=str:z1 4=u32:1 20=u32:1 > /dev/null || fail "LEAD of one"
	[ "$(state_of z1)" = LEADING ] || fail "z1 not leading"
	expect_fail "double LEAD" nsx zab1 "$NLTEST" lead 1=str:z1 4=u32:2 20=u32:1
	expect_match 'error 16' "$OUT"
	out=$("$ZABLOAD" write /dev/zab/z1 solo 3)
	[ "$(grep -c '^ok' <<< "$out")" = 3 ] || fail "solo writes: $out"
	expect_fail "oversized write" "$DEVTEST" write /dev/zab/z1 $((1024 * 1024 + 1))
	expect_match EMSGSIZE "$OUT"
	expect_fail "empty write" "$DEVTEST" write /dev/zab/z1 0
	expect_match EINVAL "$OUT"
	nsx zab1 "$ZABBOOT" stop z1 > /dev/null
	expect_fail "LEAD a stale epoch" nsx zab1 "$NLTEST" lead 1=str:z1 4=u32:1 20=u32:1
	expect_match 'error 116' "$OUT"
	nsx zab1 "$NLTEST" lead 1=str:z1 4=u32:2 20=u32:1 > /dev/null || fail "LEAD epoch 2"
	out=$("$ZABLOAD" dump /dev/zab/z1)
	[ "$(wc -l <<< "$out")" = 3 ] || fail "records lost across epochs: $out"
	out=$("$ZABLOAD" write /dev/zab/z1 e2 1)
	expect_match '^ok 0x0000000200000001 ' "$out"
}

# rogue_lead HEX: z1 leads a 2-member ensemble whose follower is a shell that
# says hello, then sends the bytes HEX. The leader must drop it.
rogue_lead() {
	local epoch=$1 hex=$2
	nsx zab1 "$ZABBOOT" lead z1 "$epoch" 2 10.77.0.1 $ZAB_PORT 1 > "$ENS_TMP/lead" &
	local pid=$!
	rogue zab2 10.77.0.1 $ZAB_PORT 2 "$hex" &
	local rogue=$!
	wait $pid || fail "LEAD with the rogue: $(cat "$ENS_TMP/lead")"
	wait_for 5 sh -c "[ \"\$('$DEVTEST' status /dev/zab/z1 | grep state=)\" = state=0 ]" ||
		fail "leader kept the rogue after $hex"
	wait $rogue
}

test_rogue_peer_frames() {
	ENS_TMP=$(mktemp -d)
	ens_setup 2
	monitor_log=$ENS_TMP/events
	nsx_bg zab1 "$ZABCTL" monitor > "$monitor_log"
	mon=$NSX_PID
	epoch=1
	# garbage; a PROPOSAL from a follower; a REQUEST 4 GiB long; an ACK of
	# a zxid never sent; a PING with unknown flags; a zero-length REQUEST;
	# a SYNC answer from a follower; a SYNC question with a zxid; one
	# numbered 0 (numbers start at 1 and grow); a REPLY from a follower; a
	# REQUEST whose exactly-once header is cut short (a follower checks it)
	for hex in '\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef' \
		   '\x01\x00\x00\x00\x00\x00\x00\x19' \
		   '\x05\x00\x00\x00\xff\xff\xff\xff' \
		   '\x02\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00\x01\x00\x00\x00\x05' \
		   '\x04\x80\x00\x00\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x01' \
		   '\x05\x00\x00\x00\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x01' \
		   '\x08\x01\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00' \
		   '\x08\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01' \
		   '\x08\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' \
		   '\x09\x00\x00\x00\x00\x00\x00\x18\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00' \
		   '\x05\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00\x01\x00\x5a\x4f\x4e\x00\x00\x00\x00'; do
		rogue_lead $epoch "$hex"
		epoch=$((epoch + 1))
	done
	sleep 0.3
	kill $mon
	n=$(grep -c 'PEER_DOWN peer=2 reason=protocol' "$monitor_log" || true)
	[ "$n" = 11 ] || fail "expected 11 protocol errors, saw $n: $(cat "$monitor_log")"
	[ "$(field_ns zab1 z1 bad_frames)" = 11 ] || fail "bad_frames: $(field_ns zab1 z1 bad_frames)"
}

# A follower drops a leader whose PROPOSAL it must not take as soon as its
# head is in, before it allocates the payload or waits for it: one whose
# reserved field is set (its 2K payload never comes: before, the follower
# waited for it until syncLimit), one longer than the wire allows. It logs
# nothing.
test_rogue_leader_frames() {
	local epoch=1 hex n mon rogue
	ENS_TMP=$(mktemp -d)
	ens_setup 2
	nsx_bg zab2 "$ZABCTL" monitor > "$ENS_TMP/events"
	mon=$NSX_PID
	# listening once it reports an instance made after it started
	for n in $(seq 1 50); do
		nsx zab2 "$ZABCTL" create "probe$n" --id 1
		nsx zab2 "$ZABCTL" destroy "probe$n"
		! grep -q "^probe$n event=CREATED" "$ENS_TMP/events" || break
		sleep 0.1
	done
	grep -q "event=CREATED" "$ENS_TMP/events" || fail "the monitor reports nothing"
	# head (PROPOSAL, length), zxid (1,1), request id, origin, reserved;
	# a SYNC answer to a question never asked; a SYNC question from a leader;
	# a REPLY with an unknown status; a duplicate's REPLY without its zxid
	for hex in 0100000000000818000000010000000100000000000000000000000000000001 \
		   0100000001000019000000010000000100000000000000000000000000000000 \
		   080100000000001000000000000000010000000100000001 \
		   080000000000001000000000000000010000000000000000 \
		   0900000000000018000000000000000100000000000000000000000700000000 \
		   0900000000000018000000000000000100000000000000000000000000000000; do
		nsx zab1 "$ZABBOOT" rogue-lead 10.77.0.1 $ZAB_PORT "$hex" > "$ENS_TMP/rogue" &
		rogue=$!
		nsx zab2 "$ZABBOOT" follow z2 "$epoch" 2 1 10.77.0.1 $ZAB_PORT > /dev/null ||
			fail "z2 could not follow the rogue"
		wait "$rogue" || fail "rogue leader: $(cat "$ENS_TMP/rogue")"
		wait_for 5 sh -c "[ \"\$('$DEVTEST' status /dev/zab/z2 | grep state=)\" = state=0 ]" ||
			fail "z2 kept the rogue leader after $hex"
		[ "$(zst 2 last_zxid)" = 0x0 ] || fail "z2 logged $(zst 2 last_zxid) from the rogue"
		epoch=$((epoch + 1))
	done
	sleep 0.3
	kill $mon
	n=$(grep -c 'PEER_DOWN peer=1 reason=protocol' "$ENS_TMP/events" || true)
	[ "$n" = 6 ] || fail "expected 6 protocol errors, saw $n: $(cat "$ENS_TMP/events")"
	[ "$(field_ns zab2 z2 bad_frames)" = 6 ] || fail "bad_frames: $(field_ns zab2 z2 bad_frames)"
}

test_stop_while_writers_wait() {
	ENS_TMP=$(mktemp -d)
	ens_setup 3 2000		# slow ticks: only STOP ends the wait
	ens_boot 3 1 1
	ip link set veth2 down
	ip link set veth3 down
	"$ZABLOAD" write /dev/zab/z1 waiting 1 > "$ENS_TMP/w" &
	w=$!
	sleep 1
	kill -0 $w 2>/dev/null || fail "the write did not wait for a quorum: $(cat "$ENS_TMP/w")"
	nsx zab1 "$ZABBOOT" stop z1 > /dev/null
	wait_for 3 sh -c "! kill -0 $w 2>/dev/null" || fail "writer still waits after STOP"
	grep -q '^err ECONNRESET' "$ENS_TMP/w" || fail "writer got: $(cat "$ENS_TMP/w")"
	# destroying a leader with blocked writers and live peers is clean too
	ip link set veth2 up
	ip link set veth3 up
	nsx zab1 "$ZABCTL" destroy z1
}

# The kernel owns a handed-over socket: a process that kept its fd can no
# longer read, write, reconfigure, disconnect, bind, listen on it or set
# its receive low-water mark, nor hand it to another instance (before: a
# read took bytes of the stream, a write put garbage in it, TCP_ULP could
# swap its protocol, and connect(AF_UNSPEC) then listen() cloned the
# peer's callbacks into accepted sockets, to run after it was freed).
test_handed_over_socket_refused() {
	local pid
	ENS_TMP=$(mktemp -d)
	ens_setup 2
	# a second instance in the same namespace, handed the same socket
	nsx zab1 "$ZABCTL" create z1b --id 3 || fail "cannot create z1b"
	ZABBOOT_STEAL=1 ZABBOOT_SECOND=z1b nsx zab1 "$ZABBOOT" lead z1 1 2 10.77.0.1 $ZAB_PORT 1 \
		> "$ENS_TMP/boot" 2>&1 &
	pid=$!
	nsx zab2 "$ZABBOOT" follow z2 1 2 1 10.77.0.1 $ZAB_PORT > /dev/null ||
		fail "z2 could not follow"
	wait $pid || fail "leader: $(cat "$ENS_TMP/boot")"
	echo "  the leader's process on its handed-over socket: $(sed -n 2p "$ENS_TMP/boot")"
	grep -qx "recv EBUSY send EBUSY setsockopt EBUSY connect EBUSY listen EBUSY bind EBUSY rcvlowat EBUSY" "$ENS_TMP/boot" ||
		fail "the handed-over socket was usable: $(cat "$ENS_TMP/boot")"
	grep -q "^second: error 16: .*peer socket has another owner" "$ENS_TMP/boot" ||
		fail "another instance took the handed-over socket: $(cat "$ENS_TMP/boot")"
	[ "$(state_of z1b)" = LOOKING ] || fail "z1b is $(state_of z1b)"
	"$ZABLOAD" write /dev/zab/z1 after 3 > "$ENS_TMP/w"
	[ "$(grep -c '^ok' "$ENS_TMP/w")" = 3 ] || fail "writes after: $(cat "$ENS_TMP/w")"
	[ "$(field_ns zab2 z2 bad_frames)" = 0 ] || fail "z2 saw $(field_ns zab2 z2 bad_frames) bad frames"
	[ "$(state_of z2)" = FOLLOWING ] || fail "z2 is $(state_of z2)"
}

# Stopped, the instance gives the socket back: the process that kept its
# fd may use it again (nothing refused with EBUSY; the kernel shut it
# down, so the follower's end reads the end of the stream), and the
# follower sees its leader gone.
test_socket_given_back_on_stop() {
	local pid rc lrc
	ENS_TMP=$(mktemp -d)
	ens_setup 2
	# the leader stops once told, after z2 follows (a line on its stdin;
	# the fifo held open both ways: no open blocks, no write fails)
	mkfifo "$ENS_TMP/go"
	exec 7<> "$ENS_TMP/go"
	ZABBOOT_AFTER=1 nsx zab1 "$ZABBOOT" lead z1 1 2 10.77.0.1 $ZAB_PORT 1 \
		< "$ENS_TMP/go" > "$ENS_TMP/boot" 2>&1 &
	pid=$!
	nsx zab2 "$ZABBOOT" follow z2 1 2 1 10.77.0.1 $ZAB_PORT > "$ENS_TMP/follow" 2>&1
	rc=$?
	echo go >&7
	wait $pid
	lrc=$?
	exec 7>&-
	[ "$rc" = 0 ] || fail "z2 could not follow: $(cat "$ENS_TMP/follow")"
	[ "$lrc" = 0 ] || fail "leader: $(cat "$ENS_TMP/boot")"
	grep -q "^stop: ok" "$ENS_TMP/boot" || fail "z1 did not stop: $(cat "$ENS_TMP/boot")"
	echo "  the process on the socket given back: $(grep '^after:' "$ENS_TMP/boot")"
	grep -Eq "^after: recv ok rcvlowat ok listen (Invalid argument|ok)$" "$ENS_TMP/boot" ||
		fail "the socket was not given back: $(cat "$ENS_TMP/boot")"
	[ "$(state_of z1)" = LOOKING ] || fail "z1 is $(state_of z1)"
	z2_looking() { [ "$(state_of z2)" = LOOKING ]; }
	wait_for 10 z2_looking || fail "z2 is still $(state_of z2) after its leader stopped"
}

# mem_available: the kernel's MemAvailable, in bytes.
mem_available() {
	echo $(($(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo) * 1024))
}

# watch_flood PID NS NAME: while PID runs, the peak of NAME's pending_bytes
# (PEAK) and the lowest MemAvailable (LOW), every 50 ms (ZAB_POLL on a
# slower kernel: a look there costs the flood the CPU it needs).
watch_flood() {
	local p m every=0.05
	[ "$ZAB_TIME_SCALE" = 1 ] || every=$ZAB_POLL
	PEAK=0
	LOW=$(mem_available)
	while kill -0 "$1" 2> /dev/null; do
		p=$(field_ns "$2" "$3" pending_bytes)
		[ "$p" -le "$PEAK" ] || PEAK=$p
		m=$(mem_available)
		[ "$m" -ge "$LOW" ] || LOW=$m
		sleep "$every"
	done
}

# A hostile member floods its leader with 1 MiB REQUESTs and never
# acknowledges, with the third member down: nothing commits, and before
# the uncommitted budget the leader logged every REQUEST until the
# follower's ACK timeout (hundreds of MiB, or the OOM killer). Now it drops
# the member at the first REQUEST past what honest members can have
# pending (twice windowBytes plus two records per member), before that
# record is allocated; an honest ensemble then commits again.
test_request_flood_bounded() {
	local win=$((4 << 20)) rec=$((1 << 20)) base fl pid bound mon
	local secs=$((60 * ZAB_TIME_SCALE))
	bound=$((2 * (win + 3 * (rec + 4096))))
	ENS_TMP=$(mktemp -d)
	ens_setup 3
	# only the budget may drop the flooder: its silence (no ACK) is
	# tolerated for longer than the flood lasts
	nsx zab1 "$ZABCTL" set z1 windowBytes $win tickTime 1000 \
		syncLimit $((2 * secs)) initLimit $((2 * secs))
	nsx_bg zab1 "$ZABCTL" monitor z1 > "$ENS_TMP/events"
	mon=$NSX_PID
	base=$(mem_available)
	nsx zab1 "$ZABBOOT" lead z1 1 3 10.77.0.1 $ZAB_PORT 1 > "$ENS_TMP/boot" 2>&1 &
	pid=$!
	nsx zab2 "$ZABBOOT" flood-requests 2 10.77.0.1 $ZAB_PORT $secs $rec > "$ENS_TMP/flood" &
	fl=$!
	wait $pid || fail "leader: $(cat "$ENS_TMP/boot")"
	watch_flood $fl zab1 z1
	wait $fl || fail "flood: $(cat "$ENS_TMP/flood")"
	echo "  $(head -n 1 "$ENS_TMP/flood"); leader's pending peak $PEAK bytes" \
		"(bound $bound), MemAvailable fell by $(((base - LOW) >> 10)) KiB," \
		"over_budget $(field_ns zab1 z1 over_budget)"
	[ "$PEAK" -le $bound ] ||
		fail "the leader held $PEAK uncommitted bytes, over $bound"
	[ $((base - LOW)) -le $((bound + (32 << 20))) ] ||
		fail "MemAvailable fell by $((base - LOW)) bytes during the flood"
	[ "$(field_ns zab1 z1 over_budget)" -ge 1 ] || fail "over_budget not counted"
	grep -q "PEER_DOWN peer=2 reason=over_budget" "$ENS_TMP/events" ||
		fail "no PEER_DOWN over_budget: $(cat "$ENS_TMP/events")"
	kill $mon
	wait_for 10 sh -c "[ \"\$('$DEVTEST' status /dev/zab/z1 | grep state=)\" = state=0 ]" ||
		fail "the leader kept the flooding member"
	# the flood is over: an honest member joins, and writes commit
	ens_boot 3 1 2 1 2
	"$ZABLOAD" write /dev/zab/z1 after 1 > "$ENS_TMP/w"
	grep -q '^ok' "$ENS_TMP/w" || fail "no commit after the flood: $(cat "$ENS_TMP/w")"
}

# A hostile leader floods a follower with PROPOSALs and never commits: the
# follower drops it at the first one past its budget (the leader's, plus a
# record per member; FOLLOW names the ensemble's size, 2, as zabd does),
# before that record is allocated (before: it logged all of them).
test_proposal_flood_bounded() {
	local win=$((4 << 20)) rec=$((1 << 20)) fl bound
	local secs=$((60 * ZAB_TIME_SCALE))
	bound=$((2 * (win + 2 * (rec + 4096)) + 2 * (rec + 4096)))
	ENS_TMP=$(mktemp -d)
	ens_setup 2
	# only the budget may drop the flooding leader, not a timeout
	nsx zab2 "$ZABCTL" set z2 windowBytes $win tickTime 1000 \
		syncLimit $((2 * secs)) initLimit $((2 * secs))
	nsx zab1 "$ZABBOOT" flood-proposals 10.77.0.1 2999 $secs $rec 1 > "$ENS_TMP/flood" &
	fl=$!
	nsx zab2 "$ZABBOOT" follow z2 1 2 1 10.77.0.1 2999 2 > /dev/null ||
		fail "z2 could not follow the flooding leader"
	watch_flood $fl zab2 z2
	wait $fl || fail "flood: $(cat "$ENS_TMP/flood")"
	echo "  $(head -n 1 "$ENS_TMP/flood"); follower's pending peak $PEAK bytes" \
		"(bound $bound), over_budget $(field_ns zab2 z2 over_budget)"
	[ "$PEAK" -le $bound ] || fail "the follower held $PEAK uncommitted bytes, over $bound"
	[ "$(field_ns zab2 z2 over_budget)" -ge 1 ] || fail "over_budget not counted"
	wait_for 10 sh -c "[ \"\$('$DEVTEST' status /dev/zab/z2 | grep state=)\" = state=0 ]" ||
		fail "the follower kept the flooding leader"
}

# The wire, fuzzed: frames made from a seed (zabboot fuzz-leader,
# fuzz-follower: plausible ones with fields mutated, wild ones, a stream cut
# mid-frame) at a leader from a member's address, ZAB_FUZZ_ROUNDS
# connections of 200 frames, each handed over with ADD_FOLLOWER, while an
# honest follower commits writes. No kernel report (the harness checks the
# log), the fuzzer dropped for what it sent, and the leader leads on: its
# writes commit through the honest follower. ZAB_FUZZ_SEED replays a run.
test_wire_fuzz_at_leader() {
	local rounds=${ZAB_FUZZ_ROUNDS:-30} seed=${ZAB_FUZZ_SEED:-$(date +%s)} i
	ENS_TMP=$(mktemp -d)
	echo "  seed $seed (ZAB_FUZZ_SEED=$seed replays it), $rounds connections"
	ens_setup 3
	ens_boot 3 1 1 1 3
	"$ZABLOAD" write /dev/zab/z1 before 5 > "$ENS_TMP/w" &
	for i in $(seq 1 "$rounds"); do
		nsx zab1 "$ZABBOOT" add z1 10.77.0.1 2889 > "$ENS_TMP/add" 2>&1 &
		nsx zab2 "$ZABBOOT" fuzz-leader 2 10.77.0.1 2889 $((seed + i)) 200 \
			>> "$ENS_TMP/fuzz" 2>&1 || fail "round $i: $(tail -n 2 "$ENS_TMP/fuzz")"
		wait $! || fail "round $i: ADD_FOLLOWER: $(cat "$ENS_TMP/add")"
		# the fuzzer's connection is gone before the next one
		wait_for 10 sh -c "[ \$(nsenter --net=/run/netns/zab1 '$ZABCTL' show z1 --json | jq '.peers | length') = 1 ]" ||
			fail "round $i (seed $((seed + i))): the fuzzer's connection outlived it"
		[ "$(state_of z1)" = LEADING ] || fail "round $i (seed $((seed + i))): z1 is $(state_of z1)"
	done
	wait
	[ "$(grep -c '^ok' "$ENS_TMP/w")" = 5 ] || fail "writes during the fuzzing: $(cat "$ENS_TMP/w")"
	"$ZABLOAD" write /dev/zab/z1 after 5 > "$ENS_TMP/w2"
	[ "$(grep -c '^ok' "$ENS_TMP/w2")" = 5 ] || fail "writes after the fuzzing: $(cat "$ENS_TMP/w2")"
	echo "  $(grep -c '^sent' "$ENS_TMP/fuzz") connections, $(grep -c '^closed' "$ENS_TMP/fuzz") closed by the leader;" \
		"bad_frames $(field_ns zab1 z1 bad_frames), peer_downs $(field_ns zab1 z1 peer_downs)"
	[ "$(field_ns zab1 z1 bad_frames)" -ge 1 ] || fail "no bad frame counted"
}

# The same at a follower: the fuzzer plays its leader, in a new epoch each
# connection (FOLLOW hands it over). The follower drops it and follows
# again, round after round, its commit point never past its last zxid.
test_wire_fuzz_at_follower() {
	local rounds=${ZAB_FUZZ_ROUNDS:-30} seed=${ZAB_FUZZ_SEED:-$(date +%s)} i fl
	ENS_TMP=$(mktemp -d)
	echo "  seed $seed (ZAB_FUZZ_SEED=$seed replays it), $rounds connections"
	ens_setup 2
	for i in $(seq 1 "$rounds"); do
		nsx zab1 "$ZABBOOT" fuzz-follower 10.77.0.1 2999 $((seed + i)) 200 "$i" \
			>> "$ENS_TMP/fuzz" 2>&1 &
		fl=$!
		nsx zab2 "$ZABBOOT" follow z2 "$i" 2 1 10.77.0.1 2999 > "$ENS_TMP/follow" 2>&1 ||
			fail "round $i: FOLLOW: $(cat "$ENS_TMP/follow")"
		wait $fl || fail "round $i: $(tail -n 2 "$ENS_TMP/fuzz")"
		wait_state 10 LOOKING z2
	done
	[ "$(printf '%d' "$(zst 2 commit_zxid)")" -le "$(printf '%d' "$(zst 2 last_zxid)")" ] ||
		fail "z2 committed $(zst 2 commit_zxid) past its last zxid $(zst 2 last_zxid)"
	echo "  $(grep -c '^sent' "$ENS_TMP/fuzz") connections; the follower logged up to" \
		"$(field_ns zab2 z2 last_zxid), committed $(field_ns zab2 z2 commit_zxid)" \
		"; bad_frames $(field_ns zab2 z2 bad_frames)"
	[ "$(field_ns zab2 z2 bad_frames)" -ge 1 ] || fail "no bad frame counted"
}

zab_ksft_main "$@"
