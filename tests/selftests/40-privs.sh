#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Only an administrator of the initial user namespace controls instances:
# their device names are global.
. "$(dirname "$0")/lib.sh"

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}

test_unprivileged_refused() {
	load_zab
	zabctl create priv --id 1
	for cmd in "create x --id 1" "destroy priv" "set priv tickTime 100" "show" "show priv"; do
		# shellcheck disable=SC2086
		expect_fail "nobody: zabctl $cmd" as_nobody "$ZABCTL" $cmd
		expect_match 'Operation not permitted' "$OUT"
	done
	# the events name instances, epochs and peers (before: anyone listened)
	expect_fail "nobody: zabctl monitor" timeout 5 setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all --bounding-set=-all "$ZABCTL" monitor
	expect_match 'Operation not permitted' "$OUT"
	[ -c /dev/zab/priv ] || fail "priv destroyed by nobody"
	expect_fail "nobody opens the device" as_nobody "$DEVTEST" status /dev/zab/priv
	expect_match 'EACCES' "$OUT"
	unload_zab
}

# The path of an instance's log on disk (ZAB_IOC_LOG_PATH) is told only to
# whoever may read and search that directory, not to everyone allowed to
# open the device (before: anyone who could open it learned the host path).
test_log_path_needs_the_directory() {
	local d out
	load_zab
	d=$(mktemp -d)
	chmod 700 "$d"
	zabctl create lp --id 1
	# ZAB_A_NAME 1, ZAB_A_DIR_FD 21, ZAB_A_DURABILITY 22 (FSYNC 2)
	"$NLTEST" log 1=str:lp 21=fd:dir="$d" 22=u8:2 > /dev/null || fail "LOG refused"
	out=$("$DEVTEST" logpath /dev/zab/lp)
	[ "$out" = "$d" ] || fail "root was told $out, not $d"
	chmod 666 /dev/zab/lp
	as_nobody "$DEVTEST" status /dev/zab/lp > /dev/null || fail "nobody cannot open the device"
	expect_fail "nobody asks for the log's path" as_nobody "$DEVTEST" logpath /dev/zab/lp
	expect_match EACCES "$OUT"
	chmod 755 "$d"
	out=$(as_nobody "$DEVTEST" logpath /dev/zab/lp)
	[ "$out" = "$d" ] || fail "nobody, who may read $d, was told $out"
	zabctl destroy lp
	rm -rf "$d"
	unload_zab
}

test_root_without_net_admin() {
	load_zab
	expect_fail "root without CAP_NET_ADMIN" \
		setpriv --bounding-set=-net_admin --inh-caps=-net_admin "$ZABCTL" create x --id 1
	expect_match 'Operation not permitted' "$OUT"
	[ ! -e /dev/zab/x ] || fail "x created"
	unload_zab
}

test_user_namespace_refused() {
	load_zab
	expect_fail "root of a new user namespace" unshare -U -r -n "$ZABCTL" create x --id 1
	expect_match 'Operation not permitted' "$OUT"
	[ ! -e /dev/zab/x ] || fail "x created from a user namespace"
	unload_zab
}

zab_ksft_main "$@"
