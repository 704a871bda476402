#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# zabd: ensembles that elect a leader, agree on an epoch and hand their
# sockets to the kernel by themselves, and recover from failures alone.
# Members live in namespaces zabI at 10.77.0.I (ens_net); tickTime 200 ms,
# initLimit 10, syncLimit 10 (2 s: the VM may stall) unless a test says otherwise.
. "$(dirname "$0")/lib.sh"

# epoch_file I NAME: member I's acceptedEpoch or currentEpoch.
epoch_file() {
	cat "$ENS_TMP/data$1/$2"
}

# every_current_epoch E MEMBERS...: all have persisted currentEpoch E.
every_current_epoch() {
	local e=$1 i
	shift
	for i in "$@"; do
		[ "$(epoch_file "$i" currentEpoch 2>/dev/null)" = "$e" ] || return 1
	done
}

test_forms_in_every_order() {
	zabd_setup 3
	prev=0
	for order in "1 2 3" "1 3 2" "2 1 3" "2 3 1" "3 1 2" "3 2 1"; do
		dir=$ENS_TMP/round.${order// /}
		mkdir "$dir"
		start=$(now_ms)
		for i in $order; do
			zabd_start "$i"
			sleep 0.5
		done
		wait_formed 20 1 2 3
		echo "  started in order $order (0.5 s apart): member $LEADER leads epoch $EPOCH" \
			"$(($(log_ms "$LEADER" "LEADING epoch $EPOCH") - start)) ms after the first start"
		[ "$EPOCH" -gt "$prev" ] || fail "epoch $EPOCH after epoch $prev"
		prev=$EPOCH
		for i in 1 2 3; do
			[ "$(epoch_file "$i" acceptedEpoch)" = "$EPOCH" ] ||
				fail "member $i: acceptedEpoch $(epoch_file "$i" acceptedEpoch), not $EPOCH"
		done
		wait_for 5 every_current_epoch "$EPOCH" 1 2 3 ||
			fail "currentEpoch not persisted: $(cat "$ENS_TMP"/data*/currentEpoch)"
		# the logs stay on disk from round to round: 15 more records each
		write_on "$ENS_TMP" "w${order// /}-" 5 1 2 3
		settle "$ENS_TMP" "$LEADER" 1 2 3
		rounds=$((${rounds:-0} + 1))
		[ "$(wc -l < "$ENS_TMP/dump.1")" = $((15 * rounds)) ] ||
			fail "expected $((15 * rounds)) records, not $(wc -l < "$ENS_TMP/dump.1")"
		if [ "$order" = "1 2 3" ]; then
			# what zabctl show says about it
			nsx "zab$LEADER" "$ZABCTL" show "z$LEADER" > "$dir/show.leader"
			sed 's/^/    /' "$dir/show.leader"
			expect_match "state: LEADING" "$(cat "$dir/show.leader")"
			expect_match "epoch: $EPOCH" "$(cat "$dir/show.leader")"
			expect_match "leader: $LEADER" "$(cat "$dir/show.leader")"
			for i in $(others "$LEADER" 1 2 3); do
				expect_match "id $i: acked 0x[0-9a-f]+, queued [0-9]+, rtt [0-9]+\.[0-9]{3} ms" \
					"$(cat "$dir/show.leader")"
				out=$(nsx "zab$i" "$ZABCTL" show "z$i")
				expect_match "state: FOLLOWING" "$out"
				expect_match "leader: $LEADER" "$out"
				expect_match "id $LEADER: acked" "$out"
			done
		fi
		# SIGTERM: each zabd stops and destroys the instance it created
		for i in 1 2 3; do
			zabd_signal TERM "$i"
			[ "$ZABD_STATUS" = 0 ] || fail "zabd $i exited with $ZABD_STATUS"
			[ ! -e "/dev/zab/z$i" ] || fail "zabd $i left its instance"
		done
	done
}

test_leader_failover() {
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" a 20 1 2 3

	# the leader crashes: zabd killed, instance gone
	old=$LEADER
	old_epoch=$EPOCH
	rest=$(others "$old" 1 2 3)
	# a writer on a survivor goes on through the failover, its lines stamped
	probe=${rest%% *}
	(k=0
	 while [ ! -e "$ENS_TMP/probe.stop" ]; do
		"$ZABLOAD" write "/dev/zab/z$probe" "probe$k-" 100
		k=$((k + 1))
	 done | while IFS= read -r l; do echo "$EPOCHREALTIME $l"; done > "$ENS_TMP/probe") &
	writer=$!
	wait_for 10 grep -q ' ok ' "$ENS_TMP/probe" || fail "the probe writer does not write"
	# the leader crashes: zabd killed, then (the kernel would go on
	# leading without it) its instance destroyed
	zabd_signal KILL "$old"
	start=$(now_ms)
	nsx "zab$old" "$ZABCTL" destroy "z$old"
	# shellcheck disable=SC2086
	wait_formed 20 $rest
	[ "$EPOCH" -gt "$old_epoch" ] || fail "epoch $EPOCH after $old_epoch"
	e=$(printf '0x%08x' "$EPOCH")
	wait_for 20 grep -q " ok $e" "$ENS_TMP/probe" || fail "no write committed in epoch $EPOCH"
	touch "$ENS_TMP/probe.stop"
	wait "$writer"
	cut -d' ' -f2- "$ENS_TMP/probe" > "$ENS_TMP/w.probe"
	first=$(awk -v e="$e" \
		'$2 == "ok" && substr($3, 1, 10) == e { split($1, t, "."); print t[1] substr(t[2], 1, 3); exit }' \
		"$ENS_TMP/probe")
	[ -n "$first" ] || fail "no write committed in epoch $EPOCH: $(tail -n 3 "$ENS_TMP/probe")"
	led=$(log_ms "$LEADER" "LEADING epoch $EPOCH")
	echo "  leader $old crashed: member $LEADER leads epoch $EPOCH $((led - start)) ms later" \
		"(election and discovery: $((led - $(log_ms "$LEADER" "LOOKING: election round"))) ms);" \
		"a writer on member $probe commits again $((first - start)) ms later" \
		"($(grep -c ' err ' "$ENS_TMP/probe") writes failed meanwhile)"
	# shellcheck disable=SC2086
	write_on "$ENS_TMP" c 20 $rest

	# the crashed member comes back empty and joins the current leader
	leader=$LEADER
	epoch=$EPOCH
	zabd_start "$old"
	wait_formed 20 1 2 3
	[ "$LEADER" = "$leader" ] && [ "$EPOCH" = "$epoch" ] ||
		fail "the returning member disturbed the leader: $LEADER in epoch $EPOCH"
	write_on "$ENS_TMP" d 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	n=$(wc -l < "$ENS_TMP/dump.$LEADER")
	[ "$(wc -l < "$ENS_TMP/dump.$old")" = "$n" ] ||
		fail "member $old has $(wc -l < "$ENS_TMP/dump.$old") of $n records"

	# the leader is cut off the network: detected after syncLimit
	old=$LEADER
	old_epoch=$EPOCH
	rest=$(others "$old" 1 2 3)
	start=$(now_ms)
	ip link set "veth$old" down
	# shellcheck disable=SC2086
	wait_formed 20 $rest
	[ "$EPOCH" -gt "$old_epoch" ] || fail "epoch $EPOCH after $old_epoch"
	led=$(log_ms "$LEADER" "LEADING epoch $EPOCH")
	echo "  leader $old cut off: member $LEADER leads epoch $EPOCH $((led - start)) ms later" \
		"(failure detection by syncLimit: $((ZABD_TICK * ZABD_SYNC)) ms;" \
		"election and discovery: $((led - $(log_ms "$LEADER" "LOOKING: election round"))) ms)"
	# shellcheck disable=SC2086
	write_on "$ENS_TMP" e 10 $rest
	ip link set "veth$old" up
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" f 10 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
}

# leader_crash ROUND: the leader of members 1 2 3 crashes (its zabd
# killed, its instance destroyed) and the other two form a later epoch
# than $EPOCH; LEADER and EPOCH are then theirs, OLD the crashed member.
leader_crash() {
	local prev=$EPOCH rest
	OLD=$LEADER
	rest=$(others "$OLD" 1 2 3)
	zabd_signal KILL "$OLD"
	nsx "zab$OLD" "$ZABCTL" destroy "z$OLD"
	# shellcheck disable=SC2086
	wait_formed 20 $rest
	[ "$EPOCH" -gt "$prev" ] || fail "round $1: epoch $EPOCH after epoch $prev"
}

# Batched appends (ZAB_IOC_APPEND_BATCH, 20 records a call) from every member
# through two leader crashes: each batch's committed prefix is in every log
# once and in its order, nothing acknowledged is lost, nothing appears twice
# (check_logs), what a crash cut is reported failed, a batch in the log is
# a prefix of it in its order, and a record reported not appended is not
# there.
test_batched_appends_leader_kills() {
	local round e f
	export ZABLOAD_BATCH=20
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	writers_start 1 2 3
	for round in 1 2; do
		wait_for 20 acked_at_least $((round * 300)) || fail "round $round: writes stalled"
		leader_crash "$round"
		e=$(printf '0x%08x' "$EPOCH")
		wait_for 20 grep -q "^ok $e" "$ENS_TMP"/w.* ||
			fail "round $round: no batch committed in epoch $EPOCH"
		zabd_start "$OLD"
		wait_formed 30 1 2 3
	done
	writers_stop
	unset ZABLOAD_BATCH
	for f in "$ENS_TMP"/w.*; do
		awk '$1 == "ok" { if (n++ && $2 <= prev) { print FILENAME ": zxid not increasing: " $0; exit 1 } prev = $2 }' "$f" ||
			fail "a writer's acknowledged records out of its order"
	done
	settle "$ENS_TMP" "$LEADER" 1 2 3
	# of each batch (PREFIX-0..19), the log holds a prefix, in its order:
	# a crash may cut a batch, never leave a hole in it
	awk '{ p = $2; sub(/-[0-9]+$/, "", p); j = substr($2, length(p) + 2) + 0
	       if (j != n[p]++) { print "batch " p ": record " j " where " n[p] - 1 " belongs"; exit 1 } }' \
		"$ENS_TMP/dump.$LEADER" || fail "a batch with a hole or out of its order in the log"
	# a record reported not appended is in no log
	awk '$1 == "err" && $2 == "ENOTCONN" { print $3 }' "$ENS_TMP"/w.* | sort > "$ENS_TMP/notappended"
	awk '{ print $2 }' "$ENS_TMP/dump.$LEADER" | sort | comm -12 - "$ENS_TMP/notappended" > "$ENS_TMP/wrong"
	[ ! -s "$ENS_TMP/wrong" ] || fail "records reported not appended are in the log: $(head -3 "$ENS_TMP/wrong")"
	echo "  $(acked_count) records acknowledged in batches of 20, $(cat "$ENS_TMP"/w.* | grep -c '^err') reported failed, epochs up to $EPOCH"
}

