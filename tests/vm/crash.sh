#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Real crashes. Three members in three qemu VMs (the stock kernel) on one
# virtual network (hub.c), each with its dataDir on a virtual disk backed by
# a host file with a write-through cache, durability fsync. A writer on
# every member writes all along. kill -9 the leader's qemu: a new leader
# must commit; boot it again: it must rejoin. Then kill -9 all three qemus
# at once and boot them again. Then power losses in the middle of a
# synchronisation: of the follower being synchronised, then of its leader,
# then of a quorum that needs a member just synchronised (mid_sync). At the end every write any member
# acknowledged, in any boot, must be in every member's log, once, in one
# order (check_logs). Prints TAP; the VMs' consoles and logs are shown if
# it fails.
#
# With a seed, power losses of random subsets at random moments instead
# (make torture-vms): ROUNDS rounds (default 5), each kills -9 the qemus
# of one, two or all three members (the leader among them half the time
# when one or two go) after a random 0-3 s of writes, waits for a quorum
# left to commit, boots them again and waits for all to rejoin; the same
# check at the end. A failure prints the seed that replays it: the same
# draws, with the same bash, though elections may pick other leaders and
# so other victims.
#
#	tests/vm/crash.sh [SEED [ROUNDS]]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/selftests/lib.sh"
N=3
T0=$(date +%s)
# Unix socket paths must be short: not under a deep TMPDIR
work=$(mktemp -d /tmp/zabcrash.XXXXXX)
declare -a vmpid boot

