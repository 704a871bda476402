# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# ZooKeeper 3.8 (Debian's zookeeper package) as make bench's peer: three
# servers, one in each of the namespaces zab1..zab3 (10.77.0.I, client port
# 2181, quorum and election ports 12888 and 13888), sourced by run.sh.

ZK_PIDS=()

# zk_start DIR FORCESYNC: three servers with their data under DIR;
# FORCESYNC yes fsyncs the transaction log before a server acknowledges a
# proposal (ZooKeeper's default, zab's durability = fsync), no only writes it
# (zab's durability = write; memory mode writes nothing). Waits until one leads
# and two follow; ZK_LEADER is the leader's number.
zk_start() {
	local dir=$1 sync=$2 i j cp
	cp=/etc/zookeeper/conf:/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar
	[ -f /usr/share/java/zookeeper.jar ] || { echo "zk: ZooKeeper is not installed" >&2; return 1; }
	for i in 1 2 3; do
		mkdir -p "$dir/zk$i"
		echo "$i" > "$dir/zk$i/myid"
		{
			echo "tickTime=2000"
			echo "initLimit=60"
			echo "syncLimit=20"
			echo "dataDir=$dir/zk$i"
			echo "clientPort=2181"
			echo "clientPortAddress=10.77.0.$i"
			echo "admin.enableServer=false"
			echo "4lw.commands.whitelist=srvr"
			echo "maxClientCnxns=0"
			for j in 1 2 3; do
				echo "server.$j=10.77.0.$j:12888:13888"
			done
		} > "$dir/zk$i.cfg"
		# preAllocSize: log files of 4 MiB, not 64, in this VM's memory;
		# the serial collector and the client compiler only: under TCG the
		# server compiler's and G1's threads take the CPU from the servers
		nsx_bg "zab$i" java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms192m -Xmx192m -Dzookeeper.forceSync="$sync" \
			-Dzookeeper.preAllocSize=4096 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dzookeeper.4lw.commands.whitelist=srvr \
			-cp "$cp" org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zk$i.cfg" \
			> "$dir/zk$i.log" 2>&1
		ZK_PIDS+=("$NSX_PID")
	done
	wait_for 120 zk_formed && return 0
	echo "zk: the ensemble did not form in 120 s" >&2
	tail -n 20 "$dir"/zk*.log >&2
	return 1
}

# zk_formed: one server leads and two follow; ZK_LEADER is the leader's
# number.
zk_formed() {
	local i followers=0
	ZK_LEADER=""
	for i in 1 2 3; do
		case $(zk_mode "$i") in
		leader) ZK_LEADER=$i ;;
		follower) followers=$((followers + 1)) ;;
		esac
	done
	[ -n "$ZK_LEADER" ] && [ "$followers" = 2 ]
}

# zk_mode I: what server I says it is (leader, follower, or nothing)
zk_mode() {
	nsx "zab$1" bash -c 'exec 3<> /dev/tcp/10.77.0.'"$1"'/2181 && echo srvr >&3 &&
		sed -n "s/^Mode: //p" <&3' 2> /dev/null
}

# zk_stop: every server killed
zk_stop() {
	local p
	for p in "${ZK_PIDS[@]}"; do
		kill "$p" 2> /dev/null || true
	done
	for p in "${ZK_PIDS[@]}"; do
		wait "$p" 2> /dev/null || true
	done
	ZK_PIDS=()
}
