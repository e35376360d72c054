#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: the Debian package, built, installed on a clean root and used.
#   host: scripts/deb.sh builds it (dpkg-buildpackage -us -uc -b, lintian
#         without errors); dpkg-deb shows the programs, the adapter, the unit,
#         the man pages, the conffile and the completion where they belong.
#   clean root: a private mount namespace with an overlay of / (upper: a
#         tmpfs) and a fresh /run, entered with chroot — the machine's own
#         root is never written.  There: no ccwpass before; `dpkg -i`; the
#         installed programs are the ones found in PATH; the shortened demo
#         with them — the user's edit of /etc/ccwpass/ccwpassd.conf, ccwpassd
#         started by the installed unit's ExecStart (default socket and view),
#         the seed's sysfs steps, the guest through `ccwpass qemu`: DASD
#         online, format, write, read back; `ccwpass dasd check` of the
#         volume; then the demo itself (CCWPASS_PREFIX=/usr scripts/demo.sh);
#         `dpkg -r` leaves only the conffile (with the edit), `dpkg -P`
#         nothing.  docs/daemon.md ("Installing") says why an overlay, not debootstrap.
# usage: deb.sh [BUILD-DIR]     env: E2E_CYLS (default 20), E2E_KEEP=1
set -uo pipefail
if [ -z "${CCWP_DEB_PHASE:-}" ]; then
    exec unshare --mount --propagation private env CCWP_DEB_PHASE=host "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
cyls=${E2E_CYLS:-20}
CONF=/etc/ccwpass/ccwpassd.conf

