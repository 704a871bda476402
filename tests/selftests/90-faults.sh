#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Allocation failures (failslab, fail_page_alloc) during create, handover,
# broadcast and destroy: no crash, no leak, a clean error to the caller, and
# once injection stops the instance works or can be destroyed.
#
# Needs a kernel with CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS
# (the debug kernel: make check-debug); skipped elsewhere. Failures are
# aimed at the task running the zab command (task-filter and
# /proc/self/make-it-fail), sleeping allocations included; everything else
# in the VM allocates normally. (The stacktrace filter, which could aim at
# zab's own code, does not exist on x86_64.) Attribute numbers: 1 name,
# 4 epoch, 20 members.
. "$(dirname "$0")/lib.sh"

FAILSLAB=/sys/kernel/debug/failslab
FAILPAGE=/sys/kernel/debug/fail_page_alloc

# fault_on PERCENT [PAGE_PERCENT]: fail that share of the slab allocations
# (and of the page allocations of order 1 and more) of tasks that asked.
fault_on() {
	local f
	if [ -z "${FAULT_READY:-}" ]; then
		for f in "$FAILSLAB" "$FAILPAGE"; do
			[ -d "$f" ] || continue
			echo 0 > "$f/probability"
			echo Y > "$f/task-filter"
			echo N > "$f/ignore-gfp-wait"
			echo 1 > "$f/interval"
			echo -1 > "$f/times"
			echo 0 > "$f/space"
			echo 1 > "$f/verbose"
		done
		[ ! -d "$FAILPAGE" ] || echo 1 > "$FAILPAGE/min-order"
		FAULT_READY=1
	fi
	echo "$1" > "$FAILSLAB/probability"
	[ ! -d "$FAILPAGE" ] || echo "${2:-0}" > "$FAILPAGE/probability"
}

need_faults() {
	[ -d "$FAILSLAB" ] || skip "no $FAILSLAB (a kernel without CONFIG_FAILSLAB; see make check-debug)"
}

fault_off() {
	[ ! -d "$FAILSLAB" ] || echo 0 > "$FAILSLAB/probability"
	[ ! -d "$FAILPAGE" ] || echo 0 > "$FAILPAGE/probability"
}

# Failing allocations must not reach the VM's root filesystem: the 9p
# client does not survive them (a failed clunk leaves files unopenable with
# EINVAL for the rest of the boot). Nor should they hit exec, which kills
# with SIGSEGV when it fails late. So the commands under injection run from
# a tmpfs, with their libraries, and turn injection on for themselves once
# loaded: a preloaded constructor writes /proc/self/make-it-fail before
# main(). zab-rmmod is rmmod(8) in four lines, for the same treatment.
FAULTY=/tmp/zab-faulty

faulty_setup() {
	local bin
	mkdir -p "$FAULTY/lib"
	gcc -O2 -shared -fPIC -o "$FAULTY/lib/make-it-fail.so" -x c - <<-EOF
	#include <fcntl.h>
	#include <unistd.h>
	__attribute__((constructor)) static void make_it_fail(void)
	{
		int fd = open("/proc/self/make-it-fail", O_WRONLY);

		if (fd < 0 || write(fd, "1", 1) != 1)
			_exit(125);
		close(fd);
	}
	EOF
	gcc -O2 -o "$FAULTY/zab-rmmod" -x c - <<-EOF
	#include <fcntl.h>
	#include <stdio.h>
	#include <sys/syscall.h>
	#include <unistd.h>
	int main(void)
	{
		if (syscall(SYS_delete_module, "zab", O_NONBLOCK)) {
			perror("rmmod zab");
			return 1;
		}
		return 0;
	}
	EOF
	for bin in "$ZABCTL" "$NLTEST" "$ZABLOAD" "$FAULTY/zab-rmmod"; do
		[ "$bin" = "$FAULTY/zab-rmmod" ] || cp "$bin" "$FAULTY/"
		ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
			xargs cp -L -t "$FAULTY/lib"
	done
	cp -L /lib64/ld-linux-x86-64.so.2 "$FAULTY/ld.so"
}