# Exactly-once appends (ZAB_ONCE_MAGIC records): a retry of a record in the
# log, on any member, is answered with that record's zxid and appends
# nothing; an older record of the writer is refused (EALREADY). Then the
# case it is for: the leader's link to a follower fails one way after the
# follower forwarded a record; the leader and the other follower commit
# it, the follower's writer learns nothing and gets ECONNRESET; once the
# link is back, the same record retried on that follower is not appended
# again. Every retry counts in the leader's `duplicates'.
test_exactly_once_retries() {
	local f g z1 z2 out rc lost dup
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	f=$(others "$LEADER" 1 2 3)
	g=${f#* }
	g=${g%% *}
	f=${f%% *}
	out=$("$ZABLOAD" once "/dev/zab/z$f" 77 1 0 r1)
	[[ $out =~ ^ok\ (0x[0-9a-f]+)\ r1$ ]] || fail "first append: $out"
	z1=${BASH_REMATCH[1]}
	# again, on that follower, on the leader, on the other follower
	for i in "$f" "$LEADER" "$g"; do
		out=$("$ZABLOAD" once "/dev/zab/z$i" 77 1 0 r1)
		[ "$out" = "ok $z1 r1" ] || fail "retry on member $i: \`$out', wanted ok $z1"
	done
	out=$("$ZABLOAD" once "/dev/zab/z$g" 77 2 "$z1" r2)
	[[ $out =~ ^ok\ (0x[0-9a-f]+)\ r2$ ]] && [ "${BASH_REMATCH[1]}" != "$z1" ] ||
		fail "the next record: $out"
	z2=${BASH_REMATCH[1]}
	for i in "$f" "$LEADER"; do
		out=$("$ZABLOAD" once "/dev/zab/z$i" 77 1 0 r1)
		[ "$out" = "err EALREADY r1" ] || fail "an older record on member $i: \`$out'"
	done
	# a malformed header: refused before it leaves the member
	out=$("$ZABLOAD" once "/dev/zab/z$f" 0 1 0 bad)
	[ "$out" = "err EINVAL bad" ] || fail "client 0: \`$out'"
	[ "$(field_ns "zab$LEADER" "z$LEADER" duplicates)" = 3 ] ||
		fail "leader's duplicates: $(field_ns "zab$LEADER" "z$LEADER" duplicates), wanted 3"
	[ "$(field_ns "zab$f" "z$f" once_clients)" = 1 ] ||
		fail "follower's once_clients: $(field_ns "zab$f" "z$f" once_clients)"

	# the leader stops reaching f; f's request still reaches it
	nsx "zab$LEADER" tc qdisc add dev eth0 root handle 1: prio bands 4 \
		priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1
	nsx "zab$LEADER" tc qdisc add dev eth0 parent 1:4 handle 40: netem loss 100%
	nsx "zab$LEADER" tc filter add dev eth0 parent 1: protocol ip prio 1 u32 \
		match ip dst "10.77.0.$f/32" flowid 1:4
	rc=0
	out=$("$ZABLOAD" once "/dev/zab/z$f" 78 1 "$z2" lost) || rc=$?
	[ "$out" = "err ECONNRESET lost" ] || fail "the cut-off writer: \`$out' (rc $rc)"
	lost=$("$ZABLOAD" dump "/dev/zab/z$LEADER" | awk '$2 == "lost" { print $1 }')
	[ -n "$lost" ] || fail "the leader did not commit the record of the cut-off follower"
	nsx "zab$LEADER" tc qdisc del dev eth0 root
	wait_formed 30 1 2 3
	dup=$(field_ns "zab$LEADER" "z$LEADER" duplicates)
	out=$("$ZABLOAD" once "/dev/zab/z$f" 78 1 "$z2" lost)
	[ "$out" = "ok $lost lost" ] || fail "the retry on member $f: \`$out', wanted ok $lost"
	[ "$(field_ns "zab$LEADER" "z$LEADER" duplicates)" = $((dup + 1)) ] ||
		fail "the retry was not answered as a duplicate"
	# what check_logs checks the logs against: the records and their zxids
	printf 'ok %s r1\nok %s r2\nok %s lost\n' "$z1" "$z2" "$lost" > "$ENS_TMP/w.once"
	settle "$ENS_TMP" "$LEADER" 1 2 3
	[ "$(grep -c ' lost$' "$ENS_TMP/dump.$LEADER")" = 1 ] || fail "the record twice in the log"
	[ "$(grep -c ' r1$' "$ENS_TMP/dump.$LEADER")" = 1 ] || fail "r1 twice in the log"
	echo "  retries on 3 members answered $z1; the record committed while its writer was cut off ($lost) retried once back: not appended again"
}

TIMEOUT_test_exactly_once_leader_kills=400

# Exactly-once writers on every member (zabload's ZABLOAD_ONCE: a record
# that fails with ECONNRESET or ENOTCONN is retried until it commits)
# through leader crashes: check_logs finds no record twice, every
# acknowledged one once; and the writers' records have no hole: a writer's
# records, each retried until it committed, are in the log in its order.
test_exactly_once_leader_kills() {
	local round retries
	export ZABLOAD_ONCE=1
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	writers_start 1 2 3
	for round in $(seq 1 "${ZAB_KILLS:-3}"); do
		wait_for 20 acked_at_least $((round * 200)) || fail "round $round: writes stalled"
		leader_crash "$round"
		zabd_start "$OLD"
		wait_formed 30 1 2 3
	done
	wait_for 20 acked_at_least $((round * 200 + 100)) || fail "writes stalled after the last crash"
	writers_stop
	unset ZABLOAD_ONCE
	settle "$ENS_TMP" "$LEADER" 1 2 3
	# each writer process wrote PREFIX-0, -1, ... retrying each until it
	# committed: in the log, a prefix of that, in order (the last one may
	# be missing: its writer was stopped, or its member destroyed)
	awk '{ p = $2; sub(/-[0-9]+$/, "", p); j = substr($2, length(p) + 2) + 0
	       if (j != n[p]++) { print "writer " p ": record " j " where " n[p] - 1 " belongs"; exit 1 } }' \
		"$ENS_TMP/dump.$LEADER" || fail "a writer's records with a hole or out of order"
	retries=$(cat "$ENS_TMP"/w.* | grep -c '^retry ' || true)
	echo "  $(acked_count) records acknowledged, $retries tries retried, $(cat "$ENS_TMP"/w.* | grep -c '^err ' || true) given up;" \
		"the leader of epoch $EPOCH answered $(field_ns "zab$LEADER" "z$LEADER" duplicates) retries as duplicates"
}

