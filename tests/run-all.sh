#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every zab test (make check, make check-all), several VMs at once.
#
# First, on the host: the userspace unit tests (cmocka, ASan/UBSan) and the
# builds (zab.ko for 6.1 and 6.12 with W=1 and, with ZAB_DEBUG, the debug
# kernel and its modules). Then the VM suites, one vCPU each, as jobs that
# run side by side while their weights fit in ZAB_PARALLEL (default: the
# number of CPUs; a VM weighs 1, the crash test 2), longest first:
#   selftests-debug.K (ZAB_DEBUG=1) the selftests of tests/selftests/debug-ci
#                   on the debug kernel (all of them with ZAB_DEBUG_TESTS=all),
#                   in ZAB_DEBUG_SHARDS shards (default 1)
#   selftests-6.1.K every selftest on the stock 6.1 kernel (ZAB_KSERIES, 6.1 or
#                   6.12), in ZAB_SHARDS shards (default 2), balanced by
#                   tests/selftests/durations
#   selftests-6.12  on the other kernel, through kselftest's run_tests, the
#                   selftests that cover the kernel APIs that differ between
#                   6.1 and 6.12 (ZAB_612_TESTS; ZAB_612_TESTS=all: all)
#   crash           three VMs killed with kill -9 (tests/vm/crash.sh)
#   crash-tls       the same with encryption = tls
#   selftests-tls   with ZAB_ENCRYPTION=tls (every member connection in
#                   kernel TLS), the selftests of ZAB_TLS_TESTS on the full
#                   kernel (with ZAB_TESTS, only if ZAB_TLS is set: those)
#   kunit           (ZAB_DEBUG) the KUnit suites on the debug kernel
#   torture         ZAB_TORTURE_SLICE (default 1) randomised fault schedules
#                   (tests/torture) from a fresh seed (ZAB_TORTURE_SEED)
#   fuzz            each libFuzzer target of tests/fuzz for ZAB_FUZZ_SLICE
#                   seconds (default 10)
#   model           model/ci.sh: the Promela model within small bounds, the
#                   old behaviours' counterexamples (make model is the long run)
#   package         make deb's packages installed in a VM (tests/pkg)
#   bench           make bench with few samples, and its plot (tests/bench)
#   demo            make demo, as the README says
# Each suite prints TAP; a suite's output is shown when it ends, with its
# time. Ends with the time of each part and one line: "N passed, N failed[,
# N skipped]".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=$(mktemp -d)
T0=$SECONDS
cleanup() {
	local p
	for p in $(jobs -p); do
		kill -- "-$p" 2> /dev/null || kill "$p" 2> /dev/null
	done
	wait 2> /dev/null
	# the modules' copies of this run (tests/vm/kbuild.sh)
	cat "$log"/ko-* 2> /dev/null | while read -r _ run; do rm -rf "$run"; done
	rm -rf "$log"
}
trap cleanup EXIT
set -m	# each job a process group of its own, killed whole on exit

debug=${ZAB_DEBUG:-0}
# a TCG VM keeps one core busy: more VMs than cores only slow each of them
# down, and timeouts inside the VMs then fire on a starved guest
parallel=${ZAB_PARALLEL:-$(nproc)}
shards=${ZAB_SHARDS:-2}
debug_shards=${ZAB_DEBUG_SHARDS:-1}
# one vCPU per VM: VMs side by side share the two cores better than vCPUs
# of one VM, which spin on each other's locks when the host preempts them
export ZAB_VM_CPUS=${ZAB_VM_CPUS:-1}
# encryption = tls, CI's representative part (make check ZAB_TLS=1
# ZAB_TESTS=... runs any other): broadcast with a slow follower, recovery,
# failover, durability and key rotation (docs/testing.md). Beside the debug
# kernel (make check-all, CI) the stock shards leave these out: each
# scenario runs once, in one of the two modes.
: "${ZAB_TLS_TESTS:=80-broadcast:three_members|80-broadcast:slow_follower|82-recovery:seed_local_proposal_discarded|85-zabd:leader_failover|86-durable:restart_all_members|89-auth:key_rotation_under_load}"
# with ZAB_TESTS, only the TLS tests it selects (none: no TLS shard)
tls_tests=$ZAB_TLS_TESTS
if [ -n "${ZAB_TESTS:-}" ]; then
	tls_tests=""
	[ -z "${ZAB_TLS:-}" ] || tls_tests=$ZAB_TESTS
