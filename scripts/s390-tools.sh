#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/s390-tools.sh [--out DIR] — the host's s390-tools under qemu-user.
#
# Debian ships s390-tools only for s390x.  This unpacks Debian's s390x
# s390-tools and the packages its programs' ELF NEEDED entries lead to (libc6)
# from the guest package cache (guest/cache/debs, fetched by guest/build.sh,
# which is run if a package is missing) into a sysroot DIR/root, and writes a
# wrapper per tool into DIR/bin (default DIR: guest/out/s390-tools):
# lscss, lschp, chchp, lszdev, chzdev run as
#   qemu-s390x-static -0 NAME -L DIR/root DIR/root/sbin/NAME ARGS...
# and the bash script chccwdev runs with the host's bash.  No binfmt_misc
# registration is needed or made.  qemu-user opens an absolute path inside
# the sysroot when the sysroot has it: DIR/root/proc/cio_ignore (empty: no
# device is ignored, ccwpassd has no blacklist) and DIR/root/proc/cio_settle
# (a sink: the view has nothing to settle) and DIR/root/proc/sysinfo (an
# LPAR, no z/VM) stand in for the files an s390 kernel has; everything else (/sys, /proc/mounts, /etc/udev) is the host's.
# `ccwpass host` puts DIR/bin first on PATH when CCWPASS_S390_TOOLS=DIR/bin
# (docs/daemon.md, "Host namespace").
#
# Idempotent: when this script and the package versions are unchanged it
# does nothing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/guest/cache/debs
manifest=$top/guest/out/manifest.txt
out=$top/guest/out/s390-tools
while (($#)); do
    case "$1" in
        --out) [ $# -ge 2 ] || { echo "s390-tools.sh: --out needs a value" >&2; exit 2; }
               out=$2; shift ;;
        -h|--help) awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) echo "s390-tools.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

log() { echo "s390-tools: $*" >&2; }
die() { echo "scripts/s390-tools.sh: error: $*" >&2; exit 1; }

# The ELF tools run under qemu-user, the bash scripts with the host's bash.
elf_tools=(lscss lschp chchp lszdev chzdev)
sh_tools=(chccwdev)
first_pkgs=(s390-tools libc6)

qemu=$(command -v qemu-s390x-static || command -v qemu-s390x || true)
[ -n "$qemu" ] || die "qemu-s390x-static not found (run scripts/setup.sh: Debian package qemu-user-static)"
for t in dpkg-deb readelf sha256sum flock; do
    command -v "$t" >/dev/null || die "$t not found (run scripts/setup.sh)"
done

# deb_of PKG: the cached .deb of PKG's version in guest/out/manifest.txt
# (named as apt-get download names it), or nothing.
deb_of() {
    local p v a
    read -r p v a < <(awk -v p="$1" '$1 == p' "$manifest" 2>/dev/null) || return 0
    [ -n "$p" ] && echo "$cache/${p}_${v//:/%3a}_${a}.deb"
}

have_debs() {
    local p f
    [ -s "$manifest" ] || return 1
    for p in "${first_pkgs[@]}"; do
        f=$(deb_of "$p")
        [ -n "$f" ] && [ -s "$f" ] || return 1
    done
}
if ! have_debs; then
    log "fetching the s390x packages through guest/build.sh"
    "$top/guest/build.sh" || die "guest/build.sh failed"
    have_debs || die "guest/build.sh did not fetch ${first_pkgs[*]}"
fi

# one builder at a time (the test suites of build/ and build-asan/ may both ask)
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9

stamp_new=$(cat "$0" "$manifest" | sha256sum | cut -c1-16)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp_new" ] && [ -x "$out/bin/lscss" ]; then
    log "up to date in ${out#"$top"/}"
    exit 0
fi

root=$out/root
rm -rf "$out"
mkdir -p "$root" "$out/bin"

# --- the sysroot: s390-tools, libc6, and whatever the tools' NEEDED lead to ---------
extracted=()
extract() { # extract PKG
    dpkg-deb -x "$(deb_of "$1")" "$root"
    extracted+=("$1")
}
for p in "${first_pkgs[@]}"; do extract "$p"; done

# lib_present NAME: the sysroot has shared library NAME where ld.so looks.
lib_present() {
    local d
    for d in lib/s390x-linux-gnu usr/lib/s390x-linux-gnu lib usr/lib; do
        [ -e "$root/$d/$1" ] && return 0
    done
    return 1
}
# provider NAME: the manifest's package whose .deb ships library NAME.
provider() {
    local p v a f
    while read -r p v a; do
        f=$(deb_of "$p")
        [ -s "$f" ] || continue
        dpkg-deb -c "$f" | grep -q "/$1\$" && { echo "$p"; return 0; }
    done < <(grep -E '^(lib|zlib1g )' "$manifest")
    return 1
}
scan=("${elf_tools[@]/#/$root/sbin/}")
while ((${#scan[@]})); do
    missing=()
    while read -r lib; do
        lib_present "$lib" || missing+=("$lib")
    done < <(readelf -d "${scan[@]}" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort -u)
    scan=()
    for lib in "${missing[@]}"; do
        lib_present "$lib" && continue
        p=$(provider "$lib") || die "no package in guest/out/manifest.txt ships $lib"
        extract "$p"
        mapfile -t -O "${#scan[@]}" scan < <(dpkg-deb -c "$(deb_of "$p")" |
            awk '$1 ~ /^-/ && $NF ~ /\.so/ { sub(/^\./, "", $NF); print $NF }' | sed "s|^|$root|")
    done
done

# s390 kernel files the tools read or write (see the head of this file)
mkdir -p "$root/proc"
: >"$root/proc/cio_ignore"
: >"$root/proc/cio_settle"
# the machine: an LPAR, not a z/VM guest (chzdev asks; without the file it
# warns "Could not determine if system is a z/VM guest")
printf 'Manufacturer:         IBM\nLPAR Number:          1\nLPAR Name:            CCWPASS\n' >"$root/proc/sysinfo"

# --- the wrappers --------------------------------------------------------------------
for t in "${elf_tools[@]}"; do
    [ -x "$root/sbin/$t" ] || die "s390-tools has no sbin/$t"
    cat >"$out/bin/$t" <<EOF
#!/bin/sh
# s390x $t under qemu-user (written by scripts/s390-tools.sh)
exec $(printf %q "$qemu") -0 $t -L $(printf %q "$root") $(printf %q "$root/sbin/$t") "\$@"
EOF
    chmod 755 "$out/bin/$t"
done
bash=$(command -v bash)
for t in "${sh_tools[@]}"; do
    [ -f "$root/sbin/$t" ] || die "s390-tools has no sbin/$t"
    cat >"$out/bin/$t" <<EOF
#!/bin/sh
# s390-tools' bash script $t, run by the host's bash (written by scripts/s390-tools.sh)
exec $(printf %q "$bash") $(printf %q "$root/sbin/$t") "\$@"
EOF
    chmod 755 "$out/bin/$t"
done
"$out/bin/lscss" --version >/dev/null 2>&1 || die "$out/bin/lscss does not run under $qemu"
echo "$stamp_new" >"$out/stamp"
log "${extracted[*]} unpacked; ${elf_tools[*]} ${sh_tools[*]} in ${out#"$top"/}/bin"
