#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Creating, listing, changing and destroying instances.
. "$(dirname "$0")/lib.sh"

test_create_destroy() {
	load_zab
	zabctl create alpha --id 3
	[ -c /dev/zab/alpha ] || fail "/dev/zab/alpha is not a char device"
	listed alpha || fail "alpha not listed"
	[ "$(field alpha myid,state)" = $'3\tLOOKING' ] ||
		fail "myid, state: $(field alpha myid,state)"
	zabctl show alpha | grep -q LOOKING || fail "human show lacks the state"
	zabctl destroy alpha
	[ ! -e /dev/zab/alpha ] || fail "/dev/zab/alpha still there"
	! listed alpha || fail "alpha still listed"
	unload_zab
}

test_dump_many() {
	load_zab
	# ZAB_MANY: as many (at least 100: a dump of several messages)
	local many=${ZAB_MANY:-300}
	for i in $(seq 1 "$many"); do zabctl create "inst$i" --id $((i % 255 + 1)); done
	n=$(zabctl show --tsv | wc -l)
	[ "$n" = "$many" ] || fail "dump listed $n of $many instances"
	[ "$(ls /dev/zab | wc -l)" = "$many" ] || fail "expected $many device nodes"
	unload_zab
	[ ! -e /dev/zab/inst1 ] || fail "device nodes survive unload"
}

test_defaults_and_set() {
	load_zab
	zabctl create p --id 1
	[ "$(field p tickTime)" = 2000 ] || fail "tickTime default"
	[ "$(field p syncLimit)" = 5 ] || fail "syncLimit default"
	[ "$(field p initLimit)" = 10 ] || fail "initLimit default"
	[ "$(field p windowBytes)" = $((64 << 20)) ] || fail "windowBytes default"
	[ "$(field p maxRecordSize)" = $((1 << 20)) ] || fail "maxRecordSize default"
	zabctl set p tickTime 100 syncLimit 3 initLimit 7 windowBytes 1M maxRecordSize 4096
	[ "$(field p tickTime)" = 100 ] || fail "tickTime not set"
	[ "$(field p syncLimit)" = 3 ] || fail "syncLimit not set"
	[ "$(field p initLimit)" = 7 ] || fail "initLimit not set"
	[ "$(field p windowBytes)" = $((1 << 20)) ] || fail "windowBytes not set"
	[ "$(field p maxRecordSize)" = 4096 ] || fail "maxRecordSize not set"
	# all or nothing: a bad value leaves the good one unapplied
	expect_fail "set with one value out of range" "$NLTEST" set 1=str:p 8=u32:500 11=u32:5
	[ "$(field p tickTime)" = 100 ] || fail "partial SET applied tickTime"
	expect_fail "maxRecordSize above windowBytes" "$NLTEST" set 1=str:p 8=u32:500 12=u32:2097152
	expect_match 'maxRecordSize must not exceed half of windowBytes' "$OUT"
	[ "$(field p tickTime)" = 100 ] || fail "partial SET applied tickTime"
	zabctl create q --id 2 tickTime 50
	[ "$(field q tickTime)" = 50 ] || fail "create with a parameter"
	unload_zab
}

test_events() {
	load_zab
	log=$(mktemp)
	zabctl monitor > "$log" &
	pid=$!
	zabctl monitor --json ev > "$log.json" &
	jpid=$!
	sleep 0.5
	zabctl create other --id 2
	zabctl create ev --id 1
	zabctl destroy ev
	wait_for 5 grep -q 'DESTROYED' "$log" || { kill $pid $jpid; fail "no DESTROYED event: $(cat "$log")"; }
	wait_for 5 grep -q 'DESTROYED' "$log.json" || { kill $pid $jpid; fail "no DESTROYED event in JSON: $(cat "$log.json")"; }
	kill $pid $jpid
	grep -q 'ev.*CREATED' "$log" || fail "no CREATED event: $(cat "$log")"
	# --json: one object per line, of instance ev only
	jq -e -s 'length >= 2 and all(.name == "ev") and
		(map(.event) | index("CREATED") < index("DESTROYED"))' "$log.json" > /dev/null ||
		fail "monitor --json: $(cat "$log.json")"
	expect_fail "unknown option" zabctl monitor --jsn
	expect_match "unknown option .--jsn." "$OUT"
	unload_zab
}

