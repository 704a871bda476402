#!/bin/sh
# Install every Debian package zab needs to build, test and benchmark.
# Idempotent: installs only what is missing. Needs root (or sudo).
set -eu
pkgs="build-essential make gcc pkg-config kmod cpio file
linux-headers-amd64 linux-image-amd64
linux-headers-6.12-amd64 linux-image-6.12-amd64
linux-source-6.1 flex bison bc libelf-dev libssl-dev xz-utils
qemu-system-x86 busybox-static jq
libnl-3-dev libnl-genl-3-dev libgnutls28-dev python3 openssl libcmocka-dev groff-base man-db clang libclang-rt-14-dev
iproute2 util-linux libcap2-bin procps psmisc e2fsprogs
debhelper dh-dkms dkms dpkg-dev bash-completion gnuplot-nox systemd
zookeeper libzookeeper-mt-dev spin"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -n "$missing" ] || { echo "deps: all packages present"; exit 0; }

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
