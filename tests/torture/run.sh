#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make torture: N randomised fault schedules (tests/torture/torture.sh) from
# SEED, dealt to TORTURE_VMS VMs side by side (default 1), on the stock
# kernel (KVER) or, with TORTURE_DEBUG=1, on the debug kernel.
#
#   SEED          the first schedule's seed (default: the time); a
#                 violation prints the seed that replays it with N=1
#   N             schedules (default 20)
#
# Prints each VM's TAP as it ends, then one line: "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
seed=${SEED:-$(date +%s)}
n=${N:-20}
vms=${TORTURE_VMS:-1}
per=$(((n + vms - 1) / vms))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "# torture: $n schedules from seed $seed in $vms VM(s)"
for v in $(seq 0 $((vms - 1))); do
	s=$((seed + v * per))
	c=$((n - v * per))
	[ "$c" -le "$per" ] || c=$per
	[ "$c" -gt 0 ] || continue
	if [ "${TORTURE_DEBUG:-0}" != 0 ]; then
		# sysrq y: RCU's state in a hang's report (torture.sh)
		ZAB_VM_TIMEOUT=$((c * 2400 + 900)) ZAB_VM_CPUS=${TORTURE_DEBUG_CPUS:-1} \
			ZAB_DEBUG_APPEND="${ZAB_DEBUG_APPEND:-} rcutree.sysrq_rcu=1" \
			tests/vm/debug.sh run -- tests/torture/torture.sh "$s" "$c"
	else
		ZAB_VM_TIMEOUT=$((c * 600 + 600)) ZAB_VM_CPUS=1 \
			tests/vm/run.sh -- tests/torture/torture.sh "$s" "$c"
	fi > "$out/vm.$v" 2>&1 &
done
wait
cat "$out"/vm.*
pass=$(cat "$out"/vm.* | grep -c '^ok ')
fail=$(cat "$out"/vm.* | grep -c '^not ok ')
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" = "$n" ]
