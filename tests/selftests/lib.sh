# SPDX-License-Identifier: GPL-2.0
# Helpers for zab selftests, sourced by each NN-*.sh. A test is a function
# named test_*; it runs with `set -e` in a shell of its own, so the first
# failing command fails it. Print why with fail. Each file ends with
# `zab_ksft_main "$@"`, which runs its tests as KTAP subtests (below).

ZAB_SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The tree's tools and module when run from a zab tree, else the installed
# ones (zabctl and zabd in PATH, zab.ko by modprobe).
: "${ZAB_TOP:=$(cd "$ZAB_SELFTESTS/../.." && pwd)}"
if [ -x "$ZAB_TOP/userspace/build/zabctl" ]; then
	ZABCTL="$ZAB_TOP/userspace/build/zabctl"
	ZABD="$ZAB_TOP/userspace/build/zabd"
else
	ZABCTL=$(command -v zabctl || echo zabctl)
	ZABD=$(command -v zabd || echo zabd)
fi
[ -n "${ZAB_KO:-}" ] || [ ! -e "$ZAB_TOP/zab.ko" ] || ZAB_KO=$ZAB_TOP/zab.ko
NLTEST="$ZAB_SELFTESTS/nltest"
DEVTEST="$ZAB_SELFTESTS/devtest"
ZABBOOT="$ZAB_SELFTESTS/zabboot"
ZABLOAD="$ZAB_SELFTESTS/zabload"
# Timeouts and the kernel's failure detection scale with this (the debug
# kernel, with KASAN and lockdep under TCG, runs several times slower).
: "${ZAB_TIME_SCALE:=1}"
# Records per zabload run of writers_start: each run is a process, which is
# what costs most on the debug kernel.
: "${ZAB_WRITER_BATCH:=20}"
# How often waits look again: 0.2 s; on a slower kernel (ZAB_TIME_SCALE
# above 1) a quarter of the scale in seconds, once a second on the debug
# kernel. Each look runs commands, which is what costs most there: under
# TCG with KASAN and lockdep, zabctl in a namespace takes about a second of
# CPU, which the VMs side by side need for the tests' own work.
: "${ZAB_POLL:=$(awk -v s="$ZAB_TIME_SCALE" 'BEGIN { print (s > 1 ? s / 4 : 0.2) }')}"

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
	# not ip netns exec, which also remounts /sys in a mount namespace of
	# its own: a third of what zabctl costs on the debug kernel, for nothing
	# the tests use
	nsenter --net="/run/netns/$ns" -- "$@"
}

# nsx_bg NS CMD...: as nsx, in the background, with NSX_PID the command's
# own pid (nsenter execs it) for kill; "nsx ... &" would give the pid of
# a subshell, whose kill leaves the command running.
nsx_bg() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" -- "$@" &
	NSX_PID=$!
}

# insmod_zab: load zab.ko (ZAB_KO), or the installed module, with the
# module parameters ZAB_KO_PARAMS (wq_unbound=1), if any.
insmod_zab() {
	# shellcheck disable=SC2086
	if [ -n "${ZAB_KO:-}" ]; then
		insmod "$ZAB_KO" ${ZAB_KO_PARAMS:-}
	else
		modprobe zab ${ZAB_KO_PARAMS:-}
	fi
}

load_zab() {
	lsmod | grep -q '^zab ' || insmod_zab
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

# field NAME F1[,F2...]: those fields of instance NAME, tab-separated
# (zabctl show -o; the field names are in docs/zabctl.md).
field() {
	zabctl show "$1" -o "$2"
}

# field_ns NS NAME F1[,F2...]: field, for an instance of namespace NS.
field_ns() {
	nsx "$1" "$ZABCTL" show "$2" -o "$3"
}

# listed NAME: instance NAME is listed by zabctl show.
listed() {
	zabctl show -o name | grep -qxF -- "$1"
}

# Wait up to $1 seconds for CMD to succeed.
wait_for() {
	local t=$(($1 * ZAB_TIME_SCALE))
	shift
	local end=$((SECONDS + t))
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep "$ZAB_POLL"
	done
}

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
		ens_create "$tick" "$i"
	done
}