TIMEOUT_test_twenty_leader_kills=600

# Twenty leader crashes in a row, under a writer on every member all along.
# Each time the survivors must elect a leader of a higher epoch and commit
# again (liveness), and the crashed member comes back with the log it had on
# disk and rejoins; at
# the end every member's log must agree, hold every acknowledged write once
# and nothing nobody wrote (check_logs). Prints the failover times.
test_twenty_leader_kills() {
	local kills=${ZAB_KILLS:-20} round old rest prev e t r led first col what
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	writers_start 1 2 3
	prev=$EPOCH
	: > "$ENS_TMP/times"
	for round in $(seq 1 "$kills"); do
		old=$LEADER
		rest=$(others "$old" 1 2 3)
		zabd_signal KILL "$old"
		t=$(now_ms)
		nsx "zab$old" "$ZABCTL" destroy "z$old"
		# shellcheck disable=SC2086
		wait_formed 20 $rest
		[ "$EPOCH" -gt "$prev" ] || fail "round $round: epoch $EPOCH after epoch $prev"
		prev=$EPOCH
		e=$(printf '0x%08x' "$EPOCH")
		wait_for 20 grep -q "^ok $e" "$ENS_TMP"/w.* ||
			fail "round $round: no write committed in epoch $EPOCH"
		led=$(log_ms "$LEADER" "LEADING epoch $EPOCH")
		first=$(awk -v e="$e" '$1 == "ok" && substr($2, 1, 10) == e { print $4 }' \
			"$ENS_TMP"/w.* | sort -n | head -n 1)
		zabd_start "$old"
		r=$(now_ms)
		wait_formed 30 1 2 3
		echo "$((led - t)) $((first - t)) $(($(now_ms) - r))" >> "$ENS_TMP/times"
		echo "  round $round: member $old crashed, member $LEADER leads epoch $EPOCH; $(acked_count) writes so far"
		[ "$EPOCH" = "$prev" ] || fail "round $round: member $old came back and the epoch moved on"
	done
	writers_stop
	settle "$ENS_TMP" "$LEADER" 1 2 3
	echo "  $kills leader crashes, epochs up to $EPOCH; $(grep -c '^err' "$ENS_TMP"/w.* | awk -F: '{ n += $2 } END { print n }') writes failed meanwhile"
	col=1
	for what in "crash to new leader" "crash to first commit in the new epoch" \
		    "restart of the crashed member to an ensemble of 3"; do
		cut -d' ' -f"$col" "$ENS_TMP/times" | sort -n | awk -v what="$what" '
			{ v[NR] = $1 }
			END { printf "  %s: min %d ms, median %d ms, max %d ms\n",
				what, v[1], v[int((NR + 1) / 2)], v[NR] }'
		col=$((col + 1))
	done
}