# zabctl show's machine-readable views: -o by field name, --json, and clear
# errors for a field that does not exist.
test_show_views() {
	load_zab
	zabctl create v1 --id 4 tickTime 150
	zabctl create v2 --id 5
	[ "$(field v1 tickTime,myid,state,peers)" = $'150\t4\tLOOKING\t-' ] ||
		fail "-o: $(field v1 tickTime,myid,state,peers)"
	[ "$(zabctl show -o name,myid | tr '\t\n' ' ')" = "v1 4 v2 5 " ] ||
		fail "-o over all: $(zabctl show -o name,myid)"
	expect_fail "unknown field" zabctl show v1 -o state,bogus
	expect_match "unknown field .bogus." "$OUT"
	expect_fail "empty field" zabctl show v1 -o state,
	expect_fail "-o without fields" zabctl show v1 -o
	expect_fail "two views" zabctl show v1 --json --tsv
	expect_match "do not go together" "$OUT"
	expect_fail "-o twice" zabctl show v1 -o state -o name
	expect_match "given twice" "$OUT"
	[ "$(zabctl show -o myid -- v2)" = 5 ] || fail "-- NAME"
	# --json: one object per line, every field of --tsv, in its order
	[ "$(zabctl show --json | jq -s length)" = 2 ] || fail "--json: not 2 objects"
	zabctl show v1 --json | jq -e '.name == "v1" and .myid == 4 and
		.state == "LOOKING" and .tickTime == 150 and .peers == [] and
		.last_zxid == "0x0" and .durability == "memory"' > /dev/null ||
		fail "--json: $(zabctl show v1 --json)"
	[ "$(zabctl show v1 --json | jq -r 'keys_unsorted | length')" = \
	  "$(zabctl show v1 --tsv | awk -F'\t' '{ print NF }')" ] ||
		fail "--json and --tsv differ in their fields"
	# (null in JSON is `-' in text: no latency measured yet, no progress)
	[ "$(zabctl show v1 --json | jq -r '[.[] | if type == "array" or . == null then "-" else tostring end] | join("\t")')" = \
	  "$(zabctl show v1 --tsv)" ] || fail "--json and --tsv differ in their values"
	unload_zab
}

# An instance being destroyed keeps its name and its minor until its device
# is gone. A create meanwhile (here: while the destroyed instance leads a
# follower and a writer) gets another minor, never a collision with the old
# device in sysfs (before: it got the old minor, and device_create() failed
# on the duplicate /sys/dev/char link, reported as "name already in use"),
# and its device opens.
z2_looking() {
	[ "$("$DEVTEST" status /dev/zab/z2 | sed -n 's/^state=//p')" = 0 ]
}

test_destroy_frees_minor_last() {
	local i d
	ENS_TMP=$(mktemp -d)
	ens_setup 2
	for i in $(seq 1 "${ZAB_CYCLES:-8}"); do
		ens_boot 2 1 "$i"
		"$ZABLOAD" write /dev/zab/z1 w 100000 > /dev/null 2>&1 &
		sleep 0.2
		nsx zab1 "$ZABCTL" destroy z1 &
		d=$!
		zabctl create "r$i" --id 1 || fail "create r$i failed while z1 was being destroyed"
		"$DEVTEST" status "/dev/zab/r$i" > /dev/null || fail "/dev/zab/r$i does not open"
		wait "$d" || fail "destroy z1 failed"
		wait
		zabctl destroy "r$i"
		[ ! -e /dev/zab/z1 ] || fail "/dev/zab/z1 outlived its instance"
		ens_create 100 1
		wait_for 10 z2_looking || fail "z2 still follows the destroyed z1"
	done
}

zab_ksft_main "$@"
