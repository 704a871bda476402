# SPDX-License-Identifier: GPL-2.0 OR MIT
# TAP for the check scripts (sourced): t STATUS WHAT [DIAGNOSTICS] prints
# "ok N - WHAT" if STATUS is 0, else "not ok N - WHAT" and the diagnostics
# as comments; $failed counts the failures, $n the checks.
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
