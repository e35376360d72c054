#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of guest/bench.sh: numbers, never asserted.
# /dev of the passed-through DASD 0.0.1234 vs virtio-blk-ccw disks: the same
# image file (serial ccwpass-img, read) and a scratch file of the same size
# (serial ccwpass-scratch, write).  Then the passed-through 3490 at 0.0.0580
# (guest/bench-tape-guest.sh).
. /usr/lib/ccwpass/guestlib.sh
dev=0.0.1234 mb=${CCWPASS_MB:-64}
vdev() { for s in /sys/block/vd*/serial; do [ "$(cat "$s")" = "$1" ] && { d=${s%/serial}; echo "/dev/${d##*/}"; return; }; done; }
rate() { # rate LABEL BYTES MS
    value "$1_ms" "$3"
    value "$1_MBps" "$(awk -v b="$2" -v ms="$3" 'BEGIN { printf "%.1f", ms ? b / 1048576 / (ms / 1000) : 0 }')"
}
timed() { # timed CMD...: runs CMD, prints elapsed ms
    t0=$(now_ms); "$@" >/tmp/timed.out 2>&1 || { cat /tmp/timed.out >&2; echo -1; return 1; }; echo $(( $(now_ms) - t0 ))
}
t0=$(now_ms)
blk=$(dasd_online $dev 120) || { fail "online"; finish; }
value online_ms $(( $(now_ms) - t0 ))
cyl=$(dasdview -i /dev/$blk 2>/dev/null | awk '/number of cylinders/ {print $NF; exit}')
value cylinders "$cyl"
ms=$(timed dasdfmt -b 4096 -y /dev/$blk)
value dasdfmt_ms "$ms"
value dasdfmt_tracks_per_s "$(awk -v c="$cyl" -v ms="$ms" 'BEGIN { printf "%.0f", (ms > 0 ? c * 15 / (ms / 1000) : 0) }')"
# capacity formatted per second: 12 4-KiB blocks per track
rate dasdfmt $(( cyl * 15 * 12 * 4096 )) "$ms"
bytes=$(( mb * 1048576 ))
for bs in 64k 1M; do
    cnt=$([ $bs = 1M ] && echo "$mb" || echo $((mb * 16)))
    rate "dasd_write_$bs" $bytes "$(timed dd if=/dev/zero of=/dev/$blk bs=$bs count="$cnt" oflag=direct)"
    rate "dasd_read_$bs" $bytes "$(timed dd if=/dev/$blk of=/dev/null bs=$bs count="$cnt" iflag=direct)"
done
img=$(vdev ccwpass-img) scratch=$(vdev ccwpass-scratch)
if [ -n "$img" ] && [ -n "$scratch" ]; then
    for bs in 64k 1M; do
        cnt=$([ $bs = 1M ] && echo "$mb" || echo $((mb * 16)))
        rate "virtio_write_$bs" $bytes "$(timed dd if=/dev/zero of="$scratch" bs=$bs count="$cnt" oflag=direct)"
        rate "virtio_read_$bs" $bytes "$(timed dd if="$img" of=/dev/null bs=$bs count="$cnt" iflag=direct)"
    done
fi
chccwdev -d $dev >/dev/null
if [ -e /sys/bus/ccw/devices/0.0.0580 ]; then
    . /ccwpass/bench-tape-guest.sh
    tape_bench "$mb"
fi
finish
