#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Repeated load/unload with live instances leaks nothing.
. "$(dirname "$0")/lib.sh"

# instances a cycle creates (and one more in a namespace); the debug run,
# where kmemleak looks for leaks too, makes fewer
: "${ZAB_CYCLE_INSTANCES:=50}"

slab_kb() {
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}

cycle() {
	insmod_zab
	for i in $(seq 1 "$ZAB_CYCLE_INSTANCES"); do zabctl create "c$i" --id 1; done
	ip netns add zab-cyc
	nsx zab-cyc "$ZABCTL" create cns --id 2
	zabctl set c1 tickTime 100
	zabctl show > /dev/null
	[ "$(ls /dev/zab | wc -l)" = $((ZAB_CYCLE_INSTANCES + 1)) ] ||
		fail "expected $((ZAB_CYCLE_INSTANCES + 1)) devices"
	ip netns del zab-cyc
	rmmod zab
}

test_load_unload_cycles() {
	local cycles=${ZAB_CYCLES:-20}
	unload_zab
	cycle			# warm the caches
	echo 3 > /proc/sys/vm/drop_caches
	before=$(slab_kb)
	for n in $(seq 1 "$cycles"); do cycle; done
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	after=$(slab_kb)
	echo "  slab: ${before} kB before, ${after} kB after $cycles cycles"
	[ $((after - before)) -lt 1024 ] || fail "slab grew by $((after - before)) kB"
	[ ! -e /sys/class/zab ] || fail "class left behind"
	[ ! -e /dev/zab ] || [ -z "$(ls /dev/zab)" ] || fail "device nodes left behind"
	! grep -qw zab /proc/devices || fail "major left behind"
}

zab_ksft_main "$@"
