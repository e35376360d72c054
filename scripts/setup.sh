#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what ccwpass needs on a Debian machine (idempotent: installs only
# what is missing).  Guest packages (s390x) are fetched separately by
# guest/build.sh into a project-local cache; the host's dpkg architectures
# are never changed.
set -euo pipefail
PKGS=(build-essential meson ninja-build pkg-config python3
      libcmocka-dev libfuse3-dev fuse3 zlib1g-dev libbz2-dev libinih-dev libjson-c-dev uuid-dev uuid-runtime
      libsystemd-dev systemd driverctl mdevctl go-md2man bash-completion
      dpkg-dev debhelper lintian
      hercules qemu-system-misc qemu-user-static e2fsprogs cpio xz-utils zstd
      libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients
      clang llvm libclang-rt-14-dev
      ceph-mon ceph-osd ceph-mgr ceph-common librbd-dev iproute2)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
