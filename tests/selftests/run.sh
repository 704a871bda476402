#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the zab selftests (inside the test VM) and print TAP.
#
#   run.sh [PATTERN]     only tests whose file or function matches PATTERN
#                        (globs; several separated by `|')
#
# Each test_* function of each [0-9]*.sh file here is one TAP test. A test
# also fails if the kernel log gains a warning, BUG, Oops, or a refcount,
# lockdep, KASAN, UBSAN or kmemleak report while it runs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export ZAB_TOP=${ZAB_TOP:-$(cd "$here/../.." && pwd)}
pattern=${1:-}
out=${ZAB_OUT:-/zab-out}
[ -d "$out" ] || out=$(mktemp -d)
bad='WARNING:|BUG:|Oops|general protection fault|refcount_t:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN:|UBSAN:|unreferenced object|INFO: task .* blocked'

n=0
failed=0
kmemleak=/sys/kernel/debug/kmemleak
mount -t debugfs none /sys/kernel/debug 2>/dev/null

for file in "$here"/[0-9]*.sh; do
	for fn in $(bash -c "source '$here/lib.sh'; source '$file'; declare -F" |
		    awk '$3 ~ /^test_/ { print $3 }'); do
		name="$(basename "$file" .sh):${fn#test_}"
		# PATTERN: one or more globs, separated by `|'
		match=${pattern:+no}
		IFS='|' read -ra globs <<< "$pattern"
		for g in "${globs[@]}"; do
			[[ "$name" == *$g* ]] && match=
		done
		[ -z "$match" ] || continue
		n=$((n + 1))
		# every test starts without the module and without namespaces
		ip -all netns delete 2>/dev/null
		for l in $(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
			[ "$l" = lo ] || ip link del "$l" 2>/dev/null
		done
		lsmod | grep -q '^zab ' && rmmod zab
		dmesg -C
		log=$(mktemp)
		start=$SECONDS
		# a test may need longer: TIMEOUT_test_NAME=SECONDS in its file
		limit=${ZAB_TEST_TIMEOUT:-300}
		own=$(bash -c "source '$here/lib.sh'; source '$file'; echo \${TIMEOUT_$fn:-0}")
		own=$((own * ${ZAB_TIME_SCALE:-1}))
		[ "$own" -le "$limit" ] || limit=$own
		timeout -k 5 "$limit" bash -c \
			'source "$1"; source "$2"; set -e; "$3"' _ \
			"$here/lib.sh" "$file" "$fn" > "$log" 2>&1
		rc=$?
		if [ $rc = 124 ]; then
			echo "timed out after $limit s; blocked tasks:" >> "$log"
			echo w > /proc/sysrq-trigger
			sleep 1
			dmesg | grep -A 30 'task:' | head -80 >> "$log"
		fi
		secs=$((SECONDS - start))
		dmesg > "$log.dmesg"
		cat "$log.dmesg" >> "$out/dmesg"
		if [ $rc = 0 ] && grep -Eq "$bad" "$log.dmesg"; then
			echo "kernel log:" >> "$log"
			grep -E -A 15 "$bad" "$log.dmesg" | head -40 >> "$log"
			rc=1
		fi
		case $rc in
		0) echo "ok $n - $name # ${secs}s" ;;
		4) echo "ok $n - $name # SKIP $(grep -m1 '^SKIP:' "$log" | cut -c7-)" ;;
		*) echo "not ok $n - $name # ${secs}s"
		   failed=$((failed + 1))
		   # why first: the logs a test dumps at exit may be long
		   grep '^FAIL:' "$log" | sed 's/^/#   /'
		   sed 's/^/#   /' "$log" | tail -n 40 ;;
		esac
		[ -z "${ZAB_VERBOSE:-}" ] || sed 's/^/#   /' "$log"
		rm -f "$log" "$log.dmesg"
	done
done
echo "1..$n"
[ -w "$kmemleak" ] && echo scan > "$kmemleak" 2>/dev/null
[ $failed = 0 ] && [ $n -gt 0 ]
