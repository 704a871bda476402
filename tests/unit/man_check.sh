#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# The man pages (man/) and docs/ describe the same interface as the code:
# every zabctl command, zabd option, configuration key, ioctl and libzab
# function appears in its man page and in docs/, and every page renders
# without a warning. TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
us=$top/userspace
man=$top/man
n=0
failed=0
t() {
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "$2" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}
# missing FILE PATTERN WORD...: the words W for which no line of FILE
# matches PATTERN with @ replaced by W (extended regex; in FILE, roff's \-
# reads as - and font changes \fX are dropped).
missing() {
	local f=$1 pat=$2 w re
	shift 2
	for w in "$@"; do
		re=${pat//@/$(sed 's/[.]/\\./g' <<< "$w")}
		sed 's/\\-/-/g; s/\\f[BIRP]//g' "$f" | grep -qE -- "$re" ||
			echo "$w not in ${f#"$top"/} (as /$re/)"
	done
}

cmds=$("$us/build/zabctl" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 && $1 != "Commands:" { print $1 }')
t "the $(wc -w <<< "$cmds") zabctl commands in zabctl(8) and docs/zabctl.md" \
	"$(missing "$man/zabctl.8" '^\.B[IR]? "?@( |"|$)' $cmds; for c in $cmds; do
		[ "$c" = help ] || grep -q "^### zabctl $c\$" "$top/docs/zabctl.md" ||
			echo "no section \"### zabctl $c\" in docs/zabctl.md"; done)"

opts=$("$us/build/zabd" --help | grep -o -- '--[a-z-]*' | sort -u)
t "the $(wc -w <<< "$opts") long options of zabd in zabd(8)" "$(missing "$man/zabd.8" '^\.B[IR]? .*@( |"|$)' $opts)"

# the keys zabd's parser knows: its own, the parameters, server.N
keys=$( { sed -n 's/.*strcmp(key, "\([A-Za-z]*\)").*/\1/p' "$us/zabd/conf.c"
	  sed -n 's/^[[:space:]]*"\([a-zA-Z]*\)", ZAB_A_.*/\1/p' "$us/common/params.c"; } | sort -u)
t "the $(wc -w <<< "$keys") configuration keys and server.N in zab.conf(5) and docs/zabd.md" \
	"$(missing "$man/zab.conf.5" '^\.BI? @( |$)' $keys server.
	   missing "$top/docs/zabd.md" '^\| `@` \|' $keys server.N)"

# every metric zabd serves, in docs/zabd.md's table of them
metrics=$(grep -o '"zab_[a-z_]*' "$us/zabd/promfmt.c" | tr -d '"' | sort -u)
t "the $(wc -w <<< "$metrics") metrics of zabd in docs/zabd.md" \
	"$(missing "$top/docs/zabd.md" '^\| .*`@[`{]' $metrics)"
# and every field of zabctl show in docs/zabctl.md's table of them
fields=$("$us/build/zabctl" help show 2>&1 | sed -n '/^Fields/,/^[^ ]/{/^ /p}')
t "the $(wc -w <<< "$fields") fields of zabctl show in docs/zabctl.md" \
	"$(missing "$top/docs/zabctl.md" '^\| `@` +\|' $fields)"

iocs=$(grep -o 'define ZAB_IOC_[A-Z_]*' "$top/uapi/linux/zab.h" | awk '{ print $2 }')
t "the $(wc -w <<< "$iocs") ioctls of <linux/zab.h> in zab(4)" "$(missing "$man/zab.4" '^\.B @$' $iocs)"

fns=$(sed -n 's/^[a-z_ ]*[ *]\(zab_[a-z_]*\)(.*/\1/p' "$us/lib/libzab.h" | sort -u)
t "the $(wc -w <<< "$fns") functions of libzab.h in libzab(3)" "$(missing "$man/libzab.3" '^\.BI "[a-z_ ]*[ *]@\(' $fns)"

for p in "$man"/*.[0-9]; do
	out=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$p" 2>&1)
	t "$(basename "$p") renders without a warning" "$out"
done
echo "1..$n"
[ "$failed" = 0 ]