# ---- in the clean root (chroot), the installed programs -----------------------------
# files_left LIST: the package's files (LIST: one ./path a line) still present, but CONF
files_left() {
    local p
    while IFS= read -r p; do
        p=${p#.}
        if [ "$p" != "$CONF" ] && { [ -e "$p" ] || [ -L "$p" ]; }; then echo "$p"; fi
    done <"$1"
}
in_root() {
    local files=$DEB_W/files.txt exec_line cmd
    # the shortened demo uses the installed programs: CCWPASS_PREFIX=/usr (tests/e2e/lib.sh)
    export CCWPASS_PREFIX=/usr E2E_BUILD_GUEST=0
    e2e_init deb-root
    T_N=$DEB_T_N T_FAIL=$DEB_T_FAIL     # the TAP numbering goes on from the host part
    tap_check "clean root: dpkg -i $(basename "$DEB_PKG")" dpkg -i "$DEB_PKG"
    tap_result "clean root: ccwpassd in PATH is the package's /usr/sbin/ccwpassd" \
        "$([ "$(command -v ccwpassd)" = /usr/sbin/ccwpassd ]; echo $?)"
    tap_result "clean root: ccwpass in PATH is the package's /usr/bin/ccwpass" \
        "$([ "$(command -v ccwpass)" = /usr/bin/ccwpass ]; echo $?)"
    tap_result "clean root: ccwpass qemu preloads the installed adapter (/usr/lib/$DEB_MULTIARCH/ccwpass)" \
        "$(ccwpass qemu --dry-run -version 2>&1 | grep -qx "LD_PRELOAD=/usr/lib/$DEB_MULTIARCH/ccwpass/ccwpass-qemu.so"; echo $?)"
    tap_result "clean root: man finds ccwpassd(8) and ccwpassd.conf(5)" \
        "$(man -w 8 ccwpassd >/dev/null 2>&1 && man -w 5 ccwpassd.conf >/dev/null 2>&1; echo $?)"
    e2e_require
    sed -i "s/^cyls = 200\$/cyls = $cyls/" "$CONF"
    tap_result "clean root: the user edits $CONF (cyls = $cyls)" "$(grep -qx "cyls = $cyls" "$CONF"; echo $?)"
    # ccwpassd as the installed unit runs it: its ExecStart, after what RuntimeDirectory=
    # and StateDirectory= do; socket and view at the defaults the CLI uses by itself
    exec_line=$(sed -n 's/^ExecStart=//p' "$DEB_UNIT")
    read -r -a cmd <<<"$exec_line"
    mkdir -p /run/ccwpass /var/lib/ccwpass
    SOCK=/run/ccwpass/ccwpassd.sock VIEW=/run/ccwpass/view
    unset CCWPASS_SOCKET CCWPASS_VIEW
    "${cmd[@]}" >"$W/daemon-unit.log" 2>&1 </dev/null &
    DPID=$!
    DAEMONS+=("$DPID")
    wait_until 60 _daemon_ready "$DPID" || { diag <"$W/daemon-unit.log"; tap_bail "ccwpassd (the unit's ExecStart: $exec_line) started"; }
    tap_ok "clean root: ccwpassd started by the unit's ExecStart ($exec_line)"
    tap_result "clean root: it serves what $CONF says (the seed's DASD, $cyls cylinders)" \
        "$(grep -q "created $cyls-cylinder 3390 volume /var/lib/ccwpass/dasd-0.0.7e52.cckd" "$W/daemon-unit.log"; echo $?)" \
        "$W/daemon-unit.log"
    ccwpass status >"$W/status.log" 2>&1
    tap_result "clean root: ccwpass status (default socket) lists 0.0.16ca" "$(grep -q '^0\.0\.16ca ' "$W/status.log"; echo $?)" \
        "$W/status.log"
    seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"
    rc=0
    guest_boot boot "$E2E_SRC/tests/e2e/guest/dasd-write.sh" -M "$SEED_MACHINE" \
        -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
    guest_tap "$W/boot.console" "clean root: guest"
    guest_exit_check boot "$rc"
    daemon_stop "$DPID"
    tap_check "clean root: ccwpass dasd check of the volume the guest wrote" \
        ccwpass dasd check /var/lib/ccwpass/dasd-0.0.7e52.cckd
    ccwpass dasd info /var/lib/ccwpass/dasd-0.0.7e52.cckd >"$W/info.log" 2>&1
    tap_result "clean root: ccwpass dasd info shows the guest's VOL1 label" "$(grep -q VOL1 "$W/info.log"; echo $?)" "$W/info.log"
    # the README's demo itself, with the installed programs (its output stays in the overlay)
    rc=0
    (cd "$E2E_SRC" && CCWPASS_PREFIX=/usr scripts/demo.sh) >"$W/demo.log" 2>&1 || rc=$?
    tap_result "clean root: CCWPASS_PREFIX=/usr scripts/demo.sh passes ($(grep -ao '[0-9]* checks ✓' "$W/demo.log"))" "$rc" \
        "$W/demo.log"
    tap_result "clean root: the demo used the installed /usr/sbin/ccwpassd and /usr/bin/ccwpass" \
        "$(grep -q '✓ ccwpass installed: /usr/sbin/ccwpassd, /usr/bin/ccwpass' "$W/demo.log"; echo $?)" "$W/demo.log"

    tap_check "clean root: dpkg -r ccwpass" dpkg -r ccwpass
    files_left "$files" >"$W/left.txt"
    tap_result "clean root: after dpkg -r none of the package's $(wc -l <"$files") files is left but the conffile" \
        "$([ ! -s "$W/left.txt" ]; echo $?)" "$W/left.txt"
    tap_result "clean root: the conffile $CONF stays, with the user's edit" "$(grep -qx "cyls = $cyls" "$CONF"; echo $?)"
    tap_check "clean root: dpkg -P ccwpass" dpkg -P ccwpass
    find /etc -name 'ccwpass*' >"$W/purged.txt" 2>&1
    tap_result "clean root: after dpkg -P nothing of ccwpass is left in /etc (conffile, unit links)" \
        "$([ ! -s "$W/purged.txt" ]; echo $?)" "$W/purged.txt"
    tap_done
}
if [ "$CCWP_DEB_PHASE" = root ]; then
    in_root
    exit
fi

# ---- on the host: build and inspect the package ----------------------------------------
e2e_init deb "${1:-}"
if [ ! -s "$E2E_SRC/guest/out/vmlinuz" ]; then "$E2E_SRC/guest/build.sh" 2>&1 | diag || true; fi
[ -s "$E2E_SRC/guest/out/vmlinuz" ] || tap_bail "prerequisite missing: the guest (guest/build.sh failed)"
R="" O=""
deb_unmount() { # the clean root's mounts, then its directories (never rm -r: /dev is bound in)
    [ -z "$R" ] || { umount -R "$R" 2>/dev/null || umount -R -l "$R"; rmdir "$R"; }
    [ -z "$O" ] || { umount "$O" 2>/dev/null || umount -l "$O"; rmdir "$O"; }
}
trap 'deb_unmount; e2e_teardown' EXIT

"$E2E_SRC/scripts/deb.sh" "$W/out" >"$W/deb.log" 2>&1
tap_result "scripts/deb.sh: dpkg-buildpackage -us -uc -b builds the package, lintian reports no error" "$?" "$W/deb.log"
tap_result "lintian checked it (installed by scripts/setup.sh)" "$(grep -q '^deb: lintian ' "$W/deb.log"; echo $?)" "$W/deb.log"
deb=$(tail -n 1 "$W/deb.log")
[ -f "$deb" ] || tap_bail "the package file ($deb) exists"
version=$(meson introspect "$E2E_BUILD" --projectinfo 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
tap_result "its version is the project's ($version)" "$([ "$(dpkg-deb -f "$deb" Version)" = "$version" ]; echo $?)"
dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' >"$W/files.txt"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
unit=$(pkg-config --variable=systemdsystemunitdir systemd)/ccwpassd.service
for f in /usr/sbin/ccwpassd /usr/bin/ccwpass /usr/bin/ccwpass-qemu-system-s390x \
         "/usr/lib/$multiarch/ccwpass/ccwpass-qemu.so" "$unit" /usr/share/doc/ccwpass/examples/ccwpass-guest.xml \
         /usr/share/man/man1/ccwpass.1.gz /usr/share/man/man5/ccwpassd.conf.5.gz /usr/share/man/man8/ccwpassd.8.gz \
         "$CONF" /usr/share/bash-completion/completions/ccwpass /usr/share/doc/ccwpass/copyright; do
    tap_result "dpkg -c lists $f" "$(grep -qx "\.$f" "$W/files.txt"; echo $?)"
done
deps=$(dpkg-deb -f "$deb" Depends) recs=$(dpkg-deb -f "$deb" Recommends)
tap_result "it depends on fuse3 and the QEMU with qemu-system-s390x, recommends mdevctl and driverctl" \
    "$([[ $deps == *fuse3* && $deps == *qemu-system-misc* && $recs == *mdevctl* && $recs == *driverctl* ]]; echo $?)"
note "Depends: $deps; Recommends: $recs"
tap_result "$CONF is a conffile" "$([ "$(dpkg-deb -I "$deb" conffiles)" = "$CONF" ]; echo $?)"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$unit" >"$W/unit" 2>&1
tap_result "the unit's ExecStart runs /usr/sbin/ccwpassd --foreground --config $CONF" \
    "$(grep -q "^ExecStart=/usr/sbin/ccwpassd --foreground --config $CONF " "$W/unit"; echo $?)" "$W/unit"

# ---- the clean root -----------------------------------------------------------------
R=$(mktemp -d /tmp/ccwpass-deb-root.XXXXXX) O=$(mktemp -d /tmp/ccwpass-deb-ovl.XXXXXX)
clean_root() { # R: / with every write going to a tmpfs; the machine's /proc, /sys, /dev; fresh /run
    mount -t tmpfs ccwpass-deb "$O" && mkdir "$O/upper" "$O/work" &&
        mount -t overlay ccwpass-deb -o "lowerdir=/,upperdir=$O/upper,workdir=$O/work" "$R" &&
        mount --rbind /proc "$R/proc" && mount --rbind /sys "$R/sys" && mount --rbind /dev "$R/dev" &&
        mount -t tmpfs -o mode=0755 ccwpass-run "$R/run" &&
        mount --bind "$W" "$R$W"     # this test's workspace: the package, the logs
}
tap_check "a clean root: overlay of / on a tmpfs, fresh /run, in a private mount namespace" clean_root ||
    tap_bail "no clean root"
chroot "$R" /bin/sh -c '! command -v ccwpassd && ! command -v ccwpass && ! dpkg -s ccwpass' >"$W/clean.log" 2>&1
tap_result "clean root: no ccwpassd, no ccwpass, no package ccwpass before dpkg -i" "$?" "$W/clean.log"
chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    CCWP_DEB_PHASE=root DEB_T_N="$T_N" DEB_T_FAIL="$T_FAIL" DEB_PKG="$deb" DEB_W="$W" DEB_UNIT="$unit" \
    DEB_MULTIARCH="$multiarch" E2E_CYLS="$cyls" E2E_LOGDIR="$W/logs" E2E_KEEP="${E2E_KEEP:-0}" \
    bash "$E2E_SRC/tests/e2e/deb.sh"
rc=$?
cp "$W"/logs/* "$W"/ 2>/dev/null
exit $rc
