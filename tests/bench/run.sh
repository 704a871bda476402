#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The zab benchmark, run inside the test VM (make bench): a 3-member
# ensemble in network namespaces, memory mode; commit latency and throughput
# beside raw TCP round trips and streaming measured in the same run; the
# same in kernel TLS; then five members, beside TCP to four peers; then
# ZooKeeper 3.8's three servers in the same namespaces, as a peer. Then,
# if the VM has a disk (ZAB_VM_DISK), a 3-member ensemble run by zabd with
# durability fsync and its logs on that disk, beside the latency of a raw
# write + fdatasync on the same filesystem, and ZooKeeper with forceSync=yes
# on the same disk. ZAB_BENCH_QUICK=1 stops after the 3-member
# rows (plain, and with spread_followers). With ZAB_BENCH_SAMPLES=DIR, every
# latency of the 64 B measurements goes to DIR/NAME (tests/bench/plot.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
export ZAB_TOP=${ZAB_TOP:-$(cd "$here/../.." && pwd)}
# shellcheck source=../selftests/lib.sh
source "$ZAB_TOP/tests/selftests/lib.sh"
B="$here/zabbench"
N=${ZAB_BENCH_COUNT:-2000}
SECS=${ZAB_BENCH_SECONDS:-3}

ENS_TMP=$(mktemp -d)
# five namespaces: the 3-member ensemble is z1..z3, z4 and z5 join it for
# the 5-member rows
ens_setup 5 1000
ens_boot 3 1 1
for i in 2 3 4 5; do
	nsx "zab$i" "$B" echo 7001 &
	nsx "zab$i" "$B" sink 7002 &
	[ "$i" -le 3 ] || continue
	# the same in kernel TLS (ZABBENCH_TLS), for the encrypted ensemble
	ZABBENCH_TLS=1 nsx "zab$i" "$B" echo 7003 &
	ZABBENCH_TLS=1 nsx "zab$i" "$B" sink 7004 &
done
sleep 0.5

field() {	# field NAME LINE
	sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<< "$2"
}

# ratio LABEL A B [NOTE]: a row of the ratios, A / B
ratio() {
	awk -v l="$1" -v a="$2" -v b="$3" -v n="${4:-}" 'BEGIN {
		if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0)
			printf "%-38s %.2f%s\n", l, a / b, n == "" ? "" : " (" n ")"
		else	# a figure not measured (ZooKeeper that did not answer)
			printf "%-38s n/a%s\n", l, n == "" ? "" : " (" n ")"
	}'
}

# recreate I...: members I... as new instances, for the next ensemble
recreate() {
	ens_recreate 1000 "$@"
}

# tls_boot: the 3-member ensemble formed again in kernel TLS
tls_boot() {
	recreate 1 2 3
	ZAB_ENCRYPTION=tls ens_boot 3 1 1 > /dev/null
	[ "$(nsx zab1 "$ZABCTL" show z1 -o tls_peers)" = 2 ] || { echo "bench: the ensemble is not in TLS" >&2; exit 1; }
}

# max A B: the larger of two numbers
max() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'
}

# samples NAME: where the latencies of the next measurement go, if kept
samples() {
	[ -z "${ZAB_BENCH_SAMPLES:-}" ] || echo "$ZAB_BENCH_SAMPLES/$1"
}
[ -z "${ZAB_BENCH_SAMPLES:-}" ] || mkdir -p "$ZAB_BENCH_SAMPLES"

