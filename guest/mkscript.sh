#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest/mkscript.sh SCRIPT [FILE[:GUESTPATH]...] > extra.cpio.gz
#
# Packs a test script (as /ccwpass/test.sh) and extra files into a small
# gzip'd newc cpio.  Appended to guest/out/initrd.img (the kernel unpacks
# concatenated cpio archives in order, later files winning), it hands the
# guest its script; the guest's /init runs it.  A FILE goes to
# /ccwpass/<basename> unless a :GUESTPATH (absolute) is given.
set -euo pipefail

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    sed -n '2,9p' "$0" >&2
    exit 2
fi
[ -t 1 ] && { echo "mkscript.sh: refusing to write a cpio to a terminal" >&2; exit 2; }
script=$1; shift
[ -f "$script" ] || { echo "mkscript.sh: no such script: $script" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/ccwpass"
install -m 0755 "$script" "$tmp/ccwpass/test.sh"
for f in "$@"; do
    src=${f%%:*}; dst=/ccwpass/$(basename "$src")
    [ "$src" = "$f" ] || dst=${f#*:}
    case "$dst" in /*) ;; *) echo "mkscript.sh: guest path must be absolute: $dst" >&2; exit 1 ;; esac
    [ -e "$src" ] || { echo "mkscript.sh: no such file: $src" >&2; exit 1; }
    mkdir -p "$tmp$(dirname "$dst")"
    cp -a "$src" "$tmp$dst"
done
find "$tmp" -exec touch -h -d @0 {} +
cd "$tmp"
find . -mindepth 1 -print0 | LC_ALL=C sort -z |
    cpio --null --reproducible -o -H newc -R 0:0 --quiet | gzip -9n
