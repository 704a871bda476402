#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every zab test: userspace unit tests (cmocka, ASan/UBSan), then the VM
# selftests against the freshly built zab.ko, then the crash test of three
# VMs (tests/vm/crash.sh). With ZAB_DEBUG=1 (make
# check-all), then the KUnit suites and the selftests again on the debug
# kernel; with ZAB_DEBUG=kunit (make check-ci), the KUnit suites only (tests/vm/debug.sh; it is built first if it is not cached). Prints
# each suite's TAP and ends with one line: "N passed, N failed[, N skipped]".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# suite NAME CMD...: run a suite, echo its output, keep it for counting; a
# suite that fails without saying which test failed counts as one failure.
suite() {
	local name=$1
	shift
	echo "# suite: $name"
	"$@" 2>&1 | tee "$log/$name.tap"
	local rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && ! grep -q '^not ok' "$log/$name.tap"; then
		echo "not ok - $name: exited with status $rc"
		echo "not ok - $name: exited with status $rc" >> "$log/$name.tap"
	fi
	return "$rc"
}

suite unit make -s -C userspace check
suite selftests tests/vm/run.sh -- tests/selftests/run.sh "${ZAB_TESTS:-}"
# real crashes, three VMs; with ZAB_TESTS, only if it names them
if [ -z "${ZAB_TESTS:-}" ] || [[ "crash:kill9_leader_then_all" == *${ZAB_TESTS}* ]]; then
	suite crash tests/vm/crash.sh
fi
if [ "${ZAB_DEBUG:-0}" != 0 ]; then
	# the kernel build and the debug modules: a failure here is one
	# failure, and the suites that need them do not run
	if suite debug-build tests/vm/debug.sh module; then
		suite kunit tests/vm/debug.sh kunit
		[ "$ZAB_DEBUG" = kunit ] ||
			suite selftests-debug tests/vm/debug.sh selftests "${ZAB_TESTS:-}"
	fi
fi

cat "$log"/*.tap | awk '
	/^ok / && /# SKIP/ { skipped++; next }
	/^ok /             { passed++; next }
	/^not ok /         { failed++ }
	END {
		line = sprintf("%d passed, %d failed", passed, failed)
		if (skipped) line = line sprintf(", %d skipped", skipped)
		print line
		exit (failed || passed + skipped == 0) ? 1 : 0
	}'
