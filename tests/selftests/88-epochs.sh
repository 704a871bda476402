#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The epoch invariant (docs/zabd.md, "Epochs"): the epoch a member votes
# with and reports in ACKEPOCH is that of the history it holds, currentEpoch
# is written only over a history on disk, and a dataDir that contradicts it
# is refused. zabd ensembles as in 85-zabd (ens_net, members zabI at
# 10.77.0.I); fsync durability, the default.
. "$(dirname "$0")/lib.sh"

# epoch_file I NAME: member I's acceptedEpoch or currentEpoch (0 if none).
epoch_file() {
	cat "$ENS_TMP/data$1/$2" 2>/dev/null || echo 0
}

# epoch_is I NAME E: member I's epoch file NAME holds E.
epoch_is() {
	[ "$(epoch_file "$1" "$2")" = "$3" ]
}

looking() {
	[ "$(zst "$1" state)" = 0 ]
}

logged() {
	grep -q -- "$2" "$ENS_TMP/zabd.$1.log"
}

# A follower acknowledges nothing in an epoch before its zabd wrote
# currentEpoch (the kernel holds its ACKs until ZAB_CMD_SYNCED, as
# ZooKeeper's follower writes currentEpoch before it acknowledges
# NEWLEADER): here its zabd is stopped right after FOLLOW, the third member
# is cut off, and a write on the leader must wait; once the zabd runs, it
# writes currentEpoch and the write commits (before: it committed through
# the follower's ACK while its currentEpoch was still the old one, which
# let a member without the record win the next election). Then the leader
# dies; the follower, holding the record, must win and keep it.
test_unsynced_follower_keeps_acked() {
	local b=3 c w
	ZABD_INIT=$((50 * ZAB_TIME_SCALE))	# 10 s: discovery over the slow link
	ZABD_SYNC=$((50 * ZAB_TIME_SCALE))	# 10 s: the stopped zabd is not dropped
	zabd_setup 3
	zabd_start 1 2
	wait_formed 20 1 2
	write_on "$ENS_TMP" h 10 1 2
	converge_to "$LEADER" 1 2
	# a new epoch, without records yet: the record below will be the
	# first of its epoch, one that the third member holds nothing of
	l=$LEADER
	zabd_crash "$l"
	zabd_start "$l"
	wait_formed 20 1 2
	l=$LEADER
	e=$EPOCH
	c=$(others "$l" 1 2)
	c=${c% }
	converge_to "$l" 1 2
	# member 3 joins late; what it sends arrives a second late, so its
	# kernel follows that long before the leader's sync reaches it
	nsx "zab$b" tc qdisc add dev eth0 root netem delay 1s
	zabd_start "$b"
	local end=$((SECONDS + 30 * ZAB_TIME_SCALE))
	until logged "$b" "FOLLOWING leader $l in epoch $e"; do
		[ $SECONDS -lt $end ] || fail "member $b never followed leader $l"
		sleep 0.02
	done
	kill -STOP "$(cat "$ENS_TMP/zabd.$b.pid")"
	[ "$(epoch_file "$b" currentEpoch)" -lt "$e" ] ||
		fail "member $b wrote currentEpoch $e at once: the scenario was not reached"
	converge_to "$l" 1 2 "$b"
	wait_for 5 epoch_is "$c" currentEpoch "$e" ||
		fail "member $c has currentEpoch $(epoch_file "$c" currentEpoch), not $e"
	# member c hears nothing more; the leader has member 3 alone
	nsx "zab$c" tc qdisc add dev eth0 root netem loss 100%
	tc qdisc add dev "veth$c" root netem loss 100%
	"$ZABLOAD" write "/dev/zab/z$l" seed 1 > "$ENS_TMP/w.seed" &
	w=$!
	sleep $((2 * ZAB_TIME_SCALE))
	kill -0 $w 2> /dev/null ||
		fail "the write committed while member $b's currentEpoch was $(epoch_file "$b" currentEpoch): $(cat "$ENS_TMP/w.seed")"
	echo "  member $b's zabd stopped (currentEpoch $(epoch_file "$b" currentEpoch)): the write waits"
	kill -CONT "$(cat "$ENS_TMP/zabd.$b.pid")"
	wait $w || true
	grep -q '^ok' "$ENS_TMP/w.seed" || fail "the write did not commit: $(cat "$ENS_TMP/w.seed")"
	[ "$(epoch_file "$b" currentEpoch)" = "$e" ] ||
		fail "member $b acknowledged with currentEpoch $(epoch_file "$b" currentEpoch), not $e"
	zxid=$(awk '{ print $2 }' "$ENS_TMP/w.seed")
	[ "$(printf '%d' "$(zst "$c" last_zxid)")" -lt "$(printf '%d' "$zxid")" ] ||
		fail "member $c got $zxid"
	echo "  $zxid acknowledged through member $b once it wrote currentEpoch $e; leader $l crashes"
	zabd_crash "$l"
	nsx "zab$c" tc qdisc del dev eth0 root
	tc qdisc del dev "veth$c" root
	nsx "zab$b" tc qdisc del dev eth0 root
	wait_formed 30 "$b" "$c"
	write_on "$ENS_TMP" a 5 "$b" "$c"
	settle "$ENS_TMP" "$LEADER" "$b" "$c"
	for i in "$b" "$c"; do
		grep -q "^$zxid seed-0\$" "$ENS_TMP/dump.$i" || fail "member $i lost $zxid"
	done
	zabd_start "$l"
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" z 5 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	grep -q "^$zxid seed-0\$" "$ENS_TMP/dump.$l" || fail "member $l lacks $zxid"
}

