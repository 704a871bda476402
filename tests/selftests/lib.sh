# SPDX-License-Identifier: GPL-2.0
# Helpers for zab selftests. Sourced by run.sh into each test's shell.
# A test is a function named test_*; it runs with `set -e` in its own
# subshell, so the first failing command fails it. Print why with fail.

: "${ZAB_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
ZABCTL="$ZAB_TOP/userspace/zabctl"
NLTEST="$ZAB_TOP/tests/selftests/nltest"
: "${ZAB_KO:=$ZAB_TOP/zab.ko}"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 4
}

# zabctl with its command line echoed, as in WireGuard's netns.sh
zabctl() {
	"$ZABCTL" "$@"
}

# Run a command in network namespace $1.
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

load_zab() {
	lsmod | grep -q '^zab ' || insmod "$ZAB_KO"
}

unload_zab() {
	if lsmod | grep -q '^zab '; then
		rmmod zab
	fi
}

# expect_fail "what" CMD...: CMD must fail; its output is kept in $OUT.
expect_fail() {
	local what=$1
	shift
	if OUT=$("$@" 2>&1); then
		fail "$what: \`$*' succeeded, expected a failure"
	fi
	echo "  $what: $OUT"
}

# expect_match REGEX TEXT: TEXT must match the extended REGEX.
expect_match() {
	grep -Eq -- "$1" <<< "$2" || fail "expected /$1/ in: $2"
}

# The tsv line of instance $1 (from `zabctl show --tsv`).
tsv_of() {
	zabctl show --tsv | awk -F'\t' -v n="$1" '$1 == n'
}

# Field number $2 (1-based) of instance $1's tsv line.
tsv_field() {
	tsv_of "$1" | cut -f"$2"
}

