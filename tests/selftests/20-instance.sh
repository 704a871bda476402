# SPDX-License-Identifier: GPL-2.0
# Creating, listing, changing and destroying instances.

test_create_destroy() {
	load_zab
	zabctl create alpha --id 3
	[ -c /dev/zab/alpha ] || fail "/dev/zab/alpha is not a char device"
	line=$(tsv_of alpha)
	[ -n "$line" ] || fail "alpha not listed"
	[ "$(tsv_col alpha myid)" = 3 ] || fail "myid: $line"
	[ "$(tsv_col alpha state)" = LOOKING ] || fail "state: $line"
	zabctl show alpha | grep -q LOOKING || fail "human show lacks the state"
	zabctl destroy alpha
	[ ! -e /dev/zab/alpha ] || fail "/dev/zab/alpha still there"
	[ -z "$(tsv_of alpha)" ] || fail "alpha still listed"
	unload_zab
}

test_dump_many() {
	load_zab
	for i in $(seq 1 300); do zabctl create "inst$i" --id $((i % 255 + 1)); done
	n=$(zabctl show --tsv | wc -l)
	[ "$n" = 300 ] || fail "dump listed $n of 300 instances"
	[ "$(ls /dev/zab | wc -l)" = 300 ] || fail "expected 300 device nodes"
	unload_zab
	[ ! -e /dev/zab/inst1 ] || fail "device nodes survive unload"
}

test_defaults_and_set() {
	load_zab
	zabctl create p --id 1
	[ "$(tsv_col p tickTime)" = 2000 ] || fail "tickTime default"
	[ "$(tsv_col p syncLimit)" = 5 ] || fail "syncLimit default"
	[ "$(tsv_col p initLimit)" = 10 ] || fail "initLimit default"
	[ "$(tsv_col p windowBytes)" = $((64 << 20)) ] || fail "windowBytes default"
	[ "$(tsv_col p maxRecordSize)" = $((1 << 20)) ] || fail "maxRecordSize default"
	zabctl set p tickTime 100 syncLimit 3 initLimit 7 windowBytes 1M maxRecordSize 4096
	[ "$(tsv_col p tickTime)" = 100 ] || fail "tickTime not set"
	[ "$(tsv_col p syncLimit)" = 3 ] || fail "syncLimit not set"
	[ "$(tsv_col p initLimit)" = 7 ] || fail "initLimit not set"
	[ "$(tsv_col p windowBytes)" = $((1 << 20)) ] || fail "windowBytes not set"
	[ "$(tsv_col p maxRecordSize)" = 4096 ] || fail "maxRecordSize not set"
	# all or nothing: a bad value leaves the good one unapplied
	expect_fail "set with one value out of range" "$NLTEST" set 1=str:p 8=u32:500 11=u32:5
	[ "$(tsv_col p tickTime)" = 100 ] || fail "partial SET applied tickTime"
	expect_fail "maxRecordSize above windowBytes" "$NLTEST" set 1=str:p 8=u32:500 12=u32:2097152
	expect_match 'maxRecordSize must not exceed half of windowBytes' "$OUT"
	[ "$(tsv_col p tickTime)" = 100 ] || fail "partial SET applied tickTime"
	zabctl create q --id 2 tickTime 50
	[ "$(tsv_col q tickTime)" = 50 ] || fail "create with a parameter"
	unload_zab
}

test_events() {
	load_zab
	log=$(mktemp)
	zabctl monitor > "$log" &
	pid=$!
	sleep 0.5
	zabctl create ev --id 1
	zabctl destroy ev
	wait_for 5 grep -q 'DESTROYED' "$log" || { kill $pid; fail "no DESTROYED event: $(cat "$log")"; }
	kill $pid
	grep -q 'ev.*CREATED' "$log" || fail "no CREATED event: $(cat "$log")"
	unload_zab
}
