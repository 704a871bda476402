#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The latency distributions of a make bench run as a PNG (gnuplot): the
# cumulative distribution of each 64 B measurement tests/bench/run.sh kept
# (ZAB_BENCH_SAMPLES): zab's commit latency beside the raw TCP round trips
# in memory mode, and beside a raw write + fdatasync in fsync mode.
#
#	tests/bench/plot.sh SAMPLES_DIR OUT.png [TITLE]
set -eu
dir=$1 out=$2 title=${3:-zab commit latency beside raw TCP}
command -v gnuplot > /dev/null || { echo "plot.sh: no gnuplot (make deps)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# cdf NAME LABEL: gnuplot's plot clause for measurement NAME, if it was kept
cdf() {
	local f=$dir/$1
	[ -s "$f" ] || return 0
	awk 'NR == FNR { n++; next } { print $1, FNR / n }' "$f" "$f" > "$work/$1"
	printf '"%s" using 1:2 with lines lw 2 title "%s", ' "$work/$1" "$2"
}
mem=$(cdf tcp-ping-pong "TCP ping-pong"; cdf tcp-fan-out "TCP fan-out to 2 peers"
      cdf zab-leader "zab, writer on the leader"; cdf zab-follower "zab, writer on a follower")
disk=$(cdf raw-fdatasync "raw write + fdatasync"; cdf zab-leader-fsync "zab fsync, writer on the leader")
[ -n "$mem" ] || { echo "plot.sh: no samples in $dir" >&2; exit 1; }
{
	echo "set terminal pngcairo size 1000,$([ -n "$disk" ] && echo 760 || echo 420) font ',10'"
	echo "set output '$out'"
	echo "set logscale x; set grid; set key right bottom; set yrange [0:1]"
	echo "set xlabel 'microseconds (log scale)'; set ylabel 'fraction of samples'"
	[ -z "$disk" ] || echo "set multiplot layout 2,1"
	echo "set title '$title: memory mode, 64 B'"
	echo "plot ${mem%, }"
	if [ -n "$disk" ]; then
		echo "set title 'fsync mode, 64 B, ext4 on virtio-blk'"
		echo "plot ${disk%, }"
		echo "unset multiplot"
	fi
} > "$work/plot.gp"
gnuplot "$work/plot.gp"
echo "plot.sh: $out"
