#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/e2e/multi.sh: five passed-through DASDs in one guest.
#  phase 1: 0.0.1234..0.0.1237 formatted with 512/1024/2048-byte blocks and
#           with -d ldl; two file systems used at once (1234 and 1235); 0.0.1238
#           formatted and written for phase 2.
#  phase 2: 0.0.1238 is read-only on the host now: readable, not writable;
#           the files of phase 1 are intact.
. /usr/lib/ccwpass/guestlib.sh
phase=${CCWPASS_PHASE:-1}
declare -A blk
online_all() {
    for d in "$@"; do
        if b=$(dasd_online "$d" 120); then blk[$d]=$b; pass "$d online as /dev/$b"
        else fail "$d online"; fi
    done
}
lscss | grep -E '^0\.0\.123[4-8] ' | sed 's/^/  | /'
check "lscss shows all five DASDs (0.0.1234 .. 0.0.1238)" sh -c "[ \$(lscss | grep -cE '^0\.0\.123[4-8] .* 3390/0c') -eq 5 ]"
if [ "$phase" = 1 ]; then
    online_all 0.0.1234 0.0.1235 0.0.1236 0.0.1237 0.0.1238
    fmt() { # fmt DEV BLKSIZE [dasdfmt options]
        d=$1 bs=$2; shift 2
        bd=${blk[$d]}
        t0=$(now_ms)
        check "dasdfmt -b $bs $* /dev/$bd ($d)" dasdfmt -y -b "$bs" "$@" "/dev/$bd" &&
            value "fmt_ms_$bs$*" $(( $(now_ms) - t0 ))
        check_out "lsdasd: $d active with $bs-byte blocks" "^$d +active +$bd .* $bs " lsdasd "$d"
    }
    fmt 0.0.1234 512
    fmt 0.0.1235 1024
    fmt 0.0.1236 2048
    fmt 0.0.1237 4096 -d ldl
    check "ldl: the kernel's implicit partition /dev/${blk[0.0.1237]}1 appears" wait_path "/dev/${blk[0.0.1237]}1" 30
    fmt 0.0.1238 4096
    # two file systems at once, on the 512- and 1024-byte volumes
    for d in 0.0.1234 0.0.1235 0.0.1238; do
        bd=${blk[$d]}
        check "fdasd -a /dev/$bd" fdasd -a "/dev/$bd"
        check "/dev/${bd}1 appears" wait_path "/dev/${bd}1" 30
        check "mke2fs on /dev/${bd}1 ($d)" mke2fs -q -F -t ext4 "/dev/${bd}1"
        mkdir -p "/mnt/$d"; check "mount $d" mount -t ext4 "/dev/${bd}1" "/mnt/$d"
    done
    check "write 2 MiB to 0.0.1234" sh -c "head -c 2097152 /dev/urandom >/mnt/0.0.1234/data"
    check "copy it to 0.0.1235 (both DASDs busy at once)" sh -c "cp /mnt/0.0.1234/data /mnt/0.0.1235/data & cp /mnt/0.0.1234/data /mnt/0.0.1238/data & wait"
    check "write on the ldl volume's partition" dd if=/mnt/0.0.1234/data of="/dev/${blk[0.0.1237]}1" bs=4096 count=64 oflag=direct
    sync; echo 3 >/proc/sys/vm/drop_caches
    check "the copies are identical" sh -c "cmp /mnt/0.0.1234/data /mnt/0.0.1235/data && cmp /mnt/0.0.1234/data /mnt/0.0.1238/data"
    check "the ldl partition reads back" sh -c "dd if=/dev/${blk[0.0.1237]}1 bs=4096 count=64 iflag=direct 2>/dev/null >/tmp/ldl.rd &&
        head -c 262144 /mnt/0.0.1234/data | cmp - /tmp/ldl.rd"
    value sum "$(sha256sum </mnt/0.0.1234/data | cut -d' ' -f1)"
    for d in 0.0.1234 0.0.1235 0.0.1238; do check "umount $d" umount "/mnt/$d"; done
    for d in 0.0.1234 0.0.1235 0.0.1236 0.0.1237 0.0.1238; do check "chccwdev -d $d" chccwdev -d $d; done
else
    online_all 0.0.1234 0.0.1235 0.0.1238
    ro=${blk[0.0.1238]}
    mkdir -p /mnt/ro /mnt/a
    check "read-only volume 0.0.1238: mount -o ro /dev/${ro}1" mount -t ext4 -o ro,noload "/dev/${ro}1" /mnt/ro
    check_out "read-only volume: its file reads back with phase 1's checksum" "^${CCWPASS_SUM:-none}\$" \
        sh -c "sha256sum </mnt/ro/data | cut -d' ' -f1"
    check "read-only volume: reading the whole device works" dd if="/dev/$ro" of=/dev/null bs=65536 iflag=direct
    check_fails "read-only volume: a write to the device fails" \
        dd if=/dev/zero of="/dev/$ro" bs=4096 seek=1000 count=1 oflag=direct
    check "umount the read-only volume" umount /mnt/ro
    check "0.0.1234: mount and verify phase 1's file" sh -c \
        "mount -t ext4 /dev/${blk[0.0.1234]}1 /mnt/a && [ \"\$(sha256sum </mnt/a/data | cut -d' ' -f1)\" = '${CCWPASS_SUM:-none}' ] && umount /mnt/a"
    dmesg | grep -E "0\.0\.1238|$ro" | tail -n 4 | sed 's/^/  | /'
    for d in 0.0.1234 0.0.1235 0.0.1238; do check "chccwdev -d $d" chccwdev -d $d; done
fi
finish
