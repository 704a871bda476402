#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instances belong to the network namespace that created them.
. "$(dirname "$0")/lib.sh"

test_netns_isolation() {
	load_zab
	ip netns add zab-a
	ip netns add zab-b
	nsx zab-a "$ZABCTL" create inA --id 1
	[ -c /dev/zab/inA ] || fail "no device for inA"
	nsx zab-a "$ZABCTL" show -o name | grep -qx inA || fail "inA not listed in its namespace"
	[ -z "$(nsx zab-b "$ZABCTL" show --tsv)" ] || fail "inA visible from another namespace"
	! listed inA || fail "inA visible from the initial namespace"
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
	nsx_bg zab-c "$ZABCTL" monitor > "$log.c"
	pidc=$NSX_PID
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

# Module unload while namespaces with instances die. Some namespaces exit
# at once (nothing holds them); the ensemble's are held by their peers'
# sockets and exit only when unload closes those, in the middle of it. A
# namespace's exit must not free its struct net while unload still uses it
# (KASAN on the debug kernel reports a use after free). ZAB_UNLOAD_ROUNDS
# rounds (default 2).
test_netns_exit_during_unload() {
	local round i rounds=${ZAB_UNLOAD_ROUNDS:-2}
	ENS_TMP=$(mktemp -d)
	for round in $(seq 1 "$rounds"); do
		ens_setup 3
		ens_boot 3 1 1
		"$ZABLOAD" write /dev/zab/z1 "r$round" 20 > /dev/null ||
			fail "round $round: writes to the ensemble failed"
		for i in 1 2 3 4 5 6; do
			ip netns add "zab-u$i"
			nsx "zab-u$i" "$ZABCTL" create "u$i" --id 1
		done
		for i in 1 2 3; do ip netns del "zab$i"; done
		[ -c /dev/zab/z1 ] || fail "round $round: z1 went with its namespace's name"
		for i in 1 2 3 4 5 6; do ip netns del "zab-u$i" & done
		rmmod zab
		wait
		# the sockets closed by unload say goodbye over the bridge
		sleep 1
		ip link del zabbr
		[ ! -e /dev/zab ] || [ -z "$(ls /dev/zab)" ] ||
			fail "round $round: devices left: $(ls /dev/zab)"
		# the namespaces exit once unload closed the sockets: their
		# veths go with them
		for i in 1 2 3; do
			wait_for 20 sh -c "! ip link show veth$i > /dev/null 2>&1" ||
				fail "round $round: namespace zab$i outlived the module"
		done
	done
	echo "  $rounds rounds: rmmod with 3 peered and 6 unpeered instances in dying namespaces"
}

zab_ksft_main "$@"