fi
# 6.12: the files that reach every kernel API zab uses differently on 6.12
# (docs/testing.md): the char device and its class, the netlink family's
# pre/post_doit, the wire's unaligned accessors on both ends of a broadcast,
# and TLS's read_sock
: "${ZAB_612_TESTS:=10-module|20-instance:create_destroy|20-instance:events|30-badinput:bad_ids|30-badinput:netlink_fuzz|40-privs:root_without_net_admin|40-privs:user_namespace_refused|40-privs:device_owner_and_mode|60-chardev|80-broadcast:three_members|80-broadcast:late_joiner|81-handover:handover_bad_sockets|81-handover:handed_over_socket_refused|81-handover:rogue_peer_frames|81-handover:rogue_leader_frames|91-tls:kernel_path|91-tls:bad_record_at_leader|91-tls:bad_record_at_follower}"

declare -A weight_of start_of
times=()

# tally NAME RC: keep NAME's TAP for counting; a suite that failed without
# saying which test failed counts as one failure.
tally() {
	local name=$1 rc=$2
	if [ "$rc" != 0 ] && ! grep -q '^not ok' "$log/$name.tap"; then
		echo "not ok - $name: exited with status $rc" | tee -a "$log/$name.tap"
	fi
}

# host NAME CMD...: run a step on the host now, its output shown as it comes.
host() {
	local name=$1 t=$SECONDS rc
	shift
	echo "# suite: $name"
	"$@" 2>&1 | tee "$log/$name.tap"
	rc=${PIPESTATUS[0]}
	tally "$name" "$rc"
	times+=("$name $((SECONDS - t))")
	return "$rc"
}

running=0
# reap: wait for one job to end; print its output, time and TAP.
reap() {
	local name rc
	wait -n
	for name in "${!start_of[@]}"; do
		[ -e "$log/$name.rc" ] || continue
		rc=$(cat "$log/$name.rc")
		echo "# suite: $name ($((SECONDS - start_of[$name])) s)"
		cat "$log/$name.out"
		if [ "$name" = "selftests-$other" ]; then
			# kselftest's form: count the subtests, one level down
			sed -n 's/^# \(\(not \)\{0,1\}ok \)/\1/p' "$log/$name.out"
		else
			grep -E '^(not )?ok ' "$log/$name.out"
		fi > "$log/$name.tap"
		tally "$name" "$rc"
		times+=("$name $((SECONDS - start_of[$name]))")
		running=$((running - weight_of[$name]))
		unset "start_of[$name]"
		rm -f "$log/$name.rc"
	done
}

# job NAME WEIGHT CMD...: run a suite in the background once it fits.
job() {
	local name=$1 w=$2
	shift 2
	while [ $((running + w)) -gt "$parallel" ] && [ "$running" -gt 0 ]; do
		reap
	done
	echo "# started: $name (at $((SECONDS - T0)) s)"
	weight_of[$name]=$w
	start_of[$name]=$SECONDS
	running=$((running + w))
	( "$@" > "$log/$name.out" 2>&1; echo $? > "$log/$name.rc" ) &
}