# faulty zabctl|nltest|zabload|zab-rmmod ARGS...: run the command as a task
# whose allocations may fail; its status and output in $RC and $OUT. A
# status over 128 (a signal) fails the test, and so does a broken root
# filesystem.
faulty() {
	local cmd=$1
	shift
	CMD=$cmd
	[ -x "$FAULTY/ld.so" ] || faulty_setup
	set +e
	OUT=$(cd "$FAULTY" && ./ld.so --library-path ./lib --preload ./lib/make-it-fail.so \
		"./$cmd" "$@" 2>&1 < /dev/null)
	RC=$?
	set -e
	/usr/bin/true || fail "the root filesystem broke under injection"
	[ $RC != 125 ] || fail "\`$cmd': could not turn injection on"
	[ $RC -lt 128 ] || fail "\`$cmd' died with status $RC under injection: $OUT"
}

# outcome: classify the last faulty command, in $R, and count it in the
# associative array $cnt: ok; nomem, a clean ENOMEM or
# ENOBUFS from the kernel, or its answer lost for want of memory (netlink
# then reports ENOBUFS on the socket: nltest prints error -1); setup, the
# command failed before reaching zab (it could not start, or generic
# netlink could not resolve the family, or nltest's local error, status 2,
# or zabctl's "Protocol error", its word for a libnl failure without an
# errno of its own, such as socket() failing with ENFILE when the kernel
# cannot allocate the socket's inode); anything else fails the test.
outcome() {
	if [ $RC = 0 ]; then
		R=ok
	elif [[ $OUT == *"error while loading"* || $OUT == *"no zab family"* ||
		$OUT == *"module is not loaded"* ]] ||
	     { [ "$CMD" = nltest ] && [ $RC = 2 ]; } ||
	     { [ "$CMD" = zabctl ] && [ "$OUT" = "zabctl: Protocol error" ]; }; then
		R=setup
	elif [[ ${OUT,,} == *memory* || $OUT == *ENOMEM* || ${OUT,,} == *"buffer space"* ||
		$OUT == *ENOBUFS* || $OUT =~ ^error\ (12|105|-1): ]]; then
		R=nomem
	else
		fail "unexpected error under injection (status $RC): $OUT"
	fi
	cnt[$R]=$((${cnt[$R]:-0} + 1))
}

tally() {
	echo "  $1: ${cnt[ok]:-0} ok, ${cnt[nomem]:-0} ENOMEM, ${cnt[setup]:-0} failed before reaching zab"
}

# Injection must actually have happened.
injected() {
	dmesg | grep -q 'FAULT_INJECTION: forcing a failure' || fail "no failure was injected"
}

# The registry and the devices (/sys/class/zab) agree on the instances $1*,
# and every instance has its node in /dev/zab. A node may outlive its device:
# devtmpfs allocates in the caller's context to delete it, and the driver
# core ignores its failure, so under injection a stale node is the kernel's
# doing, not zab's; they are counted in $STALE. The instances in $LISTED.
consistent() {
	local name i show
	declare -A listed=()
	LISTED=""
	STALE=0
	# a file, not a process substitution: /dev/fd may be missing
	show=$(mktemp)
	zabctl show -o name > "$show"
	while read -r name; do
		[[ $name == "$1"* ]] || continue
		listed[$name]=1
		LISTED="$LISTED $name"
		[ -e "/sys/class/zab/$name" ] || fail "instance $name has no device"
		[ -c "/dev/zab/$name" ] || fail "instance $name has no /dev/zab/$name"
	done < "$show"
	rm -f "$show"
	for i in /sys/class/zab/"$1"*; do
		[ ! -e "$i" ] || [ -n "${listed[${i##*/}]:-}" ] || fail "device ${i##*/} without its instance"
	done
	for i in /dev/zab/"$1"*; do
		[ ! -e "$i" ] || [ -n "${listed[${i##*/}]:-}" ] || STALE=$((STALE + 1))
	done
}

