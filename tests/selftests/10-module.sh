#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Loading and unloading zab.ko.
. "$(dirname "$0")/lib.sh"

test_load_unload() {
	unload_zab
	insmod_zab
	lsmod | grep -q '^zab ' || fail "zab not in lsmod after insmod"
	[ -d /sys/class/zab ] || fail "no /sys/class/zab"
	grep -qw zab /proc/devices || fail "no zab major in /proc/devices"
	out=$("$NLTEST" get 2>&1) || true
	expect_match '^error' "$out"	# the family answers
	rmmod zab
	[ ! -e /sys/class/zab ] || fail "/sys/class/zab left behind"
	! grep -qw zab /proc/devices || fail "zab major left behind"
	expect_fail "family gone" "$NLTEST" get
	expect_match 'no zab family' "$OUT"
}

test_version() {
	load_zab
	v=$(cat /sys/module/zab/version)
	[ -n "$v" ] || fail "no module version"
	out=$(zabctl --version)
	expect_match "$v" "$out"
}

test_no_module() {
	unload_zab
	expect_fail "zabctl without the module" zabctl show
	expect_match 'module is not loaded' "$OUT"
}

zab_ksft_main "$@"
