#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# /dev/zab/NAME of an instance that has no leader yet.
. "$(dirname "$0")/lib.sh"

test_looking_device() {
	load_zab
	zabctl create d --id 2 maxRecordSize 1000
	out=$("$DEVTEST" status /dev/zab/d)
	expect_match '^state=0$' "$out"
	expect_match '^myid=2$' "$out"
	expect_match '^leader=0$' "$out"
	expect_fail "write without a leader" "$DEVTEST" write /dev/zab/d 10
	expect_match 'ENOTCONN' "$OUT"
	expect_fail "zero-length write" "$DEVTEST" write /dev/zab/d 0
	expect_match 'EINVAL' "$OUT"
	expect_fail "oversized write" "$DEVTEST" write /dev/zab/d 1001
	expect_match 'EMSGSIZE' "$OUT"
	expect_fail "append with unknown flags" "$DEVTEST" append /dev/zab/d 10 1
	expect_match 'EINVAL' "$OUT"
	expect_fail "append without a leader" "$DEVTEST" append /dev/zab/d 10
	expect_match 'ENOTCONN' "$OUT"
	exec 4< /dev/zab/d
	expect_fail "append on a file opened to read" "$DEVTEST" append fd:4 10
	expect_match 'EBADF' "$OUT"
	expect_fail "batch on a file opened to read" "$DEVTEST" batch fd:4 3 10
	expect_match 'EBADF' "$OUT"
	exec 4<&-
	expect_fail "batch without a leader" "$DEVTEST" batch /dev/zab/d 3 10
	expect_match 'ENOTCONN done=0' "$OUT"
	expect_fail "empty batch" "$DEVTEST" batch /dev/zab/d 0 10
	expect_match 'EINVAL' "$OUT"
	expect_fail "batch over the limit" "$DEVTEST" batch /dev/zab/d 1025 10
	expect_match 'EINVAL' "$OUT"
	expect_fail "batch with an empty record" "$DEVTEST" batch /dev/zab/d 3 10 1 0
	expect_match 'EINVAL done=0' "$OUT"
	expect_fail "batch with an oversized record" "$DEVTEST" batch /dev/zab/d 3 10 2 1001
	expect_match 'EMSGSIZE done=0' "$OUT"
	expect_fail "nonblocking read" "$DEVTEST" read /dev/zab/d nonblock
	expect_match 'EAGAIN' "$OUT"
	expect_fail "lseek" "$DEVTEST" lseek /dev/zab/d
	expect_match 'ESPIPE' "$OUT"
	expect_fail "unknown ioctl" "$DEVTEST" badioctl /dev/zab/d
	expect_match 'ENOTTY' "$OUT"
	out=$("$DEVTEST" poll /dev/zab/d 100)
	[ "$out" = "ok none" ] || fail "poll: $out"
	"$DEVTEST" seek /dev/zab/d 0x100000005 >/dev/null
	[ "$(field d write_errors)" -ge 2 ] || fail "write errors not counted"
	unload_zab
}

test_file_outlives_instance() {
	load_zab
	zabctl create o --id 1
	exec 3<>/dev/zab/o
	tmp=$(mktemp -d)
	"$DEVTEST" read fd:3 > "$tmp/read.out" 2>&1 &
	reader=$!
	sleep 0.3
	expect_fail "unload with an open file" rmmod zab
	zabctl destroy o
	wait_for 5 sh -c "! kill -0 $reader 2>/dev/null" || fail "blocked reader not woken by destroy"
	grep -q 'ok eof' "$tmp/read.out" || fail "reader: $(cat "$tmp/read.out")"
	out=$("$DEVTEST" read fd:3)
	[ "$out" = "ok eof" ] || fail "read after destroy: $out"
	expect_fail "write after destroy" "$DEVTEST" write fd:3 5
	expect_match 'ESHUTDOWN' "$OUT"
	out=$("$DEVTEST" poll fd:3 0)
	expect_match 'hup' "$out"
	exec 3>&-
	unload_zab
}

