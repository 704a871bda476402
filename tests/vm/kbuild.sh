#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build zab.ko (and with ZAB_KUNIT=m zab_test.ko) against the kernel build
# tree KDIR in a copy of the module's sources under DIR, so that the tree's
# own zab.ko, built for another kernel, is left alone. The copy keeps mtimes:
# make rebuilds only what changed. Then copy the modules into a fresh
# DIR/run.XXXXXX (a VM loads its own copy while a later build may replace
# them) and print that directory.
#
#   kbuild.sh KDIR DIR [MAKE ARGS...]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kdir=$1 b=$2
shift 2
[ -d "$kdir" ] || { echo "kbuild.sh: no kernel build tree $kdir" >&2; exit 2; }
mkdir -p "$b"
exec 8> "$b/.lock"
flock 8
(cd "$top" && find Kbuild kmod uapi -name '*.[ch]' -o -name Kbuild -o -name '.kunitconfig') |
	while read -r f; do
		mkdir -p "$b/$(dirname "$f")"
		cp -p "$top/$f" "$b/$f"
	done
# sources removed from the tree leave the copy too
(cd "$b" && find kmod uapi -name '*.[ch]' ! -name '*.mod.c') | while read -r f; do
	[ -e "$top/$f" ] || rm -f "$b/$f"
done
make -s -C "$kdir" M="$b" ZAB_VERSION="${ZAB_VERSION:-0.1.0}" -j"${ZAB_JOBS:-2}" \
	"$@" modules >&2 || { echo "kbuild.sh: the build against $kdir failed" >&2; exit 1; }
run=$(mktemp -d "$b/run.XXXXXX")
cp "$b"/*.ko "$run/"
echo "$run"