# three_formed: members 1, 2 and 3 of a new ensemble formed, 5 writes on
# each settled everywhere; F and G the followers, E the epoch.
three_formed() {
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" a 5 1 2 3
	converge_to "$LEADER" 1 2 3
	read -r F G <<< "$(others "$LEADER" 1 2 3)"
	E=$EPOCH
}

# A dataDir whose log holds a record of an epoch never accepted (the
# acceptedEpoch file was replaced by an older one) is refused at start, with
# the reason; so is currentEpoch newer than acceptedEpoch.
test_inconsistent_datadir_refused() {
	three_formed
	f=$F e=$E
	zabd_crash "$f"
	echo $((e - 1)) > "$ENS_TMP/data$f/acceptedEpoch"
	echo $((e - 1)) > "$ENS_TMP/data$f/currentEpoch"
	zabd_start "$f"
	wait_for 10 zabd_gone "$f" || fail "zabd $f started on an inconsistent dataDir"
	logged "$f" "newer than acceptedEpoch $((e - 1)): the dataDir is inconsistent" ||
		fail "zabd $f did not say why: $(tail -n 3 "$ENS_TMP/zabd.$f.log")"
	nsx "zab$f" "$ZABCTL" destroy "z$f" 2>/dev/null || true
	echo "$e" > "$ENS_TMP/data$f/acceptedEpoch"
	echo $((e + 1)) > "$ENS_TMP/data$f/currentEpoch"
	zabd_start "$f"
	wait_for 10 zabd_gone "$f" || fail "zabd $f started with currentEpoch > acceptedEpoch"
	logged "$f" "currentEpoch $((e + 1)) is newer than acceptedEpoch $e" ||
		fail "zabd $f did not say why: $(tail -n 3 "$ENS_TMP/zabd.$f.log")"
	nsx "zab$f" "$ZABCTL" destroy "z$f" 2>/dev/null || true
	# repaired, it rejoins with its records
	echo "$e" > "$ENS_TMP/data$f/currentEpoch"
	zabd_start "$f"
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" b 5 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

# A member whose log on disk fails cannot lead: it would neither count its
# own acknowledgment nor write currentEpoch over a durable history. It votes
# with its durable history and, on a tie, yields to a member whose disk
# works. Here member 3 (the highest id) and member o end with the same
# durable history: o was cut off while the leader proposed records that
# only member 3 received, in memory. Once the leader dies, o must win
# (before: 3 won by its id, could not lead, and the ensemble stayed down
# until its disk came back).
test_failing_disk_member_yields() {
	local l o b wpid
	zabd_setup 3
	mkdir -p "$ENS_TMP/data3"
	mount -t tmpfs -o size=2M zabfull "$ENS_TMP/data3"
	zabd_start 1 2
	wait_formed 20 1 2
	zabd_start 3
	wait_formed 20 1 2 3
	[ "$LEADER" != 3 ] || fail "member 3 leads from the start"
	l=$LEADER
	o=$(others "$l" 1 2)
	o=${o% }
	write_on "$ENS_TMP" a 10 1 2 3
	converge_to "$l" 1 2 3
	b=$(zst 3 last_zxid)
	dd if=/dev/zero of="$ENS_TMP/data3/filler" bs=4K status=none 2> /dev/null || true
	# member o hears nothing more
	nsx "zab$o" tc qdisc add dev eth0 root netem loss 100%
	tc qdisc add dev "veth$o" root netem loss 100%
	# these cannot commit (3 acknowledges nothing): the failed leader's
	# proposals, discarded by the next one; larger than a page, so that
	# none fits in the room left in the last page of member 3's log
	"$ZABLOAD" write "/dev/zab/z$l" lost 5 8000 > "$ENS_TMP/w.lost" 2> /dev/null &
	wpid=$!
	wait_for 10 logged 3 "cannot write the log on disk" ||
		fail "member 3 did not say its disk fails"
	wait_for 10 same_last 3 "$l" || fail "member 3 lacks the proposals in memory"
	[ "$(zst 3 last_zxid)" != "$b" ] || fail "no proposal reached member 3"
	zabd_crash "$l"
	wait "$wpid" 2> /dev/null
	nsx "zab$o" tc qdisc del dev eth0 root
	tc qdisc del dev "veth$o" root
	wait_for 20 logged "$o" "elected leader in round" ||
		fail "member $o was not elected; member 3: $(grep 'elected\|LEAD\|voting' "$ENS_TMP/zabd.3.log" | tail -n 2)"
	# it cannot lead yet: member 3, on a full disk, cannot write the
	# acceptedEpoch of a new epoch, and the leader needs it for a quorum
	logged 3 "voting for 3 (epoch [0-9]*, zxid $b, its log on disk fails)" ||
		fail "member 3 did not vote with its durable history $b: $(grep 'voting for 3' "$ENS_TMP/zabd.3.log" | tail -n 1)"
	echo "  member 3: $(grep 'voting for 3 .*its log on disk fails' "$ENS_TMP/zabd.3.log" | tail -n 1 | cut -c25-)"
	rm "$ENS_TMP/data3/filler"
	wait_for 20 logged 3 "is written again" || fail "member 3's log was not written again"
	# either may lead now: 3's proposals are on disk again, and the
	# longer history wins
	wait_formed 30 "$o" 3
	write_on "$ENS_TMP" c 5 "$o" 3
	settle "$ENS_TMP" "$LEADER" "$o" 3
	zabd_start "$l"
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" d 5 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	zabd_signal TERM 3
	umount "$ENS_TMP/data3"
}

# Two members' dataDirs are restored from a backup older than records the
# third holds committed (an operator's mistake, or disks that lost writes).
# The two form an ensemble whose history lacks those records; the third must
# not take it: it refuses a leader whose history ends before its commit
# point, says why, and keeps its log (before: the leader, holding nothing of
# the third's last epoch, sent SNAP and the committed records were erased).
test_restored_leader_refused() {
	local i last commit
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" a 5 1 2 3
	converge_to "$LEADER" 1 2 3
	for i in 1 2 3; do
		zabd_crash "$i"
	done
	cp -a "$ENS_TMP/data1" "$ENS_TMP/backup1"
	cp -a "$ENS_TMP/data2" "$ENS_TMP/backup2"
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" b 5 1 2 3
	converge_to "$LEADER" 1 2 3
	for i in 1 2 3; do
		zabd_crash "$i"
	done
	for i in 1 2; do
		rm -rf "$ENS_TMP/data$i"
		mv "$ENS_TMP/backup$i" "$ENS_TMP/data$i"
	done
	zabd_start 1 2
	wait_formed 20 1 2
	zabd_start 3
	wait_for 20 logged 3 "before our commit point" ||
		fail "member 3 did not refuse leader $LEADER: $(grep 'FOLLOWING\|commit point' "$ENS_TMP/zabd.3.log" | tail -n 1)"
	last=$(zst 3 last_zxid)
	commit=$(zst 3 commit_zxid)
	echo "  member 3: $(grep 'before our commit point' "$ENS_TMP/zabd.3.log" | tail -n 1 | cut -c25-)"
	# it stays out, with its records, however often it is offered that leader
	sleep $((3 * ZAB_TIME_SCALE))
	looking 3 || fail "member 3 follows a leader that lacks its records"
	[ "$(zst 3 last_zxid)" = "$last" ] && [ "$(zst 3 commit_zxid)" = "$commit" ] ||
		fail "member 3's log changed: last $(zst 3 last_zxid) commit $(zst 3 commit_zxid), was $last $commit"
	[ "$(grep -c 'before our commit point' "$ENS_TMP/zabd.3.log")" -ge 2 ] ||
		fail "member 3 tried the leader only once"
	"$DEVTEST" status /dev/zab/z3 > /dev/null || fail "member 3's device is gone"
}

# hs TYPE SID EPOCH ZXID: a discovery frame (docs/zabd.md), as printf
# escapes: TYPE 1 FOLLOWERINFO, 3 ACKEPOCH.
hs() {
	printf '\\x5a\\x41\\x42\\x51\\x02%s\\x00\\x00' "$(hexn "$1" 1)"
	hexn "$2" 4
	hexn "$3" 4
	hexn "$4" 8
}

# fake_follower LEADER ACCEPTED ACK [SID]: from member SID's address (default
# 3), discovery with LEADER's quorum port: FOLLOWERINFO with acceptedEpoch
# ACCEPTED, then, once LEADERINFO is in, ACKEPOCH with epoch ACK; the
# connection stays open a minute (times ZAB_TIME_SCALE), until the test
# kills $FAKE. LEADERINFO's 24 bytes, in hex, go to
# $ENS_TMP/leaderinfo.
fake_follower() {
	local sid=${4:-3}
	rm -f "$ENS_TMP/leaderinfo"
	nsx_bg "zab$sid" bash -c "
		end=\$((SECONDS + 20 * $ZAB_TIME_SCALE))
		until exec 3<>/dev/tcp/10.77.0.$1/2888; do
			[ \$SECONDS -lt \$end ] || exit 1
			sleep 0.1
		done
		printf '$(hs 1 "$sid" "$2" 0)' >&3
		head -c 24 <&3 | od -An -tx1 | tr -d ' \\n' > '$ENS_TMP/leaderinfo.new'
		mv '$ENS_TMP/leaderinfo.new' '$ENS_TMP/leaderinfo'
		printf '$(hs 3 "$sid" "$3" 0)' >&3
		exec sleep $((60 * ZAB_TIME_SCALE))" 2> /dev/null
	FAKE=$NSX_PID
}

leading() {
	[ "$(zst "$1" state)" = 2 ]
}

# A member acknowledges each epoch once: an ACKEPOCH saying the epoch was
# accepted before (0xffffffff) does not count towards the quorum that
# establishes it, so no two leaders establish one epoch. Member 3 is played
# by the test; member 1 cannot reach the leader's quorum port (its
# configuration names another), so leader 2's quorum rests on member 3's
# ACKEPOCH. Uncounted, the leader gives up at initLimit; counted, it leads.
test_repeated_ackepoch_uncounted() {
	local e
	ZABD_AUTH=none	# the test's follower speaks the plain protocol
	# 10 s: the test's follower is a shell, slow on a busy host
	ZABD_INIT=$((50 * ZAB_TIME_SCALE))
	zabd_setup 3
	sed -i 's/^server.2 = 10.77.0.2:2888:3888$/server.2 = 10.77.0.2:2999:3888/' "$ENS_TMP/z1.conf"
	zabd_start 1 2
	wait_for 20 logged 2 "elected leader in round" || fail "member 2 was not elected"
	fake_follower 2 0 $((0xffffffff))
	wait_for 20 test -s "$ENS_TMP/leaderinfo" || fail "no LEADERINFO for member 3"
	e=$((16#$(cut -c25-32 "$ENS_TMP/leaderinfo")))
	echo "  leader 2 proposed epoch $e; member 3 says it had accepted it before"
	wait_for $((ZABD_INIT * ZABD_TICK / 1000 + 10)) logged 2 "no quorum acknowledged epoch $e within initLimit" ||
		fail "leader 2 did not give up on epoch $e: $(tail -n 2 "$ENS_TMP/zabd.2.log")"
	logged 2 "ACKEPOCH from member 3, uncounted: it had accepted epoch $e before" ||
		fail "leader 2 did not say member 3 was not counted"
	! logged 2 "LEADING" || fail "leader 2 led epoch $e on a repeated ACKEPOCH"
	kill "$FAKE" 2> /dev/null || true
	wait "$FAKE" 2> /dev/null || true
	# the same, acknowledged as a new epoch: it counts
	fake_follower 2 "$e" 0
	wait_for 20 test -s "$ENS_TMP/leaderinfo" || fail "no second LEADERINFO for member 3"
	wait_for 20 leading 2 || fail "leader 2 did not lead on member 3's ACKEPOCH"
	echo "  then epoch $((16#$(cut -c25-32 "$ENS_TMP/leaderinfo"))), acknowledged as new: leader 2 leads"
	kill "$FAKE" 2> /dev/null || true
	wait "$FAKE" 2> /dev/null || true
}

# A follower writes currentEpoch only under a leader that established the
# epoch (a quorum of counted ACKEPOCH, then LEAD): before that another
# leader-elect may establish the same epoch with a longer history, and the
# follower's claim would let its shorter history win the next election
# (model/scenario5.pml loses a committed record that way with 5 members).
# Five members; 1, 2 and 3 run, 3 is elected (the highest id, all logs
# empty). Member 2's configuration names another quorum port for 3, and the
# test plays member 4, whose ACKEPOCH says it accepted the epoch before:
# leader 3 has FOLLOWERINFO from a quorum, so it proposes an epoch, but only
# member 1's ACKEPOCH counts, and it never leads. Member 1 follows it all
# the while with its (empty) history committed and on disk; it must not
# write currentEpoch (before: it did at its next tick). Once member 4 runs
# and an ensemble forms, member 1 writes it.
test_follower_waits_for_established_leader() {
	local e
	ZABD_AUTH=none	# the test's follower speaks the plain protocol
	ZABD_INIT=$((50 * ZAB_TIME_SCALE))	# 10 s, as above
	zabd_setup 5
	sed -i 's/^server.3 = 10.77.0.3:2888:3888$/server.3 = 10.77.0.3:2999:3888/' "$ENS_TMP/z2.conf"
	zabd_start 1 2 3
	wait_for 20 logged 3 "elected leader in round" || fail "member 3 was not elected"
	fake_follower 3 0 $((0xffffffff)) 4
	wait_for 20 test -s "$ENS_TMP/leaderinfo" || fail "no LEADERINFO for member 4"
	e=$((16#$(cut -c25-32 "$ENS_TMP/leaderinfo")))
	wait_for 20 logged 1 "FOLLOWING leader 3 in epoch $e" ||
		fail "member 1 did not follow leader 3 in epoch $e"
	echo "  leader 3 proposed epoch $e; member 1 follows it, member 4's ACKEPOCH is not counted"
	wait_for $((ZABD_INIT * ZABD_TICK / 1000 + 10)) logged 3 "no quorum acknowledged epoch $e within initLimit" ||
		fail "leader 3 did not give up on epoch $e: $(tail -n 2 "$ENS_TMP/zabd.3.log")"
	! logged 3 "LEADING" || fail "leader 3 led epoch $e: the scenario was not reached"
	[ "$(epoch_file 1 currentEpoch)" = 0 ] ||
		fail "member 1 wrote currentEpoch $(epoch_file 1 currentEpoch), but no leader established an epoch"
	echo "  leader 3 gave up; member 1's currentEpoch is $(epoch_file 1 currentEpoch)"
	kill "$FAKE" 2> /dev/null || true
	wait "$FAKE" 2> /dev/null || true
	zabd_start 4
	wait_formed 30 1 3 4	# member 2 cannot reach 3 as leader
	wait_for 10 epoch_is 1 currentEpoch "$EPOCH" ||
		fail "member 1 did not write currentEpoch $EPOCH under leader $LEADER: $(epoch_file 1 currentEpoch)"
	echo "  leader $LEADER established epoch $EPOCH; member 1 wrote currentEpoch $EPOCH"
}

# same_last I J: members I and J have the same last zxid.
same_last() {
	[ "$(zst "$1" last_zxid)" = "$(zst "$2" last_zxid)" ]
}

# at exit: zabd stopped (zabd_cleanup), then member 3's disk and its image
# unmounted, whether the test passed, failed or was skipped
disk3_cleanup() {
	local rc=$?
	(exit "$rc")
	zabd_cleanup
	rc=$?
	umount "$ENS_TMP/data3" 2> /dev/null || true
	umount "$ENS_TMP/img" 2> /dev/null || true
	return "$rc"
}

# currentEpoch is written only over a history held on disk: a follower
# whose log cannot be written follows the leader of a new epoch, holds the
# leader's history in memory, and must not claim the epoch until the
# history is on its disk (before: it wrote currentEpoch from its in-memory
# last zxid, and after a power loss it would come back as (new epoch,
# shorter log) and beat members that hold the committed records; the
# leader's TRUNC would then erase them). Member 3's dataDir is a full ext4
# whose inodes keep small files inline: its log cannot grow, its epoch files
# can still be written (acceptedEpoch shows it), so only the rule keeps
# currentEpoch back. (This covers the rule while the log fails; that
# currentEpoch also waits for a working log's fsync is the same check of
# follower_check_synced(), durable_zxid against the leader's history, and
# is checked by the model, model/README.md.)
test_follower_epoch_needs_durable_history() {
	local l e0 e1 d
	zabd_setup 3
	trap disk3_cleanup EXIT
	d=$ENS_TMP/data3
	modprobe -q loop 2> /dev/null || true
	modprobe -q ext4 2> /dev/null || true
	mkdir -p "$ENS_TMP/img" "$d"
	mount -t tmpfs -o size=24M zabimg "$ENS_TMP/img"
	truncate -s 16M "$ENS_TMP/img/data3"
	mkfs.ext4 -q -F -O inline_data -m 0 -b 1024 "$ENS_TMP/img/data3" ||
		skip "no mkfs.ext4 with inline_data"
	mount -o loop "$ENS_TMP/img/data3" "$d" 2> /dev/null ||
		skip "an ext4 image cannot be mounted (loop or ext4 missing)"
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" a 10 1 2 3
	converge_to "$LEADER" 1 2 3
	wait_for 10 epoch_is 3 currentEpoch "$EPOCH" ||
		fail "member 3 has currentEpoch $(epoch_file 3 currentEpoch), not $EPOCH"
	e0=$EPOCH
	l=$LEADER
	# a new epoch between members 1 and 2 while member 3 hears nothing
	isolate 3
	if [ "$l" != 3 ]; then
		zabd_crash "$l"
		zabd_start "$l"
	fi
	wait_formed 30 1 2
	e1=$EPOCH
	[ "$e1" -gt "$e0" ] || fail "no new epoch: $e1 after $e0"
	# records member 3 lacks, each larger than the rest of a disk block
	"$ZABLOAD" write "/dev/zab/z$LEADER" b 5 4000 > "$ENS_TMP/w.b"
	! grep -q '^err' "$ENS_TMP/w.b" || fail "writes failed: $(grep -m1 '^err' "$ENS_TMP/w.b")"
	dd if=/dev/zero of="$d/filler" bs=1K status=none 2> /dev/null || true
	echo 1 > "$d/probe" && rm "$d/probe" ||
		fail "a small file cannot be written on the full disk: the scenario is not reached"
	rejoin 3
	wait_for 30 logged 3 "FOLLOWING leader $LEADER in epoch $e1" ||
		fail "member 3 did not follow leader $LEADER in epoch $e1"
	wait_for 20 logged 3 "cannot write the log on disk" ||
		fail "member 3 did not say its disk is full"
	wait_for 20 same_last 3 "$LEADER" ||
		fail "member 3 did not get the leader's history: $(zst 3 last_zxid), leader $(zst "$LEADER" last_zxid)"
	wait_for 10 epoch_is 3 acceptedEpoch "$e1" ||
		fail "member 3's acceptedEpoch is $(epoch_file 3 acceptedEpoch), not $e1"
	echo "  member 3 holds $(zst 3 last_zxid) in memory, durable up to $(field_ns zab3 z3 durable_zxid), acceptedEpoch $e1"
	sleep $((2 * ZAB_TIME_SCALE))
	[ "$(epoch_file 3 currentEpoch)" = "$e0" ] ||
		fail "member 3 wrote currentEpoch $(epoch_file 3 currentEpoch) over a history not on its disk"
	echo "  its currentEpoch stays $e0 while the history is not on disk"
	rm "$d/filler"
	wait_for 20 logged 3 "is written again" || fail "member 3's log was not written again"
	wait_formed 30 1 2 3
	wait_for 20 epoch_is 3 currentEpoch "$EPOCH" ||
		fail "member 3 did not write currentEpoch $EPOCH once its log was on disk: $(epoch_file 3 currentEpoch)"
	echo "  once it is written: currentEpoch $(epoch_file 3 currentEpoch)"
	write_on "$ENS_TMP" c 5 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

# A member that accepted a newer epoch than the one the others established
# (its own attempts to lead failed after LEADERINFO, or another leader-elect
# failed, while a quorum without it established an older one) refuses the
# established leader's LEADERINFO. Before,
# it elected, followed the same leader, was refused, every few seconds,
# and never rejoined. Now the leader raises its own acceptedEpoch to the
# member's and gives up; the next epoch is newer than both and includes it.
# Here a follower's acceptedEpoch is set past the ensemble's epoch while it
# is down; the leader sees it in FOLLOWERINFO.
test_newer_accepted_epoch_rejoins() {
	local f e ahead n
	three_formed
	f=$F e=$E
	ahead=$((e + 5))
	zabd_crash "$f"
	echo "$ahead" > "$ENS_TMP/data$f/acceptedEpoch"
	zabd_start "$f"
	wait_for 30 logged "$LEADER" "member $f accepted a newer epoch ($ahead) than this leader's ($e)" ||
		fail "leader $LEADER did not give up for member $f: $(tail -n 3 "$ENS_TMP/zabd.$LEADER.log")"
	echo "  leader $LEADER (epoch $e) gave up for member $f (acceptedEpoch $ahead)"
	logged "$LEADER" "acceptedEpoch is now $ahead, so that the next epoch includes it" ||
		fail "leader $LEADER did not raise its acceptedEpoch to $ahead"
	[ "$(epoch_file "$LEADER" acceptedEpoch)" -ge "$ahead" ] ||
		fail "leader $LEADER's acceptedEpoch is $(epoch_file "$LEADER" acceptedEpoch)"
	wait_formed 30 1 2 3
	[ "$EPOCH" -gt "$ahead" ] || fail "the ensemble formed in epoch $EPOCH, not after $ahead"
	echo "  the ensemble formed again in epoch $EPOCH with member $f"
	write_on "$ENS_TMP" b 5 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	n=$(cat "$ENS_TMP"/zabd.[123].log | grep -c "accepted a newer epoch") || true
	[ "$n" = 1 ] || fail "leaders gave up $n times for a newer acceptedEpoch, not once"
}

# A FOLLOWERINFO whose acceptedEpoch is far ahead of the leader's (more
# than 65,536: a damaged or edited file, or a hostile member) or leaves no
# epoch to propose after it is refused with an error, and nothing is
# adopted: the leader neither gives up nor raises its acceptedEpoch (a
# value near 2^32 would have exhausted the epochs of every member that
# took it). The others keep committing; repaired, the member rejoins.
test_far_ahead_accepted_epoch_refused() {
	local f g e a0 ahead
	three_formed
	f=$F g=$G e=$E
	a0=$(epoch_file "$LEADER" acceptedEpoch)
	for ahead in 4294967294 $((e + 65537)); do
		zabd_crash "$f"
		echo "$ahead" > "$ENS_TMP/data$f/acceptedEpoch"
		zabd_start "$f"
		wait_for 30 logged "$LEADER" "member $f's acceptedEpoch $ahead is too far ahead" ||
			fail "leader $LEADER did not refuse acceptedEpoch $ahead: $(tail -n 3 "$ENS_TMP/zabd.$LEADER.log")"
		echo "  leader $LEADER refused member $f's acceptedEpoch $ahead"
		write_on "$ENS_TMP" "b$ahead" 5 "$LEADER" "$g"
	done
	! grep -q "accepted a newer epoch" "$ENS_TMP"/zabd.[123].log ||
		fail "a leader gave up for a far-ahead acceptedEpoch"
	[ "$(epoch_file "$LEADER" acceptedEpoch)" = "$a0" ] ||
		fail "leader $LEADER's acceptedEpoch is $(epoch_file "$LEADER" acceptedEpoch), not $a0"
	[ "$(zst "$LEADER" epoch)" = "$e" ] || fail "leader $LEADER left epoch $e"
	zabd_crash "$f"
	echo "$((e + 65536))" > "$ENS_TMP/data$f/acceptedEpoch"
	zabd_start "$f"
	wait_formed 30 1 2 3
	[ "$EPOCH" -gt $((e + 65536)) ] || fail "the ensemble formed in epoch $EPOCH"
	echo "  with acceptedEpoch $((e + 65536)) it rejoins: epoch $EPOCH"
	write_on "$ENS_TMP" c 5 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

zab_ksft_main "$@"