test_members_restart() {
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	leader=$LEADER
	epoch=$EPOCH
	set -- $(others "$leader" 1 2 3)
	f1=$1
	f2=$2
	write_on "$ENS_TMP" a 20 1 2 3

	# a follower stops (SIGTERM): its instance goes, the leader keeps leading
	zabd_signal TERM "$f1"
	[ "$ZABD_STATUS" = 0 ] || fail "zabd exited with $ZABD_STATUS"
	[ ! -e "/dev/zab/z$f1" ] || fail "the instance of member $f1 is still there"
	write_on "$ENS_TMP" b 10 "$leader" "$f2"
	zabd_start "$f1"
	wait_formed 20 1 2 3
	[ "$LEADER" = "$leader" ] && [ "$EPOCH" = "$epoch" ] ||
		fail "member $f1 disturbed the ensemble: $LEADER leads epoch $EPOCH"
	grep -q "FOLLOWING leader $leader in epoch $epoch" "$ENS_TMP/zabd.$f1.log" ||
		fail "member $f1 did not say it follows"

	# a follower's zabd is killed: the kernel goes on following; a new zabd
	# takes the instance over and rejoins
	zabd_signal KILL "$f2"
	[ "$(zst "$f2" state)" = 1 ] || fail "member $f2's instance stopped following"
	write_on "$ENS_TMP" c 10 1 2 3
	zabd_start "$f2"
	wait_for 10 grep -q "using the existing instance" "$ENS_TMP/zabd.$f2.log" ||
		fail "the new zabd did not adopt the instance"
	wait_formed 20 1 2 3
	[ "$LEADER" = "$leader" ] && [ "$EPOCH" = "$epoch" ] ||
		fail "member $f2 disturbed the ensemble: $LEADER leads epoch $EPOCH"
	write_on "$ENS_TMP" d 10 1 2 3
	settle "$ENS_TMP" "$leader" 1 2 3
	[ "$(wc -l < "$ENS_TMP/dump.$f1")" = 140 ] || fail "member $f1 lacks records"

	# the leader stops (SIGTERM): the others elect one of them
	start=$(now_ms)
	zabd_signal TERM "$leader"
	[ "$ZABD_STATUS" = 0 ] || fail "zabd exited with $ZABD_STATUS"
	wait_formed 20 "$f1" "$f2"
	[ "$EPOCH" -gt "$epoch" ] || fail "epoch $EPOCH after $epoch"
	write_on "$ENS_TMP" e 10 "$f1" "$f2"
	echo "  leader $leader stopped: member $LEADER leads epoch $EPOCH" \
		"$(($(log_ms "$LEADER" "LEADING epoch $EPOCH") - start)) ms later"
}

test_five_members_lose_two() {
	zabd_setup 5
	zabd_start 1 2 3 4 5
	wait_formed 30 1 2 3 4 5
	write_on "$ENS_TMP" a 10 1 2 3 4 5
	old=$LEADER
	old_epoch=$EPOCH
	victim=$(others "$old" 1 2 3 4 5 | cut -d' ' -f1)
	rest=$(others "$victim" $(others "$old" 1 2 3 4 5))
	zabd_crash "$victim"
	zabd_signal KILL "$old"
	start=$(now_ms)
	nsx "zab$old" "$ZABCTL" destroy "z$old"
	# shellcheck disable=SC2086
	wait_formed 20 $rest
	echo "  leader $old and member $victim crashed: member $LEADER leads epoch $EPOCH" \
		"$(($(log_ms "$LEADER" "LEADING epoch $EPOCH") - start)) ms later"
	[ "$EPOCH" -gt "$old_epoch" ] || fail "epoch $EPOCH after $old_epoch"
	# shellcheck disable=SC2086
	write_on "$ENS_TMP" b 20 $rest
	# shellcheck disable=SC2086
	settle "$ENS_TMP" "$LEADER" $rest
	[ "$(wc -l < "$ENS_TMP/dump.$LEADER")" = 110 ] || fail "expected 110 records"
}

# notif STATE SENDER LEADER ZXID CLOCK EPOCH [VERSION]: a notification.
notif() {
	printf '\\x5a\\x41\\x42\\x45%s%s\\x00\\x00' "$(hexn "${7:-2}" 1)" "$(hexn "$1" 1)"
	hexn "$2" 4
	hexn "$3" 4
	hexn "$4" 8
	hexn "$5" 8
	hexn "$6" 4
	hexn 0 4
}

# send_each NS ADDR PORT HEX...: from namespace NS, one connection to
# ADDR:PORT per HEX, which sends those bytes and closes.
send_each() {
	local ns=$1 addr=$2 port=$3 script="" hex
	shift 3
	for hex in "$@"; do
		script+="exec 3<>/dev/tcp/$addr/$port && printf '$hex' >&3; sleep 0.1; exec 3>&-; "
	done
	nsx "$ns" bash -c "$script" 2>/dev/null || true
}

# The plain protocol's own checks, with auth = none (89-auth: with a key,
# none of this gets past the handshake).
test_election_port_garbage() {
	ZABD_AUTH=none
	zabd_setup 3
	ns_add 9				# a stranger at 10.77.0.9
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	leader=$LEADER
	epoch=$EPOCH
	write_on "$ENS_TMP" a 10 1 2 3
	huge=$((0x7fffffffffffffff))
	junk=$(hexn $huge 8)$(hexn $huge 8)$(hexn $huge 8)
	for i in 1 2 3; do
		addr=10.77.0.$i
		j=$((i % 3 + 1))		# another member,
		k=$((j % 3 + 1))		# and the third
		# from a stranger: refused before a byte is read
		send_each zab9 "$addr" 3888 "$junk$(hexn 0 16)" \
			"$(notif 0 "$j" "$i" $huge 1 0xfffffffe)"
		# from member j's address: garbage, an unknown id, a version and
		# a state from the future, member k's id, a vote for an unknown
		# member, absurd numbers, half a frame
		send_each "zab$j" "$addr" 3888 "$junk$(hexn 0 16)" \
			"$(notif 0 9 9 $huge 1 0xfffffffe)" \
			"$(notif 0 9 9 0 1 0 1)" "$(notif 3 9 9 0 1 0)" \
			"$(notif 2 "$k" "$k" $huge 1 0xfffffffe)" \
			"$(notif 0 "$j" 200 0 1 0)" "$(notif 0 "$j" "$j" 0 $huge 0)" \
			"$(notif 0 "$j" "$j" 0 1 0xffffffff)" "$(hexn 0x5a414245 4)\\x01"
		# the quorum port: a stranger; garbage from a member's address
		send_each zab9 "$addr" 2888 "$junk"
		send_each "zab$j" "$addr" 2888 "$junk"
	done
	# a stranger's flood at one quorum port: one warning a minute
	send_each zab9 10.77.0.1 2888 "$junk" "$junk" "$junk" "$junk" "$junk"
	n=$(grep -c "warning: quorum port: refusing 10.77.0.9" "$ENS_TMP/zabd.1.log")
	[ "$n" = 1 ] || fail "$n warnings for 6 connections of a stranger, not 1"
	# the leader's quorum port, from member j's address: a SNAPREQ in
	# member k's name
	set -- $(others "$leader" 1 2 3)
	snapreq="$(hexn 0x5a414251 4)\\x02\\x04$(hexn 0 2)$(hexn "$2" 4)$(hexn 0 4)$(hexn 1 8)"
	send_each "zab$1" "10.77.0.$leader" 2888 "$snapreq"
	# connections that never say who they are
	pids=""
	for i in 1 2 3; do
		nsx "zab$i" bash -c "for a in 1 2 3; do [ \$a = $i ] || exec {fd}<>/dev/tcp/10.77.0.\$a/3888; done; sleep 4" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	for i in 1 2 3; do
		zabd_alive "$i" || fail "zabd $i died"
	done
	formed 1 2 3 || fail "the ensemble broke up"
	[ "$LEADER" = "$leader" ] && [ "$EPOCH" = "$epoch" ] ||
		fail "the garbage changed the leader: $LEADER in epoch $EPOCH"
	cat "$ENS_TMP"/zabd.?.log > "$ENS_TMP/all.log"
	for why in "bad magic" "unknown sender id 9" "does not match its address" \
		   "unknown version" "unknown state" "vote for unknown member 200" \
		   "absurd election epoch" "absurd peer epoch" "no notification in time" \
		   "not the address of a member" "bad FOLLOWERINFO: bad magic" \
		   "SNAPREQ: member id does not match the address"; do
		n=$(grep -c "$why" "$ENS_TMP/all.log" || true)
		echo "  $why: $n connections dropped"
		[ "$n" -ge 1 ] || fail "no connection dropped for: $why"
	done

	# during an election, member A's address claims the best history for
	# member B, which B never claimed: B must not lead on it
	set -- $(others "$leader" 1 2 3)
	a=$2
	b=$1
	converge_to "$leader" 1 2 3
	forged=$(notif 0 "$a" "$b" $huge $((1 << 40)) 0xfffffffe)
	nsx "zab$a" bash -c "exec 3<>/dev/tcp/10.77.0.$b/3888 || exit 1
		for i in \$(seq 30); do printf '$forged' >&3; sleep 0.1; done" &
	injector=$!
	sleep 0.3
	zabd_crash "$leader"
	wait $injector || fail "the forged votes could not be sent"
	wait_formed 20 "$a" "$b"
	[ "$LEADER" = "$a" ] || fail "member $LEADER leads: elected on a forged vote (expected $a)"
	[ "$EPOCH" = $((epoch + 1)) ] || fail "epoch $EPOCH, expected $((epoch + 1))"
	write_on "$ENS_TMP" b 10 "$a" "$b"
	settle "$ENS_TMP" "$a" "$a" "$b"
}

