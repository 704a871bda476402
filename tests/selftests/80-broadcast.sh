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
