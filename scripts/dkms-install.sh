#!/bin/sh
# Register zab's kernel source with DKMS, build and install it for the
# running kernel:  scripts/dkms-install.sh VERSION   (make dkms)
set -eu
ver=${1:?usage: dkms-install.sh VERSION}
top=$(cd "$(dirname "$0")/.." && pwd)
command -v dkms >/dev/null || { echo "dkms-install: apt-get install dkms" >&2; exit 2; }
src=/usr/src/zab-$ver
rm -rf "$src"
mkdir -p "$src"
cp -r "$top/Kbuild" "$top/kmod" "$top/uapi" "$src/"
sed "s/@VERSION@/$ver/" "$top/dkms.conf" > "$src/dkms.conf"
dkms add -m zab -v "$ver"
dkms build -m zab -v "$ver"
dkms install -m zab -v "$ver"