# Seed scenario 1: the leader fails after a quorum acknowledged a proposal,
# before every follower got its COMMIT. Here one follower (A) has the
# proposal without its COMMIT, the other (B) has nothing of it. The record
# was committed: after failover it must be delivered everywhere, B included.
test_seed_acked_not_committed_everywhere() {
	ZABD_SYNC=15				# 3 s: the delayed link to A stays up
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	old=$LEADER
	set -- $(others "$old" 1 2 3)
	a=$1
	b=$2
	write_on "$ENS_TMP" a 10 1 2 3
	converge_to "$old" 1 2 3
	# from the leader: everything to B lost, everything to A one second late
	nsx "zab$old" tc qdisc add dev eth0 root handle 1: prio
	nsx "zab$old" tc qdisc add dev eth0 parent 1:1 handle 10: netem delay 1s
	nsx "zab$old" tc qdisc add dev eth0 parent 1:3 handle 30: netem loss 100%
	nsx "zab$old" tc filter add dev eth0 parent 1: protocol ip prio 1 u32 \
		match ip dst "10.77.0.$a/32" flowid 1:1
	nsx "zab$old" tc filter add dev eth0 parent 1: protocol ip prio 1 u32 \
		match ip dst "10.77.0.$b/32" flowid 1:3
	"$ZABLOAD" write "/dev/zab/z$old" seed 1 > "$ENS_TMP/w.seed"
	# committed by the leader and A; A's COMMIT still sits in the delay
	ip -n "zab$old" link set eth0 down
	# where A and B stand now (A notices the silence only after syncLimit)
	st_a=$("$DEVTEST" status "/dev/zab/z$a")
	st_b=$("$DEVTEST" status "/dev/zab/z$b")
	zabd_crash "$old"
	grep -q '^ok' "$ENS_TMP/w.seed" || fail "the seed write did not commit: $(cat "$ENS_TMP/w.seed")"
	zxid=$(printf '%d' "$(awk '{ print $2 }' "$ENS_TMP/w.seed")")
	[ "$(printf '%d' "$(sed -n 's/^last_zxid=//p' <<< "$st_a")")" -ge "$zxid" ] ||
		fail "member $a lacks the proposal: $st_a"
	[ "$(printf '%d' "$(sed -n 's/^commit_zxid=//p' <<< "$st_a")")" -lt "$zxid" ] ||
		fail "member $a got the COMMIT: the scenario was not reached: $st_a"
	[ "$(printf '%d' "$(sed -n 's/^last_zxid=//p' <<< "$st_b")")" -lt "$zxid" ] ||
		fail "member $b got the proposal: $st_b"
	zxid=$(awk '{ print $2 }' "$ENS_TMP/w.seed")
	echo "  member $a holds $zxid uncommitted, member $b lacks it; leader $old crashed"
	wait_formed 30 "$a" "$b"
	[ "$LEADER" = "$a" ] || fail "member $LEADER leads, not $a which has the most"
	write_on "$ENS_TMP" b 5 "$a" "$b"
	settle "$ENS_TMP" "$a" "$a" "$b"
	grep -q "^$zxid seed-0\$" "$ENS_TMP/dump.$b" || fail "member $b lacks the committed record"
	# the old leader returns, empty, and gets it too
	ip -n "zab$old" link set eth0 up
	nsx "zab$old" tc qdisc del dev eth0 root
	zabd_start "$old"
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" c 5 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	for i in 1 2 3; do
		grep -q "^$zxid seed-0\$" "$ENS_TMP/dump.$i" || fail "member $i lacks the committed record"
	done
}

