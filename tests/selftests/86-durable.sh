#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The log on disk: ensembles run by zabd with durability fsync (the
# default) keep every acknowledged write through restarts of any member and
# of all of them, repair torn and corrupt segments, and acknowledge nothing
# they could not write. Members live in namespaces zabI (ens_net); dataDir
# $ENS_TMP/dataI; segments of 64K so that there are many.
. "$(dirname "$0")/lib.sh"

# durable_setup N: zabd_setup with small segments.
durable_setup() {
	zabd_setup "$1"
	for i in $(seq 1 "$1"); do
		echo "segmentBytes = 64K" >> "$ENS_TMP/z$i.conf"
	done
}

# segments I: member I's segment files, oldest first.
segments() {
	ls "$ENS_TMP/data$1"/log.* 2> /dev/null | grep -v '\.corrupt$' | sort
}

# restored I: how many records member I's zabd last read back from disk.
restored() {
	grep -o 'log on disk: [0-9]* records' "$ENS_TMP/zabd.$1.log" | tail -n 1 | awk '{ print $4 }'
}

# crash I: member I dies: zabd killed, its instance (its memory) gone.
crash() {
	zabd_signal KILL "$1"
	nsx "zab$1" "$ZABCTL" destroy "z$1"
}

test_restart_all_members() {
	durable_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	[ "$(field_ns "zab$LEADER" "z$LEADER" durability)" = fsync ] ||
		fail "durability is $(field_ns "zab$LEADER" "z$LEADER" durability), not fsync"
	writers_start 1 2 3
	wait_for 30 acked_at_least 300 || fail "only $(acked_count) writes in 30 s"
	# every member dies at once, in the middle of the writes
	for i in 1 2 3; do
		zabd_signal KILL "$i"
	done
	for i in 1 2 3; do
		nsx "zab$i" "$ZABCTL" destroy "z$i"
	done
	writers_stop
	n=$(acked_count)
	echo "  all 3 members crashed after $n acknowledged writes; $(segments 1 | wc -l) segments on member 1"
	zabd_start 1 2 3
	wait_formed 30 1 2 3
	for i in 1 2 3; do
		[ "$(restored "$i")" -gt 0 ] || fail "member $i read nothing back: $(grep 'log on disk' "$ENS_TMP/zabd.$i.log")"
		# the restore's progress: its last line, all read; withdrawn after
		grep -Eq 'restoring the log: [1-9][0-9]* records, .* of .* \(100%\), .*/s: done in [0-9.]+ s$' \
			"$ENS_TMP/zabd.$i.log" ||
			fail "member $i: no progress of the restore: $(grep 'restoring' "$ENS_TMP/zabd.$i.log")"
		[ "$(field_ns "zab$i" "z$i" progress)" = - ] ||
			fail "member $i: progress still reported: $(field_ns "zab$i" "z$i" progress)"
	done
	grep -h 'restoring the log' "$ENS_TMP/zabd.1.log" | sed 's/^/  /'
	"$ZABLOAD" write "/dev/zab/z$LEADER" after 10 > "$ENS_TMP/w.after"
	! grep -q '^err' "$ENS_TMP/w.after" || fail "writes after the restart failed"
	settle "$ENS_TMP" "$LEADER" 1 2 3
	for i in 1 2 3; do
		echo "  member $i read $(restored "$i") records back"
	done
}

