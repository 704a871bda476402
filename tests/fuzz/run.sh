#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# run.sh SECONDS TARGET...: run each libFuzzer target of build/ for SECONDS
# from its seed corpus (corpus/TARGET) and what earlier runs found
# (build/corpus/TARGET); one TAP line a target, with its executions and
# coverage. A crash, leak or sanitizer report fails it; the input is kept
# as build/crash-TARGET-*, to replay with build/TARGET FILE.
set -u
cd "$(dirname "$0")"
secs=$1
shift
n=0
failed=0
echo "1..$#"
for t in "$@"; do
	n=$((n + 1))
	mkdir -p "build/corpus/$t"
	log=build/$t.log
	"build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="build/crash-$t-" -print_final_stats=1 \
		"build/corpus/$t" "corpus/$t" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	if [ "$rc" = 0 ]; then
		echo "ok $n - $t # ${execs:-0} executions in ${secs} s, coverage ${cov:-0}"
	else
		failed=$((failed + 1))
		echo "not ok $n - $t # exit $rc"
		grep -E 'ERROR|SUMMARY|==[0-9]+==|runtime error|abort' "$log" | head -n 20 | sed 's/^/#   /'
	fi
done
[ "$failed" = 0 ]
