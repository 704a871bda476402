# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Which selftests run: sourced by lib.sh (each file), run.sh (the files)
# and tests/run-all.sh (the shards), so that all three agree.

# zab_selected NAME: NAME (FILE:TEST) is selected: ZAB_TEST_LIST, if set,
# lists it, and ZAB_TESTS, if set, has a glob (of those separated by `|')
# that matches part of it.
zab_selected() {
	local g globs
	if [ -n "${ZAB_TEST_LIST:-}" ]; then
		[[ " $ZAB_TEST_LIST " == *" $1 "* ]] || return 1
	fi
	[ -n "${ZAB_TESTS:-}" ] || return 0
	IFS='|' read -ra globs <<< "$ZAB_TESTS"
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == *$g* ]] && return 0
	done
	return 1
}

# zab_tests_of FILE: the tests FILE (a selftest, NN-name.sh) defines, as
# NN-name:test, one a line.
zab_tests_of() {
	local f
	f=$(basename "$1" .sh)
	sed -n "s/^test_\([A-Za-z0-9_]*\)() {\$/$f:\1/p" "$1"
}

# zab_file_selected FILE: some test of FILE is selected.
zab_file_selected() {
	local t
	for t in $(zab_tests_of "$1"); do
		zab_selected "$t" && return 0
	done
	return 1
}
