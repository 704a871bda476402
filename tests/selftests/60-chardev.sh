# SPDX-License-Identifier: GPL-2.0
# /dev/zab/NAME of an instance that has no leader yet.
DEVTEST="$ZAB_TOP/tests/selftests/devtest"

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
	expect_fail "nonblocking read" "$DEVTEST" read /dev/zab/d nonblock
	expect_match 'EAGAIN' "$OUT"
	expect_fail "lseek" "$DEVTEST" lseek /dev/zab/d
	expect_match 'ESPIPE' "$OUT"
	expect_fail "unknown ioctl" "$DEVTEST" badioctl /dev/zab/d
	expect_match 'ENOTTY' "$OUT"
	out=$("$DEVTEST" poll /dev/zab/d 100)
	[ "$out" = "ok none" ] || fail "poll: $out"
	"$DEVTEST" seek /dev/zab/d 0x100000005 >/dev/null
	[ "$(tsv_col d write_errors)" -ge 2 ] || fail "write errors not counted"
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
