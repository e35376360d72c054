#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of bench/guest/run.sh: the same script on every side, numbers
# only (never asserted).  The side comes from the kernel parameter
# ccwpass.side= (CCWPASS_SIDE, see guest/init.sh):
#   ccwpass   DASD 0.0.1234 (vfio-ccw, CKD image) and 0.0.1235 (CCKD image)
#   virtio    virtio-blk-ccw disk with serial ccwpass-img (a copy of the image)
#   hercules  DASD 0.0.0120 (Hercules 3390, a copy of the image); the results
#             go onto the 3390 at 0.0.0121 (block 24, first record of track 2)
#             because Hercules' consoles do not reach the host's log.
# chccwdev_online_ms is the online latency through chccwdev -e, for comparison.
# Every measure is printed as "CCWPASS-VALUE key=value" and kept in
# /tmp/bench.values; ccwpass.mb= (MiB per 64 KiB / 1 MiB dd) and ccwpass.mb4k=
# (MiB per 4 KiB dd) size the dd runs.
# shellcheck source=../../guest/guestlib.sh
. /usr/lib/ccwpass/guestlib.sh
side=${CCWPASS_SIDE:-ccwpass} mb=${CCWPASS_MB:-64} mb4k=${CCWPASS_MB4K:-16}
vals=/tmp/bench.values
: >"$vals"
bval() { value "$1" "$2"; echo "$1=$2" >>"$vals"; }
# now_us: the guest's wall clock in microseconds (bash; /proc/uptime has only
# 10 ms resolution, too coarse for a 64 MiB dd that takes 150 ms).
now_us() { echo "${EPOCHREALTIME/./}"; }
ms_since() { # ms_since T0_US: milliseconds since T0_US, one decimal
    awk -v a="$1" -v b="$(now_us)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'
}
timed() { # timed CMD...: runs CMD, prints elapsed ms (-1 when CMD failed)
    local t0
    t0=$(now_us)
    "$@" >/tmp/timed.out 2>&1 || { sed 's/^/# /' /tmp/timed.out >&2; echo -1; return 1; }
    ms_since "$t0"
}
mbps() { # mbps BYTES MS
    awk -v b="$1" -v ms="$2" 'BEGIN { if (ms > 0) printf "%.1f", b / 1048576 / (ms / 1000); else print "n/a" }'
}
# online BUSID SECONDS: "echo 1 > online" until the block device is usable;
# prints the device name.
online() {
    echo 1 >"/sys/bus/ccw/devices/$1/online" || return 1
    usable "$1" "$2"
}
# usable BUSID SECONDS: wait (bounded) until the DASD has a /dev node and
# status online or unformatted; prints the device name.
usable() {
    local end blk st b
    end=$(( $(now_ms) + $2 * 1000 ))
    while :; do
        blk=""
        for b in "/sys/bus/ccw/devices/$1/block/"*; do [ -e "$b" ] && blk=${b##*/}; done
        st=$(cat "/sys/bus/ccw/devices/$1/status" 2>/dev/null)
        if [ -n "$blk" ] && [ -b "/dev/$blk" ]; then
            case "$st" in online|unformatted) echo "$blk"; return 0 ;; esac
        fi
        [ "$(now_ms)" -lt "$end" ] || { echo "timeout: status=$st blk=$blk" >&2; return 1; }
        sleep 0.01
    done
}
# fmt PREFIX BUSID: online latency and dasdfmt -b 4096 of the DASD at BUSID;
# sets BLK to the block device name.
fmt() {
    local t0 blk cyl ms
    t0=$(now_us)
    blk=$(online "$2" 120) || { fail "${1}online $2"; return 1; }
    bval "${1}online_ms" "$(ms_since "$t0")"
    block_links
    cyl=$(dasdview -i "/dev/$blk" 2>/dev/null | awk '/number of cylinders/ {print $NF; exit}')
    bval "${1}cylinders" "$cyl"
    ms=$(timed dasdfmt -b 4096 -y "/dev/$blk")
    bval "${1}dasdfmt_ms" "$ms"
    bval "${1}dasdfmt_tracks_per_s" "$(awk -v c="$cyl" -v ms="$ms" 'BEGIN { if (ms > 0) printf "%.0f", c * 15 / (ms / 1000); else print "n/a" }')"
    BLK=$blk
}
# dds DEV: dd O_DIRECT write and read at 64 KiB and 1 MiB, read at 4 KiB.
dds() {
    local bs cnt bytes
    bytes=$(( mb * 1048576 ))
    for bs in 64k 1M; do
        cnt=$([ $bs = 1M ] && echo "$mb" || echo $(( mb * 16 )))
        bval "write_${bs}_MBps" "$(mbps $bytes "$(timed dd if=/dev/zero of="$1" bs=$bs count="$cnt" oflag=direct)")"
        bval "read_${bs}_MBps" "$(mbps $bytes "$(timed dd if="$1" of=/dev/null bs=$bs count="$cnt" iflag=direct)")"
    done
    bval read_4k_MBps "$(mbps $(( mb4k * 1048576 )) "$(timed dd if="$1" of=/dev/null bs=4k count=$(( mb4k * 256 )) iflag=direct)")"
}
# chccwdev_online BUSID: for comparison, the same latency through s390-tools'
# chccwdev -e (a bash script that also starts gawk and find), after setting
# the device offline again.
chccwdev_online() {
    local t0
    echo 0 >"/sys/bus/ccw/devices/$1/online" || return 1
    t0=$(now_us)
    if ! { chccwdev -e "$1" >/tmp/chccwdev.out 2>&1 && usable "$1" 120 >/dev/null; }; then
        fail "chccwdev -e $1"; sed 's/^/# /' /tmp/chccwdev.out; return 1
    fi
    bval chccwdev_online_ms "$(ms_since "$t0")"
}
vdev() { # vdev SERIAL: the virtio disk with that serial
    local s d
    for s in /sys/block/vd*/serial; do
        [ "$(cat "$s" 2>/dev/null)" = "$1" ] && { d=${s%/serial}; echo "/dev/${d##*/}"; return 0; }
    done
    return 1
}
# results_to_volume BUSID: the values onto the result 3390 (block 24), then a
# read of track 0 so the emulator has written the track back to its file.
results_to_volume() {
    local blk
    blk=$(online "$1" 120) || return 1
    # one 4 KiB record: a long value list is cut short, never the end marker
    { printf '\nCCWPASS-RESULT-BEGIN\n'; sed 's/^/CCWPASS-VALUE /' "$vals"; } | head -c 3900 >/tmp/bench.result
    printf '\nCCWPASS-VALUE checks=%s failed=%s\nCCWPASS-RESULT-END\n' "$CCWPASS_CHECKS" "$CCWPASS_FAILS" \
        >>/tmp/bench.result
    dd if=/tmp/bench.result of="/dev/$blk" bs=4096 seek=24 count=1 conv=sync oflag=direct 2>/dev/null &&
        dd if="/dev/$blk" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null
}

bval side "$side"
bval kernel "$(uname -r)"
bval boot_to_script_ms "$(now_ms)"      # guest uptime: IPL/boot to this script
case "$side" in
    ccwpass)
        fmt "" 0.0.1234 && dds "/dev/$BLK" && chccwdev_online 0.0.1234
        fmt cckd_ 0.0.1235 ;;
    hercules)
        fmt "" 0.0.0120 && dds "/dev/$BLK" && chccwdev_online 0.0.0120 ;;
    virtio)
        if d=$(vdev ccwpass-img); then dds "$d"; else fail "virtio: no disk with serial ccwpass-img"; fi ;;
    *) fail "unknown side $side" ;;
esac
[ "$side" != hercules ] || results_to_volume 0.0.0121 || fail "results onto 0.0.0121"
finish