# ens_create TICK_MS I...: instance zI of member I, in namespace zabI, as
# ens_setup makes it
ens_create() {
	local tick=$1 i
	shift
	for i in "$@"; do
		nsx "zab$i" "$ZABCTL" create "z$i" --id "$i" tickTime "$tick" \
			syncLimit $((20 * ZAB_TIME_SCALE)) initLimit $((50 * ZAB_TIME_SCALE))
	done
}

# ens_recreate TICK_MS I...: members I... destroyed and made again, new
# instances for the next ensemble
ens_recreate() {
	local tick=$1 i
	shift
	for i in "$@"; do
		nsx "zab$i" "$ZABCTL" destroy "z$i"
		ens_create "$tick" "$i"
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
	"$DEVTEST" status "/dev/zab/$1" |
		awk -F= '$1 == "state" { print ($2 == 0 ? "LOOKING" : $2 == 1 ? "FOLLOWING" : "LEADING") }'
}

commit_of() {
	"$DEVTEST" status "/dev/zab/$1" |
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
		"$ZABLOAD" wait "/dev/zab/z$i" "$target" $((10 * ZAB_TIME_SCALE)) ||
			fail "z$i did not reach $target"
	done
}

# converge MEMBERS...: converge_to member 1.
converge() {
	converge_to 1 "$@"
}

# wait_state SECONDS STATE NAMES...: wait until every instance is in STATE.
wait_state() {
	local secs=$(($1 * ZAB_TIME_SCALE)) want=$2 n
	shift 2
	local end=$((SECONDS + secs))
	for n in "$@"; do
		until [ "$(state_of "$n")" = "$want" ]; do
			[ $SECONDS -lt $end ] || fail "$n is $(state_of "$n"), not $want"
			sleep "$ZAB_POLL"
		done
	done
}

# --- zabd: ensembles that form by themselves -------------------------------

# timing of the zabd ensembles: tickTime (ms), initLimit and syncLimit (ticks)
: "${ZABD_TICK:=200}" "${ZABD_INIT:=$((10 * ZAB_TIME_SCALE))}" "${ZABD_SYNC:=$((10 * ZAB_TIME_SCALE))}"

# ens_net N: what ens_setup does without the instances (zabd creates them):
# namespaces zab1..zabN at 10.77.0.I, linked by bridge zabbr.
ens_net() {
	local i
	load_zab
	ip link add zabbr type bridge
	ip link set zabbr up
	for i in $(seq 1 "$1"); do
		ns_add "$i"
	done
}

# ns_add I: one more namespace zabI at 10.77.0.I on the bridge.
ns_add() {
	ip netns add "zab$1"
	ip link add "veth$1" type veth peer name eth0 netns "zab$1"
	ip link set "veth$1" master zabbr up
	ip -n "zab$1" addr add "10.77.0.$1/24" dev eth0
	ip -n "zab$1" link set eth0 up
	ip -n "zab$1" link set lo up
}

# isolate I / rejoin I: member I hears nothing and is heard by no one (all
# its packets lost both ways, no error on its sockets) / again.
isolate() {
	nsx "zab$1" tc qdisc add dev eth0 root netem loss 100%
	tc qdisc add dev "veth$1" root netem loss 100%
}

rejoin() {
	nsx "zab$1" tc qdisc del dev eth0 root
	tc qdisc del dev "veth$1" root
}

# The tests' ensemble key (zabctl genkey makes real ones), and the key of
# another ensemble.
ZAB_TEST_KEY=7a61623a207468652074657374206b65792c206e6f742061207365637265742e
ZAB_OTHER_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0

