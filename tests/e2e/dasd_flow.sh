#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: the seed's whole flow, as a user does it (also the demo, scripts/demo.sh).
# Host: ccwpassd with a small 3390 volume; the seed's sysfs steps through the
# view; QEMU through the launcher with the seed's command line.  Guest, boot 1:
# lscss, chccwdev -e, lsdasd, dasdfmt, fdasd, mke2fs, files and programs written
# and run from the DASD, offline.  Guest, boot 2: checksums and programs again.
# Host: the image has VOL1, a VTOC and the partition; the exported partition
# passes e2fsck and its files read back (debugfs) with the same checksums.
#
# usage: dasd_flow.sh [BUILD-DIR]     env: E2E_CYLS (default 100), E2E_KEEP=1
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init dasd-flow "${1:-}"
e2e_require

cyls=${E2E_CYLS:-100}
img=$W/demo-3390.cckd
cat >"$W/ccwpassd.conf" <<EOF
# the seed's DASD (on the volume made above): device 0.0.7e52 on subchannel 0.0.16ca, a $cyls-cylinder 3390
[device 0.0.7e52]
subchannel = 0.0.16ca
image = $img
cyls = $cyls
EOF
vol_create "$img" $cyls
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
tap_ok "host: ccwpassd started (socket $SOCK, view $VIEW)"
tap_check "host: the view shows device 0.0.7e52 on subchannel 0.0.16ca" \
    test -e "$VIEW/sys/bus/css/devices/0.0.16ca/0.0.7e52"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps failed"
ccwpass_ctl status >"$W/status.log" 2>&1 || true
tap_result "host: ccwpass status lists the mdev on 0.0.16ca" \
    "$(grep -q "$MDEV_UUID" "$W/status.log"; echo $?)" "$W/status.log"

# ---- boot 1 ------------------------------------------------------------------
rc=0
guest_boot boot1 "$E2E_SRC/tests/e2e/guest/dasd-write.sh" -M "$SEED_MACHINE" \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
note "boot 1: $(sed -n 's/^run.sh: //p' "$W/boot1.times" 2>/dev/null | tr '\n' ';')"
guest_tap "$W/boot1.console" "guest boot 1"
guest_exit_check "boot 1" "$rc"
fmt_ms=$(guest_value "$W/boot1.console" dasdfmt_ms) fmt_cyl=$(guest_value "$W/boot1.console" cylinders)
note "measured: chccwdev -e to a usable /dev/dasda: $(guest_value "$W/boot1.console" online_ms) ms"
note "measured: dasdfmt of $fmt_cyl cylinders: ${fmt_ms:-?} ms ($(awk -v c="${fmt_cyl:-0}" -v ms="${fmt_ms:-0}" \
    'BEGIN { if (ms > 0) printf "%.0f tracks/s, %.1f MB/s formatted", c * 15 / (ms / 1000), c * 15 * 12 * 4096 / 1048576 / (ms / 1000); else print "n/a" }'))"

# The checksums the guest recorded, in sha256sum's format.
sed -n 's/^CCWPASS-VALUE sha256:\(.*\)=\([0-9a-f]\{64\}\)$/\2  .\/\1/p' "$W/boot1.console" \
    | tr -d '\r' >"$W/SHA256SUMS.host"
nfiles=$(wc -l <"$W/SHA256SUMS.host")
tap_result "host: the guest reported checksums of the files it wrote ($nfiles files)" \
    "$([ "$nfiles" -ge 45 ]; echo $?)"

# ---- boot 2 ------------------------------------------------------------------
rc=0
guest_boot boot2 "$E2E_SRC/tests/e2e/guest/dasd-verify.sh" -M "$SEED_MACHINE" \
    -f "$W/SHA256SUMS.host:/ccwpass/SHA256SUMS.host" \
    -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$MDEV_PATH" || rc=$?
note "boot 2: $(sed -n 's/^run.sh: //p' "$W/boot2.times" 2>/dev/null | tr '\n' ';')"
guest_tap "$W/boot2.console" "guest boot 2"
guest_exit_check "boot 2" "$rc"

# ---- host: the image -----------------------------------------------------------
daemon_stop "$DPID"
tap_check "host: ccwpassd stopped and its view unmounted" \
    bash -c "! grep -q ' $VIEW ' /proc/mounts"
tap_check "host: ccwpass dasd check $img" "$CCWPASS" dasd check "$img"
"$CCWPASS" dasd info "$img" >"$W/info.log" 2>&1 || true
cat "$W/info.log" | diag
tap_result "host: ccwpass dasd info shows the VOL1 label" "$(grep -q 'VOL1' "$W/info.log"; echo $?)" "$W/info.log"
tap_result "host: ccwpass dasd info shows the VTOC" "$(grep -qi 'VTOC' "$W/info.log"; echo $?)" "$W/info.log"
tap_result "host: ccwpass dasd info shows the partition (data set) fdasd made" \
    "$(grep -qiE 'part|PART0001|LINUX' "$W/info.log"; echo $?)" "$W/info.log"
part=$W/part1.img
tap_check "host: ccwpass dasd export $img (partition 1) to a file" \
    "$CCWPASS" dasd export "$img" "$part" --partition 1
tap_check "host: e2fsck -fn on the exported partition is clean" e2fsck -fn "$part"
bad=0 n=0
while read -r sum name; do
    n=$((n + 1))
    got=$(debugfs -R "cat /${name#./}" "$part" 2>/dev/null | sha256sum | cut -d' ' -f1)
    if [ "$got" != "$sum" ]; then bad=$((bad + 1)); note "mismatch: $name host=$got guest=$sum"; fi
done <"$W/SHA256SUMS.host"
tap_result "host: debugfs reads back all $n files from the exported partition with the guest's checksums" \
    "$([ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; echo $?)"
debugfs -R "cat /hello.txt" "$part" 2>/dev/null | sed 's/^/hello.txt: /' | diag
tap_done
