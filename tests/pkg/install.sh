#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages as an operator gets them (make deb; run in a test VM,
# tests/vm/run.sh, whose root is a throwaway overlay): install zab-dkms and
# zab-tools with dpkg, DKMS builds zab.ko for the running kernel, modprobe
# loads it, and a 3-member ensemble runs a leader failover with the
# installed zabctl, zabd and zab.ko only (85-zabd:leader_failover with no
# tree to take them from). TAP.
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

dpkg -r zab-tools zab-dkms > "$out/remove" 2>&1 &&
	[ ! -e /usr/bin/zabd ] && [ ! -e "/lib/modules/$kver/updates/dkms/zab.ko" ]
t $? "dpkg -r removes the tools and DKMS's module" "$(tail -n 10 "$out/remove")"

rm -rf "$out"
echo "1..$n"
[ "$failed" = 0 ]
