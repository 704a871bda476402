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
	[ -c /dev/zab/priv ] || fail "priv destroyed by nobody"
	expect_fail "nobody opens the device" as_nobody "$DEVTEST" status /dev/zab/priv
	expect_match 'EACCES' "$OUT"
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
