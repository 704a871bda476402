# SPDX-License-Identifier: GPL-2.0
# The broadcast path: members in network namespaces, a fixed leader.

setup_tmp() {
	ENS_TMP=$(mktemp -d)
}

# write_all DIR COUNT MEMBERS...: two concurrent writers on every member.
write_all() {
	local dir=$1 count=$2 i w pids=""
	shift 2
	for i in "$@"; do
		for w in 1 2; do
			"$ZABLOAD" write "/dev/zab/z$i" "m${i}w$w" "$count" > "$dir/w.$i.$w" &
			pids="$pids $!"
		done
	done
	# shellcheck disable=SC2086
	wait $pids
}

# converge MEMBERS...: every member's commit point reaches the leader's.
converge() {
	local target i
	target=$(commit_of z1)
	for i in "$@"; do
		"$ZABLOAD" wait "/dev/zab/z$i" "$target" 10 || fail "z$i did not reach $target"
	done
}

ensemble_run() {
	local n=$1 count=$2
	setup_tmp
	ens_setup "$n"
	ens_boot "$n" 1 1
	[ "$(state_of z1)" = LEADING ] || fail "z1 is not leading"
	for i in $(seq 2 "$n"); do
		[ "$(state_of "z$i")" = FOLLOWING ] || fail "z$i is not following"
	done
	write_all "$ENS_TMP" "$count" $(seq 1 "$n")
	! grep -q '^err' "$ENS_TMP"/w.* || fail "writes failed: $(grep -h '^err' "$ENS_TMP"/w.* | head -3)"
	converge $(seq 1 "$n")
	dump_all "$ENS_TMP" $(seq 1 "$n")
	check_logs "$ENS_TMP" $(seq 1 "$n")
	[ "$(wc -l < "$ENS_TMP/dump.1")" = $((n * 2 * count)) ] || fail "expected $((n * 2 * count)) records"
}

test_three_members() {
	ensemble_run 3 200
}

test_five_members() {
	ensemble_run 5 100
}

# monitor_start NS: log zab events of namespace NS to $ENS_TMP/events.NS.
monitor_start() {
	nsx "$1" "$ZABCTL" monitor > "$ENS_TMP/events.$1" 2>&1 &
	MONITORS="${MONITORS:-} $!"
	sleep 0.3
}

monitor_stop() {
	# shellcheck disable=SC2086
	[ -z "${MONITORS:-}" ] || kill $MONITORS 2>/dev/null
	MONITORS=""
}

test_follower_destroyed() {
	setup_tmp
	ens_setup 3
	ens_boot 3 1 1
	monitor_start zab1
	"$ZABLOAD" write /dev/zab/z1 m1 300 > "$ENS_TMP/w.1" &
	p1=$!
	"$ZABLOAD" write /dev/zab/z3 m3 100000 > "$ENS_TMP/w.3" &
	p3=$!
	sleep 1
	nsx zab3 "$ZABCTL" destroy z3
	# the destroyed member's writer fails at once instead of hanging
	wait_for 5 sh -c "! kill -0 $p3 2>/dev/null" || fail "writer on the destroyed member hangs"
	wait $p1
	! grep -q '^err' "$ENS_TMP/w.1" || fail "leader writes failed with a quorum left: $(grep -m3 '^err' "$ENS_TMP/w.1")"
	tail -n 1 "$ENS_TMP/w.3" | grep -Eq '^err (ESHUTDOWN|ECONNRESET)' ||
		fail "last write on z3: $(tail -n 1 "$ENS_TMP/w.3")"
	[ "$(state_of z1)" = LEADING ] || fail "z1 stopped leading"
	wait_for 5 grep -q 'PEER_DOWN peer=3' "$ENS_TMP/events.zab1" || fail "no PEER_DOWN for 3"
	monitor_stop
	converge 1 2
	dump_all "$ENS_TMP" 1 2
	check_logs "$ENS_TMP" 1 2
}

test_minority_left() {
	setup_tmp
	ens_setup 3
	ens_boot 3 1 1
	monitor_start zab1
	monitor_start zab2
	"$ZABLOAD" write /dev/zab/z1 m1 20 > "$ENS_TMP/w.1"
	ip link set veth2 down
	ip link set veth3 down
	start=$SECONDS
	"$ZABLOAD" write /dev/zab/z1 m1late 3 > "$ENS_TMP/w.late"
	grep -q '^err ECONNRESET' "$ENS_TMP/w.late" || fail "write without quorum: $(cat "$ENS_TMP/w.late")"
	! grep -q '^ok' "$ENS_TMP/w.late" || fail "a write committed without a quorum"
	wait_for 5 grep -q 'QUORUM_LOST' "$ENS_TMP/events.zab1" || fail "no QUORUM_LOST: $(cat "$ENS_TMP/events.zab1")"
	wait_for 5 grep -q 'LEADER_LOST' "$ENS_TMP/events.zab2" || fail "no LEADER_LOST on z2"
	grep -q 'PEER_DOWN peer=2 reason=timeout' "$ENS_TMP/events.zab1" || fail "no PEER_DOWN timeout"
	echo "  quorum loss noticed after $((SECONDS - start)) s (tick 100 ms, syncLimit 5)"
	[ "$(state_of z1)" = LOOKING ] || fail "z1 still $(state_of z1)"
	expect_fail "write while LOOKING" "$ZAB_TOP/tests/selftests/devtest" write /dev/zab/z1 4
	expect_match ENOTCONN "$OUT"
	monitor_stop
}

test_slow_follower() {
	setup_tmp
	ens_setup 3
	ens_boot 3 1 1
	# warm up, then slow member 3 down in both directions
	"$ZABLOAD" write /dev/zab/z1 warm 20 > "$ENS_TMP/w.0"
	tc qdisc add dev veth3 root netem delay 50ms
	nsx zab3 tc qdisc add dev eth0 root netem delay 50ms
	start=$(date +%s%N)
	"$ZABLOAD" write /dev/zab/z1 m1 200 > "$ENS_TMP/w.1"
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "  200 sequential commits with a 100 ms-RTT follower: $ms ms"
	! grep -q '^err' "$ENS_TMP/w.1" || fail "writes failed"
	[ "$ms" -lt 10000 ] || fail "commits waited for the slow follower ($ms ms for 200)"
	converge 1 2 3
	tc qdisc del dev veth3 root
	dump_all "$ENS_TMP" 1 2 3
	check_logs "$ENS_TMP" 1 2 3
}
