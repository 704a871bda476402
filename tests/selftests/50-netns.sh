# SPDX-License-Identifier: GPL-2.0
# Instances belong to the network namespace that created them.

test_netns_isolation() {
	load_zab
	ip netns add zab-a
	ip netns add zab-b
	nsx zab-a "$ZABCTL" create inA --id 1
	[ -c /dev/zab/inA ] || fail "no device for inA"
	[ -n "$(nsx zab-a "$ZABCTL" show --tsv | grep '^inA')" ] || fail "inA not listed in its namespace"
	[ -z "$(nsx zab-b "$ZABCTL" show --tsv)" ] || fail "inA visible from another namespace"
	[ -z "$(tsv_of inA)" ] || fail "inA visible from the initial namespace"
	expect_fail "destroy from another namespace" nsx zab-b "$ZABCTL" destroy inA
	expect_match 'no such instance' "$OUT"
	expect_fail "same name in another namespace" nsx zab-b "$ZABCTL" create inA --id 1
	expect_match 'already in use' "$OUT"
	ip netns del zab-b
	ip netns del zab-a
	wait_for 10 test ! -e /dev/zab/inA || fail "inA survived its namespace"
	unload_zab
}

test_netns_events() {
	load_zab
	ip netns add zab-c
	log=$(mktemp)
	"$ZABCTL" monitor > "$log" &
	pid=$!
	nsx zab-c "$ZABCTL" monitor > "$log.c" &
	pidc=$!
	sleep 0.5
	nsx zab-c "$ZABCTL" create inC --id 1
	nsx zab-c "$ZABCTL" destroy inC
	wait_for 5 grep -q DESTROYED "$log.c" || fail "namespace monitor saw nothing"
	sleep 0.3
	kill $pid $pidc
	[ ! -s "$log" ] || fail "initial namespace saw another's events: $(cat "$log")"
	ip netns del zab-c
	unload_zab
}
