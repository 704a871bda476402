#!/bin/bash
# Boot the stock Debian kernel under qemu with the host's root shared read-only
# (plus a tmpfs overlay), run one command inside, and return its exit status.
#
#   tests/vm/run.sh [-k KERNEL_IMAGE] [-a "EXTRA APPEND"] [-m MEM] -- COMMAND...
#
# The run fails if the command fails, if the VM does not finish within
# ZAB_VM_TIMEOUT seconds (default 2400), or if the kernel log shows a warning,
# a BUG, an Oops, or a refcount, lockdep, KASAN, UBSAN or kmemleak report.
# A VM that has not started the command within ZAB_VM_BOOT_TIMEOUT seconds
# (default 600; under TCG with every core busy an early boot can hang) is
# killed and booted again, up to twice.
# ZAB_VM_INIT=systemd: the job runs as a unit of systemd, booted as PID 1
# (journald, no udev or network; tests/vm/init), instead of as PID 1.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
kimg=""
append=""
mem=2G
while [ $# -gt 0 ]; do
	case "$1" in
	-k) kimg=$2; shift 2 ;;
	-a) append=$2; shift 2 ;;
	-m) mem=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "run.sh: unknown option \`$1'" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: run.sh [-k IMAGE] [-a APPEND] [-m MEM] -- COMMAND..." >&2; exit 2; }

# the stock kernel: release ZAB_KREL (make KVER=...), else the newest 6.1
if [ -z "$kimg" ]; then
	krel=${ZAB_KREL:-$("$top/scripts/krel.sh")} || exit 2
	kimg=/boot/vmlinuz-$krel
fi
[ -r "$kimg" ] || { echo "run.sh: no kernel image $kimg (make deps)" >&2; exit 2; }
kver=${ZAB_KVER:-$(basename "$kimg" | sed 's/^vmlinuz-//')}
moddir=${ZAB_MODDIR:-/lib/modules/$kver}

cache=${ZAB_CACHE:-/var/cache/zab}
mkdir -p "$cache"
# named after its /init's content too: a checkout of another commit (a clean
# clone's CI) with another /init neither uses nor replaces this one's
initrd=$cache/initramfs-$kver-$(cat "$top/tests/vm/init" "$top/tests/vm/mkinitramfs.sh" |
	sha1sum | cut -c1-12).cpio.gz
if [ ! -s "$initrd" ] || [ "$initrd" -ot "$top/tests/vm/init" ] || [ "$initrd" -ot "$0" ] ||
   [ "$initrd" -ot "$moddir/modules.dep" ]; then
	"$top/tests/vm/mkinitramfs.sh" "$moddir" "$initrd"
fi

# ZAB_VM_OUT=DIR: the shared directory, kept afterwards (tests/vm/crash.sh)
if [ -n "${ZAB_VM_OUT:-}" ]; then
	out=$ZAB_VM_OUT
	mkdir -p "$out"
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/zabvm.XXXXXX")
	trap 'rm -rf "$out"' EXIT
fi
{
	printf 'export ZAB_TOP=%q\n' "$top"
	printf 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n'
	printf 'export HOME=/root TERM=dumb\n'
	for v in $(compgen -e | grep '^ZAB_' || true); do
		[ "$v" = ZAB_TOP ] || printf 'export %s=%q\n' "$v" "${!v}"
	done
} > "$out/env"
cp "$top/tests/vm/stage2" "$out/stage2"
printf '%q ' "$@" > "$out/job"
echo >> "$out/job"

# ZAB_VM_DISK=MB: an empty virtual disk (/dev/vda in the VM, virtio-blk)
# backed by a host file with a write-through cache, so that an fsync in the
# VM reaches the host's disk.
# ZAB_VM_DISK_FILE=FILE: that file instead, kept across boots.
disk=()
img=${ZAB_VM_DISK_FILE:-$out/disk.img}
if [ -n "${ZAB_VM_DISK:-}" ] && [ ! -e "$img" ]; then
	truncate -s "${ZAB_VM_DISK}M" "$img"
fi
if [ -n "${ZAB_VM_DISK:-}${ZAB_VM_DISK_FILE:-}" ]; then
	disk=(-drive "file=$img,if=virtio,format=raw,cache=writethrough")
