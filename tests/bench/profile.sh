#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make profile: where a commit's time goes, run inside the test VM. A
# 3-member ensemble in network namespaces (memory mode, as make bench),
# ZAB_PROFILE_WRITERS writers (default 16) on the leader for
# ZAB_PROFILE_SECONDS (default 5) appending 64 B records,
# ZAB_PROFILE_BATCH per call (default 64; 1: one per write), under
# `perf record -a -g` (cpu-clock: TCG has no PMU); then the hottest symbols,
# without and with their callees; with ZAB_PROFILE_CALLERS="SYM...", the
# call chains into each of those symbols.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
export ZAB_TOP=${ZAB_TOP:-$(cd "$here/../.." && pwd)}
# shellcheck source=../selftests/lib.sh
source "$ZAB_TOP/tests/selftests/lib.sh"
B="$here/zabbench"
secs=${ZAB_PROFILE_SECONDS:-5}
batch=${ZAB_PROFILE_BATCH:-64}
writers=${ZAB_PROFILE_WRITERS:-16}
command -v perf > /dev/null || { echo "profile: perf is not installed (apt-get install linux-perf)" >&2; exit 2; }

ENS_TMP=$(mktemp -d)
ens_setup 3 1000
ens_boot 3 1 1
data=$ENS_TMP/perf.data
echo "# zab profile: $(uname -r), $(nproc) vCPUs, 3 members, memory mode, $writers writers of 64 B records, $batch per call, $secs s"
ZABBENCH_BATCH=$batch perf record -q -a -g -e cpu-clock -F 997 -o "$data" -- \
	"$B" tput /dev/zab/z1 64 "$writers" "$secs" 2> /dev/null
echo "# self time by symbol"
perf report -i "$data" --no-children --sort sym --stdio 2> /dev/null |
	grep -v '^#' | grep -E '^ +[0-9]' | head -n 45
echo "# with callees, by symbol"
perf report -i "$data" --children --sort sym --stdio -g none 2> /dev/null |
	grep -v '^#' | grep -E '^ +[0-9]' | head -n 45
echo "# by command"
perf report -i "$data" --no-children --sort comm --stdio 2> /dev/null |
	grep -v '^#' | grep -E '^ +[0-9]' | head -n 12
# ZAB_PROFILE_CALLERS="SYM...": who calls each of these symbols
for sym in ${ZAB_PROFILE_CALLERS:-}; do
	echo "# callers of $sym"
	perf report -i "$data" --no-children --symbols "$sym" --stdio -G 2> /dev/null |
		grep -v '^#' | grep -v '^$' | head -n 60
done