# shard K N KIND [KEEP [SKIP]]: the selftests of shard K of N (KIND stock or
# debug), only those listed in file KEEP if given and not selected by the
# pattern SKIP (as ZAB_TESTS), by longest-first assignment of
# their times in tests/selftests/durations (a test not listed there counts
# as 60 s, four times that on debug).
shard() {
	local k=$1 n=$2 col keep=${4:-} skip=${5:-}
	[ "$3" = debug ] && col=3 || col=2
	for f in tests/selftests/[0-9]*.sh; do
		zab_tests_of "$f"
	done | if [ -n "$keep" ]; then
		grep -xF -f <(sed 's/[[:space:]]*#.*//; /^$/d' "$keep")
	else
		cat
	fi | while read -r t; do
		[ -n "$skip" ] && ZAB_TEST_LIST="" ZAB_TESTS=$skip zab_selected "$t" ||
			echo "$t"
	done | awk -v k="$k" -v n="$n" -v col="$col" -v dflt=$([ "$3" = debug ] && echo 240 || echo 60) '
		FILENAME == "tests/selftests/durations" {
			if ($1 !~ /^#/) t[$1] = $col
			next
		}
		{ name[++m] = $1; d[m] = ($1 in t) ? t[$1] : dflt }
		END {
			# longest first, each to the least loaded shard
			for (i = 1; i <= m; i++) order[i] = i
			for (i = 2; i <= m; i++)
				for (j = i; j > 1 && d[order[j]] > d[order[j - 1]]; j--) {
					x = order[j]; order[j] = order[j - 1]; order[j - 1] = x
				}
			for (i = 1; i <= m; i++) {
				best = 0
				for (s = 1; s < n; s++) if (load[s] < load[best]) best = s
				load[best] += d[order[i]]
				owner[order[i]] = best
			}
			for (i = 1; i <= m; i++) if (owner[i] == k) printf "%s\n", name[i]
		}' tests/selftests/durations - | while read -r t; do
		zab_selected "$t" && printf '%s ' "$t"
	done
}

# zab_selected NAME, zab_tests_of FILE: the selection, as in each selftest
. tests/selftests/select.sh

# build_for SERIES: zab.ko for the newest installed kernel of SERIES, with
# W=1, in a copy (tests/vm/kbuild.sh); its directory in $log/ko-SERIES.
build_for() {
	local krel run
	krel=$(scripts/krel.sh "$1") || return 1
	run=$(tests/vm/kbuild.sh "/lib/modules/$krel/build" \
		"${ZAB_CACHE:-/var/cache/zab}/build/$krel" W=1 2> "$log/build.err") ||
		{ cat "$log/build.err"; return 1; }
	if grep -E 'warning|error' "$log/build.err"; then
		echo "not ok - zab.ko for $krel: warnings"
		return 1
	fi
	echo "$krel $run" > "$log/ko-$1"
	echo "ok - zab.ko for $krel (W=1, no warnings)"
}

# the whole ensemble of suites ------------------------------------------------

host unit make -s -C userspace check
# zab.ko for each stock kernel, with W=1: a warning fails the build
declare -A ko
for series in 6.1 6.12; do
	host "build-$series" build_for "$series" && ko[$series]=$(cat "$log/ko-$series")
done
# the kernel all selftests run on (make check KVER=...), and the other
case ${ZAB_KSERIES:-6.1} in
6.12*) full=6.12 other=6.1 ;;
6.1*) full=6.1 other=6.12 ;;
*) echo "run-all.sh: ZAB_KSERIES is 6.1 or 6.12, not $ZAB_KSERIES" >&2; exit 2 ;;
esac
debug_ok=0
if [ "$debug" != 0 ]; then
	# the kernel (built once, cached) and the debug modules: a failure here is
	# one failure, and the suites that need them do not run
	host debug-build tests/vm/debug.sh module && debug_ok=1
fi