test_faults_create() {
	need_faults
	load_zab
	local i maj min nonode=0
	declare -A cnt
	for i in $(seq 1 32); do
		fault_on $(( (i % 4 + 1) * 2 ))	# 4, 6, 8, 2 %
		faulty zabctl create "f$i" --id 1 tickTime 100
		fault_off
		outcome
		# devtmpfs names a new node in the caller's context and the
		# driver core ignores its failure, so under injection a whole
		# instance may come without its node: make it as udev would
		# (from the device's dev attribute), and count it
		if [ -e "/sys/class/zab/f$i/dev" ] && [ ! -e "/dev/zab/f$i" ]; then
			IFS=: read -r maj min < "/sys/class/zab/f$i/dev"
			# the first node's failure leaves no /dev/zab either
			mkdir -p /dev/zab
			mknod "/dev/zab/f$i" c "$maj" "$min"
			nonode=$((nonode + 1))
		fi
		# a create that failed left nothing, or a whole instance (when
		# only its answer was lost)
		consistent f
		[ $R != ok ] || [ -c "/dev/zab/f$i" ] || fail "f$i created without its device"
	done
	tally create
	echo "  $nonode instances whose node devtmpfs did not make"
	injected
	[ "${cnt[nomem]:-0}" -gt 0 ] || fail "no create failed with ENOMEM"
	[ "${cnt[ok]:-0}" -gt 0 ] || fail "no create succeeded"
	# everything left works, and goes away
	consistent f
	for i in $LISTED; do
		zabctl set "$i" syncLimit 3
		zabctl destroy "$i"
	done
	consistent f
	[ -z "$LISTED" ] || fail "instances left: $LISTED"
	zabctl create f0 --id 1
	zabctl destroy f0
	unload_zab
}

test_faults_handover() {
	need_faults
	load_zab
	local e st out led=0
	declare -A cnt
	zabctl create h --id 1 tickTime 100
	# 24 rounds, more (up to 96) until one failed in zab: injection may hit
	# only the layers before it for a while
	for e in $(seq 1 96); do
		[ "$e" -le 24 ] || [ "${cnt[nomem]:-0}" = 0 ] || break
		fault_on $(( (e % 4 + 1) * 2 ))
		faulty nltest lead 1=str:h "4=u32:$e" 20=u32:1
		fault_off
		outcome
		st=$(state_of h)
		# LEADING after an error: it led, only the answer was lost
		[ $R != ok ] || [ "$st" = LEADING ] || fail "LEAD epoch $e succeeded, state $st"
		[ "$st" = LEADING ] || [ "$st" = LOOKING ] || fail "LEAD epoch $e: state $st"
		[ "$st" = LEADING ] || continue
		led=$((led + 1))
		out=$("$ZABLOAD" write /dev/zab/h "e$e" 1)
		expect_match "^ok 0x$(printf '%08x' "$e")00000001 " "$out"
		# stopping may fail too; the instance stays usable
		fault_on 5
		faulty nltest stop 1=str:h
		fault_off
		outcome
		[ $R != ok ] || [ "$(state_of h)" = LOOKING ] || fail "STOP ok, still leading"
		[ "$(state_of h)" = LOOKING ] || "$NLTEST" stop 1=str:h > /dev/null
		[ "$(state_of h)" = LOOKING ] || fail "STOP left h $(state_of h)"
	done
	tally lead
	injected
	[ "${cnt[nomem]:-0}" -gt 0 ] || fail "no LEAD failed with ENOMEM"
	[ $led -gt 0 ] || fail "never led"
	# without injection it leads, and every record written is there
	"$NLTEST" lead 1=str:h 4=u32:100 20=u32:1 > /dev/null || fail "LEAD after injection"
	out=$("$ZABLOAD" write /dev/zab/h last 1)
	expect_match '^ok 0x0000006400000001 ' "$out"
	out=$("$ZABLOAD" dump /dev/zab/h)
	[ "$(wc -l <<< "$out")" = $((led + 1)) ] || fail "$led epochs led, records: $out"
	zabctl destroy h
	unload_zab
}