echo "# zab benchmark: $(uname -r), $(nproc) vCPUs, qemu TCG, 3 members, memory mode"
echo "# raw TCP between namespaces of the same VM"
ping64=$(ZABBENCH_SAMPLES=$(samples tcp-ping-pong) nsx zab1 "$B" ping 10.77.0.2 7001 64 "$N")
fan64=$(ZABBENCH_SAMPLES=$(samples tcp-fan-out) nsx zab1 "$B" fanout 10.77.0.2 10.77.0.3 7001 64 "$N")
fan1k=$(nsx zab1 "$B" fanout 10.77.0.2 10.77.0.3 7001 1024 "$N")
stream=$(nsx zab1 "$B" stream 10.77.0.2 10.77.0.3 7002 64 "$SECS")
bstream=$(ZABBENCH_BATCH=64 nsx zab1 "$B" stream 10.77.0.2 10.77.0.3 7002 64 "$SECS")
stream1k=$(nsx zab1 "$B" stream 10.77.0.2 10.77.0.3 7002 1024 "$SECS")
stream64k=$(nsx zab1 "$B" stream 10.77.0.2 10.77.0.3 7002 65536 "$SECS")
printf '%-38s %s\n' "tcp ping-pong 64 B (us)" "$ping64" \
	"tcp fan-out round trip, 2 peers, 64 B" "$fan64" \
	"tcp fan-out round trip, 2 peers, 1 KiB" "$fan1k" \
	"tcp stream 64 B messages to 2 peers" "$stream" \
	"tcp stream, 64 messages per send" "$bstream" \
	"tcp stream 1 KiB messages to 2 peers" "$stream1k" \
	"tcp stream 64 KiB messages to 2 peers" "$stream64k"

echo "# zab commit latency (us), sequential appends"
l64=$(ZABBENCH_SAMPLES=$(samples zab-leader) "$B" lat /dev/zab/z1 64 "$N")
l1k=$("$B" lat /dev/zab/z1 1024 "$N")
f64=$(ZABBENCH_SAMPLES=$(samples zab-follower) "$B" lat /dev/zab/z2 64 "$N")
f1k=$("$B" lat /dev/zab/z2 1024 "$N")
printf '%-38s %s\n' "leader writer, 64 B" "$l64" "leader writer, 1 KiB" "$l1k" \
	"follower writer, 64 B" "$f64" "follower writer, 1 KiB" "$f1k"

echo "# zab throughput, 64 B records, writers on the leader"
for w in 1 16 64; do
	t=$("$B" tput /dev/zab/z1 64 $w "$SECS")
	printf '%-38s %s\n' "$w writers" "$t"
	eval "tput$w=$(field rate "$t")"
done
echo "# zab throughput, 64 B records in batches of 64 (zab_append_batch)"
for w in 1 16; do
	t=$(ZABBENCH_BATCH=64 "$B" tput /dev/zab/z1 64 $w "$SECS")
	printf '%-38s %s\n' "$w writers, batched" "$t"
	eval "btput$w=$(field rate "$t")"
done

# tput_row VAR BATCH LABEL SIZE WRITERS: writers on the leader appending
# SIZE-byte records, BATCH per call; prints the row, the rate goes to VAR
tput_row() {
	local t
	t=$(ZABBENCH_BATCH=$2 "$B" tput /dev/zab/z1 "$4" "$5" "$SECS")
	printf '%-38s %s\n' "$3" "$t"
	eval "$1=$(field rate "$t")"
}
echo "# zab throughput, 1 KiB and 64 KiB records, writers on the leader"
tput_row tput1k 1 "64 writers, 1 KiB" 1024 64
tput_row btput1k 64 "1 writer, 1 KiB, batches of 64" 1024 1
tput_row tput64k 1 "16 writers, 64 KiB" 65536 16
tput_row btput64k 16 "1 writer, 64 KiB, batches of 16" 65536 1

echo "# zab_sync() latency (us): a quorum confirms the leader, the member catches up"
sl=$("$B" sync /dev/zab/z1 "$N")
sf=$("$B" sync /dev/zab/z2 "$N")
printf '%-38s %s\n' "sync on the leader" "$sl" "sync on a follower" "$sf"

echo "# ratios"
ratio "leader p50 64 B / tcp fan-out p50" "$(field p50 "$l64")" "$(field p50 "$fan64")" "target <= 2"
ratio "leader p50 64 B / tcp ping-pong p50" "$(field p50 "$l64")" "$(field p50 "$ping64")" "target <= 1.0"
ratio "leader p50 1 KiB / tcp fan-out p50" "$(field p50 "$l1k")" "$(field p50 "$fan1k")"
ratio "follower p50 64 B / tcp ping-pong p50" "$(field p50 "$f64")" "$(field p50 "$ping64")"
# shellcheck disable=SC2154
ratio "64 writers / tcp stream rate" "$tput64" "$(field rate "$stream")" "target >= 0.50"
# shellcheck disable=SC2154
ratio "16 batched writers / batched stream" "$btput16" "$(field rate "$bstream")" "target >= 0.25"
# the better of one record per call and batches, for 1 KiB and 64 KiB
# shellcheck disable=SC2154
ratio "1 KiB records / tcp 1 KiB stream" "$(max "$tput1k" "$btput1k")" "$(field rate "$stream1k")"
# shellcheck disable=SC2154
ratio "64 KiB bytes/s / tcp 64 KiB stream" "$(max "$tput64k" "$btput64k")" "$(field rate "$stream64k")" "target >= 0.50"
ratio "leader sync p50 / tcp fan-out p50" "$(field p50 "$sl")" "$(field p50 "$fan64")"
ratio "follower sync p50 / tcp ping-pong p50" "$(field p50 "$sf")" "$(field p50 "$ping64")"
"$ZABCTL" show --tsv > /dev/null

