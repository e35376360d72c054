#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: a 3490 tape drive and a 3390 in one guest.  Host: ccwpassd with a
# 3390 volume and a 3490 (device 0.0.0580 on subchannel 0.0.0580, chpid 51)
# loaded with an empty AWSTAPE cartridge; the seed's sysfs steps for both;
# QEMU with -device vfio-ccw,devno=0.0.0580 and the DASD at 0.0.1234.
# Boot 1 (tests/e2e/guest/tape.sh): lscss, lstape, chccwdev -e,
# /proc/tapedevices, two files written with dd and read back, mt positioning,
# a tar archive appended after mt eom, mt offline.  Host: the drive is empty;
# Hercules' tapemap lists the guest's files and block sizes, hetget extracts
# the same bytes, `ccwpass tape check` passes; hetupd -b makes a HET (bzip2)
# copy.  Boot 2: the empty drive (ENOMEDIUM, no hang); the host loads a
# labelled tape made by Hercules' hetinit while the drive is online, the guest
# reads its labels and unloads it.  Host: `ccwpass tape load --ro` of the HET
# copy.  Boot 3: the guest reads it back, writes fail.
# Boot 4 (ccwpassd restarted with `capacity = 1M`): writing to the end of the
# cartridge gives ENOSPC, and every block written before it reads back.
#
# usage: tape.sh [BUILD-DIR]     env: E2E_KEEP=1
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init tape "${1:-}"
e2e_require

img=$W/tape-3390.cckd
tape=$W/guest.aws
printf '%s\n' "[device 0.0.7e52]" "subchannel = 0.0.16ca" "image = $img" "cyls = 10" "" \
    "[device 0.0.0580]" "type = 3490" "image = $tape" "chpids = 51" >"$W/ccwpassd.conf"
vol_create "$img" 10
tap_check "host: ccwpass tape create $(basename "$tape") (unlabelled AWSTAPE)" "$CCWPASS" tape create "$tape"
daemon_start d -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
tap_ok "host: ccwpassd started (socket $SOCK, view $VIEW)"
tap_check "host: the view shows the 3490 as 3490/50 behind 3490/50" \
    test "$(cat "$VIEW/sys/bus/ccw/devices/0.0.0580/devtype") $(cat "$VIEW/sys/bus/ccw/devices/0.0.0580/cutype")" \
    = "3490/50 3490/50"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps for the DASD failed"
dasd_mdev=$MDEV_PATH
seed_steps 0.0.0580 0.0.0580 || tap_bail "the seed's sysfs steps for the tape failed"
tape_mdev=$MDEV_PATH
ccwpass_ctl status >"$W/status.log" 2>&1 || true
tap_result "host: ccwpass status shows the cartridge at block 0" \
    "$(grep -qF "tape: $tape (aws) at block 0" "$W/status.log"; echo $?)" "$W/status.log"

# boot NAME PHASE [--append ARGS]: the guest with both devices.
boot() {
    local name=$1 phase=$2 rc=0; shift 2
    guest_boot "$name" "$E2E_SRC/tests/e2e/guest/tape.sh" -M "$SEED_MACHINE" -t 900 \
        --append "ccwpass.phase=$phase" "$@" \
        -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$dasd_mdev" \
           -device "vfio-ccw,devno=0.0.0580,sysfsdev=$tape_mdev" || rc=$?
    note "$name: $(sed -n 's/^run.sh: //p' "$W/$name.times" 2>/dev/null | tr '\n' ';')"
    guest_tap "$W/$name.console" "guest $name"
    guest_exit_check "$name" "$rc"
}
boot boot1 1

# ---- host: the cartridge the guest wrote and unloaded ------------------------------------
ccwpass_ctl status >"$W/status.log" 2>&1 || true
tap_result "host: after the guest's mt offline the drive is empty" \
    "$(grep -qF "tape: empty drive" "$W/status.log"; echo $?)" "$W/status.log"
tap_check "host: ccwpass tape check $(basename "$tape")" "$CCWPASS" tape check "$tape"
tapemap "$tape" >"$W/tapemap.log" 2>/dev/null || true
diag <"$W/tapemap.log"
printf '%s\n' "File 1: Blocks=8, block size min=32768, max=32768" \
    "File 2: Blocks=4, block size min=65535, max=65535" >"$W/tapemap.want"
tap_check "host: Hercules tapemap lists the guest's dd files with their block sizes" \
    diff "$W/tapemap.want" <(head -n 2 "$W/tapemap.log")
tap_result "host: ... then the tar archive in 10240-byte blocks and the empty end file" \
    "$(sed -n 3,5p "$W/tapemap.log" | tr '\n' '|' |
       grep -Eq '^File 3: Blocks=[1-9][0-9]*, block size min=[0-9]+, max=10240\|File 4: Blocks=0, block size min=0, max=0\|End of tape\.\|$'; echo $?)"
