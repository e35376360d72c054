#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/deb.sh [OUT-DIR] — build the Debian package ccwpass_<version>_<arch>.deb
# with `dpkg-buildpackage -us -uc -b` from debian/, out of tree: the working
# tree's files (tracked and new, not ignored ones: no build*/, guest/out,
# guest/cache) are copied to a temporary directory, built there, and the
# .debs (ccwpass and its -dbgsym), .buildinfo and .changes are moved to
# OUT-DIR (default: deb-out/).
# The checkout stays clean.  Installs what it needs first (scripts/setup.sh:
# the build dependencies, dpkg-dev, debhelper; idempotent).  When lintian is
# installed it checks the package and an error tag fails the build.
# Prints the path of the .deb as its last line.
#
# Install it:  apt-get install ./deb-out/ccwpass_*.deb   (or dpkg -i, then apt-get -f install)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
out=${1:-deb-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)

scripts/setup.sh

tmp=$(mktemp -d /tmp/ccwpass-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src=$tmp/ccwpass-$version
mkdir "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$top" ls-files -z --cached --others --exclude-standard |
        grep -zv '^guest/cache$' | (cd "$top" && tar --null -T - -cf -) | tar -C "$src" -xf -
else
    tar -C "$top" --exclude='./build*' --exclude=./guest/out --exclude=./guest/cache \
        --exclude='./demo-out*' --exclude=./deb-out -cf - . | tar -C "$src" -xf -
fi

echo "deb: dpkg-buildpackage -us -uc -b in $src"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1 || {
    tail -n 40 "$tmp/build.log"
    echo "deb: error: dpkg-buildpackage failed (the log's end is above)" >&2
    exit 1
}
changes=$(ls "$tmp"/ccwpass_"$version"_*.changes)
if command -v lintian >/dev/null; then
    echo "deb: lintian $(basename "$changes")"
    (cd "$tmp" && lintian --fail-on error "$(basename "$changes")") || { echo "deb: error: lintian reports errors (above)" >&2; exit 1; }
fi
deb=$(ls "$tmp"/ccwpass_"$version"_*.deb)
mv "$tmp"/*.deb "$changes" "$tmp"/ccwpass_"$version"_*.buildinfo "$out"/
echo "$out/$(basename "$deb")"
