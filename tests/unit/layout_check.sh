#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The folders of userspace/ are the architecture (docs/architecture.md):
# each README's "May include:" line names the folders whose headers its
# files may include. A file's "#include "DIR/x.h"" must name a folder so
# allowed, an "#include "x.h"" a header of its own folder; every .c and .h
# sits in one of the folders. TAP.
set -u
us=$(cd "$(dirname "$0")/../../userspace" && pwd)
n=0
failed=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/#   /'
	fi
}

stray=$(cd "$us" && ls -- *.c *.h 2> /dev/null)
[ -z "$stray" ]
t $? "every source file of userspace/ is in a folder" "outside the folders: $stray"

for dir in "$us"/*/; do
	d=$(basename "$dir")
	[ "$d" = build ] && continue
	allowed=$(sed -n 's/^May include: //p' "$dir/README" 2> /dev/null)
	if [ -z "$allowed" ]; then
		t 1 "$d/README says what $d/ may include" "no \"May include:\" line in $d/README"
		continue
	fi
	bad=""
	for f in "$dir"*.[ch]; do
		[ -e "$f" ] || continue
		while read -r inc; do
			case $inc in
			*/*) [[ " $allowed " == *" ${inc%%/*} "* ]] && [ -f "$us/$inc" ] ||
				bad="$bad$d/$(basename "$f"): $inc"$'\n' ;;
			*) [ -f "$dir$inc" ] || bad="$bad$d/$(basename "$f"): $inc (not in $d/)"$'\n' ;;
			esac
		done < <(sed -n 's/^#include "\(.*\)".*/\1/p' "$f")
	done
	[ -z "$bad" ]
	t $? "$d/ includes only from: $allowed" "${bad%$'\n'}"
done

echo "1..$n"
[ "$failed" = 0 ]