cleanup() {
	local f
	for f in "$work"/vm*/qemu.pid; do
		[ -s "$f" ] && kill -9 "$(cat "$f")" 2> /dev/null
	done
	[ -z "${hubpid:-}" ] || kill "$hubpid" 2> /dev/null
	wait 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT

seed=${1:-}
rounds=${2:-5}
# a boot may outlive several rounds of a random schedule
vm_timeout=2400
[ -z "$seed" ] || vm_timeout=$((1200 + 600 * rounds))
name=crash:kill9_leader_then_all
[ -z "$seed" ] || name="crash:power_loss_schedule seed $seed, $rounds rounds"

fail() {
	local i
	echo "not ok 1 - $name # $(($(date +%s) - T0))s"
	echo "#   FAIL: $*"
	[ -z "$seed" ] || echo "#   replay: make torture-vms SEED=$seed ROUNDS=$rounds"
	for d in "$work"/vm*.*/; do
		echo "#   --- $(basename "$d"): console, then zabd"
		tail -n 15 "$d/console" 2> /dev/null | sed 's/^/#   /'
		tail -n 25 "$d/zabd.log" 2> /dev/null | sed 's/^/#   /'
	done
	exit 1
}

note() {
	echo "#   $*"
}

# vm I B: boot member I (boot number B) in the background.
vm() {
	local i=$1 d=$work/vm$1.$2
	mkdir -p "$d"
	rm -f "$work/vm-$i" "$d/qemu.pid"
	boot[$i]=$2
	ZAB_VM_CPUS=1 ZAB_VM_TIMEOUT=$vm_timeout ZAB_VM_OUT=$d ZAB_VM_DISK=256 \
	ZAB_VM_DISK_FILE=$work/disk$i.img \
	ZAB_VM_NET="-netdev dgram,id=n0,local.type=unix,local.path=$work/vm-$i,remote.type=unix,remote.path=$work/hub-$i -device virtio-net-pci,netdev=n0,mac=52:54:00:77:00:0$i,romfile=" \
		"$top/tests/vm/run.sh" -m 768M -- tests/vm/crash-member.sh "$i" "$2" "$N" \
		> "$d/console" 2>&1 &
	vmpid[$i]=$!
}

# kill9 I...: the qemu of each member dies at once, as in a power cut.
kill9() {
	local i pids=""
	for i in "$@"; do
		wait_for 30 test -s "$work/vm$i.${boot[$i]}/qemu.pid" || fail "no qemu pid for member $i"
		pids="$pids $(cat "$work/vm$i.${boot[$i]}/qemu.pid")"
	done
	# shellcheck disable=SC2086
	kill -9 $pids
	for i in "$@"; do
		wait "${vmpid[$i]}" 2> /dev/null
		rm -f "$work/vm$i.${boot[$i]}/status"
	done
}

# st I FIELD: FIELD of member I's last status (devtest status).
st() {
	sed -n "s/^$2=//p" "$work/vm$1.${boot[$1]}/status" 2> /dev/null
}

# leader: the member that leads with every member of MEMBERS following it
# in its epoch (and committing: its commit point is in that epoch).
formed_with() {
	local i l="" e
	for i in "$@"; do
		[ "$(st "$i" state)" = 2 ] && l=$i
	done
	[ -n "$l" ] || return 1
	e=$(st "$l" epoch)
	for i in "$@"; do
		[ "$i" = "$l" ] && continue
		[ "$(st "$i" state)" = 1 ] && [ "$(st "$i" epoch)" = "$e" ] || return 1
	done
	[ $(($(st "$l" commit_zxid) >> 32)) = "$e" ] || return 1
	LEADER=$l EPOCH=$e
}

acked() {
	cat "$work"/vm*/w.* 2> /dev/null | grep -c '^ok '
}

acked_more() {
	[ "$(acked)" -ge "$1" ]
}

now() {
	date +%s%3N
}

echo "1..1"
cc -O2 -Wall -Wextra -Werror -o "$work/hub" "$top/tests/vm/hub.c" || fail "cannot build the hub"
"$work/hub" "$work" "$N" &
hubpid=$!

for i in 1 2 3; do
	vm "$i" 1
done
wait_for 240 formed_with 1 2 3 || fail "the ensemble did not form"
note "formed: leader $LEADER, epoch $EPOCH"
wait_for 120 acked_more 200 || fail "only $(acked) writes acknowledged"

fixed_schedule() {
	# the leader's VM dies
	old=$LEADER old_epoch=$EPOCH
	a=$(acked)
	t=$(now)
	kill9 "$old"
	set -- $(others "$old" 1 2 3)
	wait_for 120 formed_with "$@" || fail "no new leader after the leader's qemu was killed"
	[ "$EPOCH" -gt "$old_epoch" ] || fail "the new leader's epoch $EPOCH is not above $old_epoch"
	failover=$(($(now) - t))
	note "killed member $old (leader, $a writes acknowledged): member $LEADER leads epoch $EPOCH and commits in it after ${failover} ms"
	wait_for 120 acked_more $((a + 100)) || fail "writes do not go on after the failover"

	# it boots again, reads its log back and rejoins
	t=$(now)
	vm "$old" 2
	wait_for 240 formed_with 1 2 3 || fail "member $old did not rejoin"
	note "member $old booted again and rejoined epoch $EPOCH after $(($(now) - t)) ms (boot included)"
	a=$(acked)
	wait_for 120 acked_more $((a + 100)) || fail "writes do not go on after the rejoin"

	# all three die at once
	a=$(acked)
	kill9 1 2 3
	note "killed all three qemus with $a writes acknowledged"
	for i in 1 2 3; do
		vm "$i" 3
	done
	wait_for 240 formed_with 1 2 3 || fail "the ensemble did not form again"
	note "formed again: leader $LEADER, epoch $EPOCH"
	wait_for 120 acked_more $((a + 100)) || fail "writes do not go on after the restart"
	# ZAB_CRASH_MID_SYNC=0: not these (tests/run-all.sh's TLS run)
	[ "${ZAB_CRASH_MID_SYNC:-1}" = 0 ] || mid_sync
}

# follows F L: member F follows L, in L's epoch
follows() {
	[ "$(st "$1" state)" = 1 ] && [ "$(st "$1" leader)" = "$2" ] &&
		[ "$(st "$1" epoch)" = "$(st "$2" epoch)" ]
}

# still F: F's log did not grow in half a second (AT: where it stopped)
still() {
	local z
	z=$(st "$1" last_zxid)
	sleep 0.5
	[ -n "$z" ] && [ "$(st "$1" last_zxid)" = "$z" ] && AT=$z
}

# cut_mid_sync F L: F boots again and, as soon as its status shows it
# following L (its synchronisation begun), cuts itself off
# (crash-member.sh's cut_on_follow); its log stops growing: AT (where), TO
# (what L had when F booted), WHERE (in the DIFF or past it) set. Until
# then the hub loses 30% of what it carries to F, so that the records
# trickle in rather than fill F's socket within milliseconds (what the
# socket holds is still read after the cut).
cut_mid_sync() {
	local f=$1 l=$2 d
	TO=$(st "$l" last_zxid)
	touch "$work/lossy-$f"
	vm "$f" $((boot[f] + 1))
	d=$work/vm$f.${boot[f]}
	touch "$d/cut-on-follow"
	wait_for 240 test -e "$d/cut" || fail "member $f did not follow $l again"
	[ "$(sed -n 's/^leader=//p' "$d/cut")" = "$l" ] || fail "member $f followed $(sed -n 's/^leader=//p' "$d/cut"), not $l"
	wait_for 30 still "$f" || fail "member $f's log does not stop growing"
	rm "$work/lossy-$f"
	WHERE="past the DIFF"
	[ $((AT)) -ge $((TO)) ] || WHERE="in the DIFF"
}

# follower_down N: a follower F of the leader L is killed; L and the other
# follower G form without it and commit N writes. F, G, L set.
follower_down() {
	local n=$1 a
	L=$LEADER
	# shellcheck disable=SC2046
	set -- $(others "$L" 1 2 3)
	F=$1 G=$2
	kill9 "$F"
	wait_for 120 formed_with "$L" "$G" || fail "no ensemble of $L and $G without $F"
	a=$(acked)
	wait_for 240 acked_more $((a + n)) || fail "only $(($(acked) - a)) writes without member $F"
}

# mid_sync: power losses around a synchronisation. A follower F is down
# while the others write 3,000 records; it boots again and as soon as its
# status shows it following its leader L it cuts itself off (part of the
# records it lacks in, some on disk, some not; or, as the status is read
# five times a second, all of them, and some after); its log still, it
# loses power. It boots again after 2,000 more and, once it again follows
# and is cut off, L loses power: F and the third member G must form
# without L, and L rejoins. Then a quorum that depends on a member just
# synchronised: with X leading, follower F is killed, then X, leaving Y
# alone; F boots and is synchronised by Y into a new epoch whose commits
# need F's acknowledgments; once some are committed, F and Y lose power
# together.
mid_sync() {
	local f g l x y a t i
	follower_down 3000
	l=$L f=$F g=$G
	cut_mid_sync "$f" "$l"
	kill9 "$f"
	note "member $f lost power as $l synchronised it: at $AT, $WHERE (to $TO)"
	a=$(acked)
	wait_for 240 acked_more $((a + 2000)) || fail "only $(($(acked) - a)) writes without member $f"
	cut_mid_sync "$f" "$l"
	t=$(now)
	kill9 "$l"
	rm "$work/vm$f.${boot[f]}/cut-on-follow"
	note "leader $l lost power as it synchronised member $f: at $AT, $WHERE (to $TO)"
	wait_for 120 formed_with "$f" "$g" || fail "members $f and $g do not form without $l, that was synchronising $f"
	note "members $f and $g formed epoch $EPOCH (leader $LEADER) $(($(now) - t)) ms after"
	a=$(acked)
	wait_for 120 acked_more $((a + 50)) || fail "writes do not go on without $l"
	vm "$l" $((boot[l] + 1))
	wait_for 240 formed_with 1 2 3 || fail "member $l did not rejoin"
	note "member $l rejoined epoch $EPOCH"

	follower_down 1000
	x=$L f=$F y=$G
	kill9 "$x"
	t=$(now)
	vm "$f" $((boot[f] + 1))
	wait_for 240 formed_with "$f" "$y" || fail "members $f and $y do not form"
	note "members $f and $y formed epoch $EPOCH (leader $LEADER) $(($(now) - t)) ms after $f's boot"
	a=$(acked)
	wait_for 120 acked_more $((a + 50)) || fail "writes do not go on in epoch $EPOCH"
	a=$(acked)
	kill9 "$f" "$y"
	note "members $f and $y lost power together with $a writes acknowledged, the last ones by the two"
	for i in "$x" "$f" "$y"; do
		vm "$i" $((boot[i] + 1))
	done
	wait_for 240 formed_with 1 2 3 || fail "the ensemble did not form again"
	note "formed again: leader $LEADER, epoch $EPOCH"
	a=$(acked)
	wait_for 120 acked_more $((a + 100)) || fail "writes do not go on"
}

# random_schedule: ROUNDS power losses of random subsets, from SEED.
random_schedule() {
	local r k victims a t i delay lead j f
	RANDOM=$seed
	for r in $(seq 1 "$rounds"); do
		# every draw in this shell: a subshell reseeds RANDOM
		k=$((RANDOM % 3 + 1)) lead=$((RANDOM % 2)) j=$((RANDOM % 2 + 1))
		delay=$((RANDOM % 3000))
		# shellcheck disable=SC2046
		set -- $(others "$LEADER" 1 2 3)
		f=${!j}
		if [ "$k" = 3 ]; then
			victims="1 2 3"
		elif [ "$lead" = 0 ]; then
			# the leader, and a follower if two go
			victims="$LEADER"
			[ "$k" = 1 ] || victims="$victims $f"
		else
			# a follower, or both: the leader alone is left
			victims=$f
			[ "$k" = 1 ] || victims="$*"
		fi
		a=$(acked)
		note "round $r: after $delay ms, power loss of member(s) $victims (leader $LEADER, epoch $EPOCH, $a writes acknowledged)"
		sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
		# shellcheck disable=SC2086
		kill9 $victims
		if [ "$k" = 1 ]; then
			# a quorum is left: it must commit without them
			# shellcheck disable=SC2046
			set -- $(others "$victims" 1 2 3)
			wait_for 120 formed_with "$@" || fail "round $r: members $* do not commit after the loss of $victims"
			a=$(acked)
			wait_for 120 acked_more $((a + 20)) || fail "round $r: writes do not go on without $victims"
		fi
		t=$(now)
		for i in $victims; do
			vm "$i" $((boot[i] + 1))
		done
		wait_for 240 formed_with 1 2 3 || fail "round $r: members $victims did not rejoin"
		a=$(acked)
		wait_for 120 acked_more $((a + 50)) || fail "round $r: writes do not go on after the rejoin"
		note "round $r: all three lead/follow epoch $EPOCH (leader $LEADER) $(($(now) - t)) ms after the boots"
	done
}

if [ -n "$seed" ]; then
	random_schedule
else
	fixed_schedule
fi

# stop the writers, let every member catch up, dump the logs
for i in 1 2 3; do
	touch "$work/vm$i.${boot[i]}/stop"
done
for i in 1 2 3; do
	wait_for 60 test -e "$work/vm$i.${boot[i]}/writer" || fail "member $i's writer does not stop"
done
same_commit() {
	local c
	c=$(st 1 commit_zxid)
	[ -n "$c" ] && [ "$(st 2 commit_zxid)" = "$c" ] && [ "$(st 3 commit_zxid)" = "$c" ] &&
		[ "$(st 1 last_zxid)" = "$c" ]
}
wait_for 60 same_commit || fail "the members do not reach one commit point"
for i in 1 2 3; do
	touch "$work/vm$i.${boot[i]}/dump-now"
done
for i in 1 2 3; do
	wait "${vmpid[$i]}" || fail "member $i's last VM failed (status $?): $(tail -n 5 "$work/vm$i.${boot[i]}/console")"
done
mkdir -p "$work/check"
for i in 1 2 3; do
	cp "$work/vm$i.${boot[i]}/dump" "$work/check/dump.$i"
	for w in "$work"/vm$i.*/w.*; do
		cp "$w" "$work/check/w.$i.$(basename "$(dirname "$w")").$(basename "$w")"
	done
done
out=$( (fail() { echo "$*"; exit 1; }; check_logs "$work/check" 1 2 3) 2>&1) || fail "$out"
note "${out#  }; $(cat "$work"/check/w.* | grep -c '^err') writes failed during the crashes"
echo "ok 1 - $name # $(($(date +%s) - T0))s"
