#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One member of tests/vm/crash.sh: the job of VM I (boot B). Its dataDir is
# on /dev/vda, a host file that outlives the VM; its address 10.77.0.I on
# the hub's network. It runs zabd and a writer, and five times a second
# puts its instance's status in /zab-out/status, until the host kills the VM or
# asks it to stop (/zab-out/stop); then it dumps its log (/zab-out/dump)
# once the host says all members caught up (/zab-out/dump-now).
#
#	crash-member.sh I B N
set -u
i=$1 boot=$2 n=$3
out=/zab-out
. "$ZAB_TOP/tests/selftests/lib.sh"

modprobe virtio_net
modprobe virtio_blk
ip link set lo up
ip addr add "10.77.0.$i/24" dev eth0
ip link set eth0 up
load_zab
mkdir -p /data
if ! mount /dev/vda /data 2> /dev/null; then
	mkfs.ext4 -q -F /dev/vda && mount /dev/vda /data || { echo "member $i: no disk"; exit 1; }
fi
mkdir -p /data/z
zab_keyfile /run/ensemble.key
{
	echo "name = z"
	echo "myid = $i"
	echo "dataDir = /data/z"
	echo "authKeyFile = /run/ensemble.key"
	echo "encryption = ${ZAB_ENCRYPTION:-none}"
	echo "tickTime = 500"
	echo "initLimit = 30"
	echo "syncLimit = 10"
	for j in $(seq 1 "$n"); do
		echo "server.$j = 10.77.0.$j:2888:3888"
	done
} > /run/z.conf
echo "--- boot $boot" >> "$out/zabd.log"
"$ZABD" -v -c /run/z.conf >> "$out/zabd.log" 2>&1 &
zabd=$!

# the writer: rounds of 20 records tagged with the boot and member, one a
# write(2) on even-numbered members, ten a ZAB_IOC_APPEND_BATCH on odd ones
# (a power loss then meets batches too, acknowledged only once written)
batch=$((i % 2 ? 10 : 0))
(k=0
 while [ ! -e /run/stop-writing ]; do
	if [ -e /dev/zab/z ]; then
		ZABLOAD_BATCH=$batch ZABLOAD_TRY=1 "$ZABLOAD" write /dev/zab/z "b${boot}m${i}x$k" 20 \
			2> /dev/null || true
	fi
	sleep 0.05
	k=$((k + 1))
 done >> "$out/w.$boot") &
writer=$!

# cut_on_follow: while the host leaves /zab-out/cut-on-follow, the first
# status that shows this member following cuts it off: every packet that
# arrives is dropped, and /zab-out/cut says so (a synchronisation it was in
# stops, but for what its socket had already taken in); once the host
# removes the file, packets pass again
cut=""
cut_on_follow() {
	if [ -e "$out/cut-on-follow" ]; then
		[ -z "$cut" ] && grep -qx 'state=1' /run/status 2> /dev/null || return 0
		tc qdisc add dev eth0 ingress &&
		tc filter add dev eth0 parent ffff: protocol all prio 1 matchall action drop ||
			return 0
		cut=1
		cp /run/status "$out/cut"
	elif [ -n "$cut" ]; then
		tc qdisc del dev eth0 ingress
		cut=""
	fi
}

# report_until FILE: the instance's status every fifth of a second until FILE
report_until() {
	while [ ! -e "$1" ]; do
		"$DEVTEST" status /dev/zab/z > /run/status 2> /dev/null &&
			cp /run/status "$out/status.new" && mv "$out/status.new" "$out/status"
		cut_on_follow
		sleep 0.2
	done
}

report_until "$out/stop"
touch /run/stop-writing
wait "$writer"
echo stopped > "$out/writer"
report_until "$out/dump-now"
"$ZABLOAD" dump /dev/zab/z > "$out/dump"
kill -TERM "$zabd"
wait "$zabd"
umount /data