# Wait up to $1 seconds for CMD to succeed.
wait_for() {
	local t=$1
	shift
	local end=$((SECONDS + t))
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# Column names of `zabctl show --tsv`, in order (see docs/zabctl.md).
ZAB_TSV_COLUMNS="name myid state epoch leader last_zxid commit_zxid tickTime
syncLimit initLimit windowBytes maxRecordSize writes write_bytes write_errors
reads proposals commits peer_downs bad_frames peers"

# tsv_col NAME COLUMN: one field of instance NAME's tsv line.
tsv_col() {
	local i=1 c
	for c in $ZAB_TSV_COLUMNS; do
		if [ "$c" = "$2" ]; then
			tsv_field "$1" "$i"
			return
		fi
		i=$((i + 1))
	done
	fail "no tsv column $2"
}

ZABBOOT="$ZAB_TOP/tests/selftests/zabboot"
ZABLOAD="$ZAB_TOP/tests/selftests/zabload"
ZAB_PORT=2888

# ens_setup N [TICK_MS]: members 1..N, each in namespace zabI with address
# 10.77.0.I on a veth whose host end vethI sits on bridge zabbr, and an
# instance zI (/dev/zab/zI) with a short tick for quick failure detection.
ens_setup() {
	local n=$1 tick=${2:-100} i
	load_zab
	ip link add zabbr type bridge
	ip link set zabbr up
	for i in $(seq 1 "$n"); do
		ip netns add "zab$i"
		ip link add "veth$i" type veth peer name eth0 netns "zab$i"
		ip link set "veth$i" master zabbr up
		ip -n "zab$i" addr add "10.77.0.$i/24" dev eth0
		ip -n "zab$i" link set eth0 up
		ip -n "zab$i" link set lo up
		nsx "zab$i" "$ZABCTL" create "z$i" --id "$i" tickTime "$tick" syncLimit 5 initLimit 50
	done
}

# ens_boot N LEADER EPOCH [MEMBERS...]: form an ensemble of the given
# members (default all N) with LEADER leading EPOCH.
ens_boot() {
	local n=$1 leader=$2 epoch=$3 i pid
	shift 3
	local members=${*:-$(seq 1 "$n")}
	local count
	count=$(echo $members | wc -w)
	nsx "zab$leader" "$ZABBOOT" lead "z$leader" "$epoch" "$n" \
		"10.77.0.$leader" $ZAB_PORT $((count - 1)) > "$ENS_TMP/boot.$leader" 2>&1 &
	pid=$!
	for i in $members; do
		[ "$i" = "$leader" ] && continue
		nsx "zab$i" "$ZABBOOT" follow "z$i" "$epoch" "$i" "$leader" \
			"10.77.0.$leader" $ZAB_PORT || fail "member $i could not follow"
	done
	wait $pid || fail "leader $leader: $(cat "$ENS_TMP/boot.$leader")"
}

# state NAME: LOOKING, FOLLOWING or LEADING (the instance may be in any ns).
state_of() {
	"$ZAB_TOP/tests/selftests/devtest" status "/dev/zab/$1" |
		awk -F= '$1 == "state" { print ($2 == 0 ? "LOOKING" : $2 == 1 ? "FOLLOWING" : "LEADING") }'
}

commit_of() {
	"$ZAB_TOP/tests/selftests/devtest" status "/dev/zab/$1" |
		awk -F= '$1 == "commit_zxid" { print $2 }'
}

# check_logs DIR MEMBERS...: the ZAB properties over the dumps DIR/dump.I
# and the writers' logs DIR/w.*: every member delivered a prefix of one
# sequence (the longest dump), zxids strictly increase, no record appears
# twice, every acknowledged write appears exactly once, and every record was
# written by someone.
check_logs() {
	local dir=$1 longest="" i
	shift
	for i in "$@"; do
		if [ -z "$longest" ] || [ "$(wc -l < "$dir/dump.$i")" -gt "$(wc -l < "$longest")" ]; then
			longest="$dir/dump.$i"
		fi
	done
	for i in "$@"; do
		head -n "$(wc -l < "$dir/dump.$i")" "$longest" | cmp -s - "$dir/dump.$i" ||
			fail "member $i did not deliver a prefix of $longest: $(diff "$longest" "$dir/dump.$i" | head -5)"
	done
	# zxids are fixed-width hex, so string order is numeric order
	awk '{ if (NR > 1 && $1 <= prev) { print "zxid not increasing at line " NR ": " $0; exit 1 } prev = $1 }' "$longest" ||
		fail "zxids out of order"
	[ -z "$(awk '{ print $2 }' "$longest" | sort | uniq -d)" ] ||
		fail "duplicate records: $(awk '{ print $2 }' "$longest" | sort | uniq -d | head -3)"
	cat "$dir"/w.* > "$dir/all"
	awk '$1 == "ok" { print $2, $3 }' "$dir/all" | sort > "$dir/acked"
	sort "$longest" > "$dir/delivered"
	[ -z "$(comm -23 "$dir/acked" "$dir/delivered")" ] ||
		fail "acknowledged writes lost: $(comm -23 "$dir/acked" "$dir/delivered" | head -3)"
	awk '{ print $3 }' "$dir/all" | sort -u > "$dir/attempted"
	awk '{ print $2 }' "$longest" | sort > "$dir/records"
	[ -z "$(comm -13 "$dir/attempted" "$dir/records")" ] ||
		fail "records nobody wrote: $(comm -13 "$dir/attempted" "$dir/records" | head -3)"
	echo "  checked: $(wc -l < "$longest") records, $(wc -l < "$dir/acked") acknowledged writes, members $*"
}

# dump_all DIR MEMBERS...: read every member's device into DIR/dump.I.
dump_all() {
	local dir=$1 i
	shift
	for i in "$@"; do
		"$ZABLOAD" dump "/dev/zab/z$i" > "$dir/dump.$i" || fail "dump of z$i failed"
	done
}

# tsv_col_ns NS NAME COLUMN: tsv_col for an instance of namespace NS.
tsv_col_ns() {
	local i=1 c
	for c in $ZAB_TSV_COLUMNS; do
		if [ "$c" = "$3" ]; then
			nsx "$1" "$ZABCTL" show "$2" --tsv | cut -f"$i"
			return
		fi
		i=$((i + 1))
	done
	fail "no tsv column $3"
}

# rogue NS ADDR PORT ID HEX [SECONDS]: from namespace NS, connect to ADDR:PORT
# (retrying while nobody listens yet), say the zabboot hello as member ID
# with last zxid 0, send the bytes HEX, and keep the connection SECONDS.
rogue() {
	local ns=$1 addr=$2 port=$3 id=$4 hex=$5 secs=${6:-1}
	nsx "$ns" bash -c "
		for i in \$(seq 50); do
			exec 3<>/dev/tcp/$addr/$port && break
			sleep 0.1
		done 2>/dev/null
		printf '\\x5a\\x41\\x42\\x48\\x00\\x00\\x00\\x$(printf %02x "$id")\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00' >&3
		sleep 0.5
		printf '$hex' >&3
		sleep $secs"
}

# converge_to LEADER MEMBERS...: every member's commit point reaches LEADER's.
converge_to() {
	local target i
	target=$(commit_of "z$1")
	shift
	for i in "$@"; do
		"$ZABLOAD" wait "/dev/zab/z$i" "$target" 10 || fail "z$i did not reach $target"
	done
}

# converge MEMBERS...: converge_to member 1.
converge() {
	converge_to 1 "$@"
}

# wait_state SECONDS STATE NAMES...: wait until every instance is in STATE.
wait_state() {
	local secs=$1 want=$2 n
	shift 2
	local end=$((SECONDS + secs))
	for n in "$@"; do
		until [ "$(state_of "$n")" = "$want" ]; do
			[ $SECONDS -lt $end ] || fail "$n is $(state_of "$n"), not $want"
			sleep 0.1
		done
	done
}
