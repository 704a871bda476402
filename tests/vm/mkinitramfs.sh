#!/bin/bash
# Build the test VM's initramfs: busybox, the /init in this directory, and the
# modules that mount the host's root over virtio-9p with an overlay (those
# built into the kernel are skipped).
#   mkinitramfs.sh MODULE_DIR OUTPUT.cpio.gz
set -euo pipefail
moddir=$1
dst=$2
here=$(cd "$(dirname "$0")" && pwd)
bb=$(command -v busybox || true)
[ -n "$bb" ] || bb=/bin/busybox
! ldd "$bb" >/dev/null 2>&1 ||
	{ echo "mkinitramfs: need a static busybox (apt-get install busybox-static)" >&2; exit 2; }
[ -d "$moddir" ] || { echo "mkinitramfs: no modules at $moddir" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,proc,sys,dev,lib/modules}
cp "$bb" "$tmp/bin/busybox"
cp "$here/init" "$tmp/init"
kver=$(basename "$moddir")
base=${moddir%/lib/modules/$kver}
base=${base:-/}
: > "$tmp/modules.list"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	# built into the kernel (as in the debug kernel): nothing to load
	grep -q "/$m.ko\$" "$moddir/modules.builtin" 2>/dev/null && continue
	modprobe -d "$base" -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' | while read -r path; do
	name=$(basename "$path")
	cp "$path" "$tmp/lib/modules/$name"
	echo "$name" >> "$tmp/modules.list"
done
# a name of its own: VMs booting at once may each build it
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$dst.$$.tmp"
mv "$dst.$$.tmp" "$dst"
echo "mkinitramfs: $dst ($(wc -l < "$tmp/modules.list") modules)"