# The same ensemble with the leader's followers' works queued on CPUs
# chosen round robin (zab.ko's spread_followers), against the rows above
echo "# spread_followers=1: the same ensemble, the followers' works spread over the CPUs"
echo 1 > /sys/module/zab/parameters/spread_followers
recreate 1 2 3
ens_boot 3 1 1 > /dev/null
sl64=$("$B" lat /dev/zab/z1 64 "$N")
sf64=$("$B" lat /dev/zab/z2 64 "$N")
printf '%-38s %s\n' "spread: leader writer, 64 B" "$sl64" \
	"spread: follower writer, 64 B" "$sf64"
tput_row stput64 1 "spread: 64 writers" 64 64
tput_row sbtput16 64 "spread: 16 writers, batched" 64 16
tput_row stput64k 1 "spread: 16 writers, 64 KiB" 65536 16
tput_row sbtput64k 16 "spread: 1 writer, 64 KiB, batches of 16" 65536 1
echo 0 > /sys/module/zab/parameters/spread_followers
echo "# spread ratios"
ratio "spread: leader p50 64 B / ping-pong" "$(field p50 "$sl64")" "$(field p50 "$ping64")" "target <= 1.0"
ratio "spread: follower p50 64 B / ping-pong" "$(field p50 "$sf64")" "$(field p50 "$ping64")"
# shellcheck disable=SC2154
ratio "spread: 64 writers / tcp stream rate" "$stput64" "$(field rate "$stream")" "target >= 0.50"
# shellcheck disable=SC2154
ratio "spread: 16 batched / batched stream" "$sbtput16" "$(field rate "$bstream")" "target >= 0.25"
# shellcheck disable=SC2154
ratio "spread: 64 KiB bytes/s / tcp 64 KiB" "$(max "$stput64k" "$sbtput64k")" "$(field rate "$stream64k")" "target >= 0.50"
# shellcheck disable=SC2154
ratio "spread: 64 writers / default's" "$stput64" "$tput64"
# ZAB_BENCH_QUICK=1: the 3-member rows only, to compare builds
[ -z "${ZAB_BENCH_QUICK:-}" ] || exit 0

# The same ensemble again, its connections in kernel TLS (AES-128-GCM, the
# keys zabboot installs: zab.ko's path through TLS, without a handshake),
# and the cost of zabd's handshake per connection.
echo "# encrypted: the same ensemble in kernel TLS (encryption = tls)"
# the AES-NI and CLMUL implementations, as udev loads them on a host that
# has the instructions (this VM has no udev)
modprobe -q aesni_intel 2> /dev/null || true
modprobe -q ghash_clmulni_intel 2> /dev/null || true
tls_boot
tl64=$("$B" lat /dev/zab/z1 64 "$N")
tf64=$("$B" lat /dev/zab/z2 64 "$N")
tt64=$("$B" tput /dev/zab/z1 64 64 "$SECS")
hs=$(nsx zab1 "$here/tlshs" 10.77.0.1 $((N / 10 > 20 ? N / 10 : 20)))
gcm=$(awk '/^name/ { n = $3 } /^driver/ && n == "gcm(aes)" { d = $3 } END { print d }' /proc/crypto)
echo "# AES-128-GCM in the kernel: ${gcm:-unknown}"
kping=$(ZABBENCH_TLS=1 nsx zab1 "$B" ping 10.77.0.2 7003 64 "$N")
kfan=$(ZABBENCH_TLS=1 nsx zab1 "$B" fanout 10.77.0.2 10.77.0.3 7003 64 "$N")
kstream=$(ZABBENCH_TLS=1 nsx zab1 "$B" stream 10.77.0.2 10.77.0.3 7004 64 "$SECS")
printf '%-38s %s\n' "ktls ping-pong 64 B (us)" "$kping" \
	"ktls fan-out round trip, 2 peers, 64 B" "$kfan" \
	"ktls stream 64 B messages to 2 peers" "$kstream" \
	"tls: leader writer, 64 B" "$tl64" "tls: follower writer, 64 B" "$tf64" \
	"tls: 64 writers" "$tt64" "tls: handshake + keys to the kernel" "$hs"
