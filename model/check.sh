#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# model/check.sh MODE [SPIN_FLAGS...]: build zab.pml with spin and check it.
#
#   new        the behaviour as built (default bounds -DMAXE=2 -DLMAX=2),
#              depth-first, hash-compact states (-DHC4): exits 0 if spin
#              finds no error and completes the search, 1 otherwise
#   full       the same without hash-compact: every state stored whole
#              (more memory)
#   bitstate   the same with bitstate hashing (-DBITSTATE): for bounds too
#              large to store; partial coverage
#   disk       as new, with disks that lose durable records (-DDISK_LOSS):
#              the member cut short abstains until synchronised
#   disk-old   -DDISK_LOSS -DOLD_ABSTAIN (the member cut short votes as
#              before), as old: exits 0 if spin finds an acknowledged
#              record lost
#   disk-unseen  as built, with losses zab does not see too (the last
#              batch, before its DURABLE entry is on disk), as old: exits 0
#              if spin finds an acknowledged record lost (it does)
#   epoch-loss as built, with epoch files that lose their last write
#              (-DEPOCH_LOSS), as old: exits 0 if spin finds an
#              acknowledged record lost
#   old        -DOLD -DONLY_LOSS (or one old behaviour: -DOLD_VOTE, ...),
#              default bounds -DMAXE=2 -DLMAX=1, breadth-first: exits 0 if
#              spin finds an acknowledged record lost (and prints the
#              shortest trail), 1 otherwise
#   scenario5  the 5-member path of scenario5.pml with -DOLD_SYNCED (a
#              follower wrote currentEpoch before its leader established
#              the epoch): exits 0 if the record is lost there
#   scenario5-new  the same path with the behaviour as built: exits 0 if
#              the record is not lost (the path is cut short)
#   scenario5b the 5-member path of scenario5b.pml (commit 0c8c8a5) with
#              -DOLD_ACKS (a follower acknowledged before its zabd wrote
#              currentEpoch): exits 0 if the record is lost there
#   scenario5b-new  the same path with the behaviour as built: exits 0 if
#              the record is not lost (the path is cut short)
#
# Extra arguments go to spin (-DMAXE=3, -DLMAX=3, -DOLD_VOTE, ...).
# ZAB_MODEL_OUT: where to build (default model/out); ZAB_MODEL_MEM: memory
# limit in MB (default 4096); ZAB_MODEL_W: hash table size (default 26).

set -eu

mode=${1:?usage: check.sh new|full|bitstate|disk|old|disk-old|disk-unseen|epoch-loss|scenario5[b]|scenario5[b]-new [spin flags]}
shift
name=$mode
case $mode in
disk) mode=new; set -- -DDISK_LOSS "$@" ;;
disk-old) mode=old; set -- -DDISK_LOSS -DOLD_ABSTAIN "$@" ;;
disk-unseen) mode=old; set -- -DDISK_LOSS -DDISK_LOSS_UNSEEN "$@" ;;
epoch-loss) mode=old; set -- -DEPOCH_LOSS "$@" ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
mem=${ZAB_MODEL_MEM:-4096}
w=${ZAB_MODEL_W:-26}

if ! command -v spin >/dev/null 2>&1; then
	echo "model: spin is not installed (apt-get install spin)" >&2
	exit 2
fi

out=${ZAB_MODEL_OUT:-$here/out}/$name
rm -rf "$out"
mkdir -p "$out"
cp "$here"/zab.pml "$here"/scenario5.pml "$here"/scenario5b.pml "$out"/
cd "$out"