# beside the debug kernel's shards (make check-all, CI) the stock shards
# run CI's slice of the repeated tests: 4 leader kills (not 20), 4 load
# cycles of 20 instances (not 20 of 50), 100 instances dumped (not 300), 10
# fuzzed connections (not 30), and leave the TLS suite's tests to it, and
# the debug slice's (tests/selftests/debug-ci) to the debug kernel: each
# scenario runs once, in one of the modes; make check runs them whole
stock_slice="" stock_skip=""
if [ "$debug" != 0 ]; then
	stock_slice="ZAB_KILLS=${ZAB_KILLS:-4} ZAB_CYCLES=${ZAB_CYCLES:-4} ZAB_CYCLE_INSTANCES=${ZAB_CYCLE_INSTANCES:-20} ZAB_MANY=${ZAB_MANY:-100} ZAB_FUZZ_ROUNDS=${ZAB_FUZZ_ROUNDS:-10}"
	[ -n "${ZAB_TESTS:-}" ] || stock_skip=$tls_tests
	if [ -z "${ZAB_TESTS:-}" ] && [ "$debug_ok" = 1 ] && [ "$debug" != kunit ] &&
		[ "${ZAB_DEBUG_TESTS:-ci}" != all ]; then
		stock_skip="$stock_skip|$(sed 's/[[:space:]]*#.*//; /^$/d' tests/selftests/debug-ci | paste -sd '|')"
	fi
fi

# longest first
if [ "$debug_ok" = 1 ] && [ "$debug" != kunit ]; then
	keep=tests/selftests/debug-ci
	[ "${ZAB_DEBUG_TESTS:-ci}" != all ] || keep=""
	for k in $(seq 0 $((debug_shards - 1))); do
		list=$(shard "$k" "$debug_shards" debug "$keep")
		# a selection (ZAB_TESTS) may leave a shard nothing to run
		[ -n "$list" ] || continue
		job "selftests-debug.$k" 1 env ZAB_TEST_LIST="$list" \
			ZAB_DEBUG_MEM=3G ${keep:+ZAB_FUZZ_ROUNDS=6 ZAB_NL_FUZZ=1000 ZAB_DEV_FUZZ=500} \
			tests/vm/debug.sh selftests "${ZAB_TESTS:-}"
	done
fi
if [ -n "${ko[$full]:-}" ]; then
	read -r krel run <<< "${ko[$full]}"
	for k in $(seq 0 $((shards - 1))); do
		list=$(shard "$k" "$shards" stock "" "$stock_skip")
		[ -n "$list" ] || continue
		# side by side with the others a test may take three times as long
		job "selftests-$full.$k" 1 env ZAB_KREL="$krel" ZAB_KO="$run/zab.ko" \
			ZAB_TEST_LIST="$list" ZAB_TEST_TIMEOUT=1200 $stock_slice \
			tests/vm/run.sh -- tests/selftests/run.sh "${ZAB_TESTS:-}"
	done
fi
# encryption = tls: the broadcast, recovery, election, durability and
# snapshot selftests again with every member connection in kernel TLS
# (zabd's handshake, or zabboot's fixed keys), on the full kernel
if [ -n "${ko[$full]:-}" ] && [ -n "$tls_tests" ]; then
	read -r krel run <<< "${ko[$full]}"
	job selftests-tls 1 env ZAB_KREL="$krel" ZAB_KO="$run/zab.ko" ZAB_ENCRYPTION=tls \
		ZAB_TEST_TIMEOUT=1200 $stock_slice tests/vm/run.sh -- tests/selftests/run.sh "$tls_tests"
fi
# spread_followers on a VM of two CPUs, one isolated (isolcpus=1): the
# leader's followers both placed on the other
if [ -n "${ko[$full]:-}" ] && { [ -z "${ZAB_TESTS:-}" ] || zab_selected 80-broadcast:spread_followers; }; then
	read -r krel run <<< "${ko[$full]}"
	job selftests-isolcpus 1 env ZAB_KREL="$krel" ZAB_KO="$run/zab.ko" ZAB_VM_CPUS=2 \
		tests/vm/run.sh -a isolcpus=1 -- tests/selftests/run.sh 80-broadcast:spread_followers
