#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Only an administrator of the initial user namespace controls instances:
# their device names are global.
. "$(dirname "$0")/lib.sh"

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}

test_unprivileged_refused() {
	load_zab
	zabctl create priv --id 1
	for cmd in "create x --id 1" "destroy priv" "set priv tickTime 100" "show" "show priv"; do
		# shellcheck disable=SC2086
		expect_fail "nobody: zabctl $cmd" as_nobody "$ZABCTL" $cmd
		expect_match 'Operation not permitted' "$OUT"
	done
	# the events name instances, epochs and peers (before: anyone listened)
	expect_fail "nobody: zabctl monitor" timeout 5 setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all --bounding-set=-all "$ZABCTL" monitor
	expect_match 'Operation not permitted' "$OUT"
	[ -c /dev/zab/priv ] || fail "priv destroyed by nobody"
	expect_fail "nobody opens the device" as_nobody "$DEVTEST" status /dev/zab/priv
	expect_match 'EACCES' "$OUT"
	unload_zab
}

# The path of an instance's log on disk (ZAB_IOC_LOG_PATH) is told only to
# whoever may read and search that directory, not to everyone allowed to
# open the device (before: anyone who could open it learned the host path).
test_log_path_needs_the_directory() {
	local d out
	load_zab
	d=$(mktemp -d)
	chmod 700 "$d"
	zabctl create lp --id 1
	# ZAB_A_NAME 1, ZAB_A_DIR_FD 21, ZAB_A_DURABILITY 22 (FSYNC 2)
	"$NLTEST" log 1=str:lp 21=fd:dir="$d" 22=u8:2 > /dev/null || fail "LOG refused"
	out=$("$DEVTEST" logpath /dev/zab/lp)
	[ "$out" = "$d" ] || fail "root was told $out, not $d"
	chmod 666 /dev/zab/lp
	as_nobody "$DEVTEST" status /dev/zab/lp > /dev/null || fail "nobody cannot open the device"
	expect_fail "nobody asks for the log's path" as_nobody "$DEVTEST" logpath /dev/zab/lp
	expect_match EACCES "$OUT"
	chmod 755 "$d"
	out=$(as_nobody "$DEVTEST" logpath /dev/zab/lp)
	[ "$out" = "$d" ] || fail "nobody, who may read $d, was told $out"
	zabctl destroy lp
	rm -rf "$d"
	unload_zab
}

test_root_without_net_admin() {
	load_zab
	expect_fail "root without CAP_NET_ADMIN" \
		setpriv --bounding-set=-net_admin --inh-caps=-net_admin "$ZABCTL" create x --id 1
	expect_match 'Operation not permitted' "$OUT"
	[ ! -e /dev/zab/x ] || fail "x created"
	unload_zab
}

test_user_namespace_refused() {
	load_zab
	expect_fail "root of a new user namespace" unshare -U -r -n "$ZABCTL" create x --id 1
	expect_match 'Operation not permitted' "$OUT"
	[ ! -e /dev/zab/x ] || fail "x created from a user namespace"
	unload_zab
}

# as_user UID GID CMD...: CMD as UID with GID only, no capabilities.
as_user() {
	local uid=$1 gid=$2
	shift 2
	setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}

# /dev/zab/NAME is root's, mode 0600, until zabctl set gives it an owner,
# a group and a mode; bad values are refused with the value named.
test_device_owner_and_mode() {
	load_zab
	zabctl create da --id 1
	[ "$(stat -c '%u:%g %a' /dev/zab/da)" = "0:0 600" ] ||
		fail "a new device is $(stat -c '%u:%g %a' /dev/zab/da), not root's with mode 600"
	expect_fail "nobody opens a new device" as_nobody "$DEVTEST" status /dev/zab/da
	zabctl set da deviceOwner nobody || fail "deviceOwner nobody refused"
	as_nobody "$DEVTEST" status /dev/zab/da > /dev/null || fail "its owner cannot open it"
	zabctl set da deviceOwner 0 deviceGroup 4242 deviceMode 0660 tickTime 300 ||
		fail "deviceOwner, deviceGroup, deviceMode with a parameter refused"
	[ "$(stat -c '%u:%g %a' /dev/zab/da)" = "0:4242 660" ] ||
		fail "the device is $(stat -c '%u:%g %a' /dev/zab/da), not 0:4242 660"
	[ "$(field da tickTime)" = 300 ] || fail "tickTime not set with the device's access"
	as_user 4243 4242 "$DEVTEST" status /dev/zab/da > /dev/null ||
		fail "a member of the group cannot open it"
	expect_fail "a user outside the group opens it" as_user 4243 4243 "$DEVTEST" status /dev/zab/da
	expect_fail "deviceMode 0777" zabctl set da deviceMode 0777
	expect_match "invalid deviceMode \`0777': octal read and write bits, at most 0666" "$OUT"
	expect_fail "deviceMode 9" zabctl set da deviceMode 9
	expect_fail "deviceOwner of no one" zabctl set da deviceOwner no-such-user
	expect_match "invalid deviceOwner \`no-such-user': no such user" "$OUT"
	expect_fail "deviceGroup of nothing" zabctl set da deviceGroup no-such-group
	expect_match "no such group" "$OUT"
	expect_fail "no such instance" zabctl set nosuch deviceMode 0600
	expect_match "set \`nosuch'" "$OUT"
	[ "$(stat -c '%u:%g %a' /dev/zab/da)" = "0:4242 660" ] || fail "a refused set changed the device"
	zabctl destroy da
}

# zabd gives its instance's device the configuration's owner, group and
# mode: an application in the group writes records without root.
test_device_access_from_config() {
	zabd_setup 3
	printf 'deviceGroup = 4242\ndeviceMode = 0660\n' >> "$ENS_TMP/z1.conf"
	zabd_start 1 2 3
	wait_formed 30 1 2 3
	[ "$(stat -c '%u:%g %a' /dev/zab/z1)" = "0:4242 660" ] ||
		fail "z1's device is $(stat -c '%u:%g %a' /dev/zab/z1)"
	[ "$(stat -c '%u:%g %a' /dev/zab/z2)" = "0:0 600" ] ||
		fail "z2's device (no such keys) is $(stat -c '%u:%g %a' /dev/zab/z2)"
	out=$(as_user 4243 4242 "$ZABLOAD" write /dev/zab/z1 app 10) ||
		fail "an application of the group cannot write: $out"
	[ "$(grep -c '^ok ' <<< "$out")" = 10 ] || fail "not every write committed: $out"
	expect_fail "an application outside the group writes" as_user 4243 4243 "$ZABLOAD" write /dev/zab/z1 app 1
	expect_fail "a bad deviceMode in the file" "$ZABD" -c <(sed 's/^deviceMode = .*/deviceMode = 1777/' "$ENS_TMP/z1.conf")
	expect_match "invalid deviceMode \`1777'" "$OUT"
}

zab_ksft_main "$@"