# ZAB_IOC_RESTORE, what zabd loads a log read back from disk with: every
# malformed request is refused with EINVAL (EFAULT for a bad pointer),
# records must follow one another, and a batch stops at its first bad record.
test_restore() {
	load_zab
	zabctl create r --id 1
	dev=/dev/zab/r
	ENS_TMP_R=$(mktemp)
	expect_fail "unknown op" "$DEVTEST" restore $dev bogus 0
	expect_match 'EINVAL' "$OUT"
	expect_fail "an empty record" "$DEVTEST" restore $dev record 0x100000001 0
	expect_match 'EINVAL' "$OUT"
	expect_fail "a payload for a base" "$DEVTEST" restore $dev base 0x100000005 3
	expect_match 'EINVAL' "$OUT"
	"$DEVTEST" restore $dev base 0x100000004 > /dev/null
	expect_fail "a record that does not follow" "$DEVTEST" restore $dev record 0x100000006 3
	expect_match 'EINVAL' "$OUT"
	"$DEVTEST" restore $dev record 0x100000005 3 > /dev/null
	# batches
	expect_fail "an empty batch" "$DEVTEST" restore-batch $dev
	expect_match 'EINVAL' "$OUT"
	expect_fail "a batch with a zxid" "$DEVTEST" restore-batch $dev zxid=5 0x100000006:3
	expect_match 'EINVAL' "$OUT"
	expect_fail "a batch cut inside a header" "$DEVTEST" restore-batch $dev cut=12 0x100000006:3
	expect_match 'EINVAL' "$OUT"
	expect_fail "a batch cut inside a payload" "$DEVTEST" restore-batch $dev cut=6 0x100000006:3
	expect_match 'EINVAL' "$OUT"
	expect_fail "an empty record in a batch" "$DEVTEST" restore-batch $dev 0x100000006:0
	expect_match 'EINVAL' "$OUT"
	expect_fail "reserved bits set" "$DEVTEST" restore-batch $dev 0x100000006:3:1
	expect_match 'EINVAL' "$OUT"
	expect_fail "a bad pointer" "$DEVTEST" restore-batch $dev badptr 0x100000006:3
	expect_match 'EFAULT' "$OUT"
	[ "$(zst_dev $dev last_zxid)" = 0x100000005 ] || fail "refused batches changed the log: $(zst_dev $dev last_zxid)"
	# the records before a bad one stay: 6 and 7 (epoch 1), 1 of epoch 2
	expect_fail "a record out of order" "$DEVTEST" restore-batch $dev 0x100000006:3 \
		0x100000007:100 0x200000001:8 0x200000003:1
	expect_match 'EINVAL' "$OUT"
	[ "$(zst_dev $dev last_zxid)" = 0x200000001 ] || fail "last zxid $(zst_dev $dev last_zxid)"
	"$DEVTEST" restore-batch $dev 0x200000002:1 0x200000003:4096 > /dev/null
	"$DEVTEST" restore $dev commit 0x200000003 > /dev/null
	out=$("$DEVTEST" status $dev)
	expect_match '^last_zxid=0x200000003$' "$out"
	expect_match '^commit_zxid=0x200000003$' "$out"
	"$ZABLOAD" dump $dev 0x100000005 | cut -c1-24 > "$ENS_TMP_R"
	printf '%s\n' '0x0000000100000005 rrr' '0x0000000100000006 rrr' \
		'0x0000000100000007 rrrrr' '0x0000000200000001 rrrrr' \
		'0x0000000200000002 r' '0x0000000200000003 rrrrr' | cmp -s - "$ENS_TMP_R" ||
		fail "the records read back: $(cat "$ENS_TMP_R")"
	rm -f "$ENS_TMP_R"
	unload_zab
}

zst_dev() {
	"$DEVTEST" status "$1" | sed -n "s/^$2=//p"
}

# /dev/zab, fuzzed: three processes make ZAB_DEV_FUZZ (2000) calls each
# from a seed (devtest fuzz: write, read, poll, lseek and every ioctl with
# random sizes, bytes and bad pointers, reopening the file at times), on a
# LOOKING instance, then on one leading an ensemble of one (writes commit),
# destroyed while they run. No kernel report (the harness checks the log),
# no call hangs, and the module unloads. ZAB_FUZZ_SEED replays a run.
test_device_fuzz() {
	local seed=${ZAB_FUZZ_SEED:-$(date +%s)} n=${ZAB_DEV_FUZZ:-2000} out i pids
	load_zab
	out=$(mktemp -d)
	echo "  seed $seed (ZAB_FUZZ_SEED=$seed replays it), 3 x $n calls a phase"
	zabctl create fz --id 1
	for i in 1 2 3; do
		"$DEVTEST" fuzz /dev/zab/fz $((seed + i)) "$n" > "$out/looking.$i" ||
			fail "devtest fuzz on a LOOKING instance: $(cat "$out/looking.$i")"
	done
	echo "  LOOKING: $(cat "$out/looking.1")"
	zabctl destroy fz
	zabctl create fz --id 1
	ip link set lo up
	"$ZABBOOT" lead fz 1 1 127.0.0.1 2888 0 > "$out/lead" 2>&1 || fail "LEAD: $(cat "$out/lead")"
	pids=""
	for i in 1 2 3; do
		"$DEVTEST" fuzz /dev/zab/fz $((seed + 10 + i)) "$n" > "$out/leading.$i" &
		pids="$pids $!"
	done
	sleep $((2 * ZAB_TIME_SCALE))
	zabctl destroy fz
	for i in $pids; do
		wait "$i" || fail "devtest fuzz on a leading instance, destroyed meanwhile"
	done
	echo "  LEADING, destroyed meanwhile: $(cat "$out/leading.1")"
	rmmod zab || fail "zab.ko does not unload after the fuzzing"
}

zab_ksft_main "$@"
