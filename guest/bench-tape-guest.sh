#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of guest/bench.sh, the tape part (sourced by bench-guest.sh,
# which provides rate/timed and guestlib.sh): sequential dd to and from the
# passed-through 3490 at 0.0.0580 (/dev/ntibm0) with 32768- and 65535-byte
# blocks, CCWPASS_MB MiB each way, rewound between.  Numbers, never asserted;
# a step that fails leaves its value at -1 (printed as n/a by the host).
# tape_bench MB
tape_bench() {
    local mb=$1 tdev=0.0.0580 t=/dev/ntibm0 bs cnt bytes ms
    chccwdev -e "$tdev" >/dev/null 2>&1 && wait_path "$t" 60 || { echo "bench: tape $tdev did not come online" >&2; return 1; }
    for bs in 32768 65535; do
        cnt=$(( mb * 1048576 / bs )); bytes=$(( cnt * bs ))
        mt -f "$t" rewind
        # closing the node writes the tapemarks: part of the write
        ms=$(timed dd if=/dev/zero of="$t" bs="$bs" count="$cnt")
        rate "tape_write_$bs" "$bytes" "$ms"
        mt -f "$t" rewind
        # dd stops at the tapemark after the file
        ms=$(timed dd if="$t" of=/dev/null bs="$bs")
        grep -q "^$cnt+0 records in" /tmp/timed.out || ms=-1   # short read: no number
        rate "tape_read_$bs" "$bytes" "$ms"
    done
    mt -f "$t" rewind
    chccwdev -d "$tdev" >/dev/null
}