sums=()
for i in 1 2; do
    want=$(guest_value "$W/boot1.console" "sha256_$i")
    sums+=("$want")
    hetget -n "$tape" "$W/file$i" "$i" U 0 65535 >/dev/null 2>&1 || true
    got=$(sha256sum <"$W/file$i" 2>/dev/null | cut -d' ' -f1)
    tap_result "host: hetget extracts file $i with the guest's checksum" \
        "$([ -n "$want" ] && [ "$got" = "$want" ]; echo $?)"
done
het=$W/guest.het
tap_check "host: Hercules hetupd -b makes a HET (bzip2) copy" hetupd -b "$tape" "$het"
"$CCWPASS" tape info "$het" >"$W/info.log" 2>&1 || true
diag <"$W/info.log"
tap_result "host: ccwpass tape info reads it as HET (bzip2) with the same files" \
    "$(grep -q 'HET (bzip2)' "$W/info.log" && grep -q '^File 2: Blocks=4, block size min=65535, max=65535' "$W/info.log"; echo $?)"

# ---- boot 2: the empty drive, then a hetinit tape loaded while it is online ---------------------
lab=$W/hetinit.aws
tap_check "host: Hercules hetinit -d makes a labelled AWSTAPE (VOL001)" hetinit -d "$lab" VOL001 CCWPASS
guest_boot_bg boot2 "$E2E_SRC/tests/e2e/guest/tape.sh" -M "$SEED_MACHINE" -t 900 --mailbox "$W/boot2.mbox" \
    --append ccwpass.phase=2 -- -device "vfio-ccw,devno=0.0.1234,sysfsdev=$dasd_mdev" \
    -device "vfio-ccw,devno=0.0.0580,sysfsdev=$tape_mdev"
gp=$GPID
if wait_line 300 "$W/boot2.console" '^CCWPASS-VALUE ready=load|^CCWPASS-EXIT'; then
    tap_check "host: ccwpass tape load 0.0.0580 hetinit.aws (the guest has the drive online)" \
        ccwpass_ctl tape load 0.0.0580 "$lab"
    mailbox_send "$W/boot2.mbox" loaded
fi
rc=0; wait "$gp" || rc=$?
guest_tap "$W/boot2.console" "guest boot2"
guest_exit_check boot2 "$rc"
ccwpass_ctl status >"$W/status.log" 2>&1 || true
tap_result "host: after the guest's mt offline the drive is empty again" \
    "$(grep -qF "tape: empty drive" "$W/status.log"; echo $?)" "$W/status.log"
tapemap "$lab" >"$W/tapemap2.log" 2>/dev/null || true
tap_result "host: the hetinit tape is unchanged (tapemap: 2 label blocks of 80 bytes)" \
    "$(grep -q '^File 1: Blocks=2, block size min=80, max=80$' "$W/tapemap2.log"; echo $?)" "$W/tapemap2.log"

# ---- boot 3: a write-protected HET cartridge loaded from the host ---------------------------
tap_check "host: ccwpass tape load 0.0.0580 guest.het --ro" ccwpass_ctl tape load 0.0.0580 "$het" --ro
ccwpass_ctl status >"$W/status.log" 2>&1 || true
tap_result "host: status shows the HET cartridge write-protected at block 0" \
    "$(grep -qF "tape: $het (het, write-protected) at block 0" "$W/status.log"; echo $?)" "$W/status.log"
boot boot3 3 --append "ccwpass.sum1=${sums[0]} ccwpass.sum2=${sums[1]}"
tap_check "host: ccwpass tape unload 0.0.0580" ccwpass_ctl tape unload 0.0.0580
daemon_stop "$DPID"
tap_check "host: the HET copy is unchanged (ccwpass tape check)" "$CCWPASS" tape check "$het"

# ---- boot 4: a 1 MiB cartridge written to its end -------------------------------------------
small=$W/small.aws
tap_check "host: ccwpass tape create small.aws" "$CCWPASS" tape create "$small"
printf '%s\n' "[device 0.0.7e52]" "subchannel = 0.0.16ca" "image = $img" "cyls = 10" "" \
    "[device 0.0.0580]" "type = 3490" "image = $small" "capacity = 1M" "chpids = 51" >"$W/ccwpassd.conf"
daemon_start d2 -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not restart"
seed_steps 0.0.16ca 0.0.7e52 || tap_bail "the seed's sysfs steps for the DASD failed"
dasd_mdev=$MDEV_PATH
seed_steps 0.0.0580 0.0.0580 || tap_bail "the seed's sysfs steps for the tape failed"
tape_mdev=$MDEV_PATH
boot boot4 4
daemon_stop "$DPID"
tap_check "host: the full cartridge passes ccwpass tape check" "$CCWPASS" tape check "$small"
tap_result "host: it stayed within its 1 MiB capacity" "$([ "$(stat -c %s "$small")" -le 1048576 ]; echo $?)"
tapemap "$small" 2>/dev/null | diag
tap_done