cc=${CC:-cc}
case $mode in
new|full|bitstate)
	bounds="-DMAXE=2 -DLMAX=2"
	for a in "$@"; do
		case $a in
		-DMAXE=*|-DLMAX=*) bounds= ;;
		esac
	done
	case $mode in
	new) store=-DHC4 ;;
	full) store= ;;
	bitstate) store=-DBITSTATE; w=${ZAB_MODEL_W:-32} ;;
	esac
	flags="$bounds $*"
	echo "model: spin -a $flags zab.pml ($name)"
	# shellcheck disable=SC2086
	spin -a $flags zab.pml >/dev/null
	# shellcheck disable=SC2086
	$cc -O2 -DSAFETY -DNOREDUCE -DMEMLIM="$mem" $store -o pan pan.c
	start=$(date +%s)
	./pan -m20000 -w"$w" >pan.out 2>&1 || true
	end=$(date +%s)
	grep -E "search for|State-vector|states, stored|transitions|total actual|elapsed|assertion violated|Search not completed|hash factor|coverage" pan.out | grep -v "^Depth" || true
	echo "model: $((end - start)) s wall"
	if grep -q "errors: 0" pan.out && ! grep -q "Search not completed" pan.out; then
		echo "model: no error ($flags)"
		exit 0
	fi
	if [ -f zab.pml.trail ]; then
		echo "model: counterexample (model/out/$name/zab.pml.trail):"
		# shellcheck disable=SC2086
		spin -t $flags zab.pml | grep -E "MSC:|assert" | sed 's/^ *MSC: /  /'
	fi
	echo "model: FAILED ($flags)" >&2
	exit 1
	;;
scenario5-new|scenario5b-new)
	if [ "$mode" = scenario5-new ]; then
		flags="-DSCENARIO5 -DN=5 -DMAXE=3 -DLMAX=2 -DONLY_LOSS $*"
	else
		flags="-DSCENARIO5B -DN=5 -DMAXE=4 -DLMAX=2 -DONLY_LOSS $*"
	fi
	echo "model: spin -a $flags zab.pml ($mode)"
	# shellcheck disable=SC2086
	spin -a $flags zab.pml >/dev/null
	$cc -O2 -DSAFETY -DNOREDUCE -DMEMLIM="$mem" -o pan pan.c
	./pan -w"$w" >pan.out 2>&1 || true
	grep -E "states, stored|elapsed|assertion violated|invalid end state" pan.out || true
	if grep -q "assertion violated" pan.out; then
		# shellcheck disable=SC2086
		spin -t $flags zab.pml | grep -E "MSC:|assert" | sed 's/^ *MSC: /  /'
		echo "model: FAILED: the record is lost on the path ($mode)" >&2
		exit 1
	fi
	if grep -q "invalid end state" pan.out && [ -f zab.pml.trail ]; then
		echo "model: the path stops after:"
		# shellcheck disable=SC2086
		spin -t $flags zab.pml | grep -E "MSC:" | sed 's/^ *MSC: /  /' | tail -n 3
	fi
	echo "model: the path is cut short, no record lost ($mode)"
	exit 0
	;;
old|scenario5|scenario5b)
	if [ "$mode" = old ]; then
		# -DOLD unless one old behaviour is named; bounds unless given
		old=-DOLD
		bounds="-DMAXE=2 -DLMAX=1"
		for a in "$@"; do
			case $a in
			-DOLD_*|-DDISK_LOSS_UNSEEN|-DEPOCH_LOSS) old= ;;
			-DMAXE=*|-DLMAX=*) bounds= ;;
			esac
		done
		flags="$old -DONLY_LOSS $bounds $* -DNOHIDDEN"
		opts="-DBFS -DNOHIDDEN"
	elif [ "$mode" = scenario5 ]; then
		flags="-DSCENARIO5 -DN=5 -DMAXE=3 -DLMAX=2 -DONLY_LOSS -DOLD_SYNCED $*"
		opts=
	else
		flags="-DSCENARIO5B -DN=5 -DMAXE=4 -DLMAX=2 -DONLY_LOSS -DOLD_ACKS $*"
		opts=
	fi
	echo "model: spin -a $flags zab.pml ($name)"
	# shellcheck disable=SC2086
	spin -a $flags zab.pml >/dev/null
	# shellcheck disable=SC2086
	$cc -O2 -DSAFETY -DNOREDUCE -DMEMLIM="$mem" $opts -o pan pan.c
	./pan -w"$w" >pan.out 2>&1 || true
	grep -E "states, stored|elapsed|assertion violated|invalid end state" pan.out || true
	if grep -q "assertion violated committed_record_kept" pan.out && [ -f zab.pml.trail ]; then
		echo "model: an acknowledged record is lost:"
		# shellcheck disable=SC2086
		spin -t $flags zab.pml | grep -E "MSC:|assert" | sed 's/^ *MSC: /  /'
		echo "model: counterexample found, as expected ($name)"
		exit 0
	fi
	echo "model: no counterexample found ($name)" >&2
	exit 1
	;;
*)
	echo "model: unknown mode $mode" >&2
	exit 2
	;;
esac
