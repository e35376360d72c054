#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# e2e: several DASDs in one guest, dasdfmt block sizes and layouts, and a
# read-only volume.  Five devices (host 0.0.7e52..0.0.7e56 on subchannels
# 0.0.16ca..0.0.16ce, guest 0.0.1234..0.0.1238), five mdevs, five
# -device vfio-ccw.  Boot 1 formats them (512, 1024, 2048, 4096 -d ldl, 4096)
# and uses two file systems at once; ccwpassd restarts with the fifth volume
# read-only; boot 2 reads it but cannot write it.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
e2e_init multi "${1:-}"
e2e_require
devs=(7e52 7e53 7e54 7e55 7e56) schs=(16ca 16cb 16cc 16cd 16ce) gdevs=(1234 1235 1236 1237 1238)
conf() { # conf READONLY-FOR-THE-FIFTH(yes/no)
    for i in 0 1 2 3 4; do
        printf '[device 0.0.%s]\nsubchannel = 0.0.%s\nimage = %s\ncyls = 10\n' \
            "${devs[$i]}" "${schs[$i]}" "$W/vol$i.cckd"
        [ "$i" != 4 ] || printf 'readonly = %s\n' "$1"
        echo
    done >"$W/ccwpassd.conf"
}
qargs=()
setup_all() {
    local i
    qargs=()
    for i in 0 1 2 3 4; do
        seed_steps "0.0.${schs[$i]}" "0.0.${devs[$i]}" || tap_bail "the seed's steps for 0.0.${schs[$i]}"
        qargs+=(-device "vfio-ccw,devno=0.0.${gdevs[$i]},sysfsdev=$MDEV_PATH")
    done
}
conf no
for i in 0 1 2 3 4; do vol_create "$W/vol$i.cckd" 10; done
daemon_start d1 -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not start"
setup_all
rc=0
guest_boot b1 "$E2E_SRC/tests/e2e/guest/multi.sh" -M "$SEED_MACHINE" --append ccwpass.phase=1 -t 1200 \
    -- "${qargs[@]}" || rc=$?
guest_tap "$W/b1.console" "boot 1"
guest_exit_check "boot 1" "$rc"
sum=$(guest_value "$W/b1.console" sum)
for k in fmt_ms_512 fmt_ms_1024 fmt_ms_2048 "fmt_ms_4096-d ldl" fmt_ms_4096; do
    note "measured: $k=$(guest_value "$W/b1.console" "$k")"
done
daemon_stop "$DPID"

conf yes
daemon_start d2 -- --config "$W/ccwpassd.conf" || tap_bail "ccwpassd did not restart"
setup_all
"$CCWPASS" status >"$W/status.log" 2>&1 || true
rc=0
guest_boot b2 "$E2E_SRC/tests/e2e/guest/multi.sh" -M "$SEED_MACHINE" \
    --append "ccwpass.phase=2 ccwpass.sum=${sum:-none}" -t 900 -- "${qargs[@]}" || rc=$?
guest_tap "$W/b2.console" "boot 2"
guest_exit_check "boot 2" "$rc"
daemon_stop "$DPID"
for i in 0 1 2 3 4; do
    tap_check "host: ccwpass dasd check vol$i" "$CCWPASS" dasd check "$W/vol$i.cckd"
done
tap_done