# Seed scenario 2: the leader proposes a record only locally (its outgoing
# traffic is cut), its writer gets an error, and its zabd dies while it is
# partitioned. The others elect; the old member comes back with the proposal
# in its kernel log and rejoins: the record is discarded everywhere, on the
# old leader by TRUNC.
test_seed_local_proposal_discarded() {
	zabd_setup 3
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	old=$LEADER
	old_epoch=$EPOCH
	rest=$(others "$old" 1 2 3)
	write_on "$ENS_TMP" a 10 1 2 3
	converge_to "$old" 1 2 3
	nsx "zab$old" tc qdisc add dev eth0 root netem loss 100%
	"$ZABLOAD" write "/dev/zab/z$old" lonely 1 > "$ENS_TMP/w.lonely"
	grep -q '^err ECONNRESET lonely-0$' "$ENS_TMP/w.lonely" ||
		fail "the lonely write: $(cat "$ENS_TMP/w.lonely")"
	last=$(zst "$old" last_zxid)
	commit=$(zst "$old" commit_zxid)
	[ "$(printf '%d' "$last")" -gt "$(printf '%d' "$commit")" ] ||
		fail "no local proposal: last $last, commit $commit"
	echo "  leader $old holds its local proposal $last (commit point $commit)"
	# shellcheck disable=SC2086
	wait_formed 20 $rest
	[ "$EPOCH" -gt "$old_epoch" ] || fail "epoch $EPOCH after $old_epoch"
	# the old leader's daemon dies too; its instance keeps the proposal
	zabd_signal KILL "$old"
	[ "$(zst "$old" last_zxid)" = "$last" ] || fail "the proposal left the old leader's log"
	# shellcheck disable=SC2086
	write_on "$ENS_TMP" b 5 $rest
	nsx "zab$old" tc qdisc del dev eth0 root
	zabd_start "$old"
	wait_formed 20 1 2 3
	now=$(zst "$old" last_zxid)
	[ "$(printf '%d' "$now")" -ne "$(printf '%d' "$last")" ] || fail "the old leader still holds $last"
	write_on "$ENS_TMP" c 5 1 2 3
	settle "$ENS_TMP" "$LEADER" 1 2 3
	! grep -q ' lonely-0$' "$ENS_TMP"/dump.* ||
		fail "the local proposal was delivered: $(grep -l lonely-0 "$ENS_TMP"/dump.*)"
	grep -q '^0x0*'"${last#0x}"' ' "$ENS_TMP/dump.$old" &&
		fail "zxid $last was reused on the old leader"
	echo "  the old leader rejoined; its log now ends with the new epoch's records"
}

test_daemon_lifecycle() {
	ENS_TMP=$(mktemp -d)
	trap zabd_cleanup EXIT
	ens_net 1
	zabd_conf 3 1
	conf=$ENS_TMP/z1.conf
	# configuration errors name the file, the line and the key
	cp "$conf" "$ENS_TMP/bad.conf"
	echo "tickTme = 100" >> "$ENS_TMP/bad.conf"
	line=$(wc -l < "$ENS_TMP/bad.conf")
	expect_fail "unknown key" "$ZABD" -c "$ENS_TMP/bad.conf"
	expect_match "bad.conf:$line: unknown key \`tickTme'" "$OUT"
	sed 's/^server.2 = .*/server.2 = 10.77.0.2:2888/' "$conf" > "$ENS_TMP/bad.conf"
	line=$(grep -n '^server.2 = ' "$ENS_TMP/bad.conf" | cut -d: -f1)
	expect_fail "bad server line" "$ZABD" -c "$ENS_TMP/bad.conf"
	expect_match "bad.conf:$line: invalid server.2" "$OUT"
	grep -v dataDir "$conf" > "$ENS_TMP/bad.conf"
	expect_fail "no dataDir" "$ZABD" -c "$ENS_TMP/bad.conf"
	expect_match "missing key \`dataDir'" "$OUT"
	sed 's/^server.3 = .*/server.3 = no-such-host.invalid:2888:3888/' "$conf" > "$ENS_TMP/bad.conf"
	expect_fail "unresolvable host" nsx zab1 "$ZABD" -c "$ENS_TMP/bad.conf"
	line=$(grep -n '^server.3 = ' "$ENS_TMP/bad.conf" | cut -d: -f1)
	expect_match "bad.conf:$line: server.3: cannot resolve" "$OUT"
	# corrupt or contradicting epoch files
	mkdir -p "$ENS_TMP/data1"
	echo "12x" > "$ENS_TMP/data1/currentEpoch"
	expect_fail "corrupt currentEpoch" nsx zab1 "$ZABD" -c "$conf"
	expect_match "data1/currentEpoch: corrupt: not a decimal number" "$OUT"
	echo 5 > "$ENS_TMP/data1/currentEpoch"
	echo 4 > "$ENS_TMP/data1/acceptedEpoch"
	expect_fail "currentEpoch after acceptedEpoch" nsx zab1 "$ZABD" -c "$conf"
	expect_match "currentEpoch 5 is newer than acceptedEpoch 4" "$OUT"
	[ ! -e /dev/zab/z1 ] || fail "an instance was created anyway"
	echo 5 > "$ENS_TMP/data1/acceptedEpoch"
	# SIGINT: the instance it created goes
	zabd_start 1
	wait_for 10 test -e /dev/zab/z1 || fail "no instance"
	wait_for 10 grep -q LOOKING "$ENS_TMP/zabd.1.log" || fail "no election"
	expect_fail "second zabd on the dataDir" nsx zab1 "$ZABD" -c "$conf"
	expect_match "in use by another zabd" "$OUT"
	zabd_signal INT 1
	[ "$ZABD_STATUS" = 0 ] || fail "exit status $ZABD_STATUS"
	[ ! -e /dev/zab/z1 ] || fail "the instance is still there"
	grep -q "destroyed instance \`z1'" "$ENS_TMP/zabd.1.log" || fail "no word of it"
	# an instance made beforehand is used, and only stopped at exit
	nsx zab1 "$ZABCTL" create z1 --id 1
	zabd_start 1
	wait_for 10 grep -q "using the existing instance" "$ENS_TMP/zabd.1.log" ||
		fail "not adopted: $(cat "$ENS_TMP/zabd.1.log")"
	zabd_signal TERM 1
	[ "$ZABD_STATUS" = 0 ] || fail "exit status $ZABD_STATUS"
	[ -e /dev/zab/z1 ] || fail "the instance zabd did not create was destroyed"
	nsx zab1 "$ZABCTL" destroy z1
	# one with another myid is not ours
	nsx zab1 "$ZABCTL" create z1 --id 2
	expect_fail "someone else's instance" nsx zab1 "$ZABD" -c "$conf"
	expect_match "exists with myid 2, not 1" "$OUT"
	[ -e /dev/zab/z1 ] || fail "someone else's instance was destroyed"
	# the instance destroyed under a running zabd: it says so and exits
	nsx zab1 "$ZABCTL" destroy z1
	zabd_start 1
	wait_for 10 test -e /dev/zab/z1 || fail "no instance"
	nsx zab1 "$ZABCTL" destroy z1
	wait_for 10 zabd_gone 1 || fail "zabd kept running without its instance"
	pid=$(cat "$ENS_TMP/zabd.1.pid")
	rc=0
	wait "$pid" || rc=$?
	rm -f "$ENS_TMP/zabd.1.pid"
	[ "$rc" = 1 ] || fail "exit status $rc after the instance was destroyed"
	grep -q "was destroyed: exiting" "$ENS_TMP/zabd.1.log" || fail "no word of it"
}

