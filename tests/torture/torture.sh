#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Randomised fault schedules (make torture), inside a test VM with zab.ko not
# loaded:
#
#   torture.sh SEED COUNT     schedules SEED, SEED+1, ... SEED+COUNT-1
#
# Each schedule is drawn from its seed alone (bash's RANDOM), so
# `make torture SEED=S N=1` replays schedule S. It sets up an ensemble of 3
# (or 5) members run by zabd in network namespaces (one more, an observer,
# for the seeds that leave 1 divided by 4), with a random
# durability (fsync or write), a small window at times (members cut off
# for long come back by SNAP), and snapshots and purges at times during the
# load; a writer writes on every member all along, and a watcher notes
# every record each device delivers as committed. Then 4 to 10 faults, a
# random pause after each:
#   crash       kill -9 of a member's zabd, its instance destroyed (the
#               leader half of the time)
#   crash-sync  the leader crashes, then another member as it leads or
#               follows the next epoch, within 100 ms (discovery, sync)
#   restart     a crashed member starts again from its dataDir
#   crash-all   every member crashes, then all start again (a process
#               crash: the page cache survives, so durability=write is
#               as safe here as fsync; power loss is make crash's); half
#               the time with zab.ko unloaded and loaded again between,
#               the writers still trying
#   cut         a silent partition of a member: every IPv4 packet dropped
#               both ways (ARP passes), no error on the sockets
#   cut-out     the member's packets dropped, it still hears the others
#               (TCP makes that two-way for connections soon enough)
#   cut-pair    two members stop hearing each other, both hear the rest
#   stall       every packet of a member 3 s late, past syncLimit: alive,
#               but gone to the others (a zombie leader, when it led)
#   flaky       delay with jitter, loss, duplication and reordering on a
#               member's link
#   heal        a member's link made whole
#   pause       a member's zabd stopped (SIGSTOP) for a while, then resumed
#               (its kernel goes on)
#   disk-full   a member's dataDir (a 64 MiB tmpfs of its own) filled up:
#               its log and epoch files cannot be written until a heal of
#               that member frees it
# At the end every link is healed, every member started; the ensemble must
# form again within a minute (liveness), commit a few more writes, and
# every member's history (zabctl tail, from disk where it left the window)
# must pass the selftests' checker: one order, each member a prefix of it,
# every acknowledged write exactly once, nothing nobody wrote; every record
# a device delivered as committed along the way is in it; every sync
# (ZAB_IOC_SYNC, on every member every second) that succeeded covered
# every write acknowledged before it began; every member's
# acceptedEpoch and currentEpoch are the epoch it follows. The kernel log
# must show no warning, BUG, KASAN, lockdep or refcount report.
#
# Prints TAP, one line a schedule ("ok N - torture:SEED # SECONDS s, the
# faults"); a violation prints the seed, the schedule and the failure. Ends
# with a line of totals.
set -u
seed0=${1:?usage: torture.sh SEED COUNT}
count=${2:?usage: torture.sh SEED COUNT}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../selftests/lib.sh"

# hist_dump DIR I: member I's committed history from the start, as
# zabload dump prints it (fixed-width zxid, record), into DIR/dump.I.
hist_dump() {
	nsx "zab$2" "$ZABCTL" tail "z$2" --from 1 > "$1/tail.$2" ||
		fail "zabctl tail z$2 failed: $(tail -n 2 "$1/tail.$2")"
	untag < "$1/tail.$2" |
		awk -F'\t' '{ z = substr($1, 3); while (length(z) < 16) z = "0" z
		print "0x" z, $2 }' > "$1/dump.$2"
}

# first_is I ZXID: member I's history starts at ZXID (zabctl tail's form).
first_is() {
	[ "$(nsx "zab$1" "$ZABCTL" tail "z$1" --from 1 | head -n 1 | cut -f1)" = "$2" ]
}

# epochs_are I E: member I's acceptedEpoch and currentEpoch are E.
epochs_are() {
	[ "$(cat "$ENS_TMP/data$1/acceptedEpoch")" = "$2" ] &&
		[ "$(cat "$ENS_TMP/data$1/currentEpoch")" = "$2" ]
}

