#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every zab test: userspace unit tests (cmocka, ASan/UBSan), then the VM
# selftests against the freshly built zab.ko. Prints each suite's TAP and ends
# with one line: "N passed, N failed[, N skipped]".
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
}

suite unit make -s -C userspace check
suite selftests tests/vm/run.sh -- tests/selftests/run.sh "${ZAB_TESTS:-}"

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
