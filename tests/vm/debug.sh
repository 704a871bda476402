#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug kernel and what runs on it.
#
#   debug.sh kernel       build the debug kernel once (cached) and print where
#   debug.sh dir          print the cache directory of the current kernel
#   debug.sh module       build zab.ko and zab_test.ko against it
#   debug.sh kunit        boot it, load zab_test.ko, print the results as TAP
#   debug.sh selftests [PATTERN]
#                         boot it with panic_on_warn=1, run the selftests
#                         with the debug zab.ko
#   debug.sh run -- CMD   boot it and run CMD (ZAB_KO points at the debug zab.ko)
#
# The kernel is Debian's linux-source-6.1 configured with allnoconfig plus
# tests/vm/debug.config (KASAN, UBSAN, lockdep, kmemleak, fault injection,
# KUnit). It is cached outside the tree, under
# $ZAB_CACHE/debug-kernel/HASH/ (HASH: the fragment, the kernel version):
#   vmlinuz-KVER   the image
#   build/         the build tree, for `make M=`
#   mod/           modules_install output (ZAB_MODDIR of tests/vm/run.sh)
# zab.ko and zab_test.ko are built in a copy of the sources under
# $ZAB_CACHE/debug-build/HASH/, so the tree's own zab.ko is left alone.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${ZAB_CACHE:-/var/cache/zab}
tarball=${ZAB_KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
srcname=linux-source-6.1
src=$cache/ksrc/$srcname
frag=$top/tests/vm/debug.config
kunitconfig=$top/kmod/tests/.kunitconfig
jobs=${ZAB_JOBS:-2}
# Bump when the recipe below changes in a way that needs a new build.
recipe=1

say() { echo "debug.sh: $*" >&2; }
die() { say "$*"; exit 2; }

# The version of the kernel source: the package's, else the tarball's stamp.
src_version() {
	local v
	v=$(dpkg-query -W -f='${Version}' "$srcname" 2>/dev/null || true)
	if [ -z "$v" ]; then
		[ -r "$tarball" ] || die "no $tarball (apt-get install $srcname)"
		v=$(stat -c '%s-%Y' "$tarball")
	fi
	echo "$v"
}

kdir_of() {
	local h
	h=$( { cat "$frag"; echo "version $(src_version)"; echo "recipe $recipe"; } |
		sha256sum | cut -c1-12)
	echo "$cache/debug-kernel/$h"
}

# Extract the source once per package version, next to the cache.
extract_source() {
	local v stamp=$cache/ksrc/.$srcname.version
	v=$(src_version)
	if [ -f "$src/Makefile" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$v" ]; then
		return
	fi
	# A tree extracted earlier by hand is adopted if its version matches.
	if [ -f "$src/Makefile" ] && [ ! -e "$stamp" ] && [ ! -e "$src/.config" ]; then
		local tv
		tv=$(awk '$1 == "VERSION" { v = $3 } $1 == "PATCHLEVEL" { p = $3 }
			  $1 == "SUBLEVEL" { s = $3 } END { print v "." p "." s }' "$src/Makefile")
		if [ "${v%%-*}" = "$tv" ]; then
			echo "$v" > "$stamp"
			return
		fi
	fi
	[ -r "$tarball" ] || die "no $tarball (apt-get install $srcname)"
	say "extracting $tarball"
	mkdir -p "$cache/ksrc"
	rm -rf "$cache/ksrc/.new"
	mkdir "$cache/ksrc/.new"
	tar -xf "$tarball" -C "$cache/ksrc/.new"
	rm -rf "$src"
	mv "$cache/ksrc/.new/$srcname" "$src"
	rmdir "$cache/ksrc/.new"
	echo "$v" > "$stamp"
}

# Every line of fragment $1 must hold in the resolved config $2.
check_fragment() {
	local frag=$1 config=$2 bad=0 line sym
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) sym=${line%%=*} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
		*) continue ;;
		esac
		if [[ $line == "#"* ]]; then
			! grep -q "^$sym=" "$config" && continue
		else
			grep -qxF -- "$line" "$config" && continue
		fi
		say "$(basename "$frag"): wanted \`$line', got \`$(grep -E "^$sym=|^# $sym is not set" "$config" || echo "$sym absent")'"
		bad=1
	done < "$frag"
	return $bad
}

build_kernel() {
	local dir=$1 b=$1/build log=$1/build.log start=$SECONDS kver
	extract_source
	mkdir -p "$b"
	say "building the debug kernel in $dir (log: $log)"
	{
		make -C "$src" O="$b" ARCH=x86_64 KCONFIG_ALLCONFIG="$frag" allnoconfig &&
		check_fragment "$frag" "$b/.config" &&
		check_fragment "$kunitconfig" "$b/.config" &&
		make -C "$src" O="$b" ARCH=x86_64 -j"$jobs" bzImage modules &&
		rm -rf "$dir/mod" &&
		make -C "$src" O="$b" ARCH=x86_64 INSTALL_MOD_PATH="$dir/mod" \
			INSTALL_MOD_STRIP=1 modules_install
	} > "$log" 2>&1 || { tail -n 40 "$log" >&2; die "kernel build failed (see $log)"; }
	kver=$(cat "$b/include/config/kernel.release")
	cp "$b/arch/x86/boot/bzImage" "$dir/vmlinuz-$kver"
	cat > "$dir/env" <<-EOF
	ZAB_DEBUG_KVER=$kver
	ZAB_DEBUG_IMAGE=$dir/vmlinuz-$kver
	ZAB_DEBUG_MODDIR=$dir/mod/lib/modules/$kver
	ZAB_DEBUG_KDIR=$b
	EOF
	echo "$((SECONDS - start))" > "$dir/build-seconds"
	say "built $kver in $((SECONDS - start)) s"
}

# Build the kernel unless it is there; leave its settings in the environment.
kernel() {
	local dir
	dir=$(kdir_of)
	mkdir -p "$cache/debug-kernel"
	exec 9> "$cache/debug-kernel/.lock"
	flock 9
	[ -s "$dir/env" ] || build_kernel "$dir"
	exec 9>&-
	# shellcheck disable=SC1091
	. "$dir/env"
	export ZAB_DEBUG_KVER ZAB_DEBUG_IMAGE ZAB_DEBUG_MODDIR ZAB_DEBUG_KDIR
	ZAB_DEBUG_BUILD=$cache/debug-build/$(basename "$dir")
}

# Build zab.ko and zab_test.ko against the debug kernel (tests/vm/kbuild.sh).
module() {
	run=$("$top/tests/vm/kbuild.sh" "$ZAB_DEBUG_KDIR" "$ZAB_DEBUG_BUILD" \
		ARCH=x86_64 ZAB_KUNIT=m) ||
		die "zab.ko/zab_test.ko build against the debug kernel failed"
	trap 'rm -rf "$run"' EXIT
	export ZAB_KO=$run/zab.ko ZAB_TEST_KO=$run/zab_test.ko
}

# Boot the debug kernel and run "$@" in it.
vm() {
	ZAB_MODDIR=$ZAB_DEBUG_MODDIR ZAB_KVER=$ZAB_DEBUG_KVER \
	ZAB_VM_TIMEOUT=${ZAB_VM_TIMEOUT:-7200} ZAB_KMEMLEAK=1 \
	ZAB_TEST_TIMEOUT=${ZAB_TEST_TIMEOUT:-900} \
	ZAB_TIME_SCALE=${ZAB_TIME_SCALE:-4} ZAB_KILLS=${ZAB_KILLS:-5} \
	ZAB_CYCLES=${ZAB_CYCLES:-5} ZAB_WRITER_BATCH=${ZAB_WRITER_BATCH:-100} \
		"$top/tests/vm/run.sh" -k "$ZAB_DEBUG_IMAGE" -m "${ZAB_DEBUG_MEM:-4G}" \
		-a "panic_on_warn=1 loglevel=5 kunit.enable=1 ${ZAB_DEBUG_APPEND:-}" -- "$@"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
dir)
	kdir_of
	;;
kernel)
	kernel
	echo "$ZAB_DEBUG_IMAGE"
	;;
module)
	kernel
	module
	echo "$ZAB_DEBUG_BUILD/zab.ko"
	;;
kunit)
	kernel
	module
	vm "$top/tests/vm/kunit.sh"
	;;
selftests)
	kernel
	module
	vm "$top/tests/selftests/run.sh" "${1:-}"
	;;
run)
	[ "${1:-}" = -- ] && shift
	[ $# -gt 0 ] || die "usage: debug.sh run -- COMMAND..."
	kernel
	module
	vm "$@"
	;;
*)
	die "usage: debug.sh kernel|dir|module|kunit|selftests [PATTERN]|run -- CMD"
	;;
esac
