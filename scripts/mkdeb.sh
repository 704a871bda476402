#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: zab-dkms and zab-tools, built with Debian's tools (debian/) from a
# copy of the tree, into build/deb/. In a git checkout the copy is git's:
# the tracked files with their uncommitted changes (git stash create), no
# untracked ones; the version is debian/changelog's, which must be the
# Makefile's ZAB_VERSION.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
mver=${ZAB_VERSION:-$(sed -n 's/^ZAB_VERSION ?= *//p' "$top/Makefile")}
[ "$ver" = "$mver" ] ||
	{ echo "mkdeb: debian/changelog says $ver, the Makefile's ZAB_VERSION $mver" >&2; exit 1; }
src=$tmp/zab-$ver
mkdir -p "$src"
if git -C "$top" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	rev=$(git -C "$top" stash create)
	[ -z "$rev" ] || echo "mkdeb: with the uncommitted changes of the tree" >&2
	git -C "$top" archive --format=tar "${rev:-HEAD}" | tar -C "$src" -xf -
else
	(cd "$top" && tar --exclude=./build --exclude='*.o' --exclude='*.ko' -cf - .) |
		tar -C "$src" -xf -
fi
[ -x "$src/debian/rules" ] || { echo "mkdeb: no debian/rules in the copy" >&2; exit 1; }
(cd "$src" && dpkg-buildpackage -b -us -uc > "$tmp/build.log" 2>&1) ||
	{ tail -n 30 "$tmp/build.log" >&2; echo "mkdeb: dpkg-buildpackage failed" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.deb
mv "$tmp"/*.deb "$out/"
ls "$out"/*.deb
