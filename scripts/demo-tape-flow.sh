#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/demo-tape-flow.sh BUILD-DIR — step 4 of scripts/demo-tape.sh (TAP).
# Host: `ccwpass tape create` makes an empty AWSTAPE cartridge; ccwpassd
# serves a 3490 at 0.0.0580 (subchannel 0.0.0580, chpid 51) loaded with it;
# the seed's sysfs steps for it through ccwpassd's view; QEMU through
# `ccwpass qemu` with -device vfio-ccw,devno=0.0.0580,sysfsdev=<mdev>.
# Guest (scripts/demo-tape-guest.sh): lscss, lstape, chccwdev -e,
# /proc/tapedevices, tar + dd to /dev/ntibm0, mt weof/rewind/tell/seek, both
# files read back and compared, mt offline.  Host: the drive is empty;
# `ccwpass tape info` and `tape check`, Hercules' tapemap lists the guest's
# files, hetget -n extracts them with the guest's checksums.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/e2e/lib.sh"
e2e_init demo-tape "${1:-}"
e2e_require

tape=$W/demo.aws
printf '%s\n' "[device 0.0.0580]" "type = 3490" "image = $tape" "chpids = 51" >"$W/ccwpassd.conf"
tap_check "host: ccwpass tape create demo.aws (an empty, unlabelled AWSTAPE cartridge)" "$CCWPASS" tape create "$tape"
"$CCWPASS" tape info "$tape" 2>&1 | diag
note "ccwpassd.conf:"
diag <"$W/ccwpassd.conf"
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
tap_ok "host: ccwpassd started with a 3490 at 0.0.0580 (socket $SOCK, view $VIEW)"
tap_check "host: the view shows the drive as 3490/50 behind 3490/50" \
    test "$(cat "$VIEW/sys/bus/ccw/devices/0.0.0580/devtype") $(cat "$VIEW/sys/bus/ccw/devices/0.0.0580/cutype")" \
    = "3490/50 3490/50"
note "devtype $(cat "$VIEW/sys/bus/ccw/devices/0.0.0580/devtype"), cutype $(cat "$VIEW/sys/bus/ccw/devices/0.0.0580/cutype")"
seed_steps 0.0.0580 0.0.0580 || tap_bail "the seed's sysfs steps for the tape failed"
ccwpass_ctl status >"$W/status.log" 2>&1 || true
tap_result "host: ccwpass status shows the cartridge at block 0" \
    "$(grep -qF "tape: $tape (aws) at block 0" "$W/status.log"; echo $?)" "$W/status.log"
diag <"$W/status.log"

qdev="vfio-ccw,devno=0.0.0580,sysfsdev=$MDEV_PATH"
note "QEMU (through ccwpass qemu): -M $SEED_MACHINE -device $qdev"
rc=0
guest_boot tape "$here/demo-tape-guest.sh" -M "$SEED_MACHINE" -t 900 -- -device "$qdev" || rc=$?
note "boot $(sed -n 's/^run.sh: //p' "$W/tape.times" 2>/dev/null | tr '\n' ';')"
guest_tap "$W/tape.console" "guest"
guest_exit_check tape "$rc"

# ---- host: the cartridge the guest wrote and unloaded -----------------------------------
ccwpass_ctl status >"$W/status.log" 2>&1 || true
tap_result "host: after the guest's mt offline the drive is empty" \
    "$(grep -qF "tape: empty drive" "$W/status.log"; echo $?)" "$W/status.log"
grep -F 'tape:' "$W/status.log" | diag
daemon_stop "$DPID"
"$CCWPASS" tape info "$tape" >"$W/info.log" 2>&1 || true
tap_result "host: ccwpass tape info lists the guest's two files (file 2: 16 blocks of 32768)" \
    "$(grep -q '^File 1: Blocks=[1-9][0-9]*, block size min=[0-9]*, max=10240' "$W/info.log" &&
       grep -q '^File 2: Blocks=16, block size min=32768, max=32768' "$W/info.log"; echo $?)" "$W/info.log"
diag <"$W/info.log"
tap_check "host: ccwpass tape check demo.aws (every block header chains)" "$CCWPASS" tape check "$tape"
diag <"$W/.check.out"
tapemap "$tape" >"$W/tapemap.log" 2>&1 || true
tap_result "host: Hercules tapemap lists the same files and block sizes" \
    "$(grep -q '^File 1: Blocks=[1-9][0-9]*, block size min=[0-9]*, max=10240' "$W/tapemap.log" &&
       grep -q '^File 2: Blocks=16, block size min=32768, max=32768' "$W/tapemap.log"; echo $?)" "$W/tapemap.log"
diag <"$W/tapemap.log"
for i in 1 2; do
    want=$(guest_value "$W/tape.console" "sha256_$i")
    hetget -n "$tape" "$W/file$i" "$i" U 0 65535 >"$W/hetget$i.log" 2>&1 || true
    got=$(sha256sum <"$W/file$i" 2>/dev/null | cut -d' ' -f1)
    tap_result "host: Hercules hetget -n extracts file $i with the guest's checksum" \
        "$([ -n "$want" ] && [ "$got" = "$want" ]; echo $?)" "$W/hetget$i.log"
    note "guest sha256 $want, hetget $got ($(stat -c %s "$W/file$i" 2>/dev/null) bytes)"
done
tar tf "$W/file1" >"$W/tar.log" 2>&1
tap_result "host: tar tf of hetget's file 1 lists the guest's directory" \
    "$(grep -qx 'tree/sub/blob' "$W/tar.log"; echo $?)" "$W/tar.log"
diag <"$W/tar.log"
tap_done