# zab_keyfile FILE [KEY...]: an authKeyFile holding KEY (the test key by
# default), mode 0600.
zab_keyfile() {
	local f=$1
	shift
	[ $# -gt 0 ] || set -- "$ZAB_TEST_KEY"
	# whole, as an operator's editor or mv would leave it
	(umask 077; printf '%s\n' "$@" > "$f.new") && mv "$f.new" "$f"
}

# zabd_conf N I: $ENS_TMP/zI.conf, member I of an ensemble of N
# (server.J = 10.77.0.J:2888:3888), dataDir $ENS_TMP/dataI, and
# authKeyFile $ENS_TMP/ensemble.key (the test key), or auth = none if
# ZABD_AUTH=none; encryption = tls with ZAB_ENCRYPTION=tls (a whole run's
# choice: zabboot follows it too) or ZABD_ENCRYPTION=tls (one test's).
zabd_conf() {
	local n=$1 i=$2 j
	[ -e "$ENS_TMP/ensemble.key" ] || zab_keyfile "$ENS_TMP/ensemble.key"
	{
		echo "# member $i of $n"
		echo "name = z$i"
		echo "myid = $i"
		echo "dataDir = $ENS_TMP/data$i"
		if [ "${ZABD_AUTH:-psk}" = none ]; then
			echo "auth = none"
		else
			echo "authKeyFile = $ENS_TMP/ensemble.key"
			echo "encryption = ${ZABD_ENCRYPTION:-${ZAB_ENCRYPTION:-none}}"
		fi
		echo "tickTime = $ZABD_TICK"
		echo "initLimit = $ZABD_INIT"
		echo "syncLimit = $ZABD_SYNC"
		for j in $(seq 1 "$n"); do
			echo "server.$j = 10.77.0.$j:2888:3888"
		done
	} > "$ENS_TMP/z$i.conf"
}

# hexn VALUE BYTES: VALUE big-endian, as printf escapes.
hexn() {
	local v=$1 n=$2 i out=""
	for ((i = n - 1; i >= 0; i--)); do
		out+=$(printf '\\x%02x' $(((v >> (8 * i)) & 255)))
	done
	printf '%s' "$out"
}

# zabd_start I...: start zabd for each member in its namespace, logging to
# $ENS_TMP/zabd.I.log (appended), its pid in $ENS_TMP/zabd.I.pid.
zabd_start() {
	local i
	for i in "$@"; do
		[ -f "$ENS_TMP/z$i.conf" ] || fail "no config for member $i"
		echo "--- start" >> "$ENS_TMP/zabd.$i.log"
		ip netns exec "zab$i" "$ZABD" -v -c "$ENS_TMP/z$i.conf" >> "$ENS_TMP/zabd.$i.log" 2>&1 &
		echo $! > "$ENS_TMP/zabd.$i.pid"
	done
}

# zabd_signal SIG I: send SIG to member I's zabd and wait for it; its exit
# status is in $ZABD_STATUS.
zabd_signal() {
	local pid
	pid=$(cat "$ENS_TMP/zabd.$2.pid")
	kill "-$1" "$pid"
	ZABD_STATUS=0
	wait "$pid" || ZABD_STATUS=$?
	rm -f "$ENS_TMP/zabd.$2.pid"
}

# zabd_alive I: is member I's zabd running (not exited, not a zombie)?
zabd_alive() {
	local pid
	[ -f "$ENS_TMP/zabd.$1.pid" ] || return 1
	pid=$(cat "$ENS_TMP/zabd.$1.pid")
	[ -r "/proc/$pid/stat" ] && [ "$(awk '{ print $3 }' "/proc/$pid/stat")" != Z ]
}

zabd_gone() {
	! zabd_alive "$1"
}

# zabd_log_since_start I: member I's zabd log since its last start.
zabd_log_since_start() {
	awk '/^--- start/ { n = NR } { line[NR] = $0 } END { for (i = n; i <= NR; i++) print line[i] }' \
		"$ENS_TMP/zabd.$1.log"
}

# zabd_crash I: the member dies: zabd killed, its instance destroyed.
zabd_crash() {
	zabd_signal KILL "$1"
	nsx "zab$1" "$ZABCTL" destroy "z$1"
}

# zabd_cleanup: for `trap zabd_cleanup EXIT`: stop every zabd; if the test
# failed, show the end of their logs (ZAB_ZABD_LOGS=N: N lines, always).
zabd_cleanup() {
	local rc=$? f pid
	for f in "$ENS_TMP"/zabd.*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ "$rc" != 0 ] || [ -n "${ZAB_ZABD_LOGS:-}" ]; then
		for f in "$ENS_TMP"/zabd.*.log; do
			[ -f "$f" ] || continue
			echo "--- $f (end)"
			tail -n "${ZAB_ZABD_LOGS:-25}" "$f"
		done
	fi
	return "$rc"
}