echo "# tls ratios (to the plain ensemble of this run)"
ratio "tls leader p50 64 B / plain" "$(field p50 "$tl64")" "$(field p50 "$l64")" "target <= 1.3"
ratio "tls follower p50 64 B / plain" "$(field p50 "$tf64")" "$(field p50 "$f64")"
ratio "tls 64 writers / plain" "$(field rate "$tt64")" "$tput64" "target >= 0.7"
# what the kernel's TLS costs raw TCP in this VM, for scale
ratio "ktls fan-out p50 / tcp fan-out p50" "$(field p50 "$kfan")" "$(field p50 "$fan64")"
ratio "ktls stream rate / tcp stream rate" "$(field rate "$kstream")" "$(field rate "$stream")"
ratio "tls leader p50 64 B / ktls fan-out p50" "$(field p50 "$tl64")" "$(field p50 "$kfan")"

# the same in TLS with spread_followers, against the spread rows above:
# each follower's records encrypted and decrypted on a CPU of their own
echo "# encrypted, spread_followers=1"
echo 1 > /sys/module/zab/parameters/spread_followers
tls_boot
stl64=$("$B" lat /dev/zab/z1 64 "$N")
stt64=$("$B" tput /dev/zab/z1 64 64 "$SECS")
echo 0 > /sys/module/zab/parameters/spread_followers
printf '%-38s %s\n' "spread tls: leader writer, 64 B" "$stl64" \
	"spread tls: 64 writers" "$stt64"
ratio "spread tls leader p50 64 B / spread" "$(field p50 "$stl64")" "$(field p50 "$sl64")" "target <= 1.3"
# shellcheck disable=SC2154
ratio "spread tls 64 writers / spread" "$(field rate "$stt64")" "$stput64" "target >= 0.7"
# a commit is one round trip, four records sealed or opened: what that costs
# in this VM (qemu TCG runs AES-NI and CLMUL in software) is kernel TLS's
ratio "spread tls leader p50 / ktls ping-pong" "$(field p50 "$stl64")" "$(field p50 "$kping")"
ratio "ktls ping-pong p50 / tcp ping-pong p50" "$(field p50 "$kping")" "$(field p50 "$ping64")"

# Five members, plain: the leader waits for two acknowledgements of four
# followers, and sends every record four times
echo "# five members (memory mode), beside TCP to four peers"
recreate 1 2 3
ens_boot 5 1 1 > /dev/null
for i in 2 3 4 5; do
	[ "$(state_of "z$i")" = FOLLOWING ] || { echo "bench: five members did not form" >&2; exit 1; }
done
peers4="10.77.0.2 10.77.0.3 10.77.0.4 10.77.0.5"
# shellcheck disable=SC2086
fan4=$(nsx zab1 "$B" fanout $peers4 7001 64 "$N")
# shellcheck disable=SC2086
stream4=$(nsx zab1 "$B" stream $peers4 7002 64 "$SECS")
# shellcheck disable=SC2086
stream4_64k=$(nsx zab1 "$B" stream $peers4 7002 65536 "$SECS")
v64=$("$B" lat /dev/zab/z1 64 "$N")
vf64=$("$B" lat /dev/zab/z2 64 "$N")
vt64=$("$B" tput /dev/zab/z1 64 64 "$SECS")
vt64k=$("$B" tput /dev/zab/z1 65536 16 "$SECS")
printf '%-38s %s\n' "tcp fan-out round trip, 4 peers, 64 B" "$fan4" \
	"tcp stream 64 B messages to 4 peers" "$stream4" \
	"tcp stream 64 KiB messages to 4 peers" "$stream4_64k" \
	"5 members: leader writer, 64 B" "$v64" "5 members: follower writer, 64 B" "$vf64" \
	"5 members: 64 writers" "$vt64" "5 members: 16 writers, 64 KiB" "$vt64k"