fi
# the Debian packages, built here and installed in a VM: DKMS builds zab.ko
# for every installed kernel, an ensemble runs from the installed files
if [ -z "${ZAB_TESTS:-}" ] || zab_selected package:install; then
	host deb bash -c 'scripts/mkdeb.sh > /dev/null && echo "ok - make deb: zab-dkms, zab-tools"' &&
		job package 1 env ${ko[$full]:+ZAB_KREL="${ko[$full]%% *}"} ZAB_VM_INIT=systemd \
			tests/vm/run.sh -- tests/pkg/install.sh "$top/build/deb"
fi
if [ -n "${ko[$other]:-}" ]; then
	read -r krel run <<< "${ko[$other]}"
	pattern=${ZAB_TESTS:-$ZAB_612_TESTS}
	[ "$pattern" != all ] || pattern=""
	job "selftests-$other" 1 env ZAB_KREL="$krel" ZAB_KO="$run/zab.ko" ZAB_TESTS="$pattern" \
		tests/vm/run.sh -- make -s -C tests/selftests run_tests
fi
# real crashes, three VMs of one CPU each; with ZAB_TESTS, only if it names them
if [ -z "${ZAB_TESTS:-}" ] || zab_selected crash:kill9_leader_then_all; then
	read -r krel run <<< "${ko[$full]:-}"
	job crash 2 env ${krel:+ZAB_KREL="$krel" ZAB_KO="$run/zab.ko"} tests/vm/crash.sh
fi
# the same, every member connection in kernel TLS (encryption = tls), but
# for the power losses around a synchronisation
if [ -z "${ZAB_TESTS:-}" ] || { [ -n "${ZAB_TLS:-}" ] && zab_selected crash:kill9_leader_then_all; }; then
	read -r krel run <<< "${ko[$full]:-}"
	job crash-tls 2 env ${krel:+ZAB_KREL="$krel" ZAB_KO="$run/zab.ko"} ZAB_ENCRYPTION=tls \
		ZAB_CRASH_MID_SYNC=0 tests/vm/crash.sh
fi
[ "$debug_ok" = 1 ] && job kunit 1 tests/vm/debug.sh kunit
# a slice of fresh fault schedules (make torture is the long run)
if [ -n "${ko[$full]:-}" ] && { [ -z "${ZAB_TESTS:-}" ] || zab_selected torture; }; then
	read -r krel run <<< "${ko[$full]}"
	job torture 1 env ZAB_KREL="$krel" ZAB_KO="$run/zab.ko" \
		tests/vm/run.sh -- tests/torture/torture.sh "${ZAB_TORTURE_SEED:-$(date +%s)}" \
		"${ZAB_TORTURE_SLICE:-1}"
fi
# a slice of make bench, with its plot (make bench is the long run)
if [ -n "${ko[$full]:-}" ] && { [ -z "${ZAB_TESTS:-}" ] || zab_selected bench; }; then
	read -r krel run <<< "${ko[$full]}"
	job bench 1 env ZAB_KREL="$krel" ZAB_KO="$run/zab.ko" tests/bench/slice.sh
fi
# a slice of the model checks (make model, make model-disk are the long runs)
if [ -z "${ZAB_TESTS:-}" ] || zab_selected model; then
	job model 1 model/ci.sh
fi
# a slice of each libFuzzer target (make fuzz is the long run)
if [ -z "${ZAB_TESTS:-}" ] || zab_selected fuzz; then
	job fuzz 1 make -s -C tests/fuzz check FUZZ_SLICE="${ZAB_FUZZ_SLICE:-10}"
fi
# the main job, exactly as the README runs it
[ -n "${ZAB_TESTS:-}" ] || job demo 1 bash -c "make -s demo KVER=$full && echo 'ok 1 - demo: make demo'"
while [ "$running" -gt 0 ]; do
	reap
done

echo "# time of each part (s):"
printf '#   %s\n' "${times[@]}"
echo "#   all $((SECONDS - T0))"
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
