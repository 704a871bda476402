# SPDX-License-Identifier: GPL-2.0
# Helpers for zab selftests. Sourced by run.sh into each test's shell.
# A test is a function named test_*; it runs with `set -e` in its own
# subshell, so the first failing command fails it. Print why with fail.

: "${ZAB_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
ZABCTL="$ZAB_TOP/userspace/zabctl"
NLTEST="$ZAB_TOP/tests/selftests/nltest"
ZAB_KO="$ZAB_TOP/zab.ko"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 4
}

# zabctl with its command line echoed, as in WireGuard's netns.sh
zabctl() {
	"$ZABCTL" "$@"
}

# Run a command in network namespace $1.
nsx() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

load_zab() {
	lsmod | grep -q '^zab ' || insmod "$ZAB_KO"
}

unload_zab() {
	if lsmod | grep -q '^zab '; then
		rmmod zab
	fi
}

# expect_fail "what" CMD...: CMD must fail; its output is kept in $OUT.
expect_fail() {
	local what=$1
	shift
	if OUT=$("$@" 2>&1); then
		fail "$what: \`$*' succeeded, expected a failure"
	fi
	echo "  $what: $OUT"
}

# expect_match REGEX TEXT: TEXT must match the extended REGEX.
expect_match() {
	grep -Eq -- "$1" <<< "$2" || fail "expected /$1/ in: $2"
}

# The tsv line of instance $1 (from `zabctl show --tsv`).
tsv_of() {
	zabctl show --tsv | awk -F'\t' -v n="$1" '$1 == n'
}

# Field number $2 (1-based) of instance $1's tsv line.
tsv_field() {
	tsv_of "$1" | cut -f"$2"
}

# Wait up to $1 seconds for CMD to succeed.
wait_for() {
	local t=$1
	shift
	local end=$((SECONDS + t))
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# Column names of `zabctl show --tsv`, in order (see docs/zabctl.md).
ZAB_TSV_COLUMNS="name myid state epoch leader last_zxid commit_zxid tickTime
syncLimit initLimit windowBytes maxRecordSize writes write_bytes write_errors
reads proposals commits peer_downs bad_frames peers"

# tsv_col NAME COLUMN: one field of instance NAME's tsv line.
tsv_col() {
	local i=1 c
	for c in $ZAB_TSV_COLUMNS; do
		if [ "$c" = "$2" ]; then
			tsv_field "$1" "$i"
			return
		fi
		i=$((i + 1))
	done
	fail "no tsv column $2"
}
