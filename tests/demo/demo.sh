#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The zab demo (make demo), run inside the test VM: three members in network
# namespaces elect a leader with zabd, replicate records written on different
# members, lose their leader, elect another, and keep every record.
set -euo pipefail

top=${ZAB_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
export PATH=$top/userspace/build:$PATH	# zabctl and zabd, as installed
ZABCTL=zabctl
ZABD=zabd
tmp=$(mktemp -d)
declare -A pid

step=0
heading() {
	step=$((step + 1))
	printf '\n\033[1m== %d. %s\033[0m\n' "$step" "$*"
}

note() {
	printf '   %s\n' "$*"
}

# quote ARGS...: the arguments as a shell would need them typed.
quote() {
	local a out=""
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./:=@%+-]+$ ]]; then
			out+=" $a"
		else
			out+=" '${a//\'/\'\\\'\'}'"
		fi
	done
	printf '%s' "${out# }"
}

# show CMD...: print CMD as typed at a prompt.
show() {
	printf '\033[36m$ %s\033[0m\n' "$(quote "$@")"
}

# run CMD...: show the command, then run it.
run() {
	show "$@"
	"$@"
}

# on I CMD...: run CMD in member I's namespace, shown as such.
on() {
	local i=$1
	shift
	run ip netns exec "zab$i" "$@"
}

zabctl() {
	command "$ZABCTL" "$@"
}

field() {	# field I F: field F of member I's instance (zabctl show -o)
	ip netns exec "zab$1" "$ZABCTL" show "z$1" -o "$2" 2>/dev/null
}

# leader_of MEMBERS...: the member all others follow, once every one of
# MEMBERS agrees and the leader has all of them connected.
leader_of() {
	local i leader=""
	for i in "$@"; do
		[ "$(field "$i" state)" = LEADING ] && leader=$i
	done
	[ -n "$leader" ] || return 1
	for i in "$@"; do
		[ "$(field "$i" leader)" = "$leader" ] || return 1
	done
	[ "$(ip netns exec "zab$leader" "$ZABCTL" show "z$leader" --json |
	     jq '.peers | length')" = $(($# - 1)) ] || return 1
	echo "$leader"
}

wait_leader() {
	local end=$((SECONDS + 30)) l
	until l=$(leader_of "$@"); do
		[ $SECONDS -lt $end ] || { echo "demo: no leader among $*" >&2; exit 1; }
		sleep 0.2
	done
	echo "$l"
}

