#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input to the netlink family gets a clean error with a reason, through
# zabctl (which names the bad input) and raw (the kernel's own checks).
# Attribute numbers: 1 name, 2 myid, 8 tickTime, 11 windowBytes, 12 maxRecordSize.
. "$(dirname "$0")/lib.sh"

test_missing_name() {
	load_zab
	expect_fail "NEW without a name" "$NLTEST" new 2=u32:1
	expect_match 'error 22.*name' "$OUT"
	expect_fail "NEW without an id" "$NLTEST" new 1=str:x
	expect_match 'error 22.*id' "$OUT"
	expect_fail "DEL without a name" "$NLTEST" del
	expect_match 'error 22.*name' "$OUT"
	expect_fail "zabctl create without a name" zabctl create
	unload_zab
}

test_bad_names() {
	load_zab
	long=$(printf 'n%.0s' $(seq 1 32))
	expect_fail "name of 32 bytes" "$NLTEST" new "1=str:$long" 2=u32:1
	expect_match '^error' "$OUT"
	ok=$(printf 'n%.0s' $(seq 1 31))
	"$NLTEST" new "1=str:$ok" 2=u32:1 >/dev/null || fail "name of 31 bytes refused"
	for bad in a/b .hidden "" "sp ace" 'x*y'; do
		expect_fail "name \`$bad'" "$NLTEST" new "1=str:$bad" 2=u32:1
		expect_match 'error 22' "$OUT"
	done
	expect_fail "zabctl: name with a slash" zabctl create a/b --id 1
	expect_match '`a/b' "$OUT"
	expect_fail "zabctl --no-check: name with a slash" zabctl --no-check create a/b --id 1
	expect_match 'instance name must be' "$OUT"
	[ ! -e /dev/zab/a ] || fail "a device appeared for a bad name"
	unload_zab
}

test_duplicate_and_unknown() {
	load_zab
	zabctl create dup --id 1
	expect_fail "duplicate name" zabctl create dup --id 2
	expect_match 'already in use' "$OUT"
	expect_fail "destroy unknown" zabctl destroy nosuch
	expect_match 'nosuch' "$OUT"
	expect_match 'no such instance' "$OUT"
	expect_fail "set unknown" zabctl set nosuch tickTime 100
	expect_fail "show unknown" zabctl show nosuch
	zabctl destroy dup
	expect_fail "destroy twice" zabctl destroy dup
	unload_zab
}

test_bad_ids() {
	load_zab
	for id in 0 256 4294967295; do
		expect_fail "id $id" "$NLTEST" new 1=str:x 2=u32:$id
		expect_match 'error 34' "$OUT"
	done
	expect_fail "zabctl id 0" zabctl create x --id 0
	expect_match '`0' "$OUT"
	expect_fail "zabctl --no-check id 256" zabctl --no-check create x --id 256
	expect_fail "id as u8" "$NLTEST" new 1=str:x 2=u8:1
	[ ! -e /dev/zab/x ] || fail "x created with a bad id"
	"$NLTEST" new 1=str:x 2=u32:255 >/dev/null || fail "id 255 refused"
	unload_zab
}

test_bad_params() {
	load_zab
	zabctl create p --id 1
	expect_fail "tickTime 5" "$NLTEST" set 1=str:p 8=u32:5
	expect_fail "tickTime 60001" "$NLTEST" set 1=str:p 8=u32:60001
	expect_fail "windowBytes 1K" "$NLTEST" set 1=str:p 11=u32:1024
	expect_fail "maxRecordSize 0" "$NLTEST" set 1=str:p 12=u32:0
	expect_fail "maxRecordSize 32M" "$NLTEST" set 1=str:p 12=u32:33554432
	# zabd's progress report (ZAB_CMD_PROGRESS; ZAB_A_PROGRESS is 32, 32800
	# with NLA_F_NESTED): a nest that says what work, bytes within the total
	expect_fail "progress without its work" "$NLTEST" progress 1=str:p 32800=bin:0c0002000000000000000000
	expect_match 'progress without its work' "$OUT"
	expect_fail "progress past its total" "$NLTEST" progress 1=str:p \
		32800=bin:05000100010000000c000300ffff0000000000000c000400ff00000000000000
	expect_match 'progress past its total' "$OUT"
	expect_fail "progress of an unknown work" "$NLTEST" progress 1=str:p 32800=bin:0500010009000000
	expect_fail "progress as a u32" "$NLTEST" progress 1=str:p 32=u32:1
	expect_fail "no report" "$NLTEST" progress 1=str:p
	expect_fail "a report through set" "$NLTEST" set 1=str:p 32800=bin:0500010001000000
	[ "$(field p progress)" = - ] || fail "progress reported: $(field p progress)"
	# a good one is shown, then dropped once it is not renewed
	"$NLTEST" progress 1=str:p 32800=bin:05000100010000000c000300ff000000000000000c000400ffff000000000000 > /dev/null ||
		fail "a good report was refused"
	[ "$(field p progress)" = "restore:0:255:65535:0:-" ] || fail "progress: $(field p progress)"
	no_progress() { [ "$(field p progress)" = - ]; }
	wait_for 10 no_progress || fail "the report outlived its 5 s: $(field p progress)"
	expect_fail "zabctl unknown key" zabctl set p tickTme 100
	expect_match 'tickTme' "$OUT"
	expect_fail "zabctl bad value" zabctl set p tickTime abc
	expect_match 'abc' "$OUT"
	expect_fail "zabctl --no-check out of range" zabctl --no-check set p syncLimit 0
	expect_match 'kernel' "$OUT"
	[ "$(field p syncLimit)" = 5 ] || fail "syncLimit changed"
	unload_zab
}