# A member whose missing records have left the leader's memory is
# synchronised by SNAP: it takes the leader's whole window and then the live
# stream, and ends with what the leader's readers see.
test_member_beyond_window() {
	zabd_setup 3
	for i in 1 2 3; do
		printf 'windowBytes = 64K\nmaxRecordSize = 1K\n' >> "$ENS_TMP/z$i.conf"
	done
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	leader=$LEADER
	epoch=$EPOCH
	set -- $(others "$leader" 1 2 3)
	f=$1
	g=$2
	zabd_signal TERM "$f"			# it will come back empty
	"$ZABLOAD" write "/dev/zab/z$leader" fill 300 1000 > "$ENS_TMP/w.fill"
	! grep -q '^err' "$ENS_TMP/w.fill" || fail "writes failed: $(grep -m3 '^err' "$ENS_TMP/w.fill")"
	first=$(zst "$leader" window_first)
	[ "$((first))" -gt $((0x100000001)) ] || fail "the leader's window starts at $first: nothing left it"
	snaps=$(field_ns "zab$leader" "z$leader" sync_snap)
	zabd_start "$f"
	wait_formed 20 1 2 3
	[ "$LEADER" = "$leader" ] && [ "$EPOCH" = "$epoch" ] ||
		fail "the returning member disturbed the leader: $LEADER in epoch $EPOCH"
	[ "$(field_ns "zab$leader" "z$leader" sync_snap)" = $((snaps + 1)) ] ||
		fail "member $f was not synchronised by SNAP: $(nsx "zab$leader" "$ZABCTL" show "z$leader" | grep synced)"
	write_on "$ENS_TMP" more 10 1 2 3
	converge_to "$leader" 1 2 3
	# every member's window: the same records, down to the same first one
	for i in 1 2 3; do
		"$ZABLOAD" dump "/dev/zab/z$i" "$(zst "$i" window_first)" > "$ENS_TMP/dump.$i" ||
			fail "dump of z$i failed: $(tail -n 1 "$ENS_TMP/dump.$i")"
	done
	cmp -s "$ENS_TMP/dump.$leader" "$ENS_TMP/dump.$f" ||
		fail "member $f's window differs from the leader's: $(diff "$ENS_TMP/dump.$leader" "$ENS_TMP/dump.$f" | head -5)"
	grep -q ' more1-9$' "$ENS_TMP/dump.$f" || fail "member $f lacks the writes made after it joined"
	echo "  member $f came back empty, after records up to $first left the leader's window:" \
		"SNAP, then $(wc -l < "$ENS_TMP/dump.$f") records, as on the leader"
}

# A member whose every packet leaves 1.5 s late (a round trip longer than a
# second: a far site, or a SYN sent again after a loss) joins all the same:
# its connections, election and quorum alike, wait as long as a round trip
# may take, the one to the leader up to initLimit. Before, every connection
# gave up after a second, and the member never followed.
test_slow_link_member_joins() {
	local l
	ZABD_INIT=$((50 * ZAB_TIME_SCALE))	# 10 s: discovery over the slow link
	ZABD_SYNC=$((50 * ZAB_TIME_SCALE))	# 10 s: PINGs of 1.5 s round trips
	zabd_setup 3
	zabd_start 1 2
	wait_formed 20 1 2
	l=$LEADER
	write_on "$ENS_TMP" fast 5 1 2
	nsx zab3 tc qdisc add dev eth0 root netem delay 1500ms
	zabd_start 3
	wait_formed $((60 * ZAB_TIME_SCALE)) 1 2 3
	[ "$LEADER" = "$l" ] || fail "leader $LEADER, not $l: the slow member disturbed the ensemble"
	write_on "$ENS_TMP" slow 5 1 2 3
	settle "$ENS_TMP" "$l" 1 2 3
	grep -q ' slow3-4$' "$ENS_TMP/dump.3" || fail "member 3 lacks the records written through it"
	echo "  member 3, 1.5 s away, followed leader $l and wrote through it"
}

# Under systemd (Type=notify, WatchdogSec=): zabd tells its service manager
# what it does over $NOTIFY_SOCKET: STATUS=started, READY=1 once, when it
# has joined an ensemble (a member alone is not ready), STATUS=LOOKING while
# it elects and STATUS= each role, WATCHDOG=1 at half of $WATCHDOG_USEC all
# along, from the start, STOPPING=1 at the end.
# A datagram socket read by a small listener stands for systemd here.
test_systemd_notify() {
	local i n lpid r s ts
	zabd_setup 3
	for i in 1 2 3; do
		python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        d = s.recv(4096).decode()
        f.write("%.3f %s\n" % (time.time(), d.replace("\n", "|")))
' "$ENS_TMP/notify.$i" "$ENS_TMP/sd.$i" &
		lpid="${lpid:-} $!"
	done
	# shellcheck disable=SC2064
	trap "rc=\$?; kill $lpid 2> /dev/null; (exit \$rc); zabd_cleanup" EXIT
	# python starts slowly under TCG
	for i in 1 2 3; do
		wait_for 30 test -S "$ENS_TMP/notify.$i" || fail "listener $i did not start"
	done
	# a member alone: running, kicking the watchdog, but not ready
	NOTIFY_SOCKET=$ENS_TMP/notify.1 WATCHDOG_USEC=1000000 zabd_start 1
	wait_for 10 grep -q ' WATCHDOG=1$' "$ENS_TMP/sd.1" || fail "member 1 alone: no WATCHDOG=1"
	sleep 1
	! grep -q 'READY=1' "$ENS_TMP/sd.1" ||
		fail "member 1 said READY=1 alone, before joining an ensemble: $(head -n 3 "$ENS_TMP/sd.1")"
	for i in 2 3; do
		NOTIFY_SOCKET=$ENS_TMP/notify.$i WATCHDOG_USEC=1000000 zabd_start "$i"
	done
	wait_formed 20 1 2 3
	for i in 1 2 3; do
		wait_for 5 grep -q 'READY=1' "$ENS_TMP/sd.$i" ||
			fail "member $i: no READY=1: $(cat "$ENS_TMP/sd.$i")"
	done
	sleep 2
	for i in 1 2 3; do
		head -n 1 "$ENS_TMP/sd.$i" | grep -q ' STATUS=started, looking for its peers$' ||
			fail "member $i: not STATUS=started first: $(head -n 3 "$ENS_TMP/sd.$i")"
		# ready once it has joined: after its role, and a follower once
		# it is synchronised (its zabd's log says when)
		r=$(grep -n 'READY=1' "$ENS_TMP/sd.$i" | head -n 1 | cut -d: -f1)
		s=$(grep -nE 'STATUS=(LEADING epoch|FOLLOWING leader) ' "$ENS_TMP/sd.$i" | head -n 1 | cut -d: -f1)
		[ -n "$r" ] && [ -n "$s" ] && [ "$r" -gt "$s" ] ||
			fail "member $i: READY=1 (line ${r:-none}) not after its role (line ${s:-none})"
		if [ "$i" != "$LEADER" ]; then
			ts=$(grep -m1 ' READY=1$' "$ENS_TMP/sd.$i" | cut -d' ' -f1)
			grep -q 'synchronised with leader' "$ENS_TMP/zabd.$i.log" ||
				fail "member $i: READY=1 at $ts, never synchronised"
		fi
		[ "$(grep -c 'READY=1' "$ENS_TMP/sd.$i")" = 1 ] ||
			fail "member $i: READY=1 more than once: $(grep READY "$ENS_TMP/sd.$i")"
		grep -q '^[0-9.]* STATUS=LOOKING: election round' "$ENS_TMP/sd.$i" ||
			fail "member $i: no STATUS=LOOKING: $(head -n 3 "$ENS_TMP/sd.$i")"
		if [ "$i" = "$LEADER" ]; then
			grep -q "[ |]STATUS=LEADING epoch $EPOCH with followers" "$ENS_TMP/sd.$i" ||
				fail "leader $i: $(grep STATUS "$ENS_TMP/sd.$i")"
		else
			grep -q "[ |]STATUS=FOLLOWING leader $LEADER in epoch $EPOCH\$" "$ENS_TMP/sd.$i" ||
				fail "member $i: $(grep STATUS "$ENS_TMP/sd.$i")"
		fi
		n=$(grep -c ' WATCHDOG=1$' "$ENS_TMP/sd.$i")
		[ "$n" -ge 4 ] || fail "member $i: $n WATCHDOG=1 in 2 s and more, at 1 s WATCHDOG_USEC"
	done
	zabd_signal TERM "$LEADER"
	wait_for 5 grep -q 'STOPPING=1' "$ENS_TMP/sd.$LEADER" || fail "no STOPPING=1 at the end"
	echo "  READY=1 once each, $(grep -c ' WATCHDOG=1$' "$ENS_TMP/sd.1") watchdog kicks of member 1, STOPPING=1 at SIGTERM"
}