fi
# ZAB_VM_NET="QEMU ARGS": a network card and its backend (no spaces inside
# an argument).
read -ra net <<< "${ZAB_VM_NET:-}"

accel=tcg
[ -w /dev/kvm ] && [ "${ZAB_KVM:-0}" = 1 ] && accel=kvm
boot() {
	timeout -k 10 "${ZAB_VM_TIMEOUT:-2400}" \
		qemu-system-x86_64 -machine q35,accel=$accel -cpu max -smp "${ZAB_VM_CPUS:-2}" -m "$mem" \
		-nographic -no-reboot -nodefaults -serial stdio \
		-kernel "$kimg" -initrd "$initrd" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1 oops=panic rdinit=/init $append" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs local,path="$out",mount_tag=out,security_model=none,multidevs=remap \
		-pidfile "$out/qemu.pid" "${disk[@]}" "${net[@]}" < /dev/null
}
for attempt in 1 2 3; do
	rm -f "$out/booted"
	boot &
	vm=$!
	end=$((SECONDS + ${ZAB_VM_BOOT_TIMEOUT:-600}))
	while kill -0 $vm 2> /dev/null && [ ! -e "$out/booted" ] && [ $SECONDS -lt $end ]; do
		sleep 1
	done
	if [ -e "$out/booted" ] || ! kill -0 $vm 2> /dev/null; then
		wait $vm || true
		break
	fi
	echo "run.sh: the VM did not start the job within ${ZAB_VM_BOOT_TIMEOUT:-600} s" \
		"(boot $attempt); killing it" >&2
	kill "$(cat "$out/qemu.pid" 2> /dev/null)" 2> /dev/null || true
	wait $vm || true
done

rc=1
if [ -s "$out/rc" ]; then
	rc=$(cat "$out/rc")
else
	echo "run.sh: the VM did not finish the job (timeout or crash)" >&2
	rc=124
fi

bad='WARNING:|BUG:|Oops|general protection fault|refcount_t:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN:|UBSAN:|unreferenced object|Kernel panic|kernel BUG|INFO: task .* blocked'
if [ -s "$out/dmesg" ]; then
	[ -z "${ZAB_DMESG_SAVE:-}" ] || cp "$out/dmesg" "$ZAB_DMESG_SAVE"
	if grep -Eq "$bad" "$out/dmesg"; then
		echo "run.sh: the kernel log shows a problem:" >&2
		grep -E -A 20 "$bad" "$out/dmesg" | head -60 >&2
		[ "$rc" != 0 ] || rc=3
	fi
elif [ "$rc" = 0 ]; then
	echo "run.sh: no kernel log came back" >&2
	rc=3
fi

# kmemleak (ZAB_KMEMLEAK=1, see stage2): a suspect allocated by zab, or from
# an unloaded module or init code (frames without a symbol: on the debug kernel
# only zab.ko and zab_test.ko are modules), while the job ran, fails the run;
# others are shown.
if [ -s "$out/kmemleak" ]; then
	[ -z "${ZAB_DMESG_SAVE:-}" ] || cp "$out/kmemleak" "$ZAB_DMESG_SAVE.kmemleak"
	awk -v j0="$(cat "$out/kmemleak-jiffies" 2> /dev/null || echo 0)" '
		function flush() { if (ours) printf "%s", block; block = ""; ours = 0 }
		/^unreferenced object/ { flush(); old = 0 }
		match($0, /jiffies [0-9]+/) {
			if (substr($0, RSTART + 8, RLENGTH - 8) + 0 < j0 + 0) old = 1
		}
		!old && (/\[zab(_test)?\]$/ || /\] 0xffffffff[a-f][0-9a-f]+$/) { ours = 1 }
		{ block = block $0 "\n" }
		END { flush() }' "$out/kmemleak" > "$out/kmemleak.zab"
	others=$(grep -c "unreferenced object" "$out/kmemleak" || true)
	others=$((others - $(grep -c "unreferenced object" "$out/kmemleak.zab" || true)))
	if [ -s "$out/kmemleak.zab" ]; then
		echo "run.sh: kmemleak: zab leaked memory:" >&2
		head -n 80 "$out/kmemleak.zab" >&2
		[ "$rc" != 0 ] || rc=3
	elif [ "$others" != 0 ]; then
		echo "run.sh: kmemleak: $others suspects outside zab (not counted)" >&2
	fi
fi
exit "$rc"
