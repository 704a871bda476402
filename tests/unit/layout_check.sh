#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The folders of userspace/ are the architecture (docs/architecture.md):
# each README's "May include:" line names the folders whose headers its
# files may include. Every include of a header of the tree, in any
# spelling ("x.h", "DIR/x.h", <DIR/x.h>, "../DIR/x.h", spaces after # or
# include), is resolved as the compiler would (the file's folder, then
# userspace/ itself, -I) and must land in the file's own folder or one its
# README allows. Every file sits directly in a folder with a README. TAP.
set -u
us=$(cd "$(dirname "$0")/../../userspace" && pwd)
# shellcheck disable=SC1091
. "$(dirname "$0")/tap.sh"

# every file but the Makefile and the build's outputs is in a folder with
# a README, not in a folder of a folder
stray=$(cd "$us" && find . -path ./build -prune -o -type f -print |
	sed 's|^\./||' | grep -v -x -e Makefile -e .gitignore |
	awk -F/ 'NF != 2' )
[ -z "$stray" ]
t $? "every file of userspace/ sits directly in one folder" "elsewhere: $stray"

# resolve FILE INCLUDE QUOTED: the tree's header the compiler would take,
# relative to userspace/, or nothing (a system header)
resolve() {
	local dir p
	dir=$(dirname "$1")
	if [ "$3" = 1 ] && [ -f "$dir/$2" ]; then
		p=$(realpath -m "$dir/$2")
	elif [ -f "$us/$2" ]; then
		p=$(realpath -m "$us/$2")
	else
		return 0
	fi
	echo "${p#"$us"/}"
}

re='^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]*)[>"]'
for dir in "$us"/*/; do
	d=$(basename "$dir")
	[ "$d" = build ] && continue
	allowed=$(sed -n 's/^May include: //p' "$dir/README" 2> /dev/null)
	if [ -z "$allowed" ]; then
		t 1 "$d/README says what $d/ may include" "no \"May include:\" line in $d/README"
		continue
	fi
	bad=""
	for f in "$dir"*; do
		[ -f "$f" ] && [ "$(basename "$f")" != README ] || continue
		while IFS= read -r line; do
			[[ $line =~ $re ]] || continue
			inc=${BASH_REMATCH[2]}
			q=0
			[ "${BASH_REMATCH[1]}" = '"' ] && q=1
			p=$(resolve "$f" "$inc" "$q")
			if [ -z "$p" ]; then
				# quoted and not in the tree: a typo, or a header outside it
				[ "$q" = 0 ] || bad="$bad$d/$(basename "$f"): \"$inc\" is no header of the tree"$'\n'
				continue
			fi
			case $p in
			*/*/*|../*|/*) bad="$bad$d/$(basename "$f"): $inc ($p is outside the folders)"$'\n' ;;
			"$d"/*) ;;
			*/*) [[ " $allowed " == *" ${p%%/*} "* ]] ||
				bad="$bad$d/$(basename "$f"): $inc (${p%%/*}/ is not allowed)"$'\n' ;;
			*) bad="$bad$d/$(basename "$f"): $inc ($p is outside the folders)"$'\n' ;;
			esac
		done < "$f"
	done
	[ -z "$bad" ]
	t $? "$d/ includes only from itself and: $allowed" "${bad%$'\n'}"
done

echo "1..$n"
[ "$failed" = 0 ]
