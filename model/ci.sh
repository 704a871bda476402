#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# model/ci.sh: the short slice of the model checks that make check runs
# (make model and make model-disk are the long runs), one TAP line each:
# the behaviour as built, with and without disks that lose records, within
# small bounds, must show no error; the old behaviours must lose a record
# (so the model still finds what it found); the 5-member paths as
# model/README.md says; the losses zab cannot see must still lose a record
# (the limits it documents). About two minutes on two cores.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

checks=(
	"new: as built, MAXE=2 LMAX=1, every state whole|full -DMAXE=2 -DLMAX=1"
	"disk: as built with disks that lose records, MAXE=2 LMAX=1|full -DMAXE=2 -DLMAX=1 -DDISK_LOSS"
	"old: the old behaviour loses an acknowledged record|old"
	"disk-old: a member cut short that votes loses an acknowledged record|disk-old"
	"revert-old: a member whose disk lost a RESET entry, voting, loses an acknowledged record|disk-old -DREVERT_ONLY -DMAXE=3 -DLMAX=1"
	"epoch-loss: epoch files that lose their last write lose an acknowledged record (the limit)|epoch-loss -DMAXE=2 -DLMAX=1"
	"scenario5: the 5-member path loses the record with OLD_SYNCED|scenario5"
	"scenario5-new: the 5-member path is cut short as built|scenario5-new"
	"scenario5b: the 5-member path loses the record with OLD_ACKS|scenario5b"
	"scenario5b-new: the 5-member path is cut short as built|scenario5b-new"
)
if ! command -v spin > /dev/null 2>&1; then
	echo "1..${#checks[@]}"
	for i in "${!checks[@]}"; do
		echo "ok $((i + 1)) - model: ${checks[$i]%%|*} # SKIP spin is not installed"
	done
	exit 0
fi
echo "1..${#checks[@]}"
rc=0
for i in "${!checks[@]}"; do
	desc=${checks[$i]%%|*}
	# shellcheck disable=SC2206
	args=(${checks[$i]#*|})
	t0=$SECONDS
	if ZAB_MODEL_OUT="$out/$i" ZAB_MODEL_MEM=2048 ZAB_MODEL_W=24 \
		"$here"/check.sh "${args[@]}" > "$out/$i.log" 2>&1; then
		states=$(grep -m1 -oE '[0-9]+ states, stored' "$out/$i.log")
		echo "ok $((i + 1)) - model: $desc (${states:-?}, $((SECONDS - t0)) s)"
	else
		sed 's/^/# /' "$out/$i.log"
		echo "not ok $((i + 1)) - model: $desc"
		rc=1
	fi
done
exit $rc
