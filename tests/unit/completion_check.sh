#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# bash completion of zabctl and zabd (packaging/bash-completion/zabctl):
# what a TAB offers after each kind of word, with the keys and fields read
# from the tree's zabctl and two instances made up (orders, other). TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bc=/usr/share/bash-completion/bash_completion
if [ ! -r "$bc" ]; then
	echo "1..0 # SKIP no bash-completion ($bc)"
	exit 0
fi
# shellcheck disable=SC1090
. "$bc"
# shellcheck disable=SC1091
. "$top/packaging/bash-completion/zabctl"
zabctl() {
	if [ "$*" = "show -o name" ]; then
		printf 'orders\nother\n'
	else
		"$top/userspace/build/zabctl" "$@"
	fi
}
n=0
failed=0

# offers WORDS... -- EXPECTED: completing the last of WORDS offers EXPECTED
# (sorted, space-separated); with EXPECTED "~W", at least W among others
offers() {
	local words=() want got
	while [ "$1" != -- ]; do
		words+=("$1")
		shift
	done
	shift
	want=$*
	COMP_WORDS=("${words[@]}")
	COMP_CWORD=$((${#words[@]} - 1))
	COMP_LINE="${words[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	"_${words[0]}" "${words[0]}" "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	got=${got% }
	n=$((n + 1))
	if [ "${want#\~}" != "$want" ] && [[ " $got " == *" ${want#\~} "* ]] ||
	   [ "$got" = "$want" ]; then
		echo "ok $n - '${words[*]}' offers $want"
	else
		echo "not ok $n - '${words[*]}' offers $want"
		echo "#   got: $got"
		failed=$((failed + 1))
	fi
}

offers zabctl "" -- append create destroy help monitor set show snapshot stop tail
offers zabctl sh -- show
offers zabctl --no-check de -- destroy
offers zabctl - -- --help --no-check --version
offers zabctl set o -- orders other
offers zabctl set orders ti -- tickTime
offers zabctl set orders tickTime "" --
offers zabctl set orders tickTime 500 "" -- initLimit maxRecordSize syncLimit tickTime windowBytes
offers zabctl create x --id 3 wi -- windowBytes
offers zabctl create x - -- --help --id
offers zabctl show -o state,le -- state,leader
offers zabctl show -o "" -- ~durable_zxid
offers zabctl show - -- --help --json --tsv -o
offers zabctl show --json o -- orders other
offers zabctl tail orders --f -- --follow --from
offers zabctl tail orders --s -- --sync
offers zabctl tail orders --from 0x100000001 "" --
offers zabctl help st -- stop
offers zabctl monitor --json "" -- orders other
offers zabd --c -- --check-config --config
echo "1..$n"
[ "$failed" = 0 ]
