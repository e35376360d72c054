#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of the benchmark in tests/e2e/rbd.sh: two DASDs of the same
# size in one guest, 0.0.1234 on a CKD file and 0.0.1235 on Ceph RBD.  On
# each: dasdfmt, then ccwpass.mb MiB of random data written and read back
# with O_DIRECT; what is read must be what was written.  Times go to the
# host as CCWPASS-VALUE lines (printed there, never asserted).
. /usr/lib/ccwpass/guestlib.sh
mb=${CCWPASS_MB:-16}
check "make $mb MiB of random data" sh -c "head -c $((mb * 1048576)) /dev/urandom >/tmp/data"
timed() { # timed KEY CMD...: runs CMD as a check named by KEY, its ms as value KEY
    local key=$1 t0; shift
    t0=$(now_ms)
    check "$key: $*" "$@" && value "$key" $(( $(now_ms) - t0 ))
}
for pair in file:0.0.1234 rbd:0.0.1235; do
    kind=${pair%%:*} dev=${pair#*:}
    blk=$(dasd_online "$dev" 120) || { fail "$kind: chccwdev -e $dev"; continue; }
    pass "$kind: $dev online as /dev/$blk"
    timed "${kind}_dasdfmt_ms" dasdfmt -b 4096 -y "/dev/$blk"
    # from 1 MiB on: CDL keeps only the short IPL/VOL1/VTOC records of tracks 0-1
    timed "${kind}_write_ms" dd if=/tmp/data of="/dev/$blk" bs=1M seek=1 oflag=direct
    timed "${kind}_read_ms" dd if="/dev/$blk" of=/tmp/back bs=1M skip=1 count="$mb" iflag=direct
    check "$kind: the $mb MiB read back are the ones written" cmp /tmp/data /tmp/back
    rm -f /tmp/back
    check "$kind: chccwdev -d $dev" chccwdev -d "$dev"
done
finish