test_unknown_attr_and_cmd() {
	load_zab
	expect_fail "unknown attribute type" "$NLTEST" new 1=str:x 2=u32:1 99=u32:1
	expect_match 'error 22' "$OUT"
	expect_fail "output-only attribute" "$NLTEST" new 1=str:x 2=u32:1 13=u32:1
	expect_fail "state is not settable" "$NLTEST" set 1=str:x 3=u8:2
	expect_fail "unknown command" "$NLTEST" 99 1=str:x
	expect_match 'error 95' "$OUT"
	expect_fail "event is kernel-only" "$NLTEST" 9 1=str:x
	[ ! -e /dev/zab/x ] || fail "x was created"
	unload_zab
}

# snapshot: what a caller without privileges must not change
instances_now() {
	"$ZABCTL" show --json | jq -c '{name, state, epoch, last_zxid, commit_zxid, tickTime, windowBytes}' | sort
}

# Generic netlink, fuzzed: ZAB_NL_FUZZ (3000) requests made from a seed
# (nltest fuzz: any command, any attribute of any kind and size, duplicated,
# nested wrong, descriptors of every kind, names from a small pool) from
# root, then from a user namespace and from nobody, which must change
# nothing. No kernel report (the harness checks the log), every instance
# the fuzzing left is destroyed, and the module unloads: no reference
# leaked. ZAB_FUZZ_SEED replays a run.
test_netlink_fuzz() {
	local seed=${ZAB_FUZZ_SEED:-$(date +%s)} n=${ZAB_NL_FUZZ:-3000} out before i
	load_zab
	out=$(mktemp -d)
	echo "  seed $seed (ZAB_FUZZ_SEED=$seed replays it), $n requests as root"
	mkdir "$out/dir"
	# half the pool's names exist at the start, for requests to act on
	for i in 0 1 2 3; do
		zabctl create "fz$i" --id $((i + 1))
	done
	ZAB_NLFUZZ_DIR=$out/dir "$NLTEST" fuzz "$seed" "$n" > "$out/root" ||
		fail "nltest fuzz: $(cat "$out/root")"
	echo "  answers: $(tr '\n' ' ' < "$out/root")"
	grep -q '^EINVAL ' "$out/root" || fail "no request was refused: $(cat "$out/root")"
	[ "$(awk '$1 == "ok" { print $2 }' "$out/root")" -gt 0 ] ||
		fail "no request was taken: the fuzzing stopped at the policies"
	before=$(instances_now)
	ZAB_NLFUZZ_DIR=$out/dir unshare -Ur "$NLTEST" fuzz $((seed + 1)) $((n / 10)) > "$out/userns" ||
		fail "nltest fuzz in a user namespace: $(cat "$out/userns")"
	ZAB_NLFUZZ_DIR=$out/dir setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$NLTEST" fuzz $((seed + 2)) $((n / 10)) > "$out/nobody" ||
		fail "nltest fuzz as nobody: $(cat "$out/nobody")"
	echo "  from a user namespace: $(tr '\n' ' ' < "$out/userns"); as nobody: $(tr '\n' ' ' < "$out/nobody")"
	[ "$(instances_now)" = "$before" ] ||
		fail "unprivileged requests changed the instances: before $before, now $(instances_now)"
	for i in $("$ZABCTL" show -o name); do
		"$ZABCTL" destroy "$i" || fail "destroy $i"
	done
	[ -z "$("$ZABCTL" show -o name)" ] || fail "instances left: $("$ZABCTL" show -o name)"
	rmmod zab || fail "zab.ko does not unload after the fuzzing"
}

zab_ksft_main "$@"
