#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages as an operator gets them (make deb; run in a test VM,
# tests/vm/run.sh, whose root is a throwaway overlay): install zab-dkms and
# zab-tools with dpkg, DKMS builds zab.ko for the running kernel, modprobe
# loads it, and a 3-member ensemble runs a leader failover with the
# installed zabctl, zabd and zab.ko only (85-zabd:leader_failover with no
# tree to take them from). Booted with systemd as PID 1 (ZAB_VM_INIT=systemd),
# the installed zabd@.service runs an ensemble too. TAP.
#   tests/pkg/install.sh DEB_DIR
set -u
debs=$(cd "${1:?usage: install.sh DEB_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
# shellcheck disable=SC1091
. "$here/../unit/tap.sh"

echo "TAP version 13"
kver=$(uname -r)
ver=$(dpkg-deb -f "$(ls "$debs"/zab-tools_*.deb | head -n 1)" Version)
! lsmod | grep -q '^zab ' || rmmod zab
# no zab of the tree's: only what the packages install
[ ! -e /usr/bin/zabctl ] && [ ! -e "/lib/modules/$kver/updates/dkms/zab.ko" ]
t $? "nothing of zab installed before" "$(ls -l /usr/bin/zabctl "/lib/modules/$kver/updates/dkms/zab.ko" 2>&1)"

# DKMS builds for every installed kernel with headers; here only for the
# running one (the host builds zab.ko for both kernels with W=1, and a TCG
# VM takes minutes a build): the other kernels' build links are hidden in
# this VM's throwaway root
for k in /lib/modules/*; do
	[ "${k##*/}" = "$kver" ] || rm -f "$k/build"
done
start=$SECONDS
dpkg -i "$debs"/zab-dkms_"$ver"_all.deb "$debs"/zab-tools_"$ver"_*.deb > "$out/dpkg" 2>&1
t $? "dpkg -i zab-dkms zab-tools ($((SECONDS - start)) s with DKMS's builds)" \
	"$(tail -n 20 "$out/dpkg"; cat /var/lib/dkms/zab/"$ver"/build/make.log 2> /dev/null | tail -n 20)"
# built for every installed kernel that has its headers
for k in $(ls /lib/modules); do
	[ -e "/lib/modules/$k/build" ] || continue
	dkms status -m zab -v "$ver" -k "$k" 2> /dev/null | grep -q installed
	t $? "dkms status: zab $ver installed for $k" "$(dkms status 2>&1)"
done

modprobe zab 2> "$out/modprobe"
t $? "modprobe zab" "$(cat "$out/modprobe")"
path=$(modinfo -n zab 2> /dev/null)
mver=$(modinfo -F version zab 2> /dev/null)
[[ $path == /lib/modules/$kver/updates/dkms/zab.ko* ]] && [ "$mver" = "$ver" ]
t $? "the module is DKMS's build, version $ver" "modinfo: $path, version $mver"

[ "$(command -v zabctl)" = /usr/bin/zabctl ] && [ "$(command -v zabd)" = /usr/bin/zabd ] &&
	zabctl --version 2>&1 | grep -q "$ver"
t $? "zabctl and zabd in /usr/bin, version $ver" "$(command -v zabctl zabd; zabctl --version 2>&1)"
[ "$(pkg-config --modversion libzab 2>&1)" = "$ver" ] &&
	pkg-config --libs libzab | grep -q -- -lzab
t $? "pkg-config libzab $ver" "$(pkg-config --modversion --libs libzab 2>&1)"
m=""
for p in zabctl.8 zabd.8 zab.conf.5 zab.4 libzab.3; do
	[ -f "/usr/share/man/man${p##*.}/$p.gz" ] || m="$m $p"
done
[ -z "$m" ]
t $? "man pages zabctl(8) zabd(8) zab.conf(5) zab(4) libzab(3)" "missing:$m"
[ -f /usr/share/bash-completion/completions/zabctl ] &&
	[ -e /usr/share/bash-completion/completions/zabd ]
