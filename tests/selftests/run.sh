#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the zab selftests (inside a test VM, zab.ko not loaded).
#
#   run.sh [PATTERN]   every test, as one flat TAP stream ("ok N FILE:TEST"),
#                      for tests/run-all.sh to count
#   run.sh --ksft      kselftest's form: each file one KTAP test with its
#                      tests as subtests (what `make run_tests` prints)
#
# PATTERN (or ZAB_TESTS): only tests whose FILE:TEST matches one of its
# globs, separated by `|'; ZAB_TEST_LIST="NAME...": only those tests. The
# files are TEST_PROGS of the Makefile here; each runs alone too.
set -u
here=$(cd "$(dirname "$0")" && pwd)
mode=flat
if [ "${1:-}" = --ksft ]; then
	mode=ksft
	shift
fi
[ -z "${1:-}" ] || export ZAB_TESTS=$1
progs=$(make -s -C "$here" --no-print-directory print-test-progs)

if [ $mode = ksft ]; then
	# as tools/testing/selftests/kselftest/runner.sh prints
	n=0
	echo "TAP version 13"
	echo "1..$(wc -w <<< "$progs")"
	for p in $progs; do
		n=$((n + 1))
		echo "# selftests: zab: $p"
		"$here/$p" 2>&1 | sed 's/^/# /'
		case ${PIPESTATUS[0]} in
		0) echo "ok $n selftests: zab: $p" ;;
		4) echo "ok $n selftests: zab: $p # SKIP" ;;
		*) echo "not ok $n selftests: zab: $p # exit=${PIPESTATUS[0]}"; failed=1 ;;
		esac
	done
	exit "${failed:-0}"
fi

. "$here/select.sh"
n=0
failed=0
count=$(mktemp)
for p in $progs; do
	# a file with nothing selected is not started: each start costs
	# seconds on the debug kernel
	zab_file_selected "$here/$p" || continue
	# the file's KTAP, renumbered into one stream as it comes (a pipe: the
	# debug VM has no /dev/fd for a process substitution)
	{ "$here/$p" 2>&1; echo "# exit $?"; } | {
		bad=0
		while IFS= read -r line; do
			case $line in
			"TAP version"* | 1..* | "# Totals:"*) continue ;;
			"# exit "*) rc=${line#\# exit }; continue ;;
			"ok "[0-9]* | "not ok "[0-9]*)
				n=$((n + 1))
				[[ $line != not* ]] || bad=1
				line=$(sed -E "s/^(not )?ok [0-9]+ /\1ok $n - /" <<< "$line") ;;
			esac
			printf '%s\n' "$line"
		done
		echo "$n $bad ${rc:-1}" > "$count"
	}
	read -r n bad rc < "$count"
	if [ "$bad" = 1 ]; then
		failed=$((failed + 1))
	elif [ "$rc" != 0 ] && [ "$rc" != 4 ]; then
		n=$((n + 1))
		echo "not ok $n - $p: exited with status $rc"
		failed=$((failed + 1))
	fi
done
rm -f "$count"
echo "1..$n"
[ $failed = 0 ] && [ $n -gt 0 ]