echo "# five members: ratios (to TCP to four peers, and to three members)"
ratio "5: leader p50 64 B / tcp fan-out 4 p50" "$(field p50 "$v64")" "$(field p50 "$fan4")"
ratio "5: 64 writers / tcp stream 4 rate" "$(field rate "$vt64")" "$(field rate "$stream4")"
ratio "5: 64 KiB bytes/s / tcp 64 KiB stream 4" "$(field rate "$vt64k")" "$(field rate "$stream4_64k")"
ratio "5: leader p50 64 B / 3 members" "$(field p50 "$v64")" "$(field p50 "$l64")"
# shellcheck disable=SC2154
ratio "5: 64 writers / 3 members" "$(field rate "$vt64")" "$tput64"
for i in 4 5; do
	nsx "zab$i" "$ZABCTL" destroy "z$i"
done

# ZooKeeper 3.8 as a peer, in the same run: three servers in the namespaces
# of z1..z3 (which stay formed, idle), their transaction logs written but not
# fsynced (forceSync=no) to this VM's memory, as close to the memory-mode
# ensemble as ZooKeeper goes; ZooKeeper's own C client, a record a znode
# created with ZOO_SEQUENCE. ZN creates per latency figure (they are slow
# here), the first run warming the servers' JIT compilers.
echo "# ZooKeeper 3.8: 3 servers in the same namespaces, forceSync=no, logs in memory; its C client"
# shellcheck source=zk.sh
source "$here/zk.sh"
Z="$here/zkbench"
ZN=$((N / 4))
# zk I ARGS...: zkbench ARGS against server I from its namespace, up to
# three times: under TCG a ZooKeeper server at times leaves a session
# unanswered past its timeout (seen in about half the runs, once or twice).
# If all three fail, the row says so and the run goes on: ZooKeeper is a
# peer to compare with, and the fsync figures come after it.
zk() {
	local i=$1 try
	shift
	if [ -n "$ZK_DOWN" ]; then
		echo "not measured: ZooKeeper's ensemble did not form"
		return 0
	fi
	for try in 1 2 3; do
		nsx "zab$i" "$Z" "$1" "10.77.0.$i:2181" "${@:2}" && return 0
		echo "bench: zkbench $* failed (try $try of 3)" >&2
	done
	echo "not measured: zkbench failed 3 times"
}
# zk_up DIR SYNC: zk_start, up to three times (under TCG, beside other
# VMs, a server at times has not joined the others after 120 s); else
# ZK_DOWN is set, and zk's rows say the figures were not measured.
zk_up() {
	local try
	ZK_DOWN=""
	for try in 1 2 3; do
		zk_start "$@" && return 0
		echo "bench: ZooKeeper's ensemble did not form (try $try of 3)" >&2
		zk_stop
		rm -rf "$1"
	done
	ZK_DOWN=1
	ZK_LEADER=1	# a namespace for the rows that are not measured
}
zk_up "$ENS_TMP/zk" no
ZF=$((ZK_LEADER % 3 + 1))
zl64=$(ZKBENCH_WARMUP=$((N / 2)) zk "$ZK_LEADER" lat 64 "$ZN")
zf64=$(ZKBENCH_WARMUP=0 zk "$ZF" lat 64 "$ZN")
printf '%-38s %s\n' "zookeeper: leader client, 64 B" "$zl64" \
	"zookeeper: follower client, 64 B" "$zf64"
for w in 1 16 64; do
	t=$(ZKBENCH_WARMUP=0 zk "$ZK_LEADER" tput 64 $w "$SECS")
	printf '%-38s %s\n' "zookeeper: $w in flight" "$t"
	eval "ztput$w=$(field rate "$t")"
done
zk_stop
echo "# zookeeper / zab latency, zab / zookeeper rate (above 1: zab does better)"
ratio "zookeeper leader p50 / zab leader p50" "$(field p50 "$zl64")" "$(field p50 "$l64")"
ratio "zookeeper follower p50 / zab follower" "$(field p50 "$zf64")" "$(field p50 "$f64")"
# shellcheck disable=SC2154
ratio "zab 1 writer / zookeeper 1 in flight" "$tput1" "$ztput1"
# shellcheck disable=SC2154
ratio "zab 64 writers / zookeeper 64 in flight" "$tput64" "$ztput64"
ratio "zookeeper leader p50 / tcp fan-out p50" "$(field p50 "$zl64")" "$(field p50 "$fan64")"