t $? "bash completion of zabctl and zabd" "$(ls -l /usr/share/bash-completion/completions/zab* 2>&1)"
[ -f /lib/systemd/system/zabd@.service ] &&
	grep -q '^ExecStart=/usr/bin/zabd ' /lib/systemd/system/zabd@.service
t $? "zabd@.service runs /usr/bin/zabd" "$(grep ExecStart /lib/systemd/system/zabd@.service 2>&1)"

# the ensemble, from the installed files only: no module or tools of the
# tree (ZAB_KO, ZAB_TOP), nothing of /usr/local in PATH
rmmod zab 2> /dev/null
env -u ZAB_KO -u ZAB_TEST_KO PATH=/usr/sbin:/usr/bin:/sbin:/bin ZAB_TOP=/nonexistent \
	ZAB_TEST_LIST=85-zabd:leader_failover ZAB_TESTS=85-zabd:leader_failover \
	bash "$here/../selftests/85-zabd.sh" > "$out/ensemble" 2>&1
rc=$?
loaded=$(cat /sys/module/zab/srcversion 2> /dev/null)
[ "$rc" = 0 ] && grep -q '^ok 1 85-zabd:leader_failover' "$out/ensemble" &&
	! grep -q '^ok 1 .*# SKIP' "$out/ensemble" &&
	[ -n "$loaded" ] && [ "$loaded" = "$(modinfo -F srcversion zab)" ]
t $? "a 3-member ensemble fails over with the installed zabctl, zabd and zab.ko" \
	"exit $rc, module srcversion ${loaded:-none} (DKMS's $(modinfo -F srcversion zab)); $(tail -n 30 "$out/ensemble")"
# an application builds against the installed libzab and runs
cat > "$out/app.c" <<'APP'
#include <stdio.h>
#include <libzab.h>
int main(void)
{
	int h = zab_open("nosuch", 0);
	printf("%d\n", h < 0);
	return h < 0 ? 0 : 1;
}
APP
cc -o "$out/app" "$out/app.c" $(pkg-config --cflags --libs libzab) > "$out/cc" 2>&1 &&
	"$out/app" > /dev/null
t $? "a program built with pkg-config's flags links to the installed libzab and runs" \
	"$(cat "$out/cc")"

