#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# guest/build.sh [--refresh] — build the ccwpass s390x test guest.
#
# Produces guest/out/vmlinuz and guest/out/initrd.img (a busybox initramfs
# with s390-tools, bash, e2fsprogs and the DASD and tape driver modules) from Debian
# bookworm s390x packages, fetched into guest/cache/ through a private apt
# state.  The host's dpkg architectures and apt state are never touched.
#
# Idempotent: when the resolved package versions and the guest's own files
# (this script, init.sh, guestlib.sh) are unchanged, it does nothing.
# --refresh re-reads the mirror's package lists first (newer kernel etc.).
#
# The mirror is the one the host's apt configuration uses for bookworm
# (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list|*.sources);
# CCWPASS_GUEST_MIRROR=<url> overrides it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=$here/cache
out=$here/out
suite=bookworm
arch=s390x
refresh=0
for a in "$@"; do
    case "$a" in
        --refresh) refresh=1 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "guest/build.sh: unknown argument $a" >&2; exit 2 ;;
    esac
done

log() { echo "guest: $*" >&2; }
die() { echo "guest/build.sh: error: $*" >&2; exit 1; }

for t in apt-get apt-cache dpkg-deb readelf cpio gzip sha256sum; do
    command -v "$t" >/dev/null || die "$t not found (run scripts/setup.sh)"
done

# --- 1. private apt configuration -------------------------------------------
aptdir=$cache/apt
mkdir -p "$aptdir"/{state/lists/partial,cache/archives/partial,etc/sources.list.d,etc/preferences.d} \
         "$cache/debs" "$out"
[ -f "$aptdir/state/status" ] || : >"$aptdir/state/status"
APT=(-o "Dir::State=$aptdir/state" -o "Dir::State::status=$aptdir/state/status"
     -o "Dir::Cache=$aptdir/cache" -o "Dir::Etc::SourceList=$aptdir/etc/sources.list"
     -o "Dir::Etc::SourceParts=$aptdir/etc/sources.list.d"
     -o "Dir::Etc::Preferences=$aptdir/etc/preferences"
     -o "Dir::Etc::PreferencesParts=$aptdir/etc/preferences.d"
     -o "APT::Architecture=$arch" -o "APT::Architectures=$arch"
     -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root" -q)

# host_sources: print "URI SUITE COMPONENTS... [signed-by=FILE]" for every
# enabled deb source of the host whose suite is bookworm(-updates|-security).
host_sources() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        # one-line style: deb [opts] uri suite comp...
        sed -e 's/#.*//' "$f" | awk -v s="$suite" '
            $1 != "deb" { next }
            { i = 2; opts = ""
              if ($2 ~ /^\[/) { while (i <= NF) { opts = opts " " $i; if ($i ~ /\]$/) { i++; break } i++ } }
              if (opts ~ /arch=/ && opts !~ /s390x/) next
              sb = ""; if (match(opts, /signed-by=[^] ]+/)) sb = substr(opts, RSTART, RLENGTH)
              uri = $i; su = $(i+1); comps = ""
              for (j = i + 2; j <= NF; j++) comps = comps " " $j
              if (su ~ ("^" s "(-updates|-security|/updates)?$")) print uri, su, comps, sb }'
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # deb822 style: stanzas separated by blank lines
        awk -v s="$suite" '
            function flush(   n, m, su, j, k, uris) {
                if (types ~ /(^| )deb( |$)/ && enabled != "no" && (archs == "" || archs ~ /s390x/)) {
                    n = split(uri, uris, " "); m = split(suites, su, " ")
                    for (k = 1; k <= n; k++) for (j = 1; j <= m; j++)
                        if (su[j] ~ ("^" s "(-updates|-security|/updates)?$"))
                            print uris[k], su[j], comps, (sb != "" ? "signed-by=" sb : "")
                }
                types = uri = suites = comps = sb = archs = enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[^ \t]/ { key = tolower($1); sub(/:$/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
                if (key == "types") types = val; else if (key == "uris") uri = val
                else if (key == "suites") suites = val; else if (key == "components") comps = val
                else if (key == "signed-by" && val ~ /^\//) sb = val
                else if (key == "architectures") archs = val; else if (key == "enabled") enabled = tolower(val) }
            END { flush() }' "$f"
    done
}

write_sources() {
    local list=$aptdir/etc/sources.list.new uri su comps sb
    : >"$list"
    if [ -n "${CCWPASS_GUEST_MIRROR:-}" ]; then
        echo "deb $CCWPASS_GUEST_MIRROR $suite main" >>"$list"
    else
        while read -r uri su rest; do
            sb=""; comps=""
            for w in $rest; do
                case "$w" in signed-by=*) sb="[$w] " ;; *) comps="$comps $w" ;; esac
            done
            echo "deb $sb$uri $su$comps" >>"$list"
        done < <(host_sources | sort -u)
    fi
    [ -s "$list" ] || die "no Debian $suite source in the host's apt configuration; set CCWPASS_GUEST_MIRROR=<url>"
    mv "$list" "$aptdir/etc/sources.list"
}