test_faults_broadcast() {
	need_faults
	load_zab
	local tmp round reader z prev=0 out
	declare -A cnt
	tmp=$(mktemp -d)
	zabctl create b --id 1 tickTime 100
	"$NLTEST" lead 1=str:b 4=u32:1 20=u32:1 > /dev/null || fail "LEAD"
	# a reader follows the log throughout
	exec 3< /dev/zab/b
	(while out=$("$DEVTEST" read fd:3 1100000 2>&1) && [ "$out" != "ok eof" ]; do
		echo "$out"
	done > "$tmp/reader") &
	reader=$!
	exec 3<&-
	for round in 1 2 3 4 5 6; do
		# small records come from the slab, large ones (256K) from
		# pages, or vmalloc when pages of that order fail
		fault_on $((round * 4)) $((round * 10))
		faulty zabload write /dev/zab/b "r$round" 20 $((round % 2 ? 16 : 262144))
		fault_off
		echo "$OUT" > "$tmp/w.$round"
		[ $RC = 0 ] || outcome
		! grep -E '^err ' "$tmp/w.$round" | grep -Evq '^err ENOMEM ' ||
			fail "round $round: $(grep -E '^err ' "$tmp/w.$round" | grep -v ENOMEM | head -3)"
	done
	injected
	cat "$tmp"/w.* > "$tmp/all"
	grep -q '^err ENOMEM' "$tmp/all" || fail "no write failed with ENOMEM"
	grep -q '^ok ' "$tmp/all" || fail "no write succeeded"
	echo "  writes: $(grep -c '^ok ' "$tmp/all") ok, $(grep -c '^err ' "$tmp/all") ENOMEM"
	# the log holds exactly the acknowledged writes, with no gap
	"$ZABLOAD" dump /dev/zab/b > "$tmp/dump"
	awk '$1 == "ok" { print $2, $3 }' "$tmp/all" | sort > "$tmp/acked"
	sort "$tmp/dump" > "$tmp/delivered"
	cmp -s "$tmp/acked" "$tmp/delivered" ||
		fail "log and acknowledged writes differ: $(diff "$tmp/acked" "$tmp/delivered" | head -5)"
	while read -r z _; do
		[ $((z)) = $((prev + 1)) ] || [ $prev = 0 ] || fail "zxid gap before $z"
		prev=$((z))
	done < "$tmp/dump"
	out=$("$ZABLOAD" write /dev/zab/b after 3)
	[ "$(grep -c '^ok' <<< "$out")" = 3 ] || fail "writes after injection: $out"
	zabctl destroy b
	wait $reader || true
	[ "$(wc -l < "$tmp/reader")" = $(($(wc -l < "$tmp/dump") + 3)) ] ||
		fail "the reader saw $(wc -l < "$tmp/reader") records"
	unload_zab
}

test_faults_destroy() {
	need_faults
	load_zab
	local i
	declare -A cnt
	for i in $(seq 1 20); do
		zabctl create "d$i" --id 1 tickTime 100
	done
	# some lead and hold records, one is open
	for i in 1 2 3; do
		"$NLTEST" lead "1=str:d$i" 4=u32:1 20=u32:1 > /dev/null || fail "LEAD d$i"
		"$ZABLOAD" write "/dev/zab/d$i" x 3 > /dev/null
	done
	exec 3< /dev/zab/d1
	for i in $(seq 1 20); do
		fault_on $(( (i % 3 + 1) * 3 ))	# 6, 9, 3 %
		faulty zabctl destroy "d$i"
		fault_off
		outcome
		consistent d
		[ $R != ok ] || [ ! -e "/sys/class/zab/d$i" ] || fail "d$i destroyed, its device left"
	done
	tally destroy
	echo "  $STALE stale /dev/zab nodes"
	injected
	[ "${cnt[ok]:-0}" -gt 0 ] || fail "no destroy succeeded"
	exec 3<&-
	# what is left still destroys
	for i in $LISTED; do
		zabctl destroy "$i"
	done
	consistent d
	[ -z "$LISTED" ] || fail "instances left: $LISTED"
	unload_zab
}

# Module unload under injection with instances alive, a leader among them:
# it must not leak or crash even when its own cleanup cannot allocate.
test_faults_unload() {
	need_faults
	local round i
	unload_zab
	for round in 1 2 3 4; do
		load_zab
		for i in 1 2 3 4 5; do
			zabctl create "u$i" --id 1 tickTime 100
		done
		"$NLTEST" lead 1=str:u1 4=u32:1 20=u32:1 > /dev/null || fail "LEAD u1"
		"$ZABLOAD" write /dev/zab/u1 x 5 > /dev/null
		fault_on 50
		faulty zab-rmmod
		fault_off
		if lsmod | grep -q '^zab '; then
			echo "  round $round: rmmod failed under injection: $OUT"
			rmmod zab
		fi
		[ ! -e /sys/class/zab ] || fail "/sys/class/zab left behind"
		# stale nodes are possible (see consistent)
		echo "  round $round: $(ls /dev/zab 2>/dev/null | wc -w) nodes left in /dev/zab"
	done
	injected
	load_zab
	zabctl create u1 --id 1
	unload_zab
}

zab_ksft_main "$@"