test_restart_each_in_turn() {
	durable_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	writers_start 1 2 3
	for i in 1 2 3; do
		wait_for 30 acked_at_least $((i * 150)) || fail "only $(acked_count) writes"
		before=$(field_ns "zab$LEADER" "z$LEADER" sync_snap)
		crash "$i"
		sleep 1
		zabd_start "$i"
		wait_formed 30 1 2 3
		[ "$(restored "$i")" -gt 0 ] || fail "member $i read nothing back"
		echo "  member $i crashed and came back with $(restored "$i") records from disk; member $LEADER leads epoch $EPOCH"
	done
	writers_stop
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

# stop_follower [BIG]: a follower F of a formed ensemble stops (SIGTERM),
# after writes (and BIG records of 1000 bytes); its log stays on disk. Sets
# F and G (the other follower).
stop_follower() {
	local big=${1:-}
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	set -- $(others "$LEADER" 1 2 3)
	F=$1
	G=$2
	write_on "$ENS_TMP" a 100 1 2 3
	if [ -n "$big" ]; then
		"$ZABLOAD" write "/dev/zab/z$LEADER" big "$big" 1000 > "$ENS_TMP/w.big"
		! grep -q '^err' "$ENS_TMP/w.big" || fail "writes failed: $(grep -m3 '^err' "$ENS_TMP/w.big")"
	fi
	converge_to "$LEADER" 1 2 3
	zabd_signal TERM "$F"
}

test_torn_write() {
	durable_setup 3
	stop_follower
	last=$(segments "$F" | tail -n 1)
	# the crash came in the middle of the last record's payload (its
	# batch's durable point, after it, lost too)
	off=$(grep -obUaE 'a[123]-[0-9]+' "$last" | tail -n 1 | cut -d: -f1)
	[ -n "$off" ] || fail "no record in $last"
	truncate -s $((off + 2)) "$last"
	write_on "$ENS_TMP" b 20 "$LEADER" "$G"
	zabd_start "$F"
	wait_formed 30 1 2 3
	grep -q "$(basename "$last"): the entry at offset [0-9]* is torn" "$ENS_TMP/zabd.$F.log" ||
		fail "no word of the torn entry: $(grep -i 'log' "$ENS_TMP/zabd.$F.log" | tail -n 5)"
	# a tail torn after the last durable point was never acknowledged
	! grep -q 'records were lost' "$ENS_TMP/zabd.$F.log" || fail "a torn tail taken for lost records"
	[ ! -e "$ENS_TMP/data$F/unsynced" ] || fail "a torn tail marked the member unsynced"
	echo "  member $F: $(grep -m1 'is torn' "$ENS_TMP/zabd.$F.log" | cut -c25-)"
	write_on "$ENS_TMP" c 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

test_flipped_byte() {
	durable_setup 3
	stop_follower
	first=$(segments "$F" | head -n 1)
	# a byte of a record in the middle of the oldest segment goes bad: a
	# payload's, which only the entry's checksum tells (a length's, the unit
	# test test_flipped_length)
	off=$(grep -obUaE 'a[123]-5[0-9]' "$first" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || fail "no record a*-5* in $first"
	printf 'X' | dd of="$first" bs=1 seek=$((off + 1)) conv=notrunc status=none
	write_on "$ENS_TMP" b 20 "$LEADER" "$G"
	zabd_start "$F"
	wait_formed 30 1 2 3
	grep -q "$(basename "$first"): the entry at offset [0-9]* is corrupt" "$ENS_TMP/zabd.$F.log" ||
		fail "no word of the corrupt entry: $(grep -i 'log' "$ENS_TMP/zabd.$F.log" | tail -n 5)"
	echo "  member $F: $(grep -m1 'is corrupt' "$ENS_TMP/zabd.$F.log" | cut -c25-)"
	lost_then_synced "$F"
	write_on "$ENS_TMP" c 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	# read again, the repaired log checks
	zabd_signal TERM "$F"
	zabd_start "$F"
	wait_formed 30 1 2 3
	# what the last start said, alone
	! zabd_log_since_start "$F" | grep -q 'is corrupt\|is torn' ||
		fail "the repaired log did not check"
}

test_missing_segment() {
	durable_setup 3
	stop_follower 200
	[ "$(segments "$F" | wc -l)" -ge 3 ] || fail "only $(segments "$F" | wc -l) segments"
	gone=$(segments "$F" | sed -n 2p)
	rm "$gone"
	write_on "$ENS_TMP" b 20 "$LEADER" "$G"
	zabd_start "$F"
	wait_formed 30 1 2 3
	grep -q "a segment is missing" "$ENS_TMP/zabd.$F.log" || fail "no word of the missing segment"
	echo "  member $F: $(grep -m1 'a segment is missing' "$ENS_TMP/zabd.$F.log" | cut -c25-)"
	lost_then_synced "$F"
	write_on "$ENS_TMP" c 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

# lost_then_synced I: member I's zabd found records lost after they were on
# disk, abstained, and once synchronised removed its mark and votes again.
lost_then_synced() {
	grep -q 'records were lost after they were on disk' "$ENS_TMP/zabd.$1.log" ||
		fail "member $1: the loss not seen as one of records on disk: $(grep -i 'durable\|lost' "$ENS_TMP/zabd.$1.log" | tail -n 3)"
	grep -q 'does not vote, nor count in any quorum' "$ENS_TMP/zabd.$1.log" ||
		fail "member $1 did not abstain"
	wait_for 10 grep -q 'this member votes again' "$ENS_TMP/zabd.$1.log" ||
		fail "member $1 still abstains after it followed: $(tail -n 3 "$ENS_TMP/zabd.$1.log")"
	[ ! -e "$ENS_TMP/data$1/unsynced" ] || fail "member $1: its mark stays"
}

# ZOOKEEPER-4643's shape, by the disk: records committed by the leader L and
# one follower F alone (G is down) are lost from F's disk after F had them on
# disk (a bad sector), and L goes down. F and G must not form a quorum: with
# F's history cut short, they would elect a leader without records
# committed, and L, back, would find its committed records gone. F abstains
# until L, elected by L and G, has synchronised it.
test_lost_records_abstain() {
	local L off seg i
	durable_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	L=$LEADER
	set -- $(others "$L" 1 2 3)
	F=$1
	G=$2
	write_on "$ENS_TMP" a 20 1 2 3
	# zabd asks for segments of format 2, whose fsyncs are marked
	[ "$(head -c 8 "$(segments "$F" | head -n 1)")" = ZABLOG02 ] ||
		fail "member $F's segments are not of format 2: $(head -c 8 "$(segments "$F" | head -n 1)" | od -c | head -n 1)"
	converge_to "$L" 1 2 3
	zabd_signal TERM "$G"
	write_on "$ENS_TMP" x 50 "$L"
	converge_to "$L" "$L" "$F"
	zabd_signal TERM "$L"
	zabd_signal TERM "$F"
	# a byte of one of the first records only L and F hold goes bad on F
	for seg in $(segments "$F"); do
		off=$(grep -obUaE "x$L-1[0-9]" "$seg" | head -n 1 | cut -d: -f1)
		[ -n "$off" ] && break
	done
	[ -n "$off" ] || fail "no record x$L-1* on member $F"
	printf 'X' | dd of="$seg" bs=1 seek=$((off + 1)) conv=notrunc status=none
	zabd_start "$F" "$G"
	wait_for 10 grep -q 'does not vote, nor count in any quorum' "$ENS_TMP/zabd.$F.log" ||
		fail "member $F does not abstain: $(grep -i 'lost\|corrupt\|durable' "$ENS_TMP/zabd.$F.log" | tail -n 3)"
	[ -e "$ENS_TMP/data$F/unsynced" ] || fail "member $F: no mark in its dataDir"
	echo "  member $F: $(grep -m1 'records were lost' "$ENS_TMP/zabd.$F.log" | cut -c25-)"
	# F and G alone: no leader, for several election rounds
	for i in $(seq $((10 * ZAB_TIME_SCALE))); do
		sleep 0.5
		[ "$(zst "$F" state)" = 0 ] && [ "$(zst "$G" state)" = 0 ] ||
			fail "members $F and $G formed a quorum without the records of $L: $F state $(zst "$F" state), $G state $(zst "$G" state)"
	done
	zabd_start "$L"
	wait_formed 30 1 2 3
	[ "$LEADER" = "$L" ] || fail "member $LEADER leads, not $L, which alone holds every committed record"
	# F's acknowledgment of the epoch was not counted
	grep -q "ACKEPOCH from member $F, uncounted" "$ENS_TMP/zabd.$L.log" ||
		fail "leader $L counted member $F's ACKEPOCH: $(grep "ACKEPOCH from member $F" "$ENS_TMP/zabd.$L.log" | tail -n 1)"
	lost_then_synced "$F"
	write_on "$ENS_TMP" b 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	# the mark gone, F votes again: with G down, L and F elect a leader
	zabd_signal TERM "$G"
	zabd_signal TERM "$L"
	zabd_start "$L"
	wait_formed 30 "$L" "$F"
	write_on "$ENS_TMP" c 10 "$L" "$F"
}

# small_window_ensemble: 3 members with windowBytes 64K, formed.
small_window_ensemble() {
	durable_setup 3
	for i in 1 2 3; do
		printf 'windowBytes = 64K\nmaxRecordSize = 1K\n' >> "$ENS_TMP/z$i.conf"
	done
	zabd_start 1 2 3
	wait_formed 20 1 2 3
}

# Records of 1000 bytes written while a follower's disk fills
# (ZAB_FILL_RECORDS, default 600; at least 300, past the 244 KiB left).
FILL_RECORDS=${ZAB_FILL_RECORDS:-600}

# fill_follower MB: a follower F (set) restarts with its dataDir on a tmpfs
# of MB megabytes, rejoins, and the tmpfs is filled up to about 200K free.
# The leader writes 600 records of 1000 bytes (w.big), all committed.
fill_follower() {
	set -- $(others "$LEADER" 1 2 3) "$1"
	f=$1
	zabd_signal TERM "$f"
	rm -rf "$ENS_TMP/data$f"
	mkdir "$ENS_TMP/data$f"
	mount -t tmpfs -o size="$3"M zabfull "$ENS_TMP/data$f"
	zabd_start "$f"
	wait_formed 30 1 2 3
	dd if=/dev/zero of="$ENS_TMP/data$f/filler" bs=1K count=$(($3 * 1024 - 244)) \
		status=none 2> /dev/null || true
	"$ZABLOAD" write "/dev/zab/z$LEADER" big "$FILL_RECORDS" 1000 > "$ENS_TMP/w.big"
	! grep -q '^err' "$ENS_TMP/w.big" || fail "the leader could not commit without member $f"
}

# A follower whose dataDir fills up stops acknowledging (it never
# acknowledges what it could not write), says so, and catches up once space
# is freed; the others go on committing meanwhile.
test_disk_full() {
	durable_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	fill_follower 1
	wait_for 10 grep -q "cannot write the log on disk" "$ENS_TMP/zabd.$f.log" ||
		fail "member $f did not say its disk is full"
	echo "  member $f: $(grep -m1 'cannot write the log on disk' "$ENS_TMP/zabd.$f.log" | cut -c25-)"
	durable=$(zst_durable "$f")
	acked=$(peer_acked "$LEADER" "$f")
	commit=$(zst "$LEADER" commit_zxid)
	[ $((acked)) -le $((durable)) ] || fail "member $f acknowledged $acked, beyond its durable $durable"
	[ $((durable)) -lt $((commit)) ] || fail "member $f has everything durable ($durable) on a full disk"
	ondisk=$(cat "$ENS_TMP/data$f"/log.* | wc -c)
	echo "  member $f: durable up to $durable, acknowledged $acked, the leader committed $commit; $ondisk bytes of log"
	rm "$ENS_TMP/data$f/filler"
	wait_for 20 grep -q "is written again" "$ENS_TMP/zabd.$f.log" ||
		fail "member $f did not recover"
	wait_for 20 durable_caught_up "$f" "$LEADER" ||
		fail "member $f is durable up to $(zst_durable "$f") only"
	write_on "$ENS_TMP" after 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	# and it reads back what it wrote
	zabd_signal TERM "$f"
	zabd_start "$f"
	wait_formed 30 1 2 3
	[ "$(restored "$f")" -gt "$FILL_RECORDS" ] || fail "member $f read back $(restored "$f") records"
	zabd_signal TERM "$f"
	umount "$ENS_TMP/data$f"
}

# A follower whose disk stops writing answers PINGs but acknowledges
# nothing: the leader drops it once it has acknowledged none of the
# proposals outstanding for twice syncLimit ticks (ack_timeout). With the
# third member down, a write then fails within that instead of hanging
# (before: the follower counted towards the quorum for as long as it
# answered PINGs, and the writer waited until its disk came back).
test_stalled_follower_dropped() {
	local l o t0 ms limit
	durable_setup 3
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
	zabd_crash "$o"
	wait_for 10 grep -q "member $o disconnected" "$ENS_TMP/zabd.$l.log" ||
		fail "leader $l did not lose member $o"
	dd if=/dev/zero of="$ENS_TMP/data3/filler" bs=4K status=none 2> /dev/null || true
	t0=$(date +%s%N)
	timeout 120 "$ZABLOAD" write "/dev/zab/z$l" stall 1 8000 > "$ENS_TMP/w.stall" || true
	ms=$(ms_since "$t0")
	limit=$((2 * ZABD_SYNC * ZABD_TICK))
	echo "  the write returned after $ms ms (twice syncLimit: $limit ms): $(cut -d' ' -f1,2 "$ENS_TMP/w.stall")"
	grep -q '^err' "$ENS_TMP/w.stall" || fail "the write did not fail: $(cat "$ENS_TMP/w.stall")"
	# it fails near twice syncLimit; the hang it was is the 120 s timeout
	[ "$ms" -le $((2 * limit + 3000 * ZAB_TIME_SCALE)) ] || fail "the write hung for $ms ms"
	grep -q "member 3 disconnected (ack_timeout)" "$ENS_TMP/zabd.$l.log" ||
		fail "leader $l did not drop member 3 for ack_timeout: $(grep disconnected "$ENS_TMP/zabd.$l.log" | tail -n 2)"
	rm "$ENS_TMP/data3/filler"
	zabd_start "$o"
	wait_formed 30 1 2 3
	write_on "$ENS_TMP" b 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	zabd_signal TERM 3
	umount "$ENS_TMP/data3"
}

# A member whose disk fails does not hold ever more records in memory: once
# the committed records waiting for its disk exceed twice windowBytes, it
# leaves the ensemble (PEER_DOWN log_behind) and its FOLLOW is refused
# until they are written; the others go on. Then it comes back.
test_disk_failing_member_leaves() {
	small_window_ensemble
	# room, once the filler is gone, for the snapshot it will fetch
	fill_follower 4
	wait_for 10 dmesg_has "z$f: the log on disk fails and .* bytes of records wait for it: leaving" ||
		fail "member $f did not leave: it is $(state_of "z$f")"
	echo "  kernel: $(dmesg | grep -m1 "z$f: the log on disk fails" | sed 's/^\[[^]]*\] //')"
	wait_for 20 grep -q "FOLLOW leader .*try again once it is written" "$ENS_TMP/zabd.$f.log" ||
		fail "member $f's FOLLOW was not refused: $(tail -n 3 "$ENS_TMP/zabd.$f.log")"
	echo "  member $f: $(grep -m1 'FOLLOW leader .*try again' "$ENS_TMP/zabd.$f.log" | cut -c25-)"
	[ "$(zst "$f" state)" != 1 ] || fail "member $f follows again on a full disk"
	# it holds at most twice the window, not the 400 records it cannot write
	held=$(( ($(zst "$f" last_zxid) & 0xffffffff) - ($(zst "$f" window_first) & 0xffffffff) + 1 ))
	echo "  member $f holds $held records of 1000 bytes in memory (windowBytes 64K); the leader committed $(zst "$LEADER" commit_zxid)"
	[ "$held" -le 160 ] || fail "member $f holds $held records in memory"
	# the others go on without it
	write_on "$ENS_TMP" more 20 $(others "$f" 1 2 3)
	rm "$ENS_TMP/data$f/filler"
	wait_for 20 grep -q "is written again" "$ENS_TMP/zabd.$f.log" ||
		fail "member $f did not recover"
	wait_formed 30 1 2 3
	wait_for 20 durable_caught_up "$f" "$LEADER" ||
		fail "member $f is durable up to $(zst_durable "$f") only"
	write_on "$ENS_TMP" after 10 1 2 3
	converge_to "$LEADER" 1 2 3
	# the windows are small: compare the whole logs, read from disk
	for i in 1 2 3; do
		nsx "zab$i" "$ZABCTL" tail "z$i" --from 0x100000001 > "$ENS_TMP/tail.$i" ||
			fail "zabctl tail of z$i failed: $(tail -n 2 "$ENS_TMP/tail.$i")"
	done
	for i in 1 2 3; do
		cmp -s "$ENS_TMP/tail.$LEADER" "$ENS_TMP/tail.$i" ||
			fail "z$i's log differs from the leader's: $(diff "$ENS_TMP/tail.$LEADER" "$ENS_TMP/tail.$i" | head -3)"
	done
	[ "$(wc -l < "$ENS_TMP/tail.$f")" = 670 ] ||
		fail "member $f has $(wc -l < "$ENS_TMP/tail.$f") records, not 670"
	echo "  member $f is back: 670 records, the same on every member"
	zabd_signal TERM "$f"
	umount "$ENS_TMP/data$f"
}

# dmesg_has REGEX: the kernel log has a line matching REGEX.
dmesg_has() {
	dmesg | grep -q -- "$1"
}

# zst_durable I: member I's durable zxid.
zst_durable() {
	field_ns "zab$1" "z$1" durable_zxid
}

# peer_acked L F: what leader L's kernel last heard member F acknowledge.
peer_acked() {
	nsx "zab$1" "$ZABCTL" show "z$1" --json |
		jq -r --argjson id "$2" '.peers[] | select(.id == $id) | .last_zxid'
}

# durable_caught_up F L: member F's durable zxid is leader L's last.
durable_caught_up() {
	[ "$(zst_durable "$1")" = "$(zst "$2" last_zxid)" ]
}

# Records that left the kernel's window are still read, from the log on
# disk: zabctl tail --from the first zxid gets every record, in order, on a
# member whose device alone answers ERANGE.
test_tail_from_disk() {
	small_window_ensemble
	set -- $(others "$LEADER" 1 2 3)
	f=$1
	"$ZABLOAD" write "/dev/zab/z$LEADER" old 300 1000 > "$ENS_TMP/w.old"
	! grep -q '^err' "$ENS_TMP/w.old" || fail "writes failed"
	converge_to "$LEADER" 1 2 3
	"$ZABLOAD" dump "/dev/zab/z$f" 1 > "$ENS_TMP/device" || true
	grep -q '^error ERANGE' "$ENS_TMP/device" ||
		fail "the device still holds the first record: $(head -n 2 "$ENS_TMP/device")"
	nsx "zab$f" "$ZABCTL" tail "z$f" --from 0x100000001 > "$ENS_TMP/tail" ||
		fail "zabctl tail failed: $(tail -n 2 "$ENS_TMP/tail")"
	[ "$(wc -l < "$ENS_TMP/tail")" = 300 ] || fail "tail gave $(wc -l < "$ENS_TMP/tail") records, not 300"
	head -n 1 "$ENS_TMP/tail" | grep -q '^0x100000001	old-0\.' || fail "first record: $(head -c 40 "$ENS_TMP/tail")"
	tail -n 1 "$ENS_TMP/tail" | grep -q '	old-299\.' || fail "last record: $(tail -n 1 "$ENS_TMP/tail" | head -c 40)"
	for n in $(seq 1 300); do printf '0x%x\n' $((0x100000000 + n)); done > "$ENS_TMP/expect"
	cut -f1 "$ENS_TMP/tail" | cmp -s - "$ENS_TMP/expect" ||
		fail "records missing or out of order: $(cut -f1 "$ENS_TMP/tail" | diff - "$ENS_TMP/expect" | head -3)"
	echo "  member $f: the window starts at $(zst "$f" window_first); zabctl tail --from 0x100000001 read $(wc -l < "$ENS_TMP/tail") records, the older ones from disk"
}

# A log on disk is attached to an instance whose records came from disk, or
# to an empty one: not to one that led or followed in memory and holds
# records no segment has (they would be taken as durable).
test_log_attach_only_before_joining() {
	ENS_TMP=$(mktemp -d)
	ens_setup 3
	ens_boot 3 1 1
	"$ZABLOAD" write /dev/zab/z1 mem 5 > /dev/null || fail "writes failed"
	nsx zab1 "$ZABCTL" stop z1
	mkdir "$ENS_TMP/d1" "$ENS_TMP/d2"
	# ZAB_A_NAME 1, ZAB_A_DIR_FD 21, ZAB_A_DURABILITY 22 (FSYNC 2)
	expect_fail "LOG after leading in memory" nsx zab1 "$NLTEST" log \
		1=str:z1 21=fd:dir="$ENS_TMP/d1" 22=u8:2
	expect_match 'Device or resource busy.*did not restore from disk' "$OUT"
	[ -z "$(ls "$ENS_TMP/d1")" ] || fail "files written: $(ls "$ENS_TMP/d1")"
	# a new instance takes it
	nsx zab1 "$ZABCTL" create fresh --id 1
	nsx zab1 "$NLTEST" log 1=str:fresh 21=fd:dir="$ENS_TMP/d2" 22=u8:2 ||
		fail "a new instance refused its log"
	[ "$(field_ns zab1 fresh durability)" = fsync ] ||
		fail "durability of fresh: $(field_ns zab1 fresh durability)"
}

zab_ksft_main "$@"