lists_present() { compgen -G "$aptdir/state/lists/*_Packages*" >/dev/null; }

if ((refresh)) || ! lists_present || [ ! -s "$aptdir/etc/sources.list" ]; then
    write_sources
    log "apt update (private state in guest/cache/apt, arch $arch): $(awk '{print $(NF-1), $NF}' "$aptdir/etc/sources.list" | tr '\n' ' ')"
    apt-get "${APT[@]}" update >"$aptdir/update.log" 2>&1 || { cat "$aptdir/update.log" >&2; die "apt-get update failed"; }
fi

# --- 2. resolve the package set -----------------------------------------------
kpkg=$(apt-cache "${APT[@]}" search --names-only '^linux-image-6\.1\.0-[0-9]+-s390x$' |
       awk '{print $1}' | sort -V | tail -n 1)
[ -n "$kpkg" ] || die "no linux-image-6.1.0-*-s390x in the package lists"
kver=${kpkg#linux-image-}

# Tools we ship and the packages that carry them; their library dependencies
# are followed recursively (only lib* packages: the ELF NEEDED entries are
# resolved against these below, and a missing one stops the build).
tools_pkgs=(busybox-static s390-tools bash libtinfo6 e2fsprogs findutils gawk)
mapfile -t lib_pkgs < <(apt-cache "${APT[@]}" depends --recurse --no-recommends --no-suggests \
        --no-conflicts --no-breaks --no-replaces --no-enhances s390-tools e2fsprogs bash findutils gawk |
    grep -E '^(lib|zlib1g$)' | grep -vE '^libperl|^libpam|^libsemanage|^libaudit' | sort -u)
pkgs=("$kpkg" "${tools_pkgs[@]}" "${lib_pkgs[@]}")

manifest_new=$out/manifest.txt.new
# "package version architecture", one line each, candidate versions
mapfile -t upkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
apt-cache "${APT[@]}" show --no-all-versions "${upkgs[@]}" |
    awk '/^Package:/ {p = $2} /^Version:/ {v = $2} /^Architecture:/ {a = $2}
         /^$/ { if (p != "") print p, v, a; p = "" } END { if (p != "") print p, v, a }' |
    sort -u >"$manifest_new"
for p in "${pkgs[@]}"; do
    grep -q "^$p " "$manifest_new" || die "package $p has no candidate version"
done

self_hash=$(cat "$here/build.sh" "$here/init.sh" "$here/guestlib.sh" "$manifest_new" | sha256sum | cut -c1-16)
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$self_hash" ] &&
   [ -s "$out/vmlinuz" ] && [ -s "$out/initrd.img" ]; then
    rm -f "$manifest_new"
    log "up to date ($kpkg, $(wc -l <"$out/manifest.txt") packages) in guest/out/"
    exit 0
fi

# --- 3. download (only what is missing) ------------------------------------------
deb_of() { # deb_of PKG VERSION ARCH -> file name in cache/debs (as apt-get download names it)
    echo "$cache/debs/${1}_${2//:/%3a}_${3}.deb"
}
want=()
while read -r p v a; do
    [ -s "$(deb_of "$p" "$v" "$a")" ] || want+=("$p=$v")
done <"$manifest_new"
if ((${#want[@]})); then
    log "downloading ${#want[@]} packages into guest/cache/debs"
    (cd "$cache/debs" && apt-get "${APT[@]}" download "${want[@]}" >"$aptdir/download.log" 2>&1) ||
        { cat "$aptdir/download.log" >&2; die "apt-get download failed"; }
fi

# --- 4. extract ------------------------------------------------------------------
root=$cache/root
rm -rf "$root"; mkdir -p "$root"
while read -r p v a; do
    dpkg-deb -x "$(deb_of "$p" "$v" "$a")" "$root"
done <"$manifest_new"
log "extracted $(wc -l <"$manifest_new") packages ($kpkg)"

# --- 5. stage the initramfs --------------------------------------------------------
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib,etc/ccwpass,proc,sys,dev,tmp,run,mnt,root,ccwpass,usr/lib/ccwpass,usr/share}

# resolve_in_root PATH: follow symlinks inside the extracted tree; prints the
# tree-relative path of the real file.
resolve_in_root() {
    local p=$1 t n=0
    while [ -L "$root/$p" ]; do
        t=$(readlink "$root/$p")
        case "$t" in /*) p=${t#/} ;; *) p=$(dirname "$p")/$t ;; esac
        p=$(realpath -m -s --relative-to=/ "/$p")
        n=$((n + 1)); [ $n -lt 20 ] || die "symlink loop at $1"
    done
    [ -e "$root/$p" ] || return 1
    echo "$p"
}

# copy_file PATH: copy PATH (tree-relative) into the stage, keeping symlinks
# along the way as symlinks.
copy_file() {
    local p=$1 t
    [ -e "$stage/$p" ] || [ -L "$stage/$p" ] && return 0
    mkdir -p "$stage/$(dirname "$p")"
    if [ -L "$root/$p" ]; then
        cp -a "$root/$p" "$stage/$p"
        t=$(readlink "$root/$p")
        case "$t" in /*) t=${t#/} ;; *) t=$(realpath -m -s --relative-to=/ "/$(dirname "$p")/$t") ;; esac
        copy_file "$t"
    else
        [ -e "$root/$p" ] || die "missing $p in the extracted packages"
        cp -a "$root/$p" "$stage/$p"
    fi
}

libdirs=("lib/$arch-linux-gnu" "usr/lib/$arch-linux-gnu" lib usr/lib)
declare -A done_elf=()
# copy_elf PATH: copy an ELF file and, recursively, its interpreter and the
# libraries its NEEDED entries name (what ldd would list).
copy_elf() {
    local p=$1 real lib d found interp
    copy_file "$p"
    real=$(resolve_in_root "$p") || die "cannot resolve $p"
    [ -z "${done_elf[$real]:-}" ] || return 0
    done_elf[$real]=1
    interp=$(readelf -l "$root/$real" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
    [ -z "$interp" ] || copy_elf "${interp#/}"
    for lib in $(readelf -d "$root/$real" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
        found=""
        for d in "${libdirs[@]}"; do
            if [ -e "$root/$d/$lib" ]; then found=$d/$lib; break; fi
        done
        [ -n "$found" ] || die "$p needs $lib, which no downloaded package provides"
        copy_elf "$found"
    done
}

copy_elf bin/busybox
copy_elf bin/bash
ln -s busybox "$stage/bin/sh"             # "#!/bin/sh" scripts; other applets: /bbin (init.sh)
for t in lscss lschp chchp dasdfmt fdasd dasdview dasdinfo tunedasd; do copy_elf "sbin/$t"; done
for t in chccwdev lsdasd lstape; do copy_file "sbin/$t"; done   # bash scripts
copy_elf sbin/tape390_display           # Load Display (0x9F) on a 3490
copy_elf usr/bin/find                   # lsdasd and lstape need GNU find's -printf
copy_elf usr/bin/gawk                   # and "awk --posix" (lsdasd BUSID); lstape also awk, sort (busybox)
ln -s gawk "$stage/usr/bin/awk"
for t in mke2fs e2fsck debugfs tune2fs dumpe2fs resize2fs; do copy_elf "sbin/$t"; done
ln -sf mke2fs "$stage/sbin/mkfs.ext4"; ln -sf mke2fs "$stage/sbin/mkfs.ext2"
ln -sf e2fsck "$stage/sbin/fsck.ext4"
copy_file etc/mke2fs.conf
# s390-tools data files some tools read (e.g. lsdasd's helpers) if present
[ -d "$root/lib/s390-tools" ] && cp -a "$root/lib/s390-tools" "$stage/lib/"
# terminfo for bash (libtinfo) — "dumb" is enough on the SCLP console
[ -e "$root/lib/terminfo/d/dumb" ] && copy_file lib/terminfo/d/dumb

# kernel and modules
[ -f "$root/boot/vmlinuz-$kver" ] || die "kernel image boot/vmlinuz-$kver not in $kpkg"
mdir=lib/modules/$kver
# tape_34xx drives the 3490 (ccw:t3490m*dt3490dm*); tape_3590 is harmless and
# lets lstape list both driver directories.  Their depends= pull tape, tape_class.
want_mods=(dasd_mod dasd_eckd_mod crc32c_generic crc16 mbcache jbd2 ext4 virtio_blk tape_34xx tape_3590)
declare -A mod_path=() mod_deps=()
while IFS= read -r f; do
    n=$(basename "$f"); n=${n%%.ko*}
    mod_path[$n]=${f#"$root/"}
done < <(find "$root/$mdir/kernel" -name '*.ko*')

# modinfo_deps FILE: the "depends=" list from the module's .modinfo section.
modinfo_deps() {
    local f=$1 tmp
    case "$f" in
        *.ko) readelf -p .modinfo "$f" ;;
        *.ko.xz) tmp=$(mktemp); xz -dc "$f" >"$tmp"; readelf -p .modinfo "$tmp"; rm -f "$tmp" ;;
        *.ko.zst) tmp=$(mktemp); zstd -qdc "$f" >"$tmp"; readelf -p .modinfo "$tmp"; rm -f "$tmp" ;;
    esac | sed -n 's/.*depends=\(.*\)$/\1/p' | tr ',' ' '
}
declare -a mod_order=()
declare -A mod_seen=()
add_mod() { # depth-first: dependencies first
    local n=${1//-/_} d
    [ -z "${mod_seen[$n]:-}" ] || return 0
    mod_seen[$n]=1
    [ -n "${mod_path[$n]:-}" ] || die "kernel module $n not found in $kpkg"
    mod_deps[$n]=$(modinfo_deps "$root/${mod_path[$n]}")
    for d in ${mod_deps[$n]}; do add_mod "$d"; done
    mod_order+=("$n")
}
for m in "${want_mods[@]}"; do add_mod "$m"; done
mkdir -p "$stage/$mdir"
: >"$stage/$mdir/modules.dep"
for n in "${mod_order[@]}"; do
    src=$root/${mod_path[$n]}
    rel=${mod_path[$n]#"$mdir/"}; rel=${rel%%.ko*}.ko
    mkdir -p "$stage/$mdir/$(dirname "$rel")"
    case "$src" in                      # busybox modprobe wants plain .ko
        *.ko) cp "$src" "$stage/$mdir/$rel" ;;
        *.ko.xz) xz -dc "$src" >"$stage/$mdir/$rel" ;;
        *.ko.zst) zstd -qdc "$src" >"$stage/$mdir/$rel" ;;
    esac
    line="$rel:"
    for d in ${mod_deps[$n]}; do line="$line ${mod_path[${d//-/_}]#"$mdir/"}"; done
    line=${line//.ko.xz/.ko}
    echo "${line//.ko.zst/.ko}" >>"$stage/$mdir/modules.dep"
done
printf '%s\n' "${mod_order[@]}" >"$stage/etc/ccwpass/modules"
cp "$root/$mdir/modules.builtin" "$stage/$mdir/" 2>/dev/null || true

# our files
install -m 0755 "$here/init.sh" "$stage/init"
install -m 0644 "$here/guestlib.sh" "$stage/usr/lib/ccwpass/guestlib.sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\n' >"$stage/etc/group"
printf 'ccwpass test guest: %s\n' "$kpkg" >"$stage/etc/issue"
cp "$manifest_new" "$stage/etc/ccwpass/manifest.txt"

# --- 6. pack (reproducible: sorted, fixed owner and mtime) ----------------------------
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
    cpio --null --reproducible -o -H newc -R 0:0 --quiet) | gzip -9n >"$out/initrd.img.new"
cp "$root/boot/vmlinuz-$kver" "$out/vmlinuz.new"
mv "$out/initrd.img.new" "$out/initrd.img"
mv "$out/vmlinuz.new" "$out/vmlinuz"
echo "$kver" >"$out/kernel-version"
mv "$manifest_new" "$out/manifest.txt"
echo "$self_hash" >"$out/stamp"
log "built guest/out/vmlinuz ($kver) and guest/out/initrd.img ($(du -h "$out/initrd.img" | cut -f1)); modules: ${mod_order[*]}"