cleanup() {
	for p in "${pid[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
trap cleanup EXIT

printf '\n\033[1mzab demo: ZooKeeper atomic broadcast, broadcast in the kernel, election in zabd\033[0m\n'

heading "Load zab.ko; three members in network namespaces zab1..zab3 at 10.77.0.1..3"
run insmod "$top/zab.ko"
ip link add zabbr type bridge
ip link set zabbr up
for i in 1 2 3; do
	ip netns add "zab$i"
	ip link add "veth$i" type veth peer name eth0 netns "zab$i"
	ip link set "veth$i" master zabbr up
	ip -n "zab$i" addr add "10.77.0.$i/24" dev eth0
	ip -n "zab$i" link set eth0 up
	ip -n "zab$i" link set lo up
done
note "(a bridge zabbr links veth pairs into each namespace)"

heading "One configuration file per member, in ZooKeeper's style"
run zabctl genkey "$tmp/ensemble.key"
note "(the ensemble's key: every member holds the same file, mode 0600)"
for i in 1 2 3; do
	cat > "$tmp/z$i.conf" <<CONF
name = z$i
myid = $i
dataDir = $tmp/data$i
authKeyFile = $tmp/ensemble.key
tickTime = 200
initLimit = 10
syncLimit = 5
server.1 = 10.77.0.1:2888:3888
server.2 = 10.77.0.2:2888:3888
server.3 = 10.77.0.3:2888:3888
CONF
done
run cat "$tmp/z1.conf"
note "(z2.conf and z3.conf differ in name, myid and dataDir)"

heading "Start zabd on every member; they elect a leader by themselves"
for i in 1 2 3; do
	printf '\033[36m$ %s 2>zabd.%s.log &\033[0m\n' "$(quote ip netns exec "zab$i" zabd -c "$tmp/z$i.conf")" "$i"
	ip netns exec "zab$i" "$ZABD" -c "$tmp/z$i.conf" 2> "$tmp/zabd.$i.log" &
	pid[$i]=$!
done
leader=$(wait_leader 1 2 3)
epoch=$(field "$leader" epoch)
note "member $leader leads epoch $epoch; its zabd says:"
{ grep -E "elected|new epoch|LEADING|joined" "$tmp/zabd.$leader.log" || true; } | sed "s/^/     /"
on "$leader" "$ZABCTL" show "z$leader"

heading "Append records through /dev/zab on different members"
on 1 "$ZABCTL" append z1 "order 1: 3 apples (written on member 1)"
on 2 "$ZABCTL" append z2 "order 2: 1 pear (written on member 2)" "order 3: 2 figs (member 2)"
on 3 "$ZABCTL" append z3 "order 4: 5 plums (written on member 3)"
note "each zxid is printed once a quorum committed the record"

heading "Read them back on every member: the same records, in the same order"
for i in 1 2 3; do
	on "$i" "$ZABCTL" tail "z$i"
done

heading "The leader, member $leader, dies: its zabd is killed and its instance destroyed"
start=$(date +%s%3N)
run kill -9 "${pid[$leader]}"
wait "${pid[$leader]}" 2>/dev/null || true
unset "pid[$leader]"
on "$leader" "$ZABCTL" destroy "z$leader"
rest=()
for i in 1 2 3; do
	[ "$i" = "$leader" ] || rest+=("$i")
done
new=$(wait_leader "${rest[@]}")
new_epoch=$(field "$new" epoch)
[ "$new_epoch" -gt "$epoch" ] ||
	{ echo "demo: the new leader's epoch $new_epoch is not above $epoch" >&2; exit 1; }
lead_line=$(grep -E "LEADING epoch $new_epoch" "$tmp/zabd.$new.log" | tail -n 1)
lead_ms=$(date -d "${lead_line:0:23}" +%s%3N)
note "member $new leads epoch $new_epoch, $((lead_ms - start)) ms after the crash:"
grep -E "lost|LOOKING|elected|following|new epoch|LEADING|FOLLOWING" "$tmp/zabd.$new.log" |
	tail -n 6 | sed 's/^/     /'
for i in "${rest[@]}"; do
	on "$i" "$ZABCTL" show "z$i" | sed -n '1,5p'
done

heading "Append more on the survivors"
on "${rest[0]}" "$ZABCTL" append "z${rest[0]}" "order 5: 4 kiwis (after the failover)"
on "${rest[1]}" "$ZABCTL" append "z${rest[1]}" "order 6: 7 limes (after the failover)"

heading "Every record is still there, in order, on every surviving member"
for i in "${rest[@]}"; do
	show ip netns exec "zab$i" zabctl tail "z$i"
	ip netns exec "zab$i" "$ZABCTL" tail "z$i" > "$tmp/tail.$i"
	cat "$tmp/tail.$i"
done
if cmp -s "$tmp/tail.${rest[0]}" "$tmp/tail.${rest[1]}" &&
   [ "$(wc -l < "$tmp/tail.${rest[0]}")" = 6 ]; then
	note "members ${rest[0]} and ${rest[1]} hold the same 6 records in the same order"
else
	echo "demo: the survivors disagree" >&2
	exit 1
fi

heading "Member $leader comes back and catches up from the new leader"
printf '\033[36m$ %s 2>zabd.%s.log &\033[0m\n' "$(quote ip netns exec "zab$leader" zabd -c "$tmp/z$leader.conf")" "$leader"
ip netns exec "zab$leader" "$ZABD" -c "$tmp/z$leader.conf" 2> "$tmp/zabd.$leader.log" &
pid[$leader]=$!
wait_leader 1 2 3 > /dev/null
show ip netns exec "zab$leader" zabctl tail "z$leader"
ip netns exec "zab$leader" "$ZABCTL" tail "z$leader" > "$tmp/tail.$leader"
cat "$tmp/tail.$leader"
cmp -s "$tmp/tail.$leader" "$tmp/tail.${rest[0]}" || { echo "demo: member $leader differs" >&2; exit 1; }
note "member $leader follows member $new and holds the same 6 records"
printf '\n\033[1mdone\033[0m\n'
