#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# krel.sh [KVER]: the kernel release to build for and test on. KVER is a
# release (6.12.117+deb12-amd64) or a series (6.1, 6.12; default 6.1, the
# kernel of Debian 12's linux-image-amd64): the newest installed release of
# that series with both its image (/boot/vmlinuz-R) and its build tree
# (/lib/modules/R/build, from linux-headers-R).
set -eu
kver=${1:-6.1}
if [ -e "/boot/vmlinuz-$kver" ] || [ -d "/lib/modules/$kver/build" ]; then
	echo "$kver"
	exit 0
fi
best=""
for img in /boot/vmlinuz-"$kver".*; do
	[ -e "$img" ] || continue
	r=${img#/boot/vmlinuz-}
	# 6.1 must not take 6.12: the series is followed by a dot
	case $r in "$kver".[0-9]*) ;; *) continue ;; esac
	[ -d "/lib/modules/$r/build" ] || continue
	best=$(printf '%s\n%s\n' "$best" "$r" | sed '/^$/d' | sort -V | tail -n 1)
done
if [ -z "$best" ]; then
	echo "krel.sh: no kernel $kver with its headers installed (make deps)" >&2
	exit 2
fi
echo "$best"