# Under systemd as PID 1 (tests/vm/run.sh with ZAB_VM_INIT=systemd): the
# installed zabd@.service runs members a, b and c (myid 1, 2, 3) on
# 127.0.0.1, configured in /etc/zab: ready only once joined, the role in its
# status, restarted after SIGKILL and by the watchdog, a clean stop, and a
# broken configuration that fails its unit with the error in the journal.
sd_checks() {
	local x i pid ready started leader k rc rc2 rest

	# sd_prop X PROPERTY: zabd@X's PROPERTY
	sd_prop() {
		systemctl show --value -p "$2" "zabd@$1"
	}
	# until_true SECONDS COMMAND...: COMMAND succeeds within SECONDS (once
	# a second: each systemctl is a process, and a TCG VM is slow)
	until_true() {
		local end=$((SECONDS + $1))
		shift
		until "$@"; do
			[ $SECONDS -lt $end ] || return 1
			sleep 1
		done
	}
	# sd_state X...: the units, for diagnostics
	sd_state() {
		local x
		for x in "$@"; do
			printf 'zabd@%s: %s (%s), pid %s, %s restarts, result %s, status "%s"; instance: %s\n' \
				"$x" "$(sd_prop "$x" ActiveState)" "$(sd_prop "$x" SubState)" \
				"$(sd_prop "$x" MainPID)" "$(sd_prop "$x" NRestarts)" \
				"$(sd_prop "$x" Result)" "$(sd_prop "$x" StatusText)" \
				"$(zabctl show -o state,leader,epoch "$x" 2>&1 | tr '\t' ' ')"
		done
	}
	sd_journal() {
		journalctl -u "zabd@$1" -o short-monotonic --no-pager | tail -n "${2:-15}"
	}
	# sd_is X STATE: zabd@X's ActiveState is STATE
	sd_is() {
		[ "$(sd_prop "$1" ActiveState)" = "$2" ]
	}
	sd_looking() {
		[[ $(sd_prop "$1" StatusText) == LOOKING* ]]
	}
	# sd_restarted X N PID: zabd@X restarted N times or more, its zabd no
	# longer PID
	sd_restarted() {
		[ "$(sd_prop "$1" NRestarts)" -ge "$2" ] && [ "$(sd_prop "$1" MainPID)" != 0 ] &&
			[ "$(sd_prop "$1" MainPID)" != "$3" ]
	}
	# sd_active_status X: zabd@X's status if it is active, else fails
	sd_active_status() {
		local p
		p=$(systemctl show -p ActiveState -p StatusText "zabd@$1") &&
			grep -qx ActiveState=active <<< "$p" && sed -n 's/^StatusText=//p' <<< "$p"
	}
	# sd_logged X TEXT: zabd@X's journal has TEXT
	sd_logged() {
		journalctl -u "zabd@$1" -o cat --no-pager | grep -qF -- "$2"
	}
	# sd_limit_hit X: zabd@X failed, and systemd restarts it no more
	sd_limit_hit() {
		sd_is "$1" failed && sd_logged "$1" "Start request repeated too quickly"
	}
	# sd_formed X...: all active; one leads, the others follow it in its
	# epoch, as their instances (zabctl show, by field name) and their
	# units' status say. Sets leader (a name).
	sd_formed() {
		local x st l e status lid="" epoch="" lead=""
		for x in "$@"; do
			status=$(sd_active_status "$x") || return 1
			IFS=$'\t' read -r st l e <<< "$(zabctl show -o state,leader,epoch "$x" 2> /dev/null)"
			[ -n "$lid" ] || { lid=$l; epoch=$e; }
			[ "$l" = "$lid" ] && [ "$e" = "$epoch" ] || return 1
			case $st in
			LEADING)
				[ -z "$lead" ] || return 1
				lead=$x
				[[ $status == "LEADING epoch $e with followers"* ]] || return 1 ;;
			FOLLOWING)
				[ "$status" = "FOLLOWING leader $l in epoch $e" ] || return 1 ;;
			*)
				return 1 ;;
			esac
		done
		[ -n "$lead" ] && [ "$(zabctl show -o myid "$lead")" = "$lid" ] || return 1
		leader=$lead
	}
	# sd_has X ZXID DATA: member X has committed record ZXID, DATA
	sd_has() {
		zabctl tail "$1" --from "$2" 2> /dev/null | grep -qxF "$2"$'\t'"$3"
	}
	# sd_commit FROM DATA X...: DATA appended with zabctl on member FROM
	# (retried while the ensemble settles) is read back on each X
	sd_commit() {
		local from=$1 data=$2 z="" x end=$((SECONDS + 30))
		shift 2
		until z=$(zabctl append "$from" "$data" 2> "$out/append"); do
			[ $SECONDS -lt $end ] || return 1
			sleep 1
		done
		for x in "$@"; do
			until_true 30 sd_has "$x" "$z" "$data" || return 1
		done
	}

	mkdir -p /etc/zab
	zabctl genkey /etc/zab/ensemble.key && [ "$(stat -c %a /etc/zab/ensemble.key)" = 600 ]
	t $? "zabctl genkey /etc/zab/ensemble.key: a key, mode 0600" "$(ls -l /etc/zab/ensemble.key 2>&1)"
	for x in a b c; do
		i=$(($(printf '%d' "'$x") - 96))
		{
			echo "name = $x"
			echo "myid = $i"
			echo "dataDir = /var/lib/zab/$x"
			echo "authKeyFile = /etc/zab/ensemble.key"
			echo "tickTime = 500"
			echo "initLimit = 10"
			echo "syncLimit = 10"
			echo "server.1 = 127.0.0.1:2881:3881"
			echo "server.2 = 127.0.0.1:2882:3882"
			echo "server.3 = 127.0.0.1:2883:3883"
		} > "/etc/zab/$x.conf"
	done
	# the watchdog's checks, in the test only: a's 15 s instead of 30 s
	mkdir -p /etc/systemd/system/zabd@a.service.d
	printf '[Service]\nWatchdogSec=15s\n' > /etc/systemd/system/zabd@a.service.d/watchdog.conf
	systemctl daemon-reload

	# a alone: running and LOOKING, not ready; its watchdog armed by zabd's
	# kicks does not kill a member that waits for its peers
	systemctl start --no-block zabd@a
	until_true 60 sd_looking a
	sleep 20
	sd_is a activating && [ "$(sd_prop a NRestarts)" = 0 ] && sd_looking a &&
		[ -d /var/lib/zab/a ]
	t $? "systemctl start --no-block zabd@a, its peers stopped: activating (not ready), LOOKING, and its 15 s watchdog kicked for 20 s" \
		"$(sd_state a; sd_journal a)"
	# ... but catches a zabd stuck before it is ready
	pid=$(sd_prop a MainPID)
	kill -STOP "$pid"
	until_true 60 sd_restarted a 1 "$pid"
	t $? "zabd@a stopped (SIGSTOP) before it is ready: the watchdog kills it, and it is restarted" \
		"$(sd_state a; sd_journal a)"

	# b joins: `systemctl start zabd@b' returns once b is ready, which is
	# only once it has joined a; a is ready only then
	started=$(date +%s%N)
	timeout 120 systemctl start zabd@b > "$out/start-b" 2>&1
	rc=$?
	ready=$(sd_prop a ActiveEnterTimestampMonotonic)
	[ "$rc" = 0 ] && sd_is b active && until_true 10 sd_is a active &&
		ready=$(sd_prop a ActiveEnterTimestampMonotonic) &&
		[ "$ready" -gt "$(sd_prop b ExecMainStartTimestampMonotonic)" ]
	t $? "systemctl start zabd@b returns once b joined a ($((($(date +%s%N) - started) / 1000000)) ms); a became ready only after b started" \
		"exit $rc: $(cat "$out/start-b"); a ready at $ready us; $(sd_state a b; sd_journal a 5; sd_journal b)"
	systemctl start --no-block zabd@c
	until_true 60 sd_formed a b c
	t $? "zabd@a, b and c active; systemctl show StatusText: leader $leader LEADING, the others FOLLOWING it, as zabctl show says" \
		"$(sd_state a b c)"
	sd_commit c "via systemd" a b c
	t $? "a record appended with zabctl on c is read back on a and b" \
		"$(cat "$out/append"); $(sd_state a b c)"

	# the watchdog, once ready: a stopped zabd is killed and restarted,
	# and a joins again
	pid=$(sd_prop a MainPID)
	k=$(sd_prop a NRestarts)
	kill -STOP "$pid"
	until_true 60 sd_restarted a $((k + 1)) "$pid" && until_true 60 sd_formed a b c
	t $? "zabd@a stopped (SIGSTOP) once ready: the watchdog kills it, it is restarted and joins again" \
		"$(sd_state a b c; sd_journal a)"
	k=$(journalctl -u zabd@a -p err -o cat --no-pager | grep -c 'Watchdog timeout')
	[ "$k" -ge 2 ]
	t $? "the journal has the watchdog's timeouts of zabd@a at priority err ($k)" \
		"$(journalctl -u zabd@a -o cat --no-pager | grep -i watchdog)"

	# SIGKILL of the leader's zabd: restarted, and the ensemble commits again
	x=$leader
	k=$(sd_prop "$x" NRestarts)
	pid=$(sd_prop "$x" MainPID)
	systemctl kill -s KILL "zabd@$x"
	until_true 60 sd_restarted "$x" $((k + 1)) "$pid" && until_true 60 sd_formed a b c
	t $? "systemctl kill -s KILL zabd@$x (the leader): restarted (NRestarts $k to $(sd_prop "$x" NRestarts)), active, and the three form again, led by $leader" \
		"$(sd_state a b c; sd_journal "$x")"
	sd_commit "$x" "after the restart" a b c
	t $? "the ensemble commits again: a record appended on $x is read back on a, b and c" \
		"$(cat "$out/append"); $(sd_state a b c)"

	# a follower stops cleanly; the other two go on committing
	rest=()
	for i in a b c; do
		[ "$i" = "$leader" ] || rest+=("$i")
	done
	x=${rest[0]}
	systemctl stop "zabd@$x"
	sd_is "$x" inactive && [ "$(sd_prop "$x" Result)" = success ] &&
		[ "$(sd_prop "$x" ExecMainStatus)" = 0 ] &&
		until_true 10 sd_logged "$x" "$x: received SIGTERM, shutting down" &&
		sd_logged "$x" "Stopped zabd@$x.service"
	t $? "systemctl stop zabd@$x: inactive, exit status 0 (Result=success), its stop in the journal" \
		"$(sd_state "$x"; sd_journal "$x")"
	sd_commit "$leader" "two of three" "$leader" "${rest[1]}"
	t $? "the two others still commit" "$(cat "$out/append"); $(sd_state a b c)"

	# a broken configuration: zabd exits with the error, the unit is
	# restarted until systemd's start limit, then failed
	cat > /etc/zab/bad.conf <<-'EOF'
	name = bad
	myid = 1
	dataDir = /var/lib/zab/bad
	tickTme = 200
	auth = none
	server.1 = 127.0.0.1:2891:3891
	EOF
	started=$SECONDS
	systemctl start zabd@bad > "$out/start-bad" 2>&1
	rc=$?
	until_true 120 sd_limit_hit bad
	rc2=$?
	sleep 3
	k=$(journalctl -u zabd@bad -p err -o cat --no-pager | grep -c "bad.conf:4: unknown key \`tickTme'")
	[ "$rc" != 0 ] && [ "$rc2" = 0 ] && sd_is bad failed &&
		[ "$(sd_prop bad Result)" = exit-code ] && [ "$k" -ge 2 ]
	t $? "systemctl start zabd@bad (an unknown key) fails; the unit ends failed after $k starts ($((SECONDS - started)) s, start limit)" \
		"exit $rc: $(cat "$out/start-bad"); $(sd_state bad; sd_journal bad 30)"
	journalctl -u zabd@bad -p err -o cat --no-pager | grep -qxF "zabd: /etc/zab/bad.conf:4: unknown key \`tickTme'"
	t $? "journalctl -u zabd@bad -p err: zabd's error names the file, the line and the key" \
		"$(journalctl -u zabd@bad -p err -o cat --no-pager | tail -n 5)"

	systemctl stop 'zabd@*.service'
	systemctl reset-failed 'zabd@*.service' 2> /dev/null
	rm -rf /etc/systemd/system/zabd@a.service.d /etc/zab/a.conf /etc/zab/b.conf \
		/etc/zab/c.conf /etc/zab/bad.conf
	systemctl daemon-reload
}
if [ "$(cat /proc/1/comm)" = systemd ]; then
	sd_checks
elif [ "${ZAB_VM_INIT:-}" = systemd ]; then
	t 1 "PID 1 is systemd (ZAB_VM_INIT=systemd)" "PID 1 is $(cat /proc/1/comm)"
fi

dpkg -r zab-tools zab-dkms > "$out/remove" 2>&1 &&
	[ ! -e /usr/bin/zabd ] && [ ! -e "/lib/modules/$kver/updates/dkms/zab.ko" ]
t $? "dpkg -r removes the tools and DKMS's module" "$(tail -n 10 "$out/remove")"

rm -rf "$out"
echo "1..$n"
[ "$failed" = 0 ]