# zabd_setup N: namespaces and configs for N members; zabd stopped at exit.
zabd_setup() {
	ENS_TMP=$(mktemp -d)
	trap zabd_cleanup EXIT
	ens_net "$1"
	for i in $(seq 1 "$1"); do
		zabd_conf "$1" "$i"
	done
}

# observers_setup N OBSERVER...: zabd_setup N, with OBSERVER... configured
# as observers in every member's file.
observers_setup() {
	local n=$1 i o
	shift
	zabd_setup "$n"
	for i in $(seq 1 "$n"); do
		for o in "$@"; do
			sed -i "s/^server\.$o = \(.*\)\$/server.$o = \1:observer/" "$ENS_TMP/z$i.conf"
		done
	done
}

# write_on DIR TAG COUNT MEMBERS...: one writer per member at once; every
# write must commit.
write_on() {
	local dir=$1 tag=$2 count=$3 i pids=""
	shift 3
	for i in "$@"; do
		"$ZABLOAD" write "/dev/zab/z$i" "$tag$i" "$count" > "$dir/w.$tag.$i" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	! grep -q '^err' "$dir"/w."$tag".* ||
		fail "writes failed: $(grep -h '^err' "$dir"/w."$tag".* | head -3)"
}

# settle DIR LEADER MEMBERS...: every member reaches the leader's commit
# point; then the ZAB properties over their logs (check_logs).
settle() {
	local dir=$1 leader=$2
	shift 2
	converge_to "$leader" "$@"
	dump_all "$dir" "$@"
	check_logs "$dir" "$@"
}

# others EXCLUDED MEMBERS...: MEMBERS without EXCLUDED.
others() {
	local x=$1 i
	shift
	for i in "$@"; do
		[ "$i" = "$x" ] || printf '%s ' "$i"
	done
}

# zst I FIELD: FIELD (state, epoch, leader, last_zxid, commit_zxid) of
# member I's instance, from ZAB_IOC_STATUS.
zst() {
	"$DEVTEST" status "/dev/zab/z$1" 2>/dev/null | sed -n "s/^$2=//p"
}

# peers_of I: how many peer connections member I's kernel has.
peers_of() {
	local p
	p=$(field_ns "zab$1" "z$1" peers)
	if [ -z "$p" ] || [ "$p" = - ]; then
		echo 0
	else
		tr ',' '\n' <<< "$p" | grep -c .
	fi
}

