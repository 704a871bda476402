#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inside the debug kernel's VM: load zab_test.ko, whose KUnit suites run as it
# loads, and print their results as flat TAP, one line per test case (one per
# parameter of a parameterised case): "ok N - SUITE.CASE[: PARAM]". If one
# failed (or with ZAB_VERBOSE set), the KTAP follows as comments.
set -u
ko=${ZAB_TEST_KO:-${ZAB_TOP:-.}/zab_test.ko}

# The suites run as the module loads and print KTAP to the kernel log:
# take what follows a mark. (debugfs keeps only the tail of each case's log.)
mark="zab-kunit: $$ $(date +%s)"
echo "$mark" > /dev/kmsg
if ! out=$(insmod "$ko" 2>&1); then
	echo "not ok 1 - insmod $ko: $out"
	echo "1..1"
	exit 1
fi
ktap=$(dmesg --notime | awk -v mark="$mark" 'found; index($0, mark) { found = 1 }')

# One TAP line per case, or per parameter of a parameterised case; the
# suite's own verdict counts only if no case of it failed. KTAP of 6.1
# writes "ok N NAME" (a dash only before parameters).
tap=$(awk '
	function emit(ok, name, directive) {
		n++
		print ok " " n " - " name directive
		if (ok == "not ok") bad++
	}
	function parse(line, indent,    r) {
		line = substr(line, indent + 1)
		r_ok = line ~ /^not / ? "not ok" : "ok"
		sub(/^(not )?ok [0-9]+ (- )?/, "", line)
		r_dir = ""
		if (match(line, / # SKIP.*/)) {
			r_dir = substr(line, RSTART)
			line = substr(line, 1, RSTART - 1)
		}
		return line
	}
	/^    # Subtest: / { suite = $3; cases = 0; sbad = bad; next }
	/^        (not )?ok [0-9]+ / {
		d = parse($0, 8)
		params[np++] = r_ok SUBSEP d SUBSEP r_dir
		next
	}
	/^    (not )?ok [0-9]+ / {
		c = parse($0, 4)
		cok = r_ok; cdir = r_dir; pbad = 0
		for (i = 0; i < np; i++) {
			split(params[i], p, SUBSEP)
			emit(p[1], suite "." c ": " p[2], p[3])
			if (p[1] == "not ok") pbad++
		}
		if (np == 0 || (cok == "not ok" && pbad == 0))
			emit(cok, suite "." c, cdir)
		np = 0
		cases++
		next
	}
	/^(not )?ok [0-9]+ / {
		s = parse($0, 0)
		if (!cases) emit("not ok", s ": no test case ran", "")
		else if (r_ok == "not ok" && bad == sbad) emit("not ok", s, "")
		suites++
	}
	END { if (!suites) emit("not ok", "zab_test.ko ran no suite", "") }' <<< "$ktap")
echo "$tap"
n=$(grep -c '^\(not \)\?ok ' <<< "$tap")
failed=$(grep -c '^not ok ' <<< "$tap")
# the KTAP as the kernel printed it, when something failed
if [ "$failed" != 0 ] || [ -n "${ZAB_VERBOSE:-}" ]; then
	sed 's/^/# /' <<< "$ktap"
fi
rmmod zab_test || { echo "not ok $((n + 1)) - rmmod zab_test"; n=$((n + 1)); failed=1; }
echo "1..$n"
[ "$failed" = 0 ]
