#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: zab-dkms and zab-tools, built with Debian's tools (debian/) from a
# copy of the tree (git's files when it is a checkout), into build/deb/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
# one version: debian/changelog's is the Makefile's ZAB_VERSION
[ -z "${ZAB_VERSION:-}" ] || [ "$ver" = "$ZAB_VERSION" ] ||
	{ echo "mkdeb: debian/changelog says $ver, the Makefile ZAB_VERSION $ZAB_VERSION" >&2; exit 1; }
src=$tmp/zab-$ver
mkdir -p "$src"
if git -C "$top" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard) |
		(cd "$top" && xargs -0 cp --parents -t "$src" 2> /dev/null) || true
else
	(cd "$top" && tar --exclude=./build --exclude='*.ko' -cf - .) | tar -C "$src" -xf -
fi
[ -x "$src/debian/rules" ] || { echo "mkdeb: no debian/rules in the copy" >&2; exit 1; }
(cd "$src" && dpkg-buildpackage -b -us -uc > "$tmp/build.log" 2>&1) ||
	{ tail -n 30 "$tmp/build.log" >&2; echo "mkdeb: dpkg-buildpackage failed" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.deb
mv "$tmp"/*.deb "$out/"
ls "$out"/*.deb