# formed MEMBERS...: exactly one of MEMBERS leads, the others follow it in
# its epoch, and the leader is connected to all of them. Sets LEADER, EPOCH.
formed() {
	local i leader="" epoch
	for i in "$@"; do
		if [ "$(zst "$i" state)" = 2 ]; then
			[ -z "$leader" ] || return 1
			leader=$i
		fi
	done
	[ -n "$leader" ] || return 1
	epoch=$(zst "$leader" epoch)
	for i in "$@"; do
		[ "$i" = "$leader" ] && continue
		[ "$(zst "$i" state)" = 1 ] && [ "$(zst "$i" leader)" = "$leader" ] &&
			[ "$(zst "$i" epoch)" = "$epoch" ] || return 1
	done
	[ "$(peers_of "$leader")" = $(($# - 1)) ] || return 1
	LEADER=$leader
	EPOCH=$epoch
}

# formed_still MEMBERS...: the ensemble of $LEADER in $EPOCH, every
# follower still connected.
formed_still() {
	formed "$@" || fail "the ensemble changed: $(for i in "$@"; do
		printf 'z%s state=%s epoch=%s; ' "$i" "$(zst "$i" state)" "$(zst "$i" epoch)"; done)"
}

# wait_formed SECONDS MEMBERS...: formed, within SECONDS (LEADER, EPOCH set).
wait_formed() {
	local secs=$1
	shift
	wait_for "$secs" formed "$@" || fail "no ensemble of $* within ${secs}s: $(
		for i in "$@"; do printf 'z%s state=%s epoch=%s leader=%s; ' "$i" \
			"$(zst "$i" state)" "$(zst "$i" epoch)" "$(zst "$i" leader)"; done)"
}

# ms_since NANOSECONDS: milliseconds elapsed since a `date +%s%N`.
ms_since() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

# now_ms: the wall clock in milliseconds (zabd's log stamps use it too).
now_ms() {
	date +%s%3N
}

# log_ms I REGEX: when member I's zabd last logged a line matching REGEX, in
# milliseconds like now_ms.
log_ms() {
	local line
	line=$(grep -E -- "$2" "$ENS_TMP/zabd.$1.log" | tail -n 1)
	[ -n "$line" ] || fail "member $1 never logged /$2/"
	date -d "${line:0:23}" +%s%3N
}

# writers_start MEMBERS...: a writer on each member's device, in batches of
# 20 records (stamped, see zabload) until writers_stop; a member whose device
# is gone meanwhile is written again once it is back. Lines in $ENS_TMP/w.I.
# The writers stop with the test, however it ends.
writers_start() {
	local i
	WRITERS=""
	rm -f "$ENS_TMP/stop"
	trap 'rc=$?; touch "$ENS_TMP/stop"; pkill -f "$ZABLOAD write" || true; (exit $rc); zabd_cleanup' EXIT
	for i in "$@"; do
		(k=0
		 while [ ! -e "$ENS_TMP/stop" ]; do
			if [ -e "/dev/zab/z$i" ]; then
				# it fails to open a device destroyed meanwhile
				# a batch that failed (no leader yet) waits longer:
				# a process started costs milliseconds of CPU under TCG
				ZABLOAD_STAMP=1 "$ZABLOAD" write "/dev/zab/z$i" "k${i}x$k" \
					"$ZAB_WRITER_BATCH" 2> /dev/null && sleep 0.02 || sleep 0.2
			else
				sleep 0.2
			fi
			k=$((k + 1))
		 done >> "$ENS_TMP/w.$i") &
		WRITERS="$WRITERS $!"
	done
	wait_for 10 grep -q '^ok ' "$ENS_TMP/w.$1" || fail "the writers do not write"
}

# writers_stop: stop the writers of writers_start and wait for them.
writers_stop() {
	touch "$ENS_TMP/stop"
	# shellcheck disable=SC2086
	wait $WRITERS
}

# acked_count: how many writes were acknowledged so far.
acked_count() {
	cat "$ENS_TMP"/w.* 2> /dev/null | grep -c '^ok '
}

# acked_at_least N: at least N writes were acknowledged (for wait_for).
acked_at_least() {
	[ "$(acked_count)" -ge "$1" ]
}

# The kernel log lines that fail a test.
ZAB_BAD_KLOG='WARNING:|BUG:|Oops|general protection fault|refcount_t:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN:|UBSAN:|unreferenced object|INFO: task .* blocked'

# zab_selected, the selection of tests: as run.sh and tests/run-all.sh see it
. "$(dirname "${BASH_SOURCE[0]}")/select.sh"

# zab_clean_slate: what every test starts from: no zab module, no network
# namespaces, no links but lo, no trace instance a test left (killed before
# its trap ran), an empty kernel log.
zab_clean_slate() {
	local l t
	for t in /sys/kernel/tracing/instances/zabtest.* /sys/kernel/debug/tracing/instances/zabtest.*; do
		[ -d "$t" ] || continue
		echo 0 > "$t/events/enable"
		rmdir "$t"
	done 2> /dev/null
	ip -all netns delete 2>/dev/null
	for l in $(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		[ "$l" = lo ] || ip link del "$l" 2>/dev/null
	done
	lsmod | grep -q '^zab ' && rmmod zab
	dmesg -C
}

# zab_ksft_main [--zab-one TEST]: run the test_* functions of the calling
# file as KTAP subtests: "ok N FILE:TEST # SECONDS s", "ok N FILE:TEST #
# SKIP WHY" (a test that exits 4) or "not ok N FILE:TEST" with the test's
# output as diagnostics. A test fails if it exits non-zero, runs past its
# time (ZAB_TEST_TIMEOUT, default 300 s, or TIMEOUT_test_NAME in its file,
# times ZAB_TIME_SCALE), or if the kernel log gains a warning, BUG, Oops,
# or a refcount, lockdep, KASAN, UBSAN or kmemleak report while it runs.
# Exits 0 if none failed, 1 if one did, 4 (kselftest's skip) if all were
# skipped or none was selected.
zab_ksft_main() {
	local self=${BASH_SOURCE[1]} file fn name n=0 total pass=0 fail=0 skipped=0
	local log rc start secs limit own tmp out=${ZAB_OUT:-/zab-out}
	if [ "${1:-}" = --zab-one ]; then
		set -e
		"$2"
		exit 0
	fi
	file=$(basename "$self" .sh)
	local tests=()
	for fn in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
		zab_selected "$file:${fn#test_}" && tests+=("$fn")
	done
	total=${#tests[@]}
	echo "TAP version 13"
	if [ "$total" = 0 ]; then
		echo "1..0 # SKIP no test selected"
		exit 4
	fi
	echo "1..$total"
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
	for fn in "${tests[@]}"; do
		n=$((n + 1))
		name="$file:${fn#test_}"
		zab_clean_slate
		log=$(mktemp)
		start=$SECONDS
		limit=${ZAB_TEST_TIMEOUT:-300}
		own=TIMEOUT_$fn
		own=$((${!own:-0} * ZAB_TIME_SCALE))
		[ "$own" -le "$limit" ] || limit=$own
		# each test's files (mktemp) in a directory of its own, removed
		# after it: in the VM, /tmp is in memory, and what tests leave
		# behind would starve the later ones
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/zabtest.XXXXXX")
		chmod 1777 "$tmp"	# as /tmp: tests run some steps as nobody
		TMPDIR=$tmp timeout -k 5 "$limit" bash "$self" --zab-one "$fn" > "$log" 2>&1
		rc=$?
		if [ $rc = 124 ]; then
			echo "timed out after $limit s; blocked tasks:" >> "$log"
			echo w > /proc/sysrq-trigger
			sleep 1
			dmesg | grep -A 30 'task:' | head -80 >> "$log"
		fi
		secs=$((SECONDS - start))
		dmesg > "$log.dmesg"
		[ -z "$out" ] || [ ! -d "$out" ] || cat "$log.dmesg" >> "$out/dmesg"
		if [ $rc = 0 ] && grep -Eq "$ZAB_BAD_KLOG" "$log.dmesg"; then
			echo "kernel log:" >> "$log"
			grep -E -A 15 "$ZAB_BAD_KLOG" "$log.dmesg" | head -40 >> "$log"
			rc=1
		fi
		case $rc in
		0) echo "ok $n $name # ${secs}s"
		   pass=$((pass + 1)) ;;
		4) echo "ok $n $name # SKIP $(grep -m1 '^SKIP:' "$log" | cut -c7-)"
		   skipped=$((skipped + 1)) ;;
		*) echo "not ok $n $name # ${secs}s"
		   fail=$((fail + 1))
		   # why first: the logs a test dumps at exit may be long
		   grep '^FAIL:' "$log" | sed 's/^/#   /'
		   sed 's/^/#   /' "$log" | tail -n 40 ;;
		esac
		[ -z "${ZAB_VERBOSE:-}" ] || sed 's/^/#   /' "$log"
		rm -f "$log" "$log.dmesg"
		rm -rf "$tmp"
	done
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skipped error:0"
	[ "$fail" = 0 ] || exit 1
	[ "$pass" != 0 ] || exit 4
	exit 0
}