# pick WORDS...: one of the words, at random, in PICK. Not $(pick ...):
# bash reseeds RANDOM in a subshell, and the schedule would not replay.
pick() {
	local a=("$@")
	PICK=${a[RANDOM % $#]}
}

# link_clear I: member I's link without netem or drops.
link_clear() {
	nsx "zab$1" tc qdisc del dev eth0 root 2> /dev/null || true
	tc qdisc del dev "veth$1" root 2> /dev/null || true
}

# blackhole [NS] DEV: give DEV a prio root whose fourth band, 1:4, drops
# what it is given, silently (netem's loss returns success to the sender);
# the default priomap never picks 1:4, so only a filter's flowid sends
# packets there. Filters with a flowid need only cls_u32, not the actions
# (cls_act, act_gact, cls_matchall) a small kernel may lack; the debug
# kernel has none of those.
blackhole() {
	local dev=${*: -1} pre=()
	[ $# = 1 ] || pre=(nsx "$1")
	"${pre[@]}" tc qdisc replace dev "$dev" root handle 1: prio bands 4 \
		priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1
	"${pre[@]}" tc qdisc replace dev "$dev" parent 1:4 handle 40: netem loss 100%
}

# drop_ip [NS] DEV: drop every IPv4 packet DEV sends, silently (no error to
# the sender); ARP still passes, so neighbours stay resolved and a long cut
# stays silent instead of turning into EHOSTUNREACH, and a one-way cut stays
# one-way.
drop_ip() {
	local dev=${*: -1} pre=()
	[ $# = 1 ] || pre=(nsx "$1")
	blackhole "$@"
	"${pre[@]}" tc filter add dev "$dev" parent 1: protocol ip prio 1 \
		u32 match u32 0 0 flowid 1:4
}

# watch_commits I: until $ENS_TMP/stop, every second, append the records
# member I's device newly delivered as committed to $ENS_TMP/seen.I: a record
# once committed must be in the final history, whatever happened after
# (the final state alone would not show one committed, then truncated and
# replaced).
watch_commits() {
	local i=$1 from=1 out last
	while [ ! -e "$ENS_TMP/stop" ]; do
		if [ -e "/dev/zab/z$i" ]; then
			# zabctl tail reads from disk what left the window
			out=$(nsx "zab$i" "$ZABCTL" tail "z$i" --from "$from" 2> /dev/null | untag |
				awk -F'\t' '$1 ~ /^0x/ { z = substr($1, 3)
					while (length(z) < 16) z = "0" z; print "0x" z, $2 }') || true
			if [ -n "$out" ]; then
				echo "$out" >> "$ENS_TMP/seen.$i"
				last=$(tail -n 1 <<< "$out" | cut -d' ' -f1)
				from=$((last + 1))
			fi
		fi
		sleep 1
	done
}

# check_syncs MEMBERS...: until $ENS_TMP/stop, a sync on each member in
# turn, a round a second. One that succeeds must return a read index at or
# above the zxid of every write acknowledged before it began, with the
# member's commit point there (devtest checks both); a violation goes to
# $ENS_TMP/syncbad. Failures (no leader, the leader changed) are what a sync
# may answer in a fault.
check_syncs() {
	local i max out
	while [ ! -e "$ENS_TMP/stop" ]; do
		for i in "$@"; do
			[ -e "/dev/zab/z$i" ] || continue
			# whole lines only: a zxid is 18 characters
			max=$(cat "$ENS_TMP"/w.* 2> /dev/null |
				awk '$1 == "ok" && length($2) == 18 && ($2 "") > m { m = $2 } END { print m }')
			out=$(timeout 30 "$DEVTEST" sync "/dev/zab/z$i" 1 "${max:-0}" 2>&1) || true
			case $out in
			ok*) echo "$out" >> "$ENS_TMP/syncs" ;;
			bad*) echo "z$i after $max: $out" >> "$ENS_TMP/syncbad" ;;
			*) echo "z$i: ${out:-timed out}" >> "$ENS_TMP/syncfail" ;;
			esac
		done
		sleep 1
	done
}

# up_members: the members whose zabd runs, in UPS.
up_members() {
	local i
	UPS=()
	for i in $members; do [ "${up[$i]}" = 1 ] && UPS+=("$i"); done
	return 0
}

# leader_of: the member that leads, among those up, in LEADER_NOW ("" if none).
leader_of() {
	local i
	LEADER_NOW=""
	for i in $members; do
		[ "${up[$i]}" = 1 ] && [ "$(zst "$i" state)" = 2 ] && LEADER_NOW=$i
	done
	return 0
}

# at the exit of a schedule: zabd stopped (zabd_cleanup), then the
# members' dataDirs unmounted
# fail, keeping a failed schedule's files (writers' lines, what members
# delivered, zabd logs) where the host keeps them (ZAB_VM_OUT)
fail() {
	echo "FAIL: $*" >&2
	if [ -d /zab-out ] && [ -n "${ENS_TMP:-}" ]; then
		mkdir -p "/zab-out/ens.$SEED_NOW"
		cp "$ENS_TMP"/w.* "$ENS_TMP"/dump.* "$ENS_TMP"/tail.* "$ENS_TMP"/seen.* \
			"$ENS_TMP"/zabd.*.log "/zab-out/ens.$SEED_NOW/" 2> /dev/null || true
	fi
	exit 1
}

# untag: zabctl tail's lines with an exactly-once record's tag (32 bytes,
# escaped: \x00ZON, then 28 bytes each \xNN or a printable character)
# taken off, as zabload's lines have it
untag() {
	sed -E 's/\t\\x00ZON(\\x[0-9a-f]{2}|[^\\]){28}/\t/'
}

torture_cleanup() {
	local rc=$? i
	(exit "$rc")
	zabd_cleanup
	rc=$?
	for i in $members; do
		umount "$ENS_TMP/data$i" 2> /dev/null || true
	done
	return "$rc"
}

# down I: member I crashes (zabd_crash); a zabd that had exited by itself
# (a full disk at start) is reaped and its instance, if any, destroyed.
down() {
	if zabd_alive "$1"; then
		zabd_crash "$1"
	else
		wait "$(cat "$ENS_TMP/zabd.$1.pid")" 2> /dev/null || true
		nsx "zab$1" "$ZABCTL" destroy "z$1" 2> /dev/null || true
	fi
	up[$1]=0
}

# disk_free I: member I's dataDir has room again.
disk_free() {
	rm -f "$ENS_TMP/data$1/filler"
}

# reload_zab: with every instance destroyed, zab.ko unloaded and loaded
# again while the writers, watchers and syncs go on trying (the kernel's
# state gone, the dataDirs kept): a file of a destroyed instance that is
# still open holds the module, and must be let go within 30 s.
reload_zab() {
	local end=$((SECONDS + 30 * ZAB_TIME_SCALE))
	# rmmod would destroy an instance left over: none may be
	[ -z "$(ls /sys/class/zab 2> /dev/null)" ] ||
		fail "instances left after every member crashed: $(ls /sys/class/zab | tr '\n' ' ')"
	until rmmod zab 2> /dev/null; do
		[ $SECONDS -lt $end ] ||
			fail "zab.ko still in use 30 s after every instance was destroyed (refcnt $(cat /sys/module/zab/refcnt 2> /dev/null)); held by: $(for p in /proc/[0-9]*; do ls -l "$p/fd" 2> /dev/null | grep -q /dev/zab/ && echo "${p#/proc/} $(cat "$p/comm")"; done | head -n 5 | tr '\n' ' ')"
		sleep 0.1
	done
	insmod_zab
}

# one SEED: one schedule; exits non-zero (fail) on a violation.
one() {
	local seed=$1 n i k f g e what t t0 conf q ups f0 r1 r2 r3 r4 r5 r6 rest out obs
	SEED_NOW=$seed
	RANDOM=$seed
	pick 3 3 3 5
	n=$PICK
	# a quarter of the schedules (every one with ZAB_TORTURE_OBSERVERS=1)
	# with one more member, an observer (not drawn, as the exactly-once
	# writers below: the schedules of the other seeds stay as they were)
	obs=""
	if [ $((seed % 4)) = 1 ] || [ -n "${ZAB_TORTURE_OBSERVERS:-}" ]; then
		n=$((n + 1))
		obs=$n
	fi
	# shellcheck disable=SC2086
	observers_setup "$n" $obs
	members=$(seq 1 "$n")
	trap torture_cleanup EXIT
	# each dataDir a disk of its own, which disk-full fills
	for i in $members; do
		mkdir -p "$ENS_TMP/data$i"
		mount -t tmpfs -o size=64M "zabdisk$i" "$ENS_TMP/data$i"
	done
	pick fsync write
	conf="durability = $PICK"
	[ $((RANDOM % 2)) = 0 ] || conf+=$'\nwindowBytes = 64K\nmaxRecordSize = 1K'
	pick 200 500 1000
	[ $((RANDOM % 2)) = 0 ] ||
		conf+=$'\nsegmentBytes = 64K\nsnapCount = '$PICK$'\nsnapRetainCount = 3'
	for i in $members; do
		echo "$conf" >> "$ENS_TMP/z$i.conf"
	done
	# a third of the schedules (every one with ZAB_TORTURE_ONCE=1) with
	# exactly-once writers, which retry a record that failed until it
	# commits (not drawn: the schedules of the other seeds stay as they were)
	if [ $((seed % 3)) = 0 ] || [ -n "${ZAB_TORTURE_ONCE:-}" ]; then
		export ZABLOAD_ONCE=1
		conf+=$'\n# exactly-once writers'
	elif [ -n "${ZAB_TORTURE_BATCH:-}" ]; then
		# ZAB_TORTURE_BATCH=N: the other writers append N records a call
		# (ZAB_IOC_APPEND_BATCH; one exactly-once record in flight a client)
		export ZABLOAD_BATCH=$ZAB_TORTURE_BATCH
		conf+=$'\n# writers in batches of '$ZAB_TORTURE_BATCH
	fi
	echo "  seed $seed: $n members${obs:+ (member $obs observes)}, $(tr '\n' ' ' <<< "$conf")"
	declare -A up
	for i in $members; do up[$i]=1; done
	# shellcheck disable=SC2086
	zabd_start $members
	# shellcheck disable=SC2086
	wait_formed 30 $members
	# shellcheck disable=SC2086
	writers_start $members
	for i in $members; do
		watch_commits "$i" &
		WRITERS="$WRITERS $!"
	done
	# shellcheck disable=SC2086
	check_syncs $members &
	WRITERS="$WRITERS $!"
	k=$((4 + RANDOM % 7))
	for t in $(seq 1 "$k"); do
		pick crash crash crash-sync restart restart cut cut-out cut-pair flaky stall heal \
			pause crash-all disk-full
		what=$PICK
		# the same draws whatever the branch: what happens in a schedule
		# (is there a leader?) must not shift the draws after it
		r1=$RANDOM r2=$RANDOM r3=$RANDOM r4=$RANDOM r5=$RANDOM r6=$RANDOM
		rest="$((RANDOM % 3)).$((RANDOM % 10))"
		case $what in
		crash)
			leader_of
			up_members
			[ ${#UPS[@]} -gt 0 ] || continue
			f=${UPS[r1 % ${#UPS[@]}]}
			[ -z "$LEADER_NOW" ] || [ $((r2 % 2)) = 1 ] || f=$LEADER_NOW
			down "$f"
			what="crash $f${LEADER_NOW:+ (leader $LEADER_NOW)}" ;;
		crash-sync)
			# the leader dies; then a member dies as it follows the next
			# one, within 100 ms: in discovery or synchronisation
			leader_of
			[ -n "$LEADER_NOW" ] || continue
			down "$LEADER_NOW"
			up_members
			what="crash $LEADER_NOW (leader)"
			if [ ${#UPS[@]} -gt 1 ]; then
				f=${UPS[r1 % ${#UPS[@]}]}
				t0=$(wc -l < "$ENS_TMP/zabd.$f.log")
				# at the line itself, not at the next poll
				timeout $((20 * ZAB_TIME_SCALE)) sh -c "tail -n +$((t0 + 1)) -f '$ENS_TMP/zabd.$f.log' |
					grep -m1 -q 'FOLLOWING leader\|LEADING epoch'" || true
				sleep "0.0$((r2 % 10))"
				down "$f"
				what="crash-sync: leader $LEADER_NOW, then member $f as the next epoch formed"
			fi ;;
		restart)
			ups=()
			for i in $members; do [ "${up[$i]}" = 0 ] && ups+=("$i"); done
			[ ${#ups[@]} -gt 0 ] || continue
			f=${ups[r1 % ${#ups[@]}]}
			zabd_start "$f"
			up[$f]=1
			what="restart $f" ;;
		crash-all)
			for i in $members; do
				[ "${up[$i]}" = 0 ] || down "$i"
			done
			# half of them (r1, drawn at every step: the other
			# draws stay as they were) with zab.ko reloaded between
			if [ $((r1 % 2)) = 1 ]; then
				reload_zab
				what="crash-all with zab.ko reloaded"
			fi
			# shellcheck disable=SC2086
			zabd_start $members
			for i in $members; do up[$i]=1; done ;;
		cut | cut-out)
			f=$((1 + r1 % n))
			link_clear "$f"
			drop_ip "zab$f" eth0
			[ "$what" = cut-out ] || drop_ip "veth$f"
			what="$what $f" ;;
		cut-pair)
			# two members stop hearing each other; both still hear the rest
			f=$((1 + r1 % n))
			g=$((1 + (f + r2 % (n - 1)) % n))
			for i in "$f:$g" "$g:$f"; do
				# beside a cut's filter at prio 1, one at prio 2
				blackhole "zab${i%:*}" eth0
				nsx "zab${i%:*}" tc filter add dev eth0 parent 1: protocol ip prio 2 \
					u32 match ip dst "10.77.0.${i#*:}/32" flowid 1:4
			done
			what="cut-pair $f $g" ;;
		stall)
			# every packet of a member 3 s late, past syncLimit: its zabd
			# and kernel alive, the others see it gone (a zombie leader)
			f=$((1 + r1 % n))
			link_clear "$f"
			nsx "zab$f" tc qdisc replace dev eth0 root netem delay 3000ms
			tc qdisc replace dev "veth$f" root netem delay 3000ms
			what="stall $f" ;;
		flaky)
			f=$((1 + r1 % n))
			link_clear "$f"
			q="delay $((1 + r2 % 60))ms $((r3 % 20))ms loss $((r4 % 10))% duplicate $((r5 % 5))% reorder $((r6 % 25))%"
			# shellcheck disable=SC2086
			nsx "zab$f" tc qdisc replace dev eth0 root netem $q
			# shellcheck disable=SC2086
			tc qdisc replace dev "veth$f" root netem $q
			what="flaky $f ($q)" ;;
		heal)
			f=$((1 + r1 % n))
			link_clear "$f"
			disk_free "$f"
			what="heal $f" ;;
		disk-full)
			f=$((1 + r1 % n))
			dd if=/dev/zero of="$ENS_TMP/data$f/filler" bs=64K status=none 2> /dev/null || true
			what="disk-full $f" ;;
		pause)
			f=$((1 + r1 % n))
			[ "${up[$f]}" = 1 ] || continue
			kill -STOP "$(cat "$ENS_TMP/zabd.$f.pid")"
			sleep "$((r2 % 4)).$((r3 % 10))"
			kill -CONT "$(cat "$ENS_TMP/zabd.$f.pid")"
			what="pause $f" ;;
		esac
		sleep "$rest"
		echo "  $t: $what; $(acked_count) writes acknowledged"
	done
	# heal, start everyone: the ensemble must form and commit again
	for i in $members; do
		link_clear "$i"
		disk_free "$i"
	done
	for i in $members; do
		# a zabd that found its disk full at start said so and exited
		if [ "${up[$i]}" = 1 ] && ! zabd_alive "$i"; then
			echo "  member $i's zabd had exited: $(tail -n 1 "$ENS_TMP/zabd.$i.log" | cut -c25-)"
			down "$i"
		fi
		[ "${up[$i]}" = 1 ] || zabd_start "$i"
	done
	# shellcheck disable=SC2086
	if ! wait_for 60 formed $members; then
		# what each member that does not follow the others was doing
		for i in $members; do
			case $(zst "$i" state) in
			1|2) continue ;;
			esac
			echo "  member $i (zabd $(zabd_alive "$i" && echo running || echo gone)), its log's end:"
			tail -n 25 "$ENS_TMP/zabd.$i.log" | cut -c1-200 | sed 's/^/    /'
		done
		# shellcheck disable=SC2086
		wait_formed 1 $members
	fi
	writers_stop
	# shellcheck disable=SC2086
	write_on "$ENS_TMP" end 3 $members
	# shellcheck disable=SC2086
	converge_to "$LEADER" $members
	# a member synchronised by SNAP holds its history from zxid 0 once it
	# fetched the leader's snapshot (retried every 10 s)
	f0=$(nsx "zab$LEADER" "$ZABCTL" tail "z$LEADER" --from 1 | head -n 1 | cut -f1)
	for i in $members; do
		wait_for 30 first_is "$i" "$f0" ||
			fail "member $i's history starts at $(nsx "zab$i" "$ZABCTL" tail "z$i" --from 1 | head -n 1 | cut -f1), the leader's at $f0"
		hist_dump "$ENS_TMP" "$i"
	done
	# shellcheck disable=SC2086
	check_logs "$ENS_TMP" $members
	# every record a device delivered as committed along the way
	sort -u "$ENS_TMP"/seen.* 2> /dev/null | comm -23 - "$ENS_TMP/delivered" > "$ENS_TMP/lost"
	[ ! -s "$ENS_TMP/lost" ] ||
		fail "committed, then lost: $(head -n 3 "$ENS_TMP/lost")"
	# every sync that succeeded covered what was acknowledged before it;
	# now that the ensemble is whole, a sync on every member succeeds
	[ ! -s "$ENS_TMP/syncbad" ] ||
		fail "a sync missed acknowledged writes: $(head -n 3 "$ENS_TMP/syncbad")"
	q=$(cat "$ENS_TMP"/w.* | awk '$1 == "ok" && length($2) == 18 && ($2 "") > m { m = $2 } END { print m }')
	for i in $members; do
		out=$(timeout 30 "$DEVTEST" sync "/dev/zab/z$i" 1 "$q" 2>&1) ||
			fail "a sync on member $i once the ensemble formed again: ${out:-timed out}"
	done
	# each member's epoch files: the epoch it follows, established (in the
	# same epoch still: a new election meanwhile is a failure of its own)
	e=$EPOCH
	# shellcheck disable=SC2086
	wait_formed 10 $members
	[ "$EPOCH" = "$e" ] || fail "a new election after the ensemble settled: epoch $e, then $EPOCH"
	for i in $members; do
		wait_for 10 epochs_are "$i" "$EPOCH" ||
			fail "member $i: acceptedEpoch $(cat "$ENS_TMP/data$i/acceptedEpoch"), currentEpoch $(cat "$ENS_TMP/data$i/currentEpoch"), epoch $EPOCH"
	done
	echo "  formed again: leader $LEADER, epoch $EPOCH; $(sort -u "$ENS_TMP"/seen.* | wc -l) commits seen along the way;" \
		"$(cat "$ENS_TMP/syncs" 2> /dev/null | wc -l) syncs checked ($(cat "$ENS_TMP/syncfail" 2> /dev/null | wc -l) failed in faults);" \
		"syncs by DIFF $(field_ns "zab$LEADER" "z$LEADER" sync_diff), TRUNC $(field_ns "zab$LEADER" "z$LEADER" sync_trunc), SNAP $(field_ns "zab$LEADER" "z$LEADER" sync_snap) on the last leader"
}

if [ "${1:-}" = --one ]; then
	shift
	set -eE
	# a command that fails the schedule says which
	trap 'echo "FAIL: line $LINENO: $BASH_COMMAND (status $?)"' ERR
	one "$1"
	exit 0
fi

# Who used the CPUs over 5 s, and whether softirqs (RCU's callbacks among
# them) still ran: what a hang report needs besides the blocked tasks.
cpu_hogs() {
	local snap
	snap() {
		local f
		for f in /proc/[0-9]*/task/[0-9]*/stat; do
			# pid (comm) state ... utime stime (the 12th, 13th after state)
			awk '{ c = $0; sub(/^[0-9]+ \(/, "", c); sub(/\) .*/, "", c)
				r = $0; sub(/^.*\) /, "", r); split(r, f, " ")
				print $1, f[12] + f[13], f[1], c }' "$f" 2> /dev/null
		done
	}
	snap | LC_ALL=C sort > /tmp/cpu_hogs.a
	cat /proc/softirqs > /tmp/cpu_hogs.sa
	# RCU's grace periods and callbacks invoked, 5 s apart, where the
	# kernel was booted with rcutree.sysrq_rcu=1 (the debug VMs)
	echo y > /proc/sysrq-trigger 2> /dev/null
	sleep 5
	echo y > /proc/sysrq-trigger 2> /dev/null
	snap | LC_ALL=C sort > /tmp/cpu_hogs.b
	echo "RCU (sysrq y, 5 s apart):"
	dmesg | grep -E 'wait state|rcu_node 0:|callbacks invoked' | tail -6
	echo "CPU time over 5 s (ticks, tid, state, name):"
	LC_ALL=C join /tmp/cpu_hogs.a /tmp/cpu_hogs.b |
		awk '$5 - $2 > 0 { print $5 - $2, $1, $6, $7 }' | sort -rn | head -12
	echo "softirqs 5 s apart:"
	cat /tmp/cpu_hogs.sa
	cat /proc/softirqs
	# under kmemleak every free is an RCU callback: who frees, and how
	# many objects wait for one (kmemleak_object), where the kernel has
	# them
	local t=/sys/kernel/debug/tracing
	if [ -d "$t/events/kmem/kfree" ]; then
		echo > "$t/trace"
		echo 1 > "$t/events/kmem/kfree/enable"
		echo 1 > "$t/events/kmem/kmem_cache_free/enable"
		sleep 1
		echo 0 > "$t/events/kmem/kfree/enable"
		echo 0 > "$t/events/kmem/kmem_cache_free/enable"
		echo "frees over 1 s by call site (the newest the buffer holds):"
		sed -n 's/.*call_site=\([^ ]*\).*/\1/p' "$t/trace" | sort | uniq -c | sort -rn | head -15
		echo > "$t/trace"
	fi
	echo "slabs (active objects):"
	awk '/^(kmemleak_object|skbuff_head_cache|radix_tree_node|filp|kmalloc-(64|128|192|256|512|1k)) / { print "  " $1, $2 }' /proc/slabinfo
	grep -E '^(MemFree|Slab):' /proc/meminfo
	echo "qdiscs:"
	for f in /run/netns/*; do
		[ -e "$f" ] && ip netns exec "${f##*/}" tc -s qdisc show 2> /dev/null | sed "s|^|  ${f##*/}: |"
	done
	tc -s qdisc show | grep -v 'noqueue' | sed 's/^/  host: /'
	echo "runnable:"
	grep -l '^[0-9]* (.*) R' /proc/[0-9]*/task/[0-9]*/stat 2> /dev/null |
		while read -r f; do sed -E 's/^([0-9]+) \((.*)\) .*/  \1 \2/' "$f" 2> /dev/null; done
}

# a schedule's time limit: ZAB_TORTURE_LIMIT seconds, else 600 scaled
limit=${ZAB_TORTURE_LIMIT:-$((600 * ZAB_TIME_SCALE))}
pass=0
failed=0
echo "TAP version 13"
echo "1..$count"
mount -t debugfs none /sys/kernel/debug 2> /dev/null
for s in $(seq 0 $((count - 1))); do
	seed=$((seed0 + s))
	zab_clean_slate
	log=$(mktemp)
	start=$SECONDS
	timeout -k 5 "$limit" bash "$0" --one "$seed" > "$log" 2>&1
	rc=$?
	if [ $rc = 124 ] || [ $rc = 137 ]; then	# 137: it ignored the TERM
		echo "FAIL: timed out after $limit s" >> "$log"
		cpu_hogs >> "$log"
		echo "blocked tasks:" >> "$log"
		echo t > /proc/sysrq-trigger	# every task: a spinning one's stack too
		echo w > /proc/sysrq-trigger
		sleep 1
		dmesg | grep -E -A 30 'task:|rcu: INFO|detected stall' | head -120 >> "$log"
	fi
	secs=$((SECONDS - start))
	dmesg > "$log.dmesg"
	# the whole kernel log and output of a failure, where the host keeps
	# them (ZAB_VM_OUT): the 60 lines below are not always enough
	if [ $rc != 0 ] && [ -d /zab-out ]; then
		cp "$log.dmesg" "/zab-out/dmesg.$seed"
		cp "$log" "/zab-out/log.$seed"
	fi
	if [ $rc = 0 ] && grep -Eq "$ZAB_BAD_KLOG" "$log.dmesg"; then
		echo "kernel log:" >> "$log"
		grep -E -A 15 "$ZAB_BAD_KLOG" "$log.dmesg" | head -40 >> "$log"
		rc=1
	fi
	faults=$(grep -E '^  [0-9]+: ' "$log" | sed 's/^  [0-9]*: //; s/;.*//' | paste -sd, -)
	if [ $rc = 0 ]; then
		echo "ok $((s + 1)) - torture:$seed # ${secs}s: $faults"
		pass=$((pass + 1))
		[ -z "${ZAB_VERBOSE:-}" ] || sed 's/^/#   /' "$log"
	else
		echo "not ok $((s + 1)) - torture:$seed # ${secs}s (replay: make torture SEED=$seed N=1)"
		grep '^FAIL:' "$log" | sed 's/^/#   /'
		sed 's/^/#   /' "$log" | tail -n 60
		failed=$((failed + 1))
	fi
	rm -f "$log" "$log.dmesg"
done
echo "# torture: $count schedules from seed $seed0: $pass passed, $failed failed"
[ "$failed" = 0 ]