# hist_check TEXT NAME MIN: histogram NAME in the scrape TEXT has buckets
# that never decrease, +Inf equal to _count, at least MIN samples and a
# positive sum.
hist_check() {
	local out=$1 name=$2 min=$3
	awk -v n="$name" -v min="$min" '
		index($0, n "_bucket{le=\"") == 1 {
			if ($2 < last) { print "bucket " $1 " below the one before"; bad = 1 }
			last = $2
			if ($1 ~ /"\+Inf"/) inf = $2
		}
		$1 == n "_count" { count = $2 }
		$1 == n "_sum" { sum = $2 }
		END {
			if (inf == "" || inf != count) { print "+Inf " inf ", count " count; bad = 1 }
			if (count < min) { print "count " count " below " min; bad = 1 }
			if (!(sum > 0)) { print "sum " sum; bad = 1 }
			exit bad
		}' <<< "$out" > "$ENS_TMP/hist" ||
		fail "$name: $(cat "$ENS_TMP/hist"); $(grep "^$name" <<< "$out" | tr '\n' ' ')"
}

# metricsAddr: zabd serves Prometheus' text format at /metrics; the values
# are the instance's (role, epoch, zxids, counters, peers); other paths get
# 404; a client that sends nothing neither blocks the others nor stays.
test_metrics_scrape() {
	local i out l p50 p99
	zabd_setup 3
	for i in 1 2 3; do
		echo "metricsAddr = 10.77.0.$i:9141" >> "$ENS_TMP/z$i.conf"
	done
	zabd_start 1 2 3
	wait_formed 20 1 2 3
	write_on "$ENS_TMP" m 10 1 2 3
	converge_to "$LEADER" 1 2 3
	l=$LEADER
	scrape() {	# scrape I PATH
		nsx "zab$1" timeout 10 bash -c "exec 3<>/dev/tcp/10.77.0.$1/9141 &&
			printf 'GET $2 HTTP/1.0\r\nHost: x\r\n\r\n' >&3 && cat <&3"
	}
	# a silent client first: the scrapes below go through all the same
	nsx_bg "zab$l" bash -c "exec 3<>/dev/tcp/10.77.0.$l/9141; sleep 30"
	out=$(scrape "$l" /metrics) || fail "no answer from member $l's metrics"
	head -n 1 <<< "$out" | grep -q '^HTTP/1.0 200 OK' || fail "scrape: $(head -n 1 <<< "$out")"
	grep -q '^Content-Type: text/plain; version=0.0.4' <<< "$out" || fail "no Content-Type"
	grep -qx 'zab_role{role="leading"} 1' <<< "$out" || fail "leader $l: $(grep zab_role <<< "$out")"
	grep -qx "zab_epoch $EPOCH" <<< "$out" || fail "epoch: $(grep '^zab_epoch' <<< "$out")"
	grep -qx "zab_commit_zxid $(printf '%d' "$(zst "$l" commit_zxid)")" <<< "$out" ||
		fail "commit_zxid: $(grep '^zab_commit_zxid' <<< "$out"), device $(zst "$l" commit_zxid)"
	[ "$(grep -c '^zab_peer_rtt_seconds{peer="[0-9]"} [0-9.]*$' <<< "$out")" = 2 ] ||
		fail "peers: $(grep zab_peer_rtt <<< "$out")"
	[ "$(sed -n 's/^zab_commits_total //p' <<< "$out")" -ge 30 ] ||
		fail "commits: $(grep zab_commits_total <<< "$out")"
	grep -qx "zab_member_info{name=\"z$l\",myid=\"$l\"} 1" <<< "$out" || fail "member info"
	# the latency histograms: cumulative, +Inf is the count; every record
	# the leader proposed was committed and timed; fsync mode timed fsyncs
	hist_check "$out" zab_commit_latency_seconds 30
	hist_check "$out" zab_fsync_latency_seconds 2
	p50=$(field_ns "zab$l" "z$l" commit_p50_us)
	p99=$(field_ns "zab$l" "z$l" commit_p99_us)
	[[ $p50 =~ ^[0-9]+$ && $p99 =~ ^[0-9]+$ ]] && [ "$p50" -gt 0 ] && [ "$p50" -le "$p99" ] ||
		fail "zabctl show: commit_p50_us \`$p50', commit_p99_us \`$p99'"
	[[ $(field_ns "zab$l" "z$l" fsync_p50_us) =~ ^[0-9]+$ ]] ||
		fail "zabctl show: fsync_p50_us \`$(field_ns "zab$l" "z$l" fsync_p50_us)'"
	for i in $(others "$l" 1 2 3); do
		scrape "$i" /metrics | grep -qx 'zab_role{role="following"} 1' ||
			fail "member $i is no follower in its metrics"
	done
	scrape "$l" / | head -n 1 | grep -q '^HTTP/1.0 404' || fail "GET / was not 404"
	kill "$NSX_PID" 2> /dev/null || true
	echo "  $(grep -c '^zab_' <<< "$out") samples from leader $l; commit p50 $p50 us, p99 $p99 us;" \
		"$(sed -n 's/^zab_fsync_latency_seconds_count //p' <<< "$out") fsyncs; 404 elsewhere;" \
		"a silent client did not hold it up"
}

zab_ksft_main "$@"