[ -n "${ZAB_VM_DISK:-}" ] || exit 0
modprobe virtio_blk 2> /dev/null || true
for _ in $(seq 50); do [ -b /dev/vda ] && break; sleep 0.1; done
[ -b /dev/vda ] || { echo "# no /dev/vda: fsync mode not measured"; exit 0; }
mkfs.ext4 -q -F /dev/vda
mkdir -p /mnt/zabdisk
mount /dev/vda /mnt/zabdisk
echo "# fsync mode: logs on ext4 on virtio-blk, host file with a write-through cache"
raw64=$(ZABBENCH_SAMPLES=$(samples raw-fdatasync) "$B" fsync /mnt/zabdisk/raw 64 "$((N / 4))")
raw1k=$("$B" fsync /mnt/zabdisk/raw 1024 "$((N / 4))")
printf '%-38s %s\n' "raw write+fdatasync 64 B (us)" "$raw64" \
	"raw write+fdatasync 1 KiB (us)" "$raw1k"
for i in 1 2 3; do
	nsx "zab$i" "$ZABCTL" destroy "z$i"
done
ENS_TMP=$(mktemp -d)
# shellcheck disable=SC2034
ZABD_TICK=200 ZABD_INIT=10 ZABD_SYNC=10
for i in 1 2 3; do
	zabd_conf 3 "$i"
	sed -i "s|^dataDir = .*|dataDir = /mnt/zabdisk/data$i|" "$ENS_TMP/z$i.conf"
	echo "durability = fsync" >> "$ENS_TMP/z$i.conf"
done
zabd_start 1 2 3
wait_formed 30 1 2 3
L=$LEADER
d64=$(ZABBENCH_SAMPLES=$(samples zab-leader-fsync) "$B" lat "/dev/zab/z$L" 64 "$((N / 4))")
d1k=$("$B" lat "/dev/zab/z$L" 1024 "$((N / 4))")
printf '%-38s %s\n' "fsync: leader writer, 64 B (us)" "$d64" \
	"fsync: leader writer, 1 KiB (us)" "$d1k"
for w in 1 16 64; do
	t=$("$B" tput "/dev/zab/z$L" 64 $w "$SECS")
	printf '%-38s %s\n' "fsync: $w writers" "$t"
	eval "dput$w=$(field rate "$t")"
done
echo "# fsync ratios"
ratio "fsync leader p50 64 B / raw fsync p50" "$(field p50 "$d64")" "$(field p50 "$raw64")"
# shellcheck disable=SC2154
awk -v a="$dput64" -v b="$(field p50 "$raw64")" \
	'BEGIN { printf "%-38s %.1f (group commit when > 1)\n", "64 writers: records per raw fsync time", a * b / 1e6 }'
for i in 1 2 3; do
	zabd_signal TERM "$i"
done

# ZooKeeper with the same durability: forceSync=yes (its default), its
# three servers' transaction logs on the same disk as zab's were
echo "# ZooKeeper 3.8 in fsync mode: forceSync=yes, logs on the same disk"
zk_up /mnt/zabdisk/zk yes
zd64=$(ZKBENCH_WARMUP=$((ZN / 2)) zk "$ZK_LEADER" lat 64 "$((ZN / 2))")
printf '%-38s %s\n' "zookeeper fsync: leader client, 64 B" "$zd64"
t=$(ZKBENCH_WARMUP=0 zk "$ZK_LEADER" tput 64 64 "$SECS")
printf '%-38s %s\n' "zookeeper fsync: 64 in flight" "$t"
zdput64=$(field rate "$t")
zk_stop
echo "# fsync: zookeeper / zab latency, zab / zookeeper rate"
ratio "zookeeper fsync p50 / zab fsync p50" "$(field p50 "$zd64")" "$(field p50 "$d64")"
ratio "zab fsync 64 writers / zookeeper 64" "$dput64" "$zdput64"
umount /mnt/zabdisk
